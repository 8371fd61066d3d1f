/* test_photos.c -- residents' photos kept as files named by their hash, beside the database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/image.h"
#include "store/photos.h"
#include "store/store.h"

/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

typedef struct fixture {
    char dir[64];     /* a temporary directory */
    char photos[128]; /* <dir>/photos, the photos directory set for the test */
} fixture;

/* Remove a directory tree (two levels of photos at most, plus the db files). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char child[512];
        snprintf(child, sizeof child, "%s/%s", path, de->d_name);
        remove_tree(child);
    }
    closedir(d);
    rmdir(path);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    umask(022);
    snprintf(f->dir, sizeof f->dir, "/tmp/lx-test-photos-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->photos, sizeof f->photos, "%s/photos", f->dir);
    if (photos_set_dir(f->photos))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    photos_set_dir(NULL);
    remove_tree(f->dir);
    free(f);
    return 0;
}

/* The number of entries of a directory other than "." and "..". */
static int entries(const char *path)
{
    DIR *d = opendir(path);
    int n = 0;
    struct dirent *de;
    assert_non_null(d);
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_photo_is_stored_under_its_hash_and_read_back(void **state)
{
    fixture *f = *state;
    char hash[65], path[256];
    struct stat st;
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_JPEG, hash), LX_OK);
    assert_string_equal(hash, ABC_SHA256);

    snprintf(path, sizeof path, "%s/ba/%s.jpg", f->photos, ABC_SHA256);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(st.st_size, 3);
    assert_int_equal(stat(f->photos, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0750);
    snprintf(path, sizeof path, "%s/ba", f->photos);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0750);
    assert_int_equal(entries(path), 1); /* no temporary file left behind */

    unsigned char *data = NULL;
    size_t n = 0;
    int type = 0;
    assert_int_equal(photos_open(ABC_SHA256, &type, &data, &n), LX_OK);
    assert_int_equal(type, IMAGE_JPEG);
    assert_int_equal(n, 3);
    assert_memory_equal(data, "abc", 3);
    free(data);
}

static void test_same_photo_twice_is_stored_once(void **state)
{
    fixture *f = *state;
    char hash[65], again[65], path[256];
    struct stat st1, st2;
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_JPEG, hash), LX_OK);
    snprintf(path, sizeof path, "%s/ba/%s.jpg", f->photos, hash);
    assert_int_equal(stat(path, &st1), 0);
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_JPEG, again), LX_OK);
    assert_string_equal(again, hash);
    assert_int_equal(stat(path, &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino); /* not rewritten */
    snprintf(path, sizeof path, "%s/ba", f->photos);
    assert_int_equal(entries(path), 1);
}

static void test_png_keeps_its_type_and_other_photos_their_own_directory(void **state)
{
    fixture *f = *state;
    char h1[65], h2[65], path[256];
    static const unsigned char png[] = "\x89PNG not really, but stored as given";
    assert_int_equal(photos_put(png, sizeof png - 1, IMAGE_PNG, h1), LX_OK);
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_JPEG, h2), LX_OK);
    assert_string_not_equal(h1, h2);
    snprintf(path, sizeof path, "%s/%.2s/%s.png", f->photos, h1, h1);
    assert_int_equal(access(path, F_OK), 0);

    unsigned char *data = NULL;
    size_t n = 0;
    int type = 0;
    assert_int_equal(photos_open(h1, &type, &data, &n), LX_OK);
    assert_int_equal(type, IMAGE_PNG);
    assert_int_equal(n, sizeof png - 1);
    assert_memory_equal(data, png, n);
    free(data);
}

static void test_unknown_photo_is_not_found(void **state)
{
    (void)state;
    unsigned char *data = (unsigned char *)"x";
    size_t n = 9;
    int type = 9;
    /* Before anything was stored (no directory yet) and after. */
    assert_int_equal(photos_open(ABC_SHA256, &type, &data, &n), LX_ENOTFOUND);
    assert_null(data);
    assert_int_equal(n, 0);
    assert_int_equal(type, IMAGE_NONE);
    char hash[65];
    assert_int_equal(photos_put((const unsigned char *)"abd", 3, IMAGE_JPEG, hash), LX_OK);
    assert_int_equal(photos_open(ABC_SHA256, &type, &data, &n), LX_ENOTFOUND);
}

static void test_malformed_hashes_never_reach_the_file_system(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", /* upper case */
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",  /* 63 digits */
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0", /* 65 digits */
        "../../../../../../../../../../../../../../../../../../etc/passwd",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a/",
        "",
    };
    char link[256];
    unsigned char *data = NULL;
    size_t n = 0;
    int type = 0;
    /* Even where a file with such a name exists, it is not read. */
    mkdir(f->photos, 0750);
    snprintf(link, sizeof link, "%s/BA", f->photos);
    mkdir(link, 0750);
    snprintf(link, sizeof link, "%s/BA/%s.jpg", f->photos, bad[0]);
    FILE *fp = fopen(link, "w");
    assert_non_null(fp);
    fputs("abc", fp);
    fclose(fp);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(photos_open(bad[i], &type, &data, &n), LX_EINVAL);
        assert_null(data);
        assert_false(photos_hash_valid(bad[i]));
    }
    assert_int_equal(photos_open(NULL, &type, &data, &n), LX_EINVAL);
    assert_true(photos_hash_valid(ABC_SHA256));
}

static void test_empty_data_or_unknown_type_is_refused(void **state)
{
    fixture *f = *state;
    char hash[65];
    assert_int_equal(photos_put((const unsigned char *)"", 0, IMAGE_JPEG, hash), LX_EINVAL);
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_NONE, hash), LX_EINVAL);
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, 7, hash), LX_EINVAL);
    assert_int_equal(access(f->photos, F_OK), -1); /* nothing was created */
}

static void test_unwritable_directory_is_an_io_error(void **state)
{
    fixture *f = *state;
    char hash[65], path[256];
    /* A photos "directory" whose parent does not exist. */
    snprintf(path, sizeof path, "%s/no/such/photos", f->dir);
    assert_int_equal(photos_set_dir(path), LX_OK);
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_JPEG, hash), LX_EIO);
    /* A file in the way of the hash's subdirectory. */
    assert_int_equal(photos_set_dir(f->photos), LX_OK);
    mkdir(f->photos, 0750);
    snprintf(path, sizeof path, "%s/ba", f->photos);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_JPEG, hash), LX_EIO);
    assert_int_equal(photos_set_dir(""), LX_EINVAL);
}

static void test_default_directory_is_beside_the_database(void **state)
{
    fixture *f = *state;
    char dbfile[128], key[128], path[256], hash[65];
    photos_set_dir(NULL);
    /* No database open, no directory set: nowhere to store. */
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_JPEG, hash), LX_EIO);
    snprintf(dbfile, sizeof dbfile, "%s/lianxin.db", f->dir);
    snprintf(key, sizeof key, "%s/key", f->dir);
    assert_int_equal(store_open(dbfile, key, 1), LX_OK);
    assert_int_equal(photos_put((const unsigned char *)"abc", 3, IMAGE_JPEG, hash), LX_OK);
    snprintf(path, sizeof path, "%s/photos/ba/%s.jpg", f->dir, ABC_SHA256);
    assert_int_equal(access(path, F_OK), 0);
    store_close();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_photo_is_stored_under_its_hash_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_photo_twice_is_stored_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_png_keeps_its_type_and_other_photos_their_own_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_photo_is_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_hashes_never_reach_the_file_system, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_data_or_unknown_type_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_directory_is_an_io_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_directory_is_beside_the_database, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
