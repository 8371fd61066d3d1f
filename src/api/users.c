/* users.c -- operational accounts: list, create, reset a password, lock and unlock. */
#include "api/api.h"
#include "core/password.h"
#include "store/audit.h"
#include "store/policies.h"
#include "store/registry.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <string.h>

static json_t *user_json(const user *u)
{
    char ts[32];
    lx_iso8601(u->created_at, ts, sizeof ts);
    return json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:b,s:b,s:b,s:s}", "id", (json_int_t)u->id,
                     "username", u->username, "display_name", u->display_name, "role", u->role,
                     "node_id", (json_int_t)u->node_id, "member_id", (json_int_t)u->member_id,
                     "household_id", (json_int_t)u->household_id, "must_change_password",
                     u->must_change, "locked", u->locked, "active", u->active, "created_at", ts);
}

static void add_user(void *ctx, const user *u)
{
    json_array_append_new(ctx, user_json(u));
}

lx_status api_users_list(req *r)
{
    static const char *const known[] = {NULL};
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    json_t *arr = json_array();
    /* Accounts are seen over the caller's subtree (scope_for); with none, none. */
    scope s = scope_for(&r->who, RES_USERS);
    if (s.kind != SCOPE_SUBTREE) {
        req_reply(r, 200, json_pack("{s:o}", "items", arr));
        return LX_OK;
    }
    rc = users_each(store_db(), r->who.county_id, s.path, add_user, arr);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    req_reply(r, 200, json_pack("{s:o}", "items", arr));
    return LX_OK;
}

/* A one-time password that meets every policy: shown once, changed at first login. */
static void temp_password(char out[20])
{
    char t[TOKEN_LEN + 1];
    crypto_token(t);
    snprintf(out, 20, "Lx-%.12s7a", t);
}

typedef struct ucreate {
    req *r;
    user u;
    int64_t id;
} ucreate;

static lx_status create_txn(void *arg, db *d)
{
    ucreate *c = arg;
    lx_status rc = users_create(d, &c->u, &c->id);
    if (rc == LX_ECONFLICT)
        return req_fail(c->r, LX_ECONFLICT, "username", "this username is taken");
    if (rc)
        return rc;
    json_t *dj = json_pack("{s:s,s:s,s:I}", "username", c->u.username, "role", c->u.role,
                           "node_id", (json_int_t)c->u.node_id);
    char *detail = json_dumps(dj, JSON_COMPACT);
    audit_rec ar = {&c->r->who, c->r->addr, "users.create",
                    arena_printf(c->r->a, "users/%lld", (long long)c->id), "ok", detail};
    rc = audit_append(d, &ar);
    free(detail);
    json_decref(dj);
    return rc;
}

lx_status api_users_create(req *r)
{
    const char *username = NULL, *display = NULL, *role_s = NULL;
    json_int_t node = 0, member = 0, household = 0;
    char pw[20];
    ucreate c;
    memset(&c, 0, sizeof c);
    c.r = r;
    if (json_unpack(r->json, "{s:s,s?s,s:s,s?I,s?I,s?I!}", "username", &username, "display_name",
                    &display, "role", &role_s, "node_id", &node, "member_id", &member,
                    "household_id", &household))
        return req_fail(r, LX_EINVAL, "body",
                        "give username, role and node_id (display_name, member_id, household_id"
                        " optional) and nothing else");
    size_t ul = strlen(username);
    if (ul < 3 || ul > 60 || strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != ul)
        return req_fail(r, LX_EINVAL, "username",
                        "3-60 characters of lower-case letters, digits, . _ -");
    user_role role = role_parse(role_s);
    if (role == ROLE_NONE)
        return req_fail(r, LX_EINVAL, "role", "unknown role");
    /* 三权分立: the three administrators are made only on the server's own
     * command line, never by one another. */
    if (role_is_admin_triad(role))
        return req_fail(r, LX_EDENIED, "role",
                        "administrator accounts are created with `lianxin user add` on the server");
    if (role != ROLE_MEMBER && role != ROLE_RESIDENT) {
        scope s = scope_for(&r->who, RES_NODES);
        record *n = NULL;
        if (node <= 0)
            return req_fail(r, LX_EINVAL, "node_id", "node_id is required for this role");
        if (registry_get(store_db(), r->a, record_resource(RES_NODES), &s, node, &n))
            return req_fail(r, LX_EINVAL, "node_id", "no such node in your scope");
    }
    if (role == ROLE_MEMBER && member <= 0)
        return req_fail(r, LX_EINVAL, "member_id", "a member account needs member_id");
    if (role == ROLE_RESIDENT && household <= 0)
        return req_fail(r, LX_EINVAL, "household_id", "a resident account needs household_id");
    c.u.county_id = r->who.county_id;
    lx_strlcpy(c.u.username, username, sizeof c.u.username);
    lx_strlcpy(c.u.display_name, display ? display : username, sizeof c.u.display_name);
    lx_strlcpy(c.u.role, role_code(role), sizeof c.u.role);
    c.u.node_id = node;
    c.u.member_id = member;
    c.u.household_id = household;
    c.u.must_change = (int)policy_get(store_db(), r->who.county_id, "password.change_at_first_login");
    temp_password(pw);
    if (crypto_password_hash(pw, c.u.pw_hash) != 0)
        return LX_EIO;
    lx_status rc = store_txn(create_txn, &c);
    if (rc)
        return rc;
    json_t *out = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)c.id, "username", username,
                            "initial_password", pw);
    req_reply(r, 201, out);
    return LX_OK;
}

