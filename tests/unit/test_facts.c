/* Unit tests for runtime/facts.c: splitting input into records (JSON Lines,
 * arrays, documents), strict JSON validation with line/column messages,
 * schema-directed decoding and conversion of CEL map literals.
 *
 * The schema is built by hand: a root record "enterprise" with a field of
 * every type (required and optional), an enum, a nested record and lists and
 * maps.  Inputs are fed to the reader through fmemopen.  Every expected
 * message below is written from the rules in facts.h and DESIGN.md: columns
 * are counted by hand from the input text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/facts.h"
#include "runtime/json_simd.h"

/* ---- the schema ---------------------------------------------------------- */

static const char *const credit_values[] = {"advanced", "general", "standard", "dishonest"};
static const aeo_type credit_t = {.kind = AEO_T_ENUM, .enum_values = credit_values, .n_enum = 4};
static const aeo_type list_string_t = {.kind = AEO_T_LIST, .elem = &aeo_type_string};
static const aeo_type map_int_t = {.kind = AEO_T_MAP, .key = &aeo_type_string,
                                   .elem = &aeo_type_int};

/* Slots deliberately not in field order, to check that slots are used. */
static aeo_field address_fields[] = {
    {"province", &aeo_type_string, false, 1},
    {"city", &aeo_type_string, false, 0},
};
static const aeo_record_type address_rt = {.name = "Address", .n_fields = 2, .fields = address_fields};
static const aeo_type address_t = {.kind = AEO_T_RECORD, .rec = &address_rt};

static aeo_field enterprise_fields[] = {
    {"uscc", &aeo_type_string, false, 0},
    {"credit", &credit_t, false, 1},
    {"registered_customs", &aeo_type_string, false, 2},
    {"trades_in_liaoning", &aeo_type_bool, false, 3},
    {"certified_on", &aeo_type_timestamp, true, 4},
    {"business_types", &list_string_t, false, 5},
    {"violations_12m", &aeo_type_int, false, 6},
    {"address", &address_t, true, 7},
    {"employees", &aeo_type_uint, true, 8},
    {"revenue", &aeo_type_double, true, 9},
    {"audit_period", &aeo_type_duration, true, 10},
    {"logo", &aeo_type_bytes, true, 11},
    {"extra", &aeo_type_dyn, true, 12},
    {"ratings", &map_int_t, true, 13},
    {"under_investigation", &aeo_type_bool, true, 14},
};
static const aeo_record_type enterprise_rt = {.name = "enterprise", .n_fields = 15, .fields = enterprise_fields};

/* ---- helpers ------------------------------------------------------------- */

static int setup(void **state) {
    *state = aeo_arena_new();
    return 0;
}

static int teardown(void **state) {
    aeo_arena_free(*state);
    return 0;
}

/* A reader over a private copy of [len] bytes of [text]. */
typedef struct src {
    char *buf;
    FILE *f;
    aeo_facts_reader *r;
    aeo_facts_item it;
} src;

static void src_open_n(src *s, const char *text, size_t len) {
    s->buf = malloc(len + 1);
    memcpy(s->buf, text, len);
    s->buf[len] = '\0';
    s->f = fmemopen(s->buf, len, "r");
    assert_non_null(s->f);
    s->r = aeo_facts_reader_new(s->f, "facts.jsonl");
}

static void src_open(src *s, const char *text) { src_open_n(s, text, strlen(text)); }

static void src_close(src *s) {
    aeo_facts_reader_free(s->r);
    fclose(s->f);
    free(s->buf);
}

static aeo_facts_status nx(src *s) { return aeo_facts_next(s->r, &s->it); }

static void expect_record(src *s, uint64_t line, const char *text) {
    assert_int_equal(nx(s), AEO_FACTS_RECORD);
    assert_int_equal(s->it.line, line);
    assert_string_equal(s->it.text, text);
    assert_int_equal(s->it.len, strlen(text));
    assert_null(s->it.error);
}

static void expect_bad(src *s, uint64_t line, const char *msg) {
    assert_int_equal(nx(s), AEO_FACTS_BAD);
    assert_int_equal(s->it.line, line);
    assert_non_null(s->it.error);
    assert_string_equal(s->it.error, msg);
}

static void expect_eof(src *s) {
    assert_int_equal(nx(s), AEO_FACTS_EOF);
    assert_int_equal(nx(s), AEO_FACTS_EOF);
}

/* The six required fields, each with a valid value. */
static const char *const base_fields[][2] = {
    {"uscc", "\"U1\""},
    {"credit", "\"advanced\""},
    {"registered_customs", "\"0801\""},
    {"trades_in_liaoning", "true"},
    {"business_types", "[\"import\"]"},
    {"violations_12m", "0"},
};

/* A record with the required fields except [skip] (NULL: none), then
 * [extra] (a list of members, or NULL). */
static const char *rec_json(aeo_arena *a, const char *skip, const char *extra) {
    size_t cap = 512 + (extra ? strlen(extra) : 0), n = 0;
    char *s = aeo_arena_alloc(a, cap);
    s[n++] = '{';
    for (size_t i = 0; i < sizeof base_fields / sizeof base_fields[0]; i++) {
        if (skip && strcmp(skip, base_fields[i][0]) == 0) continue;
        n += (size_t)snprintf(s + n, cap - n, "%s\"%s\":%s", n > 1 ? "," : "",
                              base_fields[i][0], base_fields[i][1]);
    }
    if (extra) n += (size_t)snprintf(s + n, cap - n, "%s%s", n > 1 ? "," : "", extra);
    snprintf(s + n, cap - n, "}");
    return s;
}

static bool decode(aeo_arena *a, const char *text, aeo_value *out, const char **err) {
    *err = NULL;
    return aeo_facts_decode(a, &enterprise_rt, "enterprise", text, strlen(text), 1, out, err);
}

/* Decodes a record with the required fields plus [extra]: must succeed. */
static aeo_value decode_ok(aeo_arena *a, const char *extra) {
    aeo_value v;
    const char *err;
    bool ok = decode(a, rec_json(a, NULL, extra), &v, &err);
    if (!ok) fail_msg("unexpected error: %s", err);
    assert_int_equal(v.kind, AEO_V_RECORD);
    return v;
}

/* Decodes [text], which must fail with exactly [msg]. */
static void decode_err(aeo_arena *a, const char *text, const char *msg) {
    aeo_value v;
    const char *err;
    assert_false(decode(a, text, &v, &err));
    assert_non_null(err);
    assert_string_equal(err, msg);
}

/* The same with the required fields (minus [skip]) plus [extra]. */
static void field_err(aeo_arena *a, const char *skip, const char *extra, const char *msg) {
    decode_err(a, rec_json(a, skip, extra), msg);
}

static aeo_value slot(aeo_value rec, const char *name) {
    const aeo_record_type *rt = rec.as.r->type;
    for (uint32_t i = 0; i < rt->n_fields; i++)
        if (strcmp(rt->fields[i].name, name) == 0) return rec.as.r->slots[rt->fields[i].slot];
    fail_msg("no field %s", name);
    return aeo_null();
}

static void assert_str_value(aeo_value v, const char *s) {
    assert_int_equal(v.kind, AEO_V_STRING);
    assert_int_equal(v.as.s->len, strlen(s));
    assert_memory_equal(v.as.s->data, s, strlen(s));
}

static aeo_value map_get(aeo_arena *a, aeo_value m, const char *key) {
    assert_int_equal(m.kind, AEO_V_MAP);
    const aeo_value *v = aeo_map_get(m.as.m, aeo_cstring(a, key));
    assert_non_null(v);
    return *v;
}

/* ---- reader: JSON Lines -------------------------------------------------- */

static void reader_jsonl_bad_line_in_middle(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\"a\":1}\n{\"a\":01}\n{\"b\":2}\n");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 6: leading zero in number");
    expect_record(&s, 3, "{\"b\":2}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_jsonl_blank_lines(void **state) {
    (void)state;
    src s;
    src_open(&s, "\n\n{\"a\":1}\n   \n\t\n{\"b\":2}\n\n");
    expect_record(&s, 3, "{\"a\":1}");
    expect_record(&s, 6, "{\"b\":2}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_jsonl_crlf(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\"a\":1}\r\n{\"a\":2}\r\n\r\n{\"a\":x}\r\n{\"a\":3}");
    expect_record(&s, 1, "{\"a\":1}");
    expect_record(&s, 2, "{\"a\":2}");
    expect_bad(&s, 4, "line 4, column 6: unexpected 'x'");
    expect_record(&s, 5, "{\"a\":3}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_jsonl_trailing_garbage(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\"a\":1}\n{\"a\":2} x\n{\"a\":3}\n");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 9: unexpected 'x' after the object");
    expect_record(&s, 3, "{\"a\":3}");
    expect_eof(&s);
    src_close(&s);
}

/* A line that is not an object is one bad record; the next line is read. */
static void reader_jsonl_non_object_lines(void **state) {
    (void)state;
    src s;
    src_open(&s, "42\n{\"a\":1}\n[1]\n\"x\"\n}\n");
    expect_bad(&s, 1, "line 1, column 1: expected a JSON object");
    expect_record(&s, 2, "{\"a\":1}");
    expect_bad(&s, 3, "line 3, column 1: expected a JSON object");
    expect_bad(&s, 4, "line 4, column 1: expected a JSON object");
    expect_bad(&s, 5, "line 5, column 1: unexpected '}'");
    expect_eof(&s);
    src_close(&s);
}

/* Each line is its own record: an unclosed line never swallows the next. */
static void reader_jsonl_unclosed_line(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\"a\":1}\n{\"a\":[1,2}\n{\"a\":\"x\n{\"b\":2}\n");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 10: unexpected '}'");
    expect_bad(&s, 3, "line 3, column 6: unterminated string");
    expect_record(&s, 4, "{\"b\":2}");
    expect_eof(&s);
    src_close(&s);
}

/* A broken first line makes the input look like documents; the '{' in
 * column 1 of the next line still ends it, so no line is lost. */
static void reader_broken_first_line(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\"a\": \"x\n{\"b\":1}\n{\"c\":2}\n");
    expect_bad(&s, 1, "line 1, column 7: unterminated string");
    expect_record(&s, 2, "{\"b\":1}");
    expect_record(&s, 3, "{\"c\":2}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_bom(void **state) {
    (void)state;
    src s;
    src_open(&s, "\xEF\xBB\xBF{\"a\":1}\n{\"a\":2}\n");
    expect_record(&s, 1, "{\"a\":1}");
    expect_record(&s, 2, "{\"a\":2}");
    expect_eof(&s);
    src_close(&s);
}

