/* Unit tests for runtime/value.c and runtime/types.c: CEL equality and
 * ordering across numeric kinds (including CEL's int-to-double conversion at
 * the edges of the integer ranges), collections, records, unknown sets, and both printed forms.
 * Expected values are worked out by hand from the CEL spec, IEEE 754 and
 * RFC 4648 (base64), never copied from the program's own output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/value.h"

static aeo_arena *A;

static int setup(void **state) {
    (void)state;
    A = aeo_arena_new();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    aeo_arena_free(A);
    return 0;
}

/* [v] in CEL literal form, as an arena string. */
static const char *fmt(aeo_value v) {
    aeo_buf b = {0};
    aeo_value_format(&b, v);
    const char *s = aeo_arena_strndup(A, b.data ? b.data : "", b.len);
    aeo_buf_free(&b);
    return s;
}

static const char *json(aeo_value v) {
    aeo_buf b = {0};
    aeo_value_to_json(&b, v);
    const char *s = aeo_arena_strndup(A, b.data ? b.data : "", b.len);
    aeo_buf_free(&b);
    return s;
}

static const char *dbl(double d, bool cel) {
    aeo_buf b = {0};
    aeo_buf_double(&b, d, cel);
    const char *s = aeo_arena_strndup(A, b.data, b.len);
    aeo_buf_free(&b);
    return s;
}

/* aeo_value_compare's result, or 99 when unordered. */
static int cmp(aeo_value x, aeo_value y) {
    int out = 42;
    return aeo_value_compare(x, y, &out) ? out : 99;
}

static aeo_value str(const char *s) { return aeo_cstring(A, s); }

/* ---- numeric equality and ordering -------------------------------------- */

static void test_equal_across_numeric_kinds(void **state) {
    (void)state;
    assert_true(aeo_value_equal(aeo_int(1), aeo_uint(1)));
    assert_true(aeo_value_equal(aeo_int(1), aeo_double(1.0)));
    assert_true(aeo_value_equal(aeo_uint(1), aeo_double(1.0)));
    assert_false(aeo_value_equal(aeo_int(1), aeo_double(1.5)));
    assert_false(aeo_value_equal(aeo_int(-1), aeo_uint(UINT64_MAX)));
    assert_int_equal(cmp(aeo_int(-1), aeo_uint(0)), -1);
    assert_int_equal(cmp(aeo_uint(0), aeo_int(-1)), 1);
}

static void test_uint_2p63_vs_int64_max(void **state) {
    (void)state;
    aeo_value big = aeo_uint(UINT64_C(9223372036854775808));  /* 2^63 */
    assert_false(aeo_value_equal(big, aeo_int(INT64_MAX)));
    assert_int_equal(cmp(big, aeo_int(INT64_MAX)), 1);
    assert_int_equal(cmp(aeo_int(INT64_MAX), big), -1);
    assert_true(aeo_value_equal(big, aeo_double(0x1p63)));
}

static void test_int64_max_vs_double_2p63(void **state) {
    (void)state;
    /* CEL (cel-go, and the conformance cases lt_dyn_int_big_lossy_double
     * and friends) compares an int with an in-range double as doubles:
     * (double)INT64_MAX rounds to 2^63, so they are equal. */
    assert_true(aeo_value_equal(aeo_int(INT64_MAX), aeo_double(0x1p63)));
    assert_int_equal(cmp(aeo_int(INT64_MAX), aeo_double(0x1p63)), 0);
    assert_int_equal(cmp(aeo_double(0x1p63), aeo_int(INT64_MAX)), 0);
    /* Beyond 2^63 the double is greater without any conversion. */
    assert_int_equal(cmp(aeo_int(INT64_MAX), aeo_double(0x1p63 + 0x1p11)), -1);
    assert_true(aeo_value_equal(aeo_int(INT64_MIN), aeo_double(-0x1p63)));
    assert_int_equal(cmp(aeo_int(INT64_MIN), aeo_double(-0x1p64)), 1);
}

static void test_uint64_max_vs_double_2p64(void **state) {
    (void)state;
    /* (double)UINT64_MAX rounds to 2^64: equal as CEL compares them. */
    assert_true(aeo_value_equal(aeo_uint(UINT64_MAX), aeo_double(0x1p64)));
    assert_int_equal(cmp(aeo_uint(UINT64_MAX), aeo_double(0x1p64)), 0);
    assert_int_equal(cmp(aeo_uint(UINT64_MAX), aeo_double(0x1p64 + 0x1p12)), -1);
    assert_int_equal(cmp(aeo_uint(5), aeo_double(-0.5)), 1);
    assert_int_equal(cmp(aeo_double(-0.5), aeo_uint(0)), -1);
}

