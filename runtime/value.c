/* CEL values: construction, CEL equality and ordering, and the two printed
 * forms (CEL literal syntax for people, JSON for programs).
 *
 * Every object a value points to lives in an arena, so nothing here frees
 * anything; lists and maps grow with aeo_arena_realloc, which extends in place
 * when the array is the arena's most recent allocation (the common case while
 * the VM builds a literal) and copies otherwise.
 *
 * Numbers compare across int, uint and double as CEL's heterogeneous
 * equality and ordering define them, which is what cel-go does and what the
 * conformance suite checks: int and uint compare exactly (2^63 as a uint is
 * greater than INT64_MAX); an integer and a double compare as doubles once
 * the double is known to lie within the integer type's range, and by range
 * alone otherwise.  So 9223372036854775807 == 9223372036854775808.0 (the
 * int rounds to 2^63), while -1 < 0u and 2^64 as a double is above every
 * uint.  NaN is unordered and equal to nothing.
 *
 * Doubles are printed with the fewest significant digits that read back as the
 * same double, and the digits are assembled by hand, so the output does not
 * depend on the C locale's decimal point. */
#include "runtime/value.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/celtime.h"

/* ---- construction ------------------------------------------------------- */

/* A fresh aeo_str of [len] bytes copied from [s]; NULL when too long. */
static aeo_str *str_new(aeo_arena *a, const char *s, size_t len) {
    if (len > UINT32_MAX - 1) return NULL;
    aeo_str *p = aeo_arena_alloc(a, sizeof(aeo_str) + len + 1);
    p->len = (uint32_t)len;
    if (len) memcpy(p->data, s, len);
    p->data[len] = '\0';
    return p;
}

aeo_value aeo_string(aeo_arena *a, const char *s, size_t len) {
    aeo_str *p = str_new(a, s, len);
    if (!p) return aeo_error_new(a, "string too long");
    aeo_value v = {.kind = AEO_V_STRING, .as.s = p};
    return v;
}

aeo_value aeo_cstring(aeo_arena *a, const char *s) {
    return aeo_string(a, s, strlen(s));
}

aeo_value aeo_bytes(aeo_arena *a, const char *s, size_t len) {
    aeo_str *p = str_new(a, s, len);
    if (!p) return aeo_error_new(a, "bytes too long");
    aeo_value v = {.kind = AEO_V_BYTES, .as.s = p};
    return v;
}

aeo_value aeo_list_new(aeo_arena *a, uint32_t cap) {
    aeo_list *l = aeo_arena_alloc(a, sizeof *l);
    l->len = 0;
    l->cap = cap;
    l->items = cap ? aeo_arena_alloc(a, (size_t)cap * sizeof(aeo_value)) : NULL;
    l->index = NULL;
    l->index_mask = 0;
    aeo_value v = {.kind = AEO_V_LIST, .as.l = l};
    return v;
}

/* FNV-1a over every byte: list items are often codes that differ in one
 * character ("0801", "0802"). */
static uint32_t str_hash(const aeo_str *s) {
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < s->len; i++) h = (h ^ (unsigned char)s->data[i]) * 16777619u;
    return h;
}

void aeo_list_index(aeo_arena *a, aeo_list *l) {
    if (l->len < 8 || l->len > UINT32_MAX / 4) return;
    for (uint32_t i = 0; i < l->len; i++)
        if (l->items[i].kind != AEO_V_STRING) return;
    /* At most half full. */
    uint32_t size = 16;
    while (size < 2 * l->len) size *= 2;
    uint32_t *index = aeo_arena_alloc(a, (size_t)size * sizeof *index);
    memset(index, 0, (size_t)size * sizeof *index);
    for (uint32_t i = 0; i < l->len; i++) {
        uint32_t k = str_hash(l->items[i].as.s) & (size - 1);
        while (index[k] != 0 && !aeo_str_equal(l->items[index[k] - 1].as.s, l->items[i].as.s)) k = (k + 1) & (size - 1);
        if (index[k] == 0) index[k] = i + 1;   /* a repeated item keeps its first slot */
    }
    l->index = index;
    l->index_mask = size - 1;
}

