/* Diagnostics: the one sink every stage reports into.
 *
 * Stages never print.  They append diagnostics (severity, stable code, span,
 * message, optional notes) to an aeo_diags; the CLI sorts them by position,
 * renders them in the requested format and derives the exit status.  Message
 * strings are formatted into the sink's own arena.
 *
 * Rendering (text):
 *   rules/x.aeo:12:7: error[E0103]: unknown field 'credt' on 'enterprise'; did you mean 'credit'?
 *      12 |   when: enterprise.credt == "advanced"
 *         |                    ^~~~~
 * then one "note:" per note, each with its own location. */
#ifndef AEO_LANG_DIAG_H
#define AEO_LANG_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/source.h"
#include "runtime/arena.h"
#include "runtime/span.h"

typedef enum { AEO_SEV_ERROR, AEO_SEV_WARNING, AEO_SEV_NOTE } aeo_severity;

typedef enum {
#define DIAG(name, code, sev, summary) AEO_E_##name,
#include "lang/diag_codes.def"
#undef DIAG
    AEO_E__COUNT
} aeo_diag_code;

typedef struct aeo_note {
    aeo_span span;
    bool has_span;
    const char *msg;
    struct aeo_note *next;
} aeo_note;

typedef struct aeo_diag {
    aeo_severity sev;
    aeo_diag_code code;
    aeo_span span;
    const char *msg;
    aeo_note *notes;
    /* A fix-it: replacing the text of [fix_span] by [fix] (NULL: none)
     * mends the mistake.  The editor's code action applies it; a "did you
     * mean" whose replacement is the quoted name needs none. */
    const char *fix;
    aeo_span fix_span;
    uint32_t seq;          /* order of reporting, for a stable sort */
} aeo_diag;

typedef struct aeo_diags {
    aeo_arena *arena;
    aeo_diag *items;
    uint32_t n, cap;
    uint32_t n_errors, n_warnings;
    uint32_t max_errors;   /* 0: unlimited; else stop recording past it */
    bool stopped;          /* the E0999 "too many errors" was recorded */
    uint32_t max_warnings; /* aeo_diags_print shows this many warnings, then a count (0: all) */
} aeo_diags;

void aeo_diags_init(aeo_diags *d);
void aeo_diags_free(aeo_diags *d);
/* Forgets every diagnostic (the REPL does between inputs). */
void aeo_diags_clear(aeo_diags *d);
/* Reports a diagnostic; the severity comes from the code's table entry.
 * Returns the diagnostic so notes can be added (NULL past max_errors); the
 * pointer is valid until the next aeo_diag_add, aeo_diags_sort or clear.
 * With max_errors set, the error that would pass it is replaced by one
 * final E0999 "too many errors; stopping", after which nothing is recorded. */
aeo_diag *aeo_diag_add(aeo_diags *d, aeo_diag_code code, aeo_span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* As aeo_diag_add, with the arguments as a va_list (for stages that wrap
 * reporting in a helper of their own, e.g. the scanner). */
aeo_diag *aeo_diag_addv(aeo_diags *d, aeo_diag_code code, aeo_span span, const char *fmt,
                        va_list ap) __attribute__((format(printf, 4, 0)));
/* Adds a note to [diag] (may be NULL: then nothing happens). */
void aeo_diag_note(aeo_diags *d, aeo_diag *diag, const aeo_span *span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Gives [diag] (may be NULL: then nothing happens) the fix-it of
 * replacing [span] by [text] (copied into the sink's arena). */
void aeo_diag_fix(aeo_diags *d, aeo_diag *diag, aeo_span span, const char *text);
/* "E0103" */
const char *aeo_diag_code_str(aeo_diag_code code);
const char *aeo_diag_code_summary(aeo_diag_code code);
aeo_severity aeo_diag_code_sev(aeo_diag_code code);
/* Sorts by file, position, then reporting order. */
void aeo_diags_sort(aeo_diags *d);
/* Prints every diagnostic in text form (with source line and caret) to
 * [out]; ANSI colour when [color]. */
void aeo_diags_print(const aeo_diags *d, const aeo_sources *src, FILE *out, bool color);
/* Prints one diagnostic. */
void aeo_diag_print(const aeo_diag *g, const aeo_sources *src, FILE *out, bool color);

/* Output formats of diagnostics (diag_render.c). */
typedef enum { AEO_DIAG_TEXT, AEO_DIAG_JSON, AEO_DIAG_SARIF, AEO_DIAG_GITHUB } aeo_diag_format;
/* Renders every diagnostic of [d] in [fmt]: TEXT as aeo_diags_print; JSON
 * as JSON Lines; SARIF as one SARIF 2.1.0 log; GITHUB as workflow
 * commands. */
void aeo_diags_render(const aeo_diags *d, const aeo_sources *src, aeo_diag_format fmt, FILE *out, bool color);

/* The closest of [n] [candidates] to [name] by edit distance, if close
 * enough to suggest ("did you mean"), else NULL.  A candidate that differs
 * only in the leading zeros of a number ("G5", "G05") comes first. */
const char *aeo_suggest(const char *name, const char *const *candidates, uint32_t n);

#endif
