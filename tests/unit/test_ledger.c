/* test_ledger.c -- a county's household and member ledgers, read and checked cell by cell. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ledger.h"
#include "io/table.h"
#include "util/strbuf.h"

/* "Today" for date and ID number checks: 15 January 2026. */
#define TODAY 20260115

/* ---- helpers ---- */

/* A valid ID number for `first14` (region + birth date) with sequence `seq`,
 * check digit by GB 11643 computed here. */
static void make_idno(const char *first14, int seq, char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    snprintf(out, 19, "%s%03d", first14, seq);
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* The same ID number with a wrong check digit. */
static void break_idno(const char *good, char out[19])
{
    memcpy(out, good, 19);
    out[17] = good[17] == '1' ? '2' : '1';
}

static void masked_idno(const char *id, char out[19])
{
    snprintf(out, 19, "%.6s********%.4s", id, id + 14);
}

/* Read a UTF-8 CSV text as a ledger of kind. */
static lx_status read_text(ledger *lg, ledger_kind kind, const char *csv, size_t max_rows,
                           char *err, size_t errlen)
{
    err[0] = '\0';
    return ledger_read(lg, kind, csv, strlen(csv), TODAY, max_rows, err, errlen);
}

/* The text converted to GB18030 (malloc'd; *len receives its length). */
static char *to_gb18030(const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), cap = inleft * 2 + 16, outleft = cap;
    char *out = malloc(cap), *in = (char *)utf8, *o = out;
    assert_non_null(out);
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    *len = cap - outleft;
    return out;
}

/* The issues with `code` at `line`; how many. *first receives the first. */
static int issues_at(const ledger *lg, size_t line, const char *code, const ledger_issue **first)
{
    int n = 0;
    for (size_t i = 0; i < lg->nissues; i++)
        if (lg->issues[i].line == line && !strcmp(lg->issues[i].code, code)) {
            if (!n && first)
                *first = &lg->issues[i];
            n++;
        }
    return n;
}

static int issues_with_code(const ledger *lg, const char *code)
{
    int n = 0;
    for (size_t i = 0; i < lg->nissues; i++)
        if (!strcmp(lg->issues[i].code, code))
            n++;
    return n;
}

/* Fail listing every issue (when none was expected). */
static void expect_no_issues(const ledger *lg)
{
    if (lg->nissues == 0)
        return;
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < lg->nissues; i++)
        strbuf_addf(&sb, "\n  line %zu %s [%s] %s: %s", lg->issues[i].line, lg->issues[i].column,
                    lg->issues[i].value, lg->issues[i].code, lg->issues[i].message);
    fail_msg("unexpected issues:%s", strbuf_str(&sb));
}

static const char *field_text(const record *rec, const resource *r, const char *name)
{
    const rval *v = &rec->v[record_field(r, name)];
    return v->set && !v->null ? v->s : NULL;
}

static int64_t field_int(const record *rec, const resource *r, const char *name)
{
    return rec->v[record_field(r, name)].i;
}

#define HH_HEADER "户编号,乡镇,村,组(网格),姓名,性别,出生日期,身份证号,联系电话,与户主关系,住址,户类别,富裕难度\n"

/* A clean household ledger: household 1 of two people, household 2 of one. */
static char *clean_households(void)
{
    char a[19], b[19], c[19];
    make_idno("11010519800101", 123, a);
    make_idno("11010519820304", 224, b);
    make_idno("11010519550607", 311, c);
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, HH_HEADER);
    strbuf_addf(&sb, "H1,幸福镇,光明村,一组,张三,男,1980-01-01,%s,13800138000,户主,幸福路88号,"
                     "低保户、残疾人,较大\n", a);
    strbuf_addf(&sb, "H1,幸福镇,光明村,一组,李梅,女,1982-03-04,%s,,配偶,,,\n", b);
    strbuf_addf(&sb, "H2,幸福镇,光明村,二组,王五,男,1955-06-07,%s,138 0013 8001,户主,"
                     "光明路1号,孤寡老人,最大\n", c);
    return strbuf_detach(&sb, NULL);
}

