/* The aeo command: the top of the stack.
 *
 *   aeo check  PATH...                 diagnostics, exit 1 on errors
 *   aeo eval   PATH... --facts FILE    outcomes per record
 *   aeo disasm PATH... [--measure ID]  bytecode listing
 *   aeo parse  PATH...                 the AST (for golden tests)
 *
 * Exit status: 0 ok; 1 findings (diagnostics, records with errors); 2 usage
 * or I/O error.  Diagnostics go to stderr, results to stdout. */
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "grammar/parse.h"
#include "lang/catalog.h"
#include "lang/compile.h"
#include "lang/explain.h"
#include "lang/explain_docs.h"
#include "lang/format.h"
#include "lang/lint.h"
#include "lang/repl.h"
#include "lang/testrun.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/vm.h"

#define AEO_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: aeo <command> [options] PATH...\n"
    "\n"
    "commands:\n"
    "  check  PATH...                        check rule files; diagnostics on stderr\n"
    "  eval   PATH... --facts FILE|-         evaluate facts records against the catalog\n"
    "         [--as-of DATE] [--format table|json|jsonl|csv] [--measure ID]... [--key EXPR]\n"
    "         [--explain]                    why each measure applies or not\n"
    "         [--summary]                    per-measure counts instead of per-record output\n"
    "  test   PATH... [--format text|tap|junit] [-r REGEX] [--as-of DATE]\n"
    "         [--coverage] [--coverage-json FILE] [--coverage-min PERCENT]\n"
    "                                        run the catalog's test blocks\n"
    "  list   PATH... [--format table|json|csv]\n"
    "                                        list the measures, with a count per tier\n"
    "  fmt    [--check|--diff] PATH...       rewrite files in the canonical layout\n"
    "                                        (--check, --diff: change nothing, exit 1 if a file would change)\n"
    "  disasm PATH... [--measure ID]         show the compiled bytecode\n"
    "  explain CODE                          the documentation of a diagnostic code (E0103, W0204...)\n"
    "  repl   [PATH...] [--facts FILE] [--as-of DATE]  explore facts and rules interactively\n"
    "  parse  PATH...                        show the syntax tree\n"
    "  version                               print the version\n"
    "\n"
    "common options:\n"
    "  --color=auto|always|never             colour diagnostics (auto: on a terminal)\n"
    "  --max-errors N                        stop reporting after N errors (default 50)\n"
    "\n"
    "PATH is a .aeo file or a directory (read recursively, files in sorted order).\n"
    "Exit status: 0 ok, 1 findings or records with errors, 2 usage or I/O error.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "aeo: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'aeo help'.\n");
    return EXIT_USAGE;
}

/* ---- options ------------------------------------------------------------------ */

typedef struct options {
    const char **paths;
    uint32_t n_paths;
    const char *facts;
    const char *as_of;
    const char *format;
    const char *key;
    const char *filter;
    const char **measures;
    uint32_t n_measures;
    int color;          /* -1 auto, 0 never, 1 always */
    uint32_t max_errors;
    bool werror;
    bool explain;
    bool summary;
    bool check_only;
    bool diff;
    bool coverage;
    const char *coverage_json;
    double coverage_min;
} options;

/* The value of option [name] at argv[*i]: "--name=value" or "--name value". */
static const char *opt_value(int argc, char **argv, int *i, const char *name, bool *matched) {
    const char *a = argv[*i];
    size_t n = strlen(name);
    *matched = false;
    if (strncmp(a, name, n) != 0) return NULL;
    if (a[n] == '=') {
        *matched = true;
        return a + n + 1;
    }
    if (a[n] != '\0') return NULL;
    *matched = true;
    if (*i + 1 >= argc) return NULL;
    return argv[++*i];
}

static int parse_options(int argc, char **argv, options *o, const char *const *allowed) {
    memset(o, 0, sizeof *o);
    o->color = -1;
    o->max_errors = 50;
    o->paths = aeo_xcalloc((size_t)argc + 1, sizeof *o->paths);
    o->measures = aeo_xcalloc((size_t)argc + 1, sizeof *o->measures);
    bool only_paths = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            o->paths[o->n_paths++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_paths = true;
            continue;
        }
        bool known = false;
        for (const char *const *p = allowed; *p; p++) {
            size_t n = strlen(*p);
            if (strncmp(a, *p, n) == 0 && (a[n] == '\0' || a[n] == '=')) known = true;
        }
        if (!known) return usage_error("unknown option '%s'", a);
        bool m;
        const char *v;
        if ((v = opt_value(argc, argv, &i, "--facts", &m)) || m) {
            if (!v) return usage_error("%s needs a file name (or - for stdin)", "--facts");
            o->facts = v;
        } else if ((v = opt_value(argc, argv, &i, "--as-of", &m)) || m) {
            if (!v) return usage_error("%s needs a date (YYYY-MM-DD or RFC 3339)", "--as-of");
            o->as_of = v;
        } else if ((v = opt_value(argc, argv, &i, "--format", &m)) || m) {
            if (!v) return usage_error("%s needs a value", "--format");
            o->format = v;
        } else if ((v = opt_value(argc, argv, &i, "--key", &m)) || m) {
            if (!v) return usage_error("%s needs an expression", "--key");
            o->key = v;
        } else if ((v = opt_value(argc, argv, &i, "-r", &m)) || m) {
            if (!v) return usage_error("%s needs a regular expression", "-r");
            o->filter = v;
        } else if ((v = opt_value(argc, argv, &i, "--measure", &m)) || m) {
            if (!v) return usage_error("%s needs a measure ID", "--measure");
            o->measures[o->n_measures++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--color", &m)) || m) {
            if (!v || strcmp(v, "auto") == 0) o->color = -1;
            else if (strcmp(v, "always") == 0) o->color = 1;
            else if (strcmp(v, "never") == 0) o->color = 0;
            else return usage_error("--color takes auto, always or never, not '%s'", v);
        } else if ((v = opt_value(argc, argv, &i, "--max-errors", &m)) || m) {
            char *end;
            long n = v ? strtol(v, &end, 10) : -1;
            if (!v || *end || n < 0) return usage_error("%s needs a number", "--max-errors");
            o->max_errors = (uint32_t)n;
        } else if (strcmp(a, "--werror") == 0) {
            o->werror = true;
        } else if (strcmp(a, "--explain") == 0) {
            o->explain = true;
        } else if (strcmp(a, "--summary") == 0) {
            o->summary = true;
        } else if ((v = opt_value(argc, argv, &i, "--coverage-json", &m)) || m) {
            if (!v) return usage_error("%s needs a file name (or - for stdout)", "--coverage-json");
            o->coverage_json = v;
            o->coverage = true;
        } else if ((v = opt_value(argc, argv, &i, "--coverage-min", &m)) || m) {
            char *end;
            double x = v ? strtod(v, &end) : -1;
            if (!v || *end || x < 0 || x > 100) return usage_error("%s needs a percentage from 0 to 100", "--coverage-min");
            o->coverage_min = x;
            o->coverage = true;
        } else if (strcmp(a, "--coverage") == 0) {
            o->coverage = true;
        } else if (strcmp(a, "--check") == 0) {
            o->check_only = true;
        } else if (strcmp(a, "--diff") == 0) {
            o->diff = true;
        }
    }
    return -1;
}

