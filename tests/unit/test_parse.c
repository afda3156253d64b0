/* Unit tests of the front end: source maps, diagnostics and their
 * rendering, "did you mean", the AST printer and dumper, the scanner and the
 * parser (every declaration form, CEL precedence, every literal form and
 * escape, error messages and recovery, nesting limits), and a small fuzz
 * loop that only asserts the parser never crashes.
 *
 * Expected outputs are written out in full, from the language definition
 * (DESIGN.md section 2) and the documented formats (the dump format is in
 * lang/ast.c, the diagnostic format in lang/diag.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grammar/parse.h"
#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/source.h"

/* --- harness ----------------------------------------------------------------- */

/* One compilation: sources, arena, sink. */
typedef struct env {
    aeo_sources src;
    aeo_arena *arena;
    aeo_diags diags;
    uint32_t next_id;
    aeo_parse_opts opts;
    uint32_t file;
} env;

static void env_init(env *e, const char *text, size_t len) {
    aeo_sources_init(&e->src);
    e->file = aeo_sources_add(&e->src, "t.aeo", text, len);
    e->arena = aeo_arena_new();
    aeo_diags_init(&e->diags);
    e->next_id = 0;
    e->opts = (aeo_parse_opts){e->arena, &e->diags, &e->next_id};
}

static void env_free(env *e) {
    aeo_diags_free(&e->diags);
    aeo_arena_free(e->arena);
    aeo_sources_free(&e->src);
}

static void pos_fn(void *ud, uint32_t offset, uint32_t *line, uint32_t *col) {
    const env *e = ud;
    aeo_sources_position(&e->src, e->file, offset, line, col);
}

/* A memory stream and its buffer. */
typedef struct sink {
    FILE *f;
    char *buf;
    size_t len;
} sink;

static void sink_open(sink *s) {
    s->buf = NULL;
    s->len = 0;
    s->f = open_memstream(&s->buf, &s->len);
    assert_non_null(s->f);
}

/* Closes the stream; the caller frees the returned text. */
static char *sink_close(sink *s) {
    fclose(s->f);
    return s->buf;
}

/* Diagnostics as "line:col CODE message" lines, sorted. */
static void print_diag_lines(env *e, FILE *f) {
    aeo_diags_sort(&e->diags);
    for (uint32_t i = 0; i < e->diags.n; i++) {
        const aeo_diag *g = &e->diags.items[i];
        uint32_t line, col;
        aeo_sources_position(&e->src, g->span.file, g->span.start, &line, &col);
        fprintf(f, "%u:%u %s %s\n", line, col, aeo_diag_code_str(g->code), g->msg);
    }
}

/* Parses [text] as a file: the AST dump, then the rendered diagnostics. */
static char *file_out(const char *text, bool *ok) {
    env e;
    env_init(&e, text, strlen(text));
    aeo_file f;
    bool r = aeo_parse_file(&e.src, e.file, &e.opts, &f);
    if (ok) *ok = r;
    sink s;
    sink_open(&s);
    aeo_ast_dump(s.f, &f, pos_fn, &e);
    aeo_diags_sort(&e.diags);
    aeo_diags_print(&e.diags, &e.src, s.f, false);
    env_free(&e);
    return sink_close(&s);
}

/* Parses [text] as a file: only the diagnostics, one line each. */
static char *file_diags(const char *text, size_t len) {
    env e;
    env_init(&e, text, len);
    aeo_file f;
    bool r = aeo_parse_file(&e.src, e.file, &e.opts, &f);
    /* Consistency: false exactly when an error was reported. */
    assert_true(r == (e.diags.n_errors == 0));
    sink s;
    sink_open(&s);
    print_diag_lines(&e, s.f);
    env_free(&e);
    return sink_close(&s);
}

/* Parses [text] as an expression: its dump, "= " and its CEL text, then
 * the diagnostics as lines. */
static char *expr_out(const char *text) {
    env e;
    env_init(&e, text, strlen(text));
    aeo_expr *x = aeo_parse_expr(&e.src, e.file, &e.opts);
    sink s;
    sink_open(&s);
    if (x) {
        aeo_expr_dump(s.f, x, 0, pos_fn, &e);
        fputs("= ", s.f);
        aeo_expr_print(s.f, x);
        fputc('\n', s.f);
    }
    print_diag_lines(&e, s.f);
    env_free(&e);
    return sink_close(&s);
}

#define CHECK_FILE(text, want)                  \
    do {                                        \
        char *got_ = file_out((text), NULL);    \
        assert_string_equal(got_, (want));      \
        free(got_);                             \
    } while (0)

#define CHECK_DIAGS(text, want)                               \
    do {                                                      \
        char *got_ = file_diags((text), strlen(text));        \
        assert_string_equal(got_, (want));                    \
        free(got_);                                           \
    } while (0)

#define CHECK_EXPR(text, want)                  \
    do {                                        \
        char *got_ = expr_out(text);            \
        assert_string_equal(got_, (want));      \
        free(got_);                             \
    } while (0)

/* The decoded bytes of a one-literal expression. */
static void check_literal(const char *text, aeo_expr_kind kind, const char *bytes, size_t n) {
    env e;
    env_init(&e, text, strlen(text));
    aeo_expr *x = aeo_parse_expr(&e.src, e.file, &e.opts);
    assert_non_null(x);
    assert_int_equal(e.diags.n, 0);
    assert_int_equal(x->kind, kind);
    assert_int_equal(x->u.str.len, n);
    assert_memory_equal(x->u.str.s, bytes, n);
    assert_int_equal(x->u.str.s[n], '\0');
    env_free(&e);
}

/* --- source maps ------------------------------------------------------------- */

