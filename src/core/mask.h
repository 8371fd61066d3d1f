/* mask.h -- masking personal data for display (masked by default in UI, API and exports). */
#ifndef LX_MASK_H
#define LX_MASK_H
#include <stddef.h>

/* Common contract of every function here:
 *   - the input is borrowed; NULL is treated as "";
 *   - `out` is the caller's buffer of `outlen` bytes; when outlen > 0 it is
 *     always NUL-terminated, and when it is too small the result is cut at a
 *     UTF-8 character boundary, never inside a multibyte character;
 *   - characters are counted as UTF-8 code points, and each hidden character
 *     becomes one ASCII '*' unless said otherwise;
 *   - nothing is allocated and nothing can fail. */

/* Mask a normalized phone number (see phone_normalize):
 *   mobile 13812341234 -> 138****1234 (first 3 and last 4 kept);
 *   landline 01012345678 -> 010******78 (area code with its 0 -- 3 digits for
 *     010 and 02x, else 4 -- and the last 2 kept);
 *   anything else of 7 characters or more: first 3 and last 2 kept;
 *   shorter than 7 characters: every character becomes '*'. */
void mask_phone(const char *phone, char *out, size_t outlen);

/* Mask an ID number: 18 characters -> first 6 and last 4 kept
 * (110105194912310021 -> 110105********0021); other lengths of 3 or more ->
 * first 1 and last 1 kept; 1 or 2 characters -> all '*'. */
void mask_idcard(const char *id, char *out, size_t outlen);

/* Mask a person's name for public boards: the first character (the surname)
 * is kept and every following character becomes '*' (张三丰 -> 张**).
 * A one-character name is shown as is. */
void mask_name(const char *utf8_name, char *out, size_t outlen);

/* Mask an address: the first 6 characters are kept, then a fixed "****"
 * that hides how long the rest is. An address of 6 characters or fewer keeps
 * only its first half (rounded down), then "****". "" stays "". */
void mask_address(const char *utf8, char *out, size_t outlen);

#endif
