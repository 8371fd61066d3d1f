/* links.c -- the SQL of unit-village pairs, leaders' contact points and assistance tasks. */
#include "store/links.h"
#include "store/audit.h"
#include "store/pairing.h"
#include "store/query.h"
#include "store/registry.h"
#include "util/msgcat.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

const char *const links_cp_kinds[] = {"weak_branch", "non_public", "social_org", NULL};

/* ---- shared pieces ---- */

/* Turns the current row of a list's statement into JSON (new reference). */
typedef json_t *(*row_fn)(db_stmt *st);

/* A time column as ISO 8601 text, or JSON null when the column is NULL. */
static json_t *time_json(db_stmt *st, int col)
{
    char ts[32];
    if (db_col_is_null(st, col))
        return json_null();
    lx_iso8601(db_col_int(st, col), ts, sizeof ts);
    return json_string(ts);
}

/* Text of a column, "" for NULL (jansson refuses NULL strings). */
static const char *text_or_empty(db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? s : "";
}

/* Run the built query and collect its rows: the first column is the id the
 * cursor follows; *next is the last id when the page is full. */
static lx_status collect(qb *q, db *d, row_fn fn, int limit, json_t **items, int64_t *next)
{
    db_stmt *st = NULL;
    int row = 0, n = 0;
    lx_status rc = qb_prepare(q, d, &st);
    *items = json_array();
    if (next)
        *next = 0;
    while (!rc && !(rc = db_step(st, &row)) && row) {
        json_array_append_new(*items, fn(st));
        if (++n == limit && next)
            *next = db_col_int(st, 0);
    }
    db_done(st);
    return rc;
}

/* The one row of q (released here) as JSON, or LX_ENOTFOUND. */
static lx_status collect_one(qb *q, db *d, row_fn fn, json_t **out)
{
    json_t *items = NULL;
    lx_status rc = collect(q, d, fn, 1, &items, NULL);
    qb_release(q);
    *out = NULL;
    if (!rc && json_array_size(items))
        *out = json_incref(json_array_get(items, 0));
    else if (!rc)
        rc = LX_ENOTFOUND;
    json_decref(items);
    return rc;
}

/* The record `id` of `select` (aliased t) if it lies in who's scope of `rk`. */
static lx_status scoped_get(db *d, const principal *who, resource_kind rk, const char *select,
                            row_fn fn, int64_t id, json_t **out)
{
    qb q;
    scope s = scope_for(who, rk);
    qb_init(&q);
    qb_sql(&q, select);
    qb_sql(&q, " WHERE t.id = ?");
    qb_int(&q, id);
    qb_scope(&q, &s, rk, "t");
    return collect_one(&q, d, fn, out);
}

/* Append " AND <alias>.ended_at IS [NOT] NULL" for the active filter. */
static void active_clause(qb *q, const char *alias, int active)
{
    char sql[64];
    if (active < 0)
        return;
    snprintf(sql, sizeof sql, " AND %s.ended_at IS %sNULL", alias, active ? "" : "NOT ");
    qb_sql(q, sql);
}



/* Append the audit record of a change to `table`/`id`; takes `detail`. */
static lx_status audit_change(db *d, const principal *who, const char *addr, const char *action,
                              const char *table, int64_t id, json_t *detail)
{
    char object[64];
    char *text = json_dumps(detail, JSON_COMPACT);
    snprintf(object, sizeof object, "%s/%lld", table, (long long)id);
    audit_rec ar = {who, addr, action, object, "ok", text};
    lx_status rc = audit_append(d, &ar);
    free(text);
    json_decref(detail);
    return rc;
}

/* A row of `table` by id and county, with its path and end state, before it
 * is ended: LX_ENOTFOUND unless its path is in scope `s`. */
static lx_status end_target(db *d, const scope *s, resource_kind res, const char *sql, int64_t id,
                            int64_t *x, int64_t *y, int *ended)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    qb_init(&q);
    qb_sql(&q, sql);
    qb_int(&q, id);
    qb_scope(&q, s, res, "t");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row) {
        *x = db_col_int(st, 0);
        *y = db_col_int(st, 1);
        *ended = !db_col_is_null(st, 2);
    } else if (!rc) {
        rc = LX_ENOTFOUND;
    }
    db_done(st);
    qb_release(&q);
    return rc;
}

