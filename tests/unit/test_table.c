/* test_table.c -- reading the county's ledgers, in every form Excel in China saves them. */
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
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "io/table.h"
#include "io/xlsx_out.h"
#include "util/strbuf.h"

/* ---- helpers ---- */

/* What table_read delivered: one line per row, "line:cell|cell|...". */
typedef struct transcript {
    strbuf sb;         /* the rows so far */
    size_t rows;       /* how many */
    size_t stop_after; /* ask to stop after this many rows; 0: never */
} transcript;

static int collect(void *ctx, size_t line, const char *const *cells, size_t n)
{
    transcript *t = ctx;
    strbuf_addf(&t->sb, "%zu:", line);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(cells[i]);
        strbuf_addf(&t->sb, "%s%s", i ? "|" : "", cells[i]);
    }
    strbuf_addch(&t->sb, '\n');
    t->rows++;
    return t->stop_after && t->rows >= t->stop_after;
}

/* Result of one table_read. */
typedef struct reading {
    lx_status rc;     /* what table_read returned */
    table_format fmt; /* the format it reported */
    char err[200];    /* its message */
    transcript t;     /* the rows */
} reading;

static void read_bytes(reading *r, const void *data, size_t len)
{
    memset(r, 0, sizeof *r);
    strbuf_init(&r->t.sb, 0);
    r->fmt = (table_format)-1;
    r->rc = table_read(data, len, collect, &r->t, &r->fmt, r->err, sizeof r->err);
}

static void read_str(reading *r, const char *s)
{
    read_bytes(r, s, strlen(s));
}

static void reading_release(reading *r)
{
    strbuf_release(&r->t.sb);
}

/* Convert a UTF-8 literal to `charset` (as Excel would have saved it); the caller frees. */
static char *convert(const char *utf8, const char *charset, size_t *outlen)
{
    size_t il = strlen(utf8), cap = il * 2 + 16, ol = cap;
    char *out = malloc(cap), *ip = (char *)utf8, *op = out;
    iconv_t cd = iconv_open(charset, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    *outlen = cap - ol;
    return out;
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

static void temp_path(char *path, size_t size)
{
    int fd;
    snprintf(path, size, "/tmp/lx_test_table_XXXXXX.xlsx");
    fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
}

/* One part of a hand-made workbook. */
struct part {
    const char *name; /* path inside the zip */
    const char *xml;  /* its contents */
};

/* Zip the parts into a fresh buffer (the caller frees). */
static char *make_zip(const struct part *parts, size_t nparts, size_t *len)
{
    char path[64];
    zip_t *za;
    char *data;
    temp_path(path, sizeof path);
    za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, NULL);
    assert_non_null(za);
    for (size_t i = 0; i < nparts; i++) {
        zip_source_t *src = zip_source_buffer(za, parts[i].xml, strlen(parts[i].xml), 0);
        assert_non_null(src);
        assert_true(zip_file_add(za, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(za), 0);
    data = slurp(path, len);
    unlink(path);
    return data;
}

#define NS_MAIN "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define NS_R "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL_TYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char one_sheet_workbook[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<workbook " NS_MAIN " " NS_R
    "><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char one_sheet_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" REL_TYPE "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";
static const char one_string_sst[] = "<sst " NS_MAIN "><si><t>only</t></si></sst>";

/* A workbook with one sheet whose XML is `sheet`. */
static char *one_sheet_xlsx(const char *sheet, size_t *len)
{
    struct part parts[] = {
        {"xl/workbook.xml", one_sheet_workbook},
        {"xl/_rels/workbook.xml.rels", one_sheet_rels},
        {"xl/sharedStrings.xml", one_string_sst},
        {"xl/worksheets/sheet1.xml", sheet},
    };
    return make_zip(parts, 4, len);
}

/* ---- CSV ---- */

static void test_utf8_csv_with_bom_reads_without_the_bom(void **state)
{
    reading r;
    (void)state;
    read_str(&r, "\xEF\xBB\xBF姓名,身份证号\r\n张三,110105194912310021\r\n");
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.fmt, TABLE_CSV_UTF8);
    assert_string_equal(strbuf_str(&r.t.sb), "1:姓名|身份证号\n2:张三|110105194912310021\n");
    reading_release(&r);
}

static void test_utf8_csv_without_bom_and_lf_only_reads_as_is(void **state)
{
    reading r;
    (void)state;
    read_str(&r, "姓名,村\n李四,东关村\n王五,西岭村");
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.fmt, TABLE_CSV_UTF8);
    assert_string_equal(strbuf_str(&r.t.sb), "1:姓名|村\n2:李四|东关村\n3:王五|西岭村\n");
    reading_release(&r);
}

static void test_gbk_csv_saved_by_excel_reads_as_utf8(void **state)
{
    reading r;
    size_t len;
    char *gbk = convert("姓名,身份证号\r\n张三,110105194912310021\r\n", "GBK", &len);
    (void)state;
    read_bytes(&r, gbk, len);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.fmt, TABLE_CSV_GB18030);
    assert_string_equal(strbuf_str(&r.t.sb), "1:姓名|身份证号\n2:张三|110105194912310021\n");
    reading_release(&r);
    free(gbk);
}

