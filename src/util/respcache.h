/* respcache.h -- answers kept for a short while: response bodies by request
 * key, each good while the data it was made from is unchanged (a generation
 * number, see db_generation) and for at most a time to live. One lock; bodies
 * are copied in and out, and wiped when dropped. */
#ifndef LX_RESPCACHE_H
#define LX_RESPCACHE_H
#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

typedef struct respcache respcache;

/* A cache holding up to max_bytes of keys and bodies, each kept at most
 * ttl_ms milliseconds. */
respcache *respcache_new(size_t max_bytes, int64_t ttl_ms);
/* Drop everything and free the cache. Accepts NULL. */
void respcache_free(respcache *c);

/* If key holds an answer made at generation gen less than the time to live
 * before now_ms: append its body to *body (if body is not NULL), put the number
 * kept with it in *aux and return 1. Otherwise return 0 (and drop a stale one). */
int respcache_get(respcache *c, const char *key, uint64_t gen, int64_t now_ms, strbuf *body,
                  int64_t *aux);
/* Keep a copy of body under key, made at generation gen at now_ms, with aux.
 * A body over an eighth of the cache is not kept. */
void respcache_put(respcache *c, const char *key, uint64_t gen, int64_t now_ms, const char *body,
                   size_t len, int64_t aux);

/* Entries and bytes held (for tests). */
size_t respcache_entries(respcache *c);
size_t respcache_bytes(respcache *c);

#endif
