/* `aeo lsp`: what each request means for aeo (the protocol is lsp.c's).
 *
 * Every feature reads one catalog: the document's folder, every .aeo in it
 * (not below it: a folder is one catalog, as `aeo check DIR` reads the
 * files a user keeps together), each open document's text in place of its
 * file, built with aeo_catalog_build up to the lints, exactly as `aeo
 * check` builds it, so the editor shows the same diagnostics with the same
 * codes.  The checker annotates whatever parsed, so hover, definition and
 * references work in a file that has errors elsewhere.
 *
 * Completion works from the text before the cursor, not the AST, because
 * the line being typed does not parse: "a.b." walks the facts schema from
 * the root name; a string after `path ==`, `path !=` or in the list of
 * `path in [...]` offers the enum values of that field; nothing inside a
 * comment; otherwise the names of the catalog (measures, defs,
 * tiers, consts, functions), the builtins and macros, and the property
 * names of the enclosing block (from the checker's own tables).
 *
 * Code actions come from the diagnostics: a diagnostic's fix-it (aeo_diag
 * fix) is applied as given; else a message ending "did you mean
 * 'X'?" (or "\"X\"") replaces the name it complains about with X; a warning
 * gets `// aeo:allow CODE` inserted above its declaration. */
#include "lang/cli/lsp.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/check.h"
#include "lang/fmt.h"
#include "runtime/builtins.h"

/* ---- the catalog ---------------------------------------------------------------- */

static bool is_aeo(const char *name) {
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".aeo") == 0 && name[0] != '.';
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

aeo_catalog *aeo_lsp_catalog(aeo_lsp *s, const aeo_lsp_doc *d) {
    const char *key = d->dir ? d->dir : d->uri;
    if (s->cache && !s->stale && strcmp(s->cache_key, key) == 0) return s->cache;
    if (s->cache) aeo_catalog_free(s->cache);
    free(s->cache_key);
    s->cache_key = aeo_xstrdup(key);
    s->stale = false;
    aeo_catalog *c = s->cache = aeo_catalog_new();
    c->diags.max_errors = 50;
    if (!d->dir) {
        aeo_catalog_add_text(c, d->uri, d->text, d->len);
    } else {
        char **names = NULL;
        uint32_t n = 0;
        DIR *dir = opendir(d->dir);
        struct dirent *ent;
        while (dir && (ent = readdir(dir))) {
            if (!is_aeo(ent->d_name)) continue;
            names = aeo_xrealloc(names, (n + 1) * sizeof *names);
            size_t len = strlen(d->dir) + 1 + strlen(ent->d_name) + 1;
            names[n] = aeo_xmalloc(len);
            snprintf(names[n++], len, "%s%s%s", d->dir, strcmp(d->dir, "/") == 0 ? "" : "/", ent->d_name);
        }
        if (dir) closedir(dir);
        /* An open document not yet saved in the folder is part of it too. */
        for (uint32_t i = 0; i < s->n_docs; i++) {
            const aeo_lsp_doc *o = &s->docs[i];
            if (!o->dir || strcmp(o->dir, d->dir) != 0) continue;
            bool listed = false;
            for (uint32_t k = 0; k < n && !listed; k++) listed = strcmp(names[k], o->path) == 0;
            if (listed) continue;
            names = aeo_xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = aeo_xstrdup(o->path);
        }
        if (n) qsort(names, n, sizeof *names, cmp_str);
        for (uint32_t k = 0; k < n; k++) {
            const aeo_lsp_doc *open = NULL;
            for (uint32_t i = 0; i < s->n_docs && !open; i++)
                if (s->docs[i].path && strcmp(s->docs[i].path, names[k]) == 0) open = &s->docs[i];
            const char *err;
            if (open) aeo_catalog_add_text(c, names[k], open->text, open->len);
            else aeo_catalog_add_path(c, names[k], &err);   /* unreadable: not part of it */
            free(names[k]);
        }
        free(names);
    }
    aeo_catalog_build(c, AEO_BUILD_LINT);
    return c;
}

/* The source index of document [d] in [c], or UINT32_MAX. */
static uint32_t doc_source(const aeo_catalog *c, const aeo_lsp_doc *d) {
    const char *name = d->path ? d->path : d->uri;
    for (uint32_t i = 0; i < c->sources.n; i++)
        if (strcmp(c->sources.files[i].name, name) == 0) return i;
    return UINT32_MAX;
}

/* The parsed file of source [src], or NULL. */
static const aeo_file *source_file(const aeo_catalog *c, uint32_t src) {
    for (uint32_t i = 0; i < c->n_files; i++)
        if (c->files[i].source == src) return &c->files[i];
    return NULL;
}

