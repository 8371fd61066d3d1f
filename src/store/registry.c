/* registry.c -- the SQL of every registry, built from its declared fields. */
#include "store/registry.h"
#include "core/idcard.h"
#include "core/phone.h"
#include "store/audit.h"
#include "store/query.h"
#include "util/crypto.h"
#include "util/msgcat.h"
#include "util/respcache.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/zh.h"

#include <pthread.h>
#include <string.h>

static int is_pii(ftype t)
{
    return t == FT_PHONE || t == FT_IDNO || t == FT_ADDRESS;
}

/* Associated data and hash domain of a personal field: "<table>.<field>". */
static const char *pii_kind(const resource *r, const field *f, char *buf, size_t len)
{
    (void)r;
    snprintf(buf, len, "%s", f->type == FT_PHONE ? "phone" : f->type == FT_IDNO ? "idno" : "addr");
    return buf;
}

/* "t.id, t.active, t.path, t.created_at, t.updated_at, <fields...>" */
static void select_cols(qb *q, const resource *r)
{
    qb_sql(q, "SELECT t.id, t.active, t.path, t.created_at, t.updated_at");
    for (int i = 0; i < r->nfields; i++)
        strbuf_addf(&q->sql, ", t.%s%s", r->fields[i].name,
                    is_pii(r->fields[i].type) ? "_enc" : "");
}

/* Load the current row of st (as selected by select_cols) into a new record. */
static record *load_row(db_stmt *st, arena *a, const resource *r)
{
    record *rec = record_new(a, r);
    char kind[16];
    rec->id = db_col_int(st, 0);
    rec->active = (int)db_col_int(st, 1);
    rec->path = arena_strdup(a, db_col_text(st, 2) ? db_col_text(st, 2) : "");
    rec->created_at = db_col_int(st, 3);
    rec->updated_at = db_col_int(st, 4);
    for (int i = 0; i < r->nfields; i++) {
        const field *f = &r->fields[i];
        rval *v = &rec->v[i];
        int c = 5 + i;
        v->set = 1;
        if (db_col_is_null(st, c)) {
            v->null = 1;
            continue;
        }
        switch (f->type) {
        case FT_INT:
        case FT_REF:
        case FT_MASK: v->i = db_col_int(st, c); break;
        case FT_ENUM: {
            int k = vocab_find(f->vocab, db_col_text(st, c));
            if (k < 0)
                v->null = 1;
            else
                v->i = k;
            break;
        }
        case FT_PHONE:
        case FT_IDNO:
        case FT_ADDRESS: {
            size_t n = 0;
            const void *b = db_col_blob(st, c, &n);
            char *plain = pii_open(pii_kind(r, f, kind, sizeof kind), b, n);
            if (plain) {
                v->s = arena_strdup(a, plain);
                free(plain);
            } else {
                v->s = "(unreadable)";
            }
            break;
        }
        default: v->s = arena_strdup(a, db_col_text(st, c)); break;
        }
    }
    return rec;
}

/* When a search can stop early: the page needs at most k ids after `after`,
 * and every filter of the outer query (county, the scope's path, active) is
 * repeated in each large branch, so the k smallest matches of the whole
 * union are among each branch's own k smallest. */
typedef struct search_bound {
    const char *path;  /* the scope's subtree */
    int64_t after;     /* the cursor */
    int k;             /* the page size + 1 */
    db *d;             /* for the counts that choose a branch's driver */
} search_bound;

/* How a large branch finds its k smallest ids. */
enum driver {
    BY_NAME,  /* few matches: off the name index, then sorted */
    BY_PLACE, /* a small scope: off the path index, names filtered, sorted */
    BY_ID,    /* many matches in a large scope: walk in id order until k are found */
};

/* Matches or scope rows beyond which a driver counts as large. The
 * environment variable LIANXIN_SEARCH_DRIVER_CAP lowers it, so that tests on
 * a small county can exercise every plan. */
static int64_t driver_cap(void)
{
    static int64_t cap;
    if (!cap) {
        const char *e = getenv("LIANXIN_SEARCH_DRIVER_CAP");
        long long v = e ? strtoll(e, NULL, 10) : 0;
        cap = v > 0 ? v : 5000;
    }
    return cap;
}
#define DRIVER_CAP driver_cap()

/* The counts that choose a plan, remembered for COUNT_TTL_MS: a common surname
 * or a township is searched again and again, and counting up to DRIVER_CAP
 * index entries costs more than the page itself. A stale count only makes a
 * plan slower, never the results different (so no generation: always 0). */
#define COUNT_CACHE_BYTES (64 * 1024)
#define COUNT_TTL_MS (60 * 1000)
static respcache *counts;
static pthread_once_t counts_once = PTHREAD_ONCE_INIT;

static void counts_new(void)
{
    counts = respcache_new(COUNT_CACHE_BYTES, COUNT_TTL_MS);
}

