/* `aeo eval`: facts records in, one output record per input record out.
 *
 * The record pipeline (reading, -j N workers, writing in input order) and
 * the per-record output formats: table, csv, and json/jsonl, whose record
 * object is the library's (aeo_outcome_write_json, runtime/outcome.c), so
 * that `aeo eval --format jsonl` and aeo_result_json cannot drift. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/catalog.h"
#include "lang/cli/cli.h"
#include "lang/explain.h"
#include "lang/printable.h"
#include "lang/solve.h"
#include "lang/text.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/outcome.h"
#include "runtime/vm.h"
#include "runtime/width.h"

/* ---- eval ---------------------------------------------------------------------- */

typedef enum { FMT_TABLE, FMT_JSON, FMT_JSONL, FMT_CSV } out_format;
/* The words of eval's --format (main.c's command table points here). */
const aeo_cli_choice aeo_cli_eval_formats[] = {
    {"table", FMT_TABLE}, {"json", FMT_JSON}, {"jsonl", FMT_JSONL}, {"csv", FMT_CSV}, {NULL, 0}};

void aeo_cli_csv_field(aeo_buf *b, const char *s, size_t n) {
    bool quote = false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = true;
    if (!quote) {
        aeo_buf_putn(b, s, n);
        return;
    }
    aeo_buf_putn(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') aeo_buf_putn(b, "\"", 1);
        aeo_buf_putn(b, s + i, 1);
    }
    aeo_buf_putn(b, "\"", 1);
}

/* ---- eval: the record pipeline ----------------------------------------------------
 *
 * Each input item (a record, or one the reader could not read) becomes one
 * piece of output, formatted by eval_item into a buffer.  With -j 1 (the
 * default) the main thread reads, evaluates and writes.  With -j N, N
 * threads (the main thread one of them) each cut the next batch of records
 * off the input, evaluate it with a VM of their own (the program is shared
 * and read-only), format its output and write it when the batches before it
 * have been written, so output keeps input order ("-j N" below).  Batches
 * live in a ring of fixed size, so memory does not grow with the input. */


/* What every record's evaluation shares (read-only while records run). */
typedef struct eval_ctx {
    aeo_catalog *c;
    const aeo_program *p;
    const uint32_t *sel;
    uint32_t n_sel;
    const aeo_chunk *key;
    out_format fmt;
    bool summary, explain, color;
    bool suggest;              /* --suggest: would_apply_if and ask in json/jsonl (lang/solve.h) */
    bool valued;               /* the catalog has valued measures: "values" in JSON, a CSV column */
    aeo_value as_of;
    const char *lang;          /* --lang: titles and table words (lang/text.h); NULL: as written */
    aeo_outcome_ids ids;       /* the selected measures' IDs, for the jsonl writer */
} eval_ctx;

/* One evaluator: a VM and its scratch buffers. */
typedef struct evaluator {
    aeo_vm *vm;
    aeo_measure_outcome *outs;
    aeo_value *values;
    aeo_value *granted;        /* what each selected measure grants (NULL value: nothing) */
    aeo_buf scratch;           /* the jsonl writer's */
    aeo_buf keybuf, tmp;
    aeo_buf safe;              /* a record's text output before lang/printable.c escapes it */
    aeo_solver *solver;        /* --suggest: this thread's */
} evaluator;

/* --summary of a valued measure: how many records got each value (its
 * JSON text), in order of first appearance. */
typedef struct value_tally {
    char **texts;
    uint64_t *counts;
    uint32_t n, cap;
} value_tally;

/* Totals of a stretch of records. */
typedef struct eval_stats {
    uint64_t bad, errors;
    uint64_t no_key;           /* records whose key expression failed */
    uint64_t (*counts)[4];     /* --summary: per selected measure */
    value_tally *tallies;      /* --summary: per selected measure (NULL until a value is seen) */
} eval_stats;

static void tally_add(value_tally *t, const char *text, size_t len, uint64_t n) {
    for (uint32_t i = 0; i < t->n; i++)
        if (strlen(t->texts[i]) == len && memcmp(t->texts[i], text, len) == 0) {
            t->counts[i] += n;
            return;
        }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->texts = aeo_xrealloc(t->texts, t->cap * sizeof *t->texts);
        t->counts = aeo_xrealloc(t->counts, t->cap * sizeof *t->counts);
    }
    char *copy = aeo_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    t->texts[t->n] = copy;
    t->counts[t->n++] = n;
}

/* Moves the tallies of [from] into [to] (n_sel of each; [from] emptied). */
static void tallies_merge(eval_stats *to, eval_stats *from, uint32_t n_sel) {
    if (!from->tallies) return;
    if (!to->tallies) to->tallies = aeo_xcalloc(n_sel + 1, sizeof *to->tallies);
    for (uint32_t k = 0; k < n_sel; k++) {
        value_tally *f = &from->tallies[k];
        for (uint32_t i = 0; i < f->n; i++) {
            tally_add(&to->tallies[k], f->texts[i], strlen(f->texts[i]), f->counts[i]);
            free(f->texts[i]);
        }
        f->n = 0;
    }
}

static void tallies_free(eval_stats *st, uint32_t n_sel) {
    if (!st->tallies) return;
    for (uint32_t k = 0; k < n_sel; k++) {
        for (uint32_t i = 0; i < st->tallies[k].n; i++) free(st->tallies[k].texts[i]);
        free(st->tallies[k].texts);
        free(st->tallies[k].counts);
    }
    free(st->tallies);
    st->tallies = NULL;
}

/* An input item as the reader gave it (text and error are borrowed). */
typedef struct eval_item {
    aeo_facts_status status;   /* RECORD or BAD */
    const char *text;
    size_t len;
    uint64_t line;
    const char *error;
} eval_item;

static void evaluator_init(evaluator *ev, const eval_ctx *x) {
    memset(ev, 0, sizeof *ev);
    ev->vm = aeo_vm_new(x->p);
    aeo_vm_set_as_of(ev->vm, x->as_of);
    ev->outs = aeo_xcalloc(x->n_sel + 1, sizeof *ev->outs);
    ev->values = aeo_xcalloc(x->n_sel + 1, sizeof *ev->values);
    ev->granted = aeo_xcalloc(x->n_sel + 1, sizeof *ev->granted);
    if (x->suggest) ev->solver = aeo_solver_new(x->c);
}

