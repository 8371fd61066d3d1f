/* cases_demo.c -- a demo county's requests from the people, made through the same store
 * calls as the API's, so that every case, event and audit record is one a user could make. */
#include "store/cases.h"

#include "core/vocab.h"
#include "store/query.h"

#include <string.h>

/* A member at or under the case's current place, or 0. */
static int64_t member_under(db *d, int64_t county, int64_t case_id)
{
    int64_t m = 0;
    if (store_scalar(d,
                     "SELECT m.id FROM cases c JOIN nodes n ON n.id = c.node_id JOIN members m"
                     " ON m.county_id = c.county_id AND m.active = 1 AND m.path >= n.path AND"
                     " m.path < n.path || x'f48fbfbf' WHERE c.id = ? AND c.county_id = ?"
                     " ORDER BY m.id LIMIT 1",
                     case_id, county, NULL, &m))
        return 0;
    return m;
}

static lx_status act(db *d, const principal *who, int64_t id, case_event ev, const char *text,
                     int rating, int64_t member)
{
    case_act_in in;
    lx_error e;
    memset(&in, 0, sizeof in);
    in.ev = ev;
    in.text = text;
    in.rating = rating;
    in.member_id = member;
    return cases_act(d, who, "cli", id, &in, &e);
}

lx_status cases_demo(db *d, const principal *who, int count, int *made)
{
    static const char *const texts[] = {
        "村里的自来水这几天水压很低，做饭都不够用",     "村道上的路灯坏了，晚上出门看不见路",
        "家里老人腿脚不便，想问问居家养老服务怎么申请", "孩子明年上初中，想了解就近入学的政策",
        "想找一份离家近的工作，希望有技能培训",         "低保年审需要准备哪些材料",
        "邻居家改建占了我家的出路，协商不成",           "种的柑橘今年病虫害严重，想请技术员看看",
    };
    static const char *const cats[] = {"water",      "roads",           "elderly_care", "schooling",
                                       "employment", "social_security", "dispute",      "farming"};
    int64_t n = 0;
    *made = 0;
    lx_status rc = store_scalar(d,
                                "SELECT count(*) FROM households WHERE county_id = ? AND"
                                " active = 1 AND ? = 0",
                                who->county_id, 0, NULL, &n);
    if (rc || n == 0 || count <= 0)
        return rc;
    int64_t step = n / count > 0 ? n / count : 1;
    for (int i = 0; i < count && !rc; i++) {
        int64_t hh = 0, id = 0;
        rc = store_scalar(d,
                          "SELECT id FROM households WHERE county_id = ? AND active = 1"
                          " ORDER BY id LIMIT 1 OFFSET ?",
                          who->county_id, (i * step) % n, NULL, &hh);
        if (rc || !hh)
            break;
        case_open_in in;
        char code[CASE_CODE_LEN + 1];
        lx_error e;
        memset(&in, 0, sizeof in);
        in.channel = vocab_find(&vocab_case_channel, i % 3 ? "visit" : "reception");
        in.category = vocab_find(&vocab_request_category, cats[i % 8]);
        in.priority = vocab_find(&vocab_case_priority, i % 11 == 5 ? "complex" : "ordinary");
        in.text = texts[i % 8];
        in.household_id = hh;
        rc = cases_open(d, who, "cli", &in, &id, code, &e);
        if (rc)
            break;
        (*made)++;
        principal home = {0, NULL, ROLE_RESIDENT, who->county_id, 0, NULL, 0, 0, hh};
        int64_t m = member_under(d, who->county_id, id);
        int stage = i % 8; /* how far along this one is */
        if (stage == 0)
            continue; /* received */
        if (stage == 7) {
            rc = act(d, who, id, CE_ESCALATE, "需要乡镇协调解决", 0, 0);
            continue;
        }
        if (!m)
            continue;
        rc = act(d, who, id, CE_ASSIGN, NULL, 0, m);
        if (!rc && stage >= 2)
            rc = act(d, who, id, CE_START, NULL, 0, 0);
        if (!rc && stage >= 2)
            rc = act(d, who, id, CE_REPLY, "已收到，正在联系相关部门", 0, 0);
        if (!rc && stage == 3)
            rc = act(d, who, id, CE_WAIT, "请补充相关证明材料的照片", 0, 0);
        if (!rc && stage >= 4 && stage != 3)
            rc = act(d, who, id, CE_RESOLVE, "已上门处理，问题已解决", 0, 0);
        if (!rc && stage == 5)
            rc = act(d, &home, id, CE_RATE, "谢谢，很满意", RATING_SATISFIED, 0);
        if (!rc && stage == 6)
            rc = act(d, &home, id, CE_RATE, "问题还没有彻底解决", RATING_UNSATISFIED, 0);
    }
    return rc;
}
