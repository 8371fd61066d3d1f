/* http.h -- requests, responses and the route table shared by the server and the handlers. */
#ifndef LX_HTTP_H
#define LX_HTTP_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/rbac.h"
#include "store/users.h"
#include "util/arena.h"
#include "util/msgcat.h"
#include "util/status.h"
#include "util/strbuf.h"

#define HTTP_MAX_BODY (1u << 20)        /* 1 MiB for JSON bodies */
#define HTTP_MAX_UPLOAD (64u << 20)     /* 64 MiB for ledger uploads */
#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 4

typedef struct req req;
typedef lx_status (*handler_fn)(req *r);

/* Route flags. */
#define R_JSON 0x01        /* body, if any, must be a JSON object (application/json) */
#define R_UPLOAD 0x02      /* body is a file (CSV/XLSX), up to HTTP_MAX_UPLOAD */
#define R_NO_CSRF 0x04     /* state-changing but exempt from CSRF (login: no session yet) */
#define R_PW_CHANGE 0x08   /* allowed while the password must be changed */

/* One entry of the declarative route table. */
typedef struct route {
    const char *method;   /* "GET", "POST", "PATCH" ... */
    const char *pattern;  /* "/api/v1/households/{id}": {id} is digits, {x} any segment */
    handler_fn fn;        /* the handler */
    perm perm;            /* what the caller needs; PERM_UNSET is refused at start */
    unsigned flags;       /* R_* */
    const void *arg;      /* handler data (e.g. the registry resource) */
    const char *doc;      /* one line for the API reference */
} route;

/* The route table (http/routes.c) and its length. */
extern const route routes[];
extern const size_t nroutes;

/* A request in flight; lives from the first callback until completion. */
struct req {
    arena *a;                        /* per-request memory, freed at completion */
    void *conn;                      /* the libmicrohttpd connection */
    const char *method;              /* request method */
    const char *url;                 /* path, without the query */
    const route *rt;                 /* the matched route, or NULL */
    int method_mismatch;             /* path matched some route but not the method */
    const char *param[HTTP_MAX_PARAMS]; /* {..} segments, in order (arena) */
    int nparam;                      /* their number */
    strbuf body;                     /* raw body, up to the route's limit */
    int body_too_big;                /* the body passed the limit */
    json_t *json;                    /* parsed JSON body (R_JSON), or NULL */
    char addr[64];                   /* client address */
    lx_lang lang;                    /* the language of its Accept-Language header */
    int tls;                         /* came through TLS (per the proxy) */
    int authed;                      /* a session was found */
    session sess;                    /* the session and its account */
    principal who;                   /* the caller */
    /* the response */
    int status;                      /* HTTP status */
    json_t *out;                     /* JSON body, or NULL */
    char *raw;                       /* raw body (malloc'd), used when out is NULL */
    size_t rawlen;                   /* its length */
    const char *ctype;               /* raw body content type */
    const char *filename;            /* Content-Disposition attachment name, or NULL */
    const char *cookies[3];          /* Set-Cookie values */
    int ncookies;                    /* number of them */
    const char *hdr_name[HTTP_MAX_HEADERS];  /* other response headers (arena) */
    const char *hdr_value[HTTP_MAX_HEADERS]; /* their values (arena) */
    int nhdr;                        /* number of them */
    lx_error err;                    /* what went wrong, for the error body */
};

/* Fail the request with a client error naming a field; returns code. */
lx_status req_fail(req *r, lx_status code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Reply with JSON (the request takes the reference). */
void req_reply(req *r, int status, json_t *body);
/* Reply with bytes (the request takes ownership of data, malloc'd). */
void req_reply_raw(req *r, int status, const char *ctype, char *data, size_t len,
                   const char *filename);
/* Reply 200 with the workbook written at path (a temporary file, removed here whatever
 * happens) as an attachment named filename; LX_ETOOBIG past max bytes, LX_EIO if it
 * cannot be read. */
lx_status req_reply_xlsx(req *r, const char *path, size_t max, const char *filename);
/* Reply with JSON already written as text (compact, UTF-8) in sb; the
 * request takes the storage and leaves sb empty. For hot replies (lists,
 * details) that skip building a jansson tree. */
void req_reply_text(req *r, int status, strbuf *sb);
/* A query-string value, or NULL. Borrowed until the request ends. */
const char *req_query(req *r, const char *name);
/* Refuse (400, naming it) any query parameter not in the NULL-terminated
 * list `allowed`; LX_OK when all are known. */
lx_status req_query_only(req *r, const char *const *allowed);
/* A positive whole number from the query (an id, a cursor, a limit) into
 * *v; 0 when absent. A malformed value is a 400 naming the parameter. */
lx_status req_query_id(req *r, const char *name, int64_t *v);
/* The `active` parameter: 1 (the default when absent), 0 or -1 for "all";
 * anything else is a 400. */
lx_status req_query_active(req *r, int *active);
/* Refuse (400) a non-empty JSON body on an action that takes none. */
lx_status req_no_body(req *r);
/* A request header, or NULL. */
const char *req_header(req *r, const char *name);
/* Path parameter i as a positive id; 0 if it is not one. */
int64_t req_id(req *r, int i);
/* Add a response header (name and value copied); at most HTTP_MAX_HEADERS. */
void req_header_out(req *r, const char *name, const char *value);
/* Add a Set-Cookie header (value copied). */
void req_cookie(req *r, const char *value);
/* The county-local date today (YYYYMMDD) for the caller's county. */
int req_today(req *r);

/* Start serving on `listen` ("127.0.0.1:8080") with `threads` threads,
 * static files from `webroot` (may be NULL) and up to list_cache_bytes of
 * recent list pages (0: none); blocks until SIGINT/SIGTERM.
 * LX_EIO if the address cannot be bound. */
lx_status http_serve(const char *listen, int threads, const char *webroot,
                     size_t list_cache_bytes);

/* Check the route table (every route names a permission); 0 if sound. */
int http_routes_check(void);

#endif
