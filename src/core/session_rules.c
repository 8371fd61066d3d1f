/* session_rules.c -- the idle and absolute session limits. */
#include "core/session_rules.h"

int session_ended(int64_t created, int64_t seen, int64_t now, int64_t idle_secs,
                  int64_t absolute_secs)
{
    if (seen > now || created > now)
        return 1;
    return now - seen > idle_secs || now - created > absolute_secs;
}
