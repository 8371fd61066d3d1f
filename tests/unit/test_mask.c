/* test_mask.c -- what a viewer sees of phone numbers, ID numbers, names and addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/mask.h"
#include "core/utf8.h"

typedef void (*mask_fn)(const char *, char *, size_t);

/* Run a mask into a roomy buffer and compare. */
static void expect(mask_fn fn, const char *in, const char *want)
{
    char out[128];
    memset(out, 'Z', sizeof out);
    fn(in, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_mobile_shows_only_first_three_and_last_four(void **state)
{
    (void)state;
    expect(mask_phone, "13812341234", "138****1234");
    expect(mask_phone, "19987654321", "199****4321");
}

static void test_landline_keeps_area_code_and_last_two(void **state)
{
    (void)state;
    expect(mask_phone, "01012345678", "010******78"); /* Beijing: 010 */
    expect(mask_phone, "0101234567", "010*****67");
    expect(mask_phone, "02112345678", "021******78");   /* Shanghai: 021 */
    expect(mask_phone, "075512345678", "0755******78"); /* Shenzhen: 0755 */
    expect(mask_phone, "05711234567", "0571*****67");
}

static void test_other_phone_text_keeps_first_three_and_last_two(void **state)
{
    (void)state;
    expect(mask_phone, "1234567", "123**67");
    expect(mask_phone, "+44 20 7946 0958", "+44***********58");
}

static void test_short_phone_is_fully_hidden(void **state)
{
    (void)state;
    expect(mask_phone, "123456", "******");
    expect(mask_phone, "110", "***");
    expect(mask_phone, "", "");
    expect(mask_phone, NULL, "");
}

static void test_id_number_shows_only_region_and_last_four(void **state)
{
    (void)state;
    expect(mask_idcard, "110105194912310021", "110105********0021");
    expect(mask_idcard, "11010519491231002X", "110105********002X");
}

static void test_other_id_lengths_keep_only_first_and_last(void **state)
{
    (void)state;
    expect(mask_idcard, "E12345678", "E*******8");             /* passport */
    expect(mask_idcard, "110105490101002", "1*************2"); /* old 15-digit ID */
    expect(mask_idcard, "abc", "a*c");
    expect(mask_idcard, "ab", "**");
    expect(mask_idcard, "a", "*");
    expect(mask_idcard, "", "");
    expect(mask_idcard, NULL, "");
}

static void test_name_keeps_only_the_surname(void **state)
{
    (void)state;
    expect(mask_name, "张三丰", "张**");
    expect(mask_name, "张三", "张*");
    expect(mask_name, "欧阳娜娜", "欧***");
    expect(mask_name, "买买提·艾力", "买*****");
    expect(mask_name, "Li Lei", "L*****");
    expect(mask_name, "张", "张");
    expect(mask_name, "", "");
    expect(mask_name, NULL, "");
}

static void test_address_keeps_first_six_characters(void **state)
{
    (void)state;
    expect(mask_address, "北京市东城区东华门街道1号", "北京市东城区****");
    expect(mask_address, "北京市东城区东", "北京市东城区****");
    expect(mask_address, "No. 1 Wangfujing St", "No. 1 ****"); /* 6th is the space */
}

static void test_short_address_keeps_only_its_first_half(void **state)
{
    (void)state;
    expect(mask_address, "北京市东城区", "北京市****");
    expect(mask_address, "东城区", "东****");
    expect(mask_address, "东城", "东****");
    expect(mask_address, "东", "****");
    expect(mask_address, "", "");
    expect(mask_address, NULL, "");
}

static void test_small_buffer_never_cuts_a_chinese_character(void **state)
{
    char out[8];
    (void)state;
    mask_name("张三丰", out, 3); /* 张 needs 3 bytes plus the NUL */
    assert_string_equal(out, "");
    mask_name("张三丰", out, 4);
    assert_string_equal(out, "张");
    mask_name("张三丰", out, 5);
    assert_string_equal(out, "张*");
    mask_address("北京市东城区东华门", out, sizeof out); /* 8 bytes: 2 characters */
    assert_string_equal(out, "北京");
    assert_true(utf8_valid(out, strlen(out)));
    mask_phone("13812341234", out, sizeof out);
    assert_string_equal(out, "138****");
}

static void test_output_is_always_terminated(void **state)
{
    char out[4] = {'Z', 'Z', 'Z', 'Z'};
    (void)state;
    mask_idcard("110105194912310021", out, 1);
    assert_int_equal(out[0], '\0');
    out[0] = 'Z';
    mask_idcard("110105194912310021", out, 0); /* no room at all: untouched */
    assert_int_equal(out[0], 'Z');
    mask_idcard("110105194912310021", out, sizeof out);
    assert_string_equal(out, "110");
}

static void test_broken_utf8_never_produces_a_longer_result(void **state)
{
    char out[64];
    (void)state;
    mask_name("\xE5\xBC", out, sizeof out); /* truncated character */
    assert_int_equal(strlen(out), 2);
    assert_int_equal(out[1], '*');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mobile_shows_only_first_three_and_last_four),
        cmocka_unit_test(test_landline_keeps_area_code_and_last_two),
        cmocka_unit_test(test_other_phone_text_keeps_first_three_and_last_two),
        cmocka_unit_test(test_short_phone_is_fully_hidden),
        cmocka_unit_test(test_id_number_shows_only_region_and_last_four),
        cmocka_unit_test(test_other_id_lengths_keep_only_first_and_last),
        cmocka_unit_test(test_name_keeps_only_the_surname),
        cmocka_unit_test(test_address_keeps_first_six_characters),
        cmocka_unit_test(test_short_address_keeps_only_its_first_half),
        cmocka_unit_test(test_small_buffer_never_cuts_a_chinese_character),
        cmocka_unit_test(test_output_is_always_terminated),
        cmocka_unit_test(test_broken_utf8_never_produces_a_longer_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
