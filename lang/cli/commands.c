/* The commands that are not the record pipeline: check, parse, disasm,
 * test, fmt, list and explain CODE (the documentation of a diagnostic).
 * Each loads the catalog through aeo_cli_load (the pipeline of
 * lang/catalog.c) and prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/catalog.h"
#include "lang/cli/cli.h"
#include "lang/diag_docs.h"
#include "lang/fmt.h"
#include "lang/printable.h"
#include "lang/lint.h"
#include "lang/testrun.h"
#include "lang/text.h"
#include "runtime/width.h"
#include "runtime/celtime.h"

/* The --format values of each command below, in the order `aeo help
 * --values` and the error message list them; main.c's command table points
 * at them. */
const aeo_cli_choice aeo_cli_check_formats[] = {
    {"text", AEO_DIAG_TEXT}, {"json", AEO_DIAG_JSON}, {"sarif", AEO_DIAG_SARIF}, {"github", AEO_DIAG_GITHUB}, {NULL, 0}};
const aeo_cli_choice aeo_cli_test_formats[] = {
    {"text", AEO_TEST_TEXT}, {"tap", AEO_TEST_TAP}, {"junit", AEO_TEST_JUNIT}, {NULL, 0}};
typedef enum { LIST_TABLE, LIST_JSON, LIST_CSV } list_format;
const aeo_cli_choice aeo_cli_list_formats[] = {{"table", LIST_TABLE}, {"json", LIST_JSON}, {"csv", LIST_CSV}, {NULL, 0}};

int aeo_cli_check(const aeo_cli_opts *o, int chosen) {
    int st = EXIT_OK;
    aeo_diag_format fmt = (aeo_diag_format)chosen;
    aeo_catalog *c = aeo_cli_load_quiet(o, &st);
    if (c) {
        if (fmt == AEO_DIAG_TEXT) {
            aeo_diags_print(&c->diags, &c->sources, stderr, aeo_cli_use_color(o, stderr));
            /* Always, so that a clean run says so too ("0 errors, 0 warnings"). */
            fprintf(stderr, "%u error%s, %u warning%s\n", c->diags.n_errors, c->diags.n_errors == 1 ? "" : "s",
                    c->diags.n_warnings, c->diags.n_warnings == 1 ? "" : "s");
        } else {
            aeo_diags_render(&c->diags, &c->sources, fmt, stdout, false);
        }
        if (c->diags.n_errors > 0 || (o->werror && c->diags.n_warnings > 0)) st = EXIT_FINDINGS;
        aeo_catalog_free(c);
    }
    return st;
}

static void pos_of(void *ud, uint32_t offset, uint32_t *line, uint32_t *col) {
    const aeo_sources *s = ((const aeo_sources **)ud)[0];
    uint32_t file = (uint32_t)(uintptr_t)((void **)ud)[1];
    aeo_sources_position(s, file, offset, line, col);
}

int aeo_cli_parse(const aeo_cli_opts *o, int fmt) {
    (void)fmt;
    int st = EXIT_OK;
    bool read_all;
    aeo_catalog *c = aeo_cli_read_paths(o, &read_all);
    if (!read_all) st = EXIT_USAGE;
    for (uint32_t i = 0; i < c->n_files; i++) {
        void *ud[2] = {&c->sources, (void *)(uintptr_t)c->files[i].source};
        aeo_ast_dump(stdout, &c->files[i], pos_of, ud);
    }
    aeo_diags_sort(&c->diags);
    aeo_diags_print(&c->diags, &c->sources, stderr, aeo_cli_use_color(o, stderr));
    if (c->diags.n_errors && st == EXIT_OK) st = EXIT_FINDINGS;
    aeo_catalog_free(c);
    return st;
}

void aeo_cli_no_measure(const aeo_program *p, const char *id) {
    const char **ids = aeo_xmalloc((p->n_measures + 1) * sizeof *ids);
    for (uint32_t i = 0; i < p->n_measures; i++) ids[i] = p->measures[i].id;
    const char *sug = aeo_suggest(id, ids, p->n_measures);
    if (sug) fprintf(stderr, "aeo: no measure '%s' in the catalog; did you mean '%s'?\n", id, sug);
    else fprintf(stderr, "aeo: no measure '%s' in the catalog\n", id);
    free(ids);
}

