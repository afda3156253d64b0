/* Timestamps and durations: RFC 3339 and Go-duration parsing and printing,
 * normalisation, the proleptic Gregorian calendar and time zones.
 *
 * All calendar work is integer day arithmetic (days since 1970-01-01), so no
 * libc time function, TZ environment variable or locale is involved.
 *
 * Time zones come in three forms: UTC, fixed offsets ("+08:00") and IANA
 * names.  An IANA zone is read from the compiled TZif file under
 * /usr/share/zoneinfo (RFC 8536): the list of transition instants with the
 * UTC offset each one starts, plus, in version 2+ files, a POSIX TZ rule
 * ("EST5EDT,M3.2.0,M11.1.0") that governs every instant after the last
 * listed transition.  Debian ships "fat" files with transitions up to 2037,
 * but "slim" files stop much earlier and rely on that rule, so both are
 * implemented.  Leap-second ("right/") zones are read as ordinary zones,
 * i.e. their leap seconds are ignored.
 *
 * Parsed zones are kept in a small process-wide cache behind a mutex: the
 * only global mutable state in the runtime.  A lookup holds the mutex while it
 * computes the offset, so cached zones are never used unlocked and
 * aeo_time_zone_cache_clear is safe at any time. */
#include "runtime/celtime.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/arena.h"

#define NANOS INT64_C(1000000000)
#define DAY INT64_C(86400)

/* ---- small helpers ------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Exactly [n] ASCII digits at [s] as a number. */
static bool fixed_digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(int64_t y, unsigned m) {
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29u : dim[m - 1];
}

/* ---- calendar ----------------------------------------------------------- */

/* The civil <-> day-number conversions shift the year to start on March 1,
 * so the leap day is the last day of the shifted year and month lengths
 * follow a regular 153-days-per-5-months pattern.  Years are grouped into
 * 400-year eras of exactly 146097 days, which keeps the arithmetic exact and
 * branch-free for any year (the method described by Howard Hinnant). */
int64_t aeo_time_days_from_civil(int64_t y, unsigned m, unsigned d) {
    if (m <= 2) y--;                                   /* Jan, Feb belong to the previous shifted year */
    int64_t era = floor_div(y, 400);
    unsigned yoe = (unsigned)(y - era * 400);          /* year of era, 0..399 */
    unsigned mp = m > 2 ? m - 3 : m + 9;               /* month from March, 0..11 */
    unsigned doy = (153 * mp + 2) / 5 + d - 1;         /* day of shifted year, 0..365 */
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* day of era, 0..146096 */
    return era * 146097 + (int64_t)doe - 719468;       /* 719468: 0000-03-01 to 1970-01-01 */
}

