/* `aeo lsp`: the protocol loop of the language server (LSP 3.17).
 *
 * Input is a stream of messages, each a header block ("Content-Length: N",
 * optional other headers, a blank line) and N bytes of JSON-RPC 2.0.  The
 * loop reads one message, answers or acts on it, and writes responses and
 * notifications with the same framing to stdout.  Nothing in the input can
 * stop it but end of input or `exit`: a header without a length, a length
 * past the limit or a body that is not JSON is answered with a ParseError
 * (id null) and the loop reads on; a message that is not a request or a
 * notification is an InvalidRequest; an unknown request is MethodNotFound
 * and an unknown notification is ignored, as the specification says.
 *
 * Two things depend on what has arrived but not yet been handled, so the
 * loop keeps a queue of messages read ahead (whatever the pipe already
 * holds, never waiting for more):
 *   - $/cancelRequest: a request whose cancellation is already queued is
 *     answered RequestCancelled instead of being worked on.  Requests are
 *     handled one at a time, so a cancellation that arrives after its
 *     request was answered has nothing left to cancel and is ignored.
 *   - debounced diagnostics: an edit only marks its document; diagnostics
 *     are built and published once the queue is empty (the client paused)
 *     or before a request is answered, so a burst of keystrokes costs one
 *     check, and a request always sees the diagnostics of the text it
 *     asks about published first (which makes scripted tests exact).
 *
 * Exit status: 0 after shutdown then exit; 1 on exit without shutdown or
 * end of input (LSP's rule); 2 for arguments. */
#include "lang/cli/lsp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lang/aeo.h"
#include "lang/cli/cli.h"

/* JSON-RPC and LSP error codes. */
enum {
    RPC_PARSE_ERROR = -32700,
    RPC_INVALID_REQUEST = -32600,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_PARAMS = -32602,
    RPC_SERVER_NOT_INITIALIZED = -32002,
    RPC_REQUEST_CANCELLED = -32800
};

/* The largest message body accepted: as large as the biggest source file
 * (lang/source.c's 64 MiB) plus room for its JSON escaping. */
#define MAX_BODY ((size_t)160 << 20)

/* ---- positions -------------------------------------------------------------------- */

/* The length in bytes of the UTF-8 sequence at [p] (at most [n] bytes),
 * and its UTF-16 code units in *[units]; an invalid byte is 1 and 1. */
static size_t utf8_char(const unsigned char *p, size_t n, uint32_t *units) {
    *units = 1;
    size_t want = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
                                  : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (want == 0 || want > n) return 1;
    for (size_t i = 1; i < want; i++)
        if ((p[i] & 0xC0) != 0x80) return 1;
    if (want == 4) *units = 2;
    return want;
}

size_t aeo_lsp_offset(const char *text, size_t len, uint32_t line, uint32_t character) {
    size_t i = 0;
    for (uint32_t l = 0; l < line; l++) {
        const char *nl = memchr(text + i, '\n', len - i);
        if (!nl) return len;
        i = (size_t)(nl - text) + 1;
    }
    uint32_t col = 0;
    while (i < len && text[i] != '\n' && col < character) {
        uint32_t units;
        i += utf8_char((const unsigned char *)text + i, len - i, &units);
        col += units;
    }
    return i;
}

void aeo_lsp_position(const char *text, size_t len, size_t offset, uint32_t *line, uint32_t *character) {
    if (offset > len) offset = len;
    uint32_t l = 0;
    size_t start = 0;
    for (size_t i = 0; i < offset; i++)
        if (text[i] == '\n') l++, start = i + 1;
    uint32_t col = 0;
    for (size_t i = start; i < offset;) {
        uint32_t units;
        i += utf8_char((const unsigned char *)text + i, len - i, &units);
        col += units;
    }
    *line = l;
    *character = col;
}

