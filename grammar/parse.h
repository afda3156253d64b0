/* The parser's facade: source text in, AST and diagnostics out.
 *
 * The scanner (lexer.l, reentrant flex) and the parser (parser.y, pure
 * bison with byte-offset locations) are private to grammar/; this header is
 * the only way in.  Syntax errors are reported to the sink with spans and the
 * parser recovers at declaration and property level, so one call reports
 * every independent syntax error; nodes that failed to parse are ERROR
 * nodes, which later stages skip without further messages. */
#ifndef AEO_GRAMMAR_PARSE_H
#define AEO_GRAMMAR_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/source.h"
#include "runtime/arena.h"

/* Expressions nested deeper than this are an error (E0005), so that every
 * recursive pass over the tree runs in bounded C stack. */
#define AEO_MAX_DEPTH 1000

typedef struct aeo_parse_opts {
    aeo_arena *arena;     /* where the AST goes */
    aeo_diags *diags;     /* where errors go */
    uint32_t *next_id;    /* expression id counter, shared across files */
} aeo_parse_opts;

/* Parses file [source] of [src] as a sequence of declarations into *[out].
 * Returns false if any syntax error was reported ([out] then still holds
 * every declaration that parsed, with ERROR nodes where others stood). */
bool aeo_parse_file(const aeo_sources *src, uint32_t source, const aeo_parse_opts *o,
                    aeo_file *out);

/* Parses file [source] as a single CEL expression (the REPL, --key,
 * `aeo eval -e`).  Returns NULL after reporting errors.  When the input ends
 * in the middle of the expression, the error has code AEO_E_UNEXPECTED_EOF,
 * which tells the REPL to read a continuation line. */
aeo_expr *aeo_parse_expr(const aeo_sources *src, uint32_t source, const aeo_parse_opts *o);

/* Parses a REPL input: one declaration (const, def, measure, ...), or else
 * one expression.  Exactly one of *[decl] and *[expr] is set on success. */
bool aeo_parse_repl(const aeo_sources *src, uint32_t source, const aeo_parse_opts *o,
                    aeo_decl **decl, aeo_expr **expr);

#endif
