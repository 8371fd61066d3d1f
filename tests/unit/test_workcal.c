/* test_workcal.c -- working days on the holiday calendar, time limits, and case clocks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/policy.h"
#include "core/workcal.h"
#include "util/timeutil.h"

#define BJ 28800 /* Asia/Shanghai */
#define H 3600
#define DAY 86400

/* Unix time of a Beijing wall-clock time. */
static int64_t bj(int ymd, int hh, int mm)
{
    return lx_ymd_to_time(ymd, BJ) + hh * H + mm * 60;
}

/* The built-in notices of 2024-2026, at Beijing time. */
static workcal_year years[3];
static workcal cal_bj(void)
{
    for (int i = 0; i < 3; i++)
        years[i] = *workcal_builtin(2024 + i);
    return (workcal){years, 3, BJ};
}

/* Monday = 0, computed here rather than trusted to the module. */
static int weekday(int ymd)
{
    int64_t d = lx_days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
    return (int)(((d % 7) + 7 + 3) % 7);
}

/* ---- the calendar ---- */

static void test_spring_festival_2025_and_its_make_up_sunday(void **state)
{
    (void)state;
    workcal c = cal_bj();
    assert_int_equal(weekday(20250128), 1); /* a Tuesday, yet off: New Year's Eve */
    assert_false(workcal_is_working_day(&c, 20250128));
    assert_false(workcal_is_working_day(&c, 20250204)); /* the last day off, a Tuesday */
    assert_true(workcal_is_working_day(&c, 20250127));  /* Monday before: worked */
    assert_int_equal(weekday(20250126), 6);             /* a Sunday, worked */
    assert_true(workcal_is_working_day(&c, 20250126));
    assert_true(workcal_is_working_day(&c, 20250208)); /* a Saturday, worked */
    assert_true(workcal_is_working_day(&c, 20250205));
    assert_false(workcal_is_working_day(&c, 20250101));
}

static void test_a_plain_saturday_is_off_and_a_monday_works(void **state)
{
    (void)state;
    workcal c = cal_bj();
    assert_int_equal(weekday(20250308), 5);
    assert_false(workcal_is_working_day(&c, 20250308));
    assert_false(workcal_is_working_day(&c, 20250309));
    assert_true(workcal_is_working_day(&c, 20250310));
}

static void test_a_year_without_a_table_is_monday_to_friday(void **state)
{
    (void)state;
    workcal c = cal_bj();
    assert_null(workcal_builtin(2023));
    assert_null(workcal_builtin(2027));
    /* 2027-01-01 is a Friday: New Year's Day, but no table says so yet */
    assert_int_equal(weekday(20270101), 4);
    assert_true(workcal_is_working_day(&c, 20270101));
    assert_false(workcal_is_working_day(&c, 20270102));
    assert_true(workcal_is_working_day(&c, 20231002)); /* 2023: no table either */
    /* and with no calendar at all */
    assert_true(workcal_is_working_day(NULL, 20250128));
    /* a county's own table wins over the built-in one it replaced */
    static const int32_t off[] = {20250310};
    workcal_year own = {2025, off, 1, NULL, 0};
    workcal mine = {&own, 1, BJ};
    assert_false(workcal_is_working_day(&mine, 20250310));
    assert_false(workcal_is_working_day(&mine, 20250126)); /* no make-up day in it */
    assert_true(workcal_is_working_day(&mine, 20250128));
}

/* The tables against facts known apart from them: make-up days fall on weekends, lists
 * are sorted and of their year, and each year has the working days the press counted
 * (365 or 366 days, less the weekends, less the statutory holidays: 11 days in 2024, 13
 * from 2025 on). */
