/* history.c -- generating a plausible, deterministic contact history for a demo county. */
#include "core/history.h"
#include "core/vocab.h"

#include <string.h>

#define DAY 86400

/* ---- PRNG: xoshiro256** seeded through splitmix64, as core/demo.c ---- */

typedef struct rng {
    uint64_t s[4]; /* state */
} rng;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t x = seed ^ (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1). */
static double unit(rng *r)
{
    return (double)(next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int64_t below(rng *r, int64_t n)
{
    return (int64_t)(unit(r) * (double)n);
}

/* ---- text ---- */

static const char *const visit_notes[] = {
    "了解家庭近况，生活基本稳定", "老人身体尚好，叮嘱注意保暖", "宣传惠民政策，群众表示满意",
    "帮助联系村医上门看病", "了解孩子上学情况", "查看房屋安全，无隐患",
    "家中务工收入稳定", "听取对村里工作的意见", "讲解医保缴费政策", "帮助办理低保年审材料",
};
static const char *const call_notes[] = {
    "电话问候，一切正常", "询问老人身体状况", "提醒按时缴纳医保", "了解外出务工人员近况",
};
static const char *const talk_notes[] = {
    "谈工作思路，交流意见", "谈思想状况，鼓励担当作为", "了解家庭困难，商量解决办法",
    "指出工作中的不足，提出改进要求", "化解工作中的矛盾",
};
static const char *const request_texts[] = {
    "希望帮助联系就业岗位", "老人看病报销有困难", "孩子上学路远", "希望解决养老问题",
    "房屋需要维修", "咨询低保政策", "土地流转补偿问题", "门前垃圾清运不及时",
    "村道需要硬化", "饮水管道漏水", "邻里纠纷需要调解", "需要法律咨询",
    "需要种养技术指导", "其他生活困难",
};

/* ---- emitting ---- */

typedef struct gen {
    const history_input *in;
    lx_status (*fn)(void *ctx, const history_contact *c);
    void *ctx;
    int k_visit, k_call, k_talk, k_courtyard; /* vocab_contact_kind terms */
} gen;

/* A time in the day (08:00-19:00 county time) on the day of t. */
static int64_t daytime(const gen *g, rng *r, int64_t t)
{
    int64_t local = t + g->in->utc_offset;
    int64_t day = local - ((local % DAY) + DAY) % DAY;
    return day + 8 * 3600 + below(r, 11 * 3600) - g->in->utc_offset;
}

/* Emit contacts of `kind` every `period` days on average (times the
 * member's diligence) from `start` to the period's end. */
static lx_status series(const gen *g, rng *r, const history_pair *p, int kind, double period,
                        double diligence, int64_t start)
{
    double mean = period / diligence;
    /* the first one falls anywhere in the first period */
    int64_t t = start + (int64_t)(unit(r) * mean * DAY);
    while (t < g->in->to) {
        history_contact c;
        memset(&c, 0, sizeof c);
        c.kind = kind;
        c.member_id = p->member_id;
        c.household_id = p->household_id;
        c.node_id = p->node_id;
        c.path = p->path;
        c.happened_at = daytime(g, r, t);
        if (c.happened_at >= g->in->to)
            break;
        c.talk_situation = -1;
        c.attendance = -1;
        c.request_category = -1;
        if (kind == g->k_visit) {
            if (unit(r) < 0.7)
                c.notes = visit_notes[below(r, sizeof visit_notes / sizeof *visit_notes)];
            if (unit(r) < 0.04) {
                c.request_category = (int)below(r, (int64_t)vocab_request_category.n);
                c.request_text = request_texts[c.request_category];
            }
        } else if (unit(r) < 0.5) {
            c.notes = call_notes[below(r, sizeof call_notes / sizeof *call_notes)];
        }
        lx_status rc = g->fn(g->ctx, &c);
        if (rc)
            return rc;
        /* the next one: 0.5 to 1.5 of the mean gap */
        t += (int64_t)((0.5 + unit(r)) * mean * DAY);
    }
    return LX_OK;
}

static double diligence_of(uint64_t seed, int64_t member)
{
    rng r;
    rng_seed(&r, seed, (uint64_t)member, 0x5d11);
    return 0.55 + 0.6 * unit(&r);
}

lx_status history_generate(const history_input *in, uint64_t seed,
                           lx_status (*fn)(void *ctx, const history_contact *c), void *ctx)
{
    gen g = {in, fn, ctx, vocab_find(&vocab_contact_kind, "visit"),
             vocab_find(&vocab_contact_kind, "call"), vocab_find(&vocab_contact_kind, "talk"),
             vocab_find(&vocab_contact_kind, "courtyard")};
    int64_t lonely = (int64_t)1 << vocab_find(&vocab_tag, "lonely_elderly");
    int64_t child = (int64_t)1 << vocab_find(&vocab_tag, "left_behind_child");
    lx_status rc = LX_OK;
    rng r;

    for (size_t i = 0; !rc && i < in->npairs; i++) {
        const history_pair *p = &in->pairs[i];
        double dil = diligence_of(seed, p->member_id);
        int64_t start = p->started_at > in->from ? p->started_at : in->from;
        rng_seed(&r, seed, (uint64_t)p->member_id, (uint64_t)p->household_id);
        if (p->assistance) {
            rc = series(&g, &r, p, g.k_visit, 30, dil, start);
        } else if (p->tags & lonely) {
            rc = series(&g, &r, p, g.k_call, 7, dil, start);
            if (!rc)
                rc = series(&g, &r, p, g.k_visit, 30, dil, start);
        } else if (p->tags & child) {
            rc = series(&g, &r, p, g.k_visit, 14, dil, start);
            if (!rc)
                rc = series(&g, &r, p, g.k_call, 30, dil, start);
        } else {
            rc = series(&g, &r, p, g.k_visit, 40, dil, start);
            if (!rc)
                rc = series(&g, &r, p, g.k_call, 50, dil, start);
        }
    }
    /* talks: about 11 a year (a leader 5 a month), with a member nearby */
    for (size_t i = 0; !rc && i < in->nmembers; i++) {
        const history_member *m = &in->members[i];
        double dil = diligence_of(seed, m->id);
        double gap = (m->leader ? 365.0 / 60 : 365.0 / 11) / dil;
        rng_seed(&r, seed, (uint64_t)m->id, 0x7a1c);
        for (int64_t t = in->from + (int64_t)(unit(&r) * gap * DAY); !rc && t < in->to;
             t += (int64_t)((0.5 + unit(&r)) * gap * DAY)) {
            history_contact c;
            memset(&c, 0, sizeof c);
            c.kind = g.k_talk;
            c.member_id = m->id;
            c.node_id = m->node_id;
            c.path = m->path;
            c.happened_at = daytime(&g, &r, t);
            if (c.happened_at >= in->to)
                break;
            c.talk_situation = unit(&r) < 0.35 ? (int)below(&r, (int64_t)vocab_talk_situation.n)
                                               : -1;
            size_t o = in->nmembers > 1
                           ? (i + 1 + (size_t)below(&r, in->nmembers < 6 ? (int64_t)in->nmembers - 1 : 5)) %
                                 in->nmembers
                           : i;
            c.with_member = o != i ? in->members[o].id : 0;
            c.notes = talk_notes[below(&r, sizeof talk_notes / sizeof *talk_notes)];
            c.attendance = -1;
            c.request_category = -1;
            rc = fn(ctx, &c);
        }
    }
    /* a courtyard meeting a month in every group, on a day of the month */
    for (size_t i = 0; !rc && i < in->ngroups; i++) {
        const history_group *gr = &in->groups[i];
        double dil = diligence_of(seed, gr->member_id);
        rng_seed(&r, seed, (uint64_t)gr->node_id, 0xc0a7);
        for (int64_t month = in->from; !rc && month < in->to; month += 30 * DAY + 10 * 3600) {
            if (unit(&r) > 0.6 + 0.4 * dil) /* a month without one */
                continue;
            history_contact c;
            memset(&c, 0, sizeof c);
            c.kind = g.k_courtyard;
            c.member_id = gr->member_id;
            c.node_id = gr->node_id;
            c.path = gr->path;
            c.happened_at = daytime(&g, &r, month + below(&r, 28) * DAY);
            if (c.happened_at >= in->to)
                break;
            c.talk_situation = -1;
            c.attendance = 12 + below(&r, 40);
            c.leader_name = "乡镇联系干部";
            c.minutes = "通报近期惠民政策，听取群众意见建议";
            c.request_category = -1;
            if (unit(&r) < 0.3) {
                c.request_category = (int)below(&r, (int64_t)vocab_request_category.n);
                c.request_text = request_texts[c.request_category];
            }
            rc = fn(ctx, &c);
        }
    }
    return rc;
}
