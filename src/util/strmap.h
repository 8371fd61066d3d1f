/* strmap.h -- a hash map from strings to 64-bit values (open addressing). */
#ifndef LX_STRMAP_H
#define LX_STRMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct strmap {
    char **key;     /* keys (owned copies), NULL when empty */
    int64_t *val;   /* values */
    size_t cap;     /* slots, a power of two (0 before the first put) */
    size_t n;       /* keys held */
    uint64_t *hash; /* hash of each key, compared before the key itself */
} strmap;

#define STRMAP_INIT {NULL, NULL, 0, 0, NULL}

/* Insert key -> val if key is absent and return 1; if present, leave it,
 * store its value in *old (if non-NULL) and return 0. The key is copied. */
int strmap_add(strmap *m, const char *key, int64_t val, int64_t *old);
/* Look key up: 1 and *val if present, else 0. */
int strmap_get(const strmap *m, const char *key, int64_t *val);
/* The hash of a key (64-bit FNV-1a), for other tables keyed by strings. */
uint64_t strmap_hash(const char *s);
/* Free everything. Accepts an empty map. */
void strmap_release(strmap *m);

#endif
