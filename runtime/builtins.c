/* The CEL standard library (plus the common string extensions) as C
 * functions over evaluated arguments; see builtins.h.
 *
 * Every builtin receives concrete values only (the VM deals with ERROR and
 * UNKNOWN arguments before the call), picks its overload by the arguments'
 * kinds, and returns a value or an ERROR.  Arity is enforced by the table
 * (aeo_builtin_find), so a builtin only checks kinds; an argument of the
 * wrong kind gets CEL's "no matching overload" error from one shared helper.
 *
 * Strings are UTF-8 and every index a string function takes or returns counts
 * code points, as CEL's strings are sequences of code points.  Searching is
 * done on bytes: UTF-8 is self-synchronising, so a byte match of a valid
 * UTF-8 needle always starts on a code point boundary.
 *
 * Regular expressions use PCRE2 in UTF mode in place of RE2.  Deviations from
 * RE2, all in what PCRE2 accepts beyond RE2's syntax:
 *   - backreferences, lookaround, atomic groups, possessive quantifiers and
 *     recursion are accepted (RE2 rejects them); they can backtrack
 *     exponentially, which the match limit turns into the error
 *     "regex match limit exceeded" rather than a hang;
 *   - \C is refused (PCRE2_NEVER_BACKSLASH_C), \Z and \G have PCRE meanings;
 *   - Unicode classes \p{..} use PCRE2's Unicode tables, which may be a
 *     different Unicode version from RE2's.
 * PCRE2_UCP is deliberately not set: without it \d, \w, \s, \b and POSIX
 * classes are ASCII-only, exactly as in RE2, while \p{..} and caseless
 * matching are still Unicode-aware in UTF mode.  PCRE2_DOLLAR_ENDONLY makes
 * '$' match only at the very end, as RE2's does outside (?m). */
#include "runtime/builtins.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/celtime.h"

/* ---- shared helpers ----------------------------------------------------- */

/* CEL's dispatch failure: "no matching overload for 'f' applied to
 * '(int, string)'". */
static aeo_value no_overload(aeo_builtin_ctx *cx, const char *fn, const aeo_value *args,
                             uint32_t argc) {
    aeo_buf b = {0};
    aeo_buf_puts(&b, "(");
    for (uint32_t i = 0; i < argc; i++) {
        if (i) aeo_buf_puts(&b, ", ");
        aeo_buf_puts(&b, aeo_value_type_name(args[i]));
    }
    aeo_buf_puts(&b, ")");
    aeo_value e = aeo_error_new(cx->arena, "no matching overload for '%s' applied to '%s'", fn,
                                b.data);
    aeo_buf_free(&b);
    return e;
}

/* [s] as a CEL string literal for an error message, cut to about 64 bytes
 * on a code point boundary so a huge input cannot flood a report. */
static const char *quoted(aeo_builtin_ctx *cx, const aeo_str *s) {
    uint32_t n = s->len;
    bool cut = n > 64;
    if (cut) {
        n = 64;
        while (n > 0 && ((unsigned char)s->data[n] & 0xC0) == 0x80) n--;
    }
    aeo_buf b = {0};
    aeo_value_format(&b, aeo_string(cx->arena, s->data, n));
    if (cut) aeo_buf_puts(&b, "...");
    const char *q = aeo_arena_strndup(cx->arena, b.data, b.len);
    aeo_buf_free(&b);
    return q;
}

/* A string value from a finished buffer (which is freed). */
static aeo_value buf_string(aeo_builtin_ctx *cx, aeo_buf *b) {
    aeo_value v = aeo_string(cx->arena, b->data ? b->data : "", b->len);
    aeo_buf_free(b);
    return v;
}

static aeo_value range_error(aeo_builtin_ctx *cx) { return aeo_error_new(cx->arena, "range error"); }

static bool all_kind(const aeo_value *args, uint32_t argc, aeo_vkind k) {
    for (uint32_t i = 0; i < argc; i++)
        if (args[i].kind != k) return false;
    return true;
}

/* ---- UTF-8 -------------------------------------------------------------- */

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static int64_t cp_count(const char *s, uint32_t len) {
    int64_t n = 0;
    for (uint32_t i = 0; i < len; i++)
        if (!is_cont((unsigned char)s[i])) n++;
    return n;
}

/* Byte offset of code point [idx] (0 <= idx <= cp_count). */
static uint32_t cp_offset(const char *s, uint32_t len, int64_t idx) {
    uint32_t i = 0;
    for (int64_t k = 0; k < idx && i < len; k++) {
        i++;
        while (i < len && is_cont((unsigned char)s[i])) i++;
    }
    return i;
}

/* Decodes the code point at s[*i] (valid UTF-8 assumed) and advances *i. */
static uint32_t utf8_next(const char *s, uint32_t len, uint32_t *i) {
    unsigned char c = (unsigned char)s[*i];
    uint32_t cp = c, extra = 0;
    if (c >= 0xF0) cp = c & 0x07, extra = 3;
    else if (c >= 0xE0) cp = c & 0x0F, extra = 2;
    else if (c >= 0xC0) cp = c & 0x1F, extra = 1;
    (*i)++;
    for (; extra && *i < len; extra--, (*i)++) cp = cp << 6 | ((unsigned char)s[*i] & 0x3F);
    return cp;
}

/* Start of the code point that ends just before byte [i]. */
static uint32_t utf8_prev(const char *s, uint32_t i) {
    do i--;
    while (i > 0 && is_cont((unsigned char)s[i]));
    return i;
}

