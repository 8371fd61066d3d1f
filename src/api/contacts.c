/* contacts.c -- the HTTP face of contacts (visits, calls, talks, meetings) and the visit form. */
#include "api/api.h"
#include "core/utf8.h"
#include "core/visitform.h"
#include "core/vocab.h"
#include "store/contacts.h"
#include "store/record.h"
#include "store/registry.h"
#include "store/store.h"
#include "util/msgcat.h"
#include "util/timeutil.h"

#include <string.h>

/* The county's offset from UTC (Asia/Shanghai), as req_today uses. */
#define COUNTY_UTC_OFFSET (8 * 3600)

/* ---- reading the body ---- */

/* Text of 0..max characters (or null when `nullable`) into *out. */
static lx_status opt_text(req *r, json_t *v, const char *fld, size_t max, const char **out)
{
    if (!v || json_is_null(v)) {
        *out = NULL;
        return LX_OK;
    }
    if (!json_is_string(v))
        return req_fail(r, LX_EINVAL, fld, "%s must be text", lx_word(fld));
    if (utf8_chars(json_string_value(v)) > max)
        return req_fail(r, LX_EINVAL, fld, "%s is too long (%zu characters at most)", lx_word(fld),
                        max);
    *out = json_string_value(v);
    return LX_OK;
}

/* A list of distinct positive ids (at most max) into an arena array. */
static lx_status id_list(req *r, json_t *v, const char *fld, size_t max, const int64_t **out,
                         size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!v || json_is_null(v))
        return LX_OK;
    if (!json_is_array(v))
        return req_fail(r, LX_EINVAL, fld, "%s is a list of ids", lx_word(fld));
    if (json_array_size(v) > max)
        return req_fail(r, LX_EINVAL, fld, "%s holds at most %zu ids", lx_word(fld), max);
    int64_t *a = arena_alloc(r->a, (json_array_size(v) + 1) * sizeof *a);
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *x = json_array_get(v, i);
        if (!json_is_integer(x) || json_integer_value(x) <= 0)
            return req_fail(r, LX_EINVAL, fld, "%s is a list of positive ids", lx_word(fld));
        a[i] = json_integer_value(x);
        for (size_t k = 0; k < i; k++)
            if (a[k] == a[i])
                return req_fail(r, LX_EINVAL, fld, "%lld is given twice", (long long)a[i]);
    }
    *out = a;
    *n = json_array_size(v);
    return LX_OK;
}

static lx_status parse_time(req *r, json_t *v, int64_t *out)
{
    if (!json_is_string(v) || lx_parse_time(json_string_value(v), COUNTY_UTC_OFFSET, out))
        return req_fail(r, LX_EINVAL, "happened_at",
                        "happened_at is a date or time: 2026-11-20, 2026-11-20T09:30 (county"
                        " time) or 2026-11-20T01:30:00Z");
    return LX_OK;
}

static lx_status parse_requests(req *r, json_t *v, contact_in *in)
{
    char f[48];
    if (!json_is_array(v))
        return req_fail(r, LX_EINVAL, "requests", "requests is a list of {text, category}");
    if (json_array_size(v) > CONTACT_MAX_REQUESTS)
        return req_fail(r, LX_EINVAL, "requests", "at most %d requests", CONTACT_MAX_REQUESTS);
    contact_request *q = arena_alloc(r->a, (json_array_size(v) + 1) * sizeof *q);
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *o = json_array_get(v, i), *x;
        const char *k;
        snprintf(f, sizeof f, "requests[%zu]", i);
        if (!json_is_object(o))
            return req_fail(r, LX_EINVAL, arena_strdup(r->a, f), "a request is {text, category}");
        json_object_foreach(o, k, x)
        {
            if (strcmp(k, "text") && strcmp(k, "category") && strcmp(k, "household_id"))
                return req_fail(r, LX_EINVAL, arena_printf(r->a, "requests[%zu].%s", i, k),
                                "unknown field %s", k);
        }
        x = json_object_get(o, "text");
        if (!json_is_string(x) || !utf8_chars(json_string_value(x)) ||
            utf8_chars(json_string_value(x)) > 1000)
            return req_fail(r, LX_EINVAL, arena_printf(r->a, "requests[%zu].text", i),
                            "a request's text is 1 to 1000 characters");
        q[i].text = json_string_value(x);
        x = json_object_get(o, "category");
        q[i].category = json_is_string(x) ? vocab_find(&vocab_request_category, json_string_value(x))
                                          : -1;
        if (q[i].category < 0)
            return req_fail(r, LX_EINVAL, arena_printf(r->a, "requests[%zu].category", i),
                            "category is one of the request categories (GET /api/v1/vocab)");
        x = json_object_get(o, "household_id");
        q[i].household_id = 0;
        if (x && !json_is_null(x)) {
            if (!json_is_integer(x) || json_integer_value(x) <= 0)
                return req_fail(r, LX_EINVAL, arena_printf(r->a, "requests[%zu].household_id", i),
                                "household_id is a positive id");
            q[i].household_id = json_integer_value(x);
        }
    }
    in->requests = q;
    in->nrequests = json_array_size(v);
    return LX_OK;
}

