/* The solver (lang/solve.h): measure conditions translated into Z3 terms.
 *
 * The model.  Every fact a condition reads is a node: the facts root, a
 * nested record, or a leaf (bool, int, double, string or enum, timestamp,
 * duration, or a list of scalars).  A node has a presence variable (the
 * constant true for a required field or one with a default) and, for a
 * scalar, a value variable; a list is a set, one membership variable per
 * constant the catalog tests it against ("c" in LIST), or, when size(), a
 * comprehension or `x in LIST` reads it, a sequence of entries (an item
 * and its count; "lists as sequences" below).  Timestamps and
 * durations are integers of nanoseconds, ints are mathematical integers
 * with an overflow error outside int64, doubles are reals, strings are Z3
 * strings of bytes (the UTF-8 encoding: CEL orders strings by bytes, and
 * prefixes, suffixes and substrings of valid UTF-8 are bytewise ones).
 *
 * A translated expression (a sym) is three things: two Z3 bools, unk (the
 * value is an unknown: a missing fact) and err (an error, and not an
 * unknown), and the value when neither holds.  Strict operations take the
 * union of their operands' unknowns first, then errors, as the VM does;
 * && and || are commutative (false, resp. true, wins over both).
 *
 * Translations are memoized per catalog (defs, tiers, consts, measures)
 * for the life of the Z3 context; a record's facts enter only through the
 * assertions of each question (pins: a fact equals its current value).
 * The context is rebuilt after a number of questions so that memory stays
 * flat over a long input. */
#include "lang/solve.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <z3.h>

#include "lang/printable.h"
#include "lang/text.h"
#include "runtime/builtins.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"

/* Questions answered before the Z3 context is rebuilt (memory). */
#define QUESTIONS_PER_CONTEXT 200
#define DEFAULT_TIMEOUT_MS 10000
/* Minimal sets of one size gathered before they are sorted (schema order)
 * and the first printed. */
#define SETS_PER_SIZE 32
/* A preference of nice_values: tried this long at most. */
#define NICE_TIMEOUT_MS 300
/* A limit in milliseconds is enforced as Z3's resource count ("rlimit",
 * deterministic: the same question gives the same answer on any machine
 * and under any load), RLIMIT_PER_MS units per millisecond (about what one
 * millisecond buys on a 2-core machine of 2026: 200 to 650 units), with a
 * wall-clock timeout of WALL_FACTOR times as long as the guard against a
 * machine far slower than that. */
#define RLIMIT_PER_MS 200u
#define WALL_FACTOR 10u

typedef enum { K_BOOL, K_INT, K_REAL, K_STR, K_TS, K_DUR, K_NULL, K_LIST, K_MAP, K_REC, K_FLIST, K_NONE } skind;

typedef struct sym sym;
struct sym {
    skind k;
    Z3_ast unk, err;           /* Bool */
    Z3_ast v;                  /* scalars */
    uint32_t n;                /* K_LIST items, K_MAP entries */
    sym **items, **vals;       /* K_MAP: items are the keys */
    int32_t node;              /* K_REC, K_FLIST */
    Z3_ast *act;               /* K_FLIST of a sequence node: whether each entry is in the list (NULL: all
                                * entries whose count is positive; a filter() narrows it) */
    bool has_const;            /* a constant: cval holds it (literals and consts) */
    aeo_value cval;
};

/* A membership variable of a list fact: whether [key] is an item. */
typedef struct member {
    aeo_value key;
    Z3_ast var;
} member;

typedef struct fnode {
    const char *path;          /* "enterprise", "enterprise.address.city" */
    int32_t parent;            /* -1 for the root */
    const char *name;          /* the field's name (NULL for the root) */
    const aeo_field *field[2]; /* per catalog slot (NULL: not in that catalog) */
    const aeo_type *type;      /* from the first catalog that read it */
    skind k;                   /* K_BOOL..K_DUR, K_REC, K_FLIST, or K_NONE (outside the fragment) */
    skind elem;                /* K_FLIST: its items' kind */
    bool always;               /* required or with a default: present whenever its parent is */
    bool has_def;              /* with a default, [def] */
    aeo_value def;
    Z3_ast present, val;
    member *mem;
    uint32_t n_mem, cap_mem;
    /* A list as a sequence (seq_make): n_items entries, each a value
     * item[i] repeated count[i] >= 0 times; the predicates the conditions
     * apply to its items (unk, err, v triples over the item xvar), of
     * which the first n_checked are proved to split the items into at
     * most n_items kinds (seq_ready). */
    bool seq;
    uint32_t n_items;
    Z3_ast *item, *count, xvar;
    Z3_ast seq_dom;            /* the entries' domain: asserted by the questions that change the list (seq_domains) */
    Z3_ast *preds;
    uint32_t n_preds, cap_preds, n_checked;
    uint32_t kinds;            /* of items, under the first n_checked predicates (seq_kinds) */
    uint32_t *order, depth;    /* field indices from the root: schema order */
} fnode;

/* A catalog's translation state. */
typedef struct tcat {
    const aeo_catalog *c;
    int slot;                  /* 0 or 1: which fnode.field it reads */
    uint8_t *def_state, *tier_state, *const_state, *meas_state, *val_state;
    sym **def_memo, **tier_memo, **const_memo, **meas_memo, **val_memo;
    const char **def_why, **tier_why, **const_why, **meas_why, **val_why;
} tcat;

struct aeo_solver {
    const aeo_catalog *c;
    unsigned timeout_ms;
    Z3_context z;
    uint32_t questions;
    aeo_arena *za;             /* lives as long as the context: syms, nodes' strings */
    aeo_arena *ans;            /* the answers: reset at each call */
    Z3_sort s_bool, s_int, s_real, s_str;
    Z3_ast t, f, as_of;
    fnode *nodes;
    uint32_t n_nodes, cap_nodes;
    Z3_ast *domain;            /* constraints every question asserts */
    uint32_t n_domain, cap_domain;
    aeo_value *strs;           /* the string constants the catalogs' conditions use, in the order of their
                                * first translation (aeo_solver_new: the catalog's): kept across contexts,
                                * so that the values preferred do not depend on which questions came first */
    uint32_t n_strs, cap_strs;
    aeo_arena *sa;             /* strs' text: lives as long as the solver */
    tcat cat;                  /* the catalog's */
    tcat *cur;                 /* the one being translated */
    const char *why;           /* the last translation failure */
    Z3_solver sv;              /* the one solver (solver_of) */
    struct civil *civil;       /* calendars of timestamps (civil_of) */
    uint32_t n_civil, cap_civil;
    uint32_t n_domain_done;    /* domain constraints asserted in it */
    uint32_t n_lits;           /* assumption literals made (lit_for) */
    bool dirty;                /* a witness added another catalog's facts: rebuild before the next question */
    aeo_vm *vm, *vm2;          /* re-evaluation (vm2: the other catalog of a witness) */
    struct seqinfo *seqs;      /* the list facts modelled as sequences, and their bounds: kept across contexts */
    uint32_t n_seqs, cap_seqs;
    bool restart;              /* the question must be translated again in a fresh context (seq_need) */
    uint32_t n_xvars;          /* generic items made (seq_pred) */
    Z3_ast outer[16];          /* the generic items of the comprehensions over sequences being translated */
    uint32_t n_outer;
    aeo_value *over;           /* by node: a value that replaces the model's (ABSENT: none; simplify_list) */
    const aeo_program *vm2_prog;
    aeo_buf tmp;
};

/* ---- Z3 helpers ------------------------------------------------------------------ */

static void z3_error(Z3_context z, Z3_error_code e) { (void)z, (void)e; }

static Z3_ast and2(aeo_solver *s, Z3_ast a, Z3_ast b) {
    if (a == s->f || b == s->f) return s->f;
    if (a == s->t) return b;
    if (b == s->t) return a;
    Z3_ast x[2] = {a, b};
    return Z3_mk_and(s->z, 2, x);
}

static Z3_ast or2(aeo_solver *s, Z3_ast a, Z3_ast b) {
    if (a == s->t || b == s->t) return s->t;
    if (a == s->f) return b;
    if (b == s->f) return a;
    Z3_ast x[2] = {a, b};
    return Z3_mk_or(s->z, 2, x);
}

static Z3_ast not1(aeo_solver *s, Z3_ast a) {
    if (a == s->t) return s->f;
    if (a == s->f) return s->t;
    return Z3_mk_not(s->z, a);
}

static Z3_ast ite(aeo_solver *s, Z3_ast c, Z3_ast a, Z3_ast b) {
    if (c == s->t) return a;
    if (c == s->f) return b;
    if (a == b) return a;
    return Z3_mk_ite(s->z, c, a, b);
}

static Z3_ast implies(aeo_solver *s, Z3_ast a, Z3_ast b) { return or2(s, not1(s, a), b); }

static Z3_ast mk_i64(aeo_solver *s, int64_t i) { return Z3_mk_int64(s->z, i, s->s_int); }

static Z3_ast mk_num(aeo_solver *s, const char *text, Z3_sort sort) { return Z3_mk_numeral(s->z, text, sort); }

/* seconds * 10^9 + nanos, exactly, as a decimal numeral. */
static Z3_ast mk_nanos(aeo_solver *s, int64_t sec, int32_t nanos) {
    char buf[48];
    bool neg = sec < 0 || (sec == 0 && nanos < 0);
    uint64_t us;
    int32_t un;
    if (!neg) {
        us = (uint64_t)sec, un = nanos;
    } else if (nanos <= 0) {
        us = (uint64_t)(-(sec + 1)) + 1, un = -nanos;      /* |sec|, without overflow at INT64_MIN */
    } else {
        us = (uint64_t)(-(sec + 1)), un = 1000000000 - nanos;   /* sec*1e9 + n = -((|sec|-1)*1e9 + (1e9-n)) */
    }
    if (us) snprintf(buf, sizeof buf, "%s%" PRIu64 "%09d", neg ? "-" : "", us, (int)un);
    else snprintf(buf, sizeof buf, "%s%d", neg ? "-" : "", (int)un);
    return mk_num(s, buf, s->s_int);
}

static Z3_ast mk_real(aeo_solver *s, double d) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    if (!strchr(buf, 'e') && !strchr(buf, 'E')) return mk_num(s, buf, s->s_real);
    /* An exponent: Z3's numerals take none; go through the exact
     * fraction of the double. */
    int e;
    double m = frexp(d, &e);
    int64_t mi = (int64_t)ldexp(m, 53);
    e -= 53;
    Z3_ast r = Z3_mk_int2real(s->z, mk_i64(s, mi));
    char pw[16];
    snprintf(pw, sizeof pw, "%d", e < 0 ? -e : e);
    Z3_ast pow2 = Z3_mk_power(s->z, mk_num(s, "2", s->s_real), mk_num(s, pw, s->s_real));
    return e < 0 ? Z3_mk_div(s->z, r, pow2) : Z3_mk_mul(s->z, 2, (Z3_ast[]){r, pow2});
}

static Z3_ast mk_str(aeo_solver *s, const char *p, size_t n) { return Z3_mk_lstring(s->z, (unsigned)n, p); }

/* a <= x <= b over ints. */
static Z3_ast in_range(aeo_solver *s, Z3_ast x, Z3_ast lo, Z3_ast hi) {
    return and2(s, Z3_mk_le(s->z, lo, x), Z3_mk_le(s->z, x, hi));
}

static Z3_ast ts_ok(aeo_solver *s, Z3_ast x) {
    return in_range(s, x, mk_nanos(s, AEO_TS_MIN_SECONDS, 0), mk_nanos(s, AEO_TS_MAX_SECONDS, 999999999));
}

static Z3_ast dur_ok(aeo_solver *s, Z3_ast x) {
    return in_range(s, x, mk_i64(s, INT64_MIN), mk_i64(s, INT64_MAX));
}

static Z3_ast int_ok(aeo_solver *s, Z3_ast x) { return in_range(s, x, mk_i64(s, INT64_MIN), mk_i64(s, INT64_MAX)); }

/* ---- syms ------------------------------------------------------------------------ */

static sym *sym_new(aeo_solver *s, skind k) {
    sym *r = aeo_arena_zalloc(s->za, sizeof *r);
    r->k = k;
    r->unk = s->f;
    r->err = s->f;
    r->node = -1;
    return r;
}

static sym *known(aeo_solver *s, skind k, Z3_ast v) {
    sym *r = sym_new(s, k);
    r->v = v;
    return r;
}

/* The result of a strict operation on [a] and [b] (b may be NULL): the
 * unknowns first, then the errors, then [operr] (an error of the
 * operation itself on the operands' values). */
static sym *strict(aeo_solver *s, skind k, const sym *a, const sym *b, Z3_ast v, Z3_ast operr) {
    sym *r = sym_new(s, k);
    r->unk = b ? or2(s, a->unk, b->unk) : a->unk;
    Z3_ast e = b ? or2(s, a->err, b->err) : a->err;
    r->err = and2(s, not1(s, r->unk), or2(s, e, operr ? operr : s->f));
    r->v = v;
    return r;
}

static Z3_ast ok_of(aeo_solver *s, const sym *a) { return and2(s, not1(s, a->unk), not1(s, a->err)); }

static bool fail(aeo_solver *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(aeo_solver *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    s->why = aeo_arena_vprintf(s->za, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- the facts model --------------------------------------------------------------- */

static skind kind_of(const aeo_type *t) {
    switch (t->kind) {
    case AEO_T_BOOL: return K_BOOL;
    case AEO_T_INT: return K_INT;
    case AEO_T_DOUBLE: return K_REAL;
    case AEO_T_STRING:
    case AEO_T_ENUM: return K_STR;
    case AEO_T_TIMESTAMP: return K_TS;
    case AEO_T_DURATION: return K_DUR;
    case AEO_T_RECORD: return K_REC;
    case AEO_T_LIST: {
        skind e = kind_of(t->elem);
        return e <= K_DUR ? K_FLIST : K_NONE;
    }
    default: return K_NONE;
    }
}

static Z3_sort sort_of(aeo_solver *s, skind k) {
    switch (k) {
    case K_BOOL: return s->s_bool;
    case K_REAL: return s->s_real;
    case K_STR: return s->s_str;
    default: return s->s_int;
    }
}

static void add_domain(aeo_solver *s, Z3_ast c) {
    if (c == s->t) return;
    if (s->n_domain == s->cap_domain) {
        s->cap_domain = s->cap_domain ? s->cap_domain * 2 : 64;
        s->domain = aeo_xrealloc(s->domain, s->cap_domain * sizeof *s->domain);
    }
    s->domain[s->n_domain++] = c;
}

/* The constraints a value of [t] meets under the schema. */
static Z3_ast type_domain(aeo_solver *s, const aeo_type *t, Z3_ast v) {
    switch (t->kind) {
    case AEO_T_INT: return in_range(s, v, mk_i64(s, -(INT64_C(1) << 53)), mk_i64(s, INT64_C(1) << 53));
    case AEO_T_TIMESTAMP: return ts_ok(s, v);
    case AEO_T_DURATION: return dur_ok(s, v);
    case AEO_T_ENUM: {
        Z3_ast any = s->f;
        for (uint32_t i = 0; i < t->n_enum; i++)
            any = or2(s, any, Z3_mk_eq(s->z, v, mk_str(s, t->enum_values[i], strlen(t->enum_values[i]))));
        return any;
    }
    case AEO_T_STRING: {
        /* bytes: no NUL (a JSON string cannot hold one here) */
        char lo = 1, hi = (char)0xff;
        return Z3_mk_seq_in_re(s->z, v, Z3_mk_re_star(s->z, Z3_mk_re_range(s->z, mk_str(s, &lo, 1), mk_str(s, &hi, 1))));
    }
    default: return s->t;
    }
}

typedef struct seqinfo seqinfo;
static seqinfo *seq_info(aeo_solver *s, const char *path);
static void seq_make(aeo_solver *s, int32_t id, uint32_t items);
static uint32_t seqinfo_items(const seqinfo *si);

static int32_t node_add(aeo_solver *s, int32_t parent, const char *name, const aeo_field *f, uint32_t fi,
                        const aeo_type *t) {
    if (s->n_nodes == s->cap_nodes) {
        s->cap_nodes = s->cap_nodes ? s->cap_nodes * 2 : 32;
        s->nodes = aeo_xrealloc(s->nodes, s->cap_nodes * sizeof *s->nodes);
    }
    int32_t id = (int32_t)s->n_nodes++;
    fnode *n = &s->nodes[id];
    memset(n, 0, sizeof *n);
    n->parent = parent;
    n->name = name;
    n->type = t;
    n->k = t ? kind_of(t) : K_REC;
    n->elem = n->k == K_FLIST ? kind_of(t->elem) : K_NONE;
    n->field[s->cur ? s->cur->slot : 0] = f;
    if (parent < 0) {
        n->path = s->c->root_name ? s->c->root_name : "facts";
        n->depth = 0;
        n->always = true;
        n->present = s->t;
    } else {
        fnode *p = &s->nodes[parent];
        n->path = aeo_arena_printf(s->za, "%s.%s", p->path, name);
        n->depth = p->depth + 1;
        n->order = aeo_arena_alloc(s->za, n->depth * sizeof *n->order);
        if (p->depth) memcpy(n->order, p->order, p->depth * sizeof *n->order);
        n->order[p->depth] = fi;
        n->always = !f->optional;
        char name_buf[32];
        snprintf(name_buf, sizeof name_buf, "p!%d", id);
        n->present = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name_buf), s->s_bool);
        if (n->k <= K_DUR) {
            snprintf(name_buf, sizeof name_buf, "v!%d", id);
            n->val = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name_buf), sort_of(s, n->k));
            add_domain(s, type_domain(s, t, n->val));
        }
        if (n->k == K_FLIST) {
            seqinfo *si = seq_info(s, n->path);
            if (si) seq_make(s, id, seqinfo_items(si));
        }
    }
    return id;
}

/* Whether field [f] has a default (an absent field reads as it). */
static bool has_default(const aeo_record_type *rt, const aeo_field *f) {
    return rt->defaults && f->slot < rt->n_defaults && rt->defaults[f->slot].kind != AEO_V_ABSENT;
}

/* The node of field [name] of record node [parent], read through record
 * type [rt] of the current catalog; -1 after fail(). */
static int32_t node_child(aeo_solver *s, int32_t parent, const aeo_record_type *rt, const char *name) {
    const aeo_field *f = aeo_record_type_field(rt, name);
    if (!f) return fail(s, "no field '%s'", name), -1;
    int slot = s->cur ? s->cur->slot : 0;
    for (uint32_t i = 0; i < s->n_nodes; i++) {
        fnode *n = &s->nodes[i];
        if (n->parent != parent || strcmp(n->name, name) != 0) continue;
        if (n->field[slot] == f) return (int32_t)i;
        /* The other catalog's view of the same fact: it must mean the same
         * (enums may differ: a record must fit both, so both domains hold). */
        if (kind_of(f->type) != n->k || (n->k == K_FLIST && kind_of(f->type->elem) != n->elem))
            return fail(s, "the type of %s differs between the versions", n->path), -1;
        bool d = has_default(rt, f);
        if (d != n->has_def || (d && !aeo_value_equal(rt->defaults[f->slot], n->def)))
            return fail(s, "the default of %s differs between the versions", n->path), -1;
        n->field[slot] = f;
        if (!f->optional && !n->always) {
            n->always = true;
            add_domain(s, implies(s, s->nodes[parent].present, n->present));
        }
        if (n->val) add_domain(s, type_domain(s, f->type, n->val));
        return (int32_t)i;
    }
    uint32_t fi = (uint32_t)(f - rt->fields);
    int32_t id = node_add(s, parent, name, f, fi, f->type);
    if (has_default(rt, f)) {
        s->nodes[id].always = true;
        s->nodes[id].has_def = true;
        s->nodes[id].def = rt->defaults[f->slot];
    }
    if (s->nodes[id].always) add_domain(s, implies(s, s->nodes[parent].present, s->nodes[id].present));
    return id;
}

/* The membership variable of [key] in list node [id]. */
static Z3_ast member_var(aeo_solver *s, int32_t id, aeo_value key) {
    fnode *n = &s->nodes[id];
    for (uint32_t i = 0; i < n->n_mem; i++)
        if (n->mem[i].key.kind == key.kind && aeo_value_equal(n->mem[i].key, key)) return n->mem[i].var;
    if (n->n_mem == n->cap_mem) {
        uint32_t cap = n->cap_mem ? n->cap_mem * 2 : 8;
        member *m = aeo_arena_alloc(s->za, cap * sizeof *m);
        if (n->n_mem) memcpy(m, n->mem, n->n_mem * sizeof *m);
        n->mem = m;
        n->cap_mem = cap;
    }
    char name[48];
    snprintf(name, sizeof name, "m!%d!%u", id, n->n_mem);
    Z3_ast v = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), s->s_bool);
    if (key.kind == AEO_V_STRING) key = aeo_string(s->za, key.as.s->data, key.as.s->len);
    n->mem[n->n_mem].key = key;
    n->mem[n->n_mem].var = v;
    n->n_mem++;
    return v;
}

typedef struct idset {
    unsigned *slots;           /* id + 1; 0: empty */
    uint32_t mask, n;
} idset;

static bool idset_add(idset *h, unsigned id) {
    if (!h->slots || (h->n + 1) * 2 > h->mask + 1) {
        uint32_t cap = h->slots ? (h->mask + 1) * 2 : 256;
        unsigned *old = h->slots;
        uint32_t old_cap = h->slots ? h->mask + 1 : 0;
        h->slots = aeo_xcalloc(cap, sizeof *h->slots);
        h->mask = cap - 1;
        h->n = 0;
        for (uint32_t i = 0; i < old_cap; i++)
            if (old[i]) idset_add(h, old[i] - 1);
        free(old);
    }
    uint32_t i = (id * 2654435761u) & h->mask;
    while (h->slots[i]) {
        if (h->slots[i] == id + 1) return false;
        i = (i + 1) & h->mask;
    }
    h->slots[i] = id + 1;
    h->n++;
    return true;
}

/* ---- lists as sequences -------------------------------------------------------------- */

/* A list fact that size(), a comprehension, filter() or `x in LIST` with
 * an x other than a constant reads is a sequence: n_items entries, entry
 * i a value item[i] repeated count[i] >= 0 times, so its size is the sum
 * of the counts (unbounded) and its items are those of the entries with a
 * positive count.  Nothing a condition asks of a list depends on the
 * items' order (size, and predicates combined by the commutative && and
 * || of all/exists, or counted by exists_one and filter), only on how
 * many items of each kind it holds, a kind being the item's outcome
 * (value, unknown, error) under every predicate the conditions apply to
 * the list's items.  So the entries cover every list exactly when
 * n_items is at least the number of kinds one record's items can have:
 * seq_ready proves that with the solver (n_items + 1 items of pairwise
 * different kinds are impossible) and doubles the bound until it holds
 * (up to SEQ_MAX_ITEMS); a record's current list needs as many entries as
 * it has distinct items.  A bound that grows makes the question start
 * again in a fresh context (s->restart), and it is kept for the contexts
 * after it, as is the choice of the sequence model: a list the catalog
 * reads only by `"c" in LIST` stays a set of memberships. */
#define SEQ_FIRST_ITEMS 4
#define SEQ_MAX_ITEMS 64

struct seqinfo {
    char *path;
    uint32_t items;            /* entries */
};

static uint32_t seqinfo_items(const seqinfo *si) { return si->items; }

static seqinfo *seq_info(aeo_solver *s, const char *path) {
    for (uint32_t i = 0; i < s->n_seqs; i++)
        if (strcmp(s->seqs[i].path, path) == 0) return &s->seqs[i];
    return NULL;
}

/* The item of an entry that is not in the list: a value of its type. */
static Z3_ast idle_item(aeo_solver *s, const fnode *n) {
    const aeo_type *t = n->type->elem;
    switch (n->elem) {
    case K_BOOL: return s->f;
    case K_REAL: return mk_real(s, 0);
    case K_STR:
        return t->kind == AEO_T_ENUM ? mk_str(s, t->enum_values[0], strlen(t->enum_values[0])) : mk_str(s, "", 0);
    default: return mk_i64(s, 0);
    }
}

static void seq_make(aeo_solver *s, int32_t id, uint32_t items) {
    fnode *n = &s->nodes[id];
    n->seq = true;
    n->n_items = items;
    n->seq_dom = s->t;
    n->item = aeo_arena_alloc(s->za, (items + 1) * sizeof *n->item);
    n->count = aeo_arena_alloc(s->za, (items + 1) * sizeof *n->count);
    Z3_sort es = sort_of(s, n->elem);
    char name[48];
    for (uint32_t i = 0; i < items; i++) {
        snprintf(name, sizeof name, "e!%d!%u", id, i);
        n->item[i] = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), es);
        snprintf(name, sizeof name, "c!%d!%u", id, i);
        n->count[i] = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), s->s_int);
        n->seq_dom = and2(s, n->seq_dom, type_domain(s, n->type->elem, n->item[i]));
        n->seq_dom = and2(s, n->seq_dom, Z3_mk_ge(s->z, n->count[i], mk_i64(s, 0)));
        /* an entry not in the list takes no part: its item is fixed,
         * which spares the solver a free value */
        n->seq_dom = and2(s, n->seq_dom, implies(s, Z3_mk_eq(s->z, n->count[i], mk_i64(s, 0)),
                                                 Z3_mk_eq(s->z, n->item[i], idle_item(s, n))));
    }
    snprintf(name, sizeof name, "xn!%d", id);
    n->xvar = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), es);
}