/* Strict UTF-8 validation (no overlongs, surrogates or values > U+10FFFF). */
static bool utf8_valid(const char *str, uint32_t len) {
    const unsigned char *s = (const unsigned char *)str;
    for (uint32_t i = 0; i < len;) {
        unsigned char c = s[i];
        uint32_t n, cp;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07;
        else return false;
        if (len - i <= n) return false;
        for (uint32_t k = 1; k <= n; k++) {
            if (!is_cont(s[i + k])) return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

/* First byte offset >= from where [needle] occurs in [hay], or -1. */
static int64_t find_bytes(const aeo_str *hay, uint32_t from, const aeo_str *needle) {
    if (needle->len > hay->len) return -1;
    for (uint32_t i = from; i + needle->len <= hay->len; i++)
        if (memcmp(hay->data + i, needle->data, needle->len) == 0) return i;
    return -1;
}

/* Last byte offset <= upto where [needle] occurs in [hay], or -1. */
static int64_t rfind_bytes(const aeo_str *hay, uint32_t upto, const aeo_str *needle) {
    if (needle->len > hay->len) return -1;
    uint32_t i = hay->len - needle->len;
    if (i > upto) i = upto;
    for (;; i--) {
        if (memcmp(hay->data + i, needle->data, needle->len) == 0) return i;
        if (i == 0) return -1;
    }
}

/* ---- size, contains, startsWith, endsWith ------------------------------- */

static aeo_value fn_size(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    aeo_value v = args[0];
    switch (v.kind) {
    case AEO_V_STRING: return aeo_int(cp_count(v.as.s->data, v.as.s->len));
    case AEO_V_BYTES: return aeo_int(v.as.s->len);
    case AEO_V_LIST: return aeo_int(v.as.l->len);
    case AEO_V_MAP: return aeo_int(v.as.m->len);
    default: return no_overload(cx, "size", args, argc);
    }
}

static aeo_value fn_contains(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (!all_kind(args, argc, AEO_V_STRING)) return no_overload(cx, "contains", args, argc);
    return aeo_bool(find_bytes(args[0].as.s, 0, args[1].as.s) >= 0);
}

static aeo_value fn_starts_with(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (!all_kind(args, argc, AEO_V_STRING)) return no_overload(cx, "startsWith", args, argc);
    const aeo_str *s = args[0].as.s, *p = args[1].as.s;
    return aeo_bool(p->len <= s->len && memcmp(s->data, p->data, p->len) == 0);
}

static aeo_value fn_ends_with(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (!all_kind(args, argc, AEO_V_STRING)) return no_overload(cx, "endsWith", args, argc);
    const aeo_str *s = args[0].as.s, *p = args[1].as.s;
    return aeo_bool(p->len <= s->len && memcmp(s->data + s->len - p->len, p->data, p->len) == 0);
}

/* ---- regular expressions ------------------------------------------------ */

#define REGEX_CACHE_MAX 64
/* Backtracking budget per match: generous for real patterns on real facts,
 * small enough that (a+)+b on a long string fails in milliseconds. */
#define REGEX_MATCH_LIMIT 1000000
#define REGEX_DEPTH_LIMIT 10000
/* Backtracking memory, in KiB (PCRE2's default is 20 GB): the depth limit
 * keeps normal patterns far below it. */
#define REGEX_HEAP_LIMIT 65536

typedef struct regex_entry {
    char *pattern;       /* malloc'd copy, not NUL-terminated semantically */
    size_t len;
    pcre2_code *code;
} regex_entry;

/* Compiled patterns keyed by their text.  When full, entries are replaced
 * round-robin: cheap, and a catalog rarely uses more than a few patterns. */
struct aeo_regex_cache {
    regex_entry entries[REGEX_CACHE_MAX];
    uint32_t len, victim;
    pcre2_match_data *md;           /* one ovector pair: only "did it match" matters */
    pcre2_match_context *mctx;      /* carries the match limits */
    int *workspace;                 /* for the DFA matcher */
    uint64_t hits, compiles;
};

/* Workspace of the DFA matcher, in ints: enough for patterns far larger
 * than rules use, but not for a nested repetition such as (a+)+ over a long
 * subject, whose states grow with the subject (PCRE2's DFA does not merge
 * them); beyond it a match is an error naming both limits.  A larger
 * workspace would not help: (a+)+$ over 1,000 a's then '!' takes 80 s
 * with a million ints, and fails in 0.1 s with these. */
#define REGEX_DFA_WORKSPACE 8192

struct aeo_regex_cache *aeo_regex_cache_new(void) {
    struct aeo_regex_cache *rc = aeo_xcalloc(1, sizeof *rc);
    rc->md = pcre2_match_data_create(1, NULL);
    rc->mctx = pcre2_match_context_create(NULL);
    rc->workspace = aeo_xmalloc(REGEX_DFA_WORKSPACE * sizeof *rc->workspace);
    if (!rc->md || !rc->mctx) {
        fputs("aeo: out of memory\n", stderr);
        exit(2);
    }
    pcre2_set_match_limit(rc->mctx, REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(rc->mctx, REGEX_DEPTH_LIMIT);
    pcre2_set_heap_limit(rc->mctx, REGEX_HEAP_LIMIT);
    return rc;
}

void aeo_regex_cache_free(struct aeo_regex_cache *rc) {
    if (!rc) return;
    for (uint32_t i = 0; i < rc->len; i++) {
        free(rc->entries[i].pattern);
        pcre2_code_free(rc->entries[i].code);
    }
    pcre2_match_data_free(rc->md);
    pcre2_match_context_free(rc->mctx);
    free(rc->workspace);
    free(rc);
}

aeo_regex_stats aeo_regex_cache_stats(const struct aeo_regex_cache *rc) {
    aeo_regex_stats st = {rc->len, rc->hits, rc->compiles};
    return st;
}

/* Compiles [re]; on failure returns NULL with an ERROR in *err. */
static pcre2_code *regex_compile(aeo_builtin_ctx *cx, const aeo_str *re, aeo_value *err) {
    int code;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re->data, re->len,
                                  PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
                                  &code, &off, NULL);
    if (!c) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(code, msg, sizeof msg) < 0) strcpy((char *)msg, "error");
        *err = aeo_error_new(cx->arena, "invalid regex: %s at offset %zu", (const char *)msg,
                             (size_t)off);
    }
    return c;
}

bool aeo_regex_valid(const char *pattern, size_t len, char *msg, size_t size) {
    int code;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, len, PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
                                  &code, &off, NULL);
    if (c) {
        pcre2_code_free(c);
        return true;
    }
    PCRE2_UCHAR text[256];
    if (pcre2_get_error_message(code, text, sizeof text) < 0) strcpy((char *)text, "error");
    snprintf(msg, size, "%s at offset %zu", (const char *)text, (size_t)off);
    return false;
}

