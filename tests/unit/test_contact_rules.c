/* test_contact_rules.c -- what is owed, when, and whether a contact clears it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact_rules.h"
#include "core/festival.h"
#include "core/idcard.h"
#include "core/policy.h"

#define BJ 28800 /* Asia/Shanghai */

/* Unix time of a Beijing wall-clock time. */
static int64_t bj(int ymd, int hh, int mm)
{
    return (int64_t)cr_day_of_ymd(ymd) * 86400 + hh * 3600 + mm * 60 - BJ;
}

/* The county's default rule called name ("elderly.call"), parsed. */
static cr_rule rule(const char *name)
{
    char key[96];
    cr_rule r;
    lx_error e = {0};
    snprintf(key, sizeof key, POLICY_RULE_PREFIX "%s", name);
    const policy_def *d = policy_find(key);
    if (!d)
        fail_msg("no rule %s", key);
    if (cr_rule_parse(name, d->def_text, &r, &e))
        fail_msg("%s: %s", name, e.message);
    return r;
}

/* A scenario: one household, its pairings and visits, as of some time. */
typedef struct scen {
    cr_rule rules[16];
    size_t nrules;
    cr_household h[2];
    size_t nh;
    cr_pairing p[4];
    size_t np;
    cr_visit v[64];
    size_t nv;
    cr_contact c[64];
    size_t nc;
    cr_member m[4];
    size_t nm;
    int64_t groups[2];
    size_t ng;
} scen;

static void visit(scen *s, int64_t member, uint32_t kind, int64_t at)
{
    s->v[s->nv] = (cr_visit){(int64_t)s->nv + 1, s->h[0].id, member, kind, at};
    s->nv++;
}

static void contact(scen *s, int64_t member, int64_t node, uint32_t kind, int64_t at)
{
    s->c[s->nc] = (cr_contact){(int64_t)s->nc + 1000, member, node, kind, at};
    s->nc++;
}

/* Household 7, tagged `tags`, paired with member 1 since 2024-01-01. */
static void one_household(scen *s, const char *tags)
{
    memset(s, 0, sizeof *s);
    s->h[0] = (cr_household){.id = 7, .tags = tags};
    s->nh = 1;
    s->p[0] = (cr_pairing){7, 1, CR_LIAISON, bj(20240101, 0, 0), 0};
    s->np = 1;
}

static cr_obligation *eval(const scen *s, int from_ymd, int to_ymd, int64_t asof, size_t *n)
{
    cr_input in = {s->rules, s->nrules, s->h, s->nh, s->p, s->np, s->m, s->nm, s->groups,
                   s->ng, s->c, s->nc, s->v, s->nv, BJ, cr_day_of_ymd(from_ymd),
                   cr_day_of_ymd(to_ymd), asof};
    cr_obligation *o = NULL;
    assert_int_equal(cr_evaluate(&in, &o, n), LX_OK);
    return o;
}

/* The obligation of rule index `rule` due on `due_ymd`, or fail. */
static const cr_obligation *find(const cr_obligation *o, size_t n, int ruleix, int due_ymd)
{
    for (size_t i = 0; i < n; i++)
        if (o[i].rule == ruleix && o[i].due_day == cr_day_of_ymd(due_ymd))
            return &o[i];
    fail_msg("no obligation of rule %d due %d", ruleix, due_ymd);
    return NULL;
}

static size_t count_rule(const cr_obligation *o, size_t n, int ruleix)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += o[i].rule == ruleix;
    return k;
}

/* ---- the calendar ---- */