static void test_gbk_csv_with_lf_only_counts_lines(void **state)
{
    reading r;
    size_t len;
    char *gbk = convert("户主,人口\n\n赵六,3\n钱七,5\n", "GBK", &len);
    (void)state;
    read_bytes(&r, gbk, len);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.fmt, TABLE_CSV_GB18030);
    assert_string_equal(strbuf_str(&r.t.sb), "1:户主|人口\n3:赵六|3\n4:钱七|5\n");
    reading_release(&r);
    free(gbk);
}

static void test_rare_name_characters_outside_gbk_read_through_gb18030(void **state)
{
    reading r;
    size_t len;
    /* U+4DAE and U+20000 take four bytes in GB18030 */
    char *gb = convert("姓名\r\n刘䶮\r\n𠀀家\r\n", "GB18030", &len);
    (void)state;
    read_bytes(&r, gb, len);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.fmt, TABLE_CSV_GB18030);
    assert_string_equal(strbuf_str(&r.t.sb), "1:姓名\n2:刘䶮\n3:𠀀家\n");
    reading_release(&r);
    free(gb);
}

static void test_quoted_commas_and_doubled_quotes_stay_in_one_cell(void **state)
{
    reading r;
    (void)state;
    read_str(&r, "地址,备注\r\n\"东关村,3组\",\"他说\"\"已核实\"\"\"\r\n");
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "1:地址|备注\n2:东关村,3组|他说\"已核实\"\n");
    assert_int_equal(r.t.rows, 2);
    reading_release(&r);
}

static void test_quoted_field_with_newline_keeps_line_numbers(void **state)
{
    reading r;
    (void)state;
    read_str(
        &r,
        "姓名,备注\r\n张三,\"第一行\r\n第二行\r\n第三行\"\r\n李四,无\r\n\"王\n五\",x\n赵六,y\n");
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "1:姓名|备注\n"
                                             "2:张三|第一行\r\n第二行\r\n第三行\n"
                                             "5:李四|无\n"
                                             "6:王\n五|x\n"
                                             "8:赵六|y\n");
    reading_release(&r);
}

static void test_empty_lines_and_rows_of_empty_cells_are_skipped(void **state)
{
    reading r;
    (void)state;
    read_str(&r, "a,b\r\n\r\n   \r\n,,\r\n\"\",\" \"\r\n\nc,d");
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "1:a|b\n7:c|d\n");
    reading_release(&r);
}

static void test_cells_are_trimmed_of_spaces_and_carriage_returns(void **state)
{
    reading r;
    (void)state;
    read_str(&r, "  张三 ,\t110105194912310021\t, \" 引号内 \" \r\n");
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "1:张三|110105194912310021|引号内\n");
    reading_release(&r);
}

static void test_empty_file_has_no_rows(void **state)
{
    reading r;
    (void)state;
    read_bytes(&r, "", 0);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.t.rows, 0);
    reading_release(&r);
    read_str(&r, "\xEF\xBB\xBF\r\n");
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.t.rows, 0);
    reading_release(&r);
    read_bytes(&r, NULL, 0);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.t.rows, 0);
    reading_release(&r);
}