static void free_options(options *o) {
    free(o->paths);
    free(o->measures);
}

static bool use_color(const options *o, FILE *f) {
    if (o->color >= 0) return o->color == 1;
    return isatty(fileno(f)) && !getenv("NO_COLOR");
}

/* ---- loading ------------------------------------------------------------------- */

/* Loads, checks and (if [compile]) compiles the catalog at [o->paths],
 * printing diagnostics.  Returns NULL with *[status] set when it cannot
 * go on. */
static aeo_catalog *load(const options *o, bool compile, int *status) {
    if (o->n_paths == 0) {
        *status = usage_error("%s", "no rule files given");
        return NULL;
    }
    aeo_catalog *c = aeo_catalog_new();
    c->diags.max_errors = o->max_errors;
    for (uint32_t i = 0; i < o->n_paths; i++) {
        const char *err = NULL;
        if (!aeo_catalog_add_path(c, o->paths[i], &err)) {
            fprintf(stderr, "aeo: %s: %s\n", o->paths[i], err);
            aeo_catalog_free(c);
            *status = EXIT_USAGE;
            return NULL;
        }
    }
    aeo_check_catalog(c);
    if (compile && c->diags.n_errors == 0 && aeo_compile_catalog(c)) aeo_tests_check(c);
    aeo_diags_sort(&c->diags);
    aeo_diags_print(&c->diags, &c->sources, stderr, use_color(o, stderr));
    if (c->diags.n_errors > 0 || (o->werror && c->diags.n_warnings > 0)) {
        *status = EXIT_FINDINGS;
        if (compile) {
            fprintf(stderr, "aeo: %u error%s; the catalog was not evaluated\n", c->diags.n_errors,
                    c->diags.n_errors == 1 ? "" : "s");
            aeo_catalog_free(c);
            return NULL;
        }
    }
    return c;
}

/* Loads, checks and compiles without printing: `check` renders the
 * diagnostics itself, in the requested format.  NULL only on I/O errors. */
static aeo_catalog *load_quiet(const options *o, int *status) {
    if (o->n_paths == 0) {
        *status = usage_error("%s", "no rule files given");
        return NULL;
    }
    aeo_catalog *c = aeo_catalog_new();
    c->diags.max_errors = o->max_errors;
    for (uint32_t i = 0; i < o->n_paths; i++) {
        const char *err = NULL;
        if (!aeo_catalog_add_path(c, o->paths[i], &err)) {
            fprintf(stderr, "aeo: %s: %s\n", o->paths[i], err);
            aeo_catalog_free(c);
            *status = EXIT_USAGE;
            return NULL;
        }
    }
    aeo_check_catalog(c);
    if (c->diags.n_errors == 0 && aeo_compile_catalog(c) && aeo_tests_check(c)) aeo_lint_catalog(c);
    aeo_lint_apply_allows(c);
    aeo_diags_sort(&c->diags);
    return c;
}

static int cmd_check(int argc, char **argv) {
    static const char *const allowed[] = {"--color", "--max-errors", "--werror", "--format", NULL};
    options o;
    int st = parse_options(argc, argv, &o, allowed);
    if (st >= 0) { free_options(&o); return st; }
    aeo_diag_format fmt = AEO_DIAG_TEXT;
    if (o.format) {
        if (strcmp(o.format, "text") == 0) fmt = AEO_DIAG_TEXT;
        else if (strcmp(o.format, "json") == 0) fmt = AEO_DIAG_JSON;
        else if (strcmp(o.format, "sarif") == 0) fmt = AEO_DIAG_SARIF;
        else if (strcmp(o.format, "github") == 0) fmt = AEO_DIAG_GITHUB;
        else {
            st = usage_error("--format takes text, json, sarif or github, not '%s'", o.format);
            free_options(&o);
            return st;
        }
    }
    st = EXIT_OK;
    aeo_catalog *c = load_quiet(&o, &st);
    if (c) {
        if (fmt == AEO_DIAG_TEXT) {
            aeo_diags_print(&c->diags, &c->sources, stderr, use_color(&o, stderr));
            if (c->diags.n_errors || c->diags.n_warnings)
                fprintf(stderr, "%u error%s, %u warning%s\n", c->diags.n_errors, c->diags.n_errors == 1 ? "" : "s",
                        c->diags.n_warnings, c->diags.n_warnings == 1 ? "" : "s");
        } else {
            aeo_diags_render(&c->diags, &c->sources, fmt, stdout, false);
        }
        if (c->diags.n_errors > 0 || (o.werror && c->diags.n_warnings > 0)) st = EXIT_FINDINGS;
        aeo_catalog_free(c);
    }
    free_options(&o);
    return st;
}

static void pos_of(void *ud, uint32_t offset, uint32_t *line, uint32_t *col) {
    const aeo_sources *s = ((const aeo_sources **)ud)[0];
    uint32_t file = (uint32_t)(uintptr_t)((void **)ud)[1];
    aeo_sources_position(s, file, offset, line, col);
}

static int cmd_parse(int argc, char **argv) {
    static const char *const allowed[] = {"--color", "--max-errors", "--dump-ast", NULL};
    options o;
    int st = parse_options(argc, argv, &o, allowed);
    if (st >= 0) { free_options(&o); return st; }
    st = EXIT_OK;
    aeo_catalog *c = aeo_catalog_new();
    c->diags.max_errors = o.max_errors;
    for (uint32_t i = 0; i < o.n_paths; i++) {
        const char *err;
        if (!aeo_catalog_add_path(c, o.paths[i], &err)) {
            fprintf(stderr, "aeo: %s: %s\n", o.paths[i], err);
            st = EXIT_USAGE;
        }
    }
    for (uint32_t i = 0; i < c->n_files; i++) {
        void *ud[2] = {&c->sources, (void *)(uintptr_t)c->files[i].source};
        aeo_ast_dump(stdout, &c->files[i], pos_of, ud);
    }
    aeo_diags_sort(&c->diags);
    aeo_diags_print(&c->diags, &c->sources, stderr, use_color(&o, stderr));
    if (c->diags.n_errors && st == EXIT_OK) st = EXIT_FINDINGS;
    aeo_catalog_free(c);
    free_options(&o);
    return st;
}

