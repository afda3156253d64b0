/* Explain: the condition tree of a measure with values; see explain.h.
 *
 * The tree is the AST itself.  Each printed node is evaluated on its own
 * (compiled to a scratch chunk and run against the bound record), so values
 * of operands that short-circuiting skipped are shown too.  Which leaves
 * decided the result follows CEL's logic: under a false &&, the false
 * operands decide; under a true ||, the true ones; under an undecided node,
 * the unknown ones; under an error, the erroneous ones; a true && (false ||)
 * needs all of its operands.  Defs and tiers are expanded into their bodies
 * (once per branch, to a bounded depth); macros, comparisons and calls are
 * leaves whose non-literal operands are listed with their values. */
#include "lang/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"
#include "runtime/celtime.h"
#include "runtime/outcome.h"

#define MAX_DEPTH 12
#define MAX_TEXT 72

typedef struct explainer {
    aeo_catalog *c;
    aeo_vm *vm;
    aeo_buf *out;
    bool color;
    const aeo_decl *expanding[MAX_DEPTH];
    int n_expanding;
} explainer;

aeo_value aeo_explain_eval(aeo_catalog *c, aeo_vm *vm, const aeo_expr *e) {
    aeo_chunk *ch = aeo_compile_expr(c, e, "explain", false);
    if (!ch) return aeo_error_new(aeo_vm_arena(vm), "cannot compile this expression");
    aeo_value v = aeo_vm_run(vm, ch);
    aeo_chunk_free(ch);
    return v;
}

/* Whether [e] can be evaluated on its own: no macro variables inside. */
static bool standalone(const aeo_expr *e) {
    if (!e) return true;
    switch (e->kind) {
    case AEO_EXPR_IDENT: return e->ref != AEO_REF_LOCAL;
    case AEO_EXPR_SELECT: return standalone(e->u.select.operand);
    case AEO_EXPR_INDEX: return standalone(e->u.index.operand) && standalone(e->u.index.index);
    case AEO_EXPR_CALL:
        if (!standalone(e->u.call.target)) return false;
        for (uint32_t i = 0; i < e->u.call.n_args; i++)
            if (!standalone(e->u.call.args[i])) {
                /* A macro's own variable is bound inside it. */
                if (e->ref == AEO_REF_MACRO) continue;
                return false;
            }
        return true;
    case AEO_EXPR_LIST:
        for (uint32_t i = 0; i < e->u.list.n; i++)
            if (!standalone(e->u.list.items[i])) return false;
        return true;
    case AEO_EXPR_MAP:
        for (uint32_t i = 0; i < e->u.map.n; i++)
            if (!standalone(e->u.map.keys[i]) || !standalone(e->u.map.vals[i])) return false;
        return true;
    case AEO_EXPR_UNARY: return standalone(e->u.unary.a);
    case AEO_EXPR_BINARY: return standalone(e->u.binary.a) && standalone(e->u.binary.b);
    case AEO_EXPR_COND: return standalone(e->u.cond.c) && standalone(e->u.cond.a) && standalone(e->u.cond.b);
    default: return true;
    }
}

static bool is_literal(const aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_NULL: case AEO_EXPR_BOOL: case AEO_EXPR_INT: case AEO_EXPR_UINT:
    case AEO_EXPR_DOUBLE: case AEO_EXPR_STRING: case AEO_EXPR_BYTES: return true;
    case AEO_EXPR_IDENT: return e->ref == AEO_REF_CONST || e->ref == AEO_REF_TYPE;
    case AEO_EXPR_LIST:
        for (uint32_t i = 0; i < e->u.list.n; i++)
            if (!is_literal(e->u.list.items[i])) return false;
        return true;
    default: return false;
    }
}

static void text_of(aeo_buf *b, const aeo_expr *e) {
    size_t len;
    char *text = aeo_expr_text(e, &len);
    if (len > MAX_TEXT) {
        aeo_buf_putn(b, text, MAX_TEXT - 3);
        aeo_buf_puts(b, "...");
    } else {
        aeo_buf_putn(b, text, len);
    }
    free(text);
}

