/* gen_catalog: a large synthetic catalog for timing `aeo check`.
 *
 *   gen_catalog N DIR
 *
 * Writes DIR/00_catalog.aeo (catalog, schema, consts, defs, tiers and a few
 * tests) and DIR/mNNN.aeo files of 1,000 measures each, N measures in all.
 * The measures look like the Shenyang catalog's, only more of them and more
 * varied: one to three tiers, conditions built from the schema's bools,
 * ints, strings, lists and dates, defs and other measures; every measure
 * has a cite and a benefit, one in ten an `aeo:allow` comment, and the few
 * tests mention only some measures, so the untested-measure lint fires for
 * most: a realistic load for the checker, the compiler and every lint.
 * Deterministic: the same N gives the same files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PER_FILE 1000

static unsigned long long state = 88172645463325252ull;

static unsigned rnd(unsigned n) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % n);
}

static const char *const bools[] = {
    "imports", "exports", "needs_guarantee", "guarantee_on_file", "duty_paying_imports",
    "statutory_inspection_goods", "release_first_goods", "food_agri_exporter", "selected_for_inspection",
    "pending_determination", "advance_ruling_applied", "lab_sampling", "port_inspection",
    "open_verification", "e_account_book", "uses_origin_certificates"};
#define N_BOOLS (sizeof bools / sizeof bools[0])

static const char *const tiers[] = {"advanced", "general", "pilot"};

/* One condition term. */
static void term(FILE *f, unsigned i) {
    switch (rnd(11)) {
    case 9: fprintf(f, "enterprise.credit == \"%s\"", tiers[rnd(3)]); break;
    case 10: fprintf(f, "has(enterprise.certified_on)"); break;
    case 0:
    case 1:
    case 2: fprintf(f, "enterprise.%s", bools[rnd(N_BOOLS)]); break;
    case 3: fprintf(f, "enterprise.violations_12m < %u", 1 + rnd(5)); break;
    case 4: fprintf(f, "\"%s\" in enterprise.business_types", rnd(2) ? "processing_trade" : "general_trade"); break;
    case 5: fprintf(f, "size(enterprise.mra_markets) > %u", rnd(3)); break;
    case 6: fprintf(f, "trades"); break;
    case 7: fprintf(f, "enterprise.registered_area.startsWith(\"08%u\")", rnd(10)); break;
    default:
        if (i > 0) fprintf(f, "M%05u", rnd(i));   /* an earlier measure: no cycles */
        else fprintf(f, "processing");
        break;
    }
}

static void condition(FILE *f, unsigned i) {
    unsigned n = 1 + rnd(3);
    for (unsigned k = 0; k < n; k++) {
        if (k) fputs(rnd(3) ? " && " : " || ", f);
        if (rnd(5) == 0) fputc('!', f);
        fputc('(', f);
        term(f, i);
        fputc(')', f);
    }
}

static FILE *open_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    return f;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fputs("usage: gen_catalog N DIR\n", stderr);
        return 2;
    }
    unsigned n = (unsigned)strtoul(argv[1], NULL, 10);
    const char *dir = argv[2];
    FILE *f = open_file(dir, "00_catalog.aeo");
    fprintf(f,
            "catalog generated_%u {\n"
            "  title: \"A generated catalog of %u measures\"\n"
            "  published: \"2021-04-21\"\n"
            "  key: enterprise.uscc\n"
            "  scope: in_jurisdiction\n"
            "}\n\n"
            "facts enterprise {\n"
            "  uscc: string\n"
            "  credit: \"advanced\" | \"general\" | \"pilot\" | \"standard\" | \"dishonest\"\n"
            "  registered_area: string\n"
            "  declares_in_liaoning: bool\n"
            "  certified_on?: timestamp\n"
            "  business_types?: list<string>\n"
            "  mra_markets?: list<string>\n"
            "  violations_12m?: int\n"
            "  smuggling_case_open?: bool\n",
            n, n);
    for (size_t b = 0; b < N_BOOLS; b++) fprintf(f, "  %s?: bool\n", bools[b]);
    fprintf(f,
            "}\n\n"
            "const AREA = \"08\"\n"
            "def in_jurisdiction = enterprise.registered_area.startsWith(AREA) || enterprise.declares_in_liaoning\n"
            "def trades = enterprise.imports || enterprise.exports\n"
            "def processing = \"processing_trade\" in enterprise.business_types\n"
            "def suspended = enterprise.smuggling_case_open\n"
            "tier advanced = enterprise.credit == \"advanced\"\n"
            "tier general = enterprise.credit == \"general\"\n"
            "tier pilot = enterprise.credit == \"pilot\" && has(enterprise.certified_on)\n\n");
    for (unsigned t = 0; t < 3; t++)
        fprintf(f,
                "test \"tier %s\" {\n"
                "  as_of: \"2021-06-01\"\n"
                "  facts: {\"uscc\": \"9121010000000000%u\", \"credit\": \"%s\", \"registered_area\": \"0801\",\n"
                "          \"declares_in_liaoning\": true, \"certified_on\": \"2020-01-01\"}\n"
                "  expect_not: [M%05u]\n"
                "}\n\n",
                tiers[t], t, t == 2 ? "standard" : tiers[t], t);
    fclose(f);
    for (unsigned i = 0; i < n; i++) {
        if (i % PER_FILE == 0) {
            if (i) fclose(f);
            char name[64];
            snprintf(name, sizeof name, "m%05u.aeo", i / PER_FILE);
            f = open_file(dir, name);
        }
        if (rnd(10) == 0) fputs("// aeo:allow W0209\n", f);
        fprintf(f, "measure M%05u \"Generated measure %u\" {\n  tier: ", i, i);
        unsigned nt = 1 + rnd(3), first = rnd(3);
        if (nt == 1) {
            fputs(tiers[first], f);
        } else {
            fputc('[', f);
            for (unsigned k = 0; k < nt; k++) fprintf(f, "%s%s", k ? ", " : "", tiers[(first + k) % 3]);
            fputc(']', f);
        }
        fputs("\n  when: ", f);
        condition(f, i);
        fputs("\n  unless: suspended\n", f);
        fprintf(f, "  cite: \"Generated rule %u, art. %u\"\n", i / 100, i % 100);
        fprintf(f, "  benefit: \"Benefit number %u\"\n", i);
        if (rnd(4) == 0) fputs("  effective: \"2021-05-01\"\n", f);
        fputs("}\n\n", f);
    }
    fclose(f);
    return 0;
}
