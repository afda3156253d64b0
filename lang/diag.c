/* Diagnostics: the sink, its code table, the text renderer and "did you
 * mean"; see diag.h.
 *
 * The sink is an array of aeo_diag whose messages and notes live in the
 * sink's own arena, so a stage can report from anywhere with a printf-style
 * call and nothing is freed piecemeal.  Each diagnostic gets a sequence
 * number; sorting by (file, start, seq) keeps reports at the same place in
 * the order they were made.
 *
 * Rendering follows GCC, which editors and CI log parsers already read:
 *
 *   rules/x.aeo:12:20: error[E0103]: unknown field 'credt' on 'enterprise'
 *      12 |   when: enterprise.credt == "advanced"
 *         |                    ^~~~~
 *
 * The line number is right-aligned in a gutter of at least four columns.
 * The caret line repeats the source line's tabs at the same positions, so
 * the caret lines up whatever the terminal's tab width; other characters
 * before the span become one space each (a valid UTF-8 sequence is one
 * character).  Control characters (C0 but tab, DEL, C1) and invalid UTF-8
 * in the source line print as one '?' each (aeo_printable_put, the one
 * home of terminal-safe text).  A span that starts at the end of its line (or of the file) gets a
 * single '^' after the last character; a span running over several lines is
 * underlined to the end of its first line.  Very long lines (generated
 * files, minified JSON) are shown as a window of about 300 bytes around the
 * span, with "..." at the cut ends. */
#include "lang/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lang/printable.h"

/* The code table, from the X-macro list. */
static const struct {
    const char *code;
    aeo_severity sev;
    const char *summary;
} codes[] = {
#define DIAG(name, code, sev, summary) {code, AEO_SEV_##sev, summary},
#include "lang/diag_codes.def"
#undef DIAG
};

_Static_assert(sizeof codes / sizeof codes[0] == AEO_E__COUNT, "diag code table size");

const char *aeo_diag_code_str(aeo_diag_code code) {
    return (unsigned)code < AEO_E__COUNT ? codes[code].code : "E????";
}

const char *aeo_diag_code_summary(aeo_diag_code code) {
    return (unsigned)code < AEO_E__COUNT ? codes[code].summary : "unknown diagnostic";
}

aeo_severity aeo_diag_code_sev(aeo_diag_code code) {
    return (unsigned)code < AEO_E__COUNT ? codes[code].sev : AEO_SEV_ERROR;
}

void aeo_diags_init(aeo_diags *d) {
    memset(d, 0, sizeof *d);
    d->arena = aeo_arena_new();
}

void aeo_diags_free(aeo_diags *d) {
    aeo_arena_free(d->arena);
    free(d->items);
    memset(d, 0, sizeof *d);
}

void aeo_diags_clear(aeo_diags *d) {
    aeo_arena_reset(d->arena);
    d->n = 0;
    d->n_errors = 0;
    d->stopped = false;
    d->n_warnings = 0;
}

static aeo_diag *push(aeo_diags *d, aeo_diag_code code, aeo_span span, const char *msg) {
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = aeo_xrealloc(d->items, (size_t)d->cap * sizeof *d->items);
    }
    aeo_diag *g = &d->items[d->n];
    g->sev = aeo_diag_code_sev(code);
    g->code = code;
    g->span = span;
    g->msg = msg;
    g->notes = NULL;
    g->fix = NULL;
    g->fix_span = span;
    g->seq = d->n++;
    if (g->sev == AEO_SEV_ERROR)
        d->n_errors++;
    else if (g->sev == AEO_SEV_WARNING)
        d->n_warnings++;
    return g;
}

aeo_diag *aeo_diag_addv(aeo_diags *d, aeo_diag_code code, aeo_span span, const char *fmt,
                        va_list ap) {
    /* Stopped: the E0999 has been recorded, nothing more is.  E0999 is
     * not itself counted as an error. */
    if (d->stopped) return NULL;
    if (d->max_errors && d->n_errors == d->max_errors &&
        aeo_diag_code_sev(code) == AEO_SEV_ERROR) {
        push(d, AEO_E_TOO_MANY, span, "too many errors; stopping");
        d->n_errors--;
        d->stopped = true;
        return NULL;
    }
    return push(d, code, span, aeo_arena_vprintf(d->arena, fmt, ap));
}