static void test_bytes_neither_utf8_nor_gb18030_are_refused_naming_the_line(void **state)
{
    reading r;
    size_t len;
    char *gbk = convert("姓名,电话\r\n张三,1\r\n李四,", "GBK", &len);
    char file[128];
    (void)state;
    /* two GBK lines, then bytes no charset explains on line 3 */
    memcpy(file, gbk, len);
    memcpy(file + len, "\xFF\xFF\r\n", 4);
    free(gbk);
    read_bytes(&r, file, len + 4);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_int_equal(r.fmt, TABLE_CSV_GB18030);
    assert_string_equal(r.err, "bad GB18030 byte sequence at line 3");
    assert_int_equal(r.t.rows, 0);
    reading_release(&r);

    read_str(&r, "a\n\x80");
    assert_int_equal(r.rc, LX_EINVAL);
    assert_string_equal(r.err, "bad GB18030 byte sequence at line 2");
    reading_release(&r);
}

static void test_file_marked_utf8_with_bad_bytes_is_refused(void **state)
{
    reading r;
    (void)state;
    read_str(&r, "\xEF\xBB\xBF姓名\n张\xE4\n");
    assert_int_equal(r.rc, LX_EINVAL);
    assert_string_equal(r.err, "bad UTF-8 byte sequence at line 2");
    reading_release(&r);
}

static void test_binary_files_are_refused(void **state)
{
    static const char nul[] = "a,b\n\0\x01\x02";
    reading r;
    (void)state;
    read_bytes(&r, nul, sizeof nul - 1);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_string_equal(r.err, "file is not valid CSV or XLSX");
    reading_release(&r);

    read_bytes(&r, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_non_null(strstr(r.err, ".xls"));
    reading_release(&r);

    read_bytes(&r,
               "\xFF\xFE"
               "a\0,\0",
               6);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_non_null(strstr(r.err, "UTF-16"));
    reading_release(&r);
}

static void test_row_with_more_cells_than_excel_is_refused(void **state)
{
    reading r;
    char *wide = malloc(20000);
    (void)state;
    memset(wide, ',', 19998);
    wide[0] = 'x';
    wide[19998] = '\n';
    wide[19999] = '\0';
    read_str(&r, wide);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_non_null(strstr(r.err, "line 1"));
    reading_release(&r);
    free(wide);
}

static void test_callback_can_stop_reading(void **state)
{
    reading r;
    (void)state;
    memset(&r, 0, sizeof r);
    strbuf_init(&r.t.sb, 0);
    r.t.stop_after = 2;
    r.rc = table_read("a\nb\nc\nd\n", 8, collect, &r.t, NULL, NULL, 0);
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "1:a\n2:b\n");
    reading_release(&r);
}

static void test_unterminated_quote_reads_to_the_end(void **state)
{
    reading r;
    (void)state;
    read_str(&r, "a,\"b\nc");
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "1:a|b\nc\n");
    reading_release(&r);
}

/* ---- XLSX ---- */

static void test_xlsx_written_by_xlsx_out_reads_back_cell_for_cell(void **state)
{
    char path[64];
    xlsx_out *x;
    reading r;
    size_t len;
    char *data;
    const char *head[] = {"姓名", "身份证号", "村", "备注"};
    const char *row1[] = {"张三", "110105194912310021", "东关村", "=SUM(A1)"};
    const char *row2[] = {"李四", NULL, "", "  有空格  "};
    const char *row3[] = {NULL, NULL, "仅第三列"};
    const char *row4[] = {"控制\x01字符", "_x0041_", "a&b<c>\"d\"", "多\n行"};
    (void)state;

    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "低保名单");
    assert_non_null(x);
    xlsx_out_header(x, head, 4);
    xlsx_out_row(x, row1, 4);
    xlsx_out_row(x, NULL, 0);
    xlsx_out_row(x, row2, 4);
    xlsx_out_row(x, row3, 3);
    xlsx_out_row(x, row4, 4);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    data = slurp(path, &len);
    unlink(path);

    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.fmt, TABLE_XLSX);
    assert_string_equal(strbuf_str(&r.t.sb), "1:姓名|身份证号|村|备注\n"
                                             "2:张三|110105194912310021|东关村|'=SUM(A1)\n"
                                             "4:李四|||有空格\n"
                                             "5:||仅第三列\n"
                                             "6:控制\x01字符|_x0041_|a&b<c>\"d\"|多\n行\n");
    reading_release(&r);
    free(data);
}

