/* due.c -- due lists, members falling behind, and compliance, over store/due.c. */
#include "api/api.h"
#include "core/festival.h"
#include "io/xlsx_out.h"
#include "store/audit.h"
#include "store/due.h"
#include "store/store.h"
#include "util/fileio.h"
#include "util/jsonw.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_RANGE_DAYS 3 * 366 + 1

static const char *state_name(cr_state s)
{
    static const char *const n[] = {"open", "met", "late", "missed"};
    return n[s];
}

/* Local day `day` as "YYYY-MM-DD" into buf (11 bytes or more); returns buf. */
static const char *day_text(int day, char *buf, size_t len)
{
    int ymd = cr_ymd_of_day(day);
    snprintf(buf, len, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
    return buf;
}

static json_t *date_json(int day)
{
    char buf[16];
    return json_string(day_text(day, buf, sizeof buf));
}

/* ?date= (the day to look from; default today) into *asof (the end of that day, or now if
 * it is today) and the county's offset into *off. */
static lx_status query_asof(req *r, int off, int64_t *asof)
{
    const char *s = req_query(r, "date");
    int64_t now = lx_now();
    *asof = now;
    if (!s)
        return LX_OK;
    int ymd = lx_parse_date(s);
    if (ymd < 0)
        return req_fail(r, LX_EINVAL, "date", "give the date as YYYY-MM-DD");
    int64_t end = (int64_t)(cr_day_of_ymd(ymd) + 1) * 86400 - off - 1;
    if (end > now + 86400)
        return req_fail(r, LX_EINVAL, "date", "the date is in the future");
    if (end < now)
        *asof = end;
    return LX_OK;
}

/* "YYYY-MM-DD" of a local day, quoted. */
static void date_write(strbuf *sb, int day)
{
    int ymd = cr_ymd_of_day(day), y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    char b[12] = {'"', (char)('0' + y / 1000 % 10), (char)('0' + y / 100 % 10),
                  (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-', (char)('0' + m / 10),
                  (char)('0' + m % 10), '-', (char)('0' + d / 10), (char)('0' + d % 10), '"'};
    strbuf_add(sb, b, sizeof b);
}

/* ,"key":v */
static void int_field(strbuf *sb, const char *key, int64_t v)
{
    strbuf_adds(sb, key);
    jsonw_int(sb, v);
}

/* One line of a due list as JSON text; run > 0: a run of that many misses. */
static void obligation_write(strbuf *sb, const due_set *s, const cr_obligation *o, int run)
{
    strbuf_adds(sb, "{\"rule\":");
    jsonw_str(sb, s->rules[o->rule].key);
    strbuf_adds(sb, ",\"window_start\":");
    date_write(sb, o->start_day);
    strbuf_adds(sb, ",\"due\":");
    date_write(sb, o->due_day);
    strbuf_adds(sb, ",\"state\":\"");
    strbuf_adds(sb, state_name(o->state));
    int_field(sb, "\",\"made\":", o->made);
    int_field(sb, ",\"need\":", o->need);
    int_field(sb, ",\"days_overdue\":", o->days_overdue);
    if (o->household_id)
        int_field(sb, ",\"household_id\":", o->household_id);
    if (o->node_id)
        int_field(sb, ",\"node_id\":", o->node_id);
    if (o->festival >= 0) {
        strbuf_adds(sb, ",\"festival\":");
        jsonw_str(sb, festival_code((festival)o->festival));
    }
    if (o->done_by)
        int_field(sb, ",\"contact_id\":", o->done_by);
    if (o->state == CR_MISSED)
        int_field(sb, ",\"missed\":", run);
    strbuf_addch(sb, '}');
}

/* One line of a due list: an obligation and, for a miss, how many in a row. */
typedef struct pick_t {
    const cr_obligation *o; /* the open obligation, or the oldest miss of a run */
    int run;                /* misses in that run */
} pick_t;

/* Most urgent first: the longest overdue, then the soonest due (then by household and
 * rule, so that the order does not depend on the sort's). */
static int cmp_urgent(const void *a, const void *b)
{
    const cr_obligation *x = ((const pick_t *)a)->o, *y = ((const pick_t *)b)->o;
    if (x->days_overdue != y->days_overdue)
        return y->days_overdue - x->days_overdue;
    if (x->due_day != y->due_day)
        return x->due_day - y->due_day;
    if (x->household_id != y->household_id)
        return x->household_id < y->household_id ? -1 : 1;
    return x->rule - y->rule;
}

static int cmp_subject(const void *a, const void *b)
{
    const cr_obligation *x = *(const cr_obligation *const *)a, *y = *(const cr_obligation *const *)b;
    if (x->rule != y->rule)
        return x->rule - y->rule;
    if (x->household_id != y->household_id)
        return x->household_id < y->household_id ? -1 : 1;
    return x->due_day - y->due_day;
}

/* The member's obligations in mine, in (rule, household, due date) order; returns how
 * many. By rule with a counting sort; within a rule the engine gives them by household and
 * date already (households in id order, windows in time order), except for the birthdays
 * of several residents: a rule found out of order is sorted. */
static size_t by_subject(const due_set *s, int64_t member, const cr_obligation **mine)
{
    size_t at[DUE_MAX_RULES + 1] = {0}, n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->o[i].member_id == member) {
            at[s->o[i].rule + 1]++;
            n++;
        }
    for (size_t r = 1; r <= DUE_MAX_RULES; r++)
        at[r] += at[r - 1];
    size_t next[DUE_MAX_RULES];
    memcpy(next, at, sizeof next);
    for (size_t i = 0; i < s->n; i++)
        if (s->o[i].member_id == member)
            mine[next[s->o[i].rule]++] = &s->o[i];
    for (size_t r = 0; r < DUE_MAX_RULES; r++)
        for (size_t i = at[r] + 1; i < at[r + 1]; i++)
            if (cmp_subject(&mine[i - 1], &mine[i]) > 0) {
                qsort(mine + at[r], at[r + 1] - at[r], sizeof *mine, cmp_subject);
                break;
            }
    return n;
}

/* The due list of a member, as of asof; the reads in one snapshot (the caller's). */
static lx_status member_due(req *r, db *d, int64_t member, int off, int64_t asof)
{
    due_set s;
    int today = cr_day(asof, off), wk0, wk1;
    cr_period_span(CR_WEEK, 1, today, &wk0, &wk1);
    /* A year back for what is overdue; up to this Sunday for what is due. */
    lx_status rc = due_for_member(d, &r->who, member, today - 366, wk1, asof, &s);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such member in your scope");
    if (rc) {
        due_set_release(&s);
        return rc;
    }
    /* Of each rule and household, only the run of misses since it was last done: the
     * oldest miss says how overdue it is, `missed` how many. One pass over the member's
     * obligations sorted by (rule, household, due date). */
    const cr_obligation **mine = xcalloc(s.n + 1, sizeof *mine);
    pick_t *pick = xcalloc(s.n + 1, sizeof *pick);
    size_t nm = by_subject(&s, member, mine), np = 0;
    for (size_t i = 0; i < nm;) {
        size_t j = i;
        const cr_obligation *run = NULL;
        int nrun = 0;
        for (; j < nm && mine[j]->rule == mine[i]->rule &&
               mine[j]->household_id == mine[i]->household_id;
             j++) {
            const cr_obligation *o = mine[j];
            if (o->state == CR_MET || o->state == CR_LATE) {
                run = NULL; /* done since: the earlier misses are behind it */
                nrun = 0;
            } else if (o->state == CR_MISSED) {
                if (!run)
                    run = o;
                nrun++;
            } else if (o->due_day <= wk1) {
                pick[np++] = (pick_t){o, 0}; /* open, due by Sunday */
            }
        }
        if (run)
            pick[np++] = (pick_t){run, nrun};
        i = j;
    }
    free(mine);
    qsort(pick, np, sizeof *pick, cmp_urgent);

    due_visit *lv = NULL;
    size_t nlv = 0;
    rc = due_last_visits(d, &r->who, member, asof, &lv, &nlv);
    if (rc) {
        free(pick);
        due_set_release(&s);
        return rc;
    }
    /* Written as text: a due list is asked for often, and small. */
    strbuf sb = STRBUF_INIT;
    int_field(&sb, "{\"member_id\":", member);
    strbuf_adds(&sb, ",\"today\":");
    date_write(&sb, today);
    strbuf_adds(&sb, ",\"week_start\":");
    date_write(&sb, wk0);
    strbuf_adds(&sb, ",\"week_end\":");
    date_write(&sb, wk1);
    strbuf_adds(&sb, ",\"items\":[");
    for (size_t i = 0; i < np; i++) {
        if (i)
            strbuf_addch(&sb, ',');
        obligation_write(&sb, &s, pick[i].o, pick[i].run);
    }
    free(pick);
    due_set_release(&s);
    strbuf_adds(&sb, "],\"households\":[");
    for (size_t i = 0; i < nlv; i++) {
        strbuf_adds(&sb, i ? ",{" : "{");
        int_field(&sb, "\"household_id\":", lv[i].household_id);
        if (lv[i].last) {
            char iso[32];
            lx_iso8601(lv[i].last, iso, sizeof iso);
            strbuf_adds(&sb, ",\"last_visit\":");
            jsonw_str(&sb, iso);
            int_field(&sb, ",\"days_since_visit\":", today - cr_day(lv[i].last, off));
        } else {
            strbuf_adds(&sb, ",\"last_visit\":null,\"days_since_visit\":null");
        }
        strbuf_addch(&sb, '}');
    }
    free(lv);
    strbuf_adds(&sb, "]}");
    req_reply_text(r, 200, &sb);
    return LX_OK;
}

lx_status api_member_due(req *r)
{
    static const char *const known[] = {"date", NULL};
    int64_t member = req_id(r, 0), asof;
    db *d = store_db();
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    if (!member)
        return req_fail(r, LX_ENOTFOUND, "id", "no such member in your scope");
    /* One snapshot for every read (and one read transaction instead of one per query). */
    if ((rc = db_begin_read(d)))
        return rc;
    int off = due_utc_offset(d, r->who.county_id);
    if (!(rc = query_asof(r, off, &asof)))
        rc = member_due(r, d, member, off, asof);
    db_rollback(d);
    return rc;
}

/* Figures of one member, rule or node. */
typedef struct tally {
    int64_t id;     /* member id, rule index or 0 */
    int due;        /* past due or done: on_time + late + missed */
    int on_time;    /* done within the window */
    int late;       /* done after the due date */
    int missed;     /* past due, not done */
    int open;       /* not yet due, not yet done */
} tally;

static void tally_add(tally *t, const cr_obligation *o)
{
    switch (o->state) {
    case CR_MET: t->on_time++, t->due++; break;
    case CR_LATE: t->late++, t->due++; break;
    case CR_MISSED: t->missed++, t->due++; break;
    default: t->open++; break;
    }
}

static json_t *tally_json(const tally *t)
{
    return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "due", t->due, "made", t->on_time + t->late,
                     "on_time", t->on_time, "late", t->late, "missed", t->missed, "open",
                     t->open);
}