/* The URI of source [src]: an open document's own, else its file's. */
static char *source_uri(const aeo_lsp *s, const aeo_catalog *c, uint32_t src) {
    const char *name = c->sources.files[src].name;
    for (uint32_t i = 0; i < s->n_docs; i++)
        if ((s->docs[i].path && strcmp(s->docs[i].path, name) == 0) || strcmp(s->docs[i].uri, name) == 0)
            return aeo_xstrdup(s->docs[i].uri);
    return name[0] == '/' ? aeo_lsp_uri(name) : aeo_xstrdup(name);
}

static cJSON *span_range(const aeo_catalog *c, aeo_span sp) {
    const aeo_source *f = &c->sources.files[sp.file];
    return aeo_lsp_range(f->text, f->len, sp.start, sp.end);
}

static cJSON *location(const aeo_lsp *s, const aeo_catalog *c, aeo_span sp) {
    cJSON *l = cJSON_CreateObject();
    char *uri = source_uri(s, c, sp.file);
    cJSON_AddStringToObject(l, "uri", uri);
    free(uri);
    cJSON_AddItemToObject(l, "range", span_range(c, sp));
    return l;
}

/* The diagnostic [g] as LSP publishes it (severity: 1 Error, 2 Warning, 3
 * Information); also a code action's "diagnostics". */
static cJSON *diag_json(const aeo_catalog *c, const aeo_diag *g) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "range", span_range(c, g->span));
    cJSON_AddNumberToObject(j, "severity", g->sev == AEO_SEV_ERROR ? 1 : g->sev == AEO_SEV_WARNING ? 2 : 3);
    cJSON_AddStringToObject(j, "code", aeo_diag_code_str(g->code));
    cJSON_AddStringToObject(j, "source", "aeo");
    cJSON_AddStringToObject(j, "message", g->msg);
    return j;
}


/* The byte offset in [d] of LSP Position [p] (0:0 when it is malformed). */
static size_t position_offset(const aeo_lsp_doc *d, const cJSON *p) {
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(p, "line");
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(p, "character");
    double line = cJSON_IsNumber(l) ? l->valuedouble : 0, col = cJSON_IsNumber(ch) ? ch->valuedouble : 0;
    if (!(line >= 0)) line = 0;
    if (!(col >= 0)) col = 0;
    return aeo_lsp_offset(d->text, d->len, line > 4e9 ? UINT32_MAX : (uint32_t)line, col > 4e9 ? UINT32_MAX : (uint32_t)col);
}

/* The cursor of a request: params.position. */
static size_t request_offset(const aeo_lsp_doc *d, const cJSON *params) {
    return position_offset(d, cJSON_GetObjectItemCaseSensitive(params, "position"));
}

/* ---- diagnostics ------------------------------------------------------------------- */

cJSON *aeo_lsp_diagnostics(aeo_lsp *s, const aeo_lsp_doc *d) {
    aeo_catalog *c = aeo_lsp_catalog(s, d);
    cJSON *all = cJSON_CreateArray();
    for (uint32_t src = 0; src < c->sources.n; src++) {
        cJSON *p = cJSON_CreateObject();
        char *uri = source_uri(s, c, src);
        cJSON_AddStringToObject(p, "uri", uri);
        free(uri);
        cJSON *list = cJSON_AddArrayToObject(p, "diagnostics");
        for (uint32_t i = 0; i < c->diags.n; i++) {
            const aeo_diag *g = &c->diags.items[i];
            if (g->span.file != src) continue;
            cJSON *j = diag_json(c, g);
            cJSON *rel = NULL;
            for (const aeo_note *n = g->notes; n; n = n->next) {
                if (!rel) rel = cJSON_AddArrayToObject(j, "relatedInformation");
                cJSON *r = cJSON_CreateObject();
                cJSON_AddItemToObject(r, "location", location(s, c, n->has_span ? n->span : g->span));
                cJSON_AddStringToObject(r, "message", n->msg);
                cJSON_AddItemToArray(rel, r);
            }
            cJSON_AddItemToArray(list, j);
        }
        cJSON_AddItemToArray(all, p);
    }
    return all;
}

/* ---- the AST at a position ------------------------------------------------------------ */

/* What a name stands for: a declaration, or a field of a record type
 * (by the record's name: "enterprise" for the facts root). */
typedef struct target {
    const aeo_decl *decl;
    const char *rec, *field;
} target;

static bool same_target(target a, target b) {
    if (a.decl || b.decl) return a.decl == b.decl;
    return a.rec && b.rec && strcmp(a.rec, b.rec) == 0 && strcmp(a.field, b.field) == 0;
}

static bool in_span(aeo_span sp, size_t off) {
    return off >= sp.start && off <= sp.end;
}

