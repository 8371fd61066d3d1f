/* case_html.c -- the resident's side of cases and the public board as plain HTML. */
#include "io/case_html.h"

#include "core/vocab.h"
#include "io/card_html.h"
#include "util/timeutil.h"

#include <string.h>

const char case_html_css[] =
    "label{display:block;font-size:17px;margin:12px 0 4px}"
    "select,textarea,input[type=tel],input[type=file]{width:100%;font-size:18px;padding:10px;"
    "border:1px solid #bbb;border-radius:8px;background:#fff}"
    "textarea{min-height:120px}"
    "button{display:block;width:100%;margin-top:16px;min-height:52px;font-size:20px;"
    "background:#c00000;color:#fff;border:0;border-radius:10px}"
    ".radio label{display:flex;align-items:center;min-height:48px;margin:0;font-size:19px}"
    ".radio input{width:24px;height:24px;margin-right:10px}"
    "ul.cases{list-style:none;padding:0;margin:0}"
    "ul.cases li{border-top:1px solid #eee}"
    "ul.cases a{display:block;padding:12px 0;min-height:48px;color:#222;text-decoration:none}"
    ".state{float:right;color:#b00000}"
    ".code{font-size:22px;font-weight:bold;letter-spacing:2px}"
    "ol.steps{padding-left:20px;margin:0}"
    "ol.steps li{margin:8px 0}"
    ".when{color:#666;font-size:16px}"
    ".notice{background:#e8f5e9;border-radius:8px;padding:12px;font-size:18px}"
    ".late{color:#b00000}"
    "img.photo{max-width:100%;border-radius:8px;margin:8px 0}"
    "nav a{display:inline-block;margin-right:16px;padding:12px 0;min-height:48px}";

static const char *label(const vocab *v, const char *code)
{
    int i = code ? vocab_find(v, code) : -1;
    return i < 0 ? (code ? code : "") : v->terms[i].zh;
}

static const char *str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An ISO time from the store ("2026-11-23T08:00:00Z") as county-local "11月23日 16:00". */
static void local_time(strbuf *sb, const char *iso, int utc_offset)
{
    int64_t t = 0;
    if (!iso || lx_parse_time(iso, 0, &t) != 0)
        return;
    t += utc_offset;
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t sec = t - days * 86400;
    int y, m, d;
    lx_civil_from_days(days, &y, &m, &d);
    strbuf_addf(sb, "%d年%d月%d日 %02d:%02d", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60));
}

void case_html_resident_section(strbuf *sb, const char *base, const json_t *cases, int photos_max,
                                int utc_offset)
{
    strbuf_adds(sb, "<section class=\"who\" id=\"ask\"><h2>有事请说（提交诉求）</h2>"
                    "<form method=\"post\" enctype=\"multipart/form-data\" action=\"");
    card_html_escape(sb, base);
    strbuf_adds(sb, "/cases\"><label for=\"category\">哪方面的事</label>"
                    "<select id=\"category\" name=\"category\">");
    for (size_t i = 0; i < vocab_request_category.n; i++) {
        const vocab_term *t = &vocab_request_category.terms[i];
        strbuf_addf(sb, "<option value=\"%s\"%s>", t->code,
                    !strcmp(t->code, "other") ? " selected" : "");
        card_html_escape(sb, t->zh);
        strbuf_adds(sb, "</option>");
    }
    strbuf_adds(sb, "</select><label for=\"text\">您的诉求</label>"
                    "<textarea id=\"text\" name=\"text\" required maxlength=\"2000\"></textarea>"
                    "<label for=\"phone\">手机号（希望回电话时填写）</label>"
                    "<input id=\"phone\" name=\"phone\" type=\"tel\" inputmode=\"tel\""
                    " maxlength=\"20\" autocomplete=\"tel\">");
    if (photos_max > 0)
        strbuf_addf(sb,
                    "<label for=\"photo\">照片（可不传，最多%d张）</label>"
                    "<input id=\"photo\" name=\"photo\" type=\"file\""
                    " accept=\"image/jpeg,image/png\" multiple>",
                    photos_max);
    strbuf_adds(sb, "<button type=\"submit\">提交</button></form></section>");

    strbuf_adds(sb, "<section class=\"who\" id=\"mine\"><h2>我家的诉求</h2>");
    if (!json_array_size(cases)) {
        strbuf_adds(sb, "<p>还没有。</p></section>");
        return;
    }
    strbuf_adds(sb, "<ul class=\"cases\">");
    size_t i;
    const json_t *c;
    json_array_foreach(cases, i, c)
    {
        strbuf_adds(sb, "<li><a href=\"");
        card_html_escape(sb, base);
        strbuf_adds(sb, "/cases/");
        card_html_escape(sb, str(c, "code"));
        strbuf_adds(sb, "\"><span class=\"state\">");
        card_html_escape(sb, label(&vocab_case_state, str(c, "state")));
        strbuf_adds(sb, "</span>");
        card_html_escape(sb, label(&vocab_request_category, str(c, "category")));
        strbuf_adds(sb, " · <span class=\"when\">");
        local_time(sb, str(c, "opened_at"), utc_offset);
        strbuf_adds(sb, "</span></a></li>");
    }
    strbuf_adds(sb, "</ul></section>");
}

