/* Facts input: splitting a stream into records, strict JSON validation, and
 * schema-directed decoding (see facts.h for the contract).
 *
 * Three passes, each simple on its own:
 *   1. the reader splits the byte stream into records by the input's form
 *      (JSON Lines, one JSON array, or whitespace-separated documents),
 *      tracking only strings and bracket depth, in memory bounded by the
 *      largest record (capped at 64 MiB);
 *   2. simdjson (runtime/json_simd.cpp, its validating DOM parser) checks
 *      one record's text against RFC 8259 and parses it onto its tape; a
 *      text it refuses goes to validate(), which checks it in one pass and
 *      reports the first error by line and column (simdjson says only that
 *      a text is wrong, never where);
 *   3. the decoder walks the tape with the schema (tdec); a record with a
 *      problem of any kind is decoded again by the careful path, cJSON's
 *      tree walked by dec(), so every type error names a field path
 *      ("enterprise.address.city") and is the first in schema order.
 * So a good record costs one simdjson parse and one walk, and a bad one
 * gets exactly the message it always had.
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
 * Streaming: the reader reads the descriptor in 256 KiB blocks with
 * read(2), which returns whatever has arrived (fread on a pipe would wait
 * for a whole block before a record could be yielded), and splits JSON
 * Lines with memchr; the other forms are scanned byte by byte from the same
 * block.  A record is kept only up to the size cap, so one endless line
 * cannot exhaust memory (getline has no cap).
 *
 * Speed (issues 7 and 17): simdjson validates and parses at about a
 * gigabyte a second with the kernel libsimdjson picks for the CPU; texts
 * longer than AEO_SJ_MAX_TEXT (256 KiB) take the careful path, so that the
 * parser's memory (about 14 bytes per byte of text, per thread) stays
 * small; cJSON allocates from a scratch arena during a careful decode; both
 * decoders find fields through the record type's hash index and build the
 * error path only when there is an error. */
#include "runtime/facts.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "runtime/celtime.h"
#include "runtime/json_simd.h"

/* cJSON's type tests, inline: the library's are calls into the shared
 * object, and the decoder makes several per member.  They read the public
 * `type` field exactly as cJSON's own functions do. */
#define JTYPE(j) ((j)->type & 0xFF)
#define J_IS_NULL(j) (JTYPE(j) == cJSON_NULL)
#define J_IS_BOOL(j) ((JTYPE(j) & (cJSON_True | cJSON_False)) != 0)
#define J_IS_TRUE(j) (JTYPE(j) == cJSON_True)
#define J_IS_NUMBER(j) (JTYPE(j) == cJSON_Number)
#define J_IS_STRING(j) (JTYPE(j) == cJSON_String)
#define J_IS_ARRAY(j) (JTYPE(j) == cJSON_Array)
#define J_IS_OBJECT(j) (JTYPE(j) == cJSON_Object)

/* The largest integer magnitude a double holds exactly together with its
 * neighbours: 2^53 - 1.  JSON numbers beyond it may have been rounded. */
#define MAX_EXACT 9007199254740991.0

/* Bytes read from the input at a time. */
#define IBUF_SIZE ((size_t)256 * 1024)

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

/* ---- the fast path: simdjson -------------------------------------------- */

/* Whether the [len] bytes at [text] may hold the escape \u0000, which JSON
 * allows and aeo refuses (a string value holding NUL) while simdjson
 * accepts it: a text without a backslash cannot; one with the six bytes
 * may (or may hold "\\u0000", an escaped backslash: validate() decides). */
static bool may_hold_nul_escape(const char *text, size_t len) {
    const char *end = text + len;
    for (const char *p = memchr(text, '\\', len); p; p = memchr(p + 1, '\\', (size_t)(end - p - 1)))
        if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0) return true;
    return false;
}

/* Whether the text is exactly one JSON object that validate() accepts, by
 * simdjson's validating parse (runtime/json_simd.h); false also when it
 * cannot tell (a text longer than AEO_SJ_MAX_TEXT, \u0000, no memory),
 * and validate() then decides, with its message.  simdjson is at least as
 * strict as validate() everywhere else (it also refuses numbers beyond 64
 * bits or a double's range, which validate() takes). */
static bool sj_valid(const char *text, size_t len, aeo_sj_doc *doc) {
    if (may_hold_nul_escape(text, len)) return false;
    return aeo_sj_parse(text, len, doc) == AEO_SJ_OK && aeo_sj_type(doc, 1) == '{';
}

_Static_assert(AEO_SJ_MAX_DEPTH == AEO_FACTS_MAX_DEPTH, "simdjson's depth limit is the reader's");

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
    int fd;                  /* fileno(in), or -1: then fread */
    char *name;
    int form;
    bool validate;           /* see aeo_facts_reader_set_validate */
    /* Input block: bytes ibuf[ipos, iend) are read but not yet consumed. */
    char *ibuf;
    size_t ipos, iend;
    bool ieof;
    bool keep;               /* aeo_facts_reader_keep_blocks */
    char **retired;          /* blocks done with, for the caller to free */
    size_t n_retired, cap_retired;
    char **spare;            /* blocks given back, for reuse */
    size_t n_spare, cap_spare;
    size_t max;              /* record size cap */
    int err;                 /* errno of a failed read, or 0 */
    bool may_block;          /* the input is not a regular file */
    bool (*wait)(void *, int);   /* aeo_facts_reader_set_wait */
    void *wait_ctx;
    bool stopped;            /* wait said stop */
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
    bool arr_no_comma;       /* F_ARRAY: the next element lacks its ',' */
    bool arr_skip_comma;     /* F_ARRAY: a stray closer was reported; its ',' goes with it */
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
    r->fd = fileno(in);
    struct stat st;
    r->may_block = r->fd >= 0 && (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode));
    r->validate = true;
    r->ibuf = aeo_xmalloc(IBUF_SIZE);
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
    free(r->ibuf);
    for (size_t i = 0; i < r->n_retired; i++) free(r->retired[i]);
    free(r->retired);
    for (size_t i = 0; i < r->n_spare; i++) free(r->spare[i]);
    free(r->spare);
    free(r->rec);
    free(r->msg);
    free(r->pending);
    free(r);
}

void aeo_facts_reader_set_max_record(aeo_facts_reader *r, size_t max_bytes) {
    r->max = max_bytes ? max_bytes : 1;
}

void aeo_facts_reader_set_validate(aeo_facts_reader *r, bool on) { r->validate = on; }

void aeo_facts_reader_keep_blocks(aeo_facts_reader *r) { r->keep = true; }

void aeo_facts_reader_set_wait(aeo_facts_reader *r, bool (*wait)(void *ctx, int fd), void *ctx) {
    r->wait = wait;
    r->wait_ctx = ctx;
}

bool aeo_facts_reader_stopped(const aeo_facts_reader *r) { return r->stopped; }

bool aeo_facts_reader_would_block(aeo_facts_reader *r) {
    if (!r->may_block || r->ieof || r->npush || r->pending || r->form == F_END) return false;
    if (r->ipos < r->iend && memchr(r->ibuf + r->ipos, '\n', r->iend - r->ipos)) return false;
    struct pollfd p = {r->fd, POLLIN, 0};
    return poll(&p, 1, 0) == 0;
}

void aeo_facts_reader_recycle(aeo_facts_reader *r, void *block) {
    if (r->n_spare == r->cap_spare) {
        r->cap_spare = r->cap_spare ? 2 * r->cap_spare : 8;
        r->spare = aeo_xrealloc(r->spare, r->cap_spare * sizeof *r->spare);
    }
    r->spare[r->n_spare++] = block;
}

