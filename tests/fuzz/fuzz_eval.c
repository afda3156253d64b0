/* libFuzzer entry point, the eval stage: the input is a rule file, a line
 * "---", then a facts stream (without the line, all of it is the rule
 * file).  When the catalog compiles, every record read is decoded against
 * its schema and every measure evaluated, with its value and its
 * explanation, as `aeo eval --explain` does, under small limits (100,000
 * steps, 16 MiB per record) so that a runaway condition stays quick.
 * Anything but outcomes and error records is a bug.  Built and run by
 * `make fuzz` (seeds: tests/fuzz/corpus/eval). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lang/catalog.h"
#include "lang/explain.h"
#include "tests/fuzz/fuzz_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every measure of the record: outcome, value and explanation. */
static void every_measure(aeo_vm *vm, void *ctx) {
    aeo_catalog *c = ctx;
    for (uint32_t i = 0; i < c->program->n_measures; i++) {
        aeo_vm_measure(vm, i);
        aeo_vm_measure_value(vm, i);
        aeo_buf why = {0};
        aeo_explain_measure(c, vm, i, false, &why);
        aeo_buf_free(&why);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    size_t rules = size, facts_at = size;
    for (size_t i = 0; i + 4 <= size; i++) {
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, "---\n", 4) == 0) {
            rules = i;
            facts_at = i + 4;
            break;
        }
    }
    aeo_catalog *c = aeo_catalog_new();
    c->check_steps = 2000000;
    aeo_catalog_add_text(c, "fuzz.aeo", text, rules);
    if (!aeo_catalog_build(c, AEO_BUILD_COMPILE) || !c->program->root || facts_at >= size) {
        aeo_catalog_free(c);
        return 0;
    }
    FILE *in = fmemopen((void *)(uintptr_t)(text + facts_at), size - facts_at, "rb");
    if (!in) {
        aeo_catalog_free(c);
        return 0;
    }
    aeo_vm *vm = aeo_vm_new(c->program);
    aeo_vm_set_limits(vm, 100000, 16u << 20);
    aeo_vm_set_as_of(vm, aeo_timestamp(1622505600, 0));   /* 2021-06-01 */
    fuzz_each_record(in, c->program, vm, every_measure, c);
    aeo_vm_free(vm);
    aeo_catalog_free(c);
    return 0;
}
