/* The VM on hand-assembled chunks: no parser, no checker, no compiler.
 * Each test builds bytecode with aeo_chunk_emit, runs it and asserts the
 * exact result, so the runtime is tested on its own, as DESIGN §4 wants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/builtins.h"
#include "runtime/bytecode.h"
#include "runtime/program.h"
#include "runtime/vm.h"

static const aeo_span S = {0, 0, 0};

/* A one-chunk harness: a program with no defs or measures. */
typedef struct harness {
    aeo_program *p;
    aeo_vm *vm;
    aeo_chunk *c;
} harness;

static void h_init(harness *h) {
    h->p = aeo_program_new();
    h->vm = aeo_vm_new(h->p);
    h->c = aeo_chunk_new("test");
    aeo_vm_begin(h->vm, aeo_null());
}

static void h_free(harness *h) {
    aeo_vm_end(h->vm);
    aeo_vm_free(h->vm);
    aeo_chunk_free(h->c);
    aeo_program_free(h->p);
}

static void k(harness *h, aeo_value v) {
    aeo_chunk_emit(h->c, AEO_OP_CONST, (int32_t)aeo_chunk_const(h->c, v), 0, S);
}

static void op(harness *h, aeo_opcode o) { aeo_chunk_emit(h->c, o, 0, 0, S); }

static aeo_value run(harness *h) {
    op(h, AEO_OP_RETURN);
    const char *why = NULL;
    assert_true(aeo_chunk_verify(h->c, &why));
    return aeo_vm_run(h->vm, h->c);
}

/* Pushes an error value: 1 / 0. */
static void push_error(harness *h) {
    k(h, aeo_int(1));
    k(h, aeo_int(0));
    op(h, AEO_OP_DIV);
}

/* Pushes an unknown: a field of an empty record. */
static aeo_record_type one_field_type;
static aeo_field one_field;
static void push_unknown(harness *h) {
    one_field.name = "x";
    one_field.type = &aeo_type_int;
    one_field.optional = true;
    one_field.slot = 0;
    one_field_type.name = "r";
    one_field_type.n_fields = 1;
    one_field_type.fields = &one_field;
    k(h, aeo_record_new(h->p->arena, &one_field_type));
    aeo_chunk_emit(h->c, AEO_OP_FIELD, 0, (int32_t)aeo_chunk_const(h->c, aeo_cstring(h->p->arena, "r.x")), S);
}

static void test_add(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_int(2));
    k(&h, aeo_int(3));
    op(&h, AEO_OP_ADD);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_INT);
    assert_int_equal(v.as.i, 5);
    assert_int_equal(h.c->max_stack, 2);
    h_free(&h);
}

static void test_overflow(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_int(INT64_MAX));
    k(&h, aeo_int(1));
    op(&h, AEO_OP_ADD);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "integer overflow");
    assert_true(v.as.e->has_span);
    h_free(&h);
}

static void test_div_zero(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    push_error(&h);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "division by zero");
    h_free(&h);
}

static void test_int_min_div(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_int(INT64_MIN));
    k(&h, aeo_int(-1));
    op(&h, AEO_OP_DIV);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "integer overflow");
    h_free(&h);
}

static void test_uint_underflow(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_uint(1));
    k(&h, aeo_uint(2));
    op(&h, AEO_OP_SUB);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "integer overflow");
    h_free(&h);
}

static void test_mixed_add_is_error(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_int(1));
    k(&h, aeo_double(1.5));
    op(&h, AEO_OP_ADD);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "no matching overload for '_+_' applied to '(int, double)'");
    h_free(&h);
}

/* false && error: false, in either order (CEL's commutative &&). */
static void test_and_false_error(void **state) {
    (void)state;
    for (int order = 0; order < 2; order++) {
        harness h;
        h_init(&h);
        if (order) op(&h, AEO_OP_FALSE); else push_error(&h);
        if (order) push_error(&h); else op(&h, AEO_OP_FALSE);
        op(&h, AEO_OP_AND);
        aeo_value v = run(&h);
        assert_int_equal(v.kind, AEO_V_BOOL);
        assert_false(v.as.b);
        h_free(&h);
    }
}

/* unknown || true: true, in either order. */
static void test_or_unknown_true(void **state) {
    (void)state;
    for (int order = 0; order < 2; order++) {
        harness h;
        h_init(&h);
        if (order) op(&h, AEO_OP_TRUE); else push_unknown(&h);
        if (order) push_unknown(&h); else op(&h, AEO_OP_TRUE);
        op(&h, AEO_OP_OR);
        aeo_value v = run(&h);
        assert_int_equal(v.kind, AEO_V_BOOL);
        assert_true(v.as.b);
        h_free(&h);
    }
}

