/* Loading a catalog: files and directories in, parsed files out.  See
 * catalog.h.  Directories are walked recursively; their *.aeo files are
 * taken in sorted (byte-wise) order so that a catalog's declaration order,
 * and with it the order of measures in every output, does not depend on the
 * file system. */
#include "lang/catalog.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "lang/lint.h"
#include "lang/testrun.h"
#include "lang/text.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grammar/parse.h"

aeo_catalog *aeo_catalog_new(void) {
    aeo_catalog *c = aeo_xcalloc(1, sizeof *c);
    c->arena = aeo_arena_new();
    aeo_sources_init(&c->sources);
    aeo_diags_init(&c->diags);
    c->check_steps = AEO_CHECK_STEPS;
    return c;
}

uint32_t aeo_catalog_declare_var(aeo_catalog *c, const char *name, const aeo_type *type) {
    for (uint32_t i = 0; i < c->n_vars; i++) {
        if (strcmp(c->var_names[i], name) == 0) {
            c->var_types[i] = type;
            return i;
        }
    }
    if (c->n_vars == c->cap_vars) {
        c->cap_vars = c->cap_vars ? c->cap_vars * 2 : 8;
        c->var_names = aeo_xrealloc(c->var_names, c->cap_vars * sizeof *c->var_names);
        c->var_types = aeo_xrealloc(c->var_types, c->cap_vars * sizeof *c->var_types);
    }
    c->var_names[c->n_vars] = aeo_arena_strdup(c->arena, name);
    c->var_types[c->n_vars] = type;
    return c->n_vars++;
}

static void free_decls(aeo_decls *v) { free(v->items); }

void aeo_catalog_free(aeo_catalog *c) {
    if (!c) return;
    aeo_program_free(c->program);
    aeo_check_free_tables(c);
    free_decls(&c->records);
    free_decls(&c->consts);
    free_decls(&c->defs);
    free_decls(&c->tiers);
    free_decls(&c->measures);
    free_decls(&c->tests);
    free_decls(&c->examples);
    free(c->files);
    free(c->var_names);
    free(c->var_types);
    aeo_diags_free(&c->diags);
    aeo_sources_free(&c->sources);
    aeo_arena_free(c->arena);
    free(c);
}

static void parse_source(aeo_catalog *c, uint32_t src) {
    if (c->n_files == c->cap_files) {
        c->cap_files = c->cap_files ? c->cap_files * 2 : 8;
        c->files = aeo_xrealloc(c->files, c->cap_files * sizeof *c->files);
    }
    aeo_parse_opts o = {c->arena, &c->diags, &c->next_id};
    aeo_file *f = &c->files[c->n_files++];
    memset(f, 0, sizeof *f);
    aeo_parse_file(&c->sources, src, &o, f);
}

void aeo_catalog_add_text(aeo_catalog *c, const char *name, const char *text, size_t len) {
    parse_source(c, aeo_sources_add(&c->sources, name, text, len));
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Records the first problem of aeo_catalog_add_path: [what] about [path]. */
static bool path_failed(aeo_catalog *c, const char *path, const char *what, const char **err) {
    if (!c->failed_path) {
        c->failed_path = aeo_arena_strdup(c->arena, path);
        *err = what;
    }
    return false;
}

const char *aeo_catalog_failed_path(const aeo_catalog *c, const char *path) {
    return c->failed_path ? c->failed_path : path;
}

/* Collects the *.aeo files under [dir] into [out] (malloc'd paths).  A
 * directory or file that cannot be read is an error about it, by its own
 * name (c->failed_path), not about the directory it was found in. */
static bool walk(aeo_catalog *c, const char *dir, char ***out, uint32_t *n, uint32_t *cap, int depth,
                 const char **err) {
    if (depth > 64) return path_failed(c, dir, "directory tree too deep", err);
    DIR *d = opendir(dir);
    if (!d) return path_failed(c, dir, strerror(errno), err);
    struct dirent *ent;
    bool ok = true;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.') continue;
        size_t len = strlen(dir) + strlen(ent->d_name) + 2;
        char *path = aeo_xmalloc(len);
        snprintf(path, len, "%s%s%s", dir, has_suffix(dir, "/") ? "" : "/", ent->d_name);
        struct stat st;
        if (stat(path, &st) != 0) {
            /* A dangling link is skipped, unless it names a rule file. */
            if (errno != ENOENT || has_suffix(ent->d_name, ".aeo")) ok = path_failed(c, path, strerror(errno), err);
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            ok &= walk(c, path, out, n, cap, depth + 1, err);
            free(path);
        } else if (S_ISREG(st.st_mode) && has_suffix(ent->d_name, ".aeo")) {
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *out = aeo_xrealloc(*out, *cap * sizeof **out);
            }
            (*out)[(*n)++] = path;
        } else {
            free(path);
        }
    }
    closedir(d);
    return ok;
}

