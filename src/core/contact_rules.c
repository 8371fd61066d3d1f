/* contact_rules.c -- obligations from rules, pairings and contacts; see contact_rules.h. */
#include "core/contact_rules.h"
#include "core/festival.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_codes[] = {"visit",     "call",      "talk",     "courtyard",
                                         "reception", "online",    "symposium", "tea_party",
                                         "dialogue",  "survey"};
#define NKINDS (sizeof kind_codes / sizeof kind_codes[0])

uint32_t cr_kind_bit(const char *code)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (!strcmp(kind_codes[i], code))
            return 1u << i;
    return 0;
}

const char *cr_kind_code(uint32_t bit)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (bit == 1u << i)
            return kind_codes[i];
    return NULL;
}

/* ---- the calendar (days since 1970-01-01: lx_days_from_civil) ---- */

static int floordiv(int64_t a, int64_t b)
{
    return (int)(a / b - (a % b != 0 && (a < 0) != (b < 0)));
}

int cr_day(int64_t t, int utc_offset)
{
    return floordiv(t + utc_offset, 86400);
}

int cr_day_of_ymd(int ymd)
{
    return (int)lx_days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

int cr_ymd_of_day(int day)
{
    int y, m, d;
    lx_civil_from_days(day, &y, &m, &d);
    return y * 10000 + m * 100 + d;
}

int cr_weekday(int day)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    return (int)(((int64_t)day % 7 + 7 + 3) % 7);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* First day of month index mi (= year * 12 + month - 1). */
static int month_first(int mi)
{
    return (int)lx_days_from_civil(floordiv(mi, 12), mi - floordiv(mi, 12) * 12 + 1, 1);
}

void cr_period_span(cr_period p, int every, int day, int *first, int *last)
{
    int y, m, d;
    if (every < 1)
        every = 1;
    if (p == CR_WEEK) {
        /* 1970-01-05 (day 4) was a Monday; blocks of `every` weeks from it. */
        int w = floordiv(day - 4, 7), b = floordiv(w, every) * every;
        *first = 4 + b * 7;
        *last = *first + every * 7 - 1;
        return;
    }
    lx_civil_from_days(day, &y, &m, &d);
    switch (p) {
    case CR_MONTH: {
        int mi = y * 12 + m - 1, b = floordiv(mi, every) * every;
        *first = month_first(b);
        *last = month_first(b + every) - 1;
        return;
    }
    case CR_TERM: {
        /* Terms of six months from March (index 0 = March-August of year 0). */
        int mi = y * 12 + m - 1 - 2, t = floordiv(mi, 6), b = floordiv(t, every) * every;
        *first = month_first(b * 6 + 2);
        *last = month_first((b + every) * 6 + 2) - 1;
        return;
    }
    case CR_YEAR: {
        int b = floordiv(y, every) * every;
        *first = (int)lx_days_from_civil(b, 1, 1);
        *last = (int)lx_days_from_civil(b + every, 1, 1) - 1;
        return;
    }
    default:
        *first = *last = day;
        return;
    }
}

/* ---- parsing a rule ---- */

static lx_status parse_kinds(const char *v, uint32_t *out)
{
    char buf[256];
    uint32_t k = 0;
    if (lx_strlcpy(buf, v, sizeof buf) >= sizeof buf)
        return LX_EINVAL;
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        uint32_t b = !strcmp(w, "in_person") ? CK_IN_PERSON : cr_kind_bit(w);
        if (!b)
            return LX_EINVAL;
        k |= b;
    }
    *out = k;
    return k ? LX_OK : LX_EINVAL;
}

static int parse_period(const char *v, cr_period *p)
{
    static const char *const names[] = {"week", "month", "term", "year", "festival", "birthday"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(v, names[i])) {
            *p = (cr_period)i;
            return 0;
        }
    return -1;
}

/* A whole number in [min, max], or fail. */
static int parse_int(const char *v, int min, int max, int *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < min || x > max)
        return -1;
    *out = (int)x;
    return 0;
}