/* Columns on the first line do not count the BOM; a BOM anywhere else, or
 * a lone 0xEF, is an error. */
static void reader_bom_columns(void **state) {
    (void)state;
    src s;
    src_open(&s, "\xEF\xBB\xBF{\"a\":01}\n");
    expect_bad(&s, 1, "line 1, column 6: leading zero in number");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, "\xEF{\"a\":1}\n");
    expect_bad(&s, 1, "line 1, column 1: unexpected byte 0xEF");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, "\xEF\xBB\xBF\n\n[{\"a\":1}]");
    expect_record(&s, 3, "{\"a\":1}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_single_object(void **state) {
    (void)state;
    src s;
    src_open(&s, "  {\"a\": {\"b\": [1, 2]}}");
    expect_record(&s, 1, "{\"a\": {\"b\": [1, 2]}}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_empty_input(void **state) {
    (void)state;
    src s;
    src_open(&s, "");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, " \n\r\n\t \n");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, "\xEF\xBB\xBF");
    expect_eof(&s);
    src_close(&s);
}

static void reader_many_records(void **state) {
    (void)state;
    size_t n = 20000, cap = n * 16, len = 0;
    char *text = malloc(cap);
    for (size_t i = 0; i < n; i++) len += (size_t)snprintf(text + len, cap - len, "{\"i\":%zu}\n", i);
    src s;
    src_open_n(&s, text, len);
    for (size_t i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "{\"i\":%zu}", i);
        expect_record(&s, i + 1, want);
    }
    expect_eof(&s);
    src_close(&s);
    free(text);
}

/* ---- reader: arrays ------------------------------------------------------ */

static void reader_array_three(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":1},\n {\"b\":2} ,\n{\"c\":3}]\n");
    expect_record(&s, 1, "{\"a\":1}");
    expect_record(&s, 2, "{\"b\":2}");
    expect_record(&s, 3, "{\"c\":3}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_array_pretty(void **state) {
    (void)state;
    src s;
    src_open(&s, "[\n  {\n    \"a\": \"x,]}\"\n  },\n  {\n    \"b\": [1, {\"c\": 2}]\n  }\n]\n");
    expect_record(&s, 2, "{\n    \"a\": \"x,]}\"\n  }");
    expect_record(&s, 5, "{\n    \"b\": [1, {\"c\": 2}]\n  }");
    expect_eof(&s);
    src_close(&s);
}

/* A bad element whose end is known is one BAD; the next element is read. */
static void reader_array_bad_element_continues(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":1}, {\"a\":01}, {\"c\":3}]");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 1, "line 1, column 16: leading zero in number");
    expect_record(&s, 1, "{\"c\":3}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_array_non_object_element(void **state) {
    (void)state;
    src s;
    src_open(&s, "[1, {\"a\":1}, \"x\", null]");
    expect_bad(&s, 1, "line 1, column 2: expected a JSON object");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 1, "line 1, column 14: expected a JSON object");
    expect_bad(&s, 1, "line 1, column 19: expected a JSON object");
    expect_eof(&s);
    src_close(&s);
}

static void reader_array_empty(void **state) {
    (void)state;
    src s;
    src_open(&s, "[]");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, "\n  [ \n ] \n");
    expect_eof(&s);
    src_close(&s);
}

static void reader_array_empty_element(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":1},,{\"b\":2}]");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 1, "line 1, column 10: unexpected ','");
    expect_record(&s, 1, "{\"b\":2}");
    expect_eof(&s);
    src_close(&s);
}

/* Errors that hide where the array goes on: reported once, then EOF. */
static void reader_array_trailing_comma(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":1},]\n{\"b\":2}");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 1, "line 1, column 10: unexpected ']'");
    expect_eof(&s);
    src_close(&s);
}

static void reader_array_unterminated_element(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":1},\n{\"b\":");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 6: unexpected end of input");
    expect_eof(&s);
    src_close(&s);
}

static void reader_array_not_closed(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":1}");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 1, "line 1, column 9: unexpected end of input: the array is not closed");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, "[{\"a\":1},\n");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 1: unexpected end of input: the array is not closed");
    expect_eof(&s);
    src_close(&s);
}

static void reader_array_mismatched_bracket(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":[1}, {\"b\":2}]");
    expect_bad(&s, 1, "line 1, column 9: unexpected '}'");
    expect_eof(&s);
    src_close(&s);
    /* A stray closer between elements is one bad record; the elements
     * around it are read. */
    src_open(&s, "[{\"a\":1}}, {\"b\":2}]");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 1, "line 1, column 9: unexpected '}'");
    expect_record(&s, 1, "{\"b\":2}");
    expect_eof(&s);
    src_close(&s);
    /* A missing ',' makes the element after it bad, not both. */
    src_open(&s, "[{\"a\":1}\n{\"b\":2} {\"c\":3}, {\"d\":4}]");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 1: missing ',' before this array element");
    expect_bad(&s, 2, "line 2, column 9: missing ',' before this array element");
    expect_record(&s, 2, "{\"d\":4}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_array_garbage_after(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":1}]\n x");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 2: unexpected 'x' after the array");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, "[{\"a\":1}] [{\"b\":2}]");
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 1, "line 1, column 11: unexpected '[' after the array");
    expect_eof(&s);
    src_close(&s);
}

/* In an array a raw line break inside a string does not hide where the
 * element ends: only that element is bad. */
static void reader_array_line_break_in_string(void **state) {
    (void)state;
    src s;
    src_open(&s, "[{\"a\":\"x\ny, [z]\"},\n{\"b\":2}]");
    expect_bad(&s, 1, "line 1, column 9: unescaped line break in string");
    expect_record(&s, 3, "{\"b\":2}");
    expect_eof(&s);
    src_close(&s);
}

/* ---- reader: documents --------------------------------------------------- */

static void reader_docs_pretty(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\n  \"a\": 1,\n  \"b\": [1, 2]\n}\n{\n  \"c\": \"x\"\n}\n");
    expect_record(&s, 1, "{\n  \"a\": 1,\n  \"b\": [1, 2]\n}");
    expect_record(&s, 5, "{\n  \"c\": \"x\"\n}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_docs_crlf_and_same_line(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\"a\":1} {\"b\":2}\r\n{\"c\":\r\n3}\r\n\r\n{\r\n\"d\":4}");
    expect_record(&s, 1, "{\"a\":1}");
    expect_record(&s, 1, "{\"b\":2}");
    expect_record(&s, 2, "{\"c\":\r\n3}");
    expect_record(&s, 5, "{\r\n\"d\":4}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_docs_bad_document_continues(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\n  \"a\": 01\n}\n{\n  \"b\": 2\n}\n");
    expect_bad(&s, 1, "line 2, column 8: leading zero in number");
    expect_record(&s, 4, "{\n  \"b\": 2\n}");
    expect_eof(&s);
    src_close(&s);
}

/* A '{' in column 1 while a document is open: that document was cut short. */
static void reader_docs_cut_by_column1_brace(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\n  \"a\": 1\n{\n  \"b\": 2\n}\n");
    expect_bad(&s, 1,
               "line 3, column 1: unexpected '{': the object starting at line 1 is not closed");
    expect_record(&s, 3, "{\n  \"b\": 2\n}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_docs_unterminated_at_eof(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\"x\":0}\n\n{\n  \"a\": 1\n");
    expect_record(&s, 1, "{\"x\":0}");
    /* JSON Lines: the third line is a record of its own. */
    expect_bad(&s, 3, "line 3, column 2: unexpected end of input");
    expect_bad(&s, 4, "line 4, column 3: expected a JSON object");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, "{\n  \"a\": 1\n");
    expect_bad(&s, 1, "line 2, column 9: unexpected end of input");
    expect_eof(&s);
    src_close(&s);
}

static void reader_docs_stray_scalar(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\n\"a\":1}\n42 {\"b\":2}\n");
    expect_record(&s, 1, "{\n\"a\":1}");
    expect_bad(&s, 3, "line 3, column 1: expected a JSON object");
    expect_record(&s, 3, "{\"b\":2}");
    expect_eof(&s);
    src_close(&s);
}

/* A missing closing quote in a document: the string ends at the line
 * break for splitting, and the next document in column 1 is intact. */
static void reader_docs_missing_quote(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\n  \"a\": \"x,\n  \"b\": [1]\n}\n{\n  \"c\": \"y\"\n}\n");
    expect_bad(&s, 1, "line 2, column 11: unescaped line break in string");
    expect_record(&s, 5, "{\n  \"c\": \"y\"\n}");
    expect_eof(&s);
    src_close(&s);
}

/* ---- reader: limits and I/O ---------------------------------------------- */

static void reader_record_too_big(void **state) {
    (void)state;
    src s;
    assert_int_equal(AEO_FACTS_MAX_RECORD, (size_t)64 * 1024 * 1024);
    src_open(&s, "{\"a\":1}\n{\"b\":\"xxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"c\":3}\n");
    aeo_facts_reader_set_max_record(s.r, 16);
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 1: record exceeds 16 bytes");
    expect_record(&s, 3, "{\"c\":3}");
    expect_eof(&s);
    src_close(&s);
    /* Exactly at the limit is fine. */
    src_open(&s, "{\"b\":\"xxxxxxxx\"}\n");
    aeo_facts_reader_set_max_record(s.r, 16);
    expect_record(&s, 1, "{\"b\":\"xxxxxxxx\"}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_record_too_big_first_and_array(void **state) {
    (void)state;
    src s;
    src_open(&s, "{\"a\":\"0123456789012345\"}\n{\"b\":1}\n");
    aeo_facts_reader_set_max_record(s.r, 16);
    expect_bad(&s, 1, "line 1, column 1: record exceeds 16 bytes");
    expect_record(&s, 2, "{\"b\":1}");
    expect_eof(&s);
    src_close(&s);
    src_open(&s, "[{\"a\":1},{\"b\":\"xxxxxxxxxxxxxxxxxxxx\"},{\"c\":3}]");
    aeo_facts_reader_set_max_record(s.r, 16);
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 1, "line 1, column 10: record exceeds 16 bytes");
    expect_record(&s, 1, "{\"c\":3}");
    expect_eof(&s);
    src_close(&s);
}

