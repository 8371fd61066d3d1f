/* contact_rules.h -- the rules of contact: what is owed, when it is due, and whether it was done.
 *
 * Pure functions of (rules, pairings, contacts, calendar, time zone). Nothing here reads
 * the database or the clock: the caller passes rows in and "as of" as a parameter.
 *
 * Who owes what (SPEC C4, seeds 001 and 003; docs/architecture.md "Rules of contact"):
 * - a household rule is owed by the member who holds the household's pairing (of the
 *   rule's layer) at the obligation's due date, or now if the due date is still ahead;
 *   a household with no such pairing then owes nothing to anybody;
 * - it is satisfied only by contacts that member made with that household (a contact is
 *   credited to the member who made it, never to a deputy or a predecessor: seed 003);
 * - a member rule is owed by every member given, a leader rule by the members whose rank
 *   the rule names, a group rule by the group node (any contact recorded on the node);
 * - one contact counts for every obligation whose kinds and window it fits: one visit
 *   clears every obligation of that household that a visit satisfies.
 *
 * Days are local calendar days in the county's fixed UTC offset (Asia/Shanghai: +28800),
 * numbered from 1970-01-01. Weeks start on Monday. Terms: spring term March-August,
 * autumn term September-February (the school year of the left-behind children's rules). */
#ifndef LX_CONTACT_RULES_H
#define LX_CONTACT_RULES_H
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* Contact kinds as bits (codes as in vocab "contact_kind"). */
enum {
    CK_VISIT = 1u << 0,      /* visit: 入户走访 */
    CK_CALL = 1u << 1,       /* call: 电话联系 */
    CK_TALK = 1u << 2,       /* talk: 谈心谈话 */
    CK_COURTYARD = 1u << 3,  /* courtyard: 院坝会 */
    CK_RECEPTION = 1u << 4,  /* reception: 接访 */
    CK_ONLINE = 1u << 5,     /* online: 网上联系 */
    CK_SYMPOSIUM = 1u << 6,  /* symposium: 座谈会 */
    CK_TEA_PARTY = 1u << 7,  /* tea_party: 茶话会 */
    CK_DIALOGUE = 1u << 8,   /* dialogue: 恳谈会 */
    CK_SURVEY = 1u << 9,     /* survey: 调研会 */
};
/* Every kind made face to face; a call or an online message never is (seed 003). */
#define CK_IN_PERSON                                                                          \
    (CK_VISIT | CK_TALK | CK_COURTYARD | CK_RECEPTION | CK_SYMPOSIUM | CK_TEA_PARTY |        \
     CK_DIALOGUE | CK_SURVEY)

/* The bit of a kind code ("visit"), or 0 if the code is unknown. */
uint32_t cr_kind_bit(const char *code);
/* The code of a single kind bit, or NULL. */
const char *cr_kind_code(uint32_t bit);

typedef enum cr_period {
    CR_WEEK,     /* Monday to Sunday */
    CR_MONTH,    /* calendar month */
    CR_TERM,     /* spring term March-August, autumn term September-February */
    CR_YEAR,     /* calendar year */
    CR_FESTIVAL, /* each traditional festival, with a window of days around it */
    CR_BIRTHDAY, /* each birthday of the household's residents, with a window */
} cr_period;

typedef enum cr_subject {
    CR_HOUSEHOLD, /* per household carrying the rule's tag; owed by its paired member */
    CR_MEMBER,    /* per member */
    CR_LEADER,    /* per member whose rank the rule names */
    CR_GROUP,     /* per group node */
} cr_subject;

typedef enum cr_layer { CR_LIAISON, CR_ASSISTANCE } cr_layer;

/* One rule, as parsed from its policy text (see cr_rule_parse). */
typedef struct cr_rule {
    char key[48];        /* the rule's name, e.g. "elderly.call" */
    cr_subject subject;  /* who or what it is owed for */
    char tag[32];        /* CR_HOUSEHOLD: the household tag it applies to */
    char ranks[96];      /* CR_LEADER: comma-separated rank codes */
    cr_layer layer;      /* CR_HOUSEHOLD: which pairing owes it */
    uint32_t kinds;      /* contact kinds that satisfy it (CK_*) */
    cr_period period;    /* its period */
    int every;           /* week/month/term/year: one period spans this many (>= 1) */
    int count;           /* contacts needed in each period (>= 1) */
    int before, after;   /* festival/birthday: window of days before and after the day */
    int weekend;         /* 1: only contacts on a Saturday or Sunday count */
    uint32_t or_kinds;   /* alternative: such a contact ... */
    cr_period or_period; /* ... in this period (around the due date) also satisfies it */
} cr_rule;

/* Parse a rule from its policy text, space-separated name=value words:
 *   subject=household|member|leader|group   tag=<household tag>   ranks=a,b
 *   layer=liaison|assistance   kinds=visit,call,...,in_person   period=week|month|term|year|
 *   festival|birthday   every=N   count=N   before=N   after=N   weekend=0|1
 *   or=<kinds>/<week|month|term|year>
 * key: the rule's name, copied into out->key. On failure returns LX_EINVAL with e's field
 * set to "value" and a sentence naming the word at fault (a zero or negative period or
 * count, an unknown kind, a household rule without a tag ...); *out is then undefined. */