/* Set ended_at on row `id` of `table` if it is still active; LX_ECONFLICT
 * when another request ended it first. */
static lx_status end_row(db *d, const char *sql, int64_t id, lx_error *e)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, lx_now());
    db_bind_int(st, 2, id);
    rc = db_run(st);
    if (!rc && db_changes(d) != 1)
        rc = lx_fail(e, LX_ECONFLICT, "id", "this has ended already");
    db_done(st);
    return rc;
}

/* A node's path into buf, if the node is in scope `s`; its level and state. */
static lx_status node_in_scope(db *d, const scope *s, int64_t id, int *level, int *active,
                               char *path, size_t len)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    qb_init(&q);
    qb_sql(&q, "SELECT t.level, t.active, t.path FROM nodes t WHERE t.id = ?");
    qb_int(&q, id);
    qb_scope(&q, s, RES_NODES, "t");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row) {
        *level = (int)db_col_int(st, 0);
        *active = (int)db_col_int(st, 1);
        lx_strlcpy(path, db_col_text(st, 2), len);
    } else if (!rc) {
        rc = LX_ENOTFOUND;
    }
    db_done(st);
    qb_release(&q);
    return rc;
}

/* ---- units paired with villages ---- */

#define UV_SELECT                                                                              \
    "SELECT t.id, t.unit_id, u.name, t.node_id, n.name, t.reason, t.started_at, t.ended_at"  \
    " FROM unit_villages t JOIN units u ON u.id = t.unit_id JOIN nodes n ON n.id = t.node_id"

static json_t *uv_row(db_stmt *st)
{
    return json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:o,s:o,s:b}", "id",
                     (json_int_t)db_col_int(st, 0), "unit_id", (json_int_t)db_col_int(st, 1),
                     "unit_name", text_or_empty(st, 2), "node_id", (json_int_t)db_col_int(st, 3),
                     "node_name", text_or_empty(st, 4), "reason", text_or_empty(st, 5),
                     "started_at", time_json(st, 6), "ended_at", time_json(st, 7), "active",
                     db_col_is_null(st, 7));
}

lx_status links_uv_list(db *d, const principal *who, const links_query *lq, json_t **items,
                        int64_t *next)
{
    qb q;
    scope s = scope_for(who, RES_NODES);
    char under[160] = "";
    lx_status rc;
    if (lq->b) {
        /* at or under the node; a node of another county matches nothing */
        rc = registry_node_path(d, who->county_id, lq->b, under, sizeof under);
        if (rc == LX_ENOTFOUND) {
            *items = json_array();
            *next = 0;
            return LX_OK;
        }
        if (rc)
            return rc;
    }
    qb_init(&q);
    qb_sql(&q, UV_SELECT " WHERE t.id > ?");
    qb_int(&q, lq->after);
    qb_scope(&q, &s, RES_NODES, "t");
    if (lq->a) {
        qb_sql(&q, " AND t.unit_id = ?");
        qb_int(&q, lq->a);
    }
    if (*under)
        qb_prefix(&q, "t.path", under);
    active_clause(&q, "t", lq->active);
    qb_sql(&q, " ORDER BY t.id LIMIT ?");
    qb_int(&q, lq->limit);
    rc = collect(&q, d, uv_row, lq->limit, items, next);
    qb_release(&q);
    return rc;
}

lx_status links_uv_get(db *d, const principal *who, int64_t id, json_t **out)
{
    return scoped_get(d, who, RES_NODES, UV_SELECT, uv_row, id, out);
}