static void test_2p53_plus_one(void **state) {
    (void)state;
    /* 9007199254740993 = 2^53 + 1 is not a double; CEL converts it to the
     * double 2^53 to compare, so the two are equal. */
    assert_true(aeo_value_equal(aeo_int(9007199254740993), aeo_double(9007199254740992.0)));
    assert_int_equal(cmp(aeo_int(9007199254740993), aeo_double(9007199254740992.0)), 0);
    assert_int_equal(cmp(aeo_uint(9007199254740993u), aeo_double(9007199254740992.0)), 0);
    assert_int_equal(cmp(aeo_int(9007199254740994), aeo_double(9007199254740992.0)), 1);
    assert_true(aeo_value_equal(aeo_int(9007199254740992), aeo_double(9007199254740992.0)));
}

static void test_fractional_tiebreak(void **state) {
    (void)state;
    assert_int_equal(cmp(aeo_int(2), aeo_double(2.5)), -1);
    assert_int_equal(cmp(aeo_int(-2), aeo_double(-2.5)), 1);
    assert_int_equal(cmp(aeo_int(-3), aeo_double(-2.5)), -1);
    assert_int_equal(cmp(aeo_double(2.5), aeo_uint(2)), 1);
}

static void test_negative_zero(void **state) {
    (void)state;
    assert_true(aeo_value_equal(aeo_double(-0.0), aeo_double(0.0)));
    assert_true(aeo_value_equal(aeo_double(-0.0), aeo_int(0)));
    assert_true(aeo_value_equal(aeo_uint(0), aeo_double(-0.0)));
    assert_int_equal(cmp(aeo_double(-0.0), aeo_int(0)), 0);
}

static void test_nan(void **state) {
    (void)state;
    assert_false(aeo_value_equal(aeo_double(NAN), aeo_double(NAN)));
    assert_false(aeo_value_equal(aeo_double(NAN), aeo_int(0)));
    assert_int_equal(cmp(aeo_double(NAN), aeo_double(1.0)), 2);
    assert_int_equal(cmp(aeo_int(1), aeo_double(NAN)), 2);
    assert_int_equal(cmp(aeo_double(NAN), aeo_uint(1)), 2);
    assert_int_equal(cmp(aeo_double(-INFINITY), aeo_int(INT64_MIN)), -1);
}

/* ---- other orderings ---------------------------------------------------- */

static void test_compare_strings_code_point_order(void **state) {
    (void)state;
    assert_int_equal(cmp(str("abc"), str("abd")), -1);
    assert_int_equal(cmp(str("ab"), str("abc")), -1);
    assert_int_equal(cmp(str("abc"), str("abc")), 0);
    /* U+00E9 (0xC3 0xA9) sorts after 'z'; U+FFFD (EF BF BD) before U+1F600. */
    assert_int_equal(cmp(str("\xC3\xA9"), str("z")), 1);
    assert_int_equal(cmp(str("\xEF\xBF\xBD"), str("\xF0\x9F\x98\x80")), -1);
}

static void test_compare_bytes_bool_time(void **state) {
    (void)state;
    assert_int_equal(cmp(aeo_bytes(A, "\x00\xff", 2), aeo_bytes(A, "\x01", 1)), -1);
    assert_int_equal(cmp(aeo_bool(false), aeo_bool(true)), -1);
    assert_int_equal(cmp(aeo_bool(true), aeo_bool(true)), 0);
    assert_int_equal(cmp(aeo_timestamp(10, 5), aeo_timestamp(10, 4)), 1);
    assert_int_equal(cmp(aeo_timestamp(-1, 999999999), aeo_timestamp(0, 0)), -1);
    assert_int_equal(cmp(aeo_duration(-1, -500000000), aeo_duration(-1, 0)), -1);
}

static void test_compare_unordered_kinds(void **state) {
    (void)state;
    assert_int_equal(cmp(str("1"), aeo_int(1)), 99);
    assert_int_equal(cmp(aeo_null(), aeo_null()), 99);
    assert_int_equal(cmp(aeo_list_new(A, 0), aeo_list_new(A, 0)), 99);
    assert_int_equal(cmp(aeo_timestamp(0, 0), aeo_duration(0, 0)), 99);
}

/* ---- equality of other kinds -------------------------------------------- */

