/* Compiled programs: ownership and lookup.  See program.h. */
#include "runtime/program.h"

#include <stdlib.h>
#include <string.h>

aeo_program *aeo_program_new(void) {
    aeo_program *p = aeo_xcalloc(1, sizeof *p);
    p->arena = aeo_arena_new();
    return p;
}

void aeo_program_free(aeo_program *p) {
    if (!p) return;
    for (uint32_t i = 0; i < p->n_defs; i++) aeo_chunk_free(p->defs[i].chunk);
    for (uint32_t i = 0; i < p->n_measures; i++) {
        aeo_chunk_free(p->measures[i].chunk);
        aeo_chunk_free(p->measures[i].which);
        for (uint32_t k = 0; p->measures[i].values && k < p->measures[i].n_cases + p->measures[i].has_else; k++)
            aeo_chunk_free(p->measures[i].values[k]);
        free(p->measures[i].values);
    }
    aeo_chunk_free(p->key);
    free(p->defs);
    free(p->measures);
    aeo_arena_free(p->arena);
    free(p);
}

int aeo_program_measure(const aeo_program *p, const char *id) {
    for (uint32_t i = 0; i < p->n_measures; i++)
        if (strcmp(p->measures[i].id, id) == 0) return (int)i;
    return -1;
}
