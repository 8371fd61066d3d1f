/* test_demo.c -- the demo county: the same seed gives the same county, and it loads like real data.
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

#include "core/demo.h"
#include "core/idcard.h"
#include "core/phone.h"
#include "core/rbac.h"
#include "core/vocab.h"
#include "store/bulk.h"
#include "store/record.h"
#include "store/registry.h"
#include "store/store.h"
#include "util/arena.h"

/* ---- a sink that fingerprints, counts and keeps what the tests look at ---- */

typedef struct seen {
    uint64_t hash;    /* FNV-1a over every field of every record */
    int64_t nodes[5]; /* by level */
    int64_t units, orgs, members, households, residents;
    int64_t migrant; /* households tagged migrant_away */
    int64_t bad_idno, bad_phone, bad_birth, bad_sex, bad_size, bad_order;
    char **idnos;  /* every ID number, when `keep` */
    char **phones; /* every phone, members' and residents', when `keep` */
    size_t nidno, nphone, cap_idno, cap_phone;
    int keep;                        /* collect ID numbers and phones */
    int64_t last_household;          /* demo id of the household being read */
    int64_t residents_left;          /* residents it announced that are still to come */
    char first_idno[IDCARD_LEN + 1]; /* of the first resident */
    char first_address[160];         /* of the first household */
    int64_t stop_at_household;       /* return LX_EIO at this household; 0 never */
} seen;

static void mix(seen *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        s->hash = (s->hash ^ b[i]) * 0x100000001b3ull;
}

static void mix_int(seen *s, int64_t v)
{
    mix(s, &v, sizeof v);
}

static void mix_str(seen *s, const char *str)
{
    if (str)
        mix(s, str, strlen(str) + 1);
    else
        mix(s, "\xff", 1);
}

static void keep(char ***arr, size_t *n, size_t *cap, const char *v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *arr = realloc(*arr, *cap * sizeof **arr);
        assert_non_null(*arr);
    }
    (*arr)[(*n)++] = strdup(v);
}

static void check_phone(seen *s, const char *phone)
{
    const char *why = NULL;
    if (phone_check(phone, &why) != LX_OK || !phone_is_mobile(phone))
        s->bad_phone++;
    if (s->keep)
        keep(&s->phones, &s->nphone, &s->cap_phone, phone);
}

static lx_status on_node(void *ctx, const demo_node *n)
{
    seen *s = ctx;
    mix_int(s, 'N');
    mix_int(s, n->id);
    mix_int(s, n->parent_id);
    mix_int(s, n->level);
    mix_int(s, n->kind);
    mix_str(s, n->name);
    mix_str(s, n->code);
    if (n->level >= 1 && n->level <= 4)
        s->nodes[n->level]++;
    return LX_OK;
}

static lx_status on_unit(void *ctx, const demo_unit *u)
{
    seen *s = ctx;
    mix_int(s, 'U');
    mix_int(s, u->id);
    mix_int(s, u->node_id);
    mix_int(s, u->kind);
    mix_str(s, u->name);
    s->units++;
    return LX_OK;
}

static lx_status on_org(void *ctx, const demo_org *o)
{
    seen *s = ctx;
    mix_int(s, 'O');
    mix_int(s, o->id);
    mix_int(s, o->node_id);
    mix_int(s, o->parent_org_id);
    mix_int(s, o->kind);
    mix_int(s, o->basis);
    mix_str(s, o->name);
    s->orgs++;
    return LX_OK;
}

static lx_status on_member(void *ctx, const demo_member *m)
{
    seen *s = ctx;
    mix_int(s, 'M');
    mix_int(s, m->id);
    mix_int(s, m->node_id);
    mix_int(s, m->unit_id);
    mix_int(s, m->org_id);
    mix_int(s, m->leads_org_id);
    mix_str(s, m->name);
    mix_int(s, m->gender);
    mix_str(s, m->phone);
    mix_int(s, m->rank);
    mix_int(s, m->category);
    mix_int(s, m->skills);
    check_phone(s, m->phone);
    s->members++;
    return LX_OK;
}

