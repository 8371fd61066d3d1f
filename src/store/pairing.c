/* pairing.c -- the pairings of a county: runs of the optimiser, plans, manual pairs. */
#include "store/pairing.h"
#include "core/vocab.h"
#include "store/audit.h"
#include "store/policies.h"
#include "store/query.h"
#include "store/registry.h"
#include "util/msgcat.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 12

static const char *const layer_names[] = {"liaison", "assistance"};

const char *pairing_layer_name(assign_layer l)
{
    return layer_names[l == ASSIGN_ASSISTANCE];
}

int pairing_layer_parse(const char *s)
{
    for (int i = 0; i < 2; i++)
        if (s && !strcmp(s, layer_names[i]))
            return i;
    return -1;
}

int pairing_rank_level(const char *rank)
{
    if (!rank)
        return 0;
    if (!strcmp(rank, "city_leader") || !strcmp(rank, "county_leader"))
        return 3;
    if (!strcmp(rank, "middle"))
        return 2;
    if (!strcmp(rank, "ordinary") || !strcmp(rank, "village_official"))
        return 1;
    return 0;
}

/* The node ids along a path "/1/4/17/" -> {1, 4, 17}; returns how many. */
static int path_ids(const char *path, int64_t ids[MAX_DEPTH])
{
    int n = 0;
    const char *p = path;
    while (p && *p == '/' && p[1] && n < MAX_DEPTH) {
        char *end = NULL;
        ids[n++] = strtoll(p + 1, &end, 10);
        p = end;
    }
    return n;
}

/* The village (3rd level) of a path, or 0; its group (4th level), or 0. */
static int64_t village_of(const char *path)
{
    int64_t ids[MAX_DEPTH];
    return path_ids(path, ids) >= 3 ? ids[2] : 0;
}

static int64_t group_of(const char *path)
{
    int64_t ids[MAX_DEPTH];
    return path_ids(path, ids) >= 4 ? ids[3] : 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Index of v in the sorted array a[n], or -1. */
static int64_t find_i64(const int64_t *a, size_t n, int64_t v)
{
    const int64_t *p = n ? bsearch(&v, a, n, sizeof *a, cmp_i64) : NULL;
    return p ? p - a : -1;
}

/* Sort and drop repeats; returns the new length. */
static size_t uniq_i64(int64_t *a, size_t n)
{
    size_t k = 0;
    qsort(a, n, sizeof *a, cmp_i64);
    for (size_t i = 0; i < n; i++)
        if (!k || a[k - 1] != a[i])
            a[k++] = a[i];
    return k;
}

/* Growable arrays of the problem. */
static void push_hh(pairing_problem *p, size_t *cap, const assign_household *h)
{
    if (p->nh == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        p->hh = xrealloc(p->hh, *cap * sizeof *p->hh);
    }
    p->hh[p->nh++] = *h;
}

static void push_mm(pairing_problem *p, size_t *cap, const assign_member *m)
{
    if (p->nm == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        p->mm = xrealloc(p->mm, *cap * sizeof *p->mm);
    }
    p->mm[p->nm++] = *m;
}

static void push_i64(int64_t **a, size_t *n, size_t *cap, int64_t v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *a = xrealloc(*a, *cap * sizeof **a);
    }
    (*a)[(*n)++] = v;
}

void pairing_problem_release(pairing_problem *p)
{
    if (!p)
        return;
    free(p->hh);
    free(p->mm);
    free(p->unplaced_ids);
    memset(p, 0, sizeof *p);
}

/* Active pairings of a layer per member in the county: two parallel arrays
 * sorted by member id. */
typedef struct loads {
    int64_t *member;   /* member ids, sorted */
    int64_t *count;    /* their active pairings */
    size_t n;
} loads;

