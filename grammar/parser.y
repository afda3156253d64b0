/* The parser: tokens in, AST (lang/ast.h) and syntax diagnostics out.
 *
 * Pure bison with byte-offset locations (aeo_span); the scanner is lexer.l.
 * One grammar serves three entry points, chosen by a start token that the
 * scanner returns first: a file of declarations, a single CEL expression,
 * and a REPL input (one declaration or one expression).
 *
 * Semantic actions only build AST nodes in the compilation's arena and
 * report diagnostics.  Expressions follow CEL's grammar and precedence
 * (lowest first: ?:, ||, &&, relations, + -, * / %, unary, member), with
 * two documented extensions: '!' and '-' may be mixed in one prefix ("!-x";
 * CEL repeats only one of them), and keywords and reserved words are
 * allowed as a field name after '.'.  (CEL's backquoted field names,
 * m.`content-type`, are CEL syntax, not an extension.)  A '-' directly
 * applied to an int or double literal is folded into it, which is how
 * -9223372036854775808 is an int (lexer.l explains the mark on
 * 9223372036854775808).
 *
 * Version 2 adds `def NAME(p: T, ...) = expr` (functions), field defaults
 * `name?: T = LITERAL` (a unary, so that "= a in" cannot be read two ways),
 * and two contextual words, kept out of the keyword set so that names
 * spelled like them keep working: the scanner gives "example" as a
 * declaration keyword only outside brackets before NAME '=', and "with" as
 * the merge operator only before '{' (lexer.l).
 *
 * Depth: every node's depth is 1 + the largest depth of its children, and
 * a parenthesised expression counts one more level.  A node that would be
 * deeper than AEO_MAX_DEPTH becomes an ERROR node, with one E0005 per
 * declaration, so that every later pass recurses in bounded stack.  Bison's
 * own stack is limited to YYMAXDEPTH; exhausting it (say 100,000 '(') is
 * reported as the same E0005 and ends the parse.
 *
 * Error recovery, so one run reports every independent error:
 *   - in a block, "name ':' error" keeps the property with an ERROR value,
 *     and "props error" skips to the next property name or '}' (fields
 *     likewise); the block's declaration is marked has_error;
 *   - "const NAME = error" (and def, tier) keeps the declaration with an
 *     ERROR value, resynchronising at the next declaration keyword;
 *   - at the top, "decls error" skips to the next declaration keyword; the
 *     skipped text becomes one ERROR declaration.
 * Bison normally stays silent until three tokens have been shifted after an
 * error, which would hide an error on the next line.  So the parser trusts
 * a resynchronisation at a token that starts its line and calls yyerrok
 * when it shifts one: a property or field name (prop_key, field_key), or a
 * declaration keyword outside any bracket (the *_kw wrappers; the scanner
 * marks such keywords "top").  Outside recovery yyerrok does nothing.
 * Syntax errors say what was found and what was expected, grouped
 * ("expected expression", "expected operator, name or '}'"); at end of file
 * (E0002) they name the missing closing bracket and note where it opened.
 * Where an operator may come, a word or sign of another language (and, or,
 * not, a single '=') is named with the CEL operator to write instead
 * (natural_mistake), and the rest of its line is not reported again.
 * A token the scanner already reported (an invalid character, a malformed
 * literal) is rejected silently. */

%require "3.8"
%define api.pure full
%define api.prefix {aeo_yy}
%define api.token.prefix {AEO_TOK_}
%define api.location.type {aeo_span}
%define parse.error custom
%define parse.lac full
%locations
%param {yyscan_t scanner}
%parse-param {aeo_parse_ctx *ctx}
%expect 0

%code requires {
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grammar/parse.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* Open brackets remembered for "unclosed" notes; deeper ones are counted. */
#define AEO_YY_NEST_CAP 256

/* The state of one parse, shared by the scanner (as yyextra) and the
 * parser (as ctx). */
typedef struct aeo_parse_ctx {
    /* Set by the driver. */
    aeo_arena *arena;
    aeo_diags *diags;
    uint32_t *next_id;
    uint32_t local_id;         /* next_id when the caller gave none */
    uint32_t file;
    const char *text;
    uint32_t len;
    int start_token;           /* returned by the first yylex call */
    uint32_t n_errors;         /* errors reported by this parse */

    /* Scanner. */
    uint32_t offset;           /* bytes consumed */
    uint32_t last_end;         /* end of the last token returned */
    uint32_t invalid_end;      /* end of the last INVALID token */
    bool line_has_token;       /* a token was returned on the current line */
    bool tok_bol;              /* the last token returned starts its line */
    uint32_t tok_nest;         /* bracket depth before the last token */
    bool closing;              /* the lexer is supplying missing closers */
    bool tok_bad;              /* the last token was reported by the scanner */
    bool eof_in_string;        /* a string literal ran to the end of file */
    uint32_t nest;             /* brackets open now */
    char open_ch[AEO_YY_NEST_CAP];
    uint32_t open_at[AEO_YY_NEST_CAP];
    bool doc_open;             /* a comment run waits for its token */
    uint32_t doc_start, doc_end, doc_nl;
    char *buf;                 /* string literal being scanned (malloc) */
    size_t buf_len, buf_cap;
    uint32_t str_start;
    char quote;
    bool triple, raw, bytes, str_bad;

    /* Parser. */
    bool depth_reported;       /* E0005 given in this declaration */
    bool error_decl_open;      /* the last declaration is an ERROR one still growing */
    uint32_t quiet_until;      /* no syntax error is reported before this offset */
    uint32_t hush_colon;       /* nor a next one before this offset that only lacks a ':' */
    aeo_decl *decls;
    uint32_t n_decls, cap_decls;
    aeo_decl *decl_out;        /* REPL */
    aeo_expr *expr_out;        /* expression, REPL */
} aeo_parse_ctx;

/* Growable arrays for semantic values (arena memory). */
/* dropped: items past AEO_MAX_ITEMS, not kept (E0007 when the list, map or
 * call is made). */
typedef struct { aeo_expr **v; uint32_t n, cap, dropped; } aeo_yy_exprs;
typedef struct { aeo_expr **k, **v; uint32_t n, cap, dropped; } aeo_yy_entries;
typedef struct { aeo_operator op; uint32_t at; } aeo_yy_prefix;
typedef struct { aeo_yy_prefix *v; uint32_t n, cap; } aeo_yy_ops;
typedef struct { aeo_prop *v; uint32_t n, cap; bool err; } aeo_yy_props;
typedef struct { aeo_field_decl *v; uint32_t n, cap; bool err; } aeo_yy_fields;
typedef struct { aeo_type_expr **v; uint32_t n, cap; } aeo_yy_types;
typedef struct { aeo_param *v; uint32_t n, cap; bool err; } aeo_yy_params;
typedef struct { const char **v; aeo_span *sp; uint32_t n, cap; bool err; } aeo_yy_strs;
/* A declaration keyword: its doc comment, and whether it starts a line
 * outside any bracket (a trustworthy place to resume after an error). */
typedef struct { aeo_span doc; bool top; } aeo_yy_kw;
}

