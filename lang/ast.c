/* The AST's small services: node allocation, names, the CEL printer and
 * the tree dumper; see ast.h.
 *
 * aeo_expr_print writes an expression back as CEL source.  It adds
 * parentheses only where CEL's precedence needs them, so parsing its output
 * gives the same tree back (the parser's round-trip tests rely on this).
 * Precedence levels, lowest first:
 *   1 ?:   2 ||   3 &&   4 == != < <= > >= in   5 + -   6 * / %
 *   7 unary ! -, and negative number literals   8 member, primary
 * Binary operators are left-associative (a right operand of the same level
 * is parenthesised); ?: is right-associative, and its condition and middle
 * operand are CEL's conditionalOr, so a ?: there is parenthesised.
 *
 * The dump (aeo_ast_dump, for golden tests) is one node per line, indented
 * two spaces per level, each line ending in "@line:col" of the node's first
 * byte (or "@offset" when no position function is given):
 *
 *   MEASURE M01 "Lower inspection rate" @3:1     declaration: KIND name [title]
 *     doc @1:1                                   leading comment, if captured
 *     prop tier @4:3                             property: its value one level down
 *       IDENT advanced @4:9
 *     prop when @5:3
 *       BINARY == @5:9                           operator nodes name the operator
 *         SELECT credit @5:9                     children one level down, in order
 *           IDENT enterprise @5:9
 *         STRING "advanced" @5:29
 *   FACTS enterprise @9:1
 *     field certified_on?: timestamp @10:3       field: name, '?', type as written
 *   CONST LIMIT @12:1                            const/def/tier: value one level down
 *     INT 3 @12:15
 *   TEST "advanced" @14:1
 *   ERROR @20:1                                  a declaration that failed to parse
 *
 * A declaration in which a syntax error was recovered from ends its line in
 * " (has errors)" before the position.  Expression lines by kind:
 *   ERROR NULL LIST MAP INDEX COND       kind only
 *   BOOL true  INT -5  UINT 5  DOUBLE 1.5   value (DOUBLE as aeo_expr_print)
 *   STRING "a\n"  BYTES b"\x00"          quoted and escaped as in CEL
 *   IDENT name  IDENT .name              .name: absolute (leading dot)
 *   SELECT field                         child: operand
 *   CALL f                               global call; children: arguments
 *   CALL .f                              receiver call; children: receiver, arguments
 *   UNARY !  BINARY &&                   children: operands
 * Children of INDEX are operand then index; of MAP, key and value
 * alternately; of COND, condition, then, else. */
#include "lang/ast.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

aeo_expr *aeo_expr_new(aeo_arena *a, aeo_expr_kind kind, aeo_span span, uint32_t *next_id) {
    aeo_expr *e = aeo_arena_zalloc(a, sizeof *e);
    e->kind = kind;
    e->span = span;
    e->id = next_id ? (*next_id)++ : 0;
    e->depth = 1;
    return e;
}

static const char *const expr_kind_names[] = {
#define X(name) #name,
    AEO_EXPR_KINDS(X)
#undef X
};

static const char *const decl_kind_names[] = {
#define X(name, word) #name,
    AEO_DECL_KINDS(X)
#undef X
};

static const char *const decl_kind_words[] = {
#define X(name, word) word,
    AEO_DECL_KINDS(X)
#undef X
};

const aeo_macro_info aeo_macro_table[AEO_MACRO__COUNT] = {
#define X(id, name, alias, method, min_args, max_args, two_from) {name, alias, method, min_args, max_args, two_from},
    AEO_MACROS(X)
#undef X
};

int aeo_macro_find(const char *name) {
    for (int i = 0; i < AEO_MACRO__COUNT; i++)
        if (strcmp(name, aeo_macro_table[i].name) == 0 || (aeo_macro_table[i].alias[0] && strcmp(name, aeo_macro_table[i].alias) == 0))
            return i;
    return -1;
}

bool aeo_macro_two_vars(aeo_macro m, uint32_t n_args) {
    uint8_t from = aeo_macro_table[m].two_from;
    return from && n_args >= from;
}

const char *aeo_expr_kind_name(aeo_expr_kind k) {
    return (unsigned)k < AEO_EXPR__COUNT ? expr_kind_names[k] : "?";
}

const char *aeo_decl_kind_name(aeo_decl_kind k) {
    return (unsigned)k < AEO_DECL__COUNT ? decl_kind_names[k] : "?";
}

