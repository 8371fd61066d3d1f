/* timeutil.c -- time in UTC, dates in the county's offset. */
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t fake_now;

int64_t lx_now(void)
{
    return fake_now ? fake_now : (int64_t)time(NULL);
}

double lx_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void lx_time_set_fake(int64_t t)
{
    fake_now = t;
}

/* Put n as `width` digits at p. */
static void digits(char *p, int n, int width)
{
    while (width--) {
        p[width] = (char)('0' + n % 10);
        n /= 10;
    }
}

/* Howard Hinnant's days_from_civil / civil_from_days: the proleptic Gregorian
 * calendar, days since 1970-01-01, for any year. */
int64_t lx_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void lx_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void lx_iso8601(int64_t t, char *out, size_t outlen)
{
    /* Years 1970-9999 by arithmetic (two per record in every list: gmtime_r
     * and strftime were a visible share of a page); the rest by strftime. */
    if (t >= 0 && t < INT64_C(253402300800) && outlen >= 21) {
        int64_t secs = t % 86400;
        int y, m, d;
        lx_civil_from_days(t / 86400, &y, &m, &d);
        memcpy(out, "0000-00-00T00:00:00Z", 21);
        digits(out, y, 4);
        digits(out + 5, m, 2);
        digits(out + 8, d, 2);
        digits(out + 11, (int)(secs / 3600), 2);
        digits(out + 14, (int)(secs / 60 % 60), 2);
        digits(out + 17, (int)(secs % 60), 2);
        return;
    }
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

int64_t lx_ymd_to_time(int ymd, int utc_offset)
{
    return lx_days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100) * 86400 - utc_offset;
}

int lx_parse_time(const char *s, int utc_offset, int64_t *out)
{
    char date[11];
    int hh = 0, mm = 0, ss = 0, n = 0, ymd;
    if (strlen(s) < 10)
        return -1;
    memcpy(date, s, 10);
    date[10] = '\0';
    if ((ymd = lx_parse_date(date)) < 0)
        return -1;
    s += 10;
    if (!*s) {
        *out = lx_ymd_to_time(ymd, utc_offset);
        return 0;
    }
    if (*s != 'T' && *s != ' ')
        return -1;
    s++;
    if (sscanf(s, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5)
        return -1;
    s += n;
    if (*s == ':') {
        if (sscanf(s, ":%2d%n", &ss, &n) != 1 || n != 3)
            return -1;
        s += n;
        if (*s == '.') { /* fractions of a second, as JavaScript's toISOString gives */
            s++;
            if (*s < '0' || *s > '9')
                return -1;
            while (*s >= '0' && *s <= '9')
                s++;
        }
    }
    if (hh > 23 || mm > 59 || ss > 59 || hh < 0 || mm < 0 || ss < 0)
        return -1;
    int off = utc_offset;
    if (*s == 'Z' && !s[1]) {
        off = 0;
    } else if ((*s == '+' || *s == '-') && strlen(s) == 6 && s[3] == ':') {
        int oh = 0, om = 0;
        if (sscanf(s + 1, "%2d:%2d", &oh, &om) != 2 || oh > 14 || om > 59 || oh < 0 || om < 0)
            return -1;
        off = (oh * 3600 + om * 60) * (*s == '-' ? -1 : 1);
    } else if (*s) {
        return -1;
    }
    *out = lx_days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100) * 86400 + hh * 3600 +
           mm * 60 + ss - off;
    return 0;
}
