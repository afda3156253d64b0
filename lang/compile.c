/* The compiler: checked AST -> bytecode; see compile.h.
 *
 * Code generation is a single recursive walk per expression (bounded by the
 * parser's nesting limit).  Stack depth is tracked by the assembler
 * (aeo_chunk_emit) from the opcode table's stack effects; where two control
 * paths join, the depth is reset explicitly.
 *
 * Program def layout: consts, then defs, then tiers, then the scope, so a
 * reference compiles to CALL_DEF with a fixed index.
 *
 * Invariants the VM relies on:
 *   - every expression leaves exactly one value on the stack, on every path
 *     (a jump that skips code skips code with a net effect of zero, or the
 *     join resets the depth to what both paths leave: COND, ITER_BEGIN);
 *   - && and || compile to a short-circuit jump that keeps the left value
 *     and then AND/OR, so the VM can still apply CEL's commutative rule
 *     when the left side is undecided (UNKNOWN or ERROR) and the right
 *     side decides;
 *   - a macro's locals are the slots the checker assigned (e->ref_index,
 *     three or four wide), so nested comprehensions never share a slot and
 *     the chunk's n_locals covers the deepest one;
 *   - nothing here reports a type error: the checker did, and a catalog
 *     with errors is never compiled; the only diagnostics are limits of
 *     the encoding (E0007: 16-bit jumps, constant indices and counts). */
#include "lang/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/builtins.h"
#include "runtime/vm.h"

typedef struct compiler {
    aeo_catalog *cat;
    aeo_program *prog;
    aeo_chunk *ch;
    bool failed;
} compiler;

/* The value of a type denotation: CEL's names, which are what type()
 * returns, so that type(t) == timestamp holds for a timestamp t. */
static const char *type_value_name(const char *name) {
    if (strcmp(name, "timestamp") == 0) return "google.protobuf.Timestamp";
    if (strcmp(name, "duration") == 0) return "google.protobuf.Duration";
    return name;
}

uint32_t aeo_compile_def_index(const aeo_catalog *c, aeo_ref_kind kind, uint32_t index) {
    switch (kind) {
    case AEO_REF_CONST: return index;
    case AEO_REF_DEF: return c->consts.n + index;
    case AEO_REF_TIER: return c->consts.n + c->defs.n + index;
    default: return c->consts.n + c->defs.n + c->tiers.n; /* the scope */
    }
}

/* The program def index of measure [idx]'s scope: its own (one def per
 * measure with a `scope:`, after the catalog's), else the catalog's. */
static uint32_t scope_def_index(const aeo_catalog *c, uint32_t idx) {
    if (!c->measures.items[idx]->measure->own_scope) return aeo_compile_def_index(c, AEO_REF_NONE, 0);
    uint32_t k = c->consts.n + c->defs.n + c->tiers.n + (c->scope ? 1 : 0);
    for (uint32_t i = 0; i < idx; i++) k += c->measures.items[i]->measure->own_scope;
    return k;
}

/* Every instruction carries the span of the node it came from, so a
 * runtime error points at source text. */
static uint32_t emit(compiler *cp, aeo_opcode op, int32_t a, int32_t b, aeo_span span) {
    return aeo_chunk_emit(cp->ch, op, a, b, span);
}

/* Points operand [which] of the jump at [at] to the current end of the
 * chunk.  Jumps are 16-bit: an expression that outgrows them is refused
 * with a diagnostic once (cp->failed), never truncated into a wrong jump. */
static void patch(compiler *cp, uint32_t at, int which, aeo_span span) {
    if (!aeo_chunk_patch(cp->ch, at, which) && !cp->failed) {
        aeo_diag_add(&cp->cat->diags, AEO_E_TOO_LARGE, span,
                     "expression too large to compile (a jump exceeds 32 KiB of bytecode); split it into defs");
        cp->failed = true;
    }
}

/* CONST has a 16-bit operand; the constant is still added (the chunk
 * stays consistent) but the chunk is discarded at finish. */
static void emit_const(compiler *cp, aeo_value v, aeo_span span) {
    uint32_t k = aeo_chunk_const(cp->ch, v);
    if (k > UINT16_MAX && !cp->failed) {
        aeo_diag_add(&cp->cat->diags, AEO_E_TOO_LARGE, span, "too many constants in one expression");
        cp->failed = true;
    }
    emit(cp, AEO_OP_CONST, (int32_t)k, 0, span);
}

/* Constants live in the program's arena, not the AST's: the AST is freed
 * after compiling, the program outlives it. */
static aeo_value str_const(compiler *cp, const char *s, size_t len) { return aeo_string(cp->prog->arena, s, len); }

/* The attribute path of a field access, for UNKNOWN values: the source
 * text of the selection ("enterprise.certified_on"). */
static void path_of(aeo_buf *b, const aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_IDENT: aeo_buf_puts(b, e->u.ident.name); break;
    case AEO_EXPR_SELECT:
        path_of(b, e->u.select.operand);
        aeo_buf_puts(b, ".");
        aeo_buf_puts(b, e->u.select.field);
        break;
    case AEO_EXPR_INDEX:
        path_of(b, e->u.index.operand);
        aeo_buf_puts(b, "[]");
        break;
    default: aeo_buf_puts(b, "(expression)"); break;
    }
}

static void expr(compiler *cp, const aeo_expr *e);

/* Emits a backward jump to [target] (a loop's ITER_NEXT).  The offset is
 * relative to the end of the 3-byte JUMP, hence len + 3. */
static void jump_back(compiler *cp, uint32_t target, aeo_span span) {
    int64_t off = (int64_t)target - (int64_t)(cp->ch->len + 3);
    if (off < INT16_MIN && !cp->failed) {
        aeo_diag_add(&cp->cat->diags, AEO_E_TOO_LARGE, span, "expression too large to compile");
        cp->failed = true;
    }
    emit(cp, AEO_OP_JUMP, (int32_t)off, 0, span);
}

/* call -> range.macro(vars..., [filter,] body) | has(e.f).  A comprehension
 * compiles to one loop:
 *       range ITER_BEGIN(s, end)  acc0
 *   loop: ITER_NEXT(s, done)  <step: body, then fold into acc>  JUMP loop
 *   done: [ONE]
 *   end:
 * with the accumulator on the stack throughout: all starts true and folds
 * with AND, exists false with OR.  all leaves the loop at the first false
 * (exists at the first true): the result is then decided.  An ERROR or
 * UNKNOWN accumulator keeps iterating, because a later false still decides
 * it (CEL's commutative &&, applied by AND).  exists_one counts, map,
 * filter and transformList build a list, transformMap a map.  A
 * bad range jumps to end with itself as the result, hence the depth reset
 * to depth + 1 (the accumulator, or that value) where the paths join. */
