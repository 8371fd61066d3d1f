/* import.c -- the HTTP face of ledger import and its templates. */
#include "api/api.h"
#include "io/import.h"
#include "store/policies.h"
#include "store/store.h"
#include "util/fileio.h"

#include <string.h>
#include <unistd.h>

lx_status api_import(req *r)
{
    int kind = ledger_kind_parse(r->param[0]);
    const char *m = req_query(r, "mode");
    int mode = import_mode_parse(m ? m : "dry_run");
    json_t *report = NULL;
    int refused = 0;
    if (kind < 0)
        return req_fail(r, LX_ENOTFOUND, "kind", "ledgers are households or members");
    if (mode < 0)
        return req_fail(r, LX_EINVAL, "mode", "mode is dry_run, commit or good_rows");
    if (r->body.len == 0)
        return req_fail(r, LX_EINVAL, "file", "send the CSV or XLSX file as the request body");
    size_t max_rows = (size_t)policy_get(store_db(), r->who.county_id, "import.max_rows");
    lx_status rc = import_ledger(&r->who, r->addr, (ledger_kind)kind, r->body.buf, r->body.len,
                                 (import_mode)mode, req_today(r), max_rows, &report, &refused,
                                 &r->err);
    if (rc) {
        json_decref(report);
        return rc;
    }
    if (refused)
        req_reply(r, 422,
                  json_pack("{s:{s:s,s:s,s:s},s:o}", "error", "code", "invalid", "message",
                            lx_msg("some rows have problems; nothing was imported (fix them, or"
                                   " import only the good rows)"),
                            "field", "file", "report", report));
    else
        req_reply(r, 200, report);
    return LX_OK;
}

lx_status api_import_template(req *r)
{
    int kind = ledger_kind_parse(r->param[0]);
    char path[256];
    if (kind < 0)
        return req_fail(r, LX_ENOTFOUND, "kind", "ledgers are households or members");
    lx_status rc = file_temp(path, sizeof path, "lianxin-template");
    if (rc)
        return rc;
    rc = import_template((ledger_kind)kind, path);
    if (rc) {
        unlink(path);
        return rc;
    }
    return req_reply_xlsx(r, path, 1u << 20,
                          kind == LEDGER_HOUSEHOLDS ? "households-template.xlsx"
                                                    : "members-template.xlsx");
}
