/* table.c -- read a ledger (CSV in UTF-8 or GB18030, or XLSX) into rows of UTF-8 cells. */
#include "io/table.h"
#include "util/handoff.h"
#include "util/msgcat.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <csv.h>
#include <errno.h>
#include <expat.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#define TABLE_MAX_COLS 16384u            /* Excel's column limit (XFD); also our CSV limit */
#define XLSX_MAX_ROWS 1048576u           /* Excel's row limit */
#define XLSX_MAX_XML ((size_t)256 << 20) /* XML we agree to inflate, all parts together */
#define XLSX_CHUNK (256 * 1024)          /* bytes handed to expat at a time */
#define INFLATE_BUFS 4                   /* chunks the inflating thread may run ahead */
#define INFLATE_THREAD_MIN (1u << 20)    /* parts smaller than this inflate inline */

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An English catalog format, made in the thread's language (util/msgcat.h). */
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    lx_vmsgf(err, errlen, fmt, ap);
    va_end(ap);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* ---- One row being assembled, shared by the CSV and XLSX readers ---- */

/* Where one stored cell lives. */
struct cellref {
    size_t col; /* 0-based column */
    size_t off; /* start of its NUL-terminated text in row.text */
};

/* Cell texts go back to back into one buffer that is reused from row to row,
 * so reading a file costs a handful of allocations, not one per cell. */
typedef struct row {
    char *text;          /* cell texts, each NUL-terminated */
    size_t len;          /* bytes used in text */
    size_t alloc;        /* bytes allocated for text */
    struct cellref *ref; /* the cells stored so far, in arrival order */
    size_t n;            /* cells stored */
    size_t cap;          /* cellrefs allocated */
    size_t ncols;        /* highest column stored + 1 */
    int nonempty;        /* some stored cell has text after trimming */
    size_t open;         /* offset in text where the cell being built starts */
    const char **cells;  /* the array handed to the callback */
    size_t ccap;         /* pointers allocated in cells */
} row;

static void row_release(row *r)
{
    free(r->text);
    free(r->ref);
    free(r->cells);
    memset(r, 0, sizeof *r);
}

static void row_reset(row *r)
{
    r->len = 0;
    r->n = 0;
    r->ncols = 0;
    r->nonempty = 0;
    r->open = 0;
}

static void row_append(row *r, const char *s, size_t n)
{
    if (r->len + n + 1 > r->alloc) {
        size_t want = r->alloc ? r->alloc * 2 : 4096;
        while (want < r->len + n + 1)
            want *= 2;
        r->text = xrealloc(r->text, want);
        r->alloc = want;
    }
    memcpy(r->text + r->len, s, n);
    r->len += n;
}

/* Start a cell: text appended from now on belongs to it. */
static void row_begin(row *r)
{
    r->open = r->len;
}

/* Drop the text of the cell being built (to replace it). */
static void row_discard(row *r)
{
    r->len = r->open;
}

/* Finish the cell being built as column `col`: trim it and store it. */
static void row_end(row *r, size_t col)
{
    size_t s = r->open, e = r->len;
    while (s < e && is_space((unsigned char)r->text[s]))
        s++;
    while (e > s && is_space((unsigned char)r->text[e - 1]))
        e--;
    r->len = e;
    row_append(r, "", 1);
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->ref = xrealloc(r->ref, r->cap * sizeof *r->ref);
    }
    r->ref[r->n].col = col;
    r->ref[r->n].off = s;
    r->n++;
    if (col + 1 > r->ncols)
        r->ncols = col + 1;
    if (e > s)
        r->nonempty = 1;
}

/* Hand the row to fn if it has any text, then empty it; returns fn's verdict. */
static int row_emit(row *r, table_row_fn fn, void *ctx, size_t line)
{
    int stop = 0;
    if (r->nonempty) {
        if (r->ncols > r->ccap) {
            r->ccap = r->ncols > 64 ? r->ncols : 64;
            r->cells = xrealloc(r->cells, r->ccap * sizeof *r->cells);
        }
        for (size_t i = 0; i < r->ncols; i++)
            r->cells[i] = "";
        for (size_t i = 0; i < r->n; i++)
            r->cells[r->ref[i].col] = r->text + r->ref[i].off;
        stop = fn(ctx, line, r->cells, r->ncols);
    }
    row_reset(r);
    return stop;
}

/* ---- Character sets ---- */

