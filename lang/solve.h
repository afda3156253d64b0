/* The solver: measure conditions as SMT formulas (Z3), for the questions
 * evaluation alone cannot answer.
 *
 *   what would make measure M apply to this record?   (aeo eval --suggest)
 *   which missing fact should we ask for first?       ("ask")
 *   do two versions of a measure mean the same?       (aeo diff --witness)
 *   which record covers this outcome?                 (aeo test --suggest)
 *
 * The checked AST of a measure (its scope, tiers, when, unless and cases,
 * with defs, functions and measure references inlined) is translated into
 * Z3 terms that model CEL's semantics exactly, three-valued logic included:
 * every sub-expression is a value, an unknown (a missing optional fact read
 * without has()) or an error, and && and || are commutative over them as
 * the VM's AND and OR are (lang/README.md, "The solver's fragment", lists
 * what is translated; anything else makes the answer `unknown`, with a
 * reason naming the construct, never a guess).
 *
 * The solver proposes; the VM decides.  Every record the solver builds (a
 * suggestion written into a record, a witness) is evaluated by the VM
 * before it is handed out, and one the VM disagrees with is dropped and
 * counted as unknown.
 *
 * One aeo_solver per catalog and per thread: it owns a Z3 context, a VM of
 * its own for the re-evaluations, and the memory of its answers, which
 * stay valid until the next call on the same solver. */
#ifndef AEO_LANG_SOLVE_H
#define AEO_LANG_SOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/catalog.h"
#include "runtime/outcome.h"
#include "runtime/value.h"
#include "runtime/vm.h"

typedef struct aeo_solver aeo_solver;

/* A solver for the built catalog [c] (borrowed: it must outlive the
 * solver, and stay unchanged).  Free with aeo_solver_free. */
aeo_solver *aeo_solver_new(const aeo_catalog *c);
/* The same, for a caller whose questions always come in one order (the
 * lint).  aeo_solver_new translates every measure once before the first
 * question, so that the model of each list fact (lang/README.md, section
 * 9.4) does not depend on the order the questions come in; this one skips
 * that translation of the whole catalog. */
aeo_solver *aeo_solver_new_ordered(const aeo_catalog *c);
void aeo_solver_free(aeo_solver *s);
/* Gives up on one question (a suggestion, an ask, a witness) after
 * [ms] milliseconds of Z3 time: the answer is then `unknown` ("the solver
 * timed out").  0 keeps the default (10,000 ms). */
void aeo_solver_set_timeout(aeo_solver *s, unsigned ms);

typedef enum {
    AEO_SOLVE_OK,       /* the answer is proved */
    AEO_SOLVE_UNKNOWN   /* no answer: outside the fragment, a timeout, ...; see reason */
} aeo_solve_status;

/* One fact of an answer: its path and the value to write there. */
typedef struct aeo_solve_fact {
    const char *path;          /* "enterprise.credit", "enterprise.address.city" */
    const char *json;          /* the value as JSON text: "\"advanced\"", "3", "[\"a\"]" */
    aeo_value value;           /* the same as a value (lives in the solver) */
} aeo_solve_fact;

/* A set of facts: one alternative of a suggestion, or a witness record. */
typedef struct aeo_solve_facts {
    aeo_solve_fact *facts;     /* in schema order */
    uint32_t n;
} aeo_solve_facts;

/* What would make one measure apply. */
typedef struct aeo_suggestion {
    aeo_solve_status status;
    const char *reason;        /* UNKNOWN: why, naming the construct ("getFullYear() on a timestamp") */
    bool outside;              /* UNKNOWN: [reason] names a construct outside the fragment (not a timeout
                                * or an internal error), in English: a printer frames it in its language
                                * (AEO_WORD_WHY_OUTSIDE) */
    aeo_solve_facts *alts;     /* OK: the alternatives, fewest facts first; none: no change works */
    uint32_t n_alts;
} aeo_suggestion;

/* What would make measure [idx] apply to the record bound in [vm]
 * (aeo_vm_begin; its as_of is used): up to [max_alts] alternatives, each
 * a set of facts that, written into the record, makes the measure apply
 * (checked by evaluating the changed record), minimal (no proper subset
 * can do it, whatever its values: proved), valid under the schema, never
 * a `fixed:` fact; fewest facts first, blocking the supersets of those
 * found.  Values are the nearest to the current ones (a threshold at its
 * boundary) or the catalog's own constants.  For a measure that already
 * applies: OK with one empty alternative.  Returns out->status; [*out]
 * points into the solver until the next call. */
aeo_solve_status aeo_solver_suggest(aeo_solver *s, aeo_vm *vm, uint32_t idx, uint32_t max_alts, aeo_suggestion *out);

