/* Unit tests for runtime/width.c: display columns of UTF-8 text.
 *
 * Expected widths are Unicode's: East Asian Wide and Fullwidth characters
 * take 2 columns (EastAsianWidth.txt), combining marks and format
 * characters 0, everything else 1; each invalid byte 1.  The byte
 * sequences are written out so the test does not depend on the editor's
 * encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "runtime/width.h"

static size_t w(const char *s) { return aeo_width_str(s, strlen(s)); }

static void test_ascii(void **state) {
    (void)state;
    assert_int_equal(w(""), 0);
    assert_int_equal(w("M01 applies"), 11);
    assert_int_equal(aeo_width_char('\t'), 0);
    assert_int_equal(aeo_width_char(0x7F), 0);
    assert_int_equal(aeo_width_char(0x9B), 0);   /* C1 CSI */
    assert_int_equal(aeo_width_char(0xE9), 1);   /* e acute, precomposed */
}

static void test_cjk(void **state) {
    (void)state;
    /* 沈阳海关 U+6C88 U+9633 U+6D77 U+5173: 4 wide characters, 12 bytes. */
    assert_int_equal(w("\xE6\xB2\x88\xE9\x98\xB3\xE6\xB5\xB7\xE5\x85\xB3"), 8);
    /* 适用 + "M01" + fullwidth comma U+FF0C + ideographic space U+3000 */
    assert_int_equal(w("\xE9\x80\x82\xE7\x94\xA8M01\xEF\xBC\x8C\xE3\x80\x80"), 4 + 3 + 2 + 2);
    assert_int_equal(aeo_width_char(0xAC00), 2);   /* Hangul syllable GA */
    assert_int_equal(aeo_width_char(0x3042), 2);   /* hiragana A */
    assert_int_equal(aeo_width_char(0x20000), 2);  /* CJK extension B */
    assert_int_equal(aeo_width_char(0x303F), 1);   /* half-fill space: neutral */
    assert_int_equal(aeo_width_char(0xFF61), 1);   /* halfwidth ideographic full stop */
}

static void test_emoji(void **state) {
    (void)state;
    /* U+1F600 grinning face (F0 9F 98 80), U+2705 check mark: wide. */
    assert_int_equal(w("\xF0\x9F\x98\x80"), 2);
    assert_int_equal(aeo_width_char(0x2705), 2);
    assert_int_equal(aeo_width_char(0x2764), 1);   /* heavy heart: neutral without VS16 */
    /* U+2764 U+FE0F: the variation selector adds nothing. */
    assert_int_equal(w("\xE2\x9D\xA4\xEF\xB8\x8F"), 1);
}

static void test_combining(void **state) {
    (void)state;
    /* e + U+0301 combining acute: one column; U+200B zero width space: 0. */
    assert_int_equal(w("e\xCC\x81"), 1);
    assert_int_equal(w("a\xE2\x80\x8B" "b"), 2);
    /* U+302A ideographic level tone mark lies in a wide block but is 0. */
    assert_int_equal(aeo_width_char(0x302A), 0);
    assert_int_equal(aeo_width_char(0x3099), 0);   /* kana voiced sound mark */
    assert_int_equal(aeo_width_char(0xFEFF), 0);   /* byte order mark */
}

static void test_invalid(void **state) {
    (void)state;
    unsigned cp;
    /* A stray continuation byte, a truncated sequence, an overlong '/'
     * (C0 AF), a surrogate (ED A0 80), F5: one column per bad byte. */
    assert_int_equal(w("\x80"), 1);
    assert_int_equal(aeo_width_decode("\xE6\xB2", 2, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(w("\xE6\xB2"), 2);
    assert_int_equal(w("\xC0\xAF"), 2);
    assert_int_equal(w("\xED\xA0\x80"), 3);
    assert_int_equal(w("\xF5\x80\x80\x80"), 4);
    /* A valid 4-byte sequence decodes whole. */
    assert_int_equal(aeo_width_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
}

static void test_cut(void **state) {
    (void)state;
    size_t used;
    /* 沈阳海关: 5 columns fit two characters (4 columns, 6 bytes), never
     * half of the third's bytes. */
    const char *s = "\xE6\xB2\x88\xE9\x98\xB3\xE6\xB5\xB7\xE5\x85\xB3";
    assert_int_equal(aeo_width_cut(s, 12, 5, &used), 6);
    assert_int_equal(used, 4);
    assert_int_equal(aeo_width_cut(s, 12, 1, &used), 0);
    assert_int_equal(aeo_width_cut(s, 12, 8, &used), 12);
    /* A combining mark after the last character that fits stays with it. */
    assert_int_equal(aeo_width_cut("ae\xCC\x81x", 5, 2, &used), 4);
    assert_int_equal(used, 2);
}

static void test_pad(void **state) {
    (void)state;
    aeo_buf b = {0};
    aeo_width_pad(&b, "\xE9\x80\x82\xE7\x94\xA8", 7, 0);   /* 适用: 4 columns + 3 spaces */
    aeo_width_pad(&b, "abcdef", 4, 3);                     /* cut to 3, padded to 4 */
    aeo_buf_puts(&b, "|");
    assert_string_equal(b.data, "\xE9\x80\x82\xE7\x94\xA8   abc |");
    aeo_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii),    cmocka_unit_test(test_cjk), cmocka_unit_test(test_emoji),
        cmocka_unit_test(test_combining), cmocka_unit_test(test_invalid), cmocka_unit_test(test_cut),
        cmocka_unit_test(test_pad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
