/* test_phone.c -- phone numbers: cleaning up what people type, then checking the shape. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/phone.h"

/* Normalize `in` and expect success with `want`. */
static void expect_normalized(const char *in, const char *want)
{
    char out[32];
    assert_int_equal(phone_normalize(in, out, sizeof out), 0);
    assert_string_equal(out, want);
}

static int accepted(const char *s)
{
    return phone_check(s, NULL) == LX_OK;
}

static void test_plain_mobile_is_accepted(void **state)
{
    (void)state;
    expect_normalized("13812341234", "13812341234");
    assert_int_equal(phone_check("13812341234", NULL), LX_OK);
    assert_true(phone_is_mobile("13812341234"));
}

static void test_spaces_and_hyphens_are_dropped(void **state)
{
    (void)state;
    expect_normalized("138 1234 1234", "13812341234");
    expect_normalized("138-1234-1234", "13812341234");
    expect_normalized(" 138\t1234\u30001234 ", "13812341234");
    expect_normalized("0755-8765 4321", "075587654321");
    expect_normalized("138\xEF\xBC\x8D"
                      "12341234",
                      "13812341234"); /* full-width hyphen */
}

static void test_full_width_digits_are_converted(void **state)
{
    (void)state;
    expect_normalized("１３８１２３４１２３４", "13812341234");
    expect_normalized("１３８ 1234 ５６７８", "13812345678");
}

static void test_country_prefix_is_dropped_from_mobiles(void **state)
{
    (void)state;
    expect_normalized("+86 138 1234 1234", "13812341234");
    expect_normalized("+8613812341234", "13812341234");
    expect_normalized("0086-138-1234-1234", "13812341234");
    expect_normalized("8613812341234", "13812341234");
    expect_normalized("＋８６ 13812341234", "13812341234");
}

static void test_country_prefix_on_a_landline_is_not_taken_for_a_mobile(void **state)
{
    char out[32];
    (void)state;
    /* The prefix is dropped only before a mobile; what is left fails. */
    assert_int_equal(phone_normalize("+86 10 12345678", out, sizeof out), -1);
    assert_string_equal(out, "+861012345678");
    assert_int_equal(phone_normalize("0086 10 12345678", out, sizeof out), 0);
    assert_string_equal(out, "00861012345678");
    assert_false(accepted(out));
    /* "86" before a 10-digit number is just digits. */
    assert_int_equal(phone_normalize("861381234123", out, sizeof out), 0);
    assert_string_equal(out, "861381234123");
    assert_false(accepted(out));
}

static void test_letters_and_empty_input_fail_normalize(void **state)
{
    char out[32];
    (void)state;
    assert_int_equal(phone_normalize("138abc41234", out, sizeof out), -1);
    assert_int_equal(phone_normalize("ext. 12", out, sizeof out), -1);
    assert_int_equal(phone_normalize("+44 20 7946 0958", out, sizeof out), -1);
    assert_int_equal(phone_normalize("", out, sizeof out), -1);
    assert_string_equal(out, "");
    assert_int_equal(phone_normalize(" - ", out, sizeof out), -1);
    assert_string_equal(out, "");
    assert_int_equal(phone_normalize(NULL, out, sizeof out), -1);
    assert_string_equal(out, "");
}

static void test_small_buffer_truncates_and_reports_failure(void **state)
{
    char out[5];
    (void)state;
    assert_int_equal(phone_normalize("13812341234", out, sizeof out), -1);
    assert_string_equal(out, "1381");
    assert_int_equal(phone_normalize("1381", out, sizeof out), 0);
    assert_string_equal(out, "1381");
    assert_int_equal(phone_normalize("13812341234", out, 0), -1); /* nothing written */
}

static void test_absurdly_long_input_fails(void **state)
{
    char in[200], out[256];
    (void)state;
    memset(in, '1', sizeof in - 1);
    in[sizeof in - 1] = '\0';
    assert_int_equal(phone_normalize(in, out, sizeof out), -1);
}