static void evaluator_free(evaluator *ev) {
    aeo_vm_free(ev->vm);
    aeo_solver_free(ev->solver);
    free(ev->outs);
    free(ev->values);
    free(ev->granted);
    aeo_buf_free(&ev->scratch);
    aeo_buf_free(&ev->keybuf);
    aeo_buf_free(&ev->tmp);
    aeo_buf_free(&ev->safe);
}

/* The separator that goes before a record in [fmt]; the writer drops the
 * first byte of it before the first record of the run (JSON's ",\n" becomes
 * "\n", the table's blank line disappears). */
static void put_separator(aeo_buf *b, out_format fmt) {
    if (fmt == FMT_JSON) aeo_buf_putn(b, ",\n", 2);
    else if (fmt == FMT_TABLE) aeo_buf_putn(b, "\n", 1);
}

/* ---- valued measures in the table, csv and --summary ---------------------------
 * ev->granted holds what each selected measure grants for the record (the
 * VM's aeo_vm_measure_value where it applies); the value printer is the
 * runtime's JSON one (aeo_value_to_json), as in the jsonl record. */

/* csv: the value column (empty unless the measure grants a value). */
static void put_value_csv(const eval_ctx *x, evaluator *ev, uint32_t k, aeo_buf *out) {
    if (!x->valued) return;
    if (ev->granted[k].kind != AEO_V_NULL) {
        ev->tmp.len = 0;
        aeo_value_to_json(&ev->tmp, ev->granted[k]);
        aeo_cli_csv_field(out, ev->tmp.data, ev->tmp.len);
    }
    aeo_buf_puts(out, ",");
}

/* table: "  = 20 % of ..." after an applying valued measure's title. */
static void put_value_table(const eval_ctx *x, evaluator *ev, uint32_t k, aeo_buf *out) {
    if (ev->granted[k].kind == AEO_V_NULL) return;
    const aeo_measure_info *m = &x->p->measures[x->sel[k]];
    aeo_buf_puts(out, "  = ");
    aeo_value_to_json(out, ev->granted[k]);
    if (m->unit) aeo_buf_printf(out, " %s", aeo_text_measure(x->c, x->lang, m->id, "unit", m->unit));
}

/* --summary: counts each value granted. */
static void tally_values(const eval_ctx *x, evaluator *ev, eval_stats *st) {
    for (uint32_t k = 0; k < x->n_sel; k++) {
        if (ev->granted[k].kind == AEO_V_NULL) continue;
        if (!st->tallies) st->tallies = aeo_xcalloc(x->n_sel + 1, sizeof *st->tallies);
        ev->tmp.len = 0;
        aeo_value_to_json(&ev->tmp, ev->granted[k]);
        tally_add(&st->tallies[k], ev->tmp.data, ev->tmp.len, 1);
    }
}

/* --suggest: alternatives per measure (DESIGN 7.4: up to 3). */
#define SUGGEST_ALTERNATIVES 3

/* Formats item [it] (record number [recno]) into [out] (or, for --summary,
 * counts it and puts a bad record's message in [err]). */
