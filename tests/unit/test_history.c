/* test_history.c -- the demo's contact history: deterministic, in its period, at the seeds' rhythms. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/history.h"
#include "core/vocab.h"

#define DAY 86400
#define FROM 1735660800 /* 2024-12-31T16:00:00Z = 2025-01-01 in Beijing */
#define TO (FROM + 365 * DAY)

typedef struct tally {
    int64_t n, by_kind[16], by_pair_kind[4][16];
    uint64_t digest;
    int64_t min_at, max_at;
    int bad_hour;
} tally;

static lx_status count(void *ctx, const history_contact *c)
{
    tally *t = ctx;
    t->n++;
    t->by_kind[c->kind]++;
    if (c->household_id >= 1 && c->household_id <= 4)
        t->by_pair_kind[c->household_id - 1][c->kind]++;
    t->digest = t->digest * 1099511628211ull ^ (uint64_t)c->happened_at ^
                ((uint64_t)c->member_id << 40) ^ (uint64_t)c->kind;
    if (!t->min_at || c->happened_at < t->min_at)
        t->min_at = c->happened_at;
    if (c->happened_at > t->max_at)
        t->max_at = c->happened_at;
    int hour = (int)(((c->happened_at + 8 * 3600) % DAY) / 3600);
    if (hour < 8 || hour >= 19)
        t->bad_hour = 1;
    return LX_OK;
}

static const history_pair pairs[] = {
    {1, 1, 10, "/1/2/3/10/", 0, 0, 0},                        /* ordinary */
    {1, 2, 10, "/1/2/3/10/", (int64_t)1 << 3, 0, 0},          /* lonely elderly */
    {2, 3, 10, "/1/2/3/10/", (int64_t)1 << 4, 0, 0},          /* left-behind child */
    {3, 4, 10, "/1/2/3/10/", 0, 1, FROM + 300 * DAY},         /* assistance, paired late */
};
static const history_member members[] = {
    {1, 10, "/1/2/3/10/", 0}, {2, 10, "/1/2/3/10/", 0}, {3, 2, "/1/2/", 1}};
static const history_group groups[] = {{10, "/1/2/3/10/", 1}};

static tally run(uint64_t seed)
{
    tally t;
    memset(&t, 0, sizeof t);
    history_input in = {pairs, 4, members, 3, groups, 1, FROM, TO, 8 * 3600};
    assert_int_equal(history_generate(&in, seed, count, &t), LX_OK);
    return t;
}

static int kind(const char *code)
{
    return vocab_find(&vocab_contact_kind, code);
}

static void test_the_same_seed_gives_the_same_history_and_another_seed_another(void **state)
{
    (void)state;
    tally a = run(7), b = run(7), c = run(8);
    assert_true(a.n > 0);
    assert_int_equal(a.n, b.n);
    assert_true(a.digest == b.digest);
    assert_true(a.digest != c.digest);
}

static void test_every_contact_falls_in_the_period_in_the_daytime(void **state)
{
    (void)state;
    tally t = run(1);
    assert_true(t.min_at >= FROM);
    assert_true(t.max_at < TO);
    assert_false(t.bad_hour);
}

static void test_rhythms_follow_the_households_situation(void **state)
{
    (void)state;
    /* over many seeds, so that one member's diligence does not decide */
    int64_t ordinary_visits = 0, lonely_calls = 0, child_visits = 0, assist_visits = 0,
            talks_leader = 0, meetings = 0;
    const int seeds = 40;
    for (int s = 1; s <= seeds; s++) {
        tally t = run((uint64_t)s);
        ordinary_visits += t.by_pair_kind[0][kind("visit")];
        lonely_calls += t.by_pair_kind[1][kind("call")];
        child_visits += t.by_pair_kind[2][kind("visit")];
        assist_visits += t.by_pair_kind[3][kind("visit")];
        meetings += t.by_kind[kind("courtyard")];
        talks_leader += t.by_kind[kind("talk")];
    }
    /* per year, on average: diligence is 0.55-1.15 (mean 0.85) */
    double ov = (double)ordinary_visits / seeds, lc = (double)lonely_calls / seeds,
           cv = (double)child_visits / seeds, av = (double)assist_visits / seeds,
           mt = (double)meetings / seeds, tk = (double)talks_leader / seeds;
    assert_true(ov > 5 && ov < 11);   /* about every 40 days */
    assert_true(lc > 35 && lc < 60);  /* a call a week */
    assert_true(cv > 17 && cv < 30);  /* every 2 weeks */
    assert_true(av > 1 && av < 4);    /* monthly, but only from day 300 */
    assert_true(mt > 8 && mt <= 13);  /* a courtyard meeting most months */
    assert_true(tk > 2 * 7 + 45);     /* two members ~9 each, a leader ~50 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_same_seed_gives_the_same_history_and_another_seed_another),
        cmocka_unit_test(test_every_contact_falls_in_the_period_in_the_daytime),
        cmocka_unit_test(test_rhythms_follow_the_households_situation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
