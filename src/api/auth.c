/* auth.c -- logging in and out, who am I, changing one's password. */
#include "api/api.h"
#include "core/password.h"
#include "core/vocab.h"
#include "store/audit.h"
#include "store/policies.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/timeutil.h"

#include <pthread.h>
#include <string.h>

/* A dummy hash so that an unknown user costs as much time as a known one. */
static char dummy[128];
static void make_dummy(void)
{
    crypto_password_hash("not-a-real-password-Aa1!", dummy);
}

static const char *dummy_hash(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_dummy);
    return dummy;
}

void api_audit_read(req *r, const char *action, const char *object, const char *detail)
{
    audit_rec ar = {r->authed ? &r->who : NULL, r->addr, action, object, "ok", detail};
    audit_enqueue(&ar);
}

void api_audit_now(req *r, const char *action, const char *object, const char *outcome,
                   const char *detail)
{
    audit_rec ar = {r->authed ? &r->who : NULL, r->addr, action, object, outcome, detail};
    audit_log(&ar);
}

static void cookie(req *r, const char *token, int max_age)
{
    char c[256];
    snprintf(c, sizeof c, "lx_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", token,
             max_age, r->tls ? "; Secure" : "");
    req_cookie(r, c);
}

static json_t *me_json(const user *u, const char *csrf, int must_change)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:b}", "id", (json_int_t)u->id, "username",
                     u->username, "display_name", u->display_name, "role", u->role, "county_id",
                     (json_int_t)u->county_id, "node_id", (json_int_t)u->node_id, "member_id",
                     (json_int_t)u->member_id, "csrf_token", csrf ? csrf : "",
                     "must_change_password", must_change);
}

typedef struct login_ctx {
    req *r;
    const char *username, *password;
    user u;
    int found;              /* the account exists */
    int ok;                 /* credentials were right */
    int locked;             /* account or address locked */
    int64_t locked_until;   /* until when */
    char token[40], csrf[40];
} login_ctx;

/* Is the account or the address locked now? Sets c->locked / locked_until. */
static lx_status check_locks(login_ctx *c, db *d, int64_t now)
{
    char key[96];
    login_failures fu, fa;
    lx_status rc;
    snprintf(key, sizeof key, "u:%s", c->username);
    if ((rc = login_failures_get(d, key, &fu)))
        return rc;
    snprintf(key, sizeof key, "a:%s", c->r->addr);
    if ((rc = login_failures_get(d, key, &fa)))
        return rc;
    c->locked_until = fu.locked_until > fa.locked_until ? fu.locked_until : fa.locked_until;
    c->locked = c->locked_until > now;
    return LX_OK;
}

/* The write half of a login: count the failure or clear the counters, open
 * the session, audit. The password was checked before, outside the write
 * lock (argon2id is slow on purpose); the locks are checked again here so
 * that parallel guesses cannot slip past the limit. */
static lx_status login_txn(void *arg, db *d)
{
    login_ctx *c = arg;
    req *r = c->r;
    char ukey[96], akey[96], object[96];
    login_failures fu, fa;
    int64_t now = lx_now();
    int64_t cid = c->found ? c->u.county_id : 0;
    int64_t max = policy_get(d, cid, "login.max_failures");
    int64_t lock = policy_get(d, cid, "login.lock_minutes") * 60;
    audit_rec ar = {NULL, r->addr, "login", object, NULL, NULL};
    lx_status rc;

    snprintf(ukey, sizeof ukey, "u:%s", c->username);
    snprintf(akey, sizeof akey, "a:%s", r->addr);
    snprintf(object, sizeof object, "user:%s", c->username);
    if ((rc = check_locks(c, d, now)))
        return rc;
    if (c->locked) {
        c->ok = 0;
        ar.outcome = "locked";
        return audit_append(d, &ar);
    }
    if (!c->ok) {
        if ((rc = login_failures_add(d, ukey, now, max, lock, &fu)) ||
            (rc = login_failures_add(d, akey, now, max, lock, &fa)))
            return rc;
        c->locked_until = fu.locked_until > fa.locked_until ? fu.locked_until : fa.locked_until;
        c->locked = c->locked_until > now;
        ar.outcome = c->locked ? "locked" : "failed";
        return audit_append(d, &ar);
    }
    if ((rc = login_failures_clear(d, ukey)) || (rc = login_failures_clear(d, akey)))
        return rc;
    rc = session_create(d, c->u.id, r->addr, c->token, c->csrf);
    if (rc)
        return rc;
    principal who = {c->u.id, c->u.username, role_parse(c->u.role), c->u.county_id, c->u.node_id,
                     NULL, 0, 0, 0};
    ar.who = &who;
    ar.outcome = "ok";
    return audit_append(d, &ar);
}

