/* test_msgcat.c -- the message catalog: every entry says the same in three languages (the
 * same conversions), messages come in the thread's language, and client text stays an
 * argument. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/assign.h"
#include "core/utf8.h"
#include "store/links.h"
#include "store/pairing.h"
#include "store/record.h"
#include "util/msgcat.h"
#include "util/status.h"

/* Restore English (the thread's default) after each test. */
static int reset_lang(void **state)
{
    (void)state;
    lx_lang_set(LX_LANG_EN);
    return 0;
}

static const char *tag(size_t i, const msgcat_entry *m)
{
    static char buf[600];
    snprintf(buf, sizeof buf, "entry %zu: %s", i, m->en ? m->en : m->hans);
    return buf;
}

/* ---- the catalog itself ---- */

static void test_every_sentence_has_the_same_conversions_in_three_languages(void **state)
{
    size_t n = 0;
    const msgcat_entry *t = msgcat_table(0, &n);
    (void)state;
    assert_true(n > 400);
    for (size_t i = 0; i < n; i++) {
        if (!msgcat_same_conversions(t[i].en, t[i].en))
            fail_msg("%s: the English format uses a conversion the formatter lacks", tag(i, &t[i]));
        if (!msgcat_same_conversions(t[i].en, t[i].hans))
            fail_msg("%s: Simplified \"%s\" has other conversions", tag(i, &t[i]), t[i].hans);
        if (!msgcat_same_conversions(t[i].en, t[i].hant))
            fail_msg("%s: Traditional \"%s\" has other conversions", tag(i, &t[i]), t[i].hant);
        if (!utf8_valid(t[i].hans, strlen(t[i].hans)) || !utf8_valid(t[i].hant, strlen(t[i].hant)))
            fail_msg("%s: not UTF-8", tag(i, &t[i]));
    }
}

static void test_no_key_is_in_a_table_twice(void **state)
{
    (void)state;
    for (int k = 0; k < 3; k++) {
        size_t n = 0;
        const msgcat_entry *t = msgcat_table(k, &n);
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                const char *a = k == 2 ? t[i].hans : t[i].en, *b = k == 2 ? t[j].hans : t[j].en;
                if (!strcmp(a, b))
                    fail_msg("table %d: %s twice", k, a);
            }
    }
}

static void test_words_and_spellings_have_no_conversions(void **state)
{
    (void)state;
    for (int k = 1; k < 3; k++) {
        size_t n = 0;
        const msgcat_entry *t = msgcat_table(k, &n);
        for (size_t i = 0; i < n; i++)
            if (strchr(t[i].hans, '%') || strchr(t[i].hant, '%'))
                fail_msg("%s: a word with a %%", tag(i, &t[i]));
    }
}

/* The words the code puts into sentences from closed sets have entries. */
static void test_the_words_of_closed_sets_are_translated(void **state)
{
    static const char *const idcard_reasons[] = {"length",     "format",      "region",
                                                 "birth_date", "check_digit", NULL};
    static const char *const run_states[] = {"planned", "applied", NULL};
    (void)state;
    lx_lang_set(LX_LANG_HANS);
    for (int i = 0; idcard_reasons[i]; i++)
        assert_string_not_equal(lx_word(idcard_reasons[i]), idcard_reasons[i]);
    for (int i = 0; run_states[i]; i++)
        assert_string_not_equal(lx_word(run_states[i]), run_states[i]);
    for (int i = 0; links_cp_kinds[i]; i++)
        assert_string_not_equal(lx_word(links_cp_kinds[i]), links_cp_kinds[i]);
    assert_string_equal(lx_word(pairing_layer_name(ASSIGN_LIAISON)), "联户");
    assert_string_equal(lx_word(pairing_layer_name(ASSIGN_ASSISTANCE)), "帮扶");
    assert_string_equal(lx_word("check_digit"), "校验位不正确");
    assert_string_equal(lx_word("no such word"), "no such word");
}