/* How many rows (up to DRIVER_CAP) of `table` have `col` starting with prefix. */
static int64_t count_upto(db *d, const char *table, const char *col, int64_t county,
                          const char *prefix)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    int64_t n = DRIVER_CAP, now_ms = (int64_t)(lx_mono() * 1000);
    char key[160];
    int kept = snprintf(key, sizeof key, "%s|%s|%lld|%s", table, col, (long long)county,
                        prefix) < (int)sizeof key; /* a longer prefix is not remembered */
    pthread_once(&counts_once, counts_new);
    if (kept && respcache_get(counts, key, 0, now_ms, NULL, &n))
        return n;
    qb_init(&q);
    strbuf_addf(&q.sql, "SELECT count(*) FROM (SELECT 1 FROM %s WHERE county_id = ?", table);
    qb_int(&q, county);
    qb_prefix(&q, col, prefix);
    qb_sql(&q, " LIMIT ?)");
    qb_int(&q, DRIVER_CAP);
    if (qb_prepare(&q, d, &st) == LX_OK && db_step(st, &row) == LX_OK && row) {
        n = db_col_int(st, 0);
        if (kept)
            respcache_put(counts, key, 0, now_ms, "", 0, n);
    }
    db_done(st);
    qb_release(&q);
    return n;
}

static enum driver choose(const search_bound *b, const char *table, const char *keycol,
                          int64_t county, const char *key)
{
    if (count_upto(b->d, table, keycol, county, key) < DRIVER_CAP)
        return BY_NAME;
    if (count_upto(b->d, table, "path", county, b->path) < DRIVER_CAP)
        return BY_PLACE;
    return BY_ID;
}

/* The name condition of a branch: an index range when the name drives,
 * otherwise a filter (an expression no index is chosen for). */
static void name_cond(qb *q, enum driver drv, const char *col, const char *key)
{
    char expr[80];
    qb_prefix(q, drv == BY_NAME ? col : db_unindexed(col, expr, sizeof expr), key);
}

/* Close a large branch: its bounds, then its order and limit. `idcol` is the
 * id it yields, `pathcol` the path of that household or record. */
static void bound_branch(qb *q, const search_bound *b, enum driver drv, const char *idcol,
                         const char *pathcol)
{
    char col[64];
    if (!b)
        return;
    qb_prefix(q, drv == BY_PLACE ? pathcol : db_unindexed(pathcol, col, sizeof col), b->path);
    /* "+ 0" sorts the matches instead of walking the table in id order. */
    strbuf_addf(&q->sql, " AND %s > ? ORDER BY %s%s LIMIT ?)", idcol, idcol,
                drv == BY_ID ? "" : " + 0");
    qb_int(q, b->after);
    qb_int(q, b->k);
}

/* Append the search condition as " AND t.id IN (<union of id sets>)", so
 * that each branch uses its own index: names by search-key prefix; for
 * households also their residents' names and the places they are under; a
 * text that is an ID number or a phone number matches exactly through its
 * keyed hash, and so does a whole address. With a bound, the branches that
 * can be large stop at the page's size. */
static void add_search(qb *q, const resource *r, int64_t county_id, const char *text,
                       const search_bound *b)
{
    char norm[32];
    unsigned char h[PII_HASH_LEN];
    const char *why = NULL;
    char *key = zh_key(text);
    const char *keycol = NULL;
    int branches = 0;
    for (int i = 0; i < r->nfields; i++)
        if (r->fields[i].key_col)
            keycol = r->fields[i].key_col;

#define UNION() qb_sql(q, branches++ ? " UNION " : "")
    qb_sql(q, " AND t.id IN (");
    if (keycol && *key) {
        UNION();
        enum driver drv = b ? choose(b, r->table, keycol, county_id, key) : BY_NAME;
        char col[64];
        snprintf(col, sizeof col, "b.%s", keycol);
        /* In an id-order walk every condition but the cursor is a filter. */
        strbuf_addf(&q->sql, "SELECT * FROM (SELECT b.id FROM %s b WHERE b.county_id%s = ?",
                    r->table, drv == BY_ID ? " + 0" : "");
        qb_int(q, county_id);
        name_cond(q, drv, col, key);
        if (b)
            qb_sql(q, " AND b.active = 1");
        bound_branch(q, b, drv, "b.id", "b.path");
        if (!b)
            qb_sql(q, ")");
    }
    if (r->kind == RES_HOUSEHOLDS && *key) {
        UNION();
        qb_sql(q, "SELECT * FROM (SELECT DISTINCT r.household_id FROM residents r");
        if (b)
            qb_sql(q, " JOIN households hb ON hb.id = r.household_id AND hb.active = 1");
        enum driver rdrv = b ? choose(b, "residents", "name_key", county_id, key) : BY_NAME;
        qb_sql(q, rdrv != BY_NAME ? " WHERE r.county_id + 0 = ? AND r.active = 1"
                                : " WHERE r.county_id = ? AND r.active = 1");
        qb_int(q, county_id);
        name_cond(q, rdrv, "r.name_key", key);
        bound_branch(q, b, rdrv, "r.household_id", "hb.path");
        if (!b)
            qb_sql(q, ")");
        UNION();
        qb_sql(q, "SELECT * FROM (SELECT DISTINCT hb.id FROM nodes n JOIN households hb"
                  " ON hb.county_id = n.county_id AND hb.path >= n.path"
                  " AND hb.path < n.path || '~' WHERE n.county_id = ?");
        qb_int(q, county_id);
        qb_prefix(q, "n.name_key", key);
        if (b)
            qb_sql(q, " AND hb.active = 1");
        bound_branch(q, b, BY_NAME, "hb.id", "hb.path");
        if (!b)
            qb_sql(q, ")");
    }
    if (idcard_normalize(text, norm) == 0 && idcard_check(norm, 99991231, &why) == LX_OK &&
        (r->kind == RES_RESIDENTS || r->kind == RES_HOUSEHOLDS)) {
        pii_hash("idno", norm, h);
        UNION();
        qb_sql(q, r->kind == RES_RESIDENTS ? "SELECT id FROM residents WHERE idno_h = ?"
                                           : "SELECT household_id FROM residents WHERE idno_h = ?");
        qb_blob_copy(q, h, PII_HASH_LEN);
    }
    if (phone_normalize(text, norm, sizeof norm) == 0 && phone_check(norm, &why) == LX_OK) {
        pii_hash("phone", norm, h);
        if (record_field(r, "phone") >= 0) {
            UNION();
            strbuf_addf(&q->sql, "SELECT id FROM %s WHERE phone_h = ?", r->table);
            qb_blob_copy(q, h, PII_HASH_LEN);
        }
        if (r->kind == RES_HOUSEHOLDS) {
            UNION();
            qb_sql(q, "SELECT household_id FROM residents WHERE phone_h = ?");
            qb_blob_copy(q, h, PII_HASH_LEN);
        }
    }
    if (r->kind == RES_HOUSEHOLDS && *text) {
        /* A whole address, exactly as registered (its keyed hash). */
        lx_error e;
        rval v;
        arena *tmp = arena_new();
        const field *f = &r->fields[record_field(r, "address")];
        if (record_parse_text(f, text, 99991231, tmp, &v, &e) == LX_OK && !v.null) {
            pii_hash("addr", v.s, h);
            UNION();
            qb_sql(q, "SELECT id FROM households WHERE address_h = ?");
            qb_blob_copy(q, h, PII_HASH_LEN);
        }
        arena_free(tmp);
    }
    if (!branches)
        qb_sql(q, "SELECT 0 WHERE 1 = 0");
    qb_sql(q, ")");
#undef UNION
    free(key);
}

