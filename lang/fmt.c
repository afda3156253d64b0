/* The formatter; see fmt.h for the layout it produces.
 *
 * It prints the AST, not the tokens, so the layout does not depend on how
 * the input was laid out; what the AST does not hold (comments, blank
 * lines, the spelling of literals) is taken from the source text by
 * position.  Comments are found by a small scanner that knows the string
 * forms of the lexer (quotes, raw, triple-quoted, bytes), so a '#' or '//'
 * inside a string is not a comment. */
#include "lang/fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 100

typedef struct comment {
    uint32_t start, end;   /* byte range, without the newline */
    bool own_line;         /* nothing but blanks before it on its line */
    bool done;
} comment;

typedef struct fmt {
    const char *text;
    uint32_t len;
    comment *comments;
    uint32_t n_comments;
    uint32_t next;          /* first comment not yet emitted */
    aeo_buf *out;
} fmt;

/* ---- comments ---------------------------------------------------------------- */

static bool is_ident(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Skips the string literal whose quote is at [i] (prefix letters already
 * skipped); returns the offset after it. */
static uint32_t skip_string(const char *s, uint32_t n, uint32_t i, bool raw) {
    char q = s[i];
    bool triple = i + 2 < n && s[i + 1] == q && s[i + 2] == q;
    i += triple ? 3 : 1;
    while (i < n) {
        if (!raw && s[i] == '\\') {
            i += 2;
            continue;
        }
        if (triple) {
            if (s[i] == q && i + 2 < n && s[i + 1] == q && s[i + 2] == q) return i + 3;
        } else {
            if (s[i] == q) return i + 1;
            if (s[i] == '\n') return i;
        }
        i++;
    }
    return n;
}

static void scan_comments(fmt *f) {
    uint32_t cap = 0;
    const char *s = f->text;
    uint32_t n = f->len;
    for (uint32_t i = 0; i < n;) {
        char c = s[i];
        if (c == '"' || c == '\'') {
            i = skip_string(s, n, i, false);
            continue;
        }
        if ((c == 'r' || c == 'R' || c == 'b' || c == 'B') && (i == 0 || !is_ident(s[i - 1]))) {
            /* String prefixes: r, b, rb, br in any case. */
            uint32_t j = i;
            bool raw = false;
            while (j < n && j < i + 2 && strchr("rRbB", s[j])) {
                raw |= s[j] == 'r' || s[j] == 'R';
                j++;
            }
            if (j < n && (s[j] == '"' || s[j] == '\'')) {
                i = skip_string(s, n, j, raw);
                continue;
            }
        }
        if (is_ident(c)) {
            while (i < n && is_ident(s[i])) i++;
            continue;
        }
        if (c == '#' || (c == '/' && i + 1 < n && s[i + 1] == '/')) {
            uint32_t start = i;
            while (i < n && s[i] != '\n') i++;
            uint32_t end = i;
            while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r')) end--;
            uint32_t k = start;
            while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t')) k--;
            if (f->n_comments == cap) {
                cap = cap ? cap * 2 : 32;
                f->comments = aeo_xrealloc(f->comments, cap * sizeof *f->comments);
            }
            f->comments[f->n_comments++] = (comment){start, end, k == 0 || s[k - 1] == '\n', false};
            continue;
        }
        i++;
    }
}

/* Newlines between [a] and [b] in the source. */
static uint32_t newlines(const fmt *f, uint32_t a, uint32_t b) {
    uint32_t k = 0;
    for (uint32_t i = a; i < b && i < f->len; i++) k += f->text[i] == '\n';
    return k;
}

static void indent(fmt *f, int n) {
    for (int i = 0; i < n; i++) aeo_buf_puts(f->out, " ");
}

static void put_comment(fmt *f, const comment *c) {
    aeo_buf_putn(f->out, f->text + c->start, c->end - c->start);
}

/* Emits what comes before an element starting at [start]: each pending
 * comment that starts before it, on its own line at [ind], and the blank
 * lines of the source (at most one) between the previous element (ending
 * at [prev_end]), the comments and the element.  No blank line at the top
 * of a block ([first]). */
static void leading(fmt *f, uint32_t start, int ind, uint32_t prev_end, bool first) {
    uint32_t gap = prev_end;
    while (f->next < f->n_comments && f->comments[f->next].start < start) {
        comment *c = &f->comments[f->next++];
        if (c->done) continue;
        if (!first && newlines(f, gap, c->start) >= 2) aeo_buf_puts(f->out, "\n");
        indent(f, ind);
        put_comment(f, c);
        aeo_buf_puts(f->out, "\n");
        c->done = true;
        gap = c->end;
        first = false;
    }
    if (!first && start != UINT32_MAX && newlines(f, gap, start) >= 2) aeo_buf_puts(f->out, "\n");
}

/* Appends, at the end of the current line, a comment that follows [end] on
 * the same source line, before [limit] (where the next element starts). */
static void trailing_comment(fmt *f, uint32_t end, uint32_t limit) {
    while (f->next < f->n_comments && f->comments[f->next].done) f->next++;
    if (f->next >= f->n_comments) return;
    comment *c = &f->comments[f->next];
    if (c->done || c->own_line || c->start < end || c->start >= limit || newlines(f, end, c->start) > 0) return;
    aeo_buf_puts(f->out, "  ");
    put_comment(f, c);
    c->done = true;
    f->next++;
}

/* Moves the comments inside [start, end) (an element printed on fewer
 * lines than it had) to their own lines before it. */
static void inner_comments(fmt *f, uint32_t start, uint32_t end, int ind) {
    while (f->next < f->n_comments && f->comments[f->next].start < end) {
        comment *c = &f->comments[f->next++];
        if (c->done || c->start < start) continue;
        indent(f, ind);
        put_comment(f, c);
        aeo_buf_puts(f->out, "\n");
        c->done = true;
    }
}

/* The start of the element that follows, for comment placement: comments
 * inside [start, end) of an element that is printed on one line move before
 * it.  So the "before" bound of an element is its end. */

/* ---- expressions ---------------------------------------------------------------- */

static int precedence(const aeo_expr *e) { return aeo_expr_precedence(e); }

static void expr(fmt *f, aeo_buf *b, const aeo_expr *e, int min);

/* The minimum precedence for operand [child] of binary [parent]: an &&
 * under an || keeps its parentheses, for the reader. */
static int operand_min(const aeo_expr *parent, const aeo_expr *child, int base) {
    if (parent->kind == AEO_EXPR_BINARY && parent->u.binary.op == AEO_OPR_OR && child->kind == AEO_EXPR_BINARY &&
        child->u.binary.op == AEO_OPR_AND)
        return 9;
    /* && and || are associative: a balanced chain prints flat. */
    if (parent->kind == AEO_EXPR_BINARY && child->kind == AEO_EXPR_BINARY &&
        parent->u.binary.op == child->u.binary.op &&
        (parent->u.binary.op == AEO_OPR_AND || parent->u.binary.op == AEO_OPR_OR))
        return precedence(parent);
    return base;
}

static bool source_negative(const fmt *f, const aeo_expr *e) {
    return e->span.start < f->len && f->text[e->span.start] == '-';
}

static void literal(fmt *f, aeo_buf *b, const aeo_expr *e) {
    /* As written: hex, raw and triple-quoted strings survive. */
    aeo_buf_putn(b, f->text + e->span.start, e->span.end - e->span.start);
}

static void args(fmt *f, aeo_buf *b, aeo_expr *const *items, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        if (i) aeo_buf_puts(b, ", ");
        expr(f, b, items[i], 0);
    }
}