/* ---- households ---- */

static void check_clean_households(const ledger *lg)
{
    const resource *hr = &reg_households, *rr = &reg_residents;
    expect_no_issues(lg);
    assert_int_equal(lg->nrows, 3);
    assert_int_equal(lg->nignored, 0);
    const ledger_row *r0 = &lg->rows[0], *r2 = &lg->rows[2];
    assert_int_equal(r0->line, 2);
    assert_int_equal(r2->line, 4);
    assert_string_equal(r0->hkey, "H1");
    assert_string_equal(r0->place[0], "幸福镇");
    assert_string_equal(r0->place[1], "光明村");
    assert_string_equal(r0->place[2], "一组");
    assert_string_equal(r2->place[2], "二组");
    assert_string_equal(field_text(r0->resident, rr, "name"), "张三");
    assert_string_equal(field_text(r0->main, hr, "address"), "幸福路88号");
    assert_int_equal(field_int(r0->main, hr, "tags"),
                     ((int64_t)1 << vocab_find(&vocab_tag, "low_income")) |
                         ((int64_t)1 << vocab_find(&vocab_tag, "disabled")));
    assert_string_equal(vocab_code(&vocab_difficulty, (int)field_int(r2->main, hr, "difficulty")),
                        "hardest");
    assert_string_equal(field_text(r2->resident, rr, "phone"), "13800138001");
    assert_string_equal(vocab_code(&vocab_relation, (int)field_int(lg->rows[1].resident, rr,
                                                                   "relation")),
                        "spouse");
    for (size_t i = 0; i < lg->nrows; i++)
        assert_false(lg->rows[i].bad);
}

static void test_a_clean_household_ledger_in_utf8_reads_with_short_place_headers(void **state)
{
    (void)state;
    char err[200];
    char *csv = clean_households();
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS, csv, 1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    assert_int_equal(lg.format, TABLE_CSV_UTF8);
    check_clean_households(&lg);
    ledger_release(&lg);
    free(csv);
}

static void test_the_same_ledger_saved_by_chinese_excel_in_gb18030_reads_the_same(void **state)
{
    (void)state;
    char err[200];
    char *csv = clean_households();
    size_t len = 0;
    char *gb = to_gb18030(csv, &len);
    /* it really is not UTF-8 any more: two bytes a character, not three */
    assert_int_not_equal(len, strlen(csv));
    ledger lg;
    lx_status rc = ledger_read(&lg, LEDGER_HOUSEHOLDS, gb, len, TODAY, 1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    assert_int_equal(lg.format, TABLE_CSV_GB18030);
    check_clean_households(&lg);
    ledger_release(&lg);
    free(gb);
    free(csv);
}

static void test_full_place_headers_and_other_aliases_are_recognised(void **state)
{
    (void)state;
    char err[200], id[19];
    make_idno("11010519800101", 123, id);
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "户号,乡镇(街道),村(社区),组,成员姓名,性别,身份证号码,手机,关系,家庭住址\n");
    strbuf_addf(&sb, "7,幸福镇,光明村,一组,张三,男,%s,13800138000,户主,幸福路88号\n", id);
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS, strbuf_str(&sb), 1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    expect_no_issues(&lg);
    assert_int_equal(lg.nignored, 0);
    assert_int_equal(lg.nrows, 1);
    assert_string_equal(lg.rows[0].hkey, "7");
    assert_string_equal(lg.rows[0].place[0], "幸福镇");
    assert_string_equal(lg.rows[0].place[1], "光明村");
    assert_string_equal(lg.rows[0].place[2], "一组");
    assert_string_equal(field_text(lg.rows[0].resident, &reg_residents, "idno"), id);
    assert_string_equal(field_text(lg.rows[0].main, &reg_households, "address"), "幸福路88号");
    ledger_release(&lg);
    strbuf_release(&sb);
}

