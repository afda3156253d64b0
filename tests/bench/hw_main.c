/* hw_main.c: the driver of the hand-written baselines of `make bench` (hw.h):
 * reads records through the reader (hw_read.h), evaluates the shape's
 * measures, and writes jsonl as `aeo eval --format jsonl` does; or, with
 * --micro, decodes every record once into memory and times the evaluation
 * alone over PASSES passes. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw.h"

static void grow(buf *b, size_t need) {
    if (b->n + need <= b->cap) return;
    while (b->n + need > b->cap) b->cap = b->cap ? b->cap * 2 : 1 << 16;
    b->p = realloc(b->p, b->cap);
    if (!b->p) {
        fputs("handwritten: out of memory\n", stderr);
        exit(2);
    }
}

void put(buf *b, const char *s, size_t n) {
    grow(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_u64(buf *b, unsigned long long v) {
    char tmp[24];
    int i = 24;
    do tmp[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put(b, tmp + i, (size_t)(24 - i));
}

/* A JSON string literal, escaped as aeo escapes it. */
static void put_json(buf *b, const char *s, size_t len) {
    grow(b, 6 * len + 2);
    char *o = b->p + b->n;
    *o++ = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': *o++ = '\\'; *o++ = '"'; break;
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        case '\b': *o++ = '\\'; *o++ = 'b'; break;
        case '\f': *o++ = '\\'; *o++ = 'f'; break;
        default:
            if (c < 0x20) o += sprintf(o, "\\u%04x", c);
            else *o++ = (char)c;
        }
    }
    *o++ = '"';
    b->n = (size_t)(o - b->p);
}

/* Paths named in undecided lists, and the measures' IDs, with lengths. */
static char *path[HW_N_FIELDS];
static size_t path_len[HW_N_FIELDS], *id_len;

static void put_outcomes(buf *b, unsigned long long recno, const hw_rec *r, const tri *out) {
    puts_(b, "{\"record\":");
    put_u64(b, recno);
    puts_(b, ",\"key\":");
    put_json(b, r->uscc, r->uscc_len);
    static const char *const head[3] = {",\"not\":[", ",\"applies\":[", ",\"undecided\":{"};
    for (int s = 1; s != 3; s = s == 1 ? 0 : s == 0 ? 2 : 3) {
        if (s == 0 && hw_values) hw_values(b, r, out);   /* "values" comes right after "applies" */
        puts_(b, head[s]);
        bool sep = false;
        for (unsigned m = 0; m < hw_n_measures; m++) {
            if (out[m].s != s) continue;
            grow(b, id_len[m] + 4);
            char *o = b->p + b->n;
            if (sep) *o++ = ',';
            sep = true;
            *o++ = '"';
            memcpy(o, hw_measure_id[m], id_len[m]);
            o += id_len[m];
            *o++ = '"';
            b->n = (size_t)(o - b->p);
            if (s == 2) {
                put(b, ":[", 2);
                for (int k = 0; k < out[m].n; k++) {
                    if (k) put(b, ",", 1);
                    put_json(b, path[out[m].f[k]], path_len[out[m].f[k]]);
                }
                put(b, "]", 1);
            }
        }
        put(b, s == 2 ? "}" : "]", 1);
    }
    puts_(b, ",\"errors\":{}}\n");
}

static int64_t date(const char *s) {
    int64_t t;
    if (!hw_parse_ts(s, strlen(s), &t)) {
        fprintf(stderr, "handwritten: bad date '%s'\n", s);
        exit(2);
    }
    return t;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *file = NULL, *as_of_text = NULL;
    long passes = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) as_of_text = argv[++i];
        else if (strcmp(argv[i], "--micro") == 0 && i + 1 < argc) passes = atol(argv[++i]);
        else file = argv[i];
    }
    if (!file) {
        fputs("usage: handwritten [--micro PASSES] [--as-of DATE] FILE\n", stderr);
        return 2;
    }
    int64_t as_of;
    if (as_of_text) {
        as_of = date(as_of_text);
    } else {
        time_t t = time(NULL);
        as_of = (int64_t)t / 86400 * 86400;
    }
    hw_init(as_of);
    for (int f = 0; f < HW_N_FIELDS; f++) {
        size_t n = strlen(hw_field_info[f].name) + sizeof "enterprise.";
        char *p = malloc(n);
        if (!p) return 2;
        snprintf(p, n, "enterprise.%s", hw_field_info[f].name);
        path[f] = p;
        path_len[f] = n - 1;
    }
    id_len = malloc(hw_n_measures * sizeof *id_len);
    tri *outcome = malloc(hw_n_measures * sizeof *outcome);
    if (!id_len || !outcome) return 2;
    for (unsigned m = 0; m < hw_n_measures; m++) id_len[m] = strlen(hw_measure_id[m]);
    hw_reader *rd = hw_open(file);
    if (!rd) {
        perror(file);
        return 2;
    }
    buf out = {0};
    unsigned long long recno = 0, bad = 0;
    hw_rec *recs = NULL;
    size_t n_recs = 0, cap_recs = 0;
    for (;;) {
        hw_rec r;
        const char *error;
        hw_status st = hw_next(rd, &r, &error);
        if (st == HW_EOF) break;
        recno++;
        if (passes) {
            if (st == HW_RECORD) {
                if (n_recs == cap_recs) {
                    cap_recs = cap_recs ? cap_recs * 2 : 1024;
                    recs = realloc(recs, cap_recs * sizeof *recs);
                    if (!recs) return 2;
                }
                r.uscc = NULL;
                recs[n_recs++] = r;
            }
        } else if (st == HW_RECORD) {
            hw_evaluate(&r, outcome);
            put_outcomes(&out, recno, &r, outcome);
        } else {
            bad++;
            puts_(&out, "{\"record\":");
            put_u64(&out, recno);
            puts_(&out, ",\"error\":");
            put_json(&out, error, strlen(error));
            puts_(&out, "}\n");
        }
        if (out.n > (1 << 16)) {
            fwrite(out.p, 1, out.n, stdout);
            out.n = 0;
        }
    }
    fwrite(out.p, 1, out.n, stdout);
    hw_close(rd);
    if (passes) {
        unsigned long long counts[3] = {0, 0, 0};
        double t0 = now();
        for (long p = 0; p < passes; p++) {
            for (size_t i = 0; i < n_recs; i++) {
                hw_evaluate(&recs[i], outcome);
                for (unsigned m = 0; m < hw_n_measures; m++) counts[outcome[m].s]++;
            }
        }
        double t = now() - t0;
        printf("handwritten micro: %zu records x %ld passes: %.1f ns per record (applies %llu, not %llu, "
               "undecided %llu)\n",
               n_recs, passes, t * 1e9 / ((double)n_recs * (double)passes), counts[1], counts[0], counts[2]);
    }
    free(recs);
    free(out.p);
    free(outcome);
    free(id_len);
    for (int f = 0; f < HW_N_FIELDS; f++) free(path[f]);
    if (bad) fprintf(stderr, "handwritten: %llu of %llu records could not be read\n", bad, recno);
    return bad ? 1 : 0;
}
