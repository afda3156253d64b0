/* Facts input: splitting a stream into records, strict JSON validation, and
 * schema-directed decoding (see facts.h for the contract).
 *
 * Three passes, each simple on its own:
 *   1. the reader splits the byte stream into records by the input's form
 *      (JSON Lines, one JSON array, or whitespace-separated documents),
 *      tracking only strings and bracket depth, in memory bounded by the
 *      largest record (capped at 64 MiB);
 *   2. validate() checks one record's text against RFC 8259 in one pass,
 *      because cJSON accepts what JSON does not (leading zeros, invalid UTF-8,
 *      lone surrogates), and reports the first error by line and column;
 *   3. cJSON builds a tree, and the decoder walks it with the schema, so
 *      every type error names a field path ("enterprise.address.city").
 *
 * Positions: a record carries the line and column of its first byte, and an
 * error inside it is reported at the absolute line of the input and the byte
 * column in that line.  The reader validates every record it yields, so a
 * RECORD is always one well-formed JSON object and a syntax error is a BAD
 * item with the right position even when the record starts mid-line (as
 * array elements do).  aeo_facts_decode validates again, because it is also
 * called on text that did not come from a reader; it counts the columns of
 * the text's first line from 1.
 *
 * Recovery: a bad JSON Lines line is one BAD item and reading continues with
 * the next line, so no line is ever merged, skipped or lost.  In an array, a
 * bad element whose end can still be found (the next comma at depth 1) is one
 * BAD item; an error that hides where the element ends (end of input inside
 * it, a stray closer, a trailing comma, bytes after the closing ']') is
 * reported once and the reader stops, since resynchronising inside an array
 * is guesswork.  In documents, a '{' in column 1 while a document is still
 * open ends that document as BAD and starts the next one: pretty printers
 * never put a nested '{' in column 1, and this keeps one truncated document
 * (or a broken first line of what was meant as JSON Lines) from swallowing
 * the rest of the input.
 *
 * Strings: in documents, the splitter ends a string at a raw line break.
 * JSON strings cannot hold one, so the record is bad either way, and ending
 * the string there keeps one missing closing quote from turning the rest of
 * the input inside out (every later quote would open a string instead of
 * closing one).  In an array the splitter does not, so a string with a raw
 * line break still ends at its closing quote and only its element is bad; a
 * missing quote there runs to the end of the input and is reported once.
 *
 * Numbers and strings cJSON cannot represent faithfully: a string holding
 * \u0000 is rejected (cJSON would cut it there); a number too large for a
 * double (1e400) is rejected rather than read as infinity; an int written
 * 1.0 or 1e2 is accepted as 1 or 100, because cJSON keeps only the double,
 * whose value is exactly that integer.  Messages quote numbers as written
 * ("9007199254740993", not the rounded double), found again in the text.
 *
 * Streaming: the reader pulls bytes with getc_unlocked (a buffered macro),
 * never fread or getline: fread on a pipe waits for a whole block before a
 * record can be yielded, and getline has no size cap, so one endless line
 * would exhaust memory before the 64 MiB rule could apply. */
#include "runtime/facts.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "runtime/celtime.h"

/* The largest integer magnitude a double holds exactly together with its
 * neighbours: 2^53 - 1.  JSON numbers beyond it may have been rounded. */
#define MAX_EXACT 9007199254740991.0

/* ======================================================================== */
/* Strict RFC 8259 validation                                               */
/* ======================================================================== */

/* The first error found in a text: byte offset and what is wrong.  The
 * offset becomes a line and column only when the message is written, so the
 * validator itself never counts lines. */
typedef struct jerr {
    size_t off;
    char what[96];
} jerr;

static bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* Records the error [what] at [off]; returns false so callers can write
 * "return fail(...)". */
static bool fail(jerr *e, size_t off, const char *what) {
    e->off = off;
    snprintf(e->what, sizeof e->what, "%s", what);
    return false;
}

/* Length of the valid UTF-8 sequence at [s] ([n] bytes available), or 0 when
 * it is invalid: overlong forms, surrogates (U+D800-DFFF), code points above
 * U+10FFFF, stray continuation bytes and truncated sequences all are. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    unsigned lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) {
        len = 2;
    } else if (c < 0xF0) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;       /* overlong below U+0800 */
        if (c == 0xED) hi = 0x9F;       /* surrogates */
    } else if (c < 0xF5) {
        len = 4;
        if (c == 0xF0) lo = 0x90;       /* overlong below U+10000 */
        if (c == 0xF4) hi = 0x8F;       /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return len;
}

/* "unexpected ','" for the byte at [off]: printable ASCII and whole UTF-8
 * characters are quoted, anything else is shown as a byte value. */
static bool unexpected(jerr *e, const unsigned char *s, size_t len, size_t off,
                       const char *suffix) {
    unsigned c = s[off];
    size_t n = utf8_len(s + off, len - off);
    e->off = off;
    if (c > 0x20 && c < 0x7F)
        snprintf(e->what, sizeof e->what, "unexpected '%c'%s", (char)c, suffix);
    else if (n > 1)
        snprintf(e->what, sizeof e->what, "unexpected '%.*s'%s", (int)n,
                 (const char *)(s + off), suffix);
    else
        snprintf(e->what, sizeof e->what, "unexpected byte 0x%02X%s", c, suffix);
    return false;
}

/* ws -> (' ' | '\t' | '\n' | '\r')*: JSON's four whitespace bytes, no others
 * (no form feed, no BOM, no NBSP). */
static size_t skip_ws(const unsigned char *s, size_t len, size_t p) {
    while (p < len && is_ws(s[p])) p++;
    return p;
}

/* The value of the 4 hex digits at [s]+[p], or -1 when one is not a hex
 * digit, or -2 when the text ends first (an unterminated string, which is
 * the more useful thing to say). */
static long hex4(const unsigned char *s, size_t len, size_t p) {
    long v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (p + i >= len) return -2;
        unsigned c = s[p + i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (long)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (long)(c - 'A' + 10);
        else return -1;
    }
    return v;
}

/* string -> '"' chars '"'.  [*p] is at the opening quote; on success it is
 * left just past the closing one. */
static bool scan_string(const unsigned char *s, size_t len, size_t *p, jerr *e) {
    size_t q = *p, i = q + 1;
    for (;;) {
        if (i >= len) return fail(e, q, "unterminated string");
        unsigned c = s[i];
        if (c == '"') {
            *p = i + 1;
            return true;
        }
        if (c == '\\') {
            if (i + 1 >= len) return fail(e, q, "unterminated string");
            unsigned x = s[i + 1];
            if (strchr("\"\\/bfnrt", (int)x) && x != 0) {
                i += 2;
                continue;
            }
            if (x != 'u') {
                if (x > 0x20 && x < 0x7F) {
                    e->off = i;
                    snprintf(e->what, sizeof e->what, "invalid escape '\\%c'", (char)x);
                    return false;
                }
                return fail(e, i, "invalid escape");
            }
            long cp = hex4(s, len, i + 2);
            if (cp == -2) return fail(e, q, "unterminated string");
            if (cp < 0) return fail(e, i, "invalid \\u escape");
            if (cp == 0) return fail(e, i, "\\u0000 in a string is not supported");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                /* A high surrogate must be followed by an escaped low one. */
                long lo = -1;
                if (i + 7 < len && s[i + 6] == '\\' && s[i + 7] == 'u')
                    lo = hex4(s, len, i + 8);
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    e->off = i;
                    snprintf(e->what, sizeof e->what, "unpaired surrogate \\u%04lX", cp);
                    return false;
                }
                i += 12;
                continue;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                e->off = i;
                snprintf(e->what, sizeof e->what, "unpaired surrogate \\u%04lX", cp);
                return false;
            }
            i += 6;
            continue;
        }
        if (c < 0x20) {
            /* Whether the closing quote is missing or the break should have
             * been "\n", the fix goes here. */
            if (c == '\n' || c == '\r') return fail(e, i, "unescaped line break in string");
            e->off = i;
            snprintf(e->what, sizeof e->what, "control character U+%04X in string", c);
            return false;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_len(s + i, len - i);
        if (n == 0) return fail(e, i, "invalid UTF-8");
        i += n;
    }
}