static void receiver(fmt *f, aeo_buf *b, const aeo_expr *e) {
    bool number = !e->paren && (e->kind == AEO_EXPR_INT || e->kind == AEO_EXPR_UINT || e->kind == AEO_EXPR_DOUBLE);
    if (number) aeo_buf_puts(b, "(");
    expr(f, b, e, number ? 0 : 8);
    if (number) aeo_buf_puts(b, ")");
}

static void expr(fmt *f, aeo_buf *b, const aeo_expr *e, int min) {
    int p = precedence(e);
    /* A negative literal behaves like a unary minus. */
    if ((e->kind == AEO_EXPR_INT || e->kind == AEO_EXPR_DOUBLE) && source_negative(f, e)) p = 7;
    bool paren = p < min || e->paren;
    if (paren) aeo_buf_puts(b, "(");
    switch (e->kind) {
    case AEO_EXPR_NULL: aeo_buf_puts(b, "null"); break;
    case AEO_EXPR_BOOL: aeo_buf_puts(b, e->u.b ? "true" : "false"); break;
    case AEO_EXPR_INT:
    case AEO_EXPR_UINT:
    case AEO_EXPR_DOUBLE:
    case AEO_EXPR_STRING:
    case AEO_EXPR_BYTES: literal(f, b, e); break;
    case AEO_EXPR_IDENT:
        if (e->u.ident.dot) aeo_buf_puts(b, ".");
        aeo_buf_puts(b, e->u.ident.name);
        break;
    case AEO_EXPR_SELECT: {
        receiver(f, b, e->u.select.operand);
        /* A field that is not an identifier is written backquoted. */
        const char *name = e->u.select.field;
        bool plain = name[0] && !(name[0] >= '0' && name[0] <= '9');
        for (const char *q = name; *q; q++) plain &= is_ident(*q);
        aeo_buf_printf(b, plain ? ".%s" : ".`%s`", name);
        break;
    }
    case AEO_EXPR_INDEX:
        expr(f, b, e->u.index.operand, 8);
        aeo_buf_puts(b, "[");
        expr(f, b, e->u.index.index, 0);
        aeo_buf_puts(b, "]");
        break;
    case AEO_EXPR_CALL:
        if (e->u.call.target) {
            receiver(f, b, e->u.call.target);
            aeo_buf_puts(b, ".");
        }
        aeo_buf_printf(b, "%s(", e->u.call.name);
        args(f, b, e->u.call.args, e->u.call.n_args);
        aeo_buf_puts(b, ")");
        break;
    case AEO_EXPR_LIST:
        aeo_buf_puts(b, "[");
        args(f, b, e->u.list.items, e->u.list.n);
        aeo_buf_puts(b, "]");
        break;
    case AEO_EXPR_MAP:
        aeo_buf_puts(b, "{");
        for (uint32_t i = 0; i < e->u.map.n; i++) {
            if (i) aeo_buf_puts(b, ", ");
            expr(f, b, e->u.map.keys[i], 0);
            aeo_buf_puts(b, ": ");
            expr(f, b, e->u.map.vals[i], 0);
        }
        aeo_buf_puts(b, "}");
        break;
    case AEO_EXPR_UNARY: {
        aeo_buf_puts(b, aeo_operator_str(e->u.unary.op));
        const aeo_expr *a = e->u.unary.a;
        /* -(5) must stay parenthesised: -5 would fold into a literal. */
        bool keep = e->u.unary.op == AEO_OPR_NEG && !a->paren && (a->kind == AEO_EXPR_INT || a->kind == AEO_EXPR_DOUBLE);
        if (keep) aeo_buf_puts(b, "(");
        expr(f, b, a, keep ? 0 : 7);
        if (keep) aeo_buf_puts(b, ")");
        break;
    }
    case AEO_EXPR_BINARY:
        expr(f, b, e->u.binary.a, operand_min(e, e->u.binary.a, p));
        aeo_buf_printf(b, " %s ", aeo_operator_str(e->u.binary.op));
        expr(f, b, e->u.binary.b, operand_min(e, e->u.binary.b, p + 1));
        break;
    case AEO_EXPR_COND:
        expr(f, b, e->u.cond.c, 2);
        aeo_buf_puts(b, " ? ");
        expr(f, b, e->u.cond.a, 2);
        aeo_buf_puts(b, " : ");
        expr(f, b, e->u.cond.b, 1);
        break;
    case AEO_EXPR_WITH:
        expr(f, b, e->u.with.base, 0);
        aeo_buf_puts(b, " with ");
        expr(f, b, e->u.with.map, 1);
        break;
    default: aeo_buf_puts(b, "<error>"); break;
    }
    if (paren) aeo_buf_puts(b, ")");
}

