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
 *    Functions (CALL_FN) run in frames too, their arguments becoming the
 *    frame's first locals where the caller pushed them (no copy), and are
 *    not memoized.
 *  - Limits (frames, stack, instruction budget, memory) abort the whole
 *    evaluation with an ERROR: a limit cannot be swallowed by `false && …`.
 *  - Gates (aeo_vm_measures): a measure's chunk is `scope && (tiers) && …`;
 *    its tiers, then its scope, are computed as memoized defs before the
 *    chunk runs, and when they make the chunk false (every tier false, or
 *    the scope false) the measure is false without running it.  Most
 *    records are in no tier, so most measures are answered this way.
 *  - The quick evaluator (quick_run): a def or measure whose chunk has only
 *    the instructions of a plain condition runs on a local stack, without
 *    frames, while every value is plain (a present field, a computed def,
 *    operands of one kind); at anything else it changes nothing and the
 *    interpreter runs the chunk, so unknowns and errors are the
 *    interpreter's.  It counts the steps the interpreter would. */
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
#define READ_U8(p) ((p)[0])
#define READ_U16(p) ((uint16_t)((p)[0] | ((p)[1] << 8)))
#define READ_I16(p) ((int16_t)READ_U16(p))

/* Memo states are marks: (generation << 2) | state, where the generation
 * grows by one per record (aeo_vm_begin), so starting a record forgets
 * every memo in O(1) instead of clearing arrays as long as the catalog (a
 * lint evaluating ten thousand conditions would otherwise clear ten
 * thousand states each time).  A mark of an older generation means "not
 * computed".  memo_done and memo_running are the current marks. */
enum { MARK_RUNNING = 1, MARK_DONE = 2 };
#define MARK(vm, st) (((vm)->gen << 2) | (st))
#define GEN_MAX (UINT32_C(1) << 29)
enum { RET_TOP, RET_DEF, RET_MEASURE, RET_FN };

typedef struct frame {
    const aeo_chunk *chunk;
    const uint8_t *ip;
    aeo_value *base;       /* locals start here; operands follow */
    int ret;               /* RET_*: what to do with the result */
    uint32_t index;        /* def or measure index */
} frame;

/* Measures whose conditions begin with the same scope and tiers share a
 * gate (see aeo_measure_info): once the record's memoized defs close it,
 * every measure behind it is false without running its chunk. */
typedef struct gate {
    uint32_t scope;          /* def index + 1, 0: none */
    uint32_t n_tiers;
    const uint32_t *tiers;   /* def indices */
    uint32_t n_conds;
    const uint32_t *conds;   /* def indices: leading conjuncts, any false closes */
} gate;

/* A gate for the current record: not decided yet, closed (its measures
 * are false), open (not closed: its measures run their chunks), or true
 * (open, and its scope, a tier and every conjunct are true: the chunks run
 * from gate_end). */
enum { GATE_UNKNOWN, GATE_CLOSED, GATE_OPEN, GATE_TRUE };
/* Gates 0 and 1 are fixed: 0 is closed (measures not in force on as_of),
 * 1 is open (measures with nothing to gate on). */
enum { GATE_NOT_IN_FORCE, GATE_NONE, GATE_FIRST };

struct aeo_vm {
    const aeo_program *prog;
    aeo_arena *arena;
    aeo_builtin_ctx bcx;
    aeo_value root;
    aeo_value as_of;
    aeo_value *stack;
    frame frames[FRAMES_MAX];
    uint32_t *def_state, *meas_state;   /* marks, see MARK */
    uint32_t gen, memo_done, memo_running;
    bool as_of_set;
    /* Consts computed once for all records (constant folding at run time:
     * the bytecode, which `aeo disasm` shows, is unchanged).  A const is
     * kept when its value holds no pointer into the record's arena: a
     * scalar (a date, a duration, a number), or a literal of the chunk's
     * constant pool.  Kept consts are re-marked done at each record. */
    uint32_t *kept;
    uint32_t n_kept;
    uint8_t *keepable;     /* per def: a const not yet kept */
    uint8_t *in_force;     /* per measure, for the current as_of */
    gate *gates;
    uint32_t n_gates;
    uint32_t *measure_gate; /* per measure: its gate, or GATE_NONE */
    uint32_t *gate_of;     /* the same, or GATE_NOT_IN_FORCE for the current as_of */
    uint32_t *gate_state;  /* per gate, for the current record: MARK(vm, GATE_*) */
    uint32_t *live;        /* the gates of the measures in force on as_of */
    uint32_t n_live;
    uint8_t *is_live;      /* per gate: in live[] */
    uint32_t live_closed;  /* for the current record: live[0..live_closed) are closed */
    /* Closers of every live gate at once (set with as_of): a def that is
     * the scope or a leading conjunct of each (cover_def + 1; 0: none),
     * and, when each has tiers, the union of their tiers (n_cover_tiers 0:
     * not every gate has tiers, or too many): false, either closes them all. */
    uint32_t cover_def;
    uint32_t cover_tiers[8], n_cover_tiers;
    uint32_t cover_dead;   /* MARK(vm, 1): neither can close them for this record */
    aeo_value *def_val, *meas_val;
    /* Valued measures, per measure for the current record: the value
     * granted and the winning case (-1: none), memoized under val_state. */
    uint32_t *val_state;
    aeo_value *val_val;
    int32_t *val_case;
    uint64_t steps, max_steps;
    size_t max_bytes;
    const aeo_value *vars;
    uint32_t n_vars;
    bool aborted;          /* run stopped at a limit (see measure_slow) */
    /* The quick evaluator (quick_run): per def and per measure, whether
     * every instruction of its chunk is one it handles; per builtin, 1 for
     * the string tests it calls (startsWith, endsWith, contains), 2 for
     * size, 0 for the rest. */
    uint8_t *quick_def, *quick_meas, *quick_fn;
    uint8_t *def_shape;    /* per def: SHAPE_*, see def_shape */
    /* A measure's memo was written for the current record (MARK(vm, 1)):
     * until then, a measure closed by its gate is false without looking. */
    uint32_t meas_memo;
    uint32_t quick_depth;  /* quick_run's nesting (defs it computes) */
    aeo_value *falses;     /* per measure, false: outcomes filled in bulk */
};

static bool quick_chunk(const aeo_vm *vm, const aeo_chunk *c);
static aeo_value top_def(aeo_vm *vm, uint32_t d, int depth);
static int quick_run(aeo_vm *vm, const aeo_chunk *c, uint32_t start, aeo_value *out);

/* The shapes of def chunks top_def answers without the interpreter,
 * classified once per VM (def_shape): CALL_DEF k; RETURN (a def that only
 * names another: the catalog scope); TRUE|FALSE; RETURN (a literal bool:
 * `tier all = true`, the tier of a flat catalog); a def that begins by
 * comparing a field with a string literal (the tiers: ROOT_FIELD s p;
 * CONST k; EQ), which the comparison decides when both are strings and it
 * is all the def (RETURN follows: SHAPE_FIELD_EQ), or when it is false and
 * the def is `field == "x" && ...` (JUMP_IF_FALSE_KEEP to the RETURN:
 * SHAPE_FIELD_EQ_AND); EQ's own fast path. */
enum { SHAPE_NONE, SHAPE_ALIAS, SHAPE_LITERAL, SHAPE_FIELD_EQ, SHAPE_FIELD_EQ_AND };

static uint8_t def_shape(const aeo_chunk *c) {
    const uint8_t *code = c->code;
    if (c->len == 4 && code[0] == AEO_OP_CALL_DEF && code[3] == AEO_OP_RETURN) return SHAPE_ALIAS;
    if (c->len == 2 && (code[0] == AEO_OP_TRUE || code[0] == AEO_OP_FALSE) && code[1] == AEO_OP_RETURN)
        return SHAPE_LITERAL;
    if (c->len >= 10 && code[0] == AEO_OP_ROOT_FIELD && code[5] == AEO_OP_CONST && code[8] == AEO_OP_EQ) {
        if (code[9] == AEO_OP_RETURN) return SHAPE_FIELD_EQ;
        if (code[9] == AEO_OP_JUMP_IF_FALSE_KEEP && c->len >= 12) {
            int t = 12 + READ_I16(code + 10);
            if (t >= 12 && t < (int)c->len && code[t] == AEO_OP_RETURN) return SHAPE_FIELD_EQ_AND;
        }
    }
    return SHAPE_NONE;
}