void aeo_time_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d) {
    days += 719468;
    int64_t era = floor_div(days, 146097);
    unsigned doe = (unsigned)(days - era * 146097);
    /* Year of era: remove the leap days that precede doe, then divide. */
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* ---- normalisation ------------------------------------------------------ */

/* sec + carry without signed overflow. */
static bool add_carry(int64_t *sec, int64_t carry) {
    if (carry > 0 && *sec > INT64_MAX - carry) return false;
    if (carry < 0 && *sec < INT64_MIN - carry) return false;
    *sec += carry;
    return true;
}

bool aeo_time_norm_timestamp(int64_t *sec, int32_t *nanos) {
    int64_t s = *sec;
    if (!add_carry(&s, floor_div(*nanos, NANOS))) return false;
    if (s < AEO_TS_MIN_SECONDS || s > AEO_TS_MAX_SECONDS) return false;
    *sec = s;
    *nanos = (int32_t)floor_mod(*nanos, NANOS);
    return true;
}

bool aeo_time_norm_duration(int64_t *sec, int32_t *nanos) {
    int64_t s = *sec, n = *nanos;
    if (!add_carry(&s, n / NANOS)) return false;
    n %= NANOS;
    /* Give nanos the sign of seconds. */
    if (s > 0 && n < 0) {
        s--;
        n += NANOS;
    } else if (s < 0 && n > 0) {
        s++;
        n -= NANOS;
    }
    if (!aeo_time_duration_in_range(s, (int32_t)n)) return false;
    *sec = s;
    *nanos = (int32_t)n;
    return true;
}

bool aeo_time_duration_in_range(int64_t sec, int32_t nanos) {
    if (sec > -AEO_DUR_MAX_SECONDS && sec < AEO_DUR_MAX_SECONDS) return true;
    if (sec == AEO_DUR_MAX_SECONDS) return nanos <= AEO_DUR_MAX_NANOS;
    if (sec == -AEO_DUR_MAX_SECONDS) return nanos >= -AEO_DUR_MAX_NANOS - 1;
    return false;
}

/* ---- timestamps --------------------------------------------------------- */

/* Parses "YYYY-MM-DD" at s (10 bytes) into a day number. */
static bool parse_date(const char *s, int64_t *days) {
    int y, m, d;
    if (!fixed_digits(s, 4, &y) || s[4] != '-' || !fixed_digits(s + 5, 2, &m) ||
        s[7] != '-' || !fixed_digits(s + 8, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || (unsigned)d > days_in_month(y, (unsigned)m)) return false;
    *days = aeo_time_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

bool aeo_time_parse_timestamp(const char *s, size_t len, int64_t *sec, int32_t *nanos) {
    int64_t days;
    if (len < 10 || !parse_date(s, &days)) return false;
    int64_t t = days * DAY;
    int32_t ns = 0;
    if (len > 10) {
        /* THH:MM:SS[.fraction](Z|±HH:MM) */
        int h, mi, se;
        size_t i = 19;
        if (len < 20 || (s[10] != 'T' && s[10] != 't') || !fixed_digits(s + 11, 2, &h) ||
            s[13] != ':' || !fixed_digits(s + 14, 2, &mi) || s[16] != ':' ||
            !fixed_digits(s + 17, 2, &se))
            return false;
        if (h > 23 || mi > 59 || se > 59) return false;
        if (s[i] == '.') {
            int nd = 0;
            for (i++; i < len && is_digit(s[i]); i++, nd++) {
                if (nd == 9) return false;
                ns = ns * 10 + (s[i] - '0');
            }
            if (nd == 0) return false;
            for (; nd < 9; nd++) ns *= 10;
        }
        int64_t off = 0;
        if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            int oh, om;
            if (len - i < 6 || !fixed_digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
                !fixed_digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
                return false;
            off = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
            i += 6;
        } else {
            return false;
        }
        if (i != len) return false;
        t += h * 3600 + mi * 60 + se - off;
    }
    if (t < AEO_TS_MIN_SECONDS || t > AEO_TS_MAX_SECONDS) return false;
    *sec = t;
    *nanos = ns;
    return true;
}

/* Appends ".fraction" for [nanos] in (0, 1e9): 3, 6 or 9 digits, the
 * fewest that are exact (the protobuf JSON convention). */
static int put_fraction3(char *buf, int32_t nanos) {
    if (nanos % 1000000 == 0) return sprintf(buf, ".%03d", (int)(nanos / 1000000));
    if (nanos % 1000 == 0) return sprintf(buf, ".%06d", (int)(nanos / 1000));
    return sprintf(buf, ".%09d", (int)nanos);
}

int aeo_time_format_timestamp(int64_t sec, int32_t nanos, char *buf) {
    int64_t days = floor_div(sec, DAY), rem = floor_mod(sec, DAY), y;
    unsigned m, d;
    aeo_time_civil_from_days(days, &y, &m, &d);
    int n = sprintf(buf, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d,
                    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    if (nanos > 0 && nanos < NANOS) n += put_fraction3(buf + n, nanos);
    buf[n++] = 'Z';
    buf[n] = '\0';
    return n;
}

/* ---- durations ---------------------------------------------------------- */

/* A duration unit as mult * 10^exp nanoseconds. */
typedef struct {
    const char *name;
    int64_t mult;
    int exp;
} dur_unit;

static const dur_unit dur_units[] = {
    {"ns", 1, 0},  {"us", 1, 3},  {"\xC2\xB5s", 1, 3} /* U+00B5 micro sign */,
    {"\xCE\xBCs", 1, 3} /* U+03BC Greek mu */, {"ms", 1, 6}, {"s", 1, 9},
    {"m", 6, 10},  {"h", 36, 11},
};

static const int64_t pow10s[19] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
    INT64_C(10000000000), INT64_C(100000000000), INT64_C(1000000000000),
    INT64_C(10000000000000), INT64_C(100000000000000), INT64_C(1000000000000000),
    INT64_C(10000000000000000), INT64_C(100000000000000000),
    INT64_C(1000000000000000000)};

/* Fraction digits kept per component: 17 keeps f * 36 inside int64 and is
 * far below a nanosecond for every unit (Go keeps fewer). */
#define MAX_FRAC_DIGITS 17

/* Adds [v].[f] (f with [fd] digits) of [u] to the running total (seconds,
 * nanos in [0, 1e9)).  Returns false when the total leaves the range. */
static bool dur_add(int64_t *ts, int64_t *tn, uint64_t v, int64_t f, int fd, const dur_unit *u) {
    const int64_t limit = AEO_DUR_MAX_SECONDS + 1;
    int64_t s, n;
    if (u->exp >= 9) {
        int64_t per = u->mult * pow10s[u->exp - 9];      /* seconds per unit */
        if (v > (uint64_t)(limit / per)) return false;
        s = (int64_t)v * per;
        n = 0;
    } else {
        int64_t per = pow10s[9 - u->exp];                /* units per second */
        s = (int64_t)(v / (uint64_t)per);
        if (s > limit) return false;
        n = (int64_t)(v % (uint64_t)per) * pow10s[u->exp];
    }
    /* The fraction in nanoseconds: floor(f * mult * 10^exp / 10^fd), which
     * is below one unit, i.e. at most 3.6e12 ns for hours. */
    int64_t fn = fd <= u->exp ? f * u->mult * pow10s[u->exp - fd]
                              : f * u->mult / pow10s[fd - u->exp];
    s += fn / NANOS;
    n += fn % NANOS;
    *ts += s + n / NANOS;
    *tn += n % NANOS;
    *ts += *tn / NANOS;
    *tn %= NANOS;
    return *ts <= limit;
}

bool aeo_time_parse_duration(const char *s, size_t len, int64_t *sec, int32_t *nanos) {
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '-' || s[i] == '+')) {
        neg = s[i] == '-';
        i++;
    }
    if (len - i == 1 && s[i] == '0') {
        *sec = 0;
        *nanos = 0;
        return true;
    }
    if (i == len) return false;
    int64_t ts = 0, tn = 0;
    while (i < len) {
        /* [0-9]*(\.[0-9]*)?unit, with at least one digit */
        uint64_t v = 0;
        bool pre = false, post = false;
        for (; i < len && is_digit(s[i]); i++) {
            if (v > (UINT64_MAX - 9) / 10) return false;
            v = v * 10 + (uint64_t)(s[i] - '0');
            pre = true;
        }
        int64_t f = 0;
        int fd = 0;
        if (i < len && s[i] == '.') {
            for (i++; i < len && is_digit(s[i]); i++) {
                post = true;
                if (fd < MAX_FRAC_DIGITS) {
                    f = f * 10 + (s[i] - '0');
                    fd++;
                }
            }
        }
        if (!pre && !post) return false;
        /* The unit is everything up to the next digit or '.', as in Go. */
        size_t u0 = i;
        while (i < len && s[i] != '.' && !is_digit(s[i])) i++;
        const dur_unit *unit = NULL;
        for (size_t k = 0; k < sizeof dur_units / sizeof dur_units[0]; k++) {
            if (strlen(dur_units[k].name) == i - u0 &&
                memcmp(dur_units[k].name, s + u0, i - u0) == 0) {
                unit = &dur_units[k];
                break;
            }
        }
        if (!unit || !dur_add(&ts, &tn, v, f, fd, unit)) return false;
    }
    if (ts > AEO_DUR_MAX_SECONDS ||
        (ts == AEO_DUR_MAX_SECONDS && tn > AEO_DUR_MAX_NANOS + (neg ? 1 : 0)))
        return false;
    *sec = neg ? -ts : ts;
    *nanos = (int32_t)(neg ? -tn : tn);
    return true;
}

int aeo_time_format_duration(int64_t sec, int32_t nanos, char *buf) {
    bool neg = sec < 0 || nanos < 0;
    /* Magnitudes as unsigned, so even INT64_MIN would not overflow. */
    uint64_t s = neg ? (uint64_t)0 - (uint64_t)sec : (uint64_t)sec;
    uint32_t n = (uint32_t)(nanos < 0 ? -(int64_t)nanos : nanos);
    int len = sprintf(buf, "%s%llu", neg ? "-" : "", (unsigned long long)s);
    if (n) {
        len += sprintf(buf + len, ".%09u", (unsigned)n);
        while (buf[len - 1] == '0') len--;
    }
    buf[len++] = 's';
    buf[len] = '\0';
    return len;
}

/* ---- POSIX TZ rules (the TZif footer) ----------------------------------- */

/* When a DST change happens: a date rule plus a local time of day. */
typedef struct {
    char kind;        /* 'J': Julian 1..365 without Feb 29; 'N': 0..365; 'M': month.week.day */
    int month, week, wday, day;
    int32_t time;     /* seconds after local midnight; may be negative or > 24h */
} tz_when;

typedef struct {
    int32_t std_off, dst_off;   /* seconds east of UTC */
    bool has_dst;
    tz_when start, end;
} tz_rule;

/* A zone abbreviation: alphabetic, or anything but '>' inside <...>. */
static bool rule_name(const char **p) {
    const char *s = *p;
    if (*s == '<') {
        while (*s && *s != '>') s++;
        if (*s != '>') return false;
        *p = s + 1;
        return true;
    }
    const char *start = s;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) s++;
    if (s - start < 3) return false;
    *p = s;
    return true;
}