static void eval_record(const eval_ctx *x, evaluator *ev, const eval_item *it, uint64_t recno, aeo_buf *out,
                        aeo_buf *err, eval_stats *stats) {
    const aeo_program *p = x->p;
    aeo_vm *vm = ev->vm;
    out_format fmt = x->fmt;
    const char *error = NULL;
    aeo_value rec;
    aeo_vm_begin(vm, aeo_null());
    if (it->status == AEO_FACTS_BAD) {
        error = it->error;
    } else if (!aeo_facts_decode(aeo_vm_arena(vm), p->root, p->root_name, it->text, it->len, it->line, &rec,
                                 &error)) {
        /* Schema errors name the field; the line is added here so that
         * every error record names its line (syntax errors already do). */
        if (strncmp(error, "line ", 5) != 0)
            error = aeo_arena_printf(aeo_vm_arena(vm), "line %llu: %s", (unsigned long long)it->line, error);
    }
    if (error) {
        stats->bad++;
        if (x->summary) {
            aeo_buf_printf(err, "aeo: record %llu: %s\n", (unsigned long long)recno, error);
            aeo_vm_end(vm);
            return;
        }
        put_separator(out, fmt);
        switch (fmt) {
        case FMT_JSONL:
        case FMT_JSON:
            aeo_buf_printf(out, "{\"record\":%llu,\"error\":", (unsigned long long)recno);
            aeo_buf_json_string(out, error, strlen(error));
            aeo_buf_puts(out, fmt == FMT_JSONL ? "}\n" : "}");
            break;
        case FMT_CSV:
            aeo_buf_printf(out, "%llu,,,error,%s", (unsigned long long)recno, x->valued ? "," : "");
            aeo_cli_csv_field(out, error, strlen(error));
            aeo_buf_puts(out, "\n");
            break;
        case FMT_TABLE:
            aeo_buf_printf(out, "%s %llu: %s %s\n", aeo_text_word(x->lang, AEO_WORD_RECORD), (unsigned long long)recno,
                           aeo_text_word(x->lang, AEO_WORD_CANNOT_BE_READ), error);
            break;
        }
        aeo_vm_end(vm);
        return;
    }
    aeo_vm_begin(vm, rec);
    aeo_measure_outcome *outs = ev->outs;
    uint32_t n_sel = x->n_sel;
    /* Every measure in order (no --measure): the VM's own loop, no list. */
    aeo_vm_measures(vm, n_sel == x->p->n_measures ? NULL : x->sel, n_sel, ev->values);
    bool any_error = aeo_outcome_classify_all(aeo_vm_arena(vm), ev->values, n_sel, outs);
    if (x->valued) aeo_outcome_granted(vm, x->sel, n_sel, outs, ev->granted);
    stats->errors += any_error;
    if (x->summary) {
        for (uint32_t k = 0; k < n_sel; k++) stats->counts[k][outs[k].kind]++;
        if (x->valued) tally_values(x, ev, stats);
        aeo_vm_end(vm);
        return;
    }
    const char *key = aeo_outcome_key(vm, x->key, &ev->keybuf);
    if (x->key && !key) stats->no_key++;
    put_separator(out, fmt);
    switch (fmt) {
    case FMT_JSONL:
    case FMT_JSON: {
        aeo_outcome_record r = {true, recno, x->key != NULL, key, n_sel, outs,
                                &x->ids, &ev->scratch,
                                x->valued ? ev->granted : NULL};
        aeo_outcome_write_json(out, &r);
        if (ev->solver && out->len && out->data[out->len - 1] == '}') {
            /* DESIGN 7.4's members go inside the record object. */
            out->len--;
            aeo_solver_append_json(ev->solver, vm, n_sel == x->p->n_measures ? NULL : x->sel, n_sel, outs,
                                   SUGGEST_ALTERNATIVES, out);
            aeo_buf_putn(out, "}", 1);
        }
        if (fmt == FMT_JSONL) aeo_buf_putn(out, "\n", 1);
        break;
    }
    case FMT_CSV:
        for (uint32_t k = 0; k < n_sel; k++) {
            aeo_buf_printf(out, "%llu,", (unsigned long long)recno);
            if (key) aeo_cli_csv_field(out, key, strlen(key));
            aeo_buf_printf(out, ",%s,%s,", p->measures[x->sel[k]].id, aeo_outcome_names[outs[k].kind]);
            put_value_csv(x, ev, k, out);
            ev->tmp.len = 0;
            if (outs[k].kind == AEO_OUTCOME_UNDECIDED) {
                const aeo_unknown *u = outs[k].detail.as.unk;
                for (uint32_t j = 0; j < u->n; j++) aeo_buf_printf(&ev->tmp, "%s%s", j ? " " : "", u->paths[j]);
            } else if (outs[k].kind == AEO_OUTCOME_ERROR) {
                aeo_buf_puts(&ev->tmp, outs[k].detail.as.e->msg);
            }
            aeo_cli_csv_field(out, ev->tmp.data ? ev->tmp.data : "", ev->tmp.len);
            aeo_buf_puts(out, "\n");
        }
        break;
    case FMT_TABLE: {
        aeo_buf_printf(out, "%s %llu", aeo_text_word(x->lang, AEO_WORD_RECORD), (unsigned long long)recno);
        if (key) aeo_buf_printf(out, "  %s", key);
        aeo_buf_puts(out, "\n");
        if (x->explain) {
            for (uint32_t k = 0; k < n_sel; k++) {
                if (k) aeo_buf_puts(out, "\n");
                aeo_explain_measure(x->c, vm, x->sel[k], x->color, out);
            }
            break;
        }
        /* Columns by display width (runtime/width.h); the outcome
         * column is as wide as the language's longest outcome word. */
        size_t idw = 2, ow = 0;
        for (uint32_t k = 0; k < n_sel; k++) {
            const char *id = p->measures[x->sel[k]].id;
            size_t w = aeo_width_str(id, strlen(id));
            if (w > idw) idw = w;
        }
        for (int kind = 0; kind < 4; kind++) {
            const char *word = aeo_text_outcome(x->lang, kind);
            size_t w = aeo_width_str(word, strlen(word));
            if (w > ow) ow = w;
        }
        for (uint32_t k = 0; k < n_sel; k++) {
            const aeo_measure_info *m = &p->measures[x->sel[k]];
            aeo_buf_puts(out, "  ");
            aeo_width_pad(out, m->id, idw, 0);
            aeo_buf_puts(out, "  ");
            aeo_width_pad(out, aeo_text_outcome(x->lang, (int)outs[k].kind), ow, 0);
            aeo_buf_printf(out, "  %s", aeo_text_measure(x->c, x->lang, m->id, NULL, m->title));
            put_value_table(x, ev, k, out);
            if (outs[k].kind == AEO_OUTCOME_UNDECIDED) {
                const aeo_unknown *u = outs[k].detail.as.unk;
                aeo_buf_printf(out, "  (%s", aeo_text_word(x->lang, AEO_WORD_MISSING));
                for (uint32_t j = 0; j < u->n; j++) aeo_buf_printf(out, " %s", u->paths[j]);
                aeo_buf_puts(out, ")");
            } else if (outs[k].kind == AEO_OUTCOME_ERROR) {
                aeo_buf_printf(out, "  (%s", outs[k].detail.as.e->msg);
                if (outs[k].detail.as.e->has_span) aeo_sources_append_at(&x->c->sources, outs[k].detail.as.e->span, out);
                aeo_buf_puts(out, ")");
            } else if (outs[k].kind == AEO_OUTCOME_NOT && !aeo_vm_in_force(vm, x->sel[k])) {
                aeo_buf_printf(out, "  (%s)", aeo_text_word(x->lang, AEO_WORD_NOT_IN_FORCE));
            }
            aeo_buf_puts(out, "\n");
        }
        break;
    }
    }
    aeo_vm_end(vm);
}

/* Makes what [b] holds from [from] on safe for a terminal (lang/printable.h),
 * through [scratch]; aeo's own colours are kept when [color]. */
static void make_printable(aeo_buf *b, size_t from, aeo_buf *scratch, bool color) {
    scratch->len = 0;
    aeo_buf_putn(scratch, b->data + from, b->len - from);
    b->len = from;
    aeo_printable_put(b, scratch->data, scratch->len, color ? AEO_PRINTABLE_KEEP_SGR : 0);
}

/* Evaluates one record into [out] (and a message for stderr into [err]).
 * The text formats (the table, --explain, --summary's messages) show
 * strings of the facts and of the rules: those are escaped so that no
 * control character reaches a terminal; JSON and CSV have their own
 * escapes. */
static void eval_one(const eval_ctx *x, evaluator *ev, const eval_item *it, uint64_t recno, aeo_buf *out,
                     aeo_buf *err, eval_stats *stats) {
    size_t out_from = out->len, err_from = err->len;
    eval_record(x, ev, it, recno, out, err, stats);
    if (x->fmt == FMT_TABLE && out->len > out_from) make_printable(out, out_from, &ev->safe, x->color);
    if (err->len > err_from) make_printable(err, err_from, &ev->safe, false);
}

/* The writer's side: output in order, with the first separator dropped. */
typedef struct eval_writer {
    bool wrote;                /* a record has been written */
    bool failed;
} eval_writer;