%code {
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "runtime/arena.h"

/* Bison's stack: allocated through the choke point, and bounded so that
 * absurd nesting ends in a diagnostic, not in exhausted memory. */
#define YYMAXDEPTH 100000
#define YYMALLOC aeo_xmalloc
#define YYFREE free

/* A nonterminal spans its first through last symbol; an empty one sits at
 * the end of what precedes it. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                          \
    do {                                                     \
        if (N) {                                             \
            (Cur).file = YYRHSLOC(Rhs, 1).file;              \
            (Cur).start = YYRHSLOC(Rhs, 1).start;            \
            (Cur).end = YYRHSLOC(Rhs, N).end;                \
        } else {                                             \
            (Cur).file = YYRHSLOC(Rhs, 0).file;              \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;  \
        }                                                    \
    } while (0)

static void yyerror(const YYLTYPE *loc, yyscan_t scanner, aeo_parse_ctx *ctx, const char *msg);

/* The action of a declaration keyword [kw]: resuming there after an error
 * ends the error's silence and the ERROR declaration's extent. */
#define KEYWORD(kw)                          \
    do {                                     \
        if ((kw).top) {                      \
            yyerrok;                         \
            ctx->error_decl_open = false;    \
        }                                    \
    } while (0)

__attribute__((format(printf, 4, 5)))
static aeo_diag *report(aeo_parse_ctx *c, aeo_diag_code code, aeo_span sp, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    c->n_errors++;
    aeo_diag *g = aeo_diag_addv(c->diags, code, sp, fmt, ap);
    va_end(ap);
    return g;
}

/* Grows array [v] of [n] elements of [size] bytes to room for one more. */
static void *grow(aeo_parse_ctx *c, void *v, uint32_t n, uint32_t *cap, size_t size) {
    if (n < *cap) return v;
    uint32_t nc = *cap ? *cap * 2 : 4;
    v = aeo_arena_realloc(c->arena, v, (size_t)*cap * size, (size_t)nc * size);
    *cap = nc;
    return v;
}

/* --- expressions ------------------------------------------------------------ */

/* The span from the start of [a] to the end of [b]. */
static aeo_span join(aeo_span a, aeo_span b) { return (aeo_span){a.file, a.start, b.end}; }

static aeo_expr *mk(aeo_parse_ctx *c, aeo_expr_kind k, aeo_span sp) {
    return aeo_expr_new(c->arena, k, sp, c->next_id);
}

static aeo_expr *error_node(aeo_parse_ctx *c, aeo_span sp) { return mk(c, AEO_EXPR_ERROR, sp); }

static void too_deep(aeo_parse_ctx *c, aeo_span sp) {
    if (c->depth_reported) return;
    c->depth_reported = true;
    report(c, AEO_E_TOO_DEEP, sp, "expression nested too deeply (limit %d)", AEO_MAX_DEPTH);
}

/* Gives [e] the depth 1 + [child]; past the limit, an ERROR node instead. */
static aeo_expr *limit(aeo_parse_ctx *c, aeo_expr *e, uint32_t child) {
    if (child >= AEO_MAX_DEPTH) {
        too_deep(c, e->span);
        return error_node(c, e->span);
    }
    e->depth = child + 1;
    return e;
}

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* A member expression used as a value: the only place the scanner's
 * 9223372036854775808 mark can be caught when no '-' precedes it. */
static aeo_expr *value(aeo_parse_ctx *c, aeo_expr *e) {
    if (e->kind == AEO_EXPR_INT && e->depth == 0) {
        report(c, AEO_E_BAD_LITERAL, e->span, "integer literal out of range");
        return error_node(c, e->span);
    }
    return e;
}

/* Long && and || chains.  They parse left-nested, one level per operand,
 * but are balanced (BALANCE_MIN operands and more) when the expression is
 * complete, so a condition with thousands of alternatives nests only
 * log2(n) deep; && and || are associative (and CEL's commutative), so the
 * shape does not change the value.  While a chain grows, its depth for the
 * nesting limit is already that of the balanced tree. */
#define BALANCE_MIN 32

static uint32_t ceil_log2(uint32_t n) {
    uint32_t k = 0;
    while ((1u << k) < n && k < 31) k++;
    return k;
}

static aeo_expr *binary(aeo_parse_ctx *c, aeo_operator op, aeo_expr *a, aeo_expr *b, aeo_span op_sp,
                        aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_BINARY, sp);
    e->u.binary.op = op;
    e->u.binary.a = a;
    e->u.binary.b = b;
    e->u.binary.op_span = op_sp;
    if (op == AEO_OPR_AND || op == AEO_OPR_OR) {
        /* (a || b) || c: the parenthesised chain is one operand, so that
         * balancing never moves the author's parentheses. */
        bool extends = a->kind == AEO_EXPR_BINARY && a->u.binary.op == op && a->chain && !a->paren;
        e->chain = extends ? a->chain + 1 : 2;
        e->chain_leaf = max_u32(extends ? a->chain_leaf : a->depth, b->depth);
        if (e->chain >= BALANCE_MIN) {
            /* The depth it will have once balanced. */
            if (e->chain_leaf + ceil_log2(e->chain) >= AEO_MAX_DEPTH) return limit(c, e, AEO_MAX_DEPTH);
            e->depth = e->chain_leaf + ceil_log2(e->chain) + 1;
            return e;
        }
    }
    return limit(c, e, max_u32(a->depth, b->depth));
}

/* Collects the operands of the left-nested chain [e] into [out], in order. */
static void chain_operands(aeo_expr *e, aeo_expr **out, uint32_t n) {
    aeo_operator op = e->u.binary.op;
    uint32_t k = n;
    while (k > 1) {
        out[--k] = e->u.binary.b;
        if (k == 1) {
            out[0] = e->u.binary.a;
            break;
        }
        e = e->u.binary.a;
        if (!(e->kind == AEO_EXPR_BINARY && e->u.binary.op == op)) {
            out[--k] = e;
            break;
        }
    }
}

/* Builds a balanced tree over operands [lo, hi) reusing the chain's nodes. */
static aeo_expr *build_balanced(aeo_expr **ops, uint32_t lo, uint32_t hi, aeo_expr **nodes, uint32_t *next) {
    if (hi - lo == 1) return ops[lo];
    uint32_t mid = lo + (hi - lo) / 2;
    aeo_expr *e = nodes[(*next)++];
    e->u.binary.a = build_balanced(ops, lo, mid, nodes, next);
    e->u.binary.b = build_balanced(ops, mid, hi, nodes, next);
    e->span.start = e->u.binary.a->span.start;
    e->span.end = e->u.binary.b->span.end;
    e->depth = max_u32(e->u.binary.a->depth, e->u.binary.b->depth) + 1;
    e->chain = 0;
    return e;
}

/* Balances the long chains at the top of a complete expression: ?: arms,
 * the || chain and the && chains that are its operands (a chain deeper
 * inside is in parentheses or an argument, and was balanced as an
 * expression of its own). */
static aeo_expr *balance(aeo_parse_ctx *c, aeo_expr *e) {
    if (e->kind == AEO_EXPR_COND) {
        e->u.cond.c = balance(c, e->u.cond.c);
        e->u.cond.a = balance(c, e->u.cond.a);
        e->u.cond.b = balance(c, e->u.cond.b);
        return e;
    }
    if (e->kind != AEO_EXPR_BINARY || !e->chain || e->chain < BALANCE_MIN) {
        if (e->kind == AEO_EXPR_BINARY && e->u.binary.op == AEO_OPR_OR && e->chain) {
            /* A short || chain may still hold long && chains. */
            for (aeo_expr *x = e; x->kind == AEO_EXPR_BINARY && x->u.binary.op == AEO_OPR_OR; x = x->u.binary.a) {
                x->u.binary.b = balance(c, x->u.binary.b);
                if (!(x->u.binary.a->kind == AEO_EXPR_BINARY && x->u.binary.a->u.binary.op == AEO_OPR_OR)) {
                    x->u.binary.a = balance(c, x->u.binary.a);
                    break;
                }
            }
        }
        return e;
    }
    uint32_t n = e->chain;
    aeo_expr **ops = aeo_xmalloc(n * sizeof *ops);
    aeo_expr **nodes = aeo_xmalloc(n * sizeof *nodes);
    /* The chain's own nodes, to be reused as the balanced tree's. */
    uint32_t k = 0;
    for (aeo_expr *x = e; k < n - 1; x = x->u.binary.a) nodes[k++] = x;
    chain_operands(e, ops, n);
    if (e->u.binary.op == AEO_OPR_OR)
        for (uint32_t i = 0; i < n; i++) ops[i] = balance(c, ops[i]);
    uint32_t next = 0;
    aeo_expr *root = build_balanced(ops, 0, n, nodes, &next);
    free(ops);
    free(nodes);
    return root;
}

static aeo_expr *cond(aeo_parse_ctx *c, aeo_expr *x, aeo_expr *a, aeo_expr *b, aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_COND, sp);
    e->u.cond.c = x;
    e->u.cond.a = a;
    e->u.cond.b = b;
    return limit(c, e, max_u32(x->depth, max_u32(a->depth, b->depth)));
}

static aeo_yy_ops ops_push(aeo_parse_ctx *c, aeo_yy_ops ops, aeo_operator op, uint32_t at) {
    ops.v = grow(c, ops.v, ops.n, &ops.cap, sizeof *ops.v);
    ops.v[ops.n++] = (aeo_yy_prefix){op, at};
    return ops;
}

/* Applies prefix operators, innermost (rightmost) first, to [e].  A '-'
 * on an unparenthesised int or double literal negates the literal, except
 * on INT64_MIN, whose negation overflows (left to run time, as in CEL). */
static aeo_expr *prefix(aeo_parse_ctx *c, const aeo_yy_ops *ops, aeo_expr *e) {
    uint32_t i = ops->n;
    if (e->kind == AEO_EXPR_INT && e->depth == 0) {
        if (ops->v[i - 1].op == AEO_OPR_NEG) {
            e->depth = 1;
            e->span.start = ops->v[--i].at;
        } else
            e = value(c, e);
    }
    for (; i > 0; i--) {
        const aeo_yy_prefix *p = &ops->v[i - 1];
        aeo_span sp = {c->file, p->at, e->span.end};
        if (p->op == AEO_OPR_NEG && e->depth == 1 &&
            ((e->kind == AEO_EXPR_INT && e->u.i != INT64_MIN) || e->kind == AEO_EXPR_DOUBLE)) {
            if (e->kind == AEO_EXPR_INT)
                e->u.i = -e->u.i;
            else
                e->u.d = -e->u.d;
            /* -(5) is one literal whose text includes the parentheses. */
            e->span = sp;
            e->paren = false;
            continue;
        }
        if (e->depth >= AEO_MAX_DEPTH) {
            /* The rest of the prefix is part of the same error. */
            aeo_span all = {c->file, ops->v[0].at, e->span.end};
            too_deep(c, all);
            return error_node(c, all);
        }
        aeo_expr *u = mk(c, AEO_EXPR_UNARY, sp);
        u->u.unary.op = p->op;
        u->u.unary.a = e;
        u->depth = e->depth + 1;
        e = u;
    }
    return e;
}

