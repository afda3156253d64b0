/* Why, in words (lang/why.h).
 *
 * Per record, a model first, then one of four renderers:
 *   - each selected measure is classified (runtime/outcome.c) and, unless
 *     granted, its deciding terms (aeo_explain_terms) become reasons: the
 *     requirement from the deciding leaves down to the first labelled name
 *     (aeo_explain_leaves with a stop at labelled defs, tiers and
 *     functions), the facts from the deciding leaves all the way down;
 *   - reasons of the scope and the tiers are "shared": measures whose
 *     shared reasons read the same are listed under one statement of them;
 *   - the solver's suggestions and ask order are rendered to strings at
 *     once (its answers live only until its next call).
 * Everything lives in the VM's record arena (freed by aeo_vm_end). */
#include "lang/why.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/explain.h"
#include "lang/printable.h"
#include "lang/text.h"
#include "runtime/celtime.h"
#include "runtime/outcome.h"

#define MAX_FACTS 32
#define MAX_REASONS 16
#define MAX_LEAVES 32

typedef struct fact {
    const char *path;      /* "enterprise.credit", "as_of", a measure ID */
    const char *label;     /* its label, or the path */
    const char *text;      /* "customs credit tier is general certified enterprise" */
    aeo_value value;       /* UNKNOWN when not given */
} fact;

typedef struct reason {
    aeo_term_kind term;
    bool excluded;         /* an unless: "excluded when" */
    const char *requires;
    fact facts[MAX_FACTS];
    uint32_t n_facts;
    const char *sentence;
} reason;

typedef struct mstate {
    uint32_t idx;
    aeo_measure_outcome o;
    aeo_value granted;     /* a valued measure that applies: its value */
    const char *cite;      /* granted: the winning case's cite, else the measure's */
    reason *reasons[MAX_REASONS];
    uint32_t n_reasons;
    int32_t group;         /* its shared reasons' group, or -1 */
    const char *sug_text;  /* "would apply if" as text, or NULL */
    const char *sug_json;  /* as JSON */
} mstate;

typedef struct group {
    const char *key;
    reason *shared[MAX_REASONS];
    uint32_t n_shared;
} group;

typedef struct ctx {
    aeo_catalog *c;
    aeo_vm *vm;
    aeo_arena *a;
    const aeo_why_opts *o;
    const char *lang;      /* labels: --lang or the base language */
    const char *wlang;     /* aeo's words */
    /* while a reason is built */
    reason *r;
    const char *req[MAX_LEAVES];
    bool req_or[MAX_LEAVES];
    uint32_t n_req;
} ctx;

/* ---- words and labels ------------------------------------------------------- */

static const char *W(const ctx *x, aeo_word w) { return aeo_text_word(x->wlang, w); }

static const char *fill(const ctx *x, aeo_word w, const char *a, const char *b) {
    aeo_buf t = {0};
    const char *args[6] = {a, b, NULL, NULL, NULL, NULL};
    aeo_text_fill(&t, x->wlang, w, args);
    char *s = aeo_arena_strdup(x->a, t.data ? t.data : "");
    aeo_buf_free(&t);
    return s;
}

static const char *fill1(const ctx *x, aeo_word w, char letter, const char *v) {
    aeo_buf t = {0};
    const char *args[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    const char *letters = "abndeu";
    args[strchr(letters, letter) - letters] = v;
    aeo_text_fill(&t, x->wlang, w, args);
    char *s = aeo_arena_strdup(x->a, t.data ? t.data : "");
    aeo_buf_free(&t);
    return s;
}

static const char *label(const ctx *x, const char *key) { return aeo_text_get(x->c, x->lang, key, NULL); }

/* The source text of [e], whole. */
static const char *src(const ctx *x, const aeo_expr *e) {
    size_t len;
    char *t = aeo_expr_text(e, &len);
    char *s = aeo_arena_strndup(x->a, t, len);
    free(t);
    return s;
}

/* [e] is a fact path (a chain of field reads from the facts root). */
static bool is_path(const aeo_expr *e) {
    while (e->kind == AEO_EXPR_SELECT) e = e->u.select.operand;
    return e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_ROOT;
}

static void date_text(char *buf, aeo_value ts) {
    aeo_time_format_timestamp(ts.as.i, ts.nanos, buf);
    if (strlen(buf) == 20 && strcmp(buf + 10, "T00:00:00Z") == 0) buf[10] = '\0';
}

/* An enum value of fact [path] by its label, else the value itself. */
static const char *enum_text(const ctx *x, const char *path, const char *v) {
    if (path) {
        char *key = aeo_arena_printf(x->a, "%s[\"%s\"]", path, v);
        const char *l = label(x, key);
        if (l) return l;
    }
    return v;
}

/* A value as an officer reads it: strings as they are (an enum value by
 * its label), yes/no, dates, lists joined. */
static void value_words(const ctx *x, aeo_buf *b, aeo_value v, const char *path) {
    switch (v.kind) {
    case AEO_V_UNKNOWN: aeo_buf_puts(b, W(x, AEO_WORD_WHY_NOT_GIVEN)); break;
    case AEO_V_BOOL: aeo_buf_puts(b, W(x, v.as.b ? AEO_WORD_WHY_YES : AEO_WORD_WHY_NO)); break;
    case AEO_V_STRING: {
        const char *s = aeo_arena_strndup(x->a, v.as.s->data, v.as.s->len);
        if (!v.as.s->len) aeo_buf_puts(b, "\"\"");
        else aeo_buf_puts(b, enum_text(x, path, s));
        break;
    }
    case AEO_V_TIMESTAMP: {
        char d[48];
        date_text(d, v);
        aeo_buf_puts(b, d);
        break;
    }
    case AEO_V_LIST:
        /* In brackets: a list's commas are not the sentence's. */
        if (v.as.l->len == 0) aeo_buf_puts(b, W(x, AEO_WORD_WHY_NONE));
        else aeo_buf_puts(b, "[");
        for (uint32_t i = 0; i < v.as.l->len; i++) {
            if (i) aeo_buf_puts(b, W(x, AEO_WORD_WHY_LIST_SEP));
            value_words(x, b, v.as.l->items[i], path);
        }
        if (v.as.l->len) aeo_buf_puts(b, "]");
        break;
    case AEO_V_DURATION:
        if (v.nanos == 0) {
            int64_t sec = v.as.i;
            char n[32];
            aeo_word w = AEO_WORD_WHY_SECONDS;
            if (sec % 86400 == 0) sec /= 86400, w = AEO_WORD_WHY_DAYS;
            else if (sec % 3600 == 0) sec /= 3600, w = AEO_WORD_WHY_HOURS;
            snprintf(n, sizeof n, "%lld", (long long)sec);
            aeo_buf_puts(b, fill1(x, w, 'n', n));
        } else {
            aeo_value_format(b, v);
        }
        break;
    case AEO_V_ERROR: aeo_buf_printf(b, "%s (%s)", W(x, AEO_WORD_WHY_ERROR), v.as.e->msg); break;
    default: aeo_value_format(b, v); break;
    }
}

static const char *value_str(const ctx *x, aeo_value v, const char *path) {
    aeo_buf b = {0};
    value_words(x, &b, v, path);
    char *s = aeo_arena_strdup(x->a, b.data ? b.data : "");
    aeo_buf_free(&b);
    return s;
}

/* The label of fact [path], else the path. */
static const char *path_label(const ctx *x, const char *path) {
    const char *l = label(x, path);
    return l ? l : path;
}

/* "customs credit tier is general certified enterprise", "imports goods",
 * "not: imports goods", "date of certification is not given". */
static const char *fact_sentence(const ctx *x, const char *lab, aeo_value v, const char *path) {
    if (v.kind == AEO_V_UNKNOWN) return fill(x, AEO_WORD_CMP_GIVEN_NOT, lab, NULL);
    if (v.kind == AEO_V_BOOL) return v.as.b ? lab : fill(x, AEO_WORD_CMP_NOT, lab, NULL);
    return fill(x, AEO_WORD_CMP_EQ, lab, value_str(x, v, path));
}

static void add_fact(ctx *x, reason *r, const char *path, const char *lab, aeo_value v, const char *text) {
    for (uint32_t i = 0; i < r->n_facts; i++)
        if (strcmp(r->facts[i].path, path) == 0) return;
    if (r->n_facts == MAX_FACTS) return;
    fact *f = &r->facts[r->n_facts++];
    f->path = path;
    f->label = lab;
    f->value = v;
    f->text = text ? text : fact_sentence(x, lab, v, path);
}

/* ---- requirements: the deciding leaves, read as words ----------------------- */

static const char *operand(const ctx *x, const aeo_expr *e, const char *enum_path);

/* Whether [e] has a label: stops the walk there, its label says it. */
static bool labelled(const aeo_expr *e, void *ud) {
    const ctx *x = ud;
    if (e->kind == AEO_EXPR_IDENT && (e->ref == AEO_REF_DEF || e->ref == AEO_REF_TIER))
        return label(x, e->u.ident.name) != NULL;
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_FUNC) return label(x, e->u.call.name) != NULL;
    return e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_MEASURE;
}

/* Whether [e] is a constant: a literal, a const, or a call on literals
 * (timestamp("2021-11-01")). */
