/* test_form.c -- what a resident's browser sends from the request form, read back field by field. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

#define CT "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"
#define B "------WebKitFormBoundary7MA4YWxkTrZu0gW"

/* The body of the last parse: the parts point into it, so it lives until
 * the next parse (or the end of the tests). */
static unsigned char *held;

static int release_held(void **state)
{
    (void)state;
    free(held);
    held = NULL;
    return 0;
}

/* Parse a body held in a string literal, copied to the heap at its exact
 * size so that ASan sees any read past it. */
static lx_status parse(const char *ct, const char *body, size_t n, form_part *parts,
                       size_t max, size_t *np, lx_error *e)
{
    release_held(NULL);
    held = malloc(n ? n : 1);
    memcpy(held, body, n);
    return multipart_parse(ct, held, n, parts, max, np, e);
}
#define PARSE(ct, lit, parts, max, np, e) parse((ct), (lit), sizeof(lit) - 1, (parts), (max), (np), (e))

static void expect_data(const form_part *p, const void *data, size_t len)
{
    assert_int_equal(p->len, len);
    assert_memory_equal(p->data, data, len);
}

static void test_two_photos_and_text_fields_as_a_browser_sends_them(void **state)
{
    (void)state;
    static const char body[] =
        B "\r\n"
        "Content-Disposition: form-data; name=\"kind\"\r\n\r\n"
        "road\r\n"
        B "\r\n"
        "Content-Disposition: form-data; name=\"text\"\r\n\r\n"
        "\xE8\xB7\xAF\xE7\x81\xAF\xE5\x9D\x8F\xE4\xBA\x86\r\nsince Monday\r\n"
        B "\r\n"
        "Content-Disposition: form-data; name=\"photo\"; filename=\"IMG_0001.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n"
        "\xFF\xD8\xFF\xE0\r\n\r\n--\x00\xFF\xD9\r\n"
        B "\r\n"
        "Content-Disposition: form-data; name=\"photo\"; filename=\"\xE8\xB7\xAF.png\"\r\n"
        "Content-Type: image/png\r\n\r\n"
        "\x89PNG\r\n\x1A\n\r\n"
        B "--\r\n";
    form_part parts[8];
    size_t np = 99;
    lx_error e = {0};
    assert_int_equal(PARSE(CT, body, parts, 8, &np, &e), LX_OK);
    assert_int_equal(np, 4);
    assert_string_equal(parts[0].name, "kind");
    assert_false(parts[0].has_filename);
    assert_string_equal(parts[0].ctype, "");
    expect_data(&parts[0], "road", 4);
    /* CRLF inside a value belongs to it; the CRLF before the boundary does not. */
    assert_string_equal(parts[1].name, "text");
    expect_data(&parts[1], "\xE8\xB7\xAF\xE7\x81\xAF\xE5\x9D\x8F\xE4\xBA\x86\r\nsince Monday", 26);
    assert_string_equal(parts[2].name, "photo");
    assert_true(parts[2].has_filename);
    assert_string_equal(parts[2].filename, "IMG_0001.jpg");
    assert_string_equal(parts[2].ctype, "image/jpeg");
    expect_data(&parts[2], "\xFF\xD8\xFF\xE0\r\n\r\n--\x00\xFF\xD9", 13);
    assert_string_equal(parts[3].filename, "\xE8\xB7\xAF.png");
    expect_data(&parts[3], "\x89PNG\r\n\x1A\n", 8);

    /* Both photos, in order, through form_find. */
    size_t from = 0;
    const form_part *p = form_find(parts, np, "photo", &from);
    assert_ptr_equal(p, &parts[2]);
    p = form_find(parts, np, "photo", &from);
    assert_ptr_equal(p, &parts[3]);
    assert_null(form_find(parts, np, "photo", &from));
    from = 0;
    assert_null(form_find(parts, np, "phone", &from));
}

static void test_quoted_boundary_preamble_and_epilogue(void **state)
{
    (void)state;
    static const char body[] = "This is the preamble.\r\n"
                               "--a:b c\r\n"
                               "content-disposition: FORM-DATA; name=x\r\n\r\n"
                               "1\r\n"
                               "--a:b c--\r\n"
                               "epilogue, ignored\r\n--a:b c\r\n";
    form_part parts[4];
    size_t np = 0;
    lx_error e = {0};
    assert_int_equal(PARSE("Multipart/Form-Data; charset=utf-8; boundary=\"a:b c\"", body, parts,
                           4, &np, &e), LX_OK);
    assert_int_equal(np, 1);
    assert_string_equal(parts[0].name, "x");
    expect_data(&parts[0], "1", 1);
}

static void test_no_file_chosen_is_an_empty_file_part(void **state)
{
    (void)state;
    static const char body[] = "--b\r\n"
                               "Content-Disposition: form-data; name=\"photo\"; filename=\"\"\r\n"
                               "Content-Type: application/octet-stream\r\n\r\n"
                               "\r\n--b\r\n"
                               "Content-Disposition: form-data; name=\"text\"\r\n\r\n"
                               "\r\n--b--";
    form_part parts[4];
    size_t np = 0;
    lx_error e = {0};
    assert_int_equal(PARSE("multipart/form-data; boundary=b", body, parts, 4, &np, &e), LX_OK);
    assert_int_equal(np, 2);
    assert_true(parts[0].has_filename);
    assert_string_equal(parts[0].filename, "");
    assert_int_equal(parts[0].len, 0);
    assert_int_equal(parts[1].len, 0);
}