/* An item past the limit of a list, map or call (AEO_MAX_ITEMS) is not
 * kept: the construct is an error (E0007) whatever it holds, and keeping
 * millions of items would cost memory out of proportion to the file (a
 * 9 MB file holding one list of 4.48M ints took 610 MB).  A literal is
 * given back to the arena when it is the newest allocation (the token
 * after it, ',' or the closing bracket, allocates nothing), so that the
 * items past the limit cost no memory. */
static void drop_item(aeo_parse_ctx *c, aeo_expr *e) {
    if (e->kind == AEO_EXPR_STRING || e->kind == AEO_EXPR_BYTES) {
        if (!aeo_arena_give_back(c->arena, (void *)(uintptr_t)e->u.str.s, (size_t)e->u.str.len + 1)) return;
    } else if (e->kind != AEO_EXPR_INT && e->kind != AEO_EXPR_UINT && e->kind != AEO_EXPR_DOUBLE &&
               e->kind != AEO_EXPR_BOOL && e->kind != AEO_EXPR_NULL) {
        return;
    }
    aeo_arena_give_back(c->arena, e, sizeof *e);
}

static aeo_yy_exprs exprs_push(aeo_parse_ctx *c, aeo_yy_exprs l, aeo_expr *e) {
    if (l.n >= AEO_MAX_ITEMS) {
        l.dropped++;
        drop_item(c, e);
        return l;
    }
    l.v = grow(c, l.v, l.n, &l.cap, sizeof *l.v);
    l.v[l.n++] = e;
    return l;
}

static uint32_t exprs_depth(const aeo_yy_exprs *l) {
    uint32_t d = 0;
    for (uint32_t i = 0; i < l->n; i++) d = max_u32(d, l->v[i]->depth);
    return d;
}

static aeo_yy_entries entries_push(aeo_parse_ctx *c, aeo_yy_entries m, aeo_expr *k, aeo_expr *v) {
    if (m.n >= AEO_MAX_ITEMS) {
        m.dropped++;
        drop_item(c, v);
        drop_item(c, k);
        return m;
    }
    uint32_t cap = m.cap;
    m.k = grow(c, m.k, m.n, &cap, sizeof *m.k);
    m.v = grow(c, m.v, m.n, &m.cap, sizeof *m.v);
    m.k[m.n] = k;
    m.v[m.n++] = v;
    return m;
}

static aeo_expr *ident(aeo_parse_ctx *c, const char *name, bool dot, aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_IDENT, sp);
    e->u.ident.name = name;
    e->u.ident.dot = dot;
    return e;
}

static aeo_expr *reserved(aeo_parse_ctx *c, const char *name, aeo_span name_sp, aeo_span sp) {
    report(c, AEO_E_RESERVED, name_sp, "'%s' is a reserved word and cannot be used as a name", name);
    return error_node(c, sp);
}

static aeo_expr *call(aeo_parse_ctx *c, aeo_expr *target, const char *name, aeo_span name_sp,
                      const aeo_yy_exprs *args, aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_CALL, sp);
    e->u.call.target = target;
    e->u.call.name = name;
    e->u.call.name_span = name_sp;
    e->u.call.args = args->v;
    e->u.call.n_args = args->n;
    if (args->dropped)
        report(c, AEO_E_TOO_LARGE, sp, "a call may have at most %d arguments", AEO_MAX_ITEMS);
    uint32_t d = exprs_depth(args);
    if (target) d = max_u32(d, target->depth);
    return limit(c, e, d);
}

static aeo_expr *select_(aeo_parse_ctx *c, aeo_expr *operand, const char *field, aeo_span field_sp,
                         aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_SELECT, sp);
    e->u.select.operand = operand;
    e->u.select.field = field;
    e->u.select.field_span = field_sp;
    return limit(c, e, operand->depth);
}

static aeo_expr *index_(aeo_parse_ctx *c, aeo_expr *operand, aeo_expr *ix, aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_INDEX, sp);
    e->u.index.operand = operand;
    e->u.index.index = ix;
    return limit(c, e, max_u32(operand->depth, ix->depth));
}

static aeo_expr *list(aeo_parse_ctx *c, const aeo_yy_exprs *items, aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_LIST, sp);
    e->u.list.items = items->v;
    e->u.list.n = items->n;
    if (items->dropped)
        report(c, AEO_E_TOO_LARGE, sp, "a list literal may have at most %d items", AEO_MAX_ITEMS);
    return limit(c, e, exprs_depth(items));
}

static aeo_expr *map(aeo_parse_ctx *c, const aeo_yy_entries *m, aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_MAP, sp);
    e->u.map.keys = m->k;
    e->u.map.vals = m->v;
    e->u.map.n = m->n;
    if (m->dropped)
        report(c, AEO_E_TOO_LARGE, sp, "a map literal may have at most %d entries", AEO_MAX_ITEMS);
    uint32_t d = 0;
    for (uint32_t i = 0; i < m->n; i++) d = max_u32(d, max_u32(m->k[i]->depth, m->v[i]->depth));
    return limit(c, e, d);
}

/* ( expr ): the same node, one level deeper. */
static aeo_expr *paren(aeo_parse_ctx *c, aeo_expr *e, aeo_span sp) {
    if (e->depth >= AEO_MAX_DEPTH) {
        too_deep(c, sp);
        return error_node(c, sp);
    }
    e->depth++;
    /* For the formatter: parentheses the author wrote are kept.  The span
     * stays the inner expression's, so diagnostics point where they did. */
    e->paren = true;
    return e;
}

static aeo_expr *literal(aeo_parse_ctx *c, aeo_expr_kind k, aeo_span sp, bool b) {
    aeo_expr *e = mk(c, k, sp);
    e->u.b = b;
    return e;
}

/* --- declarations ----------------------------------------------------------- */

static aeo_decl *decl(aeo_parse_ctx *c, aeo_decl_kind k, aeo_span sp, aeo_span doc,
                      const char *name, aeo_span name_sp) {
    aeo_decl *d = aeo_arena_zalloc(c->arena, sizeof *d);
    d->kind = k;
    d->span = sp;
    d->doc = doc;
    d->name = name;
    d->name_span = name_sp;
    /* The next declaration may report its own depth error. */
    c->depth_reported = false;
    return d;
}

static aeo_decl *block(aeo_parse_ctx *c, aeo_decl_kind k, aeo_span sp, aeo_span doc,
                       const char *name, aeo_span name_sp, const aeo_yy_props *props) {
    aeo_decl *d = decl(c, k, sp, doc, name, name_sp);
    d->props = props->v;
    d->n_props = props->n;
    d->has_error = props->err;
    return d;
}

/* The text of a string-literal token, "" after a reported error. */
static const char *string_of(aeo_expr *e, bool *err) {
    if (e->kind == AEO_EXPR_STRING) return e->u.str.s;
    *err = true;
    return "";
}

static aeo_decl *fields_decl(aeo_parse_ctx *c, aeo_decl_kind k, aeo_span sp, aeo_span doc,
                             const char *name, aeo_span name_sp, const aeo_yy_fields *f) {
    aeo_decl *d = decl(c, k, sp, doc, name, name_sp);
    d->fields = f->v;
    d->n_fields = f->n;
    d->has_error = f->err;
    return d;
}

static aeo_decl *value_decl(aeo_parse_ctx *c, aeo_decl_kind k, aeo_span sp, aeo_span doc,
                            const char *name, aeo_span name_sp, aeo_expr *v) {
    aeo_decl *d = decl(c, k, sp, doc, name, name_sp);
    d->value = v;
    d->has_error = v->kind == AEO_EXPR_ERROR;
    return d;
}

static void add_decl(aeo_parse_ctx *c, const aeo_decl *d) {
    c->decls = grow(c, c->decls, c->n_decls, &c->cap_decls, sizeof *c->decls);
    c->decls[c->n_decls++] = *d;
    c->error_decl_open = false;
}

/* One ERROR declaration per stretch of skipped text: recovery may resume
 * (at a keyword inside a broken block) and fail again before any
 * declaration parses, and that extends the same ERROR declaration. */