aeo_diag *aeo_diag_add(aeo_diags *d, aeo_diag_code code, aeo_span span, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    aeo_diag *g = aeo_diag_addv(d, code, span, fmt, ap);
    va_end(ap);
    return g;
}

void aeo_diag_note(aeo_diags *d, aeo_diag *diag, const aeo_span *span, const char *fmt, ...) {
    if (!diag) return;
    aeo_note *n = aeo_arena_zalloc(d->arena, sizeof *n);
    if (span) {
        n->span = *span;
        n->has_span = true;
    }
    va_list ap;
    va_start(ap, fmt);
    n->msg = aeo_arena_vprintf(d->arena, fmt, ap);
    va_end(ap);
    /* Notes print in the order they were added. */
    aeo_note **tail = &diag->notes;
    while (*tail) tail = &(*tail)->next;
    *tail = n;
}

void aeo_diag_fix(aeo_diags *d, aeo_diag *diag, aeo_span span, const char *text) {
    if (!diag) return;
    diag->fix = aeo_arena_strdup(d->arena, text);
    diag->fix_span = span;
}

static int cmp_diag(const void *pa, const void *pb) {
    const aeo_diag *a = pa, *b = pb;
    if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
    if (a->span.start != b->span.start) return a->span.start < b->span.start ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return 0;
}

void aeo_diags_sort(aeo_diags *d) {
    /* seq is unique, so qsort's instability cannot reorder equal keys. */
    if (d->n > 1) qsort(d->items, d->n, sizeof *d->items, cmp_diag);
}

/* --- rendering ------------------------------------------------------------ */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_ERROR "\033[1;31m"
#define C_WARNING "\033[1;35m"
#define C_NOTE "\033[1;36m"
#define C_CARET "\033[1;32m"

/* Lines longer than this are shown as a window around the span. */
#define LONG_LINE 300
#define WINDOW_BEFORE 100

/* Bytes taken by the character at s[i] of a line of [n] bytes: a valid
 * UTF-8 sequence counts as one character, anything else as one byte (the
 * unit in which the source line is printed, aeo_printable_put). */
static uint32_t char_len(const unsigned char *s, uint32_t i, uint32_t n) {
    return (uint32_t)aeo_printable_char_len((const char *)s + i, n - i);
}

