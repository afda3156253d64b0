/* CEL values.
 *
 * A value is 16 bytes: a kind tag, a nanosecond field used by timestamps and
 * durations, and an 8-byte payload.  Scalars are unboxed; strings, bytes,
 * lists, maps, records, errors and unknowns point to objects that live in an
 * arena (the program's for constants, the evaluation's for everything made
 * while evaluating a record).  There is no reference counting and no
 * collector: the evaluation arena is reset after each record, which frees all
 * of a record's values at once.  Objects are therefore immutable once
 * published, except for lists and maps still being built by the VM.
 *
 * Besides CEL's data values there are three kinds CEL's evaluator needs:
 *   ERROR    a runtime error (overflow, no such key, ...) with its message and,
 *            once the VM has seen it, the span of the expression that raised it;
 *   UNKNOWN  a value that depends on facts the record lacks; it carries the set
 *            of missing attribute paths ("enterprise.certified_on");
 *   ABSENT   internal: the slot of an optional record field that was not given.
 *            Reading it yields UNKNOWN; it never escapes a record. */
#ifndef AEO_RUNTIME_VALUE_H
#define AEO_RUNTIME_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/arena.h"
#include "runtime/span.h"
#include "runtime/types.h"

typedef enum {
    AEO_V_NULL,
    AEO_V_BOOL,
    AEO_V_INT,
    AEO_V_UINT,
    AEO_V_DOUBLE,
    AEO_V_STRING,
    AEO_V_BYTES,
    AEO_V_LIST,
    AEO_V_MAP,
    AEO_V_TIMESTAMP,  /* as.i = seconds since 1970-01-01T00:00:00Z, nanos in [0, 1e9) */
    AEO_V_DURATION,   /* as.i = seconds, nanos in (-1e9, 1e9) with the sign of as.i */
    AEO_V_RECORD,
    AEO_V_TYPE,       /* as.tname: the CEL type name ("int", "list", ...) */
    AEO_V_ERROR,
    AEO_V_UNKNOWN,
    AEO_V_ABSENT
} aeo_vkind;

typedef struct aeo_value aeo_value;

/* String and bytes payload; data is NUL-terminated (not counted in len) so C
 * string functions work on strings without embedded NULs.  Strings are valid
 * UTF-8: every producer guarantees it. */
typedef struct aeo_str {
    uint32_t len;
    char data[];
} aeo_str;

typedef struct aeo_list {
    uint32_t len, cap;
    aeo_value *items;
    /* A constant list whose items are all strings may carry a hash index of
     * them (aeo_list_index), for `in`: open addressing, each slot an item
     * index + 1 (0: empty), index_mask + 1 slots.  NULL: no index. */
    uint32_t *index;
    uint32_t index_mask;
} aeo_list;

/* Whether two strings (or two bytes values) hold the same bytes: the same
 * object (an interned enum value against itself), else the lengths, the
 * first bytes, then memcmp. */
static inline bool aeo_str_equal(const aeo_str *a, const aeo_str *b) {
    return a == b || (a->len == b->len &&
                      (a->len == 0 || (a->data[0] == b->data[0] && memcmp(a->data, b->data, a->len) == 0)));
}

/* Insertion-ordered map with linear lookup: catalog maps are small. */
typedef struct aeo_map {
    uint32_t len, cap;
    aeo_value *keys;
    aeo_value *vals;
} aeo_map;

/* A decoded facts record: one slot per schema field (aeo_field.slot). */
typedef struct aeo_record {
    const aeo_record_type *type;
    aeo_value *slots;
    /* Where the record sits in the facts ("enterprise",
     * "enterprise.contacts[0]"), so that a missing field is named by its
     * fact path however the record was reached (a def, a macro variable);
     * NULL when unknown. */
    const char *path;
} aeo_record;

typedef struct aeo_error {
    const char *msg;
    aeo_span span;
    bool has_span;
} aeo_error;

