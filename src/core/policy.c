/* policy.c -- the table of named policies and their defaults. */
#include "core/policy.h"
#include "core/contact_rules.h"
#include "core/workcal.h"

#include <string.h>

#define N_(key, dom, def, min, max, src, doc) {key, dom, def, min, max, NULL, src, doc, NULL}
#define T_(key, dom, def, maxlen, src, doc) {key, dom, 0, 0, maxlen, def, src, doc, NULL}
/* A rule of contact: a text policy in the grammar of cr_rule_parse(). */
#define R_(name, def, src, doc)                                                               \
    {POLICY_RULE_PREFIX name, POLICY_WORK, 0, 0, 300, def, src, doc, check_rule}

static lx_status check_rule(const char *key, const char *text, lx_error *e)
{
    cr_rule r;
    return cr_rule_parse(key + strlen(POLICY_RULE_PREFIX), text, &r, e);
}

/* A time limit of cases: a text policy with a grammar (core/workcal.h). */
#define L_(key, def, maxlen, src, doc, check)                                                 \
    {key, POLICY_WORK, 0, 0, maxlen, def, src, doc, check}

static lx_status check_limit(const char *key, const char *text, lx_error *e)
{
    (void)key;
    limit_spec s;
    return limit_spec_parse(text, &s, e);
}

static lx_status check_limit_categories(const char *key, const char *text, lx_error *e)
{
    (void)key;
    return limit_category_find(text, NULL, NULL, NULL, e);
}

/* The seed-002 service commitment (设岗定责: identity, service, promise). */
#define COMMITMENT                                                                            \
    "我是您的联系党员。服务内容：政策宣传、民情收集、矛盾调解、困难帮扶。"                          \
    "服务承诺：有求必应、有难必帮、件件有回音。"