static lx_status on_household(void *ctx, const demo_household *h)
{
    seen *s = ctx;
    mix_int(s, 'H');
    mix_int(s, h->id);
    mix_int(s, h->node_id);
    mix_str(s, h->address);
    mix_str(s, h->head_name);
    mix_int(s, h->difficulty);
    mix_int(s, h->tags);
    mix_int(s, h->needs);
    mix_int(s, h->nresidents);
    if (s->stop_at_household && h->id == s->stop_at_household)
        return LX_EIO;
    if (s->residents_left)
        s->bad_order++;
    if (h->nresidents < 1 || h->nresidents > 6)
        s->bad_size++;
    if (h->tags & ((int64_t)1 << vocab_find(&vocab_tag, "migrant_away")))
        s->migrant++;
    if (!s->households)
        snprintf(s->first_address, sizeof s->first_address, "%s", h->address);
    s->last_household = h->id;
    s->residents_left = h->nresidents;
    s->households++;
    return LX_OK;
}

static lx_status on_resident(void *ctx, const demo_resident *r)
{
    seen *s = ctx;
    const char *why = NULL;
    char birth[11];
    int y = 0, m = 0, d = 0;
    mix_int(s, 'R');
    mix_int(s, r->id);
    mix_int(s, r->household_id);
    mix_str(s, r->name);
    mix_int(s, r->gender);
    mix_int(s, r->age);
    mix_str(s, r->birth_date);
    mix_str(s, r->idno);
    mix_str(s, r->phone);
    mix_int(s, r->relation);
    if (r->household_id != s->last_household || s->residents_left-- <= 0)
        s->bad_order++;
    if (idcard_check(r->idno, DEMO_REF_YMD, &why) != LX_OK)
        s->bad_idno++;
    /* the birth date is the one in the ID number, and makes them r->age */
    idcard_birth(r->idno, &y, &m, &d);
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", y, m, d);
    int ymd = y * 10000 + m * 100 + d;
    int age = DEMO_REF_YMD / 10000 - y - (DEMO_REF_YMD % 10000 < ymd % 10000);
    if (strcmp(birth, r->birth_date) || age != r->age)
        s->bad_birth++;
    if (idcard_sex(r->idno) - 1 != r->gender)
        s->bad_sex++;
    if (r->phone)
        check_phone(s, r->phone);
    if (s->keep)
        keep(&s->idnos, &s->nidno, &s->cap_idno, r->idno);
    if (!s->residents)
        snprintf(s->first_idno, sizeof s->first_idno, "%s", r->idno);
    s->residents++;
    return LX_OK;
}

static lx_status run(int64_t households, uint64_t seed, seen *s)
{
    demo_sink sink = {s, on_node, on_unit, on_org, on_member, on_household, on_resident};
    s->hash = 0xcbf29ce484222325ull;
    return demo_generate(households, seed, &sink);
}

static void seen_release(seen *s)
{
    for (size_t i = 0; i < s->nidno; i++)
        free(s->idnos[i]);
    for (size_t i = 0; i < s->nphone; i++)
        free(s->phones[i]);
    free(s->idnos);
    free(s->phones);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t duplicates(char **v, size_t n)
{
    size_t dup = 0;
    qsort(v, n, sizeof *v, cmp_str);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(v[i - 1], v[i]))
            dup++;
    return dup;
}

/* One 5,000-household county, generated once for the tests that look at it. */
static seen big;

static int setup_big(void **state)
{
    (void)state;
    memset(&big, 0, sizeof big);
    big.keep = 1;
    return run(5000, 2025, &big) == LX_OK ? 0 : -1;
}

static int teardown_big(void **state)
{
    (void)state;
    seen_release(&big);
    return 0;
}

/* ---- the generator ---- */

static void test_same_seed_gives_byte_identical_county(void **state)
{
    seen a = {0}, b = {0}, c = {0};
    (void)state;
    assert_int_equal(run(1000, 42, &a), LX_OK);
    assert_int_equal(run(1000, 42, &b), LX_OK);
    assert_int_equal(run(1000, 43, &c), LX_OK);
    assert_true(a.hash == b.hash);
    assert_int_equal(a.residents, b.residents);
    assert_true(a.hash != c.hash);
}

static void test_household_count_outside_the_range_is_refused(void **state)
{
    seen s = {0};
    (void)state;
    assert_int_equal(run(DEMO_MIN_HOUSEHOLDS - 1, 1, &s), LX_EINVAL);
    assert_int_equal(run(DEMO_MAX_HOUSEHOLDS + 1, 1, &s), LX_EINVAL);
    assert_int_equal(s.households + s.nodes[1], 0);
    assert_int_equal(run(DEMO_MIN_HOUSEHOLDS, 1, &s), LX_OK);
    assert_int_equal(s.households, DEMO_MIN_HOUSEHOLDS);
}