static void test_mobiles_must_start_with_13_to_19(void **state)
{
    (void)state;
    assert_true(accepted("13012345678"));
    assert_true(accepted("15912345678"));
    assert_true(accepted("19912345678"));
    assert_false(accepted("12812341234"));
    assert_false(accepted("11012345678"));
    assert_false(accepted("10000000000"));
    assert_false(phone_is_mobile("12812341234"));
}

static void test_mobile_with_wrong_digit_count_is_rejected(void **state)
{
    (void)state;
    assert_false(accepted("1381234123"));   /* 10 */
    assert_false(accepted("138123412345")); /* 12 */
    assert_false(accepted("138"));
    assert_false(phone_is_mobile("138123412345"));
    assert_false(phone_is_mobile(NULL));
}

static void test_landlines_with_area_code_are_accepted(void **state)
{
    (void)state;
    assert_true(accepted("01012345678"));  /* Beijing, 8-digit local */
    assert_true(accepted("0101234567"));   /* 10 digits */
    assert_true(accepted("02112345678"));  /* Shanghai */
    assert_true(accepted("02987654321"));  /* Xi'an */
    assert_true(accepted("075512345678")); /* Shenzhen, 12 digits */
    assert_true(accepted("05711234567"));  /* 3-digit code + 7 */
    assert_true(accepted("08981234567"));  /* Haikou */
    assert_false(phone_is_mobile("01012345678"));
}

static void test_landline_shapes_that_cannot_exist_are_rejected(void **state)
{
    (void)state;
    assert_false(accepted("00123456789"));   /* 00 is the international prefix */
    assert_false(accepted("01112345678"));   /* no 011 area */
    assert_false(accepted("01002345678"));   /* local number starting with 0 */
    assert_false(accepted("0755123456"));    /* 0755 + 6 digits */
    assert_false(accepted("0101234567890")); /* 13 digits */
    assert_false(accepted("010123456"));     /* 9 digits */
    assert_false(accepted("75512345678"));   /* no leading 0, not a mobile */
}

static void test_unnormalized_text_is_rejected_with_format(void **state)
{
    const char *reason = "unchanged";
    (void)state;
    assert_int_equal(phone_check("138-1234-1234", &reason), LX_EINVAL);
    assert_string_equal(reason, "format");
    reason = NULL;
    assert_int_equal(phone_check("+8613812341234", &reason), LX_EINVAL);
    assert_string_equal(reason, "format");
    reason = NULL;
    assert_int_equal(phone_check("", &reason), LX_EINVAL);
    assert_string_equal(reason, "format");
    reason = NULL;
    assert_int_equal(phone_check(NULL, &reason), LX_EINVAL);
    assert_string_equal(reason, "format");
}

static void test_reason_is_untouched_on_success(void **state)
{
    const char *reason = "unchanged";
    (void)state;
    assert_int_equal(phone_check("13812341234", &reason), LX_OK);
    assert_string_equal(reason, "unchanged");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_mobile_is_accepted),
        cmocka_unit_test(test_spaces_and_hyphens_are_dropped),
        cmocka_unit_test(test_full_width_digits_are_converted),
        cmocka_unit_test(test_country_prefix_is_dropped_from_mobiles),
        cmocka_unit_test(test_country_prefix_on_a_landline_is_not_taken_for_a_mobile),
        cmocka_unit_test(test_letters_and_empty_input_fail_normalize),
        cmocka_unit_test(test_small_buffer_truncates_and_reports_failure),
        cmocka_unit_test(test_absurdly_long_input_fails),
        cmocka_unit_test(test_mobiles_must_start_with_13_to_19),
        cmocka_unit_test(test_mobile_with_wrong_digit_count_is_rejected),
        cmocka_unit_test(test_landlines_with_area_code_are_accepted),
        cmocka_unit_test(test_landline_shapes_that_cannot_exist_are_rejected),
        cmocka_unit_test(test_unnormalized_text_is_rejected_with_format),
        cmocka_unit_test(test_reason_is_untouched_on_success),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
