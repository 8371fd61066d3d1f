/* crypto.h -- the server key, personal-data encryption, keyed lookup hashes, tokens. */
#ifndef LX_CRYPTO_H
#define LX_CRYPTO_H
#include <stddef.h>
#include <stdint.h>
#include "util/status.h"

/* Personal data is encrypted with XChaCha20-Poly1305 under a key derived from
 * the master key in the key file, which lives outside the database. Lookups
 * go through a keyed BLAKE2b hash under a second derived key, so equal values
 * can be found without storing them in clear. */

#define PII_HASH_LEN 16   /* bytes of a lookup hash */
#define TOKEN_LEN 32      /* characters of a printable random token (192 bits) */

/* Initialise libsodium and load the 32-byte master key from `path` (64 hex
 * characters). With `create` set and no file there, write a new random key
 * with mode 0600 first. LX_EIO if the file cannot be read or written,
 * LX_EINVAL if it is malformed or readable by group or others. */
lx_status crypto_load_key(const char *path, int create);

/* Use a fixed key (tests only): 32 bytes. */
void crypto_set_key(const unsigned char key[32]);

/* Encrypt `plain` (NUL-terminated UTF-8) for column kind `kind` ("phone",
 * "idno", "addr" ...; bound as associated data so a value cannot be moved
 * between columns). Returns a malloc'd nonce||ciphertext; the caller frees. */
unsigned char *pii_seal(const char *kind, const char *plain, size_t *outlen);

/* Decrypt what pii_seal made. Returns a malloc'd NUL-terminated string the
 * caller frees, or NULL if the data was tampered with or the key is wrong. */
char *pii_open(const char *kind, const void *sealed, size_t len);

/* Keyed hash of a normalised value for exact-match lookups. */
void pii_hash(const char *kind, const char *normalised, unsigned char out[PII_HASH_LEN]);

/* Fill `out` with TOKEN_LEN random URL-safe characters and a NUL. */
void crypto_token(char out[TOKEN_LEN + 1]);

/* SHA-256 of a token, hex, for storing session tokens by hash (out: 65 bytes). */
void crypto_token_hash(const char *token, char out[65]);

/* argon2id password hash (libsodium's MODERATE-ish limits tuned for a
 * server: ops 2, 64 MiB); out receives the encoded string. 0 on success. */
int crypto_password_hash(const char *password, char out[128]);
/* 1 if password matches the encoded hash. */
int crypto_password_verify(const char *encoded, const char *password);

/* Constant-time comparison of two NUL-terminated strings: 1 if equal. */
int crypto_streq(const char *a, const char *b);

/* SHA-256 over data, raw 32 bytes. */
void crypto_sha256(const void *data, size_t len, unsigned char out[32]);

/* Hex encode len bytes into out (2*len+1 bytes). */
void crypto_hex(const unsigned char *in, size_t len, char *out);

#endif
