/* handwritten: the Shenyang catalog's 28 conditions in plain C, the baseline
 * of `make bench` (see tests/bench/README.md).
 *
 *   handwritten [--as-of DATE] FILE            jsonl outcomes on stdout
 *   handwritten --micro PASSES [--as-of DATE] FILE
 *                                              evaluation alone, ns per record
 *
 * What a careful C programmer would write for this one catalog, with the same
 * JSON library as aeo (cJSON): the file is read in large blocks and split at
 * newlines with memchr, each line is parsed with cJSON_ParseWithLength, one
 * pass over the object's members picks the fields the schema declares (a
 * small hash table from key to field), and the 28 conditions are evaluated
 * with CEL's three-valued logic: a missing optional fact is unknown, false
 * decides && whatever the other side is, and an undecided measure names the
 * missing facts in the order CEL's evaluation meets them.  The output is
 * byte for byte what `aeo eval rules/shenyang --format jsonl` prints.
 *
 * Strictness on what the catalog needs: required fields present and not
 * null, every declared field of its declared type (bool, string, int exact
 * within ±(2^53-1), list<string>, the credit enum, dates as YYYY-MM-DD or
 * RFC 3339), duplicate declared keys.  A bad record gets an error line with
 * aeo's message for these cases.  What it does not do is aeo's RFC 8259
 * validation of the whole text (cJSON accepts leading zeros, invalid UTF-8,
 * trailing bytes, control characters in strings): that is one of the
 * guarantees aeo pays for, and a syntax error here gets a plainer message.
 *
 * Micro mode decodes every record once into compact structs, then evaluates
 * all 28 measures over every record PASSES times, so that only the
 * conditions are timed. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

/* ---- cJSON's allocations ------------------------------------------------------ */

/* cJSON allocates each node and string separately; a tree that is walked
 * once and dropped is cheaper in a bump allocator rewound per line (cJSON's
 * documented hooks).  aeo does the same, so both pay the same parser. */
static char *bump;
static size_t bump_used, bump_cap;

static void *bump_alloc(size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (bump_used + n > bump_cap) return malloc(n);   /* a huge record: left to malloc, never freed */
    void *p = bump + bump_used;
    bump_used += n;
    return p;
}

static void bump_free(void *p) {
    if ((char *)p < bump || (char *)p >= bump + bump_cap) free(p);
}

/* ---- the schema ------------------------------------------------------------ */

enum kind { K_STRING, K_CREDIT, K_BOOL, K_TS, K_LIST, K_INT };

/* Fields in schema order (the order of aeo's type-error checks). */
#define FIELDS(X)                                            \
    X(USCC, "uscc", K_STRING, 1)                             \
    X(CREDIT, "credit", K_CREDIT, 1)                         \
    X(REGISTERED_AREA, "registered_area", K_STRING, 1)       \
    X(DECLARES_IN_LIAONING, "declares_in_liaoning", K_BOOL, 1) \
    X(NAME, "name", K_STRING, 0)                             \
    X(CUSTOMS_CODE, "customs_code", K_STRING, 0)             \
    X(CERTIFIED_ON, "certified_on", K_TS, 0)                 \
    X(DOWNGRADED_ON, "downgraded_on", K_TS, 0)               \
    X(BUSINESS_TYPES, "business_types", K_LIST, 0)           \
    X(IMPORTS, "imports", K_BOOL, 0)                         \
    X(EXPORTS, "exports", K_BOOL, 0)                         \
    X(DECLARES_AT_SHENYANG_PORTS, "declares_at_shenyang_ports", K_BOOL, 0) \
    X(NEEDS_GUARANTEE, "needs_guarantee", K_BOOL, 0)         \
    X(GUARANTEE_ON_FILE, "guarantee_on_file", K_BOOL, 0)     \
    X(DUTY_PAYING_IMPORTS, "duty_paying_imports", K_BOOL, 0) \
    X(STATUTORY_INSPECTION_GOODS, "statutory_inspection_goods", K_BOOL, 0) \
    X(RELEASE_FIRST_GOODS, "release_first_goods", K_BOOL, 0) \
    X(FOOD_AGRI_EXPORTER, "food_agri_exporter", K_BOOL, 0)   \
    X(USES_ORIGIN_CERTIFICATES, "uses_origin_certificates", K_BOOL, 0) \
    X(MRA_MARKETS, "mra_markets", K_LIST, 0)                 \
    X(E_ACCOUNT_BOOK, "e_account_book", K_BOOL, 0)           \
    X(SELECTED_FOR_INSPECTION, "selected_for_inspection", K_BOOL, 0) \
    X(INSPECTION_FOUND_NO_IRREGULARITY, "inspection_found_no_irregularity", K_BOOL, 0) \
    X(PENDING_DETERMINATION, "pending_determination", K_BOOL, 0) \
    X(ADVANCE_RULING_APPLIED, "advance_ruling_applied", K_BOOL, 0) \
    X(DISRUPTION_DECLARED, "disruption_declared", K_BOOL, 0) \
    X(LAB_SAMPLING, "lab_sampling", K_BOOL, 0)               \
    X(PORT_INSPECTION, "port_inspection", K_BOOL, 0)         \
    X(DESTINATION_INSPECTION, "destination_inspection", K_BOOL, 0) \
    X(OPEN_VERIFICATION, "open_verification", K_BOOL, 0)     \
    X(SMUGGLING_CASE_OPEN, "smuggling_case_open", K_BOOL, 0) \
    X(CRIMINAL_CASE_OPEN, "criminal_case_open", K_BOOL, 0)   \
    X(VIOLATION_CASE_OPEN, "violation_case_open", K_BOOL, 0) \
    X(SUSPENSION_DECIDED, "suspension_decided", K_BOOL, 0)   \
    X(VIOLATIONS_12M, "violations_12m", K_INT, 0)            \
    X(FINES_12M_CNY, "fines_12m_cny", K_INT, 0)

