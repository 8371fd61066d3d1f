/* policy.c -- the table of named policies and their defaults. */
#include "core/policy.h"

#include <string.h>

static const policy_def table[] = {
    {"password.min_length", POLICY_SECURITY, 8, 8, 64, "SPEC §4, 等保 GB/T 22239-2019",
     "shortest password, in characters"},
    {"password.min_classes", POLICY_SECURITY, 3, 1, 4, "SPEC §4, 等保",
     "character classes required of 4 (lower, upper, digit, other)"},
    {"password.max_age_days", POLICY_SECURITY, 90, 0, 3650, "SPEC §4, 等保",
     "days before a password must be changed (0: never)"},
    {"password.change_at_first_login", POLICY_SECURITY, 1, 0, 1, "SPEC §4, 等保",
     "a new or reset account must change its password first"},
    {"login.max_failures", POLICY_SECURITY, 5, 3, 20, "SPEC §4, 等保",
     "failed logins (per account and per address) before a lock"},
    {"login.lock_minutes", POLICY_SECURITY, 30, 1, 1440, "SPEC §4, 等保",
     "minutes an account or address stays locked"},
    {"session.idle_minutes", POLICY_SECURITY, 30, 5, 240, "SPEC §4, 等保",
     "an idle session ends after this many minutes"},
    {"session.absolute_hours", POLICY_SECURITY, 12, 1, 72, "SPEC §4",
     "every session ends this many hours after login"},
    {"audit.retention_days", POLICY_SECURITY, 184, 184, 3650, "SPEC §4 (≥ 184 days, 网络安全法)",
     "days audit records are kept at least"},
    {"liaison.quota", POLICY_WORK, 15, 1, 200, "ours: the seeds give no number",
     "households a member liaises with at most (党员联户)"},
    {"import.max_rows", POLICY_WORK, 1000000, 1, 5000000, "ours",
     "rows one import may hold"},
};

const policy_def *policy_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

const policy_def *policy_find(const char *key)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i].key, key))
            return &table[i];
    return NULL;
}
