/* audit_read.c -- reading the audit log page by page. */
#include "store/audit_read.h"
#include "util/timeutil.h"

lx_status audit_page(db *d, int64_t county_id, int64_t after, int limit, json_t **items,
                     int64_t *next)
{
    db_stmt *st = NULL;
    int row = 0, n = 0;
    char ts[32];
    lx_status rc = db_prepare(d,
                              "SELECT id, at, username, role, node_id, addr, action, object,"
                              " outcome, detail FROM audit WHERE (county_id = ? OR county_id = 0)"
                              " AND id > ? ORDER BY id LIMIT ?",
                              &st);
    *items = json_array();
    *next = 0;
    if (rc)
        return rc;
    db_bind_int(st, 1, county_id);
    db_bind_int(st, 2, after);
    db_bind_int(st, 3, limit);
    while (!(rc = db_step(st, &row)) && row) {
        lx_iso8601(db_col_int(st, 1), ts, sizeof ts);
        json_t *detail = NULL;
        if (db_col_text(st, 9))
            detail = json_loads(db_col_text(st, 9), 0, NULL);
        json_array_append_new(
            *items,
            json_pack("{s:I,s:s,s:s?,s:s?,s:I,s:s?,s:s,s:s?,s:s,s:o?}", "id",
                      (json_int_t)db_col_int(st, 0), "at", ts, "username", db_col_text(st, 2),
                      "role", db_col_text(st, 3), "node_id", (json_int_t)db_col_int(st, 4),
                      "addr", db_col_text(st, 5), "action", db_col_text(st, 6), "object",
                      db_col_text(st, 7), "outcome", db_col_text(st, 8), "detail", detail));
        n++;
        *next = n == limit ? db_col_int(st, 0) : 0;
    }
    db_done(st);
    return rc;
}
