/* xlsx_out.c -- write a list to .xlsx with libxlsxwriter in constant-memory mode. */
#include "io/xlsx_out.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

#define CELL_MAX_CHARS 32767 /* Excel's limit on the text of one cell */
#define WIDTH_MIN 8.43       /* Excel's default column width */
#define WIDTH_MAX 60.0       /* a wider column is harder to read than a wrapped one */

struct xlsx_out {
    lxw_workbook *wb;  /* the workbook; freed by workbook_close */
    lxw_worksheet *ws; /* its one sheet, owned by wb */
    lxw_format *bold;  /* format of header cells, owned by wb */
    char *tmpdir;      /* folder for libxlsxwriter's temporary files */
    lxw_row_t row;     /* the next row to write */
    double *width;     /* widest cell seen in each column, in character units */
    size_t nwidth;     /* columns in width */
    strbuf neut;       /* scratch: the neutralised text of one cell */
    strbuf cell;       /* scratch: the same, cleaned for the file */
    lx_status failed;  /* sticky error of a write, reported at close */
};

void xlsx_neutralise(const char *cell, struct strbuf *sb)
{
    if (!cell)
        return;
    if (cell[0] && strchr("=+-@\t\r", cell[0]))
        strbuf_addch(sb, '\'');
    strbuf_adds(sb, cell);
}