const char *aeo_decl_kind_word(aeo_decl_kind k) {
    return (unsigned)k < AEO_DECL__COUNT ? decl_kind_words[k] : "declaration";
}

const char *aeo_operator_str(aeo_operator op) {
    switch (op) {
    case AEO_OPR_NOT: return "!";
    case AEO_OPR_NEG: return "-";
    case AEO_OPR_OR: return "||";
    case AEO_OPR_AND: return "&&";
    case AEO_OPR_EQ: return "==";
    case AEO_OPR_NE: return "!=";
    case AEO_OPR_LT: return "<";
    case AEO_OPR_LE: return "<=";
    case AEO_OPR_GT: return ">";
    case AEO_OPR_GE: return ">=";
    case AEO_OPR_IN: return "in";
    case AEO_OPR_ADD: return "+";
    case AEO_OPR_SUB: return "-";
    case AEO_OPR_MUL: return "*";
    case AEO_OPR_DIV: return "/";
    case AEO_OPR_MOD: return "%";
    }
    return "?";
}

/* --- literals --------------------------------------------------------------- */

/* The shortest decimal text that reads back as [d], always recognisable as
 * a double (it has a '.', an exponent, or is a double("...") conversion for
 * the values CEL has no literal for).  Formatted in the C locale, whatever
 * the program's LC_NUMERIC. */
static void format_double(double d, char *buf, size_t size) {
    if (isnan(d)) {
        snprintf(buf, size, "double(\"NaN\")");
        return;
    }
    if (isinf(d)) {
        snprintf(buf, size, d > 0 ? "double(\"Infinity\")" : "double(\"-Infinity\")");
        return;
    }
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    /* Plain notation for everyday magnitudes (1000.0, not 1e+03), %g's
     * exponent form for the rest. */
    double mag = fabs(d);
    bool done = false;
    if (mag == 0 || (mag >= 1e-4 && mag < 1e16))
        for (int prec = 0; prec <= 20 && !done; prec++) {
            snprintf(buf, size, "%.*f", prec, d);
            done = strtod(buf, NULL) == d;
        }
    for (int prec = 1; prec <= 17 && !done; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        done = strtod(buf, NULL) == d;
    }
    if (c) {
        uselocale(old);
        freelocale(c);
    }
    if (!strpbrk(buf, ".eE")) {
        size_t n = strlen(buf);
        if (n + 2 < size) memcpy(buf + n, ".0", 3);
    }
}

/* A CEL string (or, with [bytes], bytes) literal for [s] of [len] bytes. */
static void print_quoted(FILE *out, const char *s, uint32_t len, bool bytes) {
    if (bytes) fputc('b', out);
    fputc('"', out);
    for (uint32_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\a': fputs("\\a", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\v': fputs("\\v", out); break;
        default:
            /* In a string, \xHH is the code point U+00HH, which for the
             * control characters is the byte itself; a string's other bytes
             * are valid UTF-8 and print as they are.  In bytes, \xHH is
             * the raw byte. */
            if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80))
                fprintf(out, "\\x%02x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

/* --- printer ------------------------------------------------------------------ */

void aeo_expr_each_child(const aeo_expr *e, aeo_expr_visit fn, void *ud) {
    switch (e->kind) {
    case AEO_EXPR_SELECT: fn(e->u.select.operand, ud); break;
    case AEO_EXPR_INDEX:
        fn(e->u.index.operand, ud);
        fn(e->u.index.index, ud);
        break;
    case AEO_EXPR_CALL:
        if (e->u.call.target) fn(e->u.call.target, ud);
        for (uint32_t i = 0; i < e->u.call.n_args; i++) fn(e->u.call.args[i], ud);
        break;
    case AEO_EXPR_LIST:
        for (uint32_t i = 0; i < e->u.list.n; i++) fn(e->u.list.items[i], ud);
        break;
    case AEO_EXPR_MAP:
        for (uint32_t i = 0; i < e->u.map.n; i++) {
            fn(e->u.map.keys[i], ud);
            fn(e->u.map.vals[i], ud);
        }
        break;
    case AEO_EXPR_UNARY: fn(e->u.unary.a, ud); break;
    case AEO_EXPR_BINARY:
        fn(e->u.binary.a, ud);
        fn(e->u.binary.b, ud);
        break;
    case AEO_EXPR_COND:
        fn(e->u.cond.c, ud);
        fn(e->u.cond.a, ud);
        fn(e->u.cond.b, ud);
        break;
    case AEO_EXPR_WITH:
        fn(e->u.with.base, ud);
        fn(e->u.with.map, ud);
        break;
    default: break;
    }
}

int aeo_expr_precedence(const aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_WITH: return 0;
    case AEO_EXPR_COND: return 1;
    case AEO_EXPR_BINARY:
        switch (e->u.binary.op) {
        case AEO_OPR_OR: return 2;
        case AEO_OPR_AND: return 3;
        case AEO_OPR_ADD:
        case AEO_OPR_SUB: return 5;
        case AEO_OPR_MUL:
        case AEO_OPR_DIV:
        case AEO_OPR_MOD: return 6;
        default: return 4;
        }
    case AEO_EXPR_UNARY: return 7;
    case AEO_EXPR_INT: return e->u.i < 0 ? 7 : 8;
    case AEO_EXPR_DOUBLE: return signbit(e->u.d) ? 7 : 8;
    default: return 8;
    }
}