/* Asks for node [id] to be a sequence of at least [items] entries: made
 * so now when it can be, else noted for the next context (s->restart). */
static void seq_need(aeo_solver *s, int32_t id, uint32_t items) {
    fnode *n = &s->nodes[id];
    seqinfo *si = seq_info(s, n->path);
    if (!si) {
        if (s->n_seqs == s->cap_seqs) {
            s->cap_seqs = s->cap_seqs ? s->cap_seqs * 2 : 8;
            s->seqs = aeo_xrealloc(s->seqs, s->cap_seqs * sizeof *s->seqs);
        }
        si = &s->seqs[s->n_seqs++];
        size_t len = strlen(n->path);
        si->path = aeo_xmalloc(len + 1);
        memcpy(si->path, n->path, len + 1);
        si->items = SEQ_FIRST_ITEMS;
    }
    if (items > si->items) si->items = items;
    if (n->seq && n->n_items >= si->items) return;
    /* Memberships already translated, or too few entries: the terms made
     * so far do not fit; start again. */
    if (n->seq || n->n_mem) s->restart = true;
    else seq_make(s, id, si->items);
}

/* The sum of [count] over the entries where [act] holds. */
static Z3_ast seq_sum(aeo_solver *s, const fnode *n, const Z3_ast *act) {
    if (!n->n_items) return mk_i64(s, 0);
    Z3_ast *t = aeo_xmalloc(n->n_items * sizeof *t);
    for (uint32_t i = 0; i < n->n_items; i++) t[i] = act ? ite(s, act[i], n->count[i], mk_i64(s, 0)) : n->count[i];
    Z3_ast r = n->n_items == 1 ? t[0] : Z3_mk_add(s->z, n->n_items, t);
    free(t);
    return r;
}

/* Whether entry [i] of the list [l] (a sequence node's sym) is in it. */
static Z3_ast seq_act(aeo_solver *s, const sym *l, uint32_t i) {
    if (l->act) return l->act[i];
    return Z3_mk_gt(s->z, s->nodes[l->node].count[i], mk_i64(s, 0));
}

/* Whether term [a] mentions [x]. */
static bool mentions(aeo_solver *s, Z3_ast a, Z3_ast x) {
    unsigned xid = Z3_get_ast_id(s->z, x);
    Z3_ast *stack = aeo_xmalloc(64 * sizeof *stack);
    uint32_t n = 0, cap = 64;
    idset seen = {0};
    bool found = false;
    stack[n++] = a;
    while (n && !found) {
        Z3_ast y = stack[--n];
        unsigned id = Z3_get_ast_id(s->z, y);
        if (id == xid) found = true;
        if (!idset_add(&seen, id) || Z3_get_ast_kind(s->z, y) != Z3_APP_AST) continue;
        Z3_app app = Z3_to_app(s->z, y);
        unsigned na = Z3_get_app_num_args(s->z, app);
        for (unsigned i = 0; i < na; i++) {
            if (n == cap) stack = aeo_xrealloc(stack, (cap *= 2) * sizeof *stack);
            stack[n++] = Z3_get_app_arg(s->z, app, i);
        }
    }
    free(stack);
    free(seen.slots);
    return found;
}

/* A predicate [p] over the generic item [x] of the sequence list [l]:
 * noted for seq_ready, and instantiated for each entry into [per]
 * (n_items syms).  False (after fail) when it reads the item of a
 * comprehension over a sequence around it: the kinds of an inner list's
 * items would then depend on the outer one's, which seq_ready does not
 * count. */
static bool seq_inst(aeo_solver *s, const sym *l, Z3_ast x, const sym *p, sym **per) {
    fnode *n = &s->nodes[l->node];
    if (p->k != K_BOOL) return fail(s, "a condition that is not a bool");
    for (uint32_t i = 0; i < s->n_outer; i++)
        if (s->outer[i] != x && (mentions(s, p->unk, s->outer[i]) || mentions(s, p->err, s->outer[i]) ||
                                 mentions(s, p->v, s->outer[i])))
            return fail(s, "a comprehension over a list fact inside another one over a list fact");
    if (n->n_preds + 3 > n->cap_preds) {
        uint32_t cap = n->cap_preds ? n->cap_preds * 2 : 12;
        Z3_ast *np = aeo_arena_alloc(s->za, cap * sizeof *np);
        if (n->n_preds) memcpy(np, n->preds, n->n_preds * sizeof *np);
        n->preds = np;
        n->cap_preds = cap;
    }
    Z3_ast trip[3] = {p->unk, p->err, p->v};
    for (int k = 0; k < 3; k++) n->preds[n->n_preds++] = Z3_substitute(s->z, trip[k], 1, &x, &n->xvar);
    for (uint32_t i = 0; i < n->n_items; i++) {
        sym *q = sym_new(s, K_BOOL);
        q->unk = Z3_substitute(s->z, p->unk, 1, &x, &n->item[i]);
        q->err = Z3_substitute(s->z, p->err, 1, &x, &n->item[i]);
        q->v = Z3_substitute(s->z, p->v, 1, &x, &n->item[i]);
        per[i] = q;
    }
    return true;
}

/* A fresh generic item for the sequence list [l]. */
static Z3_ast seq_xvar(aeo_solver *s, const sym *l) {
    char name[32];
    snprintf(name, sizeof name, "x!%u", s->n_xvars++);
    return Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), sort_of(s, s->nodes[l->node].elem));
}

/* Makes list fact [l] a sequence; false (after fail) when the question
 * has to start again for it (seq_need). */
static bool seq_ensure(aeo_solver *s, const sym *l) {
    seq_need(s, l->node, 0);
    if (s->nodes[l->node].seq && !s->restart) return true;
    return fail(s, "the list %s, modelled anew", s->nodes[l->node].path);
}

/* The value of [n] as a sym read from its parent [p] (a record sym). */
static sym *read_node(aeo_solver *s, const sym *p, int32_t id) {
    fnode *n = &s->nodes[id];
    sym *r = sym_new(s, n->k);
    r->node = id;
    Z3_ast missing = n->always ? s->f : not1(s, n->present);
    r->unk = or2(s, p->unk, missing);
    r->err = and2(s, not1(s, r->unk), p->err);
    r->v = n->val;
    return r;
}

/* ---- constants ----------------------------------------------------------------------- */

static void note_string(aeo_solver *s, aeo_value v) {
    for (uint32_t i = 0; i < s->n_strs; i++)
        if (aeo_value_equal(s->strs[i], v)) return;
    if (s->n_strs == s->cap_strs) {
        s->cap_strs = s->cap_strs ? s->cap_strs * 2 : 32;
        s->strs = aeo_xrealloc(s->strs, s->cap_strs * sizeof *s->strs);
    }
    s->strs[s->n_strs++] = aeo_string(s->sa, v.as.s->data, v.as.s->len);
}

/* A sym for the constant [v]; NULL (after fail) outside the fragment. */
static sym *const_sym(aeo_solver *s, aeo_value v) {
    sym *r = NULL;
    switch ((aeo_vkind)v.kind) {
    case AEO_V_BOOL: r = known(s, K_BOOL, v.as.b ? s->t : s->f); break;
    case AEO_V_INT: r = known(s, K_INT, mk_i64(s, v.as.i)); break;
    case AEO_V_DOUBLE: r = known(s, K_REAL, mk_real(s, v.as.d)); break;
    case AEO_V_STRING:
        note_string(s, v);
        r = known(s, K_STR, mk_str(s, v.as.s->data, v.as.s->len));
        break;
    case AEO_V_TIMESTAMP: r = known(s, K_TS, mk_nanos(s, v.as.i, v.nanos)); break;
    case AEO_V_DURATION: r = known(s, K_DUR, mk_nanos(s, v.as.i, v.nanos)); break;
    case AEO_V_NULL: r = known(s, K_NULL, NULL); break;
    case AEO_V_LIST: {
        r = sym_new(s, K_LIST);
        r->n = v.as.l->len;
        r->items = aeo_arena_alloc(s->za, (r->n + 1) * sizeof *r->items);
        for (uint32_t i = 0; i < r->n; i++)
            if (!(r->items[i] = const_sym(s, v.as.l->items[i]))) return NULL;
        break;
    }
    case AEO_V_MAP: {
        r = sym_new(s, K_MAP);
        r->n = v.as.m->len;
        r->items = aeo_arena_alloc(s->za, (r->n + 1) * sizeof *r->items);
        r->vals = aeo_arena_alloc(s->za, (r->n + 1) * sizeof *r->vals);
        for (uint32_t i = 0; i < r->n; i++) {
            if (!(r->items[i] = const_sym(s, v.as.m->keys[i]))) return NULL;
            if (!(r->vals[i] = const_sym(s, v.as.m->vals[i]))) return NULL;
        }
        break;
    }
    default:
        fail(s, "a constant of type %s", aeo_value_type_name(v));
        return NULL;
    }
    r->has_const = true;
    r->cval = v;
    return r;
}

/* ---- translation ------------------------------------------------------------------------ */

typedef struct frame {
    sym *locals[256];
} frame;

static sym *tr(aeo_solver *s, frame *fr, const aeo_expr *e);

/* CEL's == on two values (both known): false across kinds. */
static Z3_ast eq_val(aeo_solver *s, const sym *a, const sym *b) {
    if (a->k == K_NULL || b->k == K_NULL) return a->k == b->k ? s->t : s->f;
    if (a->k == K_INT && b->k == K_REAL) return Z3_mk_eq(s->z, Z3_mk_int2real(s->z, a->v), b->v);
    if (a->k == K_REAL && b->k == K_INT) return Z3_mk_eq(s->z, a->v, Z3_mk_int2real(s->z, b->v));
    if (a->k != b->k) return s->f;
    if (a->k > K_DUR) return NULL;
    return Z3_mk_eq(s->z, a->v, b->v);
}

/* The ordering [op] (LT, LE, GT, GE) on two known values, or NULL. */
static Z3_ast order_val(aeo_solver *s, aeo_operator op, const sym *a, const sym *b) {
    Z3_ast x = a->v, y = b->v;
    if (op == AEO_OPR_GT || op == AEO_OPR_GE) {
        x = b->v, y = a->v;
        op = op == AEO_OPR_GT ? AEO_OPR_LT : AEO_OPR_LE;
    }
    bool strict_lt = op == AEO_OPR_LT;
    skind ka = a->k, kb = b->k;
    if ((ka == K_INT && kb == K_REAL) || (ka == K_REAL && kb == K_INT)) {
        /* Heterogeneous: compare as reals. */
        Z3_ast xr = Z3_get_sort_kind(s->z, Z3_get_sort(s->z, x)) == Z3_INT_SORT ? Z3_mk_int2real(s->z, x) : x;
        Z3_ast yr = Z3_get_sort_kind(s->z, Z3_get_sort(s->z, y)) == Z3_INT_SORT ? Z3_mk_int2real(s->z, y) : y;
        return strict_lt ? Z3_mk_lt(s->z, xr, yr) : Z3_mk_le(s->z, xr, yr);
    }
    if (ka != kb) return NULL;
    switch (ka) {
    case K_INT:
    case K_REAL:
    case K_TS:
    case K_DUR: return strict_lt ? Z3_mk_lt(s->z, x, y) : Z3_mk_le(s->z, x, y);
    case K_STR: return strict_lt ? Z3_mk_str_lt(s->z, x, y) : Z3_mk_str_le(s->z, x, y);
    case K_BOOL:
        /* false < true */
        return strict_lt ? and2(s, not1(s, x), y) : or2(s, not1(s, x), y);
    default: return NULL;
    }
}

/* CEL's commutative && (is_and) or ||. */
static sym *logic(aeo_solver *s, bool is_and, const sym *a, const sym *b) {
    Z3_ast da = and2(s, ok_of(s, a), is_and ? not1(s, a->v) : a->v);
    Z3_ast db = and2(s, ok_of(s, b), is_and ? not1(s, b->v) : b->v);
    Z3_ast decided = or2(s, da, db);
    sym *r = sym_new(s, K_BOOL);
    r->unk = and2(s, not1(s, decided), or2(s, a->unk, b->unk));
    r->err = and2(s, and2(s, not1(s, decided), not1(s, r->unk)), or2(s, a->err, b->err));
    r->v = is_and ? not1(s, decided) : decided;
    return r;
}

static sym *tr_def(aeo_solver *s, uint8_t *state, sym **memo, const char **why, uint32_t i, const aeo_expr *e,
                   const char *what) {
    if (state[i] == 2) return memo[i];
    if (state[i] == 3) return s->why = why[i], NULL;
    if (state[i] == 1) return fail(s, "a cycle through %s", what), NULL;
    state[i] = 1;
    frame fr;
    memset(&fr, 0, sizeof fr);
    sym *r = tr(s, &fr, e);
    if (r) {
        state[i] = 2;
        memo[i] = r;
    } else {
        state[i] = 3;
        why[i] = s->why;
    }
    return r;
}

/* Whether measure [idx] of catalog [tc] is in force on as_of: a known bool. */
static Z3_ast in_force(aeo_solver *s, const aeo_measure *m) {
    Z3_ast r = s->t;
    if (m->has_effective) r = and2(s, r, Z3_mk_ge(s->z, s->as_of, mk_nanos(s, m->effective.as.i, m->effective.nanos)));
    if (m->has_expires) r = and2(s, r, Z3_mk_lt(s->z, s->as_of, mk_nanos(s, m->expires.as.i, m->expires.nanos)));
    return r;
}

/* v itself settled: true when v is known, else v (unknown or error). */
static sym *settled(aeo_solver *s, const sym *v) {
    sym *r = sym_new(s, K_BOOL);
    r->unk = v->unk;
    r->err = v->err;
    r->v = s->t;
    return r;
}

/* c ? a : b, for syms of scalar kinds (or bool). */
static sym *cond3(aeo_solver *s, const sym *c, const sym *a, const sym *b) {
    if (a->k != b->k && !(a->k == K_NULL || b->k == K_NULL)) return fail(s, "?: with branches of different types"), NULL;
    if (a->k > K_DUR && a->k != K_NULL) return fail(s, "?: over lists or maps"), NULL;
    Z3_ast cok = ok_of(s, c);
    sym *r = sym_new(s, a->k == K_NULL ? b->k : a->k);
    r->unk = or2(s, c->unk, and2(s, cok, ite(s, c->v, a->unk, b->unk)));
    r->err = or2(s, and2(s, not1(s, c->unk), c->err), and2(s, cok, ite(s, c->v, a->err, b->err)));
    if (a->k == K_NULL || b->k == K_NULL) {
        if (a->k != b->k) return fail(s, "?: with a null branch"), NULL;
        r->v = NULL;
    } else {
        r->v = ite(s, c->v, a->v, b->v);
    }
    return r;
}

static sym *measure_applies(aeo_solver *s, tcat *tc, uint32_t idx);

static sym *measure_body(aeo_solver *s, tcat *tc, uint32_t idx) {
    const aeo_measure *m = tc->c->measures.items[idx]->measure;
    frame fr;
    memset(&fr, 0, sizeof fr);
    sym *acc = known(s, K_BOOL, in_force(s, m));
    if (m->scope) {
        sym *t = tr(s, &fr, m->scope);
        if (!t) return NULL;
        acc = logic(s, true, acc, t);
    }
    if (m->tier_prop) {
        sym *any = NULL;
        for (uint32_t i = 0; i < m->n_tiers; i++) {
            sym *t = tr(s, &fr, m->tiers[i]);
            if (!t) return NULL;
            any = any ? logic(s, false, any, t) : t;
        }
        acc = logic(s, true, acc, any ? any : known(s, K_BOOL, s->f));
    }
    for (uint32_t i = 0; i < m->n_conds; i++) {
        sym *t = tr(s, &fr, m->conds[i].expr);
        if (!t) return NULL;
        if (t->k != K_BOOL) return fail(s, "a condition that is not a bool"), NULL;
        if (m->conds[i].negate) t = strict(s, K_BOOL, t, NULL, not1(s, t->v), NULL);
        acc = logic(s, true, acc, t);
    }
    if (m->value_type) {
        sym *chain = m->else_case ? NULL : known(s, K_BOOL, s->f);
        if (m->else_case) {
            sym *v = tr(s, &fr, m->else_case->value);
            if (!v) return NULL;
            chain = settled(s, v);
        }
        for (uint32_t i = m->n_cases; i-- > 0;) {
            sym *c = tr(s, &fr, m->cases[i].cond);
            if (!c) return NULL;
            sym *v = tr(s, &fr, m->cases[i].value);
            if (!v) return NULL;
            chain = cond3(s, c, settled(s, v), chain);
            if (!chain) return NULL;
        }
        acc = logic(s, true, acc, chain);
    }
    return acc;
}

static sym *measure_applies(aeo_solver *s, tcat *tc, uint32_t idx) {
    if (tc->meas_state[idx] == 2) return tc->meas_memo[idx];
    if (tc->meas_state[idx] == 3) return s->why = tc->meas_why[idx], NULL;
    if (tc->meas_state[idx] == 1) return fail(s, "a cycle through measure %s", tc->c->measures.items[idx]->name), NULL;
    tc->meas_state[idx] = 1;
    tcat *saved = s->cur;
    s->cur = tc;
    sym *r = measure_body(s, tc, idx);
    s->cur = saved;
    if (r) {
        tc->meas_state[idx] = 2;
        tc->meas_memo[idx] = r;
    } else {
        tc->meas_state[idx] = 3;
        tc->meas_why[idx] = s->why;
    }
    return r;
}

/* The value a valued measure grants when it applies: the first true
 * case's (or the else's). */
static sym *measure_value(aeo_solver *s, tcat *tc, uint32_t idx) {
    if (tc->val_state[idx] == 2) return tc->val_memo[idx];
    if (tc->val_state[idx] == 3) return s->why = tc->val_why[idx], NULL;
    const aeo_measure *m = tc->c->measures.items[idx]->measure;
    tcat *saved = s->cur;
    s->cur = tc;
    frame fr;
    memset(&fr, 0, sizeof fr);
    sym *chain = NULL;
    if (m->else_case) chain = tr(s, &fr, m->else_case->value);
    bool ok = !m->else_case || chain;
    for (uint32_t i = m->n_cases; ok && i-- > 0;) {
        sym *c = tr(s, &fr, m->cases[i].cond);
        sym *v = c ? tr(s, &fr, m->cases[i].value) : NULL;
        if (!v) {
            ok = false;
            break;
        }
        if (!chain) {
            chain = v;
            continue;
        }
        chain = cond3(s, c, v, chain);
        ok = chain != NULL;
    }
    s->cur = saved;
    if (ok && chain && chain->k > K_DUR) ok = fail(s, "a value of type list or map");
    if (!ok || !chain) {
        tc->val_state[idx] = 3;
        tc->val_why[idx] = s->why ? s->why : "no value";
        return NULL;
    }
    tc->val_state[idx] = 2;
    tc->val_memo[idx] = chain;
    return chain;
}

/* The constant value of [e] when it is a literal or a const (for `in` on
 * a list fact and for timestamp()/duration() of a literal); false if not
 * one. */
static bool const_value(aeo_solver *s, const aeo_expr *e, aeo_value *out) {
    switch (e->kind) {
    case AEO_EXPR_STRING: *out = aeo_string(s->za, e->u.str.s, e->u.str.len); return true;
    case AEO_EXPR_INT: *out = aeo_int(e->u.i); return true;
    case AEO_EXPR_BOOL: *out = aeo_bool(e->u.b); return true;
    case AEO_EXPR_DOUBLE: *out = aeo_double(e->u.d); return true;
    case AEO_EXPR_IDENT:
        if (e->ref == AEO_REF_CONST) return const_value(s, s->cur->c->consts.items[e->ref_index]->value, out);
        return false;
    default: return false;
    }
}

static Z3_ast idiv(aeo_solver *s, Z3_ast a, int64_t d) { return Z3_mk_div(s->z, a, mk_i64(s, d)); }
static Z3_ast iadd(aeo_solver *s, Z3_ast a, Z3_ast b) { return Z3_mk_add(s->z, 2, (Z3_ast[]){a, b}); }
static Z3_ast isub(aeo_solver *s, Z3_ast a, Z3_ast b) { return Z3_mk_sub(s->z, 2, (Z3_ast[]){a, b}); }
static Z3_ast imul(aeo_solver *s, int64_t k, Z3_ast a) { return Z3_mk_mul(s->z, 2, (Z3_ast[]){mk_i64(s, k), a}); }

/* A part of the UTC calendar date and time of the timestamp [ns]
 * (nanoseconds), as CEL's getX() without a time zone gives it, or NULL
 * for another name.  The days-to-civil algorithm of H. Hinnant, whose
 * divisions are all by constants (Z3's div is floor division for a
 * positive divisor): linear integer arithmetic. */
static Z3_ast civil_part(aeo_solver *s, Z3_ast ns, const char *name) {
    Z3_ast secs = idiv(s, ns, 1000000000);
    Z3_ast days = idiv(s, secs, 86400);
    Z3_ast sod = Z3_mk_mod(s->z, secs, mk_i64(s, 86400));
    if (strcmp(name, "getHours") == 0) return idiv(s, sod, 3600);
    if (strcmp(name, "getMinutes") == 0) return Z3_mk_mod(s->z, idiv(s, sod, 60), mk_i64(s, 60));
    if (strcmp(name, "getSeconds") == 0) return Z3_mk_mod(s->z, sod, mk_i64(s, 60));
    if (strcmp(name, "getMilliseconds") == 0) return idiv(s, Z3_mk_mod(s->z, ns, mk_i64(s, 1000000000)), 1000000);
    if (strcmp(name, "getDayOfWeek") == 0) return Z3_mk_mod(s->z, iadd(s, days, mk_i64(s, 4)), mk_i64(s, 7));
    Z3_ast z = iadd(s, days, mk_i64(s, 719468));
    Z3_ast era = idiv(s, z, 146097);
    Z3_ast doe = isub(s, z, imul(s, 146097, era));
    Z3_ast yoe = idiv(s, iadd(s, isub(s, doe, idiv(s, doe, 1460)), isub(s, idiv(s, doe, 36524), idiv(s, doe, 146096))), 365);
    Z3_ast y = iadd(s, yoe, imul(s, 400, era));
    Z3_ast doy = isub(s, doe, iadd(s, imul(s, 365, yoe), isub(s, idiv(s, yoe, 4), idiv(s, yoe, 100))));
    Z3_ast mp = idiv(s, iadd(s, imul(s, 5, doy), mk_i64(s, 2)), 153);
    Z3_ast d = iadd(s, isub(s, doy, idiv(s, iadd(s, imul(s, 153, mp), mk_i64(s, 2)), 5)), mk_i64(s, 1));
    Z3_ast m = ite(s, Z3_mk_lt(s->z, mp, mk_i64(s, 10)), iadd(s, mp, mk_i64(s, 3)), isub(s, mp, mk_i64(s, 9)));
    Z3_ast year = iadd(s, y, ite(s, Z3_mk_le(s->z, m, mk_i64(s, 2)), mk_i64(s, 1), mk_i64(s, 0)));
    if (strcmp(name, "getFullYear") == 0) return year;
    if (strcmp(name, "getMonth") == 0) return isub(s, m, mk_i64(s, 1));
    if (strcmp(name, "getDayOfMonth") == 0) return isub(s, d, mk_i64(s, 1));
    if (strcmp(name, "getDate") == 0) return d;
    if (strcmp(name, "getDayOfYear") == 0) {
        /* days since 1 January of [year] */
        Z3_ast y1 = isub(s, year, mk_i64(s, 1));
        /* days_from_civil(year, 1, 1): y' = year - 1 (Jan is before March), mp = 10 */
        Z3_ast era1 = idiv(s, y1, 400);
        Z3_ast yoe1 = isub(s, y1, imul(s, 400, era1));
        Z3_ast doy1 = mk_i64(s, (153 * 10 + 2) / 5);
        Z3_ast doe1 = iadd(s, iadd(s, imul(s, 365, yoe1), isub(s, idiv(s, yoe1, 4), idiv(s, yoe1, 100))), doy1);
        Z3_ast jan1 = isub(s, iadd(s, imul(s, 146097, era1), doe1), mk_i64(s, 719468));
        return isub(s, days, jan1);
    }
    return NULL;
}

/* The calendar of a timestamp that is not as_of (a fact's, or computed
 * from one), by auxiliary integers the domain ties to it: the day D
 * (floor of the nanoseconds by a day), the year Y (the one whose 1 January
 * is at or before D and whose next is after), the day of the year.  Only
 * linear constraints with divisions of Y by constants: far easier for Z3
 * than the days-to-civil chain on a free value (as_of's is folded away). */
typedef struct civil {
    unsigned id;               /* the timestamp term's Z3 id */
    Z3_ast day, year, doy, leap, tod;
} civil;

/* Days from 1970-01-01 to 1 January of year [y] (a term). */
static Z3_ast jan1(aeo_solver *s, Z3_ast y) {
    Z3_ast y1 = isub(s, y, mk_i64(s, 1));
    Z3_ast d = iadd(s, iadd(s, imul(s, 365, y1), isub(s, idiv(s, y1, 4), idiv(s, y1, 100))), idiv(s, y1, 400));
    return isub(s, d, mk_i64(s, 719162));
}

