/* casework.h -- what surrounds cases: the public board, reply templates, the holiday
 * calendar a county edits, and in-app notifications. */
#ifndef LX_CASEWORK_H
#define LX_CASEWORK_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rbac.h"
#include "store/db.h"

/* ---- the public board (公示) ---- */

/* Put resolved case `case_id` (in scope) on its village's board for the month it was
 * resolved, with the text and resolution as a person checked and redacted them and the
 * photos they chose (hashes of the case's own photos). Inside the caller's write
 * transaction, audited. LX_ECONFLICT if it is not resolved (or was rated unsatisfied), or
 * is on the board already; LX_EINVAL for a text that still holds a phone, an ID number or a
 * house number. *id: the board item. */
lx_status board_publish(db *d, const principal *who, const char *addr, int64_t case_id,
                        const char *text, const char *resolution, const char *const *photos,
                        size_t nphotos, int64_t *id, lx_error *e);

/* Take an item off the board, with a reason (audited). */
lx_status board_withdraw(db *d, const principal *who, const char *addr, int64_t id,
                         const char *reason, lx_error *e);

/* The items of a village's board for county-local month *yyyymm (0: this month in the
 * village's county, written back) (public: no scope), as a JSON array of {id, category, text,
 * resolution, hours_to_resolve, published_at, photos}; *node_name the village's name
 * (malloc'd). LX_ENOTFOUND for no such active place. */
lx_status board_items(db *d, int64_t node_id, int *yyyymm, json_t **items, char **node_name);

/* The board items in the caller's scope (at or under node_id), newest first. */
lx_status board_list(db *d, const principal *who, int64_t node_id, json_t **items);

/* 1 if photo `hash` is on a board item of node_id that is still up. */
int board_has_photo(db *d, int64_t node_id, const char *hash, int *type);

/* 1 if text looks like it still names a phone, an ID number or a house number. */
int board_text_leaks(const char *text);

/* ---- reply templates ---- */

lx_status templates_list(db *d, int64_t county_id, const char *category, json_t **items);
lx_status templates_add(db *d, const principal *who, const char *addr, const char *category,
                        const char *text, int64_t *id);
lx_status templates_deactivate(db *d, const principal *who, const char *addr, int64_t id,
                               lx_error *e);

/* ---- the county's holiday calendar ---- */

/* A year as {year, source: "county"|"builtin"|"none", off: [dates], work: [dates]}. */
lx_status calendar_get(db *d, int64_t county_id, int year, json_t **out);
/* Replace the county's copy of a year (dates as YYYYMMDD inside that year), audited. */
lx_status calendar_set(db *d, const principal *who, const char *addr, int year, const int32_t *off,
                       size_t noff, const int32_t *work, size_t nwork);

/* ---- notifications ---- */

/* The caller's notifications, newest first (ids below `before` if not 0), with the case's
 * code and state. */
lx_status notifications_list(db *d, const principal *who, int unread_only, int64_t before,
                             int limit, json_t **items, int64_t *unread);
/* Mark one read (LX_ENOTFOUND if it is not the caller's). */
lx_status notifications_read(db *d, const principal *who, int64_t id);

#endif
