/* strmap.c -- string keys, FNV-1a hashing (strmap_hash), linear probing. */
#include "util/strmap.h"
#include "util/xalloc.h"

#include <string.h>

uint64_t strmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t find(const strmap *m, const char *key, uint64_t h)
{
    size_t i = h & (m->cap - 1);
    while (m->key[i] && (m->hash[i] != h || strcmp(m->key[i], key)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void grow(strmap *m)
{
    strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 256;
    m->key = xcalloc(m->cap, sizeof *m->key);
    m->val = xcalloc(m->cap, sizeof *m->val);
    m->hash = xcalloc(m->cap, sizeof *m->hash);
    for (size_t i = 0; i < old.cap; i++)
        if (old.key[i]) {
            size_t j = find(m, old.key[i], old.hash[i]);
            m->key[j] = old.key[i];
            m->val[j] = old.val[i];
            m->hash[j] = old.hash[i];
        }
    free(old.key);
    free(old.val);
    free(old.hash);
}

int strmap_add(strmap *m, const char *key, int64_t val, int64_t *old)
{
    uint64_t h = strmap_hash(key);
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    size_t i = find(m, key, h);
    if (m->key[i]) {
        if (old)
            *old = m->val[i];
        return 0;
    }
    m->key[i] = xstrdup(key);
    m->val[i] = val;
    m->hash[i] = h;
    m->n++;
    return 1;
}

int strmap_get(const strmap *m, const char *key, int64_t *val)
{
    if (!m->cap)
        return 0;
    size_t i = find(m, key, strmap_hash(key));
    if (!m->key[i])
        return 0;
    *val = m->val[i];
    return 1;
}

void strmap_release(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->key[i]);
    free(m->key);
    free(m->val);
    free(m->hash);
    m->key = NULL;
    m->val = NULL;
    m->hash = NULL;
    m->cap = m->n = 0;
}