/* What expression [e] refers to, and the span naming it (*[at]). */
static target expr_target(const aeo_catalog *c, const aeo_expr *e, aeo_span *at) {
    target t = {0};
    *at = e->span;
    const aeo_decls *tab = NULL;
    switch (e->ref) {
    case AEO_REF_CONST: tab = &c->consts; break;
    case AEO_REF_DEF: case AEO_REF_FUNC: tab = &c->defs; break;
    case AEO_REF_TIER: tab = &c->tiers; break;
    case AEO_REF_MEASURE: tab = &c->measures; break;
    case AEO_REF_EXAMPLE: tab = &c->examples; break;
    case AEO_REF_FIELD:
        if (e->kind == AEO_EXPR_SELECT && e->u.select.operand->type && e->u.select.operand->type->kind == AEO_T_RECORD) {
            t.rec = e->u.select.operand->type->rec->name;
            t.field = e->u.select.field;
            *at = e->u.select.field_span;
        }
        return t;
    default: return t;
    }
    if (e->kind == AEO_EXPR_CALL) *at = e->u.call.name_span;
    if (e->ref_index < tab->n) t.decl = tab->items[e->ref_index];
    return t;
}

/* Calls [fn] on every expression of declaration [d], depth first. */
typedef void (*expr_fn)(const aeo_expr *e, void *ud);
typedef struct walk_ctx {
    expr_fn fn;
    void *ud;
} walk_ctx;

static void walk_child(const aeo_expr *e, void *ud) {
    const walk_ctx *w = ud;
    w->fn(e, w->ud);
    aeo_expr_each_child(e, walk_child, ud);
}

static void walk_decl(const aeo_decl *d, expr_fn fn, void *ud) {
    walk_ctx w = {fn, ud};
    if (d->value) walk_child(d->value, &w);
    for (uint32_t i = 0; i < d->n_props; i++) {
        if (d->props[i].cond) walk_child(d->props[i].cond, &w);
        if (d->props[i].value) walk_child(d->props[i].value, &w);
    }
    for (uint32_t i = 0; i < d->n_fields; i++)
        if (d->fields[i].default_value) walk_child(d->fields[i].default_value, &w);
}

/* The innermost expression holding [off]. */
typedef struct find_ctx {
    size_t off;
    const aeo_expr *best;
} find_ctx;

static void find_expr(const aeo_expr *e, void *ud) {
    find_ctx *f = ud;
    if (e->kind == AEO_EXPR_ERROR || !in_span(e->span, f->off)) return;
    if (!f->best || (e->span.end - e->span.start) <= (f->best->span.end - f->best->span.start)) f->best = e;
}

/* What is at [off] in source [src]: the innermost expression (*[expr]), the
 * declaration around it (*[decl]), and the target a name there stands for
 * (a reference, or a declaration's or field's own name), with its span. */
static target target_at(const aeo_catalog *c, uint32_t src, size_t off, const aeo_decl **decl, const aeo_expr **expr,
                        aeo_span *at) {
    target t = {0};
    *decl = NULL;
    *expr = NULL;
    const aeo_file *f = source_file(c, src);
    for (uint32_t i = 0; f && i < f->n_decls; i++) {
        const aeo_decl *d = &f->decls[i];
        if (d->kind == AEO_DECL_ERROR || !in_span(d->span, off)) continue;
        *decl = d;
        if (d->name && in_span(d->name_span, off) && d->kind != AEO_DECL_FACTS && d->kind != AEO_DECL_RECORD &&
            d->kind != AEO_DECL_CATALOG) {
            t.decl = d;
            *at = d->name_span;
            return t;
        }
        for (uint32_t k = 0; k < d->n_fields; k++) {
            if (!in_span(d->fields[k].name_span, off)) continue;
            t.rec = d->kind == AEO_DECL_FACTS && c->root ? c->root->name : d->name;
            t.field = d->fields[k].name;
            *at = d->fields[k].name_span;
            return t;
        }
        find_ctx fc = {off, NULL};
        walk_decl(d, find_expr, &fc);
        *expr = fc.best;
        if (fc.best) {
            t = expr_target(c, fc.best, at);
            /* On a select's operand side, the select is not what is pointed at. */
            if (t.field && !in_span(*at, off)) t = (target){0};
        }
        return t;
    }
    return t;
}

/* Where target [t] is declared: a declaration's name, a field's. */
static bool target_decl_span(const aeo_catalog *c, target t, aeo_span *out) {
    if (t.decl) {
        *out = t.decl->name_span;
        return true;
    }
    if (!t.rec) return false;
    for (uint32_t i = 0; i < c->n_files; i++) {
        const aeo_file *f = &c->files[i];
        for (uint32_t k = 0; k < f->n_decls; k++) {
            const aeo_decl *d = &f->decls[k];
            bool named = d->kind == AEO_DECL_RECORD ? strcmp(d->name, t.rec) == 0
                         : d->kind == AEO_DECL_FACTS ? c->root && strcmp(c->root->name, t.rec) == 0
                                                     : false;
            if (!named) continue;
            for (uint32_t j = 0; j < d->n_fields; j++)
                if (strcmp(d->fields[j].name, t.field) == 0) {
                    *out = d->fields[j].name_span;
                    return true;
                }
        }
    }
    return false;
}

