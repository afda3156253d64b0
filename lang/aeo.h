/* aeo.h: the embedding API of aeo (libaeo, `pkg-config aeo`).
 *
 * A program that decides per declaration whether facilitation measures apply
 * loads a catalog of .aeo rule files once and evaluates facts records (JSON
 * objects) against it, with the same results as `aeo eval`:
 *
 *     char *diags = NULL;
 *     const char *paths[] = {"rules/shenyang"};
 *     aeo_catalog *c = aeo_catalog_load(paths, 1, &diags);
 *     if (!c) { fputs(diags, stderr); free(diags); return 1; }
 *     aeo_evaluator *e = aeo_evaluator_new(c);
 *     if (aeo_evaluate(e, json, strlen(json), "2021-06-01") == 0)
 *         for (size_t i = 0; i < aeo_catalog_size(c); i++)
 *             if (aeo_outcome_of(e, i) == AEO_APPLIES) puts(aeo_measure_id(c, i));
 *     aeo_evaluator_free(e);
 *     aeo_catalog_free(c);
 *
 * Threads: a catalog is compiled once and never changes afterwards, so one
 * catalog may be shared by any number of threads without locking.  An
 * evaluator holds the state of one evaluation (a VM, the record's memory,
 * the last results): use one per thread (or lock around it).  Everything an
 * evaluator returns stays valid until the next call on that evaluator that
 * evaluates or frees it.
 *
 * Ownership: strings returned as const char * belong to the catalog or the
 * evaluator; only the diagnostics text of aeo_catalog_load is the caller's
 * (free() it).  Only symbols beginning aeo_ are exported.
 *
 * This header is self-contained and stable: DESIGN §7.6 fixes the first
 * thirteen functions; the rest are additions an embedder needs (a measure's
 * title, an undecided measure's missing facts, an error's message, the
 * diagnostics as data). */
#ifndef AEO_H
#define AEO_H

#include <stddef.h>

/* The version of aeo (the command and the library). */
#define AEO_VERSION "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled catalog: immutable once loaded; share it between threads. */
typedef struct aeo_catalog aeo_catalog;
/* The state of evaluating records: one per thread. */
typedef struct aeo_evaluator aeo_evaluator;

/* A measure's outcome for a record.  AEO_UNDECIDED: it depends on facts the
 * record lacks (aeo_missing_fact names them); AEO_ERROR: a runtime error
 * (aeo_error_message says which). */
typedef enum { AEO_NOT = 0, AEO_APPLIES = 1, AEO_UNDECIDED = 2, AEO_ERROR = 3 } aeo_outcome;

/* Loads the .aeo files or directories [paths] ([npaths] of them;
 * directories are read recursively, files in sorted order) as one catalog,
 * checks it (names, types, the in-file tests' facts against the schema) and
 * compiles it.  Returns NULL on failure: a file that cannot be read, any
 * error diagnostic, or a catalog without a facts schema.  Then, if
 * [diagnostics] is not NULL, *[diagnostics] is a malloc'd text, the
 * diagnostics as `aeo check` prints them (without colour), which the caller
 * frees.  On success *[diagnostics] is set to NULL: warnings (lints) do not
 * make a catalog unusable; `aeo check` reports them.  Thread-safe (each call
 * builds its own catalog). */
aeo_catalog *aeo_catalog_load(const char *const *paths, size_t npaths, char **diagnostics);
/* Frees [c] (NULL is ignored).  Every evaluator of [c] must be freed first. */
void aeo_catalog_free(aeo_catalog *c);
/* The number of measures of [c]. */
size_t aeo_catalog_size(const aeo_catalog *c);
/* The ID ("M01") of measure [i] (0 <= i < aeo_catalog_size), in declaration
 * order (the order of `aeo list` and of every output); NULL if [i] is out of
 * range.  Owned by the catalog. */
const char *aeo_measure_id(const aeo_catalog *c, size_t i);

/* A new evaluator for [c], which must outlive it.  Free it with
 * aeo_evaluator_free. */
aeo_evaluator *aeo_evaluator_new(const aeo_catalog *c);
/* Frees [e] and its results (NULL is ignored). */
void aeo_evaluator_free(aeo_evaluator *e);