static void test_the_built_in_notices_hold_together(void **state)
{
    (void)state;
    const struct {
        int year;
        int working;
    } want[] = {{2024, 251}, {2025, 248}, {2026, 248}};
    workcal c = cal_bj();
    for (size_t i = 0; i < 3; i++) {
        const workcal_year *y = workcal_builtin(want[i].year);
        assert_non_null(y);
        assert_int_equal(y->year, want[i].year);
        for (size_t k = 0; k < y->nwork; k++) {
            if (weekday(y->work[k]) < 5)
                fail_msg("make-up day %d is not on a weekend", y->work[k]);
            assert_int_equal(y->work[k] / 10000, y->year);
            if (k)
                assert_true(y->work[k] > y->work[k - 1]);
        }
        for (size_t k = 0; k < y->noff; k++) {
            assert_int_equal(y->off[k] / 10000, y->year);
            if (k)
                assert_true(y->off[k] > y->off[k - 1]);
        }
        int n = 0;
        int64_t d0 = lx_days_from_civil(want[i].year, 1, 1);
        int64_t d1 = lx_days_from_civil(want[i].year + 1, 1, 1);
        for (int64_t d = d0; d < d1; d++) {
            int yy, mm, dd;
            lx_civil_from_days(d, &yy, &mm, &dd);
            n += workcal_is_working_day(&c, yy * 10000 + mm * 100 + dd);
        }
        if (n != want[i].working)
            fail_msg("%d has %d working days, want %d", want[i].year, n, want[i].working);
    }
}

/* ---- limits ---- */

