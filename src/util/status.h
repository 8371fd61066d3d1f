/* status.h -- the one status type: 0 is success, the rest say whose fault a failure is. */
#ifndef LX_STATUS_H
#define LX_STATUS_H
#include <stdarg.h>

/* Client mistakes (LX_EINVAL .. LX_ERATE) become 4xx responses; environment
 * failures (LX_EIO, LX_EBUSY) are logged and become 5xx. Results travel
 * through out-parameters. */
typedef enum lx_status {
    LX_OK = 0,
    LX_EINVAL,    /* bad input: a field is missing, malformed or out of range (400/422) */
    LX_ENOTFOUND, /* no such object, or not in the caller's scope (404) */
    LX_EDENIED,   /* the caller's role may not do this (403) */
    LX_EAUTH,     /* not logged in, bad credentials, session ended (401) */
    LX_ECONFLICT, /* duplicate or state conflict (409) */
    LX_ELOCKED,   /* account or address locked after failed logins (423) */
    LX_ERATE,     /* too many requests (429) */
    LX_ETOOBIG,   /* request body or file too large (413) */
    LX_EMEDIA,    /* wrong content type (415) */
    LX_EIO,       /* disk or database failure (500) */
    LX_EBUSY,     /* database busy beyond the timeout (503) */
} lx_status;

/* A failure the client should see: which field, and why, in words. */
typedef struct lx_error {
    lx_status code;     /* the status returned with it */
    char field[64];     /* the offending field ("phone", "rows[3].idno"), or "" */
    char message[512];  /* a sentence for the user in the thread's language (util/msgcat.h);
                           never personal data */
    const char *key;    /* the English format it was made from (the catalog's key, static
                           storage), for code that tells failures apart; NULL if none */
} lx_error;

/* Fill e (if not NULL) and return code: `return lx_fail(e, LX_EINVAL, "phone", "...")`.
 * fmt is an English format with an entry in the message catalog (util/msgcat.def);
 * the message is made in the thread's language (lx_vmsgf). */
lx_status lx_fail(lx_error *e, lx_status code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* lx_fail with a va_list, for wrappers such as req_fail. */
lx_status lx_vfail(lx_error *e, lx_status code, const char *field, const char *fmt, va_list ap);

/* A short English name of a status ("invalid", "not_found" ...), for error codes; given
 * through "%s" it is also the message of last resort, translated like any (LX_MSG). */
const char *lx_status_name(lx_status st);

/* The HTTP status code that a status maps to. */
int lx_status_http(lx_status st);

#endif