bool aeo_list_index_has(const aeo_list *l, const aeo_str *s) {
    for (uint32_t k = str_hash(s) & l->index_mask, i; (i = l->index[k]) != 0; k = (k + 1) & l->index_mask)
        if (aeo_str_equal(l->items[i - 1].as.s, s)) return true;
    return false;
}

/* The next capacity for a growing array: doubling, starting at 4. */
static uint32_t grow_cap(uint32_t cap) {
    if (cap == 0) return 4;
    if (cap > UINT32_MAX / 2) {
        fputs("aeo: collection too large\n", stderr);
        exit(2);
    }
    return cap * 2;
}

void aeo_list_push(aeo_arena *a, aeo_list *l, aeo_value item) {
    if (l->len == l->cap) {
        uint32_t cap = grow_cap(l->cap);
        l->items = aeo_arena_realloc(a, l->items, (size_t)l->cap * sizeof(aeo_value),
                                     (size_t)cap * sizeof(aeo_value));
        l->cap = cap;
    }
    l->items[l->len++] = item;
}

aeo_value aeo_map_new(aeo_arena *a, uint32_t cap) {
    aeo_map *m = aeo_arena_alloc(a, sizeof *m);
    m->len = 0;
    m->cap = cap;
    m->keys = cap ? aeo_arena_alloc(a, (size_t)cap * sizeof(aeo_value)) : NULL;
    m->vals = cap ? aeo_arena_alloc(a, (size_t)cap * sizeof(aeo_value)) : NULL;
    aeo_value v = {.kind = AEO_V_MAP, .as.m = m};
    return v;
}

bool aeo_map_put(aeo_arena *a, aeo_map *m, aeo_value key, aeo_value val) {
    if (aeo_map_get(m, key)) return false;
    if (m->len == m->cap) {
        uint32_t cap = grow_cap(m->cap);
        size_t old = (size_t)m->cap * sizeof(aeo_value), now = (size_t)cap * sizeof(aeo_value);
        m->keys = aeo_arena_realloc(a, m->keys, old, now);
        m->vals = aeo_arena_realloc(a, m->vals, old, now);
        m->cap = cap;
    }
    m->keys[m->len] = key;
    m->vals[m->len] = val;
    m->len++;
    return true;
}

const aeo_value *aeo_map_get(const aeo_map *m, aeo_value key) {
    for (uint32_t i = 0; i < m->len; i++)
        if (aeo_value_equal(m->keys[i], key)) return &m->vals[i];
    return NULL;
}

/* Slots a record of [rt] needs: one past the highest slot index (slots are
 * normally 0..n-1, but nothing here relies on that). */
static uint32_t record_nslots(const aeo_record_type *rt) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < rt->n_fields; i++)
        if (rt->fields[i].slot + 1 > n) n = rt->fields[i].slot + 1;
    return n;
}

void aeo_type_intern_enum(aeo_arena *a, aeo_type *t) {
    const aeo_str **strs = aeo_arena_alloc(a, (t->n_enum ? t->n_enum : 1) * sizeof *strs);
    for (uint32_t i = 0; i < t->n_enum; i++) strs[i] = aeo_cstring(a, t->enum_values[i]).as.s;
    t->enum_strs = strs;
}

aeo_value aeo_record_new(aeo_arena *a, const aeo_record_type *rt) {
    aeo_record *r = aeo_arena_alloc(a, sizeof *r);
    uint32_t n = record_nslots(rt);
    r->type = rt;
    r->path = NULL;
    r->slots = aeo_arena_alloc(a, (n ? n : 1) * sizeof(aeo_value));
    for (uint32_t i = 0; i < n; i++) r->slots[i] = aeo_absent();
    aeo_value v = {.kind = AEO_V_RECORD, .as.r = r};
    return v;
}