static void print_prec(FILE *out, const aeo_expr *e, int min);

/* Whether [s] is spelled like an identifier ([_a-zA-Z][_a-zA-Z0-9]*). */
static bool is_plain_name(const char *s) {
    static const char word[] = "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    return s[0] && !(s[0] >= '0' && s[0] <= '9') && strspn(s, word) == strlen(s);
}

/* A receiver of .f or .f(): numbers are parenthesised too, so that the
 * text reads back the same whatever the number's spelling ("1.5.f"). */
static void print_receiver(FILE *out, const aeo_expr *e) {
    if (e->kind == AEO_EXPR_INT || e->kind == AEO_EXPR_UINT || e->kind == AEO_EXPR_DOUBLE) {
        fputc('(', out);
        print_prec(out, e, 0);
        fputc(')', out);
    } else
        print_prec(out, e, 8);
}

static void print_list(FILE *out, aeo_expr *const *items, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        if (i) fputs(", ", out);
        print_prec(out, items[i], 0);
    }
}

static void print_prec(FILE *out, const aeo_expr *e, int min) {
    if (!e) {
        fputs("<null>", out);
        return;
    }
    int p = aeo_expr_precedence(e);
    if (p < min) fputc('(', out);
    char buf[64];
    switch (e->kind) {
    case AEO_EXPR_ERROR: fputs("<error>", out); break;
    case AEO_EXPR_NULL: fputs("null", out); break;
    case AEO_EXPR_BOOL: fputs(e->u.b ? "true" : "false", out); break;
    case AEO_EXPR_INT: fprintf(out, "%" PRId64, e->u.i); break;
    case AEO_EXPR_UINT: fprintf(out, "%" PRIu64 "u", e->u.u); break;
    case AEO_EXPR_DOUBLE:
        format_double(e->u.d, buf, sizeof buf);
        fputs(buf, out);
        break;
    case AEO_EXPR_STRING: print_quoted(out, e->u.str.s, e->u.str.len, false); break;
    case AEO_EXPR_BYTES: print_quoted(out, e->u.str.s, e->u.str.len, true); break;
    case AEO_EXPR_IDENT:
        fprintf(out, "%s%s", e->u.ident.dot ? "." : "", e->u.ident.name);
        break;
    case AEO_EXPR_SELECT:
        print_receiver(out, e->u.select.operand);
        /* A field that is not an identifier was written backquoted. */
        if (is_plain_name(e->u.select.field)) fprintf(out, ".%s", e->u.select.field);
        else fprintf(out, ".`%s`", e->u.select.field);
        break;
    case AEO_EXPR_INDEX:
        print_prec(out, e->u.index.operand, 8);
        fputc('[', out);
        print_prec(out, e->u.index.index, 0);
        fputc(']', out);
        break;
    case AEO_EXPR_CALL:
        if (e->u.call.target) {
            print_receiver(out, e->u.call.target);
            fputc('.', out);
        }
        fprintf(out, "%s(", e->u.call.name);
        print_list(out, e->u.call.args, e->u.call.n_args);
        fputc(')', out);
        break;
    case AEO_EXPR_LIST:
        fputc('[', out);
        print_list(out, e->u.list.items, e->u.list.n);
        fputc(']', out);
        break;
    case AEO_EXPR_MAP:
        fputc('{', out);
        for (uint32_t i = 0; i < e->u.map.n; i++) {
            if (i) fputs(", ", out);
            print_prec(out, e->u.map.keys[i], 0);
            fputs(": ", out);
            print_prec(out, e->u.map.vals[i], 0);
        }
        fputc('}', out);
        break;
    case AEO_EXPR_UNARY:
        fputs(aeo_operator_str(e->u.unary.op), out);
        /* The parser folds '-' into an unparenthesised number literal, so
         * a negation that was kept must print its literal in parentheses
         * to read back as the same tree. */
        if (e->u.unary.op == AEO_OPR_NEG && e->u.unary.a &&
            (e->u.unary.a->kind == AEO_EXPR_INT || e->u.unary.a->kind == AEO_EXPR_DOUBLE)) {
            fputc('(', out);
            print_prec(out, e->u.unary.a, 0);
            fputc(')', out);
        } else
            print_prec(out, e->u.unary.a, 7);
        break;
    case AEO_EXPR_BINARY: {
        print_prec(out, e->u.binary.a, p);
        fprintf(out, " %s ", aeo_operator_str(e->u.binary.op));
        /* && and || are associative: a balanced chain prints flat. */
        const aeo_expr *b = e->u.binary.b;
        bool assoc = (e->u.binary.op == AEO_OPR_AND || e->u.binary.op == AEO_OPR_OR) && b &&
                     b->kind == AEO_EXPR_BINARY && b->u.binary.op == e->u.binary.op;
        print_prec(out, b, assoc ? p : p + 1);
        break;
    }
    case AEO_EXPR_COND:
        print_prec(out, e->u.cond.c, 2);
        fputs(" ? ", out);
        print_prec(out, e->u.cond.a, 2);
        fputs(" : ", out);
        print_prec(out, e->u.cond.b, 1);
        break;
    case AEO_EXPR_WITH:
        print_prec(out, e->u.with.base, 0);
        fputs(" with ", out);
        print_prec(out, e->u.with.map, 1);
        break;
    case AEO_EXPR__COUNT: break;
    }
    if (p < min) fputc(')', out);
}