/* ---- breaking long expressions ------------------------------------------------ */

/* The column the next character of the output goes to. */
static int column(const fmt *f) {
    size_t i = f->out->len;
    while (i > 0 && f->out->data[i - 1] != '\n') i--;
    return (int)(f->out->len - i);
}

/* The first comment starting at or after [start] (the scanner found them
 * in source order), so that a lookup costs log n, not n, in a file with
 * thousands of commented list items. */
static uint32_t first_from(const fmt *f, uint32_t start) {
    uint32_t lo = 0, hi = f->n_comments;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->comments[mid].start < start) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Whether a comment not yet emitted starts inside [start, end). */
static bool has_comment(const fmt *f, uint32_t start, uint32_t end) {
    for (uint32_t i = first_from(f, start); i < f->n_comments && f->comments[i].start < end; i++)
        if (!f->comments[i].done) return true;
    return false;
}

/* The comments that go with an element of a broken expression: the gap
 * [from, to) before the element starting at [to] holds its own-line
 * comments (and, on the previous element's line, that one's trailing
 * comment, already taken by trail()).  Each goes on its own line at [ind]. */
static void gap_before(fmt *f, uint32_t from, uint32_t to, int ind) {
    for (uint32_t i = first_from(f, from); i < f->n_comments && f->comments[i].start < to; i++) {
        comment *c = &f->comments[i];
        if (c->done) continue;
        indent(f, ind);
        put_comment(f, c);
        aeo_buf_puts(f->out, "\n");
        c->done = true;
    }
}