static void write_output(eval_writer *w, const aeo_buf *out, const aeo_buf *err) {
    if (err->len) {
        fflush(stdout);
        fwrite(err->data, 1, err->len, stderr);
    }
    if (!out->len) return;
    size_t skip = 0;
    if (!w->wrote) {
        /* JSON's ",\n" and the table's "\n" before the first record. */
        skip = out->data[0] == ',' || out->data[0] == '\n' ? 1 : 0;
        w->wrote = true;
    }
    if (!aeo_cli_out_write(out->data + skip, out->len - skip)) w->failed = true;
}

/* ---- signals and streaming ---- */

/* SIGINT or SIGTERM during aeo eval: the signal's number.  The handler only
 * sets it; the record loops look at it between records, so the output
 * ends with a whole record, and aeo_cli_eval reports how many were
 * written and exits 128 + the signal. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig) { stop_signal = sig; }

/* How often output is flushed while the input has nothing to read. */
#define WAIT_FLUSH_MS 200

/* A way to write what is finished (the records evaluated so far). */
typedef struct waiter {
    void (*flush)(void *ctx);
    void *ctx;
} waiter;

/* The facts reader's wait function (aeo_facts_reader_set_wait), called
 * before a read that may block: when nothing has arrived yet, everything
 * evaluated so far is written and flushed, then again every WAIT_FLUSH_MS
 * while waiting (with -j N the workers finish batches meanwhile), so a
 * consumer sees each answer as soon as its record is in.  A read of a
 * regular file never comes here, so batch throughput is untouched.  False
 * (stop reading) once a signal has come: poll returns EINTR at once, as the
 * handler is installed without SA_RESTART. */
static bool wait_input(void *arg, int fd) {
    waiter *wt = arg;
    struct pollfd p = {fd, POLLIN, 0};
    int timeout = 0;
    for (;;) {
        if (stop_signal) return false;
        int n = poll(&p, 1, timeout);
        if (n > 0 || (n < 0 && errno != EINTR)) return true;   /* read(2) says what it is */
        if (n == 0) {
            wt->flush(wt->ctx);
            aeo_cli_out_flush();
            timeout = WAIT_FLUSH_MS;
        }
    }
}

/* ---- -j N ----
 *
 * N threads in all: the main thread is one of them.  Every thread runs the
 * same loop (pipeline_work): take the reader (read_lock), cut the next
 * batch off the input, let the reader go, evaluate and format the batch,
 * and write it when its turn comes.  Batches are numbered (seq) as they
 * are cut, and output goes out strictly in that order: n_written is the
 * batch whose turn it is.  The thread evaluating that batch writes its
 * output itself as it goes, in WRITE_CHUNK pieces, while the bytes are
 * still in its core's cache; a batch finished before its turn waits, done,
 * and the thread that ends the turn before it writes it.  So no thread
 * exists only to read or to write: with N cores every one evaluates (with
 * one reader and one writer thread beside N workers, the copies of the
 * input and of the output took their time from the workers, and copying
 * output that another core had formatted, long out of its cache, cost the
 * writer 1.5 to 3 times what it costs the thread that formatted it:
 * tests/bench/README.md, "-j N by CPU time").
 *
 * Memory is bounded by the ring of 4N batch slots: a batch is cut only
 * when its slot's previous batch has been written.  A batch holds at most
 * BATCH_RECORDS records, BATCH_BYTES of input and about BATCH_OUT of
 * output (from the output per record of the batches before it: a catalog
 * of 500 measures writes 3.7 KB a record, Shenyang's 28 about 275 bytes),
 * so the buffers of the slots stay small whatever the shape. */

#define BATCH_RECORDS 1024
#define BATCH_FIRST 64                          /* records of the first batch, before any estimate */
#define BATCH_BYTES ((size_t)256 * 1024)
#define BATCH_OUT ((size_t)256 * 1024)
#define WRITE_CHUNK ((size_t)64 * 1024)

/* An item of a batch: where its text and message are in the batch's text
 * buffer (which may move while it grows). */
typedef struct batch_item {
    aeo_facts_status status;
    uint64_t line;
    const char *in_block;      /* the text where the reader left it, or NULL: */
    size_t text, len, error;   /* offset in the batch's text; error: offset + 1, 0 for none */
} batch_item;

typedef struct batch {
    enum { SLOT_FREE, SLOT_BUSY, SLOT_DONE } state;
    uint64_t seq;              /* its place in the output */
    uint64_t first_recno;
    uint32_t n, cap;
    batch_item *items;
    aeo_buf text;              /* texts and messages the reader did not keep */
    void **blocks;             /* input blocks to give back once the batch is written */
    size_t n_blocks, cap_blocks;
    aeo_buf out, err;          /* formatted, not yet written */
    size_t out_bytes;          /* formatted in all (written or not) */
    eval_stats stats;
} batch;

typedef struct pipeline {
    const eval_ctx *x;
    /* The reader, and what only the thread holding read_lock touches. */
    pthread_mutex_t read_lock;
    aeo_facts_reader *rd;
    bool reading;              /* false once the input is done (EOF, IOERR, a signal, a failed write) */
    aeo_facts_status fs;
    char **ioerr;
    uint64_t *recno;           /* records cut so far */
    /* The ring and the turn (lock). */
    pthread_mutex_t lock;
    pthread_cond_t slot_free;
    unsigned slot_waiters;     /* threads waiting on slot_free */
    batch *ring;
    uint32_t n_ring;
    uint64_t n_cut;            /* batches cut so far (the next seq) */
    /* Batches written: the seq whose turn it is.  Read by every thread
     * after every record, so on a cache line of its own. */
    _Alignas(64) _Atomic uint64_t n_written;
    char n_written_line[64 - sizeof(uint64_t)];
    size_t out_per_record;     /* bytes of output per record, from the batches so far (0: none yet) */
    void **freed;              /* blocks of written batches, for the reader to reuse */
    size_t n_freed, cap_freed;
    /* The turn's holder's: the writer and the totals. */
    eval_writer *w;
    eval_stats *st;
    atomic_bool stop;          /* a write failed: read no more */
    atomic_bool input_waiting; /* the reader waits for input (streaming): flush what is written */
} pipeline;

