/* test_assign.c -- the pairing optimiser: optimal, stable, hardest first, reproducible. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/assign.h"
#include "core/mcf.h"

#define MAX_H 7 /* households in a brute-forced instance */
#define MAX_M 3 /* members in a brute-forced instance */
#define RANDOM_RUNS 200

static const assign_weights plain = {.distance = 2, .rank = 3, .skill = 5, .keep = 0};

/* ---- a small deterministic PRNG (splitmix64) ---- */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
    uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int rnd_below(int n)
{
    return (int)(rnd() % (uint64_t)n);
}

/* ---- instances ---- */

/* One problem: what assign_solve takes. */
typedef struct instance {
    assign_layer layer;      /* which layer */
    assign_weights w;        /* the weights */
    int rebalance;           /* reconsider current pairs */
    size_t nh, nm;           /* counts */
    assign_household h[256]; /* households */
    assign_member m[64];     /* member entries */
} instance;

static void add_member(instance *in, int64_t id, int32_t part, int32_t group, int32_t rank,
                       int64_t skills, int32_t quota)
{
    in->m[in->nm++] = (assign_member){
        .id = id, .part = part, .group = group, .rank = rank, .skills = skills, .quota = quota};
}

static void add_household(instance *in, int64_t id, int32_t part, int32_t group, int32_t tier,
                          int64_t needs, int64_t current)
{
    in->h[in->nh++] = (assign_household){
        .id = id, .part = part, .group = group, .tier = tier, .needs = needs, .current = current};
}

/* A random instance of up to `maxh` households and `maxm` members in up to
 * `maxp` parts, with current pairs (some with members of no entry, some
 * beyond quota) and random weights. */
static void random_instance(instance *in, uint64_t seed, int maxh, int maxm, int maxp)
{
    memset(in, 0, sizeof *in);
    rnd_state = seed * 7919 + 1;
    in->layer = rnd_below(2) ? ASSIGN_ASSISTANCE : ASSIGN_LIAISON;
    in->rebalance = rnd_below(2);
    in->w = (assign_weights){.distance = rnd_below(6),
                             .rank = rnd_below(6),
                             .skill = rnd_below(6),
                             .keep = rnd_below(2) ? rnd_below(6) : 0};
    int parts = 1 + rnd_below(maxp);
    int nm = 1 + rnd_below(maxm), nh = 1 + rnd_below(maxh);
    for (int j = 0; j < nm; j++)
        add_member(in, 10 + j, rnd_below(parts), rnd_below(4), rnd_below(4), rnd_below(4),
                   rnd_below(4));
    for (int i = 0; i < nh; i++) {
        int32_t part = rnd_below(parts);
        int64_t current = 0;
        int r = rnd_below(10);
        if (r < 5) {
            /* a member of the part, if it has any */
            for (int tries = 0; tries < 4 && !current; tries++) {
                const assign_member *m = &in->m[rnd_below(nm)];
                if (m->part == part)
                    current = m->id;
            }
        } else if (r == 5) {
            current = 99; /* paired with someone who is no entry of the part */
        }
        add_household(in, 100 + 3 * i, part, rnd_below(4), rnd_below(4), rnd_below(4), current);
    }
    /* the caller numbers parts densely: renumber the ones in use */
    int used[8] = {0}, dense[8], next = 0;
    for (size_t j = 0; j < in->nm; j++)
        used[in->m[j].part] = 1;
    for (size_t i = 0; i < in->nh; i++)
        used[in->h[i].part] = 1;
    for (int p = 0; p < parts; p++)
        dense[p] = used[p] ? next++ : -1;
    for (size_t j = 0; j < in->nm; j++)
        in->m[j].part = dense[in->m[j].part];
    for (size_t i = 0; i < in->nh; i++)
        in->h[i].part = dense[in->h[i].part];
}

static lx_status run(const instance *in, int threads, assign_result *res, assign_stats *st)
{
    return assign_solve(in->layer, in->h, in->nh, in->m, in->nm, &in->w, in->rebalance, threads,
                        res, st);
}

static lx_status run_greedy(const instance *in, assign_result *res, assign_stats *st)
{
    return assign_greedy(in->layer, in->h, in->nh, in->m, in->nm, &in->w, in->rebalance, res, st);
}