static void test_equal_scalars(void **state) {
    (void)state;
    assert_true(aeo_value_equal(aeo_null(), aeo_null()));
    assert_false(aeo_value_equal(aeo_null(), aeo_bool(false)));
    assert_false(aeo_value_equal(str("1"), aeo_int(1)));
    assert_true(aeo_value_equal(str("h\xC3\xA9"), str("h\xC3\xA9")));
    assert_false(aeo_value_equal(str("abc"), aeo_bytes(A, "abc", 3)));
    assert_true(aeo_value_equal(aeo_bytes(A, "a\0b", 3), aeo_bytes(A, "a\0b", 3)));
    assert_false(aeo_value_equal(aeo_bytes(A, "a\0b", 3), aeo_bytes(A, "a\0c", 3)));
    assert_true(aeo_value_equal(aeo_type_value("int"), aeo_type_value("int")));
    assert_false(aeo_value_equal(aeo_type_value("int"), aeo_type_value("uint")));
    assert_false(aeo_value_equal(aeo_timestamp(5, 0), aeo_duration(5, 0)));
}

static void test_equal_lists(void **state) {
    (void)state;
    aeo_value x = aeo_list_new(A, 0), y = aeo_list_new(A, 1);
    aeo_list_push(A, x.as.l, aeo_int(1));
    aeo_list_push(A, x.as.l, aeo_double(2.0));
    aeo_list_push(A, y.as.l, aeo_uint(1));
    assert_false(aeo_value_equal(x, y));
    aeo_list_push(A, y.as.l, aeo_int(2));
    assert_true(aeo_value_equal(x, y));
    aeo_list_push(A, y.as.l, str("x"));
    assert_false(aeo_value_equal(x, y));
}

static void test_list_push_grows(void **state) {
    (void)state;
    aeo_value l = aeo_list_new(A, 0);
    aeo_value other = aeo_list_new(A, 2);   /* interleaved: forces copying growth */
    for (int i = 0; i < 100; i++) {
        aeo_list_push(A, l.as.l, aeo_int(i));
        aeo_list_push(A, other.as.l, aeo_int(-i));
    }
    assert_int_equal(l.as.l->len, 100);
    assert_true(l.as.l->cap >= 100);
    int64_t sum = 0;
    for (uint32_t i = 0; i < l.as.l->len; i++) sum += l.as.l->items[i].as.i;
    assert_int_equal(sum, 4950);
    assert_int_equal(other.as.l->items[99].as.i, -99);
}

static void test_map_heterogeneous_keys(void **state) {
    (void)state;
    aeo_value m = aeo_map_new(A, 0);
    assert_true(aeo_map_put(A, m.as.m, aeo_int(1), str("one")));
    assert_true(aeo_map_put(A, m.as.m, str("b"), aeo_int(2)));
    assert_false(aeo_map_put(A, m.as.m, aeo_uint(1), str("dup")));
    assert_int_equal(m.as.m->len, 2);
    const aeo_value *v = aeo_map_get(m.as.m, aeo_double(1.0));
    assert_non_null(v);
    assert_string_equal(v->as.s->data, "one");
    assert_non_null(aeo_map_get(m.as.m, aeo_uint(1)));
    assert_null(aeo_map_get(m.as.m, aeo_double(1.5)));
    assert_null(aeo_map_get(m.as.m, str("1")));
}

static void test_map_equality_ignores_order(void **state) {
    (void)state;
    aeo_value x = aeo_map_new(A, 2), y = aeo_map_new(A, 2);
    aeo_map_put(A, x.as.m, str("a"), aeo_int(1));
    aeo_map_put(A, x.as.m, str("b"), aeo_int(2));
    aeo_map_put(A, y.as.m, str("b"), aeo_uint(2));
    aeo_map_put(A, y.as.m, str("a"), aeo_double(1.0));
    assert_true(aeo_value_equal(x, y));
    aeo_map_put(A, y.as.m, str("c"), aeo_int(3));
    assert_false(aeo_value_equal(x, y));
    aeo_value z = aeo_map_new(A, 2);
    aeo_map_put(A, z.as.m, str("a"), aeo_int(1));
    aeo_map_put(A, z.as.m, str("b"), aeo_int(3));
    assert_false(aeo_value_equal(x, z));
}

/* A two-field record type: name: string, city?: string. */
static aeo_field addr_fields[] = {
    {"name", &aeo_type_string, false, 0},
    {"city", &aeo_type_string, true, 1},
};
static const aeo_record_type addr_type = {.name = "Address", .n_fields = 2, .fields = addr_fields};
static const aeo_record_type other_type = {.name = "Other", .n_fields = 2, .fields = addr_fields};

