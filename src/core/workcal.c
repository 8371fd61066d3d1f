/* workcal.c -- the public-holiday calendar, time limits and case clocks; see workcal.h. */
#include "core/workcal.h"
#include "core/vocab.h"
#include "util/timeutil.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* ---- the State Council's notices ---- */

/* clang-format off */
/* 国务院办公厅关于2024年部分节假日安排的通知. It only encouraged employers to give 除夕
 * (9 February) off; that day is a working day here. */
static const int32_t off2024[] = {
    20240101,                                                             /* 元旦 */
    20240210, 20240211, 20240212, 20240213, 20240214, 20240215, 20240216, 20240217, /* 春节 */
    20240404, 20240405, 20240406,                                         /* 清明节 */
    20240501, 20240502, 20240503, 20240504, 20240505,                     /* 劳动节 */
    20240610,                                                             /* 端午节 */
    20240915, 20240916, 20240917,                                         /* 中秋节 */
    20241001, 20241002, 20241003, 20241004, 20241005, 20241006, 20241007, /* 国庆节 */
};
static const int32_t work2024[] = {
    20240204, 20240218, /* 春节 */
    20240407,           /* 清明节 */
    20240428, 20240511, /* 劳动节 */
    20240914,           /* 中秋节 */
    20240929, 20241012, /* 国庆节 */
};

/* 国务院办公厅关于2025年部分节假日安排的通知, the first under the
 * amended 全国年节及纪念日放假办法 (除夕 and 5月2日 became days off). */
static const int32_t off2025[] = {
    20250101,                                                             /* 元旦 */
    20250128, 20250129, 20250130, 20250131, 20250201, 20250202, 20250203, 20250204, /* 春节 */
    20250404, 20250405, 20250406,                                         /* 清明节 */
    20250501, 20250502, 20250503, 20250504, 20250505,                     /* 劳动节 */
    20250531, 20250601, 20250602,                                         /* 端午节 */
    20251001, 20251002, 20251003, 20251004, 20251005, 20251006, 20251007, 20251008, /* 国庆中秋 */
};
static const int32_t work2025[] = {
    20250126, 20250208, /* 春节 */
    20250427,           /* 劳动节 */
    20250928, 20251011, /* 国庆节、中秋节 */
};

/* 国务院办公厅关于2026年部分节假日安排的通知. */
static const int32_t off2026[] = {
    20260101, 20260102, 20260103,                                         /* 元旦 */
    20260215, 20260216, 20260217, 20260218, 20260219, 20260220, 20260221, 20260222,
    20260223,                                                             /* 春节 */
    20260404, 20260405, 20260406,                                         /* 清明节 */
    20260501, 20260502, 20260503, 20260504, 20260505,                     /* 劳动节 */
    20260619, 20260620, 20260621,                                         /* 端午节 */
    20260925, 20260926, 20260927,                                         /* 中秋节 */
    20261001, 20261002, 20261003, 20261004, 20261005, 20261006, 20261007, /* 国庆节 */
};
static const int32_t work2026[] = {
    20260104,           /* 元旦 */
    20260214, 20260228, /* 春节 */
    20260509,           /* 劳动节 */
    20260920, 20261010, /* 国庆节 */
};

/* clang-format on */

#define N_(a) (sizeof(a) / sizeof((a)[0]))
static const workcal_year builtin[] = {
    {2024, off2024, N_(off2024), work2024, N_(work2024)},
    {2025, off2025, N_(off2025), work2025, N_(work2025)},
    {2026, off2026, N_(off2026), work2026, N_(work2026)},
};

const workcal_year *workcal_builtin(int year)
{
    for (size_t i = 0; i < N_(builtin); i++)
        if (builtin[i].year == year)
            return &builtin[i];
    return NULL;
}

static int has_ymd(const int32_t *v, size_t n, int ymd)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] == ymd)
            return 1;
        if (v[mid] < ymd)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Working day or not, by the day number (days since 1970-01-01, county-local). */
static int working_day_num(const workcal *c, int64_t day)
{
    int y, m, d;
    lx_civil_from_days(day, &y, &m, &d);
    int ymd = y * 10000 + m * 100 + d;
    for (size_t i = 0; c && i < c->nyears; i++) {
        const workcal_year *yr = &c->years[i];
        if (yr->year != y)
            continue;
        if (has_ymd(yr->off, yr->noff, ymd))
            return 0;
        if (has_ymd(yr->work, yr->nwork, ymd))
            return 1;
        break;
    }
    /* 1970-01-01 was a Thursday: Monday is 0. */
    int wd = (int)(((day % 7) + 7 + 3) % 7);
    return wd < 5;
}