static int member_index(const instance *in, int32_t part, int64_t id)
{
    for (size_t j = 0; j < in->nm; j++)
        if (in->m[j].id == id && in->m[j].part == part)
            return (int)j;
    return -1;
}

static int is_free(const instance *in, size_t i)
{
    return in->rebalance || in->h[i].current == 0;
}

/* Each member's room for free households: quota less the pairs kept as they are. */
static void room_of(const instance *in, int *room)
{
    for (size_t j = 0; j < in->nm; j++)
        room[j] = in->m[j].quota;
    for (size_t i = 0; i < in->nh; i++) {
        if (is_free(in, i))
            continue;
        int j = member_index(in, in->h[i].part, in->h[i].current);
        if (j >= 0 && room[j] > 0)
            room[j]--;
    }
}

/* The cost of giving free household i member j (-1: none). */
static int64_t pair_cost(const instance *in, size_t i, int j)
{
    const assign_household *h = &in->h[i];
    if (j < 0)
        return assign_uncovered_penalty(in->layer, &in->w, h->tier);
    int64_t c = assign_cost(in->layer, h, &in->m[j], &in->w);
    if (in->rebalance && h->current == in->m[j].id)
        c -= in->w.keep;
    return c;
}

/* The objective of a result, penalties included, over the free households. */
static int64_t total_of(const instance *in, const assign_result *res)
{
    int64_t total = 0;
    for (size_t i = 0; i < in->nh; i++)
        if (is_free(in, i))
            total += pair_cost(
                in, i, res[i].member_id ? member_index(in, in->h[i].part, res[i].member_id) : -1);
    return total;
}

/* The least objective over every feasible assignment, by enumeration. */
static int64_t brute(const instance *in, size_t i, int *room, int64_t sofar)
{
    while (i < in->nh && !is_free(in, i))
        i++;
    if (i == in->nh)
        return sofar;
    int64_t best = brute(in, i + 1, room, sofar + pair_cost(in, i, -1));
    for (size_t j = 0; j < in->nm; j++) {
        if (in->m[j].part != in->h[i].part || room[j] == 0)
            continue;
        room[j]--;
        int64_t t = brute(in, i + 1, room, sofar + pair_cost(in, i, (int)j));
        room[j]++;
        if (t < best)
            best = t;
    }
    return best;
}

/* No member takes more than their quota, except pairs that were kept. */
static void assert_quotas_hold(const instance *in, const assign_result *res)
{
    for (size_t j = 0; j < in->nm; j++) {
        int taken = 0, kept = 0;
        for (size_t i = 0; i < in->nh; i++) {
            if (in->h[i].part != in->m[j].part || res[i].member_id != in->m[j].id)
                continue;
            taken++;
            if (!is_free(in, i))
                kept++;
        }
        assert_true(taken <= (kept > in->m[j].quota ? kept : in->m[j].quota));
    }
}

/* ---- the stories ---- */

static void test_cost_counts_group_distance_rank_gap_and_unmet_needs(void **state)
{
    (void)state;
    const assign_weights w = {.distance = 2, .rank = 3, .skill = 5, .keep = 7};
    assign_member leader = {.id = 1, .group = 4, .rank = 3, .skills = 6, .quota = 1};
    assign_member ordinary = {.id = 2, .group = 0, .rank = 1, .skills = 1, .quota = 1};
    assign_member other = {.id = 3, .group = 4, .rank = 0, .skills = 0, .quota = 1};
    assign_household hard = {.id = 9, .group = 4, .tier = 3, .needs = 2};
    assign_household easy = {.id = 8, .group = 0, .tier = 1, .needs = 0};

    /* liaison: another group (or none) costs the distance; needs the skill */
    assert_int_equal(assign_cost(ASSIGN_LIAISON, &hard, &leader, &w), 0);
    assert_int_equal(assign_cost(ASSIGN_LIAISON, &hard, &ordinary, &w), 2 + 5);
    assert_int_equal(assign_cost(ASSIGN_LIAISON, &easy, &leader, &w), 2);
    /* assistance: rank per level away from the tier's wanted rank */
    assert_int_equal(assign_cost(ASSIGN_ASSISTANCE, &hard, &leader, &w), 0);
    assert_int_equal(assign_cost(ASSIGN_ASSISTANCE, &hard, &ordinary, &w), 2 * 3 + 5);
    assert_int_equal(assign_cost(ASSIGN_ASSISTANCE, &easy, &leader, &w), 2 * 3);
    assert_int_equal(assign_cost(ASSIGN_ASSISTANCE, &easy, &other, &w), 1 * 3);
    assert_int_equal(assign_cost(ASSIGN_ASSISTANCE, &hard, &other, &w), 3 * 3 + 5);
    /* leaving one uncovered outweighs the dearest pair with the keep bonus */
    assert_int_equal(assign_uncovered_penalty(ASSIGN_LIAISON, &w, 0), 2 + 5 + 7 + 1);
    assert_int_equal(assign_uncovered_penalty(ASSIGN_ASSISTANCE, &w, 3), 4 * (9 + 5 + 7 + 1));
}

