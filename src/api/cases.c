/* cases.c -- the HTTP face of cases for staff: open, handle, queues, rates, the board,
 * reply templates, the holiday calendar, notifications. */
#include "api/api.h"
#include "core/phone.h"
#include "core/utf8.h"
#include "core/vocab.h"
#include "io/image.h"
#include "store/cases.h"
#include "store/casework.h"
#include "store/photos.h"
#include "store/policies.h"
#include "store/store.h"
#include "util/msgcat.h"
#include "util/timeutil.h"

#include <stdlib.h>
#include <string.h>

/* ---- one write transaction around a store call ---- */

typedef struct case_ctx {
    req *r;
    int op;                        /* what to do, below */
    int64_t id;                    /* the case (or item) */
    case_open_in open;             /* OP_OPEN */
    case_act_in act;               /* OP_ACT */
    const char *reason;            /* OP_PHONE, OP_WITHDRAW */
    char phone[32];                /* OP_PHONE: out */
    case_photo_ref photo;          /* OP_PHOTO */
    const char *text, *resolution; /* OP_PUBLISH */
    const char **photos;           /* OP_PUBLISH */
    size_t nphotos;
    json_t *out;                  /* OP_FROM_CONTACT */
    char code[CASE_CODE_LEN + 1]; /* OP_OPEN: out */
    int64_t new_id;               /* OP_OPEN, OP_PUBLISH, OP_TEMPLATE: out */
    const char *category;         /* OP_TEMPLATE */
    int year;                     /* OP_CALENDAR */
    int32_t *off, *work;
    size_t noff, nwork;
} case_ctx;

enum {
    OP_OPEN,
    OP_ACT,
    OP_PHONE,
    OP_PHOTO,
    OP_PUBLISH,
    OP_WITHDRAW,
    OP_FROM_CONTACT,
    OP_TEMPLATE,
    OP_TEMPLATE_OFF,
    OP_CALENDAR
};

static lx_status case_txn(void *arg, db *d)
{
    case_ctx *c = arg;
    req *r = c->r;
    switch (c->op) {
    case OP_OPEN:
        return cases_open(d, &r->who, r->addr, &c->open, &c->new_id, c->code, &r->err);
    case OP_ACT:
        return cases_act(d, &r->who, r->addr, c->id, &c->act, &r->err);
    case OP_PHONE:
        return cases_phone(d, &r->who, r->addr, c->id, c->reason, c->phone, sizeof c->phone,
                           &r->err);
    case OP_PHOTO:
        return cases_add_photo(d, &r->who, r->addr, c->id, &c->photo, &r->err);
    case OP_PUBLISH:
        return board_publish(d, &r->who, r->addr, c->id, c->text, c->resolution, c->photos,
                             c->nphotos, &c->new_id, &r->err);
    case OP_WITHDRAW:
        return board_withdraw(d, &r->who, r->addr, c->id, c->reason, &r->err);
    case OP_FROM_CONTACT:
        return cases_from_contact(d, &r->who, r->addr, c->id, &c->out, &r->err);
    case OP_TEMPLATE:
        return templates_add(d, &r->who, r->addr, c->category, c->text, &c->new_id);
    case OP_TEMPLATE_OFF:
        return templates_deactivate(d, &r->who, r->addr, c->id, &r->err);
    case OP_CALENDAR:
        return calendar_set(d, &r->who, r->addr, c->year, c->off, c->noff, c->work, c->nwork);
    default:
        return LX_EINVAL;
    }
}

/* Run the write; a 4xx from the store keeps its field and sentence. */
static lx_status run(req *r, case_ctx *c)
{
    c->r = r;
    lx_status rc = store_txn(case_txn, c);
    if (rc && r->err.code != rc && rc != LX_EIO && rc != LX_EBUSY)
        req_fail(r, rc, "", "%s", lx_status_name(rc));
    return rc;
}

