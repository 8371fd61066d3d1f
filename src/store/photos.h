/* photos.h -- residents' photos kept as files named by their hash, outside the database. */
#ifndef LX_PHOTOS_H
#define LX_PHOTOS_H
#include <stddef.h>
#include "util/status.h"

/* A photo lives at <dir>/<first two hex digits>/<sha256 hex>.<ext>, where
 * ext is image_ext(type) ("jpg", "png"); the database keeps only the hash
 * and type. The same bytes are stored once. Directories are created with
 * mode 0750 (less the umask), files with 0640. */

/* The most photos_open reads from one file. */
#define PHOTOS_MAX_BYTES (16u << 20)

/* Use `dir` (copied; created at the first photos_put if missing, but not
 * its parents) instead of the default, "photos/" beside the database file
 * (store_path()). NULL goes back to the default. Call it at start-up,
 * before threads use the module. LX_EINVAL if the path is empty or too long. */
lx_status photos_set_dir(const char *dir);

/* Store the n cleaned bytes at `data` (borrowed; image_clean's output) of
 * type IMAGE_JPEG or IMAGE_PNG, and write their SHA-256 in 64 lowercase hex
 * digits and a NUL to `hash`. Atomic and durable: the bytes go to a
 * temporary file in the target directory, which is fsynced and renamed into
 * place, then the directory is fsynced; a crash leaves either no file or the
 * whole file (and perhaps a stray ".tmp-*" file). A no-op when the file is
 * already there. LX_EINVAL for n == 0 or another type; LX_EIO (logged) if
 * the directory is unknown (no database open and no photos_set_dir) or the
 * disk refuses. Thread-safe. */
lx_status photos_put(const unsigned char *data, size_t n, int type, char hash[65]);

/* Read back the photo with `hash`: *data (malloc'd, the caller frees), *n
 * bytes, *type its image_type. The hash is checked (64 lowercase hex
 * digits) before the file system is touched: LX_EINVAL if it is not one,
 * LX_ENOTFOUND if no such photo, LX_EIO (logged) if it cannot be read or
 * is larger than PHOTOS_MAX_BYTES. On error *data is NULL and *n 0. */
lx_status photos_open(const char *hash, int *type, unsigned char **data, size_t *n);

/* 1 if `hash` is 64 lowercase hex digits, else 0 (NULL included). */
int photos_hash_valid(const char *hash);

#endif