/* Adds the batch's totals to [st] and clears it for reuse; its input
 * blocks go to [pl]'s freed list (called with pl->lock held). */
static void batch_merge(pipeline *pl, batch *b) {
    eval_stats *st = pl->st;
    uint32_t n_sel = pl->x->n_sel;
    st->bad += b->stats.bad;
    st->errors += b->stats.errors;
    st->no_key += b->stats.no_key;
    for (uint32_t k = 0; k < n_sel; k++)
        for (int o = 0; o < 4; o++) st->counts[k][o] += b->stats.counts[k][o];
    tallies_merge(st, &b->stats, n_sel);
    b->stats.bad = b->stats.errors = b->stats.no_key = 0;
    memset(b->stats.counts, 0, (n_sel + 1) * sizeof *b->stats.counts);
    b->n = 0;
    b->text.len = b->out.len = b->err.len = 0;
    b->out_bytes = 0;
    for (size_t i = 0; i < b->n_blocks; i++) {
        if (pl->n_freed == pl->cap_freed) {
            pl->cap_freed = pl->cap_freed ? 2 * pl->cap_freed : 8;
            pl->freed = aeo_xrealloc(pl->freed, pl->cap_freed * sizeof *pl->freed);
        }
        pl->freed[pl->n_freed++] = b->blocks[i];
    }
    b->n_blocks = 0;
    b->state = SLOT_FREE;
}

/* Writes what batch [b] has formatted so far (its thread holds the turn). */
static void batch_write(pipeline *pl, batch *b) {
    write_output(pl->w, &b->out, &b->err);
    b->out.len = b->err.len = 0;
    /* Output that cannot be written (a full disk): stop reading; the exit
     * status is 2 whatever else happens. */
    if (pl->w->failed || aeo_cli_out_failed()) atomic_store(&pl->stop, true);
}

/* The reader's wait function while the input may block (streaming): from
 * now until the reader has a record, every batch written is flushed at
 * once (batch_finish), besides wait_input's own flush. */
static void note_waiting(void *arg) {
    pipeline *pl = arg;
    atomic_store(&pl->input_waiting, true);
}

/* Cuts the next batch off the input, or NULL when the input is done. */
static batch *batch_cut(pipeline *pl) {
    pthread_mutex_lock(&pl->read_lock);
    if (!pl->reading) {
        pthread_mutex_unlock(&pl->read_lock);
        return NULL;
    }
    pthread_mutex_lock(&pl->lock);
    while (pl->n_cut - atomic_load(&pl->n_written) >= pl->n_ring) {
        /* The ring is full: the batch whose turn it is is being evaluated
         * by another thread, which ends the turn without the reader. */
        pl->slot_waiters++;
        pthread_cond_wait(&pl->slot_free, &pl->lock);
        pl->slot_waiters--;
    }
    batch *b = &pl->ring[pl->n_cut % pl->n_ring];
    b->seq = pl->n_cut++;
    b->state = SLOT_BUSY;
    for (size_t i = 0; i < pl->n_freed; i++) aeo_facts_reader_recycle(pl->rd, pl->freed[i]);
    pl->n_freed = 0;
    uint32_t max = BATCH_FIRST;
    if (pl->out_per_record) {
        size_t m = BATCH_OUT / pl->out_per_record;
        max = m > BATCH_RECORDS ? BATCH_RECORDS : m < 1 ? 1 : (uint32_t)m;
    }
    pthread_mutex_unlock(&pl->lock);
    aeo_facts_reader *rd = pl->rd;
    b->first_recno = *pl->recno + 1;
    size_t bytes = 0;
    while (b->n < max && bytes < BATCH_BYTES) {
        /* A signal stops at a record boundary: the batches cut so far are
         * still evaluated and written. */
        if (stop_signal || atomic_load(&pl->stop)) {
            pl->reading = false;
            break;
        }
        /* Streaming: records that have arrived are evaluated now rather
         * than wait for a full batch. */
        if (b->n > 0 && aeo_facts_reader_would_block(rd)) break;
        aeo_facts_item item;
        aeo_facts_status fs = aeo_facts_next(rd, &item);
        /* Stored only when set: every thread reads the line it is on. */
        if (atomic_load_explicit(&pl->input_waiting, memory_order_relaxed)) atomic_store(&pl->input_waiting, false);
        if (fs == AEO_FACTS_EOF || fs == AEO_FACTS_IOERR) {
            if (fs == AEO_FACTS_IOERR) *pl->ioerr = aeo_xstrdup(item.error);
            pl->fs = fs;
            pl->reading = false;
            break;
        }
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 64;
            b->items = aeo_xrealloc(b->items, b->cap * sizeof *b->items);
        }
        batch_item *it = &b->items[b->n++];
        it->status = fs;
        it->line = item.line;
        it->len = item.len;
        /* A record in an input block is not copied: the block lives
         * until the batch that retires it (this or a later one) is written. */
        it->in_block = item.in_block ? item.text : NULL;
        it->text = b->text.len;
        bytes += item.len;
        if (!item.in_block) {
            aeo_buf_putn(&b->text, item.text, item.len);
            aeo_buf_putn(&b->text, "", 1);
        }
        it->error = 0;
        if (item.error) {
            it->error = b->text.len + 1;
            aeo_buf_putn(&b->text, item.error, strlen(item.error) + 1);
        }
        (*pl->recno)++;
    }
    for (void *blk; (blk = aeo_facts_reader_retired(rd)) != NULL;) {
        if (b->n_blocks == b->cap_blocks) {
            b->cap_blocks = b->cap_blocks ? 2 * b->cap_blocks : 8;
            b->blocks = aeo_xrealloc(b->blocks, b->cap_blocks * sizeof *b->blocks);
        }
        b->blocks[b->n_blocks++] = blk;
    }
    pthread_mutex_unlock(&pl->read_lock);
    /* Even an empty batch (the input ended) goes through its turn: it may
     * hold blocks to give back. */
    return b;
}

/* Ends batch [b], evaluated: if its turn has come, writes the rest of it
 * and then every following batch already done; otherwise leaves it done
 * for the thread whose turn comes before it. */