/* Reply with the case as it now is. */
static lx_status reply_case(req *r, int64_t id, int status)
{
    json_t *out = NULL;
    lx_status rc = cases_get(store_db(), &r->who, id, &out);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such case in your scope");
    if (rc)
        return rc;
    req_reply(r, status, out);
    return LX_OK;
}

/* ---- reading a body ---- */

/* An optional text of at most max characters. */
static lx_status body_text(req *r, const char *key, size_t max, int required, const char **out)
{
    json_t *v = json_object_get(r->json, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return req_fail(r, LX_EINVAL, key, "%s is required", lx_word(key));
        return LX_OK;
    }
    if (!json_is_string(v))
        return req_fail(r, LX_EINVAL, key, "%s must be text", lx_word(key));
    size_t n = utf8_chars(json_string_value(v));
    if (n > max)
        return req_fail(r, LX_EINVAL, key, "%s is too long (%zu characters at most)", lx_word(key),
                        max);
    if (required && n == 0)
        return req_fail(r, LX_EINVAL, key, "%s is required", lx_word(key));
    *out = json_string_value(v);
    return LX_OK;
}

/* Refuse keys outside `known` (NULL-terminated). */
static lx_status body_only(req *r, const char *const *known)
{
    const char *k;
    json_t *v;
    json_object_foreach(r->json, k, v)
    {
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= !strcmp(k, known[i]);
        if (!ok)
            return req_fail(r, LX_EINVAL, k, "unknown field %s", k);
    }
    return LX_OK;
}

static lx_status body_vocab(req *r, const char *key, const vocab *v, const char *def, int *out)
{
    const char *s = NULL;
    lx_status rc = body_text(r, key, 64, def == NULL, &s);
    if (rc)
        return rc;
    *out = vocab_find(v, s ? s : def);
    if (*out < 0)
        return req_fail(r, LX_EINVAL, key, "%s is not one of the known %s codes", lx_word(key),
                        v->name);
    return LX_OK;
}

static lx_status body_id(req *r, const char *key, int64_t *out)
{
    json_t *v = json_object_get(r->json, key);
    *out = 0;
    if (!v || json_is_null(v))
        return LX_OK;
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return req_fail(r, LX_EINVAL, key, "%s is a positive id", lx_word(key));
    *out = json_integer_value(v);
    return LX_OK;
}

/* A reason of 2..CASE_REASON_MAX characters, and nothing else in the body. */
static lx_status body_reason(req *r, const char *why, const char **out)
{
    static const char *const known[] = {"reason", NULL};
    lx_status rc = body_only(r, known);
    if (!rc)
        rc = body_text(r, "reason", CASE_REASON_MAX, 1, out);
    if (!rc && utf8_chars(*out) < 2)
        return req_fail(r, LX_EINVAL, "reason", "%s", why);
    return rc;
}

/* A requester's phone: checked and normalised into buf. */
lx_status api_case_phone_in(req *r, const char *text, char *buf, size_t len, const char **out)
{
    const char *why = NULL;
    *out = NULL;
    if (!text || !*text)
        return LX_OK;
    if (phone_normalize(text, buf, len) != 0 || phone_check(buf, &why) != LX_OK)
        return why ? req_fail(r, LX_EINVAL, "phone", "the phone number is not valid: %s",
                              lx_word(why))
                   : req_fail(r, LX_EINVAL, "phone", "the phone number is not valid");
    *out = buf;
    return LX_OK;
}

/* ---- handlers ---- */

