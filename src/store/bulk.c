/* bulk.c -- loading a generated demo county into the database in one transaction. */
#include "store/bulk.h"
#include "core/demo.h"
#include "core/vocab.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/zh.h"

#include <stdio.h>
#include <string.h>

/* The same columns, values and search keys as registry_create writes for
 * each resource (see registry.c: bind_value, and the node path fix-up). */
static const char sql_county[] =
    "INSERT INTO counties (name, created_at) VALUES (?, ?) RETURNING id";
static const char sql_node[] =
    "INSERT INTO nodes (county_id, path, active, created_at, updated_at, parent_id, level, kind,"
    " name, name_key, code) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_node_path[] = "UPDATE nodes SET path = ? WHERE id = ?";
static const char sql_unit[] =
    "INSERT INTO units (county_id, path, active, created_at, updated_at, node_id, name, name_key,"
    " kind) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_org[] =
    "INSERT INTO orgs (county_id, path, active, created_at, updated_at, node_id, parent_org_id,"
    " kind, basis, name, name_key) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_org_leader[] = "UPDATE orgs SET leader_member_id = ? WHERE id = ?";
/* The secretary of a village's or a township's organisation is the person the
 * cards and the resident page give to call there. */
static const char sql_node_contact[] =
    "UPDATE nodes SET contact_name = ?, contact_phone_enc = ?, contact_phone_h = ?"
    " WHERE id = (SELECT node_id FROM orgs WHERE id = ?) AND level IN (2, 3)"
    " AND contact_name IS NULL";
static const char sql_member[] =
    "INSERT INTO members (county_id, path, active, created_at, updated_at, node_id, unit_id,"
    " org_id, name, name_key, gender, phone_enc, phone_h, rank, category, skills)"
    " VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_household[] =
    "INSERT INTO households (county_id, path, active, created_at, updated_at, node_id,"
    " address_enc, address_h, head_name, head_key, difficulty, tags, needs)"
    " VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_resident[] =
    "INSERT INTO residents (county_id, path, active, created_at, updated_at, household_id, name,"
    " name_key, gender, birth_date, idno_enc, idno_h, phone_enc, phone_h, relation)"
    " VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* ---- demo ids to database ids ---- */

typedef struct idmap {
    int64_t *id; /* database id by demo id (index 0 unused) */
    char **path; /* nodes: materialised path by demo id (owned), else NULL */
    int64_t cap; /* slots */
} idmap;

static void idmap_put(idmap *m, int64_t demo_id, int64_t id, char *path)
{
    if (demo_id >= m->cap) {
        int64_t cap = m->cap ? m->cap : 1024;
        while (cap <= demo_id)
            cap *= 2;
        m->id = xrealloc(m->id, (size_t)cap * sizeof *m->id);
        m->path = xrealloc(m->path, (size_t)cap * sizeof *m->path);
        memset(m->id + m->cap, 0, (size_t)(cap - m->cap) * sizeof *m->id);
        memset(m->path + m->cap, 0, (size_t)(cap - m->cap) * sizeof *m->path);
        m->cap = cap;
    }
    m->id[demo_id] = id;
    m->path[demo_id] = path;
}

/* The database id of demo id k, 0 if unknown (or k is 0). */
static int64_t idmap_get(const idmap *m, int64_t k)
{
    return k > 0 && k < m->cap ? m->id[k] : 0;
}

static const char *idmap_path(const idmap *m, int64_t k)
{
    return k > 0 && k < m->cap ? m->path[k] : NULL;
}

static void idmap_release(idmap *m)
{
    for (int64_t i = 0; i < m->cap; i++)
        free(m->path[i]);
    free(m->id);
    free(m->path);
    memset(m, 0, sizeof *m);
}

/* ---- the loader: the generator's sink ---- */

typedef struct loader {
    db *d;                    /* the connection, inside our transaction */
    int64_t now;              /* created_at and updated_at of every row */
    int64_t county_id;        /* the counties row */
    idmap nodes, units, orgs; /* demo ids to rows */
    int64_t hh_demo;          /* demo id of the household being written */
    int64_t hh_id;            /* its row id */
    const char *hh_path;      /* its path (borrowed from nodes) */
    zh_cache keys;            /* search keys (OpenCC once per distinct name) */
    bulk_stats st;            /* counts */
} loader;

