/* audit.c -- hash-chained audit records, appended in transactions or in batches. */
#include "store/audit.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The text a record's hash covers: its link and every field, separated by
 * US (0x1f) so that no field can be shifted into another. */
static void chain_text(strbuf *sb, const char *prev, int64_t at, int64_t county, int64_t user,
                       const char *username, const char *role, int64_t node, const char *addr,
                       const char *action, const char *object, const char *outcome,
                       const char *detail)
{
    strbuf_addf(sb, "%s\x1f%lld\x1f%lld\x1f%lld\x1f%s\x1f%s\x1f%lld\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
                prev, (long long)at, (long long)county, (long long)user,
                username ? username : "", role ? role : "", (long long)node, addr ? addr : "",
                action, object ? object : "", outcome, detail ? detail : "");
}

static void hash_hex(const strbuf *sb, char out[65])
{
    unsigned char h[32];
    crypto_sha256(strbuf_str(sb), sb->len, h);
    crypto_hex(h, 32, out);
}

static lx_status last_hash(db *d, char out[65])
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1", &st);
    if (rc)
        return rc;
    rc = db_step(st, &row);
    lx_strlcpy(out, (!rc && row) ? db_col_text(st, 0) : GENESIS, 65);
    db_done(st);
    return rc;
}

/* INSERT of n audit rows in one statement (n <= MAX_ROWS). */
#define AUDIT_COLS 13
#define MAX_ROWS 64 /* 64 x 13 parameters: under every backend's limit */
static const char *insert_sql(int n)
{
    static const char *cache[MAX_ROWS + 1];
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    if (!cache[n]) {
        strbuf sb = STRBUF_INIT;
        strbuf_adds(&sb, "INSERT INTO audit (at, county_id, user_id, username, role, node_id,"
                         " addr, action, object, outcome, detail, prev_hash, hash) VALUES ");
        for (int i = 0; i < n; i++)
            strbuf_adds(&sb, i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                               : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        cache[n] = strbuf_detach(&sb, NULL);
    }
    const char *sql = cache[n];
    pthread_mutex_unlock(&lock);
    return sql;
}

/* Append records rs[0..n-1] in order, each linked to the one before: the
 * last stored hash is read once, the chain is computed here, and the rows go
 * in by statements of up to MAX_ROWS rows. Inside a write transaction. */
static lx_status append_many(db *d, const audit_rec *const *rs, size_t n)
{
    char prev[65], hash[MAX_ROWS][65], link[MAX_ROWS][65];
    strbuf sb = STRBUF_INIT;
    int64_t at = lx_now();
    lx_status rc = last_hash(d, prev);
    for (size_t done = 0; !rc && done < n;) {
        /* 64, then 16, 4 and 1: a handful of statements in the cache */
        int k = n - done >= 64 ? 64 : n - done >= 16 ? 16 : n - done >= 4 ? 4 : 1;
        db_stmt *st = NULL;
        if ((rc = db_prepare(d, insert_sql(k), &st)))
            break;
        for (int j = 0; j < k; j++) {
            const audit_rec *r = rs[done + (size_t)j];
            const principal *w = r->who;
            const char *role = w ? role_code(w->role) : "system";
            int b = j * AUDIT_COLS;
            strbuf_reset(&sb);
            chain_text(&sb, prev, at, w ? w->county_id : 0, w ? w->user_id : 0,
                       w ? w->username : NULL, role, w ? w->node_id : 0, r->addr, r->action,
                       r->object, r->outcome, r->detail);
            hash_hex(&sb, hash[j]);
            memcpy(link[j], prev, sizeof prev);
            memcpy(prev, hash[j], sizeof prev);
            db_bind_int(st, b + 1, at);
            db_bind_int(st, b + 2, w ? w->county_id : 0);
            db_bind_int(st, b + 3, w ? w->user_id : 0);
            db_bind_text(st, b + 4, w ? w->username : NULL);
            db_bind_text(st, b + 5, role);
            db_bind_int(st, b + 6, w ? w->node_id : 0);
            db_bind_text(st, b + 7, r->addr);
            db_bind_text(st, b + 8, r->action);
            db_bind_text(st, b + 9, r->object);
            db_bind_text(st, b + 10, r->outcome);
            db_bind_text(st, b + 11, r->detail);
            db_bind_text(st, b + 12, link[j]);
            db_bind_text(st, b + 13, hash[j]);
        }
        rc = db_run(st);
        db_done(st);
        done += (size_t)k;
    }
    strbuf_release(&sb);
    return rc;
}

lx_status audit_append(db *d, const audit_rec *r)
{
    return append_many(d, &r, 1);
}

lx_status audit_object(db *d, const principal *who, const char *addr, const char *action,
                       const char *kind, int64_t id, const char *detail)
{
    char object[64];
    snprintf(object, sizeof object, "%s/%lld", kind, (long long)id);
    audit_rec ar = {who, addr, action, object, "ok", detail};
    return audit_append(d, &ar);
}

static lx_status append_one(void *ctx, db *d)
{
    return audit_append(d, ctx);
}

lx_status audit_log(const audit_rec *r)
{
    lx_status rc = store_txn(append_one, (void *)r);
    if (rc)
        log_error("audit record for %s could not be written", r->action);
    return rc;
}

/* ---- batched appends for reads ---- */

/* A queued record owns copies of its strings. */
typedef struct queued {
    principal who;     /* copy of the actor (username copied below) */
    int has_who;       /* whether who is set */
    char *username, *addr, *action, *object, *outcome, *detail;
} queued;

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t qroom = PTHREAD_COND_INITIALIZER; /* the writer took the queue */
static pthread_cond_t qwritten = PTHREAD_COND_INITIALIZER; /* a taken batch is written */
static int writing; /* batches taken from the queue and not yet written */
/* Reads queued at most: past it, a reader waits for the writer rather than the
 * queue growing without bound (reads answered faster than they are written). */
#define QUEUE_MAX 100000
static queued *queue;
static size_t qlen, qcap;
static int writer_running, writer_stop;
static pthread_t writer;

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void queued_free(queued *q)
{
    free(q->username);
    free(q->addr);
    free(q->action);
    free(q->object);
    free(q->outcome);
    free(q->detail);
}

static lx_status append_batch(void *ctx, db *d)
{
    struct { queued *items; size_t n; } *b = ctx;
    audit_rec *recs = xmalloc(b->n * sizeof *recs);
    const audit_rec **ptrs = xmalloc(b->n * sizeof *ptrs);
    for (size_t i = 0; i < b->n; i++) {
        queued *q = &b->items[i];
        recs[i] = (audit_rec){q->has_who ? &q->who : NULL, q->addr, q->action, q->object,
                              q->outcome, q->detail};
        ptrs[i] = &recs[i];
    }
    lx_status rc = append_many(d, ptrs, b->n);
    free(ptrs);
    free(recs);
    return rc;
}

static void write_batch(queued *items, size_t n)
{
    struct { queued *items; size_t n; } b = {items, n};
    if (n && store_txn(append_batch, &b) != LX_OK)
        log_error("%zu queued audit records could not be written", n);
    for (size_t i = 0; i < n; i++)
        queued_free(&items[i]);
    free(items);
}

void audit_flush(void)
{
    pthread_mutex_lock(&qlock);
    queued *items = queue;
    size_t n = qlen;
    queue = NULL;
    qlen = qcap = 0;
    writing++;
    pthread_cond_broadcast(&qroom);
    pthread_mutex_unlock(&qlock);
    write_batch(items, n);
    pthread_mutex_lock(&qlock);
    writing--;
    pthread_cond_broadcast(&qwritten);
    /* A batch another thread took before this one may still be on its way:
     * what was queued before the call is written when it returns. */
    while (writing > 0)
        pthread_cond_wait(&qwritten, &qlock);
    pthread_mutex_unlock(&qlock);
}

void audit_enqueue(const audit_rec *r)
{
    queued q = {0};
    if (r->who) {
        q.who = *r->who;
        q.has_who = 1;
        q.username = dup_or_null(r->who->username);
        q.who.username = q.username;
        q.who.node_path = NULL;
    }
    q.addr = dup_or_null(r->addr);
    q.action = dup_or_null(r->action);
    q.object = dup_or_null(r->object);
    q.outcome = dup_or_null(r->outcome);
    q.detail = dup_or_null(r->detail);
    pthread_mutex_lock(&qlock);
    while (writer_running && !writer_stop && qlen >= QUEUE_MAX) {
        pthread_cond_signal(&qcond);
        pthread_cond_wait(&qroom, &qlock);
    }
    int running = writer_running;
    if (qlen == qcap) {
        qcap = qcap ? qcap * 2 : 64;
        queue = xrealloc(queue, qcap * sizeof *queue);
    }
    queue[qlen++] = q;
    if (qlen >= 256)
        pthread_cond_signal(&qcond);
    pthread_mutex_unlock(&qlock);
    if (!running)
        audit_flush();
}

static void *writer_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec ts;
        pthread_mutex_lock(&qlock);
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (!writer_stop && qlen < 256)
            pthread_cond_timedwait(&qcond, &qlock, &ts);
        int stop = writer_stop;
        pthread_mutex_unlock(&qlock);
        audit_flush();
        if (stop)
            break;
    }
    store_thread_done();
    return NULL;
}

