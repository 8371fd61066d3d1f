/* form.c -- parsing HTML form submissions: multipart/form-data and urlencoded bodies. */
#include "http/form.h"
#include "core/utf8.h"

#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70 /* RFC 2046 */

/* A slice of the body: bytes that are not NUL-terminated. */
typedef struct span {
    const unsigned char *p; /* first byte */
    size_t len;             /* number of bytes */
} span;

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static span trim(span s)
{
    while (s.len && is_ws(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_ws(s.p[s.len - 1]))
        s.len--;
    return s;
}

static int span_ieq(span s, const char *word)
{
    size_t wl = strlen(word);
    return s.len == wl && !strncasecmp((const char *)s.p, word, wl);
}

/* The first occurrence of needle[nl] in hay[hl], or NULL. */
static const unsigned char *find(const unsigned char *hay, size_t hl, const unsigned char *needle,
                                 size_t nl)
{
    while (hl >= nl) {
        const unsigned char *c = memchr(hay, needle[0], hl - nl + 1);
        if (!c)
            return NULL;
        if (!memcmp(c, needle, nl))
            return c;
        hl -= (size_t)(c - hay) + 1;
        hay = c + 1;
    }
    return NULL;
}

/* Read one parameter "; name=value" of a header value at *s. The value is a
 * token or a quoted string (backslash escapes honoured), unquoted into
 * val[vsize]; *vlen is its full length (it may not have fit). Returns 1 with
 * *s moved past it, 0 at the end, -1 if malformed. */
static int next_param(span *s, span *name, char *val, size_t vsize, size_t *vlen)
{
    size_t i = 0, o = 0;
    while (i < s->len && is_ws(s->p[i]))
        i++;
    if (i == s->len)
        return 0;
    if (s->p[i++] != ';')
        return -1;
    while (i < s->len && is_ws(s->p[i]))
        i++;
    name->p = s->p + i;
    while (i < s->len && s->p[i] != '=' && s->p[i] != ';' && !is_ws(s->p[i]))
        i++;
    name->len = (size_t)(s->p + i - name->p);
    while (i < s->len && is_ws(s->p[i]))
        i++;
    if (!name->len || i == s->len || s->p[i] != '=')
        return -1;
    i++;
    while (i < s->len && is_ws(s->p[i]))
        i++;
    if (i < s->len && s->p[i] == '"') {
        for (i++;; i++) {
            if (i == s->len)
                return -1; /* unterminated */
            unsigned char c = s->p[i];
            if (c == '"')
                break;
            if (c == '\\') {
                if (++i == s->len)
                    return -1;
                c = s->p[i];
            }
            if (o + 1 < vsize)
                val[o] = (char)c;
            o++;
        }
        i++;
    } else {
        while (i < s->len && s->p[i] != ';' && !is_ws(s->p[i])) {
            if (o + 1 < vsize)
                val[o] = (char)s->p[i];
            o++;
            i++;
        }
    }
    val[o < vsize ? o : vsize - 1] = '\0';
    *vlen = o;
    s->p += i;
    s->len -= i;
    return 1;
}

/* Whether the `len` bytes at s hold a control character (HTAB allowed) or DEL. */
static int has_ctl(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F)
            return 1;
    return 0;
}

/* Keep only the last path component of a file name (old browsers sent the
 * whole path) and cut it to fit, at a UTF-8 character boundary. */
