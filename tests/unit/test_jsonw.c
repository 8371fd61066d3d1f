/* test_jsonw.c -- JSON text written straight into a buffer reads back as the same values,
 * with the bytes json_dumps gives; timestamps as gmtime/strftime give them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/record.h"
#include "util/arena.h"
#include "util/jsonw.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

static void test_strings_are_escaped_as_jansson_escapes_them(void **state)
{
    (void)state;
    const char *samples[] = {
        "",
        "plain",
        "张三 幸福村三组",
        "quote \" backslash \\ slash /",
        "\b\f\n\r\t",
        "\x01\x1f\x7f",
        "line\u2028sep é ü 𠀀",
        "tail\\",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        strbuf sb = STRBUF_INIT;
        jsonw_str(&sb, samples[i]);
        json_t *j = json_string(samples[i]);
        char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_string_equal(strbuf_str(&sb), want);
        /* and it reads back as the original */
        json_t *back = json_loads(strbuf_str(&sb), JSON_DECODE_ANY, NULL);
        assert_non_null(back);
        assert_string_equal(json_string_value(back), samples[i]);
        json_decref(back);
        free(want);
        json_decref(j);
        strbuf_release(&sb);
    }
}

static void test_integers_are_written_in_full(void **state)
{
    (void)state;
    const int64_t samples[] = {0, 1, -1, 9, 10, 1234567890123LL, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char want[32];
        strbuf sb = STRBUF_INIT;
        jsonw_int(&sb, samples[i]);
        snprintf(want, sizeof want, "%lld", (long long)samples[i]);
        assert_string_equal(strbuf_str(&sb), want);
        strbuf_release(&sb);
    }
}

static void expect_iso(int64_t t)
{
    char got[32], want[32];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
    lx_iso8601(t, got, sizeof got);
    if (strcmp(got, want))
        fail_msg("%lld: got %s, want %s", (long long)t, got, want);
}

static void test_timestamps_match_strftime_across_leap_years_and_centuries(void **state)
{
    (void)state;
    const int64_t samples[] = {
        0, 59, 86399, 86400, 951782400 /* 2000-02-29 */, 951868799, 951868800,
        1709164800 /* 2024-02-29 */, 1767225600 /* 2026-01-01 */, 1798761599,
        4107542400 /* 2100-03-01 */, 4107456000 /* 2100-02-28 */,
        253402300799 /* 9999-12-31T23:59:59 */, 253402300800, -1, -86401,
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        expect_iso(samples[i]);
    /* every day from 1970 to 2130, at a time of day that changes with the day */
    for (int64_t d = 0; d < 160 * 366; d++)
        expect_iso(d * 86400 + (d * 7919) % 86400);
}

static void test_a_record_written_as_text_is_the_tree_json_dumps_would_give(void **state)
{
    (void)state;
    arena *a = arena_new();
    record *rec = record_new(a, &reg_households);
    rec->id = 42;
    rec->created_at = 1767225600;
    rec->updated_at = 1767225661;
    rec->v[record_field(&reg_households, "node_id")] = (rval){.set = 1, .i = 12};
    rec->v[record_field(&reg_households, "head_name")] = (rval){.set = 1, .s = "张\"三\\"};
    rec->v[record_field(&reg_households, "address")] = (rval){.set = 1, .s = "幸福村三组幸福路88号"};
    rec->v[record_field(&reg_households, "tags")] = (rval){.set = 1, .i = 3};
    strbuf sb = STRBUF_INIT;
    record_json_write(&sb, &reg_households, rec, 0);
    json_t *j = json_loads(strbuf_str(&sb), 0, NULL);
    assert_non_null(j);
    /* the text is exactly what jansson prints for the same tree, keys in order */
    char *again = json_dumps(j, JSON_COMPACT);
    assert_string_equal(strbuf_str(&sb), again);
    free(again);
    assert_string_equal(json_string_value(json_object_get(j, "head_name")), "张\"三\\");
    assert_string_equal(json_string_value(json_object_get(j, "address")), "幸福村三组幸****");
    assert_int_equal(json_array_size(json_object_get(j, "tags")), 2);
    assert_int_equal(json_array_size(json_object_get(j, "needs")), 0);
    assert_true(json_is_null(json_object_get(j, "difficulty")) ||
                json_is_string(json_object_get(j, "difficulty")));
    assert_string_equal(json_string_value(json_object_get(j, "updated_at")),
                        "2026-01-01T00:01:01Z");
    assert_non_null(strstr(strbuf_str(&sb), "{\"id\":42,\"node_id\":12,\"address\":"));
    json_decref(j);
    strbuf_release(&sb);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_are_escaped_as_jansson_escapes_them),
        cmocka_unit_test(test_integers_are_written_in_full),
        cmocka_unit_test(test_timestamps_match_strftime_across_leap_years_and_centuries),
        cmocka_unit_test(test_a_record_written_as_text_is_the_tree_json_dumps_would_give),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
