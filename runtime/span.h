/* Source spans: byte offsets into a source file, the unit in which every
 * token, AST node, diagnostic and bytecode instruction names its origin.
 * Offsets are turned into line:column only when printing (lang/source.c). */
#ifndef AEO_RUNTIME_SPAN_H
#define AEO_RUNTIME_SPAN_H

#include <stdint.h>

typedef struct aeo_span {
    uint32_t file;   /* index into the source set (lang/source.h) */
    uint32_t start;  /* first byte */
    uint32_t end;    /* one past the last byte */
} aeo_span;

#endif
