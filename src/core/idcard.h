/* idcard.h -- mainland China resident ID numbers (GB 11643-1999, 18 characters). */
#ifndef LX_IDCARD_H
#define LX_IDCARD_H
#include "util/status.h"

/* Length of a normalized ID number, without the NUL. */
#define IDCARD_LEN 18

/* Clean up an ID number as people type or paste it: trim leading and trailing
 * ASCII whitespace and full-width spaces (U+3000), turn full-width digits
 * (０-９) and full-width Ｘ/ｘ into ASCII, and upper-case x.
 *   in:  the raw text, borrowed; NULL is treated as "".
 *   out: caller's buffer of IDCARD_LEN + 1 bytes; always NUL-terminated.
 * Returns 0 if the result is 17 ASCII digits followed by a digit or 'X'.
 * Returns -1 otherwise; `out` then holds the best-effort cleaned text,
 * truncated to 18 bytes at a UTF-8 character boundary. Checks only the shape:
 * call idcard_check() for region, birth date and check digit. */
int idcard_normalize(const char *in, char out[IDCARD_LEN + 1]);

/* Validate a normalized ID number.
 *   id:        borrowed, as produced by idcard_normalize(); NULL fails "length".
 *   today_ymd: today's date as an int yyyymmdd (e.g. 20261123); a birth date
 *              after it is rejected, so a test can pin "today".
 *   reason:    if not NULL, set on failure to a short stable English key, a
 *              static string: "length" (not 18 bytes), "format" (not 17
 *              digits + digit/X), "region" (unknown province code), "birth_date"
 *              (not a calendar date, before 1900-01-01 or after today),
 *              "check_digit" (ISO 7064 MOD 11-2 mismatch). Left alone on
 *              success. Checks run in that order; the first failure is reported.
 * Returns LX_OK or LX_EINVAL. */
lx_status idcard_check(const char *id, int today_ymd, const char **reason);

/* The birth date in characters 7-14 of `id` (borrowed, normalized).
 * y, m, d: out-parameters, each may be NULL; untouched on failure.
 * Returns 0 if those characters form a real calendar date (any year),
 * -1 if `id` is shorter, they are not digits, or the date does not exist. */
int idcard_birth(const char *id, int *y, int *m, int *d);

/* The sex recorded by the 17th character of `id` (borrowed, normalized):
 * returns 1 (male) when that digit is odd, 2 (female) when even, 0 when `id`
 * is NULL, shorter than 17 characters, or the 17th is not a digit. */
int idcard_sex(const char *id);

/* The GB 11643 check character for the first 17 characters of `first17`
 * (borrowed; only those 17 are read, so a full 18-character ID works too):
 * ISO 7064 MOD 11-2 with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and
 * map "10X98765432". Returns '0'..'9' or 'X', or '\0' if `first17` is NULL or
 * does not start with 17 ASCII digits. */
char idcard_check_digit(const char *first17);

#endif
