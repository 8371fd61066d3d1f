/* users.h -- accounts, sessions (stored by token hash) and failed-login counters. */
#ifndef LX_USERS_H
#define LX_USERS_H
#include <stdint.h>
#include "store/db.h"

typedef struct user {
    int64_t id;             /* account id */
    int64_t county_id;      /* its county (0 for none yet) */
    int64_t node_id;        /* root of its data scope (0: none) */
    int64_t member_id;      /* member behind a member account */
    int64_t unit_id;        /* that member's unit */
    int64_t household_id;   /* household behind a resident account */
    char username[64];      /* login name */
    char display_name[96];  /* shown name */
    char role[32];          /* role code */
    char node_path[160];    /* path of node_id ("" if none) */
    char pw_hash[128];      /* argon2id encoded hash */
    int must_change;        /* must change the password before anything else */
    int locked;             /* locked by an administrator */
    int active;             /* not deactivated */
    int64_t pw_changed_at;  /* UTC seconds */
    int64_t created_at;     /* UTC seconds */
} user;

/* Create an account with an already-hashed password; *id receives its id.
 * LX_ECONFLICT if the username is taken. */
lx_status users_create(db *d, const user *u, int64_t *id);
/* Load by name / by id: LX_ENOTFOUND if there is none. */
lx_status users_by_name(db *d, const char *username, user *out);
lx_status users_get(db *d, int64_t id, user *out);
/* Store a new password hash; must_change as given; ends no sessions. */
lx_status users_set_password(db *d, int64_t id, const char *pw_hash, int must_change);
/* Lock/unlock or (de)activate an account. */
lx_status users_set_flag(db *d, int64_t id, const char *flag, int value);
/* Call fn for each account of a county whose scope path starts with `path`
 * (or every account when path is NULL), in id order. */
lx_status users_each(db *d, int64_t county_id, const char *path,
                     void (*fn)(void *ctx, const user *u), void *ctx);

/* A live session, as found by its token. */
typedef struct session {
    char token_hash[65];  /* SHA-256 of the cookie token, hex */
    char csrf[40];        /* the CSRF token the client must echo */
    int64_t created_at;   /* login time */
    int64_t seen_at;      /* last request */
    user u;               /* its account */
} session;

/* Start a session for user_id: writes the token (for the cookie, never
 * stored) and the CSRF token into the caller's buffers. */
lx_status session_create(db *d, int64_t user_id, const char *addr, char token[40], char csrf[40]);
/* Find a session by its token: LX_ENOTFOUND if none. Does not judge age. */
lx_status session_find(db *d, const char *token, session *out);
/* Record activity now. */
lx_status session_touch(db *d, const char *token_hash, int64_t now);
/* End one session / all of a user's sessions. */
lx_status session_end(db *d, const char *token_hash);
lx_status session_end_user(db *d, int64_t user_id);

/* Failed-login counters, by key ("u:name" or "a:address"). */
typedef struct login_failures {
    int64_t count;        /* failures in the current window */
    int64_t locked_until; /* UTC seconds, 0 if not locked */
} login_failures;
lx_status login_failures_get(db *d, const char *key, login_failures *out);
/* Count one more failure; lock until now + lock_secs when it reaches max. */
lx_status login_failures_add(db *d, const char *key, int64_t now, int64_t max, int64_t lock_secs,
                             login_failures *out);
lx_status login_failures_clear(db *d, const char *key);

#endif