static void test_a_ledger_without_a_required_column_is_refused_naming_it(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    /* no 姓名 */
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS,
                             "户编号,乡镇,村,性别,与户主关系\nH1,幸福镇,光明村,男,户主\n", 1000, err,
                             sizeof err);
    assert_int_equal(rc, LX_EINVAL);
    if (!strstr(err, "姓名"))
        fail_msg("the message does not name 姓名: %s", err);
    ledger_release(&lg);
    /* no village */
    rc = read_text(&lg, LEDGER_HOUSEHOLDS,
                   "户编号,乡镇,姓名,性别,与户主关系\nH1,幸福镇,张三,男,户主\n", 1000, err,
                   sizeof err);
    assert_int_equal(rc, LX_EINVAL);
    if (!strstr(err, "村(社区)"))
        fail_msg("the message does not name 村(社区): %s", err);
    ledger_release(&lg);
    /* members without 职级 */
    rc = read_text(&lg, LEDGER_MEMBERS, "姓名,性别,乡镇,村,党员类别\n王五,男,幸福镇,光明村,在职党员\n",
                   1000, err, sizeof err);
    assert_int_equal(rc, LX_EINVAL);
    if (!strstr(err, "职级"))
        fail_msg("the message does not name 职级: %s", err);
    ledger_release(&lg);
}

static void test_an_extra_column_is_listed_as_ignored_and_the_rows_still_read(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS,
                             "户编号,乡镇,村,姓名,备注,性别,与户主关系\n"
                             "H1,幸福镇,光明村,张三,老党员家属,男,户主\n",
                             1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    assert_int_equal(lg.nignored, 1);
    assert_string_equal(lg.ignored[0], "备注");
    expect_no_issues(&lg);
    assert_int_equal(lg.nrows, 1);
    /* the column after the ignored one still lands in its field */
    assert_string_equal(vocab_code(&vocab_gender, (int)field_int(lg.rows[0].resident,
                                                                 &reg_residents, "gender")),
                        "M");
    ledger_release(&lg);
}

static void test_a_bad_id_number_is_reported_at_its_line_and_shown_masked(void **state)
{
    (void)state;
    char err[200], good[19], bad[19], want[19], head[19];
    make_idno("11010519800101", 123, head);
    make_idno("11010519820304", 224, good);
    break_idno(good, bad);
    masked_idno(bad, want);
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, HH_HEADER);
    strbuf_addf(&sb, "H1,幸福镇,光明村,一组,张三,男,,%s,,户主,,,\n", head);
    strbuf_addf(&sb, "H1,幸福镇,光明村,一组,李梅,女,,%s,,配偶,,,\n", bad);
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS, strbuf_str(&sb), 1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    const ledger_issue *is = NULL;
    assert_int_equal(issues_at(&lg, 3, "invalid", &is), 1);
    assert_int_equal(lg.nissues, 1);
    assert_string_equal(is->column, "身份证号");
    assert_string_equal(is->value, want);
    assert_true(strlen(is->message) > 0);
    assert_null(strstr(is->message, bad));
    assert_true(lg.rows[1].bad);
    assert_false(lg.rows[0].bad);
    ledger_release(&lg);
    strbuf_release(&sb);
}

static void test_an_id_number_twice_in_the_file_names_the_first_line(void **state)
{
    (void)state;
    char err[200], a[19], b[19], want[19];
    make_idno("11010519800101", 123, a);
    make_idno("11010519820304", 224, b);
    masked_idno(a, want);
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, HH_HEADER);
    strbuf_addf(&sb, "H1,幸福镇,光明村,一组,张三,男,,%s,,户主,,,\n", a);
    strbuf_addf(&sb, "H1,幸福镇,光明村,一组,李梅,女,,%s,,配偶,,,\n", b);
    /* line 4: the same number as line 2, typed with spaces around it */
    strbuf_addf(&sb, "H2,幸福镇,光明村,一组,张叁,男,, %s ,,户主,,,\n", a);
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS, strbuf_str(&sb), 1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    const ledger_issue *is = NULL;
    assert_int_equal(issues_with_code(&lg, "duplicate_in_file"), 1);
    assert_int_equal(issues_at(&lg, 4, "duplicate_in_file", &is), 1);
    assert_string_equal(is->column, "身份证号");
    assert_string_equal(is->value, want);
    if (!strstr(is->message, "line 2"))
        fail_msg("the message does not name line 2: %s", is->message);
    assert_true(lg.rows[2].bad);
    ledger_release(&lg);
    strbuf_release(&sb);
}

