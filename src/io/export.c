/* export.c -- registry lists to XLSX, page by page so memory stays flat. */
#include "io/export.h"
#include "io/xlsx_out.h"

lx_status export_xlsx(db *d, const resource *res, const scope *s, list_query *lq, int unmask,
                      const char *path, int64_t *rows)
{
    record **items = NULL;
    int n = 0;
    int64_t next = 0;
    lx_status rc = LX_OK;
    arena *a = arena_new();
    const char **cells = arena_alloc(a, sizeof(char *) * (size_t)(res->nfields + 2));
    xlsx_out *x = xlsx_out_open(path, res->label);

    *rows = 0;
    if (!x) {
        rc = LX_EIO;
        goto out;
    }
    cells[0] = "编号";
    for (int i = 0; i < res->nfields; i++)
        cells[i + 1] = res->fields[i].label;
    cells[res->nfields + 1] = "状态";
    xlsx_out_header(x, cells, (size_t)res->nfields + 2);
    lq->limit = LIST_MAX_LIMIT;
    do {
        arena *page = arena_new();
        rc = registry_list(d, page, res, s, lq, &items, &n, &next);
        for (int k = 0; !rc && k < n; k++) {
            cells[0] = arena_printf(page, "%lld", (long long)items[k]->id);
            for (int i = 0; i < res->nfields; i++)
                cells[i + 1] = record_cell(&res->fields[i], &items[k]->v[i], unmask, page);
            cells[res->nfields + 1] = items[k]->active ? "有效" : "已停用";
            xlsx_out_row(x, cells, (size_t)res->nfields + 2);
        }
        *rows += n;
        lq->after = next;
        arena_free(page);
    } while (!rc && next);
    lx_status wrc = xlsx_out_close(x);
    if (!rc)
        rc = wrc;
out:
    arena_free(a);
    return rc;
}