static uint32_t digits(uint32_t v) {
    uint32_t d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

/* Where a span is shown: one that starts at the very end of a file ending
 * in a line break is shown after the last character of the last line (as
 * GCC does), not on the empty line after it. */
static aeo_span shown(const aeo_sources *src, aeo_span sp) {
    const aeo_source *f = &src->files[sp.file];
    if (sp.start >= f->len && f->len > 0 && f->text[f->len - 1] == '\n') {
        uint32_t at = f->len - 1;
        if (at > 0 && f->text[at - 1] == '\r') at--;
        sp.start = at;
        if (sp.end < at) sp.end = at;
    }
    return sp;
}

/* Prints the source line of [sp]'s start and the caret line under it. */
static void print_snippet(FILE *out, const aeo_sources *src, aeo_span sp, bool color) {
    sp = shown(src, sp);
    uint32_t line, col, len;
    aeo_sources_position(src, sp.file, sp.start, &line, &col);
    const unsigned char *text = (const unsigned char *)aeo_sources_line(src, sp.file, line, &len);

    /* The span as byte offsets within the line; [s, e) clipped to it. */
    uint32_t line_start = sp.start - (col - 1);
    uint32_t s = col - 1;
    if (s > len) s = len;
    uint32_t e = sp.end > line_start ? sp.end - line_start : 0;
    if (e > len) e = len;
    if (e < s) e = s;

    /* The window of the line to show. */
    uint32_t from = 0, to = len;
    if (len > LONG_LINE) {
        from = s > WINDOW_BEFORE ? s - WINDOW_BEFORE : 0;
        while (from > 0 && (text[from] & 0xC0) == 0x80) from--;
        to = from + LONG_LINE < len ? from + LONG_LINE : len;
        while (to < len && (text[to] & 0xC0) == 0x80) to++;
    }
    if (e > to) e = to;

    int w = (int)(digits(line) > 4 ? digits(line) : 4);
    fprintf(out, " %*u | ", w, line);
    if (from > 0) fputs("...", out);
    aeo_buf shown_text = {0};
    aeo_printable_put(&shown_text, (const char *)text + from, to - from, AEO_PRINTABLE_ONE_CHAR);
    if (shown_text.len) fwrite(shown_text.data, 1, shown_text.len, out);
    aeo_buf_free(&shown_text);
    if (to < len) fputs("...", out);
    fputc('\n', out);

    fprintf(out, " %*s | ", w, "");
    if (from > 0) fputs("   ", out);
    for (uint32_t i = from; i < s;) {
        fputc(text[i] == '\t' ? '\t' : ' ', out);
        i += char_len(text, i, to);
    }
    if (color) fputs(C_CARET, out);
    fputc('^', out);
    if (s < e) {
        uint32_t i = s + char_len(text, s, to);
        while (i < e) {
            fputc('~', out);
            i += char_len(text, i, to);
        }
    }
    if (color) fputs(C_RESET, out);
    fputc('\n', out);
}

static bool has_file(const aeo_sources *src, aeo_span sp) {
    return src && sp.file < src->n;
}

/* "file:line:col: " in bold, or nothing without a file. */
static void print_location(FILE *out, const aeo_sources *src, aeo_span sp, bool color) {
    if (!has_file(src, sp)) return;
    sp = shown(src, sp);
    uint32_t line, col;
    aeo_sources_position(src, sp.file, sp.start, &line, &col);
    if (color) fputs(C_BOLD, out);
    fprintf(out, "%s:%u:%u:", src->files[sp.file].name, line, col);
    if (color) fputs(C_RESET, out);
    fputc(' ', out);
}

void aeo_diag_print(const aeo_diag *g, const aeo_sources *src, FILE *out, bool color) {
    print_location(out, src, g->span, color);
    const char *label = g->sev == AEO_SEV_ERROR ? "error" : g->sev == AEO_SEV_WARNING ? "warning" : "note";
    const char *c = g->sev == AEO_SEV_ERROR ? C_ERROR : g->sev == AEO_SEV_WARNING ? C_WARNING : C_NOTE;
    if (color) fputs(c, out);
    if (g->sev == AEO_SEV_NOTE)
        fprintf(out, "%s:", label);
    else
        fprintf(out, "%s[%s]:", label, aeo_diag_code_str(g->code));
    if (color) fputs(C_RESET C_BOLD, out);
    fprintf(out, " %s", g->msg ? g->msg : "");
    if (color) fputs(C_RESET, out);
    fputc('\n', out);
    if (has_file(src, g->span)) print_snippet(out, src, g->span, color);

    for (const aeo_note *n = g->notes; n; n = n->next) {
        bool located = n->has_span && has_file(src, n->span);
        if (located) print_location(out, src, n->span, color);
        if (color) fputs(C_NOTE, out);
        fputs("note:", out);
        if (color) fputs(C_RESET, out);
        fprintf(out, " %s\n", n->msg ? n->msg : "");
        if (located) print_snippet(out, src, n->span, color);
    }
}

void aeo_diags_print(const aeo_diags *d, const aeo_sources *src, FILE *out, bool color) {
    /* Rendered in memory and written at once: stderr is unbuffered, and
     * printing a snippet a character at a time to it is a system call per
     * character (tens of seconds for a catalog with 100,000 warnings). */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = d->n > 1 ? open_memstream(&text, &len) : NULL;
    /* Past max_warnings, warnings are counted, not shown (errors stop
     * being recorded at max_errors, with E0999). */
    uint32_t shown = 0, hidden = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        if (d->items[i].sev == AEO_SEV_WARNING && d->max_warnings && shown++ >= d->max_warnings) {
            hidden++;
            continue;
        }
        aeo_diag_print(&d->items[i], src, mem ? mem : out, color);
    }
    if (hidden)
        fprintf(mem ? mem : out, "aeo: %u more warning%s not shown (--max-warnings N shows N, 0 all)\n", hidden,
                hidden == 1 ? "" : "s");
    if (mem) {
        fclose(mem);
        fwrite(text, 1, len, out);
        fflush(out);
        free(text);
    }
}