/* The compiled form of [re], from the cache or compiled into it. */
static pcre2_code *regex_get(aeo_builtin_ctx *cx, const aeo_str *re, aeo_value *err) {
    struct aeo_regex_cache *rc = cx->regex;
    for (uint32_t i = 0; i < rc->len; i++) {
        regex_entry *e = &rc->entries[i];
        if (e->len == re->len && memcmp(e->pattern, re->data, re->len) == 0) {
            rc->hits++;
            return e->code;
        }
    }
    pcre2_code *c = regex_compile(cx, re, err);
    if (!c) return NULL;
    rc->compiles++;
    regex_entry *e;
    if (rc->len < REGEX_CACHE_MAX) {
        e = &rc->entries[rc->len++];
    } else {
        e = &rc->entries[rc->victim];
        rc->victim = (rc->victim + 1) % REGEX_CACHE_MAX;
        free(e->pattern);
        pcre2_code_free(e->code);
    }
    e->pattern = aeo_xmalloc(re->len + 1);
    memcpy(e->pattern, re->data, re->len);
    e->len = re->len;
    e->code = c;
    return c;
}

/* The error of a match that neither matcher could finish: what stopped the
 * backtracking ([bt]) and what stopped the DFA fallback ([dfa]). */
static aeo_value regex_gave_up(aeo_builtin_ctx *cx, const pcre2_code *code, int bt, int dfa) {
    const char *first = bt == PCRE2_ERROR_MATCHLIMIT   ? "its match limit (1,000,000 steps)"
                        : bt == PCRE2_ERROR_DEPTHLIMIT ? "its depth limit (10,000)"
                                                       : "its heap limit (64 MiB)";
    uint32_t backrefs = 0;
    pcre2_pattern_info(code, PCRE2_INFO_BACKREFMAX, &backrefs);
    const char *second;
    if (dfa == PCRE2_ERROR_DFA_UITEM || dfa == PCRE2_ERROR_DFA_UCOND)
        second = backrefs ? "the pattern has a backreference, which the DFA fallback cannot match"
             : dfa == PCRE2_ERROR_DFA_UCOND ? "the pattern has a condition on a group, which the DFA fallback cannot match"
                                            : "the pattern has an item the DFA fallback cannot match";
    else if (dfa == PCRE2_ERROR_DFA_WSSIZE)
        second = "the DFA fallback ran out of its workspace (a nested repetition such as (a+)+ multiplies its states)";
    else if (dfa == PCRE2_ERROR_MATCHLIMIT || dfa == PCRE2_ERROR_DEPTHLIMIT || dfa == PCRE2_ERROR_DFA_RECURSE ||
             dfa == PCRE2_ERROR_HEAPLIMIT)
        second = "the DFA fallback met its own limit";
    else
        return aeo_error_new(cx->arena, "regex too complex for this input: backtracking exceeded %s, and the DFA "
                             "fallback failed (PCRE2 error %d)", first, dfa);
    return aeo_error_new(cx->arena, "regex too complex for this input: backtracking exceeded %s, and %s", first,
                         second);
}

static aeo_value regex_match(aeo_builtin_ctx *cx, const aeo_str *s, const aeo_str *re) {
    aeo_value err = aeo_null();
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    struct aeo_regex_cache *own = NULL;
    if (!cx->regex) {
        /* No cache supplied: use a throwaway one for this call. */
        own = aeo_regex_cache_new();
        cx->regex = own;
    }
    code = regex_get(cx, re, &err);
    md = cx->regex->md;
    mctx = cx->regex->mctx;
    aeo_value result = err;
    if (code) {
        /* The backtracking matcher first; when it gives up (its match
         * limit: `^(a|b)*$` over a few thousand characters), the DFA
         * matcher, which explores all alternatives at once, so its time
         * grows with the subject's length as RE2's does, except for nested
         * repetitions, whose states it multiplies (REGEX_DFA_WORKSPACE).
         * `matches` only asks whether there is a match, which the DFA
         * answers.  When both give up, the error says why each did. */
        int rc = pcre2_match(code, (PCRE2_SPTR)s->data, s->len, 0, 0, md, mctx);
        int bt = rc;
        bool fell_back = bt == PCRE2_ERROR_MATCHLIMIT || bt == PCRE2_ERROR_DEPTHLIMIT || bt == PCRE2_ERROR_HEAPLIMIT;
        if (fell_back)
            rc = pcre2_dfa_match(code, (PCRE2_SPTR)s->data, s->len, 0, 0, md, mctx, cx->regex->workspace,
                                 REGEX_DFA_WORKSPACE);
        if (rc >= 0) {
            result = aeo_bool(true);
        } else if (rc == PCRE2_ERROR_NOMATCH) {
            result = aeo_bool(false);
        } else if (fell_back) {
            result = regex_gave_up(cx, code, bt, rc);
        } else {
            PCRE2_UCHAR msg[256];
            if (pcre2_get_error_message(rc, msg, sizeof msg) < 0) strcpy((char *)msg, "unknown error");
            result = aeo_error_new(cx->arena, "regex match failed: %s (PCRE2 error %d)", (const char *)msg, rc);
        }
    }
    if (own) {
        cx->regex = NULL;
        aeo_regex_cache_free(own);
    }
    return result;
}

