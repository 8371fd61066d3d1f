/* pairing.c -- the HTTP face of pairing: assignment runs (plan, look, apply) and manual pairs. */
#include "api/api.h"
#include "store/pairing.h"
#include "store/registry.h"
#include "store/store.h"

#include <string.h>


lx_status api_assign_plan(req *r)
{
    const char *layer_s = NULL;
    json_int_t node = 0;
    int rebalance = 0;
    int64_t run_id = 0;
    record *n = NULL;
    if (json_unpack(r->json, "{s:s,s:I,s?b!}", "layer", &layer_s, "node_id", &node, "rebalance",
                    &rebalance))
        return req_fail(r, LX_EINVAL, "layer",
                        "give layer (liaison or assistance), node_id and optionally rebalance");
    int layer = pairing_layer_parse(layer_s);
    if (layer < 0)
        return req_fail(r, LX_EINVAL, "layer", "layer is liaison or assistance");
    scope s = scope_for(&r->who, RES_NODES);
    db *d = store_db();
    if (node <= 0 || registry_get(d, r->a, record_resource(RES_NODES), &s, node, &n) != LX_OK ||
        !n->active)
        return req_fail(r, LX_EINVAL, "node_id", "no such place in your scope");
    lx_status rc = pairing_plan(d, &r->who, (assign_layer)layer, node, n->path, rebalance, 2,
                                &run_id, &r->err);
    if (rc)
        return rc;
    json_t *run = NULL, *changes = NULL;
    int64_t next = 0;
    if ((rc = pairing_run_get(d, &r->who, run_id, &run)) ||
        (rc = pairing_run_changes(d, &r->who, run_id, NULL, 0, 100, &changes, &next))) {
        json_decref(run);
        json_decref(changes);
        return rc;
    }
    json_object_set_new(run, "changes", changes);
    json_object_set_new(run, "changes_next",
                        next ? json_string(arena_printf(r->a, "%lld", (long long)next))
                             : json_null());
    req_reply(r, 201, run);
    return LX_OK;
}

lx_status api_assign_get(req *r)
{
    json_t *run = NULL;
    lx_status rc = pairing_run_get(store_db(), &r->who, req_id(r, 0), &run);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such run in your scope");
    if (rc)
        return rc;
    req_reply(r, 200, run);
    return LX_OK;
}

lx_status api_assign_changes(req *r)
{
    static const char *const known[] = {"change", "after", "limit", NULL};
    static const char *const changes[] = {"added", "moved", "dropped", "uncovered"};
    const char *change = req_query(r, "change");
    int64_t after = 0, limit = 0;
    json_t *items = NULL;
    int64_t next = 0;
    lx_status rc = req_query_only(r, known);
    if (!rc)
        rc = req_query_id(r, "after", &after);
    if (!rc)
        rc = req_query_id(r, "limit", &limit);
    if (rc)
        return rc;
    if (change) {
        int ok = 0;
        for (int i = 0; i < 4; i++)
            ok |= !strcmp(change, changes[i]);
        if (!ok)
            return req_fail(r, LX_EINVAL, "change", "change is added, moved, dropped or uncovered");
    }
    if (limit > 500)
        return req_fail(r, LX_EINVAL, "limit", "limit must be 1 to 500");
    rc = pairing_run_changes(store_db(), &r->who, req_id(r, 0), change, after,
                             limit ? (int)limit : 100, &items, &next);
    if (rc) {
        json_decref(items);
        return rc == LX_ENOTFOUND ? req_fail(r, rc, "id", "no such run in your scope") : rc;
    }
    req_reply(r, 200,
              json_pack("{s:o,s:o}", "items", items, "next",
                        next ? json_string(arena_printf(r->a, "%lld", (long long)next))
                             : json_null()));
    return LX_OK;
}

typedef struct apply_ctx {
    req *r;
    int64_t run_id, applied;
} apply_ctx;

static lx_status apply_txn(void *arg, db *d)
{
    apply_ctx *c = arg;
    return pairing_apply(d, &c->r->who, c->r->addr, c->run_id, &c->applied, &c->r->err);
}

lx_status api_assign_apply(req *r)
{
    apply_ctx c = {r, req_id(r, 0), 0};
    lx_status rc = req_no_body(r);
    if (!rc)
        rc = store_txn(apply_txn, &c);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:I,s:s,s:I}", "id", (json_int_t)c.run_id, "status", "applied",
                                "changes_applied", (json_int_t)c.applied));
    return LX_OK;
}