/* ---- definition and references ---------------------------------------------------- */

cJSON *aeo_lsp_definition(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params) {
    aeo_catalog *c = aeo_lsp_catalog(s, d);
    uint32_t src = doc_source(c, d);
    if (src == UINT32_MAX) return cJSON_CreateNull();
    const aeo_decl *decl;
    const aeo_expr *e;
    aeo_span at, def;
    target t = target_at(c, src, request_offset(d, params), &decl, &e, &at);
    if (!target_decl_span(c, t, &def)) return cJSON_CreateNull();
    return location(s, c, def);
}

typedef struct refs_ctx {
    const aeo_lsp *s;
    const aeo_catalog *c;
    target t;
    cJSON *out;
} refs_ctx;

static void collect_ref(const aeo_expr *e, void *ud) {
    refs_ctx *r = ud;
    aeo_span at;
    target t = expr_target(r->c, e, &at);
    if ((t.decl || t.rec) && same_target(t, r->t)) cJSON_AddItemToArray(r->out, location(r->s, r->c, at));
}

cJSON *aeo_lsp_references(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params) {
    aeo_catalog *c = aeo_lsp_catalog(s, d);
    uint32_t src = doc_source(c, d);
    const aeo_decl *decl;
    const aeo_expr *e;
    aeo_span at, def;
    target t = src == UINT32_MAX ? (target){0} : target_at(c, src, request_offset(d, params), &decl, &e, &at);
    if (!t.decl && !t.rec) return cJSON_CreateNull();
    refs_ctx r = {s, c, t, cJSON_CreateArray()};
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(params, "context");
    const cJSON *inc = cJSON_GetObjectItemCaseSensitive(ctx, "includeDeclaration");
    if ((!inc || cJSON_IsTrue(inc)) && target_decl_span(c, t, &def)) cJSON_AddItemToArray(r.out, location(s, c, def));
    for (uint32_t i = 0; i < c->n_files; i++)
        for (uint32_t k = 0; k < c->files[i].n_decls; k++) walk_decl(&c->files[i].decls[k], collect_ref, &r);
    return r.out;
}

/* ---- hover ---------------------------------------------------------------------------- */

static void measure_hover(aeo_buf *b, const aeo_decl *d) {
    aeo_buf_printf(b, "**measure %s**", d->name);
    if (d->title) aeo_buf_printf(b, " \"%s\"", d->title);
    const aeo_measure *m = d->measure;
    if (!m) return;
    if (m->n_tiers) {
        aeo_buf_puts(b, "\n\ntiers: ");
        for (uint32_t i = 0; i < m->n_tiers; i++)
            if (m->tiers[i]->kind == AEO_EXPR_IDENT) aeo_buf_printf(b, "%s%s", i ? ", " : "", m->tiers[i]->u.ident.name);
    }
    if (m->value_type) {
        char tb[128];
        aeo_buf_printf(b, "\n\nvalue: %s", aeo_type_format(m->value_type, tb, sizeof tb));
        if (m->unit) aeo_buf_printf(b, " (%s)", m->unit);
    }
    if (m->benefit) aeo_buf_printf(b, "\n\nbenefit: %s", m->benefit);
    if (m->cite) aeo_buf_printf(b, "\n\ncite: %s", m->cite);
}

static const char *decl_word(aeo_decl_kind k) {
    switch (k) {
    case AEO_DECL_CONST: return "const";
    case AEO_DECL_DEF: return "def";
    case AEO_DECL_TIER: return "tier";
    case AEO_DECL_EXAMPLE: return "example";
    case AEO_DECL_TEST: return "test";
    default: return "";
    }
}

