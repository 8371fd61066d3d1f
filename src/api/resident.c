/* resident.c -- the resident's side of cases behind the card's link (/r/{token}/...), and
 * the village's public board (/p/{node}). Plain HTML forms, answered with pages and
 * redirects; no account, no script. The card link is the household's secret: every
 * route resolves it first, counting wrong links per address (cards.c). */
#include "api/api.h"
#include "core/utf8.h"
#include "core/vocab.h"
#include "http/form.h"
#include "io/card_html.h"
#include "io/case_html.h"
#include "store/cards.h"
#include "store/cases.h"
#include "store/casework.h"
#include "store/due.h"
#include "store/photos.h"
#include "store/policies.h"
#include "store/query.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_LIMIT ((size_t)100 << 10) /* a resident page stays under 100 KB */
#define FORM_PARTS 16                  /* parts of a request form we accept */

/* The household as the store's principal for its own cases. */
static principal resident_of(const card_data *c)
{
    principal p = {0, NULL, ROLE_RESIDENT, c->county_id, 0, NULL, 0, 0, c->household_id};
    return p;
}

static const char *base_of(req *r)
{
    return arena_printf(r->a, "/r/%s", r->param[0]);
}

/* A page that says what went wrong, in the resident's words, with a way back. */
static lx_status error_page(req *r, lx_status rc, const lx_error *e)
{
    int status = lx_status_http(rc);
    const char *heading = "没有成功", *text = "请返回上一页再试一次。";
    const char *f = e ? e->field : "";
    switch (rc) {
    case LX_EINVAL:
        heading = "请检查填写的内容";
        if (!strcmp(f, "text"))
            text = "请把诉求写清楚（不超过2000字）。";
        else if (!strcmp(f, "phone"))
            text = "手机号不对，请检查，或者不填。";
        else if (!strcmp(f, "category"))
            text = "请选择是哪方面的事。";
        else if (!strcmp(f, "rating"))
            text = "请选择满意、基本满意或不满意。";
        else if (!strcmp(f, "photo"))
            text = "最多只能传规定张数的照片。";
        break;
    case LX_ETOOBIG:
        heading = "照片太大了";
        text = "每张照片不能超过5MB，请换一张或不传照片。";
        break;
    case LX_EMEDIA:
        heading = "照片格式不对";
        text = "只能上传 JPEG 或 PNG 格式的照片。";
        break;
    case LX_ERATE:
        heading = "今天提交得太多了";
        text = "请直接给您的联系党员打电话。";
        break;
    case LX_ECONFLICT:
    case LX_EDENIED:
        heading = "这一步现在不能做";
        /* the English key, whatever the language of the message */
        if (!strcmp(f, "rating") || strstr(e && e->key ? e->key : "", "rated"))
            text = "这件事已经评价过了，或者还没有办结。";
        else
            text = "这件事的状态已经变了，请返回查看最新进度。";
        break;
    case LX_ENOTFOUND:
        heading = "没有找到";
        text = "没有找到这件诉求。";
        break;
    default:
        return rc;
    }
    return api_resident_message(r, status, heading, text);
}

static lx_status see_other(req *r, const char *location)
{
    req_header_out(r, "Location", location);
    req_header_out(r, "Cache-Control", "no-store");
    req_reply_raw(r, 303, "text/plain; charset=utf-8", NULL, 0, NULL);
    return LX_OK;
}

lx_status api_resident_cases_section(req *r, const card_data *c, strbuf *out)
{
    principal p = resident_of(c);
    cases_query q;
    strbuf sb;
    int64_t nk = 0, ni = 0;
    lx_error e;
    db *d = store_db();
    memset(&q, 0, sizeof q);
    q.queue = QUEUE_ALL;
    q.limit = 20;
    q.now = lx_now();
    strbuf_init(&sb, PAGE_LIMIT);
    lx_status rc = cases_list(d, &p, &q, &sb, &nk, &ni, &e);
    json_t *arr = rc ? NULL : json_loadb(strbuf_str(&sb), sb.len, 0, NULL);
    strbuf_release(&sb);
    if (rc)
        return rc;
    case_html_resident_section(out, base_of(r), arr,
                               (int)policy_get(d, c->county_id, "case.photos_max"),
                               due_utc_offset(d, c->county_id));
    json_decref(arr);
    return LX_OK;
}

