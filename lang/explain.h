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

#endif
