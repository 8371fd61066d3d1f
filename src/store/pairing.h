/* pairing.h -- pairings in the store: the problem of a run, plans, applying them, manual pairs. */
#ifndef LX_PAIRING_H
#define LX_PAIRING_H
#include <jansson.h>
#include <stdint.h>
#include "core/assign.h"
#include "core/rbac.h"
#include "store/db.h"

/* Layer names as stored: "liaison", "assistance"; -1 for anything else. */
const char *pairing_layer_name(assign_layer l);
int pairing_layer_parse(const char *s);

/* The rank level that assistance weighs (3 leader, 2 middle, 1 ordinary, 0 not a cadre). */
int pairing_rank_level(const char *rank_code);

/* Everything a run needs, loaded from the store. */
typedef struct pairing_problem {
    assign_household *hh;  /* households of the run (malloc'd) */
    size_t nh;
    assign_member *mm;     /* members who can take them (malloc'd) */
    size_t nm;
    int64_t locked;        /* assistance pairs with open tasks, kept out of a rebalance */
    int64_t unplaced;      /* households with no part (assistance: no unit paired with the
                              village), reported as uncovered */
    int64_t *unplaced_ids; /* their ids (malloc'd) */
} pairing_problem;

/* Load the problem of a run of `layer` over the subtree at `path` of a county:
 * liaison: every active household under it, and the members living in the
 *   same villages, each with their quota (own or policy) less the households
 *   they hold outside the run;
 * assistance: the households in difficulty (a tier above none or a tag of
 *   policy assistance.tags), and the cadres of the units paired with their
 *   villages, quotas by rank (policy assistance.quota.*) or their own;
 * parts: a village (liaison) or a connected group of units and villages. */
lx_status pairing_load(db *d, int64_t county_id, const char *path, assign_layer layer,
                       int rebalance, pairing_problem *out);
void pairing_problem_release(pairing_problem *p);

/* The cost weights of the county's runs (policies assign.weight.*). */
assign_weights pairing_weights(db *d, int64_t county_id);

/* The county's pairing sequence, bumped by every change of pairings. */
lx_status pairing_seq(db *d, int64_t county_id, int64_t *seq);
/* Bump it (inside the caller's write transaction): every change that a
 * planned run depends on (pairings, unit-village pairs, tasks) calls this. */
lx_status pairing_seq_bump(db *d, int64_t county_id);

/* Save a planned run and its changes (inside the caller's transaction);
 * results[] as assign_solve gave them for p->hh, plus p's unplaced
 * households as uncovered; base_seq is the pairing sequence the problem
 * was loaded at. *run_id receives the run's id. */
lx_status pairing_save_plan(db *d, const principal *who, assign_layer layer, int64_t node_id,
                            const char *path, int rebalance, int64_t base_seq,
                            const pairing_problem *p, const assign_result *results,
                            const assign_stats *stats, int64_t *run_id);

/* Plan a run of `layer` over the node `node_id` at `path` (already checked to
 * be in who's scope): load the problem from one snapshot, solve it with the
 * county's weights on `threads` threads, save the plan in a transaction of
 * its own. Nothing is paired until pairing_apply. LX_ECONFLICT (e filled)
 * while another run over an overlapping subtree is being planned. */
lx_status pairing_plan(db *d, const principal *who, assign_layer layer, int64_t node_id,
                       const char *path, int rebalance, int threads, int64_t *run_id,
                       lx_error *e);

/* A run as JSON (new reference), if it is of the caller's county and its
 * place is in their scope; LX_ENOTFOUND otherwise. */
lx_status pairing_run_get(db *d, const principal *who, int64_t run_id, json_t **out);

/* A page of a run's changes ("added", "moved", "kept", "dropped",
 * "uncovered"; NULL for all but "kept") with names, as a JSON array. */
lx_status pairing_run_changes(db *d, const principal *who, int64_t run_id, const char *change,
                              int64_t after, int limit, json_t **items, int64_t *next);

/* Apply a planned run in the caller's write transaction: LX_ECONFLICT if it
 * was applied already or any pairing of the county changed since it was
 * planned. *applied receives the number of pairs written or ended. */
lx_status pairing_apply(db *d, const principal *who, const char *addr, int64_t run_id,
                        int64_t *applied, lx_error *e);

/* Pair by hand, with a reason (inside the caller's write transaction). */
lx_status pairing_create(db *d, const principal *who, const char *addr, assign_layer layer,
                         int64_t household_id, int64_t member_id, const char *reason,
                         int64_t *id, lx_error *e);
/* End a pairing by hand, with a reason; an assistance pairing with open
 * tasks is refused (LX_ECONFLICT, seed 003). */
lx_status pairing_end(db *d, const principal *who, const char *addr, int64_t pairing_id,
                      const char *reason, lx_error *e);

/* Pairings in scope as JSON: filters household_id, member_id, node_id
 * (households at or under that place; a place outside the county matches
 * nothing) (0: any), layer (NULL: both), active (1, 0, -1 all); cursor by id. */
lx_status pairing_list(db *d, const principal *who, int64_t household_id, int64_t member_id,
                       int64_t node_id, const char *layer, int active, int64_t after, int limit,
                       json_t **items, int64_t *next);
/* One pairing in scope, active or ended, as pairing_list gives it; LX_ENOTFOUND if there is
 * none of that id (> 0) in who's scope. *out is the caller's. */
lx_status pairing_get(db *d, const principal *who, int64_t id, json_t **out);

#endif
