/* casework.c -- the public board, reply templates, the county's calendar, notifications. */
#include "store/casework.h"

#include "core/workcal.h"
#include "store/audit.h"
#include "store/cases.h"
#include "store/due.h"
#include "store/query.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- the public board ---- */

int board_text_leaks(const char *text)
{
    /* a run of 5 or more digits (a phone, an ID number, a bank card), or a number followed
     * by 号 / 室 / 栋 / 单元 (a house number) */
    int run = 0;
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        if ((*p >= '0' && *p <= '9') || *p == 'X' || *p == 'x') {
            if (*p >= '0' && *p <= '9')
                run++;
            if (run >= 5)
                return 1;
            if (*p >= '0' && *p <= '9' &&
                (!strncmp((const char *)p + 1, "号", 3) || !strncmp((const char *)p + 1, "室", 3) ||
                 !strncmp((const char *)p + 1, "栋", 3) ||
                 !strncmp((const char *)p + 1, "單元", 6) ||
                 !strncmp((const char *)p + 1, "单元", 6) ||
                 !strncmp((const char *)p + 1, "號", 3)))
                return 1;
        } else if (*p != ' ' && *p != '-') {
            run = 0;
        }
    }
    return 0;
}

lx_status board_publish(db *d, const principal *who, const char *addr, int64_t case_id,
                        const char *text, const char *resolution, const char *const *photos,
                        size_t nphotos, int64_t *id, lx_error *e)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_CASES);
    char state[16] = "", rating[16] = "", category[24] = "";
    int64_t origin = 0, opened = 0, resolved = 0;
    qb_init(&q);
    qb_sql(&q, "SELECT c.state, coalesce(c.rating, ''), c.category, c.origin_node_id,"
               " c.opened_at, coalesce(c.first_resolved_at, 0) FROM cases c WHERE c.id = ?");
    qb_int(&q, case_id);
    qb_scope(&q, &s, RES_CASES, "c");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && !row)
        rc = LX_ENOTFOUND;
    if (!rc) {
        snprintf(state, sizeof state, "%s", db_col_text(st, 0));
        snprintf(rating, sizeof rating, "%s", db_col_text(st, 1));
        snprintf(category, sizeof category, "%s", db_col_text(st, 2));
        origin = db_col_int(st, 3);
        opened = db_col_int(st, 4);
        resolved = db_col_int(st, 5);
    }
    db_done(st);
    qb_release(&q);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such case in your scope");
    if (rc)
        return rc;
    if (strcmp(state, "resolved") && strcmp(state, "rated") && strcmp(state, "closed"))
        return lx_fail(e, LX_ECONFLICT, "state", "only a resolved case goes on the board");
    if (!strcmp(rating, "unsatisfied"))
        return lx_fail(e, LX_ECONFLICT, "state", "the resident was not satisfied");
    if (board_text_leaks(text))
        return lx_fail(e, LX_EINVAL, "text",
                       "the text still holds a phone, ID or house number; redact it first");
    if (board_text_leaks(resolution))
        return lx_fail(e, LX_EINVAL, "resolution",
                       "the resolution still holds a phone, ID or house number; redact it first");
    /* the board is the village's: the origin, or the village above a group */
    int64_t node = origin, parent = 0;
    char kind[16] = "";
    for (int guard = 0; guard < 8; guard++) {
        rc = db_prepare(d, "SELECT kind, coalesce(parent_id, 0) FROM nodes WHERE id = ?", &st);
        if (rc)
            return rc;
        db_bind_int(st, 1, node);
        rc = db_step(st, &row);
        if (!rc && row) {
            snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
            parent = db_col_int(st, 1);
        }
        db_done(st);
        if (rc)
            return rc;
        if ((strcmp(kind, "group") && strcmp(kind, "grid")) || !parent)
            break;
        node = parent;
    }
    json_t *ph = json_array();
    for (size_t i = 0; i < nphotos; i++) {
        int64_t n = 0;
        rc = db_prepare(d, "SELECT count(*) FROM case_photos WHERE case_id = ? AND hash = ?", &st);
        if (rc)
            break;
        db_bind_int(st, 1, case_id);
        db_bind_text(st, 2, photos[i]);
        rc = db_step(st, &row);
        n = row ? db_col_int(st, 0) : 0;
        db_done(st);
        if (!rc && !n)
            rc = lx_fail(e, LX_EINVAL, "photos", "photo %zu is not one of this case's", i + 1);
        if (!rc)
            json_array_append_new(ph, json_string(photos[i]));
    }
    char *phtext = json_dumps(ph, JSON_COMPACT);
    json_decref(ph);
    int off = due_utc_offset(d, who->county_id);
    int ymd = lx_today_ymd(resolved ? resolved : lx_now(), off);
    if (!rc)
        rc = db_prepare(d,
                        "INSERT INTO board_items (county_id, case_id, node_id, month, category,"
                        " text, resolution, hours_to_resolve, photos, published_by, published_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        &st);
    if (!rc) {
        db_bind_int(st, 1, who->county_id);
        db_bind_int(st, 2, case_id);
        db_bind_int(st, 3, node);
        db_bind_int(st, 4, ymd / 100);
        db_bind_text(st, 5, category);
        db_bind_text(st, 6, text);
        db_bind_text(st, 7, resolution);
        db_bind_int(st, 8, resolved > opened ? (resolved - opened + 3599) / 3600 : 0);
        db_bind_text(st, 9, phtext);
        if (who->user_id)
            db_bind_int(st, 10, who->user_id);
        else
            db_bind_null(st, 10);
        db_bind_int(st, 11, lx_now());
        rc = db_step(st, &row);
        if (!rc && row)
            *id = db_col_int(st, 0);
        db_done(st);
        if (rc == LX_ECONFLICT)
            rc = lx_fail(e, LX_ECONFLICT, "id", "this case is on the board already");
    }
    free(phtext);
    if (!rc)
        rc = audit_object(d, who, addr, "board.publish", "cases", case_id, NULL);
    return rc;
}

