/* What the files of the aeo command share (lang/cli/): the command table's
 * type, the options every command parses, loading a catalog with the
 * diagnostics printed, and the exit statuses.
 *
 *   main.c      options, the command table, dispatch, `aeo help`
 *   eval.c      `aeo eval`: the record pipeline (reading, -j N workers,
 *               ordered writing) and its output formats
 *   diff.c      `aeo diff`: two catalogs (or dates) over one corpus
 *   why.c       `aeo why`: per record, the statement in words (lang/why.h)
 *   commands.c  check, parse, disasm, test, fmt, list, explain CODE
 *   repl.c      `aeo repl`: the session; lineedit.c: the line editor
 *   out.c       the output layer: stdout, its errors, exit status 2
 *   lsp.c       `aeo lsp`: the language server's protocol loop;
 *               lsp_features.c: its requests (lsp.h)
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
    uint32_t max_warnings;     /* warnings shown in text (0: all) */
    unsigned jobs;      /* eval -j N: worker threads */
    bool werror;
    bool explain;
    bool summary;
    bool suggest;       /* eval, test: --suggest (lang/solve.h) */
    bool witness;       /* diff --witness */
    bool check_only;
    bool diff;
    bool coverage;
    const char *coverage_json;
    double coverage_min;
    const char *lang;   /* --lang L: titles, benefits, labels and table words in L (lang/text.h) */
    const char *record; /* why --record N or N-M: the records to state (1-based) */
} aeo_cli_opts;

/* One of the fixed values of an option (--format, --color): the word and
 * what it selects.  A set of them ends with {NULL, 0}.  Parsing
 * (aeo_cli_choose), its error message and `aeo help --values` read the
 * same set, so the shell completions cannot offer a value the command
 * refuses. */
typedef struct aeo_cli_choice {
    const char *name;
    int value;
} aeo_cli_choice;

/* One command: the ONE table in main.c lists them, and dispatch, `aeo help`
 * (its usage text, --commands, --options CMD, --values CMD OPTION) and
 * "did you mean" all come from it. */
typedef struct aeo_cli_command {
    const char *name;
    /* A command that reads its own arguments (repl, explain, help,
     * version), or NULL for one that takes the common options: then main.c
     * parses them against [options], picks the --format value from
     * [formats] (its first entry when none is given), calls [act], and
     * frees the options, so no command repeats that prologue. */
    int (*run)(const struct aeo_cli_command *cmd, int argc, char **argv);
    const char *synopsis;              /* its lines of the usage text, or NULL (not listed) */
    /* The options it accepts, NULL-terminated: "--name=KIND" takes a value
     * (KIND, e.g. FILE or N, says what for `aeo help --options`), "--name"
     * is a flag. */
    const char *const *options;
    const aeo_cli_choice *formats;     /* the values of its --format, or NULL */
    int (*act)(const aeo_cli_opts *o, int fmt);
} aeo_cli_command;

/* The values of --color (auto -1, always 1, never 0), for every command. */
extern const aeo_cli_choice aeo_cli_color_choices[];
/* The values of each command's --format, beside the code that acts on them
 * (commands.c, eval.c); main.c's table points at them. */
extern const aeo_cli_choice aeo_cli_check_formats[];
extern const aeo_cli_choice aeo_cli_test_formats[];
extern const aeo_cli_choice aeo_cli_list_formats[];
extern const aeo_cli_choice aeo_cli_eval_formats[];
extern const aeo_cli_choice aeo_cli_diff_formats[];
extern const aeo_cli_choice aeo_cli_why_formats[];

/* Says on stderr that [id] (a --measure) is no measure of [p], with the
 * closest ID as "did you mean" ("G5": 'G05'). */
void aeo_cli_no_measure(const aeo_program *p, const char *id);
/* The measures --measure names, in catalog order (none given: all), [*n]
 * of them (malloc'd); an unknown ID is reported (with did-you-mean) and
 * sets *st to EXIT_USAGE. */
uint32_t *aeo_cli_select_measures(const aeo_cli_opts *o, const aeo_program *p, uint32_t *n, int *st);
/* Opens --facts ("-": stdin); NULL, reported, with *st = EXIT_USAGE when
 * it cannot be opened. */
