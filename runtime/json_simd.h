/* JSON parsing with simdjson (its DOM API), behind a C interface for
 * runtime/facts.c.  One small C++ translation unit, runtime/json_simd.cpp;
 * nothing else in aeo sees C++.
 *
 * aeo_sj_parse fully validates a text against RFC 8259 (structure, numbers,
 * literals, string escapes and surrogate pairs, raw control characters in
 * strings, UTF-8 of the whole text, nothing after the value) and leaves the
 * parsed document on simdjson's "tape" in this thread's parser.  It says
 * only whether the text is accepted, never where it is wrong: facts.c
 * keeps its own validator for the messages of bad records.  Beyond RFC 8259
 * simdjson refuses numbers it cannot represent (an integer beyond 64 bits,
 * a double that overflows, such as 1e400): such a text is AEO_SJ_REFUSED
 * like a malformed one, and facts.c, which accepts some of those, decides.
 * Nesting deeper than AEO_SJ_MAX_DEPTH is refused, and texts longer than
 * AEO_SJ_MAX_TEXT are not parsed (AEO_SJ_UNAVAILABLE), so that the parser's
 * memory (about 14 bytes per byte of the largest text) stays small.
 *
 * The tape (simdjson's documented format, doc/tape.md): 64-bit words, the
 * type in the top byte and a 56-bit payload.  tape[0] is the root 'r';
 * tape[1] the value.  '{' and '[' carry in their low 32 bits the index of
 * the word after their matching '}' or ']', and in bits 32-55 the number of
 * members (saturated at 0xFFFFFF); an object's members are key, value
 * pairs.  '"' carries the offset in the string buffer of a 32-bit length
 * followed by the unescaped bytes and a NUL; 'l' (int64), 'u' (uint64) and
 * 'd' (double) are followed by a word holding the value; 't', 'f', 'n' are
 * the literals.  The helpers below read it. */
#ifndef AEO_RUNTIME_JSON_SIMD_H
#define AEO_RUNTIME_JSON_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest text aeo_sj_parse parses (longer ones: AEO_SJ_UNAVAILABLE). */
#define AEO_SJ_MAX_TEXT ((size_t)256 * 1024)
/* The deepest nesting accepted, the record itself being depth 1: the same
 * as AEO_FACTS_MAX_DEPTH (facts.c checks that they agree). */
#define AEO_SJ_MAX_DEPTH 512

typedef enum {
    AEO_SJ_OK,           /* valid JSON: *doc holds it */
    AEO_SJ_REFUSED,      /* not valid JSON, or a number simdjson cannot hold */
    AEO_SJ_UNAVAILABLE   /* not parsed: too long, or out of memory */
} aeo_sj_status;

/* A parsed text, valid until the next aeo_sj_parse on the same thread. */
typedef struct aeo_sj_doc {
    const uint64_t *tape;
    const uint8_t *strings;
} aeo_sj_doc;

/* Parses the [len] bytes at [text] (no padding needed: they are copied into
 * the thread's padded buffer) with this thread's parser. */
aeo_sj_status aeo_sj_parse(const char *text, size_t len, aeo_sj_doc *doc);

/* Reading the tape: the type byte and payload of word [i]. */
static inline unsigned aeo_sj_type(const aeo_sj_doc *d, size_t i) { return (unsigned)(d->tape[i] >> 56); }
static inline uint64_t aeo_sj_payload(const aeo_sj_doc *d, size_t i) {
    return d->tape[i] & UINT64_C(0x00FFFFFFFFFFFFFF);
}
/* For '{' and '[': the index just past the matching closer. */
static inline size_t aeo_sj_after(const aeo_sj_doc *d, size_t i) { return (uint32_t)d->tape[i]; }
/* For '{' and '[': the number of members, saturated at 0xFFFFFF. */
static inline uint32_t aeo_sj_count(const aeo_sj_doc *d, size_t i) {
    return (uint32_t)(d->tape[i] >> 32) & 0xFFFFFFu;
}
/* For '"': the unescaped bytes (NUL-terminated) and their length. */
static inline const char *aeo_sj_str(const aeo_sj_doc *d, size_t i, size_t *len) {
    const uint8_t *p = d->strings + aeo_sj_payload(d, i);
    uint32_t n;
    memcpy(&n, p, sizeof n);
    *len = n;
    return (const char *)(p + sizeof n);
}
/* The index of the value after the one at [i]. */
static inline size_t aeo_sj_next(const aeo_sj_doc *d, size_t i) {
    unsigned t = aeo_sj_type(d, i);
    if (t == '{' || t == '[') return aeo_sj_after(d, i);
    if (t == 'l' || t == 'u' || t == 'd') return i + 2;
    return i + 1;
}
static inline int64_t aeo_sj_int64(const aeo_sj_doc *d, size_t i) {
    int64_t v;
    memcpy(&v, &d->tape[i + 1], sizeof v);
    return v;
}
static inline uint64_t aeo_sj_uint64(const aeo_sj_doc *d, size_t i) { return d->tape[i + 1]; }
static inline double aeo_sj_double(const aeo_sj_doc *d, size_t i) {
    double v;
    memcpy(&v, &d->tape[i + 1], sizeof v);
    return v;
}

#ifdef __cplusplus
}
#endif

#endif