char *aeo_expr_text(const aeo_expr *e, size_t *len) {
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (!f) {
        if (len) *len = 0;
        return aeo_xstrdup("");
    }
    print_prec(f, e, 0);
    fclose(f);
    if (len) *len = n;
    return text;
}

void aeo_expr_print(FILE *out, const aeo_expr *e) { print_prec(out, e, 0); }

void aeo_type_expr_print(FILE *out, const aeo_type_expr *t) {
    if (!t) {
        fputs("<error>", out);
        return;
    }
    if (t->kind == AEO_TYPE_ENUM) {
        for (uint32_t i = 0; i < t->n_values; i++) {
            if (i) fputs(" | ", out);
            print_quoted(out, t->values[i], (uint32_t)strlen(t->values[i]), false);
        }
        return;
    }
    fputs(t->name ? t->name : "<error>", out);
    if (t->n_args) {
        fputc('<', out);
        for (uint32_t i = 0; i < t->n_args; i++) {
            if (i) fputs(", ", out);
            aeo_type_expr_print(out, t->args[i]);
        }
        fputc('>', out);
    }
}

/* --- dumper ------------------------------------------------------------------- */

static void print_pos(FILE *out, uint32_t offset, aeo_pos_fn pos, void *ud) {
    if (pos) {
        uint32_t line = 0, col = 0;
        pos(ud, offset, &line, &col);
        fprintf(out, " @%u:%u\n", line, col);
    } else
        fprintf(out, " @%u\n", offset);
}

static void indent_to(FILE *out, int indent) {
    for (int i = 0; i < indent; i++) fputs("  ", out);
}

typedef struct dump_child_ctx {
    FILE *out;
    int indent;
    aeo_pos_fn pos;
    void *ud;
} dump_child_ctx;

static void dump_child(const aeo_expr *child, void *p) {
    const dump_child_ctx *cc = p;
    aeo_expr_dump(cc->out, child, cc->indent, cc->pos, cc->ud);
}

