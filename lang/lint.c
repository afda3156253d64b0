/* Lints; see lint.h.
 *
 * Evaluation-based lints build records in a scratch VM: an "unknown"
 * record has every slot absent, so every field read is UNKNOWN (required
 * fields too), and as_of is set to an UNKNOWN value.  A tier's assignments
 * are the combinations of the enum and bool fields it reads (at most 256)
 * for which the tier is not false.  Nothing assumes that tiers exclude each
 * other: a record may be in several, and W0203 (admits_outside) and
 * aeo_lint_tier_overlaps fix the facts of every tier they ask about. */
#include "lang/lint.h"

#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"
#include "lang/solve.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/vm.h"

#define MAX_ASSIGN 256

/* The cost of the lints (lang/README.md section 10): one evaluation may
 * take LINT_EVAL_STEPS steps, and all of them together draw on the
 * build's budget, c->check_steps.  A declaration one of whose evaluations
 * goes over is reported (W0250) and not evaluated again; once the budget is
 * spent (W0251), nothing more is evaluated.  An evaluation stopped so gives
 * an ERROR value, from which no lint concludes anything. */
#define LINT_EVAL_STEPS UINT64_C(1000000)

typedef struct fieldset {
    const aeo_field *items[16];
    uint32_t n;
} fieldset;

/* What the tier lints need of one tier, the same for every measure, so
 * computed once (a catalog of many measures would otherwise redo it for
 * each): the enum and bool fields it reads, the records fixing them to each
 * combination, and for each record whether the tier may hold and whether
 * the scope may. */
typedef struct tier_info {
    fieldset fs;
    uint32_t n;              /* assignments; 0: the tier is not checked */
    aeo_value *recs;
    bool *possible;          /* the tier is not false */
    bool *reachable;         /* the scope is not false */
    aeo_chunk *chunk;        /* the tier's condition (NULL: could not be compiled) */
} tier_info;

typedef struct linter {
    aeo_catalog *c;
    aeo_arena *a;
    aeo_vm *vm;
    aeo_value unknown_as_of;
    aeo_value unknown;       /* the record of which nothing is known (shared, never changed) */
    tier_info *tiers;        /* per tier */
    aeo_arena *scratch;      /* records tried for one question only, reset after it */
    /* What is being linted (linting()), for the cost diagnostics. */
    const char *cur_kind, *cur_name;   /* "measure", "M01"; no name: the catalog scope */
    aeo_span cur_span;
    bool *cur_over;          /* its flag: an evaluation went over LINT_EVAL_STEPS */
    bool scope_over, *tier_over, *measure_over;   /* the flags, per declaration */
    bool spent;              /* c->check_steps ran out (W0251 reported) */
    bool quiet;              /* no cost diagnostics (aeo_lint_tier_overlaps) */
    aeo_solver *solver;      /* W0202's proofs (lang/solve.h), made on first need */
    uint32_t solver_timeouts; /* questions the solver gave up on: after LINT_SOLVER_GIVEUPS, it is not asked */
    uint32_t solver_questions; /* questions asked: at most LINT_SOLVER_QUESTIONS */
} linter;

/* The solver's time for one W0202 question, and how many it may give up on
 * before the lint stops asking (a check stays fast on any catalog). */
#define LINT_SOLVER_MS 250
#define LINT_SOLVER_GIVEUPS 3
/* The questions one check asks at most (in declaration order: measure by
 * measure, tier by tier), so that a catalog of thousands of measures
 * checks about as fast as one without the solver (the Shenyang catalog asks 40;
 * past the limit the records tried decide, as outside the fragment). */
#define LINT_SOLVER_QUESTIONS 64

/* ---- evaluation helpers -------------------------------------------------------- */

/* From here on the lints evaluate for [kind] [name] (no name: the catalog
 * scope) at [span], whose flag is [over]. */
static void linting(linter *l, const char *kind, const char *name, aeo_span span, bool *over) {
    l->cur_kind = kind;
    l->cur_name = name;
    l->cur_span = span;
    l->cur_over = over;
}

static const char *linted(const linter *l) {
    return l->cur_name ? aeo_arena_printf(l->a, "%s '%s'", l->cur_kind, l->cur_name) : l->cur_kind;
}

/* Whether the declaration being linted may be evaluated (the caller has
 * begun a record); if so, the VM's step limit is set for one evaluation. */
static bool may_run(linter *l) {
    if (l->spent || *l->cur_over) return false;
    uint64_t left = l->c->check_steps;
    aeo_vm_set_limits(l->vm, left < LINT_EVAL_STEPS ? (left ? left : 1) : LINT_EVAL_STEPS, 0);
    return true;
}

/* Accounts the evaluation just made, which gave [v], against the budgets,
 * and reports the one it went over. */
static aeo_value spend(linter *l, aeo_value v) {
    uint64_t used = aeo_vm_steps(l->vm), left = l->c->check_steps;
    l->c->check_steps = used < left ? left - used : 0;
    if (v.kind != AEO_V_ERROR || !aeo_vm_out_of_steps(l->vm)) return v;
    aeo_diags *dg = &l->c->diags;
    if (left < LINT_EVAL_STEPS) {
        l->spent = true;
        l->c->check_steps = 0;
        if (!l->quiet)
            aeo_diag_add(dg, AEO_E_W_LINT_BUDGET, l->cur_span,
                         "the lints stopped at %s: the evaluations of this check used up their budget; it "
                         "and the declarations after it were not fully linted",
                         linted(l));
        return v;
    }
    *l->cur_over = true;
    if (l->quiet) return v;
    aeo_diag *g = aeo_diag_add(dg, AEO_E_W_LINT_COST, l->cur_span,
                               "%s is too costly to lint: one evaluation with the facts unknown took over 1,000,000 "
                               "steps; the lints that evaluate it were skipped",
                               linted(l));
    if (v.as.e->has_span) aeo_diag_note(dg, g, &v.as.e->span, "the evaluation was stopped here");
    return v;
}

/* The value of "not evaluated" (the caller ends the record). */
static aeo_value not_run(linter *l) { return aeo_error_new(aeo_vm_arena(l->vm), "not linted"); }

/* Runs [ch] (NULL: could not be compiled) on [rec], within the budgets;
 * the caller ends the record with aeo_vm_end. */
static aeo_value run_in(linter *l, const aeo_chunk *ch, aeo_value rec) {
    aeo_vm_begin(l->vm, rec);
    if (!ch) return aeo_error_new(aeo_vm_arena(l->vm), "cannot compile");
    if (!may_run(l)) return not_run(l);
    return spend(l, aeo_vm_run(l->vm, ch));
}

/* Measure [mi] on [rec], within the budgets; the caller ends the record. */
static aeo_value measure_in(linter *l, uint32_t mi, aeo_value rec) {
    aeo_vm_begin(l->vm, rec);
    if (!may_run(l)) return not_run(l);
    return spend(l, aeo_vm_measure(l->vm, mi));
}

