/* test_respcache.c -- a kept answer comes back only while its generation is
 * current and its time to live has not passed; the byte limit holds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/respcache.h"

static const char body[] = "{\"items\":[{\"id\":1,\"head_name\":\"张三\"}],\"next\":null}";

/* The body under key at (gen, now) (free it), or NULL; checks aux when found, and that
 * a miss appends nothing. */
static char *get(respcache *c, const char *key, uint64_t gen, int64_t now)
{
    strbuf sb = STRBUF_INIT;
    int64_t aux = -1;
    if (!respcache_get(c, key, gen, now, &sb, &aux)) {
        assert_int_equal(sb.len, 0);
        assert_int_equal(aux, -1);
        return NULL;
    }
    assert_int_equal(aux, 7);
    size_t len = 0;
    char *out = strbuf_detach(&sb, &len);
    assert_int_equal(len, strlen(out));
    return out;
}

static void test_an_answer_comes_back_while_nothing_changed(void **state)
{
    (void)state;
    respcache *c = respcache_new(1 << 20, 1000);
    assert_null(get(c, "households|u1|limit=50", 3, 100));
    respcache_put(c, "households|u1|limit=50", 3, 100, body, strlen(body), 7);
    char *out = get(c, "households|u1|limit=50", 3, 1099);
    assert_non_null(out);
    assert_string_equal(out, body);
    free(out);
    /* another key (another user, another page) is not this answer */
    assert_null(get(c, "households|u2|limit=50", 3, 200));
    assert_null(get(c, "households|u1|limit=20", 3, 200));
    respcache_free(c);
}

static void test_a_change_or_the_time_to_live_ends_an_answer(void **state)
{
    (void)state;
    respcache *c = respcache_new(1 << 20, 1000);
    respcache_put(c, "k", 3, 100, body, strlen(body), 7);
    assert_null(get(c, "k", 4, 150)); /* the data changed since */
    assert_int_equal(respcache_entries(c), 0);
    assert_null(get(c, "k", 3, 150)); /* and it was dropped, not kept for later */

    respcache_put(c, "k", 3, 100, body, strlen(body), 7);
    assert_null(get(c, "k", 3, 1100)); /* a second old: too old */
    assert_int_equal(respcache_entries(c), 0);
    respcache_put(c, "k", 3, 100, body, strlen(body), 7);
    assert_null(get(c, "k", 3, 99)); /* a clock that went back trusts nothing */
    respcache_free(c);
}

static void test_a_newer_answer_replaces_the_older(void **state)
{
    (void)state;
    respcache *c = respcache_new(1 << 20, 1000);
    respcache_put(c, "k", 3, 100, "old", 3, 7);
    respcache_put(c, "k", 4, 200, body, strlen(body), 7);
    assert_int_equal(respcache_entries(c), 1);
    assert_int_equal(respcache_bytes(c), 2 + strlen(body));
    char *out = get(c, "k", 4, 300);
    assert_string_equal(out, body);
    free(out);
    respcache_free(c);
}

static void test_the_byte_limit_holds(void **state)
{
    (void)state;
    enum { MAX = 8192 };
    respcache *c = respcache_new(MAX, 1000);
    char big[MAX / 8 + 1], key[32];
    memset(big, 'x', sizeof big);
    respcache_put(c, "too big", 1, 0, big, sizeof big, 7);
    assert_int_equal(respcache_entries(c), 0);
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "page %d", i);
        respcache_put(c, key, 1, 0, big, 500, 7);
        assert_true(respcache_bytes(c) <= MAX);
    }
    /* full, yet still answering: the newest page is there */
    assert_true(respcache_entries(c) >= MAX / 600 - 1);
    char *out = get(c, "page 199", 1, 10);
    assert_non_null(out);
    assert_int_equal(strlen(out), 500);
    free(out);
    respcache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_answer_comes_back_while_nothing_changed),
        cmocka_unit_test(test_a_change_or_the_time_to_live_ends_an_answer),
        cmocka_unit_test(test_a_newer_answer_replaces_the_older),
        cmocka_unit_test(test_the_byte_limit_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