static bool constant(const aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_NULL: case AEO_EXPR_BOOL: case AEO_EXPR_INT: case AEO_EXPR_UINT:
    case AEO_EXPR_DOUBLE: case AEO_EXPR_STRING: case AEO_EXPR_BYTES: return true;
    case AEO_EXPR_IDENT: return e->ref == AEO_REF_CONST;
    case AEO_EXPR_LIST:
        for (uint32_t i = 0; i < e->u.list.n; i++)
            if (!constant(e->u.list.items[i])) return false;
        return true;
    case AEO_EXPR_CALL:
        if (e->ref != AEO_REF_BUILTIN || e->u.call.target) return false;
        for (uint32_t i = 0; i < e->u.call.n_args; i++)
            if (!constant(e->u.call.args[i])) return false;
        return true;
    default: return false;
    }
}

/* A measure's "ID title" in the label language. */
static const char *measure_name(const ctx *x, uint32_t idx) {
    const aeo_measure_info *m = &x->c->program->measures[idx];
    return aeo_arena_printf(x->a, "%s %s", m->id, aeo_text_measure(x->c, x->lang, m->id, NULL, m->title));
}

/* An operand as words.  [enum_path]: the fact path whose enum labels a
 * string literal here reads through (the other side of an ==). */
static const char *operand(const ctx *x, const aeo_expr *e, const char *enum_path) {
    if (is_path(e)) {
        const char *p = src(x, e);
        return path_label(x, p);
    }
    switch (e->kind) {
    case AEO_EXPR_IDENT:
        if (e->ref == AEO_REF_AS_OF) return W(x, AEO_WORD_WHY_AS_OF_LABEL);
        if (e->ref == AEO_REF_MEASURE) return measure_name(x, e->ref_index);
        if (e->ref == AEO_REF_CONST || e->ref == AEO_REF_DEF || e->ref == AEO_REF_TIER) {
            const char *l = label(x, e->u.ident.name);
            if (l) return l;
            /* An unlabelled const: its name and its value. */
            if (e->ref == AEO_REF_CONST) {
                aeo_value v = aeo_explain_eval(x->c, x->vm, e);
                if (v.kind != AEO_V_ERROR) return aeo_arena_printf(x->a, "%s (%s)", e->u.ident.name, value_str(x, v, NULL));
            }
            return e->u.ident.name;
        }
        break;
    case AEO_EXPR_STRING: {
        if (enum_path) {
            const char *l = enum_text(x, enum_path, e->u.str.s);
            if (l != e->u.str.s) return l;
        }
        /* A string as it reads; quoted only when it is empty. */
        return e->u.str.len && strlen(e->u.str.s) == e->u.str.len ? e->u.str.s : src(x, e);
    }
    case AEO_EXPR_LIST: {
        aeo_buf b = {0};
        for (uint32_t i = 0; i < e->u.list.n; i++) {
            if (i) aeo_buf_puts(&b, W(x, AEO_WORD_WHY_LIST_SEP));
            aeo_buf_puts(&b, operand(x, e->u.list.items[i], enum_path));
        }
        char *s = aeo_arena_strdup(x->a, b.data ? b.data : "");
        aeo_buf_free(&b);
        return s;
    }
    case AEO_EXPR_CALL:
        if (e->ref == AEO_REF_FUNC) {
            const char *l = label(x, e->u.call.name);
            if (l) return l;
        }
        if (e->ref == AEO_REF_BUILTIN && strcmp(e->u.call.name, "size") == 0) {
            const aeo_expr *of = e->u.call.target ? e->u.call.target : e->u.call.n_args ? e->u.call.args[0] : NULL;
            if (of) return fill(x, AEO_WORD_CMP_SIZE, operand(x, of, NULL), NULL);
        }
        if (constant(e)) {
            aeo_value v = aeo_explain_eval(x->c, x->vm, e);
            if (v.kind != AEO_V_ERROR) return value_str(x, v, NULL);
        }
        break;
    default:
        if (constant(e) && e->kind != AEO_EXPR_STRING) return src(x, e);
        break;
    }
    return src(x, e);
}

static bool is_time(const aeo_expr *e) { return e->type && e->type->kind == AEO_T_TIMESTAMP; }

/* The requirement leaf [e] as words ([neg]: the rule asks it to be false). */
static const char *requirement(const ctx *x, const aeo_expr *e, bool neg) {
    if (e->kind == AEO_EXPR_BINARY) {
        aeo_operator op = e->u.binary.op;
        const aeo_expr *a = e->u.binary.a, *b = e->u.binary.b;
        /* A constant on the left reads better on the right: flip. */
        if (op != AEO_OPR_IN && constant(a) && !constant(b)) {
            const aeo_expr *t = a;
            a = b, b = t;
            op = op == AEO_OPR_LT ? AEO_OPR_GT : op == AEO_OPR_GT ? AEO_OPR_LT
               : op == AEO_OPR_LE ? AEO_OPR_GE : op == AEO_OPR_GE ? AEO_OPR_LE : op;
        }
        if (neg) {
            switch (op) {
            case AEO_OPR_EQ: op = AEO_OPR_NE; neg = false; break;
            case AEO_OPR_NE: op = AEO_OPR_EQ; neg = false; break;
            case AEO_OPR_LT: op = AEO_OPR_GE; neg = false; break;
            case AEO_OPR_GE: op = AEO_OPR_LT; neg = false; break;
            case AEO_OPR_GT: op = AEO_OPR_LE; neg = false; break;
            case AEO_OPR_LE: op = AEO_OPR_GT; neg = false; break;
            default: break;
            }
        }
        const char *ep = is_path(a) ? src(x, a) : NULL;
        bool t = is_time(a) || is_time(b);
        /* x == true, x == false: the predicate itself. */
        if ((op == AEO_OPR_EQ || op == AEO_OPR_NE) && b->kind == AEO_EXPR_BOOL) {
            bool want = (op == AEO_OPR_EQ) == b->u.b;
            return want ? operand(x, a, NULL) : fill(x, AEO_WORD_CMP_NOT, operand(x, a, NULL), NULL);
        }
        aeo_word w = AEO_WORD__COUNT;
        switch (op) {
        case AEO_OPR_EQ: w = AEO_WORD_CMP_EQ; break;
        case AEO_OPR_NE: w = AEO_WORD_CMP_NE; break;
        case AEO_OPR_GE: w = t ? AEO_WORD_CMP_ON_OR_AFTER : AEO_WORD_CMP_GE; break;
        case AEO_OPR_GT: w = t ? AEO_WORD_CMP_AFTER : AEO_WORD_CMP_GT; break;
        case AEO_OPR_LE: w = t ? AEO_WORD_CMP_ON_OR_BEFORE : AEO_WORD_CMP_LE; break;
        case AEO_OPR_LT: w = t ? AEO_WORD_CMP_BEFORE : AEO_WORD_CMP_LT; break;
        case AEO_OPR_IN:
            if (b->kind == AEO_EXPR_LIST || constant(b)) {
                const char *s = fill(x, neg ? AEO_WORD_CMP_NONE_OF : AEO_WORD_CMP_ONE_OF, operand(x, a, NULL),
                                     operand(x, b, ep));
                return s;
            }
            /* "x" in a list fact: the fact has it. */
            return fill(x, neg ? AEO_WORD_CMP_HAS_NOT : AEO_WORD_CMP_HAS, operand(x, b, NULL),
                        operand(x, a, is_path(b) ? src(x, b) : NULL));
        default: break;
        }
        if (w != AEO_WORD__COUNT) {
            const char *s = fill(x, w, operand(x, a, NULL), operand(x, b, ep));
            return neg ? fill(x, AEO_WORD_CMP_NOT, s, NULL) : s;
        }
    }
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_BUILTIN && e->u.call.target && e->u.call.n_args == 1) {
        static const struct { const char *name; aeo_word yes, no; } str_fns[] = {
            {"startsWith", AEO_WORD_CMP_STARTS, AEO_WORD_CMP_STARTS_NOT},
            {"endsWith", AEO_WORD_CMP_ENDS, AEO_WORD_CMP_ENDS_NOT},
            {"contains", AEO_WORD_CMP_CONTAINS, AEO_WORD_CMP_CONTAINS_NOT},
            {"matches", AEO_WORD_CMP_MATCHES, AEO_WORD_CMP_MATCHES_NOT},
        };
        for (size_t i = 0; i < sizeof str_fns / sizeof str_fns[0]; i++)
            if (strcmp(e->u.call.name, str_fns[i].name) == 0)
                return fill(x, neg ? str_fns[i].no : str_fns[i].yes, operand(x, e->u.call.target, NULL),
                            operand(x, e->u.call.args[0], NULL));
    }
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_MACRO) {
        if (e->macro == AEO_MACRO_HAS && e->u.call.n_args == 1)
            return fill(x, neg ? AEO_WORD_CMP_GIVEN_NOT : AEO_WORD_CMP_GIVEN, operand(x, e->u.call.args[0], NULL), NULL);
        aeo_word w = e->macro == AEO_MACRO_ALL ? AEO_WORD_CMP_ALL
                   : e->macro == AEO_MACRO_EXISTS ? AEO_WORD_CMP_EXISTS
                   : e->macro == AEO_MACRO_EXISTS_ONE ? AEO_WORD_CMP_EXISTS_ONE : AEO_WORD__COUNT;
        if (w != AEO_WORD__COUNT && e->u.call.target && e->u.call.n_args >= 2) {
            const char *s = fill(x, w, operand(x, e->u.call.target, NULL), src(x, e->u.call.args[e->u.call.n_args - 1]));
            return neg ? fill(x, AEO_WORD_CMP_NOT, s, NULL) : s;
        }
    }
    if (e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_MEASURE) {
        const char *s = fill(x, AEO_WORD_CMP_MEASURE, measure_name(x, e->ref_index), W(x, AEO_WORD_APPLIES));
        return neg ? fill(x, AEO_WORD_CMP_NOT, s, NULL) : s;
    }
    const char *s = operand(x, e, NULL);
    return neg ? fill(x, AEO_WORD_CMP_NOT, s, NULL) : s;
}