static void add_error_decl(aeo_parse_ctx *c, aeo_span sp) {
    aeo_decl *last = c->n_decls ? &c->decls[c->n_decls - 1] : NULL;
    /* Text skipped right after a declaration that ended in an error (say
     * "const X = )") belongs to that declaration. */
    if (last && (c->error_decl_open || (last->has_error && sp.start < last->span.end))) {
        if (sp.end > last->span.end) last->span.end = sp.end;
        c->depth_reported = false;
        return;
    }
    aeo_decl *d = decl(c, AEO_DECL_ERROR, sp, (aeo_span){c->file, 0, 0}, NULL, sp);
    d->has_error = true;
    add_decl(c, d);
    c->error_decl_open = true;
}

static aeo_yy_props props_push(aeo_parse_ctx *c, aeo_yy_props l, aeo_prop p) {
    l.v = grow(c, l.v, l.n, &l.cap, sizeof *l.v);
    l.v[l.n++] = p;
    if (p.value ? p.value->kind == AEO_EXPR_ERROR : !p.type) l.err = true;
    if (p.cond && p.cond->kind == AEO_EXPR_ERROR) l.err = true;
    return l;
}

/* A property of a text block: [key] is its path expression; the name is
 * the key as written, without spaces ("enterprise.credit[\"advanced\"]"),
 * the form lookups use (lang/text.h). */
static aeo_prop text_prop(aeo_parse_ctx *c, aeo_expr *key, aeo_expr *val, aeo_span sp) {
    char *text = aeo_expr_text(key, NULL);
    aeo_prop p = {.name = aeo_arena_strdup(c->arena, text), .name_span = key->span, .value = val, .span = sp,
                  .key = key};
    free(text);
    return p;
}

/* A case (cond non-NULL) or else property of a measure block.  [key] is
 * "case" or "else"; a reserved word other than else was reported. */
static aeo_prop case_prop(aeo_parse_ctx *c, const char *key, aeo_span key_sp, aeo_expr *cond,
                          aeo_expr *val, aeo_expr *cite, aeo_span sp) {
    aeo_prop p = {.name = key, .name_span = key_sp, .value = val, .span = sp};
    p.kind = strcmp(key, "case") == 0 ? AEO_PROP_CASE : AEO_PROP_ELSE;
    if (p.kind == AEO_PROP_CASE) p.cond = cond ? cond : val;
    else if (strcmp(key, "else") != 0) p.value = error_node(c, sp);
    if (cite) {
        bool err = false;
        p.cite = string_of(cite, &err);
        p.cite_span = cite->span;
        if (err) p.value = error_node(c, sp);
    }
    return p;
}

static aeo_yy_params params_push(aeo_parse_ctx *c, aeo_yy_params l, aeo_param p) {
    l.v = grow(c, l.v, l.n, &l.cap, sizeof *l.v);
    l.v[l.n++] = p;
    if (!p.type) l.err = true;
    return l;
}

/* def NAME(params) = expr: a function. */
static aeo_decl *func_decl(aeo_parse_ctx *c, aeo_span sp, aeo_span doc, const char *name, aeo_span name_sp,
                           const aeo_yy_params *ps, aeo_expr *v) {
    aeo_decl *d = value_decl(c, AEO_DECL_DEF, sp, doc, name, name_sp, v);
    d->params = ps->v;
    d->n_params = ps->n;
    if (ps->err) d->has_error = true;
    return d;
}

/* base with {entries}: a facts record merged key by key. */
static aeo_expr *with_(aeo_parse_ctx *c, aeo_expr *base, aeo_expr *m, aeo_span sp) {
    aeo_expr *e = mk(c, AEO_EXPR_WITH, sp);
    e->u.with.base = base;
    e->u.with.map = m;
    return limit(c, e, max_u32(base->depth, m->depth));
}

static aeo_yy_fields fields_push(aeo_parse_ctx *c, aeo_yy_fields l, aeo_field_decl f) {
    l.v = grow(c, l.v, l.n, &l.cap, sizeof *l.v);
    l.v[l.n++] = f;
    if (!f.type) l.err = true;
    return l;
}

static aeo_type_expr *named_type(aeo_parse_ctx *c, const char *name, const aeo_yy_types *args,
                                 aeo_span sp) {
    aeo_type_expr *t = aeo_arena_zalloc(c->arena, sizeof *t);
    t->kind = AEO_TYPE_NAMED;
    t->span = sp;
    t->name = name;
    if (args) {
        t->args = args->v;
        t->n_args = args->n;
    }
    return t;
}

static aeo_yy_strs strs_push(aeo_parse_ctx *c, aeo_yy_strs l, aeo_expr *s) {
    uint32_t cap = l.cap;
    l.v = grow(c, l.v, l.n, &cap, sizeof *l.v);
    l.sp = grow(c, l.sp, l.n, &l.cap, sizeof *l.sp);
    l.v[l.n] = string_of(s, &l.err);
    l.sp[l.n++] = s->span;
    return l;
}

/* --- recovery ----------------------------------------------------------------- */

/* Does [sp] start its line (only blanks before it)? */
static bool line_start(const aeo_parse_ctx *c, aeo_span sp) {
    for (uint32_t i = sp.start; i > 0; i--) {
        char ch = c->text[i - 1];
        if (ch == '\n') return true;
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\f' && ch != '\v') return false;
    }
    return true;
}
}

%union {
    const char *str;
    aeo_yy_kw kw;
    aeo_span doc;
    aeo_expr *expr;
    aeo_decl *decl;
    aeo_type_expr *type;
    aeo_operator opr;
    bool flag;
    aeo_yy_exprs exprs;
    aeo_yy_entries entries;
    aeo_yy_ops ops;
    aeo_yy_props props;
    aeo_yy_fields fields;
    aeo_yy_types types;
    aeo_yy_strs strs;
    aeo_yy_params params;
}

%initial-action {
    @$.file = ctx->file;
    @$.start = @$.end = 0;
}

%token START_FILE START_EXPR START_REPL
%token <str> IDENT RESERVED IN_NAME QUOTED_NAME VALUE_NAME KW_CASE "case"
%token <expr> INT_LIT UINT_LIT DOUBLE_LIT STRING_LIT BYTES_LIT
%token <kw> KW_CATALOG "catalog" KW_FACTS "facts" KW_RECORD "record" KW_CONST "const"
             KW_DEF "def" KW_TIER "tier" KW_MEASURE "measure" KW_TEST "test"
             KW_EXAMPLE "example" KW_TEXT "text"
%token WITH "with"
%token KW_TRUE "true" KW_FALSE "false" KW_NULL "null" KW_IN "in"
%token CITE "cite" ARROW "=>"
%token EQ "==" NE "!=" LE "<=" GE ">=" AND "&&" OR "||"
%token INVALID

%type <decl> decl
%type <str> decl_name prop_name any_name prop_key field_key case_key else_key
%type <doc> catalog_kw facts_kw record_kw const_kw def_kw tier_kw measure_kw test_kw example_kw text_kw
%type <params> params param_list
%type <expr> opt_default map_lit
%type <props> props mprops tprops
%type <fields> fields
%type <flag> opt_q
%type <type> type
%type <types> type_args
%type <strs> enum_vals
%type <expr> text_key
%type <expr> expr cond or_expr and_expr rel add mul unary member primary
%type <opr> relop
%type <ops> prefix_ops
%type <exprs> args exprs
%type <entries> entries

%%

/* input -> START_FILE decls | START_EXPR expr | START_REPL (decl | expr) */
input
    : START_FILE decls
    | START_EXPR expr           { ctx->expr_out = $2; }
    | START_REPL decl           { ctx->decl_out = $2; }
    | START_REPL expr           { ctx->expr_out = $2; }
    ;

/* decls -> { decl | error } */
decls
    : %empty
    | decls decl                { add_decl(ctx, $2); }
    | decls error               { add_error_decl(ctx, @2); }
    ;

/* decl -> catalog NAME { props } | facts NAME { fields } | record NAME { fields }
 *       | const NAME = expr | def NAME = expr | tier NAME = expr
 *       | measure ID "title" { props } | test "name" { props } */