int workcal_is_working_day(const workcal *c, int ymd)
{
    return working_day_num(c, lx_days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100));
}

/* ---- levels ---- */

static const char *const level_codes[LEVEL__COUNT] = {"group", "village", "township", "county"};

int case_level_of_kind(const char *node_kind)
{
    static const struct {
        const char *kind;
        case_level level;
    } kinds[] = {
        {"group", LEVEL_GROUP},       {"grid", LEVEL_GROUP},        {"village", LEVEL_VILLAGE},
        {"community", LEVEL_VILLAGE}, {"township", LEVEL_TOWNSHIP}, {"street", LEVEL_TOWNSHIP},
        {"county", LEVEL_COUNTY},     {"district", LEVEL_COUNTY},
    };
    for (size_t i = 0; node_kind && i < N_(kinds); i++)
        if (!strcmp(kinds[i].kind, node_kind))
            return (int)kinds[i].level;
    return -1;
}

const char *case_level_code(case_level l)
{
    return (int)l >= 0 && l < LEVEL__COUNT ? level_codes[l] : NULL;
}

/* ---- limits ---- */

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Parse the limit in s[0..len) exactly: digits, then h, d or wd. 0, or -1. */
static int limit_parse_n(const char *s, size_t len, time_limit *out)
{
    size_t i = 0;
    int64_t n = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (i >= 6)
            return -1; /* beyond any limit; also keeps n far from overflow */
        n = n * 10 + (s[i] - '0');
        i++;
    }
    if (i == 0)
        return -1;
    const char *u = s + i;
    size_t ulen = len - i;
    time_limit l = {n, LIMIT_HOURS};
    int64_t max;
    if (ulen == 1 && *u == 'h') {
        l.unit = LIMIT_HOURS;
        max = 8760;
    } else if (ulen == 1 && *u == 'd') {
        l.unit = LIMIT_DAYS;
        max = 365;
    } else if (ulen == 2 && u[0] == 'w' && u[1] == 'd') {
        l.unit = LIMIT_WORKDAYS;
        max = 365;
    } else {
        return -1;
    }
    if (n < 1 || n > max)
        return -1;
    *out = l;
    return 0;
}

int time_limit_parse(const char *s, time_limit *out)
{
    if (!s)
        return -1;
    size_t len = strlen(s);
    while (len && is_space(*s))
        s++, len--;
    while (len && is_space(s[len - 1]))
        len--;
    return limit_parse_n(s, len, out);
}

void time_limit_format(time_limit l, char *out, size_t outlen)
{
    static const char *const units[] = {"h", "d", "wd"};
    snprintf(out, outlen, "%lld%s", (long long)l.n,
             (int)l.unit >= 0 && l.unit <= LIMIT_WORKDAYS ? units[l.unit] : "?");
}

/* Copy at most 40 bytes of s[0..len) into buf for quoting, cut on a UTF-8 boundary. */
static const char *quote(const char *s, size_t len, char *buf, size_t buflen)
{
    size_t n = len < 40 ? len : 40;
    if (n >= buflen)
        n = buflen - 1;
    if (n < len)
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (n < len && n + 4 < buflen)
        memcpy(buf + n, "...", 4);
    return buf;
}

/* The next item of s[0..len) up to a separator (sep, or the full-width sepw in UTF-8):
 * item and ilen trimmed, *more 1 if a separator ended it; returns the bytes consumed,
 * the separator included. */
static size_t next_item(const char *s, size_t len, char sep, const char *sepw, const char **item,
                        size_t *ilen, int *more)
{
    size_t i = 0, wl = strlen(sepw), skip = 0;
    for (; i < len; i++) {
        if (s[i] == sep) {
            skip = 1;
            break;
        }
        if (len - i >= wl && !memcmp(s + i, sepw, wl)) {
            skip = wl;
            break;
        }
    }
    const char *a = s;
    size_t n = i;
    while (n && is_space(*a))
        a++, n--;
    while (n && is_space(a[n - 1]))
        n--;
    *item = a;
    *ilen = n;
    *more = skip > 0;
    return i + skip;
}