static void test_record_equality(void **state) {
    (void)state;
    aeo_value x = aeo_record_new(A, &addr_type), y = aeo_record_new(A, &addr_type);
    assert_int_equal(x.as.r->slots[1].kind, AEO_V_ABSENT);
    x.as.r->slots[0] = str("n");
    y.as.r->slots[0] = str("n");
    assert_true(aeo_value_equal(x, y));
    y.as.r->slots[1] = str("Shenyang");
    assert_false(aeo_value_equal(x, y));
    x.as.r->slots[1] = str("Shenyang");
    assert_true(aeo_value_equal(x, y));
    aeo_value z = aeo_record_new(A, &other_type);
    z.as.r->slots[0] = str("n");
    z.as.r->slots[1] = str("Shenyang");
    assert_false(aeo_value_equal(x, z));
    assert_string_equal(aeo_value_type_name(x), "Address");
}

/* ---- errors and unknowns ------------------------------------------------ */

static void test_error_new(void **state) {
    (void)state;
    aeo_value e = aeo_error_new(A, "no such key: %s (%d)", "x", 7);
    assert_int_equal(e.kind, AEO_V_ERROR);
    assert_string_equal(e.as.e->msg, "no such key: x (7)");
    assert_false(e.as.e->has_span);
    assert_true(aeo_is_bad(e));
}

static void test_unknown_merge(void **state) {
    (void)state;
    aeo_value a = aeo_unknown_new(A, "e.a"), b = aeo_unknown_new(A, "e.b");
    aeo_value c = aeo_unknown_new(A, "e.a");   /* same content, other pointer */
    aeo_value ab = aeo_unknown_merge(A, a, b);
    assert_int_equal(ab.as.unk->n, 2);
    assert_string_equal(ab.as.unk->paths[0], "e.a");
    assert_string_equal(ab.as.unk->paths[1], "e.b");
    aeo_value abc = aeo_unknown_merge(A, ab, c);
    assert_int_equal(abc.as.unk->n, 2);
    aeo_value bac = aeo_unknown_merge(A, b, abc);
    assert_int_equal(bac.as.unk->n, 2);
    assert_string_equal(bac.as.unk->paths[0], "e.b");
    assert_string_equal(bac.as.unk->paths[1], "e.a");
    assert_string_equal(fmt(bac), "unknown(e.b, e.a)");
}

static void test_type_names(void **state) {
    (void)state;
    assert_string_equal(aeo_value_type_name(aeo_null()), "null_type");
    assert_string_equal(aeo_value_type_name(aeo_bool(true)), "bool");
    assert_string_equal(aeo_value_type_name(aeo_int(0)), "int");
    assert_string_equal(aeo_value_type_name(aeo_uint(0)), "uint");
    assert_string_equal(aeo_value_type_name(aeo_double(0)), "double");
    assert_string_equal(aeo_value_type_name(str("")), "string");
    assert_string_equal(aeo_value_type_name(aeo_bytes(A, "", 0)), "bytes");
    assert_string_equal(aeo_value_type_name(aeo_list_new(A, 0)), "list");
    assert_string_equal(aeo_value_type_name(aeo_map_new(A, 0)), "map");
    assert_string_equal(aeo_value_type_name(aeo_timestamp(0, 0)), "google.protobuf.Timestamp");
    assert_string_equal(aeo_value_type_name(aeo_duration(0, 0)), "google.protobuf.Duration");
    assert_string_equal(aeo_value_type_name(aeo_type_value("int")), "type");
    assert_string_equal(aeo_value_type_name(aeo_error_new(A, "x")), "error");
    assert_string_equal(aeo_value_type_name(aeo_unknown_new(A, "p")), "unknown");
}

/* ---- CEL literal form --------------------------------------------------- */

static void test_format_scalars(void **state) {
    (void)state;
    assert_string_equal(fmt(aeo_null()), "null");
    assert_string_equal(fmt(aeo_bool(false)), "false");
    assert_string_equal(fmt(aeo_int(INT64_MIN)), "-9223372036854775808");
    assert_string_equal(fmt(aeo_uint(UINT64_MAX)), "18446744073709551615u");
    assert_string_equal(fmt(aeo_type_value("google.protobuf.Timestamp")),
                        "google.protobuf.Timestamp");
}