static aeo_value eval_in(linter *l, const aeo_expr *e, aeo_value rec) {
    aeo_chunk *ch = aeo_compile_expr(l->c, e, "lint");
    aeo_value v = run_in(l, ch, rec);
    aeo_chunk_free(ch);
    return v;
}

/* A record of which nothing is known: every slot UNKNOWN, so reads and
 * has() are unknown alike.  A fresh copy of l->unknown, to be changed. */
static aeo_value unknown_record(linter *l) {
    aeo_value rec = aeo_record_new(l->a, l->c->root);
    aeo_record *r = (aeo_record *)(uintptr_t)rec.as.r;
    for (uint32_t i = 0; i < l->c->root->n_fields; i++) r->slots[i] = l->unknown.as.r->slots[i];
    return rec;
}

/* Builds l->unknown, once. */
static void make_unknown(linter *l) {
    aeo_value rec = aeo_record_new(l->a, l->c->root);
    aeo_record *r = (aeo_record *)(uintptr_t)rec.as.r;
    for (uint32_t i = 0; i < l->c->root->n_fields; i++) {
        const char *path = aeo_arena_printf(l->a, "%s.%s", l->c->root_name, l->c->root->fields[i].name);
        r->slots[i] = aeo_unknown_new(l->a, path);
    }
    l->unknown = rec;
}

static bool is_bool(aeo_value v, bool b) { return v.kind == AEO_V_BOOL && v.as.b == b; }

/* ---- facts read -------------------------------------------------------------------- */

static void add_field(fieldset *fs, const aeo_field *f) {
    for (uint32_t i = 0; i < fs->n; i++)
        if (fs->items[i] == f) return;
    if (fs->n < 16) fs->items[fs->n++] = f;
}

typedef struct fields_walk {
    linter *l;
    fieldset *fs;
    int depth;
} fields_walk;

/* The root enum and bool fields [e] reads (following defs and tiers). */
static void tier_fields_at(const aeo_expr *e, void *p) {
    fields_walk *w = p;
    if (!e || w->depth > 32) return;
    w->depth++;
    if (e->kind == AEO_EXPR_SELECT && e->ref == AEO_REF_FIELD && e->u.select.operand->kind == AEO_EXPR_IDENT &&
        e->u.select.operand->ref == AEO_REF_ROOT) {
        const aeo_field *f = &w->l->c->root->fields[e->ref_index];
        if (f->type->kind == AEO_T_ENUM || f->type->kind == AEO_T_BOOL) add_field(w->fs, f);
    } else if (e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_DEF) {
        tier_fields_at(w->l->c->defs.items[e->ref_index]->value, w);
    } else if (e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_TIER) {
        tier_fields_at(w->l->c->tiers.items[e->ref_index]->value, w);
    } else if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_FUNC) {
        /* A function's body, and what its arguments read. */
        tier_fields_at(w->l->c->defs.items[e->ref_index]->value, w);
        aeo_expr_each_child(e, tier_fields_at, w);
    } else {
        aeo_expr_each_child(e, tier_fields_at, w);
    }
    w->depth--;
}

static void tier_fields(linter *l, const aeo_expr *e, fieldset *fs, int depth) {
    fields_walk w = {l, fs, depth};
    tier_fields_at(e, &w);
}

/* The records fixing [fs] to each combination of values. */
static uint32_t assignments(linter *l, const fieldset *fs, aeo_value *out, uint32_t cap) {
    uint64_t total = 1;
    for (uint32_t i = 0; i < fs->n; i++) {
        total *= fs->items[i]->type->kind == AEO_T_ENUM ? fs->items[i]->type->n_enum : 2;
        if (total > cap) return 0;
    }
    for (uint64_t k = 0; k < total; k++) {
        aeo_value rec = unknown_record(l);
        aeo_record *r = (aeo_record *)(uintptr_t)rec.as.r;
        uint64_t rest = k;
        for (uint32_t i = 0; i < fs->n; i++) {
            const aeo_field *f = fs->items[i];
            uint32_t n = f->type->kind == AEO_T_ENUM ? f->type->n_enum : 2;
            uint32_t pick = (uint32_t)(rest % n);
            rest /= n;
            r->slots[f->slot] = f->type->kind == AEO_T_ENUM ? aeo_cstring(l->a, f->type->enum_values[pick])
                                                             : aeo_bool(pick == 1);
        }
        out[k] = rec;
    }
    return (uint32_t)total;
}

/* assignments() into the scratch arena, emptied first: for the questions
 * asked once per measure and tier (or per pair of tiers), whose records
 * would otherwise pile up in l->a for the whole run.  The records are valid
 * until the next call. */
static uint32_t scratch_assignments(linter *l, const fieldset *fs, aeo_value *out) {
    if (!l->scratch) l->scratch = aeo_arena_new();
    aeo_arena_reset(l->scratch);
    aeo_arena *kept = l->a;
    l->a = l->scratch;
    uint32_t n = assignments(l, fs, out, MAX_ASSIGN);
    l->a = kept;
    return n;
}

/* ---- the lints ------------------------------------------------------------------- */

static void constant_condition(linter *l, const aeo_expr *e, const char *what, bool is_unless) {
    if (!e || e->kind == AEO_EXPR_ERROR) return;
    aeo_value v = eval_in(l, e, l->unknown);
    aeo_vm_end(l->vm);
    if (v.kind != AEO_V_BOOL) return;
    if (is_unless)
        aeo_diag_add(&l->c->diags, AEO_E_W_CONSTANT, e->span, "this 'unless' %s, whatever the facts",
                     v.as.b ? "always holds: the measure never applies" : "can never hold");
    else
        aeo_diag_add(&l->c->diags, AEO_E_W_CONSTANT, e->span, "%s is always %s, whatever the facts", what,
                     v.as.b ? "true" : "false");
}

/* Whether [e] is true for every assignment of the facts of every tier of
 * [m] under which that tier may hold (the other facts unknown): then it
 * holds whenever the measure's tier requirement does.  The assignments
 * cover every value of the enum and bool fields the tiers read
 * (tier_infos), so this is a proof, not a sample; a tier without them
 * decides nothing. */
static bool true_in_tiers(linter *l, const aeo_measure *m, const aeo_expr *e) {
    if (m->n_tiers == 0) return false;
    aeo_chunk *ch = aeo_compile_expr(l->c, e, "lint");
    bool all = ch != NULL;
    for (uint32_t t = 0; t < m->n_tiers && all; t++) {
        const aeo_expr *it = m->tiers[t];
        if (it->ref != AEO_REF_TIER || l->tiers[it->ref_index].n == 0) {
            all = false;
            break;
        }
        const tier_info *ti = &l->tiers[it->ref_index];
        for (uint32_t k = 0; k < ti->n && all; k++) {
            if (!ti->possible[k]) continue;
            aeo_vm_set_as_of(l->vm, l->unknown_as_of);
            aeo_value v = run_in(l, ch, ti->recs[k]);
            aeo_vm_end(l->vm);
            all = is_bool(v, true);
        }
    }
    aeo_chunk_free(ch);
    return all;
}

