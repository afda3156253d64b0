/* gen_shape: the third shape of `make bench`, a generated catalog of many
 * measures that share sub-conditions, and its hand-written C.
 *
 *   gen_shape [-n MEASURES] [-s SEED] DIR CFILE
 *
 * writes DIR/catalog.aeo (MEASURES measures, default 500, over the Shenyang
 * schema: evaluate with `aeo eval rules/shenyang/01_schema.aeo DIR`) and
 * CFILE, the same conditions in plain C as a shape of the hand-written
 * programs (hw.h: linked with hw_main.c, hw_common.c and a reader).  The same
 * MEASURES and SEED give the same bytes (its own PRNG, splitmix64).
 *
 * What the catalog looks like: four tiers (`all` = true, `aeo`, `advanced`,
 * `trader`), a pool of atoms (a bool fact, the credit enum compared with a
 * value or `in` a list, the area code's prefix or `in` a list of codes, a
 * business type `in` the list, an int fact compared with a constant, the size
 * of a list), 40 defs combining atoms and earlier defs, and measures whose
 * `when` begins, three times in five, with one of a few leading conjuncts
 * (the jurisdiction test, a credit test, a size class) followed by one to
 * three defs or atoms joined by && and ||, half of them with an `unless`.
 * Each measure reads at most 8 optional facts, so that the C's undecided
 * lists (8 entries) hold every missing fact.
 *
 * The C is what a careful programmer would write: the defs computed once per
 * record, in CEL's three-valued logic, each measure's tier tested first and
 * its condition only then. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_read.h"

static uint64_t seed = 20210421;

static uint64_t next(void) {
    uint64_t z = (seed += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned pick(unsigned n) { return (unsigned)(next() % n); }

/* ---- expressions ------------------------------------------------------------ */

enum op { A_BOOL, A_CREDIT_EQ, A_CREDIT_IN, A_AREA_PREFIX, A_AREA_IN, A_BUSINESS, A_INT_GE, A_MRA_GT,
          E_DEF, E_AND, E_OR, E_NOT };

typedef struct expr {
    enum op op;
    int f;            /* field (A_BOOL, A_INT_GE); credit / business index; def index */
    unsigned mask;    /* A_CREDIT_IN: credit bits; A_AREA_IN: codes bits */
    long long k;      /* A_INT_GE, A_MRA_GT; A_AREA_PREFIX: 8 or 9 */
    struct expr *l, *r;
} expr;

static expr *node(enum op op) {
    expr *e = calloc(1, sizeof *e);
    if (!e) exit(2);
    e->op = op;
    return e;
}

static expr *bin(enum op op, expr *l, expr *r) {
    expr *e = node(op);
    e->l = l;
    e->r = r;
    return e;
}

static const int bool_fields[] = {
    F_IMPORTS, F_EXPORTS, F_DECLARES_AT_SHENYANG_PORTS, F_NEEDS_GUARANTEE, F_GUARANTEE_ON_FILE,
    F_DUTY_PAYING_IMPORTS, F_STATUTORY_INSPECTION_GOODS, F_RELEASE_FIRST_GOODS, F_FOOD_AGRI_EXPORTER,
    F_USES_ORIGIN_CERTIFICATES, F_E_ACCOUNT_BOOK, F_SELECTED_FOR_INSPECTION, F_PENDING_DETERMINATION,
    F_ADVANCE_RULING_APPLIED, F_DISRUPTION_DECLARED, F_LAB_SAMPLING, F_PORT_INSPECTION,
    F_DESTINATION_INSPECTION, F_OPEN_VERIFICATION, F_VIOLATION_CASE_OPEN, F_SMUGGLING_CASE_OPEN,
    F_DECLARES_IN_LIAONING};
#define N_BOOL (sizeof bool_fields / sizeof *bool_fields)

static const char *const area_codes[] = {"0801", "0802", "0804", "0805", "0806", "0807", "0808", "0810",
                                         "0900", "0901", "0902", "0903", "0904", "0906"};
#define N_AREA (sizeof area_codes / sizeof *area_codes)