static aeo_value fn_matches(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (!all_kind(args, argc, AEO_V_STRING)) return no_overload(cx, "matches", args, argc);
    return regex_match(cx, args[0].as.s, args[1].as.s);
}

/* ---- conversions -------------------------------------------------------- */

/* Conversions follow CEL's rule that a conversion which cannot represent
 * its result is an error, never a silent wrap or saturation: out-of-range
 * numbers give "range error", malformed strings an "invalid <type> \"...\""
 * error quoting the input, and kinds with no conversion CEL's overload
 * error.  String parsing is strict (no whitespace, no trailing text), as
 * cel-go's use of Go's strconv is. */

/* Strict decimal integer: [sign] digits, nothing else.  Returns 1 on
 * success, 0 on a syntax error, -1 when out of range. */
static int parse_u64(const char *s, uint32_t len, uint64_t *out) {
    uint64_t v = 0;
    if (len == 0) return 0;
    int overflow = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) overflow = 1;
        else v = v * 10 + d;
    }
    *out = v;
    return overflow ? -1 : 1;
}

static aeo_value fn_int(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    aeo_value v = args[0];
    switch (v.kind) {
    case AEO_V_INT: return v;
    case AEO_V_UINT:
        if (v.as.u > (uint64_t)INT64_MAX) return range_error(cx);
        return aeo_int((int64_t)v.as.u);
    case AEO_V_DOUBLE:
        /* Truncates toward zero.  -2^63 itself is refused, as cel-go and the
         * conformance suite do (the bound check is symmetric). */
        if (isnan(v.as.d) || v.as.d <= -0x1p63 || v.as.d >= 0x1p63) return range_error(cx);
        return aeo_int((int64_t)v.as.d);
    case AEO_V_STRING: {
        const char *s = v.as.s->data;
        uint32_t len = v.as.s->len, skip = 0;
        bool neg = false;
        if (len && (s[0] == '-' || s[0] == '+')) neg = s[0] == '-', skip = 1;
        uint64_t u;
        int r = parse_u64(s + skip, len - skip, &u);
        if (r == 0) return aeo_error_new(cx->arena, "invalid int %s", quoted(cx, v.as.s));
        if (r < 0 || u > (uint64_t)INT64_MAX + neg) return range_error(cx);
        if (!neg) return aeo_int((int64_t)u);
        return aeo_int(u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u);
    }
    case AEO_V_TIMESTAMP: return aeo_int(v.as.i);
    default: return no_overload(cx, "int", args, argc);
    }
}

static aeo_value fn_uint(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    aeo_value v = args[0];
    switch (v.kind) {
    case AEO_V_UINT: return v;
    case AEO_V_INT:
        if (v.as.i < 0) return range_error(cx);
        return aeo_uint((uint64_t)v.as.i);
    case AEO_V_DOUBLE:
        /* Any negative double is out of range, -0.5 too (cel-go and
         * cel-cpp check the sign before truncating); -0.0 is not negative. */
        if (isnan(v.as.d) || v.as.d < 0.0 || v.as.d >= 0x1p64) return range_error(cx);
        return aeo_uint((uint64_t)trunc(v.as.d));
    case AEO_V_STRING: {
        uint64_t u;
        int r = parse_u64(v.as.s->data, v.as.s->len, &u);
        if (r == 0) return aeo_error_new(cx->arena, "invalid uint %s", quoted(cx, v.as.s));
        if (r < 0) return range_error(cx);
        return aeo_uint(u);
    }
    default: return no_overload(cx, "uint", args, argc);
    }
}

static bool ascii_ieq(const char *s, size_t n, const char *lit) {
    if (strlen(lit) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[i]) return false;
    }
    return true;
}

/* Go's strconv.ParseFloat, minus hex floats and underscores: "NaN", "Inf",
 * "Infinity" (any case, optional sign) or [sign] digits [. digits]
 * [e [sign] digits] with at least one mantissa digit. */
static bool parse_double(const char *s, uint32_t len, double *out) {
    uint32_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    const char *r = s + i;
    size_t rn = len - i;
    if (ascii_ieq(r, rn, "nan")) {
        *out = NAN;
        return true;
    }
    if (ascii_ieq(r, rn, "inf") || ascii_ieq(r, rn, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    uint32_t digits = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) digits++;
    if (!digits) return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        uint32_t ed = 0;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) ed++;
        if (!ed) return false;
    }
    if (i != len) return false;
    /* strtod reads the locale's decimal point: hand it that. */
    char *tmp = malloc((size_t)len + 1);
    if (!tmp) return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char dp = localeconv()->decimal_point[0];
    if (dp != '.') {
        char *p = strchr(tmp, '.');
        if (p) *p = dp;
    }
    double d = strtod(tmp, NULL);
    free(tmp);
    if (isinf(d)) return false;   /* overflow, as Go's ErrRange */
    *out = d;
    return true;
}