/* true && unknown: unknown naming the path. */
static void test_and_true_unknown(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    op(&h, AEO_OP_TRUE);
    push_unknown(&h);
    op(&h, AEO_OP_AND);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_UNKNOWN);
    assert_int_equal(v.as.unk->n, 1);
    assert_string_equal(v.as.unk->paths[0], "r.x");
    h_free(&h);
}

/* error && unknown: unknown wins over error. */
static void test_and_error_unknown(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    push_error(&h);
    push_unknown(&h);
    op(&h, AEO_OP_AND);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_UNKNOWN);
    h_free(&h);
}

/* error || error: the first error. */
static void test_or_error_error(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    push_error(&h);
    k(&h, aeo_int(INT64_MAX));
    k(&h, aeo_int(1));
    op(&h, AEO_OP_ADD);
    op(&h, AEO_OP_OR);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "division by zero");
    h_free(&h);
}

/* A non-bool operand of && is an error unless the other side is false. */
static void test_and_non_bool(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_int(1));
    op(&h, AEO_OP_TRUE);
    op(&h, AEO_OP_AND);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "no matching overload for '_&&_' applied to '(int)'");
    h_free(&h);
}

/* The short-circuit jump skips the division entirely. */
static void test_short_circuit(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    op(&h, AEO_OP_FALSE);
    uint32_t j = aeo_chunk_emit(h.c, AEO_OP_JUMP_IF_FALSE_KEEP, 0, 0, S);
    push_error(&h);
    op(&h, AEO_OP_AND);
    assert_true(aeo_chunk_patch(h.c, j, 0));
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_BOOL);
    assert_false(v.as.b);
    h_free(&h);
}

/* Unknowns merge in strict operations: r.x + r.x names r.x once. */
static void test_unknown_merge(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    push_unknown(&h);
    push_unknown(&h);
    op(&h, AEO_OP_ADD);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_UNKNOWN);
    assert_int_equal(v.as.unk->n, 1);
    h_free(&h);
}

/* c ? a : b with c unknown: the result is the unknown. */
static void test_cond_unknown(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    push_unknown(&h);
    uint32_t c = aeo_chunk_emit(h.c, AEO_OP_COND, 0, 0, S);
    k(&h, aeo_int(1));
    uint32_t j = aeo_chunk_emit(h.c, AEO_OP_JUMP, 0, 0, S);
    aeo_chunk_patch(h.c, c, 0);
    k(&h, aeo_int(2));
    aeo_chunk_patch(h.c, c, 1);
    aeo_chunk_patch(h.c, j, 0);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_UNKNOWN);
    h_free(&h);
}

static aeo_value cond_with(bool cv) {
    harness h;
    h_init(&h);
    op(&h, cv ? AEO_OP_TRUE : AEO_OP_FALSE);
    uint32_t c = aeo_chunk_emit(h.c, AEO_OP_COND, 0, 0, S);
    k(&h, aeo_int(1));
    uint32_t j = aeo_chunk_emit(h.c, AEO_OP_JUMP, 0, 0, S);
    aeo_chunk_patch(h.c, c, 0);
    k(&h, aeo_int(2));
    aeo_chunk_patch(h.c, c, 1);
    aeo_chunk_patch(h.c, j, 0);
    aeo_value v = run(&h);
    h_free(&h);
    return v;
}

static void test_cond_branches(void **state) {
    (void)state;
    aeo_value a = cond_with(true), b = cond_with(false);
    assert_int_equal(a.kind, AEO_V_INT);
    assert_int_equal(a.as.i, 1);
    assert_int_equal(b.kind, AEO_V_INT);
    assert_int_equal(b.as.i, 2);
}