static lx_status parse_attendees(req *r, json_t *v, contact_in *in)
{
    const char *k;
    json_t *x;
    if (!json_is_object(v))
        return req_fail(r, LX_EINVAL, "attendees", "attendees is {member_ids, household_ids}");
    json_object_foreach(v, k, x)
    {
        if (strcmp(k, "member_ids") && strcmp(k, "household_ids"))
            return req_fail(r, LX_EINVAL, arena_printf(r->a, "attendees.%s", k),
                            "unknown field %s", k);
    }
    lx_status rc = id_list(r, json_object_get(v, "member_ids"), "attendees.member_ids",
                           CONTACT_MAX_ATTENDEES, &in->att_members, &in->natt_members);
    if (!rc)
        rc = id_list(r, json_object_get(v, "household_ids"), "attendees.household_ids",
                     CONTACT_MAX_ATTENDEES, &in->att_households, &in->natt_households);
    return rc;
}

/* Fields of a new contact (create) or of a change (edit = 1). */
static const char *const create_fields[] = {
    "kind", "happened_at", "member_id", "household_ids", "notes", "talk_situation", "answers",
    "requests", "node_id", "leader_member_id", "leader_name", "attendance", "attendees",
    "minutes", "public", NULL};
static const char *const edit_fields[] = {
    "happened_at", "notes", "talk_situation", "answers", "requests", "leader_member_id",
    "leader_name", "attendance", "attendees", "minutes", "public", "reason", NULL};

static int listed(const char *const *l, const char *k)
{
    for (; *l; l++)
        if (!strcmp(*l, k))
            return 1;
    return 0;
}