lx_status api_cases_open(req *r)
{
    static const char *const known[] = {"channel", "category",     "priority", "text",
                                        "phone",   "household_id", "node_id",  NULL};
    case_ctx c;
    char phone[32];
    memset(&c, 0, sizeof c);
    c.op = OP_OPEN;
    lx_status rc = body_only(r, known);
    if (!rc)
        rc = body_vocab(r, "channel", &vocab_case_channel, NULL, &c.open.channel);
    if (!rc && !strcmp(vocab_code(&vocab_case_channel, c.open.channel), "resident"))
        return req_fail(r, LX_EINVAL, "channel", "the resident channel is the card's page");
    if (!rc)
        rc = body_vocab(r, "category", &vocab_request_category, NULL, &c.open.category);
    if (!rc)
        rc = body_vocab(r, "priority", &vocab_case_priority, "ordinary", &c.open.priority);
    if (!rc)
        rc = body_text(r, "text", CASE_TEXT_MAX, 1, &c.open.text);
    const char *ph = NULL;
    if (!rc)
        rc = body_text(r, "phone", 32, 0, &ph);
    if (!rc)
        rc = api_case_phone_in(r, ph, phone, sizeof phone, &c.open.phone);
    if (!rc)
        rc = body_id(r, "household_id", &c.open.household_id);
    if (!rc)
        rc = body_id(r, "node_id", &c.open.node_id);
    if (!rc)
        rc = run(r, &c);
    return rc ? rc : reply_case(r, c.new_id, 201);
}

lx_status api_cases_get(req *r)
{
    return reply_case(r, req_id(r, 0), 200);
}

/* Every action route: the route's arg is the event's code. */
lx_status api_cases_act(req *r)
{
    static const char *const known[] = {"text",    "rating",  "result",   "member_id",
                                        "user_id", "unit_id", "internal", NULL};
    case_ctx c;
    memset(&c, 0, sizeof c);
    c.op = OP_ACT;
    c.id = req_id(r, 0);
    c.act.ev = (case_event)case_event_parse((const char *)r->rt->arg);
    lx_status rc = body_only(r, known);
    if (!rc)
        rc = body_text(r, "text", CASE_TEXT_MAX, 0, &c.act.text);
    if (!rc && c.act.ev == CE_RATE) {
        const char *s = NULL;
        rc = body_text(r, "rating", 32, 1, &s);
        if (!rc && (c.act.rating = case_rating_parse(s)) <= RATING_NONE)
            return req_fail(r, LX_EINVAL, "rating", "rating is satisfied, basic or unsatisfied");
    }
    if (!rc && c.act.ev == CE_FOLLOW_UP)
        rc = body_vocab(r, "result", &vocab_follow_up, NULL, &c.act.follow_up);
    if (!rc && c.act.ev == CE_ASSIGN) {
        rc = body_id(r, "member_id", &c.act.member_id);
        if (!rc)
            rc = body_id(r, "user_id", &c.act.user_id);
        if (!rc)
            rc = body_id(r, "unit_id", &c.act.unit_id);
    }
    json_t *internal = json_object_get(r->json, "internal");
    if (!rc && internal && !json_is_boolean(internal))
        return req_fail(r, LX_EINVAL, "internal", "internal is true or false");
    c.act.internal = internal && json_is_true(internal);
    if (!rc)
        rc = run(r, &c);
    return rc ? rc : reply_case(r, c.id, 200);
}

lx_status api_cases_phone(req *r)
{
    case_ctx c;
    memset(&c, 0, sizeof c);
    c.op = OP_PHONE;
    c.id = req_id(r, 0);
    lx_status rc = body_reason(r, LX_MSG("say why you need the number"), &c.reason);
    if (!rc)
        rc = run(r, &c);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)c.id, "phone", c.phone));
    return LX_OK;
}

/* Clean and store one uploaded image; a 4xx names the field. */
lx_status api_case_store_photo(req *r, const char *field, const unsigned char *data, size_t n,
                               case_photo_ref *out)
{
    unsigned char *clean = NULL;
    size_t cn = 0;
    int type = 0;
    db *d = store_db();
    int64_t max = d ? policy_get(d, r->who.county_id, "case.photo_max_bytes") : (5 << 20);
    lx_error e;
    memset(&e, 0, sizeof e);
    lx_status rc = image_clean(data, n, (size_t)max, &clean, &cn, &type, &e);
    if (rc == LX_ETOOBIG)
        return req_fail(r, rc, field, "a photo is at most %lld MB", (long long)(max >> 20));
    if (rc)
        return e.message[0] ? req_fail(r, rc, field, "%s", e.message)
                            : req_fail(r, rc, field, "not a JPEG or PNG image");
    rc = photos_put(clean, cn, type, out->hash);
    free(clean);
    out->type = type;
    return rc;
}

