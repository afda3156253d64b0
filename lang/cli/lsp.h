/* `aeo lsp`: what the protocol loop (lsp.c) and the features (lsp_features.c)
 * share.
 *
 * lsp.c owns the wire: Content-Length framing, JSON-RPC 2.0, the open
 * documents and their incremental edits, and when diagnostics are
 * published.  lsp_features.c owns what a request means for aeo: it builds
 * the catalog of a document's folder through the library's one pipeline
 * entry point (aeo_catalog_build, as `aeo check` does) and reads the
 * checked AST for completion, hover, definition, references, symbols,
 * formatting and code actions.
 *
 * Positions on the wire are LSP's: 0-based lines and UTF-16 code units; aeo
 * spans are byte offsets.  aeo_lsp_offset and aeo_lsp_position convert, in
 * one place. */
#ifndef AEO_LANG_CLI_LSP_H
#define AEO_LANG_CLI_LSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "lang/catalog.h"

/* An open document: the client's text, which replaces the file on disk in
 * every catalog built while it is open. */
typedef struct aeo_lsp_doc {
    char *uri;      /* as the client sent it */
    char *path;     /* the file it names (file: URIs), or NULL */
    char *dir;      /* its folder: the catalog; NULL without a path */
    char *text;     /* malloc'd, NUL-terminated, [len] bytes */
    size_t len;
} aeo_lsp_doc;

/* The server's state.  [cache] is the last catalog built, for folder
 * [cache_dir] (or the lone document [cache_uri] without a folder); any edit
 * makes it stale. */
typedef struct aeo_lsp {
    aeo_lsp_doc *docs;
    uint32_t n_docs, cap_docs;
    aeo_catalog *cache;
    char *cache_key;
    bool stale;
} aeo_lsp;

/* The open document [uri], or NULL. */
aeo_lsp_doc *aeo_lsp_doc_find(aeo_lsp *s, const char *uri);
/* The byte offset of LSP position ([line], [character] in UTF-16 code
 * units) in [text]: past the end of a line, its end; past the last line,
 * [len]; inside a character (half a surrogate pair), after it. */
size_t aeo_lsp_offset(const char *text, size_t len, uint32_t line, uint32_t character);
/* The LSP position of byte [offset] of [text] (invalid UTF-8 counts one
 * code unit a byte). */
void aeo_lsp_position(const char *text, size_t len, size_t offset, uint32_t *line, uint32_t *character);
/* A new LSP Range object for bytes [start, end) of [text]. */
cJSON *aeo_lsp_range(const char *text, size_t len, size_t start, size_t end);
/* The URI of file [path]: file:// and the path, percent-encoded. */
char *aeo_lsp_uri(const char *path);

/* The checked catalog that document [d] belongs to (built now if stale):
 * every .aeo of its folder, with the open documents' text instead of their
 * files.  Owned by [s]; valid until the next edit.  Never NULL. */
aeo_catalog *aeo_lsp_catalog(aeo_lsp *s, const aeo_lsp_doc *d);
/* The publishDiagnostics parameters for every file of [d]'s catalog, as a
 * JSON array (the caller sends each and frees the array). */
cJSON *aeo_lsp_diagnostics(aeo_lsp *s, const aeo_lsp_doc *d);

/* The requests: each returns the result (a new JSON value; cJSON null when
 * there is none) for [params], whose textDocument is [d]. */
cJSON *aeo_lsp_completion(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params);
cJSON *aeo_lsp_hover(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params);
cJSON *aeo_lsp_definition(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params);
cJSON *aeo_lsp_references(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params);
cJSON *aeo_lsp_symbols(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params);
cJSON *aeo_lsp_formatting(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params);
cJSON *aeo_lsp_code_actions(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params);

/* `aeo lsp` (main.c's command table): serves stdin/stdout until exit. */
struct aeo_cli_command;
int aeo_cli_lsp(const struct aeo_cli_command *cmd, int argc, char **argv);

#endif
