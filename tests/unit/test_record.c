/* test_record.c -- what the registries accept from a ledger cell or a JSON body, and what they show. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/record.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* "Today" for every check here: 15 January 2026. */
#define TODAY 20260115

/* ---- helpers ---- */

static const field *fld(const resource *r, const char *name)
{
    int i = record_field(r, name);
    if (i < 0)
        fail_msg("%s has no field %s", r->name, name);
    return &r->fields[i];
}

/* The result of parsing one cell. */
typedef struct parsed {
    lx_status rc; /* what record_parse_text returned */
    rval v;       /* the value */
    lx_error e;   /* the error */
} parsed;

static parsed parse(arena *a, const resource *r, const char *name, const char *text)
{
    parsed p;
    memset(&p, 0, sizeof p);
    p.rc = record_parse_text(fld(r, name), text, TODAY, a, &p.v, &p.e);
    return p;
}

static void expect_ok(arena *a, const resource *r, const char *name, const char *text)
{
    parsed p = parse(a, r, name, text);
    if (p.rc != LX_OK)
        fail_msg("%s.%s \"%s\" was refused: %s", r->name, name, text, p.e.message);
    assert_true(p.v.set);
}

/* The cell must be refused with an error that names the field. */
static void expect_refused(arena *a, const resource *r, const char *name, const char *text)
{
    parsed p = parse(a, r, name, text);
    if (p.rc != LX_EINVAL)
        fail_msg("%s.%s \"%s\" was accepted (rc %d)", r->name, name, text, (int)p.rc);
    assert_int_equal(p.e.code, LX_EINVAL);
    assert_string_equal(p.e.field, name);
    assert_true(strlen(p.e.message) > 0);
    if (!strstr(p.e.message, name))
        fail_msg("the message \"%s\" does not name %s", p.e.message, name);
}

static const char *code_of(const resource *r, const char *name, const rval *v)
{
    return vocab_code(fld(r, name)->vocab, (int)v->i);
}

static int64_t bit(const vocab *vc, const char *code)
{
    int i = vocab_find(vc, code);
    if (i < 0)
        fail_msg("%s has no term %s", vc->name, code);
    return (int64_t)1 << i;
}

/* A valid 18-character ID number for `first14` (region + birth date) whose
 * check digit is 'X' when want_x, computed here by GB 11643 (ISO 7064 MOD 11-2). */
static void make_idno(const char *first14, int want_x, char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    for (int seq = 0; seq < 1000; seq++) {
        int sum = 0;
        snprintf(out, 19, "%s%03d", first14, seq);
        for (int i = 0; i < 17; i++)
            sum += (out[i] - '0') * w[i];
        char c = check[sum % 11];
        if ((c == 'X') == !!want_x) {
            out[17] = c;
            out[18] = '\0';
            return;
        }
    }
    fail_msg("no sequence number gives the wanted check digit");
}

static int setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

/* ---- enumerations and sets ---- */

static void test_gender_accepts_chinese_label_code_and_english(void **state)
{
    arena *a = *state;
    parsed p = parse(a, &reg_residents, "gender", "女");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(code_of(&reg_residents, "gender", &p.v), "F");
    p = parse(a, &reg_residents, "gender", "M");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(code_of(&reg_residents, "gender", &p.v), "M");
    p = parse(a, &reg_residents, "gender", "female");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(code_of(&reg_residents, "gender", &p.v), "F");
}

static void test_rank_and_relation_accept_traditional_chinese_labels(void **state)
{
    arena *a = *state;
    parsed p = parse(a, &reg_members, "rank", "縣管領導幹部");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(code_of(&reg_members, "rank", &p.v), "county_leader");
    p = parse(a, &reg_members, "rank", "县管领导干部");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(code_of(&reg_members, "rank", &p.v), "county_leader");
    p = parse(a, &reg_residents, "relation", "戶主");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(code_of(&reg_residents, "relation", &p.v), "head");
    p = parse(a, &reg_members, "category", "離退休黨員");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(code_of(&reg_members, "category", &p.v), "retired");
    p = parse(a, &reg_nodes, "kind", "village");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(code_of(&reg_nodes, "kind", &p.v), "village");
}

