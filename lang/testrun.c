/* Running in-file tests; see testrun.h.
 *
 * Each test gets a fresh record in the VM's arena: its facts map literal is
 * compiled like any expression, run once, and converted to a record by the
 * facts decoder's rules (aeo_facts_from_value), so a test sees exactly what
 * `aeo eval` would see for the same JSON.  Then every measure is evaluated
 * as of the test's date and compared with the expectations.
 *
 * "The facts a measure reads" are found statically: the field paths under
 * the facts root in its conditions, following defs, tiers, the scope and
 * other measures it refers to. */
#include "lang/testrun.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"
#include "lang/lint.h"
#include "lang/printable.h"
#include "lang/solve.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/outcome.h"
#include "runtime/vm.h"

/* The declarations a walk has entered, so that a def used twice (or a
 * chain of them) is taken apart once: both walks below, the facts a
 * measure reads and the coverage leaves, keep one. */
typedef struct visited {
    const void **items;
    uint32_t n, cap;
} visited;

/* Whether [d] was visited already; marks it visited. */
static bool visited_before(visited *v, const void *d) {
    for (uint32_t i = 0; i < v->n; i++)
        if (v->items[i] == d) return true;
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = aeo_xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->n++] = d;
    return false;
}

/* ---- facts a measure reads ------------------------------------------------ */

typedef struct path_set {
    const char **items;
    uint32_t n, cap;
    visited seen;           /* declarations already walked */
} path_set;

static bool seen(path_set *ps, const void *d) { return visited_before(&ps->seen, d); }

/* The path of a field selection rooted at the facts variable, or false. */
static bool root_path(const aeo_expr *e, aeo_buf *b) {
    if (e->kind == AEO_EXPR_IDENT) {
        if (e->ref != AEO_REF_ROOT) return false;
        aeo_buf_puts(b, e->u.ident.name);
        return true;
    }
    if (e->kind == AEO_EXPR_SELECT && e->ref == AEO_REF_FIELD) {
        if (!root_path(e->u.select.operand, b)) return false;
        aeo_buf_puts(b, ".");
        aeo_buf_puts(b, e->u.select.field);
        return true;
    }
    return false;
}

static void add_path(path_set *ps, aeo_arena *a, const char *p, size_t len) {
    for (uint32_t i = 0; i < ps->n; i++)
        if (strlen(ps->items[i]) == len && memcmp(ps->items[i], p, len) == 0) return;
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 16;
        ps->items = aeo_xrealloc(ps->items, ps->cap * sizeof *ps->items);
    }
    ps->items[ps->n++] = aeo_arena_strndup(a, p, len);
}

static void walk_measure(aeo_catalog *c, path_set *ps, const aeo_decl *m);

typedef struct walk_ctx {
    aeo_catalog *c;
    path_set *ps;
} walk_ctx;

static void walk_child(const aeo_expr *e, void *p);

/* Adds to [ps] the fact paths [e] reads: field selections rooted at the
 * facts variable ("enterprise.address.city" is one path, not three), and
 * those of every def, tier, measure and function body it names, each
 * entered once.  A path is the longest rooted selection: the failure
 * message shows the value found there, which for a nested record is the
 * leaf the condition compares, not the whole record. */
static void walk_expr(aeo_catalog *c, path_set *ps, const aeo_expr *e) {
    if (!e) return;
    walk_ctx w = {c, ps};
    if (e->kind == AEO_EXPR_IDENT) {
        const aeo_decl *d = NULL;
        if (e->ref == AEO_REF_DEF) d = c->defs.items[e->ref_index];
        else if (e->ref == AEO_REF_TIER) d = c->tiers.items[e->ref_index];
        else if (e->ref == AEO_REF_MEASURE) walk_measure(c, ps, c->measures.items[e->ref_index]);
        if (d && !seen(ps, d)) walk_expr(c, ps, d->value);
        return;
    }
    if (e->kind == AEO_EXPR_SELECT) {
        aeo_buf b = {0};
        bool rooted = root_path(e, &b);
        if (rooted) add_path(ps, c->arena, b.data, b.len);
        aeo_buf_free(&b);
        if (rooted) return;
    }
    /* A function's body reads facts too (its parameters are locals). */
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_FUNC) {
        const aeo_decl *d = c->defs.items[e->ref_index];
        if (!seen(ps, d)) walk_expr(c, ps, d->value);
    }
    aeo_expr_each_child(e, walk_child, &w);
}

static void walk_child(const aeo_expr *e, void *p) {
    walk_ctx *w = p;
    walk_expr(w->c, w->ps, e);
}

/* Everything measure [m]'s outcome and value depend on: its scope (own or
 * the catalog's), tiers, when and unless, and a valued measure's cases and
 * else. */
static void walk_measure(aeo_catalog *c, path_set *ps, const aeo_decl *m) {
    if (seen(ps, m)) return;
    const aeo_measure *v = m->measure;
    if (v->scope && !seen(ps, v->scope)) walk_expr(c, ps, v->scope);
    if (v->tier_prop) walk_expr(c, ps, v->tier_prop->value);
    for (uint32_t i = 0; i < v->n_conds; i++) walk_expr(c, ps, v->conds[i].expr);
    for (uint32_t i = 0; i < v->n_cases; i++) {
        walk_expr(c, ps, v->cases[i].cond);
        walk_expr(c, ps, v->cases[i].value);
    }
    if (v->else_case) walk_expr(c, ps, v->else_case->value);
}

/* The value at [path] ("enterprise.address.city") in [rec], formatted. */
static void path_value(aeo_buf *b, aeo_value rec, const char *path) {
    const char *p = strchr(path, '.');
    aeo_value v = rec;
    while (p) {
        const char *name = p + 1;
        const char *next = strchr(name, '.');
        size_t len = next ? (size_t)(next - name) : strlen(name);
        if (v.kind != AEO_V_RECORD) {
            aeo_buf_puts(b, "(absent)");
            return;
        }
        char field[256];
        if (len >= sizeof field) len = sizeof field - 1;
        memcpy(field, name, len);
        field[len] = '\0';
        const aeo_field *f = aeo_record_type_field(v.as.r->type, field);
        if (!f) {
            aeo_buf_puts(b, "(absent)");
            return;
        }
        v = v.as.r->slots[f->slot];
        if (v.kind == AEO_V_ABSENT) {
            aeo_buf_puts(b, "(absent)");
            return;
        }
        p = next;
    }
    aeo_value_format(b, v);
}

