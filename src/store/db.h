/* db.h -- the backend-neutral database connection: statements, rows, transactions. */
#ifndef LX_DB_H
#define LX_DB_H
#include <stddef.h>
#include <stdint.h>
#include "util/status.h"

/* Everything above this header writes portable SQL: `?` placeholders, no
 * backend pragmas, `RETURNING id` for new ids. A backend translates what it
 * must (PostgreSQL numbers the placeholders). Schema text may use the tokens
 * {ID} (auto-increment primary key) and {BLOB} (binary column), and
 * {APPEND_ONLY table} (refuse UPDATE and DELETE on table), which the backend
 * replaces. */

typedef struct db db;           /* one connection; used by one thread at a time */
typedef struct db_stmt db_stmt; /* a prepared statement owned by its connection */

/* Open the database at `path` (SQLite file; created if missing when `create`
 * is set). Applies durability settings (WAL, synchronous=FULL, foreign keys,
 * busy timeout). LX_EIO with a log line on failure. */
lx_status db_open(const char *path, int create, db **out);
/* Close the connection and every statement it prepared. Accepts NULL. */
void db_close(db *d);

/* A number that grows after every committed change to county data made
 * through any connection of this process (the audit log, sessions and login
 * failures excepted). Read it before reading the data: an answer made from
 * that data stays true while the number is unchanged, as far as this process
 * can tell (another process's writes are not counted). */
uint64_t db_generation(void);

/* Run SQL without parameters or rows (schema, several statements allowed). */
lx_status db_exec(db *d, const char *sql);

/* Prepare `sql`, or take it from the connection's cache (keyed by the text).
 * The statement is owned by the connection: hand it back with db_done, which
 * resets it for the next use. LX_EIO if the SQL does not compile (a bug). */
lx_status db_prepare(db *d, const char *sql, db_stmt **out);
/* Reset a statement for another run with new bindings, keeping it. */
void db_reset(db_stmt *st);
/* Reset and release a statement to its connection's cache. Accepts NULL. */
void db_done(db_stmt *st);

/* Bind parameter i (1-based). Text and blobs are copied. */
void db_bind_int(db_stmt *st, int i, int64_t v);
void db_bind_text(db_stmt *st, int i, const char *s); /* NULL binds SQL NULL */
void db_bind_blob(db_stmt *st, int i, const void *p, size_t n);
void db_bind_null(db_stmt *st, int i);
/* Like db_bind_text / db_bind_blob, but without a copy: the statement borrows
 * the bytes, which must stay as they are until it has run and been reset. */
void db_bind_text_ref(db_stmt *st, int i, const char *s);
void db_bind_blob_ref(db_stmt *st, int i, const void *p, size_t n);

/* Advance: LX_OK with *row = 1 when a row is ready, *row = 0 when done.
 * LX_ECONFLICT on a constraint violation (unique, foreign key, check),
 * LX_EBUSY if the database stayed locked past the timeout, LX_EIO otherwise. */
lx_status db_step(db_stmt *st, int *row);
/* Step a statement that returns no rows (or whose rows are ignored). */
lx_status db_run(db_stmt *st);

/* Column values of the current row (0-based). Text and blobs are borrowed
 * until the next db_step or db_done. */
int64_t db_col_int(db_stmt *st, int i);
const char *db_col_text(db_stmt *st, int i); /* NULL for SQL NULL */
const void *db_col_blob(db_stmt *st, int i, size_t *n);
int db_col_is_null(db_stmt *st, int i);
int db_col_is_int(db_stmt *st, int i); /* the value is a whole number */

/* Write into buf an expression of column `col` that compares exactly like
 * the column but that the planner does not choose an index for: the column
 * is then a filter, and another condition drives the query. (SQLite: the
 * unary plus, "+col", which keeps the column's collation and, unlike
 * "col || ''", copies nothing per row.) Returns buf. */
const char *db_unindexed(const char *col, char *buf, size_t len);

/* Transactions. db_begin takes the write lock at once (so two writers never
 * deadlock on upgrade); db_begin_read gives a consistent snapshot for reads.
 * db_commit reports a failed commit as an error, never as success. */
lx_status db_begin(db *d);
lx_status db_begin_read(db *d);
lx_status db_commit(db *d);
void db_rollback(db *d); /* harmless when no transaction is open */
/* 1 while a transaction is open on d (0 after the engine rolled one back by itself). */
int db_txn_open(db *d);

/* Hint that the open write transaction writes many rows (an import): with
 * `on` the backend may keep more of the database in memory until it is
 * called again without (SQLite: a larger page cache, so that changed pages
 * are not spilled to the WAL in the middle of the transaction; memory above
 * the usual cache is handed back when turned off). */
lx_status db_large_txn(db *d, int on);

/* Whether each commit copies the write-ahead log into the database itself
 * when it has grown (on, the default), or leaves that to db_checkpoint called
 * from a thread of its own (off: a server, whose requests should not wait for
 * it). For d (may be NULL) and the connections opened from now on. */
void db_auto_checkpoint(db *d, int on);
/* Copy into the database what the log holds, as far as no reader still needs
 * it, without waiting for anyone. */
lx_status db_checkpoint(db *d);

/* Reserve n (>= 1) new ids of `table` (a registry table with an `id` key)
 * for rows the caller inserts with explicit ids, *first .. *first + n - 1,
 * inside a write transaction. Inserting many rows this way needs no
 * `RETURNING id`, which costs SQLite a statement journal per row. (SQLite:
 * the largest id + 1, as SQLite itself assigns them, while the write lock is
 * held; a backend with sequences advances the table's sequence.) */
lx_status db_next_ids(db *d, const char *table, int64_t n, int64_t *first);

/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(db *d);

/* Refresh the query planner's statistics (cheap: sampled). Call after bulk
 * loads and at start, so lists and searches pick the right index. */
lx_status db_analyze(db *d);

/* Run the engine's own consistency check; LX_EIO with a log line if it fails.
 * db_quick_check is the cheaper check that skips index contents (O(pages)). */
lx_status db_quick_check(db *d);
lx_status db_check_integrity(db *d);

/* Write a consistent copy of the live database to `dest` (online: readers
 * and writers go on meanwhile). LX_EIO on failure; dest is removed then. */
lx_status db_backup(db *d, const char *dest);

/* Replace {ID} and {BLOB} in schema text for this backend; malloc'd result. */
char *db_dialect(db *d, const char *sql);

/* A short description of the last error, for logs (never shown to clients). */
const char *db_errmsg(db *d);

#endif