static void test_an_unknown_term_is_refused_naming_the_field(void **state)
{
    arena *a = *state;
    expect_refused(a, &reg_residents, "gender", "未知");
    expect_refused(a, &reg_members, "rank", "处长");
    expect_refused(a, &reg_households, "difficulty", "extreme");
    expect_refused(a, &reg_households, "tags", "富翁");
    expect_refused(a, &reg_households, "tags", "低保户、富翁");
    expect_refused(a, &reg_members, "skills", "法律，唱歌");
}

static void test_household_tags_split_on_chinese_enumeration_comma_and_fullwidth_comma(
    void **state)
{
    arena *a = *state;
    const vocab *tags = &vocab_tag;
    parsed p = parse(a, &reg_households, "tags", "低保户、五保户");
    assert_int_equal(p.rc, LX_OK);
    assert_int_equal(p.v.i, bit(tags, "low_income") | bit(tags, "five_guarantee"));
    p = parse(a, &reg_households, "tags", "低保户，残疾人");
    assert_int_equal(p.rc, LX_OK);
    assert_int_equal(p.v.i, bit(tags, "low_income") | bit(tags, "disabled"));
    /* codes and Traditional labels, mixed */
    p = parse(a, &reg_households, "tags", "left_behind_child、殘疾人");
    assert_int_equal(p.rc, LX_OK);
    assert_int_equal(p.v.i, bit(tags, "left_behind_child") | bit(tags, "disabled"));
    /* a term named twice is one term */
    p = parse(a, &reg_households, "tags", "孤寡老人、孤寡老人");
    assert_int_equal(p.rc, LX_OK);
    assert_int_equal(p.v.i, bit(tags, "lonely_elderly"));
    p = parse(a, &reg_members, "skills", "法律、農業技術，medicine");
    assert_int_equal(p.rc, LX_OK);
    assert_int_equal(p.v.i, bit(&vocab_skill, "law") | bit(&vocab_skill, "agriculture") |
                                bit(&vocab_skill, "medicine"));
}

/* ---- text ---- */

static void test_names_are_counted_in_characters_not_bytes(void **state)
{
    arena *a = *state;
    int max = fld(&reg_members, "name")->max_chars;
    strbuf ok = STRBUF_INIT, over = STRBUF_INIT;
    for (int i = 0; i < max; i++)
        strbuf_adds(&ok, "张");
    strbuf_adds(&over, strbuf_str(&ok));
    strbuf_adds(&over, "张");
    expect_ok(a, &reg_members, "name", strbuf_str(&ok));
    expect_refused(a, &reg_members, "name", strbuf_str(&over));
    strbuf_release(&ok);
    strbuf_release(&over);
}

static void test_text_with_control_characters_is_refused(void **state)
{
    arena *a = *state;
    expect_refused(a, &reg_members, "name", "张\x01三");
    expect_refused(a, &reg_members, "name", "张\n三");
    expect_refused(a, &reg_members, "name", "张\x1b[31m三");
    expect_refused(a, &reg_members, "name", "张\x7f三");
    expect_refused(a, &reg_households, "address", "幸福路\x08" "88号");
}

static void test_surrounding_spaces_and_ideographic_spaces_are_trimmed(void **state)
{
    arena *a = *state;
    parsed p = parse(a, &reg_members, "name", "\xe3\x80\x80 张三 \xe3\x80\x80");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(p.v.s, "张三");
}

static void test_a_required_cell_left_empty_is_an_error(void **state)
{
    arena *a = *state;
    expect_refused(a, &reg_members, "name", "");
    expect_refused(a, &reg_members, "name", "   ");
    expect_refused(a, &reg_members, "gender", "");
    expect_refused(a, &reg_households, "head_name", "\xe3\x80\x80");
}

static void test_an_optional_cell_left_empty_is_null(void **state)
{
    arena *a = *state;
    parsed p = parse(a, &reg_residents, "phone", "");
    assert_int_equal(p.rc, LX_OK);
    assert_true(p.v.set);
    assert_true(p.v.null);
    p = parse(a, &reg_residents, "birth_date", " ");
    assert_int_equal(p.rc, LX_OK);
    assert_true(p.v.null);
}