static aeo_value fn_double(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    aeo_value v = args[0];
    switch (v.kind) {
    case AEO_V_DOUBLE: return v;
    case AEO_V_INT: return aeo_double((double)v.as.i);
    case AEO_V_UINT: return aeo_double((double)v.as.u);
    case AEO_V_STRING: {
        double d;
        if (!parse_double(v.as.s->data, v.as.s->len, &d))
            return aeo_error_new(cx->arena, "invalid double %s", quoted(cx, v.as.s));
        return aeo_double(d);
    }
    default: return no_overload(cx, "double", args, argc);
    }
}

static aeo_value fn_string(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    aeo_value v = args[0];
    aeo_buf b = {0};
    char tmp[48];
    switch (v.kind) {
    case AEO_V_STRING: return v;
    case AEO_V_BOOL: return aeo_cstring(cx->arena, v.as.b ? "true" : "false");
    case AEO_V_INT: aeo_buf_printf(&b, "%" PRId64, v.as.i); return buf_string(cx, &b);
    case AEO_V_UINT: aeo_buf_printf(&b, "%" PRIu64, v.as.u); return buf_string(cx, &b);
    case AEO_V_DOUBLE: aeo_buf_double(&b, v.as.d, false); return buf_string(cx, &b);
    case AEO_V_BYTES:
        if (!utf8_valid(v.as.s->data, v.as.s->len))
            return aeo_error_new(cx->arena, "invalid UTF-8 in bytes, cannot convert to string");
        return aeo_string(cx->arena, v.as.s->data, v.as.s->len);
    case AEO_V_TIMESTAMP: {
        /* RFC 3339 with the fraction's trailing zeros trimmed (Go's
         * RFC3339Nano, as cel-go and cel-cpp print it): "...00.5Z", where
         * aeo's own output keeps 3, 6 or 9 digits ("...00.500Z"). */
        int n = aeo_time_format_timestamp(v.as.i, v.nanos, tmp);
        if (v.nanos) {
            n--;   /* the 'Z' */
            while (tmp[n - 1] == '0') n--;
            tmp[n++] = 'Z';
        }
        return aeo_string(cx->arena, tmp, (size_t)n);
    }
    case AEO_V_DURATION: {
        int n = aeo_time_format_duration(v.as.i, v.nanos, tmp);
        return aeo_string(cx->arena, tmp, (size_t)n);
    }
    default: return no_overload(cx, "string", args, argc);
    }
}

static aeo_value fn_bool(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    /* The spellings cel-go (Go's strconv.ParseBool) accepts. */
    static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
    aeo_value v = args[0];
    if (v.kind == AEO_V_BOOL) return v;
    if (v.kind != AEO_V_STRING) return no_overload(cx, "bool", args, argc);
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(v.as.s->data, yes[i]) == 0 && strlen(yes[i]) == v.as.s->len) return aeo_bool(true);
        if (strcmp(v.as.s->data, no[i]) == 0 && strlen(no[i]) == v.as.s->len) return aeo_bool(false);
    }
    return aeo_error_new(cx->arena, "invalid bool %s", quoted(cx, v.as.s));
}

static aeo_value fn_bytes(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    aeo_value v = args[0];
    if (v.kind == AEO_V_BYTES) return v;
    if (v.kind == AEO_V_STRING) return aeo_bytes(cx->arena, v.as.s->data, v.as.s->len);
    return no_overload(cx, "bytes", args, argc);
}

static aeo_value fn_dyn(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    (void)cx;
    (void)argc;
    return args[0];
}

static aeo_value fn_type(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    (void)cx;
    (void)argc;
    return aeo_type_value(aeo_value_type_name(args[0]));
}

static aeo_value fn_timestamp(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    aeo_value v = args[0];
    switch (v.kind) {
    case AEO_V_TIMESTAMP: return v;
    case AEO_V_STRING: {
        int64_t s;
        int32_t n;
        if (!aeo_time_parse_timestamp(v.as.s->data, v.as.s->len, &s, &n))
            return aeo_error_new(cx->arena, "invalid timestamp %s", quoted(cx, v.as.s));
        return aeo_timestamp(s, n);
    }
    case AEO_V_INT:
        if (v.as.i < AEO_TS_MIN_SECONDS || v.as.i > AEO_TS_MAX_SECONDS) return range_error(cx);
        return aeo_timestamp(v.as.i, 0);
    default: return no_overload(cx, "timestamp", args, argc);
    }
}

static aeo_value fn_duration(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    aeo_value v = args[0];
    if (v.kind == AEO_V_DURATION) return v;
    if (v.kind != AEO_V_STRING) return no_overload(cx, "duration", args, argc);
    int64_t s;
    int32_t n;
    if (!aeo_time_parse_duration(v.as.s->data, v.as.s->len, &s, &n))
        return aeo_error_new(cx->arena, "invalid duration %s", quoted(cx, v.as.s));
    return aeo_duration(s, n);
}

/* ---- timestamp and duration accessors ----------------------------------- */

typedef enum {
    F_FULL_YEAR, F_MONTH, F_DAY_OF_YEAR, F_DAY_OF_MONTH, F_DATE, F_DAY_OF_WEEK,
    F_HOURS, F_MINUTES, F_SECONDS, F_MILLISECONDS
} time_field;

