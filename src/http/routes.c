/* routes.c -- the whole API on one screen: method, path, handler, permission, flags. */
#include "api/api.h"
#include "store/record.h"


/* The registries share one set of handlers; each route's arg names its resource.
 * Tree-like registries need the tree permissions, personal ones the registry's. */
#define REGISTRY(seg, kind, READ, WRITE)                                                     \
    {"GET", "/api/v1/" seg, api_reg_list, READ, 0, &reg_##kind, "list " seg " (filters, q, cursor)"}, \
    {"GET", "/api/v1/" seg "/export.xlsx", api_reg_export, PERM_EXPORT, 0, &reg_##kind,       \
     "export the filtered list to XLSX"},                                                    \
    {"GET", "/api/v1/" seg "/{id}", api_reg_get, READ, 0, &reg_##kind, "read one"},          \
    {"POST", "/api/v1/" seg, api_reg_create, WRITE, R_JSON, &reg_##kind, "create"},          \
    {"PATCH", "/api/v1/" seg "/{id}", api_reg_update, WRITE, R_JSON, &reg_##kind, "change"}, \
    {"POST", "/api/v1/" seg "/{id}/deactivate", api_reg_deactivate, WRITE, R_JSON,           \
     &reg_##kind, "deactivate, with a reason"},                                              \
    {"POST", "/api/v1/" seg "/{id}/activate", api_reg_activate, WRITE, R_JSON, &reg_##kind,  \
     "reactivate"}


const route routes[] = {
    {"GET", "/api/v1/health", api_health, PERM_PUBLIC, 0, NULL, "liveness"},
    {"POST", "/api/v1/auth/login", api_login, PERM_PUBLIC, R_JSON | R_NO_CSRF, NULL,
     "log in: {username, password}; sets the session cookie, returns the CSRF token"},
    {"POST", "/api/v1/auth/logout", api_logout, PERM_SELF, R_JSON | R_PW_CHANGE, NULL,
     "end this session"},
    {"GET", "/api/v1/auth/me", api_me, PERM_SELF, R_PW_CHANGE, NULL, "who am I"},
    {"POST", "/api/v1/auth/password", api_password, PERM_SELF, R_JSON | R_PW_CHANGE, NULL,
     "change my password: {old_password, new_password}; ends my other sessions"},
    {"GET", "/api/v1/vocab", api_vocab, PERM_SELF, 0, NULL, "the vocabularies, in three languages"},

    REGISTRY("nodes", nodes, PERM_TREE_READ, PERM_TREE_WRITE),
    REGISTRY("units", units, PERM_TREE_READ, PERM_TREE_WRITE),
    REGISTRY("orgs", orgs, PERM_TREE_READ, PERM_TREE_WRITE),
    REGISTRY("members", members, PERM_REG_READ, PERM_REG_WRITE),
    REGISTRY("households", households, PERM_REG_READ, PERM_REG_WRITE),
    REGISTRY("residents", residents, PERM_REG_READ, PERM_REG_WRITE),
    {"POST", "/api/v1/members/{id}/unmask", api_reg_unmask, PERM_UNMASK, R_JSON, &reg_members,
     "full phone, with a reason (audited)"},
    {"POST", "/api/v1/households/{id}/unmask", api_reg_unmask, PERM_UNMASK, R_JSON,
     &reg_households, "full address, with a reason (audited)"},
    {"POST", "/api/v1/residents/{id}/unmask", api_reg_unmask, PERM_UNMASK, R_JSON,
     &reg_residents, "full ID number and phone, with a reason (audited)"},

    {"GET", "/api/v1/import/{kind}/template.xlsx", api_import_template, PERM_IMPORT, 0, NULL,
     "the ledger template (households or members)"},
    {"POST", "/api/v1/import/{kind}", api_import, PERM_IMPORT, R_UPLOAD, NULL,
     "import a ledger (CSV UTF-8/GBK or XLSX as the body); ?mode=dry_run|commit|good_rows"},

    {"POST", "/api/v1/assignments", api_assign_plan, PERM_PAIRING_RUN, R_JSON, NULL,
     "plan an automatic assignment {layer, node_id, rebalance}: what it would add, move, keep,"
     " leave uncovered; nothing is paired until applied"},
    {"GET", "/api/v1/assignments/{id}", api_assign_get, PERM_PAIRING_READ, 0, NULL,
     "a run and its figures"},
    {"GET", "/api/v1/assignments/{id}/changes", api_assign_changes, PERM_PAIRING_READ, 0, NULL,
     "a run's changes, page by page (?change=added|moved|dropped|uncovered)"},
    {"POST", "/api/v1/assignments/{id}/apply", api_assign_apply, PERM_PAIRING_RUN, R_JSON, NULL,
     "apply a planned run in one transaction (409 if pairings changed since)"},
    {"GET", "/api/v1/pairings", api_pairings_list, PERM_PAIRING_READ, 0, NULL,
     "pairings in scope (?household_id, member_id, layer, active)"},
    {"POST", "/api/v1/pairings", api_pairings_create, PERM_PAIRING_WRITE, R_JSON, NULL,
     "pair by hand {layer, household_id, member_id, reason}"},
    {"POST", "/api/v1/pairings/{id}/end", api_pairings_end, PERM_PAIRING_WRITE, R_JSON, NULL,
     "end a pairing {reason}; refused while assistance tasks are open"},
    {"GET", "/api/v1/pairings/{id}/tasks", api_tasks_list, PERM_PAIRING_READ, 0, NULL,
     "an assistance pairing's tasks"},
    {"POST", "/api/v1/pairings/{id}/tasks", api_tasks_create, PERM_PAIRING_WRITE, R_JSON, NULL,
     "add an assistance task {title}"},
    {"POST", "/api/v1/tasks/{id}/close", api_tasks_close, PERM_PAIRING_WRITE, R_JSON, NULL,
     "close an assistance task"},
    {"GET", "/api/v1/unit-villages", api_unit_villages_list, PERM_PAIRING_READ, 0, NULL,
     "units paired with villages (单位联村)"},
    {"POST", "/api/v1/unit-villages", api_unit_villages_create, PERM_PAIRING_RUN, R_JSON, NULL,
     "pair a unit with a village {unit_id, node_id, reason}"},
    {"POST", "/api/v1/unit-villages/{id}/end", api_unit_villages_end, PERM_PAIRING_RUN, R_JSON,
     NULL, "end a unit-village pair {reason}"},
    {"GET", "/api/v1/contact-points", api_contact_points_list, PERM_PAIRING_READ, 0, NULL,
     "leaders' contact points (联系点)"},
    {"POST", "/api/v1/contact-points", api_contact_points_create, PERM_PAIRING_RUN, R_JSON, NULL,
     "a leader adopts a branch {member_id, org_id, kind, reason}"},
    {"POST", "/api/v1/contact-points/{id}/end", api_contact_points_end, PERM_PAIRING_RUN, R_JSON,
     NULL, "end a contact point {reason}"},
    {"GET", "/api/v1/coverage", api_coverage, PERM_PAIRING_READ, 0, NULL,
     "coverage of a place and each place under it (?node_id)"},
    {"GET", "/api/v1/members/{id}/due", api_member_due, PERM_CONTACT_READ, 0, NULL,
     "a member's due list: overdue (by how many days) and due this week, most urgent first;"
     " their households by days since the last visit (?date)"},
    {"GET", "/api/v1/members/{id}/compliance", api_member_compliance, PERM_CONTACT_READ, 0,
     NULL, "a member's obligations due ?from..?to: made vs due, on time vs late"},
    {"GET", "/api/v1/nodes/{id}/behind", api_node_behind, PERM_CONTACT_READ, 0, NULL,
     "members under a place falling behind this month, before it ends (?date)"},
    {"GET", "/api/v1/nodes/{id}/compliance", api_node_compliance, PERM_CONTACT_READ, 0, NULL,
     "compliance of everything under a place ?from..?to: totals, per rule, per member"},
    {"GET", "/api/v1/coverage/export.xlsx", api_coverage_export, PERM_EXPORT, 0, NULL,
     "the coverage report as XLSX"},
    {"POST", "/api/v1/policies/presets/{name}", api_policy_preset, PERM_POLICY_WRITE, R_JSON,
     NULL, "set the assistance quotas to a seed's preset (seed001, seed003)"},

    {"GET", "/api/v1/cards", api_cards, PERM_CARDS, 0, NULL,
     "print view (HTML, A6 cards four to an A4 page) of the contact cards or door plates of a"
     " household (?household_id=) or of every household under a place (?node_id=);"
     " ?kind=card|plate"},
    {"POST", "/api/v1/households/{id}/card-link/revoke", api_card_revoke, PERM_CARDS, R_JSON,
     NULL, "revoke the household's card link (QR code), with a reason; the next print issues a"
     " new one"},
    {"GET", "/r/{token}", api_resident_page, PERM_PUBLIC, 0, NULL,
     "the resident page behind a card's QR code (HTML, no login)"},

    {"GET", "/api/v1/contacts", api_contacts_list, PERM_CONTACT_READ, 0, NULL,
     "contacts in scope, in id order (?member_id, household_id, node_id = at or under, kind,"
     " from, to = county dates, active, after, limit)"},
    {"GET", "/api/v1/contacts/{id}", api_contacts_get, PERM_CONTACT_READ, 0, NULL,
     "one contact with its households, attendees, requests and its form version's questions"},
    {"POST", "/api/v1/contacts", api_contacts_create, PERM_CONTACT_WRITE, R_JSON, NULL,
     "record a contact {kind, happened_at, household_ids, notes, answers, requests ...};"
     " a member records their own"},
    {"PATCH", "/api/v1/contacts/{id}", api_contacts_update, PERM_CONTACT_WRITE, R_JSON, NULL,
     "change a contact; one that happened more than contact.edit_grace_days ago needs a reason"},
    {"POST", "/api/v1/contacts/{id}/deactivate", api_contacts_deactivate, PERM_CONTACT_WRITE,
     R_JSON, NULL, "deactivate a contact, with a reason"},
    {"GET", "/api/v1/visit-form", api_visit_form_get, PERM_CONTACT_READ, 0, NULL,
     "the county's visit form (进门一张表): the latest version or ?version="},
    {"PUT", "/api/v1/visit-form", api_visit_form_set, PERM_POLICY_WORK, R_JSON, NULL,
     "change the visit form {questions}: saved as a new version; old answers keep theirs"},

    {"GET", "/api/v1/users", api_users_list, PERM_USER_ADMIN, 0, NULL, "accounts in my scope"},
    {"POST", "/api/v1/users", api_users_create, PERM_USER_ADMIN, R_JSON, NULL,
     "create an operational account; returns a one-time password"},
    {"POST", "/api/v1/users/{id}/reset-password", api_users_reset, PERM_USER_ADMIN, R_JSON, NULL,
     "new one-time password; ends the account's sessions"},
    {"POST", "/api/v1/users/{id}/lock", api_users_lock, PERM_SECURITY, R_JSON, NULL,
     "lock an account"},
    {"POST", "/api/v1/users/{id}/unlock", api_users_unlock, PERM_SECURITY, R_JSON, NULL,
     "unlock an account and clear its failed logins"},

    {"GET", "/api/v1/policies", api_policies_list, PERM_POLICY_READ, 0, NULL,
     "every policy with its value, default and source"},
    {"PUT", "/api/v1/policies/{key}", api_policies_set, PERM_POLICY_WRITE, R_JSON, NULL,
     "change a policy: security ones by the security admin, work ones by the county admin"},

    {"GET", "/api/v1/audit", api_audit_list, PERM_AUDIT_READ, 0, NULL, "audit records, oldest first"},
    {"GET", "/api/v1/audit/verify", api_audit_verify, PERM_AUDIT_READ, 0, NULL,
     "check the hash chain"},
};

const size_t nroutes = sizeof routes / sizeof routes[0];
