/* test_image.c -- residents' photos: only JPEG and PNG get in, and they get in without metadata. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "io/image.h"

/* ---- test images, built here ---- */

/* A baseline 8x8 grey JPEG: JFIF APP0, a quantisation table of ones, one
 * component, one-code Huffman tables (DC category 0, AC end of block), one
 * block of entropy data (bits 0 0, padded with ones), EOI. */
static const unsigned char jpeg_plain[] = {
    0xFF, 0xD8,                                                       /* SOI */
    0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
    0x00, 0x00,                                                       /* APP0 JFIF */
    0xFF, 0xDB, 0x00, 0x43, 0x00,                                     /* DQT, table 0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00, /* SOF0 8x8 */
    0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, /* DHT DC */
    0xFF, 0xC4, 0x00, 0x14, 0x10, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, /* DHT AC */
    0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00,       /* SOS */
    0x3F,                                                             /* entropy data */
    0xFF, 0xD9,                                                       /* EOI */
};
#define JPEG_SOF_AT 89  /* offset of the SOF0 marker in jpeg_plain */
#define JPEG_SOS_AT 146 /* offset of the SOS marker */

/* A byte buffer the tests assemble images in. */
typedef struct buf {
    unsigned char b[8192]; /* contents */
    size_t n;              /* bytes used */
} buf;

static void add(buf *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof b->b);
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static void add_str(buf *b, const char *s)
{
    add(b, s, strlen(s));
}

/* Whether needle occurs in hay[n]. */
static int contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= n; i++)
        if (!memcmp(hay + i, needle, l))
            return 1;
    return 0;
}

/* A JPEG segment: marker, big-endian length, payload. */
static void add_segment(buf *b, unsigned char marker, const void *payload, size_t n)
{
    unsigned char h[4] = {0xFF, marker, (unsigned char)((n + 2) >> 8), (unsigned char)(n + 2)};
    add(b, h, 4);
    add(b, payload, n);
}