static void test_format_doubles(void **state) {
    (void)state;
    assert_string_equal(fmt(aeo_double(1.0)), "1.0");
    assert_string_equal(fmt(aeo_double(2.5)), "2.5");
    assert_string_equal(fmt(aeo_double(1e100)), "1e+100");
    assert_string_equal(fmt(aeo_double(-0.0)), "-0.0");
    assert_string_equal(fmt(aeo_double(0.1)), "0.1");
    assert_string_equal(fmt(aeo_double(0.0001)), "0.0001");
    assert_string_equal(fmt(aeo_double(0.00001)), "1e-05");
    assert_string_equal(fmt(aeo_double(54310000.0)), "54310000.0");
    assert_string_equal(fmt(aeo_double(1e21)), "1e+21");
    assert_string_equal(fmt(aeo_double(123456.789)), "123456.789");
    assert_string_equal(fmt(aeo_double(5e-324)), "5e-324");
    assert_string_equal(fmt(aeo_double(NAN)), "NaN");
    assert_string_equal(fmt(aeo_double(INFINITY)), "+infinity");
    assert_string_equal(fmt(aeo_double(-INFINITY)), "-infinity");
}

static void test_format_double_go_style(void **state) {
    (void)state;
    /* strconv.FormatFloat(f, 'g', -1, 64): exponent form when the decimal
     * exponent is < -4 or >= 6 (shortest mode uses precision 6 there). */
    assert_string_equal(dbl(1.0, false), "1");
    assert_string_equal(dbl(100.0, false), "100");
    assert_string_equal(dbl(123456.0, false), "123456");
    assert_string_equal(dbl(1e6, false), "1e+06");
    assert_string_equal(dbl(1234567.0, false), "1.234567e+06");
    assert_string_equal(dbl(123.456, false), "123.456");
    assert_string_equal(dbl(-4.5e-3, false), "-0.0045");
    assert_string_equal(dbl(0.00001, false), "1e-05");
    assert_string_equal(dbl(1e100, false), "1e+100");
    assert_string_equal(dbl(-INFINITY, false), "-Inf");
    assert_string_equal(dbl(INFINITY, false), "+Inf");
}

static void test_format_double_round_trips(void **state) {
    (void)state;
    const double xs[] = {0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 5e-324, DBL_MAX, DBL_MIN,
                         123.456, 9007199254740993.0, -7.25e-8, 6.02214076e23};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        const char *s = fmt(aeo_double(xs[i]));
        assert_true(strtod(s, NULL) == xs[i]);
        assert_non_null(strpbrk(s, ".e"));   /* always looks like a double */
    }
    assert_string_equal(fmt(aeo_double(1.0 / 3.0)), "0.3333333333333333");
    assert_string_equal(fmt(aeo_double(DBL_MAX)), "1.7976931348623157e+308");
}

static void test_format_string_escapes(void **state) {
    (void)state;
    assert_string_equal(fmt(str("a\"b\\c\n\t\r\x01\x7f")), "\"a\\\"b\\\\c\\n\\t\\r\\x01\\x7f\"");
    assert_string_equal(fmt(str("h\xC3\xA9llo \xE4\xB8\xAD")), "\"h\xC3\xA9llo \xE4\xB8\xAD\"");
    assert_string_equal(fmt(aeo_string(A, "a\0b", 3)), "\"a\\x00b\"");
    assert_string_equal(fmt(aeo_bytes(A, "ab\xff\"\n", 5)), "b\"ab\\xff\\\"\\n\"");
}

static void test_format_collections(void **state) {
    (void)state;
    aeo_value l = aeo_list_new(A, 0);
    assert_string_equal(fmt(l), "[]");
    aeo_list_push(A, l.as.l, aeo_int(1));
    aeo_list_push(A, l.as.l, str("x"));
    aeo_list_push(A, l.as.l, aeo_double(2.0));
    assert_string_equal(fmt(l), "[1, \"x\", 2.0]");
    aeo_value m = aeo_map_new(A, 0);
    aeo_map_put(A, m.as.m, str("a"), aeo_uint(1));
    aeo_map_put(A, m.as.m, aeo_int(2), l);
    assert_string_equal(fmt(m), "{\"a\": 1u, 2: [1, \"x\", 2.0]}");
    assert_string_equal(fmt(aeo_map_new(A, 0)), "{}");
}

static void test_format_time_record_error(void **state) {
    (void)state;
    assert_string_equal(fmt(aeo_timestamp(1618963200, 0)), "timestamp(\"2021-04-21T00:00:00Z\")");
    assert_string_equal(fmt(aeo_duration(3600, 0)), "duration(\"3600s\")");
    assert_string_equal(fmt(aeo_duration(-1, -500000000)), "duration(\"-1.5s\")");
    aeo_value r = aeo_record_new(A, &addr_type);
    assert_string_equal(fmt(r), "{}");
    r.as.r->slots[1] = str("Dalian");
    assert_string_equal(fmt(r), "{city: \"Dalian\"}");
    r.as.r->slots[0] = str("N");
    assert_string_equal(fmt(r), "{name: \"N\", city: \"Dalian\"}");
    assert_string_equal(fmt(aeo_error_new(A, "bad \"x\"")), "error(\"bad \\\"x\\\"\")");
}