/* ---- coverage ------------------------------------------------------------------ */

typedef struct leaf {
    const aeo_expr *e;
    aeo_chunk *chunk;
    bool seen_true, seen_false;
} leaf;

typedef struct coverage {
    leaf *leaves;
    uint32_t n, cap;
    visited walked;               /* defs and tiers already decomposed */
    bool *applied, *not_applied;  /* per measure */
    uint32_t **wins;              /* per valued measure: wins of each case, then of the else */
    bool valued;                  /* the catalog has valued measures */
    uint32_t n_measures;
    /* Tiers are predicates and may overlap (an AEOF holder is in aeoc and
     * aeos): for each pair that may (aeo_lint_tier_overlaps), whether a
     * test had an enterprise in both, since what a measure does for such an
     * enterprise is tested by no record of one tier alone.  A pair shown
     * apart (Shenyang's advanced and general) asks for nothing. */
    uint32_t n_tiers;
    bool *may_overlap, *seen_both;    /* n_tiers * n_tiers */
    aeo_chunk **tier_chunks;
} coverage;

static bool walked(coverage *cv, const void *d) { return visited_before(&cv->walked, d); }

/* Decomposes a condition into its leaves: the operands of &&, || and !
 * down to what is neither.  A leaf is what an author can make true or false
 * with one fact, so that "never seen false" names something to write a test
 * for.  Bool defs and tiers are entered (once: a def shared by 28 measures
 * is one set of leaves), since their names hide the conditions; a function
 * call is not (its body's leaves depend on its arguments, which a leaf
 * evaluated on its own does not have); a measure reference is covered as
 * that measure; a literal cannot be covered.  Leaves are identified by
 * node, so a def entered from two measures is counted once. */
static void leaves_of(aeo_catalog *c, coverage *cv, const aeo_expr *e) {
    if (!e) return;
    if (e->kind == AEO_EXPR_BINARY && (e->u.binary.op == AEO_OPR_AND || e->u.binary.op == AEO_OPR_OR)) {
        leaves_of(c, cv, e->u.binary.a);
        leaves_of(c, cv, e->u.binary.b);
        return;
    }
    if (e->kind == AEO_EXPR_UNARY && e->u.unary.op == AEO_OPR_NOT) {
        leaves_of(c, cv, e->u.unary.a);
        return;
    }
    if (e->kind == AEO_EXPR_IDENT && (e->ref == AEO_REF_DEF || e->ref == AEO_REF_TIER)) {
        const aeo_decl *d = e->ref == AEO_REF_DEF ? c->defs.items[e->ref_index] : c->tiers.items[e->ref_index];
        if (!walked(cv, d) && d->type && d->type->kind == AEO_T_BOOL) leaves_of(c, cv, d->value);
        return;
    }
    /* Measure references are covered as measures; constants need none. */
    if (e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_MEASURE) return;
    if (e->kind == AEO_EXPR_BOOL) return;
    for (uint32_t i = 0; i < cv->n; i++)
        if (cv->leaves[i].e == e) return;
    if (cv->n == cv->cap) {
        cv->cap = cv->cap ? cv->cap * 2 : 64;
        cv->leaves = aeo_xrealloc(cv->leaves, cv->cap * sizeof *cv->leaves);
    }
    cv->leaves[cv->n++] = (leaf){e, aeo_compile_expr(c, e, "coverage"), false, false};
}

static void coverage_init(aeo_catalog *c, coverage *cv) {
    memset(cv, 0, sizeof *cv);
    uint32_t n = c->measures.n ? c->measures.n : 1;
    cv->applied = aeo_xcalloc(n, sizeof *cv->applied);
    cv->not_applied = aeo_xcalloc(n, sizeof *cv->not_applied);
    cv->wins = aeo_xcalloc(n, sizeof *cv->wins);
    cv->n_measures = c->measures.n;
    cv->valued = c->program->valued;
    for (uint32_t m = 0; m < c->measures.n; m++) {
        const aeo_measure_info *mi = &c->program->measures[m];
        if (!mi->value_type) continue;
        cv->wins[m] = aeo_xcalloc(mi->n_cases + 1, sizeof *cv->wins[m]);
    }
    if (c->scope) leaves_of(c, cv, c->scope);
    cv->n_tiers = c->tiers.n;
    cv->may_overlap = aeo_lint_tier_overlaps(c);
    cv->seen_both = aeo_xcalloc((size_t)c->tiers.n * c->tiers.n + 1, sizeof *cv->seen_both);
    cv->tier_chunks = aeo_xcalloc(c->tiers.n + 1, sizeof *cv->tier_chunks);
    for (uint32_t t = 0; t < c->tiers.n; t++)
        cv->tier_chunks[t] = aeo_compile_expr(c, c->tiers.items[t]->value, "coverage");
    for (uint32_t m = 0; m < c->measures.n; m++) {
        const aeo_decl *d = c->measures.items[m];
        const aeo_measure *v = d->measure;
        for (uint32_t j = 0; j < v->n_tiers; j++) leaves_of(c, cv, v->tiers[j]);
        for (uint32_t i = 0; i < v->n_conds; i++) leaves_of(c, cv, v->conds[i].expr);
        for (uint32_t i = 0; i < v->n_cases; i++) leaves_of(c, cv, v->cases[i].cond);
    }
}

static void coverage_free(coverage *cv) {
    for (uint32_t i = 0; i < cv->n; i++) aeo_chunk_free(cv->leaves[i].chunk);
    free(cv->leaves);
    free(cv->walked.items);
    free(cv->applied);
    free(cv->not_applied);
    for (uint32_t m = 0; cv->wins && m < cv->n_measures; m++) free(cv->wins[m]);
    free(cv->wins);
    for (uint32_t t = 0; t < cv->n_tiers; t++) aeo_chunk_free(cv->tier_chunks[t]);
    free(cv->tier_chunks);
    free(cv->may_overlap);
    free(cv->seen_both);
}

/* The pairs of tiers that may overlap: a < b. */
static bool overlap_pair(const coverage *cv, uint32_t a, uint32_t b) {
    return a < b && cv->may_overlap && cv->may_overlap[(size_t)a * cv->n_tiers + b];
}

