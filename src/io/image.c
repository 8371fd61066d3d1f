/* image.c -- residents' photos: JPEG or PNG checked by content, metadata removed. */
#include "io/image.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIELD "photo"

/* Where the cleaned image is written: at most as long as the input. */
typedef struct outbuf {
    unsigned char *p; /* malloc'd, as long as the input */
    size_t len;       /* bytes written */
} outbuf;

static void out_add(outbuf *o, const void *data, size_t len)
{
    memcpy(o->p + o->len, data, len);
    o->len += len;
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static lx_status damaged(lx_error *e)
{
    return lx_fail(e, LX_EMEDIA, FIELD, "the image is damaged");
}

/* ---- JPEG (ITU T.81, JFIF) ---- */

/* Start of frame: C0..CF less DHT (C4), JPG (C8) and DAC (CC). */
static int jpeg_is_sof(unsigned m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* Markers that may start a segment with a length outside the entropy data. */
static int jpeg_is_segment(unsigned m)
{
    return jpeg_is_sof(m) || m == 0xC4 || m == 0xCC || (m >= 0xDA && m <= 0xDF) ||
           (m >= 0xE0 && m <= 0xEF) || (m >= 0xF0 && m <= 0xFE);
}

/* Whether segment m with payload p[len] (after its length field) is kept. */
static int jpeg_keep(unsigned m, const unsigned char *p, size_t len)
{
    if (m == 0xE0)
        return len >= 5 && (!memcmp(p, "JFIF", 5) || !memcmp(p, "JFXX", 5));
    if (m == 0xEE)
        return len == 12 && !memcmp(p, "Adobe", 5);
    if (m >= 0xE1 && m <= 0xEF)
        return 0; /* EXIF, XMP, ICC, MPF, maker data ... */
    if (m >= 0xF0 && m <= 0xFD)
        return 0; /* JPGn extensions: nothing a browser decodes */
    return m != 0xFE; /* COM */
}

/* The frame header's components, to check the scans against. */
typedef struct jpeg_frame {
    int seen;              /* a SOF was read */
    unsigned ncomp;        /* its number of components */
    unsigned char id[4];   /* their ids */
} jpeg_frame;

/* Check a SOF payload p[len]. */
static int jpeg_sof_ok(jpeg_frame *f, const unsigned char *p, size_t len)
{
    if (len < 6)
        return 0;
    unsigned precision = p[0], height = be16(p + 1), width = be16(p + 3), nc = p[5];
    if ((precision != 8 && precision != 12 && precision != 16) || !height || !width ||
        height > IMAGE_MAX_SIDE || width > IMAGE_MAX_SIDE || nc < 1 || nc > 4 ||
        len != 6 + 3 * (size_t)nc)
        return 0;
    for (unsigned i = 0; i < nc; i++) {
        unsigned hv = p[7 + 3 * i];
        if ((hv >> 4) < 1 || (hv >> 4) > 4 || (hv & 15) < 1 || (hv & 15) > 4 || p[8 + 3 * i] > 3)
            return 0;
        f->id[i] = p[6 + 3 * i];
    }
    f->ncomp = nc;
    f->seen = 1;
    return 1;
}

/* Check a SOS payload p[len] against the frame. */
static int jpeg_sos_ok(const jpeg_frame *f, const unsigned char *p, size_t len)
{
    if (!f->seen || len < 1)
        return 0;
    unsigned ns = p[0];
    if (ns < 1 || ns > 4 || len != 4 + 2 * (size_t)ns)
        return 0;
    for (unsigned i = 0; i < ns; i++) {
        unsigned c = p[1 + 2 * i], j = 0;
        while (j < f->ncomp && f->id[j] != c)
            j++;
        if (j == f->ncomp)
            return 0;
    }
    return 1;
}

/* The end of the entropy-coded data that starts at in[i]: the offset of the
 * 0xFF that starts the next marker other than RSTn; n if there is none. */
static size_t jpeg_entropy_end(const unsigned char *in, size_t n, size_t i)
{
    while (i < n) {
        if (in[i] != 0xFF) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && in[j] == 0xFF) /* fill bytes */
            j++;
        if (j >= n)
            return n;
        if (in[j] == 0x00 || (in[j] >= 0xD0 && in[j] <= 0xD7)) { /* stuffed zero, RSTn */
            i = j + 1;
            continue;
        }
        return i;
    }
    return n;
}

static lx_status jpeg_clean(const unsigned char *in, size_t n, outbuf *o, lx_error *e)
{
    jpeg_frame f;
    int scanned = 0;
    size_t i = 2;
    memset(&f, 0, sizeof f);
    out_add(o, in, 2); /* SOI */
    for (;;) {
        if (i >= n || in[i] != 0xFF)
            return damaged(e);
        while (i < n && in[i] == 0xFF)
            i++;
        if (i >= n)
            return damaged(e);
        unsigned m = in[i++];
        if (m == 0xD9) { /* EOI: whatever follows is dropped */
            if (!scanned)
                return damaged(e);
            out_add(o, "\xFF\xD9", 2);
            return LX_OK;
        }
        if (!jpeg_is_segment(m) || n - i < 2)
            return damaged(e);
        size_t len = be16(in + i);
        if (len < 2 || len > n - i)
            return damaged(e);
        const unsigned char *p = in + i + 2;
        if (jpeg_is_sof(m) && (f.seen || !jpeg_sof_ok(&f, p, len - 2)))
            return damaged(e); /* a second frame is hierarchical JPEG: not for browsers */
        if (m == 0xDA && !jpeg_sos_ok(&f, p, len - 2))
            return damaged(e);
        if (jpeg_keep(m, p, len - 2)) {
            unsigned char mk[2] = {0xFF, (unsigned char)m};
            out_add(o, mk, 2);
            out_add(o, in + i, len);
        }
        i += len;
        if (m == 0xDA) {
            size_t end = jpeg_entropy_end(in, n, i);
            if (end >= n)
                return damaged(e); /* no EOI */
            out_add(o, in + i, end - i);
            i = end;
            scanned = 1;
        }
    }
}

/* ---- PNG (ISO/IEC 15948) ---- */

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

/* The CRC-32 of ISO 3309 / ITU-T V.42 that PNG uses, with its table. */
typedef struct crc_table {
    uint32_t t[256]; /* the CRC of each byte value */
} crc_table;

static void crc_init(crc_table *c)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t v = n;
        for (int k = 0; k < 8; k++)
            v = (v & 1) ? 0xEDB88320u ^ (v >> 1) : v >> 1;
        c->t[n] = v;
    }
}

