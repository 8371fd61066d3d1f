/* rbac.c -- the permission table and the scope decision. */
#include "core/rbac.h"

#include <string.h>

static const char *const role_codes[ROLE__COUNT] = {
    [ROLE_NONE] = "none",
    [ROLE_SYSADMIN] = "sysadmin",
    [ROLE_SECADMIN] = "secadmin",
    [ROLE_AUDITADMIN] = "auditadmin",
    [ROLE_COUNTY_ADMIN] = "county_admin",
    [ROLE_TOWNSHIP_ADMIN] = "township_admin",
    [ROLE_VILLAGE_SECRETARY] = "village_secretary",
    [ROLE_GROUP_LEADER] = "group_leader",
    [ROLE_MEMBER] = "member",
    [ROLE_INSPECTOR] = "inspector",
    [ROLE_RESIDENT] = "resident",
};

static const char *const perm_names[PERM__COUNT] = {
    [PERM_UNSET] = "unset", [PERM_PUBLIC] = "public", [PERM_SELF] = "self",
    [PERM_TREE_READ] = "tree.read",   [PERM_TREE_WRITE] = "tree.write",
    [PERM_REG_READ] = "registry.read", [PERM_REG_WRITE] = "registry.write",
    [PERM_IMPORT] = "import",         [PERM_EXPORT] = "export",
    [PERM_UNMASK] = "unmask",         [PERM_USER_ADMIN] = "users.admin",
    [PERM_SECURITY] = "security",     [PERM_POLICY_READ] = "policy.read",
    [PERM_POLICY_WRITE] = "policy.write", [PERM_POLICY_WORK] = "policy.work",
    [PERM_AUDIT_READ] = "audit.read", [PERM_CARDS] = "cards",
    [PERM_PAIRING_READ] = "pairing.read", [PERM_PAIRING_WRITE] = "pairing.write",
    [PERM_PAIRING_RUN] = "pairing.run", [PERM_CONTACT_READ] = "contact.read",
    [PERM_CONTACT_WRITE] = "contact.write", [PERM_CASE_READ] = "case.read",
    [PERM_CASE_WRITE] = "case.write", [PERM_CASE_PUBLISH] = "case.publish",
    [PERM_USER_READ] = "users.read",
};

#define P(x) (1u << (x))
#define CASES_ALL (P(PERM_CASE_READ) | P(PERM_CASE_WRITE) | P(PERM_CASE_PUBLISH))
/* The whole permission table on one screen. PERM_PUBLIC and PERM_SELF are
 * everyone's; the rest are listed per role. */
static const unsigned role_perms[ROLE__COUNT] = {
    [ROLE_SYSADMIN] = P(PERM_TREE_READ) | P(PERM_USER_ADMIN) | P(PERM_USER_READ),
    [ROLE_SECADMIN] = P(PERM_SECURITY) | P(PERM_POLICY_READ) | P(PERM_POLICY_WRITE) |
                      P(PERM_USER_READ),
    [ROLE_AUDITADMIN] = P(PERM_AUDIT_READ),
    [ROLE_COUNTY_ADMIN] = P(PERM_TREE_READ) | P(PERM_TREE_WRITE) | P(PERM_REG_READ) |
                          P(PERM_REG_WRITE) | P(PERM_IMPORT) | P(PERM_EXPORT) | P(PERM_UNMASK) |
                          P(PERM_POLICY_READ) | P(PERM_POLICY_WRITE) | P(PERM_POLICY_WORK) |
                          P(PERM_CARDS) | P(PERM_PAIRING_READ) | P(PERM_PAIRING_WRITE) |
                          P(PERM_PAIRING_RUN) | P(PERM_CONTACT_READ) | P(PERM_CONTACT_WRITE) |
                          CASES_ALL,
    [ROLE_TOWNSHIP_ADMIN] = P(PERM_TREE_READ) | P(PERM_TREE_WRITE) | P(PERM_REG_READ) |
                            P(PERM_REG_WRITE) | P(PERM_IMPORT) | P(PERM_EXPORT) |
                            P(PERM_UNMASK) | P(PERM_POLICY_READ) | P(PERM_CARDS) |
                            P(PERM_PAIRING_READ) | P(PERM_PAIRING_WRITE) | P(PERM_PAIRING_RUN) |
                            P(PERM_CONTACT_READ) | P(PERM_CONTACT_WRITE) | CASES_ALL,
    [ROLE_VILLAGE_SECRETARY] = P(PERM_TREE_READ) | P(PERM_TREE_WRITE) | P(PERM_REG_READ) |
                               P(PERM_REG_WRITE) | P(PERM_IMPORT) | P(PERM_EXPORT) |
                               P(PERM_UNMASK) | P(PERM_POLICY_READ) | P(PERM_CARDS) |
                               P(PERM_PAIRING_READ) | P(PERM_PAIRING_WRITE) |
                               P(PERM_CONTACT_READ) | P(PERM_CONTACT_WRITE) | CASES_ALL,
    [ROLE_GROUP_LEADER] = P(PERM_TREE_READ) | P(PERM_REG_READ) | P(PERM_REG_WRITE) |
                          P(PERM_EXPORT) | P(PERM_POLICY_READ) | P(PERM_PAIRING_READ) |
                          P(PERM_CONTACT_READ) | P(PERM_CONTACT_WRITE) | P(PERM_CASE_READ) |
                          P(PERM_CASE_WRITE),
    [ROLE_MEMBER] = P(PERM_TREE_READ) | P(PERM_REG_READ) | P(PERM_PAIRING_READ) |
                    P(PERM_CONTACT_READ) | P(PERM_CONTACT_WRITE) | P(PERM_CASE_READ) |
                    P(PERM_CASE_WRITE),
    [ROLE_INSPECTOR] = P(PERM_TREE_READ) | P(PERM_REG_READ) | P(PERM_EXPORT) |
                       P(PERM_POLICY_READ) | P(PERM_PAIRING_READ) | P(PERM_CONTACT_READ) |
                       P(PERM_CASE_READ),
    [ROLE_RESIDENT] = P(PERM_REG_READ),
};

