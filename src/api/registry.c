/* registry.c -- the HTTP face of every registry: list, read, create, change, (de)activate,
 * unmask, export. The route's arg says which registry. */
#include "api/api.h"
#include "io/export.h"
#include "store/audit.h"
#include "store/registry.h"
#include "store/store.h"
#include "util/fileio.h"
#include "util/jsonw.h"
#include "util/respcache.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

static const resource *res_of(req *r)
{
    return r->rt->arg;
}

/* Collect the query string, refusing names the list does not declare. */
typedef struct qctx {
    req *r;
    const resource *res;
    list_query *lq;
    lx_status rc;
    int allow_export;    /* accept unmask= and reason= */
    strbuf *key;         /* if set: the arguments, each as <length>:<text> */
} qctx;

/* ids=3,17,42: up to LIST_MAX_IDS positive ids, separated by commas. */
static lx_status parse_ids(req *r, const char *value, list_query *lq)
{
    int64_t *ids = arena_alloc(r->a, sizeof *ids * LIST_MAX_IDS);
    int n = 0;
    for (const char *p = value;; p++) {
        char *end = NULL;
        long long v = *p >= '0' && *p <= '9' ? strtoll(p, &end, 10) : 0;
        if (v <= 0 || v == LLONG_MAX || n == LIST_MAX_IDS || (*end && *end != ','))
            return req_fail(r, LX_EINVAL, "ids",
                            "ids is a list of up to %d positive ids, separated by commas",
                            LIST_MAX_IDS);
        ids[n++] = v;
        p = end;
        if (!*p)
            break;
    }
    lq->ids = ids;
    lq->nids = n;
    return LX_OK;
}

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    qctx *c = cls;
    list_query *lq = c->lq;
    (void)kind;
    if (c->rc)
        return MHD_NO;
    if (!value)
        value = "";
    if (c->key)
        strbuf_addf(c->key, "%zu:%s%zu:%s", strlen(key), key, strlen(value), value);
    if (!strcmp(key, "q")) {
        lq->q = value;
    } else if (!strcmp(key, "ids")) {
        c->rc = parse_ids(c->r, value, lq);
    } else if (!strcmp(key, "under") || !strcmp(key, "after")) {
        char *end = NULL;
        long long v = strtoll(value, &end, 10);
        if (!*value || *end || v <= 0)
            c->rc = req_fail(c->r, LX_EINVAL, key, "%s must be a positive id", key);
        else if (key[0] == 'u')
            lq->under = v;
        else
            lq->after = v;
    } else if (!strcmp(key, "limit")) {
        char *end = NULL;
        long v = strtol(value, &end, 10);
        if (!*value || *end || v < 1 || v > LIST_MAX_LIMIT)
            c->rc = req_fail(c->r, LX_EINVAL, key, "limit must be 1 to %d", LIST_MAX_LIMIT);
        lq->limit = (int)v;
    } else if (!strcmp(key, "active")) {
        if (!strcmp(value, "1") || !strcmp(value, "true"))
            lq->active = 1;
        else if (!strcmp(value, "0") || !strcmp(value, "false"))
            lq->active = 0;
        else if (!strcmp(value, "all"))
            lq->active = -1;
        else
            c->rc = req_fail(c->r, LX_EINVAL, key, "active must be 1, 0 or all");
    } else if (c->allow_export && (!strcmp(key, "unmask") || !strcmp(key, "reason"))) {
        /* read by the export handler */
    } else {
        int i = record_field(c->res, key);
        if (i < 0 || !(c->res->fields[i].flags & FF_FILTER)) {
            c->rc = req_fail(c->r, LX_EINVAL, key, "unknown query parameter %s", key);
        } else if (lq->nfilter >= LIST_MAX_FILTERS) {
            c->rc = req_fail(c->r, LX_EINVAL, key, "too many filters");
        } else {
            lx_error e = {0};
            rval *v = &lq->filter[lq->nfilter].v;
            if (record_parse_text(&c->res->fields[i], value, 99991231, c->r->a, v, &e))
                c->rc = req_fail(c->r, LX_EINVAL, key, "%s", e.message);
            else
                lq->filter[lq->nfilter++].field = i;
        }
    }
    return c->rc ? MHD_NO : MHD_YES;
}

static lx_status parse_list_query(req *r, list_query *lq, int allow_export, strbuf *key)
{
    qctx c = {r, res_of(r), lq, LX_OK, allow_export, key};
    memset(lq, 0, sizeof *lq);
    lq->active = 1;
    lq->limit = 50;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_arg, &c);
    if (!c.rc && lq->q && strlen(lq->q) > 100)
        c.rc = req_fail(r, LX_EINVAL, "q", "the search text is too long");
    return c.rc;
}

static int personal(const resource *res)
{
    return res->kind == RES_MEMBERS || res->kind == RES_HOUSEHOLDS || res->kind == RES_RESIDENTS;
}

/* ---- list pages kept for a short while ----
 *
 * A page is kept under its request: the registry, everything about the
 * caller that decides the scope, the language and the query's arguments. It
 * is served again only while db_generation is unchanged (no write through
 * this server since) and for at most LIST_CACHE_TTL_MS (what another process
 * writes, such as `lianxin import`, shows within that). A page served again
 * is audited as a read exactly as the first time. */
