/* In-file tests: running the `test` blocks of a catalog.
 *
 * A test binds a facts record (a map literal, decoded against the schema by
 * the same rules as JSON facts), evaluates every measure as of its date, and
 * compares with its expectations:
 *   expect            each listed measure applies
 *   expect_not        each listed measure does not apply
 *   expect_undecided  each listed measure is undecided (facts missing)
 *   expect_only       exactly the listed measures apply
 * A failure names the test, its file and line, and for each measure that
 * differs shows expected against actual with the values of the facts that
 * measure reads. */
#ifndef AEO_LANG_TESTRUN_H
#define AEO_LANG_TESTRUN_H

#include <stdbool.h>
#include <stdio.h>

#include "lang/catalog.h"

typedef enum { AEO_TEST_TEXT, AEO_TEST_TAP, AEO_TEST_JUNIT } aeo_test_format;

typedef struct aeo_test_opts {
    aeo_test_format format;
    const char *filter;        /* POSIX extended regex on test names, or NULL */
    bool has_as_of;            /* default as_of for tests without one */
    aeo_value as_of;
    bool color;
    bool coverage;             /* collect and report coverage */
    const char *coverage_json; /* write the coverage report as JSON here */
    double coverage_min;       /* fail below this percentage (0: no minimum) */
    bool suggest;              /* --suggest: after the coverage report, a test block for each gap
                                * (facts from lang/solve.h, expectations from evaluating them) */
} aeo_test_opts;

typedef struct aeo_test_summary {
    uint32_t passed, failed, skipped;
    double coverage;           /* percentage, when collected */
    bool coverage_low;         /* below coverage_min */
} aeo_test_summary;

/* Reports E0208 for every test whose facts do not fit the schema.  Needs a
 * compiled catalog; returns false if it reported anything. */
bool aeo_tests_check(aeo_catalog *c);

/* Coverage (with [o->coverage]): for each measure, whether some test made
 * it apply and some test made it not apply; for each leaf condition (an
 * operand of &&, || and ! in a measure's scope, tiers, when and unless,
 * followed into defs and tiers), whether some test saw it true and some
 * saw it false.  The percentage counts both sides of every measure and
 * every leaf.  The text report follows the test report; the JSON report
 * goes to [o->coverage_json].
 *
 * Runs the tests of the compiled catalog [c], writing the report to [out].
 * Returns false if the filter is not a valid regular expression (the
 * message goes to stderr). */
bool aeo_tests_run(aeo_catalog *c, const aeo_test_opts *o, FILE *out, aeo_test_summary *sum);

#endif