/* ---- facts: what the deciding leaves read ----------------------------------- */

static void facts_in(ctx *x, const aeo_expr *e);

static void facts_child(const aeo_expr *e, void *ud) { facts_in(ud, e); }

static void facts_in(ctx *x, const aeo_expr *e) {
    if (!e) return;
    if (is_path(e) && e->kind == AEO_EXPR_SELECT) {
        const char *p = src(x, e);
        add_fact(x, x->r, p, path_label(x, p), aeo_explain_eval(x->c, x->vm, e), NULL);
        return;
    }
    if (e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_AS_OF) {
        add_fact(x, x->r, "as_of", W(x, AEO_WORD_WHY_AS_OF_LABEL), aeo_vm_as_of(x->vm), NULL);
        return;
    }
    if (e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_MEASURE) {
        aeo_measure_outcome o = aeo_outcome_classify(x->a, aeo_vm_measure(x->vm, e->ref_index));
        const char *name = measure_name(x, e->ref_index);
        add_fact(x, x->r, x->c->program->measures[e->ref_index].id, name, aeo_null(),
                 fill(x, AEO_WORD_CMP_MEASURE, name, aeo_text_outcome(x->wlang, (int)o.kind)));
        return;
    }
    /* A filter(): what it kept. */
    if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_MACRO && e->macro == AEO_MACRO_FILTER && e->u.call.target) {
        const char *t = src(x, e);
        add_fact(x, x->r, t, t, aeo_explain_eval(x->c, x->vm, e), NULL);
        facts_in(x, e->u.call.target);
        return;
    }
    aeo_expr_each_child(e, facts_child, x);
}

static void deep_leaf(const aeo_explain_leaf *l, void *ud) {
    ctx *x = ud;
    facts_in(x, l->expr);
    if (l->element >= 0 && l->expr->kind == AEO_EXPR_CALL && l->expr->u.call.target) {
        const aeo_expr *t = l->expr->u.call.target;
        const char *tp = is_path(t) ? src(x, t) : NULL;
        char n[24];
        snprintf(n, sizeof n, "%lld", (long long)l->element + 1);
        /* "item 2 of LIST": {a} the list's label, {n} the item counted from 1. */
        aeo_buf b = {0};
        const char *args[6] = {tp ? path_label(x, tp) : src(x, t), NULL, n, NULL, NULL, NULL};
        aeo_text_fill(&b, x->wlang, AEO_WORD_WHY_ITEM, args);
        const char *lab = aeo_arena_strdup(x->a, b.data);
        aeo_buf_free(&b);
        add_fact(x, x->r, aeo_arena_printf(x->a, "%s[%lld]", tp ? tp : src(x, t), (long long)l->element), lab,
                 l->element_value, fill(x, AEO_WORD_CMP_EQ, lab, value_str(x, l->element_value, tp)));
    }
}

static void req_leaf(const aeo_explain_leaf *l, void *ud) {
    ctx *x = ud;
    if (x->n_req < MAX_LEAVES) {
        x->req[x->n_req] = requirement(x, l->expr, l->negated);
        x->req_or[x->n_req] = l->in_or;
        x->n_req++;
    }
    aeo_explain_leaves(x->c, x->vm, l->expr, false, NULL, deep_leaf, x);
    if (l->element >= 0) {
        aeo_explain_leaf copy = *l;
        deep_leaf(&copy, x);
    }
}

/* Joins the requirement leaves gathered since [from]: "a or b", "a and b". */
static const char *join_req(ctx *x, uint32_t from) {
    aeo_buf b = {0};
    for (uint32_t i = from; i < x->n_req; i++) {
        if (i > from) aeo_buf_puts(&b, W(x, x->req_or[i] && x->req_or[i - 1] ? AEO_WORD_WHY_OR : AEO_WORD_WHY_AND));
        aeo_buf_puts(&b, x->req[i]);
    }
    char *s = aeo_arena_strdup(x->a, b.data ? b.data : "");
    aeo_buf_free(&b);
    x->n_req = from;
    return s;
}

static int value_kind(aeo_value v) {
    if (v.kind == AEO_V_BOOL) return v.as.b ? 1 : 0;
    return v.kind == AEO_V_UNKNOWN ? 2 : 3;
}

/* One deciding term of measure [idx] as a reason. */
static reason *make_reason(ctx *x, uint32_t idx, const aeo_explain_term *t) {
    reason *r = aeo_arena_alloc(x->a, sizeof *r);
    memset(r, 0, sizeof *r);
    r->term = t->kind;
    r->excluded = t->negated;
    x->r = r;
    x->n_req = 0;
    const aeo_measure *mv = x->c->measures.items[idx]->measure;
    const aeo_measure_info *m = &x->c->program->measures[idx];
    if (t->kind == AEO_TERM_IN_FORCE) {
        aeo_buf b = {0};
        aeo_buf_puts(&b, W(x, AEO_WORD_WHY_NOT_IN_FORCE));
        char d[48];
        if (m->has_effective || m->has_expires) aeo_buf_puts(&b, " (");
        if (m->has_effective) {
            date_text(d, m->effective);
            aeo_buf_puts(&b, fill1(x, AEO_WORD_WHY_EFFECTIVE, 'd', d));
        }
        if (m->has_expires) {
            date_text(d, m->expires);
            if (m->has_effective) aeo_buf_puts(&b, W(x, AEO_WORD_WHY_LIST_SEP));
            aeo_buf_puts(&b, fill1(x, AEO_WORD_WHY_EXPIRES, 'd', d));
        }
        if (m->has_effective || m->has_expires) aeo_buf_puts(&b, ")");
        r->requires = aeo_arena_strdup(x->a, b.data);
        aeo_buf_free(&b);
        add_fact(x, r, "as_of", W(x, AEO_WORD_WHY_AS_OF_LABEL), aeo_vm_as_of(x->vm), NULL);
    } else if (t->kind == AEO_TERM_TIER) {
        /* Any of the tiers: those that decide the "any", joined by "or". */
        aeo_buf b = {0};
        uint32_t shown = 0;
        for (uint32_t i = 0; i < mv->n_tiers; i++) {
            aeo_value v = aeo_explain_eval(x->c, x->vm, mv->tiers[i]);
            if (mv->n_tiers > 1 && value_kind(v) != value_kind(t->value)) continue;
            aeo_explain_leaves(x->c, x->vm, mv->tiers[i], false, labelled, req_leaf, x);
            if (shown++) aeo_buf_puts(&b, W(x, AEO_WORD_WHY_OR));
            aeo_buf_puts(&b, join_req(x, 0));
        }
        r->requires = aeo_arena_strdup(x->a, b.data ? b.data : "");
        aeo_buf_free(&b);
    } else {
        aeo_explain_leaves(x->c, x->vm, t->expr, false, labelled, req_leaf, x);
        r->requires = join_req(x, 0);
    }
    aeo_buf s = {0};
    aeo_buf_puts(&s, W(x, r->excluded ? AEO_WORD_WHY_EXCLUDED : AEO_WORD_WHY_REQUIRES));
    aeo_buf_puts(&s, W(x, AEO_WORD_WHY_COLON));
    aeo_buf_puts(&s, r->requires);
    if (r->n_facts) {
        aeo_buf_puts(&s, W(x, AEO_WORD_WHY_SEP));
        aeo_buf_puts(&s, W(x, AEO_WORD_WHY_THIS));
        aeo_buf_puts(&s, W(x, AEO_WORD_WHY_COLON));
        for (uint32_t i = 0; i < r->n_facts; i++) {
            if (i) aeo_buf_puts(&s, W(x, AEO_WORD_WHY_LIST_SEP));
            aeo_buf_puts(&s, r->facts[i].text);
        }
    }
    r->sentence = aeo_arena_strdup(x->a, s.data);
    aeo_buf_free(&s);
    return r;
}

typedef struct term_sink {
    ctx *x;
    mstate *m;
} term_sink;

static void on_term(const aeo_explain_term *t, void *ud) {
    term_sink *ts = ud;
    if (ts->m->n_reasons < MAX_REASONS) ts->m->reasons[ts->m->n_reasons++] = make_reason(ts->x, ts->m->idx, t);
}

static bool shared(const reason *r) { return r->term == AEO_TERM_SCOPE || r->term == AEO_TERM_TIER; }

/* ---- the solver's answers ------------------------------------------------------ */