/* ---- opening a case from the card ---- */

typedef struct res_ctx {
    req *r;
    principal who;
    case_open_in open;
    case_act_in act;
    int64_t id;
    char code[CASE_CODE_LEN + 1];
} res_ctx;

static lx_status open_txn(void *arg, db *d)
{
    res_ctx *c = arg;
    return cases_open(d, &c->who, c->r->addr, &c->open, &c->id, c->code, &c->r->err);
}

static lx_status act_txn(void *arg, db *d)
{
    res_ctx *c = arg;
    return cases_act(d, &c->who, c->r->addr, c->id, &c->act, &c->r->err);
}

/* A text field: valid UTF-8 of 1..max characters (0..max when optional), into the arena. */
static const char *form_text(req *r, const unsigned char *p, size_t n, size_t max, int required,
                             const char *field, lx_status *rc)
{
    if (*rc)
        return NULL;
    if (!utf8_valid((const char *)p, n) || memchr(p, 0, n)) {
        *rc = req_fail(r, LX_EINVAL, field, "%s is not valid text", field);
        return NULL;
    }
    char *s = arena_alloc(r->a, n + 1);
    memcpy(s, p, n);
    s[n] = 0;
    /* trim what phones add around a field */
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        s[--len] = 0;
    size_t chars = utf8_chars(s);
    if ((required && chars == 0) || chars > max) {
        *rc = req_fail(r, LX_EINVAL, field, "%s is 1 to %zu characters", field, max);
        return NULL;
    }
    return chars ? s : NULL;
}

lx_status api_resident_case_open(req *r)
{
    card_data card;
    int answered = 0;
    lx_status rc = api_resident_card(r, &card, &answered);
    if (rc || answered)
        return rc;
    db *d = store_db();
    res_ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.who = resident_of(&card);
    r->who = c.who; /* the photo policy and the audit speak of this household's county */
    const char *ct = req_header(r, "Content-Type");
    const unsigned char *body = (const unsigned char *)r->body.buf;
    const char *category = NULL, *text = NULL, *phone = NULL;
    size_t nparts = 0;
    form_part *parts = arena_alloc(r->a, FORM_PARTS * sizeof *parts);
    form_field fields[8];
    size_t nfields = 0;
    int multipart = ct && !strncasecmp(ct, "multipart/form-data", 19);
    if (multipart) {
        rc = multipart_parse(ct, body, r->body.len, parts, FORM_PARTS, &nparts, &r->err);
        if (rc)
            return error_page(r, rc, &r->err);
        const form_part *p;
        size_t at = 0;
        if ((p = form_find(parts, nparts, "category", &at)))
            category = form_text(r, p->data, p->len, 32, 1, "category", &rc);
        at = 0;
        if ((p = form_find(parts, nparts, "text", &at)))
            text = form_text(r, p->data, p->len, CASE_TEXT_MAX, 1, "text", &rc);
        at = 0;
        if ((p = form_find(parts, nparts, "phone", &at)))
            phone = form_text(r, p->data, p->len, 32, 0, "phone", &rc);
    } else if (ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
        rc = urlencoded_parse(r->body.buf, r->body.len, fields, 8, &nfields);
        if (rc)
            return error_page(r, req_fail(r, rc, "body", "the form is malformed"), &r->err);
        const char *v;
        if ((v = form_value(fields, nfields, "category")))
            category = form_text(r, (const unsigned char *)v, strlen(v), 32, 1, "category", &rc);
        if ((v = form_value(fields, nfields, "text")))
            text = form_text(r, (const unsigned char *)v, strlen(v), CASE_TEXT_MAX, 1, "text", &rc);
        if ((v = form_value(fields, nfields, "phone")))
            phone = form_text(r, (const unsigned char *)v, strlen(v), 32, 0, "phone", &rc);
    } else {
        rc = req_fail(r, LX_EMEDIA, "Content-Type", "send the request form");
        return error_page(r, rc, &r->err);
    }
    if (!rc && !text)
        rc = req_fail(r, LX_EINVAL, "text", "write the request");
    c.open.category = category ? vocab_find(&vocab_request_category, category)
                               : vocab_find(&vocab_request_category, "other");
    if (!rc && c.open.category < 0)
        rc = req_fail(r, LX_EINVAL, "category", "not a known category");
    char phonebuf[32];
    if (!rc)
        rc = api_case_phone_in(r, phone, phonebuf, sizeof phonebuf, &c.open.phone);
    if (rc)
        return error_page(r, rc, &r->err);
    c.open.channel = vocab_find(&vocab_case_channel, "resident");
    c.open.priority = vocab_find(&vocab_case_priority, "ordinary");
    c.open.text = text;
    c.open.household_id = card.household_id;

    /* the photos: cleaned and stored before the case is written */
    case_photo_ref ph[CASE_PHOTOS_MAX];
    int max = (int)policy_get(d, card.county_id, "case.photos_max");
    if (max > CASE_PHOTOS_MAX)
        max = CASE_PHOTOS_MAX;
    const form_part *p;
    size_t at = 0;
    while (multipart && (p = form_find(parts, nparts, "photo", &at))) {
        if (!p->len)
            continue; /* the file input left empty */
        if ((int)c.open.nphotos == max) {
            rc = req_fail(r, LX_EINVAL, "photo", "at most %d photos", max);
            return error_page(r, rc, &r->err);
        }
        rc = api_case_store_photo(r, "photo", p->data, p->len, &ph[c.open.nphotos]);
        if (rc)
            return error_page(r, rc, &r->err);
        c.open.nphotos++;
    }
    c.open.photos = ph;
    rc = store_txn(open_txn, &c);
    if (rc)
        return error_page(r, rc, &r->err);
    return see_other(r, arena_printf(r->a, "%s/cases/%s?ok=sent", base_of(r), c.code));
}