lx_status cr_rule_parse(const char *key, const char *text, cr_rule *out, lx_error *e);

/* A contact as made (table contacts): for member, leader and group rules. */
typedef struct cr_contact {
    int64_t id;        /* contacts.id */
    int64_t member_id; /* who made it */
    int64_t node_id;   /* the node it belongs to (a meeting's group) */
    uint32_t kind;     /* one CK_* bit */
    int64_t at;        /* happened_at, unix seconds UTC */
} cr_contact;

/* A contact with one household (table contact_households): for household rules. */
typedef struct cr_visit {
    int64_t contact_id;   /* contacts.id */
    int64_t household_id; /* the household */
    int64_t member_id;    /* who made it */
    uint32_t kind;        /* one CK_* bit */
    int64_t at;           /* unix seconds UTC */
} cr_visit;

/* A pairing of a household with a member, current or past. */
typedef struct cr_pairing {
    int64_t household_id; /* the household */
    int64_t member_id;    /* the member */
    cr_layer layer;       /* liaison or assistance */
    int64_t started_at;   /* unix seconds UTC */
    int64_t ended_at;     /* unix seconds UTC; 0 while current */
} cr_pairing;

#define CR_MAX_BIRTHDAYS 8

/* A household the rules may apply to. */
typedef struct cr_household {
    int64_t id;                          /* households.id */
    const char *tags;                    /* borrowed: comma-separated tag codes */
    int nbirth;                          /* birthdays known (residents' ID numbers) */
    int birth_ymd[CR_MAX_BIRTHDAYS];     /* their birth dates, yyyymmdd */
} cr_household;

/* A member the member and leader rules apply to. */
typedef struct cr_member {
    int64_t id;       /* members.id */
    const char *rank; /* borrowed: rank code, may be NULL */
} cr_member;

/* Everything one evaluation looks at. All arrays are borrowed; none need be sorted. */
typedef struct cr_input {
    const cr_rule *rules;             size_t nrules;
    const cr_household *households;   size_t nhouseholds;
    const cr_pairing *pairings;       size_t npairings;
    const cr_member *members;         size_t nmembers;
    const int64_t *groups;            size_t ngroups;    /* group node ids */
    const cr_contact *contacts;       size_t ncontacts;
    const cr_visit *visits;           size_t nvisits;
    int utc_offset;   /* seconds east of UTC (Asia/Shanghai: 28800) */
    int from_day;     /* obligations due on a local day in [from_day, to_day] */
    int to_day;
    int64_t asof;     /* "now": contacts after it are ignored; unix seconds UTC */
} cr_input;

typedef enum cr_state {
    CR_OPEN,   /* not yet due, not yet done */
    CR_MET,    /* done within its window */
    CR_LATE,   /* done, but after its due date */
    CR_MISSED, /* past due and not done */
} cr_state;

/* One thing owed. */
typedef struct cr_obligation {
    int rule;             /* index into cr_input.rules */
    int64_t household_id; /* household rules; else 0 */
    int64_t member_id;    /* who owes it; 0 for a group rule */
    int64_t node_id;      /* group rules: the group; else 0 */
    int start_day;        /* first local day of its window */
    int due_day;          /* last local day of its window: the due date */
    int festival;         /* CR_FESTIVAL: which festival (festival.h); else -1 */
    int made;             /* qualifying contacts within the window (or the alternative) */
    int need;             /* contacts needed */
    cr_state state;       /* as of cr_input.asof */
    int64_t done_by;      /* the contact that completed it; 0 if none */
    int days_overdue;     /* MISSED: local days from the due date to asof; else 0 */
} cr_obligation;

/* The local days [*first, *last] whose contacts rule r can count for an obligation due
 * within [from_day, to_day]: the windows, the alternative periods around the due dates and
 * the days after them in which a contact is still late rather than missing. Contacts
 * outside it change nothing in what cr_evaluate gives for that range and rule, so a
 * caller need not read them (a yearly rule reaches back to 1 January, a weekly one a
 * week). */
void cr_rule_reach(const cr_rule *r, int from_day, int to_day, int *first, int *last);

/* Every obligation due within [in->from_day, in->to_day], in no promised order.
 * *out receives an array of *n obligations the caller frees with free(); on
 * LX_EINVAL (a rule with every or count below 1, from_day > to_day) *out is NULL. */
lx_status cr_evaluate(const cr_input *in, cr_obligation **out, size_t *n);

/* Local day number of unix time t in a fixed UTC offset. */
int cr_day(int64_t t, int utc_offset);
/* Day number of a date (yyyymmdd) and back. */
int cr_day_of_ymd(int ymd);
int cr_ymd_of_day(int day);
/* Weekday of a day number: 0 = Monday .. 6 = Sunday. */
int cr_weekday(int day);
/* The period of kind p (week/month/term/year, spanning `every`) holding `day`:
 * its first and last day. */
void cr_period_span(cr_period p, int every, int day, int *first, int *last);

#endif
