/* msgcat.h -- the server's sentences in the user's language: a catalog from each English
 * message format to Simplified and Traditional Chinese, and the language of this thread. */
#ifndef LX_MSGCAT_H
#define LX_MSGCAT_H
#include <stdarg.h>
#include <stddef.h>

/* The languages the product speaks (SPEC §4). */
typedef enum lx_lang {
    LX_LANG_EN,   /* English: the catalog's keys, as the code writes them */
    LX_LANG_HANS, /* Simplified Chinese, the product's default */
    LX_LANG_HANT, /* Traditional Chinese */
    LX_LANG__COUNT
} lx_lang;

/* Marks an English sentence that reaches the user through a "%s" (a reason a
 * function returns, a status name): the catalog test finds it by this mark,
 * and a message whose format is exactly "%s" is translated when its argument
 * is such a sentence. Expands to the literal itself. */
#define LX_MSG(s) s

/* ---- the language of this thread ---- */

/* The language messages are made in on this thread. A thread starts in
 * English (the command line, which speaks English throughout; logs; unit
 * tests); the HTTP server sets each request's language while handling it. */
void lx_lang_set(lx_lang l);
lx_lang lx_lang_get(void);

/* The language an Accept-Language header asks for: zh-TW, zh-HK, zh-MO and
 * zh-Hant* -> Traditional; zh, zh-CN, zh-SG, zh-Hans* -> Simplified; en* ->
 * English; the supported tag with the highest q wins (the first on a tie).
 * NULL, empty, "*" or no supported tag -> Simplified, the product's default. */
lx_lang lx_lang_from_header(const char *accept_language);

/* The BCP 47 tag of a language: "en", "zh-Hans", "zh-Hant". */
const char *lx_lang_tag(lx_lang l);

/* ---- making messages ---- */

/* Format an English message format in this thread's language into buf (size
 * len > 0, always NUL-terminated, cut at a UTF-8 character boundary). fmt
 * must be a literal the compiler checked against the arguments (the
 * attribute below); the translation is never handed to printf: its
 * conversions are matched one by one against fmt's and filled with the
 * arguments fmt read, so client text is only ever an argument. A format
 * missing from the catalog, or whose translation does not match, comes out
 * in English. A format of exactly "%s" whose argument is itself a catalog
 * sentence without conversions (LX_MSG) comes out as that sentence's
 * translation. Returns the catalog's key of the message: fmt itself, or the
 * forwarded sentence for "%s" (static storage either way). */
const char *lx_vmsgf(char *buf, size_t len, const char *fmt, va_list ap);
const char *lx_msgf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A fixed English sentence (no conversions) in this thread's language; the
 * sentence itself when the catalog lacks it. Static storage. */
const char *lx_msg(const char *english);

/* An identifier the code puts into a sentence (an API field name, a layer, a
 * level, a reason code): itself in English, else its word in the catalog, or
 * itself when there is none. Static storage, or id. */
const char *lx_word(const char *id);

/* A term the code holds in Simplified Chinese beside its identifier (a
 * record field's label): id in English, hans in Simplified, its Traditional
 * spelling from the catalog in Traditional (hans when the catalog lacks it).
 * A NULL hans is lx_word(id). Returns one of the arguments or static storage. */
const char *lx_term(const char *id, const char *hans);

/* ---- the catalog itself, for tests and `lianxin messages` ---- */

/* One sentence or word. */
typedef struct msgcat_entry {
    const char *en;   /* the English format (sentences) or identifier (words) */
    const char *hans; /* Simplified Chinese */
    const char *hant; /* Traditional Chinese */
} msgcat_entry;

/* The sentences (kind 0), the identifier words (1) and the Traditional
 * spellings of Simplified terms (2: en is unused, NULL); *n receives their
 * number. In source order. */
const msgcat_entry *msgcat_table(int kind, size_t *n);

/* 1 when format `tr` has the same conversions as the English format `en`:
 * each of en's conversions used exactly once, with the same precision,
 * length and type, in order or by position (%2$s), never both; 0 otherwise,
 * or when en uses a conversion the renderer does not support. */
int msgcat_same_conversions(const char *en, const char *tr);

#endif