/* The CEL name of each accessor, for error messages. */
static const char *const time_field_names[] = {
    "getFullYear", "getMonth", "getDayOfYear", "getDayOfMonth", "getDate", "getDayOfWeek",
    "getHours", "getMinutes", "getSeconds", "getMilliseconds"};

/* Duration accessors: hours, minutes and seconds are the whole duration in
 * that unit (truncated toward zero); milliseconds is the 0-999 component,
 * as the CEL spec and its conformance suite define it. */
static aeo_value duration_field(const aeo_value d, time_field f) {
    switch (f) {
    case F_HOURS: return aeo_int(d.as.i / 3600);
    case F_MINUTES: return aeo_int(d.as.i / 60);
    case F_SECONDS: return aeo_int(d.as.i);
    default: return aeo_int(d.nanos / 1000000);
    }
}

static aeo_value time_accessor(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc,
                               time_field f) {
    const char *name = time_field_names[f];
    aeo_value t = args[0];
    if (t.kind == AEO_V_DURATION && argc == 1 && f >= F_HOURS) return duration_field(t, f);
    if (t.kind != AEO_V_TIMESTAMP || (argc == 2 && args[1].kind != AEO_V_STRING))
        return no_overload(cx, name, args, argc);
    const char *tz = argc == 2 ? args[1].as.s->data : NULL;
    aeo_civil c;
    if (!aeo_time_civil(t.as.i, t.nanos, tz, &c))
        return aeo_error_new(cx->arena, "invalid time zone %s", quoted(cx, args[1].as.s));
    switch (f) {
    case F_FULL_YEAR: return aeo_int(c.year);
    case F_MONTH: return aeo_int(c.month - 1);
    case F_DAY_OF_YEAR: return aeo_int(c.yday);
    case F_DAY_OF_MONTH: return aeo_int(c.day - 1);
    case F_DATE: return aeo_int(c.day);
    case F_DAY_OF_WEEK: return aeo_int(c.weekday);
    case F_HOURS: return aeo_int(c.hour);
    case F_MINUTES: return aeo_int(c.minute);
    case F_SECONDS: return aeo_int(c.second);
    case F_MILLISECONDS: return aeo_int(c.nanos / 1000000);
    }
    return aeo_null();
}

#define TIME_ACCESSOR(fn, field)                                                    \
    static aeo_value fn(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) { \
        return time_accessor(cx, args, argc, field);                                \
    }
TIME_ACCESSOR(fn_get_full_year, F_FULL_YEAR)
TIME_ACCESSOR(fn_get_month, F_MONTH)
TIME_ACCESSOR(fn_get_day_of_year, F_DAY_OF_YEAR)
TIME_ACCESSOR(fn_get_day_of_month, F_DAY_OF_MONTH)
TIME_ACCESSOR(fn_get_date, F_DATE)
TIME_ACCESSOR(fn_get_day_of_week, F_DAY_OF_WEEK)
TIME_ACCESSOR(fn_get_hours, F_HOURS)
TIME_ACCESSOR(fn_get_minutes, F_MINUTES)
TIME_ACCESSOR(fn_get_seconds, F_SECONDS)
TIME_ACCESSOR(fn_get_milliseconds, F_MILLISECONDS)

/* ---- string extensions -------------------------------------------------- */

static aeo_value change_case(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc,
                             const char *name, bool upper) {
    if (args[0].kind != AEO_V_STRING) return no_overload(cx, name, args, argc);
    aeo_buf b = {0};
    aeo_buf_putn(&b, args[0].as.s->data, args[0].as.s->len);
    /* Only ASCII letters change, so the UTF-8 stays valid. */
    for (size_t i = 0; i < b.len; i++) {
        char c = b.data[i];
        if (upper && c >= 'a' && c <= 'z') b.data[i] = (char)(c - 'a' + 'A');
        if (!upper && c >= 'A' && c <= 'Z') b.data[i] = (char)(c - 'A' + 'a');
    }
    return buf_string(cx, &b);
}

static aeo_value fn_lower_ascii(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    return change_case(cx, args, argc, "lowerAscii", false);
}

static aeo_value fn_upper_ascii(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    return change_case(cx, args, argc, "upperAscii", true);
}