static const civil *civil_of(aeo_solver *s, Z3_ast ns) {
    unsigned id = Z3_get_ast_id(s->z, ns);
    for (uint32_t i = 0; i < s->n_civil; i++)
        if (s->civil[i].id == id) return &s->civil[i];
    if (s->n_civil == s->cap_civil) {
        s->cap_civil = s->cap_civil ? s->cap_civil * 2 : 8;
        s->civil = aeo_xrealloc(s->civil, s->cap_civil * sizeof *s->civil);
    }
    civil *c = &s->civil[s->n_civil];
    char name[32];
    snprintf(name, sizeof name, "cd!%u", s->n_civil);
    c->day = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), s->s_int);
    snprintf(name, sizeof name, "cy!%u", s->n_civil);
    c->year = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), s->s_int);
    s->n_civil++;
    c->id = id;
    Z3_ast k = mk_num(s, "86400000000000", s->s_int);
    Z3_ast start = Z3_mk_mul(s->z, 2, (Z3_ast[]){k, c->day});
    c->tod = isub(s, ns, start);
    add_domain(s, and2(s, Z3_mk_le(s->z, start, ns), Z3_mk_lt(s->z, ns, iadd(s, start, k))));
    add_domain(s, and2(s, Z3_mk_le(s->z, jan1(s, c->year), c->day),
                       Z3_mk_lt(s->z, c->day, jan1(s, iadd(s, c->year, mk_i64(s, 1))))));
    add_domain(s, in_range(s, c->year, mk_i64(s, 1), mk_i64(s, 9999)));
    c->doy = isub(s, c->day, jan1(s, c->year));
    Z3_ast m4 = Z3_mk_eq(s->z, Z3_mk_mod(s->z, c->year, mk_i64(s, 4)), mk_i64(s, 0));
    Z3_ast m100 = Z3_mk_eq(s->z, Z3_mk_mod(s->z, c->year, mk_i64(s, 100)), mk_i64(s, 0));
    Z3_ast m400 = Z3_mk_eq(s->z, Z3_mk_mod(s->z, c->year, mk_i64(s, 400)), mk_i64(s, 0));
    c->leap = and2(s, m4, or2(s, not1(s, m100), m400));
    return c;
}

/* Where month [m] (0-based) starts in a year, in days from 1 January. */
static Z3_ast month_start(aeo_solver *s, const civil *c, int m) {
    static const int base[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    Z3_ast b = mk_i64(s, base[m]);
    return m >= 2 ? ite(s, c->leap, mk_i64(s, base[m] + 1), b) : b;
}

static Z3_ast civil_aux(aeo_solver *s, Z3_ast ns, const char *name) {
    const civil *c = civil_of(s, ns);
    if (strcmp(name, "getFullYear") == 0) return c->year;
    if (strcmp(name, "getDayOfYear") == 0) return c->doy;
    if (strcmp(name, "getDayOfWeek") == 0) return Z3_mk_mod(s->z, iadd(s, c->day, mk_i64(s, 4)), mk_i64(s, 7));
    if (strcmp(name, "getHours") == 0) return idiv(s, c->tod, INT64_C(3600000000000));
    if (strcmp(name, "getMinutes") == 0) return Z3_mk_mod(s->z, idiv(s, c->tod, INT64_C(60000000000)), mk_i64(s, 60));
    if (strcmp(name, "getSeconds") == 0) return Z3_mk_mod(s->z, idiv(s, c->tod, 1000000000), mk_i64(s, 60));
    if (strcmp(name, "getMilliseconds") == 0) return Z3_mk_mod(s->z, idiv(s, c->tod, 1000000), mk_i64(s, 1000));
    bool month = strcmp(name, "getMonth") == 0, dom = strcmp(name, "getDayOfMonth") == 0, date = strcmp(name, "getDate") == 0;
    if (!month && !dom && !date) return NULL;
    /* the last month whose start is at or before the day of the year */
    Z3_ast mi = mk_i64(s, 0), start = mk_i64(s, 0);
    for (int m = 1; m < 12; m++) {
        Z3_ast here = Z3_mk_ge(s->z, c->doy, month_start(s, c, m));
        mi = ite(s, here, mk_i64(s, m), mi);
        start = ite(s, here, month_start(s, c, m), start);
    }
    if (month) return mi;
    Z3_ast d0 = isub(s, c->doy, start);
    return dom ? d0 : iadd(s, d0, mk_i64(s, 1));
}

/* A macro's result: [range]'s badness when it is bad (the VM pushes a bad
 * range as the result), else [r]. */
static sym *guarded(aeo_solver *s, const sym *range, const sym *r) {
    sym *g = sym_new(s, r->k);
    Z3_ast rok = ok_of(s, range);
    g->unk = or2(s, range->unk, and2(s, rok, r->unk));
    g->err = or2(s, and2(s, not1(s, range->unk), range->err), and2(s, rok, r->err));
    g->v = r->v;
    return g;
}

/* A list or map literal is strict in its items: their unknowns, then errors. */
static void aggregate(aeo_solver *s, sym *r) {
    Z3_ast u = s->f, e = s->f;
    for (uint32_t i = 0; i < r->n; i++) {
        u = or2(s, u, r->items[i]->unk);
        e = or2(s, e, r->items[i]->err);
        if (r->vals) {
            u = or2(s, u, r->vals[i]->unk);
            e = or2(s, e, r->vals[i]->err);
        }
    }
    r->unk = u;
    r->err = and2(s, not1(s, u), e);
}

/* ---- matches(): RE2's syntax, as PCRE2 runs it, to Z3 regexes -------------------------------- */

/* A byte range [lo-hi] as a regex over the solver's byte strings. */
static Z3_ast re_bytes(aeo_solver *s, unsigned lo, unsigned hi) {
    char a = (char)lo, b = (char)hi;
    return Z3_mk_re_range(s->z, mk_str(s, &a, 1), mk_str(s, &b, 1));
}

static Z3_ast re_cat(aeo_solver *s, unsigned n, const Z3_ast *parts) {
    return n == 1 ? parts[0] : Z3_mk_re_concat(s->z, n, parts);
}

static Z3_ast re_or(aeo_solver *s, Z3_ast a, Z3_ast b) {
    if (!a) return b;
    return Z3_mk_re_union(s->z, 2, (Z3_ast[]){a, b});
}

/* One code point in UTF-8 other than NUL (RFC 3629's table). */
static Z3_ast re_code_point(aeo_solver *s) {
    Z3_ast c = re_bytes(s, 0x80, 0xbf);
    Z3_ast alts[8] = {
        re_bytes(s, 0x01, 0x7f),
        re_cat(s, 2, (Z3_ast[]){re_bytes(s, 0xc2, 0xdf), c}),
        re_cat(s, 3, (Z3_ast[]){re_bytes(s, 0xe0, 0xe0), re_bytes(s, 0xa0, 0xbf), c}),
        re_cat(s, 3, (Z3_ast[]){Z3_mk_re_union(s->z, 2, (Z3_ast[]){re_bytes(s, 0xe1, 0xec), re_bytes(s, 0xee, 0xef)}), c, c}),
        re_cat(s, 3, (Z3_ast[]){re_bytes(s, 0xed, 0xed), re_bytes(s, 0x80, 0x9f), c}),
        re_cat(s, 4, (Z3_ast[]){re_bytes(s, 0xf0, 0xf0), re_bytes(s, 0x90, 0xbf), c, c}),
        re_cat(s, 4, (Z3_ast[]){re_bytes(s, 0xf1, 0xf3), c, c, c}),
        re_cat(s, 4, (Z3_ast[]){re_bytes(s, 0xf4, 0xf4), re_bytes(s, 0x80, 0x8f), c, c}),
    };
    return Z3_mk_re_union(s->z, 8, alts);
}

typedef struct re_parser {
    aeo_solver *s;
    const char *p, *end;
    Z3_ast cp;                 /* one code point */
    const char *why;           /* what is not translated */
} re_parser;

static Z3_ast re_alt(re_parser *r, int depth);

/* The code points not in [set] (a regex of code points). */
static Z3_ast re_not(re_parser *r, Z3_ast set) {
    return Z3_mk_re_intersect(r->s->z, 2, (Z3_ast[]){r->cp, Z3_mk_re_complement(r->s->z, set)});
}

/* \d, \w, \s and their negations (ASCII: PCRE2 without UCP), or NULL. */
static Z3_ast re_perl_class(re_parser *r, char c) {
    aeo_solver *s = r->s;
    Z3_ast set;
    switch (c | 0x20) {
    case 'd': set = re_bytes(s, '0', '9'); break;
    case 'w':
        set = Z3_mk_re_union(s->z, 4, (Z3_ast[]){re_bytes(s, '0', '9'), re_bytes(s, 'A', 'Z'), re_bytes(s, 'a', 'z'),
                                                 re_bytes(s, '_', '_')});
        break;
    case 's': set = Z3_mk_re_union(s->z, 2, (Z3_ast[]){re_bytes(s, 0x09, 0x0d), re_bytes(s, ' ', ' ')}); break;
    default: return NULL;
    }
    return c >= 'a' ? set : re_not(r, set);
}

/* The byte an escape \c stands for (\n, \t, \r, \f, or a punctuation
 * character itself), or -1. */
static int re_escape_byte(char c) {
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'f': return '\f';
    default: break;
    }
    unsigned char u = (unsigned char)c;
    if (u < 0x80 && !(u >= '0' && u <= '9') && !(u >= 'A' && u <= 'Z') && !(u >= 'a' && u <= 'z') && u > ' ') return c;
    return -1;
}

/* The length of the UTF-8 character at p (1 for a byte that starts none). */
static size_t re_char_len(const char *p, const char *end) {
    size_t n = aeo_printable_char_len(p, (size_t)(end - p));
    return n ? n : 1;
}

/* [...]: its members (ASCII ranges, escapes, single characters). */
static Z3_ast re_class(re_parser *r) {
    aeo_solver *s = r->s;
    bool neg = r->p < r->end && *r->p == '^';
    if (neg) r->p++;
    Z3_ast set = NULL;
    bool first = true;
    while (r->p < r->end && (*r->p != ']' || first)) {
        first = false;
        const char *c0 = r->p;
        int lo;
        if (*r->p == '\\') {
            if (r->p + 1 >= r->end) return r->why = "a pattern that ends in \\", NULL;
            Z3_ast pc = re_perl_class(r, r->p[1]);
            if (pc) {
                set = re_or(s, set, pc);
                r->p += 2;
                continue;
            }
            lo = re_escape_byte(r->p[1]);
            if (lo < 0) return r->why = "an escape in a character class", NULL;
            r->p += 2;
        } else if (*r->p == '[') {
            return r->why = "a POSIX class or '[' in a character class", NULL;
        } else if ((unsigned char)*r->p >= 0x80) {
            size_t n = re_char_len(r->p, r->end);
            if (r->p + n < r->end && r->p[n] == '-' && r->p + n + 1 < r->end && r->p[n + 1] != ']')
                return r->why = "a range of characters beyond ASCII", NULL;
            set = re_or(s, set, Z3_mk_seq_to_re(s->z, mk_str(s, r->p, n)));
            r->p += n;
            continue;
        } else {
            lo = (unsigned char)*r->p++;
        }
        (void)c0;
        if (r->p + 1 < r->end && *r->p == '-' && r->p[1] != ']') {
            r->p++;
            int hi;
            if (*r->p == '\\') {
                if (r->p + 1 >= r->end || (hi = re_escape_byte(r->p[1])) < 0 || re_perl_class(r, r->p[1]))
                    return r->why = "a range ending in an escape", NULL;
                r->p += 2;
            } else if ((unsigned char)*r->p >= 0x80) {
                return r->why = "a range of characters beyond ASCII", NULL;
            } else {
                hi = (unsigned char)*r->p++;
            }
            if (hi < lo) return r->why = "a range out of order", NULL;
            set = re_or(s, set, re_bytes(s, (unsigned)lo, (unsigned)hi));
        } else {
            set = re_or(s, set, re_bytes(s, (unsigned)lo, (unsigned)lo));
        }
    }
    if (r->p >= r->end) return r->why = "an unclosed '['", NULL;
    r->p++;   /* ']' */
    if (!set) return r->why = "an empty class", NULL;
    return neg ? re_not(r, set) : set;
}

/* One atom, NULL (with r->why) when it is not translated. */
static Z3_ast re_atom(re_parser *r, int depth) {
    aeo_solver *s = r->s;
    char c = *r->p;
    if (c == '(') {
        r->p++;
        if (r->p < r->end && *r->p == '?') {
            if (r->p + 1 < r->end && r->p[1] == ':') r->p += 2;
            else return r->why = "a group with (?...), a flag or a lookaround", NULL;
        }
        Z3_ast g = re_alt(r, depth + 1);
        if (!g) return NULL;
        if (r->p >= r->end || *r->p != ')') return r->why = "an unclosed '('", NULL;
        r->p++;
        return g;
    }
    if (c == '.') {
        r->p++;
        return re_not(r, re_bytes(s, '\n', '\n'));
    }
    if (c == '[') {
        r->p++;
        return re_class(r);
    }
    if (c == '\\') {
        if (r->p + 1 >= r->end) return r->why = "a pattern that ends in \\", NULL;
        Z3_ast pc = re_perl_class(r, r->p[1]);
        int b = pc ? 0 : re_escape_byte(r->p[1]);
        if (!pc && b < 0) return r->why = "this escape (\\b, \\A, \\p, \\x, a backreference, ...)", NULL;
        r->p += 2;
        if (pc) return pc;
        char ch = (char)b;
        return Z3_mk_seq_to_re(s->z, mk_str(s, &ch, 1));
    }
    if (c == '^' || c == '$') return r->why = "an anchor inside the pattern", NULL;
    if (c == '*' || c == '+' || c == '?' || c == '{') return r->why = "a quantifier with nothing to repeat", NULL;
    size_t n = re_char_len(r->p, r->end);
    Z3_ast lit = Z3_mk_seq_to_re(s->z, mk_str(s, r->p, n));
    r->p += n;
    return lit;
}

/* A decimal count of a {n,m} quantifier; false past 1000. */
static bool re_count(re_parser *r, unsigned *out) {
    if (r->p >= r->end || *r->p < '0' || *r->p > '9') return false;
    unsigned v = 0;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
        v = v * 10 + (unsigned)(*r->p++ - '0');
        if (v > 1000) return false;
    }
    *out = v;
    return true;
}

static Z3_ast re_concat(re_parser *r, int depth) {
    aeo_solver *s = r->s;
    Z3_ast acc = NULL;
    while (r->p < r->end && *r->p != '|' && *r->p != ')') {
        Z3_ast a = re_atom(r, depth);
        if (!a) return NULL;
        bool quantified = false;
        while (r->p < r->end && (*r->p == '*' || *r->p == '+' || *r->p == '?' || *r->p == '{')) {
            if (quantified) return r->why = "a quantifier after a quantifier (possessive, or repeated)", NULL;
            quantified = true;
            char q = *r->p++;
            if (q == '*') a = Z3_mk_re_star(s->z, a);
            else if (q == '+') a = Z3_mk_re_plus(s->z, a);
            else if (q == '?') a = Z3_mk_re_option(s->z, a);
            else {
                unsigned lo, hi;
                if (!re_count(r, &lo)) return r->why = "a '{' that is not a count of 0 to 1000", NULL;
                hi = lo;
                bool open = false;
                if (r->p < r->end && *r->p == ',') {
                    r->p++;
                    if (r->p < r->end && *r->p == '}') open = true;
                    else if (!re_count(r, &hi)) return r->why = "a '{' that is not a count of 0 to 1000", NULL;
                }
                if (r->p >= r->end || *r->p != '}') return r->why = "a '{' that is not a count of 0 to 1000", NULL;
                r->p++;
                if (!open && hi < lo) return r->why = "a count out of order", NULL;
                if (open) a = lo ? Z3_mk_re_loop(s->z, a, lo, 0) : Z3_mk_re_star(s->z, a);
                else if (hi == 0) a = Z3_mk_seq_to_re(s->z, mk_str(s, "", 0));
                else a = Z3_mk_re_loop(s->z, a, lo, hi);
            }
            /* a lazy quantifier matches the same strings */
            if (r->p < r->end && *r->p == '?') r->p++;
        }
        acc = acc ? Z3_mk_re_concat(s->z, 2, (Z3_ast[]){acc, a}) : a;
    }
    return acc ? acc : Z3_mk_seq_to_re(s->z, mk_str(s, "", 0));
}

static Z3_ast re_alt(re_parser *r, int depth) {
    if (depth > 100) return r->why = "groups nested so deeply", NULL;
    Z3_ast acc = re_concat(r, depth);
    while (acc && r->p < r->end && *r->p == '|') {
        r->p++;
        Z3_ast b = re_concat(r, depth);
        if (!b) return NULL;
        acc = re_or(r->s, acc, b);
    }
    return acc;
}

/* [str].matches([pattern]) for a constant pattern: an unanchored search,
 * '^' at its start and '$' at its end anchoring it; the VM's PCRE2 gives
 * an error on a subject that is not UTF-8 (a string the solver may make,
 * a fact never holds). */
static sym *tr_matches(aeo_solver *s, const sym *a, aeo_value pat) {
    re_parser r = {s, pat.as.s->data, pat.as.s->data + pat.as.s->len, re_code_point(s), NULL};
    bool start = r.p < r.end && *r.p == '^';
    if (start) r.p++;
    size_t bs = 0;   /* backslashes before a final '$': an odd number escapes it */
    while (r.end - 1 - (ptrdiff_t)bs > r.p && r.end[-2 - (ptrdiff_t)bs] == '\\') bs++;
    bool end = r.end > r.p && r.end[-1] == '$' && bs % 2 == 0;
    if (end) r.end--;
    for (const char *q = r.p; q < r.end; q++)
        if (*q == '\\') q++;
        else if (*q == '|' && (start || end)) return fail(s, "matches() with an anchor and a top-level '|'"), NULL;
    Z3_ast re = re_alt(&r, 0);
    if (re && r.p != r.end) re = NULL, r.why = "an unbalanced ')'";
    if (!re) return fail(s, "matches() with %s", r.why ? r.why : "this pattern"), NULL;
    Z3_ast any = Z3_mk_re_full(s->z, Z3_mk_re_sort(s->z, s->s_str));
    Z3_ast parts[3];
    unsigned n = 0;
    if (!start) parts[n++] = any;
    parts[n++] = re;
    if (!end) parts[n++] = any;
    Z3_ast v = Z3_mk_seq_in_re(s->z, a->v, re_cat(s, n, parts));
    Z3_ast utf8 = Z3_mk_seq_in_re(s->z, a->v, Z3_mk_re_star(s->z, r.cp));
    return strict(s, K_BOOL, a, NULL, v, not1(s, utf8));
}

/* all, exists, exists_one and filter over the list fact [range]: the
 * predicate instantiated per entry, an entry that is not in the list
 * (count 0, or filtered out) taking no part; exists_one counts, filter
 * narrows the entries.  exists_one and filter are strict in the
 * predicate's outcomes (the VM's COUNT and FILTER poison the result), all
 * and exists combine them by the commutative && and ||. */
static sym *seq_macro(aeo_solver *s, frame *fr, const aeo_expr *e, const sym *range) {
    if (!seq_ensure(s, range)) return NULL;
    fnode *nd = &s->nodes[range->node];
    uint32_t slot = e->u.call.args[0]->ref_index;
    if (s->n_outer >= sizeof s->outer / sizeof s->outer[0] || slot >= 256)
        return fail(s, "comprehensions nested so deeply"), NULL;
    Z3_ast x = seq_xvar(s, range);
    sym *saved = fr->locals[slot];
    fr->locals[slot] = known(s, nd->elem, x);
    s->outer[s->n_outer++] = x;
    sym *p = tr(s, fr, e->u.call.args[1]);
    s->n_outer--;
    fr->locals[slot] = saved;
    if (!p) return NULL;
    nd = &s->nodes[range->node];
    sym **per = aeo_arena_alloc(s->za, (nd->n_items + 1) * sizeof *per);
    if (!seq_inst(s, range, x, p, per)) return NULL;
    uint32_t m = nd->n_items;
    if (e->macro == AEO_MACRO_ALL || e->macro == AEO_MACRO_EXISTS) {
        bool all = e->macro == AEO_MACRO_ALL;
        sym *acc = known(s, K_BOOL, all ? s->t : s->f);
        for (uint32_t i = 0; i < m; i++) {
            Z3_ast act = seq_act(s, range, i);
            sym *q = sym_new(s, K_BOOL);
            q->unk = and2(s, act, per[i]->unk);
            q->err = and2(s, act, per[i]->err);
            q->v = all ? or2(s, not1(s, act), per[i]->v) : and2(s, act, per[i]->v);
            acc = logic(s, all, acc, q);
        }
        return guarded(s, range, acc);
    }
    sym *strict_acc = known(s, K_BOOL, s->t);
    Z3_ast *act = aeo_arena_alloc(s->za, (m + 1) * sizeof *act);
    for (uint32_t i = 0; i < m; i++) {
        Z3_ast a = seq_act(s, range, i);
        sym *q = sym_new(s, K_BOOL);
        q->unk = and2(s, a, per[i]->unk);
        q->err = and2(s, a, per[i]->err);
        strict_acc = strict(s, K_BOOL, strict_acc, q, s->t, NULL);
        act[i] = and2(s, a, per[i]->v);
    }
    if (e->macro == AEO_MACRO_EXISTS_ONE) {
        Z3_ast one = Z3_mk_eq(s->z, seq_sum(s, nd, act), mk_i64(s, 1));
        return strict(s, K_BOOL, range, strict_acc, one, NULL);
    }
    /* filter */
    sym *r = sym_new(s, K_FLIST);
    r->node = range->node;
    r->act = act;
    sym *g = guarded(s, range, strict_acc);
    r->unk = g->unk;
    r->err = g->err;
    return r;
}

/* ---- string views: size(), lowerAscii(), upperAscii() of a string ------------------------------ */

/* The solver's strings are bytes, and neither the code points of one nor
 * its ASCII case folding is a term of Z3's string theory.  Both are exact,
 * though, as regular expressions over the bytes, once the other side is a
 * constant: size(S) OP k holds when S's code points (its bytes that are not
 * UTF-8 continuation bytes: strings are valid UTF-8) number OP k;
 * lowerAscii(S) == "c", in a constant list, and startsWith, endsWith or
 * contains of a constant, when S matches the constant with each ASCII
 * letter in either case.  tr() and tr_call() try these forms first
 * (tr_view_cmp, tr_view_method); any other use of a view is outside. */
typedef enum { VIEW_NONE, VIEW_SIZE, VIEW_LOWER, VIEW_UPPER } view_kind;

static bool is_string_type(const aeo_type *t) { return t && (t->kind == AEO_T_STRING || t->kind == AEO_T_ENUM); }

/* When [e] (a def without parameters followed) is size(S), S.size(),
 * S.lowerAscii() or S.upperAscii() of a string S: S, with *[vk]; else NULL. */
static const aeo_expr *str_view(aeo_solver *s, const aeo_expr *e, view_kind *vk) {
    for (int depth = 0; e && e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_DEF && depth < 64; depth++)
        e = s->cur->c->defs.items[e->ref_index]->value;
    if (!e || e->kind != AEO_EXPR_CALL || e->ref != AEO_REF_BUILTIN) return NULL;
    const char *name = e->u.call.name;
    const aeo_expr *tg = e->u.call.target;
    uint32_t n = e->u.call.n_args;
    const aeo_expr *arg = NULL;
    if (strcmp(name, "size") == 0 && ((tg && n == 0) || (!tg && n == 1))) {
        arg = tg ? tg : e->u.call.args[0];
        *vk = VIEW_SIZE;
    } else if (tg && n == 0 && (strcmp(name, "lowerAscii") == 0 || strcmp(name, "upperAscii") == 0)) {
        arg = tg;
        *vk = name[0] == 'l' ? VIEW_LOWER : VIEW_UPPER;
    }
    return arg && is_string_type(arg->type) ? arg : NULL;
}

/* The code points of the UTF-8 string [p, n]. */
static int64_t utf8_count(const char *p, size_t n) {
    int64_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)p[i] & 0xc0) != 0x80;
    return k;
}

