/* audit_read.h -- pages of the audit log for its administrator. */
#ifndef LX_AUDIT_READ_H
#define LX_AUDIT_READ_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"

/* Records of a county (and system records) with id > after, oldest first,
 * at most limit, as a JSON array (new reference); *next is the last id
 * returned when more may follow, else 0. */
lx_status audit_page(db *d, int64_t county_id, int64_t after, int limit, json_t **items,
                     int64_t *next);

#endif