static cJSON *position_json(const char *text, size_t len, size_t offset) {
    uint32_t line, ch;
    aeo_lsp_position(text, len, offset, &line, &ch);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "line", line);
    cJSON_AddNumberToObject(p, "character", ch);
    return p;
}

cJSON *aeo_lsp_range(const char *text, size_t len, size_t start, size_t end) {
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "start", position_json(text, len, start));
    cJSON_AddItemToObject(r, "end", position_json(text, len, end < start ? start : end));
    return r;
}

/* ---- URIs --------------------------------------------------------------------------- */

static int hex_digit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The path a file: URI names (percent-decoded), or NULL for another
 * scheme or a path with a NUL in it. */
static char *uri_path(const char *uri) {
    if (strncmp(uri, "file://", 7) != 0) return NULL;
    const char *p = uri + 7;
    if (*p != '/') p = strchr(p, '/');   /* file://host/path: the host is ignored */
    if (!p) return NULL;
    size_t n = strlen(p);
    char *out = aeo_xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (p[i] == '%' && i + 2 < n + 1 && (h = hex_digit(p[i + 1])) >= 0 && (l = hex_digit(p[i + 2])) >= 0) {
            if (h == 0 && l == 0) {
                free(out);
                return NULL;
            }
            *o++ = (char)(h * 16 + l);
            i += 2;
        } else {
            *o++ = p[i];
        }
    }
    *o = '\0';
    return out;
}

char *aeo_lsp_uri(const char *path) {
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = aeo_xmalloc(7 + 3 * n + 1), *o = out;
    memcpy(o, "file://", 7);
    o += 7;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        /* RFC 3986's unreserved characters and '/' stay; the rest is encoded. */
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c)) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* ---- documents ---------------------------------------------------------------------- */

aeo_lsp_doc *aeo_lsp_doc_find(aeo_lsp *s, const char *uri) {
    for (uint32_t i = 0; i < s->n_docs; i++)
        if (strcmp(s->docs[i].uri, uri) == 0) return &s->docs[i];
    return NULL;
}

static void doc_set_text(aeo_lsp_doc *d, const char *text, size_t len) {
    char *t = aeo_xmalloc(len + 1);
    memcpy(t, text, len);
    t[len] = '\0';
    free(d->text);
    d->text = t;
    d->len = len;
}

static aeo_lsp_doc *doc_open(aeo_lsp *s, const char *uri, const char *text, size_t len) {
    aeo_lsp_doc *d = aeo_lsp_doc_find(s, uri);
    if (!d) {
        if (s->n_docs == s->cap_docs) {
            s->cap_docs = s->cap_docs ? 2 * s->cap_docs : 8;
            s->docs = aeo_xrealloc(s->docs, s->cap_docs * sizeof *s->docs);
        }
        d = &s->docs[s->n_docs++];
        memset(d, 0, sizeof *d);
        d->uri = aeo_xstrdup(uri);
        d->path = uri_path(uri);
        if (d->path) {
            char *slash = strrchr(d->path, '/');
            size_t n = slash == d->path ? 1 : (size_t)(slash - d->path);
            d->dir = aeo_xmalloc(n + 1);
            memcpy(d->dir, d->path, n);
            d->dir[n] = '\0';
        }
    }
    doc_set_text(d, text, len);
    return d;
}

static void doc_free(aeo_lsp_doc *d) {
    free(d->uri);
    free(d->path);
    free(d->dir);
    free(d->text);
}

static void doc_close(aeo_lsp *s, aeo_lsp_doc *d) {
    doc_free(d);
    *d = s->docs[--s->n_docs];
}

/* Applies one TextDocumentContentChangeEvent: a range and its new text, or
 * (no range) the whole text.  False when it is malformed. */
