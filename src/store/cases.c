/* cases.c -- requests from the people in the store: opening, handling, reading, queues, rates. */
#include "store/cases.h"

#include "core/mask.h"
#include "core/utf8.h"
#include "core/vocab.h"
#include "store/audit.h"
#include "store/due.h"
#include "store/policies.h"
#include "store/query.h"
#include "util/crypto.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/msgcat.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define FAR_FUTURE INT64_C(253402300799) /* 9999-12-31: the sort key of a paused clock */
#define FOLLOW_UP_DAYS 30                /* the follow-up sample looks this far back */

/* ---- one case as the handlers of actions see it ---- */

#define CASE_COLS                                                                                  \
    "c.id, c.county_id, c.code, c.origin_node_id, c.path, c.node_id, c.node_path, c.level,"        \
    " c.household_id, c.channel, c.category, c.priority, c.state, c.supervised,"                   \
    " c.supervisor_node_id, c.assignee_member_id, c.assignee_user_id, c.assignee_unit_id,"         \
    " c.opened_at, c.response_due, c.responded_at, c.clock_started, c.due_at,"                     \
    " c.resolved_at, c.first_resolved_at, c.rating, c.rated_at, c.reopened, c.escalated"

typedef struct case_row {
    int64_t id, county_id, origin_node_id, node_id, household_id;
    char code[CASE_CODE_LEN + 1];
    char path[256], node_path[256];
    char level[16], channel[16], category[24], priority[16], state[16], rating[16];
    int supervised, escalated, reopened;
    int64_t supervisor_node_id, assignee_member_id, assignee_user_id, assignee_unit_id;
    int64_t opened_at, response_due, responded_at, clock_started, due_at;
    int64_t resolved_at, first_resolved_at, rated_at;
} case_row;

static void copy_col(db_stmt *st, int i, char *out, size_t n)
{
    const char *s = db_col_text(st, i);
    snprintf(out, n, "%s", s ? s : "");
}

static void row_read(db_stmt *st, case_row *c)
{
    memset(c, 0, sizeof *c);
    c->id = db_col_int(st, 0);
    c->county_id = db_col_int(st, 1);
    copy_col(st, 2, c->code, sizeof c->code);
    c->origin_node_id = db_col_int(st, 3);
    copy_col(st, 4, c->path, sizeof c->path);
    c->node_id = db_col_int(st, 5);
    copy_col(st, 6, c->node_path, sizeof c->node_path);
    copy_col(st, 7, c->level, sizeof c->level);
    c->household_id = db_col_int(st, 8);
    copy_col(st, 9, c->channel, sizeof c->channel);
    copy_col(st, 10, c->category, sizeof c->category);
    copy_col(st, 11, c->priority, sizeof c->priority);
    copy_col(st, 12, c->state, sizeof c->state);
    c->supervised = (int)db_col_int(st, 13);
    c->supervisor_node_id = db_col_int(st, 14);
    c->assignee_member_id = db_col_int(st, 15);
    c->assignee_user_id = db_col_int(st, 16);
    c->assignee_unit_id = db_col_int(st, 17);
    c->opened_at = db_col_int(st, 18);
    c->response_due = db_col_int(st, 19);
    c->responded_at = db_col_int(st, 20);
    c->clock_started = db_col_int(st, 21);
    c->due_at = db_col_int(st, 22);
    c->resolved_at = db_col_int(st, 23);
    c->first_resolved_at = db_col_int(st, 24);
    copy_col(st, 25, c->rating, sizeof c->rating);
    c->rated_at = db_col_int(st, 26);
    c->reopened = (int)db_col_int(st, 27);
    c->escalated = (int)db_col_int(st, 28);
}

/* Case `id` in the caller's scope into *c; LX_ENOTFOUND otherwise. */
static lx_status load_case(db *d, const principal *who, int64_t id, case_row *c)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_CASES);
    qb_init(&q);
    qb_sql(&q, "SELECT " CASE_COLS " FROM cases c WHERE c.id = ?");
    qb_int(&q, id);
    qb_scope(&q, &s, RES_CASES, "c");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && !row)
        rc = LX_ENOTFOUND;
    if (!rc)
        row_read(st, c);
    db_done(st);
    qb_release(&q);
    return rc;
}

/* ---- nodes ---- */

typedef struct node_info {
    int64_t id, parent_id;
    char path[256];
    char kind[16];
} node_info;

static lx_status node_load(db *d, int64_t county, int64_t id, node_info *n)
{
    db_stmt *st = NULL;
    int row = 0;
    memset(n, 0, sizeof *n);
    lx_status rc = db_prepare(d,
                              "SELECT id, coalesce(parent_id, 0), path, kind FROM nodes"
                              " WHERE id = ? AND county_id = ? AND active = 1",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, county);
    rc = db_step(st, &row);
    if (!rc && !row)
        rc = LX_ENOTFOUND;
    if (!rc) {
        n->id = db_col_int(st, 0);
        n->parent_id = db_col_int(st, 1);
        copy_col(st, 2, n->path, sizeof n->path);
        copy_col(st, 3, n->kind, sizeof n->kind);
    }
    db_done(st);
    return rc;
}

static case_level node_level(const node_info *n)
{
    int l = case_level_of_kind(n->kind);
    return l < 0 ? LEVEL_VILLAGE : (case_level)l;
}

/* The village (or community) at or above node n: where a household's requests land. */
static lx_status village_of(db *d, int64_t county, node_info *n)
{
    for (int guard = 0; guard < 8 && node_level(n) == LEVEL_GROUP && n->parent_id; guard++) {
        lx_status rc = node_load(d, county, n->parent_id, n);
        if (rc)
            return rc;
    }
    return LX_OK;
}

static int path_under(const char *path, const char *prefix)
{
    return prefix && path && !strncmp(path, prefix, strlen(prefix));
}

/* ---- clocks ---- */

lx_status cases_calendar_load(db *d, int64_t county_id, workcal *cal)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc;
    size_t ny = 0, cap = 8;
    workcal_year *ys = xcalloc(cap, sizeof *ys);
    memset(cal, 0, sizeof *cal);
    cal->utc_offset = due_utc_offset(d, county_id);
    /* the county's own years, each with its exceptions */
    rc = db_prepare(d,
                    "SELECT y.year, d.day, d.kind FROM calendar_years y LEFT JOIN calendar_days d"
                    " ON d.county_id = y.county_id AND d.day / 10000 = y.year"
                    " WHERE y.county_id = ? ORDER BY y.year, d.day",
                    &st);
    if (!rc)
        db_bind_int(st, 1, county_id);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        int year = (int)db_col_int(st, 0);
        if (!ny || ys[ny - 1].year != year) {
            if (ny == cap)
                ys = xrealloc(ys, (cap *= 2) * sizeof *ys);
            memset(&ys[ny], 0, sizeof ys[ny]);
            ys[ny].year = year;
            ys[ny].off = xcalloc(400, sizeof(int32_t));
            ys[ny].work = xcalloc(400, sizeof(int32_t));
            ny++;
        }
        if (db_col_is_null(st, 1))
            continue;
        workcal_year *y = &ys[ny - 1];
        const char *kind = db_col_text(st, 2);
        int32_t day = (int32_t)db_col_int(st, 1);
        if (kind && !strcmp(kind, "work") && y->nwork < 400)
            ((int32_t *)y->work)[y->nwork++] = day;
        else if (y->noff < 400)
            ((int32_t *)y->off)[y->noff++] = day;
    }
    db_done(st);
    /* the built-in years the county has not replaced */
    for (int year = 2020; !rc && year <= 2040; year++) {
        const workcal_year *b = workcal_builtin(year);
        int own = 0;
        for (size_t i = 0; i < ny; i++)
            own |= ys[i].year == year;
        if (!b || own)
            continue;
        if (ny == cap)
            ys = xrealloc(ys, (cap *= 2) * sizeof *ys);
        ys[ny++] = *b; /* borrowed: cases_calendar_free knows it by its pointers */
    }
    cal->years = ys;
    cal->nyears = ny;
    if (rc)
        cases_calendar_free(cal);
    return rc;
}

void cases_calendar_free(workcal *cal)
{
    workcal_year *ys = (workcal_year *)cal->years;
    for (size_t i = 0; i < cal->nyears; i++) {
        const workcal_year *b = workcal_builtin(ys[i].year);
        if (b && ys[i].off == b->off)
            continue; /* the built-in table itself */
        free((void *)ys[i].off);
        free((void *)ys[i].work);
    }
    free(ys);
    memset(cal, 0, sizeof *cal);
}

