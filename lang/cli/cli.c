/* The aeo command: the top of the stack.
 *
 *   aeo check  PATH...                 diagnostics, exit 1 on errors
 *   aeo eval   PATH... --facts FILE    outcomes per record
 *   aeo disasm PATH... [--measure ID]  bytecode listing
 *   aeo parse  PATH...                 the AST (for golden tests)
 *
 * The commands and their options are tables (`commands` at the end, each
 * command's `*_options` beside it): parse_options accepts what its table
 * lists, and `aeo help --commands`, `--options CMD` and `--values CMD
 * OPTION` print the same tables for the shell completions in
 * lang/cli/completion/, so those never keep a copy that could drift.
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
#include "lang/check.h"
#include "lang/compile.h"
#include "lang/explain.h"
#include "lang/diag_docs.h"
#include "lang/fmt.h"
#include "lang/lint.h"
#include "lang/cli/repl.h"
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
    "         [-j N]                         N threads (0: one per CPU); output stays in input order\n"
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

/* A fixed set of values of an option (--format, --color): each word with
 * what it selects.  Parsing, its error message and `aeo help --values`
 * read the same table. */
typedef struct choice {
    const char *name;
    int value;
} choice;

static const choice color_choices[] = {{"auto", -1}, {"always", 1}, {"never", 0}, {NULL, 0}};

/* Sets *[value] to what [word] selects among [choices] of [option]; false,
 * with *[status] set, after a usage error naming them all ("--format
 * takes a, b or c, not 'x'"). */
static bool choose(const char *option, const choice *choices, const char *word, int *value, int *status) {
    size_t n = 0;
    for (; choices[n].name; n++) {
        if (strcmp(word, choices[n].name) == 0) {
            *value = choices[n].value;
            return true;
        }
    }
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", choices[i].name);
    }
    *status = usage_error("%s takes %s, not '%s'", option, list, word);
    return false;
}

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
    unsigned jobs;      /* eval -j N: worker threads */
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

/* Parses [argv] into *[o], accepting the options [allowed] lists (NULL
 * ends it; "--name=ARG" is an option that takes a value, ARG saying what
 * kind for `aeo help --options`, "--name" a flag).  Returns -1 to go on, or
 * the exit status of a usage error. */
