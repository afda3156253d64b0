/* The checker: name resolution and static types over a whole catalog.
 *
 * Input: the parsed files of a catalog (aeo_catalog.files).  Output: the
 * catalog's symbol tables, the facts schema as runtime types, and the AST
 * annotated in place: every expression gets a type, every name a reference
 * (ref, ref_index), every macro its iteration slot.  Problems go to the
 * diagnostics sink; an expression whose type is `error` never causes a
 * second message, so one mistake gives one diagnostic.
 *
 * Order: gather declarations (one namespace for consts, defs, tiers,
 * measures, examples and the facts root; one for record types), build the
 * schema (with the field defaults), check the catalog block, then every
 * const, def, tier, measure, example and test.  A def with parameters is a
 * function (its parameters are locals of its body; see "functions"); an
 * example or a test's facts resolve to one merged map literal (see
 * "examples and facts records").
 * Consts, defs, tiers and measures are checked on demand, depth first, with
 * a three-state mark on each declaration: that is where cycles are found.
 *
 * Typing follows CEL's checker with two additions: an enum field compared
 * with a string literal (==, !=, in) must name one of the enum's values, and
 * a condition (when, unless, scope, tier) must be a bool. */
#include "lang/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/builtins.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"

/* ---- name tables --------------------------------------------------------- */

/* ---- name tables ----------------------------------------------------------
 *
 * Open addressing with linear probing over a power-of-two array, kept at
 * most half full so a probe ends quickly at an empty slot.  Entries are
 * never deleted (a catalog's names only accumulate while checking), so no
 * tombstones are needed.  Names are
 * arena strings owned by the AST; the table only points at them. */
typedef struct name_entry {
    const char *name;
    void *value;
} name_entry;

typedef struct name_table {
    name_entry *slots;
    uint32_t cap, n;
} name_table;

/* FNV-1a: short identifiers, no adversary, and no allocation. */
static uint32_t hash_str(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static void *table_get(const name_table *t, const char *name) {
    if (!t->cap) return NULL;
    for (uint32_t i = hash_str(name) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->slots[i].name) return NULL;
        if (strcmp(t->slots[i].name, name) == 0) return t->slots[i].value;
    }
}

/* Sets [name] to [value], replacing an earlier value (declare() reports
 * duplicates before it gets here). */
static void table_put(name_table *t, const char *name, void *value) {
    if (2 * (t->n + 1) > t->cap) {   /* keep the load at or under 1/2 */
        name_table old = *t;
        t->cap = old.cap ? old.cap * 2 : 64;
        t->slots = aeo_xcalloc(t->cap, sizeof *t->slots);
        t->n = 0;
        for (uint32_t i = 0; i < old.cap; i++)
            if (old.slots[i].name) table_put(t, old.slots[i].name, old.slots[i].value);
        free(old.slots);
    }
    uint32_t i = hash_str(name) & (t->cap - 1);
    while (t->slots[i].name && strcmp(t->slots[i].name, name) != 0) i = (i + 1) & (t->cap - 1);
    if (!t->slots[i].name) t->n++;
    t->slots[i].name = name;
    t->slots[i].value = value;
}

/* ---- checker state ------------------------------------------------------- */

/* The variables in scope: a comprehension's variables and a function's
 * parameters, innermost first, linked through `up`.  A comprehension's live
 * in check_macro's C frame and a function's parameters in the arena, so
 * leaving a scope is restoring ck->locals: nothing to free.  A search from the head finds the innermost
 * binding, which is what shadowing means. */
typedef struct local_var {
    const char *name;
    const aeo_type *type;
    uint32_t slot;             /* the VM local the compiler loads */
    struct local_var *up;
} local_var;

typedef struct checker {
    aeo_catalog *cat;
    aeo_arena *a;
    aeo_diags *d;
    name_table names;          /* const, def, tier, measure, root: aeo_decl* */
    name_table types;          /* record types: aeo_decl* */
    aeo_decl *facts_decl;
    aeo_decl **stack;          /* declarations being checked, for cycle messages */
    uint32_t depth, cap;
    bool constant;             /* checking a const: facts and defs are not allowed */
    local_var *locals;
    uint32_t next_slot;        /* next free macro slot base */
    bool chain_reported;       /* the MAX_CHAIN error was given */
    bool impure;               /* the expression read facts, as_of, a def, tier or measure */
} checker;

/* A declaration's mark for the on-demand, depth-first check: NEW until it
 * is first needed, BUSY while its body is being checked (meeting a BUSY
 * declaration again is a cycle), DONE once its type is known. */
enum { ST_NEW, ST_BUSY, ST_DONE };

static const char *const builtin_types[] = {"string", "int", "uint", "double", "bool", "bytes",
                                            "timestamp", "duration", "dyn", "list", "map",
                                            "null_type", "type"};

static void push_decl(aeo_decls *v, aeo_decl *d) {
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = aeo_xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->n++] = d;
}

/* The word a diagnostic calls declaration [d] by: its keyword, except that
 * a def with parameters is a "function".  A test has no name in the
 * namespace, so no diagnostic below names one by its kind; it keeps the
 * version-1 word "declaration". */
static const char *decl_what(const aeo_decl *d) {
    if (d->kind == AEO_DECL_DEF && d->n_params) return "function";
    if (d->kind == AEO_DECL_TEST) return "declaration";
    return aeo_decl_kind_word(d->kind);
}

static const char *tname(checker *ck, const aeo_type *t) {
    char buf[256];
    aeo_type_format(t, buf, sizeof buf);
    return aeo_arena_strdup(ck->a, buf);
}

static bool is_err(const aeo_type *t) { return t->kind == AEO_T_ERROR; }
static bool is_dyn(const aeo_type *t) { return t->kind == AEO_T_DYN || t->kind == AEO_T_ERROR; }
static bool is_stringish(const aeo_type *t) { return t->kind == AEO_T_STRING || t->kind == AEO_T_ENUM; }
static bool is_num(const aeo_type *t) {
    return t->kind == AEO_T_INT || t->kind == AEO_T_UINT || t->kind == AEO_T_DOUBLE;
}

/* Whether values of [x] and [y] may meet in ==, in, a list, ... */
static bool compatible(const aeo_type *x, const aeo_type *y) {
    if (is_dyn(x) || is_dyn(y)) return true;
    if (x->kind == AEO_T_NULL || y->kind == AEO_T_NULL) return true;
    if (is_stringish(x) && is_stringish(y)) return true;
    if (is_num(x) && is_num(y)) return true;
    if (x->kind != y->kind) return false;
    switch (x->kind) {
    case AEO_T_LIST: return compatible(x->elem, y->elem);
    case AEO_T_MAP: return compatible(x->key, y->key) && compatible(x->elem, y->elem);
    case AEO_T_RECORD: return x->rec == y->rec;
    default: return true;
    }
}

/* The common type of two branches or list items: the type when equal, else dyn. */
static const aeo_type *join(const aeo_type *x, const aeo_type *y) {
    if (is_err(x)) return y;
    if (is_err(y)) return x;
    if (aeo_type_equal(x, y)) return x;
    if (is_stringish(x) && is_stringish(y)) return &aeo_type_string;
    return &aeo_type_dyn;
}

/* Whether [code] was already reported at [span] (a const's literal met by
 * several comparisons is reported once; a word the parser has called a
 * mistake is not an unknown name too). */
static bool reported_at(const checker *ck, aeo_diag_code code, aeo_span span) {
    for (uint32_t i = 0; i < ck->d->n; i++) {
        const aeo_diag *g = &ck->d->items[i];
        if (g->code == code && g->span.file == span.file && g->span.start == span.start && g->span.end == span.end)
            return true;
    }
    return false;
}

/* ---- suggestions ---------------------------------------------------------- */

/* Names visible in expressions, for "did you mean". */
static const char *suggest_name(checker *ck, const char *name) {
    uint32_t n = 0, cap = ck->names.n + 8;
    for (local_var *l = ck->locals; l; l = l->up) cap++;
    const char **cands = aeo_xmalloc(cap * sizeof *cands);
    for (local_var *l = ck->locals; l; l = l->up) cands[n++] = l->name;
    for (uint32_t i = 0; i < ck->names.cap; i++)
        if (ck->names.slots[i].name) cands[n++] = ck->names.slots[i].name;
    cands[n++] = "as_of";
    const char *s = aeo_suggest(name, cands, n);
    free(cands);
    return s;
}

static const char *suggest_field(const aeo_record_type *rt, const char *name) {
    const char **cands = aeo_xmalloc((rt->n_fields + 1) * sizeof *cands);
    for (uint32_t i = 0; i < rt->n_fields; i++) cands[i] = rt->fields[i].name;
    const char *s = aeo_suggest(name, cands, rt->n_fields);
    free(cands);
    return s;
}

static const char *suggest_enum(const aeo_type *t, const char *value) {
    return aeo_suggest(value, (const char *const *)t->enum_values, t->n_enum);
}

/* ---- schema ---------------------------------------------------------------- */

static const aeo_type *scalar_type(const char *name) {
    static const struct { const char *name; const aeo_type *t; } map[] = {
        {"string", &aeo_type_string}, {"int", &aeo_type_int}, {"uint", &aeo_type_uint},
        {"double", &aeo_type_double}, {"bool", &aeo_type_bool}, {"bytes", &aeo_type_bytes},
        {"timestamp", &aeo_type_timestamp}, {"duration", &aeo_type_duration},
        {"dyn", &aeo_type_dyn},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, name) == 0) return map[i].t;
    return NULL;
}

/* A type the parser could not build (a bad enum value, which it reported)
 * is NULL here, at the top or as a type argument: the error type. */
static const aeo_type *resolve_type(checker *ck, const aeo_type_expr *te) {
    if (!te) return &aeo_type_error;
    if (te->kind == AEO_TYPE_ENUM) {
        aeo_type *t = aeo_arena_zalloc(ck->a, sizeof *t);
        t->kind = AEO_T_ENUM;
        const char **vals = aeo_arena_alloc(ck->a, (te->n_values ? te->n_values : 1) * sizeof *vals);
        uint32_t n = 0;
        name_table seen_values = {0};
        for (uint32_t i = 0; i < te->n_values; i++) {
            bool dup = table_get(&seen_values, te->values[i]) != NULL;
            if (!dup) table_put(&seen_values, te->values[i], (void *)(uintptr_t)1);
            if (dup) {
                aeo_diag_add(ck->d, AEO_E_DUPLICATE, te->value_spans[i],
                             "enum value \"%s\" is listed twice", te->values[i]);
                continue;
            }
            vals[n++] = te->values[i];
        }
        free(seen_values.slots);
        t->enum_values = vals;
        t->n_enum = n;
        aeo_type_intern_enum(ck->a, t);
        return t;
    }
    if (strcmp(te->name, "list") == 0 || strcmp(te->name, "map") == 0) {
        bool is_list = te->name[0] == 'l';
        uint32_t want = is_list ? 1 : 2;
        if (te->n_args != want) {
            aeo_diag_add(ck->d, AEO_E_UNKNOWN_TYPE, te->span, "'%s' takes %u type argument%s, as in %s",
                         te->name, want, want == 1 ? "" : "s", is_list ? "list<string>" : "map<string, int>");
            return &aeo_type_error;
        }
        const aeo_type *x = resolve_type(ck, te->args[0]);
        if (is_list) return aeo_type_list(ck->a, x);
        const aeo_type *y = resolve_type(ck, te->args[1]);
        if (x->kind != AEO_T_STRING && !is_err(x)) {
            /* Facts come as JSON, whose object keys are strings. */
            aeo_diag_add(ck->d, AEO_E_UNKNOWN_TYPE, te->args[0]->span,
                         "map keys in the facts schema must be 'string' (JSON object keys are strings), not '%s'",
                         tname(ck, x));
        }
        return aeo_type_map(ck->a, x, y);
    }
    if (te->n_args) {
        aeo_diag_add(ck->d, AEO_E_UNKNOWN_TYPE, te->span, "type '%s' takes no type arguments", te->name);
        return &aeo_type_error;
    }
    const aeo_type *s = scalar_type(te->name);
    if (s) return s;
    aeo_decl *rd = table_get(&ck->types, te->name);
    if (rd) return rd->type;
    /* Suggest among scalar and record type names. */
    uint32_t n = 0;
    const char **cands = aeo_xmalloc((ck->types.n + 16) * sizeof *cands);
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++) cands[n++] = builtin_types[i];
    for (uint32_t i = 0; i < ck->types.cap; i++)
        if (ck->types.slots[i].name) cands[n++] = ck->types.slots[i].name;
    const char *sug = aeo_suggest(te->name, cands, n);
    free(cands);
    if (sug)
        aeo_diag_add(ck->d, AEO_E_UNKNOWN_TYPE, te->span, "unknown type '%s'; did you mean '%s'?", te->name, sug);
    else
        aeo_diag_add(ck->d, AEO_E_UNKNOWN_TYPE, te->span, "unknown type '%s'", te->name);
    return &aeo_type_error;
}

/* The default checks come after the facts-record checks they share. */
static void check_default(checker *ck, const aeo_decl *d, aeo_field_decl *fd, const aeo_field *f, aeo_value *defaults);

/* Creates the record type shell of a facts/record declaration; fields are
 * filled by fill_record once every record name is known (records may refer
 * to each other). */
static void make_record_shell(checker *ck, aeo_decl *d) {
    aeo_record_type *rt = aeo_arena_zalloc(ck->a, sizeof *rt);
    rt->name = d->name;
    aeo_type *t = aeo_arena_zalloc(ck->a, sizeof *t);
    t->kind = AEO_T_RECORD;
    t->rec = rt;
    d->type = t;
}

static void fill_record(checker *ck, aeo_decl *d) {
    aeo_record_type *rt = (aeo_record_type *)(uintptr_t)d->type->rec;
    rt->fields = aeo_arena_zalloc(ck->a, (d->n_fields ? d->n_fields : 1) * sizeof *rt->fields);
    for (uint32_t i = 0; i < d->n_fields; i++) {
        aeo_field_decl *fd = &d->fields[i];
        bool dup = false;
        for (uint32_t j = 0; j < rt->n_fields; j++) {
            if (strcmp(rt->fields[j].name, fd->name) == 0) {
                aeo_diag *g = aeo_diag_add(ck->d, AEO_E_DUPLICATE, fd->name_span,
                                           "field '%s' is declared twice in '%s'", fd->name, d->name);
                for (uint32_t k = 0; k < i; k++)
                    if (strcmp(d->fields[k].name, fd->name) == 0)
                        aeo_diag_note(ck->d, g, &d->fields[k].name_span, "first declared here");
                dup = true;
                break;
            }
        }
        const aeo_type *t = resolve_type(ck, fd->type);
        if (dup) continue;
        aeo_field *f = &rt->fields[rt->n_fields];
        f->name = fd->name;
        f->type = t;
        f->optional = fd->optional;
        f->slot = rt->n_fields;
        rt->n_fields++;
    }
    aeo_value *defaults = NULL;
    for (uint32_t i = 0, k = 0; i < d->n_fields && k < rt->n_fields; i++) {
        aeo_field_decl *fd = &d->fields[i];
        if (strcmp(rt->fields[k].name, fd->name) != 0) continue;   /* a duplicate, skipped above */
        if (fd->default_value) {
            if (!defaults) {
                defaults = aeo_arena_alloc(ck->a, rt->n_fields * sizeof *defaults);
                for (uint32_t j = 0; j < rt->n_fields; j++) defaults[j] = aeo_absent();
            }
            check_default(ck, d, fd, &rt->fields[k], defaults);
        }
        k++;
    }
    if (defaults) {
        rt->defaults = defaults;
        rt->n_defaults = rt->n_fields;
    }
    aeo_record_type_index(ck->a, rt);
}

/* ---- expressions ------------------------------------------------------------ */

static const aeo_type *check_expr(checker *ck, aeo_expr *e);
static void check_value_decl(checker *ck, aeo_decl *d);
static void check_measure(checker *ck, aeo_decl *d);
static void check_example(checker *ck, aeo_decl *d);

/* Every check_* returns the type it stored on the node, so a caller can
 * write `return set_type(e, ...)`; the error type is how "already
 * reported" travels upwards without a flag. */
static const aeo_type *set_type(aeo_expr *e, const aeo_type *t) {
    e->type = t;
    return t;
}

static const aeo_type *type_error(aeo_expr *e) { return set_type(e, &aeo_type_error); }

/* Reports a cycle through the declarations on the stack from [d] on. */
static void report_cycle(checker *ck, aeo_decl *d, aeo_span at) {
    aeo_buf b = {0};
    uint32_t from = 0;
    for (uint32_t i = 0; i < ck->depth; i++)
        if (ck->stack[i] == d) from = i;
    for (uint32_t i = from; i < ck->depth; i++) {
        aeo_buf_puts(&b, ck->stack[i]->name);
        aeo_buf_puts(&b, " -> ");
    }
    aeo_buf_puts(&b, d->name);
    aeo_diag_add(ck->d, AEO_E_CYCLE, at, "%s '%s' depends on itself: %s", decl_what(d), d->name, b.data);
    aeo_buf_free(&b);
}

/* References may chain at most this deep (each link a def, const, tier or
 * measure checked before the one that uses it): the checker recurses per
 * link, and the VM has a frame per link at run time. */
