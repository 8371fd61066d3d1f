/* history.c -- writing a generated contact history (core/history) into the database in bulk. */
#include "store/history.h"
#include "core/history.h"
#include "core/vocab.h"
#include "store/query.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The statements of the bulk path, prepared once and reset after each row. */
typedef struct writer {
    db *d;
    int64_t county_id;
    int64_t now;
    db_stmt *contact, *household, *attendee, *request;
    history_stats st;
} writer;

static lx_status on_contact(void *ctx, const history_contact *c)
{
    writer *w = ctx;
    const char *kind = vocab_code(&vocab_contact_kind, c->kind);
    int row = 0;
    int64_t id = 0;
    db_stmt *s = w->contact;
    db_bind_int(s, 1, w->county_id);
    db_bind_int(s, 2, c->node_id);
    db_bind_text(s, 3, c->path);
    db_bind_int(s, 4, c->member_id);
    db_bind_text(s, 5, kind);
    db_bind_int(s, 6, c->happened_at);
    /* recorded the same day, a few hours later */
    db_bind_int(s, 7, c->happened_at + 3600 * 3);
    db_bind_text(s, 8, c->notes);
    db_bind_text(s, 9, c->talk_situation >= 0 ? vocab_code(&vocab_talk_situation, c->talk_situation)
                                              : NULL);
    db_bind_text(s, 10, c->leader_name);
    if (c->attendance >= 0)
        db_bind_int(s, 11, c->attendance);
    else
        db_bind_null(s, 11);
    db_bind_text(s, 12, c->minutes);
    lx_status rc = db_step(s, &row);
    if (!rc && row)
        id = db_col_int(s, 0);
    db_reset(s);
    if (rc)
        return rc;
    w->st.contacts++;
    if (c->household_id) {
        s = w->household;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, w->county_id);
        db_bind_int(s, 3, c->household_id);
        db_bind_int(s, 4, c->member_id);
        db_bind_text(s, 5, kind);
        db_bind_int(s, 6, c->happened_at);
        rc = db_run(s);
        db_reset(s);
        w->st.households++;
    }
    if (!rc && c->with_member) {
        s = w->attendee;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, w->county_id);
        db_bind_int(s, 3, c->with_member);
        rc = db_run(s);
        db_reset(s);
    }
    if (!rc && c->request_category >= 0) {
        s = w->request;
        db_bind_int(s, 1, w->county_id);
        db_bind_int(s, 2, id);
        db_bind_text(s, 3, c->path);
        if (c->household_id)
            db_bind_int(s, 4, c->household_id);
        else
            db_bind_null(s, 4);
        db_bind_text(s, 5, c->request_text);
        db_bind_text(s, 6, vocab_code(&vocab_request_category, c->request_category));
        db_bind_int(s, 7, c->happened_at + 3600 * 3);
        rc = db_run(s);
        db_reset(s);
        w->st.requests++;
    }
    if (!rc && w->st.contacts % 1000000 == 0)
        log_info("history: %lld contacts written", (long long)w->st.contacts);
    return rc;
}

/* ---- loading the input ---- */

typedef struct input {
    arena *a;                /* the paths */
    history_pair *pairs;
    size_t npairs, cap_pairs;
    history_member *members;
    size_t nmembers, cap_members;
    history_group *groups;
    size_t ngroups, cap_groups;
} input;

#define GROW(arr, n, cap)                                                                      \
    do {                                                                                       \
        if ((n) == (cap)) {                                                                    \
            (cap) = (cap) ? (cap) * 2 : 1024;                                                  \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));                                    \
        }                                                                                      \
    } while (0)

static lx_status load_pairs(db *d, int64_t county, input *in)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT p.member_id, p.household_id, h.node_id, h.path, h.tags,"
                                 " p.layer = 'assistance', p.started_at FROM pairings p"
                                 " JOIN households h ON h.id = p.household_id"
                                 " WHERE p.county_id = ? AND p.ended_at IS NULL AND h.active = 1"
                                 " ORDER BY p.member_id, p.household_id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county);
    while (!(rc = db_step(st, &row)) && row) {
        GROW(in->pairs, in->npairs, in->cap_pairs);
        history_pair *p = &in->pairs[in->npairs++];
        p->member_id = db_col_int(st, 0);
        p->household_id = db_col_int(st, 1);
        p->node_id = db_col_int(st, 2);
        p->path = arena_strdup(in->a, db_col_text(st, 3));
        p->tags = db_col_int(st, 4);
        p->assistance = (int)db_col_int(st, 5);
        p->started_at = db_col_int(st, 6);
    }
    db_done(st);
    return rc;
}

static lx_status load_members(db *d, int64_t county, input *in)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT id, node_id, path, rank IN ('city_leader', 'county_leader')"
                                 " FROM members WHERE county_id = ? AND active = 1"
                                 " ORDER BY path, id",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county);
    while (!(rc = db_step(st, &row)) && row) {
        GROW(in->members, in->nmembers, in->cap_members);
        history_member *m = &in->members[in->nmembers++];
        m->id = db_col_int(st, 0);
        m->node_id = db_col_int(st, 1);
        m->path = arena_strdup(in->a, db_col_text(st, 2));
        m->leader = (int)db_col_int(st, 3);
    }
    db_done(st);
    return rc;
}

