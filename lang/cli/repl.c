/* The REPL; see repl.h.
 *
 * Design:
 *   - The session's catalog is rebuilt from text, never patched: the rule
 *     files plus every declaration typed in the session, each typed
 *     declaration its own source named "<repl>" (so a diagnostic points at
 *     the line as typed).  A new declaration is accepted only if the whole
 *     rebuilt catalog checks and compiles; otherwise its diagnostics are
 *     printed and the previous catalog stays.  Typing a declaration whose
 *     name an earlier typed one has replaces that one.  Catalogs are small,
 *     so a rebuild per declaration costs nothing a person notices.
 *   - The facts are a JSON tree (cJSON), kept as loaded ([base]) and with
 *     the what-if edits applied ([cur]).  Each evaluation decodes [cur]
 *     against the schema afresh, into the VM's per-record arena, so an edit
 *     or a :reload is checked by the same decoder as `aeo eval`.  One
 *     difference: a required fact that is missing is bound as unknown
 *     rather than rejected, so that a partial record, or :unset on a
 *     required field, can be explored (the decoder sees a placeholder, and
 *     the slot is then made absent).
 *   - Expressions typed at the prompt are parsed into a scratch arena,
 *     checked against the current catalog and compiled to a throw-away
 *     chunk.
 *   - libedit stays behind lineedit.h's few calls (lineedit.c), like
 *     lua.c's readline; completion is a pure function of the session and
 *     the text before the cursor (complete_line), which the editor calls
 *     on Tab.
 *   - Output: results on stdout, diagnostics and failures on stderr.  In a
 *     script (stdin not a terminal) stdout is line-buffered, so the two
 *     interleave in order when they go to the same file. */
#include "lang/cli/repl.h"

#include <cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lang/ast.h"
#include "lang/catalog.h"
#include "lang/check.h"
#include "lang/cli/cli.h"
#include "lang/cli/lineedit.h"
#include "lang/compile.h"
#include "lang/diag.h"
#include "lang/explain.h"
#include "lang/solve.h"
#include "lang/why.h"
#include "lang/printable.h"
#include "lang/testrun.h"
#include "lang/text.h"
#include "runtime/builtins.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/outcome.h"
#include "runtime/vm.h"
#include "runtime/width.h"

#define PROMPT "aeo> "
#define PROMPT_MORE "...> "

/* ---- small helpers ------------------------------------------------------------ */

typedef struct strvec {
    char **items;
    uint32_t n, cap;
} strvec;

static void strvec_push(strvec *v, const char *s) {
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = aeo_xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->n++] = aeo_xstrdup(s);
}

static void strvec_clear(strvec *v) {
    for (uint32_t i = 0; i < v->n; i++) free(v->items[i]);
    v->n = 0;
}

static void strvec_free(strvec *v) {
    strvec_clear(v);
    free(v->items);
    v->items = NULL;
    v->cap = 0;
}

static char *xstrndup(const char *s, size_t n) {
    char *p = aeo_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *skip_space(const char *s) {
    while (*s && isspace((unsigned char)*s)) s++;
    return (char *)(uintptr_t)s;
}

/* Trims trailing white space in place. */
static void rtrim(char *s) {
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
}

static bool is_ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static bool is_ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }
static bool is_word_char(char c) { return is_ident_char(c) || c == '.'; }

/* "~/x" -> "$HOME/x"; anything else is copied.  Free the result. */
static char *expand_tilde(const char *path) {
    const char *home = getenv("HOME");
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home && *home) {
        size_t n = strlen(home) + strlen(path);
        char *p = aeo_xmalloc(n + 1);
        snprintf(p, n + 1, "%s%s", home, path + 1);
        return p;
    }
    return aeo_xstrdup(path);
}

/* Splits [s] at white space into [out] (tilde-expanded when [paths]). */
static void split_words(const char *s, strvec *out, bool paths) {
    for (;;) {
        s = skip_space(s);
        if (!*s) return;
        const char *e = s;
        while (*e && !isspace((unsigned char)*e)) e++;
        char *w = xstrndup(s, (size_t)(e - s));
        if (paths) {
            char *x = expand_tilde(w);
            strvec_push(out, x);
            free(x);
        } else {
            strvec_push(out, w);
        }
        free(w);
        s = e;
    }
}

static const char *plural(uint32_t n, const char *one, const char *many) { return n == 1 ? one : many; }

/* YYYY-MM-DD for a midnight UTC timestamp, else RFC 3339. */
static void format_date(char buf[48], aeo_value v) {
    aeo_time_format_timestamp(v.as.i, v.nanos, buf);
    if (strlen(buf) == 20 && strcmp(buf + 10, "T00:00:00Z") == 0) buf[10] = '\0';
}

static bool parse_date(const char *s, aeo_value *out) {
    if (strcmp(s, "today") == 0) {
        *out = aeo_timestamp(aeo_time_today_utc(), 0);
        return true;
    }
    int64_t sec;
    int32_t ns;
    if (!aeo_time_parse_timestamp(s, strlen(s), &sec, &ns)) return false;
    *out = aeo_timestamp(sec, ns);
    return true;
}

/* ---- the session -------------------------------------------------------------- */

/* A declaration typed in the session. */
typedef struct typed_decl {
    char *text;
    char *name;          /* NULL for a nameless one */
    aeo_decl_kind kind;
} typed_decl;

typedef struct session {
    strvec paths;              /* rule files and directories in use, as given */
    strvec retry;              /* ones that had errors: :reload tries them again */
    typed_decl *decls;         /* typed declarations, in order */
    uint32_t n_decls;
    aeo_catalog *c;            /* the catalog in use: never NULL */
    aeo_vm *vm;
    aeo_value as_of;
    cJSON *base;               /* the record as loaded; NULL: no facts */
    cJSON *cur;                /* base with the what-if edits */
    char *origin;              /* where base came from */
    strvec edits;              /* the what-if edits, as text */
    aeo_arena *scratch;        /* the AST of the current input */
    bool interactive;
    bool color_err, color_out;
    bool pending;              /* reading the continuation of an input */
    bool failed;               /* the current input failed */
    uint32_t n_failed;
    bool quit;
    char *lang;                /* --lang, :lang: titles and table words (lang/text.h); NULL: as written */
} session;

static void fail(session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(session *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    fputs("aeo: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    s->failed = true;
}

/* Prints the diagnostics of [d]: all of them when [only_file] < 0, else
 * the errors and those located in source [only_file]. */
static void print_diags(session *s, aeo_diags *d, const aeo_sources *src, int only_file) {
    aeo_diags_sort(d);
    fflush(stdout);
    for (uint32_t i = 0; i < d->n; i++) {
        const aeo_diag *g = &d->items[i];
        if (only_file < 0 || g->sev == AEO_SEV_ERROR || g->span.file == (uint32_t)only_file)
            aeo_diag_print(g, src, stderr, s->color_err);
    }
    fflush(stderr);
}

static bool has_code(const aeo_diags *d, aeo_diag_code code) {
    for (uint32_t i = 0; i < d->n; i++)
        if (d->items[i].code == code) return true;
    return false;
}

/* ---- facts: a JSON tree, decoded on every use ----------------------------------- */

static cJSON *placeholder(const aeo_type *t, int depth);

/* Fills every required field of [rt] that [obj] lacks (or holds null) with a
 * placeholder of its type, recursing into nested records; the paths filled
 * go to [missing] when it is given ([path] is the path of [obj]). */
static void fill_required(cJSON *obj, const aeo_record_type *rt, aeo_buf *path, strvec *missing, int depth) {
    if (depth > 32 || !cJSON_IsObject(obj)) return;
    for (uint32_t i = 0; i < rt->n_fields; i++) {
        const aeo_field *f = &rt->fields[i];
        cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, f->name);
        size_t old = path ? path->len : 0;
        if (path) {
            aeo_buf_puts(path, ".");
            aeo_buf_puts(path, f->name);
        }
        if (!j || cJSON_IsNull(j)) {
            if (!f->optional) {
                cJSON *ph = placeholder(f->type, depth + 1);
                if (j) cJSON_ReplaceItemInObjectCaseSensitive(obj, f->name, ph);
                else cJSON_AddItemToObject(obj, f->name, ph);
                if (missing && path) strvec_push(missing, path->data);
            }
        } else if (f->type->kind == AEO_T_RECORD) {
            fill_required(j, f->type->rec, path, missing, depth + 1);
        }
        if (path) {
            path->len = old;
            path->data[old] = '\0';
        }
    }
}

/* A value of type [t] that the decoder accepts. */
static cJSON *placeholder(const aeo_type *t, int depth) {
    switch (t->kind) {
    case AEO_T_BOOL: return cJSON_CreateFalse();
    case AEO_T_STRING:
    case AEO_T_BYTES: return cJSON_CreateString("");
    case AEO_T_ENUM: return cJSON_CreateString(t->n_enum ? t->enum_values[0] : "");
    case AEO_T_TIMESTAMP: return cJSON_CreateString("1970-01-01T00:00:00Z");
    case AEO_T_DURATION: return cJSON_CreateString("0s");
    case AEO_T_LIST: return cJSON_CreateArray();
    case AEO_T_MAP: return cJSON_CreateObject();
    case AEO_T_NULL: return cJSON_CreateNull();
    case AEO_T_RECORD: {
        cJSON *o = cJSON_CreateObject();
        fill_required(o, t->rec, NULL, NULL, depth);
        return o;
    }
    default: return cJSON_CreateNumber(0);
    }
}

/* Makes the field at [path] ("address.city", relative to the record) of
 * [rec] absent. */
static void mark_absent(aeo_value rec, const char *path) {
    while (rec.kind == AEO_V_RECORD) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        const aeo_record_type *rt = rec.as.r->type;
        const aeo_field *f = NULL;
        for (uint32_t i = 0; i < rt->n_fields && !f; i++)
            if (strlen(rt->fields[i].name) == n && memcmp(rt->fields[i].name, path, n) == 0) f = &rt->fields[i];
        if (!f) return;
        if (!dot) {
            rec.as.r->slots[f->slot] = aeo_absent();
            return;
        }
        rec = rec.as.r->slots[f->slot];
        path = dot + 1;
    }
}

/* decode_facts's message when cJSON ran out of memory. */
static const char OUT_OF_MEMORY[] = "out of memory";

/* Decodes [json] (NULL: no facts, every fact unknown) against the current
 * schema into a record allocated in [a].  Required facts that are missing
 * are bound as unknown; their paths go to [missing] if given.  On failure
 * returns false with *[err] (in [a]). */
static bool decode_facts(session *s, const cJSON *json, aeo_arena *a, aeo_value *out, const char **err,
                         strvec *missing) {
    const aeo_program *p = s->c->program;
    if (!p || !p->root) {
        *out = aeo_null();
        return true;
    }
    if (!json) {
        *out = aeo_record_new(a, p->root);
        return true;
    }
    cJSON *copy = cJSON_Duplicate(json, 1);
    strvec miss = {0};
    aeo_buf path = {0};
    aeo_buf_puts(&path, p->root_name);
    fill_required(copy, p->root, &path, &miss, 0);
    char *text = copy ? cJSON_PrintUnformatted(copy) : NULL;
    bool ok;
    if (!text) {
        *err = OUT_OF_MEMORY;
        ok = false;
    } else {
        ok = aeo_facts_decode(a, p->root, p->root_name, text, strlen(text), 1, out, err);
    }
    size_t skip = strlen(p->root_name) + 1;
    for (uint32_t i = 0; ok && i < miss.n; i++) {
        mark_absent(*out, miss.items[i] + skip);
        if (missing) strvec_push(missing, miss.items[i]);
    }
    cJSON_free(text);
    cJSON_Delete(copy);
    strvec_free(&miss);
    aeo_buf_free(&path);
    return ok;
}

/* Whether [text] holds a \u0000 escape (which cJSON would cut a string at). */
static bool has_nul_escape(const char *text, size_t len) {
    for (size_t i = 0; i + 6 <= len; i++) {
        if (text[i] != '\\' || memcmp(text + i + 1, "u0000", 5) != 0) continue;
        size_t k = 0;
        while (k < i && text[i - 1 - k] == '\\') k++;
        if (k % 2 == 0) return true;
    }
    return false;
}

static bool json_is_scalar(const cJSON *j) { return !cJSON_IsArray(j) && !cJSON_IsObject(j); }