/* Length of the longest prefix of s that is well-formed UTF-8 (no overlong
 * forms, surrogates or code points past U+10FFFF); n when all of it is. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return i;
        }
        if (n - i <= need)
            return i;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        i += need + 1;
    }
    return n;
}

/* 1-based line of byte offset `pos` (lines end at '\n'). */
static size_t line_of(const char *s, size_t pos)
{
    size_t line = 1;
    const char *p = s, *end = s + pos;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        line++;
        p++;
    }
    return line;
}

/* Decode GB18030 `in` into freshly allocated UTF-8 *out (the caller frees).
 * On a bad or truncated sequence returns LX_EINVAL with its offset in *bad. */
static lx_status gb18030_to_utf8(const char *in, size_t len, char **out, size_t *outlen,
                                 size_t *bad)
{
    lx_status rc = LX_OK;
    size_t cap = len + len / 2 + 16; /* 2 GB18030 bytes become at most 3 of UTF-8 */
    char *buf = xmalloc(cap);
    char *ip = (char *)in, *op = buf;
    size_t il = len, ol = cap;
    iconv_t cd = iconv_open("UTF-8", "GB18030");

    if (cd == (iconv_t)-1) {
        rc = LX_EIO;
        goto out;
    }
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(op - buf);
            cap *= 2;
            buf = xrealloc(buf, cap);
            op = buf + used;
            ol = cap - used;
            continue;
        }
        *bad = (size_t)(ip - in); /* EILSEQ, or EINVAL: cut off at the end */
        rc = LX_EINVAL;
        goto out;
    }
    *outlen = (size_t)(op - buf);
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    if (rc) {
        free(buf);
        buf = NULL;
    }
    *out = buf;
    return rc;
}

/* ---- CSV ---- */

/* libcsv is fed one physical line at a time so that the reader knows which
 * line a record starts on even when a quoted field spans lines. */
typedef struct csv_reader {
    row r;           /* the record being assembled */
    table_row_fn fn; /* the caller's callback */
    void *ctx;       /* its context */
    size_t line;     /* physical line being fed to libcsv */
    size_t rec_line; /* line where the current record began; 0 between records */
    int stop;        /* the callback asked to stop */
    lx_status rc;    /* an error found inside a libcsv callback */
    char *err;       /* the caller's message buffer */
    size_t errlen;   /* its size */
} csv_reader;

static void csv_on_field(void *s, size_t len, void *data)
{
    csv_reader *c = data;
    if (c->stop || c->rc)
        return;
    if (!c->rec_line)
        c->rec_line = c->line;
    if (c->r.n >= TABLE_MAX_COLS) {
        c->rc = LX_EINVAL;
        seterr(c->err, c->errlen, "more than %u cells in the row at line %zu", TABLE_MAX_COLS,
               c->rec_line);
        return;
    }
    row_begin(&c->r);
    if (s)
        row_append(&c->r, s, len);
    row_end(&c->r, c->r.n);
}

static void csv_on_record(int term, void *data)
{
    csv_reader *c = data;
    (void)term;
    if (c->stop || c->rc)
        return;
    if (!c->rec_line)
        c->rec_line = c->line;
    if (row_emit(&c->r, c->fn, c->ctx, c->rec_line))
        c->stop = 1;
    c->rec_line = 0;
}

/* Non-zero if [p, end) holds only spaces, tabs and line ends: libcsv starts
 * no record on such a line. */
static int blank_line(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p == end;
}

static lx_status csv_read(const char *text, size_t len, table_row_fn fn, void *ctx, char *err,
                          size_t errlen)
{
    struct csv_parser p;
    csv_reader c = {.fn = fn, .ctx = ctx, .line = 1, .err = err, .errlen = errlen};
    const char *s = text, *end = text + len;
    lx_status rc = LX_OK;

    if (csv_init(&p, CSV_APPEND_NULL) != 0) { /* csv_free is still safe */
        seterr(err, errlen, "csv: out of memory");
        rc = LX_EIO;
        goto out;
    }
    while (s < end && !c.stop && !c.rc) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *next = nl ? nl + 1 : end;
        size_t n = (size_t)(next - s);
        if (!c.rec_line && !blank_line(s, next))
            c.rec_line = c.line;
        if (csv_parse(&p, s, n, csv_on_field, csv_on_record, &c) != n) {
            seterr(err, errlen, "csv: %s at line %zu", csv_strerror(csv_error(&p)), c.line);
            rc = LX_ETOOBIG;
            goto out;
        }
        s = next;
        if (nl && s < end)
            c.line++;
    }
    if (!c.stop && !c.rc)
        csv_fini(&p, csv_on_field, csv_on_record, &c);
    rc = c.rc;