/* number -> '-'? int frac? exp?   int -> '0' | [1-9][0-9]*
 * frac -> '.' [0-9]+   exp -> [eE] [+-]? [0-9]+
 * A leading zero is reported at the number's start, other errors at the
 * byte where a digit was expected. */
static bool scan_number(const unsigned char *s, size_t len, size_t *p, jerr *e) {
    size_t start = *p, i = *p;
    if (s[i] == '-') i++;
    if (i >= len) return fail(e, i, "unexpected end of input");
    if (!is_digit(s[i])) return fail(e, i, "expected a digit after '-'");
    if (s[i] == '0') {
        i++;
        if (i < len && is_digit(s[i])) return fail(e, start, "leading zero in number");
    } else {
        while (i < len && is_digit(s[i])) i++;
    }
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !is_digit(s[i])) return fail(e, i, "expected a digit after '.'");
        while (i < len && is_digit(s[i])) i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= len || !is_digit(s[i])) return fail(e, i, "expected a digit in the exponent");
        while (i < len && is_digit(s[i])) i++;
    }
    *p = i;
    return true;
}

/* literal -> 'true' | 'false' | 'null'; [*p] is at its first letter. */
static bool scan_literal(const unsigned char *s, size_t len, size_t *p, jerr *e) {
    const char *w = s[*p] == 't' ? "true" : s[*p] == 'f' ? "false" : "null";
    size_t n = strlen(w);
    if (len - *p < n || memcmp(s + *p, w, n) != 0) return fail(e, *p, "invalid literal");
    *p += n;
    return true;
}

/* Checks that the [len] bytes at [text] are exactly one JSON object (with
 * optional whitespace around it), nested at most AEO_FACTS_MAX_DEPTH deep.
 * The parser is a loop over an explicit stack, so hostile nesting costs no C
 * stack. */
static bool validate(const char *text, size_t len, jerr *e) {
    const unsigned char *s = (const unsigned char *)text;
    char stack[AEO_FACTS_MAX_DEPTH];
    unsigned depth = 0;
    enum { OBJ_FIRST, OBJ_KEY, COLON, ARR_FIRST, VALUE, AFTER } st;
    size_t p = skip_ws(s, len, 0);

    if (p == len) return fail(e, p, "expected a JSON object");
    if (s[p] != '{') {
        if (s[p] != 0 && strchr("[\"-0123456789tfn", s[p]))
            return fail(e, p, "expected a JSON object");
        return unexpected(e, s, len, p, "");
    }
    stack[depth++] = '{';
    p++;
    st = OBJ_FIRST;
    for (;;) {
        p = skip_ws(s, len, p);
        if (p == len) return fail(e, p, "unexpected end of input");
        unsigned c = s[p];
        switch (st) {
        case OBJ_FIRST:     /* after '{': a key or '}' */
        case OBJ_KEY:       /* after ',' in an object: a key */
            if (c == '}' && st == OBJ_FIRST) goto close;
            if (c != '"') return unexpected(e, s, len, p, "");
            if (!scan_string(s, len, &p, e)) return false;
            st = COLON;
            continue;
        case COLON:
            if (c != ':') return unexpected(e, s, len, p, "");
            p++;
            st = VALUE;
            continue;
        case ARR_FIRST:     /* after '[': a value or ']' */
        case VALUE:
            if (c == ']' && st == ARR_FIRST) goto close;
            if (c == '{' || c == '[') {
                if (depth == AEO_FACTS_MAX_DEPTH) return fail(e, p, "nesting deeper than 512");
                stack[depth++] = (char)c;
                p++;
                st = c == '{' ? OBJ_FIRST : ARR_FIRST;
                continue;
            }
            if (c == '"') {
                if (!scan_string(s, len, &p, e)) return false;
            } else if (c == '-' || is_digit((int)c)) {
                if (!scan_number(s, len, &p, e)) return false;
            } else if (c == 't' || c == 'f' || c == 'n') {
                if (!scan_literal(s, len, &p, e)) return false;
            } else if (c == '+' && p + 1 < len && is_digit(s[p + 1])) {
                return fail(e, p, "'+' sign in number");
            } else if (c == '.' && p + 1 < len && is_digit(s[p + 1])) {
                return fail(e, p, "number starts with '.'");
            } else {
                return unexpected(e, s, len, p, "");
            }
            st = AFTER;
            continue;
        case AFTER:         /* after a value: ',' or the closer of its container */
            if (c == ',') {
                p++;
                st = stack[depth - 1] == '{' ? OBJ_KEY : VALUE;
                continue;
            }
            if ((c == '}' && stack[depth - 1] == '{') || (c == ']' && stack[depth - 1] == '['))
                goto close;
            return unexpected(e, s, len, p, "");
        }
    close:
        p++;
        if (--depth == 0) break;
        st = AFTER;
    }
    p = skip_ws(s, len, p);
    if (p < len) return unexpected(e, s, len, p, " after the object");
    return true;
}

/* The absolute line and column of byte [off] of a text whose first byte is
 * at [line0]:[col0]. */
static void locate(const char *s, size_t off, uint64_t line0, uint64_t col0, uint64_t *line,
                   uint64_t *col) {
    uint64_t l = line0;
    size_t ls = 0;
    bool first = true;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            l++;
            ls = i + 1;
            first = false;
        }
    }
    *line = l;
    *col = first ? col0 + off : (uint64_t)(off - ls) + 1;
}

/* ======================================================================== */
/* The reader                                                               */
/* ======================================================================== */

enum {
    F_START,   /* nothing read yet: the form is not known */
    F_LINES,   /* JSON Lines */
    F_ARRAY,   /* inside a top-level array, before an element */
    F_TAIL,    /* after the array's ']': only whitespace may follow */
    F_DOCS,    /* whitespace-separated documents */
    F_END      /* nothing more will be yielded */
};

struct aeo_facts_reader {
    FILE *in;
    char *name;
    int form;
    size_t max;              /* record size cap */
    int err;                 /* errno of a failed read, or 0 */
    /* Bytes given back, newest last; they are not counted in line/col. */
    int push[4];
    unsigned npush;
    uint64_t line, col;      /* position of the next byte */
    /* The record being read. */
    char *rec;
    size_t len, cap;
    bool over;               /* longer than max: the rest is scanned, not kept */
    uint64_t rline, rcol;    /* position of rec[0] */
    bool arr_first;          /* F_ARRAY: no element seen yet */
    bool carry;              /* F_DOCS: a '{' in column 1 starts the next record */
    uint64_t carry_line;
    /* Messages: the current item's, and one queued for the next call. */
    char *msg;
    size_t msgcap;
    char *pending;
    uint64_t pending_line;
};