lx_status api_cases_photo_add(req *r)
{
    case_ctx c;
    memset(&c, 0, sizeof c);
    c.op = OP_PHOTO;
    c.id = req_id(r, 0);
    /* the case must be in scope before anything is written to disk */
    json_t *probe = NULL;
    lx_status rc = cases_get(store_db(), &r->who, c.id, &probe);
    json_decref(probe);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such case in your scope");
    if (!rc)
        rc = api_case_store_photo(r, "body", (const unsigned char *)r->body.buf, r->body.len,
                                  &c.photo);
    if (!rc)
        rc = run(r, &c);
    return rc ? rc : reply_case(r, c.id, 201);
}

/* Send a stored photo. */
lx_status api_send_photo(req *r, const char *hash)
{
    int type = 0;
    unsigned char *data = NULL;
    size_t n = 0;
    lx_status rc = photos_open(hash, &type, &data, &n);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "hash", "no such photo");
    if (rc)
        return rc;
    req_header_out(r, "Cache-Control", "private, max-age=86400");
    req_reply_raw(r, 200, image_mime(type), (char *)data, n, NULL);
    return LX_OK;
}

lx_status api_cases_photo_get(req *r)
{
    json_t *probe = NULL;
    int64_t id = req_id(r, 0);
    lx_status rc = cases_get(store_db(), &r->who, id, &probe);
    json_decref(probe);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such case in your scope");
    if (rc)
        return rc;
    if (!cases_has_photo(store_db(), id, r->param[1], NULL))
        return req_fail(r, LX_ENOTFOUND, "hash", "no such photo of this case");
    return api_send_photo(r, r->param[1]);
}

/* ---- queues ---- */

/* An opaque cursor "key.id". */
static lx_status query_cursor(req *r, int64_t *key, int64_t *id)
{
    const char *s = req_query(r, "cursor");
    char *end = NULL;
    *key = *id = 0;
    if (!s)
        return LX_OK;
    long long k = strtoll(s, &end, 10);
    if (!end || *end != '.')
        return req_fail(r, LX_EINVAL, "cursor", "use the cursor a page gave");
    const char *p = end + 1;
    long long i = strtoll(p, &end, 10);
    if (!end || *end || i <= 0)
        return req_fail(r, LX_EINVAL, "cursor", "use the cursor a page gave");
    *key = k;
    *id = i;
    return LX_OK;
}

static lx_status query_code(req *r, const char *name, const vocab *v, const char **out)
{
    const char *s = req_query(r, name);
    *out = NULL;
    if (!s)
        return LX_OK;
    int i = vocab_find(v, s);
    if (i < 0)
        return req_fail(r, LX_EINVAL, name, "%s is not a known %s", lx_word(name), v->name);
    *out = vocab_code(v, i);
    return LX_OK;
}

