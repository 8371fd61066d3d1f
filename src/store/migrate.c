/* migrate.c -- the schema, as an ordered list of portable migrations. */
#include "store/migrate.h"
#include "util/log.h"

#include <stdlib.h>

/* Every table of county data carries county_id, so a province can shard by
 * county. Every scoped table carries `path`, the materialised path of its
 * node in the administrative tree ("/1/4/17/"), so one range predicate
 * filters any list by the caller's subtree. Personal data lives only in
 * *_enc columns (sealed by util/crypto) with keyed hashes in *_h for exact
 * lookup. Times are UTC seconds since the epoch. */
static const char *const migrations[] = {
    /* 1: registries, accounts, audit */
    "CREATE TABLE counties ("
    "  id {ID},"
    "  name TEXT NOT NULL,"
    "  utc_offset INTEGER NOT NULL DEFAULT 28800,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE nodes ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  parent_id INTEGER REFERENCES nodes(id),"
    "  level INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  code TEXT,"
    "  path TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX nodes_path ON nodes(path);"
    "CREATE INDEX nodes_parent ON nodes(parent_id, name);"
    "CREATE INDEX nodes_key ON nodes(county_id, name_key);"

    "CREATE TABLE units ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  path TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX units_path ON units(path, id);"
    "CREATE INDEX units_key ON units(county_id, name_key);"

    "CREATE TABLE orgs ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  path TEXT NOT NULL,"
    "  parent_org_id INTEGER REFERENCES orgs(id),"
    "  kind TEXT NOT NULL,"
    "  basis TEXT,"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  leader_member_id INTEGER,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX orgs_path ON orgs(path, id);"

    "CREATE TABLE members ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  path TEXT NOT NULL,"
    "  unit_id INTEGER REFERENCES units(id),"
    "  org_id INTEGER REFERENCES orgs(id),"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  gender TEXT NOT NULL,"
    "  phone_enc {BLOB},"
    "  phone_h {BLOB},"
    "  rank TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  skills INTEGER NOT NULL DEFAULT 0,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX members_path ON members(path, id);"
    "CREATE INDEX members_key ON members(county_id, name_key);"
    "CREATE INDEX members_phone ON members(phone_h);"
    "CREATE INDEX members_unit ON members(unit_id);"

    "CREATE TABLE households ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  path TEXT NOT NULL,"
    "  address_enc {BLOB},"
    "  address_h {BLOB},"
    "  head_name TEXT NOT NULL,"
    "  head_key TEXT NOT NULL,"
    "  difficulty TEXT NOT NULL DEFAULT 'none',"
    "  tags INTEGER NOT NULL DEFAULT 0,"
    "  needs INTEGER NOT NULL DEFAULT 0,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX households_path ON households(path, id);"
    "CREATE INDEX households_key ON households(county_id, head_key);"
    "CREATE INDEX households_addr ON households(address_h);"

    "CREATE TABLE residents ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  household_id INTEGER NOT NULL REFERENCES households(id),"
    "  path TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  gender TEXT NOT NULL,"
    "  birth_date TEXT,"
    "  idno_enc {BLOB},"
    "  idno_h {BLOB},"
    "  phone_enc {BLOB},"
    "  phone_h {BLOB},"
    "  relation TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX residents_household ON residents(household_id);"
    "CREATE INDEX residents_path ON residents(path, id);"
    "CREATE INDEX residents_key ON residents(county_id, name_key);"
    "CREATE UNIQUE INDEX residents_idno ON residents(idno_h);"
    "CREATE INDEX residents_phone ON residents(phone_h);"

    /* Liaison pairings: the member scope (a member sees their households).
     * The pairing issue extends this table. */
    "CREATE TABLE pairings ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  layer TEXT NOT NULL,"
    "  member_id INTEGER NOT NULL REFERENCES members(id),"
    "  household_id INTEGER NOT NULL REFERENCES households(id),"
    "  started_at INTEGER NOT NULL,"
    "  ended_at INTEGER);"
    "CREATE INDEX pairings_member ON pairings(member_id, ended_at);"
    "CREATE INDEX pairings_household ON pairings(household_id, ended_at);"

    "CREATE TABLE users ("
    "  id {ID},"
    "  county_id INTEGER REFERENCES counties(id),"
    "  username TEXT NOT NULL UNIQUE,"
    "  display_name TEXT NOT NULL,"
    "  pw_hash TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  node_id INTEGER REFERENCES nodes(id),"
    "  member_id INTEGER REFERENCES members(id),"
    "  household_id INTEGER REFERENCES households(id),"
    "  must_change INTEGER NOT NULL DEFAULT 1,"
    "  pw_changed_at INTEGER NOT NULL,"
    "  locked INTEGER NOT NULL DEFAULT 0,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"

    /* Sessions are stored by the hash of their token. */
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  csrf TEXT NOT NULL,"
    "  addr TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  seen_at INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"

    /* Failed logins, counted per account ('u:name') and per address ('a:ip'). */
    "CREATE TABLE login_failures ("
    "  key TEXT PRIMARY KEY,"
    "  count INTEGER NOT NULL,"
    "  first_at INTEGER NOT NULL,"
    "  locked_until INTEGER NOT NULL DEFAULT 0);"

    /* Named policies a county changes; absent keys take the built-in default. */
    "CREATE TABLE policies ("
    "  county_id INTEGER NOT NULL,"
    "  key TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  updated_by INTEGER,"
    "  PRIMARY KEY (county_id, key));"

    /* Append-only, hash-chained audit log. */
    "CREATE TABLE audit ("
    "  id {ID},"
    "  at INTEGER NOT NULL,"
    "  county_id INTEGER,"
    "  user_id INTEGER,"
    "  username TEXT,"
    "  role TEXT,"
    "  node_id INTEGER,"
    "  addr TEXT,"
    "  action TEXT NOT NULL,"
    "  object TEXT,"
    "  outcome TEXT NOT NULL,"
    "  detail TEXT,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE INDEX audit_at ON audit(at);"
    "CREATE INDEX audit_user ON audit(user_id, at);"
    "{APPEND_ONLY audit};",

    /* 2: scope indexes lead with the county, so that one county's subtree
     * comes off the index in tree order without a sort. */
    "DROP INDEX units_path; CREATE INDEX units_path ON units(county_id, path, id);"
    "DROP INDEX orgs_path; CREATE INDEX orgs_path ON orgs(county_id, path, id);"
    "DROP INDEX members_path; CREATE INDEX members_path ON members(county_id, path, id);"
    "DROP INDEX households_path;"
    "CREATE INDEX households_path ON households(county_id, path, id);"
    "DROP INDEX residents_path; CREATE INDEX residents_path ON residents(county_id, path, id);"
    "DROP INDEX nodes_path; CREATE INDEX nodes_path ON nodes(county_id, path, id);",

    /* 3: pairing (SPEC C2), contact cards (C3), the resident page (C9) */
    "ALTER TABLE pairings ADD COLUMN source TEXT NOT NULL DEFAULT 'manual';"
    "ALTER TABLE pairings ADD COLUMN run_id INTEGER;"
    "ALTER TABLE pairings ADD COLUMN reason TEXT;"
    "ALTER TABLE pairings ADD COLUMN created_by INTEGER;"
    "ALTER TABLE pairings ADD COLUMN end_reason TEXT;"
    "ALTER TABLE pairings ADD COLUMN ended_by INTEGER;"
    /* one active pairing per household and layer */
    "CREATE UNIQUE INDEX pairings_active ON pairings(household_id, layer) WHERE ended_at IS NULL;"
    "CREATE INDEX pairings_member_layer ON pairings(member_id, layer, ended_at);"
    /* a member's own quotas, over the county's policy (NULL: the policy) */
    "ALTER TABLE members ADD COLUMN liaison_quota INTEGER;"
    "ALTER TABLE members ADD COLUMN assist_quota INTEGER;"
    /* who to call at a place: printed on the cards */
    "ALTER TABLE nodes ADD COLUMN contact_name TEXT;"
    "ALTER TABLE nodes ADD COLUMN contact_phone_enc {BLOB};"
    "ALTER TABLE nodes ADD COLUMN contact_phone_h {BLOB};"
    /* bumped by every change of pairings: a planned run applies only onto
     * the state it was planned from */
    "ALTER TABLE counties ADD COLUMN pairing_seq INTEGER NOT NULL DEFAULT 0;"

    /* units paired with villages (单位联村, seeds 001, 003) */
    "CREATE TABLE unit_villages ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  path TEXT NOT NULL,"
    "  reason TEXT,"
    "  created_by INTEGER,"
    "  started_at INTEGER NOT NULL,"
    "  ended_at INTEGER);"
    "CREATE UNIQUE INDEX unit_villages_active ON unit_villages(unit_id, node_id) WHERE ended_at IS NULL;"
    "CREATE INDEX unit_villages_path ON unit_villages(county_id, path);"

    /* assistance tasks (C6 extends them); an assistance pairing with open
     * tasks cannot be ended (seed 003) */
    "CREATE TABLE assistance_tasks ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  pairing_id INTEGER NOT NULL REFERENCES pairings(id),"
    "  household_id INTEGER NOT NULL REFERENCES households(id),"
    "  path TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'open',"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  closed_at INTEGER);"
    "CREATE INDEX assistance_tasks_pairing ON assistance_tasks(pairing_id, status);"

    /* contact points (联系点, seed 003): a leader adopts a branch */
    "CREATE TABLE contact_points ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  member_id INTEGER NOT NULL REFERENCES members(id),"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  kind TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  reason TEXT,"
    "  created_by INTEGER,"
    "  started_at INTEGER NOT NULL,"
    "  ended_at INTEGER);"
    "CREATE UNIQUE INDEX contact_points_active ON contact_points(member_id, kind) WHERE ended_at IS NULL;"
    "CREATE INDEX contact_points_path ON contact_points(county_id, path);"

    /* automatic assignment runs: planned, then applied */
    "CREATE TABLE assign_runs ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  layer TEXT NOT NULL,"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  path TEXT NOT NULL,"
    "  rebalance INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  base_seq INTEGER NOT NULL,"
    "  stats TEXT,"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  applied_at INTEGER);"
    "CREATE TABLE assign_plan ("
    "  run_id INTEGER NOT NULL REFERENCES assign_runs(id),"
    "  household_id INTEGER NOT NULL,"
    "  old_member INTEGER,"
    "  new_member INTEGER,"
    "  change TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, household_id));"

    /* the per-household secret behind the card's QR code (stored by hash) */
    "CREATE TABLE card_tokens ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  household_id INTEGER NOT NULL REFERENCES households(id),"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  token_enc {BLOB} NOT NULL,"
    "  issued_by INTEGER,"
    "  issued_at INTEGER NOT NULL,"
    "  revoked_at INTEGER);"
    "CREATE UNIQUE INDEX card_tokens_active ON card_tokens(household_id) WHERE revoked_at IS NULL;",

    /* 4: contacts (SPEC C4). A contact is credited to the member who made it
     * (seed 003); node_id/path is the first household's node, or the
     * meeting's node. contact_households repeats the few columns the rules
     * of contact read, so that due lists need not join contacts. */
    "CREATE TABLE contacts ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  path TEXT NOT NULL,"
    "  member_id INTEGER NOT NULL REFERENCES members(id),"
    "  kind TEXT NOT NULL,"
    "  happened_at INTEGER NOT NULL,"
    "  recorded_at INTEGER NOT NULL,"
    "  recorded_by INTEGER,"
    "  notes TEXT,"
    "  talk_situation TEXT,"
    /* meetings: who led (a member, or a name), how many came, the minutes */
    "  leader_member_id INTEGER REFERENCES members(id),"
    "  leader_name TEXT,"
    "  attendance INTEGER,"
    "  minutes TEXT,"
    "  public INTEGER NOT NULL DEFAULT 0,"
    /* the county's visit form: the version answered and the answers (JSON) */
    "  form_version INTEGER,"
    "  answers TEXT,"
    "  updated_at INTEGER NOT NULL,"
    "  updated_by INTEGER,"
    "  active INTEGER NOT NULL DEFAULT 1);"
    /* covering for the member and leader rules (a member's talks of two years) */
    "CREATE INDEX contacts_member ON contacts(county_id, member_id, kind, happened_at, active,"
    " node_id);"
    "CREATE INDEX contacts_path ON contacts(county_id, path, happened_at);"

    "CREATE TABLE contact_households ("
    "  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
    "  county_id INTEGER NOT NULL,"
    "  household_id INTEGER NOT NULL REFERENCES households(id),"
    "  member_id INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  happened_at INTEGER NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  paired INTEGER NOT NULL,"
    "  PRIMARY KEY (contact_id, household_id));"
    /* covering for the due lists: a household's contacts in a time range without a
     * table lookup per row */
    "CREATE INDEX contact_households_household ON contact_households(county_id, household_id,"
    " happened_at, kind, active, member_id, contact_id);"
    "CREATE INDEX contact_households_member ON contact_households(county_id, member_id, happened_at);"

    /* who came to a meeting, when known: a member or a household per row */
    "CREATE TABLE contact_attendees ("
    "  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
    "  county_id INTEGER NOT NULL,"
    "  member_id INTEGER REFERENCES members(id),"
    "  household_id INTEGER REFERENCES households(id));"
    "CREATE INDEX contact_attendees_contact ON contact_attendees(contact_id);"

    /* requests raised during a contact, kept as items; the requests issue
     * (C5) turns them into cases (case_id) */
    "CREATE TABLE contact_requests ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL,"
    "  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
    "  path TEXT NOT NULL,"
    "  household_id INTEGER REFERENCES households(id),"
    "  text TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  case_id INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX contact_requests_contact ON contact_requests(contact_id);"
    "CREATE INDEX contact_requests_open ON contact_requests(county_id, path) WHERE case_id IS NULL;"

    /* the county's visit form (进门一张表), one row per version; a change
     * makes a new version, and old contacts keep the version they answered */
    "CREATE TABLE visit_forms ("
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  version INTEGER NOT NULL,"
    "  questions TEXT NOT NULL,"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (county_id, version));",

    /* 5: requests from the people: cases (SPEC C5, C9). A case is owned by the
     * first node that received it (origin, 首接负责制) and sits in the queue of
     * `node` (the origin, or a node above it after escalation); scopes filter
     * by the origin's path, so every node above it keeps sight of it. The
     * resolution clock of the current level started at clock_started; its
     * pauses (waiting on the requester) are in case_pauses; due_at is NULL
     * while the case waits, or once it is resolved. */
    "CREATE TABLE cases ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL REFERENCES counties(id),"
    "  code TEXT NOT NULL UNIQUE,"
    "  origin_node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  path TEXT NOT NULL,"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  node_path TEXT NOT NULL,"
    "  level TEXT NOT NULL,"
    "  household_id INTEGER REFERENCES households(id),"
    "  channel TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  priority TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  phone_enc {BLOB},"
    "  phone_mask TEXT,"
    "  state TEXT NOT NULL,"
    "  open INTEGER NOT NULL DEFAULT 1,"
    "  supervised INTEGER NOT NULL DEFAULT 0,"
    "  supervisor_node_id INTEGER REFERENCES nodes(id),"
    "  assignee_member_id INTEGER REFERENCES members(id),"
    "  assignee_user_id INTEGER REFERENCES users(id),"
    "  assignee_unit_id INTEGER REFERENCES units(id),"
    "  escalated INTEGER NOT NULL DEFAULT 0,"
    "  opened_at INTEGER NOT NULL,"
    "  opened_by INTEGER REFERENCES users(id),"
    "  opened_by_member INTEGER REFERENCES members(id),"
    "  contact_id INTEGER REFERENCES contacts(id),"
    "  response_due INTEGER NOT NULL,"
    "  responded_at INTEGER,"
    "  clock_started INTEGER NOT NULL,"
    "  due_at INTEGER,"
    "  resolution TEXT,"
    "  resolved_at INTEGER,"
    "  first_resolved_at INTEGER,"
    "  rating TEXT,"
    "  rating_comment TEXT,"
    "  rated_at INTEGER,"
    "  follow_up TEXT,"
    "  reopened INTEGER NOT NULL DEFAULT 0,"
    "  overdue_notified INTEGER NOT NULL DEFAULT 0,"
    "  closed_at INTEGER,"
    "  updated_at INTEGER NOT NULL);"
    /* queues: a node's open cases by deadline; the subtree's by deadline
     * (overdue ones rise); a member's; a household's; the month's rates */
    "CREATE INDEX cases_node ON cases(county_id, node_id, open, due_at);"
    "CREATE INDEX cases_path_due ON cases(county_id, open, path, due_at);"
    "CREATE INDEX cases_assignee ON cases(assignee_member_id, open, due_at)"
    " WHERE assignee_member_id IS NOT NULL;"
    "CREATE INDEX cases_household ON cases(household_id, id) WHERE household_id IS NOT NULL;"
    "CREATE INDEX cases_opened ON cases(county_id, opened_at, path);"
    "CREATE INDEX cases_supervisor ON cases(supervisor_node_id, open) WHERE supervised = 1;"
    /* the sweep that notifies of newly overdue cases */
    "CREATE INDEX cases_sweep ON cases(due_at) WHERE open = 1 AND overdue_notified = 0;"
    "CREATE INDEX cases_sweep_response ON cases(response_due)"
    " WHERE open = 1 AND overdue_notified = 0 AND responded_at IS NULL;"

    /* the timeline: every transition, reply and note; `public` ones are shown to the resident */
    "CREATE TABLE case_events ("
    "  id {ID},"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  county_id INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  event TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  user_id INTEGER REFERENCES users(id),"
    "  from_state TEXT,"
    "  to_state TEXT NOT NULL,"
    "  node_id INTEGER REFERENCES nodes(id),"
    "  text TEXT,"
    "  public INTEGER NOT NULL DEFAULT 0,"
    "  detail TEXT);"
    "CREATE INDEX case_events_case ON case_events(case_id, id);"

    "CREATE TABLE case_pauses ("
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  paused_at INTEGER NOT NULL,"
    "  resumed_at INTEGER,"
    "  PRIMARY KEY (case_id, paused_at));"

    /* photos are files named by their hash (store/photos.c); rows say whose they are */
    "CREATE TABLE case_photos ("
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  hash TEXT NOT NULL,"
    "  type INTEGER NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (case_id, hash));"

    /* in-app notifications, one row per recipient account */
    "CREATE TABLE notifications ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  case_id INTEGER REFERENCES cases(id),"
    "  kind TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  read_at INTEGER);"
    "CREATE INDEX notifications_user ON notifications(user_id, id);"

    /* the public board (公示): what a person checked and redacted, per village and month */
    "CREATE TABLE board_items ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL,"
    "  case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id),"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  month INTEGER NOT NULL,"
    "  category TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  resolution TEXT NOT NULL,"
    "  hours_to_resolve INTEGER NOT NULL,"
    "  photos TEXT NOT NULL,"
    "  published_by INTEGER REFERENCES users(id),"
    "  published_at INTEGER NOT NULL,"
    "  withdrawn_at INTEGER);"
    "CREATE INDEX board_items_node ON board_items(node_id, month);"

    "CREATE TABLE reply_templates ("
    "  id {ID},"
    "  county_id INTEGER NOT NULL,"
    "  category TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX reply_templates_category ON reply_templates(county_id, category);"

    /* the county's own copy of a year's public-holiday calendar (one row per
     * exception to Monday-Friday); a year without rows uses the built-in table */
    "CREATE TABLE calendar_years ("
    "  county_id INTEGER NOT NULL,"
    "  year INTEGER NOT NULL,"
    "  updated_by INTEGER REFERENCES users(id),"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (county_id, year));"
    "CREATE TABLE calendar_days ("
    "  county_id INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  PRIMARY KEY (county_id, day));",

    /* 6: a node's queue reads the overdue cases beneath it in deadline order (store/cases.c,
     * rises_sync): one row per open case with a deadline and per place on its origin path */
    "CREATE TABLE case_rises ("
    "  county_id INTEGER NOT NULL,"
    "  node_id INTEGER NOT NULL REFERENCES nodes(id),"
    "  due_at INTEGER NOT NULL,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  PRIMARY KEY (node_id, due_at, case_id));"
    "CREATE INDEX case_rises_case ON case_rises(case_id);"
    /* paths are digits and slashes, all below '~' */
    "INSERT INTO case_rises (county_id, node_id, due_at, case_id)"
    " SELECT c.county_id, n.id, c.due_at, c.id FROM nodes n JOIN cases c"
    " ON c.county_id = n.county_id AND c.open = 1 AND c.path >= n.path"
    " AND c.path < n.path || '~' WHERE c.due_at IS NOT NULL;",
};