/* The response and resolution limits of a case of this category and priority at level l. */
static void case_limits(db *d, int64_t county, const char *category, const char *priority,
                        case_level l, time_limit *resp, time_limit *res)
{
    char buf[1024], key[64];
    limit_spec sp;
    lx_error e;
    int found = 0;
    policy_get_text(d, county, "case.limit.response", buf, sizeof buf);
    if (limit_spec_parse(buf, &sp, &e) == LX_OK)
        *resp = limit_spec_at(&sp, l);
    else
        *resp = (time_limit){24, LIMIT_HOURS};
    if (strcmp(priority, "emergency") != 0) {
        policy_get_text(d, county, "case.limit.by_category", buf, sizeof buf);
        if (limit_category_find(buf, category, &sp, &found, &e) == LX_OK && found) {
            *res = limit_spec_at(&sp, l);
            return;
        }
    }
    snprintf(key, sizeof key, "case.limit.%s", priority);
    policy_get_text(d, county, key, buf, sizeof buf);
    if (limit_spec_parse(buf, &sp, &e) == LX_OK)
        *res = limit_spec_at(&sp, l);
    else
        *res = (time_limit){7, LIMIT_DAYS};
}

/* The resolution deadline of case c's current clock (started at c->clock_started), with
 * its pauses since then; INT64_MAX while a pause lasts. */
static lx_status case_deadline(db *d, const case_row *c, int64_t *due)
{
    time_limit resp, res;
    clock_pause p[64];
    size_t np = 0;
    db_stmt *st = NULL;
    int row = 0;
    workcal cal;
    int lvl = case_level_of_kind(c->level); /* level codes are node kinds too */
    case_limits(d, c->county_id, c->category, c->priority, lvl < 0 ? LEVEL_VILLAGE : lvl, &resp,
                &res);
    lx_status rc = db_prepare(d,
                              "SELECT paused_at, coalesce(resumed_at, 0) FROM case_pauses"
                              " WHERE case_id = ? AND paused_at >= ? ORDER BY paused_at",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->id);
    db_bind_int(st, 2, c->clock_started);
    while (!(rc = db_step(st, &row)) && row)
        if (np < sizeof p / sizeof p[0])
            p[np++] = (clock_pause){db_col_int(st, 0), db_col_int(st, 1)};
    db_done(st);
    if (rc)
        return rc;
    rc = cases_calendar_load(d, c->county_id, &cal);
    if (rc)
        return rc;
    *due = clock_deadline(c->clock_started, res, p, np, &cal);
    cases_calendar_free(&cal);
    return LX_OK;
}

/* ---- notifications ---- */

/* Notify the accounts of member `member`, account `user` and the operational accounts
 * at node `node` (each 0 for none) of `kind` on case `id`. */
static lx_status notify(db *d, int64_t county, int64_t id, const char *kind, int64_t member,
                        int64_t user, int64_t node, int64_t now)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(
        d,
        "INSERT INTO notifications (county_id, user_id, case_id, kind, created_at)"
        " SELECT ?, u.id, ?, ?, ? FROM users u WHERE u.active = 1 AND u.county_id = ? AND"
        " ((? > 0 AND u.member_id = ?) OR u.id = ? OR (? > 0 AND u.node_id = ? AND u.role IN"
        " ('county_admin', 'township_admin', 'village_secretary', 'group_leader')))",
        &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county);
    db_bind_int(st, 2, id);
    db_bind_text(st, 3, kind);
    db_bind_int(st, 4, now);
    db_bind_int(st, 5, county);
    db_bind_int(st, 6, member);
    db_bind_int(st, 7, member);
    db_bind_int(st, 8, user);
    db_bind_int(st, 9, node);
    db_bind_int(st, 10, node);
    rc = db_run(st);
    db_done(st);
    return rc;
}

/* ---- events and audit ---- */

static lx_status add_event(db *d, const case_row *c, const principal *who, const char *event,
                           const char *from, const char *to, int64_t node, const char *text,
                           int public_, const char *detail, int64_t now)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d,
                              "INSERT INTO case_events (case_id, county_id, at, event, actor,"
                              " user_id, from_state, to_state, node_id, text, public, detail)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->id);
    db_bind_int(st, 2, c->county_id);
    db_bind_int(st, 3, now);
    db_bind_text(st, 4, event);
    db_bind_text(st, 5, who && who->role == ROLE_RESIDENT ? "resident" : who ? "staff" : "system");
    if (who && who->user_id)
        db_bind_int(st, 6, who->user_id);
    else
        db_bind_null(st, 6);
    db_bind_text(st, 7, from);
    db_bind_text(st, 8, to);
    if (node)
        db_bind_int(st, 9, node);
    else
        db_bind_null(st, 9);
    db_bind_text(st, 10, text);
    db_bind_int(st, 11, public_);
    db_bind_text(st, 12, detail);
    rc = db_run(st);
    db_done(st);
    return rc;
}

/* ---- opening ---- */

static void new_code(char out[CASE_CODE_LEN + 1])
{
    static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* no 0/O, 1/I */
    for (int i = 0; i < CASE_CODE_LEN; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[CASE_CODE_LEN] = 0;
}

/* The household's node (in the caller's household scope) into *n. */
static lx_status household_node(db *d, const principal *who, int64_t hh, node_info *n)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_HOUSEHOLDS);
    int64_t node = 0;
    qb_init(&q);
    qb_sql(&q, "SELECT h.node_id FROM households h WHERE h.id = ? AND h.active = 1");
    qb_int(&q, hh);
    qb_scope(&q, &s, RES_HOUSEHOLDS, "h");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && !row)
        rc = LX_ENOTFOUND;
    if (!rc)
        node = db_col_int(st, 0);
    db_done(st);
    qb_release(&q);
    return rc ? rc : node_load(d, who->county_id, node, n);
}

/* A node's queue shows the overdue open cases beneath it deadline first (the overdue rise),
 * and reading them off cases.path would read every open case of the subtree and sort them.
 * case_rises keeps one row per open case with a deadline and per place on its origin path
 * (the place itself and every place above), so a queue reads its overdue ones off
 * (node_id, due_at) in order and stops at the page's end. Rewritten after every change of a
 * case, in the same transaction. */
static lx_status rises_sync(db *d, int64_t county, int64_t id, const char *path, int64_t due)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, "DELETE FROM case_rises WHERE case_id = ?", &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_run(st);
    db_done(st);
    for (const char *p = path; !rc && due && *p;) {
        char *end;
        long long node = strtoll(p + (*p == '/'), &end, 10);
        if (end == p + (*p == '/') || node <= 0)
            break;
        p = end;
        rc = db_prepare(d,
                        "INSERT INTO case_rises (county_id, node_id, due_at, case_id)"
                        " VALUES (?, ?, ?, ?)",
                        &st);
        if (rc)
            break;
        db_bind_int(st, 1, county);
        db_bind_int(st, 2, node);
        db_bind_int(st, 3, due);
        db_bind_int(st, 4, id);
        rc = db_run(st);
        db_done(st);
        if (*p == '/' && !p[1])
            break;
    }
    return rc;
}

