/* libFuzzer entry point: arbitrary bytes as a facts stream, read record by
 * record and decoded against the Shenyang catalog's schema (loaded once
 * from rules/shenyang; run from the repository root).  Every record must
 * come out as a record or one error; nothing may crash.  Built and run by
 * `make fuzz`. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lang/catalog.h"
#include "tests/fuzz/fuzz_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static aeo_catalog *catalog;

static void every_measure(aeo_vm *vm, void *ctx) {
    const aeo_program *p = ctx;
    for (uint32_t i = 0; i < p->n_measures; i++) aeo_vm_measure(vm, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!catalog) {
        catalog = aeo_catalog_new();
        const char *err;
        if (!aeo_catalog_add_path(catalog, "rules/shenyang", &err) || !aeo_catalog_build(catalog, AEO_BUILD_COMPILE)) {
            fprintf(stderr, "fuzz_facts: rules/shenyang does not load (run from the repository root)\n");
            abort();
        }
    }
    FILE *in = fmemopen((void *)(uintptr_t)data, size ? size : 1, "rb");
    if (!in) return 0;
    if (size == 0) fgetc(in);
    aeo_vm *vm = aeo_vm_new(catalog->program);
    fuzz_each_record(in, catalog->program, vm, every_measure, catalog->program);
    aeo_vm_free(vm);
    return 0;
}
