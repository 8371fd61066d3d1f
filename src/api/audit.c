/* audit.c -- the audit administrator's view: read and verify the log. */
#include "api/api.h"
#include "store/audit.h"
#include "store/audit_read.h"
#include "store/store.h"


lx_status api_audit_list(req *r)
{
    static const char *const known[] = {"after", "limit", NULL};
    json_t *items = NULL;
    int64_t next = 0;
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    int64_t after = 0, limit = 0;
    if ((rc = req_query_id(r, "after", &after)) || (rc = req_query_id(r, "limit", &limit)))
        return rc;
    if (limit > 1000)
        return req_fail(r, LX_EINVAL, "limit", "limit must be 1 to 1000");
    if (!limit)
        limit = 100;
    audit_flush();
    rc = audit_page(store_db(), r->who.county_id, after, (int)limit, &items, &next);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:o,s:I}", "items", items, "next", (json_int_t)next));
    return LX_OK;
}

lx_status api_audit_verify(req *r)
{
    static const char *const known[] = {NULL};
    int64_t count = 0, bad = 0;
    if (req_query_only(r, known))
        return LX_EINVAL;
    audit_flush();
    lx_status rc = audit_verify(store_db(), &count, &bad);
    if (rc)
        return rc;
    api_audit_now(r, "audit.verify", NULL, bad ? "failed" : "ok", NULL);
    req_reply(r, 200, json_pack("{s:b,s:I,s:I}", "intact", !bad, "records", (json_int_t)count,
                                "first_bad_id", (json_int_t)bad));
    return LX_OK;
}
