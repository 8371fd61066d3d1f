/* test_ticker.c -- a ticker calls its function every period on its own thread, and once
 * stopped calls it no more and has run its exit hook. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "util/ticker.h"

static _Atomic int calls, exits;
static pthread_t caller;

static void tick(void *arg)
{
    atomic_fetch_add(&calls, 1);
    caller = pthread_self();
    assert_ptr_equal(arg, &calls);
}

static void at_exit_hook(void)
{
    atomic_fetch_add(&exits, 1);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_it_calls_every_period_until_stopped(void **state)
{
    (void)state;
    atomic_store(&calls, 0);
    atomic_store(&exits, 0);
    double t0 = now_ms();
    ticker *t = ticker_start(20, tick, &calls, at_exit_hook);
    assert_non_null(t);
    sleep_ms(250);
    ticker_stop(t);
    double elapsed = now_ms() - t0;
    int n = atomic_load(&calls);
    assert_true(n >= 3);                    /* about 12; a loaded machine may give fewer */
    assert_true(n <= (int)(elapsed / 20));  /* never more often than the period */
    assert_false(pthread_equal(caller, pthread_self()));
    assert_int_equal(atomic_load(&exits), 1);
    sleep_ms(60);
    assert_int_equal(atomic_load(&calls), n); /* stopped means stopped */
}

static void test_a_stop_before_the_first_period_calls_nothing(void **state)
{
    (void)state;
    atomic_store(&calls, 0);
    atomic_store(&exits, 0);
    ticker *t = ticker_start(60000, tick, &calls, at_exit_hook);
    ticker_stop(t); /* does not wait out the minute */
    assert_int_equal(atomic_load(&calls), 0);
    assert_int_equal(atomic_load(&exits), 1);
    ticker_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_it_calls_every_period_until_stopped),
        cmocka_unit_test(test_a_stop_before_the_first_period_calls_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
