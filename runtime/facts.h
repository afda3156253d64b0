/* Facts input: splitting an input stream into records and decoding each
 * record against the facts schema.
 *
 * Input forms (detected from the first non-blank byte and the first line):
 *   JSON Lines   one object per line; blank lines are skipped; each line is
 *                its own record, so a malformed line is one bad record and
 *                never swallows the next line;
 *   JSON array   [ {...}, {...} ] : each element is a record;
 *   documents    one or more objects, pretty-printed over several lines,
 *                separated by whitespace.
 * Reading is streamed: memory does not grow with the number of records.
 *
 * Decoding is strict: the record's text is checked against RFC 8259 (no
 * leading zeros, valid UTF-8, no trailing garbage, no control characters in
 * strings, no lone surrogates), by simdjson's validating parser, whose tape
 * is then walked with the schema; a record simdjson refuses or that has a
 * problem is read again by the careful path (aeo's own validator, for the
 * line and column of a syntax error, then cJSON and the schema walk, for
 * the field path), so messages do not depend on the fast path.  Fields the
 * schema does not declare are ignored (but validated).  A required field
 * that is missing or null, a value of the wrong type, an int with a fraction
 * or beyond ±2^53 (where a double stops being exact), an enum value not
 * in the enum, or a malformed timestamp or duration string makes the record
 * bad, with one message naming the field path
 * ("enterprise.address.city: expected string, got number"). */
#ifndef AEO_RUNTIME_FACTS_H
#define AEO_RUNTIME_FACTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime/arena.h"
#include "runtime/types.h"
#include "runtime/value.h"

/* Limits.  A record longer than AEO_FACTS_MAX_RECORD bytes is one BAD item
 * ("record exceeds 64 MiB"); the reader scans past it without keeping it and
 * goes on with the next record.  A record nested deeper than
 * AEO_FACTS_MAX_DEPTH arrays and objects (the record itself is depth 1) is
 * bad: "nesting deeper than 512". */
#define AEO_FACTS_MAX_RECORD ((size_t)64 << 20)
#define AEO_FACTS_MAX_DEPTH 512

/* Details of the reader (runtime/facts.c has the full story):
 *   - the form is JSON array when the first byte after an optional UTF-8 BOM
 *     and whitespace is '['; otherwise JSON Lines when the first record is an
 *     object that closes on its first line with only whitespace after it (or
 *     when the first byte is neither '{' nor '[': a broken JSON Lines file),
 *     and documents otherwise;
 *   - every RECORD has passed the strict validator, so a syntax error is a
 *     BAD item whose message has the absolute line and column;
 *   - in an array, a bad element is one BAD item and reading goes on, but an
 *     error that hides where the array continues (input ending inside it, a
 *     trailing comma, a stray '}', bytes after the closing ']') is reported
 *     once and the reader then returns EOF: resynchronising is guesswork;
 *   - in documents, a '{' in column 1 while a document is still open ends
 *     that document (BAD) and starts the next; input ending inside a document
 *     is reported once, then EOF;
 *   - after IOERR the reader returns EOF.
 * For a BAD item, text holds what was read of the record (possibly empty or
 * cut short) and line the line where it starts (or where the error is, when
 * there is no record). */
typedef struct aeo_facts_reader aeo_facts_reader;

/* A reader over [in] (borrowed).  [name] is used in messages ("-" for stdin).
 * The reader reads the stream's descriptor directly, in blocks (read(2)
 * returns what has arrived, so records from a pipe are yielded as soon as
 * they are complete); [in] must not have been read through stdio before. */
aeo_facts_reader *aeo_facts_reader_new(FILE *in, const char *name);
void aeo_facts_reader_free(aeo_facts_reader *r);
/* Lowers (or raises) the record size cap of [r] from AEO_FACTS_MAX_RECORD to
 * [max_bytes] (for tests and embedders with tighter memory). */