/* The trailing comment of an element ending at [end]: the first comment in
 * [end, limit) on the same source line, appended to the output line. */
static void trail(fmt *f, uint32_t end, uint32_t limit) {
    for (uint32_t i = first_from(f, end); i < f->n_comments && f->comments[i].start < limit; i++) {
        comment *c = &f->comments[i];
        if (c->done) continue;
        if (newlines(f, end, c->start) == 0) {
            aeo_buf_puts(f->out, "  ");
            put_comment(f, c);
            c->done = true;
        }
        return;
    }
}

static void value(fmt *f, const aeo_expr *e, int min, int ind, int tail);

/* The operands of [e]'s top operator chain, in order: a || b || c (either
 * nesting, the operators are associative), a + b - c (left-nested, one
 * precedence level).  A parenthesised operand is one operand. */
static void chain(const aeo_expr *e, const aeo_expr *top, const aeo_expr ***items, uint32_t *n, uint32_t *cap) {
    bool logic = top->u.binary.op == AEO_OPR_AND || top->u.binary.op == AEO_OPR_OR;
    if (e->kind == AEO_EXPR_BINARY && (e == top || !e->paren) &&
        (logic ? e->u.binary.op == top->u.binary.op : precedence(e) == precedence(top))) {
        chain(e->u.binary.a, top, items, n, cap);
        if (logic) {
            chain(e->u.binary.b, top, items, n, cap);
            return;
        }
        e = e->u.binary.b;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *items = aeo_xrealloc(*items, *cap * sizeof **items);
    }
    (*items)[(*n)++] = e;
}

/* The operator between operands [i - 1] and [i] of the chain of [top]:
 * for a left-nested chain, the operator of the node whose right operand is
 * item [i]. */
static aeo_operator chain_op(const aeo_expr *top, const aeo_expr *item) {
    const aeo_expr *e = top;
    while (e->kind == AEO_EXPR_BINARY && e->u.binary.b != item) e = e->u.binary.a;
    return e->kind == AEO_EXPR_BINARY ? e->u.binary.op : top->u.binary.op;
}

/* A binary chain, one operand per line after the first, the operator
 * first, at [ind] + 4. */
static void break_binary(fmt *f, const aeo_expr *e, int ind, int tail) {
    const aeo_expr **items = NULL;
    uint32_t n = 0, cap = 0;
    chain(e, e, &items, &n, &cap);
    bool logic = e->u.binary.op == AEO_OPR_AND || e->u.binary.op == AEO_OPR_OR;
    for (uint32_t i = 0; i < n; i++) {
        int min = logic ? operand_min(e, items[i], precedence(e) + (i ? 1 : 0)) : precedence(e) + (i ? 1 : 0);
        if (i) {
            trail(f, items[i - 1]->span.end, items[i]->span.start);
            aeo_buf_puts(f->out, "\n");
            gap_before(f, items[i - 1]->span.end, items[i]->span.start, ind + 4);
            indent(f, ind + 4);
            aeo_buf_printf(f->out, "%s ", aeo_operator_str(logic ? e->u.binary.op : chain_op(e, items[i])));
        }
        value(f, items[i], min, ind + 4, i + 1 == n ? tail : 0);
    }
    free(items);
}

/* Items of a list, a map or a call's arguments, one per line at [ind] + 2,
 * the closing bracket at [ind].  A trailing comma after each item but the
 * last of a call (CEL's calls take none). */