static bool doc_change(aeo_lsp_doc *d, const cJSON *ch) {
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(ch, "text");
    if (!cJSON_IsString(text)) return false;
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(ch, "range");
    size_t tlen = strlen(text->valuestring);
    if (!range) {
        doc_set_text(d, text->valuestring, tlen);
        return true;
    }
    size_t at[2];
    const char *names[2] = {"start", "end"};
    for (int k = 0; k < 2; k++) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(range, names[k]);
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(p, "line");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "character");
        if (!cJSON_IsNumber(l) || !cJSON_IsNumber(c) || l->valuedouble < 0 || c->valuedouble < 0) return false;
        /* Clamped: a position past the end is the end (the specification's rule for characters). */
        uint32_t line = l->valuedouble > 4e9 ? UINT32_MAX : (uint32_t)l->valuedouble;
        uint32_t col = c->valuedouble > 4e9 ? UINT32_MAX : (uint32_t)c->valuedouble;
        at[k] = aeo_lsp_offset(d->text, d->len, line, col);
    }
    if (at[1] < at[0]) {
        size_t t = at[0];
        at[0] = at[1], at[1] = t;
    }
    size_t n = d->len - (at[1] - at[0]) + tlen;
    char *t = aeo_xmalloc(n + 1);
    memcpy(t, d->text, at[0]);
    memcpy(t + at[0], text->valuestring, tlen);
    memcpy(t + at[0] + tlen, d->text + at[1], d->len - at[1]);
    t[n] = '\0';
    free(d->text);
    d->text = t;
    d->len = n;
    return true;
}

/* ---- the wire --------------------------------------------------------------------- */

/* Buffered input from fd 0, so that "is more input waiting?" can be asked
 * without losing what stdio would have buffered. */
typedef struct reader {
    char *buf;
    size_t start, end, cap;
    bool eof;
} reader;

/* Reads more into [r]; false at end of input. */
static bool fill(reader *r) {
    if (r->eof) return false;
    if (r->start > 0 && r->start == r->end) r->start = r->end = 0;
    if (r->end == r->cap) {
        if (r->start > 0) {
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        } else {
            r->cap = r->cap ? 2 * r->cap : 65536;
            r->buf = aeo_xrealloc(r->buf, r->cap);
        }
    }
    for (;;) {
        ssize_t n = read(0, r->buf + r->end, r->cap - r->end);
        if (n > 0) {
            r->end += (size_t)n;
            return true;
        }
        if (n < 0 && errno == EINTR) continue;
        r->eof = true;
        return false;
    }
}