/* W0212: a case after one that always holds can never win.  "Always"
 * is decided three ways: the condition is true with every fact unknown;
 * it names the measure's only tier; or it is true under every assignment
 * of the tiers' facts that admits one of the measure's tiers (which its
 * version-1 condition requires). */
static void unreachable_cases(linter *l, const aeo_decl *d) {
    const aeo_measure *m = d->measure;
    for (uint32_t i = 0; i + 1 < m->n_cases || (i < m->n_cases && m->else_case); i++) {
        const aeo_expr *e = m->cases[i].cond;
        if (!e || e->kind == AEO_EXPR_ERROR) continue;
        bool always = m->n_tiers == 1 && e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_TIER &&
                      m->tiers[0]->ref == AEO_REF_TIER && m->tiers[0]->ref_index == e->ref_index;
        if (!always) {
            aeo_value v = eval_in(l, e, l->unknown);
            aeo_vm_end(l->vm);
            always = is_bool(v, true);
        }
        bool in_tiers = !always && true_in_tiers(l, m, e);
        if (!always && !in_tiers) continue;
        const aeo_case *next = i + 1 < m->n_cases ? &m->cases[i + 1] : m->else_case;
        aeo_diag *g = aeo_diag_add(&l->c->diags, AEO_E_W_CASE_UNREACHABLE, next->cond ? next->cond->span : next->span,
                                   "this %s of '%s' can never win: the case before it always holds",
                                   next == m->else_case ? "else" : "case", d->name);
        if (in_tiers)
            aeo_diag_note(&l->c->diags, g, &e->span, "this condition holds for every %s of the measure's tiers",
                          aeo_catalog_root_word(l->c));
        else
            aeo_diag_note(&l->c->diags, g, &e->span, "this condition always holds");
        break;
    }
}

/* Whether [v] may be true (true or unknown). */
static bool maybe_true(aeo_value v) { return is_bool(v, true) || v.kind == AEO_V_UNKNOWN; }

/* Fills l->tiers: per tier, its assignments and, for each, whether the tier
 * and the scope may hold (as_of unknown). */
static void tier_infos(linter *l) {
    aeo_catalog *c = l->c;
    l->tiers = aeo_xcalloc(c->tiers.n + 1, sizeof *l->tiers);
    aeo_chunk *scope = c->scope ? aeo_compile_expr(c, c->scope, "lint") : NULL;
    for (uint32_t t = 0; t < c->tiers.n; t++) {
        tier_info *ti = &l->tiers[t];
        const aeo_decl *td = c->tiers.items[t];
        if (td->broken) continue;   /* not checked: no chunk, no assignments */
        /* Every tier's chunk, also of those not checked themselves: W0203
         * asks the declared tiers of a measure about other tiers' records. */
        ti->chunk = aeo_compile_expr(c, td->value, "lint");
        tier_fields(l, td->value, &ti->fs, 0);
        if (ti->fs.n == 0 || l->tier_over[t] || l->spent) continue;
        linting(l, "tier", td->name, td->name_span, &l->tier_over[t]);
        aeo_value *recs = aeo_arena_alloc(l->a, MAX_ASSIGN * sizeof *recs);
        uint32_t n = assignments(l, &ti->fs, recs, MAX_ASSIGN);
        if (n == 0) continue;
        ti->n = n;
        ti->recs = recs;
        ti->possible = aeo_arena_zalloc(l->a, n * sizeof *ti->possible);
        ti->reachable = aeo_arena_zalloc(l->a, n * sizeof *ti->reachable);
        for (uint32_t k = 0; k < n; k++) {
            aeo_vm_set_as_of(l->vm, l->unknown_as_of);
            aeo_value tvv = run_in(l, ti->chunk, recs[k]);
            aeo_vm_end(l->vm);
            ti->possible[k] = maybe_true(tvv);
            if (!ti->possible[k]) continue;
            if (c->scope && !l->scope_over) {
                aeo_value sv = run_in(l, scope, recs[k]);
                aeo_vm_end(l->vm);
                ti->reachable[k] = !is_bool(sv, false);
            } else {
                ti->reachable[k] = true;
            }
        }
        /* A tier not evaluated on every record is not checked. */
        if (l->tier_over[t] || l->spent) ti->n = 0;
    }
    aeo_chunk_free(scope);
}

/* ---- W0203 on tiers that may overlap ------------------------------------------- */

/* The measure's when && !unless alone on [rec] (its tiers, scope and dates
 * left out), the conditions compiled on first need into [conds] (one slot
 * per property). */
static aeo_value conditions_on(linter *l, const aeo_decl *d, aeo_chunk **conds, bool *compiled, aeo_value rec) {
    const aeo_measure *mv = d->measure;
    if (!*compiled) {
        for (uint32_t i = 0; i < mv->n_conds; i++) conds[i] = aeo_compile_expr(l->c, mv->conds[i].expr, "lint");
        *compiled = true;
    }
    aeo_value w = aeo_bool(true);
    for (uint32_t i = 0; i < mv->n_conds; i++) {
        aeo_value v = run_in(l, conds[i], rec);
        aeo_vm_end(l->vm);
        if (mv->conds[i].negate && v.kind == AEO_V_BOOL) v = aeo_bool(!v.as.b);
        if (is_bool(v, false)) w = v;
    }
    return w;
}

/* W0203's question for the undeclared tier [t] of measure [d]: may an
 * enterprise of tier t that is in NONE of the measure's declared tiers meet
 * its when and unless?  Tiers are predicates and may overlap (an EU AEOF
 * holder is in both the AEOC and the AEOS tier), so "of tier t" alone is
 * not the question: a record of t that is also in a declared tier gets the
 * measure through that tier, and admitting it is what the author meant.
 * The records tried fix the enum and bool fields of t AND of the declared
 * tiers (every combination), so that each declared tier is decided where
 * its facts allow; a declared tier that stays unknown counts as possibly
 * not holding (the lint asks what may happen).  Where the tiers of a
 * catalog exclude each other, "in t and in no declared tier" is "in t":
 * the answer is the one t's own records gave in version 1, or a sharper
 * one where a declared tier's facts, now fixed, show the conditions false
 * (never a new warning).
 *
 * One more case is no finding: where t overlaps a declared tier, a
 * condition that rejects every enterprise of the declared tiers outside t
 * (there being some) singles out the overlap, as `tier: aeos  when: aeoc`
 * means "AEOF holders"; that it would admit AEOC holders too is moot, since
 * the tier gate keeps them out, and the author named them on purpose.
 * [shared] is set when a record may be in t and in a declared tier at once. */