enum {
#define X(id, name, kind, req) F_##id,
    FIELDS(X)
#undef X
    N_FIELDS
};

static const struct { const char *name; enum kind kind; bool required; } field[N_FIELDS] = {
#define X(id, name, kind, req) {name, kind, req},
    FIELDS(X)
#undef X
};

/* Paths named in undecided lists. */
static const char *const path[N_FIELDS] = {
#define X(id, name, kind, req) "enterprise." name,
    FIELDS(X)
#undef X
};

enum { CREDIT_ADVANCED, CREDIT_GENERAL, CREDIT_STANDARD, CREDIT_DISHONEST };
static const char *const credit_names[] = {"advanced", "general", "standard", "dishonest"};

/* Key -> field: open addressing over FNV-1a, 128 slots. */
static int8_t slot_field[128];

static uint32_t fnv(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void init_fields(void) {
    memset(slot_field, -1, sizeof slot_field);
    for (int f = 0; f < N_FIELDS; f++) {
        uint32_t i = fnv(field[f].name) & 127;
        while (slot_field[i] >= 0) i = (i + 1) & 127;
        slot_field[i] = (int8_t)f;
    }
}

static int lookup(const char *key) {
    uint32_t i = fnv(key) & 127;
    while (slot_field[i] >= 0) {
        if (strcmp(field[slot_field[i]].name, key) == 0) return slot_field[i];
        i = (i + 1) & 127;
    }
    return -1;
}

/* ---- dates -------------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" (midnight UTC) or RFC 3339; seconds since the epoch. */
static bool parse_ts(const char *s, int64_t *out) {
    size_t len = strlen(s);
    int y, m, d;
    if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int dim = mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
    if (d > dim) return false;
    int64_t t = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400;
    if (len > 10) {
        int h, mi, se;
        size_t i = 19;
        if (len < 20 || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) || s[13] != ':' ||
            !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se) || h > 23 || mi > 59 ||
            se > 59)
            return false;
        if (s[i] == '.') {
            int nd = 0;
            for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
                if (++nd > 9) return false;
            if (nd == 0) return false;
        }
        int64_t off = 0;
        if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            int oh, om;
            if (len - i < 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' || !digits(s + i + 4, 2, &om) ||
                oh > 23 || om > 59)
                return false;
            off = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
            i += 6;
        } else {
            return false;
        }
        if (i != len) return false;
        t += h * 3600 + mi * 60 + se - off;
    }
    /* 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
    if (t < -62135596800 || t > 253402300799) return false;
    *out = t;
    return true;
}

/* ---- a decoded record ------------------------------------------------------------ */