static void batch_finish(pipeline *pl, batch *b) {
    pthread_mutex_lock(&pl->lock);
    if (b->n) {
        size_t per = b->out_bytes / b->n + 1;
        pl->out_per_record = pl->out_per_record ? (3 * pl->out_per_record + per) / 4 : per;
    }
    if (atomic_load(&pl->n_written) != b->seq) {
        b->state = SLOT_DONE;
        pthread_mutex_unlock(&pl->lock);
        return;
    }
    pthread_mutex_unlock(&pl->lock);
    for (;;) {
        batch_write(pl, b);
        pthread_mutex_lock(&pl->lock);
        uint64_t next = b->seq + 1;
        batch_merge(pl, b);
        atomic_store(&pl->n_written, next);
        if (pl->slot_waiters) pthread_cond_broadcast(&pl->slot_free);
        b = &pl->ring[next % pl->n_ring];
        bool done = b->state == SLOT_DONE && b->seq == next;
        if (done) b->state = SLOT_BUSY;
        pthread_mutex_unlock(&pl->lock);
        if (!done) break;
    }
    if (atomic_load(&pl->input_waiting)) aeo_cli_out_flush();
}

/* One thread's share: cut a batch, evaluate it, write it in its turn. */
static void pipeline_work(pipeline *pl) {
    evaluator ev;
    evaluator_init(&ev, pl->x);
    for (batch *b; (b = batch_cut(pl)) != NULL;) {
        for (uint32_t i = 0; i < b->n; i++) {
            const batch_item *bi = &b->items[i];
            eval_item it = {bi->status, bi->in_block ? bi->in_block : b->text.data + bi->text, bi->len, bi->line,
                            bi->error ? b->text.data + bi->error - 1 : NULL};
            size_t before = b->out.len;
            eval_one(pl->x, &ev, &it, b->first_recno + i, &b->out, &b->err, &b->stats);
            b->out_bytes += b->out.len - before;
            if ((b->out.len >= WRITE_CHUNK || b->err.len) &&
                atomic_load_explicit(&pl->n_written, memory_order_acquire) == b->seq)
                batch_write(pl, b);
        }
        batch_finish(pl, b);
    }
    evaluator_free(&ev);
}

static void *worker_main(void *arg) {
    pipeline_work(arg);
    return NULL;
}

/* Reads, evaluates and writes every record with [jobs] threads, this one
 * included.  Returns the reader's final status (EOF or IOERR, with
 * *[ioerr] the message, copied). */
static aeo_facts_status run_parallel(const eval_ctx *x, aeo_facts_reader *rd, unsigned jobs, eval_writer *w,
                                     eval_stats *st, uint64_t *recno, char **ioerr) {
    pipeline pl;
    memset(&pl, 0, sizeof pl);
    pl.x = x;
    pl.rd = rd;
    pl.reading = true;
    pl.fs = AEO_FACTS_EOF;
    pl.ioerr = ioerr;
    pl.recno = recno;
    pl.w = w;
    pl.st = st;
    atomic_init(&pl.n_written, 0);
    atomic_init(&pl.stop, false);
    atomic_init(&pl.input_waiting, false);
    pl.n_ring = 4 * jobs;
    pl.ring = aeo_xcalloc(pl.n_ring, sizeof *pl.ring);
    for (uint32_t i = 0; i < pl.n_ring; i++)
        pl.ring[i].stats.counts = aeo_xcalloc(x->n_sel + 1, sizeof *pl.ring[i].stats.counts);
    pthread_mutex_init(&pl.read_lock, NULL);
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.slot_free, NULL);
    waiter wt = {note_waiting, &pl};
    aeo_facts_reader_keep_blocks(rd);
    aeo_facts_reader_set_wait(rd, wait_input, &wt);
    pthread_t *threads = aeo_xcalloc(jobs, sizeof *threads);
    unsigned started = 0;
    /* Fewer threads than asked (none at all, even) still run every record. */
    while (started + 1 < jobs && pthread_create(&threads[started], NULL, worker_main, &pl) == 0) started++;
    pipeline_work(&pl);
    for (unsigned i = 0; i < started; i++) pthread_join(threads[i], NULL);
    free(threads);
    for (size_t i = 0; i < pl.n_freed; i++) free(pl.freed[i]);
    free(pl.freed);
    for (uint32_t i = 0; i < pl.n_ring; i++) {
        for (size_t k = 0; k < pl.ring[i].n_blocks; k++) free(pl.ring[i].blocks[k]);
        free(pl.ring[i].blocks);
        free(pl.ring[i].items);
        free(pl.ring[i].stats.counts);
        tallies_free(&pl.ring[i].stats, x->n_sel);
        aeo_buf_free(&pl.ring[i].text);
        aeo_buf_free(&pl.ring[i].out);
        aeo_buf_free(&pl.ring[i].err);
    }
    free(pl.ring);
    pthread_mutex_destroy(&pl.read_lock);
    pthread_mutex_destroy(&pl.lock);
    pthread_cond_destroy(&pl.slot_free);
    return pl.fs;
}

/* What run_serial has evaluated but not yet written. */
typedef struct serial_pending {
    eval_writer *w;
    aeo_buf *out, *err;
} serial_pending;

static void flush_pending(void *arg) {
    serial_pending *p = arg;
    write_output(p->w, p->out, p->err);
    p->out->len = p->err->len = 0;
}

/* Reads, evaluates and writes every record in this thread. */
static aeo_facts_status run_serial(const eval_ctx *x, aeo_facts_reader *rd, eval_writer *w, eval_stats *st,
                                   uint64_t *recno, char **ioerr) {
    evaluator ev;
    evaluator_init(&ev, x);
    aeo_buf out = {0}, err = {0};
    serial_pending pend = {w, &out, &err};
    waiter wt = {flush_pending, &pend};
    aeo_facts_reader_set_wait(rd, wait_input, &wt);
    aeo_facts_status fs;
    for (;;) {
        aeo_facts_item item;
        /* A signal stops at a record boundary. */
        if (stop_signal) {
            fs = AEO_FACTS_EOF;
            break;
        }
        fs = aeo_facts_next(rd, &item);
        if (fs == AEO_FACTS_EOF) break;
        if (fs == AEO_FACTS_IOERR) {
            *ioerr = aeo_xstrdup(item.error);
            break;
        }
        eval_item it = {fs, item.text, item.len, item.line, item.error};
        eval_one(x, &ev, &it, ++*recno, &out, &err, st);
        /* Written in large pieces, but a bad record's message for
         * --summary goes out at once, as before. */
        if (out.len >= 64 * 1024 || err.len) {
            write_output(w, &out, &err);
            out.len = err.len = 0;
            /* Output that cannot be written (a full disk): stop reading;
             * the exit status is 2 whatever else happens. */
            if (w->failed || aeo_cli_out_failed()) break;
        }
    }
    write_output(w, &out, &err);
    aeo_buf_free(&out);
    aeo_buf_free(&err);
    evaluator_free(&ev);
    return fs;
}