static int cmp_tally(const void *a, const void *b)
{
    int64_t x = ((const tally *)a)->id, y = ((const tally *)b)->id;
    return (x > y) - (x < y);
}

/* One empty tally per member looked at or owing anything (a cadre from elsewhere who
 * assists a household of the place owes it too), sorted by id; *n gets how many. */
static tally *member_tallies(const due_set *s, size_t *n)
{
    tally *t = xcalloc(s->nmembers + s->n + 1, sizeof *t);
    size_t k = 0, u = 0;
    for (size_t i = 0; i < s->nmembers; i++)
        t[k++].id = s->members[i].id;
    for (size_t i = 0; i < s->n; i++)
        if (s->o[i].member_id)
            t[k++].id = s->o[i].member_id;
    qsort(t, k, sizeof *t, cmp_tally);
    for (size_t i = 0; i < k; i++)
        if (!u || t[u - 1].id != t[i].id)
            t[u++] = t[i];
    *n = u;
    return t;
}

/* ?from= and ?to= (inclusive local dates). */
static lx_status query_range(req *r, int *from, int *to)
{
    const char *f = req_query(r, "from"), *t = req_query(r, "to");
    int fy = f ? lx_parse_date(f) : -1, ty = t ? lx_parse_date(t) : -1;
    if (fy < 0)
        return req_fail(r, LX_EINVAL, "from", "give from as YYYY-MM-DD");
    if (ty < 0)
        return req_fail(r, LX_EINVAL, "to", "give to as YYYY-MM-DD");
    *from = cr_day_of_ymd(fy);
    *to = cr_day_of_ymd(ty);
    if (*to < *from)
        return req_fail(r, LX_EINVAL, "to", "to is before from");
    if (*to - *from > MAX_RANGE_DAYS)
        return req_fail(r, LX_EINVAL, "to", "a report covers at most three years");
    return LX_OK;
}

