/* test_session_rules.c -- sessions end after 30 idle minutes or 12 hours, whichever first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/session_rules.h"

#define MIN 60
#define HOUR 3600
static const int64_t t0 = 1700000000;

static void test_active_session_within_limits_goes_on(void **state)
{
    (void)state;
    assert_int_equal(session_ended(t0, t0 + 10 * MIN, t0 + 30 * MIN, 30 * MIN, 12 * HOUR), 0);
}

static void test_thirty_idle_minutes_end_the_session(void **state)
{
    (void)state;
    assert_int_equal(session_ended(t0, t0, t0 + 30 * MIN, 30 * MIN, 12 * HOUR), 0);
    assert_int_equal(session_ended(t0, t0, t0 + 30 * MIN + 1, 30 * MIN, 12 * HOUR), 1);
}

static void test_twelve_hours_end_even_a_busy_session(void **state)
{
    (void)state;
    int64_t now = t0 + 12 * HOUR + 1;
    assert_int_equal(session_ended(t0, now - 5, now, 30 * MIN, 12 * HOUR), 1);
    assert_int_equal(session_ended(t0, now - 5, now - 2, 30 * MIN, 12 * HOUR), 0);
}

static void test_a_clock_that_went_back_ends_the_session(void **state)
{
    (void)state;
    assert_int_equal(session_ended(t0, t0 + 100, t0 + 50, 30 * MIN, 12 * HOUR), 1);
    assert_int_equal(session_ended(t0 + 100, t0 + 100, t0 + 50, 30 * MIN, 12 * HOUR), 1);
}

static void test_a_county_policy_of_five_idle_minutes_is_honoured(void **state)
{
    (void)state;
    assert_int_equal(session_ended(t0, t0, t0 + 6 * MIN, 5 * MIN, 12 * HOUR), 1);
    assert_int_equal(session_ended(t0, t0, t0 + 4 * MIN, 5 * MIN, 12 * HOUR), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_active_session_within_limits_goes_on),
        cmocka_unit_test(test_thirty_idle_minutes_end_the_session),
        cmocka_unit_test(test_twelve_hours_end_even_a_busy_session),
        cmocka_unit_test(test_a_clock_that_went_back_ends_the_session),
        cmocka_unit_test(test_a_county_policy_of_five_idle_minutes_is_honoured),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