typedef struct uflag {
    req *r;
    int64_t id;
    const char *what;   /* "reset", "lock", "unlock" */
    char hash[128];
} uflag;

static lx_status flag_txn(void *arg, db *d)
{
    uflag *c = arg;
    user u;
    lx_status rc = users_get(d, c->id, &u);
    if (rc == LX_ENOTFOUND || (!rc && u.county_id != c->r->who.county_id))
        return req_fail(c->r, LX_ENOTFOUND, "id", "no such account");
    if (rc)
        return rc;
    if (u.id == c->r->who.user_id)
        return req_fail(c->r, LX_EDENIED, "id", "you cannot do this to your own account");
    if (role_is_admin_triad(role_parse(u.role)))
        return req_fail(c->r, LX_EDENIED, "id",
                        "administrator accounts are managed on the server's command line");
    if (!strcmp(c->what, "reset"))
        rc = users_set_password(d, c->id, c->hash,
                                (int)policy_get(d, u.county_id, "password.change_at_first_login"));
    else
        rc = users_set_flag(d, c->id, "locked", !strcmp(c->what, "lock"));
    if (!rc)
        rc = session_end_user(d, c->id);
    if (!rc && !strcmp(c->what, "unlock")) {
        char key[96];
        snprintf(key, sizeof key, "u:%s", u.username);
        rc = login_failures_clear(d, key);
    }
    audit_rec ar = {&c->r->who, c->r->addr, arena_printf(c->r->a, "users.%s", c->what),
                    arena_printf(c->r->a, "users/%lld", (long long)c->id), "ok", NULL};
    if (!rc)
        rc = audit_append(d, &ar);
    return rc;
}

static lx_status user_flag(req *r, const char *what, char *pw)
{
    uflag c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.id = req_id(r, 0);
    c.what = what;
    if (req_no_body(r))
        return LX_EINVAL;
    if (pw) {
        temp_password(pw);
        if (crypto_password_hash(pw, c.hash) != 0)
            return LX_EIO;
    }
    return store_txn(flag_txn, &c);
}

lx_status api_users_reset(req *r)
{
    char pw[20];
    lx_status rc = user_flag(r, "reset", pw);
    if (!rc)
        req_reply(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)req_id(r, 0),
                                    "initial_password", pw));
    return rc;
}

lx_status api_users_lock(req *r)
{
    lx_status rc = user_flag(r, "lock", NULL);
    if (!rc)
        req_reply(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)req_id(r, 0), "locked", 1));
    return rc;
}

lx_status api_users_unlock(req *r)
{
    lx_status rc = user_flag(r, "unlock", NULL);
    if (!rc)
        req_reply(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)req_id(r, 0), "locked", 0));
    return rc;
}