/* Forgets every memo and gate decision: the next generation of marks. */
static void new_generation(aeo_vm *vm) {
    if (++vm->gen >= GEN_MAX) {
        uint32_t nd = vm->prog->n_defs ? vm->prog->n_defs : 1, nm = vm->prog->n_measures ? vm->prog->n_measures : 1;
        memset(vm->def_state, 0, nd * sizeof *vm->def_state);
        memset(vm->meas_state, 0, nm * sizeof *vm->meas_state);
        memset(vm->val_state, 0, nm * sizeof *vm->val_state);
        memset(vm->gate_state, 0, vm->n_gates * sizeof *vm->gate_state);
        vm->gen = 1;
    }
    vm->memo_done = MARK(vm, MARK_DONE);
    vm->memo_running = MARK(vm, MARK_RUNNING);
    for (uint32_t i = 0; i < vm->n_kept; i++) vm->def_state[vm->kept[i]] = vm->memo_done;
    vm->gate_state[GATE_NOT_IN_FORCE] = MARK(vm, GATE_CLOSED);
    vm->gate_state[GATE_NONE] = MARK(vm, GATE_OPEN);
    vm->live_closed = 0;
}

aeo_vm *aeo_vm_new(const aeo_program *p) {
    aeo_vm *vm = aeo_xcalloc(1, sizeof *vm);
    vm->prog = p;
    vm->arena = aeo_arena_new();
    vm->bcx.arena = vm->arena;
    vm->bcx.regex = aeo_regex_cache_new();
    vm->stack = aeo_xmalloc(STACK_MAX * sizeof *vm->stack);
    uint32_t nd = p->n_defs ? p->n_defs : 1, nm = p->n_measures ? p->n_measures : 1;
    vm->def_state = aeo_xcalloc(nd, sizeof *vm->def_state);
    vm->meas_state = aeo_xcalloc(nm, sizeof *vm->meas_state);
    vm->val_state = aeo_xcalloc(nm, sizeof *vm->val_state);
    vm->val_val = aeo_xcalloc(nm, sizeof *vm->val_val);
    vm->val_case = aeo_xcalloc(nm, sizeof *vm->val_case);
    vm->def_val = aeo_xcalloc(nd, sizeof *vm->def_val);
    vm->kept = aeo_xcalloc(nd, sizeof *vm->kept);
    vm->keepable = aeo_xcalloc(nd, 1);
    for (uint32_t i = 0; i < p->n_defs; i++) vm->keepable[i] = p->defs[i].constant;
    vm->meas_val = aeo_xcalloc(nm, sizeof *vm->meas_val);
    vm->in_force = aeo_xcalloc(nm, 1);
    vm->gate_of = aeo_xmalloc(nm * sizeof *vm->gate_of);
    vm->measure_gate = aeo_xmalloc(nm * sizeof *vm->measure_gate);
    vm->gates = aeo_xcalloc(nm + GATE_FIRST, sizeof *vm->gates);
    vm->n_gates = GATE_FIRST;
    for (uint32_t i = 0; i < p->n_measures; i++) {
        const aeo_measure_info *m = &p->measures[i];
        vm->measure_gate[i] = GATE_NONE;
        if (!m->gate_scope && !m->n_gate_tiers && !m->n_gate_conds) continue;
        /* The same gate as an earlier measure (catalogs have few). */
        uint32_t g = GATE_FIRST, look = vm->n_gates < 256 ? vm->n_gates : 256;
        for (; g < look; g++) {
            const gate *o = &vm->gates[g];
            if (o->scope == m->gate_scope && o->n_tiers == m->n_gate_tiers && o->n_conds == m->n_gate_conds &&
                (m->n_gate_tiers == 0 || memcmp(o->tiers, m->gate_tiers, m->n_gate_tiers * sizeof *o->tiers) == 0) &&
                (m->n_gate_conds == 0 || memcmp(o->conds, m->gate_conds, m->n_gate_conds * sizeof *o->conds) == 0))
                break;
        }
        if (g == look) {
            g = vm->n_gates++;
            vm->gates[g].scope = m->gate_scope;
            vm->gates[g].n_tiers = m->n_gate_tiers;
            vm->gates[g].tiers = m->gate_tiers;
            vm->gates[g].n_conds = m->n_gate_conds;
            vm->gates[g].conds = m->gate_conds;
        }
        vm->measure_gate[i] = g;
    }
    vm->quick_fn = aeo_xcalloc(aeo_builtin_count, 1);
    for (uint32_t f = 0; f < aeo_builtin_count; f++) {
        const char *name = aeo_builtins[f].name;
        if (strcmp(name, "startsWith") == 0 || strcmp(name, "endsWith") == 0 || strcmp(name, "contains") == 0)
            vm->quick_fn[f] = 1;
        else if (strcmp(name, "size") == 0)
            vm->quick_fn[f] = 2;
    }
    vm->quick_def = aeo_xcalloc(nd, 1);
    vm->def_shape = aeo_xcalloc(nd, 1);
    vm->falses = aeo_xmalloc(nm * sizeof *vm->falses);
    for (uint32_t i = 0; i < nm; i++) vm->falses[i] = aeo_bool(false);
    for (uint32_t i = 0; i < p->n_defs; i++) vm->def_shape[i] = def_shape(p->defs[i].chunk);
    vm->quick_meas = aeo_xcalloc(nm, 1);
    for (uint32_t i = 0; i < p->n_defs; i++)
        vm->quick_def[i] = !p->defs[i].constant && !p->defs[i].n_params && quick_chunk(vm, p->defs[i].chunk);
    for (uint32_t i = 0; i < p->n_measures; i++) vm->quick_meas[i] = quick_chunk(vm, p->measures[i].chunk);
    vm->gate_state = aeo_xcalloc(vm->n_gates, sizeof *vm->gate_state);
    vm->live = aeo_xcalloc(vm->n_gates, sizeof *vm->live);
    vm->is_live = aeo_xcalloc(vm->n_gates, 1);
    new_generation(vm);
    vm->max_steps = DEFAULT_STEPS;
    vm->max_bytes = DEFAULT_BYTES;
    vm->root = aeo_null();
    aeo_vm_set_as_of(vm, aeo_timestamp(0, 0));
    return vm;
}

void aeo_vm_free(aeo_vm *vm) {
    if (!vm) return;
    aeo_regex_cache_free(vm->bcx.regex);
    aeo_arena_free(vm->arena);
    free(vm->stack);
    free(vm->def_state);
    free(vm->meas_state);
    free(vm->val_state);
    free(vm->val_val);
    free(vm->val_case);
    free(vm->in_force);
    free(vm->gates);
    free(vm->gate_of);
    free(vm->measure_gate);
    free(vm->gate_state);
    free(vm->live);
    free(vm->is_live);
    free(vm->def_val);
    free(vm->kept);
    free(vm->keepable);
    free(vm->meas_val);
    free(vm->quick_fn);
    free(vm->quick_def);
    free(vm->def_shape);
    free(vm->falses);
    free(vm->quick_meas);
    free(vm);
}

/* Whether measure [idx] is in force on as_of, from its dates. */
static bool dates_in_force(const aeo_vm *vm, uint32_t idx) {
    const aeo_measure_info *m = &vm->prog->measures[idx];
    int c = 0;
    if (m->has_effective && aeo_value_compare(vm->as_of, m->effective, &c) && c < 0) return false;
    if (m->has_expires && aeo_value_compare(vm->as_of, m->expires, &c) && c >= 0) return false;
    return true;
}

/* Whether gate [gt] reads def [d] as its scope or a leading conjunct. */
static bool gate_has(const gate *gt, uint32_t d) {
    if (gt->scope == d + 1) return true;
    for (uint32_t k = 0; k < gt->n_conds; k++)
        if (gt->conds[k] == d) return true;
    return false;
}

/* The closers of every live gate (see cover_def): candidates are the
 * first live gate's scope and conjuncts. */
static void find_covers(aeo_vm *vm) {
    vm->cover_def = 0;
    vm->n_cover_tiers = 0;
    if (vm->n_live == 0) return;
    for (uint32_t k = 0; k < vm->n_live; k++)
        if (vm->live[k] == GATE_NONE) return;   /* a measure without a gate: never all closed */
    const gate *g0 = &vm->gates[vm->live[0]];
    for (uint32_t c = 0; c <= g0->n_conds && !vm->cover_def; c++) {
        uint32_t d = c == 0 ? (g0->scope ? g0->scope - 1 : UINT32_MAX) : g0->conds[c - 1];
        if (d == UINT32_MAX) continue;
        bool all = true;
        for (uint32_t k = 1; k < vm->n_live && all; k++) all = gate_has(&vm->gates[vm->live[k]], d);
        if (all) vm->cover_def = d + 1;
    }
    uint32_t n = 0;
    for (uint32_t k = 0; k < vm->n_live; k++) {
        const gate *gt = &vm->gates[vm->live[k]];
        if (gt->n_tiers == 0) return;
        for (uint32_t t = 0; t < gt->n_tiers; t++) {
            uint32_t j = 0;
            while (j < n && vm->cover_tiers[j] != gt->tiers[t]) j++;
            if (j < n) continue;
            if (n == 8) return;
            vm->cover_tiers[n++] = gt->tiers[t];
        }
    }
    vm->n_cover_tiers = n;
}

