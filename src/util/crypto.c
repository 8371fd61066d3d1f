/* crypto.c -- libsodium wrappers: key file, field encryption, lookup hashes, tokens. */
#include "util/crypto.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char enc_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static unsigned char hash_key[crypto_generichash_KEYBYTES];
static int key_loaded;

static void derive(const unsigned char master[32])
{
    crypto_kdf_derive_from_key(enc_key, sizeof enc_key, 1, "lx-pii-e", master);
    crypto_kdf_derive_from_key(hash_key, sizeof hash_key, 2, "lx-pii-h", master);
    key_loaded = 1;
}

void crypto_set_key(const unsigned char key[32])
{
    if (sodium_init() < 0)
        BUG("sodium_init failed");
    derive(key);
}

static lx_status write_new_key(const char *path)
{
    unsigned char k[32];
    char hex[65];
    lx_status rc = LX_OK;
    randombytes_buf(k, sizeof k);
    sodium_bin2hex(hex, sizeof hex, k, sizeof k);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        log_error("cannot create key file %s: %s", path, strerror(errno));
        return LX_EIO;
    }
    hex[64] = '\n';
    if (write(fd, hex, 65) != 65 || fsync(fd) != 0) {
        log_error("cannot write key file %s: %s", path, strerror(errno));
        rc = LX_EIO;
    }
    close(fd);
    sodium_memzero(k, sizeof k);
    sodium_memzero(hex, sizeof hex);
    return rc;
}

lx_status crypto_load_key(const char *path, int create)
{
    unsigned char master[32];
    char hex[80];
    struct stat st;
    lx_status rc = LX_OK;
    int fd = -1;

    if (sodium_init() < 0)
        BUG("sodium_init failed");
    if (stat(path, &st) != 0) {
        if (errno != ENOENT || !create) {
            log_error("key file %s: %s", path, strerror(errno));
            return LX_EIO;
        }
        rc = write_new_key(path);
        if (rc)
            return rc;
        if (stat(path, &st) != 0)
            return LX_EIO;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        log_error("key file %s is readable by group or others; chmod 600 it", path);
        return LX_EINVAL;
    }
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return LX_EIO;
    ssize_t n = read(fd, hex, sizeof hex - 1);
    close(fd);
    if (n < 64) {
        rc = LX_EINVAL;
        goto out;
    }
    hex[64] = '\0';
    size_t binlen = 0;
    if (sodium_hex2bin(master, sizeof master, hex, 64, NULL, &binlen, NULL) != 0 || binlen != 32) {
        rc = LX_EINVAL;
        goto out;
    }
    derive(master);
out:
    if (rc == LX_EINVAL)
        log_error("key file %s is malformed", path);
    sodium_memzero(master, sizeof master);
    sodium_memzero(hex, sizeof hex);
    return rc;
}

unsigned char *pii_seal(const char *kind, const char *plain, size_t *outlen)
{
    if (!key_loaded)
        BUG("pii_seal before the key was loaded");
    size_t plen = strlen(plain);
    size_t nlen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    size_t total = nlen + plen + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    unsigned char *out = xmalloc(total);
    unsigned long long clen = 0;
    randombytes_buf(out, nlen);
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + nlen, &clen, (const unsigned char *)plain,
                                               plen, (const unsigned char *)kind, strlen(kind),
                                               NULL, out, enc_key);
    *outlen = nlen + (size_t)clen;
    return out;
}

char *pii_open(const char *kind, const void *sealed, size_t len)
{
    size_t nlen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    size_t alen = crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (!key_loaded)
        BUG("pii_open before the key was loaded");
    if (!sealed || len < nlen + alen)
        return NULL;
    const unsigned char *s = sealed;
    char *out = xmalloc(len - nlen - alen + 1);
    unsigned long long plen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out, &plen, NULL, s + nlen,
                                                   len - nlen, (const unsigned char *)kind,
                                                   strlen(kind), s, enc_key) != 0) {
        free(out);
        return NULL;
    }
    out[plen] = '\0';
    return out;
}

void pii_hash(const char *kind, const char *normalised, unsigned char out[PII_HASH_LEN])
{
    crypto_generichash_state st;
    if (!key_loaded)
        BUG("pii_hash before the key was loaded");
    crypto_generichash_init(&st, hash_key, sizeof hash_key, PII_HASH_LEN);
    crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
    crypto_generichash_update(&st, (const unsigned char *)normalised, strlen(normalised));
    crypto_generichash_final(&st, out, PII_HASH_LEN);
}

void crypto_token(char out[TOKEN_LEN + 1])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char r[TOKEN_LEN];
    randombytes_buf(r, sizeof r);
    for (size_t i = 0; i < TOKEN_LEN; i++)
        out[i] = alphabet[r[i] & 63];
    out[TOKEN_LEN] = '\0';
}

void crypto_sha256(const void *data, size_t len, unsigned char out[32])
{
    crypto_hash_sha256(out, data, len);
}

void crypto_hex(const unsigned char *in, size_t len, char *out)
{
    sodium_bin2hex(out, 2 * len + 1, in, len);
}

void crypto_token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_sha256(token, strlen(token), h);
    crypto_hex(h, 32, out);
}

int crypto_password_hash(const char *password, char out[128])
{
    if (sodium_init() < 0)
        BUG("sodium_init failed");
    return crypto_pwhash_str(out, password, strlen(password), 2, 64u << 20);
}

int crypto_password_verify(const char *encoded, const char *password)
{
    return crypto_pwhash_str_verify(encoded, password, strlen(password)) == 0;
}

int crypto_streq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return 0;
    return sodium_memcmp(a, b, la) == 0;
}
