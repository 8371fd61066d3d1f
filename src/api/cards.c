/* cards.c -- contact cards and door plates (print view), card links, the resident page. */
#include "api/api.h"
#include "core/utf8.h"
#include "http/ratelimit.h"
#include "io/card_html.h"
#include "io/case_html.h"
#include "store/audit.h"
#include "store/cards.h"
#include "store/county.h"
#include "store/policies.h"
#include "store/record.h"
#include "store/registry.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <string.h>

#define CARDS_HTML_LIMIT ((size_t)64 << 20) /* the largest print view (2000 plates ~ 16 MiB) */
#define PAGE_LIMIT ((size_t)100 << 10)      /* a resident page stays under 100 KB */
#define GUESS_WINDOW 600                    /* seconds over which wrong links are counted */
#define GUESS_KEYS 20000                    /* addresses the counter remembers at once */
#define TEXT_POLICY_MAX 1024                /* bytes of a text policy (200 characters) */

/* ---- printing ---- */


/* The print, run in one write transaction: the cards and their links, and
 * the audit record of who printed how many (never the phones). */
typedef struct print_ctx {
    req *r;                /* the request */
    const card_select *sel; /* what to print */
    const char *kind;      /* "card" or "plate", for the audit */
    card_data *cards;      /* out: the cards */
    int n;                 /* out: how many */
} print_ctx;

static lx_status print_txn(void *arg, db *d)
{
    print_ctx *c = arg;
    req *r = c->r;
    scope hs = scope_for(&r->who, RES_HOUSEHOLDS), ns = scope_for(&r->who, RES_NODES);
    lx_status rc = cards_print(d, r->a, &r->who, &hs, &ns, c->sel, &c->cards, &c->n, &r->err);
    if (rc)
        return rc;
    const char *object = c->sel->household_id
                             ? arena_printf(r->a, "households/%lld", (long long)c->sel->household_id)
                             : arena_printf(r->a, "nodes/%lld", (long long)c->sel->node_id);
    const char *detail = arena_printf(r->a, "{\"households\":%d,\"kind\":\"%s\",\"reissue\":%s}",
                                      c->n, c->kind, c->sel->reissue ? "true" : "false");
    audit_rec ar = {&r->who, r->addr, "cards.print", object, "ok", detail};
    return audit_append(d, &ar);
}

lx_status api_cards(req *r)
{
    static const char *const known[] = {"household_id", "node_id", "kind", "reissue", NULL};
    card_select sel = {0, 0, 0};
    card_sheet sh = {CARD_KIND_CARD, NULL, NULL, NULL};
    print_ctx c = {r, &sel, "card", NULL, 0};
    char commitment[TEXT_POLICY_MAX], url[TEXT_POLICY_MAX];
    strbuf sb;
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    if ((rc = req_query_id(r, "household_id", &sel.household_id)) ||
        (rc = req_query_id(r, "node_id", &sel.node_id)))
        return rc;
    if (sel.household_id && sel.node_id)
        return req_fail(r, LX_EINVAL, "node_id",
                        "give household_id or node_id, not both");
    if (!sel.household_id && !sel.node_id)
        return req_fail(r, LX_EINVAL, "household_id",
                        "say what to print: household_id (one household) or node_id (every"
                        " household under a place)");
    const char *kind = req_query(r, "kind");
    if (kind && !strcmp(kind, "plate")) {
        sh.kind = CARD_KIND_PLATE;
        c.kind = "plate";
    } else if (kind && strcmp(kind, "card")) {
        return req_fail(r, LX_EINVAL, "kind", "kind must be card or plate");
    }
    const char *re = req_query(r, "reissue");
    if (re && strcmp(re, "0") && strcmp(re, "1"))
        return req_fail(r, LX_EINVAL, "reissue", "reissue must be 0 or 1");
    sel.reissue = re && !strcmp(re, "1");

    db *d = store_db();
    if (!d)
        return LX_EIO;
    if (sel.node_id) {
        /* The place's name for the window title; also its scope check. */
        scope ns = scope_for(&r->who, RES_NODES);
        record *node = NULL;
        rc = registry_get(d, r->a, &reg_nodes, &ns, sel.node_id, &node);
        if (rc == LX_ENOTFOUND)
            return req_fail(r, LX_EINVAL, "node_id", "node_id: no such place in your scope");
        if (rc)
            return rc;
        sh.title = node->v[record_field(&reg_nodes, "name")].s;
    }
    rc = store_txn(print_txn, &c);
    if (rc)
        return rc;
    policy_get_text(d, r->who.county_id, "card.commitment", commitment, sizeof commitment);
    policy_get_text(d, r->who.county_id, "site.public_url", url, sizeof url);
    sh.commitment = commitment;
    sh.public_url = url;
    strbuf_init(&sb, CARDS_HTML_LIMIT);
    rc = card_html_print(&sb, &sh, c.cards, c.n);
    if (rc || !strbuf_ok(&sb)) {
        log_error("cards: the print view of %d households could not be made (%s)", c.n,
                  rc ? "a QR code failed" : "too large");
        strbuf_release(&sb);
        return LX_EIO;
    }
    size_t len = 0;
    char *html = strbuf_detach(&sb, &len);
    req_reply_raw(r, 200, "text/html; charset=utf-8", html, len, NULL);
    return LX_OK;
}