uint32_t *aeo_cli_select_measures(const aeo_cli_opts *o, const aeo_program *p, uint32_t *n, int *st) {
    uint32_t *sel = aeo_xcalloc(p->n_measures + 1, sizeof *sel);
    *n = 0;
    for (uint32_t i = 0; i < p->n_measures; i++) {
        bool want = o->n_measures == 0;
        for (uint32_t k = 0; k < o->n_measures && !want; k++) want = strcmp(o->measures[k], p->measures[i].id) == 0;
        if (want) sel[(*n)++] = i;
    }
    for (uint32_t k = 0; k < o->n_measures; k++)
        if (aeo_program_measure(p, o->measures[k]) < 0) {
            aeo_cli_no_measure(p, o->measures[k]);
            *st = EXIT_USAGE;
        }
    return sel;
}

FILE *aeo_cli_open_facts(const aeo_cli_opts *o, int *st) {
    FILE *in = strcmp(o->facts, "-") == 0 ? stdin : fopen(o->facts, "rb");
    if (!in) {
        fprintf(stderr, "aeo: %s: %s\n", o->facts, strerror(errno));
        *st = EXIT_USAGE;
    }
    return in;
}

int aeo_cli_disasm(const aeo_cli_opts *o, int fmt) {
    (void)fmt;
    int st = EXIT_OK;
    aeo_catalog *c = aeo_cli_load(o, &st);
    if (!c) return st;
    aeo_program *p = c->program;
    for (uint32_t k = 0; k < o->n_measures; k++) {
        if (aeo_program_measure(p, o->measures[k]) < 0) {
            aeo_cli_no_measure(p, o->measures[k]);
            aeo_catalog_free(c);
                return EXIT_USAGE;
        }
    }
    if (o->n_measures == 0) {
        for (uint32_t i = 0; i < p->n_defs; i++) {
            aeo_chunk_disasm(p->defs[i].chunk, stdout, aeo_sources_span_namer, &c->sources);
            fputc('\n', stdout);
        }
        if (p->key) {
            aeo_chunk_disasm(p->key, stdout, aeo_sources_span_namer, &c->sources);
            fputc('\n', stdout);
        }
    }
    bool first = true;
    for (uint32_t i = 0; i < p->n_measures; i++) {
        bool want = o->n_measures == 0;
        for (uint32_t k = 0; k < o->n_measures; k++) want |= strcmp(o->measures[k], p->measures[i].id) == 0;
        if (!want) continue;
        if (!first) fputc('\n', stdout);
        first = false;
        aeo_chunk_disasm(p->measures[i].chunk, stdout, aeo_sources_span_namer, &c->sources);
        /* A valued measure's value and winner chunks follow its own. */
        const aeo_measure_info *m = &p->measures[i];
        if (m->which) {
            fputc('\n', stdout);
            aeo_chunk_disasm(m->which, stdout, aeo_sources_span_namer, &c->sources);
        }
        for (uint32_t k = 0; m->values && k < m->n_cases + m->has_else; k++) {
            fputc('\n', stdout);
            aeo_chunk_disasm(m->values[k], stdout, aeo_sources_span_namer, &c->sources);
        }
    }
    aeo_catalog_free(c);
    return st;
}

/* ---- test ---------------------------------------------------------------------- */