/* Whether input is waiting: buffered, or readable now (end of input counts). */
static bool input_waiting(reader *r) {
    if (r->start < r->end) return true;
    if (r->eof) return false;
    struct pollfd p = {.fd = 0, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

/* One header line (without its line break) into [line]; false at end of input. */
static bool read_line(reader *r, char *line, size_t size, bool *too_long) {
    size_t n = 0;
    *too_long = false;
    for (;;) {
        while (r->start < r->end) {
            char c = r->buf[r->start++];
            if (c == '\n') {
                if (n > 0 && line[n - 1] == '\r') n--;
                line[n] = '\0';
                return true;
            }
            if (n + 1 < size) line[n++] = c;
            else *too_long = true;
        }
        if (!fill(r)) return false;
    }
}

/* What reading one message gave. */
typedef enum { MSG_OK, MSG_BAD, MSG_EOF } msg_status;

/* Reads one message: its parsed body into *[out] (MSG_OK), or a framing or
 * JSON problem described in [why] (MSG_BAD: the loop answers ParseError
 * and goes on with the next header), or end of input. */
static msg_status read_message(reader *r, cJSON **out, const char **why) {
    char line[1024];
    bool too_long, have_len = false, any = false;
    size_t len = 0;
    for (;;) {
        if (!read_line(r, line, sizeof line, &too_long)) return MSG_EOF;
        if (line[0] == '\0' && !too_long) {
            if (any) break;
            continue;   /* blank lines between messages */
        }
        any = true;
        if (strncasecmp(line, "Content-Length:", 15) == 0) {
            char *end;
            const char *v = line + 15;
            while (*v == ' ' || *v == '\t') v++;
            errno = 0;
            unsigned long long n = strtoull(v, &end, 10);
            while (*end == ' ' || *end == '\t') end++;
            if (end == v || *end || errno || *v == '-') {
                *why = "bad Content-Length header";
                return MSG_BAD;
            }
            if (n > SIZE_MAX / 2) {
                *why = "bad Content-Length header";
                return MSG_BAD;
            }
            len = (size_t)n;
            have_len = true;
        } else if (!strchr(line, ':')) {
            *why = "malformed header line (expected 'Name: value')";
            return MSG_BAD;
        }
    }
    if (!have_len) {
        *why = "message without a Content-Length header";
        return MSG_BAD;
    }
    if (len > MAX_BODY) {
        /* Skipped unread, so that the next message is found where it starts. */
        size_t left = len;
        while (left > 0) {
            if (r->start == r->end && !fill(r)) return MSG_EOF;
            size_t n = r->end - r->start < left ? r->end - r->start : left;
            r->start += n;
            left -= n;
        }
        *why = "message too large";
        return MSG_BAD;
    }
    while (r->end - r->start < len)
        if (!fill(r)) return MSG_EOF;
    const char *body = r->buf + r->start;
    r->start += len;
    /* The whole body is one JSON value: trailing bytes are as bad as a
     * truncated value (cJSON would ignore them). */
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, false);
    while (j && end < body + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
    if (j && end != body + len) {
        cJSON_Delete(j);
        j = NULL;
    }
    if (!j) {
        *why = "the message body is not valid JSON";
        return MSG_BAD;
    }
    *out = j;
    return MSG_OK;
}

/* A new message object: "jsonrpc" first, as every message starts. */
static cJSON *new_message(void) {
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "jsonrpc", "2.0");
    return m;
}

static void send(cJSON *msg) {
    char *s = cJSON_PrintUnformatted(msg);
    if (s) {
        printf("Content-Length: %zu\r\n\r\n%s", strlen(s), s);
        fflush(stdout);
        free(s);
    }
    cJSON_Delete(msg);
}

/* The response to request [id] (a copy is taken): [result] (taken over). */
static void respond(const cJSON *id, cJSON *result) {
    cJSON *m = new_message();
    cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
    cJSON_AddItemToObject(m, "result", result ? result : cJSON_CreateNull());
    send(m);
}

static void respond_error(const cJSON *id, int code, const char *message) {
    cJSON *m = new_message();
    cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
    cJSON *e = cJSON_AddObjectToObject(m, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    send(m);
}

static void notify(const char *method, cJSON *params) {
    cJSON *m = new_message();
    cJSON_AddStringToObject(m, "method", method);
    cJSON_AddItemToObject(m, "params", params);
    send(m);
}

/* ---- the server --------------------------------------------------------------------- */

/* A message read ahead: its body, or NULL for one that did not parse. */
typedef struct queued {
    cJSON *msg;
    const char *why;
} queued;

typedef struct server {
    aeo_lsp lsp;
    reader in;
    queued *queue;
    uint32_t q_start, q_end, q_cap;
    bool initialized, shut_down, exited;
    /* Documents whose diagnostics are due (URIs, malloc'd). */
    char **due;
    uint32_t n_due, cap_due;
} server;

/* Reads every message already waiting into the queue; with [block], first
 * waits for one (nothing is queued at the end of input). */
static void read_ahead(server *sv, bool block) {
    while (block || input_waiting(&sv->in)) {
        cJSON *m = NULL;
        const char *why = NULL;
        msg_status st = read_message(&sv->in, &m, &why);
        if (st == MSG_EOF) return;
        if (sv->q_end == sv->q_cap) {
            if (sv->q_start > 0) {
                memmove(sv->queue, sv->queue + sv->q_start, (sv->q_end - sv->q_start) * sizeof *sv->queue);
                sv->q_end -= sv->q_start;
                sv->q_start = 0;
            } else {
                sv->q_cap = sv->q_cap ? 2 * sv->q_cap : 16;
                sv->queue = aeo_xrealloc(sv->queue, sv->q_cap * sizeof *sv->queue);
            }
        }
        sv->queue[sv->q_end++] = (queued){m, why};
        block = false;
    }
}

static bool same_id(const cJSON *a, const cJSON *b) {
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b)) return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a) && cJSON_IsString(b)) return strcmp(a->valuestring, b->valuestring) == 0;
    return false;
}