/* A compliance answer, computed once for the JSON and the XLSX. */
typedef struct compliance {
    int64_t id;         /* the member or place */
    int with_members;   /* the members' tallies are wanted (?members, default 1) */
    int from, to;       /* local days, inclusive */
    tally total, groups; /* everything; the groups' courtyard meetings */
    tally *rules;       /* per rule of s (owned) */
    tally *members;     /* per member, by id (owned) */
    size_t nmem;        /* how many */
    due_set s;          /* the evaluation (owned) */
} compliance;

static void compliance_release(compliance *c)
{
    free(c->rules);
    free(c->members);
    due_set_release(&c->s);
}

/* Read the query (parameters `known`), check the scope and evaluate. On an error the
 * reply is set and *c holds nothing to release. */
static lx_status compliance_load(req *r, int is_node, const char *const *known, compliance *c)
{
    int64_t asof;
    db *d = store_db();
    memset(c, 0, sizeof *c);
    c->id = req_id(r, 0);
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    /* ?members=0: the totals and rules only (a dashboard's tiles; a county has thousands) */
    const char *mq = req_query(r, "members");
    if (mq && strcmp(mq, "0") && strcmp(mq, "1"))
        return req_fail(r, LX_EINVAL, "members", "members is 0 or 1");
    c->with_members = !mq || !strcmp(mq, "1");
    /* What does not exist (in the caller's scope) is not found, whatever the query says. */
    if (!c->id || due_check(d, &r->who, is_node, c->id) == LX_ENOTFOUND)
        return req_fail(r, LX_ENOTFOUND, "id", is_node ? "no such place in your scope"
                                                       : "no such member in your scope");
    if ((rc = query_range(r, &c->from, &c->to)))
        return rc;
    int off = due_utc_offset(d, r->who.county_id);
    if ((rc = query_asof(r, off, &asof)))
        return rc;
    rc = is_node ? due_for_node(d, &r->who, c->id, c->from, c->to, asof, &c->s)
                 : due_for_member(d, &r->who, c->id, c->from, c->to, asof, &c->s);
    if (rc) {
        due_set_release(&c->s);
        return rc == LX_ENOTFOUND ? req_fail(r, rc, "id", is_node ? "no such place in your scope"
                                                                  : "no such member in your scope")
                                  : rc;
    }
    c->rules = xcalloc(c->s.nrules + 1, sizeof *c->rules);
    c->members = member_tallies(&c->s, &c->nmem);
    for (size_t i = 0; i < c->s.n; i++) {
        const cr_obligation *o = &c->s.o[i];
        if (!is_node && o->member_id != c->id)
            continue;
        tally_add(&c->total, o);
        tally_add(&c->rules[o->rule], o);
        if (!o->member_id) {
            tally_add(&c->groups, o);
            continue;
        }
        tally key = {.id = o->member_id};
        tally *m = bsearch(&key, c->members, c->nmem, sizeof *c->members, cmp_tally);
        if (m)
            tally_add(m, o);
    }
    return LX_OK;
}