static void break_items(fmt *f, const aeo_expr *e, int ind, const char *close, bool last_comma) {
    uint32_t n = e->kind == AEO_EXPR_LIST ? e->u.list.n : e->kind == AEO_EXPR_MAP ? e->u.map.n : e->u.call.n_args;
    uint32_t prev = e->span.start;
    if (e->kind == AEO_EXPR_CALL && e->u.call.target) prev = e->u.call.name_span.end;
    aeo_buf_puts(f->out, "\n");
    for (uint32_t i = 0; i < n; i++) {
        const aeo_expr *item = e->kind == AEO_EXPR_LIST ? e->u.list.items[i]
                               : e->kind == AEO_EXPR_MAP ? e->u.map.vals[i]
                                                         : e->u.call.args[i];
        const aeo_expr *first = e->kind == AEO_EXPR_MAP ? e->u.map.keys[i] : item;
        gap_before(f, prev, first->span.start, ind + 2);
        indent(f, ind + 2);
        bool comma = last_comma || i + 1 < n;
        if (e->kind == AEO_EXPR_MAP) {
            aeo_buf key = {0};
            expr(f, &key, first, 0);
            aeo_buf_putn(f->out, key.data, key.len);
            aeo_buf_free(&key);
            aeo_buf_puts(f->out, ": ");
        }
        value(f, item, 0, ind + 2, comma ? 1 : 0);
        if (comma) aeo_buf_puts(f->out, ",");
        uint32_t next = i + 1 < n ? (e->kind == AEO_EXPR_MAP ? e->u.map.keys[i + 1] : e->kind == AEO_EXPR_LIST
                                                                                        ? e->u.list.items[i + 1]
                                                                                        : e->u.call.args[i + 1])
                                        ->span.start
                                  : e->span.end;
        trail(f, item->span.end, next);
        aeo_buf_puts(f->out, "\n");
        prev = item->span.end;
    }
    gap_before(f, prev, e->span.end, ind + 2);
    indent(f, ind);
    aeo_buf_puts(f->out, close);
}

/* Prints [e] (its operator precedence at least [min], else parenthesised)
 * from the current column: on one line when it fits in the width with
 * [tail] characters after it and holds no comment; else broken before its
 * top-level operators, or one item per line, continuation lines indented
 * from [ind].  Comments inside stay with the operand or item they follow
 * (trailing) or precede (own line); those it cannot place (inside a
 * selection, between a key and its value) are left for the caller. */
static void value(fmt *f, const aeo_expr *e, int min, int ind, int tail) {
    bool comments = has_comment(f, e->span.start, e->span.end);
    if (!comments) {
        aeo_buf flat = {0};
        expr(f, &flat, e, min);
        bool fits = column(f) + (int)flat.len + tail <= WIDTH;
        if (fits || memchr(flat.data, '\n', flat.len)) {
            aeo_buf_putn(f->out, flat.data, flat.len);
            aeo_buf_free(&flat);
            return;
        }
        aeo_buf_free(&flat);
    }
    int p = precedence(e);
    if ((e->kind == AEO_EXPR_INT || e->kind == AEO_EXPR_DOUBLE) && source_negative(f, e)) p = 7;
    bool paren = p < min || e->paren;
    if (paren) aeo_buf_puts(f->out, "(");
    int t = tail + (paren ? 1 : 0);
    switch (e->kind) {
    case AEO_EXPR_BINARY: break_binary(f, e, ind, t); break;
    case AEO_EXPR_COND:
        value(f, e->u.cond.c, 2, ind + 4, 0);
        trail(f, e->u.cond.c->span.end, e->u.cond.a->span.start);
        aeo_buf_puts(f->out, "\n");
        gap_before(f, e->u.cond.c->span.end, e->u.cond.a->span.start, ind + 4);
        indent(f, ind + 4);
        aeo_buf_puts(f->out, "? ");
        value(f, e->u.cond.a, 2, ind + 4, 0);
        trail(f, e->u.cond.a->span.end, e->u.cond.b->span.start);
        aeo_buf_puts(f->out, "\n");
        gap_before(f, e->u.cond.a->span.end, e->u.cond.b->span.start, ind + 4);
        indent(f, ind + 4);
        aeo_buf_puts(f->out, ": ");
        value(f, e->u.cond.b, 1, ind + 4, t);
        break;
    case AEO_EXPR_WITH: {
        /* base with {...}: the base as it fits, then the map broken one
         * entry per line like any long map. */
        value(f, e->u.with.base, 0, ind, 0);
        aeo_buf_puts(f->out, " with ");
        value(f, e->u.with.map, 1, ind, t);
        break;
    }
    case AEO_EXPR_LIST:
    case AEO_EXPR_MAP:
    case AEO_EXPR_CALL: {
        uint32_t n = e->kind == AEO_EXPR_LIST ? e->u.list.n : e->kind == AEO_EXPR_MAP ? e->u.map.n : e->u.call.n_args;
        if (n == 0) goto flat;
        if (e->kind == AEO_EXPR_CALL) {
            if (e->u.call.target) {
                receiver(f, f->out, e->u.call.target);
                aeo_buf_puts(f->out, ".");
            }
            aeo_buf_printf(f->out, "%s(", e->u.call.name);
            break_items(f, e, ind, ")", false);
        } else {
            aeo_buf_puts(f->out, e->kind == AEO_EXPR_LIST ? "[" : "{");
            break_items(f, e, ind, e->kind == AEO_EXPR_LIST ? "]" : "}", true);
        }
        break;
    }
    case AEO_EXPR_UNARY:
        if (e->u.unary.a->paren) {
            aeo_buf_puts(f->out, aeo_operator_str(e->u.unary.op));
            value(f, e->u.unary.a, 7, ind, t);
            break;
        }
        goto flat;
    default:
    flat: {
        aeo_buf plain = {0};
        expr(f, &plain, e, 0);
        /* The parentheses were written above. */
        size_t skip = e->paren ? 1 : 0;
        aeo_buf_putn(f->out, plain.data + skip, plain.len - 2 * skip);
        aeo_buf_free(&plain);
        break;
    }
    }
    if (paren) aeo_buf_puts(f->out, ")");
}

