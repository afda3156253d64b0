/* The abstract syntax tree of aeo source.
 *
 * The parser (grammar/parser.y) builds it; the checker annotates it in place
 * (types and name resolution); the compiler, formatter and explain printer
 * read it.  Every node lives in the compilation's arena and carries a span.
 *
 * Two levels: declarations (catalog, facts, record, const, def, tier,
 * measure, test, example) and CEL expressions, plus `X with {...}`, which
 * only facts records (examples, tests' facts) may use.  Block properties are kept generic
 * (name: expression) so that the checker, not the grammar, decides which
 * names and value kinds each block accepts, and can say "did you mean". */
#ifndef AEO_LANG_AST_H
#define AEO_LANG_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime/arena.h"
#include "runtime/span.h"
#include "runtime/types.h"
#include "runtime/value.h"

/* Expression kinds. */
#define AEO_EXPR_KINDS(X) \
    X(ERROR)   /* a syntax error stood here; checker and compiler skip it */ \
    X(NULL)    /* null */ \
    X(BOOL)    /* true, false: u.b */ \
    X(INT)     /* 42, 0x2A: u.i */ \
    X(UINT)    /* 42u: u.u */ \
    X(DOUBLE)  /* 1.5, 1e3: u.d */ \
    X(STRING)  /* "a", r"a", """a""": u.str, escapes decoded, valid UTF-8 */ \
    X(BYTES)   /* b"a": u.str */ \
    X(IDENT)   /* name: u.ident; a leading '.' (absolute name) sets u.ident.dot */ \
    X(SELECT)  /* operand.field: u.select */ \
    X(INDEX)   /* operand[index]: u.index */ \
    X(CALL)    /* f(args) or target.f(args): u.call */ \
    X(LIST)    /* [a, b]: u.list */ \
    X(MAP)     /* {k: v}: u.map */ \
    X(UNARY)   /* !a, -a: u.unary */ \
    X(BINARY)  /* a op b, including && and ||: u.binary */ \
    X(COND)    /* c ? a : b: u.cond */ \
    X(WITH)    /* base with {k: v}: u.with; facts records only (examples, tests) */

typedef enum {
#define X(name) AEO_EXPR_##name,
    AEO_EXPR_KINDS(X)
#undef X
    AEO_EXPR__COUNT
} aeo_expr_kind;

/* CEL's macros: calls the checker types and the compiler expands inline
 * (they bind variables or do not evaluate an argument, so no builtin can
 * implement them).  THE table; the checker and the compiler derive every
 * macro fact from it.
 *   X(ID, name, alias, method, min_args, max_args, two_from)
 * alias: another spelling ("" if none).  method: called as range.name(...)
 * (has is the only global one).  two_from: with this many arguments or
 * more the comprehension binds two variables, an index and an item (a
 * list) or a key and its value (a map), CEL's two-variable forms; 0: never.
 * map(x, p, f) has three arguments but one variable: its middle one is a
 * filter. */
#define AEO_MACROS(X) \
    X(HAS, "has", "", false, 1, 1, 0)                   /* has(e.f): is the field set */ \
    X(ALL, "all", "", true, 2, 3, 3)                    /* r.all(x, p), r.all(i, v, p) */ \
    X(EXISTS, "exists", "", true, 2, 3, 3)              /* r.exists(x, p), r.exists(i, v, p) */ \
    X(EXISTS_ONE, "exists_one", "existsOne", true, 2, 3, 3) /* exactly one item satisfies p */ \
    X(MAP, "map", "", true, 2, 3, 0)                    /* r.map(x, f), r.map(x, p, f) */ \
    X(FILTER, "filter", "", true, 2, 2, 0)              /* r.filter(x, p) */ \
    X(TRANSFORM_LIST, "transformList", "", true, 3, 4, 3) /* r.transformList(i, v, [p,] f): a list */ \
    X(TRANSFORM_MAP, "transformMap", "", true, 3, 4, 3)   /* r.transformMap(k, v, [p,] f): a map */

typedef enum {
#define X(id, name, alias, method, min_args, max_args, two_from) AEO_MACRO_##id,
    AEO_MACROS(X)
#undef X
    AEO_MACRO__COUNT
} aeo_macro;

/* One row of AEO_MACROS. */
typedef struct {
    const char *name, *alias;   /* alias is "" when the macro has one spelling */
    bool method;
    uint8_t min_args, max_args, two_from;
} aeo_macro_info;

/* The AEO_MACROS rows, indexed by aeo_macro. */
extern const aeo_macro_info aeo_macro_table[AEO_MACRO__COUNT];

/* The macro spelt [name] (its name or its alias), or -1. */
int aeo_macro_find(const char *name);

