/* The stack VM: executes chunks against one record at a time.
 *
 * Inputs: a program (chunks for defs and measures), a record bound by
 * aeo_vm_begin, the as_of timestamp.  Output: one value per measure or
 * chunk run: a bool, an UNKNOWN naming missing facts, or an ERROR with the
 * span of the failing expression.
 *
 * Invariants:
 *  - Every value made while evaluating a record lives in the VM's arena,
 *    which aeo_vm_end resets; nothing is freed individually.
 *  - CEL's error model: operations are strict in ERROR and UNKNOWN operands
 *    (UNKNOWN wins and merges, so the result names every missing fact), but
 *    && and || are commutative: a decisive false (&&) or true (||) on either
 *    side wins over errors and unknowns.  The short-circuit jumps only skip
 *    work; AND/OR decide the value.
 *  - Defs and measures run in VM frames (no C recursion) and are memoized
 *    per record; a cycle (impossible after checking) yields an ERROR.
 *  - Limits (frames, stack, instruction budget, memory) abort the whole
 *    evaluation with an ERROR: a limit cannot be swallowed by `false && …`. */
#include "runtime/vm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/builtins.h"
#include "runtime/celtime.h"

#define STACK_MAX (64 * 1024)
#define FRAMES_MAX 2048
#define DEFAULT_STEPS UINT64_C(100000000)
#define DEFAULT_BYTES ((size_t)256 * 1024 * 1024)

enum { MEMO_NONE, MEMO_RUNNING, MEMO_DONE };
enum { RET_TOP, RET_DEF, RET_MEASURE };

typedef struct frame {
    const aeo_chunk *chunk;
    const uint8_t *ip;
    aeo_value *base;       /* locals start here; operands follow */
    int ret;               /* RET_*: what to do with the result */
    uint32_t index;        /* def or measure index */
} frame;

struct aeo_vm {
    const aeo_program *prog;
    aeo_arena *arena;
    aeo_builtin_ctx bcx;
    aeo_value root;
    aeo_value as_of;
    aeo_value *stack;
    frame frames[FRAMES_MAX];
    uint8_t *def_state, *meas_state;
    aeo_value *def_val, *meas_val;
    uint64_t steps, max_steps;
    size_t max_bytes;
    const aeo_value *vars;
    uint32_t n_vars;
    bool tracing;
    aeo_trace_entry *trace;
    uint32_t n_trace, cap_trace;
};

aeo_vm *aeo_vm_new(const aeo_program *p) {
    aeo_vm *vm = aeo_xcalloc(1, sizeof *vm);
    vm->prog = p;
    vm->arena = aeo_arena_new();
    vm->bcx.arena = vm->arena;
    vm->bcx.regex = aeo_regex_cache_new();
    vm->stack = aeo_xmalloc(STACK_MAX * sizeof *vm->stack);
    uint32_t nd = p->n_defs ? p->n_defs : 1, nm = p->n_measures ? p->n_measures : 1;
    vm->def_state = aeo_xcalloc(nd, 1);
    vm->meas_state = aeo_xcalloc(nm, 1);
    vm->def_val = aeo_xcalloc(nd, sizeof *vm->def_val);
    vm->meas_val = aeo_xcalloc(nm, sizeof *vm->meas_val);
    vm->max_steps = DEFAULT_STEPS;
    vm->max_bytes = DEFAULT_BYTES;
    vm->as_of = aeo_timestamp(0, 0);
    vm->root = aeo_null();
    return vm;
}

void aeo_vm_free(aeo_vm *vm) {
    if (!vm) return;
    aeo_regex_cache_free(vm->bcx.regex);
    aeo_arena_free(vm->arena);
    free(vm->stack);
    free(vm->def_state);
    free(vm->meas_state);
    free(vm->def_val);
    free(vm->meas_val);
    free(vm);
}

void aeo_vm_set_as_of(aeo_vm *vm, aeo_value as_of) { vm->as_of = as_of; }
aeo_value aeo_vm_as_of(const aeo_vm *vm) { return vm->as_of; }

void aeo_vm_set_limits(aeo_vm *vm, uint64_t max_steps, size_t max_bytes) {
    vm->max_steps = max_steps ? max_steps : DEFAULT_STEPS;
    vm->max_bytes = max_bytes ? max_bytes : DEFAULT_BYTES;
}

aeo_arena *aeo_vm_arena(aeo_vm *vm) { return vm->arena; }

void aeo_vm_begin(aeo_vm *vm, aeo_value record) {
    vm->root = record;
    vm->steps = 0;
    vm->n_trace = 0;
    vm->cap_trace = 0;
    vm->trace = NULL;
    if (vm->prog->n_defs) memset(vm->def_state, 0, vm->prog->n_defs);
    if (vm->prog->n_measures) memset(vm->meas_state, 0, vm->prog->n_measures);
}

void aeo_vm_end(aeo_vm *vm) {
    aeo_arena_reset(vm->arena);
    vm->root = aeo_null();
    vm->trace = NULL;
    vm->n_trace = vm->cap_trace = 0;
}

void aeo_vm_set_vars(aeo_vm *vm, const aeo_value *vars, uint32_t n) {
    vm->vars = vars;
    vm->n_vars = n;
}