void aeo_vm_set_as_of(aeo_vm *vm, aeo_value as_of) {
    /* The same date again (the lints set it before every evaluation):
     * nothing to recompute. */
    bool same = vm->as_of_set && vm->as_of.kind == as_of.kind && vm->as_of.nanos == as_of.nanos &&
                vm->as_of.as.u == as_of.as.u;
    vm->as_of = as_of;
    vm->as_of_set = true;
    if (same) return;
    /* A const may read as_of: the kept ones are computed again. */
    for (uint32_t i = 0; i < vm->n_kept; i++) {
        vm->keepable[vm->kept[i]] = 1;
        vm->def_state[vm->kept[i]] = 0;
    }
    vm->n_kept = 0;
    /* as_of is fixed for many records: decide the dates once. */
    vm->n_live = 0;
    memset(vm->is_live, 0, vm->n_gates);
    for (uint32_t i = 0; i < vm->prog->n_measures; i++) {
        vm->in_force[i] = dates_in_force(vm, i);
        vm->gate_of[i] = vm->in_force[i] ? vm->measure_gate[i] : GATE_NOT_IN_FORCE;
        uint32_t g = vm->gate_of[i];
        if (g != GATE_NOT_IN_FORCE && !vm->is_live[g]) {
            vm->is_live[g] = 1;
            vm->live[vm->n_live++] = g;
        }
    }
    vm->live_closed = 0;
    find_covers(vm);
}
aeo_value aeo_vm_record(const aeo_vm *vm) { return vm->root; }

aeo_value aeo_vm_as_of(const aeo_vm *vm) { return vm->as_of; }

void aeo_vm_set_limits(aeo_vm *vm, uint64_t max_steps, size_t max_bytes) {
    vm->max_steps = max_steps ? max_steps : DEFAULT_STEPS;
    vm->max_bytes = max_bytes ? max_bytes : DEFAULT_BYTES;
}

uint64_t aeo_vm_steps(const aeo_vm *vm) { return vm->steps; }
bool aeo_vm_out_of_steps(const aeo_vm *vm) { return vm->steps > vm->max_steps; }

aeo_arena *aeo_vm_arena(aeo_vm *vm) { return vm->arena; }

void aeo_vm_begin(aeo_vm *vm, aeo_value record) {
    vm->root = record;
    vm->steps = 0;
    new_generation(vm);
}

void aeo_vm_end(aeo_vm *vm) {
    aeo_arena_reset(vm->arena);
    vm->root = aeo_null();
}

void aeo_vm_set_vars(aeo_vm *vm, const aeo_value *vars, uint32_t n) {
    vm->vars = vars;
    vm->n_vars = n;
}

bool aeo_vm_in_force(const aeo_vm *vm, uint32_t idx) { return vm->in_force[idx]; }

static inline bool memo_true(const aeo_vm *vm, uint32_t d) {
    return vm->def_state[d] == vm->memo_done && vm->def_val[d].kind == AEO_V_BOOL && vm->def_val[d].as.b;
}

static inline bool memo_false(const aeo_vm *vm, uint32_t d) {
    return vm->def_val[d].kind == AEO_V_BOOL && !vm->def_val[d].as.b;
}

/* Decides gate [g] from the record's memoized defs, if they suffice:
 * closed when the scope is false, when every tier is false, or when a
 * leading conjunct is false (the measure is `scope && (t1 || ...) && c1 &&
 * ... && ...`, and CEL's && is false when either side is, whatever the
 * other: so the rest need not be known); open when the scope, a tier and
 * every conjunct are known and not false.  Only
 * memoized values count, so nothing is evaluated here, and a closed gate
 * means exactly the value the chunk would compute.  Returns whether the
 * gate is closed. */
static bool gate_decide(aeo_vm *vm, uint32_t g) {
    const gate *gt = &vm->gates[g];
    bool scope_known = true;
    if (gt->scope) {
        uint32_t s = gt->scope - 1;
        if (vm->def_state[s] != vm->memo_done) scope_known = false;
        else if (memo_false(vm, s)) {
            vm->gate_state[g] = MARK(vm, GATE_CLOSED);
            return true;
        }
    }
    bool all_false = gt->n_tiers > 0, tier_open = gt->n_tiers == 0;
    for (uint32_t k = 0; k < gt->n_tiers; k++) {
        uint32_t t = gt->tiers[k];
        if (vm->def_state[t] != vm->memo_done) all_false = false;
        else if (!memo_false(vm, t)) {
            all_false = false;
            tier_open = true;
        }
    }
    if (all_false) {
        vm->gate_state[g] = MARK(vm, GATE_CLOSED);
        return true;
    }
    bool conds_open = true;
    for (uint32_t k = 0; k < gt->n_conds; k++) {
        uint32_t d = gt->conds[k];
        if (vm->def_state[d] != vm->memo_done) conds_open = false;
        else if (memo_false(vm, d)) {
            vm->gate_state[g] = MARK(vm, GATE_CLOSED);
            return true;
        }
    }
    if (scope_known && tier_open && conds_open) {
        bool all_true = !gt->scope || memo_true(vm, gt->scope - 1);
        bool tier = gt->n_tiers == 0;
        for (uint32_t k = 0; k < gt->n_tiers && !tier; k++) tier = memo_true(vm, gt->tiers[k]);
        all_true &= tier;
        for (uint32_t k = 0; k < gt->n_conds && all_true; k++) all_true = memo_true(vm, gt->conds[k]);
        vm->gate_state[g] = MARK(vm, all_true ? GATE_TRUE : GATE_OPEN);
    }
    return false;
}

/* Whether measure [idx] is false without running it: not in force, or
 * its gate closed. */
static inline bool gated_out(aeo_vm *vm, uint32_t idx) {
    uint32_t g = vm->gate_of[idx];
    if (g == GATE_NOT_IN_FORCE) return true;
    uint32_t st = vm->gate_state[g];
    if (st == MARK(vm, GATE_CLOSED)) return true;
    if (st == MARK(vm, GATE_OPEN) || st == MARK(vm, GATE_TRUE)) return false;
    return gate_decide(vm, g);
}

/* ---- helpers for operations ------------------------------------------- */

