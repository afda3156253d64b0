/* libFuzzer entry point, the compile stage: arbitrary bytes as a rule file,
 * checked and compiled (as `aeo eval` builds a catalog), then every chunk
 * of the program disassembled (`aeo disasm`).  Anything but diagnostics is
 * a bug.  Built and run by `make fuzz` (seeds: tests/fuzz/corpus/compile). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/catalog.h"
#include "runtime/bytecode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    aeo_catalog *c = aeo_catalog_new();
    aeo_catalog_add_text(c, "fuzz.aeo", (const char *)data, size);
    if (aeo_catalog_build(c, AEO_BUILD_COMPILE) && sink) {
        const aeo_program *p = c->program;
        for (uint32_t i = 0; i < p->n_defs; i++) aeo_chunk_disasm(p->defs[i].chunk, sink, aeo_sources_span_namer, &c->sources);
        if (p->key) aeo_chunk_disasm(p->key, sink, aeo_sources_span_namer, &c->sources);
        for (uint32_t i = 0; i < p->n_measures; i++) {
            const aeo_measure_info *m = &p->measures[i];
            aeo_chunk_disasm(m->chunk, sink, aeo_sources_span_namer, &c->sources);
            if (m->which) aeo_chunk_disasm(m->which, sink, aeo_sources_span_namer, &c->sources);
            for (uint32_t k = 0; m->values && k < m->n_cases + m->has_else; k++)
                aeo_chunk_disasm(m->values[k], sink, aeo_sources_span_namer, &c->sources);
        }
    }
    aeo_catalog_free(c);
    return 0;
}
