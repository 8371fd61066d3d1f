/* query.c -- SQL with bound parameters; the scope clause. */
#include "store/query.h"
#include "util/xalloc.h"

#include <string.h>

void qb_init(qb *q)
{
    strbuf_init(&q->sql, 0);
    q->n = 0;
    q->nown = 0;
    q->scope_as_filter = 0;
}

void qb_release(qb *q)
{
    strbuf_release(&q->sql);
    for (int i = 0; i < q->nown; i++)
        free(q->own[i]);
    q->n = 0;
    q->nown = 0;
}

void qb_text_copy(qb *q, const char *s)
{
    char *c = xstrdup(s);
    q->own[q->nown++] = c;
    qb_text(q, c);
}

void qb_sql(qb *q, const char *sql)
{
    strbuf_adds(&q->sql, sql);
}

static void *slot(qb *q, int type)
{
    if (q->n >= QB_MAX_PARAMS)
        BUG("too many query parameters");
    q->p[q->n].type = type;
    return &q->p[q->n++];
}

void qb_int(qb *q, int64_t v)
{
    slot(q, 0);
    q->p[q->n - 1].i = v;
}

void qb_text(qb *q, const char *s)
{
    slot(q, s ? 1 : 3);
    q->p[q->n - 1].p = s;
}

void qb_blob_copy(qb *q, const void *p, size_t n)
{
    char *c = xmalloc(n ? n : 1);
    memcpy(c, p, n);
    q->own[q->nown++] = c;
    qb_blob(q, c, n);
}

void qb_blob(qb *q, const void *p, size_t n)
{
    slot(q, 2);
    q->p[q->n - 1].p = p;
    q->p[q->n - 1].len = n;
}

void qb_null(qb *q)
{
    slot(q, 3);
}

static void bind_all(const qb *q, db_stmt *st, int borrow)
{
    for (int i = 0; i < q->n; i++) {
        switch (q->p[i].type) {
        case 0: db_bind_int(st, i + 1, q->p[i].i); break;
        case 1:
            (borrow ? db_bind_text_ref : db_bind_text)(st, i + 1, q->p[i].p);
            break;
        case 2:
            (borrow ? db_bind_blob_ref : db_bind_blob)(st, i + 1, q->p[i].p, q->p[i].len);
            break;
        default: db_bind_null(st, i + 1); break;
        }
    }
}

void qb_bind(const qb *q, db_stmt *st)
{
    bind_all(q, st, 1);
}

lx_status qb_prepare(qb *q, db *d, db_stmt **out)
{
    lx_status rc = db_prepare(d, strbuf_str(&q->sql), out);
    if (rc)
        return rc;
    bind_all(q, *out, 0); /* the caller may release q before it runs */
    return LX_OK;
}

void qb_prefix(qb *q, const char *col, const char *prefix)
{
    /* prefix + U+10FFFF (the largest code point, still valid UTF-8) is above
     * every string that starts with prefix, in byte order. */
    size_t n = strlen(prefix);
    char *upper = xmalloc(n + 5);
    memcpy(upper, prefix, n);
    memcpy(upper + n, "\xf4\x8f\xbf\xbf", 5);
    q->own[q->nown++] = upper;
    strbuf_addf(&q->sql, " AND %s >= ? AND %s < ?", col, col);
    qb_text_copy(q, prefix);
    qb_text(q, upper);
}

void qb_scope(qb *q, const scope *s, resource_kind r, const char *t)
{
    /* As expressions (county_id + 0, db_unindexed path) the columns are
     * plain filters that no index is chosen for: a search is then driven by
     * its (small) set of matches, not by walking the scope's index. */
    int f = q->scope_as_filter;
    strbuf_addf(&q->sql, " AND %s.county_id%s = ?", t, f ? " + 0" : "");
    qb_int(q, s->county_id);
    switch (s->kind) {
    case SCOPE_SUBTREE: {
        char col[64], filter[72];
        snprintf(col, sizeof col, "%s.path", t);
        qb_prefix(q, f ? db_unindexed(col, filter, sizeof filter) : col, s->path);
        break;
    }
    case SCOPE_MEMBER:
        if (r == RES_HOUSEHOLDS || r == RES_RESIDENTS) {
            strbuf_addf(&q->sql,
                        " AND %s.%s IN (SELECT household_id FROM pairings"
                        " WHERE member_id = ? AND ended_at IS NULL)",
                        t, r == RES_HOUSEHOLDS ? "id" : "household_id");
            qb_int(q, s->member_id);
        } else if (r == RES_MEMBERS) {
            strbuf_addf(&q->sql, " AND (%s.id = ? OR (%s.unit_id = ? AND %s.unit_id > 0))", t, t,
                        t);
            qb_int(q, s->member_id);
            qb_int(q, s->unit_id);
        } else if (r == RES_CONTACTS) {
            /* a member's own contacts: those credited to them */
            strbuf_addf(&q->sql, " AND %s.member_id = ?", t);
            qb_int(q, s->member_id);
        } else if (r == RES_CASES) {
            /* a member's cases: assigned to them, opened by them, or of their households */
            strbuf_addf(&q->sql,
                        " AND (%s.assignee_member_id = ? OR %s.opened_by_member = ? OR"
                        " %s.household_id IN (SELECT household_id FROM pairings"
                        " WHERE member_id = ? AND ended_at IS NULL))",
                        t, t, t);
            qb_int(q, s->member_id);
            qb_int(q, s->member_id);
            qb_int(q, s->member_id);
        } else if (r == RES_UNITS) {
            strbuf_addf(&q->sql, " AND %s.id = ?", t);
            qb_int(q, s->unit_id);
        } else {
            qb_sql(q, " AND 1 = 0");
        }
        break;
    case SCOPE_HOUSEHOLD:
        if (r == RES_HOUSEHOLDS || r == RES_RESIDENTS || r == RES_CASES) {
            strbuf_addf(&q->sql, " AND %s.%s = ?", t, r == RES_HOUSEHOLDS ? "id" : "household_id");
            qb_int(q, s->household_id);
        } else {
            qb_sql(q, " AND 1 = 0");
        }
        break;
    default:
        qb_sql(q, " AND 1 = 0");
        break;
    }
}

lx_status store_scalar(db *d, const char *sql, int64_t a, int64_t b, const char *t, int64_t *out)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, sql, &st);
    *out = 0;
    if (rc)
        return rc;
    db_bind_int(st, 1, a);
    db_bind_int(st, 2, b);
    if (t)
        db_bind_text(st, 3, t);
    rc = db_step(st, &row);
    if (!rc && row)
        *out = db_col_int(st, 0);
    db_done(st);
    return rc;
}