static void test_a_household_without_a_head_and_one_with_two_are_reported(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS,
                             "户编号,乡镇,村,姓名,性别,与户主关系\n"
                             "H1,幸福镇,光明村,张三,男,配偶\n"    /* 2: H1 has no head */
                             "H1,幸福镇,光明村,张小三,男,子女\n"  /* 3 */
                             "H2,幸福镇,光明村,王五,男,户主\n"    /* 4: H2 has two */
                             "H2,幸福镇,光明村,王六,男,戶主\n"    /* 5 */
                             "H3,幸福镇,光明村,赵七,女,户主\n",   /* 6: fine */
                             1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    const ledger_issue *is = NULL;
    assert_int_equal(issues_with_code(&lg, "head"), 2);
    /* no head: reported on the household's first row */
    assert_int_equal(issues_at(&lg, 2, "head", &is), 1);
    assert_string_equal(is->column, "与户主关系");
    /* two heads: reported on the second */
    assert_int_equal(issues_at(&lg, 5, "head", &is), 1);
    assert_string_equal(is->column, "与户主关系");
    assert_int_equal(issues_at(&lg, 4, "head", NULL), 0);
    assert_int_equal(issues_at(&lg, 6, "head", NULL), 0);
    assert_false(lg.rows[4].bad);
    ledger_release(&lg);
}

static void test_rows_of_one_household_in_different_villages_are_inconsistent(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS,
                             "户编号,乡镇,村,姓名,性别,与户主关系\n"
                             "H1,幸福镇,光明村,张三,男,户主\n"
                             "H1,幸福镇,红旗村,李梅,女,配偶\n"
                             "H2,幸福镇,光明村,王五,男,户主\n"
                             "H2,富强镇,光明村,王六,男,子女\n",
                             1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    const ledger_issue *is = NULL;
    assert_int_equal(issues_with_code(&lg, "inconsistent_household"), 2);
    assert_int_equal(issues_at(&lg, 3, "inconsistent_household", &is), 1);
    assert_string_equal(is->column, "村(社区)");
    assert_string_equal(is->value, "红旗村");
    assert_int_equal(issues_at(&lg, 5, "inconsistent_household", &is), 1);
    assert_string_equal(is->column, "乡镇(街道)");
    assert_string_equal(is->value, "富强镇");
    assert_int_equal(issues_at(&lg, 2, "inconsistent_household", NULL), 0);
    ledger_release(&lg);
}

static void test_household_cells_left_empty_on_later_rows_are_not_inconsistent(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS,
                             "户编号,乡镇,村,姓名,性别,与户主关系,住址,户类别,富裕难度,需求\n"
                             "H1,幸福镇,光明村,张三,男,户主,幸福路88号,低保户,较大,法律\n"
                             "H1,幸福镇,光明村,李梅,女,配偶,,,,\n"
                             "H1,幸福镇,光明村,张小三,男,子女,幸福路88号,低保户,较大,法律\n",
                             1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    expect_no_issues(&lg);
    ledger_release(&lg);
}

