/* demo.h -- a deterministic generator of a realistic demo county, streamed as plain records. */
#ifndef LX_DEMO_H
#define LX_DEMO_H
#include <stdint.h>
#include "util/status.h"

/* The generator makes up a whole county -- places, units, party
 * organisations, members, households and residents -- from a household count
 * and a seed, and hands it record by record to callbacks. It does no I/O and
 * no SQL (store/bulk.c writes the stream into the database), keeps its own
 * PRNG (xoshiro256** seeded through splitmix64), and reckons every age to the
 * fixed date DEMO_REF_YMD, so that the same (households, seed) always yields
 * exactly the same stream, on any day.
 *
 * Shapes, all "about": a township or street per 9,000 households (at least
 * 2; the first one or few are streets of the county seat), a village or
 * community per 300, a group or grid per 40, a unit per 1,000 (at least 5),
 * a member per 15 households; 1-6 residents per household, 3.2 on average.
 * ID numbers and phones are made from counters, not drawn, so each is unique
 * in the county; ID numbers carry a real region code chosen by the seed. */

#define DEMO_MIN_HOUSEHOLDS 100
#define DEMO_MAX_HOUSEHOLDS 1000000
/* The date ages are reckoned to (YYYYMMDD): no birth date comes after it. */
#define DEMO_REF_YMD 20250630

/* Records refer to each other by the generator's own numbers, "demo ids":
 * each kind of record is numbered 1, 2, 3 ... in stream order; 0 means none.
 * Enumerated values are term indexes of the vocabularies in core/vocab.h and
 * sets (skills, tags, needs) are their bit masks (bit i = term i), as the
 * store keeps them. Every string is borrowed until the callback returns. */

/* A place of the administrative tree. */
typedef struct demo_node {
    int64_t id;        /* demo id among nodes; the county itself is 1 */
    int64_t parent_id; /* the parent's demo id; 0 for the county */
    int level;         /* 1 county, 2 township/street, 3 village/community, 4 group/grid */
    int kind;          /* term of vocab_node_kind */
    const char *name;  /* 富顺县, 青山镇, 柳河村, 第三村民小组 */
    const char *code;  /* 12-digit division code (区划代码) of levels 1-3; NULL for groups */
} demo_node;

/* A unit that employs cadres (department, school, hospital, enterprise). */
typedef struct demo_unit {
    int64_t id;       /* demo id among units */
    int64_t node_id;  /* where it sits: the county, or a township */
    int kind;         /* term of vocab_unit_kind */
    const char *name; /* 县农业农村局, 青山镇卫生院 */
} demo_unit;

/* A party organisation: a township committee, a village branch, a group's
 * party group, a unit's branch. */
typedef struct demo_org {
    int64_t id;            /* demo id among orgs */
    int64_t node_id;       /* the node it hangs on */
    int64_t parent_org_id; /* the organisation above it, or 0 */
    int kind;              /* term of vocab_org_kind */
    int basis;             /* term of vocab_org_basis, or -1 for none */
    const char *name;      /* 柳河村党支部 */
} demo_org;

/* A party member or cadre. */
typedef struct demo_member {
    int64_t id;           /* demo id among members */
    int64_t node_id;      /* home: a township for unit cadres, a village for
                             village officials, a group for the others */
    int64_t unit_id;      /* employing unit, or 0 */
    int64_t org_id;       /* party organisation the member belongs to */
    int64_t leads_org_id; /* organisation this member leads (secretary,
                             group leader), or 0 */
    const char *name;     /* two- or three-character Chinese name */
    int gender;           /* term of vocab_gender */
    const char *phone;    /* mobile number, unique in the county */
    int rank;             /* term of vocab_rank */
    int category;         /* term of vocab_category */
    int64_t skills;       /* mask of vocab_skill, 0 to 2 terms */
} demo_member;

/* A household; its residents follow it directly in the stream. */
typedef struct demo_household {
    int64_t id;            /* demo id among households */
    int64_t node_id;       /* its group or grid */
    const char *address;   /* 青山镇柳河村3组12号; unique in the county */
    const char *head_name; /* name of the resident who is head */
    int difficulty;        /* term of vocab_difficulty */
    int64_t tags;          /* mask of vocab_tag */
    int64_t needs;         /* mask of vocab_skill, derived from the tags */
    int nresidents;        /* how many residents follow, 1..6 */
} demo_household;

/* A member of a household. */
typedef struct demo_resident {
    int64_t id;             /* demo id among residents */
    int64_t household_id;   /* the household just emitted */
    const char *name;       /* Chinese name */
    int gender;             /* term of vocab_gender; agrees with the ID number */
    int age;                /* full years on DEMO_REF_YMD */
    const char *birth_date; /* "YYYY-MM-DD", the date in the ID number */
    const char *idno;       /* valid 18-character ID number, unique in the county */
    const char *phone;      /* mobile number unique in the county, or NULL (children,
                               some of the old) */
    int relation;           /* term of vocab_relation; the head comes first */
} demo_resident;

/* Where the stream goes. A NULL callback skips that kind of record. A
 * callback returns LX_OK to go on; anything else stops the generator, which
 * returns that status. */
typedef struct demo_sink {
    void *ctx; /* passed to every callback */
    lx_status (*node)(void *ctx, const demo_node *n);
    lx_status (*unit)(void *ctx, const demo_unit *u);
    lx_status (*org)(void *ctx, const demo_org *o);
    lx_status (*member)(void *ctx, const demo_member *m);
    lx_status (*household)(void *ctx, const demo_household *h);
    lx_status (*resident)(void *ctx, const demo_resident *r);
} demo_sink;

/* Generate a county of `households` households (DEMO_MIN_HOUSEHOLDS ..
 * DEMO_MAX_HOUSEHOLDS) from `seed` into `sink` (borrowed), in this order:
 * every node (the county first, then depth first, parents before children),
 * every unit, every organisation (parents first), every member, then each
 * household followed by its residents. Returns LX_EINVAL if `households` is
 * out of range (nothing is emitted), otherwise LX_OK or the first failing
 * callback's status. Allocates only while it runs. */
lx_status demo_generate(int64_t households, uint64_t seed, const demo_sink *sink);

#endif
