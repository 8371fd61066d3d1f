/* strbuf.c -- growable strings with a limit and a sticky error. */
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>

void strbuf_init(strbuf *sb, size_t limit)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->alloc = 0;
    sb->limit = limit;
    sb->overflow = 0;
}

void strbuf_release(strbuf *sb)
{
    if (!sb)
        return;
    free(sb->buf);
    strbuf_init(sb, sb->limit);
}

void strbuf_reset(strbuf *sb)
{
    sb->len = 0;
    sb->overflow = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

static int grow(strbuf *sb, size_t extra)
{
    if (sb->overflow)
        return 0;
    if (sb->limit && sb->len + extra > sb->limit) {
        sb->overflow = 1;
        return 0;
    }
    if (sb->len + extra + 1 > sb->alloc) {
        size_t want = sb->alloc ? sb->alloc * 2 : 64;
        while (want < sb->len + extra + 1)
            want *= 2;
        sb->buf = xrealloc(sb->buf, want);
        sb->alloc = want;
    }
    return 1;
}

void strbuf_add(strbuf *sb, const void *data, size_t len)
{
    if (!grow(sb, len))
        return;
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void strbuf_adds(strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
    char small[256];
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(small, sizeof small, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        strbuf_add(sb, small, (size_t)n);
        return;
    }
    if (!grow(sb, (size_t)n))
        return;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

const char *strbuf_str(const strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

int strbuf_ok(const strbuf *sb)
{
    return !sb->overflow;
}

char *strbuf_detach(strbuf *sb, size_t *len)
{
    char *s = sb->buf ? sb->buf : xstrdup("");
    if (len)
        *len = sb->len;
    strbuf_init(sb, sb->limit);
    return s;
}