static void test_source_lines(void **state) {
    (void)state;
    aeo_sources s;
    aeo_sources_init(&s);
    uint32_t f = aeo_sources_add(&s, "a.aeo", "a\nbc\r\nd", 7);
    assert_int_equal(f, 0);
    assert_int_equal(s.files[0].n_lines, 3);
    uint32_t line, col, len;
    aeo_sources_position(&s, f, 0, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    aeo_sources_position(&s, f, 1, &line, &col); /* the '\n' ends line 1 */
    assert_int_equal(line, 1);
    assert_int_equal(col, 2);
    aeo_sources_position(&s, f, 3, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 2);
    aeo_sources_position(&s, f, 7, &line, &col); /* end of file */
    assert_int_equal(line, 3);
    assert_int_equal(col, 2);
    aeo_sources_position(&s, f, 99, &line, &col); /* clamped */
    assert_int_equal(line, 3);
    assert_int_equal(col, 2);
    const char *t = aeo_sources_line(&s, f, 2, &len);
    assert_int_equal(len, 2); /* "bc" without "\r\n" */
    assert_memory_equal(t, "bc", 2);
    t = aeo_sources_line(&s, f, 3, &len);
    assert_int_equal(len, 1);
    assert_memory_equal(t, "d", 1);
    t = aeo_sources_line(&s, f, 4, &len);
    assert_int_equal(len, 0);
    assert_string_equal(t, "");
    /* Embedded NUL and NUL termination. */
    f = aeo_sources_add(&s, "b.aeo", "x\0y", 3);
    assert_int_equal(s.files[f].len, 3);
    assert_int_equal(s.files[f].text[3], '\0');
    aeo_sources_free(&s);
}

static void test_source_load(void **state) {
    (void)state;
    aeo_sources s;
    aeo_sources_init(&s);
    uint32_t i = 99;
    errno = 0;
    assert_false(aeo_sources_load(&s, "/nonexistent/aeo/x.aeo", &i));
    assert_int_equal(errno, ENOENT);

    char path[] = "/tmp/aeo_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "const x = 1\n", 12), 12);
    assert_true(aeo_sources_load(&s, path, &i));
    assert_int_equal(i, 0);
    assert_int_equal(s.files[0].len, 12);
    assert_string_equal(s.files[0].name, path);
    assert_string_equal(s.files[0].text, "const x = 1\n");

    /* A sparse file one byte over 64 MiB is refused before reading. */
    assert_int_equal(ftruncate(fd, 64 * 1024 * 1024 + 1), 0);
    errno = 0;
    assert_false(aeo_sources_load(&s, path, &i));
    assert_int_equal(errno, EFBIG);
    close(fd);
    unlink(path);

    errno = 0;
    assert_false(aeo_sources_load(&s, "/tmp", &i));
    assert_int_equal(errno, EISDIR);
    assert_int_equal(s.n, 1);
    aeo_sources_free(&s);
}

/* --- diagnostics ---------------------------------------------------------------- */

static char *render(const aeo_diags *d, const aeo_sources *src, bool color) {
    sink s;
    sink_open(&s);
    aeo_diags_print(d, src, s.f, color);
    return sink_close(&s);
}

static void test_diag_render_basic(void **state) {
    (void)state;
    const char *text = "measure M01 \"t\" {\n  when: enterprise.credt == \"advanced\"\n}\n";
    aeo_sources src;
    aeo_sources_init(&src);
    uint32_t f = aeo_sources_add(&src, "rules/x.aeo", text, strlen(text));
    aeo_diags d;
    aeo_diags_init(&d);
    const char *names[] = {"uscc", "credit"};
    uint32_t at = (uint32_t)(strstr(text, "credt") - text);
    aeo_diag *g = aeo_diag_add(&d, AEO_E_UNKNOWN_FIELD, (aeo_span){f, at, at + 5},
                               "unknown field '%s' on '%s'; did you mean '%s'?", "credt",
                               "enterprise", aeo_suggest("credt", names, 2));
    aeo_span decl = {f, 0, 7};
    aeo_diag_note(&d, g, &decl, "declared here");
    aeo_diag_note(&d, g, NULL, "fields are listed in the facts block");
    assert_int_equal(d.n_errors, 1);
    char *out = render(&d, &src, false);
    assert_string_equal(out,
        "rules/x.aeo:2:20: error[E0103]: unknown field 'credt' on 'enterprise'; did you mean 'credit'?\n"
        "    2 |   when: enterprise.credt == \"advanced\"\n"
        "      |                    ^~~~~\n"
        "rules/x.aeo:1:1: note: declared here\n"
        "    1 | measure M01 \"t\" {\n"
        "      | ^~~~~~~\n"
        "note: fields are listed in the facts block\n");
    free(out);
    aeo_diags_free(&d);
    aeo_sources_free(&src);
}

static void test_diag_render_tabs_and_bytes(void **state) {
    (void)state;
    /* A tab before the span is repeated in the caret line; a control byte
     * and an invalid UTF-8 byte show as '?'; valid UTF-8 is one column. */
    const char *text = "a\tb = \x01\xff \xc3\xa9 credt\n";
    aeo_sources src;
    aeo_sources_init(&src);
    uint32_t f = aeo_sources_add(&src, "x.aeo", text, strlen(text));
    aeo_diags d;
    aeo_diags_init(&d);
    uint32_t at = (uint32_t)(strstr(text, "credt") - text);
    aeo_diag_add(&d, AEO_E_UNKNOWN_NAME, (aeo_span){f, at, at + 5}, "unknown name 'credt'");
    char *out = render(&d, &src, false);
    assert_string_equal(out,
        "x.aeo:1:13: error[E0101]: unknown name 'credt'\n"
        "    1 | a\tb = ?? \xc3\xa9 credt\n"
        "      |  \t         ^~~~~\n");
    free(out);
    aeo_diags_free(&d);
    aeo_sources_free(&src);
}

static void test_diag_render_edges(void **state) {
    (void)state;
    aeo_sources src;
    aeo_sources_init(&src);
    uint32_t f0 = aeo_sources_add(&src, "a.aeo", "abc", 3);
    uint32_t f1 = aeo_sources_add(&src, "b.aeo", "abc\n", 4);
    uint32_t f2 = aeo_sources_add(&src, "c.aeo", "abcd\nef", 7);
    aeo_diags d;
    aeo_diags_init(&d);
    /* At end of file without and with a final newline: after the 'c'. */
    aeo_diag_add(&d, AEO_E_UNEXPECTED_EOF, (aeo_span){f0, 3, 3}, "eof");
    aeo_diag_add(&d, AEO_E_UNEXPECTED_EOF, (aeo_span){f1, 4, 4}, "eof");
    /* A span over two lines is underlined to the end of the first. */
    aeo_diag_add(&d, AEO_E_SYNTAX, (aeo_span){f2, 1, 7}, "two lines");
    /* An empty span is one caret. */
    aeo_diag_add(&d, AEO_E_SYNTAX, (aeo_span){f2, 6, 6}, "empty");
    /* A warning. */
    aeo_diag_add(&d, AEO_E_W_MAYBE_UNDECIDED, (aeo_span){f2, 5, 7}, "maybe");
    assert_int_equal(d.n_errors, 4);
    assert_int_equal(d.n_warnings, 1);
    char *out = render(&d, &src, false);
    assert_string_equal(out,
        "a.aeo:1:4: error[E0002]: eof\n"
        "    1 | abc\n"
        "      |    ^\n"
        "b.aeo:1:4: error[E0002]: eof\n"
        "    1 | abc\n"
        "      |    ^\n"
        "c.aeo:1:2: error[E0001]: two lines\n"
        "    1 | abcd\n"
        "      |  ^~~\n"
        "c.aeo:2:2: error[E0001]: empty\n"
        "    2 | ef\n"
        "      |  ^\n"
        "c.aeo:2:1: warning[W0101]: maybe\n"
        "    2 | ef\n"
        "      | ^~\n");
    free(out);
    aeo_diags_free(&d);
    aeo_sources_free(&src);
}

static void test_diag_render_gutter_and_color(void **state) {
    (void)state;
    /* Line 12345: the gutter grows past its four-column minimum. */
    size_t n = 12344 + 3;
    char *text = malloc(n);
    memset(text, '\n', 12344);
    memcpy(text + 12344, "xyz", 3);
    aeo_sources src;
    aeo_sources_init(&src);
    uint32_t f = aeo_sources_add(&src, "g.aeo", text, n);
    free(text);
    aeo_diags d;
    aeo_diags_init(&d);
    aeo_diag_add(&d, AEO_E_BAD_CHAR, (aeo_span){f, 12345, 12346}, "bad");
    char *out = render(&d, &src, false);
    assert_string_equal(out,
        "g.aeo:12345:2: error[E0003]: bad\n"
        " 12345 | xyz\n"
        "       |  ^\n");
    free(out);
    out = render(&d, &src, true);
    assert_string_equal(out,
        "\033[1mg.aeo:12345:2:\033[0m \033[1;31merror[E0003]:\033[0m\033[1m bad\033[0m\n"
        " 12345 | xyz\n"
        "       |  \033[1;32m^\033[0m\n");
    free(out);
    aeo_diags_free(&d);
    aeo_sources_free(&src);
}

static void test_diag_max_errors(void **state) {
    (void)state;
    aeo_diags d;
    aeo_diags_init(&d);
    d.max_errors = 2;
    aeo_span sp = {0, 0, 1};
    assert_non_null(aeo_diag_add(&d, AEO_E_SYNTAX, sp, "one"));
    assert_non_null(aeo_diag_add(&d, AEO_E_W_MAYBE_UNDECIDED, sp, "warn"));
    assert_non_null(aeo_diag_add(&d, AEO_E_SYNTAX, sp, "two"));
    assert_null(aeo_diag_add(&d, AEO_E_SYNTAX, sp, "three"));
    assert_null(aeo_diag_add(&d, AEO_E_SYNTAX, sp, "four"));
    assert_null(aeo_diag_add(&d, AEO_E_W_MAYBE_UNDECIDED, sp, "late warning"));
    aeo_diag_note(&d, NULL, NULL, "ignored");
    assert_int_equal(d.n, 4);
    assert_int_equal(d.items[3].code, AEO_E_TOO_MANY);
    assert_string_equal(d.items[3].msg, "too many errors; stopping");
    assert_string_equal(aeo_diag_code_str(d.items[3].code), "E0999");
    assert_int_equal(d.n_errors, 2); /* E0999 itself is not counted */
    aeo_diags_clear(&d);
    assert_int_equal(d.n, 0);
    assert_int_equal(d.n_errors, 0);
    assert_non_null(aeo_diag_add(&d, AEO_E_SYNTAX, sp, "again %d", 1));
    assert_string_equal(d.items[0].msg, "again 1");
    aeo_diags_free(&d);
}

static void test_diag_sort_and_table(void **state) {
    (void)state;
    aeo_diags d;
    aeo_diags_init(&d);
    aeo_diag_add(&d, AEO_E_SYNTAX, (aeo_span){1, 0, 1}, "f1");
    aeo_diag_add(&d, AEO_E_SYNTAX, (aeo_span){0, 10, 11}, "late");
    aeo_diag_add(&d, AEO_E_SYNTAX, (aeo_span){0, 5, 6}, "first at 5");
    aeo_diag_add(&d, AEO_E_SYNTAX, (aeo_span){0, 5, 9}, "second at 5");
    aeo_diags_sort(&d);
    assert_string_equal(d.items[0].msg, "first at 5");
    assert_string_equal(d.items[1].msg, "second at 5");
    assert_string_equal(d.items[2].msg, "late");
    assert_string_equal(d.items[3].msg, "f1");
    assert_string_equal(aeo_diag_code_str(AEO_E_UNKNOWN_FIELD), "E0103");
    assert_string_equal(aeo_diag_code_summary(AEO_E_TOO_DEEP), "nesting too deep");
    assert_int_equal(aeo_diag_code_sev(AEO_E_W_MAYBE_UNDECIDED), AEO_SEV_WARNING);
    assert_int_equal(aeo_diag_code_sev(AEO_E_RESERVED), AEO_SEV_ERROR);
    aeo_diags_free(&d);
}

static void test_suggest(void **state) {
    (void)state;
    const char *fields[] = {"uscc", "credit", "registered_customs", "trades_in_liaoning"};
    assert_string_equal(aeo_suggest("credt", fields, 4), "credit");
    assert_string_equal(aeo_suggest("Credit", fields, 4), "credit");    /* case only */
    assert_string_equal(aeo_suggest("crdeit", fields, 4), "credit");    /* transposition */
    assert_string_equal(aeo_suggest("registerd_custom", fields, 4), "registered_customs");
    assert_null(aeo_suggest("credit", fields, 4));                     /* not itself */
    assert_null(aeo_suggest("xyz", fields, 4));
    assert_null(aeo_suggest("cr", fields, 4));                         /* too far */
    const char *ties[] = {"ac", "ad"};
    assert_string_equal(aeo_suggest("ab", ties, 2), "ac");              /* first wins */
    assert_null(aeo_suggest("ab", NULL, 0));
    /* A number without its leading zeros names the padded ID first, at any
     * distance and before others as close (G15, G50 are one edit from G5). */
    const char *ids[] = {"G15", "G50", "G05", "M01.02"};
    assert_string_equal(aeo_suggest("G5", ids, 4), "G05");
    assert_string_equal(aeo_suggest("g005", ids, 4), "G05");
    assert_string_equal(aeo_suggest("M1.2", ids, 4), "M01.02");
    assert_string_equal(aeo_suggest("G51", ids, 4), "G15");             /* no padding match: by distance */
}

/* --- AST services ----------------------------------------------------------------- */

static void test_ast_basics(void **state) {
    (void)state;
    aeo_arena *a = aeo_arena_new();
    uint32_t id = 7;
    aeo_expr *e = aeo_expr_new(a, AEO_EXPR_IDENT, (aeo_span){0, 1, 2}, &id);
    assert_int_equal(e->id, 7);
    assert_int_equal(id, 8);
    assert_int_equal(e->depth, 1);
    assert_null(e->type);
    assert_int_equal(e->ref, AEO_REF_NONE);
    assert_string_equal(aeo_expr_kind_name(AEO_EXPR_SELECT), "SELECT");
    assert_string_equal(aeo_expr_kind_name(AEO_EXPR_ERROR), "ERROR");
    assert_string_equal(aeo_decl_kind_name(AEO_DECL_MEASURE), "MEASURE");
    assert_string_equal(aeo_decl_kind_word(AEO_DECL_MEASURE), "measure");
    assert_string_equal(aeo_decl_kind_word(AEO_DECL_DEF), "def");
    assert_string_equal(aeo_decl_kind_word(AEO_DECL_FACTS), "facts");
    assert_string_equal(aeo_decl_kind_word(AEO_DECL_EXAMPLE), "example");
    assert_string_equal(aeo_decl_kind_word(AEO_DECL_ERROR), "declaration");
    assert_string_equal(aeo_decl_kind_word(AEO_DECL__COUNT), "declaration");
    /* The macro table: both spellings of exists_one, and the two-variable forms. */
    assert_int_equal(aeo_macro_find("has"), AEO_MACRO_HAS);
    assert_int_equal(aeo_macro_find("exists_one"), AEO_MACRO_EXISTS_ONE);
    assert_int_equal(aeo_macro_find("existsOne"), AEO_MACRO_EXISTS_ONE);
    assert_int_equal(aeo_macro_find("transformMap"), AEO_MACRO_TRANSFORM_MAP);
    assert_int_equal(aeo_macro_find(""), -1);
    assert_int_equal(aeo_macro_find("size"), -1);
    assert_false(aeo_macro_two_vars(AEO_MACRO_ALL, 2));
    assert_true(aeo_macro_two_vars(AEO_MACRO_ALL, 3));
    assert_false(aeo_macro_two_vars(AEO_MACRO_MAP, 3));
    assert_true(aeo_macro_two_vars(AEO_MACRO_TRANSFORM_LIST, 3));
    assert_true(aeo_macro_two_vars(AEO_MACRO_TRANSFORM_MAP, 4));
    assert_false(aeo_macro_two_vars(AEO_MACRO_HAS, 1));
    assert_false(aeo_macro_table[AEO_MACRO_HAS].method);
    assert_int_equal(aeo_macro_table[AEO_MACRO_FILTER].max_args, 2);
    assert_string_equal(aeo_operator_str(AEO_OPR_IN), "in");
    assert_string_equal(aeo_operator_str(AEO_OPR_NE), "!=");
    assert_string_equal(aeo_operator_str(AEO_OPR_NEG), "-");
    aeo_arena_free(a);
}

/* The "= <CEL text>" line of expr_out's output. */
static const char *printed_line(const char *out) {
    if (strncmp(out, "= ", 2) == 0) return out;
    const char *p = strstr(out, "\n= ");
    return p ? p + 1 : NULL;
}

/* Parse, print, parse the print, print again: the same text. */
static void test_print_round_trip(void **state) {
    (void)state;
    static const char *const cases[][2] = {
        {"a||b&&c", "a || b && c"},
        {"(a||b)&&c", "(a || b) && c"},
        {"!(a==b)", "!(a == b)"},
        {"a - (b - c)", "a - (b - c)"},
        {"(a - b) - c", "a - b - c"},
        {"(a ? b : c) ? d : e", "(a ? b : c) ? d : e"},
        {"a ? (b ? c : d) : e", "a ? (b ? c : d) : e"},
        {"a ? b : (c ? d : e)", "a ? b : c ? d : e"},
        {"(a in b) in c", "a in b in c"},
        {"-(1)", "-(1)"},
        {"-(-1)", "-(-1)"},
        {"(-1).abs()", "(-1).abs()"},
        {"(1).f", "(1).f"},
        {"(-a)[0]", "(-a)[0]"},
        {"(!a).b", "(!a).b"},
        {"{\"k\": [1, 2u, 3.5, null, true, b\"\\x00\"]}", "{\"k\": [1, 2u, 3.5, null, true, b\"\\x00\"]}"},
        {"x.y(1, .z)[\"q\\n\"]", "x.y(1, .z)[\"q\\n\"]"},
        {"0.1 + 1e300 * 2.0", "0.1 + 1e+300 * 2.0"},
        {"--9223372036854775808", "-(-9223372036854775808)"},
        {"a.in.if", "a.in.if"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *first = expr_out(cases[i][0]);
        const char *p = printed_line(first);
        assert_non_null(p);
        char want[256];
        snprintf(want, sizeof want, "= %s\n", cases[i][1]);
        assert_string_equal(p, want);
        char *second = expr_out(cases[i][1]);
        const char *q = printed_line(second);
        assert_non_null(q);
        assert_string_equal(q, want);
        free(first);
        free(second);
    }
}

/* --- declarations --------------------------------------------------------------------- */

static void test_empty_file(void **state) {
    (void)state;
    bool ok = false;
    char *out = file_out("", &ok);
    assert_true(ok);
    assert_string_equal(out, "");
    free(out);
    out = file_out("  // only comments\n# and these\n\n", &ok);
    assert_true(ok);
    assert_string_equal(out, "");
    free(out);
}

static void test_decl_catalog(void **state) {
    (void)state;
    CHECK_FILE("catalog c {\n"
               "  title: \"T\"\n"
               "  key: enterprise.uscc\n"
               "}\n",
               "CATALOG c @1:1\n"
               "  prop title @2:3\n"
               "    STRING \"T\" @2:10\n"
               "  prop key @3:3\n"
               "    SELECT uscc @3:8\n"
               "      IDENT enterprise @3:8\n");
}

static void test_decl_facts(void **state) {
    (void)state;
    CHECK_FILE("facts enterprise {\n"
               "  uscc: string\n"
               "  credit: \"advanced\" | \"general\"\n"
               "  certified_on?: timestamp\n"
               "  tags: list<string>,\n"
               "  m: map<string, list<int>>;\n"
               "  address?: Address\n"
               "}\n",
               "FACTS enterprise @1:1\n"
               "  field uscc: string @2:3\n"
               "  field credit: \"advanced\" | \"general\" @3:3\n"
               "  field certified_on?: timestamp @4:3\n"
               "  field tags: list<string> @5:3\n"
               "  field m: map<string, list<int>> @6:3\n"
               "  field address?: Address @7:3\n");
}

static void test_decl_record_and_types(void **state) {
    (void)state;
    CHECK_FILE("record Address { province: string, city: string }\n",
               "RECORD Address @1:1\n"
               "  field province: string @1:18\n"
               "  field city: string @1:36\n");
    /* '>>' closes two type argument lists. */
    env e;
    const char *text = "record R { m: map<string, map<int, list<bool>>> }";
    env_init(&e, text, strlen(text));
    aeo_file f;
    assert_true(aeo_parse_file(&e.src, e.file, &e.opts, &f));
    assert_int_equal(f.n_decls, 1);
    assert_int_equal(f.decls[0].n_fields, 1);
    const aeo_type_expr *t = f.decls[0].fields[0].type;
    assert_int_equal(t->kind, AEO_TYPE_NAMED);
    assert_string_equal(t->name, "map");
    assert_int_equal(t->n_args, 2);
    assert_string_equal(t->args[0]->name, "string");
    assert_string_equal(t->args[1]->name, "map");
    assert_string_equal(t->args[1]->args[1]->name, "list");
    assert_string_equal(t->args[1]->args[1]->args[0]->name, "bool");
    /* The span runs from "map" to the last '>'. */
    assert_int_equal(t->span.start, 14);
    assert_int_equal(t->span.end, 47);
    env_free(&e);
}

static void test_decl_const_def_tier(void **state) {
    (void)state;
    CHECK_FILE("const LIMIT = 3\n"
               "def ok = enterprise.violations_12m < LIMIT\n"
               "tier advanced = enterprise.credit == \"advanced\"\n",
               "CONST LIMIT @1:1\n"
               "  INT 3 @1:15\n"
               "DEF ok @2:1\n"
               "  BINARY < @2:10\n"
               "    SELECT violations_12m @2:10\n"
               "      IDENT enterprise @2:10\n"
               "    IDENT LIMIT @2:38\n"
               "TIER advanced @3:1\n"
               "  BINARY == @3:17\n"
               "    SELECT credit @3:17\n"
               "      IDENT enterprise @3:17\n"
               "    STRING \"advanced\" @3:38\n");
}

static void test_decl_measure(void **state) {
    (void)state;
    CHECK_FILE("// Lower rate.\n"
               "// Item 1.\n"
               "measure M01 \"Lower inspection rate\" {\n"
               "  tier: [advanced, general];\n"
               "  when: !enterprise.under_investigation,\n"
               "  unless: enterprise.violations_12m > 0\n"
               "}\n",
               "MEASURE M01 \"Lower inspection rate\" @3:1\n"
               "  doc @1:1\n"
               "  prop tier @4:3\n"
               "    LIST @4:9\n"
               "      IDENT advanced @4:10\n"
               "      IDENT general @4:20\n"
               "  prop when @5:3\n"
               "    UNARY ! @5:9\n"
               "      SELECT under_investigation @5:10\n"
               "        IDENT enterprise @5:10\n"
               "  prop unless @6:3\n"
               "    BINARY > @6:11\n"
               "      SELECT violations_12m @6:11\n"
               "        IDENT enterprise @6:11\n"
               "      INT 0 @6:39\n");
}

static void test_decl_test(void **state) {
    (void)state;
    CHECK_FILE("test \"advanced AEO\" {\n"
               "  as_of: \"2021-05-01\"\n"
               "  facts: {\"credit\": \"advanced\", \"n\": 1}\n"
               "  expect: [M01]\n"
               "}\n",
               "TEST \"advanced AEO\" @1:1\n"
               "  prop as_of @2:3\n"
               "    STRING \"2021-05-01\" @2:10\n"
               "  prop facts @3:3\n"
               "    MAP @3:10\n"
               "      STRING \"credit\" @3:11\n"
               "      STRING \"advanced\" @3:21\n"
               "      STRING \"n\" @3:33\n"
               "      INT 1 @3:38\n"
               "  prop expect @4:3\n"
               "    LIST @4:11\n"
               "      IDENT M01 @4:12\n");
}

static void test_decl_fields_of_structs(void **state) {
    (void)state;
    /* Spans, names and titles as the checker sees them. */
    const char *text = "measure M01 \"Title\" { tier: a }\nconst K = 1";
    env e;
    env_init(&e, text, strlen(text));
    aeo_file f;
    assert_true(aeo_parse_file(&e.src, e.file, &e.opts, &f));
    assert_int_equal(f.source, e.file);
    assert_int_equal(f.n_decls, 2);
    const aeo_decl *m = &f.decls[0];
    assert_int_equal(m->kind, AEO_DECL_MEASURE);
    assert_string_equal(m->name, "M01");
    assert_int_equal(m->name_span.start, 8);
    assert_int_equal(m->name_span.end, 11);
    assert_string_equal(m->title, "Title");
    assert_int_equal(m->title_span.start, 12);
    assert_int_equal(m->title_span.end, 19);
    assert_int_equal(m->span.start, 0);
    assert_int_equal(m->span.end, 31);
    assert_false(m->has_error);
    assert_int_equal(m->n_props, 1);
    assert_string_equal(m->props[0].name, "tier");
    assert_int_equal(m->props[0].name_span.start, 22);
    assert_int_equal(m->props[0].span.end, 29);
    const aeo_decl *k = &f.decls[1];
    assert_int_equal(k->kind, AEO_DECL_CONST);
    assert_int_equal(k->span.start, 32);
    assert_int_equal(k->span.end, 43);
    assert_null(k->title);
    assert_int_equal(k->value->kind, AEO_EXPR_INT);
    /* Every node has a distinct id from the shared counter. */
    /* The title's STRING node is made (by the scanner) too. */
    assert_int_equal(e.next_id, 3);
    assert_true(m->props[0].value->id != k->value->id);
    env_free(&e);
}

static void test_keywords_as_names(void **state) {
    (void)state;
    CHECK_FILE("catalog c {\n"
               "  tier: 1\n"
               "  facts: 2\n"
               "  if: 3\n"
               "  true: a.in\n"
               "  record: a.if.measure\n"
               "}\n"
               "facts e { in: int, if?: string, const: bool }\n",
               "CATALOG c @1:1\n"
               "  prop tier @2:3\n"
               "    INT 1 @2:9\n"
               "  prop facts @3:3\n"
               "    INT 2 @3:10\n"
               "  prop if @4:3\n"
               "    INT 3 @4:7\n"
               "  prop true @5:3\n"
               "    SELECT in @5:9\n"
               "      IDENT a @5:9\n"
               "  prop record @6:3\n"
               "    SELECT measure @6:11\n"
               "      SELECT if @6:11\n"
               "        IDENT a @6:11\n"
               "FACTS e @8:1\n"
               "  field in: int @8:11\n"
               "  field if?: string @8:20\n"
               "  field const: bool @8:33\n");
    /* "in" before ':' names a property, elsewhere it is the operator. */
    CHECK_FILE("catalog c { a: x\n in: y in z }",
               "CATALOG c @1:1\n"
               "  prop a @1:13\n"
               "    IDENT x @1:16\n"
               "  prop in @2:2\n"
               "    BINARY in @2:6\n"
               "      IDENT y @2:6\n"
               "      IDENT z @2:11\n");
    CHECK_EXPR("{a.in: 1}",
               "MAP @1:1\n"
               "  SELECT in @1:2\n"
               "    IDENT a @1:2\n"
               "  INT 1 @1:8\n"
               "= {a.in: 1}\n");
}

static void test_doc_comments(void **state) {
    (void)state;
    const char *text = "# header\n"          /* 0..8: a blank line follows */
                       "\n"
                       "// doc of A\n"       /* 10..21 */
                       "const A = 1 // trailing\n"
                       "const B = 2\n"       /* no doc: the comment trails A */
                       "# doc of C, line 1\n"
                       "# line 2\n"
                       "def C = 3\n";
    env e;
    env_init(&e, text, strlen(text));
    aeo_file f;
    assert_true(aeo_parse_file(&e.src, e.file, &e.opts, &f));
    assert_int_equal(f.n_decls, 3);
    assert_int_equal(f.decls[0].doc.start, 10);
    assert_int_equal(f.decls[0].doc.end, 21);
    assert_int_equal(f.decls[1].doc.end, 0);
    uint32_t c1 = (uint32_t)(strstr(text, "# doc of C") - text);
    uint32_t c2 = (uint32_t)(strstr(text, "# line 2") - text) + 8;
    assert_int_equal(f.decls[2].doc.start, c1);
    assert_int_equal(f.decls[2].doc.end, c2);
    env_free(&e);
}

/* --- expressions: precedence ---------------------------------------------------------- */

static void test_prec_or_and(void **state) {
    (void)state;
    CHECK_EXPR("a || b && c",
               "BINARY || @1:1\n"
               "  IDENT a @1:1\n"
               "  BINARY && @1:6\n"
               "    IDENT b @1:6\n"
               "    IDENT c @1:11\n"
               "= a || b && c\n");
}

static void test_prec_not_eq(void **state) {
    (void)state;
    CHECK_EXPR("!a == b",
               "BINARY == @1:1\n"
               "  UNARY ! @1:1\n"
               "    IDENT a @1:2\n"
               "  IDENT b @1:7\n"
               "= !a == b\n");
}

static void test_prec_in_and(void **state) {
    (void)state;
    CHECK_EXPR("a in [1] && b",
               "BINARY && @1:1\n"
               "  BINARY in @1:1\n"
               "    IDENT a @1:1\n"
               "    LIST @1:6\n"
               "      INT 1 @1:7\n"
               "  IDENT b @1:13\n"
               "= a in [1] && b\n");
}

static void test_prec_conditional(void **state) {
    (void)state;
    CHECK_EXPR("x ? a : b ? c : d",
               "COND @1:1\n"
               "  IDENT x @1:1\n"
               "  IDENT a @1:5\n"
               "  COND @1:9\n"
               "    IDENT b @1:9\n"
               "    IDENT c @1:13\n"
               "    IDENT d @1:17\n"
               "= x ? a : b ? c : d\n");
    /* The middle operand is CEL's conditionalOr: a bare ?: there is an error. */
    CHECK_EXPR("a ? b ? c : d : e", "1:7 E0001 unexpected '?', expected operator or ':'\n");
}

static void test_prec_arith(void **state) {
    (void)state;
    CHECK_EXPR("a + b * c - d % e",
               "BINARY - @1:1\n"
               "  BINARY + @1:1\n"
               "    IDENT a @1:1\n"
               "    BINARY * @1:5\n"
               "      IDENT b @1:5\n"
               "      IDENT c @1:9\n"
               "  BINARY % @1:13\n"
               "    IDENT d @1:13\n"
               "    IDENT e @1:17\n"
               "= a + b * c - d % e\n");
    CHECK_EXPR("a < b == c > d",
               "BINARY > @1:1\n"
               "  BINARY == @1:1\n"
               "    BINARY < @1:1\n"
               "      IDENT a @1:1\n"
               "      IDENT b @1:5\n"
               "    IDENT c @1:10\n"
               "  IDENT d @1:14\n"
               "= a < b == c > d\n");
}

static void test_unary_repeated(void **state) {
    (void)state;
    CHECK_EXPR("!!a",
               "UNARY ! @1:1\n"
               "  UNARY ! @1:2\n"
               "    IDENT a @1:3\n"
               "= !!a\n");
    CHECK_EXPR("-!a.b",
               "UNARY - @1:1\n"
               "  UNARY ! @1:2\n"
               "    SELECT b @1:3\n"
               "      IDENT a @1:3\n"
               "= -!a.b\n");
}

static void test_member_call_index(void **state) {
    (void)state;
    CHECK_EXPR("a.b(c)[d].e",
               "SELECT e @1:1\n"
               "  INDEX @1:1\n"
               "    CALL .b @1:1\n"
               "      IDENT a @1:1\n"
               "      IDENT c @1:5\n"
               "    IDENT d @1:8\n"
               "= a.b(c)[d].e\n");
    CHECK_EXPR(".x.y",
               "SELECT y @1:1\n"
               "  IDENT .x @1:1\n"
               "= .x.y\n");
    CHECK_EXPR("f() + size(x, 1)",
               "BINARY + @1:1\n"
               "  CALL f @1:1\n"
               "  CALL size @1:7\n"
               "    IDENT x @1:12\n"
               "    INT 1 @1:15\n"
               "= f() + size(x, 1)\n");
    /* A leading dot on a global call is accepted and dropped (there are
     * no packages, so .f and f name the same function). */
    CHECK_EXPR(".f(x)",
               "CALL f @1:1\n"
               "  IDENT x @1:4\n"
               "= f(x)\n");
}

static void test_list_map_literals(void **state) {
    (void)state;
    CHECK_EXPR("[1, 2,]",
               "LIST @1:1\n"
               "  INT 1 @1:2\n"
               "  INT 2 @1:5\n"
               "= [1, 2]\n");
    CHECK_EXPR("{\"a\": 1, 2: [],}",
               "MAP @1:1\n"
               "  STRING \"a\" @1:2\n"
               "  INT 1 @1:7\n"
               "  INT 2 @1:10\n"
               "  LIST @1:13\n"
               "= {\"a\": 1, 2: []}\n");
    CHECK_EXPR("[{}, []]",
               "LIST @1:1\n"
               "  MAP @1:2\n"
               "  LIST @1:6\n"
               "= [{}, []]\n");
    /* Calls take no trailing comma (CEL). */
    CHECK_EXPR("f(a,)", "1:5 E0001 unexpected ')', expected expression\n");
}

/* --- literals --------------------------------------------------------------------------- */

static void test_int_literals(void **state) {
    (void)state;
    CHECK_EXPR("[0, 42, 0x2A, 0XfF, 9223372036854775807]",
               "LIST @1:1\n"
               "  INT 0 @1:2\n"
               "  INT 42 @1:5\n"
               "  INT 42 @1:9\n"
               "  INT 255 @1:15\n"
               "  INT 9223372036854775807 @1:21\n"
               "= [0, 42, 42, 255, 9223372036854775807]\n");
}

static void test_uint_literals(void **state) {
    (void)state;
    CHECK_EXPR("[42u, 0x2AU, 18446744073709551615u]",
               "LIST @1:1\n"
               "  UINT 42 @1:2\n"
               "  UINT 42 @1:7\n"
               "  UINT 18446744073709551615 @1:14\n"
               "= [42u, 42u, 18446744073709551615u]\n");
}

static void test_negative_folding(void **state) {
    (void)state;
    CHECK_EXPR("[-1, -9223372036854775808, -0x8000000000000000, -1.5, -(1), --1, --9223372036854775808]",
               "LIST @1:1\n"
               "  INT -1 @1:2\n"
               "  INT -9223372036854775808 @1:6\n"
               "  INT -9223372036854775808 @1:28\n"
               "  DOUBLE -1.5 @1:49\n"
               "  UNARY - @1:55\n"
               "    INT 1 @1:57\n"
               "  INT 1 @1:61\n"
               "  UNARY - @1:66\n"
               "    INT -9223372036854775808 @1:67\n"
               "= [-1, -9223372036854775808, -9223372036854775808, -1.5, -(1), 1, "
               "-(-9223372036854775808)]\n");
    /* The folded literal spans its '-'. */
    env e;
    env_init(&e, "  - 5", 5);
    aeo_expr *x = aeo_parse_expr(&e.src, e.file, &e.opts);
    assert_non_null(x);
    assert_int_equal(x->kind, AEO_EXPR_INT);
    assert_int_equal(x->u.i, -5);
    assert_int_equal(x->span.start, 2);
    assert_int_equal(x->span.end, 5);
    env_free(&e);
}

static void test_int_out_of_range(void **state) {
    (void)state;
    CHECK_EXPR("9223372036854775808", "1:1 E0004 integer literal out of range\n");
    CHECK_EXPR("-(9223372036854775808)", "1:3 E0004 integer literal out of range\n");
    CHECK_EXPR("!9223372036854775808", "1:2 E0004 integer literal out of range\n");
    CHECK_EXPR("1 + 9223372036854775808[0]", "1:5 E0004 integer literal out of range\n");
    CHECK_EXPR("99999999999999999999", "1:1 E0004 integer literal out of range\n");
    CHECK_EXPR("0x10000000000000000", "1:1 E0004 integer literal out of range\n");
    CHECK_EXPR("18446744073709551616u", "1:1 E0004 unsigned integer literal out of range\n");
    CHECK_EXPR("[0x8000000000000000u, -9223372036854775808u]",
               "LIST @1:1\n"
               "  UINT 9223372036854775808 @1:2\n"
               "  UNARY - @1:23\n"
               "    UINT 9223372036854775808 @1:24\n"
               "= [9223372036854775808u, -9223372036854775808u]\n");
}

static void test_double_literals(void **state) {
    (void)state;
    CHECK_EXPR("[1.5, .5, 1e3, 1.5e-3, 1., 1E+2]",
               "LIST @1:1\n"
               "  DOUBLE 1.5 @1:2\n"
               "  DOUBLE 0.5 @1:7\n"
               "  DOUBLE 1000.0 @1:11\n"
               "  DOUBLE 0.0015 @1:16\n"
               "  DOUBLE 1.0 @1:24\n"
               "  DOUBLE 100.0 @1:28\n"
               "= [1.5, 0.5, 1000.0, 0.0015, 1.0, 100.0]\n");
    CHECK_EXPR("[2.5e300, 0.1, 1e-400]",
               "LIST @1:1\n"
               "  DOUBLE 2.5e+300 @1:2\n"
               "  DOUBLE 0.1 @1:11\n"
               "  DOUBLE 0.0 @1:16\n"
               "= [2.5e+300, 0.1, 0.0]\n");
    CHECK_EXPR("1e999", "1:1 E0004 double literal out of range\n");
}

static void test_malformed_numbers(void **state) {
    (void)state;
    CHECK_EXPR("0x", "1:1 E0004 malformed number '0x'\n");
    CHECK_EXPR("12abc + 1", "1:1 E0004 malformed number '12abc'\n");
    CHECK_EXPR("1.5u", "1:1 E0004 malformed number '1.5u'\n");
    CHECK_EXPR("1e", "1:1 E0004 malformed number '1e'\n");
    CHECK_EXPR("1.5e", "1:1 E0004 malformed number '1.5e'\n");
}

/* Digits, '.', a name: an int and a selection, as CEL lexes them. */
static void test_int_then_member(void **state) {
    (void)state;
    CHECK_EXPR("42.size()",
               "CALL .size @1:1\n"
               "  INT 42 @1:1\n"
               "= (42).size()\n");
    CHECK_EXPR("1.e5",
               "SELECT e5 @1:1\n"
               "  INT 1 @1:1\n"
               "= (1).e5\n");
}

/* CEL's backquoted field names, for keys that are not identifiers. */
static void test_quoted_field_names(void **state) {
    (void)state;
    CHECK_EXPR("m.`content-type`",
               "SELECT content-type @1:1\n"
               "  IDENT m @1:1\n"
               "= m.`content-type`\n");
    CHECK_EXPR("m.`a b`.`x/y.z`",
               "SELECT x/y.z @1:1\n"
               "  SELECT a b @1:1\n"
               "    IDENT m @1:1\n"
               "= m.`a b`.`x/y.z`\n");
    CHECK_EXPR("m.`a+b`", "1:3 E0003 invalid character '`'\n");
}

static void test_string_simple_escapes(void **state) {
    (void)state;
    check_literal("\"\\\\ \\\" \\' \\` \\? \\a \\b \\f \\n \\r \\t \\v\"", AEO_EXPR_STRING,
                  "\\ \" ' ` ? \a \b \f \n \r \t \v", 23);
    CHECK_EXPR("'say \"hi\"\\n'",
               "STRING \"say \\\"hi\\\"\\n\" @1:1\n"
               "= \"say \\\"hi\\\"\\n\"\n");
}

static void test_string_code_escapes(void **state) {
    (void)state;
    /* \x and octal are code points in strings: \xff is U+00FF. */
    check_literal("\"\\x41\\101\\u00e9\\U0001F600\\x7f\\xff\\X20\\000\"", AEO_EXPR_STRING,
                  "AA\xc3\xa9\xf0\x9f\x98\x80\x7f\xc3\xbf \0", 13);
    /* Source text is taken as UTF-8 as it is. */
    check_literal("\"h\xc3\xa9llo \xe4\xb8\xad\"", AEO_EXPR_STRING, "h\xc3\xa9llo \xe4\xb8\xad", 10);
}

static void test_raw_strings(void **state) {
    (void)state;
    check_literal("r\"a\\nb\"", AEO_EXPR_STRING, "a\\nb", 4);
    check_literal("R'\\d+\\'", AEO_EXPR_STRING, "\\d+\\", 4);
    check_literal("r\"\"\"x\\\"\"\"", AEO_EXPR_STRING, "x\\", 2);
    check_literal("r'''a\n'b'\\n'''", AEO_EXPR_STRING, "a\n'b'\\n", 7);
}

static void test_triple_strings(void **state) {
    (void)state;
    /* Quotes inside, line breaks kept (CRLF read as LF), escapes work. */
    check_literal("\"\"\"line1\r\n\"quoted\" ''x''\n\\tline3\"\"\"", AEO_EXPR_STRING,
                  "line1\n\"quoted\" ''x''\n\tline3", 27);
    check_literal("'''it's \"fine\"'''", AEO_EXPR_STRING, "it's \"fine\"", 11);
    check_literal("\"\"\"\"\"\"", AEO_EXPR_STRING, "", 0);
    check_literal("\"\"", AEO_EXPR_STRING, "", 0);
    /* The first """ closes: a fourth quote starts another string (and no
     * syntax error is reported about that broken token). */
    CHECK_EXPR("\"\"\"a\"\"\"\" + 1", "1:8 E0004 unterminated string\n");
    /* A multi-line string in a file: positions after it are right. */
    CHECK_FILE("const s = '''a\nb'''\nconst t = 1\n",
               "CONST s @1:1\n"
               "  STRING \"a\\nb\" @1:11\n"
               "CONST t @3:1\n"
               "  INT 1 @3:11\n");
}

static void test_bytes_literals(void **state) {
    (void)state;
    check_literal("b\"\\xff\\377A\\n\xc3\xa9\"", AEO_EXPR_BYTES, "\xff\xff" "A\n\xc3\xa9", 6);
    check_literal("B'abc'", AEO_EXPR_BYTES, "abc", 3);
    check_literal("br\"\\x00\"", AEO_EXPR_BYTES, "\\x00", 4);
    check_literal("b'''a\nb'''", AEO_EXPR_BYTES, "a\nb", 3);
    /* Bytes need not be UTF-8. */
    check_literal("b\"\xff\"", AEO_EXPR_BYTES, "\xff", 1);
    CHECK_EXPR("b\"\\x00\\x7f\\x80 q\"",
               "BYTES b\"\\x00\\x7f\\x80 q\" @1:1\n"
               "= b\"\\x00\\x7f\\x80 q\"\n");
    CHECK_EXPR("b\"\\u0041\"", "1:3 E0004 Unicode escape '\\u0041' is not allowed in a bytes literal\n");
}

static void test_bad_escapes(void **state) {
    (void)state;
    CHECK_EXPR("\"a\\qb\"", "1:3 E0004 invalid escape sequence '\\q'\n");
    CHECK_EXPR("\"\\x4\"", "1:2 E0004 invalid escape sequence '\\x4': \\x takes 2 hex digits\n");
    CHECK_EXPR("\"\\u12\"", "1:2 E0004 invalid escape sequence '\\u12': \\u takes 4 hex digits\n");
    CHECK_EXPR("\"\\U0010FFF\"", "1:2 E0004 invalid escape sequence '\\U0010FFF': \\U takes 8 hex digits\n");
    CHECK_EXPR("\"\\400\"",
               "1:2 E0004 invalid escape sequence '\\400': octal escapes are 3 digits, \\000 to \\377\n");
    CHECK_EXPR("\"\\uD800\"", "1:2 E0004 invalid Unicode escape '\\uD800': surrogate code point\n");
    CHECK_EXPR("\"\\U00110000\"", "1:2 E0004 invalid Unicode escape '\\U00110000': beyond U+10FFFF\n");
    /* One message per literal, even with several bad escapes. */
    CHECK_EXPR("\"\\q\\w\" + \"\\e\"",
               "1:2 E0004 invalid escape sequence '\\q'\n"
               "1:11 E0004 invalid escape sequence '\\e'\n");
}

static void test_invalid_utf8(void **state) {
    (void)state;
    CHECK_EXPR("\"ok\xff\"", "1:4 E0004 invalid UTF-8 in string literal (byte \\xFF)\n");
    /* Overlong encoding and an encoded surrogate. */
    CHECK_EXPR("'\xc0\xaf'", "1:2 E0004 invalid UTF-8 in string literal (byte \\xC0)\n");
    CHECK_EXPR("r'a\xed\xa0\x80'", "1:4 E0004 invalid UTF-8 in string literal (byte \\xED)\n");
    /* Truncated sequence before the closing quote. */
    CHECK_EXPR("\"x\xe4\xb8\"", "1:3 E0004 invalid UTF-8 in string literal (byte \\xE4)\n");
}

static void test_unterminated_string(void **state) {
    (void)state;
    CHECK_FILE("catalog c {\n"
               "  title: \"abc\n"
               "  key: 1\n"
               "}\n",
               "CATALOG c (has errors) @1:1\n"
               "  prop title @2:3\n"
               "    ERROR @2:10\n"
               "  prop key @3:3\n"
               "    INT 1 @3:8\n"
               "t.aeo:2:10: error[E0004]: unterminated string\n"
               "    2 |   title: \"abc\n"
               "      |          ^~~~\n");
    /* A backslash cannot continue the line. */
    CHECK_DIAGS("const a = 'x\\\nconst b = 1\n", "1:11 E0004 unterminated string\n");
    /* A triple-quoted string left open at end of file: E0002, so the REPL
     * reads on. */
    CHECK_FILE("const x = \"\"\"abc\n",
               "CONST x (has errors) @1:1\n"
               "  ERROR @1:11\n"
               "t.aeo:1:11: error[E0002]: unterminated string\n"
               "    1 | const x = \"\"\"abc\n"
               "      |           ^~~~~~\n");
}

/* --- names and characters ------------------------------------------------------------------- */

static void test_reserved_words(void **state) {
    (void)state;
    CHECK_FILE("const if = 1\n"
               "def x = a + if\n"
               "catalog c { if: 1 }\n",
               "CONST if @1:1\n"
               "  INT 1 @1:12\n"
               "DEF x @2:1\n"
               "  BINARY + @2:9\n"
               "    IDENT a @2:9\n"
               "    ERROR @2:13\n"
               "CATALOG c @3:1\n"
               "  prop if @3:13\n"
               "    INT 1 @3:17\n"
               "t.aeo:1:7: error[E0006]: 'if' is a reserved word and cannot be used as a name\n"
               "    1 | const if = 1\n"
               "      |       ^~\n"
               "t.aeo:2:13: error[E0006]: 'if' is a reserved word and cannot be used as a name\n"
               "    2 | def x = a + if\n"
               "      |             ^~\n");
    CHECK_EXPR("let(x) || .while", "1:1 E0006 'let' is a reserved word and cannot be used as a name\n"
                                   "1:12 E0006 'while' is a reserved word and cannot be used as a name\n");
    /* Words merely starting with a reserved word are identifiers. */
    CHECK_EXPR("iffy + format",
               "BINARY + @1:1\n"
               "  IDENT iffy @1:1\n"
               "  IDENT format @1:8\n"
               "= iffy + format\n");
}

static void test_invalid_characters(void **state) {
    (void)state;
    /* One message per run of invalid characters, none from the parser. */
    CHECK_DIAGS("catalog c {\n"
                "  a: x @ y\n"
                "  b: 1 @@@ 2\n"
                "  c: \xe2\x80\x9cq\xe2\x80\x9d\n"
                "  d: p & q\n"
                "  e: \x01\n"
                "}\n",
                "2:8 E0003 invalid character '@'\n"
                "3:8 E0003 invalid character '@'\n"
                "4:6 E0003 invalid character '\xe2\x80\x9c' (U+201C); did you mean '\"'?\n"
                "4:10 E0003 invalid character '\xe2\x80\x9d' (U+201D); did you mean '\"'?\n"
                "5:8 E0003 invalid character '&'; did you mean '&&'?\n"
                "6:6 E0003 invalid character '\\x01'\n");
    CHECK_DIAGS("const x = 1 $ 2\n", "1:13 E0003 invalid character '$'\n");
    CHECK_DIAGS("const x = \xff\n", "1:11 E0003 invalid character '\\xFF'\n");
}

/* --- syntax errors and recovery ------------------------------------------------------------------ */

static void test_three_errors_three_decls(void **state) {
    (void)state;
    CHECK_DIAGS("const a = 1 +\n"
                "const b = (2\n"
                "measure M \"t\" { tier: x when: ) }\n",
                "2:1 E0001 unexpected 'const', expected expression\n"
                "3:1 E0001 missing ')' before this declaration\n"
                "3:31 E0001 unexpected ')', expected expression\n");
    /* Broken declaration headers. */
    CHECK_FILE("catalog {\n}\ncatalog {\n}\nmeasure M1 {\n  tier: a\n}\nconst ok = 1\n",
               "ERROR (has errors) @1:1\n"
               "ERROR (has errors) @3:1\n"
               "ERROR (has errors) @5:1\n"
               "CONST ok @8:1\n"
               "  INT 1 @8:12\n"
               "t.aeo:1:9: error[E0001]: unexpected '{', expected identifier\n"
               "    1 | catalog {\n"
               "      |         ^\n"
               "t.aeo:3:9: error[E0001]: unexpected '{', expected identifier\n"
               "    3 | catalog {\n"
               "      |         ^\n"
               "t.aeo:5:12: error[E0001]: unexpected '{', expected string\n"
               "    5 | measure M1 {\n"
               "      |            ^\n");
}

static void test_three_errors_one_block(void **state) {
    (void)state;
    CHECK_FILE("measure M \"t\" {\n"
               "  tier: )\n"
               "  when: a ]\n"
               "  cite: = 1\n"
               "  category: \"ok\"\n"
               "}\n",
               "MEASURE M \"t\" (has errors) @1:1\n"
               "  prop tier @2:3\n"
               "    ERROR @2:9\n"
               "  prop when @3:3\n"
               "    ERROR @3:9\n"
               "  prop cite @4:3\n"
               "    ERROR @4:9\n"
               "  prop category @5:3\n"
               "    STRING \"ok\" @5:13\n"
               "t.aeo:2:9: error[E0001]: unexpected ')', expected expression\n"
               "    2 |   tier: )\n"
               "      |         ^\n"
               "t.aeo:3:11: error[E0001]: unexpected ']', expected operator, name or '}'\n"
               "    3 |   when: a ]\n"
               "      |           ^\n"
               "t.aeo:4:9: error[E0001]: unexpected '=', expected expression\n"
               "    4 |   cite: = 1\n"
               "      |         ^\n");
}

static void test_fields_recovery(void **state) {
    (void)state;
    CHECK_DIAGS("facts e {\n"
                "  a: list<>\n"
                "  b string\n"
                "  c?: \"x\" | \n"
                "  d: int\n"
                "}\n",
                "2:11 E0001 unexpected '>', expected type\n"
                "3:5 E0001 unexpected identifier 'string', expected ':' or '?'\n"
                "5:3 E0001 unexpected identifier 'd', expected string\n");
}

static void test_unexpected_eof(void **state) {
    (void)state;
    CHECK_FILE("measure M \"t\" {\n"
               "  tier: a\n",
               "t.aeo:2:10: error[E0002]: unexpected end of file, expected '}'\n"
               "    2 |   tier: a\n"
               "      |          ^\n"
               "t.aeo:1:15: note: unclosed '{' opened here\n"
               "    1 | measure M \"t\" {\n"
               "      |               ^\n");
    CHECK_DIAGS("const x =", "1:10 E0002 unexpected end of file, expected expression\n");
    CHECK_DIAGS("const x = f(a, [1,", "1:19 E0002 unexpected end of file, expected ']'\n");
    /* A malformed literal does not hide a missing '}' after it... */
    CHECK_DIAGS("catalog c { a: 12abc",
                "1:16 E0004 malformed number '12abc'\n"
                "1:21 E0002 unexpected end of file, expected '}'\n");
    /* ...but a string that swallowed the rest of the file does. */
    CHECK_DIAGS("catalog c { a: '''x }", "1:16 E0002 unterminated string\n");
    CHECK_DIAGS("facts e { a: map<int", "1:21 E0002 unexpected end of file, expected ',', '<' or '>'\n");
}

static void test_syntax_messages(void **state) {
    (void)state;
    CHECK_DIAGS("x = 1\n", "1:1 E0001 unexpected identifier 'x', expected declaration\n");
    CHECK_DIAGS("const x = 1 2\n", "1:13 E0001 unexpected number '2', expected operator or declaration\n");
    CHECK_DIAGS("const 1 = 2\n", "1:7 E0001 unexpected number '1', expected identifier\n");
    CHECK_DIAGS("catalog c { a 1 }\n", "1:15 E0001 unexpected number '1', expected ':'\n");
    CHECK_DIAGS("catalog c { a: 1 ) }\n", "1:18 E0001 unexpected ')', expected operator, name or '}'\n");
    /* "x y" on one line: y starts a property, so the next line is where a
     * ':' was missed. */
    CHECK_DIAGS("catalog c {\n  a: x y\n  b: 1\n}\n", "3:3 E0001 unexpected identifier 'b', expected ':'\n");
    CHECK_DIAGS("const x = 1 12abc\n", "1:13 E0004 malformed number '12abc'\n");
    CHECK_DIAGS("test t {}\n", "1:6 E0001 unexpected identifier 't', expected string\n");
    CHECK_EXPR("f(a b)", "1:5 E0001 unexpected identifier 'b', expected operator, ',' or ')'\n");
    CHECK_EXPR("a.(b)", "1:3 E0001 unexpected '(', expected name\n");
    /* The words and signs of other languages, named with the CEL operator. */
    CHECK_EXPR("a = b", "1:3 E0001 '=' is not an operator in CEL; did you mean '=='?\n");
    CHECK_EXPR("a and b", "1:3 E0001 'and' is not an operator in CEL; did you mean '&&'?\n");
    CHECK_EXPR("a or b", "1:3 E0001 'or' is not an operator in CEL; did you mean '||'?\n");
    CHECK_EXPR("not a", "1:1 E0001 'not' is not an operator in CEL; did you mean '!'?\n");
    CHECK_EXPR("a.not b", "1:7 E0001 unexpected identifier 'b', expected operator or end of file\n");
    CHECK_DIAGS("catalog c {\n  a: x or\n    y\n}\n", "2:8 E0001 'or' is not an operator in CEL; did you mean '||'?\n");
    CHECK_DIAGS("facts e { or int }\n", "1:14 E0001 unexpected identifier 'int', expected ':' or '?'\n");
    CHECK_EXPR("measure", "1:1 E0001 unexpected 'measure', expected expression\n");
}

/* --- nesting limits ------------------------------------------------------------------------------ */

static char *repeat(const char *pre, const char *unit, size_t n, const char *mid, const char *unit2,
                    size_t n2, const char *post) {
    size_t a = strlen(pre), u = strlen(unit), m = strlen(mid), u2 = strlen(unit2), p = strlen(post);
    char *s = malloc(a + u * n + m + u2 * n2 + p + 1);
    char *q = s;
    memcpy(q, pre, a);
    q += a;
    for (size_t i = 0; i < n; i++, q += u) memcpy(q, unit, u);
    memcpy(q, mid, m);
    q += m;
    for (size_t i = 0; i < n2; i++, q += u2) memcpy(q, unit2, u2);
    memcpy(q, post, p + 1);
    return s;
}

static void test_nested_parens(void **state) {
    (void)state;
    char *text = repeat("const x = ", "(", 10000, "1", ")", 10000, "\nconst y = 2\n");
    char *out = file_diags(text, strlen(text));
    assert_string_equal(out, "1:9011 E0005 expression nested too deeply (limit 1000)\n");
    free(out);
    free(text);
}

static void test_depth_boundary(void **state) {
    (void)state;
    /* 999 brackets around 1: depth 1000, the limit, is fine. */
    char *text = repeat("", "[", 999, "1", "]", 999, "");
    env e;
    env_init(&e, text, strlen(text));
    aeo_expr *x = aeo_parse_expr(&e.src, e.file, &e.opts);
    assert_non_null(x);
    assert_int_equal(x->depth, 1000);
    assert_int_equal(e.diags.n, 0);
    env_free(&e);
    free(text);
    /* One more is too deep; one message per declaration. */
    text = repeat("const a = ", "[", 1000, "1", "]", 1000, "");
    char *text2 = repeat("\nconst b = ", "!", 1300, "x", "", 0, "\nconst c = 1");
    char *both = malloc(strlen(text) + strlen(text2) + 1);
    strcpy(both, text);
    strcat(both, text2);
    char *out = file_diags(both, strlen(both));
    assert_string_equal(out,
                        "1:11 E0005 expression nested too deeply (limit 1000)\n"
                        "2:11 E0005 expression nested too deeply (limit 1000)\n");
    free(out);
    free(both);
    free(text);
    free(text2);
}

static void test_many_prefix_ops(void **state) {
    (void)state;
    char *text = repeat("", "!", 100000, "a", "", 0, "");
    char *out = expr_out(text);
    assert_string_equal(out, "1:1 E0005 expression nested too deeply (limit 1000)\n");
    free(out);
    free(text);
    /* A run of '-' on a literal folds away entirely. */
    text = repeat("", "-", 100001, "7", "", 0, "");
    out = expr_out(text);
    assert_string_equal(out, "INT -7 @1:1\n= -7\n");
    free(out);
    free(text);
}

static void test_parser_stack_exhausted(void **state) {
    (void)state;
    /* Deeper than bison's stack allows: a diagnostic, no crash. */
    char *text = repeat("const x = ", "(", 200000, "", "", 0, "");
    env e;
    env_init(&e, text, strlen(text));
    aeo_file f;
    assert_false(aeo_parse_file(&e.src, e.file, &e.opts, &f));
    assert_int_equal(e.diags.n, 1);
    assert_int_equal(e.diags.items[0].code, AEO_E_TOO_DEEP);
    env_free(&e);
    free(text);
}

static void test_megabyte_lines(void **state) {
    (void)state;
    /* A 1 MB string, a 1 MB identifier, and a 1 MB line of a+a+...+a. */
    size_t n = 1 << 20;
    char *text = malloc(n + 32);
    strcpy(text, "const s = \"");
    memset(text + 11, 'x', n);
    strcpy(text + 11 + n, "\"");
    env e;
    env_init(&e, text, strlen(text));
    aeo_file f;
    assert_true(aeo_parse_file(&e.src, e.file, &e.opts, &f));
    assert_int_equal(f.decls[0].value->u.str.len, n);
    env_free(&e);

    strcpy(text, "const ");
    memset(text + 6, 'y', n);
    strcpy(text + 6 + n, " = 1");
    env_init(&e, text, strlen(text));
    assert_true(aeo_parse_file(&e.src, e.file, &e.opts, &f));
    assert_int_equal(strlen(f.decls[0].name), n);
    env_free(&e);
    free(text);

    text = repeat("const z = a", "+a", n / 2, "", "", 0, "");
    char *out = file_diags(text, strlen(text));
    assert_string_equal(out, "1:11 E0005 expression nested too deeply (limit 1000)\n");
    free(out);
    free(text);
}

/* --- entry points ------------------------------------------------------------------------------------ */

static void test_parse_expr_entry(void **state) {
    (void)state;
    env e;
    env_init(&e, "1 +", 3);
    assert_null(aeo_parse_expr(&e.src, e.file, &e.opts));
    assert_int_equal(e.diags.n, 1);
    assert_int_equal(e.diags.items[0].code, AEO_E_UNEXPECTED_EOF);
    env_free(&e);
    /* Without an id counter. */
    env_init(&e, "a.b", 3);
    e.opts.next_id = NULL;
    aeo_expr *x = aeo_parse_expr(&e.src, e.file, &e.opts);
    assert_non_null(x);
    assert_int_equal(x->kind, AEO_EXPR_SELECT);
    assert_int_equal(x->u.select.field_span.start, 2);
    assert_int_equal(x->u.select.field_span.end, 3);
    env_free(&e);
}

static void test_parse_repl_entry(void **state) {
    (void)state;
    env e;
    aeo_decl *d;
    aeo_expr *x;
    env_init(&e, "const k = [1]", 13);
    assert_true(aeo_parse_repl(&e.src, e.file, &e.opts, &d, &x));
    assert_non_null(d);
    assert_null(x);
    assert_int_equal(d->kind, AEO_DECL_CONST);
    assert_string_equal(d->name, "k");
    env_free(&e);

    env_init(&e, "{'a': 1}['a'] + 1", 17);
    assert_true(aeo_parse_repl(&e.src, e.file, &e.opts, &d, &x));
    assert_null(d);
    assert_non_null(x);
    assert_int_equal(x->kind, AEO_EXPR_BINARY);
    env_free(&e);

    /* Incomplete input: E0002 tells the REPL to read another line. */
    const char *more[] = {"measure M \"t\" {", "a &&", "'''open", "f(1,"};
    for (size_t i = 0; i < 4; i++) {
        env_init(&e, more[i], strlen(more[i]));
        assert_false(aeo_parse_repl(&e.src, e.file, &e.opts, &d, &x));
        assert_null(d);
        assert_null(x);
        assert_int_equal(e.diags.n, 1);
        assert_int_equal(e.diags.items[0].code, AEO_E_UNEXPECTED_EOF);
        env_free(&e);
    }
    /* A complete but wrong input is not a continuation. */
    env_init(&e, "a &&)", 5);
    assert_false(aeo_parse_repl(&e.src, e.file, &e.opts, &d, &x));
    assert_int_equal(e.diags.items[0].code, AEO_E_SYNTAX);
    env_free(&e);
}

static void test_design_example(void **state) {
    (void)state;
    /* The surface syntax of DESIGN.md section 2 parses without errors. */
    const char *text =
        "catalog shenyang_aeo_2021 {\n"
        "  title: \"Shenyang Customs Certified AEO Management Measures Catalog\"\n"
        "  authority: \"Shenyang Customs\"\n"
        "  published: \"2021-04-21\"\n"
        "  key: enterprise.uscc              // what names a record in output\n"
        "  scope: in_jurisdiction            // every measure also requires this\n"
        "}\n"
        "facts enterprise {\n"
        "  uscc: string\n"
        "  credit: \"advanced\" | \"general\" | \"standard\" | \"dishonest\"\n"
        "  certified_on?: timestamp          // '?' = may be absent\n"
        "  business_types: list<string>\n"
        "  address?: Address                 // nested record\n"
        "}\n"
        "record Address { province: string, city: string }\n"
        "const SHENYANG_AREA = [\"0801\", \"0802\"]\n"
        "def in_jurisdiction = enterprise.registered_customs in SHENYANG_AREA\n"
        "                      || enterprise.trades_in_liaoning\n"
        "tier advanced = enterprise.credit == \"advanced\"\n"
        "tier general  = enterprise.credit == \"general\"\n"
        "measure M01 \"Lower inspection rate\" {\n"
        "  tier: advanced                    // or [advanced, general] for both\n"
        "  when: !enterprise.under_investigation\n"
        "  unless: enterprise.violations_12m > 0   // exception; may repeat\n"
        "  cite: \"Shenyang catalog item 1; GACC Decree 251 art. 23\"\n"
        "  effective: \"2021-04-21\"\n"
        "}\n"
        "test \"advanced AEO registered in Shenyang\" {\n"
        "  as_of: \"2021-05-01\"\n"
        "  facts: { \"uscc\": \"91210100000000001X\", \"credit\": \"advanced\" }\n"
        "  expect: [M01, M02]\n"
        "  expect_only: [M01, M02, M03]\n"
        "}\n";
    env e;
    env_init(&e, text, strlen(text));
    aeo_file f;
    assert_true(aeo_parse_file(&e.src, e.file, &e.opts, &f));
    assert_int_equal(e.diags.n, 0);
    assert_int_equal(f.n_decls, 9);
    static const aeo_decl_kind kinds[] = {AEO_DECL_CATALOG, AEO_DECL_FACTS, AEO_DECL_RECORD,
                                          AEO_DECL_CONST,   AEO_DECL_DEF,   AEO_DECL_TIER,
                                          AEO_DECL_TIER,    AEO_DECL_MEASURE, AEO_DECL_TEST};
    for (uint32_t i = 0; i < 9; i++) assert_int_equal(f.decls[i].kind, kinds[i]);
    assert_int_equal(f.decls[0].n_props, 5);
    assert_int_equal(f.decls[1].n_fields, 5);
    assert_int_equal(f.decls[1].fields[1].type->kind, AEO_TYPE_ENUM);
    assert_int_equal(f.decls[1].fields[1].type->n_values, 4);
    assert_string_equal(f.decls[1].fields[1].type->values[3], "dishonest");
    assert_true(f.decls[1].fields[2].optional);
    assert_int_equal(f.decls[7].n_props, 5);
    assert_string_equal(f.decls[8].name, "advanced AEO registered in Shenyang");
    env_free(&e);
}

/* --- robustness ----------------------------------------------------------------------------------------- */

static uint32_t rng_state = 12345;

static uint32_t rng(void) {
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Parses [text] in all three modes; returns nothing, asserts consistency. */
static void parse_all_modes(const char *text, size_t len) {
    env e;
    env_init(&e, text, len);
    e.diags.max_errors = 50;
    aeo_file f;
    bool ok = aeo_parse_file(&e.src, e.file, &e.opts, &f);
    assert_true(ok == (e.diags.n_errors == 0));
    /* Everything the parser built can be dumped and printed. */
    FILE *null = fopen("/dev/null", "w");
    assert_non_null(null);
    aeo_ast_dump(null, &f, pos_fn, &e);
    aeo_diags_sort(&e.diags);
    aeo_diags_print(&e.diags, &e.src, null, true);
    aeo_diags_clear(&e.diags);
    aeo_expr *x = aeo_parse_expr(&e.src, e.file, &e.opts);
    assert_true((x != NULL) == (e.diags.n_errors == 0));
    if (x) aeo_expr_print(null, x);
    aeo_diags_clear(&e.diags);
    aeo_decl *d;
    ok = aeo_parse_repl(&e.src, e.file, &e.opts, &d, &x);
    assert_true(ok == (e.diags.n_errors == 0));
    if (ok) assert_true((d != NULL) != (x != NULL));
    fclose(null);
    env_free(&e);
}

static void test_fuzz_random_bytes(void **state) {
    (void)state;
    static const char alphabet[] = "abc(){}[]<>\"'\\!-+*/%=|&?:.,;# \n\t0123456789xuer_"
                                   "\x01\xff\xc3\xa9";
    char buf[400];
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = rng() % sizeof buf;
        bool raw = iter % 3 == 0;
        for (size_t i = 0; i < len; i++)
            buf[i] = raw ? (char)(rng() & 0xFF) : alphabet[rng() % (sizeof alphabet - 1)];
        parse_all_modes(buf, len);
    }
}

static void test_fuzz_truncated_and_mutated(void **state) {
    (void)state;
    const char *text =
        "catalog c { title: \"t\" key: e.id }\n"
        "facts e { id: string, n?: int, m: map<string, list<int>>, k: \"a\" | \"b\" }\n"
        "const K = [1, 2u, 3.5, b'\\x00', r'''x''', {\"a\": -9223372036854775808}]\n"
        "def d = e.n > 0 && !(e.id in K) || e.m[\"x\"].size() == 2 ? true : null\n"
        "measure M1 \"t\" { tier: [t1] when: d unless: .x.y(1) }\n"
        "test \"x\" { facts: {\"id\": \"1\"}, expect: [M1]; }\n";
    size_t n = strlen(text);
    /* Every prefix. */
    for (size_t len = 0; len <= n; len++) parse_all_modes(text, len);
    /* Every single-byte deletion, and random byte replacements. */
    char *buf = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, text, i);
        memcpy(buf + i, text + i + 1, n - i - 1);
        parse_all_modes(buf, n - 1);
    }
    static const char subst[] = "(){}[]\"'\\:;,.?|!-\n\xff";
    for (int iter = 0; iter < 1500; iter++) {
        memcpy(buf, text, n);
        for (int k = 0; k < 3; k++) buf[rng() % n] = subst[rng() % (sizeof subst - 1)];
        parse_all_modes(buf, n);
    }
    free(buf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_lines),
        cmocka_unit_test(test_source_load),
        cmocka_unit_test(test_diag_render_basic),
        cmocka_unit_test(test_diag_render_tabs_and_bytes),
        cmocka_unit_test(test_diag_render_edges),
        cmocka_unit_test(test_diag_render_gutter_and_color),
        cmocka_unit_test(test_diag_max_errors),
        cmocka_unit_test(test_diag_sort_and_table),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_ast_basics),
        cmocka_unit_test(test_print_round_trip),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_decl_catalog),
        cmocka_unit_test(test_decl_facts),
        cmocka_unit_test(test_decl_record_and_types),
        cmocka_unit_test(test_decl_const_def_tier),
        cmocka_unit_test(test_decl_measure),
        cmocka_unit_test(test_decl_test),
        cmocka_unit_test(test_decl_fields_of_structs),
        cmocka_unit_test(test_keywords_as_names),
        cmocka_unit_test(test_doc_comments),
        cmocka_unit_test(test_prec_or_and),
        cmocka_unit_test(test_prec_not_eq),
        cmocka_unit_test(test_prec_in_and),
        cmocka_unit_test(test_prec_conditional),
        cmocka_unit_test(test_prec_arith),
        cmocka_unit_test(test_unary_repeated),
        cmocka_unit_test(test_member_call_index),
        cmocka_unit_test(test_list_map_literals),
        cmocka_unit_test(test_int_literals),
        cmocka_unit_test(test_uint_literals),
        cmocka_unit_test(test_negative_folding),
        cmocka_unit_test(test_int_out_of_range),
        cmocka_unit_test(test_double_literals),
        cmocka_unit_test(test_malformed_numbers),
        cmocka_unit_test(test_int_then_member),
        cmocka_unit_test(test_quoted_field_names),
        cmocka_unit_test(test_string_simple_escapes),
        cmocka_unit_test(test_string_code_escapes),
        cmocka_unit_test(test_raw_strings),
        cmocka_unit_test(test_triple_strings),
        cmocka_unit_test(test_bytes_literals),
        cmocka_unit_test(test_bad_escapes),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_reserved_words),
        cmocka_unit_test(test_invalid_characters),
        cmocka_unit_test(test_three_errors_three_decls),
        cmocka_unit_test(test_three_errors_one_block),
        cmocka_unit_test(test_fields_recovery),
        cmocka_unit_test(test_unexpected_eof),
        cmocka_unit_test(test_syntax_messages),
        cmocka_unit_test(test_nested_parens),
        cmocka_unit_test(test_depth_boundary),
        cmocka_unit_test(test_many_prefix_ops),
        cmocka_unit_test(test_parser_stack_exhausted),
        cmocka_unit_test(test_megabyte_lines),
        cmocka_unit_test(test_parse_expr_entry),
        cmocka_unit_test(test_parse_repl_entry),
        cmocka_unit_test(test_design_example),
        cmocka_unit_test(test_fuzz_random_bytes),
        cmocka_unit_test(test_fuzz_truncated_and_mutated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