/* The first member (in path order) whose path starts with prefix, or 0. */
static int64_t member_under(const input *in, const char *prefix, size_t len)
{
    size_t lo = 0, hi = in->nmembers;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strncmp(in->members[mid].path, prefix, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < in->nmembers && !strncmp(in->members[lo].path, prefix, len))
        return in->members[lo].id;
    return 0;
}

static lx_status load_groups(db *d, int64_t county, input *in)
{
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc = db_prepare(d, "SELECT id, path FROM nodes WHERE county_id = ? AND level = 4"
                                 " AND active = 1 ORDER BY path",
                              &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, county);
    while (!(rc = db_step(st, &row)) && row) {
        const char *path = db_col_text(st, 1);
        size_t len = strlen(path);
        /* credited to a member of the group, else of its village */
        int64_t m = member_under(in, path, len);
        if (!m && len > 1) {
            size_t v = len - 1;
            while (v > 0 && path[v - 1] != '/')
                v--;
            m = member_under(in, path, v);
        }
        if (!m)
            continue;
        GROW(in->groups, in->ngroups, in->cap_groups);
        history_group *g = &in->groups[in->ngroups++];
        g->node_id = db_col_int(st, 0);
        g->path = arena_strdup(in->a, path);
        g->member_id = m;
    }
    db_done(st);
    return rc;
}

lx_status history_load(db *d, int64_t county_id, int years, uint64_t seed, int64_t to,
                       int utc_offset, history_stats *stats)
{
    input in;
    writer w;
    int in_txn = 0;
    int64_t n = 0;
    lx_status rc;
    db_stmt *st = NULL;

    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    in.a = arena_new();
    w.d = d;
    w.county_id = county_id;
    w.now = lx_now();
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (years < 1 || years > 10) {
        rc = LX_EINVAL;
        goto out;
    }
    int64_t from = to - (int64_t)years * 365 * 86400;
    /* a bigger page cache while the indexes grow (restored below) */
    rc = db_exec(d, "PRAGMA cache_size=-262144");
    if (!rc)
        rc = db_begin(d);
    if (rc)
        goto out;
    in_txn = 1;
    rc = store_scalar(d, "SELECT count(*) FROM contacts WHERE county_id = ? AND ? = 0", county_id,
                      0, NULL, &n);
    if (!rc && n) {
        log_error("history: the county has contacts already; history only fills a new one");
        rc = LX_ECONFLICT;
    }
    /* the demo's pairings are taken to have held over the whole history */
    if (!rc)
        rc = db_prepare(d, "UPDATE pairings SET started_at = ? WHERE county_id = ?"
                           " AND ended_at IS NULL AND started_at > ?",
                        &st);
    if (!rc) {
        db_bind_int(st, 1, from);
        db_bind_int(st, 2, county_id);
        db_bind_int(st, 3, from);
        rc = db_run(st);
        db_done(st);
    }
    if (!rc)
        rc = load_pairs(d, county_id, &in);
    if (!rc && !in.npairs) {
        log_error("history: the county has no pairings; run `lianxin assign` first");
        rc = LX_ENOTFOUND;
    }
    if (!rc)
        rc = load_members(d, county_id, &in);
    if (!rc)
        rc = load_groups(d, county_id, &in);
    if (rc)
        goto out;
    rc = db_prepare(d, "INSERT INTO contacts (county_id, node_id, path, member_id, kind,"
                       " happened_at, recorded_at, notes, talk_situation, leader_name,"
                       " attendance, minutes, updated_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?7) RETURNING id",
                    &w.contact);
    if (!rc)
        rc = db_prepare(d, "INSERT INTO contact_households (contact_id, county_id, household_id,"
                           " member_id, kind, happened_at, active, paired)"
                           " VALUES (?, ?, ?, ?, ?, ?, 1, 1)",
                        &w.household);
    if (!rc)
        rc = db_prepare(d, "INSERT INTO contact_attendees (contact_id, county_id, member_id)"
                           " VALUES (?, ?, ?)",
                        &w.attendee);
    if (!rc)
        rc = db_prepare(d, "INSERT INTO contact_requests (county_id, contact_id, path,"
                           " household_id, text, category, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        &w.request);
    if (rc)
        goto out;
    history_input hi = {in.pairs, in.npairs, in.members, in.nmembers, in.groups, in.ngroups,
                        from, to, utc_offset};
    rc = history_generate(&hi, seed, on_contact, &w);
    db_done(w.contact);
    db_done(w.household);
    db_done(w.attendee);
    db_done(w.request);
    w.contact = w.household = w.attendee = w.request = NULL;
    if (rc)
        goto out;
    rc = db_commit(d);
    in_txn = 0;
    if (!rc)
        rc = db_analyze(d);
    if (!rc && stats) {
        *stats = w.st;
        stats->pairs = (int64_t)in.npairs;
        stats->from = from;
        stats->to = to;
    }
out:
    db_exec(d, "PRAGMA cache_size=-8000");
    if (w.contact) {
        db_done(w.contact);
        db_done(w.household);
        db_done(w.attendee);
        db_done(w.request);
    }
    if (in_txn)
        db_rollback(d);
    free(in.pairs);
    free(in.members);
    free(in.groups);
    arena_free(in.a);
    return rc;
}