#define LIST_CACHE_TTL_MS 1000

static respcache *list_cache;

void api_list_cache_start(size_t max_bytes)
{
    respcache_free(list_cache);
    list_cache = max_bytes ? respcache_new(max_bytes, LIST_CACHE_TTL_MS) : NULL;
}

void api_list_cache_stop(void)
{
    respcache_free(list_cache);
    list_cache = NULL;
}

/* A page of records as {"items":[...],"next":"<cursor>"|null}, written straight as text;
 * *n records. */
static lx_status write_page(req *r, const resource *res, const list_query *lq, strbuf *sb,
                            int *n)
{
    scope s = scope_for(&r->who, res->kind);
    record **items = NULL;
    int64_t next = 0;
    db *d = store_db();
    lx_status rc = d ? registry_list(d, r->a, res, &s, lq, &items, n, &next) : LX_EIO;
    if (rc)
        return rc;
    strbuf_adds(sb, "{\"items\":[");
    for (int i = 0; i < *n; i++) {
        if (i)
            strbuf_addch(sb, ',');
        record_json_write(sb, res, items[i], 0);
    }
    strbuf_adds(sb, "],\"next\":");
    if (next) {
        strbuf_addch(sb, '"');
        jsonw_int(sb, next);
        strbuf_addch(sb, '"');
    } else {
        strbuf_adds(sb, "null");
    }
    strbuf_addch(sb, '}');
    return LX_OK;
}

lx_status api_reg_list(req *r)
{
    const resource *res = res_of(r);
    const principal *w = &r->who;
    list_query lq;
    strbuf key = STRBUF_INIT, sb = STRBUF_INIT;
    int n = 0;
    int64_t kept_n = 0;
    /* Taken before the data is read: a write after it makes the page stale. */
    uint64_t gen = db_generation();
    int64_t now_ms = (int64_t)(lx_mono() * 1000);
    if (list_cache)
        strbuf_addf(&key, "%s|%lld|%d|%lld|%lld|%lld|%lld|%lld|%d|", res->name,
                    (long long)w->user_id, (int)w->role, (long long)w->county_id,
                    (long long)w->node_id, (long long)w->member_id, (long long)w->unit_id,
                    (long long)w->household_id, (int)r->lang);
    lx_status rc = parse_list_query(r, &lq, 0, list_cache ? &key : NULL);
    if (!rc && list_cache &&
        respcache_get(list_cache, strbuf_str(&key), gen, now_ms, &sb, &kept_n)) {
        n = (int)kept_n;
    } else if (!rc && !(rc = write_page(r, res, &lq, &sb, &n)) && list_cache) {
        respcache_put(list_cache, strbuf_str(&key), gen, now_ms, strbuf_str(&sb), sb.len, n);
    }
    strbuf_release(&key);
    if (rc) {
        strbuf_release(&sb);
        return rc;
    }
    if (personal(res)) {
        char detail[64];
        snprintf(detail, sizeof detail, "{\"count\":%d}", n);
        api_audit_read(r, arena_printf(r->a, "%s.list", res->name), NULL, detail);
    }
    req_reply_text(r, 200, &sb);
    return LX_OK;
}

lx_status api_reg_get(req *r)
{
    const resource *res = res_of(r);
    scope s = scope_for(&r->who, res->kind);
    record *rec = NULL;
    db *d = store_db();
    if (!d)
        return LX_EIO;
    lx_status rc = registry_get(d, r->a, res, &s, req_id(r, 0), &rec);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such record in your scope");
    if (rc)
        return rc;
    if (personal(res))
        api_audit_read(r, arena_printf(r->a, "%s.read", res->name),
                       arena_printf(r->a, "%s/%lld", res->name, (long long)rec->id), NULL);
    strbuf sb = STRBUF_INIT;
    record_json_write(&sb, res, rec, 0);
    req_reply_text(r, 200, &sb);
    return LX_OK;
}

/* A write in one transaction, rolled back whole on any error. */
typedef struct write_ctx {
    req *r;
    const resource *res;
    record *rec;        /* create: the new record; update: the changes */
    record *after;      /* update: the result */
    int64_t id;         /* update / (de)activate: the target */
    int active;         /* (de)activate: the new state */
    const char *reason; /* (de)activate: why */
    int verb;           /* 0 create, 1 update, 2 set active */
} write_ctx;

static lx_status write_txn(void *arg, db *d)
{
    write_ctx *c = arg;
    req *r = c->r;
    switch (c->verb) {
    case 0: return registry_create(d, r->a, c->res, &r->who, r->addr, c->rec, 0, &r->err);
    case 1:
        return registry_update(d, r->a, c->res, &r->who, r->addr, c->id, c->rec, &c->after,
                               &r->err);
    default:
        return registry_set_active(d, r->a, c->res, &r->who, r->addr, c->id, c->active,
                                   c->reason, &r->err);
    }
}