/* Bind a personal value at i (sealed) and i+1 (lookup hash), or NULLs. */
static void bind_pii(db_stmt *st, int i, const char *kind, const char *plain)
{
    size_t n = 0;
    unsigned char h[PII_HASH_LEN], *sealed;
    if (!plain) {
        db_bind_null(st, i);
        db_bind_null(st, i + 1);
        return;
    }
    sealed = pii_seal(kind, plain, &n);
    db_bind_blob(st, i, sealed, n);
    free(sealed);
    pii_hash(kind, plain, h);
    db_bind_blob(st, i + 1, h, PII_HASH_LEN);
}

/* Bind an id at i, or NULL for 0. */
static void bind_ref(db_stmt *st, int i, int64_t id)
{
    if (id > 0)
        db_bind_int(st, i, id);
    else
        db_bind_null(st, i);
}

/* Bind the first four columns every registry row starts with. */
static void bind_common(const loader *L, db_stmt *st, const char *path)
{
    db_bind_int(st, 1, L->county_id);
    db_bind_text(st, 2, path);
    db_bind_int(st, 3, L->now);
    db_bind_int(st, 4, L->now);
}

/* Step an INSERT ... RETURNING id and release it. */
static lx_status insert_returning(db_stmt *st, int64_t *id)
{
    int row = 0;
    lx_status rc = db_step(st, &row);
    if (!rc && !row)
        rc = LX_EIO;
    if (!rc)
        *id = db_col_int(st, 0);
    db_done(st);
    return rc;
}

/* The node a record hangs on must already be written. */
static lx_status node_of(const loader *L, int64_t demo_id, int64_t *id, const char **path)
{
    *id = idmap_get(&L->nodes, demo_id);
    *path = idmap_path(&L->nodes, demo_id);
    if (!*id || !*path) {
        log_error("demo load: a record refers to node %lld before it was written",
                  (long long)demo_id);
        return LX_EIO;
    }
    return LX_OK;
}

static lx_status create_county(loader *L, const char *name)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(L->d, sql_county, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_int(st, 2, L->now);
    return insert_returning(st, &L->county_id);
}

static lx_status on_node(void *ctx, const demo_node *n)
{
    loader *L = ctx;
    db_stmt *st = NULL;
    int64_t parent = 0, id = 0;
    const char *ppath = "/";
    char *path = NULL;
    lx_status rc = LX_OK;

    if (n->parent_id == 0) {
        if (L->county_id) {
            log_error("demo load: a second county node");
            return LX_EIO;
        }
        rc = create_county(L, n->name);
    } else {
        rc = node_of(L, n->parent_id, &parent, &ppath);
    }
    if (rc)
        return rc;
    /* As registry_create: inserted with the parent's path, then given its own. */
    rc = db_prepare(L->d, sql_node, &st);
    if (rc)
        return rc;
    bind_common(L, st, ppath);
    bind_ref(st, 5, parent);
    db_bind_int(st, 6, n->level);
    db_bind_text(st, 7, vocab_code(&vocab_node_kind, n->kind));
    db_bind_text(st, 8, n->name);
    db_bind_text(st, 9, zh_cache_key(&L->keys, n->name));
    db_bind_text(st, 10, n->code);
    rc = insert_returning(st, &id);
    if (rc)
        return rc;
    size_t len = strlen(ppath) + 24;
    path = xmalloc(len);
    snprintf(path, len, "%s%lld/", ppath, (long long)id);
    rc = db_prepare(L->d, sql_node_path, &st);
    if (rc) {
        free(path);
        return rc;
    }
    db_bind_text(st, 1, path);
    db_bind_int(st, 2, id);
    rc = db_run(st);
    db_done(st);
    idmap_put(&L->nodes, n->id, id, path);
    if (!rc && n->parent_id == 0)
        L->st.root_node_id = id;
    L->st.nodes++;
    return rc;
}

static lx_status on_unit(void *ctx, const demo_unit *u)
{
    loader *L = ctx;
    db_stmt *st = NULL;
    int64_t node = 0, id = 0;
    const char *path = NULL;
    lx_status rc = node_of(L, u->node_id, &node, &path);
    if (!rc)
        rc = db_prepare(L->d, sql_unit, &st);
    if (rc)
        return rc;
    bind_common(L, st, path);
    db_bind_int(st, 5, node);
    db_bind_text(st, 6, u->name);
    db_bind_text(st, 7, zh_cache_key(&L->keys, u->name));
    db_bind_text(st, 8, vocab_code(&vocab_unit_kind, u->kind));
    rc = insert_returning(st, &id);
    if (!rc) {
        idmap_put(&L->units, u->id, id, NULL);
        L->st.units++;
    }
    return rc;
}