static void test_a_failing_callback_stops_the_stream(void **state)
{
    seen s = {0};
    (void)state;
    s.stop_at_household = 10;
    assert_int_equal(run(1000, 7, &s), LX_EIO);
    assert_int_equal(s.households, 9);
}

static void test_every_id_number_and_phone_is_valid(void **state)
{
    (void)state;
    assert_true(big.residents > 0);
    assert_int_equal(big.bad_idno, 0);
    assert_int_equal(big.bad_phone, 0);
    assert_int_equal(big.bad_birth, 0);
    assert_int_equal(big.bad_sex, 0);
}

static void test_id_numbers_and_phones_are_unique_in_the_county(void **state)
{
    (void)state;
    assert_int_equal(big.nidno, (size_t)big.residents);
    assert_int_equal(duplicates(big.idnos, big.nidno), 0);
    assert_true(big.nphone > (size_t)big.members);
    assert_int_equal(duplicates(big.phones, big.nphone), 0);
}

static void test_county_has_the_shape_of_a_real_one(void **state)
{
    (void)state;
    assert_int_equal(big.nodes[1], 1);
    assert_true(big.nodes[2] >= 2);
    assert_true(big.nodes[3] >= big.nodes[2] && big.nodes[4] >= big.nodes[3]);
    /* about one group per 40 households, one village per 300 */
    assert_true(big.nodes[4] >= 5000 / 50 && big.nodes[4] <= 5000 / 30);
    assert_true(big.nodes[3] >= 5000 / 400 && big.nodes[3] <= 5000 / 200);
    assert_true(big.units >= 5);
    assert_true(big.orgs >= big.nodes[3] + big.nodes[4]);
    assert_int_equal(big.households, 5000);
    /* every household is followed by exactly its 1-6 residents, 3.2 on average */
    assert_int_equal(big.bad_size, 0);
    assert_int_equal(big.bad_order, 0);
    assert_int_equal(big.residents_left, 0);
    assert_true(big.residents * 10 >= big.households * 30 &&
                big.residents * 10 <= big.households * 34);
}

static void test_about_thirty_percent_work_away(void **state)
{
    (void)state;
    /* 001: 常年外出务工 ... 约占总人口的30% */
    assert_true(big.migrant * 100 >= big.households * 25);
    assert_true(big.migrant * 100 <= big.households * 35);
}

static void test_about_fifteen_households_per_member(void **state)
{
    (void)state;
    assert_true(big.members > 0);
    assert_true(big.households >= big.members * 13 && big.households <= big.members * 17);
}

/* ---- the bulk load ---- */

typedef struct tmpdb {
    char dir[64];   /* the temporary directory */
    char path[128]; /* the database file */
    char key[128];  /* the key file */
} tmpdb;

static void tmpdb_open(tmpdb *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/lx-test-demo-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/lianxin.db", t->dir);
    snprintf(t->key, sizeof t->key, "%s/key", t->dir);
    assert_int_equal(store_open(t->path, t->key, 1), LX_OK);
}

static void tmpdb_remove(tmpdb *t)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    store_close();
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
        unlink(p);
    }
    unlink(t->key);
    rmdir(t->dir);
}

static int64_t count_rows(db *d, const char *table, int64_t county_id)
{
    char sql[128];
    db_stmt *st = NULL;
    int row = 0;
    int64_t n = -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE county_id = ?", table);
    assert_int_equal(db_prepare(d, sql, &st), LX_OK);
    db_bind_int(st, 1, county_id);
    assert_int_equal(db_step(st, &row), LX_OK);
    if (row)
        n = db_col_int(st, 0);
    db_done(st);
    return n;
}

