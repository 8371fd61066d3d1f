/* test_casefsm.c -- what a case may do next, who may do it, and what it refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/casefsm.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define WAIT (7 * DAY)
#define WINDOW (30 * DAY)

/* A case as it typically stands in state st: at a node with a parent, assigned once past
 * received, resolved on day 10 and, if rated, rated satisfied on day 12. */
static case_fsm in_state(case_state st)
{
    case_fsm s = {0};
    s.state = st;
    s.has_parent = 1;
    s.assigned = st != CS_RECEIVED;
    if (st >= CS_RESOLVED) {
        s.responded_at = T0 + 1 * DAY;
        s.resolved_at = T0 + 10 * DAY;
    }
    if (st == CS_RATED || st == CS_CLOSED) {
        s.rating = RATING_SATISFIED;
        s.rated_at = T0 + 12 * DAY;
    }
    return s;
}

/* An event sent on day 20: past the rating wait of the day-10 resolution, within the
 * reopen window of the day-12 rating. */
static case_input ev(case_event e, case_actor a)
{
    case_input in = {0};
    in.ev = e;
    in.actor = a;
    in.rating = RATING_SATISFIED;
    in.now = T0 + 20 * DAY;
    in.rating_wait = WAIT;
    in.reopen_window = WINDOW;
    return in;
}

/* Field by field: the struct has padding that an assignment need not copy. */
static void assert_same(const case_fsm *a, const case_fsm *b)
{
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->supervised, b->supervised);
    assert_int_equal(a->rating, b->rating);
    assert_int_equal(a->has_parent, b->has_parent);
    assert_int_equal(a->assigned, b->assigned);
    assert_int_equal(a->responded_at, b->responded_at);
    assert_int_equal(a->resolved_at, b->resolved_at);
    assert_int_equal(a->rated_at, b->rated_at);
    assert_int_equal(a->reopened, b->reopened);
}

/* The table of SPEC C5 as this test reads it: which events each state takes. */
static int legal(case_state st, case_event e)
{
    static const case_event ok[CS__COUNT][6] = {
        [CS_RECEIVED] = {CE_ASSIGN, CE_ESCALATE, CE_REPLY, CE__COUNT},
        [CS_ASSIGNED] = {CE_ASSIGN, CE_START, CE_ESCALATE, CE_REPLY, CE__COUNT},
        [CS_IN_PROGRESS] = {CE_REPLY, CE_WAIT, CE_RESOLVE, CE_ESCALATE, CE_ASSIGN, CE__COUNT},
        [CS_WAITING] = {CE_RESUME, CE_REPLY, CE__COUNT},
        [CS_RESOLVED] = {CE_RATE, CE_FOLLOW_UP, CE_CLOSE, CE__COUNT},
        [CS_RATED] = {CE_CLOSE, CE_REOPEN, CE_FOLLOW_UP, CE__COUNT},
        [CS_CLOSED] = {CE_REOPEN, CE_FOLLOW_UP, CE__COUNT},
    };
    for (int i = 0; i < 6 && ok[st][i] != CE__COUNT; i++)
        if (ok[st][i] == e)
            return 1;
    return 0;
}

static int resident_may(case_event e)
{
    return e == CE_RATE || e == CE_REOPEN || e == CE_RESUME;
}

/* Every pair the table does not list is a conflict, for staff and residents alike, and
 * leaves the case exactly as it was, with a sentence saying why. */
static void test_every_illegal_pair_is_a_conflict_and_changes_nothing(void **state)
{
    (void)state;
    int refused = 0;
    for (int st = 0; st < CS__COUNT; st++)
        for (int e = 0; e < CE__COUNT; e++)
            for (int a = CA_STAFF; a <= CA_RESIDENT; a++) {
                if (legal(st, e))
                    continue;
                case_fsm s = in_state(st), out;
                memset(&out, 0x5a, sizeof out);
                case_input in = ev(e, a);
                in.staff_may_rate = 1;
                const char *why = NULL;
                lx_status rc = case_step(&s, &in, &out, &why);
                if (rc != LX_ECONFLICT)
                    fail_msg("%s in %s by %s: status %d, want conflict", case_event_code(e),
                             case_state_code(st), a == CA_STAFF ? "staff" : "resident", rc);
                assert_same(&out, &s);
                assert_non_null(why);
                assert_true(strlen(why) > 10);
                refused++;
            }
    /* 7 states x 11 events, 22 of them legal, times two actors */
    assert_int_equal(refused, (7 * 11 - 22) * 2);
}