void *aeo_facts_reader_retired(aeo_facts_reader *r) {
    if (r->n_retired == 0) return NULL;
    void *b = r->retired[0];
    memmove(r->retired, r->retired + 1, (r->n_retired - 1) * sizeof *r->retired);
    r->n_retired--;
    return b;
}

/* Reads the next block of input into ibuf; false at the end of the input
 * or on a read error (remembered in r->err).  read(2) on the descriptor
 * returns whatever has arrived, so on a pipe a record is yielded as soon as
 * its last byte is there; fread, which waits for a whole block, serves only
 * streams without a descriptor (fmemopen). */
static bool refill(aeo_facts_reader *r) {
    if (r->ieof) return false;
    size_t at = 0;
    if (r->keep) {
        /* The caller may still hold records in this block: new bytes go
         * after them while there is room (a pipe delivers 64 KiB at a time),
         * then into a new block. */
        if (r->iend < IBUF_SIZE) {
            at = r->iend;
        } else {
            if (r->n_retired == r->cap_retired) {
                r->cap_retired = r->cap_retired ? 2 * r->cap_retired : 8;
                r->retired = aeo_xrealloc(r->retired, r->cap_retired * sizeof *r->retired);
            }
            r->retired[r->n_retired++] = r->ibuf;
            r->ibuf = r->n_spare ? r->spare[--r->n_spare] : aeo_xmalloc(IBUF_SIZE);
            r->ipos = r->iend = 0;
        }
    }
    ssize_t n;
    /* Before a read that may block: the caller's wait function decides
     * (see aeo_facts_reader_set_wait). */
    if (r->may_block && r->wait && !r->wait(r->wait_ctx, r->fd)) {
        r->stopped = true;
        r->ieof = true;
        return false;
    }
    if (r->fd >= 0) {
        do n = read(r->fd, r->ibuf + at, IBUF_SIZE - at);
        while (n < 0 && errno == EINTR);
    } else {
        n = (ssize_t)fread(r->ibuf + at, 1, IBUF_SIZE - at, r->in);
        if (n == 0 && ferror(r->in)) n = -1;
    }
    if (n <= 0) {
        if (n < 0 && !r->err) r->err = errno ? errno : EIO;
        r->ieof = true;
        return false;
    }
    r->ipos = at;
    r->iend = at + (size_t)n;
    return true;
}

/* The next byte without position tracking, or EOF (remembering a read
 * error). */
