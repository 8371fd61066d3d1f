/* assign.h -- the pairing optimiser: members to households as a min-cost flow, part by part. */
#ifndef LX_ASSIGN_H
#define LX_ASSIGN_H
#include <stddef.h>
#include <stdint.h>
#include "util/status.h"

/* Both layers of pairing (SPEC C2) are one transportation problem: members
 * supply their remaining quota, households in need demand one member of the
 * layer. The problem falls apart into independent parts (liaison never
 * leaves a village; assistance stays within a group of units and the
 * villages they are paired with), each solved as one min-cost flow with
 * LEMON's network simplex. Pure: no I/O, no SQL. */

typedef enum assign_layer { ASSIGN_LIAISON = 0, ASSIGN_ASSISTANCE = 1 } assign_layer;

/* A household that needs a member of the layer. */
typedef struct assign_household {
    int64_t id;       /* household id */
    int32_t part;     /* the part it belongs to (village index for liaison, component for assistance) */
    int32_t group;    /* its group (村民小组) id, for the distance cost; 0 if it has none */
    int32_t tier;     /* difficulty: 0 none, 1 easier, 2 harder, 3 hardest */
    int64_t needs;    /* bit mask of skills it needs */
    int64_t current;  /* member id it is paired with now in this layer, or 0 */
} assign_household;

/* A member who can take households of the layer. */
typedef struct assign_member {
    int64_t id;       /* member id */
    int32_t part;     /* the part (several entries when a member serves several parts:
                         the caller splits their quota between them) */
    int32_t group;    /* home group id (liaison distance), 0 if none */
    int32_t rank;     /* rank level for assistance: 3 leader, 2 middle, 1 ordinary, 0 other */
    int64_t skills;   /* bit mask of skills */
    int32_t quota;    /* households they may take in this part, current ones included */
} assign_member;

/* Cost weights: named policies (assign.weight.*), all >= 0. */
#define ASSIGN_WEIGHT_MAX 1000000000 /* the largest weight accepted, so sums fit in int64_t */
typedef struct assign_weights {
    int64_t distance;   /* liaison: a household outside the member's own group */
    int64_t rank;       /* assistance: per level between the member's rank and the tier's wanted rank */
    int64_t skill;      /* a household with needs that the member has no skill for */
    int64_t keep;       /* rebalance: the bonus for keeping a current pair */
} assign_weights;

/* Every household gets a result. */
typedef struct assign_result {
    int64_t household_id;  /* the household */
    int64_t member_id;     /* its member after the run, 0 if uncovered */
} assign_result;

/* The figures of a run, for the dry-run summary and the benchmarks. */
typedef struct assign_stats {
    int64_t households;    /* households considered */
    int64_t covered;       /* with a member after the run */
    int64_t added;         /* had none, got one */
    int64_t moved;         /* had one, got another (rebalance only) */
    int64_t kept;          /* same member as before */
    int64_t dropped;       /* had one, now none (rebalance with smaller quotas) */
    int64_t uncovered;     /* without a member after the run */
    int64_t hardest;       /* tier-3 households */
    int64_t hardest_leader;/* tier-3 households paired with a rank-3 member */
    int64_t objective;     /* total cost of the assignment (without uncovered penalties) */
    int64_t distance_sum;  /* liaison: households paired outside their member's group */
    int32_t parts;         /* independent parts solved */
    /* Added for the benchmarks and tests: */
    int64_t penalty;       /* sum of the uncovered households' penalties (assign_uncovered_penalty) */
    int64_t flow_cost;     /* the optimum of the flow: over the households free to be assigned
                              (all with rebalance, else those without a member), the cost of
                              each pair less the keep bonus on a kept current pair, plus
                              `penalty`; equals the min cost of assign_write_dimacs's network */
} assign_stats;

/* Solve. households[nh] and members[nm] may come in any order; results[nh]
 * is filled in the order of households. Without `rebalance` every current
 * pair is kept as it is (the member's quota is reduced by it) and only
 * households without a member are assigned; with it, every pair of the
 * parts is reconsidered and keeping a pair earns weights->keep. Same input,
 * same output, whatever `threads` (1..8: parts are solved in parallel).
 * LX_EINVAL if an entry refers to a part out of range; LX_ENOMEM never (aborts).
 *
 * In detail: parts are 0 .. max(part); a part outside 0 .. nh+nm-1, a tier
 * or rank outside 0..3, a negative quota, a member id <= 0, a weight outside
 * 0..ASSIGN_WEIGHT_MAX, NULL arrays with a count, a NULL `results` with
 * nh > 0, or a part with more than INT_MAX arcs in its network (members x
 * households) is LX_EINVAL. `stats` may be NULL. Each part is the network of
 * SPEC C2: covering a household always beats leaving it uncovered, and when
 * members are short the hardest tiers are covered first (see
 * assign_uncovered_penalty); among equal optima the choice is fixed by the
 * ids. Without `rebalance` a member's pairs kept beyond their quota give them
 * nothing new, and a kept pair with a member who is no entry of the part stays
 * as it is (counted covered and kept, adding no cost). stats->parts counts the
 * parts holding at least one household. */
lx_status assign_solve(assign_layer layer, const assign_household *households, size_t nh,
                       const assign_member *members, size_t nm, const assign_weights *w,
                       int rebalance, int threads, assign_result *results, assign_stats *stats);

/* The same problem solved by a plain greedy pass (hardest households first,
 * each to the cheapest member with room), for comparison in the benchmarks.
 * Households go by tier (hardest first) then id; each takes the member entry
 * of its part with room whose cost (less the keep bonus for its current
 * member when rebalancing) is least, ties to the smaller member id. Same
 * errors (less the network size limit) and keep semantics as assign_solve. */
lx_status assign_greedy(assign_layer layer, const assign_household *households, size_t nh,
                        const assign_member *members, size_t nm, const assign_weights *w,
                        int rebalance, assign_result *results, assign_stats *stats);

/* The cost of pairing member m with household h (without the keep bonus);
 * exposed for tests and for explaining a pairing. */
int64_t assign_cost(assign_layer layer, const assign_household *h, const assign_member *m,
                    const assign_weights *w);

/* The cost of leaving a household of this tier (clamped to 0..3) uncovered:
 * BIG * (1 + tier), where BIG is one more than the dearest pair the weights
 * allow plus the keep bonus (liaison: distance + skill + keep + 1;
 * assistance: 3 * rank + skill + keep + 1). So the optimum covers as many
 * households as the members' room allows, prefers covering a harder household
 * to an easier one whatever the pair costs, and only then minimises the costs.
 * For tests and the benchmarks, which compare optima including penalties. */
int64_t assign_uncovered_penalty(assign_layer layer, const assign_weights *w, int32_t tier);

/* Write the whole problem (all parts as one network) in DIMACS min-cost-flow
 * format ("p min ...", "n", "a" lines) through `write(ctx, text, len)`, for
 * solving it whole with another solver in the benchmarks.
 *
 * Node 1 is the shared source (supplying every free household), node 2 the
 * shared sink; then, part by part, the members with room and the free
 * households of the part, each by id. The arcs are those of assign_solve's
 * networks, so the optimum equals assign_solve's stats->flow_cost. Text is
 * handed out in chunks of up to 64 KiB. Same errors as assign_solve, and
 * LX_EINVAL if `write` is NULL. */
lx_status assign_write_dimacs(assign_layer layer, const assign_household *households, size_t nh,
                              const assign_member *members, size_t nm, const assign_weights *w,
                              int rebalance, void (*write)(void *ctx, const char *s, size_t n),
                              void *ctx);

#endif