static lx_status on_org(void *ctx, const demo_org *o)
{
    loader *L = ctx;
    db_stmt *st = NULL;
    int64_t node = 0, id = 0;
    const char *path = NULL;
    lx_status rc = node_of(L, o->node_id, &node, &path);
    if (!rc)
        rc = db_prepare(L->d, sql_org, &st);
    if (rc)
        return rc;
    bind_common(L, st, path);
    db_bind_int(st, 5, node);
    bind_ref(st, 6, idmap_get(&L->orgs, o->parent_org_id));
    db_bind_text(st, 7, vocab_code(&vocab_org_kind, o->kind));
    db_bind_text(st, 8, o->basis >= 0 ? vocab_code(&vocab_org_basis, o->basis) : NULL);
    db_bind_text(st, 9, o->name);
    db_bind_text(st, 10, zh_cache_key(&L->keys, o->name));
    rc = insert_returning(st, &id);
    if (!rc) {
        idmap_put(&L->orgs, o->id, id, NULL);
        L->st.orgs++;
    }
    return rc;
}

static lx_status on_member(void *ctx, const demo_member *m)
{
    loader *L = ctx;
    db_stmt *st = NULL;
    int64_t node = 0, id = 0, org = idmap_get(&L->orgs, m->leads_org_id);
    const char *path = NULL;
    lx_status rc = node_of(L, m->node_id, &node, &path);
    if (!rc)
        rc = db_prepare(L->d, sql_member, &st);
    if (rc)
        return rc;
    bind_common(L, st, path);
    db_bind_int(st, 5, node);
    bind_ref(st, 6, idmap_get(&L->units, m->unit_id));
    bind_ref(st, 7, idmap_get(&L->orgs, m->org_id));
    db_bind_text(st, 8, m->name);
    db_bind_text(st, 9, zh_cache_key(&L->keys, m->name));
    db_bind_text(st, 10, vocab_code(&vocab_gender, m->gender));
    bind_pii(st, 11, "phone", m->phone);
    db_bind_text(st, 13, vocab_code(&vocab_rank, m->rank));
    db_bind_text(st, 14, vocab_code(&vocab_category, m->category));
    db_bind_int(st, 15, m->skills);
    rc = insert_returning(st, &id);
    if (rc)
        return rc;
    L->st.members++;
    if (org) {
        rc = db_prepare(L->d, sql_org_leader, &st);
        if (rc)
            return rc;
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, org);
        rc = db_run(st);
        db_done(st);
        if (!rc)
            rc = db_prepare(L->d, sql_node_contact, &st);
        if (rc)
            return rc;
        db_bind_text(st, 1, m->name);
        bind_pii(st, 2, "phone", m->phone);
        db_bind_int(st, 4, org);
        rc = db_run(st);
        db_done(st);
    }
    return rc;
}

static lx_status on_household(void *ctx, const demo_household *h)
{
    loader *L = ctx;
    db_stmt *st = NULL;
    int64_t node = 0;
    const char *path = NULL;
    lx_status rc = node_of(L, h->node_id, &node, &path);
    if (!rc)
        rc = db_prepare(L->d, sql_household, &st);
    if (rc)
        return rc;
    bind_common(L, st, path);
    db_bind_int(st, 5, node);
    bind_pii(st, 6, "addr", h->address);
    db_bind_text(st, 8, h->head_name);
    db_bind_text(st, 9, zh_cache_key(&L->keys, h->head_name));
    db_bind_text(st, 10, vocab_code(&vocab_difficulty, h->difficulty));
    db_bind_int(st, 11, h->tags);
    db_bind_int(st, 12, h->needs);
    rc = insert_returning(st, &L->hh_id);
    if (rc)
        return rc;
    L->hh_demo = h->id;
    L->hh_path = path;
    L->st.households++;
    return LX_OK;
}

static lx_status on_resident(void *ctx, const demo_resident *r)
{
    loader *L = ctx;
    db_stmt *st = NULL;
    lx_status rc;
    if (r->household_id != L->hh_demo) {
        log_error("demo load: a resident does not follow its household");
        return LX_EIO;
    }
    rc = db_prepare(L->d, sql_resident, &st);
    if (rc)
        return rc;
    bind_common(L, st, L->hh_path);
    db_bind_int(st, 5, L->hh_id);
    db_bind_text(st, 6, r->name);
    db_bind_text(st, 7, zh_cache_key(&L->keys, r->name));
    db_bind_text(st, 8, vocab_code(&vocab_gender, r->gender));
    db_bind_text(st, 9, r->birth_date);
    bind_pii(st, 10, "idno", r->idno);
    bind_pii(st, 12, "phone", r->phone);
    db_bind_text(st, 14, vocab_code(&vocab_relation, r->relation));
    rc = db_run(st);
    db_done(st);
    if (!rc)
        L->st.residents++;
    return rc;
}

