/* casefsm.c -- the life cycle of a case as a pure state machine; see casefsm.h. */
#include "core/casefsm.h"
#include "util/msgcat.h"

#include <stdio.h>
#include <string.h>

static const char *const state_codes[CS__COUNT] = {
    "received", "assigned", "in_progress", "waiting", "resolved", "rated", "closed",
};

static const char *const event_codes[CE__COUNT] = {
    "assign",  "start", "reply",  "wait",      "resume", "escalate",
    "resolve", "rate",  "reopen", "follow_up", "close",
};

static const char *const rating_codes[] = {NULL, "satisfied", "basic", "unsatisfied"};
#define NRATINGS (int)(sizeof rating_codes / sizeof rating_codes[0])

/* Which events each state accepts (bit e is event e); the rest are refused with
 * why_illegal(). Who may send them, and the conditions on time, come after. */
#define B(e) (1u << (e))
static const unsigned legal[CS__COUNT] = {
    [CS_RECEIVED] = B(CE_ASSIGN) | B(CE_ESCALATE) | B(CE_REPLY),
    [CS_ASSIGNED] = B(CE_ASSIGN) | B(CE_START) | B(CE_ESCALATE) | B(CE_REPLY),
    [CS_IN_PROGRESS] = B(CE_REPLY) | B(CE_WAIT) | B(CE_RESOLVE) | B(CE_ESCALATE) | B(CE_ASSIGN),
    [CS_WAITING] = B(CE_RESUME) | B(CE_REPLY),
    [CS_RESOLVED] = B(CE_RATE) | B(CE_FOLLOW_UP) | B(CE_CLOSE),
    [CS_RATED] = B(CE_CLOSE) | B(CE_REOPEN) | B(CE_FOLLOW_UP),
    [CS_CLOSED] = B(CE_REOPEN) | B(CE_FOLLOW_UP),
};
/* The events a resident may send (through the card link); staff send all but reopen. */
static const unsigned resident_may = B(CE_RATE) | B(CE_REOPEN) | B(CE_RESUME);
#undef B

/* Why event ev is not legal in state st, in words. */
static const char *why_illegal(case_state st, case_event ev)
{
    int open = case_state_open(st);
    switch (ev) {
    case CE_ASSIGN:
        return open ? LX_MSG("a waiting case is resumed before it is reassigned")
                    : LX_MSG("a resolved case is not assigned again; the resident may reopen it");
    case CE_START:
        return st == CS_RECEIVED ? LX_MSG("a case is assigned before it is started")
               : open            ? LX_MSG("this case was started already")
                                 : LX_MSG("this case is resolved already");
    case CE_REPLY:
        return LX_MSG("an interim reply is for an open case; this one is resolved");
    case CE_WAIT:
        return st == CS_WAITING ? LX_MSG("this case waits on the requester already")
                                : LX_MSG("only a case in progress can wait on the requester");
    case CE_RESUME:
        return LX_MSG("only a case that waits on the requester can be resumed");
    case CE_ESCALATE:
        return open ? LX_MSG("a waiting case is resumed before it is escalated")
                    : LX_MSG("a resolved case is not escalated; the resident may reopen it");
    case CE_RESOLVE:
        return st == CS_WAITING ? LX_MSG("a waiting case is resumed before it is resolved")
               : open           ? LX_MSG("a case is started before it is resolved")
                                : LX_MSG("this case is resolved already");
    case CE_RATE:
        return open             ? LX_MSG("a case is rated only after it is resolved")
               : st == CS_RATED ? LX_MSG("this case was rated already")
                                : LX_MSG("this case is closed: it can no longer be rated");
    case CE_REOPEN:
        return open ? LX_MSG("this case is still open: there is nothing to reopen")
                    : LX_MSG("a resolution is rated before it is reopened");
    case CE_FOLLOW_UP:
        return LX_MSG("a follow-up call is for a resolved case");
    case CE_CLOSE:
        return st == CS_CLOSED ? LX_MSG("this case is closed already")
                               : LX_MSG("a case is resolved before it is closed");
    case CE__COUNT:
        break;
    }
    return LX_MSG("this event is not known");
}

/* "7 days", "12 hours": how long a wait in seconds is, rounded up, into buf, in the
 * thread's language. */
static void say_duration(int64_t secs, char *buf, size_t len)
{
    if (secs >= 86400) {
        long long d = (long long)((secs + 86399) / 86400);
        if (d == 1)
            lx_msgf(buf, len, "%lld day", d);
        else
            lx_msgf(buf, len, "%lld days", d);
    } else {
        long long h = (long long)((secs + 3599) / 3600);
        if (h == 1)
            lx_msgf(buf, len, "%lld hour", h);
        else
            lx_msgf(buf, len, "%lld hours", h);
    }
}

