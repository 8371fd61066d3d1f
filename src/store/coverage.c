/* coverage.c -- the SQL of the coverage report: two grouped scans of one index range each. */
#include "store/coverage.h"
#include "store/policies.h"
#include "store/query.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

const coverage_figure coverage_figures[COVERAGE_NFIGURES] = {
    {"households", "户数"},
    {"households_without_liaison", "无联系党员户数"},
    {"households_in_difficulty", "困难户数"},
    {"in_difficulty_without_assistance", "困难户无帮扶干部数"},
    {"hardest", "难度最大户数"},
    {"hardest_without_leader", "难度最大户无领导包联数"},
    {"members", "党员干部数"},
    {"members_without_households", "未联户党员数"},
    {"members_over_liaison_quota", "联户超额党员数"},
    {"cadres_over_assistance_quota", "帮扶超额干部数"},
};

/* Which child of a place a record falls under: 0 for the place itself,
 * otherwise the id of the path segment after the place's own path. The two
 * parameters are the length of that path and the length plus one. */
#define CHILD_OF(col)                                                                          \
    "CASE WHEN length(" col ") = ? THEN 0 ELSE CAST(substr(" col ", ?, instr(substr(" col    \
    ", ?), '/') - 1) AS INTEGER) END"

/* Households under a place, by child: figures 0-5. */
static const char sql_households[] =
    "SELECT " CHILD_OF("h.path") " AS child, count(*),"
    " sum(NOT EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id"
    "  AND p.layer = 'liaison' AND p.ended_at IS NULL)),"
    " sum(h.difficulty <> 'none' OR (h.tags & ?) <> 0),"
    " sum(CASE WHEN h.difficulty <> 'none' OR (h.tags & ?) <> 0 THEN NOT EXISTS (SELECT 1"
    "  FROM pairings p WHERE p.household_id = h.id AND p.layer = 'assistance'"
    "  AND p.ended_at IS NULL) ELSE 0 END),"
    " sum(h.difficulty = 'hardest'),"
    " sum(CASE WHEN h.difficulty = 'hardest' THEN NOT EXISTS (SELECT 1 FROM pairings p"
    "  JOIN members m ON m.id = p.member_id WHERE p.household_id = h.id"
    "  AND p.layer = 'assistance' AND p.ended_at IS NULL"
    "  AND m.rank IN ('city_leader', 'county_leader')) ELSE 0 END)"
    " FROM households h WHERE h.county_id = ? AND h.active = 1";

/* Members under a place, by child: figures 6-9. */
static const char sql_members[] =
    "SELECT " CHILD_OF("m.path") " AS child, count(*),"
    " sum(CASE WHEN length(m.path) - length(replace(m.path, '/', '')) >= 4 THEN NOT EXISTS"
    "  (SELECT 1 FROM pairings p WHERE p.member_id = m.id AND p.layer = 'liaison'"
    "  AND p.ended_at IS NULL) ELSE 0 END),"
    " sum((SELECT count(*) FROM pairings p WHERE p.member_id = m.id AND p.layer = 'liaison'"
    "  AND p.ended_at IS NULL) > coalesce(m.liaison_quota, ?)),"
    " sum((SELECT count(*) FROM pairings p WHERE p.member_id = m.id"
    "  AND p.layer = 'assistance' AND p.ended_at IS NULL) > coalesce(m.assist_quota,"
    "  CASE m.rank WHEN 'city_leader' THEN ? WHEN 'county_leader' THEN ? WHEN 'middle' THEN ?"
    "  WHEN 'ordinary' THEN ? WHEN 'village_official' THEN ? ELSE 0 END))"
    " FROM members m WHERE m.county_id = ? AND m.active = 1";

static int cmp_row(const void *a, const void *b)
{
    int64_t x = ((const coverage_row *)a)->id, y = ((const coverage_row *)b)->id;
    return (x > y) - (x < y);
}

void coverage_report_release(coverage_report *r)
{
    if (!r)
        return;
    free(r->children);
    r->children = NULL;
    r->nchildren = 0;
}

/* Fill row from the current statement row: id, name, level, kind. */
static void node_row(db_stmt *st, coverage_row *row)
{
    const char *name = db_col_text(st, 1), *kind = db_col_text(st, 3);
    memset(row, 0, sizeof *row);
    row->id = db_col_int(st, 0);
    lx_strlcpy(row->name, name ? name : "", sizeof row->name);
    row->level = (int)db_col_int(st, 2);
    lx_strlcpy(row->kind, kind ? kind : "", sizeof row->kind);
}

