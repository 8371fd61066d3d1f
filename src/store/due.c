/* due.c -- the rows the rules of contact read: a few range scans, then C over sorted arrays.
 *
 * Every query here is one index range per table (households by path, contact_households by
 * (county_id, household_id, happened_at) or joined from households, contacts by
 * (county_id, member_id, kind, happened_at), driven by members); none runs
 * per row. The evaluation itself is core/contact_rules.c. */
#include "store/due.h"
#include "core/policy.h"
#include "core/vocab.h"
#include "store/policies.h"
#include "store/query.h"
#include "util/arena.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing array of fixed-size elements. */
typedef struct vec {
    void *a;       /* elements */
    size_t n, cap; /* used, allocated */
    size_t size;   /* element size */
} vec;

static void *vec_push(vec *v)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->a = xrealloc(v->a, v->cap * v->size);
    }
    return (char *)v->a + v->size * v->n++;
}

void due_set_release(due_set *s)
{
    if (!s)
        return;
    free(s->o);
    free(s->members);
    free(s->visits);
    for (int i = 0; i < 6; i++)
        free(s->priv[i]);
    arena_free(s->arena);
    memset(s, 0, sizeof *s);
}

int due_utc_offset(db *d, int64_t county_id)
{
    /* (store_scalar gives 0 for no row, and a third parameter left unbound is NULL: the
     * query must always give one row, the default when the county has none.) */
    int64_t off = 28800;
    if (store_scalar(d, "SELECT coalesce((SELECT utc_offset FROM counties WHERE id = ?), 28800)"
                        " WHERE ? = 0", county_id, 0, NULL, &off))
        off = 28800;
    return (int)off;
}

/* The county's rules of contact, parsed. A rule that fails to parse (only possible if the
 * table was edited by hand) is skipped. Cached per county like the policies themselves: for
 * 30 seconds, and until this process changes a policy. */
#define RULE_CACHE_SLOTS 8
static pthread_mutex_t rule_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    int64_t county;               /* whose rules */
    uint64_t generation;          /* policy_generation() when read */
    int64_t at;                   /* when read */
    size_t n;                     /* how many */
    cr_rule rules[DUE_MAX_RULES]; /* the rules */
} rule_cache[RULE_CACHE_SLOTS];

static void load_rules(db *d, int64_t county, due_set *s)
{
    size_t n;
    const policy_def *t = policy_table(&n);
    char buf[1024];
    uint64_t gen = policy_generation();
    int64_t now = lx_now();
    pthread_mutex_lock(&rule_lock);
    for (int i = 0; i < RULE_CACHE_SLOTS; i++)
        if (rule_cache[i].county == county && rule_cache[i].generation == gen &&
            now - rule_cache[i].at < 30) {
            s->nrules = rule_cache[i].n;
            memcpy(s->rules, rule_cache[i].rules, s->nrules * sizeof *s->rules);
            pthread_mutex_unlock(&rule_lock);
            return;
        }
    pthread_mutex_unlock(&rule_lock);
    for (size_t i = 0; i < n && s->nrules < DUE_MAX_RULES; i++) {
        if (strncmp(t[i].key, POLICY_RULE_PREFIX, strlen(POLICY_RULE_PREFIX)))
            continue;
        policy_get_text(d, county, t[i].key, buf, sizeof buf);
        if (cr_rule_parse(t[i].key + strlen(POLICY_RULE_PREFIX), buf, &s->rules[s->nrules],
                          NULL) == LX_OK)
            s->nrules++;
    }
    pthread_mutex_lock(&rule_lock);
    int slot = (int)((uint64_t)county % RULE_CACHE_SLOTS);
    rule_cache[slot].county = county;
    rule_cache[slot].generation = gen;
    rule_cache[slot].at = now;
    rule_cache[slot].n = s->nrules;
    memcpy(rule_cache[slot].rules, s->rules, s->nrules * sizeof *s->rules);
    pthread_mutex_unlock(&rule_lock);
}

/* Bit mask of the household tags the household rules name (vocab order). */
static int64_t tag_mask(const due_set *s, int birthday_only)
{
    int64_t m = 0;
    for (size_t i = 0; i < s->nrules; i++) {
        if (s->rules[i].subject != CR_HOUSEHOLD ||
            (birthday_only && s->rules[i].period != CR_BIRTHDAY))
            continue;
        int k = vocab_find(&vocab_tag, s->rules[i].tag);
        if (k >= 0)
            m |= (int64_t)1 << k;
    }
    return m;
}