lx_status board_withdraw(db *d, const principal *who, const char *addr, int64_t id,
                         const char *reason, lx_error *e)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_NODES);
    qb_init(&q);
    qb_sql(&q, "SELECT b.withdrawn_at IS NOT NULL FROM board_items b JOIN nodes n"
               " ON n.id = b.node_id WHERE b.id = ?");
    qb_int(&q, id);
    qb_scope(&q, &s, RES_NODES, "n");
    lx_status rc = qb_prepare(&q, d, &st);
    int withdrawn = 0;
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row)
        withdrawn = (int)db_col_int(st, 0);
    db_done(st);
    qb_release(&q);
    if (!rc && !row)
        return lx_fail(e, LX_ENOTFOUND, "id", "no such board item in your scope");
    if (!rc && withdrawn)
        return lx_fail(e, LX_ECONFLICT, "id", "this item was taken off the board already");
    if (!rc)
        rc = db_prepare(d, "UPDATE board_items SET withdrawn_at = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, lx_now());
    db_bind_int(st, 2, id);
    rc = db_run(st);
    db_done(st);
    json_t *dj = json_pack("{s:s}", "reason", reason);
    char *detail = json_dumps(dj, JSON_COMPACT);
    json_decref(dj);
    if (!rc)
        rc = audit_object(d, who, addr, "board.withdraw", "board", id, detail);
    free(detail);
    return rc;
}

static json_t *board_row(db_stmt *st)
{
    char at[32];
    json_error_t err;
    lx_iso8601(db_col_int(st, 5), at, sizeof at);
    json_t *ph = json_loads(db_col_text(st, 6), 0, &err);
    return json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:o,s:I,s:I}", "id", (json_int_t)db_col_int(st, 0),
                     "category", db_col_text(st, 1), "text", db_col_text(st, 2), "resolution",
                     db_col_text(st, 3), "hours_to_resolve", (json_int_t)db_col_int(st, 4),
                     "published_at", at, "photos", ph ? ph : json_array(), "node_id",
                     (json_int_t)db_col_int(st, 7), "month", (json_int_t)db_col_int(st, 8));
}