/* Records what the current record shows: measure outcomes, leaf values.
 * Only decided values count: a leaf that is undecided (a fact missing) or
 * fails on a test record says nothing about whether some record makes it
 * true or false.  Every leaf is evaluated on every record, not only where
 * the measure's short-circuit would reach it: coverage asks which values
 * the tests exhibit, not which branches one evaluation took. */
static void coverage_record(aeo_catalog *c, aeo_vm *vm, coverage *cv) {
    for (uint32_t m = 0; m < c->measures.n; m++) {
        aeo_value v = aeo_vm_measure(vm, m);
        if (v.kind == AEO_V_BOOL) {
            if (v.as.b) cv->applied[m] = true;
            else cv->not_applied[m] = true;
        }
        int32_t w = cv->wins[m] ? aeo_vm_measure_case(vm, m) : -1;
        if (w >= 0) cv->wins[m][w]++;
    }
    for (uint32_t i = 0; i < cv->n; i++) {
        if (!cv->leaves[i].chunk) continue;
        aeo_value v = aeo_vm_run(vm, cv->leaves[i].chunk);
        if (v.kind != AEO_V_BOOL) continue;
        if (v.as.b) cv->leaves[i].seen_true = true;
        else cv->leaves[i].seen_false = true;
    }
    bool *in = aeo_xcalloc(cv->n_tiers + 1, sizeof *in);
    for (uint32_t t = 0; t < cv->n_tiers; t++) {
        if (!cv->tier_chunks[t]) continue;
        aeo_value v = aeo_vm_run(vm, cv->tier_chunks[t]);
        in[t] = v.kind == AEO_V_BOOL && v.as.b;
    }
    for (uint32_t a = 0; a < cv->n_tiers; a++)
        for (uint32_t b = a + 1; b < cv->n_tiers; b++)
            if (overlap_pair(cv, a, b) && in[a] && in[b]) cv->seen_both[(size_t)a * cv->n_tiers + b] = true;
    free(in);
}

static void expr_text(aeo_buf *b, const aeo_expr *e) {
    size_t len;
    char *text = aeo_expr_text(e, &len);
    aeo_buf_putn(b, text, len);
    free(text);
}

/* Writes the reports; returns the percentage. */
static double coverage_report(aeo_catalog *c, coverage *cv, const aeo_test_opts *o, aeo_buf *text) {
    uint32_t nm = c->measures.n, m_cov = 0, l_cov = 0, l_total = 0;
    for (uint32_t m = 0; m < nm; m++) m_cov += cv->applied[m] + cv->not_applied[m];
    for (uint32_t i = 0; i < cv->n; i++) {
        if (!cv->leaves[i].chunk) continue;
        l_total += 2;
        l_cov += cv->leaves[i].seen_true + cv->leaves[i].seen_false;
    }
    /* Valued measures: each case, and the else, seen winning counts. */
    uint32_t c_cov = 0, c_total = 0;
    for (uint32_t m = 0; m < nm; m++) {
        if (!cv->wins[m]) continue;
        const aeo_measure_info *mi = &c->program->measures[m];
        for (uint32_t k = 0; k < mi->n_cases + mi->has_else; k++) {
            c_total++;
            c_cov += cv->wins[m][k] > 0;
        }
    }
    uint32_t o_cov = 0, o_total = 0;
    for (uint32_t a = 0; a < cv->n_tiers; a++)
        for (uint32_t b = a + 1; b < cv->n_tiers; b++)
            if (overlap_pair(cv, a, b)) {
                o_total++;
                o_cov += cv->seen_both[(size_t)a * cv->n_tiers + b];
            }
    uint32_t total = 2 * nm + l_total + c_total + o_total, covered = m_cov + l_cov + c_cov + o_cov;
    double pct = total ? 100.0 * covered / total : 100.0;
    aeo_buf_printf(text, "coverage: measures %u/%u outcomes", m_cov, 2 * nm);
    /* Cases only for valued catalogs, tier overlaps only where tiers may
     * overlap, so that other catalogs read as before. */
    if (cv->valued) aeo_buf_printf(text, ", cases %u/%u won", c_cov, c_total);
    aeo_buf_printf(text, ", conditions %u/%u outcomes", l_cov, l_total);
    if (o_total) aeo_buf_printf(text, ", tier overlaps %u/%u", o_cov, o_total);
    aeo_buf_printf(text, ": %.1f%%\n", pct);
    for (uint32_t m = 0; m < nm; m++) {
        if (cv->applied[m] && cv->not_applied[m]) continue;
        aeo_buf_printf(text, "  %s: never seen %s\n", c->program->measures[m].id,
                       !cv->applied[m] && !cv->not_applied[m] ? "applying or not applying"
                       : !cv->applied[m]                     ? "applying"
                                                             : "not applying");
    }
    for (uint32_t m = 0; m < nm; m++) {
        if (!cv->wins[m]) continue;
        const aeo_measure_info *mi = &c->program->measures[m];
        for (uint32_t k = 0; k < mi->n_cases; k++) {
            if (cv->wins[m][k]) continue;
            aeo_buf_printf(text, "  %s: case at ", mi->id);
            aeo_sources_append_where(&c->sources, mi->cases[k].span, text);
            aeo_buf_puts(text, " never seen winning: ");
            expr_text(text, c->measures.items[m]->measure->cases[k].cond);
            aeo_buf_puts(text, "\n");
        }
        if (mi->has_else && !cv->wins[m][mi->n_cases]) aeo_buf_printf(text, "  %s: else never seen winning\n", mi->id);
    }
    for (uint32_t i = 0; i < cv->n; i++) {
        leaf *lf = &cv->leaves[i];
        if (!lf->chunk || (lf->seen_true && lf->seen_false)) continue;
        aeo_buf_puts(text, "  ");
        aeo_sources_append_where(&c->sources, lf->e->span, text);
        aeo_buf_printf(text, ": never %s: ", !lf->seen_true && !lf->seen_false ? "true or false"
                                            : !lf->seen_true                   ? "true"
                                                                               : "false");
        expr_text(text, lf->e);
        aeo_buf_puts(text, "\n");
    }
    for (uint32_t a = 0; a < cv->n_tiers; a++)
        for (uint32_t b = a + 1; b < cv->n_tiers; b++)
            if (overlap_pair(cv, a, b) && !cv->seen_both[(size_t)a * cv->n_tiers + b])
                aeo_buf_printf(text, "  tiers %s and %s may overlap: no %s seen in both\n",
                               c->tiers.items[a]->name, c->tiers.items[b]->name, aeo_catalog_root_word(c));
    if (o->coverage_json) {
        aeo_buf j = {0};
        aeo_buf_printf(&j, "{\"percent\":%.1f,\"measures\":[", pct);
        for (uint32_t m = 0; m < nm; m++) {
            aeo_buf_puts(&j, m ? ",\n  {\"id\":" : "\n  {\"id\":");
            aeo_buf_json_string(&j, c->program->measures[m].id, strlen(c->program->measures[m].id));
            aeo_buf_printf(&j, ",\"applied\":%s,\"not_applied\":%s", cv->applied[m] ? "true" : "false",
                           cv->not_applied[m] ? "true" : "false");
            const aeo_measure_info *mi = &c->program->measures[m];
            if (cv->wins[m]) {
                /* "cases": [{"at": "f.aeo:3:3", "wins": 2}, ..., {"else": true, "wins": 0}] */
                aeo_buf_puts(&j, ",\"cases\":[");
                for (uint32_t k = 0; k < mi->n_cases + mi->has_else; k++) {
                    if (k) aeo_buf_puts(&j, ",");
                    if (k < mi->n_cases) {
                        aeo_buf at = {0};
                        aeo_sources_append_where(&c->sources, mi->cases[k].span, &at);
                        aeo_buf_puts(&j, "{\"at\":");
                        aeo_buf_json_string(&j, at.data, at.len);
                        aeo_buf_free(&at);
                    } else {
                        aeo_buf_puts(&j, "{\"else\":true");
                    }
                    aeo_buf_printf(&j, ",\"wins\":%u}", cv->wins[m][k]);
                }
                aeo_buf_puts(&j, "]");
            }
            aeo_buf_puts(&j, "}");
        }
        aeo_buf_puts(&j, "],\"conditions\":[");
        bool first = true;
        for (uint32_t i = 0; i < cv->n; i++) {
            leaf *lf = &cv->leaves[i];
            if (!lf->chunk) continue;
            aeo_buf_puts(&j, first ? "\n  {\"at\":" : ",\n  {\"at\":");
            first = false;
            aeo_buf at = {0}, ex = {0};
            aeo_sources_append_where(&c->sources, lf->e->span, &at);
            expr_text(&ex, lf->e);
            aeo_buf_json_string(&j, at.data, at.len);
            aeo_buf_puts(&j, ",\"condition\":");
            aeo_buf_json_string(&j, ex.data ? ex.data : "", ex.len);
            aeo_buf_printf(&j, ",\"seen_true\":%s,\"seen_false\":%s}", lf->seen_true ? "true" : "false",
                           lf->seen_false ? "true" : "false");
            aeo_buf_free(&at);
            aeo_buf_free(&ex);
        }
        aeo_buf_puts(&j, "]");
        /* The tier pairs that may overlap, only where some do. */
        if (o_total) {
            aeo_buf_puts(&j, ",\"tier_overlaps\":[");
            bool first_pair = true;
            for (uint32_t a = 0; a < cv->n_tiers; a++)
                for (uint32_t b = a + 1; b < cv->n_tiers; b++) {
                    if (!overlap_pair(cv, a, b)) continue;
                    aeo_buf_puts(&j, first_pair ? "\n  {\"tiers\":[" : ",\n  {\"tiers\":[");
                    first_pair = false;
                    aeo_buf_json_string(&j, c->tiers.items[a]->name, strlen(c->tiers.items[a]->name));
                    aeo_buf_puts(&j, ",");
                    aeo_buf_json_string(&j, c->tiers.items[b]->name, strlen(c->tiers.items[b]->name));
                    aeo_buf_printf(&j, "],\"seen_both\":%s}",
                                   cv->seen_both[(size_t)a * cv->n_tiers + b] ? "true" : "false");
                }
            aeo_buf_puts(&j, "]");
        }
        aeo_buf_puts(&j, "}\n");
        FILE *f = strcmp(o->coverage_json, "-") == 0 ? stdout : fopen(o->coverage_json, "w");
        if (!f || fwrite(j.data, 1, j.len, f) != j.len) fprintf(stderr, "aeo: %s: cannot write\n", o->coverage_json);
        if (f && f != stdout) fclose(f);
        aeo_buf_free(&j);
    }
    return pct;
}