static bool admits_outside(linter *l, uint32_t t, const bool *declared, const aeo_decl *d, aeo_chunk **conds,
                           bool *compiled, bool *shared) {
    aeo_catalog *c = l->c;
    const tier_info *ti = &l->tiers[t];
    fieldset fs = ti->fs;
    for (uint32_t u = 0; u < c->tiers.n; u++)
        if (declared[u]) tier_fields(l, c->tiers.items[u]->value, &fs, 0);
    aeo_value *recs = aeo_xmalloc(MAX_ASSIGN * sizeof *recs);
    uint32_t n = scratch_assignments(l, &fs, recs);
    /* Too many combinations: the tier's own records, the declared tiers
     * then mostly unknown (so, as before, no better than "in t"). */
    const aeo_value *tried = n ? recs : ti->recs;
    if (!n) n = ti->n;
    bool admits = false;            /* a record of t outside the declared tiers may meet the conditions */
    bool others = false;            /* a record of a declared tier may be outside t */
    bool others_admitted = false;   /* ... and may meet the conditions */
    /* Every record, so that the flags do not depend on their order. */
    for (uint32_t k = 0; k < n; k++) {
        aeo_value tv = run_in(l, ti->chunk, tried[k]);
        aeo_vm_end(l->vm);
        bool in_declared = false, maybe_declared = false;
        for (uint32_t u = 0; u < c->tiers.n && !in_declared; u++) {
            if (!declared[u]) continue;
            if (l->tier_over[u]) {   /* not evaluated: it may hold */
                maybe_declared = true;
                continue;
            }
            aeo_value uv = run_in(l, l->tiers[u].chunk, tried[k]);
            aeo_vm_end(l->vm);
            maybe_declared |= maybe_true(uv);
            in_declared = is_bool(uv, true);
        }
        if (maybe_true(tv)) {
            if (maybe_declared) *shared = true;
            if (!in_declared && !admits && !is_bool(conditions_on(l, d, conds, compiled, tried[k]), false))
                admits = true;
        } else if (maybe_declared) {
            others = true;
            if (!others_admitted && !is_bool(conditions_on(l, d, conds, compiled, tried[k]), false))
                others_admitted = true;
        }
    }
    free(recs);
    return admits && !(*shared && others && !others_admitted);
}

/* W0202 by the solver: 0 when no enterprise of tier [t] can get measure
 * [mi] on any date (proved), 1 when one can (the solver's record, which
 * the VM then evaluates: the tier holds and the measure applies), -1 when
 * the measure is outside the solver's fragment. */
static int solver_tier(linter *l, uint32_t mi, uint32_t t) {
    if (l->solver_timeouts >= LINT_SOLVER_GIVEUPS || l->solver_questions >= LINT_SOLVER_QUESTIONS) return -1;
    l->solver_questions++;
    if (!l->solver) {
        l->solver = aeo_solver_new_ordered(l->c);
        aeo_solver_set_timeout(l->solver, LINT_SOLVER_MS);
    }
    bool possible;
    const char *witness, *reason;
    aeo_value when;
    if (aeo_solver_tier_possible(l->solver, mi, t, aeo_timestamp(aeo_time_today_utc(), 0), &possible, &witness, &when,
                                 &reason) != AEO_SOLVE_OK) {
        if (strncmp(reason, "the solver gave up", 18) == 0) l->solver_timeouts++;
        return -1;
    }
    if (!possible) return 0;
    const aeo_program *p = l->c->program;
    aeo_vm_set_as_of(l->vm, when);
    aeo_vm_begin(l->vm, aeo_null());
    aeo_value rec;
    const char *err;
    int r = -1;
    if (aeo_facts_decode(aeo_vm_arena(l->vm), p->root, p->root_name, witness, strlen(witness), 1, &rec, &err)) {
        aeo_vm_begin(l->vm, rec);
        aeo_value tv = l->tiers[t].chunk ? aeo_vm_run(l->vm, l->tiers[t].chunk) : aeo_null();
        aeo_value mv = aeo_vm_measure(l->vm, mi);
        if (is_bool(tv, true) && is_bool(mv, true)) r = 1;
    }
    aeo_vm_end(l->vm);
    aeo_vm_set_as_of(l->vm, l->unknown_as_of);
    return r;
}

/* W0202, W0203 and W0206 for measure [mi].
 *  W0202, for each declared tier T: some record of T is in scope, and on
 *    none of them may the measure apply (the whole measure: dates, scope,
 *    any of its tiers, when, unless).  A record of T that is also in another
 *    declared tier counts as T's: the measure reaching it is enough.
 *  W0203, for each undeclared tier T whose facts the conditions read: some
 *    record of T in none of the declared tiers meets when && !unless
 *    (admits_outside).
 *  W0206: no declared tier has a record in scope. */