FILE *aeo_cli_open_facts(const aeo_cli_opts *o, int *st);
/* Prints "aeo: MESSAGE" and "Try 'aeo help'." to stderr; returns EXIT_USAGE. */
int aeo_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether [arg] ("--name" or "--name=value") is one of the options
 * [allowed] lists (in the form of aeo_cli_command's options). */
bool aeo_cli_option_listed(const char *const *allowed, const char *arg);
/* Sets *[value] to what [word] selects among [choices]; false when it is
 * none of them. */
bool aeo_cli_choice_find(const aeo_cli_choice *choices, const char *word, int *value);
/* As aeo_cli_choice_find, but an unknown [word] is a usage error naming
 * every value ("--format takes a, b or c, not 'x'"): false, with *[status]
 * set to its exit status. */
bool aeo_cli_choose(const char *option, const aeo_cli_choice *choices, const char *word, int *value, int *status);
/* Parses [argc] arguments into *[o] (paths and options; "--name=value" or
 * "--name value"; "--" ends the options), accepting only the options listed
 * in [allowed] (aeo_cli_option_listed).  Returns -1 when all is well, else the exit status after
 * reporting the problem.  Free with aeo_cli_free_options in both cases. */
int aeo_cli_parse_options(int argc, char **argv, aeo_cli_opts *o, const char *const *allowed);
void aeo_cli_free_options(aeo_cli_opts *o);
/* Whether to colour output to [f]: --color, else a terminal without NO_COLOR. */
bool aeo_cli_use_color(const aeo_cli_opts *o, FILE *f);
/* A new catalog with [o]'s diagnostic limits holding the files and
 * directories of [o->paths], read and parsed; each path that cannot be read
 * is reported on stderr ("aeo: PATH: why"), and *[ok] is false if one was
 * (the others are read all the same). */
aeo_catalog *aeo_cli_read_paths(const aeo_cli_opts *o, bool *ok);
/* Loads, checks and compiles the catalog at [o->paths] (the tests' facts
 * checked too, no lints), printing the diagnostics.  Returns NULL with
 * *[status] set when it cannot go on: a usage or I/O error, or any error
 * diagnostic. */
aeo_catalog *aeo_cli_load(const aeo_cli_opts *o, int *status);
/* --lang [lang] (NULL: none asked) against the loaded catalog [c]: true
 * when [c] has it (its base language or a text block's); else a usage
 * error naming the languages it has, *[status] EXIT_USAGE. */
bool aeo_cli_check_lang(const aeo_catalog *c, const char *lang, int *status);
/* Loads through the whole pipeline, lints included, without printing: `check`
 * renders the diagnostics itself, in the requested format.  NULL only on
 * usage and I/O errors. */
aeo_catalog *aeo_cli_load_quiet(const aeo_cli_opts *o, int *status);
/* A --as-of value: YYYY-MM-DD or RFC 3339, into a TIMESTAMP. */
bool aeo_cli_parse_as_of(const char *s, aeo_value *out);

/* The output layer (out.c): stdout becomes a stream whose writes remember
 * the errno of the first failure.  main() calls aeo_cli_out_init before
 * the command and returns aeo_cli_out_finish(status) after it: that
 * flushes and closes stdout and, if any write failed, prints "aeo: writing
 * output: <strerror>" (once) and returns 2 (a status of 128 or more, a
 * signal's, is kept). */
void aeo_cli_out_init(void);
int aeo_cli_out_finish(int status);
/* Flushes stdout; false when a write has failed (now or before). */
bool aeo_cli_out_flush(void);
/* Whether a write to stdout has failed. */
bool aeo_cli_out_failed(void);
/* Writes the [len] bytes at [data] to stdout after what it holds; a large
 * piece goes to the descriptor without a copy into stdout's buffer (eval
 * writes its records in 64 KiB pieces).  False when the write failed (now
 * or before).  Safe beside another thread's aeo_cli_out_flush. */
bool aeo_cli_out_write(const char *data, size_t len);
/* Prints the "aeo: writing output: ..." message now, if a write failed and
 * it was not printed yet (so that it comes before a command's summary
 * lines on stderr). */
void aeo_cli_out_report(void);

/* Appends [n] bytes of [s] as one CSV field (quoted when it holds a comma,
 * a quote or a line break); eval's csv and list's csv. */
void aeo_cli_csv_field(aeo_buf *b, const char *s, size_t n);

/* The commands that take the common options: [o] parsed and [fmt] the
 * chosen --format value (main.c's dispatch). */
int aeo_cli_check(const aeo_cli_opts *o, int fmt);
int aeo_cli_eval(const aeo_cli_opts *o, int fmt);
int aeo_cli_test(const aeo_cli_opts *o, int fmt);
int aeo_cli_list(const aeo_cli_opts *o, int fmt);
int aeo_cli_fmt(const aeo_cli_opts *o, int fmt);
int aeo_cli_disasm(const aeo_cli_opts *o, int fmt);
int aeo_cli_parse(const aeo_cli_opts *o, int fmt);
/* `aeo why` (why.c): per record, the statement an officer hands over. */
int aeo_cli_why(const aeo_cli_opts *o, int fmt);
/* Parses a --record value "N" or "N-M" (1 <= N <= M) into [*from, *to];
 * false when it is neither. */
bool aeo_cli_parse_records(const char *s, uint64_t *from, uint64_t *to);
/* `aeo diff` (diff.c; it reads its own arguments, as --as-of may come
 * twice). */
int aeo_cli_diff(const aeo_cli_command *cmd, int argc, char **argv);
/* `aeo explain CODE` (argc and argv: the arguments after its name). */
int aeo_cli_explain_code(const aeo_cli_command *cmd, int argc, char **argv);

#endif
