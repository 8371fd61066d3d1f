/* test_xlsx_out.c -- exporting a list to .xlsx: safe cells, readable columns, a file Excel opens.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "io/table.h"
#include "io/xlsx_out.h"
#include "util/strbuf.h"

/* ---- helpers ---- */

static void temp_path(char *path, size_t size)
{
    int fd;
    snprintf(path, size, "/tmp/lx_test_xlsx_out_XXXXXX.xlsx");
    fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
}

/* The neutralised form of cell, as a fresh string (the caller frees). */
static char *neutralised(const char *cell)
{
    strbuf sb = STRBUF_INIT;
    xlsx_neutralise(cell, &sb);
    return strbuf_detach(&sb, NULL);
}

static void assert_neutralised(const char *cell, const char *expect)
{
    char *got = neutralised(cell);
    assert_string_equal(got, expect);
    free(got);
}

/* The contents of one part of the workbook at path (the caller frees). */
static char *zip_part(const char *path, const char *name)
{
    zip_t *za = zip_open(path, ZIP_RDONLY, NULL);
    zip_file_t *zf;
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    zip_int64_t n;
    assert_non_null(za);
    zf = zip_fopen(za, name, 0);
    assert_non_null(zf);
    while ((n = zip_fread(zf, buf, sizeof buf)) > 0)
        strbuf_add(&sb, buf, (size_t)n);
    assert_true(n == 0);
    zip_fclose(zf);
    zip_discard(za);
    return strbuf_detach(&sb, NULL);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    assert_non_null(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb, len);
}

/* Rows read back with table_read, "line:cell|cell" per line. */
static int collect(void *ctx, size_t line, const char *const *cells, size_t n)
{
    strbuf *sb = ctx;
    strbuf_addf(sb, "%zu:", line);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(sb, "%s%s", i ? "|" : "", cells[i]);
    strbuf_addch(sb, '\n');
    return 0;
}

/* Read the workbook at path back into a transcript (the caller frees). */
static char *read_back(const char *path)
{
    size_t len;
    char *data = slurp(path, &len);
    strbuf sb = STRBUF_INIT;
    table_format fmt;
    char err[200] = "";
    lx_status rc = table_read(data, len, collect, &sb, &fmt, err, sizeof err);
    free(data);
    if (rc)
        fail_msg("table_read: %s", err);
    assert_int_equal(fmt, TABLE_XLSX);
    return strbuf_detach(&sb, NULL);
}

/* Width of column `col` (1-based) in the sheet XML, 0 if not set. */
static double col_width(const char *sheet_xml, int col)
{
    char needle[64];
    const char *p;
    double w = 0;
    snprintf(needle, sizeof needle, "<col min=\"%d\" max=\"%d\" width=\"", col, col);
    p = strstr(sheet_xml, needle);
    if (p)
        w = strtod(p + strlen(needle), NULL);
    return w;
}

/* ---- neutralising ---- */

static void test_formula_cell_is_neutralised(void **state)
{
    (void)state;
    assert_neutralised("=SUM(A1)", "'=SUM(A1)");
    assert_neutralised("+1", "'+1");
    assert_neutralised("-2", "'-2");
    assert_neutralised("@x", "'@x");
    assert_neutralised("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0");
    assert_neutralised("\r=1", "'\r=1");
}

static void test_normal_value_is_unchanged(void **state)
{
    (void)state;
    assert_neutralised("张三", "张三");
    assert_neutralised("110105194912310021", "110105194912310021");
    assert_neutralised("a=b", "a=b");
    assert_neutralised("3-1", "3-1");
    assert_neutralised("'quoted", "'quoted");
    assert_neutralised("", "");
}

static void test_neutralise_appends_and_ignores_null(void **state)
{
    strbuf sb = STRBUF_INIT;
    (void)state;
    strbuf_adds(&sb, "x,");
    xlsx_neutralise("=1", &sb);
    xlsx_neutralise(NULL, &sb);
    assert_string_equal(strbuf_str(&sb), "x,'=1");
    strbuf_release(&sb);
}

/* ---- the workbook ---- */