static void reader_record_too_big_mib(void **state) {
    (void)state;
    size_t big = ((size_t)1 << 20) + 10;
    char *text = malloc(big + 32);
    size_t n = (size_t)sprintf(text, "{\"a\":1}\n{\"x\":\"");
    memset(text + n, 'y', big);
    n += big;
    n += (size_t)sprintf(text + n, "\"}\n{\"b\":2}\n");
    src s;
    src_open_n(&s, text, n);
    aeo_facts_reader_set_max_record(s.r, (size_t)1 << 20);
    expect_record(&s, 1, "{\"a\":1}");
    expect_bad(&s, 2, "line 2, column 1: record exceeds 1 MiB");
    expect_record(&s, 3, "{\"b\":2}");
    expect_eof(&s);
    src_close(&s);
    free(text);
}

static void reader_io_error(void **state) {
    (void)state;
    FILE *f = fopen("/", "r");
    if (!f) skip();
    aeo_facts_reader *r = aeo_facts_reader_new(f, "/");
    aeo_facts_item it;
    assert_int_equal(aeo_facts_next(r, &it), AEO_FACTS_IOERR);
    assert_string_equal(it.error, "/: Is a directory");
    assert_int_equal(aeo_facts_next(r, &it), AEO_FACTS_EOF);
    aeo_facts_reader_free(r);
    fclose(f);
}

/* ---- strict syntax ------------------------------------------------------- */

static void syntax_leading_zero(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"violations_12m\": 01}", "line 1, column 20: leading zero in number");
    decode_err(a, "{\"a\": -012}", "line 1, column 7: leading zero in number");
    decode_err(a, "{\"a\": 00}", "line 1, column 7: leading zero in number");
}

static void syntax_number_forms(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\":+1}", "line 1, column 6: '+' sign in number");
    decode_err(a, "{\"a\":.5}", "line 1, column 6: number starts with '.'");
    decode_err(a, "{\"a\":1.}", "line 1, column 8: expected a digit after '.'");
    decode_err(a, "{\"a\":1e}", "line 1, column 8: expected a digit in the exponent");
    decode_err(a, "{\"a\":1e+}", "line 1, column 9: expected a digit in the exponent");
    decode_err(a, "{\"a\":-}", "line 1, column 7: expected a digit after '-'");
    decode_err(a, "{\"a\":0x10}", "line 1, column 7: unexpected 'x'");
    decode_err(a, "{\"a\":1.5.3}", "line 1, column 9: unexpected '.'");
    /* Valid forms pass the syntax check (and fail on the schema). */
    decode_err(a, "{\"a\":[0, -0, 0.5, -1.5e+3, 1E-2, 10e2]}",
               "enterprise.uscc: missing required field");
}

static void syntax_invalid_utf8_overlong(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\":\"\xC0\xAF\"}", "line 1, column 7: invalid UTF-8");
    decode_err(a, "{\"a\":\"ab\xE0\x80\xAF\"}", "line 1, column 9: invalid UTF-8");
    decode_err(a, "{\"a\":\"\xF0\x80\x80\xAF\"}", "line 1, column 7: invalid UTF-8");
    decode_err(a, "{\"a\":\"\xF4\x90\x80\x80\"}", "line 1, column 7: invalid UTF-8");
    decode_err(a, "{\"a\":\"\x80\"}", "line 1, column 7: invalid UTF-8");
    decode_err(a, "{\"a\":\"\xE2\x82\"}", "line 1, column 7: invalid UTF-8");
    decode_err(a, "{\"a\":\"\xFF\"}", "line 1, column 7: invalid UTF-8");
    /* The largest code points of each length are fine. */
    decode_err(a, "{\"a\":\"\x7F\xDF\xBF\xEF\xBF\xBF\xF4\x8F\xBF\xBF\"}",
               "enterprise.uscc: missing required field");
}

static void syntax_invalid_utf8_surrogate(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\":\"\xED\xA0\x80\"}", "line 1, column 7: invalid UTF-8");
    decode_err(a, "{\n\"a\":\"x\xED\xBF\xBF\"}", "line 2, column 7: invalid UTF-8");
    /* U+D7FF and U+E000 border the surrogates and are valid. */
    decode_err(a, "{\"a\":\"\xED\x9F\xBF\xEE\x80\x80\"}",
               "enterprise.uscc: missing required field");
}

static void syntax_lone_surrogate_escape(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\":\"\\uD800\"}", "line 1, column 7: unpaired surrogate \\uD800");
    decode_err(a, "{\"a\":\"x\\udc00\"}", "line 1, column 8: unpaired surrogate \\uDC00");
    decode_err(a, "{\"a\":\"\\ud83dx\"}", "line 1, column 7: unpaired surrogate \\uD83D");
    decode_err(a, "{\"a\":\"\\uD83D\\u0041\"}", "line 1, column 7: unpaired surrogate \\uD83D");
    decode_err(a, "{\"a\":\"\\uD83D\\uD83D\"}", "line 1, column 7: unpaired surrogate \\uD83D");
    decode_err(a, "{\"a\":\"\\uD83D\\uDE00\"}", "enterprise.uscc: missing required field");
}

static void syntax_escapes(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\":\"\\x\"}", "line 1, column 7: invalid escape '\\x'");
    decode_err(a, "{\"a\":\"\\u12G4\"}", "line 1, column 7: invalid \\u escape");
    decode_err(a, "{\"a\":\"x\\u0000\"}", "line 1, column 8: \\u0000 in a string is not supported");
    /* Every valid escape, decoded. */
    aeo_value v = decode_ok(a, "\"extra\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"");
    assert_str_value(slot(v, "extra"), "\"\\/\b\f\n\r\t\xC3\xA9\xF0\x9F\x98\x80");
}

static void syntax_control_char_in_string(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\":\"x\ty\"}", "line 1, column 8: control character U+0009 in string");
    decode_err(a, "{\"a\":\"\x01\"}", "line 1, column 7: control character U+0001 in string");
    /* A raw line break, reported where it is (where the fix goes). */
    decode_err(a, "{\"a\":\n \"x\ny\"}", "line 2, column 4: unescaped line break in string");
    decode_err(a, "{\"a\":\"x\r\n\"}", "line 1, column 8: unescaped line break in string");
}

static void syntax_unterminated_string(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\": \"abc", "line 1, column 7: unterminated string");
    decode_err(a, "{\"a\": \"abc\\", "line 1, column 7: unterminated string");
    decode_err(a, "{\"a\": \"\\u12", "line 1, column 7: unterminated string");
    decode_err(a, "{\"abc", "line 1, column 2: unterminated string");
}

static void syntax_trailing_garbage(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\":1} x", "line 1, column 9: unexpected 'x' after the object");
    decode_err(a, "{\"a\":1}{}", "line 1, column 8: unexpected '{' after the object");
    decode_err(a, "{\"a\":1}\n\n,", "line 3, column 1: unexpected ',' after the object");
    decode_err(a, "  {\"a\":1}  \n\t ", "enterprise.uscc: missing required field");
}

static void syntax_top_level_not_object(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "[1,2]", "line 1, column 1: expected a JSON object");
    decode_err(a, "  \"x\"", "line 1, column 3: expected a JSON object");
    decode_err(a, "\n 12", "line 2, column 2: expected a JSON object");
    decode_err(a, "null", "line 1, column 1: expected a JSON object");
    decode_err(a, "", "line 1, column 1: expected a JSON object");
    decode_err(a, " } ", "line 1, column 2: unexpected '}'");
}

static void syntax_structure(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\" 1}", "line 1, column 6: unexpected '1'");
    decode_err(a, "{\"a\":1,}", "line 1, column 8: unexpected '}'");
    decode_err(a, "{\"a\":1 \"b\":2}", "line 1, column 8: unexpected '\"'");
    decode_err(a, "{a:1}", "line 1, column 2: unexpected 'a'");
    decode_err(a, "{\"a\":[1,]}", "line 1, column 9: unexpected ']'");
    decode_err(a, "{\"a\":1]", "line 1, column 7: unexpected ']'");
    decode_err(a, "{\"a\":1", "line 1, column 7: unexpected end of input");
    decode_err(a, "{\"a\":\xC3\xA9}", "line 1, column 6: unexpected '\xC3\xA9'");
    decode_err(a, "{\"a\":\x01}", "line 1, column 6: unexpected byte 0x01");
    decode_err(a, "{\"a\":tru}", "line 1, column 6: invalid literal");
    decode_err(a, "{\"a\":True}", "line 1, column 6: unexpected 'T'");
    decode_err(a, "{\"a\":nulll}", "line 1, column 10: unexpected 'l'");
}

/* Nesting: the record is depth 1, so "a" may hold 511 arrays but not 512. */
static void syntax_deep_nesting(void **state) {
    aeo_arena *a = *state;
    size_t n = 10000;
    char *s = malloc(n + 16);
    strcpy(s, "{\"a\":");
    memset(s + 5, '[', n);
    s[5 + n] = '\0';
    decode_err(a, s, "line 1, column 517: nesting deeper than 512");
    free(s);

    char *ok = malloc(2048);
    size_t k = (size_t)sprintf(ok, "\"extra\":");
    memset(ok + k, '[', 511);
    memset(ok + k + 511, ']', 511);
    ok[k + 1022] = '\0';
    aeo_value v = decode_ok(a, ok);
    aeo_value e = slot(v, "extra");
    for (int i = 0; i < 510; i++) {
        assert_int_equal(e.kind, AEO_V_LIST);
        assert_int_equal(e.as.l->len, 1);
        e = e.as.l->items[0];
    }
    assert_int_equal(e.kind, AEO_V_LIST);
    assert_int_equal(e.as.l->len, 0);
    free(ok);

    /* Balanced does not help: the 512th '[' is one level too deep. */
    s = malloc(1040);
    strcpy(s, "{\"a\":");
    memset(s + 5, '[', 512);
    memset(s + 517, ']', 512);
    strcpy(s + 1029, "}");
    decode_err(a, s, "line 1, column 517: nesting deeper than 512");
    free(s);
}

/* A syntax error's line is absolute: the record's first line plus the
 * newlines before the error. */
static void syntax_absolute_line(void **state) {
    aeo_arena *a = *state;
    aeo_value v;
    const char *err;
    const char *text = "{\n  \"a\": 1,\n  \"b\": 01\n}";
    assert_false(aeo_facts_decode(a, &enterprise_rt, "enterprise", text, strlen(text), 40,
                                  &v, &err));
    assert_string_equal(err, "line 42, column 8: leading zero in number");
}