/* [+-]hh[:mm[:ss]] in seconds; hours up to 167 (RFC 8536 extension). */
static bool rule_hms(const char **p, int32_t *out) {
    const char *s = *p;
    int sign = 1;
    if (*s == '+' || *s == '-') sign = *s++ == '-' ? -1 : 1;
    int32_t v[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        if (k && *s != ':') break;
        if (k) s++;
        if (!is_digit(*s)) return false;
        int digits = 0;
        for (; is_digit(*s) && digits < 3; s++, digits++) v[k] = v[k] * 10 + (*s - '0');
    }
    if (v[0] > 167 || v[1] > 59 || v[2] > 59) return false;
    *out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
    *p = s;
    return true;
}

static bool rule_num(const char **p, int *out, int lo, int hi) {
    const char *s = *p;
    int v = 0, digits = 0;
    for (; is_digit(*s) && digits < 4; s++, digits++) v = v * 10 + (*s - '0');
    if (!digits || v < lo || v > hi) return false;
    *out = v;
    *p = s;
    return true;
}

static bool rule_when(const char **p, tz_when *w) {
    const char *s = *p;
    memset(w, 0, sizeof *w);
    if (*s == 'M') {
        s++;
        w->kind = 'M';
        if (!rule_num(&s, &w->month, 1, 12) || *s++ != '.' || !rule_num(&s, &w->week, 1, 5) ||
            *s++ != '.' || !rule_num(&s, &w->wday, 0, 6))
            return false;
    } else if (*s == 'J') {
        s++;
        w->kind = 'J';
        if (!rule_num(&s, &w->day, 1, 365)) return false;
    } else {
        w->kind = 'N';
        if (!rule_num(&s, &w->day, 0, 365)) return false;
    }
    w->time = 2 * 3600;
    if (*s == '/') {
        s++;
        if (!rule_hms(&s, &w->time)) return false;
    }
    *p = s;
    return true;
}