const char *role_code(user_role r)
{
    return (r >= 0 && r < ROLE__COUNT) ? role_codes[r] : "none";
}

user_role role_parse(const char *code)
{
    for (int r = 1; r < ROLE__COUNT; r++)
        if (code && !strcmp(code, role_codes[r]))
            return (user_role)r;
    return ROLE_NONE;
}

int role_is_admin_triad(user_role r)
{
    return r == ROLE_SYSADMIN || r == ROLE_SECADMIN || r == ROLE_AUDITADMIN;
}

int rbac_allows(user_role r, perm p)
{
    if (p == PERM_UNSET || p >= PERM__COUNT)
        return 0;
    if (p == PERM_PUBLIC)
        return 1;
    if (r <= ROLE_NONE || r >= ROLE__COUNT || p >= PERM__COUNT)
        return 0;
    if (p == PERM_SELF)
        return 1;
    return (role_perms[r] & P(p)) != 0;
}

const char *perm_name(perm p)
{
    return (p < PERM__COUNT) ? perm_names[p] : "?";
}

scope scope_for(const principal *p, resource_kind r)
{
    scope s = {SCOPE_NONE, p->county_id, NULL, 0, 0, 0};
    int personal =
        r == RES_MEMBERS || r == RES_HOUSEHOLDS || r == RES_RESIDENTS || r == RES_CONTACTS ||
        r == RES_CASES;

    switch (p->role) {
    case ROLE_COUNTY_ADMIN:
    case ROLE_TOWNSHIP_ADMIN:
    case ROLE_VILLAGE_SECRETARY:
    case ROLE_GROUP_LEADER:
    case ROLE_INSPECTOR:
        if (p->node_path) {
            s.kind = SCOPE_SUBTREE;
            s.path = p->node_path;
        }
        break;
    case ROLE_SYSADMIN:
        /* Needs the tree to give accounts a scope; never personal data. */
        if (!personal && p->node_path) {
            s.kind = SCOPE_SUBTREE;
            s.path = p->node_path;
        }
        break;
    case ROLE_SECADMIN:
        /* Sees no records, only the accounts it locks and unlocks (users.read): those of
         * its subtree, or of the whole county when it has no place ("/" begins every path). */
        if (r == RES_USERS) {
            s.kind = SCOPE_SUBTREE;
            s.path = p->node_path ? p->node_path : "/";
        }
        break;
    case ROLE_MEMBER:
        if (r == RES_NODES || r == RES_ORGS) {
            if (p->node_path) {
                s.kind = SCOPE_SUBTREE;
                s.path = p->node_path;
            }
        } else {
            s.kind = SCOPE_MEMBER;
            s.member_id = p->member_id;
            s.unit_id = p->unit_id;
        }
        break;
    case ROLE_RESIDENT:
        if (r == RES_HOUSEHOLDS || r == RES_RESIDENTS || r == RES_CASES) {
            s.kind = SCOPE_HOUSEHOLD;
            s.household_id = p->household_id;
        }
        break;
    default:
        break;
    }
    return s;
}

int scope_covers_path(const scope *s, const char *path)
{
    if (s->kind != SCOPE_SUBTREE || !s->path || !path)
        return 0;
    return strncmp(path, s->path, strlen(s->path)) == 0;
}