/* Compliance of a member (node == 0) or of a node, over ?from..?to. */
static lx_status compliance_generic(req *r, int is_node)
{
    static const char *const known[] = {"from", "to", "date", "members", NULL};
    compliance c;
    lx_status rc = compliance_load(r, is_node, known, &c);
    if (rc)
        return rc;
    json_t *jr = json_array(), *jm = json_array();
    for (size_t i = 0; i < c.s.nrules; i++) {
        json_t *j = tally_json(&c.rules[i]);
        json_object_set_new(j, "rule", json_string(c.s.rules[i].key));
        json_array_append_new(jr, j);
    }
    for (size_t i = 0; c.with_members && i < c.nmem; i++) {
        if (!is_node && c.members[i].id != c.id)
            continue;
        json_t *j = tally_json(&c.members[i]);
        json_object_set_new(j, "member_id", json_integer(c.members[i].id));
        json_array_append_new(jm, j);
    }
    json_t *body = json_pack("{s:o,s:o,s:o,s:o,s:o}", "from", date_json(c.from), "to",
                             date_json(c.to), "total", tally_json(&c.total), "rules", jr,
                             "members", jm);
    json_object_set_new(body, is_node ? "node_id" : "member_id", json_integer(c.id));
    if (is_node)
        json_object_set_new(body, "groups", tally_json(&c.groups));
    compliance_release(&c);
    req_reply(r, 200, body);
    return LX_OK;
}