/* Appends [j] as indented JSON (two spaces; arrays of scalars on one line). */
static void json_pretty(aeo_buf *b, const cJSON *j, int indent) {
    if (cJSON_IsString(j)) {
        aeo_buf_json_string(b, j->valuestring, strlen(j->valuestring));
        return;
    }
    if (json_is_scalar(j)) {
        char *t = cJSON_PrintUnformatted(j);
        aeo_buf_puts(b, t ? t : "null");
        cJSON_free(t);
        return;
    }
    bool obj = cJSON_IsObject(j);
    if (!j->child) {
        aeo_buf_puts(b, obj ? "{}" : "[]");
        return;
    }
    bool flat = !obj;
    for (const cJSON *c = j->child; c && flat; c = c->next) flat = json_is_scalar(c);
    if (flat) {
        aeo_buf_puts(b, "[");
        for (const cJSON *c = j->child; c; c = c->next) {
            json_pretty(b, c, indent);
            if (c->next) aeo_buf_puts(b, ", ");
        }
        aeo_buf_puts(b, "]");
        return;
    }
    aeo_buf_puts(b, obj ? "{\n" : "[\n");
    for (const cJSON *c = j->child; c; c = c->next) {
        aeo_buf_printf(b, "%*s", indent + 2, "");
        if (obj) {
            aeo_buf_json_string(b, c->string, strlen(c->string));
            aeo_buf_puts(b, ": ");
        }
        json_pretty(b, c, indent + 2);
        aeo_buf_puts(b, c->next ? ",\n" : "\n");
    }
    aeo_buf_printf(b, "%*s%c", indent, "", obj ? '}' : ']');
}

/* ---- evaluation ------------------------------------------------------------------ */

/* Binds the current facts in the VM (aeo_vm_begin); facts that do not fit
 * the schema (reported when they stopped fitting) bind an empty record. */
static void begin_record(session *s) {
    aeo_vm_begin(s->vm, aeo_null());
    aeo_value rec;
    const char *err;
    if (!decode_facts(s, s->cur, aeo_vm_arena(s->vm), &rec, &err, NULL)) {
        /* The facts were checked when they were loaded or edited, so only
         * memory can fail here; evaluating on no facts without a word would
         * show "unknown" as if that were the answer. */
        if (err && strcmp(err, OUT_OF_MEMORY) == 0) fail(s, "%s: the facts cannot be used here; every fact is unknown", err);
        rec = s->c->program->root ? aeo_record_new(aeo_vm_arena(s->vm), s->c->program->root) : aeo_null();
    }
    aeo_vm_begin(s->vm, rec);
}

/* A measure's outcome: classified by the runtime, as everywhere else. */
static aeo_outcome_kind classify(session *s, aeo_value *v) {
    aeo_measure_outcome o = aeo_outcome_classify(aeo_vm_arena(s->vm), *v);
    *v = o.detail;
    return o.kind;
}

/* Every measure's outcome for a record, and the value of those that grant
 * one (JSON text, malloc'd; NULL otherwise). */
typedef struct outcomes {
    aeo_outcome_kind *kind;
    char **value;
    uint32_t n;
} outcomes;

static void outcomes_free(outcomes *o) {
    for (uint32_t i = 0; i < o->n; i++) free(o->value[i]);
    free(o->value);
    free(o->kind);
    free(o);
}

/* The granted value of measure [i] as JSON text (malloc'd), or NULL. */
static char *value_json(session *s, uint32_t i) {
    if (!s->c->program->measures[i].value_type) return NULL;
    aeo_value v = aeo_vm_measure_value(s->vm, i);
    if (v.kind == AEO_V_NULL) return NULL;
    aeo_buf b = {0};
    aeo_value_to_json(&b, v);
    return b.data;
}

/* The outcome of every measure for the current record (malloc'd). */
static outcomes *snapshot(session *s) {
    const aeo_program *p = s->c->program;
    outcomes *o = aeo_xcalloc(1, sizeof *o);
    o->n = p->n_measures;
    o->kind = aeo_xcalloc(p->n_measures + 1, sizeof *o->kind);
    o->value = aeo_xcalloc(p->n_measures + 1, sizeof *o->value);
    begin_record(s);
    for (uint32_t i = 0; i < p->n_measures; i++) {
        aeo_value v = aeo_vm_measure(s->vm, i);
        o->kind[i] = classify(s, &v);
        if (o->kind[i] == AEO_OUTCOME_APPLIES) o->value[i] = value_json(s, i);
    }
    aeo_vm_end(s->vm);
    return o;
}

/* Whether measure [i] changed between [a] and [b]: its outcome, or the
 * value it grants. */
static bool changed_at(const outcomes *a, const outcomes *b, uint32_t i) {
    if (a->kind[i] != b->kind[i]) return true;
    if (!a->value[i] || !b->value[i]) return a->value[i] != b->value[i];
    return strcmp(a->value[i], b->value[i]) != 0;
}

/* Prints the measures whose outcome differs from [before] (and frees it):
 * "M05  applies -> not", or for a value granted before and after,
 * "M01  20 -> 50". */
static void print_changes(session *s, outcomes *before) {
    const aeo_program *p = s->c->program;
    outcomes *after = snapshot(s);
    int w = 2;
    uint32_t changed = 0;
    for (uint32_t i = 0; i < p->n_measures; i++) {
        if (!changed_at(before, after, i)) continue;
        changed++;
        int n = (int)strlen(p->measures[i].id);
        if (n > w) w = n;
    }
    for (uint32_t i = 0; i < p->n_measures; i++) {
        if (!changed_at(before, after, i)) continue;
        if (before->kind[i] == after->kind[i])
            printf("  %-*s  %s -> %s\n", w, p->measures[i].id, before->value[i], after->value[i]);
        else
            printf("  %-*s  %s -> %s\n", w, p->measures[i].id, aeo_outcome_names[before->kind[i]],
                   aeo_outcome_names[after->kind[i]]);
    }
    if (p->n_measures && !changed) printf("  (no measure changed)\n");
    outcomes_free(before);
    outcomes_free(after);
}

/* "unknown (a, b)", "error: msg", or "value : type". */
static void format_result(session *s, aeo_buf *b, aeo_value v, const aeo_type *t) {
    if (v.kind == AEO_V_UNKNOWN) {
        aeo_buf_puts(b, "unknown (");
        for (uint32_t i = 0; i < v.as.unk->n; i++) aeo_buf_printf(b, "%s%s", i ? ", " : "", v.as.unk->paths[i]);
        aeo_buf_puts(b, ")");
    } else if (v.kind == AEO_V_ERROR) {
        aeo_buf_printf(b, "error: %s", v.as.e->msg);
        const aeo_sources *src = &s->c->sources;
        if (v.as.e->has_span && v.as.e->span.file < src->n && strcmp(src->files[v.as.e->span.file].name, "<repl>") != 0) {
            uint32_t line, col;
            aeo_sources_position(src, v.as.e->span.file, v.as.e->span.start, &line, &col);
            aeo_buf_printf(b, " (at %s:%u:%u)", src->files[v.as.e->span.file].name, line, col);
        }
    } else {
        char tb[256];
        aeo_value_format(b, v);
        aeo_buf_printf(b, " : %s", aeo_type_format(t ? t : &aeo_type_dyn, tb, sizeof tb));
    }
}

/* Parses [text] as one expression (source "<repl>") and checks it.  Prints
 * the diagnostics; returns NULL if there were errors. */
static aeo_expr *parse_check(session *s, const char *text) {
    aeo_catalog *c = s->c;
    aeo_diags_clear(&c->diags);
    aeo_arena_reset(s->scratch);
    aeo_expr *e = aeo_catalog_parse_expr(c, s->scratch, "<repl>", text, strlen(text));
    if (e && !aeo_check_expr(c, e)) e = NULL;
    if (c->diags.n) print_diags(s, &c->diags, &c->sources, -1);
    if (!e) s->failed = true;
    return e;
}

/* Compiles the checked [e]; NULL (reported) on failure.  Free the chunk. */
static aeo_chunk *compile(session *s, const aeo_expr *e) {
    aeo_catalog *c = s->c;
    uint32_t before = c->diags.n;
    aeo_chunk *ch = aeo_compile_expr(c, e, "<repl>");
    if (!ch) {
        if (c->diags.n > before) print_diags(s, &c->diags, &c->sources, -1);
        s->failed = true;
    }
    return ch;
}


/* Writes the text in [b] (and a newline when [newline]) to stdout, escaped
 * for the terminal (lang/printable.h): results, tables and explanations
 * quote strings of the facts and the rules.  The session's own colours are
 * kept. */
static void print_text(const session *s, const aeo_buf *b, bool newline) {
    aeo_buf safe = {0};
    aeo_printable_put(&safe, b->data ? b->data : "", b->len, s->color_out ? AEO_PRINTABLE_KEEP_SGR : 0);
    if (newline) aeo_buf_putn(&safe, "\n", 1);
    fwrite(safe.data ? safe.data : "", 1, safe.len, stdout);
    aeo_buf_free(&safe);
}
static void eval_expr(session *s, aeo_expr *e) {
    aeo_chunk *ch = compile(s, e);
    if (!ch) return;
    begin_record(s);
    aeo_value v = aeo_vm_run(s->vm, ch);
    aeo_buf b = {0};
    format_result(s, &b, v, e->type);
    aeo_vm_end(s->vm);
    aeo_chunk_free(ch);
    print_text(s, &b, true);
    aeo_buf_free(&b);
}

/* The catalog key of the current record as text, into [b] (empty if none). */
static void record_key(session *s, aeo_buf *b) {
    const aeo_program *p = s->c->program;
    if (!p->key) return;
    begin_record(s);
    aeo_value k = aeo_vm_run(s->vm, p->key);
    if (k.kind == AEO_V_STRING) aeo_buf_putn(b, k.as.s->data, k.as.s->len);
    else if (!aeo_is_bad(k)) aeo_value_format(b, k);
    aeo_vm_end(s->vm);
}

/* ---- building the catalog --------------------------------------------------------- */

enum { SHOW_ALL, SHOW_NEW, SHOW_NONE };

/* A catalog from [paths] and [decls], checked and compiled.  Prints the
 * diagnostics as [show] says (SHOW_NEW: errors, and the warnings of the
 * last typed declaration).  Returns NULL (with *[io] set and the problem
 * reported) if a path cannot be read; otherwise the caller tests
 * c->diags.n_errors and frees. */
static aeo_catalog *build(session *s, const strvec *paths, const typed_decl *decls, uint32_t n, int show, bool *io) {
    *io = false;
    aeo_catalog *c = aeo_catalog_new();
    for (uint32_t i = 0; i < paths->n; i++) {
        const char *err = NULL;
        if (!aeo_catalog_add_path(c, paths->items[i], &err)) {
            if (show != SHOW_NONE) fail(s, "%s: %s", aeo_catalog_failed_path(c, paths->items[i]), err);
            *io = true;
            aeo_catalog_free(c);
            return NULL;
        }
    }
    for (uint32_t i = 0; i < n; i++) aeo_catalog_add_text(c, "<repl>", decls[i].text, strlen(decls[i].text));
    int new_src = n && c->n_files ? (int)c->files[c->n_files - 1].source : -1;
    aeo_catalog_build(c, AEO_BUILD_COMPILE);
    if (show == SHOW_ALL) print_diags(s, &c->diags, &c->sources, -1);
    else if (show == SHOW_NEW) print_diags(s, &c->diags, &c->sources, new_src);
    return c;
}

/* Makes [c] the session's catalog, with a new VM. */
static void install(session *s, aeo_catalog *c) {
    aeo_vm_free(s->vm);
    aeo_catalog_free(s->c);
    s->c = c;
    s->vm = aeo_vm_new(c->program);
    aeo_vm_set_as_of(s->vm, s->as_of);
    /* The language stays across :load and :reload where the new catalog
     * has it; where it does not, text falls back to the source. */
    aeo_text_set_display(c, s->lang && aeo_text_has_lang(c, s->lang) ? s->lang : NULL);
}

/* "catalog example_aeo: 5 measures, 1 test" */
static void summary(session *s, aeo_buf *b) {
    const aeo_catalog *c = s->c;
    if (c->program->catalog) aeo_buf_printf(b, "catalog %s: ", c->program->catalog);
    aeo_buf_printf(b, "%u %s", c->program->n_measures, plural(c->program->n_measures, "measure", "measures"));
    if (c->tests.n) aeo_buf_printf(b, ", %u %s", c->tests.n, plural(c->tests.n, "test", "tests"));
    if (!c->root) aeo_buf_puts(b, ", no facts schema");
}

/* After the schema may have changed: says so if the facts no longer fit. */
static void recheck_facts(session *s) {
    if (!s->cur) return;
    aeo_arena *a = aeo_arena_new();
    aeo_value rec;
    const char *err;
    if (!decode_facts(s, s->cur, a, &rec, &err, NULL))
        fail(s, "the facts do not fit the schema: %s; every fact is unknown until they do (:facts, :set)", err);
    aeo_arena_free(a);
}

/* "def", "measure", ... */
static const char *kind_word(aeo_decl_kind k) { return aeo_decl_kind_word(k); }

static void free_decl(typed_decl *d) {
    free(d->text);
    free(d->name);
}

/* Loads [paths] (taken over) with the typed declarations: the :load and
 * :reload commands, and the start.  Keeps the previous catalog if the
 * files cannot be read or do not check; drops the typed declarations that
 * no longer check against files that do.  Returns 0 when loaded, 1 when
 * the files have errors, 2 when one cannot be read. */
