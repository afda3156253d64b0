/* The formatter: one canonical layout for .aeo files (`aeo fmt`).
 *
 * The layout: declarations at column 0, block bodies indented by two
 * spaces, one property or field per line as `name: value`, no separators;
 * expressions printed with single spaces around binary operators and
 * parentheses only where precedence needs them; literals as the author
 * wrote them (hex, raw and triple-quoted strings are kept); an expression
 * longer than the line width (100) breaks before its top-level || or &&
 * operators, and a long list or map literal puts one item per line.  Blank
 * lines between declarations, properties and fields are kept, at most one;
 * a block declaration is always followed by one.  Every comment is kept:
 * own-line comments stay on their own line before what follows them,
 * trailing comments stay at the end of their line; a comment inside a
 * multi-line expression moves to its own line before the property.
 * Formatting is idempotent: fmt of fmt is fmt. */
#ifndef AEO_LANG_FMT_H
#define AEO_LANG_FMT_H

#include <stdbool.h>

#include "lang/ast.h"
#include "lang/source.h"
#include "runtime/value.h"

/* Appends the canonical form of the parsed file [f] (source [src]) to
 * [out].  The file must have parsed without errors. */
void aeo_fmt_file(const aeo_sources *src, const aeo_file *f, aeo_buf *out);

#endif
