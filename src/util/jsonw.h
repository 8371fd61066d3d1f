/* jsonw.h -- JSON text written straight into a strbuf, for hot replies (lists,
 * details) where building a jansson tree per value costs more than the rest.
 * The output is what json_dumps(..., JSON_COMPACT) gives for the same values:
 * UTF-8 kept as is, `"` `\` and control characters escaped. */
#ifndef LX_JSONW_H
#define LX_JSONW_H
#include "util/strbuf.h"

#include <stdint.h>

/* A JSON string: the quotes and the escaped text (s must be valid UTF-8). */
void jsonw_str(strbuf *sb, const char *s);
/* "key": -- a key from the program (escaped all the same) and the colon. */
void jsonw_key(strbuf *sb, const char *key);
void jsonw_int(strbuf *sb, int64_t v);

#endif