lx_status links_uv_create(db *d, const principal *who, const char *addr, int64_t unit_id,
                          int64_t node_id, const char *reason, int64_t *id, lx_error *e)
{
    scope s = scope_for(who, RES_NODES);
    char path[160];
    int level = 0, active = 0, row = 0;
    int64_t n = 0;
    db_stmt *st = NULL;
    lx_status rc = store_scalar(d, "SELECT count(*) FROM units WHERE id = ? AND county_id = ?"
                               " AND active = 1",
                            unit_id, who->county_id, NULL, &n);
    if (rc)
        return rc;
    if (!n)
        return lx_fail(e, LX_EINVAL, "unit_id", "no such active unit in the county");
    rc = node_in_scope(d, &s, node_id, &level, &active, path, sizeof path);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, LX_EINVAL, "node_id", "no such place in your scope");
    if (rc)
        return rc;
    if (level != 3)
        return lx_fail(e, LX_EINVAL, "node_id", "a unit is paired with a village or community");
    if (!active)
        return lx_fail(e, LX_EINVAL, "node_id", "this village has been deactivated");
    rc = store_scalar(d, "SELECT count(*) FROM unit_villages WHERE unit_id = ? AND node_id = ?"
                     " AND ended_at IS NULL",
                  unit_id, node_id, NULL, &n);
    if (rc)
        return rc;
    if (n)
        return lx_fail(e, LX_ECONFLICT, "node_id", "this unit is paired with this village already");
    rc = db_prepare(d, "INSERT INTO unit_villages (county_id, unit_id, node_id, path, reason,"
                       " created_by, started_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->county_id);
    db_bind_int(st, 2, unit_id);
    db_bind_int(st, 3, node_id);
    db_bind_text(st, 4, path);
    db_bind_text(st, 5, reason);
    db_bind_int(st, 6, who->user_id);
    db_bind_int(st, 7, lx_now());
    rc = db_step(st, &row);
    if (!rc && row)
        *id = db_col_int(st, 0);
    db_done(st);
    if (rc == LX_ECONFLICT)
        return lx_fail(e, rc, "node_id", "this unit was paired with this village meanwhile");
    if (!rc)
        rc = pairing_seq_bump(d, who->county_id);
    if (!rc)
        rc = audit_change(d, who, addr, "unit_villages.create", "unit_villages", *id,
                          json_pack("{s:I,s:I,s:s}", "unit_id", (json_int_t)unit_id, "node_id",
                                    (json_int_t)node_id, "reason", reason));
    return rc;
}

lx_status links_uv_end(db *d, const principal *who, const char *addr, int64_t id,
                       const char *reason, lx_error *e)
{
    scope s = scope_for(who, RES_NODES);
    int64_t unit = 0, node = 0;
    int ended = 0;
    lx_status rc = end_target(d, &s, RES_NODES,
                              "SELECT t.unit_id, t.node_id, t.ended_at FROM unit_villages t"
                              " WHERE t.id = ?",
                              id, &unit, &node, &ended);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such unit-village pair in your scope");
    if (rc)
        return rc;
    if (ended)
        return lx_fail(e, LX_ECONFLICT, "id", "this unit-village pair has ended already");
    rc = end_row(d, "UPDATE unit_villages SET ended_at = ? WHERE id = ? AND ended_at IS NULL", id,
                 e);
    if (!rc)
        rc = pairing_seq_bump(d, who->county_id);
    if (!rc)
        rc = audit_change(d, who, addr, "unit_villages.end", "unit_villages", id,
                          json_pack("{s:I,s:I,s:s}", "unit_id", (json_int_t)unit, "node_id",
                                    (json_int_t)node, "reason", reason));
    return rc;
}

/* ---- contact points ---- */

#define CP_SELECT                                                                              \
    "SELECT t.id, t.member_id, m.name, m.rank, t.org_id, o.name, t.kind, t.reason,"           \
    " t.started_at, t.ended_at FROM contact_points t JOIN members m ON m.id = t.member_id"    \
    " JOIN orgs o ON o.id = t.org_id"

static json_t *cp_row(db_stmt *st)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:b}", "id",
                     (json_int_t)db_col_int(st, 0), "member_id", (json_int_t)db_col_int(st, 1),
                     "member_name", text_or_empty(st, 2), "member_rank", text_or_empty(st, 3),
                     "org_id", (json_int_t)db_col_int(st, 4), "org_name", text_or_empty(st, 5),
                     "kind", text_or_empty(st, 6), "reason", text_or_empty(st, 7), "started_at",
                     time_json(st, 8), "ended_at", time_json(st, 9), "active",
                     db_col_is_null(st, 9));
}