static void suggestion(ctx *x, mstate *m) {
    if (!x->o->solver) return;
    aeo_suggestion sg;
    aeo_solver_suggest(x->o->solver, x->vm, m->idx, x->o->max_alts ? x->o->max_alts : 3, &sg);
    aeo_buf t = {0}, j = {0};
    if (sg.status != AEO_SOLVE_OK) {
        /* the reason is the solver's English; its frame is in the language */
        aeo_buf_printf(&t, "%s (", W(x, AEO_WORD_WHY_NOT_KNOWN));
        if (sg.outside) {
            const char *args[6] = {sg.reason, NULL, NULL, NULL, NULL, NULL};
            aeo_text_fill(&t, x->wlang, AEO_WORD_WHY_OUTSIDE, args);
        } else if (sg.reason && strcmp(sg.reason, aeo_text_word(NULL, AEO_WORD_WHY_GAVE_UP)) == 0) {
            aeo_buf_puts(&t, W(x, AEO_WORD_WHY_GAVE_UP));
        } else {
            aeo_buf_puts(&t, sg.reason ? sg.reason : "");
        }
        aeo_buf_puts(&t, ")");
        aeo_buf_puts(&j, "{\"unknown\":");
        aeo_buf_json_string(&j, sg.reason ? sg.reason : "", strlen(sg.reason ? sg.reason : ""));
        aeo_buf_puts(&j, "}");
    } else if (sg.n_alts == 0) {
        aeo_buf_puts(&t, W(x, AEO_WORD_WHY_NO_CHANGE));
        aeo_buf_puts(&j, "[]");
    } else {
        aeo_buf_puts(&j, "[");
        for (uint32_t i = 0; i < sg.n_alts; i++) {
            const aeo_solve_facts *f = &sg.alts[i];
            if (i) aeo_buf_puts(&t, W(x, AEO_WORD_WHY_OR_ELSE)), aeo_buf_puts(&j, ",");
            aeo_buf_puts(&j, "{\"facts\":");
            aeo_solve_facts_json(f, &j);
            aeo_buf_puts(&j, ",\"text\":");
            size_t from = t.len;
            for (uint32_t k = 0; k < f->n; k++) {
                if (k) aeo_buf_puts(&t, W(x, AEO_WORD_WHY_LIST_SEP));
                const char *p = aeo_arena_strdup(x->a, f->facts[k].path);
                aeo_buf_puts(&t, fact_sentence(x, path_label(x, p), f->facts[k].value, p));
            }
            aeo_buf_json_string(&j, t.data + from, t.len - from);
            aeo_buf_puts(&j, "}");
        }
        aeo_buf_puts(&j, "]");
    }
    m->sug_text = aeo_arena_strdup(x->a, t.data ? t.data : "");
    m->sug_json = aeo_arena_strdup(x->a, j.data ? j.data : "[]");
    aeo_buf_free(&t);
    aeo_buf_free(&j);
}

/* The position of fact [path]'s top field in the schema (ties of ask). */
static uint32_t schema_pos(const ctx *x, const char *path) {
    const char *p = strchr(path, '.');
    if (!p || !x->c->root) return UINT32_MAX;
    const char *q = strchr(p + 1, '.');
    size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
    for (uint32_t i = 0; i < x->c->root->n_fields; i++)
        if (strlen(x->c->root->fields[i].name) == n && strncmp(x->c->root->fields[i].name, p + 1, n) == 0) return i;
    return UINT32_MAX;
}

typedef struct ask_item {
    const char *path;
    uint32_t count, pos;
} ask_item;

static int ask_cmp(const void *a, const void *b) {
    const ask_item *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* The facts to provide, most decisive first: the solver's ask, or the
 * missing facts of the undecided measures by how many miss each. */
static uint32_t ask_order(ctx *x, const mstate *ms, uint32_t n, const char ***out) {
    uint32_t n_und = 0;
    uint32_t *und = aeo_arena_alloc(x->a, (n + 1) * sizeof *und);
    for (uint32_t k = 0; k < n; k++)
        if (ms[k].o.kind == AEO_OUTCOME_UNDECIDED) und[n_und++] = ms[k].idx;
    *out = NULL;
    if (!n_und) return 0;
    if (x->o->solver) {
        const char *const *paths;
        uint32_t np;
        const char *why;
        if (aeo_solver_ask(x->o->solver, x->vm, und, n_und, &paths, &np, &why) == AEO_SOLVE_OK) {
            const char **copy = aeo_arena_alloc(x->a, (np + 1) * sizeof *copy);
            for (uint32_t i = 0; i < np; i++) copy[i] = aeo_arena_strdup(x->a, paths[i]);
            *out = copy;
            return np;
        }
    }
    uint32_t cap = 64, na = 0;
    ask_item *items = aeo_xcalloc(cap, sizeof *items);
    for (uint32_t k = 0; k < n; k++) {
        if (ms[k].o.kind != AEO_OUTCOME_UNDECIDED) continue;
        const aeo_unknown *u = ms[k].o.detail.as.unk;
        for (uint32_t i = 0; i < u->n; i++) {
            uint32_t j = 0;
            while (j < na && strcmp(items[j].path, u->paths[i]) != 0) j++;
            if (j == na) {
                if (na == cap) items = aeo_xrealloc(items, (cap *= 2) * sizeof *items);
                items[na++] = (ask_item){u->paths[i], 0, schema_pos(x, u->paths[i])};
            }
            items[j].count++;
        }
    }
    qsort(items, na, sizeof *items, ask_cmp);
    const char **paths = aeo_arena_alloc(x->a, (na + 1) * sizeof *paths);
    for (uint32_t i = 0; i < na; i++) paths[i] = items[i].path;
    free(items);
    *out = paths;
    return na;
}

/* ---- the model of one record ------------------------------------------------ */

typedef struct model {
    mstate *ms;
    uint32_t n;
    group *groups;
    uint32_t n_groups;
    const char **ask;
    uint32_t n_ask;
    bool failed;
} model;

static void build(ctx *x, model *md) {
    const aeo_program *p = x->c->program;
    uint32_t n = x->o->sel ? x->o->n_sel : p->n_measures;
    md->n = n;
    md->ms = aeo_arena_alloc(x->a, (n + 1) * sizeof *md->ms);
    md->groups = aeo_arena_alloc(x->a, (n + 1) * sizeof *md->groups);
    md->n_groups = 0;
    md->failed = false;
    for (uint32_t k = 0; k < n; k++) {
        mstate *m = &md->ms[k];
        memset(m, 0, sizeof *m);
        m->idx = x->o->sel ? x->o->sel[k] : k;
        m->group = -1;
        m->o = aeo_outcome_classify(x->a, aeo_vm_measure(x->vm, m->idx));
        const aeo_measure_info *mi = &p->measures[m->idx];
        m->cite = mi->cite;
        if (m->o.kind == AEO_OUTCOME_APPLIES) {
            if (mi->value_type) {
                m->granted = aeo_vm_measure_value(x->vm, m->idx);
                int32_t won = aeo_vm_measure_case(x->vm, m->idx);
                const aeo_measure *mv = x->c->measures.items[m->idx]->measure;
                if (won >= 0 && (uint32_t)won < mv->n_cases && mv->cases[won].cite) m->cite = mv->cases[won].cite;
                else if (won >= 0 && (uint32_t)won == mv->n_cases && mv->else_case && mv->else_case->cite)
                    m->cite = mv->else_case->cite;
            }
            continue;
        }
        if (m->o.kind == AEO_OUTCOME_ERROR) {
            md->failed = true;
            continue;
        }
        term_sink ts = {x, m};
        aeo_explain_terms(x->c, x->vm, m->idx, on_term, &ts);
        if (m->o.kind == AEO_OUTCOME_NOT) suggestion(x, m);
        /* The shared reasons: one group per distinct statement of them. */
        aeo_buf key = {0};
        aeo_buf_printf(&key, "%d|", (int)m->o.kind);
        uint32_t n_sh = 0;
        for (uint32_t i = 0; i < m->n_reasons; i++)
            if (shared(m->reasons[i])) {
                aeo_buf_printf(&key, "%s\n", m->reasons[i]->sentence);
                n_sh++;
            }
        if (n_sh) {
            int32_t g = -1;
            for (uint32_t i = 0; i < md->n_groups && g < 0; i++)
                if (strcmp(md->groups[i].key, key.data) == 0) g = (int32_t)i;
            if (g < 0) {
                group *gr = &md->groups[md->n_groups];
                memset(gr, 0, sizeof *gr);
                gr->key = aeo_arena_strdup(x->a, key.data);
                for (uint32_t i = 0; i < m->n_reasons; i++)
                    if (shared(m->reasons[i])) gr->shared[gr->n_shared++] = m->reasons[i];
                g = (int32_t)md->n_groups++;
            }
            m->group = g;
        }
        aeo_buf_free(&key);
    }
    md->n_ask = ask_order(x, md->ms, n, &md->ask);
}

static void ctx_init(ctx *x, aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o) {
    memset(x, 0, sizeof *x);
    x->c = c;
    x->vm = vm;
    x->a = aeo_vm_arena(vm);
    x->o = o;
    x->lang = o->lang ? o->lang : c->texts ? c->texts->base : NULL;
    x->wlang = x->lang;
}

/* ---- renderers -------------------------------------------------------------- */

static const aeo_word section_words[4] = {AEO_WORD_WHY_GRANTED, AEO_WORD_WHY_NOT_GRANTED, AEO_WORD_WHY_UNDECIDED,
                                          AEO_WORD_WHY_FAILED};
static const aeo_outcome_kind section_order[4] = {AEO_OUTCOME_APPLIES, AEO_OUTCOME_NOT, AEO_OUTCOME_UNDECIDED,
                                                  AEO_OUTCOME_ERROR};

static uint32_t count_kind(const model *md, aeo_outcome_kind k) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < md->n; i++) n += md->ms[i].o.kind == k;
    return n;
}

static const char *title_of(const ctx *x, uint32_t idx) {
    const aeo_measure_info *m = &x->c->program->measures[idx];
    return aeo_text_measure(x->c, x->lang, m->id, NULL, m->title);
}

/* "20 % of the general-credit average inspection rate", "exempt" */
static const char *granted_text(const ctx *x, const mstate *m) {
    if (m->granted.kind == AEO_V_NULL) return NULL;
    const aeo_measure_info *mi = &x->c->program->measures[m->idx];
    const char *v = value_str(x, m->granted, NULL);
    if (!mi->unit) return v;
    return aeo_arena_printf(x->a, "%s %s", v, aeo_text_measure(x->c, x->lang, mi->id, "unit", mi->unit));
}

