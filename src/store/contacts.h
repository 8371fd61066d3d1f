/* contacts.h -- contacts (visits, calls, talks, meetings) and the county's visit form in the store. */
#ifndef LX_CONTACTS_H
#define LX_CONTACTS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/rbac.h"
#include "store/db.h"

/* Most households, attendees and requests one contact may name. */
#define CONTACT_MAX_HOUSEHOLDS 50
#define CONTACT_MAX_ATTENDEES 500
#define CONTACT_MAX_REQUESTS 20

/* Which fields of a contact_in were given (for edits). */
enum {
    CF_HAPPENED = 1 << 0,
    CF_NOTES = 1 << 1,
    CF_TALK = 1 << 2,
    CF_ANSWERS = 1 << 3,
    CF_REQUESTS = 1 << 4,
    CF_LEADER = 1 << 5,
    CF_ATTENDANCE = 1 << 6,
    CF_ATTENDEES = 1 << 7,
    CF_MINUTES = 1 << 8,
    CF_PUBLIC = 1 << 9,
};

/* One request raised during a contact (the requests issue makes cases of them). */
typedef struct contact_request {
    const char *text;     /* what was asked, 1-1000 characters; borrowed */
    int category;         /* term of vocab_request_category */
    int64_t household_id; /* the household that raised it, or 0 */
} contact_request;

/* A contact as the API gave it, checked for form (types, lengths, vocabulary)
 * but not yet against the database. Every pointer is borrowed. */
typedef struct contact_in {
    int kind;                      /* term of vocab_contact_kind (ignored by edits) */
    int64_t happened_at;           /* UTC seconds */
    int64_t member_id;             /* credited member; 0: the caller's own (or the leader's) */
    const int64_t *households;     /* households visited, called ... (not for meetings) */
    size_t nhouseholds;
    const char *notes;             /* the diary (民情日记), or NULL */
    int talk_situation;            /* term of vocab_talk_situation, or -1 */
    const json_t *answers;         /* the visit form's answers (an object), or NULL */
    const contact_request *requests; /* requests raised */
    size_t nrequests;
    int64_t node_id;               /* meetings: the place (ignored by edits) */
    int64_t leader_member_id;      /* meetings: who led, a member, or 0 */
    const char *leader_name;       /* meetings: who led, by name, or NULL */
    int64_t attendance;            /* meetings: how many came, or -1 */
    const int64_t *att_members;    /* meetings and talks: members present, when known */
    size_t natt_members;
    const int64_t *att_households; /* meetings: households present, when known */
    size_t natt_households;
    const char *minutes;           /* meetings: the minutes, or NULL */
    int public_;                   /* meetings: may be shown on the public board */
} contact_in;

/* Record a contact (inside the caller's write transaction), audited in it.
 * Checks, each a 4xx through e: who may be credited (a member account only
 * itself, seed 003; others a member in their scope or paired with a named
 * household); households, nodes and members out of the caller's scope are
 * LX_ENOTFOUND naming the field; a household that was not the member's when
 * the contact happened is accepted with paired = 0; answers are checked
 * against the county's current visit form. *id receives the new id. */
lx_status contacts_create(db *d, const principal *who, const char *addr, const contact_in *in,
                          int64_t *id, lx_error *e);

/* Change the fields of `set` (CF_*) of contact `id` (inside the caller's
 * write transaction), audited with before and after. A contact that
 * happened more than policy contact.edit_grace_days ago needs a reason.
 * LX_ENOTFOUND if it is not in the caller's scope. */
lx_status contacts_update(db *d, const principal *who, const char *addr, int64_t id,
                          const contact_in *in, unsigned set, const char *reason, lx_error *e);

/* Deactivate a contact with a reason (inside the caller's write transaction);
 * it then counts for no rule. LX_ECONFLICT if it is inactive already. */
lx_status contacts_deactivate(db *d, const principal *who, const char *addr, int64_t id,
                              const char *reason, lx_error *e);

/* A contact in the caller's scope as JSON (new reference), with its
 * households, attendees, requests and the questions of the form version it
 * answered; LX_ENOTFOUND otherwise. */
lx_status contacts_get(db *d, const principal *who, int64_t id, json_t **out);

/* Filters of a list; 0 / NULL / -1 for "any". */
typedef struct contacts_query {
    int64_t member_id;    /* credited to this member */
    int64_t household_id; /* naming this household */
    const char *under;    /* at or under this node path */
    const char *kind;     /* of this kind (a code) */
    int64_t from, to;     /* happened_at in [from, to) */
    int active;           /* 1 active (default), 0 inactive, -1 all */
    int unpaired;         /* 1: only those naming a household that was not the member's */
    int64_t after;        /* cursor: ids above this */
    int limit;            /* page size */
} contacts_query;

/* A page of contacts in the caller's scope, in id order, each with its
 * households. *next is the last id when the page is full, else 0. */
lx_status contacts_list(db *d, const principal *who, const contacts_query *q, json_t **items,
                        int64_t *next);

/* The county's visit form: version `version` (0: the latest) as
 * {version, questions, created_at}; {version: 0, questions: []} when the
 * county has none yet. LX_ENOTFOUND for a version that does not exist. */
lx_status visitform_get(db *d, int64_t county_id, int version, json_t **out);

/* Save `questions` (checked by visitform_check_questions) as the county's
 * next version (inside the caller's write transaction), audited. */
lx_status visitform_save(db *d, const principal *who, const char *addr, const json_t *questions,
                         int *version);

#endif