lx_status cases_open(db *d, const principal *who, const char *addr, const case_open_in *in,
                     int64_t *id, char code[CASE_CODE_LEN + 1], lx_error *e)
{
    node_info n;
    int64_t now = lx_now();
    lx_status rc;
    int resident = who->role == ROLE_RESIDENT;
    const char *channel = vocab_code(&vocab_case_channel, in->channel);
    memset(&n, 0, sizeof n);
    if (resident) {
        int64_t today = 0, cnt = 0, max = policy_get(d, who->county_id, "case.resident_daily_max");
        int off = due_utc_offset(d, who->county_id);
        today = lx_ymd_to_time(lx_today_ymd(now, off), off);
        rc = store_scalar(d,
                          "SELECT count(*) FROM cases WHERE household_id = ? AND opened_at >= ?"
                          " AND channel = 'resident'",
                          who->household_id, today, NULL, &cnt);
        if (rc)
            return rc;
        if (cnt >= max)
            return lx_fail(e, LX_ERATE, "",
                           "this household has sent %lld requests today; please"
                           " call your member instead",
                           (long long)cnt);
        rc = household_node(d, who, who->household_id, &n);
        if (!rc)
            rc = village_of(d, who->county_id, &n);
        if (rc)
            return rc == LX_ENOTFOUND ? lx_fail(e, rc, "household", "no such household") : rc;
    } else {
        node_info hn;
        if (in->household_id) {
            rc = household_node(d, who, in->household_id, &hn);
            if (rc == LX_ENOTFOUND)
                return lx_fail(e, rc, "household_id", "no such household in your scope");
            if (rc)
                return rc;
        }
        int64_t want = in->node_id ? in->node_id : 0;
        if (want) {
            rc = node_load(d, who->county_id, want, &n);
            if (rc == LX_ENOTFOUND ||
                (!rc && who->role != ROLE_MEMBER && !path_under(n.path, who->node_path)))
                return lx_fail(e, LX_ENOTFOUND, "node_id", "no such place in your scope");
            if (rc)
                return rc;
            if (who->role == ROLE_MEMBER && !in->contact_id &&
                !(in->household_id && path_under(hn.path, n.path)))
                return lx_fail(e, LX_ENOTFOUND, "node_id",
                               "a member opens a case at the village of one of their households");
        } else if (in->household_id) {
            n = hn;
            rc = village_of(d, who->county_id, &n);
            if (rc)
                return rc;
        } else if (who->node_id && who->role != ROLE_MEMBER) {
            rc = node_load(d, who->county_id, who->node_id, &n);
            if (rc)
                return rc;
        } else {
            return lx_fail(e, LX_EINVAL, "household_id",
                           "name the household (or, for staff, the place) the request is for");
        }
        if (in->household_id && !path_under(hn.path, n.path))
            return lx_fail(e, LX_EINVAL, "node_id", "the household is not under this place");
    }

    case_row c;
    memset(&c, 0, sizeof c);
    c.county_id = who->county_id;
    c.node_id = n.id;
    c.clock_started = now;
    snprintf(c.level, sizeof c.level, "%s", case_level_code(node_level(&n)));
    snprintf(c.category, sizeof c.category, "%s",
             vocab_code(&vocab_request_category, in->category));
    snprintf(c.priority, sizeof c.priority, "%s", vocab_code(&vocab_case_priority, in->priority));
    time_limit resp, res;
    workcal cal;
    case_limits(d, c.county_id, c.category, c.priority, node_level(&n), &resp, &res);
    rc = cases_calendar_load(d, c.county_id, &cal);
    if (rc)
        return rc;
    int64_t response_due = clock_deadline(now, resp, NULL, 0, &cal);
    int64_t due = clock_deadline(now, res, NULL, 0, &cal);
    cases_calendar_free(&cal);

    unsigned char *phone_enc = NULL;
    size_t phone_len = 0;
    char phone_mask[32] = "";
    if (in->phone) {
        phone_enc = pii_seal("phone", in->phone, &phone_len);
        mask_phone(in->phone, phone_mask, sizeof phone_mask);
    }
    db_stmt *st = NULL;
    int row = 0;
    rc = LX_ECONFLICT;
    for (int tries = 0; tries < 5 && rc == LX_ECONFLICT; tries++) {
        new_code(code);
        rc = db_prepare(
            d,
            "INSERT INTO cases (county_id, code, origin_node_id, path, node_id, node_path, level,"
            " household_id, channel, category, priority, text, phone_enc, phone_mask, state,"
            " open, opened_at, opened_by, opened_by_member, contact_id, response_due,"
            " clock_started, due_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', 1, ?, ?, ?, ?, ?, ?, ?,"
            " ?) RETURNING id",
            &st);
        if (rc)
            break;
        db_bind_int(st, 1, c.county_id);
        db_bind_text(st, 2, code);
        db_bind_int(st, 3, n.id);
        db_bind_text(st, 4, n.path);
        db_bind_int(st, 5, n.id);
        db_bind_text(st, 6, n.path);
        db_bind_text(st, 7, c.level);
        int64_t hh = resident ? who->household_id : in->household_id;
        if (hh)
            db_bind_int(st, 8, hh);
        else
            db_bind_null(st, 8);
        db_bind_text(st, 9, channel);
        db_bind_text(st, 10, c.category);
        db_bind_text(st, 11, c.priority);
        db_bind_text(st, 12, in->text);
        if (phone_enc)
            db_bind_blob(st, 13, phone_enc, phone_len);
        else
            db_bind_null(st, 13);
        db_bind_text(st, 14, phone_enc ? phone_mask : NULL);
        db_bind_int(st, 15, now);
        if (who->user_id)
            db_bind_int(st, 16, who->user_id);
        else
            db_bind_null(st, 16);
        if (who->role == ROLE_MEMBER && who->member_id)
            db_bind_int(st, 17, who->member_id);
        else
            db_bind_null(st, 17);
        if (in->contact_id)
            db_bind_int(st, 18, in->contact_id);
        else
            db_bind_null(st, 18);
        db_bind_int(st, 19, response_due);
        db_bind_int(st, 20, now);
        db_bind_int(st, 21, due);
        db_bind_int(st, 22, now);
        rc = db_step(st, &row);
        if (!rc && row)
            *id = db_col_int(st, 0);
        db_done(st);
        st = NULL;
    }
    free(phone_enc);
    if (rc)
        return rc;
    c.id = *id;
    rc = rises_sync(d, c.county_id, c.id, n.path, due);
    for (size_t i = 0; !rc && i < in->nphotos; i++) {
        rc = db_prepare(d,
                        "INSERT OR IGNORE INTO case_photos (case_id, hash, type, added_by,"
                        " created_at) VALUES (?, ?, ?, ?, ?)",
                        &st);
        if (rc)
            break;
        db_bind_int(st, 1, c.id);
        db_bind_text(st, 2, in->photos[i].hash);
        db_bind_int(st, 3, in->photos[i].type);
        db_bind_text(st, 4, resident ? "resident" : "staff");
        db_bind_int(st, 5, now);
        rc = db_run(st);
        db_done(st);
    }
    if (!rc && in->request_id) {
        rc = db_prepare(d, "UPDATE contact_requests SET case_id = ? WHERE id = ?", &st);
        if (!rc) {
            db_bind_int(st, 1, c.id);
            db_bind_int(st, 2, in->request_id);
            rc = db_run(st);
            db_done(st);
        }
    }
    char detail[256];
    snprintf(detail, sizeof detail,
             "{\"channel\":\"%s\",\"category\":\"%s\",\"priority\":\"%s\",\"node_id\":%lld,"
             "\"photos\":%zu}",
             channel, c.category, c.priority, (long long)n.id, in->nphotos);
    if (!rc)
        rc = add_event(d, &c, who, "open", NULL, "received", n.id, in->text, 1, detail, now);
    if (!rc)
        rc = audit_object(d, who, addr, "cases.open", "cases", c.id, detail);
    return rc;
}

/* ---- actions ---- */

/* May the caller handle case c (not only see it)? */
static int may_handle(const principal *who, const case_row *c)
{
    if (who->role == ROLE_RESIDENT)
        return who->household_id == c->household_id;
    if (who->role == ROLE_MEMBER)
        return who->member_id && c->assignee_member_id == who->member_id;
    if (who->role == ROLE_INSPECTOR)
        return 0;
    if (who->user_id && c->assignee_user_id == who->user_id)
        return 1;
    return path_under(c->node_path, who->node_path);
}

/* Check an assignee (member, account or unit) sits at or under the case's node. */
static lx_status check_assignee(db *d, const case_row *c, const case_act_in *in, lx_error *e)
{
    int given = (in->member_id > 0) + (in->user_id > 0) + (in->unit_id > 0);
    const char *sql, *field;
    int64_t id;
    if (given != 1)
        return lx_fail(e, LX_EINVAL, "member_id",
                       "assign to exactly one of member_id, user_id and unit_id");
    if (in->member_id) {
        sql = "SELECT path FROM members WHERE id = ? AND county_id = ? AND active = 1";
        field = "member_id";
        id = in->member_id;
    } else if (in->unit_id) {
        sql = "SELECT path FROM units WHERE id = ? AND county_id = ? AND active = 1";
        field = "unit_id";
        id = in->unit_id;
    } else {
        sql = "SELECT n.path FROM users u JOIN nodes n ON n.id = u.node_id WHERE u.id = ? AND"
              " u.county_id = ? AND u.active = 1 AND u.role IN ('county_admin', 'township_admin',"
              " 'village_secretary', 'group_leader', 'member')";
        field = "user_id";
        id = in->user_id;
    }
    db_stmt *st = NULL;
    int row = 0, ok = 0;
    lx_status rc = db_prepare(d, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, c->county_id);
    rc = db_step(st, &row);
    if (!rc && row)
        ok = path_under(db_col_text(st, 0), c->node_path);
    db_done(st);
    if (rc)
        return rc;
    if (!row)
        return in->member_id ? lx_fail(e, LX_ENOTFOUND, field, "no such member")
               : in->unit_id ? lx_fail(e, LX_ENOTFOUND, field, "no such unit")
                             : lx_fail(e, LX_ENOTFOUND, field, "no such account");
    if (!ok)
        return lx_fail(e, LX_EINVAL, field,
                       "a case is assigned at or under the place whose queue it is in, never"
                       " sideways; escalate it instead");
    return LX_OK;
}

