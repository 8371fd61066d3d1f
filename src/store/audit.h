/* audit.h -- the append-only, hash-chained audit log. */
#ifndef LX_AUDIT_H
#define LX_AUDIT_H
#include <stdint.h>
#include "core/rbac.h"
#include "store/db.h"

/* One event. Never put passwords, tokens, full ID numbers or phones in any
 * field: details carry masked values only. */
typedef struct audit_rec {
    const principal *who; /* the actor, or NULL for the system / command line */
    const char *addr;     /* client address, or "cli" */
    const char *action;   /* "login", "households.update", "residents.unmask" ... */
    const char *object;   /* "households/17", "user:alice" ..., or NULL */
    const char *outcome;  /* "ok", "denied", "failed", "locked" */
    const char *detail;   /* JSON text (before/after, reason), or NULL */
} audit_rec;

/* Append inside the caller's open write transaction, chained to the last
 * record; the caller's commit makes the change and its record durable
 * together. */
lx_status audit_append(db *d, const audit_rec *r);

/* audit_append of a successful `action` on the object "<kind>/<id>", with `detail` (JSON text
 * or NULL). */
lx_status audit_object(db *d, const principal *who, const char *addr, const char *action,
                       const char *kind, int64_t id, const char *detail);

/* Append in a transaction of its own (logins, denials). */
lx_status audit_log(const audit_rec *r);

/* Queue a record of a read of personal data; a writer thread appends queued
 * records in batches (a read is not worth an fsync of its own). Without a
 * running writer the record is appended at once. */
void audit_enqueue(const audit_rec *r);
/* Start / stop the batch writer (stop flushes what is queued). */
void audit_writer_start(void);
void audit_writer_stop(void);
/* Append everything queued now; returns once it is written, and so is any
 * batch the writer had taken before. */
void audit_flush(void);

/* Walk the chain from the first record. *count gets the number of records
 * checked; *bad_id the id of the first record whose hash or link is wrong
 * (0 when the chain is whole). */
lx_status audit_verify(db *d, int64_t *count, int64_t *bad_id);

/* Records older than this many days may be archived; none younger. */
#define AUDIT_MIN_RETENTION_DAYS 184

#endif
