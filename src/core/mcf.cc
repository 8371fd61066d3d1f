// mcf.cc -- min-cost flow through LEMON's network simplex, behind a plain C interface.
#include "core/mcf.h"

#include <lemon/network_simplex.h>
#include <lemon/static_graph.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <numeric>
#include <utility>
#include <vector>

namespace
{

typedef lemon::StaticDigraph Graph;
typedef lemon::NetworkSimplex<Graph, int64_t, int64_t> Simplex;

// The static graph wants its arcs sorted by source; arc ids follow that order.
// order[k] is the caller's index of the k-th arc of the graph. A stable sort
// keeps the caller's order within a source, and the simplex's arc mixing is a
// fixed permutation, so its choice among equal optima depends on the input
// alone.
int solve(int n_nodes, const int64_t *supply, int n_arcs, const int *from, const int *to,
          const int64_t *cap, const int64_t *cost, int64_t *flow_out, int64_t *total_cost_out)
{
    std::vector<int> order(static_cast<size_t>(n_arcs));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [from](int a, int b) { return from[a] < from[b]; });
    std::vector<std::pair<int, int>> arcs(static_cast<size_t>(n_arcs));
    for (int k = 0; k < n_arcs; k++)
        arcs[static_cast<size_t>(k)] = std::make_pair(from[order[k]], to[order[k]]);

    Graph g;
    g.build(n_nodes, arcs.begin(), arcs.end());
    Graph::ArcMap<int64_t> upper(g), unit(g);
    Graph::NodeMap<int64_t> sup(g);
    for (int k = 0; k < n_arcs; k++) {
        Graph::Arc a = g.arc(k);
        upper[a] = cap[order[k]];
        unit[a] = cost[order[k]];
    }
    for (int i = 0; i < n_nodes; i++)
        sup[g.node(i)] = supply[i];

    Simplex ns(g);
    // With supplies summing to zero, LEMON's default (GEQ) constraints are equalities.
    ns.upperMap(upper).costMap(unit).supplyMap(sup);
    switch (ns.run()) {
    case Simplex::OPTIMAL:
        break;
    case Simplex::INFEASIBLE:
        return 1;
    default:
        return 2;
    }
    for (int k = 0; k < n_arcs; k++)
        flow_out[order[k]] = ns.flow(g.arc(k));
    if (total_cost_out)
        *total_cost_out = ns.totalCost();
    return 0;
}

} // namespace

extern "C" int mcf_solve(int n_nodes, const int64_t *supply, int n_arcs, const int *from,
                         const int *to, const int64_t *cap, const int64_t *cost, int64_t *flow_out,
                         int64_t *total_cost_out)
{
    if (n_nodes < 0 || n_arcs < 0 || (n_nodes > 0 && !supply) ||
        (n_arcs > 0 && (!from || !to || !cap || !cost || !flow_out)))
        return -1;
    int64_t sum = 0;
    for (int i = 0; i < n_nodes; i++)
        sum += supply[i];
    if (sum != 0)
        return -1;
    for (int k = 0; k < n_arcs; k++)
        if (from[k] < 0 || from[k] >= n_nodes || to[k] < 0 || to[k] >= n_nodes || cap[k] < 0)
            return -1;
    try {
        return solve(n_nodes, supply, n_arcs, from, to, cap, cost, flow_out, total_cost_out);
    } catch (const std::bad_alloc &) {
        std::fputs("mcf_solve: out of memory\n", stderr);
        std::abort();
    }
}
