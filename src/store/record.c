/* record.c -- registry declarations, input validation and masked JSON. */
#include "store/record.h"
#include "core/idcard.h"
#include "core/mask.h"
#include "core/phone.h"
#include "core/utf8.h"
#include "util/jsonw.h"
#include "util/msgcat.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>

#define F(nm, ty, fl) {nm, ty, fl, NULL, 0, 0, NULL, NULL}

static const field node_fields[] = {
    {"parent_id", FT_REF, FF_IMMUTABLE | FF_FILTER, NULL, 0, RES_NODES, NULL, "上级"},
    {"level", FT_INT, FF_READONLY | FF_FILTER, NULL, 0, 0, NULL, "层级"},
    {"kind", FT_ENUM, FF_REQUIRED | FF_FILTER, &vocab_node_kind, 0, 0, NULL, "类型"},
    {"name", FT_TEXT, FF_REQUIRED, NULL, 64, 0, "name_key", "名称"},
    {"code", FT_TEXT, 0, NULL, 32, 0, NULL, "区划代码"},
    {"contact_name", FT_TEXT, 0, NULL, 32, 0, NULL, "联系人"},
    {"contact_phone", FT_PHONE, 0, NULL, 0, 0, NULL, "联系电话"},
};

static const field unit_fields[] = {
    {"node_id", FT_REF, FF_REQUIRED | FF_NODE | FF_FILTER, NULL, 0, RES_NODES, NULL, "所属区划"},
    {"name", FT_TEXT, FF_REQUIRED, NULL, 64, 0, "name_key", "单位名称"},
    {"kind", FT_ENUM, FF_REQUIRED | FF_FILTER, &vocab_unit_kind, 0, 0, NULL, "单位类型"},
};

static const field org_fields[] = {
    {"node_id", FT_REF, FF_REQUIRED | FF_NODE | FF_FILTER, NULL, 0, RES_NODES, NULL, "所属区划"},
    {"parent_org_id", FT_REF, FF_FILTER, NULL, 0, RES_ORGS, NULL, "上级组织"},
    {"kind", FT_ENUM, FF_REQUIRED | FF_FILTER, &vocab_org_kind, 0, 0, NULL, "组织类型"},
    {"basis", FT_ENUM, 0, &vocab_org_basis, 0, 0, NULL, "组建方式"},
    {"name", FT_TEXT, FF_REQUIRED, NULL, 64, 0, "name_key", "组织名称"},
    {"leader_member_id", FT_REF, 0, NULL, 0, RES_MEMBERS, NULL, "负责人"},
};

static const field member_fields[] = {
    {"node_id", FT_REF, FF_REQUIRED | FF_NODE | FF_FILTER, NULL, 0, RES_NODES, NULL, "所在区划"},
    {"unit_id", FT_REF, FF_FILTER, NULL, 0, RES_UNITS, NULL, "工作单位"},
    {"org_id", FT_REF, FF_FILTER, NULL, 0, RES_ORGS, NULL, "所在党组织"},
    {"name", FT_TEXT, FF_REQUIRED, NULL, 32, 0, "name_key", "姓名"},
    {"gender", FT_ENUM, FF_REQUIRED | FF_FILTER, &vocab_gender, 0, 0, NULL, "性别"},
    {"phone", FT_PHONE, 0, NULL, 0, 0, NULL, "联系电话"},
    {"rank", FT_ENUM, FF_REQUIRED | FF_FILTER, &vocab_rank, 0, 0, NULL, "职级"},
    {"category", FT_ENUM, FF_REQUIRED | FF_FILTER, &vocab_category, 0, 0, NULL, "党员类别"},
    {"skills", FT_MASK, FF_FILTER | FF_EMPTY0, &vocab_skill, 0, 0, NULL, "特长"},
    {"liaison_quota", FT_INT, 0, NULL, 0, 0, NULL, "联户数上限"},
    {"assist_quota", FT_INT, 0, NULL, 0, 0, NULL, "帮扶户数上限"},
};

