/* test_rbac.c -- who sees which records, and who may do what: roles, permissions, scopes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/rbac.h"

/* ---- helpers ---- */

static const char *const res_names[RES__COUNT] = {
    [RES_NODES] = "nodes",           [RES_UNITS] = "units",
    [RES_ORGS] = "orgs",             [RES_MEMBERS] = "members",
    [RES_HOUSEHOLDS] = "households", [RES_RESIDENTS] = "residents",
    [RES_CONTACTS] = "contacts",     [RES_CASES] = "cases",
    [RES_USERS] = "users",
};

/* A user of `role` whose subtree is the township /1/5/, who is also member 77
 * of unit 33 and the resident of household 99 (each role uses what it needs). */
static principal someone(user_role role)
{
    principal p;
    memset(&p, 0, sizeof p);
    p.user_id = 42;
    p.username = "someone";
    p.role = role;
    p.county_id = 1;
    p.node_id = 5;
    p.node_path = "/1/5/";
    p.member_id = 77;
    p.unit_id = 33;
    p.household_id = 99;
    return p;
}

/* The scope of role over resource r must be the subtree /1/5/ of county 1. */
static void expect_subtree(user_role role, resource_kind r)
{
    principal p = someone(role);
    scope s = scope_for(&p, r);
    char what[96];
    snprintf(what, sizeof what, "%s over %s", role_code(role), res_names[r]);
    if (s.kind != SCOPE_SUBTREE)
        fail_msg("%s: expected SCOPE_SUBTREE, got %d", what, (int)s.kind);
    assert_non_null(s.path);
    assert_string_equal(s.path, "/1/5/");
    assert_int_equal(s.county_id, 1);
}

static void expect_none(user_role role, resource_kind r)
{
    principal p = someone(role);
    scope s = scope_for(&p, r);
    if (s.kind != SCOPE_NONE)
        fail_msg("%s over %s: expected SCOPE_NONE, got %d", role_code(role), res_names[r],
                 (int)s.kind);
}

/* ---- scope_for ---- */

static void test_administrators_secretary_group_leader_and_inspector_see_their_subtree(
    void **state)
{
    (void)state;
    const user_role roles[] = {ROLE_COUNTY_ADMIN, ROLE_TOWNSHIP_ADMIN, ROLE_VILLAGE_SECRETARY,
                               ROLE_GROUP_LEADER, ROLE_INSPECTOR};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        for (int r = 0; r < RES__COUNT; r++)
            expect_subtree(roles[i], (resource_kind)r);
}

static void test_township_admin_scope_is_their_subtree_not_a_neighbours(void **state)
{
    (void)state;
    principal p = someone(ROLE_TOWNSHIP_ADMIN);
    scope s = scope_for(&p, RES_HOUSEHOLDS);
    assert_true(scope_covers_path(&s, "/1/5/"));
    assert_true(scope_covers_path(&s, "/1/5/17/"));
    assert_true(scope_covers_path(&s, "/1/5/17/203/"));
    assert_false(scope_covers_path(&s, "/1/6/"));
    assert_false(scope_covers_path(&s, "/1/"));
}

static void test_member_sees_own_households_residents_members_and_unit_only(void **state)
{
    (void)state;
    const resource_kind mine[] = {RES_HOUSEHOLDS, RES_RESIDENTS, RES_MEMBERS, RES_UNITS};
    for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++) {
        principal p = someone(ROLE_MEMBER);
        scope s = scope_for(&p, mine[i]);
        if (s.kind != SCOPE_MEMBER)
            fail_msg("member over %s: expected SCOPE_MEMBER, got %d", res_names[mine[i]],
                     (int)s.kind);
        assert_int_equal(s.member_id, 77);
        assert_int_equal(s.unit_id, 33);
        assert_int_equal(s.county_id, 1);
        /* a member scope is not a subtree: no path in it is covered */
        assert_false(scope_covers_path(&s, "/1/5/17/"));
    }
}

static void test_member_sees_the_tree_and_organisations_of_their_subtree(void **state)
{
    (void)state;
    expect_subtree(ROLE_MEMBER, RES_NODES);
    expect_subtree(ROLE_MEMBER, RES_ORGS);
}

static void test_resident_sees_only_their_own_household_and_its_people(void **state)
{
    (void)state;
    const resource_kind mine[] = {RES_HOUSEHOLDS, RES_RESIDENTS};
    for (size_t i = 0; i < 2; i++) {
        principal p = someone(ROLE_RESIDENT);
        scope s = scope_for(&p, mine[i]);
        if (s.kind != SCOPE_HOUSEHOLD)
            fail_msg("resident over %s: expected SCOPE_HOUSEHOLD, got %d", res_names[mine[i]],
                     (int)s.kind);
        assert_int_equal(s.household_id, 99);
        assert_int_equal(s.county_id, 1);
    }
    expect_none(ROLE_RESIDENT, RES_NODES);
    expect_none(ROLE_RESIDENT, RES_UNITS);
    expect_none(ROLE_RESIDENT, RES_ORGS);
    expect_none(ROLE_RESIDENT, RES_MEMBERS);
}

