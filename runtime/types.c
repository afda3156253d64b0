/* Static types: the scalar singletons, composite constructors, structural
 * equality and the CEL spelling of a type.
 *
 * Scalar types are file-scope constants, so comparing two scalar types is a
 * kind comparison and no one ever allocates an "int".  Composite types are
 * built in the caller's arena and compared structurally; records compare by
 * descriptor identity because a catalog declares each record once.
 *
 * aeo_type_format never writes past [size] bytes and always NUL-terminates:
 * a type too long for the buffer is cut short, which only affects how a
 * diagnostic reads, never a decision. */
#include "runtime/types.h"

#include <stdio.h>
#include <string.h>

const aeo_type aeo_type_dyn = {.kind = AEO_T_DYN};
const aeo_type aeo_type_null = {.kind = AEO_T_NULL};
const aeo_type aeo_type_bool = {.kind = AEO_T_BOOL};
const aeo_type aeo_type_int = {.kind = AEO_T_INT};
const aeo_type aeo_type_uint = {.kind = AEO_T_UINT};
const aeo_type aeo_type_double = {.kind = AEO_T_DOUBLE};
const aeo_type aeo_type_string = {.kind = AEO_T_STRING};
const aeo_type aeo_type_bytes = {.kind = AEO_T_BYTES};
const aeo_type aeo_type_timestamp = {.kind = AEO_T_TIMESTAMP};
const aeo_type aeo_type_duration = {.kind = AEO_T_DURATION};
const aeo_type aeo_type_type = {.kind = AEO_T_TYPE};
const aeo_type aeo_type_error = {.kind = AEO_T_ERROR};
const aeo_type aeo_type_list_dyn = {.kind = AEO_T_LIST, .elem = &aeo_type_dyn};
const aeo_type aeo_type_map_dyn = {.kind = AEO_T_MAP, .key = &aeo_type_dyn,
                                   .elem = &aeo_type_dyn};

const aeo_type *aeo_type_list(aeo_arena *a, const aeo_type *elem) {
    aeo_type *t = aeo_arena_zalloc(a, sizeof *t);
    t->kind = AEO_T_LIST;
    t->elem = elem;
    return t;
}

const aeo_type *aeo_type_map(aeo_arena *a, const aeo_type *key, const aeo_type *val) {
    aeo_type *t = aeo_arena_zalloc(a, sizeof *t);
    t->kind = AEO_T_MAP;
    t->key = key;
    t->elem = val;
    return t;
}

/* Whether [s] is one of the [n] strings at [set]. */
static bool enum_has(const char *const *set, uint32_t n, const char *s) {
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(set[i], s) == 0) return true;
    return false;
}

bool aeo_type_equal(const aeo_type *x, const aeo_type *y) {
    if (x == y) return true;
    if (!x || !y || x->kind != y->kind) return false;
    switch (x->kind) {
    case AEO_T_LIST:
        return aeo_type_equal(x->elem, y->elem);
    case AEO_T_MAP:
        return aeo_type_equal(x->key, y->key) && aeo_type_equal(x->elem, y->elem);
    case AEO_T_ENUM:
        /* Same value set, in any order.  Enum values are declared without
         * duplicates (the checker rejects them), so equal counts plus
         * inclusion one way is set equality. */
        if (x->n_enum != y->n_enum) return false;
        for (uint32_t i = 0; i < x->n_enum; i++)
            if (!enum_has(y->enum_values, y->n_enum, x->enum_values[i])) return false;
        return true;
    case AEO_T_RECORD:
        return x->rec == y->rec;
    default:
        return true;   /* scalars: the kind says it all */
    }
}

const aeo_field *aeo_record_type_field(const aeo_record_type *rt, const char *name) {
    return aeo_record_type_find(rt, name, strlen(name));
}