/* Parses a POSIX TZ string such as "CST-8" or "EST5EDT,M3.2.0,M11.1.0". */
static bool rule_parse(const char *s, tz_rule *r) {
    memset(r, 0, sizeof *r);
    int32_t off;
    if (!rule_name(&s) || !rule_hms(&s, &off)) return false;
    r->std_off = -off;                 /* POSIX offsets count west of UTC */
    if (!*s) return true;
    if (!rule_name(&s)) return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!rule_hms(&s, &off)) return false;
        r->dst_off = -off;
    }
    if (!*s) {
        /* No rule given: the POSIX default, the US rule. */
        r->start = (tz_when){'M', 3, 2, 0, 0, 7200};
        r->end = (tz_when){'M', 11, 1, 0, 0, 7200};
        return true;
    }
    if (*s++ != ',' || !rule_when(&s, &r->start) || *s++ != ',' || !rule_when(&s, &r->end))
        return false;
    return *s == '\0';
}

/* Seconds from 1970-01-01T00:00 (local wall clock) to [w] in [year]. */
static int64_t rule_local(const tz_when *w, int64_t year) {
    int64_t days;
    if (w->kind == 'J') {
        /* 1..365, February 29 never counted. */
        days = aeo_time_days_from_civil(year, 1, 1) + w->day - 1;
        if (is_leap(year) && w->day >= 60) days++;
    } else if (w->kind == 'N') {
        days = aeo_time_days_from_civil(year, 1, 1) + w->day;
    } else {
        int64_t first = aeo_time_days_from_civil(year, (unsigned)w->month, 1);
        int wd_first = (int)floor_mod(first + 4, 7);   /* 1970-01-01 was a Thursday */
        int64_t d = (w->wday - wd_first + 7) % 7 + (int64_t)(w->week - 1) * 7;
        int64_t dim = days_in_month(year, (unsigned)w->month);
        while (d >= dim) d -= 7;                         /* week 5 = the last one */
        days = first + d;
    }
    return days * DAY + w->time;
}