static void test_optimiser_finds_the_best_assignment_that_brute_force_finds(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < RANDOM_RUNS; seed++) {
        instance in;
        assign_result res[MAX_H];
        assign_stats st;
        int room[MAX_M];
        random_instance(&in, seed, MAX_H, MAX_M, 2);
        assert_int_equal(run(&in, 1, res, &st), LX_OK);

        room_of(&in, room);
        int64_t best = brute(&in, 0, room, 0);
        assert_int_equal(total_of(&in, res), best);
        assert_int_equal(st.flow_cost, best);
        assert_quotas_hold(&in, res);
        for (size_t i = 0; i < in.nh; i++) {
            assert_int_equal(res[i].household_id, in.h[i].id);
            if (!is_free(&in, i))
                assert_int_equal(res[i].member_id, in.h[i].current);
        }
        assert_int_equal(st.covered + st.uncovered, (int64_t)in.nh);
        assert_int_equal(st.added + st.kept + st.moved, st.covered);
    }
}

static void test_running_again_on_its_own_result_changes_nothing(void **state)
{
    (void)state;
    for (uint64_t seed = 1000; seed < 1020; seed++) {
        instance in;
        assign_result first[256], again[256];
        assign_stats st1, st2;
        memset(&in, 0, sizeof in);
        rnd_state = seed;
        in.layer = (assign_layer)(seed % 2);
        in.w = (assign_weights){.distance = rnd_below(4),
                                .rank = rnd_below(4),
                                .skill = rnd_below(4),
                                .keep = 1 + rnd_below(5)};
        for (int j = 0; j < 12; j++)
            add_member(&in, 10 + j, j % 3, rnd_below(5), rnd_below(4), rnd_below(8), rnd_below(6));
        for (int i = 0; i < 80; i++)
            add_household(&in, 1000 + i, rnd_below(3), rnd_below(5), rnd_below(4), rnd_below(8), 0);
        in.rebalance = 0;
        assert_int_equal(run(&in, 1, first, &st1), LX_OK);
        for (size_t i = 0; i < in.nh; i++)
            in.h[i].current = first[i].member_id;

        /* without rebalance: everything is kept, nothing added */
        assert_int_equal(run(&in, 1, again, &st2), LX_OK);
        assert_memory_equal(first, again, in.nh * sizeof *first);
        assert_int_equal(st2.added, 0);
        assert_int_equal(st2.kept, st1.covered);
        assert_int_equal(st2.objective, st1.objective);

        /* with rebalance and a keep bonus, an optimal assignment stays */
        in.rebalance = 1;
        assert_int_equal(run(&in, 1, again, &st2), LX_OK);
        assert_memory_equal(first, again, in.nh * sizeof *first);
        assert_int_equal(st2.moved + st2.dropped + st2.added, 0);
        assert_int_equal(st2.kept, st1.covered);
    }
}