/* [x] with its ASCII letters lowered ([lower]) or raised, in the solver's arena. */
static aeo_value fold_ascii(aeo_solver *s, aeo_value x, bool lower) {
    char *b = aeo_arena_alloc(s->za, x.as.s->len + 1);
    for (uint32_t i = 0; i < x.as.s->len; i++) {
        char c = x.as.s->data[i];
        if (lower && c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (!lower && c >= 'a' && c <= 'z') c = (char)(c - 32);
        b[i] = c;
    }
    return aeo_string(s->za, b, x.as.s->len);
}

/* The strings S whose code points number OP k, as a regex: a code point
 * is C* N, N a byte that starts one, C a continuation byte. */
static Z3_ast re_size(aeo_solver *s, aeo_operator op, int64_t k, bool *never, bool *always) {
    *never = *always = false;
    if (op == AEO_OPR_LT) op = AEO_OPR_LE, k--;
    if (op == AEO_OPR_GT) op = AEO_OPR_GE, k++;
    Z3_ast c = Z3_mk_re_star(s->z, re_bytes(s, 0x80, 0xbf));
    Z3_ast n = re_or(s, re_bytes(s, 0x01, 0x7f), re_bytes(s, 0xc0, 0xff));
    Z3_ast nc = re_cat(s, 2, (Z3_ast[]){n, c});
    if (op == AEO_OPR_GE) {
        if (k <= 0) return *always = true, NULL;
        Z3_ast full = Z3_mk_re_full(s->z, Z3_mk_re_sort(s->z, s->s_str));
        return re_cat(s, 3, (Z3_ast[]){c, Z3_mk_re_loop(s->z, nc, (unsigned)k, (unsigned)k), full});
    }
    if (k < 0) return *never = true, NULL;
    if (k == 0) return c;
    /* LE: 0 to k code points; EQ: exactly k */
    return re_cat(s, 2, (Z3_ast[]){c, Z3_mk_re_loop(s->z, nc, op == AEO_OPR_LE ? 0 : (unsigned)k, (unsigned)k)});
}

/* The strings S whose fold ([vk]) is the constant [x], as a regex; NULL
 * when none is (a lowered string has no capital). */
static Z3_ast re_folded(aeo_solver *s, view_kind vk, aeo_value x) {
    uint32_t len = x.as.s->len;
    if (len == 0) return Z3_mk_seq_to_re(s->z, mk_str(s, "", 0));
    Z3_ast *parts = aeo_arena_alloc(s->za, len * sizeof *parts);
    for (uint32_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)x.as.s->data[i];
        bool lo = c >= 'a' && c <= 'z', up = c >= 'A' && c <= 'Z';
        if ((vk == VIEW_LOWER && up) || (vk == VIEW_UPPER && lo)) return NULL;
        if (lo || up) {
            unsigned other = lo ? c - 32u : c + 32u;
            parts[i] = re_or(s, re_bytes(s, c, c), re_bytes(s, other, other));
        } else {
            parts[i] = re_bytes(s, c, c);
        }
    }
    return re_cat(s, len, parts);
}

/* A string theory test [how] ('=' equal, 's' prefix, 'e' suffix, 'c'
 * substring) of [a] against every string whose fold ([vk]) is the constant
 * [x]: the disjunction of the native tests over the case variants of x's
 * letters when they are few (Z3 settles those far faster than a regex),
 * else a regex; NULL when no string folds to x. */
static Z3_ast folded_test(aeo_solver *s, view_kind vk, aeo_value x, char how, Z3_ast a) {
    uint32_t len = x.as.s->len, letters = 0;
    for (uint32_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)x.as.s->data[i];
        bool lo = c >= 'a' && c <= 'z', up = c >= 'A' && c <= 'Z';
        if ((vk == VIEW_LOWER && up) || (vk == VIEW_UPPER && lo)) return NULL;
        letters += lo || up;
    }
    if (how != '=' || letters > 6) {
        Z3_ast re = re_folded(s, vk, x);
        Z3_ast full = Z3_mk_re_full(s->z, Z3_mk_re_sort(s->z, s->s_str));
        Z3_ast r = how == '=' ? re
                   : how == 's' ? re_cat(s, 2, (Z3_ast[]){re, full})
                   : how == 'e' ? re_cat(s, 2, (Z3_ast[]){full, re})
                                : re_cat(s, 3, (Z3_ast[]){full, re, full});
        return Z3_mk_seq_in_re(s->z, a, r);
    }
    char *b = aeo_xmalloc(len + 1);
    Z3_ast any = s->f;
    for (uint32_t mask = 0; mask < (1u << letters); mask++) {
        uint32_t bit = 0;
        for (uint32_t i = 0; i < len; i++) {
            char c = x.as.s->data[i];
            bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            b[i] = letter && (mask >> bit++ & 1) ? (char)(c ^ 0x20) : c;
        }
        Z3_ast k = mk_str(s, b, len);
        Z3_ast t = how == '=' ? Z3_mk_eq(s->z, a, k)
                   : how == 's' ? Z3_mk_seq_prefix(s->z, k, a)
                   : how == 'e' ? Z3_mk_seq_suffix(s->z, k, a)
                                : Z3_mk_seq_contains(s->z, a, k);
        any = or2(s, any, t);
    }
    free(b);
    return any;
}

/* The constant strings of [e]: a list literal of literals, or a const
 * holding one. */
static bool const_strings(aeo_solver *s, const aeo_expr *e, aeo_value **out, uint32_t *n) {
    for (int depth = 0; e->kind == AEO_EXPR_IDENT && e->ref == AEO_REF_CONST && depth < 64; depth++)
        e = s->cur->c->consts.items[e->ref_index]->value;
    if (e->kind != AEO_EXPR_LIST) return false;
    *n = e->u.list.n;
    *out = aeo_arena_alloc(s->za, (*n + 1) * sizeof **out);
    for (uint32_t i = 0; i < *n; i++)
        if (!const_value(s, e->u.list.items[i], &(*out)[i]) || (*out)[i].kind != AEO_V_STRING) return false;
    return true;
}

/* A comparison, == or `in` [e] one side of which is a view and the other a
 * constant: its translation, with *[done]; *[done] false when [e] is not
 * one (NULL returned after fail when it is one outside the fragment). */
static sym *tr_view_cmp(aeo_solver *s, frame *fr, const aeo_expr *e, bool *done) {
    *done = false;
    aeo_operator op = e->u.binary.op;
    if (op != AEO_OPR_EQ && op != AEO_OPR_NE && op != AEO_OPR_LT && op != AEO_OPR_LE && op != AEO_OPR_GT &&
        op != AEO_OPR_GE && op != AEO_OPR_IN)
        return NULL;
    view_kind vk = VIEW_NONE;
    const aeo_expr *side = e->u.binary.a, *other = e->u.binary.b;
    const aeo_expr *base = str_view(s, side, &vk);
    if (!base && op != AEO_OPR_IN) {
        side = e->u.binary.b, other = e->u.binary.a;
        base = str_view(s, side, &vk);
        /* k < size(S) is size(S) > k */
        if (op == AEO_OPR_LT) op = AEO_OPR_GT;
        else if (op == AEO_OPR_LE) op = AEO_OPR_GE;
        else if (op == AEO_OPR_GT) op = AEO_OPR_LT;
        else if (op == AEO_OPR_GE) op = AEO_OPR_LE;
    }
    if (!base) return NULL;
    aeo_value k;
    aeo_value *list = NULL;
    uint32_t n_list = 0;
    if (vk == VIEW_SIZE) {
        if (op == AEO_OPR_IN || !const_value(s, other, &k) || k.kind != AEO_V_INT) return NULL;
    } else if (op == AEO_OPR_IN) {
        if (!const_strings(s, other, &list, &n_list)) return NULL;
    } else if (op != AEO_OPR_EQ && op != AEO_OPR_NE) {
        return NULL;
    } else if (!const_value(s, other, &k) || k.kind != AEO_V_STRING) {
        return NULL;
    }
    *done = true;
    if (vk != VIEW_SIZE && op != AEO_OPR_IN) note_string(s, k);
    for (uint32_t i = 0; i < n_list; i++) note_string(s, list[i]);
    sym *a = tr(s, fr, base);
    if (!a) return NULL;
    if (a->k != K_STR) return fail(s, "size() or a case fold of a value that is not a string"), NULL;
    if (vk == VIEW_SIZE) {
        bool never, always;
        aeo_operator rop = op == AEO_OPR_NE ? AEO_OPR_EQ : op;
        if (k.as.i > 100000 || k.as.i < -100000) return fail(s, "size() of a string compared with so large a number"), NULL;
        Z3_ast re = re_size(s, rop, k.as.i, &never, &always);
        Z3_ast v = always ? s->t : never ? s->f : Z3_mk_seq_in_re(s->z, a->v, re);
        return strict(s, K_BOOL, a, NULL, op == AEO_OPR_NE ? not1(s, v) : v, NULL);
    }
    if (op == AEO_OPR_IN) {
        Z3_ast any = s->f;
        for (uint32_t i = 0; i < n_list; i++) {
            Z3_ast t = folded_test(s, vk, list[i], '=', a->v);
            if (t) any = or2(s, any, t);
        }
        return strict(s, K_BOOL, a, NULL, any, NULL);
    }
    Z3_ast t = folded_test(s, vk, k, '=', a->v);
    if (!t) t = s->f;
    return strict(s, K_BOOL, a, NULL, op == AEO_OPR_NE ? not1(s, t) : t, NULL);
}

/* S.lowerAscii() (or upperAscii) .startsWith, .endsWith or .contains of a
 * constant: its translation. */
static sym *tr_view_method(aeo_solver *s, frame *fr, const aeo_expr *e, view_kind vk, const aeo_expr *base) {
    const char *name = e->u.call.name;
    aeo_value k;
    if (!const_value(s, e->u.call.args[0], &k) || k.kind != AEO_V_STRING)
        return fail(s, "%s() of a case-folded string with an argument that is not a constant", name), NULL;
    note_string(s, k);
    sym *a = tr(s, fr, base);
    if (!a) return NULL;
    if (a->k != K_STR) return fail(s, "a case fold of a value that is not a string"), NULL;
    Z3_ast t = folded_test(s, vk, k, name[0] == 's' ? 's' : name[0] == 'e' ? 'e' : 'c', a->v);
    return strict(s, K_BOOL, a, NULL, t ? t : s->f, NULL);
}

/* size() of a string: its code points, for a constant; any other is
 * outside unless compared with a constant (tr_view_cmp). */
static sym *str_size(aeo_solver *s, const sym *a) {
    if (a->has_const && a->cval.kind == AEO_V_STRING)
        return const_sym(s, aeo_int(utf8_count(a->cval.as.s->data, a->cval.as.s->len)));
    return fail(s, "size() of a string other than compared with a constant int"), NULL;
}

/* size() of [a]: a list fact's is the sum of its counts; a list or map
 * literal's (or const's) its length. */
static sym *tr_size(aeo_solver *s, const sym *a) {
    if (a->k == K_FLIST) {
        if (!seq_ensure(s, a)) return NULL;
        return strict(s, K_INT, a, NULL, seq_sum(s, &s->nodes[a->node], a->act), NULL);
    }
    if (a->k == K_LIST || a->k == K_MAP) return strict(s, K_INT, a, NULL, mk_i64(s, a->n), NULL);
    if (a->k == K_STR) return str_size(s, a);
    return fail(s, "size() of a value that is not a list, a map or a string"), NULL;
}

static sym *tr_call(aeo_solver *s, frame *fr, const aeo_expr *e) {
    const char *name = e->u.call.name;
    uint32_t n = e->u.call.n_args;
    if (e->ref == AEO_REF_MACRO) {
        if (e->macro == AEO_MACRO_HAS) {
            const aeo_expr *a = e->u.call.args[0];
            if (a->kind != AEO_EXPR_SELECT) return fail(s, "has() of something other than a field"), NULL;
            sym *op = tr(s, fr, a->u.select.operand);
            if (!op) return NULL;
            if (op->k == K_REC) {
                const aeo_type *t = a->u.select.operand->type;
                int32_t id = node_child(s, op->node, t->rec, a->u.select.field);
                if (id < 0) return NULL;
                fnode *nd = &s->nodes[id];
                return strict(s, K_BOOL, op, NULL, nd->always ? s->t : nd->present, NULL);
            }
            if (op->k == K_MAP && op->has_const) {
                aeo_value key = aeo_cstring(s->za, a->u.select.field);
                return known(s, K_BOOL, aeo_map_get(op->cval.as.m, key) ? s->t : s->f);
            }
            return fail(s, "has() on a value other than a record or a constant map"), NULL;
        }
        if (e->macro == AEO_MACRO_ALL || e->macro == AEO_MACRO_EXISTS || e->macro == AEO_MACRO_EXISTS_ONE) {
            if (n != 2) return fail(s, "two-variable %s()", name), NULL;
            sym *range = tr(s, fr, e->u.call.target);
            if (!range) return NULL;
            if (range->k == K_FLIST) return seq_macro(s, fr, e, range);
            if (range->k != K_LIST) return fail(s, "%s() over a map", name), NULL;
            uint32_t slot = e->u.call.args[0]->ref_index;
            sym *saved = fr->locals[slot];
            sym *acc = NULL;
            Z3_ast count_one = s->f, count_any = s->f;   /* exists_one: exactly one, at least one so far */
            sym *strict_acc = known(s, K_BOOL, s->t);
            for (uint32_t i = 0; i < range->n; i++) {
                fr->locals[slot] = range->items[i];
                sym *p = tr(s, fr, e->u.call.args[1]);
                if (!p) return fr->locals[slot] = saved, NULL;
                if (e->macro == AEO_MACRO_EXISTS_ONE) {
                    strict_acc = strict(s, K_BOOL, strict_acc, p, s->t, NULL);
                    count_one = ite(s, p->v, not1(s, count_any), count_one);
                    count_any = or2(s, count_any, p->v);
                } else {
                    acc = acc ? logic(s, e->macro == AEO_MACRO_ALL, acc, p) : p;
                }
            }
            fr->locals[slot] = saved;
            if (e->macro == AEO_MACRO_EXISTS_ONE) {
                strict_acc->v = count_one;
                return strict(s, K_BOOL, range, strict_acc, count_one, NULL);
            }
            if (!acc) acc = known(s, K_BOOL, e->macro == AEO_MACRO_ALL ? s->t : s->f);
            return guarded(s, range, acc);
        }
        if (e->macro == AEO_MACRO_FILTER) {
            sym *range = tr(s, fr, e->u.call.target);
            if (!range) return NULL;
            if (range->k == K_FLIST) return seq_macro(s, fr, e, range);
        }
        return fail(s, "the %s() macro", name), NULL;
    }
    if (strcmp(name, "dyn") == 0 && !e->u.call.target) return tr(s, fr, e->u.call.args[0]);
    if (e->ref == AEO_REF_FUNC) {
        const aeo_decl *d = s->cur->c->defs.items[e->ref_index];
        frame *callee = aeo_xcalloc(1, sizeof *callee);
        for (uint32_t i = 0; i < n; i++) {
            callee->locals[i] = tr(s, fr, e->u.call.args[i]);
            if (!callee->locals[i]) return free(callee), NULL;
        }
        sym *r = tr(s, callee, d->value);
        free(callee);
        return r;
    }
    /* A builtin. */
    const aeo_expr *tg = e->u.call.target;
    view_kind vk = VIEW_NONE;
    const aeo_expr *base = tg ? str_view(s, tg, &vk) : NULL;
    if (tg && n == 1 && base && vk != VIEW_SIZE &&
        (strcmp(name, "startsWith") == 0 || strcmp(name, "endsWith") == 0 || strcmp(name, "contains") == 0))
        return tr_view_method(s, fr, e, vk, base);
    if (tg && n == 0 && (strcmp(name, "lowerAscii") == 0 || strcmp(name, "upperAscii") == 0)) {
        sym *a = tr(s, fr, tg);
        if (!a) return NULL;
        if (a->k == K_STR && a->has_const && a->cval.kind == AEO_V_STRING)
            return const_sym(s, fold_ascii(s, a->cval, name[0] == 'l'));
        return fail(s, "%s() of a string other than compared with, or searched for, a constant", name), NULL;
    }
    /* string() of a string, a bool or an int: Z3's int.to.str writes a
     * natural number in decimal, as CEL does, the sign apart. */
    if (!tg && n == 1 && strcmp(name, "string") == 0) {
        sym *a = tr(s, fr, e->u.call.args[0]);
        if (!a) return NULL;
        if (a->k == K_STR) return a;
        if (a->k == K_BOOL) return strict(s, K_STR, a, NULL, ite(s, a->v, mk_str(s, "true", 4), mk_str(s, "false", 5)), NULL);
        if (a->k == K_INT) {
            Z3_ast neg = Z3_mk_lt(s->z, a->v, mk_i64(s, 0));
            Z3_ast pos = Z3_mk_int_to_str(s->z, a->v);
            Z3_ast minus = Z3_mk_seq_concat(s->z, 2, (Z3_ast[]){mk_str(s, "-", 1), Z3_mk_int_to_str(s->z, Z3_mk_unary_minus(s->z, a->v))});
            return strict(s, K_STR, a, NULL, ite(s, neg, minus, pos), NULL);
        }
        return fail(s, "string() of a value other than a string, a bool or an int"), NULL;
    }
    if (tg && n == 1 &&
        (strcmp(name, "startsWith") == 0 || strcmp(name, "endsWith") == 0 || strcmp(name, "contains") == 0)) {
        sym *a = tr(s, fr, tg), *b = a ? tr(s, fr, e->u.call.args[0]) : NULL;
        if (!b) return NULL;
        if (a->k != K_STR || b->k != K_STR) return fail(s, "%s() on a value that is not a string", name), NULL;
        Z3_ast v = name[0] == 's' ? Z3_mk_seq_prefix(s->z, b->v, a->v)
                   : name[0] == 'e' ? Z3_mk_seq_suffix(s->z, b->v, a->v)
                                    : Z3_mk_seq_contains(s->z, a->v, b->v);
        return strict(s, K_BOOL, a, b, v, NULL);
    }
    if (strcmp(name, "size") == 0 && ((tg && n == 0) || (!tg && n == 1))) {
        sym *a = tr(s, fr, tg ? tg : e->u.call.args[0]);
        return a ? tr_size(s, a) : NULL;
    }
    if (strcmp(name, "matches") == 0 && ((tg && n == 1) || (!tg && n == 2))) {
        aeo_value pat;
        if (!const_value(s, tg ? e->u.call.args[0] : e->u.call.args[1], &pat) || pat.kind != AEO_V_STRING)
            return fail(s, "matches() of a pattern that is not a literal or a const"), NULL;
        sym *a = tr(s, fr, tg ? tg : e->u.call.args[0]);
        if (!a) return NULL;
        if (a->k != K_STR) return fail(s, "matches() on a value that is not a string"), NULL;
        return tr_matches(s, a, pat);
    }
    if (!tg && n == 1 && (strcmp(name, "timestamp") == 0 || strcmp(name, "duration") == 0)) {
        aeo_value lit;
        if (!const_value(s, e->u.call.args[0], &lit) || lit.kind != AEO_V_STRING)
            return fail(s, "%s() of something other than a literal", name), NULL;
        int64_t sec;
        int32_t ns;
        bool ts = name[0] == 't';
        bool ok = ts ? aeo_time_parse_timestamp(lit.as.s->data, lit.as.s->len, &sec, &ns)
                     : aeo_time_parse_duration(lit.as.s->data, lit.as.s->len, &sec, &ns);
        if (!ok) {
            sym *r = sym_new(s, ts ? K_TS : K_DUR);
            r->err = s->t;
            r->v = mk_i64(s, 0);
            return r;
        }
        return const_sym(s, ts ? aeo_timestamp(sec, ns) : aeo_duration(sec, ns));
    }
    if (tg && n == 0 && strncmp(name, "get", 3) == 0) {
        sym *a = tr(s, fr, tg);
        if (!a) return NULL;
        if (a->k == K_TS) {
            Z3_ast v = a->v == s->as_of ? civil_part(s, a->v, name) : civil_aux(s, a->v, name);
            if (v) return strict(s, K_INT, a, NULL, v, NULL);
        }
    }
    /* double() of an int (doubles are reals here, as everywhere: a
     * suggestion is evaluated by the VM before it is printed); int() of a
     * double, its integer part toward zero, with the VM's range error
     * outside (-2^63, 2^63). */
    if (!tg && n == 1 && (strcmp(name, "double") == 0 || strcmp(name, "int") == 0)) {
        sym *a = tr(s, fr, e->u.call.args[0]);
        if (!a) return NULL;
        bool to_real = name[0] == 'd';
        if (a->k == (to_real ? K_REAL : K_INT)) return a;
        if (to_real && a->k == K_INT) return strict(s, K_REAL, a, NULL, Z3_mk_int2real(s->z, a->v), NULL);
        if (!to_real && a->k == K_REAL) {
            Z3_ast x = a->v, zero = mk_real(s, 0), lim = mk_num(s, "9223372036854775808", s->s_real);
            Z3_ast up = Z3_mk_real2int(s->z, x);
            Z3_ast down = Z3_mk_unary_minus(s->z, Z3_mk_real2int(s->z, Z3_mk_unary_minus(s->z, x)));
            Z3_ast inside = and2(s, Z3_mk_lt(s->z, Z3_mk_unary_minus(s->z, lim), x), Z3_mk_lt(s->z, x, lim));
            return strict(s, K_INT, a, NULL, Z3_mk_ite(s->z, Z3_mk_ge(s->z, x, zero), up, down), not1(s, inside));
        }
    }
    return fail(s, "%s %s()", tg ? "the method" : "the function", name), NULL;
}

/* int64 results: an error outside the range. */
static sym *int_result(aeo_solver *s, const sym *a, const sym *b, Z3_ast v, Z3_ast operr) {
    return strict(s, K_INT, a, b, v, or2(s, operr ? operr : s->f, not1(s, int_ok(s, v))));
}

/* Truncating division and remainder of ints, as C's (and CEL's). */
static Z3_ast div_trunc(aeo_solver *s, Z3_ast a, Z3_ast b) {
    Z3_ast zero = mk_i64(s, 0);
    Z3_ast na = Z3_mk_unary_minus(s->z, a), nb = Z3_mk_unary_minus(s->z, b);
    Z3_ast apos = Z3_mk_ge(s->z, a, zero), bpos = Z3_mk_gt(s->z, b, zero);
    return ite(s, apos, ite(s, bpos, Z3_mk_div(s->z, a, b), Z3_mk_unary_minus(s->z, Z3_mk_div(s->z, a, nb))),
               ite(s, bpos, Z3_mk_unary_minus(s->z, Z3_mk_div(s->z, na, b)), Z3_mk_div(s->z, na, nb)));
}

static sym *tr_arith(aeo_solver *s, aeo_operator op, const sym *a, const sym *b) {
    Z3_context z = s->z;
    Z3_ast x[2] = {a->v, b->v};
    if (a->k == K_INT && b->k == K_INT) {
        switch (op) {
        case AEO_OPR_ADD: return int_result(s, a, b, Z3_mk_add(z, 2, x), NULL);
        case AEO_OPR_SUB: return int_result(s, a, b, Z3_mk_sub(z, 2, x), NULL);
        case AEO_OPR_MUL: return int_result(s, a, b, Z3_mk_mul(z, 2, x), NULL);
        case AEO_OPR_DIV:
        case AEO_OPR_MOD: {
            Z3_ast zero = Z3_mk_eq(z, b->v, mk_i64(s, 0));
            Z3_ast q = div_trunc(s, a->v, b->v);
            Z3_ast v = op == AEO_OPR_DIV ? q : Z3_mk_sub(z, 2, (Z3_ast[]){a->v, Z3_mk_mul(z, 2, (Z3_ast[]){b->v, q})});
            Z3_ast ovf = and2(s, Z3_mk_eq(z, a->v, mk_i64(s, INT64_MIN)), Z3_mk_eq(z, b->v, mk_i64(s, -1)));
            return int_result(s, a, b, v, or2(s, zero, ovf));
        }
        default: break;
        }
    }
    if (a->k == K_REAL && b->k == K_REAL) {
        switch (op) {
        case AEO_OPR_ADD: return strict(s, K_REAL, a, b, Z3_mk_add(z, 2, x), NULL);
        case AEO_OPR_SUB: return strict(s, K_REAL, a, b, Z3_mk_sub(z, 2, x), NULL);
        case AEO_OPR_MUL: return strict(s, K_REAL, a, b, Z3_mk_mul(z, 2, x), NULL);
        case AEO_OPR_DIV:
            if (!b->has_const || b->cval.kind != AEO_V_DOUBLE || b->cval.as.d == 0)
                return fail(s, "a division of doubles by something other than a nonzero literal"), NULL;
            return strict(s, K_REAL, a, b, Z3_mk_div(z, a->v, b->v), NULL);
        default: break;
        }
    }
    if (op == AEO_OPR_ADD && a->k == K_STR && b->k == K_STR)
        return strict(s, K_STR, a, b, Z3_mk_seq_concat(z, 2, x), NULL);
    bool ta = a->k == K_TS, tb = b->k == K_TS, da = a->k == K_DUR, db = b->k == K_DUR;
    if (op == AEO_OPR_ADD && ((ta && db) || (da && tb) || (da && db))) {
        Z3_ast v = Z3_mk_add(z, 2, x);
        bool ts = ta || tb;
        return strict(s, ts ? K_TS : K_DUR, a, b, v, not1(s, ts ? ts_ok(s, v) : dur_ok(s, v)));
    }
    if (op == AEO_OPR_SUB && ((ta && tb) || (ta && db) || (da && db))) {
        Z3_ast v = Z3_mk_sub(z, 2, x);
        bool ts = ta && db;
        return strict(s, ts ? K_TS : K_DUR, a, b, v, not1(s, ts ? ts_ok(s, v) : dur_ok(s, v)));
    }
    return fail(s, "the operator %s on these types", aeo_operator_str(op)), NULL;
}