static void tier_lints(linter *l, uint32_t mi) {
    aeo_catalog *c = l->c;
    const aeo_decl *d = c->measures.items[mi];
    const aeo_measure *mv = d->measure;
    const aeo_prop *tp = mv->tier_prop;
    if (!tp) return;
    /* The declared tiers. */
    bool *declared = aeo_xcalloc(c->tiers.n + 1, sizeof *declared);
    for (uint32_t i = 0; i < mv->n_tiers; i++) {
        const aeo_expr *it = mv->tiers[i];
        if (it->ref == AEO_REF_TIER) declared[it->ref_index] = true;
    }
    /* Facts the conditions read that tiers also read. */
    fieldset cond_fields = {{0}, 0};
    for (uint32_t i = 0; i < mv->n_conds; i++) tier_fields(l, mv->conds[i].expr, &cond_fields, 0);
    /* The when and unless conditions, compiled on first need. */
    aeo_chunk **conds = aeo_xcalloc(mv->n_conds + 1, sizeof *conds);
    aeo_chunk *own_scope = mv->own_scope ? aeo_compile_expr(c, mv->scope, "lint") : NULL;
    bool compiled = false;
    bool any_reachable = false, any_tier_checked = false;
    /* The whole measure cannot be evaluated where its scope or one of its
     * tiers went over the lints' budget: it may apply. */
    bool whole = !l->scope_over;
    for (uint32_t t = 0; t < c->tiers.n; t++) whole &= !(declared[t] && l->tier_over[t]);
    for (uint32_t t = 0; t < c->tiers.n; t++) {
        const aeo_decl *td = c->tiers.items[t];
        const tier_info *ti = &l->tiers[t];
        const fieldset *fsp = &ti->fs;
        if (ti->n == 0) continue;
        bool overlap = false;
        for (uint32_t i = 0; i < cond_fields.n; i++)
            for (uint32_t j = 0; j < fsp->n; j++) overlap |= cond_fields.items[i] == fsp->items[j];
        bool tier_possible = false, measure_possible = false, reachable = false;
        for (uint32_t k = 0; k < ti->n; k++) {
            if (!ti->possible[k]) continue;
            tier_possible = true;
            if (!declared[t]) break;
            /* A measure with its own scope is reachable where that scope
             * may hold, not the catalog's. */
            bool r = ti->reachable[k];
            if (own_scope) {
                aeo_vm_set_as_of(l->vm, l->unknown_as_of);
                aeo_value sv = run_in(l, own_scope, ti->recs[k]);
                aeo_vm_end(l->vm);
                r = !is_bool(sv, false);
            }
            if (r) reachable = true;
            if (!measure_possible && !whole) measure_possible = true;
            if (!measure_possible) {
                aeo_value m = measure_in(l, mi, ti->recs[k]);
                aeo_vm_end(l->vm);
                if (!is_bool(m, false)) measure_possible = true;
            }
        }
        if (!tier_possible) continue;
        if (declared[t]) {
            any_tier_checked = true;
            if (reachable) any_reachable = true;
            /* Where the solver's fragment covers the measure, its answer
             * decides: a proof, or a record of the tier that gets it. */
            int proof = reachable ? solver_tier(l, mi, t) : -1;
            if (reachable && !measure_possible && proof != 1)
                aeo_diag_add(&c->diags, AEO_E_W_TIER_NEVER, tp->value->span,
                             "measure '%s' can never apply to tier '%s': its conditions are false for every "
                             "%s of that tier", d->name, td->name, aeo_catalog_root_word(c));
            else if (reachable && measure_possible && proof == 0)
                aeo_diag_add(&c->diags, AEO_E_W_TIER_NEVER, tp->value->span,
                             "measure '%s' can never apply to tier '%s': no %s of that tier meets its "
                             "conditions on any date (proved)", d->name, td->name, aeo_catalog_root_word(c));
        } else if (overlap) {
            /* The conditions mention tier facts and still admit this tier. */
            bool shared = false;
            if (admits_outside(l, t, declared, d, conds, &compiled, &shared)) {
                if (shared)
                    aeo_diag_add(&c->diags, AEO_E_W_TIER_OTHER, tp->value->span,
                                 "the conditions of '%s' read the facts of tier '%s' and admit %s records of it "
                                 "that are in none of the measure's tiers, but '%s' is not in its tiers",
                                 d->name, td->name, aeo_catalog_root_word(c), td->name);
                else
                    aeo_diag_add(&c->diags, AEO_E_W_TIER_OTHER, tp->value->span,
                                 "the conditions of '%s' read the facts of tier '%s' and admit it, but '%s' is not "
                                 "in its tiers", d->name, td->name, td->name);
            }
        }
    }
    if (any_tier_checked && !any_reachable)
        aeo_diag_add(&c->diags, AEO_E_W_UNREACHABLE, d->name_span,
                     "measure '%s' can never apply: %s excludes every %s of its tiers", d->name,
                     own_scope ? "its scope" : "the catalog scope", aeo_catalog_root_word(c));
    aeo_chunk_free(own_scope);
    for (uint32_t i = 0; i < mv->n_conds; i++) aeo_chunk_free(conds[i]);
    free(conds);
    free(declared);
}

/* The declarations used, one flag array per kind. */
typedef struct uses {
    bool *consts, *defs, *tiers;
    const aeo_catalog *c;
} uses;

/* Marks the const, def or tier called [name] used: a name that an error
 * left unresolved (both("a", 1), advanced_credit()) is still a use. */
static void mark_name(uses *u, const char *name) {
    const aeo_decls *pools[] = {&u->c->consts, &u->c->defs, &u->c->tiers};
    bool *flags[] = {u->consts, u->defs, u->tiers};
    for (int p = 0; p < 3; p++)
        for (uint32_t i = 0; i < pools[p]->n; i++)
            if (pools[p]->items[i]->name && strcmp(pools[p]->items[i]->name, name) == 0) flags[p][i] = true;
}

/* Marks the declarations [e] uses. */
static void mark_uses(const aeo_expr *e, void *p) {
    uses *u = p;
    if (!e) return;
    if (e->kind == AEO_EXPR_IDENT) {
        if (e->ref == AEO_REF_CONST) u->consts[e->ref_index] = true;
        else if (e->ref == AEO_REF_DEF) u->defs[e->ref_index] = true;
        else if (e->ref == AEO_REF_TIER) u->tiers[e->ref_index] = true;
        else if (e->ref == AEO_REF_NONE && u->c->diags.n_errors) mark_name(u, e->u.ident.name);
        return;
    }
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_FUNC) u->defs[e->ref_index] = true;
    else if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_NONE && u->c->diags.n_errors) mark_name(u, e->u.call.name);
    aeo_expr_each_child(e, mark_uses, u);
}

/* Whether an error names [name] in quotes ('in_area'): one that suggests
 * it ("did you mean 'in_area'?") or is about it ("'advanced' is already
 * declared"); then that [name] is unused is the same mistake, said once.
 * (Nor is a broken declaration called unused: its error says enough.) */
static bool named_by_error(const aeo_catalog *c, const char *name) {
    size_t n = strlen(name);
    for (uint32_t i = 0; c->diags.n_errors && i < c->diags.n; i++) {
        const aeo_diag *g = &c->diags.items[i];
        if (g->sev != AEO_SEV_ERROR) continue;
        for (const char *p = strchr(g->msg, '\''); p; p = strchr(p + 1, '\''))
            if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '\'') return true;
    }
    return false;
}

static bool word_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* Whether [name] is written, as a word, in text that did not parse (an
 * ERROR declaration, a declaration with a syntax error in it, the text
 * after the last declaration) of a catalog with errors: a use the syntax
 * error hid is still a use. */
static bool in_unparsed(const aeo_catalog *c, const char *name) {
    size_t n = strlen(name);
    for (uint32_t i = 0; c->diags.n_errors && i < c->n_files; i++) {
        const aeo_file *f = &c->files[i];
        const aeo_source *src = &c->sources.files[f->source];
        /* Each such declaration, then what follows the last declaration
         * (a parse that ran into the end of the file keeps no declaration
         * of it). */
        for (uint32_t k = 0; k <= f->n_decls; k++) {
            const aeo_decl *d = k < f->n_decls ? &f->decls[k] : NULL;
            if (d && d->kind != AEO_DECL_ERROR && !d->has_error) continue;
            uint32_t start = d ? d->span.start : f->n_decls ? f->decls[f->n_decls - 1].span.end : 0;
            uint32_t end = d && d->span.end < src->len ? d->span.end : src->len;
            for (uint32_t at = start; at + n <= end; at++)
                if (memcmp(src->text + at, name, n) == 0 && (at == 0 || !word_char(src->text[at - 1])) &&
                    (at + n == src->len || !word_char(src->text[at + n])))
                    return true;
        }
    }
    return false;
}

