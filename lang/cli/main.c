/* The aeo command: options, the command table, dispatch and `aeo help`.
 * The commands themselves live in eval.c and commands.c, the REPL in
 * repl.c (lang/cli/cli.h lists the rooms).
 *
 * The command table at the end is the one list of commands, of the options
 * each accepts and of its --format values: aeo_cli_parse_options accepts
 * what a command's entry lists, aeo_cli_choose parses --format and --color
 * from the value sets it points at, and `aeo help --commands`, `--options
 * CMD` and `--values CMD OPTION` print the same entries for the shell
 * completions (lang/cli/completion/) and the man page check, so those never
 * keep a copy that could drift. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/aeo.h"
#include "lang/catalog.h"
#include "lang/cli/cli.h"
#include "lang/cli/lsp.h"
#include "lang/cli/repl.h"
#include "lang/diag.h"
#include "lang/text.h"
#include "runtime/celtime.h"

int aeo_cli_usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "aeo: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'aeo help'.\n");
    return EXIT_USAGE;
}

/* ---- options ------------------------------------------------------------------ */

const aeo_cli_choice aeo_cli_color_choices[] = {{"auto", -1}, {"always", 1}, {"never", 0}, {NULL, 0}};

bool aeo_cli_choice_find(const aeo_cli_choice *choices, const char *word, int *value) {
    for (; choices->name; choices++) {
        if (strcmp(word, choices->name) == 0) {
            *value = choices->value;
            return true;
        }
    }
    return false;
}

bool aeo_cli_choose(const char *option, const aeo_cli_choice *choices, const char *word, int *value, int *status) {
    if (aeo_cli_choice_find(choices, word, value)) return true;
    /* The message lists the set in table order: "a, b or c". */
    size_t n = 0;
    while (choices[n].name) n++;
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", choices[i].name);
    }
    *status = aeo_cli_usage_error("%s takes %s, not '%s'", option, list, word);
    return false;
}

/* Whether option spec [spec] ("--name=KIND" or "--name") names the option
 * [arg] ("--name" or "--name=value"). */