lx_status registry_node_path(db *d, int64_t county_id, int64_t id, char *out, size_t len)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT path FROM nodes WHERE id = ? AND county_id = ?", &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, county_id);
    rc = db_step(st, &row);
    if (!rc && row)
        lx_strlcpy(out, db_col_text(st, 0), len);
    else if (!rc)
        rc = LX_ENOTFOUND;
    db_done(st);
    return rc;
}

lx_status registry_list(db *d, arena *a, const resource *r, const scope *s,
                        const list_query *lq, record ***items, int *n, int64_t *next)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0, limit = lq->limit > 0 && lq->limit <= LIST_MAX_LIMIT ? lq->limit : 50;
    lx_status rc;

    *items = arena_alloc(a, sizeof(record *) * (size_t)(limit + 1));
    *n = 0;
    *next = 0;
    /* Under a node: the narrower of its path and the scope's path is the one
     * range on the scope index (disjoint ones match nothing). */
    char under_path[256] = "", narrow[256];
    scope eff = *s;
    if (lq->under > 0) {
        rc = registry_node_path(d, s->county_id, lq->under, under_path, sizeof under_path);
        if (rc == LX_ENOTFOUND)
            return LX_OK; /* no such node: an empty page */
        if (rc)
            return rc;
        if (s->kind == SCOPE_SUBTREE) {
            if (!strncmp(under_path, s->path, strlen(s->path))) {
                lx_strlcpy(narrow, under_path, sizeof narrow);
                eff.path = narrow; /* the node is inside the scope */
            } else if (strncmp(s->path, under_path, strlen(under_path))) {
                return LX_OK; /* disjoint: nothing */
            }
            under_path[0] = '\0'; /* folded into the scope's range */
        }
    }
    int search = lq->q && *lq->q;
    /* A search and a list of ids come in id order, driven by their matches. */
    int by_id = search || lq->nids > 0;
    qb_init(&q);
    q.scope_as_filter = by_id;
    select_cols(&q, r);
    strbuf_addf(&q.sql, " FROM %s t WHERE 1 = 1", r->table);
    qb_scope(&q, &eff, r->kind, "t");
    q.scope_as_filter = 0;
    if (lq->active >= 0) {
        qb_sql(&q, " AND t.active = ?");
        qb_int(&q, lq->active);
    }
    if (under_path[0])
        qb_prefix(&q, "t.path", under_path);
    if (lq->nids > 0) {
        qb_sql(&q, " AND t.id IN (");
        for (int i = 0; i < lq->nids; i++) {
            qb_sql(&q, i ? ", ?" : "?");
            qb_int(&q, lq->ids[i]);
        }
        qb_sql(&q, ")");
    }
    for (int i = 0; i < lq->nfilter; i++) {
        const field *f = &r->fields[lq->filter[i].field];
        const rval *v = &lq->filter[i].v;
        if (v->null) {
            strbuf_addf(&q.sql, " AND t.%s IS NULL", f->name);
        } else if (f->type == FT_MASK) {
            strbuf_addf(&q.sql, " AND (t.%s & ?) = ?", f->name);
            qb_int(&q, v->i);
            qb_int(&q, v->i);
        } else if (f->type == FT_ENUM) {
            strbuf_addf(&q.sql, " AND t.%s = ?", f->name);
            qb_text(&q, vocab_code(f->vocab, (int)v->i));
        } else if (f->type == FT_INT || f->type == FT_REF) {
            strbuf_addf(&q.sql, " AND t.%s = ?", f->name);
            qb_int(&q, v->i);
        } else {
            strbuf_addf(&q.sql, " AND t.%s = ?", f->name);
            qb_text(&q, v->s);
        }
    }
    /* A search comes in id order, driven by its (usually small) set of
     * matches; a plain list in tree order (path, id), straight off the
     * scope index. The cursor is the last id either way. */
    if (search) {
        /* The branches can stop early when they can repeat every filter. */
        search_bound bound = {eff.path, lq->after > 0 ? lq->after : 0, limit + 1, d};
        int boundable = eff.kind == SCOPE_SUBTREE && lq->active == 1 && lq->nfilter == 0 &&
                        !under_path[0];
        add_search(&q, r, s->county_id, lq->q, boundable ? &bound : NULL);
    }
    if (lq->after > 0 && by_id) {
        qb_sql(&q, " AND t.id > ?");
        qb_int(&q, lq->after);
    } else if (lq->after > 0) {
        strbuf_addf(&q.sql, " AND (t.path, t.id) > (SELECT c.path, c.id FROM %s c WHERE c.id = ?)",
                    r->table);
        qb_int(&q, lq->after);
    }
    qb_sql(&q, by_id ? " ORDER BY t.id LIMIT ?" : " ORDER BY t.path, t.id LIMIT ?");
    qb_int(&q, limit + 1);
    rc = qb_prepare(&q, d, &st);
    if (rc)
        goto out;
    while (!(rc = db_step(st, &row)) && row) {
        if (*n == limit) {
            *next = (*items)[limit - 1]->id;
            break;
        }
        (*items)[(*n)++] = load_row(st, a, r);
    }