#define MAX_CHAIN 1000

static void uses(checker *ck, const aeo_decl *d);

/* Ensures [d] is checked before its use at [at]; false on a cycle (or a
 * chain too deep), which the caller turns into an error type without a
 * second message. */
static bool require_decl(checker *ck, aeo_decl *d, aeo_span at) {
    if (d->state == ST_DONE) {
        uses(ck, d);
        return true;
    }
    if (d->state == ST_BUSY) {
        report_cycle(ck, d, at);
        return false;
    }
    if (ck->depth >= MAX_CHAIN) {
        if (!ck->chain_reported)
            aeo_diag_add(ck->d, AEO_E_TOO_DEEP, at,
                         "definitions refer to each other too deeply: a chain of more than %d references", MAX_CHAIN);
        ck->chain_reported = true;
        return false;
    }
    if (d->kind == AEO_DECL_MEASURE) check_measure(ck, d);
    else if (d->kind == AEO_DECL_EXAMPLE) check_example(ck, d);
    else check_value_decl(ck, d);
    return true;
}

/* "f(x, y)": how function [d] is called, for messages. */
static const char *call_example(checker *ck, const aeo_decl *d) {
    aeo_buf b = {0};
    aeo_buf_printf(&b, "%s(", d->name);
    for (uint32_t i = 0; i < d->n_params; i++) aeo_buf_printf(&b, "%s%s", i ? ", " : "", d->params[i].name);
    aeo_buf_puts(&b, ")");
    const char *s = aeo_arena_strdup(ck->a, b.data);
    aeo_buf_free(&b);
    return s;
}

/* ident -> NAME | .NAME.  Resolution order, innermost first: a
 * comprehension variable or parameter, a variable declared by the embedder,
 * the built-in as_of (unless the catalog declares its own), a declaration
 * of the shared namespace, then a type name used as a value.  A leading '.'
 * (CEL's absolute name) skips the local scopes.  Reading anything but a
 * const marks the expression impure: a function whose body stays pure may
 * be called from a const. */
static const aeo_type *check_ident(checker *ck, aeo_expr *e) {
    const char *name = e->u.ident.name;
    if (!e->u.ident.dot) {
        for (local_var *l = ck->locals; l; l = l->up) {
            if (strcmp(l->name, name) == 0) {
                e->ref = AEO_REF_LOCAL;
                e->ref_index = l->slot;
                return set_type(e, l->type);
            }
        }
    }
    if (!e->u.ident.dot) {
        for (uint32_t i = 0; i < ck->cat->n_vars; i++) {
            if (strcmp(ck->cat->var_names[i], name) == 0) {
                ck->impure = true;
                e->ref = AEO_REF_VAR;
                e->ref_index = i;
                return set_type(e, ck->cat->var_types[i]);
            }
        }
    }
    if (strcmp(name, "as_of") == 0 && !table_get(&ck->names, "as_of")) {
        if (ck->constant) {
            aeo_diag_add(ck->d, AEO_E_NOT_CONSTANT, e->span, "a const cannot use 'as_of'; use a def");
            return type_error(e);
        }
        ck->impure = true;
        e->ref = AEO_REF_AS_OF;
        return set_type(e, &aeo_type_timestamp);
    }
    aeo_decl *d = table_get(&ck->names, name);
    if (!d) {
        /* A type name used as a value (type denotation), as in
         * type(x) == int.  dyn is a type only in declarations: CEL has no
         * dyn value. */
        for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++) {
            if (strcmp(builtin_types[i], name) == 0 && strcmp(name, "dyn") != 0) {
                e->ref = AEO_REF_TYPE;
                return set_type(e, &aeo_type_type);
            }
        }
        if (strcmp(name, "not") == 0 && reported_at(ck, AEO_E_SYNTAX, e->span)) return type_error(e);   /* "when: not x" */
        const char *sug = suggest_name(ck, name);
        if (sug)
            aeo_diag_add(ck->d, AEO_E_UNKNOWN_NAME, e->span, "unknown name '%s'; did you mean '%s'?", name, sug);
        else
            aeo_diag_add(ck->d, AEO_E_UNKNOWN_NAME, e->span, "unknown name '%s'", name);
        return type_error(e);
    }
    if (d->kind == AEO_DECL_DEF && d->n_params) {
        aeo_diag_add(ck->d, AEO_E_NOT_CALLED, e->span, "'%s' is a function: call it with %u argument%s, as in %s",
                     name, d->n_params, d->n_params == 1 ? "" : "s", call_example(ck, d));
        return type_error(e);
    }
    if (d->kind == AEO_DECL_EXAMPLE) {
        aeo_diag_add(ck->d, AEO_E_FACTS_FORM, e->span,
                     "'%s' is an example (a facts record): use it as a test's facts, as in facts: %s with {...}", name,
                     name);
        return type_error(e);
    }
    if (ck->constant && d->kind != AEO_DECL_CONST) {
        aeo_diag_add(ck->d, AEO_E_NOT_CONSTANT, e->span,
                     "a const can only use literals and other consts, not %s '%s'; use a def",
                     decl_what(d), name);
        return type_error(e);
    }
    if (d->kind != AEO_DECL_CONST) ck->impure = true;
    switch (d->kind) {
    case AEO_DECL_FACTS:
        e->ref = AEO_REF_ROOT;
        return set_type(e, d->type);
    case AEO_DECL_CONST:
    case AEO_DECL_DEF:
    case AEO_DECL_TIER:
        if (!require_decl(ck, d, e->span)) return type_error(e);
        e->ref = d->kind == AEO_DECL_CONST ? AEO_REF_CONST : d->kind == AEO_DECL_DEF ? AEO_REF_DEF : AEO_REF_TIER;
        e->ref_index = d->index;
        return set_type(e, d->type ? d->type : &aeo_type_error);
    case AEO_DECL_MEASURE:
        if (!require_decl(ck, d, e->span)) return type_error(e);
        e->ref = AEO_REF_MEASURE;
        e->ref_index = d->index;
        return set_type(e, &aeo_type_bool);
    default:
        return type_error(e);
    }
}

/* The dotted name of [e] when it is a chain of selections on a name
 * ("a.b.c"), written into [b]; false otherwise.  [root] gets the name the
 * chain starts from. */
static bool qualified_name(const aeo_expr *e, aeo_buf *b, const aeo_expr **root) {
    if (e->kind == AEO_EXPR_IDENT) {
        *root = e;
        aeo_buf_puts(b, e->u.ident.name);
        return true;
    }
    if (e->kind != AEO_EXPR_SELECT || !qualified_name(e->u.select.operand, b, root)) return false;
    aeo_buf_puts(b, ".");
    aeo_buf_puts(b, e->u.select.field);
    return true;
}

/* CEL's name resolution for a selection that spells a qualified name: the
 * longest prefix that names something wins, so a variable declared as
 * "a.b.c" is read whole before "a.b" is read and selected from (the
 * recursion through check_select tries the longer names first).  Besides
 * the embedder's variables, google.protobuf.Timestamp and
 * google.protobuf.Duration name the timestamp and duration types.  A macro
 * variable at the root shadows all of this.  Returns the type, or NULL. */
static const aeo_type *resolve_qualified(checker *ck, aeo_expr *e) {
    /* Most selections are on facts: skip them cheaply. */
    const aeo_expr *r = e;
    while (r->kind == AEO_EXPR_SELECT) r = r->u.select.operand;
    if (r->kind != AEO_EXPR_IDENT || (ck->cat->n_vars == 0 && strcmp(r->u.ident.name, "google") != 0))
        return NULL;
    aeo_buf b = {0};
    const aeo_expr *root = NULL;
    const aeo_type *t = NULL;
    if (!qualified_name(e, &b, &root)) goto out;
    if (!root->u.ident.dot)
        for (local_var *l = ck->locals; l; l = l->up)
            if (strcmp(l->name, root->u.ident.name) == 0) goto out;
    for (uint32_t i = 0; i < ck->cat->n_vars; i++) {
        if (strcmp(ck->cat->var_names[i], b.data) == 0) {
            e->ref = AEO_REF_VAR;
            e->ref_index = i;
            t = set_type(e, ck->cat->var_types[i]);
            goto out;
        }
    }
    if ((strcmp(b.data, "google.protobuf.Timestamp") == 0 || strcmp(b.data, "google.protobuf.Duration") == 0) &&
        !table_get(&ck->names, "google")) {
        e->ref = AEO_REF_TYPE;
        t = set_type(e, &aeo_type_type);
    }
out:
    aeo_buf_free(&b);
    return t;
}

/* Whether the declaration of record type [rt] had a syntax error: then a
 * field it lacks may be the one that failed to parse, so an unknown field
 * is not reported again (one mistake, one diagnostic). */
static bool record_incomplete(checker *ck, const aeo_record_type *rt) {
    if (ck->facts_decl && ck->facts_decl->type && ck->facts_decl->type->rec == rt) return ck->facts_decl->has_error;
    aeo_decl *d = table_get(&ck->types, rt->name);
    return d && d->has_error;
}

static const aeo_type *check_select(checker *ck, aeo_expr *e) {
    const aeo_type *q = resolve_qualified(ck, e);
    if (q) return q;
    const aeo_type *t = check_expr(ck, e->u.select.operand);
    const char *field = e->u.select.field;
    if (is_dyn(t)) return set_type(e, is_err(t) ? t : &aeo_type_dyn);
    if (t->kind == AEO_T_RECORD) {
        const aeo_field *f = aeo_record_type_field(t->rec, field);
        if (!f && record_incomplete(ck, t->rec)) return type_error(e);
        if (!f) {
            const char *sug = suggest_field(t->rec, field);
            if (sug)
                aeo_diag_add(ck->d, AEO_E_UNKNOWN_FIELD, e->u.select.field_span,
                             "unknown field '%s' on '%s'; did you mean '%s'?", field, t->rec->name, sug);
            else
                aeo_diag_add(ck->d, AEO_E_UNKNOWN_FIELD, e->u.select.field_span,
                             "unknown field '%s' on '%s'", field, t->rec->name);
            return type_error(e);
        }
        e->ref = AEO_REF_FIELD;
        e->ref_index = f->slot;
        return set_type(e, f->type);
    }
    if (t->kind == AEO_T_MAP) {
        if (!is_dyn(t->key) && t->key->kind != AEO_T_STRING) {
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.select.field_span,
                         "cannot select '%s' from '%s': its keys are not strings", field, tname(ck, t));
            return type_error(e);
        }
        return set_type(e, t->elem);
    }
    aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.select.field_span, "type '%s' has no field '%s'",
                 tname(ck, t), field);
    return type_error(e);
}

static const aeo_type *check_index(checker *ck, aeo_expr *e) {
    const aeo_type *t = check_expr(ck, e->u.index.operand);
    const aeo_type *i = check_expr(ck, e->u.index.index);
    if (is_err(t) || is_err(i)) return type_error(e);
    if (is_dyn(t)) return set_type(e, &aeo_type_dyn);
    if (t->kind == AEO_T_LIST) {
        if (!is_dyn(i) && !is_num(i)) {
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.index.index->span,
                         "a list index must be an int, not '%s'", tname(ck, i));
            return type_error(e);
        }
        return set_type(e, t->elem);
    }
    if (t->kind == AEO_T_MAP) {
        if (!compatible(t->key, i)) {
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.index.index->span,
                         "key of type '%s' cannot index '%s'", tname(ck, i), tname(ck, t));
            return type_error(e);
        }
        return set_type(e, t->elem);
    }
    aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->span, "type '%s' cannot be indexed", tname(ck, t));
    return type_error(e);
}

/* ---- fix-its ---------------------------------------------------------------- */

/* The source text of [sp] ("" when it is not within its file). */
static const char *span_text(const checker *ck, aeo_span sp, size_t *len) {
    const aeo_sources *s = &ck->cat->sources;
    *len = 0;
    if (sp.file >= s->n || sp.start > sp.end || sp.end > s->files[sp.file].len) return "";
    *len = sp.end - sp.start;
    return s->files[sp.file].text + sp.start;
}

/* A string literal [lit] standing where a timestamp or a duration [want]
 * is meant (registered > "2016-05-01"): the conversion to write around it,
 * as "timestamp(\"2016-05-01\")" in the arena, when the text is one; else NULL. */
static const char *conversion_fix(checker *ck, const aeo_type *want, const aeo_expr *lit) {
    if (!lit || lit->kind != AEO_EXPR_STRING) return NULL;
    int64_t sec;
    int32_t nanos;
    const char *conv = NULL;
    if (want->kind == AEO_T_TIMESTAMP && aeo_time_parse_timestamp(lit->u.str.s, lit->u.str.len, &sec, &nanos))
        conv = "timestamp";
    else if (want->kind == AEO_T_DURATION && aeo_time_parse_duration(lit->u.str.s, lit->u.str.len, &sec, &nanos))
        conv = "duration";
    size_t n;
    const char *t = span_text(ck, lit->span, &n);
    if (!conv || n == 0 || n > 80 || memchr(t, '\n', n)) return NULL;
    return aeo_arena_printf(ck->a, "%s(%.*s)", conv, (int)n, t);
}

/* Reports that [a] and [b] (the types of [e]'s operands) cannot be
 * ordered ([order]) or compared by its operator; when one side is a string
 * literal written for a timestamp or a duration on the other, the message
 * says which conversion to write, with it as the fix-it. */
static void mismatch(checker *ck, const aeo_expr *e, bool order, const aeo_type *a, const aeo_type *b) {
    const aeo_expr *ea = e->u.binary.a, *eb = e->u.binary.b;
    const char *ops = aeo_operator_str(e->u.binary.op);
    const aeo_expr *lit = eb;
    const char *fix = conversion_fix(ck, a, eb);
    if (!fix) fix = conversion_fix(ck, b, lit = ea);
    aeo_buf msg = {0};
    if (order) aeo_buf_printf(&msg, "cannot order '%s' and '%s' with '%s'", tname(ck, a), tname(ck, b), ops);
    else aeo_buf_printf(&msg, "cannot compare '%s' with '%s' using '%s'", tname(ck, a), tname(ck, b), ops);
    if (fix) aeo_buf_printf(&msg, "; did you mean '%s'?", fix);
    aeo_diag *g = aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.binary.op_span, "%s", msg.data);
    if (fix) aeo_diag_fix(ck->d, g, lit->span, fix);
    aeo_buf_free(&msg);
}

static bool enum_has(const aeo_type *t, const char *v) {
    for (uint32_t i = 0; i < t->n_enum; i++)
        if (strcmp(t->enum_values[i], v) == 0) return true;
    return false;
}

/* Checks an enum value written as a string literal against [enum_t]:
 * [lit] itself, the value of the const it names, or either branch of a
 * ?: (each string literal an enum value may come from). */
static void check_enum_literal(checker *ck, const aeo_type *enum_t, const aeo_expr *lit, const aeo_expr *field) {
    if (enum_t->kind != AEO_T_ENUM) return;
    for (int hops = 0; lit && hops < 16; hops++) {
        if (lit->kind == AEO_EXPR_IDENT && lit->ref == AEO_REF_CONST) {
            lit = ck->cat->consts.items[lit->ref_index]->value;
        } else if (lit->kind == AEO_EXPR_COND) {
            check_enum_literal(ck, enum_t, lit->u.cond.a, field);
            lit = lit->u.cond.b;
        } else {
            break;
        }
    }
    if (!lit || lit->kind != AEO_EXPR_STRING || enum_has(enum_t, lit->u.str.s) ||
        reported_at(ck, AEO_E_ENUM_VALUE, lit->span))
        return;
    aeo_buf where = {0};
    if (field && field->kind == AEO_EXPR_SELECT) aeo_buf_printf(&where, " of '%s'", field->u.select.field);
    const char *sug = suggest_enum(enum_t, lit->u.str.s);
    char buf[512];
    aeo_type_format(enum_t, buf, sizeof buf);
    if (sug)
        aeo_diag_add(ck->d, AEO_E_ENUM_VALUE, lit->span, "\"%s\" is not a value%s (%s); did you mean \"%s\"?",
                     lit->u.str.s, where.data ? where.data : "", buf, sug);
    else
        aeo_diag_add(ck->d, AEO_E_ENUM_VALUE, lit->span, "\"%s\" is not a value%s (%s)", lit->u.str.s,
                     where.data ? where.data : "", buf);
    aeo_buf_free(&where);
}

/* The enum behind [t]: itself, or the items of a list of one. */
static const aeo_type *enum_of(const aeo_type *t) {
    if (t->kind == AEO_T_LIST && t->elem) t = t->elem;
    return t->kind == AEO_T_ENUM ? t : NULL;
}

/* Two enums [x] and [y] (the types of [ex] and [ey]) met by [e]'s
 * operator (==, != or in) must share a value, else the comparison is
 * decided before any record is read: E0203. */