static void test_xlsx_from_libxlsxwriter_reads_strings_numbers_booleans_and_formulas(void **state)
{
    char path[64];
    lxw_workbook *wb;
    lxw_worksheet *ws, *other;
    lxw_format *bold, *date;
    lxw_datetime day = {2024, 1, 1, 0, 0, 0};
    reading r;
    size_t len;
    char *data;
    (void)state;

    temp_path(path, sizeof path);
    wb = workbook_new(path); /* shared strings, not constant memory */
    ws = workbook_add_worksheet(wb, "名单");
    other = workbook_add_worksheet(wb, "别的");
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_rich_string_tuple f1 = {.format = bold, .string = "身份"};
    lxw_rich_string_tuple f2 = {.format = NULL, .string = "证号"};
    lxw_rich_string_tuple *rich[] = {&f1, &f2, NULL};

    worksheet_write_string(ws, 0, 0, "户主", NULL);
    worksheet_write_rich_string(ws, 0, 1, rich, NULL);
    worksheet_write_string(ws, 1, 0, "张三", NULL);
    worksheet_write_number(ws, 1, 1, 42, NULL);
    worksheet_write_number(ws, 1, 2, 3.5, NULL);
    worksheet_write_boolean(ws, 1, 3, 1, NULL);
    worksheet_write_boolean(ws, 1, 4, 0, NULL);
    worksheet_write_formula_str(ws, 1, 5, "=A2&\"户\"", NULL, "张三户");
    worksheet_write_datetime(ws, 1, 6, &day, date);
    worksheet_write_string(ws, 3, 2, "张三", NULL); /* a repeated shared string */
    worksheet_write_string(other, 0, 0, "不该读到", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    data = slurp(path, &len);
    unlink(path);

    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "1:户主|身份证号\n"
                                             "2:张三|42|3.5|TRUE|FALSE|张三户|45292\n"
                                             "4:||张三\n");
    reading_release(&r);
    free(data);
}

static void test_hand_made_xlsx_with_sparse_rows_and_inline_strings(void **state)
{
    static const char workbook[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<workbook " NS_MAIN
        " xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<sheets><sheet name=\"图表\" sheetId=\"3\" rel:id=\"rId9\"/>"
        "<sheet name=\"低保名单\" sheetId=\"2\" rel:id=\"rId7\"/>"
        "<sheet name=\"说明\" sheetId=\"1\" rel:id=\"rId1\"/></sheets></workbook>";
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" REL_TYPE
        "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId9\" Type=\"" REL_TYPE
        "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId3\" Type=\"" REL_TYPE
        "sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>"
        "<Relationship Id=\"rId7\" Type=\"" REL_TYPE
        "worksheet\" Target=\"./worksheets/../worksheets/data.xml\"/>"
        "</Relationships>";
    static const char sst[] = "<sst " NS_MAIN " count=\"3\" uniqueCount=\"3\">"
                              "<si><t>户主</t></si>"
                              "<si><r><rPr><b/></rPr><t>身份</t></r><r><t>证号</t></r><rPh "
                              "sb=\"0\" eb=\"2\"><t>シンブン</t></rPh></si>"
                              "<si><t xml:space=\"preserve\">  王五  </t></si>"
                              "</sst>";
    static const char wrong[] =
        "<worksheet " NS_MAIN "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
        "<is><t>WRONG SHEET</t></is></c></row></sheetData></worksheet>";
    static const char data_sheet[] =
        "<worksheet " NS_MAIN "><dimension ref=\"A1:F6\"/><sheetData>"
        "<row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" "
        "t=\"s\"><v>1</v></c></row>"
        "<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>李四</t></is></c>"
        "<c s=\"2\"><v>42.5</v></c><c t=\"b\"><v>1</v></c>"
        "<c r=\"F3\" t=\"str\"><f>A1&amp;\"x\"</f><v>户主x</v></c></row>"
        "<row r=\"4\"><c r=\"A4\" s=\"1\"/><c r=\"B4\" t=\"s\"><v>2</v></c></row>"
        "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t> </t></is></c><c r=\"B5\"/></row>"
        "<row><c r=\"A6\" "
        "t=\"inlineStr\"><is><r><t>甲</t></r><r><t>乙_x000D_丙</t></r></is></c></row>"
        "</sheetData></worksheet>";
    struct part parts[] = {
        {"xl/workbook.xml", workbook},          {"xl/_rels/workbook.xml.rels", rels},
        {"xl/sharedStrings.xml", sst},          {"xl/worksheets/sheet1.xml", wrong},
        {"xl/worksheets/data.xml", data_sheet},
    };
    reading r;
    size_t len;
    char *data = make_zip(parts, 5, &len);
    (void)state;

    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.fmt, TABLE_XLSX);
    assert_string_equal(strbuf_str(&r.t.sb), "1:户主||身份证号\n"
                                             "3:|李四|42.5|TRUE||户主x\n"
                                             "4:|王五\n"
                                             "6:甲乙\r丙\n");
    reading_release(&r);
    free(data);
}

