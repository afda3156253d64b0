/* hw_shenyang.c: the Shenyang catalog's 28 conditions in plain C (hw.h), the
 * hand-written baseline of two shapes of `make bench`: rules/shenyang and
 * the flat catalog tests/bench/flat, which has the same outcomes.
 *
 * What a careful C programmer would write for this one catalog: CEL's
 * three-valued logic for the 28 conditions (a missing optional fact is
 * unknown, false decides && whatever the other side is), undecided measures
 * naming the missing facts in the order CEL's evaluation meets them, the
 * scope and the tiers tested first. */
#include <string.h>

#include "hw.h"

#define N_MEASURES 28
const unsigned hw_n_measures = N_MEASURES;
const char *const hw_measure_id[N_MEASURES] = {
    "M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "M09", "M10", "M11", "M12", "M13", "M14",
    "M15", "M16", "M17", "M18", "M19", "M20", "M21", "M22", "M23", "M24", "M25", "M26", "M27", "M28"};

/* Dates of the catalog: publication; the end of the general tier and the
 * start of Decree 251 are the same day (GENERAL_TIER_ENDS, DECREE_251_FROM). */
static int64_t as_of, effective_2021_04_21, general_tier_ends, decree_251_from;

static int64_t day(const char *s) {
    int64_t t = 0;
    hw_parse_ts(s, strlen(s), &t);
    return t;
}

void hw_init(int64_t when) {
    as_of = when;
    effective_2021_04_21 = day("2021-04-21");
    general_tier_ends = day("2021-11-01");
    decree_251_from = day("2021-11-01");
}

void hw_evaluate(const hw_rec *r, tri *out) {
    /* def in_jurisdiction = registered_in_shenyang_area || enterprise.declares_in_liaoning */
    bool shenyang_area = r->area_len >= 2 && r->area[0] == '0' && r->area[1] == '8';
    bool scope = shenyang_area || (r->truth >> F_DECLARES_IN_LIAONING & 1);
    bool in_force = as_of >= effective_2021_04_21;
    if (!scope || !in_force) {
        for (int m = 0; m < N_MEASURES; m++) out[m] = FALSE_;
        return;
    }
    /* tier advanced = credit == "advanced"; tier general = credit == "general" && as_of < 2021-11-01 */
    bool advanced = r->credit == CREDIT_ADVANCED;
    bool general = r->credit == CREDIT_GENERAL && as_of < general_tier_ends;
    bool both = advanced || general;
    if (!both) {
        for (int m = 0; m < N_MEASURES; m++) out[m] = FALSE_;
        return;
    }
    /* def suspended = (as_of < DECREE_251_FROM && smuggling_case_open || by_decision)
     *              || (as_of >= DECREE_251_FROM && criminal_case_open || by_decision),
     * by_decision = violation_case_open && suspension_decided.  as_of is known, so one regime's
     * && is false and the || is the other regime's value. */
    int shall = as_of < decree_251_from ? F_SMUGGLING_CASE_OPEN : F_CRIMINAL_CASE_OPEN;
    tri not_suspended = not_(or_(fact(r, shall),
                                 and_(fact(r, F_VIOLATION_CASE_OPEN), fact(r, F_SUSPENSION_DECIDED))));
    tri processing = r->present >> F_BUSINESS_TYPES & 1 ? known(r->business >> B_PROCESSING_TRADE & 1)
                                                        : missing(F_BUSINESS_TYPES);
#define M(i, tier, when) out[i] = (tier) ? and_((when), not_suspended) : FALSE_
    M(0, both, or_(fact(r, F_IMPORTS), fact(r, F_EXPORTS)));
    M(1, both, fact(r, F_DECLARES_AT_SHENYANG_PORTS));
    M(2, both, fact(r, F_NEEDS_GUARANTEE));
    M(3, both, fact(r, F_STATUTORY_INSPECTION_GOODS));
    M(4, both, and_(fact(r, F_EXPORTS), fact(r, F_USES_ORIGIN_CERTIFICATES)));
    M(5, both, fact(r, F_STATUTORY_INSPECTION_GOODS));
    M(6, both, fact(r, F_FOOD_AGRI_EXPORTER));
    M(7, both, and_(fact(r, F_DUTY_PAYING_IMPORTS), fact(r, F_GUARANTEE_ON_FILE)));
    M(8, both, and_(fact(r, F_SELECTED_FOR_INSPECTION), fact(r, F_INSPECTION_FOUND_NO_IRREGULARITY)));
    M(9, both, fact(r, F_SELECTED_FOR_INSPECTION));
    M(10, both, fact(r, F_PENDING_DETERMINATION));
    M(11, both, processing);
    M(12, both, fact(r, F_ADVANCE_RULING_APPLIED));
    /* M14 expires 2021-11-01; no_recent_downgrade = !has(downgraded_on) || as_of - downgraded_on >= 8760h */
    M(13, general && as_of < general_tier_ends,
      known(!(r->present >> F_DOWNGRADED_ON & 1) || as_of - r->downgraded_on >= 8760 * 3600));
    M(14, advanced, fact(r, F_NEEDS_GUARANTEE));
    M(15, advanced, known(shenyang_area));
    M(16, advanced, fact(r, F_EXPORTS));
    M(17, advanced, known(shenyang_area));
    tri any_mra = r->present >> F_MRA_MARKETS & 1 ? known(r->n_mra > 0) : missing(F_MRA_MARKETS);
    M(18, advanced, any_mra);
    M(19, advanced, TRUE_);
    M(20, advanced, fact(r, F_DISRUPTION_DECLARED));
    M(21, advanced, fact(r, F_LAB_SAMPLING));
    M(22, advanced, fact(r, F_PORT_INSPECTION));
    M(23, advanced, fact(r, F_DESTINATION_INSPECTION));
    M(24, advanced, and_(processing, fact(r, F_E_ACCOUNT_BOOK)));
    M(25, advanced, fact(r, F_OPEN_VERIFICATION));
    M(26, advanced, fact(r, F_PENDING_DETERMINATION));
    M(27, advanced, and_(fact(r, F_STATUTORY_INSPECTION_GOODS), fact(r, F_RELEASE_FIRST_GOODS)));
#undef M
}

/* The valued measures M01, M03 and M04: their cases read only the tier (and
 * as_of, for M01's cite), so an applying one grants its tier's value. */
static void values(buf *b, const hw_rec *r, const tri *out) {
    bool advanced = r->credit == CREDIT_ADVANCED;
    puts_(b, ",\"values\":{");
    const char *sep = "";
    if (out[0].s == 1) { puts_(b, sep); puts_(b, advanced ? "\"M01\":20" : "\"M01\":50"); sep = ","; }
    if (out[2].s == 1) { puts_(b, sep); puts_(b, advanced ? "\"M03\":\"exempt\"" : "\"M03\":\"reduced\""); sep = ","; }
    if (out[3].s == 1) { puts_(b, sep); puts_(b, advanced ? "\"M04\":20" : "\"M04\":50"); }
    put(b, "}", 1);
}

void (*const hw_values)(buf *b, const hw_rec *r, const tri *out) = values;