out:
    db_done(st);
    qb_release(&q);
    return rc;
}

lx_status registry_get(db *d, arena *a, const resource *r, const scope *s, int64_t id,
                       record **out)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc;
    *out = NULL;
    qb_init(&q);
    select_cols(&q, r);
    strbuf_addf(&q.sql, " FROM %s t WHERE t.id = ?", r->table);
    qb_int(&q, id);
    qb_scope(&q, s, r->kind, "t");
    rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row)
        *out = load_row(st, a, r);
    else if (!rc)
        rc = LX_ENOTFOUND;
    db_done(st);
    qb_release(&q);
    return rc;
}

/* ---- writes ---- */

/* Facts about a referenced row needed to place a record in the tree. */
typedef struct target {
    const char *path; /* its path */
    int64_t level;    /* nodes: its level */
} target;

/* Check a reference in the actor's scope of the target resource. */
static lx_status check_ref(db *d, arena *a, const principal *p, const field *f, int64_t id,
                           target *t, lx_error *e)
{
    const resource *tr = record_resource(f->ref);
    scope s = scope_for(p, f->ref);
    record *rec = NULL;
    /* Units, organisations and members may be referred to across the county
     * (a township's member works in a county department); places and
     * households must be inside the actor's own scope. */
    if (!(f->flags & (FF_NODE | FF_PARENT)) && f->ref != RES_NODES) {
        s.kind = SCOPE_SUBTREE;
        s.path = "/";
    }
    lx_status rc = registry_get(d, a, tr, &s, id, &rec);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, LX_EINVAL, f->name, "%s: no such %s in your scope", record_field_word(f),
                       lx_term(tr->name, tr->label));
    if (rc)
        return rc;
    if (!rec->active)
        return lx_fail(e, LX_EINVAL, f->name, "%s refers to a deactivated record",
                       record_field_word(f));
    if (t) {
        t->path = rec->path;
        t->level = 0;
        if (f->ref == RES_NODES)
            t->level = rec->v[record_field(tr, "level")].i;
    }
    return LX_OK;
}

/* Bind value v of field f at the next parameters of q, as the store keeps it:
 * personal values as sealed text plus lookup hash, search keys alongside. */
static void bind_value(qb *q, const resource *r, const field *f, const rval *v, zh_cache *keys)
{
    char kind[16];
    if (is_pii(f->type)) {
        if (v->null) {
            qb_null(q);
            qb_null(q);
        } else {
            size_t n = 0;
            unsigned char h[PII_HASH_LEN];
            unsigned char *sealed = pii_seal(pii_kind(r, f, kind, sizeof kind), v->s, &n);
            qb_blob_copy(q, sealed, n);
            free(sealed);
            pii_hash(kind, v->s, h);
            qb_blob_copy(q, h, PII_HASH_LEN);
        }
        return;
    }
    if (v->null)
        qb_null(q);
    else if (f->type == FT_ENUM)
        qb_text(q, vocab_code(f->vocab, (int)v->i));
    else if (f->type == FT_INT || f->type == FT_REF || f->type == FT_MASK)
        qb_int(q, v->i);
    else
        qb_text(q, v->s);
    if (f->key_col && keys) {
        qb_text(q, zh_cache_key(keys, v->null ? "" : v->s));
    } else if (f->key_col) {
        char *key = zh_key(v->null ? "" : v->s);
        qb_text_copy(q, key);
        free(key);
    }
}

static lx_status audit_change(db *d, const resource *r, const principal *p, const char *addr,
                              const char *verb, int64_t id, const record *before,
                              const record *after, const char *reason)
{
    json_t *detail = json_object();
    char action[64], object[64];
    if (before)
        json_object_set_new(detail, "before", record_to_json(r, before, 0));
    if (after)
        json_object_set_new(detail, "after", record_to_json(r, after, 0));
    if (reason)
        json_object_set_new(detail, "reason", json_string(reason));
    char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(action, sizeof action, "%s.%s", r->name, verb);
    snprintf(object, sizeof object, "%s/%lld", r->name, (long long)id);
    audit_rec ar = {p, addr, action, object, "ok", text};
    lx_status rc = audit_append(d, &ar);
    free(text);
    json_decref(detail);
    return rc;
}

