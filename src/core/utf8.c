/* utf8.c -- strict UTF-8 validation and walking code point by code point. */
#include "core/utf8.h"

#include <stddef.h>

/* How many bytes a sequence with lead byte `c` claims (1..4), or 0 when `c`
 * cannot start a sequence (a continuation byte, 0xC0/0xC1, 0xF5..0xFF). */
static size_t seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

int utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned char c = p[i];
        size_t n = seq_len(c);
        if (c == 0 || n == 0 || n > len - i)
            return 0;
        for (size_t k = 1; k < n; k++)
            if (!is_cont(p[i + k]))
                return 0;
        /* The second byte's range rules out overlongs, surrogates and
         * code points past U+10FFFF (RFC 3629, section 4). */
        if (c == 0xE0 && p[i + 1] < 0xA0)
            return 0; /* overlong 3-byte form */
        if (c == 0xED && p[i + 1] > 0x9F)
            return 0; /* U+D800..U+DFFF */
        if (c == 0xF0 && p[i + 1] < 0x90)
            return 0; /* overlong 4-byte form */
        if (c == 0xF4 && p[i + 1] > 0x8F)
            return 0; /* above U+10FFFF */
        i += n;
    }
    return 1;
}

const char *utf8_next(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    if (*p == 0)
        return s;
    n = seq_len(*p);
    if (n == 0)
        return s + 1;
    /* A NUL is not a continuation byte, so this stops before the end. */
    for (size_t k = 1; k < n; k++)
        if (!is_cont(p[k]))
            return s + 1;
    return s + n;
}

size_t utf8_chars(const char *s)
{
    size_t count = 0;

    if (!s)
        return 0;
    while (*s) {
        s = utf8_next(s);
        count++;
    }
    return count;
}
