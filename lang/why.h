/* Why, in words: the statement an officer hands to an enterprise
 * (DESIGN.md 7.4, `aeo why`, the REPL's :why).
 *
 * For the record bound in a VM, per measure: granted (its value, unit and
 * cite), not granted (the reasons), undecided (the facts to provide), or
 * failed (the runtime error).  A reason is a sentence built from the
 * DECIDING leaves only (lang/explain.h, aeo_explain_terms and
 * aeo_explain_leaves: the one home of which leaves decide), read through
 * the labels of the text blocks (lang/text.h):
 *
 *   requires advanced certified enterprise; this enterprise: customs
 *   credit tier: general certified enterprise
 *
 * "requires R" (an unless: "excluded when R") says what the rule asks: a
 * labelled def, tier or function by its label, a comparison read per type
 * ("is at least", "is before", "is one of", "starts with", "has", ...),
 * a comprehension with the element that decided; "this enterprise: F"
 * gives the facts those leaves read, with their values (enum values by
 * their labels, "not given" for a missing one).  A name without a label
 * reads as its full source text, never cut.  The reasons that come from
 * the shared parts of the catalog, the scope and the tiers, are stated
 * once per record, with the measures they decide listed under them.
 *
 * "Would apply if" and the order of the facts to provide come from the
 * solver (lang/solve.h) when one is given; without one, or when it cannot
 * answer, the facts to provide are the missing facts evaluation reports,
 * the most-needed first.  Every word aeo adds is in English and Chinese
 * (AEO_TEXT_WORDS). */
#ifndef AEO_LANG_WHY_H
#define AEO_LANG_WHY_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/catalog.h"
#include "lang/solve.h"
#include "runtime/value.h"
#include "runtime/vm.h"

typedef enum { AEO_WHY_TEXT, AEO_WHY_MARKDOWN, AEO_WHY_HTML, AEO_WHY_JSON } aeo_why_format;

typedef struct aeo_why_opts {
    const char *lang;          /* --lang; NULL: the catalog's base language */
    const uint32_t *sel;       /* the measures to state (NULL: all, in catalog order) */
    uint32_t n_sel;
    aeo_solver *solver;        /* NULL: no "would apply if", facts to provide by count */
    uint32_t max_alts;         /* alternatives per measure (0: 3) */
    aeo_why_format fmt;
} aeo_why_opts;

/* What goes before the first record (HTML: the document's head and style;
 * Markdown: the catalog's title) and after the last. */
void aeo_why_begin(aeo_catalog *c, const aeo_why_opts *o, aeo_value as_of, aeo_buf *out);
void aeo_why_end(aeo_catalog *c, const aeo_why_opts *o, aeo_buf *out);

/* Appends the statement for the record bound in [vm] (record number
 * [recno], key [key] or NULL) in o->fmt (text: [recno] 0 names the record
 * by its key alone, as the REPL's :why does).  Returns whether a measure failed
 * with a runtime error. */
bool aeo_why_record(aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o, uint64_t recno, const char *key,
                    aeo_buf *out);

/* Appends the entry of a record that cannot be read ([error] says why). */
void aeo_why_bad_record(aeo_catalog *c, const aeo_why_opts *o, uint64_t recno, const char *error, aeo_buf *out);

/* The reasons of measure [idx] for the record bound in [vm] as text lines
 * (the REPL's :why): its outcome, then each reason, shared ones included,
 * and what would make it apply. */
void aeo_why_measure(aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o, uint32_t idx, aeo_buf *out);

/* What would make measure [idx] apply, as one text line after its
 * outcome (the REPL's :suggest). */
void aeo_why_suggest(aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o, uint32_t idx, aeo_buf *out);

/* The facts to provide for the record bound in [vm], most decisive first,
 * one numbered line each (the REPL's :ask). */
void aeo_why_ask(aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o, aeo_buf *out);

#endif
