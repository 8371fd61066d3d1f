/* demo.c -- a deterministic generator of a realistic demo county, streamed as plain records. */
#include "core/demo.h"
#include "core/idcard.h"
#include "core/vocab.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NAME_LEN 64   /* bytes of a place, unit or organisation name */
#define PERSON_LEN 32 /* bytes of a person's name */
#define MAX_RESIDENTS 6
#define PHONE_BUF 24 /* bytes for a phone number (11 digits), with room to spare */

/* ---- the PRNG: xoshiro256**, seeded through splitmix64 ---- */

typedef struct rng {
    uint64_t s[4]; /* state; never all zero */
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* An independent stream per part of the county, so that changing how one
 * part draws does not reshuffle the others. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* 0 .. n-1 (n > 0), by multiply-shift; integer only, so it is the same everywhere. */
static int rng_below(rng *r, int n)
{
    return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* lo .. hi inclusive. */
static int rng_range(rng *r, int lo, int hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

/* True with probability pm / 1000. */
static int rng_pm(rng *r, int pm)
{
    return rng_below(r, 1000) < pm;
}

/* Index drawn by integer weights w[0..n-1] (total > 0). */
static int rng_pick(rng *r, const int *w, int n)
{
    int total = 0, x;
    for (int i = 0; i < n; i++)
        total += w[i];
    x = rng_below(r, total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* ---- the calendar (days since 1970-01-01: lx_days_from_civil) ---- */

#define REF_Y (DEMO_REF_YMD / 10000)
#define REF_M (DEMO_REF_YMD / 100 % 100)
#define REF_D (DEMO_REF_YMD % 100)
#define MAX_AGE 105 /* oldest age the generator gives */

/* ---- the word lists ---- */

/* Surnames with their shares per 10,000 people (national census order). */
static const struct {
    const char *s; /* the surname */
    int w;         /* weight */
} surnames[] = {
    {"王", 725}, {"李", 719}, {"张", 690}, {"刘", 538}, {"陈", 461}, {"杨", 322}, {"黄", 245},
    {"赵", 229}, {"吴", 205}, {"周", 191}, {"徐", 147}, {"孙", 138}, {"马", 129}, {"朱", 126},
    {"胡", 115}, {"郭", 113}, {"何", 106}, {"高", 100}, {"林", 99},  {"罗", 94},  {"郑", 83},
    {"梁", 81},  {"谢", 76},  {"宋", 66},  {"唐", 65},  {"许", 62},  {"韩", 61},  {"冯", 60},
    {"邓", 59},  {"曹", 57},  {"彭", 56},  {"曾", 55},  {"肖", 54},  {"田", 52},  {"董", 51},
    {"袁", 50},  {"潘", 49},  {"于", 48},  {"蒋", 47},  {"蔡", 46},  {"余", 45},  {"杜", 44},
    {"叶", 43},  {"程", 42},  {"苏", 41},  {"魏", 40},  {"吕", 39},  {"丁", 38},  {"任", 37},
    {"沈", 36},  {"姚", 35},  {"卢", 34},  {"姜", 33},  {"崔", 32},  {"钟", 31},  {"谭", 30},
    {"陆", 29},  {"汪", 28},  {"范", 27},  {"金", 26},  {"石", 25},  {"廖", 24},  {"贾", 23},
    {"夏", 22},  {"韦", 21},  {"付", 20},  {"方", 19},  {"白", 18},  {"邹", 17},  {"孟", 16},
    {"熊", 15},  {"秦", 14},  {"邱", 13},  {"江", 12},  {"尹", 11},  {"薛", 10},  {"闫", 10},
    {"段", 10},
};

/* Two-character given names, by sex and by the generation they were common in. */
static const char *const male_old[] = {
    "建国", "建华", "国强", "国华", "志强", "志明", "德明", "德华", "永红", "卫东",
    "卫国", "建军", "建平", "文华", "文明", "玉林", "明德", "振华", "国庆", "光明",
    "树林", "春生", "秋生", "福生", "长林", "世明", "忠诚", "家富", "庆丰", "富贵",
    "金山", "有才", "天福", "开明", "学文", "正清", "兴旺", "胜利", "和平", "德贵",
};
static const char *const male_mid[] = {
    "海涛", "海波", "小军", "晓东", "建伟", "志刚", "俊杰", "文斌", "明辉", "春雷",
    "永刚", "宏伟", "勇军", "鹏飞", "国栋", "小龙", "立新", "红兵", "剑锋", "晓峰",
    "军伟", "成刚", "大勇", "新民", "世杰", "云龙", "家俊", "天明", "子明", "少华",
    "庆华", "德勇", "建林", "志勇", "文杰", "光辉", "学军", "振宇", "东升", "俊峰",
};
static const char *const male_young[] = {
    "浩然", "子轩", "宇航", "梓豪", "俊熙", "一鸣", "子豪", "浩宇", "宇轩", "博文",
    "皓轩", "天佑", "明轩", "子墨", "嘉豪", "思远", "奕辰", "俊宇", "睿泽", "宇泽",
    "家乐", "梓睿", "晨阳", "子涵", "文博", "昊然", "锦程", "一航", "泽宇", "弘毅",
};
static const char *const female_old[] = {
    "秀英", "桂英", "玉兰", "桂兰", "淑珍", "凤英", "秀兰", "玉珍", "桂芳", "玉梅",
    "秀珍", "素芬", "翠花", "金凤", "春花", "淑英", "兰英", "玉英", "桂珍", "秀芳",
    "月英", "凤兰", "菊花", "桂香", "素珍", "冬梅", "玉芬", "秀梅", "春兰", "德芳",
};
static const char *const female_mid[] = {
    "丽娟", "晓燕", "海燕", "秀云", "丽华", "红梅", "艳红", "晓丽", "美玲", "春燕", "小红",
    "丽萍", "晓霞", "雪梅", "金花", "彩霞", "晓红", "文静", "丽丽", "玉洁", "海霞", "慧敏",
    "小燕", "丽君", "建英", "雪莲", "晓敏", "红霞", "凤霞", "丽琴", "淑华", "晓琳",
};
static const char *const female_young[] = {
    "欣怡", "子涵", "诗涵", "梓涵", "雨桐", "可馨", "一诺", "思琪", "佳怡", "梓萱",
    "雨涵", "紫萱", "语嫣", "若曦", "欣妍", "梦瑶", "佳琪", "雨欣", "诗琪", "思雨",
    "嘉怡", "晓萱", "心怡", "安琪", "雅琪", "婧琪", "子琪", "梦琪", "语桐", "芷若",
};

/* Place names are a first syllable and a landform: 青山, 柳河, 石桥. */
static const char *const place_first[] = {
    "青", "柳", "石", "白", "黄", "龙", "凤", "金", "银", "马", "桃", "杨", "松",
    "竹", "梅", "兰", "清", "新", "太", "永", "安", "长", "双", "高", "大", "小",
    "东", "西", "南", "北", "红", "花", "碧", "玉", "云", "铁", "宝", "福", "平",
    "和", "兴", "古", "三", "五", "七", "九", "沙", "鹤", "鹿",
};
static const char *const place_second[] = {
    "山", "河", "桥", "坝", "沟", "湾", "岭", "溪", "坪", "塘", "林", "田", "庙", "水", "口",
    "井", "岗", "冲", "铺", "场", "寺", "滩", "堰", "池", "寨", "庄", "园", "峰", "洞", "坡",
};
static const char *const street_names[] = {
    "城关", "东城", "西城", "南城", "北城", "城南", "城北", "新城",
};
static const char *const community_names[] = {
    "幸福", "和平", "解放", "人民", "建设", "文化", "滨江", "东门", "西门", "南门",
    "北门", "新华", "光明", "胜利", "团结", "朝阳", "向阳", "花园", "锦绣", "学府",
    "健康", "民主", "工农", "红旗", "龙泉", "凤凰", "桂花", "玉带", "金鱼", "振兴",
};
static const char *const industries[] = {
    "农业发展", "建材",     "食品", "农产品加工", "物流", "电子", "纺织", "酒业",
    "茶业",     "生猪养殖", "果业", "旅游开发",   "劳务", "机械", "医药",
};

/* Real county-level division codes (Sichuan), for ID numbers and node codes.
 * The seed picks the county's own; the following ones take over if a birth
 * date ever runs out of sequence numbers. */
static const char *const region_codes[] = {
    "510321", "510322", "510421", "510422", "510521", "510522", "510524", "510525",
    "510623", "510722", "510723", "510725", "510727", "510821", "510822", "510823",
    "510824", "510921", "511024", "511025", "511123", "511321", "511322", "511323",
};
#define SEQ_PER_REGION 499 /* sequence numbers per region, date and sex */

/* Mobile prefixes of the three carriers. */
static const char *const mobile_prefixes[] = {
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180",
    "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
};

/* County-level units, in the order a small county gets them. */
static const struct {
    const char *name;  /* the unit's name */
    const char *kind;  /* code in vocab_unit_kind */
    const char *skill; /* code in vocab_skill its cadres tend to have */
    int weight;        /* relative number of cadres */
} county_units[] = {
    {"县委组织部", "department", "organising", 3},
    {"县农业农村局", "department", "agriculture", 4},
    {"县人民医院", "hospital", "medicine", 10},
    {"县第一中学", "school", "education", 8},
    {"县教育局", "department", "education", 3},
    {"县委办公室", "department", "policy", 3},
    {"县政府办公室", "department", "policy", 3},
    {"县纪委监委", "department", "law", 3},
    {"县委宣传部", "department", "speaking", 2},
    {"县公安局", "department", "law", 8},
    {"县民政局", "department", "policy", 3},
    {"县人力资源和社会保障局", "department", "policy", 3},
    {"县卫生健康局", "department", "medicine", 3},
    {"县司法局", "department", "law", 3},
    {"县财政局", "department", "policy", 3},
    {"县委统战部", "department", "organising", 2},
    {"县委政法委", "department", "law", 2},
    {"县发展和改革局", "department", "commerce", 3},
    {"县自然资源局", "department", "other", 3},
    {"县生态环境局", "department", "other", 2},
    {"县住房和城乡建设局", "department", "other", 3},
    {"县交通运输局", "department", "other", 3},
    {"县水利局", "department", "agriculture", 3},
    {"县商务局", "department", "commerce", 2},
    {"县文化广播电视和旅游局", "department", "speaking", 2},
    {"县退役军人事务局", "department", "organising", 2},
    {"县应急管理局", "department", "other", 2},
    {"县审计局", "department", "policy", 2},
    {"县市场监督管理局", "department", "law", 4},
    {"县统计局", "department", "policy", 1},
    {"县医疗保障局", "department", "medicine", 2},
    {"县林业局", "department", "agriculture", 2},
    {"县乡村振兴局", "department", "agriculture", 2},
    {"县信访局", "department", "law", 2},
    {"县中医医院", "hospital", "medicine", 6},
    {"县妇幼保健院", "hospital", "medicine", 4},
    {"县疾病预防控制中心", "institution", "medicine", 2},
    {"县第二中学", "school", "education", 6},
    {"县实验小学", "school", "education", 5},
    {"县职业高级中学", "school", "education", 4},
    {"县融媒体中心", "institution", "speaking", 2},
    {"县农业技术推广中心", "institution", "agriculture", 2},
    {"县总工会", "other", "organising", 1},
    {"县妇女联合会", "other", "organising", 1},
    {"共青团县委", "other", "organising", 1},
    {"县供电公司", "enterprise", "other", 3},
    {"县农村商业银行", "enterprise", "commerce", 3},
    {"县自来水公司", "enterprise", "other", 2},
    {"县交通投资集团有限公司", "enterprise", "commerce", 2},
    {"县城乡建设投资有限公司", "enterprise", "commerce", 2},
};

/* Needs (skills) that each household tag calls for (SPEC §2; seed 003). */
static const struct {
    const char *tag;      /* code in vocab_tag */
    const char *needs[3]; /* codes in vocab_skill */
} tag_needs[] = {
    {"low_income", {"policy", "agriculture", NULL}},
    {"five_guarantee", {"medicine", "policy", NULL}},
    {"registered_poor", {"agriculture", "commerce", "policy"}},
    {"lonely_elderly", {"medicine", NULL, NULL}},
    {"left_behind_child", {"education", NULL, NULL}},
    {"disabled", {"medicine", "policy", NULL}},
    {"out_of_school", {"education", "policy", NULL}},
    {"unemployed_labour", {"commerce", "policy", NULL}},
    {"wants_business", {"commerce", "law", NULL}},
    {"wants_training", {"education", "agriculture", NULL}},
    {"large_grower", {"agriculture", "commerce", NULL}},
    {"petitioner", {"law", "policy", NULL}},
    {"member_hardship", {"policy", "organising", NULL}},
};

/* ---- vocabulary terms, looked up once ---- */

static int term(const vocab *v, const char *code)
{
    int i = vocab_find(v, code);
    if (i < 0)
        BUG("demo: a vocabulary term is missing");
    return i;
}

static int64_t bit(const vocab *v, const char *code)
{
    return (int64_t)1 << term(v, code);
}

/* The term indexes and bits the generator uses. */
typedef struct terms {
    int male, female;                                                   /* vocab_gender */
    int r_city, r_county, r_middle, r_ordinary, r_official, r_member;   /* vocab_rank */
    int c_community, c_in_service, c_retired, c_unemployed, c_floating; /* vocab_category */
    int n_county, n_township, n_street, n_village, n_community, n_group, n_grid; /* node kinds */
    int o_committee, o_general, o_branch, o_group;        /* vocab_org_kind */
    int b_residence;                                      /* vocab_org_basis */
    int u_department, u_school, u_hospital, u_enterprise; /* vocab_unit_kind */
    int head, spouse, child, parent, grandchild;          /* vocab_relation */
    int d_none, d_easier, d_harder, d_hardest;            /* vocab_difficulty */
    int64_t low_income, five_guarantee, registered_poor, lonely_elderly, left_behind, disabled,
        migrant, out_of_school, unemployed, wants_business, wants_training, large_grower,
        petitioner, member_hardship; /* bits of vocab_tag */
    int skill_n;                     /* terms in vocab_skill */
    int surname_total;               /* sum of the surname weights */
    int tag_n;                       /* terms in vocab_tag */
    int64_t needs_of[64];            /* needs mask per tag term */
    int cadre_skill_w[16];           /* skill weights of cadres */
    int village_skill_w[16];         /* skill weights of village members */
} terms;

static void terms_init(terms *t)
{
    static const struct {
        const char *code;
        int cadre, village;
    } skill_w[] = {
        {"law", 10, 3},         {"agriculture", 12, 35}, {"medicine", 5, 4},
        {"education", 8, 6},    {"policy", 25, 10},      {"speaking", 12, 8},
        {"organising", 12, 12}, {"commerce", 8, 12},     {"other", 8, 10},
    };
    memset(t, 0, sizeof *t);
    t->male = term(&vocab_gender, "M");
    t->female = term(&vocab_gender, "F");
    t->r_city = term(&vocab_rank, "city_leader");
    t->r_county = term(&vocab_rank, "county_leader");
    t->r_middle = term(&vocab_rank, "middle");
    t->r_ordinary = term(&vocab_rank, "ordinary");
    t->r_official = term(&vocab_rank, "village_official");
    t->r_member = term(&vocab_rank, "member");
    t->c_community = term(&vocab_category, "community");
    t->c_in_service = term(&vocab_category, "in_service");
    t->c_retired = term(&vocab_category, "retired");
    t->c_unemployed = term(&vocab_category, "unemployed");
    t->c_floating = term(&vocab_category, "floating");
    t->n_county = term(&vocab_node_kind, "county");
    t->n_township = term(&vocab_node_kind, "township");
    t->n_street = term(&vocab_node_kind, "street");
    t->n_village = term(&vocab_node_kind, "village");
    t->n_community = term(&vocab_node_kind, "community");
    t->n_group = term(&vocab_node_kind, "group");
    t->n_grid = term(&vocab_node_kind, "grid");
    t->o_committee = term(&vocab_org_kind, "committee");
    t->o_general = term(&vocab_org_kind, "general_branch");
    t->o_branch = term(&vocab_org_kind, "branch");
    t->o_group = term(&vocab_org_kind, "party_group");
    t->b_residence = term(&vocab_org_basis, "residence");
    t->u_department = term(&vocab_unit_kind, "department");
    t->u_school = term(&vocab_unit_kind, "school");
    t->u_hospital = term(&vocab_unit_kind, "hospital");
    t->u_enterprise = term(&vocab_unit_kind, "enterprise");
    t->head = term(&vocab_relation, "head");
    t->spouse = term(&vocab_relation, "spouse");
    t->child = term(&vocab_relation, "child");
    t->parent = term(&vocab_relation, "parent");
    t->grandchild = term(&vocab_relation, "grandchild");
    t->d_none = term(&vocab_difficulty, "none");
    t->d_easier = term(&vocab_difficulty, "easier");
    t->d_harder = term(&vocab_difficulty, "harder");
    t->d_hardest = term(&vocab_difficulty, "hardest");
    t->low_income = bit(&vocab_tag, "low_income");
    t->five_guarantee = bit(&vocab_tag, "five_guarantee");
    t->registered_poor = bit(&vocab_tag, "registered_poor");
    t->lonely_elderly = bit(&vocab_tag, "lonely_elderly");
    t->left_behind = bit(&vocab_tag, "left_behind_child");
    t->disabled = bit(&vocab_tag, "disabled");
    t->migrant = bit(&vocab_tag, "migrant_away");
    t->out_of_school = bit(&vocab_tag, "out_of_school");
    t->unemployed = bit(&vocab_tag, "unemployed_labour");
    t->wants_business = bit(&vocab_tag, "wants_business");
    t->wants_training = bit(&vocab_tag, "wants_training");
    t->large_grower = bit(&vocab_tag, "large_grower");
    t->petitioner = bit(&vocab_tag, "petitioner");
    t->member_hardship = bit(&vocab_tag, "member_hardship");
    for (int i = 0; i < N_OF(tag_needs); i++) {
        int k = term(&vocab_tag, tag_needs[i].tag);
        for (int j = 0; j < 3 && tag_needs[i].needs[j]; j++)
            t->needs_of[k] |= bit(&vocab_skill, tag_needs[i].needs[j]);
    }
    for (int i = 0; i < N_OF(surnames); i++)
        t->surname_total += surnames[i].w;
    t->tag_n = (int)vocab_tag.n;
    t->skill_n = (int)vocab_skill.n;
    if (t->skill_n > 16 || t->tag_n > 62)
        BUG("demo: too many skills or tags");
    for (int i = 0; i < N_OF(skill_w); i++) {
        int k = term(&vocab_skill, skill_w[i].code);
        t->cadre_skill_w[k] = skill_w[i].cadre;
        t->village_skill_w[k] = skill_w[i].village;
    }
}

/* ---- the generator's state ---- */

/* A unit, as planned. */
typedef struct gunit {
    char name[NAME_LEN]; /* its name */
    int kind;            /* vocab_unit_kind term */
    int town;            /* index of its township, or -1 for the county */
    int skill;           /* vocab_skill term its cadres lean to, or -1 */
    int weight;          /* relative number of cadres */
    int gov;             /* 1 for a township government */
    int leaders_city;    /* city-managed leaders working here */
    int leaders_county;  /* county-managed leaders working here */
    int64_t cadres;      /* middle and ordinary cadres working here */
} gunit;

typedef struct gen {
    const demo_sink *sink;      /* where records go */
    uint64_t seed;              /* the seed */
    int64_t nh;                 /* households */
    terms t;                    /* vocabulary terms */
    int region;                 /* index in region_codes of the county's own code */
    char county_name[NAME_LEN]; /* 青山县 */

    int nt, nv, ng;              /* townships, villages, groups */
    int nstreet;                 /* the first nstreet townships are streets */
    int *vstart;                 /* township i has villages vstart[i] .. vstart[i+1]-1 */
    int *gstart;                 /* village v has groups gstart[v] .. gstart[v+1]-1 */
    int64_t *ghh;                /* households per group */
    int64_t *vhh;                /* households per village */
    char (*town_name)[NAME_LEN]; /* names of the townships */
    char (*vil_name)[NAME_LEN];  /* names of the villages */
    char (*town_code)[16];       /* 9-digit codes of the townships */
    int64_t *town_node, *vil_node, *grp_node; /* demo ids of the nodes */

    int nu;                                           /* units */
    gunit *units;                                     /* the units */
    int64_t *town_org, *vil_org, *grp_org, *unit_org; /* demo ids of the orgs */

    int64_t n_mid, n_ord, n_official, n_village; /* members by kind */
    int64_t next_member;                         /* demo id of the last member emitted */

    uint16_t *idcount;   /* ID sequence numbers used, per birth day and sex */
    int64_t min_day;     /* first day idcount covers */
    int64_t ndays;       /* days idcount covers */
    uint64_t phone_next; /* counter behind the phone numbers */
    uint64_t phone_mix;  /* per-seed offset of the phone numbers */
} gen;

/* ---- names ---- */

/* A two-syllable place stem: 青山. Two draws, in order. */
static void place_stem(rng *r, char *out, size_t len)
{
    int a = rng_below(r, N_OF(place_first));
    int b = rng_below(r, N_OF(place_second));
    snprintf(out, len, "%s%s", place_first[a], place_second[b]);
}

/* Chinese numeral for 1..99 (larger as digits): 三, 十二, 二十. */
static void numeral(int n, char *out, size_t len)
{
    static const char *const d[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n <= 0 || n >= 100)
        snprintf(out, len, "%d", n);
    else if (n < 10)
        snprintf(out, len, "%s", d[n]);
    else
        snprintf(out, len, "%s十%s", n >= 20 ? d[n / 10] : "", n % 10 ? d[n % 10] : "");
}

static int name_taken(char (*names)[NAME_LEN], int from, int to, const char *name)
{
    for (int i = from; i < to; i++)
        if (!strcmp(names[i], name))
            return 1;
    return 0;
}

/* A place name ending in `suffix` that none of names[from..to-1] has: from
 * `pool` when given, else (or when the pool is used up) a syllable pair. */
static void place_name(rng *r, const char *const *pool, int npool, const char *suffix,
                       char (*names)[NAME_LEN], int from, int to, char *out)
{
    char stem[32];
    for (int tries = 0; tries < 200; tries++) {
        if (pool && tries < 40)
            snprintf(stem, sizeof stem, "%s", pool[rng_below(r, npool)]);
        else
            place_stem(r, stem, sizeof stem);
        snprintf(out, NAME_LEN, "%s%s", stem, suffix);
        if (!name_taken(names, from, to, out))
            return;
    }
    for (int k = 2;; k++) { /* 青山二村: practically never needed */
        char num[16];
        numeral(k, num, sizeof num);
        snprintf(out, NAME_LEN, "%s%s%s", stem, num, suffix);
        if (!name_taken(names, from, to, out))
            return;
    }
}

static const char *pick_surname(const gen *g, rng *r)
{
    int x = rng_below(r, g->t.surname_total);
    for (int i = 0; i < N_OF(surnames); i++) {
        if (x < surnames[i].w)
            return surnames[i].s;
        x -= surnames[i].w;
    }
    return surnames[0].s;
}

/* A given name fitting the sex and the year of birth. */
static const char *pick_given(rng *r, int male, int birth_year)
{
    if (male) {
        if (birth_year < 1970)
            return male_old[rng_below(r, N_OF(male_old))];
        if (birth_year < 1995)
            return male_mid[rng_below(r, N_OF(male_mid))];
        return male_young[rng_below(r, N_OF(male_young))];
    }
    if (birth_year < 1970)
        return female_old[rng_below(r, N_OF(female_old))];
    if (birth_year < 1995)
        return female_mid[rng_below(r, N_OF(female_mid))];
    return female_young[rng_below(r, N_OF(female_young))];
}

/* ---- unique numbers ---- */

/* A mobile number no one else in the county has: the counter goes through
 * a bijection of 0 .. P*10^8-1 (P prefixes), whose value picks the prefix
 * and the last eight digits. The multiplier is prime to P*10^8 = 2^9 5^8 19. */
static void make_phone(gen *g, char out[PHONE_BUF])
{
    const uint64_t np = (uint64_t)N_OF(mobile_prefixes), space = np * 100000000u;
    uint64_t k = g->phone_next++;
    uint64_t v = (k % space * 2654435761u + g->phone_mix) % space;
    snprintf(out, PHONE_BUF, "%s%08llu", mobile_prefixes[v % np], (unsigned long long)(v / np));
}

/* A birth date in the year of life that makes someone `age` on the
 * reference date, and an ID number for it no one else in the county has:
 * per birth date and sex, the sequence numbers are handed out in order
 * (odd for men, even for women), region by region. */
static void make_identity(gen *g, rng *r, int age, int male, char idno[IDCARD_LEN + 1],
                          char birth[11])
{
    int64_t last = lx_days_from_civil(REF_Y - age, REF_M, REF_D);
    int64_t first = lx_days_from_civil(REF_Y - age - 1, REF_M, REF_D) + 1;
    int64_t day = first + rng_below(r, (int)(last - first + 1));
    int64_t cap = (int64_t)N_OF(region_codes) * SEQ_PER_REGION, idx;
    int y, m, d;
    for (int64_t tries = 0;; tries++) {
        idx = (day - g->min_day) * 2 + (male ? 1 : 0);
        if (g->idcount[idx] < cap)
            break;
        if (tries > last - first)
            BUG("demo: ID numbers exhausted");
        day = day < last ? day + 1 : first;
    }
    int c = g->idcount[idx]++;
    int region = (g->region + c / SEQ_PER_REGION) % N_OF(region_codes);
    int seq = 2 * (c % SEQ_PER_REGION) + (male ? 1 : 2);
    char buf[64];
    lx_civil_from_days(day, &y, &m, &d);
    snprintf(buf, sizeof buf, "%s%04d%02d%02d%03d", region_codes[region], y, m, d, seq);
    memcpy(idno, buf, 17);
    idno[17] = idcard_check_digit(idno);
    idno[18] = '\0';
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    memcpy(birth, buf, 10);
    birth[10] = '\0';
}

/* ---- splitting totals ---- */

/* Share `total` (>= n when min1) among n parts by weights w (out[i] gets
 * its share; w may alias out). With min1 every part gets at least one. */
static void share(int64_t total, int n, const int64_t *w, int min1, rng *r, int64_t *out)
{
    int64_t wsum = 0, given = 0, base = min1 ? 1 : 0;
    int64_t rest = total - base * n;
    for (int i = 0; i < n; i++)
        wsum += w[i];
    for (int i = 0; i < n; i++) {
        int64_t s = wsum ? rest * w[i] / wsum : 0;
        out[i] = base + s;
        given += s;
    }
    for (int64_t left = rest - given; left > 0; left--)
        out[rng_below(r, n)]++;
}

/* Share `total` among n parts with random weights lo..hi, each at least one. */
static void share_random(int64_t total, int n, int lo, int hi, rng *r, int64_t *out)
{
    for (int i = 0; i < n; i++)
        out[i] = rng_range(r, lo, hi);
    share(total, n, out, 1, r, out);
}

/* ---- the places ---- */

static void plan_places(gen *g)
{
    rng r;
    int64_t *tmp;
    char stem[32];
    rng_seed(&r, g->seed, 1);
    g->nt = (int)((g->nh + 4500) / 9000);
    if (g->nt < 2)
        g->nt = 2;
    g->nv = (int)((g->nh + 150) / 300);
    if (g->nv < g->nt)
        g->nv = g->nt;
    g->ng = (int)((g->nh + 20) / 40);
    if (g->ng < g->nv)
        g->ng = g->nv;
    g->nstreet = g->nt >= 20 ? 3 : g->nt >= 8 ? 2 : 1;
    g->region = (int)(g->seed % (uint64_t)N_OF(region_codes));
    place_stem(&r, stem, sizeof stem);
    snprintf(g->county_name, NAME_LEN, "%s县", stem);

    tmp = xcalloc((size_t)g->ng, sizeof *tmp);
    g->vstart = xcalloc((size_t)g->nt + 1, sizeof *g->vstart);
    g->gstart = xcalloc((size_t)g->nv + 1, sizeof *g->gstart);
    g->ghh = xcalloc((size_t)g->ng, sizeof *g->ghh);
    g->vhh = xcalloc((size_t)g->nv, sizeof *g->vhh);
    g->town_name = xcalloc((size_t)g->nt, sizeof *g->town_name);
    g->town_code = xcalloc((size_t)g->nt, sizeof *g->town_code);
    g->vil_name = xcalloc((size_t)g->nv, sizeof *g->vil_name);
    g->town_node = xcalloc((size_t)g->nt, sizeof *g->town_node);
    g->vil_node = xcalloc((size_t)g->nv, sizeof *g->vil_node);
    g->grp_node = xcalloc((size_t)g->ng, sizeof *g->grp_node);

    /* villages per township, groups per village, households per group */
    share_random(g->nv, g->nt, 70, 130, &r, tmp);
    for (int i = 0; i < g->nt; i++)
        g->vstart[i + 1] = g->vstart[i] + (int)tmp[i];
    share_random(g->ng, g->nv, 60, 140, &r, tmp);
    for (int v = 0; v < g->nv; v++)
        g->gstart[v + 1] = g->gstart[v] + (int)tmp[v];
    share_random(g->nh, g->ng, 60, 140, &r, g->ghh);
    for (int v = 0; v < g->nv; v++)
        for (int k = g->gstart[v]; k < g->gstart[v + 1]; k++)
            g->vhh[v] += g->ghh[k];

    /* names: streets of the county seat first, then towns (镇) and townships (乡) */
    for (int i = 0; i < g->nt; i++) {
        int street = i < g->nstreet, vs = g->vstart[i], ve = g->vstart[i + 1];
        if (street)
            snprintf(g->town_name[i], NAME_LEN, "%s街道", street_names[i % N_OF(street_names)]);
        else
            place_name(&r, NULL, 0, rng_pm(&r, 700) ? "镇" : "乡", g->town_name, 0, i,
                       g->town_name[i]);
        /* division codes: streets 0xx, towns 1xx; communities 0xx, villages 2xx */
        snprintf(g->town_code[i], sizeof g->town_code[i], "%s%03d", region_codes[g->region],
                 street ? 1 + i : 100 + (i - g->nstreet) % 900);
        for (int v = vs; v < ve; v++) {
            if (street)
                place_name(&r, community_names, N_OF(community_names), "社区", g->vil_name, vs, v,
                           g->vil_name[v]);
            else
                place_name(&r, NULL, 0, "村", g->vil_name, vs, v, g->vil_name[v]);
        }
    }
    free(tmp);
}

static lx_status emit_places(gen *g)
{
    const terms *t = &g->t;
    lx_status rc = LX_OK;
    int64_t id = 0;
    char name[NAME_LEN], code[16], num[16];
    demo_node n;

    snprintf(code, sizeof code, "%s000000", region_codes[g->region]);
    n = (demo_node){++id, 0, 1, t->n_county, g->county_name, code};
    if (g->sink->node && (rc = g->sink->node(g->sink->ctx, &n)))
        return rc;
    for (int i = 0; i < g->nt; i++) {
        int street = i < g->nstreet;
        g->town_node[i] = ++id;
        snprintf(code, sizeof code, "%s000", g->town_code[i]);
        n = (demo_node){id, 1, 2, street ? t->n_street : t->n_township, g->town_name[i], code};
        if (g->sink->node && (rc = g->sink->node(g->sink->ctx, &n)))
            return rc;
        for (int v = g->vstart[i]; v < g->vstart[i + 1]; v++) {
            int k = v - g->vstart[i];
            g->vil_node[v] = ++id;
            snprintf(code, sizeof code, "%s%03d", g->town_code[i],
                     street ? 1 + k % 199 : 200 + k % 600);
            n = (demo_node){
                id,  g->town_node[i], 3, street ? t->n_community : t->n_village, g->vil_name[v],
                code};
            if (g->sink->node && (rc = g->sink->node(g->sink->ctx, &n)))
                return rc;
            for (int k2 = g->gstart[v]; k2 < g->gstart[v + 1]; k2++) {
                g->grp_node[k2] = ++id;
                numeral(k2 - g->gstart[v] + 1, num, sizeof num);
                snprintf(name, sizeof name, "第%s%s", num, street ? "网格" : "村民小组");
                n = (demo_node){id, g->vil_node[v], 4, street ? t->n_grid : t->n_group, name, NULL};
                if (g->sink->node && (rc = g->sink->node(g->sink->ctx, &n)))
                    return rc;
            }
        }
    }
    return rc;
}

/* ---- units ---- */

static int unit_taken(const gen *g, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(g->units[i].name, name))
            return 1;
    return 0;
}

static void plan_units(gen *g)
{
    rng r;
    int n = 0, ntown = 3 * g->nt;
    rng_seed(&r, g->seed, 2);
    g->nu = (int)((g->nh + 500) / 1000);
    if (g->nu < 5)
        g->nu = 5;
    g->units = xcalloc((size_t)g->nu, sizeof *g->units);
    for (int i = 0; i < N_OF(county_units) && n < g->nu; i++, n++) {
        gunit *u = &g->units[n];
        snprintf(u->name, NAME_LEN, "%s", county_units[i].name);
        u->kind = term(&vocab_unit_kind, county_units[i].kind);
        u->skill = term(&vocab_skill, county_units[i].skill);
        u->weight = county_units[i].weight;
        u->town = -1;
    }
    /* each township's government, school and clinic, township by township */
    for (int k = 0; k < ntown && n < g->nu; k++, n++) {
        gunit *u = &g->units[n];
        int i = k / 3, street = i < g->nstreet;
        u->town = i;
        switch (k % 3) {
        case 0:
            snprintf(u->name, NAME_LEN, "%s%s", g->town_name[i], street ? "办事处" : "人民政府");
            u->kind = g->t.u_department;
            u->skill = term(&vocab_skill, "policy");
            u->weight = 3;
            u->gov = 1;
            break;
        case 1:
            snprintf(u->name, NAME_LEN, "%s%s", g->town_name[i], street ? "小学" : "中心小学");
            u->kind = g->t.u_school;
            u->skill = term(&vocab_skill, "education");
            u->weight = 2;
            break;
        default:
            snprintf(u->name, NAME_LEN, "%s%s", g->town_name[i],
                     street ? "社区卫生服务中心" : "卫生院");
            u->kind = g->t.u_hospital;
            u->skill = term(&vocab_skill, "medicine");
            u->weight = 2;
            break;
        }
    }
    /* then enterprises in the townships */
    for (int k = 0; n < g->nu; k++, n++) {
        gunit *u = &g->units[n];
        const char *ind = industries[rng_below(&r, N_OF(industries))];
        for (int tries = 0;; tries++) {
            char stem[32];
            place_stem(&r, stem, sizeof stem);
            if (tries < 50)
                snprintf(u->name, NAME_LEN, "%s%s有限公司", stem, ind);
            else
                snprintf(u->name, NAME_LEN, "%s%s%d有限公司", stem, ind, tries);
            if (!unit_taken(g, n, u->name))
                break;
        }
        u->kind = g->t.u_enterprise;
        u->skill = term(&vocab_skill, strstr(ind, "农") || strstr(ind, "养") || strstr(ind, "果") ||
                                              strstr(ind, "茶")
                                          ? "agriculture"
                                          : "commerce");
        u->weight = 1;
        u->town = k % g->nt;
    }
}

static lx_status emit_units(gen *g)
{
    lx_status rc = LX_OK;
    for (int i = 0; i < g->nu && g->sink->unit; i++) {
        const gunit *u = &g->units[i];
        demo_unit du = {i + 1, u->town < 0 ? 1 : g->town_node[u->town], u->kind, u->name};
        if ((rc = g->sink->unit(g->sink->ctx, &du)))
            break;
    }
    return rc;
}

/* ---- party organisations ---- */

static lx_status emit_org(gen *g, int64_t *id, int64_t node, int64_t parent, int kind, int basis,
                          const char *name)
{
    demo_org o = {++*id, node, parent, kind, basis, name};
    return g->sink->org ? g->sink->org(g->sink->ctx, &o) : LX_OK;
}

static lx_status emit_orgs(gen *g)
{
    const terms *t = &g->t;
    lx_status rc = LX_OK;
    int64_t id = 0;
    char name[NAME_LEN * 2], num[16];
    g->town_org = xcalloc((size_t)g->nt, sizeof *g->town_org);
    g->vil_org = xcalloc((size_t)g->nv, sizeof *g->vil_org);
    g->grp_org = xcalloc((size_t)g->ng, sizeof *g->grp_org);
    g->unit_org = xcalloc((size_t)g->nu, sizeof *g->unit_org);
    for (int i = 0; i < g->nt; i++) {
        int street = i < g->nstreet;
        snprintf(name, sizeof name, "%s%s", g->town_name[i], street ? "党工委" : "党委");
        if ((rc = emit_org(g, &id, g->town_node[i], 0, t->o_committee, -1, name)))
            return rc;
        g->town_org[i] = id;
        for (int v = g->vstart[i]; v < g->vstart[i + 1]; v++) {
            /* a large village has a general branch (党总支) */
            int big = g->gstart[v + 1] - g->gstart[v] >= 9;
            snprintf(name, sizeof name, "%s%s", g->vil_name[v], big ? "党总支" : "党支部");
            if ((rc = emit_org(g, &id, g->vil_node[v], g->town_org[i],
                               big ? t->o_general : t->o_branch, -1, name)))
                return rc;
            g->vil_org[v] = id;
            for (int k = g->gstart[v]; k < g->gstart[v + 1]; k++) {
                numeral(k - g->gstart[v] + 1, num, sizeof num);
                snprintf(name, sizeof name, "%s第%s党小组", g->vil_name[v], num);
                if ((rc = emit_org(g, &id, g->grp_node[k], g->vil_org[v], t->o_group,
                                   t->b_residence, name)))
                    return rc;
                g->grp_org[k] = id;
            }
        }
    }
    for (int u = 0; u < g->nu; u++) {
        const gunit *gu = &g->units[u];
        snprintf(name, sizeof name, "%s党支部", gu->name);
        if ((rc = emit_org(g, &id, gu->town < 0 ? 1 : g->town_node[gu->town],
                           gu->town < 0 ? 0 : g->town_org[gu->town], t->o_branch, -1, name)))
            return rc;
        g->unit_org[u] = id;
    }
    return rc;
}

/* ---- members ---- */

static int64_t pick_skills(const gen *g, rng *r, int cadre, int hint)
{
    const int *w = cadre ? g->t.cadre_skill_w : g->t.village_skill_w;
    static const int count_w[] = {30, 45, 25};
    int n = rng_pick(r, count_w, 3);
    int64_t m = 0;
    for (int i = 0; i < n; i++) {
        int s = (i == 0 && hint >= 0 && rng_pm(r, 600)) ? hint : rng_pick(r, w, g->t.skill_n);
        if (m & ((int64_t)1 << s)) /* the same one twice: one skill it is */
            break;
        m |= (int64_t)1 << s;
    }
    return m;
}

/* Emit one member with a fresh name and phone. */
static lx_status emit_member(gen *g, rng *r, demo_member *m, int male_pm, int cadre, int hint)
{
    char name[PERSON_LEN], phone[PHONE_BUF];
    static const int era_cadre[] = {20, 70, 10}, era_village[] = {45, 40, 15};
    static const int era_year[] = {1960, 1980, 1997};
    int male = rng_pm(r, male_pm);
    int era = rng_pick(r, cadre ? era_cadre : era_village, 3);
    const char *surname = pick_surname(g, r);
    snprintf(name, sizeof name, "%s%s", surname, pick_given(r, male, era_year[era]));
    make_phone(g, phone);
    m->id = ++g->next_member;
    m->name = name;
    m->gender = male ? g->t.male : g->t.female;
    m->phone = phone;
    m->skills = pick_skills(g, r, cadre, hint);
    return g->sink->member ? g->sink->member(g->sink->ctx, m) : LX_OK;
}

static lx_status emit_cadres(gen *g, rng *r)
{
    const terms *t = &g->t;
    int64_t mid_left = g->n_mid, ord_left = g->n_ord;
    lx_status rc = LX_OK;
    for (int u = 0; u < g->nu; u++) {
        const gunit *gu = &g->units[u];
        int64_t total = gu->leaders_city + gu->leaders_county + gu->cadres;
        for (int64_t i = 0; i < total; i++) {
            demo_member m = {0};
            if (i < gu->leaders_city) {
                m.rank = t->r_city;
            } else if (i < gu->leaders_city + gu->leaders_county) {
                m.rank = t->r_county;
            } else if ((i == 0 && mid_left > 0) || ord_left == 0) {
                m.rank = t->r_middle; /* a unit's head is a section-level cadre */
                mid_left--;
            } else if (mid_left > 0 && rng_below(r, (int)(mid_left + ord_left)) < mid_left) {
                m.rank = t->r_middle;
                mid_left--;
            } else {
                m.rank = t->r_ordinary;
                ord_left--;
            }
            m.unit_id = u + 1;
            m.org_id = g->unit_org[u];
            if (i == 0)
                m.leads_org_id = gu->gov ? g->town_org[gu->town] : g->unit_org[u];
            else if (i == 1 && gu->gov)
                m.leads_org_id = g->unit_org[u];
            /* cadres live at the county seat or in a township */
            if (gu->town >= 0)
                m.node_id = g->town_node[gu->town];
            else
                m.node_id =
                    g->town_node[rng_pm(r, 600) ? rng_below(r, g->nstreet) : rng_below(r, g->nt)];
            m.category = t->c_in_service;
            if ((rc = emit_member(g, r, &m, 700, 1, gu->skill)))
                return rc;
        }
    }
    return rc;
}

static lx_status emit_village_members(gen *g, rng *r)
{
    const terms *t = &g->t;
    static const int cat_w[] = {55, 25, 12, 8};
    const int cats[] = {t->c_community, t->c_retired, t->c_floating, t->c_unemployed};
    int64_t *per = xcalloc((size_t)g->nv, sizeof *per);
    int maxg = 0;
    int64_t official_done = 0;
    lx_status rc = LX_OK;
    char *led;
    int *gw;

    for (int v = 0; v < g->nv; v++)
        if (g->gstart[v + 1] - g->gstart[v] > maxg)
            maxg = g->gstart[v + 1] - g->gstart[v];
    led = xcalloc((size_t)maxg, 1);
    gw = xcalloc((size_t)maxg, sizeof *gw);
    share(g->n_village, g->nv, g->vhh, g->n_village >= g->nv, r, per);

    for (int v = 0; v < g->nv && !rc; v++) {
        int g0 = g->gstart[v], ngrp = g->gstart[v + 1] - g0;
        /* officials are spread evenly over the villages */
        int64_t off = (int64_t)(v + 1) * g->n_official / g->nv - official_done;
        if (off > per[v])
            off = per[v];
        official_done += off;
        memset(led, 0, (size_t)maxg);
        for (int k = 0; k < ngrp; k++)
            gw[k] = (int)g->ghh[g0 + k];
        for (int64_t i = 0; i < per[v] && !rc; i++) {
            demo_member m = {0};
            int64_t ordinary_index = i - off;
            if (i < off) {
                m.rank = t->r_official;
                m.node_id = g->vil_node[v];
                m.org_id = g->vil_org[v];
                m.category = t->c_in_service;
                if (i == 0 && per[v] == off)
                    m.leads_org_id = g->vil_org[v]; /* nobody else to be secretary */
            } else {
                int k = rng_pick(r, gw, ngrp);
                m.rank = t->r_member;
                m.node_id = g->grp_node[g0 + k];
                m.org_id = g->grp_org[g0 + k];
                if (ordinary_index == 0) {
                    m.leads_org_id = g->vil_org[v]; /* the branch secretary */
                    m.category = t->c_community;
                } else {
                    m.category = cats[rng_pick(r, cat_w, 4)];
                    if (!led[k]) {
                        m.leads_org_id = g->grp_org[g0 + k];
                        led[k] = 1;
                    }
                }
            }
            rc = emit_member(g, r, &m, 720, 0, -1);
        }
    }
    free(led);
    free(gw);
    free(per);
    return rc;
}

static lx_status emit_members(gen *g)
{
    rng r;
    int64_t m = (g->nh * 2 + 15) / 30, n_city, n_county, cadres, *w;
    int ndept = 0, k = 0;
    lx_status rc;
    rng_seed(&r, g->seed, 3);
    n_city = m / 4000 > 1 ? m / 4000 : 1;
    n_county = m / 500 > 1 ? m / 500 : 1;
    g->n_mid = m / 10 > 1 ? m / 10 : 1;
    g->n_ord = m * 3 / 10 > 1 ? m * 3 / 10 : 1;
    g->n_official = g->nv / 4 > 1 ? g->nv / 4 : 1;
    g->n_village = m - n_city - n_county - g->n_mid - g->n_ord;
    if (g->n_village < g->nv) { /* small counties: every village needs a secretary */
        int64_t short_by = g->nv - g->n_village;
        g->n_ord -= short_by < g->n_ord - 1 ? short_by : g->n_ord - 1;
        g->n_village = m - n_city - n_county - g->n_mid - g->n_ord;
    }
    if (g->n_official >= g->n_village)
        g->n_official = g->n_village / 2;

    /* the leaders work in the county's departments, in turn */
    for (int u = 0; u < g->nu; u++)
        if (g->units[u].town < 0 && g->units[u].kind == g->t.u_department)
            ndept++;
    for (int64_t i = 0; i < n_city + n_county && ndept > 0; i++) {
        int target = (int)(i % ndept), seen = 0;
        for (k = 0; k < g->nu; k++)
            if (g->units[k].town < 0 && g->units[k].kind == g->t.u_department && seen++ == target)
                break;
        if (i < n_city)
            g->units[k].leaders_city++;
        else
            g->units[k].leaders_county++;
    }
    /* middle and ordinary cadres by the units' weights */
    cadres = g->n_mid + g->n_ord;
    w = xcalloc((size_t)g->nu, sizeof *w);
    for (int u = 0; u < g->nu; u++)
        w[u] = g->units[u].weight;
    share(cadres, g->nu, w, cadres >= g->nu, &r, w);
    for (int u = 0; u < g->nu; u++)
        g->units[u].cadres = w[u];
    free(w);

    rc = emit_cadres(g, &r);
    if (!rc)
        rc = emit_village_members(g, &r);
    return rc;
}

/* ---- households and residents ---- */

/* A resident being made up. */
typedef struct person {
    int relation;        /* vocab_relation term */
    int male;            /* 1 or 0 */
    int age;             /* years on the reference date */
    const char *surname; /* family name */
} person;

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* A household being composed. Every draw is a statement of its own: the
 * order of evaluation inside one expression is unspecified in C, and the
 * stream must not depend on the compiler. */
typedef struct family {
    const gen *g;     /* the generator */
    rng *r;           /* its household stream */
    person *p;        /* the people so far */
    int n;            /* how many */
    int head_male;    /* the head is a man */
    const char *hs;   /* the head's surname */
    const char *ss;   /* the spouse's surname */
    const char *kids; /* the children's surname: the father's */
} family;

static void add(family *f, int relation, int male, int age, const char *surname)
{
    f->p[f->n++] = (person){relation, male, clamp(age, 0, MAX_AGE), surname};
}

static void add_spouse(family *f, int hage)
{
    int diff = rng_range(f->r, -2, 5); /* husbands tend to be older */
    add(f, f->g->t.spouse, !f->head_male, f->head_male ? hage - diff : hage + diff, f->ss);
}

static void add_child(family *f, int hage)
{
    int male = rng_pm(f->r, 520);
    int gap = rng_range(f->r, 22, 34);
    add(f, f->g->t.child, male, hage - gap, f->kids);
}

static void add_grandchild(family *f)
{
    int male = rng_pm(f->r, 520);
    int age = rng_range(f->r, 2, 15);
    add(f, f->g->t.grandchild, male, age, f->kids);
}

/* A parent of the head: the father shares the head's surname. */
static void add_parent(family *f, int hage, int male)
{
    int gap = rng_range(f->r, 22, 32);
    const char *surname = male ? f->hs : pick_surname(f->g, f->r);
    add(f, f->g->t.parent, male, hage + gap, surname);
}

/* Fill p[] with a plausible household; returns how many, sets *kind:
 * 0 ordinary, 1 elderly alone, 2 grandparents with grandchildren. */
static int compose(const gen *g, rng *r, person *p, int *kind)
{
    const terms *t = &g->t;
    static const int size_w[] = {120, 220, 250, 220, 120, 70};
    family f = {g, r, p, 0, 0, NULL, NULL, NULL};
    int size = 1 + rng_pick(r, size_w, 6), hage, x;
    f.head_male = rng_pm(r, 780);
    f.hs = pick_surname(g, r);
    f.ss = pick_surname(g, r);
    f.kids = f.head_male ? f.hs : f.ss;
    *kind = 0;

    switch (size) {
    case 1:
        if (rng_pm(r, 400)) { /* an old person alone, more often a widow */
            int male = rng_pm(r, 450);
            *kind = 1;
            add(&f, t->head, male, rng_range(r, 66, 92), f.hs);
        } else {
            add(&f, t->head, f.head_male, rng_range(r, 24, 64), f.hs);
        }
        break;
    case 2:
        x = rng_below(r, 100);
        if (x < 80) { /* an old couple, or a middle-aged one */
            hage = x < 50 ? rng_range(r, 60, 86) : rng_range(r, 35, 60);
            add(&f, t->head, f.head_male, hage, f.hs);
            add_spouse(&f, hage);
        } else { /* a parent alone with a child */
            hage = rng_range(r, 28, 52);
            add(&f, t->head, f.head_male, hage, f.hs);
            f.kids = f.hs;
            add_child(&f, hage);
        }
        break;
    case 3:
    case 4:
        x = rng_below(r, 100);
        if (x < 6) { /* grandparents with the children of parents working away */
            *kind = 2;
            hage = rng_range(r, 55, 75);
            add(&f, t->head, f.head_male, hage, f.hs);
            add_spouse(&f, hage);
            while (f.n < size)
                add_grandchild(&f);
        } else if (x < 30) { /* a couple with one of their parents */
            hage = rng_range(r, 32, 56);
            add(&f, t->head, f.head_male, hage, f.hs);
            add_spouse(&f, hage);
            if (size == 4)
                add_child(&f, hage);
            add_parent(&f, hage, rng_pm(r, 380));
        } else {
            hage = rng_range(r, 25, 58);
            add(&f, t->head, f.head_male, hage, f.hs);
            add_spouse(&f, hage);
            while (f.n < size)
                add_child(&f, hage);
        }
        break;
    default: { /* 5 or 6: three generations */
        int parents = size == 6 || rng_pm(r, 500) ? 2 : 1;
        hage = rng_range(r, 30, 55);
        add(&f, t->head, f.head_male, hage, f.hs);
        add_spouse(&f, hage);
        for (int i = 0; i < parents; i++)
            add_parent(&f, hage, parents == 2 ? i == 0 : rng_pm(r, 380));
        while (f.n < size)
            add_child(&f, hage);
        break;
    }
    }
    return f.n;
}

/* Tags, difficulty and needs of a household of n people p[]. */
static void classify(const gen *g, rng *r, const person *p, int n, int kind, int urban,
                     demo_household *h)
{
    const terms *t = &g->t;
    int working = 0, school_child = 0, d;
    int64_t tags = 0;
    for (int i = 0; i < n; i++) {
        if (p[i].age >= 18 && p[i].age <= 55)
            working = 1;
        if (p[i].age >= 6 && p[i].age <= 15)
            school_child = 1;
    }
    if (kind == 1 && rng_pm(r, 450)) {
        tags |= t->lonely_elderly;
        if (rng_pm(r, 450))
            tags |= t->five_guarantee;
    }
    if (kind == 2)
        tags |= t->left_behind | t->migrant;
    else if (working && rng_pm(r, urban ? 250 : 345))
        tags |= t->migrant;

    /* difficulty tier, leaning on what the household already is */
    if (tags & t->five_guarantee) {
        static const int w[] = {0, 10, 40, 50};
        d = rng_pick(r, w, 4);
    } else if (tags & t->lonely_elderly) {
        static const int w[] = {20, 30, 30, 20};
        d = rng_pick(r, w, 4);
    } else if (kind == 2) {
        static const int w[] = {50, 30, 15, 5};
        d = rng_pick(r, w, 4);
    } else {
        static const int w[] = {710, 150, 95, 45};
        d = rng_pick(r, w, 4);
    }
    /* tags that go with hardship, by tier: none, easier, harder, hardest */
    {
        static const int poor[] = {0, 30, 100, 350}, low[] = {15, 80, 200, 400},
                         dis[] = {20, 50, 100, 200}, unemp[] = {25, 50, 80, 100};
        if (rng_pm(r, poor[d]))
            tags |= t->registered_poor;
        if (rng_pm(r, low[d]))
            tags |= t->low_income;
        if (rng_pm(r, dis[d]))
            tags |= t->disabled;
        if (working && !(tags & t->migrant) && rng_pm(r, unemp[d]))
            tags |= t->unemployed;
        if (school_child && rng_pm(r, d >= 2 ? 30 : 3))
            tags |= t->out_of_school;
        if (rng_pm(r, d == 3 ? 20 : 3))
            tags |= t->member_hardship;
    }
    if (working && rng_pm(r, 20))
        tags |= t->wants_business;
    if (working && rng_pm(r, 30))
        tags |= t->wants_training;
    if (working && !urban && d == 0 && rng_pm(r, 30))
        tags |= t->large_grower;
    if (rng_pm(r, 2))
        tags |= t->petitioner;

    h->tags = tags;
    h->difficulty = d == 0 ? t->d_none : d == 1 ? t->d_easier : d == 2 ? t->d_harder : t->d_hardest;
    h->needs = 0;
    for (int i = 0; i < t->tag_n; i++)
        if (tags & ((int64_t)1 << i))
            h->needs |= t->needs_of[i];
}

static lx_status emit_household(gen *g, rng *r, int64_t hid, int64_t *rid, int town, int v, int k,
                                int64_t no)
{
    const terms *t = &g->t;
    int urban = town < g->nstreet, kind = 0;
    person p[MAX_RESIDENTS];
    char names[MAX_RESIDENTS][PERSON_LEN], ids[MAX_RESIDENTS][IDCARD_LEN + 1];
    char births[MAX_RESIDENTS][11], phones[MAX_RESIDENTS][PHONE_BUF], address[NAME_LEN * 3];
    demo_resident res[MAX_RESIDENTS];
    demo_household h = {0};
    lx_status rc = LX_OK;
    int n = compose(g, r, p, &kind);

    for (int i = 0; i < n; i++) {
        make_identity(g, r, p[i].age, p[i].male, ids[i], births[i]);
        snprintf(names[i], PERSON_LEN, "%s%s", p[i].surname,
                 pick_given(r, p[i].male, REF_Y - p[i].age));
        int has_phone = p[i].age >= 18 && rng_pm(r, p[i].age < 70 ? 920 : 450);
        if (has_phone)
            make_phone(g, phones[i]);
        res[i] = (demo_resident){++*rid,       hid,       names[i], p[i].male ? t->male : t->female,
                                 p[i].age,     births[i], ids[i],   has_phone ? phones[i] : NULL,
                                 p[i].relation};
    }
    snprintf(address, sizeof address, "%s%s%d%s%lld号", g->town_name[town], g->vil_name[v],
             k - g->gstart[v] + 1, urban ? "网格" : "组", (long long)no);
    h.id = hid;
    h.node_id = g->grp_node[k];
    h.address = address;
    h.head_name = names[0];
    h.nresidents = n;
    classify(g, r, p, n, kind, urban, &h);
    if (g->sink->household)
        rc = g->sink->household(g->sink->ctx, &h);
    for (int i = 0; i < n && !rc && g->sink->resident; i++)
        rc = g->sink->resident(g->sink->ctx, &res[i]);
    return rc;
}

static lx_status emit_households(gen *g)
{
    rng r;
    int64_t hid = 0, rid = 0;
    lx_status rc = LX_OK;
    rng_seed(&r, g->seed, 4);
    for (int i = 0; i < g->nt && !rc; i++)
        for (int v = g->vstart[i]; v < g->vstart[i + 1] && !rc; v++)
            for (int k = g->gstart[v]; k < g->gstart[v + 1] && !rc; k++)
                for (int64_t no = 1; no <= g->ghh[k] && !rc; no++)
                    rc = emit_household(g, &r, ++hid, &rid, i, v, k, no);
    return rc;
}

/* ---- the whole county ---- */

static void gen_release(gen *g)
{
    free(g->vstart);
    free(g->gstart);
    free(g->ghh);
    free(g->vhh);
    free(g->town_name);
    free(g->town_code);
    free(g->vil_name);
    free(g->town_node);
    free(g->vil_node);
    free(g->grp_node);
    free(g->units);
    free(g->town_org);
    free(g->vil_org);
    free(g->grp_org);
    free(g->unit_org);
    free(g->idcount);
}

lx_status demo_generate(int64_t households, uint64_t seed, const demo_sink *sink)
{
    gen g;
    lx_status rc = LX_OK;
    uint64_t x = seed;

    memset(&g, 0, sizeof g);
    if (households < DEMO_MIN_HOUSEHOLDS || households > DEMO_MAX_HOUSEHOLDS)
        return LX_EINVAL;
    g.sink = sink;
    g.seed = seed;
    g.nh = households;
    terms_init(&g.t);
    g.min_day = lx_days_from_civil(REF_Y - MAX_AGE - 1, REF_M, REF_D);
    g.ndays = lx_days_from_civil(REF_Y, REF_M, REF_D) - g.min_day + 1;
    g.idcount = xcalloc((size_t)g.ndays * 2, sizeof *g.idcount);
    g.phone_mix = splitmix64(&x) % ((uint64_t)N_OF(mobile_prefixes) * 100000000u);

    plan_places(&g);
    plan_units(&g);
    rc = emit_places(&g);
    if (rc)
        goto out;
    rc = emit_units(&g);
    if (rc)
        goto out;
    rc = emit_orgs(&g);
    if (rc)
        goto out;
    rc = emit_members(&g);
    if (rc)
        goto out;
    rc = emit_households(&g);
out:
    gen_release(&g);
    return rc;
}