#define BOARD_COLS                                                                                 \
    "b.id, b.category, b.text, b.resolution, b.hours_to_resolve, b.published_at, b.photos,"        \
    " b.node_id, b.month"

lx_status board_items(db *d, int64_t node_id, int *yyyymm, json_t **items, char **node_name)
{
    db_stmt *st = NULL;
    int row = 0;
    int64_t county = 0;
    *items = NULL;
    *node_name = NULL;
    lx_status rc =
        db_prepare(d, "SELECT name, county_id FROM nodes WHERE id = ? AND active = 1", &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, node_id);
    rc = db_step(st, &row);
    if (!rc && row) {
        *node_name = xstrdup(db_col_text(st, 0));
        county = db_col_int(st, 1);
    }
    db_done(st);
    if (!rc && !row)
        return LX_ENOTFOUND;
    if (rc)
        return rc;
    if (!*yyyymm)
        *yyyymm = lx_today_ymd(lx_now(), due_utc_offset(d, county)) / 100;
    *items = json_array();
    rc = db_prepare(d,
                    "SELECT " BOARD_COLS " FROM board_items b WHERE b.node_id = ? AND b.month = ?"
                    " AND b.withdrawn_at IS NULL ORDER BY b.published_at DESC, b.id DESC",
                    &st);
    if (!rc) {
        db_bind_int(st, 1, node_id);
        db_bind_int(st, 2, *yyyymm);
    }
    while (!rc && !(rc = db_step(st, &row)) && row)
        json_array_append_new(*items, board_row(st));
    db_done(st);
    return rc;
}

lx_status board_list(db *d, const principal *who, int64_t node_id, json_t **items)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_NODES);
    *items = json_array();
    qb_init(&q);
    qb_sql(&q, "SELECT " BOARD_COLS ", b.case_id, b.withdrawn_at FROM board_items b JOIN nodes n"
               " ON n.id = b.node_id WHERE 1 = 1");
    qb_scope(&q, &s, RES_NODES, "n");
    if (node_id) {
        qb_sql(&q, " AND n.path >= (SELECT path FROM nodes WHERE id = ?) AND n.path < (SELECT"
                   " path FROM nodes WHERE id = ?) || x'f48fbfbf'");
        qb_int(&q, node_id);
        qb_int(&q, node_id);
    }
    qb_sql(&q, " ORDER BY b.id DESC LIMIT 500");
    lx_status rc = qb_prepare(&q, d, &st);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        json_t *o = board_row(st);
        json_object_set_new(o, "case_id", json_integer(db_col_int(st, 9)));
        json_object_set_new(o, "withdrawn", json_boolean(!db_col_is_null(st, 10)));
        json_array_append_new(*items, o);
    }
    db_done(st);
    qb_release(&q);
    return rc;
}

int board_has_photo(db *d, int64_t node_id, const char *hash, int *type)
{
    return cases_photo_probe(d,
                             "SELECT p.type FROM board_items b JOIN case_photos p"
                             " ON p.case_id = b.case_id WHERE b.node_id = ? AND p.hash = ? AND"
                             " b.withdrawn_at IS NULL AND instr(b.photos, p.hash) > 0 LIMIT 1",
                             node_id, hash, type);
}

/* ---- reply templates ---- */