/* [1, 2, 3].exists(x, x == 2), assembled by hand. */
static void test_exists_loop(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    h.c->n_locals = 3;
    k(&h, aeo_int(1));
    k(&h, aeo_int(2));
    k(&h, aeo_int(3));
    aeo_chunk_emit(h.c, AEO_OP_LIST, 3, 0, S);
    uint32_t begin = aeo_chunk_emit(h.c, AEO_OP_ITER_BEGIN, 0, 0, S);
    op(&h, AEO_OP_FALSE);
    uint32_t loop = h.c->len;
    uint32_t next = aeo_chunk_emit(h.c, AEO_OP_ITER_NEXT, 0, 0, S);
    uint32_t sc = aeo_chunk_emit(h.c, AEO_OP_JUMP_IF_TRUE_KEEP, 0, 0, S);
    aeo_chunk_emit(h.c, AEO_OP_LOAD_LOCAL, 2, 0, S);
    k(&h, aeo_int(2));
    op(&h, AEO_OP_EQ);
    op(&h, AEO_OP_OR);
    aeo_chunk_emit(h.c, AEO_OP_JUMP, (int32_t)loop - (int32_t)(h.c->len + 3), 0, S);
    aeo_chunk_patch(h.c, next, 0);
    aeo_chunk_patch(h.c, sc, 0);
    aeo_chunk_patch(h.c, begin, 0);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_BOOL);
    assert_true(v.as.b);
    h_free(&h);
}

/* Iterating over an int is an error pushed as the macro's result. */
static void test_iter_non_list(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    h.c->n_locals = 3;
    k(&h, aeo_int(7));
    uint32_t begin = aeo_chunk_emit(h.c, AEO_OP_ITER_BEGIN, 0, 0, S);
    op(&h, AEO_OP_FALSE);
    aeo_chunk_patch(h.c, begin, 0);
    aeo_chunk_set_depth(h.c, 1);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "cannot iterate over 'int'");
    h_free(&h);
}

/* An endless loop hits the cost limit instead of hanging. */
static void test_cost_limit(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    aeo_vm_set_limits(h.vm, 1000, 0);
    aeo_chunk_emit(h.c, AEO_OP_JUMP, -3, 0, S);
    op(&h, AEO_OP_TRUE);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "evaluation exceeded its cost limit");
    h_free(&h);
}

/* A list index out of range. */
static void test_index_range(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_int(1));
    aeo_chunk_emit(h.c, AEO_OP_LIST, 1, 0, S);
    k(&h, aeo_int(1));
    op(&h, AEO_OP_INDEX);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "index out of range: 1");
    h_free(&h);
}

/* A map literal with a repeated key is an error. */
static void test_map_repeated_key(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_cstring(h.p->arena, "a"));
    k(&h, aeo_int(1));
    k(&h, aeo_cstring(h.p->arena, "a"));
    k(&h, aeo_int(2));
    aeo_chunk_emit(h.c, AEO_OP_MAP, 2, 0, S);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "repeated key in map literal: \"a\"");
    h_free(&h);
}

/* Measures: memoized, and false outside their effective dates. */
static void test_measure_in_force(void **state) {
    (void)state;
    aeo_program *p = aeo_program_new();
    p->measures = calloc(2, sizeof *p->measures);
    p->n_measures = 2;
    p->measures[0].id = "M01";
    p->measures[0].chunk = aeo_chunk_new("measure M01");
    aeo_chunk_emit(p->measures[0].chunk, AEO_OP_TRUE, 0, 0, S);
    aeo_chunk_emit(p->measures[0].chunk, AEO_OP_RETURN, 0, 0, S);
    p->measures[0].has_expires = true;
    p->measures[0].expires = aeo_timestamp(1635724800, 0); /* 2021-11-01 */
    /* M02 = !M01 */
    p->measures[1].id = "M02";
    p->measures[1].chunk = aeo_chunk_new("measure M02");
    aeo_chunk_emit(p->measures[1].chunk, AEO_OP_MEASURE, 0, 0, S);
    aeo_chunk_emit(p->measures[1].chunk, AEO_OP_NOT, 0, 0, S);
    aeo_chunk_emit(p->measures[1].chunk, AEO_OP_RETURN, 0, 0, S);
    aeo_vm *vm = aeo_vm_new(p);
    aeo_vm_set_as_of(vm, aeo_timestamp(1622505600, 0)); /* 2021-06-01 */
    aeo_vm_begin(vm, aeo_null());
    aeo_value a = aeo_vm_measure(vm, 1);
    assert_int_equal(a.kind, AEO_V_BOOL);
    assert_false(a.as.b);
    aeo_vm_end(vm);
    aeo_vm_set_as_of(vm, aeo_timestamp(1635724800, 0)); /* expiry day: no longer in force */
    aeo_vm_begin(vm, aeo_null());
    aeo_value m1 = aeo_vm_measure(vm, 0);
    aeo_value m2 = aeo_vm_measure(vm, 1);
    assert_false(m1.as.b);
    assert_true(m2.as.b);
    aeo_vm_end(vm);
    aeo_vm_free(vm);
    aeo_program_free(p);
}