lx_status cr_rule_parse(const char *key, const char *text, cr_rule *out, lx_error *e)
{
    char buf[512];
    int have_subject = 0, have_kinds = 0, have_period = 0;
    memset(out, 0, sizeof *out);
    out->every = out->count = 1;
    if (lx_strlcpy(out->key, key, sizeof out->key) >= sizeof out->key)
        return lx_fail(e, LX_EINVAL, "key", "a rule's name is at most %zu bytes",
                       sizeof out->key - 1);
    if (lx_strlcpy(buf, text, sizeof buf) >= sizeof buf)
        return lx_fail(e, LX_EINVAL, "value", "a rule is at most %zu bytes", sizeof buf - 1);
    for (char *save = NULL, *w = strtok_r(buf, " \t\n;", &save); w;
         w = strtok_r(NULL, " \t\n;", &save)) {
        char *v = strchr(w, '=');
        if (!v || v == w || !v[1])
            return lx_fail(e, LX_EINVAL, "value", "'%.40s' is not name=value", w);
        *v++ = '\0';
        if (!strcmp(w, "subject")) {
            static const char *const s[] = {"household", "member", "leader", "group"};
            int i = 0;
            while (i < 4 && strcmp(v, s[i]))
                i++;
            if (i == 4)
                return lx_fail(e, LX_EINVAL, "value",
                               "subject is household, member, leader or group");
            out->subject = (cr_subject)i;
            have_subject = 1;
        } else if (!strcmp(w, "tag")) {
            if (lx_strlcpy(out->tag, v, sizeof out->tag) >= sizeof out->tag)
                return lx_fail(e, LX_EINVAL, "value", "tag is too long");
        } else if (!strcmp(w, "ranks")) {
            if (lx_strlcpy(out->ranks, v, sizeof out->ranks) >= sizeof out->ranks)
                return lx_fail(e, LX_EINVAL, "value", "ranks is too long");
        } else if (!strcmp(w, "layer")) {
            if (!strcmp(v, "liaison"))
                out->layer = CR_LIAISON;
            else if (!strcmp(v, "assistance"))
                out->layer = CR_ASSISTANCE;
            else
                return lx_fail(e, LX_EINVAL, "value", "layer is liaison or assistance");
        } else if (!strcmp(w, "kinds")) {
            if (parse_kinds(v, &out->kinds))
                return lx_fail(e, LX_EINVAL, "value", "kinds: unknown contact kind in '%.60s'",
                               v);
            have_kinds = 1;
        } else if (!strcmp(w, "period")) {
            if (parse_period(v, &out->period))
                return lx_fail(e, LX_EINVAL, "value",
                               "period is week, month, term, year, festival or birthday");
            have_period = 1;
        } else if (!strcmp(w, "every")) {
            if (parse_int(v, 1, 100, &out->every))
                return lx_fail(e, LX_EINVAL, "value", "every must be a whole number 1 to 100");
        } else if (!strcmp(w, "count")) {
            if (parse_int(v, 1, 1000, &out->count))
                return lx_fail(e, LX_EINVAL, "value", "count must be a whole number 1 to 1000");
        } else if (!strcmp(w, "before")) {
            if (parse_int(v, 0, 60, &out->before))
                return lx_fail(e, LX_EINVAL, "value", "before must be 0 to 60 days");
        } else if (!strcmp(w, "after")) {
            if (parse_int(v, 0, 60, &out->after))
                return lx_fail(e, LX_EINVAL, "value", "after must be 0 to 60 days");
        } else if (!strcmp(w, "weekend")) {
            if (parse_int(v, 0, 1, &out->weekend))
                return lx_fail(e, LX_EINVAL, "value", "weekend is 0 or 1");
        } else if (!strcmp(w, "or")) {
            char *slash = strchr(v, '/');
            if (!slash)
                return lx_fail(e, LX_EINVAL, "value", "or is <kinds>/<period>");
            *slash++ = '\0';
            if (parse_kinds(v, &out->or_kinds) || parse_period(slash, &out->or_period) ||
                out->or_period > CR_YEAR)
                return lx_fail(e, LX_EINVAL, "value",
                               "or is <kinds>/<week|month|term|year>, with known kinds");
        } else {
            return lx_fail(e, LX_EINVAL, "value", "unknown word '%.40s' in the rule", w);
        }
    }
    if (!have_subject || !have_kinds || !have_period)
        return lx_fail(e, LX_EINVAL, "value", "a rule names its subject, kinds and period");
    if (out->subject == CR_HOUSEHOLD && !out->tag[0])
        return lx_fail(e, LX_EINVAL, "value", "a household rule names the tag it applies to");
    if (out->subject == CR_LEADER && !out->ranks[0])
        return lx_fail(e, LX_EINVAL, "value", "a leader rule names the ranks it applies to");
    if (out->period == CR_BIRTHDAY && out->subject != CR_HOUSEHOLD)
        return lx_fail(e, LX_EINVAL, "value", "only a household rule can follow birthdays");
    return LX_OK;
}