static lx_status load_counts(db *d, int64_t county_id, assign_layer layer, loads *out)
{
    db_stmt *st = NULL;
    int row = 0;
    size_t cap = 0, capc = 0, nc = 0;
    memset(out, 0, sizeof *out);
    lx_status rc = db_prepare(d, "SELECT member_id, count(*) FROM pairings WHERE county_id = ?"
                                 " AND layer = ? AND ended_at IS NULL GROUP BY member_id"
                                 " ORDER BY member_id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    db_bind_text(st, 2, pairing_layer_name(layer));
    while (!(rc = db_step(st, &row)) && row) {
        push_i64(&out->member, &out->n, &cap, db_col_int(st, 0));
        push_i64(&out->count, &nc, &capc, db_col_int(st, 1));
    }
    db_done(st);
    return rc;
}

static int64_t load_of(const loads *l, int64_t member)
{
    int64_t i = find_i64(l->member, l->n, member);
    return i >= 0 ? l->count[i] : 0;
}

/* How many of the run's households each member holds now (by the hh array),
 * in the form of load_counts: one sort instead of a pass per member. */
static void held_in_run(const pairing_problem *p, loads *out)
{
    size_t n = 0, k = 0;
    int64_t *cur = xmalloc((p->nh ? p->nh : 1) * sizeof *cur);
    for (size_t i = 0; i < p->nh; i++)
        if (p->hh[i].current)
            cur[n++] = p->hh[i].current;
    qsort(cur, n, sizeof *cur, cmp_i64);
    out->member = xmalloc((n ? n : 1) * sizeof *out->member);
    out->count = xmalloc((n ? n : 1) * sizeof *out->count);
    for (size_t i = 0; i < n; i++) {
        if (!k || out->member[k - 1] != cur[i]) {
            out->member[k] = cur[i];
            out->count[k++] = 0;
        }
        out->count[k - 1]++;
    }
    out->n = k;
    free(cur);
}

static int tier_of(const char *code)
{
    int i = code ? vocab_find(&vocab_difficulty, code) : -1;
    return i < 0 ? 0 : i;
}

/* ---- liaison: villages are the parts ---- */

static lx_status load_liaison(db *d, int64_t county_id, const char *path, pairing_problem *p)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    size_t caph = 0, capm = 0, nv = 0, capv = 0, capx = 0;
    int64_t *villages = NULL;
    int64_t quota = policy_get(d, county_id, "liaison.quota");
    int64_t ids[MAX_DEPTH];
    char prefix[256];
    loads L = {0}, H = {0};
    lx_status rc;

    qb_init(&q);
    qb_sql(&q, "SELECT h.id, h.path, h.difficulty, h.needs, p.member_id FROM households h"
               " LEFT JOIN pairings p ON p.household_id = h.id AND p.layer = 'liaison'"
               " AND p.ended_at IS NULL WHERE h.county_id = ? AND h.active = 1");
    qb_int(&q, county_id);
    qb_prefix(&q, "h.path", path);
    qb_sql(&q, " ORDER BY h.id");
    rc = qb_prepare(&q, d, &st);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        const char *hp = db_col_text(st, 1);
        int64_t v = village_of(hp);
        assign_household h = {db_col_int(st, 0), 0, (int32_t)group_of(hp),
                              tier_of(db_col_text(st, 2)), db_col_int(st, 3),
                              db_col_is_null(st, 4) ? 0 : db_col_int(st, 4)};
        if (!v) {
            push_i64(&p->unplaced_ids, (size_t *)&p->unplaced, &capx, h.id);
            continue;
        }
        h.part = (int32_t)v; /* village id for now, made dense below */
        push_hh(p, &caph, &h);
        push_i64(&villages, &nv, &capv, v);
    }
    db_done(st);
    qb_release(&q);
    capv = 0;
    if (rc)
        goto out;
    nv = uniq_i64(villages, nv);
    for (size_t i = 0; i < p->nh; i++)
        p->hh[i].part = (int32_t)find_i64(villages, nv, p->hh[i].part);

    /* Members living in those villages. Below village level, the village is
     * still the part: look at its members, not only the run's subtree. */
    int depth = path_ids(path, ids);
    if (depth >= 3)
        snprintf(prefix, sizeof prefix, "/%lld/%lld/%lld/", (long long)ids[0], (long long)ids[1],
                 (long long)ids[2]);
    else
        snprintf(prefix, sizeof prefix, "%s", path);
    if ((rc = load_counts(d, county_id, ASSIGN_LIAISON, &L)))
        goto out;
    held_in_run(p, &H);
    qb_init(&q);
    qb_sql(&q, "SELECT m.id, m.path, m.skills, m.liaison_quota FROM members m"
               " WHERE m.county_id = ? AND m.active = 1");
    qb_int(&q, county_id);
    qb_prefix(&q, "m.path", prefix);
    qb_sql(&q, " ORDER BY m.id");
    rc = qb_prepare(&q, d, &st);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        const char *mp = db_col_text(st, 1);
        int64_t part = find_i64(villages, nv, village_of(mp));
        if (part < 0)
            continue;
        int64_t id = db_col_int(st, 0);
        int64_t q_own = db_col_is_null(st, 3) ? quota : db_col_int(st, 3);
        int64_t outside = load_of(&L, id) - load_of(&H, id);
        int64_t room = q_own - outside;
        assign_member m = {id, (int32_t)part, (int32_t)group_of(mp), 0, db_col_int(st, 2),
                           (int32_t)(room > 0 ? room : 0)};
        push_mm(p, &capm, &m);
    }
    db_done(st);
    qb_release(&q);
out:
    free(L.member);
    free(L.count);
    free(H.member);
    free(H.count);
    free(villages);
    return rc;
}

/* ---- assistance: groups of units and the villages they are paired with ---- */

static int64_t uf_find(int64_t *parent, int64_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void uf_union(int64_t *parent, int64_t a, int64_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a != b)
        parent[a > b ? a : b] = a < b ? a : b; /* the smaller index is the root */
}

static const char *const quota_keys[4] = {NULL, "assistance.quota.ordinary",
                                          "assistance.quota.middle",
                                          "assistance.quota.county_leader"};

static int64_t rank_quota(db *d, int64_t county_id, const char *rank)
{
    if (rank && !strcmp(rank, "city_leader"))
        return policy_get(d, county_id, "assistance.quota.city_leader");
    if (rank && !strcmp(rank, "village_official"))
        return policy_get(d, county_id, "assistance.quota.village_official");
    int lvl = pairing_rank_level(rank);
    return lvl ? policy_get(d, county_id, quota_keys[lvl]) : 0;
}