static void span_namer(void *ud, aeo_span span, char *buf, size_t size) {
    const aeo_sources *s = ud;
    uint32_t line, col;
    aeo_sources_position(s, span.file, span.start, &line, &col);
    snprintf(buf, size, "%u:%u", line, col);
}

static int cmd_disasm(int argc, char **argv) {
    static const char *const allowed[] = {"--color", "--max-errors", "--measure", NULL};
    options o;
    int st = parse_options(argc, argv, &o, allowed);
    if (st >= 0) { free_options(&o); return st; }
    st = EXIT_OK;
    aeo_catalog *c = load(&o, true, &st);
    if (!c) { free_options(&o); return st; }
    aeo_program *p = c->program;
    for (uint32_t k = 0; k < o.n_measures; k++) {
        if (aeo_program_measure(p, o.measures[k]) < 0) {
            fprintf(stderr, "aeo: no measure '%s' in the catalog\n", o.measures[k]);
            aeo_catalog_free(c);
            free_options(&o);
            return EXIT_USAGE;
        }
    }
    if (o.n_measures == 0) {
        for (uint32_t i = 0; i < p->n_defs; i++) {
            aeo_chunk_disasm(p->defs[i].chunk, stdout, span_namer, &c->sources);
            fputc('\n', stdout);
        }
        if (p->key) {
            aeo_chunk_disasm(p->key, stdout, span_namer, &c->sources);
            fputc('\n', stdout);
        }
    }
    bool first = true;
    for (uint32_t i = 0; i < p->n_measures; i++) {
        bool want = o.n_measures == 0;
        for (uint32_t k = 0; k < o.n_measures; k++) want |= strcmp(o.measures[k], p->measures[i].id) == 0;
        if (!want) continue;
        if (!first) fputc('\n', stdout);
        first = false;
        aeo_chunk_disasm(p->measures[i].chunk, stdout, span_namer, &c->sources);
    }
    aeo_catalog_free(c);
    free_options(&o);
    return st;
}

/* ---- eval ---------------------------------------------------------------------- */

typedef enum { FMT_TABLE, FMT_JSON, FMT_JSONL, FMT_CSV } out_format;

typedef struct outcome {
    int kind;                 /* 0 applies, 1 not, 2 undecided, 3 error */
    aeo_value v;
} outcome;

enum { OUT_APPLIES, OUT_NOT, OUT_UNDECIDED, OUT_ERROR };
static const char *const outcome_names[] = {"applies", "not", "undecided", "error"};

static outcome classify(aeo_vm *vm, aeo_value v) {
    outcome o = {OUT_ERROR, v};
    if (v.kind == AEO_V_BOOL) o.kind = v.as.b ? OUT_APPLIES : OUT_NOT;
    else if (v.kind == AEO_V_UNKNOWN) o.kind = OUT_UNDECIDED;
    else if (v.kind != AEO_V_ERROR)
        o.v = aeo_error_new(aeo_vm_arena(vm), "the condition gave a value of type %s, not a bool",
                            aeo_value_type_name(v));
    return o;
}

static void csv_field(aeo_buf *b, const char *s, size_t n) {
    bool quote = false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = true;
    if (!quote) {
        aeo_buf_putn(b, s, n);
        return;
    }
    aeo_buf_putn(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') aeo_buf_putn(b, "\"", 1);
        aeo_buf_putn(b, s + i, 1);
    }
    aeo_buf_putn(b, "\"", 1);
}

/* "file:line:col" of a span. */
static void where(aeo_buf *b, const aeo_sources *s, aeo_span span) {
    uint32_t line, col;
    aeo_sources_position(s, span.file, span.start, &line, &col);
    aeo_buf_printf(b, "%s:%u:%u", s->files[span.file].name, line, col);
}

/* The key of the current record as text, or NULL. */
static const char *eval_key(aeo_vm *vm, const aeo_chunk *key, aeo_buf *tmp) {
    if (!key) return NULL;
    aeo_value k = aeo_vm_run(vm, key);
    tmp->len = 0;
    if (k.kind == AEO_V_STRING) aeo_buf_putn(tmp, k.as.s->data, k.as.s->len);
    else if (k.kind == AEO_V_ERROR || k.kind == AEO_V_UNKNOWN) return NULL;
    else aeo_value_format(tmp, k);
    aeo_buf_putn(tmp, "", 0);
    return tmp->data ? tmp->data : "";
}

static bool parse_as_of(const char *s, aeo_value *out) {
    int64_t sec;
    int32_t ns;
    if (!aeo_time_parse_timestamp(s, strlen(s), &sec, &ns)) return false;
    *out = aeo_timestamp(sec, ns);
    return true;
}

static aeo_value today_utc(void) {
    time_t now = time(NULL);
    int64_t days = (int64_t)now / 86400;
    if ((int64_t)now < 0 && (int64_t)now % 86400) days--;
    return aeo_timestamp(days * 86400, 0);
}

