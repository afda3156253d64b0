/* The formatter: one canonical layout for .aeo files (`aeo fmt`).
 *
 * The layout: declarations at column 0, block bodies indented by two
 * spaces, one property or field per line as `name: value`, no separators;
 * expressions printed with single spaces around binary operators,
 * parentheses where the author wrote them or precedence needs them;
 * literals as the author wrote them (hex, raw and triple-quoted strings
 * are kept).  An expression longer than the line width (100), or holding
 * a comment, breaks at its top level: before each operator of a chain of
 * one precedence (operator first, continuation 4 in), before the ? and :
 * of a conditional, one item per line in a list, a map or a call's
 * arguments (2 in, the closing bracket on its own line); its parts then
 * follow the same rule.  Blank lines between declarations, properties and
 * fields are kept, at most one; a block declaration is always followed by
 * one.  Every comment is kept exactly once: a trailing comment stays at
 * the end of its element's line (a property, or an item, entry, argument
 * or operand of a broken expression), an own-line comment on its own line
 * before the element that follows it; a comment the layout has no line for
 * (between a key and its value, inside a selection) moves to its own line
 * before the property.  Formatting is idempotent: fmt of fmt is fmt, and
 * the syntax tree does not change.  lang/README.md (section 9) says the
 * same for authors. */
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