/* The facts the record bound in [vm] lacks, among those the undecided
 * measures [sel] (n of them; NULL: every measure) read, ordered by how
 * many of those measures each decides whatever its value (proved: no value
 * of the fact leaves the measure undecided), most first, ties in schema
 * order; facts that decide none come last, in schema order.  [*paths]
 * points into the solver until the next call.  UNKNOWN (with *reason) when
 * a measure is outside the fragment: the order then counts only the
 * others. */
aeo_solve_status aeo_solver_ask(aeo_solver *s, aeo_vm *vm, const uint32_t *sel, uint32_t n, const char *const **paths,
                                uint32_t *n_paths, const char **reason);

/* Appends to a jsonl record being written (after its last member, before
 * its closing brace) the members of DESIGN 7.4 for the record bound in
 * [vm], whose outcomes for measures [sel] ([n]; NULL: 0..n-1) are [outs]:
 *   ,"would_apply_if":{"M15":[{"enterprise.credit":"advanced"},...],
 *                      "M20":{"unknown":"reason"}}
 * for every measure that is `not` (up to [max_alts] alternatives each; an
 * empty list when no change works), and, when some measure is undecided,
 *   ,"ask":["enterprise.x",...]
 * A measure outside the fragment gets {"unknown": REASON}. */
void aeo_solver_append_json(aeo_solver *s, aeo_vm *vm, const uint32_t *sel, uint32_t n,
                            const aeo_measure_outcome *outs, uint32_t max_alts, aeo_buf *out);

/* Writes [f] as a JSON object {"path": value, ...} into [out]. */
void aeo_solve_facts_json(const aeo_solve_facts *f, aeo_buf *out);

/* ---- two catalogs: aeo diff --witness ------------------------------------ */

/* How measure [old_idx] of [old_c] and measure [new_idx] of [new_c] (their
 * facts schemas must read the same fields) compare on as_of [as_of]. */
typedef struct aeo_witness {
    aeo_solve_status status;
    const char *reason;        /* UNKNOWN: why */
    bool equivalent;           /* OK: proved equivalent (same outcome and value on every record) */
    const char *record;        /* OK and !equivalent: a schema-valid record as a JSON object (every
                                * required field of both schemas) on which the two differ */
    aeo_outcome_kind old_outcome, new_outcome;   /* on that record, as the VM evaluated it */
    const char *old_value, *new_value;           /* valued measures that apply: the values (JSON), else NULL */
} aeo_witness;

/* Decides whether the two measures agree on every schema-valid record
 * evaluated on [as_of]; when not, a witness record on which they differ,
 * checked by evaluating it under both catalogs.  [s] is a solver of
 * [old_c]; [*out] points into it until the next call. */
aeo_solve_status aeo_solver_witness(aeo_solver *s, uint32_t old_idx, const aeo_catalog *new_c, uint32_t new_idx,
                                    aeo_value as_of, aeo_witness *out);

/* ---- tests: aeo test --suggest ------------------------------------------ */

/* What a record should show (a gap of `aeo test --coverage`). */
typedef enum {
    AEO_COVER_APPLIES,         /* measure [measure] applies */
    AEO_COVER_NOT,             /* measure [measure] does not apply */
    AEO_COVER_CASE,            /* valued measure [measure] applies by case [k] (k = n_cases: the else) */
    AEO_COVER_TRUE,            /* the condition [e] (a bool expression of the catalog) is true */
    AEO_COVER_FALSE,           /* ... false */
    AEO_COVER_TIERS            /* tiers [tier_a] and [tier_b] both hold */
} aeo_cover_goal;

typedef struct aeo_cover {
    aeo_cover_goal goal;
    uint32_t measure, k;
    const aeo_expr *e;
    uint32_t tier_a, tier_b;
} aeo_cover;

/* A schema-valid record (every required field; a JSON object, in the
 * solver until the next call) on which [goal] holds as of [as_of]: OK; OK
 * with *[record] NULL when no record can (proved); UNKNOWN with *[reason].
 * The caller evaluates the record (the VM's word is the last). */
aeo_solve_status aeo_solver_cover(aeo_solver *s, const aeo_cover *goal, aeo_value as_of, const char **record,
                                  const char **reason);

/* ---- lints: W0202 ------------------------------------------------------ */

/* Whether measure [idx] may apply to an enterprise of tier [tier] (the
 * catalog's tier index) on some date: OK with *[possible]; when possible,
 * *[witness] (a record, JSON, in the solver until the next call) on which it
 * applies as of *[when] (today when any date does), checked by the VM
 * (the caller checks the tier with its own chunk).  UNKNOWN with *[reason]
 * outside the fragment. */
aeo_solve_status aeo_solver_tier_possible(aeo_solver *s, uint32_t idx, uint32_t tier, aeo_value today, bool *possible,
                                          const char **witness, aeo_value *when, const char **reason);

#endif
