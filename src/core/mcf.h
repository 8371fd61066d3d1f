/* mcf.h -- min-cost flow through LEMON's network simplex, behind a plain C interface. */
#ifndef LX_MCF_H
#define LX_MCF_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Solve one min-cost flow problem exactly. Nodes are 0..n_nodes-1; supply[i]
 * is what node i puts into the network (negative: what it takes out); the
 * supplies must sum to zero and every supply be met exactly. Arc k goes from
 * from[k] to to[k] with capacity cap[k] >= 0 (lower bound 0) and cost cost[k]
 * per unit. The same input always gives the same flow.
 *
 * On success flow_out[k] (n_arcs entries, owned by the caller) holds the flow
 * on arc k and *total_cost_out (if not NULL) the total cost. Returns 0 if an
 * optimal flow was found, 1 if the problem is infeasible, 2 if it is unbounded,
 * -1 on bad arguments (a node out of range, a negative capacity, supplies
 * that do not sum to zero). Out of memory
 * aborts. Costs times flows must fit in int64_t. */
int mcf_solve(int n_nodes, const int64_t *supply, int n_arcs, const int *from, const int *to,
              const int64_t *cap, const int64_t *cost, int64_t *flow_out, int64_t *total_cost_out);

#ifdef __cplusplus
}
#endif
#endif