/* What a step is called on the resident's page, or NULL for one not shown. */
static const char *step_name(const char *event)
{
    static const char *const names[][2] = {
        {"open", "已收到您的诉求"}, {"assign", "已安排专人办理"}, {"start", "开始办理"},
        {"reply", "答复"},          {"wait", "需要您补充"},       {"resume", "已补充"},
        {"escalate", "已上报上级"}, {"resolve", "已办结"},        {"rate", "您的评价"},
        {"reopen", "重新办理"},     {"close", "已关闭"},
    };
    for (size_t i = 0; event && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(event, names[i][0]))
            return names[i][1];
    return NULL;
}

/* Steps whose text the resident sees (the others' texts are staff notes). */
static int step_text_shown(const char *event)
{
    return !strcmp(event, "reply") || !strcmp(event, "wait") || !strcmp(event, "resume") ||
           !strcmp(event, "resolve") || !strcmp(event, "rate") || !strcmp(event, "reopen");
}

static void form_open(strbuf *sb, const char *base, const char *code, const char *action)
{
    strbuf_adds(sb, "<form method=\"post\" action=\"");
    card_html_escape(sb, base);
    strbuf_adds(sb, "/cases/");
    card_html_escape(sb, code);
    strbuf_addf(sb, "/%s\">", action);
}

void case_html_resident_case(strbuf *sb, const char *base, const json_t *c, int may_reopen,
                             const char *notice, int utc_offset)
{
    const char *code = str(c, "code"), *state = str(c, "state");
    card_html_phone_head(sb, "诉求进度", case_html_css);
    strbuf_adds(sb, "<h1>诉求进度</h1>");
    if (notice) {
        strbuf_adds(sb, "<p class=\"notice\">");
        card_html_escape(sb, notice);
        strbuf_adds(sb, "</p>");
    }
    strbuf_adds(sb, "<section class=\"who\"><h2>查询码（请记下）</h2><div class=\"code\">");
    card_html_escape(sb, code);
    strbuf_adds(sb, "</div><h2>现在</h2><div class=\"name\">");
    card_html_escape(sb, label(&vocab_case_state, state));
    strbuf_adds(sb, "</div>");
    if (json_is_true(json_object_get(c, "overdue")))
        strbuf_adds(sb, "<p class=\"late\">已超过办理时限，上级已收到提醒。</p>");
    strbuf_adds(sb, "</section><section class=\"who\"><h2>");
    card_html_escape(sb, label(&vocab_request_category, str(c, "category")));
    strbuf_adds(sb, "</h2><p>");
    card_html_escape(sb, str(c, "text"));
    strbuf_adds(sb, "</p>");
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(c, "photos"), i, p)
    {
        strbuf_adds(sb, "<img class=\"photo\" alt=\"照片\" src=\"");
        card_html_escape(sb, base);
        strbuf_adds(sb, "/photos/");
        card_html_escape(sb, str(p, "hash"));
        strbuf_adds(sb, "\">");
    }
    strbuf_adds(sb, "</section><section class=\"who\"><h2>办理过程</h2><ol class=\"steps\">");
    const json_t *ev;
    json_array_foreach(json_object_get(c, "timeline"), i, ev)
    {
        const char *event = str(ev, "event"), *name = step_name(event);
        if (!name || !json_is_true(json_object_get(ev, "public")))
            continue;
        strbuf_adds(sb, "<li><span class=\"when\">");
        local_time(sb, str(ev, "at"), utc_offset);
        strbuf_adds(sb, "</span> ");
        card_html_escape(sb, name);
        if (!strcmp(event, "escalate") && str(ev, "node")) {
            strbuf_adds(sb, "（");
            card_html_escape(sb, str(ev, "node"));
            strbuf_adds(sb, "）");
        }
        if (!strcmp(event, "rate")) {
            const json_t *det = json_object_get(ev, "detail");
            strbuf_adds(sb, "：");
            card_html_escape(sb, label(&vocab_case_rating, str(det, "rating")));
        }
        if (step_text_shown(event) && str(ev, "text") && *str(ev, "text")) {
            strbuf_adds(sb, "<br>");
            card_html_escape(sb, str(ev, "text"));
        }
        strbuf_adds(sb, "</li>");
    }
    strbuf_adds(sb, "</ol></section>");

    if (state && !strcmp(state, "waiting")) {
        strbuf_adds(sb, "<section class=\"who\"><h2>补充情况</h2>");
        form_open(sb, base, code, "reply");
        strbuf_adds(sb, "<label for=\"text\">补充的内容</label><textarea id=\"text\" name=\"text\""
                        " required maxlength=\"2000\"></textarea><button type=\"submit\">提交补充"
                        "</button></form></section>");
    } else if (state && !strcmp(state, "resolved")) {
        strbuf_adds(sb, "<section class=\"who\"><h2>请您评价</h2>");
        form_open(sb, base, code, "rate");
        strbuf_adds(sb, "<fieldset class=\"radio\"><legend>对办理结果</legend>");
        for (size_t k = 0; k < vocab_case_rating.n; k++) {
            const vocab_term *t = &vocab_case_rating.terms[k];
            strbuf_addf(sb, "<label><input type=\"radio\" name=\"rating\" value=\"%s\"%s>", t->code,
                        k == 0 ? " required" : "");
            card_html_escape(sb, t->zh);
            strbuf_adds(sb, "</label>");
        }
        strbuf_adds(sb, "</fieldset><label for=\"comment\">想说的话（可不填）</label>"
                        "<textarea id=\"comment\" name=\"text\" maxlength=\"500\"></textarea>"
                        "<button type=\"submit\">提交评价</button></form></section>");
    } else if (may_reopen) {
        strbuf_adds(sb, "<section class=\"who\"><h2>问题又出现了？</h2>");
        form_open(sb, base, code, "reopen");
        strbuf_adds(sb, "<label for=\"reason\">请说明情况</label><textarea id=\"reason\""
                        " name=\"text\" required minlength=\"2\" maxlength=\"500\"></textarea>"
                        "<button type=\"submit\">重新办理</button></form></section>");
    }
    strbuf_adds(sb, "<footer><a href=\"");
    card_html_escape(sb, base);
    strbuf_adds(sb, "\">返回我的联系党员</a></footer></main></body></html>\n");
}

