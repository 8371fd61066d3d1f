/* coverage.c -- the HTTP face of the coverage report: JSON to drill through, XLSX to keep. */
#include "api/api.h"
#include "core/vocab.h"
#include "io/xlsx_out.h"
#include "store/audit.h"
#include "store/coverage.h"
#include "store/store.h"
#include "util/fileio.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The report of ?node_id= (default: the root of the caller's scope). Every
 * other query parameter is refused; a place outside the scope is not found. */
static lx_status load_report(req *r, coverage_report *rep)
{
    static const char *const known[] = {"node_id", NULL};
    int64_t node = 0;
    lx_status rc = req_query_only(r, known);
    if (!rc)
        rc = req_query_id(r, "node_id", &node);
    if (rc)
        return rc;
    if (!node)
        node = r->who.node_id; /* the caller's own place by default */
    if (node <= 0)
        return req_fail(r, LX_ENOTFOUND, "node_id", "no such place in your scope");
    rc = coverage_load(store_db(), &r->who, node, rep);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "node_id", "no such place in your scope");
    return rc;
}

static json_t *row_json(const coverage_row *row)
{
    json_t *o = json_pack("{s:I,s:s,s:i,s:s}", "id", (json_int_t)row->id, "name", row->name,
                          "level", row->level, "kind", row->kind);
    for (int i = 0; i < COVERAGE_NFIGURES; i++)
        json_object_set_new(o, coverage_figures[i].name, json_integer(row->v[i]));
    return o;
}

lx_status api_coverage(req *r)
{
    coverage_report rep;
    memset(&rep, 0, sizeof rep);
    lx_status rc = load_report(r, &rep);
    if (!rc) {
        json_t *children = json_array();
        for (size_t i = 0; i < rep.nchildren; i++)
            json_array_append_new(children, row_json(&rep.children[i]));
        req_reply(r, 200, json_pack("{s:o,s:o}", "node", row_json(&rep.node), "children",
                                    children));
    }
    coverage_report_release(&rep);
    return rc;
}

/* One row of the sheet: the place's id, name, level, kind, then the figures. */
static void sheet_row(xlsx_out *x, const coverage_row *row, arena *a)
{
    const char *cells[4 + COVERAGE_NFIGURES];
    int k = vocab_find(&vocab_node_kind, row->kind);
    cells[0] = arena_printf(a, "%lld", (long long)row->id);
    cells[1] = row->name;
    cells[2] = arena_printf(a, "%d", row->level);
    cells[3] = k >= 0 ? vocab_node_kind.terms[k].zh : row->kind;
    for (int i = 0; i < COVERAGE_NFIGURES; i++)
        cells[4 + i] = arena_printf(a, "%lld", (long long)row->v[i]);
    xlsx_out_row(x, cells, 4 + COVERAGE_NFIGURES);
}

static lx_status write_sheet(const coverage_report *rep, const char *path, arena *a)
{
    const char *head[4 + COVERAGE_NFIGURES] = {"编号", "名称", "层级", "类型"};
    xlsx_out *x = xlsx_out_open(path, "联户覆盖情况");
    if (!x)
        return LX_EIO;
    for (int i = 0; i < COVERAGE_NFIGURES; i++)
        head[4 + i] = coverage_figures[i].label;
    xlsx_out_header(x, head, 4 + COVERAGE_NFIGURES);
    sheet_row(x, &rep->node, a);
    for (size_t i = 0; i < rep->nchildren; i++)
        sheet_row(x, &rep->children[i], a);
    return xlsx_out_close(x);
}

lx_status api_coverage_export(req *r)
{
    coverage_report rep;
    char path[256] = "";
    int have_file = 0;
    memset(&rep, 0, sizeof rep);
    lx_status rc = load_report(r, &rep);
    if (!rc)
        rc = file_temp(path, sizeof path, "lianxin-coverage");
    if (!rc) {
        have_file = 1;
        rc = write_sheet(&rep, path, r->a);
    }
    if (!rc) {
        /* The export is audited before the file leaves. */
        json_t *dj = json_pack("{s:I,s:I}", "node_id", (json_int_t)rep.node.id, "rows",
                               (json_int_t)(rep.nchildren + 1));
        char *detail = json_dumps(dj, JSON_COMPACT);
        audit_rec ar = {&r->who, r->addr, "coverage.export",
                        arena_printf(r->a, "nodes/%lld", (long long)rep.node.id), "ok", detail};
        rc = audit_log(&ar);
        free(detail);
        json_decref(dj);
    }
    if (!rc)
        rc = req_reply_xlsx(r, path, (size_t)1 << 26,
                            arena_printf(r->a, "coverage-%lld.xlsx", (long long)rep.node.id));
    else if (have_file)
        unlink(path);
    coverage_report_release(&rep);
    return rc;
}