static void test_current_pairs_stay_even_when_another_member_is_cheaper(void **state)
{
    (void)state;
    instance in = {.layer = ASSIGN_LIAISON, .w = plain};
    assign_result res[8];
    assign_stats st;
    add_member(&in, 1, 0, 1, 1, 0, 5);      /* group 1 */
    add_member(&in, 2, 0, 2, 1, 0, 5);      /* group 2 */
    add_household(&in, 100, 0, 2, 0, 0, 1); /* in group 2, paired with member 1 */

    assert_int_equal(run(&in, 1, res, &st), LX_OK);
    assert_int_equal(res[0].member_id, 1);
    assert_int_equal(st.kept, 1);

    in.rebalance = 1; /* asked to rebalance, without a keep bonus: it moves */
    assert_int_equal(run(&in, 1, res, &st), LX_OK);
    assert_int_equal(res[0].member_id, 2);
    assert_int_equal(st.moved, 1);
}

static void test_member_already_over_quota_gets_nothing_new(void **state)
{
    (void)state;
    instance in = {.layer = ASSIGN_LIAISON, .w = plain};
    assign_result res[8];
    assign_stats st;
    add_member(&in, 1, 0, 1, 1, 0, 1); /* quota 1, but two current pairs */
    add_household(&in, 100, 0, 1, 0, 0, 1);
    add_household(&in, 101, 0, 1, 0, 0, 1);
    add_household(&in, 102, 0, 1, 3, 0, 0); /* the hardest, and without anyone */

    assert_int_equal(run(&in, 1, res, &st), LX_OK);
    assert_int_equal(res[0].member_id, 1);
    assert_int_equal(res[1].member_id, 1);
    assert_int_equal(res[2].member_id, 0);
    assert_int_equal(st.kept, 2);
    assert_int_equal(st.uncovered, 1);
}

static void test_when_members_are_short_the_hardest_household_is_covered(void **state)
{
    (void)state;
    for (int layer = 0; layer < 2; layer++) {
        instance in = {.layer = (assign_layer)layer, .w = plain};
        assign_result res[8];
        assign_stats st;
        add_member(&in, 1, 0, 1, 1, 0, 1);      /* one ordinary member, room for one */
        add_household(&in, 100, 0, 1, 0, 0, 0); /* easy and a perfect match */
        add_household(&in, 101, 0, 2, 3, 4, 0); /* hardest, another group, unmet needs */

        assert_int_equal(run(&in, 1, res, &st), LX_OK);
        assert_int_equal(res[0].member_id, 0);
        assert_int_equal(res[1].member_id, 1);
        assert_int_equal(st.hardest, 1);
        assert_int_equal(st.covered, 1);
    }
}

static void test_assistance_gives_the_hardest_to_leaders_and_needs_to_skills(void **state)
{
    (void)state;
    instance in = {.layer = ASSIGN_ASSISTANCE, .w = plain};
    assign_result res[8];
    assign_stats st;
    add_member(&in, 1, 0, 0, 1, 0, 1); /* ordinary */
    add_member(&in, 2, 0, 0, 2, 0, 1); /* middle */
    add_member(&in, 3, 0, 0, 3, 0, 1); /* leader */
    add_household(&in, 100, 0, 0, 3, 0, 0);
    add_household(&in, 101, 0, 0, 1, 0, 0);
    add_household(&in, 102, 0, 0, 2, 0, 0);

    assert_int_equal(run(&in, 1, res, &st), LX_OK);
    assert_int_equal(res[0].member_id, 3);
    assert_int_equal(res[1].member_id, 1);
    assert_int_equal(res[2].member_id, 2);
    assert_int_equal(st.hardest_leader, 1);
    assert_int_equal(st.objective, 0);

    /* two ordinary cadres, one knows the law (1), one medicine (2) */
    instance sk = {.layer = ASSIGN_ASSISTANCE, .w = plain};
    add_member(&sk, 1, 0, 0, 1, 1, 1);
    add_member(&sk, 2, 0, 0, 1, 2, 1);
    add_household(&sk, 100, 0, 0, 1, 2, 0); /* needs medicine */
    add_household(&sk, 101, 0, 0, 1, 1, 0); /* needs the law */
    assert_int_equal(run(&sk, 1, res, &st), LX_OK);
    assert_int_equal(res[0].member_id, 2);
    assert_int_equal(res[1].member_id, 1);
    assert_int_equal(st.objective, 0);
}