/* A set of missing attribute paths, deduplicated, in first-seen order. */
typedef struct aeo_unknown {
    uint32_t n;
    const char *paths[];
} aeo_unknown;

struct aeo_value {
    uint8_t kind;     /* aeo_vkind */
    int32_t nanos;    /* TIMESTAMP, DURATION */
    union {
        bool b;
        int64_t i;    /* INT; seconds of TIMESTAMP and DURATION */
        uint64_t u;
        double d;
        const aeo_str *s;
        aeo_list *l;
        aeo_map *m;
        const aeo_record *r;
        aeo_error *e;
        const aeo_unknown *unk;
        const char *tname;
    } as;
};

_Static_assert(sizeof(aeo_value) == 16, "aeo_value must stay 16 bytes");

static inline aeo_value aeo_null(void) { aeo_value v = {.kind = AEO_V_NULL}; return v; }
static inline aeo_value aeo_absent(void) { aeo_value v = {.kind = AEO_V_ABSENT}; return v; }
static inline aeo_value aeo_bool(bool b) { aeo_value v = {.kind = AEO_V_BOOL, .as.b = b}; return v; }
static inline aeo_value aeo_int(int64_t i) { aeo_value v = {.kind = AEO_V_INT, .as.i = i}; return v; }
static inline aeo_value aeo_uint(uint64_t u) { aeo_value v = {.kind = AEO_V_UINT, .as.u = u}; return v; }
static inline aeo_value aeo_double(double d) { aeo_value v = {.kind = AEO_V_DOUBLE, .as.d = d}; return v; }
static inline aeo_value aeo_timestamp(int64_t s, int32_t n) {
    aeo_value v = {.kind = AEO_V_TIMESTAMP, .nanos = n, .as.i = s}; return v;
}
static inline aeo_value aeo_duration(int64_t s, int32_t n) {
    aeo_value v = {.kind = AEO_V_DURATION, .nanos = n, .as.i = s}; return v;
}
static inline aeo_value aeo_type_value(const char *name) {
    aeo_value v = {.kind = AEO_V_TYPE, .as.tname = name}; return v;
}
static inline bool aeo_is_bad(aeo_value v) {
    return v.kind == AEO_V_ERROR || v.kind == AEO_V_UNKNOWN;
}

/* A string value holding a copy of [len] bytes at [s] (UTF-8, the caller
 * guarantees it), allocated in [a]. */
aeo_value aeo_string(aeo_arena *a, const char *s, size_t len);
/* A string value for the NUL-terminated [s]. */
aeo_value aeo_cstring(aeo_arena *a, const char *s);
/* A bytes value holding a copy of [len] bytes at [s]. */
aeo_value aeo_bytes(aeo_arena *a, const char *s, size_t len);
/* Gives [l] a hash index when it has at least 8 items and all are strings
 * (a constant `in`-list); it must not change afterwards. */
void aeo_list_index(aeo_arena *a, aeo_list *l);
/* With an index: whether a string equal to [s] is an item of [l]. */
bool aeo_list_index_has(const aeo_list *l, const aeo_str *s);
/* An empty list with room for [cap] items; append with aeo_list_push. */
aeo_value aeo_list_new(aeo_arena *a, uint32_t cap);
/* Appends [item] to the list [l] (which must still be under construction). */
void aeo_list_push(aeo_arena *a, aeo_list *l, aeo_value item);
/* An empty map with room for [cap] entries. */
aeo_value aeo_map_new(aeo_arena *a, uint32_t cap);
/* Sets [key] to [val] in [m]; returns false if [key] was already present
 * (the map is unchanged then). */
bool aeo_map_put(aeo_arena *a, aeo_map *m, aeo_value key, aeo_value val);
/* The value at [key], or NULL.  Numeric keys match across int, uint and
 * double as CEL's heterogeneous equality says. */