static void test_weeks_start_on_monday_and_months_end_right(void **state)
{
    (void)state;
    int a, b;
    cr_period_span(CR_WEEK, 1, cr_day_of_ymd(20251123), &a, &b); /* a Sunday */
    assert_int_equal(cr_ymd_of_day(a), 20251117);
    assert_int_equal(cr_ymd_of_day(b), 20251123);
    cr_period_span(CR_WEEK, 1, cr_day_of_ymd(20251124), &a, &b); /* the Monday after */
    assert_int_equal(cr_ymd_of_day(a), 20251124);
    assert_int_equal(cr_weekday(cr_day_of_ymd(20251124)), 0);
    cr_period_span(CR_MONTH, 1, cr_day_of_ymd(20240215), &a, &b);
    assert_int_equal(cr_ymd_of_day(b), 20240229); /* leap year */
    cr_period_span(CR_MONTH, 1, cr_day_of_ymd(20250215), &a, &b);
    assert_int_equal(cr_ymd_of_day(b), 20250228);
    cr_period_span(CR_MONTH, 1, cr_day_of_ymd(21000201), &a, &b);
    assert_int_equal(cr_ymd_of_day(b), 21000228); /* 2100 is not a leap year */
    cr_period_span(CR_MONTH, 1, cr_day_of_ymd(20251231), &a, &b);
    assert_int_equal(cr_ymd_of_day(a), 20251201);
    assert_int_equal(cr_ymd_of_day(b), 20251231);
    /* Terms: spring March-August, autumn September-February (ending 29 Feb in 2024). */
    cr_period_span(CR_TERM, 1, cr_day_of_ymd(20231001), &a, &b);
    assert_int_equal(cr_ymd_of_day(a), 20230901);
    assert_int_equal(cr_ymd_of_day(b), 20240229);
    cr_period_span(CR_TERM, 1, cr_day_of_ymd(20250105), &a, &b);
    assert_int_equal(cr_ymd_of_day(a), 20240901);
    assert_int_equal(cr_ymd_of_day(b), 20250228);
    cr_period_span(CR_TERM, 1, cr_day_of_ymd(20250301), &a, &b);
    assert_int_equal(cr_ymd_of_day(a), 20250301);
    assert_int_equal(cr_ymd_of_day(b), 20250831);
    cr_period_span(CR_YEAR, 1, cr_day_of_ymd(20240229), &a, &b);
    assert_int_equal(cr_ymd_of_day(a), 20240101);
    assert_int_equal(cr_ymd_of_day(b), 20241231);
}

/* ---- lonely elderly ---- */

static void test_elderly_weekly_call_missed_then_made(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "low_income,lonely_elderly");
    s.rules[s.nrules++] = rule("elderly.call");
    visit(&s, 1, CK_CALL, bj(20250107, 10, 0)); /* Tuesday of the week 6-12 Jan */
    size_t n;
    cr_obligation *o = eval(&s, 20250106, 20250126, bj(20250128, 12, 0), &n);
    assert_int_equal(count_rule(o, n, 0), 3);
    const cr_obligation *w1 = find(o, n, 0, 20250112), *w2 = find(o, n, 0, 20250119);
    assert_int_equal(w1->state, CR_MET);
    assert_int_equal(w1->member_id, 1);
    assert_int_equal(w1->done_by, 1);
    assert_int_equal(w2->state, CR_MISSED);
    assert_int_equal(w2->days_overdue, 9); /* 19 Jan to 28 Jan */
    free(o);
}

static void test_elderly_monthly_stay_clears_every_week_of_the_month(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "lonely_elderly");
    s.rules[s.nrules++] = rule("elderly.call");
    visit(&s, 1, CK_VISIT, bj(20250124, 15, 0));
    size_t n;
    cr_obligation *o = eval(&s, 20250106, 20250202, bj(20250210, 12, 0), &n);
    /* Weeks due 12, 19, 26 Jan are cleared by the January stay; the week due 2 Feb is not. */
    assert_int_equal(find(o, n, 0, 20250112)->state, CR_MET);
    assert_int_equal(find(o, n, 0, 20250119)->state, CR_MET);
    assert_int_equal(find(o, n, 0, 20250126)->state, CR_MET);
    assert_int_equal(find(o, n, 0, 20250202)->state, CR_MISSED);
    free(o);
}

static void test_a_call_never_satisfies_an_in_person_rule(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "lonely_elderly,left_behind_child");
    s.rules[s.nrules++] = rule("elderly.call");     /* the monthly stay alternative */
    s.rules[s.nrules++] = rule("child.homework");   /* visit */
    s.rules[s.nrules++] = rule("elderly.festival"); /* visit */
    for (int d = 1; d <= 28; d++)
        visit(&s, 1, CK_CALL, bj(20250100 + d, 9, 0));
    visit(&s, 1, CK_ONLINE, bj(20250127, 9, 0));
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20250209, bj(20250215, 12, 0), &n);
    assert_int_equal(find(o, n, 0, 20250119)->state, CR_MET); /* the call itself is due */
    assert_int_equal(find(o, n, 1, 20250119)->state, CR_MISSED);
    assert_int_equal(find(o, n, 1, 20250126)->state, CR_MISSED);
    /* Spring Festival 2025 is 29 January; due 3 days after. */
    const cr_obligation *f = find(o, n, 2, 20250201);
    assert_int_equal(f->festival, FEST_SPRING);
    assert_int_equal(f->state, CR_MISSED);
    free(o);
}

