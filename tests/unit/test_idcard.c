/* test_idcard.c -- resident ID numbers: normalizing, checking, birth date and sex. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/idcard.h"
#include "core/utf8.h"

#define TODAY 20261123

/* An independent GB 11643 / ISO 7064 MOD 11-2 reference: the weight of
 * position i (1-based, of 18) is 2^(18-i) mod 11, and the check value c
 * (10 written as X) makes the weighted sum of all 18 congruent to 1 mod 11. */
static char ref_check_digit(const char *first17)
{
    int sum = 0, w = 1;
    for (int i = 16; i >= 0; i--) {
        w = (w * 2) % 11;
        sum += (first17[i] - '0') * w;
    }
    int c = (12 - sum % 11) % 11;
    return c == 10 ? 'X' : (char)('0' + c);
}

/* Build a valid ID from a 6-digit region, an 8-digit birth date and a
 * 3-digit sequence number. */
static void make_id(char out[19], const char *region6, const char *ymd8, const char *seq3)
{
    snprintf(out, 19, "%.6s%.8s%.3s", region6, ymd8, seq3);
    out[17] = ref_check_digit(out);
    out[18] = '\0';
}

/* idcard_check's reason, or "ok". */
static const char *why(const char *id, int today)
{
    const char *reason = "ok";
    lx_status st = idcard_check(id, today, &reason);
    assert_true(st == LX_OK ? strcmp(reason, "ok") == 0 : st == LX_EINVAL);
    return reason;
}

static void test_public_example_ids_are_accepted(void **state)
{
    (void)state;
    assert_int_equal(idcard_check("11010519491231002X", TODAY, NULL), LX_OK);
    assert_string_equal(why("11010519491231002X", TODAY), "ok");
    assert_string_equal(why("110101199003077475", TODAY), "ok");
}

static void test_check_digit_matches_the_standard(void **state)
{
    char id[19];
    (void)state;
    assert_int_equal(idcard_check_digit("11010519491231002"), 'X');
    assert_int_equal(idcard_check_digit("44052418800101001"), '4');  /* GB 11643 example */
    assert_int_equal(idcard_check_digit("11010519491231002X"), 'X'); /* reads only 17 */
    /* Every check value, against the independent reference. */
    for (int seq = 0; seq < 1000; seq += 7) {
        char s[4];
        snprintf(s, sizeof s, "%03d", seq);
        make_id(id, "320106", "19851007", s);
        assert_int_equal(idcard_check_digit(id), id[17]);
    }
}

static void test_check_digit_of_non_digits_is_nul(void **state)
{
    (void)state;
    assert_int_equal(idcard_check_digit(NULL), '\0');
    assert_int_equal(idcard_check_digit("1234"), '\0');
    assert_int_equal(idcard_check_digit("1101051949123100a"), '\0');
}

static void test_ids_from_every_province_are_accepted(void **state)
{
    static const char *const regions[] = {
        "110101", "120101", "130102", "140105", "150102", "210102", "220102", "230102", "310101",
        "320102", "330102", "340102", "350102", "360102", "370102", "410102", "420102", "430102",
        "440103", "450102", "460105", "500101", "510104", "520102", "530102", "540102", "610102",
        "620102", "630102", "640104", "650102", "710000", "810000", "820000", "830000", "910000",
    };
    char id[19];
    (void)state;
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++) {
        make_id(id, regions[i], "19800101", "123");
        assert_string_equal(why(id, TODAY), "ok");
    }
}

static void test_id_with_wrong_check_digit_is_rejected(void **state)
{
    static const char alphabet[] = "0123456789X";
    char id[19] = "11010519491231002X";
    (void)state;
    for (const char *c = alphabet; *c; c++) {
        if (*c == 'X')
            continue;
        id[17] = *c;
        assert_string_equal(why(id, TODAY), "check_digit");
    }
}

static void test_single_digit_typo_is_caught_by_the_check_digit(void **state)
{
    char good[19], bad[19];
    (void)state;
    make_id(good, "330106", "19770512", "481");
    /* Positions 15-17 (sequence) and 7-8 (century/year) can change without
     * breaking region or date; each typo must be caught. */
    static const int positions[] = {8, 9, 14, 15, 16};
    for (size_t k = 0; k < sizeof positions / sizeof positions[0]; k++) {
        for (char dgt = '0'; dgt <= '9'; dgt++) {
            memcpy(bad, good, sizeof bad);
            if (bad[positions[k]] == dgt)
                continue;
            bad[positions[k]] = dgt;
            assert_string_equal(why(bad, TODAY), "check_digit");
        }
    }
}

