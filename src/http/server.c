/* server.c -- libmicrohttpd glue: routing, sessions, CSRF, limits, JSON errors. */
#include "http/http.h"
#include "api/api.h"
#include "core/session_rules.h"
#include "store/audit.h"
#include "store/policies.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/fileio.h"
#include "util/log.h"
#include "util/msgcat.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *web_root;

/* ---- request helpers ---- */

lx_status req_fail(req *r, lx_status code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx_status rc = lx_vfail(&r->err, code, field, fmt, ap);
    va_end(ap);
    return rc;
}

void req_reply(req *r, int status, json_t *body)
{
    json_decref(r->out);
    r->status = status;
    r->out = body;
}

void req_reply_raw(req *r, int status, const char *ctype, char *data, size_t len,
                   const char *filename)
{
    free(r->raw);
    r->status = status;
    r->raw = data;
    r->rawlen = len;
    r->ctype = ctype;
    r->filename = filename;
}

lx_status req_reply_xlsx(req *r, const char *path, size_t max, const char *filename)
{
    char *data = NULL;
    size_t len = 0;
    lx_status rc = file_read_all(path, max, &data, &len);
    unlink(path);
    if (!rc)
        req_reply_raw(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      data, len, filename);
    return rc;
}

void req_reply_text(req *r, int status, strbuf *sb)
{
    size_t len = 0;
    char *text = strbuf_detach(sb, &len);
    json_decref(r->out);
    r->out = NULL;
    req_reply_raw(r, status, "application/json; charset=utf-8", text, len, NULL);
}

const char *req_query(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct qonly {
    req *r;                     /* the request */
    const char *const *allowed; /* known names */
    lx_status rc;               /* the first refusal */
} qonly;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    qonly *q = cls;
    (void)kind;
    (void)value;
    for (const char *const *a = q->allowed; *a; a++)
        if (!strcmp(*a, key))
            return MHD_YES;
    q->rc = req_fail(q->r, LX_EINVAL, key, "unknown query parameter %s", key);
    return MHD_NO;
}

lx_status req_query_only(req *r, const char *const *allowed)
{
    qonly q = {r, allowed, LX_OK};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &q);
    return q.rc;
}

lx_status req_query_id(req *r, const char *name, int64_t *v)
{
    const char *s = req_query(r, name);
    char *end = NULL;
    *v = 0;
    if (!s)
        return LX_OK;
    long long n = strtoll(s, &end, 10);
    if (!*s || *end || n <= 0 || strlen(s) > 15)
        return req_fail(r, LX_EINVAL, name, "%s must be a positive whole number", name);
    *v = n;
    return LX_OK;
}

lx_status req_query_active(req *r, int *active)
{
    const char *s = req_query(r, "active");
    *active = 1;
    if (!s || !strcmp(s, "1") || !strcmp(s, "true"))
        return LX_OK;
    if (!strcmp(s, "0") || !strcmp(s, "false"))
        *active = 0;
    else if (!strcmp(s, "all"))
        *active = -1;
    else
        return req_fail(r, LX_EINVAL, "active", "active must be 1, 0 or all");
    return LX_OK;
}

lx_status req_no_body(req *r)
{
    if (r->json && json_object_size(r->json))
        return req_fail(r, LX_EINVAL, "body", "this action takes no body");
    return LX_OK;
}

const char *req_header(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int64_t req_id(req *r, int i)
{
    if (i >= r->nparam)
        return 0;
    const char *s = r->param[i];
    int64_t v = 0;
    if (!*s || strlen(s) > 15)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

void req_header_out(req *r, const char *name, const char *value)
{
    if (r->nhdr >= HTTP_MAX_HEADERS)
        BUG("too many response headers");
    r->hdr_name[r->nhdr] = arena_strdup(r->a, name);
    r->hdr_value[r->nhdr++] = arena_strdup(r->a, value);
}

void req_cookie(req *r, const char *value)
{
    if (r->ncookies < 3)
        r->cookies[r->ncookies++] = arena_strdup(r->a, value);
}

int req_today(req *r)
{
    (void)r;
    return lx_today_ymd(lx_now(), 8 * 3600);
}

/* ---- routing ---- */

/* Match url against pattern; fill r->param. 1 on a match. */
static int match(req *r, const char *pattern, const char *url)
{
    const char *p = pattern, *u = url;
    r->nparam = 0;
    while (*p && *u) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *ue = strchr(u, '/');
            if (!pe)
                return 0;
            if (!ue)
                ue = u + strlen(u);
            if (ue == u || r->nparam >= HTTP_MAX_PARAMS)
                return 0;
            /* {id} takes digits only. */
            if (!strncmp(p, "{id}", 4))
                for (const char *c = u; c < ue; c++)
                    if (*c < '0' || *c > '9')
                        return 0;
            r->param[r->nparam++] = arena_strndup(r->a, u, (size_t)(ue - u));
            p = pe + 1;
            u = ue;
        } else if (*p == *u) {
            p++;
            u++;
        } else {
            return 0;
        }
    }
    return !*p && !*u;
}