/* ---- decoding ------------------------------------------------------------ */

static void decode_full_record(void **state) {
    aeo_arena *a = *state;
    const char *text =
        "{\"uscc\":\"91210100000000001X\",\"credit\":\"advanced\",\"registered_customs\":\"0801\","
        "\"trades_in_liaoning\":true,\"certified_on\":\"2020-03-15\","
        "\"business_types\":[\"import\",\"export\"],\"violations_12m\":2,"
        "\"address\":{\"province\":\"Liaoning\",\"city\":\"Shenyang\",\"zip\":110000},"
        "\"employees\":120,\"revenue\":1.5e6,\"audit_period\":\"1h30m\",\"logo\":\"aGk=\","
        "\"extra\":{\"k\":[1,2.5,\"s\",null,true]},\"ratings\":{\"q1\":5,\"q2\":-3},"
        "\"under_investigation\":false,\"not_in_schema\":{\"x\":[1,2]}}";
    aeo_value v;
    const char *err;
    assert_true(decode(a, text, &v, &err));
    assert_int_equal(v.kind, AEO_V_RECORD);
    assert_ptr_equal(v.as.r->type, &enterprise_rt);
    assert_str_value(slot(v, "uscc"), "91210100000000001X");
    assert_str_value(slot(v, "credit"), "advanced");
    assert_str_value(slot(v, "registered_customs"), "0801");
    assert_int_equal(slot(v, "trades_in_liaoning").kind, AEO_V_BOOL);
    assert_true(slot(v, "trades_in_liaoning").as.b);
    aeo_value ts = slot(v, "certified_on");
    assert_int_equal(ts.kind, AEO_V_TIMESTAMP);
    assert_int_equal(ts.as.i, 1584230400);
    assert_int_equal(ts.nanos, 0);
    aeo_value bt = slot(v, "business_types");
    assert_int_equal(bt.kind, AEO_V_LIST);
    assert_int_equal(bt.as.l->len, 2);
    assert_str_value(bt.as.l->items[0], "import");
    assert_str_value(bt.as.l->items[1], "export");
    assert_int_equal(slot(v, "violations_12m").kind, AEO_V_INT);
    assert_int_equal(slot(v, "violations_12m").as.i, 2);
    aeo_value addr = slot(v, "address");
    assert_int_equal(addr.kind, AEO_V_RECORD);
    assert_ptr_equal(addr.as.r->type, &address_rt);
    assert_str_value(addr.as.r->slots[1], "Liaoning");   /* province is slot 1 */
    assert_str_value(addr.as.r->slots[0], "Shenyang");   /* city is slot 0 */
    assert_int_equal(slot(v, "employees").kind, AEO_V_UINT);
    assert_int_equal(slot(v, "employees").as.u, 120);
    assert_int_equal(slot(v, "revenue").kind, AEO_V_DOUBLE);
    assert_true(slot(v, "revenue").as.d == 1500000.0);
    aeo_value dur = slot(v, "audit_period");
    assert_int_equal(dur.kind, AEO_V_DURATION);
    assert_int_equal(dur.as.i, 5400);
    assert_int_equal(dur.nanos, 0);
    aeo_value logo = slot(v, "logo");
    assert_int_equal(logo.kind, AEO_V_BYTES);
    assert_int_equal(logo.as.s->len, 2);
    assert_memory_equal(logo.as.s->data, "hi", 2);
    aeo_value k = map_get(a, slot(v, "extra"), "k");
    assert_int_equal(k.kind, AEO_V_LIST);
    assert_int_equal(k.as.l->len, 5);
    assert_int_equal(k.as.l->items[0].kind, AEO_V_INT);
    assert_int_equal(k.as.l->items[0].as.i, 1);
    assert_int_equal(k.as.l->items[1].kind, AEO_V_DOUBLE);
    assert_true(k.as.l->items[1].as.d == 2.5);
    assert_str_value(k.as.l->items[2], "s");
    assert_int_equal(k.as.l->items[3].kind, AEO_V_NULL);
    assert_int_equal(k.as.l->items[4].kind, AEO_V_BOOL);
    assert_true(k.as.l->items[4].as.b);
    aeo_value ratings = slot(v, "ratings");
    assert_int_equal(ratings.as.m->len, 2);
    assert_int_equal(map_get(a, ratings, "q1").kind, AEO_V_INT);
    assert_int_equal(map_get(a, ratings, "q1").as.i, 5);
    assert_int_equal(map_get(a, ratings, "q2").as.i, -3);
    assert_int_equal(slot(v, "under_investigation").kind, AEO_V_BOOL);
    assert_false(slot(v, "under_investigation").as.b);
}

static void decode_minimal_absent(void **state) {
    aeo_arena *a = *state;
    aeo_value v = decode_ok(a, NULL);
    const char *optional[] = {"certified_on", "address", "employees", "revenue", "audit_period",
                              "logo", "extra", "ratings", "under_investigation"};
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
        assert_int_equal(slot(v, optional[i]).kind, AEO_V_ABSENT);
    assert_str_value(slot(v, "uscc"), "U1");
    assert_int_equal(slot(v, "violations_12m").as.i, 0);
}

static void decode_null_optional_is_absent(void **state) {
    aeo_arena *a = *state;
    aeo_value v = decode_ok(a, "\"certified_on\":null,\"address\":null,\"extra\":null");
    assert_int_equal(slot(v, "certified_on").kind, AEO_V_ABSENT);
    assert_int_equal(slot(v, "address").kind, AEO_V_ABSENT);
    assert_int_equal(slot(v, "extra").kind, AEO_V_ABSENT);
}

static void decode_missing_required(void **state) {
    aeo_arena *a = *state;
    field_err(a, "credit", NULL, "enterprise.credit: missing required field");
    field_err(a, "violations_12m", NULL, "enterprise.violations_12m: missing required field");
    decode_err(a, "{}", "enterprise.uscc: missing required field");
}

static void decode_null_required(void **state) {
    aeo_arena *a = *state;
    field_err(a, "uscc", "\"uscc\":null", "enterprise.uscc: required field is null");
    field_err(a, "business_types", "\"business_types\":null",
              "enterprise.business_types: required field is null");
}

static void decode_unknown_fields_ignored(void **state) {
    aeo_arena *a = *state;
    aeo_value v = decode_ok(a, "\"zzz\":{\"deep\":[1,2,{\"x\":null}]},\"Uscc\":5,"
                               "\"dup\":1,\"dup\":\"twice\",\"n\":1e400");
    assert_str_value(slot(v, "uscc"), "U1");
}

static void decode_duplicate_key(void **state) {
    aeo_arena *a = *state;
    field_err(a, NULL, "\"uscc\":\"U2\"", "enterprise.uscc: duplicate key");
    field_err(a, NULL, "\"address\":{\"province\":\"L\",\"city\":\"S\",\"city\":\"T\"}",
              "enterprise.address.city: duplicate key");
    field_err(a, NULL, "\"ratings\":{\"q\":1,\"q\":2}", "enterprise.ratings[\"q\"]: duplicate key");
    field_err(a, NULL, "\"extra\":[{\"k\":1,\"k\":1}]", "enterprise.extra[0][\"k\"]: duplicate key");
}

static void decode_enum_miss(void **state) {
    aeo_arena *a = *state;
    field_err(a, "credit", "\"credit\":\"gold\"",
              "enterprise.credit: \"gold\" is not one of \"advanced\", \"general\", "
              "\"standard\", \"dishonest\"");
    field_err(a, "credit", "\"credit\":\"Advanced\"",
              "enterprise.credit: \"Advanced\" is not one of \"advanced\", \"general\", "
              "\"standard\", \"dishonest\"");
    /* Long values are cut in the message. */
    char extra[160];
    snprintf(extra, sizeof extra, "\"credit\":\"%s\"",
             "0123456789012345678901234567890123456789012345678901234567890123456789");
    field_err(a, "credit", extra,
              "enterprise.credit: \"012345678901234567890123456789012345678901234567890123456789\""
              "... is not one of \"advanced\", \"general\", \"standard\", \"dishonest\"");
    aeo_value v = decode_ok(a, NULL);
    assert_str_value(slot(v, "credit"), "advanced");
}

static void decode_type_mismatch(void **state) {
    aeo_arena *a = *state;
    field_err(a, "uscc", "\"uscc\":12", "enterprise.uscc: expected string, got number");
    field_err(a, "credit", "\"credit\":5", "enterprise.credit: expected string, got number");
    field_err(a, "trades_in_liaoning", "\"trades_in_liaoning\":\"yes\"",
              "enterprise.trades_in_liaoning: expected bool, got string");
    field_err(a, "business_types", "\"business_types\":\"import\"",
              "enterprise.business_types: expected list<string>, got string");
    field_err(a, "violations_12m", "\"violations_12m\":true",
              "enterprise.violations_12m: expected int, got bool");
    field_err(a, NULL, "\"address\":[]", "enterprise.address: expected Address, got array");
    field_err(a, NULL, "\"ratings\":[]",
              "enterprise.ratings: expected map<string, int>, got array");
    field_err(a, NULL, "\"revenue\":\"3\"", "enterprise.revenue: expected double, got string");
    field_err(a, NULL, "\"logo\":{}", "enterprise.logo: expected bytes, got object");
    field_err(a, NULL, "\"audit_period\":60",
              "enterprise.audit_period: expected duration, got number");
}

static void decode_nested_record_path(void **state) {
    aeo_arena *a = *state;
    field_err(a, NULL, "\"address\":{\"province\":\"Liaoning\"}",
              "enterprise.address.city: missing required field");
    field_err(a, NULL, "\"address\":{\"province\":\"Liaoning\",\"city\":5}",
              "enterprise.address.city: expected string, got number");
    field_err(a, NULL, "\"address\":{\"province\":null,\"city\":\"S\"}",
              "enterprise.address.province: required field is null");
}

static void decode_list_element_path(void **state) {
    aeo_arena *a = *state;
    field_err(a, "business_types", "\"business_types\":[\"a\",\"b\",3]",
              "enterprise.business_types[2]: expected string, got number");
    field_err(a, "business_types", "\"business_types\":[\"a\",null]",
              "enterprise.business_types[1]: expected string, got null");
    aeo_value v = decode_ok(a, NULL);
    assert_int_equal(slot(v, "business_types").as.l->len, 1);
    v = decode_ok(a, "\"ratings\":{}");
    assert_int_equal(slot(v, "ratings").as.m->len, 0);
}