static lx_status load_assistance(db *d, int64_t county_id, const char *path, int rebalance,
                                 pairing_problem *p)
{
    db_stmt *st = NULL;
    qb q;
    int row = 0;
    int64_t *uv_unit = NULL, *uv_village = NULL, *units = NULL, *vills = NULL, *parent = NULL;
    int64_t *part_of_root = NULL;
    size_t nuv = 0, capa = 0, capb = 0, nu = 0, nvl = 0, capu = 0, capv = 0, caph = 0, capm = 0,
           capx = 0;
    int64_t mask = policy_get(d, county_id, "assistance.tags");
    int32_t nparts = 0;
    loads L = {0}, H = {0};
    lx_status rc = db_prepare(d, "SELECT unit_id, node_id FROM unit_villages WHERE county_id = ?"
                                 " AND ended_at IS NULL ORDER BY unit_id, node_id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    while (!(rc = db_step(st, &row)) && row) {
        size_t k = nuv;
        push_i64(&uv_unit, &nuv, &capa, db_col_int(st, 0));
        push_i64(&uv_village, &k, &capb, db_col_int(st, 1));
        push_i64(&units, &nu, &capu, db_col_int(st, 0));
        push_i64(&vills, &nvl, &capv, db_col_int(st, 1));
    }
    db_done(st);
    if (rc)
        goto out;
    nu = uniq_i64(units, nu);
    nvl = uniq_i64(vills, nvl);
    parent = xmalloc((nu + nvl + 1) * sizeof *parent);
    for (size_t i = 0; i < nu + nvl; i++)
        parent[i] = (int64_t)i;
    for (size_t i = 0; i < nuv; i++)
        uf_union(parent, find_i64(units, nu, uv_unit[i]),
                 (int64_t)nu + find_i64(vills, nvl, uv_village[i]));
    part_of_root = xmalloc((nu + nvl + 1) * sizeof *part_of_root);
    for (size_t i = 0; i < nu + nvl; i++)
        part_of_root[i] = -1;

    /* Households in difficulty under the run, with their current cadre and
     * whether that pairing has open tasks. */
    qb_init(&q);
    qb_sql(&q, "SELECT h.id, h.path, h.difficulty, h.needs, p.member_id,"
               " (SELECT count(*) FROM assistance_tasks t WHERE t.pairing_id = p.id"
               "  AND t.status = 'open')"
               " FROM households h LEFT JOIN pairings p ON p.household_id = h.id"
               " AND p.layer = 'assistance' AND p.ended_at IS NULL"
               " WHERE h.county_id = ? AND h.active = 1"
               " AND (h.difficulty <> 'none' OR (h.tags & ?) <> 0)");
    qb_int(&q, county_id);
    qb_int(&q, mask);
    qb_prefix(&q, "h.path", path);
    qb_sql(&q, " ORDER BY h.id");
    rc = qb_prepare(&q, d, &st);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        int64_t v = find_i64(vills, nvl, village_of(db_col_text(st, 1)));
        assign_household h = {db_col_int(st, 0), 0, 0, tier_of(db_col_text(st, 2)),
                              db_col_int(st, 3), db_col_is_null(st, 4) ? 0 : db_col_int(st, 4)};
        if (rebalance && h.current && db_col_int(st, 5) > 0) {
            p->locked++; /* its cadre stays: it has open tasks (seed 003) */
            continue;
        }
        if (v < 0) {
            push_i64(&p->unplaced_ids, (size_t *)&p->unplaced, &capx, h.id);
            continue;
        }
        int64_t root = uf_find(parent, (int64_t)nu + v);
        if (part_of_root[root] < 0)
            part_of_root[root] = nparts++;
        h.part = (int32_t)part_of_root[root];
        push_hh(p, &caph, &h);
    }
    db_done(st);
    qb_release(&q);
    if (rc)
        goto out;

    /* The cadres of the units in those parts. */
    if ((rc = load_counts(d, county_id, ASSIGN_ASSISTANCE, &L)))
        goto out;
    held_in_run(p, &H);
    rc = db_prepare(d, "SELECT id, unit_id, rank, skills, assist_quota FROM members"
                       " WHERE county_id = ? AND active = 1 AND unit_id IS NOT NULL ORDER BY id",
                    &st);
    if (!rc)
        db_bind_int(st, 1, county_id);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        int64_t u = find_i64(units, nu, db_col_int(st, 1));
        const char *rank = db_col_text(st, 2);
        int lvl = pairing_rank_level(rank);
        if (u < 0 || !lvl)
            continue;
        int64_t part = part_of_root[uf_find(parent, u)];
        if (part < 0)
            continue; /* its villages have no household of this run */
        int64_t id = db_col_int(st, 0);
        int64_t q_own = db_col_is_null(st, 4) ? rank_quota(d, county_id, rank) : db_col_int(st, 4);
        int64_t room = q_own - (load_of(&L, id) - load_of(&H, id));
        assign_member m = {id, (int32_t)part, 0, lvl, db_col_int(st, 3),
                           (int32_t)(room > 0 ? room : 0)};
        push_mm(p, &capm, &m);
    }
    db_done(st);
out:
    free(L.member);
    free(L.count);
    free(H.member);
    free(H.count);
    free(uv_unit);
    free(uv_village);
    free(units);
    free(vills);
    free(parent);
    free(part_of_root);
    return rc;
}

lx_status pairing_load(db *d, int64_t county_id, const char *path, assign_layer layer,
                       int rebalance, pairing_problem *out)
{
    memset(out, 0, sizeof *out);
    lx_status rc = layer == ASSIGN_LIAISON ? load_liaison(d, county_id, path, out)
                                           : load_assistance(d, county_id, path, rebalance, out);
    if (rc)
        pairing_problem_release(out);
    return rc;
}

lx_status pairing_seq(db *d, int64_t county_id, int64_t *seq)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT pairing_seq FROM counties WHERE id = ?", &st);
    *seq = 0;
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    rc = db_step(st, &row);
    if (!rc && row)
        *seq = db_col_int(st, 0);
    db_done(st);
    return rc;
}

lx_status pairing_seq_bump(db *d, int64_t county_id)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, "UPDATE counties SET pairing_seq = pairing_seq + 1 WHERE id = ?",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    rc = db_run(st);
    db_done(st);
    return rc;
}

static json_t *stats_json(const assign_stats *s, const pairing_problem *p)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i}", "households",
                     (json_int_t)(s->households + p->unplaced), "covered", (json_int_t)s->covered,
                     "added", (json_int_t)s->added, "moved", (json_int_t)s->moved, "kept",
                     (json_int_t)s->kept, "dropped", (json_int_t)s->dropped, "uncovered",
                     (json_int_t)(s->uncovered + p->unplaced), "unplaced",
                     (json_int_t)p->unplaced, "locked", (json_int_t)p->locked, "hardest",
                     (json_int_t)s->hardest, "hardest_with_leader", (json_int_t)s->hardest_leader,
                     "objective", (json_int_t)s->objective, "outside_own_group",
                     (json_int_t)s->distance_sum, "parts", s->parts);
}

/* The rows of a plan, written PLAN_BATCH at a time by one multi-row INSERT
 * (a statement per row was most of the time of saving a county's plan); the
 * rest, fewer than a batch, one by one. */
#define PLAN_BATCH 100
#define PLAN_INSERT                                                                        \
    "INSERT INTO assign_plan (run_id, household_id, old_member, new_member, change) VALUES "
typedef struct plan_writer {
    db *d;
    int64_t run;                    /* the run */
    int n;                          /* rows waiting */
    int64_t hh[PLAN_BATCH];         /* their households */
    int64_t old_m[PLAN_BATCH];      /* their members before (0: none) */
    int64_t new_m[PLAN_BATCH];      /* and after (0: none) */
    const char *change[PLAN_BATCH]; /* static strings */
} plan_writer;