static inline int raw(aeo_facts_reader *r) {
    if (r->npush) return r->push[--r->npush];
    if (r->ipos == r->iend && !refill(r)) return EOF;
    return (unsigned char)r->ibuf[r->ipos++];
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

/* Appends the [n] bytes at [p] to the record (as put() would, byte by
 * byte). */
static void put_bytes(aeo_facts_reader *r, const char *p, size_t n) {
    if (r->len + n > r->max) {
        r->over = true;
        n = r->len < r->max ? r->max - r->len : 0;
    }
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap;
        while (cap < r->len + n + 1) cap *= 2;
        if (cap > r->max + 1) cap = r->max + 1;
        r->rec = aeo_xrealloc(r->rec, cap);
        r->cap = cap;
    }
    memcpy(r->rec + r->len, p, n);
    r->len += n;
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
/* Yields the [len] bytes at [text] (NUL-terminated; the record that
 * starts at rline:rcol) as RECORD, or BAD with the validator's message. */
static aeo_facts_status emit_text(aeo_facts_reader *r, aeo_facts_item *it, const char *text, size_t len) {
    jerr e;
    uint64_t line, col;
    it->text = text;
    it->len = len;
    it->line = r->rline;
    /* Unvalidated records (aeo_facts_reader_set_validate) start in column
     * 1, so aeo_facts_decode reports a syntax error at the same line and
     * column as this would. */
    if (!r->validate && r->rcol == 1) return AEO_FACTS_RECORD;
    aeo_sj_doc doc;
    if (sj_valid(text, len, &doc) || validate(text, len, &e)) return AEO_FACTS_RECORD;
    locate(text, e.off, r->rline, r->rcol, &line, &col);
    setmsg(r, "line %" PRIu64 ", column %" PRIu64 ": %s", line, col, e.what);
    it->error = r->msg;
    return AEO_FACTS_BAD;
}

static aeo_facts_status emit(aeo_facts_reader *r, aeo_facts_item *it) {
    if (r->over) return too_big(r, it);
    item_text(r, it);
    return emit_text(r, it, r->rec, r->len);
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
        if (c == '\n' && r->form == F_START) {
            /* The first object does not close on its first line.  That is a
             * pretty-printed document, unless the line ends inside a string
             * (JSON strings hold no raw line breaks) or the next line starts
             * with '{' in column 1: then it is a JSON Lines file whose first
             * line is broken, and every line stays a record of its own. */
            int next = rd(r);
            if (next != EOF) unget(r, next);
            if (str || next == '{') {
                r->form = F_LINES;
                trim_right(r);
                return emit(r, it);
            }
            r->form = F_DOCS;
        }
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
        /* The first object closed on its first line: JSON Lines (unless
         * another object follows on that line: concatenated documents).
         * Anything else after it on that line belongs to that line's record
         * (which is then malformed), so records stay one per line. */
        r->form = F_LINES;
        for (;;) {
            c = rd(r);
            if (c == '\n' || c == EOF) break;
            if (is_ws(c)) continue;
            if (c == '{') {
                /* Another object on the same line: concatenated documents. */
                unget(r, c);
                r->form = F_DOCS;
                break;
            }
            put(r, c);
            for (;;) {
                c = rd(r);
                if (c == '\n' || c == EOF) break;
                put(r, c);
            }
            break;
        }
        trim_right(r);
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

/* F_LINES: the next non-blank line.  The line is found with memchr in the
 * input block and copied in pieces, not byte by byte. */
static aeo_facts_status next_line(aeo_facts_reader *r, aeo_facts_item *it) {
    for (;;) {
        bool blank = true, nl = false;
        begin(r, r->line, r->col);
        /* The usual case: the whole line is in the block, so the record is
         * yielded where it lies, its newline overwritten with the NUL. */
        if (!r->npush && r->ipos < r->iend) {
            char *p = r->ibuf + r->ipos;
            char *e = memchr(p, '\n', r->iend - r->ipos);
            size_t n = e ? (size_t)(e - p) : 0;
            if (e && n <= r->max && n > 0 && !is_ws((unsigned char)p[0])) {
                r->ipos += n + 1;
                r->line++;
                r->col = 1;
                if (p[n - 1] == '\r') n--;
                p[n] = '\0';
                it->in_block = r->keep;
                return emit_text(r, it, p, n);
            }
        }
        while (r->npush) {  /* bytes given back (only ever before the first line) */
            int c = raw(r);
            if (c == '\n') {
                nl = true;
                break;
            }
            r->col++;
            if (!is_ws(c)) blank = false;
            put(r, c);
        }
        while (!nl) {
            if (r->ipos == r->iend && !refill(r)) break;
            const char *p = r->ibuf + r->ipos;
            size_t avail = r->iend - r->ipos;
            const char *e = memchr(p, '\n', avail);
            size_t n = e ? (size_t)(e - p) : avail;
            if (blank)
                for (size_t i = 0; i < n && blank; i++) blank = is_ws((unsigned char)p[i]);
            put_bytes(r, p, n);
            r->ipos += n + (e ? 1 : 0);
            r->col += n;
            nl = e != NULL;
        }
        if (nl) {
            r->line++;
            r->col = 1;
        }
        if (r->err) return ioerr(r, it);
        if (!blank) {
            if (!r->over && r->rec[r->len - 1] == '\r') r->len--;
            return emit(r, it);
        }
        if (!nl) {
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
    if (c == ',' && r->arr_skip_comma) {
        /* The ',' after a stray closer, already reported: the element
         * follows. */
        r->arr_skip_comma = false;
        do c = rd(r);
        while (c != EOF && is_ws(c));
        if (c == EOF) {
            if (r->err) return ioerr(r, it);
            r->form = F_END;
            return bad_at(r, it, r->line, r->col, "unexpected end of input: the array is not closed");
        }
    }
    r->arr_skip_comma = false;
    if (c == ',')   /* an empty element: bad, but the next one is findable */
        return bad_at(r, it, r->line, r->col - 1, "unexpected ','");

    begin(r, r->line, r->col - 1);
    uint64_t start_line = r->line, start_col = r->col - 1;
    bool no_comma = r->arr_no_comma;
    r->arr_no_comma = false;
    put(r, c);
    uint64_t depth = (c == '{' || c == '[') ? 1 : 0;
    bool str = c == '"', esc = false, closed = false;
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
            if (closed && depth == 0) {
                /* A new element right after a complete one: the ','
                 * between them is missing.  This element ends here; the
                 * next is reported as lacking its ',' (one output record
                 * per element, none merged). */
                unget(r, c);
                r->arr_no_comma = true;
                c = ',';
                break;
            }
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0) break;
            if (--depth == 0) closed = true;
        } else if (c == ',' && depth == 0) {
            break;
        }
        put(r, c);
    }
    if (no_comma && c != EOF) {
        r->len = 0;
        if (c == ']') r->form = F_TAIL;
        else if (c == '}') {
            queue_bad(r, r->line, r->col - 1, "unexpected '}'");
            r->form = F_ARRAY;
            r->arr_skip_comma = true;
        }
        return bad_at(r, it, start_line, start_col, "missing ',' before this array element");
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
        /* A stray closer: reported after this element; reading goes on
         * with the next element. */
        queue_bad(r, r->line, r->col - 1, "unexpected '}'");
        r->form = F_ARRAY;
        r->arr_skip_comma = true;
    }
    return emit(r, it);
}

aeo_facts_status aeo_facts_next(aeo_facts_reader *r, aeo_facts_item *it) {
    it->text = "";
    it->len = 0;
    it->line = 0;
    it->error = NULL;
    it->in_block = false;
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
    if (r->stopped) return AEO_FACTS_EOF;
    aeo_facts_status s = AEO_FACTS_EOF;
    switch (r->form) {
    case F_START:
        s = next_start(r, it);
        break;
    case F_LINES:
        s = next_line(r, it);
        break;
    case F_ARRAY:
        s = next_elem(r, it);
        break;
    case F_TAIL:
        s = next_tail(r, it);
        break;
    case F_DOCS:
        s = next_doc(r, it);
        break;
    default:
        break;
    }
    /* Stopped while reading: what was read of the record is dropped, not
     * reported as a record cut short. */
    if (r->stopped) {
        r->form = F_END;
        it->text = "";
        it->len = 0;
        it->error = NULL;
        it->in_block = false;
        return AEO_FACTS_EOF;
    }
    return s;
}

/* ======================================================================== */
/* Decoding                                                                 */
/* ======================================================================== */

/* State of one decode (or from_value) call.  The path is kept as a stack
 * of segments (".name", "[3]", raw text such as the root name or a quoted
 * map key) pushed as the walk descends and cut back on the way up; it
 * becomes text only when an error actually happens, so a record without
 * errors never formats a path. */
typedef struct seg {
    const char *s;           /* text (its own lifetime: names, literals, arena strings) */
    uint32_t n;
    uint8_t kind;            /* SEG_RAW, SEG_FIELD (".s"), SEG_INDEX ("[index]"), SEG_KEY ("[quoted s]") */
    size_t index;
} seg;

enum { SEG_RAW, SEG_FIELD, SEG_INDEX, SEG_KEY };

#define INLINE_SEGS 32

typedef struct dctx {
    aeo_arena *a;
    const char *text;        /* the record's JSON text, to quote numbers as written */
    size_t len;
    const cJSON *root;
    seg *segs;               /* the path: inline[] until it grows deeper */
    size_t plen, pcap;       /* segments in use, room */
    /* aeo_facts_check_value only (NULL otherwise): where problems go,
     * walking on after each, and the kind and type of the problem derr is
     * about to report.  Before inline_segs, so dctx_init zeroes them. */
    aeo_facts_problem_fn problem_fn;
    void *problem_ud;
    aeo_facts_problem_kind problem_kind;
    const aeo_type *problem_type;
    int8_t reals;            /* a number of the text has a '.' or exponent: -1 no, 1 yes, 0 not yet known */
    seg inline_segs[INLINE_SEGS];
    const char *error;
} dctx;

static void dctx_init(dctx *d, aeo_arena *a) {
    memset(d, 0, offsetof(dctx, inline_segs));
    d->a = a;
    d->segs = d->inline_segs;
    d->pcap = INLINE_SEGS;
}

static inline seg *path_push(dctx *d) {
    if (d->plen == d->pcap) {
        seg *more = aeo_arena_alloc(d->a, 2 * d->pcap * sizeof *more);
        memcpy(more, d->segs, d->plen * sizeof *more);
        d->segs = more;
        d->pcap *= 2;
    }
    return &d->segs[d->plen++];
}

/* Appends the raw text [s] (which must outlive the decode) to the path. */
static void path_add(dctx *d, const char *s, size_t n) {
    seg *g = path_push(d);
    g->kind = SEG_RAW;
    g->s = s;
    g->n = (uint32_t)n;
}

/* Appends ".name" to the path; returns the old length for path_pop. */
static inline size_t path_field(dctx *d, const char *name) {
    size_t old = d->plen;
    seg *g = path_push(d);
    g->kind = SEG_FIELD;
    g->s = name;        /* NUL-terminated: measured only if an error is written */
    g->n = UINT32_MAX;
    return old;
}

/* Appends "[i]" (a list element); returns the old length. */
static inline size_t path_index(dctx *d, size_t i) {
    size_t old = d->plen;
    seg *g = path_push(d);
    g->kind = SEG_INDEX;
    g->index = i;
    return old;
}

/* Appends ["key"] (a map entry; [s] must outlive the walk); returns the
 * old length. */
static inline size_t path_key(dctx *d, const char *s, size_t n) {
    size_t old = d->plen;
    seg *g = path_push(d);
    g->kind = SEG_KEY;
    g->s = s;
    g->n = (uint32_t)n;
    return old;
}

static const char *quote(dctx *d, const char *s, size_t n);

/* Cuts the path back to [old] segments. */
static inline void path_pop(dctx *d, size_t old) { d->plen = old; }

/* The path as text, in the arena. */
static const char *path_text(dctx *d, size_t *len) {
    /* Measured first, then written straight into the arena: no malloc,
     * since nested records call this once each while decoding. */
    size_t n = 0;
    char num[24];
    const char **keys = NULL;   /* SEG_KEY's quoted text, made once */
    for (size_t i = 0; i < d->plen; i++) {
        const seg *g = &d->segs[i];
        if (g->kind == SEG_KEY) {
            if (!keys) keys = aeo_arena_zalloc(d->a, d->plen * sizeof *keys);
            keys[i] = quote(d, g->s, g->n);
            n += strlen(keys[i]) + 2;
        } else if (g->kind == SEG_INDEX) n += (size_t)snprintf(num, sizeof num, "[%zu]", g->index);
        else n += (g->kind == SEG_FIELD ? 1 : 0) + (g->n == UINT32_MAX ? strlen(g->s) : g->n);
    }
    char *out = aeo_arena_alloc(d->a, n + 1), *p = out;
    for (size_t i = 0; i < d->plen; i++) {
        const seg *g = &d->segs[i];
        if (g->kind == SEG_INDEX) {
            p += snprintf(p, n + 1 - (size_t)(p - out), "[%zu]", g->index);
            continue;
        }
        if (g->kind == SEG_KEY) {
            size_t k = strlen(keys[i]);
            *p++ = '[';
            memcpy(p, keys[i], k);
            p += k;
            *p++ = ']';
            continue;
        }
        if (g->kind == SEG_FIELD) *p++ = '.';
        size_t k = g->n == UINT32_MAX ? strlen(g->s) : g->n;
        memcpy(p, g->s, k);
        p += k;
    }
    *p = '\0';
    *len = n;
    return out;
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

static bool report_problem(dctx *d, const char *msg);

/* Sets d->error to "<path>: <message>" in the arena; returns false.  Under
 * aeo_facts_check_value the problem goes to its callback instead. */
static bool derr(dctx *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool derr(dctx *d, const char *fmt, ...) {
    va_list ap;
    if (d->problem_fn) {
        va_start(ap, fmt);
        char *msg = aeo_arena_vprintf(d->a, fmt, ap);
        va_end(ap);
        return report_problem(d, msg);
    }
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t plen;
    const char *path = path_text(d, &plen);
    size_t size = plen + 2 + (size_t)(n < 0 ? 0 : n) + 1;
    char *msg = aeo_arena_alloc(d->a, size);
    memcpy(msg, path, plen);
    memcpy(msg + plen, ": ", 2);
    va_start(ap, fmt);
    vsnprintf(msg + plen + 2, size - plen - 2, fmt, ap);
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
    if (J_IS_NULL(j)) return "null";
    if (J_IS_BOOL(j)) return "bool";
    if (J_IS_NUMBER(j)) return "number";
    if (J_IS_STRING(j)) return "string";
    if (J_IS_ARRAY(j)) return "array";
    if (J_IS_OBJECT(j)) return "object";
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
    if (J_IS_NUMBER(j)) {
        (*k)++;
        return false;
    }
    for (const cJSON *c = j->child; c; c = c->next)
        if (count_numbers(c, target, k)) return true;
    return false;
}

/* Where the number [j] is written in the record: its offset and length in
 * d->text; false without a text.  Found by its rank among the text's number
 * tokens. */
static bool number_at(dctx *d, const cJSON *j, size_t *at, size_t *len) {
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
                    *at = st;
                    *len = i - st;
                    return true;
                }
            } else {
                i++;
            }
        }
    }
    return false;
}

