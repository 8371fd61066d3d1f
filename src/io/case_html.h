/* case_html.h -- the resident's side of cases, and the village's public board, as HTML.
 *
 * Plain pages for a cheap phone in a WeChat browser: no script, forms that post to this
 * server, inline style (the resident page's). Everything taken from data is escaped. The
 * JSON given is what store/cases.c and store/casework.c produce. Times are shown in the
 * county's time (utc_offset seconds east). */
#ifndef LX_CASE_HTML_H
#define LX_CASE_HTML_H
#include <jansson.h>
#include <stdint.h>

#include "util/strbuf.h"

/* Extra style the case parts need (forms, lists, timeline). */
extern const char case_html_css[];

/* The part of the resident page under the contacts: the request form (posting
 * multipart/form-data to <base>/cases) and the household's cases (the array of list rows
 * of cases_list), each a link to <base>/cases/<code>. base is "/r/<token>". */
void case_html_resident_section(strbuf *sb, const char *base, const json_t *cases, int photos_max,
                                int utc_offset);

/* One case as its resident sees it (a whole page): the tracking code, the state, the
 * request and its photos, the public steps with their texts, and the form that fits the
 * state: a supplement while waiting, the rating once resolved, a reopen while allowed.
 * `notice` (may be NULL) is a line shown on top ("提交成功" ...). */
void case_html_resident_case(strbuf *sb, const char *base, const json_t *c, int may_reopen,
                             const char *notice, int utc_offset);

/* A village's public board for a month: heading, one block per item (category, time to
 * resolve, the redacted text and resolution, photos from <base>/photos/<hash>) and links
 * to the months before and after. base is "/p/<node id>". */
void case_html_board(strbuf *sb, const char *base, const char *village, int yyyymm,
                     const json_t *items);

#endif