void aeo_vm_trace(aeo_vm *vm, bool on) { vm->tracing = on; }

const aeo_trace_entry *aeo_vm_trace_entries(const aeo_vm *vm, uint32_t *n) {
    *n = vm->n_trace;
    return vm->trace;
}

bool aeo_vm_in_force(const aeo_vm *vm, uint32_t idx) {
    const aeo_measure_info *m = &vm->prog->measures[idx];
    int c = 0;
    if (m->has_effective && aeo_value_compare(vm->as_of, m->effective, &c) && c < 0) return false;
    if (m->has_expires && aeo_value_compare(vm->as_of, m->expires, &c) && c >= 0) return false;
    return true;
}

/* ---- helpers for operations ------------------------------------------- */

/* The strict result of two operands when one is bad: unknowns merged, else
 * the first error. */
static aeo_value bad2(aeo_vm *vm, aeo_value a, aeo_value b) {
    if (a.kind == AEO_V_UNKNOWN && b.kind == AEO_V_UNKNOWN) return aeo_unknown_merge(vm->arena, a, b);
    if (a.kind == AEO_V_UNKNOWN) return a;
    if (b.kind == AEO_V_UNKNOWN) return b;
    return a.kind == AEO_V_ERROR ? a : b;
}

static aeo_value no_overload(aeo_vm *vm, const char *op, aeo_value a, const aeo_value *b) {
    if (b)
        return aeo_error_new(vm->arena, "no matching overload for '%s' applied to '(%s, %s)'", op,
                             aeo_value_type_name(a), aeo_value_type_name(*b));
    return aeo_error_new(vm->arena, "no matching overload for '%s' applied to '(%s)'", op,
                         aeo_value_type_name(a));
}

static aeo_value overflow(aeo_vm *vm) { return aeo_error_new(vm->arena, "integer overflow"); }

static aeo_value concat_str(aeo_vm *vm, aeo_value a, aeo_value b, bool bytes) {
    size_t n = (size_t)a.as.s->len + b.as.s->len;
    if (n > UINT32_MAX - 1) return aeo_error_new(vm->arena, "string too long");
    char *tmp = aeo_arena_alloc(vm->arena, n + 1);
    memcpy(tmp, a.as.s->data, a.as.s->len);
    memcpy(tmp + a.as.s->len, b.as.s->data, b.as.s->len);
    return bytes ? aeo_bytes(vm->arena, tmp, n) : aeo_string(vm->arena, tmp, n);
}

static aeo_value concat_list(aeo_vm *vm, aeo_value a, aeo_value b) {
    uint64_t n = (uint64_t)a.as.l->len + b.as.l->len;
    if (n > UINT32_MAX / 2) return aeo_error_new(vm->arena, "list too long");
    aeo_value r = aeo_list_new(vm->arena, (uint32_t)n);
    for (uint32_t i = 0; i < a.as.l->len; i++) aeo_list_push(vm->arena, r.as.l, a.as.l->items[i]);
    for (uint32_t i = 0; i < b.as.l->len; i++) aeo_list_push(vm->arena, r.as.l, b.as.l->items[i]);
    return r;
}

static aeo_value time_result(aeo_vm *vm, bool ts, int64_t s, int64_t ns) {
    /* ns may be outside one second; fold it into s first. */
    int64_t carry = ns / 1000000000;
    int64_t rest = ns % 1000000000;
    if (__builtin_add_overflow(s, carry, &s)) return aeo_error_new(vm->arena, "range error");
    int32_t n = (int32_t)rest;
    if (ts) {
        if (!aeo_time_norm_timestamp(&s, &n)) return aeo_error_new(vm->arena, "timestamp out of range");
        return aeo_timestamp(s, n);
    }
    if (!aeo_time_norm_duration(&s, &n)) return aeo_error_new(vm->arena, "duration out of range");
    return aeo_duration(s, n);
}