const aeo_value *aeo_map_get(const aeo_map *m, aeo_value key);
/* Interns the values of the enum type [t] (built by the caller, still
 * writable): t->enum_strs gets one string object per value, allocated in
 * [a], which decoding then shares instead of copying. */
void aeo_type_intern_enum(aeo_arena *a, aeo_type *t);
/* A record of type [rt] with every slot ABSENT. */
aeo_value aeo_record_new(aeo_arena *a, const aeo_record_type *rt);

/* An error value with a printf-formatted message, no span yet. */
aeo_value aeo_error_new(aeo_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An unknown value naming one missing attribute [path] (not copied: it must
 * outlive the value, e.g. a program constant). */
aeo_value aeo_unknown_new(aeo_arena *a, const char *path);
/* The union of the unknown sets of [x] and [y] (both UNKNOWN). */
aeo_value aeo_unknown_merge(aeo_arena *a, aeo_value x, aeo_value y);

/* CEL equality (==): numbers compare by value across int, uint and double;
 * lists, maps and records compare element-wise; values of different kinds are
 * unequal.  Neither argument may be ERROR or UNKNOWN. */
bool aeo_value_equal(aeo_value x, aeo_value y);
/* CEL ordering: sets *[out] to -1, 0 or 1 and returns true when [x] and [y]
 * are ordered (numbers across kinds, strings and bytes bytewise, bools,
 * timestamps, durations); returns false when no ordering applies.  A NaN
 * compares unordered with everything: returns true with *out = 2. */
bool aeo_value_compare(aeo_value x, aeo_value y, int *out);
/* The CEL type name of [v]: "int", "string", "list", "map", "enterprise"... */
const char *aeo_value_type_name(aeo_value v);

/* A growable byte buffer for formatting. */
typedef struct aeo_buf {
    char *data;
    size_t len, cap;
} aeo_buf;
/* Start from aeo_buf b = {0}.  After any append, data is NUL-terminated
 * (not counted in len), so it can be used as a C string; it is owned by the
 * buffer (malloc) until aeo_buf_free, which also makes b empty again. */
void aeo_buf_putn(aeo_buf *b, const char *s, size_t n);
void aeo_buf_puts(aeo_buf *b, const char *s);
void aeo_buf_printf(aeo_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void aeo_buf_free(aeo_buf *b);
/* Makes room for [n] more bytes (and the NUL) in [b], doubling its
 * capacity, so that a writer can fill b->data + b->len directly. */
void aeo_buf_reserve(aeo_buf *b, size_t n);
/* Appends [d] with the fewest significant digits that read back as the same
 * double.  With [cel] false this is Go's strconv.FormatFloat(d, 'g', -1, 64),
 * which is what CEL's string(double) returns: "1", "2.5", "-0.0045", "1e+06",
 * "1e-05", "NaN", "+Inf", "-Inf".  With [cel] true it is the CEL literal form
 * used by aeo_value_format and aeo_value_to_json: positional notation for
 * decimal exponents -4..20, always looking like a double ("1.0", "2.5",
 * "54310000.0", "1e+21", "1e-05", "NaN", "+infinity", "-infinity"). */
void aeo_buf_double(aeo_buf *b, double d, bool cel);

/* Appends [v] in CEL literal syntax: "abc" quoted with escapes, 1u, 2.5,
 * [1, 2], {"a": 1}, timestamp("2021-04-21T00:00:00Z"), duration("3600s"),
 * records as {field: value, ...} in schema order (absent fields left out),
 * errors as error("msg"), unknowns as unknown(path, ...). */
void aeo_value_format(aeo_buf *b, aeo_value v);
/* Appends [v] as JSON: strings and numbers as JSON, uint as a number,
 * timestamps and durations as their CEL string forms, bytes as base64. */
void aeo_value_to_json(aeo_buf *b, aeo_value v);
/* Appends [s] as a JSON string literal (quotes and escapes; UTF-8 kept). */
void aeo_buf_json_string(aeo_buf *b, const char *s, size_t len);

#endif
