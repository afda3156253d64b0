/* hw_common.c: the schema tables and the timestamp parser of the hand-written
 * baselines (hw_read.h), shared by every reader and the driver. */
#include <string.h>

#include "hw_read.h"

const hw_field hw_field_info[HW_N_FIELDS] = {
#define X(id, name, kind, req) {name, kind, req},
    HW_FIELDS(X)
#undef X
};

const char *const hw_credit_names[4] = {"advanced", "general", "standard", "dishonest"};

const char *const hw_business_names[HW_N_BUSINESS] = {
#define X(id, name) name,
    HW_BUSINESS(X)
#undef X
};

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

bool hw_parse_ts(const char *s, size_t len, int64_t *out) {
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
