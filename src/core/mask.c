/* mask.c -- masking personal data for display (masked by default in UI, API and exports). */
#include "core/mask.h"
#include "core/phone.h"
#include "core/utf8.h"

#include <stddef.h>
#include <string.h>

/* Sentinel for mask_generic's `stars`: one '*' per hidden character. */
#define STARS_PER_CHAR ((size_t)-1)

/* A bounded output: whole characters are appended while they fit; once one
 * does not, everything after it is dropped (`full` is sticky). */
typedef struct mask_out {
    char *buf;   /* caller's buffer */
    size_t size; /* its size in bytes, > 0 */
    size_t len;  /* bytes written, excluding the NUL */
    int full;    /* set once an append did not fit */
} mask_out;

static void out_add(mask_out *o, const char *p, size_t n)
{
    if (o->full || o->len + n + 1 > o->size) {
        o->full = 1;
        return;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

/* Keep the first `head` and the last `tail` characters of `s`; replace the
 * characters between with one '*' each, or, unless `stars` is
 * STARS_PER_CHAR, with a single run of exactly `stars` '*' (emitted only when
 * there is at least one character to hide). */
static void mask_generic(const char *s, size_t head, size_t tail, size_t stars, char *out,
                         size_t outlen)
{
    mask_out o = {out, outlen, 0, 0};
    size_t n = utf8_chars(s);
    size_t i = 0;

    if (outlen == 0)
        return;
    out[0] = '\0';
    if (head + tail > n) { /* defensive: nothing to hide */
        head = n;
        tail = 0;
    }

    for (const char *p = s; *p; i++) {
        const char *next = utf8_next(p);
        if (i < head || i >= n - tail)
            out_add(&o, p, (size_t)(next - p));
        else if (stars == STARS_PER_CHAR || i == head)
            for (size_t k = 0; k < (stars == STARS_PER_CHAR ? 1 : stars); k++)
                out_add(&o, "*", 1);
        p = next;
    }
}

static int all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

void mask_phone(const char *phone, char *out, size_t outlen)
{
    const char *s = phone ? phone : "";
    size_t n = utf8_chars(s);

    if (n < 7)
        mask_generic(s, 0, 0, STARS_PER_CHAR, out, outlen);
    else if (phone_is_mobile(s))
        mask_generic(s, 3, 4, STARS_PER_CHAR, out, outlen);
    else if (s[0] == '0' && all_digits(s))
        mask_generic(s, (s[1] == '1' || s[1] == '2') ? 3 : 4, 2, STARS_PER_CHAR, out, outlen);
    else
        mask_generic(s, 3, 2, STARS_PER_CHAR, out, outlen);
}

void mask_idcard(const char *id, char *out, size_t outlen)
{
    const char *s = id ? id : "";
    size_t n = utf8_chars(s);

    if (n == 18)
        mask_generic(s, 6, 4, STARS_PER_CHAR, out, outlen);
    else if (n >= 3)
        mask_generic(s, 1, 1, STARS_PER_CHAR, out, outlen);
    else
        mask_generic(s, 0, 0, STARS_PER_CHAR, out, outlen);
}

void mask_name(const char *utf8_name, char *out, size_t outlen)
{
    const char *s = utf8_name ? utf8_name : "";

    mask_generic(s, *s ? 1 : 0, 0, STARS_PER_CHAR, out, outlen);
}

void mask_address(const char *utf8, char *out, size_t outlen)
{
    const char *s = utf8 ? utf8 : "";
    size_t n = utf8_chars(s);

    if (n == 0)
        mask_generic(s, 0, 0, STARS_PER_CHAR, out, outlen);
    else
        mask_generic(s, n > 6 ? 6 : n / 2, 0, 4, out, outlen);
}