static void test_xlsx_with_prefixed_element_names_reads(void **state)
{
    static const char sheet[] =
        "<x:worksheet "
        "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
        "<x:row r=\"2\"><x:c r=\"B2\" t=\"inlineStr\"><x:is><x:t>前缀</x:t></x:is></x:c>"
        "<x:c r=\"C2\" t=\"s\"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>";
    reading r;
    size_t len;
    char *data = one_sheet_xlsx(sheet, &len);
    (void)state;
    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "2:|前缀|only\n");
    reading_release(&r);
    free(data);
}

static void test_xlsx_callback_can_stop_reading(void **state)
{
    static const char sheet[] =
        "<worksheet " NS_MAIN "><sheetData>"
        "<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</v></c></row>"
        "<row r=\"3\"><c><v>3</v></c></row></sheetData></worksheet>";
    reading r;
    size_t len;
    char *data = one_sheet_xlsx(sheet, &len);
    (void)state;
    memset(&r, 0, sizeof r);
    strbuf_init(&r.t.sb, 0);
    r.t.stop_after = 1;
    r.rc = table_read(data, len, collect, &r.t, NULL, NULL, 0);
    assert_int_equal(r.rc, LX_OK);
    assert_string_equal(strbuf_str(&r.t.sb), "1:1\n");
    reading_release(&r);
    free(data);
}

static void test_garbage_zip_is_refused(void **state)
{
    char junk[4096];
    reading r;
    uint32_t seed = 12345;
    (void)state;
    memcpy(junk, "PK\x03\x04", 4);
    for (size_t i = 4; i < sizeof junk; i++) {
        seed = seed * 1103515245u + 12345u;
        junk[i] = (char)(seed >> 16);
    }
    read_bytes(&r, junk, sizeof junk);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_int_equal(r.fmt, TABLE_XLSX);
    assert_non_null(strstr(r.err, "xlsx"));
    reading_release(&r);

    read_bytes(&r, "PK\x03\x04", 4);
    assert_int_equal(r.rc, LX_EINVAL);
    reading_release(&r);
}

static void test_truncated_xlsx_is_refused(void **state)
{
    char path[64];
    xlsx_out *x;
    reading r;
    size_t len;
    char *data;
    const char *row[] = {"张三", "110105194912310021"};
    (void)state;
    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    for (int i = 0; i < 200; i++)
        xlsx_out_row(x, row, 2);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    data = slurp(path, &len);
    unlink(path);
    read_bytes(&r, data, len / 2);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_true(strlen(r.err) > 0);
    reading_release(&r);
    free(data);
}