static int load_paths(session *s, strvec *paths) {
    bool io;
    aeo_catalog *c = build(s, paths, s->decls, s->n_decls, SHOW_NONE, &io);
    if (!c) {
        /* Again, to report the path; a file that could be read this time
         * (a passing I/O fault) still failed the load, and says so. */
        aeo_catalog *again = build(s, paths, NULL, 0, SHOW_ALL, &io);
        if (again) {
            fail(s, "%s", "the rule files could not be read");
            aeo_catalog_free(again);
        }
        strvec_free(paths);
        return 2;
    }
    if (c->diags.n_errors) {
        aeo_catalog_free(c);
        c = build(s, paths, NULL, 0, SHOW_NONE, &io);
        if (!c || c->diags.n_errors) {
            /* The files themselves have errors. */
            aeo_catalog_free(c);
            c = build(s, paths, NULL, 0, SHOW_ALL, &io);
            aeo_catalog_free(c);
            fail(s, "%s; %s", paths->n ? "the rule files have errors" : "the typed declarations have errors",
                 s->paths.n || s->n_decls ? "still using the previous catalog (fix them, then :reload)"
                                          : "no catalog loaded (fix them, then :reload)");
            strvec_free(&s->retry);
            s->retry = *paths;
            return 1;
        }
        aeo_catalog_free(c);
        /* Keep the typed declarations that still check, in order. */
        typed_decl *keep = aeo_xcalloc(s->n_decls + 1, sizeof *keep);
        uint32_t n_keep = 0;
        for (uint32_t i = 0; i < s->n_decls; i++) {
            keep[n_keep] = s->decls[i];
            aeo_catalog *ci = build(s, paths, keep, n_keep + 1, SHOW_NONE, &io);
            if (ci && ci->diags.n_errors == 0) {
                n_keep++;
            } else if (ci) {
                print_diags(s, &ci->diags, &ci->sources, (int)ci->files[ci->n_files - 1].source);
                fail(s, "dropped the typed %s %s: it does not check against these files",
                     kind_word(s->decls[i].kind), s->decls[i].name ? s->decls[i].name : "");
                free_decl(&s->decls[i]);
            }
            aeo_catalog_free(ci);
        }
        free(s->decls);
        s->decls = keep;
        s->n_decls = n_keep;
        c = build(s, paths, s->decls, s->n_decls, SHOW_NONE, &io);
    }
    print_diags(s, &c->diags, &c->sources, -1);   /* warnings */
    install(s, c);
    strvec_free(&s->paths);
    strvec_free(&s->retry);
    s->paths = *paths;
    recheck_facts(s);
    return 0;
}

/* ---- typed declarations ------------------------------------------------------------ */

static bool value_kind(aeo_decl_kind k) {
    return k == AEO_DECL_CONST || k == AEO_DECL_DEF || k == AEO_DECL_TIER || k == AEO_DECL_MEASURE;
}

/* Whether typed declaration [b] replaces [a]. */
static bool replaces(const typed_decl *a, const typed_decl *b) {
    if (value_kind(a->kind) && value_kind(b->kind)) return a->name && b->name && strcmp(a->name, b->name) == 0;
    if (a->kind != b->kind) return false;
    if (b->kind == AEO_DECL_FACTS || b->kind == AEO_DECL_CATALOG) return true;
    return a->name && b->name && strcmp(a->name, b->name) == 0;
}

static void add_declaration(session *s, const aeo_decl *d, const char *text) {
    typed_decl nd = {aeo_xstrdup(text), d->name ? aeo_xstrdup(d->name) : NULL, d->kind};
    typed_decl *list = aeo_xcalloc(s->n_decls + 1, sizeof *list);
    uint32_t n = 0;
    bool redefined = false;
    for (uint32_t i = 0; i < s->n_decls; i++) {
        if (replaces(&s->decls[i], &nd)) redefined = true;
        else list[n++] = s->decls[i];
    }
    list[n++] = nd;
    bool io;
    aeo_catalog *c = build(s, &s->paths, list, n, SHOW_NEW, &io);
    if (!c || c->diags.n_errors) {
        aeo_catalog_free(c);
        if (c) fail(s, "the declaration was not added");
        free_decl(&nd);
        free(list);
        s->failed = true;
        return;
    }
    for (uint32_t i = 0; i < s->n_decls; i++)
        if (replaces(&s->decls[i], &nd)) free_decl(&s->decls[i]);
    free(s->decls);
    s->decls = list;
    s->n_decls = n;
    install(s, c);

    /* Say what was declared. */
    const aeo_file *f = &c->files[c->n_files - 1];
    const aeo_decl *nd2 = f->n_decls ? &f->decls[0] : NULL;
    aeo_buf b = {0};
    aeo_buf_puts(&b, kind_word(d->kind));
    char tb[256];
    switch (d->kind) {
    case AEO_DECL_CONST:
    case AEO_DECL_DEF:
    case AEO_DECL_TIER:
        aeo_buf_printf(&b, " %s", d->name);
        /* a function: its parameters, as declared */
        for (uint32_t i = 0; nd2 && i < nd2->n_params; i++)
            aeo_buf_printf(&b, "%s%s: %s", i ? ", " : "(", nd2->params[i].name,
                           aeo_type_format(nd2->params[i].rtype ? nd2->params[i].rtype : &aeo_type_dyn, tb, sizeof tb));
        if (nd2 && nd2->n_params) aeo_buf_puts(&b, ")");
        aeo_buf_printf(&b, " : %s", aeo_type_format(nd2 && nd2->type ? nd2->type : &aeo_type_dyn, tb, sizeof tb));
        break;
    case AEO_DECL_MEASURE: {
        aeo_buf_printf(&b, " %s", d->name);
        if (d->title) {
            aeo_buf_puts(&b, " ");
            aeo_buf_json_string(&b, d->title, strlen(d->title));
        }
        int idx = aeo_program_measure(c->program, d->name);
        if (idx >= 0) {
            begin_record(s);
            aeo_value v = aeo_vm_measure(s->vm, (uint32_t)idx);
            aeo_outcome_kind k = classify(s, &v);
            aeo_buf_printf(&b, ": %s", aeo_outcome_names[k]);
            if (k == AEO_OUTCOME_UNDECIDED) {
                aeo_buf_puts(&b, " (missing:");
                for (uint32_t i = 0; i < v.as.unk->n; i++) aeo_buf_printf(&b, " %s", v.as.unk->paths[i]);
                aeo_buf_puts(&b, ")");
            } else if (k == AEO_OUTCOME_ERROR) {
                aeo_buf_printf(&b, " (%s)", v.as.e->msg);
            }
            aeo_vm_end(s->vm);
        }
        break;
    }
    case AEO_DECL_TEST:
        aeo_buf_puts(&b, " ");
        aeo_buf_json_string(&b, d->name ? d->name : "", d->name ? strlen(d->name) : 0);
        break;
    default:
        if (d->name) aeo_buf_printf(&b, " %s", d->name);
        break;
    }
    if (redefined) aeo_buf_puts(&b, " (redefined)");
    printf("%s\n", b.data);
    aeo_buf_free(&b);
}

/* Whether [t] is only white space and comments. */
static bool is_blank_code(const char *t) {
    for (;;) {
        t = skip_space(t);
        if (*t == '#' || (t[0] == '/' && t[1] == '/')) {
            while (*t && *t != '\n') t++;
            continue;
        }
        return *t == '\0';
    }
}

enum { INPUT_DONE, INPUT_MORE };

enum { PARSE_OK, PARSE_MORE, PARSE_ERROR };

/* Whether the code input [text] parses (PARSE_OK), runs into the end of the
 * input (PARSE_MORE), or has a syntax error (PARSE_ERROR); reports nothing. */
static int parse_state(session *s, const char *text) {
    aeo_catalog *c = s->c;
    aeo_diags_clear(&c->diags);
    aeo_arena_reset(s->scratch);
    aeo_decl *d = NULL;
    aeo_expr *e = NULL;
    int st = aeo_catalog_parse_input(c, s->scratch, "<repl>", text, strlen(text), &d, &e) ? PARSE_OK
             : has_code(&c->diags, AEO_E_UNEXPECTED_EOF) ? PARSE_MORE
                                                          : PARSE_ERROR;
    aeo_diags_clear(&c->diags);
    return st;
}

/* Whether [line] can only continue the input before it: it starts with a
 * binary operator, a method call, `in` or a closing bracket (a def pasted
 * from a file often breaks its lines before `&&` or `||`). */
static bool is_continuation_line(const char *line) {
    const char *t = skip_space(line);
    if (t[0] == '/' && t[1] == '/') return false;
    static const char *const starts[] = {"&&", "||", "==", "!=", "<", ">", "+", "*", "/", "%", "?", ")", "]", "}", ","};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        if (strncmp(t, starts[i], strlen(starts[i])) == 0) return true;
    if (t[0] == '.' && is_ident_start(t[1])) return true;
    return t[0] == 'i' && t[1] == 'n' && (isspace((unsigned char)t[2]) || t[2] == '[');
}

/* Handles a code input (expression or declaration).  Returns INPUT_MORE if
 * it is incomplete and more lines may come ([at_eof] false). */
static int process_code(session *s, const char *text, bool at_eof) {
    aeo_catalog *c = s->c;
    aeo_diags_clear(&c->diags);
    aeo_arena_reset(s->scratch);
    aeo_decl *d = NULL;
    aeo_expr *e = NULL;
    if (!aeo_catalog_parse_input(c, s->scratch, "<repl>", text, strlen(text), &d, &e)) {
        if (!at_eof && has_code(&c->diags, AEO_E_UNEXPECTED_EOF)) return INPUT_MORE;
        print_diags(s, &c->diags, &c->sources, -1);
        s->failed = true;
        return INPUT_DONE;
    }
    if (d) {
        add_declaration(s, d, text);
        return INPUT_DONE;
    }
    bool ok = aeo_check_expr(c, e);
    if (c->diags.n) print_diags(s, &c->diags, &c->sources, -1);
    if (!ok) {
        s->failed = true;
        return INPUT_DONE;
    }
    eval_expr(s, e);
    return INPUT_DONE;
}

/* ---- fact paths ---------------------------------------------------------------------- */

/* Splits the fact path [text] ("enterprise.address.city"; the root name may
 * be left out) into field names in [parts], checked against the schema.
 * Reports and returns false if it is not a field path.  *[field] gets the
 * last field. */
static bool resolve_path(session *s, const char *text, strvec *parts, const aeo_field **field) {
    const aeo_program *p = s->c->program;
    if (!p->root) {
        fail(s, "the catalog has no facts schema");
        return false;
    }
    const char *t = text;
    size_t rn = strlen(p->root_name);
    if (strncmp(t, p->root_name, rn) == 0 && t[rn] == '.') t += rn + 1;
    const aeo_record_type *rt = p->root;
    aeo_buf so_far = {0};
    aeo_buf_puts(&so_far, p->root_name);
    bool ok = true;
    *field = NULL;
    for (;;) {
        const char *e = t;
        while (is_ident_char(*e)) e++;
        if (e == t || !is_ident_start(*t) || (*e && *e != '.')) {
            fail(s, "'%s' is not a fact path (as in %s.%s)", text, p->root_name,
                 p->root->n_fields ? p->root->fields[0].name : "field");
            ok = false;
            break;
        }
        char *name = xstrndup(t, (size_t)(e - t));
        if (!rt) {
            fail(s, "%s is not a record: it has no field '%s'", so_far.data, name);
            free(name);
            ok = false;
            break;
        }
        const aeo_field *f = aeo_record_type_field(rt, name);
        if (!f) {
            const char **cands = aeo_xcalloc(rt->n_fields + 1, sizeof *cands);
            for (uint32_t i = 0; i < rt->n_fields; i++) cands[i] = rt->fields[i].name;
            const char *sug = aeo_suggest(name, cands, rt->n_fields);
            if (sug) fail(s, "no field '%s' in %s; did you mean '%s'?", name, so_far.data, sug);
            else fail(s, "no field '%s' in %s", name, so_far.data);
            free(cands);
            free(name);
            ok = false;
            break;
        }
        strvec_push(parts, name);
        aeo_buf_printf(&so_far, ".%s", name);
        free(name);
        *field = f;
        rt = f->type->kind == AEO_T_RECORD ? f->type->rec : NULL;
        if (!*e) break;
        t = e + 1;
    }
    aeo_buf_free(&so_far);
    return ok;
}

/* "enterprise.a.b" for [parts]. */
static void path_text(session *s, const strvec *parts, aeo_buf *b) {
    aeo_buf_puts(b, s->c->program->root_name);
    for (uint32_t i = 0; i < parts->n; i++) aeo_buf_printf(b, ".%s", parts->items[i]);
}

/* Replaces the current facts by [json] if it decodes; reports otherwise
 * (and deletes [json]).  Describes the edit as [edit] when given. */
static bool commit_facts(session *s, cJSON *json, const char *edit) {
    aeo_arena *a = aeo_arena_new();
    aeo_value rec;
    const char *err;
    bool ok = decode_facts(s, json, a, &rec, &err, NULL);
    if (!ok) {
        fail(s, "%s; the edit was not made", err);
        cJSON_Delete(json);
    } else {
        if (s->cur != s->base) cJSON_Delete(s->cur);
        s->cur = json;
        if (edit) strvec_push(&s->edits, edit);
    }
    aeo_arena_free(a);
    return ok;
}