static void test_swapped_neighbouring_digits_are_caught(void **state)
{
    char good[19], bad[19];
    (void)state;
    make_id(good, "330106", "19770512", "481");
    for (int i = 14; i < 16; i++) {
        memcpy(bad, good, sizeof bad);
        bad[i] = good[i + 1];
        bad[i + 1] = good[i];
        assert_string_equal(why(bad, TODAY), "check_digit");
    }
}

static void test_wrong_length_is_rejected(void **state)
{
    (void)state;
    assert_string_equal(why("11010519491231002", TODAY), "length");
    assert_string_equal(why("11010519491231002X0", TODAY), "length");
    assert_string_equal(why("110105490101002", TODAY), "length"); /* old 15-digit IDs */
    assert_string_equal(why("", TODAY), "length");
    assert_string_equal(why("１１０１０５１９", TODAY), "length"); /* 24 bytes: normalize first */
    assert_string_equal(why(NULL, TODAY), "length");
}

static void test_letters_where_digits_belong_are_rejected_as_format(void **state)
{
    (void)state;
    assert_string_equal(why("11010519491231002Y", TODAY), "format");
    assert_string_equal(why("1101051949123100XX", TODAY), "format");
    assert_string_equal(why("11010519491231002x", TODAY), "format"); /* not normalized */
    assert_string_equal(why("11010519491231 02X", TODAY), "format");
}

static void test_unknown_province_code_is_rejected(void **state)
{
    static const char *const bad[] = {"00", "10", "16", "20", "24", "30", "38", "40", "47", "49",
                                      "55", "60", "66", "70", "72", "80", "84", "90", "92", "99"};
    char region[7], id[19];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(region, sizeof region, "%s0101", bad[i]);
        make_id(id, region, "19800101", "123");
        assert_string_equal(why(id, TODAY), "region");
    }
}

static void test_impossible_birth_dates_are_rejected(void **state)
{
    static const char *const dates[] = {"19990230", "20230229", "19000229", "21000229", "20011301",
                                        "20010001", "20010100", "20010431", "20010632", "19810931"};
    char id[19];
    (void)state;
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        make_id(id, "110105", dates[i], "123");
        assert_string_equal(why(id, 29991231), "birth_date");
    }
}

static void test_leap_day_births_are_accepted(void **state)
{
    static const char *const dates[] = {"20000229", "20040229", "19960229", "19040229"};
    char id[19];
    (void)state;
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        make_id(id, "110105", dates[i], "123");
        assert_string_equal(why(id, TODAY), "ok");
    }
}

static void test_birth_after_today_is_rejected(void **state)
{
    char id[19];
    (void)state;
    make_id(id, "110105", "20261124", "123");
    assert_string_equal(why(id, TODAY), "birth_date");
    make_id(id, "110105", "20261123", "123");
    assert_string_equal(why(id, TODAY), "ok"); /* born today */
    assert_string_equal(why(id, 20261122), "birth_date");
}

static void test_birth_before_1900_is_rejected(void **state)
{
    char id[19];
    (void)state;
    /* The standard's own example: right check digit, but born in 1880. */
    assert_string_equal(why("440524188001010014", TODAY), "birth_date");
    make_id(id, "110105", "18991231", "123");
    assert_string_equal(why(id, TODAY), "birth_date");
    make_id(id, "110105", "19000101", "123");
    assert_string_equal(why(id, TODAY), "ok");
}

static void test_reason_is_optional_and_untouched_on_success(void **state)
{
    const char *reason = "unchanged";
    (void)state;
    assert_int_equal(idcard_check("11010519491231002X", TODAY, &reason), LX_OK);
    assert_string_equal(reason, "unchanged");
    assert_int_equal(idcard_check("110105194912310021", TODAY, NULL), LX_EINVAL);
}

static void test_birth_date_is_read_from_the_id(void **state)
{
    int y = 0, m = 0, d = 0;
    (void)state;
    assert_int_equal(idcard_birth("11010519491231002X", &y, &m, &d), 0);
    assert_int_equal(y, 1949);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    assert_int_equal(idcard_birth("440524188001010014", &y, NULL, NULL), 0);
    assert_int_equal(y, 1880);

    y = m = d = -7;
    assert_int_equal(idcard_birth("110105199902300011", &y, &m, &d), -1); /* 30 Feb */
    assert_int_equal(idcard_birth("1101051949", &y, &m, &d), -1);         /* too short */
    assert_int_equal(idcard_birth("1101051949X231002X", &y, &m, &d), -1);
    assert_int_equal(idcard_birth(NULL, &y, &m, &d), -1);
    assert_int_equal(y, -7); /* untouched on failure */
    assert_int_equal(m, -7);
    assert_int_equal(d, -7);
}

