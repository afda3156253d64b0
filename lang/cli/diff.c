/* `aeo diff`: the effect of a rule change on a population (DESIGN 7.5).
 *
 *   aeo diff OLD NEW --facts FILE [--as-of DATE]      two catalogs, one corpus
 *   aeo diff PATH --facts FILE --as-of D1 --as-of D2  one catalog at two dates
 *
 * Two "sides", each a compiled catalog with an evaluation date (the
 * one-catalog form shares one catalog between its sides).  The corpus is
 * read ONCE: every record is decoded under each side's schema and evaluated
 * by each side's VM, and the outcomes of the measures both sides declare
 * (matched by ID) are compared there and then.  Nothing of a record is kept
 * once it is compared: the summaries (json, table, markdown) are counters,
 * and the only text kept is markdown's first MD_ROWS changed records, so
 * memory does not grow with the corpus.  jsonl writes each changed record as
 * it goes, in input order, with -j N too (workers take slices of a batch and
 * the slices are written in order).
 *
 * What "changed" means, for a record: some measure present on both sides has
 * a different outcome (applies/not/undecided/error) or, applying on both, a
 * different granted value.  Values are compared by their JSON text
 * (aeo_value_to_json, as jsonl prints them), which for the types a measure
 * may grant is CEL equality, and a measure that grants nothing on one side
 * grants `null` there.
 *
 * The static half (changed_meaning) compares what each common measure
 * means, not how it is written: a canonical text of its whole condition
 * with every name resolved by the checker and replaced by what it stands
 * for (defs, tiers, consts and measures by their bodies, functions by their
 * bodies applied to the arguments, local variables by their slots, the
 * facts variable by one word).  Formatting, comments and renamed defs,
 * tiers, consts, parameters or macro variables therefore do not count;
 * anything else that differs syntactically after that resolution does
 * (a proof of equivalence is --witness's job, not this one's).  lang/README
 * §9 spells the rules out. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/catalog.h"
#include "lang/cli/cli.h"
#include "lang/printable.h"
#include "lang/solve.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/outcome.h"
#include "runtime/vm.h"

typedef enum { DFMT_TABLE, DFMT_MARKDOWN, DFMT_JSON, DFMT_JSONL } diff_format;
/* The words of diff's --format (main.c's command table points here). */
const aeo_cli_choice aeo_cli_diff_formats[] = {
    {"table", DFMT_TABLE}, {"markdown", DFMT_MARKDOWN}, {"json", DFMT_JSON}, {"jsonl", DFMT_JSONL}, {NULL, 0}};

/* Markdown lists this many changed records after its summary. */
#define MD_ROWS 20

/* One side of the comparison. */
typedef struct diff_side {
    aeo_catalog *c;
    const aeo_program *p;
    aeo_value as_of;
    const char *label;        /* the path, or "PATH as of DATE" */
} diff_side;

/* What every record's comparison shares (read-only while records run). */
typedef struct diff_ctx {
    diff_side side[2];        /* 0 old, 1 new */
    diff_format fmt;
    /* Measures on both sides, in NEW's declaration order: their indices in
     * each program. */
    uint32_t n_common;
    uint32_t *common[2];
    /* NEW's measures OLD lacks, OLD's that NEW lacks (each side's order). */
    uint32_t n_added, n_removed;
    uint32_t *added, *removed;
    const aeo_chunk *key;     /* NEW's key expression, else OLD's (NULL: none) */
    int key_side;
    /* markdown: per common measure, the facts it reads on each side
     * (NULL otherwise). */
    struct read_set *reads[2];
} diff_ctx;

/* Fact paths below the facts variable ("violations", "address.city"), no
 * duplicates, in the order first read. */
typedef struct read_set {
    char **paths;
    uint32_t n, cap;
} read_set;

/* Counters of a stretch of records (a slice, or the whole run). */
typedef struct diff_stats {
    uint64_t records, changed, bad;
    uint64_t (*trans)[4][4];  /* per common measure: [old outcome][new outcome] */
    uint64_t *value_changed;  /* per common measure: applies on both, another value */
    uint64_t *added_applies;  /* per added measure */
    uint64_t *removed_applied;/* per removed measure */
    aeo_buf md;               /* markdown's first changed records, one row a line */
    uint32_t md_rows;
} diff_stats;

/* One evaluator: a VM per side and its scratch space. */
typedef struct diff_worker {
    aeo_vm *vm[2];
    aeo_value *values[2];
    aeo_measure_outcome *outs[2];
    aeo_value *granted[2];
    aeo_buf keybuf, tmp, vtext[2], row;
} diff_worker;

static void stats_init(diff_stats *st, const diff_ctx *x) {
    memset(st, 0, sizeof *st);
    st->trans = aeo_xcalloc(x->n_common + 1, sizeof *st->trans);
    st->value_changed = aeo_xcalloc(x->n_common + 1, sizeof *st->value_changed);
    st->added_applies = aeo_xcalloc(x->n_added + 1, sizeof *st->added_applies);
    st->removed_applied = aeo_xcalloc(x->n_removed + 1, sizeof *st->removed_applied);
}

static void stats_free(diff_stats *st) {
    free(st->trans);
    free(st->value_changed);
    free(st->added_applies);
    free(st->removed_applied);
    aeo_buf_free(&st->md);
}

/* Adds the counters of [from] (a later stretch of records) to [to], and
 * its markdown rows while [to] has fewer than MD_ROWS; empties [from]. */
static void stats_merge(diff_stats *to, diff_stats *from, const diff_ctx *x) {
    to->records += from->records;
    to->changed += from->changed;
    to->bad += from->bad;
    for (uint32_t k = 0; k < x->n_common; k++) {
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++) to->trans[k][a][b] += from->trans[k][a][b];
        to->value_changed[k] += from->value_changed[k];
    }
    for (uint32_t k = 0; k < x->n_added; k++) to->added_applies[k] += from->added_applies[k];
    for (uint32_t k = 0; k < x->n_removed; k++) to->removed_applied[k] += from->removed_applied[k];
    const char *s = from->md.data;
    for (uint32_t r = 0; r < from->md_rows && to->md_rows < MD_ROWS; r++) {
        const char *nl = strchr(s, '\n');
        aeo_buf_putn(&to->md, s, (size_t)(nl - s) + 1);
        to->md_rows++;
        s = nl + 1;
    }
    from->records = from->changed = from->bad = 0;
    memset(from->trans, 0, (x->n_common + 1) * sizeof *from->trans);
    memset(from->value_changed, 0, (x->n_common + 1) * sizeof *from->value_changed);
    memset(from->added_applies, 0, (x->n_added + 1) * sizeof *from->added_applies);
    memset(from->removed_applied, 0, (x->n_removed + 1) * sizeof *from->removed_applied);
    from->md.len = 0;
    from->md_rows = 0;
}

static void worker_init(diff_worker *w, const diff_ctx *x) {
    memset(w, 0, sizeof *w);
    for (int s = 0; s < 2; s++) {
        uint32_t n = x->side[s].p->n_measures;
        w->vm[s] = aeo_vm_new(x->side[s].p);
        aeo_vm_set_as_of(w->vm[s], x->side[s].as_of);
        w->values[s] = aeo_xcalloc(n + 1, sizeof *w->values[s]);
        w->outs[s] = aeo_xcalloc(n + 1, sizeof *w->outs[s]);
        w->granted[s] = aeo_xcalloc(n + 1, sizeof *w->granted[s]);
    }
}

