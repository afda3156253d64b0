/* The checker: name resolution, types against the facts schema, and the
 * symbol tables of a catalog (lang/catalog.h), filled in place.
 *
 * It runs on whatever parsed, so one run reports the syntax errors and the
 * semantic errors of independent declarations; declarations that failed to
 * parse (ERROR nodes, or has_error) are skipped without cascades.  It
 * annotates the AST (each expression's type, what each name refers to) and
 * keeps its name tables for later standalone expressions (--key, the REPL). */
#ifndef AEO_LANG_CHECK_H
#define AEO_LANG_CHECK_H

#include <stdbool.h>

#include "lang/ast.h"
#include "lang/catalog.h"

/* Checks everything added; returns true if no error was reported. */
bool aeo_check_catalog(aeo_catalog *c);
/* Checks a standalone expression (--key, the REPL) against the checked
 * catalog's names; returns true if it reported no error. */
bool aeo_check_expr(aeo_catalog *c, aeo_expr *e);
/* Resolves the facts record [e] (a map literal, an example's name, X with
 * {...}) against the checked catalog's examples (the REPL's :facts NAME):
 * one map literal with every example and 'with' merged in, in the
 * catalog's arena; NULL on an error (reported). */
aeo_expr *aeo_check_facts(aeo_catalog *c, aeo_expr *e);
/* The [i]-th property name a block of [kind] (CATALOG, MEASURE, TEST)
 * accepts, or NULL past the last (or for another kind).  For completion
 * (aeo lsp), read from the checker's own tables. */
const char *aeo_check_prop_name(aeo_decl_kind kind, uint32_t i);
/* The properties a block of [kind] (AEO_DECL_CATALOG or AEO_DECL_MEASURE)
 * accepts, from the checker's own tables: their names in [names], and in
 * [is_string] whether each takes a string literal (the text properties
 * lang/text.c lets a text block translate); at most [cap].  Returns how
 * many. */
uint32_t aeo_check_block_props(aeo_decl_kind kind, const char **names, bool *is_string, uint32_t cap);
/* Frees the name tables kept by the checker (aeo_catalog_free calls it). */
void aeo_check_free_tables(aeo_catalog *c);

#endif
