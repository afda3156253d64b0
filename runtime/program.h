/* A compiled catalog: what the runtime needs to evaluate records, and
 * nothing of the source but names and spans.
 *
 * The compiler (lang/compile.c) fills it; the VM reads it.  Everything in it
 * (names, types, constant objects) lives in [arena], except the chunks, which
 * the program owns and frees. */
#ifndef AEO_RUNTIME_PROGRAM_H
#define AEO_RUNTIME_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/arena.h"
#include "runtime/bytecode.h"
#include "runtime/types.h"
#include "runtime/value.h"

/* One case of a valued measure: its citation (NULL when absent) and where
 * it is written. */
typedef struct aeo_case_info {
    const char *cite;
    aeo_span span;
} aeo_case_info;

/* A term of a measure's conjunction simple enough for the VM to compute
 * without its chunk: a bool fact of the record, or a bool def, either
 * negated (an `unless`) or not. */
typedef struct aeo_term {
    uint32_t index;          /* the fact's slot, or the program def index */
    bool def;                /* a def (CALL_DEF), else a fact of the record */
    bool negate;             /* !term */
    const char *path;        /* a fact: its path, naming it when absent */
} aeo_term;

typedef struct aeo_measure_info {
    const char *id;          /* "M01" */
    const char *title;
    const char *cite, *benefit, *category, *confidence;  /* NULL when absent */
    const char *const *tiers;
    uint32_t n_tiers;
    aeo_chunk *chunk;        /* scope && (tier1 || ...) && when && !unless... */
    bool has_effective, has_expires;
    aeo_value effective;     /* TIMESTAMP: in force from (inclusive) */
    aeo_value expires;       /* TIMESTAMP: no longer in force from (exclusive) */
    aeo_span span;
    /* The condition's leading terms, for a shortcut: the program def index
     * + 1 of the catalog scope (0: none) and the def indices of the
     * measure's tiers (n_gate_tiers 0: none).  The chunk begins
     * `scope && (tier1 || ...)`, so when the record's memoized value of the
     * scope, or of every tier, is false, the VM answers false without running
     * the chunk: exactly what the chunk's first jump would do. */
    uint32_t gate_scope;
    uint32_t n_gate_tiers;
    const uint32_t *gate_tiers;
    /* Then the def indices of the leading conjuncts of its `when` that are
     * defs (a def or tier name, or a conjunct shared between measures, which
     * the compiler made a def: lang/compile.c), when the scope and tiers
     * before them are all gated.  The chunk is `... && c1 && c2 && ...`, so
     * a memoized false in any of them makes the measure false too. */
    uint32_t n_gate_conds;
    const uint32_t *gate_conds;
    /* Where that prefix ends in the chunk (0: no prefix): when the scope,
     * a tier and every gate conjunct are true, the chunk runs from here
     * with true on the stack, as it would after computing them. */
    uint32_t gate_end;
    /* When every term after that prefix is an aeo_term (n_tail > 0), the
     * terms in order: with the prefix true, the VM computes the rest of the
     * conjunction from them (CEL's && over their values, stopping at a
     * false one, as the chunk's jumps do) instead of running the chunk. */
    uint32_t n_tail;
    const aeo_term *tail;
    /* A valued measure (value_type NULL: a version-1 one).  Its chunk ends
     * with `c1 ? settled(v1) : c2 ? settled(v2) : ... : else-or-false`, so
     * it applies only when a case holds and the value it grants is known;
     * [which] computes the index of the winning case (n_cases: the else)
     * and [values] holds each case's value expression, then the else's, so
     * that only the winner's runs; both only for a record to which the
     * measure applies. */
    const aeo_type *value_type;
    const char *value_type_name; /* its spelling ("int", "\"a\" | \"b\""), for list and aeo.h */
    const char *unit;            /* NULL when absent */
    const aeo_case_info *cases;
    uint32_t n_cases;
    bool has_else;
    const char *else_cite;
    aeo_chunk *which;
    aeo_chunk **values;          /* n_cases + has_else */
} aeo_measure_info;

typedef struct aeo_def_info {
    const char *name;
    aeo_chunk *chunk;
    bool constant;           /* a const: its value does not depend on the record */
    uint32_t n_params;       /* a function (CALL_FN): its arguments are its first locals; 0: a def */
} aeo_def_info;

typedef struct aeo_program {
    aeo_arena *arena;
    const char *catalog;              /* catalog name, or NULL */
    const char *root_name;            /* "enterprise" */
    const aeo_record_type *root;      /* the facts schema */
    aeo_def_info *defs;               /* defs and non-constant consts */
    uint32_t n_defs;
    aeo_measure_info *measures;       /* in catalog order */
    uint32_t n_measures;
    /* Some measure grants a value (DESIGN 7.1): then every evaluated jsonl
     * record has "values", csv a value column, list a VALUE column. */
    bool valued;
    aeo_chunk *key;                   /* the catalog's key expression, or NULL */
    const char *key_text;             /* its source text */
} aeo_program;

/* An empty program with its own arena. */
aeo_program *aeo_program_new(void);
/* Frees the program, its chunks and its arena. */
void aeo_program_free(aeo_program *p);
/* Index of the measure [id], or -1. */
int aeo_program_measure(const aeo_program *p, const char *id);

#endif