lx_status api_reg_create(req *r)
{
    const resource *res = res_of(r);
    write_ctx c = {r, res, record_new(r->a, res), NULL, 0, 1, NULL, 0};
    scope s = scope_for(&r->who, res->kind);
    record *stored = NULL;
    lx_status rc = record_from_json(res, r->json, 1, req_today(r), r->a, c.rec, &r->err);
    if (!rc)
        rc = store_txn(write_txn, &c);
    /* Answer with the record as stored (with its defaults), not as sent. */
    if (!rc)
        rc = registry_get(store_db(), r->a, res, &s, c.rec->id, &stored);
    if (rc)
        return rc;
    req_reply(r, 201, record_to_json(res, stored, 0));
    return LX_OK;
}

lx_status api_reg_update(req *r)
{
    const resource *res = res_of(r);
    write_ctx c = {r, res, record_new(r->a, res), NULL, req_id(r, 0), 1, NULL, 1};
    lx_status rc = record_from_json(res, r->json, 0, req_today(r), r->a, c.rec, &r->err);
    if (!rc && json_object_size(r->json) == 0)
        rc = req_fail(r, LX_EINVAL, "body", "nothing to change");
    if (!rc)
        rc = store_txn(write_txn, &c);
    if (rc)
        return rc;
    req_reply(r, 200, record_to_json(res, c.after, 0));
    return LX_OK;
}

static lx_status set_active(req *r, int active)
{
    const char *reason = NULL;
    write_ctx c = {r, res_of(r), NULL, NULL, req_id(r, 0), active, NULL, 2};
    if (json_unpack(r->json, "{s?s!}", "reason", &reason))
        return req_fail(r, LX_EINVAL, "reason", "the body takes only a reason, as text");
    if (!active && (!reason || strlen(reason) < 2))
        return req_fail(r, LX_EINVAL, "reason", "say why this record is deactivated");
    if (reason && strlen(reason) > 500)
        return req_fail(r, LX_EINVAL, "reason", "the reason is too long");
    c.reason = reason;
    lx_status rc = store_txn(write_txn, &c);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)c.id, "active", active));
    return LX_OK;
}

lx_status api_reg_deactivate(req *r)
{
    return set_active(r, 0);
}

lx_status api_reg_activate(req *r)
{
    return set_active(r, 1);
}

lx_status api_reg_unmask(req *r)
{
    const resource *res = res_of(r);
    scope s = scope_for(&r->who, res->kind);
    const char *reason = NULL;
    record *rec = NULL;
    if (json_unpack(r->json, "{s:s!}", "reason", &reason) || strlen(reason) < 2)
        return req_fail(r, LX_EINVAL, "reason", "say why you need to see the full values");
    if (strlen(reason) > 500)
        return req_fail(r, LX_EINVAL, "reason", "the reason is too long");
    lx_status rc = registry_get(store_db(), r->a, res, &s, req_id(r, 0), &rec);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such record in your scope");
    if (rc)
        return rc;
    json_t *detail = json_pack("{s:s}", "reason", reason);
    char *text = json_dumps(detail, JSON_COMPACT);
    /* Unmasking is audited before the values leave: no record, no values. */
    audit_rec ar = {&r->who, r->addr, arena_printf(r->a, "%s.unmask", res->name),
                    arena_printf(r->a, "%s/%lld", res->name, (long long)rec->id), "ok", text};
    rc = audit_log(&ar);
    free(text);
    json_decref(detail);
    if (rc)
        return rc;
    req_reply(r, 200, record_to_json(res, rec, 1));
    return LX_OK;
}

lx_status api_reg_export(req *r)
{
    const resource *res = res_of(r);
    scope s = scope_for(&r->who, res->kind);
    list_query lq;
    int unmask = 0;
    int64_t total = 0;
    char path[256];
    const char *um = req_query(r, "unmask"), *reason = req_query(r, "reason");
    lx_status rc = parse_list_query(r, &lq, 1, NULL);
    if (rc)
        return rc;
    if (um && strcmp(um, "0")) {
        if (!rbac_allows(r->who.role, PERM_UNMASK))
            return req_fail(r, LX_EDENIED, "unmask", "your role may not export full values");
        if (!reason || strlen(reason) < 2)
            return req_fail(r, LX_EINVAL, "reason", "say why the export needs full values");
        unmask = 1;
    }
    if ((rc = file_temp(path, sizeof path, "lianxin-export")))
        return rc;
    rc = export_xlsx(store_db(), res, &s, &lq, unmask, path, &total);
    if (!rc) {
        /* The export is audited before the file leaves. */
        json_t *dj = json_pack("{s:I,s:b,s:s?}", "rows", (json_int_t)total, "unmasked", unmask,
                               "reason", unmask ? reason : NULL);
        char *detail = json_dumps(dj, JSON_COMPACT);
        audit_rec ar = {&r->who, r->addr, arena_printf(r->a, "%s.export", res->name), NULL, "ok",
                        detail};
        rc = audit_log(&ar);
        free(detail);
        json_decref(dj);
    }
    if (rc) {
        unlink(path);
        return rc;
    }
    return req_reply_xlsx(r, path, (size_t)1 << 31, arena_printf(r->a, "%s.xlsx", res->name));
}