bool aeo_catalog_add_path(aeo_catalog *c, const char *path, const char **err) {
    struct stat st;
    c->failed_path = NULL;
    if (stat(path, &st) != 0) {
        *err = strerror(errno);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        char **files = NULL;
        uint32_t n = 0, cap = 0;
        bool ok = walk(c, path, &files, &n, &cap, 0, err);
        qsort(files, n, sizeof *files, cmp_str);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t src;
            if (ok && !aeo_sources_load(&c->sources, files[i], &src)) {
                ok = path_failed(c, files[i], errno == EFBIG ? "file larger than 64 MiB" : strerror(errno), err);
            } else if (ok) {
                parse_source(c, src);
            }
            free(files[i]);
        }
        free(files);
        if (ok && n == 0) {
            *err = "no .aeo files in this directory";
            return false;
        }
        return ok;
    }
    uint32_t src;
    if (!aeo_sources_load(&c->sources, path, &src)) {
        *err = errno == EFBIG ? "file larger than 64 MiB" : strerror(errno);
        return false;
    }
    parse_source(c, src);
    return true;
}

/* ---- the pipeline ---------------------------------------------------------- */

bool aeo_catalog_build(aeo_catalog *c, aeo_build_stage last) {
    /* Checking runs on whatever parsed (one run reports syntax errors and the
     * semantic errors of independent declarations); everything later needs
     * a catalog without errors: the compiler trusts the checker's types,
     * the tests' facts are decoded against the compiled schema, and the
     * lints evaluate compiled conditions. */
    aeo_check_catalog(c);
    aeo_text_check(c);
    if (last >= AEO_BUILD_COMPILE && c->diags.n_errors == 0 && aeo_compile_catalog(c) && aeo_tests_check(c) &&
        last >= AEO_BUILD_LINT) {
        aeo_lint_catalog(c);
        aeo_text_lint(c);
    }
    if (last >= AEO_BUILD_LINT) aeo_lint_apply_allows(c);
    aeo_diags_sort(&c->diags);
    return c->diags.n_errors == 0;
}

aeo_expr *aeo_catalog_parse_expr(aeo_catalog *c, aeo_arena *arena, const char *name, const char *text,
                                 size_t len) {
    uint32_t src = aeo_sources_add(&c->sources, name, text, len);
    aeo_parse_opts po = {arena ? arena : c->arena, &c->diags, &c->next_id};
    return aeo_parse_expr(&c->sources, src, &po);
}

bool aeo_catalog_parse_input(aeo_catalog *c, aeo_arena *arena, const char *name, const char *text, size_t len,
                             aeo_decl **decl, aeo_expr **expr) {
    uint32_t src = aeo_sources_add(&c->sources, name, text, len);
    aeo_parse_opts po = {arena ? arena : c->arena, &c->diags, &c->next_id};
    return aeo_parse_repl(&c->sources, src, &po, decl, expr);
}

aeo_chunk *aeo_catalog_compile_text(aeo_catalog *c, const char *name, const char *text, size_t len,
                                    const char **stage) {
    const char *dummy;
    if (!stage) stage = &dummy;
    aeo_expr *e = aeo_catalog_parse_expr(c, NULL, name, text, len);
    if (!e) {
        *stage = "syntax";
        return NULL;
    }
    if (!aeo_check_expr(c, e)) {
        *stage = "check";
        return NULL;
    }
    aeo_chunk *ch = aeo_compile_expr(c, e, name);
    if (!ch) *stage = "compile";
    return ch;
}
