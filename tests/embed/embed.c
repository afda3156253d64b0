/* An embedder of aeo, written against DESIGN §7.6 (the installed <aeo.h>)
 * and nothing else: it is compiled with `pkg-config --cflags --libs aeo`
 * after `make install PREFIX=build/MODE/embed/prefix` (tests/embed/run.sh).
 *
 *   embed [-q] RULES FACTS.jsonl AS_OF [BAD_RULES CHECK_OUTPUT CHECK_JSON]
 *
 * Loads the catalog once and evaluates every record of FACTS from TWO
 * threads sharing it (each with its own evaluator; thread t takes the
 * records t, t+2, t+4, ...), then prints each record's aeo_result_json in
 * input order on stdout: run.sh compares that with `aeo eval --format jsonl`
 * minus its "record" members.  On stderr, "ok NAME" / "not ok NAME" for the
 * direct asserts below; with BAD_RULES, that its load fails with exactly the
 * text of CHECK_OUTPUT (what `aeo check BAD_RULES` printed), and that
 * aeo_check_json gives CHECK_JSON (what `aeo check --format json` printed; cycles.aeo has 5 errors and the warning of a tier that checked).  -q: only the
 * threads (for catalogs other than rules/shenyang: tests/embed/shared.aeo). */
#define _POSIX_C_SOURCE 200809L   /* getline, strdup */

#include <aeo.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void check(int cond, const char *name) {
    fprintf(stderr, "%s %s\n", cond ? "ok" : "not ok", name);
    if (!cond) failures++;
}

static char **lines;
static size_t n_lines;
static char **results;
static const aeo_catalog *catalog;
static const char *as_of;

static size_t mismatches[2];   /* per thread: records whose accessors disagree with aeo_result_json */

/* Appends [s] to [b] as a JSON string (enough for IDs, paths and messages). */
static void put_json(char *b, size_t cap, const char *s) {
    size_t n = strlen(b);
    if (n + 1 < cap) b[n++] = '"';
    for (; *s && n + 3 < cap; s++) {
        if (*s == '"' || *s == '\\') b[n++] = '\\';
        b[n++] = *s;
    }
    if (n + 1 < cap) b[n++] = '"';
    b[n] = '\0';
}

/* Whether the catalog has a valued measure (aeo_measure_value_type). */
static int valued;

/* The outcome members of a result line, rebuilt from aeo_outcome_of,
 * aeo_value_json, aeo_missing_fact and aeo_error_message alone. */
static void outcomes_text(const aeo_evaluator *e, char *b, size_t cap) {
    static const char *const open[] = {",\"not\":[", ",\"applies\":[", ",\"undecided\":{", ",\"errors\":{"};
    static const aeo_outcome order[] = {AEO_APPLIES, AEO_NOT, AEO_UNDECIDED, AEO_ERROR};
    b[0] = '\0';
    for (size_t k = 0; k < 4; k++) {
        strncat(b, open[order[k]], cap - strlen(b) - 1);
        int first = 1;
        for (size_t i = 0; i < aeo_catalog_size(catalog); i++) {
            if (aeo_outcome_of(e, i) != order[k]) continue;
            if (!first) strncat(b, ",", cap - strlen(b) - 1);
            first = 0;
            put_json(b, cap, aeo_measure_id(catalog, i));
            if (order[k] == AEO_UNDECIDED) {
                strncat(b, ":[", cap - strlen(b) - 1);
                for (size_t m = 0; m < aeo_missing_count(e, i); m++) {
                    if (m) strncat(b, ",", cap - strlen(b) - 1);
                    put_json(b, cap, aeo_missing_fact(e, i, m));
                }
                strncat(b, "]", cap - strlen(b) - 1);
            } else if (order[k] == AEO_ERROR) {
                strncat(b, ":", cap - strlen(b) - 1);
                put_json(b, cap, aeo_error_message(e, i));
            }
        }
        strncat(b, k < 2 ? "]" : "}", cap - strlen(b) - 1);
        /* A catalog with valued measures: "values" after "applies". */
        if (k == 0 && valued) {
            strncat(b, ",\"values\":{", cap - strlen(b) - 1);
            int firstv = 1;
            for (size_t i = 0; i < aeo_catalog_size(catalog); i++) {
                const char *v = aeo_value_json(e, i);
                if (!v) continue;
                if (!firstv) strncat(b, ",", cap - strlen(b) - 1);
                firstv = 0;
                put_json(b, cap, aeo_measure_id(catalog, i));
                strncat(b, ":", cap - strlen(b) - 1);
                strncat(b, v, cap - strlen(b) - 1);
            }
            strncat(b, "}", cap - strlen(b) - 1);
        }
    }
    strncat(b, "}", cap - strlen(b) - 1);
}