/* Whether some number of the record's text is written with a fraction or
 * an exponent (one scan per record, on first need; true without a text). */
static bool has_reals(dctx *d) {
    if (d->reals == 0) {
        d->reals = d->text ? -1 : 1;
        const char *s = d->text;
        for (size_t i = 0; d->text && i < d->len && d->reals < 0; i++) {
            if (s[i] == '"') {
                for (i++; i < d->len && s[i] != '"'; i++)
                    if (s[i] == '\\') i++;
            } else if ((s[i] == '.' || s[i] == 'e' || s[i] == 'E') && i > 0 && is_digit(s[i - 1])) {
                d->reals = 1;
            }
        }
    }
    return d->reals > 0;
}

/* Whether the JSON number [s] (its [n] bytes: -?int[.frac][e[+-]exp])
 * denotes an integer exactly: its digits times ten to its exponent less the
 * fraction's length have no fraction left.  1.50e1 does; 1e-400 and
 * 1.0000000000000000001 do not, though their doubles (0 and 1) are whole. */
static bool integral_text(const char *s, size_t n) {
    size_t i = 0, last_nonzero = 0, digits = 0;
    long long frac = 0, exp = 0;
    bool any_nonzero = false, in_frac = false;
    if (i < n && s[i] == '-') i++;
    for (; i < n && (is_digit(s[i]) || s[i] == '.'); i++) {
        if (s[i] == '.') {
            in_frac = true;
            continue;
        }
        digits++;
        if (in_frac) frac++;
        if (s[i] != '0') {
            any_nonzero = true;
            last_nonzero = digits;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool neg = ++i < n && s[i] == '-';
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        for (; i < n && is_digit(s[i]); i++)
            if (exp < 100000000) exp = exp * 10 + (s[i] - '0');
        if (neg) exp = -exp;
    }
    if (!any_nonzero) return true;   /* zero, however written */
    /* The value is D * 10^(exp - frac), D ending in (digits - last_nonzero) zeros. */
    return exp - frac + (long long)(digits - last_nonzero) >= 0;
}

/* The number [j] as written in the record ("9007199254740993", "1.50"),
 * for messages: cJSON keeps only the double, which may have been rounded. */
static const char *number_text(dctx *d, const cJSON *j) {
    size_t at, len;
    if (number_at(d, j, &at, &len)) {
        if (len > 40) return aeo_arena_printf(d->a, "%.40s...", d->text + at);
        return aeo_arena_strndup(d->a, d->text + at, len);
    }
    return aeo_arena_printf(d->a, "%.17g", j->valuedouble);
}

/* ±2^53 as written: the one integer beyond MAX_EXACT that a double holds
 * exactly, told apart from its rounded neighbours by its text. */
static bool exact_2_53(dctx *d, const cJSON *j) {
    const char *t = number_text(d, j);
    if (*t == '-') t++;
    return strcmp(t, "9007199254740992") == 0;
}

/* int, uint <- a JSON number whose value is an integer within ±2^53 (the
 * contract: beyond it JSON numbers stop being exact).  The checks run on
 * the double, which is all cJSON keeps: a fraction shows as v != trunc(v);
 * beyond 2^53-1 neighbouring integers share a double, so the value may
 * already have been rounded: 2^53 itself is accepted only when its text
 * says exactly that (9007199254740993 reads as the same double).  Infinity
 * (from 1e400) is integral and beyond, so it is refused here too. */
static bool dec_integer(dctx *d, const cJSON *j, bool is_uint, aeo_value *out) {
    double v = j->valuedouble;
    if (v != trunc(v)) return derr(d, "%s is not an integer", number_text(d, j));
    /* A whole double may come from a text that is not (1e-400 is 0 to a
     * double): where the record writes some number with a fraction or an
     * exponent, this one's text decides. */
    size_t at, len;
    if (d->text && has_reals(d) && number_at(d, j, &at, &len) && !integral_text(d->text + at, len))
        return derr(d, "%s is not an integer", number_text(d, j));
    if (fabs(v) > MAX_EXACT && !(fabs(v) == MAX_EXACT + 1 && exact_2_53(d, j)))
        return derr(d, "%s is beyond ±2^53, where JSON numbers stop being exact", number_text(d, j));
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
    d->problem_kind = AEO_FACTS_NOT_IN_ENUM;
    d->problem_type = t;
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
    uint32_t n = rt->n_slots;
    if (!rt->index)
        for (uint32_t i = 0; i < rt->n_fields; i++)
            if (rt->fields[i].slot + 1 > n) n = rt->fields[i].slot + 1;
    /* The record and its slots in one allocation (aeo_record is 24 bytes,
     * a multiple of the slots' 8-byte alignment), starting on a cache line:
     * the header and the first slots are then one memory read.  A program
     * holding many decoded records (the micro benchmark: 20,000 of them)
     * otherwise reads two lines per record for one field. */
    aeo_record *rec = aeo_arena_alloc_aligned(d->a, sizeof *rec + (n ? n : 1) * sizeof(aeo_value), 64);
    rec->type = rt;
    rec->slots = (aeo_value *)(void *)(rec + 1);
    /* The root's path is its name (no allocation); a nested record's is
     * built once, as it is decoded. */
    if (d->plen == 1 && d->segs[0].kind == SEG_RAW && d->segs[0].s[d->segs[0].n] == '\0') {
        rec->path = d->segs[0].s;
    } else {
        size_t len;
        rec->path = path_text(d, &len);
    }
    uint32_t k = 0;
    if (rt->defaults) {
        /* Defaulted fields start with their default: an absent or null
         * member leaves it there. */
        k = rt->n_defaults < n ? rt->n_defaults : n;
        memcpy(rec->slots, rt->defaults, k * sizeof *rec->slots);
    }
    for (uint32_t i = k; i < n; i++) rec->slots[i] = aeo_absent();
    *slots = rec->slots;
    aeo_value v = {.kind = AEO_V_RECORD};
    v.as.r = rec;
    return v;
}

static bool dec(dctx *d, const aeo_type *t, const cJSON *j, aeo_value *out);

/* string, enum, bytes (base64), timestamp, duration <- the JSON string [s]
 * of [n] bytes (unescaped), for both decoders. */
static bool dec_text(dctx *d, const aeo_type *t, const char *s, size_t n, aeo_value *out) {
    if (t->kind == AEO_T_BYTES) return base64_decode(d, s, n, out);
    if (t->kind == AEO_T_TIMESTAMP) return parse_timestamp(d, s, n, out);
    if (t->kind == AEO_T_DURATION) return parse_duration(d, s, n, out);
    if (t->kind == AEO_T_ENUM) {
        /* An interned enum value is shared, not copied. */
        uint32_t k = 0;
        while (k < t->n_enum && !(strlen(t->enum_values[k]) == n && memcmp(t->enum_values[k], s, n) == 0)) k++;
        if (k == t->n_enum) return enum_miss(d, t, s, n);
        if (t->enum_strs) {
            *out = (aeo_value){.kind = AEO_V_STRING};
            out->as.s = t->enum_strs[k];
            return true;
        }
    }
    return make_string(d, s, n, out);
}

/* dyn <- any JSON: integral numbers within ±(2^53-1) become int, other
 * numbers double, objects maps with string keys, arrays lists. */
static bool dec_dyn(dctx *d, const cJSON *j, aeo_value *out) {
    if (J_IS_NULL(j)) {
        *out = aeo_null();
    } else if (J_IS_BOOL(j)) {
        *out = aeo_bool(J_IS_TRUE(j));
    } else if (J_IS_NUMBER(j)) {
        double v = j->valuedouble;
        if (!finite_number(d, j)) return false;
        *out = v == trunc(v) && fabs(v) <= MAX_EXACT ? aeo_int((int64_t)v) : aeo_double(v);
    } else if (J_IS_STRING(j)) {
        return make_string(d, j->valuestring, strlen(j->valuestring), out);
    } else if (J_IS_ARRAY(j) || J_IS_OBJECT(j)) {
        return dec(d, J_IS_ARRAY(j) ? &aeo_type_list_dyn : &aeo_type_map_dyn, j, out);
    } else {
        return derr(d, "unreadable JSON value");
    }
    return true;
}

/* record <- object: each schema field from the member of the same name;
 * members the schema does not declare are ignored. */
/* The field of [rt] named by the [len] bytes at [key]. */
static inline const aeo_field *key_field_n(const aeo_record_type *rt, const char *key, size_t len) {
    if (!rt->index) return aeo_record_type_find(rt, key, len);
    uint32_t i = aeo_field_hash(key, len) & rt->index_mask;
    for (uint32_t k; (k = rt->index[2 * i]) != 0; i = (i + 1) & rt->index_mask) {
        if (rt->index[2 * i + 1] != len) continue;
        const aeo_field *f = &rt->fields[k - 1];
        /* Both strings have len bytes: compare 8 bytes at a time, the last
         * word overlapping the one before. */
        if (len >= 8) {
            size_t n = 0;
            uint64_t x, y, diff = 0;
            for (; n + 8 < len; n += 8) {
                memcpy(&x, f->name + n, 8);
                memcpy(&y, key + n, 8);
                diff |= x ^ y;
            }
            memcpy(&x, f->name + len - 8, 8);
            memcpy(&y, key + len - 8, 8);
            diff |= x ^ y;
            if (diff == 0) return f;
        } else if (memcmp(f->name, key, len) == 0) {
            return f;
        }
    }
    return NULL;
}

static inline const aeo_field *key_field(const aeo_record_type *rt, const char *key) {
    return key_field_n(rt, key, strlen(key));
}

static bool dec_record_checked(dctx *d, const aeo_record_type *rt, const cJSON *obj, aeo_value *out);

/* record <- object.  The usual record is decoded in one pass over its
 * members in document order; anything irregular (a duplicate, a missing or
 * null required field, a value of the wrong type) sends the record to
 * dec_record_checked, which finds the first error in schema order, as the
 * messages promise. */
static bool dec_record(dctx *d, const aeo_record_type *rt, const cJSON *obj, aeo_value *out) {
    uint64_t seen_inline[4];
    uint32_t words = (rt->n_fields + 63) / 64;
    if (words > 4) return dec_record_checked(d, rt, obj, out);
    uint64_t *seen = seen_inline;
    memset(seen, 0, sizeof seen_inline);
    size_t base = d->plen;
    aeo_value *slots;
    aeo_value v = new_record(d, rt, &slots);
    for (const cJSON *c = obj->child; c; c = c->next) {
        const aeo_field *f = key_field(rt, c->string);
        if (!f) continue;
        size_t i = (size_t)(f - rt->fields);
        uint64_t bit = UINT64_C(1) << (i & 63);
        if (seen[i >> 6] & bit) goto checked;
        seen[i >> 6] |= bit;
        if (J_IS_NULL(c)) {
            if (!f->optional) goto checked;
            continue;
        }
        if (f->type->kind == AEO_T_BOOL) {
            if (!J_IS_BOOL(c)) goto checked;
            slots[f->slot] = aeo_bool(J_IS_TRUE(c));
            continue;
        }
        size_t old = path_field(d, f->name);
        if (!dec(d, f->type, c, &slots[f->slot])) goto checked;
        path_pop(d, old);
    }
    for (uint32_t i = 0; i < rt->n_fields; i++)
        if (!rt->fields[i].optional && !(seen[i >> 6] >> (i & 63) & 1)) goto checked;
    *out = v;
    return true;
checked:
    path_pop(d, base);
    d->error = NULL;
    return dec_record_checked(d, rt, obj, out);
}

/* The two-pass decode: duplicates first (in document order), then every
 * field in schema order, so that the first error reported is the same
 * whatever the order of the members. */
static bool dec_record_checked(dctx *d, const aeo_record_type *rt, const cJSON *obj, aeo_value *out) {
    const cJSON *inline_found[64];
    const cJSON **found = rt->n_fields <= 64 ? inline_found
                                             : aeo_arena_alloc(d->a, rt->n_fields * sizeof *found);
    memset(found, 0, rt->n_fields * sizeof *found);
    for (const cJSON *c = obj->child; c; c = c->next) {
        const aeo_field *f = aeo_record_type_find(rt, c->string, strlen(c->string));
        if (!f) continue;
        size_t i = (size_t)(f - rt->fields);
        if (found[i]) {
            path_field(d, f->name);
            return derr(d, "duplicate key");
        }
        found[i] = c;
    }
    aeo_value *slots;
    aeo_value v = new_record(d, rt, &slots);
    for (uint32_t i = 0; i < rt->n_fields; i++) {
        const aeo_field *f = &rt->fields[i];
        const cJSON *j = found[i];
        if (!j || J_IS_NULL(j)) {
            if (!f->optional) {
                path_field(d, f->name);
                return derr(d, j ? "required field is null" : "missing required field");
            }
            continue;
        }
        /* The commonest field, a bool, without a call. */
        if (f->type->kind == AEO_T_BOOL && J_IS_BOOL(j)) {
            slots[f->slot] = aeo_bool(J_IS_TRUE(j));
            continue;
        }
        size_t old = path_field(d, f->name);
        if (!dec(d, f->type, j, &slots[f->slot])) return false;
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
        if (!J_IS_NULL(j)) return mismatch(d, t, j);
        *out = aeo_null();
        return true;
    case AEO_T_BOOL:        /* bool <- true | false */
        if (!J_IS_BOOL(j)) return mismatch(d, t, j);
        *out = aeo_bool(J_IS_TRUE(j));
        return true;
    case AEO_T_INT:
    case AEO_T_UINT:
        if (!J_IS_NUMBER(j)) return mismatch(d, t, j);
        return dec_integer(d, j, t->kind == AEO_T_UINT, out);
    case AEO_T_DOUBLE:      /* double <- any finite number */
        if (!J_IS_NUMBER(j)) return mismatch(d, t, j);
        if (!finite_number(d, j)) return false;
        *out = aeo_double(j->valuedouble);
        return true;
    /* string, enum, bytes (base64), timestamp, duration <- string */
    case AEO_T_STRING:
    case AEO_T_ENUM:
    case AEO_T_BYTES:
    case AEO_T_TIMESTAMP:
    case AEO_T_DURATION:
        if (!J_IS_STRING(j)) return mismatch(d, t, j);
        return dec_text(d, t, j->valuestring, strlen(j->valuestring), out);
    case AEO_T_LIST: {      /* list<T> <- array, each element a T */
        if (!J_IS_ARRAY(j)) return mismatch(d, t, j);
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
        if (!J_IS_OBJECT(j)) return mismatch(d, t, j);
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
        if (!J_IS_OBJECT(j)) return mismatch(d, t, j);
        return dec_record(d, t->rec, j, out);
    default:                /* type, error: not facts types */
        return derr(d, "cannot read %s from JSON", type_name(d, t));
    }
}

/* ---- decoding simdjson's tape ------------------------------------------- */

/* The decoder above, on the document simdjson parsed (runtime/json_simd.h)
 * instead of a cJSON tree, for records without a problem: it builds the
 * same value from the same text and says false at the first thing that is
 * not plain (a duplicate field, a missing or null required field, a value
 * of the wrong type, a number that needs a message), without a message;
 * aeo_facts_decode then decodes the record again with cJSON and dec(), which
 * finds the first error in schema order and writes it.  Whatever it
 * allocated before saying false stays in the arena, unused.  Paths are kept
 * as dec() keeps them: nested records store theirs. */
static bool tdec(dctx *d, const aeo_sj_doc *doc, const aeo_type *t, size_t i, aeo_value *out);

/* Whether the text may hold the number -0 (which simdjson reads as the
 * integer 0, where a double field must keep the sign that strtod gives
 * it): "-0" after a byte that can precede a value and before one that
 * cannot continue the number.  Such bytes in a string ("a, -0 b") only
 * send the record to the careful decode. */
static bool text_has_minus_zero(const dctx *d) {
    const char *s = d->text, *end = s + d->len;
    for (const char *p = memchr(s, '-', d->len); p; p = memchr(p + 1, '-', (size_t)(end - p - 1))) {
        if (end - p < 2 || p[1] != '0' || p == s) continue;
        char b = p[-1], a = end - p > 2 ? p[2] : ' ';
        if ((b == ':' || b == ',' || b == '[' || is_ws(b)) && !is_digit(a) && a != '.' && a != 'e' &&
            a != 'E')
            return true;
    }
    return false;
}

/* dec_integer on the tape: an int64 within ±2^53 (simdjson reads integers
 * exactly, so the value tells what the text says).  A number written with
 * a fraction or an exponent is a double on the tape: whether its text
 * denotes an integer (1.50e1 does, 1e-400 does not, though its double is
 * 0) is dec_integer's question, so the record takes the careful decode. */
static bool tdec_integer(const aeo_sj_doc *doc, size_t i, bool is_uint, aeo_value *out) {
    unsigned ty = aeo_sj_type(doc, i);
    if (ty == 'l') {
        int64_t v = aeo_sj_int64(doc, i);
        if (v > (INT64_C(1) << 53) || v < -(INT64_C(1) << 53)) return false;
        if (!is_uint) *out = aeo_int(v);
        else if (v < 0) return false;
        else *out = aeo_uint((uint64_t)v);
        return true;
    }
    return false;   /* 'd': written with a fraction or exponent; 'u': beyond 2^63 */
}

/* A number as a double, as strtod reads its text (integers beyond 2^53
 * round to the nearest double either way). */
static bool tdec_double(const dctx *d, const aeo_sj_doc *doc, size_t i, double *v) {
    unsigned ty = aeo_sj_type(doc, i);
    if (ty == 'd') *v = aeo_sj_double(doc, i);
    else if (ty == 'l') *v = (double)aeo_sj_int64(doc, i);
    else if (ty == 'u') *v = (double)aeo_sj_uint64(doc, i);
    else return false;
    if (*v == 0 && ty == 'l' && text_has_minus_zero(d)) return false;
    return isfinite(*v);
}

static bool tdec_dyn(dctx *d, const aeo_sj_doc *doc, size_t i, aeo_value *out) {
    double v;
    size_t n;
    const char *s;
    switch (aeo_sj_type(doc, i)) {
    case 'n':
        *out = aeo_null();
        return true;
    case 't':
    case 'f':
        *out = aeo_bool(aeo_sj_type(doc, i) == 't');
        return true;
    case 'l':
    case 'u':
    case 'd':
        /* -0 reads as the int 0 both ways. */
        if (aeo_sj_type(doc, i) == 'l' && aeo_sj_int64(doc, i) == 0) {
            *out = aeo_int(0);
            return true;
        }
        if (!tdec_double(d, doc, i, &v)) return false;
        *out = v == trunc(v) && fabs(v) <= MAX_EXACT ? aeo_int((int64_t)v) : aeo_double(v);
        return true;
    case '"':
        s = aeo_sj_str(doc, i, &n);
        return make_string(d, s, n, out);
    case '[':
        return tdec(d, doc, &aeo_type_list_dyn, i, out);
    case '{':
        return tdec(d, doc, &aeo_type_map_dyn, i, out);
    default:
        return false;
    }
}

/* dec_record's one pass, on the tape. */
static bool tdec_record(dctx *d, const aeo_sj_doc *doc, const aeo_record_type *rt, size_t i,
                        aeo_value *out) {
    uint64_t seen_inline[4] = {0, 0, 0, 0};
    uint32_t words = (rt->n_fields + 63) / 64;
    uint64_t *seen = words <= 4 ? seen_inline : aeo_arena_zalloc(d->a, words * sizeof *seen);
    aeo_value *slots;
    aeo_value v = new_record(d, rt, &slots);
    size_t end = aeo_sj_after(doc, i) - 1;   /* the '}' */
    for (size_t k = i + 1; k < end;) {
        size_t n;
        const char *key = aeo_sj_str(doc, k, &n);
        size_t j = k + 1;
        k = aeo_sj_next(doc, j);
        const aeo_field *f = key_field_n(rt, key, n);
        if (!f) continue;
        size_t fi = (size_t)(f - rt->fields);
        uint64_t bit = UINT64_C(1) << (fi & 63);
        if (seen[fi >> 6] & bit) return false;
        seen[fi >> 6] |= bit;
        unsigned ty = aeo_sj_type(doc, j);
        if (ty == 'n') {
            if (!f->optional) return false;
            continue;
        }
        if (f->type->kind == AEO_T_BOOL) {
            if (ty != 't' && ty != 'f') return false;
            slots[f->slot] = aeo_bool(ty == 't');
            continue;
        }
        size_t old = path_field(d, f->name);
        if (!tdec(d, doc, f->type, j, &slots[f->slot])) return false;
        path_pop(d, old);
    }
    for (uint32_t fi = 0; fi < rt->n_fields; fi++)
        if (!rt->fields[fi].optional && !(seen[fi >> 6] >> (fi & 63) & 1)) return false;
    *out = v;
    return true;
}

/* dec() on the tape: the value at word [i] as type [t]. */
static bool tdec(dctx *d, const aeo_sj_doc *doc, const aeo_type *t, size_t i, aeo_value *out) {
    unsigned ty = aeo_sj_type(doc, i);
    switch (t->kind) {
    case AEO_T_DYN:
        return tdec_dyn(d, doc, i, out);
    case AEO_T_NULL:
        if (ty != 'n') return false;
        *out = aeo_null();
        return true;
    case AEO_T_BOOL:
        if (ty != 't' && ty != 'f') return false;
        *out = aeo_bool(ty == 't');
        return true;
    case AEO_T_INT:
    case AEO_T_UINT:
        return tdec_integer(doc, i, t->kind == AEO_T_UINT, out);
    case AEO_T_DOUBLE: {
        double v;
        if (!tdec_double(d, doc, i, &v)) return false;
        *out = aeo_double(v);
        return true;
    }
    case AEO_T_STRING:
    case AEO_T_ENUM:
    case AEO_T_BYTES:
    case AEO_T_TIMESTAMP:
    case AEO_T_DURATION: {
        if (ty != '"') return false;
        size_t n;
        const char *s = aeo_sj_str(doc, i, &n);
        return dec_text(d, t, s, n, out);
    }
    case AEO_T_LIST: {
        if (ty != '[') return false;
        const aeo_type *et = t->elem ? t->elem : &aeo_type_dyn;
        aeo_value l = aeo_list_new(d->a, aeo_sj_count(doc, i));
        size_t end = aeo_sj_after(doc, i) - 1, n = 0;
        for (size_t k = i + 1; k < end; k = aeo_sj_next(doc, k), n++) {
            aeo_value item;
            size_t old = path_index(d, n);
            if (!tdec(d, doc, et, k, &item)) return false;
            path_pop(d, old);
            aeo_list_push(d->a, l.as.l, item);
        }
        *out = l;
        return true;
    }
    case AEO_T_MAP: {
        if (ty != '{') return false;
        if (t->key && t->key->kind != AEO_T_STRING && t->key->kind != AEO_T_DYN) return false;
        const aeo_type *vt = t->elem ? t->elem : &aeo_type_dyn;
        aeo_value m = aeo_map_new(d->a, aeo_sj_count(doc, i));
        size_t end = aeo_sj_after(doc, i) - 1;
        for (size_t k = i + 1; k < end;) {
            aeo_value key, val;
            size_t kn, old = d->plen;
            const char *ks = aeo_sj_str(doc, k, &kn);
            size_t j = k + 1;
            k = aeo_sj_next(doc, j);
            const char *q = quote(d, ks, kn);
            path_add(d, "[", 1);
            path_add(d, q, strlen(q));
            path_add(d, "]", 1);
            if (!make_string(d, ks, kn, &key) || !tdec(d, doc, vt, j, &val)) return false;
            if (!aeo_map_put(d->a, m.as.m, key, val)) return false;
            path_pop(d, old);
        }
        *out = m;
        return true;
    }
    case AEO_T_RECORD:
        if (ty != '{') return false;
        return tdec_record(d, doc, t->rec, i, out);
    default:
        return false;
    }
}

/* cJSON's allocations.  cJSON allocates every node, key and string
 * separately, and frees them one by one; for a record that is parsed,
 * walked once and dropped, that is most of the parser's time.  So while
 * aeo_facts_decode parses, cJSON allocates from a per-thread scratch arena
 * (json_scratch) and frees nothing; the arena is rewound when the decode
 * ends.  Outside a decode (the REPL builds and edits cJSON trees of its own)
 * the hooks are plain malloc and free.  cJSON is still the parser: only its
 * documented allocator hooks (cJSON_InitHooks) are set, once. */
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;

/* A thread's scratch memory for cJSON: a bump region for the usual record,
 * and an arena for what does not fit (a huge record). */
typedef struct scratch {
    char *block;
    size_t size;
    aeo_arena *overflow;
} scratch;

#define SCRATCH_BLOCK ((size_t)256 * 1024)

/* Set during a parse: where cJSON's allocations go (the free part of the
 * thread's block, and the thread's scratch for what does not fit). */
static _Thread_local char *json_cur, *json_end;
static _Thread_local scratch *json_scratch_now;

static void *json_malloc(size_t n) {
    n = (n + 15) & ~(size_t)15;
    char *p = json_cur;
    if ((size_t)(json_end - p) >= n) {
        json_cur = p + n;
        return p;
    }
    if (!json_scratch_now) return malloc(n);
    return aeo_arena_alloc(json_scratch_now->overflow, n);
}

static void json_free(void *p) {
    if (!json_scratch_now) free(p);
}

static void scratch_free(void *p) {
    scratch *sc = p;
    free(sc->block);
    aeo_arena_free(sc->overflow);
    free(sc);
}

static void install_hooks(void) {
    cJSON_Hooks h = {json_malloc, json_free};
    cJSON_InitHooks(&h);
    pthread_key_create(&scratch_key, scratch_free);
}

/* This thread's scratch memory (freed when the thread ends). */
static scratch *json_scratch(void) {
    pthread_once(&hooks_once, install_hooks);
    scratch *sc = pthread_getspecific(scratch_key);
    if (!sc) {
        sc = aeo_xmalloc(sizeof *sc);
        sc->block = aeo_xmalloc(SCRATCH_BLOCK);
        sc->size = SCRATCH_BLOCK;
        sc->overflow = aeo_arena_new();
        pthread_setspecific(scratch_key, sc);
    }
    return sc;
}

/* Parses [text] with cJSON into this thread's scratch memory; *[end] is
 * where cJSON stopped.  The tree lives until scratch_release. */
static cJSON *scratch_parse(scratch *sc, const char *text, size_t len, const char **end) {
    json_scratch_now = sc;
    json_cur = sc->block;
    json_end = sc->block + sc->size;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, end, false);
    json_scratch_now = NULL;
    json_cur = json_end = NULL;
    return j;
}

static void scratch_release(scratch *sc) {
    if (aeo_arena_used(sc->overflow)) aeo_arena_reset(sc->overflow);
}

bool aeo_facts_decode(aeo_arena *a, const aeo_record_type *root, const char *root_name,
                      const char *text, size_t len, uint64_t line, aeo_value *out,
                      const char **error) {
    jerr e;
    uint64_t el, ec;
    dctx d;
    /* The fast path: simdjson validates and parses, tdec decodes.  A record
     * it refuses, or one with a problem, takes the careful path below, whose
     * messages say what and where. */
    aeo_sj_doc doc;
    if (sj_valid(text, len, &doc)) {
        dctx_init(&d, a);
        d.text = text;
        d.len = len;
        path_add(&d, root_name, strlen(root_name));
        if (tdec_record(&d, &doc, root, 1, out)) return true;
    }
    /* The careful path: validate() for the message of a syntax error (it
     * also accepts what simdjson cannot hold: integers beyond 64 bits,
     * 1e400), then cJSON and dec() for schema errors. */
    if (!validate(text, len, &e)) goto syntax;
    scratch *sc = json_scratch();
    const char *end = NULL;
    cJSON *j = scratch_parse(sc, text, len, &end);
    if (!j || !J_IS_OBJECT(j)) {
        /* Valid JSON that cJSON still refuses: only out of memory. */
        scratch_release(sc);
        *error = aeo_arena_printf(a, "line %" PRIu64 ": the JSON parser failed (out of memory?)",
                                  line);
        return false;
    }
    dctx_init(&d, a);
    d.text = text;
    d.len = len;
    d.root = j;
    path_add(&d, root_name, strlen(root_name));
    bool ok = dec_record(&d, root, j, out);
    if (!ok) *error = d.error;
    scratch_release(sc);
    return ok;
syntax:
    locate(text, e.off, line, 1, &el, &ec);
    *error = aeo_arena_printf(a, "line %" PRIu64 ", column %" PRIu64 ": %s", el, ec, e.what);
    return false;
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
    d->problem_type = t;
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
    case AEO_V_UNKNOWN:
        if (d->problem_fn) {   /* a placeholder of aeo_facts_check_value */
            *out = v;
            return true;
        }
        return derr(d, "expected a value, got %s", value_kind(v));
    case AEO_V_ERROR:
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
        d->problem_type = f->type;
        if (v && v->kind == AEO_V_NULL) return derr(d, "required field is null");
        d->problem_kind = AEO_FACTS_MISSING;
        return derr(d, "missing required field");
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
    /* Checking a literal: a key that is not a string (a placeholder) may
     * turn out to name any field, so no field is known to be missing. */
    bool keys_known = true;
    if (d->problem_fn && v.kind == AEO_V_MAP)
        for (uint32_t k = 0; k < v.as.m->len; k++) keys_known &= v.as.m->keys[k].kind == AEO_V_STRING;
    bool ok = true;
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
        if (!fv && !keys_known) continue;
        size_t old = path_field(d, f->name);
        if (!conv_field(d, f, fv, &slots[f->slot])) {
            if (!d->problem_fn) return false;
            ok = false;   /* checking: go on with the next field */
        }
        path_pop(d, old);
    }
    *out = r;
    return ok;
}

