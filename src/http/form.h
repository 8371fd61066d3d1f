/* form.h -- parsing HTML form submissions: multipart/form-data and urlencoded bodies. */
#ifndef LX_FORM_H
#define LX_FORM_H
#include <stddef.h>
#include "util/status.h"

/* Pure parsers over a body already read whole (a route with R_UPLOAD gets the
 * raw body in r->body, up to HTTP_MAX_UPLOAD; the Content-Type comes from
 * req_header(r, "Content-Type")). No I/O, no allocation, thread-safe. */

#define FORM_NAME_MAX 64       /* room for a field name, NUL included */
#define FORM_FILENAME_MAX 256  /* room for a file name, NUL included */
#define FORM_CTYPE_MAX 128     /* room for a part's Content-Type, NUL included */

/* One part of a multipart/form-data body (RFC 7578). */
typedef struct form_part {
    char name[FORM_NAME_MAX];         /* the field name, UTF-8 (Content-Disposition name) */
    char filename[FORM_FILENAME_MAX]; /* the file's name without any directory, UTF-8, cut
                                         at a character boundary if longer; "" if none */
    int has_filename;                 /* 1 if the part is a file (a filename parameter, even
                                         empty: browsers send filename="" with no data when
                                         the resident chose no file) */
    char ctype[FORM_CTYPE_MAX];       /* the part's Content-Type as sent, "" if absent */
    const unsigned char *data;        /* its bytes, borrowed from the body (not copied) */
    size_t len;                       /* their number */
} form_part;

/* Parse the n bytes of `body` (borrowed; the parts point into it) sent with
 * `content_type` ("multipart/form-data; boundary=..." with the boundary
 * quoted or not) into parts[0 .. *nparts-1], in the order sent.
 *
 * Each part needs "Content-Disposition: form-data; name=..."; its name must
 * be 1..FORM_NAME_MAX-1 bytes and, like the file name, valid UTF-8 without
 * control characters; a file name longer than 1023 bytes (as sent) is
 * refused, a shorter one that does not fit is cut. Lines end with CRLF; the bytes before the first
 * boundary (preamble) and after the closing one (epilogue) are ignored.
 *
 * Errors (e filled): LX_EMEDIA if content_type is not multipart/form-data;
 * LX_EINVAL for a missing or bad boundary, a malformed body (no boundary,
 * a header line without CRLF or colon, a part without Content-Disposition
 * or name, a part cut short), more than max_parts parts, or no closing
 * boundary. On error *nparts is 0. */
lx_status multipart_parse(const char *content_type, const unsigned char *body, size_t n,
                          form_part *parts, size_t max_parts, size_t *nparts, lx_error *e);

/* The next part named `name` at index *from or later, or NULL; *from is
 * moved past it, so `size_t i = 0; while ((p = form_find(parts, n, "photo",
 * &i)))` visits every photo in order. */
const form_part *form_find(const form_part *parts, size_t n, const char *name, size_t *from);

/* One field of an application/x-www-form-urlencoded body. */
typedef struct form_field {
    const char *name;  /* decoded, NUL-terminated, valid UTF-8; points into the body */
    const char *value; /* decoded, NUL-terminated, valid UTF-8 ("" if no '='); into the body */
    size_t value_len;  /* strlen(value) */
} form_field;

/* Parse and decode in place the n bytes at `body`, which must have room for
 * n + 1 bytes (body[n] is overwritten with a NUL; a strbuf's buffer always
 * has it), into fields[0 .. *nfields-1] in the order sent. '+' is a space,
 * %XX a byte; empty pairs ("a=1&&b=2") are skipped. The body is modified and
 * the fields point into it.
 *
 * LX_EINVAL (and *nfields 0) for an invalid escape ("%4", "%zz"), %00, a
 * field without a name, a name or value that is not valid UTF-8 once
 * decoded, or more than `max` fields. */
lx_status urlencoded_parse(char *body, size_t n, form_field *fields, size_t max, size_t *nfields);

/* The value of the first field named `name`, or NULL. Borrowed from the body. */
const char *form_value(const form_field *fields, size_t n, const char *name);

#endif
