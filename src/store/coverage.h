/* coverage.h -- the coverage report of pairing (SPEC C2): who is not covered, who is over quota. */
#ifndef LX_COVERAGE_H
#define LX_COVERAGE_H
#include <stddef.h>
#include <stdint.h>
#include "core/rbac.h"
#include "store/db.h"

/* The figures of one place, in this order (COVERAGE_NFIGURES of them):
 *   households                        active households under the place
 *   households_without_liaison        ... with no active liaison pairing
 *   households_in_difficulty          ... with a difficulty tier above none or a tag of
 *                                     policy assistance.tags
 *   in_difficulty_without_assistance  ... of those, with no active assistance pairing
 *   hardest                           ... with difficulty hardest
 *   hardest_without_leader            ... of those, with no active assistance pairing
 *                                     held by a city- or county-managed leader
 *   members                           active members living under the place
 *   members_without_households        ... of those living at village level or below
 *                                     (path depth >= 3), with no active liaison pairing
 *   members_over_liaison_quota        ... with more active liaison pairings than their own
 *                                     quota, or else policy liaison.quota
 *   cadres_over_assistance_quota      ... with more active assistance pairings than their
 *                                     own quota, or else their rank's assistance.quota.* */
#define COVERAGE_NFIGURES 10

/* A figure's JSON name and its Chinese column header. */
typedef struct coverage_figure {
    const char *name;  /* "households_without_liaison" */
    const char *label; /* "无联系党员户数" */
} coverage_figure;

/* The figures, in order. */
extern const coverage_figure coverage_figures[COVERAGE_NFIGURES];

/* One place of the report. */
typedef struct coverage_row {
    int64_t id;                    /* the node */
    char name[256];                /* its name */
    int level;                     /* 1 county .. 4 group */
    char kind[24];                 /* vocab_node_kind code */
    int64_t v[COVERAGE_NFIGURES];  /* the figures, as coverage_figures lists them */
} coverage_row;

/* A place and each active place directly under it. */
typedef struct coverage_report {
    coverage_row node;        /* the place asked for: every record under it */
    coverage_row *children;   /* its active children, by id (malloc'd; release frees) */
    size_t nchildren;         /* their number */
} coverage_report;

/* Count the figures of node `node_id` and of each of its active children,
 * from one snapshot; every figure counts only the records whose path lies
 * under the place (one index range per table). The node must be in who's
 * scope of the tree: LX_ENOTFOUND otherwise (or if it does not exist).
 * The caller releases *out with coverage_report_release, also on error. */
lx_status coverage_load(db *d, const principal *who, int64_t node_id, coverage_report *out);

/* Free what a report holds; accepts NULL and a report never loaded (zeroed). */
void coverage_report_release(coverage_report *r);

#endif