decl
    : catalog_kw decl_name '{' props '}'
          { $$ = block(ctx, AEO_DECL_CATALOG, @$, $1, $2, @2, &$4); }
    | facts_kw decl_name '{' fields '}'
          { $$ = fields_decl(ctx, AEO_DECL_FACTS, @$, $1, $2, @2, &$4); }
    | record_kw decl_name '{' fields '}'
          { $$ = fields_decl(ctx, AEO_DECL_RECORD, @$, $1, $2, @2, &$4); }
    | const_kw decl_name '=' expr
          { $$ = value_decl(ctx, AEO_DECL_CONST, @$, $1, $2, @2, $4); }
    | const_kw decl_name '=' error
          { $$ = value_decl(ctx, AEO_DECL_CONST, @$, $1, $2, @2, error_node(ctx, @4)); }
    | def_kw decl_name '=' expr
          { $$ = value_decl(ctx, AEO_DECL_DEF, @$, $1, $2, @2, $4); }
    | def_kw decl_name '=' error
          { $$ = value_decl(ctx, AEO_DECL_DEF, @$, $1, $2, @2, error_node(ctx, @4)); }
    | def_kw decl_name param_list '=' expr
          { $$ = func_decl(ctx, @$, $1, $2, @2, &$3, $5); }
    | def_kw decl_name param_list '=' error
          { $$ = func_decl(ctx, @$, $1, $2, @2, &$3, error_node(ctx, @5)); }
    | example_kw decl_name '=' expr
          { $$ = value_decl(ctx, AEO_DECL_EXAMPLE, @$, $1, $2, @2, $4); }
    | example_kw decl_name '=' error
          { $$ = value_decl(ctx, AEO_DECL_EXAMPLE, @$, $1, $2, @2, error_node(ctx, @4)); }
    | tier_kw decl_name '=' expr
          { $$ = value_decl(ctx, AEO_DECL_TIER, @$, $1, $2, @2, $4); }
    | tier_kw decl_name '=' error
          { $$ = value_decl(ctx, AEO_DECL_TIER, @$, $1, $2, @2, error_node(ctx, @4)); }
    | measure_kw decl_name STRING_LIT '{' mprops '}'
          { $$ = block(ctx, AEO_DECL_MEASURE, @$, $1, $2, @2, &$5);
            bool err = false;
            $$->title = string_of($3, &err);
            $$->title_span = @3;
            if (err) $$->has_error = true; }
    | test_kw STRING_LIT '{' props '}'
          { bool err = false;
            const char *name = string_of($2, &err);
            $$ = block(ctx, AEO_DECL_TEST, @$, $1, name, @2, &$4);
            if (err) $$->has_error = true; }
    | text_kw decl_name '{' tprops '}'
          { $$ = block(ctx, AEO_DECL_TEXT, @$, $1, $2, @2, &$4); }
    ;

/* Declaration keywords: resuming after an error at one that starts a line
 * outside brackets ends the error's silence. */
catalog_kw : KW_CATALOG { $$ = $1.doc; KEYWORD($1); } ;
facts_kw   : KW_FACTS   { $$ = $1.doc; KEYWORD($1); } ;
record_kw  : KW_RECORD  { $$ = $1.doc; KEYWORD($1); } ;
const_kw   : KW_CONST   { $$ = $1.doc; KEYWORD($1); } ;
def_kw     : KW_DEF     { $$ = $1.doc; KEYWORD($1); } ;
tier_kw    : KW_TIER    { $$ = $1.doc; KEYWORD($1); } ;
measure_kw : KW_MEASURE { $$ = $1.doc; KEYWORD($1); } ;
test_kw    : KW_TEST    { $$ = $1.doc; KEYWORD($1); } ;
example_kw : KW_EXAMPLE { $$ = $1.doc; KEYWORD($1); } ;
text_kw    : KW_TEXT    { $$ = $1.doc; KEYWORD($1); } ;


/* decl_name -> IDENT (a reserved word is reported and kept) */
decl_name
    : IDENT
    | KW_CASE                   /* a keyword only inside measure blocks */
    | RESERVED
          { report(ctx, AEO_E_RESERVED, @1, "'%s' is a reserved word and cannot be used as a name", $1); }
    ;

/* props -> { name ':' expr [',' | ';'] }
 * A property is not a nonterminal of its own: a recovered one must already
 * be in the list when recovery discards what follows it, or bison would pop
 * it off the stack with the discarded text. */
props
    : %empty                    { $$ = (aeo_yy_props){NULL, 0, 0, false}; }
    | props prop_key ':' expr opt_sep
          { $$ = props_push(ctx, $1, (aeo_prop){.name = $2, .name_span = @2, .value = $4, .span = join(@2, @4)}); }
    | props prop_key ':' error
          { $$ = props_push(ctx, $1, (aeo_prop){.name = $2, .name_span = @2, .value = error_node(ctx, @4), .span = join(@2, @4)}); }
    | props value_key ':' expr opt_sep
          { $$ = props_push(ctx, $1, (aeo_prop){.name = "value", .name_span = @2, .value = $4, .span = join(@2, @4)}); }
    | props value_key ':' error
          { $$ = props_push(ctx, $1, (aeo_prop){.name = "value", .name_span = @2, .value = error_node(ctx, @4), .span = join(@2, @4)}); }
    | props error               { $$ = $1; $$.err = true; }
    ;

/* mprops -> { name ':' expr | value ':' type | case expr '=>' expr [cite STRING]
 *           | else '=>' expr [cite STRING] } [',' | ';']
 * A measure block: the properties of any block, plus a valued measure's
 * type and cases.  `value:` is followed by a type, not an expression (so
 * list<string> and "a" | "b" read as types); whether cases and else come
 * in a legal order is the checker's to say, with a located message. */
mprops
    : %empty                    { $$ = (aeo_yy_props){NULL, 0, 0, false}; }
    | mprops prop_key ':' expr opt_sep
          { $$ = props_push(ctx, $1, (aeo_prop){.name = $2, .name_span = @2, .value = $4, .span = join(@2, @4)}); }
    | mprops prop_key ':' error
          { $$ = props_push(ctx, $1, (aeo_prop){.name = $2, .name_span = @2, .value = error_node(ctx, @4), .span = join(@2, @4)}); }
    | mprops value_key ':' type opt_sep
          { $$ = props_push(ctx, $1, (aeo_prop){.name = "value", .name_span = @2, .kind = AEO_PROP_TYPE,
                                                .type = $4, .span = join(@2, @4)}); }
    | mprops value_key ':' error
          { $$ = props_push(ctx, $1, (aeo_prop){.name = "value", .name_span = @2, .kind = AEO_PROP_TYPE,
                                                .span = join(@2, @4)}); }
    | mprops case_key expr "=>" expr opt_sep
          { $$ = props_push(ctx, $1, case_prop(ctx, $2, @2, $3, $5, NULL, join(@2, @5))); }
    | mprops case_key expr "=>" expr "cite" STRING_LIT opt_sep
          { $$ = props_push(ctx, $1, case_prop(ctx, $2, @2, $3, $5, $7, join(@2, @7))); }
    | mprops case_key error
          { $$ = props_push(ctx, $1, case_prop(ctx, $2, @2, NULL, error_node(ctx, @3), NULL, join(@2, @3))); }
    | mprops else_key "=>" expr opt_sep
          { $$ = props_push(ctx, $1, case_prop(ctx, $2, @2, NULL, $4, NULL, join(@2, @4))); }
    | mprops else_key "=>" expr "cite" STRING_LIT opt_sep
          { $$ = props_push(ctx, $1, case_prop(ctx, $2, @2, NULL, $4, $6, join(@2, @6))); }
    | mprops else_key "=>" error
          { $$ = props_push(ctx, $1, case_prop(ctx, $2, @2, NULL, error_node(ctx, @4), NULL, join(@2, @4))); }
    | mprops error              { $$ = $1; $$.err = true; }
    ;

/* The words that open a case and the else ("else" is a reserved word). */
case_key
    : KW_CASE                   { if (line_start(ctx, @1)) yyerrok; }
    ;

else_key
    : RESERVED
          { if (strcmp($1, "else") != 0)
                report(ctx, AEO_E_SYNTAX, @1, "unexpected reserved word '%s'; expected a property name, 'case', 'else' or '}'", $1);
            else if (line_start(ctx, @1)) yyerrok; }
    ;

value_key
    : VALUE_NAME                { if (line_start(ctx, @1)) yyerrok; }
    ;

opt_sep
    : %empty
    | ','
    | ';'
    ;

/* A property name that starts its line is a good place to resume. */
prop_key
    : prop_name                 { if (line_start(ctx, @1)) yyerrok; }
    ;

/* A property name: any identifier, keyword or reserved word.  The scanner
 * gives "in" before ':' as IN_NAME, so that "a in b" and "in: x" after a
 * value are told apart. */
prop_name
    : IDENT
    | RESERVED
    | IN_NAME
    | KW_CATALOG                { $$ = "catalog"; }
    | KW_FACTS                  { $$ = "facts"; }
    | KW_RECORD                 { $$ = "record"; }
    | KW_CONST                  { $$ = "const"; }
    | KW_DEF                    { $$ = "def"; }
    | KW_TIER                   { $$ = "tier"; }
    | KW_MEASURE                { $$ = "measure"; }
    | KW_TEST                   { $$ = "test"; }
    | KW_TRUE                   { $$ = "true"; }
    | KW_FALSE                  { $$ = "false"; }
    | KW_NULL                   { $$ = "null"; }
    | KW_CASE
    ;

/* A field name (schema fields, '.field'): any word at all. */
any_name
    : prop_name
    | KW_IN                     { $$ = "in"; }
    | VALUE_NAME
    ;

