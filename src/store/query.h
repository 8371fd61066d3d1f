/* query.h -- building SQL with bound parameters, and the one scope clause. */
#ifndef LX_QUERY_H
#define LX_QUERY_H
#include <stdint.h>
#include "core/rbac.h"
#include "store/db.h"
#include "util/strbuf.h"

#define QB_MAX_PARAMS 112 /* a list with every filter, a search and LIST_MAX_IDS ids */

/* A query under construction: SQL text and the values for its `?`s. Text and
 * blob parameters are borrowed and must outlive qb_prepare. */
typedef struct qb {
    strbuf sql;                 /* the SQL so far */
    int n;                      /* parameters added */
    struct {
        int type;               /* 0 int, 1 text, 2 blob, 3 null */
        int64_t i;              /* int value */
        const void *p;          /* text or blob */
        size_t len;             /* blob length */
    } p[QB_MAX_PARAMS];
    char *own[QB_MAX_PARAMS];   /* copies made by qb_text_copy, freed by qb_release */
    int scope_as_filter;        /* qb_scope writes its columns as expressions: no index for them */
    int nown;                   /* entries used in own */
} qb;

void qb_init(qb *q);
void qb_release(qb *q);
/* Append SQL text; each `?` in it must be matched by a qb_int/qb_text call. */
void qb_sql(qb *q, const char *sql);
void qb_int(qb *q, int64_t v);
void qb_text(qb *q, const char *s);
void qb_blob(qb *q, const void *p, size_t n);
/* Like qb_text / qb_blob, but the query keeps its own copy. */
void qb_text_copy(qb *q, const char *s);
void qb_blob_copy(qb *q, const void *p, size_t n);
void qb_null(qb *q);

/* Prepare the built query on d and bind its parameters. */
lx_status qb_prepare(qb *q, db *d, db_stmt **out);
/* Bind the parameters of q (its SQL text is not used) to st, a statement
 * prepared earlier from the same text: for running one statement many times.
 * The statement borrows q's texts and blobs (no copy): they must outlive its
 * run, until it is reset. */
void qb_bind(const qb *q, db_stmt *st);

/* The one place where a data scope becomes SQL: appends " AND ..." limiting
 * rows of resource `r` (table alias `t`, e.g. "h") to the county and scope. */
void qb_scope(qb *q, const scope *s, resource_kind r, const char *t);

/* Append " AND <col> >= ? AND <col> < ?" so that col starts with prefix. */
void qb_prefix(qb *q, const char *col, const char *prefix);

/* One whole number from a statement whose parameters are the integers a
 * and b and, if t is not NULL, the text t (in that order); 0 when it gives
 * no row. For counts and single values. */
lx_status store_scalar(db *d, const char *sql, int64_t a, int64_t b, const char *t, int64_t *out);

#endif
