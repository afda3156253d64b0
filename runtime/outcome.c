/* Outcomes classified once, and the jsonl record written once.  See
 * outcome.h.  The writer is on the hot path of `aeo eval` (one call per
 * record): the applies and not lists, nearly all of a line, are copied
 * straight into the buffer from pre-quoted IDs. */
#include "runtime/outcome.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/arena.h"

const char *const aeo_outcome_names[4] = {"applies", "not", "undecided", "error"};

aeo_measure_outcome aeo_outcome_classify_other(aeo_arena *a, aeo_value v) {
    /* The checker types every condition as bool, so this is a dyn value
     * (a fact of type dyn, a map lookup) that turned out otherwise: CEL's
     * "no such overload" for a non-bool in a logical position. */
    aeo_measure_outcome o = {AEO_OUTCOME_ERROR, v};
    o.detail = aeo_error_new(a, "the condition gave a value of type %s, not a bool", aeo_value_type_name(v));
    return o;
}

bool aeo_outcome_classify_all(aeo_arena *a, const aeo_value *values, uint32_t n, aeo_measure_outcome *outs) {
    bool any_error = false;
    for (uint32_t k = 0; k < n; k++) {
        /* The bools, nearly every value, written in place: through
         * aeo_outcome_classify's returned struct this loop costs 16
         * instructions more a measure (gen shape, callgrind). */
        const aeo_value *v = &values[k];
        aeo_measure_outcome *o = &outs[k];
        o->detail = *v;
        if (v->kind == AEO_V_BOOL) {
            o->kind = v->as.b ? AEO_OUTCOME_APPLIES : AEO_OUTCOME_NOT;
            continue;
        }
        *o = aeo_outcome_classify(a, *v);
        any_error |= o->kind == AEO_OUTCOME_ERROR;
    }
    return any_error;
}

void aeo_outcome_granted(aeo_vm *vm, const uint32_t *sel, uint32_t n, const aeo_measure_outcome *outs,
                         aeo_value *out) {
    for (uint32_t k = 0; k < n; k++)
        out[k] = outs[k].kind == AEO_OUTCOME_APPLIES ? aeo_vm_measure_value(vm, sel ? sel[k] : k) : aeo_null();
}

const char *aeo_outcome_key(aeo_vm *vm, const aeo_chunk *key, aeo_buf *tmp) {
    if (!key) return NULL;
    aeo_value k = aeo_vm_run(vm, key);
    tmp->len = 0;
    if (k.kind == AEO_V_STRING) return k.as.s->data;
    if (k.kind == AEO_V_ERROR || k.kind == AEO_V_UNKNOWN) return NULL;
    aeo_value_format(tmp, k);
    aeo_buf_putn(tmp, "", 0);
    return tmp->data ? tmp->data : "";
}

/* Appends [n] bytes: aeo_buf_putn without the call for short pieces. */
static inline void put_bytes(aeo_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        aeo_buf_putn(b, s, n);
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}
#define PUT_LIT(b, lit) put_bytes((b), "" lit, sizeof(lit) - 1)   /* lit: a literal */