/* The PNG CRC, written bit by bit (independently of the module's table). */
static uint32_t crc_bits(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A PNG chunk with its length and a correct CRC. */
static void add_chunk(buf *b, const char type[4], const void *data, size_t n)
{
    unsigned char tmp[1024];
    assert_true(n + 4 <= sizeof tmp);
    put32(tmp, (uint32_t)n);
    add(b, tmp, 4);
    memcpy(tmp, type, 4);
    if (n)
        memcpy(tmp + 4, data, n);
    add(b, tmp, 4 + n);
    put32(tmp, crc_bits(tmp, 4 + n));
    add(b, tmp, 4);
}

static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
/* IHDR of a 1x1 8-bit greyscale image. */
static const unsigned char ihdr_1x1[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0};
/* zlib stream of one row: filter byte 0 and one black pixel (a stored block). */
static const unsigned char idat_1x1[] = {0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x00,
                                         0x00, 0x02, 0x00, 0x01};

/* A PNG: signature, IHDR (from `ihdr`), the chunks `before` adds, IDAT, the
 * chunks `after` adds, IEND. */
static void make_png(buf *b, const unsigned char ihdr[13], void (*before)(buf *),
                     void (*after)(buf *))
{
    b->n = 0;
    add(b, png_sig, 8);
    add_chunk(b, "IHDR", ihdr, 13);
    if (before)
        before(b);
    add_chunk(b, "IDAT", idat_1x1, sizeof idat_1x1);
    if (after)
        after(b);
    add_chunk(b, "IEND", NULL, 0);
}

static void add_gamma(buf *b)
{
    static const unsigned char gama[4] = {0, 0, 0xB1, 0x8F}; /* 1/2.2 */
    add_chunk(b, "gAMA", gama, 4);
}

static void add_png_metadata_before(buf *b)
{
    add_gamma(b);
    static const char exif[] = "MM\0*\0\0\0\bGPSLatitude 39.9 N GPSLongitude 116.4 E";
    add_chunk(b, "eXIf", exif, sizeof exif - 1);
    add_chunk(b, "tEXt", "Comment\0taken at GPS 39.9,116.4", 31);
    add_chunk(b, "iTXt", "Location\0\0\0\0\0GPS home", 22);
    add_chunk(b, "prVt", "GPS private", 11);
}

static void add_png_metadata_after(buf *b)
{
    static const unsigned char when[7] = {0x07, 0xE8, 1, 2, 3, 4, 5};
    add_chunk(b, "tIME", when, 7);
    add_chunk(b, "zTXt", "Author\0\0xGPSzip", 15);
}

/* Clean and expect success with the given type; the caller frees *out. */
static unsigned char *clean_ok(const unsigned char *in, size_t n, int want_type, size_t *outn)
{
    unsigned char *out = NULL;
    int type = -1;
    lx_error e = {0};
    assert_int_equal(image_clean(in, n, 5u << 20, &out, outn, &type, &e), LX_OK);
    assert_int_equal(type, want_type);
    assert_non_null(out);
    assert_true(*outn <= n);
    return out;
}

/* Clean and expect a refusal with `code` and `message`. */
static void clean_fails(const unsigned char *in, size_t n, lx_status code, const char *message)
{
    unsigned char *out = (unsigned char *)"x";
    size_t outn = 99;
    int type = -1;
    lx_error e = {0};
    assert_int_equal(image_clean(in, n, 5u << 20, &out, &outn, &type, &e), code);
    assert_int_equal(e.code, code);
    assert_string_equal(e.field, "photo");
    if (message)
        assert_string_equal(e.message, message);
    assert_null(out);
    assert_int_equal(outn, 0);
    assert_int_equal(type, IMAGE_NONE);
}

/* ---- JPEG ---- */

static void test_plain_jpeg_passes_unchanged(void **state)
{
    (void)state;
    size_t n;
    unsigned char *out = clean_ok(jpeg_plain, sizeof jpeg_plain, IMAGE_JPEG, &n);
    assert_int_equal(n, sizeof jpeg_plain);
    assert_memory_equal(out, jpeg_plain, n);
    free(out);
}

static void test_jpeg_loses_exif_gps_xmp_comments_and_trailer(void **state)
{
    (void)state;
    static const char exif[] = "Exif\0\0MM\0*\0\0\0\bGPSLatitude 39.9042 N GPSLongitude 116.4074 E";
    static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS home</x:xmpmeta>";
    static const char icc[] = "ICC_PROFILE\0\1\1GPS";
    buf b = {.n = 0};
    add(&b, jpeg_plain, 20);                      /* SOI, APP0 */
    add_segment(&b, 0xE1, exif, sizeof exif - 1); /* APP1 EXIF with GPS */
    add_segment(&b, 0xE1, xmp, sizeof xmp - 1);   /* APP1 XMP */
    add_segment(&b, 0xE2, icc, sizeof icc - 1);   /* APP2 ICC */
    add(&b, jpeg_plain + 20, JPEG_SOS_AT - 20);   /* DQT, SOF, DHT */
    add_segment(&b, 0xFE, "shot at GPS 39.9,116.4", 22); /* COM */
    add_segment(&b, 0xED, "Photoshop 3.0\0GPS", 17);     /* APP13 */
    add(&b, jpeg_plain + JPEG_SOS_AT, sizeof jpeg_plain - JPEG_SOS_AT);
    add_str(&b, "\xFF\xD8\xFF\xE1 Exif GPS of a second image after EOI");
    assert_true(contains(b.b, b.n, "GPS"));

    size_t n;
    unsigned char *out = clean_ok(b.b, b.n, IMAGE_JPEG, &n);
    assert_false(contains(out, n, "GPS"));
    assert_false(contains(out, n, "Exif"));
    assert_false(contains(out, n, "xmpmeta"));
    assert_int_equal(out[0], 0xFF);
    assert_int_equal(out[1], 0xD8);
    assert_int_equal(out[n - 2], 0xFF);
    assert_int_equal(out[n - 1], 0xD9);
    /* What remains is exactly the image without its metadata. */
    assert_int_equal(n, sizeof jpeg_plain);
    assert_memory_equal(out, jpeg_plain, n);
    free(out);
}

static void test_jpeg_keeps_restart_markers_stuffing_and_adobe_segment(void **state)
{
    (void)state;
    static const unsigned char dri[2] = {0x00, 0x01};
    static const unsigned char adobe[12] = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 1};
    static const unsigned char scan[] = {0x3F, 0xFF, 0x00, 0x12, 0xFF, 0xD0, 0x3F, 0xFF, 0xFF, 0xD1, 0x3F};
    buf b = {.n = 0};
    add(&b, jpeg_plain, JPEG_SOS_AT);
    add_segment(&b, 0xEE, adobe, sizeof adobe);
    add_segment(&b, 0xDD, dri, sizeof dri);
    add(&b, jpeg_plain + JPEG_SOS_AT, 10); /* SOS header */
    add(&b, scan, sizeof scan);
    add(&b, "\xFF\xD9", 2);
    size_t n;
    unsigned char *out = clean_ok(b.b, b.n, IMAGE_JPEG, &n);
    assert_int_equal(n, b.n);
    assert_memory_equal(out, b.b, n);
    free(out);
}

