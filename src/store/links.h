/* links.h -- units paired with villages, leaders' contact points, assistance tasks, in the store. */
#ifndef LX_LINKS_H
#define LX_LINKS_H
#include <jansson.h>
#include <stdint.h>
#include "core/rbac.h"
#include "store/db.h"
#include "util/status.h"

/* Every call below takes the actor `who` (whose county and scope limit what
 * is seen or touched) and, for changes, the client address `addr` for the
 * audit record. Changes run inside the caller's write transaction (store_txn)
 * and append their audit record to it; reads run on the connection as it is.
 * Client mistakes come back as LX_EINVAL / LX_ENOTFOUND / LX_ECONFLICT with
 * `e` filled (the field named); anything else is the database's failure.
 * JSON results are new references the caller owns (json_decref). */

/* What a list asks for: the lists of this module share it. */
typedef struct links_query {
    int64_t a, b;   /* the two id filters (0: any): unit_id and node_id for
                       unit-village pairs, member_id and org_id for contact points */
    int64_t node;   /* contact points: branches at or under this place (0: any) */
    int active;     /* 1 active only (default), 0 ended only, -1 both */
    int64_t after;  /* cursor: ids greater than this */
    int limit;      /* page size, 1..500 */
} links_query;

/* ---- units paired with villages (单位联村, seeds 001, 003) ---- */

/* Unit-village pairs whose village is in who's node scope, by id: filters
 * unit_id (q->a) and node_id (q->b: pairs of villages at or under that node;
 * a node outside the county matches nothing). *items gets an array of
 * {id, unit_id, unit_name, node_id, node_name, reason, started_at, ended_at,
 * active}; *next the cursor of the next page, 0 at the end. */
lx_status links_uv_list(db *d, const principal *who, const links_query *q, json_t **items,
                        int64_t *next);

/* One pair as links_uv_list shows it, if it is in who's scope; LX_ENOTFOUND
 * otherwise. */
lx_status links_uv_get(db *d, const principal *who, int64_t id, json_t **out);

/* Pair unit `unit_id` (active, of who's county) with the village or
 * community `node_id` (level 3, active, in who's scope), with a reason.
 * LX_EINVAL naming unit_id or node_id; LX_ECONFLICT if that pair is active
 * already. Bumps the county's pairing sequence, so that no planned
 * assignment run applies onto the changed pairs. *id gets the new pair's id. */
lx_status links_uv_create(db *d, const principal *who, const char *addr, int64_t unit_id,
                          int64_t node_id, const char *reason, int64_t *id, lx_error *e);

/* End pair `id` (in who's scope) with a reason, kept in the audit record.
 * LX_ENOTFOUND outside the scope; LX_ECONFLICT if it ended already. Bumps
 * the county's pairing sequence. */
lx_status links_uv_end(db *d, const principal *who, const char *addr, int64_t id,
                       const char *reason, lx_error *e);

/* ---- contact points (联系点, seed 003) ---- */

/* The kinds of contact point: "weak_branch", "non_public", "social_org";
 * NULL-terminated. */
extern const char *const links_cp_kinds[];

/* Contact points whose branch is in who's scope of organisations, by id:
 * filters member_id (q->a), org_id (q->b), node_id (q->node: branches at or
 * under that place; a place outside the county matches nothing). *items gets an array of
 * {id, member_id, member_name, member_rank, org_id, org_name, kind, reason,
 * started_at, ended_at, active}. */
lx_status links_cp_list(db *d, const principal *who, const links_query *q, json_t **items,
                        int64_t *next);

/* One contact point as links_cp_list shows it, if in scope; LX_ENOTFOUND
 * otherwise. */
lx_status links_cp_get(db *d, const principal *who, int64_t id, json_t **out);

/* A leader adopts a branch: member `member_id` (active, of who's county,
 * rank city_leader or county_leader for every kind, middle -- a township
 * leader -- for weak_branch only) takes org `org_id` (an active branch or
 * general branch in who's scope) as a contact point of `kind`, with a
 * reason. LX_EINVAL naming kind, member_id or org_id; LX_ECONFLICT if the
 * member has an active contact point of that kind already. */
lx_status links_cp_create(db *d, const principal *who, const char *addr, int64_t member_id,
                          int64_t org_id, const char *kind, const char *reason, int64_t *id,
                          lx_error *e);

/* End contact point `id` (in scope) with a reason. LX_ENOTFOUND outside the
 * scope; LX_ECONFLICT if it ended already. */
lx_status links_cp_end(db *d, const principal *who, const char *addr, int64_t id,
                       const char *reason, lx_error *e);

/* ---- assistance tasks (C6 extends them) ---- */

/* The tasks of assistance pairing `pairing_id` (its household in who's
 * scope; ended pairings too), oldest first, as an array of {id, pairing_id,
 * household_id, title, status, created_at, closed_at}. LX_ENOTFOUND outside
 * the scope; LX_EINVAL (field id) for a liaison pairing. */
lx_status links_task_list(db *d, const principal *who, int64_t pairing_id, json_t **items,
                          lx_error *e);

/* Add an open task titled `title` to the active assistance pairing
 * `pairing_id` (in scope). LX_ENOTFOUND outside the scope; LX_EINVAL (id)
 * for a liaison pairing; LX_ECONFLICT if the pairing has ended. Bumps the
 * pairing sequence: a pairing with open tasks is kept out of a rebalance,
 * so a run planned before must be planned again. *out gets the task. */
lx_status links_task_create(db *d, const principal *who, const char *addr, int64_t pairing_id,
                            const char *title, json_t **out, lx_error *e);

/* Close task `task_id` (its household in scope). LX_ENOTFOUND outside the
 * scope; LX_ECONFLICT if it is closed already. Bumps the pairing sequence.
 * *out gets the task as it now is. */
lx_status links_task_close(db *d, const principal *who, const char *addr, int64_t task_id,
                           json_t **out, lx_error *e);

#endif