aeo_value aeo_error_new(aeo_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = aeo_arena_vprintf(a, fmt, ap);
    va_end(ap);
    aeo_error *e = aeo_arena_zalloc(a, sizeof *e);
    e->msg = msg;
    e->has_span = false;
    aeo_value v = {.kind = AEO_V_ERROR, .as.e = e};
    return v;
}

aeo_value aeo_unknown_new(aeo_arena *a, const char *path) {
    aeo_unknown *u = aeo_arena_alloc(a, sizeof(aeo_unknown) + sizeof(const char *));
    u->n = 1;
    u->paths[0] = path;
    aeo_value v = {.kind = AEO_V_UNKNOWN, .as.unk = u};
    return v;
}

static bool unknown_has(const aeo_unknown *u, const char *path) {
    for (uint32_t i = 0; i < u->n; i++)
        if (strcmp(u->paths[i], path) == 0) return true;
    return false;
}

aeo_value aeo_unknown_merge(aeo_arena *a, aeo_value x, aeo_value y) {
    if (x.kind != AEO_V_UNKNOWN) return y;
    if (y.kind != AEO_V_UNKNOWN) return x;
    const aeo_unknown *ux = x.as.unk, *uy = y.as.unk;
    uint32_t extra = 0;
    for (uint32_t i = 0; i < uy->n; i++)
        if (!unknown_has(ux, uy->paths[i])) extra++;
    /* Nothing new: share x's set instead of copying it. */
    if (extra == 0) return x;
    uint32_t n = ux->n + extra;
    aeo_unknown *u = aeo_arena_alloc(a, sizeof(aeo_unknown) + (size_t)n * sizeof(const char *));
    memcpy(u->paths, ux->paths, (size_t)ux->n * sizeof(const char *));
    u->n = ux->n;
    for (uint32_t i = 0; i < uy->n; i++) {
        /* Check against the growing set too: y itself is deduplicated, but
         * this keeps the invariant even if a producer slipped. */
        if (!unknown_has(u, uy->paths[i])) u->paths[u->n++] = uy->paths[i];
    }
    aeo_value v = {.kind = AEO_V_UNKNOWN, .as.unk = u};
    return v;
}

/* ---- numeric comparison ------------------------------------------------- */

/* Each returns -1, 0 or 1 for x <, ==, > y, or 2 when a NaN is involved. */

static int cmp_int_uint(int64_t i, uint64_t u) {
    if (i < 0) return -1;
    uint64_t iu = (uint64_t)i;
    return iu < u ? -1 : iu > u;
}

/* An integer against a double: by range when the double lies outside the
 * integer type's range (NaN aside), else as two doubles.  The bounds are
 * the doubles nearest INT64_MIN, INT64_MAX and UINT64_MAX, i.e. -2^63, 2^63
 * and 2^64, as in cel-go's compareIntDouble and compareUintDouble. */
static int cmp_int_double(int64_t i, double d) {
    if (isnan(d)) return 2;
    if (d < -0x1p63) return 1;
    if (d > 0x1p63) return -1;
    double x = (double)i;
    return x < d ? -1 : x > d;
}

static int cmp_uint_double(uint64_t u, double d) {
    if (isnan(d)) return 2;
    if (d < 0) return 1;
    if (d > 0x1p64) return -1;
    double x = (double)u;
    return x < d ? -1 : x > d;
}

static int cmp_double(double x, double y) {
    if (isnan(x) || isnan(y)) return 2;
    return x < y ? -1 : x > y;
}

static bool is_number(aeo_value v) {
    return v.kind == AEO_V_INT || v.kind == AEO_V_UINT || v.kind == AEO_V_DOUBLE;
}