static aeo_value absent_field(aeo_vm *vm, const aeo_record *r, uint32_t slot, const char *fallback);

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
    if (c.kind == AEO_V_LIST && c.as.l->index) {
        /* A constant list of strings (compiled with its hash index): only
         * a string can equal one of its items. */
        return aeo_bool(x.kind == AEO_V_STRING && aeo_list_index_has(c.as.l, x.as.s));
    }
    if (c.kind == AEO_V_LIST) {
        const aeo_value *items = c.as.l->items;
        if (x.kind == AEO_V_STRING) {
            /* A string among strings (the usual short list): EQ's own
             * comparison, without aeo_value_equal's dispatch. */
            for (uint32_t i = 0; i < c.as.l->len; i++)
                if (items[i].kind == AEO_V_STRING ? aeo_str_equal(x.as.s, items[i].as.s)
                                                  : aeo_value_equal(x, items[i]))
                    return aeo_bool(true);
            return aeo_bool(false);
        }
        for (uint32_t i = 0; i < c.as.l->len; i++)
            if (aeo_value_equal(x, items[i])) return aeo_bool(true);
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
        return v.kind == AEO_V_ABSENT ? absent_field(vm, c.as.r, f->slot, f->name) : v;
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

/* The UNKNOWN for absent slot [slot] of [r]: named by the record's fact
 * path and the field ("enterprise.contacts[0].phone"), else by the
 * compiler's text of the selection. */
static aeo_value absent_field(aeo_vm *vm, const aeo_record *r, uint32_t slot, const char *fallback) {
    if (r->path) {
        for (uint32_t i = 0; i < r->type->n_fields; i++)
            if (r->type->fields[i].slot == slot) {
                /* path.name, without printf (an absent fact is common) */
                const char *name = r->type->fields[i].name;
                size_t lp = strlen(r->path), ln = strlen(name);
                char *t = aeo_arena_alloc(vm->arena, lp + ln + 2);
                memcpy(t, r->path, lp);
                t[lp] = '.';
                memcpy(t + lp + 1, name, ln + 1);
                return aeo_unknown_new(vm->arena, t);
            }
    }
    return aeo_unknown_new(vm->arena, fallback);
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

/* Keeps const def [idx], whose value [v] was just computed from [c], for
 * every later record when nothing in it lives in the record's arena. */
static void keep_const(aeo_vm *vm, uint32_t idx, const aeo_chunk *c, aeo_value v) {
    bool scalar = v.kind == AEO_V_NULL || v.kind == AEO_V_BOOL || v.kind == AEO_V_INT || v.kind == AEO_V_UINT ||
                  v.kind == AEO_V_DOUBLE || v.kind == AEO_V_TIMESTAMP || v.kind == AEO_V_DURATION;
    bool literal = c->len == 4 && c->code[0] == AEO_OP_CONST && c->code[3] == AEO_OP_RETURN;
    vm->keepable[idx] = 0;
    if (!scalar && !literal) return;
    vm->kept[vm->n_kept++] = idx;
}

/* GCC and Clang have labels as values; -DAEO_NO_COMPUTED_GOTO (or another
 * compiler) gets the portable switch. */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(AEO_NO_COMPUTED_GOTO)
#define AEO_COMPUTED_GOTO 1
#endif


#ifdef AEO_COMPUTED_GOTO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
/* Runs [entry] from its start, or from offset [start] with true on the
 * stack (a measure whose gate prefix is known true: measure_slow). */
static aeo_value run(aeo_vm *vm, const aeo_chunk *entry, int ret, uint32_t index, uint32_t start) {
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
    if (start) {
        *sp++ = aeo_bool(true);
        ip += start;
    }

    aeo_value *locals = fp->base;

#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
/* The limits every call of a def, measure or function meets before its
 * frame is pushed: frame depth, stack room up to [top], one step of the
 * cost budget.  Each ends the record's evaluation with a limit error. */
#define CALL_LIMITS(top)                                                        \
    do {                                                                        \
        if (fp + 1 == fbase + FRAMES_MAX) {                                     \
            abort_value = limit_error(vm, "definitions nested too deeply");     \
            goto abort;                                                         \
        }                                                                       \
        if ((top) > stack_end) {                                                \
            abort_value = limit_error(vm, "value stack exhausted");             \
            goto abort;                                                         \
        }                                                                       \
        if (++vm->steps > vm->max_steps) {                                      \
            abort_value = limit_error(vm, "evaluation exceeded its cost limit"); \
            goto abort;                                                         \
        }                                                                       \
    } while (0)
    const uint8_t *op_ip;
    aeo_opcode op;
#ifdef AEO_COMPUTED_GOTO
    /* Computed goto: each instruction jumps straight to the next one's
     * code, so the branch predictor sees one indirect jump per opcode
     * rather than one shared by all (Wren's DISPATCH).  The table comes
     * from opcodes.def. */
    static const void *const dispatch[AEO_OP__COUNT] = {
#define OP(name, operands, pop, push) &&L_##name,
#include "runtime/opcodes.def"
#undef OP
    };
#define CASE(name) L_##name: case AEO_OP_##name
#define NEXT                                                     \
    do {                                                         \
        op_ip = ip;                                              \
        op = (aeo_opcode)*ip++;                                  \
        if (op >= AEO_OP__COUNT) goto L_invalid;                 \
        goto *dispatch[op];                                      \
    } while (0)
#else
#define CASE(name) case AEO_OP_##name
#define NEXT break
#endif
    for (;;) {
        op_ip = ip;
        op = (aeo_opcode)*ip++;
#ifdef AEO_COMPUTED_GOTO
        if (op >= AEO_OP__COUNT) goto L_invalid;
        goto *dispatch[op];
#endif
        switch (op) {
        CASE(CONST): PUSH(c->consts[READ_U16(ip)]); ip += 2; NEXT;
        CASE(NULL): PUSH(aeo_null()); NEXT;
        CASE(TRUE): PUSH(aeo_bool(true)); NEXT;
        CASE(FALSE): PUSH(aeo_bool(false)); NEXT;
        CASE(POP): sp--; NEXT;
        CASE(ROOT): PUSH(vm->root); NEXT;
        CASE(AS_OF): PUSH(vm->as_of); NEXT;
        CASE(VAR): {
            uint16_t n = READ_U16(ip);
            ip += 2;
            PUSH(n < vm->n_vars ? vm->vars[n] : tag(c, op_ip, aeo_error_new(vm->arena, "unbound variable")));
            NEXT;
        }
        CASE(LOAD_LOCAL): PUSH(locals[READ_U8(ip)]); ip += 1; NEXT;
        CASE(ROOT_FIELD): {
            uint16_t slot = READ_U16(ip), path = READ_U16(ip + 2);
            ip += 4;
            aeo_value r = vm->root;
            if (r.kind == AEO_V_RECORD) {
                aeo_value v = r.as.r->slots[slot];
                PUSH(v.kind == AEO_V_ABSENT ? absent_field(vm, r.as.r, slot, c->consts[path].as.s->data) : v);
            } else {
                PUSH(aeo_is_bad(r) ? r : tag(c, op_ip, aeo_error_new(vm->arena, "type '%s' has no fields",
                                                                    aeo_value_type_name(r))));
            }
            NEXT;
        }
        CASE(FIELD): {
            uint16_t slot = READ_U16(ip), path = READ_U16(ip + 2);
            ip += 4;
            aeo_value r = TOP();
            if (r.kind == AEO_V_RECORD) {
                aeo_value v = r.as.r->slots[slot];
                TOP() = v.kind == AEO_V_ABSENT ? absent_field(vm, r.as.r, slot, c->consts[path].as.s->data) : v;
            } else if (!aeo_is_bad(r)) {
                TOP() = tag(c, op_ip, aeo_error_new(vm->arena, "type '%s' has no fields",
                                                    aeo_value_type_name(r)));
            }
            NEXT;
        }
        CASE(SELECT): {
            aeo_value name = c->consts[READ_U16(ip)];
            ip += 2;
            if (!aeo_is_bad(TOP())) TOP() = tag(c, op_ip, select_op(vm, TOP(), name));
            NEXT;
        }
        CASE(HAS_FIELD): {
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
            NEXT;
        }
        CASE(HAS): {
            aeo_value name = c->consts[READ_U16(ip)];
            ip += 2;
            if (!aeo_is_bad(TOP())) TOP() = tag(c, op_ip, has_op(vm, TOP(), name));
            NEXT;
        }
        CASE(INDEX): {
            aeo_value i = POP(), x = TOP();
            if (aeo_is_bad(x) || aeo_is_bad(i)) TOP() = bad2(vm, x, i);
            else TOP() = tag(c, op_ip, index_op(vm, x, i));
            NEXT;
        }
        CASE(NOT): {
            aeo_value a = TOP();
            if (a.kind == AEO_V_BOOL) TOP() = aeo_bool(!a.as.b);
            else if (!aeo_is_bad(a)) TOP() = tag(c, op_ip, no_overload(vm, "!_", a, NULL));
            NEXT;
        }
        CASE(SETTLED): {
            if (!aeo_is_bad(TOP())) TOP() = aeo_bool(true);
            NEXT;
        }
        CASE(NEG): {
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
            NEXT;
        }
        CASE(ADD): CASE(SUB): CASE(MUL): CASE(DIV): CASE(MOD): {
            aeo_value b = POP(), a = TOP();
            if (aeo_is_bad(a) || aeo_is_bad(b)) TOP() = bad2(vm, a, b);
            else {
                TOP() = tag(c, op_ip, arith(vm, op, a, b));
                if (aeo_arena_used(vm->arena) > vm->max_bytes) {
                    abort_value = limit_error(vm, "evaluation exceeded its memory limit");
                    goto abort;
                }
            }
            NEXT;
        }
        CASE(EQ): CASE(NE): {
            aeo_value b = POP(), a = TOP();
            bool eq;
            /* Strings, bools and ints here; the rest (numbers across
             * kinds, aggregates) in aeo_value_equal. */
            if (a.kind == AEO_V_STRING && b.kind == AEO_V_STRING)
                eq = aeo_str_equal(a.as.s, b.as.s);
            else if (a.kind == b.kind && (a.kind == AEO_V_BOOL || a.kind == AEO_V_INT))
                eq = a.kind == AEO_V_BOOL ? a.as.b == b.as.b : a.as.i == b.as.i;
            else if (aeo_is_bad(a) || aeo_is_bad(b)) {
                TOP() = bad2(vm, a, b);
                NEXT;
            } else
                eq = aeo_value_equal(a, b);
            TOP() = aeo_bool(eq == (op == AEO_OP_EQ));
            NEXT;
        }
        CASE(LT): CASE(LE): CASE(GT): CASE(GE): {
            aeo_value b = POP(), a = TOP();
            if (aeo_is_bad(a) || aeo_is_bad(b)) TOP() = bad2(vm, a, b);
            else TOP() = tag(c, op_ip, compare_op(vm, op, a, b));
            NEXT;
        }
        CASE(IN): {
            aeo_value b = POP(), a = TOP();
            if (aeo_is_bad(a) || aeo_is_bad(b)) TOP() = bad2(vm, a, b);
            else TOP() = tag(c, op_ip, in_op(vm, a, b));
            NEXT;
        }
        CASE(AND): {
            aeo_value b = POP(), a = TOP();
            if (a.kind == AEO_V_BOOL && b.kind == AEO_V_BOOL) TOP() = aeo_bool(a.as.b && b.as.b);
            else TOP() = tag(c, op_ip, logic(vm, true, a, b));
            NEXT;
        }
        CASE(OR): {
            aeo_value b = POP(), a = TOP();
            if (a.kind == AEO_V_BOOL && b.kind == AEO_V_BOOL) TOP() = aeo_bool(a.as.b || b.as.b);
            else TOP() = tag(c, op_ip, logic(vm, false, a, b));
            NEXT;
        }
        CASE(AND_JUMP_IF_FALSE): {
            int16_t off = READ_I16(ip);
            ip += 2;
            aeo_value b = POP(), a = TOP();
            if (a.kind == AEO_V_BOOL && b.kind == AEO_V_BOOL) {
                if (!(a.as.b && b.as.b)) {
                    TOP() = aeo_bool(false);
                    ip += off;
                }
                NEXT;
            }
            TOP() = tag(c, op_ip, logic(vm, true, a, b));
            if (TOP().kind == AEO_V_BOOL && !TOP().as.b) ip += off;
            NEXT;
        }
        CASE(JUMP): {
            int16_t off = READ_I16(ip);
            ip += 2 + off;
            if (off < 0 && ++vm->steps > vm->max_steps) {
                abort_value = limit_error(vm, "evaluation exceeded its cost limit");
                goto abort;
            }
            NEXT;
        }
        CASE(JUMP_IF_FALSE_KEEP): {
            int16_t off = READ_I16(ip);
            ip += 2;
            if (TOP().kind == AEO_V_BOOL && !TOP().as.b) ip += off;
            NEXT;
        }
        CASE(JUMP_IF_TRUE_KEEP): {
            int16_t off = READ_I16(ip);
            ip += 2;
            if (TOP().kind == AEO_V_BOOL && TOP().as.b) ip += off;
            NEXT;
        }
        CASE(COND): {
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
            NEXT;
        }
        CASE(CALL): {
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
            NEXT;
        }
        CASE(CALL_DEF): CASE(MEASURE): {
            uint16_t idx = READ_U16(ip);
            ip += 2;
            bool is_def = op == AEO_OP_CALL_DEF;
            /* The common case first: a def already computed for this record. */
            if (is_def && vm->def_state[idx] == vm->memo_done) {
                PUSH(vm->def_val[idx]);
                NEXT;
            }
            uint32_t *state = is_def ? &vm->def_state[idx] : &vm->meas_state[idx];
            aeo_value *memo = is_def ? &vm->def_val[idx] : &vm->meas_val[idx];
            if (*state == vm->memo_done) { PUSH(*memo); NEXT; }
            if (*state == vm->memo_running) {
                PUSH(tag(c, op_ip, aeo_error_new(vm->arena, "circular reference")));
                NEXT;
            }
            if (!is_def && gated_out(vm, idx)) {
                *state = vm->memo_done;
                vm->meas_memo = MARK(vm, 1);
                *memo = aeo_bool(false);
                PUSH(*memo);
                NEXT;
            }
            const aeo_chunk *callee = is_def ? vm->prog->defs[idx].chunk : vm->prog->measures[idx].chunk;
            CALL_LIMITS(sp + callee->n_locals + callee->max_stack + 1);
            *state = vm->memo_running;
            fp->ip = ip;
            fp++;
            fp->chunk = callee;
            fp->base = sp;
            fp->ret = is_def ? RET_DEF : RET_MEASURE;
            fp->index = idx;
            if (callee->n_locals) {
                for (uint32_t i = 0; i < callee->n_locals; i++) sp[i] = aeo_null();
                sp += callee->n_locals;
            }
            c = callee;
            ip = callee->code;
            locals = fp->base;
            NEXT;
        }
        CASE(CALL_FN): {
            /* A function: not memoized (its value depends on its
             * arguments; a memo keyed by them would cost a hash of every
             * argument on every call, and a function's body is usually a
             * few instructions).  Each call costs a step like a def's, and
             * its frame counts toward the same depth limit, so a function
             * called over a big list ends at the cost limit, not in a hang. */
            uint16_t idx = READ_U16(ip);
            uint8_t argc = ip[2];
            ip += 3;
            const aeo_chunk *callee = vm->prog->defs[idx].chunk;
            CALL_LIMITS(sp - argc + callee->n_locals + callee->max_stack + 1);
            fp->ip = ip;
            fp++;
            fp->chunk = callee;
            fp->base = sp - argc;
            fp->ret = RET_FN;
            fp->index = idx;
            for (uint32_t i = argc; i < callee->n_locals; i++) fp->base[i] = aeo_null();
            sp = fp->base + (callee->n_locals > argc ? callee->n_locals : argc);
            c = callee;
            ip = callee->code;
            locals = fp->base;
            NEXT;
        }
        CASE(LIST): {
            uint16_t n = READ_U16(ip);
            ip += 2;
            sp -= n;
            aeo_value r;
            if (!first_bad(vm, sp, n, &r)) {
                r = aeo_list_new(vm->arena, n);
                for (uint32_t i = 0; i < n; i++) aeo_list_push(vm->arena, r.as.l, sp[i]);
            }
            PUSH(r);
            NEXT;
        }
        CASE(MAP): {
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
            NEXT;
        }
        CASE(ITER_BEGIN): {
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
            NEXT;
        }
        CASE(ITER_NEXT):
        CASE(ITER_NEXT2): {
            /* One iteration step; ITER_NEXT2 binds two variables: index and
             * item of a list, key and value of a map. */
            bool two = op == AEO_OP_ITER_NEXT2;
            uint8_t s = READ_U8(ip);
            int16_t off = READ_I16(ip + 1);
            ip += 3;
            aeo_value r = locals[s];
            int64_t i = locals[s + 1].as.i;
            uint32_t len = r.kind == AEO_V_LIST ? r.as.l->len : r.as.m->len;
            if (i >= (int64_t)len) {
                ip += off;
                NEXT;
            }
            if (!two) {
                locals[s + 2] = r.kind == AEO_V_LIST ? r.as.l->items[i] : r.as.m->keys[i];
            } else if (r.kind == AEO_V_LIST) {
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
            NEXT;
        }
        CASE(MAP_INSERT): {
            uint8_t s = READ_U8(ip);
            ip += 1;
            aeo_value v = POP(), acc = TOP();
            if (aeo_is_bad(acc) || aeo_is_bad(v)) TOP() = poison(vm, acc, v);
            else aeo_map_put(vm->arena, acc.as.m, locals[s + 2], v);
            if (aeo_arena_used(vm->arena) > vm->max_bytes) {
                abort_value = limit_error(vm, "evaluation exceeded its memory limit");
                goto abort;
            }
            NEXT;
        }
        CASE(COUNT): {
            aeo_value p = POP(), acc = TOP();
            if (p.kind == AEO_V_BOOL && !aeo_is_bad(acc)) {
                if (p.as.b) TOP() = aeo_int(acc.as.i + 1);
            } else {
                if (!aeo_is_bad(p)) p = tag(c, op_ip, no_overload(vm, "exists_one", p, NULL));
                TOP() = poison(vm, acc, p);
            }
            NEXT;
        }
        CASE(APPEND): {
            aeo_value item = POP(), acc = TOP();
            if (aeo_is_bad(acc) || aeo_is_bad(item)) TOP() = poison(vm, acc, item);
            else aeo_list_push(vm->arena, acc.as.l, item);
            if (aeo_arena_used(vm->arena) > vm->max_bytes) {
                abort_value = limit_error(vm, "evaluation exceeded its memory limit");
                goto abort;
            }
            NEXT;
        }
        CASE(FILTER): {
            uint8_t s = READ_U8(ip);
            ip += 1;
            aeo_value p = POP(), acc = TOP();
            if (p.kind == AEO_V_BOOL && !aeo_is_bad(acc)) {
                if (p.as.b) aeo_list_push(vm->arena, acc.as.l, locals[s + 2]);
            } else {
                if (!aeo_is_bad(p)) p = tag(c, op_ip, no_overload(vm, "filter", p, NULL));
                TOP() = poison(vm, acc, p);
            }
            NEXT;
        }
        CASE(GUARD): {
            int16_t off = READ_I16(ip);
            ip += 2;
            aeo_value p = POP();
            if (p.kind == AEO_V_BOOL && p.as.b) NEXT;
            if (p.kind != AEO_V_BOOL) {
                if (!aeo_is_bad(p)) p = tag(c, op_ip, no_overload(vm, "map", p, NULL));
                TOP() = poison(vm, TOP(), p);
            }
            ip += off;
            NEXT;
        }
        CASE(ONE): {
            aeo_value n = TOP();
            if (n.kind == AEO_V_INT) TOP() = aeo_bool(n.as.i == 1);
            NEXT;
        }
        CASE(RETURN): {
            aeo_value v = POP();
            if (fp->ret == RET_DEF) {
                vm->def_state[fp->index] = vm->memo_done;
                vm->def_val[fp->index] = v;
                if (vm->keepable[fp->index]) keep_const(vm, fp->index, c, v);
            } else if (fp->ret == RET_MEASURE) {
                vm->meas_state[fp->index] = vm->memo_done;
                vm->meas_memo = MARK(vm, 1);
                vm->meas_val[fp->index] = v;
            }
            if (fp == fbase) return v;
            sp = fp->base;
            fp--;
            c = fp->chunk;
            ip = fp->ip;
            locals = fp->base;
            PUSH(v);
            NEXT;
        }
#ifdef AEO_COMPUTED_GOTO
        L_invalid:
#endif
        default:
            abort_value = limit_error(vm, "invalid opcode");
            goto abort;
        }
    }
#undef PUSH
#undef POP
#undef TOP
#undef CASE
#undef NEXT

abort:
    /* A limit stops the whole evaluation: every frame under way gets the
     * error as its memoized value, so no partial result survives. */
    vm->aborted = true;
    if (c->len) abort_value.as.e->span = c->spans[ip > c->code ? ip - c->code - 1 : 0];
    abort_value.as.e->has_span = true;
    for (frame *f = fp; f >= fbase; f--) {
        if (f->ret == RET_DEF) {
            vm->def_state[f->index] = vm->memo_done;
            vm->def_val[f->index] = abort_value;
        } else if (f->ret == RET_MEASURE) {
            vm->meas_state[f->index] = vm->memo_done;
            vm->meas_memo = MARK(vm, 1);
            vm->meas_val[f->index] = abort_value;
        }
    }
    return abort_value;
}
#ifdef AEO_COMPUTED_GOTO
#pragma GCC diagnostic pop
#endif

/* ---- the quick evaluator ---------------------------------------------- */

/* Whether the quick evaluator handles every instruction of [c]: the
 * comparisons, logic and jumps of a condition over the record's fields,
 * constants, as_of and memoized defs (see quick_run). */
static bool quick_chunk(const aeo_vm *vm, const aeo_chunk *c) {
    if (!c || c->max_stack > 14 || c->n_locals) return false;
    for (uint32_t pc = 0; pc < c->len;) {
        uint8_t op = c->code[pc];
        if (op >= AEO_OP__COUNT) return false;
        switch (op) {
        case AEO_OP_CONST: case AEO_OP_TRUE: case AEO_OP_FALSE: case AEO_OP_AS_OF: case AEO_OP_ROOT_FIELD:
        case AEO_OP_CALL_DEF: case AEO_OP_EQ: case AEO_OP_NE: case AEO_OP_LT: case AEO_OP_LE: case AEO_OP_GT:
        case AEO_OP_GE: case AEO_OP_NOT: case AEO_OP_AND: case AEO_OP_OR: case AEO_OP_IN: case AEO_OP_RETURN:
            break;
        case AEO_OP_AND_JUMP_IF_FALSE: case AEO_OP_JUMP_IF_FALSE_KEEP: case AEO_OP_JUMP_IF_TRUE_KEEP: {
            if (pc + 3 > c->len) return false;
            int32_t off = READ_I16(c->code + pc + 1);
            if (off < 0 || pc + 3 + (uint32_t)off >= c->len) return false;
            break;
        }
        case AEO_OP_CALL:
            if (pc + 4 > c->len || READ_U16(c->code + pc + 1) >= aeo_builtin_count ||
                !vm->quick_fn[READ_U16(c->code + pc + 1)])
                return false;
            break;
        default: return false;
        }
        pc += aeo_op_info_table[op].length;
    }
    return true;
}

/* Runs [c] (from offset [start] with true on the stack, as run does)
 * without the interpreter's frames, for a chunk quick_chunk accepts, as
 * long as every value it meets is a plain one: a field present in the
 * record, a memoized def that is neither UNKNOWN nor ERROR, operands of
 * the kinds the fast paths of run take.  Then it computes what run would
 * (the same steps, nothing allocated), sets *out and returns true.
 * Anything else (an absent field, a def not computed yet, an operand that
 * would make an error) returns false having changed nothing, and the
 * caller runs the chunk: conditions are pure, so running it from the
 * start gives the chunk's value, unknowns and errors as before.  The
 * caller makes sure the steps cannot reach the limit (one per
 * instruction at most, jumps only forward). */
static int quick_run(aeo_vm *vm, const aeo_chunk *c, uint32_t start, aeo_value *out) {
    aeo_value st[16];
    aeo_value *sp = st;
    const uint8_t *ip = c->code;
    const aeo_value *const consts = c->consts;
    uint64_t quick_steps = 0;   /* the steps of the builtins called here */
    if (start) {
        *sp++ = aeo_bool(true);
        ip += start;
    }
    const aeo_record *r = vm->root.kind == AEO_V_RECORD ? vm->root.as.r : NULL;
    for (;;) {
        uint8_t op = *ip++;
        switch (op) {
        case AEO_OP_CONST: *sp++ = consts[READ_U16(ip)]; ip += 2; break;
        case AEO_OP_TRUE: *sp++ = aeo_bool(true); break;
        case AEO_OP_FALSE: *sp++ = aeo_bool(false); break;
        case AEO_OP_AS_OF: *sp++ = vm->as_of; break;
        case AEO_OP_ROOT_FIELD: {
            if (!r) goto bail;
            aeo_value v = r->slots[READ_U16(ip)];
            if (v.kind == AEO_V_ABSENT || aeo_is_bad(v)) goto bail;
            *sp++ = v;
            ip += 4;
            break;
        }
        case AEO_OP_CALL_DEF: {
            uint16_t d = READ_U16(ip);
            if (vm->def_state[d] != vm->memo_done) {
                /* Not computed yet: as a top-level def (top_def, which
                 * counts the step CALL_DEF would), when the limits are
                 * far; a limit met there is the value of this chunk too,
                 * as when run's frames abort together. */
                if (vm->def_state[d] == vm->memo_running || vm->quick_depth >= 16 || vm->prog->defs[d].n_params ||
                    vm->steps + c->len + 1 >= vm->max_steps) {
                            goto bail;
                }
                bool was = vm->aborted;
                vm->aborted = false;
                vm->quick_depth++;
                aeo_value v = top_def(vm, d, 0);
                vm->quick_depth--;
                if (vm->aborted) {
                    *out = v;
                    return -1;
                }
                vm->aborted = was;
            }
            if (aeo_is_bad(vm->def_val[d])) goto bail;
            *sp++ = vm->def_val[d];
            ip += 2;
            break;
        }
        case AEO_OP_EQ: case AEO_OP_NE: {
            aeo_value b = *--sp, a = sp[-1];
            bool eq;
            if (a.kind == AEO_V_STRING && b.kind == AEO_V_STRING) eq = aeo_str_equal(a.as.s, b.as.s);
            else if (a.kind == b.kind && (a.kind == AEO_V_BOOL || a.kind == AEO_V_INT))
                eq = a.kind == AEO_V_BOOL ? a.as.b == b.as.b : a.as.i == b.as.i;
            else goto bail;
            sp[-1] = aeo_bool(eq == (op == AEO_OP_EQ));
            break;
        }
        case AEO_OP_LT: case AEO_OP_LE: case AEO_OP_GT: case AEO_OP_GE: {
            aeo_value b = *--sp, a = sp[-1];
            if (a.kind != b.kind || !(a.kind == AEO_V_INT || a.kind == AEO_V_UINT || a.kind == AEO_V_TIMESTAMP ||
                                      a.kind == AEO_V_DURATION || a.kind == AEO_V_STRING))
                goto bail;
            sp[-1] = compare_op(vm, (aeo_opcode)op, a, b);
            break;
        }
        case AEO_OP_IN: {
            aeo_value b = *--sp, a = sp[-1];
            if (aeo_is_bad(a) || !(b.kind == AEO_V_LIST || b.kind == AEO_V_MAP)) goto bail;
            if (b.kind == AEO_V_MAP && !valid_key(a)) goto bail;
            sp[-1] = in_op(vm, a, b);
            break;
        }
        case AEO_OP_NOT:
            if (sp[-1].kind != AEO_V_BOOL) goto bail;
            sp[-1].as.b = !sp[-1].as.b;
            break;
        case AEO_OP_AND: case AEO_OP_OR: {
            aeo_value b = *--sp, a = sp[-1];
            if (a.kind != AEO_V_BOOL || b.kind != AEO_V_BOOL) goto bail;
            sp[-1] = aeo_bool(op == AEO_OP_AND ? a.as.b && b.as.b : a.as.b || b.as.b);
            break;
        }
        case AEO_OP_AND_JUMP_IF_FALSE: {
            aeo_value b = *--sp, a = sp[-1];
            if (a.kind != AEO_V_BOOL || b.kind != AEO_V_BOOL) goto bail;
            if (!(a.as.b && b.as.b)) {
                sp[-1] = aeo_bool(false);
                ip += READ_I16(ip);
            }
            ip += 2;
            break;
        }
        case AEO_OP_JUMP_IF_FALSE_KEEP: case AEO_OP_JUMP_IF_TRUE_KEEP:
            if (sp[-1].kind != AEO_V_BOOL) goto bail;
            if (sp[-1].as.b == (op == AEO_OP_JUMP_IF_TRUE_KEEP)) ip += READ_I16(ip);
            ip += 2;
            break;
        case AEO_OP_CALL: {
            uint16_t fn = READ_U16(ip);
            uint8_t argc = ip[2];
            sp -= argc;
            if (vm->quick_fn[fn] == 1) {
                for (uint8_t k = 0; k < argc; k++)
                    if (sp[k].kind != AEO_V_STRING) goto bail;
            } else if (argc != 1 || !(sp[0].kind == AEO_V_STRING || sp[0].kind == AEO_V_BYTES ||
                                      sp[0].kind == AEO_V_LIST || sp[0].kind == AEO_V_MAP)) {
                goto bail;
            }
            *sp = aeo_builtins[fn].fn(&vm->bcx, sp, argc);
            sp++;
            vm->steps++;
            quick_steps++;
            ip += 3;
            break;
        }
        case AEO_OP_RETURN:
            if (aeo_is_bad(sp[-1])) goto bail;
            *out = sp[-1];
            return 1;
        default: goto bail;
        }
    }
bail:
    vm->steps -= quick_steps;
    return 0;
}

aeo_value aeo_vm_measure(aeo_vm *vm, uint32_t idx) {
    if (vm->meas_state[idx] == vm->memo_done) return vm->meas_val[idx];
    if (gated_out(vm, idx)) {
        vm->meas_state[idx] = vm->memo_done;
        vm->meas_memo = MARK(vm, 1);
        vm->meas_val[idx] = aeo_bool(false);
        return vm->meas_val[idx];
    }
    vm->meas_state[idx] = vm->memo_running;
    return run(vm, vm->prog->measures[idx].chunk, RET_MEASURE, idx, 0);
}

/* Fills the value memo of measure [idx] for the current record. */
static void measure_value_fill(aeo_vm *vm, uint32_t idx) {
    if (vm->val_state[idx] == vm->memo_done) return;
    const aeo_measure_info *m = &vm->prog->measures[idx];
    aeo_value v = aeo_null(), w = aeo_null();
    int32_t which = -1;
    if (m->value_type && m->values && m->which) {
        aeo_value a = aeo_vm_measure(vm, idx);
        if (a.kind == AEO_V_BOOL && a.as.b) {
            /* It applies, so a case (or the else) holds and every one
             * before it is false: both chunks follow the same path. */
            w = aeo_vm_run(vm, m->which);
            if (w.kind == AEO_V_INT && w.as.i >= 0 && w.as.i <= (int64_t)m->n_cases) {
                which = (int32_t)w.as.i;
                v = aeo_vm_run(vm, m->values[which]);
            } else if (aeo_is_bad(w)) {
                v = w;   /* a limit reached meanwhile */
            }
        }
    }
    vm->val_state[idx] = vm->memo_done;
    vm->val_val[idx] = v;
    vm->val_case[idx] = which;
}

aeo_value aeo_vm_measure_value(aeo_vm *vm, uint32_t idx) {
    measure_value_fill(vm, idx);
    return vm->val_val[idx];
}

int32_t aeo_vm_measure_case(aeo_vm *vm, uint32_t idx) {
    measure_value_fill(vm, idx);
    return vm->val_case[idx];
}

/* The value of def [d] at the top level (no frame under way), as the first
 * CALL_DEF of a measure's chunk would compute it, with the steps that
 * chunk would count: one per def entered.  A def that only names another
 * (the catalog scope: CALL_DEF k; RETURN) takes that one's value without a
 * frame of its own.  *aborted: a limit stopped the evaluation. */
static aeo_value top_def(aeo_vm *vm, uint32_t d, int depth) {
    if (vm->def_state[d] == vm->memo_done) return vm->def_val[d];
    vm->steps++;
    const aeo_chunk *c = vm->prog->defs[d].chunk;
    uint8_t shape = vm->def_shape[d];
    if (shape == SHAPE_ALIAS && depth < 8 && !vm->keepable[d]) {
        uint32_t k = READ_U16(c->code + 1);
        if (k != d && vm->def_state[k] != vm->memo_running) {
            vm->def_state[d] = vm->memo_running;
            aeo_value v = top_def(vm, k, depth + 1);
            vm->def_state[d] = vm->memo_done;
            vm->def_val[d] = v;
            return v;
        }
    } else if (shape == SHAPE_LITERAL) {
        vm->def_state[d] = vm->memo_done;
        vm->def_val[d] = aeo_bool(c->code[0] == AEO_OP_TRUE);
        return vm->def_val[d];
    } else if ((shape == SHAPE_FIELD_EQ || shape == SHAPE_FIELD_EQ_AND) && vm->root.kind == AEO_V_RECORD &&
               !vm->keepable[d]) {
        const uint8_t *code = c->code;
        aeo_value a = vm->root.as.r->slots[READ_U16(code + 1)], b = c->consts[READ_U16(code + 6)];
        if (a.kind == AEO_V_STRING && b.kind == AEO_V_STRING) {
            bool eq = aeo_str_equal(a.as.s, b.as.s);
            if (shape == SHAPE_FIELD_EQ || !eq) {
                vm->def_state[d] = vm->memo_done;
                vm->def_val[d] = aeo_bool(eq);
                return vm->def_val[d];
            }
        }
    }
    /* The quick evaluator when it can (a limit met in a def it computes
     * is this def's value too: quick_run returns -1). */
    aeo_value q;
    vm->def_state[d] = vm->memo_running;
    if (vm->quick_def[d] && !vm->keepable[d] && vm->steps + c->len < vm->max_steps && quick_run(vm, c, 0, &q)) {
        vm->def_state[d] = vm->memo_done;
        vm->def_val[d] = q;
        return q;
    }
    vm->def_state[d] = vm->memo_running;
    return run(vm, c, RET_DEF, d, 0);
}

/* A def a gate reads, at the top level: memoized, else computed. */
static inline aeo_value gate_def(aeo_vm *vm, uint32_t d) {
    return vm->def_state[d] == vm->memo_done ? vm->def_val[d] : top_def(vm, d, 0);
}

static inline bool is_true(aeo_value v) { return v.kind == AEO_V_BOOL && v.as.b; }
static inline bool is_false(aeo_value v) { return v.kind == AEO_V_BOOL && !v.as.b; }

/* The rest of measure [i]'s conjunction, its prefix (the gate) being true
 * and every later term an aeo_term: CEL's && over the terms' values in
 * order, stopping at a false one, which is what the chunk computes from
 * gate_end, without the interpreter.  The defs are computed as the gate's
 * are (top-level defs); a limit met in one is the measure's value. */
static aeo_value measure_tail(aeo_vm *vm, uint32_t i, const aeo_measure_info *m) {
    const aeo_record *r = vm->root.as.r;
    aeo_value acc = aeo_bool(true);
    vm->meas_state[i] = vm->memo_running;
    vm->aborted = false;
    for (uint32_t k = 0; k < m->n_tail; k++) {
        if (acc.kind == AEO_V_BOOL && !acc.as.b) break;
        const aeo_term *t = &m->tail[k];
        aeo_value v;
        if (t->def) {
            v = gate_def(vm, t->index);
            if (vm->aborted) {
                acc = v;
                break;
            }
        } else {
            v = r->slots[t->index];
            if (v.kind == AEO_V_ABSENT) v = absent_field(vm, r, t->index, t->path);
        }
        if (t->negate && v.kind == AEO_V_BOOL) v.as.b = !v.as.b;
        acc = acc.kind == AEO_V_BOOL && v.kind == AEO_V_BOOL ? aeo_bool(acc.as.b && v.as.b) : logic(vm, true, acc, v);
    }
    vm->meas_state[i] = vm->memo_done;
    vm->meas_memo = MARK(vm, 1);
    vm->meas_val[i] = acc;
    return acc;
}

/* A measure aeo_vm_measures cannot answer from its memo or its gate. */
static __attribute__((noinline)) aeo_value measure_slow(aeo_vm *vm, uint32_t i) {
    uint32_t g = vm->gate_of[i];
    const gate *gt = &vm->gates[g];
    const aeo_measure_info *m = &vm->prog->measures[i];
    uint32_t st = vm->gate_state[g];
    if (st == MARK(vm, GATE_CLOSED)) return aeo_bool(false);
    if (st != MARK(vm, GATE_OPEN) && st != MARK(vm, GATE_TRUE)) {
        if (vm->steps + 16 + (gt->n_tiers + gt->n_conds) * 9 >= vm->max_steps) {
            /* Near the step limit: decide from the memos alone, and let
             * the chunk meet the limit where it would. */
            if (gate_decide(vm, g)) return aeo_bool(false);
            vm->meas_state[i] = vm->memo_running;
            return run(vm, m->chunk, RET_MEASURE, i, 0);
        }
        /* Decide the gate once for the record, computing its defs as
         * top-level defs (without the chunk's frame) in the chunk's own
         * order of need: the tiers, until one is true (as `(t1 || t2 ||
         * ...)` does: usually one comparison each, and most records are
         * in no tier), then the scope, then the leading conjuncts until
         * one is false.  Nothing is computed that the chunk would not
         * (it stops only at a false term too).  A limit met in one of them
         * is the measure's value, as it would be in the chunk. */
        vm->aborted = false;
        aeo_value v = aeo_bool(true);
        bool all_true = true, closed = false;
        if (gt->n_tiers) {
            bool any_true = false, all_false = true;
            for (uint32_t k = 0; k < gt->n_tiers && !vm->aborted; k++) {
                v = gate_def(vm, gt->tiers[k]);
                if (is_true(v)) {
                    any_true = true;
                    all_false = false;
                    break;
                }
                if (!is_false(v)) all_false = false;
            }
            closed = all_false;
            all_true = any_true;
        }
        if (!closed && gt->scope && !vm->aborted) {
            v = gate_def(vm, gt->scope - 1);
            closed = is_false(v);
            all_true &= is_true(v);
        }
        for (uint32_t k = 0; k < gt->n_conds && !closed && !vm->aborted; k++) {
            v = gate_def(vm, gt->conds[k]);
            closed = is_false(v);
            all_true &= is_true(v);
        }
        if (vm->aborted) {
            vm->meas_state[i] = vm->memo_done;
            vm->meas_memo = MARK(vm, 1);
            vm->meas_val[i] = v;
            return v;
        }
        st = MARK(vm, closed ? GATE_CLOSED : all_true ? GATE_TRUE : GATE_OPEN);
        vm->gate_state[g] = st;
        if (closed) return aeo_bool(false);
    }
    /* The chunk's `scope && (tiers) && c1 && ...` is true when every one
     * of them is: compute the rest from its terms, or run the rest of the
     * chunk only. */
    if (st == MARK(vm, GATE_TRUE) && m->n_tail && vm->root.kind == AEO_V_RECORD &&
        vm->steps + 16 + m->n_tail * 9 < vm->max_steps)
        return measure_tail(vm, i, m);
    uint32_t start = st == MARK(vm, GATE_TRUE) ? m->gate_end : 0;
    aeo_value q;
    if (vm->quick_meas[i] && vm->steps + m->chunk->len < vm->max_steps && quick_run(vm, m->chunk, start, &q)) {
        vm->meas_state[i] = vm->memo_done;
        vm->meas_memo = MARK(vm, 1);
        vm->meas_val[i] = q;
        return q;
    }
    vm->meas_state[i] = vm->memo_running;
    return run(vm, m->chunk, RET_MEASURE, i, start);
}

/* Whether every gate of a measure in force is closed, from the memoized
 * defs alone (nothing is evaluated).  A gate once closed stays closed for
 * the record, so the scan resumes where it stopped: linear in the gates
 * over a whole record, however many measures ask. */
static bool all_closed(aeo_vm *vm) {
    const uint32_t closed = MARK(vm, GATE_CLOSED);
    /* Every gate at once, when a def they all read is false, or all their
     * tiers are; once both are known not to be, not again. */
    if (vm->cover_dead != MARK(vm, 1)) {
        bool dead = true;
        if (vm->cover_def) {
            uint32_t d = vm->cover_def - 1;
            if (vm->def_state[d] != vm->memo_done) dead = false;
            else if (memo_false(vm, d)) {
                vm->live_closed = vm->n_live;
                return true;
            }
        }
        if (vm->n_cover_tiers) {
            bool all_false = true;
            for (uint32_t k = 0; k < vm->n_cover_tiers && all_false; k++) {
                uint32_t t = vm->cover_tiers[k];
                if (vm->def_state[t] != vm->memo_done) {
                    all_false = false;
                    dead = false;
                } else if (!memo_false(vm, t)) {
                    all_false = false;
                }
            }
            if (all_false) {
                vm->live_closed = vm->n_live;
                return true;
            }
        }
        if (dead) vm->cover_dead = MARK(vm, 1);
    }
    while (vm->live_closed < vm->n_live) {
        uint32_t g = vm->live[vm->live_closed];
        uint32_t st = vm->gate_state[g];
        if (st != closed && (st == MARK(vm, GATE_OPEN) || st == MARK(vm, GATE_TRUE) || !gate_decide(vm, g)))
            return false;
        vm->live_closed++;
    }
    return true;
}

/* The loop of aeo_vm_measures, inlined twice so that "every measure in
 * order" (idx NULL) is compiled without the list. */
static inline __attribute__((always_inline)) void measures_loop(aeo_vm *vm, const uint32_t *idx, uint32_t n,
                                                               aeo_value *out) {
    /* The usual measure is answered by its memo or a closed gate (nothing
     * is memoized then: the gate answers again, for aeo_vm_measure and
     * MEASURE too); the rest go to measure_slow, out of line so that this
     * loop keeps its values in registers.  Once every gate is closed (most
     * records: in no tier, or out of scope), the rest are false unless
     * memoized. */
    const uint32_t *const state = vm->meas_state;
    const aeo_value *const memo = vm->meas_val;
    const uint32_t *const gate_of = vm->gate_of;
    const uint32_t *const gate_state = vm->gate_state;
    const uint32_t done = vm->memo_done, closed = MARK(vm, GATE_CLOSED);
    const aeo_value no = aeo_bool(false);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = idx ? idx[k] : k;
        if (state[i] == done) out[k] = memo[i];
        else if (gate_state[gate_of[i]] == closed) out[k] = no;
        else {
            out[k] = measure_slow(vm, i);
            /* Every gate closed needs this one closed first, and, once
             * the gates all close for every measure at once (cover_def,
             * cover_tiers) cannot, the first live gate not known closed
             * (all_closed's scan stops there) to be this one.  Missing
             * the moment costs time, never an outcome. */
            uint32_t g = gate_of[i];
            if (gate_state[g] == closed &&
                (vm->cover_dead != MARK(vm, 1) || vm->live_closed >= vm->n_live || vm->live[vm->live_closed] == g) &&
                all_closed(vm)) {
                /* No measure memoized for this record: all false. */
                if (vm->meas_memo != MARK(vm, 1)) {
                    if (k + 1 < n) memcpy(out + k + 1, vm->falses, (n - k - 1) * sizeof *out);
                    return;
                }
                for (k++; k < n; k++) {
                    i = idx ? idx[k] : k;
                    out[k] = state[i] == done ? memo[i] : no;
                }
                return;
            }
        }
    }
}

void aeo_vm_measures(aeo_vm *vm, const uint32_t *idx, uint32_t n, aeo_value *out) {
    if (idx) measures_loop(vm, idx, n, out);
    else measures_loop(vm, NULL, n, out);
}

aeo_value aeo_vm_def(aeo_vm *vm, uint32_t idx) {
    if (vm->prog->defs[idx].n_params)
        return aeo_error_new(vm->arena, "'%s' is a function: it needs its arguments", vm->prog->defs[idx].name);
    if (vm->def_state[idx] == vm->memo_done) return vm->def_val[idx];
    vm->def_state[idx] = vm->memo_running;
    return run(vm, vm->prog->defs[idx].chunk, RET_DEF, idx, 0);
}

aeo_value aeo_vm_run(aeo_vm *vm, const aeo_chunk *c) {
    /* A field of the record, the usual key (enterprise.uscc), is read
     * without starting the interpreter: ROOT_FIELD slot path; RETURN. */
    if (c->len == 6 && c->code[0] == AEO_OP_ROOT_FIELD && c->code[5] == AEO_OP_RETURN &&
        vm->root.kind == AEO_V_RECORD) {
        aeo_value v = vm->root.as.r->slots[READ_U16(c->code + 1)];
        if (v.kind != AEO_V_ABSENT) return v;
    }
    return run(vm, c, RET_TOP, 0, 0);
}