/* A member's own quota may not drop below the households they hold now. */
static lx_status check_quota_not_below_load(db *d, const resource *r, int64_t id,
                                            const record *chg, lx_error *e)
{
    static const char *const fields[2] = {"liaison_quota", "assist_quota"};
    static const char *const layers[2] = {"liaison", "assistance"};
    for (int k = 0; k < 2; k++) {
        const rval *v = &chg->v[record_field(r, fields[k])];
        db_stmt *st = NULL;
        int row = 0;
        int64_t load = 0;
        if (!v->set || v->null)
            continue;
        lx_status rc = db_prepare(d, "SELECT count(*) FROM pairings WHERE member_id = ?"
                                     " AND layer = ? AND ended_at IS NULL",
                                  &st);
        if (rc)
            return rc;
        db_bind_int(st, 1, id);
        db_bind_text(st, 2, layers[k]);
        rc = db_step(st, &row);
        if (!rc && row)
            load = db_col_int(st, 0);
        db_done(st);
        if (rc)
            return rc;
        if (v->i < load)
            return lx_fail(e, LX_EINVAL, fields[k],
                           "the member holds %lld households now; end some pairings before"
                           " lowering the quota to %lld",
                           (long long)load, (long long)v->i);
    }
    return LX_OK;
}

/* Is a sibling node already called `name`? */
static lx_status node_name_taken(db *d, int64_t parent, const char *name, int64_t self, int *taken)
{
    db_stmt *st = NULL;
    int row = 0;
    char *key = zh_key(name);
    lx_status rc = db_prepare(d, "SELECT 1 FROM nodes WHERE parent_id = ? AND name_key = ?"
                                 " AND id <> ? AND active = 1",
                              &st);
    if (!rc) {
        db_bind_int(st, 1, parent);
        db_bind_text(st, 2, key);
        db_bind_int(st, 3, self);
        rc = db_step(st, &row);
    }
    *taken = row;
    db_done(st);
    free(key);
    return rc;
}

static lx_status map_conflict(const resource *r, lx_status rc, lx_error *e)
{
    if (rc != LX_ECONFLICT)
        return rc;
    if (r->kind == RES_RESIDENTS)
        return lx_fail(e, LX_ECONFLICT, "idno", "this ID number is already registered");
    return lx_fail(e, LX_ECONFLICT, "", "the change conflicts with an existing record");
}

/* The INSERT of a new record of r with the values set in rec: the common
 * columns (the id first when the caller gives it), then each set field
 * (personal ones as sealed value and hash, names with their search key),
 * returning the new id unless given. The text depends only on which fields
 * are set. */
static void insert_sql(strbuf *sql, const resource *r, const record *rec, int with_id)
{
    int nparams = 4 + with_id;
    strbuf_addf(sql, "INSERT INTO %s (%scounty_id, path, active, created_at, updated_at", r->table,
                with_id ? "id, " : "");
    for (int i = 0; i < r->nfields; i++) {
        const field *f = &r->fields[i];
        if (!rec->v[i].set)
            continue;
        if (is_pii(f->type))
            strbuf_addf(sql, ", %s_enc, %s_h", f->name, f->name);
        else
            strbuf_addf(sql, ", %s", f->name);
        if (f->key_col)
            strbuf_addf(sql, ", %s", f->key_col);
        nparams += is_pii(f->type) ? 2 : 1 + (f->key_col != NULL);
    }
    strbuf_adds(sql, with_id ? ") VALUES (?, ?, ?, 1, ?, ?" : ") VALUES (?, ?, 1, ?, ?");
    for (int i = 4 + with_id; i < nparams; i++)
        strbuf_adds(sql, ", ?");
    strbuf_adds(sql, with_id ? ")" : ") RETURNING id");
}

/* The parameters of insert_sql, in its order (id > 0: given). */
static void insert_params(qb *q, const resource *r, int64_t id, int64_t county_id,
                          const char *path, int64_t now, const record *rec, zh_cache *keys)
{
    if (id > 0)
        qb_int(q, id);
    qb_int(q, county_id);
    qb_text(q, path);
    qb_int(q, now);
    qb_int(q, now);
    for (int i = 0; i < r->nfields; i++)
        if (rec->v[i].set)
            bind_value(q, r, &r->fields[i], &rec->v[i], keys);
}