static const policy_def table[] = {
    N_("password.min_length", POLICY_SECURITY, 8, 8, 64, "SPEC §4, 等保 GB/T 22239-2019",
     "shortest password, in characters"),
    N_("password.min_classes", POLICY_SECURITY, 3, 1, 4, "SPEC §4, 等保",
     "character classes required of 4 (lower, upper, digit, other)"),
    N_("password.max_age_days", POLICY_SECURITY, 90, 0, 3650, "SPEC §4, 等保",
     "days before a password must be changed (0: never)"),
    N_("password.change_at_first_login", POLICY_SECURITY, 1, 0, 1, "SPEC §4, 等保",
     "a new or reset account must change its password first"),
    N_("login.max_failures", POLICY_SECURITY, 5, 3, 20, "SPEC §4, 等保",
     "failed logins (per account and per address) before a lock"),
    N_("login.lock_minutes", POLICY_SECURITY, 30, 1, 1440, "SPEC §4, 等保",
     "minutes an account or address stays locked"),
    N_("session.idle_minutes", POLICY_SECURITY, 30, 5, 240, "SPEC §4, 等保",
     "an idle session ends after this many minutes"),
    N_("session.absolute_hours", POLICY_SECURITY, 12, 1, 72, "SPEC §4",
     "every session ends this many hours after login"),
    N_("audit.retention_days", POLICY_SECURITY, 184, 184, 3650, "SPEC §4 (≥ 184 days, 网络安全法)",
     "days audit records are kept at least"),
    N_("liaison.quota", POLICY_WORK, 15, 1, 200, "ours: the seeds give no number",
     "households a member liaises with at most (党员联户)"),
    N_("import.max_rows", POLICY_WORK, 1000000, 1, 5000000, "ours",
     "rows one import may hold"),
    N_("assistance.quota.city_leader", POLICY_WORK, 5, 0, 50, "seed 001 结穷亲 (seed 003: 2)",
       "households in difficulty a city-managed leader takes"),
    N_("assistance.quota.county_leader", POLICY_WORK, 4, 0, 50, "seed 001 (seed 003: 2)",
       "households in difficulty a county-managed leader takes"),
    N_("assistance.quota.middle", POLICY_WORK, 3, 0, 50, "seed 001 (seed 003: 2)",
       "households in difficulty a middle-level or section cadre takes"),
    N_("assistance.quota.ordinary", POLICY_WORK, 2, 0, 50, "seed 001 (seed 003: 1)",
       "households in difficulty an ordinary cadre takes"),
    N_("assistance.quota.village_official", POLICY_WORK, 1, 0, 50, "seed 001 (seed 003: 1)",
       "households in difficulty a college-graduate village official takes"),
    N_("assistance.tags", POLICY_WORK, 0x21bf, 0, 0x3fff, "seeds 001, 003",
       "bit mask of household tags (in vocab order) that call for an assistance cadre; default:"
       " low-income, five-guarantee, registered poor, lonely elderly, left-behind child,"
       " disabled, out of school, unemployed with labour, member in hardship. A difficulty"
       " tier above none does too"),
    N_("assign.weight.distance", POLICY_WORK, 10, 0, 1000, "ours (seed 002: nearest group first)",
       "liaison cost of a household outside the member's own group"),
    N_("assign.weight.rank", POLICY_WORK, 20, 0, 1000,
       "ours (seed 003: hardest households to the highest ranks)",
       "assistance cost per rank level between a cadre and the level the household's tier wants"),
    N_("assign.weight.skill", POLICY_WORK, 5, 0, 1000, "ours (seed 003: skills to needs)",
       "cost of a household whose needs the member has no skill for"),
    N_("assign.weight.keep", POLICY_WORK, 15, 0, 1000, "ours",
       "rebalance: the bonus for keeping a current pair (a household should not get a new"
       " member every month)"),
    T_("card.commitment", POLICY_WORK, COMMITMENT, 200, "seed 002 设岗定责",
       "the service commitment printed on contact cards and door plates"),
    T_("site.public_url", POLICY_WORK, "http://127.0.0.1:8080", 200, "ours",
       "the address residents' phones reach the server at; the cards' QR codes point there"),
    N_("contact.edit_grace_days", POLICY_WORK, 7, 0, 365,
       "issue 4: the diary is a record, not a draft",
       "days after a contact happened within which it can be edited without a reason; later"
       " edits need one (all edits are audited)"),
    N_("resident.guess_limit", POLICY_SECURITY, 20, 5, 1000, "ours",
       "wrong card links from one address in 10 minutes before it is refused for a while"),
    /* Requests from the people (SPEC C5): time limits ("24h", "7d", "15wd", with levels
     * that differ: "7d, township 10d, county 15wd"; see core/workcal.h) and the rest. */
    L_("case.limit.response", "24h", 200, "ours, after Beijing 12345 practice",
       "time to the first response (an interim reply or a resolution) of an ordinary case",
       check_limit),
    L_("case.limit.emergency", "2h", 200, "Beijing 12345 practice (secondary sources, SPEC C5)",
       "time to resolve an emergency case", check_limit),
    L_("case.limit.ordinary", "7d", 200, "Beijing 12345 practice (secondary sources, SPEC C5)",
       "time to resolve an ordinary case", check_limit),
    L_("case.limit.complex", "15d", 200, "Beijing 12345 practice (secondary sources, SPEC C5)",
       "time to resolve a complex case", check_limit),
    L_("case.limit.by_category", "water 24h", 500,
       "Beijing 12345 practice: water, power, gas and heating 24 h",
       "time to resolve an ordinary case of these request categories, overriding"
       " case.limit.ordinary (\"water 24h; dispute 15d\")",
       check_limit_categories),
    N_("case.rating_wait_days", POLICY_WORK, 7, 1, 90, "ours",
       "days the resident has to rate a resolution before staff may close the case unrated"),
    N_("case.reopen_days", POLICY_WORK, 30, 0, 365, "ours (SPEC C5: a resident can reopen)",
       "days after rating a case within which the resident may reopen it (0: never)"),
    N_("case.follow_up_percent", POLICY_WORK, 20, 0, 100, "ours (SPEC C5: 回访 a sample)",
       "share of resolved cases, in percent, picked for a follow-up call"),
    N_("case.photos_max", POLICY_WORK, 3, 1, 10, "ours", "photos one case or reply may carry"),
    N_("case.photo_max_bytes", POLICY_WORK, 5242880, 102400, 20971520, "ours",
       "largest photo accepted, in bytes"),
    N_("case.resident_daily_max", POLICY_WORK, 10, 1, 100, "ours",
       "cases a household may open in a day from its card"),
    /* The rules of contact (SPEC C4). Windows ("before", "after") are ours. */
    R_("elderly.call",
       "subject=household tag=lonely_elderly kinds=call,online,in_person period=week"
       " or=in_person/month",
       "seed 001 孤寡老人: 每周电话问候一次或每月去同住一次",
       "lonely elderly: a call every week, or an in-person stay in that month"),
    R_("elderly.festival",
       "subject=household tag=lonely_elderly kinds=visit period=festival before=7 after=3",
       "seed 001 逢年过节必去看望 (window: ours)",
       "lonely elderly: a visit at each traditional festival"),
    R_("elderly.birthday",
       "subject=household tag=lonely_elderly kinds=visit period=birthday before=3 after=3",
       "seed 001 生日必到场祝福慰问 (window: ours)",
       "lonely elderly: a visit on each resident's birthday (from the ID number)"),
    R_("child.homework", "subject=household tag=left_behind_child kinds=visit period=week",
       "seed 001 七个一: 每周辅导一次作业", "left-behind child: homework help every week"),
    R_("child.talk",
       "subject=household tag=left_behind_child kinds=call,online,in_person period=month",
       "seed 001 七个一: 每月通一次电话或写一封信谈心",
       "left-behind child: a call or a letter every month"),
    R_("child.school", "subject=household tag=left_behind_child kinds=visit,call period=month",
       "seed 001 七个一: 每月了解一次在校表现情况",
       "left-behind child: a check on school every month"),
    R_("child.supplies", "subject=household tag=left_behind_child kinds=visit period=term",
       "seed 001 七个一: 每学期资助一批学习用品",
       "left-behind child: school supplies every term"),
    R_("child.weekend",
       "subject=household tag=left_behind_child kinds=visit period=term weekend=1",
       "seed 001 七个一: 每学期陪伴过一个有意义的双休日",
       "left-behind child: a weekend day together every term"),
    R_("child.skill", "subject=household tag=left_behind_child kinds=visit period=year",
       "seed 001 七个一: 每年帮助学会一项生活技能",
       "left-behind child: one life skill every year"),
    R_("child.festival",
       "subject=household tag=left_behind_child kinds=visit period=festival before=7 after=3",
       "seed 001 七个一: 每逢传统佳节送一次关怀 (window: ours)",
       "left-behind child: a visit at each traditional festival"),
    R_("member.talks", "subject=member kinds=talk period=year count=10",
       "seed 001 谈心制度: 每位党员每年主动谈心不少于10人次", "every member: at least 10 talks a year"),
    R_("leader.talks",
       "subject=leader ranks=city_leader,county_leader kinds=talk period=month count=5",
       "seed 001 谈心制度: 党员领导干部每月主动谈心不少于5次", "leaders: at least 5 talks a month"),
    R_("group.courtyard", "subject=group kinds=courtyard period=month",
       "seed 001 院坝会: 每月定期在居民点召开", "every group: one courtyard meeting a month"),
};

const policy_def *policy_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

const policy_def *policy_find(const char *key)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i].key, key))
            return &table[i];
    return NULL;
}

lx_status policy_check_text(const policy_def *def, const char *text, lx_error *e)
{
    return def->check ? def->check(def->key, text, e) : LX_OK;
}