cJSON *aeo_lsp_hover(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params) {
    aeo_catalog *c = aeo_lsp_catalog(s, d);
    uint32_t src = doc_source(c, d);
    if (src == UINT32_MAX) return cJSON_CreateNull();
    const aeo_decl *decl;
    const aeo_expr *e;
    aeo_span at;
    target t = target_at(c, src, request_offset(d, params), &decl, &e, &at);
    aeo_buf b = {0};
    char tb[256];
    if (t.decl && t.decl->kind == AEO_DECL_MEASURE) {
        measure_hover(&b, t.decl);
    } else if (t.decl) {
        aeo_buf_printf(&b, "**%s %s**", decl_word(t.decl->kind), t.decl->name);
        if (t.decl->kind == AEO_DECL_DEF && t.decl->n_params) {
            aeo_buf_puts(&b, "(");
            for (uint32_t i = 0; i < t.decl->n_params; i++)
                aeo_buf_printf(&b, "%s%s: %s", i ? ", " : "", t.decl->params[i].name,
                               t.decl->params[i].rtype ? aeo_type_format(t.decl->params[i].rtype, tb, sizeof tb) : "?");
            aeo_buf_puts(&b, ")");
        }
        if (t.decl->type) aeo_buf_printf(&b, ": %s", aeo_type_format(t.decl->type, tb, sizeof tb));
    } else if (t.rec) {
        const aeo_record_type *rt = NULL;
        if (c->root && strcmp(c->root->name, t.rec) == 0) rt = c->root;
        const aeo_field *fl = NULL;
        if (e && e->kind == AEO_EXPR_SELECT && e->u.select.operand->type && e->u.select.operand->type->rec)
            rt = e->u.select.operand->type->rec;
        if (rt) fl = aeo_record_type_field(rt, t.field);
        aeo_buf_printf(&b, "field %s.%s", t.rec, t.field);
        if (fl) aeo_buf_printf(&b, "%s: %s", fl->optional ? "?" : "", aeo_type_format(fl->type, tb, sizeof tb));
        else if (e && e->type) aeo_buf_printf(&b, ": %s", aeo_type_format(e->type, tb, sizeof tb));
    } else if (e && e->type && e->type->kind != AEO_T_ERROR) {
        size_t n;
        char *text = aeo_expr_text(e, &n);
        aeo_buf_printf(&b, "`%.*s`: %s", n > 80 ? 80 : (int)n, text, aeo_type_format(e->type, tb, sizeof tb));
        free(text);
        at = e->span;
    } else {
        return cJSON_CreateNull();
    }
    cJSON *h = cJSON_CreateObject();
    cJSON *contents = cJSON_AddObjectToObject(h, "contents");
    cJSON_AddStringToObject(contents, "kind", "markdown");
    cJSON_AddStringToObject(contents, "value", b.data ? b.data : "");
    cJSON_AddItemToObject(h, "range", span_range(c, at));
    aeo_buf_free(&b);
    return h;
}

/* ---- document symbols ---------------------------------------------------------------- */

/* LSP SymbolKind of a declaration. */
static int symbol_kind(aeo_decl_kind k, bool function) {
    switch (k) {
    case AEO_DECL_CATALOG: return 3;            /* Namespace */
    case AEO_DECL_FACTS: case AEO_DECL_RECORD: return 23;   /* Struct */
    case AEO_DECL_CONST: return 14;             /* Constant */
    case AEO_DECL_DEF: return function ? 12 : 13;   /* Function, Variable */
    case AEO_DECL_TIER: return 10;              /* Enum */
    case AEO_DECL_MEASURE: return 24;           /* Event */
    case AEO_DECL_TEST: return 6;               /* Method */
    default: return 19;                         /* Object: example */
    }
}

cJSON *aeo_lsp_symbols(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params) {
    (void)params;
    aeo_catalog *c = aeo_lsp_catalog(s, d);
    uint32_t src = doc_source(c, d);
    const aeo_file *f = src == UINT32_MAX ? NULL : source_file(c, src);
    cJSON *out = cJSON_CreateArray();
    char tb[256];
    for (uint32_t i = 0; f && i < f->n_decls; i++) {
        const aeo_decl *dl = &f->decls[i];
        if (dl->kind == AEO_DECL_ERROR || !dl->name) continue;
        cJSON *sym = cJSON_CreateObject();
        cJSON_AddStringToObject(sym, "name", dl->name);
        if (dl->title) cJSON_AddStringToObject(sym, "detail", dl->title);
        else if (dl->kind == AEO_DECL_FACTS || dl->kind == AEO_DECL_RECORD) (void)0;   /* its name is its type */
        else if (dl->type && dl->type->kind != AEO_T_ERROR) cJSON_AddStringToObject(sym, "detail", aeo_type_format(dl->type, tb, sizeof tb));
        cJSON_AddNumberToObject(sym, "kind", symbol_kind(dl->kind, dl->n_params > 0));
        cJSON_AddItemToObject(sym, "range", span_range(c, dl->span));
        cJSON_AddItemToObject(sym, "selectionRange", span_range(c, dl->name_span));
        if (dl->n_fields) {
            cJSON *kids = cJSON_AddArrayToObject(sym, "children");
            for (uint32_t k = 0; k < dl->n_fields; k++) {
                cJSON *fs = cJSON_CreateObject();
                cJSON_AddStringToObject(fs, "name", dl->fields[k].name);
                cJSON_AddNumberToObject(fs, "kind", 8);   /* Field */
                cJSON_AddItemToObject(fs, "range", span_range(c, dl->fields[k].span));
                cJSON_AddItemToObject(fs, "selectionRange", span_range(c, dl->fields[k].name_span));
                cJSON_AddItemToArray(kids, fs);
            }
        }
        cJSON_AddItemToArray(out, sym);
    }
    return out;
}

