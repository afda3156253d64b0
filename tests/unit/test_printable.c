/* Unit tests for lang/printable.c: which bytes are escaped for the
 * terminal, and how (C0 and DEL as \xNN, C1 as \u00NN, bytes that are not
 * UTF-8 as \xNN; newline, tab and printable UTF-8 kept; aeo's own colour
 * sequences kept only on request). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lang/printable.h"

/* [in] (of [n] bytes) made printable with [flags], as a C string. */
static char *safe(const char *in, size_t n, unsigned flags) {
    aeo_buf b = {0};
    aeo_printable_put(&b, in, n, flags);
    aeo_buf_putn(&b, "", 1);
    return b.data;
}

static void check(const char *in, size_t n, unsigned flags, const char *want) {
    char *got = safe(in, n, flags);
    assert_string_equal(got, want);
    free(got);
}

/* The length of a literal, NUL bytes included. */
#define CHECK(lit, flags, want) check(lit, sizeof lit - 1, flags, want)

static void test_plain_text_is_kept(void **state) {
    (void)state;
    CHECK("", 0, "");
    CHECK("abc def", 0, "abc def");
    CHECK("a\tb\nc", 0, "a\tb\nc");
    /* UTF-8, including U+00A0 (just past the C1 block) and 4-byte forms. */
    CHECK("caf\xc3\xa9 \xc2\xa0 \xe4\xb8\xad \xf0\x9f\x98\x80", 0, "caf\xc3\xa9 \xc2\xa0 \xe4\xb8\xad \xf0\x9f\x98\x80");
}

static void test_controls_are_escaped(void **state) {
    (void)state;
    CHECK("\x1b[2J", 0, "\\x1b[2J");
    CHECK("a\rb", 0, "a\\x0db");
    CHECK("\x07\x7f", 0, "\\x07\\x7f");
    CHECK("a\0b", 0, "a\\x00b");
    /* C1: U+0080 and U+009F (CSI is U+009B) as code points. */
    CHECK("\xc2\x80|\xc2\x9b|\xc2\x9f", 0, "\\u0080|\\u009b|\\u009f");
}

static void test_bad_utf8_is_escaped(void **state) {
    (void)state;
    CHECK("\xff", 0, "\\xff");
    CHECK("\xc0\x80", 0, "\\xc0\\x80");            /* overlong NUL */
    CHECK("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");   /* a surrogate */
    CHECK("\xe4\xb8", 0, "\\xe4\\xb8");            /* cut short */
    CHECK("\xc2", 0, "\\xc2");
}

static void test_colours_kept_on_request(void **state) {
    (void)state;
    CHECK("\x1b[1;31mred\x1b[0m", AEO_PRINTABLE_KEEP_SGR, "\x1b[1;31mred\x1b[0m");
    CHECK("\x1b[1;31mred\x1b[0m", 0, "\\x1b[1;31mred\\x1b[0m");
    /* Only SGR: cursor moves, titles and a bare ESC are escaped even then. */
    CHECK("\x1b[2J\x1b]0;t\x07\x1b", AEO_PRINTABLE_KEEP_SGR, "\\x1b[2J\\x1b]0;t\\x07\\x1b");
}

/* The XML and Markdown escapes (aeo why's HTML and Markdown, JUnit, aeo diff). */
static void test_xml_and_markdown(void **state) {
    (void)state;
    aeo_buf b = {0};
    aeo_printable_xml(&b, "a<b>&\"c\"\x01\n");
    assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&quot;&#1;\n");
    b.len = 0;
    aeo_printable_md(&b, "a|b\n*c*_d_", false);
    aeo_buf_putn(&b, "", 1);
    assert_string_equal(b.data, "a\\|b *c*_d_");
    b.len = 0;
    aeo_printable_md(&b, "as_of *x* [l] `c` #h <t> \\", true);
    aeo_buf_putn(&b, "", 1);
    assert_string_equal(b.data, "as\\_of \\*x\\* \\[l\\] \\`c\\` \\#h \\<t\\> \\\\");
    aeo_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_is_kept),
        cmocka_unit_test(test_controls_are_escaped),
        cmocka_unit_test(test_bad_utf8_is_escaped),
        cmocka_unit_test(test_colours_kept_on_request),
        cmocka_unit_test(test_xml_and_markdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
