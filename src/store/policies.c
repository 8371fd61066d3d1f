/* policies.c -- policy values, cached in process. */
#include "store/policies.h"
#include "core/utf8.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <string.h>

#define CACHE_SLOTS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    int64_t county;   /* county of the cached value */
    const char *key;  /* static key from the policy table */
    int64_t value;    /* the value */
    int64_t at;       /* when it was read */
} cache[CACHE_SLOTS];
static int ncache;
static uint64_t generation; /* bumped whenever the cache is dropped */

void policy_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    ncache = 0;
    generation++;
    pthread_mutex_unlock(&lock);
}

uint64_t policy_generation(void)
{
    pthread_mutex_lock(&lock);
    uint64_t g = generation;
    pthread_mutex_unlock(&lock);
    return g;
}

int64_t policy_get(db *d, int64_t county_id, const char *key)
{
    const policy_def *def = policy_find(key);
    int64_t v, now = lx_now();
    db_stmt *st = NULL;
    int row = 0;
    if (!def || def->def_text)
        BUG("unknown policy key, or a text policy read as a number");
    pthread_mutex_lock(&lock);
    for (int i = 0; i < ncache; i++)
        if (cache[i].county == county_id && cache[i].key == def->key && now - cache[i].at < 30) {
            v = cache[i].value;
            pthread_mutex_unlock(&lock);
            return v;
        }
    pthread_mutex_unlock(&lock);
    v = def->def;
    if (db_prepare(d, "SELECT value FROM policies WHERE county_id = ? AND key = ?", &st) == LX_OK) {
        db_bind_int(st, 1, county_id);
        db_bind_text(st, 2, key);
        if (db_step(st, &row) == LX_OK && row)
            v = strtoll(db_col_text(st, 0), NULL, 10);
    }
    db_done(st);
    pthread_mutex_lock(&lock);
    int slot = ncache < CACHE_SLOTS ? ncache++ : (int)(now % CACHE_SLOTS);
    cache[slot].county = county_id;
    cache[slot].key = def->key;
    cache[slot].value = v;
    cache[slot].at = now;
    pthread_mutex_unlock(&lock);
    return v;
}

/* Write one value (text) of a policy, replacing the county's old one. */
static lx_status store_value(db *d, int64_t county_id, const char *key, const char *text,
                             int64_t user_id)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, "INSERT INTO policies (county_id, key, value, updated_at, updated_by)"
                                 " VALUES (?, ?, ?, ?, ?) ON CONFLICT (county_id, key) DO UPDATE SET"
                                 " value = excluded.value, updated_at = excluded.updated_at,"
                                 " updated_by = excluded.updated_by",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    db_bind_text(st, 2, key);
    db_bind_text(st, 3, text);
    db_bind_int(st, 4, lx_now());
    db_bind_int(st, 5, user_id);
    rc = db_run(st);
    db_done(st);
    policy_cache_clear();
    return rc;
}

lx_status policy_set(db *d, int64_t county_id, const char *key, int64_t value, int64_t user_id)
{
    const policy_def *def = policy_find(key);
    char text[32];
    if (!def || def->def_text || value < def->min || value > def->max)
        return LX_EINVAL;
    snprintf(text, sizeof text, "%lld", (long long)value);
    return store_value(d, county_id, key, text, user_id);
}

void policy_get_text(db *d, int64_t county_id, const char *key, char *buf, size_t len)
{
    const policy_def *def = policy_find(key);
    db_stmt *st = NULL;
    int row = 0;
    if (!def || !def->def_text)
        BUG("unknown text policy");
    snprintf(buf, len, "%s", def->def_text);
    if (db_prepare(d, "SELECT value FROM policies WHERE county_id = ? AND key = ?", &st) == LX_OK) {
        db_bind_int(st, 1, county_id);
        db_bind_text(st, 2, key);
        if (db_step(st, &row) == LX_OK && row)
            snprintf(buf, len, "%s", db_col_text(st, 0));
    }
    db_done(st);
}

lx_status policy_set_text(db *d, int64_t county_id, const char *key, const char *value,
                          int64_t user_id)
{
    const policy_def *def = policy_find(key);
    if (!def || !def->def_text || !utf8_valid(value, strlen(value)) ||
        (int64_t)utf8_chars(value) > def->max || policy_check_text(def, value, NULL))
        return LX_EINVAL;
    return store_value(d, county_id, key, value, user_id);
}