void aeo_expr_dump(FILE *out, const aeo_expr *e, int indent, aeo_pos_fn pos, void *ud) {
    indent_to(out, indent);
    if (!e) {
        fputs("<null>\n", out);
        return;
    }
    fputs(aeo_expr_kind_name(e->kind), out);
    char buf[64];
    switch (e->kind) {
    case AEO_EXPR_BOOL: fputs(e->u.b ? " true" : " false", out); break;
    case AEO_EXPR_INT: fprintf(out, " %" PRId64, e->u.i); break;
    case AEO_EXPR_UINT: fprintf(out, " %" PRIu64, e->u.u); break;
    case AEO_EXPR_DOUBLE:
        format_double(e->u.d, buf, sizeof buf);
        fprintf(out, " %s", buf);
        break;
    case AEO_EXPR_STRING:
    case AEO_EXPR_BYTES:
        fputc(' ', out);
        print_quoted(out, e->u.str.s, e->u.str.len, e->kind == AEO_EXPR_BYTES);
        break;
    case AEO_EXPR_IDENT: fprintf(out, " %s%s", e->u.ident.dot ? "." : "", e->u.ident.name); break;
    case AEO_EXPR_SELECT: fprintf(out, " %s", e->u.select.field); break;
    case AEO_EXPR_CALL: fprintf(out, " %s%s", e->u.call.target ? "." : "", e->u.call.name); break;
    case AEO_EXPR_UNARY: fprintf(out, " %s", aeo_operator_str(e->u.unary.op)); break;
    case AEO_EXPR_BINARY: fprintf(out, " %s", aeo_operator_str(e->u.binary.op)); break;
    default: break;
    }
    print_pos(out, e->span.start, pos, ud);

    dump_child_ctx cc = {out, indent + 1, pos, ud};
    aeo_expr_each_child(e, dump_child, &cc);
}

static void dump_decl(FILE *out, const aeo_decl *d, aeo_pos_fn pos, void *ud) {
    fputs(aeo_decl_kind_name(d->kind), out);
    if (d->kind == AEO_DECL_TEST) {
        fputc(' ', out);
        const char *n = d->name ? d->name : "";
        print_quoted(out, n, (uint32_t)strlen(n), false);
    } else if (d->name)
        fprintf(out, " %s", d->name);
    if (d->kind == AEO_DECL_MEASURE && d->title) {
        fputc(' ', out);
        print_quoted(out, d->title, (uint32_t)strlen(d->title), false);
    }
    if (d->has_error) fputs(" (has errors)", out);
    print_pos(out, d->span.start, pos, ud);

    if (d->doc.end > d->doc.start) {
        fputs("  doc", out);
        print_pos(out, d->doc.start, pos, ud);
    }
    for (uint32_t i = 0; i < d->n_props; i++) {
        const aeo_prop *p = &d->props[i];
        if (p->kind == AEO_PROP_TYPE) {
            fputs("  prop value: ", out);
            if (p->type) aeo_type_expr_print(out, p->type);
            print_pos(out, p->span.start, pos, ud);
            continue;
        }
        fprintf(out, "  %s", p->kind == AEO_PROP_EXPR ? "prop " : "");
        fputs(p->name, out);
        if (p->cite) {
            fputs(" cite ", out);
            print_quoted(out, p->cite, (uint32_t)strlen(p->cite), false);
        }
        print_pos(out, p->span.start, pos, ud);
        if (p->kind == AEO_PROP_CASE) aeo_expr_dump(out, p->cond, 2, pos, ud);
        aeo_expr_dump(out, p->value, 2, pos, ud);
    }
    for (uint32_t i = 0; i < d->n_fields; i++) {
        const aeo_field_decl *f = &d->fields[i];
        fprintf(out, "  field %s%s: ", f->name, f->optional ? "?" : "");
        aeo_type_expr_print(out, f->type);
        print_pos(out, f->span.start, pos, ud);
        if (f->default_value) aeo_expr_dump(out, f->default_value, 2, pos, ud);
    }
    for (uint32_t i = 0; i < d->n_params; i++) {
        fprintf(out, "  param %s: ", d->params[i].name);
        aeo_type_expr_print(out, d->params[i].type);
        print_pos(out, d->params[i].name_span.start, pos, ud);
    }
    if (d->value) aeo_expr_dump(out, d->value, 1, pos, ud);
}

void aeo_ast_dump(FILE *out, const aeo_file *f, aeo_pos_fn pos, void *ud) {
    for (uint32_t i = 0; i < f->n_decls; i++) dump_decl(out, &f->decls[i], pos, ud);
}