/* Which texts an action needs, and whether the resident sees it. */
static lx_status check_text(const case_act_in *in, int *public_, lx_error *e)
{
    size_t n = in->text ? utf8_chars(in->text) : 0;
    int need = 0, max = CASE_TEXT_MAX;
    /* every step shows on the resident's page (core of 落实有回声) but a staff note and a
     * follow-up call; io/case_html.c decides whose texts it shows */
    *public_ = in->ev != CE_FOLLOW_UP && !(in->ev == CE_REPLY && in->internal);
    switch (in->ev) {
    case CE_REPLY:
    case CE_WAIT:
    case CE_RESOLVE:
        need = 1;
        break;
    case CE_ESCALATE:
    case CE_REOPEN:
        need = 2;
        max = CASE_REASON_MAX;
        break;
    default:
        max = CASE_REASON_MAX;
        break;
    }
    if ((int)n < need)
        return lx_fail(e, LX_EINVAL, "text",
                       need == 1 ? "write the text" : "give the reason (2 to %d characters)", max);
    if ((int)n > max)
        return lx_fail(e, LX_EINVAL, "text", "the text is too long (%d characters at most)", max);
    return LX_OK;
}

/* Users to notify of an event of case c: the assignee's accounts and the node above. */
static lx_status notify_case(db *d, const case_row *c, const char *kind, int64_t node_above,
                             int64_t now)
{
    int64_t unit_node = 0;
    if (c->assignee_unit_id) {
        lx_status rc = store_scalar(d, "SELECT node_id FROM units WHERE id = ? AND ? = 0",
                                    c->assignee_unit_id, 0, NULL, &unit_node);
        if (rc)
            return rc;
    }
    lx_status rc = notify(d, c->county_id, c->id, kind, c->assignee_member_id, c->assignee_user_id,
                          unit_node, now);
    if (!rc && node_above)
        rc = notify(d, c->county_id, c->id, kind, 0, 0, node_above, now);
    return rc;
}

/* Bind an id, or NULL for 0. */
static void bind_id(db_stmt *st, int i, int64_t v)
{
    if (v)
        db_bind_int(st, i, v);
    else
        db_bind_null(st, i);
}

lx_status cases_act(db *d, const principal *who, const char *addr, int64_t id,
                    const case_act_in *in, lx_error *e)
{
    case_row c;
    node_info node, up;
    int64_t now = lx_now();
    int public_ = 1;
    lx_status rc = load_case(d, who, id, &c);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such case in your scope");
    if (rc)
        return rc;
    rc = check_text(in, &public_, e);
    if (rc)
        return rc;
    int resident = who->role == ROLE_RESIDENT;
    if (in->ev == CE_FOLLOW_UP) {
        if (resident || who->role == ROLE_MEMBER || who->role == ROLE_INSPECTOR ||
            !path_under(c.path, who->node_path))
            return lx_fail(e, LX_EDENIED, "", "a follow-up call is made by the place's staff");
    } else if (!may_handle(who, &c)) {
        return c.escalated ? lx_fail(e, LX_EDENIED, "",
                                     "this case is in the queue of the level above;"
                                     " you may see it but not handle it")
                           : lx_fail(e, LX_EDENIED, "",
                                     "this case is in the queue of another place or"
                                     " member; you may see it but not handle it");
    }
    rc = node_load(d, c.county_id, c.node_id, &node);
    if (rc)
        return rc;

    case_fsm s, out;
    memset(&s, 0, sizeof s);
    s.state = (case_state)case_state_parse(c.state);
    s.supervised = c.supervised;
    s.rating = c.rating[0] ? case_rating_parse(c.rating) : RATING_NONE;
    s.has_parent = node.parent_id != 0;
    s.assigned = c.assignee_member_id || c.assignee_user_id || c.assignee_unit_id;
    s.responded_at = c.responded_at;
    s.resolved_at = c.resolved_at;
    s.rated_at = c.rated_at;
    s.reopened = c.reopened;
    case_input ci = {in->ev,
                     resident ? CA_RESIDENT : CA_STAFF,
                     in->rating,
                     !c.household_id,
                     now,
                     policy_get(d, c.county_id, "case.rating_wait_days") * 86400,
                     policy_get(d, c.county_id, "case.reopen_days") * 86400};
    const char *why = NULL;
    rc = case_step(&s, &ci, &out, &why);
    if (rc)
        return lx_fail(e, rc, in->ev == CE_RATE && rc == LX_EINVAL ? "rating" : "state", "%s",
                       why ? why : LX_MSG("not possible now"));
    if (in->ev == CE_ASSIGN && (rc = check_assignee(d, &c, in, e)))
        return rc;

    /* what changes besides the machine's own fields */
    const char *from = case_state_code(s.state);
    int restart = 0;
    int64_t due = c.due_at, closed_at = 0;
    const char *notice = NULL, *resolution = NULL, *comment = NULL, *follow_up = NULL;
    int64_t notice_above = node.parent_id;
    char detail[320];
    int dl = snprintf(detail, sizeof detail, "{\"from\":\"%s\",\"to\":\"%s\"", from,
                      case_state_code(out.state));
    db_stmt *st = NULL;
    switch (in->ev) {
    case CE_ASSIGN:
        c.assignee_member_id = in->member_id;
        c.assignee_user_id = in->user_id;
        c.assignee_unit_id = in->unit_id;
        notice = "assigned";
        snprintf(detail + dl, sizeof detail - (size_t)dl, ",\"%s\":%lld}",
                 in->member_id ? "member_id"
                 : in->unit_id ? "unit_id"
                               : "user_id",
                 (long long)(in->member_id ? in->member_id
                             : in->unit_id ? in->unit_id
                                           : in->user_id));
        break;
    case CE_ESCALATE:
        rc = node_load(d, c.county_id, node.parent_id, &up);
        if (rc)
            return rc;
        snprintf(detail + dl, sizeof detail - (size_t)dl, ",\"from_node\":%lld,\"to_node\":%lld}",
                 (long long)c.node_id, (long long)up.id);
        c.node_id = up.id;
        snprintf(c.node_path, sizeof c.node_path, "%s", up.path);
        snprintf(c.level, sizeof c.level, "%s", case_level_code(node_level(&up)));
        c.assignee_member_id = c.assignee_user_id = c.assignee_unit_id = 0;
        c.escalated = 1;
        restart = 1;
        notice = "escalated";
        notice_above = up.id; /* the queue it enters */
        break;
    case CE_WAIT:
        rc = db_prepare(d, "INSERT INTO case_pauses (case_id, paused_at) VALUES (?, ?)", &st);
        if (!rc) {
            db_bind_int(st, 1, c.id);
            db_bind_int(st, 2, now);
            rc = db_run(st);
            db_done(st);
        }
        due = 0;
        break;
    case CE_RESUME:
        rc = db_prepare(d,
                        "UPDATE case_pauses SET resumed_at = ? WHERE case_id = ? AND"
                        " resumed_at IS NULL",
                        &st);
        if (!rc) {
            db_bind_int(st, 1, now);
            db_bind_int(st, 2, c.id);
            rc = db_run(st);
            db_done(st);
        }
        if (!rc)
            rc = case_deadline(d, &c, &due);
        break;
    case CE_RESOLVE:
        resolution = in->text;
        due = 0;
        if (!c.first_resolved_at)
            c.first_resolved_at = now;
        break;
    case CE_RATE:
        comment = in->text;
        snprintf(detail + dl, sizeof detail - (size_t)dl, ",\"rating\":\"%s\"}",
                 case_rating_code(in->rating));
        if (in->rating == RATING_UNSATISFIED) {
            c.supervisor_node_id = node.parent_id ? node.parent_id : node.id;
            restart = 1;
            notice = "unsatisfied";
            notice_above = c.supervisor_node_id;
        }
        break;
    case CE_REOPEN:
        c.supervisor_node_id = node.parent_id ? node.parent_id : node.id;
        restart = 1;
        notice = "reopened";
        notice_above = c.supervisor_node_id;
        break;
    case CE_FOLLOW_UP:
        follow_up = vocab_code(&vocab_follow_up, in->follow_up);
        snprintf(detail + dl, sizeof detail - (size_t)dl, ",\"follow_up\":\"%s\"}", follow_up);
        break;
    case CE_CLOSE:
        closed_at = now;
        break;
    default:
        break;
    }
    if (rc)
        return rc;
    if (detail[strlen(detail) - 1] != '}')
        snprintf(detail + dl, sizeof detail - (size_t)dl, "}");
    if (restart) {
        c.clock_started = now;
        rc = case_deadline(d, &c, &due);
        if (rc)
            return rc;
    }
    if (due == INT64_MAX)
        due = 0;

    rc = db_prepare(
        d,
        "UPDATE cases SET state = ?, open = ?, supervised = ?, supervisor_node_id = ?,"
        " assignee_member_id = ?, assignee_user_id = ?, assignee_unit_id = ?, node_id = ?,"
        " node_path = ?, level = ?, escalated = ?, responded_at = ?, clock_started = ?,"
        " due_at = ?, resolution = coalesce(?, resolution), resolved_at = ?,"
        " first_resolved_at = ?, rating = ?, rating_comment = CASE WHEN ? THEN ? ELSE"
        " rating_comment END, rated_at = ?, follow_up = coalesce(?, follow_up), reopened = ?,"
        " closed_at = ?, overdue_notified = CASE WHEN ? THEN 0 ELSE overdue_notified END,"
        " updated_at = ? WHERE id = ?",
        &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, case_state_code(out.state));
    db_bind_int(st, 2, case_state_open(out.state));
    db_bind_int(st, 3, out.supervised);
    bind_id(st, 4, out.supervised ? c.supervisor_node_id : 0);
    bind_id(st, 5, c.assignee_member_id);
    bind_id(st, 6, c.assignee_user_id);
    bind_id(st, 7, c.assignee_unit_id);
    db_bind_int(st, 8, c.node_id);
    db_bind_text(st, 9, c.node_path);
    db_bind_text(st, 10, c.level);
    db_bind_int(st, 11, c.escalated);
    bind_id(st, 12, out.responded_at);
    db_bind_int(st, 13, c.clock_started);
    bind_id(st, 14, case_state_open(out.state) ? due : 0);
    db_bind_text(st, 15, resolution);
    bind_id(st, 16, out.resolved_at);
    bind_id(st, 17, c.first_resolved_at);
    db_bind_text(st, 18, out.rating ? case_rating_code(out.rating) : NULL);
    db_bind_int(st, 19, in->ev == CE_RATE);
    db_bind_text(st, 20, comment);
    bind_id(st, 21, out.rated_at);
    db_bind_text(st, 22, follow_up);
    db_bind_int(st, 23, out.reopened);
    bind_id(st, 24, closed_at);
    db_bind_int(st, 25, restart || in->ev == CE_RESUME);
    db_bind_int(st, 26, now);
    db_bind_int(st, 27, c.id);
    rc = db_run(st);
    db_done(st);
    if (!rc)
        rc = rises_sync(d, c.county_id, c.id, c.path, case_state_open(out.state) ? due : 0);
    if (!rc)
        rc = add_event(d, &c, who, case_event_code(in->ev), from, case_state_code(out.state),
                       c.node_id, in->text, public_, detail, now);
    if (!rc && notice)
        rc = notify_case(d, &c, notice, notice_above, now);
    if (!rc) {
        char action[40];
        snprintf(action, sizeof action, "cases.%s", case_event_code(in->ev));
        rc = audit_object(d, who, addr, action, "cases", c.id, detail);
    }
    return rc;
}