static bool check_enum_overlap(checker *ck, const aeo_expr *e, const aeo_type *x, const aeo_type *y,
                               const aeo_expr *ex, const aeo_expr *ey) {
    if (!x || !y || x->kind != AEO_T_ENUM || y->kind != AEO_T_ENUM) return true;
    for (uint32_t i = 0; i < x->n_enum; i++)
        if (enum_has(y, x->enum_values[i])) return true;
    char bx[512], by[512];
    aeo_type_format(x, bx, sizeof bx);
    aeo_type_format(y, by, sizeof by);
    const char *nx = ex->kind == AEO_EXPR_SELECT ? ex->u.select.field : "the left side";
    const char *ny = ey->kind == AEO_EXPR_SELECT ? ey->u.select.field : "the right side";
    aeo_diag_add(ck->d, AEO_E_ENUM_VALUE, e->u.binary.op_span,
                 "'%s' (%s) and '%s' (%s) share no value: '%s' is %s for every record", nx, bx, ny, by,
                 aeo_operator_str(e->u.binary.op), e->u.binary.op == AEO_OPR_NE ? "true" : "false");
    return false;
}

/* The list literal behind [e]: itself, or the value of the const it names. */
static const aeo_expr *list_literal(checker *ck, const aeo_expr *e) {
    (void)ck;
    for (int hops = 0; hops < 16 && e; hops++) {
        if (e->kind == AEO_EXPR_LIST) return e;
        if (e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_CONST) {
            aeo_decl *d = ck->cat->consts.items[e->ref_index];
            e = d->value;
            continue;
        }
        return NULL;
    }
    return NULL;
}

/* The row of check_binary's arithmetic table that [a] op [b] (neither
 * dyn) fits, as its result type, with enums read as strings; NULL: none. */
static const aeo_type *arith_row(checker *ck, aeo_operator op, const aeo_type *a, const aeo_type *b) {
    aeo_tkind x = a->kind == AEO_T_ENUM ? AEO_T_STRING : a->kind;
    aeo_tkind y = b->kind == AEO_T_ENUM ? AEO_T_STRING : b->kind;
    if (x == y && (x == AEO_T_INT || x == AEO_T_UINT || (x == AEO_T_DOUBLE && op != AEO_OPR_MOD))) return a;
    if (op == AEO_OPR_ADD) {
        if (x == y && (x == AEO_T_STRING || x == AEO_T_BYTES)) return x == AEO_T_STRING ? &aeo_type_string : a;
        if (x == AEO_T_LIST && y == AEO_T_LIST) return aeo_type_list(ck->a, join(a->elem, b->elem));
        if ((x == AEO_T_TIMESTAMP && y == AEO_T_DURATION) || (x == AEO_T_DURATION && y == AEO_T_TIMESTAMP))
            return &aeo_type_timestamp;
        if (x == AEO_T_DURATION && y == AEO_T_DURATION) return &aeo_type_duration;
    }
    if (op == AEO_OPR_SUB) {
        if (x == AEO_T_TIMESTAMP && y == AEO_T_TIMESTAMP) return &aeo_type_duration;
        if (x == AEO_T_TIMESTAMP && y == AEO_T_DURATION) return &aeo_type_timestamp;
        if (x == AEO_T_DURATION && y == AEO_T_DURATION) return &aeo_type_duration;
    }
    return NULL;
}

/* binary -> expr op expr.  The typing rules, as the table they implement
 * (E0201 when no row fits; "enum" is a string for every operator, which is
 * what its values are at run time):
 *
 *   a && b, a || b      bool, bool            -> bool
 *   a == b, a != b      compatible(a, b)      -> bool
 *   a < <= > >= b       num, num              -> bool   (int/uint/double mix:
 *                       string, string        -> bool    CEL orders numbers
 *                       T, T for T in bytes,  -> bool    across kinds)
 *                       bool, timestamp, duration
 *   a in b              compatible(a, E), b list<E> or map<E, _> -> bool
 *   a + - * / b         T, T for T in int, uint, double -> T
 *   a % b               T, T for T in int, uint          -> T
 *   a + b               string, string    -> string
 *                       bytes, bytes      -> bytes
 *                       list<A>, list<B>  -> list<join(A, B)>
 *                       timestamp, duration (either order) -> timestamp
 *                       duration, duration -> duration
 *   a - b               timestamp, timestamp -> duration
 *                       timestamp, duration  -> timestamp
 *                       duration, duration   -> duration
 *
 * Where CEL's dyn enters: an operand of type dyn fits every row, so the
 * check defers to the VM, which applies the same table to values (and
 * yields "no such overload" there).  Comparisons and && || stay bool.
 * Arithmetic with one dyn side has the result of the rows the dyn side's
 * run-time type could pick: int + dyn is int (CEL has no heterogeneous
 * arithmetic), dyn - timestamp is a duration, but dyn - duration is a
 * timestamp or a duration depending on the value, so it is dyn (as
 * timestamp - dyn is).  No
 * mixed-number arithmetic (1 + 2u) exists, unlike ordering: int(), uint()
 * and double() say which one is meant.  Errors in an operand were already
 * reported, so an error type makes this node an error without a word. */
static const aeo_type *check_binary(checker *ck, aeo_expr *e) {
    aeo_operator op = e->u.binary.op;
    aeo_expr *ea = e->u.binary.a, *eb = e->u.binary.b;
    const aeo_type *a = check_expr(ck, ea);
    const aeo_type *b = check_expr(ck, eb);
    if (is_err(a) || is_err(b)) return type_error(e);
    const char *ops = aeo_operator_str(op);
    switch (op) {
    case AEO_OPR_AND:
    case AEO_OPR_OR:
        /* Both sides bool (or dyn).  The VM's commutative && and || (an
         * error on one side is absorbed by a deciding other side) is a
         * run-time matter; the static rule is the same for both orders. */
        if (!is_dyn(a) && a->kind != AEO_T_BOOL) {
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, ea->span, "operand of '%s' must be a bool, not '%s'", ops, tname(ck, a));
            return type_error(e);
        }
        if (!is_dyn(b) && b->kind != AEO_T_BOOL) {
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, eb->span, "operand of '%s' must be a bool, not '%s'", ops, tname(ck, b));
            return type_error(e);
        }
        return set_type(e, &aeo_type_bool);
    case AEO_OPR_EQ:
    case AEO_OPR_NE:
        /* CEL's heterogeneous equality makes 1 == 1.0 true and null
         * comparable with anything; only types that can never be equal
         * (a string and an int) are refused, as a sure mistake. */
        if (!compatible(a, b)) {
            mismatch(ck, e, false, a, b);
            return type_error(e);
        }
        /* credit == "advnced" is well typed (enum vs string) but never
         * true: the literal is checked against the enum's values. */
        check_enum_literal(ck, a, eb, ea);
        check_enum_literal(ck, b, ea, eb);
        /* criteria == ["recods"]: the items of a list of enum values too. */
        if (a->kind == AEO_T_LIST && enum_of(a)) {
            const aeo_expr *lst = list_literal(ck, eb);
            for (uint32_t i = 0; lst && i < lst->u.list.n; i++) check_enum_literal(ck, enum_of(a), lst->u.list.items[i], ea);
        }
        if (b->kind == AEO_T_LIST && enum_of(b)) {
            const aeo_expr *lst = list_literal(ck, ea);
            for (uint32_t i = 0; lst && i < lst->u.list.n; i++) check_enum_literal(ck, enum_of(b), lst->u.list.items[i], eb);
        }
        if (!check_enum_overlap(ck, e, enum_of(a), enum_of(b), ea, eb)) return type_error(e);
        return set_type(e, &aeo_type_bool);
    case AEO_OPR_LT:
    case AEO_OPR_LE:
    case AEO_OPR_GT:
    case AEO_OPR_GE: {
        /* Ordering is defined within a kind, and across the three number
         * kinds (CEL compares 1 < 1.5 numerically); enums order as strings. */
        bool ok = is_dyn(a) || is_dyn(b) || (is_num(a) && is_num(b)) ||
                  (is_stringish(a) && is_stringish(b)) ||
                  (a->kind == b->kind && (a->kind == AEO_T_BYTES || a->kind == AEO_T_BOOL ||
                                          a->kind == AEO_T_TIMESTAMP || a->kind == AEO_T_DURATION));
        if (!ok) {
            mismatch(ck, e, true, a, b);
            return type_error(e);
        }
        return set_type(e, &aeo_type_bool);
    }
    case AEO_OPR_IN: {
        /* Membership tests a list's items or a map's keys, with =='s
         * compatibility; a dyn container is only known at run time. */
        if (is_dyn(b)) return set_type(e, &aeo_type_bool);
        const aeo_type *elem = b->kind == AEO_T_LIST ? b->elem : b->kind == AEO_T_MAP ? b->key : NULL;
        if (!elem) {
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, eb->span, "right operand of 'in' must be a list or a map, not '%s'",
                         tname(ck, b));
            return type_error(e);
        }
        if (!compatible(a, elem)) {
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.binary.op_span, "'%s' can never be in '%s'", tname(ck, a),
                         tname(ck, b));
            return type_error(e);
        }
        /* credit in ["advanced", "genral"]: each literal of the list (or
         * of the const list it names) must be a value of the enum. */
        if (a->kind == AEO_T_ENUM) {
            const aeo_expr *lst = list_literal(ck, eb);
            if (lst)
                for (uint32_t i = 0; i < lst->u.list.n; i++) check_enum_literal(ck, a, lst->u.list.items[i], ea);
        }
        /* "recods" in criteria: a literal against a list (or map keys)
         * of enum values; status in kinds: two enums must share a value. */
        check_enum_literal(ck, elem, ea, eb);
        if (!check_enum_overlap(ck, e, a, elem, ea, eb)) return type_error(e);
        return set_type(e, &aeo_type_bool);
    }
    case AEO_OPR_ADD:
    case AEO_OPR_SUB:
    case AEO_OPR_MUL:
    case AEO_OPR_DIV:
    case AEO_OPR_MOD: {
        /* One dyn side: the result of every row its run-time type could
         * pick (see above); rows with different results make it dyn. */
        if (is_dyn(a) || is_dyn(b)) {
            const aeo_type *other = is_dyn(a) ? b : a;
            if (is_dyn(other)) return set_type(e, &aeo_type_dyn);
            if (other->kind == AEO_T_LIST) return set_type(e, other);
            /* The kinds some arithmetic row takes (a list was handled
             * above; bool, map, null and type take none). */
            static const aeo_type *const sides[] = {&aeo_type_int, &aeo_type_uint, &aeo_type_double,
                                                    &aeo_type_string, &aeo_type_bytes, &aeo_type_timestamp,
                                                    &aeo_type_duration};
            const aeo_type *r = NULL;
            for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
                const aeo_type *t = is_dyn(a) ? arith_row(ck, op, sides[i], b) : arith_row(ck, op, a, sides[i]);
                if (!t) continue;
                if (r && r->kind != t->kind) return set_type(e, &aeo_type_dyn);
                r = t;
            }
            /* No row fits: the VM says "no such overload" (as before). */
            if (!r) r = other->kind == AEO_T_ENUM ? &aeo_type_string : other;
            return set_type(e, r);
        }
        const aeo_type *row = arith_row(ck, op, a, b);
        if (row) return set_type(e, row);
        aeo_tkind x = a->kind == AEO_T_ENUM ? AEO_T_STRING : a->kind;
        aeo_tkind y = b->kind == AEO_T_ENUM ? AEO_T_STRING : b->kind;
        /* No row fits.  The message names the likeliest fix: CEL has no
         * double %, and mixed numbers need an explicit conversion. */
        if (op == AEO_OPR_MOD && x == AEO_T_DOUBLE && y == AEO_T_DOUBLE)
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.binary.op_span,
                         "operator '%%' is defined for int and uint, not for double");
        else if (is_num(a) && is_num(b))
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.binary.op_span,
                         "operator '%s' cannot mix '%s' and '%s'; convert one side with int(), uint() or double()",
                         ops, tname(ck, a), tname(ck, b));
        else
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.binary.op_span, "operator '%s' cannot be applied to '%s' and '%s'",
                         ops, tname(ck, a), tname(ck, b));
        return type_error(e);
    }
    default:
        return type_error(e);
    }
}

/* ---- function signatures ------------------------------------------------------ */

/* Calls are typed against the builtins' own table (runtime/builtins.h):
 * each entry's overload strings, argument letters (receiver first), ':'
 * and the result letter, interpreted by the two functions below. */

/* Whether an argument of type [t] fits letter [c]; dyn fits every letter
 * (the builtin sorts it out at run time). */
static bool letter_accepts(char c, const aeo_type *t) {
    if (is_dyn(t)) return true;
    switch (c) {
    case 's': return is_stringish(t);
    case 'i': return t->kind == AEO_T_INT;
    case 'u': return t->kind == AEO_T_UINT;
    case 'd': return t->kind == AEO_T_DOUBLE;
    case 'b': return t->kind == AEO_T_BOOL;
    case 'y': return t->kind == AEO_T_BYTES;
    case 't': return t->kind == AEO_T_TIMESTAMP;
    case 'D': return t->kind == AEO_T_DURATION;
    case 'l': return t->kind == AEO_T_LIST;
    case 'S': return t->kind == AEO_T_LIST && (is_dyn(t->elem) || is_stringish(t->elem));
    case 'm': return t->kind == AEO_T_MAP;
    case 'A': return true;
    default: return false;
    }
}

static const aeo_type *letter_type(checker *ck, char c) {
    switch (c) {
    case 's': return &aeo_type_string;
    case 'i': return &aeo_type_int;
    case 'u': return &aeo_type_uint;
    case 'd': return &aeo_type_double;
    case 'b': return &aeo_type_bool;
    case 'y': return &aeo_type_bytes;
    case 't': return &aeo_type_timestamp;
    case 'D': return &aeo_type_duration;
    case 'S': return aeo_type_list(ck->a, &aeo_type_string);
    case 'T': return &aeo_type_type;
    default: return &aeo_type_dyn;
    }
}

/* Resolves the overload of [sig] for [types]; NULL if none matches.  When
 * several match (dyn arguments), the result is dyn unless they agree. */
static const aeo_type *match_overload(checker *ck, const aeo_builtin *sig, const aeo_type **types, uint32_t n) {
    const aeo_type *result = NULL;
    const char *p = sig->overloads;
    while (*p) {
        const char *colon = strchr(p, ':');
        uint32_t len = (uint32_t)(colon - p);
        bool ok = len == n;
        for (uint32_t i = 0; ok && i < n; i++) ok = letter_accepts(p[i], types[i]);
        if (ok) {
            const aeo_type *r = letter_type(ck, colon[1]);
            result = result ? join(result, r) : r;
        }
        p = colon + 2;
        if (*p == ';') p++;
    }
    return result;
}

static const char *suggest_function(const char *name) {
    /* Builtins, then macro names, then macro aliases: aeo_suggest breaks ties
     * by this order. */
    const char **cands = aeo_xmalloc((aeo_builtin_count + 2 * AEO_MACRO__COUNT) * sizeof *cands);
    uint32_t n = 0;
    for (uint32_t i = 0; i < aeo_builtin_count; i++) cands[n++] = aeo_builtins[i].name;
    for (size_t i = 0; i < AEO_MACRO__COUNT; i++) cands[n++] = aeo_macro_table[i].name;
    for (size_t i = 0; i < AEO_MACRO__COUNT; i++)
        if (aeo_macro_table[i].alias[0]) cands[n++] = aeo_macro_table[i].alias;
    const char *sug = aeo_suggest(name, cands, n);   /* one of the static names */
    free(cands);
    return sug;
}