static void test_bulk_demo_loads_a_county_that_registry_reads_back(void **state)
{
    tmpdb t;
    bulk_stats st, again;
    seen gen = {0};
    arena *a = arena_new();
    record *rec = NULL;
    char root[32];
    (void)state;

    assert_int_equal(run(500, 11, &gen), LX_OK);
    tmpdb_open(&t);
    db *d = store_db();
    assert_non_null(d);
    assert_int_equal(bulk_demo(d, 500, 11, &st), LX_OK);

    /* the stats say what the generator made, and what is in the tables */
    assert_true(st.county_id > 0);
    assert_int_equal(st.root_node_id, 1);
    assert_int_equal(st.nodes, gen.nodes[1] + gen.nodes[2] + gen.nodes[3] + gen.nodes[4]);
    assert_int_equal(st.units, gen.units);
    assert_int_equal(st.orgs, gen.orgs);
    assert_int_equal(st.members, gen.members);
    assert_int_equal(st.households, 500);
    assert_int_equal(st.residents, gen.residents);
    assert_int_equal(count_rows(d, "nodes", st.county_id), st.nodes);
    assert_int_equal(count_rows(d, "units", st.county_id), st.units);
    assert_int_equal(count_rows(d, "orgs", st.county_id), st.orgs);
    assert_int_equal(count_rows(d, "members", st.county_id), st.members);
    assert_int_equal(count_rows(d, "households", st.county_id), st.households);
    assert_int_equal(count_rows(d, "residents", st.county_id), st.residents);
    assert_int_equal(count_rows(d, "pairings", st.county_id), 0);

    /* read back through the registry, county-wide */
    snprintf(root, sizeof root, "/%lld/", (long long)st.root_node_id);
    assert_string_equal(root, "/1/");
    scope s = {.kind = SCOPE_SUBTREE, .county_id = st.county_id, .path = root};
    const resource *rr = record_resource(RES_RESIDENTS);
    assert_int_equal(registry_get(d, a, rr, &s, 1, &rec), LX_OK);
    const char *idno = rec->v[record_field(rr, "idno")].s;
    const char *why = NULL;
    assert_non_null(idno);
    assert_null(strchr(idno, '*'));
    assert_int_equal(idcard_check(idno, DEMO_REF_YMD, &why), LX_OK);
    assert_string_equal(idno, gen.first_idno);
    assert_int_equal(rec->v[record_field(rr, "relation")].i, vocab_find(&vocab_relation, "head"));
    assert_true(strncmp(rec->path, root, strlen(root)) == 0);

    const resource *nr = record_resource(RES_NODES);
    assert_int_equal(registry_get(d, a, nr, &s, st.root_node_id, &rec), LX_OK);
    assert_string_equal(rec->path, root);
    assert_int_equal(rec->v[record_field(nr, "kind")].i, vocab_find(&vocab_node_kind, "county"));

    const resource *mr = record_resource(RES_MEMBERS);
    assert_int_equal(registry_get(d, a, mr, &s, 1, &rec), LX_OK);
    assert_int_equal(phone_check(rec->v[record_field(mr, "phone")].s, &why), LX_OK);

    const resource *hr = record_resource(RES_HOUSEHOLDS);
    assert_int_equal(registry_get(d, a, hr, &s, 1, &rec), LX_OK);
    assert_string_equal(rec->v[record_field(hr, "address")].s, gen.first_address);

    /* the same ID numbers a second time: refused, and nothing half-written */
    assert_int_equal(bulk_demo(d, 500, 11, &again), LX_ECONFLICT);
    assert_int_equal(again.households, 0);
    assert_int_equal(count_rows(d, "nodes", st.county_id + 1), 0);
    assert_int_equal(count_rows(d, "households", st.county_id + 1), 0);
    assert_int_equal(count_rows(d, "residents", st.county_id), st.residents);

    arena_free(a);
    tmpdb_remove(&t);
}

int main(void)
{
    const struct CMUnitTest generator[] = {
        cmocka_unit_test(test_same_seed_gives_byte_identical_county),
        cmocka_unit_test(test_household_count_outside_the_range_is_refused),
        cmocka_unit_test(test_a_failing_callback_stops_the_stream),
        cmocka_unit_test(test_every_id_number_and_phone_is_valid),
        cmocka_unit_test(test_id_numbers_and_phones_are_unique_in_the_county),
        cmocka_unit_test(test_county_has_the_shape_of_a_real_one),
        cmocka_unit_test(test_about_thirty_percent_work_away),
        cmocka_unit_test(test_about_fifteen_households_per_member),
    };
    const struct CMUnitTest bulk[] = {
        cmocka_unit_test(test_bulk_demo_loads_a_county_that_registry_reads_back),
    };
    int failed = cmocka_run_group_tests_name("demo generator", generator, setup_big, teardown_big);
    failed += cmocka_run_group_tests_name("demo bulk load", bulk, NULL, NULL);
    return failed;
}