static void value_text(explainer *x, aeo_value v) {
    aeo_buf *b = x->out;
    if (v.kind == AEO_V_UNKNOWN) {
        aeo_buf_puts(b, x->color ? "\033[33mundecided\033[0m (missing" : "undecided (missing");
        for (uint32_t i = 0; i < v.as.unk->n; i++) aeo_buf_printf(b, " %s", v.as.unk->paths[i]);
        aeo_buf_puts(b, ")");
    } else if (v.kind == AEO_V_ERROR) {
        aeo_buf_printf(b, "%serror%s: %s", x->color ? "\033[31m" : "", x->color ? "\033[0m" : "", v.as.e->msg);
    } else if (v.kind == AEO_V_BOOL && x->color) {
        aeo_buf_printf(b, "%s%s\033[0m", v.as.b ? "\033[32m" : "\033[31m", v.as.b ? "true" : "false");
    } else {
        aeo_buf tmp = {0};
        aeo_value_format(&tmp, v);
        if (tmp.len > 80) {
            aeo_buf_putn(b, tmp.data, 77);
            aeo_buf_puts(b, "...");
        } else {
            aeo_buf_putn(b, tmp.data ? tmp.data : "", tmp.len);
        }
        aeo_buf_free(&tmp);
    }
}

static void line(explainer *x, int indent, const char *label, const aeo_expr *e, aeo_value v, bool decides) {
    aeo_buf_printf(x->out, "%*s", indent, "");
    if (label && indent <= 2) aeo_buf_printf(x->out, "%-7s", label);
    else if (label) aeo_buf_printf(x->out, "%s ", label);
    text_of(x->out, e);
    aeo_buf_puts(x->out, "  = ");
    value_text(x, v);
    if (decides) aeo_buf_puts(x->out, x->color ? "  \033[1m<- decides\033[0m" : "  <- decides");
    aeo_buf_puts(x->out, "\n");
}

static int kind_of(aeo_value v) {
    if (v.kind == AEO_V_BOOL) return v.as.b ? 1 : 0;
    if (v.kind == AEO_V_UNKNOWN) return 2;
    return 3;
}

/* Whether an operand with value [child] decides a logic node of value
 * [parent] (is_and: an && node, else ||). */
static bool child_decides(bool is_and, aeo_value parent, aeo_value child) {
    int p = kind_of(parent), ch = kind_of(child);
    if (p == 2 || p == 3) return ch == p;
    bool decisive = !is_and;   /* false decides &&, true decides || */
    if ((p == 1) == decisive) return ch == (decisive ? 1 : 0);
    return true;               /* the non-decisive result needs every operand */
}

static void node(explainer *x, const aeo_expr *e, int indent, const char *label, bool deciding);

/* Collects the operands of a chain of the same logic operator. */
static void flatten(const aeo_expr *e, aeo_operator op, const aeo_expr **items, uint32_t *n, uint32_t cap) {
    if (e->kind == AEO_EXPR_BINARY && e->u.binary.op == op) {
        flatten(e->u.binary.a, op, items, n, cap);
        flatten(e->u.binary.b, op, items, n, cap);
    } else if (*n < cap) {
        items[(*n)++] = e;
    }
}

static bool expanding(explainer *x, const aeo_decl *d) {
    for (int i = 0; i < x->n_expanding; i++)
        if (x->expanding[i] == d) return true;
    return false;
}

