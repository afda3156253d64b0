/* libFuzzer entry point: arbitrary bytes as a rule file, through the whole
 * front end (parse, check, compile, lint) and the formatter, and, when the
 * catalog compiles, an evaluation of every measure on an all-unknown
 * record.  Anything but diagnostics (a crash, a sanitizer report, a hang)
 * is a bug.  Built and run by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lang/catalog.h"
#include "lang/fmt.h"
#include "runtime/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aeo_catalog *c = aeo_catalog_new();
    /* The lints' budget lowered from 200,000,000 steps: runaway conditions
     * (the cost example of the seeds) cost milliseconds under the
     * sanitizers, not seconds. */
    c->check_steps = 2000000;
    aeo_catalog_add_text(c, "fuzz.aeo", (const char *)data, size);
    if (c->diags.n_errors == 0) {
        aeo_buf out = {0};
        aeo_fmt_file(&c->sources, &c->files[0], &out);
        aeo_buf_free(&out);
    }
    /* The whole pipeline, as `aeo check` runs it. */
    if (aeo_catalog_build(c, AEO_BUILD_LINT)) {
        if (c->program->root) {
            aeo_vm *vm = aeo_vm_new(c->program);
            aeo_vm_set_limits(vm, 100000, 16u << 20);
            aeo_vm_begin(vm, aeo_record_new(aeo_vm_arena(vm), c->program->root));
            for (uint32_t i = 0; i < c->program->n_measures; i++) aeo_vm_measure(vm, i);
            aeo_vm_end(vm);
            aeo_vm_free(vm);
        }
    }
    aeo_catalog_free(c);
    return 0;
}
