/* policies.c -- reading and changing the county's named policies. */
#include "api/api.h"
#include "store/audit.h"
#include "store/policies.h"
#include "store/store.h"

#include <string.h>

lx_status api_policies_list(req *r)
{
    static const char *const known[] = {NULL};
    size_t n;
    if (req_query_only(r, known))
        return LX_EINVAL;
    const policy_def *t = policy_table(&n);
    json_t *arr = json_array();
    db *d = store_db();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            arr, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:s}", "key", t[i].key, "domain",
                           t[i].domain == POLICY_SECURITY ? "security" : "work", "value",
                           (json_int_t)policy_get(d, r->who.county_id, t[i].key), "default",
                           (json_int_t)t[i].def, "min", (json_int_t)t[i].min, "max",
                           (json_int_t)t[i].max, "source", t[i].source, "doc", t[i].doc));
    req_reply(r, 200, json_pack("{s:o}", "items", arr));
    return LX_OK;
}

typedef struct pset {
    req *r;
    const policy_def *def;
    json_int_t value;
    int64_t before;
} pset;

static lx_status set_txn(void *arg, db *d)
{
    pset *c = arg;
    c->before = policy_get(d, c->r->who.county_id, c->def->key);
    lx_status rc = policy_set(d, c->r->who.county_id, c->def->key, c->value, c->r->who.user_id);
    if (rc)
        return rc;
    json_t *dj = json_pack("{s:I,s:I}", "before", (json_int_t)c->before, "after", c->value);
    char *detail = json_dumps(dj, JSON_COMPACT);
    audit_rec ar = {&c->r->who, c->r->addr, "policies.set", c->def->key, "ok", detail};
    rc = audit_append(d, &ar);
    free(detail);
    json_decref(dj);
    return rc;
}

lx_status api_policies_set(req *r)
{
    pset c = {r, policy_find(r->param[0]), 0, 0};
    if (!c.def)
        return req_fail(r, LX_ENOTFOUND, "key", "no such policy");
    /* Security policies are the security administrator's; work rules the county's. */
    perm need = c.def->domain == POLICY_SECURITY ? PERM_SECURITY : PERM_POLICY_WORK;
    if (!rbac_allows(r->who.role, need))
        return req_fail(r, LX_EDENIED, "key", "this policy belongs to another administrator");
    if (json_unpack(r->json, "{s:I!}", "value", &c.value))
        return req_fail(r, LX_EINVAL, "value", "give the value as a whole number");
    if (c.value < c.def->min || c.value > c.def->max)
        return req_fail(r, LX_EINVAL, "value", "%s must be between %lld and %lld", c.def->key,
                        (long long)c.def->min, (long long)c.def->max);
    lx_status rc = store_txn(set_txn, &c);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:s,s:I}", "key", c.def->key, "value", c.value));
    return LX_OK;
}
