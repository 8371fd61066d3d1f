/* session_rules.h -- when a session has ended (idle and absolute limits). */
#ifndef LX_SESSION_RULES_H
#define LX_SESSION_RULES_H
#include <stdint.h>

/* 1 if a session created at `created` and last seen at `seen` has ended at
 * `now`: idle for more than idle_secs, or older than absolute_secs. A clock
 * that went backwards (seen or created after now) also ends it. */
int session_ended(int64_t created, int64_t seen, int64_t now, int64_t idle_secs,
                  int64_t absolute_secs);

/* Activity is written back at most this often (seconds): a read should not
 * cost a write. The idle limit is therefore exact to within this much. */
#define SESSION_TOUCH_SECS 60

#endif
