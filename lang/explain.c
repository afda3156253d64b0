/* Explain: the condition tree of a measure with values; see explain.h.
 *
 * The tree is the AST itself.  Each printed node is evaluated on its own
 * (compiled to a scratch chunk and run against the bound record), so values
 * of operands that short-circuiting skipped are shown too.  Which leaves
 * decided the result follows CEL's logic: under a false &&, the false
 * operands decide; under a true ||, the true ones; under an undecided node,
 * the unknown ones; under an error, the erroneous ones; a true && (false ||)
 * needs all of its operands.  Defs and tiers are expanded into their bodies
 * (once per branch, to a bounded depth), and function calls into their
 * bodies with the arguments in place of the parameters; macros, comparisons and calls are
 * leaves whose non-literal operands are listed with their values. */
#include "lang/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"
#include "lang/text.h"
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
    aeo_chunk *ch = aeo_compile_expr(c, e, "explain");
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
        const char *lang = aeo_text_display(x->c);
        aeo_buf_printf(b, "%s%s%s (%s", x->color ? "\033[33m" : "", aeo_text_outcome(lang, 2), x->color ? "\033[0m" : "",
                       aeo_text_word(lang, AEO_WORD_EXPLAIN_MISSING));
        for (uint32_t i = 0; i < v.as.unk->n; i++) aeo_buf_printf(b, " %s", v.as.unk->paths[i]);
        aeo_buf_puts(b, ")");
    } else if (v.kind == AEO_V_ERROR) {
        aeo_buf_printf(b, "%s%s%s: %s", x->color ? "\033[31m" : "", aeo_text_outcome(aeo_text_display(x->c), 3),
                       x->color ? "\033[0m" : "", v.as.e->msg);
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

/* "  <- decides" in the display language, bold with colour. */
static const char *decides_word(explainer *x) {
    const char *w = aeo_text_word(aeo_text_display(x->c), AEO_WORD_EXPLAIN_DECIDES);
    return aeo_arena_printf(aeo_vm_arena(x->vm), x->color ? "  \033[1m%s\033[0m" : "  %s", w);
}

static void line(explainer *x, int indent, const char *label, const aeo_expr *e, aeo_value v, bool decides) {
    aeo_buf_printf(x->out, "%*s", indent, "");
    if (label && indent <= 2) aeo_buf_printf(x->out, "%-7s", label);
    else if (label) aeo_buf_printf(x->out, "%s ", label);
    text_of(x->out, e);
    aeo_buf_puts(x->out, "  = ");
    value_text(x, v);
    if (decides) aeo_buf_puts(x->out, decides_word(x));
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

static bool expanding_in(const aeo_decl *const *list, int n, const aeo_decl *d) {
    for (int i = 0; i < n; i++)
        if (list[i] == d) return true;
    return false;
}

static bool expanding(explainer *x, const aeo_decl *d) { return expanding_in(x->expanding, x->n_expanding, d); }

/* Whether [e] holds a comprehension (its slots would not fit inside a
 * function body's). */
static bool has_macro(const aeo_expr *e);
static void has_macro_child(const aeo_expr *e, void *p) {
    if (has_macro(e)) *(bool *)p = true;
}
static bool has_macro(const aeo_expr *e) {
    if (!e) return false;
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_MACRO) return true;
    bool found = false;
    aeo_expr_each_child(e, has_macro_child, &found);
    return found;
}

/* A copy of function body [e] (in [a]) with each parameter, local slot k
 * below [n], replaced by the argument expression [args][k]: the body as
 * this call evaluates it, so that each of its nodes can be shown with its
 * value like a def's. */
static aeo_expr *subst(aeo_arena *a, const aeo_expr *e, aeo_expr *const *args, uint32_t n) {
    if (!e) return NULL;
    /* A NULL argument leaves its slot alone (a comprehension's variable,
     * replaced one slot at a time by element_of). */
    if (e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_LOCAL && e->ref_index < n && args[e->ref_index])
        return args[e->ref_index];
    aeo_expr *c = aeo_arena_alloc(a, sizeof *c);
    *c = *e;
    switch (e->kind) {
    case AEO_EXPR_SELECT: c->u.select.operand = subst(a, e->u.select.operand, args, n); break;
    case AEO_EXPR_INDEX:
        c->u.index.operand = subst(a, e->u.index.operand, args, n);
        c->u.index.index = subst(a, e->u.index.index, args, n);
        break;
    case AEO_EXPR_CALL:
        c->u.call.target = subst(a, e->u.call.target, args, n);
        c->u.call.args = aeo_arena_alloc(a, (e->u.call.n_args ? e->u.call.n_args : 1) * sizeof *c->u.call.args);
        for (uint32_t i = 0; i < e->u.call.n_args; i++) c->u.call.args[i] = subst(a, e->u.call.args[i], args, n);
        break;
    case AEO_EXPR_LIST:
        c->u.list.items = aeo_arena_alloc(a, (e->u.list.n ? e->u.list.n : 1) * sizeof *c->u.list.items);
        for (uint32_t i = 0; i < e->u.list.n; i++) c->u.list.items[i] = subst(a, e->u.list.items[i], args, n);
        break;
    case AEO_EXPR_MAP:
        c->u.map.keys = aeo_arena_alloc(a, (e->u.map.n ? e->u.map.n : 1) * sizeof *c->u.map.keys);
        c->u.map.vals = aeo_arena_alloc(a, (e->u.map.n ? e->u.map.n : 1) * sizeof *c->u.map.vals);
        for (uint32_t i = 0; i < e->u.map.n; i++) {
            c->u.map.keys[i] = subst(a, e->u.map.keys[i], args, n);
            c->u.map.vals[i] = subst(a, e->u.map.vals[i], args, n);
        }
        break;
    case AEO_EXPR_UNARY: c->u.unary.a = subst(a, e->u.unary.a, args, n); break;
    case AEO_EXPR_BINARY:
        c->u.binary.a = subst(a, e->u.binary.a, args, n);
        c->u.binary.b = subst(a, e->u.binary.b, args, n);
        break;
    case AEO_EXPR_COND:
        c->u.cond.c = subst(a, e->u.cond.c, args, n);
        c->u.cond.a = subst(a, e->u.cond.a, args, n);
        c->u.cond.b = subst(a, e->u.cond.b, args, n);
        break;
    default: break;
    }
    return c;
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
    /* A function call: its body with the arguments in place of the
     * parameters.  (Not when an argument holds a comprehension: its
     * variable slots could meet the body's.) */
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_FUNC && x->n_expanding < MAX_DEPTH) {
        const aeo_decl *d = x->c->defs.items[e->ref_index];
        bool plain = true;
        for (uint32_t i = 0; i < e->u.call.n_args; i++) plain &= !has_macro(e->u.call.args[i]);
        if (plain && !expanding(x, d) && d->value && !is_literal(d->value)) {
            line(x, indent, label, e, v, false);
            x->expanding[x->n_expanding++] = d;
            node(x, subst(aeo_vm_arena(x->vm), d->value, e->u.call.args, d->n_params), indent + 4, "=", deciding);
            x->n_expanding--;
            return;
        }
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

/* A valued measure's cases, in order: each condition's value and what the
 * case would grant, the winner marked; the cases after the winner are not
 * evaluated (CEL's ?: does not reach them).  [k]: the measure's outcome. */
static void explain_cases(explainer *x, const aeo_measure *mv, uint32_t idx, aeo_outcome_kind k) {
    aeo_buf *out = x->out;
    const char *lang = aeo_text_display(x->c);
    int32_t won = aeo_vm_measure_case(x->vm, idx);
    bool all_false = true, stopped = false;
    for (uint32_t i = 0; i < mv->n_cases; i++) {
        const aeo_case *cs = &mv->cases[i];
        aeo_buf_printf(out, "  %-7s", "case");
        text_of(out, cs->cond);
        if (stopped) {
            aeo_buf_printf(out, "  %s\n", aeo_text_word(lang, AEO_WORD_EXPLAIN_NOT_REACHED));
            continue;
        }
        aeo_value cv = aeo_explain_eval(x->c, x->vm, cs->cond);
        aeo_value vv = aeo_explain_eval(x->c, x->vm, cs->value);
        aeo_buf_puts(out, "  = ");
        value_text(x, cv);
        if (won == (int32_t)i) {
            aeo_buf_printf(out, x->color ? "  \033[1m%s\033[0m: " : "  %s: ", aeo_text_word(lang, AEO_WORD_EXPLAIN_WINS));
            value_text(x, vv);
        } else {
            bool decides = !(cv.kind == AEO_V_BOOL && !cv.as.b) && (k == AEO_OUTCOME_UNDECIDED || k == AEO_OUTCOME_ERROR);
            if (decides) aeo_buf_puts(out, decides_word(x));
            aeo_buf_printf(out, "  (%s ", aeo_text_word(lang, AEO_WORD_EXPLAIN_WOULD_GRANT));
            value_text(x, vv);
            aeo_buf_puts(out, ")");
        }
        if (cs->cite) aeo_buf_printf(out, "  cite %s", cs->cite);
        aeo_buf_puts(out, "\n");
        /* The first case not false decides: it wins, or leaves the
         * measure undecided or failing. */
        if (!(cv.kind == AEO_V_BOOL && !cv.as.b)) {
            all_false = false;
            stopped = true;
        }
    }
    if (mv->else_case) {
        aeo_buf_printf(out, "  %-7s", "else");
        if (stopped) {
            aeo_buf_printf(out, "%s\n", aeo_text_word(lang, AEO_WORD_EXPLAIN_NOT_REACHED));
        } else {
            aeo_value vv = aeo_explain_eval(x->c, x->vm, mv->else_case->value);
            if (won == (int32_t)mv->n_cases)
                aeo_buf_printf(out, x->color ? "\033[1m%s\033[0m: " : "%s: ", aeo_text_word(lang, AEO_WORD_EXPLAIN_WINS));
            else
                aeo_buf_printf(out, "%s ", aeo_text_word(lang, AEO_WORD_EXPLAIN_WOULD_GRANT));
            value_text(x, vv);
            if (mv->else_case->cite) aeo_buf_printf(out, "  cite %s", mv->else_case->cite);
            aeo_buf_puts(out, "\n");
        }
    } else if (all_false && k == AEO_OUTCOME_NOT) {
        aeo_buf_printf(out, "  %s%s\n", aeo_text_word(lang, AEO_WORD_EXPLAIN_NO_CASE), decides_word(x));
    }
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
    /* The title, unit and outcome word in the display language (--lang,
     * :lang; lang/text.h); the tree below is code and stays as written. */
    const char *lang = aeo_text_display(c);
    aeo_buf_printf(out, "%s%s%s \"%s\": %s", color ? "\033[1m" : "", m->id, color ? "\033[0m" : "",
                   aeo_text_measure(c, lang, m->id, NULL, m->title),
                   lang ? aeo_text_outcome(lang, (int)o.kind) : aeo_outcome_names[o.kind]);
    if (o.kind == AEO_OUTCOME_APPLIES && m->value_type) {
        aeo_buf_puts(out, " = ");
        value_text(&x, aeo_vm_measure_value(vm, idx));
        if (m->unit) aeo_buf_printf(out, " %s", aeo_text_measure(c, lang, m->id, "unit", m->unit));
    }
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
        const char *args[6] = {NULL, NULL, NULL, a, NULL, NULL};
        aeo_buf_puts(out, "  ");
        aeo_text_fill(out, lang, AEO_WORD_EXPLAIN_NOT_IN_FORCE_ON, args);
        if (m->has_effective) {
            date_str(b, m->effective);
            args[3] = b;
            /* No space after a full-width colon. */
            if (!(out->len >= 3 && memcmp(out->data + out->len - 3, "\xef\xbc\x9a", 3) == 0)) aeo_buf_puts(out, " ");
            aeo_text_fill(out, lang, AEO_WORD_EXPLAIN_EFFECTIVE_FROM, args);
        }
        if (m->has_expires) {
            date_str(b, m->expires);
            args[3] = b;
            if (m->has_effective) aeo_buf_puts(out, aeo_text_word(lang, AEO_WORD_COMMA));
            else if (!(out->len >= 3 && memcmp(out->data + out->len - 3, "\xef\xbc\x9a", 3) == 0)) aeo_buf_puts(out, " ");
            aeo_text_fill(out, lang, AEO_WORD_EXPLAIN_EXPIRES, args);
        }
        aeo_buf_printf(out, "%s\n", decides_word(&x));
    } else {
        /* The terms are a conjunction: scope, tiers, when, !unless... */
        const aeo_measure *mv = d->measure;
        if (mv->scope) {
            aeo_value v = aeo_explain_eval(c, vm, mv->scope);
            node(&x, mv->scope, 2, "scope", child_decides(true, result, v));
        }
        if (mv->tier_prop && mv->n_tiers > 0) {
            const aeo_expr *tv = mv->tier_prop->value;
            if (mv->n_tiers > 1) {
                /* Any tier: an ||. */
                aeo_value any = aeo_bool(false);
                bool first = true;
                for (uint32_t i = 0; i < mv->n_tiers; i++) {
                    aeo_value v = aeo_explain_eval(c, vm, mv->tiers[i]);
                    if (first) any = v;
                    else if (kind_of(v) == 1 || kind_of(any) == 1) any = aeo_bool(true);
                    else if (kind_of(v) == 2) any = v;
                    else if (kind_of(any) == 0) any = v;
                    first = false;
                }
                bool dec = child_decides(true, result, any);
                aeo_buf_printf(out, "  %-7s%s ", "tier", aeo_text_word(lang, AEO_WORD_EXPLAIN_ANY_OF));
                text_of(out, tv);
                aeo_buf_puts(out, "  = ");
                value_text(&x, any);
                aeo_buf_puts(out, "\n");
                for (uint32_t i = 0; i < mv->n_tiers; i++) {
                    aeo_value v = aeo_explain_eval(c, vm, mv->tiers[i]);
                    node(&x, mv->tiers[i], 6, "||", dec && child_decides(false, any, v));
                }
            } else {
                const aeo_expr *one = mv->tiers[0];
                aeo_value v = aeo_explain_eval(c, vm, one);
                node(&x, one, 2, "tier", child_decides(true, result, v));
            }
        }
        for (uint32_t i = 0; i < mv->n_conds; i++) {
            const aeo_cond *t = &mv->conds[i];
            aeo_value v = aeo_explain_eval(c, vm, t->expr);
            aeo_value term = v;
            if (t->negate && v.kind == AEO_V_BOOL) term = aeo_bool(!v.as.b);
            node(&x, t->expr, 2, t->negate ? "unless" : "when", child_decides(true, result, term));
        }
        if (mv->value_type) explain_cases(&x, mv, idx, o.kind);
    }
    if (m->cite) aeo_buf_printf(out, "  %-7s%s\n", "cite", m->cite);
}

/* ---- the deciding leaves, for sentences (lang/why.c) --------------------- */

typedef struct leaf_walk {
    aeo_catalog *c;
    aeo_vm *vm;
    bool (*stop)(const aeo_expr *e, void *ud);
    void (*fn)(const aeo_explain_leaf *leaf, void *ud);
    void *ud;
    const aeo_decl *expanding[MAX_DEPTH];
    int n_expanding;
} leaf_walk;

/* A comprehension leaf: the element that decided its value [v], as
 * (*index, *elem); false when none names it (an exists() that is false:
 * no element holds; a map; an unreadable range). */
static bool element_of(leaf_walk *w, const aeo_expr *e, aeo_value v, int64_t *index, aeo_value *elem) {
    if (e->kind != AEO_EXPR_CALL || e->ref != AEO_REF_MACRO || !e->u.call.target || e->u.call.n_args != 2) return false;
    int m = e->macro;
    if (m != AEO_MACRO_ALL && m != AEO_MACRO_EXISTS && m != AEO_MACRO_EXISTS_ONE) return false;
    const aeo_expr *target = e->u.call.target, *var = e->u.call.args[0], *pred = e->u.call.args[1];
    if (var->kind != AEO_EXPR_IDENT || !standalone(target)) return false;
    aeo_value range = aeo_explain_eval(w->c, w->vm, target);
    if (range.kind != AEO_V_LIST || !target->type || target->type->kind != AEO_T_LIST) return false;
    /* What the deciding element's predicate gives: false for a false
     * all(), true for a true exists() or a false exists_one() (the second
     * element that holds), unknown or error for an undecided one. */
    int want;
    if (v.kind == AEO_V_BOOL) {
        if (m == AEO_MACRO_ALL && !v.as.b) want = 0;
        else if (m == AEO_MACRO_EXISTS && v.as.b) want = 1;
        else if (m == AEO_MACRO_EXISTS_ONE) want = 1;
        else return false;
    } else {
        want = kind_of(v);
    }
    aeo_arena *a = aeo_vm_arena(w->vm);
    /* The variable's slot (the checker's, var->ref_index) gets target[i]. */
    uint32_t n = var->ref_index + 1;
    aeo_expr **args = aeo_arena_alloc(a, n * sizeof *args);
    for (uint32_t i = 0; i < n; i++) args[i] = NULL;
    int seen = 0;
    aeo_expr *operand = aeo_arena_alloc(a, sizeof *operand);
    *operand = *target;
    for (uint32_t i = 0; i < range.as.l->len; i++) {
        aeo_expr *lit = aeo_arena_alloc(a, sizeof *lit);
        *lit = *target;
        lit->kind = AEO_EXPR_INT;
        lit->u.i = (int64_t)i;
        lit->type = &aeo_type_int;
        lit->ref = AEO_REF_NONE;
        aeo_expr *ix = aeo_arena_alloc(a, sizeof *ix);
        *ix = *target;
        ix->kind = AEO_EXPR_INDEX;
        ix->u.index.operand = operand;
        ix->u.index.index = lit;
        ix->type = target->type->elem;
        ix->ref = AEO_REF_NONE;
        args[var->ref_index] = ix;
        const aeo_expr *body = subst(a, pred, args, n);
        aeo_value pv = aeo_explain_eval(w->c, w->vm, body);
        if (kind_of(pv) == want && (m != AEO_MACRO_EXISTS_ONE || v.kind != AEO_V_BOOL || v.as.b || ++seen == 2)) {
            *index = (int64_t)i;
            *elem = range.as.l->items[i];
            return true;
        }
    }
    return false;
}

static void leaves(leaf_walk *w, const aeo_expr *e, aeo_value v, bool negated, bool in_or, const aeo_expr *named);

static void leaf_at(leaf_walk *w, const aeo_expr *e, aeo_value v, bool negated, bool in_or, const aeo_expr *named) {
    aeo_explain_leaf l = {e, v, negated, in_or != negated, named, -1, aeo_null()};
    element_of(w, e, v, &l.element, &l.element_value);
    w->fn(&l, w->ud);
}

static void leaves(leaf_walk *w, const aeo_expr *e, aeo_value v, bool negated, bool in_or, const aeo_expr *named) {
    if (!standalone(e) || (w->stop && w->stop(e, w->ud))) {
        leaf_at(w, e, v, negated, in_or, named);
        return;
    }
    if (e->kind == AEO_EXPR_BINARY && (e->u.binary.op == AEO_OPR_AND || e->u.binary.op == AEO_OPR_OR)) {
        bool is_and = e->u.binary.op == AEO_OPR_AND;
        const aeo_expr *items[64];
        uint32_t n = 0;
        flatten(e, e->u.binary.op, items, &n, 64);
        for (uint32_t i = 0; i < n; i++) {
            aeo_value cv = standalone(items[i]) ? aeo_explain_eval(w->c, w->vm, items[i]) : v;
            if (child_decides(is_and, v, cv)) leaves(w, items[i], cv, negated, !is_and, named);
        }
        return;
    }
    if (e->kind == AEO_EXPR_UNARY && e->u.unary.op == AEO_OPR_NOT) {
        leaves(w, e->u.unary.a, aeo_explain_eval(w->c, w->vm, e->u.unary.a), !negated, in_or, named);
        return;
    }
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_FUNC && w->n_expanding < MAX_DEPTH) {
        const aeo_decl *d = w->c->defs.items[e->ref_index];
        bool plain = true;
        for (uint32_t i = 0; i < e->u.call.n_args; i++) plain &= !has_macro(e->u.call.args[i]);
        if (plain && !expanding_in(w->expanding, w->n_expanding, d) && d->value && !is_literal(d->value)) {
            w->expanding[w->n_expanding++] = d;
            leaves(w, subst(aeo_vm_arena(w->vm), d->value, e->u.call.args, d->n_params), v, negated, in_or, named ? named : e);
            w->n_expanding--;
            return;
        }
    }
    if (e->kind == AEO_EXPR_IDENT && (e->ref == AEO_REF_DEF || e->ref == AEO_REF_TIER) && w->n_expanding < MAX_DEPTH) {
        const aeo_decl *d = e->ref == AEO_REF_DEF ? w->c->defs.items[e->ref_index] : w->c->tiers.items[e->ref_index];
        if (!expanding_in(w->expanding, w->n_expanding, d) && d->value && !is_literal(d->value)) {
            w->expanding[w->n_expanding++] = d;
            leaves(w, d->value, v, negated, in_or, named ? named : e);
            w->n_expanding--;
            return;
        }
    }
    leaf_at(w, e, v, negated, in_or, named);
}

