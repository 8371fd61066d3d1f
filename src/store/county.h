/* county.h -- a county and its root node; finding places for demo accounts. */
#ifndef LX_COUNTY_H
#define LX_COUNTY_H
#include <stdint.h>
#include "store/db.h"

/* Create a county and its root node (level 1, path "/<id>/") in one
 * transaction. *county_id and *root_id receive their ids. */
lx_status county_create(db *d, const char *name, int64_t *county_id, int64_t *root_id);

/* The first county of the database, its root node and the root's path
 * (out: at least 32 bytes). LX_ENOTFOUND if there is none. */
lx_status county_first(db *d, int64_t *county_id, int64_t *root_id, char *root_path, size_t len);

/* Places for a demo account of each level: the first township, its first
 * village, that village's first group, a member living there without a unit,
 * and a household of that group (0 where there is none). */
typedef struct demo_places {
    int64_t township, village, group, member, household;
} demo_places;
lx_status county_demo_places(db *d, demo_places *out);

#endif