static void test_empty_tags_and_difficulty_mean_none_not_unknown(void **state)
{
    arena *a = *state;
    const char *names[] = {"tags", "needs", "difficulty"};
    for (size_t i = 0; i < 3; i++) {
        assert_true(fld(&reg_households, names[i])->flags & FF_EMPTY0);
        parsed p = parse(a, &reg_households, names[i], "");
        assert_int_equal(p.rc, LX_OK);
        assert_true(p.v.set);
        if (p.v.null)
            fail_msg("households.%s empty became null", names[i]);
        assert_int_equal(p.v.i, 0);
    }
    parsed p = parse(a, &reg_households, "difficulty", "");
    assert_string_equal(code_of(&reg_households, "difficulty", &p.v), "none");
}

/* ---- dates ---- */

static void test_birth_dates_are_real_dates_not_in_the_future(void **state)
{
    arena *a = *state;
    parsed p = parse(a, &reg_residents, "birth_date", "2024-02-29");
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(p.v.s, "2024-02-29");
    expect_ok(a, &reg_residents, "birth_date", "2026-01-15"); /* born today */
    expect_refused(a, &reg_residents, "birth_date", "2023-02-29");
    expect_refused(a, &reg_residents, "birth_date", "2024-13-01");
    expect_refused(a, &reg_residents, "birth_date", "2024-04-31");
    expect_refused(a, &reg_residents, "birth_date", "2026-01-16"); /* tomorrow */
    expect_refused(a, &reg_residents, "birth_date", "2030-06-01");
    expect_refused(a, &reg_residents, "birth_date", "1980/01/31");
    expect_refused(a, &reg_residents, "birth_date", "昨天");
}

/* ---- phones and ID numbers ---- */

static void test_phones_are_stored_as_digits_however_they_were_typed(void **state)
{
    arena *a = *state;
    const char *typed[] = {"138 0013 8000", "+86 13800138000", "138-0013-8000", "13800138000",
                           "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98" "00138000"}; /* full-width 138 */
    for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
        parsed p = parse(a, &reg_members, "phone", typed[i]);
        if (p.rc)
            fail_msg("\"%s\" refused: %s", typed[i], p.e.message);
        assert_string_equal(p.v.s, "13800138000");
    }
    expect_refused(a, &reg_members, "phone", "1380013800");   /* one digit short */
    expect_refused(a, &reg_members, "phone", "138001380001"); /* one too many */
    expect_refused(a, &reg_members, "phone", "电话13800138000");
}

static void test_id_numbers_are_checked_and_a_lower_case_x_is_raised(void **state)
{
    arena *a = *state;
    char id[19], lower[19];
    make_idno("11010519800101", 1, id);
    memcpy(lower, id, sizeof lower);
    lower[17] = 'x';
    parsed p = parse(a, &reg_residents, "idno", lower);
    if (p.rc)
        fail_msg("%s refused: %s", lower, p.e.message);
    assert_string_equal(p.v.s, id);
    /* a digit check digit, with spaces around */
    char digit[19], spaced[40];
    make_idno("11010519491231", 0, digit);
    snprintf(spaced, sizeof spaced, " %s ", digit);
    p = parse(a, &reg_residents, "idno", spaced);
    assert_int_equal(p.rc, LX_OK);
    assert_string_equal(p.v.s, digit);
    /* a wrong check digit */
    char wrong[19];
    memcpy(wrong, digit, sizeof wrong);
    wrong[17] = digit[17] == '0' ? '1' : '0';
    expect_refused(a, &reg_residents, "idno", wrong);
    /* born after today */
    char future[19];
    make_idno("11010520300101", 0, future);
    expect_refused(a, &reg_residents, "idno", future);
    expect_refused(a, &reg_residents, "idno", "11010519800101123");
}

/* ---- JSON bodies ---- */

/* Parse a JSON literal into a new record of r; return the status, fill e. */
static lx_status from_json(arena *a, const resource *r, const char *text, int creating,
                           record **out, lx_error *e)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (!j)
        fail_msg("bad test JSON %s: %s", text, jerr.text);
    record *rec = record_new(a, r);
    memset(e, 0, sizeof *e);
    lx_status rc = record_from_json(r, j, creating, TODAY, a, rec, e);
    json_decref(j);
    if (out)
        *out = rec;
    return rc;
}

