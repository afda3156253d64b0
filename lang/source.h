/* Source files: their text, their names, and the map from byte offsets to
 * line:column used when printing a span.
 *
 * A source set owns every file of one compilation (or REPL session); a span's
 * [file] field is the index returned by aeo_sources_add. Columns count bytes
 * (1-based), as GCC and most CI tools expect. */
#ifndef AEO_LANG_SOURCE_H
#define AEO_LANG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/span.h"

typedef struct aeo_source {
    char *name;         /* as given on the command line, or "<repl>" */
    char *text;         /* NUL-terminated (embedded NULs possible) */
    uint32_t len;
    uint32_t *lines;    /* byte offset of the start of each line */
    uint32_t n_lines;
} aeo_source;

typedef struct aeo_sources {
    aeo_source *files;
    uint32_t n, cap;
} aeo_sources;

void aeo_sources_init(aeo_sources *s);
void aeo_sources_free(aeo_sources *s);
/* Adds a file with a copy of [len] bytes of [text]; returns its index. */
uint32_t aeo_sources_add(aeo_sources *s, const char *name, const char *text, size_t len);
/* Reads [path] and adds it.  Returns false with errno set on I/O failure, or
 * with errno = EFBIG when the file exceeds 64 MiB. */
bool aeo_sources_load(aeo_sources *s, const char *path, uint32_t *index);
/* 1-based line and column of byte [offset] in [file]. */
void aeo_sources_position(const aeo_sources *s, uint32_t file, uint32_t offset,
                          uint32_t *line, uint32_t *col);
/* Appends " at FILE:LINE:COL" for the start of [span] to [b] (an aeo_buf of
 * runtime/value.h), or nothing when [span] names no file of [s]: where a
 * runtime error happened, in eval's table, explain and the REPL. */
struct aeo_buf;
void aeo_sources_append_at(const aeo_sources *s, aeo_span span, struct aeo_buf *b);
/* Appends "FILE:LINE:COL" for the start of [span] (nothing when [span]
 * names no file of [s]): coverage reports, aeo_sources_append_at. */
void aeo_sources_append_where(const aeo_sources *s, aeo_span span, struct aeo_buf *b);
/* "line:col" of [span] into [buf] ([size] bytes), for [ud] an aeo_sources:
 * the span namer aeo_chunk_disasm takes (`aeo disasm`, the REPL's :dis). */
void aeo_sources_span_namer(void *ud, aeo_span span, char *buf, size_t size);
/* The text of line [line] (1-based) of [file], without its newline. */
const char *aeo_sources_line(const aeo_sources *s, uint32_t file, uint32_t line, uint32_t *len);

#endif