static void test_festival_visit_window(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "lonely_elderly");
    s.rules[s.nrules++] = rule("elderly.festival");
    visit(&s, 1, CK_VISIT, bj(20251004, 10, 0));  /* 2 days before Mid-Autumn (6 Oct) */
    visit(&s, 1, CK_VISIT, bj(20251015, 10, 0));  /* 14 days before Double Ninth (29 Oct) */
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20251231, bj(20251231, 12, 0), &n);
    assert_int_equal(n, FEST_COUNT); /* one per festival of 2025 */
    const cr_obligation *ma = find(o, n, 0, 20251009), *dn = find(o, n, 0, 20251101);
    assert_int_equal(ma->festival, FEST_MID_AUTUMN);
    assert_int_equal(ma->state, CR_MET);
    assert_int_equal(ma->start_day, cr_day_of_ymd(20250929));
    assert_int_equal(dn->festival, FEST_DOUBLE_NINTH);
    assert_int_equal(dn->state, CR_MISSED); /* too early to count */
    free(o);
}

static void test_child_festival_visit_dragon_boat(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "left_behind_child");
    s.rules[s.nrules++] = rule("child.festival");
    visit(&s, 1, CK_VISIT, bj(20250530, 16, 0)); /* the eve of the Dragon Boat Festival */
    visit(&s, 1, CK_CALL, bj(20250404, 16, 0));  /* Qingming: a call is not a visit */
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20251231, bj(20251231, 12, 0), &n);
    const cr_obligation *db = find(o, n, 0, 20250603), *qm = find(o, n, 0, 20250407);
    assert_int_equal(db->festival, FEST_DRAGON_BOAT);
    assert_int_equal(db->state, CR_MET);
    assert_int_equal(qm->festival, FEST_QINGMING);
    assert_int_equal(qm->state, CR_MISSED);
    free(o);
}

static void test_birthday_from_the_id_number_and_29_february(void **state)
{
    (void)state;
    char id[IDCARD_LEN + 1] = "11010119400229123";
    id[17] = idcard_check_digit(id);
    id[18] = '\0';
    int y, m, d;
    assert_int_equal(idcard_birth(id, &y, &m, &d), 0);
    scen s;
    one_household(&s, "lonely_elderly");
    s.h[0].nbirth = 1;
    s.h[0].birth_ymd[0] = y * 10000 + m * 100 + d;
    s.rules[s.nrules++] = rule("elderly.birthday");
    visit(&s, 1, CK_VISIT, bj(20250226, 10, 0)); /* within 3 days of 28 Feb 2025 */
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20291231, bj(20291231, 12, 0), &n);
    assert_int_equal(n, 5); /* 2025 to 2029 */
    const cr_obligation *b25 = find(o, n, 0, 20250303); /* 28 Feb + 3 */
    assert_int_equal(b25->state, CR_MET);
    assert_int_equal(b25->start_day, cr_day_of_ymd(20250225));
    const cr_obligation *b28 = find(o, n, 0, 20280303); /* 29 Feb 2028 + 3 */
    assert_int_equal(b28->start_day, cr_day_of_ymd(20280226));
    assert_int_equal(b28->state, CR_MISSED);
    free(o);
}

/* ---- left-behind children: one visit clears every obligation a visit satisfies ---- */