static int cmd_eval(int argc, char **argv) {
    static const char *const allowed[] = {"--color", "--max-errors", "--facts", "--as-of", "--format",
                                          "--measure", "--key", "--explain", "--summary", NULL};
    options o;
    int st = parse_options(argc, argv, &o, allowed);
    if (st >= 0) { free_options(&o); return st; }
    out_format fmt = isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_JSONL;
    if (o.format) {
        if (strcmp(o.format, "table") == 0) fmt = FMT_TABLE;
        else if (strcmp(o.format, "json") == 0) fmt = FMT_JSON;
        else if (strcmp(o.format, "jsonl") == 0) fmt = FMT_JSONL;
        else if (strcmp(o.format, "csv") == 0) fmt = FMT_CSV;
        else {
            st = usage_error("--format takes table, json, jsonl or csv, not '%s'", o.format);
            free_options(&o);
            return st;
        }
    }
    if (o.summary && (o.explain || (o.format && fmt != FMT_TABLE))) {
        st = usage_error("%s", "--summary prints a table of counts; it cannot be combined with --explain or --format");
        free_options(&o);
        return st;
    }
    if (o.summary) fmt = FMT_TABLE;
    if (o.explain && fmt != FMT_TABLE) {
        if (o.format) {
            st = usage_error("--explain prints text; it cannot be combined with --format %s", o.format);
            free_options(&o);
            return st;
        }
        fmt = FMT_TABLE;
    }
    if (!o.facts) {
        free_options(&o);
        return usage_error("%s", "eval needs --facts FILE (or --facts - for stdin)");
    }
    aeo_value as_of = today_utc();
    if (o.as_of && !parse_as_of(o.as_of, &as_of)) {
        st = usage_error("--as-of: '%s' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", o.as_of);
        free_options(&o);
        return st;
    }
    st = EXIT_OK;
    aeo_catalog *c = load(&o, true, &st);
    if (!c) { free_options(&o); return st; }
    aeo_program *p = c->program;
    if (!p->root) {
        fprintf(stderr, "aeo: the catalog has no facts schema\n");
        aeo_catalog_free(c);
        free_options(&o);
        return EXIT_FINDINGS;
    }
    /* Which measures to report. */
    uint32_t *sel = aeo_xcalloc(p->n_measures + 1, sizeof *sel);
    uint32_t n_sel = 0;
    if (o.n_measures == 0) {
        for (uint32_t i = 0; i < p->n_measures; i++) sel[n_sel++] = i;
    } else {
        for (uint32_t i = 0; i < p->n_measures; i++)
            for (uint32_t k = 0; k < o.n_measures; k++)
                if (strcmp(o.measures[k], p->measures[i].id) == 0) { sel[n_sel++] = i; break; }
        for (uint32_t k = 0; k < o.n_measures; k++) {
            if (aeo_program_measure(p, o.measures[k]) < 0) {
                fprintf(stderr, "aeo: no measure '%s' in the catalog\n", o.measures[k]);
                st = EXIT_USAGE;
            }
        }
    }
    /* An explicit --key replaces the catalog's. */
    aeo_chunk *key_chunk = p->key;
    aeo_chunk *own_key = NULL;
    if (o.key && st == EXIT_OK) {
        uint32_t src = aeo_sources_add(&c->sources, "--key", o.key, strlen(o.key));
        aeo_parse_opts po = {c->arena, &c->diags, &c->next_id};
        aeo_expr *e = aeo_parse_expr(&c->sources, src, &po);
        uint32_t before = c->diags.n;
        if (e && aeo_check_expr(c, e)) own_key = key_chunk = aeo_compile_expr(c, e, "--key", false);
        if (!own_key) {
            aeo_diags_sort(&c->diags);
            for (uint32_t i = before ? before - 1 : 0; i < c->diags.n; i++)
                aeo_diag_print(&c->diags.items[i], &c->sources, stderr, use_color(&o, stderr));
            st = EXIT_USAGE;
        }
    }
    FILE *in = NULL;
    if (st == EXIT_OK) {
        in = strcmp(o.facts, "-") == 0 ? stdin : fopen(o.facts, "rb");
        if (!in) {
            fprintf(stderr, "aeo: %s: %s\n", o.facts, strerror(errno));
            st = EXIT_USAGE;
        }
    }
    if (st != EXIT_OK) {
        aeo_chunk_free(own_key);
        free(sel);
        aeo_catalog_free(c);
        free_options(&o);
        return st;
    }

    aeo_vm *vm = aeo_vm_new(p);
    aeo_vm_set_as_of(vm, as_of);
    aeo_facts_reader *rd = aeo_facts_reader_new(in, o.facts);
    aeo_buf out = {0}, keybuf = {0}, tmp = {0};
    uint64_t recno = 0, bad_records = 0, error_records = 0;
    bool first = true;
    if (fmt == FMT_JSON) fputs("[", stdout);
    if (fmt == FMT_CSV) fputs("record,key,measure,outcome,detail\n", stdout);
    outcome *outs = aeo_xcalloc(n_sel + 1, sizeof *outs);
    uint64_t (*counts)[4] = aeo_xcalloc(n_sel + 1, sizeof *counts);
    for (;;) {
        aeo_facts_item item;
        aeo_facts_status fs = aeo_facts_next(rd, &item);
        if (fs == AEO_FACTS_EOF) break;
        if (fs == AEO_FACTS_IOERR) {
            fprintf(stderr, "aeo: %s: %s\n", o.facts, item.error);
            st = EXIT_USAGE;
            break;
        }
        recno++;
        out.len = 0;
        const char *error = NULL;
        aeo_value rec;
        aeo_vm_begin(vm, aeo_null());
        if (fs == AEO_FACTS_BAD) error = item.error;
        else if (!aeo_facts_decode(aeo_vm_arena(vm), p->root, p->root_name, item.text, item.len, item.line, &rec,
                                   &error)) {
            /* Schema errors name the field; the line is added here so that
             * every error record names its line (syntax errors already do). */
            if (strncmp(error, "line ", 5) != 0)
                error = aeo_arena_printf(aeo_vm_arena(vm), "line %llu: %s", (unsigned long long)item.line, error);
        }
        if (error) {
            bad_records++;
            if (o.summary) {
                fprintf(stderr, "aeo: record %llu: %s\n", (unsigned long long)recno, error);
                aeo_vm_end(vm);
                continue;
            }
            switch (fmt) {
            case FMT_JSONL:
            case FMT_JSON:
                aeo_buf_printf(&out, "%s{\"record\":%llu,\"error\":", fmt == FMT_JSON ? (first ? "\n" : ",\n") : "",
                               (unsigned long long)recno);
                aeo_buf_json_string(&out, error, strlen(error));
                aeo_buf_puts(&out, fmt == FMT_JSONL ? "}\n" : "}");
                break;
            case FMT_CSV:
                aeo_buf_printf(&out, "%llu,,,error,", (unsigned long long)recno);
                csv_field(&out, error, strlen(error));
                aeo_buf_puts(&out, "\n");
                break;
            case FMT_TABLE:
                aeo_buf_printf(&out, "%srecord %llu: cannot be read: %s\n", first ? "" : "\n",
                               (unsigned long long)recno, error);
                break;
            }
            first = false;
            fwrite(out.data, 1, out.len, stdout);
            aeo_vm_end(vm);
            continue;
        }
        aeo_vm_begin(vm, rec);
        bool any_error = false;
        for (uint32_t k = 0; k < n_sel; k++) {
            outs[k] = classify(vm, aeo_vm_measure(vm, sel[k]));
            any_error |= outs[k].kind == OUT_ERROR;
        }
        error_records += any_error;
        if (o.summary) {
            for (uint32_t k = 0; k < n_sel; k++) counts[k][outs[k].kind]++;
            aeo_vm_end(vm);
            continue;
        }
        const char *key = eval_key(vm, key_chunk, &keybuf);
        switch (fmt) {
        case FMT_JSONL:
        case FMT_JSON: {
            if (fmt == FMT_JSON) aeo_buf_puts(&out, first ? "\n" : ",\n");
            aeo_buf_printf(&out, "{\"record\":%llu", (unsigned long long)recno);
            if (key_chunk) {
                aeo_buf_puts(&out, ",\"key\":");
                if (key) aeo_buf_json_string(&out, key, strlen(key));
                else aeo_buf_puts(&out, "null");
            }
            for (int kind = OUT_APPLIES; kind <= OUT_ERROR; kind++) {
                static const char *const field[] = {"applies", "not", "undecided", "errors"};
                aeo_buf_printf(&out, ",\"%s\":%c", field[kind], kind >= OUT_UNDECIDED ? '{' : '[');
                bool sep = false;
                for (uint32_t k = 0; k < n_sel; k++) {
                    if (outs[k].kind != kind) continue;
                    if (sep) aeo_buf_puts(&out, ",");
                    sep = true;
                    const char *id = p->measures[sel[k]].id;
                    aeo_buf_json_string(&out, id, strlen(id));
                    if (kind == OUT_UNDECIDED) {
                        aeo_buf_puts(&out, ":[");
                        const aeo_unknown *u = outs[k].v.as.unk;
                        for (uint32_t j = 0; j < u->n; j++) {
                            if (j) aeo_buf_puts(&out, ",");
                            aeo_buf_json_string(&out, u->paths[j], strlen(u->paths[j]));
                        }
                        aeo_buf_puts(&out, "]");
                    } else if (kind == OUT_ERROR) {
                        aeo_buf_puts(&out, ":");
                        const char *msg = outs[k].v.as.e->msg;
                        aeo_buf_json_string(&out, msg, strlen(msg));
                    }
                }
                aeo_buf_puts(&out, kind >= OUT_UNDECIDED ? "}" : "]");
            }
            aeo_buf_puts(&out, fmt == FMT_JSONL ? "}\n" : "}");
            break;
        }
        case FMT_CSV:
            for (uint32_t k = 0; k < n_sel; k++) {
                aeo_buf_printf(&out, "%llu,", (unsigned long long)recno);
                if (key) csv_field(&out, key, strlen(key));
                aeo_buf_printf(&out, ",%s,%s,", p->measures[sel[k]].id, outcome_names[outs[k].kind]);
                tmp.len = 0;
                if (outs[k].kind == OUT_UNDECIDED) {
                    const aeo_unknown *u = outs[k].v.as.unk;
                    for (uint32_t j = 0; j < u->n; j++) aeo_buf_printf(&tmp, "%s%s", j ? " " : "", u->paths[j]);
                } else if (outs[k].kind == OUT_ERROR) {
                    aeo_buf_puts(&tmp, outs[k].v.as.e->msg);
                }
                csv_field(&out, tmp.data ? tmp.data : "", tmp.len);
                aeo_buf_puts(&out, "\n");
            }
            break;
        case FMT_TABLE: {
            aeo_buf_printf(&out, "%srecord %llu", first ? "" : "\n", (unsigned long long)recno);
            if (key) aeo_buf_printf(&out, "  %s", key);
            aeo_buf_puts(&out, "\n");
            if (o.explain) {
                for (uint32_t k = 0; k < n_sel; k++) {
                    if (k) aeo_buf_puts(&out, "\n");
                    aeo_explain_measure(c, vm, sel[k], use_color(&o, stdout), &out);
                }
                break;
            }
            int idw = 2;
            for (uint32_t k = 0; k < n_sel; k++) {
                int w = (int)strlen(p->measures[sel[k]].id);
                if (w > idw) idw = w;
            }
            for (uint32_t k = 0; k < n_sel; k++) {
                const aeo_measure_info *m = &p->measures[sel[k]];
                aeo_buf_printf(&out, "  %-*s  %-9s  %s", idw, m->id, outcome_names[outs[k].kind], m->title);
                if (outs[k].kind == OUT_UNDECIDED) {
                    const aeo_unknown *u = outs[k].v.as.unk;
                    aeo_buf_puts(&out, "  (missing:");
                    for (uint32_t j = 0; j < u->n; j++) aeo_buf_printf(&out, " %s", u->paths[j]);
                    aeo_buf_puts(&out, ")");
                } else if (outs[k].kind == OUT_ERROR) {
                    aeo_buf_printf(&out, "  (%s", outs[k].v.as.e->msg);
                    if (outs[k].v.as.e->has_span) {
                        aeo_buf_puts(&out, " at ");
                        where(&out, &c->sources, outs[k].v.as.e->span);
                    }
                    aeo_buf_puts(&out, ")");
                } else if (outs[k].kind == OUT_NOT && !aeo_vm_in_force(vm, sel[k])) {
                    aeo_buf_puts(&out, "  (not in force on this date)");
                }
                aeo_buf_puts(&out, "\n");
            }
            break;
        }
        }
        first = false;
        fwrite(out.data, 1, out.len, stdout);
        aeo_vm_end(vm);
    }
    if (fmt == FMT_JSON) fputs(first ? "]\n" : "\n]\n", stdout);
    if (o.summary) {
        char date[48];
        aeo_time_format_timestamp(as_of.as.i, as_of.nanos, date);
        if (strlen(date) == 20 && strcmp(date + 10, "T00:00:00Z") == 0) date[10] = '\0';
        printf("%llu record%s as of %s: %llu evaluated, %llu unreadable\n", (unsigned long long)recno,
               recno == 1 ? "" : "s", date, (unsigned long long)(recno - bad_records),
               (unsigned long long)bad_records);
        int idw = 2, tw = 5;
        for (uint32_t k = 0; k < n_sel; k++) {
            int w = (int)strlen(p->measures[sel[k]].id);
            if (w > idw) idw = w;
            w = (int)strlen(p->measures[sel[k]].title);
            if (w > tw) tw = w > 60 ? 60 : w;
        }
        printf("%-*s  %-*s  %8s  %8s  %9s  %6s\n", idw, "ID", tw, "TITLE", "applies", "not", "undecided", "error");
        for (uint32_t k = 0; k < n_sel; k++)
            printf("%-*s  %-*.*s  %8llu  %8llu  %9llu  %6llu\n", idw, p->measures[sel[k]].id, tw, tw,
                   p->measures[sel[k]].title, (unsigned long long)counts[k][OUT_APPLIES],
                   (unsigned long long)counts[k][OUT_NOT], (unsigned long long)counts[k][OUT_UNDECIDED],
                   (unsigned long long)counts[k][OUT_ERROR]);
    } else if (fmt == FMT_TABLE && recno == 0) {
        fputs("no records\n", stdout);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "aeo: writing output: %s\n", strerror(errno));
        st = EXIT_USAGE;
    }
    if (st == EXIT_OK && (bad_records || error_records)) st = EXIT_FINDINGS;
    if (bad_records)
        fprintf(stderr, "aeo: %llu of %llu record%s could not be read\n", (unsigned long long)bad_records,
                (unsigned long long)recno, recno == 1 ? "" : "s");
    if (error_records)
        fprintf(stderr, "aeo: %llu record%s had measures that failed with a runtime error\n",
                (unsigned long long)error_records, error_records == 1 ? "" : "s");
    free(outs);
    free(counts);
    aeo_buf_free(&out);
    aeo_buf_free(&keybuf);
    aeo_buf_free(&tmp);
    aeo_facts_reader_free(rd);
    if (in != stdin) fclose(in);
    aeo_vm_free(vm);
    aeo_chunk_free(own_key);
    free(sel);
    aeo_catalog_free(c);
    free_options(&o);
    return st;
}

