/* phone.c -- mainland China phone numbers: normalizing input and checking its shape. */
#include "core/phone.h"
#include "core/utf8.h"

#include <stddef.h>
#include <string.h>

/* Longest text phone_normalize() works on before the prefix is stripped:
 * "0086" + 11 digits, with room to spare so that over-long input is seen. */
#define PHONE_WORK_MAX 64

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

/* Whether the character at `p` (of `n` bytes) is dropped: ASCII whitespace,
 * '-', U+3000 IDEOGRAPHIC SPACE (E3 80 80), U+FF0D FULLWIDTH HYPHEN-MINUS
 * (EF BC 8D). */
static int is_separator(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r') || p[0] == '-';
    if (n == 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
        return 1;
    return n == 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8D;
}

/* The ASCII character that the character at `p` (of `n` bytes) stands for:
 * itself if ASCII, a full-width digit (U+FF10..U+FF19, EF BC 90..99) or
 * U+FF0B FULLWIDTH PLUS SIGN (EF BC 8B) folded; 0 for anything else. */
static char fold_char(const unsigned char *p, size_t n)
{
    if (n == 1)
        return (char)p[0];
    if (n == 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99)
        return (char)('0' + (p[2] - 0x90));
    if (n == 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8B)
        return '+';
    return 0;
}

/* Length of the country prefix to drop from `s` (len bytes), or 0. */
static size_t mobile_prefix(const char *s, size_t len)
{
    static const char *const prefixes[] = {"+86", "0086", "86"};

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t plen = strlen(prefixes[i]);
        if (len == plen + 11 && memcmp(s, prefixes[i], plen) == 0 && s[plen] == '1' &&
            all_digits(s + plen, 11))
            return plen;
    }
    return 0;
}

int phone_normalize(const char *in, char *out, size_t outlen)
{
    char work[PHONE_WORK_MAX + 1];
    size_t len = 0, skip;
    int overflow = 0;
    int rc = -1;

    if (outlen == 0)
        goto out;
    out[0] = '\0';
    if (!in)
        goto out;

    /* Fold into `work`, keeping unknown characters whole. */
    for (const char *p = in; *p;) {
        const char *next = utf8_next(p);
        size_t n = (size_t)(next - p);
        char c;

        if (!is_separator((const unsigned char *)p, n)) {
            c = fold_char((const unsigned char *)p, n);
            if (c)
                n = 1;
            if (len + n > PHONE_WORK_MAX) {
                overflow = 1;
                break;
            }
            if (c)
                work[len] = c;
            else
                memcpy(work + len, p, n);
            len += n;
        }
        p = next;
    }
    work[len] = '\0';

    skip = mobile_prefix(work, len);
    len -= skip;

    /* Copy out whole characters only. */
    {
        const char *p = work + skip;
        size_t used = 0;
        while (*p) {
            const char *next = utf8_next(p);
            size_t n = (size_t)(next - p);
            if (used + n + 1 > outlen) {
                overflow = 1;
                break;
            }
            memcpy(out + used, p, n);
            used += n;
            p = next;
        }
        out[used] = '\0';
    }

    if (!overflow && len > 0 && all_digits(out, len))
        rc = 0;
out:
    return rc;
}

int phone_is_mobile(const char *s)
{
    return s && strnlen(s, 12) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
           all_digits(s, 11);
}

/* Whether `s` (len bytes, all digits) is a landline: 0 + area code + local. */
static int is_landline(const char *s, size_t len)
{
    size_t area; /* digits of the area code, after the leading 0 */
    size_t local;

    if (len < 10 || len > 12 || s[0] != '0')
        return 0;
    if (s[1] == '1' && s[2] == '0')
        area = 2; /* 010 Beijing */
    else if (s[1] == '2')
        area = 2; /* 020 .. 029 */
    else if (s[1] >= '3' && s[1] <= '9')
        area = 3;
    else
        return 0; /* 00 is the international prefix; 01x other than 010 is unused */
    local = len - 1 - area;
    return (local == 7 || local == 8) && s[1 + area] != '0';
}

lx_status phone_check(const char *normalized, const char **reason)
{
    size_t len;
    lx_status st = LX_EINVAL;

    if (!normalized)
        goto out;
    len = strnlen(normalized, 13);
    if (!all_digits(normalized, len))
        goto out;
    if (phone_is_mobile(normalized) || is_landline(normalized, len))
        st = LX_OK;
out:
    if (st != LX_OK && reason)
        *reason = "format";
    return st;
}
