/* test_handoff.c -- a ring between two threads: everything arrives in order, a
 * stop or a finish ends the other side's wait, and a waiting side is woken only
 * when as much as it asked for is there. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "util/handoff.h"

#define CAP 4

typedef struct pipe_ {
    handoff h;
    long slot[CAP];
    long n;             /* numbers to send: 1 .. n */
    long sent;          /* numbers the producer put */
    _Atomic int woke;   /* the side under watch has passed its wait */
} pipe_;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Until the other thread sleeps in its wait (*until set), so that what follows
 * is what wakes it, or does not. */
static void until_waiting(handoff *h, size_t *until)
{
    for (;;) {
        pthread_mutex_lock(&h->mu);
        size_t u = *until;
        pthread_mutex_unlock(&h->mu);
        if (u)
            return;
        sleep_ms(1);
    }
}

static void *produce(void *arg)
{
    pipe_ *p = arg;
    for (long v = 1; v <= p->n && handoff_wait_room(&p->h, 2); v++) {
        p->slot[p->h.made % CAP] = v;
        handoff_put(&p->h);
        p->sent = v;
    }
    handoff_finish(&p->h);
    return NULL;
}

static void test_every_number_arrives_once_and_in_order(void **state)
{
    (void)state;
    pipe_ p = {.n = 100000};
    pthread_t t;
    handoff_init(&p.h, CAP);
    assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
    long got = 0;
    while (handoff_wait_ready(&p.h, 3)) {
        long v = p.slot[p.h.used % CAP];
        if (v != got + 1)
            fail_msg("after %ld came %ld", got, v);
        got = v;
        handoff_take(&p.h);
    }
    pthread_join(t, NULL);
    assert_int_equal(got, p.n);
    handoff_destroy(&p.h);
}

static void test_a_stop_ends_the_producer_and_a_finish_the_consumer(void **state)
{
    (void)state;
    pipe_ p = {.n = 100000};
    pthread_t t;
    handoff_init(&p.h, CAP);
    assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
    for (int i = 0; i < 10; i++) {
        assert_true(handoff_wait_ready(&p.h, 1));
        handoff_take(&p.h);
    }
    handoff_stop(&p.h);
    pthread_join(t, NULL); /* would hang if the stop did not end its wait */
    assert_true(p.sent <= 10 + CAP);
    handoff_destroy(&p.h);
    /* a producer that finishes with nothing: the consumer is not left waiting */
    p = (pipe_){.n = 0};
    handoff_init(&p.h, CAP);
    assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
    assert_false(handoff_wait_ready(&p.h, 3));
    pthread_join(t, NULL);
    handoff_destroy(&p.h);
}

static void *consume_once(void *arg)
{
    pipe_ *p = arg;
    handoff_wait_ready(&p->h, 3);
    atomic_store(&p->woke, 1);
    return NULL;
}

static void *produce_once(void *arg)
{
    pipe_ *p = arg;
    handoff_wait_room(&p->h, 3);
    atomic_store(&p->woke, 1);
    return NULL;
}

/* Start `side`, which waits for 3 (slots ready or free); once it sleeps (*until
 * set), `step` twice must not wake it, the third time must. */
static void expect_woken_by_the_third(pipe_ *p, void *(*side)(void *), size_t *until,
                                      void (*step)(handoff *))
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, side, p), 0);
    until_waiting(&p->h, until);
    step(&p->h);
    step(&p->h);
    sleep_ms(50);
    assert_int_equal(atomic_load(&p->woke), 0);
    step(&p->h);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&p->woke), 1);
    handoff_destroy(&p->h);
}

static void test_a_waiting_side_wakes_only_when_what_it_asked_for_is_there(void **state)
{
    (void)state;
    pipe_ p = {0};
    /* the consumer asked for 3 ready */
    handoff_init(&p.h, CAP);
    expect_woken_by_the_third(&p, consume_once, &p.h.consumer_until, handoff_put);
    /* the producer, with the ring full, asked for 3 free */
    p = (pipe_){0};
    handoff_init(&p.h, CAP);
    for (int i = 0; i < CAP; i++)
        handoff_put(&p.h);
    expect_woken_by_the_third(&p, produce_once, &p.h.producer_until, handoff_take);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_number_arrives_once_and_in_order),
        cmocka_unit_test(test_a_stop_ends_the_producer_and_a_finish_the_consumer),
        cmocka_unit_test(test_a_waiting_side_wakes_only_when_what_it_asked_for_is_there),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
