/* store.c -- the process-wide store: path, key, per-thread connections. */
#include "store/store.h"
#include "store/migrate.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <string.h>

static char *db_path;
static int quick_only;

void store_quick_check_only(void)
{
    quick_only = 1;
}
static _Thread_local db *thread_db;

/* Every connection opened for a thread, so that store_close can close the
 * ones of threads that ended without saying (libmicrohttpd's pool). */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static db **conns;
static size_t nconns, capconns;

static void conns_add(db *d)
{
    pthread_mutex_lock(&conns_lock);
    if (nconns == capconns) {
        capconns = capconns ? capconns * 2 : 16;
        conns = xrealloc(conns, capconns * sizeof *conns);
    }
    conns[nconns++] = d;
    pthread_mutex_unlock(&conns_lock);
}

static void conns_forget(db *d)
{
    pthread_mutex_lock(&conns_lock);
    for (size_t i = 0; i < nconns; i++)
        if (conns[i] == d) {
            conns[i] = conns[--nconns];
            break;
        }
    pthread_mutex_unlock(&conns_lock);
}

lx_status store_open(const char *path, const char *keypath, int create)
{
    lx_status rc = crypto_load_key(keypath, create);
    db *d = NULL;
    if (rc)
        return rc;
    free(db_path);
    db_path = xstrdup(path);
    rc = db_open(path, create, &d);
    if (rc)
        return rc;
    rc = quick_only ? db_quick_check(d) : db_check_integrity(d);
    if (!rc)
        rc = migrate_up(d, NULL, NULL);
    if (!rc)
        rc = db_analyze(d);
    if (rc) {
        db_close(d);
        return rc;
    }
    thread_db = d;
    conns_add(d);
    return LX_OK;
}

void store_close(void)
{
    store_thread_done();
    /* Only once every other thread has stopped using the store. */
    pthread_mutex_lock(&conns_lock);
    for (size_t i = 0; i < nconns; i++)
        db_close(conns[i]);
    free(conns);
    conns = NULL;
    nconns = capconns = 0;
    pthread_mutex_unlock(&conns_lock);
    free(db_path);
    db_path = NULL;
}

db *store_db(void)
{
    if (!thread_db && db_path) {
        if (db_open(db_path, 0, &thread_db) != LX_OK)
            thread_db = NULL;
        else
            conns_add(thread_db);
    }
    return thread_db;
}

void store_thread_done(void)
{
    if (thread_db)
        conns_forget(thread_db);
    db_close(thread_db);
    thread_db = NULL;
}

const char *store_path(void)
{
    return db_path;
}

lx_status store_txn(lx_status (*fn)(void *ctx, db *d), void *ctx)
{
    db *d = store_db();
    lx_status rc;
    if (!d)
        return LX_EIO;
    rc = db_begin(d);
    if (rc)
        return rc;
    rc = fn(ctx, d);
    if (rc) {
        db_rollback(d);
        return rc;
    }
    return db_commit(d);
}