/* The value [v] as type [t]. */
static bool conv(dctx *d, const aeo_type *t, aeo_value v, aeo_value *out) {
    if (d->problem_fn) {
        /* A placeholder fits every type; so does every value a field whose
         * type did not resolve (already reported by the checker). */
        if (v.kind == AEO_V_UNKNOWN || t->kind == AEO_T_ERROR) {
            *out = v;
            return true;
        }
        d->problem_type = t;
    }
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
        bool ok = true;
        for (uint32_t i = 0; i < v.as.l->len; i++) {
            aeo_value item;
            size_t old = path_index(d, i);
            if (!conv(d, et, v.as.l->items[i], &item)) {
                if (!d->problem_fn) return false;
                ok = false;
                item = aeo_null();
            }
            path_pop(d, old);
            aeo_list_push(d->a, l.as.l, item);
        }
        *out = l;
        return ok;
    }
    case AEO_T_MAP: {       /* map<K, V> <- map, keys as K, values as V */
        if (v.kind != AEO_V_MAP) return vmismatch(d, t, v);
        const aeo_type *kt = t->key ? t->key : &aeo_type_dyn;
        const aeo_type *vt = t->elem ? t->elem : &aeo_type_dyn;
        aeo_value m = aeo_map_new(d->a, v.as.m->len);
        bool ok = true;
        for (uint32_t i = 0; i < v.as.m->len; i++) {
            aeo_value key = v.as.m->keys[i], k2, val;
            size_t old = d->plen;
            if (key.kind == AEO_V_STRING) path_key(d, key.as.s->data, key.as.s->len);
            bool good = conv(d, kt, key, &k2) && conv(d, vt, v.as.m->vals[i], &val);
            path_pop(d, old);
            if (!good) {
                if (!d->problem_fn) return false;
                ok = false;   /* checking: go on with the next entry */
                continue;
            }
            aeo_map_put(d->a, m.as.m, k2, val);
        }
        *out = m;
        return ok;
    }
    case AEO_T_RECORD:
        return conv_record(d, t, v, out);
    default:
        return derr(d, "cannot convert to %s", type_name(d, t));
    }
}