/* What one rule reads: contacts of `kinds` (with a household carrying `tag`, for a
 * household rule) that happened within [t0, t1] (cr_rule_reach, in unix seconds). */
typedef struct rule_read {
    cr_subject subject; /* the rule's */
    int64_t tag;        /* household rules: the tag's bit (vocab order); else 0 */
    uint32_t kinds;     /* the kinds it counts, the alternative's too */
    int64_t t0, t1;     /* the time it reads */
} rule_read;

/* The reads of s's rules for obligations due within [from_day, to_day] as of asof, into
 * rd[s->nrules]; *t0 and *t1 get the span of all of them (the days asked for if no rule). */
static void rule_reads(const due_set *s, int from_day, int to_day, int64_t asof, rule_read *rd,
                       int64_t *t0, int64_t *t1)
{
    *t0 = (int64_t)from_day * 86400 - s->utc_offset;
    *t1 = (int64_t)(to_day + 1) * 86400 - s->utc_offset - 1;
    for (size_t i = 0; i < s->nrules; i++) {
        const cr_rule *r = &s->rules[i];
        int f, l, k = r->subject == CR_HOUSEHOLD ? vocab_find(&vocab_tag, r->tag) : -1;
        cr_rule_reach(r, from_day, to_day, &f, &l);
        rd[i].subject = r->subject;
        rd[i].tag = k >= 0 && k < 63 ? (int64_t)1 << k : 0;
        rd[i].kinds = r->kinds | r->or_kinds;
        rd[i].t0 = (int64_t)f * 86400 - s->utc_offset;
        rd[i].t1 = (int64_t)(l + 1) * 86400 - s->utc_offset - 1;
        if (rd[i].t1 > asof)
            rd[i].t1 = asof;
        if (rd[i].t0 < *t0)
            *t0 = rd[i].t0;
        if (rd[i].t1 > *t1)
            *t1 = rd[i].t1;
    }
    if (*t1 > asof)
        *t1 = asof;
}

/* Which households: those under a path, or those paired with a member at some time
 * in [t0, t1]. Appends to q the condition on alias h. */
typedef struct hsel {
    int64_t county;     /* the county */
    const char *path;   /* node mode: the node's path */
    int64_t member;     /* member mode: the member */
    int64_t t0, t1;     /* member mode: the pairing overlaps this */
} hsel;

static void hfilter(qb *q, const hsel *h)
{
    qb_sql(q, " AND h.county_id = ?");
    qb_int(q, h->county);
    if (h->path) {
        qb_prefix(q, "h.path", h->path);
    } else {
        qb_sql(q, " AND h.id IN (SELECT household_id FROM pairings WHERE member_id = ?"
                  " AND started_at <= ? AND (ended_at IS NULL OR ended_at > ?))");
        qb_int(q, h->member);
        qb_int(q, h->t1);
        qb_int(q, h->t0);
    }
}

/* Run q and call row() for each result row. */
static lx_status each_row(db *d, qb *q, void (*row)(db_stmt *st, void *ctx), void *ctx)
{
    db_stmt *st = NULL;
    int more = 0;
    lx_status rc = qb_prepare(q, d, &st);
    while (!rc && !(rc = db_step(st, &more)) && more)
        row(st, ctx);
    db_done(st);
    qb_release(q);
    return rc;
}

/* ---- row readers ---- */

typedef struct hh_ctx {
    vec *v;     /* of cr_household */
    arena *a;   /* for tag strings */
} hh_ctx;

static void row_household(db_stmt *st, void *arg)
{
    hh_ctx *c = arg;
    cr_household *h = vec_push(c->v);
    int64_t tags = db_col_int(st, 1);
    char buf[512];
    size_t k = 0;
    memset(h, 0, sizeof *h);
    h->id = db_col_int(st, 0);
    buf[0] = '\0';
    for (size_t i = 0; i < vocab_tag.n && i < 63; i++)
        if (tags & ((int64_t)1 << i))
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s", k ? "," : "",
                                  vocab_tag.terms[i].code);
    h->tags = arena_strdup(c->a, buf);
}

