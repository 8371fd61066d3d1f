/* store.h -- the storage interface: opening the database and per-thread connections. */
#ifndef LX_STORE_H
#define LX_STORE_H
#include "store/db.h"
#include "util/status.h"

/* The store is opened once per process. Each thread that touches it gets its
 * own connection on first use (SQLite allows one writer and many readers in
 * WAL mode; a connection is never shared between threads). */

/* Open the database at `path` (created when `create`), load the key file at
 * `keypath` (created with mode 0600 when `create`), run integrity_check and
 * the migrations. LX_EIO / LX_EINVAL with a log line on failure. */
lx_status store_open(const char *path, const char *keypath, int create);

/* Run only quick_check (not the full integrity_check) at the next
 * store_open: for the command line's one-shot runs on a large county; the
 * server always runs the full check at start. */
void store_quick_check_only(void);

/* Close every connection the store opened (call it after every other thread
 * has stopped using the store) and forget the path. */
void store_close(void);

/* The calling thread's connection, opened on first use; NULL (and a log
 * line) if it cannot be opened. Borrowed: do not close it. */
db *store_db(void);

/* Close the calling thread's connection (called as a pool thread ends). */
void store_thread_done(void);

/* A thread that copies the write-ahead log into the database every half
 * second, so that no request's commit does (the server). Start it after
 * store_open and before other threads use the store: from then on, this
 * thread's connection and every one opened later leave checkpoints to it.
 * Stop it before store_close. */
void store_checkpointer_start(void);
void store_checkpointer_stop(void);

/* The path the store was opened with. */
const char *store_path(void);

/* Run `fn(ctx, d)` in one write transaction: commit if it returns LX_OK,
 * roll back otherwise; a failed commit is returned as an error. Retries once
 * if the database was busy before fn ran.
 * Group commit: the writes of concurrent callers are queued; one of them (the
 * leader) runs every queued fn on its connection in one transaction, each in
 * a savepoint of its own (a failing fn rolls back only its own writes), and
 * commits once, so one fsync makes a whole batch durable. Each caller returns
 * only after the commit that holds its write (or its own failure). fn may run
 * on another thread than the caller's; it must use `d`, not thread-local
 * state. A store_txn inside fn runs inline, in the same transaction. */
lx_status store_txn(lx_status (*fn)(void *ctx, db *d), void *ctx);

#endif