/* Read the body into *in; *set receives the CF_* of the fields given. */
static lx_status parse_body(req *r, int edit, contact_in *in, unsigned *set, const char **reason)
{
    const char *k;
    json_t *v;
    lx_status rc = LX_OK;
    memset(in, 0, sizeof *in);
    in->talk_situation = -1;
    in->attendance = -1;
    in->kind = -1;
    *set = 0;
    json_object_foreach(r->json, k, v)
    {
        if (!listed(edit ? edit_fields : create_fields, k)) {
            if (edit && listed(create_fields, k))
                return req_fail(r, LX_EINVAL, k,
                                "%s cannot be changed: deactivate the contact"
                                " and record it again",
                                lx_word(k));
            return req_fail(r, LX_EINVAL, k, "unknown field %s", k);
        }
    }
    if (!edit) {
        v = json_object_get(r->json, "kind");
        in->kind = json_is_string(v) ? vocab_find(&vocab_contact_kind, json_string_value(v)) : -1;
        if (in->kind < 0)
            return req_fail(r, LX_EINVAL, "kind", "kind is one of the contact kinds (GET /api/v1/vocab)");
        if (!json_object_get(r->json, "happened_at"))
            return req_fail(r, LX_EINVAL, "happened_at", "say when it happened");
        v = json_object_get(r->json, "member_id");
        if (v && !json_is_null(v)) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return req_fail(r, LX_EINVAL, "member_id", "member_id is a positive id");
            in->member_id = json_integer_value(v);
        }
        v = json_object_get(r->json, "node_id");
        if (v && !json_is_null(v)) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return req_fail(r, LX_EINVAL, "node_id", "node_id is a positive id");
            in->node_id = json_integer_value(v);
        }
        rc = id_list(r, json_object_get(r->json, "household_ids"), "household_ids",
                     CONTACT_MAX_HOUSEHOLDS, &in->households, &in->nhouseholds);
        if (rc)
            return rc;
    }
    if ((v = json_object_get(r->json, "happened_at"))) {
        if ((rc = parse_time(r, v, &in->happened_at)))
            return rc;
        *set |= CF_HAPPENED;
    }
    if ((v = json_object_get(r->json, "notes"))) {
        if ((rc = opt_text(r, v, "notes", 5000, &in->notes)))
            return rc;
        *set |= CF_NOTES;
    }
    if ((v = json_object_get(r->json, "talk_situation"))) {
        if (!json_is_null(v)) {
            in->talk_situation =
                json_is_string(v) ? vocab_find(&vocab_talk_situation, json_string_value(v)) : -1;
            if (in->talk_situation < 0)
                return req_fail(r, LX_EINVAL, "talk_situation",
                                "talk_situation is one of the five situations (GET /api/v1/vocab)");
        }
        *set |= CF_TALK;
    }
    if ((v = json_object_get(r->json, "answers"))) {
        if (!json_is_null(v) && !json_is_object(v))
            return req_fail(r, LX_EINVAL, "answers", "answers is an object of question keys");
        in->answers = json_is_null(v) ? NULL : v;
        *set |= CF_ANSWERS;
    }
    if ((v = json_object_get(r->json, "requests"))) {
        if ((rc = parse_requests(r, v, in)))
            return rc;
        *set |= CF_REQUESTS;
    }
    if ((v = json_object_get(r->json, "leader_member_id"))) {
        if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) <= 0))
            return req_fail(r, LX_EINVAL, "leader_member_id", "leader_member_id is a positive id");
        in->leader_member_id = json_is_null(v) ? 0 : json_integer_value(v);
        *set |= CF_LEADER;
    }
    if ((v = json_object_get(r->json, "leader_name"))) {
        if ((rc = opt_text(r, v, "leader_name", 50, &in->leader_name)))
            return rc;
        *set |= CF_LEADER;
    }
    if ((v = json_object_get(r->json, "attendance"))) {
        if (!json_is_null(v) &&
            (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100000))
            return req_fail(r, LX_EINVAL, "attendance", "attendance is a count, 0 to 100000");
        in->attendance = json_is_null(v) ? -1 : json_integer_value(v);
        *set |= CF_ATTENDANCE;
    }
    if ((v = json_object_get(r->json, "attendees"))) {
        if ((rc = parse_attendees(r, v, in)))
            return rc;
        *set |= CF_ATTENDEES;
    }
    if ((v = json_object_get(r->json, "minutes"))) {
        if ((rc = opt_text(r, v, "minutes", 20000, &in->minutes)))
            return rc;
        *set |= CF_MINUTES;
    }
    if ((v = json_object_get(r->json, "public"))) {
        if (!json_is_boolean(v))
            return req_fail(r, LX_EINVAL, "public", "public is true or false");
        in->public_ = json_is_true(v);
        *set |= CF_PUBLIC;
    }
    if (edit && (v = json_object_get(r->json, "reason"))) {
        if (!json_is_string(v) || utf8_chars(json_string_value(v)) < 2 ||
            utf8_chars(json_string_value(v)) > 500)
            return req_fail(r, LX_EINVAL, "reason", "a reason is 2 to 500 characters");
        *reason = json_string_value(v);
    }
    if (edit) {
        if (!(*set))
            return req_fail(r, LX_EINVAL, "body", "nothing to change");
        return LX_OK;
    }
    /* what each kind takes */
    const char *kind = vocab_code(&vocab_contact_kind, in->kind);
    int meeting = vocab_contact_meeting(in->kind), talk = !strcmp(kind, "talk");
    if (!talk && in->talk_situation >= 0)
        return req_fail(r, LX_EINVAL, "talk_situation", "only a talk has a talk situation");
    if (meeting) {
        if (!in->node_id)
            return req_fail(r, LX_EINVAL, "node_id", "a meeting names its place (node_id)");
        if (in->nhouseholds)
            return req_fail(r, LX_EINVAL, "household_ids",
                            "a meeting names the households that came as attendees");
        return LX_OK;
    }
    if (in->node_id)
        return req_fail(r, LX_EINVAL, "node_id", "only a meeting names a place");
    if (*set & (CF_LEADER | CF_ATTENDANCE | CF_MINUTES | CF_PUBLIC))
        return req_fail(r, LX_EINVAL, "kind",
                        "only a meeting has a leader, attendance, minutes or a public flag");
    if (talk) {
        if (!in->nhouseholds && !in->natt_members)
            return req_fail(r, LX_EINVAL, "attendees.member_ids",
                            "name who the talk was with: household_ids or attendees.member_ids");
        return LX_OK;
    }
    if (*set & CF_ATTENDEES)
        return req_fail(r, LX_EINVAL, "attendees", "only meetings and talks have attendees");
    if (!in->nhouseholds)
        return req_fail(r, LX_EINVAL, "household_ids", "name the household(s)");
    return LX_OK;
}

