/* hw.h: a hand-written catalog ("shape") of `make bench`, as the driver
 * hw_main.c sees it, and CEL's three-valued logic for writing one.
 *
 * A shape is one C file: hw_shenyang.c (the Shenyang catalog, which also
 * serves the flat shape: same outcomes), or hw_gen.c, which gen_shape writes
 * with the generated catalog.  Linked with hw_main.c, hw_common.c and one
 * reader (hw_read.h), it is a program:
 *
 *   NAME [--as-of DATE] FILE            jsonl outcomes on stdout, byte for
 *                                       byte `aeo eval --format jsonl`'s
 *   NAME --micro PASSES [--as-of DATE] FILE
 *                                       evaluation alone, ns per record */
#ifndef AEO_BENCH_HW_H
#define AEO_BENCH_HW_H

#include "hw_read.h"

/* false, true, or unknown naming up to 8 missing facts in first-seen order. */
typedef struct tri {
    uint8_t s;             /* 0 false, 1 true, 2 unknown */
    uint8_t n;
    uint8_t f[8];
} tri;

static const tri FALSE_ = {0, 0, {0}}, TRUE_ = {1, 0, {0}};

static inline tri known(bool b) { return b ? TRUE_ : FALSE_; }

static inline tri missing(int f) {
    tri t = {2, 1, {(uint8_t)f}};
    return t;
}

static inline tri merge(tri a, tri b) {
    for (int i = 0; i < b.n; i++) {
        int k = 0;
        while (k < a.n && a.f[k] != b.f[i]) k++;
        if (k == a.n && a.n < 8) a.f[a.n++] = b.f[i];
    }
    return a;
}

/* CEL's commutative && and ||: the decisive value wins over unknowns. */
static inline tri and_(tri a, tri b) {
    if (a.s == 0 || b.s == 0) return FALSE_;
    if (a.s == 2) return b.s == 2 ? merge(a, b) : a;
    return b;
}

static inline tri or_(tri a, tri b) {
    if (a.s == 1 || b.s == 1) return TRUE_;
    if (a.s == 2) return b.s == 2 ? merge(a, b) : a;
    return b;
}

static inline tri not_(tri a) {
    if (a.s != 2) a.s = (uint8_t)!a.s;
    return a;
}

/* enterprise.<bool field>: unknown when absent. */
static inline tri fact(const hw_rec *r, int f) {
    if (!(r->present >> f & 1)) return missing(f);
    return known(r->truth >> f & 1);
}

/* An output buffer. */
typedef struct buf {
    char *p;
    size_t n, cap;
} buf;
void put(buf *b, const char *s, size_t n);
void puts_(buf *b, const char *s);

/* ---- what a shape defines ---------------------------------------------------- */

extern const unsigned hw_n_measures;
extern const char *const hw_measure_id[];
/* Called once, with as_of (seconds since the epoch). */
void hw_init(int64_t as_of);
/* The outcomes of [r], hw_n_measures of them. */
void hw_evaluate(const hw_rec *r, tri *out);
/* For a valued catalog: the jsonl ",\"values\":{...}" of [r] and its
 * outcomes; NULL for a catalog without values. */
extern void (*const hw_values)(buf *b, const hw_rec *r, const tri *out);

#endif