static void test_exported_list_reads_back_with_formulas_neutralised(void **state)
{
    char path[64];
    char *got, *sheet;
    const char *head[] = {"姓名", "身份证号", "金额", "备注"};
    const char *r1[] = {"张三", "110105194912310021", "-200", "=HYPERLINK(\"http://x\")"};
    const char *r2[] = {"李四", "+86 139", "@SUM(1)", "正常"};
    xlsx_out *x;
    (void)state;

    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "低保名单");
    assert_non_null(x);
    xlsx_out_header(x, head, 4);
    xlsx_out_row(x, r1, 4);
    xlsx_out_row(x, r2, 4);
    assert_int_equal(xlsx_out_close(x), LX_OK);

    got = read_back(path);
    assert_string_equal(got, "1:姓名|身份证号|金额|备注\n"
                             "2:张三|110105194912310021|'-200|'=HYPERLINK(\"http://x\")\n"
                             "3:李四|'+86 139|'@SUM(1)|正常\n");
    sheet = zip_part(path, "xl/worksheets/sheet1.xml");
    assert_null(strstr(sheet, "<f>"));                 /* no formula anywhere */
    assert_null(strstr(sheet, "t=\"n\""));             /* and no number: all strings */
    assert_non_null(strstr(sheet, "t=\"inlineStr\"")); /* constant-memory mode */
    free(sheet);
    free(got);
    unlink(path);
}

static void test_header_is_bold_and_stays_visible(void **state)
{
    char path[64];
    char *sheet, *styles;
    const char *head[] = {"户主"};
    const char *row[] = {"王五"};
    xlsx_out *x;
    (void)state;

    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    xlsx_out_header(x, head, 1);
    xlsx_out_row(x, row, 1);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    sheet = zip_part(path, "xl/worksheets/sheet1.xml");
    styles = zip_part(path, "xl/styles.xml");
    assert_non_null(strstr(sheet, "<c r=\"A1\" s=\"1\" t=\"inlineStr\">"));
    assert_non_null(strstr(sheet, "<c r=\"A2\" t=\"inlineStr\">"));
    assert_non_null(strstr(sheet, "ySplit=\"1\""));
    assert_non_null(strstr(styles, "<b/>"));
    free(sheet);
    free(styles);
    unlink(path);
}

static void test_column_widths_fit_cjk_as_double_width(void **state)
{
    char path[64];
    char *sheet;
    const char *row[] = {"一二三四五六七八九十", "abcdefghij", "x"};
    xlsx_out *x;
    double cjk, ascii;
    (void)state;

    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    xlsx_out_row(x, row, 3);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    sheet = zip_part(path, "xl/worksheets/sheet1.xml");
    cjk = col_width(sheet, 1);
    ascii = col_width(sheet, 2);
    assert_true(cjk >= 20.0);
    assert_true(ascii >= 10.0 && ascii < 20.0);
    assert_true(col_width(sheet, 3) == 0); /* short column keeps the default */
    free(sheet);
    unlink(path);
}

static void test_long_sheet_name_is_cut_at_a_character_boundary(void **state)
{
    char path[64], name[200] = "", expect[200] = "", *wb, needle[220];
    xlsx_out *x;
    (void)state;

    for (int i = 0; i < 40; i++)
        strncat(name, "户", sizeof name - strlen(name) - 1);
    for (int i = 0; i < 31; i++)
        strncat(expect, "户", sizeof expect - strlen(expect) - 1);
    temp_path(path, sizeof path);
    x = xlsx_out_open(path, name);
    assert_non_null(x);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    wb = zip_part(path, "xl/workbook.xml");
    snprintf(needle, sizeof needle, "name=\"%s\"", expect);
    assert_non_null(strstr(wb, needle));
    free(wb);
    unlink(path);
}

static void test_sheet_name_with_forbidden_characters_is_cleaned(void **state)
{
    char path[64], *wb;
    xlsx_out *x;
    (void)state;

    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "2024/01 [名单]:*?");
    assert_non_null(x);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    wb = zip_part(path, "xl/workbook.xml");
    assert_non_null(strstr(wb, "name=\"2024_01 _名单____\""));
    free(wb);

    x = xlsx_out_open(path, NULL);
    assert_non_null(x);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    wb = zip_part(path, "xl/workbook.xml");
    assert_non_null(strstr(wb, "name=\"Sheet1\""));
    free(wb);
    unlink(path);
}