void aeo_facts_reader_set_max_record(aeo_facts_reader *r, size_t max_bytes);
/* With [on] false, records that start in column 1 (every JSON Lines
 * record) are yielded without the strict validation, for a caller that
 * passes each RECORD to aeo_facts_decode, which validates it and reports a
 * syntax error at the same line and column.  `aeo eval` does this so that
 * validation happens once, in the thread that decodes.  Default: on. */
void aeo_facts_reader_set_validate(aeo_facts_reader *r, bool on);
/* For a caller that keeps records after the next call without copying them
 * (aeo eval -j hands them to other threads): the reader then never reuses
 * an input block; each one it is done with is handed back by
 * aeo_facts_reader_retired, and the caller frees it (free()) or gives it
 * back (aeo_facts_reader_recycle) once no record in it is needed.  Records with in_block false (a line that spans two
 * blocks, other forms, messages) are valid until the next call, as usual. */
void aeo_facts_reader_keep_blocks(aeo_facts_reader *r);
/* The next input block the reader is done with, or NULL. */
void *aeo_facts_reader_retired(aeo_facts_reader *r);
/* Gives a retired block back for reuse (instead of free): no new memory,
 * no page faults, for a reader that goes on. */
void aeo_facts_reader_recycle(aeo_facts_reader *r, void *block);

/* Waiting for input (streaming from a pipe, a terminal, a socket): [wait]
 * is called with [ctx] and the descriptor before every read that may
 * block, that is, whenever the input is not a regular file.  It returns
 * true to read (it may first wait for the descriptor, flush its own output
 * while nothing arrives, and so on) or false to stop: the reader then
 * drops the record it was reading, if any, and returns EOF from then on,
 * and aeo_facts_reader_stopped says so.  `aeo eval` flushes its finished
 * records there and stops on SIGINT/SIGTERM (lang/cli/eval.c).  Regular
 * files never call it, so reading them costs nothing more. */
void aeo_facts_reader_set_wait(aeo_facts_reader *r, bool (*wait)(void *ctx, int fd), void *ctx);
/* Whether the wait function stopped the reader. */
bool aeo_facts_reader_stopped(const aeo_facts_reader *r);
/* Whether the next aeo_facts_next may block for input: nothing is pending
 * in the reader's block up to a line end and the descriptor (not a regular
 * file) has nothing to read yet.  A JSON Lines record ends at its line end;
 * for the other forms this is a hint (a document spread over several lines
 * may still need more input). */
bool aeo_facts_reader_would_block(aeo_facts_reader *r);

typedef enum {
    AEO_FACTS_RECORD,  /* *text holds one record's JSON text */
    AEO_FACTS_BAD,     /* this record cannot be read: *error says why */
    AEO_FACTS_EOF,
    AEO_FACTS_IOERR    /* the stream failed: *error says why; stop */
} aeo_facts_status;

typedef struct aeo_facts_item {
    const char *text;     /* the record's JSON text (valid until the next call) */
    size_t len;
    uint64_t line;        /* 1-based line where the record starts */
    const char *error;    /* for BAD/IOERR: "line 3, column 17: unexpected ','" */
    bool in_block;        /* with aeo_facts_reader_keep_blocks: text lies in an
                             input block and stays valid until that block is
                             handed back and freed (see there) */
} aeo_facts_item;

/* The next record of the stream.  A syntax error found while splitting (an
 * unterminated array element, say) is reported as BAD for that record, and
 * reading goes on with the next one where the form allows it (JSON Lines:
 * the next line).  Strings in [item] stay valid until the next call. */
aeo_facts_status aeo_facts_next(aeo_facts_reader *r, aeo_facts_item *item);

/* Decodes the JSON text [text] of [len] bytes (one record starting at line
 * [line] of the input) against [root], named [root_name] in messages, into a
 * RECORD value allocated in [a].  On failure returns false and sets *[error]
 * to a message allocated in [a]: "line 3, column 17: ..." for syntax errors,
 * "enterprise.credit: ..." for schema errors. */
