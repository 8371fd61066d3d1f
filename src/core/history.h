/* history.h -- a deterministic generator of a demo county's contact history (visits, calls, talks, meetings). */
#ifndef LX_HISTORY_H
#define LX_HISTORY_H
#include <stddef.h>
#include <stdint.h>
#include "util/status.h"

/* The generator is pure: it is handed the county's pairings, members and
 * groups, a period and a seed, and emits contacts one by one to a callback,
 * in the order of its input (pairings as given, then each member's talks,
 * then each group's meetings). The same input and seed give the same stream:
 * each pairing, member and group draws from its own PRNG seeded from the
 * seed and its ids, so the stream does not depend on anything else.
 *
 * What it makes (per year; the seeds' rules of contact in brackets):
 *  - liaison pairings: a home visit about every 40 days and a call about
 *    every 50; a lonely elderly household a call a week and a visit a month
 *    (seed 001); a left-behind child's household a visit every 2 weeks and a
 *    call a month (seed 001's 七个一, roughly);
 *  - assistance pairings: a visit a month;
 *  - every member about 11 talks (seed 001: at least 10), a leader rank
 *    5 a month; about a third name a must-talk situation;
 *  - every group a courtyard meeting a month (seed 001), led by the township;
 *  - a few visits raise a request (about 1 in 25).
 * Each member has a diligence drawn once (0.55 to 1.15): some fall behind,
 * as the due lists should show. Times fall in the day, 08:00-19:00 county time. */

/* One pairing, with what the generator needs of its household. */
typedef struct history_pair {
    int64_t member_id;    /* the member */
    int64_t household_id; /* the household */
    int64_t node_id;      /* the household's node */
    const char *path;     /* its path; borrowed */
    int64_t tags;         /* the household's tags (mask of vocab_tag) */
    int assistance;       /* 1 for an assistance pairing, 0 for liaison */
    int64_t started_at;   /* contacts start no earlier (UTC seconds) */
} history_pair;

/* A member who talks. */
typedef struct history_member {
    int64_t id;       /* the member */
    int64_t node_id;  /* home node */
    const char *path; /* its path; borrowed */
    int leader;       /* a leader rank (city_leader, county_leader) */
} history_member;

/* A group that holds monthly courtyard meetings. */
typedef struct history_group {
    int64_t node_id;   /* the group's node */
    const char *path;  /* its path; borrowed */
    int64_t member_id; /* the member credited with its meetings (one of the village) */
} history_group;

/* One generated contact; strings are borrowed until the callback returns. */
typedef struct history_contact {
    int kind;              /* term of vocab_contact_kind */
    int64_t member_id;     /* credited member */
    int64_t household_id;  /* the household, or 0 (talks with members, meetings) */
    int64_t node_id;       /* the contact's node */
    const char *path;      /* its path */
    int64_t happened_at;   /* UTC seconds */
    const char *notes;     /* diary line, or NULL */
    int talk_situation;    /* term of vocab_talk_situation, or -1 */
    int64_t with_member;   /* a talk's other member, or 0 */
    int64_t attendance;    /* a meeting's count, or -1 */
    const char *leader_name; /* a meeting's leader, or NULL */
    const char *minutes;   /* a meeting's minutes, or NULL */
    int request_category;  /* term of vocab_request_category of a request raised, or -1 */
    const char *request_text; /* its text */
} history_contact;

typedef struct history_input {
    const history_pair *pairs;     /* the pairings */
    size_t npairs;
    const history_member *members; /* members, for talks */
    size_t nmembers;
    const history_group *groups;   /* groups, for courtyard meetings */
    size_t ngroups;
    int64_t from, to;              /* the period, UTC seconds [from, to) */
    int utc_offset;                /* the county's offset, for times of day */
} history_input;

/* Emit the history of `in` (borrowed) for `seed` to fn(ctx, c); a callback
 * that returns non-zero stops it, and that status is returned. */
lx_status history_generate(const history_input *in, uint64_t seed,
                           lx_status (*fn)(void *ctx, const history_contact *c), void *ctx);

#endif