/* The place, if in scope, and its path. */
static lx_status load_node(db *d, const principal *who, int64_t id, coverage_row *row,
                           char *path, size_t len)
{
    qb q;
    db_stmt *st = NULL;
    int found = 0;
    scope s = scope_for(who, RES_NODES);
    qb_init(&q);
    qb_sql(&q, "SELECT t.id, t.name, t.level, t.kind, t.path FROM nodes t WHERE t.id = ?");
    qb_int(&q, id);
    qb_scope(&q, &s, RES_NODES, "t");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &found);
    if (!rc && found) {
        node_row(st, row);
        lx_strlcpy(path, db_col_text(st, 4), len);
    } else if (!rc) {
        rc = LX_ENOTFOUND;
    }
    db_done(st);
    qb_release(&q);
    return rc;
}

static lx_status load_children(db *d, int64_t county_id, int64_t parent, coverage_report *out)
{
    db_stmt *st = NULL;
    int row = 0;
    size_t cap = 0;
    lx_status rc = db_prepare(d, "SELECT id, name, level, kind FROM nodes WHERE parent_id = ?"
                                 " AND county_id = ? AND active = 1 ORDER BY id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, parent);
    db_bind_int(st, 2, county_id);
    while (!(rc = db_step(st, &row)) && row) {
        if (out->nchildren == cap) {
            cap = cap ? cap * 2 : 32;
            out->children = xrealloc(out->children, cap * sizeof *out->children);
        }
        node_row(st, &out->children[out->nchildren++]);
    }
    db_done(st);
    return rc;
}

/* Run one grouped scan (its extra parameters already added to q) and add
 * columns 1.. of each group to figures first.. of the place and of the child
 * the group belongs to. */
static lx_status add_groups(qb *q, db *d, int first, coverage_report *out)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = qb_prepare(q, d, &st);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        coverage_row key;
        key.id = db_col_int(st, 0);
        coverage_row *child = key.id && out->nchildren
                                  ? bsearch(&key, out->children, out->nchildren,
                                            sizeof *out->children, cmp_row)
                                  : NULL;
        /* columns: child, then the figures of this scan */
        int ncols = first == 0 ? 6 : 4;
        for (int c = 0; c < ncols; c++) {
            int64_t v = db_col_int(st, c + 1);
            out->node.v[first + c] += v;
            if (child)
                child->v[first + c] += v;
        }
    }
    db_done(st);
    return rc;
}

/* Start a grouped scan: the child expression's three parameters. */
static void scan_start(qb *q, const char *sql, size_t pathlen)
{
    qb_init(q);
    qb_sql(q, sql);
    qb_int(q, (int64_t)pathlen);
    qb_int(q, (int64_t)pathlen + 1);
    qb_int(q, (int64_t)pathlen + 1);
}

static lx_status count_households(db *d, int64_t county_id, const char *path,
                                  coverage_report *out)
{
    qb q;
    int64_t tags = policy_get(d, county_id, "assistance.tags");
    scan_start(&q, sql_households, strlen(path));
    qb_int(&q, tags);
    qb_int(&q, tags);
    qb_int(&q, county_id);
    qb_prefix(&q, "h.path", path);
    qb_sql(&q, " GROUP BY child");
    lx_status rc = add_groups(&q, d, 0, out);
    qb_release(&q);
    return rc;
}

static lx_status count_members(db *d, int64_t county_id, const char *path, coverage_report *out)
{
    static const char *const quota[] = {
        "assistance.quota.city_leader", "assistance.quota.county_leader",
        "assistance.quota.middle",      "assistance.quota.ordinary",
        "assistance.quota.village_official"};
    qb q;
    scan_start(&q, sql_members, strlen(path));
    qb_int(&q, policy_get(d, county_id, "liaison.quota"));
    for (size_t i = 0; i < sizeof quota / sizeof quota[0]; i++)
        qb_int(&q, policy_get(d, county_id, quota[i]));
    qb_int(&q, county_id);
    qb_prefix(&q, "m.path", path);
    qb_sql(&q, " GROUP BY child");
    lx_status rc = add_groups(&q, d, 6, out);
    qb_release(&q);
    return rc;
}

lx_status coverage_load(db *d, const principal *who, int64_t node_id, coverage_report *out)
{
    char path[160];
    memset(out, 0, sizeof *out);
    /* One snapshot: the place, its children and both scans agree. */
    lx_status rc = db_begin_read(d);
    if (!rc)
        rc = load_node(d, who, node_id, &out->node, path, sizeof path);
    if (!rc)
        rc = load_children(d, who->county_id, node_id, out);
    if (!rc)
        rc = count_households(d, who->county_id, path, out);
    if (!rc)
        rc = count_members(d, who->county_id, path, out);
    db_rollback(d);
    return rc;
}