static const aeo_type *check_macro(checker *ck, aeo_expr *e, aeo_macro macro) {
    e->ref = AEO_REF_MACRO;
    e->macro = (int32_t)macro;
    if (macro == AEO_MACRO_HAS) {
        aeo_expr *arg = e->u.call.args[0];
        if (arg->kind != AEO_EXPR_SELECT) {
            if (arg->kind != AEO_EXPR_ERROR)
                aeo_diag_add(ck->d, AEO_E_NO_OVERLOAD, arg->span, "has() takes a field selection, as in has(%s.%s)",
                             aeo_catalog_root_word(ck->cat), aeo_catalog_example_field(ck->cat, true));
            return type_error(e);
        }
        /* Check the operand only: has() does not read the field itself. */
        const aeo_type *t = check_expr(ck, arg->u.select.operand);
        if (is_err(t)) return type_error(e);
        if (t->kind == AEO_T_RECORD) {
            const aeo_field *f = aeo_record_type_field(t->rec, arg->u.select.field);
            if (!f && record_incomplete(ck, t->rec)) return type_error(e);
            if (!f) {
                const char *sug = suggest_field(t->rec, arg->u.select.field);
                if (sug)
                    aeo_diag_add(ck->d, AEO_E_UNKNOWN_FIELD, arg->u.select.field_span,
                                 "unknown field '%s' on '%s'; did you mean '%s'?", arg->u.select.field, t->rec->name, sug);
                else
                    aeo_diag_add(ck->d, AEO_E_UNKNOWN_FIELD, arg->u.select.field_span, "unknown field '%s' on '%s'",
                                 arg->u.select.field, t->rec->name);
                return type_error(e);
            }
            arg->ref = AEO_REF_FIELD;
            arg->ref_index = f->slot;
            arg->type = f->type;
        } else if (t->kind == AEO_T_MAP || is_dyn(t)) {
            arg->type = t->kind == AEO_T_MAP ? t->elem : &aeo_type_dyn;
        } else {
            aeo_diag_add(ck->d, AEO_E_NO_OVERLOAD, arg->span, "has() cannot test a field of '%s'", tname(ck, t));
            return type_error(e);
        }
        return set_type(e, &aeo_type_bool);
    }
    /* Comprehensions: range.macro(var, ...) or range.macro(var1, var2, ...);
     * two variables bind an index and an item (lists) or a key and its value
     * (maps).  Slots: base, base+1 iteration state; base+2 (and base+3) the
     * variables. */
    bool two = aeo_macro_two_vars(macro, e->u.call.n_args);
    uint32_t n_vars = two ? 2 : 1;
    for (uint32_t i = 0; i < n_vars; i++) {
        aeo_expr *var = e->u.call.args[i];
        if (var->kind != AEO_EXPR_IDENT || var->u.ident.dot) {
            aeo_diag_add(ck->d, AEO_E_NO_OVERLOAD, var->span, "argument %u of %s() must be a variable name",
                         i + 1, e->u.call.name);
            return type_error(e);
        }
    }
    if (two && strcmp(e->u.call.args[0]->u.ident.name, e->u.call.args[1]->u.ident.name) == 0) {
        aeo_diag_add(ck->d, AEO_E_DUPLICATE, e->u.call.args[1]->span, "%s() declares variable '%s' twice",
                     e->u.call.name, e->u.call.args[1]->u.ident.name);
        return type_error(e);
    }
    /* The variables' types, CEL's comprehension rules:
     *   list<T>.m(x, ...)      x: T
     *   list<T>.m(i, v, ...)   i: int (the index), v: T
     *   map<K, V>.m(k, ...)    k: K (one variable ranges over the keys)
     *   map<K, V>.m(k, v, ...) k: K, v: V
     *   dyn.m(...)             every variable dyn
     * The range is checked outside the new scope: `x.all(x, x > 0)` reads
     * the outer x in its range and the variable in its predicate. */
    const aeo_type *rt = check_expr(ck, e->u.call.target);
    const aeo_type *vt, *vt2 = &aeo_type_dyn;
    if (is_dyn(rt)) vt = &aeo_type_dyn;
    else if (rt->kind == AEO_T_LIST) {
        vt = two ? &aeo_type_int : rt->elem;
        vt2 = rt->elem;
    } else if (rt->kind == AEO_T_MAP) {
        vt = rt->key;
        vt2 = rt->elem;
    } else {
        aeo_diag_add(ck->d, AEO_E_NO_OVERLOAD, e->u.call.target->span, "%s() needs a list or a map, not '%s'",
                     e->u.call.name, tname(ck, rt));
        return type_error(e);
    }
    aeo_expr *var = e->u.call.args[0], *var2 = two ? e->u.call.args[1] : NULL;
    if (ck->next_slot + (two ? 4u : 3u) > 255) {
        /* Each comprehension needs 3 or 4 VM slots, and a chunk has 255. */
        aeo_diag_add(ck->d, AEO_E_TOO_DEEP, e->u.call.name_span,
                     "comprehensions nested too deeply (at most 63 levels)");
        return type_error(e);
    }
    /* Slots are a stack: this comprehension takes the next 3 or 4 and gives
     * them back on the way out, so siblings reuse slots and only nesting
     * costs more (the compiler sizes n_locals from the deepest). */
    local_var lv = {var->u.ident.name, vt, ck->next_slot + 2, ck->locals};
    local_var lv2 = {two ? var2->u.ident.name : "", vt2, ck->next_slot + 3, &lv};
    e->ref_index = ck->next_slot;
    var->ref = AEO_REF_LOCAL;
    var->ref_index = lv.slot;
    var->type = vt;
    if (two) {
        var2->ref = AEO_REF_LOCAL;
        var2->ref_index = lv2.slot;
        var2->type = vt2;
    }
    uint32_t width = two ? 4 : 3;
    ck->next_slot += width;
    ck->locals = two ? &lv2 : &lv;
    const aeo_type *result = &aeo_type_error;
    bool ok = true;
    uint32_t n = e->u.call.n_args;
    bool transform = macro == AEO_MACRO_MAP || macro == AEO_MACRO_TRANSFORM_LIST || macro == AEO_MACRO_TRANSFORM_MAP;
    if (transform) {
        /* map(x, [filter,] expr), transformList(i, v, [filter,] expr),
         * transformMap(k, v, [filter,] expr) */
        if (n == n_vars + 2) {
            aeo_expr *fe = e->u.call.args[n_vars];
            const aeo_type *p = check_expr(ck, fe);
            if (!is_dyn(p) && p->kind != AEO_T_BOOL) {
                aeo_diag_add(ck->d, AEO_E_NOT_BOOL, fe->span, "the filter of %s() must be a bool, not '%s'",
                             e->u.call.name, tname(ck, p));
                ok = false;
            }
            ok &= !is_err(p);
        }
        const aeo_type *t = check_expr(ck, e->u.call.args[n - 1]);
        ok &= !is_err(t);
        /* map and transformList build list<body type>; transformMap keeps
         * the keys (the range's) and maps them to the body's values. */
        if (ok) {
            if (macro == AEO_MACRO_TRANSFORM_MAP)
                result = aeo_type_map(ck->a, is_dyn(rt) ? &aeo_type_dyn : vt, t);
            else
                result = aeo_type_list(ck->a, t);
        }
    } else {
        /* all, exists, exists_one: bool; filter: a list of the range's
         * items (for a map, of its keys: vt), whatever the predicate. */
        aeo_expr *pe = e->u.call.args[n - 1];
        const aeo_type *p = check_expr(ck, pe);
        if (is_err(p)) ok = false;
        else if (!is_dyn(p) && p->kind != AEO_T_BOOL) {
            aeo_diag_add(ck->d, AEO_E_NOT_BOOL, pe->span, "the predicate of %s() must be a bool, not '%s'",
                         e->u.call.name, tname(ck, p));
            ok = false;
        }
        if (ok) result = macro == AEO_MACRO_FILTER ? aeo_type_list(ck->a, vt) : &aeo_type_bool;
    }
    ck->locals = lv.up;
    ck->next_slot -= width;
    return set_type(e, result);
}


/* ---- functions: def f(p: T, ...) = expr ------------------------------------------
 *
 * A function is a def with parameters.  Its body is checked once, with the
 * parameters as locals in slots 0..n-1 (the comprehension slots follow), so
 * its result type is the body's type whatever the call.  A call checks the
 * arity and each argument against its parameter's type (assignable), and
 * resolves to AEO_REF_FUNC: the compiler emits CALL_FN, a VM frame whose
 * first locals are the arguments.  Recursion is a cycle like any other,
 * found by the same three-state marks: the function is BUSY while its body
 * is checked. */

/* Whether a value of type [a] may be passed for a parameter of type [p]:
 * the same type, with dyn on either side accepted (checked by the
 * operations at run time, as CEL does), and a string for an enum. */
static bool assignable(const aeo_type *p, const aeo_type *a) {
    if (is_dyn(p) || is_dyn(a)) return true;
    if (is_stringish(p) && is_stringish(a)) return true;
    if (p->kind != a->kind) return false;
    switch (p->kind) {
    case AEO_T_LIST: return assignable(p->elem, a->elem);
    case AEO_T_MAP: return assignable(p->key, a->key) && assignable(p->elem, a->elem);
    case AEO_T_RECORD: return p->rec == a->rec;
    default: return true;
    }
}

/* A call to [fd], a name of the shared namespace: a function, or a def,
 * const, tier or measure called by mistake. */
static const aeo_type *check_func_call(checker *ck, aeo_expr *e, aeo_decl *fd) {
    const char *name = e->u.call.name;
    uint32_t n = e->u.call.n_args;
    if (fd->kind != AEO_DECL_DEF || !fd->n_params) {
        for (uint32_t i = 0; i < n; i++) check_expr(ck, e->u.call.args[i]);
        if (fd->kind == AEO_DECL_EXAMPLE)
            aeo_diag_add(ck->d, AEO_E_NOT_CALLED, e->u.call.name_span, "'%s' is an example, not a function", name);
        else
            aeo_diag_add(ck->d, AEO_E_NOT_CALLED, e->u.call.name_span,
                         "'%s' is a %s, not a function: write '%s' without parentheses", name, decl_what(fd), name);
        return type_error(e);
    }
    const aeo_type **types = aeo_xmalloc((n ? n : 1) * sizeof *types);
    bool bad = false;
    for (uint32_t i = 0; i < n; i++) bad |= is_err(types[i] = check_expr(ck, e->u.call.args[i]));
    const aeo_type *result = &aeo_type_error;
    if (!require_decl(ck, fd, e->u.call.name_span)) {
        /* a cycle, reported */
    } else if (n != fd->n_params) {
        aeo_diag_add(ck->d, AEO_E_ARITY, e->u.call.name_span, "%s takes %u argument%s, got %u", name, fd->n_params,
                     fd->n_params == 1 ? "" : "s", n);
    } else if (ck->constant && !fd->pure) {
        aeo_diag_add(ck->d, AEO_E_NOT_CONSTANT, e->u.call.name_span,
                     "a const can only call a function that reads no facts, defs or as_of; '%s' does", name);
    } else if (!bad) {
        bool fit = true, broken = !fd->type || is_err(fd->type);
        for (uint32_t i = 0; i < n; i++) {
            const aeo_type *pt = fd->params[i].rtype;
            if (!pt || is_err(pt)) {
                broken = true;   /* reported at the parameter */
                continue;
            }
            if (!assignable(pt, types[i])) fit = false;
            else check_enum_literal(ck, pt, e->u.call.args[i], NULL);
        }
        if (broken) {
            /* the function's own error, reported there */
        } else if (!fit) {
            aeo_buf want = {0}, got = {0};
            for (uint32_t i = 0; i < n; i++) {
                aeo_buf_printf(&want, "%s%s", i ? ", " : "", fd->params[i].rtype ? tname(ck, fd->params[i].rtype) : "?");
                aeo_buf_printf(&got, "%s%s", i ? ", " : "", tname(ck, types[i]));
            }
            aeo_diag_add(ck->d, AEO_E_NO_OVERLOAD, e->u.call.name_span, "%s takes (%s), not (%s)", name, want.data,
                         got.data);
            aeo_buf_free(&want);
            aeo_buf_free(&got);
        } else {
            e->ref = AEO_REF_FUNC;
            e->ref_index = fd->index;
            result = fd->type;
            if (!fd->pure) ck->impure = true;
        }
    }
    free(types);
    return set_type(e, result);
}

/* Names a parameter may not take: it would hide a declaration, the facts
 * root or a built-in silently, so it is an error (E0221) rather than
 * shadowing.  Comprehension variables inside the body may still reuse a
 * parameter's name, as they may reuse any outer variable's. */
static bool check_param_name(checker *ck, aeo_decl *fn, const aeo_param *p) {
    aeo_decl *other = table_get(&ck->names, p->name);
    bool builtin = strcmp(p->name, "as_of") == 0 || aeo_builtin_named(p->name) != NULL;
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        builtin |= strcmp(p->name, builtin_types[i]) == 0;
    builtin |= aeo_macro_find(p->name) >= 0;
    if (other) {
        aeo_diag *g = other->kind == AEO_DECL_FACTS
                          ? aeo_diag_add(ck->d, AEO_E_PARAM_NAME, p->name_span,
                                         "parameter '%s' of '%s' is named like the facts root; rename it", p->name,
                                         fn->name)
                          : aeo_diag_add(ck->d, AEO_E_PARAM_NAME, p->name_span,
                                         "parameter '%s' of '%s' is named like the %s '%s'; rename it", p->name,
                                         fn->name, decl_what(other), p->name);
        aeo_diag_note(ck->d, g, &other->name_span, "declared here");
        return false;
    }
    if (builtin) {
        aeo_diag_add(ck->d, AEO_E_PARAM_NAME, p->name_span,
                     "parameter '%s' of '%s' is named like a built-in; rename it", p->name, fn->name);
        return false;
    }
    return true;
}

/* The parameters of function [d] as locals (slots 0..n-1); NULL on an
 * error in them (reported). */
static local_var *function_locals(checker *ck, aeo_decl *d) {
    local_var *vars = aeo_arena_zalloc(ck->a, d->n_params * sizeof *vars);
    bool ok = true;
    if (d->n_params > AEO_MAX_PARAMS) {
        aeo_diag_add(ck->d, AEO_E_ARITY, d->params[AEO_MAX_PARAMS].name_span,
                     "a function takes at most %d parameters", AEO_MAX_PARAMS);
        return NULL;
    }
    for (uint32_t i = 0; i < d->n_params; i++) {
        aeo_param *p = &d->params[i];
        /* A parameter may also take the whole facts record (def f(e: enterprise)). */
        bool root = p->type && p->type->kind == AEO_TYPE_NAMED && !p->type->n_args && ck->facts_decl &&
                    strcmp(p->type->name, ck->facts_decl->name) == 0;
        p->rtype = root ? ck->facts_decl->type : resolve_type(ck, p->type);
        if (is_err(p->rtype)) ok = false;
        if (!check_param_name(ck, d, p)) ok = false;
        for (uint32_t j = 0; j < i; j++) {
            if (strcmp(d->params[j].name, p->name) == 0) {
                aeo_diag *g = aeo_diag_add(ck->d, AEO_E_DUPLICATE, p->name_span,
                                           "parameter '%s' of '%s' is declared twice", p->name, d->name);
                aeo_diag_note(ck->d, g, &d->params[j].name_span, "first declared here");
                ok = false;
                break;
            }
        }
        vars[i] = (local_var){p->name, p->rtype, i, i ? &vars[i - 1] : NULL};
    }
    return ok ? &vars[d->n_params - 1] : NULL;
}

/* call -> NAME(args) | target.NAME(args).  A name is tried as a macro
 * (AEO_MACROS), then as a function of the catalog, then as a builtin
 * (aeo_builtins).  A function may not take a macro's or a builtin's name
 * (E0104), so the order only decides which message a wrong call gets.  A
 * builtin call is typed by its overload strings (match_overload): the
 * receiver counts as the first argument, so "ss:b" is s.contains(s). */
/* list.contains(x) or map.contains(k), which CEL writes 'x in list' (its
 * contains() is a string's): that text, in parentheses unless the call
 * stands where no operator binds more tightly than 'in' (its neighbours
 * in the source are a bracket, a comma, '=', ':', '?', '&&', '||', a
 * comment or the end of a line), when [recv] holds [arg]s; else NULL. */
static const char *membership_fix(checker *ck, const aeo_expr *e, const aeo_type *recv, const aeo_type *arg) {
    if (strcmp(e->u.call.name, "contains") != 0 || is_dyn(recv)) return NULL;
    const aeo_type *elem = recv->kind == AEO_T_LIST ? recv->elem : recv->kind == AEO_T_MAP ? recv->key : NULL;
    if (!elem || !compatible(arg, elem)) return NULL;
    size_t nr, na;
    const char *r = span_text(ck, e->u.call.target->span, &nr);
    const char *x = span_text(ck, e->u.call.args[0]->span, &na);
    if (!nr || !na || nr + na > 120 || memchr(r, '\n', nr) || memchr(x, '\n', na)) return NULL;
    const char *text = ck->cat->sources.files[e->span.file].text;
    uint32_t len = ck->cat->sources.files[e->span.file].len;
    uint32_t before = e->span.start, after = e->span.end;
    while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t' || text[before - 1] == '\r' ||
                          text[before - 1] == '\n'))
        before--;
    while (after < len && (text[after] == ' ' || text[after] == '\t')) after++;
    char p = before > 0 ? text[before - 1] : '\0', q = after < len ? text[after] : '\0';
    bool alone = (before == 0 || (p && strchr("([{,:?", p)) || (p == '=' && (before < 2 || !strchr("=!<>", text[before - 2]))) ||
                  (p == '&' && before > 1 && text[before - 2] == '&') || (p == '|' && before > 1 && text[before - 2] == '|')) &&
                 (after == len || (q && strchr(")]},:?\r\n", q)) || (q == '&' && text[after + 1] == '&') ||
                  (q == '|' && text[after + 1] == '|') || q == '/');
    return aeo_arena_printf(ck->a, "%s%.*s in %.*s%s", alone ? "" : "(", (int)na, x, (int)nr, r, alone ? "" : ")");
}

