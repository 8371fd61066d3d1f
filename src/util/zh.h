/* zh.h -- Simplified/Traditional folding for search keys (OpenCC). */
#ifndef LX_ZH_H
#define LX_ZH_H
#include "util/status.h"

/* Load OpenCC's Traditional-to-Simplified conversion. Called once at start;
 * LX_EIO if OpenCC's data files are missing. */
lx_status zh_init(void);
/* Release OpenCC. */
void zh_shutdown(void);

/* The search key of a text: Traditional folded to Simplified, ASCII letters
 * lowercased, white space (ASCII and U+3000) removed. Both stored names and
 * queries go through this, so 聯繫 finds 联系 and the reverse. Returns a
 * malloc'd string the caller frees. Thread-safe. */
char *zh_key(const char *utf8);

#endif