static aeo_value arith(aeo_vm *vm, aeo_opcode op, aeo_value a, aeo_value b) {
    static const char *const names[] = {"_+_", "_-_", "_*_", "_/_", "_%_"};
    const char *name = names[op - AEO_OP_ADD];
    if (a.kind == AEO_V_INT && b.kind == AEO_V_INT) {
        int64_t x = a.as.i, y = b.as.i, r;
        switch (op) {
        case AEO_OP_ADD: if (__builtin_add_overflow(x, y, &r)) return overflow(vm); return aeo_int(r);
        case AEO_OP_SUB: if (__builtin_sub_overflow(x, y, &r)) return overflow(vm); return aeo_int(r);
        case AEO_OP_MUL: if (__builtin_mul_overflow(x, y, &r)) return overflow(vm); return aeo_int(r);
        case AEO_OP_DIV:
            if (y == 0) return aeo_error_new(vm->arena, "division by zero");
            if (x == INT64_MIN && y == -1) return overflow(vm);
            return aeo_int(x / y);
        case AEO_OP_MOD:
            if (y == 0) return aeo_error_new(vm->arena, "modulus by zero");
            if (x == INT64_MIN && y == -1) return overflow(vm);
            return aeo_int(x % y);
        default: break;
        }
    }
    if (a.kind == AEO_V_UINT && b.kind == AEO_V_UINT) {
        uint64_t x = a.as.u, y = b.as.u, r;
        switch (op) {
        case AEO_OP_ADD: if (__builtin_add_overflow(x, y, &r)) return overflow(vm); return aeo_uint(r);
        case AEO_OP_SUB: if (__builtin_sub_overflow(x, y, &r)) return overflow(vm); return aeo_uint(r);
        case AEO_OP_MUL: if (__builtin_mul_overflow(x, y, &r)) return overflow(vm); return aeo_uint(r);
        case AEO_OP_DIV:
            if (y == 0) return aeo_error_new(vm->arena, "division by zero");
            return aeo_uint(x / y);
        case AEO_OP_MOD:
            if (y == 0) return aeo_error_new(vm->arena, "modulus by zero");
            return aeo_uint(x % y);
        default: break;
        }
    }
    if (a.kind == AEO_V_DOUBLE && b.kind == AEO_V_DOUBLE) {
        double x = a.as.d, y = b.as.d;
        switch (op) {
        case AEO_OP_ADD: return aeo_double(x + y);
        case AEO_OP_SUB: return aeo_double(x - y);
        case AEO_OP_MUL: return aeo_double(x * y);
        case AEO_OP_DIV: return aeo_double(x / y);
        default: break;
        }
    }
    if (op == AEO_OP_ADD) {
        if (a.kind == AEO_V_STRING && b.kind == AEO_V_STRING) return concat_str(vm, a, b, false);
        if (a.kind == AEO_V_BYTES && b.kind == AEO_V_BYTES) return concat_str(vm, a, b, true);
        if (a.kind == AEO_V_LIST && b.kind == AEO_V_LIST) return concat_list(vm, a, b);
    }
    bool ta = a.kind == AEO_V_TIMESTAMP, tb = b.kind == AEO_V_TIMESTAMP;
    bool da = a.kind == AEO_V_DURATION, db = b.kind == AEO_V_DURATION;
    if ((op == AEO_OP_ADD || op == AEO_OP_SUB) && (ta || da) && (tb || db)) {
        int64_t s;
        bool ok;
        if (op == AEO_OP_ADD && !(ta && tb)) {
            ok = !__builtin_add_overflow(a.as.i, b.as.i, &s);
            if (!ok) return aeo_error_new(vm->arena, "range error");
            return time_result(vm, ta || tb, s, (int64_t)a.nanos + b.nanos);
        }
        if (op == AEO_OP_SUB && !(da && tb)) {
            ok = !__builtin_sub_overflow(a.as.i, b.as.i, &s);
            if (!ok) return aeo_error_new(vm->arena, "range error");
            /* ts - ts = duration; ts - dur = ts; dur - dur = dur */
            return time_result(vm, ta && db, s, (int64_t)a.nanos - b.nanos);
        }
    }
    return no_overload(vm, name, a, &b);
}

/* A logic operand: bools and bad values pass, anything else is an error. */
static aeo_value logic_operand(aeo_vm *vm, aeo_value v, const char *op) {
    if (v.kind == AEO_V_BOOL || aeo_is_bad(v)) return v;
    return no_overload(vm, op, v, NULL);
}

/* CEL's commutative && (is_and) and ||. */
static aeo_value logic(aeo_vm *vm, bool is_and, aeo_value a, aeo_value b) {
    const char *op = is_and ? "_&&_" : "_||_";
    a = logic_operand(vm, a, op);
    b = logic_operand(vm, b, op);
    bool decisive = !is_and;  /* false decides &&, true decides || */
    if ((a.kind == AEO_V_BOOL && a.as.b == decisive) || (b.kind == AEO_V_BOOL && b.as.b == decisive))
        return aeo_bool(decisive);
    if (aeo_is_bad(a) || aeo_is_bad(b)) {
        if (!aeo_is_bad(a)) return b;
        if (!aeo_is_bad(b)) return a;
        return bad2(vm, a, b);
    }
    return aeo_bool(!decisive);
}

static aeo_value compare_op(aeo_vm *vm, aeo_opcode op, aeo_value a, aeo_value b) {
    static const char *const names[] = {"_<_", "_<=_", "_>_", "_>=_"};
    int c;
    if (!aeo_value_compare(a, b, &c)) return no_overload(vm, names[op - AEO_OP_LT], a, &b);
    if (c == 2) return aeo_bool(false);  /* NaN */
    switch (op) {
    case AEO_OP_LT: return aeo_bool(c < 0);
    case AEO_OP_LE: return aeo_bool(c <= 0);
    case AEO_OP_GT: return aeo_bool(c > 0);
    default: return aeo_bool(c >= 0);
    }
}

static aeo_value in_op(aeo_vm *vm, aeo_value x, aeo_value c) {
    if (c.kind == AEO_V_LIST) {
        for (uint32_t i = 0; i < c.as.l->len; i++)
            if (aeo_value_equal(x, c.as.l->items[i])) return aeo_bool(true);
        return aeo_bool(false);
    }
    if (c.kind == AEO_V_MAP) return aeo_bool(aeo_map_get(c.as.m, x) != NULL);
    return no_overload(vm, "@in", x, &c);
}