void audit_writer_start(void)
{
    pthread_mutex_lock(&qlock);
    writer_stop = 0;
    writer_running = 1;
    pthread_mutex_unlock(&qlock);
    if (pthread_create(&writer, NULL, writer_main, NULL) != 0) {
        pthread_mutex_lock(&qlock);
        writer_running = 0;
        pthread_mutex_unlock(&qlock);
        log_warn("audit writer thread not started; reads are audited synchronously");
    }
}

void audit_writer_stop(void)
{
    pthread_mutex_lock(&qlock);
    int running = writer_running;
    writer_stop = 1;
    pthread_cond_signal(&qcond);
    pthread_mutex_unlock(&qlock);
    if (running)
        pthread_join(writer, NULL);
    pthread_mutex_lock(&qlock);
    writer_running = 0;
    pthread_mutex_unlock(&qlock);
    audit_flush();
}

lx_status audit_verify(db *d, int64_t *count, int64_t *bad_id)
{
    db_stmt *st = NULL;
    char prev[65] = GENESIS, hash[65];
    strbuf sb = STRBUF_INIT;
    int row = 0;
    lx_status rc = db_prepare(d,
                              "SELECT id, at, county_id, user_id, username, role, node_id, addr,"
                              " action, object, outcome, detail, prev_hash, hash"
                              " FROM audit ORDER BY id",
                              &st);
    *count = 0;
    *bad_id = 0;
    if (rc)
        return rc;
    while (!(rc = db_step(st, &row)) && row) {
        strbuf_reset(&sb);
        chain_text(&sb, prev, db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3),
                   db_col_text(st, 4), db_col_text(st, 5), db_col_int(st, 6), db_col_text(st, 7),
                   db_col_text(st, 8), db_col_text(st, 9), db_col_text(st, 10),
                   db_col_text(st, 11));
        hash_hex(&sb, hash);
        const char *stored_prev = db_col_text(st, 12), *stored = db_col_text(st, 13);
        (*count)++;
        if (!stored_prev || !stored || strcmp(stored_prev, prev) || strcmp(stored, hash)) {
            *bad_id = db_col_int(st, 0);
            break;
        }
        lx_strlcpy(prev, stored, sizeof prev);
    }
    db_done(st);
    strbuf_release(&sb);
    return rc;
}
