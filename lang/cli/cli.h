/* What the files of the aeo command share (lang/cli/): the command table's
 * type, the options every command parses, loading a catalog with the
 * diagnostics printed, and the exit statuses.
 *
 *   main.c      options, the command table, dispatch, `aeo help`
 *   eval.c      `aeo eval`: the record pipeline (reading, -j N workers,
 *               ordered writing) and its output formats
 *   commands.c  check, parse, disasm, test, fmt, list, explain CODE
 *   repl.c      `aeo repl`: the session; lineedit.c: the line editor
 *
 * Exit status: 0 ok; 1 findings (diagnostics, failed tests, records with
 * errors); 2 usage or I/O error.  Diagnostics go to stderr, results to
 * stdout. */
#ifndef AEO_LANG_CLI_CLI_H
#define AEO_LANG_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/catalog.h"
#include "runtime/value.h"

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

/* The options of a command line, as parsed by aeo_cli_parse_options. */
typedef struct aeo_cli_opts {
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
} aeo_cli_opts;

/* One command: the ONE table in main.c lists them, and dispatch, `aeo help`
 * (its usage text, --commands, --options CMD) and "did you mean" all come
 * from it. */
typedef struct aeo_cli_command {
    const char *name;
    int (*run)(const struct aeo_cli_command *cmd, int argc, char **argv);
    const char *synopsis;              /* its lines of the usage text, or NULL (not listed) */
    const char *const *options;        /* the options it accepts, NULL-terminated */
} aeo_cli_command;

/* Prints "aeo: MESSAGE" and "Try 'aeo help'." to stderr; returns EXIT_USAGE. */
int aeo_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parses [argc] arguments into *[o] (paths and options; "--name=value" or
 * "--name value"; "--" ends the options), accepting only the options listed
 * in [allowed].  Returns -1 when all is well, else the exit status after
 * reporting the problem.  Free with aeo_cli_free_options in both cases. */
int aeo_cli_parse_options(int argc, char **argv, aeo_cli_opts *o, const char *const *allowed);
void aeo_cli_free_options(aeo_cli_opts *o);
/* Whether to colour output to [f]: --color, else a terminal without NO_COLOR. */
bool aeo_cli_use_color(const aeo_cli_opts *o, FILE *f);
/* Loads, checks and compiles the catalog at [o->paths] (the tests' facts
 * checked too, no lints), printing the diagnostics.  Returns NULL with
 * *[status] set when it cannot go on: a usage or I/O error, or any error
 * diagnostic. */
aeo_catalog *aeo_cli_load(const aeo_cli_opts *o, int *status);
/* Loads through the whole pipeline, lints included, without printing: `check`
 * renders the diagnostics itself, in the requested format.  NULL only on
 * usage and I/O errors. */
aeo_catalog *aeo_cli_load_quiet(const aeo_cli_opts *o, int *status);
/* A --as-of value: YYYY-MM-DD or RFC 3339, into a TIMESTAMP. */
bool aeo_cli_parse_as_of(const char *s, aeo_value *out);

/* Appends [n] bytes of [s] as one CSV field (quoted when it holds a comma,
 * a quote or a line break); eval's csv and list's csv. */
void aeo_cli_csv_field(aeo_buf *b, const char *s, size_t n);

/* The commands (argc and argv: the arguments after the command's name). */
int aeo_cli_check(const aeo_cli_command *cmd, int argc, char **argv);
int aeo_cli_eval(const aeo_cli_command *cmd, int argc, char **argv);
int aeo_cli_test(const aeo_cli_command *cmd, int argc, char **argv);
int aeo_cli_list(const aeo_cli_command *cmd, int argc, char **argv);
int aeo_cli_fmt(const aeo_cli_command *cmd, int argc, char **argv);
int aeo_cli_disasm(const aeo_cli_command *cmd, int argc, char **argv);
int aeo_cli_parse(const aeo_cli_command *cmd, int argc, char **argv);
int aeo_cli_explain_code(const aeo_cli_command *cmd, int argc, char **argv);

#endif
