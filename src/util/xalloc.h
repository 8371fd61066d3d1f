/* xalloc.h -- allocation that aborts on out-of-memory, so callers need not check. */
#ifndef LX_XALLOC_H
#define LX_XALLOC_H
#include <stddef.h>

/* Each returns memory the caller frees with free(3); none returns NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Abort with a message: a programmer's error (like git's BUG()). */
_Noreturn void lx_bug(const char *file, int line, const char *msg);
#define BUG(msg) lx_bug(__FILE__, __LINE__, (msg))

/* Bounded copy that always NUL-terminates dst (size > 0); returns strlen(src). */
size_t lx_strlcpy(char *dst, const char *src, size_t size);

#endif