aeo_facts_reader *aeo_facts_reader_new(FILE *in, const char *name) {
    aeo_facts_reader *r = aeo_xcalloc(1, sizeof *r);
    r->in = in;
    r->name = aeo_xstrdup(name ? name : "-");
    r->form = F_START;
    r->max = AEO_FACTS_MAX_RECORD;
    r->line = 1;
    r->col = 1;
    r->cap = 4096;
    r->rec = aeo_xmalloc(r->cap);
    r->rec[0] = '\0';
    return r;
}

void aeo_facts_reader_free(aeo_facts_reader *r) {
    if (!r) return;
    free(r->name);
    free(r->rec);
    free(r->msg);
    free(r->pending);
    free(r);
}

void aeo_facts_reader_set_max_record(aeo_facts_reader *r, size_t max_bytes) {
    r->max = max_bytes ? max_bytes : 1;
}

/* The next byte without position tracking, or EOF (remembering a read
 * error).  getc_unlocked rather than fread: fread on a pipe waits for a full
 * block, and a record should be yielded as soon as its last byte arrives. */
static int raw(aeo_facts_reader *r) {
    if (r->npush) return r->push[--r->npush];
    int c = getc_unlocked(r->in);
    if (c == EOF && ferror(r->in) && !r->err) r->err = errno ? errno : EIO;
    return c;
}

/* The next byte, counting lines and columns. */
static int rd(aeo_facts_reader *r) {
    int c = raw(r);
    if (c == '\n') {
        r->line++;
        r->col = 1;
    } else if (c != EOF) {
        r->col++;
    }
    return c;
}

/* Gives back [c], which is not a newline, to be read again. */
static void unget(aeo_facts_reader *r, int c) {
    r->push[r->npush++] = c;
    r->col--;
}

/* Starts a record whose first byte is at [line]:[col]. */
static void begin(aeo_facts_reader *r, uint64_t line, uint64_t col) {
    r->len = 0;
    r->over = false;
    r->rline = line;
    r->rcol = col;
}

/* Appends [c] to the record, or marks it oversized. */
static inline void put(aeo_facts_reader *r, int c) {
    if (r->len >= r->max) {
        r->over = true;
        return;
    }
    if (r->len + 1 >= r->cap) {
        size_t cap = r->cap * 2;
        if (cap > r->max + 1) cap = r->max + 1;
        r->rec = aeo_xrealloc(r->rec, cap);
        r->cap = cap;
    }
    r->rec[r->len++] = (char)c;
}

static void setmsg(aeo_facts_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void setmsg(aeo_facts_reader *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t need = (size_t)(n < 0 ? 0 : n) + 1;
    if (need > r->msgcap) {
        r->msg = aeo_xrealloc(r->msg, need);
        r->msgcap = need;
    }
    va_start(ap, fmt);
    vsnprintf(r->msg, need, fmt, ap);
    va_end(ap);
}

/* Fills [it] with the current record's text. */
static void item_text(aeo_facts_reader *r, aeo_facts_item *it) {
    r->rec[r->len] = '\0';
    it->text = r->rec;
    it->len = r->len;
    it->line = r->rline;
}

/* A BAD item about the byte at [line]:[col], with no record text. */
static aeo_facts_status bad_at(aeo_facts_reader *r, aeo_facts_item *it, uint64_t line,
                               uint64_t col, const char *what) {
    r->len = 0;
    item_text(r, it);
    it->line = line;
    setmsg(r, "line %" PRIu64 ", column %" PRIu64 ": %s", line, col, what);
    it->error = r->msg;
    return AEO_FACTS_BAD;
}

/* An IOERR item: "<name>: <strerror>"; the reader stops. */
static aeo_facts_status ioerr(aeo_facts_reader *r, aeo_facts_item *it) {
    r->form = F_END;
    r->len = 0;
    item_text(r, it);
    it->line = r->line;
    setmsg(r, "%s: %s", strcmp(r->name, "-") == 0 ? "standard input" : r->name,
           strerror(r->err));
    it->error = r->msg;
    return AEO_FACTS_IOERR;
}

/* Queues a BAD about [line]:[col] for the next call, after which the reader
 * stops. */
static void queue_bad(aeo_facts_reader *r, uint64_t line, uint64_t col, const char *what) {
    size_t n = (size_t)snprintf(NULL, 0, "line %" PRIu64 ", column %" PRIu64 ": %s", line,
                                col, what) + 1;
    free(r->pending);
    r->pending = aeo_xmalloc(n);
    snprintf(r->pending, n, "line %" PRIu64 ", column %" PRIu64 ": %s", line, col, what);
    r->pending_line = line;
    r->form = F_END;
}

/* "record exceeds 64 MiB" */
static aeo_facts_status too_big(aeo_facts_reader *r, aeo_facts_item *it) {
    size_t mib = (size_t)1 << 20;
    item_text(r, it);
    if (r->max % mib == 0)
        setmsg(r, "line %" PRIu64 ", column %" PRIu64 ": record exceeds %zu MiB", r->rline,
               r->rcol, r->max / mib);
    else
        setmsg(r, "line %" PRIu64 ", column %" PRIu64 ": record exceeds %zu bytes", r->rline,
               r->rcol, r->max);
    it->error = r->msg;
    return AEO_FACTS_BAD;
}

/* Validates the record read and yields it as RECORD or BAD. */
static aeo_facts_status emit(aeo_facts_reader *r, aeo_facts_item *it) {
    jerr e;
    uint64_t line, col;
    if (r->over) return too_big(r, it);
    item_text(r, it);
    if (validate(r->rec, r->len, &e)) return AEO_FACTS_RECORD;
    locate(r->rec, e.off, r->rline, r->rcol, &line, &col);
    setmsg(r, "line %" PRIu64 ", column %" PRIu64 ": %s", line, col, e.what);
    it->error = r->msg;
    return AEO_FACTS_BAD;
}

/* Drops trailing whitespace from the record, so an error at its end is
 * reported right after its last byte, not on a later blank line. */
static void trim_right(aeo_facts_reader *r) {
    if (r->over) return;
    while (r->len > 0 && is_ws((unsigned char)r->rec[r->len - 1])) r->len--;
}

/* The rest of the current line, as one JSON Lines record (the byte before
 * it is already in rec). */
static aeo_facts_status rest_of_line(aeo_facts_reader *r, aeo_facts_item *it) {
    int c;
    while ((c = rd(r)) != EOF && c != '\n') put(r, c);
    if (r->err) return ioerr(r, it);
    if (!r->over && r->len > 0 && r->rec[r->len - 1] == '\r') r->len--;
    return emit(r, it);
}

/* docs: the current document, whose opening '{' or '[' is in rec: bytes up
 * to the closer that brings the depth back to 0.  On the first record
 * (F_START) this also decides the form: an object that closes on its first
 * line with nothing but whitespace after it on that line means JSON Lines. */
static aeo_facts_status scan_doc(aeo_facts_reader *r, aeo_facts_item *it) {
    uint64_t depth = 1;
    bool str = false, esc = false;
    int c;
    for (;;) {
        c = rd(r);
        if (c == EOF) break;
        if (str) {
            if (esc) esc = false;
            else if (c == '\\') esc = true;
            else if (c == '"' || c == '\n') str = false;  /* see "Strings" above */
        } else if (c == '"') {
            str = true;
        } else if (c == '{' || c == '[') {
            if (c == '{' && r->col == 2 && r->form == F_DOCS) {
                /* A '{' in column 1 inside a document: the document was cut
                 * short, and this '{' starts the next one. */
                jerr e;
                uint64_t line, col;
                r->carry = true;
                r->carry_line = r->line;
                if (r->over) return too_big(r, it);
                trim_right(r);
                item_text(r, it);
                if (!validate(r->rec, r->len, &e) && e.off < r->len) {
                    locate(r->rec, e.off, r->rline, r->rcol, &line, &col);
                    setmsg(r, "line %" PRIu64 ", column %" PRIu64 ": %s", line, col, e.what);
                } else {
                    setmsg(r,
                           "line %" PRIu64 ", column 1: unexpected '{': the object starting"
                           " at line %" PRIu64 " is not closed",
                           r->line, r->rline);
                }
                it->error = r->msg;
                return AEO_FACTS_BAD;
            }
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                put(r, c);
                break;
            }
        }
        if (c == '\n' && r->form == F_START) r->form = F_DOCS;
        put(r, c);
    }
    if (c == EOF) {
        if (r->err) return ioerr(r, it);
        /* The input ended inside the document: the validator says where
         * the text stops making sense, and nothing can follow. */
        r->form = F_END;
        trim_right(r);
        return emit(r, it);
    }
    if (r->form == F_START) {
        for (;;) {
            c = rd(r);
            if (c == '\n' || c == EOF) {
                r->form = F_LINES;
                break;
            }
            if (!is_ws(c)) {
                unget(r, c);
                r->form = F_DOCS;
                break;
            }
        }
    }
    return emit(r, it);
}