/* ---- suggested tests (--suggest) ------------------------------------------------- */

/* Appends the test block for the record bound in [vm]: every measure's
 * outcome as an expectation (an error cannot be expected: it is left
 * out, with a comment), the values of the valued measures that apply. */
static void put_block(aeo_catalog *c, aeo_vm *vm, uint32_t num, const char *what, const char *date,
                      const char *json, aeo_buf *out) {
    aeo_buf name = {0};
    aeo_buf_printf(&name, "suggested %u: %s", num, what);
    aeo_buf_puts(out, "test ");
    aeo_buf_json_string(out, name.data, name.len);
    aeo_buf_free(&name);
    aeo_buf_printf(out, " {\n  as_of: \"%s\"\n  facts: %s\n", date, json);
    static const char *const lists[3] = {"expect", "expect_not", "expect_undecided"};
    uint32_t n = c->measures.n;
    aeo_measure_outcome *outs = aeo_xcalloc(n + 1, sizeof *outs);
    for (uint32_t m = 0; m < n; m++) outs[m] = aeo_outcome_classify(aeo_vm_arena(vm), aeo_vm_measure(vm, m));
    for (int kind = 0; kind < 3; kind++) {
        bool any = false;
        for (uint32_t m = 0; m < n; m++) {
            if ((int)outs[m].kind != kind) continue;
            aeo_buf_printf(out, any ? ", %s" : "  %s: [%s", any ? c->program->measures[m].id : lists[kind],
                           c->program->measures[m].id);
            any = true;
        }
        if (any) aeo_buf_puts(out, "]\n");
    }
    bool any = false;
    for (uint32_t m = 0; m < n; m++) {
        if (outs[m].kind != AEO_OUTCOME_APPLIES || !c->program->measures[m].value_type) continue;
        aeo_buf_puts(out, any ? ", " : "  expect_values: {");
        any = true;
        const char *id = c->program->measures[m].id;
        aeo_buf_json_string(out, id, strlen(id));
        aeo_buf_puts(out, ": ");
        aeo_value_to_json(out, aeo_vm_measure_value(vm, m));
    }
    if (any) aeo_buf_puts(out, "}\n");
    for (uint32_t m = 0; m < n; m++)
        if (outs[m].kind == AEO_OUTCOME_ERROR)
            aeo_buf_printf(out, "  // %s: error (%s): not expected\n", c->program->measures[m].id,
                           outs[m].detail.as.e->msg);
    aeo_buf_puts(out, "}\n");
    free(outs);
}