/* ---- commands ----------------------------------------------------------------------- */

typedef void (*command_fn)(session *s, char *args);

typedef enum { CX_NONE, CX_EXPR, CX_AEO_FILES, CX_FACTS, CX_PATH, CX_SET, CX_COMMAND } complete_kind;

typedef struct command {
    const char *name;
    const char *args;
    command_fn fn;
    complete_kind complete;
    const char *summary;
    const char *help;
} command;


static void cmd_load(session *s, char *args) {
    strvec paths = {0};
    split_words(args, &paths, true);
    if (!paths.n) {
        fail(s, "usage: :load PATH...");
        return;
    }
    if (load_paths(s, &paths) == 0) {
        aeo_buf b = {0};
        summary(s, &b);
        printf("%s\n", b.data);
        aeo_buf_free(&b);
    }
}

static void cmd_reload(session *s, char *args) {
    (void)args;
    strvec paths = {0};
    const strvec *from = s->retry.n ? &s->retry : &s->paths;
    for (uint32_t i = 0; i < from->n; i++) strvec_push(&paths, from->items[i]);
    if (load_paths(s, &paths) == 0) {
        aeo_buf b = {0};
        summary(s, &b);
        printf("reloaded %s\n", b.data);
        aeo_buf_free(&b);
    }
}

/* Reads record [n] (1-based; 0 for the JSON typed after :facts, which is
 * record 1) of [in] into a JSON tree; NULL (reported) if it cannot. */
static cJSON *read_record(session *s, FILE *in, const char *name, uint64_t n) {
    bool typed = n == 0;
    if (typed) n = 1;
    aeo_facts_reader *rd = aeo_facts_reader_new(in, name);
    cJSON *out = NULL;
    uint64_t k = 0;
    for (;;) {
        aeo_facts_item it;
        aeo_facts_status st = aeo_facts_next(rd, &it);
        if (st == AEO_FACTS_EOF) {
            if (k == 0) fail(s, "%s: no records", name);
            else fail(s, "%s: there is no record %llu (it has %llu)", name, (unsigned long long)n, (unsigned long long)k);
            break;
        }
        if (st == AEO_FACTS_IOERR) {
            fail(s, "%s: %s", name, it.error);
            break;
        }
        if (++k < n) continue;
        if (st == AEO_FACTS_BAD) {
            if (typed) fail(s, "%s: %s", name, it.error);
            else fail(s, "%s: record %llu cannot be read: %s", name, (unsigned long long)k, it.error);
            break;
        }
        char what[64];
        snprintf(what, sizeof what, typed ? "the JSON" : "record %llu", (unsigned long long)k);
        if (has_nul_escape(it.text, it.len)) {
            fail(s, "%s: %s holds a string with \\u0000, which facts may not", name, what);
            break;
        }
        out = cJSON_ParseWithLength(it.text, it.len);
        if (!out) fail(s, "%s: %s cannot be read", name, what);
        else if (!cJSON_IsObject(out)) {
            fail(s, "%s: %s is not a JSON object", name, what);
            cJSON_Delete(out);
            out = NULL;
        }
        break;
    }
    aeo_facts_reader_free(rd);
    return out;
}

static void show_facts_origin(session *s) {
    if (!s->base) {
        printf("no facts: every fact is unknown (:facts FILE [N], :facts {json} or :set give some)\n");
        return;
    }
    printf("facts: %s\n", s->origin);
    if (s->edits.n) {
        printf("what-if edits:\n");
        for (uint32_t i = 0; i < s->edits.n; i++) printf("  %s\n", s->edits.items[i]);
    }
}

/* Makes record N of a file, or the JSON typed, the current facts (the
 * :facts command, and --facts).  Returns 0 when done, 1 when the record is
 * bad, 2 when the file cannot be read.  Says what it loaded unless [quiet]. */
/* The example of the catalog that [text] starts with ("base", "base with
 * {...}"), or NULL. */
static const aeo_decl *example_named(session *s, const char *text) {
    size_t n = 0;
    while (isalnum((unsigned char)text[n]) || text[n] == '_') n++;
    const aeo_decls *ex = &s->c->examples;
    for (uint32_t i = 0; n && i < ex->n; i++)
        if (strlen(ex->items[i]->name) == n && strncmp(ex->items[i]->name, text, n) == 0) return ex->items[i];
    return NULL;
}

/* :facts NAME [with {...}]: the example, merged as a test's facts are, as
 * JSON (what every other :facts source gives); NULL (reported) on error. */
static cJSON *example_json(session *s, const char *text) {
    aeo_catalog *c = s->c;
    aeo_diags_clear(&c->diags);
    aeo_arena_reset(s->scratch);
    aeo_expr *e = aeo_catalog_parse_expr(c, s->scratch, "<repl>", text, strlen(text));
    aeo_expr *m = e ? aeo_check_facts(c, e) : NULL;
    if (c->diags.n) print_diags(s, &c->diags, &c->sources, -1);
    aeo_chunk *ch = m ? compile(s, m) : NULL;
    if (!ch) {
        s->failed = true;
        return NULL;
    }
    begin_record(s);
    aeo_value v = aeo_vm_run(s->vm, ch);
    aeo_buf json = {0};
    if (v.kind != AEO_V_ERROR) aeo_value_to_json(&json, v);
    else fail(s, ":facts: %s", v.as.e->msg);
    aeo_vm_end(s->vm);
    aeo_chunk_free(ch);
    cJSON *j = json.len ? cJSON_ParseWithLength(json.data, json.len) : NULL;
    aeo_buf_free(&json);
    return j;
}

/* From a pipe or a device, :facts reads at most this much: /dev/zero, or a
 * producer that never ends a record, would otherwise be read for ever (the
 * reader skips an oversized record to its end, which never comes). */
#define FACTS_READ_BOUND AEO_FACTS_MAX_RECORD

/* When [*in] is not a regular file, reads at most FACTS_READ_BOUND bytes of
 * it into [*held] (malloc'd, the caller frees it) and makes [*in] a stream
 * over them.  False (reported, [*in] closed) when there is more, or on a
 * read error. */
static bool bounded_input(session *s, FILE **in, char **held, const char *name) {
    struct stat st;
    int fd = fileno(*in);
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) return true;
    char *buf = aeo_xmalloc(FACTS_READ_BOUND + 1);
    size_t len = 0;
    int err = 0;
    while (len <= FACTS_READ_BOUND) {
        ssize_t n = read(fd, buf + len, FACTS_READ_BOUND + 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) err = errno;
        if (n <= 0) break;
        len += (size_t)n;
    }
    fclose(*in);
    *in = NULL;
    if (err || len > FACTS_READ_BOUND) {
        if (err) fail(s, "%s: %s", name, strerror(err));
        else fail(s, "%s: more than 64 MiB from a pipe or device; :facts reads no more (save the record to a file)",
                  name);
        free(buf);
        return false;
    }
    /* fmemopen refuses an empty buffer: one blank line reads as no record. */
    if (len == 0) buf[len++] = '\n';
    *in = fmemopen(buf, len, "r");
    if (!*in) {
        fail(s, "%s: %s", name, strerror(errno));
        free(buf);
        return false;
    }
    *held = buf;
    return true;
}

static int load_facts(session *s, char *args, bool quiet) {
    cJSON *json = NULL;
    aeo_buf origin = {0};
    const aeo_decl *ex = example_named(s, args);
    if (ex) {
        json = example_json(s, args);
        aeo_buf_printf(&origin, "example %s", strcmp(args, ex->name) == 0 ? ex->name : args);
    } else if (*args == '{' || *args == '[') {
        FILE *in = fmemopen(args, strlen(args), "r");
        if (!in) {
            fail(s, ":facts: %s", strerror(errno));
            return 2;
        }
        json = read_record(s, in, ":facts", 0);
        fclose(in);
        aeo_buf_puts(&origin, "JSON typed in");
    } else {
        strvec w = {0};
        split_words(args, &w, true);
        uint64_t n = 1;
        bool ok = w.n == 1 || w.n == 2;
        if (w.n == 2) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(w.items[1], &end, 10);
            ok = *end == '\0' && v >= 1 && errno == 0 && isdigit((unsigned char)w.items[1][0]);
            n = v;
        }
        if (!ok) {
            fail(s, "usage: :facts FILE [N] (N counts records from 1), or :facts {json}");
            strvec_free(&w);
            return 1;
        }
        FILE *in = fopen(w.items[0], "rb");
        if (!in) {
            fail(s, "%s: %s", w.items[0], strerror(errno));
            strvec_free(&w);
            return 2;
        }
        char *held = NULL;
        if (!bounded_input(s, &in, &held, w.items[0])) {
            strvec_free(&w);
            return 2;
        }
        json = read_record(s, in, w.items[0], n);
        fclose(in);
        free(held);
        aeo_buf_printf(&origin, "record %llu of %s", (unsigned long long)n, w.items[0]);
        strvec_free(&w);
    }
    if (!json) {
        aeo_buf_free(&origin);
        return 1;
    }
    int st = 0;
    aeo_arena *a = aeo_arena_new();
    aeo_value rec;
    const char *err;
    strvec missing = {0};
    if (!decode_facts(s, json, a, &rec, &err, &missing)) {
        fail(s, "%s: %s; the facts were not changed", origin.data, err);
        cJSON_Delete(json);
        st = 1;
    } else {
        if (s->cur != s->base) cJSON_Delete(s->cur);
        cJSON_Delete(s->base);
        s->base = s->cur = json;
        free(s->origin);
        s->origin = aeo_xstrdup(origin.data);
        strvec_clear(&s->edits);
    }
    if (st == 0 && !quiet) {
        aeo_buf key = {0};
        record_key(s, &key);
        printf("facts: %s%s%s\n", origin.data, key.len ? ": " : "", key.len ? key.data : "");
        aeo_buf_free(&key);
        if (missing.n) {
            printf("missing required facts, unknown here:");
            for (uint32_t i = 0; i < missing.n; i++) printf(" %s", missing.items[i]);
            printf("\n");
        }
        if (!s->c->program->root) printf("(the catalog has no facts schema yet: the record is not used)\n");
    }
    strvec_free(&missing);
    aeo_arena_free(a);
    aeo_buf_free(&origin);
    return st;
}

static void cmd_facts(session *s, char *args) {
    if (!*args) show_facts_origin(s);
    else load_facts(s, args, false);
}

static void cmd_show(session *s, char *args) {
    (void)args;
    if (!s->cur) {
        show_facts_origin(s);
        return;
    }
    aeo_buf b = {0};
    json_pretty(&b, s->cur, 0);
    printf("%s\n", b.data);
    aeo_buf_free(&b);
}

static void cmd_set(session *s, char *args) {
    char *eq = strchr(args, '=');
    if (!eq || eq == args) {
        fail(s, "usage: :set PATH = EXPR (as in :set %s.%s = ...)",
             s->c->program->root_name ? s->c->program->root_name : "enterprise",
             s->c->program->root && s->c->program->root->n_fields ? s->c->program->root->fields[0].name : "field");
        return;
    }
    *eq = '\0';
    rtrim(args);
    char *expr_text = skip_space(eq + 1);
    strvec parts = {0};
    const aeo_field *field;
    if (!resolve_path(s, args, &parts, &field)) {
        strvec_free(&parts);
        return;
    }
    if (!*expr_text) {
        fail(s, "usage: :set PATH = EXPR; to make a fact missing, :unset PATH");
        strvec_free(&parts);
        return;
    }
    aeo_expr *e = parse_check(s, expr_text);
    aeo_chunk *ch = e ? compile(s, e) : NULL;
    if (!ch) {
        strvec_free(&parts);
        return;
    }
    begin_record(s);
    aeo_value v = aeo_vm_run(s->vm, ch);
    aeo_buf path = {0}, json = {0}, edit = {0};
    path_text(s, &parts, &path);
    bool ok = true;
    if (v.kind == AEO_V_UNKNOWN || v.kind == AEO_V_ERROR) {
        aeo_buf r = {0};
        format_result(s, &r, v, e->type);
        fail(s, "cannot set %s to %s", path.data, r.data);
        aeo_buf_free(&r);
        ok = false;
    } else {
        aeo_value_to_json(&json, v);
        aeo_buf_printf(&edit, "%s = ", path.data);
        aeo_value_format(&edit, v);
    }
    aeo_vm_end(s->vm);
    aeo_chunk_free(ch);
    cJSON *val = ok ? cJSON_ParseWithLength(json.data, json.len) : NULL;
    if (ok && !val) {
        fail(s, "cannot set %s: the value has no JSON form", path.data);
        ok = false;
    }
    if (ok) {
        outcomes *before = snapshot(s);
        cJSON *root = s->cur ? cJSON_Duplicate(s->cur, 1) : cJSON_CreateObject();
        cJSON *obj = root;
        for (uint32_t i = 0; i + 1 < parts.n; i++) {
            cJSON *child = cJSON_GetObjectItemCaseSensitive(obj, parts.items[i]);
            if (!child || !cJSON_IsObject(child)) {
                cJSON *fresh = cJSON_CreateObject();
                if (child) cJSON_ReplaceItemInObjectCaseSensitive(obj, parts.items[i], fresh);
                else cJSON_AddItemToObject(obj, parts.items[i], fresh);
                child = fresh;
            }
            obj = child;
        }
        const char *last = parts.items[parts.n - 1];
        cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, last);
        if (old) cJSON_ReplaceItemInObjectCaseSensitive(obj, last, val);
        else cJSON_AddItemToObject(obj, last, val);
        if (commit_facts(s, root, edit.data)) {
            if (!s->base) {
                /* The first edit without facts: edits of an empty record. */
                s->base = cJSON_CreateObject();
                free(s->origin);
                s->origin = aeo_xstrdup("an empty record");
            }
            printf("%s\n", edit.data);
            print_changes(s, before);
        } else {
            outcomes_free(before);
        }
    }
    aeo_buf_free(&path);
    aeo_buf_free(&json);
    aeo_buf_free(&edit);
    strvec_free(&parts);
}