lx_status api_pairings_list(req *r)
{
    static const char *const known[] = {"household_id", "member_id", "node_id", "layer",
                                        "active",       "after",     "limit",   NULL};
    const char *layer = req_query(r, "layer");
    int64_t hh = 0, m = 0, node = 0, after = 0, limit = 0;
    int active = 1;
    json_t *items = NULL;
    int64_t next = 0;
    lx_status rc = req_query_only(r, known);
    if (!rc)
        rc = req_query_id(r, "household_id", &hh);
    if (!rc)
        rc = req_query_id(r, "member_id", &m);
    if (!rc)
        rc = req_query_id(r, "node_id", &node);
    if (!rc)
        rc = req_query_id(r, "after", &after);
    if (!rc)
        rc = req_query_id(r, "limit", &limit);
    if (!rc)
        rc = req_query_active(r, &active);
    if (rc)
        return rc;
    if (limit > 500)
        return req_fail(r, LX_EINVAL, "limit", "limit must be 1 to 500");
    if (layer && pairing_layer_parse(layer) < 0)
        return req_fail(r, LX_EINVAL, "layer", "layer is liaison or assistance");
    rc = pairing_list(store_db(), &r->who, hh, m, node, layer, active, after,
                      limit ? (int)limit : 50, &items, &next);
    if (rc)
        return rc;
    api_audit_read(r, "pairings.list", NULL, NULL);
    req_reply(r, 200,
              json_pack("{s:o,s:o}", "items", items, "next",
                        next ? json_string(arena_printf(r->a, "%lld", (long long)next))
                             : json_null()));
    return LX_OK;
}

lx_status api_pairings_get(req *r)
{
    static const char *const known[] = {NULL};
    json_t *p = NULL;
    int64_t id = req_id(r, 0);
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    rc = pairing_get(store_db(), &r->who, id, &p);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such pairing in your scope");
    if (rc)
        return rc;
    api_audit_read(r, "pairings.read", arena_printf(r->a, "pairings/%lld", (long long)id), NULL);
    req_reply(r, 200, p);
    return LX_OK;
}

typedef struct pair_ctx {
    req *r;
    int layer;
    json_int_t household, member, id;
    const char *reason;
    int64_t new_id;
} pair_ctx;

static lx_status create_txn(void *arg, db *d)
{
    pair_ctx *c = arg;
    return pairing_create(d, &c->r->who, c->r->addr, (assign_layer)c->layer, c->household,
                          c->member, c->reason, &c->new_id, &c->r->err);
}

static lx_status end_txn(void *arg, db *d)
{
    pair_ctx *c = arg;
    return pairing_end(d, &c->r->who, c->r->addr, c->id, c->reason, &c->r->err);
}

static lx_status check_reason(req *r, const char *reason)
{
    if (!reason || strlen(reason) < 2)
        return req_fail(r, LX_EINVAL, "reason", "say why");
    if (strlen(reason) > 500)
        return req_fail(r, LX_EINVAL, "reason", "the reason is too long");
    return LX_OK;
}

lx_status api_pairings_create(req *r)
{
    pair_ctx c = {r, 0, 0, 0, 0, NULL, 0};
    const char *layer_s = NULL;
    if (json_unpack(r->json, "{s:s,s:I,s:I,s:s!}", "layer", &layer_s, "household_id",
                    &c.household, "member_id", &c.member, "reason", &c.reason))
        return req_fail(r, LX_EINVAL, "body",
                        "give layer, household_id, member_id and reason, and nothing else");
    if ((c.layer = pairing_layer_parse(layer_s)) < 0)
        return req_fail(r, LX_EINVAL, "layer", "layer is liaison or assistance");
    lx_status rc = check_reason(r, c.reason);
    if (!rc)
        rc = store_txn(create_txn, &c);
    if (rc)
        return rc;
    req_reply(r, 201, json_pack("{s:I,s:s,s:I,s:I}", "id", (json_int_t)c.new_id, "layer",
                                layer_s, "household_id", c.household, "member_id", c.member));
    return LX_OK;
}

lx_status api_pairings_end(req *r)
{
    pair_ctx c = {r, 0, 0, 0, req_id(r, 0), NULL, 0};
    if (json_unpack(r->json, "{s:s!}", "reason", &c.reason))
        return req_fail(r, LX_EINVAL, "reason", "give the reason, and nothing else");
    lx_status rc = check_reason(r, c.reason);
    if (!rc)
        rc = store_txn(end_txn, &c);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:I,s:b}", "id", c.id, "active", 0));
    return LX_OK;
}
