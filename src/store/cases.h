/* cases.h -- requests from the people (cases) in the store: opening, handling, queues, rates.
 *
 * Every change of a case is one transaction with its audit record (the caller runs these
 * inside store_txn). The life cycle is core/casefsm.c's; the clocks are core/workcal.c's
 * with the county's time-limit policies (case.limit.*) and holiday calendar. */
#ifndef LX_CASES_H
#define LX_CASES_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/casefsm.h"
#include "core/rbac.h"
#include "core/workcal.h"
#include "store/db.h"
#include "util/strbuf.h"

#define CASE_TEXT_MAX 2000  /* characters of a request, reply or resolution */
#define CASE_REASON_MAX 500 /* characters of a reason or a comment */
#define CASE_PHOTOS_MAX 3   /* photos with one request (and the most case.photos_max allows) */
#define CASE_CODE_LEN 8     /* the tracking code a resident is given */

/* A photo already cleaned and stored (store/photos.c) by its hash. */
typedef struct case_photo_ref {
    char hash[65];
    int type; /* IMAGE_JPEG or IMAGE_PNG */
} case_photo_ref;

/* A new case as the API or the resident page gave it, checked for form. */
typedef struct case_open_in {
    int channel;          /* term of vocab_case_channel */
    int category;         /* term of vocab_request_category */
    int priority;         /* term of vocab_case_priority */
    const char *text;     /* the request, 1..CASE_TEXT_MAX characters */
    const char *phone;    /* the requester's phone (normalised) if they want a call, or NULL */
    int64_t household_id; /* the requester's household, or 0 */
    int64_t node_id;    /* the receiving node; 0: the household's village, else the caller's node */
    int64_t contact_id; /* the contact it was raised in, or 0 */
    int64_t request_id; /* that contact's request row, or 0 */
    const case_photo_ref *photos;
    size_t nphotos;
} case_open_in;

/* Open a case (inside the caller's write transaction), audited, with its first event.
 * A resident principal (ROLE_RESIDENT, household_id) opens for their own household at its
 * village; staff open at a node in their scope, for a household in their scope.
 * LX_ENOTFOUND (field) for a node or household out of scope; LX_ERATE when the household
 * opened case.resident_daily_max cases today from its card. */
lx_status cases_open(db *d, const principal *who, const char *addr, const case_open_in *in,
                     int64_t *id, char code[CASE_CODE_LEN + 1], lx_error *e);

/* One action on a case. */
typedef struct case_act_in {
    case_event ev;
    const char *text;  /* reply, what is needed (wait), reason (escalate, reopen), resolution,
                          comment (rate), notes (follow-up, close, resume) */
    int rating;        /* CE_RATE: a case_rating */
    int follow_up;     /* CE_FOLLOW_UP: term of vocab_follow_up */
    int64_t member_id; /* CE_ASSIGN: exactly one of member, user, unit */
    int64_t user_id;
    int64_t unit_id;
    int internal; /* CE_REPLY: a note for staff, not shown to the resident */
} case_act_in;

/* Apply an action (inside the caller's write transaction): the state machine decides,
 * then the case, its event, its clock, notifications and the audit record are written.
 * Staff act on cases whose current node is in their subtree, or assigned to them (members);
 * a follow-up needs only the case in their subtree. A resident acts on their own
 * household's cases. Errors: LX_ENOTFOUND (not in scope), LX_ECONFLICT / LX_EDENIED (the
 * machine's sentence), LX_EINVAL (a missing text, an assignee outside the node). */
lx_status cases_act(db *d, const principal *who, const char *addr, int64_t id,
                    const case_act_in *in, lx_error *e);

/* The id of the case with tracking code `code` in the caller's scope (residents: their
 * household's), or LX_ENOTFOUND. */
lx_status cases_find_code(db *d, const principal *who, const char *code, int64_t *id);

/* A case in the caller's scope as JSON (new reference): its fields (the phone masked),
 * the names of its nodes, its timeline and photos. LX_ENOTFOUND otherwise. */
lx_status cases_get(db *d, const principal *who, int64_t id, json_t **out);