static void node(explainer *x, const aeo_expr *e, int indent, const char *label, bool deciding) {
    if (!standalone(e)) {
        aeo_buf_printf(x->out, "%*s", indent, "");
        text_of(x->out, e);
        aeo_buf_puts(x->out, "\n");
        return;
    }
    aeo_value v = aeo_explain_eval(x->c, x->vm, e);
    int depth = indent / 2;
    /* && and || chains: the operands, each marked when it decides. */
    if (e->kind == AEO_EXPR_BINARY && (e->u.binary.op == AEO_OPR_AND || e->u.binary.op == AEO_OPR_OR) &&
        depth < MAX_DEPTH * 2) {
        bool is_and = e->u.binary.op == AEO_OPR_AND;
        line(x, indent, label, e, v, false);
        const aeo_expr *items[64];
        uint32_t n = 0;
        flatten(e, e->u.binary.op, items, &n, 64);
        for (uint32_t i = 0; i < n; i++) {
            aeo_value cv = standalone(items[i]) ? aeo_explain_eval(x->c, x->vm, items[i]) : v;
            node(x, items[i], indent + 4, is_and ? "&&" : "||", deciding && child_decides(is_and, v, cv));
        }
        return;
    }
    if (e->kind == AEO_EXPR_UNARY && e->u.unary.op == AEO_OPR_NOT) {
        line(x, indent, label, e, v, false);
        node(x, e->u.unary.a, indent + 4, NULL, deciding);
        return;
    }
    /* A def or tier: its body. */
    if (e->kind == AEO_EXPR_IDENT && (e->ref == AEO_REF_DEF || e->ref == AEO_REF_TIER) &&
        x->n_expanding < MAX_DEPTH) {
        const aeo_decl *d = e->ref == AEO_REF_DEF ? x->c->defs.items[e->ref_index] : x->c->tiers.items[e->ref_index];
        if (!expanding(x, d) && d->value && !is_literal(d->value)) {
            line(x, indent, label, e, v, false);
            x->expanding[x->n_expanding++] = d;
            node(x, d->value, indent + 4, "=", deciding);
            x->n_expanding--;
            return;
        }
    }
    /* A leaf: comparisons, calls, field reads, macros. */
    line(x, indent, label, e, v, deciding);
    const aeo_expr *ops[3] = {NULL, NULL, NULL};
    if (e->kind == AEO_EXPR_BINARY) {
        ops[0] = e->u.binary.a;
        ops[1] = e->u.binary.b;
    } else if (e->kind == AEO_EXPR_UNARY) {
        ops[0] = e->u.unary.a;
    } else if (e->kind == AEO_EXPR_CALL && e->ref != AEO_REF_MACRO) {
        ops[0] = e->u.call.target;
        if (e->u.call.n_args >= 1) ops[1] = e->u.call.args[0];
        if (e->u.call.n_args >= 2) ops[2] = e->u.call.args[1];
    } else if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_MACRO && e->u.call.target) {
        ops[0] = e->u.call.target;
    }
    for (int i = 0; i < 3; i++) {
        if (!ops[i] || is_literal(ops[i]) || !standalone(ops[i])) continue;
        aeo_value ov = aeo_explain_eval(x->c, x->vm, ops[i]);
        aeo_buf_printf(x->out, "%*s", indent + 4, "");
        text_of(x->out, ops[i]);
        aeo_buf_puts(x->out, "  = ");
        value_text(x, ov);
        aeo_buf_puts(x->out, "\n");
    }
}

void aeo_explain_expr(aeo_catalog *c, aeo_vm *vm, const aeo_expr *e, bool color, aeo_buf *out) {
    explainer x = {c, vm, out, color, {0}, 0};
    node(&x, e, 0, NULL, true);
}

static void date_str(char *buf, aeo_value ts) {
    aeo_time_format_timestamp(ts.as.i, ts.nanos, buf);
    if (strlen(buf) == 20 && strcmp(buf + 10, "T00:00:00Z") == 0) buf[10] = '\0';
}