/* Whether the record bound in [vm] shows what [g] asks for (the VM's
 * word on the solver's record). */
static bool covers(aeo_vm *vm, const coverage *cv, const aeo_cover *g, uint32_t li) {
    switch (g->goal) {
    case AEO_COVER_APPLIES:
    case AEO_COVER_NOT: {
        aeo_value v = aeo_vm_measure(vm, g->measure);
        return v.kind == AEO_V_BOOL && v.as.b == (g->goal == AEO_COVER_APPLIES);
    }
    case AEO_COVER_CASE: return aeo_vm_measure_case(vm, g->measure) == (int32_t)g->k;
    case AEO_COVER_TRUE:
    case AEO_COVER_FALSE: {
        aeo_value v = aeo_vm_run(vm, cv->leaves[li].chunk);
        return v.kind == AEO_V_BOOL && v.as.b == (g->goal == AEO_COVER_TRUE);
    }
    case AEO_COVER_TIERS: {
        aeo_value a = aeo_vm_run(vm, cv->tier_chunks[g->tier_a]), b = aeo_vm_run(vm, cv->tier_chunks[g->tier_b]);
        return a.kind == AEO_V_BOOL && a.as.b && b.kind == AEO_V_BOOL && b.as.b;
    }
    }
    return false;
}

/* Whether [g] is still a gap of [cv]. */
static bool is_gap(const coverage *cv, const aeo_cover *g, uint32_t li) {
    switch (g->goal) {
    case AEO_COVER_APPLIES: return !cv->applied[g->measure];
    case AEO_COVER_NOT: return !cv->not_applied[g->measure];
    case AEO_COVER_CASE: return cv->wins[g->measure][g->k] == 0;
    case AEO_COVER_TRUE: return !cv->leaves[li].seen_true;
    case AEO_COVER_FALSE: return !cv->leaves[li].seen_false;
    case AEO_COVER_TIERS: return !cv->seen_both[(size_t)g->tier_a * cv->n_tiers + g->tier_b];
    }
    return false;
}

/* --suggest: for each gap of [cv], in the order of the coverage report, a
 * record from the solver (lang/solve.h) that fills it, checked by the VM,
 * as a ready-to-paste test block whose expectations are that record's
 * outcomes.  A record fills every gap it can, so a later gap it filled
 * gets no block of its own.  A gap no record can fill is said so
 * (proved); one outside the solver's fragment is named with the reason. */
static void suggest_tests(aeo_catalog *c, coverage *cv, const aeo_test_opts *o, aeo_buf *out) {
    aeo_value as_of = o->has_as_of ? o->as_of : aeo_timestamp(aeo_time_today_utc(), 0);
    char date[48];
    aeo_time_format_timestamp(as_of.as.i, as_of.nanos, date);
    if (strlen(date) == 20 && strcmp(date + 10, "T00:00:00Z") == 0) date[10] = '\0';
    aeo_solver *sv = aeo_solver_new(c);
    aeo_vm *vm = aeo_vm_new(c->program);
    aeo_vm_set_as_of(vm, as_of);
    /* The gaps, as the report lists them. */
    uint32_t cap = 2 * c->measures.n + 2 * cv->n + cv->n_tiers * cv->n_tiers + 8, n = 0;
    for (uint32_t m = 0; m < c->measures.n; m++)
        if (cv->wins[m]) cap += c->program->measures[m].n_cases + 1;
    aeo_cover *gaps = aeo_xcalloc(cap, sizeof *gaps);
    uint32_t *leaf_of = aeo_xcalloc(cap, sizeof *leaf_of);
    for (uint32_t m = 0; m < c->measures.n; m++) {
        if (!cv->applied[m]) gaps[n++] = (aeo_cover){AEO_COVER_APPLIES, m, 0, NULL, 0, 0};
        if (!cv->not_applied[m]) gaps[n++] = (aeo_cover){AEO_COVER_NOT, m, 0, NULL, 0, 0};
    }
    for (uint32_t m = 0; m < c->measures.n; m++) {
        if (!cv->wins[m]) continue;
        const aeo_measure_info *mi = &c->program->measures[m];
        for (uint32_t k = 0; k < mi->n_cases + mi->has_else; k++)
            if (!cv->wins[m][k]) gaps[n++] = (aeo_cover){AEO_COVER_CASE, m, k, NULL, 0, 0};
    }
    for (uint32_t i = 0; i < cv->n; i++) {
        if (!cv->leaves[i].chunk) continue;
        if (!cv->leaves[i].seen_true) {
            leaf_of[n] = i;
            gaps[n++] = (aeo_cover){AEO_COVER_TRUE, 0, 0, cv->leaves[i].e, 0, 0};
        }
        if (!cv->leaves[i].seen_false) {
            leaf_of[n] = i;
            gaps[n++] = (aeo_cover){AEO_COVER_FALSE, 0, 0, cv->leaves[i].e, 0, 0};
        }
    }
    for (uint32_t a = 0; a < cv->n_tiers; a++)
        for (uint32_t b = a + 1; b < cv->n_tiers; b++)
            if (overlap_pair(cv, a, b) && !cv->seen_both[(size_t)a * cv->n_tiers + b])
                gaps[n++] = (aeo_cover){AEO_COVER_TIERS, 0, 0, NULL, a, b};
    aeo_buf_printf(out, "\n// aeo test --suggest: tests for what no test covers, as of %s\n", date);
    uint32_t made = 0;
    aeo_buf what = {0};
    for (uint32_t g = 0; g < n; g++) {
        const aeo_cover *gp = &gaps[g];
        if (!is_gap(cv, gp, leaf_of[g])) continue;
        what.len = 0;
        const char *id = c->program->measures[gp->measure].id;
        switch (gp->goal) {
        case AEO_COVER_APPLIES: aeo_buf_printf(&what, "%s applies", id); break;
        case AEO_COVER_NOT: aeo_buf_printf(&what, "%s does not apply", id); break;
        case AEO_COVER_CASE:
            if (gp->k < c->program->measures[gp->measure].n_cases)
                aeo_buf_printf(&what, "%s case %u wins", id, gp->k + 1);
            else aeo_buf_printf(&what, "%s else wins", id);
            break;
        case AEO_COVER_TRUE:
        case AEO_COVER_FALSE:
            expr_text(&what, gp->e);
            aeo_buf_puts(&what, gp->goal == AEO_COVER_TRUE ? " is true" : " is false");
            break;
        case AEO_COVER_TIERS:
            aeo_buf_printf(&what, "tiers %s and %s both hold", c->tiers.items[gp->tier_a]->name,
                           c->tiers.items[gp->tier_b]->name);
            break;
        }
        const char *json, *reason;
        if (aeo_solver_cover(sv, gp, as_of, &json, &reason) != AEO_SOLVE_OK) {
            aeo_buf_printf(out, "\n// %s: unknown (%s)\n", what.data, reason);
            continue;
        }
        if (!json) {
            aeo_buf_printf(out, "\n// %s: no record can (proved)\n", what.data);
            continue;
        }
        aeo_vm_begin(vm, aeo_null());
        aeo_value rec;
        const char *err = NULL;
        if (!aeo_facts_decode(aeo_vm_arena(vm), c->program->root, c->program->root_name, json, strlen(json), 1, &rec,
                              &err)) {
            aeo_buf_printf(out, "\n// %s: internal: the solver's record does not decode: %s\n", what.data, err);
            aeo_vm_end(vm);
            continue;
        }
        aeo_vm_begin(vm, rec);
        if (!covers(vm, cv, gp, leaf_of[g])) {
            aeo_buf_printf(out, "\n// %s: internal: the solver's record does not show it: %s\n", what.data, json);
            aeo_vm_end(vm);
            continue;
        }
        coverage_record(c, vm, cv);
        aeo_buf_puts(out, "\n");
        put_block(c, vm, ++made, what.data, date, json, out);
        aeo_vm_end(vm);
    }
    aeo_buf_free(&what);
    aeo_test_opts quiet = *o;
    quiet.coverage_json = NULL;
    aeo_buf scratch = {0};
    double pct = coverage_report(c, cv, &quiet, &scratch);
    aeo_buf_free(&scratch);
    aeo_buf_printf(out, "\n// %u test%s suggested; with them, coverage %.1f%%\n", made, made == 1 ? "" : "s", pct);
    free(gaps);
    free(leaf_of);
    aeo_vm_free(vm);
    aeo_solver_free(sv);
}