lx_status links_cp_list(db *d, const principal *who, const links_query *lq, json_t **items,
                        int64_t *next)
{
    qb q;
    scope s = scope_for(who, RES_ORGS);
    char under[160] = "";
    if (lq->node) {
        lx_status rc = registry_node_path(d, who->county_id, lq->node, under, sizeof under);
        if (rc == LX_ENOTFOUND) {
            *items = json_array();
            *next = 0;
            return LX_OK;
        }
        if (rc)
            return rc;
    }
    qb_init(&q);
    qb_sql(&q, CP_SELECT " WHERE t.id > ?");
    qb_int(&q, lq->after);
    qb_scope(&q, &s, RES_ORGS, "t");
    if (*under)
        qb_prefix(&q, "t.path", under);
    if (lq->a) {
        qb_sql(&q, " AND t.member_id = ?");
        qb_int(&q, lq->a);
    }
    if (lq->b) {
        qb_sql(&q, " AND t.org_id = ?");
        qb_int(&q, lq->b);
    }
    active_clause(&q, "t", lq->active);
    qb_sql(&q, " ORDER BY t.id LIMIT ?");
    qb_int(&q, lq->limit);
    lx_status rc = collect(&q, d, cp_row, lq->limit, items, next);
    qb_release(&q);
    return rc;
}

lx_status links_cp_get(db *d, const principal *who, int64_t id, json_t **out)
{
    return scoped_get(d, who, RES_ORGS, CP_SELECT, cp_row, id, out);
}

lx_status links_cp_create(db *d, const principal *who, const char *addr, int64_t member_id,
                          int64_t org_id, const char *kind, const char *reason, int64_t *id,
                          lx_error *e)
{
    scope s = scope_for(who, RES_ORGS);
    db_stmt *st = NULL;
    qb q;
    int row = 0, known = 0, member_active = 0, org_active = 0;
    char rank[24] = "", org_kind[24] = "", path[160] = "";
    int64_t n = 0;
    lx_status rc;

    for (const char *const *k = links_cp_kinds; *k; k++)
        known |= !strcmp(*k, kind);
    if (!known)
        return lx_fail(e, LX_EINVAL, "kind", "kind is weak_branch, non_public or social_org");

    /* the leader: of the county (county leaders live at the county seat) */
    rc = db_prepare(d, "SELECT active, rank FROM members WHERE id = ? AND county_id = ?", &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, member_id);
    db_bind_int(st, 2, who->county_id);
    rc = db_step(st, &row);
    if (!rc && row) {
        member_active = (int)db_col_int(st, 0);
        lx_strlcpy(rank, text_or_empty(st, 1), sizeof rank);
    }
    db_done(st);
    if (rc)
        return rc;
    if (!row || !member_active)
        return lx_fail(e, LX_EINVAL, "member_id", "no such active member in the county");
    if (pairing_rank_level(rank) < 2)
        return lx_fail(e, LX_EINVAL, "member_id",
                       "a contact point is adopted by a county or township leader");
    /* Seed 003: county leaders adopt one of each kind, township leaders a weak branch. */
    if (pairing_rank_level(rank) == 2 && strcmp(kind, "weak_branch"))
        return lx_fail(e, LX_EINVAL, "kind", "a township leader adopts a weak branch only");

    /* the branch: in the caller's scope */
    qb_init(&q);
    qb_sql(&q, "SELECT t.kind, t.active, t.path FROM orgs t WHERE t.id = ?");
    qb_int(&q, org_id);
    qb_scope(&q, &s, RES_ORGS, "t");
    rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row) {
        lx_strlcpy(org_kind, text_or_empty(st, 0), sizeof org_kind);
        org_active = (int)db_col_int(st, 1);
        lx_strlcpy(path, text_or_empty(st, 2), sizeof path);
    }
    db_done(st);
    qb_release(&q);
    if (rc)
        return rc;
    if (!row)
        return lx_fail(e, LX_EINVAL, "org_id", "no such organisation in your scope");
    if (!org_active)
        return lx_fail(e, LX_EINVAL, "org_id", "this organisation has been deactivated");
    if (strcmp(org_kind, "branch") && strcmp(org_kind, "general_branch"))
        return lx_fail(e, LX_EINVAL, "org_id", "a contact point is a branch or general branch");

    rc = store_scalar(d, "SELECT count(*) FROM contact_points WHERE member_id = ? AND county_id = ?"
                     " AND kind = ? AND ended_at IS NULL",
                  member_id, who->county_id, kind, &n);
    if (rc)
        return rc;
    if (n)
        return lx_fail(e, LX_ECONFLICT, "kind",
                       "this leader has a %s contact point already; end it first", lx_word(kind));
    rc = db_prepare(d, "INSERT INTO contact_points (county_id, member_id, org_id, kind, path,"
                       " reason, created_by, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                       " RETURNING id",
                    &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->county_id);
    db_bind_int(st, 2, member_id);
    db_bind_int(st, 3, org_id);
    db_bind_text(st, 4, kind);
    db_bind_text(st, 5, path);
    db_bind_text(st, 6, reason);
    db_bind_int(st, 7, who->user_id);
    db_bind_int(st, 8, lx_now());
    rc = db_step(st, &row);
    if (!rc && row)
        *id = db_col_int(st, 0);
    db_done(st);
    if (rc == LX_ECONFLICT)
        return lx_fail(e, rc, "kind", "this leader took a %s contact point meanwhile",
                       lx_word(kind));
    if (!rc)
        rc = audit_change(d, who, addr, "contact_points.create", "contact_points", *id,
                          json_pack("{s:I,s:I,s:s,s:s}", "member_id", (json_int_t)member_id,
                                    "org_id", (json_int_t)org_id, "kind", kind, "reason",
                                    reason));
    return rc;
}