static void unused(linter *l) {
    aeo_catalog *c = l->c;
    bool *consts = aeo_xcalloc(c->consts.n + 1, 1), *defs = aeo_xcalloc(c->defs.n + 1, 1),
         *tiers = aeo_xcalloc(c->tiers.n + 1, 1);
    uses u = {consts, defs, tiers, c};
    for (uint32_t i = 0; i < c->consts.n; i++) mark_uses(c->consts.items[i]->value, &u);
    for (uint32_t i = 0; i < c->defs.n; i++) mark_uses(c->defs.items[i]->value, &u);
    for (uint32_t i = 0; i < c->tiers.n; i++) mark_uses(c->tiers.items[i]->value, &u);
    if (c->scope) mark_uses(c->scope, &u);
    if (c->key) mark_uses(c->key, &u);
    /* Measures, and tests and examples (a const in a test's facts). */
    const aeo_decls *blocks[] = {&c->measures, &c->tests, &c->examples};
    for (int b = 0; b < 3; b++)
        for (uint32_t i = 0; i < blocks[b]->n; i++) {
            const aeo_decl *d = blocks[b]->items[i];
            mark_uses(d->value, &u);
            for (uint32_t k = 0; k < d->n_props; k++) {
                mark_uses(d->props[k].value, &u);
                mark_uses(d->props[k].cond, &u);   /* a case's condition */
            }
        }
    for (uint32_t i = 0; i < c->consts.n; i++)
        if (!consts[i] && !c->consts.items[i]->broken && !named_by_error(c, c->consts.items[i]->name) &&
            !in_unparsed(c, c->consts.items[i]->name))
            aeo_diag_add(&c->diags, AEO_E_W_UNUSED, c->consts.items[i]->name_span, "const '%s' is never used",
                         c->consts.items[i]->name);
    for (uint32_t i = 0; i < c->defs.n; i++)
        if (!defs[i] && !c->defs.items[i]->broken && !named_by_error(c, c->defs.items[i]->name) &&
            !in_unparsed(c, c->defs.items[i]->name))
            aeo_diag_add(&c->diags, AEO_E_W_UNUSED, c->defs.items[i]->name_span, "%s '%s' is never used",
                         c->defs.items[i]->n_params ? "function" : "def", c->defs.items[i]->name);
    for (uint32_t i = 0; i < c->tiers.n; i++)
        if (!tiers[i] && !c->tiers.items[i]->broken && !named_by_error(c, c->tiers.items[i]->name) &&
            !in_unparsed(c, c->tiers.items[i]->name))
            aeo_diag_add(&c->diags, AEO_E_W_UNUSED, c->tiers.items[i]->name_span, "tier '%s' is never used",
                         c->tiers.items[i]->name);
    free(consts);
    free(defs);
    free(tiers);
}

static void shadows(linter *l) {
    aeo_catalog *c = l->c;
    if (!c->root) return;
    aeo_decls *pools[] = {&c->consts, &c->defs, &c->tiers};
    for (int p = 0; p < 3; p++) {
        for (uint32_t i = 0; i < pools[p]->n; i++) {
            const aeo_decl *d = pools[p]->items[i];
            if (aeo_record_type_field(c->root, d->name))
                aeo_diag_add(&c->diags, AEO_E_W_SHADOW, d->name_span,
                             "'%s' has the name of the field %s.%s; a reader may take one for the other", d->name,
                             c->root_name, d->name);
        }
    }
}

static void measure_props(linter *l, uint32_t i, const bool *tested) {
    aeo_catalog *c = l->c;
    const aeo_decl *d = c->measures.items[i];
    const aeo_measure *m = d->measure;
    /* A valued measure whose every case (and else) is cited has its legal
     * basis given. */
    bool cited = m->cite != NULL || (m->value_type && m->n_cases > 0);
    for (uint32_t k = 0; k < m->n_cases && !m->cite; k++) cited &= m->cases[k].cite != NULL;
    if (m->else_case && !m->cite) cited &= m->else_case->cite != NULL;
    if (!cited)
        aeo_diag_add(&c->diags, AEO_E_W_NO_CITE, d->name_span, "measure '%s' has no 'cite': give its legal basis",
                     d->name);
    if (!m->benefit)
        aeo_diag_add(&c->diags, AEO_E_W_NO_BENEFIT, d->name_span, "measure '%s' has no 'benefit'", d->name);
    if (tested && !tested[i])
        aeo_diag_add(&c->diags, AEO_E_W_UNTESTED, d->name_span, "no test mentions measure '%s'", d->name);
    /* Dates against the catalog's own range. */
    const aeo_expr *pe = m->effective_expr, *px = m->expires_expr;
    aeo_value e, x, ce;
    int cmp;
    bool has_ce = c->has_effective;
    ce = c->effective;
    if (!has_ce && c->catalog) {
        const aeo_prop *pub = aeo_decl_prop(c->catalog, "published");
        if (pub && aeo_date_value(pub->value, &ce)) has_ce = true;
    }
    if (pe && aeo_date_value(pe, &e) && has_ce && aeo_value_compare(e, ce, &cmp) && cmp < 0)
        aeo_diag_add(&c->diags, AEO_E_W_DATE_RANGE, pe->span,
                     "measure '%s' takes effect before the catalog itself", d->name);
    if (px && aeo_date_value(px, &x) && c->has_expires && aeo_value_compare(x, c->expires, &cmp) && cmp > 0)
        aeo_diag_add(&c->diags, AEO_E_W_DATE_RANGE, px->span,
                     "measure '%s' expires after the catalog itself", d->name);
}

/* W0101: optional fields read where UNKNOWN cannot be reported (the key). */
static void key_reads(linter *l, const aeo_expr *e) {
    if (!e) return;
    if (e->kind == AEO_EXPR_SELECT && e->ref == AEO_REF_FIELD) {
        const aeo_type *ot = e->u.select.operand->type;
        if (ot && ot->kind == AEO_T_RECORD) {
            const aeo_field *f = &ot->rec->fields[e->ref_index];
            /* A defaulted field always has a value. */
            bool defaulted = ot->rec->defaults && f->slot < ot->rec->n_defaults &&
                             ot->rec->defaults[f->slot].kind != AEO_V_ABSENT;
            if (f->optional && !defaulted)
                aeo_diag_add(&l->c->diags, AEO_E_W_MAYBE_UNDECIDED, e->span,
                             "the key reads the optional field '%s'; records without it get no key", f->name);
        }
        key_reads(l, e->u.select.operand);
        return;
    }
    if (e->kind == AEO_EXPR_BINARY) {
        key_reads(l, e->u.binary.a);
        key_reads(l, e->u.binary.b);
    } else if (e->kind == AEO_EXPR_CALL && e->ref != AEO_REF_MACRO) {
        key_reads(l, e->u.call.target);
        for (uint32_t i = 0; i < e->u.call.n_args; i++) key_reads(l, e->u.call.args[i]);
    }
}

