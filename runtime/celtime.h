/* Timestamps and durations: parsing, formatting, calendar arithmetic.
 *
 * A timestamp is seconds since 1970-01-01T00:00:00Z plus nanoseconds in
 * [0, 1e9).  CEL's range is 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z;
 * anything outside is an error.  A duration is seconds plus nanoseconds
 * carrying the same sign, within the range of a signed 64-bit count of
 * nanoseconds, about ±292 years (CEL's limit, and cel-go's: from
 * -9223372036.854775808 s to 9223372036.854775807 s).  The calendar is proleptic Gregorian, computed with
 * integer day arithmetic (no libc time functions, no global state). */
#ifndef AEO_RUNTIME_CELTIME_H
#define AEO_RUNTIME_CELTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AEO_TS_MIN_SECONDS INT64_C(-62135596800)   /* 0001-01-01T00:00:00Z */
#define AEO_TS_MAX_SECONDS INT64_C(253402300799)   /* 9999-12-31T23:59:59Z */
/* The duration range: seconds up to AEO_DUR_MAX_SECONDS, and at that
 * second at most AEO_DUR_MAX_NANOS (AEO_DUR_MAX_NANOS + 1 when negative). */
#define AEO_DUR_MAX_SECONDS INT64_C(9223372036)
#define AEO_DUR_MAX_NANOS INT32_C(854775807)

/* Parses [len] bytes at [s]: either a date "YYYY-MM-DD" (midnight UTC) or an
 * RFC 3339 timestamp "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" ('t' and 'z'
 * accepted too, fraction up to 9 digits).  Fields are range-checked (month
 * 1-12, day valid for the month, hour < 24, minute < 60, second < 60).
 * Returns false on any syntax or range error. */
bool aeo_time_parse_timestamp(const char *s, size_t len, int64_t *sec, int32_t *nanos);
/* Midnight UTC of today (the clock's date), in seconds since the epoch:
 * the default `as_of` of eval, test, the REPL and the library. */
int64_t aeo_time_today_utc(void);
/* Writes the RFC 3339 form in UTC ("2021-04-21T00:00:00Z", with a fraction
 * of 3, 6 or 9 digits only when nanos != 0) into [buf] (at least 40 bytes);
 * returns the length. */
int aeo_time_format_timestamp(int64_t sec, int32_t nanos, char *buf);
/* Parses a Go/CEL duration string: an optional sign and a sequence of decimal
 * numbers, each with an optional fraction and a unit, "h", "m", "s", "ms",
 * "us", "µs", "ns" ("1h30m", "-1.5s", "100ms"); "0" alone is allowed.
 * Returns false on syntax errors and out-of-range values. */
bool aeo_time_parse_duration(const char *s, size_t len, int64_t *sec, int32_t *nanos);
/* Writes CEL's form of a duration: seconds with a fraction only when
 * needed, e.g. "3600s", "1.5s", "-0.000000001s"; returns the length.
 * [buf] must hold at least 40 bytes. */
int aeo_time_format_duration(int64_t sec, int32_t nanos, char *buf);
/* Normalises seconds and nanos (any nanos) into the canonical form of the
 * kind: for timestamps nanos in [0, 1e9), for durations the sign of seconds.
 * Returns false on overflow or when the result leaves the kind's range. */
bool aeo_time_norm_timestamp(int64_t *sec, int32_t *nanos);
bool aeo_time_norm_duration(int64_t *sec, int32_t *nanos);
/* Whether the canonical duration [sec], [nanos] is within CEL's range. */
bool aeo_time_duration_in_range(int64_t sec, int32_t nanos);

/* Days since 1970-01-01 of a civil date, and back. */
int64_t aeo_time_days_from_civil(int64_t y, unsigned m, unsigned d);
void aeo_time_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Broken-down time of a timestamp in a time zone: [tz] is NULL or "" for
 * UTC, a fixed offset "+08:00"/"-05:30", or an IANA name ("Asia/Shanghai")
 * read from the system zoneinfo (/usr/share/zoneinfo).  Returns false for an
 * unknown zone. */
typedef struct aeo_civil {
    int64_t year;
    int month;        /* 1-12 */
    int day;          /* 1-31 */
    int hour, minute, second;
    int32_t nanos;
    int weekday;      /* 0 = Sunday */
    int yday;         /* 0-365 */
} aeo_civil;
bool aeo_time_civil(int64_t sec, int32_t nanos, const char *tz, aeo_civil *out);
/* Frees the zones aeo_time_civil has cached (IANA zones are parsed once per
 * process and kept, at most 32 of them, behind a mutex).  Optional: call it
 * at exit to leave nothing allocated; later lookups reload as needed. */
void aeo_time_zone_cache_clear(void);

#endif