static void test_liaison_prefers_a_member_of_the_same_group(void **state)
{
    (void)state;
    instance in = {.layer = ASSIGN_LIAISON, .w = plain};
    assign_result res[8];
    assign_stats st;
    add_member(&in, 1, 0, 7, 1, 0, 2);
    add_member(&in, 2, 0, 8, 1, 0, 2);
    add_household(&in, 100, 0, 8, 0, 0, 0);
    add_household(&in, 101, 0, 7, 0, 0, 0);
    add_household(&in, 102, 0, 8, 0, 0, 0);

    assert_int_equal(run(&in, 1, res, &st), LX_OK);
    assert_int_equal(res[0].member_id, 2);
    assert_int_equal(res[1].member_id, 1);
    assert_int_equal(res[2].member_id, 2);
    assert_int_equal(st.distance_sum, 0);

    /* a household without a group is "outside" for everyone */
    add_household(&in, 103, 0, 0, 0, 0, 0);
    assert_int_equal(run(&in, 1, res, &st), LX_OK);
    assert_int_equal(st.distance_sum, 1);
    assert_int_equal(st.objective, plain.distance);
}

static void shuffle_instance(instance *in)
{
    for (size_t i = in->nh; i > 1; i--) {
        size_t k = (size_t)rnd_below((int)i);
        assign_household t = in->h[i - 1];
        in->h[i - 1] = in->h[k];
        in->h[k] = t;
    }
    for (size_t j = in->nm; j > 1; j--) {
        size_t k = (size_t)rnd_below((int)j);
        assign_member t = in->m[j - 1];
        in->m[j - 1] = in->m[k];
        in->m[k] = t;
    }
}

static int64_t member_of(const assign_result *res, size_t n, int64_t household)
{
    for (size_t i = 0; i < n; i++)
        if (res[i].household_id == household)
            return res[i].member_id;
    return -1;
}

static void test_same_input_in_any_order_and_any_threads_gives_the_same_pairs(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 10; seed++) {
        instance a, b;
        assign_result ra[256], rb[256];
        assign_stats sa, sb;
        memset(&a, 0, sizeof a);
        rnd_state = seed + 77;
        a.layer = (assign_layer)(seed % 2);
        a.rebalance = (int)(seed / 2 % 2);
        a.w = (assign_weights){.distance = 1, .rank = 1, .skill = 1, .keep = 1};
        /* few groups and skills: many ties for the order to break */
        for (int j = 0; j < 40; j++)
            add_member(&a, 10 + j, j % 6, rnd_below(3), rnd_below(4), rnd_below(2), rnd_below(6));
        for (int i = 0; i < 250; i++)
            add_household(&a, 5000 - i, rnd_below(6), rnd_below(3), rnd_below(4), rnd_below(2),
                          rnd_below(3) ? 0 : 10 + rnd_below(40));
        b = a;
        shuffle_instance(&b);
        assert_int_equal(run(&a, 1, ra, &sa), LX_OK);
        assert_int_equal(run(&b, 4, rb, &sb), LX_OK);
        for (size_t i = 0; i < a.nh; i++)
            assert_int_equal(member_of(rb, b.nh, a.h[i].id), ra[i].member_id);
        assert_memory_equal(&sa, &sb, sizeof sa);
        assert_int_equal(sa.parts, 6);
    }
}

static void test_greedy_never_beats_the_optimiser(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < RANDOM_RUNS; seed++) {
        instance in;
        assign_result ro[MAX_H], rg[MAX_H];
        assign_stats so, sg;
        random_instance(&in, seed + 5000, MAX_H, MAX_M, 2);
        assert_int_equal(run(&in, 1, ro, &so), LX_OK);
        assert_int_equal(run_greedy(&in, rg, &sg), LX_OK);
        assert_true(so.flow_cost <= sg.flow_cost);
        assert_int_equal(total_of(&in, rg), sg.flow_cost);
        assert_quotas_hold(&in, rg);
        if (!in.rebalance) /* the same households are covered: costs alone compare */
            assert_true(so.objective <= sg.objective);
    }
}