lx_status links_cp_end(db *d, const principal *who, const char *addr, int64_t id,
                       const char *reason, lx_error *e)
{
    scope s = scope_for(who, RES_ORGS);
    int64_t member = 0, org = 0;
    int ended = 0;
    lx_status rc = end_target(d, &s, RES_ORGS,
                              "SELECT t.member_id, t.org_id, t.ended_at FROM contact_points t"
                              " WHERE t.id = ?",
                              id, &member, &org, &ended);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such contact point in your scope");
    if (rc)
        return rc;
    if (ended)
        return lx_fail(e, LX_ECONFLICT, "id", "this contact point has ended already");
    rc = end_row(d, "UPDATE contact_points SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                 id, e);
    if (!rc)
        rc = audit_change(d, who, addr, "contact_points.end", "contact_points", id,
                          json_pack("{s:I,s:I,s:s}", "member_id", (json_int_t)member, "org_id",
                                    (json_int_t)org, "reason", reason));
    return rc;
}

/* ---- assistance tasks ---- */

#define TASK_SELECT                                                                            \
    "SELECT k.id, k.pairing_id, k.household_id, k.title, k.status, k.created_at, k.closed_at" \
    " FROM assistance_tasks k"

static json_t *task_row(db_stmt *st)
{
    return json_pack("{s:I,s:I,s:I,s:s,s:s,s:o,s:o}", "id", (json_int_t)db_col_int(st, 0),
                     "pairing_id", (json_int_t)db_col_int(st, 1), "household_id",
                     (json_int_t)db_col_int(st, 2), "title", text_or_empty(st, 3), "status",
                     text_or_empty(st, 4), "created_at", time_json(st, 5), "closed_at",
                     time_json(st, 6));
}

static lx_status task_get(db *d, int64_t county_id, int64_t id, json_t **out)
{
    qb q;
    qb_init(&q);
    qb_sql(&q, TASK_SELECT " WHERE k.id = ? AND k.county_id = ?");
    qb_int(&q, id);
    qb_int(&q, county_id);
    return collect_one(&q, d, task_row, out);
}

/* A pairing whose household is in who's scope. */
typedef struct pairing_ref {
    int64_t household_id; /* its household */
    int assistance;       /* 1 for an assistance pairing, 0 for liaison */
    int ended;            /* 1 once ended */
    char path[160];       /* the household's path */
} pairing_ref;

static lx_status pairing_in_scope(db *d, const principal *who, int64_t id, pairing_ref *p,
                                  lx_error *e)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_HOUSEHOLDS);
    memset(p, 0, sizeof *p);
    qb_init(&q);
    qb_sql(&q, "SELECT p.household_id, p.layer, p.ended_at, t.path FROM pairings p"
               " JOIN households t ON t.id = p.household_id WHERE p.id = ? AND p.county_id = ?");
    qb_int(&q, id);
    qb_int(&q, who->county_id);
    qb_scope(&q, &s, RES_HOUSEHOLDS, "t");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row) {
        p->household_id = db_col_int(st, 0);
        p->assistance = !strcmp(text_or_empty(st, 1), "assistance");
        p->ended = !db_col_is_null(st, 2);
        lx_strlcpy(p->path, text_or_empty(st, 3), sizeof p->path);
    }
    db_done(st);
    qb_release(&q);
    if (rc)
        return rc;
    if (!row)
        return lx_fail(e, LX_ENOTFOUND, "id", "no such pairing in your scope");
    if (!p->assistance)
        return lx_fail(e, LX_EINVAL, "id", "a liaison pairing has no assistance tasks");
    return LX_OK;
}