int aeo_cli_test(const aeo_cli_opts *o, int chosen) {
    int st = EXIT_OK;
    aeo_test_opts to = {0};
    to.format = (aeo_test_format)chosen;
    to.has_as_of = true;
    to.as_of = aeo_timestamp(aeo_time_today_utc(), 0);
    if (o->as_of && !aeo_cli_parse_as_of(o->as_of, &to.as_of)) {
        st = aeo_cli_usage_error("--as-of: '%s' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", o->as_of);
        return st;
    }
    to.filter = o->filter;
    to.coverage = o->coverage || o->suggest;
    to.suggest = o->suggest;
    if (o->suggest && to.format != AEO_TEST_TEXT)
        return aeo_cli_usage_error("%s", "--suggest prints test blocks: it needs the text format");
    to.coverage_json = o->coverage_json;
    to.coverage_min = o->coverage_min;
    to.color = aeo_cli_use_color(o, stdout);
    aeo_catalog *c = aeo_cli_load(o, &st);
    if (!c) return st;
    aeo_test_summary sum;
    if (!aeo_tests_run(c, &to, stdout, &sum)) st = EXIT_USAGE;
    else if (sum.failed || sum.coverage_low) st = EXIT_FINDINGS;
    else if (sum.passed == 0 && to.format == AEO_TEST_TEXT)
        fprintf(stderr, "aeo: no tests%s\n", o->filter ? " match the filter" : " in the catalog");
    aeo_catalog_free(c);
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
        /* diff's output is read back and written through the output layer
         * (out.c), so that a failed write of the diff is aeo's exit 2, not
         * a child's lost message. */
        FILE *p = popen(cmd, "r");
        ok = p != NULL;
        if (p) {
            char chunk[8192];
            size_t got;
            while ((got = fread(chunk, 1, sizeof chunk, p)) > 0) fwrite(chunk, 1, got, stdout);
            ok = pclose(p) != -1;
        }
        free(cmd);
    }
    if (fa >= 0) unlink(a);
    if (fb >= 0) unlink(b);
    return ok;
}

int aeo_cli_fmt(const aeo_cli_opts *o, int fmt) {
    (void)fmt;
    int st = EXIT_OK;
    if (o->n_paths == 0) {
        return aeo_cli_usage_error("%s", "fmt needs rule files or directories");
    }
    bool read_all;
    aeo_catalog *c = aeo_cli_read_paths(o, &read_all);
    if (!read_all) st = EXIT_USAGE;
    if (c->diags.n_errors) {
        aeo_diags_sort(&c->diags);
        aeo_diags_print(&c->diags, &c->sources, stderr, aeo_cli_use_color(o, stderr));
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
            if (o->check_only) {
                fprintf(stderr, "aeo: %s is not formatted\n", s->name);
            } else if (o->diff) {
                if (!print_diff(s->name, s->text, s->len, out.data ? out.data : "", out.len)) st = EXIT_USAGE;
            } else if (!write_file(s->name, out.data ? out.data : "", out.len)) {
                st = EXIT_USAGE;
            }
        }
        aeo_buf_free(&out);
    }
    if ((o->check_only || o->diff) && changed && st == EXIT_OK) st = EXIT_FINDINGS;
    aeo_catalog_free(c);
    return st;
}

/* ---- list ---------------------------------------------------------------------- */

/* A measure's tier group.  Where the catalog's tiers exclude each other
 * (aeo_lint_tier_overlaps shows every pair apart, as Shenyang's): "advanced
 * only", "general only", "both" (two tiers: all of them), "all tiers", or
 * the tiers joined with " + ".  Where tiers may overlap, "T only" would be
 * false (a measure for aeoc also covers the AEOF holders of aeos), so the
 * group is the declared tiers joined with " + ", nothing more. */
static void tier_group(aeo_buf *b, const aeo_measure_info *m, const aeo_catalog *c, bool overlapping) {
    if (overlapping || (m->n_tiers != 1 && m->n_tiers != c->tiers.n)) {
        /* In declaration order, so that [b, a] and [a, b] are one group. */
        bool first = true;
        for (uint32_t u = 0; u < c->tiers.n; u++)
            for (uint32_t t = 0; t < m->n_tiers; t++)
                if (strcmp(m->tiers[t], c->tiers.items[u]->name) == 0) {
                    aeo_buf_printf(b, "%s%s", first ? "" : " + ", m->tiers[t]);
                    first = false;
                    break;
                }
    } else if (m->n_tiers == 1) {
        aeo_buf_printf(b, "%s only", m->tiers[0]);
    } else {
        aeo_buf_puts(b, m->n_tiers == 2 ? "both" : "all tiers");
    }
}

/* A tier group (tier_group's words) as the table shows it in [lang]:
 * "T only", "both" and "all tiers" in that language, the tier names as
 * written (they are code); the JSON keys stay tier_group's. */