int migrate_latest(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

static lx_status current_version(db *d, int *v)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_exec(d, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    if (rc)
        return rc;
    rc = db_prepare(d, "SELECT max(version) FROM schema_version", &st);
    if (rc)
        return rc;
    rc = db_step(st, &row);
    *v = (!rc && row && !db_col_is_null(st, 0)) ? (int)db_col_int(st, 0) : 0;
    db_done(st);
    return rc;
}

lx_status migrate_up(db *d, int *from, int *to)
{
    int v = 0;
    lx_status rc = current_version(d, &v);
    if (rc)
        return rc;
    if (from)
        *from = v;
    if (v > migrate_latest()) {
        log_error("database schema version %d is newer than this program (%d)", v,
                  migrate_latest());
        return LX_EIO;
    }
    for (; v < migrate_latest(); v++) {
        char *sql = db_dialect(d, migrations[v]);
        db_stmt *st = NULL;
        rc = db_begin(d);
        if (!rc)
            rc = db_exec(d, sql);
        if (!rc)
            rc = db_prepare(d, "INSERT INTO schema_version (version) VALUES (?)", &st);
        if (!rc) {
            db_bind_int(st, 1, v + 1);
            rc = db_run(st);
            db_done(st);
        }
        if (!rc)
            rc = db_commit(d);
        free(sql);
        if (rc) {
            db_rollback(d);
            log_error("migration %d failed", v + 1);
            return rc;
        }
        log_info("database schema migrated to version %d", v + 1);
    }
    if (to)
        *to = v;
    return LX_OK;
}