static const field household_fields[] = {
    {"node_id", FT_REF, FF_REQUIRED | FF_NODE | FF_FILTER, NULL, 0, RES_NODES, NULL, "所在区划"},
    {"address", FT_ADDRESS, 0, NULL, 0, 0, NULL, "住址"},
    {"head_name", FT_TEXT, FF_REQUIRED, NULL, 32, 0, "head_key", "户主姓名"},
    {"difficulty", FT_ENUM, FF_FILTER | FF_EMPTY0, &vocab_difficulty, 0, 0, NULL, "富裕难度"},
    {"tags", FT_MASK, FF_FILTER | FF_EMPTY0, &vocab_tag, 0, 0, NULL, "户类别"},
    {"needs", FT_MASK, FF_FILTER | FF_EMPTY0, &vocab_skill, 0, 0, NULL, "需求"},
};

static const field resident_fields[] = {
    {"household_id", FT_REF, FF_REQUIRED | FF_IMMUTABLE | FF_PARENT | FF_FILTER, NULL, 0,
     RES_HOUSEHOLDS, NULL, "户编号"},
    {"name", FT_TEXT, FF_REQUIRED, NULL, 32, 0, "name_key", "姓名"},
    {"gender", FT_ENUM, FF_REQUIRED | FF_FILTER, &vocab_gender, 0, 0, NULL, "性别"},
    {"birth_date", FT_DATE, 0, NULL, 0, 0, NULL, "出生日期"},
    {"idno", FT_IDNO, 0, NULL, 0, 0, NULL, "身份证号"},
    {"phone", FT_PHONE, 0, NULL, 0, 0, NULL, "联系电话"},
    {"relation", FT_ENUM, FF_REQUIRED | FF_FILTER, &vocab_relation, 0, 0, NULL, "与户主关系"},
};

#define N(a) ((int)(sizeof a / sizeof a[0]))
const resource reg_nodes = {RES_NODES, "nodes", "nodes", node_fields, N(node_fields), "行政区划"};
const resource reg_units = {RES_UNITS, "units", "units", unit_fields, N(unit_fields), "单位"};
const resource reg_orgs = {RES_ORGS, "orgs", "orgs", org_fields, N(org_fields), "党组织"};
const resource reg_members = {RES_MEMBERS, "members", "members", member_fields,
                              N(member_fields), "党员"};
const resource reg_households = {RES_HOUSEHOLDS, "households", "households", household_fields,
                                 N(household_fields), "农户"};
const resource reg_residents = {RES_RESIDENTS, "residents", "residents", resident_fields,
                                N(resident_fields), "家庭成员"};

static const resource *const resources[RES__COUNT] = {
    [RES_NODES] = &reg_nodes,           [RES_UNITS] = &reg_units,
    [RES_ORGS] = &reg_orgs,             [RES_MEMBERS] = &reg_members,
    [RES_HOUSEHOLDS] = &reg_households, [RES_RESIDENTS] = &reg_residents,
};

const resource *record_resource(resource_kind k)
{
    return (k >= 0 && k < RES__COUNT) ? resources[k] : NULL;
}

const resource *record_resource_by_name(const char *name)
{
    for (int k = 0; k < RES__COUNT; k++)
        if (resources[k] && !strcmp(resources[k]->name, name))
            return resources[k];
    return NULL;
}

int record_field(const resource *r, const char *name)
{
    for (int i = 0; i < r->nfields; i++)
        if (!strcmp(r->fields[i].name, name))
            return i;
    return -1;
}

record *record_new(arena *a, const resource *r)
{
    record *rec = arena_zalloc(a, sizeof *rec);
    rec->active = 1;
    rec->v = arena_zalloc(a, sizeof(rval) * (size_t)r->nfields);
    return rec;
}

/* Trim ASCII white space and U+3000 from both ends into arena memory. */
static const char *trim(arena *a, const char *s)
{
    const char *end = s + strlen(s);
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        else if (!strncmp(s, "\xe3\x80\x80", 3))
            s += 3;
        else
            break;
    }
    for (;;) {
        if (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
            end--;
        else if (end - s >= 3 && !strncmp(end - 3, "\xe3\x80\x80", 3))
            end -= 3;
        else
            break;
    }
    return arena_strndup(a, s, (size_t)(end - s));
}