/* Hands the problem at the current path to the check's callback: the
 * path's segments below the root become steps, so the caller can find the
 * literal the problem is in. */
static bool report_problem(dctx *d, const char *msg) {
    aeo_facts_step *steps = aeo_arena_alloc(d->a, (d->plen ? d->plen : 1) * sizeof *steps);
    uint32_t n = 0;
    for (size_t i = 0; i < d->plen; i++) {
        const seg *g = &d->segs[i];
        if (g->kind == SEG_RAW) continue;   /* the root's name */
        aeo_facts_step *st = &steps[n++];
        st->kind = g->kind == SEG_FIELD ? AEO_FACTS_STEP_FIELD
                   : g->kind == SEG_INDEX ? AEO_FACTS_STEP_INDEX
                                          : AEO_FACTS_STEP_KEY;
        st->name = g->kind == SEG_INDEX ? NULL : g->s;
        st->len = g->kind == SEG_FIELD ? strlen(g->s) : g->kind == SEG_KEY ? g->n : 0;
        st->index = g->kind == SEG_INDEX ? g->index : 0;
    }
    size_t plen;
    aeo_facts_problem p = {d->problem_kind, steps, n, path_text(d, &plen), msg, d->problem_type};
    d->problem_fn(d->problem_ud, &p);
    d->problem_kind = AEO_FACTS_BAD_VALUE;
    return false;
}

bool aeo_facts_check_value(aeo_arena *a, const aeo_type *t, const char *root_name, aeo_value v,
                           aeo_facts_problem_fn fn, void *ud, aeo_value *out) {
    dctx d;
    dctx_init(&d, a);
    d.problem_fn = fn;
    d.problem_ud = ud;
    d.problem_kind = AEO_FACTS_BAD_VALUE;
    path_add(&d, root_name, strlen(root_name));
    aeo_value r;
    bool ok = conv(&d, t, v, &r);
    if (ok && out) *out = r;
    return ok;
}

bool aeo_facts_from_value(aeo_arena *a, const aeo_record_type *root, const char *root_name,
                          aeo_value map, aeo_value *out, const char **error) {
    aeo_type rt = {.kind = AEO_T_RECORD, .rec = root};
    dctx d;
    dctx_init(&d, a);
    path_add(&d, root_name, strlen(root_name));
    bool ok = conv_record(&d, &rt, map, out);
    if (!ok) *error = d.error;
    return ok;
}