static aeo_facts_status next_elem(aeo_facts_reader *r, aeo_facts_item *it);

/* F_START: skips a BOM and leading whitespace, then decides the form from
 * the first byte ('[': array) and, for '{', from the first line. */
static aeo_facts_status next_start(aeo_facts_reader *r, aeo_facts_item *it) {
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    int b[3];
    unsigned n = 0;
    int c;
    while (n < 3) {
        c = raw(r);
        if (c == EOF) break;
        b[n++] = c;
        if (c != bom[n - 1]) break;
    }
    if (n < 3 || b[2] != bom[2])
        while (n > 0) r->push[r->npush++] = b[--n];
    do c = rd(r);
    while (c != EOF && is_ws(c));
    if (c == EOF) {
        if (r->err) return ioerr(r, it);
        r->form = F_END;
        return AEO_FACTS_EOF;
    }
    begin(r, r->line, r->col - 1);
    if (c == '[') {
        r->form = F_ARRAY;
        r->arr_first = true;
        return next_elem(r, it);
    }
    put(r, c);
    if (c != '{') {
        /* Not an object: most likely a broken JSON Lines file. */
        r->form = F_LINES;
        return rest_of_line(r, it);
    }
    return scan_doc(r, it);
}

/* F_LINES: the next non-blank line. */
static aeo_facts_status next_line(aeo_facts_reader *r, aeo_facts_item *it) {
    for (;;) {
        int c;
        bool blank = true;
        begin(r, r->line, r->col);
        while ((c = rd(r)) != EOF && c != '\n') {
            if (!is_ws(c)) blank = false;
            put(r, c);
        }
        if (r->err) return ioerr(r, it);
        if (!blank) {
            if (!r->over && r->rec[r->len - 1] == '\r') r->len--;
            return emit(r, it);
        }
        if (c == EOF) {
            r->form = F_END;
            return AEO_FACTS_EOF;
        }
    }
}

/* F_DOCS: the next document. */
static aeo_facts_status next_doc(aeo_facts_reader *r, aeo_facts_item *it) {
    int c;
    if (r->carry) {
        r->carry = false;
        begin(r, r->carry_line, 1);
        put(r, '{');
        return scan_doc(r, it);
    }
    do c = rd(r);
    while (c != EOF && is_ws(c));
    if (c == EOF) {
        if (r->err) return ioerr(r, it);
        r->form = F_END;
        return AEO_FACTS_EOF;
    }
    begin(r, r->line, r->col - 1);
    put(r, c);
    if (c == '{' || c == '[') return scan_doc(r, it);
    /* A scalar or a stray byte: everything up to the next whitespace is one
     * (bad) record. */
    bool str = c == '"', esc = false;
    for (;;) {
        c = rd(r);
        if (c == EOF) break;
        if (str) {
            if (esc) esc = false;
            else if (c == '\\') esc = true;
            else if (c == '"') str = false;
            else if (c == '\n') break;
        } else if (c == '"') {
            str = true;
        } else if (is_ws(c)) {
            break;
        }
        put(r, c);
    }
    if (r->err) return ioerr(r, it);
    return emit(r, it);
}

/* F_TAIL: after the array, only whitespace. */
static aeo_facts_status next_tail(aeo_facts_reader *r, aeo_facts_item *it) {
    jerr e;
    int c;
    do c = rd(r);
    while (c != EOF && is_ws(c));
    r->form = F_END;
    if (c == EOF) return r->err ? ioerr(r, it) : AEO_FACTS_EOF;
    /* Describe the byte as the validator would. */
    unsigned char b[4] = {(unsigned char)c, 0, 0, 0};
    size_t n = 1;
    if (c >= 0xC2 && c < 0xF5) {
        while (n < 4) {
            int d = raw(r);
            if (d == EOF) break;
            b[n++] = (unsigned char)d;
            if (utf8_len(b, n)) break;
        }
    }
    unexpected(&e, b, n, 0, " after the array");
    return bad_at(r, it, r->line, r->col - 1, e.what);
}

/* F_ARRAY: the next element, up to a ',' or the array's closer at depth 0. */
static aeo_facts_status next_elem(aeo_facts_reader *r, aeo_facts_item *it) {
    char what[96];
    int c;
    do c = rd(r);
    while (c != EOF && is_ws(c));
    if (c == EOF) {
        if (r->err) return ioerr(r, it);
        r->form = F_END;
        return bad_at(r, it, r->line, r->col, "unexpected end of input: the array is not closed");
    }
    if (c == ']' && r->arr_first) {   /* "[]" */
        r->form = F_TAIL;
        return next_tail(r, it);
    }
    if (c == ']' || c == '}') {
        /* "[... ,]" or a stray closer. */
        r->form = F_END;
        snprintf(what, sizeof what, "unexpected '%c'", (char)c);
        return bad_at(r, it, r->line, r->col - 1, what);
    }
    r->arr_first = false;
    if (c == ',')   /* an empty element: bad, but the next one is findable */
        return bad_at(r, it, r->line, r->col - 1, "unexpected ','");

    begin(r, r->line, r->col - 1);
    put(r, c);
    uint64_t depth = (c == '{' || c == '[') ? 1 : 0;
    bool str = c == '"', esc = false;
    for (;;) {
        c = rd(r);
        if (c == EOF) break;
        if (str) {
            if (esc) esc = false;
            else if (c == '\\') esc = true;
            else if (c == '"') str = false;
        } else if (c == '"') {
            str = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0) break;
            depth--;
        } else if (c == ',' && depth == 0) {
            break;
        }
        put(r, c);
    }
    if (c == EOF && r->err) return ioerr(r, it);
    trim_right(r);
    if (c == EOF) {
        /* The input ended inside the array.  An element complete by itself
         * is still yielded; the unclosed array is reported after it. */
        uint64_t line = r->line, col = r->col;
        jerr e;
        r->form = F_END;
        if (r->over || !validate(r->rec, r->len, &e)) return emit(r, it);
        queue_bad(r, line, col, "unexpected end of input: the array is not closed");
    } else if (c == ']') {
        r->form = F_TAIL;
    } else if (c == '}') {
        queue_bad(r, r->line, r->col - 1, "unexpected '}'");
    }
    return emit(r, it);
}

