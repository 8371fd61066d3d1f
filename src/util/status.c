/* status.c -- names and HTTP codes of lx_status values. */
#include "util/status.h"
#include "util/msgcat.h"

#include <stdarg.h>
#include <stdio.h>

lx_status lx_vfail(lx_error *e, lx_status code, const char *field, const char *fmt, va_list ap)
{
    if (!e)
        return code;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    e->key = lx_vmsgf(e->message, sizeof e->message, fmt, ap);
    return code;
}

lx_status lx_fail(lx_error *e, lx_status code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx_status rc = lx_vfail(e, code, field, fmt, ap);
    va_end(ap);
    return rc;
}

const char *lx_status_name(lx_status st)
{
    switch (st) {
    case LX_OK: return "ok";
    case LX_EINVAL: return LX_MSG("invalid");
    case LX_ENOTFOUND: return LX_MSG("not_found");
    case LX_EDENIED: return LX_MSG("forbidden");
    case LX_EAUTH: return LX_MSG("unauthenticated");
    case LX_ECONFLICT: return LX_MSG("conflict");
    case LX_ELOCKED: return LX_MSG("locked");
    case LX_ERATE: return LX_MSG("rate_limited");
    case LX_ETOOBIG: return LX_MSG("too_large");
    case LX_EMEDIA: return LX_MSG("unsupported_media_type");
    case LX_EIO: return LX_MSG("internal");
    case LX_EBUSY: return LX_MSG("busy");
    }
    return LX_MSG("internal");
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