/* --- did you mean --------------------------------------------------------- */

/* Names longer than this are never suggested for (nor compared): the
 * distance is quadratic and no real identifier is that long. */
#define SUGGEST_MAX 256

static unsigned char fold(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance (Damerau-Levenshtein with each
 * substring edited at most once), case-insensitive; three rolling rows. */
static uint32_t osa_distance(const char *a, uint32_t n, const char *b, uint32_t m) {
    uint32_t rows[3][SUGGEST_MAX + 1];
    uint32_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (uint32_t j = 0; j <= m; j++) prev[j] = j;
    for (uint32_t i = 1; i <= n; i++) {
        cur[0] = i;
        unsigned char ca = fold((unsigned char)a[i - 1]);
        for (uint32_t j = 1; j <= m; j++) {
            unsigned char cb = fold((unsigned char)b[j - 1]);
            uint32_t cost = ca == cb ? 0 : 1;
            uint32_t v = prev[j] + 1;                          /* deletion */
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;         /* insertion */
            if (prev[j - 1] + cost < v) v = prev[j - 1] + cost; /* substitution */
            if (i > 1 && j > 1 && ca == fold((unsigned char)b[j - 2]) &&
                fold((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;                           /* transposition */
            cur[j] = v;
        }
        uint32_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* Whether [a] and [b] differ only in the leading zeros of their numbers
 * ("G5" and "G05", "M1.2" and "M01.02"), case aside. */
static bool same_but_zeros(const char *a, const char *b) {
    while (*a && *b) {
        if (digit(*a) && digit(*b)) {
            while (*a == '0' && digit(a[1])) a++;
            while (*b == '0' && digit(b[1])) b++;
            while (digit(*a) && digit(*b) && *a == *b) a++, b++;
            if (digit(*a) || digit(*b)) return false;
            continue;
        }
        if (fold((unsigned char)*a) != fold((unsigned char)*b)) return false;
        a++;
        b++;
    }
    return !*a && !*b;
}

const char *aeo_suggest(const char *name, const char *const *candidates, uint32_t n) {
    if (!name) return NULL;
    size_t len = strlen(name);
    if (len > SUGGEST_MAX) return NULL;
    /* A number written without (or with other) leading zeros is the name
     * meant, before any other at the same distance (G5: G05, not G15). */
    for (uint32_t i = 0; i < n; i++)
        if (candidates[i] && strcmp(candidates[i], name) != 0 && same_but_zeros(name, candidates[i]))
            return candidates[i];
    uint32_t limit = (uint32_t)len / 3;
    if (limit < 1) limit = 1;
    const char *best = NULL;
    uint32_t best_d = limit + 1;
    for (uint32_t i = 0; i < n; i++) {
        const char *c = candidates[i];
        if (!c || strcmp(c, name) == 0) continue;
        size_t clen = strlen(c);
        if (clen > SUGGEST_MAX) continue;
        /* The distance is at least the difference in length. */
        uint32_t diff = (uint32_t)(clen > len ? clen - len : len - clen);
        if (diff >= best_d) continue;
        uint32_t dist = osa_distance(name, (uint32_t)len, c, (uint32_t)clen);
        if (dist < best_d) {
            best_d = dist;
            best = c;
        }
    }
    return best;
}