typedef struct rec {
    uint64_t present;      /* bit f: field f given (not null) */
    uint64_t truth;        /* bit f: bool field f is true */
    uint8_t credit;
    bool shenyang_area;    /* registered_area starts with "08" */
    bool processing;       /* "processing_trade" in business_types */
    bool any_mra;          /* size(mra_markets) > 0 */
    int64_t downgraded_on;
    const char *uscc;      /* end to end only: points into the cJSON tree */
} rec;

/* ---- output buffer --------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void grow(buf *b, size_t need) {
    if (b->n + need <= b->cap) return;
    while (b->n + need > b->cap) b->cap = b->cap ? b->cap * 2 : 1 << 16;
    b->p = realloc(b->p, b->cap);
    if (!b->p) {
        fputs("handwritten: out of memory\n", stderr);
        exit(2);
    }
}

static void put(buf *b, const char *s, size_t n) {
    grow(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_u64(buf *b, unsigned long long v) {
    char tmp[24];
    int i = 24;
    do tmp[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put(b, tmp + i, (size_t)(24 - i));
}

/* A JSON string literal, escaped as aeo escapes it. */
static void put_json(buf *b, const char *s) {
    grow(b, 6 * strlen(s) + 2);
    char *o = b->p + b->n;
    *o++ = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': *o++ = '\\'; *o++ = '"'; break;
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        case '\b': *o++ = '\\'; *o++ = 'b'; break;
        case '\f': *o++ = '\\'; *o++ = 'f'; break;
        default:
            if (c < 0x20) o += sprintf(o, "\\u%04x", c);
            else *o++ = (char)c;
        }
    }
    *o++ = '"';
    b->n = (size_t)(o - b->p);
}

/* ---- decoding with aeo's error messages -------------------------------------------- */

static char errmsg[512];