static void worker_free(diff_worker *w) {
    for (int s = 0; s < 2; s++) {
        aeo_vm_free(w->vm[s]);
        free(w->values[s]);
        free(w->outs[s]);
        free(w->granted[s]);
        aeo_buf_free(&w->vtext[s]);
    }
    aeo_buf_free(&w->keybuf);
    aeo_buf_free(&w->tmp);
    aeo_buf_free(&w->row);
}

/* The JSON text of what measure [i] of side [s] grants ("null": nothing),
 * in w->vtext[s]. */
static void value_text(diff_worker *w, int s, uint32_t i) {
    aeo_buf *b = &w->vtext[s];
    b->len = 0;
    if (w->granted[s][i].kind == AEO_V_NULL) aeo_buf_puts(b, "null");
    else aeo_value_to_json(b, w->granted[s][i]);
    aeo_buf_putn(b, "", 1);
    b->len--;
}

/* The value at fact path [path] of record [rec] (a RECORD value), or an
 * ABSENT value when the record does not have it. */
static aeo_value fact_at(aeo_value rec, const char *path) {
    while (*path) {
        if (rec.kind != AEO_V_RECORD) return aeo_absent();
        size_t n = strcspn(path, ".");
        const aeo_field *f = aeo_record_type_find(rec.as.r->type, path, n);
        if (!f) return aeo_absent();
        rec = rec.as.r->slots[f->slot];
        path += n + (path[n] == '.');
    }
    return rec;
}

/* markdown's last column: the facts the changed measures read, with the
 * record's values (NEW's record; OLD's for a fact only OLD's schema has),
 * at most MD_FACTS of them. */
#define MD_FACTS 8
static void put_facts_read(const diff_ctx *x, diff_worker *w, const aeo_value *rec, aeo_buf *r) {
    const char *shown[MD_FACTS + 1];
    uint32_t n_shown = 0;
    bool more = false;
    for (uint32_t k = 0; k < x->n_common; k++) {
        uint32_t i = x->common[0][k], j = x->common[1][k];
        aeo_outcome_kind a = w->outs[0][i].kind, b = w->outs[1][j].kind;
        if (a == b) {
            if (a != AEO_OUTCOME_APPLIES) continue;
            value_text(w, 0, i);
            value_text(w, 1, j);
            if (strcmp(w->vtext[0].data, w->vtext[1].data) == 0) continue;
        }
        for (int s = 1; s >= 0; s--) {
            const read_set *rs = &x->reads[s][k];
            for (uint32_t p = 0; p < rs->n; p++) {
                bool dup = false;
                for (uint32_t q = 0; q < n_shown && !dup; q++) dup = strcmp(shown[q], rs->paths[p]) == 0;
                if (dup) continue;
                if (n_shown == MD_FACTS) {
                    more = true;
                    continue;
                }
                shown[n_shown++] = rs->paths[p];
            }
        }
    }
    for (uint32_t q = 0; q < n_shown; q++) {
        aeo_value v = fact_at(rec[1], shown[q]);
        if (v.kind == AEO_V_ABSENT) v = fact_at(rec[0], shown[q]);
        w->row.len = 0;
        if (v.kind == AEO_V_ABSENT) aeo_buf_puts(&w->row, "absent");
        else aeo_value_to_json(&w->row, v);
        aeo_buf_putn(&w->row, "", 1);
        aeo_buf_printf(r, "%s`%s.%s` ", q ? ", " : "", x->side[1].p->root_name, shown[q]);
        aeo_printable_md(r, w->row.data, false);
    }
    if (more) aeo_buf_puts(r, ", …");
}

/* Compares record [recno] (JSON text [text], or a record the reader could
 * not read: [error]) under both sides: counts it in [st], and for jsonl
 * writes its line into [out]. */