/* Unicode White_Space as Go's unicode.IsSpace defines it (cel-go's trim). */
static bool is_space(uint32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

static aeo_value fn_trim(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (args[0].kind != AEO_V_STRING) return no_overload(cx, "trim", args, argc);
    const char *s = args[0].as.s->data;
    uint32_t len = args[0].as.s->len, lo = 0, hi = len;
    while (lo < hi) {
        uint32_t next = lo;
        if (!is_space(utf8_next(s, len, &next))) break;
        lo = next;
    }
    while (hi > lo) {
        uint32_t prev = utf8_prev(s, hi), at = prev;
        if (!is_space(utf8_next(s, len, &at))) break;
        hi = prev;
    }
    return aeo_string(cx->arena, s + lo, hi - lo);
}

/* Go's strings.Replace: at most n replacements (all when n < 0); an empty
 * [old] matches before every code point and at the end. */
static aeo_value fn_replace(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (!all_kind(args, 3, AEO_V_STRING) || (argc == 4 && args[3].kind != AEO_V_INT))
        return no_overload(cx, "replace", args, argc);
    const aeo_str *s = args[0].as.s, *old = args[1].as.s, *rep = args[2].as.s;
    int64_t n = argc == 4 ? args[3].as.i : -1;
    aeo_buf b = {0};
    uint32_t start = 0;
    for (int64_t k = 0; n < 0 || k < n; k++) {
        uint32_t j;
        if (old->len == 0) {
            if (k > 0) {
                if (start >= s->len) break;
                j = start;
                utf8_next(s->data, s->len, &j);
            } else {
                j = 0;
            }
        } else {
            int64_t at = find_bytes(s, start, old);
            if (at < 0) break;
            j = (uint32_t)at;
        }
        aeo_buf_putn(&b, s->data + start, j - start);
        aeo_buf_putn(&b, rep->data, rep->len);
        start = j + old->len;
    }
    aeo_buf_putn(&b, s->data + start, s->len - start);
    return buf_string(cx, &b);
}

/* Go's strings.SplitN: n == 0 gives [], n < 0 no limit, otherwise at most n
 * parts, the last one holding the rest; an empty separator splits into code
 * points. */
static aeo_value fn_split(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (!all_kind(args, 2, AEO_V_STRING) || (argc == 3 && args[2].kind != AEO_V_INT))
        return no_overload(cx, "split", args, argc);
    const aeo_str *s = args[0].as.s, *sep = args[1].as.s;
    int64_t n = argc == 3 ? args[2].as.i : -1;
    aeo_value out = aeo_list_new(cx->arena, 0);
    if (n == 0) return out;
    uint32_t start = 0;
    if (sep->len == 0) {
        int64_t cps = cp_count(s->data, s->len);
        if (n < 0 || n > cps) n = cps;
        for (int64_t k = 0; k < n; k++) {
            uint32_t end = start;
            if (k == n - 1) end = s->len;
            else utf8_next(s->data, s->len, &end);
            aeo_list_push(cx->arena, out.as.l, aeo_string(cx->arena, s->data + start, end - start));
            start = end;
        }
        return out;
    }
    for (int64_t k = 0; n < 0 || k < n - 1; k++) {
        int64_t at = find_bytes(s, start, sep);
        if (at < 0) break;
        aeo_list_push(cx->arena, out.as.l,
                      aeo_string(cx->arena, s->data + start, (size_t)at - start));
        start = (uint32_t)at + sep->len;
    }
    aeo_list_push(cx->arena, out.as.l, aeo_string(cx->arena, s->data + start, s->len - start));
    return out;
}

static aeo_value fn_join(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (args[0].kind != AEO_V_LIST || (argc == 2 && args[1].kind != AEO_V_STRING))
        return no_overload(cx, "join", args, argc);
    const aeo_list *l = args[0].as.l;
    aeo_buf b = {0};
    for (uint32_t i = 0; i < l->len; i++) {
        if (l->items[i].kind != AEO_V_STRING) {
            aeo_buf_free(&b);
            return aeo_error_new(cx->arena,
                                 "no matching overload for 'join' applied to list element '%s'",
                                 aeo_value_type_name(l->items[i]));
        }
        if (i && argc == 2) aeo_buf_putn(&b, args[1].as.s->data, args[1].as.s->len);
        aeo_buf_putn(&b, l->items[i].as.s->data, l->items[i].as.s->len);
    }
    return buf_string(cx, &b);
}

static aeo_value index_error(aeo_builtin_ctx *cx, int64_t i) {
    return aeo_error_new(cx->arena, "index out of range: %" PRId64, i);
}

/* Code point index of the byte offset [off] in [s]. */
static int64_t cp_index(const aeo_str *s, int64_t off) {
    return cp_count(s->data, (uint32_t)off);
}

static aeo_value fn_index_of(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (!all_kind(args, 2, AEO_V_STRING) || (argc == 3 && args[2].kind != AEO_V_INT))
        return no_overload(cx, "indexOf", args, argc);
    const aeo_str *s = args[0].as.s, *sub = args[1].as.s;
    int64_t n = cp_count(s->data, s->len), start = argc == 3 ? args[2].as.i : 0;
    /* cel-go's strings extension (since its fix #1052): a negative offset
     * is out of range; past the end, "" matches at the end and any other
     * string is not found. */
    if (start < 0) return index_error(cx, start);
    if (sub->len == 0) return aeo_int(start < n ? start : n);
    if (start >= n) return aeo_int(-1);
    int64_t at = find_bytes(s, cp_offset(s->data, s->len, start), sub);
    return aeo_int(at < 0 ? -1 : cp_index(s, at));
}

static aeo_value fn_last_index_of(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (!all_kind(args, 2, AEO_V_STRING) || (argc == 3 && args[2].kind != AEO_V_INT))
        return no_overload(cx, "lastIndexOf", args, argc);
    const aeo_str *s = args[0].as.s, *sub = args[1].as.s;
    int64_t n = cp_count(s->data, s->len), start = argc == 3 ? args[2].as.i : n;
    /* As indexOf: an explicit offset at or past the end finds nothing (a
     * non-empty string); without one the search starts at the end. */
    if (start < 0) return index_error(cx, start);
    if (sub->len == 0) return aeo_int(start < n ? start : n);
    if (argc == 3 && start >= n) return aeo_int(-1);
    int64_t at = rfind_bytes(s, cp_offset(s->data, s->len, start), sub);
    return aeo_int(at < 0 ? -1 : cp_index(s, at));
}

static aeo_value fn_substring(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (args[0].kind != AEO_V_STRING || args[1].kind != AEO_V_INT ||
        (argc == 3 && args[2].kind != AEO_V_INT))
        return no_overload(cx, "substring", args, argc);
    const aeo_str *s = args[0].as.s;
    int64_t n = cp_count(s->data, s->len), start = args[1].as.i, end = argc == 3 ? args[2].as.i : n;
    if (start < 0 || start > n) return index_error(cx, start);
    if (end < 0 || end > n) return index_error(cx, end);
    if (start > end)
        return aeo_error_new(cx->arena, "invalid substring range. start: %" PRId64 ", end: %" PRId64,
                             start, end);
    uint32_t b0 = cp_offset(s->data, s->len, start);
    uint32_t b1 = b0 + cp_offset(s->data + b0, s->len - b0, end - start);
    return aeo_string(cx->arena, s->data + b0, b1 - b0);
}

static aeo_value fn_char_at(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc) {
    if (args[0].kind != AEO_V_STRING || args[1].kind != AEO_V_INT)
        return no_overload(cx, "charAt", args, argc);
    const aeo_str *s = args[0].as.s;
    int64_t n = cp_count(s->data, s->len), i = args[1].as.i;
    if (i < 0 || i > n) return index_error(cx, i);
    uint32_t b0 = cp_offset(s->data, s->len, i), b1 = b0;
    if (b1 < s->len) utf8_next(s->data, s->len, &b1);
    return aeo_string(cx->arena, s->data + b0, b1 - b0);
}

/* ---- the table ---------------------------------------------------------- */

/* An entry's index is the builtin number the compiler puts in CALL
 * instructions (aeo_builtin_find returns it), so entries are only ever
 * appended: reordering would renumber the CALLs of bytecode dumps.  Each
 * name appears once: the checker picks the overload's result type from the
 * signatures, the function picks its behaviour from the arguments' kinds,
 * and an optional argument is an overload one letter longer. */

#define G AEO_CALL_GLOBAL
#define M AEO_CALL_METHOD
#define B AEO_CALL_BOTH

/* Signatures count the receiver of a method call as the first argument. */
const aeo_builtin aeo_builtins[] = {
    {"size", B, "s:i;y:i;l:i;m:i", fn_size},
    {"contains", M, "ss:b", fn_contains},
    {"startsWith", M, "ss:b", fn_starts_with},
    {"endsWith", M, "ss:b", fn_ends_with},
    {"matches", B, "ss:b", fn_matches},
    {"int", G, "i:i;u:i;d:i;s:i;t:i", fn_int},
    {"uint", G, "i:u;u:u;d:u;s:u", fn_uint},
    {"double", G, "i:d;u:d;d:d;s:d", fn_double},
    {"string", G, "s:s;i:s;u:s;d:s;b:s;y:s;t:s;D:s", fn_string},
    {"bool", G, "b:b;s:b", fn_bool},
    {"bytes", G, "y:y;s:y", fn_bytes},
    {"dyn", G, "A:A", fn_dyn},
    {"type", G, "A:T", fn_type},
    {"timestamp", G, "s:t;t:t;i:t", fn_timestamp},
    {"duration", G, "s:D;D:D", fn_duration},
    {"getFullYear", M, "t:i;ts:i", fn_get_full_year},
    {"getMonth", M, "t:i;ts:i", fn_get_month},
    {"getDayOfYear", M, "t:i;ts:i", fn_get_day_of_year},
    {"getDayOfMonth", M, "t:i;ts:i", fn_get_day_of_month},
    {"getDate", M, "t:i;ts:i", fn_get_date},
    {"getDayOfWeek", M, "t:i;ts:i", fn_get_day_of_week},
    {"getHours", M, "t:i;ts:i;D:i", fn_get_hours},
    {"getMinutes", M, "t:i;ts:i;D:i", fn_get_minutes},
    {"getSeconds", M, "t:i;ts:i;D:i", fn_get_seconds},
    {"getMilliseconds", M, "t:i;ts:i;D:i", fn_get_milliseconds},
    {"lowerAscii", M, "s:s", fn_lower_ascii},
    {"upperAscii", M, "s:s", fn_upper_ascii},
    {"trim", M, "s:s", fn_trim},
    {"replace", M, "sss:s;sssi:s", fn_replace},
    {"split", M, "ss:S;ssi:S", fn_split},
    {"join", M, "S:s;Ss:s", fn_join},
    {"indexOf", M, "ss:i;ssi:i", fn_index_of},
    {"lastIndexOf", M, "ss:i;ssi:i", fn_last_index_of},
    {"substring", M, "si:s;sii:s", fn_substring},
    {"charAt", M, "si:s", fn_char_at},
};

const uint32_t aeo_builtin_count = sizeof aeo_builtins / sizeof aeo_builtins[0];

bool aeo_builtin_takes(const aeo_builtin *b, uint32_t argc) {
    for (const char *p = b->overloads; *p;) {
        const char *colon = strchr(p, ':');
        if (!colon) return false;
        if ((uint32_t)(colon - p) == argc) return true;
        p = colon[1] ? colon + 2 : colon + 1;   /* past the result letter */
        if (*p == ';') p++;
    }
    return false;
}

const aeo_builtin *aeo_builtin_named(const char *name) {
    for (uint32_t i = 0; i < aeo_builtin_count; i++)
        if (strcmp(aeo_builtins[i].name, name) == 0) return &aeo_builtins[i];
    return NULL;
}

int aeo_builtin_find(const char *name, aeo_call_style style, uint32_t argc) {
    const aeo_builtin *b = aeo_builtin_named(name);
    if (!b || !(b->style & style) || !aeo_builtin_takes(b, argc)) return -1;
    return (int)(b - aeo_builtins);
}