/* ---- formatting ------------------------------------------------------------------------- */

cJSON *aeo_lsp_formatting(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params) {
    (void)s, (void)params;
    /* Only the document: formatting needs its parse, not its catalog. */
    aeo_catalog *c = aeo_catalog_new();
    aeo_catalog_add_text(c, d->path ? d->path : d->uri, d->text, d->len);
    cJSON *edits = cJSON_CreateArray();
    if (c->diags.n_errors == 0 && c->n_files == 1) {
        aeo_buf out = {0};
        aeo_fmt_file(&c->sources, &c->files[0], &out);
        if (out.len != d->len || memcmp(out.data ? out.data : "", d->text, d->len) != 0) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToObject(e, "range", aeo_lsp_range(d->text, d->len, 0, d->len));
            cJSON_AddStringToObject(e, "newText", out.data ? out.data : "");
            cJSON_AddItemToArray(edits, e);
        }
        aeo_buf_free(&out);
    }
    aeo_catalog_free(c);
    return edits;
}

/* ---- code actions ------------------------------------------------------------------------ */

/* The suggestion of a "did you mean" message, without its quotes, into
 * [out]; *[quoted] when it is a string ("X"), not a name ('X').  The name
 * complained about (the message's first quoted word) into [bad]. */
static bool did_you_mean(const char *msg, char *out, size_t size, char *bad, size_t bad_size, bool *quoted) {
    const char *p = strstr(msg, "did you mean ");
    if (!p) return false;
    p += 13;
    char q = *p;
    if (q != '\'' && q != '"') return false;
    const char *end = strchr(p + 1, q);
    if (!end || (size_t)(end - p - 1) >= size) return false;
    memcpy(out, p + 1, (size_t)(end - p - 1));
    out[end - p - 1] = '\0';
    *quoted = q == '"';
    bad[0] = '\0';
    const char *b = strpbrk(msg, "'\"");
    if (b && b < p) {
        const char *be = strchr(b + 1, *b);
        if (be && (size_t)(be - b - 1) < bad_size) {
            memcpy(bad, b + 1, (size_t)(be - b - 1));
            bad[be - b - 1] = '\0';
        }
    }
    return true;
}

static cJSON *edit_action(const char *title, const char *uri, cJSON *range, const char *text, const cJSON *diag) {
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "title", title);
    cJSON_AddStringToObject(a, "kind", "quickfix");
    if (diag) cJSON_AddItemToArray(cJSON_AddArrayToObject(a, "diagnostics"), cJSON_Duplicate(diag, true));
    cJSON *changes = cJSON_AddObjectToObject(cJSON_AddObjectToObject(a, "edit"), "changes");
    cJSON *edits = cJSON_AddArrayToObject(changes, uri);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "range", range);
    cJSON_AddStringToObject(e, "newText", text);
    cJSON_AddItemToArray(edits, e);
    return a;
}

