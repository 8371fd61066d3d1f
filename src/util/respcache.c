/* respcache.c -- answers kept for a short while (see respcache.h).
 *
 * Direct-mapped: a key has one slot, chosen by its hash, and a new answer
 * takes the slot from whatever was there. When the bytes held pass the limit,
 * a clock hand drops entries until they fit again. */
#include "util/respcache.h"
#include "util/strmap.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512 /* a power of two */

typedef struct entry {
    char *key;     /* NULL: empty */
    uint64_t hash; /* of key */
    uint64_t gen;  /* generation the body was made at */
    int64_t at;    /* when, ms */
    char *body;    /* owned */
    size_t len;    /* of body */
    int64_t aux;   /* the caller's number */
} entry;

struct respcache {
    pthread_mutex_t lock;
    entry slot[SLOTS];
    size_t max_bytes, bytes, n;
    int64_t ttl_ms;
    size_t hand; /* next slot the clock looks at */
};

static size_t cost(const entry *e)
{
    return strlen(e->key) + 1 + e->len;
}

/* Wipe and free an entry (the bodies may hold names). */
static void drop(respcache *c, entry *e)
{
    if (!e->key)
        return;
    c->bytes -= cost(e);
    c->n--;
    explicit_bzero(e->body, e->len);
    free(e->body);
    free(e->key);
    memset(e, 0, sizeof *e);
}

respcache *respcache_new(size_t max_bytes, int64_t ttl_ms)
{
    respcache *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->max_bytes = max_bytes;
    c->ttl_ms = ttl_ms;
    return c;
}

void respcache_free(respcache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < SLOTS; i++)
        drop(c, &c->slot[i]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int respcache_get(respcache *c, const char *key, uint64_t gen, int64_t now_ms, strbuf *body,
                  int64_t *aux)
{
    uint64_t h = strmap_hash(key);
    int hit = 0;
    pthread_mutex_lock(&c->lock);
    entry *e = &c->slot[h & (SLOTS - 1)];
    if (e->key && e->hash == h && !strcmp(e->key, key)) {
        if (e->gen != gen || now_ms - e->at >= c->ttl_ms || now_ms < e->at) {
            drop(c, e);
        } else {
            if (body)
                strbuf_add(body, e->body, e->len);
            *aux = e->aux;
            hit = 1;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void respcache_put(respcache *c, const char *key, uint64_t gen, int64_t now_ms, const char *body,
                   size_t len, int64_t aux)
{
    uint64_t h = strmap_hash(key);
    size_t need = strlen(key) + 1 + len;
    if (need > c->max_bytes / 8)
        return;
    entry fresh = {xstrdup(key), h, gen, now_ms, xmalloc(len ? len : 1), len, aux};
    memcpy(fresh.body, body, len);
    pthread_mutex_lock(&c->lock);
    entry *e = &c->slot[h & (SLOTS - 1)];
    drop(c, e);
    while (c->bytes + need > c->max_bytes) {
        drop(c, &c->slot[c->hand]);
        c->hand = (c->hand + 1) & (SLOTS - 1);
    }
    *e = fresh;
    c->bytes += need;
    c->n++;
    pthread_mutex_unlock(&c->lock);
}

size_t respcache_entries(respcache *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = c->n;
    pthread_mutex_unlock(&c->lock);
    return n;
}

size_t respcache_bytes(respcache *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = c->bytes;
    pthread_mutex_unlock(&c->lock);
    return n;
}