static void test_sex_follows_the_seventeenth_digit(void **state)
{
    char id[19];
    (void)state;
    assert_int_equal(idcard_sex("11010519491231002X"), 2); /* 2: even, female */
    assert_int_equal(idcard_sex("440524188001010014"), 1); /* 1: odd, male */
    for (int seq = 0; seq < 10; seq++) {
        char s[4];
        snprintf(s, sizeof s, "00%d", seq);
        make_id(id, "110105", "19800101", s);
        assert_int_equal(idcard_sex(id), seq % 2 ? 1 : 2);
    }
    assert_int_equal(idcard_sex("1101051949123100"), 0);
    assert_int_equal(idcard_sex("1101051949123100X5"), 0);
    assert_int_equal(idcard_sex(NULL), 0);
}

static void test_full_width_digits_and_x_are_converted(void **state)
{
    char out[19];
    (void)state;
    assert_int_equal(idcard_normalize("１１０１０５１９４９１２３１００２Ｘ", out), 0);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(idcard_normalize("１１０１０５１９４９１２３１００２ｘ", out), 0);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(idcard_normalize("110105１９４９1231002X", out), 0);
    assert_string_equal(out, "11010519491231002X");
}

static void test_lowercase_x_is_uppercased(void **state)
{
    char out[19];
    (void)state;
    assert_int_equal(idcard_normalize("11010519491231002x", out), 0);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(idcard_check(out, TODAY, NULL), LX_OK);
}

static void test_surrounding_spaces_are_trimmed(void **state)
{
    char out[19];
    (void)state;
    assert_int_equal(idcard_normalize("  11010519491231002x\t\r\n", out), 0);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(idcard_normalize("\u3000\u300011010519491231002X\u3000 ", out), 0);
    assert_string_equal(out, "11010519491231002X");
}

static void test_spaces_inside_the_number_are_not_accepted(void **state)
{
    char out[19];
    (void)state;
    assert_int_equal(idcard_normalize("110105 19491231 002X", out), -1);
    assert_int_equal(strlen(out), 18);
}

static void test_wrong_shapes_fail_normalize(void **state)
{
    char out[19];
    (void)state;
    assert_int_equal(idcard_normalize("11010519491231002", out), -1);
    assert_string_equal(out, "11010519491231002");
    assert_int_equal(idcard_normalize("1101051949123100X2", out), -1); /* X not last */
    assert_int_equal(idcard_normalize("", out), -1);
    assert_string_equal(out, "");
    assert_int_equal(idcard_normalize("   ", out), -1);
    assert_string_equal(out, "");
    assert_int_equal(idcard_normalize(NULL, out), -1);
    assert_string_equal(out, "");
}

static void test_too_long_input_is_rejected_and_truncated(void **state)
{
    char out[19];
    (void)state;
    assert_int_equal(idcard_normalize("11010519491231002X5", out), -1);
    assert_string_equal(out, "11010519491231002X");
}

static void test_other_text_is_never_cut_inside_a_character(void **state)
{
    char out[19];
    (void)state;
    /* 1 + 6 x 3 = 19 bytes: the sixth Chinese character does not fit. */
    assert_int_equal(idcard_normalize("a张三张三张三", out), -1);
    assert_string_equal(out, "a张三张三张");
    assert_true(utf8_valid(out, strlen(out)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_example_ids_are_accepted),
        cmocka_unit_test(test_check_digit_matches_the_standard),
        cmocka_unit_test(test_check_digit_of_non_digits_is_nul),
        cmocka_unit_test(test_ids_from_every_province_are_accepted),
        cmocka_unit_test(test_id_with_wrong_check_digit_is_rejected),
        cmocka_unit_test(test_single_digit_typo_is_caught_by_the_check_digit),
        cmocka_unit_test(test_swapped_neighbouring_digits_are_caught),
        cmocka_unit_test(test_wrong_length_is_rejected),
        cmocka_unit_test(test_letters_where_digits_belong_are_rejected_as_format),
        cmocka_unit_test(test_unknown_province_code_is_rejected),
        cmocka_unit_test(test_impossible_birth_dates_are_rejected),
        cmocka_unit_test(test_leap_day_births_are_accepted),
        cmocka_unit_test(test_birth_after_today_is_rejected),
        cmocka_unit_test(test_birth_before_1900_is_rejected),
        cmocka_unit_test(test_reason_is_optional_and_untouched_on_success),
        cmocka_unit_test(test_birth_date_is_read_from_the_id),
        cmocka_unit_test(test_sex_follows_the_seventeenth_digit),
        cmocka_unit_test(test_full_width_digits_and_x_are_converted),
        cmocka_unit_test(test_lowercase_x_is_uppercased),
        cmocka_unit_test(test_surrounding_spaces_are_trimmed),
        cmocka_unit_test(test_spaces_inside_the_number_are_not_accepted),
        cmocka_unit_test(test_wrong_shapes_fail_normalize),
        cmocka_unit_test(test_too_long_input_is_rejected_and_truncated),
        cmocka_unit_test(test_other_text_is_never_cut_inside_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