/* Share the villages out among the units, round robin in id order (seed 003:
 * the county's villages shared out among its units, the unit head leads),
 * so that the demo county can run the assistance layer. */
static lx_status pair_units_with_villages(loader *L)
{
    db_stmt *st = NULL;
    int row = 0;
    int64_t *units = NULL, *vills = NULL;
    char **paths = NULL;
    size_t nu = 0, nv = 0, capu = 0, capv = 0;
    lx_status rc = db_prepare(L->d, "SELECT id FROM units WHERE county_id = ? ORDER BY id", &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, L->county_id);
    while (!(rc = db_step(st, &row)) && row) {
        if (nu == capu)
            units = xrealloc(units, (capu = capu ? capu * 2 : 64) * sizeof *units);
        units[nu++] = db_col_int(st, 0);
    }
    db_done(st);
    if (!rc)
        rc = db_prepare(L->d, "SELECT id, path FROM nodes WHERE county_id = ? AND level = 3"
                              " ORDER BY id",
                        &st);
    if (!rc) {
        db_bind_int(st, 1, L->county_id);
        while (!(rc = db_step(st, &row)) && row) {
            if (nv == capv) {
                capv = capv ? capv * 2 : 64;
                vills = xrealloc(vills, capv * sizeof *vills);
                paths = xrealloc(paths, capv * sizeof *paths);
            }
            vills[nv] = db_col_int(st, 0);
            paths[nv++] = xstrdup(db_col_text(st, 1));
        }
        db_done(st);
    }
    if (!rc && nu)
        rc = db_prepare(L->d, "INSERT INTO unit_villages (county_id, unit_id, node_id, path,"
                              " reason, started_at) VALUES (?, ?, ?, ?, '示范数据', ?)",
                        &st);
    for (size_t i = 0; !rc && nu && i < nv; i++) {
        db_bind_int(st, 1, L->county_id);
        db_bind_int(st, 2, units[i % nu]);
        db_bind_int(st, 3, vills[i]);
        db_bind_text(st, 4, paths[i]);
        db_bind_int(st, 5, L->now);
        rc = db_run(st);
        db_reset(st);
    }
    if (nu)
        db_done(st);
    for (size_t i = 0; i < nv; i++)
        free(paths[i]);
    free(paths);
    free(units);
    free(vills);
    return rc;
}

lx_status bulk_demo(db *d, int64_t households, uint64_t seed, bulk_stats *stats)
{
    loader L;
    demo_sink sink = {&L, on_node, on_unit, on_org, on_member, on_household, on_resident};
    lx_status rc = LX_OK;
    int in_txn = 0;

    memset(&L, 0, sizeof L);
    L.d = d;
    L.now = lx_now();
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (households < DEMO_MIN_HOUSEHOLDS || households > DEMO_MAX_HOUSEHOLDS) {
        rc = LX_EINVAL;
        goto out;
    }
    rc = db_begin(d);
    if (rc)
        goto out;
    in_txn = 1;
    rc = demo_generate(households, seed, &sink);
    if (!rc)
        rc = pair_units_with_villages(&L);
    if (rc)
        goto out;
    rc = db_commit(d);
    in_txn = 0;
    if (!rc)
        rc = db_analyze(d); /* fresh statistics for the planner */
    if (rc)
        goto out;
    L.st.county_id = L.county_id;
    if (stats)
        *stats = L.st;
    log_info("demo county %lld loaded: %lld nodes, %lld units, %lld orgs, %lld members,"
             " %lld households, %lld residents",
             (long long)L.county_id, (long long)L.st.nodes, (long long)L.st.units,
             (long long)L.st.orgs, (long long)L.st.members, (long long)L.st.households,
             (long long)L.st.residents);
out:
    if (in_txn)
        db_rollback(d);
    if (rc == LX_ECONFLICT)
        log_error("demo load: an ID number of the demo is already registered"
                  " (was this seed loaded before?)");
    idmap_release(&L.nodes);
    idmap_release(&L.units);
    idmap_release(&L.orgs);
    zh_cache_release(&L.keys);
    return rc;
}