static void test_sysadmin_sees_the_tree_units_and_orgs_but_no_personal_records(void **state)
{
    (void)state;
    expect_subtree(ROLE_SYSADMIN, RES_NODES);
    expect_subtree(ROLE_SYSADMIN, RES_UNITS);
    expect_subtree(ROLE_SYSADMIN, RES_ORGS);
    expect_none(ROLE_SYSADMIN, RES_MEMBERS);
    expect_none(ROLE_SYSADMIN, RES_HOUSEHOLDS);
    expect_none(ROLE_SYSADMIN, RES_RESIDENTS);
}

static void test_security_and_audit_administrators_see_no_records_at_all(void **state)
{
    (void)state;
    /* the security administrator lists the accounts it locks and unlocks, nothing else */
    expect_subtree(ROLE_SECADMIN, RES_USERS);
    for (int r = 0; r < RES__COUNT; r++) {
        if (r != RES_USERS)
            expect_none(ROLE_SECADMIN, (resource_kind)r);
        expect_none(ROLE_AUDITADMIN, (resource_kind)r);
        expect_none(ROLE_NONE, (resource_kind)r);
    }
}

static void test_a_user_without_a_place_in_the_tree_sees_no_subtree(void **state)
{
    (void)state;
    const user_role roles[] = {ROLE_COUNTY_ADMIN, ROLE_TOWNSHIP_ADMIN, ROLE_VILLAGE_SECRETARY,
                               ROLE_GROUP_LEADER, ROLE_INSPECTOR, ROLE_SYSADMIN};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        for (int r = 0; r < RES__COUNT; r++) {
            principal p = someone(roles[i]);
            p.node_id = 0;
            p.node_path = NULL;
            scope s = scope_for(&p, (resource_kind)r);
            if (s.kind != SCOPE_NONE)
                fail_msg("%s without a node over %s: expected SCOPE_NONE, got %d",
                         role_code(roles[i]), res_names[r], (int)s.kind);
            assert_false(scope_covers_path(&s, "/1/5/"));
        }
    /* a member without a node still sees their own households, but no tree */
    principal m = someone(ROLE_MEMBER);
    m.node_path = NULL;
    assert_int_equal(scope_for(&m, RES_NODES).kind, SCOPE_NONE);
    assert_int_equal(scope_for(&m, RES_ORGS).kind, SCOPE_NONE);
}

/* ---- scope_covers_path ---- */

static void test_a_village_is_inside_its_township_but_township_50_is_not_inside_5(void **state)
{
    (void)state;
    principal p = someone(ROLE_COUNTY_ADMIN);
    scope s = scope_for(&p, RES_NODES);
    assert_true(scope_covers_path(&s, "/1/5/17/"));
    assert_false(scope_covers_path(&s, "/1/50/"));
    assert_false(scope_covers_path(&s, "/1/50/17/"));
    assert_false(scope_covers_path(&s, "/1/"));
    assert_false(scope_covers_path(&s, NULL));
}

/* ---- rbac_allows ---- */

static void test_a_route_that_names_no_permission_is_allowed_to_nobody(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE__COUNT; r++)
        if (rbac_allows((user_role)r, PERM_UNSET))
            fail_msg("%s is allowed PERM_UNSET", role_code((user_role)r));
}

static void test_public_routes_are_open_to_everyone_even_without_login(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE__COUNT; r++)
        if (!rbac_allows((user_role)r, PERM_PUBLIC))
            fail_msg("%s is denied PERM_PUBLIC", role_code((user_role)r));
}

static void test_someone_not_logged_in_may_do_nothing_but_public_things(void **state)
{
    (void)state;
    for (int p = PERM_SELF; p < PERM__COUNT; p++)
        if (rbac_allows(ROLE_NONE, (perm)p))
            fail_msg("ROLE_NONE is allowed %s", perm_name((perm)p));
}

static void test_the_three_administrators_hold_no_registry_permission(void **state)
{
    (void)state;
    const user_role triad[] = {ROLE_SYSADMIN, ROLE_SECADMIN, ROLE_AUDITADMIN};
    const perm personal[] = {PERM_REG_READ, PERM_REG_WRITE, PERM_UNMASK, PERM_EXPORT,
                             PERM_IMPORT};
    for (size_t i = 0; i < 3; i++) {
        assert_true(role_is_admin_triad(triad[i]));
        for (size_t k = 0; k < sizeof personal / sizeof personal[0]; k++)
            if (rbac_allows(triad[i], personal[k]))
                fail_msg("%s holds %s", role_code(triad[i]), perm_name(personal[k]));
    }
}

static void test_no_administrator_holds_another_administrators_permission(void **state)
{
    (void)state;
    /* each of these is held by exactly one role in the whole table */
    const struct {
        perm p;
        user_role only;
    } sole[] = {
        {PERM_USER_ADMIN, ROLE_SYSADMIN},
        {PERM_SECURITY, ROLE_SECADMIN},
        {PERM_AUDIT_READ, ROLE_AUDITADMIN},
    };
    for (size_t i = 0; i < 3; i++)
        for (int r = 0; r < ROLE__COUNT; r++) {
            int want = (user_role)r == sole[i].only;
            if (rbac_allows((user_role)r, sole[i].p) != want)
                fail_msg("%s %s %s", role_code((user_role)r), want ? "lacks" : "holds",
                         perm_name(sole[i].p));
        }
}

