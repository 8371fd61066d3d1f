/* contacts.c -- the SQL of contacts, their households, attendees and requests, and the visit form. */
#include "store/contacts.h"
#include "core/visitform.h"
#include "core/vocab.h"
#include "store/audit.h"
#include "store/policies.h"
#include "store/query.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

static json_t *time_json(db_stmt *st, int col)
{
    char ts[32];
    if (db_col_is_null(st, col))
        return json_null();
    lx_iso8601(db_col_int(st, col), ts, sizeof ts);
    return json_string(ts);
}

static json_t *text_json(db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? json_string(s) : json_null();
}

static json_t *int_json(db_stmt *st, int col)
{
    return db_col_is_null(st, col) ? json_null() : json_integer(db_col_int(st, col));
}

/* Run one statement whose only parameter is an id. */
static lx_status db_exec_int(db *d, const char *sql, int64_t id)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_run(st);
    db_done(st);
    return rc;
}

/* Is `path` at or under `prefix`? */
static int under(const char *path, const char *prefix)
{
    return prefix && path && !strncmp(path, prefix, strlen(prefix));
}

/* Had `member` a pairing (either layer) with `household` at time t? */
static lx_status paired_at(db *d, int64_t member, int64_t household, int64_t t, int *out)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT 1 FROM pairings WHERE household_id = ? AND member_id = ?"
                                 " AND started_at <= ? AND (ended_at IS NULL OR ended_at > ?)"
                                 " LIMIT 1",
                              &st);
    *out = 0;
    if (rc)
        return rc;
    db_bind_int(st, 1, household);
    db_bind_int(st, 2, member);
    db_bind_int(st, 3, t);
    db_bind_int(st, 4, t);
    rc = db_step(st, &row);
    *out = !rc && row;
    db_done(st);
    return rc;
}

/* Is `member` paired now (either layer) with `household`? */
static lx_status paired_now(db *d, int64_t member, int64_t household, int *out)
{
    int64_t n = 0;
    lx_status rc = store_scalar(d, "SELECT count(*) FROM pairings WHERE member_id = ?"
                                   " AND household_id = ? AND ended_at IS NULL",
                                member, household, NULL, &n);
    *out = n > 0;
    return rc;
}

/* The subtree a caller records in: a member account's own place (their
 * village), everyone else's scope over nodes. NULL when none. */
static const char *record_root(const principal *who)
{
    scope s = scope_for(who, RES_NODES);
    return s.kind == SCOPE_SUBTREE ? s.path : NULL;
}

/* A row's node id and path by id within the county, with its active flag. */
static lx_status row_path(db *d, const char *sql, int64_t county, int64_t id, int64_t *node,
                          char *path, size_t len, int *active)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, county);
    rc = db_step(st, &row);
    if (!rc && row) {
        if (node)
            *node = db_col_int(st, 0);
        lx_strlcpy(path, db_col_text(st, 1), len);
        *active = (int)db_col_int(st, 2);
    } else if (!rc) {
        rc = LX_ENOTFOUND;
    }
    db_done(st);
    return rc;
}

/* A household the caller may name in a contact credited to `member`: active,
 * in the county, and under the caller's recording subtree or (for a member
 * account) paired with the member now. Its node and path out. */
static lx_status household_ok(db *d, const principal *who, int64_t member, int64_t id,
                              int64_t *node, char *path, size_t len)
{
    int active = 0, p = 0;
    lx_status rc = row_path(d, "SELECT node_id, path, active FROM households WHERE id = ?"
                               " AND county_id = ?",
                            who->county_id, id, node, path, len, &active);
    if (rc)
        return rc;
    if (!active)
        return LX_ENOTFOUND;
    if (under(path, record_root(who)))
        return LX_OK;
    if (who->role == ROLE_MEMBER && member) {
        rc = paired_now(d, member, id, &p);
        if (!rc && !p)
            rc = LX_ENOTFOUND;
        return rc;
    }
    return LX_ENOTFOUND;
}

/* A member the caller may name: active, in the county, and within the
 * caller's scope over members (a member account: itself, its unit) or under
 * its recording subtree. Node and path out (may be NULL). */
static lx_status member_ok(db *d, const principal *who, int64_t id, int64_t *node, char *path,
                           size_t len)
{
    char buf[160];
    int active = 0;
    lx_status rc = row_path(d, "SELECT node_id, path, active FROM members WHERE id = ?"
                               " AND county_id = ?",
                            who->county_id, id, node, buf, sizeof buf, &active);
    if (rc)
        return rc;
    if (!active)
        return LX_ENOTFOUND;
    if (path)
        lx_strlcpy(path, buf, len);
    if (under(buf, record_root(who)) || id == who->member_id)
        return LX_OK;
    /* otherwise the caller's scope over members (a member account: its unit) */
    scope s = scope_for(who, RES_MEMBERS);
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    qb_init(&q);
    qb_sql(&q, "SELECT t.id FROM members t WHERE t.id = ?");
    qb_int(&q, id);
    qb_scope(&q, &s, RES_MEMBERS, "t");
    rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    db_done(st);
    qb_release(&q);
    return rc ? rc : row ? LX_OK : LX_ENOTFOUND;
}

