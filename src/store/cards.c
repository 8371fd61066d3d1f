/* cards.c -- the SQL of contact cards: households with their members and places, card links. */
#include "store/cards.h"
#include "store/query.h"
#include "store/registry.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The columns of a card, for households aliased h. The joins find at most
 * one row each: one active pairing per household and layer, one active
 * token per household (partial unique indexes). A deactivated member is
 * no one to call. */
#define CARD_SELECT                                                                        \
    "SELECT h.id, h.county_id, h.head_name, h.path, h.active, lm.name, lm.phone_enc,"      \
    " am.name, am.phone_enc, ct.token_enc"                                                 \
    " FROM households h"                                                                   \
    " LEFT JOIN pairings lp ON lp.household_id = h.id AND lp.layer = 'liaison'"            \
    " AND lp.ended_at IS NULL"                                                             \
    " LEFT JOIN members lm ON lm.id = lp.member_id AND lm.active = 1"                      \
    " LEFT JOIN pairings ap ON ap.household_id = h.id AND ap.layer = 'assistance'"         \
    " AND ap.ended_at IS NULL"                                                             \
    " LEFT JOIN members am ON am.id = ap.member_id AND am.active = 1"                      \
    " LEFT JOIN card_tokens ct ON ct.household_id = h.id AND ct.revoked_at IS NULL"        \
    " WHERE 1 = 1"

/* A card as loaded, before its places are filled in. */
typedef struct loaded {
    card_data c;      /* the card so far */
    const char *path; /* the household's path (arena) */
    int active;       /* the household is active */
    int had_token;    /* it has an active token row (readable or not) */
} loaded;

/* A place on the way from the county down to a household. */
typedef struct place {
    int64_t id;           /* node id */
    int64_t level;        /* 1 county, 2 township, 3 village, 4 group */
    const char *name;     /* its name (arena) */
    card_contact contact; /* who to call there */
} place;

/* Places met so far in one call: households of one village share them. */
typedef struct place_cache {
    place *p;   /* arena array */
    int n;      /* used */
    int cap;    /* allocated */
} place_cache;

/* A sealed value opened into the arena; NULL for NULL or unreadable. */
static const char *open_col(db_stmt *st, int col, const char *kind, arena *a)
{
    size_t n = 0;
    const void *b;
    char *plain;
    const char *out;
    if (db_col_is_null(st, col))
        return NULL;
    b = db_col_blob(st, col, &n);
    plain = pii_open(kind, b, n);
    if (!plain)
        return NULL;
    out = arena_strdup(a, plain);
    free(plain);
    return out;
}

static const char *text_col(db_stmt *st, int col, arena *a)
{
    const char *s = db_col_text(st, col);
    return s ? arena_strdup(a, s) : NULL;
}

static void load_row(db_stmt *st, arena *a, loaded *l)
{
    memset(l, 0, sizeof *l);
    l->c.household_id = db_col_int(st, 0);
    l->c.county_id = db_col_int(st, 1);
    l->c.head_name = text_col(st, 2, a);
    l->path = text_col(st, 3, a);
    l->active = (int)db_col_int(st, 4);
    l->c.liaison.name = text_col(st, 5, a);
    if (l->c.liaison.name)
        l->c.liaison.phone = open_col(st, 6, "phone", a);
    l->c.assistance.name = text_col(st, 7, a);
    if (l->c.assistance.name)
        l->c.assistance.phone = open_col(st, 8, "phone", a);
    l->had_token = !db_col_is_null(st, 9);
    l->c.token = open_col(st, 9, "token", a);
}

/* The place with this id, from the cache or the database. */
static lx_status get_place(db *d, arena *a, place_cache *pc, int64_t id, const place **out)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc;
    for (int i = 0; i < pc->n; i++)
        if (pc->p[i].id == id) {
            *out = &pc->p[i];
            return LX_OK;
        }
    if (pc->n == pc->cap) {
        int cap = pc->cap ? pc->cap * 2 : 16;
        place *p = arena_alloc(a, sizeof *p * (size_t)cap);
        if (pc->n)
            memcpy(p, pc->p, sizeof *p * (size_t)pc->n);
        pc->p = p;
        pc->cap = cap;
    }
    place *pl = &pc->p[pc->n];
    memset(pl, 0, sizeof *pl);
    pl->id = id;
    rc = db_prepare(d, "SELECT level, name, contact_name, contact_phone_enc FROM nodes WHERE id = ?",
                    &st);
    if (!rc) {
        db_bind_int(st, 1, id);
        rc = db_step(st, &row);
    }
    if (!rc && row) {
        pl->level = db_col_int(st, 0);
        pl->name = text_col(st, 1, a);
        pl->contact.name = text_col(st, 2, a);
        pl->contact.phone = open_col(st, 3, "phone", a);
    }
    db_done(st);
    if (rc)
        return rc;
    pc->n++;
    *out = pl;
    return LX_OK;
}