/* ---- one case ---- */

/* The case of this household with the code in path parameter 1 into c->id. */
static lx_status find_case(req *r, card_data *card, res_ctx *c, int *answered)
{
    lx_status rc = api_resident_card(r, card, answered);
    if (rc || *answered)
        return rc;
    memset(c, 0, sizeof *c);
    c->r = r;
    c->who = resident_of(card);
    rc = cases_find_code(store_db(), &c->who, r->param[1], &c->id);
    if (rc == LX_ENOTFOUND) {
        *answered = 1;
        return api_resident_message(r, 404, "没有找到", "没有找到这件诉求，请核对查询码。");
    }
    return rc;
}

lx_status api_resident_case_page(req *r)
{
    static const char *const known[] = {"ok", NULL};
    card_data card;
    res_ctx c;
    int answered = 0;
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    rc = find_case(r, &card, &c, &answered);
    if (rc || answered)
        return rc;
    db *d = store_db();
    json_t *cj = NULL;
    rc = cases_get(d, &c.who, c.id, &cj);
    if (rc)
        return rc;
    const char *state = json_string_value(json_object_get(cj, "state"));
    const char *rated = json_string_value(json_object_get(cj, "rated_at"));
    int64_t rated_at = 0;
    int may_reopen =
        state && (!strcmp(state, "rated") || !strcmp(state, "closed")) && rated &&
        !lx_parse_time(rated, 0, &rated_at) &&
        lx_now() <= rated_at + policy_get(d, card.county_id, "case.reopen_days") * 86400;
    const char *ok = req_query(r, "ok"), *notice = NULL;
    if (ok && !strcmp(ok, "sent"))
        notice = "已提交。请记下查询码，扫码就能看到办理进度。";
    else if (ok && !strcmp(ok, "rated"))
        notice = "谢谢您的评价。";
    else if (ok && !strcmp(ok, "reopened"))
        notice = "已重新办理，上级会督办。";
    else if (ok && !strcmp(ok, "replied"))
        notice = "已收到您的补充。";
    strbuf sb;
    strbuf_init(&sb, PAGE_LIMIT);
    case_html_resident_case(&sb, base_of(r), cj, may_reopen, notice,
                            due_utc_offset(d, card.county_id));
    json_decref(cj);
    return api_resident_html(r, 200, &sb);
}