/* The questions of a county's form version (0: the latest) as a new reference, and
 * that version in *got; *got 0 and *out NULL when there is no such form. */
static lx_status form_questions(db *d, int64_t county, int version, int *got, json_t **out)
{
    json_t *form = NULL;
    lx_status rc = visitform_get(d, county, version, &form);
    *out = NULL;
    *got = 0;
    if (rc == LX_ENOTFOUND)
        return LX_OK;
    if (rc)
        return rc;
    *got = (int)json_integer_value(json_object_get(form, "version"));
    if (*got)
        *out = json_incref(json_object_get(form, "questions"));
    json_decref(form);
    return LX_OK;
}

static lx_status audit_json(db *d, const principal *who, const char *addr, const char *action,
                            const char *object, json_t *detail)
{
    char *text = json_dumps(detail, JSON_COMPACT);
    audit_rec ar = {who, addr, action, object, "ok", text};
    lx_status rc = audit_append(d, &ar);
    free(text);
    json_decref(detail);
    return rc;
}

/* ---- writing the parts ---- */

static lx_status put_households(db *d, int64_t county, int64_t cid, const contact_in *in,
                                int64_t member, const char *kind, const int *paired)
{
    db_stmt *st = NULL;
    lx_status rc = LX_OK;
    for (size_t i = 0; !rc && i < in->nhouseholds; i++) {
        rc = db_prepare(d, "INSERT INTO contact_households (contact_id, county_id,"
                           " household_id, member_id, kind, happened_at, active, paired)"
                           " VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                        &st);
        if (rc)
            break;
        db_bind_int(st, 1, cid);
        db_bind_int(st, 2, county);
        db_bind_int(st, 3, in->households[i]);
        db_bind_int(st, 4, member);
        db_bind_text(st, 5, kind);
        db_bind_int(st, 6, in->happened_at);
        db_bind_int(st, 7, paired[i]);
        rc = db_run(st);
        db_done(st);
    }
    return rc;
}

static lx_status put_attendees(db *d, int64_t county, int64_t cid, const contact_in *in)
{
    db_stmt *st = NULL;
    lx_status rc = db_exec_int(d, "DELETE FROM contact_attendees WHERE contact_id = ?", cid);
    for (size_t i = 0; !rc && i < in->natt_members + in->natt_households; i++) {
        int m = i < in->natt_members;
        rc = db_prepare(d, "INSERT INTO contact_attendees (contact_id, county_id, member_id,"
                           " household_id) VALUES (?, ?, ?, ?)",
                        &st);
        if (rc)
            break;
        db_bind_int(st, 1, cid);
        db_bind_int(st, 2, county);
        if (m) {
            db_bind_int(st, 3, in->att_members[i]);
            db_bind_null(st, 4);
        } else {
            db_bind_null(st, 3);
            db_bind_int(st, 4, in->att_households[i - in->natt_members]);
        }
        rc = db_run(st);
        db_done(st);
    }
    return rc;
}

static lx_status put_requests(db *d, int64_t county, int64_t cid, const char *path,
                              const contact_in *in)
{
    db_stmt *st = NULL;
    /* items already turned into cases stay */
    lx_status rc = db_exec_int(d, "DELETE FROM contact_requests WHERE contact_id = ?"
                                  " AND case_id IS NULL",
                               cid);
    for (size_t i = 0; !rc && i < in->nrequests; i++) {
        const contact_request *q = &in->requests[i];
        rc = db_prepare(d, "INSERT INTO contact_requests (county_id, contact_id, path,"
                           " household_id, text, category, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        &st);
        if (rc)
            break;
        db_bind_int(st, 1, county);
        db_bind_int(st, 2, cid);
        db_bind_text(st, 3, path);
        if (q->household_id)
            db_bind_int(st, 4, q->household_id);
        else
            db_bind_null(st, 4);
        db_bind_text(st, 5, q->text);
        db_bind_text(st, 6, vocab_code(&vocab_request_category, q->category));
        db_bind_int(st, 7, lx_now());
        rc = db_run(st);
        db_done(st);
    }
    return rc;
}

/* Check attendees, the leader and the requests' households against the
 * caller's scope; 404s name the field. */
static lx_status check_people(db *d, const principal *who, const contact_in *in, unsigned set,
                              lx_error *e)
{
    char p[160];
    lx_status rc = LX_OK;
    if ((set & CF_LEADER) && in->leader_member_id) {
        rc = member_ok(d, who, in->leader_member_id, NULL, NULL, 0);
        if (rc == LX_ENOTFOUND)
            return lx_fail(e, rc, "leader_member_id", "no such member in your scope");
        if (rc)
            return rc;
    }
    if (set & CF_ATTENDEES) {
        for (size_t i = 0; i < in->natt_members; i++) {
            rc = member_ok(d, who, in->att_members[i], NULL, NULL, 0);
            if (rc == LX_ENOTFOUND)
                return lx_fail(e, rc, "attendees.member_ids", "no such member in your scope: %lld",
                               (long long)in->att_members[i]);
            if (rc)
                return rc;
        }
        for (size_t i = 0; i < in->natt_households; i++) {
            rc = household_ok(d, who, who->member_id, in->att_households[i], NULL, p, sizeof p);
            if (rc == LX_ENOTFOUND)
                return lx_fail(e, rc, "attendees.household_ids",
                               "no such household in your scope: %lld",
                               (long long)in->att_households[i]);
            if (rc)
                return rc;
        }
    }
    return rc;
}

/* Each request's household must be one the contact names. */
static lx_status check_requests(const contact_in *in, const int64_t *hh, size_t nh,
                                const int64_t *ah, size_t nah, lx_error *e)
{
    for (size_t i = 0; i < in->nrequests; i++) {
        int64_t h = in->requests[i].household_id;
        size_t k = 0, j = 0;
        if (!h)
            continue;
        while (k < nh && hh[k] != h)
            k++;
        while (j < nah && ah[j] != h)
            j++;
        if (k == nh && j == nah) {
            char f[48];
            snprintf(f, sizeof f, "requests[%zu].household_id", i);
            return lx_fail(e, LX_EINVAL, f, "a request's household must be one of the contact's");
        }
    }
    return LX_OK;
}

/* ---- reading ---- */

/* Contacts of a place above which a list walks the table in id order. The
 * environment variable LIANXIN_SEARCH_DRIVER_CAP (as for registry searches)
 * lowers it, so that tests on a small county walk too. */
static int64_t list_sort_cap(void)
{
    static int64_t cap;
    if (!cap) {
        const char *e = getenv("LIANXIN_SEARCH_DRIVER_CAP");
        long long v = e ? strtoll(e, NULL, 10) : 0;
        cap = v > 0 ? v : 20000;
    }
    return cap;
}
#define LIST_SORT_CAP list_sort_cap()

#define C_SELECT                                                                               \
    "SELECT c.id, c.kind, c.happened_at, c.recorded_at, c.recorded_by, c.updated_at,"          \
    " c.member_id, m.name, c.node_id, n.name, c.notes, c.talk_situation, c.form_version,"      \
    " c.answers, c.leader_member_id, c.leader_name, c.attendance, c.minutes, c.public,"        \
    " c.active FROM contacts c JOIN members m ON m.id = c.member_id"                          \
    " JOIN nodes n ON n.id = c.node_id"

static json_t *c_row(db_stmt *st)
{
    json_t *ans = NULL;
    if (!db_col_is_null(st, 13))
        ans = json_loads(db_col_text(st, 13), 0, NULL);
    json_t *o = json_pack(
        "{s:I,s:s,s:o,s:o,s:o,s:o,s:I,s:s,s:I,s:s,s:o,s:o,s:o,s:o,s:b}", "id",
        (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1), "happened_at", time_json(st, 2),
        "recorded_at", time_json(st, 3), "recorded_by", int_json(st, 4), "updated_at",
        time_json(st, 5), "member_id", (json_int_t)db_col_int(st, 6), "member_name",
        db_col_text(st, 7), "node_id", (json_int_t)db_col_int(st, 8), "node_name",
        db_col_text(st, 9), "notes", text_json(st, 10), "talk_situation", text_json(st, 11),
        "form_version", int_json(st, 12), "answers", ans ? ans : json_object(), "active",
        (int)db_col_int(st, 19));
    const char *kind = db_col_text(st, 1);
    int k = vocab_find(&vocab_contact_kind, kind);
    if (k >= 0 && vocab_contact_meeting(k)) {
        json_object_set_new(o, "leader_member_id", int_json(st, 14));
        json_object_set_new(o, "leader_name", text_json(st, 15));
        json_object_set_new(o, "attendance", int_json(st, 16));
        json_object_set_new(o, "minutes", text_json(st, 17));
        json_object_set_new(o, "public", json_boolean(db_col_int(st, 18)));
    }
    return o;
}

/* Attach the households of contact o: [{household_id, head_name, paired}]
 * and "unpaired": how many were not the member's. */
static lx_status add_households(db *d, json_t *o)
{
    db_stmt *st = NULL;
    int row = 0, unpaired = 0;
    json_t *arr = json_array();
    lx_status rc = db_prepare(d, "SELECT ch.household_id, h.head_name, ch.paired"
                                 " FROM contact_households ch JOIN households h"
                                 " ON h.id = ch.household_id WHERE ch.contact_id = ?"
                                 " ORDER BY ch.rowid",
                              &st);
    if (!rc)
        db_bind_int(st, 1, json_integer_value(json_object_get(o, "id")));
    while (!rc && !(rc = db_step(st, &row)) && row) {
        unpaired += !db_col_int(st, 2);
        json_array_append_new(arr, json_pack("{s:I,s:s,s:b}", "household_id",
                                             (json_int_t)db_col_int(st, 0), "head_name",
                                             db_col_text(st, 1), "paired", (int)db_col_int(st, 2)));
    }
    db_done(st);
    json_object_set_new(o, "households", arr);
    json_object_set_new(o, "unpaired", json_integer(unpaired));
    return rc;
}

static lx_status add_details(db *d, int64_t county, json_t *o)
{
    db_stmt *st = NULL;
    int row = 0;
    int64_t id = json_integer_value(json_object_get(o, "id"));
    json_t *am = json_array(), *ah = json_array(), *rq = json_array();
    lx_status rc = db_prepare(d, "SELECT member_id, household_id FROM contact_attendees"
                                 " WHERE contact_id = ? ORDER BY rowid",
                              &st);
    if (!rc)
        db_bind_int(st, 1, id);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        if (!db_col_is_null(st, 0))
            json_array_append_new(am, json_integer(db_col_int(st, 0)));
        else
            json_array_append_new(ah, json_integer(db_col_int(st, 1)));
    }
    db_done(st);
    json_object_set_new(o, "attendees", json_pack("{s:o,s:o}", "member_ids", am, "household_ids", ah));
    if (!rc)
        rc = db_prepare(d, "SELECT id, text, category, household_id, case_id FROM contact_requests"
                           " WHERE contact_id = ? ORDER BY id",
                        &st);
    if (!rc)
        db_bind_int(st, 1, id);
    while (!rc && !(rc = db_step(st, &row)) && row)
        json_array_append_new(rq, json_pack("{s:I,s:s,s:s,s:o,s:o}", "id",
                                            (json_int_t)db_col_int(st, 0), "text",
                                            db_col_text(st, 1), "category", db_col_text(st, 2),
                                            "household_id", int_json(st, 3), "case_id",
                                            int_json(st, 4)));
    db_done(st);
    json_object_set_new(o, "requests", rq);
    json_t *v = json_object_get(o, "form_version");
    if (!rc && json_is_integer(v)) {
        json_t *qs = NULL;
        int got = 0;
        rc = form_questions(d, county, (int)json_integer_value(v), &got, &qs);
        if (!rc && qs)
            json_object_set_new(o, "form", json_pack("{s:i,s:o}", "version", got, "questions", qs));
    }
    return rc;
}

/* One contact by id in the caller's scope (new reference), with details. */
static lx_status load_one(db *d, const principal *who, int64_t id, int details, json_t **out)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    scope s = scope_for(who, RES_CONTACTS);
    *out = NULL;
    qb_init(&q);
    qb_sql(&q, C_SELECT " WHERE c.id = ?");
    qb_int(&q, id);
    qb_scope(&q, &s, RES_CONTACTS, "c");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row)
        *out = c_row(st);
    else if (!rc)
        rc = LX_ENOTFOUND;
    db_done(st);
    qb_release(&q);
    if (!rc)
        rc = add_households(d, *out);
    if (!rc && details)
        rc = add_details(d, who->county_id, *out);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

