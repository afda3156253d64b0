/* The CEL conformance runner: runs the golden cases that convert.js made from
 * the public CEL conformance suite through aeo's own pipeline (parser,
 * checker, compiler, VM) and reports per section.
 *
 *   conformance CASES.jsonl [--known FILE] [--verbose] [--only PREFIX]
 *
 * Each case is a JSON object on one line (convert.js documents the fields).
 * A case runs in a fresh catalog: its variables are declared with their
 * types, the catalog (otherwise empty) is checked and compiled, each bound
 * variable's CEL literal is evaluated, then the expression is parsed,
 * checked, compiled and run with the variables bound.  The result passes
 * when:
 *   - an expected value: the result's canonical aeo_value_format text (map
 *     entries sorted by key text, zero doubles unsigned) equals it;
 *   - an expected error: evaluation yields an ERROR (any message: the
 *     suite's messages differ between CEL implementations);
 *   - only checking is tested (check_only): the expression checks;
 *   - the case runs without CEL's checker (check_error_ok) and aeo's checker
 *     rejects the expression: a checked language reports at check time what
 *     CEL's checker also rejects, or what would fail at run time anyway.
 * A syntax error, or a check error elsewhere, is a failure.
 *
 * Output: one line per section ("basic: 41 passed, 2 failed, 0 skipped"), one
 * line per group of skipped cases with the reason, a line for every failure
 * not listed in the known-failures file (with the expected and actual
 * results), a line for every listed failure that now passes (so the list can
 * be trimmed), and last "conformance: P passed, F failed, S skipped".  With
 * --verbose, known failures are shown too.  Exit status: 0 when every failure
 * is a known one, 1 otherwise, 2 on a usage or input error. */
#include <cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/catalog.h"
#include "runtime/celtime.h"
#include "runtime/types.h"
#include "runtime/value.h"
#include "runtime/vm.h"

/* ---- small helpers --------------------------------------------------------- */

