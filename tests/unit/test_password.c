/* test_password.c -- which passwords the policy lets people choose, and when they expire. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "core/password.h"

static const password_policy dflt = PASSWORD_POLICY_DEFAULT;

/* password_check's reason under `p`, or "ok". */
static const char *why(const password_policy *p, const char *pw, const char *user)
{
    const char *reason = "ok";
    lx_status st = password_check(p, pw, user, &reason);
    assert_true(st == LX_OK ? strcmp(reason, "ok") == 0 : st == LX_EINVAL);
    return reason;
}

static void test_default_policy_is_8_characters_3_classes_90_days(void **state)
{
    (void)state;
    assert_int_equal(dflt.min_length, 8);
    assert_int_equal(dflt.min_classes, 3);
    assert_int_equal(dflt.max_age_days, 90);
}

static void test_strong_password_is_accepted(void **state)
{
    (void)state;
    assert_string_equal(why(&dflt, "Abcdef12", "zhangsan"), "ok");
    assert_string_equal(why(&dflt, "correct-horse-7", "zhangsan"), "ok");
    assert_int_equal(password_check(&dflt, "Abcdef12", NULL, NULL), LX_OK);
}

static void test_short_password_is_rejected(void **state)
{
    (void)state;
    assert_string_equal(why(&dflt, "Ab1!xyz", NULL), "too_short"); /* 7 */
    assert_string_equal(why(&dflt, "", NULL), "too_short");
    assert_string_equal(why(&dflt, NULL, NULL), "too_short");
}

static void test_length_counts_chinese_characters_not_bytes(void **state)
{
    (void)state;
    /* 5 characters but 9 bytes: still too short. */
    assert_string_equal(why(&dflt, "密码Ab1", NULL), "too_short");
    /* 8 characters: long enough. */
    assert_string_equal(why(&dflt, "密码密码Ab12", NULL), "ok");
}

static void test_two_kinds_of_character_are_not_enough(void **state)
{
    (void)state;
    assert_string_equal(why(&dflt, "abcdefgh1", NULL), "too_few_classes");
    assert_string_equal(why(&dflt, "abcdEFGH", NULL), "too_few_classes");
    assert_string_equal(why(&dflt, "12345678!", NULL), "too_few_classes");
    assert_string_equal(why(&dflt, "abcdEF12", NULL), "ok");
    assert_string_equal(why(&dflt, "abcd!@12", NULL), "ok");
}

static void test_chinese_characters_count_as_symbols(void **state)
{
    (void)state;
    assert_string_equal(why(&dflt, "abcdefg密1", NULL), "ok");
    assert_string_equal(why(&dflt, "密码密码密码密码", NULL), "too_few_classes");
}

static void test_password_containing_username_is_rejected(void **state)
{
    (void)state;
    assert_string_equal(why(&dflt, "zhangsan123!A", "zhangsan"), "contains_username");
    assert_string_equal(why(&dflt, "xxZhangSan1!", "zhangsan"), "contains_username");
    assert_string_equal(why(&dflt, "Pw1!ADMIN", "admin"), "contains_username");
    assert_string_equal(why(&dflt, "Pw1!zhangsa", "zhangsan"), "ok");
}

static void test_short_usernames_are_not_checked(void **state)
{
    (void)state;
    assert_string_equal(why(&dflt, "Lily1234!", "li"), "ok");
    assert_string_equal(why(&dflt, "Lily1234!", ""), "ok");
    assert_string_equal(why(&dflt, "Lily1234!", "lil"), "contains_username");
}

static void test_overlong_password_is_rejected(void **state)
{
    char pw[PASSWORD_MAX_BYTES + 2];
    (void)state;
    memset(pw, 'a', sizeof pw);
    memcpy(pw, "A1!", 3);
    pw[PASSWORD_MAX_BYTES] = '\0'; /* exactly 128 bytes */
    assert_string_equal(why(&dflt, pw, NULL), "ok");
    pw[PASSWORD_MAX_BYTES] = 'a';
    pw[PASSWORD_MAX_BYTES + 1] = '\0'; /* 129 bytes */
    assert_string_equal(why(&dflt, pw, NULL), "too_long");
}