static bool spec_names(const char *spec, const char *arg) {
    size_t n = strcspn(spec, "=");
    return strncmp(arg, spec, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

bool aeo_cli_option_listed(const char *const *allowed, const char *arg) {
    for (const char *const *p = allowed; *p; p++)
        if (spec_names(*p, arg)) return true;
    return false;
}

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

int aeo_cli_parse_options(int argc, char **argv, aeo_cli_opts *o, const char *const *allowed) {
    memset(o, 0, sizeof *o);
    o->color = -1;
    o->max_errors = 50;
    o->max_warnings = 100;
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
        if (!aeo_cli_option_listed(allowed, a)) return aeo_cli_usage_error("unknown option '%s'", a);
        bool m;
        const char *v;
        if ((v = opt_value(argc, argv, &i, "--facts", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs a file name (or - for stdin)", "--facts");
            o->facts = v;
        } else if ((v = opt_value(argc, argv, &i, "--as-of", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs a date (YYYY-MM-DD or RFC 3339)", "--as-of");
            o->as_of = v;
        } else if ((v = opt_value(argc, argv, &i, "--lang", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs a language, as in --lang zh", "--lang");
            o->lang = v;
        } else if ((v = opt_value(argc, argv, &i, "--record", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs a record number N or a range N-M", "--record");
            o->record = v;
        } else if ((v = opt_value(argc, argv, &i, "--format", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs a value", "--format");
            o->format = v;
        } else if ((v = opt_value(argc, argv, &i, "--key", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs an expression", "--key");
            o->key = v;
        } else if ((v = opt_value(argc, argv, &i, "-r", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs a regular expression", "-r");
            o->filter = v;
        } else if ((v = opt_value(argc, argv, &i, "--measure", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs a measure ID", "--measure");
            o->measures[o->n_measures++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--color", &m)) || m) {
            int st = EXIT_USAGE;
            if (!v) o->color = -1;
            else if (!aeo_cli_choose("--color", aeo_cli_color_choices, v, &o->color, &st)) return st;
        } else if (((v = opt_value(argc, argv, &i, "-j", &m)) || m) ||
                   ((v = opt_value(argc, argv, &i, "--jobs", &m)) || m)) {
            char *end;
            long n = v ? strtol(v, &end, 10) : -1;
            if (!v || *end || n < 0 || n > 256) return aeo_cli_usage_error("%s needs a number of threads (0: one per CPU)", "-j");
            if (n == 0) n = sysconf(_SC_NPROCESSORS_ONLN);
            o->jobs = n < 1 ? 1u : (unsigned)n;
        } else if ((v = opt_value(argc, argv, &i, "--max-errors", &m)) || m) {
            char *end;
            long n = v ? strtol(v, &end, 10) : -1;
            if (!v || *end || n < 0) return aeo_cli_usage_error("%s needs a number", "--max-errors");
            o->max_errors = (uint32_t)n;
        } else if ((v = opt_value(argc, argv, &i, "--max-warnings", &m)) || m) {
            char *end;
            long n = v ? strtol(v, &end, 10) : -1;
            if (!v || *end || n < 0) return aeo_cli_usage_error("%s needs a number", "--max-warnings");
            o->max_warnings = (uint32_t)n;
        } else if (strcmp(a, "--werror") == 0) {
            o->werror = true;
        } else if (strcmp(a, "--explain") == 0) {
            o->explain = true;
        } else if (strcmp(a, "--summary") == 0) {
            o->summary = true;
        } else if (strcmp(a, "--suggest") == 0) {
            o->suggest = true;
        } else if (strcmp(a, "--witness") == 0) {
            o->witness = true;
        } else if ((v = opt_value(argc, argv, &i, "--coverage-json", &m)) || m) {
            if (!v) return aeo_cli_usage_error("%s needs a file name (or - for stdout)", "--coverage-json");
            o->coverage_json = v;
            o->coverage = true;
        } else if ((v = opt_value(argc, argv, &i, "--coverage-min", &m)) || m) {
            char *end;
            double x = v ? strtod(v, &end) : -1;
            if (!v || *end || x < 0 || x > 100) return aeo_cli_usage_error("%s needs a percentage from 0 to 100", "--coverage-min");
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

void aeo_cli_free_options(aeo_cli_opts *o) {
    free(o->paths);
    free(o->measures);
}

bool aeo_cli_use_color(const aeo_cli_opts *o, FILE *f) {
    if (o->color >= 0) return o->color == 1;
    /* stdout is the output layer's stream, which has no descriptor of its own. */
    int fd = f == stdout ? STDOUT_FILENO : fileno(f);
    return isatty(fd) && !getenv("NO_COLOR");
}

/* ---- loading ------------------------------------------------------------------- */

aeo_catalog *aeo_cli_read_paths(const aeo_cli_opts *o, bool *ok) {
    aeo_catalog *c = aeo_catalog_new();
    c->diags.max_errors = o->max_errors;
    c->diags.max_warnings = o->max_warnings;
    *ok = true;
    for (uint32_t i = 0; i < o->n_paths; i++) {
        const char *err = NULL;
        if (!aeo_catalog_add_path(c, o->paths[i], &err)) {
            fprintf(stderr, "aeo: %s: %s\n", aeo_catalog_failed_path(c, o->paths[i]), err);
            *ok = false;
        }
    }
    return c;
}

/* The catalog of [o->paths], read and parsed; NULL with *[status] set on a
 * usage or I/O error. */
static aeo_catalog *load_files(const aeo_cli_opts *o, int *status) {
    if (o->n_paths == 0) {
        *status = aeo_cli_usage_error("%s", "no rule files given");
        return NULL;
    }
    bool ok;
    aeo_catalog *c = aeo_cli_read_paths(o, &ok);
    if (!ok) {
        aeo_catalog_free(c);
        *status = EXIT_USAGE;
        return NULL;
    }
    return c;
}

aeo_catalog *aeo_cli_load(const aeo_cli_opts *o, int *status) {
    aeo_catalog *c = load_files(o, status);
    if (!c) return NULL;
    aeo_catalog_build(c, AEO_BUILD_COMPILE);
    aeo_diags_print(&c->diags, &c->sources, stderr, aeo_cli_use_color(o, stderr));
    if (c->diags.n_errors > 0 || (o->werror && c->diags.n_warnings > 0)) {
        *status = EXIT_FINDINGS;
        fprintf(stderr, "aeo: %u error%s; the catalog was not evaluated\n", c->diags.n_errors,
                c->diags.n_errors == 1 ? "" : "s");
        aeo_catalog_free(c);
        return NULL;
    }
    return c;
}

bool aeo_cli_check_lang(const aeo_catalog *c, const char *lang, int *status) {
    if (!lang || aeo_text_has_lang(c, lang)) return true;
    aeo_buf b = {0};
    aeo_text_langs(c, &b);
    *status = aeo_cli_usage_error("--lang: the catalog has no text in '%s'; its languages: %s", lang, b.data);
    aeo_buf_free(&b);
    return false;
}

aeo_catalog *aeo_cli_load_quiet(const aeo_cli_opts *o, int *status) {
    aeo_catalog *c = load_files(o, status);
    if (!c) return NULL;
    aeo_catalog_build(c, AEO_BUILD_LINT);
    return c;
}

/* A --as-of value: YYYY-MM-DD or RFC 3339. */
bool aeo_cli_parse_as_of(const char *s, aeo_value *out) {
    int64_t sec;
    int32_t ns;
    if (!aeo_time_parse_timestamp(s, strlen(s), &sec, &ns)) return false;
    *out = aeo_timestamp(sec, ns);
    return true;
}

/* ---- the command table --------------------------------------------------------- */

static int run_repl(const aeo_cli_command *cmd, int argc, char **argv) {
    return aeo_repl_main(argc, argv, cmd->options);
}

static int run_version(const aeo_cli_command *cmd, int argc, char **argv) {
    (void)cmd, (void)argc, (void)argv;
    printf("aeo %s\n", AEO_VERSION);
    return EXIT_OK;
}

static int run_help(const aeo_cli_command *cmd, int argc, char **argv);

#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_OPTS ((const char *const[]){NULL})
#define COMMON "--color=WHEN", "--max-errors=N", "--max-warnings=N"

/* Every command, in the order of the usage text.  The REPL parses its own
 * options (repl.c), accepting only those of its entry.  help's arguments
 * (--commands, --options, --values) are modes, not options: the usage line
 * run_help prints names them, and its entry lists none, as neither the
 * completions nor aeo(1) treat them as options. */
static const aeo_cli_command commands[] = {
    {"check", NULL,
     "  check  PATH...                        check rule files; diagnostics on stderr\n",
     OPTS(COMMON, "--werror", "--format=FORMAT"), aeo_cli_check_formats, aeo_cli_check},
    {"eval", NULL,
     "  eval   PATH... --facts FILE|-         evaluate facts records against the catalog\n"
     "         [--as-of DATE] [--format table|json|jsonl|csv] [--measure ID]... [--key EXPR]\n"
     "         [--explain]                    why each measure applies or not\n"
     "         [--summary]                    per-measure counts instead of per-record output\n"
     "         [--suggest]                    json/jsonl: what would make each `not` measure apply,\n"
     "                                        and which missing facts to ask for first\n"
     "         [-j N]                         N threads (0: one per CPU); output stays in input order\n"
     "         [--lang L]                     titles and table words in language L (not jsonl)\n",
     OPTS(COMMON, "--facts=FILE", "--as-of=DATE", "--format=FORMAT", "--measure=ID", "--key=EXPR", "--explain",
          "--summary", "--suggest", "-j=N", "--jobs=N", "--lang=LANG"),
     aeo_cli_eval_formats, aeo_cli_eval},
    {"diff", aeo_cli_diff,
     "  diff   OLD NEW --facts FILE|- [--as-of DATE]  what a rule change does to a population\n"
     "  diff   PATH --facts FILE|- --as-of D1 --as-of D2  one catalog at two dates\n"
     "         [--format table|markdown|json|jsonl] [--fail-on-change] [-j N]\n"
     "  diff   OLD NEW --witness [--as-of DATE]  per changed measure: a proof of equivalence\n"
     "                                        or a record on which the versions differ\n",
     OPTS(COMMON, "--facts=FILE", "--as-of=DATE", "--format=FORMAT", "--fail-on-change", "--witness", "-j=N",
          "--jobs=N"),
     aeo_cli_diff_formats, NULL},
    {"why", NULL,
     "  why    PATH... --facts FILE|-         per record, in words: what is granted, why not, what to provide\n"
     "         [--record N|N-M] [--measure ID]... [--lang L] [--as-of DATE]\n"
     "         [--format text|markdown|html|json]\n",
     OPTS(COMMON, "--facts=FILE", "--record=N", "--measure=ID", "--lang=LANG", "--as-of=DATE", "--format=FORMAT"),
     aeo_cli_why_formats, aeo_cli_why},
    {"test", NULL,
     "  test   PATH... [--format text|tap|junit] [-r REGEX] [--as-of DATE]\n"
     "         [--coverage] [--coverage-json FILE] [--coverage-min PERCENT]\n"
     "                                        run the catalog's test blocks\n"
     "         [--suggest]                    and a ready-to-paste test for each coverage gap\n",
     OPTS(COMMON, "--format=FORMAT", "-r=REGEX", "--as-of=DATE", "--coverage", "--coverage-json=FILE",
          "--coverage-min=PERCENT", "--suggest"),
     aeo_cli_test_formats, aeo_cli_test},
    {"list", NULL,
     "  list   PATH... [--format table|json|csv] [--lang L]\n"
     "                                        list the measures, with a count per tier\n",
     OPTS(COMMON, "--format=FORMAT", "--lang=LANG"), aeo_cli_list_formats, aeo_cli_list},
    {"fmt", NULL,
     "  fmt    [--check|--diff] PATH...       rewrite files in the canonical layout\n"
     "                                        (--check, --diff: change nothing, exit 1 if a file would change)\n",
     OPTS(COMMON, "--check", "--diff"), NULL, aeo_cli_fmt},
    {"disasm", NULL,
     "  disasm PATH... [--measure ID]         show the compiled bytecode\n",
     OPTS(COMMON, "--measure=ID"), NULL, aeo_cli_disasm},
    {"explain", aeo_cli_explain_code,
     "  explain CODE                          the documentation of a diagnostic code (E0103, W0204...)\n",
     NO_OPTS, NULL, NULL},
    {"repl", run_repl,
     "  repl   [PATH...] [--facts FILE] [--as-of DATE] [--lang L]  explore facts and rules interactively\n",
     OPTS("--facts=FILE", "--as-of=DATE", "--lang=LANG", "--color=WHEN", "--help"), NULL, NULL},
    {"lsp", aeo_cli_lsp,
     "  lsp                                   language server (LSP over stdio) for editors\n",
     OPTS("--stdio"), NULL, NULL},
    {"parse", NULL,
     "  parse  PATH...                        show the syntax tree\n",
     OPTS(COMMON, "--dump-ast"), NULL, aeo_cli_parse},
    {"version", run_version,
     "  version                               print the version\n",
     NO_OPTS, NULL, NULL},
    {"help", run_help, NULL, NO_OPTS, NULL, NULL},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
    fputs("usage: aeo <command> [options] PATH...\n\ncommands:\n", f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (commands[i].synopsis) fputs(commands[i].synopsis, f);
    fputs("\n"
          "common options:\n"
          "  --color=auto|always|never             colour diagnostics (auto: on a terminal)\n"
          "  --max-errors N                        stop reporting after N errors (default 50)\n"
          "  --max-warnings N                      show N warnings, then how many more (default 100; 0: all)\n"
          "\n"
          "PATH is a .aeo file or a directory (read recursively, files in sorted order).\n"
          "Exit status: 0 ok, 1 findings or records with errors, 2 usage or I/O error.\n",
          f);
}

static const aeo_cli_command *find_command(const char *name) {
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

/* The values `aeo help --values` prints for option [opt] of [c]: its
 * --format set, the --color set, or none (a free value or a flag). */
static const aeo_cli_choice *values_of(const aeo_cli_command *c, const char *opt) {
    if (spec_names("--format", opt)) return c->formats;
    if (spec_names("--color", opt)) return aeo_cli_color_choices;
    return NULL;
}

/* `aeo help`: the usage text.  For the shell completions, one word per line:
 *   aeo help --commands             the commands
 *   aeo help --options CMD          CMD's options ("--facts=FILE": takes a value)
 *   aeo help --values CMD OPTION    OPTION's fixed values (none: free text) */
static int run_help(const aeo_cli_command *cmd, int argc, char **argv) {
    (void)cmd;
    if (argc == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (argc == 1 && strcmp(argv[0], "--commands") == 0) {
        for (size_t i = 0; i < N_COMMANDS; i++) puts(commands[i].name);
        return EXIT_OK;
    }
    bool values = argc == 3 && strcmp(argv[0], "--values") == 0;
    if (values || (argc == 2 && strcmp(argv[0], "--options") == 0)) {
        const aeo_cli_command *c = find_command(argv[1]);
        if (!c) return aeo_cli_usage_error("no command '%s'", argv[1]);
        if (!values) {
            for (const char *const *o = c->options; *o; o++) puts(*o);
            return EXIT_OK;
        }
        /* "--format" and "--format=" (what bash hands over) alike. */
        const char *opt = argv[2];
        if (!aeo_cli_option_listed(c->options, opt)) return aeo_cli_usage_error("%s has no option '%s'", c->name, opt);
        for (const aeo_cli_choice *v = values_of(c, opt); v && v->name; v++) puts(v->name);
        return EXIT_OK;
    }
    return aeo_cli_usage_error("%s", "usage: aeo help [--commands | --options CMD | --values CMD OPTION]");
}

/* A command that takes the common options (aeo_cli_command's act): the
 * prologue and epilogue every one of them shares. */
static int run_parsed(const aeo_cli_command *cmd, int argc, char **argv) {
    aeo_cli_opts o;
    int st = aeo_cli_parse_options(argc, argv, &o, cmd->options);
    int fmt = cmd->formats ? cmd->formats[0].value : 0;
    if (st < 0 && (!o.format || aeo_cli_choose("--format", cmd->formats, o.format, &fmt, &st)))
        st = cmd->act(&o, fmt);
    aeo_cli_free_options(&o);
    return st;
}

static int run_command(int argc, char **argv);

/* Every command's output goes through the output layer (out.c), and every
 * exit status passes its check: a command that could not write all of its
 * output exits 2, whatever it returned. */
int main(int argc, char **argv) {
    aeo_cli_out_init();
    return aeo_cli_out_finish(run_command(argc, argv));
}

static int run_command(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) name = "help";
    else if (strcmp(name, "--version") == 0) name = "version";
    const aeo_cli_command *cmd = find_command(name);
    if (cmd && cmd->run) return cmd->run(cmd, argc - 2, argv + 2);
    if (cmd) return run_parsed(cmd, argc - 2, argv + 2);
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++) names[i] = commands[i].name;
    const char *sug = aeo_suggest(name, names, (uint32_t)N_COMMANDS);
    if (sug) fprintf(stderr, "aeo: unknown command '%s'; did you mean '%s'?\n", name, sug);
    else fprintf(stderr, "aeo: unknown command '%s'\n", name);
    fputs("Try 'aeo help'.\n", stderr);
    return EXIT_USAGE;
}