/* Every record field and resource label has its Traditional spelling. */
static void test_every_record_label_has_a_traditional_spelling(void **state)
{
    size_t n = 0;
    const msgcat_entry *t = msgcat_table(2, &n);
    (void)state;
    for (int k = 0; k < RES__COUNT; k++) {
        const resource *r = record_resource((resource_kind)k);
        if (!r)
            continue;
        for (int f = -1; f < r->nfields; f++) {
            const char *label = f < 0 ? r->label : r->fields[f].label;
            size_t i = 0;
            if (!label)
                continue;
            while (i < n && strcmp(t[i].hans, label))
                i++;
            if (i == n)
                fail_msg("%s: the label %s has no T() entry", r->name, label);
        }
    }
    lx_lang_set(LX_LANG_HANT);
    const resource *res = record_resource(RES_RESIDENTS);
    const field *idno = &res->fields[record_field(res, "idno")];
    assert_string_equal(record_field_word(idno), "身份證號");
    lx_lang_set(LX_LANG_HANS);
    assert_string_equal(record_field_word(idno), "身份证号");
    lx_lang_set(LX_LANG_EN);
    assert_string_equal(record_field_word(idno), "idno");
}

/* ---- conversions ---- */

static void test_same_conversions_accepts_order_and_positions_and_nothing_else(void **state)
{
    (void)state;
    assert_true(msgcat_same_conversions("a %s b %zu", "甲 %s 乙 %zu"));
    assert_true(msgcat_same_conversions("a %s b %zu", "乙 %2$zu 甲 %1$s"));
    assert_true(msgcat_same_conversions("%.20s in %zu", "%2$zu 中的 %1$.20s"));
    assert_true(msgcat_same_conversions("100%% of %d", "%d 的百分之百（100%%）"));
    assert_true(msgcat_same_conversions("plain", "纯文字"));
    assert_false(msgcat_same_conversions("a %s b %zu", "%zu %s"));     /* swapped, not positional */
    assert_false(msgcat_same_conversions("a %s b %zu", "%s"));         /* one missing */
    assert_false(msgcat_same_conversions("a %s", "%s %s"));            /* one too many */
    assert_false(msgcat_same_conversions("a %s b %zu", "%1$s %zu"));   /* mixed */
    assert_false(msgcat_same_conversions("a %s b %zu", "%1$s %1$s"));  /* twice, one unused */
    assert_false(msgcat_same_conversions("a %s b %zu", "%1$s %3$zu")); /* out of range */
    assert_false(msgcat_same_conversions("%lld", "%d"));               /* another length */
    assert_false(msgcat_same_conversions("%.20s", "%s"));              /* another precision */
    assert_false(msgcat_same_conversions("%s", "%n"));                 /* never %n */
    assert_false(msgcat_same_conversions("%5d", "%5d"));               /* widths unsupported */
    assert_false(msgcat_same_conversions("%2$s %1$s", "%2$s %1$s"));   /* keys are in order */
}

/* ---- making messages ---- */

static void test_a_message_comes_in_the_threads_language(void **state)
{
    char buf[256];
    (void)state;
    assert_int_equal(lx_lang_get(), LX_LANG_EN); /* a thread starts in English */
    lx_msgf(buf, sizeof buf, "the file has more than %zu rows", (size_t)5000);
    assert_string_equal(buf, "the file has more than 5000 rows");
    lx_lang_set(LX_LANG_HANS);
    lx_msgf(buf, sizeof buf, "the file has more than %zu rows", (size_t)5000);
    assert_string_equal(buf, "文件超过 5000 行");
    lx_lang_set(LX_LANG_HANT);
    lx_msgf(buf, sizeof buf, "the file has more than %zu rows", (size_t)5000);
    assert_string_equal(buf, "檔案超過 5000 行");
}