/* ---- JSON --------------------------------------------------------------- */

static void test_json_scalars(void **state) {
    (void)state;
    assert_string_equal(json(aeo_null()), "null");
    assert_string_equal(json(aeo_bool(true)), "true");
    assert_string_equal(json(aeo_int(-5)), "-5");
    assert_string_equal(json(aeo_uint(UINT64_MAX)), "18446744073709551615");
    assert_string_equal(json(aeo_double(2.0)), "2.0");
    assert_string_equal(json(aeo_double(NAN)), "\"NaN\"");
    assert_string_equal(json(aeo_double(INFINITY)), "\"Infinity\"");
    assert_string_equal(json(aeo_double(-INFINITY)), "\"-Infinity\"");
    assert_string_equal(json(aeo_timestamp(0, 500000000)), "\"1970-01-01T00:00:00.500Z\"");
    assert_string_equal(json(aeo_duration(90, 0)), "\"90s\"");
    assert_string_equal(json(aeo_type_value("int")), "\"int\"");
}

static void test_json_string_escapes(void **state) {
    (void)state;
    assert_string_equal(json(str("q\"b\\n\n\x01\x1f\b\f\t\r\xC3\xA9")),
                        "\"q\\\"b\\\\n\\n\\u0001\\u001f\\b\\f\\t\\r\xC3\xA9\"");
    aeo_buf b = {0};
    aeo_buf_json_string(&b, "a\0b", 3);
    assert_string_equal(b.data, "\"a\\u0000b\"");
    aeo_buf_free(&b);
}

static void test_json_bytes_base64(void **state) {
    (void)state;
    /* RFC 4648 test vectors. */
    assert_string_equal(json(aeo_bytes(A, "", 0)), "\"\"");
    assert_string_equal(json(aeo_bytes(A, "f", 1)), "\"Zg==\"");
    assert_string_equal(json(aeo_bytes(A, "fo", 2)), "\"Zm8=\"");
    assert_string_equal(json(aeo_bytes(A, "foo", 3)), "\"Zm9v\"");
    assert_string_equal(json(aeo_bytes(A, "foobar", 6)), "\"Zm9vYmFy\"");
    assert_string_equal(json(aeo_bytes(A, "\xff\xfe", 2)), "\"//4=\"");
}

static void test_json_collections(void **state) {
    (void)state;
    aeo_value m = aeo_map_new(A, 0);
    aeo_map_put(A, m.as.m, str("a"), aeo_list_new(A, 0));
    aeo_map_put(A, m.as.m, aeo_int(1), aeo_bool(false));
    aeo_map_put(A, m.as.m, aeo_uint(2), aeo_null());
    aeo_map_put(A, m.as.m, aeo_bool(true), str("t"));
    assert_string_equal(json(m), "{\"a\":[],\"1\":false,\"2\":null,\"true\":\"t\"}");
    aeo_value r = aeo_record_new(A, &addr_type);
    r.as.r->slots[0] = str("N");
    assert_string_equal(json(r), "{\"name\":\"N\"}");
    aeo_value u = aeo_unknown_merge(A, aeo_unknown_new(A, "e.x"), aeo_unknown_new(A, "e.y"));
    assert_string_equal(json(u), "{\"unknown\":[\"e.x\",\"e.y\"]}");
    assert_string_equal(json(aeo_error_new(A, "boom")), "{\"error\":\"boom\"}");
}

