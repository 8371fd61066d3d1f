/* links.c -- the HTTP face of unit-village pairs, contact points, assistance tasks and the
 * assistance quota presets. */
#include "api/api.h"
#include "core/utf8.h"
#include "store/audit.h"
#include "store/links.h"
#include "store/policies.h"
#include "store/store.h"
#include "util/msgcat.h"

#include <stdlib.h>
#include <string.h>

/* ---- input ---- */


/* The common list parameters: two id filters named a and b, a place filter
 * named c (NULL: none), active, after, limit. Every other parameter is
 * refused, naming it. */
static lx_status list_query(req *r, const char *a, const char *b, const char *c, links_query *lq)
{
    const char *const known[] = {a, b, "active", "after", "limit", c, NULL};
    int64_t limit = 0;
    lx_status rc = req_query_only(r, known);
    memset(lq, 0, sizeof *lq);
    lq->limit = 50;
    if (!rc)
        rc = req_query_id(r, a, &lq->a);
    if (!rc)
        rc = req_query_id(r, b, &lq->b);
    if (!rc && c)
        rc = req_query_id(r, c, &lq->node);
    if (!rc)
        rc = req_query_id(r, "after", &lq->after);
    if (!rc)
        rc = req_query_id(r, "limit", &limit);
    if (!rc)
        rc = req_query_active(r, &lq->active);
    if (rc)
        return rc;
    if (limit > 500)
        return req_fail(r, LX_EINVAL, "limit", "limit must be 1 to 500");
    if (limit)
        lq->limit = (int)limit;
    return LX_OK;
}

/* One declared field of a JSON body. */
typedef struct body_field {
    const char *name; /* the key */
    char type;        /* 'i' a positive id, 's' text */
    void *out;        /* json_int_t * or const char ** (borrowed from r->json) */
} body_field;

/* Read a body that must hold exactly the declared fields: an unknown field,
 * a missing or null one, or one of the wrong type is refused naming it. */
static lx_status read_body(req *r, const body_field *f, size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach(r->json, key, v)
    {
        size_t i = 0;
        while (i < n && strcmp(f[i].name, key))
            i++;
        if (i == n)
            return req_fail(r, LX_EINVAL, key, "unknown field %s", key);
    }
    for (size_t i = 0; i < n; i++) {
        v = json_object_get(r->json, f[i].name);
        if (!v || json_is_null(v))
            return req_fail(r, LX_EINVAL, f[i].name, "%s is required", lx_word(f[i].name));
        if (f[i].type == 'i') {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return req_fail(r, LX_EINVAL, f[i].name, "%s must be a positive id",
                                lx_word(f[i].name));
            *(json_int_t *)f[i].out = json_integer_value(v);
        } else {
            if (!json_is_string(v))
                return req_fail(r, LX_EINVAL, f[i].name, "%s must be text", lx_word(f[i].name));
            *(const char **)f[i].out = json_string_value(v);
        }
    }
    return LX_OK;
}

/* Text with at least one character that is not white space. */
static int has_words(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s))
            return 1;
    return 0;
}

/* A reason (2 to 500 characters) or a title (1 to 200), naming the field. */
static lx_status check_text(req *r, const char *field, const char *s, size_t min, size_t max)
{
    size_t n = utf8_chars(s);
    if (n < min || !has_words(s))
        return strcmp(field, "reason") ? req_fail(r, LX_EINVAL, field, "give a title")
                                       : req_fail(r, LX_EINVAL, field, "say why");
    if (n > max)
        return req_fail(r, LX_EINVAL, field, "%s is too long (%zu characters at most)",
                        lx_word(field), max);
    return LX_OK;
}

/* Reply with a list page. */
static void reply_page(req *r, json_t *items, int64_t next)
{
    req_reply(r, 200,
              json_pack("{s:o,s:o}", "items", items, "next",
                        next ? json_string(arena_printf(r->a, "%lld", (long long)next))
                             : json_null()));
}

/* ---- one write in one transaction ---- */

typedef enum link_op {
    OP_UV_CREATE,
    OP_UV_END,
    OP_CP_CREATE,
    OP_CP_END,
    OP_TASK_CREATE,
    OP_TASK_CLOSE,
} link_op;

typedef struct link_ctx {
    req *r;
    link_op op;
    json_int_t id;       /* the target (end, close) or the pairing (task create) */
    json_int_t a, b;     /* unit_id, node_id / member_id, org_id */
    const char *kind;    /* contact point kind */
    const char *text;    /* reason, or a task's title */
    int64_t new_id;      /* what was created */
    json_t *out;         /* tasks: the task as it now is (owned) */
} link_ctx;

