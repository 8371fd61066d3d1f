/* ticker.h -- a thread that calls a function every period until it is stopped. */
#ifndef LX_TICKER_H
#define LX_TICKER_H

typedef struct ticker ticker;

/* Call fn(arg) every period_ms milliseconds on a thread of its own, the first
 * time one period after the start; at_exit (may be NULL) runs on that thread
 * when it ends. NULL if the thread cannot be started. */
ticker *ticker_start(int period_ms, void (*fn)(void *arg), void *arg, void (*at_exit)(void));
/* Stop calling, wait for a call in progress to finish, and free. Accepts NULL. */
void ticker_stop(ticker *t);

#endif
