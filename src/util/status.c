/* status.c -- names and HTTP codes of lx_status values. */
#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>

lx_status lx_fail(lx_error *e, lx_status code, const char *field, const char *fmt, ...)
{
    if (!e)
        return code;
    va_list ap;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

const char *lx_status_name(lx_status st)
{
    switch (st) {
    case LX_OK: return "ok";
    case LX_EINVAL: return "invalid";
    case LX_ENOTFOUND: return "not_found";
    case LX_EDENIED: return "forbidden";
    case LX_EAUTH: return "unauthenticated";
    case LX_ECONFLICT: return "conflict";
    case LX_ELOCKED: return "locked";
    case LX_ERATE: return "rate_limited";
    case LX_ETOOBIG: return "too_large";
    case LX_EMEDIA: return "unsupported_media_type";
    case LX_EIO: return "internal";
    case LX_EBUSY: return "busy";
    }
    return "internal";
}

int lx_status_http(lx_status st)
{
    switch (st) {
    case LX_OK: return 200;
    case LX_EINVAL: return 400;
    case LX_ENOTFOUND: return 404;
    case LX_EDENIED: return 403;
    case LX_EAUTH: return 401;
    case LX_ECONFLICT: return 409;
    case LX_ELOCKED: return 423;
    case LX_ERATE: return 429;
    case LX_ETOOBIG: return 413;
    case LX_EMEDIA: return 415;
    case LX_EIO: return 500;
    case LX_EBUSY: return 503;
    }
    return 500;
}