static lx_status link_txn(void *arg, db *d)
{
    link_ctx *c = arg;
    const principal *who = &c->r->who;
    const char *addr = c->r->addr;
    lx_error *e = &c->r->err;
    switch (c->op) {
    case OP_UV_CREATE:
        return links_uv_create(d, who, addr, c->a, c->b, c->text, &c->new_id, e);
    case OP_UV_END: return links_uv_end(d, who, addr, c->id, c->text, e);
    case OP_CP_CREATE:
        return links_cp_create(d, who, addr, c->a, c->b, c->kind, c->text, &c->new_id, e);
    case OP_CP_END: return links_cp_end(d, who, addr, c->id, c->text, e);
    case OP_TASK_CREATE: return links_task_create(d, who, addr, c->id, c->text, &c->out, e);
    case OP_TASK_CLOSE: return links_task_close(d, who, addr, c->id, &c->out, e);
    }
    return LX_EIO;
}

/* Run the write; on success answer with `status` and the record read back
 * by get (or c->out when get is NULL). */
static lx_status link_write(req *r, link_ctx *c, int status,
                            lx_status (*get)(db *, const principal *, int64_t, json_t **),
                            int64_t id)
{
    json_t *out = NULL;
    lx_status rc = store_txn(link_txn, c);
    if (rc) {
        json_decref(c->out);
        return rc;
    }
    if (get) {
        rc = get(store_db(), &r->who, id ? id : c->new_id, &out);
        if (rc)
            return rc;
    } else {
        out = c->out;
    }
    req_reply(r, status, out);
    return LX_OK;
}

/* An end: the body is {reason}. */
static lx_status end_generic(req *r, link_op op,
                             lx_status (*get)(db *, const principal *, int64_t, json_t **))
{
    link_ctx c = {r, op, req_id(r, 0), 0, 0, NULL, NULL, 0, NULL};
    body_field f[] = {{"reason", 's', &c.text}};
    lx_status rc = read_body(r, f, 1);
    if (!rc)
        rc = check_text(r, "reason", c.text, 2, 500);
    if (!rc && c.id <= 0)
        rc = req_fail(r, LX_ENOTFOUND, "id", "no such record in your scope");
    if (rc)
        return rc;
    return link_write(r, &c, 200, get, c.id);
}

/* A list of one kind of link: its id filters and its store function. */
static lx_status list_generic(req *r, const char *a, const char *b, const char *c,
                              lx_status (*fn)(db *, const principal *, const links_query *,
                                              json_t **, int64_t *))
{
    links_query lq;
    json_t *items = NULL;
    int64_t next = 0;
    lx_status rc = list_query(r, a, b, c, &lq);
    if (!rc)
        rc = fn(store_db(), &r->who, &lq, &items, &next);
    if (rc)
        return rc;
    reply_page(r, items, next);
    return LX_OK;
}

/* ---- units paired with villages ---- */

lx_status api_unit_villages_list(req *r)
{
    return list_generic(r, "unit_id", "node_id", NULL, links_uv_list);
}

lx_status api_unit_villages_create(req *r)
{
    link_ctx c = {r, OP_UV_CREATE, 0, 0, 0, NULL, NULL, 0, NULL};
    body_field f[] = {{"unit_id", 'i', &c.a}, {"node_id", 'i', &c.b}, {"reason", 's', &c.text}};
    lx_status rc = read_body(r, f, 3);
    if (!rc)
        rc = check_text(r, "reason", c.text, 2, 500);
    if (rc)
        return rc;
    return link_write(r, &c, 201, links_uv_get, 0);
}

lx_status api_unit_villages_end(req *r)
{
    return end_generic(r, OP_UV_END, links_uv_get);
}

/* ---- contact points ---- */

lx_status api_contact_points_list(req *r)
{
    return list_generic(r, "member_id", "org_id", "node_id", links_cp_list);
}

lx_status api_contact_points_create(req *r)
{
    link_ctx c = {r, OP_CP_CREATE, 0, 0, 0, NULL, NULL, 0, NULL};
    body_field f[] = {{"member_id", 'i', &c.a},
                      {"org_id", 'i', &c.b},
                      {"kind", 's', &c.kind},
                      {"reason", 's', &c.text}};
    lx_status rc = read_body(r, f, 4);
    if (!rc)
        rc = check_text(r, "reason", c.text, 2, 500);
    if (rc)
        return rc;
    return link_write(r, &c, 201, links_cp_get, 0);
}

lx_status api_contact_points_end(req *r)
{
    return end_generic(r, OP_CP_END, links_cp_get);
}

/* ---- assistance tasks ---- */