static const char *group_words(const char *lang, const char *group, aeo_buf *tmp) {
    size_t n = strlen(group);
    tmp->len = 0;
    if (strcmp(group, "both") == 0) return aeo_text_word(lang, AEO_WORD_TIER_BOTH);
    if (strcmp(group, "all tiers") == 0) return aeo_text_word(lang, AEO_WORD_TIER_ALL);
    if (n > 5 && strcmp(group + n - 5, " only") == 0) {
        char *t = aeo_xmalloc(n - 4);
        memcpy(t, group, n - 5);
        t[n - 5] = '\0';
        const char *args[6] = {t, NULL, NULL, NULL, NULL, NULL};
        aeo_text_fill(tmp, lang, AEO_WORD_TIER_ONLY, args);
        free(t);
        aeo_buf_putn(tmp, "", 0);
        return tmp->data;
    }
    return group;
}

/* Sort rank of a tier group: the tier's declaration index for a single
 * tier ("T only", or "T" where tiers overlap), after every tier for
 * combinations. */
static int group_rank(const aeo_catalog *c, const char *group, bool overlapping) {
    const char *only = strstr(group, " only");
    size_t len = overlapping ? strlen(group) : only && only[5] == '\0' ? (size_t)(only - group) : 0;
    for (uint32_t t = 0; t < c->tiers.n && len; t++)
        if (strlen(c->tiers.items[t]->name) == len && strncmp(group, c->tiers.items[t]->name, len) == 0) return (int)t;
    return (int)c->tiers.n;
}

/* Whether two tiers of [c] may hold for one record. */
static bool tiers_overlap(aeo_catalog *c) {
    bool *m = aeo_lint_tier_overlaps(c), any = false;
    for (uint32_t a = 0; m && a < c->tiers.n; a++)
        for (uint32_t b = 0; b < c->tiers.n; b++) any |= a != b && m[(size_t)a * c->tiers.n + b];
    free(m);
    return any;
}

static void date_text(char *buf, bool has, aeo_value v) {
    if (!has) { buf[0] = '\0'; return; }
    char full[48];
    aeo_time_format_timestamp(v.as.i, v.nanos, full);
    /* Dates at midnight UTC print as YYYY-MM-DD. */
    if (strlen(full) == 20 && strcmp(full + 10, "T00:00:00Z") == 0) full[10] = '\0';
    strcpy(buf, full);
}

/* [s] as the table prints it: control characters escaped (a copy in the
 * catalog's arena) when [table]; as it is otherwise. */
static const char *table_text(aeo_catalog *c, bool table, const char *s) {
    if (!table || !s) return s;
    aeo_buf b = {0};
    aeo_printable_put(&b, s, strlen(s), 0);
    const char *r = aeo_arena_strdup(c->arena, b.data ? b.data : "");
    aeo_buf_free(&b);
    return r;
}