/* Compares two numbers of any numeric kinds. */
static int cmp_number(aeo_value x, aeo_value y) {
    switch (x.kind) {
    case AEO_V_INT:
        if (y.kind == AEO_V_INT) return x.as.i < y.as.i ? -1 : x.as.i > y.as.i;
        if (y.kind == AEO_V_UINT) return cmp_int_uint(x.as.i, y.as.u);
        return cmp_int_double(x.as.i, y.as.d);
    case AEO_V_UINT:
        if (y.kind == AEO_V_UINT) return x.as.u < y.as.u ? -1 : x.as.u > y.as.u;
        if (y.kind == AEO_V_INT) return -cmp_int_uint(y.as.i, x.as.u);
        return cmp_uint_double(x.as.u, y.as.d);
    default: {
        int c;
        if (y.kind == AEO_V_DOUBLE) return cmp_double(x.as.d, y.as.d);
        c = y.kind == AEO_V_INT ? cmp_int_double(y.as.i, x.as.d)
                                : cmp_uint_double(y.as.u, x.as.d);
        return c == 2 ? 2 : -c;
    }
    }
}

static int cmp_bytes(const aeo_str *x, const aeo_str *y) {
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->data, y->data, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int cmp_time(aeo_value x, aeo_value y) {
    if (x.as.i != y.as.i) return x.as.i < y.as.i ? -1 : 1;
    return x.nanos < y.nanos ? -1 : x.nanos > y.nanos;
}

/* ---- equality and ordering ---------------------------------------------- */

static bool list_equal(const aeo_list *x, const aeo_list *y) {
    if (x->len != y->len) return false;
    for (uint32_t i = 0; i < x->len; i++)
        if (!aeo_value_equal(x->items[i], y->items[i])) return false;
    return true;
}

static bool map_equal(const aeo_map *x, const aeo_map *y) {
    if (x->len != y->len) return false;
    for (uint32_t i = 0; i < x->len; i++) {
        const aeo_value *v = aeo_map_get(y, x->keys[i]);
        if (!v || !aeo_value_equal(x->vals[i], *v)) return false;
    }
    return true;
}

static bool record_equal(const aeo_record *x, const aeo_record *y) {
    if (x->type != y->type) return false;
    uint32_t n = record_nslots(x->type);
    for (uint32_t i = 0; i < n; i++) {
        bool ax = x->slots[i].kind == AEO_V_ABSENT, ay = y->slots[i].kind == AEO_V_ABSENT;
        if (ax || ay) {
            if (ax != ay) return false;
            continue;
        }
        if (!aeo_value_equal(x->slots[i], y->slots[i])) return false;
    }
    return true;
}

/* CEL's heterogeneous equality: numbers of any kinds compare by value
 * (so NaN equals nothing, and -0.0 equals 0), every other pair of different
 * kinds is simply unequal rather than an error, and aggregates recurse. */
bool aeo_value_equal(aeo_value x, aeo_value y) {
    if (is_number(x) && is_number(y)) return cmp_number(x, y) == 0;
    if (x.kind != y.kind) return false;
    switch ((aeo_vkind)x.kind) {
    case AEO_V_NULL:
    case AEO_V_ABSENT:
        return true;
    case AEO_V_BOOL:
        return x.as.b == y.as.b;
    case AEO_V_STRING:
    case AEO_V_BYTES:
        return aeo_str_equal(x.as.s, y.as.s);
    case AEO_V_LIST:
        return list_equal(x.as.l, y.as.l);
    case AEO_V_MAP:
        return map_equal(x.as.m, y.as.m);
    case AEO_V_TIMESTAMP:
    case AEO_V_DURATION:
        return x.as.i == y.as.i && x.nanos == y.nanos;
    case AEO_V_RECORD:
        return record_equal(x.as.r, y.as.r);
    case AEO_V_TYPE:
        return strcmp(x.as.tname, y.as.tname) == 0;
    default:
        /* ERROR and UNKNOWN never reach here from the VM; treat them as
         * unequal rather than guess. */
        return false;
    }
}

/* Ordering exists only within a kind, plus across the three numeric kinds;
 * lists, maps, null and records are unordered (the VM reports the error). */
bool aeo_value_compare(aeo_value x, aeo_value y, int *out) {
    if (is_number(x) && is_number(y)) {
        *out = cmp_number(x, y);
        return true;
    }
    if (x.kind != y.kind) return false;
    switch ((aeo_vkind)x.kind) {
    case AEO_V_BOOL:
        *out = (int)x.as.b - (int)y.as.b;
        return true;
    case AEO_V_STRING:
    case AEO_V_BYTES:
        /* Bytewise order of UTF-8 is code point order. */
        *out = cmp_bytes(x.as.s, y.as.s);
        return true;
    case AEO_V_TIMESTAMP:
    case AEO_V_DURATION:
        *out = cmp_time(x, y);
        return true;
    default:
        return false;
    }
}

const char *aeo_value_type_name(aeo_value v) {
    switch ((aeo_vkind)v.kind) {
    case AEO_V_NULL: return "null_type";
    case AEO_V_BOOL: return "bool";
    case AEO_V_INT: return "int";
    case AEO_V_UINT: return "uint";
    case AEO_V_DOUBLE: return "double";
    case AEO_V_STRING: return "string";
    case AEO_V_BYTES: return "bytes";
    case AEO_V_LIST: return "list";
    case AEO_V_MAP: return "map";
    case AEO_V_TIMESTAMP: return "google.protobuf.Timestamp";
    case AEO_V_DURATION: return "google.protobuf.Duration";
    case AEO_V_RECORD: return v.as.r->type->name;
    case AEO_V_TYPE: return "type";
    case AEO_V_ERROR: return "error";
    case AEO_V_UNKNOWN: return "unknown";
    case AEO_V_ABSENT: return "absent";
    }
    return "?";
}

/* ---- buffers ------------------------------------------------------------ */

/* Makes room for [n] more bytes plus the terminating NUL. */
void aeo_buf_reserve(aeo_buf *b, size_t n) {
    if (b->len + n + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    b->data = aeo_xrealloc(b->data, cap);
    b->cap = cap;
}

void aeo_buf_putn(aeo_buf *b, const char *s, size_t n) {
    aeo_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void aeo_buf_puts(aeo_buf *b, const char *s) { aeo_buf_putn(b, s, strlen(s)); }

static void buf_putc(aeo_buf *b, char c) { aeo_buf_putn(b, &c, 1); }

void aeo_buf_printf(aeo_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    aeo_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void aeo_buf_free(aeo_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- doubles ------------------------------------------------------------ */

/* The shortest round-trip decimal digits of a finite, non-negative [d]:
 * writes up to 17 digits (no trailing zeros, at least one digit) to
 * [digits] and returns the decimal exponent of the first digit, so that
 * d = 0.d1d2d3... * 10^(exp+1). */
static int shortest_digits(double d, char digits[18]) {
    /* Try 1, 2, ... significant digits: printf rounds correctly, so the
     * first precision that reads back is the shortest representation (17
     * always does for binary64).  At most 17 snprintf/strtod pairs, which
     * only matters for output, never for evaluation. */
    char tmp[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
        if (strtod(tmp, NULL) == d || p == 17) break;
    }
    /* tmp is "D[.DDD]e±XX" ('.' being the locale's decimal point). */
    int nd = 0;
    const char *q = tmp;
    while (*q && *q != 'e') {
        if (*q >= '0' && *q <= '9') digits[nd++] = *q;
        q++;
    }
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = '\0';
    return *q == 'e' ? atoi(q + 1) : 0;
}

void aeo_buf_double(aeo_buf *b, double d, bool cel) {
    if (isnan(d)) {
        aeo_buf_puts(b, "NaN");
        return;
    }
    if (isinf(d)) {
        if (cel) aeo_buf_puts(b, d > 0 ? "+infinity" : "-infinity");
        else aeo_buf_puts(b, d > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (signbit(d)) buf_putc(b, '-');
    char digits[18];
    int exp = shortest_digits(fabs(d), digits);
    int nd = (int)strlen(digits);
    /* Go switches to exponent form from 1e+06 (eprec 6 for shortest); the
     * literal form stays positional up to 1e+21, as JavaScript does, so
     * amounts such as 54310000.0 print as written. */
    int hi = cel ? 21 : 6;
    if (exp < -4 || exp >= hi) {
        buf_putc(b, digits[0]);
        if (nd > 1) {
            buf_putc(b, '.');
            aeo_buf_putn(b, digits + 1, (size_t)nd - 1);
        }
        aeo_buf_printf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        return;
    }
    if (exp < 0) {
        aeo_buf_puts(b, "0.");
        for (int i = 0; i < -exp - 1; i++) buf_putc(b, '0');
        aeo_buf_putn(b, digits, (size_t)nd);
        return;
    }
    /* exp >= 0: integer part is the first exp+1 digits, zero-padded. */
    for (int i = 0; i <= exp; i++) buf_putc(b, i < nd ? digits[i] : '0');
    if (nd > exp + 1) {
        buf_putc(b, '.');
        aeo_buf_putn(b, digits + exp + 1, (size_t)(nd - exp - 1));
    } else if (cel) {
        aeo_buf_puts(b, ".0");
    }
}

/* ---- CEL literal form --------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

static void put_hex_escape(aeo_buf *b, unsigned char c) {
    char e[4] = {'\\', 'x', hexdig[c >> 4], hexdig[c & 15]};
    aeo_buf_putn(b, e, 4);
}

/* A CEL quoted literal of [s]: strings keep UTF-8 as is; bytes escape every
 * byte outside printable ASCII. */
static void put_quoted(aeo_buf *b, const char *s, size_t len, bool bytes) {
    /* Runs of bytes that need no escape are copied in one call; the output
     * is a valid CEL literal that reads back as the same value. */
    if (bytes) buf_putc(b, 'b');
    buf_putc(b, '"');
    size_t run = 0;   /* start of the pending run of literal bytes */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        default: break;
        }
        bool hex = !esc && (c < 0x20 || c == 0x7f || (bytes && c >= 0x80));
        if (!esc && !hex) continue;
        aeo_buf_putn(b, s + run, i - run);
        run = i + 1;
        if (esc) aeo_buf_puts(b, esc);
        else put_hex_escape(b, c);
    }
    aeo_buf_putn(b, s + run, len - run);
    buf_putc(b, '"');
}

static void put_time(aeo_buf *b, aeo_value v, bool json) {
    char tmp[48];
    int n = v.kind == AEO_V_TIMESTAMP ? aeo_time_format_timestamp(v.as.i, v.nanos, tmp)
                                      : aeo_time_format_duration(v.as.i, v.nanos, tmp);
    if (json) {
        aeo_buf_json_string(b, tmp, (size_t)n);
        return;
    }
    aeo_buf_puts(b, v.kind == AEO_V_TIMESTAMP ? "timestamp(\"" : "duration(\"");
    aeo_buf_putn(b, tmp, (size_t)n);
    aeo_buf_puts(b, "\")");
}

void aeo_value_format(aeo_buf *b, aeo_value v) {
    switch ((aeo_vkind)v.kind) {
    case AEO_V_NULL: aeo_buf_puts(b, "null"); break;
    case AEO_V_BOOL: aeo_buf_puts(b, v.as.b ? "true" : "false"); break;
    case AEO_V_INT: aeo_buf_printf(b, "%" PRId64, v.as.i); break;
    case AEO_V_UINT: aeo_buf_printf(b, "%" PRIu64 "u", v.as.u); break;
    case AEO_V_DOUBLE: aeo_buf_double(b, v.as.d, true); break;
    case AEO_V_STRING: put_quoted(b, v.as.s->data, v.as.s->len, false); break;
    case AEO_V_BYTES: put_quoted(b, v.as.s->data, v.as.s->len, true); break;
    case AEO_V_LIST:
        buf_putc(b, '[');
        for (uint32_t i = 0; i < v.as.l->len; i++) {
            if (i) aeo_buf_puts(b, ", ");
            aeo_value_format(b, v.as.l->items[i]);
        }
        buf_putc(b, ']');
        break;
    case AEO_V_MAP:
        buf_putc(b, '{');
        for (uint32_t i = 0; i < v.as.m->len; i++) {
            if (i) aeo_buf_puts(b, ", ");
            aeo_value_format(b, v.as.m->keys[i]);
            aeo_buf_puts(b, ": ");
            aeo_value_format(b, v.as.m->vals[i]);
        }
        buf_putc(b, '}');
        break;
    case AEO_V_TIMESTAMP:
    case AEO_V_DURATION:
        put_time(b, v, false);
        break;
    case AEO_V_RECORD: {
        const aeo_record_type *rt = v.as.r->type;
        bool first = true;
        buf_putc(b, '{');
        for (uint32_t i = 0; i < rt->n_fields; i++) {
            aeo_value f = v.as.r->slots[rt->fields[i].slot];
            if (f.kind == AEO_V_ABSENT) continue;
            if (!first) aeo_buf_puts(b, ", ");
            first = false;
            aeo_buf_puts(b, rt->fields[i].name);
            aeo_buf_puts(b, ": ");
            aeo_value_format(b, f);
        }
        buf_putc(b, '}');
        break;
    }
    case AEO_V_TYPE: aeo_buf_puts(b, v.as.tname); break;
    case AEO_V_ERROR:
        aeo_buf_puts(b, "error(");
        put_quoted(b, v.as.e->msg, strlen(v.as.e->msg), false);
        buf_putc(b, ')');
        break;
    case AEO_V_UNKNOWN:
        aeo_buf_puts(b, "unknown(");
        for (uint32_t i = 0; i < v.as.unk->n; i++) {
            if (i) aeo_buf_puts(b, ", ");
            aeo_buf_puts(b, v.as.unk->paths[i]);
        }
        buf_putc(b, ')');
        break;
    case AEO_V_ABSENT: aeo_buf_puts(b, "<absent>"); break;
    }
}

/* ---- JSON --------------------------------------------------------------- */

void aeo_buf_json_string(aeo_buf *b, const char *s, size_t len) {
    buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default: break;
        }
        if (!esc && c >= 0x20) continue;
        aeo_buf_putn(b, s + run, i - run);
        run = i + 1;
        if (esc) aeo_buf_puts(b, esc);
        else aeo_buf_printf(b, "\\u%04x", (unsigned)c);
    }
    aeo_buf_putn(b, s + run, len - run);
    buf_putc(b, '"');
}

static void put_base64(aeo_buf *b, const unsigned char *p, size_t n) {
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)p[i] << 16;
        if (i + 1 < n) w |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n) w |= p[i + 2];
        char q[4] = {tab[(w >> 18) & 63], tab[(w >> 12) & 63],
                     i + 1 < n ? tab[(w >> 6) & 63] : '=', i + 2 < n ? tab[w & 63] : '='};
        aeo_buf_putn(b, q, 4);
    }
    buf_putc(b, '"');
}

