/* photos.c -- residents' photos kept as files named by their hash, outside the database. */
#include "store/photos.h"
#include "io/image.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_MODE 0750
#define FILE_MODE 0640
#define ROOT_MAX (PATH_MAX - 128) /* room for the root; "/ab/<hash>.png" fits after it */

static char photos_dir[ROOT_MAX]; /* set by photos_set_dir, "" for the default */

lx_status photos_set_dir(const char *dir)
{
    if (!dir) {
        photos_dir[0] = '\0';
        return LX_OK;
    }
    if (!*dir || strlen(dir) >= sizeof photos_dir)
        return LX_EINVAL;
    lx_strlcpy(photos_dir, dir, sizeof photos_dir);
    return LX_OK;
}

/* The photos directory into buf: the one set, or "photos" beside the database. */
static lx_status root_dir(char *buf, size_t size)
{
    if (photos_dir[0]) {
        lx_strlcpy(buf, photos_dir, size);
        return LX_OK;
    }
    const char *dbp = store_path();
    if (!dbp) {
        log_error("photos: no directory (no database open)");
        return LX_EIO;
    }
    const char *slash = strrchr(dbp, '/');
    int w = slash ? snprintf(buf, size, "%.*s/photos", (int)(slash - dbp), dbp)
                  : snprintf(buf, size, "photos");
    if (w < 0 || (size_t)w >= size) {
        log_error("photos: the database path is too long");
        return LX_EIO;
    }
    if (slash == dbp) /* a database at the root: "/photos" */
        snprintf(buf, size, "/photos");
    return LX_OK;
}

int photos_hash_valid(const char *hash)
{
    if (!hash)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f')))
            return 0;
    return hash[64] == '\0';
}

/* fsync a directory so that the entries just made in it survive a crash. */
static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Create dir (one level) if missing; when made, fsync its parent. */
static int make_dir(const char *dir)
{
    struct stat st;
    if (mkdir(dir, DIR_MODE) != 0) {
        if (errno != EEXIST)
            return -1;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return 0;
        errno = ENOTDIR;
        return -1;
    }
    char parent[PATH_MAX];
    lx_strlcpy(parent, dir, sizeof parent);
    char *slash = strrchr(parent, '/');
    if (!slash)
        lx_strlcpy(parent, ".", sizeof parent);
    else if (slash == parent)
        slash[1] = '\0';
    else
        *slash = '\0';
    return fsync_dir(parent);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

lx_status photos_put(const unsigned char *data, size_t n, int type, char hash[65])
{
    char root[ROOT_MAX], sub[ROOT_MAX + 4], path[PATH_MAX], tmp[PATH_MAX];
    unsigned char digest[32];
    struct stat st;
    const char *ext = image_ext(type), *what = "";
    lx_status rc = LX_OK;
    int fd = -1;
    hash[0] = '\0';
    tmp[0] = '\0';
    if (!n || !data || !ext)
        return LX_EINVAL;
    crypto_sha256(data, n, digest);
    crypto_hex(digest, sizeof digest, hash);
    rc = root_dir(root, sizeof root);
    if (rc)
        return rc;
    snprintf(sub, sizeof sub, "%s/%.2s", root, hash);
    snprintf(path, sizeof path, "%s/%s.%s", sub, hash, ext);
    if (lstat(path, &st) == 0) {
        if (S_ISREG(st.st_mode))
            return LX_OK; /* the same bytes are there already */
        what = "not a regular file";
        errno = EEXIST;
        goto fail;
    }
    if (make_dir(root) != 0 || make_dir(sub) != 0) {
        log_error("photos: cannot create directory %s: %s", sub, strerror(errno));
        return LX_EIO;
    }
    snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", sub);
    what = "cannot write";
    fd = mkstemp(tmp);
    if (fd < 0) {
        tmp[0] = '\0';
        goto fail;
    }
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fchmod(fd, FILE_MODE) != 0 ||
        write_all(fd, data, n) != 0 || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    tmp[0] = '\0';
    what = "cannot sync directory";
    if (fsync_dir(sub) != 0)
        goto fail;
    return LX_OK;
fail:
    log_error("photos: %s %s: %s", what, tmp[0] ? tmp : path, strerror(errno));
    if (fd >= 0)
        close(fd);
    if (tmp[0])
        unlink(tmp);
    return LX_EIO;
}

/* Read the open file fd (at most PHOTOS_MAX_BYTES) into *data, *n. */
static lx_status read_fd(int fd, const char *path, unsigned char **data, size_t *n)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)PHOTOS_MAX_BYTES) {
        log_error("photos: %s is not a photo file", path);
        return LX_EIO;
    }
    size_t size = (size_t)st.st_size, got = 0;
    unsigned char *buf = xmalloc(size ? size : 1);
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            log_error("photos: cannot read %s: %s", path, r ? strerror(errno) : "short file");
            free(buf);
            return LX_EIO;
        }
        got += (size_t)r;
    }
    *data = buf;
    *n = size;
    return LX_OK;
}

lx_status photos_open(const char *hash, int *type, unsigned char **data, size_t *n)
{
    static const int types[] = {IMAGE_JPEG, IMAGE_PNG};
    char root[ROOT_MAX], path[PATH_MAX];
    lx_status rc;
    *data = NULL;
    *n = 0;
    *type = IMAGE_NONE;
    if (!photos_hash_valid(hash))
        return LX_EINVAL;
    rc = root_dir(root, sizeof root);
    if (rc)
        return rc;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        snprintf(path, sizeof path, "%s/%.2s/%s.%s", root, hash, hash, image_ext(types[i]));
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT)
                continue;
            log_error("photos: cannot open %s: %s", path, strerror(errno));
            return LX_EIO;
        }
        rc = read_fd(fd, path, data, n);
        close(fd);
        if (!rc)
            *type = types[i];
        return rc;
    }
    return LX_ENOTFOUND;
}