/* Whether macro [m] called with [n_args] arguments binds two variables. */
bool aeo_macro_two_vars(aeo_macro m, uint32_t n_args);

/* Operators of UNARY and BINARY nodes. */
typedef enum {
    AEO_OPR_NOT, AEO_OPR_NEG,                      /* unary */
    AEO_OPR_OR, AEO_OPR_AND,
    AEO_OPR_EQ, AEO_OPR_NE, AEO_OPR_LT, AEO_OPR_LE, AEO_OPR_GT, AEO_OPR_GE, AEO_OPR_IN,
    AEO_OPR_ADD, AEO_OPR_SUB, AEO_OPR_MUL, AEO_OPR_DIV, AEO_OPR_MOD
} aeo_operator;

/* "!", "-", "||", "&&", "==", ... "%". */
const char *aeo_operator_str(aeo_operator op);

/* What a name resolved to (filled by the checker). */
typedef enum {
    AEO_REF_NONE,
    AEO_REF_ROOT,      /* the facts variable */
    AEO_REF_AS_OF,     /* the built-in as_of */
    AEO_REF_CONST,     /* ref_index: const declaration */
    AEO_REF_DEF,       /* ref_index: def */
    AEO_REF_TIER,      /* ref_index: tier */
    AEO_REF_MEASURE,   /* ref_index: measure */
    AEO_REF_LOCAL,     /* ref_index: macro variable slot */
    AEO_REF_VAR,       /* ref_index: a variable declared by the embedder */
    AEO_REF_TYPE,      /* a type name used as a value (int, string, ...) */
    AEO_REF_FIELD,     /* SELECT on a record: ref_index is the field slot */
    AEO_REF_BUILTIN,   /* CALL: ref_index is the builtin index */
    AEO_REF_MACRO,     /* CALL: a macro (has, exists, all, ...) */
    AEO_REF_FUNC,      /* CALL: ref_index is the def (a function: a def with parameters) */
    AEO_REF_EXAMPLE    /* IDENT in a facts record: ref_index is the example */
} aeo_ref_kind;

typedef struct aeo_expr aeo_expr;

struct aeo_expr {
    aeo_expr_kind kind;
    aeo_span span;
    uint32_t id;          /* unique per compilation: names the node for tools keyed by node */
    uint32_t depth;       /* nesting depth, for the parser's limit */
    uint32_t chain;       /* parser: operands in this && or || chain (0: not one) */
    uint32_t chain_leaf;  /* parser: the deepest operand of the chain */
    /* The members are ordered so that none has padding: a node is 96 bytes
     * on LP64, and a list literal costs that per item. */
    union {
        bool b;
        int64_t i;
        uint64_t u;
        double d;
        struct { const char *s; uint32_t len; } str;
        struct { const char *name; bool dot; } ident;
        struct { aeo_expr *operand; const char *field; aeo_span field_span; } select;
        struct { aeo_expr *operand, *index; } index;
        struct {
            aeo_expr *target;          /* receiver, NULL for a global call */
            const char *name;
            aeo_expr **args;
            aeo_span name_span;
            uint32_t n_args;
        } call;
        struct { aeo_expr **items; uint32_t n; } list;
        struct { aeo_expr **keys, **vals; uint32_t n; } map;
        struct { aeo_operator op; aeo_expr *a; } unary;
        struct { aeo_operator op; aeo_expr *a, *b; aeo_span op_span; } binary;
        struct { aeo_expr *c, *a, *b; } cond;
        struct { aeo_expr *base, *map; } with;
    } u;
    /* Checker annotations. */
    const aeo_type *type;     /* NULL until checked */
    aeo_ref_kind ref;
    uint32_t ref_index;
    int32_t macro;            /* CALL with ref MACRO: which aeo_macro */
    bool paren;               /* parser: written in parentheses, (expr); fmt keeps them */
    bool facts_reported;      /* a schema error was reported here (one per node) */
};

/* Type expressions in facts and record declarations. */
typedef enum {
    AEO_TYPE_NAMED,   /* string, int, Address, list<T>, map<K, V>: name + args */
    AEO_TYPE_ENUM     /* "a" | "b": values */
} aeo_type_expr_kind;

typedef struct aeo_type_expr {
    aeo_type_expr_kind kind;
    aeo_span span;
    const char *name;
    struct aeo_type_expr **args;
    uint32_t n_args;
    const char **values;        /* enum strings */
    aeo_span *value_spans;
    uint32_t n_values;
} aeo_type_expr;

/* A field of a facts or record declaration: name?: type */
typedef struct aeo_field_decl {
    const char *name;
    aeo_span name_span;
    bool optional;
    aeo_type_expr *type;     /* NULL when the type failed to parse */
    aeo_span span;
    aeo_expr *default_value; /* name?: type = LITERAL; NULL: none */
} aeo_field_decl;