int aeo_cli_eval(const aeo_cli_opts *o, int chosen) {
    int st = EXIT_OK;
    /* Without --format: a table for a person, jsonl for a pipe. */
    out_format fmt = o->format ? (out_format)chosen : isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_JSONL;
    if (o->summary && (o->explain || (o->format && fmt != FMT_TABLE))) {
        st = aeo_cli_usage_error("%s", "--summary prints a table of counts; it cannot be combined with --explain or --format");
        return st;
    }
    if (o->summary) fmt = FMT_TABLE;
    if (o->explain && fmt != FMT_TABLE) {
        if (o->format) {
            st = aeo_cli_usage_error("--explain prints text; it cannot be combined with --format %s", o->format);
                return st;
        }
        fmt = FMT_TABLE;
    }
    if (o->suggest && (o->summary || fmt == FMT_TABLE || fmt == FMT_CSV)) {
        if (o->format || o->summary || o->explain)
            return aeo_cli_usage_error("%s", "--suggest adds members to JSON records: use it with --format json or jsonl");
        fmt = FMT_JSONL;
    }
    if (!o->facts) {
        return aeo_cli_usage_error("%s", "eval needs --facts FILE (or --facts - for stdin)");
    }
    aeo_value as_of = aeo_timestamp(aeo_time_today_utc(), 0);
    if (o->as_of && !aeo_cli_parse_as_of(o->as_of, &as_of)) {
        st = aeo_cli_usage_error("--as-of: '%s' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", o->as_of);
        return st;
    }
    aeo_catalog *c = aeo_cli_load(o, &st);
    if (!c) return st;
    if (!aeo_cli_check_lang(c, o->lang, &st)) {
        aeo_catalog_free(c);
        return st;
    }
    aeo_text_set_display(c, o->lang);   /* --explain's headers */
    aeo_program *p = c->program;
    if (!p->root) {
        fprintf(stderr, "aeo: the catalog has no facts schema\n");
        aeo_catalog_free(c);
        return EXIT_FINDINGS;
    }
    /* Which measures to report. */
    uint32_t n_sel;
    uint32_t *sel = aeo_cli_select_measures(o, p, &n_sel, &st);
    /* An explicit --key replaces the catalog's. */
    aeo_chunk *key_chunk = p->key;
    aeo_chunk *own_key = NULL;
    if (o->key && st == EXIT_OK) {
        uint32_t before = c->diags.n;
        own_key = key_chunk = aeo_catalog_compile_text(c, "--key", o->key, strlen(o->key), NULL);
        if (!own_key) {
            aeo_diags_sort(&c->diags);
            for (uint32_t i = before; i < c->diags.n; i++)
                aeo_diag_print(&c->diags.items[i], &c->sources, stderr, aeo_cli_use_color(o, stderr));
            st = EXIT_USAGE;
        }
    }
    FILE *in = st == EXIT_OK ? aeo_cli_open_facts(o, &st) : NULL;
    if (st != EXIT_OK) {
        aeo_chunk_free(own_key);
        free(sel);
        aeo_catalog_free(c);
        return st;
    }

    bool valued = p->valued;
    eval_ctx x = {c, p, sel, n_sel, key_chunk, fmt, o->summary, o->explain, aeo_cli_use_color(o, stdout), o->suggest,
                  valued, as_of, o->lang, {0}};
    aeo_outcome_ids_init(&x.ids, p, sel, n_sel);
    aeo_facts_reader *rd = aeo_facts_reader_new(in, o->facts);
    /* The decoder validates each record; the reader need not do it too. */
    aeo_facts_reader_set_validate(rd, false);
    uint64_t recno = 0;
    eval_stats stats = {.counts = aeo_xcalloc(n_sel + 1, sizeof *stats.counts)};
    eval_writer w = {false, false};
    char *ioerr = NULL;
    if (fmt == FMT_JSON) fputs("[", stdout);
    if (fmt == FMT_CSV)
        fputs(valued ? "record,key,measure,outcome,value,detail\n" : "record,key,measure,outcome,detail\n", stdout);
    struct sigaction stop_action, old_int, old_term;
    memset(&stop_action, 0, sizeof stop_action);
    stop_action.sa_handler = on_stop_signal;
    sigemptyset(&stop_action.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &stop_action, &old_int);
    sigaction(SIGTERM, &stop_action, &old_term);
    /* --explain compiles its subexpressions into the catalog as it goes: one thread. */
    aeo_facts_status fs = AEO_FACTS_RECORD;
    if (o->jobs > 1 && !o->explain) fs = run_parallel(&x, rd, o->jobs, &w, &stats, &recno, &ioerr);
    if (fs == AEO_FACTS_RECORD) fs = run_serial(&x, rd, &w, &stats, &recno, &ioerr);
    if (fs == AEO_FACTS_IOERR) {
        fflush(stdout);
        /* The reader's message already names the input. */
        fprintf(stderr, "aeo: %s\n", ioerr);
        st = EXIT_USAGE;
    }
    free(ioerr);
    uint64_t bad_records = stats.bad, error_records = stats.errors;
    uint64_t (*counts)[4] = stats.counts;
    if (fmt == FMT_JSON) fputs(w.wrote ? "\n]\n" : "]\n", stdout);
    if (o->summary) {
        char date[48];
        aeo_time_format_timestamp(as_of.as.i, as_of.nanos, date);
        if (strlen(date) == 20 && strcmp(date + 10, "T00:00:00Z") == 0) date[10] = '\0';
        {
            char n[24], e[24], u[24];
            snprintf(n, sizeof n, "%llu", (unsigned long long)recno);
            snprintf(e, sizeof e, "%llu", (unsigned long long)(recno - bad_records));
            snprintf(u, sizeof u, "%llu", (unsigned long long)bad_records);
            const char *args[6] = {NULL, NULL, n, date, e, u};
            aeo_buf head = {0};
            aeo_text_fill(&head, o->lang, recno == 1 ? AEO_WORD_ONE_RECORD_AS_OF : AEO_WORD_RECORDS_AS_OF, args);
            printf("%s\n", head.data);
            aeo_buf_free(&head);
        }
        /* The table by display width (runtime/width.h): titles (in
         * --lang's language) cut to 60 columns at a character boundary,
         * counts right-aligned under their outcome words, each count
         * column at least as wide as it was in English (8, 8, 9, 6). */
        const char *lang = o->lang;
        size_t idw = aeo_width_str(aeo_text_word(lang, AEO_WORD_ID), strlen(aeo_text_word(lang, AEO_WORD_ID)));
        size_t tw = aeo_width_str(aeo_text_word(lang, AEO_WORD_TITLE), strlen(aeo_text_word(lang, AEO_WORD_TITLE)));
        if (idw < 2) idw = 2;
        if (tw < 5) tw = 5;
        /* Titles come from the rules (in --lang's language): escaped for the
         * terminal before they are measured and padded. */
        char **titles = aeo_xcalloc(n_sel + 1, sizeof *titles);
        for (uint32_t k = 0; k < n_sel; k++) {
            const aeo_measure_info *m = &p->measures[sel[k]];
            const char *raw = aeo_text_measure(c, lang, m->id, NULL, m->title);
            aeo_buf t = {0};
            aeo_printable_put(&t, raw, strlen(raw), 0);
            aeo_buf_putn(&t, "", 1);
            titles[k] = t.data;
        }
        for (uint32_t k = 0; k < n_sel; k++) {
            const aeo_measure_info *m = &p->measures[sel[k]];
            size_t wd = aeo_width_str(m->id, strlen(m->id));
            if (wd > idw) idw = wd;
            wd = aeo_width_str(titles[k], strlen(titles[k]));
            if (wd > tw) tw = wd > 60 ? 60 : wd;
        }
        static const size_t min_cw[4] = {8, 8, 9, 6};
        size_t cw[4];
        aeo_buf line = {0};
        aeo_width_pad(&line, aeo_text_word(lang, AEO_WORD_ID), idw, 0);
        aeo_buf_puts(&line, "  ");
        aeo_width_pad(&line, aeo_text_word(lang, AEO_WORD_TITLE), tw, 0);
        for (int kind = 0; kind < 4; kind++) {
            const char *word = aeo_text_outcome(lang, kind);
            size_t ww = aeo_width_str(word, strlen(word));
            cw[kind] = ww > min_cw[kind] ? ww : min_cw[kind];
            aeo_buf_puts(&line, "  ");
            for (size_t s = ww; s < cw[kind]; s++) aeo_buf_puts(&line, " ");
            aeo_buf_puts(&line, word);
        }
        printf("%s\n", line.data);
        for (uint32_t k = 0; k < n_sel; k++) {
            const aeo_measure_info *m = &p->measures[sel[k]];
            line.len = 0;
            aeo_width_pad(&line, m->id, idw, 0);
            aeo_buf_puts(&line, "  ");
            aeo_width_pad(&line, titles[k], tw, tw);
            for (int kind = 0; kind < 4; kind++)
                aeo_buf_printf(&line, "  %*llu", (int)cw[kind], (unsigned long long)counts[k][kind]);
            printf("%s\n", line.data);
        }
        /* Valued measures: the records per value granted. */
        for (uint32_t k = 0; k < n_sel && stats.tallies; k++) {
            const value_tally *t = &stats.tallies[k];
            const aeo_measure_info *m = &p->measures[sel[k]];
            if (!t->n) continue;
            line.len = 0;
            aeo_width_pad(&line, m->id, idw, 0);
            printf("%s  %s", line.data, aeo_text_word(lang, AEO_WORD_VALUES_RECORDS));
            for (uint32_t i = 0; i < t->n; i++)
                printf("%s %s (%llu)", i ? "," : "", t->texts[i], (unsigned long long)t->counts[i]);
            if (m->unit) printf("; %s %s", aeo_text_word(lang, AEO_WORD_UNIT), aeo_text_measure(c, lang, m->id, "unit", m->unit));
            printf("\n");
        }
        for (uint32_t k = 0; k < n_sel; k++) free(titles[k]);
        free(titles);
        aeo_buf_free(&line);
    } else if (fmt == FMT_TABLE && recno == 0) {
        printf("%s\n", aeo_text_word(o->lang, AEO_WORD_NO_RECORDS));
    }
    /* The output layer knows the errno of the write that failed (out.c);
     * its message comes before the summary lines below. */
    if (!aeo_cli_out_flush() || w.failed) {
        aeo_cli_out_report();
        st = EXIT_USAGE;
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (st == EXIT_OK && (bad_records || error_records)) st = EXIT_FINDINGS;
    if (bad_records)
        fprintf(stderr, "aeo: %llu of %llu record%s could not be read\n", (unsigned long long)bad_records,
                (unsigned long long)recno, recno == 1 ? "" : "s");
    if (error_records)
        fprintf(stderr, "aeo: %llu record%s had measures that failed with a runtime error\n",
                (unsigned long long)error_records, error_records == 1 ? "" : "s");
    if (stats.no_key)
        fprintf(stderr, "aeo: %llu record%s got no key: the key expression (%s) was undecided or failed\n",
                (unsigned long long)stats.no_key, stats.no_key == 1 ? "" : "s",
                o->key ? o->key : (p->key_text ? p->key_text : "key"));
    /* Everything written is whole records: the loops stop between two, and
     * the output above has been flushed. */
    if (stop_signal) {
        fprintf(stderr, "aeo: interrupted after %llu record%s\n", (unsigned long long)recno, recno == 1 ? "" : "s");
        st = 128 + stop_signal;
    }
    aeo_outcome_ids_free(&x.ids);
    free(counts);
    tallies_free(&stats, n_sel);
    aeo_facts_reader_free(rd);
    if (in != stdin) fclose(in);
    aeo_chunk_free(own_key);
    free(sel);
    aeo_catalog_free(c);
    return st;
}