/* Numbers (aeo_facts_decode): an int or uint field takes a JSON number whose
 * value is an integer within ±2^53 (2^53 itself only when written so, since
 * 2^53+1 reads as the same double); because cJSON keeps only the double,
 * 1.0 and 1e2 are accepted as 1 and 100 (the fast path, which reads
 * integers exactly, gives the same values).  A number that overflows a double
 * (1e400) is an error in any field.  A dyn field holds an integral number
 * within ±(2^53-1) as int, any other as double.  A JSON string holding
 * \u0000 is rejected (cJSON would silently cut it there).  Syntax error
 * columns on the text's first line count from the start of [text]. */
bool aeo_facts_decode(aeo_arena *a, const aeo_record_type *root, const char *root_name,
                      const char *text, size_t len, uint64_t line,
                      aeo_value *out, const char **error);

/* Converts an already-built CEL value (a map literal from a test block or
 * the REPL) to a RECORD of [root] by the same rules as JSON decoding (maps
 * become records, string values become timestamps where the schema says
 * so).  On failure returns false with *[error] naming the field path. */
/* Conversions (aeo_facts_from_value): int fields take only int values
 * (a double is an error even when integral: a literal says what it means);
 * uint fields take uint and non-negative int; double fields take double,
 * int and uint; timestamp, duration and bytes fields take values of their
 * kind or strings (RFC 3339 or date, duration syntax, base64); record fields
 * take maps (keys that are not strings are ignored like unknown fields) or
 * records of the same type.  The result is a deep copy in [a]: it does not
 * share memory with [map]. */
bool aeo_facts_from_value(aeo_arena *a, const aeo_record_type *root, const char *root_name,
                          aeo_value map, aeo_value *out, const char **error);

/* Checking a facts literal before it is evaluated (the checker's static
 * check of examples, test facts and field defaults), by the same conversion
 * rules as aeo_facts_from_value, so the two cannot drift.  [v] is the
 * literal as a value in which every part that is not a literal (a const's
 * name, an expression) is an UNKNOWN: a placeholder that fits any type,
 * left to the check after evaluation.  [t] is the type it must have (the
 * root record's, for a facts record), [root_name] the path's first part.  Unlike aeo_facts_from_value, the walk goes on
 * after a problem and reports each one to [fn]: a field, item or entry
 * with a problem is skipped, its siblings are still checked.  A record
 * literal with a key that is not a string is not checked for missing
 * fields (the key may be the field's name once evaluated).  Returns
 * whether no problem was found, and then sets *[out] (if not NULL) to the
 * converted value (a field default's value).  Everything is allocated in
 * [a]; the problem's strings are valid during the callback only. */
typedef enum {
    AEO_FACTS_STEP_FIELD,   /* .name: a field of a record */
    AEO_FACTS_STEP_INDEX,   /* [index]: an item of a list */
    AEO_FACTS_STEP_KEY      /* ["name"]: the entry of a map with string key name */
} aeo_facts_step_kind;

/* One step of a problem's path below the root. */
typedef struct aeo_facts_step {
    aeo_facts_step_kind kind;
    const char *name;        /* FIELD, KEY: not NUL-terminated for KEY */
    size_t len;              /* of name */
    size_t index;            /* INDEX */
} aeo_facts_step;

typedef enum {
    AEO_FACTS_BAD_VALUE,     /* the value at the path does not fit its type */
    AEO_FACTS_NOT_IN_ENUM,   /* a string at the path is not a value of the enum [type] */
    AEO_FACTS_MISSING        /* the last step names a required field the record lacks */
} aeo_facts_problem_kind;

typedef struct aeo_facts_problem {
    aeo_facts_problem_kind kind;
    const aeo_facts_step *steps;   /* the path below the root ... */
    uint32_t n_steps;
    const char *path;              /* ... and as text: "enterprise.address.city" */
    const char *msg;               /* "expected string, got int" */
    const aeo_type *type;          /* the type expected at the path */
} aeo_facts_problem;

typedef void (*aeo_facts_problem_fn)(void *ud, const aeo_facts_problem *problem);

bool aeo_facts_check_value(aeo_arena *a, const aeo_type *t, const char *root_name, aeo_value v,
                           aeo_facts_problem_fn fn, void *ud, aeo_value *out);

#endif