static void test_jpeg_with_two_scans_keeps_both(void **state)
{
    (void)state;
    buf b = {.n = 0};
    add(&b, jpeg_plain, sizeof jpeg_plain - 2);          /* up to the first scan's data */
    add(&b, jpeg_plain + JPEG_SOS_AT - 44, 44);          /* DHT DC and AC again */
    add(&b, jpeg_plain + JPEG_SOS_AT, 11);               /* a second scan */
    add(&b, "\xFF\xD9", 2);
    size_t n;
    unsigned char *out = clean_ok(b.b, b.n, IMAGE_JPEG, &n);
    assert_int_equal(n, b.n);
    assert_memory_equal(out, b.b, n);
    free(out);
}

static void test_text_file_named_photo_jpg_is_refused(void **state)
{
    (void)state;
    static const char text[] = "This is not a photo, it is a note saved as photo.jpg\n";
    clean_fails((const unsigned char *)text, sizeof text - 1, LX_EMEDIA, "not a JPEG or PNG image");
    clean_fails((const unsigned char *)"", 0, LX_EMEDIA, "not a JPEG or PNG image");
    clean_fails(jpeg_plain, 2, LX_EMEDIA, "not a JPEG or PNG image");
}

static void test_gif_webp_and_html_are_refused(void **state)
{
    (void)state;
    static const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0,
                                        0, 0, 0, 0xFF, 0xFF, 0xFF, ',', 0, 0, 0, 0, 1, 0, 1,
                                        0, 0, 2, 2, 'D', 1, 0, ';'};
    static const char webp[] = "RIFF\x1a\0\0\0WEBPVP8 ";
    static const char html[] = "<html><script>alert(1)</script></html>";
    clean_fails(gif, sizeof gif, LX_EMEDIA, "not a JPEG or PNG image");
    clean_fails((const unsigned char *)webp, sizeof webp - 1, LX_EMEDIA, "not a JPEG or PNG image");
    clean_fails((const unsigned char *)html, sizeof html - 1, LX_EMEDIA, "not a JPEG or PNG image");
}

static void test_image_over_the_limit_is_too_big(void **state)
{
    (void)state;
    unsigned char *out = NULL;
    size_t n = 0;
    int type = -1;
    lx_error e = {0};
    assert_int_equal(image_clean(jpeg_plain, sizeof jpeg_plain, sizeof jpeg_plain - 1, &out, &n,
                                 &type, &e), LX_ETOOBIG);
    assert_int_equal(e.code, LX_ETOOBIG);
    assert_string_equal(e.field, "photo");
    assert_null(out);
    /* Exactly at the limit is fine. */
    assert_int_equal(image_clean(jpeg_plain, sizeof jpeg_plain, sizeof jpeg_plain, &out, &n,
                                 &type, &e), LX_OK);
    free(out);
    /* The limit is checked before the content: 6 MB of anything is too big at 5 MB. */
    size_t big = 6u << 20;
    unsigned char *junk = calloc(1, big);
    assert_int_equal(image_clean(junk, big, 5u << 20, &out, &n, &type, &e), LX_ETOOBIG);
    assert_string_equal(e.message, "the image is larger than 5 MB");
    free(junk);
}

