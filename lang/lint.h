/* Lints: what is legal but wrong.  Run by `aeo check` on a catalog that
 * checked and compiled cleanly; each finding is a warning with a stable
 * code (W0xxx, lang/diag_codes.def), documented in lang/README.md, and can
 * be silenced on one declaration with a comment naming the code:
 *
 *     // aeo:allow W0204
 *     def legacy_rule = ...
 *
 * (the comment may stand on the lines just above the declaration or inside
 * it).  Errors cannot be silenced.
 *
 * Several lints evaluate conditions with facts left unknown: a condition
 * that is decided while every fact (and as_of) is unknown is decided for
 * every record, since CEL's logic only ever resolves an unknown by a
 * decisive operand.  Tier consistency fixes the facts a tier reads (its
 * enum and bool fields, every combination) and leaves the rest unknown.
 * Tiers are predicates that may overlap (an EU AEOF holder is in both AEOC
 * and AEOS): no lint assumes a record is in one tier only.  W0203 asks about
 * the records of another tier that are in none of the measure's tiers, with
 * the facts of those tiers fixed too. */
#ifndef AEO_LANG_LINT_H
#define AEO_LANG_LINT_H

#include "lang/catalog.h"

/* Reports the lint warnings of the compiled catalog [c] to c->diags. */
void aeo_lint_catalog(aeo_catalog *c);

/* Which tiers of the compiled catalog [c] may hold for the same record:
 * an n*n matrix (n = c->tiers.n; [a*n+b] true when tiers a and b may
 * overlap, the diagonal true), malloc'd, the caller frees it; NULL without
 * a compiled program.  Shown apart only by the same evidence the tier lints
 * use (every combination of the enum and bool fields the two tiers read,
 * the rest unknown); a pair it cannot show apart counts as overlapping, so
 * that nothing downstream assumes an exclusivity it has not seen. */
bool *aeo_lint_tier_overlaps(aeo_catalog *c);

/* Removes the warnings silenced by `aeo:allow` comments. */
void aeo_lint_apply_allows(aeo_catalog *c);

#endif