static sym *tr_in(aeo_solver *s, frame *fr, const aeo_expr *e, const sym *a, const sym *b) {
    if (b->k == K_LIST) {
        Z3_ast any = s->f;
        for (uint32_t i = 0; i < b->n; i++) {
            Z3_ast q = eq_val(s, a, b->items[i]);
            if (!q) return fail(s, "'in' on lists of lists or maps"), NULL;
            any = or2(s, any, q);
        }
        return strict(s, K_BOOL, a, b, any, NULL);
    }
    if (b->k == K_MAP) {
        Z3_ast any = s->f;
        for (uint32_t i = 0; i < b->n; i++) {
            Z3_ast q = eq_val(s, a, b->items[i]);
            if (!q) return fail(s, "'in' on a map with such keys"), NULL;
            any = or2(s, any, q);
        }
        return strict(s, K_BOOL, a, b, any, NULL);
    }
    if (b->k == K_FLIST) {
        aeo_value key;
        bool cst = const_value(s, e->u.binary.a, &key);
        if (cst && key.kind == AEO_V_STRING) note_string(s, key);
        if (cst && !s->nodes[b->node].seq && !b->act) return strict(s, K_BOOL, a, b, member_var(s, b->node, key), NULL);
        /* a sequence: some entry in the list equals a */
        if (a->k > K_DUR && a->k != K_NULL) return fail(s, "'in' on lists of lists or maps"), NULL;
        if (!seq_ensure(s, b)) return NULL;
        fnode *nd = &s->nodes[b->node];
        Z3_ast x = seq_xvar(s, b);
        sym *p = known(s, K_BOOL, eq_val(s, known(s, nd->elem, x), a));
        sym **per = aeo_arena_alloc(s->za, (nd->n_items + 1) * sizeof *per);
        if (!seq_inst(s, b, x, p, per)) return NULL;
        Z3_ast any = s->f;
        for (uint32_t i = 0; i < nd->n_items; i++) any = or2(s, any, and2(s, seq_act(s, b, i), per[i]->v));
        return strict(s, K_BOOL, a, b, any, NULL);
    }
    (void)fr;
    return fail(s, "'in' on this kind of value"), NULL;
}

/* m[k] for a constant map (or list) [m]. */
static sym *tr_lookup(aeo_solver *s, const sym *m, const sym *k) {
    if (m->k != K_MAP) return fail(s, "indexing something other than a constant map"), NULL;
    if (m->n == 0) {
        sym *r = strict(s, K_NULL, m, k, NULL, s->t);
        return r;
    }
    skind vk = m->vals[0]->k;
    for (uint32_t i = 0; i < m->n; i++)
        if (m->vals[i]->k != vk || vk > K_DUR) return fail(s, "a map whose values are not all of one scalar type"), NULL;
    Z3_ast v = m->vals[m->n - 1]->v, vunk = s->f, verr = s->f, found = s->f;
    for (uint32_t i = m->n; i-- > 0;) {
        Z3_ast q = eq_val(s, k, m->items[i]);
        if (!q) return fail(s, "a map with such keys"), NULL;
        v = ite(s, q, m->vals[i]->v, v);
        vunk = ite(s, q, m->vals[i]->unk, vunk);
        verr = ite(s, q, m->vals[i]->err, verr);
        found = or2(s, found, q);
    }
    sym *r = strict(s, vk, m, k, v, not1(s, found));
    Z3_ast ok = ok_of(s, r);
    r->unk = or2(s, r->unk, and2(s, ok, vunk));
    r->err = or2(s, r->err, and2(s, and2(s, ok, not1(s, vunk)), verr));
    return r;
}

static sym *tr(aeo_solver *s, frame *fr, const aeo_expr *e) {
    tcat *tc = s->cur;
    const aeo_catalog *c = tc->c;
    switch (e->kind) {
    case AEO_EXPR_BOOL: return const_sym(s, aeo_bool(e->u.b));
    case AEO_EXPR_INT: return const_sym(s, aeo_int(e->u.i));
    case AEO_EXPR_DOUBLE: return const_sym(s, aeo_double(e->u.d));
    case AEO_EXPR_STRING: return const_sym(s, aeo_string(s->za, e->u.str.s, e->u.str.len));
    case AEO_EXPR_NULL: return const_sym(s, aeo_null());
    case AEO_EXPR_IDENT:
        switch (e->ref) {
        case AEO_REF_ROOT: {
            sym *r = sym_new(s, K_REC);
            r->node = 0;
            return r;
        }
        case AEO_REF_AS_OF: return known(s, K_TS, s->as_of);
        case AEO_REF_CONST: {
            const aeo_decl *d = c->consts.items[e->ref_index];
            return tr_def(s, tc->const_state, tc->const_memo, tc->const_why, e->ref_index, d->value, d->name);
        }
        case AEO_REF_DEF: {
            const aeo_decl *d = c->defs.items[e->ref_index];
            return tr_def(s, tc->def_state, tc->def_memo, tc->def_why, e->ref_index, d->value, d->name);
        }
        case AEO_REF_TIER: {
            const aeo_decl *d = c->tiers.items[e->ref_index];
            return tr_def(s, tc->tier_state, tc->tier_memo, tc->tier_why, e->ref_index, d->value, d->name);
        }
        case AEO_REF_MEASURE: return measure_applies(s, tc, e->ref_index);
        case AEO_REF_LOCAL:
            if (e->ref_index < 256 && fr->locals[e->ref_index]) return fr->locals[e->ref_index];
            return fail(s, "the variable '%s'", e->u.ident.name), NULL;
        default: return fail(s, "the name '%s'", e->u.ident.name), NULL;
        }
    case AEO_EXPR_SELECT: {
        sym *op = tr(s, fr, e->u.select.operand);
        if (!op) return NULL;
        if (op->k == K_REC) {
            const aeo_type *t = e->u.select.operand->type;
            if (!t || t->kind != AEO_T_RECORD) return fail(s, "a field of a value of unknown type"), NULL;
            int32_t id = node_child(s, op->node, t->rec, e->u.select.field);
            if (id < 0) return NULL;
            if (s->nodes[id].k == K_NONE) {
                char buf[128];
                return fail(s, "the fact %s of type %s", s->nodes[id].path,
                            aeo_type_format(s->nodes[id].type, buf, sizeof buf)), NULL;
            }
            return read_node(s, op, id);
        }
        if (op->k == K_MAP) {
            sym *k = const_sym(s, aeo_cstring(s->za, e->u.select.field));
            return tr_lookup(s, op, k);
        }
        return fail(s, "the field '%s' of a value that is not a record", e->u.select.field), NULL;
    }
    case AEO_EXPR_INDEX: {
        sym *m = tr(s, fr, e->u.index.operand), *k = m ? tr(s, fr, e->u.index.index) : NULL;
        if (!k) return NULL;
        return tr_lookup(s, m, k);
    }
    case AEO_EXPR_CALL: return tr_call(s, fr, e);
    case AEO_EXPR_LIST: {
        sym *r = sym_new(s, K_LIST);
        r->n = e->u.list.n;
        r->items = aeo_arena_alloc(s->za, (r->n + 1) * sizeof *r->items);
        for (uint32_t i = 0; i < r->n; i++)
            if (!(r->items[i] = tr(s, fr, e->u.list.items[i]))) return NULL;
        aggregate(s, r);
        return r;
    }
    case AEO_EXPR_MAP: {
        sym *r = sym_new(s, K_MAP);
        r->n = e->u.map.n;
        r->items = aeo_arena_alloc(s->za, (r->n + 1) * sizeof *r->items);
        r->vals = aeo_arena_alloc(s->za, (r->n + 1) * sizeof *r->vals);
        for (uint32_t i = 0; i < r->n; i++) {
            if (!(r->items[i] = tr(s, fr, e->u.map.keys[i]))) return NULL;
            if (!r->items[i]->has_const) return fail(s, "a map literal whose keys are not constants"), NULL;
            if (!(r->vals[i] = tr(s, fr, e->u.map.vals[i]))) return NULL;
        }
        aggregate(s, r);
        return r;
    }
    case AEO_EXPR_UNARY: {
        sym *a = tr(s, fr, e->u.unary.a);
        if (!a) return NULL;
        if (e->u.unary.op == AEO_OPR_NOT) {
            if (a->k != K_BOOL) return fail(s, "! of a value that is not a bool"), NULL;
            return strict(s, K_BOOL, a, NULL, not1(s, a->v), NULL);
        }
        if (a->k == K_INT) {
            Z3_ast v = Z3_mk_unary_minus(s->z, a->v);
            return int_result(s, a, NULL, v, NULL);
        }
        if (a->k == K_REAL) return strict(s, K_REAL, a, NULL, Z3_mk_unary_minus(s->z, a->v), NULL);
        if (a->k == K_DUR) {
            Z3_ast v = Z3_mk_unary_minus(s->z, a->v);
            return strict(s, K_DUR, a, NULL, v, not1(s, dur_ok(s, v)));
        }
        return fail(s, "unary - on this type"), NULL;
    }
    case AEO_EXPR_BINARY: {
        aeo_operator op = e->u.binary.op;
        bool done;
        sym *vr = tr_view_cmp(s, fr, e, &done);
        if (done) return vr;
        sym *a = tr(s, fr, e->u.binary.a);
        if (!a) return NULL;
        sym *b = tr(s, fr, e->u.binary.b);
        if (!b) return NULL;
        switch (op) {
        case AEO_OPR_AND:
        case AEO_OPR_OR:
            if (a->k != K_BOOL || b->k != K_BOOL) return fail(s, "%s on values that are not bools", aeo_operator_str(op)), NULL;
            return logic(s, op == AEO_OPR_AND, a, b);
        case AEO_OPR_EQ:
        case AEO_OPR_NE: {
            Z3_ast q = eq_val(s, a, b);
            if (!q) return fail(s, "== on lists, maps or records"), NULL;
            return strict(s, K_BOOL, a, b, op == AEO_OPR_EQ ? q : not1(s, q), NULL);
        }
        case AEO_OPR_LT:
        case AEO_OPR_LE:
        case AEO_OPR_GT:
        case AEO_OPR_GE: {
            Z3_ast q = order_val(s, op, a, b);
            if (!q) return fail(s, "the comparison %s on these types", aeo_operator_str(op)), NULL;
            return strict(s, K_BOOL, a, b, q, NULL);
        }
        case AEO_OPR_IN: return tr_in(s, fr, e, a, b);
        default: return tr_arith(s, op, a, b);
        }
    }
    case AEO_EXPR_COND: {
        sym *k = tr(s, fr, e->u.cond.c);
        sym *a = k ? tr(s, fr, e->u.cond.a) : NULL;
        sym *b = a ? tr(s, fr, e->u.cond.b) : NULL;
        if (!b) return NULL;
        return cond3(s, k, a, b);
    }
    default: return fail(s, "%s expressions", aeo_expr_kind_name(e->kind)), NULL;
    }
}

static Z3_params timeout_params(aeo_solver *s);

/* ---- the context ------------------------------------------------------------------------ */

static void tcat_init(tcat *tc, const aeo_catalog *c, int slot) {
    memset(tc, 0, sizeof *tc);
    tc->c = c;
    tc->slot = slot;
    uint32_t nd = c->defs.n + 1, nt = c->tiers.n + 1, nc = c->consts.n + 1, nm = c->measures.n + 1;
    tc->def_state = aeo_xcalloc(nd, 1);
    tc->tier_state = aeo_xcalloc(nt, 1);
    tc->const_state = aeo_xcalloc(nc, 1);
    tc->meas_state = aeo_xcalloc(nm, 1);
    tc->val_state = aeo_xcalloc(nm, 1);
    tc->def_memo = aeo_xcalloc(nd, sizeof *tc->def_memo);
    tc->tier_memo = aeo_xcalloc(nt, sizeof *tc->tier_memo);
    tc->const_memo = aeo_xcalloc(nc, sizeof *tc->const_memo);
    tc->meas_memo = aeo_xcalloc(nm, sizeof *tc->meas_memo);
    tc->val_memo = aeo_xcalloc(nm, sizeof *tc->val_memo);
    tc->def_why = aeo_xcalloc(nd, sizeof *tc->def_why);
    tc->tier_why = aeo_xcalloc(nt, sizeof *tc->tier_why);
    tc->const_why = aeo_xcalloc(nc, sizeof *tc->const_why);
    tc->meas_why = aeo_xcalloc(nm, sizeof *tc->meas_why);
    tc->val_why = aeo_xcalloc(nm, sizeof *tc->val_why);
}

static void tcat_free(tcat *tc) {
    free(tc->def_state), free(tc->tier_state), free(tc->const_state), free(tc->meas_state), free(tc->val_state);
    free(tc->def_memo), free(tc->tier_memo), free(tc->const_memo), free(tc->meas_memo), free(tc->val_memo);
    free(tc->def_why), free(tc->tier_why), free(tc->const_why), free(tc->meas_why), free(tc->val_why);
}

static void ctx_open(aeo_solver *s) {
    Z3_config cfg = Z3_mk_config();
    s->z = Z3_mk_context(cfg);
    Z3_del_config(cfg);
    Z3_set_error_handler(s->z, z3_error);
    s->za = aeo_arena_new();
    s->s_bool = Z3_mk_bool_sort(s->z);
    s->s_int = Z3_mk_int_sort(s->z);
    s->s_real = Z3_mk_real_sort(s->z);
    s->s_str = Z3_mk_string_sort(s->z);
    s->t = Z3_mk_true(s->z);
    s->f = Z3_mk_false(s->z);
    s->as_of = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, "as_of"), s->s_int);
    s->n_nodes = s->n_domain = s->n_civil = 0;
    s->cur = NULL;
    node_add(s, -1, NULL, NULL, 0, NULL);
    tcat_init(&s->cat, s->c, 0);
    s->cur = &s->cat;
    s->questions = 0;
    s->dirty = false;
    s->sv = Z3_mk_solver(s->z);
    Z3_solver_inc_ref(s->z, s->sv);
    Z3_params p = timeout_params(s);
    Z3_solver_set_params(s->z, s->sv, p);
    Z3_params_dec_ref(s->z, p);
    s->n_domain_done = 0;
    s->n_lits = 0;
}

static void ctx_close(aeo_solver *s) {
    tcat_free(&s->cat);
    Z3_solver_dec_ref(s->z, s->sv);
    Z3_del_context(s->z);
    aeo_arena_free(s->za);
    s->z = NULL;
    s->za = NULL;
}

/* Before a question: a fresh context now and then (memory), or after a
 * witness; the answers' arena emptied. */
static void begin_question(aeo_solver *s) {
    if (s->dirty || ++s->questions > QUESTIONS_PER_CONTEXT) {
        ctx_close(s);
        ctx_open(s);
        s->questions = 1;
    }
    s->cur = &s->cat;
    s->why = NULL;
    aeo_arena_reset(s->ans);
}

aeo_solver *aeo_solver_new_ordered(const aeo_catalog *c) {
    aeo_solver *s = aeo_xcalloc(1, sizeof *s);
    s->c = c;
    s->timeout_ms = DEFAULT_TIMEOUT_MS;
    s->ans = aeo_arena_new();
    s->sa = aeo_arena_new();
    ctx_open(s);
    return s;
}

aeo_solver *aeo_solver_new(const aeo_catalog *c) {
    aeo_solver *s = aeo_solver_new_ordered(c);
    /* Every measure translated once, so that which lists are sequences
     * does not depend on the order the questions come in; then a fresh
     * context, whose facts come as the questions read them. */
    for (int round = 0; round < 16; round++) {
        for (uint32_t i = 0; i < c->measures.n; i++) measure_applies(s, &s->cat, i);
        bool more = s->restart;
        s->restart = false;
        ctx_close(s);
        ctx_open(s);
        if (!more) break;
    }
    return s;
}

void aeo_solver_free(aeo_solver *s) {
    if (!s) return;
    ctx_close(s);
    aeo_arena_free(s->ans);
    aeo_arena_free(s->sa);
    if (s->vm) aeo_vm_free(s->vm);
    if (s->vm2) aeo_vm_free(s->vm2);
    free(s->nodes);
    free(s->domain);
    free(s->strs);
    free(s->civil);
    for (uint32_t i = 0; i < s->n_seqs; i++) free(s->seqs[i].path);
    free(s->seqs);
    aeo_buf_free(&s->tmp);
    free(s);
}

static void set_timeout(aeo_solver *s, Z3_solver sv, unsigned ms);

void aeo_solver_set_timeout(aeo_solver *s, unsigned ms) {
    s->timeout_ms = ms ? ms : DEFAULT_TIMEOUT_MS;
    set_timeout(s, s->sv, s->timeout_ms);
}

/* Z3_solver_check with a trace (AEO_SOLVE_TRACE=1: each check's time on stderr). */
#include <time.h>
/* The resources Z3 has counted so far (its statistic "rlimit count"). */
static double rlimit_count(Z3_context z, Z3_solver sv) {
    Z3_stats st = Z3_solver_get_statistics(z, sv);
    Z3_stats_inc_ref(z, st);
    double rl = 0;
    for (unsigned k = 0; k < Z3_stats_size(z, st); k++)
        if (strcmp(Z3_stats_get_key(z, st, k), "rlimit count") == 0)
            rl = Z3_stats_is_uint(z, st, k) ? Z3_stats_get_uint_value(z, st, k) : Z3_stats_get_double_value(z, st, k);
    Z3_stats_dec_ref(z, st);
    return rl;
}

static Z3_lbool check_traced(Z3_context z, Z3_solver sv, unsigned n, const Z3_ast *as, int line) {
    static int trace = -1;
    if (trace < 0) trace = getenv("AEO_SOLVE_TRACE") != NULL;
    struct timespec t0, t1;
    double rl0 = 0;
    if (trace) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rl0 = rlimit_count(z, sv);
    }
    Z3_lbool r = n ? Z3_solver_check_assumptions(z, sv, n, as) : Z3_solver_check(z, sv);
    if (trace) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double rl = rlimit_count(z, sv) - rl0;
        fprintf(stderr, "check@%d: %d in %.3fs rlimit %.0f\n", line, r,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, rl);
    }
    return r;
}
#define CHECK(z, sv) check_traced(z, sv, 0, NULL, __LINE__)
#define CHECK_ASSUMING(z, sv, n, as) check_traced(z, sv, n, as, __LINE__)

/* ---- solvers ------------------------------------------------------------------------------ */

/* The assertions of one question, kept so that an optimizer can replay them. */
typedef struct facts_q {
    Z3_ast *a;
    uint32_t n, cap;
} facts_q;

static void q_add(aeo_solver *s, facts_q *q, Z3_ast c) {
    if (c == s->t) return;
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 64;
        q->a = aeo_xrealloc(q->a, q->cap * sizeof *q->a);
    }
    q->a[q->n++] = c;
}

/* Parameters limiting each check to [ms] milliseconds' worth of Z3's
 * resource count (RLIMIT_PER_MS), and to WALL_FACTOR times that of the
 * clock. */
static Z3_params limit_params(aeo_solver *s, unsigned ms) {
    Z3_params p = Z3_mk_params(s->z);
    Z3_params_inc_ref(s->z, p);
    unsigned cap = UINT_MAX / (RLIMIT_PER_MS > WALL_FACTOR ? RLIMIT_PER_MS : WALL_FACTOR);
    if (ms > cap) ms = cap;
    Z3_params_set_uint(s->z, p, Z3_mk_string_symbol(s->z, "rlimit"), ms * RLIMIT_PER_MS);
    Z3_params_set_uint(s->z, p, Z3_mk_string_symbol(s->z, "timeout"), ms * WALL_FACTOR);
    return p;
}

static Z3_params timeout_params(aeo_solver *s) { return limit_params(s, s->timeout_ms); }

static void set_timeout(aeo_solver *s, Z3_solver sv, unsigned ms) {
    Z3_params p = limit_params(s, ms);
    Z3_solver_set_params(s->z, sv, p);
    Z3_params_dec_ref(s->z, p);
}

/* The context's one solver, for a question [q]: the schema's constraints
 * at its base (asserted as the translation meets the facts), the
 * question's inside a scope that solver_done closes.  One incremental
 * solver: a fresh one per question costs more than its checks. */
static Z3_solver solver_of(aeo_solver *s, const facts_q *q) {
    while (s->n_domain_done < s->n_domain) Z3_solver_assert(s->z, s->sv, s->domain[s->n_domain_done++]);
    Z3_solver_push(s->z, s->sv);
    for (uint32_t i = 0; i < q->n; i++) Z3_solver_assert(s->z, s->sv, q->a[i]);
    return s->sv;
}

static void solver_done(aeo_solver *s, Z3_solver sv) { Z3_solver_pop(s->z, sv, 1); }

/* The solver emptied: the domain is asserted again by solver_of. */
static void solver_reset(aeo_solver *s) {
    Z3_solver_reset(s->z, s->sv);
    Z3_params p = timeout_params(s);
    Z3_solver_set_params(s->z, s->sv, p);
    Z3_params_dec_ref(s->z, p);
    s->n_domain_done = 0;
}

/* A fresh literal standing for [e] (asserted lit -> e in the current
 * scope), to check under an assumption. */
static Z3_ast lit_for(aeo_solver *s, Z3_solver sv, Z3_ast e) {
    char name[32];
    snprintf(name, sizeof name, "a!%u", s->n_lits++);
    Z3_ast l = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), s->s_bool);
    Z3_solver_assert(s->z, sv, implies(s, l, e));
    return l;
}

/* ---- what a term reads ---------------------------------------------------------------------- */

static void collect(aeo_solver *s, Z3_ast a, idset *seen, uint8_t *reads) {
    /* An explicit stack: terms can be deep. */
    Z3_ast *stack = aeo_xmalloc(64 * sizeof *stack);
    uint32_t n = 0, cap = 64;
    stack[n++] = a;
    while (n) {
        Z3_ast x = stack[--n];
        if (!idset_add(seen, Z3_get_ast_id(s->z, x))) continue;
        if (Z3_get_ast_kind(s->z, x) != Z3_APP_AST) continue;
        Z3_app app = Z3_to_app(s->z, x);
        unsigned na = Z3_get_app_num_args(s->z, app);
        if (na == 0) {
            Z3_func_decl d = Z3_get_app_decl(s->z, app);
            if (Z3_get_decl_kind(s->z, d) != Z3_OP_UNINTERPRETED) continue;
            const char *name = Z3_get_symbol_string(s->z, Z3_get_decl_name(s->z, d));
            if ((name[0] == 'p' || name[0] == 'v' || name[0] == 'm' || name[0] == 'e' || name[0] == 'c') && name[1] == '!') {
                long id = strtol(name + 2, NULL, 10);
                if (id >= 0 && (uint32_t)id < s->n_nodes) reads[id] = 1;
            }
            continue;
        }
        for (unsigned i = 0; i < na; i++) {
            if (n == cap) stack = aeo_xrealloc(stack, (cap *= 2) * sizeof *stack);
            stack[n++] = Z3_get_app_arg(s->z, app, i);
        }
    }
    free(stack);
}

/* The nodes [a] reads (and their ancestors), as flags by node (malloc'd). */
static uint8_t *reads_of(aeo_solver *s, const sym *const *syms, uint32_t n) {
    uint8_t *r = aeo_xcalloc(s->n_nodes + 1, 1);
    idset seen = {0};
    for (uint32_t i = 0; i < n; i++) {
        if (!syms[i]) continue;
        collect(s, syms[i]->unk, &seen, r);
        collect(s, syms[i]->err, &seen, r);
        if (syms[i]->v) collect(s, syms[i]->v, &seen, r);
    }
    free(seen.slots);
    for (uint32_t i = s->n_nodes; i-- > 1;)
        if (r[i]) r[s->nodes[i].parent] = 1;
    r[0] = 1;
    return r;
}

/* Whether node [a] is [b] or below it. */
static bool node_under(const aeo_solver *s, int32_t a, int32_t b) {
    for (; a >= 0; a = s->nodes[a].parent)
        if (a == b) return true;
    return false;
}

/* Schema order of two nodes. */
static int node_cmp(const aeo_solver *s, int32_t a, int32_t b) {
    const fnode *x = &s->nodes[a], *y = &s->nodes[b];
    uint32_t d = x->depth < y->depth ? x->depth : y->depth;
    for (uint32_t i = 0; i < d; i++)
        if (x->order[i] != y->order[i]) return x->order[i] < y->order[i] ? -1 : 1;
    return x->depth < y->depth ? -1 : x->depth > y->depth;
}

/* ---- a record's current facts --------------------------------------------------------------- */

/* The current value of node [id] in [rec]: false when a record above it
 * is absent; *v is ABSENT for an absent field. */
static bool node_current(const aeo_solver *s, int32_t id, aeo_value rec, aeo_value *v) {
    if (id == 0) {
        *v = rec;
        return rec.kind == AEO_V_RECORD;
    }
    aeo_value p;
    if (!node_current(s, s->nodes[id].parent, rec, &p) || p.kind != AEO_V_RECORD) return false;
    const aeo_field *f = s->nodes[id].field[0];
    if (!f) return false;
    *v = p.as.r->slots[f->slot];
    return true;
}

/* The Z3 term of the scalar value [v] of kind [k] (not noted as a catalog
 * constant). */
static Z3_ast value_term(aeo_solver *s, aeo_value v) {
    switch ((aeo_vkind)v.kind) {
    case AEO_V_BOOL: return v.as.b ? s->t : s->f;
    case AEO_V_INT: return mk_i64(s, v.as.i);
    case AEO_V_DOUBLE: return mk_real(s, v.as.d);
    case AEO_V_STRING: return mk_str(s, v.as.s->data, v.as.s->len);
    case AEO_V_TIMESTAMP:
    case AEO_V_DURATION: return mk_nanos(s, v.as.i, v.nanos);
    default: return NULL;
    }
}