static void test_invalid_utf8_becomes_replacement_character(void **state)
{
    char path[64], *got;
    const char *row[] = {"ab\xFF"
                         "cd",
                         "\xE5\xBC"};
    xlsx_out *x;
    (void)state;

    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    xlsx_out_row(x, row, 2);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    got = read_back(path);
    assert_string_equal(got, "1:ab\xEF\xBF\xBD"
                             "cd|\xEF\xBF\xBD\xEF\xBF\xBD\n");
    free(got);
    unlink(path);
}

static void test_overlong_cell_is_cut_to_excels_limit(void **state)
{
    char path[64], *got, *big = malloc(40001);
    const char *row[1];
    xlsx_out *x;
    (void)state;

    memset(big, 'x', 40000);
    big[40000] = '\0';
    row[0] = big;
    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    xlsx_out_row(x, row, 1);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    got = read_back(path);
    assert_int_equal(strlen(got), strlen("1:") + 32767 + 1);
    free(got);
    free(big);
    unlink(path);
}

static void test_text_that_looks_like_an_excel_escape_survives(void **state)
{
    char path[64], *got;
    const char *row[] = {"_x0041_", "a_x000D_b"};
    xlsx_out *x;
    (void)state;

    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    xlsx_out_row(x, row, 2);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    got = read_back(path);
    assert_string_equal(got, "1:_x0041_|a_x000D_b\n");
    free(got);
    unlink(path);
}

static void test_many_rows_stay_in_order(void **state)
{
    char path[64], *got, line[128];
    char a[32], b[32];
    const char *row[] = {a, "东关村", b, NULL, "备注"};
    xlsx_out *x;
    size_t n = 0;
    (void)state;

    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    for (int i = 0; i < 20000; i++) {
        snprintf(a, sizeof a, "户%d", i);
        snprintf(b, sizeof b, "%d", i * 7);
        xlsx_out_row(x, row, 5);
    }
    assert_int_equal(xlsx_out_close(x), LX_OK);
    got = read_back(path);
    for (const char *p = got; (p = strchr(p, '\n')) != NULL; p++)
        n++;
    assert_int_equal(n, 20000);
    snprintf(line, sizeof line, "\n20000:户19999|东关村|139993||备注\n");
    assert_non_null(strstr(got, line));
    assert_non_null(strstr(got, "\n5001:户5000|东关村|35000||备注\n"));
    free(got);
    unlink(path);
}

static void test_unwritable_path_is_refused_at_open(void **state)
{
    (void)state;
    assert_null(xlsx_out_open("/nonexistent-lianxin-dir/out.xlsx", "S"));
    assert_null(xlsx_out_open(NULL, "S"));
}

static void test_too_many_columns_is_too_big(void **state)
{
    char path[64];
    const char **wide = calloc(16385, sizeof *wide);
    xlsx_out *x;
    (void)state;

    wide[16384] = "past XFD";
    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    xlsx_out_row(x, wide, 16385);
    assert_int_equal(xlsx_out_close(x), LX_ETOOBIG);
    free(wide);
    unlink(path);
}

static void test_close_and_rows_accept_null(void **state)
{
    const char *row[] = {"x"};
    (void)state;
    xlsx_out_row(NULL, row, 1);
    xlsx_out_header(NULL, row, 1);
    assert_int_equal(xlsx_out_close(NULL), LX_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_cell_is_neutralised),
        cmocka_unit_test(test_normal_value_is_unchanged),
        cmocka_unit_test(test_neutralise_appends_and_ignores_null),
        cmocka_unit_test(test_exported_list_reads_back_with_formulas_neutralised),
        cmocka_unit_test(test_header_is_bold_and_stays_visible),
        cmocka_unit_test(test_column_widths_fit_cjk_as_double_width),
        cmocka_unit_test(test_long_sheet_name_is_cut_at_a_character_boundary),
        cmocka_unit_test(test_sheet_name_with_forbidden_characters_is_cleaned),
        cmocka_unit_test(test_invalid_utf8_becomes_replacement_character),
        cmocka_unit_test(test_overlong_cell_is_cut_to_excels_limit),
        cmocka_unit_test(test_text_that_looks_like_an_excel_escape_survives),
        cmocka_unit_test(test_many_rows_stay_in_order),
        cmocka_unit_test(test_unwritable_path_is_refused_at_open),
        cmocka_unit_test(test_too_many_columns_is_too_big),
        cmocka_unit_test(test_close_and_rows_accept_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