static void put_u64(aeo_buf *b, uint64_t v) {
    char tmp[24];
    int i = 24;
    do tmp[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put_bytes(b, tmp + i, (size_t)(24 - i));
}

void aeo_outcome_ids_init(aeo_outcome_ids *ids, const aeo_program *p, const uint32_t *sel, uint32_t n) {
    aeo_buf b = {0};
    ids->off = aeo_xcalloc((size_t)n + 1, sizeof *ids->off);
    ids->len = aeo_xcalloc((size_t)n + 1, sizeof *ids->len);
    for (uint32_t k = 0; k < n; k++) {
        const char *id = p->measures[sel ? sel[k] : k].id;
        ids->off[k] = (uint32_t)b.len;
        aeo_buf_json_string(&b, id, strlen(id));
        ids->len[k] = (uint32_t)(b.len - ids->off[k]);
    }
    static const char pad[AEO_OUTCOME_ID_PAD];
    ids->all = b.len + n;
    aeo_buf_putn(&b, pad, sizeof pad);
    ids->text = b.data;
}

void aeo_outcome_ids_free(aeo_outcome_ids *ids) {
    free(ids->text);
    free(ids->off);
    free(ids->len);
}

/* Appends ID [k] at [o], which has AEO_OUTCOME_ID_PAD bytes of room past
 * the ID: the IDs of a catalog are short, and a fixed-size copy is a
 * couple of moves where memcpy of a variable length is a call. */
static inline char *put_id(char *o, const aeo_outcome_ids *ids, uint32_t k) {
    uint32_t len = ids->len[k];
    const char *s = ids->text + ids->off[k];
    if (len <= AEO_OUTCOME_ID_PAD) memcpy(o, s, AEO_OUTCOME_ID_PAD);
    else memcpy(o, s, len);
    return o + len;
}

void aeo_outcome_write_json(aeo_buf *out, const aeo_outcome_record *r) {
    /* Every member after the first is preceded by a comma; without a record
     * number the key (or "applies") is the first. */
    bool first = true;
    PUT_LIT(out, "{");
    if (r->has_recno) {
        PUT_LIT(out, "\"record\":");
        put_u64(out, r->recno);
        first = false;
    }
    if (r->has_key) {
        if (first) PUT_LIT(out, "\"key\":");
        else PUT_LIT(out, ",\"key\":");
        if (r->key) aeo_buf_json_string(out, r->key, strlen(r->key));
        else PUT_LIT(out, "null");
        first = false;
    }
    /* The measures by outcome, each list in catalog order: one pass writes
     * the applies list into [out] and the not list into the scratch
     * buffer, each ID after a comma (the first comma becomes the '['), the ID's
     * place chosen by its outcome rather than by a branch; the rare
     * undecided and error outcomes are only counted. */
    const aeo_outcome_ids *ids = r->ids;
    const aeo_measure_outcome *outs = r->outs;
    uint32_t n = r->n, n_by[4] = {0, 0, 0, 0};
    if (first) PUT_LIT(out, "\"applies\":");
    else PUT_LIT(out, ",\"applies\":");
    aeo_buf *nots = r->scratch;
    aeo_buf_reserve(out, ids->all + 2 + AEO_OUTCOME_ID_PAD);
    nots->len = 0;
    aeo_buf_reserve(nots, ids->all + 2 + AEO_OUTCOME_ID_PAD);
    char *start[2] = {out->data + out->len, nots->data}, *cur[2] = {start[0], start[1]};
    for (uint32_t k = 0; k < n; k++) {
        aeo_outcome_kind kind = outs[k].kind;
        n_by[kind]++;
        if (kind > AEO_OUTCOME_NOT) continue;
        char *o = cur[kind];
        *o = ',';
        cur[kind] = put_id(o + 1, ids, k);
    }
    /* Each list's first comma is its opening bracket. */
    if (cur[0] == start[0]) *cur[0]++ = '[';
    *start[0] = '[';
    *cur[0]++ = ']';
    *cur[0] = '\0';
    out->len = (size_t)(cur[0] - out->data);
    if (r->values) {
        PUT_LIT(out, ",\"values\":{");
        bool firstv = true;
        for (uint32_t k = 0; k < n && n_by[AEO_OUTCOME_APPLIES]; k++) {
            if (outs[k].kind != AEO_OUTCOME_APPLIES) continue;
            aeo_value v = r->values[k];
            if (v.kind == AEO_V_NULL) continue;
            if (!firstv) PUT_LIT(out, ",");
            firstv = false;
            put_bytes(out, ids->text + ids->off[k], ids->len[k]);
            PUT_LIT(out, ":");
            aeo_value_to_json(out, v);
        }
        PUT_LIT(out, "}");
    }
    PUT_LIT(out, ",\"not\":");
    if (cur[1] == start[1]) *cur[1]++ = '[';
    *start[1] = '[';
    *cur[1]++ = ']';
    put_bytes(out, start[1], (size_t)(cur[1] - start[1]));
    static const char *const field[] = {",\"undecided\":{", ",\"errors\":{"};
    for (int kind = AEO_OUTCOME_UNDECIDED; kind <= AEO_OUTCOME_ERROR; kind++) {
        put_bytes(out, field[kind - AEO_OUTCOME_UNDECIDED], strlen(field[kind - AEO_OUTCOME_UNDECIDED]));
        uint32_t j = 0;
        for (uint32_t k = 0; k < n && j < n_by[kind]; k++) {
            if (outs[k].kind != (aeo_outcome_kind)kind) continue;
            if (j++) PUT_LIT(out, ",");
            put_bytes(out, ids->text + ids->off[k], ids->len[k]);
            if (kind == AEO_OUTCOME_UNDECIDED) {
                PUT_LIT(out, ":[");
                const aeo_unknown *u = r->outs[k].detail.as.unk;
                for (uint32_t i = 0; i < u->n; i++) {
                    if (i) PUT_LIT(out, ",");
                    aeo_buf_json_string(out, u->paths[i], strlen(u->paths[i]));
                }
                PUT_LIT(out, "]");
            } else {
                PUT_LIT(out, ":");
                const char *msg = r->outs[k].detail.as.e->msg;
                aeo_buf_json_string(out, msg, strlen(msg));
            }
        }
        PUT_LIT(out, "}");
    }
    PUT_LIT(out, "}");
}