/* rate, reopen, reply: one urlencoded form each */
static lx_status resident_act(req *r, case_event ev, const char *done)
{
    card_data card;
    res_ctx c;
    int answered = 0;
    form_field fields[8];
    size_t nfields = 0;
    lx_status rc = find_case(r, &card, &c, &answered);
    if (rc || answered)
        return rc;
    const char *ct = req_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33))
        return error_page(r, req_fail(r, LX_EMEDIA, "Content-Type", "send the form"), &r->err);
    rc = urlencoded_parse(r->body.buf, r->body.len, fields, 8, &nfields);
    if (rc)
        return error_page(r, req_fail(r, rc, "body", "the form is malformed"), &r->err);
    const char *text = form_value(fields, nfields, "text");
    c.act.ev = ev;
    if (text)
        text = form_text(r, (const unsigned char *)text, strlen(text),
                         ev == CE_RESUME ? CASE_TEXT_MAX : CASE_REASON_MAX, 0, "text", &rc);
    if (rc)
        return error_page(r, rc, &r->err);
    c.act.text = text;
    if (ev == CE_RATE) {
        const char *v = form_value(fields, nfields, "rating");
        c.act.rating = v ? case_rating_parse(v) : -1;
        if (c.act.rating <= RATING_NONE)
            return error_page(r, req_fail(r, LX_EINVAL, "rating", "choose a rating"), &r->err);
    }
    if (ev == CE_RESUME && !text)
        return error_page(r, req_fail(r, LX_EINVAL, "text", "write what you add"), &r->err);
    rc = store_txn(act_txn, &c);
    if (rc)
        return error_page(r, rc, &r->err);
    return see_other(r, arena_printf(r->a, "%s/cases/%s?ok=%s", base_of(r), r->param[1], done));
}

lx_status api_resident_case_rate(req *r)
{
    return resident_act(r, CE_RATE, "rated");
}

lx_status api_resident_case_reopen(req *r)
{
    return resident_act(r, CE_REOPEN, "reopened");
}

lx_status api_resident_case_reply(req *r)
{
    return resident_act(r, CE_RESUME, "replied");
}

lx_status api_resident_photo(req *r)
{
    card_data card;
    int answered = 0;
    lx_status rc = api_resident_card(r, &card, &answered);
    if (rc || answered)
        return rc;
    if (!photos_hash_valid(r->param[1]) ||
        !cases_household_has_photo(store_db(), card.household_id, r->param[1], NULL))
        return api_resident_message(r, 404, "没有找到", "没有这张照片。");
    return api_send_photo(r, r->param[1]);
}

/* ---- the public board ---- */

lx_status api_board_page(req *r)
{
    static const char *const known[] = {"month", NULL};
    int64_t node = req_id(r, 0);
    json_t *items = NULL;
    char *name = NULL;
    db *d = store_db();
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    int yyyymm = 0; /* this month, in the village's county */
    const char *m = req_query(r, "month");
    if (m) {
        int y = 0, mo = 0;
        if (strlen(m) != 7 || sscanf(m, "%4d-%2d", &y, &mo) != 2 || y < 2000 || y > 2100 ||
            mo < 1 || mo > 12)
            return api_resident_message(r, 400, "月份不对", "月份的格式是 2026-11。");
        yyyymm = y * 100 + mo;
    }
    rc = board_items(d, node, &yyyymm, &items, &name);
    if (rc == LX_ENOTFOUND)
        return api_resident_message(r, 404, "没有找到", "没有这个村（社区）的公示栏。");
    if (rc)
        return rc;
    strbuf sb;
    strbuf_init(&sb, (size_t)4 << 20);
    case_html_board(&sb, arena_printf(r->a, "/p/%lld", (long long)node), name, yyyymm, items);
    json_decref(items);
    free(name);
    return api_resident_html(r, 200, &sb);
}

lx_status api_board_photo(req *r)
{
    if (!photos_hash_valid(r->param[1]) ||
        !board_has_photo(store_db(), req_id(r, 0), r->param[1], NULL))
        return api_resident_message(r, 404, "没有找到", "没有这张照片。");
    return api_send_photo(r, r->param[1]);
}