/* Decode one UTF-8 character at s (n bytes available); returns its length
 * and the code point in *cp, or 0 if the bytes there are not valid UTF-8. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n <= need)
        return 0;
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return need + 1;
}

/* Display width of a code point: 2 for East Asian wide and fullwidth forms. */
static int char_width(uint32_t cp)
{
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

/* Non-zero if s (n bytes) starts with an Excel escape such as "_x000D_",
 * which Excel would decode on reading; such text is protected by escaping
 * its underscore as "_x005F_". */
static int looks_like_escape(const char *s, size_t n)
{
    if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
        return 0;
    for (int i = 2; i < 6; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}

/* Write into out (emptied first) the text that goes into the file for `in`:
 * neutralised, valid UTF-8, within Excel's length limit; tmp is scratch.
 * Returns its display width (the widest line). */
static size_t clean_cell(const char *in, strbuf *tmp, strbuf *out)
{
    const unsigned char *s;
    size_t n, chars = 0, line = 0, widest = 0;

    strbuf_reset(tmp);
    strbuf_reset(out);
    xlsx_neutralise(in, tmp);
    s = (const unsigned char *)strbuf_str(tmp);
    n = strlen((const char *)s);
    for (size_t i = 0; i < n && chars < CELL_MAX_CHARS;) {
        uint32_t cp = 0;
        size_t k = utf8_next(s + i, n - i, &cp);
        if (k == 0 || cp == 0xFFFE || cp == 0xFFFF) {
            strbuf_add(out, "\xEF\xBF\xBD", 3); /* U+FFFD */
            cp = 0xFFFD;
            i += k ? k : 1;
        } else {
            if (cp == '_' && looks_like_escape((const char *)s + i, n - i)) {
                strbuf_adds(out, "_x005F");
                chars += 6;
                line += 6;
            }
            strbuf_add(out, s + i, k);
            i += k;
        }
        chars++;
        if (cp == '\n') {
            line = 0;
        } else {
            line += (size_t)char_width(cp);
            if (line > widest)
                widest = line;
        }
    }
    return widest;
}

/* Grow the recorded width of column col to fit `w` character units. */
static void note_width(xlsx_out *x, size_t col, double w)
{
    if (col >= x->nwidth) {
        size_t want = x->nwidth ? x->nwidth : 16;
        while (want <= col)
            want *= 2;
        x->width = xrealloc(x->width, want * sizeof *x->width);
        memset(x->width + x->nwidth, 0, (want - x->nwidth) * sizeof *x->width);
        x->nwidth = want;
    }
    if (w > x->width[col])
        x->width[col] = w;
}

/* Copy a sheet name Excel accepts into name (size > 31 * 4). */
static void clean_sheet_name(const char *in, char *name, size_t size)
{
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    size_t n = strlen((const char *)s), len = 0, units = 0;

    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t k = utf8_next(s + i, n - i, &cp);
        size_t u = cp >= 0x10000 ? 2 : 1; /* Excel counts UTF-16 units */
        if (units + u > 31 || len + 4 >= size)
            break;
        if (k == 0 || cp < 0x20 || cp == 0x7F || (cp < 0x80 && strchr("[]:*?/\\", (int)cp)) ||
            cp == 0xFFFE || cp == 0xFFFF) {
            name[len++] = '_';
            i += k ? k : 1;
            units++;
            continue;
        }
        memcpy(name + len, s + i, k);
        len += k;
        i += k;
        units += u;
    }
    name[len] = '\0';
    /* no apostrophe at either end, and not Excel's reserved "History" */
    if (len && name[0] == '\'')
        name[0] = '_';
    if (len && name[len - 1] == '\'')
        name[len - 1] = '_';
    if (!len)
        lx_strlcpy(name, "Sheet1", size);
    else if (!strcasecmp(name, "History"))
        lx_strlcpy(name, "History_", size);
}

xlsx_out *xlsx_out_open(const char *path, const char *sheet)
{
    xlsx_out *x = NULL;
    char name[31 * 4 + 1];
    const char *slash;
    lxw_workbook_options opt = {
        .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    FILE *probe;
    int ok = 0;

    if (!path)
        goto out;
    probe = fopen(path, "wb"); /* fail now rather than after the last row */
    if (!probe)
        goto out;
    fclose(probe);
    x = xcalloc(1, sizeof *x);
    strbuf_init(&x->neut, 0);
    strbuf_init(&x->cell, 0);
    slash = strrchr(path, '/');
    x->tmpdir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    opt.tmpdir = x->tmpdir;
    x->wb = workbook_new_opt(path, &opt);
    if (!x->wb)
        goto out;
    clean_sheet_name(sheet, name, sizeof name);
    x->ws = workbook_add_worksheet(x->wb, name);
    if (!x->ws)
        goto out;
    x->bold = workbook_add_format(x->wb);
    if (!x->bold)
        goto out;
    format_set_bold(x->bold);
    ok = 1;
out:
    if (!ok && x) {
        if (x->wb)
            lxw_workbook_free(x->wb);
        free(x->tmpdir);
        strbuf_release(&x->neut);
        strbuf_release(&x->cell);
        free(x);
        x = NULL;
    }
    return x;
}

static void write_row(xlsx_out *x, const char *const *cells, size_t n, lxw_format *fmt)
{
    if (!x || x->failed)
        return;
    if (x->row >= LXW_ROW_MAX || n > LXW_COL_MAX) {
        x->failed = LX_ETOOBIG;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t w;
        if (!cells[i] || !cells[i][0])
            continue;
        w = clean_cell(cells[i], &x->neut, &x->cell);
        note_width(x, i, fmt ? (double)w * 1.1 : (double)w);
        if (worksheet_write_string(x->ws, x->row, (lxw_col_t)i, strbuf_str(&x->cell), fmt) !=
            LXW_NO_ERROR) {
            x->failed = LX_EIO;
            return;
        }
    }
    x->row++;
}

void xlsx_out_header(xlsx_out *x, const char *const *cells, size_t n)
{
    if (x && !x->failed && x->row == 0)
        worksheet_freeze_panes(x->ws, 1, 0);
    write_row(x, cells, n, x ? x->bold : NULL);
}

void xlsx_out_row(xlsx_out *x, const char *const *cells, size_t n)
{
    write_row(x, cells, n, NULL);
}

lx_status xlsx_out_close(xlsx_out *x)
{
    lx_status rc = LX_OK;

    if (!x)
        goto out;
    for (size_t c = 0; c < x->nwidth; c++) {
        double w = x->width[c] + 2.0;
        if (x->width[c] <= 0 || w <= WIDTH_MIN)
            continue;
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, w < WIDTH_MAX ? w : WIDTH_MAX,
                             NULL);
    }
    if (workbook_close(x->wb) != LXW_NO_ERROR)
        rc = LX_EIO;
    else
        rc = x->failed;
    free(x->width);
    free(x->tmpdir);
    strbuf_release(&x->neut);
    strbuf_release(&x->cell);
    free(x);
out:
    return rc;
}