static void test_a_later_row_giving_another_address_or_tag_is_inconsistent(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS,
                             "户编号,乡镇,村,姓名,性别,与户主关系,住址,户类别\n"
                             "H1,幸福镇,光明村,张三,男,户主,幸福路88号,低保户\n"
                             "H1,幸福镇,光明村,李梅,女,配偶,幸福路99号,\n"
                             "H2,幸福镇,光明村,王五,男,户主,,五保户\n"
                             "H2,幸福镇,光明村,王六,男,子女,,残疾人\n",
                             1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    const ledger_issue *is = NULL;
    assert_int_equal(issues_at(&lg, 3, "inconsistent_household", &is), 1);
    assert_string_equal(is->column, "住址");
    /* the report never shows the address in clear */
    assert_null(strstr(is->value, "幸福路99号"));
    assert_int_equal(issues_at(&lg, 5, "inconsistent_household", &is), 1);
    assert_string_equal(is->column, "户类别");
    ledger_release(&lg);
}

static void test_a_file_with_more_rows_than_allowed_is_refused_as_too_big(void **state)
{
    (void)state;
    char err[200];
    const char *csv = "户编号,乡镇,村,姓名,性别,与户主关系\n"
                      "H1,幸福镇,光明村,张三,男,户主\n"
                      "H2,幸福镇,光明村,王五,男,户主\n"
                      "H3,幸福镇,光明村,赵七,女,户主\n";
    ledger lg;
    assert_int_equal(read_text(&lg, LEDGER_HOUSEHOLDS, csv, 2, err, sizeof err), LX_ETOOBIG);
    assert_true(strlen(err) > 0);
    assert_non_null(strstr(err, "2"));
    ledger_release(&lg);
    /* exactly at the limit is fine */
    assert_int_equal(read_text(&lg, LEDGER_HOUSEHOLDS, csv, 3, err, sizeof err), LX_OK);
    assert_int_equal(lg.nrows, 3);
    ledger_release(&lg);
}

/* A ledger of `n` one-person households (H1..Hn, lines 2..n+1); line `dup_at`
 * (if not 0) repeats the ID number of line 2, and line `wide_at` (if not 0) has
 * 20,000 cells. Long enough that the rows pass through many batches of the
 * reading thread. */
static char *long_ledger(size_t n, size_t dup_at, size_t wide_at)
{
    strbuf sb = STRBUF_INIT;
    char id[19], first[19];
    strbuf_adds(&sb, HH_HEADER);
    make_idno("11010619800101", 1, first); /* a region the others do not use */
    for (size_t i = 1; i <= n; i++) {
        size_t line = i + 1;
        char birth[15];
        snprintf(birth, sizeof birth, "110105%04zu0101", 1930 + i % 90);
        make_idno(birth, (int)(i / 90 % 500) * 2 + 1, id);
        if (line == 2 || line == dup_at)
            memcpy(id, first, sizeof id);
        strbuf_addf(&sb, "H%zu,幸福镇,光明村,一组,张%zu,男,,%s,,户主,,,", i, i, id);
        if (line == wide_at)
            for (int k = 0; k < 20000; k++)
                strbuf_adds(&sb, ",x");
        strbuf_adds(&sb, "\n");
    }
    return strbuf_detach(&sb, NULL);
}

static void test_a_long_ledger_reads_every_row_in_order_across_the_reading_thread(void **state)
{
    (void)state;
    char err[200];
    char *csv = long_ledger(10000, 9999, 0);
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS, csv, 20000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    assert_int_equal(lg.nrows, 10000);
    for (size_t i = 0; i < lg.nrows; i++) {
        char key[32];
        snprintf(key, sizeof key, "H%zu", i + 1);
        if (lg.rows[i].line != i + 2 || strcmp(lg.rows[i].hkey, key))
            fail_msg("row %zu: line %zu, household %s", i, lg.rows[i].line, lg.rows[i].hkey);
    }
    /* the one issue: line 9999 repeats line 2, thousands of rows apart */
    const ledger_issue *is = NULL;
    assert_int_equal(lg.nissues, 1);
    assert_int_equal(issues_at(&lg, 9999, "duplicate_in_file", &is), 1);
    if (!strstr(is->message, "line 2"))
        fail_msg("the message does not name line 2: %s", is->message);
    ledger_release(&lg);
    free(csv);
}