aeo_facts_status aeo_facts_next(aeo_facts_reader *r, aeo_facts_item *it) {
    it->text = "";
    it->len = 0;
    it->line = 0;
    it->error = NULL;
    if (r->pending) {
        setmsg(r, "%s", r->pending);
        free(r->pending);
        r->pending = NULL;
        r->len = 0;
        item_text(r, it);
        it->line = r->pending_line;
        it->error = r->msg;
        return AEO_FACTS_BAD;
    }
    switch (r->form) {
    case F_START:
        return next_start(r, it);
    case F_LINES:
        return next_line(r, it);
    case F_ARRAY:
        return next_elem(r, it);
    case F_TAIL:
        return next_tail(r, it);
    case F_DOCS:
        return next_doc(r, it);
    default:
        return AEO_FACTS_EOF;
    }
}

/* ======================================================================== */
/* Decoding                                                                 */
/* ======================================================================== */

/* State of one decode (or from_value) call.  The path is built in place as
 * the walk descends and cut back on the way up, so a message costs nothing
 * until an error actually happens. */
typedef struct dctx {
    aeo_arena *a;
    const char *text;        /* the record's JSON text, to quote numbers as written */
    size_t len;
    const cJSON *root;
    char *path;              /* "enterprise.address.city", malloc'd */
    size_t plen, pcap;
    const char *error;
} dctx;

static void path_add(dctx *d, const char *s, size_t n) {
    if (d->plen + n + 1 > d->pcap) {
        size_t cap = d->pcap ? d->pcap : 64;
        while (cap < d->plen + n + 1) cap *= 2;
        d->path = aeo_xrealloc(d->path, cap);
        d->pcap = cap;
    }
    memcpy(d->path + d->plen, s, n);
    d->plen += n;
    d->path[d->plen] = '\0';
}

/* Appends ".name" to the path; returns the old length for path_pop. */
static size_t path_field(dctx *d, const char *name) {
    size_t old = d->plen;
    path_add(d, ".", 1);
    path_add(d, name, strlen(name));
    return old;
}

/* Appends "[i]" (a list element); returns the old length. */
static size_t path_index(dctx *d, size_t i) {
    char buf[32];
    size_t old = d->plen;
    int n = snprintf(buf, sizeof buf, "[%zu]", i);
    path_add(d, buf, (size_t)n);
    return old;
}

/* Cuts the path back to [old] bytes. */
static void path_pop(dctx *d, size_t old) {
    d->plen = old;
    d->path[old] = '\0';
}

/* [s] as a quoted string for a message, escaped, cut after 60 bytes (at a
 * character boundary) so a huge value does not make a huge message. */
