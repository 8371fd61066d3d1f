/* cards.h -- what a contact card shows, and the per-household links behind its QR code. */
#ifndef LX_CARDS_H
#define LX_CARDS_H
#include <stdint.h>
#include "core/rbac.h"
#include "store/db.h"
#include "util/arena.h"
#include "util/crypto.h"
#include "util/status.h"

/* A card link is a random token (crypto_token: 192 bits) per household.
 * card_tokens keeps its SHA-256 (token_hash) to find the household from a
 * scanned link, and the token itself sealed (pii_seal, kind "token") so that
 * printing again prints the same QR code. A household has at most one active
 * token (revoked_at IS NULL; a partial unique index); revoking it, or
 * printing with reissue, makes the old link a plain "not found". */

#define CARDS_MAX 2000     /* most households one print may hold */
#define CARDS_MAX_PLACES 6 /* place names kept per card, below the county */

/* Someone to call. Both strings are NULL when there is no one. */
typedef struct card_contact {
    const char *name;  /* as registered (arena) */
    const char *phone; /* full, normalised digits (arena), or NULL */
} card_contact;

/* One household's card, as the store knows it. The personal values are in
 * clear here (phones in full, the head's name unmasked): the renderer masks
 * what must be masked. Strings are arena memory. */
typedef struct card_data {
    int64_t household_id;          /* the household */
    int64_t county_id;             /* its county (policies, audit) */
    const char *head_name;         /* the household head, unmasked */
    int nplace;                    /* place names in `place` */
    const char *place[CARDS_MAX_PLACES]; /* township, village, group ... (level 2 down) */
    card_contact liaison;          /* the liaison member (联系党员); name NULL: none yet */
    card_contact assistance;       /* the assistance cadre (帮扶干部); name NULL: none */
    card_contact village;          /* the level-3 place's contact (村/社区) */
    card_contact township;         /* the level-2 place's contact (乡镇/街道) */
    const char *token;             /* the card link's token (cards_print only), else NULL */
} card_data;

/* Which cards to print. Exactly one of household_id and node_id is set. */
typedef struct card_select {
    int64_t household_id; /* one household (must be active and in scope) */
    int64_t node_id;      /* every active household under this place, in tree order */
    int reissue;          /* revoke each printed household's link and issue a new one */
} card_select;

/* Load the cards of `sel` within the caller's scope (households: `hs`,
 * places: `ns`, from scope_for) and give every household an active link:
 * the one it has, or a new one (with `reissue`, always a new one, the old
 * one revoked). Writes: run it inside the caller's write transaction, as
 * principal `p` (issued_by). *out receives an arena array of *n cards in
 * tree order (path, id), each with its token.
 * Errors, with e filled: LX_ENOTFOUND (field household_id) if the household
 * is not in scope; LX_ECONFLICT if it is deactivated; LX_EINVAL (field
 * node_id) if the place is not in scope or holds more than CARDS_MAX active
 * households (the message says how many). LX_EIO / LX_EBUSY from the
 * database. */
lx_status cards_print(db *d, arena *a, const principal *p, const scope *hs, const scope *ns,
                      const card_select *sel, card_data **out, int *n, lx_error *e);

/* The card behind a scanned token (borrowed, any text): LX_ENOTFOUND when
 * the token is malformed, unknown, revoked, or its household deactivated --
 * the same answer for each. On success *out is filled (token left NULL). */
lx_status cards_resolve(db *d, arena *a, const char *token, card_data *out);

/* Revoke household_id's active link (in scope `hs`); inside the caller's
 * write transaction. LX_ENOTFOUND (field id) if the household is not in
 * scope; LX_ECONFLICT if it has no active link. */
lx_status cards_revoke(db *d, const scope *hs, int64_t household_id, lx_error *e);

#endif