lx_status contacts_get(db *d, const principal *who, int64_t id, json_t **out)
{
    return load_one(d, who, id, 1, out);
}

lx_status contacts_list(db *d, const principal *who, const contacts_query *cq, json_t **items,
                        int64_t *next)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0, n = 0;
    scope s = scope_for(who, RES_CONTACTS);
    lx_status rc;
    *items = json_array();
    *next = 0;
    /* A page in id order: a member's or a household's contacts come off
     * their own index and are few to sort. A place's may be millions: when
     * the subtree holds more than LIST_SORT_CAP contacts, walk the table in
     * id order with the place as a filter (each page stops at its size);
     * below that, take the subtree off the path index and sort it. */
    int walk = 0;
    /* a place within the scope narrows the scope's own range (one range on
     * the path index, not two) */
    if (s.kind == SCOPE_SUBTREE && cq->under && strlen(cq->under) > strlen(s.path) &&
        !strncmp(cq->under, s.path, strlen(s.path)))
        s.path = cq->under;
    if (cq->member_id || cq->household_id) {
        /* driven by the member's or the household's index: the scope is a filter */
        walk = s.kind == SCOPE_SUBTREE;
    } else if (s.kind == SCOPE_SUBTREE) {
        qb_init(&q);
        qb_sql(&q, "SELECT count(*) FROM (SELECT 1 FROM contacts c WHERE c.county_id = ?");
        qb_int(&q, who->county_id);
        qb_prefix(&q, "c.path", s.path);
        qb_sql(&q, " LIMIT ?)");
        qb_int(&q, LIST_SORT_CAP);
        rc = qb_prepare(&q, d, &st);
        if (!rc)
            rc = db_step(st, &row);
        walk = !rc && row && db_col_int(st, 0) >= LIST_SORT_CAP;
        db_done(st);
        st = NULL;
        qb_release(&q);
        if (rc)
            return rc;
    }
    qb_init(&q);
    q.scope_as_filter = walk;
    qb_sql(&q, C_SELECT);
    if (cq->household_id) {
        qb_sql(&q, " JOIN contact_households ch ON ch.contact_id = c.id AND ch.household_id = ?"
                   " AND ch.county_id = ?");
        qb_int(&q, cq->household_id);
        qb_int(&q, who->county_id);
    }
    qb_sql(&q, " WHERE c.id > ?");
    qb_int(&q, cq->after);
    qb_scope(&q, &s, RES_CONTACTS, "c");
    if (cq->member_id) {
        qb_sql(&q, " AND c.county_id = ? AND c.member_id = ?");
        qb_int(&q, who->county_id);
        qb_int(&q, cq->member_id);
    }
    char pcol[16];
    if (cq->under && s.path != cq->under)
        qb_prefix(&q, walk ? db_unindexed("c.path", pcol, sizeof pcol) : "c.path", cq->under);
    if (cq->kind) {
        qb_sql(&q, " AND c.kind = ?");
        qb_text(&q, cq->kind);
    }
    if (cq->from) {
        qb_sql(&q, " AND c.happened_at >= ?");
        qb_int(&q, cq->from);
    }
    if (cq->to) {
        qb_sql(&q, " AND c.happened_at < ?");
        qb_int(&q, cq->to);
    }
    if (cq->active >= 0) {
        qb_sql(&q, " AND c.active = ?");
        qb_int(&q, cq->active);
    }
    if (cq->unpaired)
        qb_sql(&q, " AND EXISTS (SELECT 1 FROM contact_households cu WHERE cu.contact_id = c.id"
                   " AND cu.paired = 0)");
    qb_sql(&q, " ORDER BY c.id LIMIT ?");
    qb_int(&q, cq->limit);
    rc = qb_prepare(&q, d, &st);
    while (!rc && !(rc = db_step(st, &row)) && row) {
        json_array_append_new(*items, c_row(st));
        if (++n == cq->limit)
            *next = db_col_int(st, 0);
    }
    db_done(st);
    qb_release(&q);
    for (size_t i = 0; !rc && i < json_array_size(*items); i++)
        rc = add_households(d, json_array_get(*items, i));
    return rc;
}