/* A def referring to itself (impossible after checking) is an error, not
 * a hang or a crash. */
static void test_def_cycle(void **state) {
    (void)state;
    aeo_program *p = aeo_program_new();
    p->defs = calloc(1, sizeof *p->defs);
    p->n_defs = 1;
    p->defs[0].name = "d";
    p->defs[0].chunk = aeo_chunk_new("def d");
    aeo_chunk_emit(p->defs[0].chunk, AEO_OP_CALL_DEF, 0, 0, S);
    aeo_chunk_emit(p->defs[0].chunk, AEO_OP_RETURN, 0, 0, S);
    aeo_vm *vm = aeo_vm_new(p);
    aeo_vm_begin(vm, aeo_null());
    aeo_value v = aeo_vm_def(vm, 0);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "circular reference");
    aeo_vm_end(vm);
    aeo_vm_free(vm);
    aeo_program_free(p);
}

/* A chain of 5,000 defs (each calling the next) exceeds the frame limit
 * and gives an error instead of overflowing the C stack. */
static void test_deep_defs(void **state) {
    (void)state;
    enum { N = 5000 };
    aeo_program *p = aeo_program_new();
    p->defs = calloc(N, sizeof *p->defs);
    p->n_defs = N;
    for (int i = 0; i < N; i++) {
        p->defs[i].name = "d";
        p->defs[i].chunk = aeo_chunk_new("def");
        if (i + 1 < N) aeo_chunk_emit(p->defs[i].chunk, AEO_OP_CALL_DEF, i + 1, 0, S);
        else aeo_chunk_emit(p->defs[i].chunk, AEO_OP_TRUE, 0, 0, S);
        aeo_chunk_emit(p->defs[i].chunk, AEO_OP_RETURN, 0, 0, S);
    }
    aeo_vm *vm = aeo_vm_new(p);
    aeo_vm_begin(vm, aeo_null());
    aeo_value v = aeo_vm_def(vm, 0);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "definitions nested too deeply");
    aeo_vm_end(vm);
    aeo_vm_free(vm);
    aeo_program_free(p);
}

/* A function: CALL_FN pushes a frame whose first locals are the arguments
 * the caller pushed; the result replaces them on the caller's stack. */
static void test_call_fn(void **state) {
    (void)state;
    aeo_program *p = aeo_program_new();
    p->defs = calloc(2, sizeof *p->defs);
    p->n_defs = 2;
    /* def 0: sub(a, b) = a - b */
    p->defs[0].name = "sub";
    p->defs[0].n_params = 2;
    aeo_chunk *f = p->defs[0].chunk = aeo_chunk_new("function sub");
    f->n_locals = 2;
    aeo_chunk_emit(f, AEO_OP_LOAD_LOCAL, 0, 0, S);
    aeo_chunk_emit(f, AEO_OP_LOAD_LOCAL, 1, 0, S);
    aeo_chunk_emit(f, AEO_OP_SUB, 0, 0, S);
    aeo_chunk_emit(f, AEO_OP_RETURN, 0, 0, S);
    /* def 1: 100 + sub(10, 3), the call in the middle of an expression */
    p->defs[1].name = "d";
    aeo_chunk *d = p->defs[1].chunk = aeo_chunk_new("def d");
    aeo_chunk_emit(d, AEO_OP_CONST, (int32_t)aeo_chunk_const(d, aeo_int(100)), 0, S);
    aeo_chunk_emit(d, AEO_OP_CONST, (int32_t)aeo_chunk_const(d, aeo_int(10)), 0, S);
    aeo_chunk_emit(d, AEO_OP_CONST, (int32_t)aeo_chunk_const(d, aeo_int(3)), 0, S);
    aeo_chunk_emit(d, AEO_OP_CALL_FN, 0, 2, S);
    aeo_chunk_emit(d, AEO_OP_ADD, 0, 0, S);
    aeo_chunk_emit(d, AEO_OP_RETURN, 0, 0, S);
    assert_int_equal(d->max_stack, 3);
    aeo_vm *vm = aeo_vm_new(p);
    aeo_vm_begin(vm, aeo_null());
    aeo_value v = aeo_vm_def(vm, 1);
    assert_int_equal(v.kind, AEO_V_INT);
    assert_int_equal(v.as.i, 107);
    /* A function has no value of its own. */
    v = aeo_vm_def(vm, 0);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "'sub' is a function: it needs its arguments");
    aeo_vm_end(vm);
    aeo_vm_free(vm);
    aeo_program_free(p);
}

