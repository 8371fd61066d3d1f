/* casefsm.h -- the life cycle of a request from the people (a case), as a pure state machine.
 *
 * SPEC C5 (seeds 001, 003, 004): received -> assigned -> in progress -> resolved -> rated
 * -> closed. Escalation goes one level up (group -> village -> township -> county) and puts
 * the case back to "received" in the upper node's queue; the first node keeps sight of it.
 * An unsatisfied rating reopens the case under supervision (督办) by the level above; a
 * resident may reopen a case they rated within case.reopen_days. While the case waits on
 * the requester its clock is paused (the store keeps the pauses; see core/workcal.h).
 *
 * Nothing here reads the database or the clock: the caller passes the case's state, the
 * event, who sends it and "now", and gets the next state or the reason it is refused. The
 * store applies the result, with its audit record, in one transaction. */
#ifndef LX_CASEFSM_H
#define LX_CASEFSM_H
#include <stdint.h>

#include "util/status.h"

typedef enum case_state {
    CS_RECEIVED,    /* received: in a node's queue, nobody handles it yet */
    CS_ASSIGNED,    /* assigned: to a member, a handler at the node, or a unit */
    CS_IN_PROGRESS, /* in_progress: being handled */
    CS_WAITING,     /* waiting: on the requester; the clock is paused */
    CS_RESOLVED,    /* resolved: a resolution the resident can read; awaiting the rating */
    CS_RATED,       /* rated: satisfied or basically satisfied */
    CS_CLOSED,      /* closed */
    CS__COUNT
} case_state;

typedef enum case_event {
    CE_ASSIGN,    /* assign or reassign (at or under the current node; never sideways) */
    CE_START,     /* the assignee starts */
    CE_REPLY,     /* an interim reply to the requester (说法); the first answers the response clock */
    CE_WAIT,      /* wait on the requester: pause the clock */
    CE_RESUME,    /* the requester answered, or staff resume: restart the clock */
    CE_ESCALATE,  /* one level up, with a reason */
    CE_RESOLVE,   /* the resolution text */
    CE_RATE,      /* the resident's rating */
    CE_REOPEN,    /* a resident reopens what they rated */
    CE_FOLLOW_UP, /* a follow-up call (回访) records fixed / partly fixed / not fixed */
    CE_CLOSE,     /* close */
    CE__COUNT
} case_event;

typedef enum case_actor {
    CA_STAFF,    /* a logged-in user whose scope holds the case */
    CA_RESIDENT, /* the household, through its card link */
} case_actor;

typedef enum case_rating {
    RATING_NONE = 0,
    RATING_SATISFIED,   /* satisfied: 满意 */
    RATING_BASIC,       /* basic: 基本满意 */
    RATING_UNSATISFIED, /* unsatisfied: 不满意 -- reopens under supervision */
} case_rating;

/* What the machine reads and changes of a case. */
typedef struct case_fsm {
    case_state state;
    int supervised;        /* under supervision (督办) by the level above */
    int rating;            /* case_rating of the current resolution, RATING_NONE before */
    int has_parent;        /* the current node has a level above it */
    int assigned;          /* someone (member, handler or unit) holds it */
    int64_t responded_at;  /* first response: an interim reply or a resolution; 0 none */
    int64_t resolved_at;   /* latest resolution, 0 none */
    int64_t rated_at;      /* latest rating, 0 none */
    int reopened;          /* how many times it was reopened */
} case_fsm;

typedef struct case_input {
    case_event ev;
    case_actor actor;
    int rating;             /* CE_RATE: a case_rating other than RATING_NONE */
    int staff_may_rate;     /* CE_RATE by staff: the case has no card link (reception, phone) */
    int64_t now;            /* UTC seconds */
    int64_t rating_wait;    /* seconds after a resolution before staff may close it unrated */
    int64_t reopen_window;  /* seconds after a rating in which the resident may reopen */
} case_input;

/* Apply `in` to `s`. LX_OK with *out the next state; otherwise *out is a copy of *s and
 * *why a sentence for the user:
 * - LX_ECONFLICT: the event is not legal in this state (a rating before resolution, a
 *   second rating, escalation above the county, a reopen after the window ...);
 * - LX_EDENIED: legal, but not for this actor (staff rating a case with a card link, a
 *   resident assigning ...); a resident may only rate, reopen and resume, and only a
 *   resident reopens;
 * - LX_EINVAL: a rating that is not satisfied, basic or unsatisfied.
 * The state is checked first, then the actor, then the rest. Staff close a resolved case
 * unrated only once rating_wait has passed since resolved_at; a resident reopens only a
 * rated resolution (rating set), within reopen_window of rated_at.
 * *why points to a constant or to a per-thread buffer valid until the next call: a
 * constant is an English catalog sentence (LX_MSG, translated when given to lx_fail
 * through "%s"), a sentence built with a wait in it is made in the thread's language.
 * Effects beyond the state: CE_REPLY and CE_RESOLVE set responded_at if unset; CE_RESOLVE
 * sets resolved_at and clears rating; CE_RATE sets rating and rated_at, and an
 * unsatisfied rating moves the case to in_progress with supervised = 1; CE_REOPEN does
 * the same and counts reopened; CE_ESCALATE moves it to received with assigned = 0 (the
 * store moves it to the parent node); CE_ASSIGN sets assigned = 1. */
lx_status case_step(const case_fsm *s, const case_input *in, case_fsm *out, const char **why);

/* Is the case open (its resolution clock runs or is paused)? received .. waiting. */
int case_state_open(case_state st);
/* Stable codes ("in_progress"), and back (-1 if unknown). The codes are NULL for values
 * out of range, and case_rating_code(RATING_NONE) is NULL: no rating has no code. */
const char *case_state_code(case_state st);
int case_state_parse(const char *code);
const char *case_event_code(case_event ev);
int case_event_parse(const char *code);
const char *case_rating_code(int rating);
int case_rating_parse(const char *code);

#endif