/* int fields: exact integers within ±2^53. */
static void decode_int_2p53_boundary(void **state) {
    aeo_arena *a = *state;
    aeo_value v;
    const char *err;
    const char *ok = "{\"uscc\":\"U\",\"credit\":\"general\",\"registered_customs\":\"1\","
                     "\"trades_in_liaoning\":false,\"business_types\":[],"
                     "\"violations_12m\":9007199254740991}";
    assert_true(decode(a, ok, &v, &err));
    assert_int_equal(slot(v, "violations_12m").kind, AEO_V_INT);
    assert_int_equal(slot(v, "violations_12m").as.i, INT64_C(9007199254740991));
    const char *neg = "{\"uscc\":\"U\",\"credit\":\"general\",\"registered_customs\":\"1\","
                      "\"trades_in_liaoning\":false,\"business_types\":[],"
                      "\"violations_12m\":-9007199254740991}";
    assert_true(decode(a, neg, &v, &err));
    assert_int_equal(slot(v, "violations_12m").as.i, -INT64_C(9007199254740991));
}

static void decode_int_beyond_2p53(void **state) {
    aeo_arena *a = *state;
    /* 2^53 itself is exact, and accepted when written so; 2^53+1 reads as
     * the same double and is refused.  The message quotes the number as
     * written, not as rounded. */
    aeo_value x;
    const char *e2;
    assert_true(decode(a, rec_json(a, "violations_12m", "\"violations_12m\":9007199254740992"), &x, &e2));
    assert_int_equal(slot(x, "violations_12m").as.i, INT64_C(9007199254740992));
    assert_true(decode(a, rec_json(a, "violations_12m", "\"violations_12m\":-9007199254740992"), &x, &e2));
    assert_int_equal(slot(x, "violations_12m").as.i, -INT64_C(9007199254740992));
    field_err(a, "violations_12m", "\"violations_12m\":9007199254740993",
              "enterprise.violations_12m: 9007199254740993 is beyond ±2^53, where JSON "
              "numbers stop being exact");
    field_err(a, "violations_12m", "\"violations_12m\":-9007199254740994",
              "enterprise.violations_12m: -9007199254740994 is beyond ±2^53, where JSON "
              "numbers stop being exact");
    aeo_value v = decode_ok(a, "\"extra\":{\"n\":-9007199254740991}");
    aeo_value n = map_get(a, slot(v, "extra"), "n");
    assert_int_equal(n.kind, AEO_V_INT);
    assert_int_equal(n.as.i, -INT64_C(9007199254740991));
}

static void decode_int_fraction(void **state) {
    aeo_arena *a = *state;
    field_err(a, "violations_12m", "\"violations_12m\":1.5",
              "enterprise.violations_12m: 1.5 is not an integer");
    field_err(a, "violations_12m", "\"violations_12m\":-2.50",
              "enterprise.violations_12m: -2.50 is not an integer");
    field_err(a, NULL, "\"ratings\":{\"q1\":1,\"q2\":0.1}",
              "enterprise.ratings[\"q2\"]: 0.1 is not an integer");
}

/* 1.0 and 1e2 in an int field: cJSON keeps only the double, whose value is
 * an exact integer, so they are accepted (documented in facts.h). */
static void decode_int_integral_double_accepted(void **state) {
    aeo_arena *a = *state;
    aeo_value v;
    const char *err;
    const char *text = "{\"uscc\":\"U\",\"credit\":\"general\",\"registered_customs\":\"1\","
                       "\"trades_in_liaoning\":false,\"business_types\":[],"
                       "\"violations_12m\":1.0,\"employees\":1e2}";
    assert_true(decode(a, text, &v, &err));
    assert_int_equal(slot(v, "violations_12m").kind, AEO_V_INT);
    assert_int_equal(slot(v, "violations_12m").as.i, 1);
    assert_int_equal(slot(v, "employees").kind, AEO_V_UINT);
    assert_int_equal(slot(v, "employees").as.u, 100);
    v = decode_ok(a, "\"under_investigation\":true,\"revenue\":-0");
    assert_true(slot(v, "revenue").as.d == 0.0);
}

static void decode_huge_numbers(void **state) {
    aeo_arena *a = *state;
    field_err(a, "violations_12m", "\"violations_12m\":1e400",
              "enterprise.violations_12m: 1e400 is beyond ±2^53, where JSON numbers stop "
              "being exact");
    field_err(a, NULL, "\"revenue\":1e400", "enterprise.revenue: 1e400 is out of range for a double");
    field_err(a, NULL, "\"revenue\":-1e400",
              "enterprise.revenue: -1e400 is out of range for a double");
    field_err(a, NULL, "\"extra\":[1,1e999]", "enterprise.extra[1]: 1e999 is out of range for a double");
    /* A long number is quoted cut short. */
    char extra[600];
    char digits[401];
    memset(digits, '9', 400);
    digits[400] = '\0';
    snprintf(extra, sizeof extra, "\"violations_12m\":%s", digits);
    field_err(a, "violations_12m", extra,
              "enterprise.violations_12m: 9999999999999999999999999999999999999999... is "
              "beyond ±2^53, where JSON numbers stop being exact");
    /* Beyond 63 characters, a double is still read exactly as strtod would. */
    char big[100];
    strcpy(big, "\"revenue\":1");
    memset(big + 11, '0', 69);
    big[80] = '\0';
    aeo_value v = decode_ok(a, big);
    assert_true(slot(v, "revenue").as.d == 1e69);
}

static void decode_uint(void **state) {
    aeo_arena *a = *state;
    field_err(a, NULL, "\"employees\":-1", "enterprise.employees: -1 is negative, expected uint");
    field_err(a, NULL, "\"employees\":0.5", "enterprise.employees: 0.5 is not an integer");
    aeo_value v = decode_ok(a, "\"employees\":9007199254740991");
    assert_int_equal(slot(v, "employees").kind, AEO_V_UINT);
    assert_int_equal(slot(v, "employees").as.u, UINT64_C(9007199254740991));
    v = decode_ok(a, "\"employees\":-0");
    assert_int_equal(slot(v, "employees").as.u, 0);
}

static void decode_double(void **state) {
    aeo_arena *a = *state;
    aeo_value v = decode_ok(a, "\"revenue\":3");
    assert_int_equal(slot(v, "revenue").kind, AEO_V_DOUBLE);
    assert_true(slot(v, "revenue").as.d == 3.0);
    v = decode_ok(a, "\"revenue\":-2.5e-3");
    assert_true(slot(v, "revenue").as.d == -0.0025);
}

static void decode_timestamp_forms(void **state) {
    aeo_arena *a = *state;
    aeo_value v = decode_ok(a, "\"certified_on\":\"2021-04-21\"");
    assert_int_equal(slot(v, "certified_on").kind, AEO_V_TIMESTAMP);
    assert_int_equal(slot(v, "certified_on").as.i, 1618963200);
    assert_int_equal(slot(v, "certified_on").nanos, 0);
    v = decode_ok(a, "\"certified_on\":\"2021-04-21T08:30:00+08:00\"");
    assert_int_equal(slot(v, "certified_on").as.i, 1618965000);
    v = decode_ok(a, "\"certified_on\":\"2021-04-21T00:00:00.5Z\"");
    assert_int_equal(slot(v, "certified_on").as.i, 1618963200);
    assert_int_equal(slot(v, "certified_on").nanos, 500000000);
}

static void decode_timestamp_bad(void **state) {
    aeo_arena *a = *state;
    field_err(a, NULL, "\"certified_on\":\"2021-13-01\"",
              "enterprise.certified_on: \"2021-13-01\" is not a date (YYYY-MM-DD) or an RFC "
              "3339 timestamp");
    field_err(a, NULL, "\"certified_on\":\"2021-02-30\"",
              "enterprise.certified_on: \"2021-02-30\" is not a date (YYYY-MM-DD) or an RFC "
              "3339 timestamp");
    field_err(a, NULL, "\"certified_on\":\"yesterday\"",
              "enterprise.certified_on: \"yesterday\" is not a date (YYYY-MM-DD) or an RFC "
              "3339 timestamp");
    field_err(a, NULL, "\"certified_on\":\"2021-04-21T25:00:00Z\"",
              "enterprise.certified_on: \"2021-04-21T25:00:00Z\" is not a date (YYYY-MM-DD) "
              "or an RFC 3339 timestamp");
    field_err(a, NULL, "\"certified_on\":20210421",
              "enterprise.certified_on: expected timestamp, got number");
}

static void decode_duration(void **state) {
    aeo_arena *a = *state;
    aeo_value v = decode_ok(a, "\"audit_period\":\"-1.5s\"");
    assert_int_equal(slot(v, "audit_period").kind, AEO_V_DURATION);
    assert_int_equal(slot(v, "audit_period").as.i, -1);
    assert_int_equal(slot(v, "audit_period").nanos, -500000000);
    field_err(a, NULL, "\"audit_period\":\"5x\"",
              "enterprise.audit_period: \"5x\" is not a duration (such as \"1h30m\" or \"90s\")");
}

static void decode_bytes(void **state) {
    aeo_arena *a = *state;
    aeo_value v = decode_ok(a, "\"logo\":\"aGVsbG8=\"");
    assert_int_equal(slot(v, "logo").as.s->len, 5);
    assert_memory_equal(slot(v, "logo").as.s->data, "hello", 5);
    v = decode_ok(a, "\"logo\":\"aGk\"");
    assert_int_equal(slot(v, "logo").as.s->len, 2);
    assert_memory_equal(slot(v, "logo").as.s->data, "hi", 2);
    v = decode_ok(a, "\"logo\":\"\"");
    assert_int_equal(slot(v, "logo").kind, AEO_V_BYTES);
    assert_int_equal(slot(v, "logo").as.s->len, 0);
    field_err(a, NULL, "\"logo\":\"a\"", "enterprise.logo: \"a\" is not base64");
    field_err(a, NULL, "\"logo\":\"a!==\"", "enterprise.logo: \"a!==\" is not base64");
}