static void test_file_name_loses_its_directory_and_long_names_are_cut_whole(void **state)
{
    (void)state;
    char body[2048];
    int w = snprintf(body, sizeof body,
                     "--b\r\nContent-Disposition: form-data; name=\"photo\"; "
                     "filename=\"C:\\\\Users\\\\li\\\\a.jpg\"\r\n\r\nx\r\n"
                     "--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"");
    for (int i = 0; i < 100; i++) /* 300 bytes of 你 */
        w += snprintf(body + w, sizeof body - (size_t)w, "\xE4\xBD\xA0");
    w += snprintf(body + w, sizeof body - (size_t)w, ".jpg\"\r\n\r\ny\r\n--b--\r\n");
    form_part parts[4];
    size_t np = 0;
    lx_error e = {0};
    assert_int_equal(parse("multipart/form-data; boundary=b", body, (size_t)w, parts, 4, &np, &e),
                     LX_OK);
    assert_int_equal(np, 2);
    assert_string_equal(parts[0].filename, "a.jpg");
    /* 255 bytes fit: 85 whole characters, never half of one. */
    assert_int_equal(strlen(parts[1].filename), 255);
    assert_memory_equal(parts[1].filename + 252, "\xE4\xBD\xA0", 3);
}

/* Each malformed body is refused with LX_EINVAL and no parts. */
static void refuse(const char *ct, const char *body, size_t n, size_t max, const char *why)
{
    form_part parts[4];
    size_t np = 99;
    lx_error e = {0};
    lx_status rc = parse(ct, body, n, parts, max, &np, &e);
    if (rc != LX_EINVAL)
        fail_msg("%s: got %d, want LX_EINVAL", why, rc);
    assert_int_equal(np, 0);
    assert_int_equal(e.code, LX_EINVAL);
    assert_true(e.message[0] != '\0');
}
#define REFUSE(ct, lit, max, why) refuse((ct), (lit), sizeof(lit) - 1, (max), (why))

static void test_malformed_bodies_are_refused(void **state)
{
    (void)state;
    const char *ct = "multipart/form-data; boundary=b";
    REFUSE(ct, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n", 4,
           "missing closing boundary");
    REFUSE(ct, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b", 4,
           "boundary not closed");
    REFUSE(ct, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1", 4,
           "cut inside a part");
    REFUSE(ct, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n", 4,
           "cut inside the headers");
    REFUSE(ct, "--b\r\n\r\nno headers\r\n--b--\r\n", 4, "part without headers");
    REFUSE(ct, "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--\r\n", 4,
           "part without Content-Disposition");
    REFUSE(ct, "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--\r\n", 4,
           "part without name");
    REFUSE(ct, "--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n--b--\r\n", 4,
           "empty name");
    REFUSE(ct, "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--b--\r\n", 4,
           "not form-data");
    REFUSE(ct, "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--b--\r\n", 4,
           "unterminated quote");
    REFUSE(ct, "--b\r\nContent-Disposition: form-data; name=\"\xFF\"\r\n\r\n1\r\n--b--\r\n", 4,
           "name not UTF-8");
    REFUSE(ct, "--b\r\nno colon here\r\n\r\n1\r\n--b--\r\n", 4, "header without colon");
    REFUSE(ct, "--bxyz\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--\r\n", 4,
           "a longer boundary is not ours");
    REFUSE(ct, "no boundary anywhere", 4, "no boundary");
    REFUSE(ct, "", 4, "empty body");
    /* Bare LF line ends are not CRLF. */
    REFUSE(ct, "--b\nContent-Disposition: form-data; name=a\n\n1\n--b--\n", 4, "LF only");
    /* Too many parts. */
    REFUSE(ct,
           "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
           "--b\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
           "--b\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n--b--\r\n",
           2, "three parts, room for two");
    /* Bad boundaries in the content type. */
    REFUSE("multipart/form-data", "--b--", 4, "no boundary parameter");
    REFUSE("multipart/form-data; boundary=", "--b--", 4, "empty boundary");
    REFUSE("multipart/form-data; boundary=\"b", "--b--", 4, "unterminated quoted boundary");
    REFUSE("multipart/form-data; boundary=12345678901234567890123456789012345678901234567890"
           "123456789012345678901",
           "--b--", 4, "71-byte boundary");
}

static void test_other_content_types_are_unsupported_media(void **state)
{
    (void)state;
    form_part parts[2];
    size_t np = 9;
    lx_error e = {0};
    static const unsigned char body[] = "a=1";
    assert_int_equal(multipart_parse("application/x-www-form-urlencoded", body, 3, parts, 2, &np,
                                     &e), LX_EMEDIA);
    assert_int_equal(np, 0);
    assert_int_equal(multipart_parse(NULL, body, 3, parts, 2, &np, &e), LX_EMEDIA);
    assert_int_equal(multipart_parse("multipart/form-datax; boundary=b", body, 3, parts, 2, &np,
                                     &e), LX_EMEDIA);
    assert_int_equal(multipart_parse("multipart/mixed; boundary=b", body, 3, parts, 2, &np, &e),
                     LX_EMEDIA);
}

static void test_zero_parts_with_closing_boundary_only(void **state)
{
    (void)state;
    form_part parts[2];
    size_t np = 9;
    lx_error e = {0};
    assert_int_equal(PARSE("multipart/form-data; boundary=b", "--b--\r\n", parts, 2, &np, &e), LX_OK);
    assert_int_equal(np, 0);
}

static void test_every_truncation_of_a_form_is_refused_cleanly(void **state)
{
    (void)state;
    static const char body[] =
        "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n\xFF\xD8\xFF\xD9\r\n--b--";
    for (size_t n = 0; n < sizeof body - 1; n++) {
        form_part parts[4];
        size_t np = 9;
        lx_error e = {0};
        unsigned char *cut = malloc(n ? n : 1);
        memcpy(cut, body, n);
        assert_int_equal(multipart_parse("multipart/form-data; boundary=b", cut, n, parts, 4,
                                         &np, &e), LX_EINVAL);
        assert_int_equal(np, 0);
        free(cut);
    }
}

/* ---- application/x-www-form-urlencoded ---- */

/* Parse a copy of s (with room for the NUL at body[n]). */
static lx_status url(const char *s, form_field *f, size_t max, size_t *nf, char **keep)
{
    size_t n = strlen(s);
    char *body = malloc(n + 1);
    memcpy(body, s, n);
    body[n] = '#'; /* not a NUL: the parser must write it */
    *keep = body;
    return urlencoded_parse(body, n, f, max, nf);
}

static void test_urlencoded_decodes_utf8_escapes_and_plus(void **state)
{
    (void)state;
    form_field f[8];
    size_t nf = 0;
    char *body;
    assert_int_equal(url("name=%E4%BD%A0%E5%A5%BD&text=street+lamp+broken%21&empty=&flag&x=a%2Bb%3D",
                         f, 8, &nf, &body), LX_OK);
    assert_int_equal(nf, 5);
    assert_string_equal(f[0].name, "name");
    assert_string_equal(f[0].value, "\xE4\xBD\xA0\xE5\xA5\xBD");
    assert_int_equal(f[0].value_len, 6);
    assert_string_equal(f[1].value, "street lamp broken!");
    assert_string_equal(f[2].name, "empty");
    assert_string_equal(f[2].value, "");
    assert_string_equal(f[3].name, "flag");
    assert_string_equal(f[3].value, "");
    assert_string_equal(f[4].value, "a+b=");
    assert_string_equal(form_value(f, nf, "text"), "street lamp broken!");
    assert_null(form_value(f, nf, "phone"));
    free(body);

    assert_int_equal(url("a=1&&b=2&", f, 8, &nf, &body), LX_OK);
    assert_int_equal(nf, 2);
    assert_string_equal(f[1].name, "b");
    assert_string_equal(f[1].value, "2");
    free(body);

    assert_int_equal(url("", f, 8, &nf, &body), LX_OK);
    assert_int_equal(nf, 0);
    free(body);
}

static void test_urlencoded_refuses_bad_escapes_and_bad_text(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a=%4",        /* cut escape */
        "a=%",         /* bare percent */
        "a=%zz",       /* not hex */
        "a=%00",       /* NUL */
        "a=%FF",       /* not UTF-8 once decoded */
        "a=%E4%BD",    /* a character cut short */
        "=value",      /* no name */
        "a=1&b=2&c=3", /* more fields than room (max 2) */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        form_field f[2];
        size_t nf = 9;
        char *body;
        lx_status rc = url(bad[i], f, 2, &nf, &body);
        if (rc != LX_EINVAL)
            fail_msg("\"%s\": got %d, want LX_EINVAL", bad[i], rc);
        assert_int_equal(nf, 0);
        free(body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_photos_and_text_fields_as_a_browser_sends_them),
        cmocka_unit_test(test_quoted_boundary_preamble_and_epilogue),
        cmocka_unit_test(test_no_file_chosen_is_an_empty_file_part),
        cmocka_unit_test(test_file_name_loses_its_directory_and_long_names_are_cut_whole),
        cmocka_unit_test(test_malformed_bodies_are_refused),
        cmocka_unit_test(test_other_content_types_are_unsupported_media),
        cmocka_unit_test(test_zero_parts_with_closing_boundary_only),
        cmocka_unit_test(test_every_truncation_of_a_form_is_refused_cleanly),
        cmocka_unit_test(test_urlencoded_decodes_utf8_escapes_and_plus),
        cmocka_unit_test(test_urlencoded_refuses_bad_escapes_and_bad_text),
    };
    return cmocka_run_group_tests(tests, NULL, release_held);
}