static void macro(compiler *cp, const aeo_expr *e) {
    aeo_span sp = e->span;
    if (e->macro == AEO_MACRO_HAS) {
        /* has() tests presence without reading the field: a record field
         * by slot (HAS_FIELD), a map key or a dyn operand by name (HAS). */
        const aeo_expr *sel = e->u.call.args[0];
        expr(cp, sel->u.select.operand);
        if (sel->ref == AEO_REF_FIELD) emit(cp, AEO_OP_HAS_FIELD, (int32_t)sel->ref_index, 0, sp);
        else {
            uint32_t k = aeo_chunk_const(cp->ch, str_const(cp, sel->u.select.field, strlen(sel->u.select.field)));
            emit(cp, AEO_OP_HAS, (int32_t)k, 0, sp);
        }
        return;
    }
    /* Slots s, s+1: iteration state; s+2 (and s+3): the variables. */
    uint32_t s = e->ref_index;
    bool two = aeo_macro_two_vars((aeo_macro)e->macro, e->u.call.n_args);
    uint32_t width = two ? 4 : 3;
    if (s + width > cp->ch->n_locals) cp->ch->n_locals = (uint8_t)(s + width > 255 ? 255 : s + width);
    expr(cp, e->u.call.target);
    uint32_t begin = emit(cp, AEO_OP_ITER_BEGIN, (int32_t)s, 0, sp);
    uint32_t depth = cp->ch->depth;
    switch (e->macro) {
    case AEO_MACRO_ALL: emit(cp, AEO_OP_TRUE, 0, 0, sp); break;
    case AEO_MACRO_EXISTS: emit(cp, AEO_OP_FALSE, 0, 0, sp); break;
    case AEO_MACRO_EXISTS_ONE: emit_const(cp, aeo_int(0), sp); break;
    case AEO_MACRO_TRANSFORM_MAP: emit(cp, AEO_OP_MAP, 0, 0, sp); break;
    default: emit(cp, AEO_OP_LIST, 0, 0, sp); break;
    }
    uint32_t loop = cp->ch->len;
    uint32_t next = emit(cp, two ? AEO_OP_ITER_NEXT2 : AEO_OP_ITER_NEXT, (int32_t)s, 0, sp);
    const aeo_expr *body = e->u.call.args[e->u.call.n_args - 1];   /* always last */
    switch (e->macro) {
    case AEO_MACRO_ALL:
    case AEO_MACRO_EXISTS: {
        bool all = e->macro == AEO_MACRO_ALL;
        uint32_t j = emit(cp, all ? AEO_OP_JUMP_IF_FALSE_KEEP : AEO_OP_JUMP_IF_TRUE_KEEP, 0, 0, sp);
        expr(cp, body);
        emit(cp, all ? AEO_OP_AND : AEO_OP_OR, 0, 0, sp);
        jump_back(cp, loop, sp);
        patch(cp, j, 0, sp);
        break;
    }
    case AEO_MACRO_EXISTS_ONE:
        expr(cp, body);
        emit(cp, AEO_OP_COUNT, 0, 0, sp);
        jump_back(cp, loop, sp);
        break;
    case AEO_MACRO_FILTER:
        expr(cp, body);
        emit(cp, AEO_OP_FILTER, (int32_t)s, 0, sp);
        jump_back(cp, loop, sp);
        break;
    case AEO_MACRO_MAP:
    case AEO_MACRO_TRANSFORM_LIST:
    case AEO_MACRO_TRANSFORM_MAP: {
        /* map(x, [filter,] e), transformList(i, v, [filter,] e),
         * transformMap(k, v, [filter,] e) */
        uint32_t guard = 0;
        uint32_t n_vars = two ? 2 : 1;
        bool filtered = e->u.call.n_args == n_vars + 2;
        if (filtered) {
            expr(cp, e->u.call.args[n_vars]);
            guard = emit(cp, AEO_OP_GUARD, 0, 0, sp);
        }
        expr(cp, body);
        if (e->macro == AEO_MACRO_TRANSFORM_MAP) emit(cp, AEO_OP_MAP_INSERT, (int32_t)s, 0, sp);
        else emit(cp, AEO_OP_APPEND, 0, 0, sp);
        if (filtered) patch(cp, guard, 0, sp);
        jump_back(cp, loop, sp);
        break;
    }
    default: break;
    }
    patch(cp, next, 0, sp);
    if (e->macro == AEO_MACRO_EXISTS_ONE) emit(cp, AEO_OP_ONE, 0, 0, sp);
    patch(cp, begin, 0, sp);
    aeo_chunk_set_depth(cp->ch, depth + 1);
}

/* Whether [e] is a literal: a scalar, or a list of literals.  Map literals
 * are not folded (MAP turns a repeated key into an error value at run
 * time); lists are, because `x in [...]` on a constant list is the common
 * case and a constant gets a hash index. */
static bool is_literal(const aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_NULL:
    case AEO_EXPR_BOOL:
    case AEO_EXPR_INT:
    case AEO_EXPR_UINT:
    case AEO_EXPR_DOUBLE:
    case AEO_EXPR_STRING:
    case AEO_EXPR_BYTES: return true;
    case AEO_EXPR_LIST:
        if (e->u.list.n > UINT16_MAX) return false;
        for (uint32_t i = 0; i < e->u.list.n; i++)
            if (!is_literal(e->u.list.items[i])) return false;
        return true;
    default: return false;
    }
}

/* The value of literal [e] (is_literal), made once at compile time: a
 * list of literals is one constant instead of a list built at every
 * evaluation, and a list of strings gets a hash index for `in`. */
static aeo_value literal(compiler *cp, const aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_BOOL: return aeo_bool(e->u.b);
    case AEO_EXPR_INT: return aeo_int(e->u.i);
    case AEO_EXPR_UINT: return aeo_uint(e->u.u);
    case AEO_EXPR_DOUBLE: return aeo_double(e->u.d);
    case AEO_EXPR_STRING: return str_const(cp, e->u.str.s, e->u.str.len);
    case AEO_EXPR_BYTES: return aeo_bytes(cp->prog->arena, e->u.str.s, e->u.str.len);
    case AEO_EXPR_LIST: {
        aeo_value l = aeo_list_new(cp->prog->arena, e->u.list.n);
        for (uint32_t i = 0; i < e->u.list.n; i++) aeo_list_push(cp->prog->arena, l.as.l, literal(cp, e->u.list.items[i]));
        aeo_list_index(cp->prog->arena, l.as.l);
        return l;
    }
    default: return aeo_null();
    }
}