static const char *jstr(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *xstrdup_or_empty(const char *s) { return aeo_xstrdup(s ? s : ""); }

/* Decodes base64 [in] into a malloc'd buffer, length in *[len]; NULL when
 * malformed. */
static char *base64_decode(const char *in, size_t *len) {
    size_t n = strlen(in);
    char *out = aeo_xmalloc(n / 4 * 3 + 1);
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n && in[i] != '='; i++) {
        const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char *p = strchr(tab, in[i]);
        if (!p || !in[i]) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)(p - tab);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

/* ---- types ------------------------------------------------------------------- */

/* Parses an aeo type spelling ("int", "list<int>", "map<string, int>") at
 * *[p]; NULL when malformed. */
static const aeo_type *parse_type(aeo_arena *a, const char **p) {
    static const struct { const char *name; const aeo_type *t; } scalars[] = {
        {"null_type", &aeo_type_null}, {"bool", &aeo_type_bool}, {"int", &aeo_type_int},
        {"uint", &aeo_type_uint}, {"double", &aeo_type_double}, {"string", &aeo_type_string},
        {"bytes", &aeo_type_bytes}, {"timestamp", &aeo_type_timestamp},
        {"duration", &aeo_type_duration}, {"dyn", &aeo_type_dyn}, {"type", &aeo_type_type},
    };
    while (**p == ' ') (*p)++;
    size_t n = strspn(*p, "abcdefghijklmnopqrstuvwxyz_");
    char name[32];
    if (n == 0 || n >= sizeof name) return NULL;
    memcpy(name, *p, n);
    name[n] = '\0';
    *p += n;
    if (strcmp(name, "list") == 0 || strcmp(name, "map") == 0) {
        if (**p != '<') return NULL;
        (*p)++;
        const aeo_type *x = parse_type(a, p), *y = NULL;
        if (!x) return NULL;
        if (name[0] == 'm') {
            if (**p != ',') return NULL;
            (*p)++;
            if (!(y = parse_type(a, p))) return NULL;
        }
        if (**p != '>') return NULL;
        (*p)++;
        return name[0] == 'm' ? aeo_type_map(a, x, y) : aeo_type_list(a, x);
    }
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        if (strcmp(scalars[i].name, name) == 0) return scalars[i].t;
    return NULL;
}

/* ---- canonical value text ------------------------------------------------------ */

static void format_canonical(aeo_buf *b, aeo_value v);

typedef struct entry_text {
    char *key, *val;
} entry_text;

static int cmp_entry(const void *x, const void *y) {
    return strcmp(((const entry_text *)x)->key, ((const entry_text *)y)->key);
}

/* aeo_value_format, with map entries sorted by their key text and -0.0
 * written as 0.0, so that equal CEL values have equal text. */
static void format_canonical(aeo_buf *b, aeo_value v) {
    switch (v.kind) {
    case AEO_V_DOUBLE:
        aeo_value_format(b, v.as.d == 0 ? aeo_double(0.0) : v);
        break;
    case AEO_V_LIST:
        aeo_buf_puts(b, "[");
        for (uint32_t i = 0; i < v.as.l->len; i++) {
            if (i) aeo_buf_puts(b, ", ");
            format_canonical(b, v.as.l->items[i]);
        }
        aeo_buf_puts(b, "]");
        break;
    case AEO_V_MAP: {
        uint32_t n = v.as.m->len;
        entry_text *es = aeo_xcalloc(n ? n : 1, sizeof *es);
        for (uint32_t i = 0; i < n; i++) {
            aeo_buf k = {0}, x = {0};
            format_canonical(&k, v.as.m->keys[i]);
            format_canonical(&x, v.as.m->vals[i]);
            es[i].key = xstrdup_or_empty(k.data);
            es[i].val = xstrdup_or_empty(x.data);
            aeo_buf_free(&k);
            aeo_buf_free(&x);
        }
        qsort(es, n, sizeof *es, cmp_entry);
        aeo_buf_puts(b, "{");
        for (uint32_t i = 0; i < n; i++) {
            if (i) aeo_buf_puts(b, ", ");
            aeo_buf_puts(b, es[i].key);
            aeo_buf_puts(b, ": ");
            aeo_buf_puts(b, es[i].val);
            free(es[i].key);
            free(es[i].val);
        }
        aeo_buf_puts(b, "}");
        free(es);
        break;
    }
    default:
        aeo_value_format(b, v);
        break;
    }
}

/* ---- running one case --------------------------------------------------------- */

/* R_CHECKED: passed by a check-time rejection (see the top of the file). */
typedef enum { R_PASS, R_CHECKED, R_FAIL } result;

typedef struct outcome {
    result r;
    char *detail;      /* malloc'd: what went wrong, or how it passed */
} outcome;

__attribute__((format(printf, 2, 3)))
static outcome make(result r, const char *fmt, ...) {
    outcome o = {r, NULL};
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    o.detail = aeo_xmalloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(o.detail, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    return o;
}

/* The first error message in [c]'s diagnostics from index [from]. */
static const char *first_error(const aeo_catalog *c, uint32_t from) {
    for (uint32_t i = from; i < c->diags.n; i++)
        if (c->diags.items[i].sev == AEO_SEV_ERROR) return c->diags.items[i].msg;
    return "(no message)";
}

static outcome run_case(const cJSON *cs) {
    const char *expr = jstr(cs, "expr");
    const char *expect = jstr(cs, "expect");
    const char *want_error = jstr(cs, "error");
    bool check_error_ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cs, "check_error_ok"));
    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(cs, "vars");
    int n_vars = cJSON_IsArray(vars) ? cJSON_GetArraySize(vars) : 0;
    if (!expr || (!expect && !want_error)) return make(R_FAIL, "malformed case");

    aeo_catalog *c = aeo_catalog_new();
    outcome o = {R_FAIL, NULL};
    aeo_value *vals = aeo_xcalloc((size_t)n_vars + 1, sizeof *vals);
    aeo_chunk **bind = aeo_xcalloc((size_t)n_vars + 1, sizeof *bind);
    aeo_chunk *ch = NULL;
    aeo_vm *vm = NULL;

    for (int i = 0; i < n_vars; i++) {
        const cJSON *v = cJSON_GetArrayItem(vars, i);
        const char *name = jstr(v, "name"), *ts = jstr(v, "type");
        const char *p = ts ? ts : "dyn";
        const aeo_type *t = parse_type(c->arena, &p);
        if (!name || !t || *p) {
            o = make(R_FAIL, "malformed variable type '%s'", ts ? ts : "");
            goto done;
        }
        aeo_catalog_declare_var(c, name, t);
    }
    if (!aeo_catalog_build(c, AEO_BUILD_COMPILE)) {
        o = make(R_FAIL, "empty catalog failed to compile: %s", first_error(c, 0));
        goto done;
    }
    /* The bindings' literals, compiled before the expression so their
     * diagnostics cannot be mistaken for the expression's. */
    for (int i = 0; i < n_vars; i++) {
        const char *lit = jstr(cJSON_GetArrayItem(vars, i), "value");
        const char *stage = NULL;
        if (!lit) continue;
        bind[i] = aeo_catalog_compile_text(c, "<binding>", lit, strlen(lit), &stage);
        if (!bind[i]) {
            o = make(R_FAIL, "binding literal %s does not compile: %s", lit, first_error(c, 0));
            goto done;
        }
    }
    uint32_t diag_mark = c->diags.n;
    const char *stage = NULL;
    const char *b64 = jstr(cs, "expr_base64");
    size_t text_len = strlen(expr);
    char *text = b64 ? base64_decode(b64, &text_len) : NULL;
    ch = aeo_catalog_compile_text(c, "<case>", text ? text : expr, text_len, &stage);
    free(text);
    if (!ch) {
        const char *msg = first_error(c, diag_mark);
        if (check_error_ok && strcmp(stage, "check") == 0)
            o = make(R_CHECKED, "rejected at check time: %s", msg);
        else
            o = make(R_FAIL, "%s error: %s", stage, msg);
        goto done;
    }

    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cs, "check_only"))) {
        o = make(R_PASS, "checked");
        goto done;
    }
    vm = aeo_vm_new(c->program);
    aeo_vm_begin(vm, aeo_null());
    for (int i = 0; i < n_vars; i++)
        vals[i] = bind[i] ? aeo_vm_run(vm, bind[i])
                          : aeo_error_new(aeo_vm_arena(vm), "unbound variable");
    aeo_vm_set_vars(vm, vals, (uint32_t)n_vars);
    aeo_value r = aeo_vm_run(vm, ch);
    aeo_buf got = {0};
    format_canonical(&got, r);
    const char *g = got.data ? got.data : "";
    if (want_error) {
        if (r.kind == AEO_V_ERROR) o = make(R_PASS, "%s", g);
        else o = make(R_FAIL, "expected an error (%s), got %s", want_error, g);
    } else if (strcmp(g, expect) == 0) {
        o = make(R_PASS, "%s", g);
    } else {
        o = make(R_FAIL, "expected %s, got %s", expect, g);
    }
    aeo_buf_free(&got);
    aeo_vm_end(vm);

