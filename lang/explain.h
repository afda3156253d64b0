/* Explain: why a measure applies, or why not.
 *
 * For a measure and the record bound in a VM, prints the condition tree —
 * scope, tiers, when, each unless — with every node's value, expanding defs
 * and tiers into their bodies, and marks the leaves that decided the result
 * ("<- decides"): for a false &&, its false operands; for a true ||, its
 * true operands; for an undecided result, the unknown operands; and so on
 * down to comparisons and field reads, which show the actual fact values.
 * The measure's cite closes the explanation.
 *
 * Values are obtained by evaluating each subexpression on its own against
 * the same record (defs and measures are memoized per record, so this is
 * cheap), which shows the value of operands that short-circuiting skipped. */
#ifndef AEO_LANG_EXPLAIN_H
#define AEO_LANG_EXPLAIN_H

#include <stdbool.h>

#include "lang/catalog.h"
#include "runtime/value.h"
#include "runtime/vm.h"

/* Evaluates the checked expression [e] against the record bound in [vm]
 * (aeo_vm_begin).  Returns an ERROR value if it cannot be compiled. */
aeo_value aeo_explain_eval(aeo_catalog *c, aeo_vm *vm, const aeo_expr *e);

/* Appends the explanation of measure [idx] for the record bound in [vm] to
 * [out]; ANSI colour when [color]. */
void aeo_explain_measure(aeo_catalog *c, aeo_vm *vm, uint32_t idx, bool color, aeo_buf *out);

/* Appends an expression's tree with values (the REPL's :explain of an
 * arbitrary expression). */
void aeo_explain_expr(aeo_catalog *c, aeo_vm *vm, const aeo_expr *e, bool color, aeo_buf *out);

/* ---- the deciding leaves, for sentences (lang/why.c) ----
 * The same logic as the tree above (which operands decide an && or ||,
 * defs, tiers and functions expanded into their bodies), handed to a
 * caller one term and one leaf at a time instead of printed. */

typedef enum {
    AEO_TERM_IN_FORCE,   /* the measure is not in force on as_of (expr NULL) */
    AEO_TERM_SCOPE,      /* its scope (the catalog's, or its own) */
    AEO_TERM_TIER,       /* its tier property's value (a name or a list of names) */
    AEO_TERM_WHEN,
    AEO_TERM_UNLESS,     /* negated: the measure requires it to be false */
    AEO_TERM_CASE        /* a valued measure's case condition */
} aeo_term_kind;

typedef struct aeo_explain_term {
    aeo_term_kind kind;
    const aeo_expr *expr;
    aeo_value value;     /* the expression's own value (an unless: before negation) */
    bool negated;
} aeo_explain_term;

/* Calls [fn] for each term of measure [idx] that decides its outcome for
 * the record bound in [vm]: for a measure that is not granted, the terms
 * that are false (an unless that is true; when every term holds, the
 * cases, none of which holds); for an undecided or failing one, the
 * undecided or failing terms.  Nothing for a measure that applies. */
void aeo_explain_terms(aeo_catalog *c, aeo_vm *vm, uint32_t idx, void (*fn)(const aeo_explain_term *t, void *ud),
                       void *ud);

typedef struct aeo_explain_leaf {
    const aeo_expr *expr;    /* the leaf: a comparison, a call, a field read, a macro... */
    aeo_value value;
    bool negated;            /* under an odd number of ! (and the caller's [negated]) */
    bool in_or;              /* its nearest chain is an || (an && under !): one of them would do */
    const aeo_expr *named;   /* the outermost def, tier or function call expanded on the way, or NULL */
    int64_t element;         /* a comprehension (all, exists, exists_one): the element that decided, or -1 */
    aeo_value element_value;
} aeo_explain_leaf;

/* Calls [fn] for each deciding leaf of [e] for the record bound in [vm].
 * [stop] (may be NULL) makes a node a leaf (a labelled def or tier: its
 * label says it) before it is expanded. */
void aeo_explain_leaves(aeo_catalog *c, aeo_vm *vm, const aeo_expr *e, bool negated,
                        bool (*stop)(const aeo_expr *e, void *ud), void (*fn)(const aeo_explain_leaf *leaf, void *ud),
                        void *ud);

#endif