static void expr(compiler *cp, const aeo_expr *e) {
    aeo_span sp = e->span;
    switch (e->kind) {
    case AEO_EXPR_ERROR:
        /* Never compiled: a catalog with errors is not compiled. */
        emit(cp, AEO_OP_NULL, 0, 0, sp);
        break;
    case AEO_EXPR_NULL: emit(cp, AEO_OP_NULL, 0, 0, sp); break;
    case AEO_EXPR_BOOL: emit(cp, e->u.b ? AEO_OP_TRUE : AEO_OP_FALSE, 0, 0, sp); break;
    case AEO_EXPR_INT: emit_const(cp, aeo_int(e->u.i), sp); break;
    case AEO_EXPR_UINT: emit_const(cp, aeo_uint(e->u.u), sp); break;
    case AEO_EXPR_DOUBLE: emit_const(cp, aeo_double(e->u.d), sp); break;
    case AEO_EXPR_STRING: emit_const(cp, str_const(cp, e->u.str.s, e->u.str.len), sp); break;
    case AEO_EXPR_BYTES: emit_const(cp, aeo_bytes(cp->prog->arena, e->u.str.s, e->u.str.len), sp); break;
    case AEO_EXPR_IDENT:
        switch (e->ref) {
        case AEO_REF_ROOT: emit(cp, AEO_OP_ROOT, 0, 0, sp); break;
        case AEO_REF_AS_OF: emit(cp, AEO_OP_AS_OF, 0, 0, sp); break;
        case AEO_REF_CONST:
        case AEO_REF_DEF:
        case AEO_REF_TIER:
            emit(cp, AEO_OP_CALL_DEF, (int32_t)aeo_compile_def_index(cp->cat, e->ref, e->ref_index), 0, sp);
            break;
        case AEO_REF_MEASURE: emit(cp, AEO_OP_MEASURE, (int32_t)e->ref_index, 0, sp); break;
        case AEO_REF_VAR: emit(cp, AEO_OP_VAR, (int32_t)e->ref_index, 0, sp); break;
        case AEO_REF_LOCAL: emit(cp, AEO_OP_LOAD_LOCAL, (int32_t)e->ref_index, 0, sp); break;
        case AEO_REF_TYPE: emit_const(cp, aeo_type_value(type_value_name(e->u.ident.name)), sp); break;
        default: emit(cp, AEO_OP_NULL, 0, 0, sp); break;
        }
        break;
    case AEO_EXPR_SELECT:
        /* A qualified name the checker resolved whole: a variable named
         * "a.b.c", or a type such as google.protobuf.Timestamp. */
        if (e->ref == AEO_REF_VAR) {
            emit(cp, AEO_OP_VAR, (int32_t)e->ref_index, 0, sp);
            break;
        }
        if (e->ref == AEO_REF_TYPE) {
            aeo_buf b = {0};
            path_of(&b, e);
            emit_const(cp, aeo_type_value(aeo_arena_strndup(cp->prog->arena, b.data, b.len)), sp);
            aeo_buf_free(&b);
            break;
        }
        /* A fact of the root record is one instruction: ROOT_FIELD. */
        bool of_root = e->ref == AEO_REF_FIELD && e->u.select.operand->kind == AEO_EXPR_IDENT &&
                       e->u.select.operand->ref == AEO_REF_ROOT;
        if (!of_root) expr(cp, e->u.select.operand);
        if (e->ref == AEO_REF_FIELD) {
            aeo_buf b = {0};
            path_of(&b, e);
            uint32_t k = aeo_chunk_const(cp->ch, str_const(cp, b.data, b.len));
            aeo_buf_free(&b);
            emit(cp, of_root ? AEO_OP_ROOT_FIELD : AEO_OP_FIELD, (int32_t)e->ref_index, (int32_t)k, sp);
        } else {
            uint32_t k = aeo_chunk_const(cp->ch, str_const(cp, e->u.select.field, strlen(e->u.select.field)));
            emit(cp, AEO_OP_SELECT, (int32_t)k, 0, sp);
        }
        break;
    case AEO_EXPR_INDEX:
        expr(cp, e->u.index.operand);
        expr(cp, e->u.index.index);
        emit(cp, AEO_OP_INDEX, 0, 0, sp);
        break;
    /* call -> f(args) | target.f(args): a macro, dyn(), a function of the
     * catalog, or a builtin (the receiver is its first argument). */
    case AEO_EXPR_CALL:
        if (e->ref == AEO_REF_MACRO) {
            macro(cp, e);
            break;
        }
        /* dyn(x) only changes the static type: nothing to run. */
        if (strcmp(e->u.call.name, "dyn") == 0 && !e->u.call.target) {
            expr(cp, e->u.call.args[0]);
            break;
        }
        if (e->ref == AEO_REF_FUNC) {
            /* A real call: the arguments become the callee frame's first
             * locals, so a body is compiled once however often and however
             * deeply it is called (inlining could grow exponentially). */
            for (uint32_t i = 0; i < e->u.call.n_args; i++) expr(cp, e->u.call.args[i]);
            emit(cp, AEO_OP_CALL_FN, (int32_t)aeo_compile_def_index(cp->cat, AEO_REF_DEF, e->ref_index),
                 (int32_t)e->u.call.n_args, sp);
            break;
        }
        if (e->u.call.target) expr(cp, e->u.call.target);
        for (uint32_t i = 0; i < e->u.call.n_args; i++) expr(cp, e->u.call.args[i]);
        emit(cp, AEO_OP_CALL, (int32_t)e->ref_index, (int32_t)(e->u.call.n_args + (e->u.call.target ? 1 : 0)), sp);
        break;
    case AEO_EXPR_LIST:
        if (e->u.list.n > UINT16_MAX) {
            aeo_diag_add(&cp->cat->diags, AEO_E_TOO_LARGE, sp, "a list literal may have at most 65535 items");
            cp->failed = true;
            emit(cp, AEO_OP_NULL, 0, 0, sp);
            break;
        }
        /* A literal list is one constant, built (and indexed) once. */
        if (is_literal(e)) {
            emit_const(cp, literal(cp, e), sp);
            break;
        }
        for (uint32_t i = 0; i < e->u.list.n; i++) expr(cp, e->u.list.items[i]);
        emit(cp, AEO_OP_LIST, (int32_t)e->u.list.n, 0, sp);
        break;
    case AEO_EXPR_MAP:
        if (e->u.map.n > UINT16_MAX) {
            aeo_diag_add(&cp->cat->diags, AEO_E_TOO_LARGE, sp, "a map literal may have at most 65535 entries");
            cp->failed = true;
            emit(cp, AEO_OP_NULL, 0, 0, sp);
            break;
        }
        for (uint32_t i = 0; i < e->u.map.n; i++) {
            expr(cp, e->u.map.keys[i]);
            expr(cp, e->u.map.vals[i]);
        }
        emit(cp, AEO_OP_MAP, (int32_t)e->u.map.n, 0, sp);
        break;
    case AEO_EXPR_UNARY:
        expr(cp, e->u.unary.a);
        emit(cp, e->u.unary.op == AEO_OPR_NOT ? AEO_OP_NOT : AEO_OP_NEG, 0, 0, sp);
        break;
    case AEO_EXPR_BINARY: {
        aeo_operator op = e->u.binary.op;
        /* a && b: if a is false the jump skips b and AND, leaving false;
         * otherwise AND combines both, so an undecided a (UNKNOWN, ERROR)
         * is still decided by a false b (CEL's commutative rule). */
        if (op == AEO_OPR_AND || op == AEO_OPR_OR) {
            bool is_and = op == AEO_OPR_AND;
            expr(cp, e->u.binary.a);
            uint32_t j = emit(cp, is_and ? AEO_OP_JUMP_IF_FALSE_KEEP : AEO_OP_JUMP_IF_TRUE_KEEP, 0, 0, sp);
            expr(cp, e->u.binary.b);
            emit(cp, is_and ? AEO_OP_AND : AEO_OP_OR, 0, 0, sp);
            patch(cp, j, 0, sp);
            break;
        }
        static const aeo_opcode ops[] = {
            [AEO_OPR_EQ] = AEO_OP_EQ, [AEO_OPR_NE] = AEO_OP_NE, [AEO_OPR_LT] = AEO_OP_LT,
            [AEO_OPR_LE] = AEO_OP_LE, [AEO_OPR_GT] = AEO_OP_GT, [AEO_OPR_GE] = AEO_OP_GE,
            [AEO_OPR_IN] = AEO_OP_IN, [AEO_OPR_ADD] = AEO_OP_ADD, [AEO_OPR_SUB] = AEO_OP_SUB,
            [AEO_OPR_MUL] = AEO_OP_MUL, [AEO_OPR_DIV] = AEO_OP_DIV, [AEO_OPR_MOD] = AEO_OP_MOD,
        };
        expr(cp, e->u.binary.a);
        expr(cp, e->u.binary.b);
        emit(cp, ops[op], 0, 0, sp);
        break;
    }
    /* cond -> c ? a : b.  COND has two targets: the else branch (a false c)
     * and the end (a non-bool or undecided c is itself the result); the
     * depth after the then-branch is reset for the else-branch, since only
     * one of them runs. */
    case AEO_EXPR_COND: {
        expr(cp, e->u.cond.c);
        uint32_t cond = emit(cp, AEO_OP_COND, 0, 0, sp);
        uint32_t depth = cp->ch->depth;
        expr(cp, e->u.cond.a);
        uint32_t j = emit(cp, AEO_OP_JUMP, 0, 0, sp);
        patch(cp, cond, 0, sp);
        aeo_chunk_set_depth(cp->ch, depth);
        expr(cp, e->u.cond.b);
        patch(cp, cond, 1, sp);
        patch(cp, j, 0, sp);
        break;
    }
    default:
        emit(cp, AEO_OP_NULL, 0, 0, sp);
        break;
    }
}