static void test_zip_that_is_not_a_workbook_is_refused(void **state)
{
    struct part parts[] = {{"readme.txt", "hello"}};
    struct part no_sheet[] = {{"xl/workbook.xml", one_sheet_workbook}};
    reading r;
    size_t len;
    char *data = make_zip(parts, 1, &len);
    (void)state;
    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_non_null(strstr(r.err, "no workbook"));
    reading_release(&r);
    free(data);

    data = make_zip(no_sheet, 1, &len);
    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_string_equal(r.err, "xlsx: no worksheet");
    reading_release(&r);
    free(data);
}

static void test_xlsx_with_bad_xml_or_dtd_is_refused(void **state)
{
    static const char laughs[] =
        "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&b;</t></is></c>"
        "</row></sheetData></worksheet>";
    static const char broken[] = "<worksheet><sheetData><row r=\"1\"><c><v>1</c></row>";
    static const char bad_index[] =
        "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>7</v></c></row>"
        "</sheetData></worksheet>";
    static const char bad_ref[] =
        "<worksheet><sheetData><row r=\"1\"><c r=\"ZZZZ1\"><v>7</v></c></row>"
        "</sheetData></worksheet>";
    const char *sheets[] = {laughs, broken, bad_index, bad_ref};
    const char *expect[] = {"DTD", "bad XML", "shared string", "cell reference"};
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        reading r;
        size_t len;
        char *data = one_sheet_xlsx(sheets[i], &len);
        read_bytes(&r, data, len);
        assert_int_equal(r.rc, LX_EINVAL);
        assert_non_null(strstr(r.err, expect[i]));
        reading_release(&r);
        free(data);
    }
}

static void test_sheet_with_more_rows_than_excel_is_too_big(void **state)
{
    static const char sheet[] = "<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row>"
                                "<row r=\"1048577\"><c><v>2</v></c></row></sheetData></worksheet>";
    reading r;
    size_t len;
    char *data = one_sheet_xlsx(sheet, &len);
    (void)state;
    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_ETOOBIG);
    reading_release(&r);
    free(data);
}

static void test_zip_bomb_is_too_big(void **state)
{
    /* 257 MiB of whitespace inside the sheet deflates to a few hundred KiB */
    size_t pad = (size_t)257 << 20;
    static const char head[] = "<worksheet><sheetData>", tail[] = "</sheetData></worksheet>";
    char *sheet = malloc(sizeof head + pad + sizeof tail);
    reading r;
    size_t len;
    char *data;
    (void)state;
    memcpy(sheet, head, sizeof head - 1);
    memset(sheet + sizeof head - 1, ' ', pad);
    memcpy(sheet + sizeof head - 1 + pad, tail, sizeof tail);
    data = one_sheet_xlsx(sheet, &len);
    free(sheet);
    assert_true(len < ((size_t)4 << 20));
    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_ETOOBIG);
    assert_non_null(strstr(r.err, "256 MiB"));
    reading_release(&r);
    free(data);
}

/* A sheet big enough to be inflated on a second thread: stopping early
 * and damage in the middle must both end cleanly. */
static void test_big_xlsx_can_stop_early_and_damage_is_caught(void **state)
{
    char path[64], a[32];
    const char *row[] = {a, "东关村", "110105194912310021", "低保"};
    xlsx_out *x;
    reading r;
    size_t len;
    char *data;
    (void)state;
    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    for (int i = 0; i < 60000; i++) {
        snprintf(a, sizeof a, "户%d", i);
        xlsx_out_row(x, row, 4);
    }
    assert_int_equal(xlsx_out_close(x), LX_OK);
    data = slurp(path, &len);
    unlink(path);

    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.t.rows, 60000);
    reading_release(&r);

    memset(&r, 0, sizeof r);
    strbuf_init(&r.t.sb, 0);
    r.t.stop_after = 10;
    r.rc = table_read(data, len, collect, &r.t, NULL, NULL, 0);
    assert_int_equal(r.rc, LX_OK);
    assert_int_equal(r.t.rows, 10);
    reading_release(&r);

    data[len / 2] ^= 0x55;
    data[len / 2 + 1] ^= 0x55;
    read_bytes(&r, data, len);
    assert_int_equal(r.rc, LX_EINVAL);
    assert_non_null(strstr(r.err, "xl/worksheets/sheet1.xml"));
    assert_true(r.t.rows < 60000);
    reading_release(&r);
    free(data);
}