static void cmd_unset(session *s, char *args) {
    rtrim(args);
    if (!*args) {
        fail(s, "usage: :unset PATH");
        return;
    }
    strvec parts = {0};
    const aeo_field *field;
    if (!resolve_path(s, args, &parts, &field)) {
        strvec_free(&parts);
        return;
    }
    aeo_buf path = {0}, edit = {0};
    path_text(s, &parts, &path);
    cJSON *obj = s->cur;
    for (uint32_t i = 0; obj && i + 1 < parts.n; i++) {
        obj = cJSON_GetObjectItemCaseSensitive(obj, parts.items[i]);
        if (obj && !cJSON_IsObject(obj)) obj = NULL;
    }
    const char *last = parts.items[parts.n - 1];
    cJSON *item = obj ? cJSON_GetObjectItemCaseSensitive(obj, last) : NULL;
    if (!item || cJSON_IsNull(item)) {
        printf("%s is already missing\n", path.data);
    } else {
        outcomes *before = snapshot(s);
        /* The same walk on a copy. */
        cJSON *root = cJSON_Duplicate(s->cur, 1);
        cJSON *o = root;
        for (uint32_t i = 0; i + 1 < parts.n; i++) o = cJSON_GetObjectItemCaseSensitive(o, parts.items[i]);
        cJSON_DeleteItemFromObjectCaseSensitive(o, last);
        aeo_buf_printf(&edit, "unset %s", path.data);
        if (commit_facts(s, root, edit.data)) {
            printf("%s is now missing%s\n", path.data, field->optional ? "" : " (a required fact: unknown here)");
            print_changes(s, before);
        } else {
            outcomes_free(before);
        }
    }
    aeo_buf_free(&path);
    aeo_buf_free(&edit);
    strvec_free(&parts);
}

static void cmd_reset(session *s, char *args) {
    (void)args;
    if (!s->edits.n) {
        printf("no what-if edits\n");
        return;
    }
    outcomes *before = snapshot(s);
    uint32_t n = s->edits.n;
    if (s->cur != s->base) cJSON_Delete(s->cur);
    s->cur = s->base;
    strvec_clear(&s->edits);
    printf("dropped %u what-if %s\n", n, plural(n, "edit", "edits"));
    print_changes(s, before);
}

static void cmd_measures(session *s, char *args) {
    (void)args;
    const aeo_program *p = s->c->program;
    if (!p->n_measures) {
        printf("no measures\n");
        return;
    }
    /* Columns by display width (runtime/width.h), titles and words in
     * the session's language (:lang). */
    const char *lang = s->c->texts ? s->c->texts->display : NULL;
    size_t w = 2, ow = 0;
    for (uint32_t i = 0; i < p->n_measures; i++) {
        size_t n = aeo_width_str(p->measures[i].id, strlen(p->measures[i].id));
        if (n > w) w = n;
    }
    for (int kind = 0; kind < 4; kind++) {
        const char *word = aeo_text_outcome(lang, kind);
        size_t n = aeo_width_str(word, strlen(word));
        if (n > ow) ow = n;
    }
    uint32_t counts[4] = {0};
    aeo_buf b = {0};
    begin_record(s);
    for (uint32_t i = 0; i < p->n_measures; i++) {
        const aeo_measure_info *m = &p->measures[i];
        aeo_value v = aeo_vm_measure(s->vm, i);
        aeo_outcome_kind k = classify(s, &v);
        counts[k]++;
        aeo_width_pad(&b, m->id, w, 0);
        aeo_buf_puts(&b, "  ");
        aeo_width_pad(&b, aeo_text_outcome(lang, (int)k), ow, 0);
        aeo_buf_printf(&b, "  %s", aeo_text_measure(s->c, lang, m->id, NULL, m->title));
        char *val = k == AEO_OUTCOME_APPLIES ? value_json(s, i) : NULL;
        if (val) {
            aeo_buf_printf(&b, "  = %s%s%s", val, m->unit ? " " : "",
                           m->unit ? aeo_text_measure(s->c, lang, m->id, "unit", m->unit) : "");
            free(val);
        }
        if (k == AEO_OUTCOME_UNDECIDED) {
            aeo_buf_printf(&b, "  (%s", aeo_text_word(lang, AEO_WORD_MISSING));
            for (uint32_t j = 0; j < v.as.unk->n; j++) aeo_buf_printf(&b, " %s", v.as.unk->paths[j]);
            aeo_buf_puts(&b, ")");
        } else if (k == AEO_OUTCOME_ERROR) {
            aeo_buf_printf(&b, "  (%s", v.as.e->msg);
            if (v.as.e->has_span) aeo_sources_append_at(&s->c->sources, v.as.e->span, &b);
            aeo_buf_puts(&b, ")");
        } else if (k == AEO_OUTCOME_NOT && !aeo_vm_in_force(s->vm, i)) {
            aeo_buf_printf(&b, "  (%s)", aeo_text_word(lang, AEO_WORD_NOT_IN_FORCE));
        }
        aeo_buf_puts(&b, "\n");
    }
    aeo_vm_end(s->vm);
    print_text(s, &b, false);
    if (lang && aeo_text_word(lang, AEO_WORD_REPL_COUNTS) != aeo_text_word(NULL, AEO_WORD_REPL_COUNTS)) {
        char a[16], n[16], un[16], e[16];
        snprintf(a, sizeof a, "%u", counts[AEO_OUTCOME_APPLIES]);
        snprintf(n, sizeof n, "%u", counts[AEO_OUTCOME_NOT]);
        snprintf(un, sizeof un, "%u", counts[AEO_OUTCOME_UNDECIDED]);
        snprintf(e, sizeof e, "%u", counts[AEO_OUTCOME_ERROR]);
        const char *fa[6] = {a, n, un, NULL, NULL, e};
        aeo_buf t = {0};
        aeo_text_fill(&t, lang, AEO_WORD_REPL_COUNTS, fa);
        printf("%s\n", t.data);
        aeo_buf_free(&t);
    } else {
        /* English: with its plurals. */
        printf("%u %s, %u not, %u undecided, %u %s\n", counts[AEO_OUTCOME_APPLIES],
               plural(counts[AEO_OUTCOME_APPLIES], "applies", "apply"), counts[AEO_OUTCOME_NOT],
               counts[AEO_OUTCOME_UNDECIDED], counts[AEO_OUTCOME_ERROR], plural(counts[AEO_OUTCOME_ERROR], "error", "errors"));
    }
    aeo_buf_free(&b);
}

/* Whether [text] is a lone identifier; copies it into [buf]. */
static bool lone_ident(const char *text, char *buf, size_t size) {
    const char *t = skip_space(text);
    const char *e = t;
    if (!is_ident_start(*e)) return false;
    while (is_ident_char(*e)) e++;
    const char *after = skip_space(e);
    if (*after || (size_t)(e - t) >= size) return false;
    memcpy(buf, t, (size_t)(e - t));
    buf[e - t] = '\0';
    return true;
}

static void cmd_explain(session *s, char *args) {
    if (!*args) {
        fail(s, "usage: :explain ID or :explain EXPR");
        return;
    }
    char id[256];
    aeo_buf b = {0};
    int idx = lone_ident(args, id, sizeof id) ? aeo_program_measure(s->c->program, id) : -1;
    if (idx >= 0) {
        begin_record(s);
        aeo_explain_measure(s->c, s->vm, (uint32_t)idx, s->color_out, &b);
        aeo_vm_end(s->vm);
    } else {
        aeo_expr *e = parse_check(s, args);
        if (!e) return;
        begin_record(s);
        aeo_explain_expr(s->c, s->vm, e, s->color_out, &b);
        aeo_vm_end(s->vm);
    }
    if (b.len) print_text(s, &b, false);
    if (b.len && b.data[b.len - 1] != '\n') fputc('\n', stdout);
    aeo_buf_free(&b);
}

static void cmd_type(session *s, char *args) {
    if (!*args) {
        fail(s, "usage: :type EXPR");
        return;
    }
    aeo_expr *e = parse_check(s, args);
    if (!e) return;
    char tb[512];
    printf("%s\n", aeo_type_format(e->type ? e->type : &aeo_type_dyn, tb, sizeof tb));
}

static void pos_of(void *ud, uint32_t offset, uint32_t *line, uint32_t *col) {
    session *s = ud;
    aeo_sources_position(&s->c->sources, s->c->sources.n - 1, offset, line, col);
}

static void cmd_ast(session *s, char *args) {
    if (!*args) {
        fail(s, "usage: :ast EXPR");
        return;
    }
    aeo_catalog *c = s->c;
    aeo_diags_clear(&c->diags);
    aeo_arena_reset(s->scratch);
    aeo_expr *e = aeo_catalog_parse_expr(c, s->scratch, "<repl>", args, strlen(args));
    if (c->diags.n) print_diags(s, &c->diags, &c->sources, -1);
    if (!e) {
        s->failed = true;
        return;
    }
    aeo_expr_dump(stdout, e, 0, pos_of, s);
}

static void cmd_dis(session *s, char *args) {
    if (!*args) {
        fail(s, "usage: :dis ID or :dis EXPR");
        return;
    }
    const aeo_program *p = s->c->program;
    char id[256];
    if (lone_ident(args, id, sizeof id)) {
        int idx = aeo_program_measure(p, id);
        if (idx >= 0) {
            aeo_chunk_disasm(p->measures[idx].chunk, stdout, aeo_sources_span_namer, &s->c->sources);
            return;
        }
        for (uint32_t i = 0; i < p->n_defs; i++) {
            if (p->defs[i].name && strcmp(p->defs[i].name, id) == 0) {
                aeo_chunk_disasm(p->defs[i].chunk, stdout, aeo_sources_span_namer, &s->c->sources);
                return;
            }
        }
    }
    aeo_expr *e = parse_check(s, args);
    aeo_chunk *ch = e ? compile(s, e) : NULL;
    if (!ch) return;
    aeo_chunk_disasm(ch, stdout, aeo_sources_span_namer, &s->c->sources);
    aeo_chunk_free(ch);
}

static void cmd_as_of(session *s, char *args) {
    rtrim(args);
    char buf[48];
    if (!*args) {
        format_date(buf, s->as_of);
        printf("as_of = %s\n", buf);
        return;
    }
    aeo_value v;
    if (!parse_date(args, &v)) {
        fail(s, "'%s' is not a date (YYYY-MM-DD, RFC 3339, or today)", args);
        return;
    }
    outcomes *before = snapshot(s);
    s->as_of = v;
    aeo_vm_set_as_of(s->vm, v);
    format_date(buf, v);
    printf("as_of = %s\n", buf);
    print_changes(s, before);
}

/* :why [ID], :suggest ID, :ask: the statement of lang/why.h for the
 * current record, in the session's language.  The solver is made for the
 * catalog in use at each call (the catalog changes with :load, :reload
 * and every typed declaration). */
static void why_command(session *s, char *args, int what) {
    static const char *const usage[] = {"usage: :why [ID]", "usage: :suggest ID", "usage: :ask"};
    rtrim(args);
    char id[256];
    int idx = -1;
    if (*args) {
        if (what == 2 || !lone_ident(args, id, sizeof id)) {
            fail(s, "%s", usage[what]);
            return;
        }
        idx = aeo_program_measure(s->c->program, id);
        if (idx < 0) {
            fail(s, "no measure '%s' in the catalog", id);
            return;
        }
    } else if (what == 1) {
        fail(s, "%s", usage[what]);
        return;
    }
    if (!s->c->program->root) {
        fail(s, "the catalog has no facts schema");
        return;
    }
    aeo_solver *solver = aeo_solver_new(s->c);
    aeo_why_opts o = {s->lang, NULL, 0, solver, 3, AEO_WHY_TEXT};
    aeo_buf b = {0};
    begin_record(s);
    if (what == 0 && idx >= 0) aeo_why_measure(s->c, s->vm, &o, (uint32_t)idx, &b);
    else if (what == 0) {
        aeo_buf kb = {0};
        const char *key = aeo_outcome_key(s->vm, s->c->program->key, &kb);
        aeo_why_record(s->c, s->vm, &o, 0, key, &b);
        aeo_buf_free(&kb);
    }
    else if (what == 1) aeo_why_suggest(s->c, s->vm, &o, (uint32_t)idx, &b);
    else aeo_why_ask(s->c, s->vm, &o, &b);
    aeo_vm_end(s->vm);
    aeo_solver_free(solver);
    fwrite(b.data ? b.data : "", 1, b.len, stdout);
    aeo_buf_free(&b);
}