/* One row of the compliance sheet: what it is, its id and name, then the figures and the
 * share of what fell due that was made ("" when nothing fell due). */
static void sheet_row(xlsx_out *x, arena *a, const char *what, const char *id, const char *name,
                      const tally *t)
{
    int made = t->on_time + t->late;
    const char *cells[] = {
        what, id, name, arena_printf(a, "%d", t->due), arena_printf(a, "%d", made),
        arena_printf(a, "%d", t->on_time), arena_printf(a, "%d", t->late),
        arena_printf(a, "%d", t->missed), arena_printf(a, "%d", t->open),
        t->due ? arena_printf(a, "%.1f%%", 100.0 * made / t->due) : ""};
    xlsx_out_row(x, cells, sizeof cells / sizeof *cells);
}

static lx_status write_compliance(const compliance *c, const char *path, db *d, int64_t county,
                                  arena *a)
{
    static const char *const head[] = {"类别", "编号", "名称", "应完成", "已完成",
                                       "按时", "逾期完成", "未完成", "未到期", "完成率"};
    const char *place = "", **names = arena_alloc(a, sizeof *names * (c->nmem + 1));
    int64_t *ids = arena_alloc(a, sizeof *ids * (c->nmem + 1));
    for (size_t i = 0; i < c->nmem; i++)
        ids[i] = c->members[i].id;
    lx_status rc = due_names(d, county, 1, &c->id, 1, a, &place);
    if (!rc)
        rc = due_names(d, county, 0, ids, c->nmem, a, names);
    if (rc)
        return rc;
    xlsx_out *x = xlsx_out_open(path, "联系考核");
    if (!x)
        return LX_EIO;
    char from[16], to[16];
    const char *period = arena_printf(a, "%s 至 %s", day_text(c->from, from, sizeof from),
                                      day_text(c->to, to, sizeof to));
    const char *title[] = {"期间", period};
    xlsx_out_header(x, title, 2);
    xlsx_out_header(x, head, sizeof head / sizeof *head);
    sheet_row(x, a, "合计", arena_printf(a, "%lld", (long long)c->id), place, &c->total);
    for (size_t i = 0; i < c->s.nrules; i++)
        sheet_row(x, a, "规则", c->s.rules[i].key, "", &c->rules[i]);
    sheet_row(x, a, "院坝会", "", "", &c->groups);
    for (size_t i = 0; i < c->nmem; i++)
        sheet_row(x, a, "党员", arena_printf(a, "%lld", (long long)ids[i]), names[i],
                  &c->members[i]);
    return xlsx_out_close(x);
}