lx_status api_cases_list(req *r)
{
    static const char *const known[] = {"queue",        "node_id",  "category",     "state",
                                        "channel",      "priority", "household_id", "min_age_days",
                                        "max_age_days", "cursor",   "limit",        NULL};
    cases_query q;
    int64_t limit = 0, min_age = 0, max_age = 0;
    memset(&q, 0, sizeof q);
    q.now = lx_now();
    lx_status rc = req_query_only(r, known);
    const char *queue = req_query(r, "queue");
    if (!rc && queue && (q.queue = (case_queue)case_queue_parse(queue)) == (case_queue)-1)
        return req_fail(r, LX_EINVAL, "queue",
                        "queue is all, mine, node, escalated, overdue, supervised or follow_up");
    if (!rc && !queue)
        q.queue = QUEUE_ALL;
    if (!rc)
        rc = req_query_id(r, "node_id", &q.node_id);
    if (!rc)
        rc = query_code(r, "category", &vocab_request_category, &q.category);
    if (!rc)
        rc = query_code(r, "state", &vocab_case_state, &q.state);
    if (!rc)
        rc = query_code(r, "channel", &vocab_case_channel, &q.channel);
    if (!rc)
        rc = query_code(r, "priority", &vocab_case_priority, &q.priority);
    if (!rc)
        rc = req_query_id(r, "household_id", &q.household_id);
    if (!rc)
        rc = req_query_id(r, "min_age_days", &min_age);
    if (!rc)
        rc = req_query_id(r, "max_age_days", &max_age);
    if (!rc)
        rc = query_cursor(r, &q.cursor_key, &q.cursor_id);
    if (!rc)
        rc = req_query_id(r, "limit", &limit);
    if (rc)
        return rc;
    if (limit > 200)
        return req_fail(r, LX_EINVAL, "limit", "limit is 1 to 200");
    q.limit = limit ? (int)limit : 50;
    if (min_age)
        q.opened_to = q.now - min_age * 86400;
    if (max_age)
        q.opened_from = q.now - max_age * 86400;
    strbuf sb;
    int64_t nk = 0, ni = 0;
    strbuf_init(&sb, 16u << 20);
    strbuf_adds(&sb, "{\"items\":");
    rc = cases_list(store_db(), &r->who, &q, &sb, &nk, &ni, &r->err);
    if (rc) {
        strbuf_release(&sb);
        return rc;
    }
    if (ni)
        strbuf_addf(&sb, ",\"next\":\"%lld.%lld\"}", (long long)nk, (long long)ni);
    else
        strbuf_adds(&sb, ",\"next\":null}");
    req_reply_text(r, 200, &sb);
    return LX_OK;
}

/* ---- the three rates ---- */

lx_status api_rates(req *r)
{
    static const char *const known[] = {"node_id", "month", NULL};
    int64_t node = 0;
    int yyyymm = 0;
    lx_status rc = req_query_only(r, known);
    if (!rc)
        rc = req_query_id(r, "node_id", &node);
    if (rc)
        return rc;
    const char *m = req_query(r, "month");
    if (m) {
        int y = 0, mo = 0;
        char tail = 0;
        if (sscanf(m, "%4d-%2d%c", &y, &mo, &tail) != 2 || strlen(m) != 7)
            return req_fail(r, LX_EINVAL, "month", "month is YYYY-MM");
        yyyymm = y * 100 + mo;
    } else {
        yyyymm = req_today(r) / 100;
    }
    json_t *out = NULL;
    rc = cases_rates(store_db(), &r->who, node, yyyymm, &out, &r->err);
    if (rc)
        return rc;
    req_reply(r, 200, out);
    return LX_OK;
}

/* ---- cases from a contact ---- */

lx_status api_contact_cases(req *r)
{
    case_ctx c;
    memset(&c, 0, sizeof c);
    c.op = OP_FROM_CONTACT;
    c.id = req_id(r, 0);
    lx_status rc = req_no_body(r);
    if (!rc)
        rc = run(r, &c);
    if (rc)
        return rc;
    req_reply(r, 201, json_pack("{s:o}", "cases", c.out));
    return LX_OK;
}

/* ---- the public board, as staff see it ---- */