/* C0 controls, DEL, C1 controls (U+0080-009F) and the invisible direction
 * controls (U+200E/F, U+202A-202E, U+2066-2069) that can make a name or an
 * exported cell read differently from what it holds. s is valid UTF-8. */
static int has_control(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    for (; *s; s++) {
        if (*s < 0x20 || *s == 0x7f)
            return 1;
        if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
            return 1;
        if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE)))
            return 1;
        if (s[0] == 0xE2 && s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)
            return 1;
    }
    return 0;
}

const char *record_field_word(const field *f)
{
    return lx_term(f->name, f->label);
}

lx_status record_parse_text(const field *f, const char *text, int today_ymd, arena *a, rval *v,
                            lx_error *e)
{
    const char *t = trim(a, text);
    memset(v, 0, sizeof *v);
    v->set = 1;
    if (!utf8_valid(t, strlen(t)))
        return lx_fail(e, LX_EINVAL, f->name, "%s is not valid UTF-8 text", record_field_word(f));
    if (!*t) {
        if (f->flags & FF_REQUIRED)
            return lx_fail(e, LX_EINVAL, f->name, "%s is required", record_field_word(f));
        if (f->flags & FF_EMPTY0)
            v->i = 0;
        else
            v->null = 1;
        return LX_OK;
    }
    switch (f->type) {
    case FT_TEXT:
        if (has_control(t))
            return lx_fail(e, LX_EINVAL, f->name, "%s contains control characters",
                           record_field_word(f));
        if ((int)utf8_chars(t) > f->max_chars)
            return lx_fail(e, LX_EINVAL, f->name, "%s is longer than %d characters",
                           record_field_word(f), f->max_chars);
        v->s = t;
        return LX_OK;
    case FT_INT:
    case FT_REF: {
        /* Ids are positive; counts (quotas) may be zero. */
        char *end = NULL;
        long long n = strtoll(t, &end, 10);
        long long min = f->type == FT_REF ? 1 : 0;
        if (!end || *end || n < min || n > 1000000)
            return lx_fail(e, LX_EINVAL, f->name, "%s must be a whole number from %lld",
                           record_field_word(f), min);
        v->i = n;
        return LX_OK;
    }
    case FT_DATE: {
        int ymd = lx_parse_date(t);
        if (ymd < 0)
            return lx_fail(e, LX_EINVAL, f->name, "%s must be a date like 1980-01-31",
                           record_field_word(f));
        if (ymd > today_ymd)
            return lx_fail(e, LX_EINVAL, f->name, "%s is in the future", record_field_word(f));
        v->s = t;
        return LX_OK;
    }
    case FT_ENUM: {
        int i = vocab_find(f->vocab, t);
        if (i < 0)
            return lx_fail(e, LX_EINVAL, f->name, "%s: unknown value (see the %s vocabulary)",
                           record_field_word(f), f->vocab->name);
        v->i = i;
        return LX_OK;
    }
    case FT_MASK: {
        int64_t m = vocab_mask_parse(f->vocab, t, NULL);
        if (m < 0)
            return lx_fail(e, LX_EINVAL, f->name, "%s: unknown value (see the %s vocabulary)",
                           record_field_word(f), f->vocab->name);
        v->i = m;
        return LX_OK;
    }
    case FT_PHONE: {
        char buf[32];
        const char *why = NULL;
        if (phone_normalize(t, buf, sizeof buf) != 0 || phone_check(buf, &why) != LX_OK)
            return lx_fail(e, LX_EINVAL, f->name, "%s is not a mainland mobile or landline number",
                           record_field_word(f));
        v->s = arena_strdup(a, buf);
        return LX_OK;
    }
    case FT_IDNO: {
        char buf[IDCARD_LEN + 1];
        const char *why = "format";
        if (idcard_normalize(t, buf) != 0 || idcard_check(buf, today_ymd, &why) != LX_OK)
            return lx_fail(e, LX_EINVAL, f->name, "%s is not a valid ID number (%s)",
                           record_field_word(f), lx_word(why ? why : "format"));
        v->s = arena_strdup(a, buf);
        return LX_OK;
    }
    case FT_ADDRESS:
        if (has_control(t))
            return lx_fail(e, LX_EINVAL, f->name, "%s contains control characters",
                           record_field_word(f));
        if (utf8_chars(t) > 128)
            return lx_fail(e, LX_EINVAL, f->name, "%s is longer than 128 characters",
                           record_field_word(f));
        v->s = t;
        return LX_OK;
    }
    return lx_fail(e, LX_EINVAL, f->name, "%s: unsupported", record_field_word(f));
}

