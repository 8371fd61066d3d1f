/* msgcat.c -- the message catalog (msgcat.def) and the checked formatter that fills a
 * translation with the arguments of its English format. */
#include "util/msgcat.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#define MSG_MAX_ARGS 8 /* conversions in one format; the catalog's most is 4 */

/* ---- the tables ---- */

static const msgcat_entry sentences[] = {
#define M(en, hans, hant) {en, hans, hant},
#define W(id, hans, hant)
#define T(hans, hant)
#include "util/msgcat.def"
#undef M
#undef W
#undef T
};

static const msgcat_entry words[] = {
#define M(en, hans, hant)
#define W(id, hans, hant) {id, hans, hant},
#define T(hans, hant)
#include "util/msgcat.def"
#undef M
#undef W
#undef T
};

static const msgcat_entry spellings[] = {
#define M(en, hans, hant)
#define W(id, hans, hant)
#define T(hans, hant) {NULL, hans, hant},
#include "util/msgcat.def"
#undef M
#undef W
#undef T
};

#define NSENT (sizeof sentences / sizeof *sentences)
#define NWORDS (sizeof words / sizeof *words)
#define NSPELL (sizeof spellings / sizeof *spellings)

/* Each table's entries sorted by their key (en, or hans for the spellings),
 * made once, for bsearch. */
static const msgcat_entry *by_en[NSENT], *words_by_id[NWORDS], *spell_by_hans[NSPELL];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static int cmp_en(const void *a, const void *b)
{
    return strcmp((*(const msgcat_entry *const *)a)->en, (*(const msgcat_entry *const *)b)->en);
}

static int cmp_hans(const void *a, const void *b)
{
    return strcmp((*(const msgcat_entry *const *)a)->hans, (*(const msgcat_entry *const *)b)->hans);
}

static void build_index(void)
{
    for (size_t i = 0; i < NSENT; i++)
        by_en[i] = &sentences[i];
    for (size_t i = 0; i < NWORDS; i++)
        words_by_id[i] = &words[i];
    for (size_t i = 0; i < NSPELL; i++)
        spell_by_hans[i] = &spellings[i];
    qsort(by_en, NSENT, sizeof *by_en, cmp_en);
    qsort(words_by_id, NWORDS, sizeof *words_by_id, cmp_en);
    qsort(spell_by_hans, NSPELL, sizeof *spell_by_hans, cmp_hans);
}

/* The entry of `key` in an index sorted by en (by_hans: by hans), or NULL. */
static const msgcat_entry *find(const msgcat_entry **index, size_t n, const char *key, int by_hans)
{
    msgcat_entry probe = {key, key, NULL};
    const msgcat_entry *pp = &probe, **hit;
    if (!key)
        return NULL;
    pthread_once(&index_once, build_index);
    hit = bsearch(&pp, index, n, sizeof *index, by_hans ? cmp_hans : cmp_en);
    return hit ? *hit : NULL;
}

const msgcat_entry *msgcat_table(int kind, size_t *n)
{
    switch (kind) {
    case 0:
        *n = NSENT;
        return sentences;
    case 1:
        *n = NWORDS;
        return words;
    default:
        *n = NSPELL;
        return spellings;
    }
}

/* ---- the language of this thread ---- */

static _Thread_local lx_lang cur_lang = LX_LANG_EN;

void lx_lang_set(lx_lang l)
{
    cur_lang = (int)l >= 0 && l < LX_LANG__COUNT ? l : LX_LANG_EN;
}

lx_lang lx_lang_get(void)
{
    return cur_lang;
}

const char *lx_lang_tag(lx_lang l)
{
    switch (l) {
    case LX_LANG_HANS:
        return "zh-Hans";
    case LX_LANG_HANT:
        return "zh-Hant";
    default:
        return "en";
    }
}