/* A list index from an int, a uint or an integral double. */
static bool list_index(aeo_value i, int64_t *out) {
    switch (i.kind) {
    case AEO_V_INT: *out = i.as.i; return true;
    case AEO_V_UINT: *out = i.as.u > INT64_MAX ? INT64_MAX : (int64_t)i.as.u; return true;
    case AEO_V_DOUBLE:
        if (i.as.d != floor(i.as.d) || !(fabs(i.as.d) < 9.2e18)) return false;
        *out = (int64_t)i.as.d;
        return true;
    default: return false;
    }
}

static void key_text(aeo_buf *b, aeo_value k) {
    if (k.kind == AEO_V_STRING) aeo_buf_putn(b, k.as.s->data, k.as.s->len);
    else aeo_value_format(b, k);
}

static aeo_value no_such_key(aeo_vm *vm, aeo_value k) {
    aeo_buf b = {0};
    key_text(&b, k);
    aeo_value e = aeo_error_new(vm->arena, "no such key: %.*s", (int)b.len, b.data ? b.data : "");
    aeo_buf_free(&b);
    return e;
}

static aeo_value index_op(aeo_vm *vm, aeo_value c, aeo_value i) {
    if (c.kind == AEO_V_LIST) {
        int64_t k;
        if (!list_index(i, &k)) {
            if (i.kind == AEO_V_DOUBLE) return aeo_error_new(vm->arena, "unsupported index value");
            return no_overload(vm, "_[_]", c, &i);
        }
        if (k < 0 || k >= (int64_t)c.as.l->len)
            return aeo_error_new(vm->arena, "index out of range: %lld", (long long)k);
        return c.as.l->items[k];
    }
    if (c.kind == AEO_V_MAP) {
        if (i.kind == AEO_V_LIST || i.kind == AEO_V_MAP || i.kind == AEO_V_NULL)
            return aeo_error_new(vm->arena, "unsupported key type");
        const aeo_value *v = aeo_map_get(c.as.m, i);
        return v ? *v : no_such_key(vm, i);
    }
    if (c.kind == AEO_V_RECORD && i.kind == AEO_V_STRING) {
        const aeo_field *f = aeo_record_type_field(c.as.r->type, i.as.s->data);
        if (!f) return aeo_error_new(vm->arena, "no such field: %s", i.as.s->data);
        aeo_value v = c.as.r->slots[f->slot];
        return v.kind == AEO_V_ABSENT ? aeo_unknown_new(vm->arena, f->name) : v;
    }
    return no_overload(vm, "_[_]", c, &i);
}

static aeo_value select_op(aeo_vm *vm, aeo_value x, aeo_value name) {
    if (x.kind == AEO_V_MAP) {
        const aeo_value *v = aeo_map_get(x.as.m, name);
        return v ? *v : no_such_key(vm, name);
    }
    if (x.kind == AEO_V_RECORD) return index_op(vm, x, name);
    return aeo_error_new(vm->arena, "type '%s' has no field '%s'", aeo_value_type_name(x),
                         name.as.s->data);
}

static aeo_value has_op(aeo_vm *vm, aeo_value x, aeo_value name) {
    if (x.kind == AEO_V_MAP) return aeo_bool(aeo_map_get(x.as.m, name) != NULL);
    if (x.kind == AEO_V_RECORD) {
        const aeo_field *f = aeo_record_type_field(x.as.r->type, name.as.s->data);
        if (!f) return aeo_error_new(vm->arena, "no such field: %s", name.as.s->data);
        return aeo_bool(x.as.r->slots[f->slot].kind != AEO_V_ABSENT);
    }
    return aeo_error_new(vm->arena, "invalid type for has(): '%s'", aeo_value_type_name(x));
}

static bool valid_key(aeo_value k) {
    return k.kind == AEO_V_INT || k.kind == AEO_V_UINT || k.kind == AEO_V_BOOL || k.kind == AEO_V_STRING;
}

/* Strict combination of n operands: NULL if none is bad, else the result. */
static const aeo_value *first_bad(aeo_vm *vm, aeo_value *args, uint32_t n, aeo_value *out) {
    bool any = false;
    for (uint32_t i = 0; i < n; i++) {
        if (!aeo_is_bad(args[i])) continue;
        *out = any ? bad2(vm, *out, args[i]) : args[i];
        any = true;
    }
    return any ? out : NULL;
}

/* Accumulator step of the macros: a bad item poisons the accumulator. */
static aeo_value poison(aeo_vm *vm, aeo_value acc, aeo_value p) {
    if (aeo_is_bad(acc)) return aeo_is_bad(p) ? bad2(vm, acc, p) : acc;
    return p;
}

/* ---- the interpreter loop --------------------------------------------- */

static aeo_value limit_error(aeo_vm *vm, const char *what) {
    return aeo_error_new(vm->arena, "%s", what);
}

/* Sets the span of a fresh error from the instruction at [ip] of [c]. */
static inline aeo_value tag(const aeo_chunk *c, const uint8_t *ip, aeo_value v) {
    if (v.kind == AEO_V_ERROR && !v.as.e->has_span) {
        v.as.e->span = c->spans[ip - c->code];
        v.as.e->has_span = true;
    }
    return v;
}