static void test_damaged_jpegs_are_refused(void **state)
{
    (void)state;
    buf b;
    /* No EOI. */
    clean_fails(jpeg_plain, sizeof jpeg_plain - 2, LX_EMEDIA, "the image is damaged");
    /* A scan before the frame header. */
    b.n = 0;
    add(&b, jpeg_plain, JPEG_SOF_AT);
    add(&b, jpeg_plain + JPEG_SOS_AT, sizeof jpeg_plain - JPEG_SOS_AT);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* A segment length past the end. */
    b.n = 0;
    add(&b, jpeg_plain, 20);
    add(&b, "\xFF\xE1\x7F\xFF" "Exif", 8);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* A segment length below 2. */
    b.n = 0;
    add(&b, jpeg_plain, sizeof jpeg_plain);
    b.b[4] = 0;
    b.b[5] = 1;
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* EOI without any scan. */
    b.n = 0;
    add(&b, jpeg_plain, JPEG_SOS_AT);
    add(&b, "\xFF\xD9", 2);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* A frame of width 0. */
    b.n = 0;
    add(&b, jpeg_plain, sizeof jpeg_plain);
    b.b[JPEG_SOF_AT + 7] = 0;
    b.b[JPEG_SOF_AT + 8] = 0;
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* A scan naming a component the frame does not have. */
    b.n = 0;
    add(&b, jpeg_plain, sizeof jpeg_plain);
    b.b[JPEG_SOS_AT + 5] = 2;
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* Bytes between segments that are no marker. */
    b.n = 0;
    add(&b, jpeg_plain, 20);
    add(&b, "junk", 4);
    add(&b, jpeg_plain + 20, sizeof jpeg_plain - 20);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
}

/* ---- PNG ---- */

/* Walk the chunks of a PNG, check every CRC, and write their types in order. */
static void png_chunk_types(const unsigned char *p, size_t n, char *types, size_t size)
{
    size_t i = 8, o = 0;
    assert_memory_equal(p, png_sig, 8);
    while (i < n) {
        assert_true(n - i >= 12);
        uint32_t len = get32(p + i);
        assert_true(len <= n - i - 12);
        assert_int_equal(crc_bits(p + i + 4, 4 + len), get32(p + i + 8 + len));
        assert_true(o + 5 < size);
        memcpy(types + o, p + i + 4, 4);
        types[o + 4] = ' ';
        o += 5;
        i += 12 + len;
    }
    types[o ? o - 1 : 0] = '\0';
}

static void test_crc_of_the_test_matches_png_constant(void **state)
{
    (void)state;
    /* Every PNG ends with IEND and its CRC AE 42 60 82. */
    assert_int_equal(crc_bits((const unsigned char *)"IEND", 4), 0xAE426082u);
}

static void test_plain_png_passes_unchanged(void **state)
{
    (void)state;
    buf b;
    make_png(&b, ihdr_1x1, add_gamma, NULL);
    size_t n;
    unsigned char *out = clean_ok(b.b, b.n, IMAGE_PNG, &n);
    assert_int_equal(n, b.n);
    assert_memory_equal(out, b.b, n);
    free(out);
}

static void test_png_loses_exif_text_time_and_private_chunks(void **state)
{
    (void)state;
    buf b, want;
    char types[256];
    make_png(&b, ihdr_1x1, add_png_metadata_before, add_png_metadata_after);
    add_str(&b, "GPS trailer after IEND");
    assert_true(contains(b.b, b.n, "GPS"));
    make_png(&want, ihdr_1x1, add_gamma, NULL);

    size_t n;
    unsigned char *out = clean_ok(b.b, b.n, IMAGE_PNG, &n);
    assert_false(contains(out, n, "GPS"));
    png_chunk_types(out, n, types, sizeof types); /* CRCs all still correct */
    assert_string_equal(types, "IHDR gAMA IDAT IEND");
    assert_int_equal(n, want.n);
    assert_memory_equal(out, want.b, n);
    free(out);
}