/* A function calling itself (which the checker rejects) ends at the frame
 * limit with an error, not in a C stack overflow. */
static void test_call_fn_runaway(void **state) {
    (void)state;
    aeo_program *p = aeo_program_new();
    p->defs = calloc(2, sizeof *p->defs);
    p->n_defs = 2;
    p->defs[0].name = "f";
    p->defs[0].n_params = 1;
    aeo_chunk *f = p->defs[0].chunk = aeo_chunk_new("function f");
    f->n_locals = 1;
    aeo_chunk_emit(f, AEO_OP_LOAD_LOCAL, 0, 0, S);
    aeo_chunk_emit(f, AEO_OP_CALL_FN, 0, 1, S);
    aeo_chunk_emit(f, AEO_OP_RETURN, 0, 0, S);
    p->defs[1].name = "d";
    aeo_chunk *d = p->defs[1].chunk = aeo_chunk_new("def d");
    aeo_chunk_emit(d, AEO_OP_TRUE, 0, 0, S);
    aeo_chunk_emit(d, AEO_OP_CALL_FN, 0, 1, S);
    aeo_chunk_emit(d, AEO_OP_RETURN, 0, 0, S);
    aeo_vm *vm = aeo_vm_new(p);
    aeo_vm_begin(vm, aeo_null());
    aeo_value v = aeo_vm_def(vm, 1);
    assert_int_equal(v.kind, AEO_V_ERROR);
    assert_string_equal(v.as.e->msg, "definitions nested too deeply");
    aeo_vm_end(vm);
    aeo_vm_free(vm);
    aeo_program_free(p);
}

/* Every opcode round-trips through the disassembler by name. */
static void test_disasm_every_op(void **state) {
    (void)state;
    for (int o = 0; o < AEO_OP__COUNT; o++) {
        aeo_chunk *c = aeo_chunk_new("op");
        c->n_locals = 3;
        aeo_chunk_const(c, aeo_int(0));
        aeo_chunk_emit(c, (aeo_opcode)o, 0, 0, S);
        aeo_chunk_emit(c, AEO_OP_RETURN, 0, 0, S);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        aeo_chunk_disasm(c, f, NULL, NULL);
        fclose(f);
        char want[64];
        snprintf(want, sizeof want, " %s", aeo_op_info_table[o].name);
        assert_non_null(strstr(text, want));
        assert_int_equal(c->len, aeo_op_info_table[o].length + 1u);
        free(text);
        aeo_chunk_free(c);
    }
}

/* The disassembly format of a jump. */
static void test_disasm_format(void **state) {
    (void)state;
    aeo_chunk *c = aeo_chunk_new("fmt");
    aeo_chunk_emit(c, AEO_OP_FALSE, 0, 0, S);
    uint32_t j = aeo_chunk_emit(c, AEO_OP_JUMP_IF_FALSE_KEEP, 0, 0, S);
    aeo_chunk_emit(c, AEO_OP_TRUE, 0, 0, S);
    aeo_chunk_emit(c, AEO_OP_AND, 0, 0, S);
    aeo_chunk_patch(c, j, 0);
    aeo_chunk_emit(c, AEO_OP_RETURN, 0, 0, S);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    aeo_chunk_disasm(c, f, NULL, NULL);
    fclose(f);
    assert_string_equal(text,
                        "== fmt ==  (7 bytes, 0 constants, max stack 2, 0 locals)\n"
                        "0000  0       FALSE\n"
                        "0001  0       JUMP_IF_FALSE_KEEP +2 -> 0006\n"
                        "0004  0       TRUE\n"
                        "0005  0       AND\n"
                        "0006  0       RETURN\n");
    free(text);
    aeo_chunk_free(c);
}

/* The verifier rejects a jump into the middle of an instruction. */
static void test_verify_bad_jump(void **state) {
    (void)state;
    aeo_chunk *c = aeo_chunk_new("bad");
    aeo_chunk_emit(c, AEO_OP_JUMP, 1, 0, S); /* lands inside CONST's operand */
    aeo_chunk_const(c, aeo_int(1));
    aeo_chunk_emit(c, AEO_OP_CONST, 0, 0, S);
    aeo_chunk_emit(c, AEO_OP_RETURN, 0, 0, S);
    const char *why = NULL;
    assert_false(aeo_chunk_verify(c, &why));
    assert_string_equal(why, "jump to a non-instruction");
    aeo_chunk_free(c);
}