static void decode_dyn(void **state) {
    aeo_arena *a = *state;
    aeo_value v = decode_ok(a, "\"extra\":[9007199254740992,1.0,2.5,\"\\n\",{}]");
    aeo_value l = slot(v, "extra");
    assert_int_equal(l.kind, AEO_V_LIST);
    assert_int_equal(l.as.l->len, 5);
    assert_int_equal(l.as.l->items[0].kind, AEO_V_DOUBLE);
    assert_true(l.as.l->items[0].as.d == 9007199254740992.0);
    assert_int_equal(l.as.l->items[1].kind, AEO_V_INT);
    assert_int_equal(l.as.l->items[1].as.i, 1);
    assert_int_equal(l.as.l->items[2].kind, AEO_V_DOUBLE);
    assert_str_value(l.as.l->items[3], "\n");
    assert_int_equal(l.as.l->items[4].kind, AEO_V_MAP);
    assert_int_equal(l.as.l->items[4].as.m->len, 0);
    v = decode_ok(a, "\"extra\":\"text\"");
    assert_str_value(slot(v, "extra"), "text");
}

/* The reader's items decode with their own line numbers. */
static void decode_reader_items(void **state) {
    aeo_arena *a = *state;
    src s;
    char *text = aeo_arena_printf(a, "%s\n\n{\"uscc\":1}\n%s\n", rec_json(a, NULL, NULL),
                                  rec_json(a, "uscc", "\"uscc\":\"X\""));
    src_open(&s, text);
    aeo_value v;
    const char *err;
    assert_int_equal(nx(&s), AEO_FACTS_RECORD);
    assert_true(aeo_facts_decode(a, &enterprise_rt, "enterprise", s.it.text, s.it.len,
                                 s.it.line, &v, &err));
    assert_int_equal(nx(&s), AEO_FACTS_RECORD);
    assert_int_equal(s.it.line, 3);
    assert_false(aeo_facts_decode(a, &enterprise_rt, "enterprise", s.it.text, s.it.len,
                                  s.it.line, &v, &err));
    assert_string_equal(err, "enterprise.uscc: expected string, got number");
    assert_int_equal(nx(&s), AEO_FACTS_RECORD);
    assert_true(aeo_facts_decode(a, &enterprise_rt, "enterprise", s.it.text, s.it.len,
                                 s.it.line, &v, &err));
    assert_str_value(slot(v, "uscc"), "X");
    expect_eof(&s);
    src_close(&s);
}

/* ---- the simdjson fast path and the careful path --------------------------- */

/* [extra] padded with an ignored member "pad" so that the record is exactly
 * [len] bytes long. */
static const char *rec_of_len(aeo_arena *a, const char *extra, size_t len) {
    const char *base = rec_json(a, NULL, extra);
    size_t n = strlen(base) + strlen(",\"pad\":\"\"");
    assert_true(len >= n);
    char *pad = aeo_arena_alloc(a, len - n + 16);
    memset(pad, 'y', len - n);
    pad[len - n] = '\0';
    char *ex = aeo_arena_printf(a, "%s%s\"pad\":\"%s\"", extra ? extra : "", extra ? "," : "", pad);
    const char *r = rec_json(a, NULL, ex);
    assert_int_equal(strlen(r), len);
    return r;
}

static const char *const full_extra =
    "\"certified_on\":\"2020-01-02\",\"address\":{\"city\":\"Shenyang\",\"province\":\"Liaoning\"},"
    "\"employees\":12,\"revenue\":1.5e6,\"audit_period\":\"90s\",\"logo\":\"aGk=\","
    "\"extra\":{\"n\":[1,2.5,-3,9007199254740993,\"\\u00e9\\ud83d\\ude00\",null,true]},"
    "\"ratings\":{\"q\":4},\"under_investigation\":false";

/* The same record decoded by simdjson (AEO_SJ_MAX_TEXT bytes, the longest
 * it parses) and by the careful path (one byte more): the same values. */
static void sj_fast_and_careful_agree(void **state) {
    aeo_arena *a = *state;
    aeo_value v[2];
    const char *err;
    for (int k = 0; k < 2; k++) {
        const char *t = rec_of_len(a, full_extra, AEO_SJ_MAX_TEXT + (size_t)k);
        if (!decode(a, t, &v[k], &err)) fail_msg("unexpected error: %s", err);
    }
    for (int k = 0; k < 2; k++) {
        assert_str_value(slot(v[k], "uscc"), "U1");
        assert_str_value(slot(v[k], "credit"), "advanced");
        assert_int_equal(slot(v[k], "violations_12m").kind, AEO_V_INT);
        assert_int_equal(slot(v[k], "employees").as.u, 12);
        assert_true(slot(v[k], "revenue").as.d == 1.5e6);
        assert_int_equal(slot(v[k], "certified_on").as.i, 1577923200);
        assert_int_equal(slot(v[k], "audit_period").as.i, 90);
        assert_int_equal(slot(v[k], "logo").as.s->len, 2);
        aeo_value addr = slot(v[k], "address");
        assert_string_equal(addr.as.r->path, "enterprise.address");
        assert_str_value(slot(addr, "city"), "Shenyang");
        aeo_value n = map_get(a, slot(v[k], "extra"), "n");
        assert_int_equal(n.as.l->len, 7);
        assert_int_equal(n.as.l->items[0].kind, AEO_V_INT);
        assert_int_equal(n.as.l->items[1].kind, AEO_V_DOUBLE);
        assert_int_equal(n.as.l->items[2].as.i, -3);
        assert_int_equal(n.as.l->items[3].kind, AEO_V_DOUBLE);   /* beyond 2^53-1 */
        assert_true(n.as.l->items[3].as.d == 9007199254740992.0);
        assert_str_value(n.as.l->items[4], "\xc3\xa9\xf0\x9f\x98\x80");
        assert_int_equal(n.as.l->items[5].kind, AEO_V_NULL);
        assert_int_equal(map_get(a, slot(v[k], "ratings"), "q").as.i, 4);
    }
    /* A bad record gets the same message whichever path first saw it. */
    for (int k = 0; k < 2; k++) {
        decode_err(a, rec_of_len(a, "\"employees\":-1", AEO_SJ_MAX_TEXT + (size_t)k),
                   "enterprise.employees: -1 is negative, expected uint");
        decode_err(a, rec_of_len(a, "\"violations_12m\":1", AEO_SJ_MAX_TEXT + (size_t)k),
                   "enterprise.violations_12m: duplicate key");
    }
}

/* A length that claims 4 GiB or more is refused before a byte is read
 * (simdjson's documents stop below 4 GiB; aeo's fast path at 256 KiB). */
static void sj_length_claim_4gib(void **state) {
    (void)state;
    aeo_sj_doc doc;
    char small[8] = "{}";
    assert_int_equal(aeo_sj_parse(small, (size_t)4 << 30, &doc), AEO_SJ_UNAVAILABLE);
    assert_int_equal(aeo_sj_parse(small, ((size_t)4 << 30) + 2, &doc), AEO_SJ_UNAVAILABLE);
    assert_int_equal(aeo_sj_parse(small, AEO_SJ_MAX_TEXT + 1, &doc), AEO_SJ_UNAVAILABLE);
    assert_int_equal(aeo_sj_parse(small, 2, &doc), AEO_SJ_OK);
    assert_int_equal(aeo_sj_parse("{} x", 4, &doc), AEO_SJ_REFUSED);
    /* A reader cap of 4 GiB and more holds (no 32-bit length anywhere). */
    src s;
    src_open(&s, "{\"a\":1}\n");
    aeo_facts_reader_set_max_record(s.r, ((size_t)4 << 30) + 1);
    expect_record(&s, 1, "{\"a\":1}");
    expect_eof(&s);
    src_close(&s);
}

/* What simdjson reads differently from strtod, or refuses while JSON
 * allows it, comes out as the careful path says. */
static void sj_numbers(void **state) {
    aeo_arena *a = *state;
    /* -0 in a double field keeps its sign (simdjson reads the int 0). */
    aeo_value v = decode_ok(a, "\"revenue\":-0");
    assert_int_equal(v.as.r->slots[9].kind, AEO_V_DOUBLE);
    assert_true(signbit(v.as.r->slots[9].as.d));
    v = decode_ok(a, "\"revenue\":0");
    assert_false(signbit(v.as.r->slots[9].as.d));
    v = decode_ok(a, "\"revenue\":0,\"uscc2\":\"a,-0 b\"");
    assert_false(signbit(v.as.r->slots[9].as.d));
    v = decode_ok(a, "\"extra\":-0");
    assert_int_equal(v.as.r->slots[12].kind, AEO_V_INT);
    /* Beyond 64 bits, or a double's range, in a field the schema ignores:
     * valid JSON, so a good record. */
    decode_ok(a, "\"unknown\":123456789012345678901234567890");
    decode_ok(a, "\"unknown\":[1e400,-1e999]");
    v = decode_ok(a, "\"extra\":18446744073709551616");
    assert_int_equal(v.as.r->slots[12].kind, AEO_V_DOUBLE);
    assert_true(v.as.r->slots[12].as.d == 18446744073709551616.0);
    /* The integer edges, read exactly by simdjson. */
    const char *err;
    assert_true(decode(a, rec_json(a, "violations_12m", "\"violations_12m\":-9007199254740992"), &v, &err));
    assert_int_equal(v.as.r->slots[6].as.i, -INT64_C(9007199254740992));
    field_err(a, "violations_12m", "\"violations_12m\":-9007199254740993",
              "enterprise.violations_12m: -9007199254740993 is beyond ±2^53, where JSON numbers stop"
              " being exact");
    field_err(a, NULL, "\"employees\":18446744073709551615",
              "enterprise.employees: 18446744073709551615 is beyond ±2^53, where JSON numbers stop"
              " being exact");
    v = decode_ok(a, "\"employees\":9007199254740992");
    assert_int_equal(v.as.r->slots[8].as.u, UINT64_C(9007199254740992));
    field_err(a, NULL, "\"employees\":9007199254740992.0",
              "enterprise.employees: 9007199254740992.0 is beyond ±2^53, where JSON numbers stop"
              " being exact");
    (void)v;
}

/* \u0000 is valid JSON that aeo refuses (simdjson takes it); an escaped
 * backslash before "u0000" is an ordinary string. */
static void sj_nul_escapes(void **state) {
    aeo_arena *a = *state;
    decode_err(a, "{\"a\":\"\\u0000\"}", "line 1, column 7: \\u0000 in a string is not supported");
    decode_err(a, "{\"\\u0000\":1}", "line 1, column 3: \\u0000 in a string is not supported");
    aeo_value v = decode_ok(a, "\"extra\":\"\\\\u0000\"");
    assert_str_value(v.as.r->slots[12], "\\u0000");
}