/* A substitution of the variables of facts that keep their current
 * values by those values (sub_pin). */
typedef struct subst {
    Z3_ast *from, *to;
    uint32_t n, cap;
} subst;

static void sub_add(subst *u, Z3_ast from, Z3_ast to);

static bool list_has(aeo_value l, aeo_value key) {
    if (l.kind != AEO_V_LIST) return false;
    for (uint32_t i = 0; i < l.as.l->len; i++)
        if (l.as.l->items[i].kind == key.kind && aeo_value_equal(l.as.l->items[i], key)) return true;
    return false;
}

/* The distinct items of the list [l] in first-seen order into [vals]
 * with how many times each occurs in [cnt] (both malloc'd, NULL for no
 * list); their number. */
static uint32_t distinct_items(aeo_value l, aeo_value **vals, uint32_t **cnt) {
    *vals = NULL, *cnt = NULL;
    if (l.kind != AEO_V_LIST) return 0;
    uint32_t n = 0, len = l.as.l->len;
    *vals = aeo_xmalloc((len + 1) * sizeof **vals);
    *cnt = aeo_xmalloc((len + 1) * sizeof **cnt);
    for (uint32_t i = 0; i < len; i++) {
        aeo_value it = l.as.l->items[i];
        uint32_t j = 0;
        while (j < n && !((*vals)[j].kind == it.kind && aeo_value_equal((*vals)[j], it))) j++;
        if (j == n) (*vals)[n] = it, (*cnt)[n++] = 0;
        (*cnt)[j]++;
    }
    return n;
}

/* A sequence node [n] holding the list [l]: its entries as terms, into
 * pin (a conjunction) or u (substitutions). */
static Z3_ast seq_pin(aeo_solver *s, const fnode *n, aeo_value l, subst *u) {
    aeo_value *vals;
    uint32_t *cnt;
    uint32_t k = distinct_items(l, &vals, &cnt);
    Z3_ast r = s->t;
    if (k > n->n_items) r = s->f;   /* (seq_ready makes room first) */
    for (uint32_t j = 0; j < n->n_items; j++) {
        Z3_ast c = mk_i64(s, j < k ? cnt[j] : 0);
        Z3_ast t = j < k ? value_term(s, vals[j]) : NULL;
        if (u) {
            sub_add(u, n->count[j], c);
            if (t) sub_add(u, n->item[j], t);
        } else {
            r = and2(s, r, Z3_mk_eq(s->z, n->count[j], c));
            if (t) r = and2(s, r, Z3_mk_eq(s->z, n->item[j], t));
        }
    }
    free(vals);
    free(cnt);
    return r;
}

/* Node [id] holds what it holds in [rec]. */
static Z3_ast pin(aeo_solver *s, int32_t id, aeo_value rec) {
    if (id == 0) return s->t;
    fnode *n = &s->nodes[id];
    aeo_value v;
    bool reached = node_current(s, id, rec, &v);
    if (!reached) return not1(s, n->present);
    bool here = v.kind != AEO_V_ABSENT && v.kind != AEO_V_NULL;
    Z3_ast r = here ? n->present : not1(s, n->present);
    if (!here) return r;
    if (n->k <= K_DUR) {
        Z3_ast t = value_term(s, v);
        if (t) r = and2(s, r, Z3_mk_eq(s->z, n->val, t));
    } else if (n->k == K_FLIST && n->seq) {
        r = and2(s, r, seq_pin(s, n, v, NULL));
    } else if (n->k == K_FLIST) {
        for (uint32_t i = 0; i < n->n_mem; i++) {
            Z3_ast m = n->mem[i].var;
            r = and2(s, r, list_has(v, n->mem[i].key) ? m : not1(s, m));
        }
    }
    return r;
}

/* A substitution of the variables of facts that keep their current
 * values by those values: the formula then folds (Z3_simplify) to what
 * the changeable facts decide, which is what keeps a question small. */
static void sub_add(subst *u, Z3_ast from, Z3_ast to) {
    if (!from || !to) return;
    if (u->n == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 64;
        u->from = aeo_xrealloc(u->from, u->cap * sizeof *u->from);
        u->to = aeo_xrealloc(u->to, u->cap * sizeof *u->to);
    }
    u->from[u->n] = from;
    u->to[u->n++] = to;
}

/* Node [id] as it is in [rec], as substitutions. */
static void sub_pin(aeo_solver *s, subst *u, int32_t id, aeo_value rec) {
    if (id == 0) return;
    fnode *n = &s->nodes[id];
    aeo_value v;
    bool here = node_current(s, id, rec, &v) && v.kind != AEO_V_ABSENT && v.kind != AEO_V_NULL;
    if (n->present != s->t) sub_add(u, n->present, here ? s->t : s->f);
    if (!here) return;
    if (n->k <= K_DUR && n->val) sub_add(u, n->val, value_term(s, v));
    for (uint32_t i = 0; i < n->n_mem; i++) sub_add(u, n->mem[i].var, list_has(v, n->mem[i].key) ? s->t : s->f);
    if (n->seq) seq_pin(s, n, v, u);
}

static Z3_ast sub_apply(aeo_solver *s, const subst *u, Z3_ast a) {
    if (u->n) a = Z3_substitute(s->z, a, u->n, u->from, u->to);
    return Z3_simplify(s->z, a);
}

static void sub_free(subst *u) {
    free(u->from);
    free(u->to);
}

/* ---- models ---------------------------------------------------------------------------------- */

static Z3_ast model_eval(aeo_solver *s, Z3_model m, Z3_ast a) {
    Z3_ast r = NULL;
    if (!Z3_model_eval(s->z, m, a, true, &r)) return NULL;
    return r;
}

static bool model_true(aeo_solver *s, Z3_model m, Z3_ast a) {
    Z3_ast r = model_eval(s, m, a);
    return r && Z3_get_bool_value(s->z, r) == Z3_L_TRUE;
}

/* An integer numeral as seconds and nanoseconds (floor). */
static bool numeral_nanos(aeo_solver *s, Z3_ast a, int64_t *sec, int32_t *ns) {
    const char *t = Z3_get_numeral_string(s->z, a);
    if (!t) return false;
    bool neg = *t == '-';
    if (neg) t++;
    size_t n = strlen(t);
    if (n == 0 || n > 28 || strspn(t, "0123456789") != n) return false;
    char hi[32] = "0";
    if (n > 9) {
        memcpy(hi, t, n - 9);
        hi[n - 9] = '\0';
    }
    const char *lo = n > 9 ? t + n - 9 : t;
    errno = 0;
    unsigned long long q = strtoull(hi, NULL, 10);
    long r = strtol(lo, NULL, 10);
    if (errno || q > (unsigned long long)INT64_MAX) return false;
    int64_t qs = (int64_t)q;
    if (neg) {
        qs = -qs;
        if (r) qs -= 1, r = 1000000000 - r;
    }
    *sec = qs;
    *ns = (int32_t)r;
    return true;
}

/* The value node [id] has in model [m], in arena [a]; [cur] its current
 * value (a list fact keeps the items the model does not decide). */
static bool model_scalar(aeo_solver *s, Z3_model m, skind k, Z3_ast t, aeo_arena *a, aeo_value *out);

/* Items a list the solver proposes may have: more cannot be printed. */
#define SEQ_MAX_LENGTH (1u << 20)

/* The list a sequence node holds in model [m]: the current items [cur]
 * first, in their order, as far as the entries keep them, then the
 * entries' other items. */
static bool model_seq(aeo_solver *s, Z3_model m, const fnode *n, aeo_value cur, aeo_arena *a, aeo_value *out) {
    aeo_value *vals = aeo_xmalloc((n->n_items + 1) * sizeof *vals);
    int64_t *left = aeo_xmalloc((n->n_items + 1) * sizeof *left);
    bool ok = true;
    int64_t total = 0;
    for (uint32_t j = 0; j < n->n_items && ok; j++) {
        Z3_ast c = model_eval(s, m, n->count[j]);
        ok = c && Z3_get_numeral_int64(s->z, c, &left[j]) && left[j] >= 0;
        if (ok && left[j] > 0) ok = model_scalar(s, m, n->elem, n->item[j], a, &vals[j]);
        if (ok) total += left[j];
        if (total > (int64_t)SEQ_MAX_LENGTH) ok = false;
    }
    if (ok) {
        aeo_value l = aeo_list_new(a, (uint32_t)total + 1);
        if (cur.kind == AEO_V_LIST)
            for (uint32_t i = 0; i < cur.as.l->len; i++) {
                aeo_value it = cur.as.l->items[i];
                for (uint32_t j = 0; j < n->n_items; j++)
                    if (left[j] > 0 && vals[j].kind == it.kind && aeo_value_equal(vals[j], it)) {
                        aeo_list_push(a, l.as.l, vals[j]);
                        left[j]--;
                        break;
                    }
            }
        for (uint32_t j = 0; j < n->n_items; j++)
            for (; left[j] > 0; left[j]--) aeo_list_push(a, l.as.l, vals[j]);
        *out = l;
    }
    free(vals);
    free(left);
    return ok;
}

static bool model_value(aeo_solver *s, Z3_model m, int32_t id, aeo_value cur, aeo_arena *a, aeo_value *out) {
    fnode *n = &s->nodes[id];
    if (s->over && s->over[id].kind != AEO_V_ABSENT) {
        *out = s->over[id];
        return true;
    }
    if (n->k == K_FLIST && n->seq) return model_seq(s, m, n, cur, a, out);
    if (n->k == K_FLIST) {
        aeo_value l = aeo_list_new(a, 8);
        if (cur.kind == AEO_V_LIST)
            for (uint32_t i = 0; i < cur.as.l->len; i++) {
                aeo_value it = cur.as.l->items[i];
                bool keep = true;
                for (uint32_t j = 0; j < n->n_mem; j++)
                    if (n->mem[j].key.kind == it.kind && aeo_value_equal(n->mem[j].key, it))
                        keep = model_true(s, m, n->mem[j].var);
                if (keep) aeo_list_push(a, l.as.l, it);
            }
        for (uint32_t j = 0; j < n->n_mem; j++)
            if (model_true(s, m, n->mem[j].var) && !list_has(l, n->mem[j].key)) {
                aeo_value k = n->mem[j].key;
                if (k.kind == AEO_V_STRING) k = aeo_string(a, k.as.s->data, k.as.s->len);
                aeo_list_push(a, l.as.l, k);
            }
        *out = l;
        return true;
    }
    if (n->k > K_DUR) return false;
    return model_scalar(s, m, n->k, n->val, a, out);
}

/* The value of the scalar term [t] of kind [k] in model [m], in arena [a]. */
static bool model_scalar(aeo_solver *s, Z3_model m, skind k, Z3_ast term, aeo_arena *a, aeo_value *out) {
    Z3_ast v = model_eval(s, m, term);
    if (!v) return false;
    switch (k) {
    case K_BOOL: *out = aeo_bool(Z3_get_bool_value(s->z, v) == Z3_L_TRUE); return true;
    case K_INT: {
        int64_t i;
        if (!Z3_get_numeral_int64(s->z, v, &i)) return false;
        *out = aeo_int(i);
        return true;
    }
    case K_REAL: {
        const char *t = Z3_get_numeral_decimal_string(s->z, v, 20);
        if (!t) return false;
        *out = aeo_double(strtod(t, NULL));
        return true;
    }
    case K_STR: {
        unsigned len = 0;
        const char *p = Z3_get_lstring(s->z, v, &len);
        if (!p) return false;
        *out = aeo_string(a, p, len);
        return true;
    }
    case K_TS:
    case K_DUR: {
        int64_t sec;
        int32_t ns;
        if (!numeral_nanos(s, v, &sec, &ns)) return false;
        if (k == K_DUR && sec < 0 && ns > 0) sec += 1, ns -= 1000000000;
        *out = k == K_TS ? aeo_timestamp(sec, ns) : aeo_duration(sec, ns);
        return true;
    }
    default: return false;
    }
}

/* A value any field of type [t] may hold, for required fields no
 * condition reads. */
static void write_filler(aeo_buf *b, const aeo_type *t) {
    switch (t->kind) {
    case AEO_T_BOOL: aeo_buf_puts(b, "false"); break;
    case AEO_T_INT:
    case AEO_T_UINT:
    case AEO_T_DOUBLE: aeo_buf_puts(b, "0"); break;
    case AEO_T_ENUM: aeo_buf_json_string(b, t->enum_values[0], strlen(t->enum_values[0])); break;
    case AEO_T_TIMESTAMP: aeo_buf_puts(b, "\"1970-01-01T00:00:00Z\""); break;
    case AEO_T_DURATION: aeo_buf_puts(b, "\"0s\""); break;
    case AEO_T_LIST: aeo_buf_puts(b, "[]"); break;
    case AEO_T_MAP: aeo_buf_puts(b, "{}"); break;
    case AEO_T_RECORD: {
        aeo_buf_puts(b, "{");
        bool first = true;
        for (uint32_t i = 0; i < t->rec->n_fields; i++) {
            const aeo_field *f = &t->rec->fields[i];
            if (f->optional) continue;
            if (!first) aeo_buf_puts(b, ",");
            first = false;
            aeo_buf_json_string(b, f->name, strlen(f->name));
            aeo_buf_puts(b, ":");
            write_filler(b, f->type);
        }
        aeo_buf_puts(b, "}");
        break;
    }
    default: aeo_buf_puts(b, "\"\""); break;
    }
}

/* The record type of record node [id] in catalog slot [slot], or NULL. */
static const aeo_record_type *node_rt(const aeo_solver *s, int32_t id, const aeo_catalog *const *cats, int slot) {
    if (id == 0) return cats[slot] ? cats[slot]->root : NULL;
    const aeo_field *f = s->nodes[id].field[slot];
    return f && f->type->kind == AEO_T_RECORD ? f->type->rec : NULL;
}

static int32_t find_child(const aeo_solver *s, int32_t parent, const char *name) {
    for (uint32_t i = 1; i < s->n_nodes; i++)
        if (s->nodes[i].parent == parent && strcmp(s->nodes[i].name, name) == 0) return (int32_t)i;
    return -1;
}

typedef struct writer {
    aeo_solver *s;
    Z3_model m;
    const uint8_t *freeset;    /* by node: its value comes from the model */
    const aeo_catalog *cats[2];
    aeo_arena *a;
    bool ok;
} writer;

/* Writes record node [id] as JSON: [cur] its current value (a RECORD, or
 * ABSENT for a record the model creates). */
static void write_obj(writer *w, aeo_buf *b, int32_t id, aeo_value cur) {
    aeo_solver *s = w->s;
    aeo_buf_puts(b, "{");
    bool first = true;
    const aeo_record_type *rts[2] = {node_rt(s, id, w->cats, 0), node_rt(s, id, w->cats, 1)};
    for (int slot = 0; slot < 2; slot++) {
        const aeo_record_type *rt = rts[slot];
        if (!rt) continue;
        for (uint32_t i = 0; i < rt->n_fields; i++) {
            const aeo_field *f = &rt->fields[i];
            if (slot == 1 && rts[0] && aeo_record_type_field(rts[0], f->name)) continue;
            int32_t child = find_child(s, id, f->name);
            aeo_value cv = aeo_absent();
            if (cur.kind == AEO_V_RECORD && slot == 0) cv = cur.as.r->slots[f->slot];
            bool wrote = true;
            size_t mark = b->len;
            if (!first) aeo_buf_puts(b, ",");
            aeo_buf_json_string(b, f->name, strlen(f->name));
            aeo_buf_puts(b, ":");
            if (child >= 0 && w->freeset[child] && s->nodes[child].k != K_NONE) {
                if (!model_true(s, w->m, s->nodes[child].present)) {
                    wrote = false;
                } else if (s->nodes[child].k == K_REC) {
                    write_obj(w, b, child, aeo_absent());
                } else {
                    aeo_value v;
                    if (!model_value(s, w->m, child, cv, w->a, &v)) w->ok = false;
                    else aeo_value_to_json(b, v);
                }
            } else if (child >= 0 && s->nodes[child].k == K_REC && cv.kind == AEO_V_RECORD) {
                write_obj(w, b, child, cv);
            } else if (cv.kind != AEO_V_ABSENT && cv.kind != AEO_V_NULL) {
                aeo_value_to_json(b, cv);
            } else if (!f->optional && cur.kind != AEO_V_RECORD) {
                write_filler(b, f->type);
            } else {
                wrote = false;
            }
            if (wrote) first = false;
            else b->len = mark;
        }
    }
    aeo_buf_puts(b, "}");
}

/* ---- re-evaluation ---------------------------------------------------------------------------- */

/* Evaluates measure [idx] of [p] on the record [json] as of [as_of] with
 * [*vm] (made when NULL): false when the record does not decode; the
 * outcome in *kind, a valued measure's value as JSON in [value] (emptied). */
static bool evaluate(aeo_vm **vm, const aeo_program *p, const char *json, size_t len, uint32_t idx, aeo_value as_of,
                     aeo_outcome_kind *kind, aeo_buf *value) {
    if (!*vm) *vm = aeo_vm_new(p);
    aeo_vm_set_as_of(*vm, as_of);
    aeo_vm_begin(*vm, aeo_null());
    aeo_value rec;
    const char *err = NULL;
    if (!aeo_facts_decode(aeo_vm_arena(*vm), p->root, p->root_name, json, len, 1, &rec, &err)) {
        aeo_vm_end(*vm);
        return false;
    }
    aeo_vm_begin(*vm, rec);
    aeo_measure_outcome o = aeo_outcome_classify(aeo_vm_arena(*vm), aeo_vm_measure(*vm, idx));
    *kind = o.kind;
    if (value) {
        value->len = 0;
        if (o.kind == AEO_OUTCOME_APPLIES && p->measures[idx].n_cases) {
            aeo_value v = aeo_vm_measure_value(*vm, idx);
            aeo_value_to_json(value, v);
        }
    }
    aeo_vm_end(*vm);
    return true;
}

/* The domains of the sequences under the nodes [set] flags (NULL: all),
 * into [q]: only where a list may change, since a string item's domain
 * slows every question the solver is asked. */
static void seq_domains(aeo_solver *s, facts_q *q, const uint8_t *set) {
    for (uint32_t id = 1; id < s->n_nodes; id++)
        if (s->nodes[id].seq && (!set || set[id])) q_add(s, q, s->nodes[id].seq_dom);
}

/* ---- sequences ready for a question ---------------------------------------------------------- */

/* The number of kinds an item of sequence node [id] can have under the
 * predicates noted so far, other facts free: each kind found (the outcome
 * of every predicate: unknown, error, true or false) is excluded and the
 * solver asked for another.  The kinds of one record's items are among
 * them, so that many entries are enough.  -1 when the solver gives up,
 * SEQ_MAX_ITEMS + 1 past that many. */
static int seq_kinds(aeo_solver *s, int32_t id) {
    fnode *n = &s->nodes[id];
    uint32_t np = n->n_preds / 3;
    char name[48];
    snprintf(name, sizeof name, "y!%d", id);
    Z3_ast y = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), sort_of(s, n->elem));
    Z3_ast *st = aeo_xmalloc((np + 1) * sizeof *st);
    for (uint32_t p = 0; p < np; p++) {
        Z3_ast t[3];
        for (uint32_t k = 0; k < 3; k++) t[k] = Z3_substitute(s->z, n->preds[3 * p + k], 1, &n->xvar, &y);
        st[p] = ite(s, t[0], mk_i64(s, 0), ite(s, t[1], mk_i64(s, 1), ite(s, t[2], mk_i64(s, 2), mk_i64(s, 3))));
    }
    facts_q q = {0};
    q_add(s, &q, type_domain(s, n->type->elem, y));
    Z3_solver sv = solver_of(s, &q);
    int kinds = 0;
    Z3_ast *differ = aeo_xmalloc((np + 1) * sizeof *differ);
    for (;;) {
        Z3_lbool r = CHECK(s->z, sv);
        if (r == Z3_L_UNDEF) {
            kinds = -1;
            break;
        }
        if (r == Z3_L_FALSE) break;
        if (++kinds > SEQ_MAX_ITEMS) break;
        Z3_model m = Z3_solver_get_model(s->z, sv);
        Z3_model_inc_ref(s->z, m);
        for (uint32_t p = 0; p < np; p++) {
            Z3_ast v = model_eval(s, m, st[p]);
            differ[p] = v ? not1(s, Z3_mk_eq(s->z, st[p], v)) : s->t;
        }
        Z3_model_dec_ref(s->z, m);
        Z3_solver_assert(s->z, sv, np ? Z3_mk_or(s->z, np, differ) : s->f);
    }
    solver_done(s, sv);
    free(differ);
    free(st);
    free(q.a);
    return kinds;
}

/* Before a question on the record [rec] (ABSENT: none) reading the nodes
 * [reads] (NULL: all): every sequence it reads has entries enough for
 * the record's current list and for the kinds of items its predicates
 * tell apart.  False when not: s->restart (the bound grew: translate
 * again), or after fail() past SEQ_MAX_ITEMS kinds. */
static bool seq_ready(aeo_solver *s, const uint8_t *reads, aeo_value rec) {
    for (uint32_t id = 1; id < s->n_nodes; id++) {
        fnode *n = &s->nodes[id];
        if (!n->seq || (reads && !reads[id])) continue;
        if (n->n_checked < n->n_preds) {
            int kinds = seq_kinds(s, (int32_t)id);
            if (kinds < 0) return fail(s, "the solver gave up (timeout) on the kinds of items of %s", n->path);
            if (kinds > SEQ_MAX_ITEMS)
                return fail(s, "a list fact whose items the conditions tell apart in more than %d ways", SEQ_MAX_ITEMS);
            n->kinds = (uint32_t)kinds;
            n->n_checked = n->n_preds;
        }
        /* room for the current items, and for one entry per kind (a list
         * that keeps the current items and adds some is found as one
         * whose entries replace some, and made so by simplify_list) */
        uint32_t k = 0;
        aeo_value cur;
        if (rec.kind == AEO_V_RECORD && node_current(s, (int32_t)id, rec, &cur) && cur.kind == AEO_V_LIST) {
            aeo_value *vals;
            uint32_t *cnt;
            k = distinct_items(cur, &vals, &cnt);
            free(vals);
            free(cnt);
        }
        if (k > n->n_items || n->kinds > n->n_items) {
            seq_need(s, (int32_t)id, k > n->kinds ? k : n->kinds);
            return false;
        }
    }
    return true;
}

/* ---- suggestions ------------------------------------------------------------------------------- */

static bool is_fixed(const aeo_solver *s, const char *path) {
    const aeo_texts *t = s->c->texts;
    if (!t) return false;
    for (uint32_t i = 0; i < t->n_fixed; i++) {
        size_t n = strlen(t->fixed[i]);
        if (strncmp(path, t->fixed[i], n) == 0 && (path[n] == '\0' || path[n] == '.')) return true;
    }
    return false;
}

/* Z3's as_of: the VM's, in nanoseconds. */
static Z3_ast as_of_pin(aeo_solver *s, aeo_value as_of) {
    return Z3_mk_eq(s->z, s->as_of, mk_nanos(s, as_of.as.i, as_of.nanos));
}

__extension__ typedef __int128 wide;   /* distances of nanosecond timestamps exceed int64 */

static bool wide_of(aeo_solver *s, Z3_ast num, wide *out) {
    const char *t = num ? Z3_get_numeral_string(s->z, num) : NULL;
    if (!t) return false;
    bool neg = *t == '-';
    wide v = 0;
    for (t += neg; *t; t++) {
        if (*t < '0' || *t > '9') return false;
        v = v * 10 + (*t - '0');
    }
    *out = neg ? -v : v;
    return true;
}

