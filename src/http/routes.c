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


/* The actions on a case share one handler; each route's arg is the event's code. */
#define CASE_ACT(seg, event, doc)                                                            \
    {"POST", "/api/v1/cases/{id}/" seg, api_cases_act, PERM_CASE_WRITE, R_JSON, event, doc}

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
     "pairings in scope (?household_id, member_id, node_id = at or under, layer, active)"},
    {"GET", "/api/v1/pairings/{id}", api_pairings_get, PERM_PAIRING_READ, 0, NULL,
     "one pairing in scope, active or ended, as the list shows it"},
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
     "leaders' contact points (联系点) (?member_id, org_id, node_id = at or under, active)"},
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
     "compliance of everything under a place ?from..?to: totals, per rule, per member"
     " (?members=0: without the members)"},
    {"GET", "/api/v1/nodes/{id}/compliance.xlsx", api_node_compliance_export, PERM_EXPORT, 0,
     NULL, "the compliance of a place ?from..?to as XLSX: totals, each rule, each member by name"},
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

    {"GET", "/api/v1/cases", api_cases_list, PERM_CASE_READ, 0, NULL,
     "cases in scope by queue (?queue=all|mine|node|escalated|overdue|supervised|follow_up,"
     " node_id, category, state, channel, priority, household_id, min_age_days, max_age_days,"
     " cursor, limit); overdue cases first"},
    {"POST", "/api/v1/cases", api_cases_open, PERM_CASE_WRITE, R_JSON, NULL,
     "open a case {channel, category, text, priority, phone, household_id, node_id}; the"
     " receiving place owns it (首接负责制)"},
    {"GET", "/api/v1/cases/{id}", api_cases_get, PERM_CASE_READ, 0, NULL,
     "one case with its timeline and photos"},
    CASE_ACT("assign", "assign",
             "assign at or under the case's place {member_id | user_id | unit_id, text}"),
    CASE_ACT("start", "start",
             "the assignee starts {text}"),
    CASE_ACT("reply", "reply",
             "an interim reply the resident reads {text, internal}"),
    CASE_ACT("wait", "wait",
             "wait on the requester, pausing the clock {text: what is needed}"),
    CASE_ACT("resume", "resume",
             "the requester answered: the clock runs again {text}"),
    CASE_ACT("escalate", "escalate",
             "one level up, into its queue {text: the reason}"),
    CASE_ACT("resolve", "resolve",
             "the resolution the resident reads {text}"),
    CASE_ACT("rate", "rate",
             "a rating taken by phone, for a case without a card {rating, text}"),
    CASE_ACT("follow-up", "follow_up",
             "a follow-up call (回访) {result: fixed|partly|not_fixed, text}"),
    CASE_ACT("close", "close",
             "close a rated case, or a resolved one after case.rating_wait_days"),
    {"POST", "/api/v1/cases/{id}/phone", api_cases_phone, PERM_CASE_WRITE, R_JSON, NULL,
     "the requester's full phone, for one who handles the case {reason} (audited)"},
    {"POST", "/api/v1/cases/{id}/photos", api_cases_photo_add, PERM_CASE_WRITE, R_UPLOAD, NULL,
     "attach a photo (JPEG or PNG as the body; location data removed)"},
    {"GET", "/api/v1/cases/{id}/photos/{hash}", api_cases_photo_get, PERM_CASE_READ, 0, NULL,
     "one of the case's photos"},
    {"POST", "/api/v1/cases/{id}/publish", api_cases_publish, PERM_CASE_PUBLISH, R_JSON, NULL,
     "put a resolved case on its village's public board {text, resolution, photos} as checked"
     " and redacted by a person"},
    {"POST", "/api/v1/contacts/{id}/cases", api_contact_cases, PERM_CASE_WRITE, R_JSON, NULL,
     "open a case for each request raised in the contact that has none"},
    {"GET", "/api/v1/rates", api_rates, PERM_CASE_READ, 0, NULL,
     "the three rates of a place and each place under it for a month (?node_id, month=YYYY-MM)"},
    {"GET", "/api/v1/board", api_board_list, PERM_CASE_READ, 0, NULL,
     "items on the public boards in scope (?node_id)"},
    {"POST", "/api/v1/board/{id}/withdraw", api_board_withdraw, PERM_CASE_PUBLISH, R_JSON, NULL,
     "take an item off the public board {reason}"},
    {"GET", "/api/v1/reply-templates", api_templates_list, PERM_CASE_READ, 0, NULL,
     "the county's reply templates (?category)"},
    {"POST", "/api/v1/reply-templates", api_templates_add, PERM_POLICY_WORK, R_JSON, NULL,
     "add a reply template {category, text}"},
    {"POST", "/api/v1/reply-templates/{id}/deactivate", api_templates_deactivate,
     PERM_POLICY_WORK, R_JSON, NULL, "retire a reply template"},
    {"GET", "/api/v1/calendar/{year}", api_calendar_get, PERM_CASE_READ, 0, NULL,
     "a year's public holidays and make-up working days (the county's or the built-in)"},
    {"PUT", "/api/v1/calendar/{year}", api_calendar_set, PERM_POLICY_WORK, R_JSON, NULL,
     "replace the county's copy of a year {off: [dates], work: [dates]}"},
    {"GET", "/api/v1/notifications", api_notifications_list, PERM_SELF, 0, NULL,
     "my notifications, newest first (?unread=1, before, limit)"},
    {"POST", "/api/v1/notifications/{id}/read", api_notifications_read, PERM_SELF, R_JSON, NULL,
     "mark a notification read"},
    {"POST", "/r/{token}/cases", api_resident_case_open, PERM_PUBLIC, R_UPLOAD, NULL,
     "the resident's request form (multipart: category, text, phone, photo x3); redirects to"
     " the case's page"},
    {"GET", "/r/{token}/cases/{code}", api_resident_case_page, PERM_PUBLIC, 0, NULL,
     "one of the household's cases: status, steps, the form that fits (HTML)"},
    {"POST", "/r/{token}/cases/{code}/rate", api_resident_case_rate, PERM_PUBLIC, 0, NULL,
     "the resident's rating (form: rating, text)"},
    {"POST", "/r/{token}/cases/{code}/reopen", api_resident_case_reopen, PERM_PUBLIC, 0, NULL,
     "the resident reopens a case they rated (form: text)"},
    {"POST", "/r/{token}/cases/{code}/reply", api_resident_case_reply, PERM_PUBLIC, 0, NULL,
     "the resident adds what was asked for (form: text); the clock runs again"},
    {"GET", "/r/{token}/photos/{hash}", api_resident_photo, PERM_PUBLIC, 0, NULL,
     "a photo of one of the household's cases"},
    {"GET", "/p/{id}", api_board_page, PERM_PUBLIC, 0, NULL,
     "a village's public board for a month (HTML, ?month=YYYY-MM)"},
    {"GET", "/p/{id}/photos/{hash}", api_board_photo, PERM_PUBLIC, 0, NULL,
     "a photo on the public board"},

    {"GET", "/api/v1/users", api_users_list, PERM_USER_READ, 0, NULL, "accounts in my scope"},
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
