/* test_policy.c -- the county's named policies: their defaults, ranges, and changing them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/policy.h"
#include "store/policies.h"
#include "store/store.h"

/* ---- the table ---- */

static void test_every_default_lies_within_its_own_range(void **state)
{
    (void)state;
    size_t n = 0;
    const policy_def *t = policy_table(&n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        if (t[i].min > t[i].max)
            fail_msg("%s: min %lld > max %lld", t[i].key, (long long)t[i].min,
                     (long long)t[i].max);
        if (t[i].def < t[i].min || t[i].def > t[i].max)
            fail_msg("%s: default %lld outside [%lld, %lld]", t[i].key, (long long)t[i].def,
                     (long long)t[i].min, (long long)t[i].max);
    }
}

static void test_no_two_policies_share_a_key(void **state)
{
    (void)state;
    size_t n = 0;
    const policy_def *t = policy_table(&n);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(t[i].key);
        assert_true(strlen(t[i].key) > 0);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(t[i].key, t[k].key))
                fail_msg("key %s appears twice", t[i].key);
        /* and policy_find returns this very entry */
        assert_ptr_equal(policy_find(t[i].key), &t[i]);
    }
}

/* The defaults of SPEC §4 (等保) and our own choices. */
static void test_seed_defaults_are_as_the_spec_says(void **state)
{
    (void)state;
    const struct {
        const char *key;
        int64_t def;
        policy_domain domain;
    } want[] = {
        {"password.min_length", 8, POLICY_SECURITY},
        {"password.min_classes", 3, POLICY_SECURITY},
        {"password.max_age_days", 90, POLICY_SECURITY},
        {"login.max_failures", 5, POLICY_SECURITY},
        {"login.lock_minutes", 30, POLICY_SECURITY},
        {"session.idle_minutes", 30, POLICY_SECURITY},
        {"session.absolute_hours", 12, POLICY_SECURITY},
        {"audit.retention_days", 184, POLICY_SECURITY},
        {"liaison.quota", 15, POLICY_WORK},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const policy_def *d = policy_find(want[i].key);
        if (!d)
            fail_msg("no policy %s", want[i].key);
        if (d->def != want[i].def)
            fail_msg("%s defaults to %lld, the spec says %lld", want[i].key, (long long)d->def,
                     (long long)want[i].def);
        if (d->domain != want[i].domain)
            fail_msg("%s belongs to the wrong administrator", want[i].key);
    }
}

static void test_audit_records_cannot_be_kept_less_than_184_days(void **state)
{
    (void)state;
    const policy_def *d = policy_find("audit.retention_days");
    assert_non_null(d);
    assert_true(d->min >= 184);
    /* nor can passwords be shorter than 等保's 8 characters */
    d = policy_find("password.min_length");
    assert_non_null(d);
    assert_true(d->min >= 8);
}

static void test_every_policy_names_its_source_and_says_what_it_governs(void **state)
{
    (void)state;
    size_t n = 0;
    const policy_def *t = policy_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (!t[i].source || !*t[i].source)
            fail_msg("%s names no source", t[i].key);
        if (!t[i].doc || !*t[i].doc)
            fail_msg("%s has no doc line", t[i].key);
        if (strchr(t[i].doc, '\n'))
            fail_msg("%s: the doc is more than one line", t[i].key);
    }
}

static void test_an_unknown_policy_is_not_found(void **state)
{
    (void)state;
    assert_null(policy_find("password.max_length"));
    assert_null(policy_find(""));
    assert_null(policy_find("liaison.quota.x"));
    assert_null(policy_find("LIAISON.QUOTA"));
}

/* ---- the store: store/policies.c over a temporary SQLite file ---- */

typedef struct tmpstore {
    char dir[64];
    char dbpath[128];
    char keypath[128];
} tmpstore;

static int store_setup(void **state)
{
    tmpstore *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/lx-test-policy-XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    snprintf(t->dbpath, sizeof t->dbpath, "%s/lx.db", t->dir);
    snprintf(t->keypath, sizeof t->keypath, "%s/lianxin.key", t->dir);
    if (store_open(t->dbpath, t->keypath, 1) != LX_OK) {
        rmdir(t->dir);
        free(t);
        return -1;
    }
    policy_cache_clear();
    *state = t;
    return 0;
}

static int store_teardown(void **state)
{
    tmpstore *t = *state;
    char p[160];
    store_close();
    policy_cache_clear();
    const char *const files[] = {"lx.db", "lx.db-wal", "lx.db-shm", "lianxin.key"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", t->dir, files[i]);
        unlink(p);
    }
    rmdir(t->dir);
    free(t);
    return 0;
}

/* Set one value in its own write transaction, as the API does. */
static lx_status set_in_txn(int64_t county, const char *key, int64_t value)
{
    db *d = store_db();
    assert_non_null(d);
    assert_int_equal(db_begin(d), LX_OK);
    lx_status rc = policy_set(d, county, key, value, 1);
    if (rc) {
        db_rollback(d);
        return rc;
    }
    assert_int_equal(db_commit(d), LX_OK);
    return LX_OK;
}

static void test_a_county_that_changed_nothing_gets_the_defaults(void **state)
{
    (void)state;
    db *d = store_db();
    size_t n = 0;
    const policy_def *t = policy_table(&n);
    char buf[1024];
    for (size_t i = 0; i < n; i++) {
        if (t[i].def_text) {
            policy_get_text(d, 1, t[i].key, buf, sizeof buf);
            assert_string_equal(buf, t[i].def_text);
        } else {
            assert_int_equal(policy_get(d, 1, t[i].key), t[i].def);
        }
    }
}

