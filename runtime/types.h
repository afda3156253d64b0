/* Static types, shared by the checker (which infers them) and the facts
 * decoder (which enforces the facts schema with them).
 *
 * A type is a small immutable descriptor.  The scalar types are singletons
 * (aeo_type_int, ...); composite ones (list<T>, map<K,V>, enums, records)
 * are built in an arena by whoever needs them and compared structurally
 * with aeo_type_equal.  Records are the facts schema: named fields, each with
 * a slot index and an optional flag; a decoded record stores its fields in
 * slots, so field access at run time is an array index, not a lookup.
 *
 * An enum ("advanced" | "general") is a string whose values are limited to a
 * set; at run time its values are ordinary strings. */
#ifndef AEO_RUNTIME_TYPES_H
#define AEO_RUNTIME_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/arena.h"

typedef enum {
    AEO_T_DYN,       /* any value; checked at run time */
    AEO_T_NULL,
    AEO_T_BOOL,
    AEO_T_INT,
    AEO_T_UINT,
    AEO_T_DOUBLE,
    AEO_T_STRING,
    AEO_T_BYTES,
    AEO_T_TIMESTAMP,
    AEO_T_DURATION,
    AEO_T_LIST,      /* elem */
    AEO_T_MAP,       /* key, elem */
    AEO_T_ENUM,      /* a string limited to enum_values */
    AEO_T_RECORD,    /* rec */
    AEO_T_TYPE,      /* a type value, as returned by type() */
    AEO_T_ERROR      /* the type of an ill-typed expression: silences cascades */
} aeo_tkind;

typedef struct aeo_type aeo_type;
typedef struct aeo_record_type aeo_record_type;
struct aeo_str;
struct aeo_value;

struct aeo_type {
    aeo_tkind kind;
    const aeo_type *elem;             /* list element, map value */
    const aeo_type *key;              /* map key */
    const aeo_record_type *rec;       /* record */
    const char *const *enum_values;   /* enum: the allowed strings */
    uint32_t n_enum;
    /* enum: the values as string objects (aeo_str, value.h), shared by
     * every decoded record instead of a copy each (aeo_type_intern_enum);
     * NULL: not interned. */
    const struct aeo_str *const *enum_strs;
};

typedef struct aeo_field {
    const char *name;
    const aeo_type *type;
    bool optional;       /* declared with '?': may be absent or null */
    uint32_t slot;       /* index in aeo_record.slots */
} aeo_field;

struct aeo_record_type {
    const char *name;    /* "enterprise" for the facts root, else the record name */
    uint32_t n_fields;
    aeo_field *fields;
    /* Name -> field hash table (open addressing; each slot is a pair: the
     * field index + 1, 0 when empty, and the name's length), built by
     * aeo_record_type_index; NULL means lookups scan the fields. */
    uint32_t *index;
    uint32_t index_mask;
    uint32_t n_slots;    /* with the index: 1 + the largest slot */
    /* Field defaults (name?: type = LITERAL), by slot: the value an absent
     * or null field reads as, ABSENT for a field without one; [n_defaults]
     * entries.  NULL when no field has a default.  A decoded record starts
     * as a copy of this array, so a default costs no allocation per record
     * (the values are shared, like the enum strings). */
    const struct aeo_value *defaults;
    uint32_t n_defaults;
};

extern const aeo_type aeo_type_dyn, aeo_type_null, aeo_type_bool, aeo_type_int,
    aeo_type_uint, aeo_type_double, aeo_type_string, aeo_type_bytes,
    aeo_type_timestamp, aeo_type_duration, aeo_type_type, aeo_type_error,
    aeo_type_list_dyn, aeo_type_map_dyn;

/* list<[elem]>, allocated in [a]. */
const aeo_type *aeo_type_list(aeo_arena *a, const aeo_type *elem);
/* map<[key], [val]>, allocated in [a]. */
const aeo_type *aeo_type_map(aeo_arena *a, const aeo_type *key, const aeo_type *val);
/* Structural equality; dyn equals only dyn, an enum equals an enum of the
 * same value set, records are equal when they are the same descriptor. */
bool aeo_type_equal(const aeo_type *x, const aeo_type *y);
/* The field named [name] in [rt], or NULL. */
const aeo_field *aeo_record_type_field(const aeo_record_type *rt, const char *name);
/* The field named by the [len] bytes at [name] (NUL-terminated or not), or
 * NULL: a hash lookup once [rt] is indexed, a scan before. */
const aeo_field *aeo_record_type_find(const aeo_record_type *rt, const char *name, size_t len);
/* Builds the name index of [rt] in [a], once its fields are final, so that
 * decoding a record and resolving a field name cost one hash lookup. */
void aeo_record_type_index(aeo_arena *a, aeo_record_type *rt);
/* The hash of a field name, as the index uses it: its length and three of
 * its bytes, mixed.  Cheap rather than strong: collisions only cost a
 * probe, and the names come from the schema. */
static inline uint32_t aeo_field_hash(const char *s, size_t len) {
    if (len == 0) return 0;
    uint32_t h = (uint32_t)len * 0x9E3779B1u ^ ((uint32_t)(unsigned char)s[0] |
                  (uint32_t)(unsigned char)s[len - 1] << 8 | (uint32_t)(unsigned char)s[len / 2] << 16);
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    return h ^ (h >> 12);
}
/* Writes the CEL spelling of [t] ("list<string>", "map<string, int>",
 * "enterprise") into [buf] of [size] bytes; returns buf. */
char *aeo_type_format(const aeo_type *t, char *buf, uint32_t size);

#endif