/* The compliance of a place as a sheet: the totals, each rule, the groups' meetings and
 * each member, with the place's name and the members' names. */
lx_status api_node_compliance_export(req *r)
{
    static const char *const known[] = {"from", "to", "date", NULL};
    compliance c;
    char path[256] = "";
    int have_file = 0;
    lx_status rc = compliance_load(r, 1, known, &c);
    if (rc)
        return rc;
    rc = file_temp(path, sizeof path, "lianxin-compliance");
    if (!rc) {
        have_file = 1;
        rc = write_compliance(&c, path, store_db(), r->who.county_id, r->a);
    }
    if (!rc) {
        /* The export is audited before the file leaves. */
        audit_rec ar = {&r->who, r->addr, "compliance.export",
                        arena_printf(r->a, "nodes/%lld", (long long)c.id), "ok",
                        arena_printf(r->a, "{\"members\":%zu}", c.nmem)};
        rc = audit_log(&ar);
    }
    if (!rc)
        rc = req_reply_xlsx(r, path, (size_t)1 << 26,
                            arena_printf(r->a, "compliance-%lld.xlsx", (long long)c.id));
    else if (have_file)
        unlink(path);
    compliance_release(&c);
    return rc;
}

lx_status api_member_compliance(req *r)
{
    return compliance_generic(r, 0);
}

lx_status api_node_compliance(req *r)
{
    return compliance_generic(r, 1);
}

lx_status api_node_behind(req *r)
{
    static const char *const known[] = {"date", NULL};
    int64_t node = req_id(r, 0), asof;
    due_set s;
    db *d = store_db();
    lx_status rc = req_query_only(r, known);
    if (rc)
        return rc;
    if (!node)
        return req_fail(r, LX_ENOTFOUND, "id", "no such place in your scope");
    int off = due_utc_offset(d, r->who.county_id);
    if ((rc = query_asof(r, off, &asof)))
        return rc;
    int today = cr_day(asof, off), m0, m1;
    cr_period_span(CR_MONTH, 1, today, &m0, &m1);
    rc = due_for_node(d, &r->who, node, m0, m1, asof, &s);
    if (rc == LX_ENOTFOUND)
        return req_fail(r, rc, "id", "no such place in your scope");
    if (rc) {
        due_set_release(&s);
        return rc;
    }
    /* Behind: something already missed this month, or less done than the part of the month
     * gone would have it (so that a supervisor sees it before the month ends). */
    size_t nmem;
    tally *members = member_tallies(&s, &nmem);
    for (size_t i = 0; i < s.n; i++) {
        tally key = {.id = s.o[i].member_id};
        tally *m = key.id ? bsearch(&key, members, nmem, sizeof *members, cmp_tally) : NULL;
        if (m)
            tally_add(m, &s.o[i]);
    }
    int elapsed = today - m0 + 1, len = m1 - m0 + 1;
    json_t *arr = json_array();
    for (size_t i = 0; i < nmem; i++) {
        const tally *t = &members[i];
        int total = t->due + t->open, done = t->on_time + t->late;
        int expected = total * elapsed / len;
        if (!t->missed && done >= expected)
            continue;
        json_t *j = tally_json(t);
        json_object_set_new(j, "member_id", json_integer(t->id));
        json_object_set_new(j, "expected_by_now", json_integer(expected));
        json_array_append_new(arr, j);
    }
    free(members);
    req_reply(r, 200, json_pack("{s:I,s:o,s:o,s:o,s:o}", "node_id", (json_int_t)node,
                                "month_start", date_json(m0), "month_end", date_json(m1),
                                "today", date_json(today), "members", arr));
    due_set_release(&s);
    return LX_OK;
}
