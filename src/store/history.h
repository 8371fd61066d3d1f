/* history.h -- loading a generated contact history for a demo county, in bulk. */
#ifndef LX_STORE_HISTORY_H
#define LX_STORE_HISTORY_H
#include <stdint.h>
#include "store/db.h"
#include "util/status.h"

/* What a history load wrote. */
typedef struct history_stats {
    int64_t pairs;      /* pairings the history was made for */
    int64_t contacts;   /* rows written to contacts */
    int64_t households; /* rows written to contact_households */
    int64_t requests;   /* rows written to contact_requests */
    int64_t from, to;   /* the period, UTC seconds */
} history_stats;

/* Generate `years` (1-10) of contacts ending at `to` (UTC seconds) for the
 * county's current pairings, members and groups (core/history, from `seed`),
 * and write them in one write transaction on `d` (borrowed; not in a
 * transaction), prepared statements reused row by row. The demo's pairings
 * are taken to have held over the whole history: a current pairing that
 * started later is moved back to its start. No audit records (the system is
 * seeding a demo). LX_ECONFLICT if the county has contacts already,
 * LX_ENOTFOUND if it has no pairings (run the assignment first), LX_EINVAL
 * for years out of range; on any failure nothing is written. */
lx_status history_load(db *d, int64_t county_id, int years, uint64_t seed, int64_t to,
                       int utc_offset, history_stats *stats);

#endif
