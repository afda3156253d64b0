/* The stack VM.
 *
 * One aeo_vm evaluates records one at a time against a program:
 *
 *     aeo_vm_begin(vm, record);          // binds the facts, clears the memos
 *     aeo_value v = aeo_vm_measure(vm, i);
 *     ...
 *     aeo_vm_end(vm);                    // frees everything made for the record
 *
 * Defs and measures are evaluated lazily and at most once per record (they
 * take no arguments, so their value is fixed by the record); functions (defs
 * with parameters, CALL_FN) run in a frame per call and are not memoized; a
 * cycle cannot
 * happen because the checker rejects it, and the VM still detects one.  Calls
 * to defs and measures push VM frames rather than recursing in C, so a long
 * chain of definitions cannot overflow the C stack.
 *
 * Limits turn into ERROR values, never crashes: call depth, value stack
 * depth, a cost budget (instructions executed per record), and the memory
 * of the evaluation arena. */
#ifndef AEO_RUNTIME_VM_H
#define AEO_RUNTIME_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/program.h"
#include "runtime/value.h"

typedef struct aeo_vm aeo_vm;

/* A VM for [p] (borrowed; must outlive the VM).  Free with aeo_vm_free. */
aeo_vm *aeo_vm_new(const aeo_program *p);
void aeo_vm_free(aeo_vm *vm);
/* Sets the evaluation timestamp `as_of` (a TIMESTAMP value). */
void aeo_vm_set_as_of(aeo_vm *vm, aeo_value as_of);
aeo_value aeo_vm_as_of(const aeo_vm *vm);
/* The record bound by the last aeo_vm_begin. */
aeo_value aeo_vm_record(const aeo_vm *vm);
/* Binds the embedder's variables: VAR n pushes [vars][n].  The array is
 * borrowed and must stay valid while chunks run. */
void aeo_vm_set_vars(aeo_vm *vm, const aeo_value *vars, uint32_t n);
/* Limits: instructions per record and bytes of evaluation memory per record.
 * Zero keeps the default (100,000,000 and 256 MiB). */
void aeo_vm_set_limits(aeo_vm *vm, uint64_t max_steps, size_t max_bytes);
/* The steps the current record has taken (since aeo_vm_begin), and whether
 * its evaluation stopped at the step limit: what a caller sharing one
 * budget among many records (the lints, lang/lint.c) needs to account. */
uint64_t aeo_vm_steps(const aeo_vm *vm);
bool aeo_vm_out_of_steps(const aeo_vm *vm);
/* The arena of the current record: facts decoded for this record and every
 * value produced while evaluating it live here until aeo_vm_end. */
aeo_arena *aeo_vm_arena(aeo_vm *vm);
/* Starts a record: binds [record] (a RECORD value, or any value for
 * expression evaluation) and forgets memoized defs and measures. */
void aeo_vm_begin(aeo_vm *vm, aeo_value record);
/* Ends the record: resets the evaluation arena. */
void aeo_vm_end(aeo_vm *vm);
/* Whether measure [idx] applies to the current record: true, false, UNKNOWN
 * (naming the missing facts) or ERROR.  A measure not in force on as_of is
 * false. */
aeo_value aeo_vm_measure(aeo_vm *vm, uint32_t idx);
/* aeo_vm_measure for [n] measures: out[k] = measure idx[k] (idx NULL:
 * measure k), in that order; one call per record for a whole catalog. */
void aeo_vm_measures(aeo_vm *vm, const uint32_t *idx, uint32_t n, aeo_value *out);
/* The value valued measure [idx] grants the current record: that of its
 * first case that holds (or its else), when the measure applies; a NULL
 * value when it does not apply or is not valued (an ERROR only if a limit
 * stopped the evaluation meanwhile).  Memoized per record; the value lives
 * in the record's arena. */
aeo_value aeo_vm_measure_value(aeo_vm *vm, uint32_t idx);
/* Which case won for valued measure [idx] on the current record: its index
 * in aeo_measure_info.cases, n_cases for the else, -1 when the measure is
 * not valued or does not apply. */
int32_t aeo_vm_measure_case(aeo_vm *vm, uint32_t idx);
/* Whether measure [idx] is in force on as_of. */
bool aeo_vm_in_force(const aeo_vm *vm, uint32_t idx);
/* The value of def [idx] for the current record. */
aeo_value aeo_vm_def(aeo_vm *vm, uint32_t idx);
/* Runs an arbitrary chunk (a REPL expression, a test's facts, the key)
 * against the current record. */
aeo_value aeo_vm_run(aeo_vm *vm, const aeo_chunk *c);

#endif
