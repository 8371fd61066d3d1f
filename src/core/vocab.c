/* vocab.c -- the terms of the seeds: ranks, categories, skills, tags, difficulty tiers. */
#include "core/vocab.h"

#include <string.h>

#define VOCAB(var, nm, ...)                                                                   \
    static const vocab_term var##_terms[] = {__VA_ARGS__};                                    \
    const vocab var = {nm, var##_terms, sizeof var##_terms / sizeof var##_terms[0]}

VOCAB(vocab_gender, "gender",
      {"M", "男", "男", "male"},
      {"F", "女", "女", "female"});

/* Ranks: seed 001's assistance quotas are by these five; seed 003 splits at
 * deputy-section level (middle and above vs the rest). */
VOCAB(vocab_rank, "rank",
      {"city_leader", "市管领导干部", "市管領導幹部", "city-managed leader"},
      {"county_leader", "县管领导干部", "縣管領導幹部", "county-managed leader"},
      {"middle", "中层及科级干部", "中層及科級幹部", "middle-level / section cadre"},
      {"ordinary", "一般干部", "一般幹部", "ordinary cadre"},
      {"village_official", "大学生村官", "大學生村官", "college-graduate village official"},
      {"member", "普通党员", "普通黨員", "ordinary member"});

/* Member categories of seed 002. */
VOCAB(vocab_category, "category",
      {"community", "社区党员", "社區黨員", "community member"},
      {"in_service", "在职党员", "在職黨員", "in-service member"},
      {"retired", "离退休党员", "離退休黨員", "retired member"},
      {"unemployed", "下岗失业党员", "下崗失業黨員", "laid-off or unemployed member"},
      {"floating", "流动党员", "流動黨員", "floating member"});

/* Skills of seed 003; households' needs use the same terms. */
VOCAB(vocab_skill, "skill",
      {"law", "法律", "法律", "law"},
      {"agriculture", "农业技术", "農業技術", "agriculture and technology"},
      {"medicine", "医疗", "醫療", "medicine"},
      {"education", "教育", "教育", "education"},
      {"policy", "政策", "政策", "policy"},
      {"speaking", "宣讲", "宣講", "public speaking"},
      {"organising", "组织", "組織", "organising"},
      {"commerce", "营销", "營銷", "commerce and sales"},
      {"other", "其他", "其他", "other"});

/* Household tags of SPEC §2 (seeds 001, 002, 003). */
VOCAB(vocab_tag, "tag",
      {"low_income", "低保户", "低保戶", "low-income"},
      {"five_guarantee", "五保户", "五保戶", "five-guarantee"},
      {"registered_poor", "建卡贫困户", "建卡貧困戶", "registered poor"},
      {"lonely_elderly", "孤寡老人", "孤寡老人", "lonely elderly"},
      {"left_behind_child", "留守儿童", "留守兒童", "left-behind child"},
      {"disabled", "残疾人", "殘疾人", "disabled"},
      {"migrant_away", "外出务工", "外出務工", "migrant worker away"},
      {"out_of_school", "失学儿童", "失學兒童", "out-of-school child"},
      {"unemployed_labour", "有劳动力未就业", "有勞動力未就業", "unemployed with labour"},
      {"wants_business", "有创业意愿", "有創業意願", "wants to start a business"},
      {"wants_training", "有培训需求", "有培訓需求", "wants training"},
      {"large_grower", "种养大户", "種養大戶", "large grower or breeder"},
      {"petitioner", "上访户", "上訪戶", "long-term petitioner"},
      {"member_hardship", "困难党员", "困難黨員", "member in hardship"});

/* Difficulty tiers for prosperity (seed 003 富裕难度). */
VOCAB(vocab_difficulty, "difficulty",
      {"none", "无", "無", "none"},
      {"easier", "较小", "較小", "easier"},
      {"harder", "较大", "較大", "harder"},
      {"hardest", "最大", "最大", "hardest"});

VOCAB(vocab_relation, "relation",
      {"head", "户主", "戶主", "head of household"},
      {"spouse", "配偶", "配偶", "spouse"},
      {"child", "子女", "子女", "child"},
      {"parent", "父母", "父母", "parent"},
      {"grandchild", "孙子女", "孫子女", "grandchild"},
      {"grandparent", "祖父母", "祖父母", "grandparent"},
      {"sibling", "兄弟姐妹", "兄弟姐妹", "sibling"},
      {"other", "其他", "其他", "other"});

VOCAB(vocab_node_kind, "node_kind",
      {"county", "县", "縣", "county"},
      {"district", "区", "區", "district"},
      {"township", "乡镇", "鄉鎮", "township"},
      {"street", "街道", "街道", "street"},
      {"village", "村", "村", "village"},
      {"community", "社区", "社區", "community"},
      {"group", "村民小组", "村民小組", "group"},
      {"grid", "网格", "網格", "grid"});

VOCAB(vocab_unit_kind, "unit_kind",
      {"department", "机关", "機關", "government department"},
      {"institution", "事业单位", "事業單位", "public institution"},
      {"school", "学校", "學校", "school"},
      {"hospital", "医院", "醫院", "hospital"},
      {"enterprise", "企业", "企業", "enterprise"},
      {"other", "其他", "其他", "other"});

VOCAB(vocab_org_kind, "org_kind",
      {"committee", "党委", "黨委", "party committee"},
      {"general_branch", "党总支", "黨總支", "general branch"},
      {"branch", "党支部", "黨支部", "branch"},
      {"party_group", "党小组", "黨小組", "party group"});

/* Seed 002: party groups are formed by residence, occupation or circumstance. */
VOCAB(vocab_org_basis, "org_basis",
      {"residence", "按居住地", "按居住地", "by residence"},
      {"occupation", "按职业", "按職業", "by occupation"},
      {"circumstance", "按情况", "按情況", "by circumstance"},
      {"other", "其他", "其他", "other"});

/* Kinds of contact (SPEC C4). vocab_contact_in_person and vocab_contact_meeting
 * say which are which: a phone call never satisfies an in-person rule (seed 003). */
VOCAB(vocab_contact_kind, "contact_kind",
      {"visit", "入户走访", "入戶走訪", "home visit"},
      {"call", "电话联系", "電話聯繫", "phone call"},
      {"talk", "谈心谈话", "談心談話", "heart-to-heart talk"},
      {"courtyard", "院坝会", "院壩會", "courtyard meeting"},
      {"reception", "接访", "接訪", "reception"},
      {"online", "网上联系", "網上聯繫", "online message"},
      {"symposium", "座谈会", "座談會", "symposium"},
      {"tea_party", "茶话会", "茶話會", "tea party"},
      {"dialogue", "恳谈会", "懇談會", "dialogue meeting"},
      {"survey", "调研会", "調研會", "survey meeting"});

/* The five situations that must get a talk (seed 001 谈心制度). */
VOCAB(vocab_talk_situation, "talk_situation",
      {"outstanding", "工作突出", "工作突出", "outstanding work"},
      {"mistake", "出现失误或工作滞后", "出現失誤或工作滯後", "mistakes or lagging"},
      {"hardship", "遇到困难", "遇到困難", "hardship"},
      {"conflict", "存在矛盾", "存在矛盾", "conflict"},
      {"early_sign", "出现苗头性问题", "出現苗頭性問題", "early signs of a problem"});

/* Categories of requests from the people (SPEC C5, seeds 000, 001, 003, 004). */
VOCAB(vocab_request_category, "request_category",
      {"employment", "就业", "就業", "employment"},
      {"medical", "医疗", "醫療", "medical care"},
      {"schooling", "上学", "上學", "schooling"},
      {"elderly_care", "养老", "養老", "elderly care"},
      {"housing", "住房", "住房", "housing"},
      {"social_security", "低保社保", "低保社保", "low-income and social security"},
      {"land", "土地征补", "土地徵補", "land and compensation"},
      {"environment", "环境卫生", "環境衛生", "environment and sanitation"},
      {"roads", "道路交通", "道路交通", "roads and transport"},
      {"water", "饮水灌溉", "飲水灌溉", "water and irrigation"},
      {"dispute", "矛盾纠纷", "矛盾糾紛", "disputes"},
      {"legal_aid", "法律援助", "法律援助", "legal aid"},
      {"farming", "农业技术", "農業技術", "farming technology"},
      {"other", "其他", "其他", "other"});

/* Where a case came from (SPEC C5): a contact or a meeting, the reception desk,
 * a phone call, a member on a resident's behalf, the resident's own page. */
VOCAB(vocab_case_channel, "case_channel",
      {"visit", "走访", "走訪", "visit"},
      {"meeting", "会议", "會議", "meeting"},
      {"reception", "接待", "接待", "reception desk"},
      {"phone", "来电", "來電", "phone call"},
      {"member", "党员代办", "黨員代辦", "member on the resident's behalf"},
      {"resident", "群众扫码", "群眾掃碼", "resident page"});

/* How urgent a case is: its time limit (policies case.limit.*). */
VOCAB(vocab_case_priority, "case_priority",
      {"emergency", "紧急", "緊急", "emergency"},
      {"ordinary", "一般", "一般", "ordinary"},
      {"complex", "复杂", "複雜", "complex"});

/* A case's state; the codes are core/casefsm.c's. */
VOCAB(vocab_case_state, "case_state",
      {"received", "已受理", "已受理", "received"},
      {"assigned", "已交办", "已交辦", "assigned"},
      {"in_progress", "办理中", "辦理中", "in progress"},
      {"waiting", "待补充", "待補充", "waiting on the requester"},
      {"resolved", "已办结", "已辦結", "resolved"},
      {"rated", "已评价", "已評價", "rated"},
      {"closed", "已关闭", "已關閉", "closed"});

/* The resident's rating; the codes are core/casefsm.c's. */
VOCAB(vocab_case_rating, "case_rating",
      {"satisfied", "满意", "滿意", "satisfied"},
      {"basic", "基本满意", "基本滿意", "basically satisfied"},
      {"unsatisfied", "不满意", "不滿意", "unsatisfied"});

/* What a follow-up call (回访) found. */
VOCAB(vocab_follow_up, "follow_up",
      {"fixed", "已解决", "已解決", "fixed"},
      {"partly", "部分解决", "部分解決", "partly fixed"},
      {"not_fixed", "未解决", "未解決", "not fixed"});

int vocab_contact_in_person(int kind)
{
    const char *c = vocab_code(&vocab_contact_kind, kind);
    return strcmp(c, "call") != 0 && strcmp(c, "online") != 0;
}

int vocab_contact_meeting(int kind)
{
    const char *c = vocab_code(&vocab_contact_kind, kind);
    return !strcmp(c, "courtyard") || !strcmp(c, "symposium") || !strcmp(c, "tea_party") ||
           !strcmp(c, "dialogue") || !strcmp(c, "survey");
}

int vocab_find(const vocab *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++) {
        const vocab_term *t = &v->terms[i];
        if (!strcmp(s, t->code) || !strcmp(s, t->zh) || !strcmp(s, t->zh_tw) ||
            !strcmp(s, t->en))
            return (int)i;
    }
    return -1;
}

const char *vocab_code(const vocab *v, int i)
{
    return v->terms[i].code;
}

/* Length of a separator at s, or 0: ASCII , ; space, full-width ， ； and 、. */
static size_t sep_len(const char *s)
{
    if (*s == ',' || *s == ';' || *s == ' ' || *s == '|')
        return 1;
    if (!strncmp(s, "，", 3) || !strncmp(s, "；", 3) || !strncmp(s, "、", 3))
        return 3;
    return 0;
}

int64_t vocab_mask_parse(const vocab *v, const char *list, size_t *bad)
{
    int64_t mask = 0;
    const char *p = list;
    char item[128];
    while (*p) {
        size_t n;
        while ((n = sep_len(p)) > 0)
            p += n;
        if (!*p)
            break;
        const char *start = p;
        while (*p && !sep_len(p))
            p++;
        size_t len = (size_t)(p - start);
        int i = -1;
        if (len < sizeof item) {
            memcpy(item, start, len);
            item[len] = '\0';
            i = vocab_find(v, item);
        }
        if (i < 0) {
            if (bad)
                *bad = (size_t)(start - list);
            return -1;
        }
        mask |= (int64_t)1 << i;
    }
    return mask;
}
