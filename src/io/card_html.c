/* card_html.c -- contact cards, door plates and the resident page as HTML; QR codes as SVG. */
#include "io/card_html.h"
#include "core/mask.h"
#include "util/xalloc.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define QR_QUIET 4 /* modules of white around a QR code, as the standard asks */

/* The pages load nothing and run nothing: inline styles and inline SVG only.
 * Given in a <meta> until the server can send it as a header (a <meta>
 * cannot say frame-ancestors; X-Frame-Options covers that). */
#define CSP_META                                                                              \
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"              \
    " style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"

void card_html_escape(strbuf *sb, const char *text)
{
    const char *s = text, *run = text;
    if (!text)
        return;
    for (; *s; s++) {
        const char *ent;
        switch (*s) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: continue;
        }
        strbuf_add(sb, run, (size_t)(s - run));
        strbuf_adds(sb, ent);
        run = s + 1;
    }
    strbuf_add(sb, run, (size_t)(s - run));
}

void card_link(const char *public_url, const char *token, char *out, size_t outlen)
{
    const char *u = public_url ? public_url : "";
    size_t n = strlen(u);
    while (n && u[n - 1] == '/')
        n--;
    if (outlen)
        snprintf(out, outlen, "%.*s/r/%s", (int)n, u, token ? token : "");
}

/* Append a small non-negative number (printf is the slow part of a QR path). */
static void add_num(strbuf *sb, int v)
{
    char buf[12];
    int i = (int)sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 && i > 0);
    strbuf_add(sb, buf + i, sizeof buf - (size_t)i);
}