static int parse_options(int argc, char **argv, options *o, const char *const *allowed) {
    memset(o, 0, sizeof *o);
    o->color = -1;
    o->max_errors = 50;
    o->jobs = 1;
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
            size_t n = strcspn(*p, "=");
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
            int st = EXIT_USAGE;
            if (!v) o->color = -1;
            else if (!choose("--color", color_choices, v, &o->color, &st)) return st;
        } else if (((v = opt_value(argc, argv, &i, "-j", &m)) || m) ||
                   ((v = opt_value(argc, argv, &i, "--jobs", &m)) || m)) {
            char *end;
            long n = v ? strtol(v, &end, 10) : -1;
            if (!v || *end || n < 0 || n > 256) return usage_error("%s needs a number of threads (0: one per CPU)", "-j");
            if (n == 0) n = sysconf(_SC_NPROCESSORS_ONLN);
            o->jobs = n < 1 ? 1u : (unsigned)n;
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

/* Reads and parses the files and directories of [o->paths] into a new
 * catalog; NULL with *[status] set on a usage or I/O error. */
static aeo_catalog *load_files(const options *o, int *status) {
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
    return c;
}

/* Loads, checks and (if [compile]) compiles the catalog at [o->paths],
 * printing diagnostics.  Returns NULL with *[status] set when it cannot
 * go on. */
static aeo_catalog *load(const options *o, bool compile, int *status) {
    aeo_catalog *c = load_files(o, status);
    if (!c) return NULL;
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
    aeo_catalog *c = load_files(o, status);
    if (!c) return NULL;
    aeo_check_catalog(c);
    if (c->diags.n_errors == 0 && aeo_compile_catalog(c) && aeo_tests_check(c)) aeo_lint_catalog(c);
    aeo_lint_apply_allows(c);
    aeo_diags_sort(&c->diags);
    return c;
}

static const char *const check_options[] = {"--color=WHEN", "--max-errors=N", "--werror", "--format=FORMAT", NULL};
static const choice check_formats[] = {
    {"text", AEO_DIAG_TEXT}, {"json", AEO_DIAG_JSON}, {"sarif", AEO_DIAG_SARIF}, {"github", AEO_DIAG_GITHUB}, {NULL, 0}};

static int cmd_check(int argc, char **argv) {
    options o;
    int st = parse_options(argc, argv, &o, check_options);
    if (st >= 0) { free_options(&o); return st; }
    int fmt = AEO_DIAG_TEXT;
    if (o.format && !choose("--format", check_formats, o.format, &fmt, &st)) {
        free_options(&o);
        return st;
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
            aeo_diags_render(&c->diags, &c->sources, (aeo_diag_format)fmt, stdout, false);
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

static const char *const parse_options_list[] = {"--color=WHEN", "--max-errors=N", "--dump-ast", NULL};

static int cmd_parse(int argc, char **argv) {
    options o;
    int st = parse_options(argc, argv, &o, parse_options_list);
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

static const char *const disasm_options[] = {"--color=WHEN", "--max-errors=N", "--measure=ID", NULL};

static int cmd_disasm(int argc, char **argv) {
    options o;
    int st = parse_options(argc, argv, &o, disasm_options);
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
    /* A string is used where it is (it lives until aeo_vm_end). */
    if (k.kind == AEO_V_STRING) return k.as.s->data;
    if (k.kind == AEO_V_ERROR || k.kind == AEO_V_UNKNOWN) return NULL;
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

/* ---- eval: the record pipeline ----------------------------------------------------
 *
 * Each input item (a record, or one the reader could not read) becomes one
 * piece of output, formatted by eval_item into a buffer.  With -j 1 (the
 * default) the main thread reads, evaluates and writes.  With -j N it only
 * reads and writes: it cuts the input into batches of records, N worker
 * threads each take the next batch, evaluate it with a VM of their own (the
 * program is shared and read-only) and format its output, and the main
 * thread writes finished batches strictly in input order.  Batches live in a
 * ring of fixed size, so memory does not grow with the input: a batch is
 * read only when the ring has a free slot, that is when the batch that used
 * the slot before has been written. */

#include <pthread.h>

/* What every record's evaluation shares (read-only while records run). */
typedef struct eval_ctx {
    aeo_catalog *c;
    const aeo_program *p;
    const uint32_t *sel;
    uint32_t n_sel;
    const aeo_chunk *key;
    out_format fmt;
    bool summary, explain, color;
    aeo_value as_of;
    char **ids;                /* the selected measures' IDs as JSON strings */
    size_t *id_len;
} eval_ctx;

/* One evaluator: a VM and its scratch buffers. */
typedef struct evaluator {
    aeo_vm *vm;
    outcome *outs;
    aeo_value *values;
    uint32_t *by_kind;         /* 4 x n_sel: measure positions by outcome */
    aeo_buf keybuf, tmp;
} evaluator;

/* Totals of a stretch of records. */
typedef struct eval_stats {
    uint64_t bad, errors;
    uint64_t no_key;           /* records whose key expression failed */
    uint64_t (*counts)[4];     /* --summary: per selected measure */
} eval_stats;

/* An input item as the reader gave it (text and error are borrowed). */
typedef struct eval_item {
    aeo_facts_status status;   /* RECORD or BAD */
    const char *text;
    size_t len;
    uint64_t line;
    const char *error;
} eval_item;

static void evaluator_init(evaluator *ev, const eval_ctx *x) {
    memset(ev, 0, sizeof *ev);
    ev->vm = aeo_vm_new(x->p);
    aeo_vm_set_as_of(ev->vm, x->as_of);
    ev->outs = aeo_xcalloc(x->n_sel + 1, sizeof *ev->outs);
    ev->values = aeo_xcalloc(x->n_sel + 1, sizeof *ev->values);
    ev->by_kind = aeo_xcalloc(4 * (size_t)x->n_sel + 1, sizeof *ev->by_kind);
}

static void evaluator_free(evaluator *ev) {
    aeo_vm_free(ev->vm);
    free(ev->outs);
    free(ev->values);
    free(ev->by_kind);
    aeo_buf_free(&ev->keybuf);
    aeo_buf_free(&ev->tmp);
}

/* Makes room for [n] more bytes (and the NUL) in [b]. */
static void reserve(aeo_buf *b, size_t n) {
    if (b->len + n + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    b->data = aeo_xrealloc(b->data, cap);
    b->cap = cap;
}

/* Appends [n] bytes: aeo_buf_putn without the call for short pieces. */
static inline void put_bytes(aeo_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        aeo_buf_putn(b, s, n);
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}
#define PUT_LIT(b, lit) put_bytes((b), (lit), sizeof(lit) - 1)

static void put_u64(aeo_buf *b, uint64_t v) {
    char tmp[24];
    int i = 24;
    do tmp[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put_bytes(b, tmp + i, (size_t)(24 - i));
}

/* The separator that goes before a record in [fmt]; the writer drops the
 * first byte of it before the first record of the run (JSON's ",\n" becomes
 * "\n", the table's blank line disappears). */
static void put_separator(aeo_buf *b, out_format fmt) {
    if (fmt == FMT_JSON) PUT_LIT(b, ",\n");
    else if (fmt == FMT_TABLE) PUT_LIT(b, "\n");
}

/* Formats item [it] (record number [recno]) into [out] (or, for --summary,
 * counts it and puts a bad record's message in [err]). */
static void eval_one(const eval_ctx *x, evaluator *ev, const eval_item *it, uint64_t recno, aeo_buf *out,
                      aeo_buf *err, eval_stats *stats) {
    const aeo_program *p = x->p;
    aeo_vm *vm = ev->vm;
    out_format fmt = x->fmt;
    const char *error = NULL;
    aeo_value rec;
    aeo_vm_begin(vm, aeo_null());
    if (it->status == AEO_FACTS_BAD) {
        error = it->error;
    } else if (!aeo_facts_decode(aeo_vm_arena(vm), p->root, p->root_name, it->text, it->len, it->line, &rec,
                                 &error)) {
        /* Schema errors name the field; the line is added here so that
         * every error record names its line (syntax errors already do). */
        if (strncmp(error, "line ", 5) != 0)
            error = aeo_arena_printf(aeo_vm_arena(vm), "line %llu: %s", (unsigned long long)it->line, error);
    }
    if (error) {
        stats->bad++;
        if (x->summary) {
            aeo_buf_printf(err, "aeo: record %llu: %s\n", (unsigned long long)recno, error);
            aeo_vm_end(vm);
            return;
        }
        put_separator(out, fmt);
        switch (fmt) {
        case FMT_JSONL:
        case FMT_JSON:
            PUT_LIT(out, "{\"record\":");
            put_u64(out, recno);
            PUT_LIT(out, ",\"error\":");
            aeo_buf_json_string(out, error, strlen(error));
            if (fmt == FMT_JSONL) PUT_LIT(out, "}\n");
            else PUT_LIT(out, "}");
            break;
        case FMT_CSV:
            aeo_buf_printf(out, "%llu,,,error,", (unsigned long long)recno);
            csv_field(out, error, strlen(error));
            aeo_buf_puts(out, "\n");
            break;
        case FMT_TABLE:
            aeo_buf_printf(out, "record %llu: cannot be read: %s\n", (unsigned long long)recno, error);
            break;
        }
        aeo_vm_end(vm);
        return;
    }
    aeo_vm_begin(vm, rec);
    outcome *outs = ev->outs;
    uint32_t n_sel = x->n_sel;
    bool any_error = false;
    /* Every measure in order (no --measure): the VM's own loop, no list. */
    aeo_vm_measures(vm, n_sel == x->p->n_measures ? NULL : x->sel, n_sel, ev->values);
    for (uint32_t k = 0; k < n_sel; k++) {
        outs[k] = classify(vm, ev->values[k]);
        any_error |= outs[k].kind == OUT_ERROR;
    }
    stats->errors += any_error;
    if (x->summary) {
        for (uint32_t k = 0; k < n_sel; k++) stats->counts[k][outs[k].kind]++;
        aeo_vm_end(vm);
        return;
    }
    const char *key = eval_key(vm, x->key, &ev->keybuf);
    if (x->key && !key) stats->no_key++;
    put_separator(out, fmt);
    switch (fmt) {
    case FMT_JSONL:
    case FMT_JSON: {
        PUT_LIT(out, "{\"record\":");
        put_u64(out, recno);
        if (x->key) {
            PUT_LIT(out, ",\"key\":");
            if (key) aeo_buf_json_string(out, key, strlen(key));
            else PUT_LIT(out, "null");
        }
        /* The measures by outcome, in catalog order; the applies and not
         * lists (nearly everything) are written straight into the buffer. */
        uint32_t *by = ev->by_kind, n_by[4] = {0, 0, 0, 0};
        for (uint32_t k = 0; k < n_sel; k++) {
            int kind = outs[k].kind;
            by[(size_t)kind * n_sel + n_by[kind]++] = k;
        }
        static const char *const field[] = {",\"applies\":[", ",\"not\":[", ",\"undecided\":{", ",\"errors\":{"};
        for (int kind = OUT_APPLIES; kind <= OUT_ERROR; kind++) {
            put_bytes(out, field[kind], strlen(field[kind]));
            const uint32_t *list = by + (size_t)kind * n_sel;
            if (kind <= OUT_NOT) {
                size_t need = 2;
                for (uint32_t j = 0; j < n_by[kind]; j++) need += x->id_len[list[j]] + 1;
                reserve(out, need);
                char *o = out->data + out->len;
                for (uint32_t j = 0; j < n_by[kind]; j++) {
                    if (j) *o++ = ',';
                    memcpy(o, x->ids[list[j]], x->id_len[list[j]]);
                    o += x->id_len[list[j]];
                }
                *o++ = ']';
                *o = '\0';
                out->len = (size_t)(o - out->data);
                continue;
            }
            for (uint32_t j = 0; j < n_by[kind]; j++) {
                uint32_t k = list[j];
                if (j) PUT_LIT(out, ",");
                put_bytes(out, x->ids[k], x->id_len[k]);
                if (kind == OUT_UNDECIDED) {
                    PUT_LIT(out, ":[");
                    const aeo_unknown *u = outs[k].v.as.unk;
                    for (uint32_t i = 0; i < u->n; i++) {
                        if (i) PUT_LIT(out, ",");
                        aeo_buf_json_string(out, u->paths[i], strlen(u->paths[i]));
                    }
                    PUT_LIT(out, "]");
                } else {
                    PUT_LIT(out, ":");
                    const char *msg = outs[k].v.as.e->msg;
                    aeo_buf_json_string(out, msg, strlen(msg));
                }
            }
            PUT_LIT(out, "}");
        }
        if (fmt == FMT_JSONL) PUT_LIT(out, "}\n");
        else PUT_LIT(out, "}");
        break;
    }
    case FMT_CSV:
        for (uint32_t k = 0; k < n_sel; k++) {
            aeo_buf_printf(out, "%llu,", (unsigned long long)recno);
            if (key) csv_field(out, key, strlen(key));
            aeo_buf_printf(out, ",%s,%s,", p->measures[x->sel[k]].id, outcome_names[outs[k].kind]);
            ev->tmp.len = 0;
            if (outs[k].kind == OUT_UNDECIDED) {
                const aeo_unknown *u = outs[k].v.as.unk;
                for (uint32_t j = 0; j < u->n; j++) aeo_buf_printf(&ev->tmp, "%s%s", j ? " " : "", u->paths[j]);
            } else if (outs[k].kind == OUT_ERROR) {
                aeo_buf_puts(&ev->tmp, outs[k].v.as.e->msg);
            }
            csv_field(out, ev->tmp.data ? ev->tmp.data : "", ev->tmp.len);
            aeo_buf_puts(out, "\n");
        }
        break;
    case FMT_TABLE: {
        aeo_buf_printf(out, "record %llu", (unsigned long long)recno);
        if (key) aeo_buf_printf(out, "  %s", key);
        aeo_buf_puts(out, "\n");
        if (x->explain) {
            for (uint32_t k = 0; k < n_sel; k++) {
                if (k) aeo_buf_puts(out, "\n");
                aeo_explain_measure(x->c, vm, x->sel[k], x->color, out);
            }
            break;
        }
        int idw = 2;
        for (uint32_t k = 0; k < n_sel; k++) {
            int w = (int)strlen(p->measures[x->sel[k]].id);
            if (w > idw) idw = w;
        }
        for (uint32_t k = 0; k < n_sel; k++) {
            const aeo_measure_info *m = &p->measures[x->sel[k]];
            aeo_buf_printf(out, "  %-*s  %-9s  %s", idw, m->id, outcome_names[outs[k].kind], m->title);
            if (outs[k].kind == OUT_UNDECIDED) {
                const aeo_unknown *u = outs[k].v.as.unk;
                aeo_buf_puts(out, "  (missing:");
                for (uint32_t j = 0; j < u->n; j++) aeo_buf_printf(out, " %s", u->paths[j]);
                aeo_buf_puts(out, ")");
            } else if (outs[k].kind == OUT_ERROR) {
                aeo_buf_printf(out, "  (%s", outs[k].v.as.e->msg);
                if (outs[k].v.as.e->has_span) {
                    aeo_buf_puts(out, " at ");
                    where(out, &x->c->sources, outs[k].v.as.e->span);
                }
                aeo_buf_puts(out, ")");
            } else if (outs[k].kind == OUT_NOT && !aeo_vm_in_force(vm, x->sel[k])) {
                aeo_buf_puts(out, "  (not in force on this date)");
            }
            aeo_buf_puts(out, "\n");
        }
        break;
    }
    }
    aeo_vm_end(vm);
}

/* The writer's side: output in order, with the first separator dropped. */
typedef struct eval_writer {
    bool wrote;                /* a record has been written */
    bool failed;
} eval_writer;

static void write_output(eval_writer *w, const aeo_buf *out, const aeo_buf *err) {
    if (err->len) {
        fflush(stdout);
        fwrite(err->data, 1, err->len, stderr);
    }
    if (!out->len) return;
    size_t skip = 0;
    if (!w->wrote) {
        /* JSON's ",\n" and the table's "\n" before the first record. */
        skip = out->data[0] == ',' || out->data[0] == '\n' ? 1 : 0;
        w->wrote = true;
    }
    if (fwrite(out->data + skip, 1, out->len - skip, stdout) != out->len - skip) w->failed = true;
}

/* ---- -j N ---- */

#define BATCH_RECORDS 1024
#define BATCH_BYTES ((size_t)1024 * 1024)

/* An item of a batch: where its text and message are in the batch's text
 * buffer (which may move while it grows). */
typedef struct batch_item {
    aeo_facts_status status;
    uint64_t line;
    const char *in_block;      /* the text where the reader left it, or NULL: */
    size_t text, len, error;   /* offset in the batch's text; error: offset + 1, 0 for none */
} batch_item;

typedef struct batch {
    enum { SLOT_FREE, SLOT_READY, SLOT_BUSY, SLOT_DONE } state;
    uint64_t first_recno;
    uint32_t n, cap;
    batch_item *items;
    aeo_buf text;              /* texts and messages the reader did not keep */
    void **blocks;             /* input blocks to free once the batch is written */
    size_t n_blocks, cap_blocks;
    aeo_buf out, err;
    eval_stats stats;
} batch;

typedef struct pipeline {
    const eval_ctx *x;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    batch *ring;
    uint32_t n_ring;
    uint64_t n_read, n_taken;  /* batches read so far, batches taken by workers */
    bool eof;
} pipeline;

static void *worker_main(void *arg) {
    pipeline *pl = arg;
    evaluator ev;
    evaluator_init(&ev, pl->x);
    pthread_mutex_lock(&pl->lock);
    for (;;) {
        while (pl->n_taken == pl->n_read && !pl->eof) pthread_cond_wait(&pl->work, &pl->lock);
        if (pl->n_taken == pl->n_read) break;
        batch *b = &pl->ring[pl->n_taken++ % pl->n_ring];
        b->state = SLOT_BUSY;
        pthread_mutex_unlock(&pl->lock);
        for (uint32_t i = 0; i < b->n; i++) {
            const batch_item *bi = &b->items[i];
            eval_item it = {bi->status, bi->in_block ? bi->in_block : b->text.data + bi->text, bi->len, bi->line,
                            bi->error ? b->text.data + bi->error - 1 : NULL};
            eval_one(pl->x, &ev, &it, b->first_recno + i, &b->out, &b->err, &b->stats);
        }
        pthread_mutex_lock(&pl->lock);
        b->state = SLOT_DONE;
        pthread_cond_broadcast(&pl->done);
    }
    pthread_mutex_unlock(&pl->lock);
    evaluator_free(&ev);
    return NULL;
}

/* Adds the batch's totals to [st] and clears it for reuse; its input
 * blocks go back to the reader [rd]. */
static void batch_merge(batch *b, eval_stats *st, uint32_t n_sel, aeo_facts_reader *rd) {
    st->bad += b->stats.bad;
    st->errors += b->stats.errors;
    st->no_key += b->stats.no_key;
    for (uint32_t k = 0; k < n_sel; k++)
        for (int o = 0; o < 4; o++) st->counts[k][o] += b->stats.counts[k][o];
    b->stats.bad = b->stats.errors = b->stats.no_key = 0;
    memset(b->stats.counts, 0, (n_sel + 1) * sizeof *b->stats.counts);
    b->n = 0;
    b->text.len = b->out.len = b->err.len = 0;
    for (size_t i = 0; i < b->n_blocks; i++) aeo_facts_reader_recycle(rd, b->blocks[i]);
    b->n_blocks = 0;
    b->state = SLOT_FREE;
}

/* Reads, evaluates and writes every record with [jobs] worker threads.
 * Returns the reader's final status (EOF or IOERR, with *[ioerr] the
 * message, copied). */
static aeo_facts_status run_parallel(const eval_ctx *x, aeo_facts_reader *rd, unsigned jobs, eval_writer *w,
                                     eval_stats *st, uint64_t *recno, char **ioerr) {
    pipeline pl;
    memset(&pl, 0, sizeof pl);
    pl.x = x;
    pl.n_ring = 4 * jobs;
    pl.ring = aeo_xcalloc(pl.n_ring, sizeof *pl.ring);
    for (uint32_t i = 0; i < pl.n_ring; i++)
        pl.ring[i].stats.counts = aeo_xcalloc(x->n_sel + 1, sizeof *pl.ring[i].stats.counts);
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.work, NULL);
    pthread_cond_init(&pl.done, NULL);
    pthread_t *threads = aeo_xcalloc(jobs, sizeof *threads);
    unsigned started = 0;
    for (; started < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker_main, &pl) != 0) break;
    aeo_facts_status fs = AEO_FACTS_EOF;
    uint64_t n_written = 0;
    bool reading = true;
    if (started == 0) reading = false;   /* no thread at all: the caller falls back */
    else aeo_facts_reader_keep_blocks(rd);
    for (;;) {
        /* Write what is finished, in order. */
        pthread_mutex_lock(&pl.lock);
        while (n_written < pl.n_read && pl.ring[n_written % pl.n_ring].state == SLOT_DONE) {
            batch *b = &pl.ring[n_written % pl.n_ring];
            pthread_mutex_unlock(&pl.lock);
            write_output(w, &b->out, &b->err);
            batch_merge(b, st, x->n_sel, rd);
            n_written++;
            pthread_mutex_lock(&pl.lock);
        }
        if (!reading) {
            if (n_written == pl.n_read) {
                pthread_mutex_unlock(&pl.lock);
                break;
            }
            pthread_cond_wait(&pl.done, &pl.lock);
            pthread_mutex_unlock(&pl.lock);
            continue;
        }
        if (pl.n_read - n_written == pl.n_ring) {   /* the ring is full: wait for a batch */
            pthread_cond_wait(&pl.done, &pl.lock);
            pthread_mutex_unlock(&pl.lock);
            continue;
        }
        pthread_mutex_unlock(&pl.lock);
        /* Read the next batch into the free slot. */
        batch *b = &pl.ring[pl.n_read % pl.n_ring];
        b->first_recno = *recno + 1;
        size_t bytes = 0;
        while (b->n < BATCH_RECORDS && bytes < BATCH_BYTES) {
            aeo_facts_item item;
            fs = aeo_facts_next(rd, &item);
            if (fs == AEO_FACTS_EOF || fs == AEO_FACTS_IOERR) {
                if (fs == AEO_FACTS_IOERR) *ioerr = aeo_xstrdup(item.error);
                reading = false;
                break;
            }
            if (b->n == b->cap) {
                b->cap = b->cap ? b->cap * 2 : 64;
                b->items = aeo_xrealloc(b->items, b->cap * sizeof *b->items);
            }
            batch_item *it = &b->items[b->n++];
            it->status = fs;
            it->line = item.line;
            it->len = item.len;
            /* A record in an input block is not copied: the block lives
             * until the batch that takes it (this or a later one) is written. */
            it->in_block = item.in_block ? item.text : NULL;
            it->text = b->text.len;
            bytes += item.len;
            if (!item.in_block) {
                aeo_buf_putn(&b->text, item.text, item.len);
                aeo_buf_putn(&b->text, "", 1);
            }
            it->error = 0;
            if (item.error) {
                it->error = b->text.len + 1;
                aeo_buf_putn(&b->text, item.error, strlen(item.error) + 1);
            }
            (*recno)++;
        }
        for (void *blk; (blk = aeo_facts_reader_retired(rd)) != NULL;) {
            if (b->n_blocks == b->cap_blocks) {
                b->cap_blocks = b->cap_blocks ? 2 * b->cap_blocks : 8;
                b->blocks = aeo_xrealloc(b->blocks, b->cap_blocks * sizeof *b->blocks);
            }
            b->blocks[b->n_blocks++] = blk;
        }
        pthread_mutex_lock(&pl.lock);
        if (b->n > 0) {
            b->state = SLOT_READY;
            pl.n_read++;
            pthread_cond_signal(&pl.work);
        }
        if (!reading) {
            pl.eof = true;
            pthread_cond_broadcast(&pl.work);
        }
        pthread_mutex_unlock(&pl.lock);
    }
    pthread_mutex_lock(&pl.lock);
    pl.eof = true;
    pthread_cond_broadcast(&pl.work);
    pthread_mutex_unlock(&pl.lock);
    for (unsigned i = 0; i < started; i++) pthread_join(threads[i], NULL);
    free(threads);
    for (uint32_t i = 0; i < pl.n_ring; i++) {
        for (size_t k = 0; k < pl.ring[i].n_blocks; k++) free(pl.ring[i].blocks[k]);
        free(pl.ring[i].blocks);
        free(pl.ring[i].items);
        free(pl.ring[i].stats.counts);
        aeo_buf_free(&pl.ring[i].text);
        aeo_buf_free(&pl.ring[i].out);
        aeo_buf_free(&pl.ring[i].err);
    }
    free(pl.ring);
    pthread_mutex_destroy(&pl.lock);
    pthread_cond_destroy(&pl.work);
    pthread_cond_destroy(&pl.done);
    return started ? fs : AEO_FACTS_RECORD;
}

/* Reads, evaluates and writes every record in this thread. */
static aeo_facts_status run_serial(const eval_ctx *x, aeo_facts_reader *rd, eval_writer *w, eval_stats *st,
                                   uint64_t *recno, char **ioerr) {
    evaluator ev;
    evaluator_init(&ev, x);
    aeo_buf out = {0}, err = {0};
    aeo_facts_status fs;
    for (;;) {
        aeo_facts_item item;
        fs = aeo_facts_next(rd, &item);
        if (fs == AEO_FACTS_EOF) break;
        if (fs == AEO_FACTS_IOERR) {
            *ioerr = aeo_xstrdup(item.error);
            break;
        }
        eval_item it = {fs, item.text, item.len, item.line, item.error};
        eval_one(x, &ev, &it, ++*recno, &out, &err, st);
        /* Written in large pieces, but a bad record's message for
         * --summary goes out at once, as before. */
        if (out.len >= 64 * 1024 || err.len) {
            write_output(w, &out, &err);
            out.len = err.len = 0;
        }
    }
    write_output(w, &out, &err);
    aeo_buf_free(&out);
    aeo_buf_free(&err);
    evaluator_free(&ev);
    return fs;
}

static const char *const eval_options[] = {"--color=WHEN", "--max-errors=N", "--facts=FILE", "--as-of=DATE",
                                           "--format=FORMAT", "--measure=ID", "--key=EXPR", "--explain", "--summary",
                                           "-j=N", "--jobs=N", NULL};
static const choice eval_formats[] = {
    {"table", FMT_TABLE}, {"json", FMT_JSON}, {"jsonl", FMT_JSONL}, {"csv", FMT_CSV}, {NULL, 0}};

static int cmd_eval(int argc, char **argv) {
    options o;
    int st = parse_options(argc, argv, &o, eval_options);
    if (st >= 0) { free_options(&o); return st; }
    int chosen = FMT_TABLE;
    if (o.format && !choose("--format", eval_formats, o.format, &chosen, &st)) {
        free_options(&o);
        return st;
    }
    out_format fmt = o.format ? (out_format)chosen : isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_JSONL;
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

    eval_ctx x = {c, p, sel, n_sel, key_chunk, fmt, o.summary, o.explain, use_color(&o, stdout), as_of, NULL, NULL};
    x.ids = aeo_xcalloc(n_sel + 1, sizeof *x.ids);
    x.id_len = aeo_xcalloc(n_sel + 1, sizeof *x.id_len);
    for (uint32_t k = 0; k < n_sel; k++) {
        aeo_buf b = {0};
        const char *id = p->measures[sel[k]].id;
        aeo_buf_json_string(&b, id, strlen(id));
        x.ids[k] = b.data;
        x.id_len[k] = b.len;
    }
    aeo_facts_reader *rd = aeo_facts_reader_new(in, o.facts);
    /* The decoder validates each record; the reader need not do it too. */
    aeo_facts_reader_set_validate(rd, false);
    uint64_t recno = 0;
    eval_stats stats = {.counts = aeo_xcalloc(n_sel + 1, sizeof *stats.counts)};
    eval_writer w = {false, false};
    char *ioerr = NULL;
    if (fmt == FMT_JSON) fputs("[", stdout);
    if (fmt == FMT_CSV) fputs("record,key,measure,outcome,detail\n", stdout);
    /* --explain compiles traced chunks into the catalog as it goes: one thread. */
    aeo_facts_status fs = AEO_FACTS_RECORD;
    if (o.jobs > 1 && !o.explain) fs = run_parallel(&x, rd, o.jobs, &w, &stats, &recno, &ioerr);
    if (fs == AEO_FACTS_RECORD) fs = run_serial(&x, rd, &w, &stats, &recno, &ioerr);
    if (fs == AEO_FACTS_IOERR) {
        fflush(stdout);
        /* The reader's message already names the input. */
        fprintf(stderr, "aeo: %s\n", ioerr);
        st = EXIT_USAGE;
    }
    free(ioerr);
    uint64_t bad_records = stats.bad, error_records = stats.errors;
    uint64_t (*counts)[4] = stats.counts;
    if (w.failed) errno = EIO;
    if (fmt == FMT_JSON) fputs(w.wrote ? "\n]\n" : "]\n", stdout);
    if (o.summary) {
        char date[48];
        aeo_time_format_timestamp(as_of.as.i, as_of.nanos, date);
        if (strlen(date) == 20 && strcmp(date + 10, "T00:00:00Z") == 0) date[10] = '\0';
        printf("%llu record%s as of %s: %llu evaluated, %llu unreadable\n", (unsigned long long)recno,
               recno == 1 ? "" : "s", date, (unsigned long long)(recno - bad_records),
               (unsigned long long)bad_records);
        int idw = 2, tw = 5;
        for (uint32_t k = 0; k < n_sel; k++) {
            int wd = (int)strlen(p->measures[sel[k]].id);
            if (wd > idw) idw = wd;
            wd = (int)strlen(p->measures[sel[k]].title);
            if (wd > tw) tw = wd > 60 ? 60 : wd;
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
    if (fflush(stdout) != 0 || ferror(stdout) || w.failed) {
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
    if (stats.no_key)
        fprintf(stderr, "aeo: %llu record%s got no key: the key expression (%s) was undecided or failed\n",
                (unsigned long long)stats.no_key, stats.no_key == 1 ? "" : "s",
                o.key ? o.key : (p->key_text ? p->key_text : "key"));
    for (uint32_t k = 0; k < n_sel; k++) free(x.ids[k]);
    free(x.ids);
    free(x.id_len);
    free(counts);
    aeo_facts_reader_free(rd);
    if (in != stdin) fclose(in);
    aeo_chunk_free(own_key);
    free(sel);
    aeo_catalog_free(c);
    free_options(&o);
    return st;
}

/* ---- test ---------------------------------------------------------------------- */

static const char *const test_options[] = {"--color=WHEN", "--max-errors=N", "--format=FORMAT", "-r=REGEX",
                                           "--as-of=DATE", "--coverage", "--coverage-json=FILE", "--coverage-min=PERCENT",
                                           NULL};
static const choice test_formats[] = {
    {"text", AEO_TEST_TEXT}, {"tap", AEO_TEST_TAP}, {"junit", AEO_TEST_JUNIT}, {NULL, 0}};

static int cmd_test(int argc, char **argv) {
    options o;
    int st = parse_options(argc, argv, &o, test_options);
    if (st >= 0) { free_options(&o); return st; }
    aeo_test_opts to = {0};
    int chosen = AEO_TEST_TEXT;
    if (o.format && !choose("--format", test_formats, o.format, &chosen, &st)) {
        free_options(&o);
        return st;
    }
    to.format = (aeo_test_format)chosen;
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

static const char *const fmt_options[] = {"--color=WHEN", "--check", "--diff", NULL};

static int cmd_fmt(int argc, char **argv) {
    options o;
    int st = parse_options(argc, argv, &o, fmt_options);
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
        aeo_fmt_file(&c->sources, f, &out);
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

static const char *const list_options[] = {"--color=WHEN", "--max-errors=N", "--format=FORMAT", NULL};
static const choice list_formats[] = {{"table", 0}, {"json", 1}, {"csv", 2}, {NULL, 0}};

static int cmd_list(int argc, char **argv) {
    options o;
    int st = parse_options(argc, argv, &o, list_options);
    if (st >= 0) { free_options(&o); return st; }
    int fmt = 0; /* table, json, csv */
    if (o.format && !choose("--format", list_formats, o.format, &fmt, &st)) {
        free_options(&o);
        return st;
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
    for (const aeo_diag_doc *d = aeo_diag_docs; d->code; d++) {
        if (strcmp(d->code, code) == 0) {
            fputs(d->text, stdout);
            return EXIT_OK;
        }
    }
    const char *cands[128];
    uint32_t k = 0;
    for (const aeo_diag_doc *d = aeo_diag_docs; d->code && k < 128; d++) cands[k++] = d->code;
    const char *sug = aeo_suggest(code, cands, k);
    if (sug) fprintf(stderr, "aeo: no diagnostic code '%s'; did you mean '%s'?\n", argv[0], sug);
    else fprintf(stderr, "aeo: no diagnostic code '%s'\n", argv[0]);
    return EXIT_USAGE;
}

/* ---- the command table ------------------------------------------------------------ */

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const char *const no_options[] = {NULL};

/* Every command, in `aeo help` order: main() dispatches from it, suggests
 * from it, and `aeo help --commands/--options/--values` print it. */
static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *const *options;  /* as parse_options takes them */
    const choice *formats;       /* the values of --format, or NULL */
} commands[] = {
    {"check", cmd_check, check_options, check_formats},
    {"eval", cmd_eval, eval_options, eval_formats},
    {"test", cmd_test, test_options, test_formats},
    {"list", cmd_list, list_options, list_formats},
    {"fmt", cmd_fmt, fmt_options, NULL},
    {"disasm", cmd_disasm, disasm_options, NULL},
    {"explain", cmd_explain_code, no_options, NULL},
    {"repl", aeo_repl_main, aeo_repl_options, NULL},
    {"parse", cmd_parse, parse_options_list, NULL},
    {"version", cmd_version, no_options, NULL},
    {"help", cmd_help, no_options, NULL},
    {NULL, NULL, NULL, NULL},
};

static const struct command *find_command(const char *name) {
    for (const struct command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

static int cmd_version(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("aeo %s\n", AEO_VERSION);
    return EXIT_OK;
}

/* `aeo help`: the usage text.  For the shell completions, one word per line:
 *   aeo help --commands             the commands
 *   aeo help --options CMD          CMD's options ("--facts=FILE": takes a value)
 *   aeo help --values CMD OPTION    OPTION's fixed values (none: free text) */
static int cmd_help(int argc, char **argv) {
    if (argc == 0) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[0], "--commands") == 0 && argc == 1) {
        for (const struct command *c = commands; c->name; c++) puts(c->name);
        return EXIT_OK;
    }
    bool values = strcmp(argv[0], "--values") == 0 && argc == 3;
    if ((strcmp(argv[0], "--options") == 0 && argc == 2) || values) {
        const struct command *c = find_command(argv[1]);
        if (!c) return usage_error("no command '%s'", argv[1]);
        if (!values) {
            for (const char *const *p = c->options; *p; p++) puts(*p);
            return EXIT_OK;
        }
        const char *opt = argv[2];
        size_t n = strcspn(opt, "=");
        for (const char *const *p = c->options; *p; p++) {
            if (strncmp(*p, opt, n) != 0 || ((*p)[n] != '\0' && (*p)[n] != '=')) continue;
            const choice *set = n == 8 && strncmp(opt, "--format", 8) == 0 ? c->formats
                                : n == 7 && strncmp(opt, "--color", 7) == 0 ? color_choices
                                                                            : NULL;
            for (; set && set->name; set++) puts(set->name);
            return EXIT_OK;
        }
        return usage_error("%s has no option '%s'", c->name, opt);
    }
    return usage_error("%s", "usage: aeo help [--commands | --options CMD | --values CMD OPTION]");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) cmd = "help";
    if (strcmp(cmd, "--version") == 0) cmd = "version";
    const struct command *c = find_command(cmd);
    if (c) return c->run(argc - 2, argv + 2);
    const char *names[sizeof commands / sizeof commands[0]];
    uint32_t n = 0;
    for (c = commands; c->name; c++) names[n++] = c->name;
    const char *sug = aeo_suggest(cmd, names, n);
    if (sug) fprintf(stderr, "aeo: unknown command '%s'; did you mean '%s'?\n", cmd, sug);
    else fprintf(stderr, "aeo: unknown command '%s'\n", cmd);
    fputs("Try 'aeo help'.\n", stderr);
    return EXIT_USAGE;
}