static int32_t rule_offset(const tz_rule *r, int64_t t) {
    if (!r->has_dst) return r->std_off;
    int64_t y;
    unsigned m, d;
    aeo_time_civil_from_days(floor_div(t + r->std_off, DAY), &y, &m, &d);
    /* The start time is given in standard time, the end in daylight time. */
    int64_t start = rule_local(&r->start, y) - r->std_off;
    int64_t end = rule_local(&r->end, y) - r->dst_off;
    bool dst = start < end ? (t >= start && t < end)      /* northern hemisphere */
                           : !(t >= end && t < start);    /* southern: DST spans new year */
    return dst ? r->dst_off : r->std_off;
}

/* ---- TZif files --------------------------------------------------------- */

typedef struct tz_zone {
    char *name;
    uint32_t n_trans, n_types;
    int64_t *trans;        /* transition instants, ascending */
    uint8_t *trans_type;   /* index into utoff for each transition */
    int32_t *utoff;        /* UTC offset of each local time type */
    bool has_rule;
    tz_rule rule;
} tz_zone;

static void zone_free(tz_zone *z) {
    if (!z) return;
    free(z->name);
    free(z->trans);
    free(z->trans_type);
    free(z->utoff);
    free(z);
}

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p) {
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The counts of a TZif header at p; false if malformed. */
typedef struct {
    uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

static bool tzif_header(const unsigned char *p, size_t n, tzif_counts *c, char *version) {
    if (n < 44 || memcmp(p, "TZif", 4) != 0) return false;
    *version = (char)p[4];
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    /* Generous sanity bounds; real files have a few thousand at most. */
    return c->type >= 1 && c->type <= 256 && c->time <= 100000 && c->leap <= 10000 &&
           c->chars <= 100000 && c->isut <= 256 && c->isstd <= 256;
}

static size_t tzif_block_size(const tzif_counts *c, size_t tsize) {
    return (size_t)c->time * tsize + c->time + (size_t)c->type * 6 + c->chars +
           (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

/* Parses the TZif image [p, p+n) into [z] (name not set). */
static bool tzif_parse(const unsigned char *p, size_t n, tz_zone *z) {
    tzif_counts c;
    char version;
    if (!tzif_header(p, n, &c, &version)) return false;
    size_t tsize = 4, size = tzif_block_size(&c, 4);
    const unsigned char *data = p + 44;
    if (44 + size > n) return false;
    if (version >= '2') {
        /* Skip the 32-bit block: the 64-bit one after it is authoritative. */
        p += 44 + size;
        n -= 44 + size;
        if (!tzif_header(p, n, &c, &version)) return false;
        tsize = 8;
        size = tzif_block_size(&c, 8);
        data = p + 44;
        if (44 + size > n) return false;
    }
    z->n_trans = c.time;
    z->n_types = c.type;
    z->trans = aeo_xmalloc((c.time ? c.time : 1) * sizeof(int64_t));
    z->trans_type = aeo_xmalloc(c.time ? c.time : 1);
    z->utoff = aeo_xmalloc(c.type * sizeof(int32_t));
    for (uint32_t i = 0; i < c.time; i++)
        z->trans[i] = tsize == 8 ? be64(data + i * 8) : (int32_t)be32(data + i * 4);
    const unsigned char *idx = data + (size_t)c.time * tsize;
    for (uint32_t i = 0; i < c.time; i++) {
        if (idx[i] >= c.type) return false;
        z->trans_type[i] = idx[i];
        if (i && z->trans[i] <= z->trans[i - 1]) return false;
    }
    const unsigned char *types = idx + c.time;
    for (uint32_t i = 0; i < c.type; i++) {
        int32_t off = (int32_t)be32(types + i * 6);
        if (off < -25 * 3600 || off > 26 * 3600) return false;
        z->utoff[i] = off;
    }
    /* Version 2+ footer: "\n" POSIX-TZ-string "\n". */
    if (version >= '2') {
        const unsigned char *f = data + size, *end = p + n;
        if (f < end && *f == '\n') {
            const unsigned char *nl = memchr(f + 1, '\n', (size_t)(end - f - 1));
            if (nl && nl > f + 1 && nl - f < 128) {
                char tz[128];
                memcpy(tz, f + 1, (size_t)(nl - f - 1));
                tz[nl - f - 1] = '\0';
                z->has_rule = rule_parse(tz, &z->rule);
            }
        }
    }
    return true;
}

static int32_t zone_offset(const tz_zone *z, int64_t t) {
    if (z->n_trans == 0) return z->has_rule ? rule_offset(&z->rule, t) : z->utoff[0];
    if (t < z->trans[0]) return z->utoff[0];
    /* The last transition at or before t. */
    uint32_t lo = 0, hi = z->n_trans;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t) lo = mid;
        else hi = mid;
    }
    if (lo == z->n_trans - 1 && z->has_rule) return rule_offset(&z->rule, t);
    return z->utoff[z->trans_type[lo]];
}

/* The zoneinfo root; a build may point it elsewhere (-DAEO_ZONEINFO=...). */
#ifndef AEO_ZONEINFO
#define AEO_ZONEINFO "/usr/share/zoneinfo/"
#endif
#define ZONEINFO AEO_ZONEINFO
#define MAX_TZIF ((size_t)1 << 20)

/* Names are paths under ZONEINFO, so anything that could escape it or is
 * not a plausible zone name is refused before touching the file system. */
static bool zone_name_ok(const char *name) {
    size_t n = strlen(name);
    if (n == 0 || n > 128 || name[0] == '/' || strstr(name, "..")) return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) ||
                  c == '/' || c == '_' || c == '-' || c == '+';
        if (!ok) return false;
    }
    return true;
}

