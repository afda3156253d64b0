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
#include "runtime/facts.h"
#include "runtime/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static aeo_catalog *catalog;

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
    aeo_facts_reader *rd = aeo_facts_reader_new(in, "fuzz");
    aeo_vm *vm = aeo_vm_new(catalog->program);
    for (;;) {
        aeo_facts_item item;
        aeo_facts_status st = aeo_facts_next(rd, &item);
        if (st == AEO_FACTS_EOF || st == AEO_FACTS_IOERR) break;
        if (st != AEO_FACTS_RECORD) continue;
        aeo_vm_begin(vm, aeo_null());
        aeo_value rec;
        const char *error;
        if (aeo_facts_decode(aeo_vm_arena(vm), catalog->program->root, catalog->program->root_name, item.text,
                             item.len, item.line, &rec, &error)) {
            aeo_vm_begin(vm, rec);
            for (uint32_t i = 0; i < catalog->program->n_measures; i++) aeo_vm_measure(vm, i);
        }
        aeo_vm_end(vm);
    }
    aeo_vm_free(vm);
    aeo_facts_reader_free(rd);
    fclose(in);
    return 0;
}
