/* zh.h -- Simplified/Traditional folding for search keys (OpenCC). */
#ifndef LX_ZH_H
#define LX_ZH_H
#include <stddef.h>
#include <stdint.h>
#include "util/status.h"

/* Load OpenCC's Traditional-to-Simplified conversion. Called once at start;
 * LX_EIO if OpenCC's data files are missing. */
lx_status zh_init(void);
/* Release OpenCC. */
void zh_shutdown(void);

/* The search key of a text: Traditional folded to Simplified, ASCII letters
 * lowercased, white space (ASCII and U+3000) removed. Both stored names and
 * queries go through this, so 聯繫 finds 联系 and the reverse. Returns a
 * malloc'd string the caller frees. Thread-safe. */
char *zh_key(const char *utf8);

/* Search keys remembered by text, for writing many records: a county has a
 * million names but only tens of thousands of different ones, and zh_key
 * goes through OpenCC. One cache is used by one thread at a time. */
typedef struct zh_cache {
    struct zh_cache_entry *e; /* open addressing, linear probing */
    size_t cap;               /* slots, a power of two (0 before the first key) */
    size_t n;                 /* slots used */
} zh_cache;
#define ZH_CACHE_INIT {NULL, 0, 0}

/* zh_key(text), borrowed from the cache until zh_cache_release. */
const char *zh_cache_key(zh_cache *c, const char *text);
/* Free every key. Accepts an empty cache. */
void zh_cache_release(zh_cache *c);

#endif