lx_status cases_find_code(db *d, const principal *who, const char *code, int64_t *id)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_CASES);
    *id = 0;
    if (!code || strlen(code) != CASE_CODE_LEN)
        return LX_ENOTFOUND;
    qb_init(&q);
    qb_sql(&q, "SELECT c.id FROM cases c WHERE c.code = ?");
    qb_text(&q, code);
    qb_scope(&q, &s, RES_CASES, "c");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && !row)
        rc = LX_ENOTFOUND;
    if (!rc)
        *id = db_col_int(st, 0);
    db_done(st);
    qb_release(&q);
    return rc;
}

/* ---- reading ---- */

/* Column i of st as JSON: integers, text, or null. */
static json_t *col_json(db_stmt *st, int i)
{
    if (db_col_is_null(st, i))
        return json_null();
    if (db_col_is_int(st, i))
        return json_integer(db_col_int(st, i));
    return json_string(db_col_text(st, i));
}

/* Put the columns of st's row into o under the names given (NULL-terminated). */
static void row_into(json_t *o, db_stmt *st, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        json_object_set_new(o, names[i], col_json(st, i));
}

static void add_time(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    char buf[32];
    if (json_is_integer(v)) {
        lx_iso8601(json_integer_value(v), buf, sizeof buf);
        json_object_set_new(o, key, json_string(buf));
    }
}

static const char *const case_fields[] = {"id",
                                          "code",
                                          "origin_node_id",
                                          "origin_node",
                                          "node_id",
                                          "node",
                                          "level",
                                          "household_id",
                                          "channel",
                                          "category",
                                          "priority",
                                          "text",
                                          "phone",
                                          "state",
                                          "supervised",
                                          "supervisor_node_id",
                                          "assignee_member_id",
                                          "assignee_member",
                                          "assignee_user_id",
                                          "assignee_unit_id",
                                          "assignee_unit",
                                          "escalated",
                                          "opened_at",
                                          "contact_id",
                                          "response_due",
                                          "responded_at",
                                          "due_at",
                                          "resolution",
                                          "resolved_at",
                                          "first_resolved_at",
                                          "rating",
                                          "rating_comment",
                                          "rated_at",
                                          "follow_up",
                                          "reopened",
                                          "closed_at",
                                          "updated_at",
                                          NULL};

static const char *const time_fields[] = {
    "opened_at",         "response_due", "responded_at", "due_at",     "resolved_at",
    "first_resolved_at", "rated_at",     "closed_at",    "updated_at", NULL};

lx_status cases_get(db *d, const principal *who, int64_t id, json_t **out)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_CASES);
    int64_t now = lx_now();
    *out = NULL;
    qb_init(&q);
    qb_sql(&q,
           "SELECT c.id, c.code, c.origin_node_id, o.name, c.node_id, n.name, c.level,"
           " c.household_id, c.channel, c.category, c.priority, c.text, c.phone_mask, c.state,"
           " c.supervised, c.supervisor_node_id, c.assignee_member_id, m.name,"
           " c.assignee_user_id, c.assignee_unit_id, un.name, c.escalated, c.opened_at,"
           " c.contact_id, c.response_due, c.responded_at, c.due_at, c.resolution,"
           " c.resolved_at, c.first_resolved_at, c.rating, c.rating_comment, c.rated_at,"
           " c.follow_up, c.reopened, c.closed_at, c.updated_at, c.open"
           " FROM cases c JOIN nodes o ON o.id = c.origin_node_id JOIN nodes n ON n.id = c.node_id"
           " LEFT JOIN members m ON m.id = c.assignee_member_id"
           " LEFT JOIN units un ON un.id = c.assignee_unit_id WHERE c.id = ?");
    qb_int(&q, id);
    qb_scope(&q, &s, RES_CASES, "c");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && !row)
        rc = LX_ENOTFOUND;
    json_t *o = NULL;
    if (!rc) {
        o = json_object();
        row_into(o, st, case_fields);
        int open = (int)db_col_int(st, 37);
        int64_t due = db_col_int(st, 26), rdue = db_col_int(st, 24);
        int responded = !db_col_is_null(st, 25);
        json_object_set_new(o, "supervised", json_boolean(db_col_int(st, 14)));
        json_object_set_new(o, "escalated", json_boolean(db_col_int(st, 21)));
        json_object_set_new(
            o, "overdue", json_boolean(open && ((due && due < now) || (!responded && rdue < now))));
        for (int i = 0; time_fields[i]; i++)
            add_time(o, time_fields[i]);
    }
    db_done(st);
    qb_release(&q);
    if (rc)
        return rc;

    /* the timeline */
    json_t *tl = json_array();
    json_object_set_new(o, "timeline", tl);
    rc = db_prepare(d,
                    "SELECT e.id, e.at, e.event, e.actor, e.user_id, u.display_name, e.from_state,"
                    " e.to_state, e.node_id, n.name, e.text, e.public, e.detail"
                    " FROM case_events e LEFT JOIN users u ON u.id = e.user_id"
                    " LEFT JOIN nodes n ON n.id = e.node_id WHERE e.case_id = ? ORDER BY e.id",
                    &st);
    if (!rc)
        db_bind_int(st, 1, id);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        static const char *const ev_fields[] = {"id",   "at",     "event",  "actor",   "user_id",
                                                "user", "from",   "to",     "node_id", "node",
                                                "text", "public", "detail", NULL};
        json_t *ev = json_object();
        row_into(ev, st, ev_fields);
        json_object_set_new(ev, "public", json_boolean(db_col_int(st, 11)));
        json_t *det = db_col_is_null(st, 12) ? NULL : json_loads(db_col_text(st, 12), 0, NULL);
        json_object_set_new(ev, "detail", det ? det : json_null());
        add_time(ev, "at");
        json_array_append_new(tl, ev);
    }
    db_done(st);

    /* the photos */
    json_t *ph = json_array();
    json_object_set_new(o, "photos", ph);
    if (!rc)
        rc = db_prepare(d,
                        "SELECT hash, added_by FROM case_photos WHERE case_id = ?"
                        " ORDER BY created_at, hash",
                        &st);
    if (!rc)
        db_bind_int(st, 1, id);
    while (!rc && !(rc = db_step(st, &row)) && row)
        json_array_append_new(
            ph, json_pack("{s:s,s:s}", "hash", db_col_text(st, 0), "added_by", db_col_text(st, 1)));
    db_done(st);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return LX_OK;
}