/* Closes the chunk; a chunk that hit a limit is freed (its diagnostic is
 * in the sink).  Debug builds verify jump targets and stack balance, so a
 * compiler bug aborts here instead of misbehaving in the VM. */
static aeo_chunk *finish(compiler *cp, aeo_span span) {
    emit(cp, AEO_OP_RETURN, 0, 0, span);
    if (cp->failed) {
        aeo_chunk_free(cp->ch);
        return NULL;
    }
#ifndef NDEBUG
    const char *why;
    if (!aeo_chunk_verify(cp->ch, &why)) {
        fprintf(stderr, "aeo: internal error: malformed chunk '%s': %s\n", cp->ch->name, why);
        abort();
    }
#endif
    return cp->ch;
}

aeo_chunk *aeo_compile_expr(aeo_catalog *c, const aeo_expr *e, const char *name) {
    compiler cp = {c, c->program, aeo_chunk_new(name), false};
    expr(&cp, e);
    return finish(&cp, e->span);
}

/* What a chain of cases computes: whether the winner's value is known
 * (the measure's last term), or the winner's index (the value itself is
 * then the winner's own chunk: only its expression runs). */
enum { CASES_SETTLED, CASES_WHICH };

/* c1 ? A1 : c2 ? A2 : ... : E, where Ai is case i's arm for [mode] and E
 * the else's (false, or n_cases without an else).  CEL's ?: makes the
 * first true case win and an undecided or failing condition before it
 * undecided or failing, which is the contract of valued measures. */
static void cases(compiler *cp, const aeo_measure *m, int mode, aeo_span sp) {
    uint32_t *conds = aeo_xmalloc((m->n_cases + 1) * 2 * sizeof *conds), *jumps = conds + m->n_cases + 1;
    for (uint32_t i = 0; i < m->n_cases; i++) {
        const aeo_case *k = &m->cases[i];
        expr(cp, k->cond);
        conds[i] = emit(cp, AEO_OP_COND, 0, 0, k->cond->span);
        uint32_t depth = cp->ch->depth;
        if (mode == CASES_WHICH) {
            emit_const(cp, aeo_int((int64_t)i), k->span);
        } else {
            expr(cp, k->value);
            emit(cp, AEO_OP_SETTLED, 0, 0, k->value->span);
        }
        jumps[i] = emit(cp, AEO_OP_JUMP, 0, 0, sp);
        patch(cp, conds[i], 0, sp);
        aeo_chunk_set_depth(cp->ch, depth);
    }
    const aeo_case *e = m->else_case;
    if (mode == CASES_WHICH) {
        emit_const(cp, aeo_int((int64_t)m->n_cases), e ? e->span : sp);
    } else if (e) {
        expr(cp, e->value);
        emit(cp, AEO_OP_SETTLED, 0, 0, e->value->span);
    } else {
        emit(cp, AEO_OP_FALSE, 0, 0, sp);
    }
    for (uint32_t i = 0; i < m->n_cases; i++) {
        patch(cp, conds[i], 1, sp);
        patch(cp, jumps[i], 0, sp);
    }
    free(conds);
}

/* A valued measure's winner chunk: the index of the case that wins. */
static aeo_chunk *compile_which(aeo_catalog *c, uint32_t idx) {
    const aeo_decl *d = c->measures.items[idx];
    char name[300];
    snprintf(name, sizeof name, "measure %s case", d->name);
    compiler cp = {c, c->program, aeo_chunk_new(name), false};
    cases(&cp, d->measure, CASES_WHICH, d->name_span);
    return finish(&cp, d->name_span);
}

/* Function [d]: its body, with the parameters in locals 0..n-1 (the
 * checker numbered them so), which CALL_FN fills from the arguments. */
static aeo_chunk *compile_function(aeo_catalog *c, const aeo_decl *d, const char *name) {
    compiler cp = {c, c->program, aeo_chunk_new(name), false};
    cp.ch->n_locals = (uint8_t)d->n_params;
    expr(&cp, d->value);
    return finish(&cp, d->value->span);
}

/* ---- conjuncts shared between measures ------------------------------------
 *
 * A measure's `when` is compiled as its top-level conjuncts, each a term of
 * the measure's conjunction (`scope && (tiers) && c1 && c2 && ... &&
 * !unless`): CEL's && is commutative and associative (the unknowns merge in
 * the same order, the first error is the same), so the value is the one of
 * `when` compiled whole.  A conjunct written in two measures or more (the
 * jurisdiction test, a credit comparison), non-trivial and unable to fail,
 * becomes a def of the program of its own, a *shared conjunct*, which each
 * of those measures calls: evaluated once per record whatever the number of
 * measures that repeat it (common sub-expressions across measures).  Only
 * conjuncts that cannot fail are shared, so that no error is ever reported
 * at another measure's text.  The leading conjuncts that are defs (shared
 * or written as a def or tier name) join the measure's gate
 * (aeo_measure_info.gate_conds). */

#define MAX_CONJUNCTS 64
#define MAX_GATE_CONDS 8

