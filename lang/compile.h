/* The compiler: checked AST -> bytecode.
 *
 * One chunk per def, const, tier and the catalog scope (all "defs" to the
 * runtime: named, argument-less, memoized per record), one per measure
 * (its whole applicability condition), one for the key, and one per
 * expression compiled on request (test facts, REPL input, explain's
 * subexpressions). */
#ifndef AEO_LANG_COMPILE_H
#define AEO_LANG_COMPILE_H

#include <stdbool.h>

#include "lang/catalog.h"
#include "runtime/bytecode.h"

/* Compiles a checked catalog into c->program; returns false on error. */
bool aeo_compile_catalog(aeo_catalog *c);

/* Compiles the checked expression [e] into a new chunk named [name].
 * Returns NULL after reporting an error
 * (an expression too large for 16-bit jumps).  The caller frees the chunk;
 * its constants live in the catalog program's arena, so the chunk must not
 * outlive c->program. */
aeo_chunk *aeo_compile_expr(aeo_catalog *c, const aeo_expr *e, const char *name);

/* The program def index of a const, def or tier declaration index. */
uint32_t aeo_compile_def_index(const aeo_catalog *c, aeo_ref_kind kind, uint32_t index);

#endif
