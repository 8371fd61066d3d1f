/* timeutil.h -- UTC timestamps, ISO 8601 text, county-local dates. */
#ifndef LX_TIMEUTIL_H
#define LX_TIMEUTIL_H
#include <stddef.h>
#include <stdint.h>

/* Seconds since the epoch, UTC. Tests may pin it with lx_time_set_fake. */
int64_t lx_now(void);
/* Seconds on the monotonic clock, for timing work (never pinned by lx_time_set_fake). */
double lx_mono(void);
/* Pin lx_now() to t (0 restores the real clock). */
void lx_time_set_fake(int64_t t);

/* "2026-11-23T08:36:14Z" into out (at least 21 bytes). */
/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar, and back. */
int64_t lx_days_from_civil(int y, int m, int d);
void lx_civil_from_days(int64_t days, int *y, int *m, int *d);
void lx_iso8601(int64_t t, char *out, size_t outlen);

/* Today's date as YYYYMMDD in a fixed UTC offset (seconds east; Asia/Shanghai
 * is +28800, which has had no daylight saving since 1991). */
int lx_today_ymd(int64_t t, int utc_offset);

/* Parse "YYYY-MM-DD" into YYYYMMDD; -1 if not a real date. */
int lx_parse_date(const char *s);

/* Midnight of county-local date ymd (YYYYMMDD) as UTC seconds. */
int64_t lx_ymd_to_time(int ymd, int utc_offset);

/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" (county-local, in utc_offset)
 * or either followed by "Z" or "+HH:MM"/"-HH:MM" into UTC seconds (*out);
 * 0 on success, -1 if it is not a real time. */
int lx_parse_time(const char *s, int utc_offset, int64_t *out);

#endif