static const char *quote(dctx *d, const char *s, size_t n) {
    size_t keep = n, cap;
    bool cut = false;
    if (keep > 60) {
        keep = 60;
        while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
        cut = true;
    }
    cap = keep * 6 + 8;
    char *out = aeo_arena_alloc(d->a, cap), *o = out;
    *o++ = '"';
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20) {
            o += snprintf(o, 7, "\\u%04X", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    if (cut) {
        memcpy(o, "...", 3);
        o += 3;
    }
    *o = '\0';
    return out;
}

/* Sets d->error to "<path>: <message>" in the arena; returns false. */
static bool derr(dctx *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool derr(dctx *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t size = d->plen + 2 + (size_t)(n < 0 ? 0 : n) + 1;
    char *msg = aeo_arena_alloc(d->a, size);
    memcpy(msg, d->path, d->plen);
    memcpy(msg + d->plen, ": ", 2);
    va_start(ap, fmt);
    vsnprintf(msg + d->plen + 2, size - d->plen - 2, fmt, ap);
    va_end(ap);
    d->error = msg;
    return false;
}

/* The schema spelling of [t] for messages ("list<string>", "Address"); an
 * enum is a string as far as JSON is concerned. */
static const char *type_name(dctx *d, const aeo_type *t) {
    char buf[160];
    if (t->kind == AEO_T_ENUM) return "string";
    aeo_type_format(t, buf, sizeof buf);
    return aeo_arena_strdup(d->a, buf);
}

/* The JSON spelling of what was found, for "expected int, got string". */
static const char *json_kind(const cJSON *j) {
    if (cJSON_IsNull(j)) return "null";
    if (cJSON_IsBool(j)) return "bool";
    if (cJSON_IsNumber(j)) return "number";
    if (cJSON_IsString(j)) return "string";
    if (cJSON_IsArray(j)) return "array";
    if (cJSON_IsObject(j)) return "object";
    return "invalid";
}

/* "<path>: expected <schema type>, got <JSON kind>". */
static bool mismatch(dctx *d, const aeo_type *t, const cJSON *j) {
    return derr(d, "expected %s, got %s", type_name(d, t), json_kind(j));
}

/* Counts the numbers before [target] in a pre-order walk of [j]: the order
 * in which they appear in the text. */
static bool count_numbers(const cJSON *j, const cJSON *target, size_t *k) {
    if (j == target) return true;
    if (cJSON_IsNumber(j)) {
        (*k)++;
        return false;
    }
    for (const cJSON *c = j->child; c; c = c->next)
        if (count_numbers(c, target, k)) return true;
    return false;
}

/* The number [j] as written in the record ("9007199254740993", "1.50"),
 * for messages: cJSON keeps only the double, which may have been rounded.
 * Found by its rank among the text's number tokens. */
static const char *number_text(dctx *d, const cJSON *j) {
    size_t k = 0, n = 0, i = 0;
    if (d->text && count_numbers(d->root, j, &k)) {
        const char *s = d->text;
        while (i < d->len) {
            char c = s[i];
            if (c == '"') {
                for (i++; i < d->len && s[i] != '"'; i++)
                    if (s[i] == '\\') i++;
                i++;
            } else if (c == '-' || is_digit(c)) {
                size_t st = i;
                while (i < d->len && (is_digit(s[i]) || s[i] == '-' || s[i] == '+' ||
                                      s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
                    i++;
                if (n++ == k) {
                    if (i - st > 40) return aeo_arena_printf(d->a, "%.40s...", s + st);
                    return aeo_arena_strndup(d->a, s + st, i - st);
                }
            } else {
                i++;
            }
        }
    }
    return aeo_arena_printf(d->a, "%.17g", j->valuedouble);
}

/* int, uint <- a JSON number whose value is an integer within ±(2^53-1).
 * The checks run on the double, which is all cJSON keeps: a fraction shows
 * as v != trunc(v); beyond 2^53-1 neighbouring integers share a double, so
 * the value may already have been rounded and is refused.  Infinity (from
 * 1e400) is integral and beyond, so it is refused here too. */
static bool dec_integer(dctx *d, const cJSON *j, bool is_uint, aeo_value *out) {
    double v = j->valuedouble;
    if (v != trunc(v)) return derr(d, "%s is not an integer", number_text(d, j));
    if (fabs(v) > MAX_EXACT)
        return derr(d, "%s is beyond ±2^53-1, where JSON numbers stop being exact",
                    number_text(d, j));
    if (!is_uint) {
        *out = aeo_int((int64_t)v);
    } else {
        if (v < 0) return derr(d, "%s is negative, expected uint", number_text(d, j));
        *out = aeo_uint((uint64_t)v);
    }
    return true;
}

/* double, dyn: cJSON turns an overflowing number into infinity, which is
 * not a JSON value, so it is an error rather than a silent rounding. */
static bool finite_number(dctx *d, const cJSON *j) {
    if (isfinite(j->valuedouble)) return true;
    return derr(d, "%s is out of range for a double", number_text(d, j));
}

/* A string value copied into the arena (fails only beyond 4 GiB). */
static bool make_string(dctx *d, const char *s, size_t n, aeo_value *out) {
    *out = aeo_string(d->a, s, n);
    if (out->kind == AEO_V_ERROR) return derr(d, "string too long");
    return true;
}

/* The value of a base64 digit, or -1. */
static int b64_digit(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Standard base64 (RFC 4648 section 4), with or without '=' padding. */
static bool base64_decode(dctx *d, const char *s, size_t n, aeo_value *out) {
    size_t pad = 0;
    if (n % 4 == 0)
        while (pad < 2 && pad < n && s[n - 1 - pad] == '=') pad++;
    size_t m = n - pad;
    if (m % 4 == 1) goto bad;
    char *buf = aeo_arena_alloc(d->a, m / 4 * 3 + 3);
    size_t o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < m; i++) {
        int v = b64_digit((unsigned char)s[i]);
        if (v < 0) goto bad;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    *out = aeo_bytes(d->a, buf, o);
    if (out->kind == AEO_V_ERROR) return derr(d, "bytes too long");
    return true;
bad:
    return derr(d, "%s is not base64", quote(d, s, n));
}

/* Whether [s] is one of the enum's values (exact, case-sensitive). */
static bool in_enum(const aeo_type *t, const char *s, size_t n) {
    for (uint32_t i = 0; i < t->n_enum; i++)
        if (strlen(t->enum_values[i]) == n && memcmp(t->enum_values[i], s, n) == 0) return true;
    return false;
}

/* "<path>: "gold" is not one of "advanced", "general", ...": every value is
 * listed, so the message alone says how to fix the record. */
static bool enum_miss(dctx *d, const aeo_type *t, const char *s, size_t n) {
    size_t cap = 64;
    for (uint32_t i = 0; i < t->n_enum; i++) cap += strlen(t->enum_values[i]) * 6 + 4;
    char *list = aeo_arena_alloc(d->a, cap);
    size_t o = 0;
    for (uint32_t i = 0; i < t->n_enum; i++) {
        const char *q = quote(d, t->enum_values[i], strlen(t->enum_values[i]));
        o += (size_t)snprintf(list + o, cap - o, "%s%s", i ? ", " : "", q);
    }
    list[o] = '\0';
    return derr(d, "%s is not one of %s", quote(d, s, n), list);
}

/* timestamp <- "YYYY-MM-DD" (midnight UTC) or RFC 3339, per celtime. */
static bool parse_timestamp(dctx *d, const char *s, size_t n, aeo_value *out) {
    int64_t sec;
    int32_t nanos;
    if (!aeo_time_parse_timestamp(s, n, &sec, &nanos))
        return derr(d, "%s is not a date (YYYY-MM-DD) or an RFC 3339 timestamp",
                    quote(d, s, n));
    *out = aeo_timestamp(sec, nanos);
    return true;
}

/* duration <- a Go/CEL duration string ("1h30m", "90s"), per celtime. */
static bool parse_duration(dctx *d, const char *s, size_t n, aeo_value *out) {
    int64_t sec;
    int32_t nanos;
    if (!aeo_time_parse_duration(s, n, &sec, &nanos))
        return derr(d, "%s is not a duration (such as \"1h30m\" or \"90s\")", quote(d, s, n));
    *out = aeo_duration(sec, nanos);
    return true;
}

/* A record value of type [rt] with every slot ABSENT; [slots] receives the
 * slot array to fill. */
static aeo_value new_record(dctx *d, const aeo_record_type *rt, aeo_value **slots) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < rt->n_fields; i++)
        if (rt->fields[i].slot + 1 > n) n = rt->fields[i].slot + 1;
    aeo_record *rec = aeo_arena_alloc(d->a, sizeof *rec);
    rec->type = rt;
    rec->slots = aeo_arena_alloc(d->a, (n ? n : 1) * sizeof(aeo_value));
    for (uint32_t i = 0; i < n; i++) rec->slots[i] = aeo_absent();
    *slots = rec->slots;
    aeo_value v = {.kind = AEO_V_RECORD};
    v.as.r = rec;
    return v;
}

static bool dec(dctx *d, const aeo_type *t, const cJSON *j, aeo_value *out);

/* dyn <- any JSON: integral numbers within ±(2^53-1) become int, other
 * numbers double, objects maps with string keys, arrays lists. */
static bool dec_dyn(dctx *d, const cJSON *j, aeo_value *out) {
    if (cJSON_IsNull(j)) {
        *out = aeo_null();
    } else if (cJSON_IsBool(j)) {
        *out = aeo_bool(cJSON_IsTrue(j));
    } else if (cJSON_IsNumber(j)) {
        double v = j->valuedouble;
        if (!finite_number(d, j)) return false;
        *out = v == trunc(v) && fabs(v) <= MAX_EXACT ? aeo_int((int64_t)v) : aeo_double(v);
    } else if (cJSON_IsString(j)) {
        return make_string(d, j->valuestring, strlen(j->valuestring), out);
    } else if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
        return dec(d, cJSON_IsArray(j) ? &aeo_type_list_dyn : &aeo_type_map_dyn, j, out);
    } else {
        return derr(d, "unreadable JSON value");
    }
    return true;
}

/* record <- object: each schema field from the member of the same name;
 * members the schema does not declare are ignored. */
static bool dec_record(dctx *d, const aeo_record_type *rt, const cJSON *obj, aeo_value *out) {
    const cJSON **found = aeo_arena_zalloc(d->a, (rt->n_fields + 1) * sizeof *found);
    for (const cJSON *c = obj->child; c; c = c->next) {
        for (uint32_t i = 0; i < rt->n_fields; i++) {
            if (strcmp(rt->fields[i].name, c->string) != 0) continue;
            if (found[i]) {
                path_field(d, rt->fields[i].name);
                return derr(d, "duplicate key");
            }
            found[i] = c;
            break;
        }
    }
    aeo_value *slots;
    aeo_value v = new_record(d, rt, &slots);
    for (uint32_t i = 0; i < rt->n_fields; i++) {
        const aeo_field *f = &rt->fields[i];
        const cJSON *j = found[i];
        size_t old = path_field(d, f->name);
        if (!j || cJSON_IsNull(j)) {
            if (!f->optional)
                return derr(d, j ? "required field is null" : "missing required field");
        } else if (!dec(d, f->type, j, &slots[f->slot])) {
            return false;
        }
        path_pop(d, old);
    }
    *out = v;
    return true;
}

/* The value of [j] as type [t]. */
static bool dec(dctx *d, const aeo_type *t, const cJSON *j, aeo_value *out) {
    switch (t->kind) {
    case AEO_T_DYN:
        return dec_dyn(d, j, out);
    case AEO_T_NULL:        /* null <- null only */
        if (!cJSON_IsNull(j)) return mismatch(d, t, j);
        *out = aeo_null();
        return true;
    case AEO_T_BOOL:        /* bool <- true | false */
        if (!cJSON_IsBool(j)) return mismatch(d, t, j);
        *out = aeo_bool(cJSON_IsTrue(j));
        return true;
    case AEO_T_INT:
    case AEO_T_UINT:
        if (!cJSON_IsNumber(j)) return mismatch(d, t, j);
        return dec_integer(d, j, t->kind == AEO_T_UINT, out);
    case AEO_T_DOUBLE:      /* double <- any finite number */
        if (!cJSON_IsNumber(j)) return mismatch(d, t, j);
        if (!finite_number(d, j)) return false;
        *out = aeo_double(j->valuedouble);
        return true;
    /* string, enum, bytes (base64), timestamp, duration <- string */
    case AEO_T_STRING:
    case AEO_T_ENUM:
    case AEO_T_BYTES:
    case AEO_T_TIMESTAMP:
    case AEO_T_DURATION: {
        if (!cJSON_IsString(j)) return mismatch(d, t, j);
        const char *s = j->valuestring;
        size_t n = strlen(s);
        if (t->kind == AEO_T_BYTES) return base64_decode(d, s, n, out);
        if (t->kind == AEO_T_TIMESTAMP) return parse_timestamp(d, s, n, out);
        if (t->kind == AEO_T_DURATION) return parse_duration(d, s, n, out);
        if (t->kind == AEO_T_ENUM && !in_enum(t, s, n)) return enum_miss(d, t, s, n);
        return make_string(d, s, n, out);
    }
    case AEO_T_LIST: {      /* list<T> <- array, each element a T */
        if (!cJSON_IsArray(j)) return mismatch(d, t, j);
        const aeo_type *et = t->elem ? t->elem : &aeo_type_dyn;
        aeo_value l = aeo_list_new(d->a, (uint32_t)cJSON_GetArraySize(j));
        size_t i = 0;
        for (const cJSON *c = j->child; c; c = c->next, i++) {
            aeo_value item;
            size_t old = path_index(d, i);
            if (!dec(d, et, c, &item)) return false;
            path_pop(d, old);
            aeo_list_push(d->a, l.as.l, item);
        }
        *out = l;
        return true;
    }
    case AEO_T_MAP: {       /* map<string, T> <- object, each member a T */
        if (!cJSON_IsObject(j)) return mismatch(d, t, j);
        if (t->key && t->key->kind != AEO_T_STRING && t->key->kind != AEO_T_DYN)
            return derr(d, "cannot read %s from JSON, whose keys are strings",
                        type_name(d, t));
        const aeo_type *vt = t->elem ? t->elem : &aeo_type_dyn;
        aeo_value m = aeo_map_new(d->a, (uint32_t)cJSON_GetArraySize(j));
        for (const cJSON *c = j->child; c; c = c->next) {
            aeo_value key, val;
            size_t old = d->plen, kn = strlen(c->string);
            const char *q = quote(d, c->string, kn);
            path_add(d, "[", 1);
            path_add(d, q, strlen(q));
            path_add(d, "]", 1);
            if (!make_string(d, c->string, kn, &key) || !dec(d, vt, c, &val)) return false;
            if (!aeo_map_put(d->a, m.as.m, key, val)) return derr(d, "duplicate key");
            path_pop(d, old);
        }
        *out = m;
        return true;
    }
    case AEO_T_RECORD:      /* record <- object, field by field */
        if (!cJSON_IsObject(j)) return mismatch(d, t, j);
        return dec_record(d, t->rec, j, out);
    default:                /* type, error: not facts types */
        return derr(d, "cannot read %s from JSON", type_name(d, t));
    }
}

bool aeo_facts_decode(aeo_arena *a, const aeo_record_type *root, const char *root_name,
                      const char *text, size_t len, uint64_t line, aeo_value *out,
                      const char **error) {
    jerr e;
    uint64_t el, ec;
    if (!validate(text, len, &e)) {
        locate(text, e.off, line, 1, &el, &ec);
        *error = aeo_arena_printf(a, "line %" PRIu64 ", column %" PRIu64 ": %s", el, ec, e.what);
        return false;
    }
    cJSON *j = cJSON_ParseWithLength(text, len);
    if (!j || !cJSON_IsObject(j)) {
        /* Valid JSON that cJSON still refuses: only out of memory. */
        cJSON_Delete(j);
        *error = aeo_arena_printf(a, "line %" PRIu64 ": the JSON parser failed (out of memory?)",
                                  line);
        return false;
    }
    dctx d = {.a = a, .text = text, .len = len, .root = j};
    path_add(&d, root_name, strlen(root_name));
    bool ok = dec_record(&d, root, j, out);
    if (!ok) *error = d.error;
    free(d.path);
    cJSON_Delete(j);
    return ok;
}

/* ======================================================================== */
/* From a CEL value                                                         */
/* ======================================================================== */

/* The kind of a CEL value for messages.  Not aeo_value_type_name: that one
 * says "google.protobuf.Timestamp" and "null_type", where a message about a
 * facts literal reads better with the schema's own words. */
static const char *value_kind(aeo_value v) {
    switch ((aeo_vkind)v.kind) {
    case AEO_V_NULL: return "null";
    case AEO_V_BOOL: return "bool";
    case AEO_V_INT: return "int";
    case AEO_V_UINT: return "uint";
    case AEO_V_DOUBLE: return "double";
    case AEO_V_STRING: return "string";
    case AEO_V_BYTES: return "bytes";
    case AEO_V_LIST: return "list";
    case AEO_V_MAP: return "map";
    case AEO_V_TIMESTAMP: return "timestamp";
    case AEO_V_DURATION: return "duration";
    case AEO_V_RECORD: return v.as.r->type->name;
    case AEO_V_TYPE: return "type";
    case AEO_V_ERROR: return "error";
    case AEO_V_UNKNOWN: return "unknown";
    case AEO_V_ABSENT: return "absent";
    }
    return "value";
}

/* "<path>: expected <schema type>, got <value kind>". */
static bool vmismatch(dctx *d, const aeo_type *t, aeo_value v) {
    return derr(d, "expected %s, got %s", type_name(d, t), value_kind(v));
}

/* A deep copy of [v] in the arena, so the result does not depend on the
 * arena the literal was built in. */
static bool copy_value(dctx *d, aeo_value v, aeo_value *out) {
    switch ((aeo_vkind)v.kind) {
    case AEO_V_STRING:
        return make_string(d, v.as.s->data, v.as.s->len, out);
    case AEO_V_BYTES:
        *out = aeo_bytes(d->a, v.as.s->data, v.as.s->len);
        return true;
    case AEO_V_LIST: {
        aeo_value l = aeo_list_new(d->a, v.as.l->len);
        for (uint32_t i = 0; i < v.as.l->len; i++) {
            aeo_value item;
            if (!copy_value(d, v.as.l->items[i], &item)) return false;
            aeo_list_push(d->a, l.as.l, item);
        }
        *out = l;
        return true;
    }
    case AEO_V_MAP: {
        aeo_value m = aeo_map_new(d->a, v.as.m->len);
        for (uint32_t i = 0; i < v.as.m->len; i++) {
            aeo_value k, val;
            if (!copy_value(d, v.as.m->keys[i], &k) || !copy_value(d, v.as.m->vals[i], &val))
                return false;
            aeo_map_put(d->a, m.as.m, k, val);
        }
        *out = m;
        return true;
    }
    case AEO_V_RECORD: {
        const aeo_record_type *rt = v.as.r->type;
        aeo_value *slots;
        aeo_value r = new_record(d, rt, &slots);
        for (uint32_t i = 0; i < rt->n_fields; i++) {
            uint32_t s = rt->fields[i].slot;
            if (v.as.r->slots[s].kind == AEO_V_ABSENT) continue;
            if (!copy_value(d, v.as.r->slots[s], &slots[s])) return false;
        }
        *out = r;
        return true;
    }
    case AEO_V_ERROR:
    case AEO_V_UNKNOWN:
    case AEO_V_ABSENT:
        return derr(d, "expected a value, got %s", value_kind(v));
    default:
        *out = v;
        return true;
    }
}

static bool conv(dctx *d, const aeo_type *t, aeo_value v, aeo_value *out);

/* The value of the field [f] of a record being converted: [v] is what the
 * literal gives for it, or NULL when it is not there. */
static bool conv_field(dctx *d, const aeo_field *f, const aeo_value *v, aeo_value *slot) {
    if (!v || v->kind == AEO_V_NULL || v->kind == AEO_V_ABSENT) {
        if (f->optional) return true;
        return derr(d, v && v->kind == AEO_V_NULL ? "required field is null"
                                                  : "missing required field");
    }
    return conv(d, f->type, *v, slot);
}

/* record <- map with string keys (other keys are ignored, like undeclared
 * fields), or a record of the same type. */
static bool conv_record(dctx *d, const aeo_type *t, aeo_value v, aeo_value *out) {
    const aeo_record_type *rt = t->rec;
    if (v.kind != AEO_V_MAP && !(v.kind == AEO_V_RECORD && v.as.r->type == rt))
        return vmismatch(d, t, v);
    aeo_value *slots;
    aeo_value r = new_record(d, rt, &slots);
    for (uint32_t i = 0; i < rt->n_fields; i++) {
        const aeo_field *f = &rt->fields[i];
        const aeo_value *fv = NULL;
        if (v.kind == AEO_V_RECORD) {
            fv = &v.as.r->slots[f->slot];
        } else {
            size_t n = strlen(f->name);
            for (uint32_t k = 0; k < v.as.m->len; k++) {
                aeo_value key = v.as.m->keys[k];
                if (key.kind == AEO_V_STRING && key.as.s->len == n &&
                    memcmp(key.as.s->data, f->name, n) == 0) {
                    fv = &v.as.m->vals[k];
                    break;
                }
            }
        }
        size_t old = path_field(d, f->name);
        if (!conv_field(d, f, fv, &slots[f->slot])) return false;
        path_pop(d, old);
    }
    *out = r;
    return true;
}

/* The value [v] as type [t]. */
static bool conv(dctx *d, const aeo_type *t, aeo_value v, aeo_value *out) {
    switch (t->kind) {
    case AEO_T_DYN:
        return copy_value(d, v, out);
    case AEO_T_NULL:
        if (v.kind != AEO_V_NULL) return vmismatch(d, t, v);
        *out = v;
        return true;
    case AEO_T_BOOL:
        if (v.kind != AEO_V_BOOL) return vmismatch(d, t, v);
        *out = v;
        return true;
    case AEO_T_INT:         /* int <- int only: 1.0 says "double" */
        if (v.kind != AEO_V_INT) return vmismatch(d, t, v);
        *out = v;
        return true;
    case AEO_T_UINT:        /* uint <- uint, or an int >= 0 (literals are ints) */
        if (v.kind == AEO_V_UINT) {
            *out = v;
            return true;
        }
        if (v.kind != AEO_V_INT) return vmismatch(d, t, v);
        if (v.as.i < 0) return derr(d, "%" PRId64 " is negative, expected uint", v.as.i);
        *out = aeo_uint((uint64_t)v.as.i);
        return true;
    case AEO_T_DOUBLE:      /* double <- any number */
        if (v.kind == AEO_V_DOUBLE) *out = v;
        else if (v.kind == AEO_V_INT) *out = aeo_double((double)v.as.i);
        else if (v.kind == AEO_V_UINT) *out = aeo_double((double)v.as.u);
        else return vmismatch(d, t, v);
        return true;
    case AEO_T_STRING:
    case AEO_T_ENUM:
        if (v.kind != AEO_V_STRING) return vmismatch(d, t, v);
        if (t->kind == AEO_T_ENUM && !in_enum(t, v.as.s->data, v.as.s->len))
            return enum_miss(d, t, v.as.s->data, v.as.s->len);
        return make_string(d, v.as.s->data, v.as.s->len, out);
    case AEO_T_BYTES:       /* bytes <- bytes, or base64 as in JSON */
        if (v.kind == AEO_V_BYTES) return copy_value(d, v, out);
        if (v.kind != AEO_V_STRING) return vmismatch(d, t, v);
        return base64_decode(d, v.as.s->data, v.as.s->len, out);
    case AEO_T_TIMESTAMP:   /* timestamp <- timestamp, or a string as in JSON */
        if (v.kind == AEO_V_TIMESTAMP) {
            *out = v;
            return true;
        }
        if (v.kind != AEO_V_STRING) return vmismatch(d, t, v);
        return parse_timestamp(d, v.as.s->data, v.as.s->len, out);
    case AEO_T_DURATION:    /* duration <- duration, or a string as in JSON */
        if (v.kind == AEO_V_DURATION) {
            *out = v;
            return true;
        }
        if (v.kind != AEO_V_STRING) return vmismatch(d, t, v);
        return parse_duration(d, v.as.s->data, v.as.s->len, out);
    case AEO_T_LIST: {
        if (v.kind != AEO_V_LIST) return vmismatch(d, t, v);
        const aeo_type *et = t->elem ? t->elem : &aeo_type_dyn;
        aeo_value l = aeo_list_new(d->a, v.as.l->len);
        for (uint32_t i = 0; i < v.as.l->len; i++) {
            aeo_value item;
            size_t old = path_index(d, i);
            if (!conv(d, et, v.as.l->items[i], &item)) return false;
            path_pop(d, old);
            aeo_list_push(d->a, l.as.l, item);
        }
        *out = l;
        return true;
    }
    case AEO_T_MAP: {       /* map<K, V> <- map, keys as K, values as V */
        if (v.kind != AEO_V_MAP) return vmismatch(d, t, v);
        const aeo_type *kt = t->key ? t->key : &aeo_type_dyn;
        const aeo_type *vt = t->elem ? t->elem : &aeo_type_dyn;
        aeo_value m = aeo_map_new(d->a, v.as.m->len);
        for (uint32_t i = 0; i < v.as.m->len; i++) {
            aeo_value key = v.as.m->keys[i], k2, val;
            size_t old = d->plen;
            if (key.kind == AEO_V_STRING) {
                const char *q = quote(d, key.as.s->data, key.as.s->len);
                path_add(d, "[", 1);
                path_add(d, q, strlen(q));
                path_add(d, "]", 1);
            }
            if (!conv(d, kt, key, &k2)) return false;
            if (!conv(d, vt, v.as.m->vals[i], &val)) return false;
            path_pop(d, old);
            aeo_map_put(d->a, m.as.m, k2, val);
        }
        *out = m;
        return true;
    }
    case AEO_T_RECORD:
        return conv_record(d, t, v, out);
    default:
        return derr(d, "cannot convert to %s", type_name(d, t));
    }
}

bool aeo_facts_from_value(aeo_arena *a, const aeo_record_type *root, const char *root_name,
                          aeo_value map, aeo_value *out, const char **error) {
    aeo_type rt = {.kind = AEO_T_RECORD, .rec = root};
    dctx d = {.a = a};
    path_add(&d, root_name, strlen(root_name));
    bool ok = conv_record(&d, &rt, map, out);
    if (!ok) *error = d.error;
    free(d.path);
    return ok;
}