const aeo_field *aeo_record_type_find(const aeo_record_type *rt, const char *name, size_t len) {
    if (rt->index) {
        /* Slots are pairs: field index + 1 (0: empty), name length. */
        uint32_t i = aeo_field_hash(name, len) & rt->index_mask;
        for (uint32_t k; (k = rt->index[2 * i]) != 0; i = (i + 1) & rt->index_mask) {
            const aeo_field *f = &rt->fields[k - 1];
            if (rt->index[2 * i + 1] == len && memcmp(f->name, name, len) == 0) return f;
        }
        return NULL;
    }
    for (uint32_t i = 0; i < rt->n_fields; i++)
        if (strncmp(rt->fields[i].name, name, len) == 0 && rt->fields[i].name[len] == '\0')
            return &rt->fields[i];
    return NULL;
}

void aeo_record_type_index(aeo_arena *a, aeo_record_type *rt) {
    /* At most half full, so probes stay short. */
    uint32_t size = 8;
    while (size < 2 * rt->n_fields + 2) size *= 2;
    uint32_t *index = aeo_arena_zalloc(a, 2 * size * sizeof *index);
    for (uint32_t f = 0; f < rt->n_fields; f++) {
        const char *name = rt->fields[f].name;
        size_t len = strlen(name);
        uint32_t i = aeo_field_hash(name, len) & (size - 1);
        while (index[2 * i] != 0) i = (i + 1) & (size - 1);
        index[2 * i] = f + 1;
        index[2 * i + 1] = (uint32_t)len;
    }
    rt->index = index;
    rt->index_mask = size - 1;
    rt->n_slots = 0;
    for (uint32_t f = 0; f < rt->n_fields; f++)
        if (rt->fields[f].slot + 1 > rt->n_slots) rt->n_slots = rt->fields[f].slot + 1;
}

/* A bounded writer: appends stop silently at the end of the buffer. */
typedef struct {
    char *buf;
    uint32_t size, len;
} writer;

static void put(writer *w, const char *s) {
    size_t n = strlen(s);
    if (w->size == 0) return;
    size_t room = (size_t)(w->size - 1 - w->len);
    if (n > room) n = room;
    memcpy(w->buf + w->len, s, n);
    w->len += (uint32_t)n;
    w->buf[w->len] = '\0';
}

static const char *scalar_name(aeo_tkind k) {
    switch (k) {
    case AEO_T_DYN: return "dyn";
    case AEO_T_NULL: return "null_type";
    case AEO_T_BOOL: return "bool";
    case AEO_T_INT: return "int";
    case AEO_T_UINT: return "uint";
    case AEO_T_DOUBLE: return "double";
    case AEO_T_STRING: return "string";
    case AEO_T_BYTES: return "bytes";
    /* The facts-schema spellings, which are what catalog authors write;
     * CEL's own names for these are google.protobuf.Timestamp/Duration. */
    case AEO_T_TIMESTAMP: return "timestamp";
    case AEO_T_DURATION: return "duration";
    case AEO_T_TYPE: return "type";
    case AEO_T_ERROR: return "error";
    default: return "?";
    }
}

static void format_type(writer *w, const aeo_type *t) {
    if (!t) {
        put(w, "dyn");
        return;
    }
    switch (t->kind) {
    case AEO_T_LIST:
        put(w, "list<");
        format_type(w, t->elem);
        put(w, ">");
        break;
    case AEO_T_MAP:
        put(w, "map<");
        format_type(w, t->key);
        put(w, ", ");
        format_type(w, t->elem);
        put(w, ">");
        break;
    case AEO_T_ENUM:
        /* "advanced" | "general": the declaration syntax. */
        for (uint32_t i = 0; i < t->n_enum; i++) {
            if (i) put(w, " | ");
            put(w, "\"");
            put(w, t->enum_values[i]);
            put(w, "\"");
        }
        break;
    case AEO_T_RECORD:
        put(w, t->rec && t->rec->name ? t->rec->name : "record");
        break;
    default:
        put(w, scalar_name(t->kind));
        break;
    }
}

char *aeo_type_format(const aeo_type *t, char *buf, uint32_t size) {
    writer w = {buf, size, 0};
    if (size) buf[0] = '\0';
    format_type(&w, t);
    return buf;
}