lx_status links_task_list(db *d, const principal *who, int64_t pairing_id, json_t **items,
                          lx_error *e)
{
    pairing_ref p;
    qb q;
    *items = NULL;
    lx_status rc = pairing_in_scope(d, who, pairing_id, &p, e);
    if (rc)
        return rc;
    qb_init(&q);
    qb_sql(&q, TASK_SELECT " WHERE k.pairing_id = ? AND k.county_id = ? ORDER BY k.id");
    qb_int(&q, pairing_id);
    qb_int(&q, who->county_id);
    rc = collect(&q, d, task_row, 0, items, NULL);
    qb_release(&q);
    return rc;
}

lx_status links_task_create(db *d, const principal *who, const char *addr, int64_t pairing_id,
                            const char *title, json_t **out, lx_error *e)
{
    pairing_ref p;
    db_stmt *st = NULL;
    int row = 0;
    int64_t id = 0;
    *out = NULL;
    lx_status rc = pairing_in_scope(d, who, pairing_id, &p, e);
    if (rc)
        return rc;
    if (p.ended)
        return lx_fail(e, LX_ECONFLICT, "id", "this pairing has ended; it takes no new tasks");
    rc = db_prepare(d, "INSERT INTO assistance_tasks (county_id, pairing_id, household_id, path,"
                       " title, status, created_by, created_at)"
                       " VALUES (?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
                    &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->county_id);
    db_bind_int(st, 2, pairing_id);
    db_bind_int(st, 3, p.household_id);
    db_bind_text(st, 4, p.path);
    db_bind_text(st, 5, title);
    db_bind_int(st, 6, who->user_id);
    db_bind_int(st, 7, lx_now());
    rc = db_step(st, &row);
    if (!rc && row)
        id = db_col_int(st, 0);
    db_done(st);
    if (!rc)
        rc = pairing_seq_bump(d, who->county_id);
    if (!rc)
        rc = audit_change(d, who, addr, "tasks.create", "assistance_tasks", id,
                          json_pack("{s:I,s:I,s:s}", "pairing_id", (json_int_t)pairing_id,
                                    "household_id", (json_int_t)p.household_id, "title", title));
    if (!rc)
        rc = task_get(d, who->county_id, id, out);
    return rc;
}

lx_status links_task_close(db *d, const principal *who, const char *addr, int64_t task_id,
                           json_t **out, lx_error *e)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0, open = 0;
    int64_t pairing_id = 0;
    scope s = scope_for(who, RES_HOUSEHOLDS);
    *out = NULL;
    qb_init(&q);
    qb_sql(&q, "SELECT k.pairing_id, k.status = 'open' FROM assistance_tasks k"
               " JOIN households t ON t.id = k.household_id WHERE k.id = ? AND k.county_id = ?");
    qb_int(&q, task_id);
    qb_int(&q, who->county_id);
    qb_scope(&q, &s, RES_HOUSEHOLDS, "t");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row) {
        pairing_id = db_col_int(st, 0);
        open = (int)db_col_int(st, 1);
    }
    db_done(st);
    qb_release(&q);
    if (rc)
        return rc;
    if (!row)
        return lx_fail(e, LX_ENOTFOUND, "id", "no such task in your scope");
    if (!open)
        return lx_fail(e, LX_ECONFLICT, "id", "this task is closed already");
    rc = db_prepare(d, "UPDATE assistance_tasks SET status = 'closed', closed_at = ?"
                       " WHERE id = ? AND status = 'open'",
                    &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, lx_now());
    db_bind_int(st, 2, task_id);
    rc = db_run(st);
    if (!rc && db_changes(d) != 1)
        rc = lx_fail(e, LX_ECONFLICT, "id", "this task was closed meanwhile");
    db_done(st);
    if (!rc)
        rc = pairing_seq_bump(d, who->county_id);
    if (!rc)
        rc = audit_change(d, who, addr, "tasks.close", "assistance_tasks", task_id,
                          json_pack("{s:I}", "pairing_id", (json_int_t)pairing_id));
    if (!rc)
        rc = task_get(d, who->county_id, task_id, out);
    return rc;
}