/* ---- running ------------------------------------------------------------------ */

/* "applies", "undecided (missing a b)", "error (message)": [o] as a
 * failure report shows it. */
static void describe(aeo_buf *b, aeo_measure_outcome o) {
    aeo_buf_puts(b, aeo_outcome_names[o.kind]);
    if (o.kind == AEO_OUTCOME_UNDECIDED) {
        aeo_buf_puts(b, " (missing");
        for (uint32_t i = 0; i < o.detail.as.unk->n; i++) aeo_buf_printf(b, " %s", o.detail.as.unk->paths[i]);
        aeo_buf_puts(b, ")");
    } else if (o.kind == AEO_OUTCOME_ERROR) {
        aeo_buf_printf(b, " (%s)", o.detail.as.e->msg);
    }
}

/* Builds the record of test [t] in the VM's arena.  The map literal is run
 * as an expression (it may name consts, and compute: `as_of - duration(..)`)
 * and then converted by the facts decoder's own rules, so that a test's
 * record is exactly what `aeo eval` would make of the same JSON. */
static bool test_record(aeo_catalog *c, aeo_vm *vm, const aeo_decl *t, aeo_value *rec, const char **err) {
    /* The facts as the checker resolved them: examples and 'with' merged
     * into one map literal. */
    const aeo_expr *facts = t->facts;
    if (!facts || facts->kind != AEO_EXPR_MAP) {
        *err = "the test has no facts map";
        return false;
    }
    aeo_chunk *ch = aeo_compile_expr(c, facts, "test facts");
    if (!ch) {
        *err = "the facts could not be compiled";
        return false;
    }
    aeo_vm_begin(vm, aeo_null());
    aeo_value m = aeo_vm_run(vm, ch);
    aeo_chunk_free(ch);
    if (m.kind == AEO_V_ERROR) {
        *err = m.as.e->msg;
        return false;
    }
    return aeo_facts_from_value(aeo_vm_arena(vm), c->program->root, c->program->root_name, m, rec, err);
}

/* Runs every test's record through the decoder once, at check time: a test
 * whose facts do not fit the schema is an error of the catalog (E0208), not
 * a failed test, since no outcome could be compared. */
bool aeo_tests_check(aeo_catalog *c) {
    if (!c->program || !c->program->root) return true;
    bool ok = true;
    aeo_vm *vm = aeo_vm_new(c->program);
    for (uint32_t i = 0; i < c->tests.n; i++) {
        const aeo_decl *t = c->tests.items[i];
        const aeo_prop *fp = aeo_decl_prop(t, "facts");
        if (!fp || !fp->value || !t->facts || t->broken) continue;
        aeo_value rec;
        const char *err = NULL;
        /* Within the build's budget (check_steps), as the lints are. */
        uint64_t left = c->check_steps;
        aeo_vm_set_limits(vm, left < AEO_CHECK_STEPS / 2 ? (left ? left : 1) : 0, 0);
        bool fits = test_record(c, vm, t, &rec, &err);
        uint64_t used = aeo_vm_steps(vm);
        c->check_steps = used < left ? left - used : 0;
        if (!fits) {
            aeo_diag_add(&c->diags, AEO_E_BAD_FACTS, fp->value->span, "the facts of test \"%s\" do not fit the schema: %s",
                         t->name, err);
            ok = false;
        }
        aeo_vm_end(vm);
    }
    aeo_vm_free(vm);
    return ok;
}


/* expect_values: each listed measure applies and grants a value equal
 * (CEL ==) to the expected one; appends a line per mismatch to [why]. */