void case_html_board(strbuf *sb, const char *base, const char *village, int yyyymm,
                     const json_t *items)
{
    int y = yyyymm / 100, m = yyyymm % 100;
    int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
    int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
    card_html_phone_head(sb, "诉求办理公示", case_html_css);
    strbuf_adds(sb, "<h1>");
    card_html_escape(sb, village);
    strbuf_addf(sb, " · %d年%d月诉求办理公示</h1>", y, m);
    if (!json_array_size(items))
        strbuf_adds(sb, "<p>本月还没有公示的事项。</p>");
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        json_int_t h = json_integer_value(json_object_get(it, "hours_to_resolve"));
        strbuf_adds(sb, "<section class=\"who\"><h2>");
        card_html_escape(sb, label(&vocab_request_category, str(it, "category")));
        if (h < 48)
            strbuf_addf(sb, " · 用时%lld小时", (long long)(h ? h : 1));
        else
            strbuf_addf(sb, " · 用时%lld天", (long long)((h + 23) / 24));
        strbuf_adds(sb, "</h2><p>");
        card_html_escape(sb, str(it, "text"));
        strbuf_adds(sb, "</p><p><b>办理结果：</b>");
        card_html_escape(sb, str(it, "resolution"));
        strbuf_adds(sb, "</p>");
        size_t k;
        const json_t *ph;
        json_array_foreach(json_object_get(it, "photos"), k, ph)
        {
            if (!json_is_string(ph))
                continue;
            strbuf_adds(sb, "<img class=\"photo\" alt=\"照片\" src=\"");
            card_html_escape(sb, base);
            strbuf_adds(sb, "/photos/");
            card_html_escape(sb, json_string_value(ph));
            strbuf_adds(sb, "\">");
        }
        strbuf_adds(sb, "</section>");
    }
    strbuf_adds(sb, "<nav><a href=\"");
    card_html_escape(sb, base);
    strbuf_addf(sb, "?month=%04d-%02d\">上个月</a><a href=\"", py, pm);
    card_html_escape(sb, base);
    strbuf_addf(sb, "?month=%04d-%02d\">下个月</a></nav>", ny, nm);
    strbuf_adds(sb, "<footer>公示内容已隐去姓名、电话和门牌号。</footer></main></body></html>\n");
}