static void test_buf_growth(void **state) {
    (void)state;
    aeo_buf b = {0};
    for (int i = 0; i < 50; i++) aeo_buf_printf(&b, "%02d,", i);
    assert_int_equal(b.len, 150);
    assert_int_equal(strlen(b.data), 150);
    assert_memory_equal(b.data + 147, "49,", 3);
    aeo_buf_putn(&b, "", 0);
    assert_int_equal(b.len, 150);
    aeo_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

/* ---- types -------------------------------------------------------------- */

static void test_type_format(void **state) {
    (void)state;
    char buf[64];
    const aeo_type *ls = aeo_type_list(A, &aeo_type_string);
    assert_string_equal(aeo_type_format(ls, buf, sizeof buf), "list<string>");
    const aeo_type *m = aeo_type_map(A, &aeo_type_string, aeo_type_list(A, &aeo_type_int));
    assert_string_equal(aeo_type_format(m, buf, sizeof buf), "map<string, list<int>>");
    assert_string_equal(aeo_type_format(&aeo_type_map_dyn, buf, sizeof buf), "map<dyn, dyn>");
    assert_string_equal(aeo_type_format(&aeo_type_null, buf, sizeof buf), "null_type");
    static const char *const vals[] = {"advanced", "general"};
    aeo_type e = {.kind = AEO_T_ENUM, .enum_values = vals, .n_enum = 2};
    assert_string_equal(aeo_type_format(&e, buf, sizeof buf), "\"advanced\" | \"general\"");
    aeo_type r = {.kind = AEO_T_RECORD, .rec = &addr_type};
    assert_string_equal(aeo_type_format(&r, buf, sizeof buf), "Address");
    char small[6];
    assert_string_equal(aeo_type_format(ls, small, sizeof small), "list<");
}

static void test_type_equal(void **state) {
    (void)state;
    assert_true(aeo_type_equal(aeo_type_list(A, &aeo_type_int), aeo_type_list(A, &aeo_type_int)));
    assert_false(aeo_type_equal(aeo_type_list(A, &aeo_type_int), aeo_type_list(A, &aeo_type_uint)));
    assert_true(aeo_type_equal(aeo_type_list(A, &aeo_type_dyn), &aeo_type_list_dyn));
    assert_false(aeo_type_equal(&aeo_type_dyn, &aeo_type_int));
    static const char *const v1[] = {"a", "b"}, *const v2[] = {"b", "a"}, *const v3[] = {"a", "c"};
    aeo_type e1 = {.kind = AEO_T_ENUM, .enum_values = v1, .n_enum = 2};
    aeo_type e2 = {.kind = AEO_T_ENUM, .enum_values = v2, .n_enum = 2};
    aeo_type e3 = {.kind = AEO_T_ENUM, .enum_values = v3, .n_enum = 2};
    assert_true(aeo_type_equal(&e1, &e2));
    assert_false(aeo_type_equal(&e1, &e3));
    aeo_type r1 = {.kind = AEO_T_RECORD, .rec = &addr_type};
    aeo_type r2 = {.kind = AEO_T_RECORD, .rec = &other_type};
    aeo_type r3 = {.kind = AEO_T_RECORD, .rec = &addr_type};
    assert_false(aeo_type_equal(&r1, &r2));
    assert_true(aeo_type_equal(&r1, &r3));
}

static void test_record_type_field(void **state) {
    (void)state;
    const aeo_field *f = aeo_record_type_field(&addr_type, "city");
    assert_non_null(f);
    assert_true(f->optional);
    assert_int_equal(f->slot, 1);
    assert_null(aeo_record_type_field(&addr_type, "province"));
}

/* Aligned arena allocations: aligned whether the padding fits the current
 * block or not, counted in aeo_arena_used, never overlapping. */
static void test_arena_aligned(void **state) {
    (void)state;
    aeo_arena *a = aeo_arena_new();
    unsigned char *prev = NULL;
    size_t used = aeo_arena_used(a);
    for (int i = 0; i < 3000; i++) {
        (void)aeo_arena_alloc(a, (size_t)(i % 7) * 8 + 1);   /* knock the bump pointer off the line */
        size_t size = (size_t)(i % 5) * 100 + 40;
        unsigned char *p = aeo_arena_alloc_aligned(a, size, 64);
        assert_int_equal((uintptr_t)p % 64, 0);
        memset(p, 0xAB, size);
        if (prev) assert_int_equal(prev[0], 0xAB);   /* the earlier one was not overwritten */
        prev = p;
        assert_true(aeo_arena_used(a) >= used + size);
        used = aeo_arena_used(a);
    }
    /* Larger than a block (a block of its own) and larger alignments. */
    unsigned char *big = aeo_arena_alloc_aligned(a, 100000, 64);
    assert_int_equal((uintptr_t)big % 64, 0);
    memset(big, 1, 100000);
    assert_int_equal((uintptr_t)aeo_arena_alloc_aligned(a, 10, 4096) % 4096, 0);
    /* 16 or less is the arena's own alignment. */
    assert_int_equal((uintptr_t)aeo_arena_alloc_aligned(a, 3, 8) % 16, 0);
    aeo_arena_free(a);
}

/* The hash index of a constant list of strings: only for 8 or more items,
 * all strings; finds every item and nothing else. */
static void test_list_index(void **state) {
    (void)state;
    aeo_value short_list = aeo_list_new(A, 0);
    for (int i = 0; i < 7; i++) aeo_list_push(A, short_list.as.l, aeo_cstring(A, "x"));
    aeo_list_index(A, short_list.as.l);
    assert_null(short_list.as.l->index);
    aeo_value mixed = aeo_list_new(A, 0);
    for (int i = 0; i < 9; i++) aeo_list_push(A, mixed.as.l, i == 4 ? aeo_int(4) : aeo_cstring(A, "x"));
    aeo_list_index(A, mixed.as.l);
    assert_null(mixed.as.l->index);

    /* 1,000 codes "C0000".."C0999", one repeated, and the empty string. */
    aeo_value l = aeo_list_new(A, 0);
    char buf[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(buf, sizeof buf, "C%04d", i);
        aeo_list_push(A, l.as.l, aeo_cstring(A, buf));
    }
    aeo_list_push(A, l.as.l, aeo_cstring(A, "C0500"));
    aeo_list_push(A, l.as.l, aeo_cstring(A, ""));
    aeo_list_index(A, l.as.l);
    assert_non_null(l.as.l->index);
    assert_true(l.as.l->index_mask + 1 >= 2 * l.as.l->len);
    for (int i = 0; i < 1000; i++) {
        snprintf(buf, sizeof buf, "C%04d", i);
        assert_true(aeo_list_index_has(l.as.l, aeo_cstring(A, buf).as.s));
    }
    assert_true(aeo_list_index_has(l.as.l, aeo_cstring(A, "").as.s));
    static const char *const absent[] = {"C1000", "C000", "C00000", "c0001", "C0001 ", "D0001", "0001"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        assert_false(aeo_list_index_has(l.as.l, aeo_cstring(A, absent[i]).as.s));
}

/* An arena reset per record reuses its blocks: the same requests after a
 * reset get the same memory back, big ones and overflow blocks alike, and
 * the count restarts from zero. */
static void test_arena_reset_reuses(void **state) {
    (void)state;
    aeo_arena *a = aeo_arena_new();
    void *big[2], *small_last[2], *line[2];
    for (int round = 0; round < 2; round++) {
        big[round] = aeo_arena_alloc(a, 100000);           /* a block of its own */
        void *p = NULL;
        for (int i = 0; i < 3000; i++) p = aeo_arena_alloc(a, 100);   /* 300 KB: several blocks */
        small_last[round] = p;
        line[round] = aeo_arena_alloc_aligned(a, 640, 64);
        memset(big[round], 7, 100000);
        assert_true(aeo_arena_used(a) >= 100000 + 300000 + 640);
        aeo_arena_reset(a);
        assert_int_equal(aeo_arena_used(a), 0);
    }
    assert_ptr_equal(big[0], big[1]);
    assert_ptr_equal(small_last[0], small_last[1]);
    assert_ptr_equal(line[0], line[1]);
    aeo_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_reset_reuses),
        cmocka_unit_test(test_list_index),
        cmocka_unit_test(test_arena_aligned),
        cmocka_unit_test(test_equal_across_numeric_kinds),
        cmocka_unit_test(test_uint_2p63_vs_int64_max),
        cmocka_unit_test(test_int64_max_vs_double_2p63),
        cmocka_unit_test(test_uint64_max_vs_double_2p64),
        cmocka_unit_test(test_2p53_plus_one),
        cmocka_unit_test(test_fractional_tiebreak),
        cmocka_unit_test(test_negative_zero),
        cmocka_unit_test(test_nan),
        cmocka_unit_test(test_compare_strings_code_point_order),
        cmocka_unit_test(test_compare_bytes_bool_time),
        cmocka_unit_test(test_compare_unordered_kinds),
        cmocka_unit_test(test_equal_scalars),
        cmocka_unit_test(test_equal_lists),
        cmocka_unit_test(test_list_push_grows),
        cmocka_unit_test(test_map_heterogeneous_keys),
        cmocka_unit_test(test_map_equality_ignores_order),
        cmocka_unit_test(test_record_equality),
        cmocka_unit_test(test_error_new),
        cmocka_unit_test(test_unknown_merge),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_format_scalars),
        cmocka_unit_test(test_format_doubles),
        cmocka_unit_test(test_format_double_go_style),
        cmocka_unit_test(test_format_double_round_trips),
        cmocka_unit_test(test_format_string_escapes),
        cmocka_unit_test(test_format_collections),
        cmocka_unit_test(test_format_time_record_error),
        cmocka_unit_test(test_json_scalars),
        cmocka_unit_test(test_json_string_escapes),
        cmocka_unit_test(test_json_bytes_base64),
        cmocka_unit_test(test_json_collections),
        cmocka_unit_test(test_buf_growth),
        cmocka_unit_test(test_type_format),
        cmocka_unit_test(test_type_equal),
        cmocka_unit_test(test_record_type_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