lx_status api_tasks_list(req *r)
{
    static const char *const known[] = {NULL};
    json_t *items = NULL;
    int64_t id = req_id(r, 0);
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    if (id <= 0)
        return req_fail(r, LX_ENOTFOUND, "id", "no such pairing in your scope");
    rc = links_task_list(store_db(), &r->who, id, &items, &r->err);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:o}", "items", items));
    return LX_OK;
}

lx_status api_tasks_create(req *r)
{
    link_ctx c = {r, OP_TASK_CREATE, req_id(r, 0), 0, 0, NULL, NULL, 0, NULL};
    body_field f[] = {{"title", 's', &c.text}};
    lx_status rc = read_body(r, f, 1);
    if (!rc)
        rc = check_text(r, "title", c.text, 1, 200);
    if (!rc && c.id <= 0)
        rc = req_fail(r, LX_ENOTFOUND, "id", "no such pairing in your scope");
    if (rc)
        return rc;
    return link_write(r, &c, 201, NULL, 0);
}

lx_status api_tasks_close(req *r)
{
    link_ctx c = {r, OP_TASK_CLOSE, req_id(r, 0), 0, 0, NULL, NULL, 0, NULL};
    lx_status rc = req_no_body(r);
    if (!rc && c.id <= 0)
        rc = req_fail(r, LX_ENOTFOUND, "id", "no such task in your scope");
    if (rc)
        return rc;
    return link_write(r, &c, 200, NULL, 0);
}

/* ---- the assistance quota presets of the seeds ---- */

#define PRESET_NKEYS 5
static const char *const preset_keys[PRESET_NKEYS] = {
    "assistance.quota.city_leader", "assistance.quota.county_leader", "assistance.quota.middle",
    "assistance.quota.ordinary", "assistance.quota.village_official"};

/* Quotas by rank, in the order of preset_keys. */
static const struct preset {
    const char *name;             /* as in the path */
    int64_t quota[PRESET_NKEYS];  /* the values */
} presets[] = {
    /* 001 结穷亲: city-managed 5, county-managed 4, middle 3, ordinary 2, graduate official 1 */
    {"seed001", {5, 4, 3, 2, 1}},
    /* 003: deputy-section level and above 2, ordinary cadres 1 */
    {"seed003", {2, 2, 2, 1, 1}},
};

typedef struct preset_ctx {
    req *r;
    const struct preset *p;
} preset_ctx;

static lx_status preset_txn(void *arg, db *d)
{
    preset_ctx *c = arg;
    int64_t county = c->r->who.county_id;
    json_t *before = json_object(), *after = json_object();
    lx_status rc = LX_OK;
    for (int i = 0; !rc && i < PRESET_NKEYS; i++) {
        json_object_set_new(before, preset_keys[i],
                            json_integer(policy_get(d, county, preset_keys[i])));
        rc = policy_set(d, county, preset_keys[i], c->p->quota[i], c->r->who.user_id);
        json_object_set_new(after, preset_keys[i], json_integer(c->p->quota[i]));
    }
    if (rc) {
        json_decref(before);
        json_decref(after);
        return rc;
    }
    /* One record for the whole preset. */
    json_t *dj = json_pack("{s:s,s:o,s:o}", "preset", c->p->name, "before", before, "after",
                           after);
    char *detail = json_dumps(dj, JSON_COMPACT);
    audit_rec ar = {&c->r->who, c->r->addr, "policies.preset", c->p->name, "ok", detail};
    rc = audit_append(d, &ar);
    free(detail);
    json_decref(dj);
    return rc;
}

lx_status api_policy_preset(req *r)
{
    preset_ctx c = {r, NULL};
    const char *name = r->nparam > 0 ? r->param[0] : "";
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (!strcmp(name, presets[i].name))
            c.p = &presets[i];
    if (!c.p)
        return req_fail(r, LX_ENOTFOUND, "name", "no such preset; there are seed001 and seed003");
    /* The route lets both policy owners in; quotas are work rules, the county's. */
    if (!rbac_allows(r->who.role, PERM_POLICY_WORK))
        return req_fail(r, LX_EDENIED, "name", "the quotas belong to the county administrator");
    lx_status rc = req_no_body(r);
    if (!rc)
        rc = store_txn(preset_txn, &c);
    if (rc)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < PRESET_NKEYS; i++)
        json_array_append_new(items, json_pack("{s:s,s:I}", "key", preset_keys[i], "value",
                                               (json_int_t)c.p->quota[i]));
    req_reply(r, 200, json_pack("{s:s,s:o}", "name", c.p->name, "items", items));
    return LX_OK;
}