/* Bind rows[0..n) of w to st from parameter 1 on, and run it. */
static lx_status plan_run(plan_writer *w, db_stmt *st, int from, int n)
{
    for (int i = 0; i < n; i++) {
        int k = 5 * i, r = from + i;
        db_bind_int(st, k + 1, w->run);
        db_bind_int(st, k + 2, w->hh[r]);
        if (w->old_m[r])
            db_bind_int(st, k + 3, w->old_m[r]);
        else
            db_bind_null(st, k + 3);
        if (w->new_m[r])
            db_bind_int(st, k + 4, w->new_m[r]);
        else
            db_bind_null(st, k + 4);
        db_bind_text(st, k + 5, w->change[r]);
    }
    return db_run(st);
}

/* Write the waiting rows: a whole batch in one statement, else one by one. */
static lx_status plan_flush(plan_writer *w)
{
    db_stmt *st = NULL;
    lx_status rc = LX_OK;
    if (w->n == PLAN_BATCH) {
        char sql[sizeof PLAN_INSERT + PLAN_BATCH * sizeof "(?, ?, ?, ?, ?), "];
        size_t len = (size_t)snprintf(sql, sizeof sql, "%s", PLAN_INSERT);
        for (int i = 0; i < PLAN_BATCH; i++)
            len += (size_t)snprintf(sql + len, sizeof sql - len, "%s(?, ?, ?, ?, ?)",
                                    i ? ", " : "");
        rc = db_prepare(w->d, sql, &st);
        if (!rc)
            rc = plan_run(w, st, 0, PLAN_BATCH);
        db_done(st);
    } else if (w->n > 0) {
        rc = db_prepare(w->d, PLAN_INSERT "(?, ?, ?, ?, ?)", &st);
        for (int i = 0; !rc && i < w->n; i++) {
            rc = plan_run(w, st, i, 1);
            db_reset(st);
        }
        db_done(st);
    }
    w->n = 0;
    return rc;
}

static lx_status plan_row(plan_writer *w, int64_t hh, int64_t old_m, int64_t new_m,
                          const char *change)
{
    w->hh[w->n] = hh;
    w->old_m[w->n] = old_m;
    w->new_m[w->n] = new_m;
    w->change[w->n] = change;
    return ++w->n == PLAN_BATCH ? plan_flush(w) : LX_OK;
}

lx_status pairing_save_plan(db *d, const principal *who, assign_layer layer, int64_t node_id,
                            const char *path, int rebalance, int64_t seq,
                            const pairing_problem *p, const assign_result *results,
                            const assign_stats *stats, int64_t *run_id)
{
    db_stmt *st = NULL;
    int row = 0;
    json_t *sj = stats_json(stats, p);
    char *stext = json_dumps(sj, JSON_COMPACT);
    lx_status rc = db_prepare(d, "INSERT INTO assign_runs (county_id, layer, node_id, path, rebalance,"
                       " status, base_seq, stats, created_by, created_at)"
                       " VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?) RETURNING id",
                    &st);
    if (rc)
        goto out;
    db_bind_int(st, 1, who->county_id);
    db_bind_text(st, 2, pairing_layer_name(layer));
    db_bind_int(st, 3, node_id);
    db_bind_text(st, 4, path);
    db_bind_int(st, 5, rebalance);
    db_bind_int(st, 6, seq);
    db_bind_text(st, 7, stext);
    db_bind_int(st, 8, who->user_id);
    db_bind_int(st, 9, lx_now());
    rc = db_step(st, &row);
    if (!rc && row)
        *run_id = db_col_int(st, 0);
    db_done(st);
    st = NULL;
    if (rc)
        goto out;
    /* Kept pairs are only counted; every other outcome is a row. */
    plan_writer *w = xmalloc(sizeof *w);
    w->d = d;
    w->run = *run_id;
    w->n = 0;
    for (size_t i = 0; !rc && i < p->nh; i++) {
        int64_t old_m = p->hh[i].current, new_m = results[i].member_id;
        const char *change = old_m == new_m ? (new_m ? NULL : "uncovered")
                             : !old_m       ? "added"
                             : !new_m       ? "dropped"
                                            : "moved";
        if (change)
            rc = plan_row(w, p->hh[i].id, old_m, new_m, change);
    }
    for (int64_t i = 0; !rc && i < p->unplaced; i++)
        rc = plan_row(w, p->unplaced_ids[i], 0, 0, "uncovered");
    if (!rc)
        rc = plan_flush(w);
    free(w);
out:
    free(stext);
    json_decref(sj);
    return rc;
}

/* The run's row, if the caller may see it. */
typedef struct run_row {
    int64_t id, node_id, rebalance, base_seq, created_at, applied_at;
    char layer[16], status[16], path[160];
    json_t *stats; /* owned */
} run_row;

static lx_status run_load(db *d, const principal *who, int64_t run_id, run_row *out)
{
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_NODES);
    lx_status rc = db_prepare(d, "SELECT id, layer, node_id, path, rebalance, status, base_seq,"
                                 " stats, created_at, coalesce(applied_at, 0) FROM assign_runs"
                                 " WHERE id = ? AND county_id = ?",
                              &st);
    memset(out, 0, sizeof *out);
    if (rc)
        return rc;
    db_bind_int(st, 1, run_id);
    db_bind_int(st, 2, who->county_id);
    rc = db_step(st, &row);
    if (!rc && row && scope_covers_path(&s, db_col_text(st, 3))) {
        out->id = db_col_int(st, 0);
        lx_strlcpy(out->layer, db_col_text(st, 1), sizeof out->layer);
        out->node_id = db_col_int(st, 2);
        lx_strlcpy(out->path, db_col_text(st, 3), sizeof out->path);
        out->rebalance = db_col_int(st, 4);
        lx_strlcpy(out->status, db_col_text(st, 5), sizeof out->status);
        out->base_seq = db_col_int(st, 6);
        out->stats = json_loads(db_col_text(st, 7) ? db_col_text(st, 7) : "{}", 0, NULL);
        out->created_at = db_col_int(st, 8);
        out->applied_at = db_col_int(st, 9);
    } else if (!rc) {
        rc = LX_ENOTFOUND;
    }
    db_done(st);
    return rc;
}