static tz_zone *zone_load(const char *name) {
    if (!zone_name_ok(name)) return NULL;
    char path[sizeof ZONEINFO + 130];
    snprintf(path, sizeof path, "%s%s", ZONEINFO, name);
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    unsigned char *buf = aeo_xmalloc(MAX_TZIF);
    size_t n = fread(buf, 1, MAX_TZIF, fp);
    fclose(fp);
    tz_zone *z = aeo_xcalloc(1, sizeof *z);
    if (!tzif_parse(buf, n, z)) {
        zone_free(z);
        z = NULL;
    } else {
        z->name = aeo_xstrdup(name);
    }
    free(buf);
    return z;
}

/* The zone cache: at most ZONE_CACHE_MAX zones, never evicted (a catalog
 * names a handful); beyond that zones are loaded per call. */
#define ZONE_CACHE_MAX 32
static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;
static tz_zone *zone_cache[ZONE_CACHE_MAX];
static int zone_cache_len;

void aeo_time_zone_cache_clear(void) {
    pthread_mutex_lock(&zone_lock);
    for (int i = 0; i < zone_cache_len; i++) zone_free(zone_cache[i]);
    zone_cache_len = 0;
    pthread_mutex_unlock(&zone_lock);
}

/* UTC offset of IANA zone [name] at [t]. */
static bool iana_offset(const char *name, int64_t t, int32_t *off) {
    bool ok = true;
    pthread_mutex_lock(&zone_lock);
    tz_zone *z = NULL;
    for (int i = 0; i < zone_cache_len && !z; i++)
        if (strcmp(zone_cache[i]->name, name) == 0) z = zone_cache[i];
    if (z) {
        *off = zone_offset(z, t);
    } else if ((z = zone_load(name)) != NULL) {
        *off = zone_offset(z, t);
        if (zone_cache_len < ZONE_CACHE_MAX) zone_cache[zone_cache_len++] = z;
        else zone_free(z);
    } else {
        ok = false;
    }
    pthread_mutex_unlock(&zone_lock);
    return ok;
}

