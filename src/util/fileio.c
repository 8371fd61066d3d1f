/* fileio.c -- reading whole files; temporary files. */
#include "util/fileio.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

lx_status file_read_all(const char *path, size_t max, char **data, size_t *len)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    lx_status rc = LX_OK;
    *data = NULL;
    *len = 0;
    if (!f)
        return LX_EIO;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = LX_EIO;
        goto out;
    }
    if ((size_t)st.st_size > max) {
        rc = LX_ETOOBIG;
        goto out;
    }
    *data = xmalloc((size_t)st.st_size + 1);
    if (fread(*data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(*data);
        *data = NULL;
        rc = LX_EIO;
        goto out;
    }
    (*data)[st.st_size] = '\0';
    *len = (size_t)st.st_size;
out:
    fclose(f);
    return rc;
}

lx_status file_temp(char *path, size_t len, const char *prefix)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, len, "%s/%s-XXXXXX", dir && *dir ? dir : "/tmp", prefix);
    int fd = mkstemp(path);
    if (fd < 0)
        return LX_EIO;
    close(fd);
    return LX_OK;
}
