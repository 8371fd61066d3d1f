/* policy.h -- every rule taken from the seeds (or chosen by us) as a named, changeable policy. */
#ifndef LX_POLICY_H
#define LX_POLICY_H
#include <stdint.h>
#include <stddef.h>
#include "util/status.h"

/* Who may change a policy: security policies belong to the security
 * administrator, work rules to the county administrator (三权分立). */
typedef enum policy_domain { POLICY_SECURITY, POLICY_WORK } policy_domain;

typedef struct policy_def {
    const char *key;        /* "password.min_length" */
    policy_domain domain;   /* who changes it */
    int64_t def;            /* the default (whole-number policies) */
    int64_t min, max;       /* accepted range; for text policies, of the length in characters */
    const char *def_text;   /* the default of a text policy, or NULL for a number */
    const char *source;     /* where the default comes from: "等保 (GB/T 22239-2019)", "ours" */
    const char *doc;        /* one line saying what it governs */
    /* Text policies with a grammar (rules of contact): returns LX_OK or LX_EINVAL with
     * e filled in (field "value"); NULL when any text within the length will do. */
    lx_status (*check)(const char *key, const char *text, lx_error *e);
} policy_def;

/* The whole table, in display order; *n receives its length. */
const policy_def *policy_table(size_t *n);
/* The definition of key, or NULL. */
const policy_def *policy_find(const char *key);

/* Check a new value of a text policy against its grammar, if it has one.
 * Returns LX_OK, or LX_EINVAL with e filled in. */
lx_status policy_check_text(const policy_def *def, const char *text, lx_error *e);

/* Prefix of the keys of the rules of contact (text policies, see core/contact_rules.h). */
#define POLICY_RULE_PREFIX "contact_rule."

#endif
