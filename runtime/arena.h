/* Memory: one allocation choke point and a bump arena.
 *
 * Every allocation in aeo goes through aeo_xmalloc/aeo_xrealloc, which abort
 * with a message when memory is exhausted (there is no recovery from that in a
 * command-line tool, and one choke point lets a test build inject failures).
 *
 * Most memory lives in arenas: the AST, interned names and diagnostic strings
 * of one compilation; the decoded facts and intermediate values of one record
 * evaluation.  An arena is freed (or reset, keeping its first block for reuse)
 * in one call, so nothing in it has an individual free.  Resetting the
 * evaluation arena after each record is what keeps the steady state of
 * `aeo eval` free of per-record malloc calls.
 *
 * The arena lives in runtime/ (the lowest layer) because both the runtime and
 * lang/ need it; dependencies only point from lang to runtime. */
#ifndef AEO_RUNTIME_ARENA_H
#define AEO_RUNTIME_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* malloc/realloc/calloc that never return NULL: on exhaustion they print
 * "aeo: out of memory" and exit(2).  Free with free(). */
void *aeo_xmalloc(size_t size);
void *aeo_xrealloc(void *ptr, size_t size);
void *aeo_xcalloc(size_t n, size_t size);
/* strdup through the choke point; free with free(). */
char *aeo_xstrdup(const char *s);
/* What they do on exhaustion, for the one allocator outside the choke point
 * that cannot report it (simdjson's first use: runtime/json_simd.cpp). */
void aeo_out_of_memory(void) __attribute__((noreturn));

typedef struct aeo_arena aeo_arena;

/* A new, empty arena.  Free with aeo_arena_free. */
aeo_arena *aeo_arena_new(void);
/* Frees the arena and everything allocated from it.  NULL is a no-op. */
void aeo_arena_free(aeo_arena *a);
/* Forgets every allocation but keeps the first block, so an arena reset per
 * record reaches a steady state with no malloc at all. */
void aeo_arena_reset(aeo_arena *a);
/* [size] bytes aligned for any type (16 bytes), owned by the arena.  Never
 * NULL.  The memory is not zeroed. */
void *aeo_arena_alloc(aeo_arena *a, size_t size);
/* As aeo_arena_alloc, aligned to [align] bytes (a power of two, at most
 * 4096): e.g. a cache line, so that an object's first bytes are read
 * together. */
void *aeo_arena_alloc_aligned(aeo_arena *a, size_t size, size_t align);
/* As aeo_arena_alloc, zeroed. */
void *aeo_arena_zalloc(aeo_arena *a, size_t size);
/* Grows [ptr] (of [old] bytes, from this arena) to [size] bytes.  Extends in
 * place when [ptr] is the most recent allocation, else copies. */
void *aeo_arena_realloc(aeo_arena *a, void *ptr, size_t old, size_t size);
/* A NUL-terminated copy of [len] bytes at [s], owned by the arena. */
/* Gives back [p], of [size] bytes, when it is the newest allocation of the
 * current block (the parser's literals past a limit, grammar/parser.y);
 * returns whether it did.  Anything else is left alone. */
bool aeo_arena_give_back(aeo_arena *a, void *p, size_t size);
char *aeo_arena_strndup(aeo_arena *a, const char *s, size_t len);
/* A NUL-terminated copy of [s], owned by the arena. */
char *aeo_arena_strdup(aeo_arena *a, const char *s);
/* printf into the arena: returns a NUL-terminated string owned by [a]. */
char *aeo_arena_printf(aeo_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The va_list form of aeo_arena_printf; [ap] is consumed (va_end is the
 * caller's).  Every other "format into an arena" in aeo calls this. */
char *aeo_arena_vprintf(aeo_arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Total bytes handed out since creation or the last reset (for limits). */
size_t aeo_arena_used(const aeo_arena *a);

#endif
