/* Source files and their line maps; see source.h.
 *
 * A file's text is copied once into the set (NUL-terminated, so the scanner
 * and the renderers may treat it as a C string where no NUL is embedded) and
 * its line-start table is built at once: one uint32_t per line, the offset
 * of the first byte of that line.  Line 1 starts at 0; every '\n' starts a
 * new line, so a file ending in a newline has a final empty line, which is
 * where a span at end of file points.  A '\r' before the '\n' belongs to the
 * line's text for offsets but is not shown by aeo_sources_line.
 *
 * Offsets become line:column only when a diagnostic is printed, by binary
 * search in that table (jq's locfile). */
#include "lang/source.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/arena.h"
#include "runtime/value.h"

/* The largest file aeo_sources_load accepts: rule catalogs are small, and a
 * bound keeps every offset comfortably inside a uint32_t. */
#define MAX_FILE ((size_t)64 * 1024 * 1024)

void aeo_sources_init(aeo_sources *s) {
    s->files = NULL;
    s->n = 0;
    s->cap = 0;
}

void aeo_sources_free(aeo_sources *s) {
    for (uint32_t i = 0; i < s->n; i++) {
        free(s->files[i].name);
        free(s->files[i].text);
        free(s->files[i].lines);
    }
    free(s->files);
    aeo_sources_init(s);
}

/* Adds a file whose text buffer ([len] bytes plus a NUL, from aeo_xmalloc)
 * the set now owns. */
static uint32_t add_owned(aeo_sources *s, const char *name, char *text, uint32_t len) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->files = aeo_xrealloc(s->files, (size_t)s->cap * sizeof *s->files);
    }
    aeo_source *f = &s->files[s->n];
    f->name = aeo_xstrdup(name ? name : "<input>");
    f->text = text;
    f->len = len;

    /* Count lines first so the table is allocated once. */
    uint32_t n = 1;
    for (uint32_t i = 0; i < len; i++)
        if (text[i] == '\n') n++;
    f->lines = aeo_xmalloc((size_t)n * sizeof *f->lines);
    f->lines[0] = 0;
    uint32_t k = 1;
    for (uint32_t i = 0; i < len; i++)
        if (text[i] == '\n') f->lines[k++] = i + 1;
    f->n_lines = n;
    return s->n++;
}

uint32_t aeo_sources_add(aeo_sources *s, const char *name, const char *text, size_t len) {
    /* Offsets are 32-bit: clip anything larger (aeo_sources_load never
     * gets here with more than MAX_FILE bytes). */
    if (len > UINT32_MAX - 1) len = UINT32_MAX - 1;
    char *copy = aeo_xmalloc(len + 1);
    if (len) memcpy(copy, text, len);
    copy[len] = '\0';
    return add_owned(s, name, copy, (uint32_t)len);
}

bool aeo_sources_load(aeo_sources *s, const char *path, uint32_t *index) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return false;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        errno = EISDIR;
        return false;
    }
    if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)MAX_FILE) {
        close(fd);
        errno = EFBIG;
        return false;
    }

    /* Read to end of file rather than trusting st_size: pipes and special
     * files have none, and a file may grow while we read it. */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 4096;
    size_t len = 0;
    char *buf = aeo_xmalloc(cap + 1);
    for (;;) {
        if (len == cap) {
            if (cap > MAX_FILE) break;
            cap *= 2;
            buf = aeo_xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            close(fd);
            errno = e;
            return false;
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    close(fd);
    if (len > MAX_FILE) {
        free(buf);
        errno = EFBIG;
        return false;
    }
    buf[len] = '\0';
    uint32_t i = add_owned(s, path, buf, (uint32_t)len);
    if (index) *index = i;
    return true;
}

void aeo_sources_position(const aeo_sources *s, uint32_t file, uint32_t offset,
                          uint32_t *line, uint32_t *col) {
    if (file >= s->n) {
        *line = 1;
        *col = 1;
        return;
    }
    const aeo_source *f = &s->files[file];
    if (offset > f->len) offset = f->len;
    /* The last line whose start is <= offset. */
    uint32_t lo = 0, hi = f->n_lines - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (f->lines[mid] <= offset)
            lo = mid;
        else
            hi = mid - 1;
    }
    *line = lo + 1;
    *col = offset - f->lines[lo] + 1;
}

const char *aeo_sources_line(const aeo_sources *s, uint32_t file, uint32_t line, uint32_t *len) {
    if (file >= s->n || line == 0 || line > s->files[file].n_lines) {
        *len = 0;
        return "";
    }
    const aeo_source *f = &s->files[file];
    uint32_t start = f->lines[line - 1];
    uint32_t end = line < f->n_lines ? f->lines[line] - 1 : f->len;
    if (end > start && f->text[end - 1] == '\r' && line < f->n_lines) end--;
    *len = end - start;
    return f->text + start;
}

void aeo_sources_span_namer(void *ud, aeo_span span, char *buf, size_t size) {
    const aeo_sources *s = ud;
    uint32_t line, col;
    aeo_sources_position(s, span.file, span.start, &line, &col);
    snprintf(buf, size, "%u:%u", line, col);
}

void aeo_sources_append_where(const aeo_sources *s, aeo_span span, aeo_buf *b) {
    if (span.file >= s->n) return;
    uint32_t line, col;
    aeo_sources_position(s, span.file, span.start, &line, &col);
    aeo_buf_printf(b, "%s:%u:%u", s->files[span.file].name, line, col);
}

void aeo_sources_append_at(const aeo_sources *s, aeo_span span, aeo_buf *b) {
    if (span.file >= s->n) return;
    aeo_buf_puts(b, " at ");
    aeo_sources_append_where(s, span, b);
}