/* A JSON object key for [k]: strings as they are, other keys in their CEL
 * form without quotes or suffix ("1", "true"), as JSON needs string keys. */
static void put_json_key(aeo_buf *b, aeo_value k) {
    if (k.kind == AEO_V_STRING) {
        aeo_buf_json_string(b, k.as.s->data, k.as.s->len);
        return;
    }
    aeo_buf tmp = {0};
    if (k.kind == AEO_V_UINT) aeo_buf_printf(&tmp, "%" PRIu64, k.as.u);
    else aeo_value_format(&tmp, k);
    aeo_buf_json_string(b, tmp.data ? tmp.data : "", tmp.len);
    aeo_buf_free(&tmp);
}

/* JSON output keeps every value readable by any JSON parser: non-string
 * map keys become strings, time values their RFC 3339 / "3600s" forms, and
 * the evaluator's own kinds (error, unknown) small tagged objects. */
void aeo_value_to_json(aeo_buf *b, aeo_value v) {
    switch ((aeo_vkind)v.kind) {
    case AEO_V_NULL:
    case AEO_V_ABSENT:
        aeo_buf_puts(b, "null");
        break;
    case AEO_V_BOOL: aeo_buf_puts(b, v.as.b ? "true" : "false"); break;
    case AEO_V_INT: aeo_buf_printf(b, "%" PRId64, v.as.i); break;
    case AEO_V_UINT: aeo_buf_printf(b, "%" PRIu64, v.as.u); break;
    case AEO_V_DOUBLE:
        /* JSON has no NaN or infinities: use the strings JavaScript and
         * protobuf's JSON mapping use. */
        if (isnan(v.as.d)) aeo_buf_puts(b, "\"NaN\"");
        else if (isinf(v.as.d)) aeo_buf_puts(b, v.as.d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        else aeo_buf_double(b, v.as.d, true);
        break;
    case AEO_V_STRING: aeo_buf_json_string(b, v.as.s->data, v.as.s->len); break;
    case AEO_V_BYTES:
        put_base64(b, (const unsigned char *)v.as.s->data, v.as.s->len);
        break;
    case AEO_V_LIST:
        buf_putc(b, '[');
        for (uint32_t i = 0; i < v.as.l->len; i++) {
            if (i) buf_putc(b, ',');
            aeo_value_to_json(b, v.as.l->items[i]);
        }
        buf_putc(b, ']');
        break;
    case AEO_V_MAP:
        buf_putc(b, '{');
        for (uint32_t i = 0; i < v.as.m->len; i++) {
            if (i) buf_putc(b, ',');
            put_json_key(b, v.as.m->keys[i]);
            buf_putc(b, ':');
            aeo_value_to_json(b, v.as.m->vals[i]);
        }
        buf_putc(b, '}');
        break;
    case AEO_V_TIMESTAMP:
    case AEO_V_DURATION:
        put_time(b, v, true);
        break;
    case AEO_V_RECORD: {
        const aeo_record_type *rt = v.as.r->type;
        bool first = true;
        buf_putc(b, '{');
        for (uint32_t i = 0; i < rt->n_fields; i++) {
            aeo_value f = v.as.r->slots[rt->fields[i].slot];
            if (f.kind == AEO_V_ABSENT) continue;
            if (!first) buf_putc(b, ',');
            first = false;
            aeo_buf_json_string(b, rt->fields[i].name, strlen(rt->fields[i].name));
            buf_putc(b, ':');
            aeo_value_to_json(b, f);
        }
        buf_putc(b, '}');
        break;
    }
    case AEO_V_TYPE: aeo_buf_json_string(b, v.as.tname, strlen(v.as.tname)); break;
    case AEO_V_ERROR:
        aeo_buf_puts(b, "{\"error\":");
        aeo_buf_json_string(b, v.as.e->msg, strlen(v.as.e->msg));
        buf_putc(b, '}');
        break;
    case AEO_V_UNKNOWN:
        aeo_buf_puts(b, "{\"unknown\":[");
        for (uint32_t i = 0; i < v.as.unk->n; i++) {
            if (i) buf_putc(b, ',');
            aeo_buf_json_string(b, v.as.unk->paths[i], strlen(v.as.unk->paths[i]));
        }
        aeo_buf_puts(b, "]}");
        break;
    }
}
