/* users.c -- accounts, sessions and failed-login counters. */
#include "store/users.h"
#include "util/crypto.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <string.h>

#define USER_COLS                                                                              \
    "u.id, coalesce(u.county_id, 0), coalesce(u.node_id, 0), coalesce(u.member_id, 0),"      \
    " coalesce(m.unit_id, 0), coalesce(u.household_id, 0), u.username, u.display_name,"      \
    " u.role, coalesce(n.path, ''), u.pw_hash, u.must_change, u.locked, u.active,"            \
    " u.pw_changed_at, u.created_at"
#define USER_FROM                                                                              \
    " FROM users u LEFT JOIN nodes n ON n.id = u.node_id LEFT JOIN members m ON m.id = u.member_id"

static void load_user(db_stmt *st, int c, user *u)
{
    memset(u, 0, sizeof *u);
    u->id = db_col_int(st, c + 0);
    u->county_id = db_col_int(st, c + 1);
    u->node_id = db_col_int(st, c + 2);
    u->member_id = db_col_int(st, c + 3);
    u->unit_id = db_col_int(st, c + 4);
    u->household_id = db_col_int(st, c + 5);
    lx_strlcpy(u->username, db_col_text(st, c + 6), sizeof u->username);
    lx_strlcpy(u->display_name, db_col_text(st, c + 7), sizeof u->display_name);
    lx_strlcpy(u->role, db_col_text(st, c + 8), sizeof u->role);
    lx_strlcpy(u->node_path, db_col_text(st, c + 9), sizeof u->node_path);
    lx_strlcpy(u->pw_hash, db_col_text(st, c + 10), sizeof u->pw_hash);
    u->must_change = (int)db_col_int(st, c + 11);
    u->locked = (int)db_col_int(st, c + 12);
    u->active = (int)db_col_int(st, c + 13);
    u->pw_changed_at = db_col_int(st, c + 14);
    u->created_at = db_col_int(st, c + 15);
}

static void bind_opt(db_stmt *st, int i, int64_t v)
{
    if (v)
        db_bind_int(st, i, v);
    else
        db_bind_null(st, i);
}

lx_status users_create(db *d, const user *u, int64_t *id)
{
    db_stmt *st = NULL;
    int row = 0;
    int64_t now = lx_now();
    lx_status rc = db_prepare(d,
                              "INSERT INTO users (county_id, username, display_name, pw_hash, role,"
                              " node_id, member_id, household_id, must_change, pw_changed_at,"
                              " locked, active, created_at, updated_at)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?) RETURNING id",
                              &st);
    if (rc)
        return rc;
    bind_opt(st, 1, u->county_id);
    db_bind_text(st, 2, u->username);
    db_bind_text(st, 3, u->display_name);
    db_bind_text(st, 4, u->pw_hash);
    db_bind_text(st, 5, u->role);
    bind_opt(st, 6, u->node_id);
    bind_opt(st, 7, u->member_id);
    bind_opt(st, 8, u->household_id);
    db_bind_int(st, 9, u->must_change);
    db_bind_int(st, 10, now);
    db_bind_int(st, 11, now);
    db_bind_int(st, 12, now);
    rc = db_step(st, &row);
    if (!rc && row)
        *id = db_col_int(st, 0);
    db_done(st);
    return rc;
}

static lx_status user_by(db *d, const char *where, const char *name, int64_t id, user *out)
{
    db_stmt *st = NULL;
    int row = 0;
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT " USER_COLS USER_FROM " WHERE %s", where);
    lx_status rc = db_prepare(d, sql, &st);
    if (rc)
        return rc;
    if (name)
        db_bind_text(st, 1, name);
    else
        db_bind_int(st, 1, id);
    rc = db_step(st, &row);
    if (!rc && row)
        load_user(st, 0, out);
    else if (!rc)
        rc = LX_ENOTFOUND;
    db_done(st);
    return rc;
}

lx_status users_by_name(db *d, const char *username, user *out)
{
    return user_by(d, "u.username = ?", username, 0, out);
}

lx_status users_get(db *d, int64_t id, user *out)
{
    return user_by(d, "u.id = ?", NULL, id, out);
}

lx_status users_set_password(db *d, int64_t id, const char *pw_hash, int must_change)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, "UPDATE users SET pw_hash = ?, must_change = ?,"
                                 " pw_changed_at = ?, updated_at = ? WHERE id = ?",
                              &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, pw_hash);
    db_bind_int(st, 2, must_change);
    db_bind_int(st, 3, lx_now());
    db_bind_int(st, 4, lx_now());
    db_bind_int(st, 5, id);
    rc = db_run(st);
    db_done(st);
    return rc;
}

lx_status users_set_flag(db *d, int64_t id, const char *flag, int value)
{
    db_stmt *st = NULL;
    const char *sql = !strcmp(flag, "locked")
                          ? "UPDATE users SET locked = ?, updated_at = ? WHERE id = ?"
                          : "UPDATE users SET active = ?, updated_at = ? WHERE id = ?";
    lx_status rc = db_prepare(d, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, value);
    db_bind_int(st, 2, lx_now());
    db_bind_int(st, 3, id);
    rc = db_run(st);
    db_done(st);
    return rc;
}