lx_status templates_list(db *d, int64_t county_id, const char *category, json_t **items)
{
    db_stmt *st = NULL;
    int row = 0;
    *items = json_array();
    lx_status rc = db_prepare(d,
                              "SELECT id, category, text FROM reply_templates WHERE county_id = ?"
                              " AND active = 1 AND (? IS NULL OR category = ?)"
                              " ORDER BY category, id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    db_bind_text(st, 2, category);
    db_bind_text(st, 3, category);
    while (!(rc = db_step(st, &row)) && row)
        json_array_append_new(*items, json_pack("{s:I,s:s,s:s}", "id",
                                                (json_int_t)db_col_int(st, 0), "category",
                                                db_col_text(st, 1), "text", db_col_text(st, 2)));
    db_done(st);
    return rc;
}

lx_status templates_add(db *d, const principal *who, const char *addr, const char *category,
                        const char *text, int64_t *id)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d,
                              "INSERT INTO reply_templates (county_id, category, text, created_by,"
                              " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->county_id);
    db_bind_text(st, 2, category);
    db_bind_text(st, 3, text);
    if (who->user_id)
        db_bind_int(st, 4, who->user_id);
    else
        db_bind_null(st, 4);
    db_bind_int(st, 5, lx_now());
    rc = db_step(st, &row);
    if (!rc && row)
        *id = db_col_int(st, 0);
    db_done(st);
    return rc ? rc : audit_object(d, who, addr, "templates.create", "reply-templates", *id, NULL);
}

lx_status templates_deactivate(db *d, const principal *who, const char *addr, int64_t id,
                               lx_error *e)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d,
                              "UPDATE reply_templates SET active = 0 WHERE id = ? AND"
                              " county_id = ? AND active = 1",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, who->county_id);
    rc = db_run(st);
    db_done(st);
    if (!rc && db_changes(d) == 0)
        return lx_fail(e, LX_ENOTFOUND, "id", "no such active template");
    return rc ? rc
              : audit_object(d, who, addr, "templates.deactivate", "reply-templates", id, NULL);
}

/* ---- the county's calendar ---- */

static json_t *date_list(const int32_t *days, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", days[i] / 10000, days[i] / 100 % 100,
                 days[i] % 100);
        json_array_append_new(a, json_string(buf));
    }
    return a;
}

lx_status calendar_get(db *d, int64_t county_id, int year, json_t **out)
{
    db_stmt *st = NULL;
    int row = 0;
    int64_t own = 0;
    int32_t off[400], work[400];
    size_t noff = 0, nwork = 0;
    *out = NULL;
    lx_status rc = store_scalar(d,
                                "SELECT count(*) FROM calendar_years WHERE county_id = ? AND"
                                " year = ?",
                                county_id, year, NULL, &own);
    if (rc)
        return rc;
    if (own) {
        rc = db_prepare(d,
                        "SELECT day, kind FROM calendar_days WHERE county_id = ? AND day >= ? AND"
                        " day < ? ORDER BY day",
                        &st);
        if (rc)
            return rc;
        db_bind_int(st, 1, county_id);
        db_bind_int(st, 2, (int64_t)year * 10000);
        db_bind_int(st, 3, (int64_t)(year + 1) * 10000);
        while (!(rc = db_step(st, &row)) && row) {
            const char *k = db_col_text(st, 1);
            if (k && !strcmp(k, "work")) {
                if (nwork < 400)
                    work[nwork++] = (int32_t)db_col_int(st, 0);
            } else if (noff < 400) {
                off[noff++] = (int32_t)db_col_int(st, 0);
            }
        }
        db_done(st);
        if (rc)
            return rc;
        *out = json_pack("{s:i,s:s,s:o,s:o}", "year", year, "source", "county", "off",
                         date_list(off, noff), "work", date_list(work, nwork));
        return LX_OK;
    }
    const workcal_year *b = workcal_builtin(year);
    *out = json_pack("{s:i,s:s,s:o,s:o}", "year", year, "source", b ? "builtin" : "none", "off",
                     b ? date_list(b->off, b->noff) : json_array(), "work",
                     b ? date_list(b->work, b->nwork) : json_array());
    return LX_OK;
}