/* Whether a $/cancelRequest for [id] is waiting in the queue. */
static bool cancel_queued(server *sv, const cJSON *id) {
    read_ahead(sv, false);
    for (uint32_t i = sv->q_start; i < sv->q_end; i++) {
        const cJSON *m = sv->queue[i].msg;
        const cJSON *method = cJSON_GetObjectItemCaseSensitive(m, "method");
        if (!cJSON_IsString(method) || strcmp(method->valuestring, "$/cancelRequest") != 0) continue;
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(m, "params");
        if (same_id(cJSON_GetObjectItemCaseSensitive(p, "id"), id)) return true;
    }
    return false;
}

static void mark_due(server *sv, const char *uri) {
    for (uint32_t i = 0; i < sv->n_due; i++)
        if (strcmp(sv->due[i], uri) == 0) return;
    if (sv->n_due == sv->cap_due) {
        sv->cap_due = sv->cap_due ? 2 * sv->cap_due : 8;
        sv->due = aeo_xrealloc(sv->due, sv->cap_due * sizeof *sv->due);
    }
    sv->due[sv->n_due++] = aeo_xstrdup(uri);
}

/* Publishes the diagnostics due: for each document marked, every file of
 * its catalog (a folder is published once however many of its documents
 * were edited). */
static void publish_due(server *sv) {
    char **seen = NULL;
    uint32_t n_seen = 0;
    for (uint32_t i = 0; i < sv->n_due; i++) {
        const aeo_lsp_doc *d = aeo_lsp_doc_find(&sv->lsp, sv->due[i]);
        const char *key = d ? (d->dir ? d->dir : d->uri) : NULL;
        bool done = !d;
        for (uint32_t k = 0; k < n_seen && !done; k++) done = strcmp(seen[k], key) == 0;
        if (!done) {
            seen = aeo_xrealloc(seen, (n_seen + 1) * sizeof *seen);
            seen[n_seen++] = aeo_xstrdup(key);
            cJSON *all = aeo_lsp_diagnostics(&sv->lsp, d);
            cJSON *p;
            while ((p = cJSON_DetachItemFromArray(all, 0))) notify("textDocument/publishDiagnostics", p);
            cJSON_Delete(all);
        }
        free(sv->due[i]);
    }
    sv->n_due = 0;
    for (uint32_t k = 0; k < n_seen; k++) free(seen[k]);
    free(seen);
}

static cJSON *initialize_result(void) {
    cJSON *r = cJSON_CreateObject();
    cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
    cJSON_AddStringToObject(caps, "positionEncoding", "utf-16");
    cJSON *sync = cJSON_AddObjectToObject(caps, "textDocumentSync");
    cJSON_AddBoolToObject(sync, "openClose", true);
    cJSON_AddNumberToObject(sync, "change", 2);   /* incremental */
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(sync, "save"), "includeText", false);
    cJSON *comp = cJSON_AddObjectToObject(caps, "completionProvider");
    const char *triggers[] = {".", "\""};
    cJSON_AddItemToObject(comp, "triggerCharacters", cJSON_CreateStringArray(triggers, 2));
    cJSON_AddBoolToObject(caps, "hoverProvider", true);
    cJSON_AddBoolToObject(caps, "definitionProvider", true);
    cJSON_AddBoolToObject(caps, "referencesProvider", true);
    cJSON_AddBoolToObject(caps, "documentSymbolProvider", true);
    cJSON_AddBoolToObject(caps, "documentFormattingProvider", true);
    cJSON *ca = cJSON_AddObjectToObject(caps, "codeActionProvider");
    const char *kinds[] = {"quickfix"};
    cJSON_AddItemToObject(ca, "codeActionKinds", cJSON_CreateStringArray(kinds, 1));
    cJSON *info = cJSON_AddObjectToObject(r, "serverInfo");
    cJSON_AddStringToObject(info, "name", "aeo");
    cJSON_AddStringToObject(info, "version", AEO_VERSION);
    return r;
}