/* ---- revoking a link ---- */

typedef struct revoke_ctx {
    req *r;             /* the request */
    int64_t id;         /* the household */
    const char *reason; /* why */
} revoke_ctx;

static lx_status revoke_txn(void *arg, db *d)
{
    revoke_ctx *c = arg;
    req *r = c->r;
    scope hs = scope_for(&r->who, RES_HOUSEHOLDS);
    lx_status rc = cards_revoke(d, &hs, c->id, &r->err);
    if (rc)
        return rc;
    json_t *dj = json_pack("{s:s}", "reason", c->reason);
    char *detail = json_dumps(dj, JSON_COMPACT);
    audit_rec ar = {&r->who, r->addr, "cards.revoke",
                    arena_printf(r->a, "households/%lld", (long long)c->id), "ok", detail};
    rc = audit_append(d, &ar);
    free(detail);
    json_decref(dj);
    return rc;
}

/* Whether s holds anything but ASCII white space. */
static int has_words(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s))
            return 1;
    return 0;
}

lx_status api_card_revoke(req *r)
{
    revoke_ctx c = {r, req_id(r, 0), NULL};
    const char *key;
    json_t *v;
    json_object_foreach(r->json, key, v)
    {
        if (strcmp(key, "reason"))
            return req_fail(r, LX_EINVAL, key, "unknown field %s; the body takes only a reason",
                            key);
    }
    v = json_object_get(r->json, "reason");
    if (!v)
        return req_fail(r, LX_EINVAL, "reason", "say why the card link is revoked");
    if (!json_is_string(v))
        return req_fail(r, LX_EINVAL, "reason", "reason must be text");
    c.reason = json_string_value(v);
    size_t chars = utf8_chars(c.reason);
    if (chars < 2 || !has_words(c.reason))
        return req_fail(r, LX_EINVAL, "reason", "say why the card link is revoked");
    if (chars > 500)
        return req_fail(r, LX_EINVAL, "reason", "the reason is too long (500 characters at most)");
    if (c.id <= 0)
        return req_fail(r, LX_ENOTFOUND, "id", "no such household in your scope");
    lx_status rc = store_txn(revoke_txn, &c);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:I,s:b}", "household_id", (json_int_t)c.id, "revoked", 1));
    return LX_OK;
}

/* ---- the resident page ---- */

static ratelimit *guesses;
static pthread_once_t guesses_once = PTHREAD_ONCE_INIT;

static void guesses_init(void)
{
    guesses = ratelimit_new(GUESS_WINDOW, GUESS_KEYS);
}

/* The key wrong links are counted under: the address, or for IPv6 its /64
 * (one subscriber's network: changing the last 64 bits costs nothing). */
static void guess_key(const char *addr, char *out, size_t len)
{
    unsigned char a6[16];
    if (strchr(addr, ':') && inet_pton(AF_INET6, addr, a6) == 1) {
        static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (!memcmp(a6, v4mapped, sizeof v4mapped)) {
            snprintf(out, len, "%u.%u.%u.%u", a6[12], a6[13], a6[14], a6[15]);
            return;
        }
        snprintf(out, len, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", a6[0], a6[1], a6[2], a6[3],
                 a6[4], a6[5], a6[6], a6[7]);
        return;
    }
    lx_strlcpy(out, addr, len);
}

