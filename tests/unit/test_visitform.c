/* test_visitform.c -- the county's visit form: checking questions and answers; parsing times. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/visitform.h"
#include "core/vocab.h"
#include "util/timeutil.h"

static json_t *form(void)
{
    json_t *q = json_loads("[{\"key\":\"health\",\"label\":\"身体\",\"type\":\"choice\","
                           "\"options\":[\"好\",\"差\"],\"required\":true},"
                           "{\"key\":\"income\",\"label\":\"收入\",\"type\":\"number\"},"
                           "{\"key\":\"water_ok\",\"label\":\"饮水\",\"type\":\"yes_no\"},"
                           "{\"key\":\"wish\",\"label\":\"愿望\",\"type\":\"text\"}]",
                           0, NULL);
    json_t *clean = NULL;
    lx_error e;
    assert_int_equal(visitform_check_questions(q, &clean, &e), LX_OK);
    json_decref(q);
    return clean;
}

/* Check answers given as JSON text; the field named on failure into field. */
static lx_status answers(const json_t *f, const char *text, char *field)
{
    json_t *a = json_loads(text, 0, NULL);
    lx_error e;
    memset(&e, 0, sizeof e);
    lx_status rc = visitform_check_answers(f, a, &e);
    strcpy(field, e.field);
    json_decref(a);
    return rc;
}

static void test_answers_of_the_right_types_pass_and_wrong_ones_name_their_field(void **state)
{
    (void)state;
    json_t *f = form();
    char field[64];
    assert_int_equal(answers(f, "{\"health\":\"好\",\"income\":3.5,\"water_ok\":false,\"wish\":\"路\"}",
                             field), LX_OK);
    assert_int_equal(answers(f, "{\"health\":\"好\",\"income\":null}", field), LX_OK);
    const char *bad[][2] = {
        {"{\"health\":\"中\"}", "answers.health"},       /* not an option */
        {"{\"health\":\"好\",\"income\":\"3\"}", "answers.income"},
        {"{\"health\":\"好\",\"water_ok\":1}", "answers.water_ok"},
        {"{\"health\":\"好\",\"wish\":true}", "answers.wish"},
        {"{\"health\":\"好\",\"pets\":1}", "answers.pets"}, /* unknown */
        {"{\"income\":1}", "answers.health"},             /* required */
        {"{\"health\":null}", "answers.health"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(answers(f, bad[i][0], field), LX_EINVAL);
        assert_string_equal(field, bad[i][1]);
    }
    json_decref(f);
}

static void test_bad_questions_are_refused_naming_the_question(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"{}", "questions"},
        {"[{\"key\":\"1a\",\"label\":\"x\",\"type\":\"text\"}]", "questions[0].key"},
        {"[{\"key\":\"a\",\"label\":\"   \",\"type\":\"text\"}]", "questions[0].label"},
        {"[{\"key\":\"a\",\"label\":\"x\",\"type\":\"date\"}]", "questions[0].type"},
        {"[{\"key\":\"a\",\"label\":\"x\",\"type\":\"choice\",\"options\":[\"p\",\"p\"]}]",
         "questions[0].options"},
        {"[{\"key\":\"a\",\"label\":\"x\",\"type\":\"number\",\"options\":[\"p\",\"q\"]}]",
         "questions[0].options"},
        {"[{\"key\":\"a\",\"label\":\"x\",\"type\":\"text\",\"required\":1}]",
         "questions[0].required"},
        {"[{\"key\":\"a\",\"label\":\"x\",\"type\":\"text\"},"
         "{\"key\":\"a\",\"label\":\"y\",\"type\":\"text\"}]",
         "questions[1].key"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *q = json_loads(bad[i][0], 0, NULL), *clean = NULL;
        lx_error e;
        memset(&e, 0, sizeof e);
        assert_int_equal(visitform_check_questions(q, &clean, &e), LX_EINVAL);
        assert_null(clean);
        assert_string_equal(e.field, bad[i][1]);
        json_decref(q);
    }
}

static void test_times_are_read_in_the_county_zone_unless_they_say_otherwise(void **state)
{
    (void)state;
    int64_t t = 0;
    const int cst = 8 * 3600;
    assert_int_equal(lx_parse_time("2026-11-20T01:30:00Z", cst, &t), 0);
    assert_int_equal(t, 1795138200);
    assert_int_equal(lx_parse_time("2026-11-20T09:30", cst, &t), 0);
    assert_int_equal(t, 1795138200);
    assert_int_equal(lx_parse_time("2026-11-20T09:30:00+08:00", 0, &t), 0);
    assert_int_equal(t, 1795138200);
    assert_int_equal(lx_parse_time("2026-11-20T01:30:00.250Z", cst, &t), 0);
    assert_int_equal(t, 1795138200);
    assert_int_equal(lx_parse_time("2026-11-20T01:30:00.Z", cst, &t), -1);
    assert_int_equal(lx_parse_time("2026-11-20", cst, &t), 0);
    assert_int_equal(t, 1795104000); /* midnight in Beijing is 16:00 UTC the day before */
    assert_int_equal(lx_parse_time("2024-02-29", cst, &t), 0);
    assert_int_equal(lx_parse_time("2026-02-29", cst, &t), -1);
    assert_int_equal(lx_parse_time("2026-11-20T24:00", cst, &t), -1);
    assert_int_equal(lx_parse_time("2026-11-20T09:30Zx", cst, &t), -1);
    assert_int_equal(lx_parse_time("yesterday", cst, &t), -1);
}

static void test_calls_and_online_messages_are_not_in_person_and_meetings_are_five(void **state)
{
    (void)state;
    int meetings = 0;
    for (size_t i = 0; i < vocab_contact_kind.n; i++) {
        const char *c = vocab_code(&vocab_contact_kind, (int)i);
        int remote = !strcmp(c, "call") || !strcmp(c, "online");
        assert_int_equal(vocab_contact_in_person((int)i), !remote);
        meetings += vocab_contact_meeting((int)i);
    }
    assert_int_equal(meetings, 5);
    assert_true(vocab_contact_meeting(vocab_find(&vocab_contact_kind, "院坝会")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_of_the_right_types_pass_and_wrong_ones_name_their_field),
        cmocka_unit_test(test_bad_questions_are_refused_naming_the_question),
        cmocka_unit_test(test_times_are_read_in_the_county_zone_unless_they_say_otherwise),
        cmocka_unit_test(test_calls_and_online_messages_are_not_in_person_and_meetings_are_five),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