static uint32_t crc32_of(const crc_table *c, const unsigned char *p, size_t len)
{
    uint32_t v = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++)
        v = c->t[(v ^ p[i]) & 0xFF] ^ (v >> 8);
    return v ^ 0xFFFFFFFFu;
}

static int png_type_is(const unsigned char *t, const char *name)
{
    return !memcmp(t, name, 4);
}

/* Ancillary chunks that change how the pixels look, and so are kept. */
static int png_keep_ancillary(const unsigned char *t)
{
    static const char *const keep[] = {"tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT",
                                       "bKGD", "pHYs", "cICP", "mDCv", "cLLi"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        if (png_type_is(t, keep[i]))
            return 1;
    return 0;
}

/* Check the IHDR payload p[len]; its colour type goes to *ctype. */
static int png_ihdr_ok(const unsigned char *p, size_t len, unsigned *ctype)
{
    if (len != 13)
        return 0;
    uint32_t w = be32(p), h = be32(p + 4);
    unsigned depth = p[8], ct = p[9];
    if (!w || !h || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE || p[10] != 0 || p[11] != 0 ||
        p[12] > 1)
        return 0;
    int ok;
    switch (ct) {
    case 0: ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; break;
    case 3: ok = depth == 1 || depth == 2 || depth == 4 || depth == 8; break;
    case 2: case 4: case 6: ok = depth == 8 || depth == 16; break;
    default: ok = 0;
    }
    *ctype = ct;
    return ok;
}

static lx_status png_clean(const unsigned char *in, size_t n, outbuf *o, lx_error *e)
{
    crc_table crc;
    unsigned ctype = 0;
    int first = 1, plte = 0, idat = 0, idat_done = 0;
    size_t i = sizeof png_signature;
    crc_init(&crc);
    out_add(o, in, sizeof png_signature);
    for (;;) {
        if (n - i < 12)
            return damaged(e); /* no IEND */
        uint32_t len = be32(in + i);
        if (len > 0x7FFFFFFFu || len > n - i - 12)
            return damaged(e);
        const unsigned char *t = in + i + 4, *p = t + 4;
        for (int k = 0; k < 4; k++)
            if (!((t[k] >= 'A' && t[k] <= 'Z') || (t[k] >= 'a' && t[k] <= 'z')))
                return damaged(e);
        if (crc32_of(&crc, t, 4 + (size_t)len) != be32(p + len))
            return damaged(e);
        int critical = t[0] >= 'A' && t[0] <= 'Z';
        if (first != png_type_is(t, "IHDR"))
            return damaged(e); /* IHDR first, and only first */
        if (first && !png_ihdr_ok(p, len, &ctype))
            return damaged(e);
        first = 0;
        if (png_type_is(t, "IDAT")) {
            if (idat_done || (ctype == 3 && !plte))
                return damaged(e);
            idat = 1;
        } else if (idat) {
            idat_done = 1;
        }
        if (png_type_is(t, "PLTE")) {
            if (plte || idat || ctype == 0 || ctype == 4 || len == 0 || len % 3 || len > 768)
                return damaged(e);
            plte = 1;
        }
        if (critical && !png_type_is(t, "IHDR") && !png_type_is(t, "PLTE") &&
            !png_type_is(t, "IDAT") && !png_type_is(t, "IEND"))
            return damaged(e); /* an unknown critical chunk: decoders must refuse it */
        if (critical || png_keep_ancillary(t))
            out_add(o, in + i, 12 + (size_t)len);
        i += 12 + (size_t)len;
        if (png_type_is(t, "IEND"))
            return len == 0 && idat ? LX_OK : damaged(e); /* whatever follows is dropped */
    }
}

/* ---- the interface ---- */

lx_status image_clean(const unsigned char *in, size_t n, size_t max_bytes, unsigned char **out,
                      size_t *outn, int *type, lx_error *e)
{
    outbuf o = {NULL, 0};
    lx_status rc;
    int t = IMAGE_NONE;
    *out = NULL;
    *outn = 0;
    *type = IMAGE_NONE;
    if (n > max_bytes) {
        if (max_bytes >= (1u << 20) && max_bytes % (1u << 20) == 0)
            return lx_fail(e, LX_ETOOBIG, FIELD, "the image is larger than %zu MB",
                           max_bytes >> 20);
        return lx_fail(e, LX_ETOOBIG, FIELD, "the image is larger than %zu bytes", max_bytes);
    }
    if (n >= 3 && in[0] == 0xFF && in[1] == 0xD8 && in[2] == 0xFF)
        t = IMAGE_JPEG;
    else if (n >= sizeof png_signature && !memcmp(in, png_signature, sizeof png_signature))
        t = IMAGE_PNG;
    else
        return lx_fail(e, LX_EMEDIA, FIELD, "not a JPEG or PNG image");
    o.p = xmalloc(n);
    rc = t == IMAGE_JPEG ? jpeg_clean(in, n, &o, e) : png_clean(in, n, &o, e);
    if (rc) {
        free(o.p);
        return rc;
    }
    *out = o.p;
    *outn = o.len;
    *type = t;
    return LX_OK;
}

const char *image_mime(int type)
{
    switch (type) {
    case IMAGE_JPEG: return "image/jpeg";
    case IMAGE_PNG: return "image/png";
    default: return "application/octet-stream";
    }
}

const char *image_ext(int type)
{
    switch (type) {
    case IMAGE_JPEG: return "jpg";
    case IMAGE_PNG: return "png";
    default: return NULL;
    }
}