/* Prints one line-level element (a property, a const...) with [body],
 * after the comments inside [start, end) that its layout cannot place: a
 * first run into a scratch buffer finds them, and they go on their own
 * lines at [ind] before it, the one place that neither loses them nor
 * changes the tree.  The second run sees them done, so its layout is the
 * one the next fmt will choose too.  [body] starts at column 0. */
typedef void (*fmt_body)(fmt *f, const void *arg);

static void with_comments(fmt *f, fmt_body body, const void *arg, uint32_t start, uint32_t end, int ind) {
    bool *was = aeo_xmalloc((f->n_comments + 1) * sizeof *was);
    for (uint32_t i = 0; i < f->n_comments; i++) was[i] = f->comments[i].done;
    aeo_buf scratch = {0}, *out = f->out;
    f->out = &scratch;
    body(f, arg);
    f->out = out;
    aeo_buf_free(&scratch);
    for (uint32_t i = 0; i < f->n_comments; i++) {
        comment *c = &f->comments[i];
        bool left = !c->done && c->start >= start && c->start < end;
        c->done = was[i];
        if (!left) continue;
        indent(f, ind);
        put_comment(f, c);
        aeo_buf_puts(f->out, "\n");
        c->done = true;
    }
    free(was);
    body(f, arg);
}

/* ---- declarations ---------------------------------------------------------------- */

static void type_expr(aeo_buf *b, const aeo_type_expr *t) {
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m) aeo_type_expr_print(m, t);
    /* Out of memory: dropping the type would make a file look unformatted
     * (fmt --check's verdict) or lose it (fmt), so stop as aeo_xmalloc does. */
    if (!m || fclose(m) != 0) {
        fputs("aeo: out of memory\n", stderr);
        exit(2);
    }
    aeo_buf_putn(b, text, len);
    free(text);
}


/* The body of a block starts after its '{'. */
static uint32_t body_start(const fmt *f, const aeo_decl *d) {
    uint32_t body = d->span.start;
    if (d->kind == AEO_DECL_MEASURE) body = d->title_span.end;
    else if (d->kind == AEO_DECL_TEST || d->kind == AEO_DECL_CATALOG || d->kind == AEO_DECL_FACTS ||
             d->kind == AEO_DECL_RECORD || d->kind == AEO_DECL_TEXT)
        body = d->name_span.end;
    while (body < d->span.end && f->text[body] != '{') body++;
    return body + 1;
}

/* The comments left before a block's closing brace, and no blank line
 * before it. */