static const aeo_type *check_call(checker *ck, aeo_expr *e) {
    const char *name = e->u.call.name;
    uint32_t n = e->u.call.n_args;
    bool method = e->u.call.target != NULL;
    /* Macros.  A global call with the wrong arity is no macro call (has(a, b)
     * goes on to the builtins and functions below); a method call that names
     * a macro is one, and its arity is checked here. */
    int m = aeo_macro_find(name);
    if (m >= 0 && aeo_macro_table[m].method == method) {
        const aeo_macro_info *mi = &aeo_macro_table[m];
        if (n >= mi->min_args && n <= mi->max_args) return check_macro(ck, e, (aeo_macro)m);
        if (method) {
            if (mi->min_args == mi->max_args)
                aeo_diag_add(ck->d, AEO_E_NO_OVERLOAD, e->u.call.name_span, "%s() takes %u arguments", name,
                             (unsigned)mi->min_args);
            else
                aeo_diag_add(ck->d, AEO_E_NO_OVERLOAD, e->u.call.name_span, "%s() takes %u or %u arguments", name,
                             (unsigned)mi->min_args, (unsigned)mi->max_args);
            return type_error(e);
        }
    }
    /* The catalog's own functions, and defs called by mistake. */
    aeo_decl *fd = table_get(&ck->names, name);
    if (!method && fd && fd->kind != AEO_DECL_FACTS && !aeo_builtin_named(name)) return check_func_call(ck, e, fd);
    if (method && fd && fd->kind == AEO_DECL_DEF && fd->n_params && !aeo_builtin_named(name)) {
        check_expr(ck, e->u.call.target);
        for (uint32_t i = 0; i < n; i++) check_expr(ck, e->u.call.args[i]);
        aeo_diag_add(ck->d, AEO_E_UNKNOWN_FUNC, e->u.call.name_span,
                     "'%s' is a function of the catalog, not a method: call it as %s", name, call_example(ck, fd));
        return type_error(e);
    }
    /* Functions: check the arguments first, receiver included. */
    uint32_t total = n + (method ? 1 : 0);
    const aeo_type **types = aeo_xmalloc((total ? total : 1) * sizeof *types);
    bool bad = false;
    uint32_t k = 0;
    if (method) types[k++] = check_expr(ck, e->u.call.target);
    for (uint32_t i = 0; i < n; i++) types[k++] = check_expr(ck, e->u.call.args[i]);
    for (uint32_t i = 0; i < total; i++) bad |= is_err(types[i]);
    const aeo_builtin *sig = aeo_builtin_named(name);
    const aeo_type *result = &aeo_type_error;
    if (!sig || !(sig->style & (method ? AEO_CALL_METHOD : AEO_CALL_GLOBAL))) {
        /* not(x): the word of another language for '!'. */
        const char *sug = sig ? NULL : !method && strcmp(name, "not") == 0 ? "!" : suggest_function(name);
        if (sig)
            aeo_diag_add(ck->d, AEO_E_UNKNOWN_FUNC, e->u.call.name_span, "'%s' is a %s, call it as %s", name,
                         method ? "function" : "method", method ? "f(x, ...)" : "x.f(...)");
        else if (sug)
            aeo_diag_add(ck->d, AEO_E_UNKNOWN_FUNC, e->u.call.name_span, "unknown function '%s'; did you mean '%s'?",
                         name, sug);
        else
            aeo_diag_add(ck->d, AEO_E_UNKNOWN_FUNC, e->u.call.name_span, "unknown function '%s'", name);
    } else if (!bad) {
        const aeo_type *r = match_overload(ck, sig, types, total);
        int idx = aeo_builtin_find(name, method ? AEO_CALL_METHOD : AEO_CALL_GLOBAL, total);
        if (!r || idx < 0) {
            aeo_buf b = {0};
            for (uint32_t i = 0; i < total; i++) {
                if (i) aeo_buf_puts(&b, ", ");
                aeo_buf_puts(&b, tname(ck, types[i]));
            }
            const char *fix = method && n == 1 ? membership_fix(ck, e, types[0], types[1]) : NULL;
            aeo_diag *g = aeo_diag_add(ck->d, AEO_E_NO_OVERLOAD, e->u.call.name_span, "no overload of '%s' takes (%s)%s%s%s",
                                       name, b.data ? b.data : "", fix ? "; did you mean '" : "", fix ? fix : "",
                                       fix ? "'?" : "");
            if (fix) aeo_diag_fix(ck->d, g, e->span, fix);
            aeo_buf_free(&b);
        } else {
            e->ref = AEO_REF_BUILTIN;
            e->ref_index = (uint32_t)idx;
            result = r;
            /* A constant pattern is checked now rather than failing in
             * every record. */
            if (strcmp(name, "matches") == 0) {
                const aeo_expr *pat = method ? e->u.call.args[0] : e->u.call.args[1];
                char why[300];
                if (pat->kind == AEO_EXPR_STRING && !aeo_regex_valid(pat->u.str.s, pat->u.str.len, why, sizeof why)) {
                    aeo_diag_add(ck->d, AEO_E_BAD_LITERAL, pat->span, "invalid regular expression: %s", why);
                    result = &aeo_type_error;
                }
            }
        }
    }
    free(types);
    return set_type(e, result);
}

static const aeo_type *check_expr(checker *ck, aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_ERROR: return type_error(e);
    case AEO_EXPR_NULL: return set_type(e, &aeo_type_null);
    case AEO_EXPR_BOOL: return set_type(e, &aeo_type_bool);
    case AEO_EXPR_INT: return set_type(e, &aeo_type_int);
    case AEO_EXPR_UINT: return set_type(e, &aeo_type_uint);
    case AEO_EXPR_DOUBLE: return set_type(e, &aeo_type_double);
    case AEO_EXPR_STRING: return set_type(e, &aeo_type_string);
    case AEO_EXPR_BYTES: return set_type(e, &aeo_type_bytes);
    case AEO_EXPR_IDENT: return check_ident(ck, e);
    case AEO_EXPR_SELECT: return check_select(ck, e);
    case AEO_EXPR_INDEX: return check_index(ck, e);
    case AEO_EXPR_CALL: return check_call(ck, e);
    case AEO_EXPR_LIST: {
        const aeo_type *elem = NULL;
        bool bad = false;
        for (uint32_t i = 0; i < e->u.list.n; i++) {
            const aeo_type *t = check_expr(ck, e->u.list.items[i]);
            bad |= is_err(t);
            elem = elem ? join(elem, t) : t;
        }
        if (bad) return type_error(e);
        return set_type(e, aeo_type_list(ck->a, elem ? elem : &aeo_type_dyn));
    }
    case AEO_EXPR_MAP: {
        const aeo_type *kt = NULL, *vt = NULL;
        bool bad = false;
        for (uint32_t i = 0; i < e->u.map.n; i++) {
            const aeo_type *k = check_expr(ck, e->u.map.keys[i]);
            const aeo_type *v = check_expr(ck, e->u.map.vals[i]);
            bad |= is_err(k) || is_err(v);
            if (!is_dyn(k) && !is_stringish(k) && k->kind != AEO_T_INT && k->kind != AEO_T_UINT &&
                k->kind != AEO_T_BOOL) {
                aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->u.map.keys[i]->span,
                             "map keys must be string, int, uint or bool, not '%s'", tname(ck, k));
                bad = true;
            }
            kt = kt ? join(kt, k) : k;
            vt = vt ? join(vt, v) : v;
        }
        if (bad) return type_error(e);
        return set_type(e, aeo_type_map(ck->a, kt ? kt : &aeo_type_dyn, vt ? vt : &aeo_type_dyn));
    }
    case AEO_EXPR_UNARY: {
        const aeo_type *t = check_expr(ck, e->u.unary.a);
        if (is_err(t)) return type_error(e);
        if (e->u.unary.op == AEO_OPR_NOT) {
            if (!is_dyn(t) && t->kind != AEO_T_BOOL) {
                aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->span, "operator '!' needs a bool, not '%s'", tname(ck, t));
                return type_error(e);
            }
            return set_type(e, &aeo_type_bool);
        }
        if (!is_dyn(t) && t->kind != AEO_T_INT && t->kind != AEO_T_DOUBLE && t->kind != AEO_T_DURATION) {
            aeo_diag_add(ck->d, AEO_E_TYPE_MISMATCH, e->span, "operator '-' cannot negate '%s'", tname(ck, t));
            return type_error(e);
        }
        return set_type(e, t);
    }
    case AEO_EXPR_BINARY: return check_binary(ck, e);
    case AEO_EXPR_WITH:
        aeo_diag_add(ck->d, AEO_E_FACTS_FORM, e->span,
                     "'with' builds a facts record: use it in an example or a test's facts, not in an expression");
        return type_error(e);
    case AEO_EXPR_COND: {
        const aeo_type *c = check_expr(ck, e->u.cond.c);
        const aeo_type *a = check_expr(ck, e->u.cond.a);
        const aeo_type *b = check_expr(ck, e->u.cond.b);
        if (is_err(c) || is_err(a) || is_err(b)) return type_error(e);
        if (!is_dyn(c) && c->kind != AEO_T_BOOL) {
            aeo_diag_add(ck->d, AEO_E_NOT_BOOL, e->u.cond.c->span, "the condition of '?:' must be a bool, not '%s'",
                         tname(ck, c));
            return type_error(e);
        }
        return set_type(e, join(a, b));
    }
    default: return type_error(e);
    }
}

/* A branch of a ?: (or of nested ?:) whose type is known and not bool;
 * NULL if none. */
static const aeo_expr *non_bool_branch(const aeo_expr *e) {
    if (e->kind == AEO_EXPR_COND) {
        const aeo_expr *x = non_bool_branch(e->u.cond.a);
        return x ? x : non_bool_branch(e->u.cond.b);
    }
    if (e->type && !is_dyn(e->type) && e->type->kind != AEO_T_BOOL) return e;
    return NULL;
}

/* A condition: must be bool (or dyn, checked at run time).  A ?: whose
 * branches mix types is dyn, but a branch that is not a bool is an error
 * here all the same. */
static void check_condition(checker *ck, aeo_expr *e, const char *what) {
    const aeo_type *t = check_expr(ck, e);
    if (!is_dyn(t) && t->kind != AEO_T_BOOL) {
        aeo_diag_add(ck->d, AEO_E_NOT_BOOL, e->span, "%s must be a bool, not '%s'", what, tname(ck, t));
        return;
    }
    const aeo_expr *b = is_err(t) ? NULL : non_bool_branch(e);
    if (b) aeo_diag_add(ck->d, AEO_E_NOT_BOOL, b->span, "%s must be a bool, but this branch is '%s'", what, tname(ck, b->type));
}

/* ---- declarations --------------------------------------------------------------- */

static void enter(checker *ck, aeo_decl *d) {
    if (ck->depth == ck->cap) {
        ck->cap = ck->cap ? ck->cap * 2 : 32;
        ck->stack = aeo_xrealloc(ck->stack, ck->cap * sizeof *ck->stack);
    }
    ck->stack[ck->depth++] = d;
    d->state = ST_BUSY;
}

static void leave(checker *ck, aeo_decl *d) {
    ck->depth--;
    d->state = ST_DONE;
    d->chain += 1;
    /* The longest chain through [d] is known now that everything it uses is
     * checked; the VM evaluates each link in a frame of its own. */
    if (d->chain > MAX_CHAIN && !ck->chain_reported) {
        aeo_diag_add(ck->d, AEO_E_TOO_DEEP, d->name_span,
                     "'%s' is at the end of a chain of more than %d definitions referring to each other", d->name,
                     MAX_CHAIN);
        ck->chain_reported = true;
    }
    if (ck->depth > 0 && d->chain > ck->stack[ck->depth - 1]->chain) ck->stack[ck->depth - 1]->chain = d->chain;
}

/* Notes that the declaration being checked uses [d] (already checked). */
static void uses(checker *ck, const aeo_decl *d) {
    if (ck->depth > 0 && d->chain > ck->stack[ck->depth - 1]->chain) ck->stack[ck->depth - 1]->chain = d->chain;
}

/* const, def, tier: a name for an expression. */
static void check_value_decl(checker *ck, aeo_decl *d) {
    if (d->state != ST_NEW) return;
    enter(ck, d);
    bool saved_const = ck->constant;
    local_var *saved_locals = ck->locals;
    uint32_t saved_slot = ck->next_slot;
    bool saved_impure = ck->impure;
    ck->constant = d->kind == AEO_DECL_CONST;
    ck->locals = NULL;
    ck->next_slot = 0;
    ck->impure = false;
    const aeo_type *t = &aeo_type_error;
    if (d->n_params && (aeo_builtin_named(d->name) || aeo_macro_find(d->name) >= 0)) {
        /* A call f(...) would reach the built-in, never this function. */
        aeo_diag_add(ck->d, AEO_E_DUPLICATE, d->name_span, "'%s' is a built-in function; choose another name",
                     d->name);
    } else if (d->n_params) {
        /* A function: its parameters are the first locals. */
        ck->locals = function_locals(ck, d);
        ck->next_slot = d->n_params;
        if (ck->locals && d->value) t = check_expr(ck, d->value);
        else if (d->value) d->value->type = &aeo_type_error;
    } else if (d->value) {
        t = check_expr(ck, d->value);
    }
    d->pure = !ck->impure;
    ck->impure = saved_impure || ck->impure;
    const aeo_expr *nb = d->kind == AEO_DECL_TIER && is_dyn(t) && !is_err(t) ? non_bool_branch(d->value) : NULL;
    if (nb) {
        aeo_diag_add(ck->d, AEO_E_NOT_BOOL, nb->span, "tier '%s' must be a bool condition, but this branch is '%s'",
                     d->name, tname(ck, nb->type));
        t = &aeo_type_error;
    }
    if (d->kind == AEO_DECL_TIER && !is_dyn(t) && t->kind != AEO_T_BOOL) {
        aeo_diag_add(ck->d, AEO_E_NOT_BOOL, d->value->span, "tier '%s' must be a bool condition, not '%s'", d->name,
                     tname(ck, t));
        t = &aeo_type_error;
    }
    d->type = t;
    ck->constant = saved_const;
    ck->locals = saved_locals;
    ck->next_slot = saved_slot;
    leave(ck, d);
}

bool aeo_date_value(const aeo_expr *e, aeo_value *out) {
    if (!e || e->kind != AEO_EXPR_STRING) return false;
    int64_t s;
    int32_t n;
    if (!aeo_time_parse_timestamp(e->u.str.s, e->u.str.len, &s, &n)) return false;
    *out = aeo_timestamp(s, n);
    return true;
}

const aeo_prop *aeo_decl_prop(const aeo_decl *d, const char *name) {
    for (uint32_t i = 0; i < d->n_props; i++)
        if (strcmp(d->props[i].name, name) == 0) return &d->props[i];
    return NULL;
}

/* Property kinds. */
enum { P_STRING, P_DATE, P_BOOL, P_EXPR, P_IDS, P_MAP, P_TYPE, P_CASE };

typedef struct prop_spec {
    const char *name;
    int kind;
    bool repeat;
} prop_spec;

static const prop_spec catalog_props[] = {
    {"title", P_STRING, false}, {"authority", P_STRING, false}, {"published", P_DATE, false},
    {"key", P_EXPR, false}, {"scope", P_BOOL, false}, {"effective", P_DATE, false},
    {"expires", P_DATE, false}, {"version", P_STRING, false}, {"description", P_STRING, false},
    {"source", P_STRING, false},
    /* Text in several languages (lang/text.c checks fixed's paths). */
    {"language", P_STRING, false}, {"fixed", P_EXPR, false}, {NULL, 0, false}};

static const prop_spec measure_props[] = {
    {"tier", P_IDS, false}, {"when", P_BOOL, false}, {"unless", P_BOOL, true},
    {"cite", P_STRING, false}, {"benefit", P_STRING, false}, {"category", P_STRING, false},
    {"confidence", P_STRING, false}, {"effective", P_DATE, false}, {"expires", P_DATE, false},
    {"note", P_STRING, false}, {"description", P_STRING, false}, {"scope", P_BOOL, false},
    {"unit", P_STRING, false}, {"value", P_TYPE, false}, {"case", P_CASE, true}, {"else", P_CASE, true},
    {NULL, 0, false}};

static const prop_spec test_props[] = {
    {"facts", P_MAP, false}, {"as_of", P_DATE, false}, {"expect", P_IDS, false},
    {"expect_not", P_IDS, false}, {"expect_undecided", P_IDS, false}, {"expect_only", P_IDS, false},
    {"expect_values", P_MAP, false},
    {"description", P_STRING, false}, {NULL, 0, false}};

uint32_t aeo_check_block_props(aeo_decl_kind kind, const char **names, bool *is_string, uint32_t cap) {
    const prop_spec *specs = kind == AEO_DECL_CATALOG ? catalog_props : kind == AEO_DECL_MEASURE ? measure_props : NULL;
    uint32_t n = 0;
    for (const prop_spec *p = specs; p && p->name && n < cap; p++, n++) {
        names[n] = p->name;
        is_string[n] = p->kind == P_STRING;
    }
    return n;
}

static const prop_spec *find_prop(const prop_spec *specs, const char *name) {
    for (const prop_spec *p = specs; p->name; p++)
        if (strcmp(p->name, name) == 0) return p;
    return NULL;
}

/* Whether property [i] of [d] is a 'cite:' on the line of the case (or
 * else) before it: "case X => 3 cite: ..." means the case's citation. */
static bool case_cite_slip(const checker *ck, const aeo_decl *d, uint32_t i) {
    const aeo_prop *p = &d->props[i];
    if (i == 0 || strcmp(p->name, "cite") != 0 || !p->value ||
        (d->props[i - 1].kind != AEO_PROP_CASE && d->props[i - 1].kind != AEO_PROP_ELSE))
        return false;
    size_t n;
    const char *between = span_text(ck, (aeo_span){p->name_span.file, d->props[i - 1].span.end, p->name_span.start}, &n);
    return !memchr(between, '\n', n);
}

/* Checks names, duplicates and the literal kinds of a block's properties;
 * expressions (P_BOOL, P_EXPR) and id lists are checked by the caller. */
