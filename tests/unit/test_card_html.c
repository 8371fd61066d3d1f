/* test_card_html.c -- what a contact card, a door plate and the resident page show; QR codes;
 * the counter that limits guessing card links. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/ratelimit.h"
#include "io/card_html.h"

#define TOKEN "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
#define URL "https://lianxin.example.cn"

/* ---- helpers ---- */

/* How many times needle occurs in hay. */
static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

static void expect_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to find \"%s\"", needle);
}

static void expect_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("did not expect to find \"%s\"", needle);
}

/* A household with a liaison member, an assistance cadre and both contacts. */
static card_data full_card(void)
{
    card_data c;
    memset(&c, 0, sizeof c);
    c.household_id = 17;
    c.county_id = 1;
    c.head_name = "张三丰";
    c.nplace = 3;
    c.place[0] = "三湾乡";
    c.place[1] = "柳溪村";
    c.place[2] = "第一村民小组";
    c.liaison = (card_contact){"王建国", "13812345678"};
    c.assistance = (card_contact){"李帮扶", "13987654321"};
    c.village = (card_contact){"赵书记", "13700001111"};
    c.township = (card_contact){"乡党委办", "08331234567"};
    c.token = TOKEN;
    return c;
}

static card_sheet sheet(card_kind kind)
{
    card_sheet sh = {kind, "有求必应、有难必帮", URL "/", "柳溪村"};
    return sh;
}

/* Render cards into a fresh strbuf; the caller releases it. */
static void print_into(strbuf *sb, const card_sheet *sh, const card_data *cards, int n)
{
    strbuf_init(sb, 0);
    assert_int_equal(card_html_print(sb, sh, cards, n), LX_OK);
    assert_true(strbuf_ok(sb));
}

/* ---- escaping ---- */