/* W0216: a key of an example (or of a `with` map) that names no field.
 * The facts decoder ignores undeclared fields, since real records carry
 * more than a catalog reads; but an example is written against this very
 * schema, so such a key is a misspelt field whose value is silently lost.
 * Plain test maps are left alone (version 1 catalogs may carry extra keys). */
static void facts_keys(linter *l, const aeo_expr *m, const aeo_record_type *rt) {
    for (uint32_t i = 0; i < m->u.map.n; i++) {
        const aeo_expr *k = m->u.map.keys[i], *v = m->u.map.vals[i];
        if (k->kind != AEO_EXPR_STRING) continue;
        const aeo_field *f = aeo_record_type_field(rt, k->u.str.s);
        if (f) {
            if (v->kind == AEO_EXPR_MAP && f->type->kind == AEO_T_RECORD) facts_keys(l, v, f->type->rec);
            continue;
        }
        const char **cands = aeo_xmalloc((rt->n_fields + 1) * sizeof *cands);
        for (uint32_t j = 0; j < rt->n_fields; j++) cands[j] = rt->fields[j].name;
        const char *sug = aeo_suggest(k->u.str.s, cands, rt->n_fields);
        free(cands);
        if (sug)
            aeo_diag_add(&l->c->diags, AEO_E_W_FACTS_KEY, k->span,
                         "\"%s\" is not a field of '%s': its value is ignored; did you mean \"%s\"?", k->u.str.s,
                         rt->name, sug);
        else
            aeo_diag_add(&l->c->diags, AEO_E_W_FACTS_KEY, k->span,
                         "\"%s\" is not a field of '%s': its value is ignored", k->u.str.s, rt->name);
    }
}

/* The maps written in facts record [e] itself: its `with` maps and the map
 * it starts from, not those of the examples it names (reported there). */
static void own_maps(linter *l, const aeo_expr *e, bool plain_map) {
    for (; e && e->kind == AEO_EXPR_WITH; e = e->u.with.base) facts_keys(l, e->u.with.map, l->c->root);
    if (e && e->kind == AEO_EXPR_MAP && plain_map) facts_keys(l, e, l->c->root);
}

static void example_keys(linter *l) {
    aeo_catalog *c = l->c;
    for (uint32_t i = 0; i < c->examples.n; i++) own_maps(l, c->examples.items[i]->value, true);
    for (uint32_t t = 0; t < c->tests.n; t++) {
        const aeo_prop *p = aeo_decl_prop(c->tests.items[t], "facts");
        if (p && p->value && p->value->kind == AEO_EXPR_WITH) own_maps(l, p->value, true);
    }
}

void aeo_lint_catalog(aeo_catalog *c) {
    if (!c->program || !c->root) return;
    linter l = {.c = c, .a = aeo_arena_new(), .vm = aeo_vm_new(c->program), .unknown_as_of = aeo_null(), .unknown = aeo_null()};
    l.unknown_as_of = aeo_unknown_new(l.a, "as_of");
    aeo_vm_set_as_of(l.vm, l.unknown_as_of);
    make_unknown(&l);
    l.tier_over = aeo_xcalloc(c->tiers.n + 1, sizeof *l.tier_over);
    l.measure_over = aeo_xcalloc(c->measures.n + 1, sizeof *l.measure_over);
    /* Constant conditions. */
    if (c->scope) {
        linting(&l, "the catalog scope", NULL, c->scope->span, &l.scope_over);
        constant_condition(&l, c->scope, "the catalog scope", false);
    }
    for (uint32_t i = 0; i < c->tiers.n; i++) {
        if (c->tiers.items[i]->broken) continue;
        linting(&l, "tier", c->tiers.items[i]->name, c->tiers.items[i]->name_span, &l.tier_over[i]);
        constant_condition(&l, c->tiers.items[i]->value, "this tier", false);
    }
    for (uint32_t i = 0; i < c->measures.n; i++) {
        const aeo_decl *d = c->measures.items[i];
        const aeo_measure *m = d->measure;
        if (d->broken) continue;
        linting(&l, "measure", d->name, d->name_span, &l.measure_over[i]);
        if (m->own_scope) constant_condition(&l, m->scope, "this measure's scope", false);
        for (uint32_t k = 0; k < m->n_conds; k++)
            constant_condition(&l, m->conds[k].expr, m->conds[k].negate ? NULL : "this 'when'", m->conds[k].negate);
    }
    /* Tests: which measures they mention. */
    bool *tested = NULL;
    if (c->tests.n) {
        tested = aeo_xcalloc(c->measures.n + 1, 1);
        for (uint32_t t = 0; t < c->tests.n; t++) {
            const aeo_decl *td = c->tests.items[t];
            for (uint32_t k = 0; k < td->n_props; k++) {
                const aeo_prop *p = &td->props[k];
                if (strncmp(p->name, "expect", 6) != 0 || !p->value) continue;
                const aeo_expr *v = p->value;
                uint32_t n = v->kind == AEO_EXPR_LIST ? v->u.list.n : v->kind == AEO_EXPR_MAP ? v->u.map.n : 1;
                for (uint32_t j = 0; j < n; j++) {
                    const aeo_expr *it = v->kind == AEO_EXPR_LIST  ? v->u.list.items[j]
                                         : v->kind == AEO_EXPR_MAP ? v->u.map.keys[j]   /* expect_values */
                                                                   : v;
                    if (it->ref == AEO_REF_MEASURE) tested[it->ref_index] = true;
                }
                /* expect_only decides every measure. */
                if (strcmp(p->name, "expect_only") == 0)
                    for (uint32_t m = 0; m < c->measures.n; m++) tested[m] = true;
            }
        }
    }
    for (uint32_t t = 0; t < c->tests.n; t++)
        if (!aeo_decl_prop(c->tests.items[t], "as_of"))
            aeo_diag_add(&c->diags, AEO_E_W_NO_AS_OF, c->tests.items[t]->name_span,
                         "test \"%s\" has no 'as_of': its outcome depends on the day it runs (or on --as-of)",
                         c->tests.items[t]->name);
    tier_infos(&l);
    for (uint32_t i = 0; i < c->measures.n; i++) {
        const aeo_decl *d = c->measures.items[i];
        /* Lints run on what checked: a broken measure (an error in it or
         * in what it uses) has none. */
        if (d->broken) continue;
        linting(&l, "measure", d->name, d->name_span, &l.measure_over[i]);
        if (d->measure->value_type) unreachable_cases(&l, d);
        tier_lints(&l, i);
        measure_props(&l, i, tested);
    }
    free(l.tier_over);
    free(l.measure_over);
    for (uint32_t t = 0; t < c->tiers.n; t++) aeo_chunk_free(l.tiers[t].chunk);
    free(l.tiers);
    if (l.scratch) aeo_arena_free(l.scratch);
    free(tested);
    unused(&l);
    shadows(&l);
    example_keys(&l);
    key_reads(&l, c->key);
    aeo_solver_free(l.solver);
    aeo_vm_free(l.vm);
    aeo_arena_free(l.a);
}

