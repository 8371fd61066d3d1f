/* strbuf.h -- a growable string with a size limit and a sticky error. */
#ifndef LX_STRBUF_H
#define LX_STRBUF_H
#include <stdarg.h>
#include <stddef.h>

/* A strbuf owns its storage. Appends past `limit` set `overflow` and are
 * dropped; check strbuf_ok() once at the end instead of after every call. */
typedef struct strbuf {
    char *buf;     /* NUL-terminated contents, or NULL before the first append */
    size_t len;    /* bytes used, excluding the NUL */
    size_t alloc;  /* bytes allocated */
    size_t limit;  /* maximum len; 0 means no limit */
    int overflow;  /* set once an append would pass the limit */
} strbuf;

#define STRBUF_INIT {NULL, 0, 0, 0, 0}

/* Initialise with a limit (0: none). */
void strbuf_init(strbuf *sb, size_t limit);
/* Free the storage; the strbuf can be reused after strbuf_init. Accepts NULL. */
void strbuf_release(strbuf *sb);
/* Keep the storage but empty the contents and clear the error. */
void strbuf_reset(strbuf *sb);

void strbuf_add(strbuf *sb, const void *data, size_t len);
void strbuf_adds(strbuf *sb, const char *s);
void strbuf_addch(strbuf *sb, char c);
void strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);

/* The contents, always a valid C string ("" when empty); borrowed. */
const char *strbuf_str(const strbuf *sb);
/* Non-zero unless an append overflowed the limit. */
int strbuf_ok(const strbuf *sb);
/* Detach the contents and return them; you now own the storage (free(3)).
 * The strbuf is left empty, as after strbuf_init with the same limit. */
char *strbuf_detach(strbuf *sb, size_t *len);

#endif