/* fields -> { name ['?'] ':' type [',' | ';'] } (inlined as props are) */
fields
    : %empty                    { $$ = (aeo_yy_fields){NULL, 0, 0, false}; }
    | fields field_key opt_q ':' type opt_default opt_sep
          { $$ = fields_push(ctx, $1, (aeo_field_decl){$2, @2, $3, $5, join(@2, $6 ? @6 : @5), $6}); }
    | fields field_key opt_q ':' error
          { $$ = fields_push(ctx, $1, (aeo_field_decl){$2, @2, $3, NULL, join(@2, @5), NULL}); }
    | fields error              { $$ = $1; $$.err = true; }
    ;

field_key
    : any_name                  { if (line_start(ctx, @1)) yyerrok; }
    ;

/* opt_default -> ['=' unary]: the value an absent or null field reads as
 * (the checker requires a literal of the field's type).  A unary, not a
 * whole expression: a literal needs no operator, and "= a in" would be
 * ambiguous with a next field named "in". */
opt_default
    : %empty                    { $$ = NULL; }
    | '=' unary                 { $$ = balance(ctx, $2); }
    ;

opt_q
    : %empty                    { $$ = false; }
    | '?'                       { $$ = true; }
    ;

/* type -> NAME ['<' type {',' type} '>'] | STRING {'|' STRING} */
type
    : IDENT                     { $$ = named_type(ctx, $1, NULL, @$); }
    | IDENT '<' type_args '>'   { $$ = named_type(ctx, $1, &$3, @$); }
    | enum_vals
          { if ($1.err) $$ = NULL;
            else {
                $$ = aeo_arena_zalloc(ctx->arena, sizeof *$$);
                $$->kind = AEO_TYPE_ENUM;
                $$->span = @$;
                $$->values = $1.v;
                $$->value_spans = $1.sp;
                $$->n_values = $1.n;
            } }
    ;

type_args
    : type
          { $$ = (aeo_yy_types){NULL, 0, 0};
            $$.v = grow(ctx, $$.v, 0, &$$.cap, sizeof *$$.v);
            $$.v[$$.n++] = $1; }
    | type_args ',' type
          { $$ = $1;
            $$.v = grow(ctx, $$.v, $$.n, &$$.cap, sizeof *$$.v);
            $$.v[$$.n++] = $3; }
    ;

enum_vals
    : STRING_LIT                { $$ = strs_push(ctx, (aeo_yy_strs){NULL, NULL, 0, 0, false}, $1); }
    | enum_vals '|' STRING_LIT  { $$ = strs_push(ctx, $1, $3); }
    ;

/* expr -> cond | expr 'with' map: 'with' binds loosest and chains to the
 * left (base with {...} with {...}); the checker allows it only where a
 * facts record is expected. */
expr
    : cond                      { $$ = balance(ctx, $1); }
    | expr WITH map_lit         { $$ = with_(ctx, $1, $3, @$); }
    ;

map_lit
    : '{' '}'                   { aeo_yy_entries none = {NULL, NULL, 0, 0, 0}; $$ = map(ctx, &none, @$); }
    | '{' entries '}'           { $$ = map(ctx, &$2, @$); }
    | '{' entries ',' '}'       { $$ = map(ctx, &$2, @$); }
    ;

/* cond -> or_expr ['?' or_expr ':' cond] */
cond
    : or_expr
    | or_expr '?' or_expr ':' cond  { $$ = cond(ctx, $1, $3, $5, @$); }
    ;

/* or_expr -> or_expr '||' and_expr | and_expr */
or_expr
    : and_expr
    | or_expr "||" and_expr     { $$ = binary(ctx, AEO_OPR_OR, $1, $3, @2, @$); }
    ;

/* and_expr -> and_expr '&&' rel | rel */
and_expr
    : rel
    | and_expr "&&" rel         { $$ = binary(ctx, AEO_OPR_AND, $1, $3, @2, @$); }
    ;

/* rel -> rel relop add | add */
rel
    : add
    | rel relop add             { $$ = binary(ctx, $2, $1, $3, @2, @$); }
    ;

relop
    : "=="                      { $$ = AEO_OPR_EQ; }
    | "!="                      { $$ = AEO_OPR_NE; }
    | '<'                       { $$ = AEO_OPR_LT; }
    | "<="                      { $$ = AEO_OPR_LE; }
    | '>'                       { $$ = AEO_OPR_GT; }
    | ">="                      { $$ = AEO_OPR_GE; }
    | KW_IN                     { $$ = AEO_OPR_IN; }
    ;

/* add -> add ('+' | '-') mul | mul */
add
    : mul
    | add '+' mul               { $$ = binary(ctx, AEO_OPR_ADD, $1, $3, @2, @$); }
    | add '-' mul               { $$ = binary(ctx, AEO_OPR_SUB, $1, $3, @2, @$); }
    ;

/* mul -> mul ('*' | '/' | '%') unary | unary */
mul
    : unary
    | mul '*' unary             { $$ = binary(ctx, AEO_OPR_MUL, $1, $3, @2, @$); }
    | mul '/' unary             { $$ = binary(ctx, AEO_OPR_DIV, $1, $3, @2, @$); }
    | mul '%' unary             { $$ = binary(ctx, AEO_OPR_MOD, $1, $3, @2, @$); }
    ;

/* unary -> {'!' | '-'} member.  The prefix is collected as a list, so a
 * long run of '!' costs no parser stack. */
unary
    : member                    { $$ = value(ctx, $1); }
    | prefix_ops member         { $$ = prefix(ctx, &$1, $2); }
    ;

prefix_ops
    : '!'                       { $$ = ops_push(ctx, (aeo_yy_ops){NULL, 0, 0}, AEO_OPR_NOT, @1.start); }
    | '-'                       { $$ = ops_push(ctx, (aeo_yy_ops){NULL, 0, 0}, AEO_OPR_NEG, @1.start); }
    | prefix_ops '!'            { $$ = ops_push(ctx, $1, AEO_OPR_NOT, @2.start); }
    | prefix_ops '-'            { $$ = ops_push(ctx, $1, AEO_OPR_NEG, @2.start); }
    ;

/* member -> primary | member '.' NAME ['(' args ')'] | member '.' `QUOTED NAME`
 *         | member '[' expr ']' */
member
    : primary
    | member '.' any_name       { $$ = select_(ctx, value(ctx, $1), $3, @3, @$); }
    | member '.' QUOTED_NAME    { $$ = select_(ctx, value(ctx, $1), $3, @3, @$); }
    | member '.' any_name '(' args ')'
          { $$ = call(ctx, value(ctx, $1), $3, @3, &$5, @$); }
    | member '[' expr ']'       { $$ = index_(ctx, value(ctx, $1), $3, @$); }
    ;

/* primary -> ['.'] IDENT ['(' args ')'] | '(' expr ')' | list | map | literal */
primary
    : IDENT                     { $$ = ident(ctx, $1, false, @$); }
    | '.' IDENT                 { $$ = ident(ctx, $2, true, @$); }
    | KW_CASE                   { $$ = ident(ctx, "case", false, @$); }
    | VALUE_NAME                { $$ = ident(ctx, "value", false, @$); }
    | IDENT '(' args ')'        { $$ = call(ctx, NULL, $1, @1, &$3, @$); }
    | '.' IDENT '(' args ')'    { $$ = call(ctx, NULL, $2, @2, &$4, @$); }
    | RESERVED                  { $$ = reserved(ctx, $1, @1, @$); }
    | '.' RESERVED              { $$ = reserved(ctx, $2, @2, @$); }
    | RESERVED '(' args ')'     { $$ = reserved(ctx, $1, @1, @$); }
    | '.' RESERVED '(' args ')' { $$ = reserved(ctx, $2, @2, @$); }
    | '(' expr ')'              { $$ = paren(ctx, $2, @$); }
    | '[' ']'                   { aeo_yy_exprs none = {NULL, 0, 0, 0}; $$ = list(ctx, &none, @$); }
    | '[' exprs ']'             { $$ = list(ctx, &$2, @$); }
    | '[' exprs ',' ']'         { $$ = list(ctx, &$2, @$); }
    | '{' '}'                   { aeo_yy_entries none = {NULL, NULL, 0, 0, 0}; $$ = map(ctx, &none, @$); }
    | '{' entries '}'           { $$ = map(ctx, &$2, @$); }
    | '{' entries ',' '}'       { $$ = map(ctx, &$2, @$); }
    | INT_LIT
    | UINT_LIT
    | DOUBLE_LIT
    | STRING_LIT
    | BYTES_LIT
    | KW_TRUE                   { $$ = literal(ctx, AEO_EXPR_BOOL, @$, true); }
    | KW_FALSE                  { $$ = literal(ctx, AEO_EXPR_BOOL, @$, false); }
    | KW_NULL                   { $$ = literal(ctx, AEO_EXPR_NULL, @$, false); }
    ;