/* JSON Lines records around the reader's 256 KiB blocks: one that ends at
 * a block's last byte (its newline the first byte of the next), lines that
 * straddle two blocks, and a last record that ends the input without a
 * newline; each is read whole and decodes (simdjson gets its own padded
 * copy: no record's bytes are read past its end). */
static void sj_records_around_blocks(void **state) {
    aeo_arena *a = *state;
    const size_t block = (size_t)256 * 1024;
    size_t cap = 3 * block + 4096, n = 0;
    char *text = malloc(cap);
    size_t lens[] = {block, 1000, block - 2000, 5000, 300};
    size_t k = sizeof lens / sizeof *lens;
    for (size_t i = 0; i < k; i++) {
        char ex[32];
        snprintf(ex, sizeof ex, "\"employees\":%zu", i);
        const char *r = rec_of_len(a, ex, lens[i]);
        memcpy(text + n, r, lens[i]);
        n += lens[i];
        if (i + 1 < k) text[n++] = '\n';
    }
    src s;
    src_open_n(&s, text, n);
    for (size_t i = 0; i < k; i++) {
        aeo_value v;
        const char *err;
        assert_int_equal(nx(&s), AEO_FACTS_RECORD);
        assert_int_equal(s.it.len, lens[i]);
        assert_int_equal(s.it.line, i + 1);
        if (!aeo_facts_decode(a, &enterprise_rt, "enterprise", s.it.text, s.it.len, s.it.line, &v,
                              &err))
            fail_msg("record %zu: %s", i, err);
        assert_int_equal(v.as.r->slots[8].as.u, i);
    }
    expect_eof(&s);
    src_close(&s);
    /* The first record exactly at the reader's cap, the next one byte over
     * it: the cap is inclusive. */
    n = 0;
    for (size_t i = 0; i < 2; i++) {
        const char *r = rec_of_len(a, NULL, 4096 + i);
        memcpy(text + n, r, 4096 + i);
        n += 4096 + i;
        text[n++] = '\n';
    }
    src_open_n(&s, text, n);
    aeo_facts_reader_set_max_record(s.r, 4096);
    assert_int_equal(nx(&s), AEO_FACTS_RECORD);
    assert_int_equal(s.it.len, 4096);
    expect_bad(&s, 2, "line 2, column 1: record exceeds 4096 bytes");
    expect_eof(&s);
    src_close(&s);
    free(text);
}

/* ---- from_value ---------------------------------------------------------- */

static void put_kv(aeo_arena *a, aeo_value m, const char *key, aeo_value val) {
    assert_true(aeo_map_put(a, m.as.m, aeo_cstring(a, key), val));
}

/* A map literal with the required fields, as a test block would write it. */
static aeo_value base_map(aeo_arena *a, const char *skip) {
    aeo_value m = aeo_map_new(a, 8);
    aeo_value bt = aeo_list_new(a, 1);
    aeo_list_push(a, bt.as.l, aeo_cstring(a, "import"));
    if (!skip || strcmp(skip, "uscc")) put_kv(a, m, "uscc", aeo_cstring(a, "U1"));
    if (!skip || strcmp(skip, "credit")) put_kv(a, m, "credit", aeo_cstring(a, "general"));
    if (!skip || strcmp(skip, "registered_customs"))
        put_kv(a, m, "registered_customs", aeo_cstring(a, "0801"));
    if (!skip || strcmp(skip, "trades_in_liaoning"))
        put_kv(a, m, "trades_in_liaoning", aeo_bool(false));
    if (!skip || strcmp(skip, "business_types")) put_kv(a, m, "business_types", bt);
    if (!skip || strcmp(skip, "violations_12m")) put_kv(a, m, "violations_12m", aeo_int(3));
    return m;
}

static void from_value_err(aeo_arena *a, aeo_value m, const char *msg) {
    aeo_value v;
    const char *err = NULL;
    assert_false(aeo_facts_from_value(a, &enterprise_rt, "enterprise", m, &v, &err));
    assert_non_null(err);
    assert_string_equal(err, msg);
}

static aeo_value from_value_ok(aeo_arena *a, aeo_value m) {
    aeo_value v;
    const char *err = NULL;
    if (!aeo_facts_from_value(a, &enterprise_rt, "enterprise", m, &v, &err))
        fail_msg("unexpected error: %s", err);
    assert_int_equal(v.kind, AEO_V_RECORD);
    return v;
}

/* ---- aeo_facts_check_value: the checker's static check ---------------- */

typedef struct seen {
    char text[8][160];   /* "KIND path: msg [steps]" per problem */
    int n;
} seen;

static void record_problem(void *ud, const aeo_facts_problem *p) {
    seen *s = ud;
    if (s->n == 8) fail_msg("too many problems");
    char steps[64] = "";
    size_t o = 0;
    for (uint32_t i = 0; i < p->n_steps; i++) {
        const aeo_facts_step *st = &p->steps[i];
        if (st->kind == AEO_FACTS_STEP_INDEX) o += (size_t)snprintf(steps + o, sizeof steps - o, "/%zu", st->index);
        else o += (size_t)snprintf(steps + o, sizeof steps - o, "/%c%.*s", st->kind == AEO_FACTS_STEP_KEY ? 'k' : 'f',
                                   (int)st->len, st->name);
    }
    snprintf(s->text[s->n++], sizeof s->text[0], "%d %s: %s %s", (int)p->kind, p->path, p->msg, steps);
}

/* Every problem is reported (not only the first), with a path the checker
 * can follow back to the literal; an UNKNOWN placeholder fits any type. */
static void check_value_reports_all(void **state) {
    aeo_arena *a = *state;
    aeo_type rt = {.kind = AEO_T_RECORD, .rec = &enterprise_rt};
    aeo_value m = base_map(a, "uscc");
    put_kv(a, m, "employees", aeo_int(-2));
    put_kv(a, m, "revenue", aeo_unknown_new(a, "x"));           /* a placeholder: fits */
    aeo_value r = aeo_map_new(a, 2);
    put_kv(a, r, "a", aeo_int(1));
    put_kv(a, r, "b", aeo_cstring(a, "two"));
    put_kv(a, m, "ratings", r);
    seen s = {.n = 0};
    assert_false(aeo_facts_check_value(a, &rt, "enterprise", m, record_problem, &s, NULL));
    assert_int_equal(s.n, 3);
    assert_string_equal(s.text[0], "2 enterprise.uscc: missing required field /fuscc");
    assert_string_equal(s.text[1], "0 enterprise.employees: -2 is negative, expected uint /femployees");
    assert_string_equal(s.text[2], "0 enterprise.ratings[\"b\"]: expected int, got string /fratings/kb");
    /* The placeholder is accepted only here: the decoder proper refuses it. */
    aeo_value ok = base_map(a, NULL);
    put_kv(a, ok, "revenue", aeo_unknown_new(a, "x"));
    s.n = 0;
    assert_true(aeo_facts_check_value(a, &rt, "enterprise", ok, record_problem, &s, NULL));
    assert_int_equal(s.n, 0);
    from_value_err(a, ok, "enterprise.revenue: expected double, got unknown");
}

/* An enum miss is its own kind (the checker words it with a suggestion),
 * and a key that is not a string turns off the missing-field check. */
static void check_value_enum_and_unknown_keys(void **state) {
    aeo_arena *a = *state;
    aeo_type rt = {.kind = AEO_T_RECORD, .rec = &enterprise_rt};
    aeo_value m = base_map(a, "credit");
    put_kv(a, m, "credit", aeo_cstring(a, "gold"));
    seen s = {.n = 0};
    assert_false(aeo_facts_check_value(a, &rt, "enterprise", m, record_problem, &s, NULL));
    assert_int_equal(s.n, 1);
    assert_string_equal(s.text[0], "1 enterprise.credit: \"gold\" is not one of \"advanced\", \"general\", \"standard\", \"dishonest\" /fcredit");
    aeo_value k = aeo_map_new(a, 2);
    assert_true(aeo_map_put(a, k.as.m, aeo_unknown_new(a, "k"), aeo_cstring(a, "U1")));
    s.n = 0;
    assert_true(aeo_facts_check_value(a, &rt, "enterprise", k, record_problem, &s, NULL));
    assert_int_equal(s.n, 0);
    /* A field default: converted by the same rules, and the value returned. */
    aeo_value out;
    s.n = 0;
    assert_true(aeo_facts_check_value(a, &aeo_type_double, "enterprise.revenue", aeo_int(2), record_problem, &s, &out));
    assert_int_equal(out.kind, AEO_V_DOUBLE);
    assert_true(out.as.d == 2.0);
}

static void from_value_conversions(void **state) {
    aeo_arena *a = *state;
    aeo_value m = base_map(a, NULL);
    put_kv(a, m, "certified_on", aeo_cstring(a, "2021-04-21"));
    aeo_value addr = aeo_map_new(a, 2);
    put_kv(a, addr, "city", aeo_cstring(a, "Shenyang"));
    put_kv(a, addr, "province", aeo_cstring(a, "Liaoning"));
    put_kv(a, m, "address", addr);
    put_kv(a, m, "employees", aeo_int(5));
    put_kv(a, m, "revenue", aeo_int(2));
    put_kv(a, m, "audit_period", aeo_cstring(a, "90s"));
    put_kv(a, m, "logo", aeo_cstring(a, "aGk="));
    put_kv(a, m, "extra", aeo_uint(7));
    aeo_value r = aeo_map_new(a, 1);
    put_kv(a, r, "q", aeo_int(-1));
    put_kv(a, m, "ratings", r);
    put_kv(a, m, "not_in_schema", aeo_double(1.5));
    assert_true(aeo_map_put(a, m.as.m, aeo_int(1), aeo_cstring(a, "int key ignored")));

    aeo_value v = from_value_ok(a, m);
    assert_str_value(slot(v, "uscc"), "U1");
    assert_str_value(slot(v, "credit"), "general");
    assert_false(slot(v, "trades_in_liaoning").as.b);
    assert_int_equal(slot(v, "certified_on").kind, AEO_V_TIMESTAMP);
    assert_int_equal(slot(v, "certified_on").as.i, 1618963200);
    assert_str_value(slot(v, "business_types").as.l->items[0], "import");
    assert_int_equal(slot(v, "violations_12m").kind, AEO_V_INT);
    assert_int_equal(slot(v, "violations_12m").as.i, 3);
    aeo_value ad = slot(v, "address");
    assert_int_equal(ad.kind, AEO_V_RECORD);
    assert_str_value(ad.as.r->slots[0], "Shenyang");
    assert_str_value(ad.as.r->slots[1], "Liaoning");
    assert_int_equal(slot(v, "employees").kind, AEO_V_UINT);
    assert_int_equal(slot(v, "employees").as.u, 5);
    assert_int_equal(slot(v, "revenue").kind, AEO_V_DOUBLE);
    assert_true(slot(v, "revenue").as.d == 2.0);
    assert_int_equal(slot(v, "audit_period").kind, AEO_V_DURATION);
    assert_int_equal(slot(v, "audit_period").as.i, 90);
    assert_int_equal(slot(v, "logo").kind, AEO_V_BYTES);
    assert_memory_equal(slot(v, "logo").as.s->data, "hi", 2);
    assert_int_equal(slot(v, "extra").kind, AEO_V_UINT);
    assert_int_equal(slot(v, "extra").as.u, 7);
    assert_int_equal(map_get(a, slot(v, "ratings"), "q").as.i, -1);
    assert_int_equal(slot(v, "under_investigation").kind, AEO_V_ABSENT);
}

