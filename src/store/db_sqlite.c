/* db_sqlite.c -- the SQLite backend of db.h: WAL, synchronous=FULL, statement cache. */
#include "store/db.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LX_STR_(x) #x
#define LX_STR(x) LX_STR_(x)
#define STMT_CACHE 128
/* Page cache of a connection, KiB: the usual one, and during a large write
 * transaction (db_large_txn). */
#define CACHE_KIB 8000
#define LARGE_TXN_CACHE_KIB 65536

struct db_stmt {
    sqlite3_stmt *st; /* the prepared statement */
    db *owner;        /* connection it belongs to */
    const char *sql;  /* text it was prepared from (owned by sqlite) */
    int in_use;       /* handed out and not yet given back */
};

struct db {
    sqlite3 *h;                      /* the connection */
    db_stmt cache[STMT_CACHE];       /* prepared statements, by SQL text */
    int ncache;                      /* slots used in cache */
    int in_txn;                      /* inside an explicit transaction */
    int changed;                     /* county data written since the last commit */
};

/* Whether a commit checkpoints the WAL itself (SQLite's default, once it holds
 * AUTO_CHECKPOINT_PAGES) or leaves it to db_checkpoint on a thread of its own
 * (the server). */
#define AUTO_CHECKPOINT_PAGES 1000
static _Atomic int auto_checkpoint = 1;

/* A connection's automatic checkpoint as the process wants it now. */
static int auto_pages(void)
{
    return atomic_load(&auto_checkpoint) ? AUTO_CHECKPOINT_PAGES : 0;
}

/* Counts the commits that changed county data, through any connection of the
 * process (db_generation). */
static _Atomic uint64_t generation;

/* Tables written as a side effect of reading: they change no answer. */
static int bookkeeping(const char *table)
{
    return !strcmp(table, "audit") || !strcmp(table, "sessions") ||
           !strcmp(table, "login_failures");
}

static void on_update(void *arg, int op, const char *dbname, const char *table,
                      sqlite3_int64 rowid)
{
    db *d = arg;
    (void)op;
    (void)dbname;
    (void)rowid;
    if (!bookkeeping(table))
        d->changed = 1;
}

/* After a statement ends: once its changes are committed (or rolled back),
 * count them. Counting only after the commit is what lets a reader take the
 * generation before it reads and trust an answer made at that generation. */
static void note_end(db *d)
{
    if (d->changed && sqlite3_get_autocommit(d->h)) {
        d->changed = 0;
        atomic_fetch_add(&generation, 1);
    }
}

uint64_t db_generation(void)
{
    return atomic_load(&generation);
}

static lx_status map_rc(db *d, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return LX_OK;
    case SQLITE_CONSTRAINT:
        return LX_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_warn("database busy: %s", sqlite3_errmsg(d->h));
        return LX_EBUSY;
    default:
        log_error("database error %d: %s", rc, sqlite3_errmsg(d->h));
        return LX_EIO;
    }
}

/* Before SQLite starts: no memory statistics. They take one process-wide mutex on every
 * allocation of every connection, which the server's threads then queue on (about a tenth of
 * a list's time under load); nothing reads them. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

lx_status db_open(const char *path, int create, db **out)
{
    pthread_once(&sqlite_once, sqlite_setup);
    db *d = xcalloc(1, sizeof *d);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    lx_status rc = LX_OK;

    *out = NULL;
    if (sqlite3_open_v2(path, &d->h, flags, NULL) != SQLITE_OK) {
        log_error("cannot open database %s: %s", path,
                  d->h ? sqlite3_errmsg(d->h) : "out of memory");
        rc = LX_EIO;
        goto out;
    }
    sqlite3_extended_result_codes(d->h, 1);
    sqlite3_busy_timeout(d->h, 10000);
    sqlite3_update_hook(d->h, on_update, d);
    sqlite3_wal_autocheckpoint(d->h, auto_pages());
    rc = db_exec(d, "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA temp_store=MEMORY;"
                    "PRAGMA cache_size=-" LX_STR(CACHE_KIB) ";");
    if (rc)
        goto out;
    *out = d;
out:
    if (rc)
        db_close(d);
    return rc;
}

void db_close(db *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->ncache; i++)
        sqlite3_finalize(d->cache[i].st);
    sqlite3_close(d->h);
    free(d);
}

lx_status db_exec(db *d, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &err);
    note_end(d);
    if (rc != SQLITE_OK) {
        log_error("database: %s", err ? err : sqlite3_errmsg(d->h));
        sqlite3_free(err);
        return (rc & 0xff) == SQLITE_BUSY ? LX_EBUSY : LX_EIO;
    }
    return LX_OK;
}

lx_status db_prepare(db *d, const char *sql, db_stmt **out)
{
    db_stmt *free_slot = NULL;
    for (int i = 0; i < d->ncache; i++) {
        db_stmt *s = &d->cache[i];
        if (!s->in_use && s->sql && strcmp(s->sql, sql) == 0) {
            s->in_use = 1;
            *out = s;
            return LX_OK;
        }
    }
    if (d->ncache < STMT_CACHE) {
        free_slot = &d->cache[d->ncache++];
    } else {
        /* Evict a statement that is not in use. */
        for (int i = 0; i < d->ncache; i++)
            if (!d->cache[i].in_use) {
                free_slot = &d->cache[i];
                sqlite3_finalize(free_slot->st);
                break;
            }
        if (!free_slot)
            BUG("statement cache exhausted: statements not released with db_done");
    }
    memset(free_slot, 0, sizeof *free_slot);
    if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &free_slot->st, NULL) !=
        SQLITE_OK) {
        log_error("cannot prepare SQL: %s: %s", sqlite3_errmsg(d->h), sql);
        free_slot->st = NULL;
        free_slot->sql = NULL;
        return LX_EIO;
    }
    free_slot->sql = sqlite3_sql(free_slot->st);
    free_slot->owner = d;
    free_slot->in_use = 1;
    *out = free_slot;
    return LX_OK;
}