lx_status registry_create(db *d, arena *a, const resource *r, const principal *p,
                          const char *addr, record *rec, unsigned flags, lx_error *e)
{
    qb q;
    db_stmt *st = NULL;
    target place = {NULL, 0};
    int row = 0, level = 0;
    int64_t now = lx_now();
    lx_status rc = LX_OK;

    qb_init(&q);
    for (int i = 0; i < r->nfields; i++) {
        const field *f = &r->fields[i];
        rval *v = &rec->v[i];
        if (f->type != FT_REF || !v->set || v->null)
            continue;
        target t;
        rc = check_ref(d, a, p, f, v->i, &t, e);
        if (rc)
            goto out;
        if (f->flags & (FF_NODE | FF_PARENT) || (r->kind == RES_NODES && !strcmp(f->name, "parent_id"))) {
            place = t;
            level = (int)t.level + 1;
        }
    }
    if (r->kind == RES_NODES) {
        int fp = record_field(r, "parent_id"), taken = 0;
        if (!rec->v[fp].set || rec->v[fp].null) {
            rc = lx_fail(e, LX_EINVAL, "parent_id", "parent_id is required");
            goto out;
        }
        rc = node_name_taken(d, rec->v[fp].i, rec->v[record_field(r, "name")].s, 0, &taken);
        if (!rc && taken)
            rc = lx_fail(e, LX_ECONFLICT, "name", "a place with this name is already there");
        if (rc)
            goto out;
        rec->v[record_field(r, "level")] = (rval){1, 0, level, NULL};
    }
    if (r->kind == RES_RESIDENTS && (rc = record_resident_agrees(r, rec, a, e)))
        goto out;
    if (!place.path) {
        rc = lx_fail(e, LX_EINVAL, "", "the record has no place in the tree");
        goto out;
    }

    insert_sql(&q.sql, r, rec, 0);
    insert_params(&q, r, 0, p->county_id, place.path, now, rec, NULL);
    rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row)
        rec->id = db_col_int(st, 0);
    db_done(st);
    st = NULL;
    if (rc) {
        rc = map_conflict(r, rc, e);
        goto out;
    }
    rec->path = place.path;
    if (r->kind == RES_NODES) {
        /* A node's own path ends with its id. */
        rec->path = arena_printf(a, "%s%lld/", place.path, (long long)rec->id);
        rc = db_prepare(d, "UPDATE nodes SET path = ? WHERE id = ?", &st);
        if (!rc) {
            db_bind_text(st, 1, rec->path);
            db_bind_int(st, 2, rec->id);
            rc = db_run(st);
        }
        db_done(st);
        if (rc)
            goto out;
    }
    rec->active = 1;
    rec->created_at = rec->updated_at = now;
    if (!(flags & REG_BATCH))
        rc = audit_change(d, r, p, addr, "create", rec->id, NULL, rec, NULL);
out:
    qb_release(&q);
    return rc;
}

/* ---- many new records in one transaction ---- */

#define BATCH_SHAPES 8   /* INSERT statements held by a batch */

struct reg_batch {
    db *d;                  /* the connection, inside the caller's transaction */
    int64_t county_id;      /* the actor's county */
    int64_t now;            /* created_at and updated_at of every record */
    int64_t last_id[RES__COUNT]; /* the last id reserved of each registry; 0: none yet */
    struct {
        const resource *r;  /* the registry */
        uint64_t set;       /* which fields are set (bit i: field i) */
        db_stmt *st;        /* its INSERT, held until registry_batch_free */
    } shape[BATCH_SHAPES];
    int nshapes;            /* slots used */
};

reg_batch *registry_batch_new(db *d, const principal *p)
{
    reg_batch *b = xcalloc(1, sizeof *b);
    b->d = d;
    b->county_id = p->county_id;
    b->now = lx_now();
    return b;
}

void registry_batch_free(reg_batch *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->nshapes; i++)
        db_done(b->shape[i].st);
    free(b);
}

/* n consecutive ids of r: above the table's largest (free while we hold the
 * write lock) and above every id this batch reserved before, written or not. */
lx_status registry_batch_reserve(reg_batch *b, const resource *r, int64_t n, int64_t *first)
{
    int64_t from = 0;
    if (n <= 0)
        return LX_OK;
    lx_status rc = db_next_ids(b->d, r->table, n, &from);
    if (rc)
        return rc;
    if (from <= b->last_id[r->kind])
        from = b->last_id[r->kind] + 1;
    b->last_id[r->kind] = from + n - 1;
    *first = from;
    return LX_OK;
}

lx_status registry_batch_prepare(const reg_batch *b, arena *a, zh_cache *keys, const resource *r,
                                 record *rec, const char *path, reg_insert *ins, lx_error *e)
{
    lx_status rc;
    if (r->kind == RES_NODES || r->nfields > 64)
        BUG("registry_batch_prepare: nodes are created one by one");
    if (rec->id <= 0)
        BUG("registry_batch_prepare: the record has no reserved id");
    if (r->kind == RES_RESIDENTS && (rc = record_resident_agrees(r, rec, a, e)))
        return rc;
    ins->r = r;
    ins->rec = rec;
    ins->path = path;
    qb_init(&ins->q);
    insert_params(&ins->q, r, rec->id, b->county_id, path, b->now, rec, keys);
    return LX_OK;
}

lx_status registry_batch_insert(reg_batch *b, reg_insert *ins, lx_error *e)
{
    const resource *r = ins->r;
    db_stmt *st = NULL;
    uint64_t set = 0; /* the record's shape: which fields are set (bit i: field i) */
    int held = 0;
    lx_status rc = LX_OK;
    for (int i = 0; i < r->nfields; i++)
        if (ins->rec->v[i].set)
            set |= (uint64_t)1 << i;
    for (int i = 0; i < b->nshapes && !st; i++)
        if (b->shape[i].r == r && b->shape[i].set == set) {
            st = b->shape[i].st;
            held = 1;
        }
    if (!st) {
        strbuf sql = STRBUF_INIT;
        insert_sql(&sql, r, ins->rec, 1);
        rc = db_prepare(b->d, strbuf_str(&sql), &st);
        strbuf_release(&sql);
        if (rc)
            goto out;
        if (b->nshapes < BATCH_SHAPES) {
            b->shape[b->nshapes].r = r;
            b->shape[b->nshapes].set = set;
            b->shape[b->nshapes++].st = st;
            held = 1;
        }
    }
    qb_bind(&ins->q, st);
    rc = db_run(st);
    if (held)
        db_reset(st);
    else
        db_done(st);
    if (rc) {
        rc = map_conflict(r, rc, e);
        goto out;
    }
    ins->rec->path = ins->path;
    ins->rec->active = 1;
    ins->rec->created_at = ins->rec->updated_at = b->now;
out:
    qb_release(&ins->q);
    return rc;
}

