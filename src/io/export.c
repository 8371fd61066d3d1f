/* export.c -- registry lists to XLSX or CSV, page by page so memory stays flat. */
#include "io/export.h"
#include "io/xlsx_out.h"
#include "util/strbuf.h"

#include <csv.h>
#include <stdio.h>

/* Where the rows go: a header row first, then one row per record. */
typedef struct sink {
    void (*row)(void *ctx, const char *const *cells, size_t n, int header);
    void *ctx;
} sink;

/* Every record `lq` selects within scope, to the sink: "编号", the fields'
 * Chinese labels and "状态" as the header, then the records in list order. */
static lx_status export_rows(db *d, const resource *res, const scope *s, list_query *lq,
                             int unmask, const sink *out, int64_t *rows)
{
    record **items = NULL;
    int n = 0;
    int64_t next = 0;
    lx_status rc = LX_OK;
    size_t ncells = (size_t)res->nfields + 2;
    arena *a = arena_new();
    const char **cells = arena_alloc(a, sizeof(char *) * ncells);

    *rows = 0;
    cells[0] = "编号";
    for (int i = 0; i < res->nfields; i++)
        cells[i + 1] = res->fields[i].label;
    cells[res->nfields + 1] = "状态";
    out->row(out->ctx, cells, ncells, 1);
    lq->limit = LIST_MAX_LIMIT;
    do {
        arena *page = arena_new();
        rc = registry_list(d, page, res, s, lq, &items, &n, &next);
        for (int k = 0; !rc && k < n; k++) {
            cells[0] = arena_printf(page, "%lld", (long long)items[k]->id);
            for (int i = 0; i < res->nfields; i++)
                cells[i + 1] = record_cell(&res->fields[i], &items[k]->v[i], unmask, page);
            cells[res->nfields + 1] = items[k]->active ? "有效" : "已停用";
            out->row(out->ctx, cells, ncells, 0);
        }
        *rows += n;
        lq->after = next;
        arena_free(page);
    } while (!rc && next);
    arena_free(a);
    return rc;
}

static void xlsx_row(void *ctx, const char *const *cells, size_t n, int header)
{
    if (header)
        xlsx_out_header(ctx, cells, n);
    else
        xlsx_out_row(ctx, cells, n);
}

lx_status export_xlsx(db *d, const resource *res, const scope *s, list_query *lq, int unmask,
                      const char *path, int64_t *rows)
{
    xlsx_out *x = xlsx_out_open(path, res->label);
    *rows = 0;
    if (!x)
        return LX_EIO;
    sink out = {xlsx_row, x};
    lx_status rc = export_rows(d, res, s, lq, unmask, &out, rows);
    lx_status wrc = xlsx_out_close(x);
    return rc ? rc : wrc;
}

typedef struct csv_sink {
    FILE *f;
    strbuf cell; /* scratch: one neutralised cell */
} csv_sink;

static void csv_row(void *ctx, const char *const *cells, size_t n, int header)
{
    csv_sink *c = ctx;
    (void)header;
    for (size_t i = 0; i < n; i++) {
        strbuf_reset(&c->cell);
        xlsx_neutralise(cells[i], &c->cell);
        if (i)
            fputc(',', c->f);
        csv_fwrite(c->f, strbuf_str(&c->cell), strlen(strbuf_str(&c->cell)));
    }
    fputs("\r\n", c->f);
}

lx_status export_csv(db *d, const resource *res, const scope *s, list_query *lq, int unmask,
                     const char *path, int64_t *rows)
{
    csv_sink c = {fopen(path, "wb"), {0}};
    *rows = 0;
    if (!c.f)
        return LX_EIO;
    strbuf_init(&c.cell, 0);
    fputs("\xEF\xBB\xBF", c.f); /* the BOM, so Excel reads UTF-8 */
    sink out = {csv_row, &c};
    lx_status rc = export_rows(d, res, s, lq, unmask, &out, rows);
    int bad = ferror(c.f) || !strbuf_ok(&c.cell);
    if (fclose(c.f) || bad)
        rc = rc ? rc : LX_EIO;
    strbuf_release(&c.cell);
    return rc;
}
