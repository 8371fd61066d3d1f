/* card_html.h -- contact cards and door plates as a print view, the resident page, QR codes. */
#ifndef LX_CARD_HTML_H
#define LX_CARD_HTML_H
#include <stddef.h>
#include "store/cards.h"
#include "util/status.h"
#include "util/strbuf.h"

/* Everything here appends UTF-8 HTML to a caller's strbuf (check
 * strbuf_ok() once at the end), does no I/O and allocates only inside the
 * strbuf and libqrencode. Every text taken from data (names, places, the
 * commitment, links) is HTML-escaped; the household head's name is masked
 * (mask_name: 张** -- a card hangs on a door); members' and contacts'
 * phones are printed in full, which is what a card is for. The output is
 * deterministic: the same input gives the same bytes. */

/* What is printed. */
typedef enum card_kind {
    CARD_KIND_CARD,  /* 党群连心卡: A6 cards, four to an A4 sheet */
    CARD_KIND_PLATE, /* 联系牌: door plates, half an A4 sheet (A5 landscape) each, larger text */
} card_kind;

/* The settings a print takes besides the cards. Strings are borrowed. */
typedef struct card_sheet {
    card_kind kind;         /* cards or plates */
    const char *commitment; /* the county's service commitment (policy card.commitment) */
    const char *public_url; /* where phones reach the server (policy site.public_url); a
                               trailing '/' is ignored */
    const char *title;      /* shown in the window title (the place printed), or NULL */
} card_sheet;

/* Append `text` HTML-escaped: & < > " ' become entities; everything else,
 * UTF-8 included, is copied. NULL appends nothing. */
void card_html_escape(strbuf *sb, const char *text);

/* The link a card's QR code opens: "<public_url>/r/<token>" into out
 * (always NUL-terminated; cut if outlen is too small). */
void card_link(const char *public_url, const char *token, char *out, size_t outlen);

/* Append `text` (borrowed) as a QR code (error correction level M, 8-bit
 * mode) in SVG: one <svg> with a viewBox of the code's modules plus a quiet
 * zone of 4, a white <rect> and one black <path>. LX_EINVAL (nothing
 * appended) if the text cannot be encoded (too long, or NULL). */
lx_status card_qr_svg(strbuf *sb, const char *text);

/* Append the whole print view (a complete HTML document, @media print) of
 * n cards (each with its token) in the order given. Each card or plate is a
 * <section class="lx-card"> (plates: "lx-card lx-plate"). A card without a
 * liaison member reads "联系党员：待安排". LX_EINVAL if a QR code could not be
 * made (that card shows an empty square). */
lx_status card_html_print(strbuf *sb, const card_sheet *sh, const card_data *cards, int n);

/* Append the resident page of one household (a complete HTML document for
 * a phone: no script, inline CSS, base font 18 px, tel: links): the liaison
 * member, the assistance cadre if any, the village and township contacts,
 * the commitment, the place and the head's masked name; no other personal
 * data of the household. */
void card_html_resident(strbuf *sb, const card_data *c, const char *commitment,
                        const char *more_css, const char *extra);

/* The head of a phone page (through <main>) that may post forms to this server and show
 * its images: the resident page's style plus more_css (may be NULL). */
void card_html_phone_head(strbuf *sb, const char *title, const char *more_css);

/* Append a small plain page (no data) saying `heading` and `text`, for
 * "not found" and "too many tries". Both are escaped. */
void card_html_message(strbuf *sb, const char *heading, const char *text);

#endif
