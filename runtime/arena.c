/* Bump arena and allocation choke point; see arena.h.
 *
 * Blocks form a singly linked list, newest first.  A request larger than a
 * quarter of the default block gets a block of its own, linked behind the
 * current block, so one huge string does not waste the rest of a normal
 * block.  Reset keeps the first block allocated, rewound, and the others
 * as spares for later requests, up to SPARE_MAX bytes (the rest is freed):
 * an arena reset per record then allocates nothing in the steady state,
 * even for records that need more than a block or big blocks. */
#include "runtime/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE ((size_t)64 * 1024)
#define ALIGN ((size_t)16)
#define SPARE_MAX ((size_t)4 * 1024 * 1024)

typedef struct block {
    struct block *next;
    size_t size, used;
    /* Padding keeps data[] 16-byte aligned on every common ABI. */
    size_t pad;
    unsigned char data[];
} block;

struct aeo_arena {
    block *head;       /* current block, newest */
    block *first;      /* the block allocated with the arena, kept by reset */
    block *side;       /* blocks of the aligned allocations, newest first */
    block *spare;      /* blocks a reset gave back, for reuse */
    size_t spare_bytes;
    size_t total;      /* bytes handed out since the last reset */
    void *last;        /* most recent allocation, for in-place realloc */
    size_t last_size;
};

/* _Exit, not exit: with -j N another thread may be inside simdjson, whose
 * static objects exit() would destroy under it ("pure virtual method
 * called", SIGABRT).  Nothing buffered needs saving: exit 2 says the
 * output is incomplete. */
void aeo_out_of_memory(void) {
    fputs("aeo: out of memory\n", stderr);
    _Exit(2);
}

static void oom(void) { aeo_out_of_memory(); }

void *aeo_xmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) oom();
    return p;
}

void *aeo_xrealloc(void *ptr, size_t size) {
    void *p = realloc(ptr, size ? size : 1);
    if (!p) oom();
    return p;
}

void *aeo_xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom();
    return p;
}

