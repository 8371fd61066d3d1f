/* test_utf8.c -- strict UTF-8 validation, counting and walking. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/utf8.h"

/* utf8_valid over the whole C string. */
static int valid(const char *s)
{
    return utf8_valid(s, strlen(s));
}

static void test_ascii_chinese_and_emoji_text_is_valid(void **state)
{
    (void)state;
    assert_true(valid("hello"));
    assert_true(valid("张三丰"));
    assert_true(valid("\xF0\x9F\x98\x80")); /* U+1F600 */
    assert_true(valid("\xEF\xBF\xBD"));     /* U+FFFD */
    assert_true(valid("\xED\x9F\xBF"));     /* U+D7FF, just below the surrogates */
    assert_true(valid("\xEE\x80\x80"));     /* U+E000, just above them */
    assert_true(valid("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
    assert_true(valid(""));
    assert_true(utf8_valid(NULL, 0));
}

static void test_overlong_encodings_are_rejected(void **state)
{
    (void)state;
    assert_false(valid("\xC0\xAF")); /* '/' in 2 bytes */
    assert_false(valid("\xC1\xBF"));
    assert_false(valid("\xE0\x80\xAF"));     /* '/' in 3 bytes */
    assert_false(valid("\xE0\x9F\xBF"));     /* U+07FF in 3 bytes */
    assert_false(valid("\xF0\x80\x80\xAF")); /* '/' in 4 bytes */
    assert_false(valid("\xF0\x8F\xBF\xBF")); /* U+FFFF in 4 bytes */
}

static void test_surrogate_halves_are_rejected(void **state)
{
    (void)state;
    assert_false(valid("\xED\xA0\x80"));             /* U+D800 */
    assert_false(valid("\xED\xBF\xBF"));             /* U+DFFF */
    assert_false(valid("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair for U+1F600 */
}

static void test_code_points_beyond_unicode_are_rejected(void **state)
{
    (void)state;
    assert_false(valid("\xF4\x90\x80\x80")); /* U+110000 */
    assert_false(valid("\xF5\x80\x80\x80"));
    assert_false(valid("\xF8\x88\x80\x80\x80")); /* old 5-byte form */
    assert_false(valid("\xFF"));
}

static void test_broken_sequences_are_rejected(void **state)
{
    (void)state;
    assert_false(valid("\xE5\xBC")); /* truncated 弼 */
    assert_false(valid("abc\xE5"));  /* truncated at the end */
    assert_false(valid("\x80"));     /* stray continuation byte */
    assert_false(valid("\xE5"
                       "a"
                       "\xBC")); /* lead byte followed by ASCII */
}

static void test_nul_byte_inside_the_length_is_rejected(void **state)
{
    (void)state;
    assert_false(utf8_valid("ab\0c", 4));
    assert_true(utf8_valid("ab\0c", 2));
}

static void test_only_the_given_length_is_checked(void **state)
{
    (void)state;
    assert_false(utf8_valid("张", 1)); /* cut inside the character */
    assert_false(utf8_valid("张", 2));
    assert_true(utf8_valid("张", 3));
    assert_true(utf8_valid("ab\xFF", 2));
}

static void test_character_count_is_code_points_not_bytes(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars("张三丰"), 3);
    assert_int_equal(utf8_chars("a张\xF0\x9F\x98\x80"), 3);
    assert_int_equal(utf8_chars("abc"), 3);
    assert_int_equal(utf8_chars(""), 0);
    assert_int_equal(utf8_chars(NULL), 0);
}

static void test_next_steps_over_whole_characters(void **state)
{
    const char *s = "a张\xF0\x9F\x98\x80";
    (void)state;
    assert_ptr_equal(utf8_next(s), s + 1);
    assert_ptr_equal(utf8_next(s + 1), s + 4);
    assert_ptr_equal(utf8_next(s + 4), s + 8);
    assert_ptr_equal(utf8_next(s + 8), s + 8); /* stays on the NUL */
}

static void test_next_on_broken_bytes_advances_one_and_never_passes_the_end(void **state)
{
    const char *trunc = "\xE5\xBC";
    const char *stray = "\x80"
                        "abc";
    const char *mixed = "\xE5"
                        "X";
    (void)state;
    assert_ptr_equal(utf8_next(trunc), trunc + 1);
    assert_ptr_equal(utf8_next(trunc + 1), trunc + 2);
    assert_ptr_equal(utf8_next(trunc + 2), trunc + 2);
    assert_ptr_equal(utf8_next(stray), stray + 1);
    assert_ptr_equal(utf8_next(mixed), mixed + 1);
    assert_int_equal(utf8_chars("\xE5\xBC"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_chinese_and_emoji_text_is_valid),
        cmocka_unit_test(test_overlong_encodings_are_rejected),
        cmocka_unit_test(test_surrogate_halves_are_rejected),
        cmocka_unit_test(test_code_points_beyond_unicode_are_rejected),
        cmocka_unit_test(test_broken_sequences_are_rejected),
        cmocka_unit_test(test_nul_byte_inside_the_length_is_rejected),
        cmocka_unit_test(test_only_the_given_length_is_checked),
        cmocka_unit_test(test_character_count_is_code_points_not_bytes),
        cmocka_unit_test(test_next_steps_over_whole_characters),
        cmocka_unit_test(test_next_on_broken_bytes_advances_one_and_never_passes_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
