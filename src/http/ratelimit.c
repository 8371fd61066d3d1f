/* ratelimit.c -- per-key event counters over a sliding window, in memory, behind one mutex. */
#include "http/ratelimit.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <string.h>

/* One key's counts: a ring of slots, one per step of the window. */
typedef struct rl_entry {
    struct rl_entry *next;            /* next entry in the same bucket */
    char key[RATELIMIT_KEY_MAX + 1];  /* the key, NUL-terminated */
    int64_t step;                     /* step number of the newest slot */
    int64_t last;                     /* time of the last event counted */
    uint32_t slot[RATELIMIT_SLOTS];   /* events per step; slot[step % nslots] is the newest */
} rl_entry;

struct ratelimit {
    pthread_mutex_t lock; /* guards everything below */
    int64_t step_len;     /* seconds per step */
    int nslots;           /* steps per window (<= RATELIMIT_SLOTS) */
    size_t max_keys;      /* most keys held at once */
    size_t n;             /* keys held */
    size_t nbuckets;      /* a power of two */
    rl_entry **bucket;    /* chains of entries */
};

ratelimit *ratelimit_new(int64_t window, size_t max_keys)
{
    ratelimit *rl = xcalloc(1, sizeof *rl);
    if (window < 1)
        window = 1;
    if (max_keys < 1)
        max_keys = 1;
    rl->step_len = (window + RATELIMIT_SLOTS - 1) / RATELIMIT_SLOTS;
    rl->nslots = (int)((window + rl->step_len - 1) / rl->step_len);
    rl->max_keys = max_keys;
    rl->nbuckets = 16;
    while (rl->nbuckets < max_keys && rl->nbuckets < ((size_t)1 << 20))
        rl->nbuckets <<= 1;
    rl->bucket = xcalloc(rl->nbuckets, sizeof *rl->bucket);
    pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

/* Free every entry; the caller holds the lock (or owns the table alone). */
static void drop_all(ratelimit *rl)
{
    for (size_t i = 0; i < rl->nbuckets; i++) {
        rl_entry *e = rl->bucket[i];
        while (e) {
            rl_entry *next = e->next;
            free(e);
            e = next;
        }
        rl->bucket[i] = NULL;
    }
    rl->n = 0;
}

void ratelimit_free(ratelimit *rl)
{
    if (!rl)
        return;
    drop_all(rl);
    pthread_mutex_destroy(&rl->lock);
    free(rl->bucket);
    free(rl);
}

void ratelimit_clear(ratelimit *rl)
{
    pthread_mutex_lock(&rl->lock);
    drop_all(rl);
    pthread_mutex_unlock(&rl->lock);
}

/* FNV-1a over the (cut) key. */
static size_t key_hash(const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; key[i] && i < RATELIMIT_KEY_MAX; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

/* Equal as keys: the first RATELIMIT_KEY_MAX bytes. */
static int key_eq(const char *stored, const char *key)
{
    return strncmp(stored, key, RATELIMIT_KEY_MAX) == 0;
}

/* Move an entry's window forward to `step`, emptying the slots it leaves
 * behind. A clock that goes back counts into the newest slot. */
static void advance(const ratelimit *rl, rl_entry *e, int64_t step)
{
    if (step <= e->step)
        return;
    if (step - e->step >= rl->nslots) {
        memset(e->slot, 0, sizeof e->slot);
    } else {
        for (int64_t s = e->step + 1; s <= step; s++)
            e->slot[s % rl->nslots] = 0;
    }
    e->step = step;
}

static int total(const ratelimit *rl, const rl_entry *e)
{
    uint64_t sum = 0;
    for (int i = 0; i < rl->nslots; i++)
        sum += e->slot[i];
    return sum > INT32_MAX ? INT32_MAX : (int)sum;
}

static rl_entry *find(ratelimit *rl, const char *key, size_t *bucket)
{
    size_t b = key_hash(key) & (rl->nbuckets - 1);
    if (bucket)
        *bucket = b;
    for (rl_entry *e = rl->bucket[b]; e; e = e->next)
        if (key_eq(e->key, key))
            return e;
    return NULL;
}

/* Make room for one more key: drop every key with nothing left in its
 * window; if none, the key least recently counted. */
static void make_room(ratelimit *rl, int64_t step)
{
    rl_entry **oldest = NULL;
    for (size_t i = 0; i < rl->nbuckets; i++) {
        rl_entry **pp = &rl->bucket[i];
        while (*pp) {
            rl_entry *e = *pp;
            advance(rl, e, step);
            if (total(rl, e) == 0) {
                *pp = e->next;
                free(e);
                rl->n--;
                continue;
            }
            if (!oldest || e->last < (*oldest)->last)
                oldest = pp;
            pp = &e->next;
        }
    }
    if (rl->n >= rl->max_keys && oldest) {
        rl_entry *e = *oldest;
        *oldest = e->next;
        free(e);
        rl->n--;
    }
}

int ratelimit_hit(ratelimit *rl, const char *key, int64_t now)
{
    int64_t step = now / rl->step_len;
    size_t b = 0;
    int count;
    pthread_mutex_lock(&rl->lock);
    rl_entry *e = find(rl, key, &b);
    if (!e) {
        if (rl->n >= rl->max_keys)
            make_room(rl, step);
        e = xcalloc(1, sizeof *e);
        lx_strlcpy(e->key, key, sizeof e->key);
        e->step = step;
        e->next = rl->bucket[b];
        rl->bucket[b] = e;
        rl->n++;
    }
    advance(rl, e, step);
    if (e->slot[e->step % rl->nslots] < UINT32_MAX)
        e->slot[e->step % rl->nslots]++;
    e->last = now;
    count = total(rl, e);
    pthread_mutex_unlock(&rl->lock);
    return count;
}

int ratelimit_count(ratelimit *rl, const char *key, int64_t now)
{
    int count = 0;
    pthread_mutex_lock(&rl->lock);
    rl_entry *e = find(rl, key, NULL);
    if (e) {
        advance(rl, e, now / rl->step_len);
        count = total(rl, e);
    }
    pthread_mutex_unlock(&rl->lock);
    return count;
}