/* Parse a limit spec in text[0..len). */
static lx_status spec_parse_n(const char *text, size_t len, limit_spec *out, lx_error *e)
{
    limit_spec s;
    int have_base = 0;
    char q[48];
    memset(&s, 0, sizeof s);
    if (!len)
        return lx_fail(e, LX_EINVAL, "value",
                       "give a time limit, like \"7d\", \"24h\" or \"15wd\"");
    size_t pos = 0;
    int more = 1;
    while (more) {
        const char *it;
        size_t n;
        pos += next_item(text + pos, len - pos, ',', "\xEF\xBC\x8C", &it, &n, &more); /* ， */
        if (!n)
            return lx_fail(e, LX_EINVAL, "value",
                           "an empty item in the limits: separate limits with one comma");
        /* "<limit>" or "<level> <limit>" */
        size_t w = 0;
        while (w < n && !is_space(it[w]))
            w++;
        time_limit l;
        if (w == n) {
            if (limit_parse_n(it, n, &l))
                return lx_fail(e, LX_EINVAL, "value",
                               "\"%s\" is not a time limit: write hours, days or working days"
                               " as \"24h\", \"7d\" or \"15wd\" (1 to 8760 hours, 1 to 365 days)",
                               quote(it, n, q, sizeof q));
            if (have_base)
                return lx_fail(e, LX_EINVAL, "value",
                               "two limits for every level: give one, then the levels that"
                               " differ, like \"7d, township 10d\"");
            s.base = l;
            have_base = 1;
        } else {
            char word[16];
            const char *lim = it + w;
            size_t llen = n - w;
            while (llen && is_space(*lim))
                lim++, llen--;
            int lv = -1;
            if (w < sizeof word) {
                memcpy(word, it, w);
                word[w] = 0;
                lv = case_level_of_kind(word);
            }
            if (lv < 0)
                return lx_fail(e, LX_EINVAL, "value",
                               "\"%s\" does not start with a level: group, village, township or"
                               " county",
                               quote(it, n, q, sizeof q));
            if (limit_parse_n(lim, llen, &l))
                return lx_fail(e, LX_EINVAL, "value",
                               "\"%s\" is not a time limit: write hours, days or working days"
                               " as \"24h\", \"7d\" or \"15wd\" (1 to 8760 hours, 1 to 365 days)",
                               quote(lim, llen, q, sizeof q));
            if (s.level[lv].n)
                return lx_fail(e, LX_EINVAL, "value", "the %s level is given two limits",
                               level_codes[lv]);
            s.level[lv] = l;
        }
    }
    if (!have_base)
        return lx_fail(e, LX_EINVAL, "value",
                       "give the limit for every level too, like \"7d, township 10d\"");
    if (out)
        *out = s;
    return LX_OK;
}

lx_status limit_spec_parse(const char *text, limit_spec *out, lx_error *e)
{
    if (!text)
        text = "";
    return spec_parse_n(text, strlen(text), out, e);
}

time_limit limit_spec_at(const limit_spec *s, case_level l)
{
    if ((int)l >= 0 && l < LEVEL__COUNT && s->level[l].n)
        return s->level[l];
    return s->base;
}

lx_status limit_category_find(const char *text, const char *category, limit_spec *out, int *found,
                              lx_error *e)
{
    char q[48];
    uint32_t seen = 0; /* bit i: category i was given (the vocabulary has fewer than 32) */
    int want = category ? vocab_find(&vocab_request_category, category) : -1;
    int hit = 0;
    limit_spec hs;
    memset(&hs, 0, sizeof hs);
    if (found)
        *found = 0;
    if (!text)
        text = "";
    size_t len = strlen(text), pos = 0;
    int more = 1;
    while (more) {
        const char *it;
        size_t n;
        pos += next_item(text + pos, len - pos, ';', "\xEF\xBC\x9B", &it, &n, &more); /* ； */
        if (!n)
            continue; /* "water 24h;" */
        size_t w = 0;
        while (w < n && !is_space(it[w]))
            w++;
        char word[64];
        int cat = -1;
        if (w < sizeof word) {
            memcpy(word, it, w);
            word[w] = 0;
            cat = vocab_find(&vocab_request_category, word);
        }
        if (cat < 0)
            return lx_fail(e, LX_EINVAL, "value",
                           "\"%s\" does not start with a request category (water, dispute, ...)",
                           quote(it, n, q, sizeof q));
        if (cat < 32 && (seen & (1u << cat)))
            return lx_fail(e, LX_EINVAL, "value", "the category %s is given twice",
                           vocab_code(&vocab_request_category, cat));
        if (cat < 32)
            seen |= 1u << cat;
        const char *sp = it + w;
        size_t slen = n - w;
        while (slen && is_space(*sp))
            sp++, slen--;
        limit_spec s;
        lx_status rc = spec_parse_n(sp, slen, &s, e);
        if (rc)
            return rc;
        if (cat == want) {
            hs = s;
            hit = 1;
        }
    }
    if (hit) {
        if (out)
            *out = hs;
        if (found)
            *found = 1;
    }
    return LX_OK;
}