/* A JSON value as the text record_parse_text expects; NULL if of a wrong type. */
static const char *json_as_text(const field *f, json_t *j, arena *a)
{
    if (json_is_null(j))
        return "";
    switch (f->type) {
    case FT_INT:
    case FT_REF:
        if (json_is_integer(j))
            return arena_printf(a, "%lld", (long long)json_integer_value(j));
        return NULL;
    case FT_MASK:
        if (json_is_array(j)) {
            strbuf sb = STRBUF_INIT;
            size_t i;
            json_t *it;
            json_array_foreach(j, i, it) {
                if (!json_is_string(it)) {
                    strbuf_release(&sb);
                    return NULL;
                }
                strbuf_addf(&sb, "%s%s", i ? "," : "", json_string_value(it));
            }
            const char *s = arena_strdup(a, strbuf_str(&sb));
            strbuf_release(&sb);
            return s;
        }
        return NULL;
    default:
        return json_is_string(j) ? json_string_value(j) : NULL;
    }
}

lx_status record_from_json(const resource *r, json_t *obj, int creating, int today_ymd,
                           arena *a, record *rec, lx_error *e)
{
    const char *key;
    json_t *val;
    if (!json_is_object(obj))
        return lx_fail(e, LX_EINVAL, "", "the body must be a JSON object");
    json_object_foreach(obj, key, val) {
        int i = record_field(r, key);
        if (i < 0)
            return lx_fail(e, LX_EINVAL, key, "unknown field %s", key);
        const field *f = &r->fields[i];
        if (f->flags & FF_READONLY)
            return lx_fail(e, LX_EINVAL, key, "%s cannot be set", record_field_word(f));
        if (!creating && (f->flags & FF_IMMUTABLE))
            return lx_fail(e, LX_EINVAL, key, "%s cannot be changed after creation",
                           record_field_word(f));
        const char *text = json_as_text(f, val, a);
        if (!text)
            return lx_fail(e, LX_EINVAL, key, "%s has the wrong type", record_field_word(f));
        lx_status rc = record_parse_text(f, text, today_ymd, a, &rec->v[i], e);
        if (rc)
            return rc;
    }
    if (creating)
        for (int i = 0; i < r->nfields; i++)
            if ((r->fields[i].flags & FF_REQUIRED) && (!rec->v[i].set || rec->v[i].null))
                return lx_fail(e, LX_EINVAL, r->fields[i].name, "%s is required",
                               record_field_word(&r->fields[i]));
    return LX_OK;
}

void record_mask(ftype t, const char *plain, char *out, size_t outlen)
{
    switch (t) {
    case FT_PHONE: mask_phone(plain, out, outlen); break;
    case FT_IDNO: mask_idcard(plain, out, outlen); break;
    case FT_ADDRESS: mask_address(plain, out, outlen); break;
    default: snprintf(out, outlen, "%s", plain); break;
    }
}