lx_status pairing_run_get(db *d, const principal *who, int64_t run_id, json_t **out)
{
    run_row r;
    char c[32], a[32];
    lx_status rc = run_load(d, who, run_id, &r);
    if (rc)
        return rc;
    lx_iso8601(r.created_at, c, sizeof c);
    lx_iso8601(r.applied_at, a, sizeof a);
    *out = json_pack("{s:I,s:s,s:I,s:b,s:s,s:s,s:s?,s:o}", "id", (json_int_t)r.id, "layer",
                     r.layer, "node_id", (json_int_t)r.node_id, "rebalance", (int)r.rebalance,
                     "status", r.status, "created_at", c, "applied_at",
                     r.applied_at ? a : NULL, "stats", r.stats ? r.stats : json_object());
    return LX_OK;
}

lx_status pairing_run_changes(db *d, const principal *who, int64_t run_id, const char *change,
                              int64_t after, int limit, json_t **items, int64_t *next)
{
    run_row r;
    db_stmt *st = NULL;
    int row = 0, n = 0;
    lx_status rc = run_load(d, who, run_id, &r);
    *items = json_array();
    *next = 0;
    if (rc)
        return rc;
    json_decref(r.stats);
    rc = db_prepare(d, "SELECT a.household_id, h.head_name, a.old_member, mo.name, a.new_member,"
                       " mn.name, a.change FROM assign_plan a"
                       " JOIN households h ON h.id = a.household_id"
                       " LEFT JOIN members mo ON mo.id = a.old_member"
                       " LEFT JOIN members mn ON mn.id = a.new_member"
                       " WHERE a.run_id = ? AND (? IS NULL OR a.change = ?) AND a.household_id > ?"
                       " ORDER BY a.household_id LIMIT ?",
                    &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, run_id);
    db_bind_text(st, 2, change);
    db_bind_text(st, 3, change);
    db_bind_int(st, 4, after);
    db_bind_int(st, 5, limit);
    while (!(rc = db_step(st, &row)) && row) {
        json_array_append_new(
            *items, json_pack("{s:I,s:s,s:o,s:o,s:s}", "household_id",
                              (json_int_t)db_col_int(st, 0), "head_name", db_col_text(st, 1),
                              "from",
                              db_col_is_null(st, 2)
                                  ? json_null()
                                  : json_pack("{s:I,s:s}", "member_id",
                                              (json_int_t)db_col_int(st, 2), "name",
                                              db_col_text(st, 3)),
                              "to",
                              db_col_is_null(st, 4)
                                  ? json_null()
                                  : json_pack("{s:I,s:s}", "member_id",
                                              (json_int_t)db_col_int(st, 4), "name",
                                              db_col_text(st, 5)),
                              "change", db_col_text(st, 6)));
        if (++n == limit)
            *next = db_col_int(st, 0);
    }
    db_done(st);
    return rc;
}

/* End the active pairing of a household in a layer (held by old_member). */
static lx_status end_active(db *d, int64_t household, const char *layer, int64_t old_member,
                            const char *reason, int64_t by, int64_t *changed)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, "UPDATE pairings SET ended_at = ?, end_reason = ?, ended_by = ?"
                                 " WHERE household_id = ? AND layer = ? AND member_id = ?"
                                 " AND ended_at IS NULL",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, lx_now());
    db_bind_text(st, 2, reason);
    db_bind_int(st, 3, by);
    db_bind_int(st, 4, household);
    db_bind_text(st, 5, layer);
    db_bind_int(st, 6, old_member);
    rc = db_run(st);
    *changed = rc ? 0 : db_changes(d);
    db_done(st);
    return rc;
}

static lx_status insert_pairing(db *d, int64_t county, const char *layer, int64_t member,
                                int64_t household, const char *source, int64_t run_id,
                                const char *reason, int64_t by, int64_t *id)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "INSERT INTO pairings (county_id, layer, member_id, household_id,"
                                 " started_at, source, run_id, reason, created_by)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county);
    db_bind_text(st, 2, layer);
    db_bind_int(st, 3, member);
    db_bind_int(st, 4, household);
    db_bind_int(st, 5, lx_now());
    db_bind_text(st, 6, source);
    if (run_id)
        db_bind_int(st, 7, run_id);
    else
        db_bind_null(st, 7);
    db_bind_text(st, 8, reason);
    db_bind_int(st, 9, by);
    rc = db_step(st, &row);
    if (!rc && row && id)
        *id = db_col_int(st, 0);
    db_done(st);
    return rc;
}