static void check_props(checker *ck, aeo_decl *d, const prop_spec *specs, const char *block) {
    for (uint32_t i = 0; i < d->n_props; i++) {
        aeo_prop *p = &d->props[i];
        const prop_spec *s = find_prop(specs, p->name);
        /* "case X => 3 cite: ..." on one line: the case's citation was
         * meant, which is written without ':' (else it would quietly be the
         * measure's own cite). */
        if (case_cite_slip(ck, d, i)) {
            aeo_span colon = {p->name_span.file, p->name_span.start, p->value->span.start};
            aeo_diag *g = aeo_diag_add(ck->d, AEO_E_SYNTAX, colon,
                                       "a case's citation is written without ':', as in => VALUE cite \"...\" "
                                       "(a 'cite:' property is the measure's own)");
            aeo_diag_fix(ck->d, g, colon, "cite ");
            continue;
        }
        /* Only measure blocks parse `value: TYPE`, cases and else; a
         * misspelt else was reported by the parser. */
        if (!s && p->kind != AEO_PROP_EXPR) continue;
        if (!s) {
            const char *cands[32];
            uint32_t n = 0;
            for (const prop_spec *q = specs; q->name && n < 32; q++) cands[n++] = q->name;
            const char *sug = aeo_suggest(p->name, cands, n);
            if (sug)
                aeo_diag_add(ck->d, AEO_E_UNKNOWN_PROP, p->name_span, "unknown property '%s' in %s; did you mean '%s'?",
                             p->name, block, sug);
            else
                aeo_diag_add(ck->d, AEO_E_UNKNOWN_PROP, p->name_span, "unknown property '%s' in %s", p->name, block);
            continue;
        }
        if (!s->repeat) {
            for (uint32_t j = 0; j < i; j++) {
                if (strcmp(d->props[j].name, p->name) == 0 && !case_cite_slip(ck, d, j)) {
                    aeo_diag *g = aeo_diag_add(ck->d, AEO_E_DUPLICATE_PROP, p->name_span,
                                               "property '%s' is given twice", p->name);
                    aeo_diag_note(ck->d, g, &d->props[j].name_span, "first given here");
                    break;
                }
            }
        }
        aeo_expr *v = p->value;
        if (!v || v->kind == AEO_EXPR_ERROR) continue;
        if (s->kind == P_STRING && v->kind != AEO_EXPR_STRING) {
            aeo_diag_add(ck->d, AEO_E_PROP_VALUE, v->span, "'%s' must be a string literal", p->name);
        } else if (s->kind == P_DATE) {
            aeo_value ts;
            if (v->kind != AEO_EXPR_STRING)
                aeo_diag_add(ck->d, AEO_E_PROP_VALUE, v->span, "'%s' must be a date string, as in \"2021-04-21\"", p->name);
            else if (!aeo_date_value(v, &ts))
                aeo_diag_add(ck->d, AEO_E_BAD_DATE, v->span,
                             "\"%s\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", v->u.str.s);
        }
    }
}

/* Resolves a list of measure or tier names (a single name or [a, b]). */
static void check_ids(checker *ck, aeo_expr *v, aeo_decl_kind want, const char *prop) {
    aeo_expr *single[1] = {v};
    aeo_expr **items = single;
    uint32_t n = 1;
    if (v->kind == AEO_EXPR_ERROR) return;
    if (v->kind == AEO_EXPR_LIST) {
        items = v->u.list.items;
        n = v->u.list.n;
    }
    const char *what = aeo_decl_kind_word(want);
    aeo_diag_code code = want == AEO_DECL_TIER ? AEO_E_NOT_A_TIER : AEO_E_NOT_A_MEASURE;
    name_table listed = {0};
    for (uint32_t i = 0; i < n; i++) {
        aeo_expr *it = items[i];
        if (it->kind != AEO_EXPR_IDENT) {
            aeo_diag_add(ck->d, AEO_E_PROP_VALUE, it->span, "'%s' takes %s names, as in %s", prop, what,
                         want == AEO_DECL_TIER ? "[advanced, general]" : "[M01, M02]");
            continue;
        }
        aeo_decl *d = table_get(&ck->names, it->u.ident.name);
        if (d && d->kind == want) {
            it->ref = want == AEO_DECL_TIER ? AEO_REF_TIER : AEO_REF_MEASURE;
            it->ref_index = d->index;
            it->type = &aeo_type_bool;
            if (want == AEO_DECL_TIER) require_decl(ck, d, it->span);
            if (table_get(&listed, it->u.ident.name))
                aeo_diag_add(ck->d, AEO_E_DUPLICATE, it->span, "%s '%s' is listed twice", what, it->u.ident.name);
            else
                table_put(&listed, it->u.ident.name, it);
            continue;
        }
        /* Suggest among declarations of the wanted kind. */
        aeo_decls *pool = want == AEO_DECL_TIER ? &ck->cat->tiers : &ck->cat->measures;
        const char **cands = aeo_xmalloc((pool->n + 1) * sizeof *cands);
        for (uint32_t j = 0; j < pool->n; j++) cands[j] = pool->items[j]->name;
        const char *sug = aeo_suggest(it->u.ident.name, cands, pool->n);
        free(cands);
        if (d)
            aeo_diag_add(ck->d, code, it->span, "'%s' is a %s, not a %s", it->u.ident.name, decl_what(d), what);
        else if (sug)
            aeo_diag_add(ck->d, code, it->span, "unknown %s '%s'; did you mean '%s'?", what, it->u.ident.name, sug);
        else
            aeo_diag_add(ck->d, code, it->span, "unknown %s '%s'", what, it->u.ident.name);
    }
    free(listed.slots);
}

static void check_dates(checker *ck, aeo_decl *d) {
    const aeo_prop *pe = aeo_decl_prop(d, "effective"), *px = aeo_decl_prop(d, "expires");
    aeo_value e, x;
    int c;
    if (pe && px && aeo_date_value(pe->value, &e) && aeo_date_value(px->value, &x) &&
        aeo_value_compare(e, x, &c) && c >= 0) {
        aeo_diag *g = aeo_diag_add(ck->d, AEO_E_BAD_DATES, px->value->span,
                                   "'expires' (%s) must be after 'effective' (%s): the %s would never be in force",
                                   px->value->u.str.s, pe->value->u.str.s, decl_what(d));
        aeo_diag_note(ck->d, g, &pe->value->span, "effective date given here");
    }
}

/* Whether a value of static type [got] (of expression [e]) may be granted
 * by a measure declared `value: [want]`: the same type (CEL has no implicit
 * conversions, so an int is not a double), a string literal among an enum's
 * values, dyn (checked by nobody: it is the author's), or a list whose items
 * fit. */
static bool value_fits(const aeo_type *want, const aeo_type *got, const aeo_expr *e) {
    if (is_dyn(want) || is_dyn(got)) return true;
    if (want->kind == AEO_T_ENUM) {
        if (got->kind == AEO_T_ENUM) return aeo_type_equal(want, got);
        if (got->kind != AEO_T_STRING || !e || e->kind != AEO_EXPR_STRING) return false;
        for (uint32_t i = 0; i < want->n_enum; i++)
            if (strcmp(want->enum_values[i], e->u.str.s) == 0) return true;
        return false;
    }
    if (want->kind == AEO_T_STRING) return is_stringish(got);
    if (want->kind == AEO_T_LIST && got->kind == AEO_T_LIST) {
        if (e && e->kind == AEO_EXPR_LIST) {
            for (uint32_t i = 0; i < e->u.list.n; i++)
                if (!value_fits(want->elem, e->u.list.items[i]->type, e->u.list.items[i])) return false;
            return true;
        }
        return value_fits(want->elem, got->elem, NULL);
    }
    if (want->kind == AEO_T_MAP && got->kind == AEO_T_MAP)
        return value_fits(want->key, got->key, NULL) && value_fits(want->elem, got->elem, NULL);
    return aeo_type_equal(want, got);
}

/* value: TYPE, its cases and else: the order rules (cases, then at most one
 * else, last), case conditions (bool), case values (the declared type). */
static const aeo_type *check_cases(checker *ck, aeo_decl *d) {
    const aeo_prop *vp = NULL, *else_p = NULL, *first_case = NULL;
    for (uint32_t i = 0; i < d->n_props; i++)
        if (d->props[i].kind == AEO_PROP_TYPE && !vp) vp = &d->props[i];
    const aeo_type *want = vp ? resolve_type(ck, vp->type) : &aeo_type_error;
    for (uint32_t i = 0; i < d->n_props; i++) {
        aeo_prop *p = &d->props[i];
        if (p->kind != AEO_PROP_CASE && p->kind != AEO_PROP_ELSE) continue;
        bool is_else = p->kind == AEO_PROP_ELSE;
        if (!vp && !first_case && !else_p)
            aeo_diag_add(ck->d, AEO_E_CASE_NO_VALUE, p->name_span,
                         "'%s' in measure '%s', which has no 'value': declare what it grants, as in value: int",
                         p->name, d->name);
        if (is_else && else_p) {
            aeo_diag *g = aeo_diag_add(ck->d, AEO_E_ELSE_TWICE, p->name_span,
                                       "measure '%s' has a second 'else'; only one may end its cases", d->name);
            aeo_diag_note(ck->d, g, &else_p->name_span, "first 'else' here");
        } else if (!is_else && else_p) {
            aeo_diag *g = aeo_diag_add(ck->d, AEO_E_CASE_AFTER_ELSE, p->name_span,
                                       "this case comes after the 'else' and could never win; put the 'else' last");
            aeo_diag_note(ck->d, g, &else_p->name_span, "the 'else' is here");
        }
        if (is_else && !else_p) else_p = p;
        if (!is_else && !first_case) first_case = p;
        if (!is_else && p->cond && p->cond->kind != AEO_EXPR_ERROR) check_condition(ck, p->cond, "a case condition");
        if (!p->value || p->value->kind == AEO_EXPR_ERROR) continue;
        const aeo_type *got = check_expr(ck, p->value);
        if (vp && !is_err(want) && !value_fits(want, got, p->value)) {
            if (want->kind == AEO_T_ENUM && got->kind == AEO_T_STRING && p->value->kind == AEO_EXPR_STRING)
                aeo_diag_add(ck->d, AEO_E_CASE_TYPE, p->value->span,
                             "\"%s\" is not a value of '%s', the type measure '%s' grants", p->value->u.str.s,
                             tname(ck, want), d->name);
            else
                aeo_diag_add(ck->d, AEO_E_CASE_TYPE, p->value->span,
                             "this %s is '%s', but measure '%s' grants '%s'", is_else ? "else value" : "case value",
                             tname(ck, got), d->name, tname(ck, want));
        }
    }
    if (vp && !first_case && !d->has_error)
        aeo_diag_add(ck->d, AEO_E_VALUE_NO_CASE, vp->name_span,
                     "measure '%s' declares 'value' but has no case; add at least one, as in case advanced => 20",
                     d->name);
    return vp ? want : NULL;
}

/* A string property's text, or NULL. */
static const char *prop_text(const aeo_decl *d, const char *name) {
    const aeo_prop *p = aeo_decl_prop(d, name);
    return p && p->value && p->value->kind == AEO_EXPR_STRING ? p->value->u.str.s : NULL;
}

/* Fills d->measure, the typed view the later stages read: the one place
 * that knows which property holds what. */
static void fill_measure_view(checker *ck, aeo_decl *d, const aeo_type *value_type) {
    aeo_measure *m = aeo_arena_zalloc(ck->a, sizeof *m);
    d->measure = m;
    uint32_t n_conds = 0, n_unless = 0;
    for (uint32_t i = 0; i < d->n_props; i++) {
        const aeo_prop *p = &d->props[i];
        if (p->kind != AEO_PROP_EXPR || !p->value) continue;
        if (strcmp(p->name, "when") == 0 || strcmp(p->name, "unless") == 0) n_conds++;
        if (strcmp(p->name, "unless") == 0) n_unless++;
    }
    m->conds = aeo_arena_alloc(ck->a, (n_conds ? n_conds : 1) * sizeof *m->conds);
    m->unless = aeo_arena_alloc(ck->a, (n_unless ? n_unless : 1) * sizeof *m->unless);
    for (uint32_t i = 0; i < d->n_props; i++) {
        const aeo_prop *p = &d->props[i];
        if (p->kind != AEO_PROP_EXPR || !p->value) continue;
        bool when = strcmp(p->name, "when") == 0, unless = strcmp(p->name, "unless") == 0;
        if (when || unless) {
            m->conds[m->n_conds++] = (aeo_cond){p->value, unless};
            if (when && !m->when) m->when = p->value;
            if (unless) m->unless[m->n_unless++] = p->value;
        } else if (strcmp(p->name, "tier") == 0 && !m->tier_prop) {
            m->tier_prop = p;
            aeo_expr *v = p->value;
            if (v->kind == AEO_EXPR_LIST) {
                m->tiers = v->u.list.items;
                m->n_tiers = v->u.list.n;
            } else {
                m->tiers = aeo_arena_alloc(ck->a, sizeof *m->tiers);
                m->tiers[0] = v;
                m->n_tiers = 1;
            }
        }
    }
    m->scope = ck->cat->scope;
    const aeo_prop *sp = aeo_decl_prop(d, "scope");
    if (sp && sp->value && sp->value->kind != AEO_EXPR_ERROR) {
        m->scope = sp->value;
        m->own_scope = true;
    }
    uint32_t n_cases = 0;
    for (uint32_t i = 0; i < d->n_props; i++) n_cases += d->props[i].kind == AEO_PROP_CASE;
    m->cases = aeo_arena_zalloc(ck->a, (n_cases ? n_cases : 1) * sizeof *m->cases);
    for (uint32_t i = 0; i < d->n_props; i++) {
        const aeo_prop *p = &d->props[i];
        if (p->kind == AEO_PROP_TYPE && !m->value_type_expr) {
            m->value_type_expr = p->type;
            m->value_type = value_type ? value_type : &aeo_type_error;
        } else if (p->kind == AEO_PROP_CASE && !m->else_case) {
            m->cases[m->n_cases++] = (aeo_case){p->cond, p->value, p->cite, p->cite_span, p->span};
        } else if (p->kind == AEO_PROP_ELSE && !m->else_case) {
            aeo_case *e = aeo_arena_zalloc(ck->a, sizeof *e);
            *e = (aeo_case){NULL, p->value, p->cite, p->cite_span, p->span};
            m->else_case = e;
        }
    }
    m->cite = prop_text(d, "cite");
    m->benefit = prop_text(d, "benefit");
    m->category = prop_text(d, "category");
    m->confidence = prop_text(d, "confidence");
    m->note = prop_text(d, "note");
    m->description = prop_text(d, "description");
    m->unit = prop_text(d, "unit");
    const aeo_prop *pe = aeo_decl_prop(d, "effective"), *px = aeo_decl_prop(d, "expires");
    m->effective_expr = pe ? pe->value : NULL;
    m->expires_expr = px ? px->value : NULL;
    if (pe)
        m->has_effective = aeo_date_value(pe->value, &m->effective);
    else if (ck->cat->has_effective) {
        m->has_effective = true;
        m->effective = ck->cat->effective;
    }
    if (px)
        m->has_expires = aeo_date_value(px->value, &m->expires);
    else if (ck->cat->has_expires) {
        m->has_expires = true;
        m->expires = ck->cat->expires;
    }
}

static void check_measure(checker *ck, aeo_decl *d) {
    if (d->state != ST_NEW) return;
    enter(ck, d);
    local_var *saved_locals = ck->locals;
    uint32_t saved_slot = ck->next_slot;
    bool saved_const = ck->constant;
    ck->locals = NULL;
    ck->next_slot = 0;
    ck->constant = false;
    check_props(ck, d, measure_props, "a measure");
    bool has_tier = false;
    for (uint32_t i = 0; i < d->n_props; i++) {
        aeo_prop *p = &d->props[i];
        if (!p->value || p->value->kind == AEO_EXPR_ERROR) {
            if (strcmp(p->name, "tier") == 0) has_tier = true;
            continue;
        }
        if (strcmp(p->name, "tier") == 0) {
            has_tier = true;
            if (p->value->kind == AEO_EXPR_LIST && p->value->u.list.n == 0)
                aeo_diag_add(ck->d, AEO_E_PROP_VALUE, p->value->span,
                             "'tier' is empty: the measure could never apply; name at least one tier");
            check_ids(ck, p->value, AEO_DECL_TIER, "tier");
        } else if (strcmp(p->name, "when") == 0) {
            check_condition(ck, p->value, "'when'");
        } else if (strcmp(p->name, "unless") == 0) {
            check_condition(ck, p->value, "'unless'");
        } else if (strcmp(p->name, "scope") == 0) {
            check_condition(ck, p->value, "'scope'");
        }
    }
    const aeo_type *value_type = check_cases(ck, d);
    if (!has_tier && !d->has_error)
        aeo_diag_add(ck->d, AEO_E_MISSING_PROP, d->name_span,
                     "measure '%s' has no 'tier'; say which tiers it is for, as in tier: [advanced, general]", d->name);
    check_dates(ck, d);
    fill_measure_view(ck, d, value_type);
    ck->locals = saved_locals;
    ck->next_slot = saved_slot;
    ck->constant = saved_const;
    leave(ck, d);
}

/* A measure may appear in at most one of expect, expect_not and
 * expect_undecided; with expect_only, it must be listed there exactly when
 * it is in expect. */