out:
    csv_free(&p);
    row_release(&c.r);
    return rc;
}

/* ---- XLSX ---- */

/* The archive and what all of its parts share. Every parse state below starts
 * with an `xlsx *` so that the common handlers can find it. */
typedef struct xlsx {
    zip_t *za;        /* the archive, read from the caller's buffer */
    size_t inflated;  /* XML bytes inflated so far, all parts together */
    XML_Parser xp;    /* parser of the part being read */
    const char *part; /* its name, for messages */
    lx_status rc;     /* first error found inside a handler */
    int stop;         /* the row callback asked to stop */
    char *err;        /* the caller's message buffer */
    size_t errlen;    /* its size */
} xlsx;

static void xlsx_fail(xlsx *x, lx_status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first error and abort the parse under way. */
static void xlsx_fail(xlsx *x, lx_status rc, const char *fmt, ...)
{
    va_list ap;
    if (x->rc)
        return;
    x->rc = rc;
    if (x->err && x->errlen) {
        va_start(ap, fmt);
        lx_vmsgf(x->err, x->errlen, fmt, ap);
        va_end(ap);
    }
    XML_StopParser(x->xp, XML_FALSE);
}

/* The name without its namespace prefix ("x:row" -> "row"). */
static const char *local_name(const XML_Char *name)
{
    /* names are short, mostly unprefixed: a plain loop beats strchr here */
    for (const char *p = name; *p; p++)
        if (*p == ':')
            return p + 1;
    return name;
}

/* The value of the unprefixed attribute `name`, or NULL. */
static const char *attr(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (!strcmp(atts[i], name))
            return atts[i + 1];
    return NULL;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    xlsx *x = *(xlsx **)ud;
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    xlsx_fail(x, LX_EINVAL, "xlsx: %s declares a DTD", x->part);
}

/* Inflates one part for the parser. A big part is inflated on a second
 * thread, a few chunks ahead, so that zlib and expat run side by side; a
 * small one (or when no thread can be had) is inflated inline. */
typedef struct inflater {
    zip_file_t *zf;                /* the part; touched only by the inflating side */
    char *buf[INFLATE_BUFS];       /* chunks of XLSX_CHUNK bytes */
    zip_int64_t len[INFLATE_BUFS]; /* bytes in each full chunk */
    handoff ring;                  /* made: chunks inflated; used: finished with by the parser */
    int failed;                    /* zip_fread failed (damaged part); set before the end */
    int threaded;                  /* a thread inflates */
    pthread_t th;                  /* that thread */
} inflater;

static void *inflater_main(void *arg)
{
    inflater *f = arg;
    while (handoff_wait_room(&f->ring, 1)) {
        size_t slot = f->ring.made % INFLATE_BUFS;
        zip_int64_t n = zip_fread(f->zf, f->buf[slot], XLSX_CHUNK);
        if (n <= 0) {
            f->failed = n < 0;
            break;
        }
        f->len[slot] = n;
        handoff_put(&f->ring);
    }
    handoff_finish(&f->ring);
    return NULL;
}

/* Prepare to inflate zf, whose declared size is `size`. */
static void inflater_start(inflater *f, zip_file_t *zf, zip_uint64_t size)
{
    memset(f, 0, sizeof *f);
    f->zf = zf;
    f->buf[0] = xmalloc(XLSX_CHUNK);
    if (size < INFLATE_THREAD_MIN)
        return;
    for (size_t i = 1; i < INFLATE_BUFS; i++)
        f->buf[i] = xmalloc(XLSX_CHUNK);
    handoff_init(&f->ring, INFLATE_BUFS);
    f->threaded = pthread_create(&f->th, NULL, inflater_main, f) == 0;
    if (!f->threaded)
        handoff_destroy(&f->ring);
}

/* The next chunk in *p: returns its length, 0 at the end, -1 if the part is
 * damaged. The chunk stays valid until inflater_release. */
static zip_int64_t inflater_next(inflater *f, const char **p)
{
    if (!f->threaded) {
        *p = f->buf[0];
        return zip_fread(f->zf, f->buf[0], XLSX_CHUNK);
    }
    if (!handoff_wait_ready(&f->ring, 1))
        return f->failed ? -1 : 0;
    size_t slot = f->ring.used % INFLATE_BUFS;
    *p = f->buf[slot];
    return f->len[slot];
}

/* Hand back the chunk from inflater_next. */
static void inflater_release(inflater *f)
{
    if (f->threaded)
        handoff_take(&f->ring);
}

/* Stop the inflating side and free the chunks; zf stays open. */
static void inflater_stop(inflater *f)
{
    if (f->threaded) {
        handoff_stop(&f->ring);
        pthread_join(f->th, NULL);
        handoff_destroy(&f->ring);
    }
    for (size_t i = 0; i < INFLATE_BUFS; i++)
        free(f->buf[i]);
    memset(f, 0, sizeof *f);
}

/* Stream the part `name` through expat with the given handlers; ud must start
 * with an `xlsx *`. *found says whether the part exists (a missing part is
 * not an error here). */
static lx_status xlsx_parse(xlsx *x, const char *name, void *ud, XML_StartElementHandler start,
                            XML_EndElementHandler end, XML_CharacterDataHandler text, int *found)
{
    lx_status rc = LX_OK;
    zip_file_t *zf = NULL;
    zip_stat_t st;
    inflater inf;
    int inflating = 0;
    zip_int64_t idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);

    *found = 0;
    x->xp = NULL;
    x->part = name;
    if (idx < 0)
        goto out;
    *found = 1;
    zip_stat_init(&st);
    if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        st.size = 0;
    if (st.size > XLSX_MAX_XML - x->inflated) {
        seterr(x->err, x->errlen, "xlsx: %s inflates past %zu MiB", name, XLSX_MAX_XML >> 20);
        rc = LX_ETOOBIG;
        goto out;
    }
    zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
    if (!zf) {
        seterr(x->err, x->errlen, "xlsx: cannot read %s: %s", name, zip_strerror(x->za));
        rc = LX_EINVAL;
        goto out;
    }
    x->xp = XML_ParserCreate(NULL);
    if (!x->xp) {
        seterr(x->err, x->errlen, "xlsx: out of memory");
        rc = LX_EIO;
        goto out;
    }
    XML_SetUserData(x->xp, ud);
    XML_SetElementHandler(x->xp, start, end);
    if (text)
        XML_SetCharacterDataHandler(x->xp, text);
    XML_SetStartDoctypeDeclHandler(x->xp, on_doctype);
    inflater_start(&inf, zf, st.size);
    inflating = 1;
    for (;;) {
        const char *buf = NULL;
        zip_int64_t n = inflater_next(&inf, &buf);
        enum XML_Status ok;
        if (n < 0) {
            seterr(x->err, x->errlen, "xlsx: damaged archive (%s)", name);
            rc = LX_EINVAL;
            goto out;
        }
        if ((size_t)n > XLSX_MAX_XML - x->inflated) {
            seterr(x->err, x->errlen, "xlsx: %s inflates past %zu MiB", name, XLSX_MAX_XML >> 20);
            rc = LX_ETOOBIG;
            goto out;
        }
        x->inflated += (size_t)n;
        ok = XML_Parse(x->xp, n ? buf : "", (int)n, n == 0);
        inflater_release(&inf);
        if (ok != XML_STATUS_OK) {
            if (x->rc) {
                rc = x->rc;
            } else if (!x->stop) {
                seterr(x->err, x->errlen, "xlsx: bad XML in %s at line %lu: %s", name,
                       (unsigned long)XML_GetCurrentLineNumber(x->xp),
                       XML_ErrorString(XML_GetErrorCode(x->xp)));
                rc = LX_EINVAL;
            }
            goto out;
        }
        if (n == 0 || x->stop)
            break;
    }
out:
    if (inflating)
        inflater_stop(&inf);
    if (x->xp)
        XML_ParserFree(x->xp);
    x->xp = NULL;
    if (zf)
        zip_fclose(zf);
    return rc;
}