/* A resident may only rate, reopen and resume; staff may do all else but reopen. */
static void test_legal_events_by_the_wrong_actor_are_denied(void **state)
{
    (void)state;
    int denied = 0;
    for (int st = 0; st < CS__COUNT; st++)
        for (int e = 0; e < CE__COUNT; e++) {
            if (!legal(st, e))
                continue;
            case_fsm s = in_state(st), out;
            const char *why = NULL;
            if (!resident_may(e)) {
                case_input in = ev(e, CA_RESIDENT);
                if (case_step(&s, &in, &out, &why) != LX_EDENIED)
                    fail_msg("a resident sent %s in %s", case_event_code(e), case_state_code(st));
                assert_same(&out, &s);
                assert_non_null(why);
                denied++;
            }
            if (e == CE_REOPEN) {
                case_input in = ev(e, CA_STAFF);
                assert_int_equal(case_step(&s, &in, &out, &why), LX_EDENIED);
                assert_string_equal(why, "only the resident reopens a rated case");
                assert_same(&out, &s);
                denied++;
            }
        }
    /* 22 legal pairs, 4 of them the resident's (resume, rate, reopen twice), and staff
     * reopening twice */
    assert_int_equal(denied, (22 - 4) + 2);
}

/* Every legal transition, with where it goes. */
static void test_every_legal_transition_goes_where_the_table_says(void **state)
{
    (void)state;
    static const struct {
        case_state from;
        case_event e;
        case_actor a;
        case_state to;
    } t[] = {
        {CS_RECEIVED, CE_ASSIGN, CA_STAFF, CS_ASSIGNED},
        {CS_RECEIVED, CE_ESCALATE, CA_STAFF, CS_RECEIVED},
        {CS_RECEIVED, CE_REPLY, CA_STAFF, CS_RECEIVED},
        {CS_ASSIGNED, CE_ASSIGN, CA_STAFF, CS_ASSIGNED},
        {CS_ASSIGNED, CE_START, CA_STAFF, CS_IN_PROGRESS},
        {CS_ASSIGNED, CE_ESCALATE, CA_STAFF, CS_RECEIVED},
        {CS_ASSIGNED, CE_REPLY, CA_STAFF, CS_ASSIGNED},
        {CS_IN_PROGRESS, CE_REPLY, CA_STAFF, CS_IN_PROGRESS},
        {CS_IN_PROGRESS, CE_WAIT, CA_STAFF, CS_WAITING},
        {CS_IN_PROGRESS, CE_RESOLVE, CA_STAFF, CS_RESOLVED},
        {CS_IN_PROGRESS, CE_ESCALATE, CA_STAFF, CS_RECEIVED},
        {CS_IN_PROGRESS, CE_ASSIGN, CA_STAFF, CS_ASSIGNED},
        {CS_WAITING, CE_RESUME, CA_STAFF, CS_IN_PROGRESS},
        {CS_WAITING, CE_RESUME, CA_RESIDENT, CS_IN_PROGRESS},
        {CS_WAITING, CE_REPLY, CA_STAFF, CS_WAITING},
        {CS_RESOLVED, CE_RATE, CA_RESIDENT, CS_RATED},
        {CS_RESOLVED, CE_FOLLOW_UP, CA_STAFF, CS_RESOLVED},
        {CS_RESOLVED, CE_CLOSE, CA_STAFF, CS_CLOSED},
        {CS_RATED, CE_CLOSE, CA_STAFF, CS_CLOSED},
        {CS_RATED, CE_REOPEN, CA_RESIDENT, CS_IN_PROGRESS},
        {CS_RATED, CE_FOLLOW_UP, CA_STAFF, CS_RATED},
        {CS_CLOSED, CE_REOPEN, CA_RESIDENT, CS_IN_PROGRESS},
        {CS_CLOSED, CE_FOLLOW_UP, CA_STAFF, CS_CLOSED},
    };
    int covered[CS__COUNT][CE__COUNT] = {{0}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        case_fsm s = in_state(t[i].from), out;
        case_input in = ev(t[i].e, t[i].a);
        const char *why = "unset";
        lx_status rc = case_step(&s, &in, &out, &why);
        if (rc != LX_OK)
            fail_msg("%s in %s: %s", case_event_code(t[i].e), case_state_code(t[i].from), why);
        assert_null(why);
        if (out.state != t[i].to)
            fail_msg("%s in %s went to %s", case_event_code(t[i].e), case_state_code(t[i].from),
                     case_state_code(out.state));
        covered[t[i].from][t[i].e] = 1;
    }
    /* and the list above is the whole table */
    for (int st = 0; st < CS__COUNT; st++)
        for (int e = 0; e < CE__COUNT; e++)
            if (legal(st, e) && !covered[st][e])
                fail_msg("%s in %s not tried", case_event_code(e), case_state_code(st));
}

