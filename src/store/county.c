/* county.c -- creating a county; looking up places for demo accounts. */
#include "store/county.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/zh.h"

#include <string.h>

lx_status county_create(db *d, const char *name, int64_t *county_id, int64_t *root_id)
{
    db_stmt *st = NULL;
    int row = 0;
    char *key = zh_key(name);
    char path[32];
    int64_t now = lx_now();
    lx_status rc = db_begin(d);
    if (rc)
        goto out;
    if ((rc = db_prepare(d, "INSERT INTO counties (name, created_at) VALUES (?, ?) RETURNING id",
                         &st)))
        goto out;
    db_bind_text(st, 1, name);
    db_bind_int(st, 2, now);
    if ((rc = db_step(st, &row)) || !row)
        goto out;
    *county_id = db_col_int(st, 0);
    db_done(st);
    st = NULL;
    if ((rc = db_prepare(d, "INSERT INTO nodes (county_id, parent_id, level, kind, name, name_key,"
                            " path, created_at, updated_at)"
                            " VALUES (?, NULL, 1, 'county', ?, ?, '', ?, ?) RETURNING id",
                         &st)))
        goto out;
    db_bind_int(st, 1, *county_id);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, key);
    db_bind_int(st, 4, now);
    db_bind_int(st, 5, now);
    if ((rc = db_step(st, &row)) || !row)
        goto out;
    *root_id = db_col_int(st, 0);
    db_done(st);
    st = NULL;
    snprintf(path, sizeof path, "/%lld/", (long long)*root_id);
    if ((rc = db_prepare(d, "UPDATE nodes SET path = ? WHERE id = ?", &st)))
        goto out;
    db_bind_text(st, 1, path);
    db_bind_int(st, 2, *root_id);
    if ((rc = db_run(st)))
        goto out;
    db_done(st);
    st = NULL;
    rc = db_commit(d);
out:
    if (!rc && !row)
        rc = LX_EIO;
    db_done(st);
    if (rc)
        db_rollback(d);
    free(key);
    return rc;
}

lx_status county_first(db *d, int64_t *county_id, int64_t *root_id, char *root_path, size_t len)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT county_id, id, path FROM nodes WHERE parent_id IS NULL"
                                 " ORDER BY county_id, id LIMIT 1",
                              &st);
    if (rc)
        return rc;
    rc = db_step(st, &row);
    if (!rc && row) {
        *county_id = db_col_int(st, 0);
        *root_id = db_col_int(st, 1);
        lx_strlcpy(root_path, db_col_text(st, 2), len);
    } else if (!rc) {
        rc = LX_ENOTFOUND;
    }
    db_done(st);
    return rc;
}

/* The first id that `sql` selects with one (or no) parameter; 0 if none. */
static lx_status first_id(db *d, const char *sql, int64_t arg, int64_t *out)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, sql, &st);
    *out = 0;
    if (rc)
        return rc;
    if (arg)
        db_bind_int(st, 1, arg);
    rc = db_step(st, &row);
    if (!rc && row && !db_col_is_null(st, 0))
        *out = db_col_int(st, 0);
    db_done(st);
    return rc;
}

lx_status county_demo_places(db *d, demo_places *p)
{
    lx_status rc;
    memset(p, 0, sizeof *p);
    if ((rc = first_id(d, "SELECT min(id) FROM nodes WHERE level = 2", 0, &p->township)) ||
        (rc = first_id(d, "SELECT min(id) FROM nodes WHERE level = 3 AND parent_id = ?",
                       p->township, &p->village)) ||
        (rc = first_id(d, "SELECT min(id) FROM nodes WHERE level = 4 AND parent_id = ?",
                       p->village, &p->group)) ||
        (rc = first_id(d, "SELECT min(id) FROM members WHERE unit_id IS NULL AND node_id = ?",
                       p->group, &p->member)) ||
        (rc = first_id(d, "SELECT min(id) FROM households WHERE node_id = ?", p->group,
                       &p->household)))
        return rc;
    if (!p->member)
        rc = first_id(d, "SELECT min(id) FROM members WHERE unit_id IS NULL", 0, &p->member);
    return rc;
}