/* Decode Excel's _xHHHH_ escapes (ST_Xstring) in place; returns the new length. */
static size_t xstring_decode(char *s, size_t n)
{
    char *r = memchr(s, '_', n), *w, *end = s + n;
    if (!r)
        return n;
    w = r;
    while (r < end) {
        unsigned cp = 0;
        int ok = *r == '_' && end - r >= 7 && r[1] == 'x' && r[6] == '_';
        for (int i = 2; ok && i < 6; i++) {
            char c = r[i];
            unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                : 16u;
            ok = d < 16;
            cp = cp * 16 + d;
        }
        if (!ok || (cp >= 0xD800 && cp <= 0xDFFF)) {
            *w++ = *r++;
            continue;
        }
        r += 7;
        if (cp == 0)
            continue;
        if (cp < 0x80) {
            *w++ = (char)cp;
        } else if (cp < 0x800) {
            *w++ = (char)(0xC0 | (cp >> 6));
            *w++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *w++ = (char)(0xE0 | (cp >> 12));
            *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *w++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    return (size_t)(w - s);
}

/* Resolve a relationship target against the folder "xl/" into out
 * ("worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml", "/xl/a.xml" ->
 * "xl/a.xml", "../b.xml" -> "b.xml"). */
static void resolve_target(const char *target, strbuf *out)
{
    const char *p = target;
    size_t len = 0;
    char *res = xmalloc(strlen(target) + 4);

    if (*p == '/')
        p++;
    else
        len = (size_t)snprintf(res, 4, "xl/");
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && !memcmp(p, "..", 2)) {
            if (len) /* drop the last folder: "xl/" -> "" */
                len--;
            while (len && res[len - 1] != '/')
                len--;
        } else if (n && !(n == 1 && *p == '.')) {
            memcpy(res + len, p, n);
            len += n;
            if (slash)
                res[len++] = '/';
        }
        p += n + (slash ? 1 : 0);
    }
    strbuf_reset(out);
    strbuf_add(out, res, len);
    free(res);
}