static void block_end(fmt *f, const aeo_decl *d, uint32_t prev_end, bool empty) {
    leading(f, d->span.end, 2, prev_end, empty);
    if (f->out->len >= 2 && f->out->data[f->out->len - 1] == '\n' && f->out->data[f->out->len - 2] == '\n')
        f->out->len--;
}

/* One property of a block, from its indentation to its end. */
static void prop_body(fmt *f, const void *arg) {
    const aeo_prop *p = arg;
    indent(f, 2);
    if (p->kind == AEO_PROP_TYPE) {
        /* value: TYPE */
        aeo_buf_puts(f->out, "value: ");
        if (p->type) type_expr(f->out, p->type);
    } else if (p->kind == AEO_PROP_CASE || p->kind == AEO_PROP_ELSE) {
        /* case COND => EXPR [cite "..."], else => EXPR [cite "..."]:
         * one per line; the cite keeps its source spelling. */
        aeo_buf_puts(f->out, p->kind == AEO_PROP_CASE ? "case " : "else ");
        int cite = p->cite ? 6 + (int)(p->cite_span.end - p->cite_span.start) : 0;
        if (p->kind == AEO_PROP_CASE) {
            /* What follows the condition on its last line: " => " and the
             * value with its cite when that is one line, else " =>". */
            aeo_buf v = {0};
            expr(f, &v, p->value, 0);
            bool one = !has_comment(f, p->value->span.start, p->value->span.end) && !memchr(v.data, '\n', v.len);
            int rest = one ? 4 + (int)v.len + cite : 3;
            aeo_buf_free(&v);
            value(f, p->cond, 0, 2, rest);
            aeo_buf_puts(f->out, " ");
        }
        aeo_buf_puts(f->out, "=> ");
        value(f, p->value, 0, 2, cite);
        if (p->cite) {
            aeo_buf_puts(f->out, " cite ");
            aeo_buf_putn(f->out, f->text + p->cite_span.start, p->cite_span.end - p->cite_span.start);
        }
    } else {
        aeo_buf_printf(f->out, "%s: ", p->name);
        if (p->value) value(f, p->value, 0, 2, 0);
    }
}

static void props(fmt *f, const aeo_decl *d, uint32_t body) {
    uint32_t prev_end = body;
    for (uint32_t i = 0; i < d->n_props; i++) {
        const aeo_prop *p = &d->props[i];
        leading(f, p->span.start, 2, prev_end, i == 0);
        with_comments(f, prop_body, p, p->span.start, p->span.end, 2);
        uint32_t limit = i + 1 < d->n_props ? d->props[i + 1].span.start : d->span.end;
        trailing_comment(f, p->span.end, limit);
        aeo_buf_puts(f->out, "\n");
        prev_end = p->span.end;
    }
    block_end(f, d, prev_end, d->n_props == 0);
}

static void fields(fmt *f, const aeo_decl *d, uint32_t body) {
    uint32_t prev_end = body;
    for (uint32_t i = 0; i < d->n_fields; i++) {
        const aeo_field_decl *fd = &d->fields[i];
        leading(f, fd->span.start, 2, prev_end, i == 0);
        inner_comments(f, fd->span.start, fd->span.end, 2);
        indent(f, 2);
        aeo_buf_printf(f->out, "%s%s: ", fd->name, fd->optional ? "?" : "");
        type_expr(f->out, fd->type);
        if (fd->default_value) {
            aeo_buf_puts(f->out, " = ");
            expr(f, f->out, fd->default_value, 7);
        }
        uint32_t limit = i + 1 < d->n_fields ? d->fields[i + 1].span.start : d->span.end;
        trailing_comment(f, fd->span.end, limit);
        aeo_buf_puts(f->out, "\n");
        prev_end = fd->span.end;
    }
    block_end(f, d, prev_end, d->n_fields == 0);
}

static bool is_block(const aeo_decl *d) {
    return d->kind == AEO_DECL_CATALOG || d->kind == AEO_DECL_FACTS || d->kind == AEO_DECL_RECORD ||
           d->kind == AEO_DECL_MEASURE || d->kind == AEO_DECL_TEST || d->kind == AEO_DECL_TEXT;
}