/* args -> [expr {',' expr}] (no trailing comma, as in CEL) */
args
    : %empty                    { $$ = (aeo_yy_exprs){NULL, 0, 0, 0}; }
    | exprs
    ;

exprs
    : expr                      { $$ = exprs_push(ctx, (aeo_yy_exprs){NULL, 0, 0, 0}, $1); }
    | exprs ',' expr            { $$ = exprs_push(ctx, $1, $3); }
    ;

/* entries -> expr ':' expr {',' expr ':' expr} */
entries
    : expr ':' expr             { $$ = entries_push(ctx, (aeo_yy_entries){NULL, NULL, 0, 0, 0}, $1, $3); }
    | entries ',' expr ':' expr { $$ = entries_push(ctx, $1, $3, $5); }
    ;

/* param_list -> '(' NAME ':' type {',' NAME ':' type} ')': a function's
 * parameters.  (Last in the grammar so that bison's token numbers, and
 * with them the order of "expected ..." lists, stay as they were.) */
param_list
    : '(' params ')'            { $$ = $2; }
    ;

params
    : decl_name ':' type
          { $$ = params_push(ctx, (aeo_yy_params){NULL, 0, 0, false}, (aeo_param){$1, @1, $3, NULL}); }
    | params ',' decl_name ':' type
          { $$ = params_push(ctx, $1, (aeo_param){$3, @3, $5, NULL}); }
    ;

/* tprops -> { text_key ':' expr [',' | ';'] }
 * A text block (text LANG { ... }): each key names what it labels, as a
 * path (catalog.title, M01.benefit, enterprise.address.city) or an enum
 * value (enterprise.credit["advanced"]).  The value is any expression, so
 * that the checker (lang/text.c), not a syntax error, says it must be a
 * string literal. */
tprops
    : %empty                    { $$ = (aeo_yy_props){NULL, 0, 0, false}; }
    | tprops text_key ':' expr opt_sep
          { $$ = props_push(ctx, $1, text_prop(ctx, $2, $4, join(@2, @4))); }
    | tprops text_key ':' error
          { $$ = props_push(ctx, $1, text_prop(ctx, $2, error_node(ctx, @4), join(@2, @4))); }
    | tprops error              { $$ = $1; $$.err = true; }
    ;

/* text_key -> NAME { '.' NAME | '[' STRING ']' } */
text_key
    : prop_name                 { if (line_start(ctx, @1)) yyerrok;
                                  $$ = ident(ctx, $1, false, @1); }
    | text_key '.' any_name     { $$ = select_(ctx, $1, $3, @3, @$); }
    | text_key '[' STRING_LIT ']'
                                { $$ = index_(ctx, $1, $3, @$); }
    ;

%%

/* --- syntax error messages ---------------------------------------------------- */

/* How a token is named in messages: the expected side. */
static const char *describe(yysymbol_kind_t k, char *buf, size_t size) {
    switch (k) {
    case YYSYMBOL_YYEOF: return "end of file";
    case YYSYMBOL_IDENT: return "identifier";
    case YYSYMBOL_RESERVED: return "identifier";
    case YYSYMBOL_IN_NAME: return "'in'";
    case YYSYMBOL_VALUE_NAME:
    case YYSYMBOL_KW_CASE: return "identifier";   /* names too (lexer.l) */
    case YYSYMBOL_QUOTED_NAME: return "quoted name";
    case YYSYMBOL_INT_LIT:
    case YYSYMBOL_UINT_LIT:
    case YYSYMBOL_DOUBLE_LIT: return "number";
    case YYSYMBOL_STRING_LIT: return "string";
    case YYSYMBOL_BYTES_LIT: return "bytes";
    case YYSYMBOL_INVALID: return "invalid character";
    default: break;
    }
    /* Character tokens are named "'('"; keywords and operators by their
     * alias, unquoted: "in", "==". */
    const char *n = yysymbol_name(k);
    if (n[0] == '\'') return n;
    snprintf(buf, size, "'%s'", n);
    return buf;
}

/* The unexpected token, with its text where that helps. */
static void describe_found(const aeo_parse_ctx *c, yysymbol_kind_t k, const aeo_span *loc, char *buf,
                           size_t size) {
    const char *what = NULL;
    switch (k) {
    case YYSYMBOL_IDENT: what = "identifier"; break;
    case YYSYMBOL_RESERVED: what = "reserved word"; break;
    case YYSYMBOL_INT_LIT:
    case YYSYMBOL_UINT_LIT:
    case YYSYMBOL_DOUBLE_LIT: what = "number"; break;
    default: break;
    }
    if (what && loc->end > loc->start && loc->end <= c->len) {
        uint32_t n = loc->end - loc->start;
        if (n > 32)
            snprintf(buf, size, "%s '%.32s...'", what, c->text + loc->start);
        else
            snprintf(buf, size, "%s '%.*s'", what, (int)n, c->text + loc->start);
        return;
    }
    char tmp[64];
    snprintf(buf, size, "%s", describe(k, tmp, sizeof tmp));
}

static bool in_list(const char *const *l, size_t n, const char *s) {
    for (size_t i = 0; i < n; i++)
        if (l[i] && strcmp(l[i], s) == 0) return true;
    return false;
}