/* Move the residents of a household with it. */
static lx_status cascade_path(db *d, const resource *r, int64_t id, const char *path)
{
    db_stmt *st = NULL;
    lx_status rc = LX_OK;
    if (r->kind != RES_HOUSEHOLDS)
        return LX_OK;
    rc = db_prepare(d, "UPDATE residents SET path = ? WHERE household_id = ?", &st);
    if (!rc) {
        db_bind_text(st, 1, path);
        db_bind_int(st, 2, id);
        rc = db_run(st);
    }
    db_done(st);
    return rc;
}

lx_status registry_update(db *d, arena *a, const resource *r, const principal *p,
                          const char *addr, int64_t id, const record *chg, record **after,
                          lx_error *e)
{
    scope s = scope_for(p, r->kind);
    record *before = NULL, *now_rec = NULL;
    const char *new_path = NULL;
    qb q;
    int changed = 0;
    lx_status rc = registry_get(d, a, r, &s, id, &before);

    qb_init(&q);
    if (rc == LX_ENOTFOUND) {
        rc = lx_fail(e, LX_ENOTFOUND, "id", "no such record in your scope");
        goto out;
    }
    if (rc)
        goto out;
    /* The record as it will be, to check the whole of it. */
    now_rec = record_new(a, r);
    *now_rec = *before;
    now_rec->v = arena_alloc(a, sizeof(rval) * (size_t)r->nfields);
    memcpy(now_rec->v, before->v, sizeof(rval) * (size_t)r->nfields);
    for (int i = 0; i < r->nfields; i++) {
        const field *f = &r->fields[i];
        if (!chg->v[i].set)
            continue;
        if ((f->flags & FF_REQUIRED) && chg->v[i].null) {
            rc = lx_fail(e, LX_EINVAL, f->name, "%s is required", record_field_word(f));
            goto out;
        }
        if (f->type == FT_REF && !chg->v[i].null) {
            target t;
            rc = check_ref(d, a, p, f, chg->v[i].i, &t, e);
            if (rc)
                goto out;
            if (f->flags & FF_NODE)
                new_path = t.path;
        }
        now_rec->v[i] = chg->v[i];
    }
    if (r->kind == RES_RESIDENTS) {
        int fb = record_field(r, "birth_date");
        if (chg->v[record_field(r, "idno")].set && !chg->v[fb].set)
            now_rec->v[fb].set = 0; /* re-derive from the new ID number */
        if ((rc = record_resident_agrees(r, now_rec, a, e)))
            goto out;
    }
    if (r->kind == RES_MEMBERS && (rc = check_quota_not_below_load(d, r, id, chg, e)))
        goto out;
    if (r->kind == RES_NODES && chg->v[record_field(r, "name")].set) {
        int taken = 0;
        rc = node_name_taken(d, before->v[record_field(r, "parent_id")].i,
                             chg->v[record_field(r, "name")].s, id, &taken);
        if (!rc && taken)
            rc = lx_fail(e, LX_ECONFLICT, "name", "a place with this name is already there");
        if (rc)
            goto out;
    }

    strbuf_addf(&q.sql, "UPDATE %s SET updated_at = ?", r->table);
    qb_int(&q, lx_now());
    for (int i = 0; i < r->nfields; i++) {
        const field *f = &r->fields[i];
        if (!chg->v[i].set && !(r->kind == RES_RESIDENTS && !strcmp(f->name, "birth_date")))
            continue;
        changed = 1;
        if (is_pii(f->type))
            strbuf_addf(&q.sql, ", %s_enc = ?, %s_h = ?", f->name, f->name);
        else
            strbuf_addf(&q.sql, ", %s = ?", f->name);
        if (f->key_col)
            strbuf_addf(&q.sql, ", %s = ?", f->key_col);
        bind_value(&q, r, f, &now_rec->v[i], NULL);
    }
    if (new_path) {
        qb_sql(&q, ", path = ?");
        qb_text(&q, new_path);
    }
    qb_sql(&q, " WHERE id = ?");
    qb_int(&q, id);
    if (changed || new_path) {
        db_stmt *st = NULL;
        rc = qb_prepare(&q, d, &st);
        if (!rc)
            rc = db_run(st);
        db_done(st);
        if (rc) {
            rc = map_conflict(r, rc, e);
            goto out;
        }
        if (new_path && (rc = cascade_path(d, r, id, new_path)))
            goto out;
    }
    rc = registry_get(d, a, r, &s, id, &now_rec);
    if (rc == LX_ENOTFOUND) /* moved out of the actor's own scope */
        rc = lx_fail(e, LX_EINVAL, "node_id", "node_id must stay inside your scope");
    if (rc)
        goto out;
    rc = audit_change(d, r, p, addr, "update", id, before, now_rec, NULL);
    if (!rc && after)
        *after = now_rec;
out:
    qb_release(&q);
    return rc;
}