static void expect_json_refused(arena *a, const resource *r, const char *text, int creating,
                                const char *field_name)
{
    lx_error e;
    lx_status rc = from_json(a, r, text, creating, NULL, &e);
    if (rc != LX_EINVAL)
        fail_msg("%s %s: accepted (rc %d)", r->name, text, (int)rc);
    if (strcmp(e.field, field_name))
        fail_msg("%s %s: the error names \"%s\", not %s (%s)", r->name, text, e.field,
                 field_name, e.message);
    assert_true(strlen(e.message) > 0);
}

static void test_a_valid_household_body_is_accepted_with_its_values(void **state)
{
    arena *a = *state;
    lx_error e;
    record *rec = NULL;
    lx_status rc = from_json(a, &reg_households,
                             "{\"node_id\":12,\"head_name\":\"张三\",\"tags\":[\"low_income\","
                             "\"残疾人\"],\"difficulty\":\"较大\",\"address\":\"幸福路88号\"}",
                             1, &rec, &e);
    if (rc)
        fail_msg("refused: %s %s", e.field, e.message);
    assert_int_equal(rec->v[record_field(&reg_households, "node_id")].i, 12);
    assert_string_equal(rec->v[record_field(&reg_households, "head_name")].s, "张三");
    assert_int_equal(rec->v[record_field(&reg_households, "tags")].i,
                     bit(&vocab_tag, "low_income") | bit(&vocab_tag, "disabled"));
    assert_string_equal(code_of(&reg_households, "difficulty",
                                &rec->v[record_field(&reg_households, "difficulty")]),
                        "harder");
}

static void test_an_undeclared_field_is_refused_by_name(void **state)
{
    arena *a = *state;
    expect_json_refused(a, &reg_households,
                        "{\"node_id\":12,\"head_name\":\"张三\",\"colour\":\"red\"}", 1, "colour");
    expect_json_refused(a, &reg_households, "{\"zzz\":1}", 0, "zzz");
    /* the record's own bookkeeping is not input either */
    expect_json_refused(a, &reg_households, "{\"node_id\":12,\"head_name\":\"张三\",\"id\":5}", 1,
                        "id");
    expect_json_refused(a, &reg_households, "{\"active\":false}", 0, "active");
}

static void test_a_node_level_is_computed_and_cannot_be_set(void **state)
{
    arena *a = *state;
    expect_json_refused(a, &reg_nodes,
                        "{\"parent_id\":1,\"kind\":\"village\",\"name\":\"幸福村\",\"level\":3}", 1,
                        "level");
    expect_json_refused(a, &reg_nodes, "{\"level\":2}", 0, "level");
}

static void test_a_resident_cannot_be_moved_to_another_household_by_a_change(void **state)
{
    arena *a = *state;
    lx_error e;
    expect_json_refused(a, &reg_residents, "{\"household_id\":5}", 0, "household_id");
    expect_json_refused(a, &reg_residents, "{\"name\":\"李四\",\"household_id\":5}", 0,
                        "household_id");
    /* a node's parent is fixed too */
    expect_json_refused(a, &reg_nodes, "{\"parent_id\":3}", 0, "parent_id");
    /* but at creation it is given */
    assert_int_equal(from_json(a, &reg_residents,
                               "{\"household_id\":5,\"name\":\"李四\",\"gender\":\"M\","
                               "\"relation\":\"child\"}",
                               1, NULL, &e),
                     LX_OK);
    /* and a change of other fields is fine without the required ones */
    assert_int_equal(from_json(a, &reg_residents, "{\"name\":\"李四\"}", 0, NULL, &e), LX_OK);
}

static void test_a_value_of_the_wrong_json_type_is_refused_by_name(void **state)
{
    arena *a = *state;
    expect_json_refused(a, &reg_households, "{\"node_id\":\"12\",\"head_name\":\"张三\"}", 1,
                        "node_id");
    expect_json_refused(a, &reg_households, "{\"node_id\":12.5,\"head_name\":\"张三\"}", 1,
                        "node_id");
    expect_json_refused(a, &reg_households, "{\"node_id\":true,\"head_name\":\"张三\"}", 1,
                        "node_id");
    expect_json_refused(a, &reg_households, "{\"node_id\":12,\"head_name\":5}", 1, "head_name");
    expect_json_refused(a, &reg_households, "{\"node_id\":12,\"head_name\":[\"张三\"]}", 1,
                        "head_name");
    expect_json_refused(a, &reg_households,
                        "{\"node_id\":12,\"head_name\":\"张三\",\"tags\":\"low_income\"}", 1,
                        "tags");
    expect_json_refused(a, &reg_households,
                        "{\"node_id\":12,\"head_name\":\"张三\",\"tags\":[1]}", 1, "tags");
    expect_json_refused(a, &reg_households,
                        "{\"node_id\":12,\"head_name\":\"张三\",\"difficulty\":2}", 1,
                        "difficulty");
    expect_json_refused(a, &reg_residents, "{\"phone\":13800138000}", 0, "phone");
    expect_json_refused(a, &reg_households, "{\"node_id\":0,\"head_name\":\"张三\"}", 1,
                        "node_id");
    expect_json_refused(a, &reg_households, "{\"node_id\":-3,\"head_name\":\"张三\"}", 1,
                        "node_id");
}

