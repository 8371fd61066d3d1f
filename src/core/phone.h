/* phone.h -- mainland China phone numbers: normalizing input and checking its shape. */
#ifndef LX_PHONE_H
#define LX_PHONE_H
#include <stddef.h>

#include "util/status.h"

/* Clean up a phone number as people type or paste it: drop ASCII whitespace,
 * full-width spaces (U+3000), ASCII and full-width hyphens ('-', U+FF0D);
 * turn full-width digits (０-９) and full-width plus (＋) into ASCII; then, when
 * what remains is a mobile behind a country prefix ("+86", "0086" or "86"
 * followed by 11 digits starting with 1), drop the prefix.
 *   in:     the raw text, borrowed; NULL is treated as "".
 *   out:    caller's buffer, always NUL-terminated when outlen > 0.
 *   outlen: size of `out` in bytes; 16 is enough for any valid number.
 * Returns 0 if the result is non-empty, all ASCII digits and fit in `out`;
 * -1 otherwise (letters, a '+' that was not a +86 mobile prefix, empty input,
 * or too long), `out` then holding the best-effort text, truncated at a UTF-8
 * character boundary. Checks only characters: call phone_check() for shape. */
int phone_normalize(const char *in, char *out, size_t outlen);

/* Whether `normalized` (borrowed, as produced by phone_normalize) is a
 * mainland number:
 *   - a mobile: 11 digits matching ^1[3-9][0-9]{9}$;
 *   - a landline written without separators: '0', an area code, and a 7- or
 *     8-digit local number not starting with 0, 10 to 12 digits in all. The
 *     area code is "10" or "2x" after the 0 (Beijing, Shanghai, Guangzhou ...)
 *     or three digits starting with 3-9 (e.g. 0755).
 *   reason: if not NULL, set on failure to "format" (a static string); left
 *           alone on success.
 * Returns LX_OK or LX_EINVAL (also for NULL). */
lx_status phone_check(const char *normalized, const char **reason);

/* Whether `normalized` (borrowed) has the shape of a mainland mobile number
 * (^1[3-9][0-9]{9}$). Returns 1 or 0. */
int phone_is_mobile(const char *normalized);

#endif