void aeo_explain_leaves(aeo_catalog *c, aeo_vm *vm, const aeo_expr *e, bool negated,
                        bool (*stop)(const aeo_expr *e, void *ud), void (*fn)(const aeo_explain_leaf *leaf, void *ud),
                        void *ud) {
    leaf_walk w = {c, vm, stop, fn, ud, {0}, 0};
    leaves(&w, e, aeo_explain_eval(c, vm, e), negated, false, NULL);
}

void aeo_explain_terms(aeo_catalog *c, aeo_vm *vm, uint32_t idx, void (*fn)(const aeo_explain_term *t, void *ud),
                       void *ud) {
    const aeo_decl *d = c->measures.items[idx];
    const aeo_measure *mv = d->measure;
    aeo_value result = aeo_vm_measure(vm, idx);
    aeo_measure_outcome o = aeo_outcome_classify(aeo_vm_arena(vm), result);
    if (!aeo_vm_in_force(vm, idx)) {
        aeo_explain_term t = {AEO_TERM_IN_FORCE, NULL, aeo_bool(false), false};
        fn(&t, ud);
        return;
    }
    bool found = false;   /* a term decided: the cases do not */
    if (mv->scope) {
        aeo_value v = aeo_explain_eval(c, vm, mv->scope);
        if (child_decides(true, result, v)) {
            found = true;
            aeo_explain_term t = {AEO_TERM_SCOPE, mv->scope, v, false};
            fn(&t, ud);
        }
    }
    if (mv->tier_prop && mv->n_tiers > 0) {
        /* Any tier: an ||, decided as explain's tree decides it. */
        aeo_value any = aeo_bool(false);
        for (uint32_t i = 0; i < mv->n_tiers; i++) {
            aeo_value v = aeo_explain_eval(c, vm, mv->tiers[i]);
            if (i == 0) any = v;
            else if (kind_of(v) == 1 || kind_of(any) == 1) any = aeo_bool(true);
            else if (kind_of(v) == 2) any = v;
            else if (kind_of(any) == 0) any = v;
        }
        if (child_decides(true, result, any)) {
            found = true;
            aeo_explain_term t = {AEO_TERM_TIER, mv->tier_prop->value, any, false};
            fn(&t, ud);
        }
    }
    for (uint32_t i = 0; i < mv->n_conds; i++) {
        const aeo_cond *cd = &mv->conds[i];
        aeo_value v = aeo_explain_eval(c, vm, cd->expr);
        aeo_value term = v;
        if (cd->negate && v.kind == AEO_V_BOOL) term = aeo_bool(!v.as.b);
        if (child_decides(true, result, term)) {
            found = true;
            aeo_explain_term t = {cd->negate ? AEO_TERM_UNLESS : AEO_TERM_WHEN, cd->expr, v, cd->negate};
            fn(&t, ud);
        }
    }
    /* A valued measure whose terms all hold: its cases decide (none holds,
     * or the first that is not false is undecided or fails). */
    if (mv->value_type && !found && (o.kind == AEO_OUTCOME_NOT || o.kind == AEO_OUTCOME_UNDECIDED || o.kind == AEO_OUTCOME_ERROR)) {
        int32_t won = aeo_vm_measure_case(vm, idx);
        if (won >= 0) return;
        for (uint32_t i = 0; i < mv->n_cases; i++) {
            aeo_value cv = aeo_explain_eval(c, vm, mv->cases[i].cond);
            if (kind_of(cv) == 1) break;
            if (o.kind == AEO_OUTCOME_NOT && kind_of(cv) != 0) break;
            if (o.kind != AEO_OUTCOME_NOT && kind_of(cv) == 0) continue;
            aeo_explain_term t = {AEO_TERM_CASE, mv->cases[i].cond, cv, false};
            fn(&t, ud);
            if (o.kind != AEO_OUTCOME_NOT) break;
        }
    }
}