/* ---- tiers that may overlap ------------------------------------------------------ */

bool *aeo_lint_tier_overlaps(aeo_catalog *c) {
    if (!c->program || !c->root) return NULL;
    uint32_t n = c->tiers.n;
    bool *m = aeo_xcalloc((size_t)n * n + 1, sizeof *m);
    linter l = {.c = c, .a = aeo_arena_new(), .vm = aeo_vm_new(c->program), .unknown_as_of = aeo_null(), .unknown = aeo_null()};
    l.unknown_as_of = aeo_unknown_new(l.a, "as_of");
    aeo_vm_set_as_of(l.vm, l.unknown_as_of);
    make_unknown(&l);
    /* The question is asked after the check (aeo test, aeo tiers): its
     * evaluations are bounded as the lints' are, and one that does not
     * finish counts as "may overlap"; its diagnostics are not printed. */
    l.quiet = true;
    bool over = false;
    linting(&l, "tier", NULL, (aeo_span){0}, &over);
    aeo_chunk **ch = aeo_xcalloc(n + 1, sizeof *ch);
    for (uint32_t t = 0; t < n; t++) ch[t] = aeo_compile_expr(c, c->tiers.items[t]->value, "lint");
    aeo_value *recs = aeo_xmalloc(MAX_ASSIGN * sizeof *recs);
    for (uint32_t a = 0; a < n; a++) {
        m[(size_t)a * n + a] = true;
        for (uint32_t b = a + 1; b < n; b++) {
            /* Both tiers' enum and bool fields fixed, every combination; a
             * pair that reads none, or too many, cannot be shown apart. */
            fieldset fs = {{0}, 0};
            tier_fields(&l, c->tiers.items[a]->value, &fs, 0);
            tier_fields(&l, c->tiers.items[b]->value, &fs, 0);
            uint32_t k = fs.n ? scratch_assignments(&l, &fs, recs) : 0;
            bool both = k == 0;
            for (uint32_t i = 0; i < k && !both; i++) {
                over = false;
                aeo_value va = run_in(&l, ch[a], recs[i]);
                aeo_vm_end(l.vm);
                if (!maybe_true(va) && va.kind != AEO_V_ERROR) continue;
                over = false;
                aeo_value vb = run_in(&l, ch[b], recs[i]);
                aeo_vm_end(l.vm);
                both = maybe_true(vb) || vb.kind == AEO_V_ERROR;
            }
            m[(size_t)a * n + b] = m[(size_t)b * n + a] = both;
        }
    }
    free(recs);
    if (l.scratch) aeo_arena_free(l.scratch);
    for (uint32_t t = 0; t < n; t++) aeo_chunk_free(ch[t]);
    free(ch);
    aeo_vm_free(l.vm);
    aeo_arena_free(l.a);
    return m;
}

/* ---- aeo:allow ------------------------------------------------------------------- */

/* Whether the text of [d] (and the comment lines just above it) allows [code]. */
static bool allowed(const aeo_sources *src, const aeo_decl *d, const char *code) {
    const aeo_source *s = &src->files[d->span.file];
    uint32_t start = d->span.start;
    /* Extend over the comment lines directly above. */
    for (;;) {
        uint32_t ls = start;
        while (ls > 0 && s->text[ls - 1] != '\n') ls--;
        if (ls == 0) break;
        uint32_t prev = ls - 1;
        while (prev > 0 && s->text[prev - 1] != '\n') prev--;
        uint32_t k = prev;
        while (k < ls && (s->text[k] == ' ' || s->text[k] == '\t')) k++;
        if (k < ls && (s->text[k] == '#' || (s->text[k] == '/' && s->text[k + 1] == '/'))) start = prev;
        else break;
    }
    const char *p = s->text + start, *end = s->text + (d->span.end > s->len ? s->len : d->span.end);
    /* The rest of the last line, for a trailing comment. */
    while (end < s->text + s->len && *end != '\n') end++;
    size_t cl = strlen(code);
    for (;;) {
        const char *hit = NULL;
        for (const char *q = p; q + 9 <= end; q++)
            if (memcmp(q, "aeo:allow", 9) == 0) { hit = q; break; }
        if (!hit) return false;
        const char *q = hit + 9;
        while (q < end && *q != '\n') {
            while (q < end && (*q == ' ' || *q == ',' || *q == '\t')) q++;
            const char *w = q;
            while (q < end && *q != ' ' && *q != ',' && *q != '\n' && *q != '\t') q++;
            if ((size_t)(q - w) == cl && memcmp(w, code, cl) == 0) return true;
            if (q == w) break;
        }
        p = hit + 9;
    }
}

/* A declaration by position, for finding the one that holds a warning. */
typedef struct decl_at {
    uint32_t file, start, end;
    const aeo_decl *d;
} decl_at;

static int cmp_decl_at(const void *a, const void *b) {
    const decl_at *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return 0;
}

void aeo_lint_apply_allows(aeo_catalog *c) {
    /* Every declaration sorted by position, so that each warning finds its
     * declaration by binary search (a catalog of 100,000 measures has about
     * as many warnings). */
    size_t n_decls = 0;
    for (uint32_t f = 0; f < c->n_files; f++) n_decls += c->files[f].n_decls;
    decl_at *at = aeo_xmalloc((n_decls + 1) * sizeof *at);
    size_t n = 0;
    for (uint32_t f = 0; f < c->n_files; f++)
        for (uint32_t k = 0; k < c->files[f].n_decls; k++) {
            const aeo_decl *d = &c->files[f].decls[k];
            at[n++] = (decl_at){d->span.file, d->span.start, d->span.end, d};
        }
    qsort(at, n, sizeof *at, cmp_decl_at);
    uint32_t out = 0;
    for (uint32_t i = 0; i < c->diags.n; i++) {
        aeo_diag *g = &c->diags.items[i];
        bool drop = false;
        if (g->sev == AEO_SEV_WARNING) {
            /* The declaration that holds the warning: the last one starting
             * at or before it. */
            size_t lo = 0, hi = n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (at[mid].file < g->span.file || (at[mid].file == g->span.file && at[mid].start <= g->span.start))
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo > 0) {
                const decl_at *d = &at[lo - 1];
                if (d->file == g->span.file && g->span.start >= d->start && g->span.start < d->end)
                    drop = allowed(&c->sources, d->d, aeo_diag_code_str(g->code));
            }
        }
        if (drop) {
            c->diags.n_warnings--;
            continue;
        }
        c->diags.items[out++] = *g;
    }
    c->diags.n = out;
    free(at);
}
