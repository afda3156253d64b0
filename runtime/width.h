/* Display width: how many terminal columns a UTF-8 string takes.
 *
 * Every table aeo prints (eval's table and --summary, list, test
 * --coverage, the REPL's :measures) pads and cuts its columns through
 * these functions, so a Chinese title (two columns per character) lines up
 * with an English one.  wcwidth(3) would do it only under a UTF-8 locale,
 * and differently from one C library to the next; this is a small table of
 * Unicode's East Asian Width (W and F count 2) and of the zero-width
 * characters (combining marks, format controls, variation selectors count
 * 0), the same everywhere, tested in tests/unit/test_width.c.
 *
 * Invalid UTF-8 (a stray continuation byte, a truncated or overlong
 * sequence, a surrogate) counts one column per bad byte, as a terminal
 * shows one replacement character for it; C0 and C1 controls count 0. */
#ifndef AEO_RUNTIME_WIDTH_H
#define AEO_RUNTIME_WIDTH_H

#include <stddef.h>

#include "runtime/value.h"

/* The columns code point [cp] takes: 0, 1 or 2. */
int aeo_width_char(unsigned cp);
/* Decodes one character at [s] ([n] > 0 bytes left): its byte length
 * (1 for an invalid byte), its code point in *[cp] (0xFFFD when invalid). */
size_t aeo_width_decode(const char *s, size_t n, unsigned *cp);
/* The columns the [n] bytes at [s] take. */
size_t aeo_width_str(const char *s, size_t n);
/* The byte length of the longest prefix of the [n] bytes at [s] that takes
 * at most [cols] columns, ending at a character boundary (zero-width
 * characters after the last one that fits stay with it); its width in
 * *[used] when [used] is not NULL. */
size_t aeo_width_cut(const char *s, size_t n, size_t cols, size_t *used);
/* Appends the C string [s] to [b] cut to [max] columns (0: no limit), then
 * spaces up to [cols] columns: one cell of a left-aligned table column. */
void aeo_width_pad(aeo_buf *b, const char *s, size_t cols, size_t max);

#endif