static void route_request(req *r)
{
    for (size_t i = 0; i < nroutes; i++) {
        if (!match(r, routes[i].pattern, r->url))
            continue;
        if (!strcmp(routes[i].method, r->method) ||
            (!strcmp(r->method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
            r->rt = &routes[i];
            return;
        }
        r->method_mismatch = 1;
    }
    r->nparam = 0;
}

int http_routes_check(void)
{
    int bad = 0;
    for (size_t i = 0; i < nroutes; i++)
        if (routes[i].perm == PERM_UNSET || routes[i].perm >= PERM__COUNT) {
            log_error("route %s %s names no permission", routes[i].method, routes[i].pattern);
            bad = 1;
        }
    return bad;
}

/* ---- authentication ---- */

static const char *cookie_value(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* Find and judge the session; fill r->who. LX_EAUTH if there is none or it ended. */
static lx_status authenticate(req *r)
{
    const char *token = cookie_value(r, "lx_session");
    db *d = store_db();
    int64_t now = lx_now();
    lx_status rc;
    if (!d)
        return LX_EIO;
    if (!token || strlen(token) != TOKEN_LEN)
        return req_fail(r, LX_EAUTH, "", "please log in");
    rc = session_find(d, token, &r->sess);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, LX_EAUTH, "", "your session has ended; please log in again");
    if (rc)
        return rc;
    user *u = &r->sess.u;
    int64_t cid = u->county_id;
    int64_t idle = policy_get(d, cid, "session.idle_minutes") * 60;
    int64_t absolute = policy_get(d, cid, "session.absolute_hours") * 3600;
    if (session_ended(r->sess.created_at, r->sess.seen_at, now, idle, absolute) || !u->active ||
        u->locked) {
        session_end(d, r->sess.token_hash);
        return req_fail(r, LX_EAUTH, "", "your session has ended; please log in again");
    }
    /* Record activity at most once a minute: a read should not cost a write. */
    if (now - r->sess.seen_at >= SESSION_TOUCH_SECS)
        session_touch(d, r->sess.token_hash, now);
    r->authed = 1;
    r->who.user_id = u->id;
    r->who.username = u->username;
    r->who.role = role_parse(u->role);
    r->who.county_id = u->county_id;
    r->who.node_id = u->node_id;
    r->who.node_path = u->node_path[0] ? u->node_path : NULL;
    r->who.member_id = u->member_id;
    r->who.unit_id = u->unit_id;
    r->who.household_id = u->household_id;
    return LX_OK;
}

static int is_safe_method(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

/* Parse the body per the route's flags. */
static lx_status parse_body(req *r)
{
    const char *ct = req_header(r, "Content-Type");
    if (!(r->rt->flags & R_JSON))
        return LX_OK;
    if (r->body.len == 0) {
        r->json = json_object();
        return LX_OK;
    }
    /* Exactly application/json, parameters (charset) allowed. */
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
        return req_fail(r, LX_EMEDIA, "Content-Type", "send the body as application/json");
    json_error_t jerr;
    r->json = json_loadb(r->body.buf, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!r->json)
        return req_fail(r, LX_EINVAL, "body", "the body is not valid JSON: %s (line %d)",
                        jerr.text, jerr.line);
    if (!json_is_object(r->json))
        return req_fail(r, LX_EINVAL, "body", "the body must be a JSON object");
    return LX_OK;
}

/* Run the whole request: checks in order, then the handler. */
static void dispatch(req *r)
{
    lx_status rc = LX_OK;
    if (!r->rt) {
        rc = r->method_mismatch ? req_fail(r, LX_EINVAL, "", "method not allowed here")
                                : req_fail(r, LX_ENOTFOUND, "", "no such resource");
        if (r->method_mismatch)
            r->status = 405;
        goto out;
    }
    if (r->body_too_big) {
        rc = req_fail(r, LX_ETOOBIG, "body", "the body is too large");
        goto out;
    }
    if (r->rt->perm != PERM_PUBLIC) {
        rc = authenticate(r);
        if (rc)
            goto out;
        if ((r->sess.u.must_change) && !(r->rt->flags & R_PW_CHANGE)) {
            rc = req_fail(r, LX_EDENIED, "password", "you must change your password first");
            snprintf(r->err.field, sizeof r->err.field, "password_change_required");
            goto out;
        }
        if (!is_safe_method(r->method) && !(r->rt->flags & R_NO_CSRF)) {
            const char *t = req_header(r, "X-CSRF-Token");
            if (!t || !crypto_streq(t, r->sess.csrf)) {
                rc = req_fail(r, LX_EDENIED, "X-CSRF-Token", "missing or wrong CSRF token");
                goto out;
            }
        }
        if (!rbac_allows(r->who.role, r->rt->perm)) {
            rc = req_fail(r, LX_EDENIED, "", "your role may not do this");
            goto out;
        }
    }
    rc = parse_body(r);
    if (rc)
        goto out;
    rc = r->rt->fn(r);
out:
    if (rc) {
        db *d = store_db();
        if (d)
            db_rollback(d); /* never leave a half transaction behind */
        if (!r->err.code || r->err.code != rc) {
            if (rc == LX_EIO || rc == LX_EBUSY)
                req_fail(r, rc, "", rc == LX_EBUSY ? "the server is busy; try again"
                                                   : "internal error; it has been logged");
            else if (!r->err.code)
                req_fail(r, rc, "", "%s", lx_status_name(rc));
        }
        json_t *e = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", lx_status_name(rc), "message",
                              r->err.message, "field", r->err.field);
        if (r->status != 405)
            r->status = lx_status_http(rc);
        json_decref(r->out);
        r->out = e;
        free(r->raw);
        r->raw = NULL;
    }
}

/* ---- static files ---- */

/* Shown at / until the web application is built (web/dist). */
static const char placeholder_page[] =
    "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
    "<title>连心 Lianxin</title><body style=\"font:18px/1.6 sans-serif;max-width:40em;margin:2em auto\">"
    "<h1>连心 Lianxin</h1><p>服务器正在运行。网页应用尚未构建；接口位于 <code>/api/v1</code>"
    "（见 docs/api.md）。</p><p>The server is running. The web application is not built yet; the API "
    "is under <code>/api/v1</code> (see docs/api.md).</p></body></html>";

static int serve_static(req *r)
{
    char path[1024];
    const char *u = r->url;
    struct stat st;
    if (!web_root && !strcmp(u, "/")) {
        req_reply_raw(r, 200, "text/html; charset=utf-8", xstrdup(placeholder_page),
                      sizeof placeholder_page - 1, NULL);
        return 1;
    }
    if (!web_root || strstr(u, ".."))
        return 0;
    if (!strcmp(u, "/") || !strchr(u + 1, '.'))
        u = "/index.html"; /* the single-page application handles its own routes */
    snprintf(path, sizeof path, "%s%s", web_root, u);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
        close(fd);
        return 0;
    }
    char *data = xmalloc((size_t)st.st_size + 1);
    ssize_t n = read(fd, data, (size_t)st.st_size);
    close(fd);
    if (n != st.st_size) {
        free(data);
        return 0;
    }
    const char *ext = strrchr(path, '.');
    const char *ct = "application/octet-stream";
    if (ext) {
        if (!strcmp(ext, ".html")) ct = "text/html; charset=utf-8";
        else if (!strcmp(ext, ".js")) ct = "text/javascript; charset=utf-8";
        else if (!strcmp(ext, ".css")) ct = "text/css; charset=utf-8";
        else if (!strcmp(ext, ".svg")) ct = "image/svg+xml";
        else if (!strcmp(ext, ".png")) ct = "image/png";
        else if (!strcmp(ext, ".json")) ct = "application/json";
        else if (!strcmp(ext, ".woff2")) ct = "font/woff2";
    }
    req_reply_raw(r, 200, ct, data, (size_t)n, NULL);
    return 1;
}

/* ---- libmicrohttpd callbacks ---- */

static void client_addr(req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    lx_strlcpy(r->addr, "unknown", sizeof r->addr);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->addr, sizeof r->addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->addr,
                      sizeof r->addr);
    }
    /* Behind the nginx on this machine, the client is the one nginx names. */
    if (!strcmp(r->addr, "127.0.0.1") || !strcmp(r->addr, "::1")) {
        const char *real = req_header(r, "X-Real-IP");
        const char *proto = req_header(r, "X-Forwarded-Proto");
        if (real && strlen(real) < sizeof r->addr && strspn(real, "0123456789abcdefABCDEF.:") ==
                                                          strlen(real))
            lx_strlcpy(r->addr, real, sizeof r->addr);
        r->tls = proto && !strcmp(proto, "https");
    }
}