static bool expect_values(aeo_catalog *c, aeo_vm *vm, const aeo_expr *map, aeo_buf *why) {
    bool ok = true;
    for (uint32_t i = 0; i < map->u.map.n; i++) {
        const aeo_expr *k = map->u.map.keys[i];
        if (k->ref != AEO_REF_MEASURE) continue;
        uint32_t m = k->ref_index;
        aeo_value a = aeo_vm_measure(vm, m);
        aeo_chunk *ch = aeo_compile_expr(c, map->u.map.vals[i], "expected value");
        aeo_value want = ch ? aeo_vm_run(vm, ch) : aeo_error_new(aeo_vm_arena(vm), "cannot compile");
        aeo_chunk_free(ch);
        aeo_buf wt = {0}, gt = {0};
        aeo_value_format(&wt, want);
        aeo_measure_outcome ao = aeo_outcome_classify(aeo_vm_arena(vm), a);
        if (ao.kind != AEO_OUTCOME_APPLIES) {
            describe(&gt, ao);
            aeo_buf_printf(why, "  %s: expected the value %s, but the measure does not apply: %s\n",
                           c->program->measures[m].id, wt.data, gt.data);
            ok = false;
        } else {
            aeo_value got = aeo_vm_measure_value(vm, m);
            if (aeo_is_bad(got) || aeo_is_bad(want) || !aeo_value_equal(got, want)) {
                aeo_value_format(&gt, got);
                int32_t w = aeo_vm_measure_case(vm, m);
                const aeo_measure_info *mi = &c->program->measures[m];
                aeo_buf_printf(why, "  %s: expected the value %s, got %s", mi->id, wt.data, gt.data);
                if (w >= 0 && (uint32_t)w < mi->n_cases) {
                    aeo_buf_puts(why, " (from the case");
                    aeo_sources_append_at(&c->sources, mi->cases[w].span, why);
                    aeo_buf_puts(why, ")");
                } else if (w >= 0) {
                    aeo_buf_puts(why, " (from the else)");
                }
                aeo_buf_puts(why, "\n");
                ok = false;
            }
        }
        aeo_buf_free(&wt);
        aeo_buf_free(&gt);
    }
    return ok;
}

/* Compares one test; appends the failure details to [why]. */
static bool run_one(aeo_catalog *c, aeo_vm *vm, const aeo_decl *t, const aeo_test_opts *o, aeo_buf *why,
                    coverage *cv) {
    aeo_program *p = c->program;
    /* A test's date is part of its meaning (measures come into and go out
     * of force), so a test without one runs only when the run gives one:
     * "today" would make the result change with the calendar. */
    aeo_value as_of = o->has_as_of ? o->as_of : aeo_timestamp(0, 0);
    const aeo_prop *ap = aeo_decl_prop(t, "as_of");
    if (ap) aeo_date_value(ap->value, &as_of);
    else if (!o->has_as_of) {
        aeo_buf_puts(why, "  the test has no as_of and none was given with --as-of\n");
        return false;
    }
    aeo_vm_set_as_of(vm, as_of);
    aeo_value rec;
    const char *err = NULL;
    if (!test_record(c, vm, t, &rec, &err)) {
        aeo_buf_printf(why, "  the facts do not fit the schema: %s\n", err);
        aeo_vm_end(vm);
        return false;
    }
    aeo_vm_begin(vm, rec);
    uint32_t n = p->n_measures;
    /* The expectations as one outcome per measure (the checker has already
     * refused a measure listed under two of them, E0210); expect_only is
     * kept apart, since it constrains every measure, listed or not. */
    int *want = aeo_xcalloc(n ? n : 1, sizeof *want);   /* 0 none, 1 + aeo_outcome_kind */
    bool *only = aeo_xcalloc(n ? n : 1, sizeof *only);
    bool has_only = false;
    for (uint32_t i = 0; i < t->n_props; i++) {
        const aeo_prop *pr = &t->props[i];
        int kind = -1;
        if (strcmp(pr->name, "expect") == 0) kind = AEO_OUTCOME_APPLIES;
        else if (strcmp(pr->name, "expect_not") == 0) kind = AEO_OUTCOME_NOT;
        else if (strcmp(pr->name, "expect_undecided") == 0) kind = AEO_OUTCOME_UNDECIDED;
        else if (strcmp(pr->name, "expect_only") == 0) {
            kind = -2;
            has_only = true;   /* even when empty: then nothing may apply */
        } else continue;
        const aeo_expr *v = pr->value;
        uint32_t count = v->kind == AEO_EXPR_LIST ? v->u.list.n : 1;
        for (uint32_t k = 0; k < count; k++) {
            const aeo_expr *it = v->kind == AEO_EXPR_LIST ? v->u.list.items[k] : v;
            if (it->ref != AEO_REF_MEASURE) continue;
            if (kind == -2) {
                only[it->ref_index] = true;
                has_only = true;
            } else {
                want[it->ref_index] = kind + 1;
            }
        }
    }
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        bool listed_only = has_only && only[i];
        if (!want[i] && !has_only) continue;
        aeo_measure_outcome oc = aeo_outcome_classify(aeo_vm_arena(vm), aeo_vm_measure(vm, i));
        int got = (int)oc.kind;
        const char *problem = NULL;
        aeo_buf exp = {0};
        if (want[i] && got != want[i] - 1) {
            aeo_buf_puts(&exp, aeo_outcome_names[want[i] - 1]);
            problem = "expected";
        } else if (has_only && listed_only && got != AEO_OUTCOME_APPLIES) {
            aeo_buf_puts(&exp, "applies (expect_only)");
            problem = "expected";
        } else if (has_only && !listed_only && got == AEO_OUTCOME_APPLIES) {
            aeo_buf_puts(&exp, "not to apply (not in expect_only)");
            problem = "expected";
        }
        if (problem) {
            /* The failure names the facts the measure reads with their
             * values in this record: what an author needs to see why, without
             * re-running the test by hand. */
            ok = false;
            aeo_buf got_text = {0};
            describe(&got_text, oc);
            aeo_buf_printf(why, "  %s: expected %s, got %s\n", p->measures[i].id, exp.data, got_text.data);
            aeo_buf_free(&got_text);
            path_set ps = {0};
            walk_measure(c, &ps, c->measures.items[i]);
            if (ps.n) {
                aeo_buf_puts(why, "    facts read:");
                for (uint32_t k = 0; k < ps.n; k++) {
                    aeo_buf_printf(why, "%s %s = ", k ? "," : "", ps.items[k]);
                    path_value(why, rec, ps.items[k]);
                }
                aeo_buf_puts(why, "\n");
            }
            if (!aeo_vm_in_force(vm, i)) aeo_buf_puts(why, "    (the measure is not in force on the test's as_of)\n");
            free(ps.items);
            free(ps.seen.items);
        }
        aeo_buf_free(&exp);
    }
    const aeo_prop *ev = aeo_decl_prop(t, "expect_values");
    if (ev && ev->value && ev->value->kind == AEO_EXPR_MAP && !expect_values(c, vm, ev->value, why)) ok = false;
    free(want);
    free(only);
    if (cv) coverage_record(c, vm, cv);
    aeo_vm_end(vm);
    return ok;
}