lx_status api_cases_publish(req *r)
{
    static const char *const known[] = {"text", "resolution", "photos", NULL};
    case_ctx c;
    memset(&c, 0, sizeof c);
    c.op = OP_PUBLISH;
    c.id = req_id(r, 0);
    lx_status rc = body_only(r, known);
    if (!rc)
        rc = body_text(r, "text", CASE_TEXT_MAX, 1, &c.text);
    if (!rc)
        rc = body_text(r, "resolution", CASE_TEXT_MAX, 1, &c.resolution);
    json_t *ph = json_object_get(r->json, "photos");
    if (!rc && ph && !json_is_array(ph))
        return req_fail(r, LX_EINVAL, "photos", "photos is a list of photo hashes");
    if (!rc && ph && json_array_size(ph) > 12)
        return req_fail(r, LX_EINVAL, "photos", "at most 12 photos");
    if (!rc && ph) {
        c.photos = arena_alloc(r->a, (json_array_size(ph) + 1) * sizeof *c.photos);
        for (size_t i = 0; i < json_array_size(ph); i++) {
            if (!json_is_string(json_array_get(ph, i)))
                return req_fail(r, LX_EINVAL, "photos", "photos is a list of photo hashes");
            c.photos[c.nphotos++] = json_string_value(json_array_get(ph, i));
        }
    }
    if (!rc)
        rc = run(r, &c);
    if (rc)
        return rc;
    req_reply(r, 201,
              json_pack("{s:I,s:I}", "id", (json_int_t)c.new_id, "case_id", (json_int_t)c.id));
    return LX_OK;
}

lx_status api_board_list(req *r)
{
    static const char *const known[] = {"node_id", NULL};
    int64_t node = 0;
    json_t *items = NULL;
    lx_status rc = req_query_only(r, known);
    if (!rc)
        rc = req_query_id(r, "node_id", &node);
    if (!rc)
        rc = board_list(store_db(), &r->who, node, &items);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:o}", "items", items));
    return LX_OK;
}

lx_status api_board_withdraw(req *r)
{
    case_ctx c;
    memset(&c, 0, sizeof c);
    c.op = OP_WITHDRAW;
    c.id = req_id(r, 0);
    lx_status rc = body_reason(r, LX_MSG("give the reason"), &c.reason);
    if (!rc)
        rc = run(r, &c);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)c.id, "withdrawn", 1));
    return LX_OK;
}

/* ---- reply templates ---- */

lx_status api_templates_list(req *r)
{
    static const char *const known[] = {"category", NULL};
    const char *cat = NULL;
    json_t *items = NULL;
    lx_status rc = req_query_only(r, known);
    if (!rc)
        rc = query_code(r, "category", &vocab_request_category, &cat);
    if (!rc)
        rc = templates_list(store_db(), r->who.county_id, cat, &items);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:o}", "items", items));
    return LX_OK;
}

lx_status api_templates_add(req *r)
{
    static const char *const known[] = {"category", "text", NULL};
    case_ctx c;
    int cat = 0;
    memset(&c, 0, sizeof c);
    c.op = OP_TEMPLATE;
    lx_status rc = body_only(r, known);
    if (!rc)
        rc = body_vocab(r, "category", &vocab_request_category, NULL, &cat);
    if (!rc)
        rc = body_text(r, "text", CASE_TEXT_MAX, 1, &c.text);
    if (rc)
        return rc;
    c.category = vocab_code(&vocab_request_category, cat);
    rc = run(r, &c);
    if (rc)
        return rc;
    req_reply(r, 201,
              json_pack("{s:I,s:s,s:s}", "id", (json_int_t)c.new_id, "category", c.category, "text",
                        c.text));
    return LX_OK;
}

lx_status api_templates_deactivate(req *r)
{
    case_ctx c;
    memset(&c, 0, sizeof c);
    c.op = OP_TEMPLATE_OFF;
    c.id = req_id(r, 0);
    lx_status rc = req_no_body(r);
    if (!rc)
        rc = run(r, &c);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)c.id, "active", 0));
    return LX_OK;
}

/* ---- the holiday calendar ---- */

static lx_status path_year(req *r, int *year)
{
    const char *s = r->param[0];
    char *end = NULL;
    long y = strtol(s, &end, 10);
    if (!end || *end || y < 2000 || y > 2100)
        return req_fail(r, LX_EINVAL, "year", "the year is 2000 to 2100");
    *year = (int)y;
    return LX_OK;
}

lx_status api_calendar_get(req *r)
{
    int year = 0;
    json_t *out = NULL;
    lx_status rc = path_year(r, &year);
    if (!rc)
        rc = calendar_get(store_db(), r->who.county_id, year, &out);
    if (rc)
        return rc;
    req_reply(r, 200, out);
    return LX_OK;
}