lx_status card_qr_svg(strbuf *sb, const char *text)
{
    QRcode *qr;
    int w, size;
    if (!text)
        return LX_EINVAL;
    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return LX_EINVAL;
    w = qr->width;
    size = w + 2 * QR_QUIET;
    strbuf_addf(sb,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\""
                " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"二维码\">"
                "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                size, size, size, size);
    /* One subpath per horizontal run of dark modules. */
    for (int y = 0; y < w; y++) {
        const unsigned char *row = qr->data + (size_t)y * (size_t)w;
        for (int x = 0; x < w;) {
            int end = x;
            if (!(row[x] & 1)) {
                x++;
                continue;
            }
            while (end < w && (row[end] & 1))
                end++;
            /* "M<x> <y>h<n>v1h-<n>z" */
            strbuf_addch(sb, 'M');
            add_num(sb, x + QR_QUIET);
            strbuf_addch(sb, ' ');
            add_num(sb, y + QR_QUIET);
            strbuf_addch(sb, 'h');
            add_num(sb, end - x);
            strbuf_adds(sb, "v1h-");
            add_num(sb, end - x);
            strbuf_addch(sb, 'z');
            x = end;
        }
    }
    strbuf_adds(sb, "\"/></svg>");
    QRcode_free(qr);
    return LX_OK;
}

/* ---- the print view ---- */

static const char print_css[] =
    "@page{size:A4 portrait;margin:0}"
    "*{box-sizing:border-box}"
    "html,body{margin:0;padding:0}"
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
    "\"PingFang SC\",\"SimHei\",sans-serif;color:#000;background:#ccc;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".note{max-width:210mm;margin:6mm auto;font-size:14px;color:#333}"
    ".sheet{width:210mm;height:296mm;margin:6mm auto;background:#fff;display:grid;"
    "overflow:hidden;break-after:page;page-break-after:always}"
    ".sheet:last-child{break-after:auto;page-break-after:auto}"
    ".cards{grid-template-columns:105mm 105mm;grid-template-rows:148mm 148mm}"
    ".plates{grid-template-columns:210mm;grid-template-rows:148mm 148mm}"
    ".lx-card{position:relative;overflow:hidden;border:0.2mm dashed #aaa;padding:6mm 6mm 5mm;"
    "display:flex;flex-direction:column;font-size:10pt;line-height:1.45}"
    ".lx-card h1{margin:0 0 1.5mm;text-align:center;font-size:16pt;letter-spacing:2pt;"
    "color:#b00000}"
    ".lx-card .place{text-align:center;font-size:9pt;color:#333}"
    ".lx-card .head{text-align:center;font-size:9pt;margin-bottom:2mm}"
    ".lx-card .r{margin:0.8mm 0}"
    ".lx-card .r b{font-size:11.5pt}"
    ".lx-card .tel{font-weight:bold;font-size:11.5pt;white-space:nowrap}"
    ".lx-card .promise{margin:2mm 0 0;font-size:8.5pt;border-top:0.3mm solid #b00000;"
    "padding-top:1.5mm}"
    ".lx-card .qrbox{margin-top:auto;display:flex;align-items:flex-end;gap:3mm}"
    ".lx-card .qrbox svg{width:27mm;height:27mm;flex:none}"
    ".lx-card .scan{font-size:8.5pt}"
    ".lx-card .link{font-size:6pt;color:#333;word-break:break-all;font-family:monospace}"
    ".lx-plate{padding:9mm 12mm;font-size:16pt;line-height:1.5}"
    ".lx-plate h1{font-size:30pt;letter-spacing:6pt}"
    ".lx-plate .place,.lx-plate .head{font-size:14pt}"
    ".lx-plate .r b,.lx-plate .tel{font-size:19pt}"
    ".lx-plate .promise{font-size:12pt}"
    ".lx-plate .qrbox svg{width:38mm;height:38mm}"
    ".lx-plate .scan{font-size:12pt}"
    ".lx-plate .link{font-size:8pt}"
    ".lx-plate .body{display:flex;gap:8mm;flex:1}"
    ".lx-plate .info{flex:1;min-width:0}"
    ".lx-plate .qrbox{flex:none;width:50mm;flex-direction:column;align-items:center;"
    "text-align:center;margin-top:0}"
    ".empty{background:#fff;max-width:210mm;margin:6mm auto;padding:10mm;font-size:16px}"
    "@media print{body{background:#fff}.note{display:none}.sheet{margin:0}}";

/* " 王五 13812345678" -- a name and its phone, or "—" when neither is known. */
static void contact_text(strbuf *sb, const card_contact *c)
{
    if (!c->name && !c->phone) {
        strbuf_adds(sb, "—");
        return;
    }
    if (c->name) {
        strbuf_adds(sb, "<b>");
        card_html_escape(sb, c->name);
        strbuf_adds(sb, "</b>");
    }
    if (c->phone) {
        strbuf_adds(sb, c->name ? " <span class=\"tel\">" : "<span class=\"tel\">");
        card_html_escape(sb, c->phone);
        strbuf_adds(sb, "</span>");
    }
}

/* "青山镇 · 柳河村 · 第三村民小组", escaped. */
static void place_text(strbuf *sb, const card_data *c)
{
    for (int i = 0; i < c->nplace; i++) {
        if (i)
            strbuf_adds(sb, " · ");
        card_html_escape(sb, c->place[i]);
    }
}

static void head_text(strbuf *sb, const card_data *c)
{
    char masked[128];
    mask_name(c->head_name, masked, sizeof masked);
    card_html_escape(sb, masked);
}

/* One card or plate. */
static lx_status one_card(strbuf *sb, const card_sheet *sh, const card_data *c)
{
    char link[512];
    lx_status rc;
    int plate = sh->kind == CARD_KIND_PLATE;
    card_link(sh->public_url, c->token, link, sizeof link);
    strbuf_adds(sb, plate ? "<section class=\"lx-card lx-plate\">" : "<section class=\"lx-card\">");
    strbuf_adds(sb, plate ? "<h1>党员联户联系牌</h1>" : "<h1>党群连心卡</h1>");
    strbuf_adds(sb, "<div class=\"place\">");
    place_text(sb, c);
    strbuf_adds(sb, "</div><div class=\"head\">户主：");
    head_text(sb, c);
    strbuf_adds(sb, "</div>");
    if (plate)
        strbuf_adds(sb, "<div class=\"body\"><div class=\"info\">");
    if (c->liaison.name) {
        strbuf_adds(sb, "<p class=\"r\">联系党员：");
        contact_text(sb, &c->liaison);
        strbuf_adds(sb, "</p>");
    } else {
        strbuf_adds(sb, "<p class=\"r none\">联系党员：待安排</p>");
    }
    if (c->assistance.name) {
        strbuf_adds(sb, "<p class=\"r\">帮扶干部：");
        contact_text(sb, &c->assistance);
        strbuf_adds(sb, "</p>");
    }
    strbuf_adds(sb, "<p class=\"r\">村（社区）联系人：");
    contact_text(sb, &c->village);
    strbuf_adds(sb, "</p><p class=\"r\">乡镇（街道）联系人：");
    contact_text(sb, &c->township);
    strbuf_adds(sb, "</p><p class=\"promise\"><b>服务承诺</b>　");
    card_html_escape(sb, sh->commitment);
    strbuf_adds(sb, "</p>");
    if (plate)
        strbuf_adds(sb, "</div>");
    strbuf_adds(sb, "<div class=\"qrbox\">");
    rc = card_qr_svg(sb, link);
    if (rc)
        strbuf_adds(sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"></svg>");
    strbuf_adds(sb, "<div><div class=\"scan\">微信扫码，随时找到联系人</div><div class=\"link\">");
    card_html_escape(sb, link);
    strbuf_adds(sb, "</div></div></div>");
    if (plate)
        strbuf_adds(sb, "</div>");
    strbuf_adds(sb, "</section>");
    return rc;
}

lx_status card_html_print(strbuf *sb, const card_sheet *sh, const card_data *cards, int n)
{
    int plate = sh->kind == CARD_KIND_PLATE;
    int per_sheet = plate ? 2 : 4;
    lx_status rc = LX_OK;
    strbuf_adds(sb, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">" CSP_META
                    "<title>");
    strbuf_adds(sb, plate ? "联系牌" : "党群连心卡");
    if (sh->title && *sh->title) {
        strbuf_adds(sb, " · ");
        card_html_escape(sb, sh->title);
    }
    strbuf_addf(sb, "</title><style>%s</style></head><body>", print_css);
    strbuf_addf(sb,
                "<p class=\"note\">共 %d 户。用浏览器打印：A4 纸、纵向、边距为“无”、"
                "勾选“背景图形”；%s。</p>",
                n, plate ? "每张 A4 纸两块联系牌，沿虚线裁开" : "每张 A4 纸四张 A6 卡片，沿虚线裁开");
    if (n == 0)
        strbuf_adds(sb, "<p class=\"empty\">这里没有在册的户。</p>");
    for (int i = 0; i < n; i++) {
        if (i % per_sheet == 0)
            strbuf_adds(sb, plate ? "<div class=\"sheet plates\">" : "<div class=\"sheet cards\">");
        if (one_card(sb, sh, &cards[i]) && !rc)
            rc = LX_EINVAL;
        if (i % per_sheet == per_sheet - 1 || i == n - 1)
            strbuf_adds(sb, "</div>");
    }
    strbuf_adds(sb, "</body></html>\n");
    return rc;
}

/* ---- the resident page ---- */

static const char phone_css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:18px/1.6 -apple-system,\"PingFang SC\",\"Microsoft YaHei\","
    "\"Noto Sans CJK SC\",sans-serif;color:#222;background:#f7f3ef;"
    "-webkit-text-size-adjust:100%;text-size-adjust:100%}"
    "main{max-width:32rem;margin:0 auto;padding:16px}"
    "h1{font-size:24px;color:#b00000;margin:8px 0 4px}"
    "h2{font-size:16px;font-weight:normal;color:#666;margin:0 0 4px}"
    ".place{color:#555;font-size:16px;margin:0 0 8px}"
    ".who{background:#fff;border-radius:12px;padding:16px;margin:12px 0;"
    "box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    ".name{font-size:22px;font-weight:bold}"
    ".none{font-size:20px;color:#555}"
    "a.call{display:block;margin-top:12px;padding:12px 16px;min-height:52px;text-align:center;"
    "background:#c00000;color:#fff;border-radius:10px;text-decoration:none;font-size:20px;"
    "line-height:28px}"
    "a.call.alt{background:#fff;color:#c00000;border:2px solid #c00000}"
    ".promise p{margin:0;font-size:17px}"
    "footer{font-size:16px;color:#666;margin:16px 0}";

/* A person to call: a heading, the name, a big tel: button. */
static void who_block(strbuf *sb, const char *heading, const card_contact *c, int primary)
{
    strbuf_adds(sb, "<section class=\"who\"><h2>");
    card_html_escape(sb, heading);
    strbuf_adds(sb, "</h2>");
    if (c->name) {
        strbuf_adds(sb, "<div class=\"name\">");
        card_html_escape(sb, c->name);
        strbuf_adds(sb, "</div>");
    }
    if (c->phone) {
        strbuf_adds(sb, primary ? "<a class=\"call\" href=\"tel:" : "<a class=\"call alt\" href=\"tel:");
        card_html_escape(sb, c->phone);
        strbuf_adds(sb, "\">拨打 ");
        card_html_escape(sb, c->phone);
        strbuf_adds(sb, "</a>");
    }
    if (!c->name && !c->phone)
        strbuf_adds(sb, "<div class=\"none\">暂未登记</div>");
    strbuf_adds(sb, "</section>");
}

/* The resident pages post their forms and show their photos from this server. */
#define CSP_RESIDENT_META                                                                     \
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"              \
    " style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'\">"

static void page_head_csp(strbuf *sb, const char *title, const char *css, int forms)
{
    strbuf_adds(sb, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">");
    strbuf_adds(sb, forms ? CSP_RESIDENT_META : CSP_META);
    strbuf_adds(sb, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                    "<meta name=\"referrer\" content=\"no-referrer\">"
                    "<meta name=\"robots\" content=\"noindex,nofollow\"><title>");
    card_html_escape(sb, title);
    strbuf_addf(sb, "</title><style>%s</style></head><body><main>", css);
}

static void page_head(strbuf *sb, const char *title, const char *css)
{
    page_head_csp(sb, title, css, 0);
}

void card_html_phone_head(strbuf *sb, const char *title, const char *more_css)
{
    strbuf sbcss;
    size_t len = 0;
    strbuf_init(&sbcss, 64u << 10);
    strbuf_adds(&sbcss, phone_css);
    strbuf_adds(&sbcss, more_css ? more_css : "");
    char *css = strbuf_detach(&sbcss, &len);
    page_head_csp(sb, title, css ? css : phone_css, 1);
    free(css);
}

void card_html_resident(strbuf *sb, const card_data *c, const char *commitment,
                        const char *more_css, const char *extra)
{
    card_html_phone_head(sb, "我的联系党员", more_css);
    strbuf_adds(sb, "<h1>党群连心 · 我的联系党员</h1><p class=\"place\">");
    place_text(sb, c);
    if (c->head_name && *c->head_name) {
        strbuf_adds(sb, c->nplace ? "　" : "");
        head_text(sb, c);
        strbuf_adds(sb, "户");
    }
    strbuf_adds(sb, "</p>");
    if (c->liaison.name) {
        who_block(sb, "联系党员", &c->liaison, 1);
    } else {
        strbuf_adds(sb, "<section class=\"who\"><h2>联系党员</h2>"
                        "<div class=\"none\">联系党员：待安排。有事请先联系村（社区）。</div></section>");
    }
    if (c->assistance.name)
        who_block(sb, "帮扶干部", &c->assistance, 1);
    who_block(sb, "村（社区）联系人", &c->village, 0);
    who_block(sb, "乡镇（街道）联系人", &c->township, 0);
    if (commitment && *commitment) {
        strbuf_adds(sb, "<section class=\"who promise\"><h2>服务承诺</h2><p>");
        card_html_escape(sb, commitment);
        strbuf_adds(sb, "</p></section>");
    }
    if (extra)
        strbuf_adds(sb, extra);
    strbuf_adds(sb, "<footer>电话打不通时，请联系村（社区）或乡镇（街道）。</footer>"
                    "</main></body></html>\n");
}

void card_html_message(strbuf *sb, const char *heading, const char *text)
{
    page_head(sb, heading, phone_css);
    strbuf_adds(sb, "<h1>");
    card_html_escape(sb, heading);
    strbuf_adds(sb, "</h1><p>");
    card_html_escape(sb, text);
    strbuf_adds(sb, "</p></main></body></html>\n");
}