static void test_positional_translations_take_their_arguments_by_position(void **state)
{
    char buf[256];
    (void)state;
    lx_lang_set(LX_LANG_HANS);
    lx_msgf(buf, sizeof buf, "csv: %s at line %zu", "unexpected quote", (size_t)12);
    assert_string_equal(buf, "CSV 文件第 12 行：unexpected quote");
    lx_msgf(buf, sizeof buf, "xlsx: bad cell reference \"%.20s\" in row %zu",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ", (size_t)3);
    assert_string_equal(buf, "XLSX 文件：第 3 行的单元格位置“ABCDEFGHIJKLMNOPQRST”有误");
    lx_lang_set(LX_LANG_EN);
    lx_msgf(buf, sizeof buf, "csv: %s at line %zu", "unexpected quote", (size_t)12);
    assert_string_equal(buf, "csv: unexpected quote at line 12");
}

static void test_client_text_is_only_ever_an_argument(void **state)
{
    char buf[256];
    lx_error e;
    (void)state;
    lx_lang_set(LX_LANG_HANS);
    lx_msgf(buf, sizeof buf, "unknown field %s", "%s%n%x%1$s");
    assert_string_equal(buf, "不认识的字段：%s%n%x%1$s");
    /* "%s" hands on a sentence: a catalog sentence is translated, anything else kept */
    memset(&e, 0, sizeof e);
    lx_fail(&e, LX_ECONFLICT, "state", "%s", LX_MSG("this case was rated already"));
    assert_string_equal(e.message, "这件诉求已经评价过了");
    assert_string_equal(e.key, "this case was rated already");
    lx_fail(&e, LX_EINVAL, "x", "%s", "the file has more than %zu rows");
    assert_string_equal(e.message, "the file has more than %zu rows"); /* has conversions: kept */
    lx_fail(&e, LX_EINVAL, "x", "%s", "张三 13800138000");
    assert_string_equal(e.message, "张三 13800138000");
    assert_string_equal(e.key, "%s");
}

static void test_lx_fail_keeps_code_field_and_key(void **state)
{
    lx_error e;
    (void)state;
    memset(&e, 0, sizeof e);
    lx_lang_set(LX_LANG_HANT);
    assert_int_equal(lx_fail(&e, LX_EINVAL, "idno", "%s is not a valid ID number (%s)", "身份證號",
                             lx_word("check_digit")),
                     LX_EINVAL);
    assert_int_equal(e.code, LX_EINVAL);
    assert_string_equal(e.field, "idno");
    assert_string_equal(e.message, "身份證號有誤：校驗位不正確");
    assert_string_equal(e.key, "%s is not a valid ID number (%s)");
    assert_int_equal(lx_fail(NULL, LX_ENOTFOUND, "", "no such account"), LX_ENOTFOUND);
    lx_lang_set(LX_LANG_EN);
    lx_fail(&e, LX_EINVAL, "idno", "%s is not a valid ID number (%s)", "idno",
            lx_word("check_digit"));
    assert_string_equal(e.message, "idno is not a valid ID number (check_digit)");
}

static void test_a_message_missing_from_the_catalog_comes_in_english(void **state)
{
    char buf[64];
    (void)state;
    lx_lang_set(LX_LANG_HANS);
    lx_msgf(buf, sizeof buf, "not in the catalog: %d", 7);
    assert_string_equal(buf, "not in the catalog: 7");
    lx_msgf(buf, sizeof buf, "width %5d", 7); /* unsupported: printf'd as the compiler checked */
    assert_string_equal(buf, "width     7");
    assert_string_equal(lx_msg("please log in"), "请登录");
    assert_string_equal(lx_msg("not in the catalog"), "not in the catalog");
    assert_string_equal(lx_msg("the file has more than %zu rows"),
                        "the file has more than %zu rows"); /* a format, not a sentence */
}

static void test_a_cut_message_stays_whole_utf8(void **state)
{
    char buf[11], big[600];
    lx_error e;
    (void)state;
    lx_lang_set(LX_LANG_HANS);
    lx_msgf(buf, sizeof buf, "the file has more than %zu rows", (size_t)5000);
    /* "文件超过 5000 行": 10 bytes fit, and the 4th character would end at the 12th */
    assert_true(utf8_valid(buf, strlen(buf)));
    assert_string_equal(buf, "文件超");
    /* %.400s counts bytes: the argument is cut on a character boundary */
    memset(big, 0, sizeof big);
    for (int i = 0; i < 199; i++)
        memcpy(big + i * 3, "张", 3);
    memset(&e, 0, sizeof e);
    lx_fail(&e, LX_EINVAL, "", "line %zu: %.400s", (size_t)2, big);
    assert_true(utf8_valid(e.message, strlen(e.message)));
    assert_int_equal(utf8_chars(e.message), 6 + 133); /* "第 2 行：" and 133 of 张 */
}

static void test_accept_language_picks_the_language(void **state)
{
    (void)state;
    assert_int_equal(lx_lang_from_header(NULL), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header(""), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("*"), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("en"), LX_LANG_EN);
    assert_int_equal(lx_lang_from_header("en-US,en;q=0.9"), LX_LANG_EN);
    assert_int_equal(lx_lang_from_header("zh"), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("zh-CN"), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("zh-Hans-CN"), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("zh-SG"), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("zh-TW"), LX_LANG_HANT);
    assert_int_equal(lx_lang_from_header("zh-hk"), LX_LANG_HANT);
    assert_int_equal(lx_lang_from_header("zh-MO"), LX_LANG_HANT);
    assert_int_equal(lx_lang_from_header("zh-Hant"), LX_LANG_HANT);
    assert_int_equal(lx_lang_from_header("zh-Hant-TW;q=0.8, en;q=0.5"), LX_LANG_HANT);
    assert_int_equal(lx_lang_from_header("fr-FR, de;q=0.9"), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("fr-FR, en;q=0.3, zh-TW;q=0.2"), LX_LANG_EN);
    assert_int_equal(lx_lang_from_header("en;q=0, zh-TW;q=0.1"), LX_LANG_HANT);
    assert_int_equal(lx_lang_from_header("en;q=0"), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("english, zhx"), LX_LANG_HANS);
    assert_int_equal(lx_lang_from_header("zh-TW , en ; q=1"), LX_LANG_HANT); /* a tie: the first */
    assert_string_equal(lx_lang_tag(LX_LANG_HANT), "zh-Hant");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_every_sentence_has_the_same_conversions_in_three_languages,
                                  reset_lang),
        cmocka_unit_test_teardown(test_no_key_is_in_a_table_twice, reset_lang),
        cmocka_unit_test_teardown(test_words_and_spellings_have_no_conversions, reset_lang),
        cmocka_unit_test_teardown(test_the_words_of_closed_sets_are_translated, reset_lang),
        cmocka_unit_test_teardown(test_every_record_label_has_a_traditional_spelling, reset_lang),
        cmocka_unit_test_teardown(
            test_same_conversions_accepts_order_and_positions_and_nothing_else, reset_lang),
        cmocka_unit_test_teardown(test_a_message_comes_in_the_threads_language, reset_lang),
        cmocka_unit_test_teardown(test_positional_translations_take_their_arguments_by_position,
                                  reset_lang),
        cmocka_unit_test_teardown(test_client_text_is_only_ever_an_argument, reset_lang),
        cmocka_unit_test_teardown(test_lx_fail_keeps_code_field_and_key, reset_lang),
        cmocka_unit_test_teardown(test_a_message_missing_from_the_catalog_comes_in_english,
                                  reset_lang),
        cmocka_unit_test_teardown(test_a_cut_message_stays_whole_utf8, reset_lang),
        cmocka_unit_test_teardown(test_accept_language_picks_the_language, reset_lang),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