lx_status pairing_apply(db *d, const principal *who, const char *addr, int64_t run_id,
                        int64_t *applied, lx_error *e)
{
    run_row r;
    db_stmt *st = NULL;
    int row = 0;
    int64_t seq = 0, n = 0;
    char reason[48];
    lx_status rc = run_load(d, who, run_id, &r);
    *applied = 0;
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such run in your scope");
    if (rc)
        return rc;
    if (strcmp(r.status, "planned")) {
        rc = lx_fail(e, LX_ECONFLICT, "id", "this run was %s already", lx_word(r.status));
        goto out;
    }
    if ((rc = pairing_seq(d, who->county_id, &seq)))
        goto out;
    if (seq != r.base_seq) {
        rc = lx_fail(e, LX_ECONFLICT, "id",
                     "pairings changed since this run was planned; plan it again");
        goto out;
    }
    snprintf(reason, sizeof reason, "assignment run %lld", (long long)run_id);
    /* Set-based, in two statements (the old pairs end before the new ones
     * start: one active pairing per household and layer). The sequence check
     * above means nothing changed since the plan; the counts check it again. */
    int64_t want_end = 0, want_new = 0, now = lx_now();
    rc = db_prepare(d, "SELECT coalesce(sum(CASE WHEN change = 'added' THEN 0 ELSE 1 END), 0),"
                       " coalesce(sum(CASE WHEN change = 'dropped' THEN 0 ELSE 1 END), 0),"
                       " count(*) FROM assign_plan WHERE run_id = ?"
                       " AND change IN ('added', 'moved', 'dropped')",
                    &st);
    if (rc)
        goto out;
    db_bind_int(st, 1, run_id);
    rc = db_step(st, &row);
    if (!rc && row) {
        want_end = db_col_int(st, 0); /* moved and dropped: their old pairs end */
        want_new = db_col_int(st, 1); /* added and moved: new pairs */
        n = db_col_int(st, 2);
    }
    db_done(st);
    if (rc)
        goto out;
    if (want_end) {
        rc = db_prepare(d, "UPDATE pairings SET ended_at = ?, end_reason = ?, ended_by = ?"
                           " WHERE layer = ? AND ended_at IS NULL AND household_id IN"
                           " (SELECT household_id FROM assign_plan WHERE run_id = ?"
                           "  AND change IN ('moved', 'dropped'))"
                           " AND member_id = (SELECT a.old_member FROM assign_plan a"
                           "  WHERE a.run_id = ? AND a.household_id = pairings.household_id)",
                        &st);
        if (rc)
            goto out;
        db_bind_int(st, 1, now);
        db_bind_text(st, 2, reason);
        db_bind_int(st, 3, who->user_id);
        db_bind_text(st, 4, r.layer);
        db_bind_int(st, 5, run_id);
        db_bind_int(st, 6, run_id);
        rc = db_run(st);
        if (!rc && db_changes(d) != want_end)
            rc = lx_fail(e, LX_ECONFLICT, "id", "pairings changed since this run was planned;"
                                                " plan it again");
        db_done(st);
        if (rc)
            goto out;
    }
    if (want_new) {
        rc = db_prepare(d, "INSERT INTO pairings (county_id, layer, member_id, household_id,"
                           " started_at, source, run_id, reason, created_by)"
                           " SELECT ?, ?, new_member, household_id, ?, 'auto', run_id, ?, ?"
                           " FROM assign_plan WHERE run_id = ? AND change IN ('added', 'moved')"
                           " ORDER BY household_id",
                        &st);
        if (rc)
            goto out;
        db_bind_int(st, 1, who->county_id);
        db_bind_text(st, 2, r.layer);
        db_bind_int(st, 3, now);
        db_bind_text(st, 4, reason);
        db_bind_int(st, 5, who->user_id);
        db_bind_int(st, 6, run_id);
        rc = db_run(st);
        if (!rc && db_changes(d) != want_new)
            rc = LX_ECONFLICT;
        db_done(st);
        if (rc == LX_ECONFLICT && !e->code)
            rc = lx_fail(e, LX_ECONFLICT, "id",
                         "a household of this run was paired meanwhile; plan it again");
        if (rc)
            goto out;
    }
    rc = db_prepare(d, "UPDATE assign_runs SET status = 'applied', applied_at = ? WHERE id = ?",
                    &st);
    if (!rc) {
        db_bind_int(st, 1, lx_now());
        db_bind_int(st, 2, run_id);
        rc = db_run(st);
        db_done(st);
    }
    if (!rc)
        rc = pairing_seq_bump(d, who->county_id);
    if (!rc) {
        char *detail = json_dumps(r.stats, JSON_COMPACT);
        char object[48];
        snprintf(object, sizeof object, "assign_runs/%lld", (long long)run_id);
        audit_rec ar = {who, addr, "assignments.apply", object, "ok", detail};
        rc = audit_append(d, &ar);
        free(detail);
    }
    *applied = n;
out:
    json_decref(r.stats);
    return rc;
}

/* A member as pairing needs it. */
typedef struct member_row {
    int64_t id, unit_id, liaison_quota, assist_quota; /* quotas: -1 when not their own */
    int active;
    char rank[24], path[160], name[64];
} member_row;

static lx_status member_load(db *d, int64_t county, int64_t id, member_row *m)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT id, coalesce(unit_id, 0), coalesce(liaison_quota, -1),"
                                 " coalesce(assist_quota, -1), active, rank, path, name"
                                 " FROM members WHERE id = ? AND county_id = ?",
                              &st);
    memset(m, 0, sizeof *m);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, county);
    rc = db_step(st, &row);
    if (!rc && row) {
        m->id = db_col_int(st, 0);
        m->unit_id = db_col_int(st, 1);
        m->liaison_quota = db_col_int(st, 2);
        m->assist_quota = db_col_int(st, 3);
        m->active = (int)db_col_int(st, 4);
        lx_strlcpy(m->rank, db_col_text(st, 5), sizeof m->rank);
        lx_strlcpy(m->path, db_col_text(st, 6), sizeof m->path);
        lx_strlcpy(m->name, db_col_text(st, 7), sizeof m->name);
    } else if (!rc) {
        rc = LX_ENOTFOUND;
    }
    db_done(st);
    return rc;
}


/* The household's path, if it is active and in the actor's scope. */
static lx_status household_path(db *d, const principal *who, int64_t id, char *path, size_t len)
{
    scope s = scope_for(who, RES_HOUSEHOLDS);
    record *h = NULL;
    arena *a = arena_new();
    lx_status rc = registry_get(d, a, &reg_households, &s, id, &h);
    if (!rc && !h->active)
        rc = LX_ENOTFOUND;
    if (!rc)
        lx_strlcpy(path, h->path, len);
    arena_free(a);
    return rc;
}

static lx_status audit_pairing(db *d, const principal *who, const char *addr, const char *action,
                               int64_t id, json_t *detail)
{
    char object[48];
    char *text = json_dumps(detail, JSON_COMPACT);
    snprintf(object, sizeof object, "pairings/%lld", (long long)id);
    audit_rec ar = {who, addr, action, object, "ok", text};
    lx_status rc = audit_append(d, &ar);
    free(text);
    json_decref(detail);
    return rc;
}