lx_status cases_phone(db *d, const principal *who, const char *addr, int64_t id, const char *reason,
                      char *out, size_t outlen, lx_error *e)
{
    case_row c;
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = load_case(d, who, id, &c);
    if (!rc && !may_handle(who, &c))
        rc = LX_ENOTFOUND;
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such case that you handle");
    if (rc)
        return rc;
    rc = db_prepare(d, "SELECT phone_enc FROM cases WHERE id = ? AND phone_enc IS NOT NULL", &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st, &row);
    if (!rc && row) {
        size_t n = 0;
        const void *b = db_col_blob(st, 0, &n);
        char *plain = pii_open("phone", b, n);
        if (!plain)
            rc = LX_EIO;
        else
            snprintf(out, outlen, "%s", plain);
        free(plain);
    } else if (!rc) {
        rc = lx_fail(e, LX_ENOTFOUND, "phone", "the requester gave no phone number");
    }
    db_done(st);
    if (rc)
        return rc;
    char *detail = NULL;
    json_t *dj = json_pack("{s:s}", "reason", reason);
    detail = json_dumps(dj, JSON_COMPACT);
    json_decref(dj);
    rc = audit_object(d, who, addr, "cases.unmask", "cases", id, detail);
    free(detail);
    return rc;
}

lx_status cases_add_photo(db *d, const principal *who, const char *addr, int64_t id,
                          const case_photo_ref *ph, lx_error *e)
{
    case_row c;
    db_stmt *st = NULL;
    int64_t n = 0;
    lx_status rc = load_case(d, who, id, &c);
    if (!rc && !may_handle(who, &c))
        rc = LX_ENOTFOUND;
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such case that you handle");
    if (!rc)
        rc = store_scalar(d, "SELECT count(*) FROM case_photos WHERE case_id = ? AND ? = 0", id, 0,
                          NULL, &n);
    if (!rc && n >= 12)
        return lx_fail(e, LX_ECONFLICT, "photo", "a case keeps at most 12 photos");
    if (!rc)
        rc = db_prepare(d,
                        "INSERT OR IGNORE INTO case_photos (case_id, hash, type, added_by,"
                        " created_at) VALUES (?, ?, ?, 'staff', ?)",
                        &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, ph->hash);
    db_bind_int(st, 3, ph->type);
    db_bind_int(st, 4, lx_now());
    rc = db_run(st);
    db_done(st);
    if (!rc)
        rc = audit_object(d, who, addr, "cases.photo", "cases", id, NULL);
    return rc;
}

int cases_photo_probe(db *d, const char *sql, int64_t id, const char *hash, int *type)
{
    db_stmt *st = NULL;
    int row = 0;
    if (db_prepare(d, sql, &st))
        return 0;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, hash);
    if (db_step(st, &row) || !row)
        row = 0;
    else if (type)
        *type = (int)db_col_int(st, 0);
    db_done(st);
    return row;
}

int cases_has_photo(db *d, int64_t id, const char *hash, int *type)
{
    return cases_photo_probe(d, "SELECT type FROM case_photos WHERE case_id = ? AND hash = ?", id,
                             hash, type);
}

int cases_household_has_photo(db *d, int64_t household_id, const char *hash, int *type)
{
    return cases_photo_probe(d,
                             "SELECT p.type FROM case_photos p JOIN cases c ON c.id = p.case_id"
                             " WHERE c.household_id = ? AND p.hash = ? LIMIT 1",
                             household_id, hash, type);
}

/* ---- queues ---- */

static const char *const queue_codes[QUEUE__COUNT] = {
    [QUEUE_ALL] = "all",
    [QUEUE_MINE] = "mine",
    [QUEUE_NODE] = "node",
    [QUEUE_ESCALATED] = "escalated",
    [QUEUE_OVERDUE] = "overdue",
    [QUEUE_SUPERVISED] = "supervised",
    [QUEUE_FOLLOW_UP] = "follow_up",
};

const char *case_queue_code(case_queue q)
{
    return q < QUEUE__COUNT ? queue_codes[q] : "?";
}

int case_queue_parse(const char *code)
{
    for (int i = 0; code && i < QUEUE__COUNT; i++)
        if (!strcmp(code, queue_codes[i]))
            return i;
    return -1;
}

#define LIST_COLS                                                                                  \
    "c.id, c.code, c.state, c.category, c.channel, c.priority, c.text, c.household_id,"            \
    " c.origin_node_id, c.node_id, c.level, c.opened_at, c.response_due, c.responded_at,"          \
    " c.due_at, c.supervised, c.escalated, c.assignee_member_id, c.assignee_user_id,"              \
    " c.assignee_unit_id, c.phone_mask, c.open, c.rating, c.resolved_at"

static void w_time(strbuf *sb, const char *key, db_stmt *st, int i)
{
    char buf[32];
    jsonw_key(sb, key);
    if (db_col_is_null(st, i)) {
        strbuf_add(sb, "null", 4);
        return;
    }
    lx_iso8601(db_col_int(st, i), buf, sizeof buf);
    jsonw_str(sb, buf);
}

static void w_text(strbuf *sb, const char *key, db_stmt *st, int i)
{
    jsonw_key(sb, key);
    if (db_col_is_null(st, i))
        strbuf_add(sb, "null", 4);
    else
        jsonw_str(sb, db_col_text(st, i));
}

static void w_int(strbuf *sb, const char *key, db_stmt *st, int i)
{
    jsonw_key(sb, key);
    if (db_col_is_null(st, i))
        strbuf_add(sb, "null", 4);
    else
        jsonw_int(sb, db_col_int(st, i));
}

static void w_bool(strbuf *sb, const char *key, int v)
{
    jsonw_key(sb, key);
    if (v)
        strbuf_add(sb, "true", 4);
    else
        strbuf_add(sb, "false", 5);
}

/* The columns of LIST_COLS as the list writes them: key, kind (t text, i integer, d time,
 * b boolean), in column order; NULL keys are read but not written. */
static const struct {
    const char *key;
    char kind;
} list_cols[] = {
    {"id", 'i'},
    {"code", 't'},
    {"state", 't'},
    {"category", 't'},
    {"channel", 't'},
    {"priority", 't'},
    {"text", 't'},
    {"household_id", 'i'},
    {"origin_node_id", 'i'},
    {"node_id", 'i'},
    {"level", 't'},
    {"opened_at", 'd'},
    {"response_due", 'd'},
    {"responded_at", 'd'},
    {"due_at", 'd'},
    {"supervised", 'b'},
    {"escalated", 'b'},
    {"assignee_member_id", 'i'},
    {"assignee_user_id", 'i'},
    {"assignee_unit_id", 'i'},
    {"phone", 't'},
    {NULL, 0},
    {"rating", 't'},
    {"resolved_at", 'd'},
};

static void list_row(strbuf *sb, db_stmt *st, int64_t now)
{
    int open = (int)db_col_int(st, 21);
    int64_t due = db_col_int(st, 14), rdue = db_col_int(st, 12);
    int responded = !db_col_is_null(st, 13);
    strbuf_add(sb, "{", 1);
    for (int i = 0; i < (int)(sizeof list_cols / sizeof list_cols[0]); i++) {
        if (!list_cols[i].key)
            continue;
        switch (list_cols[i].kind) {
        case 't':
            w_text(sb, list_cols[i].key, st, i);
            break;
        case 'i':
            w_int(sb, list_cols[i].key, st, i);
            break;
        case 'd':
            w_time(sb, list_cols[i].key, st, i);
            break;
        default:
            w_bool(sb, list_cols[i].key, (int)db_col_int(st, i));
            break;
        }
        strbuf_add(sb, ",", 1);
    }
    w_bool(sb, "overdue", open && ((due && due < now) || (!responded && rdue < now)));
    strbuf_add(sb, "}", 1);
}