static void test_one_visit_clears_every_visit_obligation(void **state)
{
    (void)state;
    static const char *const names[] = {"child.homework", "child.talk",    "child.school",
                                         "child.supplies", "child.weekend", "child.skill"};
    scen s;
    one_household(&s, "left_behind_child");
    for (size_t i = 0; i < 6; i++)
        s.rules[s.nrules++] = rule(names[i]);
    visit(&s, 1, CK_VISIT, bj(20250315, 10, 0)); /* a Saturday */
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20251231, bj(20260110, 12, 0), &n);
    assert_int_equal(find(o, n, 0, 20250316)->state, CR_MET); /* that week's homework */
    assert_int_equal(find(o, n, 0, 20250323)->state, CR_MISSED);
    assert_int_equal(find(o, n, 1, 20250331)->state, CR_MET);
    assert_int_equal(find(o, n, 2, 20250331)->state, CR_MET);
    assert_int_equal(find(o, n, 2, 20250430)->state, CR_MISSED);
    assert_int_equal(find(o, n, 3, 20250831)->state, CR_MET);
    assert_int_equal(find(o, n, 4, 20250831)->state, CR_MET);
    assert_int_equal(find(o, n, 5, 20251231)->state, CR_MET);
    for (size_t i = 0; i < n; i++)
        if (o[i].state == CR_MET)
            assert_int_equal(o[i].done_by, 1);
    free(o);
}

static void test_weekend_rule_needs_a_weekend_visit(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "left_behind_child");
    s.rules[s.nrules++] = rule("child.weekend");
    visit(&s, 1, CK_VISIT, bj(20250312, 10, 0)); /* a Wednesday */
    size_t n;
    cr_obligation *o = eval(&s, 20250301, 20250831, bj(20250901, 12, 0), &n);
    assert_int_equal(find(o, n, 0, 20250831)->state, CR_MISSED);
    free(o);
}

static void test_late_visit_is_late_not_missed(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "left_behind_child");
    s.rules[s.nrules++] = rule("child.talk");
    visit(&s, 1, CK_CALL, bj(20250203, 10, 0)); /* 3 days after January ended */
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20250228, bj(20250301, 12, 0), &n);
    const cr_obligation *jan = find(o, n, 0, 20250131), *feb = find(o, n, 0, 20250228);
    assert_int_equal(jan->state, CR_LATE);
    assert_int_equal(jan->days_overdue, 0);
    assert_int_equal(feb->state, CR_MET);
    free(o);
}

static void test_not_yet_due_is_open(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "left_behind_child");
    s.rules[s.nrules++] = rule("child.talk");
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20250131, bj(20250120, 12, 0), &n);
    assert_int_equal(n, 1);
    assert_int_equal(o[0].state, CR_OPEN);
    assert_int_equal(o[0].days_overdue, 0);
    free(o);
}

/* ---- a household that changes member mid-period ---- */

static void test_household_changes_member_mid_month(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "left_behind_child");
    s.p[0].ended_at = bj(20250115, 9, 0); /* member 1 until 15 Jan ... */
    s.p[1] = (cr_pairing){7, 2, CR_LIAISON, bj(20250115, 9, 0), 0}; /* ... then member 2 */
    s.np = 2;
    s.rules[s.nrules++] = rule("child.talk");
    s.rules[s.nrules++] = rule("child.homework");
    visit(&s, 1, CK_VISIT, bj(20250108, 10, 0)); /* member 1 visits in week 2 */
    size_t n;
    cr_obligation *o = eval(&s, 20250106, 20250131, bj(20250205, 12, 0), &n);
    /* January's call is owed by member 2, who holds the pairing at its due date; member 1's
     * visit is credited to member 1 only and does not clear it. */
    const cr_obligation *jan = find(o, n, 0, 20250131);
    assert_int_equal(jan->member_id, 2);
    assert_int_equal(jan->state, CR_MISSED);
    /* The week of 6-12 January was member 1's, and member 1 did it. */
    const cr_obligation *w = find(o, n, 1, 20250112);
    assert_int_equal(w->member_id, 1);
    assert_int_equal(w->state, CR_MET);
    assert_int_equal(find(o, n, 1, 20250119)->member_id, 2);
    free(o);
}

static void test_unpaired_household_owes_nothing(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "left_behind_child");
    s.p[0].layer = CR_ASSISTANCE; /* only an assistance pairing; the rule is the liaison's */
    s.rules[s.nrules++] = rule("child.talk");
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20250331, bj(20250401, 0, 0), &n);
    assert_int_equal(n, 0);
    free(o);
}

/* ---- the county's time zone ---- */