/* Both operands of a comparison of one scalar kind (an enum is a string). */
static bool same_scalar(const aeo_type *a, const aeo_type *b) {
    if (!a || !b) return false;
    aeo_tkind x = a->kind == AEO_T_ENUM ? AEO_T_STRING : a->kind, y = b->kind == AEO_T_ENUM ? AEO_T_STRING : b->kind;
    if (x != y) return false;
    switch (x) {
    case AEO_T_BOOL: case AEO_T_INT: case AEO_T_UINT: case AEO_T_DOUBLE: case AEO_T_STRING:
    case AEO_T_TIMESTAMP: case AEO_T_DURATION:
        return true;
    default: return false;
    }
}

static bool is_bool(const aeo_expr *e) { return e->type && e->type->kind == AEO_T_BOOL; }

/* Whether evaluating [e] can give no ERROR of its own (an UNKNOWN, a def's
 * memoized value, are the same wherever the expression is written). */
static bool cannot_fail(const aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_NULL: case AEO_EXPR_BOOL: case AEO_EXPR_INT: case AEO_EXPR_UINT: case AEO_EXPR_DOUBLE:
    case AEO_EXPR_STRING: case AEO_EXPR_BYTES:
        return true;
    case AEO_EXPR_IDENT:
        return e->ref == AEO_REF_ROOT || e->ref == AEO_REF_AS_OF || e->ref == AEO_REF_CONST || e->ref == AEO_REF_DEF ||
               e->ref == AEO_REF_TIER;
    case AEO_EXPR_SELECT:
        return e->ref == AEO_REF_FIELD && cannot_fail(e->u.select.operand);
    case AEO_EXPR_LIST:
        return is_literal(e);
    case AEO_EXPR_UNARY:
        return e->u.unary.op == AEO_OPR_NOT && is_bool(e->u.unary.a) && cannot_fail(e->u.unary.a);
    case AEO_EXPR_BINARY: {
        const aeo_expr *a = e->u.binary.a, *b = e->u.binary.b;
        if (!cannot_fail(a) || !cannot_fail(b)) return false;
        switch (e->u.binary.op) {
        case AEO_OPR_AND: case AEO_OPR_OR: return is_bool(a) && is_bool(b);
        case AEO_OPR_EQ: case AEO_OPR_NE: return true;
        case AEO_OPR_LT: case AEO_OPR_LE: case AEO_OPR_GT: case AEO_OPR_GE: return same_scalar(a->type, b->type);
        case AEO_OPR_IN: return b->kind == AEO_EXPR_LIST;   /* a literal list (cannot_fail(b)) */
        default: return false;
        }
    }
    case AEO_EXPR_CALL: {
        if (e->ref != AEO_REF_BUILTIN) return false;
        const char *n = e->u.call.name;
        const aeo_expr *t = e->u.call.target;
        if (t && e->u.call.n_args == 1 &&
            (strcmp(n, "startsWith") == 0 || strcmp(n, "endsWith") == 0 || strcmp(n, "contains") == 0)) {
            const aeo_expr *x = e->u.call.args[0];
            return same_scalar(t->type, x->type) && (t->type->kind == AEO_T_STRING || t->type->kind == AEO_T_ENUM) &&
                   cannot_fail(t) && cannot_fail(x);
        }
        if (!t && e->u.call.n_args == 1 && strcmp(n, "size") == 0) {
            const aeo_expr *x = e->u.call.args[0];
            return x->type && (x->type->kind == AEO_T_LIST || x->type->kind == AEO_T_STRING || x->type->kind == AEO_T_MAP) &&
                   cannot_fail(x);
        }
        return false;
    }
    default: return false;
    }
}

/* A conjunct cheaper to repeat than to call: a name, a field, a literal. */
static bool trivial(const aeo_expr *e) {
    if (e->kind == AEO_EXPR_UNARY) return trivial(e->u.unary.a);
    return e->kind != AEO_EXPR_BINARY && e->kind != AEO_EXPR_CALL;
}

/* The top-level conjuncts of [e], in order, into out[0..*n); when one is
 * not of static type bool (a dyn), [e] stays whole: && then decides what
 * a non-bool operand gives, at its own span. */
static void flatten(const aeo_expr *e, const aeo_expr **out, uint32_t *n) {
    if (e->kind == AEO_EXPR_BINARY && e->u.binary.op == AEO_OPR_AND && is_bool(e->u.binary.a) &&
        is_bool(e->u.binary.b) && *n + 2 <= MAX_CONJUNCTS) {
        flatten(e->u.binary.a, out, n);
        flatten(e->u.binary.b, out, n);
        return;
    }
    out[(*n)++] = e;
}

static uint32_t conjuncts(const aeo_expr *e, const aeo_expr **out) {
    uint32_t n = 0;
    if (!is_bool(e)) {
        out[n++] = e;
        return n;
    }
    flatten(e, out, &n);
    return n;
}

/* The shared conjuncts of a catalog: their texts in a hash table. */
typedef struct shared_entry {
    char *text;
    const aeo_expr *e;     /* the first one written */
    uint32_t count;        /* measures writing it */
    uint32_t last;         /* the last measure counted + 1 */
    uint32_t def;          /* program def index (count >= 2), else UINT32_MAX */
} shared_entry;

typedef struct shared {
    shared_entry *slots;
    uint32_t cap, n, n_defs;
    const aeo_expr **order;   /* the entries that became defs, in def order */
} shared;

