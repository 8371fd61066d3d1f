/* policies.h -- a county's policy values over the defaults. */
#ifndef LX_POLICIES_H
#define LX_POLICIES_H
#include <stdint.h>
#include "core/policy.h"
#include "store/db.h"

/* The value of `key` for a county: its own setting or the default. An
 * unknown key is a programmer's error (BUG). Values are cached per process
 * and the cache is dropped when this process changes one. */
int64_t policy_get(db *d, int64_t county_id, const char *key);

/* Set a value (inside the caller's write transaction). LX_EINVAL if the key
 * is unknown or the value out of its range. */
lx_status policy_set(db *d, int64_t county_id, const char *key, int64_t value, int64_t user_id);

/* The value of a text policy into buf (truncated to len, NUL-terminated):
 * the county's own setting or the default. An unknown key or a number
 * policy is a programmer's error (BUG). */
void policy_get_text(db *d, int64_t county_id, const char *key, char *buf, size_t len);

/* Set a text policy (inside the caller's write transaction). LX_EINVAL if
 * the key is unknown, not a text policy, or the text too long or not UTF-8. */
lx_status policy_set_text(db *d, int64_t county_id, const char *key, const char *value,
                          int64_t user_id);

/* Drop the cache (tests). */
void policy_cache_clear(void);

/* A number that changes whenever this process changes a policy (or drops the cache):
 * for modules that cache values derived from policies, with the same 30-second limit. */
uint64_t policy_generation(void);

#endif