/* How many active records are under a node (excluding the node itself)? */
static lx_status count_under(db *d, const char *path, int64_t *count)
{
    static const char *const tables[] = {"nodes", "units", "orgs", "members", "households"};
    *count = 0;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[200];
        db_stmt *st = NULL;
        int row = 0;
        /* Child nodes have longer paths; records placed at the node share its path. */
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM %s WHERE active = 1 AND path %s ? AND path < ? || '~'",
                 tables[i], i == 0 ? ">" : ">=");
        lx_status rc = db_prepare(d, sql, &st);
        if (rc)
            return rc;
        db_bind_text(st, 1, path);
        db_bind_text(st, 2, path);
        rc = db_step(st, &row);
        if (!rc && row)
            *count += db_col_int(st, 0);
        db_done(st);
        if (rc)
            return rc;
    }
    return LX_OK;
}

lx_status registry_set_active(db *d, arena *a, const resource *r, const principal *p,
                              const char *addr, int64_t id, int active, const char *reason,
                              lx_error *e)
{
    scope s = scope_for(p, r->kind);
    record *before = NULL, *after = NULL;
    db_stmt *st = NULL;
    char sql[128];
    lx_status rc = registry_get(d, a, r, &s, id, &before);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, LX_ENOTFOUND, "id", "no such record in your scope");
    if (rc)
        return rc;
    if (r->kind == RES_NODES && !active) {
        int64_t n = 0;
        if (s.kind == SCOPE_SUBTREE && !strcmp(before->path, s.path))
            return lx_fail(e, LX_EDENIED, "id", "you cannot deactivate the root of your own scope");
        rc = count_under(d, before->path, &n);
        if (rc)
            return rc;
        if (n > 0)
            return lx_fail(e, LX_ECONFLICT, "id",
                           "%lld active records are under this place; move or deactivate them first",
                           (long long)n);
    }
    snprintf(sql, sizeof sql, "UPDATE %s SET active = ?, updated_at = ? WHERE id = ?", r->table);
    rc = db_prepare(d, sql, &st);
    if (!rc) {
        db_bind_int(st, 1, active);
        db_bind_int(st, 2, lx_now());
        db_bind_int(st, 3, id);
        rc = db_run(st);
    }
    db_done(st);
    if (!rc)
        rc = registry_get(d, a, r, &s, id, &after);
    if (!rc)
        rc = audit_change(d, r, p, addr, active ? "activate" : "deactivate", id, before, after,
                          reason);
    return rc;
}

lx_status registry_child_node(db *d, const scope *s, int64_t parent_id, const char *name,
                              int64_t *id)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    char *key = zh_key(name);
    lx_status rc;
    *id = 0;
    qb_init(&q);
    /* Driven by the parent (a few dozen children at most): the name key is
     * a filter, since a name such as 一组 recurs under hundreds of villages. */
    char nk[32];
    strbuf_addf(&q.sql,
                "SELECT t.id FROM nodes t WHERE t.parent_id = ? AND %s = ? AND t.active = 1",
                db_unindexed("t.name_key", nk, sizeof nk));
    qb_int(&q, parent_id);
    qb_text(&q, key);
    qb_scope(&q, s, RES_NODES, "t");
    rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row)
        *id = db_col_int(st, 0);
    db_done(st);
    qb_release(&q);
    free(key);
    return rc;
}

lx_status registry_unit_by_name(db *d, int64_t county_id, const char *name, int64_t *id)
{
    db_stmt *st = NULL;
    int row = 0;
    char *key = zh_key(name);
    lx_status rc = db_prepare(d, "SELECT id FROM units WHERE county_id = ? AND name_key = ?"
                                 " AND active = 1 ORDER BY id LIMIT 1",
                              &st);
    *id = 0;
    if (!rc) {
        db_bind_int(st, 1, county_id);
        db_bind_text(st, 2, key);
        rc = db_step(st, &row);
    }
    if (!rc && row)
        *id = db_col_int(st, 0);
    db_done(st);
    free(key);
    return rc;
}

typedef struct idno_probe {
    unsigned char h[PII_HASH_LEN]; /* keyed hash of the ID number */
    size_t i;                      /* its index in the caller's array */
} idno_probe;

static int by_hash(const void *a, const void *b)
{
    return memcmp(((const idno_probe *)a)->h, ((const idno_probe *)b)->h, PII_HASH_LEN);
}

lx_status registry_residents_by_idno(db *d, const char *const *idnos, size_t n, int *found)
{
    idno_probe *pr = xcalloc(n + 1, sizeof *pr);
    size_t np = 0;
    db_stmt *st = NULL;
    lx_status rc = LX_OK;
    for (size_t i = 0; i < n; i++) {
        found[i] = 0;
        if (!idnos[i])
            continue;
        pii_hash("idno", idnos[i], pr[np].h);
        pr[np++].i = i;
    }
    /* In the index's order: each page of it is read once, front to back. */
    qsort(pr, np, sizeof *pr, by_hash);
    if (np)
        rc = db_prepare(d, "SELECT 1 FROM residents WHERE idno_h = ?", &st);
    for (size_t k = 0; k < np && !rc; k++) {
        int row = 0;
        db_bind_blob(st, 1, pr[k].h, PII_HASH_LEN);
        rc = db_step(st, &row);
        found[pr[k].i] = row;
        db_reset(st);
    }
    db_done(st);
    free(pr);
    return rc;
}