/* ---- evaluation ---- */

/* Whether comma-separated `list` holds `word`. */
static int list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    if (!list || !n)
        return 0;
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

static int cmp_visit(const void *a, const void *b)
{
    const cr_visit *x = a, *y = b;
    if (x->household_id != y->household_id)
        return x->household_id < y->household_id ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

static int cmp_contact_member(const void *a, const void *b)
{
    const cr_contact *x = *(const cr_contact *const *)a, *y = *(const cr_contact *const *)b;
    if (x->member_id != y->member_id)
        return x->member_id < y->member_id ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

static int cmp_contact_node(const void *a, const void *b)
{
    const cr_contact *x = *(const cr_contact *const *)a, *y = *(const cr_contact *const *)b;
    if (x->node_id != y->node_id)
        return x->node_id < y->node_id ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* One contact as the matcher sees it. */
typedef struct cand {
    int64_t id;     /* contact id */
    int64_t member; /* who made it */
    uint32_t kind;  /* CK_* */
    int day;        /* local day */
} cand;

/* The contacts of one subject (a household, member or group), in time order. */
typedef struct subj {
    cand *c;  /* array */
    size_t n; /* its length */
} subj;

/* Index of the first candidate on or after `day`. */
static size_t first_on_or_after(const subj *s, int day)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->c[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Count contacts in [d0, d1] that fit (kinds, member if nonzero, weekend); *last gets the
 * id of the `need`-th such contact once reached (else untouched). */
static int count_in(const subj *s, int d0, int d1, uint32_t kinds, int64_t member, int weekend,
                    int need, int64_t *last)
{
    int k = 0;
    for (size_t i = first_on_or_after(s, d0); i < s->n && s->c[i].day <= d1; i++) {
        const cand *c = &s->c[i];
        if (!(c->kind & kinds) || (member && c->member != member))
            continue;
        if (weekend && cr_weekday(c->day) < 5)
            continue;
        if (++k == need && last)
            *last = c->id;
    }
    return k;
}

typedef struct obuf {
    cr_obligation *a; /* growing array */
    size_t n, cap;    /* used, allocated */
} obuf;

static cr_obligation *obuf_push(obuf *b)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->a = xrealloc(b->a, b->cap * sizeof *b->a);
    }
    cr_obligation *o = &b->a[b->n++];
    memset(o, 0, sizeof *o);
    o->festival = -1;
    return o;
}

/* Days after the due date in which a contact still counts, late. */
static int grace_days(cr_period p, int every)
{
    switch (p) {
    case CR_WEEK: return 7 * every;
    case CR_MONTH: return 31 * every;
    case CR_TERM: return 184 * every;
    case CR_YEAR: return 366 * every;
    default: return 30;
    }
}

void cr_rule_reach(const cr_rule *r, int from_day, int to_day, int *first, int *last)
{
    int f, l, a0, a1;
    if (r->period <= CR_YEAR) {
        /* The first window due on or after from_day is the period holding it. */
        cr_period_span(r->period, r->every, from_day, &f, &l);
    } else {
        /* A festival's or birthday's window ends `after` days after the day: the due date. */
        f = from_day - r->after - r->before;
    }
    l = to_day + grace_days(r->period, r->every);
    if (r->or_kinds) {
        /* The alternative period holds the due date, which is within [from_day, to_day]. */
        cr_period_span(r->or_period, 1, from_day, &a0, &a1);
        if (a0 < f)
            f = a0;
        cr_period_span(r->or_period, 1, to_day, &a0, &a1);
        if (a1 > l)
            l = a1;
    }
    *first = f;
    *last = l;
}

/* The member holding household h's pairing of `layer` at time t, or 0. */
static int64_t holder_at(const cr_pairing *p, size_t lo, size_t hi, cr_layer layer, int64_t t)
{
    for (size_t i = lo; i < hi; i++)
        if (p[i].layer == layer && p[i].started_at <= t && (!p[i].ended_at || t < p[i].ended_at))
            return p[i].member_id;
    return 0;
}

static int cmp_pairing(const void *a, const void *b)
{
    const cr_pairing *x = a, *y = b;
    return (x->household_id > y->household_id) - (x->household_id < y->household_id);
}

/* Settle obligation o (window and owner filled in) against subject s. */
static void settle(const cr_input *in, const cr_rule *r, const subj *s, cr_obligation *o,
                   int asof_day)
{
    int64_t member = r->subject == CR_GROUP ? 0 : o->member_id;
    o->need = r->count;
    o->made = count_in(s, o->start_day, o->due_day, r->kinds, member, r->weekend, r->count,
                       &o->done_by);
    if (o->made >= r->count) {
        o->state = CR_MET;
        return;
    }
    if (r->or_kinds) {
        int a0, a1;
        cr_period_span(r->or_period, 1, o->due_day, &a0, &a1);
        if (count_in(s, a0, a1, r->or_kinds, member, 0, 1, &o->done_by) >= 1) {
            o->made = r->count;
            o->state = CR_MET;
            return;
        }
    }
    if (asof_day <= o->due_day) {
        o->state = CR_OPEN;
        return;
    }
    int late = count_in(s, o->due_day + 1, o->due_day + grace_days(r->period, r->every),
                        r->kinds, member, r->weekend, r->count - o->made, &o->done_by);
    if (o->made + late >= r->count) {
        o->state = CR_LATE;
        return;
    }
    o->done_by = 0;
    o->state = CR_MISSED;
    o->days_overdue = asof_day - o->due_day;
    (void)in;
}

/* The windows of rule r whose due day falls in [from, to]: calls fn for each. */
typedef void (*window_fn)(void *ctx, int start, int due, int festival);

static void each_window(const cr_rule *r, const cr_household *h, int from, int to, window_fn fn,
                        void *ctx)
{
    int fy = cr_ymd_of_day(from) / 10000 - 1, ty = cr_ymd_of_day(to) / 10000 + 1;
    if (r->period <= CR_YEAR) {
        int first, last;
        /* The period holding `from` may end before it; walk from there. */
        for (int d = from; d <= to; d = last + 1) {
            cr_period_span(r->period, r->every, d, &first, &last);
            if (last >= from && last <= to)
                fn(ctx, first, last, -1);
            else if (last > to)
                break;
        }
        /* A period holding `to` whose last day is beyond it is not due within the range. */
        return;
    }
    if (r->period == CR_FESTIVAL) {
        for (int y = fy; y <= ty; y++)
            for (int f = 0; f < FEST_COUNT; f++) {
                int ymd = festival_date((festival)f, y);
                if (!ymd)
                    continue;
                int day = cr_day_of_ymd(ymd), due = day + r->after;
                if (due >= from && due <= to)
                    fn(ctx, day - r->before, due, f);
            }
        return;
    }
    /* Birthdays: 29 February falls on 28 February in a common year. */
    for (int i = 0; h && i < h->nbirth && i < CR_MAX_BIRTHDAYS; i++)
        for (int y = fy; y <= ty; y++) {
            int m = h->birth_ymd[i] / 100 % 100, d = h->birth_ymd[i] % 100;
            if (y <= h->birth_ymd[i] / 10000)
                continue;
            if (m == 2 && d == 29 && !is_leap(y))
                d = 28;
            int day = (int)lx_days_from_civil(y, m, d), due = day + r->after;
            if (due >= from && due <= to)
                fn(ctx, day - r->before, due, -1);
        }
}

/* State shared by the window callbacks. */
typedef struct ectx {
    const cr_input *in;     /* the input */
    int rule;               /* rule index */
    const subj *s;          /* the subject's contacts */
    int64_t household;      /* household rules: the household */
    const cr_pairing *p;    /* its pairings */
    size_t plo, phi;        /* their range in p */
    int64_t member;         /* member rules: the member */
    int64_t node;           /* group rules: the group */
    int asof_day;           /* local day of asof */
    obuf *out;              /* where obligations go */
} ectx;

static void on_window(void *arg, int start, int due, int fest)
{
    ectx *c = arg;
    const cr_rule *r = &c->in->rules[c->rule];
    int64_t owner = c->member;
    if (r->subject == CR_HOUSEHOLD) {
        /* The holder at the end of the due day, or now if that is still ahead. */
        int64_t t = (int64_t)(due + 1) * 86400 - c->in->utc_offset - 1;
        if (t > c->in->asof)
            t = c->in->asof;
        owner = holder_at(c->p, c->plo, c->phi, r->layer, t);
        if (!owner)
            return;
    }
    cr_obligation *o = obuf_push(c->out);
    o->rule = c->rule;
    o->household_id = c->household;
    o->member_id = owner;
    o->node_id = c->node;
    o->start_day = start;
    o->due_day = due;
    o->festival = fest;
    settle(c->in, r, c->s, o, c->asof_day);
}

lx_status cr_evaluate(const cr_input *in, cr_obligation **out, size_t *n)
{
    obuf b = {0};
    cr_visit *v = NULL;
    cr_pairing *p = NULL;
    const cr_contact **cm = NULL, **cn = NULL;
    cand *tmp = NULL;
    size_t tmpcap = 0;
    int asof_day = cr_day(in->asof, in->utc_offset);
    *out = NULL;
    *n = 0;
    if (in->from_day > in->to_day)
        return LX_EINVAL;
    for (size_t i = 0; i < in->nrules; i++)
        if (in->rules[i].every < 1 || in->rules[i].count < 1)
            return LX_EINVAL;

    /* Sorted copies: visits by (household, time), pairings by household, contacts by
     * (member, time) and (node, time). One pass each afterwards. */
    v = xmalloc((in->nvisits + 1) * sizeof *v);
    if (in->nvisits)
        memcpy(v, in->visits, in->nvisits * sizeof *v);
    qsort(v, in->nvisits, sizeof *v, cmp_visit);
    p = xmalloc((in->npairings + 1) * sizeof *p);
    if (in->npairings)
        memcpy(p, in->pairings, in->npairings * sizeof *p);
    qsort(p, in->npairings, sizeof *p, cmp_pairing);
    cm = xmalloc((in->ncontacts + 1) * sizeof *cm);
    cn = xmalloc((in->ncontacts + 1) * sizeof *cn);
    for (size_t i = 0; i < in->ncontacts; i++)
        cm[i] = cn[i] = &in->contacts[i];
    qsort(cm, in->ncontacts, sizeof *cm, cmp_contact_member);
    qsort(cn, in->ncontacts, sizeof *cn, cmp_contact_node);

#define FILL(cond, src, count, ID, MEMBER, KIND, AT)                                          \
    do {                                                                                      \
        s.n = 0;                                                                              \
        for (size_t k_ = lo_; k_ < (count) && (cond); k_++) {                                 \
            if (src[k_] AT > in->asof)                                                        \
                continue;                                                                     \
            if (s.n == tmpcap) {                                                              \
                tmpcap = tmpcap ? tmpcap * 2 : 64;                                            \
                tmp = xrealloc(tmp, tmpcap * sizeof *tmp);                                    \
            }                                                                                 \
            tmp[s.n].id = src[k_] ID;                                                         \
            tmp[s.n].member = src[k_] MEMBER;                                                 \
            tmp[s.n].kind = src[k_] KIND;                                                     \
            tmp[s.n].day = cr_day(src[k_] AT, in->utc_offset);                                \
            s.n++;                                                                            \
        }                                                                                     \
        s.c = tmp;                                                                            \
    } while (0)

    /* Households. */
    for (size_t hi = 0; hi < in->nhouseholds; hi++) {
        const cr_household *h = &in->households[hi];
        int any = 0;
        for (size_t ri = 0; ri < in->nrules; ri++)
            if (in->rules[ri].subject == CR_HOUSEHOLD && list_has(h->tags, in->rules[ri].tag))
                any = 1;
        if (!any)
            continue;
        /* Its visits and pairings, by binary search. */
        size_t lo_ = 0, hi_ = in->nvisits;
        while (lo_ < hi_) {
            size_t mid = (lo_ + hi_) / 2;
            if (v[mid].household_id < h->id)
                lo_ = mid + 1;
            else
                hi_ = mid;
        }
        subj s;
        FILL(v[k_].household_id == h->id, v, in->nvisits, .contact_id, .member_id, .kind, .at);
        size_t plo = 0, phi = in->npairings;
        while (plo < phi) {
            size_t mid = (plo + phi) / 2;
            if (p[mid].household_id < h->id)
                plo = mid + 1;
            else
                phi = mid;
        }
        phi = plo;
        while (phi < in->npairings && p[phi].household_id == h->id)
            phi++;
        for (size_t ri = 0; ri < in->nrules; ri++) {
            const cr_rule *r = &in->rules[ri];
            if (r->subject != CR_HOUSEHOLD || !list_has(h->tags, r->tag))
                continue;
            ectx c = {in, (int)ri, &s, h->id, p, plo, phi, 0, 0, asof_day, &b};
            each_window(r, h, in->from_day, in->to_day, on_window, &c);
        }
    }

    /* Members and leaders. */
    for (size_t mi = 0; mi < in->nmembers; mi++) {
        const cr_member *m = &in->members[mi];
        size_t lo_ = 0, hi_ = in->ncontacts;
        while (lo_ < hi_) {
            size_t mid = (lo_ + hi_) / 2;
            if (cm[mid]->member_id < m->id)
                lo_ = mid + 1;
            else
                hi_ = mid;
        }
        subj s;
        FILL(cm[k_]->member_id == m->id, cm, in->ncontacts, ->id, ->member_id, ->kind, ->at);
        for (size_t ri = 0; ri < in->nrules; ri++) {
            const cr_rule *r = &in->rules[ri];
            if (r->subject == CR_MEMBER ||
                (r->subject == CR_LEADER && m->rank && list_has(r->ranks, m->rank))) {
                ectx c = {in, (int)ri, &s, 0, p, 0, 0, m->id, 0, asof_day, &b};
                each_window(r, NULL, in->from_day, in->to_day, on_window, &c);
            }
        }
    }

    /* Groups. */
    for (size_t gi = 0; gi < in->ngroups; gi++) {
        int64_t g = in->groups[gi];
        size_t lo_ = 0, hi_ = in->ncontacts;
        while (lo_ < hi_) {
            size_t mid = (lo_ + hi_) / 2;
            if (cn[mid]->node_id < g)
                lo_ = mid + 1;
            else
                hi_ = mid;
        }
        subj s;
        FILL(cn[k_]->node_id == g, cn, in->ncontacts, ->id, ->member_id, ->kind, ->at);
        for (size_t ri = 0; ri < in->nrules; ri++)
            if (in->rules[ri].subject == CR_GROUP) {
                ectx c = {in, (int)ri, &s, 0, p, 0, 0, 0, g, asof_day, &b};
                each_window(&in->rules[ri], NULL, in->from_day, in->to_day, on_window, &c);
            }
    }
#undef FILL

    free(tmp);
    free(v);
    free(p);
    free(cm);
    free(cn);
    *out = b.a ? b.a : xmalloc(1);
    *n = b.n;
    return LX_OK;
}