static bool fail(int f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(int f, const char *fmt, ...) {
    int n = snprintf(errmsg, sizeof errmsg, "enterprise.%s: ", field[f].name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg + n, sizeof errmsg - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static const char *json_kind(const cJSON *j) {
    if (cJSON_IsNull(j)) return "null";
    if (cJSON_IsBool(j)) return "bool";
    if (cJSON_IsNumber(j)) return "number";
    if (cJSON_IsString(j)) return "string";
    if (cJSON_IsArray(j)) return "array";
    return "object";
}

/* [s] quoted for a message: escaped, cut after 60 bytes. */
static const char *quote(const char *s, char *out) {
    size_t n = strlen(s), keep = n > 60 ? 60 : n;
    while (keep < n && keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { *o++ = '\\'; *o++ = (char)c; }
        else if (c < 0x20) o += sprintf(o, "\\u%04X", c);
        else *o++ = (char)c;
    }
    *o++ = '"';
    if (keep < n) { memcpy(o, "...", 3); o += 3; }
    *o = '\0';
    return out;
}

static bool decode(const cJSON *obj, rec *r) {
    const cJSON *found[N_FIELDS] = {0};
    for (const cJSON *c = obj->child; c; c = c->next) {
        int f = lookup(c->string);
        if (f < 0) continue;
        if (found[f]) return fail(f, "duplicate key");
        found[f] = c;
    }
    memset(r, 0, sizeof *r);
    char q[400];
    for (int f = 0; f < N_FIELDS; f++) {
        const cJSON *j = found[f];
        if (!j || cJSON_IsNull(j)) {
            if (field[f].required)
                return fail(f, "%s", j ? "required field is null" : "missing required field");
            continue;
        }
        switch (field[f].kind) {
        case K_BOOL:
            if (!cJSON_IsBool(j)) return fail(f, "expected %s, got %s", "bool", json_kind(j));
            if (cJSON_IsTrue(j)) r->truth |= UINT64_C(1) << f;
            break;
        case K_STRING:
            if (!cJSON_IsString(j)) return fail(f, "expected %s, got %s", "string", json_kind(j));
            if (f == F_USCC) r->uscc = j->valuestring;
            if (f == F_REGISTERED_AREA) r->shenyang_area = strncmp(j->valuestring, "08", 2) == 0;
            break;
        case K_CREDIT: {
            if (!cJSON_IsString(j)) return fail(f, "expected %s, got %s", "string", json_kind(j));
            int k = 0;
            while (k < 4 && strcmp(j->valuestring, credit_names[k]) != 0) k++;
            if (k == 4)
                return fail(f, "%s is not one of %s", quote(j->valuestring, q),
                            "\"advanced\", \"general\", \"standard\", \"dishonest\"");
            r->credit = (uint8_t)k;
            break;
        }
        case K_TS: {
            int64_t t;
            if (!cJSON_IsString(j)) return fail(f, "expected %s, got %s", "timestamp", json_kind(j));
            if (!parse_ts(j->valuestring, &t))
                return fail(f, "%s is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", quote(j->valuestring, q));
            if (f == F_DOWNGRADED_ON) r->downgraded_on = t;
            break;
        }
        case K_LIST: {
            if (!cJSON_IsArray(j)) return fail(f, "expected %s, got %s", "list<string>", json_kind(j));
            int i = 0;
            for (const cJSON *e = j->child; e; e = e->next, i++) {
                if (!cJSON_IsString(e)) {
                    snprintf(errmsg, sizeof errmsg, "enterprise.%s[%d]: expected string, got %s", field[f].name,
                             i, json_kind(e));
                    return false;
                }
                if (f == F_BUSINESS_TYPES && strcmp(e->valuestring, "processing_trade") == 0)
                    r->processing = true;
            }
            if (f == F_MRA_MARKETS) r->any_mra = i > 0;
            break;
        }
        case K_INT: {
            if (!cJSON_IsNumber(j)) return fail(f, "expected %s, got %s", "int", json_kind(j));
            double v = j->valuedouble;
            char num[32];
            if (v != trunc(v) || fabs(v) > 9007199254740991.0) {
                snprintf(num, sizeof num, "%.17g", v);
                if (v != trunc(v)) return fail(f, "%s is not an integer", num);
                return fail(f, "%s is beyond ±2^53-1, where JSON numbers stop being exact", num);
            }
            break;
        }
        }
        r->present |= UINT64_C(1) << f;
    }
    return true;
}

/* ---- CEL's three-valued logic ---------------------------------------------------------- */

/* false, true, or unknown naming up to 8 missing facts in first-seen order. */
typedef struct tri {
    uint8_t s;             /* 0 false, 1 true, 2 unknown */
    uint8_t n;
    uint8_t f[8];
} tri;

static const tri FALSE_ = {0, 0, {0}}, TRUE_ = {1, 0, {0}};

static inline tri known(bool b) { return b ? TRUE_ : FALSE_; }

static inline tri merge(tri a, tri b) {
    for (int i = 0; i < b.n; i++) {
        int k = 0;
        while (k < a.n && a.f[k] != b.f[i]) k++;
        if (k == a.n && a.n < 8) a.f[a.n++] = b.f[i];
    }
    return a;
}

/* CEL's commutative && and ||: the decisive value wins over unknowns. */
static inline tri and_(tri a, tri b) {
    if (a.s == 0 || b.s == 0) return FALSE_;
    if (a.s == 2) return b.s == 2 ? merge(a, b) : a;
    return b;
}

static inline tri or_(tri a, tri b) {
    if (a.s == 1 || b.s == 1) return TRUE_;
    if (a.s == 2) return b.s == 2 ? merge(a, b) : a;
    return b;
}

static inline tri not_(tri a) {
    if (a.s != 2) a.s = (uint8_t)!a.s;
    return a;
}

/* enterprise.<bool field>: unknown when absent. */
static inline tri fact(const rec *r, int f) {
    if (!(r->present >> f & 1)) {
        tri t = {2, 1, {(uint8_t)f}};
        return t;
    }
    return known(r->truth >> f & 1);
}

#define N_MEASURES 28
static const char *const measure_id[N_MEASURES] = {
    "M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "M09", "M10", "M11", "M12", "M13", "M14",
    "M15", "M16", "M17", "M18", "M19", "M20", "M21", "M22", "M23", "M24", "M25", "M26", "M27", "M28"};

/* Dates of the catalog: publication; the end of the general tier and the
 * start of Decree 251 are the same day (GENERAL_TIER_ENDS, DECREE_251_FROM). */
static int64_t as_of, effective_2021_04_21, general_tier_ends, decree_251_from;

/* The 28 outcomes of [r]. */
static void evaluate(const rec *r, tri *out) {
    /* def in_jurisdiction = registered_in_shenyang_area || enterprise.declares_in_liaoning */
    bool scope = r->shenyang_area || (r->truth >> F_DECLARES_IN_LIAONING & 1);
    bool in_force = as_of >= effective_2021_04_21;
    if (!scope || !in_force) {
        for (int m = 0; m < N_MEASURES; m++) out[m] = FALSE_;
        return;
    }
    /* tier advanced = credit == "advanced"; tier general = credit == "general" && as_of < 2021-11-01 */
    bool advanced = r->credit == CREDIT_ADVANCED;
    bool general = r->credit == CREDIT_GENERAL && as_of < general_tier_ends;
    bool both = advanced || general;
    /* def suspended = (as_of < DECREE_251_FROM && smuggling_case_open || by_decision)
     *              || (as_of >= DECREE_251_FROM && criminal_case_open || by_decision),
     * by_decision = violation_case_open && suspension_decided.  as_of is known, so one regime's
     * && is false and the || is the other regime's value. */
    int shall = as_of < decree_251_from ? F_SMUGGLING_CASE_OPEN : F_CRIMINAL_CASE_OPEN;
    tri not_suspended = not_(or_(fact(r, shall),
                                 and_(fact(r, F_VIOLATION_CASE_OPEN), fact(r, F_SUSPENSION_DECIDED))));
    tri processing = r->present >> F_BUSINESS_TYPES & 1 ? known(r->processing)
                                                        : (tri){2, 1, {F_BUSINESS_TYPES}};
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
    M(15, advanced, known(r->shenyang_area));
    M(16, advanced, fact(r, F_EXPORTS));
    M(17, advanced, known(r->shenyang_area));
    tri any_mra = r->present >> F_MRA_MARKETS & 1 ? known(r->any_mra) : (tri){2, 1, {F_MRA_MARKETS}};
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
static void put_values(buf *b, const rec *r, const tri *out) {
    bool advanced = r->credit == CREDIT_ADVANCED;
    puts_(b, ",\"values\":{");
    const char *sep = "";
    if (out[0].s == 1) { puts_(b, sep); puts_(b, advanced ? "\"M01\":20" : "\"M01\":50"); sep = ","; }
    if (out[2].s == 1) { puts_(b, sep); puts_(b, advanced ? "\"M03\":\"exempt\"" : "\"M03\":\"reduced\""); sep = ","; }
    if (out[3].s == 1) { puts_(b, sep); puts_(b, advanced ? "\"M04\":20" : "\"M04\":50"); }
    put(b, "}", 1);
}

static void put_outcomes(buf *b, unsigned long long recno, const rec *r, const tri *out) {
    puts_(b, "{\"record\":");
    put_u64(b, recno);
    puts_(b, ",\"key\":");
    put_json(b, r->uscc);
    static const char *const head[3] = {",\"not\":[", ",\"applies\":[", ",\"undecided\":{"};
    for (int s = 1; s != 3; s = s == 1 ? 0 : s == 0 ? 2 : 3) {
        if (s == 0) put_values(b, r, out);   /* "values" comes right after "applies" */
        puts_(b, head[s]);
        bool sep = false;
        for (int m = 0; m < N_MEASURES; m++) {
            if (out[m].s != s) continue;
            if (sep) put(b, ",", 1);
            sep = true;
            put(b, "\"", 1);
            put(b, measure_id[m], 3);
            put(b, "\"", 1);
            if (s == 2) {
                put(b, ":[", 2);
                for (int k = 0; k < out[m].n; k++) {
                    if (k) put(b, ",", 1);
                    put_json(b, path[out[m].f[k]]);
                }
                put(b, "]", 1);
            }
        }
        put(b, s == 2 ? "}" : "]", 1);
    }
    puts_(b, ",\"errors\":{}}\n");
}

/* ---- input: large blocks, split at newlines ----------------------------------------------- */

typedef struct lines {
    FILE *f;
    char *p;
    size_t start, end, cap;
    bool eof;
} lines;

/* The next line (without its newline), NUL-terminated in place; NULL at EOF. */
static char *next_line(lines *L, size_t *len) {
    for (;;) {
        char *nl = L->start < L->end ? memchr(L->p + L->start, '\n', L->end - L->start) : NULL;
        if (nl || (L->eof && L->start < L->end)) {
            char *s = L->p + L->start;
            size_t n = nl ? (size_t)(nl - s) : L->end - L->start;
            L->start += n + (nl ? 1 : 0);
            if (n && s[n - 1] == '\r') n--;
            s[n] = '\0';
            *len = n;
            return s;
        }
        if (L->eof) return NULL;
        /* Keep the partial line, then fill the rest of the block. */
        memmove(L->p, L->p + L->start, L->end - L->start);
        L->end -= L->start;
        L->start = 0;
        if (L->end + 1 >= L->cap) {
            L->cap *= 2;
            L->p = realloc(L->p, L->cap);
            if (!L->p) exit(2);
        }
        size_t got = fread(L->p + L->end, 1, L->cap - 1 - L->end, L->f);
        L->end += got;
        if (got == 0) L->eof = true;
    }
}

static bool blank(const char *s) {
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r') return false;
    return true;
}

static int64_t date(const char *s) {
    int64_t t;
    if (!parse_ts(s, &t)) {
        fprintf(stderr, "handwritten: bad date '%s'\n", s);
        exit(2);
    }
    return t;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *file = NULL, *as_of_text = NULL;
    long passes = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) as_of_text = argv[++i];
        else if (strcmp(argv[i], "--micro") == 0 && i + 1 < argc) passes = atol(argv[++i]);
        else file = argv[i];
    }
    if (!file) {
        fputs("usage: handwritten [--micro PASSES] [--as-of DATE] FILE\n", stderr);
        return 2;
    }
    init_fields();
    bump_cap = (size_t)64 << 20;
    bump = malloc(bump_cap);
    cJSON_Hooks hooks = {bump_alloc, bump_free};
    cJSON_InitHooks(&hooks);
    effective_2021_04_21 = date("2021-04-21");
    general_tier_ends = date("2021-11-01");
    decree_251_from = date("2021-11-01");
    if (as_of_text) {
        as_of = date(as_of_text);
    } else {
        time_t t = time(NULL);
        as_of = (int64_t)t / 86400 * 86400;
    }
    lines L = {fopen(file, "rb"), NULL, 0, 0, 1 << 20, false};
    if (!L.f) {
        perror(file);
        return 2;
    }
    L.p = malloc(L.cap);
    buf out = {0};
    unsigned long long recno = 0, bad = 0;
    tri outcome[N_MEASURES];
    rec *recs = NULL;
    size_t n_recs = 0, cap_recs = 0;
    char *line;
    size_t len;
    while ((line = next_line(&L, &len))) {
        if (blank(line)) continue;
        recno++;
        bump_used = 0;
        cJSON *j = cJSON_ParseWithLength(line, len);
        rec r;
        bool ok;
        if (!j || !cJSON_IsObject(j)) {
            snprintf(errmsg, sizeof errmsg, "line %llu: not a JSON object", recno);
            ok = false;
        } else {
            ok = decode(j, &r);
        }
        if (passes) {
            if (ok) {
                if (n_recs == cap_recs) {
                    cap_recs = cap_recs ? cap_recs * 2 : 1024;
                    recs = realloc(recs, cap_recs * sizeof *recs);
                }
                r.uscc = NULL;
                recs[n_recs++] = r;
            }
        } else if (ok) {
            evaluate(&r, outcome);
            put_outcomes(&out, recno, &r, outcome);
        } else {
            bad++;
            puts_(&out, "{\"record\":");
            put_u64(&out, recno);
            puts_(&out, ",\"error\":");
            put_json(&out, errmsg);
            puts_(&out, "}\n");
        }
        if (out.n > (1 << 16)) {
            fwrite(out.p, 1, out.n, stdout);
            out.n = 0;
        }
    }
    fwrite(out.p, 1, out.n, stdout);
    fclose(L.f);
    if (passes) {
        unsigned long long counts[3] = {0, 0, 0};
        double t0 = now();
        for (long p = 0; p < passes; p++) {
            for (size_t i = 0; i < n_recs; i++) {
                evaluate(&recs[i], outcome);
                for (int m = 0; m < N_MEASURES; m++) counts[outcome[m].s]++;
            }
        }
        double t = now() - t0;
        printf("handwritten micro: %zu records x %ld passes: %.1f ns per record (applies %llu, not %llu, "
               "undecided %llu)\n",
               n_recs, passes, t * 1e9 / ((double)n_recs * (double)passes), counts[1], counts[0], counts[2]);
    }
    free(recs);
    free(out.p);
    free(L.p);
    if (bad) fprintf(stderr, "handwritten: %llu of %llu records could not be read\n", bad, recno);
    return bad ? 1 : 0;
}