/* The language of one language tag (n bytes, any case); -1 if unsupported. */
static int tag_lang(const char *t, size_t n)
{
    if (n == 1 && t[0] == '*')
        return LX_LANG_HANS;
    if (n >= 2 && !strncasecmp(t, "en", 2) && (n == 2 || t[2] == '-'))
        return LX_LANG_EN;
    if (n < 2 || strncasecmp(t, "zh", 2) || (n > 2 && t[2] != '-'))
        return -1;
    /* zh-Hant, zh-Hant-TW, zh-TW, zh-HK, zh-MO: Traditional; the rest Simplified. */
    for (size_t i = 2; i < n;) {
        size_t j = i + 1, k = j;
        while (k < n && t[k] != '-')
            k++;
        if ((k - j == 4 && !strncasecmp(t + j, "hant", 4)) ||
            (k - j == 2 && (!strncasecmp(t + j, "tw", 2) || !strncasecmp(t + j, "hk", 2) ||
                            !strncasecmp(t + j, "mo", 2))))
            return LX_LANG_HANT;
        if (k - j == 4 && !strncasecmp(t + j, "hans", 4))
            return LX_LANG_HANS;
        i = k;
    }
    return LX_LANG_HANS;
}

/* The q of a parameter list (";q=0.5"), 0..1000; 1000 when there is none. */
static int q_value(const char *p, const char *end)
{
    while (p < end) {
        while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
            p++;
        if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            int q = 0, scale = 1000;
            p += 2;
            if (p < end && *p == '1')
                return 1000;
            if (p < end && *p == '0')
                p++;
            if (p < end && *p == '.')
                for (p++; p < end && *p >= '0' && *p <= '9' && scale > 1; p++) {
                    scale /= 10;
                    q += (*p - '0') * scale;
                }
            return q;
        }
        while (p < end && *p != ';')
            p++;
    }
    return 1000;
}

lx_lang lx_lang_from_header(const char *h)
{
    int best = LX_LANG_HANS, best_q = 0;
    const char *p = h;
    while (p && *p) {
        const char *end = strchr(p, ','), *t, *te;
        if (!end)
            end = p + strlen(p);
        t = p;
        while (t < end && (*t == ' ' || *t == '\t'))
            t++;
        te = t;
        while (te < end && *te != ';' && *te != ' ' && *te != '\t')
            te++;
        int l = tag_lang(t, (size_t)(te - t)), q = q_value(te, end);
        if (l >= 0 && q > best_q) {
            best = l;
            best_q = q;
        }
        p = *end ? end + 1 : end;
    }
    return (lx_lang)best;
}

/* ---- conversions ---- */

/* One conversion of a format: %[N$][.P][len]conv. Flags and widths are not
 * used by any message, so they are not supported (the format then comes out
 * through vsnprintf, in English). */
typedef struct spec {
    int pos;     /* 1-based position of "%N$", 0 if none */
    int prec;    /* precision, -1 if none */
    char len[3]; /* "", "hh", "h", "l", "ll", "z", "j" or "t" */
    char conv;   /* d i u x X c s */
} spec;

/* Parse the conversion after a '%' at p; the character after it, or NULL if
 * it is not one the formatter supports. */
static const char *parse_spec(const char *p, spec *s)
{
    memset(s, 0, sizeof *s);
    s->prec = -1;
    if (*p >= '1' && *p <= '9') {
        int n = 0;
        while (*p >= '0' && *p <= '9' && n < 100)
            n = n * 10 + (*p++ - '0');
        if (*p != '$' || n > MSG_MAX_ARGS)
            return NULL; /* a width, or a position out of range */
        s->pos = n;
        p++;
    }
    if (*p == '.') {
        int n = 0;
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9' && n < 100000)
            n = n * 10 + (*p++ - '0');
        s->prec = n;
    }
    if ((p[0] == 'h' && p[1] == 'h') || (p[0] == 'l' && p[1] == 'l')) {
        s->len[0] = p[0];
        s->len[1] = p[1];
        p += 2;
    } else if (*p == 'h' || *p == 'l' || *p == 'z' || *p == 'j' || *p == 't') {
        s->len[0] = *p++;
    }
    if (!*p || !strchr("diuxXcs", *p))
        return NULL;
    if ((*p == 's' || *p == 'c') && s->len[0])
        return NULL; /* wide characters are not used */
    if (*p != 's' && s->prec >= 0)
        return NULL;
    s->conv = *p++;
    return p;
}

static int same_spec(const spec *a, const spec *b)
{
    return a->conv == b->conv && a->prec == b->prec && !strcmp(a->len, b->len);
}

/* The conversions of a format in order of appearance into sp (at most
 * MSG_MAX_ARGS); their number, or -1 if one is unsupported or there are too
 * many. "%%" is not a conversion. */