static void test_time_limits_parse_and_format(void **state)
{
    (void)state;
    const struct {
        const char *s;
        int64_t n;
        limit_unit u;
        const char *back;
    } ok[] = {
        {"2h", 2, LIMIT_HOURS, "2h"},         {" 7d ", 7, LIMIT_DAYS, "7d"},
        {"15wd", 15, LIMIT_WORKDAYS, "15wd"}, {"8760h", 8760, LIMIT_HOURS, "8760h"},
        {"365d", 365, LIMIT_DAYS, "365d"},    {"1wd", 1, LIMIT_WORKDAYS, "1wd"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        time_limit l;
        char buf[16];
        if (time_limit_parse(ok[i].s, &l))
            fail_msg("\"%s\" refused", ok[i].s);
        assert_int_equal(l.n, ok[i].n);
        assert_int_equal(l.unit, ok[i].u);
        time_limit_format(l, buf, sizeof buf);
        assert_string_equal(buf, ok[i].back);
    }
    const char *bad[] = {"0d",    "0h",  "-1d",  "+7d",  "8761h", "366d",
                         "366wd", "7 d", "7",    "d",    "7dd",   "7w",
                         "",      "   ", "7D",   "7d7",  "1.5d",  "99999999999999999999h",
                         "7h,",   "wd",  "7 wd", "0x7d", "7d\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        time_limit l = {42, LIMIT_HOURS};
        if (!time_limit_parse(bad[i], &l))
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(l.n, 42); /* untouched */
    }
    assert_int_equal(time_limit_parse(NULL, &(time_limit){0}), -1);
}

static void test_a_limit_spec_with_levels(void **state)
{
    (void)state;
    limit_spec s;
    lx_error e = {0};
    char buf[16];
    assert_int_equal(limit_spec_parse("7d, township 10d, county 15wd", &s, &e), LX_OK);
    const char *want[LEVEL__COUNT] = {"7d", "7d", "10d", "15wd"};
    for (int l = 0; l < LEVEL__COUNT; l++) {
        time_limit_format(limit_spec_at(&s, l), buf, sizeof buf);
        assert_string_equal(buf, want[l]);
    }
    /* node kinds name their level; a full-width comma separates too; order is free */
    assert_int_equal(limit_spec_parse("street 10d，24h,grid 2h", &s, &e), LX_OK);
    time_limit_format(limit_spec_at(&s, LEVEL_TOWNSHIP), buf, sizeof buf);
    assert_string_equal(buf, "10d");
    time_limit_format(limit_spec_at(&s, LEVEL_GROUP), buf, sizeof buf);
    assert_string_equal(buf, "2h");
    time_limit_format(limit_spec_at(&s, LEVEL_COUNTY), buf, sizeof buf);
    assert_string_equal(buf, "24h");
    assert_int_equal(case_level_of_kind("community"), LEVEL_VILLAGE);
    assert_int_equal(case_level_of_kind("district"), LEVEL_COUNTY);
    assert_int_equal(case_level_of_kind("city"), -1);
    assert_string_equal(case_level_code(LEVEL_TOWNSHIP), "township");
}

static void test_bad_limit_specs_are_refused_with_a_reason(void **state)
{
    (void)state;
    const struct {
        const char *text;
        const char *says; /* a part of the sentence */
    } bad[] = {
        {"", "time limit"},
        {"7d, township 10d, street 12d", "township level is given two limits"},
        {"7d, village 3d, community 4d", "village level is given two limits"},
        {"7d, city 3d", "\"city 3d\" does not start with a level"},
        {"township 10d", "every level"},
        {"7d, 10d", "two limits for every level"},
        {"7d,,township 10d", "empty item"},
        {"7d,", "empty item"},
        {"7 d", "does not start with a level"},
        {"7d, township 0d", "\"0d\" is not a time limit"},
        {"7d, township", "\"township\" is not a time limit"},
        {"seven days", "does not start with a level"},
        {"7d, county 15 wd", "\"15 wd\" is not a time limit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        limit_spec s;
        lx_error e = {0};
        if (limit_spec_parse(bad[i].text, &s, &e) != LX_EINVAL)
            fail_msg("\"%s\" accepted", bad[i].text);
        assert_int_equal(e.code, LX_EINVAL);
        assert_string_equal(e.field, "value");
        if (!strstr(e.message, bad[i].says))
            fail_msg("\"%s\": \"%s\" does not say \"%s\"", bad[i].text, e.message, bad[i].says);
    }
}

static void test_category_overrides(void **state)
{
    (void)state;
    limit_spec s;
    lx_error e = {0};
    int found = -1;
    char buf[16];
    const char *list = "water 24h; dispute 15d, county 20wd";
    assert_int_equal(limit_category_find(list, "dispute", &s, &found, &e), LX_OK);
    assert_int_equal(found, 1);
    time_limit_format(limit_spec_at(&s, LEVEL_VILLAGE), buf, sizeof buf);
    assert_string_equal(buf, "15d");
    time_limit_format(limit_spec_at(&s, LEVEL_COUNTY), buf, sizeof buf);
    assert_string_equal(buf, "20wd");
    assert_int_equal(limit_category_find(list, "water", &s, &found, &e), LX_OK);
    assert_int_equal(found, 1);
    time_limit_format(limit_spec_at(&s, LEVEL_COUNTY), buf, sizeof buf);
    assert_string_equal(buf, "24h");
    assert_int_equal(limit_category_find(list, "medical", &s, &found, &e), LX_OK);
    assert_int_equal(found, 0);
    /* a label names the category as its code does; empty items are skipped */
    assert_int_equal(limit_category_find("饮水灌溉 2h；;", "water", &s, &found, &e), LX_OK);
    assert_int_equal(found, 1);
    assert_int_equal(limit_spec_at(&s, LEVEL_GROUP).n, 2);
    assert_int_equal(limit_category_find("", "water", &s, &found, &e), LX_OK);
    assert_int_equal(found, 0);
    assert_int_equal(limit_category_find(list, NULL, NULL, NULL, &e), LX_OK);

    const struct {
        const char *text;
        const char *says;
    } bad[] = {
        {"power 24h", "\"power 24h\" does not start with a request category"},
        {"water 24", "\"24\" is not a time limit"},
        {"water", "time limit"},
        {"water 24h; water 2h", "water is given twice"},
        {"water 24h, dispute 15d", "does not start with a level"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        found = -1;
        memset(&e, 0, sizeof e);
        if (limit_category_find(bad[i].text, "water", &s, &found, &e) != LX_EINVAL)
            fail_msg("\"%s\" accepted", bad[i].text);
        assert_int_equal(found, 0);
        assert_string_equal(e.field, "value");
        if (!strstr(e.message, bad[i].says))
            fail_msg("\"%s\": \"%s\" does not say \"%s\"", bad[i].text, e.message, bad[i].says);
    }
}

/* The case policies parse, and the policy check refuses what the parser refuses. */
static void test_the_case_policies_check_their_grammar(void **state)
{
    (void)state;
    const char *keys[] = {"case.limit.response", "case.limit.emergency", "case.limit.ordinary",
                          "case.limit.complex", "case.limit.by_category"};
    const char *defs[] = {"24h", "2h", "7d", "15d", "water 24h"};
    for (size_t i = 0; i < 5; i++) {
        const policy_def *d = policy_find(keys[i]);
        lx_error e = {0};
        if (!d)
            fail_msg("no policy %s", keys[i]);
        assert_int_equal(d->domain, POLICY_WORK);
        assert_string_equal(d->def_text, defs[i]);
        assert_int_equal(policy_check_text(d, d->def_text, &e), LX_OK);
        assert_int_equal(policy_check_text(d, "7 d", &e), LX_EINVAL);
        assert_string_equal(e.field, "value");
    }
    lx_error e = {0};
    assert_int_equal(
        policy_check_text(policy_find("case.limit.ordinary"), "7d, township 10d, county 15wd", &e),
        LX_OK);
    assert_int_equal(
        policy_check_text(policy_find("case.limit.by_category"), "water 24h; dispute 15d", &e),
        LX_OK);
    assert_int_equal(policy_check_text(policy_find("case.limit.by_category"), "gas 24h", &e),
                     LX_EINVAL);
    const struct {
        const char *key;
        int64_t def;
    } num[] = {{"case.rating_wait_days", 7},      {"case.reopen_days", 30},
               {"case.follow_up_percent", 20},    {"case.photos_max", 3},
               {"case.photo_max_bytes", 5242880}, {"case.resident_daily_max", 10}};
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++) {
        const policy_def *d = policy_find(num[i].key);
        if (!d)
            fail_msg("no policy %s", num[i].key);
        assert_null(d->def_text);
        assert_int_equal(d->def, num[i].def);
        assert_int_equal(d->domain, POLICY_WORK);
    }
}

/* ---- clocks ---- */

static void test_two_hours_are_two_hours(void **state)
{
    (void)state;
    workcal c = cal_bj();
    time_limit l = {2, LIMIT_HOURS};
    int64_t start = bj(20250201, 23, 30); /* a Saturday in the Spring Festival: hours run */
    assert_int_equal(clock_deadline(start, l, NULL, 0, &c), start + 2 * H);
    assert_int_equal(clock_deadline(start, l, NULL, 0, NULL), start + 2 * H);
    assert_int_equal(clock_elapsed(start, start + H, l, NULL, 0, NULL), H);
    assert_int_equal(clock_elapsed(start, start - 5, l, NULL, 0, NULL), 0);
}

static void test_seven_days_across_a_pause(void **state)
{
    (void)state;
    time_limit l = {7, LIMIT_DAYS};
    int64_t start = bj(20250310, 9, 0);
    clock_pause p[] = {{bj(20250312, 10, 0), bj(20250313, 16, 0)}}; /* 30 hours */
    int64_t dl = clock_deadline(start, l, p, 1, NULL);
    assert_int_equal(dl, bj(20250318, 15, 0)); /* 7 days and the 30 hours of the pause */
    assert_int_equal(clock_elapsed(start, dl, l, p, 1, NULL), 7 * DAY);
    /* during the pause the clock stands */
    assert_int_equal(clock_elapsed(start, bj(20250312, 10, 0), l, p, 1, NULL),
                     clock_elapsed(start, bj(20250313, 12, 0), l, p, 1, NULL));
    assert_int_equal(clock_elapsed(start, bj(20250313, 12, 0), l, p, 1, NULL), 2 * DAY + H);
    /* two pauses, one inside the limit and one after it ran out */
    clock_pause q[] = {{bj(20250311, 9, 0), bj(20250312, 9, 0)},
                       {bj(20250320, 9, 0), bj(20250325, 9, 0)}};
    assert_int_equal(clock_deadline(start, l, q, 2, NULL), bj(20250318, 9, 0));
}

static void test_three_working_days_from_friday_evening(void **state)
{
    (void)state;
    workcal c = cal_bj();
    time_limit l = {3, LIMIT_WORKDAYS};
    int64_t start = bj(20250314, 17, 0); /* a Friday */
    assert_int_equal(weekday(20250314), 4);
    /* 7 hours on Friday, Monday, Tuesday, 17 hours on Wednesday */
    int64_t dl = clock_deadline(start, l, NULL, 0, &c);
    assert_int_equal(dl, bj(20250319, 17, 0));
    assert_int_equal(clock_elapsed(start, dl, l, NULL, 0, &c), 3 * DAY);
    assert_int_equal(clock_elapsed(start, dl - 1, l, NULL, 0, &c), 3 * DAY - 1);
    /* the weekend does not count */
    assert_int_equal(clock_elapsed(start, bj(20250317, 0, 0), l, NULL, 0, &c), 7 * H);
    /* working days are county-local: 03:00 on a Beijing Saturday is still Friday in UTC */
    workcal utc = c;
    utc.utc_offset = 0;
    start = bj(20250315, 3, 0);
    assert_int_equal(clock_deadline(start, l, NULL, 0, &c), bj(20250320, 0, 0));
    assert_int_equal(clock_deadline(start, l, NULL, 0, &utc), bj(20250320, 3, 0));
}

static void test_working_days_across_the_2026_national_day_week(void **state)
{
    (void)state;
    workcal c = cal_bj();
    time_limit l = {3, LIMIT_WORKDAYS};
    /* Wednesday 30 September 09:00: 15 hours that day, 1-7 October off, Thursday 8 and
     * Friday 9 worked, and Saturday 10 October is a make-up working day. */
    int64_t start = bj(20260930, 9, 0);
    assert_int_equal(weekday(20261010), 5);
    int64_t dl = clock_deadline(start, l, NULL, 0, &c);
    assert_int_equal(dl, bj(20261010, 9, 0));
    assert_int_equal(clock_elapsed(start, dl, l, NULL, 0, &c), 3 * DAY);
    /* without the notice it would have run out on Monday 5 October */
    workcal plain = {NULL, 0, BJ};
    assert_int_equal(clock_deadline(start, l, NULL, 0, &plain), bj(20261005, 9, 0));
    /* and the make-up Sunday before it, 20 September, counts */
    assert_int_equal(
        clock_deadline(bj(20260919, 12, 0), (time_limit){1, LIMIT_WORKDAYS}, NULL, 0, &c),
        bj(20260921, 0, 0));
    /* a pause across the holiday costs only the working days inside it */
    clock_pause p[] = {{bj(20260930, 12, 0), bj(20261009, 12, 0)}};
    dl = clock_deadline(start, l, p, 1, &c);
    /* 3 h on 30 Sep, 12 h on Friday 9 Oct, 24 h on Saturday 10 Oct, 24 h on Monday 12 Oct,
     * and the last 9 h on Tuesday 13 Oct */
    assert_int_equal(clock_elapsed(start, dl, l, p, 1, &c), 3 * DAY);
    assert_int_equal(dl, bj(20261013, 9, 0));
}

static void test_a_pause_that_still_lasts_stops_the_clock(void **state)
{
    (void)state;
    workcal c = cal_bj();
    int64_t start = bj(20250310, 9, 0);
    const time_limit lims[] = {{2, LIMIT_HOURS}, {7, LIMIT_DAYS}, {3, LIMIT_WORKDAYS}};
    for (size_t i = 0; i < 3; i++) {
        clock_pause p[] = {{start + H, 0}};
        assert_int_equal(clock_deadline(start, lims[i], p, 1, &c), INT64_MAX);
        assert_int_equal(clock_elapsed(start, start + 30 * DAY, lims[i], p, 1, &c), H);
    }
    /* but a case that was late before it began to wait stays late */
    time_limit l = {2, LIMIT_HOURS};
    clock_pause late[] = {{start + 5 * H, 0}};
    assert_int_equal(clock_deadline(start, l, late, 1, &c), start + 2 * H);
    /* ran out the very second the pause began */
    clock_pause edge[] = {{start + 2 * H, 0}};
    assert_int_equal(clock_deadline(start, l, edge, 1, &c), start + 2 * H);
}

/* Whatever the limit and pauses, at the deadline exactly the limit has elapsed, and one
 * second before, one second less (the deadline is the first moment the clock is out). */
static void test_elapsed_at_the_deadline_is_the_limit(void **state)
{
    (void)state;
    workcal c = cal_bj();
    const time_limit lims[] = {{1, LIMIT_HOURS},     {24, LIMIT_HOURS},   {7, LIMIT_DAYS},
                               {15, LIMIT_DAYS},     {1, LIMIT_WORKDAYS}, {5, LIMIT_WORKDAYS},
                               {15, LIMIT_WORKDAYS}, {60, LIMIT_WORKDAYS}};
    const int64_t starts[] = {bj(20240209, 17, 30), bj(20250127, 23, 59), bj(20250930, 8, 0),
                              bj(20261231, 12, 0), bj(20260214, 0, 0)};
    for (size_t i = 0; i < sizeof lims / sizeof lims[0]; i++)
        for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
            int64_t s = starts[k];
            clock_pause p[] = {{s + 5 * H, s + 29 * H}, {s + 3 * DAY, s + 4 * DAY + 7}};
            for (size_t np = 0; np <= 2; np++) {
                int64_t dl = clock_deadline(s, lims[i], p, np, &c);
                int64_t want = lims[i].unit == LIMIT_HOURS ? lims[i].n * H : lims[i].n * DAY;
                assert_true(dl > s);
                int64_t at = clock_elapsed(s, dl, lims[i], p, np, &c);
                int64_t before = clock_elapsed(s, dl - 1, lims[i], p, np, &c);
                if (at != want || before != want - 1)
                    fail_msg("limit %lld/%d from %lld with %zu pauses: %lld at, %lld before",
                             (long long)lims[i].n, lims[i].unit, (long long)s, np, (long long)at,
                             (long long)before);
            }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spring_festival_2025_and_its_make_up_sunday),
        cmocka_unit_test(test_a_plain_saturday_is_off_and_a_monday_works),
        cmocka_unit_test(test_a_year_without_a_table_is_monday_to_friday),
        cmocka_unit_test(test_the_built_in_notices_hold_together),
        cmocka_unit_test(test_time_limits_parse_and_format),
        cmocka_unit_test(test_a_limit_spec_with_levels),
        cmocka_unit_test(test_bad_limit_specs_are_refused_with_a_reason),
        cmocka_unit_test(test_category_overrides),
        cmocka_unit_test(test_the_case_policies_check_their_grammar),
        cmocka_unit_test(test_two_hours_are_two_hours),
        cmocka_unit_test(test_seven_days_across_a_pause),
        cmocka_unit_test(test_three_working_days_from_friday_evening),
        cmocka_unit_test(test_working_days_across_the_2026_national_day_week),
        cmocka_unit_test(test_a_pause_that_still_lasts_stops_the_clock),
        cmocka_unit_test(test_elapsed_at_the_deadline_is_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