/* ---- test ---------------------------------------------------------------------- */

static int cmd_test(int argc, char **argv) {
    static const char *const allowed[] = {"--color", "--max-errors", "--format", "-r", "--as-of", "--coverage",
                                          "--coverage-json", "--coverage-min", NULL};
    options o;
    int st = parse_options(argc, argv, &o, allowed);
    if (st >= 0) { free_options(&o); return st; }
    aeo_test_opts to = {0};
    to.format = AEO_TEST_TEXT;
    if (o.format) {
        if (strcmp(o.format, "text") == 0) to.format = AEO_TEST_TEXT;
        else if (strcmp(o.format, "tap") == 0) to.format = AEO_TEST_TAP;
        else if (strcmp(o.format, "junit") == 0) to.format = AEO_TEST_JUNIT;
        else {
            st = usage_error("--format takes text, tap or junit, not '%s'", o.format);
            free_options(&o);
            return st;
        }
    }
    to.has_as_of = true;
    to.as_of = today_utc();
    if (o.as_of && !parse_as_of(o.as_of, &to.as_of)) {
        st = usage_error("--as-of: '%s' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", o.as_of);
        free_options(&o);
        return st;
    }
    to.filter = o.filter;
    to.coverage = o.coverage;
    to.coverage_json = o.coverage_json;
    to.coverage_min = o.coverage_min;
    to.color = use_color(&o, stdout);
    st = EXIT_OK;
    aeo_catalog *c = load(&o, true, &st);
    if (!c) { free_options(&o); return st; }
    aeo_test_summary sum;
    if (!aeo_tests_run(c, &to, stdout, &sum)) st = EXIT_USAGE;
    else if (sum.failed || sum.coverage_low) st = EXIT_FINDINGS;
    else if (sum.passed == 0 && to.format == AEO_TEST_TEXT)
        fprintf(stderr, "aeo: no tests%s\n", o.filter ? " match the filter" : " in the catalog");
    aeo_catalog_free(c);
    free_options(&o);
    return st;
}