/* Values of the target kind pass through; a record of the root type is
 * accepted as well as a map. */
static void from_value_native_kinds(void **state) {
    aeo_arena *a = *state;
    aeo_value m = base_map(a, NULL);
    put_kv(a, m, "certified_on", aeo_timestamp(1618963200, 5));
    put_kv(a, m, "audit_period", aeo_duration(-3, -7));
    put_kv(a, m, "logo", aeo_bytes(a, "\0\1", 2));
    put_kv(a, m, "revenue", aeo_double(0.25));
    put_kv(a, m, "employees", aeo_uint(UINT64_C(18446744073709551615)));
    aeo_value v = from_value_ok(a, m);
    assert_int_equal(slot(v, "certified_on").as.i, 1618963200);
    assert_int_equal(slot(v, "certified_on").nanos, 5);
    assert_int_equal(slot(v, "audit_period").as.i, -3);
    assert_int_equal(slot(v, "audit_period").nanos, -7);
    assert_int_equal(slot(v, "logo").as.s->len, 2);
    assert_memory_equal(slot(v, "logo").as.s->data, "\0\1", 2);
    assert_true(slot(v, "revenue").as.d == 0.25);
    assert_int_equal(slot(v, "employees").as.u, UINT64_C(18446744073709551615));
    aeo_value again = from_value_ok(a, v);
    assert_str_value(slot(again, "uscc"), "U1");
    assert_int_equal(slot(again, "certified_on").nanos, 5);
}

static void from_value_int_requires_int(void **state) {
    aeo_arena *a = *state;
    aeo_value m = base_map(a, "violations_12m");
    put_kv(a, m, "violations_12m", aeo_double(1.0));
    from_value_err(a, m, "enterprise.violations_12m: expected int, got double");
    m = base_map(a, "violations_12m");
    put_kv(a, m, "violations_12m", aeo_uint(1));
    from_value_err(a, m, "enterprise.violations_12m: expected int, got uint");
    m = base_map(a, "violations_12m");
    put_kv(a, m, "violations_12m", aeo_cstring(a, "1"));
    from_value_err(a, m, "enterprise.violations_12m: expected int, got string");
}

static void from_value_missing_and_null(void **state) {
    aeo_arena *a = *state;
    from_value_err(a, base_map(a, "uscc"), "enterprise.uscc: missing required field");
    aeo_value m = base_map(a, "uscc");
    put_kv(a, m, "uscc", aeo_null());
    from_value_err(a, m, "enterprise.uscc: required field is null");
    m = base_map(a, NULL);
    put_kv(a, m, "certified_on", aeo_null());
    put_kv(a, m, "address", aeo_null());
    aeo_value v = from_value_ok(a, m);
    assert_int_equal(slot(v, "certified_on").kind, AEO_V_ABSENT);
    assert_int_equal(slot(v, "address").kind, AEO_V_ABSENT);
}

static void from_value_errors_with_paths(void **state) {
    aeo_arena *a = *state;
    aeo_value m = base_map(a, "credit");
    put_kv(a, m, "credit", aeo_cstring(a, "gold"));
    from_value_err(a, m, "enterprise.credit: \"gold\" is not one of \"advanced\", \"general\", "
                         "\"standard\", \"dishonest\"");
    m = base_map(a, NULL);
    put_kv(a, m, "certified_on", aeo_cstring(a, "2021-13-01"));
    from_value_err(a, m, "enterprise.certified_on: \"2021-13-01\" is not a date (YYYY-MM-DD) or "
                         "an RFC 3339 timestamp");
    m = base_map(a, NULL);
    aeo_value addr = aeo_map_new(a, 1);
    put_kv(a, addr, "province", aeo_cstring(a, "Liaoning"));
    put_kv(a, m, "address", addr);
    from_value_err(a, m, "enterprise.address.city: missing required field");
    m = base_map(a, "business_types");
    aeo_value bt = aeo_list_new(a, 2);
    aeo_list_push(a, bt.as.l, aeo_cstring(a, "a"));
    aeo_list_push(a, bt.as.l, aeo_int(2));
    put_kv(a, m, "business_types", bt);
    from_value_err(a, m, "enterprise.business_types[1]: expected string, got int");
    m = base_map(a, NULL);
    put_kv(a, m, "employees", aeo_int(-1));
    from_value_err(a, m, "enterprise.employees: -1 is negative, expected uint");
    m = base_map(a, NULL);
    aeo_value r = aeo_map_new(a, 1);
    put_kv(a, r, "q", aeo_double(2.0));
    put_kv(a, m, "ratings", r);
    from_value_err(a, m, "enterprise.ratings[\"q\"]: expected int, got double");
    m = base_map(a, NULL);
    put_kv(a, m, "audit_period", aeo_int(60));
    from_value_err(a, m, "enterprise.audit_period: expected duration, got int");
    m = base_map(a, NULL);
    put_kv(a, m, "extra", aeo_unknown_new(a, "x.y"));
    from_value_err(a, m, "enterprise.extra: expected a value, got unknown");
}

static void from_value_not_a_map(void **state) {
    aeo_arena *a = *state;
    from_value_err(a, aeo_list_new(a, 0), "enterprise: expected enterprise, got list");
    from_value_err(a, aeo_cstring(a, "x"), "enterprise: expected enterprise, got string");
    aeo_value m = base_map(a, NULL);
    put_kv(a, m, "address", aeo_cstring(a, "Shenyang"));
    from_value_err(a, m, "enterprise.address: expected Address, got string");
}

/* The result is a deep copy: it survives the arena of the literal. */
static void from_value_deep_copy(void **state) {
    aeo_arena *out = *state;
    aeo_arena *lit = aeo_arena_new();
    aeo_value m = base_map(lit, NULL);
    aeo_value extra = aeo_map_new(lit, 1);
    aeo_value inner = aeo_list_new(lit, 1);
    aeo_list_push(lit, inner.as.l, aeo_cstring(lit, "deep"));
    put_kv(lit, extra, "k", inner);
    put_kv(lit, m, "extra", extra);
    aeo_value v = from_value_ok(out, m);
    aeo_arena_free(lit);
    assert_str_value(slot(v, "uscc"), "U1");
    assert_str_value(slot(v, "business_types").as.l->items[0], "import");
    aeo_value k = map_get(out, slot(v, "extra"), "k");
    assert_str_value(k.as.l->items[0], "deep");
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(reader_jsonl_bad_line_in_middle),
        T(sj_fast_and_careful_agree),
        T(sj_length_claim_4gib),
        T(sj_numbers),
        T(sj_nul_escapes),
        T(sj_records_around_blocks),
        T(reader_jsonl_blank_lines),
        T(reader_jsonl_crlf),
        T(reader_jsonl_trailing_garbage),
        T(reader_jsonl_non_object_lines),
        T(reader_jsonl_unclosed_line),
        T(reader_broken_first_line),
        T(reader_bom),
        T(reader_bom_columns),
        T(reader_single_object),
        T(reader_empty_input),
        T(reader_many_records),
        T(reader_array_three),
        T(reader_array_pretty),
        T(reader_array_bad_element_continues),
        T(reader_array_non_object_element),
        T(reader_array_empty),
        T(reader_array_empty_element),
        T(reader_array_trailing_comma),
        T(reader_array_unterminated_element),
        T(reader_array_not_closed),
        T(reader_array_mismatched_bracket),
        T(reader_array_garbage_after),
        T(reader_array_line_break_in_string),
        T(reader_docs_pretty),
        T(reader_docs_crlf_and_same_line),
        T(reader_docs_bad_document_continues),
        T(reader_docs_cut_by_column1_brace),
        T(reader_docs_unterminated_at_eof),
        T(reader_docs_stray_scalar),
        T(reader_docs_missing_quote),
        T(reader_record_too_big),
        T(reader_record_too_big_first_and_array),
        T(reader_record_too_big_mib),
        T(reader_io_error),
        T(syntax_leading_zero),
        T(syntax_number_forms),
        T(syntax_invalid_utf8_overlong),
        T(syntax_invalid_utf8_surrogate),
        T(syntax_lone_surrogate_escape),
        T(syntax_escapes),
        T(syntax_control_char_in_string),
        T(syntax_unterminated_string),
        T(syntax_trailing_garbage),
        T(syntax_top_level_not_object),
        T(syntax_structure),
        T(syntax_deep_nesting),
        T(syntax_absolute_line),
        T(decode_full_record),
        T(decode_minimal_absent),
        T(decode_null_optional_is_absent),
        T(decode_missing_required),
        T(decode_null_required),
        T(decode_unknown_fields_ignored),
        T(decode_duplicate_key),
        T(decode_enum_miss),
        T(decode_type_mismatch),
        T(decode_nested_record_path),
        T(decode_list_element_path),
        T(decode_int_2p53_boundary),
        T(decode_int_beyond_2p53),
        T(decode_int_fraction),
        T(decode_int_integral_double_accepted),
        T(decode_huge_numbers),
        T(decode_uint),
        T(decode_double),
        T(decode_timestamp_forms),
        T(decode_timestamp_bad),
        T(decode_duration),
        T(decode_bytes),
        T(decode_dyn),
        T(decode_reader_items),
        T(from_value_conversions),
        T(from_value_native_kinds),
        T(from_value_int_requires_int),
        T(from_value_missing_and_null),
        T(from_value_errors_with_paths),
        T(from_value_not_a_map),
        T(from_value_deep_copy),
        T(check_value_reports_all),
        T(check_value_enum_and_unknown_keys),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
