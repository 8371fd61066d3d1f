/* jsonw.c -- JSON text into a strbuf (see jsonw.h). */
#include "util/jsonw.h"

#include <string.h>

void jsonw_str(strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s, *run = p;
    strbuf_addch(sb, '"');
    for (; *p; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        strbuf_add(sb, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"': strbuf_add(sb, "\\\"", 2); break;
        case '\\': strbuf_add(sb, "\\\\", 2); break;
        case '\b': strbuf_add(sb, "\\b", 2); break;
        case '\f': strbuf_add(sb, "\\f", 2); break;
        case '\n': strbuf_add(sb, "\\n", 2); break;
        case '\r': strbuf_add(sb, "\\r", 2); break;
        case '\t': strbuf_add(sb, "\\t", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            strbuf_add(sb, u, sizeof u);
        }
        }
    }
    strbuf_add(sb, run, (size_t)(p - run));
    strbuf_addch(sb, '"');
}

void jsonw_key(strbuf *sb, const char *key)
{
    jsonw_str(sb, key);
    strbuf_addch(sb, ':');
}

void jsonw_int(strbuf *sb, int64_t v)
{
    char buf[24], *e = buf + sizeof buf, *p = e;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    strbuf_add(sb, p, (size_t)(e - p));
}
