/* fileio.h -- whole files in and out of memory, and temporary file names. */
#ifndef LX_FILEIO_H
#define LX_FILEIO_H
#include <stddef.h>
#include "util/status.h"

/* Read the whole file at path (at most max bytes) into *data (malloc'd, NUL
 * appended, the caller frees); LX_EIO if it cannot be read, LX_ETOOBIG past max. */
lx_status file_read_all(const char *path, size_t max, char **data, size_t *len);

/* Create an empty temporary file and write its name into path (at least 64
 * bytes); the caller unlinks it. LX_EIO on failure. */
lx_status file_temp(char *path, size_t len, const char *prefix);

#endif
