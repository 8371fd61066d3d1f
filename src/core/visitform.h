/* visitform.h -- the county's visit form (进门一张表): questions and the checking of answers. */
#ifndef LX_VISITFORM_H
#define LX_VISITFORM_H
#include <jansson.h>
#include "util/status.h"

/* A form is a JSON array of questions, each an object:
 *   {"key": "income_ok", "label": "收入稳定吗", "type": "yes_no", "required": false}
 * key: 1-32 of [a-z0-9_], starting with a letter, unique in the form;
 * label: 1-200 characters; type: "text", "choice" (with "options": 2-50
 * distinct texts of 1-100 characters), "number" or "yes_no"; required: an
 * optional boolean (default false). At most VISITFORM_MAX_QUESTIONS. */
#define VISITFORM_MAX_QUESTIONS 100
/* Longest text answer, in characters. */
#define VISITFORM_MAX_TEXT 2000

/* Check a form's questions (borrowed). LX_EINVAL with e naming the field
 * ("questions[2].options") when one is wrong. *clean receives a new array
 * holding only the declared keys of each question (the caller decrefs). */
lx_status visitform_check_questions(const json_t *questions, json_t **clean, lx_error *e);

/* Check answers (a JSON object, borrowed) against a form's questions
 * (borrowed, as visitform_check_questions accepted them): an unknown key,
 * a value of the wrong type (text: a string; choice: one of the options;
 * number: a JSON number; yes_no: true or false), or a required question
 * left out is LX_EINVAL naming "answers.<key>". A null value is the same as
 * leaving the question out. */
lx_status visitform_check_answers(const json_t *questions, const json_t *answers, lx_error *e);

#endif
