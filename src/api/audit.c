/* audit.c -- the audit administrator's view: read and verify the log. */
#include "api/api.h"
#include "store/audit.h"
#include "store/audit_read.h"
#include "store/store.h"

lx_status api_audit_list(req *r)
{
    const char *after_s = req_query(r, "after");
    int64_t after = after_s ? strtoll(after_s, NULL, 10) : 0;
    json_t *items = NULL;
    int64_t next = 0;
    if (after_s && after <= 0)
        return req_fail(r, LX_EINVAL, "after", "after must be a positive id");
    audit_flush();
    lx_status rc = audit_page(store_db(), r->who.county_id, after, 100, &items, &next);
    if (rc)
        return rc;
    req_reply(r, 200, json_pack("{s:o,s:I}", "items", items, "next", (json_int_t)next));
    return LX_OK;
}

lx_status api_audit_verify(req *r)
{
    int64_t count = 0, bad = 0;
    audit_flush();
    lx_status rc = audit_verify(store_db(), &count, &bad);
    if (rc)
        return rc;
    api_audit_now(r, "audit.verify", NULL, bad ? "failed" : "ok", NULL);
    req_reply(r, 200, json_pack("{s:b,s:I,s:I}", "intact", !bad, "records", (json_int_t)count,
                                "first_bad_id", (json_int_t)bad));
    return LX_OK;
}