int aeo_cli_list(const aeo_cli_opts *o, int fmt) {
    int st = EXIT_OK;
    aeo_catalog *c = aeo_cli_load(o, &st);
    if (!c) return st;
    if (!aeo_cli_check_lang(c, o->lang, &st)) {
        aeo_catalog_free(c);
        return st;
    }
    aeo_program *p = c->program;
    bool overlapping = tiers_overlap(c);
    /* Per declared tier: a measure in several tiers counts in each. */
    uint32_t *per_tier = aeo_xcalloc(c->tiers.n + 1, sizeof *per_tier);
    /* Groups for the closing count, in first-seen order. */
    const char **groups = aeo_xcalloc(p->n_measures + 1, sizeof *groups);
    uint32_t *counts = aeo_xcalloc(p->n_measures + 1, sizeof *counts);
    uint32_t n_groups = 0;
    aeo_buf out = {0}, g = {0}, gw = {0};
    /* --lang: titles, benefits, categories, cites and units in that
     * language (lang/text.h), and the table's header words; IDs and tier
     * names are code and stay as written.  Columns pad by display width. */
    const char *lang = o->lang;
/* In the table, a text is escaped for the terminal (lang/printable.h)
 * before it is measured, so that the columns align on what is printed. */
#define TEXT(m, prop, src) table_text(c, fmt == LIST_TABLE, aeo_text_measure(c, lang, (m)->id, prop, src))
#define WORD(w) aeo_text_word(lang, AEO_WORD_##w)
#define COLS(s) ((int)aeo_width_str((s), strlen(s)))
    int idw = COLS(WORD(ID)), tw = COLS(WORD(TIERS)), titlew = COLS(WORD(TITLE)), catw = COLS(WORD(CATEGORY)),
        confw = COLS(WORD(CONFIDENCE)), valw = COLS(WORD(VALUE));
    /* A catalog with valued measures gets a VALUE column (table), "value"
     * and "unit" keys (json), value and unit columns (csv); version-1
     * catalogs list exactly as before. */
    bool valued = p->valued;
    for (uint32_t i = 0; i < p->n_measures; i++) {
        const aeo_measure_info *m = &p->measures[i];
        if (!m->value_type) continue;
        int w = COLS(m->value_type_name) + (m->unit ? COLS(TEXT(m, "unit", m->unit)) + 3 : 0);
        if (w > valw) valw = w > 40 ? 40 : w;
    }
    for (uint32_t i = 0; i < p->n_measures; i++) {
        const aeo_measure_info *m = &p->measures[i];
        g.len = 0;
        tier_group(&g, m, c, overlapping);
        aeo_buf_putn(&g, "", 0);
        for (uint32_t t = 0; t < m->n_tiers; t++)
            for (uint32_t u = 0; u < c->tiers.n; u++)
                if (strcmp(m->tiers[t], c->tiers.items[u]->name) == 0) per_tier[u]++;
        uint32_t k = 0;
        while (k < n_groups && strcmp(groups[k], g.data) != 0) k++;
        if (k == n_groups) groups[n_groups++] = aeo_arena_strdup(c->arena, g.data);
        counts[k]++;
        int w;
        if ((w = (int)strlen(m->id)) > idw) idw = w;
        if ((w = COLS(group_words(lang, g.data, &gw))) > tw) tw = w;
        if ((w = COLS(TEXT(m, NULL, m->title))) > titlew) titlew = w > 50 ? 50 : w;
        if (m->category && (w = COLS(TEXT(m, "category", m->category))) > catw) catw = w;
        if (m->confidence && (w = COLS(TEXT(m, "confidence", m->confidence))) > confw) confw = w;
    }
    if (fmt == LIST_TABLE) {
        const char *head[] = {WORD(ID), WORD(TIERS), WORD(TITLE), WORD(VALUE), WORD(CATEGORY), WORD(CONFIDENCE)};
        const int headw[] = {idw, tw, titlew, valw, catw, confw};
        for (int h = 0; h < 6; h++) {
            if (h == 3 && !valued) continue;
            aeo_width_pad(&out, head[h], (size_t)headw[h], 0);
            aeo_buf_puts(&out, "  ");
        }
        aeo_buf_printf(&out, "%s\n", WORD(CITE));
    } else if (fmt == LIST_JSON) {
        aeo_buf_puts(&out, "{\"catalog\":");
        if (p->catalog) aeo_buf_json_string(&out, p->catalog, strlen(p->catalog));
        else aeo_buf_puts(&out, "null");
        aeo_buf_puts(&out, ",\"measures\":[");
    } else {
        aeo_buf_puts(&out, valued ? "id,tiers,title,category,confidence,cite,effective,expires,value,unit\n"
                                  : "id,tiers,title,category,confidence,cite,effective,expires\n");
    }
    for (uint32_t i = 0; i < p->n_measures; i++) {
        const aeo_measure_info *m = &p->measures[i];
        g.len = 0;
        tier_group(&g, m, c, overlapping);
        aeo_buf_putn(&g, "", 0);
        char eff[48], exp[48];
        date_text(eff, m->has_effective, m->effective);
        date_text(exp, m->has_expires, m->expires);
        if (fmt == LIST_TABLE) {
            aeo_width_pad(&out, m->id, (size_t)idw, 0);
            aeo_buf_puts(&out, "  ");
            aeo_width_pad(&out, group_words(lang, g.data, &gw), (size_t)tw, 0);
            aeo_buf_puts(&out, "  ");
            /* The title is cut to its column at a character boundary. */
            aeo_width_pad(&out, TEXT(m, NULL, m->title), (size_t)titlew, (size_t)titlew);
            aeo_buf_puts(&out, "  ");
            if (valued) {
                char v[200];
                if (!m->value_type) snprintf(v, sizeof v, "-");
                else if (m->unit) snprintf(v, sizeof v, "%s (%s)", m->value_type_name, TEXT(m, "unit", m->unit));
                else snprintf(v, sizeof v, "%s", m->value_type_name);
                aeo_width_pad(&out, v, (size_t)valw, (size_t)valw);
                aeo_buf_puts(&out, "  ");
            }
            aeo_width_pad(&out, m->category ? TEXT(m, "category", m->category) : "-", (size_t)catw, 0);
            aeo_buf_puts(&out, "  ");
            aeo_width_pad(&out, m->confidence ? TEXT(m, "confidence", m->confidence) : "-", (size_t)confw, 0);
            aeo_buf_printf(&out, "  %s\n", m->cite ? TEXT(m, "cite", m->cite) : "-");
        } else if (fmt == LIST_JSON) {
            aeo_buf_puts(&out, i ? ",\n  {" : "\n  {");
            aeo_buf_puts(&out, "\"id\":");
            aeo_buf_json_string(&out, m->id, strlen(m->id));
            aeo_buf_puts(&out, ",\"title\":");
            const char *title = TEXT(m, NULL, m->title);
            aeo_buf_json_string(&out, title, strlen(title));
            aeo_buf_puts(&out, ",\"tiers\":[");
            for (uint32_t t = 0; t < m->n_tiers; t++) {
                if (t) aeo_buf_puts(&out, ",");
                aeo_buf_json_string(&out, m->tiers[t], strlen(m->tiers[t]));
            }
            aeo_buf_puts(&out, "]");
            const char *fields[] = {"category", m->category ? TEXT(m, "category", m->category) : NULL,
                                    "confidence", m->confidence ? TEXT(m, "confidence", m->confidence) : NULL,
                                    "cite", m->cite ? TEXT(m, "cite", m->cite) : NULL,
                                    "benefit", m->benefit ? TEXT(m, "benefit", m->benefit) : NULL,
                                    "effective", eff[0] ? eff : NULL, "expires", exp[0] ? exp : NULL};
            const char *vfields[] = {"value", m->value_type_name, "unit", m->unit ? TEXT(m, "unit", m->unit) : NULL};
            for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f += 2) {
                aeo_buf_printf(&out, ",\"%s\":", fields[f]);
                if (fields[f + 1]) aeo_buf_json_string(&out, fields[f + 1], strlen(fields[f + 1]));
                else aeo_buf_puts(&out, "null");
            }
            for (size_t f = 0; valued && f < sizeof vfields / sizeof vfields[0]; f += 2) {
                aeo_buf_printf(&out, ",\"%s\":", vfields[f]);
                if (vfields[f + 1]) aeo_buf_json_string(&out, vfields[f + 1], strlen(vfields[f + 1]));
                else aeo_buf_puts(&out, "null");
            }
            aeo_buf_puts(&out, "}");
        } else {
            const char *cols[] = {m->id, NULL, TEXT(m, NULL, m->title),
                                  m->category ? TEXT(m, "category", m->category) : NULL,
                                  m->confidence ? TEXT(m, "confidence", m->confidence) : NULL,
                                  m->cite ? TEXT(m, "cite", m->cite) : NULL, eff, exp,
                                  m->value_type_name ? m->value_type_name : "",
                                  m->unit ? TEXT(m, "unit", m->unit) : NULL};
            aeo_buf tiers = {0};
            for (uint32_t t = 0; t < m->n_tiers; t++) aeo_buf_printf(&tiers, "%s%s", t ? "+" : "", m->tiers[t]);
            cols[1] = tiers.data ? tiers.data : "";
            for (size_t f = 0; f < sizeof cols / sizeof cols[0] - (valued ? 0 : 2); f++) {
                if (f) aeo_buf_puts(&out, ",");
                aeo_cli_csv_field(&out, cols[f] ? cols[f] : "", cols[f] ? strlen(cols[f]) : 0);
            }
            aeo_buf_puts(&out, "\n");
            aeo_buf_free(&tiers);
        }
    }
    /* Single-tier groups first, in tier declaration order, then
     * combinations in first-seen order. */
    for (uint32_t a = 1; a < n_groups; a++) {
        for (uint32_t b = a; b > 0; b--) {
            int rank_prev = group_rank(c, groups[b - 1], overlapping), rank_cur = group_rank(c, groups[b], overlapping);
            if (rank_prev <= rank_cur) break;
            const char *tg = groups[b]; groups[b] = groups[b - 1]; groups[b - 1] = tg;
            uint32_t tc = counts[b]; counts[b] = counts[b - 1]; counts[b - 1] = tc;
        }
    }
    if (fmt == LIST_TABLE) {
        char nm[24];
        snprintf(nm, sizeof nm, "%u", p->n_measures);
        const char *args[6] = {NULL, NULL, nm, NULL, NULL, NULL};
        aeo_buf_puts(&out, "\n");
        aeo_text_fill(&out, lang, p->n_measures == 1 ? AEO_WORD_ONE_MEASURE : AEO_WORD_MEASURES_COUNT, args);
        for (uint32_t k = 0; k < n_groups; k++)
            aeo_buf_printf(&out, "%s%s %u", k ? WORD(COMMA) : WORD(WHY_COLON), group_words(lang, groups[k], &gw), counts[k]);
        aeo_buf_puts(&out, "\n");
        /* Where tiers overlap, the groups do not say how many measures an
         * enterprise of one tier may get: count per tier too. */
        if (overlapping) {
            aeo_buf_puts(&out, WORD(PER_TIER));
            for (uint32_t u = 0; u < c->tiers.n; u++)
                aeo_buf_printf(&out, "%s%s %u", u ? WORD(COMMA) : WORD(WHY_COLON), c->tiers.items[u]->name, per_tier[u]);
            aeo_buf_puts(&out, "\n");
        }
    } else if (fmt == LIST_JSON) {
        aeo_buf_puts(&out, p->n_measures ? "\n],\"counts\":{" : "],\"counts\":{");
        for (uint32_t k = 0; k < n_groups; k++) {
            if (k) aeo_buf_puts(&out, ",");
            aeo_buf_json_string(&out, groups[k], strlen(groups[k]));
            aeo_buf_printf(&out, ":%u", counts[k]);
        }
        aeo_buf_printf(&out, "},\"tiers_overlap\":%s,\"tier_counts\":{", overlapping ? "true" : "false");
        for (uint32_t u = 0; u < c->tiers.n; u++) {
            if (u) aeo_buf_puts(&out, ",");
            aeo_buf_json_string(&out, c->tiers.items[u]->name, strlen(c->tiers.items[u]->name));
            aeo_buf_printf(&out, ":%u", per_tier[u]);
        }
        aeo_buf_puts(&out, "}}\n");
    }
    if (fmt == LIST_TABLE) {
        /* Titles, cites and categories come from the rules: escaped for
         * the terminal (lang/printable.h).  JSON and CSV escape their own way. */
        aeo_buf safe = {0};
        aeo_printable_put(&safe, out.data ? out.data : "", out.len, 0);
        fwrite(safe.data ? safe.data : "", 1, safe.len, stdout);
        aeo_buf_free(&safe);
    } else {
        fwrite(out.data ? out.data : "", 1, out.len, stdout);
    }
    aeo_buf_free(&out);
    aeo_buf_free(&g);
    aeo_buf_free(&gw);
    free(groups);
    free(counts);
    free(per_tier);
    aeo_catalog_free(c);
    return st;
#undef TEXT
#undef WORD
#undef COLS
}

/* ---- explain CODE ---------------------------------------------------------------- */

int aeo_cli_explain_code(const aeo_cli_command *cmd, int argc, char **argv) {
    (void)cmd;
    if (argc != 1) return aeo_cli_usage_error("%s", "usage: aeo explain CODE   (a diagnostic code, such as E0103 or W0204)");
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

