/* Outcomes: what a measure's value means for a record, decided in ONE place.
 *
 * The VM answers a measure with a value: true, false, an UNKNOWN naming the
 * missing facts, or an ERROR.  Everything that reports outcomes (aeo eval's
 * formats, the REPL, the test runner, explain, the embedding library) maps
 * that value through aeo_outcome_classify, so they cannot disagree about,
 * say, a condition that produced a non-bool: it is an error, with a message
 * naming the type, in every one of them.
 *
 * The jsonl record (aeo_outcome_write_json) lives here too: `aeo eval
 * --format jsonl|json` and the library's aeo_result_json write it with the
 * same function, so the CLI and embedders see the same bytes. */
#ifndef AEO_RUNTIME_OUTCOME_H
#define AEO_RUNTIME_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/value.h"
#include "runtime/vm.h"

/* The four outcomes, in the order of every output (jsonl members, tables,
 * --summary columns).  The public aeo_outcome of lang/aeo.h numbers them
 * differently (AEO_NOT = 0); lang/aeo.c maps. */
typedef enum {
    AEO_OUTCOME_APPLIES,
    AEO_OUTCOME_NOT,
    AEO_OUTCOME_UNDECIDED,
    AEO_OUTCOME_ERROR
} aeo_outcome_kind;

/* One measure's outcome with its detail: for UNDECIDED an UNKNOWN value
 * (detail.as.unk names the missing facts), for ERROR an ERROR value
 * (detail.as.e: message and span), else the bool. */
typedef struct aeo_measure_outcome {
    aeo_outcome_kind kind;
    aeo_value detail;
} aeo_measure_outcome;

/* "applies", "not", "undecided", "error", indexed by aeo_outcome_kind. */
extern const char *const aeo_outcome_names[4];

/* Classifies the value [v] the VM gave for a measure.  A value that is not a
 * bool, an unknown or an error becomes an ERROR ("the condition gave a value
 * of type T, not a bool"), allocated in [a] (the record's arena). */
aeo_measure_outcome aeo_outcome_classify_other(aeo_arena *a, aeo_value v);
/* (Inline: called once per measure and record; the rare non-bool case is
 * aeo_outcome_classify_other's.) */
static inline aeo_measure_outcome aeo_outcome_classify(aeo_arena *a, aeo_value v) {
    aeo_measure_outcome o = {AEO_OUTCOME_ERROR, v};
    if (v.kind == AEO_V_BOOL) o.kind = v.as.b ? AEO_OUTCOME_APPLIES : AEO_OUTCOME_NOT;
    else if (v.kind == AEO_V_UNKNOWN) o.kind = AEO_OUTCOME_UNDECIDED;
    else if (v.kind != AEO_V_ERROR) o = aeo_outcome_classify_other(a, v);
    return o;
}

/* aeo_outcome_classify of values[0..n) into outs[0..n), for a whole
 * record at once (the loops of aeo eval, diff and the library); true when
 * one of them is an ERROR. */
bool aeo_outcome_classify_all(aeo_arena *a, const aeo_value *values, uint32_t n, aeo_measure_outcome *outs);

/* What the measures [sel] ([n] of them; NULL: measures 0..n-1) grant for
 * the VM's current record, given their outcomes [outs]: out[k] is the value
 * of a valued measure that applies (aeo_vm_measure_value), a NULL value for
 * every other.  The values live in the record's arena. */
void aeo_outcome_granted(aeo_vm *vm, const uint32_t *sel, uint32_t n, const aeo_measure_outcome *outs,
                         aeo_value *out);

/* The key of the VM's current record as text, by running [key] (NULL: no
 * key, returns NULL).  NULL too when the key is undecided or fails.  A
 * string key is returned where it lives (the record's arena, until
 * aeo_vm_end); other values are formatted into [tmp]. */
const char *aeo_outcome_key(aeo_vm *vm, const aeo_chunk *key, aeo_buf *tmp);

/* The measures' IDs as JSON strings ("\"M01\""), quoted once per catalog
 * for every record the writer writes: text holds them one after another,
 * followed by AEO_OUTCOME_ID_PAD bytes, so that the writer can copy an ID
 * of up to that many bytes with one fixed-size move (it reserves as much
 * room past its end). */
#define AEO_OUTCOME_ID_PAD 16
typedef struct aeo_outcome_ids {
    char *text;
    uint32_t *off;                 /* ID k is text[off[k]], len[k] bytes */
    uint32_t *len;
    size_t all;                    /* the length of all of them, with a comma each */
} aeo_outcome_ids;

/* The IDs of the measures [sel] ([n] of them; NULL: measures 0..n-1) of
 * [p]. */
void aeo_outcome_ids_init(aeo_outcome_ids *ids, const aeo_program *p, const uint32_t *sel, uint32_t n);
void aeo_outcome_ids_free(aeo_outcome_ids *ids);

/* What a jsonl record is made of. */
typedef struct aeo_outcome_record {
    bool has_recno;                /* write "record": recno first */
    uint64_t recno;
    bool has_key;                  /* write "key": key (NULL: null) */
    const char *key;
    uint32_t n;                    /* measures reported */
    const aeo_measure_outcome *outs;
    const aeo_outcome_ids *ids;    /* their IDs */
    aeo_buf *scratch;              /* the writer's, overwritten (keep it between records) */
    /* A catalog with valued measures (DESIGN 7.1) writes "values" after
     * "applies", always (possibly {}); one without, never, so version-1
     * lines are unchanged.  NULL: no "values" member.  Else values[k] is
     * what measure k grants when it applies (a NULL value: nothing). */
    const aeo_value *values;
} aeo_outcome_record;

/* Appends the record as one JSON object, without a newline:
 *   {"record":N,"key":K,"applies":[IDs],"values":{ID:VALUE},"not":[IDs],
 *    "undecided":{ID:[missing facts]},"errors":{ID:message}}
 * each list in catalog order; VALUE is aeo_value_to_json's (durations and
 * timestamps as CEL's JSON mapping, "3600s" and RFC 3339). */
void aeo_outcome_write_json(aeo_buf *out, const aeo_outcome_record *r);

#endif