static void test_palette_png_keeps_palette_and_transparency(void **state)
{
    (void)state;
    static const unsigned char ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0};
    buf b;
    char types[256];
    b.n = 0;
    add(&b, png_sig, 8);
    add_chunk(&b, "IHDR", ihdr, 13);
    add_chunk(&b, "PLTE", "\xFF\x00\x00\x00\xFF\x00", 6);
    add_chunk(&b, "tRNS", "\x80", 1);
    add_chunk(&b, "tEXt", "Title\0red", 9);
    add_chunk(&b, "IDAT", idat_1x1, sizeof idat_1x1);
    add_chunk(&b, "IEND", NULL, 0);
    size_t n;
    unsigned char *out = clean_ok(b.b, b.n, IMAGE_PNG, &n);
    png_chunk_types(out, n, types, sizeof types);
    assert_string_equal(types, "IHDR PLTE tRNS IDAT IEND");
    free(out);
}

static void test_damaged_pngs_are_refused(void **state)
{
    (void)state;
    static const unsigned char wide0[13] = {0, 0, 0, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0};
    static const unsigned char huge[13] = {0, 1, 0, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0};
    static const unsigned char depth3[13] = {0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 0, 0, 0};
    static const unsigned char palette[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0};
    buf b;
    /* A CRC off by one bit. */
    make_png(&b, ihdr_1x1, NULL, NULL);
    b.b[8 + 8 + 13] ^= 1;
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* A data byte changed under a correct-looking CRC. */
    make_png(&b, ihdr_1x1, NULL, NULL);
    b.b[8 + 8 + 25 + 8] ^= 0x10;
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* Width 0, width past the limit, a bit depth greyscale cannot have. */
    make_png(&b, wide0, NULL, NULL);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    make_png(&b, huge, NULL, NULL);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    make_png(&b, depth3, NULL, NULL);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* A palette image without PLTE. */
    make_png(&b, palette, NULL, NULL);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* IHDR not first. */
    b.n = 0;
    add(&b, png_sig, 8);
    add_gamma(&b);
    add_chunk(&b, "IHDR", ihdr_1x1, 13);
    add_chunk(&b, "IDAT", idat_1x1, sizeof idat_1x1);
    add_chunk(&b, "IEND", NULL, 0);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* No IEND. */
    make_png(&b, ihdr_1x1, NULL, NULL);
    clean_fails(b.b, b.n - 12, LX_EMEDIA, "the image is damaged");
    /* An unknown critical chunk. */
    make_png(&b, ihdr_1x1, NULL, NULL);
    b.n -= 12;
    add_chunk(&b, "QUUX", "x", 1);
    add_chunk(&b, "IEND", NULL, 0);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
    /* A chunk length past the end. */
    make_png(&b, ihdr_1x1, NULL, NULL);
    put32(b.b + 8 + 25, 0x7FFFFFF0u);
    clean_fails(b.b, b.n, LX_EMEDIA, "the image is damaged");
}

/* ---- hostile input ---- */

/* A small deterministic generator (xorshift32), so a failure can be replayed. */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Feed in[n] and expect OK or "damaged"; an accepted result must be stable
 * (cleaning it again changes nothing). */
static void feed(const unsigned char *in, size_t n)
{
    unsigned char *out = NULL, *again = NULL;
    size_t outn = 0, againn = 0;
    int type = 0, type2 = 0;
    lx_error e = {0};
    lx_status rc = image_clean(in, n, 1u << 20, &out, &outn, &type, &e);
    assert_true(rc == LX_OK || rc == LX_EMEDIA);
    if (rc == LX_OK) {
        assert_true(outn <= n);
        assert_int_equal(image_clean(out, outn, 1u << 20, &again, &againn, &type2, &e), LX_OK);
        assert_int_equal(type2, type);
        assert_int_equal(againn, outn);
        assert_memory_equal(again, out, outn);
    }
    free(out);
    free(again);
}