static void test_optimiser_beats_greedy_where_greedy_grabs_too_early(void **state)
{
    (void)state;
    /* Household 100 (harder, group 1, needs the law) costs 4 with member 1
     * (no law) and 3 with member 2 (a group away); household 101 (group 2)
     * costs 3 with member 1 and 0 with member 2. Greedy serves 100 first and
     * grabs member 2 (3), leaving 101 member 1 (3): 6. Best is 4 + 0. */
    instance in = {.layer = ASSIGN_LIAISON, .w = {.distance = 3, .rank = 0, .skill = 4, .keep = 0}};
    assign_result ro[4], rg[4];
    assign_stats so, sg;
    add_member(&in, 1, 0, 1, 1, 0, 1); /* group 1, no skills */
    add_member(&in, 2, 0, 2, 1, 1, 1); /* group 2, knows the law */
    add_household(&in, 100, 0, 1, 1, 1, 0);
    add_household(&in, 101, 0, 2, 0, 0, 0);
    assert_int_equal(run(&in, 1, ro, &so), LX_OK);
    assert_int_equal(run_greedy(&in, rg, &sg), LX_OK);
    assert_int_equal(rg[0].member_id, 2);
    assert_int_equal(rg[1].member_id, 1);
    assert_int_equal(sg.objective, 6);
    assert_int_equal(ro[0].member_id, 1);
    assert_int_equal(ro[1].member_id, 2);
    assert_int_equal(so.objective, 4);
    assert_true(so.flow_cost < sg.flow_cost);
}

/* ---- DIMACS ---- */

/* A growing text buffer for the writer. */
typedef struct text {
    char *s;    /* NUL-terminated text */
    size_t len; /* bytes */
} text;

static void append(void *ctx, const char *s, size_t n)
{
    text *t = ctx;
    t->s = realloc(t->s, t->len + n + 1);
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void test_dimacs_of_a_tiny_village_is_exactly_the_network(void **state)
{
    (void)state;
    instance in = {.layer = ASSIGN_LIAISON, .w = {.distance = 2, .rank = 0, .skill = 0, .keep = 0}};
    text t = {NULL, 0};
    add_household(&in, 2, 0, 2, 3, 0, 0); /* hardest, other group */
    add_household(&in, 1, 0, 1, 0, 0, 0); /* easy, member's group */
    add_household(&in, 3, 1, 1, 0, 0, 0); /* a second village */
    add_member(&in, 7, 0, 1, 1, 0, 1);
    add_member(&in, 8, 1, 1, 1, 0, 0); /* no room: not in the network */
    add_member(&in, 9, 1, 1, 1, 0, 2);
    assert_int_equal(assign_write_dimacs(in.layer, in.h, in.nh, in.m, in.nm, &in.w, 0, append, &t),
                     LX_OK);
    /* penalty BIG = 2 + 0 + 0 + 1 = 3; tier 3 costs 12 */
    assert_string_equal(t.s, "c lianxin pairing, liaison layer\n"
                             "c node 1 source, node 2 sink; then per part its members and "
                             "households by id\n"
                             "c parts 2\n"
                             "p min 7 11\n"
                             "n 1 3\n"
                             "n 2 -3\n"
                             "a 1 3 0 1 0\n"  /* source -> member 7 */
                             "a 3 4 0 1 0\n"  /* member 7 -> household 1 */
                             "a 3 5 0 1 2\n"  /* member 7 -> household 2 */
                             "a 1 4 0 1 3\n"  /* household 1 uncovered */
                             "a 1 5 0 1 12\n" /* household 2 uncovered */
                             "a 4 2 0 1 0\n"
                             "a 5 2 0 1 0\n"
                             "a 1 6 0 2 0\n" /* source -> member 9 */
                             "a 6 7 0 1 0\n" /* member 9 -> household 3 */
                             "a 1 7 0 1 3\n"
                             "a 7 2 0 1 0\n");
    free(t.s);
}

/* Read DIMACS text back into arrays and solve it whole with mcf_solve. */
static int64_t solve_dimacs(const char *s)
{
    int nodes = 0, arcs = 0, k = 0, rc;
    int64_t *supply = NULL, *cap = NULL, *cost = NULL, *flow = NULL, total = -1;
    int *from = NULL, *to = NULL;
    while (*s) {
        const char *eol = strchr(s, '\n');
        char *end;
        if (s[0] == 'p') {
            nodes = (int)strtol(s + 6, &end, 10);
            arcs = (int)strtol(end, &end, 10);
            supply = calloc((size_t)nodes + 1, sizeof *supply);
            cap = calloc((size_t)arcs + 1, sizeof *cap);
            cost = calloc((size_t)arcs + 1, sizeof *cost);
            flow = calloc((size_t)arcs + 1, sizeof *flow);
            from = calloc((size_t)arcs + 1, sizeof *from);
            to = calloc((size_t)arcs + 1, sizeof *to);
        } else if (s[0] == 'n') {
            long id = strtol(s + 2, &end, 10);
            supply[id - 1] = strtoll(end, &end, 10);
        } else if (s[0] == 'a') {
            from[k] = (int)strtol(s + 2, &end, 10) - 1;
            to[k] = (int)strtol(end, &end, 10) - 1;
            assert_int_equal(strtoll(end, &end, 10), 0);
            cap[k] = strtoll(end, &end, 10);
            cost[k] = strtoll(end, &end, 10);
            k++;
        }
        s = eol ? eol + 1 : s + strlen(s);
    }
    assert_int_equal(k, arcs);
    rc = mcf_solve(nodes, supply, arcs, from, to, cap, cost, flow, &total);
    assert_int_equal(rc, 0);
    free(supply), free(cap), free(cost), free(flow), free(from), free(to);
    return total;
}

static void test_dimacs_network_solved_whole_has_the_optimisers_cost(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 50; seed++) {
        instance in;
        assign_result res[256];
        assign_stats st;
        text t = {NULL, 0};
        random_instance(&in, seed + 9000, MAX_H, MAX_M, 3);
        assert_int_equal(run(&in, 2, res, &st), LX_OK);
        assert_int_equal(assign_write_dimacs(in.layer, in.h, in.nh, in.m, in.nm, &in.w,
                                             in.rebalance, append, &t),
                         LX_OK);
        assert_int_equal(solve_dimacs(t.s), st.flow_cost);
        free(t.s);
    }
}