/* Removes every item of [set] from [l] (leaving NULLs). */
static void drop(const char **l, size_t n, const char *const *set, size_t n_set) {
    for (size_t i = 0; i < n; i++)
        if (l[i] && in_list(set, n_set, l[i])) l[i] = NULL;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool word_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* The word ending at [end] (white space before it skipped), not a
 * field (".not"): its span in *[w]; false when there is none. */
static bool word_before(const aeo_parse_ctx *c, uint32_t end, aeo_span *w) {
    uint32_t e = end;
    while (e > 0 && (c->text[e - 1] == ' ' || c->text[e - 1] == '\t' || c->text[e - 1] == '\r' || c->text[e - 1] == '\n'))
        e--;
    uint32_t b = e;
    while (b > 0 && word_char(c->text[b - 1])) b--;
    if (b == e || (b > 0 && c->text[b - 1] == '.')) return false;
    *w = (aeo_span){c->file, b, e};
    return true;
}

static bool word_is(const aeo_parse_ctx *c, aeo_span w, const char *s) {
    return w.end - w.start == strlen(s) && memcmp(c->text + w.start, s, w.end - w.start) == 0;
}

/* A mistake an author coming from another language makes where CEL wants
 * an operator: the words and, or, not and the single '='.  [la] at [loc]
 * was found where the parser expected an operator ([op]) or, in a block,
 * the ':' after a property name ([colon]: the word before was read as the
 * next property's name, as in "when: a and b", "when: not a").  On a
 * match, *[at] is the span of the wrong word or sign, [wrong] and [right]
 * what to write instead (a "did you mean" whose replacement the editor's
 * code action applies). */
static bool natural_mistake(const aeo_parse_ctx *c, yysymbol_kind_t la, const aeo_span *loc, bool op, bool colon,
                            aeo_span *at, const char **wrong, const char **right) {
    static const struct { const char *wrong, *right; } words[] = {{"and", "&&"}, {"or", "||"}, {"not", "!"}};
    if (loc->end > c->len || loc->start > loc->end) return false;
    aeo_span w1, w2;
    bool has1 = word_before(c, loc->start, &w1);
    bool has2 = has1 && word_before(c, w1.start, &w2);
    /* In a block, the word must follow something on its line (a property
     * value), not start a line or the block: "{ or int }" names a field. */
    if (!has1) colon = false;
    if (colon) {
        uint32_t p = has2 ? w2.start : w1.start;
        while (p > 0 && (c->text[p - 1] == ' ' || c->text[p - 1] == '\t')) p--;
        if (p == 0 || c->text[p - 1] == '\n' || c->text[p - 1] == '\r' || c->text[p - 1] == '{') colon = false;
    }
    for (size_t i = 0; i < COUNT(words); i++) {
        bool is_not = words[i].right[0] == '!';
        /* a and b (at 'and'), not a (at a), in a block a and b (at b),
         * not a (at what follows a). */
        if (op && !is_not && la == YYSYMBOL_IDENT && word_is(c, *loc, words[i].wrong)) *at = *loc;
        else if (op && is_not && has1 && word_is(c, w1, "not")) *at = w1;
        else if (colon && !is_not && has1 && word_is(c, w1, words[i].wrong)) *at = w1;
        else if (colon && is_not && has2 && word_is(c, w2, "not")) *at = w2;
        else continue;
        *wrong = words[i].wrong;
        *right = words[i].right;
        return true;
    }
    if (op && loc->end - loc->start == 1 && c->text[loc->start] == '=') {
        *at = *loc;
        *wrong = "=";
        *right = "==";
        return true;
    }
    return false;
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, yyscan_t scanner, aeo_parse_ctx *ctx) {
    (void)scanner;
    yysymbol_kind_t la = yypcontext_token(yyctx);
    /* An invalid character or a malformed literal: the scanner has said
     * so, and a second message about the same token would be a cascade. */
    if (la == YYSYMBOL_INVALID || ctx->tok_bad) return 0;
    const aeo_span *loc = yypcontext_location(yyctx);
    if (loc->start < ctx->quiet_until) return 0;

    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(yyctx, exp, YYNTOKENS);
    if (n < 0) return n;

    /* Expected tokens by name, then grouped into what a reader thinks in:
     * "expression", "operator", "type", "name", "declaration". */
    char bufs[YYNTOKENS][24];
    const char *items[YYNTOKENS];
    size_t m = 0;
    /* 'with' is contextual (a merge only before '{'): never advertised. */
    for (int i = 0; i < n; i++)
        if (exp[i] != YYSYMBOL_WITH) items[m++] = describe(exp[i], bufs[i], sizeof bufs[i]);

    static const char *const expr_start[] = {"identifier", "number", "string", "bytes", "'true'",
                                             "'false'", "'null'", "'('", "'['", "'{'", "'!'",
                                             "'-'", "'.'"};
    static const char *const operators[] = {"'+'", "'-'", "'*'", "'/'", "'%'", "'=='", "'!='",
                                            "'<'", "'<='", "'>'", "'>='", "'in'", "'&&'", "'||'",
                                            "'?'", "'.'", "'['", "'('"};
    static const char *const keywords[] = {"'catalog'", "'facts'", "'record'", "'const'",
                                           "'def'", "'tier'", "'measure'", "'test'", "'example'", "'text'"};
    static const char *const words[] = {"identifier", "'catalog'", "'facts'", "'record'",
                                        "'const'", "'def'", "'tier'", "'measure'", "'test'", "'example'", "'text'",
                                        "'true'", "'false'", "'null'", "'in'", "quoted name"};
    static const char *const seps[] = {"','", "';'"};
    static const char *const closers[] = {"')'", "']'", "'}'"};
    const char *groups[5];
    size_t ng = 0;

    if (la == YYSYMBOL_YYEOF) {
        /* At end of file, what is missing is a closing bracket, if any. */
        bool closer = false;
        for (size_t i = 0; i < m; i++) closer |= items[i] && in_list(closers, COUNT(closers), items[i]);
        if (closer)
            for (size_t i = 0; i < m; i++)
                if (items[i] && !in_list(closers, COUNT(closers), items[i])) items[i] = NULL;
    }
    if (in_list(items, m, "number")) {
        drop(items, m, expr_start, COUNT(expr_start));
        groups[ng++] = "expression";
    }
    if (in_list(items, m, "'+'")) {
        drop(items, m, operators, COUNT(operators));
        groups[ng++] = "operator";
    }
    if (in_list(items, m, "identifier") && in_list(items, m, "string") && !in_list(items, m, "number")) {
        static const char *const type_start[] = {"identifier", "string"};
        drop(items, m, type_start, COUNT(type_start));
        groups[ng++] = "type";
    }
    if (in_list(items, m, "identifier") && in_list(items, m, "'tier'")) {
        drop(items, m, words, COUNT(words));
        drop(items, m, seps, COUNT(seps));
        groups[ng++] = "name";
    }
    if (in_list(items, m, "'catalog'")) {
        drop(items, m, keywords, COUNT(keywords));
        static const char *const eof[] = {"end of file"};
        drop(items, m, eof, 1);
        groups[ng++] = "declaration";
    }

    const char *all[5 + YYNTOKENS];
    size_t na = 0;
    for (size_t i = 0; i < ng; i++) all[na++] = groups[i];
    for (size_t i = 0; i < m; i++)
        if (items[i] && !in_list(all, na, items[i])) all[na++] = items[i];

    /* Where an operator may come, a word of another language (and, or,
     * not) or a single '=' is named, with the CEL operator to write. */
    bool want_op = false, want_colon = false;
    for (int i = 0; i < n; i++) {
        want_op |= exp[i] == YYSYMBOL_AND;
        want_colon |= strcmp(yysymbol_name(exp[i]), "':'") == 0;
    }
    /* After "when: a or" the operand on the next line was read as a
     * property name: the ':' it then lacks is the same mistake. */
    uint32_t hush_colon = ctx->hush_colon;
    ctx->hush_colon = 0;
    if (loc->start < hush_colon && want_colon && !want_op) return 0;
    aeo_span mistake;
    const char *wrong, *right;
    if ((want_op || want_colon) && natural_mistake(ctx, la, loc, want_op, want_colon, &mistake, &wrong, &right)) {
        report(ctx, AEO_E_SYNTAX, mistake, "'%s' is not an operator in CEL; did you mean '%s'?", wrong, right);
        /* What recovery meets on the rest of the line is the same mistake. */
        uint32_t eol = loc->end;
        while (eol < ctx->len && ctx->text[eol] != '\n') eol++;
        ctx->quiet_until = eol;
        if (!want_op) {
            uint32_t next = eol < ctx->len ? eol + 1 : eol;
            while (next < ctx->len && ctx->text[next] != '\n') next++;
            ctx->hush_colon = next;
        }
        return 0;
    }

    char found[128];
    describe_found(ctx, la, loc, found, sizeof found);
    char msg[512];
    size_t len = (size_t)snprintf(msg, sizeof msg, "unexpected %s", found);
    if (na > 0 && na <= 5) {
        for (size_t i = 0; i < na && len < sizeof msg; i++) {
            const char *sep = i == 0 ? ", expected " : i + 1 == na ? " or " : ", ";
            len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s", sep, all[i]);
        }
    }

    aeo_diag_code code = la == YYSYMBOL_YYEOF ? AEO_E_UNEXPECTED_EOF : AEO_E_SYNTAX;
    aeo_diag *g = report(ctx, code, *loc, "%s", msg);
    if (la == YYSYMBOL_YYEOF && ctx->nest > 0 && ctx->nest <= AEO_YY_NEST_CAP) {
        uint32_t at = ctx->open_at[ctx->nest - 1];
        aeo_span sp = {ctx->file, at, at + 1};
        aeo_diag_note(ctx->diags, g, &sp, "unclosed '%c' opened here", ctx->open_ch[ctx->nest - 1]);
    }
    return 0;
}

/* Bison calls yyerror only when its stack is exhausted. */
static void yyerror(const YYLTYPE *loc, yyscan_t scanner, aeo_parse_ctx *ctx, const char *msg) {
    (void)scanner;
    (void)msg;
    too_deep(ctx, *loc);
}

/* --- drivers ------------------------------------------------------------------- */

/* Runs the parser on file [source] from the token [start]. */
static int run(aeo_parse_ctx *c, const aeo_sources *src, uint32_t source, const aeo_parse_opts *o,
               int start) {
    memset(c, 0, sizeof *c);
    c->arena = o->arena;
    c->diags = o->diags;
    c->next_id = o->next_id ? o->next_id : &c->local_id;
    c->file = source;
    c->invalid_end = UINT32_MAX;
    c->start_token = start;
    if (!src || source >= src->n) return 2;
    const aeo_source *f = &src->files[source];
    c->text = f->text;
    c->len = f->len;
    if (f->len > (uint32_t)INT32_MAX - 2) {
        report(c, AEO_E_SYNTAX, (aeo_span){source, 0, 0}, "file too large to parse");
        return 2;
    }

    yyscan_t sc;
    if (aeo_yylex_init_extra(c, &sc) != 0) return 2;
    YY_BUFFER_STATE b = aeo_yy_scan_bytes(f->text, (int)f->len, sc);
    int rc = aeo_yyparse(sc, c);
    aeo_yy_delete_buffer(b, sc);
    aeo_yylex_destroy(sc);
    free(c->buf);
    c->buf = NULL;
    return rc;
}

bool aeo_parse_file(const aeo_sources *src, uint32_t source, const aeo_parse_opts *o,
                    aeo_file *out) {
    aeo_parse_ctx c;
    int rc = run(&c, src, source, o, AEO_TOK_START_FILE);
    out->source = source;
    out->decls = c.decls;
    out->n_decls = c.n_decls;
    return rc == 0 && c.n_errors == 0;
}

aeo_expr *aeo_parse_expr(const aeo_sources *src, uint32_t source, const aeo_parse_opts *o) {
    aeo_parse_ctx c;
    int rc = run(&c, src, source, o, AEO_TOK_START_EXPR);
    return rc == 0 && c.n_errors == 0 ? c.expr_out : NULL;
}

bool aeo_parse_repl(const aeo_sources *src, uint32_t source, const aeo_parse_opts *o,
                    aeo_decl **decl_out, aeo_expr **expr_out) {
    aeo_parse_ctx c;
    int rc = run(&c, src, source, o, AEO_TOK_START_REPL);
    bool ok = rc == 0 && c.n_errors == 0;
    *decl_out = ok ? c.decl_out : NULL;
    *expr_out = ok ? c.expr_out : NULL;
    return ok;
}
