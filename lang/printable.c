/* Terminal-safe text (lang/printable.h): one pass over the bytes, copying
 * runs that need nothing and escaping the rest. */
#include "lang/printable.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

/* The length of the UTF-8 sequence at [s] (at most [n] bytes), or 0 when
 * it is not well formed (overlong forms, surrogates, beyond U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

/* The length of a colour sequence ESC '[' [0-9;]* 'm' at [s], or 0. */
static size_t sgr_seq(const unsigned char *s, size_t n) {
    if (n < 3 || s[1] != '[') return 0;
    for (size_t i = 2; i < n; i++) {
        if (s[i] == 'm') return i + 1;
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == ';')) return 0;
    }
    return 0;
}

size_t aeo_printable_char_len(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    size_t k = u[0] < 0x80 ? 1 : utf8_seq(u, n);
    return k ? k : 1;
}

void aeo_printable_put(aeo_buf *b, const char *text, size_t n, unsigned flags) {
    const unsigned char *s = (const unsigned char *)text;
    size_t run = 0;   /* start of the pending run of bytes kept as they are */
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t keep = 0;
        if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t') keep = 1;
        else if (c == 0x1B && (flags & AEO_PRINTABLE_KEEP_SGR)) keep = sgr_seq(s + i, n - i);
        else if (c >= 0x80 && (keep = utf8_seq(s + i, n - i)) == 2 && c == 0xC2 && s[i + 1] < 0xA0) keep = 0;
        if (keep) {
            i += keep;
            continue;
        }
        aeo_buf_putn(b, text + run, i - run);
        if (flags & AEO_PRINTABLE_ONE_CHAR) {
            aeo_buf_putn(b, "?", 1);
            i += aeo_printable_char_len(text + i, n - i);
        } else if (c == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] < 0xA0) {
            /* A C1 control, written as its code point. */
            char e[6] = {'\\', 'u', '0', '0', hexdig[s[i + 1] >> 4], hexdig[s[i + 1] & 15]};
            aeo_buf_putn(b, e, 6);
            i += 2;
        } else {
            char e[4] = {'\\', 'x', hexdig[c >> 4], hexdig[c & 15]};
            aeo_buf_putn(b, e, 4);
            i += 1;
        }
        run = i;
    }
    aeo_buf_putn(b, text + run, n - run);
}

void aeo_printable_xml(aeo_buf *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<': aeo_buf_puts(b, "&lt;"); break;
        case '>': aeo_buf_puts(b, "&gt;"); break;
        case '&': aeo_buf_puts(b, "&amp;"); break;
        case '"': aeo_buf_puts(b, "&quot;"); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') aeo_buf_printf(b, "&#%d;", *s);
            else aeo_buf_putn(b, s, 1);
        }
    }
}

void aeo_printable_md(aeo_buf *b, const char *s, bool prose) {
    for (; *s; s++) {
        if (*s == '|') aeo_buf_puts(b, "\\|");
        else if (*s == '\n' || *s == '\r') aeo_buf_puts(b, " ");
        else if (prose && strchr("\\`*_[]<>#", *s)) {
            aeo_buf_putn(b, "\\", 1);
            aeo_buf_putn(b, s, 1);
        } else aeo_buf_putn(b, s, 1);
    }
}