/* Evaluates every measure of the catalog for one facts record: [json] is
 * [len] bytes holding one JSON object, decoded against the catalog's facts
 * schema exactly as `aeo eval` decodes a record (a wrong type, a missing
 * required field or an inexact integer is an error naming the field path).
 * [as_of] is the evaluation date, "YYYY-MM-DD" or an RFC 3339 timestamp;
 * NULL means today (UTC).  Returns 0, or -1 when the record cannot be read
 * or [as_of] is not a date; aeo_evaluator_error then says why.  A measure
 * that fails at run time is not a -1: its outcome is AEO_ERROR.  Results
 * stay valid until the next call on [e]. */
int aeo_evaluate(aeo_evaluator *e, const char *json, size_t len, const char *as_of);
/* The outcome of measure [i] in the last successful aeo_evaluate
 * (AEO_ERROR if there is none or [i] is out of range). */
aeo_outcome aeo_outcome_of(const aeo_evaluator *e, size_t i);
/* What measure [i] grants, as JSON text, when the measure is valued and
 * applies (DESIGN §7.1); NULL otherwise.  Owned by [e]. */
const char *aeo_value_json(const aeo_evaluator *e, size_t i);
/* The last evaluated record as one line of `aeo eval --format jsonl`
 * (without the newline and without its "record" member), e.g.
 *   {"key":"91210100...","applies":["M01"],"not":[...],"undecided":{},"errors":{}}
 * "key" is present when the catalog declares a key.  After an aeo_evaluate
 * that returned -1: {"error":"message"}.  Before any: NULL.  Owned by [e]. */
const char *aeo_result_json(const aeo_evaluator *e);
/* Why the last aeo_evaluate returned -1; NULL after a successful one.  For a
 * record, the message of `aeo eval`'s error record without its "line N: "
 * prefix (a syntax error still says "line L, column C", counted in [json]).
 * Owned by [e]. */
const char *aeo_evaluator_error(const aeo_evaluator *e);

/* ---- additions to DESIGN §7.6 ---- */

/* The title of measure [i] ("Lower inspection rate"), or NULL if [i] is out
 * of range.  Owned by the catalog. */
const char *aeo_measure_title(const aeo_catalog *c, size_t i);
/* What measure [i] grants when it applies, as it is declared (`value:`):
 * its type as aeo spells it ("int", "duration", "list<string>",
 * "\"reduced\" | \"exempt\""), or NULL for a measure that grants no value
 * (a yes/no measure) or an [i] out of range.  A catalog with at least one
 * valued measure writes "values" in every result line.  Owned by the
 * catalog. */
const char *aeo_measure_value_type(const aeo_catalog *c, size_t i);
/* The unit of valued measure [i]'s value (`unit:`), or NULL.  Owned by the
 * catalog. */
const char *aeo_measure_unit(const aeo_catalog *c, size_t i);
/* The index of the measure with ID [id], or -1 when the catalog has none. */
long aeo_measure_index(const aeo_catalog *c, const char *id);
/* For an undecided measure [i]: how many facts it is missing (0 for any
 * other outcome), and the [k]th of them as a path ("enterprise.certified_on"),
 * in the order `aeo eval` lists them; NULL if [k] is out of range.  Owned by
 * [e]. */
size_t aeo_missing_count(const aeo_evaluator *e, size_t i);
const char *aeo_missing_fact(const aeo_evaluator *e, size_t i, size_t k);
/* For a measure [i] whose outcome is AEO_ERROR: the runtime error's
 * message (as in `aeo eval`'s "errors" member); NULL otherwise.  Owned by
 * [e]. */
const char *aeo_error_message(const aeo_evaluator *e, size_t i);
/* Diagnostics as data: checks the catalog at [paths] as `aeo check --format
 * json` does (the lints included) and returns exactly its output, one JSON
 * object per diagnostic and line ({"file", "line", "column", "end_line",
 * "end_column", "severity", "code", "message", "notes"}), "" when there is
 * none; malloc'd, the caller frees it.  *[errors] and *[warnings] (either
 * may be NULL) receive the counts.  NULL when there are no paths or one
 * cannot be read (aeo_catalog_load then says why).  Thread-safe. */
char *aeo_check_json(const char *const *paths, size_t npaths, size_t *errors, size_t *warnings);

#ifdef __cplusplus
}
#endif

#endif