static void *worker(void *arg) {
    size_t t = (size_t)arg;
    aeo_evaluator *e = aeo_evaluator_new(catalog);
    char mine[16384];
    for (size_t i = t; i < n_lines; i += 2) {
        int r = aeo_evaluate(e, lines[i], strlen(lines[i]), as_of);
        const char *json = aeo_result_json(e);
        /* Results live until the next call on e: copy them. */
        results[i] = strdup(r == 0 && json ? json : "evaluation failed");
        if (r == 0 && json) {
            outcomes_text(e, mine, sizeof mine);
            size_t n = strlen(json), m = strlen(mine);
            if (m > n || strcmp(json + n - m, mine) != 0) mismatches[t]++;
        }
    }
    aeo_evaluator_free(e);
    return NULL;
}

int main(int argc, char **argv) {
    int quick = argc > 1 && strcmp(argv[1], "-q") == 0;
    if (quick) {
        argv++;
        argc--;
    }
    if (argc != 4 && argc != 7) {
        fprintf(stderr, "usage: embed RULES FACTS.jsonl AS_OF [BAD_RULES CHECK_OUTPUT CHECK_JSON]\n");
        return 2;
    }
    as_of = argv[3];
    char *diags = NULL;
    const char *paths[] = {argv[1]};
    aeo_catalog *c = aeo_catalog_load(paths, 1, &diags);
    if (!c) {
        fprintf(stderr, "load failed:\n%s", diags ? diags : "");
        free(diags);
        return 1;
    }
    catalog = c;
    for (size_t i = 0; i < aeo_catalog_size(c); i++) valued |= aeo_measure_value_type(c, i) != NULL;
    if (!quick) check(diags == NULL, "a catalog that loads leaves no diagnostics");

    /* The catalog's shape. */
    if (!quick) check(aeo_catalog_size(c) == 28, "rules/shenyang has 28 measures");
    int in_order = 1;
    for (size_t i = 0; i < 28; i++) {
        char want[8];
        snprintf(want, sizeof want, "M%02zu", i + 1);
        const char *id = aeo_measure_id(c, i);
        if (!id || strcmp(id, want) != 0) in_order = 0;
    }
    if (!quick) {
        check(in_order, "measure ids are M01..M28 in declaration order");
        check(aeo_measure_id(c, 28) == NULL, "aeo_measure_id past the end is NULL");
        check(aeo_measure_value_type(c, 0) && strcmp(aeo_measure_value_type(c, 0), "int") == 0 && aeo_measure_unit(c, 0),
              "M01 is valued: an int, with a unit");
        check(aeo_measure_value_type(c, 2) && strcmp(aeo_measure_value_type(c, 2), "\"reduced\" | \"exempt\"") == 0,
              "M03 grants an enum value");
        check(aeo_measure_value_type(c, 1) == NULL && aeo_measure_unit(c, 1) == NULL, "M02 grants no value");
    }

    /* The facts, one record per line. */
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    size_t cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        if (line[len - 1] == '\n') line[len - 1] = '\0';
        if (n_lines == cap) {
            cap = cap ? 2 * cap : 1024;
            lines = realloc(lines, cap * sizeof *lines);
        }
        lines[n_lines++] = strdup(line);
    }
    free(line);
    fclose(f);
    results = calloc(n_lines + 1, sizeof *results);

    /* Two threads, one catalog. */
    pthread_t th[2];
    for (size_t t = 0; t < 2; t++) pthread_create(&th[t], NULL, worker, (void *)t);
    for (size_t t = 0; t < 2; t++) pthread_join(th[t], NULL);
    for (size_t i = 0; i < n_lines; i++) {
        puts(results[i]);
        free(results[i]);
    }
    free(results);
    check(mismatches[0] + mismatches[1] == 0,
          "every record's aeo_outcome_of, aeo_missing_fact and aeo_error_message agree with its result line");

    /* Direct asserts on known records (their outcomes as `aeo eval` gives
     * them on 2021-06-01). */
    aeo_evaluator *e = aeo_evaluator_new(c);
    if (!quick)
        check(aeo_result_json(e) == NULL && aeo_evaluator_error(e) == NULL, "nothing to report before an evaluation");
    if (!quick && n_lines >= 369) {
        /* Record 55: an advanced AEO to whom M01 applies and M05 does not. */
        int r = aeo_evaluate(e, lines[54], strlen(lines[54]), "2021-06-01");
        check(r == 0 && aeo_evaluator_error(e) == NULL, "record 55 evaluates");
        check(aeo_outcome_of(e, 0) == AEO_APPLIES, "record 55: M01 applies");
        check(aeo_outcome_of(e, 4) == AEO_NOT, "record 55: M05 does not");
        check(aeo_value_json(e, 0) && strcmp(aeo_value_json(e, 0), "20") == 0, "record 55: M01 grants 20 (an advanced AEO)");
        check(aeo_value_json(e, 4) == NULL, "record 55: M05, which does not apply, grants nothing");
        check(aeo_value_json(e, 1) == NULL, "record 55: M02, a yes/no measure, grants nothing");
        /* Record 369: M10 is undecided for want of one fact. */
        r = aeo_evaluate(e, lines[368], strlen(lines[368]), "2021-06-01");
        check(r == 0 && aeo_outcome_of(e, 9) == AEO_UNDECIDED, "record 369: M10 is undecided");
        check(aeo_missing_count(e, 9) == 1 && strcmp(aeo_missing_fact(e, 9, 0), "enterprise.selected_for_inspection") == 0,
              "record 369: M10 misses enterprise.selected_for_inspection");
        check(aeo_missing_count(e, 0) == 0 && aeo_error_message(e, 9) == NULL, "only undecided measures miss facts");
        /* Before the catalog's measures were in force: nothing applies. */
        r = aeo_evaluate(e, lines[54], strlen(lines[54]), "2020-01-01T00:00:00Z");
        check(r == 0 && aeo_outcome_of(e, 0) == AEO_NOT, "record 55 on 2020-01-01 (RFC 3339): M01 not in force");
    }
    if (quick) goto done;
    /* A record that is not JSON, and one that breaks the schema. */
    const char *bad = "{\"uscc\": ";
    check(aeo_evaluate(e, bad, strlen(bad), "2021-06-01") == -1, "a truncated record gives -1");
    const char *msg = aeo_evaluator_error(e);
    check(msg && strstr(msg, "line 1, column") != NULL, "... with a message naming the column");
    check(aeo_result_json(e) && strncmp(aeo_result_json(e), "{\"error\":", 9) == 0, "... and an error result line");
    const char *wrong = "{\"uscc\": 5}";
    check(aeo_evaluate(e, wrong, strlen(wrong), "2021-06-01") == -1, "a schema error gives -1");
    msg = aeo_evaluator_error(e);
    check(msg && strcmp(msg, "enterprise.uscc: expected string, got number") == 0, "... naming the field path");
    check(aeo_outcome_of(e, 0) == AEO_ERROR, "no outcomes after a failed evaluation");
    /* A bad date. */
    check(aeo_evaluate(e, lines[0], strlen(lines[0]), "June 2021") == -1, "a bad as_of gives -1");
    msg = aeo_evaluator_error(e);
    check(msg && strstr(msg, "'June 2021'") != NULL, "... naming it");
    check(aeo_evaluate(e, lines[0], strlen(lines[0]), NULL) == 0, "as_of NULL (today) evaluates");

    /* Loading something that does not exist or does not check. */
    const char *none[] = {"tests/embed/no-such-dir"};
    char *d2 = NULL;
    check(aeo_catalog_load(none, 1, &d2) == NULL && d2 && strstr(d2, "no-such-dir") != NULL,
          "a missing path fails to load, with a message");
    free(d2);
    if (argc == 7) {
        static char want[65536];
        FILE *w = fopen(argv[6], "r");
        size_t n = w ? fread(want, 1, sizeof want - 1, w) : 0;
        want[n] = '\0';
        if (w) fclose(w);
        const char *check_paths[] = {argv[4]};
        size_t n_err = 0, n_warn = 99;
        char *json = aeo_check_json(check_paths, 1, &n_err, &n_warn);
        check(json && n > 0 && strcmp(json, want) == 0 && n_err == 5 && n_warn == 1,
              "aeo_check_json gives aeo check --format json's lines and the counts");
        free(json);
        const char *clean[] = {"rules/shenyang"};
        json = aeo_check_json(clean, 1, &n_err, &n_warn);
        check(json && json[0] == '\0' && n_err == 0 && n_warn == 0, "aeo_check_json on rules/shenyang: no diagnostics");
        free(json);
        check(aeo_check_json(none, 1, NULL, NULL) == NULL, "aeo_check_json on a missing path: NULL");
        w = fopen(argv[5], "r");
        n = w ? fread(want, 1, sizeof want - 1, w) : 0;
        want[n] = '\0';
        if (w) fclose(w);
        const char *bad_paths[] = {argv[4]};
        d2 = NULL;
        check(aeo_catalog_load(bad_paths, 1, &d2) == NULL && d2 && n > 0 && strcmp(d2, want) == 0,
              "a catalog with errors fails to load, with the text aeo check prints");
        if (d2 && strcmp(d2, want) != 0) fprintf(stderr, "got:\n%s\nwant:\n%s\n", d2, want);
        free(d2);
    }

done:
    aeo_evaluator_free(e);
    for (size_t i = 0; i < n_lines; i++) free(lines[i]);
    free(lines);
    aeo_catalog_free(c);
    return failures ? 1 : 0;
}