static void test_operational_roles_are_not_administrators(void **state)
{
    (void)state;
    const user_role ops[] = {ROLE_NONE,      ROLE_COUNTY_ADMIN, ROLE_TOWNSHIP_ADMIN,
                             ROLE_VILLAGE_SECRETARY, ROLE_GROUP_LEADER, ROLE_MEMBER,
                             ROLE_INSPECTOR, ROLE_RESIDENT};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        assert_false(role_is_admin_triad(ops[i]));
}

static void test_every_logged_in_user_may_manage_their_own_session(void **state)
{
    (void)state;
    for (int r = 1; r < ROLE__COUNT; r++)
        assert_true(rbac_allows((user_role)r, PERM_SELF));
}

static void test_an_inspector_reads_but_changes_nothing(void **state)
{
    (void)state;
    assert_true(rbac_allows(ROLE_INSPECTOR, PERM_REG_READ));
    assert_true(rbac_allows(ROLE_INSPECTOR, PERM_TREE_READ));
    assert_false(rbac_allows(ROLE_INSPECTOR, PERM_REG_WRITE));
    assert_false(rbac_allows(ROLE_INSPECTOR, PERM_TREE_WRITE));
    assert_false(rbac_allows(ROLE_INSPECTOR, PERM_IMPORT));
    assert_false(rbac_allows(ROLE_INSPECTOR, PERM_UNMASK));
}

static void test_a_permission_out_of_range_is_refused(void **state)
{
    (void)state;
    assert_false(rbac_allows(ROLE_COUNTY_ADMIN, PERM__COUNT));
    assert_false(rbac_allows(ROLE__COUNT, PERM_REG_READ));
    assert_string_equal(perm_name(PERM__COUNT), "?");
}

/* ---- role codes ---- */

static void test_role_codes_read_back_as_the_same_role(void **state)
{
    (void)state;
    for (int r = 1; r < ROLE__COUNT; r++) {
        const char *code = role_code((user_role)r);
        assert_non_null(code);
        assert_string_not_equal(code, "none");
        assert_int_equal(role_parse(code), r);
        /* and no two roles share a code */
        for (int k = 1; k < r; k++)
            assert_string_not_equal(role_code((user_role)k), code);
    }
    assert_string_equal(role_code(ROLE_COUNTY_ADMIN), "county_admin");
    assert_string_equal(role_code(ROLE_SECADMIN), "secadmin");
}

static void test_an_unknown_role_code_is_no_role(void **state)
{
    (void)state;
    assert_int_equal(role_parse("root"), ROLE_NONE);
    assert_int_equal(role_parse("County_Admin"), ROLE_NONE);
    assert_int_equal(role_parse(""), ROLE_NONE);
    assert_int_equal(role_parse("none"), ROLE_NONE);
    assert_int_equal(role_parse(NULL), ROLE_NONE);
    assert_string_equal(role_code((user_role)ROLE__COUNT), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_administrators_secretary_group_leader_and_inspector_see_their_subtree),
        cmocka_unit_test(test_township_admin_scope_is_their_subtree_not_a_neighbours),
        cmocka_unit_test(test_member_sees_own_households_residents_members_and_unit_only),
        cmocka_unit_test(test_member_sees_the_tree_and_organisations_of_their_subtree),
        cmocka_unit_test(test_resident_sees_only_their_own_household_and_its_people),
        cmocka_unit_test(test_sysadmin_sees_the_tree_units_and_orgs_but_no_personal_records),
        cmocka_unit_test(test_security_and_audit_administrators_see_no_records_at_all),
        cmocka_unit_test(test_a_user_without_a_place_in_the_tree_sees_no_subtree),
        cmocka_unit_test(test_a_village_is_inside_its_township_but_township_50_is_not_inside_5),
        cmocka_unit_test(test_a_route_that_names_no_permission_is_allowed_to_nobody),
        cmocka_unit_test(test_public_routes_are_open_to_everyone_even_without_login),
        cmocka_unit_test(test_someone_not_logged_in_may_do_nothing_but_public_things),
        cmocka_unit_test(test_the_three_administrators_hold_no_registry_permission),
        cmocka_unit_test(test_no_administrator_holds_another_administrators_permission),
        cmocka_unit_test(test_operational_roles_are_not_administrators),
        cmocka_unit_test(test_every_logged_in_user_may_manage_their_own_session),
        cmocka_unit_test(test_an_inspector_reads_but_changes_nothing),
        cmocka_unit_test(test_a_permission_out_of_range_is_refused),
        cmocka_unit_test(test_role_codes_read_back_as_the_same_role),
        cmocka_unit_test(test_an_unknown_role_code_is_no_role),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