#define READ_U8(p) ((p)[0])
#define READ_U16(p) ((uint16_t)((p)[0] | ((p)[1] << 8)))
#define READ_I16(p) ((int16_t)READ_U16(p))

static aeo_value run(aeo_vm *vm, const aeo_chunk *entry, int ret, uint32_t index) {
    frame *fp = vm->frames;
    frame *const fbase = vm->frames;
    aeo_value *const stack_end = vm->stack + STACK_MAX;
    aeo_value *sp = vm->stack;
    aeo_value abort_value;
    const aeo_chunk *c = entry;
    const uint8_t *ip = entry->code;

    fp->chunk = entry;
    fp->ip = entry->code;
    fp->base = sp;
    fp->ret = ret;
    fp->index = index;
    if (sp + entry->n_locals + entry->max_stack + 1 > stack_end) {
        abort_value = limit_error(vm, "value stack exhausted");
        goto abort;
    }
    for (uint32_t i = 0; i < entry->n_locals; i++) sp[i] = aeo_null();
    sp += entry->n_locals;

    aeo_value *locals = fp->base;

#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
    for (;;) {
        const uint8_t *op_ip = ip;
        aeo_opcode op = (aeo_opcode)*ip++;
        switch (op) {
        case AEO_OP_CONST: PUSH(c->consts[READ_U16(ip)]); ip += 2; break;
        case AEO_OP_NULL: PUSH(aeo_null()); break;
        case AEO_OP_TRUE: PUSH(aeo_bool(true)); break;
        case AEO_OP_FALSE: PUSH(aeo_bool(false)); break;
        case AEO_OP_POP: sp--; break;
        case AEO_OP_ROOT: PUSH(vm->root); break;
        case AEO_OP_AS_OF: PUSH(vm->as_of); break;
        case AEO_OP_VAR: {
            uint16_t n = READ_U16(ip);
            ip += 2;
            PUSH(n < vm->n_vars ? vm->vars[n] : tag(c, op_ip, aeo_error_new(vm->arena, "unbound variable")));
            break;
        }
        case AEO_OP_LOAD_LOCAL: PUSH(locals[READ_U8(ip)]); ip += 1; break;
        case AEO_OP_FIELD: {
            uint16_t slot = READ_U16(ip), path = READ_U16(ip + 2);
            ip += 4;
            aeo_value r = TOP();
            if (r.kind == AEO_V_RECORD) {
                aeo_value v = r.as.r->slots[slot];
                TOP() = v.kind == AEO_V_ABSENT ? aeo_unknown_new(vm->arena, c->consts[path].as.s->data) : v;
            } else if (!aeo_is_bad(r)) {
                TOP() = tag(c, op_ip, aeo_error_new(vm->arena, "type '%s' has no fields",
                                                    aeo_value_type_name(r)));
            }
            break;
        }
        case AEO_OP_SELECT: {
            aeo_value name = c->consts[READ_U16(ip)];
            ip += 2;
            if (!aeo_is_bad(TOP())) TOP() = tag(c, op_ip, select_op(vm, TOP(), name));
            break;
        }
        case AEO_OP_HAS_FIELD: {
            uint16_t slot = READ_U16(ip);
            ip += 2;
            aeo_value r = TOP();
            if (r.kind == AEO_V_RECORD) {
                /* A slot holding UNKNOWN (the lints' "any record") has an
                 * unknown presence too. */
                aeo_value s = r.as.r->slots[slot];
                TOP() = s.kind == AEO_V_UNKNOWN ? s : aeo_bool(s.kind != AEO_V_ABSENT);
            } else if (!aeo_is_bad(r)) {
                TOP() = tag(c, op_ip, has_op(vm, r, aeo_null()));
            }
            break;
        }
        case AEO_OP_HAS: {
            aeo_value name = c->consts[READ_U16(ip)];
            ip += 2;
            if (!aeo_is_bad(TOP())) TOP() = tag(c, op_ip, has_op(vm, TOP(), name));
            break;
        }
        case AEO_OP_INDEX: {
            aeo_value i = POP(), x = TOP();
            if (aeo_is_bad(x) || aeo_is_bad(i)) TOP() = bad2(vm, x, i);
            else TOP() = tag(c, op_ip, index_op(vm, x, i));
            break;
        }
        case AEO_OP_NOT: {
            aeo_value a = TOP();
            if (a.kind == AEO_V_BOOL) TOP() = aeo_bool(!a.as.b);
            else if (!aeo_is_bad(a)) TOP() = tag(c, op_ip, no_overload(vm, "!_", a, NULL));
            break;
        }
        case AEO_OP_NEG: {
            aeo_value a = TOP();
            if (a.kind == AEO_V_INT) {
                TOP() = a.as.i == INT64_MIN ? tag(c, op_ip, overflow(vm)) : aeo_int(-a.as.i);
            } else if (a.kind == AEO_V_DOUBLE) {
                TOP() = aeo_double(-a.as.d);
            } else if (a.kind == AEO_V_DURATION) {
                /* The range is asymmetric, like int64 nanoseconds'. */
                TOP() = aeo_time_duration_in_range(-a.as.i, -a.nanos)
                            ? aeo_duration(-a.as.i, -a.nanos)
                            : tag(c, op_ip, aeo_error_new(vm->arena, "duration out of range"));
            } else if (!aeo_is_bad(a)) {
                TOP() = tag(c, op_ip, no_overload(vm, "-_", a, NULL));
            }
            break;
        }
        case AEO_OP_ADD: case AEO_OP_SUB: case AEO_OP_MUL: case AEO_OP_DIV: case AEO_OP_MOD: {
            aeo_value b = POP(), a = TOP();
            if (aeo_is_bad(a) || aeo_is_bad(b)) TOP() = bad2(vm, a, b);
            else {
                TOP() = tag(c, op_ip, arith(vm, op, a, b));
                if (aeo_arena_used(vm->arena) > vm->max_bytes) {
                    abort_value = limit_error(vm, "evaluation exceeded its memory limit");
                    goto abort;
                }
            }
            break;
        }
        case AEO_OP_EQ: case AEO_OP_NE: {
            aeo_value b = POP(), a = TOP();
            if (aeo_is_bad(a) || aeo_is_bad(b)) TOP() = bad2(vm, a, b);
            else TOP() = aeo_bool(aeo_value_equal(a, b) == (op == AEO_OP_EQ));
            break;
        }
        case AEO_OP_LT: case AEO_OP_LE: case AEO_OP_GT: case AEO_OP_GE: {
            aeo_value b = POP(), a = TOP();
            if (aeo_is_bad(a) || aeo_is_bad(b)) TOP() = bad2(vm, a, b);
            else TOP() = tag(c, op_ip, compare_op(vm, op, a, b));
            break;
        }
        case AEO_OP_IN: {
            aeo_value b = POP(), a = TOP();
            if (aeo_is_bad(a) || aeo_is_bad(b)) TOP() = bad2(vm, a, b);
            else TOP() = tag(c, op_ip, in_op(vm, a, b));
            break;
        }
        case AEO_OP_AND: case AEO_OP_OR: {
            aeo_value b = POP(), a = TOP();
            TOP() = tag(c, op_ip, logic(vm, op == AEO_OP_AND, a, b));
            break;
        }
        case AEO_OP_JUMP: {
            int16_t off = READ_I16(ip);
            ip += 2 + off;
            if (off < 0 && ++vm->steps > vm->max_steps) {
                abort_value = limit_error(vm, "evaluation exceeded its cost limit");
                goto abort;
            }
            break;
        }
        case AEO_OP_JUMP_IF_FALSE_KEEP: {
            int16_t off = READ_I16(ip);
            ip += 2;
            if (TOP().kind == AEO_V_BOOL && !TOP().as.b) ip += off;
            break;
        }
        case AEO_OP_JUMP_IF_TRUE_KEEP: {
            int16_t off = READ_I16(ip);
            ip += 2;
            if (TOP().kind == AEO_V_BOOL && TOP().as.b) ip += off;
            break;
        }
        case AEO_OP_COND: {
            int16_t else_off = READ_I16(ip), end_off = READ_I16(ip + 2);
            ip += 4;
            aeo_value v = POP();
            if (v.kind == AEO_V_BOOL) {
                if (!v.as.b) ip += else_off;
            } else {
                if (!aeo_is_bad(v)) v = tag(c, op_ip, no_overload(vm, "_?_:_", v, NULL));
                PUSH(v);
                ip += end_off;
            }
            break;
        }
        case AEO_OP_CALL: {
            uint16_t fn = READ_U16(ip);
            uint8_t argc = READ_U8(ip + 2);
            ip += 3;
            sp -= argc;
            aeo_value r;
            if (!first_bad(vm, sp, argc, &r)) {
                r = tag(c, op_ip, aeo_builtins[fn].fn(&vm->bcx, sp, argc));
                if (++vm->steps > vm->max_steps || aeo_arena_used(vm->arena) > vm->max_bytes) {
                    abort_value = limit_error(vm, vm->steps > vm->max_steps
                                                      ? "evaluation exceeded its cost limit"
                                                      : "evaluation exceeded its memory limit");
                    goto abort;
                }
            }
            PUSH(r);
            break;
        }
        case AEO_OP_CALL_DEF: case AEO_OP_MEASURE: {
            uint16_t idx = READ_U16(ip);
            ip += 2;
            bool is_def = op == AEO_OP_CALL_DEF;
            uint8_t *state = is_def ? &vm->def_state[idx] : &vm->meas_state[idx];
            aeo_value *memo = is_def ? &vm->def_val[idx] : &vm->meas_val[idx];
            if (*state == MEMO_DONE) { PUSH(*memo); break; }
            if (*state == MEMO_RUNNING) {
                PUSH(tag(c, op_ip, aeo_error_new(vm->arena, "circular reference")));
                break;
            }
            if (!is_def && !aeo_vm_in_force(vm, idx)) {
                *state = MEMO_DONE;
                *memo = aeo_bool(false);
                PUSH(*memo);
                break;
            }
            const aeo_chunk *callee = is_def ? vm->prog->defs[idx].chunk : vm->prog->measures[idx].chunk;
            if (fp + 1 == fbase + FRAMES_MAX) {
                abort_value = limit_error(vm, "definitions nested too deeply");
                goto abort;
            }
            if (sp + callee->n_locals + callee->max_stack + 1 > stack_end) {
                abort_value = limit_error(vm, "value stack exhausted");
                goto abort;
            }
            if (++vm->steps > vm->max_steps) {
                abort_value = limit_error(vm, "evaluation exceeded its cost limit");
                goto abort;
            }
            *state = MEMO_RUNNING;
            fp->ip = ip;
            fp++;
            fp->chunk = callee;
            fp->base = sp;
            fp->ret = is_def ? RET_DEF : RET_MEASURE;
            fp->index = idx;
            for (uint32_t i = 0; i < callee->n_locals; i++) sp[i] = aeo_null();
            sp += callee->n_locals;
            c = callee;
            ip = callee->code;
            locals = fp->base;
            break;
        }
        case AEO_OP_LIST: {
            uint16_t n = READ_U16(ip);
            ip += 2;
            sp -= n;
            aeo_value r;
            if (!first_bad(vm, sp, n, &r)) {
                r = aeo_list_new(vm->arena, n);
                for (uint32_t i = 0; i < n; i++) aeo_list_push(vm->arena, r.as.l, sp[i]);
            }
            PUSH(r);
            break;
        }
        case AEO_OP_MAP: {
            uint16_t n = READ_U16(ip);
            ip += 2;
            sp -= 2 * n;
            aeo_value r;
            if (!first_bad(vm, sp, 2u * n, &r)) {
                r = aeo_map_new(vm->arena, n);
                for (uint32_t i = 0; i < n; i++) {
                    aeo_value k = sp[2 * i], v = sp[2 * i + 1];
                    if (!valid_key(k)) {
                        r = tag(c, op_ip, aeo_error_new(vm->arena, "unsupported key type: %s",
                                                        aeo_value_type_name(k)));
                        break;
                    }
                    if (!aeo_map_put(vm->arena, r.as.m, k, v)) {
                        aeo_buf b = {0};
                        aeo_value_format(&b, k);
                        r = tag(c, op_ip, aeo_error_new(vm->arena, "repeated key in map literal: %.*s",
                                                        (int)b.len, b.data ? b.data : ""));
                        aeo_buf_free(&b);
                        break;
                    }
                }
            }
            PUSH(r);
            break;
        }
        case AEO_OP_ITER_BEGIN: {
            uint8_t s = READ_U8(ip);
            int16_t off = READ_I16(ip + 1);
            ip += 3;
            aeo_value r = POP();
            if (r.kind == AEO_V_LIST || r.kind == AEO_V_MAP) {
                locals[s] = r;
                locals[s + 1] = aeo_int(0);
            } else {
                if (!aeo_is_bad(r))
                    r = tag(c, op_ip, aeo_error_new(vm->arena, "cannot iterate over '%s'",
                                                    aeo_value_type_name(r)));
                PUSH(r);
                ip += off;
            }
            break;
        }
        case AEO_OP_ITER_NEXT: {
            uint8_t s = READ_U8(ip);
            int16_t off = READ_I16(ip + 1);
            ip += 3;
            aeo_value r = locals[s];
            int64_t i = locals[s + 1].as.i;
            uint32_t len = r.kind == AEO_V_LIST ? r.as.l->len : r.as.m->len;
            if (i >= (int64_t)len) {
                ip += off;
                break;
            }
            locals[s + 2] = r.kind == AEO_V_LIST ? r.as.l->items[i] : r.as.m->keys[i];
            locals[s + 1].as.i = i + 1;
            if (++vm->steps > vm->max_steps) {
                abort_value = limit_error(vm, "evaluation exceeded its cost limit");
                goto abort;
            }
            break;
        }
        case AEO_OP_ITER_NEXT2: {
            uint8_t s = READ_U8(ip);
            int16_t off = READ_I16(ip + 1);
            ip += 3;
            aeo_value r = locals[s];
            int64_t i = locals[s + 1].as.i;
            uint32_t len = r.kind == AEO_V_LIST ? r.as.l->len : r.as.m->len;
            if (i >= (int64_t)len) {
                ip += off;
                break;
            }
            if (r.kind == AEO_V_LIST) {
                locals[s + 2] = aeo_int(i);
                locals[s + 3] = r.as.l->items[i];
            } else {
                locals[s + 2] = r.as.m->keys[i];
                locals[s + 3] = r.as.m->vals[i];
            }
            locals[s + 1].as.i = i + 1;
            if (++vm->steps > vm->max_steps) {
                abort_value = limit_error(vm, "evaluation exceeded its cost limit");
                goto abort;
            }
            break;
        }
        case AEO_OP_MAP_INSERT: {
            uint8_t s = READ_U8(ip);
            ip += 1;
            aeo_value v = POP(), acc = TOP();
            if (aeo_is_bad(acc) || aeo_is_bad(v)) TOP() = poison(vm, acc, v);
            else aeo_map_put(vm->arena, acc.as.m, locals[s + 2], v);
            if (aeo_arena_used(vm->arena) > vm->max_bytes) {
                abort_value = limit_error(vm, "evaluation exceeded its memory limit");
                goto abort;
            }
            break;
        }
        case AEO_OP_COUNT: {
            aeo_value p = POP(), acc = TOP();
            if (p.kind == AEO_V_BOOL && !aeo_is_bad(acc)) {
                if (p.as.b) TOP() = aeo_int(acc.as.i + 1);
            } else {
                if (!aeo_is_bad(p)) p = tag(c, op_ip, no_overload(vm, "exists_one", p, NULL));
                TOP() = poison(vm, acc, p);
            }
            break;
        }
        case AEO_OP_APPEND: {
            aeo_value item = POP(), acc = TOP();
            if (aeo_is_bad(acc) || aeo_is_bad(item)) TOP() = poison(vm, acc, item);
            else aeo_list_push(vm->arena, acc.as.l, item);
            if (aeo_arena_used(vm->arena) > vm->max_bytes) {
                abort_value = limit_error(vm, "evaluation exceeded its memory limit");
                goto abort;
            }
            break;
        }
        case AEO_OP_FILTER: {
            uint8_t s = READ_U8(ip);
            ip += 1;
            aeo_value p = POP(), acc = TOP();
            if (p.kind == AEO_V_BOOL && !aeo_is_bad(acc)) {
                if (p.as.b) aeo_list_push(vm->arena, acc.as.l, locals[s + 2]);
            } else {
                if (!aeo_is_bad(p)) p = tag(c, op_ip, no_overload(vm, "filter", p, NULL));
                TOP() = poison(vm, acc, p);
            }
            break;
        }
        case AEO_OP_GUARD: {
            int16_t off = READ_I16(ip);
            ip += 2;
            aeo_value p = POP();
            if (p.kind == AEO_V_BOOL && p.as.b) break;
            if (p.kind != AEO_V_BOOL) {
                if (!aeo_is_bad(p)) p = tag(c, op_ip, no_overload(vm, "map", p, NULL));
                TOP() = poison(vm, TOP(), p);
            }
            ip += off;
            break;
        }
        case AEO_OP_ONE: {
            aeo_value n = TOP();
            if (n.kind == AEO_V_INT) TOP() = aeo_bool(n.as.i == 1);
            break;
        }
        case AEO_OP_TRACE: {
            uint16_t node = READ_U16(ip);
            ip += 2;
            if (vm->tracing) {
                if (vm->n_trace == vm->cap_trace) {
                    uint32_t ncap = vm->cap_trace ? vm->cap_trace * 2 : 64;
                    vm->trace = aeo_arena_realloc(vm->arena, vm->trace, vm->cap_trace * sizeof *vm->trace,
                                                  ncap * sizeof *vm->trace);
                    vm->cap_trace = ncap;
                }
                vm->trace[vm->n_trace].node = node;
                vm->trace[vm->n_trace].value = TOP();
                vm->n_trace++;
            }
            break;
        }
        case AEO_OP_RETURN: {
            aeo_value v = POP();
            if (fp->ret == RET_DEF) {
                vm->def_state[fp->index] = MEMO_DONE;
                vm->def_val[fp->index] = v;
            } else if (fp->ret == RET_MEASURE) {
                vm->meas_state[fp->index] = MEMO_DONE;
                vm->meas_val[fp->index] = v;
            }
            if (fp == fbase) return v;
            sp = fp->base;
            fp--;
            c = fp->chunk;
            ip = fp->ip;
            locals = fp->base;
            PUSH(v);
            break;
        }
        default:
            abort_value = limit_error(vm, "invalid opcode");
            goto abort;
        }
    }
#undef PUSH
#undef POP
#undef TOP

abort:
    /* A limit stops the whole evaluation: every frame under way gets the
     * error as its memoized value, so no partial result survives. */
    if (c->len) abort_value.as.e->span = c->spans[ip > c->code ? ip - c->code - 1 : 0];
    abort_value.as.e->has_span = true;
    for (frame *f = fp; f >= fbase; f--) {
        if (f->ret == RET_DEF) {
            vm->def_state[f->index] = MEMO_DONE;
            vm->def_val[f->index] = abort_value;
        } else if (f->ret == RET_MEASURE) {
            vm->meas_state[f->index] = MEMO_DONE;
            vm->meas_val[f->index] = abort_value;
        }
    }
    return abort_value;
}

aeo_value aeo_vm_measure(aeo_vm *vm, uint32_t idx) {
    if (vm->meas_state[idx] == MEMO_DONE) return vm->meas_val[idx];
    if (!aeo_vm_in_force(vm, idx)) {
        vm->meas_state[idx] = MEMO_DONE;
        vm->meas_val[idx] = aeo_bool(false);
        return vm->meas_val[idx];
    }
    vm->meas_state[idx] = MEMO_RUNNING;
    return run(vm, vm->prog->measures[idx].chunk, RET_MEASURE, idx);
}

aeo_value aeo_vm_def(aeo_vm *vm, uint32_t idx) {
    if (vm->def_state[idx] == MEMO_DONE) return vm->def_val[idx];
    vm->def_state[idx] = MEMO_RUNNING;
    return run(vm, vm->prog->defs[idx].chunk, RET_DEF, idx);
}

aeo_value aeo_vm_run(aeo_vm *vm, const aeo_chunk *c) { return run(vm, c, RET_TOP, 0); }