/* The requests on a document: method and feature. */
typedef cJSON *(*doc_feature)(aeo_lsp *s, const aeo_lsp_doc *d, const cJSON *params);
static const struct {
    const char *method;
    doc_feature fn;
} doc_requests[] = {
    {"textDocument/completion", aeo_lsp_completion},
    {"textDocument/hover", aeo_lsp_hover},
    {"textDocument/definition", aeo_lsp_definition},
    {"textDocument/references", aeo_lsp_references},
    {"textDocument/documentSymbol", aeo_lsp_symbols},
    {"textDocument/formatting", aeo_lsp_formatting},
    {"textDocument/codeAction", aeo_lsp_code_actions},
};

static const char *text_document_uri(const cJSON *params) {
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
    const cJSON *uri = cJSON_GetObjectItemCaseSensitive(td, "uri");
    return cJSON_IsString(uri) ? uri->valuestring : NULL;
}

static void handle_request(server *sv, const char *method, const cJSON *id, const cJSON *params) {
    if (strcmp(method, "initialize") == 0) {
        sv->initialized = true;
        respond(id, initialize_result());
        return;
    }
    if (!sv->initialized) {
        respond_error(id, RPC_SERVER_NOT_INITIALIZED, "the server was not initialized");
        return;
    }
    if (strcmp(method, "shutdown") == 0) {
        sv->shut_down = true;
        respond(id, NULL);
        return;
    }
    if (sv->shut_down) {
        respond_error(id, RPC_INVALID_REQUEST, "the server is shutting down");
        return;
    }
    for (size_t i = 0; i < sizeof doc_requests / sizeof doc_requests[0]; i++) {
        if (strcmp(method, doc_requests[i].method) != 0) continue;
        const char *uri = text_document_uri(params);
        const aeo_lsp_doc *d = uri ? aeo_lsp_doc_find(&sv->lsp, uri) : NULL;
        if (!uri) respond_error(id, RPC_INVALID_PARAMS, "params.textDocument.uri is missing");
        else if (!d) respond_error(id, RPC_INVALID_PARAMS, "the document is not open");
        else respond(id, doc_requests[i].fn(&sv->lsp, d, params));
        return;
    }
    respond_error(id, RPC_METHOD_NOT_FOUND, "unknown method");
}