/* ---- handlers ---- */

typedef struct contact_ctx {
    req *r;
    int op;               /* 0 create, 1 edit, 2 deactivate, 3 form */
    contact_in in;
    unsigned set;
    const char *reason;
    int64_t id;
    json_t *questions;    /* op 3 */
    int version;          /* op 3 */
} contact_ctx;

static lx_status contact_txn(void *arg, db *d)
{
    contact_ctx *c = arg;
    req *r = c->r;
    switch (c->op) {
    case 0: return contacts_create(d, &r->who, r->addr, &c->in, &c->id, &r->err);
    case 1: return contacts_update(d, &r->who, r->addr, c->id, &c->in, c->set, c->reason, &r->err);
    case 2: return contacts_deactivate(d, &r->who, r->addr, c->id, c->reason, &r->err);
    default: return visitform_save(d, &r->who, r->addr, c->questions, &c->version);
    }
}

/* Run the write, then answer with the contact as it now is. */
static lx_status write_generic(req *r, contact_ctx *c, int status)
{
    json_t *out = NULL;
    lx_status rc = store_txn(contact_txn, c);
    if (!rc)
        rc = contacts_get(store_db(), &r->who, c->id, &out);
    if (rc)
        return rc;
    req_reply(r, status, out);
    return LX_OK;
}

lx_status api_contacts_create(req *r)
{
    contact_ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    lx_status rc = parse_body(r, 0, &c.in, &c.set, &c.reason);
    if (rc)
        return rc;
    return write_generic(r, &c, 201);
}

lx_status api_contacts_update(req *r)
{
    contact_ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.op = 1;
    c.id = req_id(r, 0);
    lx_status rc = parse_body(r, 1, &c.in, &c.set, &c.reason);
    if (rc)
        return rc;
    return write_generic(r, &c, 200);
}

lx_status api_contacts_deactivate(req *r)
{
    contact_ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.op = 2;
    c.id = req_id(r, 0);
    if (json_unpack(r->json, "{s:s!}", "reason", &c.reason))
        return req_fail(r, LX_EINVAL, "reason", "give the reason, and nothing else");
    if (utf8_chars(c.reason) < 2 || utf8_chars(c.reason) > 500)
        return req_fail(r, LX_EINVAL, "reason", "a reason is 2 to 500 characters");
    return write_generic(r, &c, 200);
}

lx_status api_contacts_get(req *r)
{
    json_t *out = NULL;
    lx_status rc = contacts_get(store_db(), &r->who, req_id(r, 0), &out);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such contact in your scope");
    if (rc)
        return rc;
    req_reply(r, 200, out);
    return LX_OK;
}

/* A county-local date parameter (YYYY-MM-DD) as the UTC time of its midnight. */
static lx_status query_date(req *r, const char *name, int64_t *out)
{
    const char *s = req_query(r, name);
    int ymd;
    *out = 0;
    if (!s)
        return LX_OK;
    if ((ymd = lx_parse_date(s)) < 0)
        return req_fail(r, LX_EINVAL, name, "%s is a date, YYYY-MM-DD", name);
    *out = lx_ymd_to_time(ymd, COUNTY_UTC_OFFSET);
    return LX_OK;
}