static const struct { int f; long long ks[3]; } int_tests[] = {
    {F_VIOLATIONS_12M, {1, 2, 3}},
    {F_FINES_12M_CNY, {1, 10000, 100000}},
    {F_TRADE_VALUE_CNY, {5000000, 50000000, 500000000}},
};

static expr *atom(void) {
    expr *e;
    switch (pick(12)) {
    case 0: case 1: case 2: case 3: case 4:
        e = node(A_BOOL);
        e->f = bool_fields[pick(N_BOOL)];
        return e;
    case 5:
        e = node(A_CREDIT_EQ);
        e->f = (int)pick(4);
        return e;
    case 6:
        e = node(A_CREDIT_IN);
        do e->mask = pick(15) + 1; while (e->mask == 1 || e->mask == 2 || e->mask == 4 || e->mask == 8);
        return e;
    case 7:
        e = node(A_AREA_PREFIX);
        e->k = pick(2) ? 8 : 9;
        return e;
    case 8:
        e = node(A_AREA_IN);
        for (int i = 0; i < 3 + (int)pick(3); i++) e->mask |= 1u << pick(N_AREA);
        return e;
    case 9:
        e = node(A_BUSINESS);
        e->f = (int)pick(HW_N_BUSINESS);
        return e;
    case 10: {
        e = node(A_INT_GE);
        unsigned t = pick(3);
        e->f = int_tests[t].f;
        e->k = int_tests[t].ks[pick(3)];
        return e;
    }
    default:
        e = node(A_MRA_GT);
        e->k = pick(3);
        return e;
    }
}

#define N_DEFS 40
static expr *defs[N_DEFS];
static char def_names[N_DEFS][16];   /* "shared_01" ... */

/* A def: two or three atoms or earlier defs under && / ||, sometimes negated. */
static expr *def_body(int i) {
    int n = 2 + (int)pick(2);
    expr *e = NULL;
    for (int k = 0; k < n; k++) {
        expr *t;
        if (i > 4 && pick(3) == 0) {
            t = node(E_DEF);
            t->f = (int)pick((unsigned)i);
        } else {
            t = atom();
        }
        if (pick(6) == 0) t = bin(E_NOT, t, NULL);
        e = e ? bin(pick(2) ? E_AND : E_OR, e, t) : t;
    }
    return e;
}

/* The optional facts [e] may name as missing (bits), defs followed. */
static uint64_t fields_of(const expr *e) {
    switch (e->op) {
    case A_BOOL: case A_INT_GE:
        return hw_field_info[e->f].required ? 0 : UINT64_C(1) << e->f;
    case A_BUSINESS: return UINT64_C(1) << F_BUSINESS_TYPES;
    case A_MRA_GT: return UINT64_C(1) << F_MRA_MARKETS;
    case E_DEF: return fields_of(defs[e->f]);
    case E_AND: case E_OR: return fields_of(e->l) | fields_of(e->r);
    case E_NOT: return fields_of(e->l);
    default: return 0;
    }
}

static int bits(uint64_t v) {
    int n = 0;
    for (; v; v &= v - 1) n++;
    return n;
}

/* ---- the leading conjuncts and tiers ------------------------------------------- */

#define N_LEAD 5
static const char *const lead_cel[N_LEAD] = {
    "(enterprise.registered_area.startsWith(\"08\") || enterprise.declares_in_liaoning)",
    "enterprise.credit == \"advanced\"",
    "enterprise.credit in [\"advanced\", \"general\"]",
    "enterprise.trade_value_cny >= 50000000",
    "enterprise.registered_area.startsWith(\"08\")"};
static const char *const lead_c[N_LEAD] = {
    "known(area_08 || (r->truth >> F_DECLARES_IN_LIAONING & 1))",
    "known(r->credit == CREDIT_ADVANCED)",
    "known(r->credit <= CREDIT_GENERAL)",
    "(r->present >> F_TRADE_VALUE_CNY & 1 ? known(r->trade_value_cny >= 50000000) : missing(F_TRADE_VALUE_CNY))",
    "known(area_08)"};

