/* assign.c -- the pairing optimiser: members to households as a min-cost flow, part by part. */
#include "core/assign.h"
#include "core/mcf.h"
#include "util/xalloc.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 8
#define NO_ENTRY SIZE_MAX /* a household without a member entry of its part */

/* ---- costs ---- */

/* The rank the tier calls for: the hardest to leaders, the harder to middle
 * cadres, the rest to ordinary ones. */
static int32_t wanted_rank(int32_t tier)
{
    return tier >= 3 ? 3 : tier == 2 ? 2 : 1;
}

int64_t assign_cost(assign_layer layer, const assign_household *h, const assign_member *m,
                    const assign_weights *w)
{
    int64_t c = 0;
    if (layer == ASSIGN_LIAISON) {
        if (h->group == 0 || m->group == 0 || h->group != m->group)
            c += w->distance;
    } else {
        int64_t d = (int64_t)m->rank - wanted_rank(h->tier);
        c += w->rank * (d < 0 ? -d : d);
    }
    if (h->needs != 0 && (h->needs & m->skills) == 0)
        c += w->skill;
    return c;
}

int64_t assign_uncovered_penalty(assign_layer layer, const assign_weights *w, int32_t tier)
{
    int64_t worst = layer == ASSIGN_LIAISON ? w->distance : 3 * w->rank;
    int64_t big = worst + w->skill + w->keep + 1;
    if (tier < 0)
        tier = 0;
    if (tier > 3)
        tier = 3;
    return big * (1 + tier);
}

/* ---- the problem, grouped by part ---- */

/* A household with its place in the caller's array. */
typedef struct hh_entry {
    assign_household h; /* the caller's entry */
    size_t idx;         /* its index in the caller's array */
} hh_entry;

/* A member entry with its place in the caller's array. */
typedef struct mb_entry {
    assign_member m; /* the caller's entry */
    size_t idx;      /* its index in the caller's array */
} mb_entry;

/* Everything a part's solver reads, and where it writes. Households and
 * members are grouped by part and sorted by id within it, so the network of
 * a part depends on the input's content, not on its order. */