static void diff_one(const diff_ctx *x, diff_worker *w, const char *text, size_t len, uint64_t line,
                     const char *error, uint64_t recno, aeo_buf *out, diff_stats *st) {
    st->records++;
    const char *why[2] = {error, error};
    aeo_value rec[2];
    for (int s = 0; s < 2; s++) {
        aeo_vm_begin(w->vm[s], aeo_null());
        if (error) continue;
        const aeo_program *p = x->side[s].p;
        if (!aeo_facts_decode(aeo_vm_arena(w->vm[s]), p->root, p->root_name, text, len, line, &rec[s], &why[s])) {
            if (strncmp(why[s], "line ", 5) != 0)
                why[s] = aeo_arena_printf(aeo_vm_arena(w->vm[s]), "line %llu: %s", (unsigned long long)line, why[s]);
        } else {
            why[s] = NULL;
        }
    }
    if (why[0] || why[1]) {
        /* Unreadable under either schema: counted, never compared. */
        st->bad++;
        if (x->fmt == DFMT_JSONL) {
            aeo_buf_printf(out, "{\"record\":%llu,\"error\":", (unsigned long long)recno);
            const char *msg = why[1] ? why[1] : why[0];
            aeo_buf_json_string(out, msg, strlen(msg));
            aeo_buf_printf(out, ",\"side\":\"%s\"}\n", !why[0] ? "new" : !why[1] ? "old" : "both");
        }
        aeo_vm_end(w->vm[0]);
        aeo_vm_end(w->vm[1]);
        return;
    }
    for (int s = 0; s < 2; s++) {
        aeo_vm *vm = w->vm[s];
        uint32_t n = x->side[s].p->n_measures;
        aeo_vm_begin(vm, rec[s]);
        aeo_vm_measures(vm, NULL, n, w->values[s]);
        aeo_outcome_classify_all(aeo_vm_arena(vm), w->values[s], n, w->outs[s]);
        aeo_outcome_granted(vm, NULL, n, w->outs[s], w->granted[s]);
    }
    bool changed = false, any_value = false;
    for (uint32_t k = 0; k < x->n_common; k++) {
        uint32_t i = x->common[0][k], j = x->common[1][k];
        aeo_outcome_kind a = w->outs[0][i].kind, b = w->outs[1][j].kind;
        if (a != b) {
            st->trans[k][a][b]++;
            changed = true;
        } else if (a == AEO_OUTCOME_APPLIES) {
            value_text(w, 0, i);
            value_text(w, 1, j);
            if (strcmp(w->vtext[0].data, w->vtext[1].data) != 0) {
                st->value_changed[k]++;
                changed = any_value = true;
            }
        }
    }
    for (uint32_t k = 0; k < x->n_added; k++)
        st->added_applies[k] += w->outs[1][x->added[k]].kind == AEO_OUTCOME_APPLIES;
    for (uint32_t k = 0; k < x->n_removed; k++)
        st->removed_applied[k] += w->outs[0][x->removed[k]].kind == AEO_OUTCOME_APPLIES;
    bool want_md = x->fmt == DFMT_MARKDOWN && st->md_rows < MD_ROWS;
    if (changed && (x->fmt == DFMT_JSONL || want_md)) {
        const char *key = x->key ? aeo_outcome_key(w->vm[x->key_side], x->key, &w->keybuf) : NULL;
        const aeo_program *np = x->side[1].p;
        if (x->fmt == DFMT_JSONL) {
            aeo_buf_printf(out, "{\"record\":%llu", (unsigned long long)recno);
            if (x->key) {
                aeo_buf_puts(out, ",\"key\":");
                if (key) aeo_buf_json_string(out, key, strlen(key));
                else aeo_buf_puts(out, "null");
            }
            aeo_buf_puts(out, ",\"changes\":{");
            bool first = true;
            for (uint32_t k = 0; k < x->n_common; k++) {
                aeo_outcome_kind a = w->outs[0][x->common[0][k]].kind, b = w->outs[1][x->common[1][k]].kind;
                if (a == b) continue;
                const char *id = np->measures[x->common[1][k]].id;
                aeo_buf_puts(out, first ? "" : ",");
                aeo_buf_json_string(out, id, strlen(id));
                aeo_buf_printf(out, ":[\"%s\",\"%s\"]", aeo_outcome_names[a], aeo_outcome_names[b]);
                first = false;
            }
            aeo_buf_puts(out, "}");
            if (any_value) {
                aeo_buf_puts(out, ",\"values\":{");
                first = true;
                for (uint32_t k = 0; k < x->n_common; k++) {
                    uint32_t i = x->common[0][k], j = x->common[1][k];
                    if (w->outs[0][i].kind != AEO_OUTCOME_APPLIES || w->outs[1][j].kind != AEO_OUTCOME_APPLIES)
                        continue;
                    value_text(w, 0, i);
                    value_text(w, 1, j);
                    if (strcmp(w->vtext[0].data, w->vtext[1].data) == 0) continue;
                    const char *id = np->measures[j].id;
                    aeo_buf_puts(out, first ? "" : ",");
                    aeo_buf_json_string(out, id, strlen(id));
                    aeo_buf_printf(out, ":[%s,%s]", w->vtext[0].data, w->vtext[1].data);
                    first = false;
                }
                aeo_buf_puts(out, "}");
            }
            aeo_buf_puts(out, "}\n");
        } else {
            /* | 3 | KEY | M01 applies → not; M05 20 → 50 | */
            aeo_buf *r = &st->md;
            aeo_buf_printf(r, "| %llu | ", (unsigned long long)recno);
            if (key) {
                aeo_buf_puts(r, "`");
                aeo_printable_md(r, key, false);
                aeo_buf_puts(r, "`");
            }
            aeo_buf_puts(r, " | ");
            bool first = true;
            for (uint32_t k = 0; k < x->n_common; k++) {
                uint32_t i = x->common[0][k], j = x->common[1][k];
                aeo_outcome_kind a = w->outs[0][i].kind, b = w->outs[1][j].kind;
                if (a == b && a != AEO_OUTCOME_APPLIES) continue;
                w->row.len = 0;
                if (a != b) {
                    aeo_buf_printf(&w->row, "%s → %s", aeo_outcome_names[a], aeo_outcome_names[b]);
                } else {
                    value_text(w, 0, i);
                    value_text(w, 1, j);
                    if (strcmp(w->vtext[0].data, w->vtext[1].data) == 0) continue;
                    aeo_buf_printf(&w->row, "%s → %s", w->vtext[0].data, w->vtext[1].data);
                }
                aeo_buf_putn(&w->row, "", 1);
                aeo_buf_printf(r, "%s**%s** ", first ? "" : "; ", np->measures[j].id);
                aeo_printable_md(r, w->row.data, false);
                first = false;
            }
            aeo_buf_puts(r, " | ");
            put_facts_read(x, w, rec, r);
            aeo_buf_puts(r, " |\n");
            st->md_rows++;
        }
    }
    st->changed += changed;
    aeo_vm_end(w->vm[0]);
    aeo_vm_end(w->vm[1]);
}

/* ---- the record pipeline --------------------------------------------------------
 *
 * -j 1: the main thread reads, compares and writes.  -j N: it reads a batch
 * of records (their text copied, so the reader can go on), N workers each
 * compare a contiguous slice of it into an output buffer and counters of
 * their own, and once all are done the slices are written and merged in
 * order.  A batch is bounded, so memory stays flat whatever the corpus. */

#define SLICE_RECORDS 512

typedef struct batch_item {
    size_t text, len;         /* offsets into the batch's text */
    uint64_t line;
    size_t error;             /* offset + 1 of the reader's message, 0: none */
} batch_item;

typedef struct slice {
    const diff_ctx *x;
    diff_worker w;
    const aeo_buf *text;
    const batch_item *items;
    uint32_t from, to;
    uint64_t first_recno;     /* record number of items[0] */
    aeo_buf out;
    diff_stats st;
} slice;

static void *slice_main(void *arg) {
    slice *s = arg;
    for (uint32_t i = s->from; i < s->to; i++) {
        const batch_item *it = &s->items[i];
        diff_one(s->x, &s->w, s->text->data + it->text, it->len, it->line,
                 it->error ? s->text->data + it->error - 1 : NULL, s->first_recno + i, &s->out, &s->st);
    }
    return NULL;
}

static bool write_buf(aeo_buf *b) {
    bool ok = !b->len || fwrite(b->data, 1, b->len, stdout) == b->len;
    b->len = 0;
    return ok;
}

/* Reads and compares every record; false when the input failed (*[ioerr],
 * malloc'd) or writing did (*[wfail]). */
static bool run_records(const diff_ctx *x, aeo_facts_reader *rd, unsigned jobs, diff_stats *total, char **ioerr,
                        bool *wfail) {
    uint64_t recno = 0;
    aeo_facts_item item;
    aeo_facts_status fs = AEO_FACTS_EOF;
    if (jobs <= 1) {
        diff_worker w;
        worker_init(&w, x);
        aeo_buf out = {0};
        while ((fs = aeo_facts_next(rd, &item)) == AEO_FACTS_RECORD || fs == AEO_FACTS_BAD) {
            diff_one(x, &w, item.text, item.len, item.line, fs == AEO_FACTS_BAD ? item.error : NULL, ++recno, &out,
                     total);
            if (out.len >= 64 * 1024 && !write_buf(&out)) *wfail = true;
        }
        if (!write_buf(&out)) *wfail = true;
        aeo_buf_free(&out);
        worker_free(&w);
    } else {
        slice *sl = aeo_xcalloc(jobs, sizeof *sl);
        pthread_t *th = aeo_xcalloc(jobs, sizeof *th);
        bool *started = aeo_xcalloc(jobs, sizeof *started);
        for (unsigned t = 0; t < jobs; t++) {
            sl[t].x = x;
            worker_init(&sl[t].w, x);
            stats_init(&sl[t].st, x);
        }
        aeo_buf text = {0};
        batch_item *items = aeo_xcalloc((size_t)jobs * SLICE_RECORDS, sizeof *items);
        uint32_t cap = jobs * SLICE_RECORDS;
        bool more = true;
        while (more) {
            uint32_t n = 0;
            text.len = 0;
            while (n < cap) {
                fs = aeo_facts_next(rd, &item);
                if (fs != AEO_FACTS_RECORD && fs != AEO_FACTS_BAD) {
                    more = false;
                    break;
                }
                batch_item *it = &items[n++];
                it->text = text.len;
                it->len = fs == AEO_FACTS_RECORD ? item.len : 0;
                it->line = item.line;
                if (fs == AEO_FACTS_RECORD) aeo_buf_putn(&text, item.text, item.len);
                aeo_buf_putn(&text, "", 1);
                it->error = 0;
                if (fs == AEO_FACTS_BAD) {
                    it->error = text.len + 1;
                    aeo_buf_putn(&text, item.error, strlen(item.error) + 1);
                }
            }
            if (n == 0) break;
            uint32_t per = (n + jobs - 1) / jobs;
            for (unsigned t = 0; t < jobs; t++) {
                slice *s = &sl[t];
                s->text = &text;
                s->items = items;
                s->from = t * per < n ? t * per : n;
                s->to = (t + 1) * per < n ? (t + 1) * per : n;
                s->first_recno = recno + 1;
                /* This thread takes the first slice itself (below, while
                 * the others run), and any slice whose thread cannot start. */
                started[t] = t > 0 && s->from < s->to && pthread_create(&th[t], NULL, slice_main, s) == 0;
            }
            for (unsigned t = 0; t < jobs; t++) {
                if (started[t]) pthread_join(th[t], NULL);
                else slice_main(&sl[t]);
                if (!write_buf(&sl[t].out)) *wfail = true;
                stats_merge(total, &sl[t].st, x);
            }
            recno += n;
        }
        for (unsigned t = 0; t < jobs; t++) {
            worker_free(&sl[t].w);
            stats_free(&sl[t].st);
            aeo_buf_free(&sl[t].out);
        }
        aeo_buf_free(&text);
        free(items);
        free(started);
        free(th);
        free(sl);
    }
    if (fs == AEO_FACTS_IOERR) {
        *ioerr = aeo_xstrdup(item.error);
        return false;
    }
    return !*wfail;
}

