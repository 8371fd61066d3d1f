// lemon_whole.cc -- solve a whole DIMACS min-cost-flow file with LEMON's network simplex.
//
// usage: lemon_whole FILE.dimacs
//
// Prints the time to read the file, the time to solve it, the peak RSS and
// the optimal cost, for comparison with assign_bench's flow_cost (the sum of
// the part optima, uncovered penalties included).
#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace
{

double peak_rss_mb()
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

double since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fputs("usage: lemon_whole FILE.dimacs\n", stderr);
        return 2;
    }
    typedef lemon::SmartDigraph Graph;
    std::ifstream in(argv[1]);
    if (!in) {
        std::perror(argv[1]);
        return 1;
    }
    Graph g;
    Graph::ArcMap<int64_t> lower(g), upper(g), cost(g);
    Graph::NodeMap<int64_t> supply(g);

    auto t0 = std::chrono::steady_clock::now();
    lemon::readDimacsMin(in, g, lower, upper, cost, supply);
    double t_read = since(t0);

    t0 = std::chrono::steady_clock::now();
    lemon::NetworkSimplex<Graph, int64_t, int64_t> ns(g);
    ns.lowerMap(lower).upperMap(upper).costMap(cost).supplyMap(supply);
    auto status = ns.run();
    double t_solve = since(t0);
    if (status != lemon::NetworkSimplex<Graph, int64_t, int64_t>::OPTIMAL) {
        std::fprintf(stderr, "lemon_whole: %s: no optimal flow (status %d)\n", argv[1],
                     static_cast<int>(status));
        return 1;
    }
    std::printf("file %s: %d nodes, %d arcs\n", argv[1], g.nodeNum(), g.arcNum());
    std::printf("read %.3f s, solve %.3f s, peak rss %.1f MB, optimal cost %lld\n", t_read, t_solve,
                peak_rss_mb(), static_cast<long long>(ns.totalCost()));
    return 0;
}