/* ---- clocks ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Working seconds in [a, b) (UTC seconds), a <= b. O(days). */
static int64_t work_seconds(const workcal *c, int64_t a, int64_t b)
{
    if (b <= a)
        return 0;
    int64_t la = a + c->utc_offset, lb = b + c->utc_offset;
    int64_t da = floor_div(la, 86400), db = floor_div(lb, 86400);
    if (da == db)
        return working_day_num(c, da) ? lb - la : 0;
    int64_t sum = working_day_num(c, da) ? (da + 1) * 86400 - la : 0;
    for (int64_t d = da + 1; d < db; d++)
        sum += working_day_num(c, d) ? 86400 : 0;
    if (working_day_num(c, db))
        sum += lb - db * 86400;
    return sum;
}

/* The earliest t >= a with rem working seconds in [a, t), rem > 0. O(days). A calendar
 * cannot keep every day off for long (a year without a table works Monday to Friday), so
 * the walk ends; the bound only guards against a table gone wrong. */
static int64_t work_advance(const workcal *c, int64_t a, int64_t rem)
{
    int64_t la = a + c->utc_offset;
    int64_t d = floor_div(la, 86400);
    if (working_day_num(c, d)) {
        int64_t avail = (d + 1) * 86400 - la;
        if (rem <= avail)
            return a + rem;
        rem -= avail;
    }
    for (int64_t k = 0; k < 40000; k++) {
        d++;
        if (!working_day_num(c, d))
            continue;
        if (rem <= 86400)
            return d * 86400 - c->utc_offset + rem;
        rem -= 86400;
    }
    return INT64_MAX;
}

/* Seconds of the clock in [a, b), a <= b. */
static int64_t seg_seconds(time_limit lim, const workcal *cal, int64_t a, int64_t b)
{
    if (b <= a)
        return 0;
    return lim.unit == LIMIT_WORKDAYS ? work_seconds(cal, a, b) : b - a;
}

static int64_t limit_seconds(time_limit lim)
{
    return lim.unit == LIMIT_HOURS ? lim.n * 3600 : lim.n * 86400;
}

int64_t clock_deadline(int64_t start, time_limit lim, const clock_pause *pauses, size_t npauses,
                       const workcal *cal)
{
    assert(lim.unit != LIMIT_WORKDAYS || cal);
    int64_t rem = limit_seconds(lim);
    int64_t t = start;
    if (rem <= 0)
        return start;
    for (size_t i = 0; i < npauses; i++) {
        int64_t from = pauses[i].from > t ? pauses[i].from : t;
        int64_t run = seg_seconds(lim, cal, t, from);
        if (run >= rem)
            break; /* runs out before this pause */
        rem -= run;
        if (!pauses[i].to)
            return INT64_MAX; /* stopped, with time left */
        t = pauses[i].to > from ? pauses[i].to : from;
    }
    return lim.unit == LIMIT_WORKDAYS ? work_advance(cal, t, rem) : t + rem;
}

int64_t clock_elapsed(int64_t start, int64_t now, time_limit lim, const clock_pause *pauses,
                      size_t npauses, const workcal *cal)
{
    assert(lim.unit != LIMIT_WORKDAYS || cal);
    int64_t sum = 0, t = start;
    if (now <= start)
        return 0;
    for (size_t i = 0; i < npauses && t < now; i++) {
        int64_t from = pauses[i].from > t ? pauses[i].from : t;
        if (from > now)
            from = now;
        sum += seg_seconds(lim, cal, t, from);
        if (!pauses[i].to)
            return sum;
        t = pauses[i].to > from ? pauses[i].to : from;
    }
    if (t < now)
        sum += seg_seconds(lim, cal, t, now);
    return sum;
}
