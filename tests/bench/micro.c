/* micro: aeo's evaluation alone, the other half of the micro benchmark
 * (the hand-written programs' --micro, tests/bench/hw_main.c, is the same work in plain C).
 *
 *   micro [--as-of DATE] FACTS PASSES PATH...
 *
 * Loads and compiles the catalog at the PATHs (files or directories, as
 * `aeo eval` takes them), decodes every record of FACTS
 * once into memory, then evaluates every measure over every record PASSES
 * times (aeo_vm_begin, aeo_vm_measures for all of them, aeo_vm_end: what
 * `aeo eval` does per record, without reading, decoding or writing), and
 * prints the time per record and the outcome counts (which must equal the
 * hand-written program's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang/catalog.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/vm.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *as_of_text = "2021-06-01";
    int a = 1;
    if (argc > 2 && strcmp(argv[1], "--as-of") == 0) {
        as_of_text = argv[2];
        a = 3;
    }
    if (argc - a < 3) {
        fputs("usage: micro [--as-of DATE] FACTS PASSES PATH...\n", stderr);
        return 2;
    }
    const char *facts_path = argv[a];
    long passes = atol(argv[a + 1]);
    aeo_catalog *c = aeo_catalog_new();
    const char *err = NULL;
    for (int i = a + 2; i < argc; i++) {
        if (!aeo_catalog_add_path(c, argv[i], &err)) {
            fprintf(stderr, "micro: %s: cannot load the catalog%s%s\n", argv[i], err ? ": " : "", err ? err : "");
            return 2;
        }
    }
    if (!aeo_catalog_build(c, AEO_BUILD_COMPILE)) {
        fprintf(stderr, "micro: cannot build the catalog\n");
        return 2;
    }
    const aeo_program *p = c->program;
    int64_t sec;
    int32_t ns;
    if (!aeo_time_parse_timestamp(as_of_text, strlen(as_of_text), &sec, &ns)) {
        fprintf(stderr, "micro: bad date '%s'\n", as_of_text);
        return 2;
    }
    FILE *in = fopen(facts_path, "rb");
    if (!in) {
        perror(facts_path);
        return 2;
    }
    /* Decode every record once, into an arena of their own. */
    aeo_arena *facts = aeo_arena_new();
    aeo_facts_reader *rd = aeo_facts_reader_new(in, facts_path);
    aeo_value *recs = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        aeo_facts_item it;
        aeo_facts_status st = aeo_facts_next(rd, &it);
        if (st == AEO_FACTS_EOF || st == AEO_FACTS_IOERR) break;
        aeo_value rec;
        const char *error;
        if (st != AEO_FACTS_RECORD ||
            !aeo_facts_decode(facts, p->root, p->root_name, it.text, it.len, it.line, &rec, &error))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            recs = realloc(recs, cap * sizeof *recs);
        }
        recs[n++] = rec;
    }
    aeo_facts_reader_free(rd);
    fclose(in);
    aeo_vm *vm = aeo_vm_new(p);
    aeo_vm_set_as_of(vm, aeo_timestamp(sec, ns));
    unsigned long long counts[4] = {0, 0, 0, 0};   /* not, applies, undecided, error */
    aeo_value *out = calloc(p->n_measures + 1, sizeof *out);
    double t0 = now();
    for (long pass = 0; pass < passes; pass++) {
        for (size_t i = 0; i < n; i++) {
            aeo_vm_begin(vm, recs[i]);
            aeo_vm_measures(vm, NULL, p->n_measures, out);
            for (uint32_t m = 0; m < p->n_measures; m++) {
                aeo_value v = out[m];
                counts[v.kind == AEO_V_BOOL ? (unsigned)v.as.b : v.kind == AEO_V_UNKNOWN ? 2u : 3u]++;
            }
            aeo_vm_end(vm);
        }
    }
    free(out);
    double t = now() - t0;
    printf("aeo micro: %zu records x %ld passes: %.1f ns per record (applies %llu, not %llu, undecided %llu, "
           "error %llu)\n",
           n, passes, t * 1e9 / ((double)n * (double)passes), counts[1], counts[0], counts[2], counts[3]);
    aeo_vm_free(vm);
    free(recs);
    aeo_arena_free(facts);
    aeo_catalog_free(c);
    return 0;
}
