/* policies.c -- reading and changing the county's named policies. */
#include "api/api.h"
#include "store/audit.h"
#include "store/policies.h"
#include "store/store.h"
#include "core/utf8.h"

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
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "key", t[i].key, "domain",
                              t[i].domain == POLICY_SECURITY ? "security" : "work", "type",
                              t[i].def_text ? "text" : "integer", "source", t[i].source, "doc",
                              t[i].doc);
        if (t[i].def_text) {
            char buf[1024];
            policy_get_text(d, r->who.county_id, t[i].key, buf, sizeof buf);
            json_object_set_new(o, "value", json_string(buf));
            json_object_set_new(o, "default", json_string(t[i].def_text));
            json_object_set_new(o, "max_length", json_integer(t[i].max));
        } else {
            json_object_set_new(o, "value",
                                json_integer(policy_get(d, r->who.county_id, t[i].key)));
            json_object_set_new(o, "default", json_integer(t[i].def));
            json_object_set_new(o, "min", json_integer(t[i].min));
            json_object_set_new(o, "max", json_integer(t[i].max));
        }
        json_array_append_new(arr, o);
    }
    req_reply(r, 200, json_pack("{s:o}", "items", arr));
    return LX_OK;
}

typedef struct pset {
    req *r;
    const policy_def *def;
    json_int_t value;       /* a number policy's new value */
    const char *text;       /* a text policy's new value */
} pset;

static lx_status set_txn(void *arg, db *d)
{
    pset *c = arg;
    json_t *dj;
    lx_status rc;
    if (c->def->def_text) {
        char before[1024];
        policy_get_text(d, c->r->who.county_id, c->def->key, before, sizeof before);
        rc = policy_set_text(d, c->r->who.county_id, c->def->key, c->text, c->r->who.user_id);
        dj = json_pack("{s:s,s:s}", "before", before, "after", c->text);
    } else {
        int64_t before = policy_get(d, c->r->who.county_id, c->def->key);
        rc = policy_set(d, c->r->who.county_id, c->def->key, c->value, c->r->who.user_id);
        dj = json_pack("{s:I,s:I}", "before", (json_int_t)before, "after", c->value);
    }
    if (rc) {
        json_decref(dj);
        return rc;
    }
    char *detail = json_dumps(dj, JSON_COMPACT);
    audit_rec ar = {&c->r->who, c->r->addr, "policies.set", c->def->key, "ok", detail};
    rc = audit_append(d, &ar);
    free(detail);
    json_decref(dj);
    return rc;
}

lx_status api_policies_set(req *r)
{
    pset c = {r, policy_find(r->param[0]), 0, NULL};
    if (!c.def)
        return req_fail(r, LX_ENOTFOUND, "key", "no such policy");
    /* Security policies are the security administrator's; work rules the county's. */
    perm need = c.def->domain == POLICY_SECURITY ? PERM_SECURITY : PERM_POLICY_WORK;
    if (!rbac_allows(r->who.role, need))
        return req_fail(r, LX_EDENIED, "key", "this policy belongs to another administrator");
    if (c.def->def_text) {
        if (json_unpack(r->json, "{s:s!}", "value", &c.text))
            return req_fail(r, LX_EINVAL, "value", "give the value as text");
        if (!*c.text || utf8_chars(c.text) > (size_t)c.def->max)
            return req_fail(r, LX_EINVAL, "value", "%s takes 1 to %lld characters", c.def->key,
                            (long long)c.def->max);
        lx_error e = {0};
        if (policy_check_text(c.def, c.text, &e))
            return req_fail(r, LX_EINVAL, "value", "%s: %s", c.def->key, e.message);
    } else {
        if (json_unpack(r->json, "{s:I!}", "value", &c.value))
            return req_fail(r, LX_EINVAL, "value", "give the value as a whole number");
        if (c.value < c.def->min || c.value > c.def->max)
            return req_fail(r, LX_EINVAL, "value", "%s must be between %lld and %lld",
                            c.def->key, (long long)c.def->min, (long long)c.def->max);
    }
    lx_status rc = store_txn(set_txn, &c);
    if (rc)
        return rc;
    req_reply(r, 200, c.def->def_text
                          ? json_pack("{s:s,s:s}", "key", c.def->key, "value", c.text)
                          : json_pack("{s:s,s:I}", "key", c.def->key, "value", c.value));
    return LX_OK;
}