lx_status calendar_set(db *d, const principal *who, const char *addr, int year, const int32_t *off,
                       size_t noff, const int32_t *work, size_t nwork)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d,
                              "DELETE FROM calendar_days WHERE county_id = ? AND day >= ? AND"
                              " day < ?",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->county_id);
    db_bind_int(st, 2, (int64_t)year * 10000);
    db_bind_int(st, 3, (int64_t)(year + 1) * 10000);
    rc = db_run(st);
    db_done(st);
    for (int k = 0; !rc && k < 2; k++) {
        const int32_t *days = k ? work : off;
        size_t n = k ? nwork : noff;
        for (size_t i = 0; !rc && i < n; i++) {
            rc = db_prepare(d, "INSERT INTO calendar_days (county_id, day, kind) VALUES (?, ?, ?)",
                            &st);
            if (rc)
                break;
            db_bind_int(st, 1, who->county_id);
            db_bind_int(st, 2, days[i]);
            db_bind_text(st, 3, k ? "work" : "off");
            rc = db_run(st);
            db_done(st);
        }
    }
    if (!rc)
        rc = db_prepare(d,
                        "INSERT INTO calendar_years (county_id, year, updated_by, updated_at)"
                        " VALUES (?, ?, ?, ?) ON CONFLICT (county_id, year) DO UPDATE SET"
                        " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                        &st);
    if (!rc) {
        db_bind_int(st, 1, who->county_id);
        db_bind_int(st, 2, year);
        if (who->user_id)
            db_bind_int(st, 3, who->user_id);
        else
            db_bind_null(st, 3);
        db_bind_int(st, 4, lx_now());
        rc = db_run(st);
        db_done(st);
    }
    char detail[96];
    snprintf(detail, sizeof detail, "{\"year\":%d,\"off\":%zu,\"work\":%zu}", year, noff, nwork);
    return rc ? rc : audit_object(d, who, addr, "calendar.set", "calendar", year, detail);
}

/* ---- notifications ---- */

lx_status notifications_list(db *d, const principal *who, int unread_only, int64_t before,
                             int limit, json_t **items, int64_t *unread)
{
    db_stmt *st = NULL;
    int row = 0;
    *items = json_array();
    lx_status rc = store_scalar(d,
                                "SELECT count(*) FROM notifications WHERE user_id = ? AND"
                                " read_at IS NULL AND ? = 0",
                                who->user_id, 0, NULL, unread);
    if (!rc)
        rc = db_prepare(d,
                        "SELECT n.id, n.kind, n.case_id, c.code, c.state, n.created_at,"
                        " n.read_at IS NOT NULL FROM notifications n LEFT JOIN cases c ON"
                        " c.id = n.case_id WHERE n.user_id = ? AND (? = 0 OR n.id < ?) AND"
                        " (? = 0 OR n.read_at IS NULL) ORDER BY n.id DESC LIMIT ?",
                        &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, who->user_id);
    db_bind_int(st, 2, before);
    db_bind_int(st, 3, before);
    db_bind_int(st, 4, unread_only);
    db_bind_int(st, 5, limit);
    while (!(rc = db_step(st, &row)) && row) {
        char at[32];
        lx_iso8601(db_col_int(st, 5), at, sizeof at);
        json_array_append_new(
            *items, json_pack("{s:I,s:s,s:I,s:s?,s:s?,s:s,s:b}", "id",
                              (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1), "case_id",
                              (json_int_t)db_col_int(st, 2), "code", db_col_text(st, 3), "state",
                              db_col_text(st, 4), "at", at, "read", (int)db_col_int(st, 6)));
    }
    db_done(st);
    return rc;
}

lx_status notifications_read(db *d, const principal *who, int64_t id)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d,
                              "UPDATE notifications SET read_at = coalesce(read_at, ?) WHERE id = ?"
                              " AND user_id = ?",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, lx_now());
    db_bind_int(st, 2, id);
    db_bind_int(st, 3, who->user_id);
    rc = db_run(st);
    db_done(st);
    if (!rc && db_changes(d) == 0)
        rc = LX_ENOTFOUND;
    return rc;
}
