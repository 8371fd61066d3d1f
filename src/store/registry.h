/* registry.h -- list, read, create, change and deactivate any registry record, in scope. */
#ifndef LX_REGISTRY_H
#define LX_REGISTRY_H
#include "core/rbac.h"
#include "store/db.h"
#include "store/query.h"
#include "store/record.h"
#include "util/zh.h"

#define LIST_MAX_FILTERS 8
#define LIST_MAX_LIMIT 500
#define LIST_MAX_IDS 50 /* ids= of one list request (a page's references) */

/* What a list asks for. */
typedef struct list_query {
    const char *q;        /* search text: names (Simplified/Traditional alike, prefix),
                             node names (households under them), or an exact phone or
                             ID number; NULL for none */
    int64_t under;        /* only records under this node (0: the whole scope) */
    const int64_t *ids;   /* only these records (nids of them; 0: any), in id order */
    int nids;
    int active;           /* 1 active only (default), 0 inactive only, -1 both */
    int64_t after;        /* cursor: ids greater than this */
    int limit;            /* page size, 1..LIST_MAX_LIMIT */
    int nfilter;          /* equality filters on FF_FILTER fields */
    struct {
        int field;        /* index of the field */
        rval v;           /* value it must have (FT_MASK: every bit set) */
    } filter[LIST_MAX_FILTERS];
} list_query;

/* The path of node `id` of the county into out; LX_ENOTFOUND if the county has none. For
 * a filter "at or under this place" (which is no scope check: the caller's scope still
 * applies to what the filter finds). */
lx_status registry_node_path(db *d, int64_t county_id, int64_t id, char *out, size_t len);

/* One page of records in scope, ordered by id. *items is an arena array of
 * *n records; *next is the cursor for the following page, 0 at the end. */
lx_status registry_list(db *d, arena *a, const resource *r, const scope *s,
                        const list_query *lq, record ***items, int *n, int64_t *next);

/* One record, if it is in scope: LX_ENOTFOUND otherwise (the same answer
 * whether it does not exist or is someone else's). */
lx_status registry_get(db *d, arena *a, const resource *r, const scope *s, int64_t id,
                       record **out);

/* The calls below run inside the caller's write transaction and append their
 * audit record to it; `p` is the actor, `addr` their address. */

#define REG_BATCH 0x01 /* part of an import that the caller audits as one record */

/* Create rec (its set values); references are checked against p's scope.
 * Sets rec->id. LX_EINVAL / LX_ENOTFOUND / LX_ECONFLICT with e filled.
 * With REG_BATCH no audit record is written for this one record. */
lx_status registry_create(db *d, arena *a, const resource *r, const principal *p,
                          const char *addr, record *rec, unsigned flags, lx_error *e);

/* Many new records in one write transaction (an import), which the caller
 * audits as one record (as REG_BATCH): the INSERT of each shape of record is
 * prepared once and reused. No reference is looked up: the caller places each
 * record at `path`, the path of a node it has resolved in the actor's scope,
 * or of a household it created in the same batch, and sets the reference
 * fields to match. Not for nodes. A record is written in three steps, so that
 * another thread can compute the next records' values while this one writes:
 * - reserve n consecutive ids of r (*first ...), which the caller gives its
 *   records (rec->id) before preparing them;
 * - prepare: the checks of registry_create that need no lookup (a resident's
 *   birth date and sex against the ID number), sealing, lookup hashes, search
 *   keys, into *ins. It reads the batch but never changes it, so it may run
 *   on another thread, with its own arena and key cache (the values borrow
 *   from both until the insert). LX_EINVAL with e filled;
 * - insert, on the batch's thread, in any order; releases *ins either way.
 *   Sets rec's path, state and times. LX_ECONFLICT with e filled. */
typedef struct reg_batch reg_batch;
typedef struct reg_insert {
    const resource *r; /* the registry */
    record *rec;       /* the record (rec->id reserved) */
    const char *path;  /* its place */
    qb q;              /* the INSERT's values */
} reg_insert;
/* A batch for actor p on d (borrowed; inside a write transaction). */
reg_batch *registry_batch_new(db *d, const principal *p);
lx_status registry_batch_reserve(reg_batch *b, const resource *r, int64_t n, int64_t *first);
lx_status registry_batch_prepare(const reg_batch *b, arena *a, zh_cache *keys, const resource *r,
                                 record *rec, const char *path, reg_insert *ins, lx_error *e);
lx_status registry_batch_insert(reg_batch *b, reg_insert *ins, lx_error *e);
/* Release the batch's statements. Accepts NULL. */
void registry_batch_free(reg_batch *b);

/* Apply the set values of chg to record id (in scope). *after (may be NULL)
 * receives the record as it now is. */
lx_status registry_update(db *d, arena *a, const resource *r, const principal *p,
                          const char *addr, int64_t id, const record *chg, record **after,
                          lx_error *e);

/* Deactivate (active = 0) or reactivate record id, with a reason kept in the
 * audit log. A node with active records under it is not deactivated
 * (LX_ECONFLICT, naming how many). */
lx_status registry_set_active(db *d, arena *a, const resource *r, const principal *p,
                              const char *addr, int64_t id, int active, const char *reason,
                              lx_error *e);

/* Find the active child of node `parent_id` named `name` (search-key match),
 * in scope; 0 in *id if none. For imports that name places. */
lx_status registry_child_node(db *d, const scope *s, int64_t parent_id, const char *name,
                              int64_t *id);

/* Find an active unit by name in the county; 0 if none. */
lx_status registry_unit_by_name(db *d, int64_t county_id, const char *name, int64_t *id);

/* Which of n ID numbers are registered to a resident (any county): found[i]
 * is set to 1 if idnos[i] is, else 0 (NULL entries are skipped). Looked up in the order of the
 * index, so a whole ledger's worth reads each index page once. */
lx_status registry_residents_by_idno(db *d, const char *const *idnos, size_t n, int *found);

#endif