cJSON *aeo_lsp_code_actions(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params) {
    aeo_catalog *c = aeo_lsp_catalog(s, d);
    uint32_t src = doc_source(c, d);
    cJSON *out = cJSON_CreateArray();
    if (src == UINT32_MAX) return out;
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(params, "range");
    size_t at[2] = {0, d->len};
    const char *names[2] = {"start", "end"};
    for (int k = 0; k < 2 && range; k++) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(range, names[k]);
        if (p) at[k] = position_offset(d, p);
    }
    const aeo_source *sf = &c->sources.files[src];
    const aeo_file *f = source_file(c, src);
    for (uint32_t i = 0; i < c->diags.n; i++) {
        const aeo_diag *g = &c->diags.items[i];
        if (g->span.file != src || g->span.end < at[0] || g->span.start > at[1]) continue;
        char sug[256], bad[256];
        bool quoted;
        cJSON *dj = diag_json(c, g);
        if (g->fix && g->fix_span.file == src) {
            /* The diagnostic's own fix-it: its replacement as given. */
            char title[300];
            snprintf(title, sizeof title, "Change to '%.200s'", g->fix);
            cJSON_AddItemToArray(out, edit_action(title, d->uri,
                                                  aeo_lsp_range(sf->text, sf->len, g->fix_span.start, g->fix_span.end),
                                                  g->fix, dj));
        } else if (did_you_mean(g->msg, sug, sizeof sug, bad, sizeof bad, &quoted)) {
            /* Replace the name complained about where the span holds it
             * (its last occurrence: "x.credt" names the field), else the span. */
            size_t start = g->span.start, end = g->span.end, n = strlen(bad);
            const char *text = sf->text;
            for (size_t k = end; n && k >= start + n; k--)
                if (memcmp(text + k - n, bad, n) == 0) {
                    start = k - n;
                    end = k;
                    break;
                }
            char repl[300], title[340];
            bool span_quoted = start > 0 && quoted && (text[start - 1] == '"' || text[start - 1] == '\'') &&
                               end < sf->len && text[end] == text[start - 1];
            if (quoted && !span_quoted && (text[start] == '"' || text[start] == '\''))
                snprintf(repl, sizeof repl, "%c%s%c", text[start], sug, text[start]);
            else snprintf(repl, sizeof repl, "%s", sug);
            snprintf(title, sizeof title, quoted ? "Change to \"%s\"" : "Change to '%s'", sug);
            cJSON_AddItemToArray(out, edit_action(title, d->uri, aeo_lsp_range(sf->text, sf->len, start, end), repl, dj));
        }
        if (g->sev == AEO_SEV_WARNING && f) {
            const aeo_decl *decl = NULL;
            for (uint32_t k = 0; k < f->n_decls && !decl; k++)
                if (in_span(f->decls[k].span, g->span.start)) decl = &f->decls[k];
            if (decl) {
                /* At the start of the declaration's line, above its own comments' end. */
                size_t line = decl->span.start;
                while (line > 0 && sf->text[line - 1] != '\n') line--;
                char text[64], title[80];
                snprintf(text, sizeof text, "// aeo:allow %s\n", aeo_diag_code_str(g->code));
                snprintf(title, sizeof title, "Allow %s on '%s'", aeo_diag_code_str(g->code), decl->name ? decl->name : "");
                cJSON_AddItemToArray(out, edit_action(title, d->uri, aeo_lsp_range(sf->text, sf->len, line, line), text, dj));
            }
        }
        cJSON_Delete(dj);
    }
    return out;
}

/* ---- completion ---------------------------------------------------------------------------- */

static bool ident_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static void add_item(cJSON *items, const char *label, int kind, const char *detail) {
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(it, "label");
        if (strcmp(l->valuestring, label) == 0) return;
    }
    cJSON *i = cJSON_CreateObject();
    cJSON_AddStringToObject(i, "label", label);
    cJSON_AddNumberToObject(i, "kind", kind);
    if (detail) cJSON_AddStringToObject(i, "detail", detail);
    cJSON_AddItemToArray(items, i);
}

/* The type of the path of names ending at text[end) ("a.b.c"), walked from
 * the facts root; NULL when it is not a fact path. */
static const aeo_type *path_type(const aeo_catalog *c, const char *text, size_t end, size_t *start_out) {
    size_t start = end;
    while (start > 0 && (ident_char(text[start - 1]) || text[start - 1] == '.')) start--;
    *start_out = start;
    if (!c->root || !c->root_name || start == end) return NULL;
    static const aeo_type root_placeholder = {AEO_T_RECORD, NULL, NULL, NULL, NULL, 0, NULL};
    const aeo_type *t = &root_placeholder;
    const aeo_record_type *rec = c->root;
    size_t i = start;
    bool first = true;
    while (i < end) {
        size_t j = i;
        while (j < end && text[j] != '.') j++;
        if (first) {
            if (j - i != strlen(c->root_name) || memcmp(text + i, c->root_name, j - i) != 0) return NULL;
            first = false;
        } else {
            if (!rec) return NULL;
            const aeo_field *f = aeo_record_type_find(rec, text + i, j - i);
            if (!f) return NULL;
            t = f->type;
            rec = t->kind == AEO_T_RECORD ? t->rec : NULL;
        }
        i = j + 1;
    }
    return t == &root_placeholder ? NULL : t;
}