lx_status case_step(const case_fsm *s, const case_input *in, case_fsm *out, const char **why)
{
    /* The sentence for a refused close names the wait, so it is built per call. */
    static _Thread_local char msg[320];
    case_fsm n = *s;
    lx_status rc = LX_OK;
    const char *w = NULL;
    int staff = in->actor == CA_STAFF;

    if ((int)s->state < 0 || s->state >= CS__COUNT || (int)in->ev < 0 || in->ev >= CE__COUNT) {
        rc = LX_EINVAL;
        w = LX_MSG("this case is in an unknown state or the event is unknown");
        goto out;
    }
    if (!(legal[s->state] & (1u << in->ev))) {
        rc = LX_ECONFLICT;
        w = why_illegal(s->state, in->ev);
        goto out;
    }
    if (!staff && !(resident_may & (1u << in->ev))) {
        rc = LX_EDENIED;
        w = LX_MSG("a resident may only rate, reopen or resume a case");
        goto out;
    }

    switch (in->ev) {
    case CE_ASSIGN:
        n.state = CS_ASSIGNED;
        n.assigned = 1;
        break;
    case CE_START:
        n.state = CS_IN_PROGRESS;
        break;
    case CE_REPLY:
        if (!n.responded_at)
            n.responded_at = in->now;
        break;
    case CE_WAIT:
        n.state = CS_WAITING;
        break;
    case CE_RESUME:
        n.state = CS_IN_PROGRESS;
        break;
    case CE_ESCALATE:
        if (!s->has_parent) {
            rc = LX_ECONFLICT;
            w = LX_MSG("the county is the top level: nothing to escalate to");
            goto out;
        }
        n.state = CS_RECEIVED;
        n.assigned = 0;
        break;
    case CE_RESOLVE:
        if (!n.responded_at)
            n.responded_at = in->now;
        n.state = CS_RESOLVED;
        n.resolved_at = in->now;
        n.rating = RATING_NONE;
        break;
    case CE_RATE:
        if (s->rating != RATING_NONE) {
            rc = LX_ECONFLICT;
            w = LX_MSG("this case was rated already");
            goto out;
        }
        if (staff && !in->staff_may_rate) {
            rc = LX_EDENIED;
            w = LX_MSG("this case has a card link: the resident rates it");
            goto out;
        }
        if (in->rating <= RATING_NONE || in->rating >= NRATINGS) {
            rc = LX_EINVAL;
            w = LX_MSG("a rating is satisfied, basic or unsatisfied");
            goto out;
        }
        n.rating = in->rating;
        n.rated_at = in->now;
        if (in->rating == RATING_UNSATISFIED) {
            n.state = CS_IN_PROGRESS;
            n.supervised = 1;
        } else {
            n.state = CS_RATED;
        }
        break;
    case CE_REOPEN:
        if (staff) {
            rc = LX_EDENIED;
            w = LX_MSG("only the resident reopens a rated case");
            goto out;
        }
        if (s->rating == RATING_NONE || !s->rated_at) {
            rc = LX_ECONFLICT;
            w = LX_MSG("only a case the resident rated can be reopened");
            goto out;
        }
        if (in->now > s->rated_at + in->reopen_window) {
            char d[32];
            say_duration(in->reopen_window, d, sizeof d);
            lx_msgf(msg, sizeof msg,
                    "a case can be reopened within %s of its rating; that time has passed", d);
            rc = LX_ECONFLICT;
            w = msg;
            goto out;
        }
        n.state = CS_IN_PROGRESS;
        n.supervised = 1;
        n.reopened++;
        break;
    case CE_FOLLOW_UP:
        break;
    case CE_CLOSE:
        if (s->state == CS_RESOLVED && in->now < s->resolved_at + in->rating_wait) {
            char d[32];
            say_duration(in->rating_wait, d, sizeof d);
            lx_msgf(msg, sizeof msg,
                    "the resident has %s after the resolution to rate it; close it after that", d);
            rc = LX_ECONFLICT;
            w = msg;
            goto out;
        }
        n.state = CS_CLOSED;
        break;
    case CE__COUNT:
        break;
    }

out:
    *out = rc ? *s : n;
    if (why)
        *why = w;
    return rc;
}

int case_state_open(case_state st)
{
    return st >= CS_RECEIVED && st <= CS_WAITING;
}

/* The index of code in codes[0..n), or -1. */
static int find_code(const char *const *codes, int n, const char *code)
{
    if (!code)
        return -1;
    for (int i = 0; i < n; i++)
        if (codes[i] && !strcmp(codes[i], code))
            return i;
    return -1;
}

const char *case_state_code(case_state st)
{
    return (int)st >= 0 && st < CS__COUNT ? state_codes[st] : NULL;
}

int case_state_parse(const char *code)
{
    return find_code(state_codes, CS__COUNT, code);
}

const char *case_event_code(case_event ev)
{
    return (int)ev >= 0 && ev < CE__COUNT ? event_codes[ev] : NULL;
}

int case_event_parse(const char *code)
{
    return find_code(event_codes, CE__COUNT, code);
}

const char *case_rating_code(int rating)
{
    return rating > RATING_NONE && rating < NRATINGS ? rating_codes[rating] : NULL;
}

int case_rating_parse(const char *code)
{
    return find_code(rating_codes, NRATINGS, code);
}