static void test_month_is_counted_in_beijing_time(void **state)
{
    (void)state;
    scen s;
    one_household(&s, "left_behind_child");
    s.rules[s.nrules++] = rule("child.talk");
    /* 23:30 on 31 January in Beijing is 15:30 UTC the same day: January. */
    visit(&s, 1, CK_CALL, bj(20250131, 23, 30));
    /* 00:30 on 1 March in Beijing is still 28 February in UTC: March, not February. */
    visit(&s, 1, CK_CALL, bj(20250301, 0, 30));
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20250331, bj(20250405, 12, 0), &n);
    const cr_obligation *jan = find(o, n, 0, 20250131), *feb = find(o, n, 0, 20250228),
                        *mar = find(o, n, 0, 20250331);
    assert_int_equal(jan->state, CR_MET);
    assert_int_equal(feb->state, CR_LATE); /* the 1 March call came after February */
    assert_int_equal(mar->state, CR_MET);
    assert_int_equal(cr_day(bj(20250301, 0, 30), 0), cr_day_of_ymd(20250228));
    assert_int_equal(cr_day(bj(20250301, 0, 30), BJ), cr_day_of_ymd(20250301));
    free(o);
}

/* ---- members, leaders, groups ---- */

static void test_member_ten_talks_a_year(void **state)
{
    (void)state;
    scen s;
    memset(&s, 0, sizeof s);
    s.rules[s.nrules++] = rule("member.talks");
    s.m[0] = (cr_member){1, "ordinary"};
    s.m[1] = (cr_member){2, "ordinary"};
    s.nm = 2;
    for (int i = 0; i < 10; i++)
        contact(&s, 1, 50, CK_TALK, bj(20250110 + i, 9, 0));
    for (int i = 0; i < 9; i++)
        contact(&s, 2, 50, CK_TALK, bj(20250110 + i, 9, 0));
    contact(&s, 2, 50, CK_VISIT, bj(20250301, 9, 0)); /* a visit is not a talk */
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20251231, bj(20260105, 12, 0), &n);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(o[i].need, 10);
        assert_int_equal(o[i].state, o[i].member_id == 1 ? CR_MET : CR_MISSED);
        assert_int_equal(o[i].made, o[i].member_id == 1 ? 10 : 9);
    }
    free(o);
}

static void test_leaders_five_talks_a_month(void **state)
{
    (void)state;
    scen s;
    memset(&s, 0, sizeof s);
    s.rules[s.nrules++] = rule("leader.talks");
    s.m[0] = (cr_member){1, "county_leader"};
    s.m[1] = (cr_member){2, "ordinary"};
    s.nm = 2;
    for (int i = 0; i < 5; i++)
        contact(&s, 1, 50, CK_TALK, bj(20250301 + i, 9, 0));
    size_t n;
    cr_obligation *o = eval(&s, 20250301, 20250430, bj(20250501, 12, 0), &n);
    assert_int_equal(n, 2); /* March and April, for the leader only */
    assert_int_equal(find(o, n, 0, 20250331)->state, CR_MET);
    assert_int_equal(find(o, n, 0, 20250430)->state, CR_MISSED);
    assert_int_equal(o[0].member_id, 1);
    free(o);
}

static void test_group_courtyard_meeting_monthly(void **state)
{
    (void)state;
    scen s;
    memset(&s, 0, sizeof s);
    s.rules[s.nrules++] = rule("group.courtyard");
    s.groups[0] = 50;
    s.groups[1] = 51;
    s.ng = 2;
    contact(&s, 9, 50, CK_COURTYARD, bj(20250330, 19, 0));
    contact(&s, 9, 51, CK_SYMPOSIUM, bj(20250330, 19, 0)); /* another kind of meeting */
    size_t n;
    cr_obligation *o = eval(&s, 20250301, 20250331, bj(20250401, 12, 0), &n);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(o[i].member_id, 0);
        assert_int_equal(o[i].state, o[i].node_id == 50 ? CR_MET : CR_MISSED);
    }
    free(o);
}

/* ---- a county's own rules ---- */

