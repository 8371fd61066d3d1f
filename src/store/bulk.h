/* bulk.h -- loading a generated demo county into the database in one transaction. */
#ifndef LX_BULK_H
#define LX_BULK_H
#include <stdint.h>
#include "store/db.h"
#include "util/status.h"

/* What a bulk load wrote. */
typedef struct bulk_stats {
    int64_t county_id;    /* the new row of counties */
    int64_t root_node_id; /* its county node; the county's path is "/<root_node_id>/" */
    int64_t nodes;        /* rows written to nodes (the root included) */
    int64_t units;        /* rows written to units */
    int64_t orgs;         /* rows written to orgs */
    int64_t members;      /* rows written to members */
    int64_t households;   /* rows written to households */
    int64_t residents;    /* rows written to residents */
} bulk_stats;

/* Create a demo county -- a counties row, its tree, units, party
 * organisations, members, households and residents -- from core/demo's
 * generator with `households` (DEMO_MIN_HOUSEHOLDS .. DEMO_MAX_HOUSEHOLDS)
 * and `seed`, in one write transaction on `d` (borrowed; it must not be in a
 * transaction). Rows are exactly what registry_create would write for the
 * same records -- personal data sealed and hashed, search keys computed, node
 * paths "/<root>/<township>/.../" -- and can be read through registry.c.
 * The system is seeding a demo: no audit records are written, and no
 * pairings (the optimiser makes those). The encryption key must be loaded
 * (store_open or crypto_set_key).
 * `stats` (caller's, may be NULL) receives the counts, zeroed on failure.
 * Returns LX_EINVAL if `households` is out of range, LX_ECONFLICT if a
 * generated ID number is already registered (the same seed loaded twice
 * into one database), LX_EIO or LX_EBUSY on database failure; on any failure
 * the transaction is rolled back and nothing is written. */
lx_status bulk_demo(db *d, int64_t households, uint64_t seed, bulk_stats *stats);

#endif