/* What a block property is.  Most are `name: expr`; a measure block also
 * holds `value: TYPE` and its cases, kept in the property list so that
 * their order (and the comments between them) is the source's. */
typedef enum {
    AEO_PROP_EXPR,    /* name: value */
    AEO_PROP_TYPE,    /* value: TYPE (type; value is NULL) */
    AEO_PROP_CASE,    /* case COND => VALUE [cite "..."] (name "case") */
    AEO_PROP_ELSE     /* else => VALUE [cite "..."] (name "else"; cond NULL) */
} aeo_prop_kind;

/* Parameters a function may take: its frame's locals hold them and its
 * comprehensions' slots (255 in all). */
#define AEO_MAX_PARAMS 32
/* Items of a list literal, entries of a map literal, arguments of a call:
 * the parser keeps this many and reports E0007 past it (bytecode counts them
 * in 16 bits). */
#define AEO_MAX_ITEMS 65535

/* A parameter of a function: def f(name: type, ...) = expr */
typedef struct aeo_param {
    const char *name;
    aeo_span name_span;
    aeo_type_expr *type;     /* NULL when the type failed to parse */
    const aeo_type *rtype;   /* checker: the resolved type */
} aeo_param;

/* A block property: name: value */
typedef struct aeo_prop {
    const char *name;
    aeo_span name_span;
    aeo_expr *value;
    aeo_span span;
    aeo_prop_kind kind;
    aeo_type_expr *type;     /* AEO_PROP_TYPE; NULL when it failed to parse */
    aeo_expr *cond;          /* AEO_PROP_CASE */
    const char *cite;        /* a case's cite, or NULL */
    aeo_span cite_span;
    aeo_expr *key;           /* a text block's key: IDENT, SELECT and INDEX nodes; NULL elsewhere */
} aeo_prop;

/* One case of a valued measure, as the checker hands it on. */
typedef struct aeo_case {
    aeo_expr *cond;          /* NULL for the else */
    aeo_expr *value;
    const char *cite;        /* NULL when absent */
    aeo_span cite_span;
    aeo_span span;           /* the whole case */
} aeo_case;

/* One term of a measure's version-1 condition after scope and tiers: a
 * `when` or an `unless` (negate), in source order. */
typedef struct aeo_cond {
    aeo_expr *expr;
    bool negate;
} aeo_cond;

/* The typed view of a measure (STYLE.md 13): filled once by the checker,
 * read by every later stage instead of looking properties up by name. */
typedef struct aeo_measure {
    const aeo_prop *tier_prop;   /* the 'tier' property, or NULL */
    aeo_expr **tiers;            /* its items (a single name is one item) */
    uint32_t n_tiers;
    aeo_expr *when;              /* NULL: true */
    aeo_expr **unless;
    uint32_t n_unless;
    aeo_cond *conds;             /* when and unless, in source order */
    uint32_t n_conds;
    aeo_expr *scope;             /* its own scope, else the catalog's; NULL: none */
    bool own_scope;
    /* Valued measures (value_type NULL: a version-1 measure). */
    const aeo_type_expr *value_type_expr;
    const aeo_type *value_type;
    aeo_case *cases;             /* in order; the else is not among them */
    uint32_t n_cases;
    const aeo_case *else_case;   /* NULL: no else */
    /* Text properties (NULL when absent). */
    const char *cite, *benefit, *category, *confidence, *note, *description, *unit;
    /* The date properties' values (NULL when absent), and the dates in
     * force, the catalog's when the measure has none. */
    const aeo_expr *effective_expr, *expires_expr;
    bool has_effective, has_expires;
    aeo_value effective, expires;
} aeo_measure;

/* X(KIND, word): the keyword that opens the declaration in source is its
 * word, which diagnostics and the REPL print ("'x' is a tier, not a
 * measure"); ERROR has no keyword, so it reads "declaration". */
#define AEO_DECL_KINDS(X) \
    X(ERROR, "declaration") /* a declaration that failed to parse */ \
    X(CATALOG, "catalog")   /* catalog NAME { props } */ \
    X(FACTS, "facts")       /* facts NAME { fields } */ \
    X(RECORD, "record")     /* record NAME { fields } */ \
    X(CONST, "const")       /* const NAME = expr */ \
    X(DEF, "def")           /* def NAME = expr; def NAME(params) = expr is a function */ \
    X(TIER, "tier")         /* tier NAME = expr */ \
    X(MEASURE, "measure")   /* measure ID "title" { props } */ \
    X(TEST, "test")         /* test "name" { props } */ \
    X(EXAMPLE, "example")   /* example NAME = facts (a map, or X with {...}) */ \
    X(TEXT, "text")         /* text LANG { key: "..." }: props, each with its key path (lang/text.c) */

