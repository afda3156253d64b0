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

const char *aeo_catalog_root_word(const aeo_catalog *c) {
    return c->root_name ? c->root_name : "enterprise";
}

const char *aeo_catalog_example_field(const aeo_catalog *c, bool optional) {
    const aeo_record_type *r = c->root;
    if (!r || r->n_fields == 0) return "uscc";
    for (uint32_t i = 0; optional && i < r->n_fields; i++)
        if (r->fields[i].optional) return r->fields[i].name;
    return r->fields[0].name;
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

/* ---- what checked ------------------------------------------------------------ */

/* One use of a declaration by another. */
typedef struct dep_edge {
    aeo_decl *from, *to;
} dep_edge;

typedef struct dep_walk {
    aeo_catalog *c;
    aeo_decl *d;               /* the declaration walked */
    dep_edge *e;
    size_t n, cap;
} dep_walk;

/* The declaration [e] names, if it names one. */
static aeo_decl *referenced(const aeo_catalog *c, const aeo_expr *e) {
    const aeo_decls *v = NULL;
    switch (e->ref) {
    case AEO_REF_CONST: v = &c->consts; break;
    case AEO_REF_DEF:
    case AEO_REF_FUNC: v = &c->defs; break;
    case AEO_REF_TIER: v = &c->tiers; break;
    case AEO_REF_MEASURE: v = &c->measures; break;
    case AEO_REF_EXAMPLE: v = &c->examples; break;
    default: return NULL;
    }
    return e->ref_index < v->n ? v->items[e->ref_index] : NULL;
}

/* Records what [e] uses; a node the checker typed as an error (quietly,
 * after an error beneath or in what it names) breaks its declaration. */
static void dep_at(const aeo_expr *e, void *p) {
    dep_walk *w = p;
    if (!e) return;
    if (e->kind == AEO_EXPR_ERROR || (e->type && e->type->kind == AEO_T_ERROR)) w->d->broken = true;
    aeo_decl *r = referenced(w->c, e);
    if (r && r != w->d) {
        if (w->n == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 64;
            w->e = aeo_xrealloc(w->e, w->cap * sizeof *w->e);
        }
        w->e[w->n++] = (dep_edge){w->d, r};
    }
    aeo_expr_each_child(e, dep_at, w);
}

static int cmp_edge_to(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)((const dep_edge *)a)->to, y = (uintptr_t)((const dep_edge *)b)->to;
    return x < y ? -1 : x > y;
}

/* Marks every declaration that is broken (aeo_decl.broken): one with an
 * error reported inside it, a syntax error in it, a node typed as an
 * error, or a use of a broken one (followed breadth-first over the uses,
 * so a long chain of defs costs no deep recursion).  False when what every
 * declaration stands on is itself broken (the facts schema, a record, the
 * catalog block, a text block) or the errors were cut short (E0999): then
 * nothing past the checker can be trusted. */
static bool mark_broken(aeo_catalog *c) {
    if (c->diags.stopped || !c->root) return false;
    dep_walk w = {c, NULL, NULL, 0, 0};
    size_t total = 0;
    for (uint32_t i = 0; i < c->n_files; i++) {
        aeo_file *f = &c->files[i];
        total += f->n_decls;
        for (uint32_t k = 0; k < f->n_decls; k++) {
            aeo_decl *d = w.d = &f->decls[k];
            if (d->has_error) d->broken = true;
            dep_at(d->value, &w);
            dep_at(d->facts, &w);
            for (uint32_t j = 0; j < d->n_props; j++) {
                dep_at(d->props[j].value, &w);
                dep_at(d->props[j].cond, &w);
            }
        }
    }
    /* Each error, at the declaration that holds it (in source order). */
    for (uint32_t i = 0; i < c->diags.n; i++) {
        const aeo_diag *g = &c->diags.items[i];
        if (g->sev != AEO_SEV_ERROR) continue;
        for (uint32_t j = 0; j < c->n_files; j++) {
            aeo_file *f = &c->files[j];
            if (f->source != g->span.file) continue;
            uint32_t lo = 0, hi = f->n_decls;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (f->decls[mid].span.end <= g->span.start) lo = mid + 1;
                else hi = mid;
            }
            if (lo < f->n_decls && f->decls[lo].span.start <= g->span.start) f->decls[lo].broken = true;
        }
    }
    /* Breadth-first over the uses, from every broken declaration. */
    if (w.n) qsort(w.e, w.n, sizeof *w.e, cmp_edge_to);
    aeo_decl **queue = aeo_xmalloc((total + 1) * sizeof *queue);
    size_t head = 0, tail = 0;
    for (uint32_t i = 0; i < c->n_files; i++)
        for (uint32_t k = 0; k < c->files[i].n_decls; k++)
            if (c->files[i].decls[k].broken) queue[tail++] = &c->files[i].decls[k];
    while (head < tail) {
        aeo_decl *x = queue[head++];
        size_t lo = 0, hi = w.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if ((uintptr_t)w.e[mid].to < (uintptr_t)x) lo = mid + 1;
            else hi = mid;
        }
        for (size_t k = lo; k < w.n && w.e[k].to == x; k++)
            if (!w.e[k].from->broken) {
                w.e[k].from->broken = true;
                queue[tail++] = w.e[k].from;
            }
    }
    free(queue);
    free(w.e);
    bool ok = true;
    for (uint32_t i = 0; i < c->n_files; i++)
        for (uint32_t k = 0; k < c->files[i].n_decls; k++) {
            const aeo_decl *d = &c->files[i].decls[k];
            if (d->broken && (d->kind == AEO_DECL_CATALOG || d->kind == AEO_DECL_FACTS || d->kind == AEO_DECL_RECORD ||
                              d->kind == AEO_DECL_TEXT))
                ok = false;
        }
    return ok;
}

/* ---- the pipeline ---------------------------------------------------------- */

bool aeo_catalog_build(aeo_catalog *c, aeo_build_stage last) {
    /* Checking runs on whatever parsed (one run reports syntax errors and the
     * semantic errors of independent declarations).  The later stages run
     * on what checked, as a compiler lints the functions that type-checked:
     * with errors, every declaration they touch (and each one that uses
     * it) is marked broken, the compiler gives those a stub, and the tests'
     * facts check (E0208) and the lints pass over them, so one run reports
     * every independent problem.  That program is freed afterwards: a
     * catalog with errors has none.  Only when the schema, a record, the
     * catalog or a text block is broken do the later stages not run. */
    aeo_check_catalog(c);
    aeo_text_check(c);
    bool partial = c->diags.n_errors > 0;
    if (last >= AEO_BUILD_COMPILE && (!partial || mark_broken(c))) {
        if (aeo_compile_catalog(c)) {
            aeo_tests_check(c);
            if (last >= AEO_BUILD_LINT) {
                aeo_lint_catalog(c);
                aeo_text_lint(c);
            }
        }
        if (partial) {
            aeo_program_free(c->program);
            c->program = NULL;
        }
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
