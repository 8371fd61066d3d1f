/* ticker.c -- a thread that calls a function every period until it is stopped. */
#include "util/ticker.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct ticker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    int period_ms;
    void (*fn)(void *arg);
    void *arg;
    void (*at_exit)(void);
};

static void *ticker_main(void *p)
{
    ticker *t = p;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += t->period_ms / 1000;
        until.tv_nsec += (long)(t->period_ms % 1000) * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&t->cv, &t->mu, &until);
        if (t->stop)
            break;
        pthread_mutex_unlock(&t->mu);
        t->fn(t->arg);
        pthread_mutex_lock(&t->mu);
    }
    pthread_mutex_unlock(&t->mu);
    if (t->at_exit)
        t->at_exit();
    return NULL;
}

ticker *ticker_start(int period_ms, void (*fn)(void *arg), void *arg, void (*at_exit)(void))
{
    ticker *t = xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    t->period_ms = period_ms;
    t->fn = fn;
    t->arg = arg;
    t->at_exit = at_exit;
    if (pthread_create(&t->thread, NULL, ticker_main, t) != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        free(t);
        return NULL;
    }
    return t;
}

void ticker_stop(ticker *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = 1;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}