lx_status pairing_create(db *d, const principal *who, const char *addr, assign_layer layer,
                         int64_t household_id, int64_t member_id, const char *reason,
                         int64_t *id, lx_error *e)
{
    char hpath[160];
    member_row m;
    int64_t n = 0, quota;
    const char *lname = pairing_layer_name(layer);
    lx_status rc = household_path(d, who, household_id, hpath, sizeof hpath);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, LX_ENOTFOUND, "household_id", "no such household in your scope");
    if (rc)
        return rc;
    rc = member_load(d, who->county_id, member_id, &m);
    if (rc == LX_ENOTFOUND || (!rc && !m.active))
        return lx_fail(e, LX_EINVAL, "member_id", "no such active member in the county");
    if (rc)
        return rc;
    if (layer == ASSIGN_LIAISON) {
        /* Liaison stays inside the member's own village (seeds 002, 003). */
        if (!village_of(m.path) || village_of(m.path) != village_of(hpath))
            return lx_fail(e, LX_EINVAL, "member_id",
                           "a liaison member must live in the household's village");
        quota = m.liaison_quota >= 0 ? m.liaison_quota
                                     : policy_get(d, who->county_id, "liaison.quota");
    } else {
        if (!pairing_rank_level(m.rank) || !m.unit_id)
            return lx_fail(e, LX_EINVAL, "member_id", "assistance is given by a unit's cadres");
        rc = store_scalar(d, "SELECT count(*) FROM unit_villages WHERE unit_id = ? AND node_id = ?"
                         " AND ended_at IS NULL",
                      m.unit_id, village_of(hpath), NULL, &n);
        if (rc)
            return rc;
        if (!n)
            return lx_fail(e, LX_EINVAL, "member_id",
                           "the member's unit is not paired with the household's village");
        quota = m.assist_quota >= 0 ? m.assist_quota : rank_quota(d, who->county_id, m.rank);
    }
    rc = store_scalar(d, "SELECT count(*) FROM pairings WHERE household_id = ? AND county_id = ?"
                     " AND layer = ? AND ended_at IS NULL",
                  household_id, who->county_id, lname, &n);
    if (rc)
        return rc;
    if (n)
        return lx_fail(e, LX_ECONFLICT, "household_id",
                       "the household already has a %s member; end that pairing first",
                       lx_word(lname));
    rc = store_scalar(d, "SELECT count(*) FROM pairings WHERE member_id = ? AND county_id = ?"
                     " AND layer = ? AND ended_at IS NULL",
                  member_id, who->county_id, lname, &n);
    if (rc)
        return rc;
    if (n >= quota)
        return lx_fail(e, LX_ECONFLICT, "member_id",
                       "the member already has %lld households (quota %lld)", (long long)n,
                       (long long)quota);
    rc = insert_pairing(d, who->county_id, lname, member_id, household_id, "manual", 0, reason,
                        who->user_id, id);
    if (rc == LX_ECONFLICT)
        return lx_fail(e, rc, "household_id", "the household was paired meanwhile");
    if (!rc)
        rc = pairing_seq_bump(d, who->county_id);
    if (!rc)
        rc = audit_pairing(d, who, addr, "pairings.create", *id,
                           json_pack("{s:s,s:I,s:I,s:s}", "layer", lname, "household_id",
                                     (json_int_t)household_id, "member_id",
                                     (json_int_t)member_id, "reason", reason));
    return rc;
}

lx_status pairing_end(db *d, const principal *who, const char *addr, int64_t pairing_id,
                      const char *reason, lx_error *e)
{
    db_stmt *st = NULL;
    int row = 0;
    int64_t household = 0, member = 0, ended = 0, open = 0, changed = 0;
    char layer[16] = "", hpath[160];
    lx_status rc = db_prepare(d, "SELECT household_id, member_id, layer, ended_at IS NOT NULL"
                                 " FROM pairings WHERE id = ? AND county_id = ?",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, pairing_id);
    db_bind_int(st, 2, who->county_id);
    rc = db_step(st, &row);
    if (!rc && row) {
        household = db_col_int(st, 0);
        member = db_col_int(st, 1);
        lx_strlcpy(layer, db_col_text(st, 2), sizeof layer);
        ended = db_col_int(st, 3);
    }
    db_done(st);
    if (rc)
        return rc;
    if (!row || household_path(d, who, household, hpath, sizeof hpath) != LX_OK)
        return lx_fail(e, LX_ENOTFOUND, "id", "no such pairing in your scope");
    if (ended)
        return lx_fail(e, LX_ECONFLICT, "id", "this pairing has ended already");
    if (!strcmp(layer, "assistance")) {
        rc = store_scalar(d, "SELECT count(*) FROM assistance_tasks WHERE pairing_id = ?"
                         " AND county_id = ? AND status = 'open'",
                      pairing_id, who->county_id, NULL, &open);
        if (rc)
            return rc;
        /* Seed 003: 规定完不成者，不得撤出村. */
        if (open)
            return lx_fail(e, LX_ECONFLICT, "id",
                           "%lld assistance tasks are still open; finish them first",
                           (long long)open);
    }
    rc = end_active(d, household, layer, member, reason, who->user_id, &changed);
    if (!rc && changed != 1)
        rc = lx_fail(e, LX_ECONFLICT, "id", "this pairing changed meanwhile");
    if (!rc)
        rc = pairing_seq_bump(d, who->county_id);
    if (!rc)
        rc = audit_pairing(d, who, addr, "pairings.end", pairing_id,
                           json_pack("{s:s,s:I,s:I,s:s}", "layer", layer, "household_id",
                                     (json_int_t)household, "member_id", (json_int_t)member,
                                     "reason", reason));
    return rc;
}