/* A list of dates of `year` into an arena array of YYYYMMDD. */
static lx_status date_array(req *r, const char *key, int year, int32_t **out, size_t *n)
{
    json_t *a = json_object_get(r->json, key);
    *out = NULL;
    *n = 0;
    if (!a || !json_is_array(a) || json_array_size(a) > 200)
        return req_fail(r, LX_EINVAL, key, "%s is a list of at most 200 dates (YYYY-MM-DD)",
                        lx_word(key));
    *out = arena_alloc(r->a, (json_array_size(a) + 1) * sizeof **out);
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        int ymd = json_is_string(v) ? lx_parse_date(json_string_value(v)) : -1;
        if (ymd < 0)
            return req_fail(r, LX_EINVAL, key, "%s[%zu] is not a date (YYYY-MM-DD)", lx_word(key),
                            i);
        if (ymd / 10000 != year)
            return req_fail(r, LX_EINVAL, key, "%s[%zu] is not in %d", lx_word(key), i, year);
        for (size_t k = 0; k < *n; k++)
            if ((*out)[k] == ymd)
                return req_fail(r, LX_EINVAL, key, "%s[%zu] is given twice", lx_word(key), i);
        (*out)[(*n)++] = ymd;
    }
    return LX_OK;
}

lx_status api_calendar_set(req *r)
{
    static const char *const known[] = {"off", "work", NULL};
    case_ctx c;
    memset(&c, 0, sizeof c);
    c.op = OP_CALENDAR;
    lx_status rc = path_year(r, &c.year);
    if (!rc)
        rc = body_only(r, known);
    if (!rc)
        rc = date_array(r, "off", c.year, &c.off, &c.noff);
    if (!rc)
        rc = date_array(r, "work", c.year, &c.work, &c.nwork);
    for (size_t i = 0; !rc && i < c.noff; i++)
        for (size_t k = 0; k < c.nwork; k++)
            if (c.off[i] == c.work[k])
                return req_fail(r, LX_EINVAL, "work", "a day cannot be both off and worked");
    if (!rc)
        rc = run(r, &c);
    if (rc)
        return rc;
    json_t *out = NULL;
    rc = calendar_get(store_db(), r->who.county_id, c.year, &out);
    if (rc)
        return rc;
    req_reply(r, 200, out);
    return LX_OK;
}

/* ---- notifications ---- */

lx_status api_notifications_list(req *r)
{
    static const char *const known[] = {"unread", "before", "limit", NULL};
    int64_t before = 0, limit = 0, unread = 0;
    json_t *items = NULL;
    lx_status rc = req_query_only(r, known);
    const char *u = req_query(r, "unread");
    if (!rc && u && strcmp(u, "1") && strcmp(u, "0"))
        return req_fail(r, LX_EINVAL, "unread", "unread is 1 or 0");
    if (!rc)
        rc = req_query_id(r, "before", &before);
    if (!rc)
        rc = req_query_id(r, "limit", &limit);
    if (!rc && limit > 200)
        return req_fail(r, LX_EINVAL, "limit", "limit is 1 to 200");
    if (!rc)
        rc = notifications_list(store_db(), &r->who, u && !strcmp(u, "1"), before,
                                limit ? (int)limit : 50, &items, &unread);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:o,s:I}", "items", items, "unread", (json_int_t)unread));
    return LX_OK;
}

typedef struct note_ctx {
    req *r;
    int64_t id;
} note_ctx;

static lx_status note_txn(void *arg, db *d)
{
    note_ctx *c = arg;
    return notifications_read(d, &c->r->who, c->id);
}

lx_status api_notifications_read(req *r)
{
    note_ctx c = {r, req_id(r, 0)};
    lx_status rc = req_no_body(r);
    if (!rc)
        rc = store_txn(note_txn, &c);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such notification of yours");
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)c.id, "read", 1));
    return LX_OK;
}