static void check_expectations(checker *ck, aeo_decl *d) {
    static const char *const lists[] = {"expect", "expect_not", "expect_undecided", "expect_only"};
    uint32_t n = ck->cat->measures.n;
    if (!n) return;
    uint8_t *in = aeo_xcalloc(n, 1);          /* bit k: listed in lists[k] */
    aeo_span *where = aeo_xcalloc(n, sizeof *where);
    bool has_only = false;
    for (int k = 0; k < 4; k++) {
        const aeo_prop *p = aeo_decl_prop(d, lists[k]);
        if (!p || !p->value || p->value->kind == AEO_EXPR_ERROR) continue;
        if (k == 3) has_only = true;
        const aeo_expr *v = p->value;
        uint32_t count = v->kind == AEO_EXPR_LIST ? v->u.list.n : 1;
        for (uint32_t i = 0; i < count; i++) {
            const aeo_expr *it = v->kind == AEO_EXPR_LIST ? v->u.list.items[i] : v;
            if (it->ref != AEO_REF_MEASURE) continue;
            uint8_t before = in[it->ref_index] & 7;
            if (k < 3 && before) {
                int other = before & 1 ? 0 : before & 2 ? 1 : 2;
                aeo_diag *g = aeo_diag_add(ck->d, AEO_E_CONTRADICTION, it->span,
                                           "'%s' is in both '%s' and '%s'", it->u.ident.name, lists[other], lists[k]);
                aeo_diag_note(ck->d, g, &where[it->ref_index], "listed in '%s' here", lists[other]);
            }
            in[it->ref_index] |= (uint8_t)(1u << k);
            if (k < 3 && !before) where[it->ref_index] = it->span;
        }
    }
    /* expect_values wants its measures to apply. */
    const aeo_prop *ev = aeo_decl_prop(d, "expect_values");
    for (uint32_t i = 0; ev && ev->value && ev->value->kind == AEO_EXPR_MAP && i < ev->value->u.map.n; i++) {
        const aeo_expr *k = ev->value->u.map.keys[i];
        if (k->ref != AEO_REF_MEASURE) continue;
        if (has_only && !(in[k->ref_index] & 8) && !(in[k->ref_index] & 6))
            aeo_diag_add(ck->d, AEO_E_CONTRADICTION, k->span,
                         "'%s' is in 'expect_values', so it must apply, but it is not in 'expect_only'", k->u.str.s);
        if (!(in[k->ref_index] & 6)) continue;
        int other = in[k->ref_index] & 2 ? 1 : 2;
        aeo_diag *g = aeo_diag_add(ck->d, AEO_E_CONTRADICTION, k->span,
                                   "'%s' is in 'expect_values', so it must apply, but it is also in '%s'",
                                   k->u.str.s, lists[other]);
        aeo_diag_note(ck->d, g, &where[k->ref_index], "listed in '%s' here", lists[other]);
    }
    if (has_only) {
        const aeo_prop *p = aeo_decl_prop(d, "expect_only");
        for (uint32_t m = 0; m < n; m++) {
            bool only = in[m] & 8, yes = in[m] & 1, no = in[m] & 6;
            const char *name = ck->cat->measures.items[m]->name;
            if (yes && !only)
                aeo_diag_add(ck->d, AEO_E_CONTRADICTION, where[m],
                             "'%s' is expected to apply but is not in 'expect_only'", name);
            else if (only && no)
                aeo_diag_add(ck->d, AEO_E_CONTRADICTION, p->value->span,
                             "'expect_only' lists '%s', which is also expected not to apply", name);
        }
    }
    free(in);
    free(where);
}

/* expect_values: {"M01": 20, ...}: each key a string naming a valued
 * measure (the key gets ref MEASURE), each value a constant of the type
 * that measure grants. */
static void check_expect_values(checker *ck, aeo_expr *v) {
    if (v->kind != AEO_EXPR_MAP) {
        aeo_diag_add(ck->d, AEO_E_PROP_VALUE, v->span, "'expect_values' must be a map literal, as in {\"M01\": 20}");
        return;
    }
    for (uint32_t i = 0; i < v->u.map.n; i++) {
        aeo_expr *k = v->u.map.keys[i], *val = v->u.map.vals[i];
        const aeo_type *got = check_expr(ck, val);
        if (k->kind != AEO_EXPR_STRING) {
            if (k->kind != AEO_EXPR_ERROR)
                aeo_diag_add(ck->d, AEO_E_PROP_VALUE, k->span,
                             "the keys of 'expect_values' are measure IDs as strings, as in {\"M01\": 20}");
            continue;
        }
        aeo_decl *d = table_get(&ck->names, k->u.str.s);
        if (!d || d->kind != AEO_DECL_MEASURE) {
            const char **cands = aeo_xmalloc((ck->cat->measures.n + 1) * sizeof *cands);
            for (uint32_t j = 0; j < ck->cat->measures.n; j++) cands[j] = ck->cat->measures.items[j]->name;
            const char *sug = aeo_suggest(k->u.str.s, cands, ck->cat->measures.n);
            free(cands);
            if (sug)
                aeo_diag_add(ck->d, AEO_E_NOT_A_MEASURE, k->span, "unknown measure '%s'; did you mean '%s'?",
                             k->u.str.s, sug);
            else
                aeo_diag_add(ck->d, AEO_E_NOT_A_MEASURE, k->span, "unknown measure '%s'", k->u.str.s);
            continue;
        }
        k->ref = AEO_REF_MEASURE;
        k->ref_index = d->index;
        check_measure(ck, d);
        const aeo_measure *m = d->measure;
        if (!m || !m->value_type) {
            aeo_diag_add(ck->d, AEO_E_NOT_VALUED, k->span,
                         "measure '%s' grants no value (it has no 'value:'); test whether it applies with 'expect'",
                         d->name);
            continue;
        }
        if (!is_err(m->value_type) && !value_fits(m->value_type, got, val))
            aeo_diag_add(ck->d, AEO_E_CASE_TYPE, val->span, "this value is '%s', but measure '%s' grants '%s'",
                         tname(ck, got), d->name, tname(ck, m->value_type));
    }
}


/* ---- examples and facts records: example NAME = ..., X with {...} ---------------
 *
 * A facts record (an example's value, a test's facts) is a map literal, an
 * example's name, or X with {...}.  The checker resolves each to one map
 * literal, stored as the declaration's `facts`: `with` merges key by key,
 * maps nested in both recursively, and a null value replaces what was there
 * (the entry stays, holding null: for the facts decoder a null in an
 * optional field is an absent field, and in a required one an error, which
 * is exactly what removing the key means).  The merged map shares the value
 * nodes of the maps it comes from, so an error is located where the value
 * was written.  Then the record is checked against the schema statically,
 * by the facts decoder's own rules (fit_facts below): literal values of the
 * wrong type, enum values not in the enum, missing or null required
 * fields; values that are not literals (a const's name) are left to the
 * decoder's check after compilation (E0208, as before). */

static aeo_expr *resolve_facts(checker *ck, aeo_expr *e);

/* A new map node with [n] entries at [span]. */
static aeo_expr *new_map(checker *ck, aeo_span span, uint32_t n) {
    aeo_expr *m = aeo_expr_new(ck->a, AEO_EXPR_MAP, span, &ck->cat->next_id);
    m->u.map.keys = aeo_arena_alloc(ck->a, (n ? n : 1) * sizeof *m->u.map.keys);
    m->u.map.vals = aeo_arena_alloc(ck->a, (n ? n : 1) * sizeof *m->u.map.vals);
    return m;
}

/* The index of string key [k] among [m]'s entries, or -1. */
static int64_t map_find(const aeo_expr *m, const aeo_expr *k) {
    for (uint32_t i = 0; i < m->u.map.n; i++) {
        const aeo_expr *x = m->u.map.keys[i];
        if (x->kind == AEO_EXPR_STRING && x->u.str.len == k->u.str.len && memcmp(x->u.str.s, k->u.str.s, k->u.str.len) == 0)
            return i;
    }
    return -1;
}

/* [base] with [over], both map literals: a new map (the inputs are shared
 * by other records and stay as they are). */
static aeo_expr *merge_maps(checker *ck, const aeo_expr *base, const aeo_expr *over, aeo_span span) {
    aeo_expr *m = new_map(ck, span, base->u.map.n + over->u.map.n);
    m->type = over->type;
    for (uint32_t i = 0; i < base->u.map.n; i++) {
        m->u.map.keys[i] = base->u.map.keys[i];
        m->u.map.vals[i] = base->u.map.vals[i];
    }
    m->u.map.n = base->u.map.n;
    for (uint32_t i = 0; i < over->u.map.n; i++) {
        aeo_expr *k = over->u.map.keys[i], *v = over->u.map.vals[i];
        int64_t at = k->kind == AEO_EXPR_STRING ? map_find(m, k) : -1;
        if (at < 0) {
            m->u.map.keys[m->u.map.n] = k;
            m->u.map.vals[m->u.map.n++] = v;
        } else if (v->kind == AEO_EXPR_MAP && m->u.map.vals[at]->kind == AEO_EXPR_MAP) {
            m->u.map.vals[at] = merge_maps(ck, m->u.map.vals[at], v, v->span);
        } else {
            m->u.map.keys[at] = k;
            m->u.map.vals[at] = v;
        }
    }
    return m;
}

/* The keys of a map merged by 'with' are string literals, or the merge
 * could not tell which entry a key replaces. */
static bool with_keys(checker *ck, const aeo_expr *m) {
    bool ok = true;
    for (uint32_t i = 0; i < m->u.map.n; i++) {
        const aeo_expr *k = m->u.map.keys[i], *v = m->u.map.vals[i];
        if (k->kind != AEO_EXPR_STRING) {
            aeo_diag_add(ck->d, AEO_E_FACTS_FORM, k->span, "the keys of a 'with' map must be string literals");
            ok = false;
        }
        if (v->kind == AEO_EXPR_MAP) ok &= with_keys(ck, v);
    }
    return ok;
}

/* The facts record [e] resolved to one map literal, or NULL (reported). */
static aeo_expr *resolve_facts(checker *ck, aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_ERROR: return NULL;
    case AEO_EXPR_MAP: return is_err(check_expr(ck, e)) ? NULL : e;
    case AEO_EXPR_IDENT: {
        aeo_decl *d = e->u.ident.dot ? NULL : table_get(&ck->names, e->u.ident.name);
        if (d && d->kind == AEO_DECL_EXAMPLE) {
            if (!require_decl(ck, d, e->span)) return NULL;
            e->ref = AEO_REF_EXAMPLE;
            e->ref_index = d->index;
            return d->facts;
        }
        break;
    }
    case AEO_EXPR_WITH: {
        aeo_expr *base = resolve_facts(ck, e->u.with.base);
        aeo_expr *over = e->u.with.map;
        bool ok = !is_err(check_expr(ck, over)) && with_keys(ck, over);
        return base && ok ? merge_maps(ck, base, over, e->span) : NULL;
    }
    default: break;
    }
    const char *sug = NULL;
    if (e->kind == AEO_EXPR_IDENT) {
        const char **cands = aeo_xmalloc((ck->cat->examples.n + 1) * sizeof *cands);
        for (uint32_t i = 0; i < ck->cat->examples.n; i++) cands[i] = ck->cat->examples.items[i]->name;
        sug = aeo_suggest(e->u.ident.name, cands, ck->cat->examples.n);
        free(cands);
    }
    if (sug)
        aeo_diag_add(ck->d, AEO_E_FACTS_FORM, e->span, "unknown example '%s'; did you mean '%s'?", e->u.ident.name, sug);
    else if (e->kind == AEO_EXPR_IDENT)
        aeo_diag_add(ck->d, AEO_E_FACTS_FORM, e->span, "'%s' is not an example", e->u.ident.name);
    else
        aeo_diag_add(ck->d, AEO_E_FACTS_FORM, e->span,
                     "a facts record is a map literal, an example's name or X with {...}");
    return NULL;
}

/* The static check of a facts record has one home, the facts decoder's
 * conversion rules (aeo_facts_check_value, the same walk as
 * aeo_facts_from_value, which tests use on the evaluated record): the
 * checker only turns the merged map literal into a value, with a
 * placeholder for every part that is not a literal, and maps each
 * problem's path back to the literal it is in.  So what the checker
 * refuses is exactly what the decoder would, and the two cannot drift. */
typedef struct facts_check {
    checker *ck;
    aeo_diag_code code;
    const char *prefix;         /* "example 'base' does not fit the schema" */
    aeo_expr *top;              /* the record's map literal */
    aeo_expr **missing;         /* maps whose missing fields this check reported */
    uint32_t n_missing, cap_missing;
} facts_check;

/* The value of facts literal [e] in [a]: null, bool, number, string and
 * bytes literals, and lists and maps of them; anything else (a const's
 * name, an expression) is an UNKNOWN, the placeholder the decoder lets
 * fit any type: its value is checked after evaluation.  A key repeated in
 * one map literal is reported here, in the words of the VM's MAP (whose
 * error it would be once evaluated); the first entry is the one kept. */
static aeo_value literal_value(facts_check *fc, aeo_arena *a, aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_NULL: return aeo_null();
    case AEO_EXPR_BOOL: return aeo_bool(e->u.b);
    case AEO_EXPR_INT: return aeo_int(e->u.i);
    case AEO_EXPR_UINT: return aeo_uint(e->u.u);
    case AEO_EXPR_DOUBLE: return aeo_double(e->u.d);
    case AEO_EXPR_STRING: return aeo_string(a, e->u.str.s, e->u.str.len);
    case AEO_EXPR_BYTES: return aeo_bytes(a, e->u.str.s, e->u.str.len);
    case AEO_EXPR_LIST: {
        aeo_value l = aeo_list_new(a, e->u.list.n);
        for (uint32_t i = 0; i < e->u.list.n; i++)
            aeo_list_push(a, l.as.l, literal_value(fc, a, e->u.list.items[i]));
        return l;
    }
    case AEO_EXPR_MAP: {
        aeo_value m = aeo_map_new(a, e->u.map.n);
        for (uint32_t i = 0; i < e->u.map.n; i++) {
            aeo_expr *ke = e->u.map.keys[i];
            aeo_value k = literal_value(fc, a, ke);
            if (aeo_map_put(a, m.as.m, k, literal_value(fc, a, e->u.map.vals[i])) || k.kind == AEO_V_UNKNOWN ||
                ke->facts_reported)
                continue;
            ke->facts_reported = true;
            aeo_buf b = {0};
            aeo_value_format(&b, k);
            aeo_diag_add(fc->ck->d, fc->code, ke->span, "%s: repeated key in map literal: %s", fc->prefix,
                         b.data ? b.data : "");
            aeo_buf_free(&b);
        }
        return m;
    }
    default: return aeo_unknown_new(a, "");
    }
}

/* The entry of map literal [m] whose key is the string [s] of [len] bytes,
 * or -1: the first, as aeo_map_put kept it. */
static int64_t map_entry(const aeo_expr *m, const char *s, size_t len) {
    for (uint32_t i = 0; i < m->u.map.n; i++) {
        const aeo_expr *k = m->u.map.keys[i];
        if (k->kind == AEO_EXPR_STRING && k->u.str.len == len && memcmp(k->u.str.s, s, len) == 0) return i;
    }
    return -1;
}

/* The literal problem [p] is about: its path followed through the map and
 * list literals from [top], as far as they go.  For a missing field that
 * is the map that lacks it. */
static aeo_expr *problem_node(aeo_expr *top, const aeo_facts_problem *p) {
    aeo_expr *at = top;
    for (uint32_t i = 0; i < p->n_steps; i++) {
        const aeo_facts_step *st = &p->steps[i];
        aeo_expr *next = NULL;
        if (st->kind == AEO_FACTS_STEP_INDEX) {
            if (at->kind == AEO_EXPR_LIST && st->index < at->u.list.n) next = at->u.list.items[st->index];
        } else if (at->kind == AEO_EXPR_MAP) {
            int64_t k = map_entry(at, st->name, st->len);
            if (k >= 0) next = at->u.map.vals[k];
        }
        if (!next) break;
        at = next;
    }
    return at;
}

static void facts_problem(void *ud, const aeo_facts_problem *p) {
    facts_check *fc = ud;
    checker *ck = fc->ck;
    aeo_expr *at = problem_node(fc->top, p);
    if (p->kind == AEO_FACTS_MISSING) {
        /* The missing fields of one map, once: every record built on it
         * lacks the same ones; all of them in the check that finds them. */
        bool mine = false;
        for (uint32_t i = 0; i < fc->n_missing && !mine; i++) mine = fc->missing[i] == at;
        if (at->facts_reported && !mine) return;
        if (!mine) {
            if (fc->n_missing == fc->cap_missing) {
                fc->cap_missing = fc->cap_missing ? 2 * fc->cap_missing : 4;
                fc->missing = aeo_xrealloc(fc->missing, fc->cap_missing * sizeof *fc->missing);
            }
            fc->missing[fc->n_missing++] = at;
        }
    } else {
        /* One message per literal: a value written in an example is
         * checked again in every record built on it. */
        if (at->facts_reported) return;
    }
    at->facts_reported = true;
    if (p->kind == AEO_FACTS_NOT_IN_ENUM && at->kind == AEO_EXPR_STRING) {
        /* The decoder lists the values; here a suggestion reads better. */
        char want[256];
        aeo_type_format(p->type, want, sizeof want);
        const char *sug = suggest_enum(p->type, at->u.str.s);
        if (sug)
            aeo_diag_add(ck->d, fc->code, at->span, "%s: %s: \"%s\" is not a value of %s; did you mean \"%s\"?",
                         fc->prefix, p->path, at->u.str.s, want, sug);
        else
            aeo_diag_add(ck->d, fc->code, at->span, "%s: %s: \"%s\" is not a value of %s", fc->prefix, p->path,
                         at->u.str.s, want);
        return;
    }
    aeo_diag_add(ck->d, fc->code, at->span, "%s: %s: %s", fc->prefix, p->path, p->msg);
}