static int parse_format(const char *fmt, spec *sp)
{
    int n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        if (n == MSG_MAX_ARGS)
            return -1;
        const char *q = parse_spec(p + 1, &sp[n]);
        if (!q)
            return -1;
        n++;
        p = q - 1;
    }
    return n;
}

/* The argument of each conversion in place of its index: the English format
 * is the sole source of the types read from the va_list. */
static int conv_index(const spec *sp, int n, int *next, int *positional)
{
    int idx;
    if (*positional < 0)
        *positional = sp->pos > 0;
    if (*positional != (sp->pos > 0))
        return -1; /* "%1$s" and "%s" mixed */
    idx = sp->pos > 0 ? sp->pos - 1 : (*next)++;
    return idx < n ? idx : -1;
}

int msgcat_same_conversions(const char *en, const char *tr)
{
    spec want[MSG_MAX_ARGS], s;
    int n = parse_format(en, want), used[MSG_MAX_ARGS] = {0}, next = 0, positional = -1;
    if (n < 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (want[i].pos)
            return 0; /* the English key is written in order */
    for (const char *p = tr; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        const char *q = parse_spec(p + 1, &s);
        int idx = q ? conv_index(&s, n, &next, &positional) : -1;
        if (idx < 0 || used[idx] || !same_spec(&s, &want[idx]))
            return 0;
        used[idx] = 1;
        p = q - 1;
    }
    for (int i = 0; i < n; i++)
        if (!used[i])
            return 0;
    return 1;
}

/* ---- formatting ---- */

/* One argument, already made text as its English conversion says. */
typedef struct arg {
    const char *s; /* the text */
    size_t n;      /* its length in bytes */
    char num[32];  /* the digits of a number (s points here) */
} arg;

/* How many bytes of s (n bytes) fit in max without cutting a UTF-8 character. */
static size_t utf8_fit(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Read the arguments of fmt's conversions sp[0..n) from ap, as text. */
static void read_args(const spec *sp, int n, va_list ap, arg *a)
{
    for (int i = 0; i < n; i++) {
        const spec *s = &sp[i];
        a[i].s = a[i].num;
        if (s->conv == 's') {
            const char *v = va_arg(ap, const char *);
            a[i].s = v ? v : "(null)";
            a[i].n = strlen(a[i].s);
            if (s->prec >= 0)
                a[i].n = utf8_fit(a[i].s, a[i].n, (size_t)s->prec);
            continue;
        }
        if (s->conv == 'c') {
            a[i].num[0] = (char)va_arg(ap, int);
            a[i].num[1] = '\0';
        } else if (s->conv == 'd' || s->conv == 'i') {
            long long v;
            if (!strcmp(s->len, "l"))
                v = va_arg(ap, long);
            else if (!strcmp(s->len, "ll"))
                v = va_arg(ap, long long);
            else if (!strcmp(s->len, "z"))
                v = va_arg(ap, ssize_t);
            else if (!strcmp(s->len, "j"))
                v = (long long)va_arg(ap, intmax_t);
            else if (!strcmp(s->len, "t"))
                v = va_arg(ap, ptrdiff_t);
            else if (!strcmp(s->len, "hh"))
                v = (signed char)va_arg(ap, int);
            else if (!strcmp(s->len, "h"))
                v = (short)va_arg(ap, int);
            else
                v = va_arg(ap, int);
            snprintf(a[i].num, sizeof a[i].num, "%lld", v);
        } else {
            unsigned long long v;
            if (!strcmp(s->len, "l"))
                v = va_arg(ap, unsigned long);
            else if (!strcmp(s->len, "ll"))
                v = va_arg(ap, unsigned long long);
            else if (!strcmp(s->len, "z"))
                v = va_arg(ap, size_t);
            else if (!strcmp(s->len, "j"))
                v = (unsigned long long)va_arg(ap, uintmax_t);
            else if (!strcmp(s->len, "t"))
                v = (unsigned long long)va_arg(ap, ptrdiff_t);
            else if (!strcmp(s->len, "hh"))
                v = (unsigned char)va_arg(ap, unsigned);
            else if (!strcmp(s->len, "h"))
                v = (unsigned short)va_arg(ap, unsigned);
            else
                v = va_arg(ap, unsigned);
            snprintf(a[i].num, sizeof a[i].num,
                     s->conv == 'u'   ? "%llu"
                     : s->conv == 'x' ? "%llx"
                                      : "%llX",
                     v);
        }
        a[i].n = strlen(a[i].num);
    }
}

/* Output into a fixed buffer: what does not fit is dropped, never half a character. */
typedef struct out {
    char *buf;  /* the caller's buffer */
    size_t cap; /* its size, > 0 */
    size_t len; /* bytes written */
    int full;   /* something was dropped */
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->full)
        return;
    size_t room = o->cap - 1 - o->len, k = utf8_fit(s, n, room);
    memcpy(o->buf + o->len, s, k);
    o->len += k;
    o->full = k < n;
}

/* Fill template t with the arguments a (of the English conversions sp); 0
 * if t's conversions do not match them (nothing is then kept). */
static int render(char *buf, size_t len, const char *t, const spec *sp, int n, const arg *a)
{
    out o = {buf, len, 0, 0};
    int next = 0, positional = -1;
    spec s;
    const char *lit = t;
    for (const char *p = t; *p; p++) {
        if (*p != '%')
            continue;
        put(&o, lit, (size_t)(p - lit));
        if (p[1] == '%') {
            put(&o, "%", 1);
            lit = p + 2;
            p++;
            continue;
        }
        const char *q = parse_spec(p + 1, &s);
        int idx = q ? conv_index(&s, n, &next, &positional) : -1;
        if (idx < 0 || !same_spec(&s, &sp[idx])) {
            buf[0] = '\0';
            return 0;
        }
        put(&o, a[idx].s, a[idx].n);
        lit = q;
        p = q - 1;
    }
    put(&o, lit, strlen(lit));
    buf[o.len] = '\0';
    return 1;
}

static const char *pick(const msgcat_entry *m, lx_lang l)
{
    if (l == LX_LANG_HANS && m->hans && *m->hans)
        return m->hans;
    if (l == LX_LANG_HANT && m->hant && *m->hant)
        return m->hant;
    return m->en;
}

const char *lx_vmsgf(char *buf, size_t len, const char *fmt, va_list ap)
{
    spec sp[MSG_MAX_ARGS];
    arg a[MSG_MAX_ARGS];
    const msgcat_entry *m;
    int n;
    if (!buf || !len)
        return fmt;
    n = parse_format(fmt, sp);
    if (n < 0) {
        /* Not a format the formatter reads (the catalog test keeps every
         * catalog key readable): the compiler checked it, so printf it. */
        vsnprintf(buf, len, fmt, ap);
        buf[utf8_fit(buf, strlen(buf), len - 1)] = '\0';
        return fmt;
    }
    read_args(sp, n, ap, a);
    if (n == 1 && !strcmp(fmt, "%s") && (m = find(by_en, NSENT, a[0].s, 0)) &&
        !strchr(m->en, '%')) {
        /* A sentence handed on through "%s" (LX_MSG). */
        out o = {buf, len, 0, 0};
        const char *t = pick(m, cur_lang);
        put(&o, t, strlen(t));
        buf[o.len] = '\0';
        return m->en;
    }
    m = cur_lang == LX_LANG_EN ? NULL : find(by_en, NSENT, fmt, 0);
    if (!m || !render(buf, len, pick(m, cur_lang), sp, n, a))
        render(buf, len, fmt, sp, n, a);
    return fmt;
}

const char *lx_msgf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *key = lx_vmsgf(buf, len, fmt, ap);
    va_end(ap);
    return key;
}

const char *lx_msg(const char *english)
{
    const msgcat_entry *m = cur_lang == LX_LANG_EN ? NULL : find(by_en, NSENT, english, 0);
    return m && !strchr(m->en, '%') ? pick(m, cur_lang) : english;
}

const char *lx_word(const char *id)
{
    const msgcat_entry *m = cur_lang == LX_LANG_EN ? NULL : find(words_by_id, NWORDS, id, 0);
    return m ? pick(m, cur_lang) : id;
}

const char *lx_term(const char *id, const char *hans)
{
    if (cur_lang == LX_LANG_EN)
        return id;
    if (!hans || !*hans)
        return lx_word(id);
    if (cur_lang == LX_LANG_HANS)
        return hans;
    const msgcat_entry *m = find(spell_by_hans, NSPELL, hans, 1);
    return m && m->hant ? m->hant : hans;
}
