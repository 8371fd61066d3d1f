/* ratelimit.h -- in-memory event counters per key (a client address) over a sliding window. */
#ifndef LX_RATELIMIT_H
#define LX_RATELIMIT_H
#include <stddef.h>
#include <stdint.h>

/* A table of counters, one per key, each counting the events of the last
 * `window` seconds. The window slides in RATELIMIT_SLOTS steps (a 600 s
 * window in 10 s steps): an event leaves the count between window - step and
 * window seconds after it happened, never earlier. The table holds at most
 * `max_keys` keys; when it is full, keys whose events have all expired go
 * first, then the key least recently counted. Nothing is persisted: a restart
 * forgets every count. Every call is thread-safe (one mutex per table). */

#define RATELIMIT_SLOTS 60   /* steps per window */
#define RATELIMIT_KEY_MAX 63 /* longer keys are cut to this many bytes */

typedef struct ratelimit ratelimit;

/* A new, empty table. window: seconds (>= 1); max_keys: >= 1. Never NULL
 * (out of memory aborts). Free it with ratelimit_free. */
ratelimit *ratelimit_new(int64_t window, size_t max_keys);

/* Free the table and every counter. Accepts NULL. */
void ratelimit_free(ratelimit *rl);

/* Count one event for `key` (borrowed) at time `now` (seconds); returns the
 * key's count in the window, this event included. */
int ratelimit_hit(ratelimit *rl, const char *key, int64_t now);

/* The key's count in the window at time `now`, without counting anything;
 * 0 for a key the table does not hold. */
int ratelimit_count(ratelimit *rl, const char *key, int64_t now);

/* Forget every count (tests). */
void ratelimit_clear(ratelimit *rl);

#endif