lx_status users_each(db *d, int64_t county_id, const char *path,
                     void (*fn)(void *ctx, const user *u), void *ctx)
{
    db_stmt *st = NULL;
    int row = 0;
    user u;
    lx_status rc = db_prepare(d,
                              "SELECT " USER_COLS USER_FROM
                              " WHERE (u.county_id = ? OR u.county_id IS NULL)"
                              " AND (? IS NULL OR (n.path >= ? AND n.path < ? || '~'))"
                              " ORDER BY u.id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    db_bind_text(st, 2, path);
    db_bind_text(st, 3, path);
    db_bind_text(st, 4, path);
    while (!(rc = db_step(st, &row)) && row) {
        load_user(st, 0, &u);
        fn(ctx, &u);
    }
    db_done(st);
    return rc;
}

lx_status session_create(db *d, int64_t user_id, const char *addr, char token[40], char csrf[40])
{
    db_stmt *st = NULL;
    char hash[65];
    int64_t now = lx_now();
    crypto_token(token);
    crypto_token(csrf);
    crypto_token_hash(token, hash);
    lx_status rc = db_prepare(d, "INSERT INTO sessions (token_hash, user_id, csrf, addr,"
                                 " created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)",
                              &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, user_id);
    db_bind_text(st, 3, csrf);
    db_bind_text(st, 4, addr);
    db_bind_int(st, 5, now);
    db_bind_int(st, 6, now);
    rc = db_run(st);
    db_done(st);
    return rc;
}

lx_status session_find(db *d, const char *token, session *out)
{
    db_stmt *st = NULL;
    int row = 0;
    char hash[65];
    crypto_token_hash(token, hash);
    lx_status rc = db_prepare(d,
                              "SELECT s.token_hash, s.csrf, s.created_at, s.seen_at, " USER_COLS
                              " FROM sessions s JOIN users u ON u.id = s.user_id"
                              " LEFT JOIN nodes n ON n.id = u.node_id"
                              " LEFT JOIN members m ON m.id = u.member_id"
                              " WHERE s.token_hash = ?",
                              &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, hash);
    rc = db_step(st, &row);
    if (!rc && row) {
        lx_strlcpy(out->token_hash, db_col_text(st, 0), sizeof out->token_hash);
        lx_strlcpy(out->csrf, db_col_text(st, 1), sizeof out->csrf);
        out->created_at = db_col_int(st, 2);
        out->seen_at = db_col_int(st, 3);
        load_user(st, 4, &out->u);
    } else if (!rc) {
        rc = LX_ENOTFOUND;
    }
    db_done(st);
    return rc;
}

static lx_status exec_text_int(db *d, const char *sql, const char *t, int64_t i, int order)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, sql, &st);
    if (rc)
        return rc;
    if (order) {
        db_bind_int(st, 1, i);
        if (t)
            db_bind_text(st, 2, t);
    } else {
        if (t)
            db_bind_text(st, 1, t);
    }
    rc = db_run(st);
    db_done(st);
    return rc;
}

lx_status session_touch(db *d, const char *token_hash, int64_t now)
{
    return exec_text_int(d, "UPDATE sessions SET seen_at = ? WHERE token_hash = ?", token_hash,
                         now, 1);
}

lx_status session_end(db *d, const char *token_hash)
{
    return exec_text_int(d, "DELETE FROM sessions WHERE token_hash = ?", token_hash, 0, 0);
}

lx_status session_end_user(db *d, int64_t user_id)
{
    return exec_text_int(d, "DELETE FROM sessions WHERE user_id = ?", NULL, user_id, 1);
}

lx_status login_failures_get(db *d, const char *key, login_failures *out)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT count, locked_until FROM login_failures WHERE key = ?", &st);
    out->count = 0;
    out->locked_until = 0;
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    rc = db_step(st, &row);
    if (!rc && row) {
        out->count = db_col_int(st, 0);
        out->locked_until = db_col_int(st, 1);
    }
    db_done(st);
    return rc;
}

lx_status login_failures_add(db *d, const char *key, int64_t now, int64_t max, int64_t lock_secs,
                             login_failures *out)
{
    db_stmt *st = NULL;
    lx_status rc = login_failures_get(d, key, out);
    if (rc)
        return rc;
    /* A lock that has run out starts a fresh count. */
    if (out->locked_until && out->locked_until <= now)
        out->count = 0;
    out->count++;
    out->locked_until = out->count >= max ? now + lock_secs : 0;
    rc = db_prepare(d, "INSERT INTO login_failures (key, count, first_at, locked_until)"
                       " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                       " count = excluded.count, locked_until = excluded.locked_until",
                    &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, out->count);
    db_bind_int(st, 3, now);
    db_bind_int(st, 4, out->locked_until);
    rc = db_run(st);
    db_done(st);
    return rc;
}

lx_status login_failures_clear(db *d, const char *key)
{
    return exec_text_int(d, "DELETE FROM login_failures WHERE key = ?", key, 0, 0);
}