static const char *provide_item(const ctx *x, const char *path) {
    const char *l = label(x, path);
    return l ? aeo_arena_printf(x->a, "%s (%s)", l, path) : path;
}

static const char *error_text(const ctx *x, const mstate *m) {
    const aeo_error *e = m->o.detail.as.e;
    aeo_buf b = {0};
    aeo_buf_puts(&b, e->msg);
    if (e->has_span) aeo_sources_append_at(&x->c->sources, e->span, &b);
    char *s = aeo_arena_strdup(x->a, b.data);
    aeo_buf_free(&b);
    return s;
}

/* The order a section is shown in: the measures without shared reasons,
 * then each shared reason once ("because: S"), with the measures it alone
 * decides under it, then those that a second shared reason decides too
 * (the scope and a tier), under an "and: S2" of their own. */
typedef enum { P_HEAD, P_SUB, P_MEASURE } plan_kind;
typedef struct plan_item {
    plan_kind kind;
    int level;
    const reason *r;     /* P_HEAD */
    const group *g;      /* P_SUB: its shared reasons after the first */
    const mstate *m;     /* P_MEASURE */
} plan_item;

static uint32_t plan(const model *md, aeo_outcome_kind k, plan_item *out) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < md->n; i++)
        if (md->ms[i].o.kind == k && md->ms[i].group < 0) out[n++] = (plan_item){P_MEASURE, 0, NULL, NULL, &md->ms[i]};
    bool *done = aeo_xcalloc(md->n_groups + 1, sizeof *done);
    for (uint32_t g = 0; g < md->n_groups; g++) {
        if (done[g]) continue;
        const char *head = md->groups[g].shared[0]->sentence;
        bool headed = false;
        for (int pass = 0; pass < 2; pass++)
            for (uint32_t h = g; h < md->n_groups; h++) {
                const group *gr = &md->groups[h];
                if (done[h] || strcmp(gr->shared[0]->sentence, head) != 0 || (pass == 0) != (gr->n_shared == 1)) continue;
                done[h] = true;
                bool any = false;
                for (uint32_t i = 0; i < md->n && !any; i++) any = md->ms[i].group == (int32_t)h && md->ms[i].o.kind == k;
                if (!any) continue;
                if (!headed) out[n++] = (plan_item){P_HEAD, 0, md->groups[g].shared[0], NULL, NULL};
                headed = true;
                if (pass == 1) out[n++] = (plan_item){P_SUB, 1, NULL, gr, NULL};
                for (uint32_t i = 0; i < md->n; i++)
                    if (md->ms[i].group == (int32_t)h && md->ms[i].o.kind == k)
                        out[n++] = (plan_item){P_MEASURE, pass + 1, NULL, NULL, &md->ms[i]};
            }
    }
    free(done);
    return n;
}

/* Text output: escaped for the terminal at the end (lang/printable.h). */
static void text_measure_body(const ctx *x, const mstate *m, bool skip_shared, int ind, aeo_buf *b) {
    for (uint32_t i = 0; i < m->n_reasons; i++) {
        if (skip_shared && shared(m->reasons[i])) continue;
        aeo_buf_printf(b, "%*s%s%s%s\n", ind, "", W(x, skip_shared ? AEO_WORD_WHY_ALSO : AEO_WORD_WHY_BECAUSE),
                       W(x, AEO_WORD_WHY_COLON), m->reasons[i]->sentence);
    }
    if (m->o.kind == AEO_OUTCOME_UNDECIDED) {
        const aeo_unknown *u = m->o.detail.as.unk;
        aeo_buf_printf(b, "%*s%s%s", ind, "", W(x, AEO_WORD_WHY_PROVIDE), W(x, AEO_WORD_WHY_COLON));
        for (uint32_t i = 0; i < u->n; i++)
            aeo_buf_printf(b, "%s%s", i ? W(x, AEO_WORD_WHY_LIST_SEP) : "", provide_item(x, u->paths[i]));
        aeo_buf_puts(b, "\n");
    }
    if (m->sug_text)
        aeo_buf_printf(b, "%*s%s%s%s\n", ind, "", W(x, AEO_WORD_WHY_WOULD_APPLY_IF), W(x, AEO_WORD_WHY_COLON), m->sug_text);
}

static void text_measure_head(const ctx *x, const mstate *m, int ind, aeo_buf *b) {
    const aeo_measure_info *mi = &x->c->program->measures[m->idx];
    aeo_buf_printf(b, "%*s%s  %s", ind, "", mi->id, title_of(x, m->idx));
    const char *g = granted_text(x, m);
    if (g) aeo_buf_printf(b, "%s%s", W(x, AEO_WORD_WHY_COLON), g);
    aeo_buf_puts(b, "\n");
}

static void render_text(const ctx *x, const model *md, uint64_t recno, const char *key, aeo_buf *b) {
    char n[24], d[48];
    snprintf(n, sizeof n, "%llu", (unsigned long long)recno);
    date_text(d, aeo_vm_as_of(x->vm));
    /* Record 0: the REPL's record, named by its key alone. */
    if (recno) aeo_buf_puts(b, fill1(x, AEO_WORD_WHY_RECORD, 'n', n));
    if (key) aeo_buf_printf(b, "%s%s", recno ? "  " : "", key);
    else if (!recno) aeo_buf_puts(b, W(x, AEO_WORD_WHY_THIS));
    aeo_buf_printf(b, "  (%s)\n", fill1(x, AEO_WORD_WHY_AS_OF, 'd', d));
    for (int s = 0; s < 4; s++) {
        aeo_outcome_kind k = section_order[s];
        uint32_t cnt = count_kind(md, k);
        if (!cnt && k != AEO_OUTCOME_APPLIES) continue;
        aeo_buf_printf(b, "\n%s (%u)\n", W(x, section_words[s]), cnt);
        if (!cnt) aeo_buf_printf(b, "  %s\n", W(x, AEO_WORD_WHY_NONE));
        plan_item *pl = aeo_xcalloc(3 * (size_t)md->n + 3, sizeof *pl);
        uint32_t np = plan(md, k, pl);
        for (uint32_t i = 0; i < np; i++) {
            int ind = 2 + 2 * pl[i].level;
            if (pl[i].kind == P_HEAD) {
                aeo_buf_printf(b, "%*s%s%s%s\n", ind, "", W(x, AEO_WORD_WHY_BECAUSE), W(x, AEO_WORD_WHY_COLON),
                               pl[i].r->sentence);
                continue;
            }
            if (pl[i].kind == P_SUB) {
                for (uint32_t r = 1; r < pl[i].g->n_shared; r++)
                    aeo_buf_printf(b, "%*s%s%s%s\n", ind, "", W(x, AEO_WORD_WHY_ALSO), W(x, AEO_WORD_WHY_COLON),
                                   pl[i].g->shared[r]->sentence);
                continue;
            }
            const mstate *m = pl[i].m;
            text_measure_head(x, m, ind, b);
            if (k == AEO_OUTCOME_APPLIES && m->cite)
                aeo_buf_printf(b, "%*s%s%s%s\n", ind + 4, "", W(x, AEO_WORD_WHY_CITE), W(x, AEO_WORD_WHY_COLON), m->cite);
            if (k == AEO_OUTCOME_ERROR)
                aeo_buf_printf(b, "%*s%s%s%s\n", ind + 4, "", W(x, AEO_WORD_WHY_ERROR), W(x, AEO_WORD_WHY_COLON),
                               error_text(x, m));
            text_measure_body(x, m, m->group >= 0, ind + 4, b);
        }
        free(pl);
    }
    if (md->n_ask) {
        aeo_buf_printf(b, "\n%s\n", W(x, AEO_WORD_WHY_ASK_FIRST));
        for (uint32_t i = 0; i < md->n_ask; i++) aeo_buf_printf(b, "  %u. %s\n", i + 1, provide_item(x, md->ask[i]));
    }
}

/* Markdown: headings per record and section, a table of the granted
 * measures, lists for the others. */
static void md(aeo_buf *b, const char *s) { aeo_printable_md(b, s, true); }

static void md_measure(const ctx *x, const mstate *m, bool skip_shared, int ind, aeo_buf *b) {
    const aeo_measure_info *mi = &x->c->program->measures[m->idx];
    aeo_buf_printf(b, "%*s- **", ind, "");
    md(b, mi->id);
    aeo_buf_puts(b, "** ");
    md(b, title_of(x, m->idx));
    aeo_buf_puts(b, "\n");
    for (uint32_t i = 0; i < m->n_reasons; i++) {
        if (skip_shared && shared(m->reasons[i])) continue;
        aeo_buf_printf(b, "%*s- *%s*%s", ind + 2, "", W(x, skip_shared ? AEO_WORD_WHY_ALSO : AEO_WORD_WHY_BECAUSE),
                       W(x, AEO_WORD_WHY_COLON));
        md(b, m->reasons[i]->sentence);
        aeo_buf_puts(b, "\n");
    }
    if (m->o.kind == AEO_OUTCOME_UNDECIDED) {
        const aeo_unknown *u = m->o.detail.as.unk;
        aeo_buf_printf(b, "%*s- *%s*%s", ind + 2, "", W(x, AEO_WORD_WHY_PROVIDE), W(x, AEO_WORD_WHY_COLON));
        for (uint32_t i = 0; i < u->n; i++) {
            if (i) aeo_buf_puts(b, W(x, AEO_WORD_WHY_LIST_SEP));
            md(b, provide_item(x, u->paths[i]));
        }
        aeo_buf_puts(b, "\n");
    }
    if (m->o.kind == AEO_OUTCOME_ERROR) {
        aeo_buf_printf(b, "%*s- *%s*%s", ind + 2, "", W(x, AEO_WORD_WHY_ERROR), W(x, AEO_WORD_WHY_COLON));
        md(b, error_text(x, m));
        aeo_buf_puts(b, "\n");
    }
    if (m->sug_text) {
        aeo_buf_printf(b, "%*s- *%s*%s", ind + 2, "", W(x, AEO_WORD_WHY_WOULD_APPLY_IF), W(x, AEO_WORD_WHY_COLON));
        md(b, m->sug_text);
        aeo_buf_puts(b, "\n");
    }
}