static void test_control_characters_are_rejected(void **state)
{
    (void)state;
    assert_string_equal(why(&dflt, "Abcdef12\t", NULL), "control_chars");
    assert_string_equal(why(&dflt, "Abcdef12\n", NULL), "control_chars");
    assert_string_equal(why(&dflt,
                            "Abc\x7f"
                            "def12",
                            NULL),
                        "control_chars");
    assert_string_equal(why(&dflt, "\x1b", NULL), "control_chars");
    assert_string_equal(why(&dflt, "Abcdef 12", NULL), "ok"); /* a space is fine */
}

static void test_stricter_policy_is_applied(void **state)
{
    const password_policy strict = {12, 4, 30};
    (void)state;
    assert_string_equal(why(&strict, "Abcdef12!x", NULL), "too_short");
    assert_string_equal(why(&strict, "Abcdefgh1234", NULL), "too_few_classes");
    assert_string_equal(why(&strict, "Abcdefgh12!x", NULL), "ok");
}

static void test_relaxed_policy_accepts_anything_printable(void **state)
{
    const password_policy none = {0, 0, 0};
    (void)state;
    assert_string_equal(why(&none, "a", NULL), "ok");
    assert_string_equal(why(&none, "", NULL), "ok");
    assert_string_equal(why(&none, "a\tb", NULL), "control_chars");
}

static void test_missing_policy_means_the_default(void **state)
{
    (void)state;
    assert_string_equal(why(NULL, "Ab1!xyz", NULL), "too_short");
    assert_string_equal(why(NULL, "abcdefgh1", NULL), "too_few_classes");
    assert_string_equal(why(NULL, "Abcdef12", NULL), "ok");
}

static void test_reason_is_untouched_on_success(void **state)
{
    const char *reason = "unchanged";
    (void)state;
    assert_int_equal(password_check(&dflt, "Abcdef12", "bob", &reason), LX_OK);
    assert_string_equal(reason, "unchanged");
}

static void test_password_expires_after_ninety_days(void **state)
{
    const long long changed = 1700000000LL;
    const long long day = 86400LL;
    (void)state;
    assert_int_equal(password_expired(&dflt, changed, changed), 0);
    assert_int_equal(password_expired(&dflt, changed, changed + 90 * day - 1), 0);
    assert_int_equal(password_expired(&dflt, changed, changed + 90 * day), 1);
    assert_int_equal(password_expired(&dflt, changed, changed + 400 * day), 1);
    assert_int_equal(password_expired(NULL, changed, changed + 90 * day), 1);
}

static void test_passwords_never_expire_when_max_age_is_zero(void **state)
{
    const password_policy forever = {8, 3, 0};
    const password_policy negative = {8, 3, -1};
    (void)state;
    assert_int_equal(password_expired(&forever, 0, 4000000000LL), 0);
    assert_int_equal(password_expired(&negative, 0, 4000000000LL), 0);
}

static void test_change_time_in_the_future_is_not_expired(void **state)
{
    (void)state;
    assert_int_equal(password_expired(&dflt, 1700000000LL, 1600000000LL), 0);
}

static void test_extreme_timestamps_do_not_overflow(void **state)
{
    (void)state;
    assert_int_equal(password_expired(&dflt, LLONG_MIN, LLONG_MAX), 1);
    assert_int_equal(password_expired(&dflt, LLONG_MAX, LLONG_MIN), 0);
    assert_int_equal(password_expired(&dflt, LLONG_MAX, LLONG_MAX), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_policy_is_8_characters_3_classes_90_days),
        cmocka_unit_test(test_strong_password_is_accepted),
        cmocka_unit_test(test_short_password_is_rejected),
        cmocka_unit_test(test_length_counts_chinese_characters_not_bytes),
        cmocka_unit_test(test_two_kinds_of_character_are_not_enough),
        cmocka_unit_test(test_chinese_characters_count_as_symbols),
        cmocka_unit_test(test_password_containing_username_is_rejected),
        cmocka_unit_test(test_short_usernames_are_not_checked),
        cmocka_unit_test(test_overlong_password_is_rejected),
        cmocka_unit_test(test_control_characters_are_rejected),
        cmocka_unit_test(test_stricter_policy_is_applied),
        cmocka_unit_test(test_relaxed_policy_accepts_anything_printable),
        cmocka_unit_test(test_missing_policy_means_the_default),
        cmocka_unit_test(test_reason_is_untouched_on_success),
        cmocka_unit_test(test_password_expires_after_ninety_days),
        cmocka_unit_test(test_passwords_never_expire_when_max_age_is_zero),
        cmocka_unit_test(test_change_time_in_the_future_is_not_expired),
        cmocka_unit_test(test_extreme_timestamps_do_not_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
