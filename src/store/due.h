/* due.h -- loading what the rules of contact look at, and evaluating them (core/contact_rules). */
#ifndef LX_DUE_H
#define LX_DUE_H
#include <stdint.h>

#include "core/contact_rules.h"
#include "core/rbac.h"
#include "store/db.h"

#define DUE_MAX_RULES 64

/* One evaluation: the rules, the rows read for them, and the obligations found. */
typedef struct due_set {
    cr_rule rules[DUE_MAX_RULES]; /* the county's rules of contact, in policy-table order */
    size_t nrules;                /* how many */
    int utc_offset;               /* the county's */
    int asof_day;                 /* local day of "now" */
    cr_obligation *o;             /* the obligations (owned) */
    size_t n;                     /* how many */
    cr_member *members;           /* the members looked at (owned; rank strings too) */
    size_t nmembers;              /* how many */
    cr_visit *visits;             /* their households' contacts (owned) */
    size_t nvisits;               /* how many */
    struct arena *arena;          /* strings (owned) */
    void *priv[6];                /* other arrays (owned) */
} due_set;

/* Free what s holds (NULL is fine); s itself is the caller's. */
void due_set_release(due_set *s);

/* The obligations of one member due within local days [from_day, to_day], as of asof:
 * the households paired with them in that time (either layer), their member and leader
 * rules. LX_ENOTFOUND if the member is not in p's scope. */
lx_status due_for_member(db *d, const principal *p, int64_t member_id, int from_day,
                         int to_day, int64_t asof, due_set *out);

/* The obligations of everything under node (households with tags the rules name, members,
 * groups) due within [from_day, to_day], as of asof. LX_ENOTFOUND if the node is not in
 * p's scope. */
lx_status due_for_node(db *d, const principal *p, int64_t node_id, int from_day, int to_day,
                       int64_t asof, due_set *out);

/* A household of a member and when anyone last visited it (kind visit), 0 if never. */
typedef struct due_visit {
    int64_t household_id; /* the household */
    int64_t last;         /* unix seconds UTC, or 0 */
} due_visit;

/* The member's current households (either layer) with their last visit up to asof, the
 * longest unvisited first (never visited before all). *out is the caller's to free(). */
lx_status due_last_visits(db *d, const principal *p, int64_t member_id, int64_t asof,
                          due_visit **out, size_t *n);

/* LX_OK if the member (is_node 0) or node is in p's scope, LX_ENOTFOUND if not. */
lx_status due_check(db *d, const principal *p, int is_node, int64_t id);

/* The names of places (is_node 1) or members (0) ids[0..n-1] of the county, into
 * names[i] (strings of arena a; "" for an id the county does not have). */
lx_status due_names(db *d, int64_t county_id, int is_node, const int64_t *ids, size_t n,
                    struct arena *a, const char **names);
/* The county's UTC offset in seconds (Asia/Shanghai: 28800 by default). */
int due_utc_offset(db *d, int64_t county_id);

#endif