/* const, def, tier, example: NAME [(params)] = value, from column 0. */
static void value_decl(fmt *f, const void *arg) {
    const aeo_decl *d = arg;
    aeo_buf *o = f->out;
    const char *kw = d->kind == AEO_DECL_CONST     ? "const"
                     : d->kind == AEO_DECL_DEF     ? "def"
                     : d->kind == AEO_DECL_EXAMPLE ? "example"
                                                   : "tier";
    aeo_buf_printf(o, "%s %s", kw, d->name);
    /* def f(x: int, y: string) = ... */
    for (uint32_t i = 0; i < d->n_params; i++) {
        aeo_buf_printf(o, "%s%s: ", i ? ", " : "(", d->params[i].name);
        type_expr(o, d->params[i].type);
    }
    if (d->n_params) aeo_buf_puts(o, ")");
    aeo_buf_puts(o, " = ");
    value(f, d->value, 0, 0, 0);
}

static void decl(fmt *f, const aeo_decl *d, uint32_t next_start) {
    aeo_buf *o = f->out;
    switch (d->kind) {
    case AEO_DECL_CATALOG: aeo_buf_printf(o, "catalog %s {", d->name); break;
    case AEO_DECL_FACTS: aeo_buf_printf(o, "facts %s {", d->name); break;
    case AEO_DECL_RECORD: aeo_buf_printf(o, "record %s {", d->name); break;
    case AEO_DECL_TEXT: aeo_buf_printf(o, "text %s {", d->name); break;
    case AEO_DECL_MEASURE:
        aeo_buf_printf(o, "measure %s ", d->name);
        aeo_buf_putn(o, f->text + d->title_span.start, d->title_span.end - d->title_span.start);
        aeo_buf_puts(o, " {");
        break;
    case AEO_DECL_TEST:
        aeo_buf_puts(o, "test ");
        aeo_buf_putn(o, f->text + d->name_span.start, d->name_span.end - d->name_span.start);
        aeo_buf_puts(o, " {");
        break;
    case AEO_DECL_CONST:
    case AEO_DECL_DEF:
    case AEO_DECL_TIER:
    case AEO_DECL_EXAMPLE:
        with_comments(f, value_decl, d, d->span.start, d->span.end, 0);
        trailing_comment(f, d->span.end, next_start);
        aeo_buf_puts(o, "\n");
        return;
    default: return;
    }
    uint32_t body = body_start(f, d);
    /* A comment after the '{' on the header line stays there. */
    uint32_t first = d->kind == AEO_DECL_FACTS || d->kind == AEO_DECL_RECORD
                         ? (d->n_fields ? d->fields[0].span.start : d->span.end)
                         : (d->n_props ? d->props[0].span.start : d->span.end);
    inner_comments(f, d->span.start, body, 0);
    trailing_comment(f, body, first);
    aeo_buf_puts(o, "\n");
    if (d->kind == AEO_DECL_FACTS || d->kind == AEO_DECL_RECORD) fields(f, d, body);
    else props(f, d, body);
    aeo_buf_puts(o, "}");
    trailing_comment(f, d->span.end, next_start);
    aeo_buf_puts(o, "\n");
}

void aeo_fmt_file(const aeo_sources *src, const aeo_file *file, aeo_buf *out) {
    const aeo_source *s = &src->files[file->source];
    fmt f = {s->text, s->len, NULL, 0, 0, out};
    scan_comments(&f);
    uint32_t prev_end = 0;
    const aeo_decl *prev = NULL;
    for (uint32_t i = 0; i < file->n_decls; i++) {
        const aeo_decl *d = &file->decls[i];
        if (d->kind == AEO_DECL_ERROR) continue;
        uint32_t next_start = UINT32_MAX;
        for (uint32_t k = i + 1; k < file->n_decls; k++)
            if (file->decls[k].kind != AEO_DECL_ERROR) { next_start = file->decls[k].span.start; break; }
        /* A block is always set apart by a blank line. */
        size_t before = out->len;
        leading(&f, d->span.start, 0, prev_end, prev == NULL);
        bool blank = out->len > before ? out->data[before] == '\n' : false;
        if (prev && (is_block(prev) || is_block(d)) && !blank) {
            /* Insert the blank line before whatever leading() wrote. */
            aeo_buf_puts(out, "\n");
            memmove(out->data + before + 1, out->data + before, out->len - before - 1);
            out->data[before] = '\n';
        }
        decl(&f, d, next_start);
        prev = d;
        prev_end = d->span.end;
    }
    /* Comments at the end of the file. */
    leading(&f, UINT32_MAX, 0, prev_end, prev == NULL);
    free(f.comments);
}