/* Reading csv (then freed) is refused with rc, in a message that names `names`. */
static void expect_refused(char *csv, size_t max_rows, lx_status rc, const char *names)
{
    char err[200];
    ledger lg;
    assert_int_equal(read_text(&lg, LEDGER_HOUSEHOLDS, csv, max_rows, err, sizeof err), rc);
    if (!strstr(err, names))
        fail_msg("the message does not name %s: %s", names, err);
    ledger_release(&lg);
    free(csv);
}

static void test_a_long_ledger_stops_at_the_row_limit_and_at_a_late_bad_row(void **state)
{
    (void)state;
    /* The limit is met long before the end: refused, naming the limit. */
    expect_refused(long_ledger(10000, 0, 0), 5000, LX_ETOOBIG, "5000");
    /* A row the parser refuses, late in the file: refused, naming its line. */
    expect_refused(long_ledger(8000, 0, 7000), 20000, LX_EINVAL, "line 7000");
    /* A header lacking a column stops the read at once, however long the file. */
    char *csv = long_ledger(10000, 0, 0);
    memcpy(strstr(csv, "姓名"), "名字", strlen("名字"));
    expect_refused(csv, 20000, LX_EINVAL, "姓名");
}

static void test_a_required_cell_left_empty_is_reported_as_required(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS,
                             "户编号,乡镇,村,姓名,性别,与户主关系\n"
                             "H1,幸福镇,光明村,,男,户主\n"
                             "H2,幸福镇,,王五,男,户主\n",
                             1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    const ledger_issue *is = NULL;
    assert_int_equal(issues_at(&lg, 2, "required", &is), 1);
    assert_string_equal(is->column, "姓名");
    assert_int_equal(issues_at(&lg, 3, "required", &is), 1);
    assert_string_equal(is->column, "村(社区)");
    ledger_release(&lg);
}

static void test_an_empty_file_is_refused(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    assert_int_equal(read_text(&lg, LEDGER_HOUSEHOLDS, "", 1000, err, sizeof err), LX_EINVAL);
    assert_true(strlen(err) > 0);
    ledger_release(&lg);
}

/* ---- members ---- */

static void test_a_member_ledger_reads_units_places_and_skills(void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_MEMBERS,
                             "姓名,性别,手机,乡镇,村,单位,职级,党员类别,特长\n"
                             "王五,男,138 0013 8000,幸福镇,光明村,县教育局,一般干部,在职党员,"
                             "法律、教育\n"
                             "赵七,女,,幸福镇,光明村,,普通党员,離退休黨員,\n",
                             1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    expect_no_issues(&lg);
    assert_int_equal(lg.nrows, 2);
    const resource *mr = &reg_members;
    assert_string_equal(lg.rows[0].unit, "县教育局");
    assert_string_equal(lg.rows[1].unit, "");
    assert_string_equal(lg.rows[0].place[0], "幸福镇");
    assert_string_equal(lg.rows[0].place[1], "光明村");
    assert_string_equal(field_text(lg.rows[0].main, mr, "phone"), "13800138000");
    assert_int_equal(field_int(lg.rows[0].main, mr, "skills"),
                     ((int64_t)1 << vocab_find(&vocab_skill, "law")) |
                         ((int64_t)1 << vocab_find(&vocab_skill, "education")));
    assert_string_equal(vocab_code(&vocab_category, (int)field_int(lg.rows[1].main, mr,
                                                                   "category")),
                        "retired");
    assert_null(lg.rows[0].resident);
    ledger_release(&lg);
}