static Z3_ast mk_wide(aeo_solver *s, wide v) {
    char buf[48], *p = buf + sizeof buf;
    *--p = '\0';
    bool neg = v < 0;
    if (neg) v = -v;
    do {
        *--p = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    if (neg) *--p = '-';
    return mk_num(s, p, s->s_int);
}

/* Whether [sv] is satisfiable with [e] added; if so [e] stays asserted
 * and *[m] is the new model. */
static bool try_keep(aeo_solver *s, Z3_solver sv, Z3_ast e, Z3_model *m) {
    Z3_ast l = lit_for(s, sv, e);
    if (CHECK_ASSUMING(s->z, sv, 1, &l) != Z3_L_TRUE) return false;
    /* (the model first: an assertion drops it) */
    Z3_model nm = Z3_solver_get_model(s->z, sv);
    if (!nm) return false;
    Z3_model_inc_ref(s->z, nm);
    Z3_solver_assert(s->z, sv, l);
    Z3_model_dec_ref(s->z, *m);
    *m = nm;
    return true;
}

/* The integer term [val] as near to [ref] as [sv] allows (above on a
 * tie), kept asserted; *m the model. */
static void nearest(aeo_solver *s, Z3_solver sv, Z3_ast val, Z3_ast ref, Z3_model *mp) {
    Z3_model m = *mp;
    Z3_ast d = Z3_mk_sub(s->z, 2, (Z3_ast[]){val, ref});
    Z3_ast absd = Z3_mk_ite(s->z, Z3_mk_ge(s->z, d, mk_i64(s, 0)), d, Z3_mk_unary_minus(s->z, d));
    wide best;
    if (!wide_of(s, model_eval(s, m, absd), &best)) return;
    wide lo_d = 0;
    while (lo_d < best) {
        wide mid = lo_d + (best - lo_d) / 2;
        Z3_ast l = lit_for(s, sv, Z3_mk_le(s->z, absd, mk_wide(s, mid)));
        Z3_lbool r = CHECK_ASSUMING(s->z, sv, 1, &l);
        if (r == Z3_L_TRUE) {
            Z3_model nm = Z3_solver_get_model(s->z, sv);
            Z3_model_inc_ref(s->z, nm);
            Z3_model_dec_ref(s->z, m);
            m = nm;
            if (!wide_of(s, model_eval(s, m, absd), &best)) break;
        } else if (r == Z3_L_FALSE) {
            lo_d = mid + 1;
        } else {
            break;
        }
    }
    if (!try_keep(s, sv, Z3_mk_eq(s->z, val, Z3_mk_add(s->z, 2, (Z3_ast[]){ref, mk_wide(s, best)})), &m))
        try_keep(s, sv, Z3_mk_eq(s->z, absd, mk_wide(s, best)), &m);
    *mp = m;
}

/* A string or enum term [val] of type [t]: an enum its first value that
 * works; a string the empty one if it will do (when it had none, not
 * [here]), else the catalog's constants, first ones first, else
 * printable ([ascii]). */
static void nice_scalar(aeo_solver *s, Z3_solver sv, const aeo_type *t, Z3_ast val, bool here, Z3_ast ascii,
                        Z3_model *m) {
    if (t->kind == AEO_T_ENUM) {
        for (uint32_t k = 0; k < t->n_enum; k++) {
            const char *ev = t->enum_values[k];
            if (try_keep(s, sv, Z3_mk_eq(s->z, val, mk_str(s, ev, strlen(ev))), m)) break;
        }
        return;
    }
    bool kept = !here && try_keep(s, sv, Z3_mk_eq(s->z, val, mk_str(s, "", 0)), m);
    for (uint32_t k = 0; k < s->n_strs && !kept; k++)
        kept = try_keep(s, sv, Z3_mk_eq(s->z, val, value_term(s, s->strs[k])), m);
    if (!kept) try_keep(s, sv, Z3_mk_seq_in_re(s->z, val, ascii), m);
}

/* Values for the facts [freeset] frees, on [sv] as it stands (its scope
 * is left as it was): numbers nearest to their current value (a
 * threshold at its boundary; above it on a tie), or to as_of for an
 * absent timestamp and 0 for another absent number; strings the catalog's
 * own constants, first ones first, else printable; enums their first
 * value that works; lists changed in as few items as possible.  Each
 * choice is proved possible before it is kept, facts in schema order.
 * NULL when [sv] is not satisfiable (or gave up). */
static Z3_model nice_values(aeo_solver *s, Z3_solver sv, const uint8_t *freeset, aeo_value rec, aeo_value as_of) {
    Z3_solver_push(s->z, sv);
    Z3_model m = NULL;
    if (CHECK(s->z, sv) != Z3_L_TRUE) {
        Z3_solver_pop(s->z, sv, 1);
        return NULL;
    }
    /* Each preference is tried for at most NICE_TIMEOUT_MS: one the solver
     * cannot settle quickly (calendar arithmetic on a free date) is given
     * up, the value it had stays. */
    set_timeout(s, sv, NICE_TIMEOUT_MS);
    m = Z3_solver_get_model(s->z, sv);
    Z3_model_inc_ref(s->z, m);
    int32_t *ids = aeo_xmalloc((s->n_nodes + 1) * sizeof *ids);
    uint32_t n = 0;
    for (uint32_t id = 1; id < s->n_nodes; id++)
        if (freeset[id]) ids[n++] = (int32_t)id;
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && node_cmp(s, ids[j - 1], ids[j]) > 0; j--) {
            int32_t t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    char lo = ' ', hi = '~';
    Z3_ast ascii = Z3_mk_re_star(s->z, Z3_mk_re_range(s->z, mk_str(s, &lo, 1), mk_str(s, &hi, 1)));
    /* Optional facts present where they can be (a witness reads better
     * with the facts it is about). */
    for (uint32_t i = 0; i < n; i++)
        if (s->nodes[ids[i]].present != s->t) try_keep(s, sv, s->nodes[ids[i]].present, &m);
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < n; i++) {
            fnode *nd = &s->nodes[ids[i]];
            if (!model_true(s, m, nd->present)) continue;
            aeo_value cur = aeo_absent();
            bool here = node_current(s, ids[i], rec, &cur) && cur.kind != AEO_V_ABSENT && cur.kind != AEO_V_NULL;
            bool num = nd->k == K_INT || nd->k == K_TS || nd->k == K_DUR;
            if (pass == 0 && num) {
                /* a date at midnight (UTC) where one will do */
                if (nd->k == K_TS)
                    try_keep(s, sv, Z3_mk_eq(s->z, Z3_mk_mod(s->z, nd->val, mk_num(s, "86400000000000", s->s_int)),
                                             mk_i64(s, 0)), &m);
                /* numbers first: the distance to the reference, by bisection */
                Z3_ast ref = here ? value_term(s, cur) : nd->k == K_TS ? mk_nanos(s, as_of.as.i, as_of.nanos) : mk_i64(s, 0);
                nearest(s, sv, nd->val, ref, &m);
            } else if (pass == 1 && nd->k == K_STR) {
                nice_scalar(s, sv, nd->type, nd->val, here, ascii, &m);
            } else if (pass == 1 && nd->k == K_FLIST && nd->seq) {
                /* the current items kept where they can be (all at once,
                 * else one by one), as few other items as will do, each
                 * as few times, of plain values */
                aeo_value *vals = NULL;
                uint32_t *cnt = NULL;
                uint32_t k = here ? distinct_items(cur, &vals, &cnt) : 0;
                if (k > nd->n_items) k = nd->n_items;
                Z3_ast *keep = aeo_xmalloc((nd->n_items + 1) * sizeof *keep);
                Z3_ast all = s->t;
                for (uint32_t j = 0; j < k; j++) {
                    keep[j] = and2(s, Z3_mk_eq(s->z, nd->count[j], mk_i64(s, cnt[j])),
                                   Z3_mk_eq(s->z, nd->item[j], value_term(s, vals[j])));
                    all = and2(s, all, keep[j]);
                }
                uint32_t *fr_ids = aeo_xmalloc((nd->n_items + 1) * sizeof *fr_ids), n_free = 0;
                bool all_kept = k && try_keep(s, sv, all, &m);
                for (uint32_t j = 0; j < nd->n_items; j++)
                    if (j >= k || (!all_kept && !try_keep(s, sv, keep[j], &m))) fr_ids[n_free++] = j;
                /* the other entries: as few in the list as will do (for a
                 * suggestion the VM leaves new items out instead,
                 * simplify_list: Z3 4.8.12 read NULL inside this check, on
                 * a list of strings read by size(), exists() and in, after
                 * a few records) */
                if (rec.kind != AEO_V_RECORD) {
                    for (uint32_t j = 0; j < n_free; j++) keep[j] = Z3_mk_gt(s->z, nd->count[fr_ids[j]], mk_i64(s, 0));
                    for (uint32_t t = 0; t < n_free; t++)
                        if (try_keep(s, sv, Z3_mk_atmost(s->z, n_free, keep, t), &m)) break;
                }
                for (uint32_t f = 0; f < n_free; f++) {
                    uint32_t j = fr_ids[f];
                    if (!model_true(s, m, Z3_mk_gt(s->z, nd->count[j], mk_i64(s, 0)))) continue;
                    nearest(s, sv, nd->count[j], mk_i64(s, 1), &m);
                    if (nd->elem == K_INT || nd->elem == K_TS || nd->elem == K_DUR)
                        nearest(s, sv, nd->item[j], nd->elem == K_TS ? mk_nanos(s, as_of.as.i, as_of.nanos) : mk_i64(s, 0), &m);
                    /* strings: by the VM for a suggestion (simplify_list); a
                     * record made from nothing (a witness, a test) asks the
                     * solver */
                    else if (nd->elem == K_STR && rec.kind != AEO_V_RECORD)
                        nice_scalar(s, sv, nd->type->elem, nd->item[j], false, ascii, &m);
                }
                free(fr_ids);
                free(keep);
                free(vals);
                free(cnt);
            } else if (pass == 1 && nd->k == K_FLIST) {
                bool was_list = here && cur.kind == AEO_V_LIST;
                for (uint32_t k = 0; k < nd->n_mem; k++) {
                    Z3_ast mv = nd->mem[k].var;
                    bool was = was_list && list_has(cur, nd->mem[k].key);
                    try_keep(s, sv, was ? mv : not1(s, mv), &m);
                }
            }
        }
    free(ids);
    set_timeout(s, sv, s->timeout_ms);
    Z3_solver_pop(s->z, sv, 1);
    return m;
}

/* The facts of an alternative or a witness: the nodes [set] names whose
 * parent is not also in it, with their model values, in schema order. */
static void facts_of(aeo_solver *s, Z3_model m, const uint8_t *set, aeo_value rec, aeo_solve_facts *out) {
    out->n = 0;
    out->facts = aeo_arena_alloc(s->ans, (s->n_nodes + 1) * sizeof *out->facts);
    int32_t *ids = aeo_xmalloc((s->n_nodes + 1) * sizeof *ids);
    uint32_t n = 0;
    for (uint32_t id = 1; id < s->n_nodes; id++)
        if (set[id] && !(s->nodes[id].parent > 0 && set[s->nodes[id].parent]) && s->nodes[id].k != K_NONE) ids[n++] = (int32_t)id;
    /* insertion sort by schema order */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && node_cmp(s, ids[j - 1], ids[j]) > 0; j--) {
            int32_t t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    for (uint32_t i = 0; i < n; i++) {
        fnode *nd = &s->nodes[ids[i]];
        aeo_solve_fact *f = &out->facts[out->n++];
        f->path = aeo_arena_strdup(s->ans, nd->path);
        s->tmp.len = 0;
        aeo_value cur = aeo_absent();
        node_current(s, ids[i], rec, &cur);
        f->value = aeo_null();
        if (nd->k == K_REC) {
            writer w = {s, m, set, {s->c, NULL}, s->ans, true};
            write_obj(&w, &s->tmp, ids[i], aeo_absent());
        } else if (model_value(s, m, ids[i], cur, s->ans, &f->value)) {
            aeo_value_to_json(&s->tmp, f->value);
        } else {
            aeo_buf_puts(&s->tmp, "null");
        }
        f->json = aeo_arena_strndup(s->ans, s->tmp.data, s->tmp.len);
    }
    free(ids);
}

/* Whether measure [idx] applies to [rec] changed by model [m] on the
 * facts [set] (s->over replacing values). */
static bool applies_with(aeo_solver *s, Z3_model m, const uint8_t *set, aeo_value rec, uint32_t idx, aeo_value as_of) {
    aeo_buf json = {0};
    writer w = {s, m, set, {s->c, NULL}, s->ans, true};
    write_obj(&w, &json, 0, rec);
    aeo_outcome_kind kind;
    bool ok = w.ok && evaluate(&s->vm, s->c->program, json.data, json.len, idx, as_of, &kind, NULL) &&
              kind == AEO_OUTCOME_APPLIES;
    aeo_buf_free(&json);
    return ok;
}

static bool in_list(aeo_value l, aeo_value v) { return l.kind == AEO_V_LIST && list_has(l, v); }

/* Printable text: ASCII from space to '~', and well-formed UTF-8
 * sequences beyond ASCII. */
static bool plain(aeo_value v) {
    const char *p = v.as.s->data;
    size_t n = v.as.s->len;
    while (n) {
        size_t k = aeo_printable_char_len(p, n);
        if (k == 1 && (*p < 0x20 || *p > 0x7e)) return false;
        p += k, n -= k;
    }
    return true;
}

static aeo_value list_without(aeo_arena *a, aeo_value l, uint32_t skip) {
    aeo_value r = aeo_list_new(a, l.as.l->len + 1);
    for (uint32_t i = 0; i < l.as.l->len; i++)
        if (i != skip) aeo_list_push(a, r.as.l, l.as.l->items[i]);
    return r;
}

/* The list the model gives sequence node [id] made plainer where the VM
 * still finds the measure applies (the set of changed facts, and so its
 * minimality, stays; only the list's value changes): the current items
 * all kept with the new ones after them, new items left out one by one,
 * a new string item "" or one of the catalog's constants.  Into
 * s->over[id].  Cheap: each try is one evaluation, where a preference
 * asked of the solver over a dozen entries can take it past its time. */
static void simplify_list(aeo_solver *s, Z3_model m, const uint8_t *set, aeo_value rec, uint32_t idx, aeo_value as_of,
                          int32_t id) {
    aeo_value cur = aeo_absent(), l;
    node_current(s, id, rec, &cur);
    if (cur.kind != AEO_V_LIST) cur = aeo_absent();
    if (!model_value(s, m, id, cur, s->ans, &l) || l.kind != AEO_V_LIST) return;
    /* new string items that are not plain text (the solver's strings are
     * any bytes) become "" first; the evaluation decides below */
    aeo_value best = aeo_list_new(s->ans, l.as.l->len + 1);
    for (uint32_t i = 0; i < l.as.l->len; i++) {
        aeo_value it = l.as.l->items[i];
        if (it.kind == AEO_V_STRING && !in_list(cur, it) && !plain(it)) it = aeo_string(s->ans, "", 0);
        aeo_list_push(s->ans, best.as.l, it);
    }
    s->over[id] = best;
    bool ok = applies_with(s, m, set, rec, idx, as_of);
    uint32_t tries = 0;
    /* a new string item: "" or the catalog's constants, first ones first */
    for (uint32_t i = 0; i < best.as.l->len && tries < 256; i++) {
        aeo_value it = best.as.l->items[i];
        if (it.kind != AEO_V_STRING || in_list(cur, it)) continue;
        if (ok && it.as.s->len == 0) continue;
        for (uint32_t k = 0; k <= s->n_strs && tries < 256; k++) {
            aeo_value nv = k == 0 ? aeo_string(s->ans, "", 0) : s->strs[k - 1];
            if (ok && aeo_value_equal(nv, it)) break;
            aeo_value c = aeo_list_new(s->ans, best.as.l->len + 1);
            for (uint32_t j = 0; j < best.as.l->len; j++) aeo_list_push(s->ans, c.as.l, j == i ? nv : best.as.l->items[j]);
            s->over[id] = c;
            tries++;
            if (applies_with(s, m, set, rec, idx, as_of)) {
                best = c;
                ok = true;
                break;
            }
        }
    }
    if (cur.kind == AEO_V_LIST) {
        /* cur, then best's items beyond it (as a multiset) */
        aeo_value c = aeo_list_new(s->ans, cur.as.l->len + best.as.l->len + 1);
        uint8_t *used = aeo_xcalloc(best.as.l->len + 1, 1);
        for (uint32_t i = 0; i < cur.as.l->len; i++) {
            aeo_list_push(s->ans, c.as.l, cur.as.l->items[i]);
            for (uint32_t j = 0; j < best.as.l->len; j++)
                if (!used[j] && aeo_value_equal(best.as.l->items[j], cur.as.l->items[i])) {
                    used[j] = 1;
                    break;
                }
        }
        for (uint32_t j = 0; j < best.as.l->len; j++)
            if (!used[j]) aeo_list_push(s->ans, c.as.l, best.as.l->items[j]);
        free(used);
        s->over[id] = c;
        if (applies_with(s, m, set, rec, idx, as_of)) best = c, ok = true;
    }
    /* new items left out, last first */
    for (uint32_t i = best.as.l->len; ok && i-- > 0 && tries < 256;) {
        if (in_list(cur, best.as.l->items[i])) continue;
        s->over[id] = list_without(s->ans, best, i);
        tries++;
        if (applies_with(s, m, set, rec, idx, as_of)) best = s->over[id];
    }
    s->over[id] = best;
}

typedef struct cand {
    int32_t node;
    Z3_ast ch;
} cand;

static aeo_solve_status suggest_once(aeo_solver *s, aeo_vm *vm, uint32_t idx, uint32_t max_alts, aeo_suggestion *out) {
    begin_question(s);
    memset(out, 0, sizeof *out);
    out->status = AEO_SOLVE_UNKNOWN;
    aeo_value rec = aeo_vm_record(vm), as_of = aeo_vm_as_of(vm);
    if (idx >= s->c->measures.n || rec.kind != AEO_V_RECORD) {
        out->reason = "no such measure or record";
        return out->status;
    }
    sym *a = measure_applies(s, &s->cat, idx);
    if (!a) {
        out->reason = aeo_arena_strdup(s->ans, s->why ? s->why : "outside the fragment");
        out->outside = true;
        return out->status;
    }
    const sym *ss[1] = {a};
    uint8_t *reads = reads_of(s, ss, 1);
    if (!seq_ready(s, reads, rec)) {
        free(reads);
        out->reason = aeo_arena_strdup(s->ans, s->why ? s->why : "outside the fragment");
        out->outside = strncmp(out->reason, "the solver gave up", 18) != 0;
        return out->status;
    }
    /* The changeable facts: a leaf under a present record, or a record
     * that is absent (given a whole value); never a fixed one. */
    cand *cs = aeo_xmalloc((s->n_nodes + 1) * sizeof *cs);
    uint32_t nc = 0;
    int32_t *cand_of = aeo_xmalloc((s->n_nodes + 1) * sizeof *cand_of);
    for (uint32_t id = 0; id < s->n_nodes; id++) cand_of[id] = -1;
    for (uint32_t id = 1; id < s->n_nodes; id++) {
        fnode *n = &s->nodes[id];
        if (!reads[id] || n->k == K_NONE || is_fixed(s, n->path)) continue;
        aeo_value pv, v;
        if (!node_current(s, n->parent, rec, &pv) || pv.kind != AEO_V_RECORD) continue;
        node_current(s, (int32_t)id, rec, &v);
        if (n->k == K_REC && v.kind == AEO_V_RECORD) continue;
        char name[32];
        snprintf(name, sizeof name, "ch!%u", id);
        cand_of[id] = (int32_t)nc;
        cs[nc].node = (int32_t)id;
        cs[nc].ch = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, name), s->s_bool);
        nc++;
    }
    facts_q q = {0};
    subst u = {0};
    sub_add(&u, s->as_of, mk_nanos(s, as_of.as.i, as_of.nanos));
    q_add(s, &q, as_of_pin(s, as_of));
    for (uint32_t id = 1; id < s->n_nodes; id++) {
        if (!reads[id]) continue;
        /* Pinned unless it or a record above it changes. */
        Z3_ast frozen = s->t;
        for (int32_t up = (int32_t)id; up > 0; up = s->nodes[up].parent)
            if (cand_of[up] >= 0) frozen = and2(s, frozen, not1(s, cs[cand_of[up]].ch));
        if (frozen == s->t) sub_pin(s, &u, (int32_t)id, rec);
        /* (pinned too: calendar variables follow the facts through the domain) */
        q_add(s, &q, implies(s, frozen, pin(s, (int32_t)id, rec)));
        if (cand_of[id] >= 0) q_add(s, &q, implies(s, cs[cand_of[id]].ch, s->nodes[id].present));
        if (frozen != s->t && s->nodes[id].seq) q_add(s, &q, s->nodes[id].seq_dom);
    }
    q_add(s, &q, sub_apply(s, &u, and2(s, ok_of(s, a), a->v)));
    sub_free(&u);
    for (uint32_t id = 1; id < s->n_nodes; id++)
        if (reads[id] && s->nodes[id].seq) {
            /* what the solver keeps of earlier questions on sequences can
             * make the next one far slower than on its own */
            solver_reset(s);
            break;
        }
    Z3_solver sv = solver_of(s, &q);
    Z3_ast *chs = aeo_xmalloc((nc + 1) * sizeof *chs);
    Z3_ast *assume = aeo_xmalloc((nc + 1) * sizeof *assume);
    aeo_solve_facts *alts = aeo_arena_alloc(s->ans, (max_alts + 1) * sizeof *alts);
    uint32_t n_alts = 0;
    const char *why = NULL;
    uint8_t *set = aeo_xcalloc(s->n_nodes + 1, 1);
    aeo_buf json = {0};
    Z3_lbool any = CHECK(s->z, sv);
    if (any == Z3_L_UNDEF) why = "the solver gave up (timeout)";
    /* Candidates in schema order: sets of one size are printed in it. */
    for (uint32_t i = 1; i < nc; i++)
        for (uint32_t j = i; j > 0 && node_cmp(s, cs[j - 1].node, cs[j].node) > 0; j--) {
            cand t = cs[j];
            cs[j] = cs[j - 1];
            cs[j - 1] = t;
        }
    for (uint32_t i = 0; i < nc; i++) chs[i] = cs[i].ch;
    uint32_t **sets = aeo_xmalloc(SETS_PER_SIZE * sizeof *sets);
    bool already = false;
    Z3_ast blk_on = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, "blocks"), s->s_bool);
    for (uint32_t k = 0; any == Z3_L_TRUE && !why && k <= nc && n_alts < max_alts; k++) {
        /* Any set left at all, of whatever size (the found ones blocked)? */
        if (k > 0) {
            Z3_lbool more = CHECK_ASSUMING(s->z, sv, 1, &blk_on);
            if (more == Z3_L_UNDEF) why = "the solver gave up (timeout)";
            if (more != Z3_L_TRUE) break;
        }
        /* Every set of size k (up to SETS_PER_SIZE), under the selector
         * lim -> at most k changes. */
        char lname[32];
        snprintf(lname, sizeof lname, "lim!%u", k);
        Z3_ast lim = Z3_mk_const(s->z, Z3_mk_string_symbol(s->z, lname), s->s_bool);
        Z3_solver_assert(s->z, sv, implies(s, lim, nc ? Z3_mk_atmost(s->z, nc, chs, k) : s->t));
        uint32_t n_sets = 0;
        while (n_sets < SETS_PER_SIZE && !why) {
            Z3_ast both[2] = {lim, blk_on};
            Z3_lbool r = CHECK_ASSUMING(s->z, sv, 2, both);
            if (r == Z3_L_UNDEF) why = "the solver gave up (timeout)";
            if (r != Z3_L_TRUE) break;
            Z3_model m = Z3_solver_get_model(s->z, sv);
            Z3_model_inc_ref(s->z, m);
            uint32_t *in = aeo_xcalloc(nc + 1, sizeof *in), n_in = 0;
            for (uint32_t i = 0; i < nc; i++)
                if (model_true(s, m, cs[i].ch)) in[1 + n_in++] = i;
            in[0] = n_in;
            Z3_model_dec_ref(s->z, m);
            /* Minimal: with any one of them left as it is, no values of
             * the others work (changing is monotone: a subset of size
             * |S|-1 covers every smaller one). */
            for (uint32_t j = 0; j < n_in && !why; j++) {
                uint32_t na = 0;
                for (uint32_t i = 0; i < nc; i++) {
                    bool keep = false;
                    for (uint32_t t = 0; t < n_in; t++)
                        if (in[1 + t] == i && t != j) keep = true;
                    if (!keep) assume[na++] = not1(s, cs[i].ch);
                }
                Z3_lbool sub = CHECK_ASSUMING(s->z, sv, na, assume);
                if (sub == Z3_L_UNDEF) why = "the solver gave up (timeout)";
                /* Cannot happen when every smaller size was unsatisfiable;
                 * say so rather than print it. */
                else if (sub != Z3_L_FALSE) why = "internal: a suggestion that is not minimal";
            }
            /* Block it and its supersets (while blk_on is assumed: the
             * values of a set are chosen without it). */
            Z3_ast *blk = aeo_xmalloc((n_in + 1) * sizeof *blk);
            for (uint32_t t = 0; t < n_in; t++) blk[t] = not1(s, cs[in[1 + t]].ch);
            Z3_solver_assert(s->z, sv, implies(s, blk_on, n_in ? Z3_mk_or(s->z, n_in, blk) : s->f));
            free(blk);
            sets[n_sets++] = in;
            if (n_in == 0) {
                already = true;   /* it applies as it is: one empty alternative */
                break;
            }
        }
        /* In schema order of their facts. */
        for (uint32_t i = 1; i < n_sets; i++)
            for (uint32_t j = i; j > 0; j--) {
                uint32_t *x = sets[j - 1], *y = sets[j];
                int c = 0;
                for (uint32_t t = 0; t < x[0] && !c; t++) c = x[1 + t] < y[1 + t] ? -1 : x[1 + t] > y[1 + t];
                if (c <= 0) break;
                sets[j - 1] = y;
                sets[j] = x;
            }
        for (uint32_t si = 0; si < n_sets; si++) {
            uint32_t *in = sets[si], n_in = in[0];
            if (why || n_alts >= max_alts) {
                free(in);
                continue;
            }
            /* Values: the set fixed, the nicest ones. */
            memset(set, 0, s->n_nodes + 1);
            Z3_solver_push(s->z, sv);
            for (uint32_t i = 0; i < nc; i++) {
                bool on = false;
                for (uint32_t t = 0; t < n_in; t++) on |= in[1 + t] == i;
                Z3_solver_assert(s->z, sv, on ? cs[i].ch : not1(s, cs[i].ch));
                if (on)
                    for (uint32_t id = 1; id < s->n_nodes; id++)
                        if (node_under(s, (int32_t)id, cs[i].node) && reads[id]) set[id] = 1;
            }
            Z3_model nm = nice_values(s, sv, set, rec, as_of);
            Z3_solver_pop(s->z, sv, 1);
            if (nm) {
                /* The changed record, evaluated by the VM. */
                s->over = aeo_xmalloc((s->n_nodes + 1) * sizeof *s->over);
                for (uint32_t id = 0; id <= s->n_nodes; id++) s->over[id] = aeo_absent();
                for (uint32_t id = 1; id < s->n_nodes; id++)
                    if (set[id] && s->nodes[id].seq) simplify_list(s, nm, set, rec, idx, as_of, (int32_t)id);
                json.len = 0;
                writer w = {s, nm, set, {s->c, NULL}, s->ans, true};
                write_obj(&w, &json, 0, rec);
                aeo_outcome_kind kind;
                if (w.ok && evaluate(&s->vm, s->c->program, json.data, json.len, idx, as_of, &kind, NULL) &&
                    kind == AEO_OUTCOME_APPLIES) {
                    facts_of(s, nm, set, rec, &alts[n_alts++]);
                } else {
                    why = aeo_arena_printf(s->ans, "internal: a suggestion the evaluation does not confirm: %s",
                                           json.data ? json.data : "");
                }
                free(s->over);
                s->over = NULL;
                Z3_model_dec_ref(s->z, nm);
            } else {
                why = "the solver gave up (timeout)";
            }
            free(in);
        }
        if (already) break;
    }
    free(sets);
    aeo_buf_free(&json);
    solver_done(s, sv);
    free(set);
    free(chs);
    free(assume);
    free(q.a);
    free(cs);
    free(cand_of);
    free(reads);
    if (why) {
        out->reason = why;
        return out->status;
    }
    out->status = AEO_SOLVE_OK;
    out->alts = alts;
    out->n_alts = n_alts;
    return out->status;
}