static void render_md(const ctx *x, const model *mdl, uint64_t recno, const char *key, aeo_buf *b) {
    char n[24], d[48];
    snprintf(n, sizeof n, "%llu", (unsigned long long)recno);
    date_text(d, aeo_vm_as_of(x->vm));
    aeo_buf_puts(b, "## ");
    md(b, fill1(x, AEO_WORD_WHY_RECORD, 'n', n));
    if (key) {
        aeo_buf_puts(b, " · ");
        md(b, key);
    }
    aeo_buf_puts(b, "\n\n");
    md(b, fill1(x, AEO_WORD_WHY_AS_OF, 'd', d));
    aeo_buf_puts(b, "\n");
    for (int s = 0; s < 4; s++) {
        aeo_outcome_kind k = section_order[s];
        uint32_t cnt = count_kind(mdl, k);
        if (!cnt && k != AEO_OUTCOME_APPLIES) continue;
        aeo_buf_printf(b, "\n### %s (%u)\n\n", W(x, section_words[s]), cnt);
        if (k == AEO_OUTCOME_APPLIES) {
            if (!cnt) {
                aeo_buf_printf(b, "%s\n", W(x, AEO_WORD_WHY_NONE));
                continue;
            }
            aeo_buf_printf(b, "| %s | %s | %s | %s |\n|---|---|---|---|\n", W(x, AEO_WORD_ID), W(x, AEO_WORD_TITLE),
                           W(x, AEO_WORD_VALUE), W(x, AEO_WORD_CITE));
            for (uint32_t i = 0; i < mdl->n; i++) {
                const mstate *m = &mdl->ms[i];
                if (m->o.kind != k) continue;
                const char *g = granted_text(x, m);
                aeo_buf_puts(b, "| ");
                md(b, x->c->program->measures[m->idx].id);
                aeo_buf_puts(b, " | ");
                md(b, title_of(x, m->idx));
                aeo_buf_puts(b, " | ");
                if (g) md(b, g);
                aeo_buf_puts(b, " | ");
                if (m->cite) md(b, m->cite);
                aeo_buf_puts(b, " |\n");
            }
            continue;
        }
        plan_item *pl = aeo_xcalloc(3 * (size_t)mdl->n + 3, sizeof *pl);
        uint32_t np = plan(mdl, k, pl);
        for (uint32_t i = 0; i < np; i++) {
            int ind = 2 * pl[i].level;
            if (pl[i].kind == P_HEAD) {
                aeo_buf_printf(b, "%*s- *%s*%s", ind, "", W(x, AEO_WORD_WHY_BECAUSE), W(x, AEO_WORD_WHY_COLON));
                md(b, pl[i].r->sentence);
                aeo_buf_puts(b, "\n");
            } else if (pl[i].kind == P_SUB) {
                aeo_buf_printf(b, "%*s- ", ind, "");
                for (uint32_t r = 1; r < pl[i].g->n_shared; r++) {
                    if (r > 1) aeo_buf_puts(b, "<br>");
                    aeo_buf_printf(b, "*%s*%s", W(x, AEO_WORD_WHY_ALSO), W(x, AEO_WORD_WHY_COLON));
                    md(b, pl[i].g->shared[r]->sentence);
                }
                aeo_buf_puts(b, "\n");
            } else {
                md_measure(x, pl[i].m, pl[i].m->group >= 0, ind, b);
            }
        }
        free(pl);
    }
    if (mdl->n_ask) {
        aeo_buf_printf(b, "\n### %s\n\n", W(x, AEO_WORD_WHY_ASK_FIRST));
        for (uint32_t i = 0; i < mdl->n_ask; i++) {
            aeo_buf_printf(b, "%u. ", i + 1);
            md(b, provide_item(x, mdl->ask[i]));
            aeo_buf_puts(b, "\n");
        }
    }
    aeo_buf_puts(b, "\n");
}

/* HTML: one <section> per record (a page when printed). */
static void h(aeo_buf *b, const char *s) { aeo_printable_xml(b, s); }

static void html_measure(const ctx *x, const mstate *m, bool skip_shared, aeo_buf *b) {
    const aeo_measure_info *mi = &x->c->program->measures[m->idx];
    aeo_buf_puts(b, "<p class=\"title\"><span class=\"id\">");
    h(b, mi->id);
    aeo_buf_puts(b, "</span> ");
    h(b, title_of(x, m->idx));
    aeo_buf_puts(b, "</p><ul>");
    for (uint32_t i = 0; i < m->n_reasons; i++) {
        if (skip_shared && shared(m->reasons[i])) continue;
        aeo_buf_printf(b, "<li><em>%s</em>%s", W(x, skip_shared ? AEO_WORD_WHY_ALSO : AEO_WORD_WHY_BECAUSE),
                       W(x, AEO_WORD_WHY_COLON));
        h(b, m->reasons[i]->sentence);
        aeo_buf_puts(b, "</li>");
    }
    if (m->o.kind == AEO_OUTCOME_UNDECIDED) {
        const aeo_unknown *u = m->o.detail.as.unk;
        aeo_buf_printf(b, "<li><em>%s</em>%s", W(x, AEO_WORD_WHY_PROVIDE), W(x, AEO_WORD_WHY_COLON));
        for (uint32_t i = 0; i < u->n; i++) {
            if (i) aeo_buf_puts(b, W(x, AEO_WORD_WHY_LIST_SEP));
            h(b, provide_item(x, u->paths[i]));
        }
        aeo_buf_puts(b, "</li>");
    }
    if (m->o.kind == AEO_OUTCOME_ERROR) {
        aeo_buf_printf(b, "<li><em>%s</em>%s", W(x, AEO_WORD_WHY_ERROR), W(x, AEO_WORD_WHY_COLON));
        h(b, error_text(x, m));
        aeo_buf_puts(b, "</li>");
    }
    if (m->sug_text) {
        aeo_buf_printf(b, "<li><em>%s</em>%s", W(x, AEO_WORD_WHY_WOULD_APPLY_IF), W(x, AEO_WORD_WHY_COLON));
        h(b, m->sug_text);
        aeo_buf_puts(b, "</li>");
    }
    aeo_buf_puts(b, "</ul>");
}

static void render_html(const ctx *x, const model *mdl, uint64_t recno, const char *key, aeo_buf *b) {
    char n[24], d[48];
    snprintf(n, sizeof n, "%llu", (unsigned long long)recno);
    date_text(d, aeo_vm_as_of(x->vm));
    aeo_buf_puts(b, "<section class=\"record\">\n<h1>");
    h(b, fill1(x, AEO_WORD_WHY_RECORD, 'n', n));
    if (key) {
        aeo_buf_puts(b, " <span class=\"key\">");
        h(b, key);
        aeo_buf_puts(b, "</span>");
    }
    aeo_buf_puts(b, "</h1>\n<p class=\"asof\">");
    h(b, fill1(x, AEO_WORD_WHY_AS_OF, 'd', d));
    aeo_buf_puts(b, "</p>\n");
    for (int s = 0; s < 4; s++) {
        aeo_outcome_kind k = section_order[s];
        uint32_t cnt = count_kind(mdl, k);
        if (!cnt && k != AEO_OUTCOME_APPLIES) continue;
        aeo_buf_printf(b, "<h2>%s (%u)</h2>\n", W(x, section_words[s]), cnt);
        if (k == AEO_OUTCOME_APPLIES) {
            if (!cnt) {
                aeo_buf_printf(b, "<p>%s</p>\n", W(x, AEO_WORD_WHY_NONE));
                continue;
            }
            aeo_buf_printf(b,
                           "<table><colgroup><col class=\"c-id\"><col class=\"c-title\"><col class=\"c-value\">"
                           "<col class=\"c-cite\"></colgroup>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                           "</tr></thead>\n<tbody>\n",
                           W(x, AEO_WORD_ID), W(x, AEO_WORD_TITLE), W(x, AEO_WORD_VALUE), W(x, AEO_WORD_CITE));
            for (uint32_t i = 0; i < mdl->n; i++) {
                const mstate *m = &mdl->ms[i];
                if (m->o.kind != k) continue;
                const char *g = granted_text(x, m);
                aeo_buf_puts(b, "<tr><td class=\"id\">");
                h(b, x->c->program->measures[m->idx].id);
                aeo_buf_puts(b, "</td><td>");
                h(b, title_of(x, m->idx));
                aeo_buf_puts(b, "</td><td>");
                if (g) h(b, g);
                aeo_buf_puts(b, "</td><td>");
                if (m->cite) h(b, m->cite);
                aeo_buf_puts(b, "</td></tr>\n");
            }
            aeo_buf_puts(b, "</tbody></table>\n");
            continue;
        }
        plan_item *pl = aeo_xcalloc(3 * (size_t)mdl->n + 3, sizeof *pl);
        uint32_t np = plan(mdl, k, pl);
        for (uint32_t i = 0; i < np; i++) {
            if (pl[i].kind == P_HEAD) {
                aeo_buf_printf(b, "<p class=\"because l0\"><em>%s</em>%s", W(x, AEO_WORD_WHY_BECAUSE), W(x, AEO_WORD_WHY_COLON));
                h(b, pl[i].r->sentence);
                aeo_buf_puts(b, "</p>\n");
            } else if (pl[i].kind == P_SUB) {
                for (uint32_t r = 1; r < pl[i].g->n_shared; r++) {
                    aeo_buf_printf(b, "<p class=\"because l1\"><em>%s</em>%s", W(x, AEO_WORD_WHY_ALSO), W(x, AEO_WORD_WHY_COLON));
                    h(b, pl[i].g->shared[r]->sentence);
                    aeo_buf_puts(b, "</p>\n");
                }
            } else {
                aeo_buf_printf(b, "<div class=\"measure l%d\">", pl[i].level);
                html_measure(x, pl[i].m, pl[i].m->group >= 0, b);
                aeo_buf_puts(b, "</div>\n");
            }
        }
        free(pl);
    }
    if (mdl->n_ask) {
        aeo_buf_printf(b, "<h2>%s</h2>\n<ol class=\"ask\">\n", W(x, AEO_WORD_WHY_ASK_FIRST));
        for (uint32_t i = 0; i < mdl->n_ask; i++) {
            aeo_buf_puts(b, "<li>");
            h(b, provide_item(x, mdl->ask[i]));
            aeo_buf_puts(b, "</li>\n");
        }
        aeo_buf_puts(b, "</ol>\n");
    }
    aeo_buf_puts(b, "</section>\n");
}