#define N_TIERS 4
static const char *const tier_name[N_TIERS] = {"all", "aeo", "advanced", "trader"};
static const char *const tier_cel[N_TIERS] = {
    "true", "enterprise.credit in [\"advanced\", \"general\"]", "enterprise.credit == \"advanced\"",
    "enterprise.credit != \"dishonest\""};
static const char *const tier_c[N_TIERS] = {
    "true", "r->credit <= CREDIT_GENERAL", "r->credit == CREDIT_ADVANCED", "r->credit != CREDIT_DISHONEST"};

/* ---- printing ---------------------------------------------------------------------- */

static int prec(const expr *e) {
    return e->op == E_OR ? 1 : e->op == E_AND ? 2 : 3;
}

static void cel(FILE *o, const expr *e) {
    switch (e->op) {
    case A_BOOL: fprintf(o, "enterprise.%s", hw_field_info[e->f].name); break;
    case A_CREDIT_EQ: fprintf(o, "enterprise.credit == \"%s\"", hw_credit_names[e->f]); break;
    case A_CREDIT_IN: {
        fputs("enterprise.credit in [", o);
        const char *sep = "";
        for (int k = 0; k < 4; k++)
            if (e->mask >> k & 1) { fprintf(o, "%s\"%s\"", sep, hw_credit_names[k]); sep = ", "; }
        fputc(']', o);
        break;
    }
    case A_AREA_PREFIX: fprintf(o, "enterprise.registered_area.startsWith(\"0%lld\")", e->k); break;
    case A_AREA_IN: {
        fputs("enterprise.registered_area in [", o);
        const char *sep = "";
        for (unsigned k = 0; k < N_AREA; k++)
            if (e->mask >> k & 1) { fprintf(o, "%s\"%s\"", sep, area_codes[k]); sep = ", "; }
        fputc(']', o);
        break;
    }
    case A_BUSINESS: fprintf(o, "\"%s\" in enterprise.business_types", hw_business_names[e->f]); break;
    case A_INT_GE: fprintf(o, "enterprise.%s >= %lld", hw_field_info[e->f].name, e->k); break;
    case A_MRA_GT: fprintf(o, "size(enterprise.mra_markets) > %lld", e->k); break;
    case E_DEF: fputs(def_names[e->f], o); break;
    case E_NOT:
        if (e->l->op <= A_MRA_GT && e->l->op != A_BOOL) {
            fputs("!(", o);
            cel(o, e->l);
            fputc(')', o);
        } else if (prec(e->l) < 3) {
            fputs("!(", o);
            cel(o, e->l);
            fputc(')', o);
        } else {
            fputc('!', o);
            cel(o, e->l);
        }
        break;
    case E_AND: case E_OR: {
        const char *opname = e->op == E_AND ? " && " : " || ";
        for (int side = 0; side < 2; side++) {
            const expr *s = side ? e->r : e->l;
            /* && binds tighter than ||; a right operand of the same operator is grouped too. */
            bool paren = prec(s) < prec(e) || (side && prec(s) == prec(e) && s->op != E_NOT);
            if (side) fputs(opname, o);
            if (paren) fputc('(', o);
            cel(o, s);
            if (paren) fputc(')', o);
        }
        break;
    }
    }
}

