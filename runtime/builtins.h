/* The CEL standard library: functions callable from expressions.
 *
 * Each builtin is a C function over already-evaluated arguments.  The VM
 * handles strictness before the call (an ERROR or UNKNOWN argument never
 * reaches a builtin), so a builtin only sees concrete values and returns
 * either a result or an ERROR made with aeo_error_new (the VM attaches the
 * span of the call).  For a method call (x.f(y)) the receiver is args[0].
 *
 * aeo_builtins is THE table of the standard library: its name, call style
 * and static signatures are what the checker types calls against
 * (lang/check.c reads the overload strings), and its function pointer is
 * what the VM calls; so a name the checker accepts always has an
 * implementation, with the arities the checker allowed.  Overloads are
 * resolved again inside each builtin by the arguments' kinds (a dyn
 * argument is typed only at run time). */
#ifndef AEO_RUNTIME_BUILTINS_H
#define AEO_RUNTIME_BUILTINS_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/arena.h"
#include "runtime/value.h"

/* What a builtin may use: the evaluation arena (for results) and a cache of
 * compiled regular expressions that outlives records. */
typedef struct aeo_builtin_ctx {
    aeo_arena *arena;
    struct aeo_regex_cache *regex;
} aeo_builtin_ctx;

typedef aeo_value (*aeo_builtin_fn)(aeo_builtin_ctx *cx, const aeo_value *args, uint32_t argc);

typedef enum {
    AEO_CALL_GLOBAL = 1,  /* f(x, ...) */
    AEO_CALL_METHOD = 2,  /* x.f(...) */
    AEO_CALL_BOTH = 3
} aeo_call_style;

/* The letters of an overload string, one per argument type and one for the
 * result: s string, i int, u uint, d double, b bool, y bytes, t timestamp,
 * D duration, l list, S list<string>, m map, A any, T type. */
#define AEO_BUILTIN_LETTERS "siudbytDlSmAT"

typedef struct aeo_builtin {
    const char *name;
    aeo_call_style style;
    /* The static signatures, ';'-separated overloads "ARGS:R": one letter
     * per argument (the receiver first for a method call) and the result
     * letter, as in "sss:s;sssi:s" (replace, with an optional count).  The
     * arities the builtin takes are the lengths of ARGS. */
    const char *overloads;
    aeo_builtin_fn fn;
} aeo_builtin;

extern const aeo_builtin aeo_builtins[];
extern const uint32_t aeo_builtin_count;

/* Index of the builtin [name] callable in [style] (GLOBAL or METHOD) with
 * [argc] arguments (receiver included), or -1. */
int aeo_builtin_find(const char *name, aeo_call_style style, uint32_t argc);

/* The builtin named [name] whatever its style and arity, or NULL: the
 * checker's lookup, which then reports a wrong style or overload itself. */
const aeo_builtin *aeo_builtin_named(const char *name);

/* Whether [b] has an overload of [argc] arguments (receiver included). */
bool aeo_builtin_takes(const aeo_builtin *b, uint32_t argc);

/* Whether [pattern] compiles as a regular expression of `matches`; if not,
 * writes why into [msg] of [size] bytes.  The checker uses it on constant
 * patterns. */
bool aeo_regex_valid(const char *pattern, size_t len, char *msg, size_t size);

/* A regex cache; free with aeo_regex_cache_free. */
struct aeo_regex_cache *aeo_regex_cache_new(void);
void aeo_regex_cache_free(struct aeo_regex_cache *rc);

/* What a regex cache holds and has done: compiled patterns currently held
 * (at most 64), lookups served from the cache, and compilations. */
typedef struct aeo_regex_stats {
    uint32_t entries;
    uint64_t hits, compiles;
} aeo_regex_stats;
aeo_regex_stats aeo_regex_cache_stats(const struct aeo_regex_cache *rc);

#endif