static void test_county_rule_every_two_months_for_the_assistance_cadre(void **state)
{
    (void)state;
    scen s;
    lx_error e = {0};
    one_household(&s, "disabled");
    s.p[1] = (cr_pairing){7, 5, CR_ASSISTANCE, bj(20240101, 0, 0), 0};
    s.np = 2;
    assert_int_equal(cr_rule_parse("disabled.visit",
                                   "subject=household tag=disabled layer=assistance kinds=visit"
                                   " period=month every=2",
                                   &s.rules[0], &e),
                     LX_OK);
    s.nrules = 1;
    visit(&s, 1, CK_VISIT, bj(20250110, 10, 0)); /* the liaison member's visit: not theirs */
    visit(&s, 5, CK_VISIT, bj(20250320, 10, 0));
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20250630, bj(20250701, 0, 0), &n);
    assert_int_equal(n, 3); /* January-February, March-April, May-June */
    const cr_obligation *jf = find(o, n, 0, 20250228), *ma = find(o, n, 0, 20250430);
    assert_int_equal(jf->start_day, cr_day_of_ymd(20250101));
    assert_int_equal(jf->member_id, 5);
    /* The liaison member's January visit does not count; the cadre's March visit came within
     * one period (two months) after February: late for January-February, on time after. */
    assert_int_equal(jf->state, CR_LATE);
    assert_int_equal(jf->done_by, 2);
    assert_int_equal(ma->state, CR_MET);
    assert_int_equal(find(o, n, 0, 20250630)->state, CR_MISSED);
    free(o);
}

/* ---- how far back and ahead a rule reads ---- */

/* The contacts of the left-behind child's household that the yearly life-skill rule counts
 * reach back to 1 January of the year before the due list's first day: on 23 November 2026
 * the due list starts on 22 November 2025, and the year 2025 is due within it. */
static void test_a_yearly_rule_reaches_back_to_1_january(void **state)
{
    (void)state;
    cr_rule r = rule("child.skill");
    int from = cr_day_of_ymd(20251122), to = cr_day_of_ymd(20261129), first, last;
    cr_rule_reach(&r, from, to, &first, &last);
    assert_int_equal(first, cr_day_of_ymd(20250101));
    assert_true(last >= cr_day_of_ymd(20261129));
    /* The weekly homework visit needs only the week holding the first day. */
    r = rule("child.homework");
    cr_rule_reach(&r, from, to, &first, &last);
    assert_int_equal(first, cr_day_of_ymd(20251117)); /* the Monday */
    /* A visit eleven months before that first day still clears 2025's life skill. */
    scen s;
    one_household(&s, "left_behind_child");
    s.rules[s.nrules++] = rule("child.skill");
    visit(&s, 1, CK_VISIT, bj(20250105, 10, 0));
    size_t n;
    cr_obligation *o = eval(&s, 20251122, 20261129, bj(20261123, 12, 0), &n);
    assert_int_equal(n, 1);
    assert_int_equal(o[0].due_day, cr_day_of_ymd(20251231));
    assert_int_equal(o[0].state, CR_MET);
    assert_int_equal(o[0].done_by, 1);
    free(o);
}

/* A county whose festival window opens 30 days before: the Spring Festival of 2025
 * (29 January) is due within 2025, its window opens on 30 December 2024, and a visit on
 * New Year's Eve is read and counts. */
static void test_a_festival_window_across_the_new_year(void **state)
{
    (void)state;
    cr_rule r;
    assert_int_equal(cr_rule_parse("elderly.festival", "subject=household tag=lonely_elderly"
                                   " kinds=visit period=festival before=30 after=3", &r, NULL),
                     LX_OK);
    int first, last;
    cr_rule_reach(&r, cr_day_of_ymd(20250101), cr_day_of_ymd(20251231), &first, &last);
    assert_true(first <= cr_day_of_ymd(20241230));
    scen s;
    one_household(&s, "lonely_elderly");
    s.rules[s.nrules++] = r;
    visit(&s, 1, CK_VISIT, bj(20241231, 10, 0));
    size_t n;
    cr_obligation *o = eval(&s, 20250101, 20251231, bj(20251231, 12, 0), &n);
    const cr_obligation *sp = find(o, n, 0, 20250201);
    assert_int_equal(sp->festival, FEST_SPRING);
    assert_int_equal(sp->start_day, cr_day_of_ymd(20241230));
    assert_int_equal(sp->state, CR_MET);
    assert_true(cr_day(bj(20241231, 10, 0), BJ) >= first);
    free(o);
}

static int same_obligations(const cr_obligation *a, size_t na, const cr_obligation *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].rule != b[i].rule || a[i].household_id != b[i].household_id ||
            a[i].member_id != b[i].member_id || a[i].node_id != b[i].node_id ||
            a[i].start_day != b[i].start_day || a[i].due_day != b[i].due_day ||
            a[i].made != b[i].made || a[i].state != b[i].state ||
            a[i].done_by != b[i].done_by || a[i].days_overdue != b[i].days_overdue)
            return 0;
    return 1;
}