/* pairing_list, or with only_id the one pairing of that id. */
static lx_status list_rows(db *d, const principal *who, int64_t only_id, int64_t household_id,
                           int64_t member_id, int64_t node_id, const char *layer, int active,
                           int64_t after, int limit, json_t **items, int64_t *next)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0, n = 0;
    scope s = scope_for(who, RES_HOUSEHOLDS);
    char ts[32], te[32], under[160] = "";
    lx_status rc;
    *items = json_array();
    *next = 0;
    if (node_id) {
        /* at or under the place; a place of another county matches nothing */
        rc = registry_node_path(d, who->county_id, node_id, under, sizeof under);
        if (rc)
            return rc == LX_ENOTFOUND ? LX_OK : rc;
    }
    qb_init(&q);
    qb_sql(&q, "SELECT p.id, p.layer, p.household_id, t.head_name, p.member_id, m.name,"
               " p.source, p.reason, p.started_at, p.ended_at, p.end_reason"
               " FROM pairings p JOIN households t ON t.id = p.household_id"
               " JOIN members m ON m.id = p.member_id WHERE p.id > ?");
    qb_int(&q, after);
    qb_scope(&q, &s, RES_HOUSEHOLDS, "t");
    if (only_id) {
        qb_sql(&q, " AND p.id = ?");
        qb_int(&q, only_id);
    }
    if (household_id) {
        qb_sql(&q, " AND p.household_id = ?");
        qb_int(&q, household_id);
    }
    if (member_id) {
        qb_sql(&q, " AND p.member_id = ?");
        qb_int(&q, member_id);
    }
    if (*under)
        qb_prefix(&q, "t.path", under);
    if (layer) {
        qb_sql(&q, " AND p.layer = ?");
        qb_text(&q, layer);
    }
    if (active >= 0)
        qb_sql(&q, active ? " AND p.ended_at IS NULL" : " AND p.ended_at IS NOT NULL");
    qb_sql(&q, " ORDER BY p.id LIMIT ?");
    qb_int(&q, limit);
    rc = qb_prepare(&q, d, &st);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        lx_iso8601(db_col_int(st, 8), ts, sizeof ts);
        if (!db_col_is_null(st, 9))
            lx_iso8601(db_col_int(st, 9), te, sizeof te);
        json_array_append_new(
            *items,
            json_pack("{s:I,s:s,s:I,s:s,s:I,s:s,s:s,s:s?,s:s,s:s?,s:s?}", "id",
                      (json_int_t)db_col_int(st, 0), "layer", db_col_text(st, 1), "household_id",
                      (json_int_t)db_col_int(st, 2), "head_name", db_col_text(st, 3),
                      "member_id", (json_int_t)db_col_int(st, 4), "member_name",
                      db_col_text(st, 5), "source", db_col_text(st, 6), "reason",
                      db_col_text(st, 7), "started_at", ts, "ended_at",
                      db_col_is_null(st, 9) ? NULL : te, "end_reason", db_col_text(st, 10)));
        if (++n == limit)
            *next = db_col_int(st, 0);
    }
    db_done(st);
    qb_release(&q);
    return rc;
}

lx_status pairing_list(db *d, const principal *who, int64_t household_id, int64_t member_id,
                       int64_t node_id, const char *layer, int active, int64_t after, int limit,
                       json_t **items, int64_t *next)
{
    return list_rows(d, who, 0, household_id, member_id, node_id, layer, active, after, limit,
                     items, next);
}

lx_status pairing_get(db *d, const principal *who, int64_t id, json_t **out)
{
    json_t *items = NULL;
    int64_t next = 0;
    *out = NULL;
    if (id <= 0)
        return LX_ENOTFOUND; /* 0 would mean "any" below */
    lx_status rc = list_rows(d, who, id, 0, 0, 0, NULL, -1, 0, 1, &items, &next);
    if (!rc && json_array_size(items) == 1)
        *out = json_incref(json_array_get(items, 0));
    else if (!rc)
        rc = LX_ENOTFOUND;
    json_decref(items);
    return rc;
}

/* Runs being planned now, by county and path: two runs over overlapping
 * subtrees are not planned at once. */
#define MAX_RUNNING 16
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    int64_t county;     /* 0 when the slot is free */
    char path[160];     /* the subtree */
} running[MAX_RUNNING];

static int overlaps(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return !strncmp(a, b, la < lb ? la : lb);
}

static int run_enter(int64_t county, const char *path)
{
    int slot = -1;
    pthread_mutex_lock(&running_lock);
    for (int i = 0; i < MAX_RUNNING; i++)
        if (running[i].county == county && overlaps(running[i].path, path)) {
            pthread_mutex_unlock(&running_lock);
            return -1;
        }
    for (int i = 0; i < MAX_RUNNING && slot < 0; i++)
        if (!running[i].county)
            slot = i;
    if (slot >= 0) {
        running[slot].county = county;
        snprintf(running[slot].path, sizeof running[slot].path, "%s", path);
    }
    pthread_mutex_unlock(&running_lock);
    return slot;
}

static void run_leave(int slot)
{
    pthread_mutex_lock(&running_lock);
    running[slot].county = 0;
    pthread_mutex_unlock(&running_lock);
}

assign_weights pairing_weights(db *d, int64_t county_id)
{
    assign_weights w = {policy_get(d, county_id, "assign.weight.distance"),
                        policy_get(d, county_id, "assign.weight.rank"),
                        policy_get(d, county_id, "assign.weight.skill"),
                        policy_get(d, county_id, "assign.weight.keep")};
    return w;
}

lx_status pairing_plan(db *d, const principal *who, assign_layer layer, int64_t node_id,
                       const char *path, int rebalance, int threads, int64_t *run_id,
                       lx_error *e)
{
    pairing_problem p;
    assign_result *res = NULL;
    assign_stats stats;
    int64_t seq = 0;
    lx_status rc;
    int slot = run_enter(who->county_id, path);
    if (slot < 0)
        return lx_fail(e, LX_ECONFLICT, "node_id",
                       "another run over this place or part of it is being planned; wait for it");
    memset(&p, 0, sizeof p);
    assign_weights w = pairing_weights(d, who->county_id);
    /* One snapshot: the problem and the sequence number it was read at. */
    rc = db_begin_read(d);
    if (!rc)
        rc = pairing_seq(d, who->county_id, &seq);
    if (!rc)
        rc = pairing_load(d, who->county_id, path, layer, rebalance, &p);
    db_rollback(d);
    if (rc)
        goto out;
    res = xcalloc(p.nh + 1, sizeof *res);
    rc = assign_solve(layer, p.hh, p.nh, p.mm, p.nm, &w, rebalance, threads, res, &stats);
    if (rc)
        goto out;
    rc = db_begin(d);
    if (!rc)
        rc = pairing_save_plan(d, who, layer, node_id, path, rebalance, seq, &p, res, &stats,
                               run_id);
    if (!rc)
        rc = db_commit(d);
    else
        db_rollback(d);
out:
    free(res);
    pairing_problem_release(&p);
    run_leave(slot);
    return rc;
}