static void c_expr(FILE *o, const expr *e) {
    switch (e->op) {
    case A_BOOL: fprintf(o, "fact(r, %d)", e->f); break;
    case A_CREDIT_EQ: fprintf(o, "known(r->credit == %d)", e->f); break;
    case A_CREDIT_IN: fprintf(o, "known(%uu >> r->credit & 1)", e->mask); break;
    case A_AREA_PREFIX: fprintf(o, "known(area_0%lld)", e->k); break;
    case A_AREA_IN: fprintf(o, "known(area_in(r, %uu))", e->mask); break;
    case A_BUSINESS:
        fprintf(o, "(r->present >> F_BUSINESS_TYPES & 1 ? known(r->business >> %d & 1) : missing(F_BUSINESS_TYPES))",
                e->f);
        break;
    case A_INT_GE: {
        const char *m = e->f == F_VIOLATIONS_12M ? "violations_12m" : e->f == F_FINES_12M_CNY ? "fines_12m_cny"
                                                                                              : "trade_value_cny";
        fprintf(o, "(r->present >> %d & 1 ? known(r->%s >= %lld) : missing(%d))", e->f, m, e->k, e->f);
        break;
    }
    case A_MRA_GT:
        fprintf(o, "(r->present >> F_MRA_MARKETS & 1 ? known(r->n_mra > %lld) : missing(F_MRA_MARKETS))", e->k);
        break;
    case E_DEF: fprintf(o, "d[%d]", e->f); break;
    case E_NOT: fputs("not_(", o); c_expr(o, e->l); fputc(')', o); break;
    case E_AND: case E_OR:
        fputs(e->op == E_AND ? "and_(" : "or_(", o);
        c_expr(o, e->l);
        fputs(", ", o);
        c_expr(o, e->r);
        fputc(')', o);
        break;
    }
}

typedef struct measure {
    int tier, lead;   /* lead -1: none */
    expr *when, *unless;
} measure;