/* Every truncation, then random byte changes, of one image. */
static void torture(const unsigned char *img, size_t n, int whole_prefix_is_damaged)
{
    unsigned char *copy = malloc(n);
    uint32_t seed = 0x9E3779B9u;
    for (size_t len = 0; len < n; len++) {
        /* Exactly len bytes on the heap, so ASan sees any read past them. */
        unsigned char *cut = malloc(len ? len : 1);
        memcpy(cut, img, len);
        if (whole_prefix_is_damaged) {
            unsigned char *out = NULL;
            size_t outn;
            int type;
            assert_int_equal(image_clean(cut, len, 1u << 20, &out, &outn, &type, NULL), LX_EMEDIA);
        } else {
            feed(cut, len);
        }
        free(cut);
    }
    for (int round = 0; round < 20000; round++) {
        memcpy(copy, img, n);
        int flips = 1 + (int)(rnd(&seed) % 4);
        for (int k = 0; k < flips; k++) {
            size_t at = rnd(&seed) % n;
            switch (rnd(&seed) % 3) {
            case 0: copy[at] ^= (unsigned char)(1u << (rnd(&seed) % 8)); break;
            case 1: copy[at] = (unsigned char)rnd(&seed); break;
            default: copy[at] = 0xFF; break;
            }
        }
        feed(copy, n);
    }
    free(copy);
}

static void test_truncated_and_scrambled_jpegs_never_crash(void **state)
{
    (void)state;
    torture(jpeg_plain, sizeof jpeg_plain, 1);
    buf b = {.n = 0};
    add(&b, jpeg_plain, 20);
    add_segment(&b, 0xE1, "Exif\0\0GPS", 9);
    add(&b, jpeg_plain + 20, sizeof jpeg_plain - 20);
    torture(b.b, b.n, 1);
}

static void test_truncated_and_scrambled_pngs_never_crash(void **state)
{
    (void)state;
    buf b;
    make_png(&b, ihdr_1x1, add_gamma, NULL);
    torture(b.b, b.n, 1);
    make_png(&b, ihdr_1x1, add_png_metadata_before, add_png_metadata_after);
    torture(b.b, b.n, 1);
}

static void test_random_bytes_behind_image_signatures_never_crash(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    for (int round = 0; round < 20000; round++) {
        size_t n = 3 + rnd(&seed) % 200;
        unsigned char *p = malloc(n);
        for (size_t i = 0; i < n; i++)
            p[i] = (unsigned char)rnd(&seed);
        if (round % 2) {
            memcpy(p, "\xFF\xD8\xFF", 3);
        } else if (n >= 8) {
            memcpy(p, png_sig, 8);
        }
        feed(p, n);
        free(p);
    }
}

static void test_mime_and_extension(void **state)
{
    (void)state;
    assert_string_equal(image_mime(IMAGE_JPEG), "image/jpeg");
    assert_string_equal(image_mime(IMAGE_PNG), "image/png");
    assert_string_equal(image_mime(IMAGE_NONE), "application/octet-stream");
    assert_string_equal(image_ext(IMAGE_JPEG), "jpg");
    assert_string_equal(image_ext(IMAGE_PNG), "png");
    assert_null(image_ext(IMAGE_NONE));
    assert_null(image_ext(42));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_jpeg_passes_unchanged),
        cmocka_unit_test(test_jpeg_loses_exif_gps_xmp_comments_and_trailer),
        cmocka_unit_test(test_jpeg_keeps_restart_markers_stuffing_and_adobe_segment),
        cmocka_unit_test(test_jpeg_with_two_scans_keeps_both),
        cmocka_unit_test(test_text_file_named_photo_jpg_is_refused),
        cmocka_unit_test(test_gif_webp_and_html_are_refused),
        cmocka_unit_test(test_image_over_the_limit_is_too_big),
        cmocka_unit_test(test_damaged_jpegs_are_refused),
        cmocka_unit_test(test_crc_of_the_test_matches_png_constant),
        cmocka_unit_test(test_plain_png_passes_unchanged),
        cmocka_unit_test(test_png_loses_exif_text_time_and_private_chunks),
        cmocka_unit_test(test_palette_png_keeps_palette_and_transparency),
        cmocka_unit_test(test_damaged_pngs_are_refused),
        cmocka_unit_test(test_truncated_and_scrambled_jpegs_never_crash),
        cmocka_unit_test(test_truncated_and_scrambled_pngs_never_crash),
        cmocka_unit_test(test_random_bytes_behind_image_signatures_never_crash),
        cmocka_unit_test(test_mime_and_extension),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