static void test_escape_turns_the_five_specials_into_entities(void **state)
{
    strbuf sb = STRBUF_INIT;
    (void)state;
    card_html_escape(&sb, "<a href=\"x\">Tom & Jerry's</a> 张三");
    assert_string_equal(strbuf_str(&sb),
                        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; 张三");
    strbuf_reset(&sb);
    card_html_escape(&sb, NULL);
    card_html_escape(&sb, "");
    assert_string_equal(strbuf_str(&sb), "");
    strbuf_release(&sb);
}

static void test_names_places_and_commitment_are_escaped_on_the_card(void **state)
{
    card_data c = full_card();
    card_sheet sh = sheet(CARD_KIND_CARD);
    strbuf sb;
    (void)state;
    c.liaison.name = "<script>alert(1)</script>";
    c.assistance.name = "O'Brien \"Bob\" & Co";
    c.village.name = "<b>村</b>";
    c.place[1] = "柳溪<村>";
    sh.commitment = "承诺 <img src=x onerror=alert(1)> & 'quoted' \"too\"";
    print_into(&sb, &sh, &c, 1);
    const char *html = strbuf_str(&sb);
    expect_lacks(html, "<script");
    expect_lacks(html, "<img");
    expect_lacks(html, "<b>村");
    expect_has(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect_has(html, "O&#39;Brien &quot;Bob&quot; &amp; Co");
    expect_has(html, "&lt;b&gt;村&lt;/b&gt;");
    expect_has(html, "柳溪&lt;村&gt;");
    expect_has(html, "承诺 &lt;img src=x onerror=alert(1)&gt; &amp; &#39;quoted&#39; &quot;too&quot;");
    strbuf_release(&sb);
}

static void test_a_head_name_with_markup_is_masked_and_escaped(void **state)
{
    card_data c = full_card();
    card_sheet sh = sheet(CARD_KIND_CARD);
    strbuf sb;
    (void)state;
    c.head_name = "<script>alert(1)</script>";
    print_into(&sb, &sh, &c, 1);
    expect_lacks(strbuf_str(&sb), "<script");
    expect_lacks(strbuf_str(&sb), "alert(1)");
    expect_has(strbuf_str(&sb), "户主：&lt;************************");
    strbuf_release(&sb);
}

/* ---- what a card shows ---- */

static void test_card_shows_phones_in_full_and_the_head_masked(void **state)
{
    card_data c = full_card();
    card_sheet sh = sheet(CARD_KIND_CARD);
    strbuf sb;
    (void)state;
    print_into(&sb, &sh, &c, 1);
    const char *html = strbuf_str(&sb);
    expect_has(html, "联系党员：<b>王建国</b> <span class=\"tel\">13812345678</span>");
    expect_has(html, "帮扶干部：<b>李帮扶</b> <span class=\"tel\">13987654321</span>");
    expect_has(html, "村（社区）联系人：<b>赵书记</b> <span class=\"tel\">13700001111</span>");
    expect_has(html, "乡镇（街道）联系人：<b>乡党委办</b> <span class=\"tel\">08331234567</span>");
    expect_has(html, "户主：张**");
    expect_lacks(html, "张三丰");
    expect_has(html, "三湾乡 · 柳溪村 · 第一村民小组");
    expect_has(html, "有求必应、有难必帮");
    /* the link under the QR code, with the trailing '/' of the site address dropped */
    expect_has(html, "<div class=\"link\">" URL "/r/" TOKEN "</div>");
    assert_int_equal(occurrences(html, "<svg"), 1);
    expect_has(html, "@media print");
    expect_has(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';");
    expect_has(html, "<title>党群连心卡 · 柳溪村</title>");
    strbuf_release(&sb);
}

static void test_card_without_a_member_says_to_be_arranged(void **state)
{
    card_data c = full_card();
    card_sheet sh = sheet(CARD_KIND_CARD);
    strbuf sb;
    (void)state;
    c.liaison = (card_contact){NULL, NULL};
    c.assistance = (card_contact){NULL, NULL};
    c.village = (card_contact){NULL, NULL};
    print_into(&sb, &sh, &c, 1);
    const char *html = strbuf_str(&sb);
    expect_has(html, "联系党员：待安排");
    expect_lacks(html, "帮扶干部");
    expect_has(html, "村（社区）联系人：—");
    assert_int_equal(occurrences(html, "<svg"), 1);
    strbuf_release(&sb);
}

static void test_four_cards_to_a_sheet_and_two_plates(void **state)
{
    card_data cards[5];
    card_sheet sh = sheet(CARD_KIND_CARD);
    strbuf sb;
    (void)state;
    for (int i = 0; i < 5; i++)
        cards[i] = full_card();
    print_into(&sb, &sh, cards, 5);
    assert_int_equal(occurrences(strbuf_str(&sb), "<section class=\"lx-card\">"), 5);
    assert_int_equal(occurrences(strbuf_str(&sb), "<div class=\"sheet cards\">"), 2);
    assert_int_equal(occurrences(strbuf_str(&sb), "<svg"), 5);
    strbuf_release(&sb);

    sh = sheet(CARD_KIND_PLATE);
    print_into(&sb, &sh, cards, 5);
    assert_int_equal(occurrences(strbuf_str(&sb), "<section class=\"lx-card lx-plate\">"), 5);
    assert_int_equal(occurrences(strbuf_str(&sb), "<div class=\"sheet plates\">"), 3);
    expect_has(strbuf_str(&sb), "联系牌");
    strbuf_release(&sb);

    print_into(&sb, &sh, cards, 0);
    assert_int_equal(occurrences(strbuf_str(&sb), "lx-card\""), 0);
    expect_has(strbuf_str(&sb), "这里没有在册的户");
    strbuf_release(&sb);
}

static void test_the_same_cards_print_the_same_bytes(void **state)
{
    card_data c[2] = {full_card(), full_card()};
    card_sheet sh = sheet(CARD_KIND_CARD);
    strbuf a, b;
    (void)state;
    c[1].token = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    print_into(&a, &sh, c, 2);
    print_into(&b, &sh, c, 2);
    assert_string_equal(strbuf_str(&a), strbuf_str(&b));
    strbuf_release(&a);
    strbuf_release(&b);
}

/* ---- QR codes ---- */

static void test_qr_svg_is_well_formed_and_deterministic(void **state)
{
    strbuf a = STRBUF_INIT, b = STRBUF_INIT, other = STRBUF_INIT;
    (void)state;
    assert_int_equal(card_qr_svg(&a, URL "/r/" TOKEN), LX_OK);
    assert_int_equal(card_qr_svg(&b, URL "/r/" TOKEN), LX_OK);
    assert_int_equal(card_qr_svg(&other, URL "/r/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), LX_OK);
    const char *s = strbuf_str(&a);
    assert_true(!strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39));
    assert_true(a.len > 6 && !strcmp(s + a.len - 6, "</svg>"));
    /* 61 bytes in 8-bit mode at level M: version 4, 33 modules, plus 4 of quiet zone each side */
    expect_has(s, "viewBox=\"0 0 41 41\"");
    expect_has(s, "<rect width=\"41\" height=\"41\" fill=\"#fff\"/>");
    assert_int_equal(occurrences(s, "<path "), 1);
    /* the top-left finder pattern: a run of 7 dark modules at the quiet zone's corner */
    expect_has(s, "d=\"M4 4h7v1h-7z");
    assert_string_equal(s, strbuf_str(&b));
    assert_string_not_equal(s, strbuf_str(&other));
    /* 11 attributes (6 on svg, 3 on rect, 2 on path), each quoted and closed */
    assert_int_equal(occurrences(s, "\""), 2 * 11);
    strbuf_release(&a);
    strbuf_release(&b);
    strbuf_release(&other);
}

static void test_qr_refuses_what_it_cannot_encode(void **state)
{
    strbuf sb = STRBUF_INIT;
    char big[8000];
    (void)state;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(card_qr_svg(&sb, NULL), LX_EINVAL);
    assert_int_equal(card_qr_svg(&sb, big), LX_EINVAL);
    assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
}

static void test_card_link_joins_site_and_token(void **state)
{
    char out[128];
    (void)state;
    card_link("http://127.0.0.1:8080", TOKEN, out, sizeof out);
    assert_string_equal(out, "http://127.0.0.1:8080/r/" TOKEN);
    card_link("https://x.cn//", "t", out, sizeof out);
    assert_string_equal(out, "https://x.cn/r/t");
    card_link("https://x.cn", TOKEN, out, 10);
    assert_string_equal(out, "https://x");
}

/* ---- the resident page ---- */

static void test_resident_page_is_light_and_shows_who_to_call(void **state)
{
    card_data c = full_card();
    strbuf sb = STRBUF_INIT;
    (void)state;
    c.token = NULL;
    card_html_resident(&sb, &c, "有求必应 <b>", NULL, NULL);
    const char *html = strbuf_str(&sb);
    expect_has(html, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    /* it posts its request form and shows photos only to and from this server */
    expect_has(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                     " style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none';"
                     " form-action 'self'\">");
    expect_has(html, "font:18px/1.6");
    expect_has(html, "min-height:52px");
    expect_lacks(html, "<script");
    expect_lacks(html, "<link");
    expect_has(html, "<div class=\"name\">王建国</div>");
    expect_has(html, "href=\"tel:13812345678\"");
    expect_has(html, "href=\"tel:13987654321\"");
    expect_has(html, "href=\"tel:13700001111\"");
    expect_has(html, "href=\"tel:08331234567\"");
    expect_has(html, "张**户");
    expect_lacks(html, "张三丰");
    expect_has(html, "有求必应 &lt;b&gt;");
    assert_true(sb.len < 100 * 1024);
    strbuf_release(&sb);

    c.liaison = (card_contact){NULL, NULL};
    c.assistance = (card_contact){NULL, NULL};
    card_html_resident(&sb, &c, "", NULL, NULL);
    expect_has(strbuf_str(&sb), "联系党员：待安排");
    expect_lacks(strbuf_str(&sb), "帮扶干部");
    strbuf_release(&sb);
}

static void test_message_page_escapes_and_holds_no_data(void **state)
{
    strbuf sb = STRBUF_INIT;
    (void)state;
    card_html_message(&sb, "没有<找到>", "a & b");
    expect_has(strbuf_str(&sb), "<h1>没有&lt;找到&gt;</h1><p>a &amp; b</p>");
    expect_lacks(strbuf_str(&sb), "<script");
    strbuf_release(&sb);
}

/* ---- the guess counter ---- */

static void test_counter_counts_per_key_within_the_window(void **state)
{
    ratelimit *rl = ratelimit_new(600, 100);
    (void)state;
    for (int i = 1; i <= 20; i++)
        assert_int_equal(ratelimit_hit(rl, "10.0.0.1", 1000 + i), i);
    assert_int_equal(ratelimit_count(rl, "10.0.0.1", 1100), 20);
    assert_int_equal(ratelimit_count(rl, "10.0.0.2", 1100), 0);
    assert_int_equal(ratelimit_hit(rl, "10.0.0.2", 1100), 1);
    /* nine minutes on, the misses still count; ten minutes on, they are gone */
    assert_int_equal(ratelimit_count(rl, "10.0.0.1", 1000 + 540), 20);
    assert_int_equal(ratelimit_count(rl, "10.0.0.1", 1000 + 20 + 600), 0);
    /* the window slides: early misses leave before later ones */
    assert_int_equal(ratelimit_hit(rl, "k", 5000), 1);
    assert_int_equal(ratelimit_hit(rl, "k", 5300), 2);
    assert_int_equal(ratelimit_count(rl, "k", 5000 + 600), 1);
    assert_int_equal(ratelimit_count(rl, "k", 5300 + 600), 0);
    ratelimit_clear(rl);
    assert_int_equal(ratelimit_count(rl, "10.0.0.2", 1100), 0);
    ratelimit_free(rl);
    ratelimit_free(NULL);
}

static void test_counter_holds_at_most_max_keys(void **state)
{
    ratelimit *rl = ratelimit_new(600, 4);
    char key[32];
    (void)state;
    for (int i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "old-%d", i);
        ratelimit_hit(rl, key, 100);
    }
    ratelimit_hit(rl, "busy", 150);
    ratelimit_hit(rl, "busy", 151);
    /* the table was full: the least recently counted key made room */
    assert_int_equal(ratelimit_count(rl, "busy", 152), 2);
    int kept = 0;
    for (int i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "old-%d", i);
        kept += ratelimit_count(rl, key, 152);
    }
    assert_int_equal(kept, 3);
    /* once their window has passed, old keys make room for many new ones */
    for (int i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "new-%d", i);
        assert_int_equal(ratelimit_hit(rl, key, 2000), 1);
    }
    assert_int_equal(ratelimit_count(rl, "busy", 2000), 0);
    ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_turns_the_five_specials_into_entities),
        cmocka_unit_test(test_names_places_and_commitment_are_escaped_on_the_card),
        cmocka_unit_test(test_a_head_name_with_markup_is_masked_and_escaped),
        cmocka_unit_test(test_card_shows_phones_in_full_and_the_head_masked),
        cmocka_unit_test(test_card_without_a_member_says_to_be_arranged),
        cmocka_unit_test(test_four_cards_to_a_sheet_and_two_plates),
        cmocka_unit_test(test_the_same_cards_print_the_same_bytes),
        cmocka_unit_test(test_qr_svg_is_well_formed_and_deterministic),
        cmocka_unit_test(test_qr_refuses_what_it_cannot_encode),
        cmocka_unit_test(test_card_link_joins_site_and_token),
        cmocka_unit_test(test_resident_page_is_light_and_shows_who_to_call),
        cmocka_unit_test(test_message_page_escapes_and_holds_no_data),
        cmocka_unit_test(test_counter_counts_per_key_within_the_window),
        cmocka_unit_test(test_counter_holds_at_most_max_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
