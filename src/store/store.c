/* store.c -- the process-wide store: path, key, per-thread connections. */
#include "store/store.h"
#include "store/migrate.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/ticker.h"
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

/* ---- group commit ---- */

typedef struct txn_job {
    lx_status (*fn)(void *ctx, db *d); /* the write */
    void *ctx;                         /* its argument */
    lx_status rc;                      /* its outcome */
    int done;                          /* committed or failed: the caller may return */
    struct txn_job *next;              /* the queue */
} txn_job;

static pthread_mutex_t gc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gc_done = PTHREAD_COND_INITIALIZER;
static txn_job *gc_head, **gc_tail = &gc_head; /* jobs waiting for a leader */
static int gc_leading;                          /* a leader is running a batch */
static _Thread_local int in_batch;              /* this thread is running jobs */

/* Run a batch of jobs in one transaction on d, each in a savepoint. */
static void run_batch(db *d, txn_job *batch)
{
    lx_status rc = db_begin(d);
    if (rc == LX_EBUSY)
        rc = db_begin(d);
    for (txn_job *j = batch; j; j = j->next)
        j->rc = rc;
    if (rc)
        return;
    in_batch = 1;
    for (txn_job *j = batch; j; j = j->next) {
        j->rc = db_exec(d, "SAVEPOINT job");
        if (!j->rc)
            j->rc = j->fn(j->ctx, d);
        if (!j->rc) {
            j->rc = db_exec(d, "RELEASE job");
        } else if (db_txn_open(d)) {
            db_exec(d, "ROLLBACK TO job; RELEASE job");
        } else {
            /* the engine rolled the whole transaction back: the jobs before
             * this one are lost with it, and the rest are not run */
            for (txn_job *k = batch; k != j; k = k->next)
                if (!k->rc)
                    k->rc = LX_EBUSY;
            for (txn_job *k = j->next; k; k = k->next)
                k->rc = LX_EBUSY;
            in_batch = 0;
            db_rollback(d);
            return;
        }
    }
    in_batch = 0;
    rc = db_commit(d);
    if (rc)
        for (txn_job *j = batch; j; j = j->next)
            if (!j->rc)
                j->rc = rc;
}

lx_status store_txn(lx_status (*fn)(void *ctx, db *d), void *ctx)
{
    db *d = store_db();
    if (!d)
        return LX_EIO;
    if (in_batch)
        return fn(ctx, d);
    txn_job job = {fn, ctx, LX_OK, 0, NULL};
    pthread_mutex_lock(&gc_lock);
    *gc_tail = &job;
    gc_tail = &job.next;
    while (!job.done) {
        if (gc_leading) {
            pthread_cond_wait(&gc_done, &gc_lock);
            continue;
        }
        /* lead: take every queued job (this one among them) */
        txn_job *batch = gc_head;
        gc_head = NULL;
        gc_tail = &gc_head;
        gc_leading = 1;
        pthread_mutex_unlock(&gc_lock);
        run_batch(d, batch);
        pthread_mutex_lock(&gc_lock);
        for (txn_job *j = batch, *next; j; j = next) {
            next = j->next; /* a finished job's frame may go as soon as it is done */
            j->done = 1;
        }
        gc_leading = 0;
        pthread_cond_broadcast(&gc_done);
    }
    pthread_mutex_unlock(&gc_lock);
    return job.rc;
}

/* ---- the checkpointer ---- */

#define CHECKPOINT_EVERY_MS 500

static ticker *checkpointer;

static void checkpoint_now(void *arg)
{
    (void)arg;
    db *d = store_db();
    if (d)
        db_checkpoint(d);
}

void store_checkpointer_start(void)
{
    db_auto_checkpoint(thread_db, 0);
    checkpointer = ticker_start(CHECKPOINT_EVERY_MS, checkpoint_now, NULL, store_thread_done);
    if (!checkpointer) {
        db_auto_checkpoint(thread_db, 1);
        log_warn("checkpointer thread not started; commits checkpoint themselves");
    }
}

void store_checkpointer_stop(void)
{
    if (!checkpointer)
        return;
    ticker_stop(checkpointer);
    checkpointer = NULL;
    db_auto_checkpoint(thread_db, 1);
}