/* The optional filters of a list, and the paging cursor in the list's order. */
static void list_filters(qb *q, const cases_query *cq, int by_due)
{
    const struct {
        const char *sql, *v;
    } tf[] = {{" AND c.category = ?", cq->category},
              {" AND c.state = ?", cq->state},
              {" AND c.channel = ?", cq->channel},
              {" AND c.priority = ?", cq->priority}};
    const struct {
        const char *sql;
        int64_t v;
    } nf[] = {{" AND c.household_id = ?", cq->household_id},
              {" AND c.opened_at >= ?", cq->opened_from},
              {" AND c.opened_at < ?", cq->opened_to}};
    for (size_t i = 0; i < sizeof tf / sizeof tf[0]; i++)
        if (tf[i].v) {
            qb_sql(q, tf[i].sql);
            qb_text(q, tf[i].v);
        }
    for (size_t i = 0; i < sizeof nf / sizeof nf[0]; i++)
        if (nf[i].v) {
            qb_sql(q, nf[i].sql);
            qb_int(q, nf[i].v);
        }
    if (cq->cursor_id && by_due) {
        qb_sql(q, " AND (coalesce(c.due_at, ?), c.id) > (?, ?)");
        qb_int(q, FAR_FUTURE);
        qb_int(q, cq->cursor_key);
        qb_int(q, cq->cursor_id);
    } else if (cq->cursor_id) {
        qb_sql(q, " AND c.id < ?");
        qb_int(q, cq->cursor_id);
    }
}

/* A node's queue: its own open cases, and the overdue open ones beneath it, which rise into
 * it. The page's ids come from two branches, each in deadline order and each read off one
 * index (the overdue ones off case_rises, see rises_sync, stopping at the page's end), then
 * only the page's rows are read. */
static void node_queue(qb *q, const scope *s, const cases_query *cq, int64_t county,
                       const node_info *node)
{
    qb_sql(q, "SELECT " LIST_COLS ", coalesce(c.due_at, ?) FROM cases c WHERE c.id IN"
              " (SELECT id FROM (SELECT c.id AS id FROM cases c WHERE c.county_id = ? AND"
              " c.node_id = ? AND c.open = 1");
    qb_int(q, FAR_FUTURE);
    qb_int(q, county);
    qb_int(q, node->id);
    qb_scope(q, s, RES_CASES, "c");
    list_filters(q, cq, 1);
    qb_sql(q, " ORDER BY coalesce(c.due_at, ?), c.id LIMIT ?) UNION ALL SELECT id FROM"
              " (SELECT r.case_id AS id FROM case_rises r JOIN cases c ON c.id = r.case_id"
              " WHERE r.node_id = ? AND r.due_at < ?");
    qb_int(q, FAR_FUTURE);
    qb_int(q, cq->limit);
    qb_int(q, node->id);
    qb_int(q, cq->now);
    if (cq->cursor_id) {
        qb_sql(q, " AND (r.due_at, r.case_id) > (?, ?)");
        qb_int(q, cq->cursor_key);
        qb_int(q, cq->cursor_id);
    }
    qb_sql(q, " AND r.county_id = ?");
    qb_int(q, county);
    qb_scope(q, s, RES_CASES, "c");
    list_filters(q, cq, 1);
    qb_sql(q, " ORDER BY r.due_at, r.case_id LIMIT ?)) ORDER BY coalesce(c.due_at, ?), c.id"
              " LIMIT ?");
    qb_int(q, cq->limit);
    qb_int(q, FAR_FUTURE);
    qb_int(q, cq->limit);
}

lx_status cases_list(db *d, const principal *who, const cases_query *cq, strbuf *sb,
                     int64_t *next_key, int64_t *next_id, lx_error *e)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0, n = 0;
    scope s = scope_for(who, RES_CASES);
    node_info node;
    lx_status rc;
    int by_due = cq->queue != QUEUE_ALL && cq->queue != QUEUE_FOLLOW_UP;
    *next_key = *next_id = 0;
    memset(&node, 0, sizeof node);
    int64_t nid = cq->node_id ? cq->node_id : who->node_id;
    if (cq->queue != QUEUE_MINE && nid) {
        rc = node_load(d, who->county_id, nid, &node);
        if (rc == LX_ENOTFOUND ||
            (!rc && s.kind == SCOPE_SUBTREE && !path_under(node.path, s.path)))
            return lx_fail(e, LX_ENOTFOUND, "node_id", "no such place in your scope");
        if (rc)
            return rc;
    } else if (cq->queue != QUEUE_MINE && cq->queue != QUEUE_ALL) {
        return lx_fail(e, LX_EINVAL, "node_id", "name the place whose queue you want");
    }
    qb_init(&q);
    q.scope_as_filter = 1;
    if (cq->queue == QUEUE_NODE) {
        node_queue(&q, &s, cq, who->county_id, &node);
    } else {
        qb_sql(&q, "SELECT " LIST_COLS ", coalesce(c.due_at, ?) FROM cases c WHERE 1 = 1");
        qb_int(&q, FAR_FUTURE);
        qb_scope(&q, &s, RES_CASES, "c");
        switch (cq->queue) {
        case QUEUE_ALL:
            if (node.id)
                qb_prefix(&q, "c.path", node.path);
            break;
        case QUEUE_MINE:
            qb_sql(&q, " AND (c.assignee_user_id = ? OR c.assignee_member_id = ?) AND c.open = 1");
            qb_int(&q, who->user_id ? who->user_id : -1);
            qb_int(&q, who->member_id ? who->member_id : -1);
            break;
        case QUEUE_ESCALATED:
            qb_sql(&q, " AND c.county_id = ? AND c.node_id = ? AND c.open = 1 AND"
                       " c.escalated = 1");
            qb_int(&q, who->county_id);
            qb_int(&q, node.id);
            break;
        case QUEUE_OVERDUE:
            qb_sql(&q, " AND c.open = 1 AND (c.due_at < ? OR (c.responded_at IS NULL AND"
                       " c.response_due < ?))");
            qb_int(&q, cq->now);
            qb_int(&q, cq->now);
            qb_prefix(&q, "c.path", node.path);
            break;
        case QUEUE_SUPERVISED:
            qb_sql(&q, " AND c.supervised = 1 AND c.supervisor_node_id = ? AND"
                       " c.state <> 'closed'");
            qb_int(&q, node.id);
            break;
        case QUEUE_FOLLOW_UP:
            qb_sql(&q, " AND c.state IN ('resolved', 'rated', 'closed') AND c.follow_up IS NULL"
                       " AND c.resolved_at >= ? AND (c.id * 7919) % 100 < ?");
            qb_int(&q, cq->now - FOLLOW_UP_DAYS * 86400);
            qb_int(&q, policy_get(d, who->county_id, "case.follow_up_percent"));
            qb_prefix(&q, "c.path", node.path);
            break;
        default:
            break;
        }
        list_filters(&q, cq, by_due);
        if (by_due) {
            qb_sql(&q, " ORDER BY coalesce(c.due_at, ?), c.id LIMIT ?");
            qb_int(&q, FAR_FUTURE);
        } else {
            qb_sql(&q, " ORDER BY c.id DESC LIMIT ?");
        }
        qb_int(&q, cq->limit);
    }
    rc = qb_prepare(&q, d, &st);
    strbuf_add(sb, "[", 1);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        if (n)
            strbuf_add(sb, ",", 1);
        list_row(sb, st, cq->now);
        if (++n == cq->limit) {
            *next_id = db_col_int(st, 0);
            *next_key = by_due ? db_col_int(st, 24) : 0;
        }
    }
    strbuf_add(sb, "]", 1);
    db_done(st);
    qb_release(&q);
    return rc;
}

/* ---- the three rates ---- */

static json_t *rates_json(int64_t received, int64_t in_time, int64_t resolved, int64_t rated,
                          int64_t satisfied)
{
    json_t *o =
        json_pack("{s:I,s:I,s:I,s:I,s:I}", "received", (json_int_t)received, "responded_in_time",
                  (json_int_t)in_time, "resolved", (json_int_t)resolved, "rated", (json_int_t)rated,
                  "satisfied", (json_int_t)satisfied);
    json_object_set_new(o, "response_rate",
                        received ? json_real((double)in_time / (double)received) : json_null());
    json_object_set_new(o, "resolution_rate",
                        received ? json_real((double)resolved / (double)received) : json_null());
    json_object_set_new(o, "satisfaction_rate",
                        rated ? json_real((double)satisfied / (double)rated) : json_null());
    return o;
}

