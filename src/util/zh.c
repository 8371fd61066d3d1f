/* zh.c -- search keys through OpenCC's t2s conversion. */
#include "util/zh.h"
#include "util/log.h"
#include "util/strmap.h"
#include "util/xalloc.h"

#include <opencc/opencc.h>
#include <pthread.h>
#include <string.h>

static opencc_t t2s = (opencc_t)-1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

lx_status zh_init(void)
{
    lx_status rc = LX_OK;
    pthread_mutex_lock(&lock);
    if (t2s == (opencc_t)-1) {
        t2s = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
        if (t2s == (opencc_t)-1) {
            log_error("OpenCC: cannot load %s: %s", OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP,
                      opencc_error());
            rc = LX_EIO;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

void zh_shutdown(void)
{
    pthread_mutex_lock(&lock);
    if (t2s != (opencc_t)-1)
        opencc_close(t2s);
    t2s = (opencc_t)-1;
    pthread_mutex_unlock(&lock);
}

/* Is every byte ASCII? Then no conversion is needed. */
static int all_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

char *zh_key(const char *utf8)
{
    char *conv = NULL;
    if (!all_ascii(utf8)) {
        if (zh_init() != LX_OK)
            BUG("OpenCC is not available");
        pthread_mutex_lock(&lock);
        char *c = opencc_convert_utf8(t2s, utf8, strlen(utf8));
        if (c) {
            conv = xstrdup(c);
            opencc_convert_utf8_free(c);
        }
        pthread_mutex_unlock(&lock);
    }
    const char *src = conv ? conv : utf8;
    size_t n = strlen(src);
    char *out = xmalloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        /* U+3000 IDEOGRAPHIC SPACE is E3 80 80 */
        if (c == 0xE3 && i + 2 < n && (unsigned char)src[i + 1] == 0x80 &&
            (unsigned char)src[i + 2] == 0x80) {
            i += 2;
            continue;
        }
        out[j++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[j] = '\0';
    free(conv);
    return out;
}

struct zh_cache_entry {
    char *text; /* the text (owned), NULL for an empty slot */
    char *key;  /* zh_key(text) (owned) */
    uint64_t h; /* hash of text */
};

static void cache_grow(zh_cache *c)
{
    size_t cap = c->cap ? c->cap * 2 : 4096;
    struct zh_cache_entry *e = xcalloc(cap, sizeof *e);
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->e[i].text)
            continue;
        size_t j = c->e[i].h & (cap - 1);
        while (e[j].text)
            j = (j + 1) & (cap - 1);
        e[j] = c->e[i];
    }
    free(c->e);
    c->e = e;
    c->cap = cap;
}

const char *zh_cache_key(zh_cache *c, const char *text)
{
    uint64_t h = strmap_hash(text);
    size_t j;
    if (2 * (c->n + 1) > c->cap)
        cache_grow(c);
    for (j = h & (c->cap - 1); c->e[j].text; j = (j + 1) & (c->cap - 1))
        if (c->e[j].h == h && !strcmp(c->e[j].text, text))
            return c->e[j].key;
    c->e[j] = (struct zh_cache_entry){xstrdup(text), zh_key(text), h};
    c->n++;
    return c->e[j].key;
}

void zh_cache_release(zh_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        free(c->e[i].text);
        free(c->e[i].key);
    }
    free(c->e);
    memset(c, 0, sizeof *c);
}