void record_json_write(strbuf *sb, const resource *r, const record *rec, int unmask)
{
    char ts[32], buf[512];
    strbuf_adds(sb, "{\"id\":");
    jsonw_int(sb, rec->id);
    for (int i = 0; i < r->nfields; i++) {
        const field *f = &r->fields[i];
        const rval *v = &rec->v[i];
        strbuf_addch(sb, ',');
        jsonw_key(sb, f->name);
        if (!v->set || v->null) {
            strbuf_adds(sb, f->type == FT_MASK ? "[]" : "null");
            continue;
        }
        switch (f->type) {
        case FT_INT:
        case FT_REF: jsonw_int(sb, v->i); break;
        case FT_ENUM: jsonw_str(sb, vocab_code(f->vocab, (int)v->i)); break;
        case FT_MASK: {
            const char *sep = "[";
            for (size_t k = 0; k < f->vocab->n && k < 63; k++)
                if (v->i & ((int64_t)1 << k)) {
                    strbuf_adds(sb, sep);
                    jsonw_str(sb, f->vocab->terms[k].code);
                    sep = ",";
                }
            strbuf_adds(sb, *sep == '[' ? "[]" : "]");
            break;
        }
        case FT_PHONE:
        case FT_IDNO:
        case FT_ADDRESS:
            if (unmask) {
                jsonw_str(sb, v->s);
            } else {
                record_mask(f->type, v->s, buf, sizeof buf);
                jsonw_str(sb, buf);
            }
            break;
        default: jsonw_str(sb, v->s); break;
        }
    }
    strbuf_adds(sb, rec->active ? ",\"active\":true" : ",\"active\":false");
    lx_iso8601(rec->created_at, ts, sizeof ts);
    strbuf_adds(sb, ",\"created_at\":");
    jsonw_str(sb, ts);
    lx_iso8601(rec->updated_at, ts, sizeof ts);
    strbuf_adds(sb, ",\"updated_at\":");
    jsonw_str(sb, ts);
    strbuf_addch(sb, '}');
}

json_t *record_to_json(const resource *r, const record *rec, int unmask)
{
    strbuf sb = STRBUF_INIT;
    record_json_write(&sb, r, rec, unmask);
    json_t *o = json_loadb(strbuf_str(&sb), sb.len, 0, NULL);
    strbuf_release(&sb);
    if (!o)
        BUG("record_json_write wrote invalid JSON");
    return o;
}

const char *record_cell(const field *f, const rval *v, int unmask, arena *a)
{
    char buf[512];
    if (!v->set || v->null)
        return "";
    switch (f->type) {
    case FT_INT:
    case FT_REF: return arena_printf(a, "%lld", (long long)v->i);
    case FT_ENUM: return f->vocab->terms[v->i].zh;
    case FT_MASK: {
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < f->vocab->n; i++)
            if (v->i & ((int64_t)1 << i))
                strbuf_addf(&sb, "%s%s", sb.len ? "、" : "", f->vocab->terms[i].zh);
        const char *s = arena_strdup(a, strbuf_str(&sb));
        strbuf_release(&sb);
        return s;
    }
    case FT_PHONE:
    case FT_IDNO:
    case FT_ADDRESS:
        if (unmask)
            return v->s;
        record_mask(f->type, v->s, buf, sizeof buf);
        return arena_strdup(a, buf);
    default: return v->s;
    }
}

/* Residents: birth date and sex agree with the ID number; the date is taken
 * from it when not given. */
lx_status record_resident_agrees(const resource *r, record *rec, arena *a, lx_error *e)
{
    int fi = record_field(r, "idno"), fb = record_field(r, "birth_date"),
        fg = record_field(r, "gender");
    rval *id = &rec->v[fi], *bd = &rec->v[fb], *g = &rec->v[fg];
    int y, m, dd;
    if (!id->set || id->null || idcard_birth(id->s, &y, &m, &dd) != 0)
        return LX_OK;
    const char *birth = arena_printf(a, "%04d-%02d-%02d", y, m, dd);
    if (bd->set && !bd->null && strcmp(bd->s, birth))
        return lx_fail(e, LX_EINVAL, "birth_date", "birth_date does not match the ID number");
    if (!bd->set || bd->null) {
        bd->set = 1;
        bd->null = 0;
        bd->s = birth;
    }
    if (g->set && !g->null && (int)g->i != idcard_sex(id->s) - 1)
        return lx_fail(e, LX_EINVAL, "gender", "gender does not match the ID number");
    return LX_OK;
}
