/* password.c -- password policy: strength rules and expiry. */
#include "core/password.h"
#include "core/utf8.h"

#include <stddef.h>
#include <string.h>

static const password_policy default_policy = PASSWORD_POLICY_DEFAULT;

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Whether `needle` occurs in `hay`, comparing ASCII letters without case. */
static int contains_nocase(const char *hay, const char *needle)
{
    size_t hn = strlen(hay), nn = strlen(needle);

    if (nn > hn)
        return 0;
    for (size_t i = 0; i + nn <= hn; i++) {
        size_t k = 0;
        while (k < nn && ascii_lower(hay[i + k]) == ascii_lower(needle[k]))
            k++;
        if (k == nn)
            return 1;
    }
    return 0;
}

/* How many of the four character classes appear in `s`. */
static int count_classes(const char *s)
{
    int lower = 0, upper = 0, digit = 0, other = 0;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 'a' && c <= 'z')
            lower = 1;
        else if (c >= 'A' && c <= 'Z')
            upper = 1;
        else if (c >= '0' && c <= '9')
            digit = 1;
        else
            other = 1;
    }
    return lower + upper + digit + other;
}

static int has_control(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7F)
            return 1;
    }
    return 0;
}

lx_status password_check(const password_policy *p, const char *password, const char *username,
                         const char **reason)
{
    const char *why = NULL;

    if (!p)
        p = &default_policy;
    if (!password) {
        why = "too_short";
        goto out;
    }
    if (has_control(password)) {
        why = "control_chars";
        goto out;
    }
    if (strnlen(password, PASSWORD_MAX_BYTES + 1) > PASSWORD_MAX_BYTES) {
        why = "too_long";
        goto out;
    }
    if (p->min_length > 0 && utf8_chars(password) < (size_t)p->min_length) {
        why = "too_short";
        goto out;
    }
    if (p->min_classes > 0 && count_classes(password) < p->min_classes) {
        why = "too_few_classes";
        goto out;
    }
    if (username && strlen(username) >= 3 && contains_nocase(password, username)) {
        why = "contains_username";
        goto out;
    }
out:
    if (why && reason)
        *reason = why;
    return why ? LX_EINVAL : LX_OK;
}

int password_expired(const password_policy *p, long long changed_at_unix, long long now_unix)
{
    if (!p)
        p = &default_policy;
    if (p->max_age_days <= 0)
        return 0;
    /* A change time in the future (clock skew) is not expired. */
    if (now_unix < changed_at_unix)
        return 0;
    /* now >= changed, so the true difference fits in an unsigned long long;
     * subtracting there cannot overflow as signed subtraction could. */
    return (unsigned long long)now_unix - (unsigned long long)changed_at_unix >=
           (unsigned long long)p->max_age_days * 86400ULL;
}