void db_reset(db_stmt *st)
{
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
    note_end(st->owner);
}

void db_done(db_stmt *st)
{
    if (!st)
        return;
    sqlite3_reset(st->st);
    note_end(st->owner);
    sqlite3_clear_bindings(st->st);
    st->in_use = 0;
}

void db_bind_int(db_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(st->st, i, v);
}

/* SQLITE_TRANSIENT: SQLite copies the bytes; SQLITE_STATIC: it borrows them. */
static void bind_text(db_stmt *st, int i, const char *s, sqlite3_destructor_type how)
{
    if (s)
        sqlite3_bind_text(st->st, i, s, -1, how);
    else
        sqlite3_bind_null(st->st, i);
}

void db_bind_text(db_stmt *st, int i, const char *s)
{
    bind_text(st, i, s, SQLITE_TRANSIENT);
}

void db_bind_blob(db_stmt *st, int i, const void *p, size_t n)
{
    sqlite3_bind_blob(st->st, i, p, (int)n, SQLITE_TRANSIENT);
}

void db_bind_null(db_stmt *st, int i)
{
    sqlite3_bind_null(st->st, i);
}

void db_bind_text_ref(db_stmt *st, int i, const char *s)
{
    bind_text(st, i, s, SQLITE_STATIC);
}

void db_bind_blob_ref(db_stmt *st, int i, const void *p, size_t n)
{
    sqlite3_bind_blob(st->st, i, p, (int)n, SQLITE_STATIC);
}

lx_status db_step(db_stmt *st, int *row)
{
    int rc = sqlite3_step(st->st);
    *row = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW)
        note_end(st->owner);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return LX_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        log_debug("constraint: %s", sqlite3_errmsg(st->owner->h));
        return LX_ECONFLICT;
    }
    return map_rc(st->owner, rc);
}

lx_status db_run(db_stmt *st)
{
    int row;
    lx_status rc;
    do
        rc = db_step(st, &row);
    while (!rc && row);
    return rc;
}

int64_t db_col_int(db_stmt *st, int i)
{
    return sqlite3_column_int64(st->st, i);
}

const char *db_col_text(db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st->st, i);
}

const void *db_col_blob(db_stmt *st, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(st->st, i);
    *n = (size_t)sqlite3_column_bytes(st->st, i);
    return p;
}

int db_col_is_null(db_stmt *st, int i)
{
    return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

int db_col_is_int(db_stmt *st, int i)
{
    return sqlite3_column_type(st->st, i) == SQLITE_INTEGER;
}

const char *db_unindexed(const char *col, char *buf, size_t len)
{
    snprintf(buf, len, "+%s", col);
    return buf;
}

lx_status db_begin(db *d)
{
    lx_status rc = db_exec(d, "BEGIN IMMEDIATE");
    if (!rc)
        d->in_txn = 1;
    return rc;
}

lx_status db_begin_read(db *d)
{
    lx_status rc = db_exec(d, "BEGIN");
    if (!rc)
        d->in_txn = 1;
    return rc;
}

lx_status db_commit(db *d)
{
    lx_status rc = db_exec(d, "COMMIT");
    if (rc) {
        db_rollback(d);
        return rc;
    }
    d->in_txn = 0;
    return LX_OK;
}

void db_rollback(db *d)
{
    if (!sqlite3_get_autocommit(d->h))
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    note_end(d);
    d->in_txn = 0;
}

int db_txn_open(db *d)
{
    return !sqlite3_get_autocommit(d->h);
}

lx_status db_large_txn(db *d, int on)
{
    char sql[64];
    /* The checkpoint after a large commit (copying its pages from the WAL
     * into the database, 0.4-0.7 s for an import of 300,000 rows) is not done
     * by the commit: the import's data is durable in the WAL when COMMIT
     * returns, and its caller need not wait. The server's checkpointer, or the
     * connection as it closes, copies it. */
    sqlite3_wal_autocheckpoint(d->h, on ? 0 : auto_pages());
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", on ? LARGE_TXN_CACHE_KIB : CACHE_KIB);
    lx_status rc = db_exec(d, sql);
    if (!on)
        sqlite3_db_release_memory(d->h);
    return rc;
}

lx_status db_next_ids(db *d, const char *table, int64_t n, int64_t *first)
{
    char sql[96];
    db_stmt *st = NULL;
    int row = 0;
    (void)n; /* ids above the largest are free while we hold the write lock */
    *first = 0;
    if (!d->in_txn || sqlite3_get_autocommit(d->h))
        BUG("db_next_ids outside a write transaction");
    snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) FROM %s", table);
    lx_status rc = db_prepare(d, sql, &st);
    if (rc)
        return rc;
    rc = db_step(st, &row);
    if (!rc && row)
        *first = db_col_int(st, 0) + 1;
    else if (!rc)
        rc = LX_EIO;
    db_done(st);
    return rc;
}