typedef struct problem {
    assign_layer layer;      /* which layer */
    const assign_weights *w; /* borrowed from the caller */
    int rebalance;           /* reconsider current pairs */
    size_t nparts;           /* parts 0..nparts-1 */
    hh_entry *hs;            /* households, by part then id */
    size_t *hstart;          /* part p's households are hs[hstart[p] .. hstart[p+1]) */
    mb_entry *ms;            /* member entries, by part then id */
    size_t *mstart;          /* part p's members are ms[mstart[p] .. mstart[p+1]) */
    int32_t *room;           /* ms[j]'s quota left for households in the network */
    size_t *res;             /* per hs[i]: the ms index of its member, or NO_ENTRY */
    int64_t *res_id;         /* per hs[i]: its member id after the run, or 0 */
    int64_t *part_cost;      /* per part: the optimum of its network (checked in debug) */
} problem;

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_hh(const void *pa, const void *pb)
{
    const hh_entry *a = pa, *b = pb;
    int c = cmp_i64(a->h.id, b->h.id);
    if (!c)
        c = cmp_i64(a->h.current, b->h.current);
    if (!c)
        c = cmp_i64(a->h.tier, b->h.tier);
    if (!c)
        c = cmp_i64(a->h.group, b->h.group);
    if (!c)
        c = cmp_i64(a->h.needs, b->h.needs);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static int cmp_mb(const void *pa, const void *pb)
{
    const mb_entry *a = pa, *b = pb;
    int c = cmp_i64(a->m.id, b->m.id);
    if (!c)
        c = cmp_i64(a->m.quota, b->m.quota);
    if (!c)
        c = cmp_i64(a->m.rank, b->m.rank);
    if (!c)
        c = cmp_i64(a->m.group, b->m.group);
    if (!c)
        c = cmp_i64(a->m.skills, b->m.skills);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* The first member entry of part p with this id, or NO_ENTRY. */
static size_t find_member(const problem *pb, size_t p, int64_t id)
{
    size_t lo = pb->mstart[p], hi = pb->mstart[p + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pb->ms[mid].m.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pb->mstart[p + 1] && pb->ms[lo].m.id == id ? lo : NO_ENTRY;
}

/* Whether household hs[i] is free to be assigned (in the network). */
static int is_free(const problem *pb, size_t i)
{
    return pb->rebalance || pb->hs[i].h.current == 0;
}

static int weight_ok(int64_t v)
{
    return v >= 0 && v <= ASSIGN_WEIGHT_MAX;
}

static lx_status check_input(const assign_household *households, size_t nh,
                             const assign_member *members, size_t nm, const assign_weights *w)
{
    if ((nh && !households) || (nm && !members) || !w)
        return LX_EINVAL;
    if (!weight_ok(w->distance) || !weight_ok(w->rank) || !weight_ok(w->skill) ||
        !weight_ok(w->keep))
        return LX_EINVAL;
    size_t limit = nh + nm; /* dense numbering: never more parts than entries */
    for (size_t i = 0; i < nh; i++) {
        const assign_household *h = &households[i];
        if (h->part < 0 || (size_t)h->part >= limit || h->tier < 0 || h->tier > 3)
            return LX_EINVAL;
    }
    for (size_t j = 0; j < nm; j++) {
        const assign_member *m = &members[j];
        if (m->part < 0 || (size_t)m->part >= limit || m->rank < 0 || m->rank > 3 || m->quota < 0 ||
            m->id <= 0)
            return LX_EINVAL;
    }
    return LX_OK;
}

/* Group the entries by part (a counting sort), sort each part by id, and
 * work out each member's room: its quota, less the pairs kept as they are. */
static void problem_init(problem *pb, assign_layer layer, const assign_household *households,
                         size_t nh, const assign_member *members, size_t nm,
                         const assign_weights *w, int rebalance)
{
    memset(pb, 0, sizeof *pb);
    pb->layer = layer;
    pb->w = w;
    pb->rebalance = rebalance ? 1 : 0;
    for (size_t i = 0; i < nh; i++)
        if ((size_t)households[i].part + 1 > pb->nparts)
            pb->nparts = (size_t)households[i].part + 1;
    for (size_t j = 0; j < nm; j++)
        if ((size_t)members[j].part + 1 > pb->nparts)
            pb->nparts = (size_t)members[j].part + 1;

    size_t np = pb->nparts;
    pb->hstart = xcalloc(np + 2, sizeof *pb->hstart);
    pb->mstart = xcalloc(np + 2, sizeof *pb->mstart);
    for (size_t i = 0; i < nh; i++)
        pb->hstart[households[i].part + 2]++;
    for (size_t j = 0; j < nm; j++)
        pb->mstart[members[j].part + 2]++;
    for (size_t p = 2; p < np + 2; p++) {
        pb->hstart[p] += pb->hstart[p - 1];
        pb->mstart[p] += pb->mstart[p - 1];
    }
    /* now hstart[p + 1] is where part p begins; filling shifts it to hstart[p] */
    pb->hs = xmalloc((nh ? nh : 1) * sizeof *pb->hs);
    pb->ms = xmalloc((nm ? nm : 1) * sizeof *pb->ms);
    for (size_t i = 0; i < nh; i++) {
        hh_entry *e = &pb->hs[pb->hstart[households[i].part + 1]++];
        e->h = households[i];
        e->idx = i;
    }
    for (size_t j = 0; j < nm; j++) {
        mb_entry *e = &pb->ms[pb->mstart[members[j].part + 1]++];
        e->m = members[j];
        e->idx = j;
    }
    for (size_t p = 0; p < np; p++) {
        qsort(pb->hs + pb->hstart[p], pb->hstart[p + 1] - pb->hstart[p], sizeof *pb->hs, cmp_hh);
        qsort(pb->ms + pb->mstart[p], pb->mstart[p + 1] - pb->mstart[p], sizeof *pb->ms, cmp_mb);
    }

    pb->room = xmalloc((nm ? nm : 1) * sizeof *pb->room);
    pb->res = xmalloc((nh ? nh : 1) * sizeof *pb->res);
    pb->res_id = xcalloc(nh ? nh : 1, sizeof *pb->res_id);
    pb->part_cost = xcalloc(np ? np : 1, sizeof *pb->part_cost);
    for (size_t j = 0; j < nm; j++)
        pb->room[j] = pb->ms[j].m.quota;
    for (size_t p = 0; p < np; p++) {
        for (size_t i = pb->hstart[p]; i < pb->hstart[p + 1]; i++) {
            pb->res[i] = NO_ENTRY;
            if (is_free(pb, i))
                continue;
            /* kept as it is: the member may not be an entry of the part at all */
            size_t j = find_member(pb, p, pb->hs[i].h.current);
            pb->res[i] = j;
            pb->res_id[i] = pb->hs[i].h.current;
            if (j != NO_ENTRY && pb->room[j] > 0)
                pb->room[j]--;
        }
    }
}

static void problem_release(problem *pb)
{
    free(pb->hs);
    free(pb->hstart);
    free(pb->ms);
    free(pb->mstart);
    free(pb->room);
    free(pb->res);
    free(pb->res_id);
    free(pb->part_cost);
}

/* ---- the network of one part ---- */

/* One part's flow network (SPEC C2): node 0 the source, 1 the sink, then the
 * members with room (by id), then the free households (by id). Arcs: source
 * to each member (their room, cost 0); each member to each household (1, the
 * cost, less the keep bonus on a current pair when rebalancing); source to
 * each household (1, the uncovered penalty of its tier); each household to
 * the sink (1, cost 0). The source supplies every free household and the sink
 * takes them all, so the flow always exists. The buffers are reused. */
typedef struct net {
    size_t *mem;                               /* ms index of each member node */
    size_t *hh;                                /* hs index of each household node */
    int nm, nh;                                /* members with room, free households */
    int n_nodes;                               /* 2 + nm + nh */
    int n_arcs;                                /* nm + nm * nh + 2 * nh */
    int64_t *supply;                           /* per node */
    int *from, *to;                            /* per arc */
    int64_t *cap, *cost, *flow;                /* per arc */
    size_t mem_cap, hh_cap, node_cap, arc_cap; /* allocated lengths */
} net;

static void net_release(net *n)
{
    free(n->mem);
    free(n->hh);
    free(n->supply);
    free(n->from);
    free(n->to);
    free(n->cap);
    free(n->cost);
    free(n->flow);
}

/* p, or a fresh allocation of at least `want` elements of `elem` bytes if
 * *have is less (the old contents are not kept). */
static void *ensure(void *p, size_t *have, size_t want, size_t elem)
{
    if (want <= *have)
        return p;
    size_t n = *have ? *have : 64;
    while (n < want)
        n *= 2;
    free(p);
    *have = n;
    return xmalloc(n * elem);
}

/* Build part p's network into n. LX_EINVAL if it has more than INT_MAX arcs. */
static lx_status net_build(net *n, const problem *pb, size_t p)
{
    size_t h0 = pb->hstart[p], h1 = pb->hstart[p + 1];
    size_t m0 = pb->mstart[p], m1 = pb->mstart[p + 1];
    n->mem = ensure(n->mem, &n->mem_cap, m1 - m0 + 1, sizeof *n->mem);
    n->hh = ensure(n->hh, &n->hh_cap, h1 - h0 + 1, sizeof *n->hh);

    n->nm = n->nh = 0;
    for (size_t i = h0; i < h1; i++)
        if (is_free(pb, i))
            n->hh[n->nh++] = i;
    if (n->nh > 0)
        for (size_t j = m0; j < m1; j++)
            if (pb->room[j] > 0)
                n->mem[n->nm++] = j;

    size_t nodes = 2 + (size_t)n->nm + (size_t)n->nh;
    size_t arcs = (size_t)n->nm * ((size_t)n->nh + 1) + 2 * (size_t)n->nh;
    if (arcs > INT_MAX || nodes > INT_MAX)
        return LX_EINVAL;
    n->n_nodes = (int)nodes;
    n->n_arcs = (int)arcs;
    n->supply = ensure(n->supply, &n->node_cap, nodes, sizeof *n->supply);
    if (arcs > n->arc_cap) {
        size_t c = n->arc_cap;
        n->from = ensure(n->from, &c, arcs, sizeof *n->from);
        c = n->arc_cap;
        n->to = ensure(n->to, &c, arcs, sizeof *n->to);
        c = n->arc_cap;
        n->cap = ensure(n->cap, &c, arcs, sizeof *n->cap);
        c = n->arc_cap;
        n->cost = ensure(n->cost, &c, arcs, sizeof *n->cost);
        c = n->arc_cap;
        n->flow = ensure(n->flow, &c, arcs, sizeof *n->flow);
        n->arc_cap = c;
    }

    memset(n->supply, 0, nodes * sizeof *n->supply);
    n->supply[0] = n->nh;
    n->supply[1] = -(int64_t)n->nh;
    int k = 0, hbase = 2 + n->nm;
    for (int a = 0; a < n->nm; a++, k++) {
        n->from[k] = 0;
        n->to[k] = 2 + a;
        n->cap[k] = pb->room[n->mem[a]];
        n->cost[k] = 0;
    }
    for (int a = 0; a < n->nm; a++) {
        const assign_member *m = &pb->ms[n->mem[a]].m;
        for (int f = 0; f < n->nh; f++, k++) {
            const assign_household *h = &pb->hs[n->hh[f]].h;
            n->from[k] = 2 + a;
            n->to[k] = hbase + f;
            n->cap[k] = 1;
            n->cost[k] = assign_cost(pb->layer, h, m, pb->w);
            if (pb->rebalance && h->current == m->id)
                n->cost[k] -= pb->w->keep;
        }
    }
    for (int f = 0; f < n->nh; f++, k++) {
        n->from[k] = 0;
        n->to[k] = hbase + f;
        n->cap[k] = 1;
        n->cost[k] = assign_uncovered_penalty(pb->layer, pb->w, pb->hs[n->hh[f]].h.tier);
    }
    for (int f = 0; f < n->nh; f++, k++) {
        n->from[k] = hbase + f;
        n->to[k] = 1;
        n->cap[k] = 1;
        n->cost[k] = 0;
    }
    return LX_OK;
}

/* Solve part p with the buffers of n and write its households' members. */
static lx_status solve_part(net *n, problem *pb, size_t p)
{
    lx_status rc = net_build(n, pb, p);
    if (rc || n->nh == 0)
        return rc;
    int64_t total = 0;
    if (mcf_solve(n->n_nodes, n->supply, n->n_arcs, n->from, n->to, n->cap, n->cost, n->flow,
                  &total) != 0)
        BUG("assign: the pairing network has no optimal flow");
    for (int a = 0; a < n->nm; a++) {
        const int64_t *flow = n->flow + n->nm + (size_t)a * (size_t)n->nh;
        for (int f = 0; f < n->nh; f++) {
            if (flow[f] > 0) {
                pb->res[n->hh[f]] = n->mem[a];
                pb->res_id[n->hh[f]] = pb->ms[n->mem[a]].m.id;
            }
        }
    }
    pb->part_cost[p] = total;
    return LX_OK;
}

/* ---- parts in parallel ---- */

/* What the workers share: the next part to take, and the first failure. */
typedef struct pool {
    problem *pb;        /* the problem; each part's results are written by one worker */
    atomic_size_t next; /* the next part to solve */
    atomic_int failed;  /* the first status that was not LX_OK */
} pool;

static void *worker(void *arg)
{
    pool *pl = arg;
    net n;
    memset(&n, 0, sizeof n);
    for (;;) {
        size_t p = atomic_fetch_add(&pl->next, 1);
        if (p >= pl->pb->nparts || atomic_load(&pl->failed))
            break;
        lx_status rc = solve_part(&n, pl->pb, p);
        if (rc) {
            int expected = 0;
            atomic_compare_exchange_strong(&pl->failed, &expected, (int)rc);
        }
    }
    net_release(&n);
    return NULL;
}

static lx_status solve_all(problem *pb, int threads)
{
    pool pl;
    pl.pb = pb;
    atomic_init(&pl.next, 0);
    atomic_init(&pl.failed, 0);
    if (threads < 1)
        threads = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if ((size_t)threads > pb->nparts)
        threads = (int)pb->nparts;
    if (threads <= 1) {
        worker(&pl);
        return (lx_status)atomic_load(&pl.failed);
    }
    pthread_t tid[MAX_THREADS];
    int started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, worker, &pl) != 0)
            break;
    if (started == 0)
        worker(&pl); /* no thread to be had: do it here */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    return (lx_status)atomic_load(&pl.failed);
}

/* ---- results and figures ---- */

static void fill_results(const problem *pb, size_t nh, assign_result *results)
{
    for (size_t i = 0; i < nh; i++) {
        results[pb->hs[i].idx].household_id = pb->hs[i].h.id;
        results[pb->hs[i].idx].member_id = pb->res_id[i];
    }
}

/* The figures, walking the parts in order. Pairs kept with a member who is
 * not an entry of the part count as covered and kept, but add no cost. */
static void fill_stats(const problem *pb, size_t nh, assign_stats *st)
{
    memset(st, 0, sizeof *st);
    st->households = (int64_t)nh;
    for (size_t p = 0; p < pb->nparts; p++) {
        if (pb->hstart[p + 1] > pb->hstart[p])
            st->parts++;
        for (size_t i = pb->hstart[p]; i < pb->hstart[p + 1]; i++) {
            const assign_household *h = &pb->hs[i].h;
            int64_t got = pb->res_id[i];
            size_t j = pb->res[i];
            const assign_member *m = j == NO_ENTRY ? NULL : &pb->ms[j].m;
            if (h->tier == 3)
                st->hardest++;
            if (got == 0) {
                st->uncovered++;
                if (h->current != 0)
                    st->dropped++;
                st->penalty += assign_uncovered_penalty(pb->layer, pb->w, h->tier);
                continue;
            }
            st->covered++;
            if (h->current == 0)
                st->added++;
            else if (h->current == got)
                st->kept++;
            else
                st->moved++;
            if (!m)
                continue;
            int64_t c = assign_cost(pb->layer, h, m, pb->w);
            st->objective += c;
            if (is_free(pb, i))
                st->flow_cost += c - (pb->rebalance && h->current == got ? pb->w->keep : 0);
            if (h->tier == 3 && m->rank == 3)
                st->hardest_leader++;
            if (pb->layer == ASSIGN_LIAISON &&
                (h->group == 0 || m->group == 0 || h->group != m->group))
                st->distance_sum++;
        }
    }
    st->flow_cost += st->penalty;
}

lx_status assign_solve(assign_layer layer, const assign_household *households, size_t nh,
                       const assign_member *members, size_t nm, const assign_weights *w,
                       int rebalance, int threads, assign_result *results, assign_stats *stats)
{
    problem pb;
    lx_status rc = check_input(households, nh, members, nm, w);
    if (rc || (nh && !results))
        return rc ? rc : LX_EINVAL;
    problem_init(&pb, layer, households, nh, members, nm, w, rebalance);
    rc = solve_all(&pb, threads);
    if (rc)
        goto out;
    fill_results(&pb, nh, results);
    if (stats) {
        fill_stats(&pb, nh, stats);
#ifndef NDEBUG
        int64_t sum = 0;
        for (size_t p = 0; p < pb.nparts; p++)
            sum += pb.part_cost[p];
        if (sum != stats->flow_cost)
            BUG("assign: the figures disagree with the flow's cost");
#endif
    }
out:
    problem_release(&pb);
    return rc;
}

/* ---- the greedy pass, for comparison ---- */

/* Hardest first, then by id. */
static int cmp_greedy(const void *pa, const void *pb)
{
    const hh_entry *a = *(const hh_entry *const *)pa, *b = *(const hh_entry *const *)pb;
    if (a->h.tier != b->h.tier)
        return a->h.tier > b->h.tier ? -1 : 1;
    int c = cmp_i64(a->h.id, b->h.id);
    return c ? c : (a < b ? -1 : a > b);
}

lx_status assign_greedy(assign_layer layer, const assign_household *households, size_t nh,
                        const assign_member *members, size_t nm, const assign_weights *w,
                        int rebalance, assign_result *results, assign_stats *stats)
{
    problem pb;
    hh_entry **order = NULL;
    lx_status rc = check_input(households, nh, members, nm, w);
    if (rc || (nh && !results))
        return rc ? rc : LX_EINVAL;
    problem_init(&pb, layer, households, nh, members, nm, w, rebalance);
    order = xmalloc((nh ? nh : 1) * sizeof *order);
    for (size_t p = 0; p < pb.nparts; p++) {
        size_t k = 0, m0 = pb.mstart[p], m1 = pb.mstart[p + 1];
        for (size_t i = pb.hstart[p]; i < pb.hstart[p + 1]; i++)
            if (is_free(&pb, i))
                order[k++] = &pb.hs[i];
        qsort(order, k, sizeof *order, cmp_greedy);
        for (size_t o = 0; o < k; o++) {
            const assign_household *h = &order[o]->h;
            size_t i = (size_t)(order[o] - pb.hs), best = NO_ENTRY;
            int64_t best_cost = 0;
            for (size_t j = m0; j < m1; j++) {
                if (pb.room[j] <= 0)
                    continue;
                int64_t c = assign_cost(layer, h, &pb.ms[j].m, w);
                if (pb.rebalance && h->current == pb.ms[j].m.id)
                    c -= w->keep;
                if (best == NO_ENTRY || c < best_cost) {
                    best = j;
                    best_cost = c;
                }
            }
            if (best != NO_ENTRY) {
                pb.room[best]--;
                pb.res[i] = best;
                pb.res_id[i] = pb.ms[best].m.id;
            }
        }
    }
    fill_results(&pb, nh, results);
    if (stats)
        fill_stats(&pb, nh, stats);
    free(order);
    problem_release(&pb);
    return LX_OK;
}

/* ---- DIMACS ---- */

/* A buffered writer to the caller's callback. */
typedef struct out_buf {
    char buf[1 << 16];                                 /* pending text */
    size_t len;                                        /* bytes pending */
    void (*write)(void *ctx, const char *s, size_t n); /* the caller's sink */
    void *ctx;                                         /* its context */
} out_buf;

static void out_flush(out_buf *o)
{
    if (o->len)
        o->write(o->ctx, o->buf, o->len);
    o->len = 0;
}

static void out_str(out_buf *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len + n > sizeof o->buf)
        out_flush(o);
    if (n > sizeof o->buf) {
        o->write(o->ctx, s, n);
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* Append " <v>" (a space, then the decimal number). */
static void out_num(out_buf *o, int64_t v)
{
    char tmp[24];
    int k = (int)sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--k] = '-';
    tmp[--k] = ' ';
    if (o->len + sizeof tmp > sizeof o->buf)
        out_flush(o);
    memcpy(o->buf + o->len, tmp + k, sizeof tmp - (size_t)k);
    o->len += sizeof tmp - (size_t)k;
}

lx_status assign_write_dimacs(assign_layer layer, const assign_household *households, size_t nh,
                              const assign_member *members, size_t nm, const assign_weights *w,
                              int rebalance, void (*write)(void *ctx, const char *s, size_t n),
                              void *ctx)
{
    problem pb;
    net n;
    out_buf *o = NULL;
    lx_status rc = check_input(households, nh, members, nm, w);
    if (rc || !write)
        return rc ? rc : LX_EINVAL;
    problem_init(&pb, layer, households, nh, members, nm, w, rebalance);
    memset(&n, 0, sizeof n);

    /* First pass: the size of the whole network. The parts share the source
     * (node 1) and the sink (node 2); each adds its members and households. */
    int64_t nodes = 2, arcs = 0, supply = 0, parts = 0;
    for (size_t p = 0; p < pb.nparts; p++) {
        rc = net_build(&n, &pb, p);
        if (rc)
            goto out;
        if (n.nh == 0)
            continue;
        parts++;
        nodes += n.n_nodes - 2;
        arcs += n.n_arcs;
        supply += n.nh;
    }

    o = xmalloc(sizeof *o);
    o->len = 0;
    o->write = write;
    o->ctx = ctx;
    out_str(o, layer == ASSIGN_LIAISON ? "c lianxin pairing, liaison layer\n"
                                       : "c lianxin pairing, assistance layer\n");
    out_str(o, "c node 1 source, node 2 sink; then per part its members and households by id\n");
    out_str(o, "c parts");
    out_num(o, parts);
    out_str(o, "\np min");
    out_num(o, nodes);
    out_num(o, arcs);
    out_str(o, "\nn 1");
    out_num(o, supply);
    out_str(o, "\nn 2");
    out_num(o, -supply);
    out_str(o, "\n");

    int64_t base = 3; /* the DIMACS id of the part's first member or household */
    for (size_t p = 0; p < pb.nparts; p++) {
        rc = net_build(&n, &pb, p);
        if (rc)
            goto out;
        if (n.nh == 0)
            continue;
        for (int k = 0; k < n.n_arcs; k++) {
            int64_t a = n.from[k] < 2 ? n.from[k] + 1 : base + n.from[k] - 2;
            int64_t b = n.to[k] < 2 ? n.to[k] + 1 : base + n.to[k] - 2;
            out_str(o, "a");
            out_num(o, a);
            out_num(o, b);
            out_num(o, 0);
            out_num(o, n.cap[k]);
            out_num(o, n.cost[k]);
            out_str(o, "\n");
        }
        base += n.n_nodes - 2;
    }
    out_flush(o);
out:
    free(o);
    net_release(&n);
    problem_release(&pb);
    return rc;
}