/* ---- creating ---- */

lx_status contacts_create(db *d, const principal *who, const char *addr, const contact_in *in,
                          int64_t *id, lx_error *e)
{
    const char *kind = vocab_code(&vocab_contact_kind, in->kind);
    int meeting = vocab_contact_meeting(in->kind);
    int64_t member = in->member_id, node = 0, hnode = 0;
    char path[160] = "", hpath[160], mpath[160];
    int *paired = NULL, version = 0;
    json_t *qs = NULL;
    char *answers = NULL;
    lx_status rc = LX_OK;
    db_stmt *st = NULL;
    int row = 0;

    if (in->happened_at > lx_now() + 86400) {
        rc = lx_fail(e, LX_EINVAL, "happened_at", "a contact cannot be more than a day ahead");
        goto out;
    }
    /* who is credited: seed 003, a contact is the member's who made it */
    if (who->role == ROLE_MEMBER) {
        if (!who->member_id) {
            rc = lx_fail(e, LX_EDENIED, "member_id", "this account is not linked to a member");
            goto out;
        }
        if (member && member != who->member_id) {
            rc = lx_fail(e, LX_EDENIED, "member_id",
                         "a member records only their own contacts (seed 003: not a deputy's)");
            goto out;
        }
        member = who->member_id;
    } else if (!member && meeting) {
        member = in->leader_member_id;
    }
    if (!member) {
        rc = lx_fail(e, LX_EINVAL, "member_id", "say which member made this contact");
        goto out;
    }
    rc = member_ok(d, who, member, &node, mpath, sizeof mpath);
    if (rc == LX_ENOTFOUND && who->role != ROLE_MEMBER && in->nhouseholds) {
        /* a member from elsewhere who is paired with a named household */
        int p = 0;
        for (size_t i = 0; !p && i < in->nhouseholds; i++)
            if ((rc = paired_now(d, member, in->households[i], &p)))
                goto out;
        rc = p ? row_path(d, "SELECT node_id, path, active FROM members WHERE id = ?"
                             " AND county_id = ?",
                          who->county_id, member, &node, mpath, sizeof mpath, &p)
               : LX_ENOTFOUND;
    }
    if (rc == LX_ENOTFOUND)
        rc = lx_fail(e, rc, "member_id", "no such member in your scope");
    if (rc)
        goto out;
    lx_strlcpy(path, mpath, sizeof path);

    paired = xcalloc(in->nhouseholds + 1, sizeof *paired);
    for (size_t i = 0; i < in->nhouseholds; i++) {
        rc = household_ok(d, who, member, in->households[i], &hnode, hpath, sizeof hpath);
        if (rc == LX_ENOTFOUND)
            rc = lx_fail(e, rc, "household_ids", "no such household in your scope: %lld",
                         (long long)in->households[i]);
        if (!rc)
            rc = paired_at(d, member, in->households[i], in->happened_at, &paired[i]);
        if (rc)
            goto out;
        if (i == 0) {
            node = hnode;
            lx_strlcpy(path, hpath, sizeof path);
        }
    }
    if (meeting) {
        int active = 0;
        rc = row_path(d, "SELECT id, path, active FROM nodes WHERE id = ? AND county_id = ?",
                      who->county_id, in->node_id, &node, path, sizeof path, &active);
        if (!rc && (!active || !under(path, record_root(who))))
            rc = LX_ENOTFOUND;
        if (rc == LX_ENOTFOUND)
            rc = lx_fail(e, rc, "node_id", "no such place in your scope");
        if (rc)
            goto out;
    }
    rc = check_people(d, who, in, CF_LEADER | CF_ATTENDEES, e);
    if (!rc)
        rc = check_requests(in, in->households, in->nhouseholds, in->att_households,
                            in->natt_households, e);
    if (rc)
        goto out;
    if (in->answers) {
        rc = form_questions(d, who->county_id, 0, &version, &qs);
        if (!rc && !qs)
            rc = lx_fail(e, LX_EINVAL, "answers", "the county has no visit form yet");
        if (!rc)
            rc = visitform_check_answers(qs, in->answers, e);
        if (rc)
            goto out;
        answers = json_dumps(in->answers, JSON_COMPACT);
    }

    int64_t now = lx_now();
    rc = db_prepare(d, "INSERT INTO contacts (county_id, node_id, path, member_id, kind,"
                       " happened_at, recorded_at, recorded_by, notes, talk_situation,"
                       " leader_member_id, leader_name, attendance, minutes, public,"
                       " form_version, answers, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    &st);
    if (rc)
        goto out;
    db_bind_int(st, 1, who->county_id);
    db_bind_int(st, 2, node);
    db_bind_text(st, 3, path);
    db_bind_int(st, 4, member);
    db_bind_text(st, 5, kind);
    db_bind_int(st, 6, in->happened_at);
    db_bind_int(st, 7, now);
    if (who->user_id)
        db_bind_int(st, 8, who->user_id);
    else
        db_bind_null(st, 8);
    db_bind_text(st, 9, in->notes);
    db_bind_text(st, 10, in->talk_situation >= 0
                             ? vocab_code(&vocab_talk_situation, in->talk_situation)
                             : NULL);
    if (in->leader_member_id)
        db_bind_int(st, 11, in->leader_member_id);
    else
        db_bind_null(st, 11);
    db_bind_text(st, 12, in->leader_name);
    if (in->attendance >= 0)
        db_bind_int(st, 13, in->attendance);
    else
        db_bind_null(st, 13);
    db_bind_text(st, 14, in->minutes);
    db_bind_int(st, 15, in->public_);
    if (version)
        db_bind_int(st, 16, version);
    else
        db_bind_null(st, 16);
    db_bind_text(st, 17, answers);
    db_bind_int(st, 18, now);
    rc = db_step(st, &row);
    if (!rc && row)
        *id = db_col_int(st, 0);
    db_done(st);
    if (!rc)
        rc = put_households(d, who->county_id, *id, in, member, kind, paired);
    if (!rc && in->natt_members + in->natt_households)
        rc = put_attendees(d, who->county_id, *id, in);
    if (!rc && in->nrequests)
        rc = put_requests(d, who->county_id, *id, path, in);
    if (!rc) {
        char object[48];
        json_t *hh = json_array();
        int unpaired = 0;
        for (size_t i = 0; i < in->nhouseholds; i++) {
            json_array_append_new(hh, json_integer(in->households[i]));
            unpaired += !paired[i];
        }
        snprintf(object, sizeof object, "contacts/%lld", (long long)*id);
        rc = audit_json(d, who, addr, "contacts.create", object,
                        json_pack("{s:s,s:I,s:I,s:I,s:o,s:i}", "kind", kind, "member_id",
                                  (json_int_t)member, "node_id", (json_int_t)node, "happened_at",
                                  (json_int_t)in->happened_at, "household_ids", hh, "unpaired",
                                  unpaired));
    }
out:
    free(paired);
    free(answers);
    json_decref(qs);
    return rc;
}

/* ---- editing ---- */

lx_status contacts_update(db *d, const principal *who, const char *addr, int64_t id,
                          const contact_in *in, unsigned set, const char *reason, lx_error *e)
{
    json_t *before = NULL, *after = NULL, *qs = NULL;
    lx_status rc = load_one(d, who, id, 1, &before);
    char object[48];
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such contact in your scope");
    if (rc)
        return rc;
    const char *kind = json_string_value(json_object_get(before, "kind"));
    int k = vocab_find(&vocab_contact_kind, kind);
    int meeting = vocab_contact_meeting(k);
    int64_t old_at = 0, now = lx_now();
    lx_parse_time(json_string_value(json_object_get(before, "happened_at")), 0, &old_at);
    int64_t earliest = old_at;
    if ((set & CF_HAPPENED) && in->happened_at < earliest)
        earliest = in->happened_at;
    int64_t grace = policy_get(d, who->county_id, "contact.edit_grace_days");
    qb q;
    db_stmt *st = NULL;
    int version = 0;
    char *answers = NULL;

    if (!json_is_true(json_object_get(before, "active"))) {
        rc = lx_fail(e, LX_ECONFLICT, "id", "this contact was deactivated");
        goto out;
    }
    if (!reason && now - earliest > grace * 86400) {
        rc = lx_fail(e, LX_EINVAL, "reason",
                     "this contact happened more than %lld days ago: say why it is changed",
                     (long long)grace);
        goto out;
    }
    if ((set & CF_HAPPENED) && in->happened_at > now + 86400) {
        rc = lx_fail(e, LX_EINVAL, "happened_at", "a contact cannot be more than a day ahead");
        goto out;
    }
    if (!meeting && (set & (CF_LEADER | CF_ATTENDANCE | CF_MINUTES | CF_PUBLIC))) {
        rc = lx_fail(e, LX_EINVAL, "kind", "only a meeting has a leader, attendance, minutes"
                                           " or a public flag");
        goto out;
    }
    if ((set & CF_ATTENDEES) && !meeting && strcmp(kind, "talk")) {
        rc = lx_fail(e, LX_EINVAL, "attendees", "only meetings and talks have attendees");
        goto out;
    }
    if ((set & CF_TALK) && strcmp(kind, "talk") && in->talk_situation >= 0) {
        rc = lx_fail(e, LX_EINVAL, "talk_situation", "only a talk has a talk situation");
        goto out;
    }
    rc = check_people(d, who, in, set, e);
    if (rc)
        goto out;
    if (set & CF_REQUESTS) {
        /* the households a request may name: the contact's and its attendees' */
        json_t *hh = json_object_get(before, "households");
        json_t *ah = json_object_get(json_object_get(before, "attendees"), "household_ids");
        size_t nh = json_array_size(hh), nah = json_array_size(ah);
        int64_t *a = xcalloc(nh + 1, sizeof *a), *b = xcalloc(nah + 1, sizeof *b);
        for (size_t i = 0; i < nh; i++)
            a[i] = json_integer_value(json_object_get(json_array_get(hh, i), "household_id"));
        for (size_t i = 0; i < nah; i++)
            b[i] = json_integer_value(json_array_get(ah, i));
        if (set & CF_ATTENDEES)
            rc = check_requests(in, a, nh, in->att_households, in->natt_households, e);
        else
            rc = check_requests(in, a, nh, b, nah, e);
        free(a);
        free(b);
        if (rc)
            goto out;
    }
    if ((set & CF_ANSWERS) && in->answers) {
        json_t *v = json_object_get(before, "form_version");
        rc = form_questions(d, who->county_id, json_is_integer(v) ? (int)json_integer_value(v) : 0,
                            &version, &qs);
        if (!rc && !qs)
            rc = lx_fail(e, LX_EINVAL, "answers", "the county has no visit form yet");
        if (!rc)
            rc = visitform_check_answers(qs, in->answers, e);
        if (rc)
            goto out;
        answers = json_dumps(in->answers, JSON_COMPACT);
    }

    qb_init(&q);
    qb_sql(&q, "UPDATE contacts SET updated_at = ?, updated_by = ?");
    qb_int(&q, now);
    qb_int(&q, who->user_id);
    if (set & CF_HAPPENED) {
        qb_sql(&q, ", happened_at = ?");
        qb_int(&q, in->happened_at);
    }
    if (set & CF_NOTES) {
        qb_sql(&q, ", notes = ?");
        qb_text(&q, in->notes);
    }
    if (set & CF_TALK) {
        qb_sql(&q, ", talk_situation = ?");
        qb_text(&q, in->talk_situation >= 0
                        ? vocab_code(&vocab_talk_situation, in->talk_situation)
                        : NULL);
    }
    if (set & CF_ANSWERS) {
        qb_sql(&q, ", answers = ?, form_version = ?");
        qb_text(&q, answers);
        if (answers)
            qb_int(&q, version);
        else
            qb_null(&q);
    }
    if (set & CF_LEADER) {
        qb_sql(&q, ", leader_member_id = ?, leader_name = ?");
        if (in->leader_member_id)
            qb_int(&q, in->leader_member_id);
        else
            qb_null(&q);
        qb_text(&q, in->leader_name);
    }
    if (set & CF_ATTENDANCE) {
        qb_sql(&q, ", attendance = ?");
        if (in->attendance >= 0)
            qb_int(&q, in->attendance);
        else
            qb_null(&q);
    }
    if (set & CF_MINUTES) {
        qb_sql(&q, ", minutes = ?");
        qb_text(&q, in->minutes);
    }
    if (set & CF_PUBLIC) {
        qb_sql(&q, ", public = ?");
        qb_int(&q, in->public_);
    }
    qb_sql(&q, " WHERE id = ? AND county_id = ?");
    qb_int(&q, id);
    qb_int(&q, who->county_id);
    rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_run(st);
    db_done(st);
    qb_release(&q);
    if (!rc && (set & CF_HAPPENED)) {
        /* the copy the rules read, and whether each household was the member's then */
        int64_t member = json_integer_value(json_object_get(before, "member_id"));
        json_t *hh = json_object_get(before, "households");
        for (size_t i = 0; !rc && i < json_array_size(hh); i++) {
            int64_t h = json_integer_value(json_object_get(json_array_get(hh, i), "household_id"));
            int p = 0;
            rc = paired_at(d, member, h, in->happened_at, &p);
            if (!rc)
                rc = db_prepare(d, "UPDATE contact_households SET happened_at = ?, paired = ?"
                                   " WHERE contact_id = ? AND household_id = ?",
                                &st);
            if (!rc) {
                db_bind_int(st, 1, in->happened_at);
                db_bind_int(st, 2, p);
                db_bind_int(st, 3, id);
                db_bind_int(st, 4, h);
                rc = db_run(st);
                db_done(st);
            }
        }
    }
    if (!rc && (set & CF_ATTENDEES))
        rc = put_attendees(d, who->county_id, id, in);
    if (!rc && (set & CF_REQUESTS)) {
        char path[160];
        int64_t node = 0;
        int active = 0;
        rc = row_path(d, "SELECT node_id, path, active FROM contacts WHERE id = ? AND county_id = ?",
                      who->county_id, id, &node, path, sizeof path, &active);
        if (!rc)
            rc = put_requests(d, who->county_id, id, path, in);
    }
    if (!rc)
        rc = load_one(d, who, id, 1, &after);
    if (!rc) {
        json_object_del(before, "form");
        json_object_del(after, "form");
        snprintf(object, sizeof object, "contacts/%lld", (long long)id);
        json_t *detail = json_pack("{s:O,s:O}", "before", before, "after", after);
        if (reason)
            json_object_set_new(detail, "reason", json_string(reason));
        rc = audit_json(d, who, addr, "contacts.update", object, detail);
    }
out:
    free(answers);
    json_decref(qs);
    json_decref(before);
    json_decref(after);
    return rc;
}

lx_status contacts_deactivate(db *d, const principal *who, const char *addr, int64_t id,
                              const char *reason, lx_error *e)
{
    json_t *before = NULL;
    char object[48];
    lx_status rc = load_one(d, who, id, 0, &before);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, rc, "id", "no such contact in your scope");
    if (rc)
        return rc;
    if (!json_is_true(json_object_get(before, "active"))) {
        json_decref(before);
        return lx_fail(e, LX_ECONFLICT, "id", "this contact was deactivated already");
    }
    json_decref(before);
    rc = db_exec_int(d, "UPDATE contacts SET active = 0 WHERE id = ?", id);
    if (!rc)
        rc = db_exec_int(d, "UPDATE contact_households SET active = 0 WHERE contact_id = ?", id);
    if (!rc) {
        snprintf(object, sizeof object, "contacts/%lld", (long long)id);
        rc = audit_json(d, who, addr, "contacts.deactivate", object,
                        json_pack("{s:s}", "reason", reason));
    }
    return rc;
}

