/* A catalog under compilation: the unit that check and compile work on.
 *
 * Loading a catalog means: read the .aeo files (directories recursively, in
 * sorted order), parse each, then check the whole set as one namespace, then
 * compile it to an aeo_program.  Every stage reports into [diags]; a stage
 * runs only if the previous one left no error, except that checking runs on
 * whatever parsed (so one run reports syntax and semantic errors of
 * independent declarations).
 *
 * The checker fills the symbol tables below and annotates the AST; the
 * compiler reads both. */
#ifndef AEO_LANG_CATALOG_H
#define AEO_LANG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/aeo.h"
#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/source.h"
#include "runtime/program.h"

/* A growable array of declaration pointers. */
typedef struct aeo_decls {
    aeo_decl **items;
    uint32_t n, cap;
} aeo_decls;

typedef struct aeo_catalog {
    aeo_arena *arena;          /* AST, types, checker data */
    aeo_sources sources;
    aeo_diags diags;
    aeo_file *files;
    uint32_t n_files, cap_files;
    uint32_t next_id;          /* expression ids */

    /* Filled by the checker. */
    aeo_decl *catalog;         /* the catalog block, or NULL */
    aeo_decl *facts;           /* the facts block, or NULL */
    aeo_decls records, consts, defs, tiers, measures, tests, examples;
    const aeo_record_type *root;   /* the facts schema */
    const char *root_name;
    aeo_expr *scope;           /* catalog scope expression, or NULL */
    aeo_expr *key;             /* catalog key expression, or NULL */
    bool has_effective, has_expires;   /* catalog-level dates */
    aeo_value effective, expires;
    bool checked;              /* check ran without errors */
    struct aeo_texts *texts;   /* text blocks, language, fixed (lang/text.h) */
    struct aeo_scope *scope_tables;  /* the checker's name tables, for aeo_check_expr */

    /* Variables declared by the embedder (the REPL, the conformance
     * runner): names visible in expressions, bound at run time with
     * aeo_vm_set_vars in the same order. */
    const char **var_names;
    const aeo_type **var_types;
    uint32_t n_vars, cap_vars;

    /* Filled by the compiler. */
    aeo_program *program;

    /* The evaluation steps the build may still take for its own
     * evaluations (the tests' facts, the lints): one budget for the whole
     * of `aeo check`, AEO_CHECK_STEPS from aeo_catalog_new (an embedder or
     * a fuzz harness may lower it before aeo_catalog_build). */
    uint64_t check_steps;

    /* The file or directory the last aeo_catalog_add_path failed on, when
     * below the path it was given (arena); NULL otherwise. */
    const char *failed_path;
} aeo_catalog;

/* Examples in messages speak the catalog's own names: the facts root's
 * name ("operator"; "enterprise", CATALOG.md's, before a schema exists),
 * and a field of it: the first optional one when [optional] and there is
 * one, else the first ("uscc" without a schema or fields). */
const char *aeo_catalog_root_word(const aeo_catalog *c);
const char *aeo_catalog_example_field(const aeo_catalog *c, bool optional);

/* The default of check_steps: 200,000,000 steps (loop iterations and
 * calls), about 1.5 s of evaluation; a catalog's lints normally take a
 * few thousand steps per measure (lang/README.md section 10). */
#define AEO_CHECK_STEPS UINT64_C(200000000)

aeo_catalog *aeo_catalog_new(void);
/* aeo_catalog_free (declared in lang/aeo.h: the embedders' destructor is
 * this one) frees the catalog, its program and everything it loaded. */
/* Adds the file or directory [path] (directories: every *.aeo below it,
 * recursively, sorted).  Reports an I/O problem as a returned false with a
 * message in *[err] (static or strerror text); parse errors go to diags. */
bool aeo_catalog_add_path(aeo_catalog *c, const char *path, const char **err);
/* After aeo_catalog_add_path(c, path, ...) failed: the path the problem is
 * about, [path] itself or the file or directory below it that could not be
 * read; what to print before the message. */
const char *aeo_catalog_failed_path(const aeo_catalog *c, const char *path);
/* Adds source text directly (tests, the REPL). */
void aeo_catalog_add_text(aeo_catalog *c, const char *name, const char *text, size_t len);
/* Declares variable [name] (copied) of [type] (which must outlive the
 * catalog; the aeo_type_* singletons do); returns its index. */
uint32_t aeo_catalog_declare_var(aeo_catalog *c, const char *name, const aeo_type *type);

/* ---- the pipeline: the one entry point ----------------------------------
 *
 * Every program on top (aeo's commands, the REPL, the test runner, the
 * embedding library lang/aeo.c, the fuzz harnesses, the conformance runner,
 * the benchmark) reaches the parser, checker and compiler through these
 * functions, and this file is the only caller of the parser.  The order of
 * the stages is written once, in aeo_catalog_build. */

/* How far aeo_catalog_build goes. */
typedef enum {
    AEO_BUILD_CHECK,    /* names and types only: diagnostics while a catalog is being edited */
    AEO_BUILD_COMPILE,  /* + compile to bytecode + the tests' facts against the schema (E0208) */
    AEO_BUILD_LINT      /* + the lints (W0xxx), then `aeo:allow` comments applied (aeo check) */
} aeo_build_stage;

/* Runs the stages on everything added so far, in the order
 *     check, compile, tests_check, lint, allows
 * up to [last].  After errors, the later stages run on what checked: the
 * declarations with an error, and those using them, are passed over
 * (aeo_decl.broken), and no program is kept (c->program NULL); they do not
 * run at all when the schema, a record, the catalog or a text block has an
 * error.  (The allows always run with AEO_BUILD_LINT.)  Sorts the
 * diagnostics by position.  Returns true when no error was reported. */
bool aeo_catalog_build(aeo_catalog *c, aeo_build_stage last);
/* Parses [len] bytes of [text] as one CEL expression, as the source [name]
 * (copied into the catalog's sources, so diagnostics can show it), with the
 * AST in [arena] (NULL: the catalog's).  NULL after reporting errors; an
 * input that ends too early reports AEO_E_UNEXPECTED_EOF. */
aeo_expr *aeo_catalog_parse_expr(aeo_catalog *c, aeo_arena *arena, const char *name, const char *text,
                                 size_t len);
/* Parses a REPL input: one declaration or else one expression (exactly one
 * of *[decl] and *[expr] is set on success); as aeo_catalog_parse_expr. */
bool aeo_catalog_parse_input(aeo_catalog *c, aeo_arena *arena, const char *name, const char *text, size_t len,
                             aeo_decl **decl, aeo_expr **expr);
/* Parses, checks and compiles a standalone expression against the built
 * catalog (--key, the conformance runner): the chunk (the caller frees it;
 * it must not outlive c->program), or NULL after reporting, with *[stage]
 * (may be NULL) "syntax", "check" or "compile".  The AST goes in the
 * catalog's arena. */
aeo_chunk *aeo_catalog_compile_text(aeo_catalog *c, const char *name, const char *text, size_t len,
                                    const char **stage);

/* The property [name] of [d], or NULL. */
const aeo_prop *aeo_decl_prop(const aeo_decl *d, const char *name);
/* Parses a date property value (a STRING expression holding YYYY-MM-DD or
 * RFC 3339) into a TIMESTAMP; false if it is not one. */
bool aeo_date_value(const aeo_expr *e, aeo_value *out);

#endif