/* A fixed offset: [+|-]H[H]:MM. */
static bool fixed_offset(const char *tz, int32_t *off) {
    const char *s = tz;
    int sign = 1, h = 0, m;
    if (*s == '+' || *s == '-') sign = *s++ == '-' ? -1 : 1;
    if (!is_digit(s[0])) return false;
    h = s[0] - '0';
    s++;
    if (is_digit(s[0])) h = h * 10 + (*s++ - '0');
    if (*s != ':' || !fixed_digits(s + 1, 2, &m) || s[3] != '\0') return false;
    if (h > 23 || m > 59) return false;
    *off = sign * (h * 3600 + m * 60);
    return true;
}

static bool zone_offset_at(const char *tz, int64_t t, int32_t *off) {
    *off = 0;
    if (!tz || !*tz || strcmp(tz, "UTC") == 0) return true;
    if (strchr(tz, ':')) return fixed_offset(tz, off);
    return iana_offset(tz, t, off);
}

bool aeo_time_civil(int64_t sec, int32_t nanos, const char *tz, aeo_civil *out) {
    int32_t off;
    if (!zone_offset_at(tz, sec, &off)) return false;
    int64_t local = sec + off;
    int64_t days = floor_div(local, DAY), rem = floor_mod(local, DAY), y;
    unsigned m, d;
    aeo_time_civil_from_days(days, &y, &m, &d);
    out->year = y;
    out->month = (int)m;
    out->day = (int)d;
    out->hour = (int)(rem / 3600);
    out->minute = (int)(rem / 60 % 60);
    out->second = (int)(rem % 60);
    out->nanos = nanos;
    out->weekday = (int)floor_mod(days + 4, 7);
    out->yday = (int)(days - aeo_time_days_from_civil(y, 1, 1));
    return true;
}

int64_t aeo_time_today_utc(void) {
    time_t now = time(NULL);
    /* Floor division: a clock before 1970 still gives that day's midnight. */
    int64_t days = (int64_t)now / 86400;
    if ((int64_t)now < 0 && (int64_t)now % 86400) days--;
    return days * 86400;
}