static void test_bad_input_is_refused(void **state)
{
    (void)state;
    instance in = {.layer = ASSIGN_LIAISON, .w = plain};
    assign_result res[4];
    add_member(&in, 1, 0, 1, 1, 0, 1);
    add_household(&in, 100, -1, 1, 0, 0, 0);
    assert_int_equal(run(&in, 1, res, NULL), LX_EINVAL); /* part out of range */
    in.h[0].part = 0;
    in.h[0].tier = 4;
    assert_int_equal(run(&in, 1, res, NULL), LX_EINVAL);
    in.h[0].tier = 0;
    in.w.keep = -1;
    assert_int_equal(run(&in, 1, res, NULL), LX_EINVAL);
    in.w.keep = 0;
    in.m[0].quota = -1;
    assert_int_equal(run_greedy(&in, res, NULL), LX_EINVAL);
    in.m[0].quota = 1;
    assert_int_equal(run(&in, 0, res, NULL), LX_OK); /* threads < 1 means one */
    assert_int_equal(res[0].member_id, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cost_counts_group_distance_rank_gap_and_unmet_needs),
        cmocka_unit_test(test_optimiser_finds_the_best_assignment_that_brute_force_finds),
        cmocka_unit_test(test_running_again_on_its_own_result_changes_nothing),
        cmocka_unit_test(test_current_pairs_stay_even_when_another_member_is_cheaper),
        cmocka_unit_test(test_member_already_over_quota_gets_nothing_new),
        cmocka_unit_test(test_when_members_are_short_the_hardest_household_is_covered),
        cmocka_unit_test(test_assistance_gives_the_hardest_to_leaders_and_needs_to_skills),
        cmocka_unit_test(test_liaison_prefers_a_member_of_the_same_group),
        cmocka_unit_test(test_same_input_in_any_order_and_any_threads_gives_the_same_pairs),
        cmocka_unit_test(test_greedy_never_beats_the_optimiser),
        cmocka_unit_test(test_optimiser_beats_greedy_where_greedy_grabs_too_early),
        cmocka_unit_test(test_dimacs_of_a_tiny_village_is_exactly_the_network),
        cmocka_unit_test(test_dimacs_network_solved_whole_has_the_optimisers_cost),
        cmocka_unit_test(test_bad_input_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