/* Random damage to a valid workbook must give an answer, never a crash. */
static void test_damaged_workbooks_never_crash(void **state)
{
    char path[64];
    xlsx_out *x;
    size_t len;
    char *data, *copy;
    uint32_t seed = 7;
    const char *row[] = {"张三", "=1+1", "110105194912310021"};
    (void)state;
    temp_path(path, sizeof path);
    x = xlsx_out_open(path, "S");
    for (int i = 0; i < 50; i++)
        xlsx_out_row(x, row, 3);
    assert_int_equal(xlsx_out_close(x), LX_OK);
    data = slurp(path, &len);
    unlink(path);
    copy = malloc(len);
    for (int round = 0; round < 300; round++) {
        reading r;
        memcpy(copy, data, len);
        for (int k = 0; k < 1 + round % 8; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = 4 + (seed >> 8) % (len - 4);
            copy[at] = (char)(seed >> 3);
        }
        read_bytes(&r, copy, len);
        assert_true(r.rc == LX_OK || r.rc == LX_EINVAL || r.rc == LX_ETOOBIG);
        if (r.rc)
            assert_true(strlen(r.err) > 0);
        reading_release(&r);
    }
    free(copy);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_csv_with_bom_reads_without_the_bom),
        cmocka_unit_test(test_utf8_csv_without_bom_and_lf_only_reads_as_is),
        cmocka_unit_test(test_gbk_csv_saved_by_excel_reads_as_utf8),
        cmocka_unit_test(test_gbk_csv_with_lf_only_counts_lines),
        cmocka_unit_test(test_rare_name_characters_outside_gbk_read_through_gb18030),
        cmocka_unit_test(test_quoted_commas_and_doubled_quotes_stay_in_one_cell),
        cmocka_unit_test(test_quoted_field_with_newline_keeps_line_numbers),
        cmocka_unit_test(test_empty_lines_and_rows_of_empty_cells_are_skipped),
        cmocka_unit_test(test_cells_are_trimmed_of_spaces_and_carriage_returns),
        cmocka_unit_test(test_empty_file_has_no_rows),
        cmocka_unit_test(test_bytes_neither_utf8_nor_gb18030_are_refused_naming_the_line),
        cmocka_unit_test(test_file_marked_utf8_with_bad_bytes_is_refused),
        cmocka_unit_test(test_binary_files_are_refused),
        cmocka_unit_test(test_row_with_more_cells_than_excel_is_refused),
        cmocka_unit_test(test_callback_can_stop_reading),
        cmocka_unit_test(test_unterminated_quote_reads_to_the_end),
        cmocka_unit_test(test_xlsx_written_by_xlsx_out_reads_back_cell_for_cell),
        cmocka_unit_test(test_xlsx_from_libxlsxwriter_reads_strings_numbers_booleans_and_formulas),
        cmocka_unit_test(test_hand_made_xlsx_with_sparse_rows_and_inline_strings),
        cmocka_unit_test(test_xlsx_with_prefixed_element_names_reads),
        cmocka_unit_test(test_xlsx_callback_can_stop_reading),
        cmocka_unit_test(test_garbage_zip_is_refused),
        cmocka_unit_test(test_truncated_xlsx_is_refused),
        cmocka_unit_test(test_zip_that_is_not_a_workbook_is_refused),
        cmocka_unit_test(test_xlsx_with_bad_xml_or_dtd_is_refused),
        cmocka_unit_test(test_sheet_with_more_rows_than_excel_is_too_big),
        cmocka_unit_test(test_zip_bomb_is_too_big),
        cmocka_unit_test(test_big_xlsx_can_stop_early_and_damage_is_caught),
        cmocka_unit_test(test_damaged_workbooks_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