/* ---- ask ---------------------------------------------------------------------------------------- */

/* The node named by [path] ("enterprise.a.b"), made if needed; -1 when the
 * schema has no such fact. */
static int32_t node_by_path(aeo_solver *s, const char *path) {
    const char *root = s->nodes[0].path;
    size_t rl = strlen(root);
    if (strncmp(path, root, rl) != 0) return -1;
    if (path[rl] == '\0') return 0;
    if (path[rl] != '.') return -1;
    int32_t id = 0;
    const aeo_record_type *rt = s->c->root;
    const char *p = path + rl + 1;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char *name = aeo_arena_strndup(s->za, p, n);
        if (!rt || !aeo_record_type_field(rt, name)) return -1;
        const char *saved = s->why;
        id = node_child(s, id, rt, name);
        s->why = saved;
        if (id < 0) return -1;
        const aeo_field *f = s->nodes[id].field[0];
        rt = f && f->type->kind == AEO_T_RECORD ? f->type->rec : NULL;
        p += n;
        if (*p == '.') p++;
    }
    return id;
}

static aeo_solve_status ask_once(aeo_solver *s, aeo_vm *vm, const uint32_t *sel, uint32_t n, const char *const **paths,
                                uint32_t *n_paths, const char **reason) {
    begin_question(s);
    *paths = NULL;
    *n_paths = 0;
    *reason = NULL;
    aeo_value rec = aeo_vm_record(vm), as_of = aeo_vm_as_of(vm);
    /* The undecided measures and their missing facts, in first-seen order. */
    const char **miss = NULL;
    uint32_t n_miss = 0, cap_miss = 0;
    uint32_t *und = aeo_xmalloc((n + 1) * sizeof *und), n_und = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t idx = sel ? sel[k] : k;
        aeo_measure_outcome o = aeo_outcome_classify(aeo_vm_arena(vm), aeo_vm_measure(vm, idx));
        if (o.kind != AEO_OUTCOME_UNDECIDED) continue;
        und[n_und++] = idx;
        const aeo_unknown *u = o.detail.as.unk;
        for (uint32_t j = 0; j < u->n; j++) {
            bool seen = false;
            for (uint32_t i = 0; i < n_miss && !seen; i++) seen = strcmp(miss[i], u->paths[j]) == 0;
            if (seen) continue;
            if (n_miss == cap_miss) miss = aeo_xrealloc(miss, (cap_miss = cap_miss ? cap_miss * 2 : 8) * sizeof *miss);
            miss[n_miss++] = aeo_arena_strdup(s->ans, u->paths[j]);
        }
    }
    int32_t *node = aeo_xmalloc((n_miss + 1) * sizeof *node);
    uint32_t *count = aeo_xcalloc(n_miss + 1, sizeof *count);
    for (uint32_t i = 0; i < n_miss; i++) node[i] = node_by_path(s, miss[i]);
    for (uint32_t k = 0; k < n_und; k++) {
        sym *a = measure_applies(s, &s->cat, und[k]);
        if (!a) {
            if (!*reason)
                *reason = aeo_arena_printf(s->ans, "%s: %s", s->c->measures.items[und[k]]->name, s->why ? s->why : "?");
            continue;
        }
        const sym *ss[1] = {a};
        uint8_t *reads = reads_of(s, ss, 1);
        if (!seq_ready(s, reads, rec)) {
            if (!*reason)
                *reason = aeo_arena_printf(s->ans, "%s: %s", s->c->measures.items[und[k]]->name, s->why ? s->why : "?");
            free(reads);
            if (s->restart) break;
            continue;
        }
        for (uint32_t i = 0; i < n_miss; i++) {
            int32_t f = node[i];
            if (f <= 0 || !reads[f]) continue;
            facts_q q = {0};
            subst u = {0};
            sub_add(&u, s->as_of, mk_nanos(s, as_of.as.i, as_of.nanos));
            for (uint32_t id = 1; id < s->n_nodes; id++)
                if (reads[id] && !node_under(s, (int32_t)id, f)) {
                    sub_pin(s, &u, (int32_t)id, rec);
                    q_add(s, &q, pin(s, (int32_t)id, rec));
                }
            q_add(s, &q, s->nodes[f].present);
            for (uint32_t id = 1; id < s->n_nodes; id++)
                if (s->nodes[id].seq && node_under(s, (int32_t)id, f)) q_add(s, &q, s->nodes[id].seq_dom);
            q_add(s, &q, sub_apply(s, &u, a->unk));
            sub_free(&u);
            Z3_solver sv = solver_of(s, &q);
            Z3_lbool r = CHECK(s->z, sv);
            if (r == Z3_L_FALSE) count[i]++;
            else if (r == Z3_L_UNDEF && !*reason) *reason = "the solver gave up (timeout)";
            solver_done(s, sv);
            free(q.a);
        }
        free(reads);
    }
    /* Most decided first, then schema order (unknown paths last, as seen). */
    uint32_t *ord = aeo_xmalloc((n_miss + 1) * sizeof *ord);
    for (uint32_t i = 0; i < n_miss; i++) ord[i] = i;
    for (uint32_t i = 1; i < n_miss; i++)
        for (uint32_t j = i; j > 0; j--) {
            uint32_t x = ord[j - 1], y = ord[j];
            int c = count[x] != count[y] ? (count[x] < count[y] ? 1 : -1)
                    : node[x] < 0 || node[y] < 0 ? (node[x] < 0) - (node[y] < 0)
                                                 : node_cmp(s, node[x], node[y]);
            if (c <= 0) break;
            ord[j - 1] = y;
            ord[j] = x;
        }
    const char **outp = aeo_arena_alloc(s->ans, (n_miss + 1) * sizeof *outp);
    for (uint32_t i = 0; i < n_miss; i++) outp[i] = miss[ord[i]];
    *paths = outp;
    *n_paths = n_miss;
    free(ord);
    free(node);
    free(count);
    free(miss);
    free(und);
    return *reason ? AEO_SOLVE_UNKNOWN : AEO_SOLVE_OK;
}

/* ---- the jsonl members ------------------------------------------------------------------------ */

void aeo_solve_facts_json(const aeo_solve_facts *f, aeo_buf *out) {
    aeo_buf_puts(out, "{");
    for (uint32_t i = 0; i < f->n; i++) {
        if (i) aeo_buf_puts(out, ",");
        aeo_buf_json_string(out, f->facts[i].path, strlen(f->facts[i].path));
        aeo_buf_puts(out, ":");
        aeo_buf_puts(out, f->facts[i].json);
    }
    aeo_buf_puts(out, "}");
}

void aeo_solver_append_json(aeo_solver *s, aeo_vm *vm, const uint32_t *sel, uint32_t n,
                            const aeo_measure_outcome *outs, uint32_t max_alts, aeo_buf *out) {
    aeo_buf_puts(out, ",\"would_apply_if\":{");
    bool first = true, undecided = false;
    for (uint32_t k = 0; k < n; k++) {
        undecided |= outs[k].kind == AEO_OUTCOME_UNDECIDED;
        if (outs[k].kind != AEO_OUTCOME_NOT) continue;
        uint32_t idx = sel ? sel[k] : k;
        const char *id = s->c->program->measures[idx].id;
        if (!first) aeo_buf_puts(out, ",");
        first = false;
        aeo_buf_json_string(out, id, strlen(id));
        aeo_buf_puts(out, ":");
        aeo_suggestion sg;
        if (aeo_solver_suggest(s, vm, idx, max_alts, &sg) != AEO_SOLVE_OK) {
            aeo_buf_puts(out, "{\"unknown\":");
            aeo_buf_json_string(out, sg.reason, strlen(sg.reason));
            aeo_buf_puts(out, "}");
            continue;
        }
        aeo_buf_puts(out, "[");
        for (uint32_t i = 0; i < sg.n_alts; i++) {
            if (i) aeo_buf_puts(out, ",");
            aeo_solve_facts_json(&sg.alts[i], out);
        }
        aeo_buf_puts(out, "]");
    }
    aeo_buf_puts(out, "}");
    if (!undecided) return;
    const char *const *paths;
    uint32_t np;
    const char *reason;
    aeo_solver_ask(s, vm, sel, n, &paths, &np, &reason);
    aeo_buf_puts(out, ",\"ask\":[");
    for (uint32_t i = 0; i < np; i++) {
        if (i) aeo_buf_puts(out, ",");
        aeo_buf_json_string(out, paths[i], strlen(paths[i]));
    }
    aeo_buf_puts(out, "]");
}

/* ---- witnesses ----------------------------------------------------------------------------------- */

/* The outcome of [a] as an int term: 0 applies, 1 not, 2 undecided, 3 error
 * (aeo_outcome_kind's order). */
static Z3_ast outcome_term(aeo_solver *s, const sym *a) {
    return ite(s, a->unk, mk_i64(s, 2), ite(s, a->err, mk_i64(s, 3), ite(s, a->v, mk_i64(s, 0), mk_i64(s, 1))));
}

static aeo_solve_status witness_once(aeo_solver *s, uint32_t old_idx, const aeo_catalog *new_c, uint32_t new_idx,
                                    aeo_value as_of, aeo_witness *out) {
    begin_question(s);
    s->dirty = true;
    memset(out, 0, sizeof *out);
    out->status = AEO_SOLVE_UNKNOWN;
    tcat tn;
    tcat_init(&tn, new_c, 1);
    const char *why = NULL;
    sym *ao = measure_applies(s, &s->cat, old_idx);
    if (!ao) why = aeo_arena_printf(s->ans, "old version: %s", s->why);
    sym *an = why ? NULL : measure_applies(s, &tn, new_idx);
    if (!why && !an) why = aeo_arena_printf(s->ans, "new version: %s", s->why);
    const aeo_measure *mo = s->c->measures.items[old_idx]->measure, *mn = new_c->measures.items[new_idx]->measure;
    sym *vo = NULL, *vn = NULL;
    if (!why && mo->value_type && mn->value_type) {
        vo = measure_value(s, &s->cat, old_idx);
        if (!vo) why = aeo_arena_printf(s->ans, "old version's value: %s", s->why);
        vn = why ? NULL : measure_value(s, &tn, new_idx);
        if (!why && !vn) why = aeo_arena_printf(s->ans, "new version's value: %s", s->why);
        if (!why && vo->k != vn->k && !((vo->k == K_INT || vo->k == K_REAL) && (vn->k == K_INT || vn->k == K_REAL)))
            why = "the type of the value changed";
    }
    if (!why && !seq_ready(s, NULL, aeo_absent())) why = aeo_arena_strdup(s->ans, s->why ? s->why : "?");
    if (why) {
        tcat_free(&tn);
        out->reason = why;
        return out->status;
    }
    Z3_ast differ = Z3_mk_not(s->z, Z3_mk_eq(s->z, outcome_term(s, ao), outcome_term(s, an)));
    Z3_ast both = and2(s, and2(s, ok_of(s, ao), ao->v), and2(s, ok_of(s, an), an->v));
    if (vo && vn) {
        /* both apply: the values are known (a case that holds is settled) */
        Z3_ast q = eq_val(s, vo, vn);
        if (q) differ = or2(s, differ, and2(s, both, not1(s, q)));
    } else if (!mo->value_type != !mn->value_type) {
        /* one grants a value, the other nothing (null) */
        differ = or2(s, differ, both);
    }
    facts_q q = {0};
    q_add(s, &q, as_of_pin(s, as_of));
    q_add(s, &q, differ);
    seq_domains(s, &q, NULL);
    Z3_solver sv = solver_of(s, &q);
    Z3_lbool r = CHECK(s->z, sv);
    if (r == Z3_L_UNDEF) {
        why = "the solver gave up (timeout)";
    } else if (r == Z3_L_FALSE) {
        out->status = AEO_SOLVE_OK;
        out->equivalent = true;
    } else {
        uint8_t *all = aeo_xcalloc(s->n_nodes + 1, 1);
        for (uint32_t id = 1; id < s->n_nodes; id++) all[id] = 1;
        Z3_model m = nice_values(s, sv, all, aeo_absent(), as_of);
        if (!m) {
            why = "the solver gave up (timeout)";
            free(all);
            goto done;
        }
        aeo_buf json = {0};
        writer w = {s, m, all, {s->c, new_c}, s->ans, true};
        write_obj(&w, &json, 0, aeo_absent());
        aeo_outcome_kind ko, kn;
        aeo_buf valo = {0}, valn = {0};
        if (s->vm2 && s->vm2_prog != new_c->program) {
            aeo_vm_free(s->vm2);
            s->vm2 = NULL;
        }
        s->vm2_prog = new_c->program;
        bool ok = w.ok && evaluate(&s->vm, s->c->program, json.data, json.len, old_idx, as_of, &ko, &valo) &&
                  evaluate(&s->vm2, new_c->program, json.data, json.len, new_idx, as_of, &kn, &valn);
        bool differs = ok && (ko != kn || (valo.len != valn.len || (valo.len && memcmp(valo.data, valn.data, valo.len))));
        if (differs) {
            out->status = AEO_SOLVE_OK;
            out->old_outcome = ko;
            out->new_outcome = kn;
            out->record = aeo_arena_strndup(s->ans, json.data, json.len);
            if (valo.len) out->old_value = aeo_arena_strndup(s->ans, valo.data, valo.len);
            if (valn.len) out->new_value = aeo_arena_strndup(s->ans, valn.data, valn.len);
        } else {
            why = aeo_arena_printf(s->ans, "internal: a witness the evaluation does not confirm: %s", json.data);
        }
        aeo_buf_free(&json);
        aeo_buf_free(&valo);
        aeo_buf_free(&valn);
        Z3_model_dec_ref(s->z, m);
        free(all);
    }
done:
    solver_done(s, sv);
    free(q.a);
    tcat_free(&tn);
    if (why) out->reason = why;
    return out->status;
}

/* ---- covering records ------------------------------------------------------------------------ */

static aeo_solve_status cover_once(aeo_solver *s, const aeo_cover *goal, aeo_value as_of, const char **record,
                                  const char **reason) {
    begin_question(s);
    *record = NULL;
    *reason = NULL;
    const aeo_catalog *c = s->c;
    Z3_ast want = NULL;
    frame *fr = aeo_xcalloc(1, sizeof *fr);
    switch (goal->goal) {
    case AEO_COVER_APPLIES:
    case AEO_COVER_NOT:
    case AEO_COVER_CASE: {
        sym *a = measure_applies(s, &s->cat, goal->measure);
        if (!a) break;
        Z3_ast ok = ok_of(s, a);
        want = and2(s, ok, goal->goal == AEO_COVER_NOT ? not1(s, a->v) : a->v);
        if (goal->goal != AEO_COVER_CASE) break;
        /* the cases before k known false, case k true (the else: all false) */
        const aeo_measure *m = c->measures.items[goal->measure]->measure;
        s->cur = &s->cat;
        for (uint32_t i = 0; i < m->n_cases && i <= goal->k && want; i++) {
            sym *k = tr(s, fr, m->cases[i].cond);
            if (!k) {
                want = NULL;
                break;
            }
            want = and2(s, want, and2(s, ok_of(s, k), i == goal->k ? k->v : not1(s, k->v)));
        }
        break;
    }
    case AEO_COVER_TRUE:
    case AEO_COVER_FALSE: {
        sym *e = tr(s, fr, goal->e);
        if (!e) break;
        if (e->k != K_BOOL) {
            fail(s, "a condition that is not a bool");
            break;
        }
        want = and2(s, ok_of(s, e), goal->goal == AEO_COVER_TRUE ? e->v : not1(s, e->v));
        break;
    }
    case AEO_COVER_TIERS: {
        const aeo_decl *ta = c->tiers.items[goal->tier_a], *tb = c->tiers.items[goal->tier_b];
        sym *a = tr_def(s, s->cat.tier_state, s->cat.tier_memo, s->cat.tier_why, goal->tier_a, ta->value, ta->name);
        sym *b = a ? tr_def(s, s->cat.tier_state, s->cat.tier_memo, s->cat.tier_why, goal->tier_b, tb->value, tb->name)
                   : NULL;
        if (b) want = and2(s, and2(s, ok_of(s, a), a->v), and2(s, ok_of(s, b), b->v));
        break;
    }
    }
    free(fr);
    if (want && !seq_ready(s, NULL, aeo_absent())) want = NULL;
    if (!want) {
        *reason = aeo_arena_strdup(s->ans, s->why ? s->why : "outside the fragment");
        return AEO_SOLVE_UNKNOWN;
    }
    facts_q q = {0};
    q_add(s, &q, as_of_pin(s, as_of));
    q_add(s, &q, want);
    seq_domains(s, &q, NULL);
    Z3_solver sv = solver_of(s, &q);
    Z3_lbool r = CHECK(s->z, sv);
    aeo_solve_status st = AEO_SOLVE_OK;
    if (r == Z3_L_UNDEF) {
        *reason = "the solver gave up (timeout)";
        st = AEO_SOLVE_UNKNOWN;
    } else if (r == Z3_L_TRUE) {
        uint8_t *all = aeo_xcalloc(s->n_nodes + 1, 1);
        for (uint32_t id = 1; id < s->n_nodes; id++) all[id] = 1;
        Z3_model m = nice_values(s, sv, all, aeo_absent(), as_of);
        if (m) {
            aeo_buf json = {0};
            writer w = {s, m, all, {s->c, NULL}, s->ans, true};
            write_obj(&w, &json, 0, aeo_absent());
            if (w.ok) *record = aeo_arena_strndup(s->ans, json.data, json.len);
            aeo_buf_free(&json);
            Z3_model_dec_ref(s->z, m);
        }
        if (!*record) {
            *reason = "the solver gave up (timeout)";
            st = AEO_SOLVE_UNKNOWN;
        }
        free(all);
    }
    solver_done(s, sv);
    free(q.a);
    return st;
}

/* ---- W0202 ------------------------------------------------------------------------------------- */

static aeo_solve_status tier_once(aeo_solver *s, uint32_t idx, uint32_t tier, aeo_value today, bool *possible,
                                          const char **witness, aeo_value *when, const char **reason) {
    begin_question(s);
    *possible = false;
    *witness = NULL;
    *reason = NULL;
    *when = today;
    const aeo_decl *td = s->c->tiers.items[tier];
    sym *t = tr_def(s, s->cat.tier_state, s->cat.tier_memo, s->cat.tier_why, tier, td->value, td->name);
    sym *a = t ? measure_applies(s, &s->cat, idx) : NULL;
    if (a && !seq_ready(s, NULL, aeo_absent())) a = NULL;
    if (!a) {
        *reason = aeo_arena_strdup(s->ans, s->why ? s->why : "outside the fragment");
        return AEO_SOLVE_UNKNOWN;
    }
    facts_q q = {0};
    q_add(s, &q, ts_ok(s, s->as_of));
    q_add(s, &q, and2(s, and2(s, ok_of(s, t), t->v), and2(s, ok_of(s, a), a->v)));
    seq_domains(s, &q, NULL);
    Z3_solver sv = solver_of(s, &q);
    Z3_lbool r = CHECK(s->z, sv);
    aeo_solve_status st = AEO_SOLVE_OK;
    if (r == Z3_L_UNDEF) {
        *reason = "the solver gave up (timeout)";
        st = AEO_SOLVE_UNKNOWN;
    } else if (r == Z3_L_TRUE) {
        *possible = true;
        /* The date: today if it will do. */
        Z3_solver_push(s->z, sv);
        Z3_ast l = lit_for(s, sv, as_of_pin(s, today));
        bool at_today = CHECK_ASSUMING(s->z, sv, 1, &l) == Z3_L_TRUE;
        if (at_today) Z3_solver_assert(s->z, sv, l);
        else CHECK(s->z, sv);
        Z3_model m0 = Z3_solver_get_model(s->z, sv);
        int64_t sec = today.as.i;
        int32_t ns = today.nanos;
        if (m0 && !at_today) {
            Z3_model_inc_ref(s->z, m0);
            Z3_ast v = model_eval(s, m0, s->as_of);
            if (!v || !numeral_nanos(s, v, &sec, &ns)) sec = today.as.i, ns = today.nanos;
            Z3_model_dec_ref(s->z, m0);
            Z3_solver_assert(s->z, sv, as_of_pin(s, aeo_timestamp(sec, ns)));
        }
        aeo_value as_of = aeo_timestamp(sec, ns);
        uint8_t *all = aeo_xcalloc(s->n_nodes + 1, 1);
        for (uint32_t id = 1; id < s->n_nodes; id++) all[id] = 1;
        /* The solver's own model (a lint needs a record, not a nice one). */
        Z3_model m = CHECK(s->z, sv) == Z3_L_TRUE ? Z3_solver_get_model(s->z, sv) : NULL;
        if (m) Z3_model_inc_ref(s->z, m);
        Z3_solver_pop(s->z, sv, 1);
        if (m) {
            aeo_buf json = {0};
            writer w = {s, m, all, {s->c, NULL}, s->ans, true};
            write_obj(&w, &json, 0, aeo_absent());
            aeo_outcome_kind kind;
            if (w.ok && evaluate(&s->vm, s->c->program, json.data, json.len, idx, as_of, &kind, NULL) &&
                kind == AEO_OUTCOME_APPLIES) {
                *witness = aeo_arena_strndup(s->ans, json.data, json.len);
                *when = as_of;
            }
            aeo_buf_free(&json);
            Z3_model_dec_ref(s->z, m);
        }
        free(all);
        if (!*witness) {
            *reason = "internal: a witness the evaluation does not confirm";
            st = AEO_SOLVE_UNKNOWN;
        }
    }
    solver_done(s, sv);
    free(q.a);
    return st;
}

/* ---- the questions, translated again while a sequence grows (seq_need) -------------------------- */

/* After an attempt: true when it is to be made again in a fresh context. */
static bool again(aeo_solver *s, int round) {
    if (!s->restart) return false;
    s->restart = false;
    s->dirty = true;
    return round < 16;
}

aeo_solve_status aeo_solver_suggest(aeo_solver *s, aeo_vm *vm, uint32_t idx, uint32_t max_alts, aeo_suggestion *out) {
    aeo_solve_status st;
    for (int round = 0;; round++)
        if (st = suggest_once(s, vm, idx, max_alts, out), !again(s, round)) return st;
}

aeo_solve_status aeo_solver_ask(aeo_solver *s, aeo_vm *vm, const uint32_t *sel, uint32_t n, const char *const **paths,
                                uint32_t *n_paths, const char **reason) {
    aeo_solve_status st;
    for (int round = 0;; round++)
        if (st = ask_once(s, vm, sel, n, paths, n_paths, reason), !again(s, round)) return st;
}

aeo_solve_status aeo_solver_witness(aeo_solver *s, uint32_t old_idx, const aeo_catalog *new_c, uint32_t new_idx,
                                    aeo_value as_of, aeo_witness *out) {
    aeo_solve_status st;
    for (int round = 0;; round++)
        if (st = witness_once(s, old_idx, new_c, new_idx, as_of, out), !again(s, round)) return st;
}

aeo_solve_status aeo_solver_cover(aeo_solver *s, const aeo_cover *goal, aeo_value as_of, const char **record,
                                  const char **reason) {
    aeo_solve_status st;
    for (int round = 0;; round++)
        if (st = cover_once(s, goal, as_of, record, reason), !again(s, round)) return st;
}

aeo_solve_status aeo_solver_tier_possible(aeo_solver *s, uint32_t idx, uint32_t tier, aeo_value today, bool *possible,
                                          const char **witness, aeo_value *when, const char **reason) {
    aeo_solve_status st;
    for (int round = 0;; round++)
        if (st = tier_once(s, idx, tier, today, possible, witness, when, reason), !again(s, round)) return st;
}