/* Fill a card's place names and the village and township contacts from
 * the places on its path ("/1/4/17/23/"). */
static lx_status fill_places(db *d, arena *a, place_cache *pc, card_data *c, const char *path)
{
    const char *s = path ? path : "";
    while (*s) {
        char *end = NULL;
        const place *pl = NULL;
        if (*s == '/') {
            s++;
            continue;
        }
        long long id = strtoll(s, &end, 10);
        if (end == s || id <= 0)
            break;
        s = end;
        lx_status rc = get_place(d, a, pc, id, &pl);
        if (rc)
            return rc;
        if (pl->level < 2 || !pl->name)
            continue;
        if (c->nplace < CARDS_MAX_PLACES)
            c->place[c->nplace++] = pl->name;
        if (pl->level == 2)
            c->township = pl->contact;
        else if (pl->level == 3)
            c->village = pl->contact;
    }
    return LX_OK;
}

/* Run a built query and load its rows (at most max) into an arena array. */
static lx_status load_all(db *d, arena *a, qb *q, int max, loaded **out, int *n)
{
    db_stmt *st = NULL;
    int row = 0, cap = 16;
    lx_status rc = qb_prepare(q, d, &st);
    *out = arena_alloc(a, sizeof **out * (size_t)cap);
    *n = 0;
    while (!rc && !(rc = db_step(st, &row)) && row && *n < max) {
        if (*n == cap) {
            loaded *more = arena_alloc(a, sizeof *more * (size_t)cap * 2);
            memcpy(more, *out, sizeof *more * (size_t)cap);
            *out = more;
            cap *= 2;
        }
        load_row(st, a, &(*out)[(*n)++]);
    }
    db_done(st);
    return rc;
}

/* Revoke the active token of a household (if any); *changed gets 0 or 1. */
static lx_status revoke_token(db *d, int64_t household_id, int *changed)
{
    db_stmt *st = NULL;
    lx_status rc = db_prepare(d, "UPDATE card_tokens SET revoked_at = ?"
                                 " WHERE household_id = ? AND revoked_at IS NULL",
                              &st);
    if (!rc) {
        db_bind_int(st, 1, lx_now());
        db_bind_int(st, 2, household_id);
        rc = db_run(st);
    }
    db_done(st);
    if (!rc && changed)
        *changed = db_changes(d) > 0;
    return rc;
}

/* A new active token for the household; its text into the arena. */
static lx_status issue_token(db *d, arena *a, const principal *p, card_data *c)
{
    char tok[TOKEN_LEN + 1], hash[65];
    size_t n = 0;
    db_stmt *st = NULL;
    unsigned char *sealed;
    lx_status rc;
    crypto_token(tok);
    crypto_token_hash(tok, hash);
    sealed = pii_seal("token", tok, &n);
    rc = db_prepare(d, "INSERT INTO card_tokens (county_id, household_id, token_hash, token_enc,"
                       " issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?)",
                    &st);
    if (!rc) {
        db_bind_int(st, 1, c->county_id);
        db_bind_int(st, 2, c->household_id);
        db_bind_text(st, 3, hash);
        db_bind_blob(st, 4, sealed, n);
        if (p && p->user_id)
            db_bind_int(st, 5, p->user_id);
        else
            db_bind_null(st, 5);
        db_bind_int(st, 6, lx_now());
        rc = db_run(st);
    }
    db_done(st);
    free(sealed);
    if (!rc)
        c->token = arena_strdup(a, tok);
    return rc;
}

/* The path of a place in scope `ns`; LX_ENOTFOUND if it is not. */
static lx_status place_path(db *d, arena *a, const scope *ns, int64_t node_id, const char **path)
{
    record *n = NULL;
    lx_status rc = registry_get(d, a, &reg_nodes, ns, node_id, &n);
    if (!rc)
        *path = n->path;
    return rc;
}

/* Active households under path, in scope `hs`. */
static lx_status count_under(db *d, const scope *hs, const char *path, int64_t *count)
{
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc;
    *count = 0;
    qb_init(&q);
    qb_sql(&q, "SELECT count(*) FROM households h WHERE h.active = 1");
    qb_prefix(&q, "h.path", path);
    qb_scope(&q, hs, RES_HOUSEHOLDS, "h");
    rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && row)
        *count = db_col_int(st, 0);
    db_done(st);
    qb_release(&q);
    return rc;
}