/* The effects beyond the state: a case's story from intake to closing. */
static void test_a_case_from_intake_to_closing(void **state)
{
    (void)state;
    case_fsm s = {.state = CS_RECEIVED, .has_parent = 1}, n;
    case_input in = ev(CE_ASSIGN, CA_STAFF);
    const char *why;
    in.now = T0 + 3600;
    assert_int_equal(case_step(&s, &in, &n, &why), LX_OK);
    assert_int_equal(n.assigned, 1);
    assert_int_equal(n.responded_at, 0); /* assigning is not answering */
    s = n;
    in.ev = CE_START;
    assert_int_equal(case_step(&s, &in, &s, &why), LX_OK);
    /* an interim reply answers the response clock; a second one does not move it */
    in.ev = CE_REPLY;
    in.now = T0 + 7200;
    assert_int_equal(case_step(&s, &in, &s, &why), LX_OK);
    assert_int_equal(s.responded_at, T0 + 7200);
    in.now = T0 + 9000;
    assert_int_equal(case_step(&s, &in, &s, &why), LX_OK);
    assert_int_equal(s.responded_at, T0 + 7200);
    assert_int_equal(s.state, CS_IN_PROGRESS);
    /* wait on the requester, who answers from the card */
    in.ev = CE_WAIT;
    assert_int_equal(case_step(&s, &in, &s, &why), LX_OK);
    assert_int_equal(s.state, CS_WAITING);
    in.ev = CE_RESUME;
    in.actor = CA_RESIDENT;
    assert_int_equal(case_step(&s, &in, &s, &why), LX_OK);
    assert_int_equal(s.state, CS_IN_PROGRESS);
    in.actor = CA_STAFF;
    in.ev = CE_RESOLVE;
    in.now = T0 + 2 * DAY;
    assert_int_equal(case_step(&s, &in, &s, &why), LX_OK);
    assert_int_equal(s.state, CS_RESOLVED);
    assert_int_equal(s.resolved_at, T0 + 2 * DAY);
    assert_int_equal(s.responded_at, T0 + 7200);
    assert_int_equal(s.rating, RATING_NONE);
    in.actor = CA_RESIDENT;
    in.ev = CE_RATE;
    in.rating = RATING_BASIC;
    in.now = T0 + 3 * DAY;
    assert_int_equal(case_step(&s, &in, &s, &why), LX_OK);
    assert_int_equal(s.state, CS_RATED);
    assert_int_equal(s.rating, RATING_BASIC);
    assert_int_equal(s.rated_at, T0 + 3 * DAY);
    assert_int_equal(s.supervised, 0);
    in.actor = CA_STAFF;
    in.ev = CE_CLOSE;
    assert_int_equal(case_step(&s, &in, &s, &why), LX_OK);
    assert_int_equal(s.state, CS_CLOSED);
    assert_false(case_state_open(s.state));
}

/* A resolution answers the response clock when no interim reply did. */
static void test_a_resolution_is_a_first_response(void **state)
{
    (void)state;
    case_fsm s = in_state(CS_IN_PROGRESS), n;
    case_input in = ev(CE_RESOLVE, CA_STAFF);
    in.now = T0 + 5 * DAY;
    assert_int_equal(case_step(&s, &in, &n, NULL), LX_OK);
    assert_int_equal(n.responded_at, T0 + 5 * DAY);
    assert_int_equal(n.resolved_at, T0 + 5 * DAY);
}