void aeo_explain_measure(aeo_catalog *c, aeo_vm *vm, uint32_t idx, bool color, aeo_buf *out) {
    explainer x = {c, vm, out, color, {0}, 0};
    const aeo_decl *d = c->measures.items[idx];
    const aeo_measure_info *m = &c->program->measures[idx];
    aeo_value result = aeo_vm_measure(vm, idx);
    /* The header's outcome is the runtime's classification (the tree below
     * shows the raw values of the terms). */
    aeo_measure_outcome o = aeo_outcome_classify(aeo_vm_arena(vm), result);
    aeo_buf_printf(out, "%s%s%s \"%s\": %s", color ? "\033[1m" : "", m->id, color ? "\033[0m" : "", m->title,
                   aeo_outcome_names[o.kind]);
    if (o.kind == AEO_OUTCOME_UNDECIDED) {
        aeo_buf_puts(out, " (missing");
        for (uint32_t i = 0; i < o.detail.as.unk->n; i++) aeo_buf_printf(out, " %s", o.detail.as.unk->paths[i]);
        aeo_buf_puts(out, ")");
    } else if (o.kind == AEO_OUTCOME_ERROR) {
        const aeo_error *err = o.detail.as.e;
        aeo_buf_printf(out, " (%s", err->msg);
        if (err->has_span) aeo_sources_append_at(&c->sources, err->span, out);
        aeo_buf_puts(out, ")");
    }
    aeo_buf_puts(out, "\n");
    if (!aeo_vm_in_force(vm, idx)) {
        char a[48], b[48];
        date_str(a, aeo_vm_as_of(vm));
        aeo_buf_printf(out, "  not in force on %s:", a);
        if (m->has_effective) {
            date_str(b, m->effective);
            aeo_buf_printf(out, " effective from %s", b);
        }
        if (m->has_expires) {
            date_str(b, m->expires);
            aeo_buf_printf(out, "%s expires %s", m->has_effective ? "," : "", b);
        }
        aeo_buf_puts(out, "  <- decides\n");
    } else {
        /* The terms are a conjunction: scope, tiers, when, !unless... */
        if (c->scope) {
            aeo_value v = aeo_explain_eval(c, vm, c->scope);
            node(&x, c->scope, 2, "scope", child_decides(true, result, v));
        }
        const aeo_prop *tp = aeo_decl_prop(d, "tier");
        if (tp && tp->value) {
            const aeo_expr *tv = tp->value;
            if (tv->kind == AEO_EXPR_LIST && tv->u.list.n > 1) {
                /* Any tier: an ||. */
                aeo_value any = aeo_bool(false);
                bool first = true;
                for (uint32_t i = 0; i < tv->u.list.n; i++) {
                    aeo_value v = aeo_explain_eval(c, vm, tv->u.list.items[i]);
                    if (first) any = v;
                    else if (kind_of(v) == 1 || kind_of(any) == 1) any = aeo_bool(true);
                    else if (kind_of(v) == 2) any = v;
                    else if (kind_of(any) == 0) any = v;
                    first = false;
                }
                bool dec = child_decides(true, result, any);
                aeo_buf_printf(out, "  %-7sany of ", "tier");
                text_of(out, tv);
                aeo_buf_puts(out, "  = ");
                value_text(&x, any);
                aeo_buf_puts(out, "\n");
                for (uint32_t i = 0; i < tv->u.list.n; i++) {
                    aeo_value v = aeo_explain_eval(c, vm, tv->u.list.items[i]);
                    node(&x, tv->u.list.items[i], 6, "||", dec && child_decides(false, any, v));
                }
            } else {
                const aeo_expr *one = tv->kind == AEO_EXPR_LIST ? tv->u.list.items[0] : tv;
                aeo_value v = aeo_explain_eval(c, vm, one);
                node(&x, one, 2, "tier", child_decides(true, result, v));
            }
        }
        for (uint32_t i = 0; i < d->n_props; i++) {
            const aeo_prop *p = &d->props[i];
            bool when = strcmp(p->name, "when") == 0, unless = strcmp(p->name, "unless") == 0;
            if (!when && !unless) continue;
            aeo_value v = aeo_explain_eval(c, vm, p->value);
            aeo_value term = v;
            if (unless && v.kind == AEO_V_BOOL) term = aeo_bool(!v.as.b);
            node(&x, p->value, 2, when ? "when" : "unless", child_decides(true, result, term));
        }
    }
    if (m->cite) aeo_buf_printf(out, "  %-7s%s\n", "cite", m->cite);
}