/* For every default rule and a few county variants, over four years of pseudo-random
 * contacts: evaluating with only the contacts within the rule's reach gives exactly the
 * obligations that evaluating with all of them gives. */
static void test_contacts_outside_the_reach_change_nothing(void **state)
{
    (void)state;
    static const char *const extra[] = {
        "subject=household tag=lonely_elderly layer=liaison kinds=visit period=month every=2",
        "subject=household tag=lonely_elderly kinds=call period=week or=in_person/term",
        "subject=household tag=lonely_elderly kinds=visit period=festival before=30 after=10",
        "subject=household tag=left_behind_child kinds=visit period=year every=2 count=2",
        "subject=household tag=lonely_elderly kinds=visit period=birthday before=20 after=5",
    };
    cr_rule rules[32];
    size_t nr = 0, n;
    const policy_def *t = policy_table(&n);
    for (size_t i = 0; i < n; i++)
        if (!strncmp(t[i].key, POLICY_RULE_PREFIX, strlen(POLICY_RULE_PREFIX)))
            rules[nr++] = rule(t[i].key + strlen(POLICY_RULE_PREFIX));
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        assert_int_equal(cr_rule_parse("extra", extra[i], &rules[nr++], NULL), LX_OK);

    enum { NV = 1500, NC = 600 };
    cr_visit *v = calloc(NV, sizeof *v), *vr = calloc(NV, sizeof *vr);
    cr_contact *c = calloc(NC, sizeof *c), *cr = calloc(NC, sizeof *cr);
    cr_household h = {.id = 7, .tags = "lonely_elderly,left_behind_child", .nbirth = 2,
                      .birth_ymd = {19480229, 20150107}};
    cr_pairing p = {7, 1, CR_LIAISON, bj(20230101, 0, 0), 0};
    cr_member m[] = {{1, "county_leader"}, {2, "member"}};
    int64_t groups[] = {50};
    int64_t t0 = bj(20230101, 0, 0), span = bj(20270101, 0, 0) - t0;
    uint64_t x = 12345;
#define NEXT() (x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33)
    for (size_t i = 0; i < NV; i++)
        v[i] = (cr_visit){(int64_t)i + 1, 7, NEXT() % 5 ? 1 : 2, 1u << (NEXT() % 10),
                          t0 + (int64_t)(NEXT() % (uint64_t)span)};
    for (size_t i = 0; i < NC; i++)
        c[i] = (cr_contact){(int64_t)i + 10000, 1 + (int64_t)(NEXT() % 2), NEXT() % 3 ? 50 : 51,
                            1u << (NEXT() % 10), t0 + (int64_t)(NEXT() % (uint64_t)span)};
#undef NEXT
    static const int ranges[][3] = {/* from, to, as of (noon Beijing) */
                                    {20251122, 20261129, 20261123},
                                    {20250101, 20251231, 20260310},
                                    {20240301, 20240831, 20240915},
                                    {20260101, 20260131, 20260120},
                                    {20241225, 20250215, 20261231}};
    size_t checked = 0;
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++)
        for (size_t ri = 0; ri < nr; ri++) {
            int from = cr_day_of_ymd(ranges[k][0]), to = cr_day_of_ymd(ranges[k][1]), f, l;
            int64_t asof = bj(ranges[k][2], 12, 0);
            cr_rule_reach(&rules[ri], from, to, &f, &l);
            size_t nvr = 0, ncr = 0, na, nb;
            for (size_t i = 0; i < NV; i++)
                if (cr_day(v[i].at, BJ) >= f && cr_day(v[i].at, BJ) <= l)
                    vr[nvr++] = v[i];
            for (size_t i = 0; i < NC; i++)
                if (cr_day(c[i].at, BJ) >= f && cr_day(c[i].at, BJ) <= l)
                    cr[ncr++] = c[i];
            assert_true(nvr < NV); /* something was left out */
            cr_input all = {&rules[ri], 1, &h, 1, &p, 1, m, 2, groups, 1, c, NC, v, NV,
                            BJ, from, to, asof};
            cr_input part = all;
            part.visits = vr;
            part.nvisits = nvr;
            part.contacts = cr;
            part.ncontacts = ncr;
            cr_obligation *a = NULL, *b = NULL;
            assert_int_equal(cr_evaluate(&all, &a, &na), LX_OK);
            assert_int_equal(cr_evaluate(&part, &b, &nb), LX_OK);
            if (!same_obligations(a, na, b, nb))
                fail_msg("rule %s, range %d..%d: the reach %d..%d leaves out a contact it counts",
                         rules[ri].key, ranges[k][0], ranges[k][1], cr_ymd_of_day(f),
                         cr_ymd_of_day(l));
            checked += na;
            free(a);
            free(b);
        }
    assert_true(checked > 500);
    free(v);
    free(vr);
    free(c);
    free(cr);
}