lx_status cards_print(db *d, arena *a, const principal *p, const scope *hs, const scope *ns,
                      const card_select *sel, card_data **out, int *n, lx_error *e)
{
    qb q;
    loaded *rows = NULL;
    int nrows = 0;
    place_cache pc = {NULL, 0, 0};
    lx_status rc = LX_OK;

    *out = NULL;
    *n = 0;
    qb_init(&q);
    qb_sql(&q, CARD_SELECT);
    if (sel->household_id > 0) {
        qb_sql(&q, " AND h.id = ?");
        qb_int(&q, sel->household_id);
        qb_scope(&q, hs, RES_HOUSEHOLDS, "h");
        rc = load_all(d, a, &q, 1, &rows, &nrows);
        if (rc)
            goto out;
        if (nrows == 0) {
            rc = lx_fail(e, LX_ENOTFOUND, "household_id", "no such household in your scope");
            goto out;
        }
        if (!rows[0].active) {
            rc = lx_fail(e, LX_ECONFLICT, "household_id",
                         "the household is deactivated; reactivate it to print its card");
            goto out;
        }
    } else {
        const char *path = NULL;
        int64_t count = 0;
        rc = place_path(d, a, ns, sel->node_id, &path);
        if (rc == LX_ENOTFOUND)
            rc = lx_fail(e, LX_EINVAL, "node_id", "node_id: no such place in your scope");
        if (rc)
            goto out;
        rc = count_under(d, hs, path, &count);
        if (rc)
            goto out;
        if (count > CARDS_MAX) {
            rc = lx_fail(e, LX_EINVAL, "node_id",
                         "%lld households are under this place, more than %d to one print;"
                         " print a smaller place (a village or a group)",
                         (long long)count, CARDS_MAX);
            goto out;
        }
        qb_sql(&q, " AND h.active = 1");
        qb_prefix(&q, "h.path", path);
        qb_scope(&q, hs, RES_HOUSEHOLDS, "h");
        qb_sql(&q, " ORDER BY h.path, h.id");
        rc = load_all(d, a, &q, CARDS_MAX, &rows, &nrows);
        if (rc)
            goto out;
    }

    *out = arena_alloc(a, sizeof **out * (size_t)(nrows ? nrows : 1));
    for (int i = 0; i < nrows; i++) {
        loaded *l = &rows[i];
        /* An unreadable token (the key changed) cannot be printed: replace it. */
        if (sel->reissue || (l->had_token && !l->c.token)) {
            if (l->had_token && (rc = revoke_token(d, l->c.household_id, NULL)))
                goto out;
            l->c.token = NULL;
        }
        if (!l->c.token && (rc = issue_token(d, a, p, &l->c)))
            goto out;
        if ((rc = fill_places(d, a, &pc, &l->c, l->path)))
            goto out;
        (*out)[i] = l->c;
    }
    *n = nrows;
out:
    qb_release(&q);
    return rc;
}

/* Whether a token has the shape crypto_token makes. */
static int token_shaped(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n != TOKEN_LEN)
        return 0;
    return strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

lx_status cards_resolve(db *d, arena *a, const char *token, card_data *out)
{
    char hash[65];
    db_stmt *st = NULL;
    int row = 0;
    int64_t hid = 0;
    qb q;
    loaded *rows = NULL;
    int nrows = 0;
    place_cache pc = {NULL, 0, 0};
    lx_status rc;

    memset(out, 0, sizeof *out);
    if (!token_shaped(token))
        return LX_ENOTFOUND;
    crypto_token_hash(token, hash);
    rc = db_prepare(d, "SELECT household_id FROM card_tokens WHERE token_hash = ?"
                       " AND revoked_at IS NULL",
                    &st);
    if (!rc) {
        db_bind_text(st, 1, hash);
        rc = db_step(st, &row);
    }
    if (!rc && row)
        hid = db_col_int(st, 0);
    db_done(st);
    if (rc)
        return rc;
    if (!hid)
        return LX_ENOTFOUND;
    qb_init(&q);
    qb_sql(&q, CARD_SELECT " AND h.id = ? AND h.active = 1");
    qb_int(&q, hid);
    rc = load_all(d, a, &q, 1, &rows, &nrows);
    qb_release(&q);
    if (rc)
        return rc;
    if (nrows == 0)
        return LX_ENOTFOUND;
    rc = fill_places(d, a, &pc, &rows[0].c, rows[0].path);
    if (rc)
        return rc;
    *out = rows[0].c;
    out->token = NULL;
    return LX_OK;
}

lx_status cards_revoke(db *d, const scope *hs, int64_t household_id, lx_error *e)
{
    int changed = 0;
    record *h = NULL;
    arena *a = arena_new();
    lx_status rc = registry_get(d, a, &reg_households, hs, household_id, &h);
    arena_free(a);
    if (rc == LX_ENOTFOUND)
        return lx_fail(e, LX_ENOTFOUND, "id", "no such household in your scope");
    if (rc)
        return rc;
    rc = revoke_token(d, household_id, &changed);
    if (rc)
        return rc;
    if (!changed)
        return lx_fail(e, LX_ECONFLICT, "id", "the household has no active card link");
    return LX_OK;
}