static void set_filename(form_part *part, const char *raw, size_t len)
{
    size_t start = len;
    while (start > 0 && raw[start - 1] != '/' && raw[start - 1] != '\\')
        start--;
    len -= start;
    if (len >= FORM_FILENAME_MAX) {
        len = FORM_FILENAME_MAX - 1;
        while (len > 0 && ((unsigned char)raw[start + len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(part->filename, raw + start, len);
    part->filename[len] = '\0';
}

/* Content-Disposition: form-data; name="..."; filename="..." */
static lx_status parse_disposition(span v, form_part *part, lx_error *e)
{
    char val[1024];
    span type = v, pname;
    size_t vlen, k = 0;
    int r, named = 0;
    while (k < v.len && v.p[k] != ';')
        k++;
    type.len = k;
    if (!span_ieq(trim(type), "form-data"))
        return lx_fail(e, LX_EINVAL, "body", "a part of the form is not form-data");
    v.p += k;
    v.len -= k;
    while ((r = next_param(&v, &pname, val, sizeof val, &vlen)) == 1) {
        int is_name = span_ieq(pname, "name"), is_file = span_ieq(pname, "filename");
        if (!is_name && !is_file)
            continue;
        if (vlen >= sizeof val || !utf8_valid(val, vlen) || has_ctl(val, vlen))
            return is_name
                       ? lx_fail(e, LX_EINVAL, "body", "a part of the form has a malformed name")
                       : lx_fail(e, LX_EINVAL, "body",
                                 "a part of the form has a malformed file name");
        if (is_name) {
            if (vlen == 0 || vlen >= FORM_NAME_MAX)
                return lx_fail(e, LX_EINVAL, "body", "a part of the form has a malformed name");
            memcpy(part->name, val, vlen + 1);
            named = 1;
        } else {
            set_filename(part, val, vlen);
            part->has_filename = 1;
        }
    }
    if (r < 0)
        return lx_fail(e, LX_EINVAL, "body", "a part of the form has a malformed Content-Disposition");
    if (!named)
        return lx_fail(e, LX_EINVAL, "body", "a part of the form has no name");
    return LX_OK;
}

/* The boundary parameter of a multipart/form-data content type, into b. */
static lx_status parse_content_type(const char *ct, char b[BOUNDARY_MAX + 1], size_t *blen,
                                    lx_error *e)
{
    static const char mt[] = "multipart/form-data";
    char val[BOUNDARY_MAX + 2];
    span s, pname;
    size_t vlen;
    int r, found = 0;
    if (!ct || strncasecmp(ct, mt, sizeof mt - 1) ||
        (ct[sizeof mt - 1] && ct[sizeof mt - 1] != ';' && !is_ws((unsigned char)ct[sizeof mt - 1])))
        return lx_fail(e, LX_EMEDIA, "Content-Type", "send the form as multipart/form-data");
    s.p = (const unsigned char *)ct + sizeof mt - 1;
    s.len = strlen(ct) - (sizeof mt - 1);
    while ((r = next_param(&s, &pname, val, sizeof val, &vlen)) == 1) {
        if (!span_ieq(pname, "boundary"))
            continue;
        if (found || vlen == 0 || vlen > BOUNDARY_MAX || has_ctl(val, vlen) ||
            val[vlen - 1] == ' ')
            return lx_fail(e, LX_EINVAL, "Content-Type", "the form's boundary is malformed");
        memcpy(b, val, vlen + 1);
        *blen = vlen;
        found = 1;
    }
    if (r < 0 || !found)
        return lx_fail(e, LX_EINVAL, "Content-Type",
                       r < 0 ? "the Content-Type is malformed" : "the form has no boundary");
    return LX_OK;
}

/* Read the header lines of a part starting at body[*pos], up to and past
 * the empty line. */
static lx_status parse_headers(const unsigned char *body, size_t n, size_t *pos, form_part *part,
                               lx_error *e)
{
    int disposition = 0;
    for (;;) {
        const unsigned char *eol = find(body + *pos, n - *pos, (const unsigned char *)"\r\n", 2);
        if (!eol)
            return lx_fail(e, LX_EINVAL, "body", "a part of the form is cut short");
        span line = {body + *pos, (size_t)(eol - (body + *pos))};
        *pos += line.len + 2;
        if (!line.len)
            break;
        const unsigned char *colon = memchr(line.p, ':', line.len);
        if (!colon || colon == line.p || is_ws(line.p[0]))
            return lx_fail(e, LX_EINVAL, "body", "a part of the form has a malformed header");
        span hname = {line.p, (size_t)(colon - line.p)};
        span v = trim((span){colon + 1, line.len - hname.len - 1});
        if (has_ctl((const char *)v.p, v.len))
            return lx_fail(e, LX_EINVAL, "body", "a part of the form has a malformed header");
        if (span_ieq(hname, "Content-Disposition")) {
            if (disposition++)
                return lx_fail(e, LX_EINVAL, "body", "a part of the form has two Content-Dispositions");
            lx_status rc = parse_disposition(v, part, e);
            if (rc)
                return rc;
        } else if (span_ieq(hname, "Content-Type")) {
            if (v.len >= FORM_CTYPE_MAX)
                return lx_fail(e, LX_EINVAL, "body", "a part of the form has a malformed header");
            memcpy(part->ctype, v.p, v.len);
            part->ctype[v.len] = '\0';
        }
    }
    if (!disposition)
        return lx_fail(e, LX_EINVAL, "body", "a part of the form has no Content-Disposition");
    return LX_OK;
}

lx_status multipart_parse(const char *content_type, const unsigned char *body, size_t n,
                          form_part *parts, size_t max_parts, size_t *nparts, lx_error *e)
{
    /* delim is CRLF "--" boundary; the first boundary may also open the body without CRLF. */
    unsigned char delim[4 + BOUNDARY_MAX + 1] = "\r\n--";
    size_t blen = 0, dlen, pos, count = 0;
    lx_status rc;
    *nparts = 0;
    rc = parse_content_type(content_type, (char *)delim + 4, &blen, e);
    if (rc)
        return rc;
    dlen = 4 + blen;
    if (!body)
        n = 0;
    if (n >= dlen - 2 && !memcmp(body, delim + 2, dlen - 2)) {
        pos = dlen - 2;
    } else {
        const unsigned char *d = n ? find(body, n, delim, dlen) : NULL;
        if (!d)
            return lx_fail(e, LX_EINVAL, "body", "the form has no boundary");
        pos = (size_t)(d - body) + dlen;
    }
    for (;;) {
        /* Just past a boundary: "--" closes the form; else padding, CRLF, a part. */
        if (n - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
            break;
        while (pos < n && is_ws(body[pos]))
            pos++;
        if (n - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
            return lx_fail(e, LX_EINVAL, "body",
                           pos >= n ? "the form ends without its closing boundary"
                                    : "the form has a malformed boundary line");
        pos += 2;
        if (count == max_parts)
            return lx_fail(e, LX_EINVAL, "body", "the form has more than %zu parts", max_parts);
        form_part *part = &parts[count];
        memset(part, 0, sizeof *part);
        rc = parse_headers(body, n, &pos, part, e);
        if (rc)
            return rc;
        /* The data of a part with no data ends at once: its CRLF is the delimiter's. */
        const unsigned char *d = pos >= 2 ? find(body + pos - 2, n - pos + 2, delim, dlen) : NULL;
        if (!d)
            return lx_fail(e, LX_EINVAL, "body", "the form ends without its closing boundary");
        part->data = body + pos;
        part->len = d < body + pos ? 0 : (size_t)(d - (body + pos));
        pos = (size_t)(d - body) + dlen;
        count++;
    }
    *nparts = count;
    return LX_OK;
}

const form_part *form_find(const form_part *parts, size_t n, const char *name, size_t *from)
{
    for (size_t i = *from; i < n; i++) {
        if (!strcmp(parts[i].name, name)) {
            *from = i + 1;
            return &parts[i];
        }
    }
    *from = n;
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode s[len] in place ('+' and %XX); NUL-terminate at s[result] (<= len).
 * Returns the decoded length, or (size_t)-1 if malformed. */
static size_t decode(char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (len - i < 3)
                return (size_t)-1;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return (size_t)-1;
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        s[o++] = c;
    }
    s[o] = '\0';
    return o;
}

lx_status urlencoded_parse(char *body, size_t n, form_field *fields, size_t max, size_t *nfields)
{
    size_t count = 0, i = 0;
    *nfields = 0;
    if (!body)
        return n ? LX_EINVAL : LX_OK;
    while (i < n) {
        size_t end = i;
        while (end < n && body[end] != '&')
            end++;
        if (end == i) { /* an empty pair */
            i++;
            continue;
        }
        size_t eq = i;
        while (eq < end && body[eq] != '=')
            eq++;
        if (eq == i || count == max)
            return LX_EINVAL; /* no name, or too many fields */
        char *name = body + i, *value = eq < end ? body + eq + 1 : body + end;
        size_t vraw = eq < end ? end - eq - 1 : 0;
        size_t nl = decode(name, eq - i);
        size_t vl = decode(value, vraw); /* writes its NUL at body[end] at most */
        if (nl == (size_t)-1 || vl == (size_t)-1 || !nl || !utf8_valid(name, nl) ||
            !utf8_valid(value, vl))
            return LX_EINVAL;
        fields[count].name = name;
        fields[count].value = value;
        fields[count].value_len = vl;
        count++;
        i = end + 1;
    }
    *nfields = count;
    return LX_OK;
}

const char *form_value(const form_field *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(fields[i].name, name))
            return fields[i].value;
    return NULL;
}
