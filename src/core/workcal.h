/* workcal.h -- the Chinese public-holiday calendar, time limits, and the clocks of cases.
 *
 * Pure: nothing here reads the database or the clock.
 *
 * A working day is Monday to Friday, except the days off of the State Council's holiday
 * notice for that year, plus the notice's make-up working days (调休) on weekends. The
 * built-in tables are the published notices; a county edits its own copy per year (the
 * store keeps it), and a year with no table is plain Monday-Friday.
 *
 * A time limit is "<n>h" (calendar hours), "<n>d" (calendar days) or "<n>wd" (working
 * days). A limit spec gives a limit and, optionally, other limits at other levels of the
 * handling node: "7d" or "7d, township 10d, county 15wd". The levels are group, village,
 * township, county (node kinds group/grid, village/community, township/street,
 * county/district).
 *
 * A clock starts at a time and runs out when the limit has elapsed, not counting its
 * pauses (while the case waits on the requester); a working-day clock counts only the
 * seconds that fall on the county's working days (local time, fixed UTC offset). */
#ifndef LX_WORKCAL_H
#define LX_WORKCAL_H
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* One year's exceptions to Monday-Friday, as county-local dates YYYYMMDD, each sorted. */
typedef struct workcal_year {
    int year;
    const int32_t *off;  /* public holidays and the days off around them (weekdays or not) */
    size_t noff;
    const int32_t *work; /* make-up working days (usually weekends) */
    size_t nwork;
} workcal_year;

/* A calendar: the years the county has (any order), its UTC offset in seconds. */
typedef struct workcal {
    const workcal_year *years;
    size_t nyears;
    int utc_offset;
} workcal;

/* The built-in table for `year` (the State Council notices of 2024, 2025, 2026), or NULL. */
const workcal_year *workcal_builtin(int year);

/* 1 if county-local date ymd (YYYYMMDD) is a working day in c (NULL: no tables). */
int workcal_is_working_day(const workcal *c, int ymd);

typedef enum limit_unit { LIMIT_HOURS, LIMIT_DAYS, LIMIT_WORKDAYS } limit_unit;

typedef struct time_limit {
    int64_t n;       /* 1 .. 8760 hours, 1 .. 365 days or working days */
    limit_unit unit;
} time_limit;

/* Levels of the handling node. */
typedef enum case_level { LEVEL_GROUP, LEVEL_VILLAGE, LEVEL_TOWNSHIP, LEVEL_COUNTY, LEVEL__COUNT } case_level;
/* The level of a node kind code ("community" -> LEVEL_VILLAGE); -1 if unknown. */
int case_level_of_kind(const char *node_kind);
const char *case_level_code(case_level l);

typedef struct limit_spec {
    time_limit base;               /* at every level without its own */
    time_limit level[LEVEL__COUNT];/* per level; n == 0: use base */
} limit_spec;

/* Parse "2h", "7d", "15wd" (no spaces inside; surrounding spaces allowed). 0, or -1. */
int time_limit_parse(const char *s, time_limit *out);
/* Format as the parser reads it ("15wd") into out (at least 16 bytes). */
void time_limit_format(time_limit l, char *out, size_t outlen);

/* Parse a limit spec ("7d, township 10d, county 15wd"): LX_OK, or LX_EINVAL with e
 * filled in (field "value", a sentence naming the bad part). A level may appear once, and
 * the limit for every level exactly once. Items are separated by ',' or '，'; a level may
 * be named by a node kind too ("street 10d" is the township level). out may be NULL. */
lx_status limit_spec_parse(const char *text, limit_spec *out, lx_error *e);
/* The limit at level l. */
time_limit limit_spec_at(const limit_spec *s, case_level l);

/* A category's override list, "water 24h; dispute 15d" (items separated by ';', each a
 * request category code and a limit spec). LX_OK with the spec for `category` in *out and
 * *found = 1, or *found = 0 if the list does not name it; LX_EINVAL for a malformed list
 * (unknown category, a category given twice, bad limit). Items are separated by ';' or '；'
 * and empty ones are skipped, so "" is a valid list that names nothing. A category is
 * matched by vocab_find (code or label). `category` NULL only checks the list; out and
 * found may be NULL. */
lx_status limit_category_find(const char *text, const char *category, limit_spec *out,
                              int *found, lx_error *e);

/* A pause of the clock: [from, to); to == 0 while it lasts. */
typedef struct clock_pause {
    int64_t from, to;
} clock_pause;

/* When a clock of `lim` started at `start` (UTC seconds) runs out, given its pauses
 * (sorted, not overlapping, none before start) and, for working days, the calendar.
 * A pause that still lasts (to == 0) stops the clock: the result is then INT64_MAX, unless
 * the clock ran out before that pause began (a late case stays late while it waits).
 * cal may be NULL unless lim counts working days. O(days between start and the result). */
int64_t clock_deadline(int64_t start, time_limit lim, const clock_pause *pauses,
                       size_t npauses, const workcal *cal);

/* How many seconds of the clock have run by `now` (counted as clock_deadline counts). */
int64_t clock_elapsed(int64_t start, int64_t now, time_limit lim, const clock_pause *pauses,
                      size_t npauses, const workcal *cal);

#endif
