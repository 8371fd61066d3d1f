/* password.h -- password policy: strength rules and expiry (等保 defaults, configurable). */
#ifndef LX_PASSWORD_H
#define LX_PASSWORD_H
#include "util/status.h"

/* Longest password accepted, in bytes (hashing cost and DoS bound). */
#define PASSWORD_MAX_BYTES 128

/* What a password must satisfy. A plain value; copy it freely. */
typedef struct password_policy {
    int min_length;   /* fewest UTF-8 characters; <= 0: no minimum */
    int min_classes;  /* fewest of the 4 classes (lower, upper, digit, other); <= 0: none */
    int max_age_days; /* days until a password must be changed; <= 0: never expires */
} password_policy;

/* 8 characters, 3 of the 4 classes, changed every 90 days. */
#define PASSWORD_POLICY_DEFAULT                                                                    \
    {                                                                                              \
        8, 3, 90                                                                                   \
    }

/* Check a proposed password against a policy.
 *   p:        the policy, borrowed; NULL means PASSWORD_POLICY_DEFAULT.
 *   password: NUL-terminated UTF-8, borrowed; NULL fails as "too_short".
 *   username: the account's login name, borrowed; NULL or shorter than 3
 *             bytes skips the username rule.
 *   reason:   if not NULL, set on failure to a short stable key (a static
 *             string); left alone on success. The rules, checked in this
 *             order and the first failure reported:
 *     "control_chars"     a byte below 0x20 or 0x7F;
 *     "too_long"          more than PASSWORD_MAX_BYTES bytes;
 *     "too_short"         fewer than min_length characters (code points, so
 *                         "密码" is 2, not 6);
 *     "too_few_classes"   fewer than min_classes of: ASCII lowercase, ASCII
 *                         uppercase, ASCII digit, other (anything else,
 *                         non-ASCII included);
 *     "contains_username" the username appears in it, ignoring ASCII case.
 * Returns LX_OK or LX_EINVAL. */
lx_status password_check(const password_policy *p, const char *password, const char *username,
                         const char **reason);

/* Whether a password changed at `changed_at_unix` must be changed by
 * `now_unix` (both seconds since the epoch). p: borrowed; NULL means
 * PASSWORD_POLICY_DEFAULT. Returns 1 if max_age_days > 0 and
 * now - changed_at >= max_age_days days, else 0. */
int password_expired(const password_policy *p, long long changed_at_unix, long long now_unix);

#endif