static void test_unsatisfied_rating_reopens_under_supervision(void **state)
{
    (void)state;
    case_fsm s = in_state(CS_RESOLVED), n;
    case_input in = ev(CE_RATE, CA_RESIDENT);
    in.rating = RATING_UNSATISFIED;
    assert_int_equal(case_step(&s, &in, &n, NULL), LX_OK);
    assert_int_equal(n.state, CS_IN_PROGRESS);
    assert_int_equal(n.supervised, 1);
    assert_int_equal(n.rating, RATING_UNSATISFIED);
    assert_int_equal(n.rated_at, in.now);
    assert_int_equal(n.reopened, 0);
    assert_true(case_state_open(n.state));
    /* a new resolution clears the rating, and the resident rates again */
    s = n;
    in = ev(CE_RESOLVE, CA_STAFF);
    in.now = T0 + 25 * DAY;
    assert_int_equal(case_step(&s, &in, &s, NULL), LX_OK);
    assert_int_equal(s.rating, RATING_NONE);
    assert_int_equal(s.supervised, 1); /* supervision stays on the case */
    in = ev(CE_RATE, CA_RESIDENT);
    in.now = T0 + 26 * DAY;
    assert_int_equal(case_step(&s, &in, &s, NULL), LX_OK);
    assert_int_equal(s.state, CS_RATED);
    assert_int_equal(s.rating, RATING_SATISFIED);
}

static void test_a_second_rating_is_refused(void **state)
{
    (void)state;
    case_fsm s = in_state(CS_RATED), out;
    case_input in = ev(CE_RATE, CA_RESIDENT);
    const char *why;
    in.rating = RATING_UNSATISFIED;
    assert_int_equal(case_step(&s, &in, &out, &why), LX_ECONFLICT);
    assert_string_equal(why, "this case was rated already");
    assert_same(&out, &s);
    /* nor a resolved case that somehow holds a rating */
    s = in_state(CS_RESOLVED);
    s.rating = RATING_BASIC;
    assert_int_equal(case_step(&s, &in, &out, &why), LX_ECONFLICT);
    assert_string_equal(why, "this case was rated already");
    assert_same(&out, &s);
}

static void test_rating_before_resolution_is_refused(void **state)
{
    (void)state;
    const case_state open[] = {CS_RECEIVED, CS_ASSIGNED, CS_IN_PROGRESS, CS_WAITING};
    for (size_t i = 0; i < 4; i++) {
        case_fsm s = in_state(open[i]), out;
        case_input in = ev(CE_RATE, CA_RESIDENT);
        const char *why;
        assert_int_equal(case_step(&s, &in, &out, &why), LX_ECONFLICT);
        assert_string_equal(why, "a case is rated only after it is resolved");
        assert_same(&out, &s);
    }
}

static void test_rating_values_and_who_rates(void **state)
{
    (void)state;
    case_fsm s = in_state(CS_RESOLVED), out;
    case_input in = ev(CE_RATE, CA_RESIDENT);
    const int bad[] = {RATING_NONE, -1, 4, 99};
    for (size_t i = 0; i < 4; i++) {
        in.rating = bad[i];
        assert_int_equal(case_step(&s, &in, &out, NULL), LX_EINVAL);
        assert_same(&out, &s);
    }
    /* staff rate only a case without a card link (taken at reception or by phone) */
    in = ev(CE_RATE, CA_STAFF);
    const char *why;
    assert_int_equal(case_step(&s, &in, &out, &why), LX_EDENIED);
    assert_string_equal(why, "this case has a card link: the resident rates it");
    in.staff_may_rate = 1;
    assert_int_equal(case_step(&s, &in, &out, &why), LX_OK);
    assert_int_equal(out.state, CS_RATED);
}

static void test_escalation(void **state)
{
    (void)state;
    case_fsm s = in_state(CS_IN_PROGRESS), out;
    s.responded_at = T0 + 100;
    case_input in = ev(CE_ESCALATE, CA_STAFF);
    assert_int_equal(case_step(&s, &in, &out, NULL), LX_OK);
    assert_int_equal(out.state, CS_RECEIVED);
    assert_int_equal(out.assigned, 0);
    assert_int_equal(out.responded_at, T0 + 100); /* the first response stays */
    /* the county has no level above it */
    const case_state from[] = {CS_RECEIVED, CS_ASSIGNED, CS_IN_PROGRESS};
    for (size_t i = 0; i < 3; i++) {
        s = in_state(from[i]);
        s.has_parent = 0;
        const char *why;
        assert_int_equal(case_step(&s, &in, &out, &why), LX_ECONFLICT);
        assert_string_equal(why, "the county is the top level: nothing to escalate to");
        assert_same(&out, &s);
    }
}