static void test_verify_no_return(void **state) {
    (void)state;
    aeo_chunk *c = aeo_chunk_new("noret");
    aeo_chunk_emit(c, AEO_OP_TRUE, 0, 0, S);
    const char *why = NULL;
    assert_false(aeo_chunk_verify(c, &why));
    assert_string_equal(why, "chunk does not end with RETURN");
    aeo_chunk_free(c);
}

/* Builtins are called with their arguments; a bad argument short-circuits. */
static void test_call_strict(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    int size = aeo_builtin_find("size", AEO_CALL_GLOBAL, 1);
    assert_true(size >= 0);
    push_unknown(&h);
    aeo_chunk_emit(h.c, AEO_OP_CALL, size, 1, S);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_UNKNOWN);
    h_free(&h);
}

static void test_call_size(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    int size = aeo_builtin_find("size", AEO_CALL_GLOBAL, 1);
    k(&h, aeo_cstring(h.p->arena, "h\xc3\xa9llo"));
    aeo_chunk_emit(h.c, AEO_OP_CALL, size, 1, S);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_INT);
    assert_int_equal(v.as.i, 5);
    h_free(&h);
}

/* Timestamp arithmetic: ts + duration, ts - ts. */
static void test_time_arith(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_timestamp(1618963200, 0)); /* 2021-04-21 */
    k(&h, aeo_duration(86400, 0));
    op(&h, AEO_OP_ADD);
    k(&h, aeo_timestamp(1618963200, 0));
    op(&h, AEO_OP_SUB);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_DURATION);
    assert_int_equal(v.as.i, 86400);
    assert_int_equal(v.nanos, 0);
    h_free(&h);
}

/* Heterogeneous numeric equality: 1 == 1.0 == 1u. */
static void test_numeric_equality(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_int(1));
    k(&h, aeo_double(1.0));
    op(&h, AEO_OP_EQ);
    aeo_value v = run(&h);
    assert_true(v.as.b);
    h_free(&h);
}

/* `in` on a list and on a map. */
static void test_in(void **state) {
    (void)state;
    harness h;
    h_init(&h);
    k(&h, aeo_cstring(h.p->arena, "0801"));
    k(&h, aeo_cstring(h.p->arena, "0802"));
    k(&h, aeo_cstring(h.p->arena, "0801"));
    aeo_chunk_emit(h.c, AEO_OP_LIST, 2, 0, S);
    op(&h, AEO_OP_IN);
    aeo_value v = run(&h);
    assert_int_equal(v.kind, AEO_V_BOOL);
    assert_true(v.as.b);
    h_free(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_div_zero),
        cmocka_unit_test(test_int_min_div),
        cmocka_unit_test(test_uint_underflow),
        cmocka_unit_test(test_mixed_add_is_error),
        cmocka_unit_test(test_and_false_error),
        cmocka_unit_test(test_or_unknown_true),
        cmocka_unit_test(test_and_true_unknown),
        cmocka_unit_test(test_and_error_unknown),
        cmocka_unit_test(test_or_error_error),
        cmocka_unit_test(test_and_non_bool),
        cmocka_unit_test(test_short_circuit),
        cmocka_unit_test(test_unknown_merge),
        cmocka_unit_test(test_cond_unknown),
        cmocka_unit_test(test_cond_branches),
        cmocka_unit_test(test_exists_loop),
        cmocka_unit_test(test_iter_non_list),
        cmocka_unit_test(test_cost_limit),
        cmocka_unit_test(test_index_range),
        cmocka_unit_test(test_map_repeated_key),
        cmocka_unit_test(test_measure_in_force),
        cmocka_unit_test(test_def_cycle),
        cmocka_unit_test(test_deep_defs),
        cmocka_unit_test(test_call_fn),
        cmocka_unit_test(test_call_fn_runaway),
        cmocka_unit_test(test_disasm_every_op),
        cmocka_unit_test(test_disasm_format),
        cmocka_unit_test(test_verify_bad_jump),
        cmocka_unit_test(test_verify_no_return),
        cmocka_unit_test(test_call_strict),
        cmocka_unit_test(test_call_size),
        cmocka_unit_test(test_time_arith),
        cmocka_unit_test(test_numeric_equality),
        cmocka_unit_test(test_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