int64_t db_changes(db *d)
{
    return sqlite3_changes64(d->h);
}

void db_auto_checkpoint(db *d, int on)
{
    atomic_store(&auto_checkpoint, on != 0);
    if (d)
        sqlite3_wal_autocheckpoint(d->h, auto_pages());
}

lx_status db_checkpoint(db *d)
{
    int rc = sqlite3_wal_checkpoint_v2(d->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY)
        return LX_OK; /* BUSY: another checkpoint runs; the next call copies the rest */
    log_error("checkpoint: %s", sqlite3_errmsg(d->h));
    return LX_EIO;
}

lx_status db_analyze(db *d)
{
    /* analysis_limit samples each index, so this stays fast on a county. */
    return db_exec(d, "PRAGMA analysis_limit=1000; ANALYZE;");
}

static lx_status run_check(db *d, const char *pragma)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, pragma, &st);
    if (rc)
        return rc;
    rc = db_step(st, &row);
    if (!rc && (!row || strcmp(db_col_text(st, 0), "ok") != 0)) {
        log_error("%s failed: %s", pragma, row ? db_col_text(st, 0) : "(no result)");
        rc = LX_EIO;
    }
    db_done(st);
    return rc;
}

lx_status db_check_integrity(db *d)
{
    return run_check(d, "PRAGMA integrity_check");
}

lx_status db_quick_check(db *d)
{
    return run_check(d, "PRAGMA quick_check");
}

lx_status db_backup(db *d, const char *dest)
{
    sqlite3 *to = NULL;
    sqlite3_backup *b = NULL;
    lx_status rc = LX_OK;

    if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        log_error("backup: cannot create %s", dest);
        rc = LX_EIO;
        goto out;
    }
    b = sqlite3_backup_init(to, "main", d->h, "main");
    if (!b) {
        log_error("backup: %s", sqlite3_errmsg(to));
        rc = LX_EIO;
        goto out;
    }
    /* Copy in steps so writers are not held off for the whole copy. */
    for (;;) {
        int r = sqlite3_backup_step(b, 1024);
        if (r == SQLITE_DONE)
            break;
        if (r == SQLITE_OK)
            continue;
        if (r == SQLITE_BUSY || r == SQLITE_LOCKED) {
            sqlite3_sleep(20);
            continue;
        }
        log_error("backup step failed: %s", sqlite3_errstr(r));
        rc = LX_EIO;
        break;
    }
    if (sqlite3_backup_finish(b) != SQLITE_OK && !rc) {
        log_error("backup: %s", sqlite3_errmsg(to));
        rc = LX_EIO;
    }
    /* The copy is a single file: leave it in rollback-journal mode. */
    if (!rc && sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
        rc = LX_EIO;
out:
    sqlite3_close(to);
    if (rc)
        unlink(dest);
    return rc;
}

char *db_dialect(db *d, const char *sql)
{
    strbuf sb = STRBUF_INIT;
    (void)d;
    for (const char *p = sql; *p;) {
        if (strncmp(p, "{ID}", 4) == 0) {
            strbuf_adds(&sb, "INTEGER PRIMARY KEY");
            p += 4;
        } else if (strncmp(p, "{BLOB}", 6) == 0) {
            strbuf_adds(&sb, "BLOB");
            p += 6;
        } else if (strncmp(p, "{APPEND_ONLY ", 13) == 0 && strchr(p, '}')) {
            /* Triggers that refuse UPDATE and DELETE on the named table. */
            const char *name = p + 13, *end = strchr(p, '}');
            int n = (int)(end - name);
            strbuf_addf(&sb,
                        "CREATE TRIGGER %.*s_no_update BEFORE UPDATE ON %.*s"
                        " BEGIN SELECT RAISE(ABORT, '%.*s is append-only'); END;"
                        "CREATE TRIGGER %.*s_no_delete BEFORE DELETE ON %.*s"
                        " BEGIN SELECT RAISE(ABORT, '%.*s is append-only'); END",
                        n, name, n, name, n, name, n, name, n, name, n, name);
            p = end + 1;
        } else {
            strbuf_addch(&sb, *p++);
        }
    }
    return strbuf_detach(&sb, NULL);
}

const char *db_errmsg(db *d)
{
    return sqlite3_errmsg(d->h);
}
