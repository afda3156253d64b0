/* The solver (lang/solve.h): measure conditions translated into Z3 terms. */
#include "lang/solve.h"

#include <stdlib.h>
#include <string.h>

#include <z3.h>

struct aeo_solver {
    const aeo_catalog *c;
    unsigned timeout_ms;
};

aeo_solver *aeo_solver_new(const aeo_catalog *c) {
    aeo_solver *s = aeo_xcalloc(1, sizeof *s);
    s->c = c;
    s->timeout_ms = 10000;
    return s;
}

void aeo_solver_free(aeo_solver *s) { free(s); }

void aeo_solver_set_timeout(aeo_solver *s, unsigned ms) { s->timeout_ms = ms ? ms : 10000; }

aeo_solve_status aeo_solver_suggest(aeo_solver *s, aeo_vm *vm, uint32_t idx, uint32_t max_alts, aeo_suggestion *out) {
    (void)s, (void)vm, (void)idx, (void)max_alts;
    memset(out, 0, sizeof *out);
    out->status = AEO_SOLVE_UNKNOWN;
    out->reason = "not implemented yet";
    return out->status;
}

aeo_solve_status aeo_solver_ask(aeo_solver *s, aeo_vm *vm, const uint32_t *sel, uint32_t n, const char *const **paths,
                                uint32_t *n_paths, const char **reason) {
    (void)s, (void)vm, (void)sel, (void)n;
    *paths = NULL;
    *n_paths = 0;
    *reason = "not implemented yet";
    return AEO_SOLVE_UNKNOWN;
}

void aeo_solver_append_json(aeo_solver *s, aeo_vm *vm, const uint32_t *sel, uint32_t n,
                            const aeo_measure_outcome *outs, uint32_t max_alts, aeo_buf *out) {
    (void)s, (void)vm, (void)sel, (void)n, (void)outs, (void)max_alts, (void)out;
}

void aeo_solve_facts_json(const aeo_solve_facts *f, aeo_buf *out) {
    aeo_buf_puts(out, "{");
    for (uint32_t i = 0; i < f->n; i++) {
        if (i) aeo_buf_puts(out, ",");
        aeo_buf_json_string(out, f->facts[i].path, strlen(f->facts[i].path));
        aeo_buf_puts(out, ":");
        aeo_buf_puts(out, f->facts[i].json);
    }
    aeo_buf_puts(out, "}");
}

aeo_solve_status aeo_solver_witness(aeo_solver *s, uint32_t old_idx, const aeo_catalog *new_c, uint32_t new_idx,
                                    aeo_value as_of, aeo_witness *out) {
    (void)s, (void)old_idx, (void)new_c, (void)new_idx, (void)as_of;
    memset(out, 0, sizeof *out);
    out->status = AEO_SOLVE_UNKNOWN;
    out->reason = "not implemented yet";
    return out->status;
}

aeo_solve_status aeo_solver_cover(aeo_solver *s, uint32_t idx, int outcome, const aeo_expr *e, int want,
                                  aeo_value as_of, aeo_solve_facts *out, const char **reason) {
    (void)s, (void)idx, (void)outcome, (void)e, (void)want, (void)as_of;
    memset(out, 0, sizeof *out);
    *reason = "not implemented yet";
    return AEO_SOLVE_UNKNOWN;
}