/* ---- what a measure means -------------------------------------------------------
 *
 * canon_expr writes an expression with its names resolved: the catalog
 * read out of it, so that two catalogs can be compared measure by measure.
 * Every node is written fully parenthesised in one fixed form, so two
 * expressions get the same text exactly when they are the same tree after
 * resolution. */

static void canon_measure(const aeo_catalog *c, const aeo_decl *d, aeo_buf *b);

static void canon_expr(const aeo_catalog *c, const aeo_expr *e, aeo_buf *b) {
    if (!e) {
        aeo_buf_puts(b, "_");
        return;
    }
    switch (e->kind) {
    case AEO_EXPR_ERROR: aeo_buf_puts(b, "!error"); break;
    case AEO_EXPR_NULL: aeo_buf_puts(b, "null"); break;
    case AEO_EXPR_BOOL: aeo_buf_puts(b, e->u.b ? "true" : "false"); break;
    case AEO_EXPR_INT: aeo_buf_printf(b, "%lld", (long long)e->u.i); break;
    case AEO_EXPR_UINT: aeo_buf_printf(b, "%lluu", (unsigned long long)e->u.u); break;
    case AEO_EXPR_DOUBLE:
        aeo_buf_puts(b, "d:");
        aeo_buf_double(b, e->u.d, true);
        break;
    case AEO_EXPR_STRING: aeo_buf_json_string(b, e->u.str.s, e->u.str.len); break;
    case AEO_EXPR_BYTES:
        aeo_buf_puts(b, "b");
        aeo_buf_json_string(b, e->u.str.s, e->u.str.len);
        break;
    case AEO_EXPR_IDENT:
        switch (e->ref) {
        /* The facts variable's name is the author's choice, not meaning. */
        case AEO_REF_ROOT: aeo_buf_puts(b, "$facts"); break;
        case AEO_REF_AS_OF: aeo_buf_puts(b, "$as_of"); break;
        case AEO_REF_LOCAL: aeo_buf_printf(b, "$%u", e->ref_index); break;
        case AEO_REF_CONST:
        case AEO_REF_DEF:
        case AEO_REF_TIER: {
            const aeo_decls *ds = e->ref == AEO_REF_CONST ? &c->consts : e->ref == AEO_REF_DEF ? &c->defs : &c->tiers;
            aeo_buf_puts(b, "(");
            canon_expr(c, ds->items[e->ref_index]->value, b);
            aeo_buf_puts(b, ")");
            break;
        }
        case AEO_REF_MEASURE:
            /* A measure's ID is whether it applies: what that means, its
             * dates included (measures cannot refer in a cycle). */
            aeo_buf_puts(b, "measure{");
            canon_measure(c, c->measures.items[e->ref_index], b);
            aeo_buf_puts(b, "}");
            break;
        default: aeo_buf_puts(b, e->u.ident.name); break;
        }
        break;
    case AEO_EXPR_SELECT:
        aeo_buf_puts(b, "(");
        canon_expr(c, e->u.select.operand, b);
        aeo_buf_printf(b, ").%s", e->u.select.field);
        break;
    case AEO_EXPR_INDEX:
        aeo_buf_puts(b, "(");
        canon_expr(c, e->u.index.operand, b);
        aeo_buf_puts(b, ")[");
        canon_expr(c, e->u.index.index, b);
        aeo_buf_puts(b, "]");
        break;
    case AEO_EXPR_CALL:
        if (e->ref == AEO_REF_FUNC) {
            /* The function's body, in a frame of its own: its parameters
             * are its first slots, whatever their names. */
            aeo_buf_puts(b, "fn{");
            canon_expr(c, c->defs.items[e->ref_index]->value, b);
            aeo_buf_puts(b, "}");
        } else {
            if (e->u.call.target) {
                aeo_buf_puts(b, "(");
                canon_expr(c, e->u.call.target, b);
                aeo_buf_puts(b, ").");
            }
            aeo_buf_puts(b, e->u.call.name);
        }
        aeo_buf_puts(b, "(");
        for (uint32_t i = 0; i < e->u.call.n_args; i++) {
            if (i) aeo_buf_puts(b, ", ");
            canon_expr(c, e->u.call.args[i], b);
        }
        aeo_buf_puts(b, ")");
        break;
    case AEO_EXPR_LIST:
        aeo_buf_puts(b, "[");
        for (uint32_t i = 0; i < e->u.list.n; i++) {
            if (i) aeo_buf_puts(b, ", ");
            canon_expr(c, e->u.list.items[i], b);
        }
        aeo_buf_puts(b, "]");
        break;
    case AEO_EXPR_MAP:
        aeo_buf_puts(b, "{");
        for (uint32_t i = 0; i < e->u.map.n; i++) {
            if (i) aeo_buf_puts(b, ", ");
            canon_expr(c, e->u.map.keys[i], b);
            aeo_buf_puts(b, ": ");
            canon_expr(c, e->u.map.vals[i], b);
        }
        aeo_buf_puts(b, "}");
        break;
    case AEO_EXPR_UNARY:
        aeo_buf_printf(b, "(%s", aeo_operator_str(e->u.unary.op));
        canon_expr(c, e->u.unary.a, b);
        aeo_buf_puts(b, ")");
        break;
    case AEO_EXPR_BINARY:
        aeo_buf_puts(b, "(");
        canon_expr(c, e->u.binary.a, b);
        aeo_buf_printf(b, " %s ", aeo_operator_str(e->u.binary.op));
        canon_expr(c, e->u.binary.b, b);
        aeo_buf_puts(b, ")");
        break;
    case AEO_EXPR_COND:
        aeo_buf_puts(b, "(");
        canon_expr(c, e->u.cond.c, b);
        aeo_buf_puts(b, " ? ");
        canon_expr(c, e->u.cond.a, b);
        aeo_buf_puts(b, " : ");
        canon_expr(c, e->u.cond.b, b);
        aeo_buf_puts(b, ")");
        break;
    case AEO_EXPR_WITH:
        aeo_buf_puts(b, "(");
        canon_expr(c, e->u.with.base, b);
        aeo_buf_puts(b, " with ");
        canon_expr(c, e->u.with.map, b);
        aeo_buf_puts(b, ")");
        break;
    default: aeo_buf_puts(b, "?"); break;
    }
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What measure [d] means: the dates it is in force, its scope, its tiers
 * (a set: their order does not matter), its when and unless terms in
 * order, and for a valued measure its type, cases and else.  Titles,
 * cites, benefits and other text are not meaning. */
static void canon_measure(const aeo_catalog *c, const aeo_decl *d, aeo_buf *b) {
    const aeo_measure *m = d->measure;
    if (!m) {
        aeo_buf_puts(b, "?");
        return;
    }
    aeo_buf_puts(b, "in force ");
    if (m->has_effective) aeo_buf_printf(b, "%lld", (long long)m->effective.as.i);
    aeo_buf_puts(b, "..");
    if (m->has_expires) aeo_buf_printf(b, "%lld", (long long)m->expires.as.i);
    aeo_buf_puts(b, "; scope ");
    canon_expr(c, m->scope, b);
    aeo_buf_puts(b, "; tiers ");
    char **tiers = aeo_xcalloc(m->n_tiers + 1, sizeof *tiers);
    for (uint32_t i = 0; i < m->n_tiers; i++) {
        aeo_buf t = {0};
        canon_expr(c, m->tiers[i], &t);
        aeo_buf_putn(&t, "", 1);
        tiers[i] = t.data;
    }
    qsort(tiers, m->n_tiers, sizeof *tiers, cmp_str);
    for (uint32_t i = 0; i < m->n_tiers; i++) {
        aeo_buf_printf(b, "%s%s", i ? " | " : "", tiers[i]);
        free(tiers[i]);
    }
    free(tiers);
    for (uint32_t i = 0; i < m->n_conds; i++) {
        aeo_buf_puts(b, m->conds[i].negate ? "; unless " : "; when ");
        canon_expr(c, m->conds[i].expr, b);
    }
    if (m->value_type_expr) {
        char *t = NULL;
        size_t tn = 0;
        FILE *f = open_memstream(&t, &tn);
        if (f) {
            aeo_type_expr_print(f, m->value_type_expr);
            fclose(f);
            aeo_buf_printf(b, "; value %s", t);
        }
        free(t);
        for (uint32_t i = 0; i < m->n_cases; i++) {
            aeo_buf_puts(b, "; case ");
            canon_expr(c, m->cases[i].cond, b);
            aeo_buf_puts(b, " => ");
            canon_expr(c, m->cases[i].value, b);
        }
        if (m->else_case) {
            aeo_buf_puts(b, "; else ");
            canon_expr(c, m->else_case->value, b);
        }
    }
}

/* ---- the facts a measure reads (markdown's last column) ------------------------
 * Every `facts.a.b` chain in the measure's resolved condition: through its
 * defs, tiers, consts, functions and the measures it names, each visited
 * once. */

typedef struct reads_walk {
    const aeo_catalog *c;
    read_set *rs;
    bool *seen;               /* consts, defs, tiers, measures, in that order */
} reads_walk;

static void reads_expr(const aeo_expr *e, void *ud);

static void reads_decl(reads_walk *rw, uint32_t at, const aeo_decl *d) {
    if (rw->seen[at]) return;
    rw->seen[at] = true;
    if (d->kind != AEO_DECL_MEASURE) {
        reads_expr(d->value, rw);
        return;
    }
    const aeo_measure *m = d->measure;
    if (!m) return;
    reads_expr(m->scope, rw);
    for (uint32_t i = 0; i < m->n_tiers; i++) reads_expr(m->tiers[i], rw);
    for (uint32_t i = 0; i < m->n_conds; i++) reads_expr(m->conds[i].expr, rw);
    for (uint32_t i = 0; i < m->n_cases; i++) {
        reads_expr(m->cases[i].cond, rw);
        reads_expr(m->cases[i].value, rw);
    }
    if (m->else_case) reads_expr(m->else_case->value, rw);
}

static void reads_expr(const aeo_expr *e, void *ud) {
    reads_walk *rw = ud;
    const aeo_catalog *c = rw->c;
    if (!e) return;
    uint32_t at_defs = c->consts.n, at_tiers = at_defs + c->defs.n, at_measures = at_tiers + c->tiers.n;
    if (e->kind == AEO_EXPR_SELECT) {
        const aeo_expr *base = e;
        while (base->kind == AEO_EXPR_SELECT) base = base->u.select.operand;
        if (base->kind == AEO_EXPR_IDENT && base->ref == AEO_REF_ROOT) {
            /* The fields from the root down, joined with dots. */
            const aeo_expr *chain[64];
            uint32_t n = 0;
            for (const aeo_expr *s = e; s->kind == AEO_EXPR_SELECT && n < 64; s = s->u.select.operand) chain[n++] = s;
            aeo_buf p = {0};
            while (n) aeo_buf_printf(&p, "%s%s", p.len ? "." : "", chain[--n]->u.select.field);
            aeo_buf_putn(&p, "", 1);
            read_set *rs = rw->rs;
            for (uint32_t i = 0; i < rs->n; i++)
                if (strcmp(rs->paths[i], p.data) == 0) {
                    aeo_buf_free(&p);
                    return;
                }
            if (rs->n == rs->cap) {
                rs->cap = rs->cap ? 2 * rs->cap : 8;
                rs->paths = aeo_xrealloc(rs->paths, rs->cap * sizeof *rs->paths);
            }
            rs->paths[rs->n++] = p.data;
            return;
        }
    } else if (e->kind == AEO_EXPR_IDENT) {
        switch (e->ref) {
        case AEO_REF_CONST: reads_decl(rw, e->ref_index, c->consts.items[e->ref_index]); return;
        case AEO_REF_DEF: reads_decl(rw, at_defs + e->ref_index, c->defs.items[e->ref_index]); return;
        case AEO_REF_TIER: reads_decl(rw, at_tiers + e->ref_index, c->tiers.items[e->ref_index]); return;
        case AEO_REF_MEASURE: reads_decl(rw, at_measures + e->ref_index, c->measures.items[e->ref_index]); return;
        default: return;
        }
    } else if (e->kind == AEO_EXPR_CALL && e->ref == AEO_REF_FUNC) {
        reads_decl(rw, at_defs + e->ref_index, c->defs.items[e->ref_index]);
    }
    aeo_expr_each_child(e, reads_expr, rw);
}

/* The facts measure [d] of [c] reads, into *[rs]. */
static void measure_reads(const aeo_catalog *c, const aeo_decl *d, read_set *rs) {
    bool *seen = aeo_xcalloc((size_t)c->consts.n + c->defs.n + c->tiers.n + c->measures.n + 1, sizeof *seen);
    reads_walk rw = {c, rs, seen};
    reads_decl(&rw, c->consts.n + c->defs.n + c->tiers.n + d->index, d);
    free(seen);
}

/* ---- the summaries --------------------------------------------------------------- */

/* "applies->not" etc., in the order of the outcomes. */
static void put_transitions(aeo_buf *b, const diff_stats *st, uint32_t k, bool json, const char *arrow) {
    bool first = true;
    for (int a = 0; a < 4; a++)
        for (int t = 0; t < 4; t++) {
            if (!st->trans[k][a][t]) continue;
            if (json) aeo_buf_printf(b, "%s\"%s->%s\": %llu", first ? "" : ", ", aeo_outcome_names[a],
                                     aeo_outcome_names[t], (unsigned long long)st->trans[k][a][t]);
            else aeo_buf_printf(b, "%s%s%s%s %llu", first ? "" : ", ", aeo_outcome_names[a], arrow,
                                aeo_outcome_names[t], (unsigned long long)st->trans[k][a][t]);
            first = false;
        }
    if (st->value_changed[k]) {
        if (json) aeo_buf_printf(b, "%s\"value_changed\": %llu", first ? "" : ", ", (unsigned long long)st->value_changed[k]);
        else aeo_buf_printf(b, "%svalue changed %llu", first ? "" : ", ", (unsigned long long)st->value_changed[k]);
    }
}

static bool measure_changed(const diff_stats *st, uint32_t k) {
    if (st->value_changed[k]) return true;
    for (int a = 0; a < 4; a++)
        for (int t = 0; t < 4; t++)
            if (st->trans[k][a][t]) return true;
    return false;
}

static void put_id_list(aeo_buf *b, const aeo_program *p, const uint32_t *idx, uint32_t n) {
    aeo_buf_puts(b, "[");
    for (uint32_t k = 0; k < n; k++) {
        if (k) aeo_buf_puts(b, ", ");
        aeo_buf_json_string(b, p->measures[idx[k]].id, strlen(p->measures[idx[k]].id));
    }
    aeo_buf_puts(b, "]");
}

static void put_id_counts(aeo_buf *b, const aeo_program *p, const uint32_t *idx, const uint64_t *counts, uint32_t n) {
    aeo_buf_puts(b, "{");
    for (uint32_t k = 0; k < n; k++) {
        if (k) aeo_buf_puts(b, ", ");
        aeo_buf_json_string(b, p->measures[idx[k]].id, strlen(p->measures[idx[k]].id));
        aeo_buf_printf(b, ": %llu", (unsigned long long)counts[k]);
    }
    aeo_buf_puts(b, "}");
}

static const char *plural(uint64_t n) {
    return n == 1 ? "" : "s";
}

/* Writes the summary of [st] in x->fmt (json, table or markdown);
 * [meaning] flags the common measures whose meaning changed. */
static void put_summary(const diff_ctx *x, const diff_stats *st, const bool *meaning, aeo_buf *b) {
    const aeo_program *op = x->side[0].p, *np = x->side[1].p;
    if (x->fmt == DFMT_JSON) {
        aeo_buf_printf(b, "{\n  \"records\": %llu,\n  \"changed_records\": %llu,\n  \"errors\": %llu,\n",
                       (unsigned long long)st->records, (unsigned long long)st->changed, (unsigned long long)st->bad);
        aeo_buf_puts(b, "  \"added\": ");
        put_id_list(b, np, x->added, x->n_added);
        aeo_buf_puts(b, ",\n  \"removed\": ");
        put_id_list(b, op, x->removed, x->n_removed);
        aeo_buf_puts(b, ",\n  \"changed_meaning\": [");
        for (uint32_t k = 0, i = 0; k < x->n_common; k++) {
            if (!meaning[k]) continue;
            const char *id = np->measures[x->common[1][k]].id;
            aeo_buf_puts(b, i++ ? ", " : "");
            aeo_buf_json_string(b, id, strlen(id));
        }
        aeo_buf_puts(b, "],\n  \"measures\": {");
        for (uint32_t k = 0; k < x->n_common; k++) {
            const char *id = np->measures[x->common[1][k]].id;
            aeo_buf_puts(b, k ? ",\n    " : "\n    ");
            aeo_buf_json_string(b, id, strlen(id));
            aeo_buf_puts(b, ": {");
            put_transitions(b, st, k, true, NULL);
            aeo_buf_puts(b, "}");
        }
        aeo_buf_puts(b, x->n_common ? "\n  },\n  \"added_applies\": " : "},\n  \"added_applies\": ");
        put_id_counts(b, np, x->added, st->added_applies, x->n_added);
        aeo_buf_puts(b, ",\n  \"removed_applied\": ");
        put_id_counts(b, op, x->removed, st->removed_applied, x->n_removed);
        aeo_buf_puts(b, "\n}\n");
        return;
    }
    bool md = x->fmt == DFMT_MARKDOWN;
    const char *arrow = md ? " → " : "->";
    if (md) {
        aeo_buf_printf(b, "### aeo diff: %llu of %llu record%s changed\n\n", (unsigned long long)st->changed,
                       (unsigned long long)st->records, plural(st->records));
        aeo_buf_printf(b, "`%s` → `%s`", x->side[0].label, x->side[1].label);
        if (st->bad) aeo_buf_printf(b, "; %llu record%s could not be read", (unsigned long long)st->bad, plural(st->bad));
        aeo_buf_puts(b, "\n\n");
    } else {
        aeo_buf_printf(b, "%s -> %s\n", x->side[0].label, x->side[1].label);
        aeo_buf_printf(b, "%llu record%s, %llu changed, %llu unreadable\n", (unsigned long long)st->records,
                       plural(st->records), (unsigned long long)st->changed, (unsigned long long)st->bad);
    }
    /* The measures that changed, by outcome or by meaning. */
    uint32_t n_rows = 0;
    int idw = 2;
    for (uint32_t k = 0; k < x->n_common; k++) {
        if (!measure_changed(st, k) && !meaning[k]) continue;
        n_rows++;
        int wd = (int)strlen(np->measures[x->common[1][k]].id);
        if (wd > idw) idw = wd;
    }
    if (md && n_rows) aeo_buf_puts(b, "| Measure | Title | Meaning | Records changed |\n|---|---|---|---|\n");
    if (!md) aeo_buf_puts(b, n_rows ? "\nchanged measures:\n" : "\nno measure changed\n");
    for (uint32_t k = 0; k < x->n_common; k++) {
        if (!measure_changed(st, k) && !meaning[k]) continue;
        const aeo_measure_info *m = &np->measures[x->common[1][k]];
        if (md) {
            aeo_buf_printf(b, "| %s | ", m->id);
            aeo_printable_md(b, m->title, false);
            aeo_buf_printf(b, " | %s | ", meaning[k] ? "changed" : "same");
        } else {
            aeo_buf_printf(b, "  %-*s  %-7s  ", idw, m->id, meaning[k] ? "meaning" : "");
        }
        if (measure_changed(st, k)) put_transitions(b, st, k, false, arrow);
        else aeo_buf_puts(b, md ? "none in this corpus" : "(no record changed)");
        aeo_buf_puts(b, md ? " |\n" : "\n");
    }
    if (md && n_rows) aeo_buf_puts(b, "\n");
    for (int s = 0; s < 2; s++) {
        uint32_t n = s ? x->n_removed : x->n_added;
        const uint32_t *idx = s ? x->removed : x->added;
        const uint64_t *counts = s ? st->removed_applied : st->added_applies;
        const aeo_program *p = s ? op : np;
        if (!n) continue;
        if (md) aeo_buf_printf(b, "**%s:**", s ? "Removed" : "Added");
        else aeo_buf_printf(b, "\n%s measures:\n", s ? "removed" : "added");
        for (uint32_t k = 0; k < n; k++) {
            const aeo_measure_info *m = &p->measures[idx[k]];
            if (md) {
                aeo_buf_printf(b, "%s %s (", k ? "," : "", m->id);
                aeo_printable_md(b, m->title, false);
                aeo_buf_printf(b, "; %s %llu record%s)", s ? "applied to" : "applies to", (unsigned long long)counts[k],
                               plural(counts[k]));
            } else {
                aeo_buf_printf(b, "  %-*s  %s %llu record%s  %s\n", idw, m->id, s ? "applied to" : "applies to",
                               (unsigned long long)counts[k], plural(counts[k]), m->title);
            }
        }
        if (md) aeo_buf_puts(b, "\n\n");
    }
    if (md && st->md_rows) {
        if (st->changed > st->md_rows)
            aeo_buf_printf(b, "The first %u of %llu changed records:\n\n", st->md_rows, (unsigned long long)st->changed);
        else aeo_buf_printf(b, "Changed record%s:\n\n", plural(st->md_rows));
        aeo_buf_puts(b, "| Record | Key | Changes | Facts read |\n|---|---|---|---|\n");
        aeo_buf_putn(b, st->md.data, st->md.len);
    }
}

/* ---- the command ----------------------------------------------------------------- */

/* The measures of [a] and [b] matched by ID, and those of one only. */
static void match_measures(diff_ctx *x) {
    const aeo_program *op = x->side[0].p, *np = x->side[1].p;
    for (int s = 0; s < 2; s++) x->common[s] = aeo_xcalloc(np->n_measures + 1, sizeof *x->common[s]);
    x->added = aeo_xcalloc(np->n_measures + 1, sizeof *x->added);
    x->removed = aeo_xcalloc(op->n_measures + 1, sizeof *x->removed);
    for (uint32_t j = 0; j < np->n_measures; j++) {
        int i = aeo_program_measure(op, np->measures[j].id);
        if (i < 0) {
            x->added[x->n_added++] = j;
            continue;
        }
        x->common[0][x->n_common] = (uint32_t)i;
        x->common[1][x->n_common++] = j;
    }
    for (uint32_t i = 0; i < op->n_measures; i++)
        if (aeo_program_measure(np, op->measures[i].id) < 0) x->removed[x->n_removed++] = i;
}

static bool is_opt(const char *a, const char *name, size_t *n) {
    *n = strlen(name);
    return strncmp(a, name, *n) == 0 && (a[*n] == '\0' || a[*n] == '=');
}

/* A date for labels: YYYY-MM-DD when it is midnight UTC. */
static void date_text(aeo_value v, char *buf) {
    aeo_time_format_timestamp(v.as.i, v.nanos, buf);
    if (strlen(buf) == 20 && strcmp(buf + 10, "T00:00:00Z") == 0) buf[10] = '\0';
}

/* ---- --witness -------------------------------------------------------------------
 * For each measure of both catalogs whose canonical text differs (the
 * changed_meaning of the corpus form), the solver's answer: a proof of
 * equivalence on as_of, a witness record the VM evaluated under both, or
 * unknown with the reason (lang/solve.h).  One JSON object, a measure per
 * line, in the new catalog's order. */
static int witness_run(aeo_catalog *cats[2], aeo_value as_of, bool fail_on_change) {
    diff_ctx x;
    memset(&x, 0, sizeof x);
    x.side[0].p = cats[0]->program;
    x.side[1].p = cats[1]->program;
    match_measures(&x);
    aeo_solver *sv = aeo_solver_new(cats[0]);
    aeo_buf b = {0};
    aeo_buf_puts(&b, "{");
    uint32_t n = 0;
    bool changed = x.n_added || x.n_removed;
    for (uint32_t k = 0; k < x.n_common; k++) {
        aeo_buf t[2] = {{0}, {0}};
        for (int s = 0; s < 2; s++) {
            canon_measure(cats[s], cats[s]->measures.items[x.common[s][k]], &t[s]);
            aeo_buf_putn(&t[s], "", 1);
        }
        bool same = strcmp(t[0].data, t[1].data) == 0;
        aeo_buf_free(&t[0]);
        aeo_buf_free(&t[1]);
        if (same) continue;
        const char *id = x.side[1].p->measures[x.common[1][k]].id;
        aeo_buf_puts(&b, n++ ? ",\n  " : "\n  ");
        aeo_buf_json_string(&b, id, strlen(id));
        aeo_buf_puts(&b, ": ");
        aeo_witness w;
        if (aeo_solver_witness(sv, x.common[0][k], cats[1], x.common[1][k], as_of, &w) != AEO_SOLVE_OK) {
            aeo_buf_puts(&b, "{\"unknown\": ");
            aeo_buf_json_string(&b, w.reason, strlen(w.reason));
            aeo_buf_puts(&b, "}");
            changed = true;
        } else if (w.equivalent) {
            aeo_buf_puts(&b, "{\"equivalent\": true}");
        } else {
            aeo_buf_printf(&b, "{\"witness\": %s, \"old\": \"%s\", \"new\": \"%s\"", w.record,
                           aeo_outcome_names[w.old_outcome], aeo_outcome_names[w.new_outcome]);
            if (w.old_value || w.new_value)
                aeo_buf_printf(&b, ", \"values\": [%s, %s]", w.old_value ? w.old_value : "null",
                               w.new_value ? w.new_value : "null");
            aeo_buf_puts(&b, "}");
            changed = true;
        }
    }
    aeo_buf_puts(&b, n ? "\n}\n" : "}\n");
    bool ok = write_buf(&b);
    aeo_buf_free(&b);
    aeo_solver_free(sv);
    free(x.common[0]);
    free(x.common[1]);
    free(x.added);
    free(x.removed);
    if (!ok || fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "aeo: writing output: %s\n", strerror(errno ? errno : EIO));
        return EXIT_USAGE;
    }
    return fail_on_change && changed ? EXIT_FINDINGS : EXIT_OK;
}