static void test_a_members_phone_twice_in_the_file_and_a_bad_phone_are_reported_masked(
    void **state)
{
    (void)state;
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_MEMBERS,
                             "姓名,性别,联系电话,乡镇,村,职级,党员类别\n"
                             "王五,男,13800138000,幸福镇,光明村,一般干部,在职党员\n"
                             "赵七,女,1380013800,幸福镇,光明村,一般干部,在职党员\n"
                             "钱八,男,+86 138 0013 8000,幸福镇,光明村,一般干部,在职党员\n"
                             "孙九,男,13900139000,幸福镇,光明村,处长,在职党员\n",
                             1000, err, sizeof err);
    if (rc)
        fail_msg("refused: %s", err);
    const ledger_issue *is = NULL;
    assert_int_equal(issues_at(&lg, 3, "invalid", &is), 1);
    assert_string_equal(is->column, "联系电话");
    assert_string_not_equal(is->value, "1380013800");
    assert_int_equal(strlen(is->value), strlen("1380013800"));
    assert_int_equal(issues_at(&lg, 4, "duplicate_in_file", &is), 1);
    assert_string_equal(is->column, "联系电话");
    assert_string_equal(is->value, "138****8000");
    if (!strstr(is->message, "line 2"))
        fail_msg("the message does not name line 2: %s", is->message);
    assert_int_equal(issues_at(&lg, 5, "invalid", &is), 1);
    assert_string_equal(is->column, "职级");
    assert_string_equal(is->value, "处长");
    assert_int_equal(lg.nissues, 3);
    ledger_release(&lg);
}

static void test_the_templates_name_the_columns_the_reader_requires(void **state)
{
    (void)state;
    size_t n = 0;
    const char *const *cols = ledger_template(LEDGER_HOUSEHOLDS, &n);
    assert_true(n >= 6);
    /* the template's own header row reads without a missing column or an ignored one */
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? "," : "", cols[i]);
    strbuf_adds(&sb, "\n");
    char err[200];
    ledger lg;
    lx_status rc = read_text(&lg, LEDGER_HOUSEHOLDS, strbuf_str(&sb), 1000, err, sizeof err);
    if (rc)
        fail_msg("the template's own header was refused: %s", err);
    assert_int_equal(lg.nignored, 0);
    ledger_release(&lg);
    strbuf_release(&sb);
    assert_int_equal(ledger_kind_parse("households"), LEDGER_HOUSEHOLDS);
    assert_int_equal(ledger_kind_parse("members"), LEDGER_MEMBERS);
    assert_int_equal(ledger_kind_parse("residents"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_clean_household_ledger_in_utf8_reads_with_short_place_headers),
        cmocka_unit_test(test_the_same_ledger_saved_by_chinese_excel_in_gb18030_reads_the_same),
        cmocka_unit_test(test_full_place_headers_and_other_aliases_are_recognised),
        cmocka_unit_test(test_a_ledger_without_a_required_column_is_refused_naming_it),
        cmocka_unit_test(test_an_extra_column_is_listed_as_ignored_and_the_rows_still_read),
        cmocka_unit_test(test_a_bad_id_number_is_reported_at_its_line_and_shown_masked),
        cmocka_unit_test(test_an_id_number_twice_in_the_file_names_the_first_line),
        cmocka_unit_test(test_a_household_without_a_head_and_one_with_two_are_reported),
        cmocka_unit_test(test_rows_of_one_household_in_different_villages_are_inconsistent),
        cmocka_unit_test(test_household_cells_left_empty_on_later_rows_are_not_inconsistent),
        cmocka_unit_test(test_a_later_row_giving_another_address_or_tag_is_inconsistent),
        cmocka_unit_test(test_a_file_with_more_rows_than_allowed_is_refused_as_too_big),
        cmocka_unit_test(test_a_long_ledger_reads_every_row_in_order_across_the_reading_thread),
        cmocka_unit_test(test_a_long_ledger_stops_at_the_row_limit_and_at_a_late_bad_row),
        cmocka_unit_test(test_a_required_cell_left_empty_is_reported_as_required),
        cmocka_unit_test(test_an_empty_file_is_refused),
        cmocka_unit_test(test_a_member_ledger_reads_units_places_and_skills),
        cmocka_unit_test(test_a_members_phone_twice_in_the_file_and_a_bad_phone_are_reported_masked),
        cmocka_unit_test(test_the_templates_name_the_columns_the_reader_requires),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
