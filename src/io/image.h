/* image.h -- residents' photos: JPEG or PNG checked by content, metadata removed. */
#ifndef LX_IMAGE_H
#define LX_IMAGE_H
#include <stddef.h>
#include "util/status.h"

/* The kinds of image accepted (SPEC C5: "JPEG or PNG only"). */
typedef enum image_type {
    IMAGE_NONE = 0, /* not an image we accept */
    IMAGE_JPEG = 1, /* JPEG (JFIF or EXIF, baseline or progressive) */
    IMAGE_PNG = 2,  /* PNG */
} image_type;

/* The largest width or height accepted (JPEG cannot say more; PNG could). */
#define IMAGE_MAX_SIDE 65535

/* Check that the n bytes at `in` (borrowed) are a well-formed JPEG or PNG,
 * judged by content only (never by file name or declared type), and return
 * the same image without its metadata in *out (malloc'd, the caller frees),
 * *outn bytes long (never more than n), with *type IMAGE_JPEG or IMAGE_PNG.
 *
 * JPEG: SOI, then a walk of the segments with every length checked, one SOF
 * (with sane sizes) before the first SOS, every SOS's components declared by
 * the SOF, entropy-coded data after each SOS, and EOI. Kept: everything that
 * decoding needs (DQT, DHT, DAC, DRI, DNL, SOF, SOS and the entropy data),
 * APP0 when it is JFIF/JFXX, and the 12-byte APP14 "Adobe" segment (its colour
 * transform flag changes how decoders read the components; it holds nothing
 * else). Dropped: every other APP1..APP15 segment (EXIF with its GPS tags and
 * thumbnail, XMP, ICC profiles, MPF ...), COM segments, JPGn extension
 * markers, fill bytes, and anything after EOI (where phones append extra
 * images with their own EXIF).
 *
 * PNG: signature, IHDR first (width and height 1..IMAGE_MAX_SIDE, a valid
 * bit depth for its colour type), every chunk's length in bounds and its CRC
 * correct, PLTE where the colour type needs it, consecutive IDAT chunks, IEND
 * last. Kept: the critical chunks and the ancillary chunks that change how
 * pixels look (tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, bKGD, pHYs, cICP, mDCv,
 * cLLi). Dropped: every other ancillary chunk, among them eXIf, tEXt, zTXt,
 * iTXt, tIME and private ones, and anything after IEND.
 *
 * Errors (e filled, field "photo"; *out NULL, *outn 0, *type IMAGE_NONE):
 * LX_ETOOBIG if n > max_bytes; LX_EMEDIA "not a JPEG or PNG image" when the
 * bytes start like neither, "the image is damaged" when they start like one
 * but break its rules. Never reads outside the n bytes, whatever they hold.
 * Pure: no I/O, thread-safe. */
lx_status image_clean(const unsigned char *in, size_t n, size_t max_bytes, unsigned char **out,
                      size_t *outn, int *type, lx_error *e);

/* The media type of an image_type ("image/jpeg", "image/png"), or
 * "application/octet-stream" for anything else. Static storage. */
const char *image_mime(int type);

/* The file name extension, without the dot ("jpg", "png"), or NULL for
 * anything else. Static storage. */
const char *image_ext(int type);

#endif