int aeo_cli_diff(const aeo_cli_command *cmd, int argc, char **argv) {
    /* --as-of may come twice and --fail-on-change is diff's alone: taken
     * out here, the rest goes to the common option parser. */
    const char *dates[3] = {NULL, NULL, NULL};
    int n_dates = 0;
    bool fail_on_change = false;
    char **rest = aeo_xcalloc((size_t)argc + 1, sizeof *rest);
    int n_rest = 0;
    for (int i = 0; i < argc; i++) {
        size_t n;
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc) rest[n_rest++] = argv[i++];
            break;
        }
        if (is_opt(argv[i], "--as-of", &n)) {
            const char *v = argv[i][n] == '=' ? argv[i] + n + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!v) {
                free(rest);
                return aeo_cli_usage_error("%s needs a date (YYYY-MM-DD or RFC 3339)", "--as-of");
            }
            if (n_dates == 2) {
                free(rest);
                return aeo_cli_usage_error("%s", "diff takes --as-of at most twice");
            }
            dates[n_dates++] = v;
        } else if (strcmp(argv[i], "--fail-on-change") == 0) {
            fail_on_change = true;
        } else {
            rest[n_rest++] = argv[i];
        }
    }
    aeo_cli_opts o;
    int st = aeo_cli_parse_options(n_rest, rest, &o, cmd->options);
    int fmt = DFMT_TABLE;
    /* aeo_cli_choose sets st when the word is none of the formats. */
    if (st < 0 && o.format) aeo_cli_choose("--format", aeo_cli_diff_formats, o.format, &fmt, &st);
    if (st < 0 && o.witness && (o.n_paths != 2 || n_dates > 1 || o.facts))
        st = aeo_cli_usage_error("%s", o.facts ? "--witness compares the catalogs themselves: it takes no --facts"
                                               : "--witness takes OLD and NEW and at most one --as-of");
    if (st < 0 && !(o.n_paths == 2 || (o.n_paths == 1 && n_dates == 2)))
        st = aeo_cli_usage_error("%s", o.n_paths == 1 ? "diff PATH compares two dates: give --as-of twice"
                                                      : "diff takes OLD and NEW, or one PATH with --as-of twice");
    if (st < 0 && !o.facts && !o.witness) st = aeo_cli_usage_error("%s", "diff needs --facts FILE (or --facts - for stdin)");
    aeo_value as_of[2];
    as_of[0] = as_of[1] = aeo_timestamp(aeo_time_today_utc(), 0);
    for (int d = 0; d < n_dates && st < 0; d++) {
        if (!aeo_cli_parse_as_of(dates[d], &as_of[d]))
            st = aeo_cli_usage_error("--as-of: '%s' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", dates[d]);
    }
    if (n_dates == 1) as_of[1] = as_of[0];
    if (st >= 0) {
        aeo_cli_free_options(&o);
        free(rest);
        return st;
    }
    st = EXIT_OK;
    diff_ctx x;
    memset(&x, 0, sizeof x);
    x.fmt = (diff_format)fmt;
    aeo_catalog *cats[2] = {NULL, NULL};
    for (uint32_t s = 0; s < o.n_paths && st == EXIT_OK; s++) {
        aeo_cli_opts one = o;
        one.paths = &o.paths[s];
        one.n_paths = 1;
        cats[s] = aeo_cli_load(&one, &st);
        if (cats[s] && !cats[s]->program->root) {
            fprintf(stderr, "aeo: %s: the catalog has no facts schema\n", o.paths[s]);
            st = EXIT_FINDINGS;
        }
    }
    if (st == EXIT_OK && o.witness) {
        st = witness_run(cats, as_of[0], fail_on_change);
        for (int s = 0; s < 2; s++) aeo_catalog_free(cats[s]);
        aeo_cli_free_options(&o);
        free(rest);
        return st;
    }
    FILE *in = NULL;
    if (st == EXIT_OK) {
        in = strcmp(o.facts, "-") == 0 ? stdin : fopen(o.facts, "rb");
        if (!in) {
            fprintf(stderr, "aeo: %s: %s\n", o.facts, strerror(errno));
            st = EXIT_USAGE;
        }
    }
    if (st != EXIT_OK) {
        for (int s = 0; s < 2; s++) aeo_catalog_free(cats[s]);
        aeo_cli_free_options(&o);
        free(rest);
        return st;
    }
    char labels[2][1200];
    for (int s = 0; s < 2; s++) {
        aeo_catalog *c = cats[o.n_paths == 2 ? s : 0];
        x.side[s] = (diff_side){c, c->program, as_of[s], labels[s]};
        char date[48];
        date_text(as_of[s], date);
        snprintf(labels[s], sizeof labels[s], "%s as of %s", o.paths[o.n_paths == 2 ? s : 0], date);
    }
    match_measures(&x);
    x.key_side = x.side[1].p->key ? 1 : 0;
    x.key = x.side[x.key_side].p->key;
    /* What each common measure means, on each side. */
    bool *meaning = aeo_xcalloc(x.n_common + 1, sizeof *meaning);
    if (o.n_paths == 2) {
        for (uint32_t k = 0; k < x.n_common; k++) {
            aeo_buf t[2] = {{0}, {0}};
            for (int s = 0; s < 2; s++) {
                canon_measure(x.side[s].c, x.side[s].c->measures.items[x.common[s][k]], &t[s]);
                aeo_buf_putn(&t[s], "", 1);
            }
            meaning[k] = strcmp(t[0].data, t[1].data) != 0;
            if (getenv("AEO_DIFF_CANON")) fprintf(stderr, "%s\n  old %s\n  new %s\n",
                                                  x.side[1].p->measures[x.common[1][k]].id, t[0].data, t[1].data);
            aeo_buf_free(&t[0]);
            aeo_buf_free(&t[1]);
        }
    }
    if (x.fmt == DFMT_MARKDOWN) {
        for (int s = 0; s < 2; s++) {
            x.reads[s] = aeo_xcalloc(x.n_common + 1, sizeof *x.reads[s]);
            for (uint32_t k = 0; k < x.n_common; k++)
                measure_reads(x.side[s].c, x.side[s].c->measures.items[x.common[s][k]], &x.reads[s][k]);
        }
    }
    aeo_facts_reader *rd = aeo_facts_reader_new(in, o.facts);
    aeo_facts_reader_set_validate(rd, false);
    diff_stats total;
    stats_init(&total, &x);
    char *ioerr = NULL;
    bool wfail = false;
    bool ok = run_records(&x, rd, o.jobs, &total, &ioerr, &wfail);
    if (ok && x.fmt != DFMT_JSONL) {
        aeo_buf b = {0};
        put_summary(&x, &total, meaning, &b);
        if (!write_buf(&b)) wfail = true;
        aeo_buf_free(&b);
    }
    if (ioerr) {
        fflush(stdout);
        fprintf(stderr, "aeo: %s\n", ioerr);
        st = EXIT_USAGE;
    }
    if (fflush(stdout) != 0 || ferror(stdout) || wfail) {
        fprintf(stderr, "aeo: writing output: %s\n", strerror(errno ? errno : EIO));
        st = EXIT_USAGE;
    }
    bool anything = total.changed || x.n_added || x.n_removed;
    for (uint32_t k = 0; k < x.n_common; k++) anything |= meaning[k];
    if (total.bad)
        fprintf(stderr, "aeo: %llu of %llu record%s could not be read\n", (unsigned long long)total.bad,
                (unsigned long long)total.records, plural(total.records));
    if (st == EXIT_OK && (total.bad || (fail_on_change && anything))) st = EXIT_FINDINGS;
    stats_free(&total);
    free(meaning);
    aeo_facts_reader_free(rd);
    if (in != stdin) fclose(in);
    for (int s = 0; s < 2; s++) {
        for (uint32_t k = 0; x.reads[s] && k < x.n_common; k++) {
            for (uint32_t p = 0; p < x.reads[s][k].n; p++) free(x.reads[s][k].paths[p]);
            free(x.reads[s][k].paths);
        }
        free(x.reads[s]);
        free(x.common[s]);
    }
    free(x.added);
    free(x.removed);
    for (int s = 0; s < 2; s++) aeo_catalog_free(cats[s]);
    aeo_cli_free_options(&o);
    free(rest);
    return st;
}
