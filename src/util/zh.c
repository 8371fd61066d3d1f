/* zh.c -- search keys through OpenCC's t2s conversion. */
#include "util/zh.h"
#include "util/log.h"
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