/* xl/workbook.xml: the relationship ids of the sheets, in workbook order. */
typedef struct wb_state {
    xlsx *x;      /* must be first */
    strbuf rids;  /* the r:id of each <sheet>, NUL-separated */
    size_t nrids; /* how many */
} wb_state;

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    wb_state *w = ud;
    if (strcmp(local_name(name), "sheet"))
        return;
    for (size_t i = 0; atts[i]; i += 2) {
        /* r:id, whatever the prefix of the relationships namespace */
        if (strchr(atts[i], ':') && !strcmp(local_name(atts[i]), "id")) {
            strbuf_add(&w->rids, atts[i + 1], strlen(atts[i + 1]) + 1);
            w->nrids++;
            return;
        }
    }
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

/* xl/_rels/workbook.xml.rels: the first worksheet and the shared strings. */
typedef struct rels_state {
    xlsx *x;            /* must be first */
    const wb_state *wb; /* the sheets in workbook order */
    size_t best;        /* workbook position of the worksheet found so far */
    strbuf sheet;       /* its target, resolved */
    strbuf sst;         /* the shared strings part, resolved */
} rels_state;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    rels_state *r = ud;
    const char *id, *type, *target, *mode;
    if (strcmp(local_name(name), "Relationship"))
        return;
    id = attr(atts, "Id");
    type = attr(atts, "Type");
    target = attr(atts, "Target");
    mode = attr(atts, "TargetMode");
    if (!id || !type || !target || (mode && !strcmp(mode, "External")))
        return;
    if (ends_with(type, "/sharedStrings")) {
        if (!*strbuf_str(&r->sst))
            resolve_target(target, &r->sst);
    } else if (ends_with(type, "/worksheet")) {
        const char *p = strbuf_str(&r->wb->rids);
        for (size_t i = 0; i < r->wb->nrids && i < r->best; i++, p += strlen(p) + 1) {
            if (!strcmp(p, id)) {
                r->best = i;
                resolve_target(target, &r->sheet);
                break;
            }
        }
    }
}

/* The shared string table: all strings back to back, NUL-terminated. */
typedef struct sst {
    char *text;    /* the strings */
    size_t len;    /* bytes used */
    size_t alloc;  /* bytes allocated */
    uint32_t *off; /* start of string i in text (text stays under 4 GiB: XML cap) */
    size_t n;      /* strings */
    size_t cap;    /* offsets allocated */
} sst;

static void sst_release(sst *s)
{
    free(s->text);
    free(s->off);
}

/* Length of string i, without its NUL. */
static size_t sst_len(const sst *s, size_t i)
{
    size_t end = i + 1 < s->n ? s->off[i + 1] : s->len;
    return end - s->off[i] - 1;
}

static void sst_append(sst *s, const char *p, size_t n)
{
    if (s->len + n + 1 > s->alloc) {
        size_t want = s->alloc ? s->alloc * 2 : 65536;
        while (want < s->len + n + 1)
            want *= 2;
        s->text = xrealloc(s->text, want);
        s->alloc = want;
    }
    memcpy(s->text + s->len, p, n);
    s->len += n;
}