lx_status api_contacts_list(req *r)
{
    static const char *const known[] = {"member_id", "household_id", "node_id", "kind",  "from",
                                        "to",        "active",       "after",   "limit", "unpaired",
                                        NULL};
    contacts_query q;
    int64_t node = 0, limit = 0;
    json_t *items = NULL, *n = NULL;
    int64_t next = 0;
    lx_status rc = req_query_only(r, known);
    memset(&q, 0, sizeof q);
    if (!rc)
        rc = req_query_id(r, "member_id", &q.member_id);
    if (!rc)
        rc = req_query_id(r, "household_id", &q.household_id);
    if (!rc)
        rc = req_query_id(r, "node_id", &node);
    if (!rc)
        rc = req_query_id(r, "after", &q.after);
    if (!rc)
        rc = req_query_id(r, "limit", &limit);
    if (!rc)
        rc = req_query_active(r, &q.active);
    if (!rc)
        rc = query_date(r, "from", &q.from);
    if (!rc)
        rc = query_date(r, "to", &q.to);
    if (rc)
        return rc;
    if (q.to)
        q.to += 86400; /* to is inclusive */
    if (limit > 500)
        return req_fail(r, LX_EINVAL, "limit", "limit must be 1 to 500");
    q.limit = limit ? (int)limit : 50;
    if ((q.kind = req_query(r, "kind")) && vocab_find(&vocab_contact_kind, q.kind) < 0)
        return req_fail(r, LX_EINVAL, "kind", "kind is one of the contact kinds");
    if (q.kind)
        q.kind = vocab_code(&vocab_contact_kind, vocab_find(&vocab_contact_kind, q.kind));
    const char *u = req_query(r, "unpaired");
    if (u && strcmp(u, "0") && strcmp(u, "1"))
        return req_fail(r, LX_EINVAL, "unpaired", "unpaired is 0 or 1");
    q.unpaired = u && !strcmp(u, "1");
    if (node) {
        /* at or under a place of the caller's county; one outside the scope finds nothing */
        record *rec = NULL;
        scope s = scope_for(&r->who, RES_NODES);
        if (registry_get(store_db(), r->a, record_resource(RES_NODES), &s, node, &rec) != LX_OK)
            return req_fail(r, LX_ENOTFOUND, "node_id", "no such place in your scope");
        q.under = rec->path;
    }
    rc = contacts_list(store_db(), &r->who, &q, &items, &next);
    if (rc) {
        json_decref(items);
        return rc;
    }
    n = next ? json_string(arena_printf(r->a, "%lld", (long long)next)) : json_null();
    api_audit_read(r, "contacts.list", NULL, NULL);
    req_reply(r, 200, json_pack("{s:o,s:o}", "items", items, "next", n));
    return LX_OK;
}

lx_status api_visit_form_get(req *r)
{
    static const char *const known[] = {"version", NULL};
    int64_t version = 0;
    json_t *out = NULL;
    lx_status rc = req_query_only(r, known);
    if (!rc)
        rc = req_query_id(r, "version", &version);
    if (rc)
        return rc;
    if (version > 1000000)
        return req_fail(r, LX_ENOTFOUND, "version", "no such version");
    rc = visitform_get(store_db(), r->who.county_id, (int)version, &out);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "version", "no such version");
    if (rc)
        return rc;
    req_reply(r, 200, out);
    return LX_OK;
}

lx_status api_visit_form_set(req *r)
{
    contact_ctx c;
    json_t *clean = NULL, *out = NULL;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.op = 3;
    const char *k;
    json_t *v;
    json_object_foreach(r->json, k, v)
    {
        if (strcmp(k, "questions"))
            return req_fail(r, LX_EINVAL, k, "unknown field %s", k);
    }
    lx_status rc = visitform_check_questions(json_object_get(r->json, "questions"), &clean,
                                             &r->err);
    if (rc)
        return rc;
    c.questions = clean;
    rc = store_txn(contact_txn, &c);
    json_decref(clean);
    if (!rc)
        rc = visitform_get(store_db(), r->who.county_id, c.version, &out);
    if (rc)
        return rc;
    req_reply(r, 200, out);
    return LX_OK;
}