static int cmp_household(const void *a, const void *b)
{
    int64_t x = ((const cr_household *)a)->id, y = ((const cr_household *)b)->id;
    return (x > y) - (x < y);
}

typedef struct birth_ctx {
    cr_household *h; /* sorted by id */
    size_t n;        /* how many */
} birth_ctx;

static void row_birth(db_stmt *st, void *arg)
{
    birth_ctx *c = arg;
    cr_household key = {.id = db_col_int(st, 0)};
    cr_household *h = bsearch(&key, c->h, c->n, sizeof *c->h, cmp_household);
    const char *bd = db_col_text(st, 1);
    int y, m, d;
    if (!h || !bd || h->nbirth >= CR_MAX_BIRTHDAYS || sscanf(bd, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return;
    h->birth_ymd[h->nbirth++] = y * 10000 + m * 100 + d;
}

static void row_pairing(db_stmt *st, void *arg)
{
    cr_pairing *p = vec_push(arg);
    const char *layer = db_col_text(st, 2);
    p->household_id = db_col_int(st, 0);
    p->member_id = db_col_int(st, 1);
    p->layer = layer && !strcmp(layer, "assistance") ? CR_ASSISTANCE : CR_LIAISON;
    p->started_at = db_col_int(st, 3);
    p->ended_at = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
}

/* The rules whose reads a query serves (bit i: rule i) and what they read. */
typedef struct reads {
    const rule_read *rd; /* every rule's read */
    size_t n;            /* how many rules */
    uint64_t use;        /* those this query reads for */
} reads;

/* Whether one of the rules in `use` counts a contact of kind `bit` at `at`, with a
 * household tagged `tags` for household rules. */
static int wanted(const reads *q, int64_t tags, uint32_t bit, int64_t at)
{
    for (size_t i = 0; i < q->n; i++) {
        const rule_read *r = &q->rd[i];
        if ((q->use >> i & 1) && (bit & r->kinds) && at >= r->t0 && at <= r->t1 &&
            (r->subject != CR_HOUSEHOLD || (tags & r->tag)))
            return 1;
    }
    return 0;
}

typedef struct visit_ctx {
    vec *v;     /* of cr_visit */
    reads q;    /* the household rules' reads */
} visit_ctx;

static void row_visit(db_stmt *st, void *arg)
{
    visit_ctx *c = arg;
    const char *kind = db_col_text(st, 3);
    uint32_t bit = kind ? cr_kind_bit(kind) : 0;
    int64_t at = db_col_int(st, 4);
    if (!bit || !wanted(&c->q, db_col_int(st, 5), bit, at))
        return;
    cr_visit *v = vec_push(c->v);
    v->contact_id = db_col_int(st, 0);
    v->household_id = db_col_int(st, 1);
    v->member_id = db_col_int(st, 2);
    v->kind = bit;
    v->at = at;
}

typedef struct mem_ctx {
    vec *v;   /* of cr_member */
    arena *a; /* rank strings */
} mem_ctx;

static void row_member(db_stmt *st, void *arg)
{
    mem_ctx *c = arg;
    cr_member *m = vec_push(c->v);
    m->id = db_col_int(st, 0);
    m->rank = arena_strdup(c->a, db_col_text(st, 1) ? db_col_text(st, 1) : "");
}

typedef struct contact_ctx {
    vec *v;     /* of cr_contact */
    reads q;    /* the member, leader or group rules' reads */
} contact_ctx;

static void row_contact(db_stmt *st, void *arg)
{
    contact_ctx *cc = arg;
    const char *kind = db_col_text(st, 3);
    uint32_t bit = kind ? cr_kind_bit(kind) : 0;
    int64_t at = db_col_int(st, 4);
    if (!bit || !wanted(&cc->q, 0, bit, at))
        return;
    cr_contact *c = vec_push(cc->v);
    c->id = db_col_int(st, 0);
    c->member_id = db_col_int(st, 1);
    c->node_id = db_col_int(st, 2);
    c->kind = bit;
    c->at = at;
}

static int cmp_contact_id(const void *a, const void *b)
{
    int64_t x = ((const cr_contact *)a)->id, y = ((const cr_contact *)b)->id;
    return (x > y) - (x < y);
}

/* "?, ?, ..." with the codes of the kinds in mask. */
static void kinds_in(qb *q, uint32_t mask)
{
    int first = 1;
    for (uint32_t b = 1; b && b <= mask; b <<= 1) {
        const char *code = (mask & b) ? cr_kind_code(b) : NULL;
        if (!code)
            continue;
        qb_sql(q, first ? "?" : ", ?");
        qb_text(q, code);
        first = 0;
    }
}

static void row_id(db_stmt *st, void *arg)
{
    *(int64_t *)vec_push(arg) = db_col_int(st, 0);
}

/* Whether comma-separated `list` holds `word`. */
static int list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; n && (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

/* ---- the loader ---- */

static lx_status load(db *d, const principal *p, const hsel *sel, int from_day, int to_day,
                      int64_t asof, due_set *s)
{
    vec hh = {.size = sizeof(cr_household)}, pr = {.size = sizeof(cr_pairing)},
        vi = {.size = sizeof(cr_visit)}, me = {.size = sizeof(cr_member)},
        co = {.size = sizeof(cr_contact)}, gr = {.size = sizeof(int64_t)};
    qb q;
    lx_status rc;
    /* Each rule reads only the days it can count (cr_rule_reach): a weekly rule from the
     * week holding from_day, a yearly one from 1 January; t0..t1 spans them all. */
    rule_read rd[DUE_MAX_RULES];
    int64_t t0, t1;
    uint64_t hrules = 0, mrules = 0, grules = 0;
    rule_reads(s, from_day, to_day, asof, rd, &t0, &t1);
    for (size_t i = 0; i < s->nrules; i++) {
        uint64_t bit = (uint64_t)1 << i;
        switch (rd[i].subject) {
        case CR_HOUSEHOLD: hrules |= rd[i].tag ? bit : 0; break;
        case CR_GROUP: grules |= bit; break;
        default: mrules |= bit; break;
        }
    }
    hsel hs = *sel;
    hs.t0 = t0;
    hs.t1 = t1;
    int64_t tags = tag_mask(s, 0), btags = tag_mask(s, 1);
    (void)p;

    /* Households carrying a tag some rule names. */
    hh_ctx hc = {&hh, s->arena};
    qb_init(&q);
    qb_sql(&q, "SELECT h.id, h.tags FROM households h WHERE h.active = 1 AND (h.tags & ?) <> 0");
    qb_int(&q, tags);
    hfilter(&q, &hs);
    rc = each_row(d, &q, row_household, &hc);
    if (rc)
        goto out;
    if (hh.n)
        qsort(hh.a, hh.n, hh.size, cmp_household);

    /* Birthdays of their residents, for the rules that follow birthdays. */
    if (btags && hh.n) {
        birth_ctx bc = {hh.a, hh.n};
        qb_init(&q);
        qb_sql(&q, "SELECT r.household_id, r.birth_date FROM households h JOIN residents r"
                   " ON r.household_id = h.id WHERE h.active = 1 AND (h.tags & ?) <> 0"
                   " AND r.active = 1 AND r.birth_date IS NOT NULL");
        qb_int(&q, btags);
        hfilter(&q, &hs);
        rc = each_row(d, &q, row_birth, &bc);
        if (rc)
            goto out;
    }

    /* Their pairings that overlap the time read. */
    qb_init(&q);
    qb_sql(&q, "SELECT p.household_id, p.member_id, p.layer, p.started_at, p.ended_at"
               " FROM households h JOIN pairings p ON p.household_id = h.id"
               " WHERE h.active = 1 AND (h.tags & ?) <> 0 AND p.started_at <= ?"
               " AND (p.ended_at IS NULL OR p.ended_at > ?)");
    qb_int(&q, tags);
    qb_int(&q, asof);
    qb_int(&q, t0);
    hfilter(&q, &hs);
    rc = each_row(d, &q, row_pairing, &pr);
    if (rc)
        goto out;

    /* Their contacts that some rule of theirs counts: each household's from the earliest
     * day a rule of its tags reads (one index range per household), then kind and time by
     * rule in C (a kind IN (...) here costs more per row than it saves). */
    if (hrules && hh.n) {
        visit_ctx vc = {&vi, {rd, s->nrules, hrules}};
        /* The earliest read of each tag; then the tags by that time, earliest first, so
         * that the first WHEN a household's tags meet gives its start. */
        int64_t from_tag[63], th1 = t0;
        for (int k = 0; k < 63; k++)
            from_tag[k] = INT64_MAX;
        for (size_t i = 0; i < s->nrules; i++)
            if (hrules >> i & 1) {
                int k = __builtin_ctzll((uint64_t)rd[i].tag);
                if (rd[i].t0 < from_tag[k])
                    from_tag[k] = rd[i].t0;
                if (rd[i].t1 > th1)
                    th1 = rd[i].t1;
            }
        qb_init(&q);
        qb_sql(&q, "SELECT ch.contact_id, ch.household_id, ch.member_id, ch.kind,"
                   " ch.happened_at, h.tags FROM households h JOIN contact_households ch"
                   " ON ch.county_id = h.county_id AND ch.household_id = h.id"
                   " WHERE h.active = 1 AND (h.tags & ?) <> 0 AND ch.active = 1"
                   " AND ch.happened_at <= ? AND ch.happened_at >= CASE");
        qb_int(&q, tags);
        qb_int(&q, th1);
        for (int64_t done = 0;;) {
            int64_t at = INT64_MAX, mask = 0;
            for (int k = 0; k < 63; k++)
                if (!(done >> k & 1) && from_tag[k] < at)
                    at = from_tag[k];
            if (at == INT64_MAX)
                break;
            for (int k = 0; k < 63; k++)
                if (from_tag[k] == at)
                    mask |= (int64_t)1 << k;
            done |= mask;
            qb_sql(&q, " WHEN h.tags & ? THEN ?");
            qb_int(&q, mask);
            qb_int(&q, at);
        }
        qb_sql(&q, " ELSE ? END");
        qb_int(&q, th1 + 1);
        hfilter(&q, &hs);
        rc = each_row(d, &q, row_visit, &vc);
        if (rc)
            goto out;
    }

    /* Members (and their contacts), and groups. */
    mem_ctx mc = {&me, s->arena};
    qb_init(&q);
    qb_sql(&q, "SELECT m.id, m.rank FROM members m WHERE m.active = 1 AND m.county_id = ?");
    qb_int(&q, p->county_id);
    if (sel->path) {
        qb_prefix(&q, "m.path", sel->path);
    } else {
        qb_sql(&q, " AND m.id = ?");
        qb_int(&q, sel->member);
    }
    rc = each_row(d, &q, row_member, &mc);
    if (rc)
        goto out;
    /* The members' own contacts of the kinds member and leader rules count, by the index
     * (county_id, member_id, kind, happened_at); and the meetings held at groups under
     * the place, by the same index. A contact found both ways is kept once. One member
     * who holds no rank a leader rule names is read for the member rules alone. */
    if (!sel->path) {
        const char *rank = me.n ? ((cr_member *)me.a)->rank : NULL;
        for (size_t i = 0; i < s->nrules; i++)
            if (s->rules[i].subject == CR_LEADER && !(rank && list_has(s->rules[i].ranks, rank)))
                mrules &= ~((uint64_t)1 << i);
        if (!me.n)
            mrules = 0;
    }
    uint32_t mk = 0, gk = 0;
    int64_t mt0 = t1, mt1 = t0, gt0 = t1, gt1 = t0;
    for (size_t i = 0; i < s->nrules; i++) {
        if (mrules >> i & 1) {
            mk |= rd[i].kinds;
            mt0 = rd[i].t0 < mt0 ? rd[i].t0 : mt0;
            mt1 = rd[i].t1 > mt1 ? rd[i].t1 : mt1;
        }
        if (grules >> i & 1) {
            gk |= rd[i].kinds;
            gt0 = rd[i].t0 < gt0 ? rd[i].t0 : gt0;
            gt1 = rd[i].t1 > gt1 ? rd[i].t1 : gt1;
        }
    }
    if (mk) {
        contact_ctx cc = {&co, {rd, s->nrules, mrules}};
        qb_init(&q);
        qb_sql(&q, "SELECT c.id, c.member_id, c.node_id, c.kind, c.happened_at FROM members m"
                   " JOIN contacts c ON c.county_id = m.county_id AND c.member_id = m.id"
                   " AND c.kind IN (");
        kinds_in(&q, mk);
        qb_sql(&q, ") AND c.happened_at >= ? AND c.happened_at <= ?"
                   " WHERE m.active = 1 AND c.active = 1 AND m.county_id = ?");
        qb_int(&q, mt0);
        qb_int(&q, mt1);
        qb_int(&q, p->county_id);
        if (sel->path) {
            qb_prefix(&q, "m.path", sel->path);
        } else {
            qb_sql(&q, " AND m.id = ?");
            qb_int(&q, sel->member);
        }
        rc = each_row(d, &q, row_contact, &cc);
        if (rc)
            goto out;
    }
    if (gk && sel->path) {
        contact_ctx cc = {&co, {rd, s->nrules, grules}};
        qb_init(&q);
        /* Driven by every member of the county, one probe each of (county_id, member_id,
         * kind, happened_at): meetings are few, and whoever led one (a township cadre
         * above the group, often) is found this way without reading household contacts. */
        qb_sql(&q, "SELECT c.id, c.member_id, c.node_id, c.kind, c.happened_at FROM members m"
                   " JOIN contacts c ON c.county_id = m.county_id AND c.member_id = m.id"
                   " AND c.kind IN (");
        kinds_in(&q, gk);
        qb_sql(&q, ") AND c.happened_at >= ? AND c.happened_at <= ?"
                   " WHERE m.county_id + 0 = ? AND c.active = 1"); /* members drive */
        qb_int(&q, gt0);
        qb_int(&q, gt1);
        qb_int(&q, p->county_id);
        char pcol[16];
        qb_prefix(&q, db_unindexed("c.path", pcol, sizeof pcol), sel->path); /* a filter */
        rc = each_row(d, &q, row_contact, &cc);
        if (rc)
            goto out;
    }
    if (co.n) {
        cr_contact *c = co.a;
        size_t k = 0;
        qsort(c, co.n, sizeof *c, cmp_contact_id);
        for (size_t i = 0; i < co.n; i++)
            if (!k || c[k - 1].id != c[i].id)
                c[k++] = c[i];
        co.n = k;
    }
    if (sel->path) {
        qb_init(&q);
        qb_sql(&q, "SELECT n.id FROM nodes n WHERE n.active = 1 AND n.kind IN ('group', 'grid')"
                   " AND n.county_id = ?");
        qb_int(&q, p->county_id);
        qb_prefix(&q, "n.path", sel->path);
        rc = each_row(d, &q, row_id, &gr);
        if (rc)
            goto out;
    }

    cr_input in = {s->rules, s->nrules, hh.a, hh.n, pr.a, pr.n, me.a, me.n, gr.a, gr.n,
                   co.a, co.n, vi.a, vi.n, s->utc_offset, from_day, to_day, asof};
    rc = cr_evaluate(&in, &s->o, &s->n);

out:
    s->members = me.a;
    s->nmembers = me.n;
    s->visits = vi.a;
    s->nvisits = vi.n;
    s->priv[0] = hh.a;
    s->priv[1] = pr.a;
    s->priv[2] = co.a;
    s->priv[3] = gr.a;
    return rc;
}

static void set_init(db *d, const principal *p, int64_t asof, due_set *s)
{
    memset(s, 0, sizeof *s);
    s->arena = arena_new();
    s->utc_offset = due_utc_offset(d, p->county_id);
    s->asof_day = cr_day(asof, s->utc_offset);
    load_rules(d, p->county_id, s);
}

lx_status due_for_member(db *d, const principal *p, int64_t member_id, int from_day,
                         int to_day, int64_t asof, due_set *out)
{
    scope sc = scope_for(p, RES_MEMBERS);
    int64_t found = 0;
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc;
    memset(out, 0, sizeof *out);
    qb_init(&q);
    qb_sql(&q, "SELECT m.id FROM members m WHERE m.id = ?");
    qb_int(&q, member_id);
    qb_scope(&q, &sc, RES_MEMBERS, "m");
    rc = qb_prepare(&q, d, &st);
    if (!rc && !(rc = db_step(st, &row)) && row)
        found = db_col_int(st, 0);
    db_done(st);
    qb_release(&q);
    if (rc)
        return rc;
    if (!found)
        return LX_ENOTFOUND;
    set_init(d, p, asof, out);
    hsel sel = {p->county_id, NULL, member_id, 0, 0};
    return load(d, p, &sel, from_day, to_day, asof, out);
}

lx_status due_for_node(db *d, const principal *p, int64_t node_id, int from_day, int to_day,
                       int64_t asof, due_set *out)
{
    scope sc = scope_for(p, RES_NODES);
    char *path = NULL;
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    lx_status rc;
    memset(out, 0, sizeof *out);
    qb_init(&q);
    qb_sql(&q, "SELECT n.path FROM nodes n WHERE n.id = ?");
    qb_int(&q, node_id);
    qb_scope(&q, &sc, RES_NODES, "n");
    rc = qb_prepare(&q, d, &st);
    if (!rc && !(rc = db_step(st, &row)) && row)
        path = xstrdup(db_col_text(st, 0));
    db_done(st);
    qb_release(&q);
    if (rc || !path) {
        free(path);
        return rc ? rc : LX_ENOTFOUND;
    }
    set_init(d, p, asof, out);
    hsel sel = {p->county_id, path, 0, 0, 0};
    rc = load(d, p, &sel, from_day, to_day, asof, out);
    free(path);
    return rc;
}

static void row_last(db_stmt *st, void *arg)
{
    due_visit *v = vec_push(arg);
    v->household_id = db_col_int(st, 0);
    v->last = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
}

/* Never visited first, then the longest ago, then by household. */
static int cmp_last(const void *a, const void *b)
{
    const due_visit *x = a, *y = b;
    if ((x->last != 0) != (y->last != 0))
        return x->last ? 1 : -1;
    if (x->last != y->last)
        return x->last < y->last ? -1 : 1;
    return (x->household_id > y->household_id) - (x->household_id < y->household_id);
}

lx_status due_last_visits(db *d, const principal *p, int64_t member_id, int64_t asof,
                          due_visit **out, size_t *n)
{
    vec v = {.size = sizeof(due_visit)};
    qb q;
    qb_init(&q);
    /* One index probe per household (at most the member's quota of them), read backwards
     * from asof until its latest visit; sorted here, so that the probe runs once. */
    qb_sql(&q, "SELECT p.household_id, (SELECT ch.happened_at FROM contact_households ch"
               " WHERE ch.county_id = ? AND ch.household_id = p.household_id"
               " AND ch.kind = 'visit' AND ch.active = 1 AND ch.happened_at <= ?"
               " ORDER BY ch.happened_at DESC LIMIT 1) AS last"
               " FROM pairings p WHERE p.member_id = ? AND p.ended_at IS NULL"
               " GROUP BY p.household_id");
    qb_int(&q, p->county_id);
    qb_int(&q, asof);
    qb_int(&q, member_id);
    lx_status rc = each_row(d, &q, row_last, &v);
    if (!rc && v.n)
        qsort(v.a, v.n, v.size, cmp_last);
    *out = v.a ? v.a : xmalloc(1);
    *n = rc ? 0 : v.n;
    return rc;
}

lx_status due_names(db *d, int64_t county_id, int is_node, const int64_t *ids, size_t n,
                    arena *a, const char **names)
{
    db_stmt *st = NULL;
    const char *sql = is_node ? "SELECT name FROM nodes WHERE id = ? AND county_id = ?"
                              : "SELECT name FROM members WHERE id = ? AND county_id = ?";
    lx_status rc = db_prepare(d, sql, &st);
    for (size_t i = 0; !rc && i < n; i++) {
        int row = 0;
        db_reset(st);
        db_bind_int(st, 1, ids[i]);
        db_bind_int(st, 2, county_id);
        rc = db_step(st, &row);
        names[i] = arena_strdup(a, !rc && row ? db_col_text(st, 0) : "");
    }
    db_done(st);
    return rc;
}

lx_status due_check(db *d, const principal *p, int is_node, int64_t id)
{
    scope sc = scope_for(p, is_node ? RES_NODES : RES_MEMBERS);
    qb q;
    db_stmt *st = NULL;
    int row = 0;
    qb_init(&q);
    qb_sql(&q, is_node ? "SELECT n.id FROM nodes n WHERE n.id = ?"
                       : "SELECT n.id FROM members n WHERE n.id = ?");
    qb_int(&q, id);
    qb_scope(&q, &sc, is_node ? RES_NODES : RES_MEMBERS, "n");
    lx_status rc = qb_prepare(&q, d, &st);
    if (!rc)
        rc = db_step(st, &row);
    db_done(st);
    qb_release(&q);
    return rc ? rc : row ? LX_OK : LX_ENOTFOUND;
}