/* xl/sharedStrings.xml */
typedef struct sst_state {
    xlsx *x;     /* must be first */
    sst *s;      /* the table being filled */
    int in_si;   /* inside <si> */
    int in_t;    /* inside a <t> of that string */
    int rph;     /* depth of <rPh> (phonetic runs, not part of the text) */
    size_t open; /* where the current string starts in s->text */
} sst_state;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sst_state *t = ud;
    const char *l = local_name(name);
    (void)atts;
    if (!strcmp(l, "si")) {
        t->in_si = 1;
        t->rph = 0;
        t->open = t->s->len;
    } else if (!strcmp(l, "t")) {
        t->in_t = t->in_si && !t->rph;
    } else if (!strcmp(l, "rPh")) {
        t->rph++;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    sst_state *t = ud;
    sst *s = t->s;
    const char *l = local_name(name);
    if (!strcmp(l, "t")) {
        t->in_t = 0;
    } else if (!strcmp(l, "rPh")) {
        if (t->rph)
            t->rph--;
    } else if (!strcmp(l, "si") && t->in_si) {
        t->in_si = 0;
        if (s->len > t->open)
            s->len = t->open + xstring_decode(s->text + t->open, s->len - t->open);
        sst_append(s, "", 1);
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 1024;
            s->off = xrealloc(s->off, s->cap * sizeof *s->off);
        }
        s->off[s->n++] = (uint32_t)t->open;
    }
}

static void XMLCALL sst_text(void *ud, const XML_Char *p, int n)
{
    sst_state *t = ud;
    if (t->in_t)
        sst_append(t->s, p, (size_t)n);
}

/* The worksheet. */
typedef struct sheet_state {
    xlsx *x;         /* must be first */
    const sst *s;    /* shared strings */
    row r;           /* the row being assembled */
    table_row_fn fn; /* the caller's callback */
    void *ctx;       /* its context */
    size_t rownum;   /* r= of the current (or last) row */
    size_t nrows;    /* <row> elements seen */
    int in_row;      /* inside <row> */
    int in_cell;     /* inside <c> */
    int in_v;        /* inside <v> of that cell */
    int in_is;       /* inside <is> (inline string) */
    int in_t;        /* inside a <t> of the inline string */
    int rph;         /* depth of <rPh> in the inline string */
    size_t col;      /* column of the current cell, 0-based */
    size_t next_col; /* column of a cell without r= */
    char type;       /* s shared, i inline, S formula string, b boolean, n other */
} sheet_state;

/* Parse a decimal row number; 0 when malformed, SIZE_MAX when past the limit. */
static size_t parse_rownum(const char *p)
{
    size_t v = 0;
    if (!*p)
        return 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (size_t)(*p - '0');
        if (v > XLSX_MAX_ROWS)
            return SIZE_MAX;
    }
    return v;
}