static void cmd_why(session *s, char *args) { why_command(s, args, 0); }
static void cmd_suggest(session *s, char *args) { why_command(s, args, 1); }
static void cmd_ask(session *s, char *args) { why_command(s, args, 2); }

/* :lang [L]: the language of titles, benefits and table words. */
static void cmd_lang(session *s, char *args) {
    rtrim(args);
    aeo_buf langs = {0};
    aeo_text_langs(s->c, &langs);
    if (*args) {
        if (!aeo_text_has_lang(s->c, args)) {
            fail(s, "the catalog has no text in '%s'; its languages: %s", args, langs.data);
            aeo_buf_free(&langs);
            return;
        }
        free(s->lang);
        s->lang = aeo_xstrdup(args);
        aeo_text_set_display(s->c, s->lang);
    }
    const char *cur = s->c->texts ? s->c->texts->display : NULL;
    printf("lang = %s (the catalog has: %s)\n", cur ? cur : "source text", langs.data);
    aeo_buf_free(&langs);
}

static void list_names(const char *what, const aeo_decls *d) {
    if (!d->n) return;
    printf("%s:", what);
    for (uint32_t i = 0; i < d->n; i++) printf("%s %s", i ? "," : "", d->items[i]->name);
    printf("\n");
}

static void cmd_list(session *s, char *args) {
    (void)args;
    const aeo_catalog *c = s->c;
    const aeo_program *p = c->program;
    if (p->catalog) printf("catalog %s\n", p->catalog);
    if (s->paths.n) {
        printf("files:");
        for (uint32_t i = 0; i < s->paths.n; i++) printf(" %s", s->paths.items[i]);
        printf("\n");
    }
    if (s->retry.n) {
        printf("not loaded, with errors (:reload tries again):");
        for (uint32_t i = 0; i < s->retry.n; i++) printf(" %s", s->retry.items[i]);
        printf("\n");
    }
    if (c->root) printf("facts %s: %u %s\n", c->root_name, c->root->n_fields, plural(c->root->n_fields, "field", "fields"));
    if (p->n_measures) {
        printf("measures:\n");
        size_t w = 2, tw = 5;
        for (uint32_t i = 0; i < p->n_measures; i++) {
            size_t n = aeo_width_str(p->measures[i].id, strlen(p->measures[i].id));
            if (n > w) w = n;
            n = 0;
            for (uint32_t t = 0; t < p->measures[i].n_tiers; t++)
                n += aeo_width_str(p->measures[i].tiers[t], strlen(p->measures[i].tiers[t])) + (t ? 2 : 0);
            if (n > tw) tw = n;
        }
        const char *lang = c->texts ? c->texts->display : NULL;
        for (uint32_t i = 0; i < p->n_measures; i++) {
            const aeo_measure_info *m = &p->measures[i];
            aeo_buf t = {0}, line = {0};
            for (uint32_t k = 0; k < m->n_tiers; k++) aeo_buf_printf(&t, "%s%s", k ? ", " : "", m->tiers[k]);
            aeo_buf_puts(&line, "  ");
            aeo_width_pad(&line, m->id, w, 0);
            aeo_buf_puts(&line, "  ");
            aeo_width_pad(&line, t.data ? t.data : "", tw, 0);
            printf("%s  %s\n", line.data, aeo_text_measure(c, lang, m->id, NULL, m->title));
            aeo_buf_free(&t);
            aeo_buf_free(&line);
        }
    }
    list_names("tiers", &c->tiers);
    list_names("defs", &c->defs);
    list_names("consts", &c->consts);
    if (c->tests.n) printf("tests: %u\n", c->tests.n);
    if (s->n_decls) {
        printf("typed in this session:\n");
        for (uint32_t i = 0; i < s->n_decls; i++) {
            const char *t = s->decls[i].text;
            while (*t) {
                const char *nl = strchr(t, '\n');
                size_t n = nl ? (size_t)(nl - t) : strlen(t);
                printf("  %.*s\n", (int)n, t);
                t += n + (nl ? 1 : 0);
            }
        }
    }
    if (!p->n_measures && !s->n_decls && !s->paths.n && !s->retry.n) printf("nothing loaded (:load PATH...)\n");
}

static void cmd_test(session *s, char *args) {
    rtrim(args);
    if (!s->c->tests.n) {
        printf("no tests in the catalog\n");
        return;
    }
    aeo_test_opts o = {0};
    o.format = AEO_TEST_TEXT;
    o.filter = *args ? args : NULL;
    o.has_as_of = true;
    o.as_of = s->as_of;
    o.color = s->color_out;
    aeo_test_summary sum = {0};
    fflush(stdout);
    if (!aeo_tests_run(s->c, &o, stdout, &sum)) s->failed = true;
    else if (sum.failed) s->failed = true;
}

static void cmd_quit(session *s, char *args) {
    (void)args;
    s->quit = true;
}

static void cmd_help(session *s, char *args);

static const command commands[] = {
    {"load", "PATH...", cmd_load, CX_AEO_FILES, "load rule files or directories, in place of the loaded ones",
     "Loads the .aeo files and directories (read recursively) as the session's catalog, in place\n"
     "of the ones loaded before; the declarations typed in the session are kept (those that no\n"
     "longer check are dropped, with their errors).  If the files have errors, the previous\n"
     "catalog stays in use: fix them and :reload."},
    {"reload", "", cmd_reload, CX_NONE, "re-read the rule files; keeps facts, edits and typed declarations",
     "Reads the loaded files again, after you edit them.  The facts, the what-if edits, the\n"
     "as-of date and the typed declarations are kept."},
    {"facts", "FILE [N] | {json}", cmd_facts, CX_FACTS,
     "use record N (default 1) of a JSON file, or this JSON, or an example",
     "Makes record N (counted from 1; default 1) of a JSON, JSON Lines or JSON array file the\n"
     "current record, or the JSON object typed after :facts, or an example of the catalog\n"
     "(:facts NAME, or :facts NAME with {...}, merged as a test's facts are).  It is checked\n"
     "against the facts schema as `aeo eval` checks it, except that missing required facts are\n"
     "unknown rather than an error.  The what-if edits are dropped.  :facts alone says where the\n"
     "facts came from and lists the edits.  From a pipe or a device it reads at most 64 MiB."},
    {"show", "", cmd_show, CX_NONE, "the current record as JSON, with the what-if edits",
     "Prints the current record as JSON, what-if edits applied."},
    {"set", "PATH = EXPR", cmd_set, CX_SET, "what-if: give a fact a new value",
     "Sets the fact at PATH (enterprise.credit, enterprise.address.city; the root name may be\n"
     "left out) to the value of the CEL expression EXPR, evaluated on the current record, and\n"
     "lists the measures whose outcome changed.  The value must fit the schema.  :reset undoes\n"
     "all edits."},
    {"unset", "PATH", cmd_unset, CX_PATH, "what-if: make a fact missing",
     "Removes the fact at PATH from the record, so that it is unknown, and lists the measures\n"
     "whose outcome changed."},
    {"reset", "", cmd_reset, CX_NONE, "drop the what-if edits",
     "Goes back to the record as loaded, and lists the measures whose outcome changed."},
    {"measures", "", cmd_measures, CX_NONE, "every measure's outcome for the current record",
     "Evaluates every measure on the current record as of the session's date: applies, not,\n"
     "undecided (with the missing facts it depends on) or error (with the message)."},
    {"explain", "ID | EXPR", cmd_explain, CX_EXPR, "why a measure applies or not, node by node",
     "For a measure ID: its condition tree (scope, tiers, when, unless) with each node's value,\n"
     "the leaves that decided the outcome, and the measure's cite.  For an expression: its\n"
     "tree with each node's value."},
    {"why", "[ID]", cmd_why, CX_EXPR, "why a measure applies or not, in words (no ID: the whole record)",
     "For a measure ID: its outcome and the reasons in words, as `aeo why` states them: the\n"
     "deciding conditions through the catalog's labels, with the facts' values, then what\n"
     "would make it apply, or the facts to provide.  Without ID: the whole statement for the\n"
     "current record.  In the session's language (:lang)."},
    {"suggest", "ID", cmd_suggest, CX_EXPR, "what would make a measure apply to the current record",
     "The solver's smallest sets of fact changes that make measure ID apply (checked by\n"
     "evaluating the changed record), fewest facts first, never a `fixed:` fact; \"not known\"\n"
     "with the reason when it cannot tell.  For an undecided measure: the facts to provide."},
    {"ask", "", cmd_ask, CX_NONE, "the missing facts to ask for, most decisive first",
     "The facts the current record lacks, ordered by how many undecided measures each one\n"
     "decides whatever its value (the solver's order; without its answer, by how many\n"
     "undecided measures miss it)."},
    {"type", "EXPR", cmd_type, CX_EXPR, "the static type of an expression",
     "Prints the type the checker gives EXPR, without evaluating it."},
    {"ast", "EXPR", cmd_ast, CX_EXPR, "the syntax tree of an expression",
     "Prints the syntax tree of EXPR as the parser builds it, one node per line with its\n"
     "line:column."},
    {"dis", "ID | EXPR", cmd_dis, CX_EXPR, "the bytecode of a measure, def, const, tier or expression",
     "Disassembles the compiled bytecode of a measure, a def, const or tier, or an expression."},
    {"as-of", "[DATE]", cmd_as_of, CX_NONE, "show or set the evaluation date",
     "Sets `as_of`, the date measures are evaluated on (YYYY-MM-DD, an RFC 3339 timestamp, or\n"
     "today), and lists the measures whose outcome changed.  Without DATE, prints it.  The\n"
     "default is --as-of, else today (UTC)."},
    {"lang", "[L]", cmd_lang, CX_NONE, "show or set the language of titles and table words",
     "Prints titles, benefits, units and the words of :measures and :explain in language L\n"
     "(the catalog's text blocks), each key falling back to the catalog's base language, then\n"
     "to the source text.  Without L, prints the language and those the catalog has."},
    {"list", "", cmd_list, CX_NONE, "the catalog's measures and names, and what was typed here",
     "Lists the loaded files, the measures with their tiers, the tiers, defs and consts, and\n"
     "the declarations typed in the session."},
    {"test", "[REGEX]", cmd_test, CX_NONE, "run the catalog's tests",
     "Runs the catalog's test blocks (those whose name matches REGEX, if given), as `aeo test`."},
    {"help", "[COMMAND]", cmd_help, CX_COMMAND, "the commands, or more about one", "Lists the commands, or explains one."},
    {"quit", "", cmd_quit, CX_NONE, "leave the REPL (Ctrl-D too)", "Leaves the REPL.  Ctrl-D on an empty line does too."},
};
static const uint32_t n_commands = sizeof commands / sizeof commands[0];

/* The command named [name] ([len] bytes): exact, or a unique prefix.
 * *[ambiguous] is set when several commands start with it. */
static const command *find_command(const char *name, size_t len, bool *ambiguous) {
    const command *found = NULL;
    uint32_t n = 0;
    *ambiguous = false;
    for (uint32_t i = 0; i < n_commands; i++) {
        if (strncmp(commands[i].name, name, len) != 0) continue;
        if (commands[i].name[len] == '\0') return &commands[i];
        found = &commands[i];
        n++;
    }
    if (n > 1) {
        *ambiguous = true;
        return NULL;
    }
    return found;
}

static void cmd_help(session *s, char *args) {
    rtrim(args);
    const char *a = args[0] == ':' ? args + 1 : args;
    if (*a) {
        bool amb;
        const command *c = find_command(a, strlen(a), &amb);
        if (!c) {
            fail(s, "no command ':%s'", a);
            return;
        }
        printf(":%s %s\n%s\n", c->name, c->args, c->help);
        return;
    }
    printf("Type a CEL expression to evaluate it on the current facts, or a declaration\n"
           "(def, const, tier, measure, test) to add it to the session.  Input goes on\n"
           "while brackets or a block are open.  Commands (a unique prefix is enough):\n");
    for (uint32_t i = 0; i < n_commands; i++) {
        char head[64];
        snprintf(head, sizeof head, ":%s %s", commands[i].name, commands[i].args);
        printf("  %-26s %s\n", head, commands[i].summary);
    }
    printf("Tab completes commands, names, fact paths, enum values and file names.\n");
}