/* Checks literal [e] against type [t], reporting each problem as [code]
 * "[prefix]: [root_name]...: ...".  Returns whether it fits, and then
 * *[out] (if not NULL) is its value as type [t], in [a]. */
static bool fit_literal(checker *ck, aeo_arena *a, aeo_expr *e, const aeo_type *t, const char *root_name,
                        aeo_diag_code code, const char *prefix, aeo_value *out) {
    facts_check fc = {ck, code, prefix, e, NULL, 0, 0};
    bool ok = aeo_facts_check_value(a, t, root_name, literal_value(&fc, a, e), facts_problem, &fc, out);
    free(fc.missing);
    return ok;
}

/* Checks facts record [m] (a map literal) against the schema. */
static void fit_facts(checker *ck, aeo_expr *m, aeo_diag_code code, const char *prefix) {
    if (!ck->cat->root || !m) return;
    aeo_type root = {.kind = AEO_T_RECORD, .rec = ck->cat->root};
    aeo_arena *a = aeo_arena_new();
    fit_literal(ck, a, m, &root, ck->cat->root_name, code, prefix, NULL);
    aeo_arena_free(a);
}

/* example NAME = facts */
static void check_example(checker *ck, aeo_decl *d) {
    if (d->state != ST_NEW) return;
    enter(ck, d);
    bool saved_const = ck->constant;
    local_var *saved_locals = ck->locals;
    ck->constant = true;
    ck->locals = NULL;
    d->facts = d->value ? resolve_facts(ck, d->value) : NULL;
    if (d->facts) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "example '%s' does not fit the schema", d->name);
        fit_facts(ck, d->facts, AEO_E_BAD_EXAMPLE, aeo_arena_strdup(ck->a, prefix));
    }
    ck->constant = saved_const;
    ck->locals = saved_locals;
    leave(ck, d);
}


/* ---- field defaults: name?: type = LITERAL ------------------------------------
 *
 * A default is a literal of the field's type, given only on an optional
 * field: a required field is never absent, so a default there would be
 * dead.  It becomes a runtime value once, in the catalog's arena, and the
 * record type's `defaults` array (runtime/types.h): the facts decoder starts
 * every record from that array, so an absent or null field reads as the
 * default in eval, in tests and examples and in the REPL alike, has() is
 * true on it, and it never makes a measure undecided.  Record-typed fields
 * take no default (a default record would be a second schema). */

/* Whether [e] is made of literals only (a default must be). */
static bool all_literal(const aeo_expr *e) {
    switch (e->kind) {
    case AEO_EXPR_LIST:
        for (uint32_t i = 0; i < e->u.list.n; i++)
            if (!all_literal(e->u.list.items[i])) return false;
        return true;
    case AEO_EXPR_MAP:
        for (uint32_t i = 0; i < e->u.map.n; i++)
            if (e->u.map.keys[i]->kind != AEO_EXPR_STRING || !all_literal(e->u.map.vals[i])) return false;
        return true;
    case AEO_EXPR_BOOL:
    case AEO_EXPR_INT:
    case AEO_EXPR_UINT:
    case AEO_EXPR_DOUBLE:
    case AEO_EXPR_STRING:
    case AEO_EXPR_BYTES: return true;
    default: return false;   /* null is what a default replaces */
    }
}

/* Checks the default of field [fd] (type [f]) of record [d]; fills
 * defaults[f->slot] when it fits. */
static void check_default(checker *ck, const aeo_decl *d, aeo_field_decl *fd, const aeo_field *f, aeo_value *defaults) {
    aeo_expr *v = fd->default_value;
    if (!fd->optional) {
        aeo_diag_add(ck->d, AEO_E_DEFAULT_REQUIRED, v->span,
                     "field '%s' is required, so it never needs a default; make it optional: %s?: ...", fd->name,
                     fd->name);
        return;
    }
    if (is_err(f->type)) return;
    if (f->type->kind == AEO_T_RECORD) {
        aeo_diag_add(ck->d, AEO_E_BAD_DEFAULT, v->span, "field '%s' is a record ('%s'), which takes no default",
                     fd->name, f->type->rec->name);
        return;
    }
    if (!all_literal(v)) {
        aeo_diag_add(ck->d, AEO_E_BAD_DEFAULT, v->span,
                     "the default of '%s' must be a literal (a number, string, bool, list or map of them)%s", fd->name,
                     v->kind == AEO_EXPR_NULL ? ": null is what a default replaces" : "");
        return;
    }
    /* The default is converted as a facts record's value would be (an int
     * literal in a double field is a double, a date string in a timestamp
     * field a timestamp), by the decoder's own rules: the value kept is the
     * decoder's result, in the checker's arena, which the catalog keeps. */
    char *path = aeo_arena_printf(ck->a, "%s.%s", d->name, fd->name);
    aeo_value x;
    if (fit_literal(ck, ck->a, v, f->type, path, AEO_E_BAD_DEFAULT, "the default does not have the field's type", &x))
        defaults[f->slot] = x;
}

static void check_test(checker *ck, aeo_decl *d) {
    check_props(ck, d, test_props, "a test");
    ck->constant = true;
    for (uint32_t i = 0; i < d->n_props; i++) {
        aeo_prop *p = &d->props[i];
        if (!p->value || p->value->kind == AEO_EXPR_ERROR) continue;
        if (strcmp(p->name, "expect_values") == 0) {
            check_expect_values(ck, p->value);
        } else if (strncmp(p->name, "expect", 6) == 0 && find_prop(test_props, p->name)) {
            check_ids(ck, p->value, AEO_DECL_MEASURE, p->name);
        } else if (strcmp(p->name, "facts") == 0) {
            if (p->value->kind == AEO_EXPR_MAP) {
                /* A plain map: checked after compilation, as in version 1. */
                check_expr(ck, p->value);
                d->facts = p->value;
            } else if (p->value->kind == AEO_EXPR_IDENT || p->value->kind == AEO_EXPR_WITH) {
                d->facts = resolve_facts(ck, p->value);
                char prefix[300];
                snprintf(prefix, sizeof prefix, "the facts of test \"%s\" do not fit the schema", d->name);
                if (d->facts) fit_facts(ck, d->facts, AEO_E_BAD_FACTS, aeo_arena_strdup(ck->a, prefix));
            } else {
                aeo_diag_add(ck->d, AEO_E_PROP_VALUE, p->value->span,
                             "'facts' must be a map literal, as in {\"%s\": ...}, an example or X with {...}",
                             aeo_catalog_example_field(ck->cat, false));
            }
        }
    }
    ck->constant = false;
    check_expectations(ck, d);
    if (!aeo_decl_prop(d, "facts") && !d->has_error)
        aeo_diag_add(ck->d, AEO_E_MISSING_PROP, d->name_span, "test \"%s\" has no 'facts'", d->name);
}

static void check_catalog_block(checker *ck, aeo_decl *d) {
    check_props(ck, d, catalog_props, "the catalog");
    const aeo_prop *p;
    if ((p = aeo_decl_prop(d, "scope")) && p->value && p->value->kind != AEO_EXPR_ERROR) {
        check_condition(ck, p->value, "'scope'");
        ck->cat->scope = p->value;
    }
    if ((p = aeo_decl_prop(d, "key")) && p->value && p->value->kind != AEO_EXPR_ERROR) {
        check_expr(ck, p->value);
        ck->cat->key = p->value;
    }
    if ((p = aeo_decl_prop(d, "effective")) && aeo_date_value(p->value, &ck->cat->effective))
        ck->cat->has_effective = true;
    if ((p = aeo_decl_prop(d, "expires")) && aeo_date_value(p->value, &ck->cat->expires))
        ck->cat->has_expires = true;
    check_dates(ck, d);
}

/* Adds [d] to the shared namespace, reporting a duplicate. */
static void declare(checker *ck, name_table *t, aeo_decl *d) {
    bool builtin = strcmp(d->name, "as_of") == 0;
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        builtin |= strcmp(d->name, builtin_types[i]) == 0;
    if (builtin && t == &ck->names) {
        aeo_diag_add(ck->d, AEO_E_DUPLICATE, d->name_span, "'%s' is a built-in name; choose another", d->name);
        return;
    }
    aeo_decl *old = table_get(t, d->name);
    if (old) {
        aeo_diag *g = old->kind == AEO_DECL_FACTS
                          ? aeo_diag_add(ck->d, AEO_E_DUPLICATE, d->name_span,
                                         "'%s' is already the name of the facts schema", d->name)
                          : aeo_diag_add(ck->d, AEO_E_DUPLICATE, d->name_span, "'%s' is already declared as a %s",
                                         d->name, decl_what(old));
        aeo_diag_note(ck->d, g, &old->name_span, "first declared here");
        return;
    }
    table_put(t, d->name, d);
}

/* The name tables kept after checking. */
struct aeo_scope {
    name_table names, types;
    aeo_decl *facts_decl;
};

void aeo_check_free_tables(aeo_catalog *cat) {
    if (!cat->scope_tables) return;
    free(cat->scope_tables->names.slots);
    free(cat->scope_tables->types.slots);
    free(cat->scope_tables);
    cat->scope_tables = NULL;
}

/* A checker for one expression in the scope of an already checked catalog
 * (the REPL's lines, the embedder's expressions): the catalog's tables are
 * borrowed, not copied, so nothing here may declare a name. */
static checker scoped_checker(aeo_catalog *cat) {
    checker ck = {0};
    ck.cat = cat;
    ck.a = cat->arena;
    ck.d = &cat->diags;
    if (cat->scope_tables) {
        ck.names = cat->scope_tables->names;
        ck.types = cat->scope_tables->types;
        ck.facts_decl = cat->scope_tables->facts_decl;
    }
    return ck;
}

bool aeo_check_expr(aeo_catalog *cat, aeo_expr *e) {
    checker ck = scoped_checker(cat);
    uint32_t before = cat->diags.n_errors;
    check_expr(&ck, e);
    free(ck.stack);
    return cat->diags.n_errors == before;
}

aeo_expr *aeo_check_facts(aeo_catalog *cat, aeo_expr *e) {
    checker ck = scoped_checker(cat);
    ck.constant = true;
    aeo_expr *m = resolve_facts(&ck, e);
    free(ck.stack);
    return m;
}

bool aeo_check_catalog(aeo_catalog *cat) {
    checker ck = {0};
    ck.cat = cat;
    ck.a = cat->arena;
    ck.d = &cat->diags;
    uint32_t errors_before = cat->diags.n_errors;

    /* 1. Gather declarations. */
    aeo_decl *first_catalog = NULL;
    name_table test_names = {0};   /* tests by name, for duplicates */
    for (uint32_t f = 0; f < cat->n_files; f++) {
        for (uint32_t i = 0; i < cat->files[f].n_decls; i++) {
            aeo_decl *d = &cat->files[f].decls[i];
            d->state = ST_NEW;
            d->chain = 0;
            switch (d->kind) {
            case AEO_DECL_CATALOG:
                if (first_catalog) {
                    aeo_diag *g = aeo_diag_add(ck.d, AEO_E_DUPLICATE, d->name_span,
                                               "a catalog has one catalog block; another was declared");
                    aeo_diag_note(ck.d, g, &first_catalog->name_span, "first declared here");
                } else {
                    first_catalog = d;
                }
                break;
            case AEO_DECL_FACTS:
                if (ck.facts_decl) {
                    aeo_diag *g = aeo_diag_add(ck.d, AEO_E_DUPLICATE, d->name_span,
                                               "a catalog has one facts schema; another was declared");
                    aeo_diag_note(ck.d, g, &ck.facts_decl->name_span, "first declared here");
                } else {
                    ck.facts_decl = d;
                    declare(&ck, &ck.names, d);
                }
                break;
            case AEO_DECL_RECORD:
                if (scalar_type(d->name) || strcmp(d->name, "list") == 0 || strcmp(d->name, "map") == 0) {
                    aeo_diag_add(ck.d, AEO_E_DUPLICATE, d->name_span,
                                 "'%s' is a built-in type; a record needs another name", d->name);
                    break;
                }
                declare(&ck, &ck.types, d);
                push_decl(&cat->records, d);
                break;
            case AEO_DECL_CONST: d->index = cat->consts.n; push_decl(&cat->consts, d); declare(&ck, &ck.names, d); break;
            case AEO_DECL_DEF: d->index = cat->defs.n; push_decl(&cat->defs, d); declare(&ck, &ck.names, d); break;
            case AEO_DECL_TIER: d->index = cat->tiers.n; push_decl(&cat->tiers, d); declare(&ck, &ck.names, d); break;
            case AEO_DECL_MEASURE:
                d->index = cat->measures.n;
                push_decl(&cat->measures, d);
                declare(&ck, &ck.names, d);
                break;
            case AEO_DECL_EXAMPLE:
                d->index = cat->examples.n;
                push_decl(&cat->examples, d);
                declare(&ck, &ck.names, d);
                break;
            case AEO_DECL_TEST: {
                const aeo_decl *first = table_get(&test_names, d->name);
                if (first) {
                    aeo_diag *g = aeo_diag_add(ck.d, AEO_E_DUPLICATE, d->name_span, "test \"%s\" is declared twice",
                                               d->name);
                    aeo_diag_note(ck.d, g, &first->name_span, "first declared here");
                } else {
                    table_put(&test_names, d->name, d);
                }
                d->index = cat->tests.n;
                push_decl(&cat->tests, d);
                break;
            }
            default: break;
            }
        }
    }
    free(test_names.slots);
    cat->catalog = first_catalog;
    cat->facts = ck.facts_decl;

    /* 2. The schema. */
    for (uint32_t i = 0; i < cat->records.n; i++) make_record_shell(&ck, cat->records.items[i]);
    if (ck.facts_decl) make_record_shell(&ck, ck.facts_decl);
    for (uint32_t i = 0; i < cat->records.n; i++) fill_record(&ck, cat->records.items[i]);
    if (ck.facts_decl) {
        fill_record(&ck, ck.facts_decl);
        ((aeo_record_type *)(uintptr_t)ck.facts_decl->type->rec)->name = ck.facts_decl->name;
        cat->root = ck.facts_decl->type->rec;
        cat->root_name = ck.facts_decl->name;
        ck.facts_decl->state = ST_DONE;
    } else if (cat->measures.n || cat->tests.n) {
        aeo_span at = cat->measures.n ? cat->measures.items[0]->name_span : cat->tests.items[0]->name_span;
        aeo_diag_add(ck.d, AEO_E_NO_FACTS, at,
                     "the catalog has no facts schema; declare one, as in facts enterprise { uscc: string }");
    }

    /* 3. Everything else. */
    if (cat->catalog) check_catalog_block(&ck, cat->catalog);
    for (uint32_t i = 0; i < cat->consts.n; i++) check_value_decl(&ck, cat->consts.items[i]);
    for (uint32_t i = 0; i < cat->defs.n; i++) check_value_decl(&ck, cat->defs.items[i]);
    for (uint32_t i = 0; i < cat->tiers.n; i++) check_value_decl(&ck, cat->tiers.items[i]);
    for (uint32_t i = 0; i < cat->measures.n; i++) check_measure(&ck, cat->measures.items[i]);
    for (uint32_t i = 0; i < cat->examples.n; i++) check_example(&ck, cat->examples.items[i]);
    for (uint32_t i = 0; i < cat->tests.n; i++) check_test(&ck, cat->tests.items[i]);

    if (cat->scope_tables) {
        free(cat->scope_tables->names.slots);
        free(cat->scope_tables->types.slots);
        free(cat->scope_tables);
    }
    cat->scope_tables = aeo_xcalloc(1, sizeof *cat->scope_tables);
    cat->scope_tables->names = ck.names;
    cat->scope_tables->types = ck.types;
    cat->scope_tables->facts_decl = ck.facts_decl;
    free(ck.stack);
    cat->checked = cat->diags.n_errors == errors_before;
    return cat->checked;
}

/* ---- names for the language server ---------------------------------------------------- */

/* What `aeo lsp` completes comes from the tables the checker checks with,
 * so a property added here is offered there with no second list (macros
 * come from AEO_MACROS, lang/ast.h). */
const char *aeo_check_prop_name(aeo_decl_kind kind, uint32_t i) {
    const prop_spec *specs = kind == AEO_DECL_CATALOG ? catalog_props
                             : kind == AEO_DECL_MEASURE ? measure_props
                             : kind == AEO_DECL_TEST    ? test_props
                                                        : NULL;
    if (!specs) return NULL;
    for (uint32_t k = 0; specs[k].name; k++)
        if (k == i) return specs[k].name;
    return NULL;
}