/* Column of a reference like "AB12" (0-based); SIZE_MAX when malformed. */
static size_t parse_col(const char *p)
{
    size_t v = 0;
    const char *q = p;
    for (; (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'); q++) {
        v = v * 26 + (size_t)((*q | 0x20) - 'a' + 1);
        if (v > TABLE_MAX_COLS)
            return SIZE_MAX;
    }
    if (q == p)
        return SIZE_MAX;
    for (; *q; q++)
        if (*q < '0' || *q > '9')
            return SIZE_MAX;
    return v - 1;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sheet_state *h = ud;
    const char *l = local_name(name), *v;
    if (h->x->rc || h->x->stop)
        return;
    switch (l[0]) {
    case 'c':
        if (l[1] || !h->in_row)
            return;
        if (h->r.n >= TABLE_MAX_COLS) {
            xlsx_fail(h->x, LX_EINVAL, "xlsx: more than %u cells in row %zu", TABLE_MAX_COLS,
                      h->rownum);
            return;
        }
        v = NULL;
        h->type = 'n';
        for (size_t i = 0; atts[i]; i += 2) {
            const char *a = atts[i], *t = atts[i + 1];
            if (a[0] == 'r' && !a[1])
                v = t;
            else if (a[0] == 't' && !a[1])
                h->type = !strcmp(t, "s")           ? 's'
                          : !strcmp(t, "inlineStr") ? 'i'
                          : !strcmp(t, "str")       ? 'S'
                          : !strcmp(t, "b")         ? 'b'
                                                    : 'n';
        }
        h->col = v ? parse_col(v) : h->next_col;
        if (h->col >= TABLE_MAX_COLS) {
            xlsx_fail(h->x, LX_EINVAL, "xlsx: bad cell reference \"%.20s\" in row %zu", v ? v : "",
                      h->rownum);
            return;
        }
        h->in_cell = 1;
        h->in_v = h->in_is = h->in_t = h->rph = 0;
        row_begin(&h->r);
        return;
    case 'v':
        if (!l[1] && h->in_cell)
            h->in_v = 1;
        return;
    case 'i':
        if (!strcmp(l, "is") && h->in_cell)
            h->in_is = 1;
        return;
    case 't':
        if (!l[1] && h->in_is && !h->rph)
            h->in_t = 1;
        return;
    case 'r':
        if (!strcmp(l, "rPh")) {
            h->rph++;
        } else if (!strcmp(l, "row")) {
            v = attr(atts, "r");
            if (++h->nrows > XLSX_MAX_ROWS) {
                xlsx_fail(h->x, LX_ETOOBIG, "xlsx: more than %u rows", XLSX_MAX_ROWS);
                return;
            }
            h->rownum = v ? parse_rownum(v) : h->rownum + 1;
            if (h->rownum == SIZE_MAX || h->rownum > XLSX_MAX_ROWS) {
                xlsx_fail(h->x, LX_ETOOBIG, "xlsx: more than %u rows", XLSX_MAX_ROWS);
                return;
            }
            if (!h->rownum) {
                xlsx_fail(h->x, LX_EINVAL, "xlsx: bad row number \"%.20s\"", v);
                return;
            }
            row_reset(&h->r);
            h->in_row = 1;
            h->in_cell = 0;
            h->next_col = 0;
        }
        return;
    default:
        return;
    }
}

/* Turn the raw text of the finished cell into what the caller sees. */
static void sheet_finish_cell(sheet_state *h)
{
    row *r = &h->r;
    size_t n = r->len - r->open;
    char *p = r->text ? r->text + r->open : NULL;

    if (h->type == 's') {
        size_t idx = 0, i = 0;
        while (i < n && is_space((unsigned char)p[i]))
            i++;
        if (i == n)
            idx = SIZE_MAX;
        for (; i < n && p[i] >= '0' && p[i] <= '9' && idx < h->s->n; i++)
            idx = idx * 10 + (size_t)(p[i] - '0');
        while (i < n && is_space((unsigned char)p[i]))
            i++;
        if (i != n || idx >= h->s->n) {
            xlsx_fail(h->x, LX_EINVAL, "xlsx: bad shared string index in row %zu", h->rownum);
            return;
        }
        row_discard(r);
        row_append(r, h->s->text + h->s->off[idx], sst_len(h->s, idx));
    } else if (h->type == 'b') {
        if (n == 1 && (p[0] == '0' || p[0] == '1')) {
            row_discard(r);
            row_append(r, p[0] == '1' ? "TRUE" : "FALSE", p[0] == '1' ? 4 : 5);
        }
    } else if (h->type == 'i' || h->type == 'S') {
        if (n)
            r->len = r->open + xstring_decode(p, n);
    }
    row_end(r, h->col);
    h->next_col = h->col + 1;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    sheet_state *h = ud;
    const char *l = local_name(name);
    if (h->x->rc || h->x->stop)
        return;
    switch (l[0]) {
    case 'c':
        if (!l[1] && h->in_cell) {
            h->in_cell = 0;
            sheet_finish_cell(h);
        }
        return;
    case 'v':
        if (!l[1])
            h->in_v = 0;
        return;
    case 'i':
        if (!strcmp(l, "is"))
            h->in_is = 0;
        return;
    case 't':
        if (!l[1])
            h->in_t = 0;
        return;
    case 'r':
        if (!strcmp(l, "rPh")) {
            if (h->rph)
                h->rph--;
        } else if (!strcmp(l, "row") && h->in_row) {
            h->in_row = 0;
            h->in_cell = 0;
            if (row_emit(&h->r, h->fn, h->ctx, h->rownum)) {
                h->x->stop = 1;
                XML_StopParser(h->x->xp, XML_FALSE);
            }
        }
        return;
    default:
        return;
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *p, int n)
{
    sheet_state *h = ud;
    if (h->in_cell && ((h->in_v && h->type != 'i') || h->in_t))
        row_append(&h->r, p, (size_t)n);
}

static lx_status xlsx_read(const void *data, size_t len, table_row_fn fn, void *ctx, char *err,
                           size_t errlen)
{
    lx_status rc = LX_OK;
    zip_error_t zerr;
    zip_source_t *src;
    xlsx x = {.err = err, .errlen = errlen};
    wb_state wb = {.x = &x, .rids = STRBUF_INIT};
    rels_state rels = {
        .x = &x, .wb = &wb, .best = SIZE_MAX, .sheet = STRBUF_INIT, .sst = STRBUF_INIT};
    sst strings = {0};
    sst_state sst_st = {.x = &x, .s = &strings};
    sheet_state sheet = {.x = &x, .s = &strings, .fn = fn, .ctx = ctx};
    int found = 0;

    zip_error_init(&zerr);
    src = zip_source_buffer_create(data, len, 0, &zerr);
    if (!src) {
        seterr(err, errlen, "xlsx: %s", zip_error_strerror(&zerr));
        rc = LX_EIO;
        goto out;
    }
    x.za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    if (!x.za) {
        zip_source_free(src);
        seterr(err, errlen, "xlsx: damaged or not a zip archive (%s)", zip_error_strerror(&zerr));
        rc = LX_EINVAL;
        goto out;
    }
    rc = xlsx_parse(&x, "xl/workbook.xml", &wb, wb_start, no_end, NULL, &found);
    if (rc)
        goto out;
    if (!found) {
        seterr(err, errlen, "xlsx: no workbook (xl/workbook.xml)");
        rc = LX_EINVAL;
        goto out;
    }
    rc = xlsx_parse(&x, "xl/_rels/workbook.xml.rels", &rels, rels_start, no_end, NULL, &found);
    if (rc)
        goto out;
    if (!*strbuf_str(&rels.sheet)) {
        seterr(err, errlen, "xlsx: no worksheet");
        rc = LX_EINVAL;
        goto out;
    }
    if (*strbuf_str(&rels.sst)) {
        rc = xlsx_parse(&x, strbuf_str(&rels.sst), &sst_st, sst_start, sst_end, sst_text, &found);
        if (rc)
            goto out;
    }
    rc =
        xlsx_parse(&x, strbuf_str(&rels.sheet), &sheet, sheet_start, sheet_end, sheet_text, &found);
    if (rc)
        goto out;
    if (!found) {
        seterr(err, errlen, "xlsx: no worksheet (%s missing)", strbuf_str(&rels.sheet));
        rc = LX_EINVAL;
    }
out:
    if (x.za)
        zip_discard(x.za);
    strbuf_release(&wb.rids);
    strbuf_release(&rels.sheet);
    strbuf_release(&rels.sst);
    sst_release(&strings);
    row_release(&sheet.r);
    return rc;
}

/* ---- Entry point ---- */

lx_status table_read(const void *data, size_t len, table_row_fn fn, void *ctx, table_format *fmt,
                     char *err, size_t errlen)
{
    const unsigned char *b = data ? data : (const void *)"";
    const char *text = (const char *)b;
    char *decoded = NULL;
    size_t n, bad = 0;
    int bom = 0;
    lx_status rc = LX_OK;

    if (!data) /* NULL with no bytes reads as an empty file */
        len = 0;
    n = len;
    if (len >= 4 && !memcmp(b, "PK\x03\x04", 4)) {
        if (fmt)
            *fmt = TABLE_XLSX;
        rc = xlsx_read(b, len, fn, ctx, err, errlen);
        goto out;
    }
    if (fmt)
        *fmt = TABLE_CSV_UTF8;
    if (len >= 4 && !memcmp(b, "\xD0\xCF\x11\xE0", 4)) {
        seterr(err, errlen, "old .xls or encrypted workbook: save it as .xlsx or CSV");
        rc = LX_EINVAL;
        goto out;
    }
    if (len >= 2 && (!memcmp(b, "\xFF\xFE", 2) || !memcmp(b, "\xFE\xFF", 2))) {
        seterr(err, errlen, "UTF-16 text is not supported: save it as CSV");
        rc = LX_EINVAL;
        goto out;
    }
    if (len && memchr(b, '\0', len)) {
        seterr(err, errlen, "file is not valid CSV or XLSX");
        rc = LX_EINVAL;
        goto out;
    }
    if (len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) {
        bom = 1;
        text += 3;
        n -= 3;
    }
    bad = utf8_valid_prefix((const unsigned char *)text, n);
    if (bad < n && bom) {
        seterr(err, errlen, "bad UTF-8 byte sequence at line %zu", line_of(text, bad));
        rc = LX_EINVAL;
        goto out;
    }
    if (bad < n) {
        if (fmt)
            *fmt = TABLE_CSV_GB18030;
        rc = gb18030_to_utf8(text, n, &decoded, &n, &bad);
        if (rc == LX_EINVAL)
            seterr(err, errlen, "bad GB18030 byte sequence at line %zu", line_of(text, bad));
        else if (rc)
            seterr(err, errlen, "iconv: GB18030 is not available");
        if (rc)
            goto out;
        text = decoded;
    }
    rc = csv_read(text, n, fn, ctx, err, errlen);
out:
    free(decoded);
    return rc;
}
