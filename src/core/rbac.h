/* rbac.h -- roles, permissions, and the data scope of a user: who may touch what. */
#ifndef LX_RBAC_H
#define LX_RBAC_H
#include <stdint.h>

/* Roles of SPEC §2. The three administrators of §4 (system, security, audit)
 * are kept apart: none holds another's permissions, none reads personal data. */
typedef enum user_role {
    ROLE_NONE = 0,
    ROLE_SYSADMIN,      /* accounts of operational users; backups */
    ROLE_SECADMIN,      /* security policies, unlocking accounts, sessions */
    ROLE_AUDITADMIN,    /* reads and verifies the audit log, nothing else */
    ROLE_COUNTY_ADMIN,  /* county organisation department */
    ROLE_TOWNSHIP_ADMIN,/* township or street party committee */
    ROLE_VILLAGE_SECRETARY,
    ROLE_GROUP_LEADER,
    ROLE_MEMBER,        /* a party member or cadre: own households and unit */
    ROLE_INSPECTOR,     /* reads and supervises a subtree, changes nothing */
    ROLE_RESIDENT,      /* one household, through the card */
    ROLE__COUNT
} user_role;

/* What a route needs. Every route names exactly one. */
typedef enum perm {
    PERM_UNSET = 0,     /* a route that forgot to say: the server refuses to start */
    PERM_PUBLIC,        /* no login (login itself, health) */
    PERM_SELF,          /* any logged-in user: who am I, log out, own password */
    PERM_TREE_READ,     /* the administrative tree, units, organisations */
    PERM_TREE_WRITE,    /* change the tree, units, organisations */
    PERM_REG_READ,      /* members, households, residents */
    PERM_REG_WRITE,     /* create, change, deactivate them */
    PERM_IMPORT,        /* import ledgers */
    PERM_EXPORT,        /* export lists to XLSX */
    PERM_UNMASK,        /* see a full ID number, phone or address, with a reason */
    PERM_USER_ADMIN,    /* manage operational accounts */
    PERM_SECURITY,      /* security policies, unlock accounts */
    PERM_POLICY_READ,   /* read the county's policies */
    PERM_POLICY_WRITE,  /* change policies of one's own domain (route level) */
    PERM_POLICY_WORK,   /* change the county's work policies (quotas, periods ...) */
    PERM_AUDIT_READ,    /* read and verify the audit log */
    PERM_CARDS,         /* print contact cards and door plates; revoke card links */
    PERM_PAIRING_READ,  /* see pairings, runs, coverage, contact points */
    PERM_PAIRING_WRITE, /* pair and unpair by hand, with a reason; assistance tasks */
    PERM_PAIRING_RUN,   /* run automatic assignment; pair units with villages; contact points */
    PERM_CONTACT_READ,  /* see contacts (visits, calls, talks, meetings) and the visit form */
    PERM_CONTACT_WRITE, /* record, edit and deactivate contacts */
    PERM_CASE_READ,     /* see cases (requests from the people), queues, rates */
    PERM_CASE_WRITE,    /* open and handle cases: assign, reply, escalate, resolve, close */
    PERM_CASE_PUBLISH,  /* put checked, redacted cases on the village's public board */
    PERM_USER_READ,     /* list the accounts (system and security administrators) */
    PERM__COUNT
} perm;

/* Role code as stored ("county_admin"), and back (ROLE_NONE if unknown). */
const char *role_code(user_role r);
user_role role_parse(const char *code);
/* Is r one of the three separated administrators? */
int role_is_admin_triad(user_role r);

/* The one permission table: 1 if role r holds permission p. */
int rbac_allows(user_role r, perm p);
/* Name of a permission, for docs and error messages. */
const char *perm_name(perm p);

/* Who is calling: filled from the session by the server, from the command
 * line's own identity by the CLI. */
typedef struct principal {
    int64_t user_id;      /* 0 for the command line */
    const char *username; /* borrowed */
    user_role role;       /* the role */
    int64_t county_id;    /* the user's county */
    int64_t node_id;      /* root of the user's subtree (0 if none) */
    const char *node_path;/* its materialised path, "/1/4/"; borrowed */
    int64_t member_id;    /* the member behind a member account */
    int64_t unit_id;      /* that member's unit (0 if none) */
    int64_t household_id; /* the household behind a resident account */
} principal;

/* Which records of a resource a principal may see or touch. */
typedef enum scope_kind {
    SCOPE_NONE,      /* nothing */
    SCOPE_SUBTREE,   /* records whose path starts with `path` */
    SCOPE_MEMBER,    /* a member's own households (pairings) and unit; own contacts */
    SCOPE_HOUSEHOLD, /* one household and its residents */
} scope_kind;

/* The resources that scopes are decided for. */
typedef enum resource_kind {
    RES_NODES, RES_UNITS, RES_ORGS, RES_MEMBERS, RES_HOUSEHOLDS, RES_RESIDENTS,
    RES_CONTACTS, /* contact records: not a registry (record_resource gives NULL) */
    RES_CASES,    /* cases: by the path of the node that first received them */
    RES_USERS,    /* operational accounts: by the path of their node */
    RES__COUNT
} resource_kind;

typedef struct scope {
    scope_kind kind;    /* how records are filtered */
    int64_t county_id;  /* every query is also limited to the county */
    const char *path;   /* SCOPE_SUBTREE: the subtree's path prefix; borrowed */
    int64_t member_id;  /* SCOPE_MEMBER */
    int64_t unit_id;    /* SCOPE_MEMBER: the member's unit */
    int64_t household_id; /* SCOPE_HOUSEHOLD */
} scope;

/* The one function that decides a principal's scope over a resource. The
 * store applies it to the SQL of every list, read, update and export, so an
 * id from the client outside it is simply not found. */
scope scope_for(const principal *p, resource_kind r);

/* Does a record at `path` fall inside a SUBTREE scope? For the other kinds
 * the store decides by household or unit; this returns 0 for them. */
int scope_covers_path(const scope *s, const char *path);

#endif
