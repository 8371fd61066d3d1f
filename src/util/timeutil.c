/* timeutil.c -- time in UTC, dates in the county's offset. */
#include "util/timeutil.h"

#include <stdio.h>
#include <time.h>

static int64_t fake_now;

int64_t lx_now(void)
{
    return fake_now ? fake_now : (int64_t)time(NULL);
}

void lx_time_set_fake(int64_t t)
{
    fake_now = t;
}

void lx_iso8601(int64_t t, char *out, size_t outlen)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int lx_today_ymd(int64_t t, int utc_offset)
{
    time_t tt = (time_t)(t + utc_offset);
    struct tm tm;
    gmtime_r(&tt, &tm);
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

int lx_parse_date(const char *s)
{
    int y, m, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] != '\0' || n != 10)
        return -1;
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    return y * 10000 + m * 100 + d;
}