static void test_a_body_that_is_not_an_object_is_refused(void **state)
{
    arena *a = *state;
    lx_error e;
    assert_int_equal(from_json(a, &reg_households, "[]", 1, NULL, &e), LX_EINVAL);
    assert_true(strlen(e.message) > 0);
    assert_int_equal(from_json(a, &reg_households, "[{\"node_id\":12}]", 0, NULL, &e),
                     LX_EINVAL);
}

/* Every registry: a complete body is accepted, and leaving out any one
 * required field (or sending it as null) is refused naming that field. */
static void test_each_registry_refuses_a_body_missing_a_required_field(void **state)
{
    arena *a = *state;
    static const struct {
        const resource *r;
        const char *valid;
    } cases[] = {
        {&reg_nodes, "{\"parent_id\":1,\"kind\":\"village\",\"name\":\"幸福村\"}"},
        {&reg_units, "{\"node_id\":1,\"name\":\"县教育局\",\"kind\":\"department\"}"},
        {&reg_orgs, "{\"node_id\":1,\"kind\":\"branch\",\"name\":\"幸福村党支部\"}"},
        {&reg_members, "{\"node_id\":1,\"name\":\"王五\",\"gender\":\"M\",\"rank\":\"ordinary\","
                       "\"category\":\"in_service\"}"},
        {&reg_households, "{\"node_id\":1,\"head_name\":\"张三\"}"},
        {&reg_residents, "{\"household_id\":1,\"name\":\"李四\",\"gender\":\"F\","
                         "\"relation\":\"spouse\"}"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const resource *r = cases[c].r;
        json_t *full = json_loads(cases[c].valid, 0, NULL);
        lx_error e;
        assert_non_null(full);
        record *rec = record_new(a, r);
        memset(&e, 0, sizeof e);
        if (record_from_json(r, full, 1, TODAY, a, rec, &e))
            fail_msg("%s: the complete body was refused: %s %s", r->name, e.field, e.message);
        int nreq = 0;
        for (int i = 0; i < r->nfields; i++) {
            const field *f = &r->fields[i];
            if (!(f->flags & FF_REQUIRED))
                continue;
            nreq++;
            for (int as_null = 0; as_null < 2; as_null++) {
                json_t *body = json_deep_copy(full);
                if (as_null)
                    json_object_set_new(body, f->name, json_null());
                else
                    json_object_del(body, f->name);
                rec = record_new(a, r);
                memset(&e, 0, sizeof e);
                lx_status rc = record_from_json(r, body, 1, TODAY, a, rec, &e);
                json_decref(body);
                if (rc != LX_EINVAL)
                    fail_msg("%s without %s%s was accepted", r->name, f->name,
                             as_null ? " (null)" : "");
                if (strcmp(e.field, f->name))
                    fail_msg("%s without %s: the error names \"%s\"", r->name, f->name, e.field);
            }
        }
        assert_true(nreq >= 2);
        json_decref(full);
    }
}

static void test_clearing_a_required_field_in_a_change_is_refused(void **state)
{
    arena *a = *state;
    expect_json_refused(a, &reg_households, "{\"head_name\":null}", 0, "head_name");
    expect_json_refused(a, &reg_households, "{\"head_name\":\"\"}", 0, "head_name");
    expect_json_refused(a, &reg_members, "{\"rank\":null}", 0, "rank");
}

/* ---- JSON out ---- */

static void set_text(record *rec, const resource *r, const char *name, const char *s)
{
    rval *v = &rec->v[record_field(r, name)];
    v->set = 1;
    v->s = s;
}

static void set_int(record *rec, const resource *r, const char *name, int64_t i)
{
    rval *v = &rec->v[record_field(r, name)];
    v->set = 1;
    v->i = i;
}

static record *a_resident(arena *a, const char *idno)
{
    record *rec = record_new(a, &reg_residents);
    rec->id = 31;
    rec->created_at = 1767225600; /* 2026-01-01T00:00:00Z */
    rec->updated_at = 1767225600;
    set_int(rec, &reg_residents, "household_id", 7);
    set_text(rec, &reg_residents, "name", "李四");
    set_int(rec, &reg_residents, "gender", vocab_find(&vocab_gender, "F"));
    set_text(rec, &reg_residents, "birth_date", "1980-01-01");
    set_text(rec, &reg_residents, "idno", idno);
    set_text(rec, &reg_residents, "phone", "13800138000");
    set_int(rec, &reg_residents, "relation", vocab_find(&vocab_relation, "spouse"));
    return rec;
}

static void test_a_residents_id_number_and_phone_are_masked_unless_unmasked(void **state)
{
    arena *a = *state;
    char id[19], want[19];
    make_idno("11010519800101", 0, id);
    snprintf(want, sizeof want, "%.6s********%.4s", id, id + 14);
    record *rec = a_resident(a, id);

    json_t *j = record_to_json(&reg_residents, rec, 0);
    assert_string_equal(json_string_value(json_object_get(j, "idno")), want);
    assert_string_equal(json_string_value(json_object_get(j, "phone")), "138****8000");
    char *text = json_dumps(j, 0);
    assert_null(strstr(text, id));
    assert_null(strstr(text, "13800138000"));
    free(text);
    /* names and dates are not personal in this sense */
    assert_string_equal(json_string_value(json_object_get(j, "name")), "李四");
    assert_string_equal(json_string_value(json_object_get(j, "birth_date")), "1980-01-01");
    json_decref(j);

    j = record_to_json(&reg_residents, rec, 1);
    assert_string_equal(json_string_value(json_object_get(j, "idno")), id);
    assert_string_equal(json_string_value(json_object_get(j, "phone")), "13800138000");
    json_decref(j);
}

static void test_a_households_address_is_masked_unless_unmasked(void **state)
{
    arena *a = *state;
    record *rec = record_new(a, &reg_households);
    rec->id = 7;
    set_int(rec, &reg_households, "node_id", 12);
    set_text(rec, &reg_households, "head_name", "张三");
    set_text(rec, &reg_households, "address", "幸福村三组幸福路88号");
    json_t *j = record_to_json(&reg_households, rec, 0);
    const char *shown = json_string_value(json_object_get(j, "address"));
    assert_non_null(shown);
    assert_string_equal(shown, "幸福村三组幸****");
    assert_null(strstr(shown, "88"));
    json_decref(j);
    j = record_to_json(&reg_households, rec, 1);
    assert_string_equal(json_string_value(json_object_get(j, "address")), "幸福村三组幸福路88号");
    json_decref(j);
}

static void test_json_shows_vocabulary_codes_and_sets_as_arrays(void **state)
{
    arena *a = *state;
    record *rec = record_new(a, &reg_households);
    rec->id = 8;
    rec->active = 0;
    set_int(rec, &reg_households, "node_id", 12);
    set_text(rec, &reg_households, "head_name", "张三");
    set_int(rec, &reg_households, "difficulty", vocab_find(&vocab_difficulty, "hardest"));
    set_int(rec, &reg_households, "tags",
            bit(&vocab_tag, "disabled") | bit(&vocab_tag, "low_income"));
    /* needs and address left unset */
    json_t *j = record_to_json(&reg_households, rec, 0);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 8);
    assert_int_equal(json_integer_value(json_object_get(j, "node_id")), 12);
    assert_string_equal(json_string_value(json_object_get(j, "difficulty")), "hardest");
    json_t *tags = json_object_get(j, "tags");
    assert_true(json_is_array(tags));
    assert_int_equal(json_array_size(tags), 2);
    assert_string_equal(json_string_value(json_array_get(tags, 0)), "low_income");
    assert_string_equal(json_string_value(json_array_get(tags, 1)), "disabled");
    json_t *needs = json_object_get(j, "needs");
    assert_true(json_is_array(needs));
    assert_int_equal(json_array_size(needs), 0);
    assert_true(json_is_null(json_object_get(j, "address")));
    assert_true(json_is_false(json_object_get(j, "active")));
    json_decref(j);

    record *res = a_resident(a, "110105198001011234");
    j = record_to_json(&reg_residents, res, 0);
    assert_string_equal(json_string_value(json_object_get(j, "gender")), "F");
    assert_string_equal(json_string_value(json_object_get(j, "relation")), "spouse");
    assert_true(json_is_true(json_object_get(j, "active")));
    assert_string_equal(json_string_value(json_object_get(j, "created_at")),
                        "2026-01-01T00:00:00Z");
    json_decref(j);
}