static enum MHD_Result send_reply(req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char *text = NULL;
    if (r->out) {
        text = json_dumps(r->out, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
        resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    } else if (r->raw) {
        resp = MHD_create_response_from_buffer(r->rawlen, r->raw, MHD_RESPMEM_MUST_FREE);
        r->raw = NULL;
        MHD_add_response_header(resp, "Content-Type", r->ctype);
        if (r->filename) {
            char disp[300];
            snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", r->filename);
            MHD_add_response_header(resp, "Content-Disposition", disp);
        }
    } else {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (!strncmp(r->url, "/api/", 5))
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    for (int i = 0; i < r->ncookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", r->cookies[i]);
    for (int i = 0; i < r->nhdr; i++)
        MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
    ret = MHD_queue_response(r->conn, (unsigned)(r->status ? r->status : 200), resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    req *r = *con_cls;
    (void)cls;
    (void)version;
    if (!r) {
        arena *a = arena_new();
        r = arena_zalloc(a, sizeof *r);
        r->a = a;
        r->conn = conn;
        r->method = arena_strdup(a, method);
        r->url = arena_strdup(a, url);
        strbuf_init(&r->body, HTTP_MAX_BODY);
        client_addr(r);
        r->lang = lx_lang_from_header(req_header(r, "Accept-Language"));
        route_request(r);
        if (r->rt && (r->rt->flags & R_UPLOAD))
            r->body.limit = HTTP_MAX_UPLOAD;
        const char *cl = req_header(r, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > r->body.limit)
            r->body_too_big = 1;
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->body_too_big) {
            strbuf_add(&r->body, upload_data, *upload_data_size);
            if (!strbuf_ok(&r->body))
                r->body_too_big = 1;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strncmp(r->url, "/api/", 5) && strncmp(r->url, "/r/", 3) && strncmp(r->url, "/p/", 3) &&
        !strcmp(r->method, "GET") && serve_static(r))
        return send_reply(r);
    /* Messages are made in the request's language on this thread (util/msgcat.h). */
    lx_lang_set(r->lang);
    dispatch(r);
    lx_lang_set(LX_LANG_EN);
    return send_reply(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    req *r = *con_cls;
    (void)cls;
    (void)conn;
    (void)toe;
    if (!r)
        return;
    json_decref(r->json);
    json_decref(r->out);
    free(r->raw);
    strbuf_release(&r->body);
    arena_free(r->a);
    *con_cls = NULL;
}

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

lx_status http_serve(const char *listen, int threads, const char *webroot,
                     size_t list_cache_bytes)
{
    struct sockaddr_in sa;
    char host[64] = "127.0.0.1";
    int port = 8080;
    const char *colon = strrchr(listen, ':');
    if (colon) {
        size_t hl = (size_t)(colon - listen);
        if (hl && hl < sizeof host) {
            memcpy(host, listen, hl);
            host[hl] = '\0';
        }
        port = atoi(colon + 1);
    } else {
        port = atoi(listen);
    }
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        log_error("--listen wants ADDRESS:PORT with an IPv4 address, got %s", listen);
        return LX_EINVAL;
    }
    if (http_routes_check())
        return LX_EINVAL;
    web_root = webroot;
    api_list_cache_start(list_cache_bytes); /* before the first request can come */
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port,
        NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 4),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_END);
    if (!daemon) {
        log_error("cannot listen on %s", listen);
        api_list_cache_stop();
        return LX_EIO;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    audit_writer_start();
    log_info("listening on http://%s:%d", host, port);
    fflush(stderr);
    while (!stop_flag)
        pause();
    log_info("stopping");
    MHD_stop_daemon(daemon);
    api_list_cache_stop();
    audit_writer_stop();
    return LX_OK;
}
