/* assign_bench.c -- the pairing optimiser on a synthetic county: time, memory, quality vs greedy.
 */
#include "core/assign.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/*
 * usage: assign_bench OUTDIR [THREADS]
 *
 * The county: 1,000 villages of 300 households in groups of ~40 (the last
 * group of a village is smaller); 20 party members per village with a liaison
 * quota of 15, each at home in one group (one per village stationed from
 * outside, group 0). About 30% of households are in difficulty (tiers 1-3);
 * 300 units of ~40 cadres (ranks and quotas by 001's preset) are each paired
 * with 3 or 4 villages, which makes a unit and its villages one assistance
 * part. Skills and needs are 8-bit masks. Everything is drawn from a fixed
 * seed, so every run solves the same county.
 *
 * Both layers are solved from scratch (no current pairs) by assign_solve and
 * by assign_greedy; the figures go to stdout, and each layer's whole network
 * is written as DIMACS to OUTDIR/{liaison,assistance}.dimacs for lemon_whole.
 */

#define VILLAGES 1000
#define HH_PER_VILLAGE 300
#define GROUP_SIZE 40
#define MEMBERS_PER_VILLAGE 20
#define LIAISON_QUOTA 15
#define UNITS 300
#define SKILLS 8

static uint64_t rng_state = 20240601;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int below(int n)
{
    return (int)(rnd() % (uint64_t)n);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set of the process so far, in MiB. */
static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* The county's households (both layers draw on them) and its two member lists. */
typedef struct county {
    assign_household *liaison_h; /* every household, part = village */
    size_t n_liaison_h;          /* 300,000 */
    assign_member *liaison_m;    /* party members, part = village */
    size_t n_liaison_m;          /* 20,000 */
    assign_household *assist_h;  /* households in difficulty, part = unit */
    size_t n_assist_h;           /* about 90,000 */
    assign_member *assist_m;     /* unit cadres, part = unit */
    size_t n_assist_m;           /* about 12,000 */
} county;

static int64_t one_skill(void)
{
    return (int64_t)1 << below(SKILLS);
}

static void build_county(county *c)
{
    memset(c, 0, sizeof *c);
    size_t nh = (size_t)VILLAGES * HH_PER_VILLAGE;
    c->liaison_h = calloc(nh, sizeof *c->liaison_h);
    c->assist_h = calloc(nh, sizeof *c->assist_h);
    c->liaison_m = calloc((size_t)VILLAGES * MEMBERS_PER_VILLAGE, sizeof *c->liaison_m);
    c->assist_m = calloc((size_t)UNITS * 48, sizeof *c->assist_m);
    if (!c->liaison_h || !c->assist_h || !c->liaison_m || !c->assist_m) {
        fputs("assign_bench: out of memory\n", stderr);
        exit(1);
    }

    /* unit u is paired with villages first[u] .. first[u+1]-1 (3 or 4 of them) */
    int first[UNITS + 1], unit_of[VILLAGES];
    for (int u = 0; u <= UNITS; u++)
        first[u] = (int)((int64_t)u * VILLAGES / UNITS);
    for (int u = 0; u < UNITS; u++)
        for (int v = first[u]; v < first[u + 1]; v++)
            unit_of[v] = u;

    int groups = (HH_PER_VILLAGE + GROUP_SIZE - 1) / GROUP_SIZE;
    int64_t hid = 1, mid = 1;
    for (int v = 0; v < VILLAGES; v++) {
        for (int k = 0; k < MEMBERS_PER_VILLAGE; k++) {
            assign_member *m = &c->liaison_m[c->n_liaison_m++];
            m->id = mid++;
            m->part = v;
            /* spread over the groups; the last one stationed from outside */
            m->group = k == MEMBERS_PER_VILLAGE - 1 ? 0 : v * 16 + 1 + k % groups;
            m->rank = 1;
            m->skills = one_skill() | (below(3) == 0 ? one_skill() : 0);
            m->quota = LIAISON_QUOTA;
        }
        for (int i = 0; i < HH_PER_VILLAGE; i++) {
            assign_household *h = &c->liaison_h[c->n_liaison_h++];
            h->id = hid++;
            h->part = v;
            h->group = v * 16 + 1 + i / GROUP_SIZE;
            int r = below(100); /* 30% in difficulty: 15% of them hardest, 35% harder */
            h->tier = r >= 30 ? 0 : r < 5 ? 3 : r < 15 ? 2 : 1;
            h->needs = below(5) == 0 ? one_skill() : 0;
            if (h->tier > 0) {
                assign_household *a = &c->assist_h[c->n_assist_h++];
                *a = *h;
                a->part = unit_of[v];
                a->needs = below(2) == 0 ? one_skill() : 0;
            }
        }
    }
    /* ~40 cadres a unit by 001's preset: city-managed leader 5, county-managed
     * leader 4, middle-level 3, ordinary 2, college-graduate official 1 */
    for (int u = 0; u < UNITS; u++) {
        int n = 36 + below(9);
        for (int k = 0; k < n; k++) {
            assign_member *m = &c->assist_m[c->n_assist_m++];
            m->id = mid++;
            m->part = u;
            m->group = 0;
            m->skills = one_skill() | (below(2) == 0 ? one_skill() : 0);
            if (k == 0)
                m->rank = 3, m->quota = 5;
            else if (k < 3)
                m->rank = 3, m->quota = 4;
            else if (k < 10)
                m->rank = 2, m->quota = 3;
            else if (k < n - 3)
                m->rank = 1, m->quota = 2;
            else
                m->rank = 0, m->quota = 1;
        }
    }
}

static void print_header(void)
{
    printf("%-10s %-9s %7s %8s %9s %9s %8s %8s %8s %7s %8s %12s %14s %16s\n", "layer", "solver",
           "time_s", "rss_mb", "house", "covered", "cover%", "hardest", "h_leader", "share%",
           "dist_sum", "objective", "penalty", "flow_cost");
}

static void print_row(const char *layer, const char *solver, double secs, const assign_stats *s)
{
    printf("%-10s %-9s %7.3f %8.1f %9lld %9lld %8.2f %8lld %8lld %7.2f %8lld %12lld %14lld "
           "%16lld\n",
           layer, solver, secs, peak_rss_mb(), (long long)s->households, (long long)s->covered,
           s->households ? 100.0 * (double)s->covered / (double)s->households : 0.0,
           (long long)s->hardest, (long long)s->hardest_leader,
           s->hardest ? 100.0 * (double)s->hardest_leader / (double)s->hardest : 0.0,
           (long long)s->distance_sum, (long long)s->objective, (long long)s->penalty,
           (long long)s->flow_cost);
    fflush(stdout);
}

/* FNV-1a over the pairs, to compare runs (threads, input order) at a glance. */
static uint64_t pairs_hash(const assign_result *res, size_t n)
{
    uint64_t x = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        uint64_t v[2] = {(uint64_t)res[i].household_id, (uint64_t)res[i].member_id};
        const unsigned char *b = (const unsigned char *)v;
        for (size_t k = 0; k < sizeof v; k++)
            x = (x ^ b[k]) * 1099511628211ull;
    }
    return x;
}

static void to_file(void *ctx, const char *s, size_t n)
{
    if (fwrite(s, 1, n, ctx) != n) {
        perror("assign_bench: write");
        exit(1);
    }
}

/* Solve one layer both ways, then write its DIMACS file. Returns the optimiser's seconds. */
static double run_layer(const char *name, assign_layer layer, const assign_household *h, size_t nh,
                        const assign_member *m, size_t nm, const assign_weights *w, int threads,
                        const char *outdir)
{
    assign_result *res = malloc(nh * sizeof *res);
    assign_stats st;
    char path[4096];
    if (!res)
        exit(1);

    double t0 = now();
    if (assign_solve(layer, h, nh, m, nm, w, 0, threads, res, &st) != LX_OK) {
        fprintf(stderr, "assign_bench: %s: assign_solve failed\n", name);
        exit(1);
    }
    double t_opt = now() - t0;
    print_row(name, "optimiser", t_opt, &st);
    uint64_t hash = pairs_hash(res, nh);

    t0 = now();
    if (assign_greedy(layer, h, nh, m, nm, w, 0, res, &st) != LX_OK) {
        fprintf(stderr, "assign_bench: %s: assign_greedy failed\n", name);
        exit(1);
    }
    print_row(name, "greedy", now() - t0, &st);
    fprintf(stderr, "assign_bench: %s: pairs hash optimiser %016llx greedy %016llx\n", name,
            (unsigned long long)hash, (unsigned long long)pairs_hash(res, nh));

    snprintf(path, sizeof path, "%s/%s.dimacs", outdir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    t0 = now();
    if (assign_write_dimacs(layer, h, nh, m, nm, w, 0, to_file, f) != LX_OK || fclose(f) != 0) {
        fprintf(stderr, "assign_bench: %s: writing %s failed\n", name, path);
        exit(1);
    }
    fprintf(stderr, "assign_bench: wrote %s in %.2f s\n", path, now() - t0);
    free(res);
    return t_opt;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: assign_bench OUTDIR [THREADS]\n", stderr);
        return 2;
    }
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    county c;
    const assign_weights w = {.distance = 10, .rank = 10, .skill = 4, .keep = 5};

    double t0 = now();
    build_county(&c);
    fprintf(stderr,
            "assign_bench: county of %zu households (%zu in difficulty), %zu members, "
            "%zu cadres, built in %.2f s, rss %.1f MB; threads %d\n",
            c.n_liaison_h, c.n_assist_h, c.n_liaison_m, c.n_assist_m, now() - t0, peak_rss_mb(),
            threads);

    print_header();
    double t_l = run_layer("liaison", ASSIGN_LIAISON, c.liaison_h, c.n_liaison_h, c.liaison_m,
                           c.n_liaison_m, &w, threads, argv[1]);
    double t_a = run_layer("assistance", ASSIGN_ASSISTANCE, c.assist_h, c.n_assist_h, c.assist_m,
                           c.n_assist_m, &w, threads, argv[1]);
    printf("both layers by the optimiser: %.3f s, peak rss of the process %.1f MB\n", t_l + t_a,
           peak_rss_mb());

    free(c.liaison_h);
    free(c.liaison_m);
    free(c.assist_h);
    free(c.assist_m);
    return 0;
}