lx_status cases_rates(db *d, const principal *who, int64_t node_id, int yyyymm, json_t **out,
                      lx_error *e)
{
    node_info node;
    scope s = scope_for(who, RES_CASES);
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    int y = yyyymm / 100, m = yyyymm % 100;
    *out = NULL;
    if (y < 2000 || y > 2100 || m < 1 || m > 12)
        return lx_fail(e, LX_EINVAL, "month", "month is YYYY-MM");
    lx_status rc = node_load(d, who->county_id, node_id ? node_id : who->node_id, &node);
    if (rc == LX_ENOTFOUND || (!rc && s.kind != SCOPE_SUBTREE) ||
        (!rc && !path_under(node.path, s.path)))
        return lx_fail(e, LX_ENOTFOUND, "node_id", "no such place in your scope");
    if (rc)
        return rc;
    int off = due_utc_offset(d, who->county_id);
    int64_t from = lx_ymd_to_time(yyyymm * 100 + 1, off);
    int64_t to = lx_ymd_to_time((m == 12 ? (y + 1) * 100 + 1 : yyyymm + 1) * 100 + 1, off);
    size_t plen = strlen(node.path);
    json_t *children = json_object();
    int64_t t[5] = {0, 0, 0, 0, 0};
    qb_init(&q);
    qb_sql(&q,
           "SELECT CASE WHEN length(c.path) < ? THEN '' ELSE substr(c.path, ?, instr(substr(c.path,"
           " ?), '/') - 1) END AS child,"
           " count(*), sum(c.responded_at IS NOT NULL AND c.responded_at <= c.response_due),"
           " sum(c.state IN ('resolved', 'rated', 'closed') AND coalesce(c.rating, '') <>"
           " 'unsatisfied' AND coalesce(c.follow_up, '') <> 'not_fixed'),"
           " sum(c.rating IS NOT NULL), sum(c.rating IN ('satisfied', 'basic'))"
           " FROM cases c WHERE c.county_id = ? AND c.opened_at >= ? AND c.opened_at < ?");
    qb_int(&q, (int64_t)plen + 2); /* the place's own cases have no child segment */
    qb_int(&q, (int64_t)plen + 1);
    qb_int(&q, (int64_t)plen + 1);
    qb_int(&q, who->county_id);
    qb_int(&q, from);
    qb_int(&q, to);
    qb_prefix(&q, "c.path", node.path);
    qb_sql(&q, " GROUP BY child");
    rc = qb_prepare(&q, d, &st);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        int64_t v[5];
        for (int i = 0; i < 5; i++) {
            v[i] = db_col_int(st, i + 1);
            t[i] += v[i];
        }
        const char *child = db_col_text(st, 0);
        json_object_set_new(children, child && *child ? child : "self",
                            rates_json(v[0], v[1], v[2], v[3], v[4]));
    }
    db_done(st);
    qb_release(&q);
    if (rc) {
        json_decref(children);
        return rc;
    }
    /* one row per child place, named, in tree order; the place's own cases apart */
    json_t *rows = json_array();
    rc = db_prepare(d, "SELECT id, name FROM nodes WHERE parent_id = ? AND active = 1 ORDER BY id",
                    &st);
    if (!rc)
        db_bind_int(st, 1, node.id);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)db_col_int(st, 0));
        json_t *r = json_object_get(children, key);
        r = r ? json_incref(r) : rates_json(0, 0, 0, 0, 0);
        json_object_set_new(r, "node_id", json_integer(db_col_int(st, 0)));
        json_object_set_new(r, "name", json_string(db_col_text(st, 1)));
        json_array_append_new(rows, r);
    }
    db_done(st);
    json_t *self = json_object_get(children, "self");
    char month[8];
    snprintf(month, sizeof month, "%04d-%02d", y, m);
    *out = json_pack("{s:I,s:s,s:o,s:o,s:o}", "node_id", (json_int_t)node.id, "month", month,
                     "totals", rates_json(t[0], t[1], t[2], t[3], t[4]), "own",
                     self ? json_incref(self) : rates_json(0, 0, 0, 0, 0), "children", rows);
    json_decref(children);
    return rc;
}

/* ---- cases from a contact's raised requests ---- */

lx_status cases_from_contact(db *d, const principal *who, const char *addr, int64_t contact_id,
                             json_t **out, lx_error *e)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_CONTACTS);
    int64_t node = 0;
    const char *kind = NULL;
    char kindbuf[24] = "";
    *out = NULL;
    qb_init(&q);
    qb_sql(&q, "SELECT c.node_id, c.kind FROM contacts c WHERE c.id = ? AND c.active = 1");
    qb_int(&q, contact_id);
    qb_scope(&q, &s, RES_CONTACTS, "c");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && !row)
        rc = LX_ENOTFOUND;
    if (!rc) {
        node = db_col_int(st, 0);
        copy_col(st, 1, kindbuf, sizeof kindbuf);
        kind = kindbuf;
    }
    db_done(st);
    qb_release(&q);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such contact in your scope");
    if (rc)
        return rc;
    int meeting = vocab_contact_meeting(vocab_find(&vocab_contact_kind, kind));
    /* the requests still without a case */
    typedef struct pending {
        int64_t id, household;
        char *text;
        int category;
    } pending;
    pending p[64];
    int np = 0;
    rc = db_prepare(d,
                    "SELECT id, coalesce(household_id, 0), text, category FROM contact_requests"
                    " WHERE contact_id = ? AND case_id IS NULL ORDER BY id",
                    &st);
    if (!rc)
        db_bind_int(st, 1, contact_id);
    while (!rc && !(rc = db_step(st, &row)) && row && np < 64) {
        p[np].id = db_col_int(st, 0);
        p[np].household = db_col_int(st, 1);
        p[np].text = xstrdup(db_col_text(st, 2));
        p[np].category = vocab_find(&vocab_request_category, db_col_text(st, 3));
        np++;
    }
    db_done(st);
    json_t *arr = json_array();
    for (int i = 0; !rc && i < np; i++) {
        case_open_in in;
        char code[CASE_CODE_LEN + 1];
        int64_t id = 0;
        memset(&in, 0, sizeof in);
        in.channel = vocab_find(&vocab_case_channel, meeting ? "meeting" : "visit");
        in.category =
            p[i].category < 0 ? vocab_find(&vocab_request_category, "other") : p[i].category;
        in.priority = vocab_find(&vocab_case_priority, "ordinary");
        in.text = p[i].text;
        in.household_id = p[i].household;
        in.node_id = p[i].household ? 0 : node;
        in.contact_id = contact_id;
        in.request_id = p[i].id;
        rc = cases_open(d, who, addr, &in, &id, code, e);
        if (!rc)
            json_array_append_new(arr, json_pack("{s:I,s:I,s:s}", "request_id", (json_int_t)p[i].id,
                                                 "case_id", (json_int_t)id, "code", code));
    }
    for (int i = 0; i < np; i++)
        free(p[i].text);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return LX_OK;
}

/* ---- the overdue sweep ---- */

lx_status cases_sweep(db *d, int64_t now, int *n)
{
    static const char *const sql[2] = {
        "SELECT " CASE_COLS " FROM cases c WHERE c.open = 1 AND c.overdue_notified = 0 AND"
        " c.due_at < ? ORDER BY c.due_at LIMIT 500",
        "SELECT " CASE_COLS " FROM cases c WHERE c.open = 1 AND c.overdue_notified = 0 AND"
        " c.responded_at IS NULL AND c.response_due < ? ORDER BY c.response_due LIMIT 500"};
    *n = 0;
    for (int k = 0; k < 2; k++) {
        case_row *rows = xcalloc(500, sizeof *rows);
        int nr = 0, row = 0;
        db_stmt *st = NULL;
        lx_status rc = db_prepare(d, sql[k], &st);
        if (!rc)
            db_bind_int(st, 1, now);
        while (!rc && !(rc = db_step(st, &row)) && row && nr < 500)
            row_read(st, &rows[nr++]);
        db_done(st);
        for (int i = 0; !rc && i < nr; i++) {
            node_info node;
            rc = node_load(d, rows[i].county_id, rows[i].node_id, &node);
            if (rc == LX_ENOTFOUND) { /* a place deactivated since: tell nobody above */
                node.parent_id = 0;
                rc = LX_OK;
            }
            if (!rc)
                rc = notify_case(d, &rows[i], "overdue",
                                 node.parent_id ? node.parent_id : rows[i].node_id, now);
            if (!rc)
                rc = add_event(d, &rows[i], NULL, "overdue", rows[i].state, rows[i].state,
                               rows[i].node_id, NULL, 0,
                               k ? "{\"clock\":\"response\"}" : "{\"clock\":\"resolution\"}", now);
            if (!rc) {
                rc = db_prepare(d, "UPDATE cases SET overdue_notified = 1 WHERE id = ?", &st);
                if (!rc) {
                    db_bind_int(st, 1, rows[i].id);
                    rc = db_run(st);
                    db_done(st);
                }
            }
            if (!rc)
                (*n)++;
        }
        free(rows);
        if (rc)
            return rc;
    }
    return LX_OK;
}
