/* utf8.h -- strict UTF-8 validation and walking code point by code point. */
#ifndef LX_UTF8_H
#define LX_UTF8_H
#include <stddef.h>

/* Whether the `len` bytes at `s` are well-formed UTF-8 (RFC 3629): rejects
 * overlong forms, UTF-16 surrogates (U+D800..U+DFFF), code points above
 * U+10FFFF, truncated sequences, stray continuation bytes, and NUL bytes
 * anywhere inside the `len` bytes. `s` is borrowed; it may be NULL only when
 * `len` is 0. Returns 1 if valid, 0 if not. An empty string is valid. */
int utf8_valid(const char *s, size_t len);

/* The number of code points in the NUL-terminated string `s` (borrowed).
 * Meant for valid UTF-8; a malformed byte counts as one code point, so the
 * result is still bounded by strlen(s). Returns 0 for NULL. */
size_t utf8_chars(const char *s);

/* A pointer just past the code point that starts at `s` (borrowed, not NULL).
 * At the terminating NUL it returns `s` itself, so a loop
 * `while (*p) p = utf8_next(p);` never runs off the end. On a malformed or
 * truncated sequence it advances exactly one byte, so it never skips a NUL. */
const char *utf8_next(const char *s);

#endif