cJSON *aeo_lsp_completion(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params) {
    aeo_catalog *c = aeo_lsp_catalog(s, d);
    size_t off = request_offset(d, params);
    const char *text = d->text;
    cJSON *items = cJSON_CreateArray();
    char tb[256];
    size_t word = off;
    while (word > 0 && ident_char(text[word - 1])) word--;
    size_t line = off;
    while (line > 0 && text[line - 1] != '\n') line--;

    /* Inside a string on this line?  (An odd number of unescaped quotes before the cursor.) */
    size_t quote = SIZE_MAX;
    for (size_t i = line; i < off; i++) {
        if (text[i] == '\\' && quote != SIZE_MAX) i++;
        else if (text[i] == '"') quote = quote == SIZE_MAX ? i : SIZE_MAX;
        else if (text[i] == '/' && i + 1 < off && text[i + 1] == '/' && quote == SIZE_MAX) return items;   /* a comment */
    }
    if (quote != SIZE_MAX) {
        /* PATH == "|", PATH != "|", or PATH in ["a", "|": the enum of PATH. */
        size_t k = quote;
        while (k > line && text[k - 1] == ' ') k--;
        bool list = false;
        while (k > line && (text[k - 1] == ',' || text[k - 1] == '"')) {
            if (text[k - 1] == '"') {   /* an earlier item of the list */
                k--;
                while (k > line && text[k - 1] != '"') k--;
                if (k == line) return items;
                k--;
            } else {
                k--;
            }
            while (k > line && text[k - 1] == ' ') k--;
        }
        if (k > line && text[k - 1] == '[') {
            list = true;
            k--;
            while (k > line && text[k - 1] == ' ') k--;
        }
        bool in_op = list && k >= line + 3 && memcmp(text + k - 2, "in", 2) == 0 && text[k - 3] == ' ';
        bool eq_op = !list && k >= line + 2 && text[k - 1] == '=' && (text[k - 2] == '=' || text[k - 2] == '!');
        if (in_op || eq_op) {
            k -= 2;
            while (k > line && text[k - 1] == ' ') k--;
            size_t st;
            const aeo_type *t = path_type(c, text, k, &st);
            if (t && t->kind == AEO_T_ENUM)
                for (uint32_t i = 0; i < t->n_enum; i++) add_item(items, t->enum_values[i], 20, "enum value");
        }
        return items;
    }
    if (word > 0 && text[word - 1] == '.') {
        size_t st;
        const aeo_type *t = path_type(c, text, word - 1, &st);
        const aeo_record_type *rec = NULL;
        if (!t && word - 1 > st && c->root_name && word - 1 - st == strlen(c->root_name) &&
            memcmp(text + st, c->root_name, word - 1 - st) == 0)
            rec = c->root;
        else if (t && t->kind == AEO_T_RECORD) rec = t->rec;
        for (uint32_t i = 0; rec && i < rec->n_fields; i++)
            add_item(items, rec->fields[i].name, 5, aeo_type_format(rec->fields[i].type, tb, sizeof tb));
        return items;
    }
    /* A property name at the start of a line in a block: the block is the
     * nearest declaration keyword at column 0 above. */
    bool line_start = true;
    for (size_t i = line; i < word; i++) line_start &= text[i] == ' ' || text[i] == '\t';
    if (line_start && line > 0) {
        aeo_decl_kind kind = AEO_DECL_ERROR;
        for (size_t l = line; l > 0 && kind == AEO_DECL_ERROR;) {
            size_t p = l - 1;
            while (p > 0 && text[p - 1] != '\n') p--;
            if (strncmp(text + p, "measure ", 8) == 0) kind = AEO_DECL_MEASURE;
            else if (strncmp(text + p, "catalog ", 8) == 0) kind = AEO_DECL_CATALOG;
            else if (strncmp(text + p, "test ", 5) == 0) kind = AEO_DECL_TEST;
            else if (text[p] == '}' || (p < l - 1 && ident_char(text[p]))) break;
            l = p;
        }
        const char *n;
        for (uint32_t i = 0; (n = aeo_check_prop_name(kind, i)); i++) add_item(items, n, 10, "property");
    }
    if (c->root_name) add_item(items, c->root_name, 6, "facts");
    for (uint32_t i = 0; i < c->measures.n; i++) add_item(items, c->measures.items[i]->name, 23, c->measures.items[i]->title);
    for (uint32_t i = 0; i < c->tiers.n; i++) add_item(items, c->tiers.items[i]->name, 20, "tier");
    for (uint32_t i = 0; i < c->defs.n; i++) {
        const aeo_decl *df = c->defs.items[i];
        add_item(items, df->name, df->n_params ? 3 : 6, df->type && df->type->kind != AEO_T_ERROR ? aeo_type_format(df->type, tb, sizeof tb) : NULL);
    }
    for (uint32_t i = 0; i < c->consts.n; i++)
        add_item(items, c->consts.items[i]->name, 21,
                 c->consts.items[i]->type && c->consts.items[i]->type->kind != AEO_T_ERROR ? aeo_type_format(c->consts.items[i]->type, tb, sizeof tb) : NULL);
    for (uint32_t i = 0; i < c->examples.n; i++) add_item(items, c->examples.items[i]->name, 19, "example");
    for (int i = 0; i < AEO_MACRO__COUNT; i++) add_item(items, aeo_macro_table[i].name, 3, "macro");
    for (int i = 0; i < AEO_MACRO__COUNT; i++)
        if (aeo_macro_table[i].alias[0]) add_item(items, aeo_macro_table[i].alias, 3, "macro");
    for (uint32_t i = 0; i < aeo_builtin_count; i++) add_item(items, aeo_builtins[i].name, 3, "builtin");
    return items;
}