static void test_a_text_policy_changes_within_its_length_only(void **state)
{
    (void)state;
    db *d = store_db();
    char buf[1024];
    const policy_def *def = policy_find("card.commitment");
    assert_non_null(def);
    assert_non_null(def->def_text);
    assert_int_equal(db_begin(d), LX_OK);
    assert_int_equal(policy_set_text(d, 1, "card.commitment", "有事请找我", 1), LX_OK);
    assert_int_equal(db_commit(d), LX_OK);
    policy_get_text(d, 1, "card.commitment", buf, sizeof buf);
    assert_string_equal(buf, "有事请找我");
    char longer[1024];
    size_t k = 0;
    for (int i = 0; i <= def->max; i++)
        k += (size_t)snprintf(longer + k, sizeof longer - k, "%s", "字");
    assert_int_equal(db_begin(d), LX_OK);
    assert_int_equal(policy_set_text(d, 1, "card.commitment", longer, 1), LX_EINVAL);
    assert_int_equal(policy_set_text(d, 1, "liaison.quota", "12", 1), LX_EINVAL);
    assert_int_equal(policy_set(d, 1, "card.commitment", 3, 1), LX_EINVAL);
    db_rollback(d);
    policy_get_text(d, 1, "card.commitment", buf, sizeof buf);
    assert_string_equal(buf, "有事请找我");
    policy_get_text(d, 2, "card.commitment", buf, sizeof buf);
    assert_string_equal(buf, def->def_text);
}

static void test_a_changed_policy_reads_back_changed_and_only_in_that_county(void **state)
{
    (void)state;
    db *d = store_db();
    assert_int_equal(policy_get(d, 1, "liaison.quota"), 15); /* now cached */
    assert_int_equal(set_in_txn(1, "liaison.quota", 20), LX_OK);
    /* the cache must not hide the change from this process */
    assert_int_equal(policy_get(d, 1, "liaison.quota"), 20);
    /* and it is in the database, not just the cache */
    policy_cache_clear();
    assert_int_equal(policy_get(d, 1, "liaison.quota"), 20);
    /* another county keeps the default */
    assert_int_equal(policy_get(d, 2, "liaison.quota"), 15);
    /* and a second change replaces the first */
    assert_int_equal(set_in_txn(1, "liaison.quota", 7), LX_OK);
    assert_int_equal(policy_get(d, 1, "liaison.quota"), 7);
}

static void test_an_out_of_range_value_is_refused_and_changes_nothing(void **state)
{
    (void)state;
    db *d = store_db();
    const policy_def *q = policy_find("password.min_length");
    assert_int_equal(set_in_txn(1, "password.min_length", 12), LX_OK);
    assert_int_equal(set_in_txn(1, "password.min_length", q->min - 1), LX_EINVAL);
    assert_int_equal(set_in_txn(1, "password.min_length", q->max + 1), LX_EINVAL);
    assert_int_equal(set_in_txn(1, "password.min_length", 0), LX_EINVAL);
    assert_int_equal(set_in_txn(1, "password.min_length", -8), LX_EINVAL);
    assert_int_equal(policy_get(d, 1, "password.min_length"), 12);
    policy_cache_clear();
    assert_int_equal(policy_get(d, 1, "password.min_length"), 12);
    /* the bounds themselves are accepted */
    assert_int_equal(set_in_txn(1, "password.min_length", q->min), LX_OK);
    assert_int_equal(policy_get(d, 1, "password.min_length"), q->min);
    assert_int_equal(set_in_txn(1, "password.min_length", q->max), LX_OK);
    assert_int_equal(policy_get(d, 1, "password.min_length"), q->max);
}

static void test_audit_retention_cannot_be_set_below_184_days(void **state)
{
    (void)state;
    db *d = store_db();
    assert_int_equal(set_in_txn(1, "audit.retention_days", 183), LX_EINVAL);
    assert_int_equal(policy_get(d, 1, "audit.retention_days"), 184);
    assert_int_equal(set_in_txn(1, "audit.retention_days", 365), LX_OK);
    assert_int_equal(policy_get(d, 1, "audit.retention_days"), 365);
}

static void test_setting_an_unknown_policy_is_refused(void **state)
{
    (void)state;
    assert_int_equal(set_in_txn(1, "password.max_length", 10), LX_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_default_lies_within_its_own_range),
        cmocka_unit_test(test_no_two_policies_share_a_key),
        cmocka_unit_test(test_seed_defaults_are_as_the_spec_says),
        cmocka_unit_test(test_audit_records_cannot_be_kept_less_than_184_days),
        cmocka_unit_test(test_every_policy_names_its_source_and_says_what_it_governs),
        cmocka_unit_test(test_an_unknown_policy_is_not_found),
        cmocka_unit_test_setup_teardown(test_a_text_policy_changes_within_its_length_only,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_a_county_that_changed_nothing_gets_the_defaults,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_changed_policy_reads_back_changed_and_only_in_that_county, store_setup,
            store_teardown),
        cmocka_unit_test_setup_teardown(test_an_out_of_range_value_is_refused_and_changes_nothing,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_audit_retention_cannot_be_set_below_184_days,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_setting_an_unknown_policy_is_refused, store_setup,
                                        store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