static uint32_t text_hash(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The entry of [e]'s text, added when [add]; NULL when absent. */
static shared_entry *shared_find(shared *sh, const aeo_expr *e, bool add) {
    char *text = aeo_expr_text(e, NULL);
    if (add && (sh->n + 1) * 2 > sh->cap) {
        uint32_t cap = sh->cap ? sh->cap * 2 : 64;
        shared_entry *slots = aeo_xcalloc(cap, sizeof *slots);
        for (uint32_t i = 0; i < sh->cap; i++) {
            if (!sh->slots[i].text) continue;
            uint32_t j = text_hash(sh->slots[i].text) & (cap - 1);
            while (slots[j].text) j = (j + 1) & (cap - 1);
            slots[j] = sh->slots[i];
        }
        free(sh->slots);
        sh->slots = slots;
        sh->cap = cap;
    }
    if (!sh->cap) {
        free(text);
        return NULL;
    }
    uint32_t j = text_hash(text) & (sh->cap - 1);
    while (sh->slots[j].text) {
        if (strcmp(sh->slots[j].text, text) == 0) {
            free(text);
            return &sh->slots[j];
        }
        j = (j + 1) & (sh->cap - 1);
    }
    if (!add) {
        free(text);
        return NULL;
    }
    sh->n++;
    sh->slots[j] = (shared_entry){text, e, 0, 0, UINT32_MAX};
    return &sh->slots[j];
}

/* Counts the candidate conjuncts of every measure's `when`; those written
 * in two measures or more get def indices from [first_def] on. */
static void shared_collect(const aeo_catalog *c, shared *sh, uint32_t first_def) {
    const aeo_expr *cj[MAX_CONJUNCTS];
    for (uint32_t i = 0; i < c->measures.n; i++) {
        const aeo_measure *m = c->measures.items[i]->measure;
        for (uint32_t k = 0; k < m->n_conds; k++) {
            if (m->conds[k].negate) continue;
            uint32_t n = conjuncts(m->conds[k].expr, cj);
            for (uint32_t j = 0; j < n; j++) {
                if (trivial(cj[j]) || !is_bool(cj[j]) || !cannot_fail(cj[j])) continue;
                shared_entry *en = shared_find(sh, cj[j], true);
                if (en->last != i + 1) {
                    en->count++;
                    en->last = i + 1;
                }
            }
        }
    }
    /* Def order: the order in which the texts are first written. */
    sh->order = aeo_xcalloc(sh->n ? sh->n : 1, sizeof *sh->order);
    for (uint32_t i = 0; i < c->measures.n; i++) {
        const aeo_measure *m = c->measures.items[i]->measure;
        for (uint32_t k = 0; k < m->n_conds; k++) {
            if (m->conds[k].negate) continue;
            uint32_t n = conjuncts(m->conds[k].expr, cj);
            for (uint32_t j = 0; j < n; j++) {
                if (trivial(cj[j]) || !is_bool(cj[j]) || !cannot_fail(cj[j])) continue;
                shared_entry *en = shared_find(sh, cj[j], false);
                if (en && en->count >= 2 && en->def == UINT32_MAX) {
                    en->def = first_def + sh->n_defs;
                    sh->order[sh->n_defs++] = en->e;
                }
            }
        }
    }
}

static void shared_free(shared *sh) {
    for (uint32_t i = 0; i < sh->cap; i++) free(sh->slots[i].text);
    free(sh->slots);
    free(sh->order);
}

/* The shared def of conjunct [e], or UINT32_MAX. */
static uint32_t shared_def(shared *sh, const aeo_expr *e) {
    if (!sh || !sh->n_defs || trivial(e) || !is_bool(e) || !cannot_fail(e)) return UINT32_MAX;
    shared_entry *en = shared_find(sh, e, false);
    return en ? en->def : UINT32_MAX;
}

/* The def a conjunct names (a def or tier, not a function), or UINT32_MAX. */
static uint32_t named_def(const aeo_catalog *c, const aeo_expr *e) {
    if (e->kind == AEO_EXPR_IDENT && (e->ref == AEO_REF_DEF || e->ref == AEO_REF_TIER))
        return aeo_compile_def_index(c, e->ref, e->ref_index);
    return UINT32_MAX;
}

/* What compiling a measure tells its gate: where the scope and the tiers
 * end, and the leading conjuncts of `when` that are defs, with where the
 * last of them ends (the offset of the next instruction, the conjunction
 * so far on the stack; 0: no such term). */
typedef struct measure_ends {
    uint32_t scope, tiers;
    uint32_t conds[MAX_GATE_CONDS], n_conds, conds_end;
    /* Every term in order, as an aeo_term when it is one (simple[k]). */
    aeo_term terms[MAX_CONJUNCTS];
    bool simple[MAX_CONJUNCTS];
    uint32_t n_terms;
    bool overflow;     /* more terms than terms[] holds */
} measure_ends;

/* Term [k] of the measure being compiled: an aeo_term when [e] is a bool
 * fact of the record or names a bool def ([def]: its index, or
 * UINT32_MAX), negated or not. */
static void note_term(compiler *cp, measure_ends *ends, const aeo_expr *e, uint32_t def, bool negate) {
    if (ends->n_terms == MAX_CONJUNCTS) {
        ends->overflow = true;
        return;
    }
    uint32_t k = ends->n_terms++;
    ends->simple[k] = false;
    if (!e || !is_bool(e)) return;
    if (def == UINT32_MAX) def = named_def(cp->cat, e);
    if (def != UINT32_MAX) {
        ends->terms[k] = (aeo_term){def, true, negate, NULL};
        ends->simple[k] = true;
    } else if (e->kind == AEO_EXPR_SELECT && e->ref == AEO_REF_FIELD && e->u.select.operand->kind == AEO_EXPR_IDENT &&
               e->u.select.operand->ref == AEO_REF_ROOT) {
        aeo_buf b = {0};
        path_of(&b, e);
        const char *path = aeo_arena_strndup(cp->prog->arena, b.data ? b.data : "", b.len);
        aeo_buf_free(&b);
        ends->terms[k] = (aeo_term){e->ref_index, false, negate, path};
        ends->simple[k] = true;
    }
}

/* The conjunction of a measure's terms: scope, tiers, when, !unless...
 * Each term after the first: JUMP_IF_FALSE_KEEP end; <term>; AND. */
static aeo_chunk *compile_measure(aeo_catalog *c, uint32_t idx, shared *sh, measure_ends *ends) {
    const aeo_decl *d = c->measures.items[idx];
    char name[300];
    snprintf(name, sizeof name, "measure %s", d->name);
    compiler cp = {c, c->program, aeo_chunk_new(name), false};
    uint32_t jumps[512];
    uint32_t n_jumps = 0, n_terms = 0;
    aeo_span sp = d->name_span;

    /* Each term after the first is joined by one instruction: the AND of
     * the term before it and the jump of this one, AND_JUMP_IF_FALSE (the
     * first join has nothing to AND yet: JUMP_IF_FALSE_KEEP); the last
     * term's AND comes at the end.  So a term's AND is owed until the next
     * term begins, and where a term ends (the conjunction so far alone on
     * the stack: after its AND) is known only then: owed[] are the ends to
     * fill when the AND is emitted. */
    bool and_owed = false;
    uint32_t *owed[4];
    uint32_t n_owed = 0;
#define PAY_AND(fused)                                                                         \
    do {                                                                                       \
        uint32_t at_ = emit(&cp, (fused) ? AEO_OP_AND_JUMP_IF_FALSE : AEO_OP_AND, 0, 0, sp);   \
        if (fused) jumps[n_jumps++] = at_;                                                     \
        for (uint32_t k_ = 0; k_ < n_owed; k_++) *owed[k_] = cp.ch->len;                       \
        n_owed = 0;                                                                            \
        and_owed = false;                                                                      \
    } while (0)
#define NEXT_TERM()                                                                            \
    do {                                                                                       \
        if (n_terms++ > 0) {                                                                   \
            if (n_jumps < 512 && and_owed) PAY_AND(true);                                      \
            else if (n_jumps < 512) jumps[n_jumps++] = emit(&cp, AEO_OP_JUMP_IF_FALSE_KEEP, 0, 0, sp); \
            else if (and_owed) PAY_AND(false);                                                 \
        }                                                                                      \
    } while (0)
#define END_TERM()                                                                             \
    do {                                                                                       \
        if (n_terms > 1) and_owed = true;                                                      \
    } while (0)
/* Records in *(p) where the term just compiled ends. */
#define TERM_END(p)                                                                            \
    do {                                                                                       \
        if (and_owed) owed[n_owed++] = (p);                                                    \
        else *(p) = cp.ch->len;                                                                \
    } while (0)

    const aeo_measure *m = d->measure;
    uint32_t scope_end = 0;
    ends->tiers = 0;
    ends->n_conds = 0;
    ends->conds_end = 0;
    ends->n_terms = 0;
    ends->overflow = false;
    if (m->scope) {
        NEXT_TERM();
        emit(&cp, AEO_OP_CALL_DEF, (int32_t)scope_def_index(c, idx), 0, m->scope->span);
        END_TERM();
        note_term(&cp, ends, NULL, UINT32_MAX, false);
        TERM_END(&scope_end);
    }
    if (m->tier_prop) {
        NEXT_TERM();
        if (m->n_tiers > 0) {
            uint32_t ors[256], n_ors = 0;
            for (uint32_t i = 0; i < m->n_tiers; i++) {
                if (i > 0 && n_ors < 256) ors[n_ors++] = emit(&cp, AEO_OP_JUMP_IF_TRUE_KEEP, 0, 0, sp);
                expr(&cp, m->tiers[i]);
                if (i > 0) emit(&cp, AEO_OP_OR, 0, 0, sp);
            }
            for (uint32_t i = 0; i < n_ors; i++) patch(&cp, ors[i], 0, sp);
        } else {
            emit(&cp, AEO_OP_FALSE, 0, 0, sp);
        }
        END_TERM();
        note_term(&cp, ends, NULL, UINT32_MAX, false);
        TERM_END(&ends->tiers);
    }
    /* Leading conjuncts join the gate only after a gated prefix: no tier
     * property, or tiers that are all tier names. */
    bool leading = !m->tier_prop || (m->n_tiers > 0 && c->program->measures[idx].n_gate_tiers == m->n_tiers);
    for (uint32_t i = 0; i < m->n_conds; i++) {
        const aeo_cond *t = &m->conds[i];
        if (t->negate) {
            leading = false;
            NEXT_TERM();
            expr(&cp, t->expr);
            emit(&cp, AEO_OP_NOT, 0, 0, t->expr->span);
            END_TERM();
            note_term(&cp, ends, t->expr, UINT32_MAX, true);
            continue;
        }
        const aeo_expr *cj[MAX_CONJUNCTS];
        uint32_t n = conjuncts(t->expr, cj);
        for (uint32_t j = 0; j < n; j++) {
            NEXT_TERM();
            uint32_t def = shared_def(sh, cj[j]);
            if (def != UINT32_MAX) emit(&cp, AEO_OP_CALL_DEF, (int32_t)def, 0, cj[j]->span);
            else expr(&cp, cj[j]);
            END_TERM();
            note_term(&cp, ends, cj[j], def, false);
            if (def == UINT32_MAX) def = named_def(c, cj[j]);
            if (leading && def != UINT32_MAX && ends->n_conds < MAX_GATE_CONDS) {
                ends->conds[ends->n_conds++] = def;
                TERM_END(&ends->conds_end);
            } else {
                leading = false;
            }
        }
    }
    if (m->value_type) {
        NEXT_TERM();
        cases(&cp, m, CASES_SETTLED, sp);
        END_TERM();
        note_term(&cp, ends, NULL, UINT32_MAX, false);
    }
    if (n_terms == 0) emit(&cp, AEO_OP_TRUE, 0, 0, sp);
    if (and_owed) PAY_AND(false);
    ends->scope = scope_end;
    for (uint32_t i = 0; i < n_jumps; i++) patch(&cp, jumps[i], 0, sp);
#undef PAY_AND
#undef NEXT_TERM
#undef END_TERM
#undef TERM_END
    return finish(&cp, sp);
}

/* [s] copied into the program's arena, or NULL. */
static const char *text_copy(aeo_catalog *c, const char *s) {
    return s ? aeo_arena_strdup(c->program->arena, s) : NULL;
}

static void add_def(aeo_catalog *c, const char *name, aeo_chunk *chunk, bool *ok) {
    aeo_program *p = c->program;
    p->defs[p->n_defs].name = aeo_arena_strdup(p->arena, name);
    p->defs[p->n_defs].chunk = chunk;
    p->n_defs++;
    if (!chunk) *ok = false;
}

/* What a broken declaration (aeo_decl.broken: a catalog with errors is
 * compiled for its tests' facts and its lints) compiles to: a chunk that
 * returns null, never run, since nothing that is compiled from the source
 * uses a broken declaration. */
static aeo_chunk *stub(aeo_catalog *c, const aeo_decl *d, const char *name) {
    return aeo_compile_expr(c, aeo_expr_new(c->arena, AEO_EXPR_ERROR, d->span, &c->next_id), name);
}

bool aeo_compile_catalog(aeo_catalog *c) {
    if (c->program) aeo_program_free(c->program);
    aeo_program *p = c->program = aeo_program_new();
    bool ok = true;
    p->root = c->root;
    p->root_name = c->root_name ? aeo_arena_strdup(p->arena, c->root_name) : NULL;
    p->catalog = c->catalog ? aeo_arena_strdup(p->arena, c->catalog->name) : NULL;
    uint32_t n_defs = c->consts.n + c->defs.n + c->tiers.n + 1;
    for (uint32_t i = 0; i < c->measures.n; i++) n_defs += c->measures.items[i]->measure->own_scope;
    /* The shared conjuncts come after the scopes (n_defs above reserves a
     * slot for the catalog's scope even without one). */
    uint32_t first_shared = n_defs - (c->scope ? 0 : 1);
    shared sh = {0};
    shared_collect(c, &sh, first_shared);
    n_defs += sh.n_defs;
    p->defs = aeo_xcalloc(n_defs, sizeof *p->defs);
    char name[300];
    for (uint32_t i = 0; i < c->consts.n; i++) {
        const aeo_decl *d = c->consts.items[i];
        snprintf(name, sizeof name, "const %s", d->name);
        add_def(c, d->name, d->broken ? stub(c, d, name) : aeo_compile_expr(c, d->value, name), &ok);
        p->defs[p->n_defs - 1].constant = true;
    }
    for (uint32_t i = 0; i < c->defs.n; i++) {
        const aeo_decl *d = c->defs.items[i];
        if (d->n_params) {
            snprintf(name, sizeof name, "function %s", d->name);
            add_def(c, d->name, d->broken ? stub(c, d, name) : compile_function(c, d, name), &ok);
            p->defs[p->n_defs - 1].n_params = d->n_params;
            continue;
        }
        snprintf(name, sizeof name, "def %s", d->name);
        add_def(c, d->name, d->broken ? stub(c, d, name) : aeo_compile_expr(c, d->value, name), &ok);
    }
    for (uint32_t i = 0; i < c->tiers.n; i++) {
        const aeo_decl *d = c->tiers.items[i];
        snprintf(name, sizeof name, "tier %s", d->name);
        add_def(c, d->name, d->broken ? stub(c, d, name) : aeo_compile_expr(c, d->value, name), &ok);
    }
    if (c->scope) add_def(c, "(scope)", aeo_compile_expr(c, c->scope, "catalog scope"), &ok);
    for (uint32_t i = 0; i < c->measures.n; i++) {
        const aeo_measure *v = c->measures.items[i]->measure;
        if (!v->own_scope) continue;
        snprintf(name, sizeof name, "scope of %s", c->measures.items[i]->name);
        add_def(c, name, c->measures.items[i]->broken ? stub(c, c->measures.items[i], name) : aeo_compile_expr(c, v->scope, name),
                &ok);
    }
    for (uint32_t i = 0; i < sh.n_defs; i++) {
        char *text = aeo_expr_text(sh.order[i], NULL);
        snprintf(name, sizeof name, "shared %s", text);
        free(text);
        add_def(c, "(shared)", aeo_compile_expr(c, sh.order[i], name), &ok);
    }
    if (c->key) {
        p->key = aeo_compile_expr(c, c->key, "catalog key");
        size_t len;
        char *text = aeo_expr_text(c->key, &len);
        p->key_text = aeo_arena_strndup(p->arena, text, len);
        free(text);
        ok &= p->key != NULL;
    }
    /* Consts are constant: evaluate each once now, so that one that fails
     * (10 / 0) is a compile error rather than an error in every record. */
    if (ok && c->consts.n) {
        aeo_vm *vm = aeo_vm_new(p);
        aeo_vm_begin(vm, aeo_null());
        for (uint32_t i = 0; i < c->consts.n; i++) {
            aeo_value v = aeo_vm_def(vm, i);
            if (v.kind == AEO_V_ERROR) {
                aeo_diag_add(&c->diags, AEO_E_CONST_ERROR, c->consts.items[i]->value->span, "const '%s' fails: %s",
                             c->consts.items[i]->name, v.as.e->msg);
                ok = false;
            }
        }
        aeo_vm_end(vm);
        aeo_vm_free(vm);
    }
    p->measures = aeo_xcalloc(c->measures.n ? c->measures.n : 1, sizeof *p->measures);
    for (uint32_t i = 0; i < c->measures.n; i++) {
        const aeo_decl *d = c->measures.items[i];
        aeo_measure_info *m = &p->measures[i];
        m->id = aeo_arena_strdup(p->arena, d->name);
        m->title = aeo_arena_strdup(p->arena, d->title ? d->title : "");
        const aeo_measure *v = d->measure;
        m->cite = text_copy(c, v->cite);
        m->benefit = text_copy(c, v->benefit);
        m->category = text_copy(c, v->category);
        m->confidence = text_copy(c, v->confidence);
        m->span = d->name_span;
        if (v->scope) m->gate_scope = scope_def_index(c, i) + 1;
        if (v->tier_prop) {
            uint32_t n = v->n_tiers;
            /* The tiers' def indices, when every item is a tier name. */
            uint32_t *gate = aeo_arena_alloc(p->arena, (n ? n : 1) * sizeof *gate);
            bool all_tiers = n > 0;
            for (uint32_t k = 0; k < n && all_tiers; k++) {
                const aeo_expr *it = v->tiers[k];
                all_tiers = it->kind == AEO_EXPR_IDENT && it->ref == AEO_REF_TIER;
                if (all_tiers) gate[k] = aeo_compile_def_index(c, AEO_REF_TIER, it->ref_index);
            }
            if (all_tiers) {
                m->gate_tiers = gate;
                m->n_gate_tiers = n;
            }
            const char **names = aeo_arena_alloc(p->arena, (n ? n : 1) * sizeof *names);
            for (uint32_t k = 0; k < n; k++) {
                const aeo_expr *it = v->tiers[k];
                names[k] = it->kind == AEO_EXPR_IDENT ? aeo_arena_strdup(p->arena, it->u.ident.name) : "?";
            }
            m->tiers = names;
            m->n_tiers = n;
        }
        m->has_effective = v->has_effective;
        m->effective = v->effective;
        m->has_expires = v->has_expires;
        m->expires = v->expires;
        m->unit = text_copy(c, v->unit);
        if (d->broken) {
            snprintf(name, sizeof name, "measure %s", d->name);
            m->chunk = stub(c, d, name);
            p->n_measures++;
            ok &= m->chunk != NULL;
            continue;
        }
        if (v->value_type) {
            m->value_type = v->value_type;
            p->valued = true;
            char tn[256];
            m->value_type_name = aeo_arena_strdup(p->arena, aeo_type_format(v->value_type, tn, sizeof tn));
            aeo_case_info *ci = aeo_arena_zalloc(p->arena, (v->n_cases ? v->n_cases : 1) * sizeof *ci);
            for (uint32_t k = 0; k < v->n_cases; k++) ci[k] = (aeo_case_info){text_copy(c, v->cases[k].cite), v->cases[k].span};
            m->cases = ci;
            m->n_cases = v->n_cases;
            m->has_else = v->else_case != NULL;
            m->else_cite = v->else_case ? text_copy(c, v->else_case->cite) : NULL;
            m->which = compile_which(c, i);
            ok &= m->which != NULL;
            /* Each case's value (then the else's) as a chunk of its own, so
             * that granting runs the winner's expression alone. */
            uint32_t nv = v->n_cases + (v->else_case != NULL);
            m->values = aeo_xcalloc(nv + 1, sizeof *m->values);
            for (uint32_t k = 0; k < nv; k++) {
                char cname[300];
                if (k < v->n_cases) snprintf(cname, sizeof cname, "measure %s case %u value", d->name, k + 1);
                else snprintf(cname, sizeof cname, "measure %s else value", d->name);
                const aeo_case *cs = k < v->n_cases ? &v->cases[k] : v->else_case;
                m->values[k] = aeo_compile_expr(c, cs->value, cname);
                ok &= m->values[k] != NULL;
            }
        }
        measure_ends ends;
        m->chunk = compile_measure(c, i, &sh, &ends);
        /* Where the prefix the VM's gate covers ends: after the leading
         * conjuncts it has, else after the tiers when it has them, else
         * after the scope (0: no gate). */
        if (ends.n_conds) {
            uint32_t *conds = aeo_arena_alloc(p->arena, ends.n_conds * sizeof *conds);
            memcpy(conds, ends.conds, ends.n_conds * sizeof *conds);
            m->gate_conds = conds;
            m->n_gate_conds = ends.n_conds;
        }
        m->gate_end = m->n_gate_conds ? ends.conds_end : m->n_gate_tiers ? ends.tiers : m->gate_scope ? ends.scope : 0;
        /* The terms after the gate's prefix, when all are simple. */
        uint32_t prefix = m->n_gate_conds ? (v->scope ? 1u : 0u) + (v->tier_prop ? 1u : 0u) + m->n_gate_conds
                          : m->n_gate_tiers ? (v->scope ? 1u : 0u) + 1u
                          : m->gate_scope ? 1u : 0u;
        bool all_simple = m->gate_end && !ends.overflow && ends.n_terms > prefix;
        for (uint32_t k = prefix; k < ends.n_terms && all_simple; k++) all_simple = ends.simple[k];
        if (all_simple) {
            aeo_term *tail = aeo_arena_alloc(p->arena, (ends.n_terms - prefix) * sizeof *tail);
            memcpy(tail, ends.terms + prefix, (ends.n_terms - prefix) * sizeof *tail);
            m->tail = tail;
            m->n_tail = ends.n_terms - prefix;
        }
        p->n_measures++;
        ok &= m->chunk != NULL;
    }
    shared_free(&sh);
    return ok;
}