static void test_reopen_window_edges(void **state)
{
    (void)state;
    const case_state from[] = {CS_RATED, CS_CLOSED};
    for (size_t i = 0; i < 2; i++) {
        case_fsm s = in_state(from[i]), out;
        s.reopened = 2;
        case_input in = ev(CE_REOPEN, CA_RESIDENT);
        const char *why;
        in.now = s.rated_at + WINDOW; /* the last second of the window */
        assert_int_equal(case_step(&s, &in, &out, &why), LX_OK);
        assert_int_equal(out.state, CS_IN_PROGRESS);
        assert_int_equal(out.supervised, 1);
        assert_int_equal(out.reopened, 3);
        in.now = s.rated_at + WINDOW + 1;
        assert_int_equal(case_step(&s, &in, &out, &why), LX_ECONFLICT);
        assert_non_null(strstr(why, "30 days"));
        assert_same(&out, &s);
        /* a window of 0 days: no reopening once a second has passed */
        in.reopen_window = 0;
        in.now = s.rated_at;
        assert_int_equal(case_step(&s, &in, &out, &why), LX_OK);
        in.now = s.rated_at + 1;
        assert_int_equal(case_step(&s, &in, &out, &why), LX_ECONFLICT);
    }
    /* a case closed unrated was not rated: there is nothing to reopen */
    case_fsm s = in_state(CS_CLOSED), out;
    s.rating = RATING_NONE;
    case_input in = ev(CE_REOPEN, CA_RESIDENT);
    in.now = s.rated_at + 1;
    assert_int_equal(case_step(&s, &in, &out, NULL), LX_ECONFLICT);
    assert_same(&out, &s);
}

static void test_close_waits_for_the_rating(void **state)
{
    (void)state;
    case_fsm s = in_state(CS_RESOLVED), out;
    case_input in = ev(CE_CLOSE, CA_STAFF);
    const char *why;
    in.now = s.resolved_at + WAIT - 1;
    assert_int_equal(case_step(&s, &in, &out, &why), LX_ECONFLICT);
    assert_non_null(strstr(why, "7 days"));
    assert_same(&out, &s);
    in.now = s.resolved_at + WAIT;
    assert_int_equal(case_step(&s, &in, &out, &why), LX_OK);
    assert_int_equal(out.state, CS_CLOSED);
    assert_int_equal(out.rating, RATING_NONE);
    /* a rated case closes at once */
    s = in_state(CS_RATED);
    in.now = s.rated_at + 1;
    assert_int_equal(case_step(&s, &in, &out, &why), LX_OK);
    assert_int_equal(out.state, CS_CLOSED);
}

static void test_codes_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < CS__COUNT; i++)
        assert_int_equal(case_state_parse(case_state_code(i)), i);
    for (int i = 0; i < CE__COUNT; i++)
        assert_int_equal(case_event_parse(case_event_code(i)), i);
    for (int i = RATING_SATISFIED; i <= RATING_UNSATISFIED; i++)
        assert_int_equal(case_rating_parse(case_rating_code(i)), i);
    assert_string_equal(case_state_code(CS_IN_PROGRESS), "in_progress");
    assert_string_equal(case_event_code(CE_FOLLOW_UP), "follow_up");
    assert_string_equal(case_rating_code(RATING_BASIC), "basic");
    assert_null(case_rating_code(RATING_NONE));
    assert_null(case_state_code(CS__COUNT));
    assert_int_equal(case_state_parse("open"), -1);
    assert_int_equal(case_event_parse(""), -1);
    assert_int_equal(case_rating_parse("none"), -1);
    assert_int_equal(case_rating_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_illegal_pair_is_a_conflict_and_changes_nothing),
        cmocka_unit_test(test_legal_events_by_the_wrong_actor_are_denied),
        cmocka_unit_test(test_every_legal_transition_goes_where_the_table_says),
        cmocka_unit_test(test_a_case_from_intake_to_closing),
        cmocka_unit_test(test_a_resolution_is_a_first_response),
        cmocka_unit_test(test_unsatisfied_rating_reopens_under_supervision),
        cmocka_unit_test(test_a_second_rating_is_refused),
        cmocka_unit_test(test_rating_before_resolution_is_refused),
        cmocka_unit_test(test_rating_values_and_who_rates),
        cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_reopen_window_edges),
        cmocka_unit_test(test_close_waits_for_the_rating),
        cmocka_unit_test(test_codes_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