static void test_what_json_shows_reads_back_as_the_same_record(void **state)
{
    arena *a = *state;
    lx_error e;
    record *in = NULL;
    assert_int_equal(from_json(a, &reg_members,
                               "{\"node_id\":3,\"name\":\"王五\",\"gender\":\"男\",\"rank\":"
                               "\"中层及科级干部\",\"category\":\"流動黨員\",\"skills\":[\"法律\","
                               "\"education\"]}",
                               1, &in, &e),
                     LX_OK);
    json_t *out = record_to_json(&reg_members, in, 1);
    assert_string_equal(json_string_value(json_object_get(out, "gender")), "M");
    assert_string_equal(json_string_value(json_object_get(out, "rank")), "middle");
    assert_string_equal(json_string_value(json_object_get(out, "category")), "floating");
    /* feed the fields back (without the bookkeeping) */
    json_t *back = json_object();
    for (int i = 0; i < reg_members.nfields; i++) {
        const char *nm = reg_members.fields[i].name;
        json_t *v = json_object_get(out, nm);
        if (v && !json_is_null(v))
            json_object_set(back, nm, v);
    }
    record *again = record_new(a, &reg_members);
    assert_int_equal(record_from_json(&reg_members, back, 1, TODAY, a, again, &e), LX_OK);
    for (int i = 0; i < reg_members.nfields; i++) {
        const rval *x = &in->v[i], *y = &again->v[i];
        assert_int_equal(x->set && !x->null, y->set && !y->null);
        if (x->s || y->s) {
            assert_non_null(x->s);
            assert_non_null(y->s);
            assert_string_equal(x->s, y->s);
        }
        else
            assert_int_equal(x->i, y->i);
    }
    json_decref(back);
    json_decref(out);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_gender_accepts_chinese_label_code_and_english),
        T(test_rank_and_relation_accept_traditional_chinese_labels),
        T(test_an_unknown_term_is_refused_naming_the_field),
        T(test_household_tags_split_on_chinese_enumeration_comma_and_fullwidth_comma),
        T(test_names_are_counted_in_characters_not_bytes),
        T(test_text_with_control_characters_is_refused),
        T(test_surrounding_spaces_and_ideographic_spaces_are_trimmed),
        T(test_a_required_cell_left_empty_is_an_error),
        T(test_an_optional_cell_left_empty_is_null),
        T(test_empty_tags_and_difficulty_mean_none_not_unknown),
        T(test_birth_dates_are_real_dates_not_in_the_future),
        T(test_phones_are_stored_as_digits_however_they_were_typed),
        T(test_id_numbers_are_checked_and_a_lower_case_x_is_raised),
        T(test_a_valid_household_body_is_accepted_with_its_values),
        T(test_an_undeclared_field_is_refused_by_name),
        T(test_a_node_level_is_computed_and_cannot_be_set),
        T(test_a_resident_cannot_be_moved_to_another_household_by_a_change),
        T(test_a_value_of_the_wrong_json_type_is_refused_by_name),
        T(test_a_body_that_is_not_an_object_is_refused),
        T(test_each_registry_refuses_a_body_missing_a_required_field),
        T(test_clearing_a_required_field_in_a_change_is_refused),
        T(test_a_residents_id_number_and_phone_are_masked_unless_unmasked),
        T(test_a_households_address_is_masked_unless_unmasked),
        T(test_json_shows_vocabulary_codes_and_sets_as_arrays),
        T(test_what_json_shows_reads_back_as_the_same_record),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