lx_status api_login(req *r)
{
    login_ctx c;
    db *d = store_db();
    memset(&c, 0, sizeof c);
    c.r = r;
    if (!d)
        return LX_EIO;
    if (json_unpack(r->json, "{s:s,s:s!}", "username", &c.username, "password", &c.password))
        return req_fail(r, LX_EINVAL, "username",
                        "give exactly a username and a password, as strings");
    if (!*c.username || strlen(c.username) > 60)
        return req_fail(r, LX_EINVAL, "username", "the username is empty or too long");
    if (strlen(c.password) > 256)
        return req_fail(r, LX_EINVAL, "password", "the password is too long");
    lx_status rc = check_locks(&c, d, lx_now());
    if (rc)
        return rc;
    if (!c.locked) {
        c.found = users_by_name(d, c.username, &c.u) == LX_OK;
        /* An unknown name costs as much time as a known one. */
        int good = crypto_password_verify(c.found ? c.u.pw_hash : dummy_hash(), c.password);
        c.ok = c.found && good && c.u.active && !c.u.locked;
    }
    rc = store_txn(login_txn, &c);
    if (rc)
        return rc;
    if (c.locked) {
        int64_t mins = (c.locked_until - lx_now() + 59) / 60;
        return req_fail(r, LX_ELOCKED, "username",
                        "too many failed logins: locked for %lld more minutes",
                        (long long)(mins > 0 ? mins : 1));
    }
    if (!c.ok)
        return req_fail(r, LX_EAUTH, "password", "wrong username or password");
    password_policy pp = {(int)policy_get(d, c.u.county_id, "password.min_length"),
                          (int)policy_get(d, c.u.county_id, "password.min_classes"),
                          (int)policy_get(d, c.u.county_id, "password.max_age_days")};
    int must = c.u.must_change || password_expired(&pp, c.u.pw_changed_at, lx_now());
    if (must && !c.u.must_change && (rc = users_set_password(d, c.u.id, c.u.pw_hash, 1)))
        return rc;
    cookie(r, c.token, (int)(policy_get(d, c.u.county_id, "session.absolute_hours") * 3600));
    req_reply(r, 200, me_json(&c.u, c.csrf, must));
    return LX_OK;
}

lx_status api_logout(req *r)
{
    lx_status rc = req_no_body(r);
    if (rc)
        return rc;
    rc = session_end(store_db(), r->sess.token_hash);
    if (rc)
        return rc;
    api_audit_now(r, "logout", NULL, "ok", NULL);
    cookie(r, "", 0);
    req_reply(r, 200, json_pack("{s:b}", "ok", 1));
    return LX_OK;
}

lx_status api_me(req *r)
{
    req_reply(r, 200, me_json(&r->sess.u, r->sess.csrf, r->sess.u.must_change));
    return LX_OK;
}

typedef struct pw_ctx {
    req *r;
    char hash[128];
    char token[40], csrf[40];
} pw_ctx;

static lx_status password_txn(void *arg, db *d)
{
    pw_ctx *c = arg;
    req *r = c->r;
    lx_status rc = users_set_password(d, r->who.user_id, c->hash, 0);
    if (!rc)
        rc = session_end_user(d, r->who.user_id);
    if (!rc)
        rc = session_create(d, r->who.user_id, r->addr, c->token, c->csrf);
    audit_rec ar = {&r->who, r->addr, "password.change", NULL, "ok", NULL};
    if (!rc)
        rc = audit_append(d, &ar);
    return rc;
}

lx_status api_password(req *r)
{
    const char *old = NULL, *neu = NULL, *why = NULL;
    db *d = store_db();
    pw_ctx c;
    if (json_unpack(r->json, "{s:s,s:s!}", "old_password", &old, "new_password", &neu))
        return req_fail(r, LX_EINVAL, "new_password", "give old_password and new_password");
    if (!crypto_password_verify(r->sess.u.pw_hash, old))
        return req_fail(r, LX_EINVAL, "old_password", "the old password is wrong");
    password_policy pp = {(int)policy_get(d, r->who.county_id, "password.min_length"),
                          (int)policy_get(d, r->who.county_id, "password.min_classes"),
                          (int)policy_get(d, r->who.county_id, "password.max_age_days")};
    if (password_check(&pp, neu, r->who.username, &why) != LX_OK)
        return req_fail(r, LX_EINVAL, "new_password",
                        "the new password does not meet the policy (%s): at least %d characters"
                        " and %d of lower case, upper case, digits and symbols, not containing"
                        " the username",
                        why, pp.min_length, pp.min_classes);
    if (!strcmp(old, neu))
        return req_fail(r, LX_EINVAL, "new_password", "the new password must differ from the old");
    memset(&c, 0, sizeof c);
    c.r = r;
    if (crypto_password_hash(neu, c.hash) != 0)
        return LX_EIO;
    lx_status rc = store_txn(password_txn, &c);
    if (rc)
        return rc;
    /* Every other session ended; this browser continues on a fresh one. */
    cookie(r, c.token, (int)(policy_get(d, r->who.county_id, "session.absolute_hours") * 3600));
    r->sess.u.must_change = 0;
    req_reply(r, 200, me_json(&r->sess.u, c.csrf, 0));
    return LX_OK;
}

lx_status api_health(req *r)
{
    req_reply(r, 200, json_pack("{s:s}", "status", "ok"));
    return LX_OK;
}

lx_status api_vocab(req *r)
{
    const vocab *all[] = {&vocab_gender, &vocab_rank, &vocab_category, &vocab_skill,
                          &vocab_tag, &vocab_difficulty, &vocab_relation, &vocab_node_kind,
                          &vocab_unit_kind, &vocab_org_kind, &vocab_org_basis,
                          &vocab_contact_kind, &vocab_talk_situation,
                          &vocab_request_category, &vocab_case_channel,
                          &vocab_case_priority, &vocab_case_state, &vocab_case_rating,
                          &vocab_follow_up};
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        json_t *arr = json_array();
        for (size_t k = 0; k < all[i]->n; k++) {
            const vocab_term *t = &all[i]->terms[k];
            json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "code", t->code, "zh",
                                                 t->zh, "zh_tw", t->zh_tw, "en", t->en));
        }
        json_object_set_new(o, all[i]->name, arr);
    }
    req_reply(r, 200, o);
    return LX_OK;
}
