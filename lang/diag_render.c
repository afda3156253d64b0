/* Machine-readable renderings of diagnostics, for CI and review tools:
 *
 *   json    JSON Lines: one object per diagnostic, in the text order
 *           {"file","line","column","end_line","end_column","severity","code",
 *            "message","notes":[{"file","line","column","message"}]}
 *           Columns are 1-based bytes, as in the text format; the end is
 *           exclusive (one past the last byte of the span).
 *   sarif   one SARIF 2.1.0 log with one run: the rules that fired (id,
 *           summary), the results with physical locations and notes as
 *           related locations.  Columns are Unicode code points
 *           (run.columnKind = "unicodeCodePoints"), the end exclusive.
 *   github  GitHub Actions workflow commands, one per line:
 *           ::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=E0103::message
 *           with the command escaping GitHub documents (% CR LF, plus : and ,
 *           in properties); columns are code points, the end inclusive.
 * The text format (diag.c) stays the one for people. */
#include "lang/diag.h"

#include <string.h>

#include "runtime/value.h"

#define AEO_TOOL_VERSION "0.1.0"

typedef struct pos {
    uint32_t line, col, end_line, end_col;   /* byte columns, end exclusive */
    uint32_t cp_col, cp_end_col;             /* code-point columns */
} pos;

static uint32_t code_points(const char *s, uint32_t n) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) k++;
    return k;
}

static pos position(const aeo_sources *src, aeo_span sp) {
    pos p = {0, 0, 0, 0, 0, 0};
    if (sp.file >= src->n) return p;
    const aeo_source *f = &src->files[sp.file];
    uint32_t start = sp.start > f->len ? f->len : sp.start;
    uint32_t end = sp.end > f->len ? f->len : sp.end;
    aeo_sources_position(src, sp.file, start, &p.line, &p.col);
    p.cp_col = code_points(f->text + start - (p.col - 1), p.col - 1) + 1;
    if (end <= start) {
        /* An empty span marks one character. */
        p.end_line = p.line;
        p.end_col = p.col + 1;
        p.cp_end_col = p.cp_col + 1;
        return p;
    }
    aeo_sources_position(src, sp.file, end, &p.end_line, &p.end_col);
    p.cp_end_col = code_points(f->text + end - (p.end_col - 1), p.end_col - 1) + 1;
    return p;
}

static const char *sev_name(aeo_severity s) {
    return s == AEO_SEV_ERROR ? "error" : s == AEO_SEV_WARNING ? "warning" : "note";
}

static void json_str(aeo_buf *b, const char *s) { aeo_buf_json_string(b, s, strlen(s)); }

static void render_json(const aeo_diags *d, const aeo_sources *src, FILE *out) {
    aeo_buf b = {0};
    for (uint32_t i = 0; i < d->n; i++) {
        const aeo_diag *g = &d->items[i];
        pos p = position(src, g->span);
        b.len = 0;
        aeo_buf_puts(&b, "{\"file\":");
        json_str(&b, g->span.file < src->n ? src->files[g->span.file].name : "");
        aeo_buf_printf(&b, ",\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u,\"severity\":\"%s\",\"code\":\"%s\",\"message\":",
                       p.line, p.col, p.end_line, p.end_col, sev_name(g->sev), aeo_diag_code_str(g->code));
        json_str(&b, g->msg);
        aeo_buf_puts(&b, ",\"notes\":[");
        bool first = true;
        for (const aeo_note *n = g->notes; n; n = n->next) {
            aeo_buf_puts(&b, first ? "{" : ",{");
            first = false;
            if (n->has_span) {
                pos q = position(src, n->span);
                aeo_buf_puts(&b, "\"file\":");
                json_str(&b, n->span.file < src->n ? src->files[n->span.file].name : "");
                aeo_buf_printf(&b, ",\"line\":%u,\"column\":%u,", q.line, q.col);
            }
            aeo_buf_puts(&b, "\"message\":");
            json_str(&b, n->msg);
            aeo_buf_puts(&b, "}");
        }
        aeo_buf_puts(&b, "]}\n");
        fwrite(b.data, 1, b.len, out);
    }
    aeo_buf_free(&b);
}

/* A file name as a URI reference: a relative path stays relative, an
 * absolute one becomes file:///...; bytes outside RFC 3986's unreserved
 * set (and '/') are percent-encoded. */
static void uri_of(aeo_buf *b, const char *path) {
    aeo_buf u = {0};
    if (path[0] == '/') aeo_buf_puts(&u, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                     *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/';
        if (plain) aeo_buf_putn(&u, (const char *)p, 1);
        else aeo_buf_printf(&u, "%%%02X", *p);
    }
    json_str(b, u.data ? u.data : "");
    aeo_buf_free(&u);
}