done:
    aeo_vm_free(vm);
    aeo_chunk_free(ch);
    for (int i = 0; i < n_vars; i++) aeo_chunk_free(bind[i]);
    free(bind);
    free(vals);
    aeo_catalog_free(c);
    return o;
}

/* ---- bookkeeping -------------------------------------------------------------- */

typedef struct known {
    char *id;
    char *reason;
    bool seen, passed;
} known;

typedef struct known_list {
    known *v;
    size_t n, cap;
} known_list;

/* Reads "section/path/name  reason" lines; '#' starts a comment line. */
static bool load_known(const char *path, known_list *kl) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        char *p = line + strspn(line, " \t");
        if (*p == '\0' || *p == '#') continue;
        size_t idlen = strcspn(p, " \t");
        char *reason = p + idlen;
        reason += strspn(reason, " \t");
        if (kl->n == kl->cap) {
            kl->cap = kl->cap ? kl->cap * 2 : 64;
            kl->v = aeo_xrealloc(kl->v, kl->cap * sizeof *kl->v);
        }
        known *k = &kl->v[kl->n++];
        k->id = aeo_xmalloc(idlen + 1);
        memcpy(k->id, p, idlen);
        k->id[idlen] = '\0';
        k->reason = aeo_xstrdup(reason);
        k->seen = k->passed = false;
    }
    free(line);
    fclose(f);
    return true;
}

static known *find_known(known_list *kl, const char *id) {
    for (size_t i = 0; i < kl->n; i++)
        if (strcmp(kl->v[i].id, id) == 0) return &kl->v[i];
    return NULL;
}

typedef struct section {
    char *name;
    unsigned passed, failed, skipped;
} section;

typedef struct skip_group {
    char *section, *group, *reason;
    unsigned n;
} skip_group;