char *aeo_xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = aeo_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static block *block_new(size_t size) {
    block *b = aeo_xmalloc(sizeof(block) + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

aeo_arena *aeo_arena_new(void) {
    aeo_arena *a = aeo_xcalloc(1, sizeof *a);
    a->head = a->first = block_new(BLOCK_SIZE);
    return a;
}

static void free_chain(block *b) {
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
}

void aeo_arena_free(aeo_arena *a) {
    if (!a) return;
    free_chain(a->head);
    free_chain(a->side);
    free_chain(a->spare);
    free(a);
}

/* A block of at least [size] bytes, empty: a spare if one is large
 * enough, else a new one. */
static block *take_block(aeo_arena *a, size_t size) {
    for (block **p = &a->spare; *p; p = &(*p)->next) {
        if ((*p)->size >= size) {
            block *b = *p;
            *p = b->next;
            a->spare_bytes -= b->size;
            b->next = NULL;
            b->used = 0;
            return b;
        }
    }
    return block_new(size);
}

/* Gives block [b] back: kept as a spare while they stay under SPARE_MAX. */
static void drop_block(aeo_arena *a, block *b) {
    if (a->spare_bytes + b->size > SPARE_MAX) {
        free(b);
        return;
    }
    b->next = a->spare;
    a->spare = b;
    a->spare_bytes += b->size;
}

/* Gives back every block of chain [b] but [keep] (NULL: the last, the
 * oldest), which it rewinds and returns; NULL for an empty chain. */
static block *rewind_chain(aeo_arena *a, block *b, block *keep) {
    block *kept = NULL;
    while (b) {
        block *next = b->next;
        if (b == keep || (!keep && !next)) kept = b;
        else drop_block(a, b);
        b = next;
    }
    if (kept) {
        kept->next = NULL;
        kept->used = 0;
    }
    return kept;
}

void aeo_arena_reset(aeo_arena *a) {
    /* Big blocks are linked behind the current one, so the first block is
     * not always the last of its chain. */
    a->head = rewind_chain(a, a->head, a->first);
    a->side = rewind_chain(a, a->side, NULL);
    a->total = 0;
    a->last = NULL;
    a->last_size = 0;
}

void *aeo_arena_alloc(aeo_arena *a, size_t size) {
    size_t need = (size + ALIGN - 1) & ~(ALIGN - 1);
    if (need == 0) need = ALIGN;
    block *b = a->head;
    if (b->size - b->used < need) {
        if (need > BLOCK_SIZE / 4) {
            /* Big request: its own block, linked behind the current one so
             * the current block's free space stays usable. */
            block *big = take_block(a, need);
            big->used = need;
            big->next = b->next;
            b->next = big;
            a->total += need;
            a->last = NULL;
            return big->data;
        }
        b = take_block(a, BLOCK_SIZE);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    a->last = p;
    a->last_size = need;
    return p;
}

void *aeo_arena_alloc_aligned(aeo_arena *a, size_t size, size_t align) {
    if (align <= ALIGN) return aeo_arena_alloc(a, size);
    /* Aligned allocations have blocks of their own, so that objects of one
     * size (the records of a type) lie at a constant stride, which the
     * hardware's stride prefetcher follows. */
    size_t need = (size + ALIGN - 1) & ~(ALIGN - 1);
    block *b = a->side;
    size_t pad = b ? (size_t)(-(uintptr_t)(b->data + b->used) & (align - 1)) : 0;
    if (!b || b->size - b->used < pad + need) {
        size_t bsize = need + align > BLOCK_SIZE ? need + align : BLOCK_SIZE;
        b = take_block(a, bsize);
        b->next = a->side;
        a->side = b;
        pad = (size_t)(-(uintptr_t)b->data & (align - 1));
    }
    void *p = b->data + b->used + pad;
    b->used += pad + need;
    a->total += pad + need;
    return p;
}

void *aeo_arena_zalloc(aeo_arena *a, size_t size) {
    void *p = aeo_arena_alloc(a, size);
    memset(p, 0, size);
    return p;
}

void *aeo_arena_realloc(aeo_arena *a, void *ptr, size_t old, size_t size) {
    if (ptr && ptr == a->last) {
        block *b = a->head;
        size_t need = (size + ALIGN - 1) & ~(ALIGN - 1);
        size_t start = (size_t)((unsigned char *)ptr - b->data);
        if (start + need <= b->size) {
            a->total += need - (need < a->last_size ? need : a->last_size);
            b->used = start + need;
            a->last_size = need;
            return ptr;
        }
    }
    void *p = aeo_arena_alloc(a, size);
    if (ptr && old) memcpy(p, ptr, old < size ? old : size);
    return p;
}

bool aeo_arena_give_back(aeo_arena *a, void *p, size_t size) {
    size_t need = (size + ALIGN - 1) & ~(ALIGN - 1);
    if (need == 0) need = ALIGN;
    block *b = a->head;
    unsigned char *q = p;
    if (!q || b->used < need || q != b->data + b->used - need) return false;
    b->used -= need;
    a->total -= need;
    a->last = NULL;
    a->last_size = 0;
    return true;
}

char *aeo_arena_strndup(aeo_arena *a, const char *s, size_t len) {
    char *p = aeo_arena_alloc(a, len + 1);
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *aeo_arena_strdup(aeo_arena *a, const char *s) {
    return aeo_arena_strndup(a, s, strlen(s));
}

/* The one home of "format into the arena": measure with a copy of [ap]
 * (a va_list is spent by one vsnprintf), then format into exactly that
 * many bytes.  An encoding error (n < 0) yields "" rather than a huge
 * allocation. */
char *aeo_arena_vprintf(aeo_arena *a, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) n = 0;
    char *p = aeo_arena_alloc(a, (size_t)n + 1);
    if (vsnprintf(p, (size_t)n + 1, fmt, ap) < 0) p[0] = '\0';
    return p;
}

char *aeo_arena_printf(aeo_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = aeo_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

size_t aeo_arena_used(const aeo_arena *a) { return a->total; }