int main(int argc, char **argv) {
    int n = 500;
    const char *dir = NULL, *cfile = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) n = atoi(argv[++i]);
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!dir) dir = argv[i];
        else cfile = argv[i];
    }
    if (!dir || !cfile || n < 1 || n > 99999) {
        fputs("usage: gen_shape [-n MEASURES] [-s SEED] DIR CFILE\n", stderr);
        return 2;
    }
    for (int i = 0; i < N_DEFS; i++) {
        snprintf(def_names[i], sizeof def_names[i], "shared_%02d", i + 1);
        do defs[i] = def_body(i);
        while (bits(fields_of(defs[i])) > 4);
    }
    measure *ms = calloc((size_t)n, sizeof *ms);
    if (!ms) return 2;
    for (int m = 0; m < n; m++) {
        measure *x = &ms[m];
        for (;;) {
            x->tier = (int)pick(N_TIERS);
            x->lead = pick(5) < 3 ? (int)pick(N_LEAD) : -1;
            int terms = 1 + (int)pick(3);
            x->when = NULL;
            for (int k = 0; k < terms; k++) {
                expr *t;
                if (pick(2)) {
                    t = node(E_DEF);
                    t->f = (int)pick(N_DEFS);
                } else {
                    t = atom();
                }
                x->when = x->when ? bin(pick(3) ? E_AND : E_OR, x->when, t) : t;
            }
            x->unless = NULL;
            if (pick(2)) {
                if (pick(2)) {
                    x->unless = node(E_DEF);
                    x->unless->f = (int)pick(N_DEFS);
                } else {
                    x->unless = atom();
                }
            }
            uint64_t fs = fields_of(x->when) | (x->unless ? fields_of(x->unless) : 0);
            if (x->lead == 3) fs |= UINT64_C(1) << F_TRADE_VALUE_CNY;
            if (bits(fs) <= 8) break;
        }
    }

    char path[4096];
    snprintf(path, sizeof path, "%s/catalog.aeo", dir);
    FILE *o = fopen(path, "w");
    if (!o) {
        perror(path);
        return 2;
    }
    fprintf(o, "// Generated by tests/bench/gen_shape.c (-n %d): the third shape of `make bench`.\n", n);
    fputs("// Evaluate with: aeo eval rules/shenyang/01_schema.aeo DIR --facts FILE\n\n", o);
    fputs("catalog generated_shape {\n  title: \"Generated measures sharing sub-conditions (benchmark shape)\"\n"
          "  authority: \"aeo benchmark\"\n  published: \"2021-04-21\"\n  key: enterprise.uscc\n}\n\n", o);
    for (int t = 0; t < N_TIERS; t++) fprintf(o, "tier %s = %s\n", tier_name[t], tier_cel[t]);
    fputc('\n', o);
    for (int i = 0; i < N_DEFS; i++) {
        fprintf(o, "def %s = ", def_names[i]);
        cel(o, defs[i]);
        fputc('\n', o);
    }
    for (int m = 0; m < n; m++) {
        measure *x = &ms[m];
        fprintf(o, "\nmeasure G%03d \"Generated measure %d\" {\n  tier: %s\n  when: ", m + 1, m + 1,
                tier_name[x->tier]);
        if (x->lead >= 0) {
            fprintf(o, "%s && ", lead_cel[x->lead]);
            bool paren = x->when->op == E_OR;
            if (paren) fputc('(', o);
            cel(o, x->when);
            if (paren) fputc(')', o);
        } else {
            cel(o, x->when);
        }
        fputc('\n', o);
        if (x->unless) {
            fputs("  unless: ", o);
            cel(o, x->unless);
            fputc('\n', o);
        }
        fputs("}\n", o);
    }
    if (fclose(o) != 0) return 2;

    o = fopen(cfile, "w");
    if (!o) {
        perror(cfile);
        return 2;
    }
    fprintf(o, "/* Generated by tests/bench/gen_shape.c (-n %d): the hand-written C of the\n"
               " * generated shape of `make bench` (hw.h).  Fields by number (hw_read.h's F_*). */\n", n);
    fputs("#include <string.h>\n\n#include \"hw.h\"\n\n", o);
    fprintf(o, "const unsigned hw_n_measures = %d;\nconst char *const hw_measure_id[%d] = {", n, n);
    for (int m = 0; m < n; m++) fprintf(o, "%s\"G%03d\"", m == 0 ? "\n    " : m % 10 ? ", " : ",\n    ", m + 1);
    fputs("};\n\n", o);
    fputs("void hw_init(int64_t as_of) { (void)as_of; }\n\n", o);
    fputs("static const char *const area_codes[] = {", o);
    for (unsigned k = 0; k < N_AREA; k++) fprintf(o, "%s\"%s\"", k ? ", " : "", area_codes[k]);
    fputs("};\n\n", o);
    fputs("static bool area_in(const hw_rec *r, unsigned mask) {\n"
          "    if (r->area_len != 4) return false;\n"
          "    for (unsigned k = 0; mask; k++, mask >>= 1)\n"
          "        if ((mask & 1) && memcmp(r->area, area_codes[k], 4) == 0) return true;\n"
          "    return false;\n}\n\n", o);
    fputs("void hw_evaluate(const hw_rec *r, tri *out) {\n", o);
    fputs("    bool area_08 = r->area_len >= 2 && r->area[0] == '0' && r->area[1] == '8';\n"
          "    bool area_09 = r->area_len >= 2 && r->area[0] == '0' && r->area[1] == '9';\n"
          "    (void)area_09;\n", o);
    for (int t = 0; t < N_TIERS; t++) fprintf(o, "    bool tier_%s = %s;\n", tier_name[t], tier_c[t]);
    fprintf(o, "    tri d[%d];\n", N_DEFS);
    for (int i = 0; i < N_DEFS; i++) {
        fprintf(o, "    d[%d] = ", i);
        c_expr(o, defs[i]);
        fputs(";\n", o);
    }
    for (int i = 0; i < N_LEAD; i++) fprintf(o, "    tri lead%d = %s;\n", i, lead_c[i]);
    for (int m = 0; m < n; m++) {
        measure *x = &ms[m];
        fprintf(o, "    out[%d] = !tier_%s ? FALSE_ : ", m, tier_name[x->tier]);
        /* when [&& !unless], the lead first */
        if (x->lead >= 0) fprintf(o, "lead%d.s == 0 ? FALSE_ : and_(lead%d, ", x->lead, x->lead);
        if (x->unless) fputs("and_(", o);
        c_expr(o, x->when);
        if (x->unless) {
            fputs(", not_(", o);
            c_expr(o, x->unless);
            fputs("))", o);
        }
        if (x->lead >= 0) fputc(')', o);
        fputs(";\n", o);
    }
    fputs("}\n\nvoid (*const hw_values)(buf *b, const hw_rec *r, const tri *out) = NULL;\n", o);
    if (fclose(o) != 0) return 2;
    free(ms);
    return 0;
}