/* Answer with a small page (no data): not found, too many tries. */
/* The resident page and its error pages: never cached, nothing but inline style. */
static void resident_headers(req *r)
{
    req_header_out(r, "Cache-Control", "no-store");
    req_header_out(r, "Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
                   " base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
}

lx_status api_resident_html(req *r, int status, strbuf *sb)
{
    size_t len = 0;
    if (!strbuf_ok(sb)) {
        strbuf_release(sb);
        log_error("resident page: a page is over %zu bytes", PAGE_LIMIT);
        return LX_EIO;
    }
    char *html = strbuf_detach(sb, &len);
    resident_headers(r);
    req_reply_raw(r, status, "text/html; charset=utf-8", html, len, NULL);
    return LX_OK;
}

static lx_status plain_page(req *r, int status, const char *heading, const char *text)
{
    strbuf sb;
    strbuf_init(&sb, PAGE_LIMIT);
    card_html_message(&sb, heading, text);
    return api_resident_html(r, status, &sb);
}

lx_status api_resident_message(req *r, int status, const char *heading, const char *text)
{
    return plain_page(r, status, heading, text);
}

static lx_status not_found_page(req *r)
{
    return plain_page(r, 404, "没有找到",
                      "这个链接无效或已经停用。请向您的联系党员或村（社区）索取新的联系卡。");
}

lx_status api_resident_card(req *r, card_data *c, int *answered)
{
    char key[80], path[64];
    int64_t county = 0, root = 0, now = lx_now();
    db *d = store_db();
    *answered = 0;
    if (!d)
        return LX_EIO;
    pthread_once(&guesses_once, guesses_init);
    guess_key(r->addr, key, sizeof key);
    /* The limit is the instance's own county's (the address is not yet tied
     * to any county): one county per instance is the common case. */
    lx_status rc = county_first(d, &county, &root, path, sizeof path);
    if (rc && rc != LX_ENOTFOUND)
        return rc;
    int64_t limit = policy_get(d, county, "resident.guess_limit");
    *answered = 1;
    if (ratelimit_count(guesses, key, now) >= limit)
        return plain_page(r, 429, "请稍后再试",
                          "这个网络打开了太多无效的链接，请过十分钟再扫码。");
    rc = cards_resolve(d, r->a, r->nparam ? r->param[0] : "", c);
    if (rc == LX_ENOTFOUND) {
        if (ratelimit_hit(guesses, key, now) == limit)
            log_warn("resident page: %lld wrong card links from %s in %d minutes; refusing it",
                     (long long)limit, key, GUESS_WINDOW / 60);
        return not_found_page(r);
    }
    *answered = 0;
    return rc;
}

lx_status api_resident_page(req *r)
{
    char commitment[TEXT_POLICY_MAX];
    card_data c;
    int answered = 0;
    lx_status rc = api_resident_card(r, &c, &answered);
    if (rc || answered)
        return rc;
    db *d = store_db();
    policy_get_text(d, c.county_id, "card.commitment", commitment, sizeof commitment);
    strbuf extra;
    strbuf_init(&extra, PAGE_LIMIT);
    rc = api_resident_cases_section(r, &c, &extra);
    if (rc) {
        strbuf_release(&extra);
        return rc;
    }
    strbuf sb;
    strbuf_init(&sb, PAGE_LIMIT);
    card_html_resident(&sb, &c, commitment, case_html_css, strbuf_str(&extra));
    strbuf_release(&extra);
    /* A read of the household's card by whoever holds the link: audited
     * without any personal data, in the household's county. */
    principal anyone = {0, NULL, ROLE_RESIDENT, c.county_id, 0, NULL, 0, 0, c.household_id};
    audit_rec ar = {&anyone, r->addr, "resident.page",
                    arena_printf(r->a, "households/%lld", (long long)c.household_id), "ok", NULL};
    audit_enqueue(&ar);
    return api_resident_html(r, 200, &sb);
}