bool aeo_tests_run(aeo_catalog *c, const aeo_test_opts *o, FILE *out, aeo_test_summary *sum) {
    regex_t re;
    memset(sum, 0, sizeof *sum);
    if (o->filter) {
        int rc = regcomp(&re, o->filter, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[256];
            regerror(rc, &re, msg, sizeof msg);
            fprintf(stderr, "aeo: -r '%s': %s\n", o->filter, msg);
            return false;
        }
    }
    aeo_vm *vm = aeo_vm_new(c->program);
    aeo_buf report = {0};
    coverage cov;
    if (o->coverage) coverage_init(c, &cov);
    uint32_t selected = 0;
    for (uint32_t i = 0; i < c->tests.n; i++)
        if (!o->filter || regexec(&re, c->tests.items[i]->name, 0, NULL, 0) == 0) selected++;
    if (o->format == AEO_TEST_TAP) aeo_buf_printf(&report, "TAP version 13\n1..%u\n", selected);
    aeo_buf cases = {0};
    uint32_t num = 0;
    for (uint32_t i = 0; i < c->tests.n; i++) {
        const aeo_decl *t = c->tests.items[i];
        if (o->filter && regexec(&re, t->name, 0, NULL, 0) != 0) {
            sum->skipped++;
            continue;
        }
        num++;
        aeo_buf why = {0};
        bool ok = run_one(c, vm, t, o, &why, o->coverage ? &cov : NULL);
        if (ok) sum->passed++;
        else sum->failed++;
        const aeo_source *src = &c->sources.files[t->span.file];
        uint32_t line, col;
        aeo_sources_position(&c->sources, t->span.file, t->span.start, &line, &col);
        switch (o->format) {
        case AEO_TEST_TEXT:
            if (!ok) {
                aeo_buf_printf(&report, "%sFAIL%s %s:%u: test \"%s\"\n", o->color ? "\033[1;31m" : "",
                               o->color ? "\033[0m" : "", src->name, line, t->name);
                aeo_buf_putn(&report, why.data ? why.data : "", why.len);
            }
            break;
        case AEO_TEST_TAP:
            aeo_buf_printf(&report, "%s %u - %s\n", ok ? "ok" : "not ok", num, t->name);
            if (!ok) {
                aeo_buf_printf(&report, "  ---\n  at: %s:%u\n  message: |\n", src->name, line);
                const char *s = why.data;
                while (s && *s) {
                    const char *nl = strchr(s, '\n');
                    size_t len = nl ? (size_t)(nl - s) : strlen(s);
                    aeo_buf_puts(&report, "    ");
                    aeo_buf_putn(&report, s, len);
                    aeo_buf_puts(&report, "\n");
                    s = nl ? nl + 1 : s + len;
                }
                aeo_buf_puts(&report, "  ...\n");
            }
            break;
        case AEO_TEST_JUNIT:
            aeo_buf_puts(&cases, "    <testcase name=\"");
            aeo_printable_xml(&cases, t->name);
            aeo_buf_puts(&cases, "\" classname=\"");
            aeo_printable_xml(&cases, src->name);
            aeo_buf_printf(&cases, "\" file=\"");
            aeo_printable_xml(&cases, src->name);
            aeo_buf_printf(&cases, "\" line=\"%u\"", line);
            if (ok) {
                aeo_buf_puts(&cases, "/>\n");
            } else {
                aeo_buf_puts(&cases, ">\n      <failure message=\"expectations not met\">");
                aeo_printable_xml(&cases, why.data ? why.data : "");
                aeo_buf_puts(&cases, "</failure>\n    </testcase>\n");
            }
            break;
        }
        aeo_buf_free(&why);
    }
    if (o->format == AEO_TEST_JUNIT) {
        aeo_buf_printf(&report,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"%u\" failures=\"%u\">\n"
                       "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" skipped=\"0\">\n",
                       sum->passed + sum->failed, sum->failed, c->program->catalog ? c->program->catalog : "aeo",
                       sum->passed + sum->failed, sum->failed);
        aeo_buf_putn(&report, cases.data ? cases.data : "", cases.len);
        aeo_buf_puts(&report, "  </testsuite>\n</testsuites>\n");
    } else if (o->format == AEO_TEST_TAP) {
        aeo_buf_printf(&report, "# %u passed, %u failed\n", sum->passed, sum->failed);
    } else {
        aeo_buf_printf(&report, "%u passed, %u failed\n", sum->passed, sum->failed);
    }
    if (o->coverage) {
        aeo_buf text = {0};
        sum->coverage = coverage_report(c, &cov, o, &text);
        sum->coverage_low = o->coverage_min > 0 && sum->coverage + 1e-9 < o->coverage_min;
        if (o->format == AEO_TEST_TEXT) aeo_buf_putn(&report, text.data ? text.data : "", text.len);
        else {
            aeo_buf safe = {0};
            aeo_printable_put(&safe, text.data ? text.data : "", text.len, 0);
            fwrite(safe.data ? safe.data : "", 1, safe.len, stderr);
            aeo_buf_free(&safe);
        }
        if (sum->coverage_low)
            fprintf(stderr, "aeo: coverage %.1f%% is below the minimum %.1f%%\n", sum->coverage, o->coverage_min);
        aeo_buf_free(&text);
        if (o->suggest && o->format == AEO_TEST_TEXT) suggest_tests(c, &cov, o, &report);
        coverage_free(&cov);
    }
    if (o->format == AEO_TEST_JUNIT) {
        fwrite(report.data ? report.data : "", 1, report.len, out);
    } else {
        /* Text and TAP quote test names and values from the rules and the
         * facts: no control character reaches the terminal raw. */
        aeo_buf safe = {0};
        aeo_printable_put(&safe, report.data ? report.data : "", report.len, 0);
        fwrite(safe.data ? safe.data : "", 1, safe.len, out);
        aeo_buf_free(&safe);
    }
    aeo_buf_free(&report);
    aeo_buf_free(&cases);
    aeo_vm_free(vm);
    if (o->filter) regfree(&re);
    return true;
}