/* ---- the rules as text ---- */

static void test_every_default_rule_parses(void **state)
{
    (void)state;
    size_t n, k = 0;
    const policy_def *t = policy_table(&n);
    for (size_t i = 0; i < n; i++)
        if (!strncmp(t[i].key, POLICY_RULE_PREFIX, strlen(POLICY_RULE_PREFIX))) {
            lx_error e = {0};
            assert_non_null(t[i].check);
            if (policy_check_text(&t[i], t[i].def_text, &e))
                fail_msg("%s: %s", t[i].key, e.message);
            k++;
        }
    assert_int_equal(k, 13);
}

static void test_bad_rules_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "subject=member kinds=talk period=year count=0",
        "subject=member kinds=talk period=year count=-3",
        "subject=member kinds=talk period=month every=0",
        "subject=member kinds=talk period=month every=-1",
        "subject=member kinds=letter period=month",
        "subject=household kinds=visit period=month",        /* no tag */
        "subject=leader kinds=talk period=month",            /* no ranks */
        "subject=member kinds=talk period=fortnight",
        "subject=member kinds=talk",                         /* no period */
        "subject=member kinds=talk period=month colour=red",
        "subject=member kinds=talk period=birthday",
        "subject=household tag=x kinds=call period=week or=in_person/festival",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_rule r;
        lx_error e = {0};
        if (cr_rule_parse("x", bad[i], &r, &e) != LX_EINVAL)
            fail_msg("accepted: %s", bad[i]);
        assert_string_equal(e.field, "value");
        assert_true(e.message[0]);
    }
    /* And cr_evaluate will not run a rule that skipped the parser. */
    cr_rule r = rule("child.talk");
    r.count = 0;
    cr_input in = {.rules = &r, .nrules = 1, .from_day = 0, .to_day = 10};
    cr_obligation *o = (cr_obligation *)1;
    size_t n = 5;
    assert_int_equal(cr_evaluate(&in, &o, &n), LX_EINVAL);
    assert_null(o);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weeks_start_on_monday_and_months_end_right),
        cmocka_unit_test(test_elderly_weekly_call_missed_then_made),
        cmocka_unit_test(test_elderly_monthly_stay_clears_every_week_of_the_month),
        cmocka_unit_test(test_a_call_never_satisfies_an_in_person_rule),
        cmocka_unit_test(test_festival_visit_window),
        cmocka_unit_test(test_child_festival_visit_dragon_boat),
        cmocka_unit_test(test_birthday_from_the_id_number_and_29_february),
        cmocka_unit_test(test_one_visit_clears_every_visit_obligation),
        cmocka_unit_test(test_weekend_rule_needs_a_weekend_visit),
        cmocka_unit_test(test_late_visit_is_late_not_missed),
        cmocka_unit_test(test_not_yet_due_is_open),
        cmocka_unit_test(test_household_changes_member_mid_month),
        cmocka_unit_test(test_unpaired_household_owes_nothing),
        cmocka_unit_test(test_month_is_counted_in_beijing_time),
        cmocka_unit_test(test_member_ten_talks_a_year),
        cmocka_unit_test(test_leaders_five_talks_a_month),
        cmocka_unit_test(test_group_courtyard_meeting_monthly),
        cmocka_unit_test(test_county_rule_every_two_months_for_the_assistance_cadre),
        cmocka_unit_test(test_a_yearly_rule_reaches_back_to_1_january),
        cmocka_unit_test(test_a_festival_window_across_the_new_year),
        cmocka_unit_test(test_contacts_outside_the_reach_change_nothing),
        cmocka_unit_test(test_every_default_rule_parses),
        cmocka_unit_test(test_bad_rules_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
