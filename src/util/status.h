/* status.h -- the one status type: 0 is success, the rest say whose fault a failure is. */
#ifndef LX_STATUS_H
#define LX_STATUS_H

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
    char message[256];  /* a sentence for the user, in English; never personal data */
} lx_error;

/* Fill e (if not NULL) and return code: `return lx_fail(e, LX_EINVAL, "phone", "...")`. */
lx_status lx_fail(lx_error *e, lx_status code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A short English name of a status ("invalid", "not_found" ...), for error codes. */
const char *lx_status_name(lx_status st);

/* The HTTP status code that a status maps to. */
int lx_status_http(lx_status st);

#endif