typedef enum {
#define X(name, word) AEO_DECL_##name,
    AEO_DECL_KINDS(X)
#undef X
    AEO_DECL__COUNT
} aeo_decl_kind;

typedef struct aeo_decl {
    aeo_decl_kind kind;
    aeo_span span;           /* the whole declaration */
    const char *name;        /* NAME or ID; a test's name string; NULL for ERROR */
    aeo_span name_span;
    const char *title;       /* a measure's title string; NULL otherwise */
    aeo_span title_span;
    aeo_prop *props;         /* catalog, measure, test */
    uint32_t n_props;
    aeo_field_decl *fields;  /* facts, record */
    uint32_t n_fields;
    aeo_expr *value;         /* const, def, tier, example */
    aeo_param *params;       /* a def's parameters: a function when n_params > 0 */
    uint32_t n_params;
    /* Leading comments, kept for the formatter: byte range in the file. */
    aeo_span doc;
    /* Part of the declaration failed to parse (a syntax error was reported
     * inside it): later stages should not report what is missing from it,
     * such as a required property, since that is a cascade. */
    bool has_error;
    /* Checker annotations. */
    uint32_t index;          /* index among declarations of its kind */
    const aeo_type *type;    /* const/def/tier value type */
    int state;               /* checker's resolution state (cycle detection) */
    uint32_t chain;          /* longest chain of references from here (1: none) */
    aeo_measure *measure;    /* a measure's typed view (check.c) */
    bool pure;               /* def, function: reads no facts, as_of, def, tier or measure */
    aeo_expr *facts;         /* example, test: the facts record with every
                              * example and `with` merged in (a MAP), or NULL */
    /* An error was reported in it, or in a declaration it uses (set by
     * aeo_catalog_build when a catalog has errors): the compiler gives it
     * a stub, the tests' facts check and the lints pass over it, and
     * everything else is compiled and linted as usual. */
    bool broken;
} aeo_decl;

/* One parsed file. */
typedef struct aeo_file {
    uint32_t source;         /* index in the source set */
    aeo_decl *decls;
    uint32_t n_decls;
} aeo_file;

/* A new expression node of [kind] at [span] from [a], zeroed, with a fresh id
 * from [*next_id]. */
aeo_expr *aeo_expr_new(aeo_arena *a, aeo_expr_kind kind, aeo_span span, uint32_t *next_id);
/* "IDENT", "SELECT", ... */
const char *aeo_expr_kind_name(aeo_expr_kind k);
const char *aeo_decl_kind_name(aeo_decl_kind k);
/* The source keyword of kind [k] ("def", "measure", ...; "declaration" for
 * ERROR and out-of-range kinds): a static string, never NULL.  A def with
 * parameters is still "def" here; callers that say "function" ask
 * d->n_params. */
const char *aeo_decl_kind_word(aeo_decl_kind k);
/* Calls [fn] on each direct sub-expression of [e], in source order (a
 * call's receiver first, a map's keys before their values).  The one
 * description of the tree's shape that the walkers (dump, lints, facts
 * read, coverage) share. */
typedef void (*aeo_expr_visit)(const aeo_expr *child, void *ud);
void aeo_expr_each_child(const aeo_expr *e, aeo_expr_visit fn, void *ud);
/* CEL precedence of [e]'s top operator: 1 ?:, 2 ||, 3 &&, 4 relations,
 * 5 + -, 6 * / %, 7 unary (and negative literals), 8 primary. */
int aeo_expr_precedence(const aeo_expr *e);
/* [e] as CEL source text (aeo_expr_print's), malloc'd and NUL-terminated;
 * its length in *[len] when [len] is not NULL.  Free with free(). */
char *aeo_expr_text(const aeo_expr *e, size_t *len);
/* Writes [e] back as CEL source text (fully parenthesised only where
 * precedence needs it). */
void aeo_expr_print(FILE *out, const aeo_expr *e);
/* Writes [t] as it is spelled in a facts or record block: "string",
 * "map<string, list<int>>", "\"a\" | \"b\"". */
void aeo_type_expr_print(FILE *out, const aeo_type_expr *t);
/* Dumps the AST of [f] as an indented tree, one node per line with its kind
 * and line:col span, for golden tests (aeo parse --dump-ast).  [pos] maps a
 * byte offset to line:col. */
typedef void (*aeo_pos_fn)(void *ud, uint32_t offset, uint32_t *line, uint32_t *col);
void aeo_ast_dump(FILE *out, const aeo_file *f, aeo_pos_fn pos, void *ud);
void aeo_expr_dump(FILE *out, const aeo_expr *e, int indent, aeo_pos_fn pos, void *ud);

#endif