static void sarif_location(aeo_buf *b, const aeo_sources *src, aeo_span sp) {
    pos p = position(src, sp);
    aeo_buf_puts(b, "{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    uri_of(b, sp.file < src->n ? src->files[sp.file].name : "");
    aeo_buf_printf(b, "},\"region\":{\"startLine\":%u,\"startColumn\":%u,\"endLine\":%u,\"endColumn\":%u}}",
                   p.line ? p.line : 1, p.cp_col ? p.cp_col : 1, p.end_line ? p.end_line : 1,
                   p.cp_end_col ? p.cp_end_col : 1);
}

static void render_sarif(const aeo_diags *d, const aeo_sources *src, FILE *out) {
    aeo_buf b = {0};
    /* The rules that fired, in code order, each once. */
    bool used[AEO_E__COUNT];
    memset(used, 0, sizeof used);
    for (uint32_t i = 0; i < d->n; i++) used[d->items[i].code] = true;
    int rule_index[AEO_E__COUNT];
    int n_rules = 0;
    aeo_buf_puts(&b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"
                     "  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n          \"name\": \"aeo\",\n"
                     "          \"version\": \"" AEO_TOOL_VERSION "\",\n          \"rules\": [");
    for (int c = 0; c < AEO_E__COUNT; c++) {
        rule_index[c] = -1;
        if (!used[c]) continue;
        aeo_buf_printf(&b, "%s\n            {\"id\": \"%s\", \"shortDescription\": {\"text\": ", n_rules ? "," : "",
                       aeo_diag_code_str((aeo_diag_code)c));
        json_str(&b, aeo_diag_code_summary((aeo_diag_code)c));
        aeo_buf_printf(&b, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}",
                       sev_name(aeo_diag_code_sev((aeo_diag_code)c)));
        rule_index[c] = n_rules++;
    }
    aeo_buf_puts(&b, n_rules ? "\n          ]\n" : "]\n");
    aeo_buf_puts(&b, "        }\n      },\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [");
    for (uint32_t i = 0; i < d->n; i++) {
        const aeo_diag *g = &d->items[i];
        aeo_buf_printf(&b, "%s\n        {\"ruleId\": \"%s\", \"ruleIndex\": %d, \"level\": \"%s\", \"message\": {\"text\": ",
                       i ? "," : "", aeo_diag_code_str(g->code), rule_index[g->code], sev_name(g->sev));
        json_str(&b, g->msg);
        aeo_buf_puts(&b, "}, \"locations\": [");
        sarif_location(&b, src, g->span);
        aeo_buf_puts(&b, "}]");
        int k = 0;
        for (const aeo_note *n = g->notes; n; n = n->next) {
            if (!n->has_span) continue;
            aeo_buf_printf(&b, "%s", k ? ", " : ", \"relatedLocations\": [");
            sarif_location(&b, src, n->span);
            aeo_buf_printf(&b, ", \"id\": %d, \"message\": {\"text\": ", k);
            json_str(&b, n->msg);
            aeo_buf_puts(&b, "}}");
            k++;
        }
        if (k) aeo_buf_puts(&b, "]");
        aeo_buf_puts(&b, "}");
    }
    aeo_buf_puts(&b, d->n ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
    fwrite(b.data, 1, b.len, out);
    aeo_buf_free(&b);
}

/* GitHub's escaping: data escapes % CR LF; properties also : and ,. */
static void gh_escape(aeo_buf *b, const char *s, bool property) {
    for (; *s; s++) {
        switch (*s) {
        case '%': aeo_buf_puts(b, "%25"); break;
        case '\r': aeo_buf_puts(b, "%0D"); break;
        case '\n': aeo_buf_puts(b, "%0A"); break;
        case ':': if (property) aeo_buf_puts(b, "%3A"); else aeo_buf_putn(b, s, 1); break;
        case ',': if (property) aeo_buf_puts(b, "%2C"); else aeo_buf_putn(b, s, 1); break;
        default: aeo_buf_putn(b, s, 1);
        }
    }
}

static void render_github(const aeo_diags *d, const aeo_sources *src, FILE *out) {
    aeo_buf b = {0};
    for (uint32_t i = 0; i < d->n; i++) {
        const aeo_diag *g = &d->items[i];
        pos p = position(src, g->span);
        b.len = 0;
        aeo_buf_printf(&b, "::%s file=", g->sev == AEO_SEV_ERROR ? "error" : g->sev == AEO_SEV_WARNING ? "warning" : "notice");
        gh_escape(&b, g->span.file < src->n ? src->files[g->span.file].name : "", true);
        uint32_t end_col = p.cp_end_col > p.cp_col ? p.cp_end_col - 1 : p.cp_col;
        aeo_buf_printf(&b, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=%s::", p.line, p.cp_col, p.end_line,
                       end_col, aeo_diag_code_str(g->code));
        gh_escape(&b, g->msg, false);
        for (const aeo_note *n = g->notes; n; n = n->next) {
            aeo_buf_puts(&b, "%0A");
            if (n->has_span) {
                pos q = position(src, n->span);
                aeo_buf_printf(&b, "note (line %u): ", q.line);
            } else {
                aeo_buf_puts(&b, "note: ");
            }
            gh_escape(&b, n->msg, false);
        }
        aeo_buf_puts(&b, "\n");
        fwrite(b.data, 1, b.len, out);
    }
    aeo_buf_free(&b);
}

void aeo_diags_render(const aeo_diags *d, const aeo_sources *src, aeo_diag_format fmt, FILE *out, bool color) {
    switch (fmt) {
    case AEO_DIAG_TEXT: aeo_diags_print(d, src, out, color); break;
    case AEO_DIAG_JSON: render_json(d, src, out); break;
    case AEO_DIAG_SARIF: render_sarif(d, src, out); break;
    case AEO_DIAG_GITHUB: render_github(d, src, out); break;
    }
}