/* ---- fmt ---------------------------------------------------------------------- */

/* Writes [len] bytes to [path] atomically (a temporary file renamed over
 * it), keeping the file's permissions. */
static bool write_file(const char *path, const char *data, size_t len) {
    size_t n = strlen(path) + 16;
    char *tmp = aeo_xmalloc(n);
    snprintf(tmp, n, "%s.aeo-fmt~", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = false;
    struct stat st;
    if (ok && stat(path, &st) == 0) chmod(tmp, st.st_mode & 07777);
    if (ok && rename(tmp, path) != 0) ok = false;
    if (!ok) {
        fprintf(stderr, "aeo: %s: %s\n", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return ok;
}

/* A unified diff of [old] against [new] for [path], by diff(1). */
static bool print_diff(const char *path, const char *old, size_t old_len, const char *new_text, size_t new_len) {
    char a[] = "/tmp/aeo-fmt-a.XXXXXX", b[] = "/tmp/aeo-fmt-b.XXXXXX";
    int fa = mkstemp(a), fb = mkstemp(b);
    bool ok = fa >= 0 && fb >= 0 && write(fa, old, old_len) == (ssize_t)old_len &&
              write(fb, new_text, new_len) == (ssize_t)new_len;
    if (fa >= 0) close(fa);
    if (fb >= 0) close(fb);
    if (ok) {
        size_t n = 2 * strlen(path) + 128;
        char *cmd = aeo_xmalloc(n);
        snprintf(cmd, n, "diff -u --label 'a/%s' --label 'b/%s' %s %s", path, path, a, b);
        fflush(stdout);
        int rc = system(cmd);
        ok = rc != -1;
        free(cmd);
    }
    if (fa >= 0) unlink(a);
    if (fb >= 0) unlink(b);
    return ok;
}

static int cmd_fmt(int argc, char **argv) {
    static const char *const allowed[] = {"--color", "--check", "--diff", NULL};
    options o;
    int st = parse_options(argc, argv, &o, allowed);
    if (st >= 0) { free_options(&o); return st; }
    if (o.n_paths == 0) {
        free_options(&o);
        return usage_error("%s", "fmt needs rule files or directories");
    }
    st = EXIT_OK;
    aeo_catalog *c = aeo_catalog_new();
    for (uint32_t i = 0; i < o.n_paths; i++) {
        const char *err;
        if (!aeo_catalog_add_path(c, o.paths[i], &err)) {
            fprintf(stderr, "aeo: %s: %s\n", o.paths[i], err);
            st = EXIT_USAGE;
        }
    }
    if (c->diags.n_errors) {
        aeo_diags_sort(&c->diags);
        aeo_diags_print(&c->diags, &c->sources, stderr, use_color(&o, stderr));
        fprintf(stderr, "aeo: files with syntax errors were not formatted\n");
        if (st == EXIT_OK) st = EXIT_FINDINGS;
    }
    uint32_t changed = 0;
    for (uint32_t i = 0; i < c->n_files && st != EXIT_USAGE; i++) {
        const aeo_file *f = &c->files[i];
        const aeo_source *s = &c->sources.files[f->source];
        bool bad = false;
        for (uint32_t k = 0; k < c->diags.n; k++) bad |= c->diags.items[k].span.file == f->source;
        if (bad) continue;
        aeo_buf out = {0};
        aeo_format_file(&c->sources, f, &out);
        bool same = out.len == s->len && memcmp(out.data ? out.data : "", s->text, s->len) == 0;
        if (!same) {
            changed++;
            if (o.check_only) {
                fprintf(stderr, "aeo: %s is not formatted\n", s->name);
            } else if (o.diff) {
                if (!print_diff(s->name, s->text, s->len, out.data ? out.data : "", out.len)) st = EXIT_USAGE;
            } else if (!write_file(s->name, out.data ? out.data : "", out.len)) {
                st = EXIT_USAGE;
            }
        }
        aeo_buf_free(&out);
    }
    if ((o.check_only || o.diff) && changed && st == EXIT_OK) st = EXIT_FINDINGS;
    aeo_catalog_free(c);
    free_options(&o);
    return st;
}

/* ---- list ---------------------------------------------------------------------- */

/* "advanced only", "general only", "both" (two tiers: all of them), or the
 * tiers joined with " + ". */
static void tier_group(aeo_buf *b, const aeo_measure_info *m, const aeo_catalog *c) {
    if (m->n_tiers == 1) {
        aeo_buf_printf(b, "%s only", m->tiers[0]);
    } else if (m->n_tiers == c->tiers.n && m->n_tiers == 2) {
        aeo_buf_puts(b, "both");
    } else if (m->n_tiers == c->tiers.n && m->n_tiers > 2) {
        aeo_buf_puts(b, "all tiers");
    } else {
        for (uint32_t t = 0; t < m->n_tiers; t++) aeo_buf_printf(b, "%s%s", t ? " + " : "", m->tiers[t]);
    }
}

/* Sort rank of a tier group: the tier's declaration index for "T only",
 * after every tier for combinations. */
static int group_rank(const aeo_catalog *c, const char *group) {
    const char *only = strstr(group, " only");
    if (!only || only[5] != '\0') return (int)c->tiers.n;
    for (uint32_t t = 0; t < c->tiers.n; t++) {
        size_t n = strlen(c->tiers.items[t]->name);
        if ((size_t)(only - group) == n && strncmp(group, c->tiers.items[t]->name, n) == 0) return (int)t;
    }
    return (int)c->tiers.n;
}

static void date_text(char *buf, bool has, aeo_value v) {
    if (!has) { buf[0] = '\0'; return; }
    char full[48];
    aeo_time_format_timestamp(v.as.i, v.nanos, full);
    /* Dates at midnight UTC print as YYYY-MM-DD. */
    if (strlen(full) == 20 && strcmp(full + 10, "T00:00:00Z") == 0) full[10] = '\0';
    strcpy(buf, full);
}

static int cmd_list(int argc, char **argv) {
    static const char *const allowed[] = {"--color", "--max-errors", "--format", NULL};
    options o;
    int st = parse_options(argc, argv, &o, allowed);
    if (st >= 0) { free_options(&o); return st; }
    int fmt = 0; /* table, json, csv */
    if (o.format) {
        if (strcmp(o.format, "table") == 0) fmt = 0;
        else if (strcmp(o.format, "json") == 0) fmt = 1;
        else if (strcmp(o.format, "csv") == 0) fmt = 2;
        else {
            st = usage_error("--format takes table, json or csv, not '%s'", o.format);
            free_options(&o);
            return st;
        }
    }
    st = EXIT_OK;
    aeo_catalog *c = load(&o, true, &st);
    if (!c) { free_options(&o); return st; }
    aeo_program *p = c->program;
    /* Groups for the closing count, in first-seen order. */
    const char **groups = aeo_xcalloc(p->n_measures + 1, sizeof *groups);
    uint32_t *counts = aeo_xcalloc(p->n_measures + 1, sizeof *counts);
    uint32_t n_groups = 0;
    aeo_buf out = {0}, g = {0};
    int idw = 2, tw = 5, titlew = 5, catw = 8, confw = 10;
    for (uint32_t i = 0; i < p->n_measures; i++) {
        const aeo_measure_info *m = &p->measures[i];
        g.len = 0;
        tier_group(&g, m, c);
        aeo_buf_putn(&g, "", 0);
        uint32_t k = 0;
        while (k < n_groups && strcmp(groups[k], g.data) != 0) k++;
        if (k == n_groups) groups[n_groups++] = aeo_arena_strdup(c->arena, g.data);
        counts[k]++;
        int w;
        if ((w = (int)strlen(m->id)) > idw) idw = w;
        if ((w = (int)g.len) > tw) tw = w;
        if ((w = (int)strlen(m->title)) > titlew) titlew = w > 50 ? 50 : w;
        if (m->category && (w = (int)strlen(m->category)) > catw) catw = w;
        if (m->confidence && (w = (int)strlen(m->confidence)) > confw) confw = w;
    }
    if (fmt == 0) {
        aeo_buf_printf(&out, "%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", idw, "ID", tw, "TIERS", titlew, "TITLE", catw,
                       "CATEGORY", confw, "CONFIDENCE", "CITE");
    } else if (fmt == 1) {
        aeo_buf_puts(&out, "{\"catalog\":");
        if (p->catalog) aeo_buf_json_string(&out, p->catalog, strlen(p->catalog));
        else aeo_buf_puts(&out, "null");
        aeo_buf_puts(&out, ",\"measures\":[");
    } else {
        aeo_buf_puts(&out, "id,tiers,title,category,confidence,cite,effective,expires\n");
    }
    for (uint32_t i = 0; i < p->n_measures; i++) {
        const aeo_measure_info *m = &p->measures[i];
        g.len = 0;
        tier_group(&g, m, c);
        aeo_buf_putn(&g, "", 0);
        char eff[48], exp[48];
        date_text(eff, m->has_effective, m->effective);
        date_text(exp, m->has_expires, m->expires);
        if (fmt == 0) {
            aeo_buf_printf(&out, "%-*s  %-*s  %-*.*s  %-*s  %-*s  %s\n", idw, m->id, tw, g.data, titlew, titlew,
                           m->title, catw, m->category ? m->category : "-", confw,
                           m->confidence ? m->confidence : "-", m->cite ? m->cite : "-");
        } else if (fmt == 1) {
            aeo_buf_puts(&out, i ? ",\n  {" : "\n  {");
            aeo_buf_puts(&out, "\"id\":");
            aeo_buf_json_string(&out, m->id, strlen(m->id));
            aeo_buf_puts(&out, ",\"title\":");
            aeo_buf_json_string(&out, m->title, strlen(m->title));
            aeo_buf_puts(&out, ",\"tiers\":[");
            for (uint32_t t = 0; t < m->n_tiers; t++) {
                if (t) aeo_buf_puts(&out, ",");
                aeo_buf_json_string(&out, m->tiers[t], strlen(m->tiers[t]));
            }
            aeo_buf_puts(&out, "]");
            const char *fields[] = {"category", m->category, "confidence", m->confidence, "cite", m->cite,
                                    "benefit", m->benefit, "effective", eff[0] ? eff : NULL, "expires",
                                    exp[0] ? exp : NULL};
            for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f += 2) {
                aeo_buf_printf(&out, ",\"%s\":", fields[f]);
                if (fields[f + 1]) aeo_buf_json_string(&out, fields[f + 1], strlen(fields[f + 1]));
                else aeo_buf_puts(&out, "null");
            }
            aeo_buf_puts(&out, "}");
        } else {
            const char *cols[] = {m->id, NULL, m->title, m->category, m->confidence, m->cite, eff, exp};
            aeo_buf tiers = {0};
            for (uint32_t t = 0; t < m->n_tiers; t++) aeo_buf_printf(&tiers, "%s%s", t ? "+" : "", m->tiers[t]);
            cols[1] = tiers.data ? tiers.data : "";
            for (size_t f = 0; f < sizeof cols / sizeof cols[0]; f++) {
                if (f) aeo_buf_puts(&out, ",");
                csv_field(&out, cols[f] ? cols[f] : "", cols[f] ? strlen(cols[f]) : 0);
            }
            aeo_buf_puts(&out, "\n");
            aeo_buf_free(&tiers);
        }
    }
    /* Single-tier groups first, in tier declaration order, then
     * combinations in first-seen order. */
    for (uint32_t a = 1; a < n_groups; a++) {
        for (uint32_t b = a; b > 0; b--) {
            int rank_prev = group_rank(c, groups[b - 1]), rank_cur = group_rank(c, groups[b]);
            if (rank_prev <= rank_cur) break;
            const char *tg = groups[b]; groups[b] = groups[b - 1]; groups[b - 1] = tg;
            uint32_t tc = counts[b]; counts[b] = counts[b - 1]; counts[b - 1] = tc;
        }
    }
    if (fmt == 0) {
        aeo_buf_printf(&out, "\n%u measure%s", p->n_measures, p->n_measures == 1 ? "" : "s");
        for (uint32_t k = 0; k < n_groups; k++) aeo_buf_printf(&out, "%s %s %u", k ? "," : ":", groups[k], counts[k]);
        aeo_buf_puts(&out, "\n");
    } else if (fmt == 1) {
        aeo_buf_puts(&out, p->n_measures ? "\n],\"counts\":{" : "],\"counts\":{");
        for (uint32_t k = 0; k < n_groups; k++) {
            if (k) aeo_buf_puts(&out, ",");
            aeo_buf_json_string(&out, groups[k], strlen(groups[k]));
            aeo_buf_printf(&out, ":%u", counts[k]);
        }
        aeo_buf_puts(&out, "}}\n");
    }
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    aeo_buf_free(&out);
    aeo_buf_free(&g);
    free(groups);
    free(counts);
    aeo_catalog_free(c);
    free_options(&o);
    return st;
}

/* ---- explain CODE ---------------------------------------------------------------- */

static int cmd_explain_code(int argc, char **argv) {
    if (argc != 1) return usage_error("%s", "usage: aeo explain CODE   (a diagnostic code, such as E0103 or W0204)");
    char code[16];
    size_t n = strlen(argv[0]);
    if (n >= sizeof code) n = sizeof code - 1;
    for (size_t i = 0; i < n; i++) code[i] = (char)(argv[0][i] >= 'a' && argv[0][i] <= 'z' ? argv[0][i] - 32 : argv[0][i]);
    code[n] = '\0';
    for (const aeo_code_doc *d = aeo_code_docs; d->code; d++) {
        if (strcmp(d->code, code) == 0) {
            fputs(d->text, stdout);
            return EXIT_OK;
        }
    }
    const char *cands[128];
    uint32_t k = 0;
    for (const aeo_code_doc *d = aeo_code_docs; d->code && k < 128; d++) cands[k++] = d->code;
    const char *sug = aeo_suggest(code, cands, k);
    if (sug) fprintf(stderr, "aeo: no diagnostic code '%s'; did you mean '%s'?\n", argv[0], sug);
    else fprintf(stderr, "aeo: no diagnostic code '%s'\n", argv[0]);
    return EXIT_USAGE;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("aeo %s\n", AEO_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "check") == 0) return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "eval") == 0) return cmd_eval(argc - 2, argv + 2);
    if (strcmp(cmd, "disasm") == 0) return cmd_disasm(argc - 2, argv + 2);
    if (strcmp(cmd, "parse") == 0) return cmd_parse(argc - 2, argv + 2);
    if (strcmp(cmd, "test") == 0) return cmd_test(argc - 2, argv + 2);
    if (strcmp(cmd, "list") == 0) return cmd_list(argc - 2, argv + 2);
    if (strcmp(cmd, "repl") == 0) return aeo_repl_main(argc - 2, argv + 2);
    if (strcmp(cmd, "fmt") == 0) return cmd_fmt(argc - 2, argv + 2);
    if (strcmp(cmd, "explain") == 0) return cmd_explain_code(argc - 2, argv + 2);
    static const char *const cmds[] = {"check", "eval", "test", "list", "fmt", "disasm", "parse", "repl", "explain", "help", "version"};
    const char *sug = aeo_suggest(cmd, cmds, 11);
    if (sug) fprintf(stderr, "aeo: unknown command '%s'; did you mean '%s'?\n", cmd, sug);
    else fprintf(stderr, "aeo: unknown command '%s'\n", cmd);
    fputs("Try 'aeo help'.\n", stderr);
    return EXIT_USAGE;
}