static void run_command(session *s, const char *line) {
    const char *name = line + 1;
    const char *e = name;
    while (*e && !isspace((unsigned char)*e)) e++;
    size_t len = (size_t)(e - name);
    char *args = aeo_xstrdup(skip_space(e));
    rtrim(args);
    bool amb;
    const command *c = len ? find_command(name, len, &amb) : NULL;
    if (c) {
        c->fn(s, args);
    } else if (len && amb) {
        aeo_buf b = {0};
        for (uint32_t i = 0; i < n_commands; i++)
            if (strncmp(commands[i].name, name, len) == 0) aeo_buf_printf(&b, " :%s", commands[i].name);
        fail(s, "ambiguous command ':%.*s':%s", (int)len, name, b.data);
        aeo_buf_free(&b);
    } else {
        const char *names[sizeof commands / sizeof commands[0]];
        for (uint32_t i = 0; i < n_commands; i++) names[i] = commands[i].name;
        char *w = xstrndup(name, len);
        const char *sug = len ? aeo_suggest(w, names, n_commands) : NULL;
        if (sug) fail(s, "unknown command ':%s'; did you mean ':%s'?", w, sug);
        else fail(s, "unknown command ':%s'; :help lists the commands", w);
        free(w);
    }
    free(args);
}

/* ---- completion ------------------------------------------------------------------------ */

typedef aeo_lineedit_cand cand;
typedef aeo_lineedit_cands cands;

static bool starts_with(const char *s, const char *prefix, size_t n) { return strncmp(s, prefix, n) == 0; }

/* The static type of the name path [path] ("enterprise.address", "ONE_YEAR"),
 * or NULL. */
static const aeo_type *type_of_path(session *s, const char *path, size_t len) {
    const aeo_catalog *c = s->c;
    const char *e = path;
    while ((size_t)(e - path) < len && *e != '.') e++;
    size_t n = (size_t)(e - path);
    const aeo_type *t = NULL;
    if (c->facts && c->root_name && strlen(c->root_name) == n && memcmp(c->root_name, path, n) == 0) {
        t = c->facts->type;
    } else {
        const aeo_decls *lists[] = {&c->consts, &c->defs, &c->tiers};
        for (size_t k = 0; k < 3 && !t; k++)
            for (uint32_t i = 0; i < lists[k]->n && !t; i++)
                if (strlen(lists[k]->items[i]->name) == n && memcmp(lists[k]->items[i]->name, path, n) == 0)
                    t = lists[k]->items[i]->type;
        if (!t && n == 5 && memcmp(path, "as_of", 5) == 0) t = &aeo_type_timestamp;
    }
    while (t && (size_t)(e - path) < len) {
        const char *f = e + 1;
        e = f;
        while ((size_t)(e - path) < len && *e != '.') e++;
        if (t->kind != AEO_T_RECORD) return NULL;
        const aeo_field *fd = NULL;
        for (uint32_t i = 0; i < t->rec->n_fields && !fd; i++)
            if (strlen(t->rec->fields[i].name) == (size_t)(e - f) && memcmp(t->rec->fields[i].name, f, (size_t)(e - f)) == 0)
                fd = &t->rec->fields[i];
        t = fd ? fd->type : NULL;
    }
    return t;
}

/* Whether method [name] can be called on a value of type [t]: asked of the
 * builtins' own signatures (the receiver is the first letter of an
 * overload, AEO_BUILTIN_LETTERS) and of the macro table (comprehensions
 * take lists and maps).  A name neither knows is offered for any receiver. */
static bool method_fits(const char *name, const aeo_type *t) {
    if (!t || t->kind == AEO_T_DYN) return true;
    const char *letters;
    switch (t->kind) {
    case AEO_T_STRING:
    case AEO_T_ENUM: letters = "sA"; break;
    case AEO_T_LIST: letters = "lSA"; break;
    case AEO_T_MAP: letters = "mA"; break;
    case AEO_T_TIMESTAMP: letters = "tA"; break;
    case AEO_T_DURATION: letters = "DA"; break;
    case AEO_T_BYTES: letters = "yA"; break;
    default: return false;
    }
    int m = aeo_macro_find(name);
    if (m >= 0) return aeo_macro_table[m].method && (t->kind == AEO_T_LIST || t->kind == AEO_T_MAP);
    for (uint32_t i = 0; i < aeo_builtin_count; i++) {
        if (strcmp(aeo_builtins[i].name, name) != 0) continue;
        /* The first letter of each ';'-separated overload. */
        for (const char *o = aeo_builtins[i].overloads; o && *o; o = strchr(o, ';') ? strchr(o, ';') + 1 : "")
            if (*o != ':' && strchr(letters, *o)) return true;
        return false;
    }
    return true;
}

/* Adds every enum value of the schema (records reached from the root). */
static void all_enum_values(const aeo_record_type *rt, const char *prefix, size_t plen, cands *cs, int depth) {
    if (!rt || depth > 8) return;
    for (uint32_t i = 0; i < rt->n_fields; i++) {
        const aeo_type *t = rt->fields[i].type;
        if (t->kind == AEO_T_LIST) t = t->elem;
        if (t->kind == AEO_T_ENUM) {
            for (uint32_t k = 0; k < t->n_enum; k++)
                if (starts_with(t->enum_values[k], prefix, plen)) aeo_lineedit_cands_add(cs, "", 0, t->enum_values[k], NULL);
        } else if (t->kind == AEO_T_RECORD) {
            all_enum_values(t->rec, prefix, plen, cs, depth + 1);
        }
    }
}

/* The type of the comparison operand before the string literal opening at
 * [q] in [text]: `PATH == "`, `PATH != "`, `PATH in ["a", "`; or NULL. */
static const aeo_type *enum_context(session *s, const char *text, size_t from, size_t q) {
    size_t j = q;
    while (j > from && isspace((unsigned char)text[j - 1])) j--;
    if (j > from && (text[j - 1] == '[' || text[j - 1] == ',')) {
        int depth = 0;
        while (j > from) {
            char ch = text[--j];
            if (ch == ']') depth++;
            else if (ch == '[' && depth-- == 0) break;
        }
        if (text[j] != '[') return NULL;
        while (j > from && isspace((unsigned char)text[j - 1])) j--;
        if (j < from + 2 || text[j - 1] != 'n' || text[j - 2] != 'i') return NULL;
        j -= 2;
        if (j > from && is_word_char(text[j - 1])) return NULL;
    } else if (j >= from + 2 && (text[j - 1] == '=') && (text[j - 2] == '=' || text[j - 2] == '!')) {
        j -= 2;
    } else {
        return NULL;
    }
    while (j > from && isspace((unsigned char)text[j - 1])) j--;
    size_t end = j;
    while (j > from && is_word_char(text[j - 1])) j--;
    if (j == end) return NULL;
    return type_of_path(s, text + j, end - j);
}

/* Completes the expression in text[from, to): names, fields, methods, or an
 * enum value inside a string literal.  [hint] is the expected type, if
 * known (the field of :set). */
static void complete_expr(session *s, const char *text, size_t from, size_t to, cands *cs, const aeo_type *hint) {
    const aeo_catalog *c = s->c;
    char q = 0;
    size_t qpos = 0;
    for (size_t i = from; i < to; i++) {
        char ch = text[i];
        if (q) {
            if (ch == '\\') i++;
            else if (ch == q) q = 0;
            continue;
        }
        if (ch == '"' || ch == '\'') {
            q = ch;
            qpos = i;
        } else if (ch == '#' || (ch == '/' && i + 1 < to && text[i + 1] == '/')) {
            return;   /* in a comment */
        }
    }
    if (q) {
        const aeo_type *t = hint ? hint : enum_context(s, text, from, qpos);
        if (t && t->kind == AEO_T_LIST) t = t->elem;
        const char *prefix = text + qpos + 1;
        size_t plen = to - qpos - 1;
        static char quote[2][2] = {"\"", "'"};
        cs->start = qpos + 1;
        uint32_t before = cs->n;
        if (t && t->kind == AEO_T_ENUM) {
            for (uint32_t k = 0; k < t->n_enum; k++)
                if (starts_with(t->enum_values[k], prefix, plen)) aeo_lineedit_cands_add(cs, "", 0, t->enum_values[k], NULL);
        } else if (!t) {
            all_enum_values(c->root, prefix, plen, cs, 0);
        }
        for (uint32_t i = before; i < cs->n; i++) cs->items[i].suffix = quote[q == '\''];
        return;
    }
    size_t ws = to;
    while (ws > from && is_word_char(text[ws - 1])) ws--;
    if (ws < to && isdigit((unsigned char)text[ws])) return;   /* a number */
    cs->start = ws;
    const char *word = text + ws;
    size_t wlen = to - ws;
    const char *dot = NULL;
    for (size_t i = 0; i < wlen; i++)
        if (word[i] == '.') dot = word + i;
    if (dot) {
        size_t blen = (size_t)(dot - word);
        const char *partial = dot + 1;
        size_t plen = wlen - blen - 1;
        cs->show_from = blen + 1;
        const aeo_type *t = blen ? type_of_path(s, word, blen) : NULL;
        if (!blen && ws > from) {
            /* A literal receiver: "x".f, [..].f, {..}.f */
            char before = text[ws - 1];
            if (before == '"' || before == '\'') t = &aeo_type_string;
            else if (before == ']') t = &aeo_type_list_dyn;
            else if (before == '}') t = &aeo_type_map_dyn;
        }
        if (t && t->kind == AEO_T_RECORD) {
            for (uint32_t i = 0; i < t->rec->n_fields; i++)
                if (starts_with(t->rec->fields[i].name, partial, plen))
                    aeo_lineedit_cands_add(cs, word, blen + 1, t->rec->fields[i].name, NULL);
            return;
        }
        for (uint32_t i = 0; i < aeo_builtin_count; i++)
            if ((aeo_builtins[i].style & AEO_CALL_METHOD) && starts_with(aeo_builtins[i].name, partial, plen) &&
                method_fits(aeo_builtins[i].name, t))
                aeo_lineedit_cands_add(cs, word, blen + 1, aeo_builtins[i].name, "(");
        for (int i = 0; i < AEO_MACRO__COUNT; i++)
            if (aeo_macro_table[i].method && starts_with(aeo_macro_table[i].name, partial, plen) &&
                method_fits(aeo_macro_table[i].name, t))
                aeo_lineedit_cands_add(cs, word, blen + 1, aeo_macro_table[i].name, "(");
        return;
    }
    /* A name. */
    if (c->root_name && starts_with(c->root_name, word, wlen)) aeo_lineedit_cands_add(cs, "", 0, c->root_name, NULL);
    const aeo_decls *lists[] = {&c->measures, &c->tiers, &c->defs, &c->consts};
    for (size_t k = 0; k < 4; k++)
        for (uint32_t i = 0; i < lists[k]->n; i++)
            if (lists[k]->items[i]->name && starts_with(lists[k]->items[i]->name, word, wlen))
                aeo_lineedit_cands_add(cs, "", 0, lists[k]->items[i]->name, NULL);
    static const char *const words[] = {"as_of", "true", "false", "null"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (starts_with(words[i], word, wlen)) aeo_lineedit_cands_add(cs, "", 0, words[i], NULL);
    for (uint32_t i = 0; i < aeo_builtin_count; i++)
        if ((aeo_builtins[i].style & AEO_CALL_GLOBAL) && starts_with(aeo_builtins[i].name, word, wlen))
            aeo_lineedit_cands_add(cs, "", 0, aeo_builtins[i].name, "(");
    if (starts_with("has", word, wlen)) aeo_lineedit_cands_add(cs, "", 0, "has", "(");
    if (ws == from && !hint) {
        /* The declaration keywords (AEO_DECL_KINDS' words). */
        for (int k = AEO_DECL_ERROR + 1; k < AEO_DECL__COUNT; k++) {
            const char *w = aeo_decl_kind_word((aeo_decl_kind)k);
            if (starts_with(w, word, wlen)) aeo_lineedit_cands_add(cs, "", 0, w, " ");
        }
    }
}

/* Completes a fact path in text[from, to) (the argument of :set, :unset). */
static void complete_fact_path(session *s, const char *text, size_t from, size_t to, cands *cs) {
    const aeo_catalog *c = s->c;
    if (!c->root) return;
    size_t ws = to;
    while (ws > from && is_word_char(text[ws - 1])) ws--;
    if (ws != from) return;
    const char *word = text + ws;
    size_t wlen = to - ws;
    const char *dot = memchr(word, '.', wlen);
    if (dot) {
        complete_expr(s, text, from, to, cs, NULL);
        /* Fields only: drop methods. */
        uint32_t k = 0;
        for (uint32_t i = 0; i < cs->n; i++) {
            if (cs->items[i].suffix && strcmp(cs->items[i].suffix, "(") == 0) free(cs->items[i].word);
            else cs->items[k++] = cs->items[i];
        }
        cs->n = k;
        return;
    }
    cs->start = ws;
    if (starts_with(c->root_name, word, wlen)) aeo_lineedit_cands_add(cs, "", 0, c->root_name, ".");
    for (uint32_t i = 0; i < c->root->n_fields; i++)
        if (starts_with(c->root->fields[i].name, word, wlen)) aeo_lineedit_cands_add(cs, "", 0, c->root->fields[i].name, NULL);
}

/* Completes a file name in text[from, to): directories, and files (only
 * .aeo files when [aeo_only]). */
static void complete_file(const char *text, size_t from, size_t to, cands *cs, bool aeo_only) {
    const char *word = text + from;
    size_t wlen = to - from;
    size_t dlen = 0;
    for (size_t i = 0; i < wlen; i++)
        if (word[i] == '/') dlen = i + 1;
    char *dir = xstrndup(word, dlen);
    char *open_dir = dlen ? expand_tilde(dir) : aeo_xstrdup(".");
    const char *name = word + dlen;
    size_t nlen = wlen - dlen;
    cs->start = from;
    cs->show_from = dlen;
    DIR *d = opendir(open_dir);
    struct dirent *ent;
    while (d && (ent = readdir(d))) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
        if (ent->d_name[0] == '.' && (nlen == 0 || name[0] != '.')) continue;
        if (!starts_with(ent->d_name, name, nlen)) continue;
        size_t plen = strlen(open_dir) + strlen(ent->d_name) + 2;
        char *full = aeo_xmalloc(plen);
        snprintf(full, plen, "%s/%s", open_dir, ent->d_name);
        struct stat st;
        bool is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
        free(full);
        size_t n = strlen(ent->d_name);
        if (!is_dir && aeo_only && (n < 4 || strcmp(ent->d_name + n - 4, ".aeo") != 0)) continue;
        aeo_lineedit_cands_add(cs, word, dlen, ent->d_name, is_dir ? "/" : " ");
    }
    if (d) closedir(d);
    free(dir);
    free(open_dir);
}