/* JSON: one object per record (see lang/cli/README, "aeo why --format json"). */
static void js(aeo_buf *b, const char *s) { aeo_buf_json_string(b, s, strlen(s)); }

static void json_reason(const reason *r, aeo_buf *b) {
    static const char *const terms[] = {"in_force", "scope", "tier", "when", "unless", "case"};
    aeo_buf_printf(b, "{\"term\":\"%s\",\"%s\":", terms[r->term], r->excluded ? "excluded_when" : "requires");
    js(b, r->requires);
    aeo_buf_puts(b, ",\"facts\":[");
    for (uint32_t i = 0; i < r->n_facts; i++) {
        const fact *f = &r->facts[i];
        if (i) aeo_buf_puts(b, ",");
        aeo_buf_puts(b, "{\"fact\":");
        js(b, f->path);
        aeo_buf_puts(b, ",\"label\":");
        js(b, f->label);
        aeo_buf_puts(b, ",\"value\":");
        if (f->value.kind == AEO_V_UNKNOWN || f->value.kind == AEO_V_ERROR || f->value.kind == AEO_V_NULL)
            aeo_buf_puts(b, "null");
        else aeo_value_to_json(b, f->value);
        aeo_buf_puts(b, ",\"text\":");
        js(b, f->text);
        aeo_buf_puts(b, "}");
    }
    aeo_buf_puts(b, "],\"sentence\":");
    js(b, r->sentence);
    aeo_buf_puts(b, "}");
}

static void render_json(const ctx *x, const model *mdl, uint64_t recno, const char *key, aeo_buf *b) {
    char d[48];
    date_text(d, aeo_vm_as_of(x->vm));
    aeo_buf_printf(b, "{\"record\":%llu,\"key\":", (unsigned long long)recno);
    if (key) js(b, key);
    else aeo_buf_puts(b, "null");
    aeo_buf_printf(b, ",\"as_of\":\"%s\",\"lang\":", d);
    if (x->lang) js(b, x->lang);
    else aeo_buf_puts(b, "null");
    aeo_buf_puts(b, ",\"shared\":[");
    for (uint32_t g = 0; g < mdl->n_groups; g++) {
        if (g) aeo_buf_puts(b, ",");
        aeo_buf_printf(b, "{\"id\":%u,\"reasons\":[", g + 1);
        for (uint32_t r = 0; r < mdl->groups[g].n_shared; r++) {
            if (r) aeo_buf_puts(b, ",");
            json_reason(mdl->groups[g].shared[r], b);
        }
        aeo_buf_puts(b, "]}");
    }
    aeo_buf_puts(b, "]");
    static const char *const names[4] = {"granted", "not_granted", "undecided", "failed"};
    for (int s = 0; s < 4; s++) {
        aeo_outcome_kind k = section_order[s];
        aeo_buf_printf(b, ",\"%s\":[", names[s]);
        bool first = true;
        for (uint32_t i = 0; i < mdl->n; i++) {
            const mstate *m = &mdl->ms[i];
            if (m->o.kind != k) continue;
            const aeo_measure_info *mi = &x->c->program->measures[m->idx];
            if (!first) aeo_buf_puts(b, ",");
            first = false;
            aeo_buf_puts(b, "{\"measure\":");
            js(b, mi->id);
            aeo_buf_puts(b, ",\"title\":");
            js(b, title_of(x, m->idx));
            if (k == AEO_OUTCOME_APPLIES) {
                if (m->granted.kind != AEO_V_NULL) {
                    aeo_buf_puts(b, ",\"value\":");
                    aeo_value_to_json(b, m->granted);
                    if (mi->unit) {
                        aeo_buf_puts(b, ",\"unit\":");
                        js(b, aeo_text_measure(x->c, x->lang, mi->id, "unit", mi->unit));
                    }
                }
                if (m->cite) {
                    aeo_buf_puts(b, ",\"cite\":");
                    js(b, m->cite);
                }
            } else if (k == AEO_OUTCOME_ERROR) {
                aeo_buf_puts(b, ",\"error\":");
                js(b, error_text(x, m));
            } else {
                if (m->group >= 0) aeo_buf_printf(b, ",\"shared\":%d", m->group + 1);
                aeo_buf_puts(b, ",\"reasons\":[");
                bool rf = true;
                for (uint32_t r = 0; r < m->n_reasons; r++) {
                    if (m->group >= 0 && shared(m->reasons[r])) continue;
                    if (!rf) aeo_buf_puts(b, ",");
                    rf = false;
                    json_reason(m->reasons[r], b);
                }
                aeo_buf_puts(b, "]");
                if (k == AEO_OUTCOME_UNDECIDED) {
                    const aeo_unknown *u = m->o.detail.as.unk;
                    aeo_buf_puts(b, ",\"missing\":[");
                    for (uint32_t j = 0; j < u->n; j++) {
                        if (j) aeo_buf_puts(b, ",");
                        js(b, u->paths[j]);
                    }
                    aeo_buf_puts(b, "]");
                }
                if (m->sug_json) aeo_buf_printf(b, ",\"would_apply_if\":%s", m->sug_json);
            }
            aeo_buf_puts(b, "}");
        }
        aeo_buf_puts(b, "]");
    }
    aeo_buf_puts(b, ",\"ask\":[");
    for (uint32_t i = 0; i < mdl->n_ask; i++) {
        if (i) aeo_buf_puts(b, ",");
        aeo_buf_puts(b, "{\"fact\":");
        js(b, mdl->ask[i]);
        const char *l = label(x, mdl->ask[i]);
        if (l) {
            aeo_buf_puts(b, ",\"label\":");
            js(b, l);
        }
        aeo_buf_puts(b, "}");
    }
    aeo_buf_puts(b, "]}\n");
}

/* ---- entry points ------------------------------------------------------------ */

static const char *css =
    "@page{size:A4;margin:16mm 14mm}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0 auto;max-width:52rem;padding:1rem;font:11pt/1.5 \"Noto Sans CJK SC\",\"Noto Sans SC\","
    "\"WenQuanYi Zen Hei\",\"Source Han Sans SC\",\"DejaVu Sans\",sans-serif;color:#111;"
    "overflow-wrap:anywhere;word-break:break-word}\n"
    "header.doc{border-bottom:2px solid #333;margin-bottom:1rem}\n"
    "header.doc h1{font-size:1.3rem;margin:.2rem 0}\n"
    "section.record{break-after:page;page-break-after:always}\n"
    "section.record:last-of-type{break-after:auto;page-break-after:auto}\n"
    "section.record h1{font-size:1.2rem;margin:.6rem 0 .2rem}\n"
    "h2{font-size:1.05rem;margin:1rem 0 .4rem;border-bottom:1px solid #bbb}\n"
    ".asof{color:#444;margin:0 0 .5rem}\n"
    ".key,.id{font-family:\"DejaVu Sans Mono\",monospace;font-weight:bold}\n"
    "table{width:100%;table-layout:fixed;border-collapse:collapse}\n"
    "col.c-id{width:12%}col.c-title{width:34%}col.c-value{width:22%}col.c-cite{width:32%}\n"
    "th,td{border:1px solid #999;padding:.25rem .4rem;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere;word-break:break-word}\n"
    "th{background:#eee}\n"
    "ul,ol{margin:.2rem 0;padding-left:1.4rem}\n"
    "li{margin:.15rem 0}\n"
    ".measure{margin:.3rem 0 .5rem}\n.measure .title{margin:0;font-weight:600}\n"
    ".l1{margin-left:1.2rem}.l2{margin-left:2.4rem}\n"
    ".because{margin:.3rem 0;padding:.3rem .5rem;background:#f3f3f3;border-left:3px solid #888}\n"
    ".error{color:#a00}\n"
    "@media print{body{max-width:none;padding:0}h2{break-after:avoid;page-break-after:avoid}"
    "li,tr{break-inside:avoid;page-break-inside:avoid}}\n";

