/* What the facts-reading harnesses (fuzz_facts.c, fuzz_eval.c) share: every
 * record of [in] read and decoded against [p]'s schema as `aeo eval` does,
 * and each record that decodes handed to [each] between aeo_vm_begin and
 * aeo_vm_end (a bad record is skipped: the reader's error record is what
 * it gets).  Closes [in]. */
#ifndef AEO_FUZZ_RECORDS_H
#define AEO_FUZZ_RECORDS_H

#include <stdio.h>

#include "runtime/facts.h"
#include "runtime/vm.h"

static void fuzz_each_record(FILE *in, const aeo_program *p, aeo_vm *vm, void (*each)(aeo_vm *vm, void *ctx),
                             void *ctx) {
    aeo_facts_reader *rd = aeo_facts_reader_new(in, "fuzz");
    for (;;) {
        aeo_facts_item item;
        aeo_facts_status st = aeo_facts_next(rd, &item);
        if (st == AEO_FACTS_EOF || st == AEO_FACTS_IOERR) break;
        if (st != AEO_FACTS_RECORD) continue;
        aeo_vm_begin(vm, aeo_null());
        aeo_value rec;
        const char *error;
        if (aeo_facts_decode(aeo_vm_arena(vm), p->root, p->root_name, item.text, item.len, item.line, &rec, &error)) {
            aeo_vm_begin(vm, rec);
            each(vm, ctx);
        }
        aeo_vm_end(vm);
    }
    aeo_facts_reader_free(rd);
    fclose(in);
}

#endif