int main(int argc, char **argv) {
    const char *cases = NULL, *known_path = NULL, *only = NULL;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--known") == 0 && i + 1 < argc) known_path = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
        else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) verbose = true;
        else if (!cases && argv[i][0] != '-') cases = argv[i];
        else {
            fprintf(stderr, "usage: %s CASES.jsonl [--known FILE] [--verbose] [--only PREFIX]\n", argv[0]);
            return 2;
        }
    }
    if (!cases) {
        fprintf(stderr, "usage: %s CASES.jsonl [--known FILE] [--verbose] [--only PREFIX]\n", argv[0]);
        return 2;
    }
    known_list kl = {0};
    if (known_path && !load_known(known_path, &kl)) return 2;
    FILE *f = fopen(cases, "r");
    if (!f) {
        perror(cases);
        return 2;
    }

    section secs[64];
    size_t n_secs = 0;
    skip_group *groups = NULL;
    size_t n_groups = 0, cap_groups = 0;
    unsigned unexpected = 0, lineno = 0, n_checked = 0;
    char *line = NULL;
    size_t cap = 0;
    int status = 0;

    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        cJSON *cs = cJSON_Parse(line);
        const char *sec_name = cs ? jstr(cs, "section") : NULL;
        const char *name = cs ? jstr(cs, "name") : NULL;
        if (!sec_name || !name) {
            fprintf(stderr, "%s:%u: malformed case\n", cases, lineno);
            cJSON_Delete(cs);
            status = 2;
            break;
        }
        char id[1024];
        snprintf(id, sizeof id, "%s/%s", sec_name, name);
        if (only && strncmp(id, only, strlen(only)) != 0) {
            cJSON_Delete(cs);
            continue;
        }
        section *sec = NULL;
        for (size_t i = 0; i < n_secs; i++)
            if (strcmp(secs[i].name, sec_name) == 0) sec = &secs[i];
        if (!sec && n_secs < sizeof secs / sizeof secs[0]) {
            sec = &secs[n_secs++];
            sec->name = aeo_xstrdup(sec_name);
            sec->passed = sec->failed = sec->skipped = 0;
        }
        if (!sec) {
            fprintf(stderr, "%s:%u: too many sections\n", cases, lineno);
            cJSON_Delete(cs);
            status = 2;
            break;
        }

        const char *skip = jstr(cs, "skip");
        if (skip) {
            /* Group by section, first path component and reason. */
            char group[256];
            size_t gl = strcspn(name, "/");
            snprintf(group, sizeof group, "%.*s", (int)gl, name);
            skip_group *g = NULL;
            for (size_t i = 0; i < n_groups; i++)
                if (strcmp(groups[i].section, sec_name) == 0 && strcmp(groups[i].group, group) == 0 &&
                    strcmp(groups[i].reason, skip) == 0)
                    g = &groups[i];
            if (!g) {
                if (n_groups == cap_groups) {
                    cap_groups = cap_groups ? cap_groups * 2 : 16;
                    groups = aeo_xrealloc(groups, cap_groups * sizeof *groups);
                }
                g = &groups[n_groups++];
                g->section = aeo_xstrdup(sec_name);
                g->group = aeo_xstrdup(group);
                g->reason = aeo_xstrdup(skip);
                g->n = 0;
            }
            g->n++;
            sec->skipped++;
            cJSON_Delete(cs);
            continue;
        }

        outcome o = run_case(cs);
        known *k = find_known(&kl, id);
        if (k) k->seen = true;
        if (o.r != R_FAIL) {
            sec->passed++;
            if (o.r == R_CHECKED) n_checked++;
            if (verbose) {
                const char *want = jstr(cs, "error");
                printf("pass %s: %s%s%s%s\n", id, o.detail, want ? " (the suite says: " : "",
                       want ? want : "", want ? ")" : "");
            }
            if (k) k->passed = true;
        } else {
            sec->failed++;
            if (!k || verbose) {
                const char *e = jstr(cs, "expr");
                printf("%s %s\n  expr: %s\n  %s\n", k ? "known failure" : "FAIL", id, e ? e : "",
                       o.detail);
            }
            if (!k) unexpected++;
        }
        free(o.detail);
        cJSON_Delete(cs);
    }
    free(line);
    fclose(f);

    unsigned p = 0, fl = 0, s = 0;
    for (size_t i = 0; i < n_secs; i++) {
        printf("  %-13s %4u passed, %3u failed, %3u skipped\n", secs[i].name, secs[i].passed,
               secs[i].failed, secs[i].skipped);
        p += secs[i].passed;
        fl += secs[i].failed;
        s += secs[i].skipped;
    }
    for (size_t i = 0; i < n_groups; i++) {
        printf("  skipped %u in %s/%s: %s\n", groups[i].n, groups[i].section, groups[i].group,
               groups[i].reason);
        free(groups[i].section);
        free(groups[i].group);
        free(groups[i].reason);
    }
    free(groups);
    for (size_t i = 0; i < kl.n; i++) {
        if (kl.v[i].passed)
            printf("  known failure now passes: %s (remove it from the known-failures list)\n",
                   kl.v[i].id);
        else if (!kl.v[i].seen && !only)
            printf("  known failure not in the suite: %s (remove it from the known-failures list)\n",
                   kl.v[i].id);
        free(kl.v[i].id);
        free(kl.v[i].reason);
    }
    free(kl.v);
    for (size_t i = 0; i < n_secs; i++) free(secs[i].name);
    if (n_checked)
        printf("  (%u of the passes are cases CEL runs without its checker that aeo rejects at check time)\n",
               n_checked);
    if (unexpected) printf("  %u failure%s not in the known-failures list\n", unexpected, unexpected == 1 ? "" : "s");
    printf("conformance: %u passed, %u failed, %u skipped\n", p, fl, s);
    aeo_time_zone_cache_clear();
    if (status) return status;
    return unexpected ? 1 : 0;
}
