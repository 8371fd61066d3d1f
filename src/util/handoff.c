/* handoff.c -- a ring of slots between two threads (see handoff.h). */
#include "util/handoff.h"

void handoff_init(handoff *h, size_t cap)
{
    *h = (handoff){.cap = cap};
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
}

void handoff_destroy(handoff *h)
{
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
}

static size_t clamp(size_t want, size_t cap)
{
    return want < 1 ? 1 : want > cap ? cap : want;
}

/* Sleep (mu held) until *count reaches target or *ended is set, with the
 * target in *until for the other side to see. */
static void wait_for(handoff *h, const size_t *count, size_t *until, size_t target,
                     const int *ended)
{
    *until = target;
    while (!*ended && *count < target)
        pthread_cond_wait(&h->cv, &h->mu);
    *until = 0;
}

/* One more slot filled or given back: wake the other side if it waits for it. */
static void count_one(handoff *h, size_t *count, const size_t *until)
{
    pthread_mutex_lock(&h->mu);
    (*count)++;
    if (*until && *count >= *until)
        pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

static void end(handoff *h, int *flag)
{
    pthread_mutex_lock(&h->mu);
    *flag = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

int handoff_wait_room(handoff *h, size_t room)
{
    pthread_mutex_lock(&h->mu);
    /* free slots are cap - (made - used): room of them once used reaches the target */
    if (!h->stop && h->made - h->used >= h->cap)
        wait_for(h, &h->used, &h->producer_until, h->made - h->cap + clamp(room, h->cap),
                 &h->stop);
    int go = !h->stop;
    pthread_mutex_unlock(&h->mu);
    return go;
}

void handoff_put(handoff *h)
{
    count_one(h, &h->made, &h->consumer_until);
}

void handoff_finish(handoff *h)
{
    end(h, &h->done);
}

int handoff_wait_ready(handoff *h, size_t lag)
{
    pthread_mutex_lock(&h->mu);
    if (h->made == h->used && !h->done)
        wait_for(h, &h->made, &h->consumer_until, h->used + clamp(lag, h->cap), &h->done);
    int ready = h->made > h->used;
    pthread_mutex_unlock(&h->mu);
    return ready;
}

void handoff_take(handoff *h)
{
    count_one(h, &h->used, &h->producer_until);
}

void handoff_stop(handoff *h)
{
    end(h, &h->stop);
}