static int cmp_cand(const void *a, const void *b) {
    return strcmp(((const cand *)a)->word, ((const cand *)b)->word);
}

/* The candidates for completing line[0, cursor), sorted. */
static void complete_line(session *s, const char *line, size_t cursor, cands *cs) {
    size_t i = 0;
    while (i < cursor && isspace((unsigned char)line[i])) i++;
    if (s->pending || i >= cursor || line[i] != ':') {
        complete_expr(s, line, i, cursor, cs, NULL);
    } else {
        size_t w = i + 1;
        while (w < cursor && !isspace((unsigned char)line[w])) w++;
        if (w == cursor) {
            cs->start = i;
            for (uint32_t k = 0; k < n_commands; k++)
                if (starts_with(commands[k].name, line + i + 1, w - i - 1)) aeo_lineedit_cands_add(cs, ":", 1, commands[k].name, " ");
        } else {
            bool amb;
            const command *cmd = find_command(line + i + 1, w - i - 1, &amb);
            size_t a = w;
            while (a < cursor && isspace((unsigned char)line[a])) a++;
            size_t k = cursor;
            while (k > a && !isspace((unsigned char)line[k - 1])) k--;
            switch (cmd ? cmd->complete : CX_NONE) {
            case CX_EXPR: complete_expr(s, line, a, cursor, cs, NULL); break;
            case CX_AEO_FILES: complete_file(line, k, cursor, cs, true); break;
            case CX_FACTS:
                if (k == a && line[a] != '{' && line[a] != '[') {
                    complete_file(line, k, cursor, cs, false);
                    /* and the catalog's examples (:facts NAME) */
                    const aeo_decls *ex = &s->c->examples;
                    for (uint32_t x = 0; x < ex->n; x++)
                        if (starts_with(ex->items[x]->name, line + k, cursor - k))
                            aeo_lineedit_cands_add(cs, "", 0, ex->items[x]->name, " ");
                }
                break;
            case CX_PATH: complete_fact_path(s, line, a, cursor, cs); break;
            case CX_SET: {
                const char *eq = memchr(line + a, '=', cursor - a);
                if (!eq) {
                    complete_fact_path(s, line, a, cursor, cs);
                    break;
                }
                size_t e = (size_t)(eq - line);
                size_t pe = e;
                while (pe > a && isspace((unsigned char)line[pe - 1])) pe--;
                const aeo_type *t = s->c->root ? type_of_path(s, line + a, pe - a) : NULL;
                if (!t && s->c->root_name) {
                    /* The root name may be left out. */
                    aeo_buf b = {0};
                    aeo_buf_printf(&b, "%s.%.*s", s->c->root_name, (int)(pe - a), line + a);
                    t = type_of_path(s, b.data, b.len);
                    aeo_buf_free(&b);
                }
                complete_expr(s, line, e + 1, cursor, cs, t ? t : &aeo_type_dyn);
                break;
            }
            case CX_COMMAND:
                cs->start = k;
                for (uint32_t m = 0; m < n_commands; m++)
                    if (starts_with(commands[m].name, line + k, cursor - k)) aeo_lineedit_cands_add(cs, "", 0, commands[m].name, NULL);
                break;
            case CX_NONE: break;
            }
        }
    }
    if (cs->n > 1) qsort(cs->items, cs->n, sizeof *cs->items, cmp_cand);
}

/* The line editor's Tab (lineedit.c knows nothing of sessions). */
static void complete_for_editor(void *ud, const char *line, size_t cursor, cands *cs) {
    complete_line(ud, line, cursor, cs);
}

/* A line of a script (without its newline; free it), or NULL at the end. */
static char *read_script_line(FILE *in) {
    char *line = NULL;
    size_t cap = 0;
    errno = 0;
    ssize_t n = getline(&line, &cap, in);
    if (n < 0) {
        int e = errno;
        free(line);
        /* Not the end: out of memory or a read error.  Taking it for the
         * end would drop the rest of the script without a word. */
        if (!feof(in)) {
            fflush(stdout);
            fprintf(stderr, "aeo: reading the script: %s\n", strerror(e ? e : EIO));
            exit(2);
        }
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    return line;
}

/* ---- main ---------------------------------------------------------------------------- */

static const char repl_usage[] =
    "usage: aeo repl [PATH...] [--facts FILE] [--as-of DATE] [--lang L] [--color=auto|always|never]\n";

static void banner(session *s) {
    char date[48];
    format_date(date, s->as_of);
    aeo_buf b = {0};
    summary(s, &b);
    printf("aeo repl: %s; as of %s\n", s->paths.n || s->n_decls ? b.data : "no catalog loaded", date);
    if (s->base) {
        b.len = 0;
        record_key(s, &b);
        printf("facts: %s%s%s\n", s->origin, b.len ? ": " : "", b.len ? b.data : "");
    } else {
        printf("no facts yet: every fact is unknown until :facts FILE [N] or :set\n");
    }
    printf(":help lists the commands; Tab completes; Ctrl-D quits\n");
    aeo_buf_free(&b);
}

int aeo_repl_main(int argc, char **argv, const char *const *options) {
    const char *facts = NULL, *as_of = NULL, *lang = NULL;
    int color = -1;
    strvec paths = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        /* Only what [options] (the command table's entry) lists is
         * accepted, so that the list the shell completions print cannot
         * miss an option. */
        bool listed = a[0] != '-' || strcmp(a, "-") == 0 || strcmp(a, "-h") == 0 || aeo_cli_option_listed(options, a);
        if (!listed) {
            fprintf(stderr, "aeo: unknown option '%s'\n", a);
            goto usage;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(repl_usage, stdout);
            strvec_free(&paths);
            return 0;
        }
        if (strncmp(a, "--facts", 7) == 0 && (a[7] == '=' || a[7] == '\0')) {
            v = a[7] ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) goto usage;
            facts = v;
        } else if (strncmp(a, "--as-of", 7) == 0 && (a[7] == '=' || a[7] == '\0')) {
            v = a[7] ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) goto usage;
            as_of = v;
        } else if (strncmp(a, "--lang", 6) == 0 && (a[6] == '=' || a[6] == '\0')) {
            v = a[6] ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) goto usage;
            lang = v;
        } else if (strncmp(a, "--color", 7) == 0 && (a[7] == '=' || a[7] == '\0')) {
            v = a[7] ? a + 8 : "auto";
            if (!aeo_cli_choice_find(aeo_cli_color_choices, v, &color)) goto usage;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "aeo: unknown option '%s'\n", a);
            goto usage;
        } else {
            strvec_push(&paths, a);
        }
    }

    session s0;
    session *s = &s0;
    memset(s, 0, sizeof *s);
    s->interactive = isatty(STDIN_FILENO);
    bool no_color = getenv("NO_COLOR") != NULL;
    s->color_err = color >= 0 ? color == 1 : isatty(STDERR_FILENO) && !no_color;
    s->color_out = color >= 0 ? color == 1 : isatty(STDOUT_FILENO) && !no_color;
    if (!s->interactive) setvbuf(stdout, NULL, _IOLBF, 0);
    s->as_of = aeo_timestamp(aeo_time_today_utc(), 0);
    if (as_of && !parse_date(as_of, &s->as_of)) {
        fprintf(stderr, "aeo: --as-of: '%s' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp\n", as_of);
        strvec_free(&paths);
        return 2;
    }
    s->scratch = aeo_arena_new();
    bool io;
    strvec none = {0};
    s->c = build(s, &none, NULL, 0, SHOW_NONE, &io);
    s->vm = aeo_vm_new(s->c->program);
    aeo_vm_set_as_of(s->vm, s->as_of);
    int status = 0;
    if (paths.n) {
        /* A path that cannot be read is a usage error; rule errors are not. */
        int st = load_paths(s, &paths);
        if (st == 2) status = 2;
        else if (st == 1 || s->failed) s->n_failed++;
    }
    if (status == 0 && lang) {
        if (aeo_text_has_lang(s->c, lang)) {
            s->lang = aeo_xstrdup(lang);
            aeo_text_set_display(s->c, s->lang);
        } else {
            aeo_buf langs = {0};
            aeo_text_langs(s->c, &langs);
            fprintf(stderr, "aeo: --lang: the catalog has no text in '%s'; its languages: %s\n", lang, langs.data);
            aeo_buf_free(&langs);
            status = 2;
        }
    }
    if (status == 0 && facts) {
        s->failed = false;
        char *arg = aeo_xstrdup(facts);
        int st = load_facts(s, arg, true);
        free(arg);
        if (st == 2) status = 2;
        else if (st == 1) s->n_failed++;
    }

    aeo_lineedit *ed = NULL;
    if (status == 0) {
        if (s->interactive) {
            banner(s);
            ed = aeo_lineedit_open(complete_for_editor, s);
        }
        aeo_buf pending = {0};
        char *held = NULL;      /* a line read ahead */
        bool eof = false;
        for (;;) {
            if (s->quit) break;
            bool interrupted = false;
            s->pending = pending.len > 0;
            char *line = NULL;
            if (held) {
                line = held;
                held = NULL;
            } else if (!eof) {
                line = ed ? aeo_lineedit_read(ed, s->pending ? PROMPT_MORE : PROMPT, &interrupted) : read_script_line(stdin);
            }
            if (interrupted) {
                fputs("^C\n", stdout);
                pending.len = 0;
                continue;
            }
            if (!line) {
                if (pending.len) {
                    if (ed) {
                        fputc('\n', stdout);
                    } else {
                        s->failed = false;
                        process_code(s, pending.data, true);
                        if (s->failed) s->n_failed++;
                    }
                } else if (ed) {
                    fputc('\n', stdout);
                }
                break;
            }
            s->failed = false;
            if (!pending.len) {
                const char *t = skip_space(line);
                if (*t == ':') {
                    run_command(s, t);
                    if (s->failed) s->n_failed++;
                    free(line);
                    fflush(stdout);
                    continue;
                }
                if (is_blank_code(t)) {
                    free(line);
                    continue;
                }
                aeo_buf_puts(&pending, line);
            } else {
                aeo_buf_puts(&pending, "\n");
                aeo_buf_puts(&pending, line);
            }
            free(line);
            int ps = parse_state(s, pending.data);
            if (ps == PARSE_MORE) continue;
            /* Complete: unless the next line, if it is already there (a
             * script, or a paste), continues it. */
            while (ps == PARSE_OK && !held && !eof && aeo_lineedit_input_waiting(ed)) {
                held = ed ? aeo_lineedit_read(ed, PROMPT, &interrupted) : read_script_line(stdin);
                if (!held) {
                    /* Ctrl-C abandons the line being read ahead; the
                     * complete input before it still runs. */
                    if (interrupted) fputs("^C\n", stdout);
                    eof = !interrupted;
                    break;
                }
                if (!is_continuation_line(held)) break;
                aeo_buf_puts(&pending, "\n");
                aeo_buf_puts(&pending, held);
                free(held);
                held = NULL;
                ps = parse_state(s, pending.data);
            }
            if (ps == PARSE_MORE) continue;
            process_code(s, pending.data, false);
            pending.len = 0;
            if (s->failed) s->n_failed++;
            fflush(stdout);
        }
        free(held);
        aeo_buf_free(&pending);
    }
    aeo_lineedit_close(ed);
    fflush(stdout);
    aeo_vm_free(s->vm);
    aeo_catalog_free(s->c);
    aeo_arena_free(s->scratch);
    for (uint32_t i = 0; i < s->n_decls; i++) free_decl(&s->decls[i]);
    free(s->decls);
    strvec_free(&s->paths);
    strvec_free(&s->retry);
    strvec_free(&s->edits);
    free(s->lang);
    if (s->cur != s->base) cJSON_Delete(s->cur);
    cJSON_Delete(s->base);
    free(s->origin);
    if (status) return status;
    return !s->interactive && s->n_failed ? 1 : 0;

usage:
    fputs(repl_usage, stderr);
    strvec_free(&paths);
    return 2;
}
