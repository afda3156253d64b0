/* Text that is safe to show on a terminal.
 *
 * Whatever aeo prints as text (a table, --explain, a test's failure, the
 * REPL's results, list's table) may hold strings from a facts record or a
 * rule file, and a string holding ESC, CSI (U+009B) or another control
 * character would reach the terminal raw: it could move the cursor, clear
 * the screen, set the window title or forge a line of output.  This module
 * is the one place that makes such text printable; JSON and CSV outputs
 * escape by their own rules (JSON's \u001b) and do not come here.  The
 * source lines of diagnostics (lang/diag.c) come here too, with
 * AEO_PRINTABLE_ONE_CHAR, so that carets stay aligned. */
#ifndef AEO_LANG_PRINTABLE_H
#define AEO_LANG_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/value.h"

/* aeo_printable_put's flags. */
enum {
    /* Keep aeo's own colour sequences (ESC '[' digits and ';' 'm'), for
     * text that aeo coloured itself (--explain, the REPL with --color):
     * SGR changes colours only.  Every other ESC is escaped. */
    AEO_PRINTABLE_KEEP_SGR = 1,
    /* Each character that is not printable becomes one '?' instead of an
     * escape (a C1 control, two bytes, one '?'; a byte that is not UTF-8,
     * one '?'), so that the text keeps its columns as
     * aeo_printable_char_len counts them: the source lines of diagnostics,
     * with a caret line under them. */
    AEO_PRINTABLE_ONE_CHAR = 2
};

/* The bytes of the character at [s] (at most [n] > 0): a well-formed UTF-8
 * sequence, else one byte; the unit in which AEO_PRINTABLE_ONE_CHAR keeps
 * columns. */
size_t aeo_printable_char_len(const char *s, size_t n);

/* Appends [n] bytes of [s] to [b], escaping every byte that is not
 * printable text: C0 controls other than newline and tab (ESC is "\x1b",
 * CR "\x0d"), DEL ("\x7f"), the C1 controls U+0080 to U+009F ("\u009b")
 * and bytes that are not UTF-8 ("\xff").  Printable UTF-8 is kept as is.
 * The escapes are for the eye, not reversible: a backslash in the text
 * stays a backslash. */
void aeo_printable_put(aeo_buf *b, const char *s, size_t n, unsigned flags);

/* The other escapes of text formats, each in one place:
 *   aeo_printable_xml: XML and HTML text and attribute values (< > & "
 *     and controls as character references): JUnit, aeo why's HTML;
 *   aeo_printable_md: Markdown.  A table cell ([prose] false): '|' as
 *     "\|", line breaks as spaces (aeo diff); prose ([prose] true): also
 *     the characters Markdown would read as markup (\ ` * _ [ ] < > #),
 *     backslash-escaped (aeo why). */
void aeo_printable_xml(aeo_buf *b, const char *s);
void aeo_printable_md(aeo_buf *b, const char *s, bool prose);

#endif
