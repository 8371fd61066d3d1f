/* api.h -- the request handlers, one file per resource; the route table names them. */
#ifndef LX_API_H
#define LX_API_H
#include "http/http.h"

/* auth.c */
lx_status api_login(req *r);
lx_status api_logout(req *r);
lx_status api_me(req *r);
lx_status api_password(req *r);
lx_status api_health(req *r);
lx_status api_vocab(req *r);

/* registry.c: every registry; the route's arg is its resource */
lx_status api_reg_list(req *r);
lx_status api_reg_get(req *r);
lx_status api_reg_create(req *r);
lx_status api_reg_update(req *r);
lx_status api_reg_deactivate(req *r);
lx_status api_reg_activate(req *r);
lx_status api_reg_unmask(req *r);
lx_status api_reg_export(req *r);

/* import.c */
lx_status api_import(req *r);
lx_status api_import_template(req *r);

/* pairing.c: assignment runs and manual pairs */
lx_status api_assign_plan(req *r);
lx_status api_assign_get(req *r);
lx_status api_assign_changes(req *r);
lx_status api_assign_apply(req *r);
lx_status api_pairings_list(req *r);
lx_status api_pairings_get(req *r);
lx_status api_pairings_create(req *r);
lx_status api_pairings_end(req *r);

/* links.c: unit-village pairs, contact points, assistance tasks, quota presets;
 * coverage.c: the coverage report */
lx_status api_unit_villages_list(req *r);
lx_status api_unit_villages_create(req *r);
lx_status api_unit_villages_end(req *r);
lx_status api_contact_points_list(req *r);
lx_status api_contact_points_create(req *r);
lx_status api_contact_points_end(req *r);
lx_status api_tasks_list(req *r);
lx_status api_tasks_create(req *r);
lx_status api_tasks_close(req *r);
lx_status api_policy_preset(req *r);
lx_status api_coverage(req *r);
/* api/due.c: due lists, members falling behind, compliance. */
lx_status api_member_due(req *r);
lx_status api_member_compliance(req *r);
lx_status api_node_behind(req *r);
lx_status api_node_compliance(req *r);
lx_status api_node_compliance_export(req *r);
lx_status api_coverage_export(req *r);

/* cards.c: contact cards and door plates; the resident page (public) */
lx_status api_cards(req *r);
lx_status api_card_revoke(req *r);
lx_status api_resident_page(req *r);

/* The resident pages' shared parts (cards.c): resolve the card link of the request's first
 * path parameter into *c, counting wrong links per address; when the link is wrong or the
 * address is over its limit the page is answered (*answered = 1). */
struct card_data;
lx_status api_resident_card(req *r, struct card_data *c, int *answered);
/* Reply with the page in sb (taking its storage) and the resident pages' headers. */
lx_status api_resident_html(req *r, int status, strbuf *sb);
/* A small page that says heading and text. */
lx_status api_resident_message(req *r, int status, const char *heading, const char *text);

/* resident.c: the resident's side of cases (/r/{token}/...) and the public board (/p/...) */
lx_status api_resident_cases_section(req *r, const struct card_data *c, strbuf *out);
lx_status api_resident_case_open(req *r);
lx_status api_resident_case_page(req *r);
lx_status api_resident_case_rate(req *r);
lx_status api_resident_case_reopen(req *r);
lx_status api_resident_case_reply(req *r);
lx_status api_resident_photo(req *r);
lx_status api_board_page(req *r);
lx_status api_board_photo(req *r);

/* cases.c: cases for staff */
lx_status api_cases_list(req *r);
lx_status api_cases_open(req *r);
lx_status api_cases_get(req *r);
lx_status api_cases_act(req *r);
lx_status api_cases_phone(req *r);
lx_status api_cases_photo_add(req *r);
lx_status api_cases_photo_get(req *r);
lx_status api_cases_publish(req *r);
lx_status api_rates(req *r);
lx_status api_contact_cases(req *r);
lx_status api_board_list(req *r);
lx_status api_board_withdraw(req *r);
lx_status api_templates_list(req *r);
lx_status api_templates_add(req *r);
lx_status api_templates_deactivate(req *r);
lx_status api_calendar_get(req *r);
lx_status api_calendar_set(req *r);
lx_status api_notifications_list(req *r);
lx_status api_notifications_read(req *r);
/* Shared with resident.c: a requester's phone checked into buf (*out NULL if none given);
 * an uploaded image cleaned and stored; a stored photo sent. */
lx_status api_case_phone_in(req *r, const char *text, char *buf, size_t len, const char **out);
struct case_photo_ref;
lx_status api_case_store_photo(req *r, const char *field, const unsigned char *data, size_t n,
                               struct case_photo_ref *out);
lx_status api_send_photo(req *r, const char *hash);

/* contacts.c: contacts (visits, calls, talks, meetings) and the county's visit form */
lx_status api_contacts_list(req *r);
lx_status api_contacts_get(req *r);
lx_status api_contacts_create(req *r);
lx_status api_contacts_update(req *r);
lx_status api_contacts_deactivate(req *r);
lx_status api_visit_form_get(req *r);
lx_status api_visit_form_set(req *r);

/* users.c */
lx_status api_users_list(req *r);
lx_status api_users_create(req *r);
lx_status api_users_reset(req *r);
lx_status api_users_lock(req *r);
lx_status api_users_unlock(req *r);

/* policies.c */
lx_status api_policies_list(req *r);
lx_status api_policies_set(req *r);

/* audit.c */
lx_status api_audit_list(req *r);
lx_status api_audit_verify(req *r);

/* Audit a read of personal data by the caller (batched). */
void api_audit_read(req *r, const char *action, const char *object, const char *detail);

/* Keep registry list pages in up to max_bytes (0: keep none) while the
 * server runs (see registry.c), and drop them. */
void api_list_cache_start(size_t max_bytes);
void api_list_cache_stop(void);
/* Audit an event by the caller now, in its own transaction. */
void api_audit_now(req *r, const char *action, const char *object, const char *outcome,
                   const char *detail);

#endif