static void handle_notification(server *sv, const char *method, const cJSON *params) {
    if (strcmp(method, "exit") == 0) {
        sv->exited = true;
        return;
    }
    if (!sv->initialized || strncmp(method, "textDocument/did", 16) != 0) return;
    const char *uri = text_document_uri(params);
    if (!uri) return;
    aeo_lsp_doc *d = aeo_lsp_doc_find(&sv->lsp, uri);
    if (strcmp(method, "textDocument/didOpen") == 0) {
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(params, "textDocument"),
                                                             "text");
        if (!cJSON_IsString(text)) return;
        d = doc_open(&sv->lsp, uri, text->valuestring, strlen(text->valuestring));
    } else if (!d) {
        return;   /* an edit of a document that is not open: nothing to apply it to */
    } else if (strcmp(method, "textDocument/didChange") == 0) {
        const cJSON *changes = cJSON_GetObjectItemCaseSensitive(params, "contentChanges");
        const cJSON *ch;
        cJSON_ArrayForEach(ch, changes) if (!doc_change(d, ch)) break;
    } else if (strcmp(method, "textDocument/didClose") == 0) {
        /* The file on disk takes the buffer's place in its folder's catalog. */
        char *keep = aeo_xstrdup(uri);
        char *dir = d->dir ? aeo_xstrdup(d->dir) : NULL;
        doc_close(&sv->lsp, d);
        sv->lsp.stale = true;
        /* Its diagnostics are cleared, and its folder's others republished. */
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "uri", keep);
        cJSON_AddItemToObject(p, "diagnostics", cJSON_CreateArray());
        notify("textDocument/publishDiagnostics", p);
        for (uint32_t i = 0; i < sv->lsp.n_docs && dir; i++)
            if (sv->lsp.docs[i].dir && strcmp(sv->lsp.docs[i].dir, dir) == 0) mark_due(sv, sv->lsp.docs[i].uri);
        free(keep);
        free(dir);
        return;
    } else if (strcmp(method, "textDocument/didSave") != 0) {
        return;
    }
    sv->lsp.stale = true;
    mark_due(sv, uri);
}

static void handle(server *sv, queued q) {
    if (!q.msg) {
        respond_error(NULL, RPC_PARSE_ERROR, q.why);
        return;
    }
    const cJSON *m = q.msg;
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(m, "method");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(m, "params");
    bool id_ok = !id || cJSON_IsNumber(id) || cJSON_IsString(id);
    if (!cJSON_IsObject(m) || !cJSON_IsString(method) || !id_ok) {
        /* A response from the client (we send no requests) is ignored too. */
        if (cJSON_IsObject(m) && !method && id_ok && id &&
            (cJSON_GetObjectItemCaseSensitive(m, "result") || cJSON_GetObjectItemCaseSensitive(m, "error")))
            return;
        respond_error(id_ok ? id : NULL, RPC_INVALID_REQUEST, "not a JSON-RPC request or notification");
        return;
    }
    if (!id) {
        handle_notification(sv, method->valuestring, params);
        return;
    }
    if (cancel_queued(sv, id)) {
        respond_error(id, RPC_REQUEST_CANCELLED, "cancelled");
        return;
    }
    publish_due(sv);
    handle_request(sv, method->valuestring, id, params);
}

int aeo_cli_lsp(const struct aeo_cli_command *cmd, int argc, char **argv) {
    (void)cmd;
    /* --stdio is what VS Code's language client passes; stdio is the only transport. */
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--stdio") != 0) return aeo_cli_usage_error("lsp takes no argument '%s'", argv[i]);
    server sv = {0};
    while (!sv.exited) {
        if (sv.q_start == sv.q_end) {
            /* Nothing queued: the client paused, so the diagnostics due go out now. */
            if (sv.n_due && !input_waiting(&sv.in)) publish_due(&sv);
            read_ahead(&sv, true);
            if (sv.q_start == sv.q_end) break;   /* end of input */
        }
        queued q = sv.queue[sv.q_start++];
        handle(&sv, q);
        cJSON_Delete(q.msg);
    }
    int status = sv.exited && sv.shut_down ? 0 : 1;
    for (uint32_t i = sv.q_start; i < sv.q_end; i++) cJSON_Delete(sv.queue[i].msg);
    free(sv.queue);
    for (uint32_t i = 0; i < sv.n_due; i++) free(sv.due[i]);
    free(sv.due);
    for (uint32_t i = 0; i < sv.lsp.n_docs; i++) doc_free(&sv.lsp.docs[i]);
    free(sv.lsp.docs);
    if (sv.lsp.cache) aeo_catalog_free(sv.lsp.cache);
    free(sv.lsp.cache_key);
    free(sv.in.buf);
    return status;
}
