/* visitform.c -- checking the county's visit form and the answers given to it. */
#include "core/visitform.h"
#include "core/utf8.h"

#include <string.h>

static const char *const types[] = {"text", "choice", "number", "yes_no", NULL};

static int key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n < 1 || n > 32 || k[0] < 'a' || k[0] > 'z')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return 0;
    return 1;
}

static int text_ok(const json_t *v, size_t max)
{
    if (!json_is_string(v))
        return 0;
    const char *s = json_string_value(v);
    size_t n = utf8_chars(s);
    return n >= 1 && n <= max && strspn(s, " \t\r\n") < strlen(s);
}

static lx_status check_one(const json_t *q, size_t i, json_t *seen, json_t **out, lx_error *e)
{
    const char *k;
    json_t *v;
    char f[64];
    *out = NULL;
    snprintf(f, sizeof f, "questions[%zu]", i);
    if (!json_is_object(q))
        return lx_fail(e, LX_EINVAL, f, "each question is an object");
    json_object_foreach((json_t *)q, k, v)
    {
        if (strcmp(k, "key") && strcmp(k, "label") && strcmp(k, "type") && strcmp(k, "options") &&
            strcmp(k, "required")) {
            snprintf(f, sizeof f, "questions[%zu].%.20s", i, k);
            return lx_fail(e, LX_EINVAL, f, "unknown field %s", k);
        }
    }
    const json_t *key = json_object_get(q, "key"), *label = json_object_get(q, "label"),
                 *type = json_object_get(q, "type"), *opts = json_object_get(q, "options"),
                 *req = json_object_get(q, "required");
    snprintf(f, sizeof f, "questions[%zu].key", i);
    if (!json_is_string(key) || !key_ok(json_string_value(key)))
        return lx_fail(e, LX_EINVAL, f,
                       "a key is 1-32 lower-case letters, digits or _, starting with a letter");
    if (json_object_get(seen, json_string_value(key)))
        return lx_fail(e, LX_EINVAL, f, "the key %s is used twice", json_string_value(key));
    snprintf(f, sizeof f, "questions[%zu].label", i);
    if (!text_ok(label, 200))
        return lx_fail(e, LX_EINVAL, f, "a label is 1 to 200 characters");
    snprintf(f, sizeof f, "questions[%zu].type", i);
    size_t t = 0;
    if (json_is_string(type))
        while (types[t] && strcmp(types[t], json_string_value(type)))
            t++;
    if (!json_is_string(type) || !types[t])
        return lx_fail(e, LX_EINVAL, f, "type is text, choice, number or yes_no");
    snprintf(f, sizeof f, "questions[%zu].options", i);
    if (t == 1) {
        size_t n = json_array_size(opts);
        if (!json_is_array(opts) || n < 2 || n > 50)
            return lx_fail(e, LX_EINVAL, f, "a choice has 2 to 50 options");
        for (size_t a = 0; a < n; a++) {
            if (!text_ok(json_array_get(opts, a), 100))
                return lx_fail(e, LX_EINVAL, f, "an option is 1 to 100 characters");
            for (size_t b = 0; b < a; b++)
                if (json_equal(json_array_get(opts, a), json_array_get(opts, b)))
                    return lx_fail(e, LX_EINVAL, f, "the option %s is given twice",
                                   json_string_value(json_array_get(opts, a)));
        }
    } else if (opts) {
        return lx_fail(e, LX_EINVAL, f, "only a choice has options");
    }
    snprintf(f, sizeof f, "questions[%zu].required", i);
    if (req && !json_is_boolean(req))
        return lx_fail(e, LX_EINVAL, f, "required is true or false");
    json_object_set_new(seen, json_string_value(key), json_true());
    *out = json_pack("{s:O,s:O,s:s,s:b}", "key", key, "label", label, "type", types[t],
                     "required", req ? json_is_true(req) : 0);
    if (t == 1)
        json_object_set(*out, "options", (json_t *)opts);
    return LX_OK;
}

lx_status visitform_check_questions(const json_t *questions, json_t **clean, lx_error *e)
{
    json_t *seen = json_object(), *arr = json_array(), *one = NULL;
    lx_status rc = LX_OK;
    *clean = NULL;
    if (!json_is_array(questions))
        rc = lx_fail(e, LX_EINVAL, "questions", "questions is a list");
    else if (json_array_size(questions) > VISITFORM_MAX_QUESTIONS)
        rc = lx_fail(e, LX_EINVAL, "questions", "a form has at most %d questions",
                     VISITFORM_MAX_QUESTIONS);
    for (size_t i = 0; !rc && i < json_array_size(questions); i++) {
        rc = check_one(json_array_get(questions, i), i, seen, &one, e);
        if (!rc)
            json_array_append_new(arr, one);
    }
    json_decref(seen);
    if (rc)
        json_decref(arr);
    else
        *clean = arr;
    return rc;
}

static const json_t *question(const json_t *questions, const char *key)
{
    for (size_t i = 0; i < json_array_size(questions); i++) {
        const json_t *q = json_array_get(questions, i);
        if (!strcmp(json_string_value(json_object_get(q, "key")), key))
            return q;
    }
    return NULL;
}

lx_status visitform_check_answers(const json_t *questions, const json_t *answers, lx_error *e)
{
    const char *k;
    json_t *v;
    char f[64];
    if (!json_is_object(answers))
        return lx_fail(e, LX_EINVAL, "answers", "answers is an object of question keys");
    json_object_foreach((json_t *)answers, k, v)
    {
        const json_t *q = question(questions, k);
        snprintf(f, sizeof f, "answers.%.50s", k);
        if (!q)
            return lx_fail(e, LX_EINVAL, f, "the form has no question %s", k);
        if (json_is_null(v))
            continue;
        const char *t = json_string_value(json_object_get(q, "type"));
        if (!strcmp(t, "text")) {
            if (!json_is_string(v) || utf8_chars(json_string_value(v)) > VISITFORM_MAX_TEXT)
                return lx_fail(e, LX_EINVAL, f, "%s takes text of at most %d characters", k,
                               VISITFORM_MAX_TEXT);
        } else if (!strcmp(t, "number")) {
            if (!json_is_number(v))
                return lx_fail(e, LX_EINVAL, f, "%s takes a number", k);
        } else if (!strcmp(t, "yes_no")) {
            if (!json_is_boolean(v))
                return lx_fail(e, LX_EINVAL, f, "%s takes true or false", k);
        } else {
            const json_t *opts = json_object_get(q, "options");
            size_t i = 0, n = json_array_size(opts);
            while (i < n && !json_equal(json_array_get(opts, i), v))
                i++;
            if (i == n)
                return lx_fail(e, LX_EINVAL, f, "%s takes one of its options", k);
        }
    }
    for (size_t i = 0; i < json_array_size(questions); i++) {
        const json_t *q = json_array_get(questions, i);
        const char *key = json_string_value(json_object_get(q, "key"));
        const json_t *a = json_object_get(answers, key);
        if (json_is_true(json_object_get(q, "required")) && (!a || json_is_null(a))) {
            snprintf(f, sizeof f, "answers.%.50s", key);
            return lx_fail(e, LX_EINVAL, f, "%s must be answered", key);
        }
    }
    return LX_OK;
}