/* ---- the visit form ---- */

lx_status visitform_get(db *d, int64_t county_id, int version, json_t **out)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, version ? "SELECT version, questions, created_at FROM visit_forms"
                                           " WHERE county_id = ? AND version = ?"
                                         : "SELECT version, questions, created_at FROM visit_forms"
                                           " WHERE county_id = ? AND version > ?"
                                           " ORDER BY version DESC LIMIT 1",
                              &st);
    *out = NULL;
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    db_bind_int(st, 2, version);
    rc = db_step(st, &row);
    if (!rc && row) {
        json_t *qs = json_loads(db_col_text(st, 1), 0, NULL);
        *out = json_pack("{s:I,s:o,s:o}", "version", (json_int_t)db_col_int(st, 0), "questions",
                         qs ? qs : json_array(), "created_at", time_json(st, 2));
    } else if (!rc && version) {
        rc = LX_ENOTFOUND;
    } else if (!rc) {
        *out = json_pack("{s:i,s:[],s:n}", "version", 0, "questions", "created_at");
    }
    db_done(st);
    return rc;
}

lx_status visitform_save(db *d, const principal *who, const char *addr, const json_t *questions,
                         int *version)
{
    int64_t last = 0;
    db_stmt *st = NULL;
    char *text = json_dumps(questions, JSON_COMPACT);
    lx_status rc = store_scalar(d, "SELECT coalesce(max(version), 0) FROM visit_forms"
                                   " WHERE county_id = ? AND version >= ?",
                                who->county_id, 0, NULL, &last);
    if (!rc)
        rc = db_prepare(d, "INSERT INTO visit_forms (county_id, version, questions, created_by,"
                           " created_at) VALUES (?, ?, ?, ?, ?)",
                        &st);
    if (!rc) {
        db_bind_int(st, 1, who->county_id);
        db_bind_int(st, 2, last + 1);
        db_bind_text(st, 3, text);
        db_bind_int(st, 4, who->user_id);
        db_bind_int(st, 5, lx_now());
        rc = db_run(st);
        db_done(st);
    }
    if (!rc) {
        *version = (int)(last + 1);
        rc = audit_json(d, who, addr, "visit_form.update", "visit_form",
                        json_pack("{s:i,s:O}", "version", *version, "questions", questions));
    }
    free(text);
    return rc;
}
