/* handoff.h -- a ring of slots between one producing thread and one consuming
 * thread: how many slots were filled and given back, and waits that wake the
 * other side only when it can go on for a while. The slots are the caller's
 * (slot k of the ring is k % cap).
 *
 * Waking the other side at every slot costs a futex wake and wait each time:
 * with a ring of small items (an import's records) that was 15% of the work.
 * So a side that has to wait names how much it wants first: the producer how
 * many free slots (`room`), the consumer how many filled ones (`lag`); it is
 * woken when that much is there, or when the other side ends. */
#ifndef LX_HANDOFF_H
#define LX_HANDOFF_H
#include <pthread.h>
#include <stddef.h>

typedef struct handoff {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t cap;            /* slots in the ring */
    size_t made;           /* slots filled (the producer's; read it there freely) */
    size_t used;           /* slots given back (the consumer's; read it there freely) */
    int done;              /* the producer fills no more */
    int stop;              /* the consumer wants no more */
    size_t producer_until; /* a waiting producer's wake-up: used reaching it; 0 none */
    size_t consumer_until; /* a waiting consumer's wake-up: made reaching it; 0 none */
} handoff;

void handoff_init(handoff *h, size_t cap);
void handoff_destroy(handoff *h);

/* Producer: 1 when slot `made` may be filled; when the ring is full, first
 * wait until `room` slots are free. 0 once the consumer has stopped. */
int handoff_wait_room(handoff *h, size_t room);
/* Producer: slot `made` is filled. */
void handoff_put(handoff *h);
/* Producer: no more slots will be filled. */
void handoff_finish(handoff *h);

/* Consumer: 1 when slot `used` is filled; when none is, first wait until
 * `lag` are (or the producer has finished). 0 when the producer has finished
 * and every filled slot is given back. */
int handoff_wait_ready(handoff *h, size_t lag);
/* Consumer: slot `used` is given back. */
void handoff_take(handoff *h);
/* Consumer: no more slots are wanted (the producer's next wait answers 0). */
void handoff_stop(handoff *h);

#endif