void aeo_why_begin(aeo_catalog *c, const aeo_why_opts *o, aeo_value as_of, aeo_buf *out) {
    const char *lang = o->lang ? o->lang : c->texts ? c->texts->base : NULL;
    const char *title = NULL;
    const aeo_prop *tp = c->catalog ? aeo_decl_prop(c->catalog, "title") : NULL;
    if (tp && tp->value && tp->value->kind == AEO_EXPR_STRING) title = tp->value->u.str.s;
    if (title) title = aeo_text_get(c, lang, "catalog.title", title);
    char d[48];
    date_text(d, as_of);
    if (o->fmt == AEO_WHY_HTML) {
        aeo_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"");
        aeo_printable_xml(out, lang ? lang : "en");
        aeo_buf_puts(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        aeo_printable_xml(out, title ? title : "aeo why");
        aeo_buf_puts(out, "</title>\n<style>\n");
        aeo_buf_puts(out, css);
        aeo_buf_puts(out, "</style>\n</head>\n<body>\n");
        if (title) {
            aeo_buf_puts(out, "<header class=\"doc\"><h1>");
            aeo_printable_xml(out, title);
            aeo_buf_puts(out, "</h1></header>\n");
        }
    } else if (o->fmt == AEO_WHY_MARKDOWN && title) {
        aeo_buf_puts(out, "# ");
        aeo_printable_md(out, title, true);
        aeo_buf_puts(out, "\n\n");
    }
}

void aeo_why_end(aeo_catalog *c, const aeo_why_opts *o, aeo_buf *out) {
    (void)c;
    if (o->fmt == AEO_WHY_HTML) aeo_buf_puts(out, "</body>\n</html>\n");
}

bool aeo_why_record(aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o, uint64_t recno, const char *key,
                    aeo_buf *out) {
    ctx x;
    ctx_init(&x, c, vm, o);
    model md_;
    build(&x, &md_);
    switch (o->fmt) {
    case AEO_WHY_TEXT: {
        aeo_buf t = {0};
        render_text(&x, &md_, recno, key, &t);
        aeo_printable_put(out, t.data, t.len, 0);
        aeo_buf_free(&t);
        break;
    }
    case AEO_WHY_MARKDOWN: render_md(&x, &md_, recno, key, out); break;
    case AEO_WHY_HTML: render_html(&x, &md_, recno, key, out); break;
    case AEO_WHY_JSON: render_json(&x, &md_, recno, key, out); break;
    }
    return md_.failed;
}

void aeo_why_bad_record(aeo_catalog *c, const aeo_why_opts *o, uint64_t recno, const char *error, aeo_buf *out) {
    const char *lang = o->lang ? o->lang : c->texts ? c->texts->base : NULL;
    char n[24];
    snprintf(n, sizeof n, "%llu", (unsigned long long)recno);
    aeo_buf head = {0};
    const char *args[6] = {NULL, NULL, n, NULL, NULL, NULL};
    aeo_text_fill(&head, lang, AEO_WORD_WHY_RECORD, args);
    const char *unreadable = aeo_text_word(lang, AEO_WORD_WHY_UNREADABLE);
    const char *colon = aeo_text_word(lang, AEO_WORD_WHY_COLON);
    switch (o->fmt) {
    case AEO_WHY_TEXT: {
        aeo_buf t = {0};
        aeo_buf_printf(&t, "%s%s%s%s%s\n", head.data, colon, unreadable, colon, error);
        aeo_printable_put(out, t.data, t.len, 0);
        aeo_buf_free(&t);
        break;
    }
    case AEO_WHY_MARKDOWN:
        aeo_buf_puts(out, "## ");
        aeo_printable_md(out, head.data, true);
        aeo_buf_printf(out, "\n\n**%s**%s", unreadable, colon);
        aeo_printable_md(out, error, true);
        aeo_buf_puts(out, "\n\n");
        break;
    case AEO_WHY_HTML:
        aeo_buf_puts(out, "<section class=\"record\">\n<h1>");
        aeo_printable_xml(out, head.data);
        aeo_buf_printf(out, "</h1>\n<p class=\"error\"><strong>%s</strong>%s", unreadable, colon);
        aeo_printable_xml(out, error);
        aeo_buf_puts(out, "</p>\n</section>\n");
        break;
    case AEO_WHY_JSON:
        aeo_buf_printf(out, "{\"record\":%llu,\"error\":", (unsigned long long)recno);
        aeo_buf_json_string(out, error, strlen(error));
        aeo_buf_puts(out, "}\n");
        break;
    }
    aeo_buf_free(&head);
}

void aeo_why_measure(aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o, uint32_t idx, aeo_buf *out) {
    ctx x;
    ctx_init(&x, c, vm, o);
    aeo_why_opts one = *o;
    one.sel = &idx;
    one.n_sel = 1;
    x.o = &one;
    model md_;
    build(&x, &md_);
    const mstate *m = &md_.ms[0];
    aeo_buf t = {0};
    const aeo_measure_info *mi = &c->program->measures[idx];
    aeo_buf_printf(&t, "%s  %s%s%s", mi->id, title_of(&x, idx), W(&x, AEO_WORD_WHY_COLON),
                   aeo_text_outcome(x.wlang, (int)m->o.kind));
    const char *g = granted_text(&x, m);
    if (g) aeo_buf_printf(&t, " = %s", g);
    aeo_buf_puts(&t, "\n");
    if (m->o.kind == AEO_OUTCOME_APPLIES && m->cite)
        aeo_buf_printf(&t, "  %s%s%s\n", W(&x, AEO_WORD_WHY_CITE), W(&x, AEO_WORD_WHY_COLON), m->cite);
    if (m->o.kind == AEO_OUTCOME_ERROR)
        aeo_buf_printf(&t, "  %s%s%s\n", W(&x, AEO_WORD_WHY_ERROR), W(&x, AEO_WORD_WHY_COLON), error_text(&x, m));
    text_measure_body(&x, m, false, 2, &t);
    aeo_printable_put(out, t.data, t.len, 0);
    aeo_buf_free(&t);
}

void aeo_why_suggest(aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o, uint32_t idx, aeo_buf *out) {
    ctx x;
    ctx_init(&x, c, vm, o);
    mstate m;
    memset(&m, 0, sizeof m);
    m.idx = idx;
    m.o = aeo_outcome_classify(x.a, aeo_vm_measure(vm, idx));
    const aeo_measure_info *mi = &c->program->measures[idx];
    aeo_buf t = {0};
    aeo_buf_printf(&t, "%s  %s%s%s\n", mi->id, title_of(&x, idx), W(&x, AEO_WORD_WHY_COLON),
                   aeo_text_outcome(x.wlang, (int)m.o.kind));
    if (m.o.kind == AEO_OUTCOME_APPLIES) {
        aeo_buf_printf(&t, "  %s\n", W(&x, AEO_WORD_WHY_APPLIES_ALREADY));
    } else if (m.o.kind == AEO_OUTCOME_NOT) {
        suggestion(&x, &m);
        if (m.sug_text)
            aeo_buf_printf(&t, "  %s%s%s\n", W(&x, AEO_WORD_WHY_WOULD_APPLY_IF), W(&x, AEO_WORD_WHY_COLON), m.sug_text);
    } else if (m.o.kind == AEO_OUTCOME_UNDECIDED) {
        const aeo_unknown *u = m.o.detail.as.unk;
        aeo_buf_printf(&t, "  %s%s", W(&x, AEO_WORD_WHY_PROVIDE), W(&x, AEO_WORD_WHY_COLON));
        for (uint32_t i = 0; i < u->n; i++)
            aeo_buf_printf(&t, "%s%s", i ? W(&x, AEO_WORD_WHY_LIST_SEP) : "", provide_item(&x, u->paths[i]));
        aeo_buf_puts(&t, "\n");
    } else {
        aeo_buf_printf(&t, "  %s%s%s\n", W(&x, AEO_WORD_WHY_ERROR), W(&x, AEO_WORD_WHY_COLON), error_text(&x, &m));
    }
    aeo_printable_put(out, t.data, t.len, 0);
    aeo_buf_free(&t);
}

void aeo_why_ask(aeo_catalog *c, aeo_vm *vm, const aeo_why_opts *o, aeo_buf *out) {
    ctx x;
    ctx_init(&x, c, vm, o);
    const aeo_program *p = c->program;
    uint32_t n = o->sel ? o->n_sel : p->n_measures;
    mstate *ms = aeo_arena_alloc(x.a, (n + 1) * sizeof *ms);
    for (uint32_t k = 0; k < n; k++) {
        memset(&ms[k], 0, sizeof ms[k]);
        ms[k].idx = o->sel ? o->sel[k] : k;
        ms[k].o = aeo_outcome_classify(x.a, aeo_vm_measure(vm, ms[k].idx));
    }
    const char **ask;
    uint32_t na = ask_order(&x, ms, n, &ask);
    aeo_buf t = {0};
    if (!na) aeo_buf_printf(&t, "%s\n", W(&x, AEO_WORD_WHY_NOTHING_TO_ASK));
    for (uint32_t i = 0; i < na; i++) aeo_buf_printf(&t, "%u. %s\n", i + 1, provide_item(&x, ask[i]));
    aeo_printable_put(out, t.data, t.len, 0);
    aeo_buf_free(&t);
}