/* The requester's full phone, for one who may handle the case (inside the caller's write
 * transaction, audited with the reason). LX_ENOTFOUND if none was given or out of scope. */
lx_status cases_phone(db *d, const principal *who, const char *addr, int64_t id, const char *reason,
                      char *out, size_t outlen, lx_error *e);

/* Attach a stored photo to a case (staff: evidence of the work), audited. */
lx_status cases_add_photo(db *d, const principal *who, const char *addr, int64_t id,
                          const case_photo_ref *ph, lx_error *e);

/* 1 if the photo `hash` belongs to case `id` (the caller checked the case's scope). */
int cases_has_photo(db *d, int64_t id, const char *hash, int *type);

/* Run `sql` (parameters: an id, then a photo's hash; the first column the photo's type):
 * 1 if it gives a row. For the probes of who may see a photo. */
int cases_photo_probe(db *d, const char *sql, int64_t id, const char *hash, int *type);

/* 1 if the photo `hash` belongs to a case of household `household_id`. */
int cases_household_has_photo(db *d, int64_t household_id, const char *hash, int *type);

/* Queues. */
typedef enum case_queue {
    QUEUE_ALL,        /* everything in scope (at or under node_id), newest first */
    QUEUE_MINE,       /* assigned to me (my account, or my member record) */
    QUEUE_NODE,       /* open at node_id, and the overdue open cases under it */
    QUEUE_ESCALATED,  /* open at node_id, escalated from below */
    QUEUE_OVERDUE,    /* open and past a deadline, at or under node_id */
    QUEUE_SUPERVISED, /* under supervision by node_id, not closed */
    QUEUE_FOLLOW_UP,  /* the follow-up sample: resolved in the last 30 days, not yet called */
    QUEUE__COUNT
} case_queue;
const char *case_queue_code(case_queue q);
int case_queue_parse(const char *code);

typedef struct cases_query {
    case_queue queue;
    int64_t node_id;      /* 0: the caller's node */
    const char *category; /* codes, or NULL */
    const char *state;
    const char *channel;
    const char *priority;
    int64_t household_id;
    int64_t opened_from; /* opened_at in [from, to) */
    int64_t opened_to;
    int64_t cursor_key; /* paging: the last row's sort key and id (0, 0: first page) */
    int64_t cursor_id;
    int limit;
    int64_t now;
} cases_query;

/* A page of a queue in the caller's scope as a JSON array written into sb; *next_key,
 * *next_id the cursor of the next page (0, 0: none). Overdue cases come first in the
 * node and mine queues, then by deadline. */
lx_status cases_list(db *d, const principal *who, const cases_query *q, strbuf *sb,
                     int64_t *next_key, int64_t *next_id, lx_error *e);

/* The three rates of node_id (in scope) for county-local month yyyymm (e.g. 202611):
 * totals and one row per child node (docs/cases.md gives the definitions). */
lx_status cases_rates(db *d, const principal *who, int64_t node_id, int yyyymm, json_t **out,
                      lx_error *e);

/* Open one case for each request raised in a contact that has none yet (inside the
 * caller's write transaction). *out: a JSON array of {request_id, case_id, code}. */
lx_status cases_from_contact(db *d, const principal *who, const char *addr, int64_t contact_id,
                             json_t **out, lx_error *e);

/* Notify the assignee and the node above of every open case that passed a deadline since
 * the last sweep (inside the caller's write transaction). *n: cases newly overdue. */
lx_status cases_sweep(db *d, int64_t now, int *n);

/* A demo's requests (inside the caller's write transaction): `count` cases from every
 * (households / count)-th household, opened by the county principal `who` through
 * cases_open and moved along by cases_act -- some received, assigned, in progress, waiting,
 * escalated, resolved, rated (by the household, as its card would) and reopened after an
 * unsatisfied rating. Deterministic. *made: the cases opened. */
lx_status cases_demo(db *d, const principal *who, int count, int *made);

/* The county's calendar for computing clocks: its own years and the built-in ones.
 * Memory in *years is malloc'd (free with cases_calendar_free). */
lx_status cases_calendar_load(db *d, int64_t county_id, workcal *cal);
void cases_calendar_free(workcal *cal);

#endif
