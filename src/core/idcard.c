/* idcard.c -- mainland China resident ID numbers (GB 11643-1999, 18 characters). */
#include "core/idcard.h"
#include "core/utf8.h"

#include <stddef.h>
#include <string.h>

/* Province-level codes accepted in the first two digits. 11..82 are the
 * GB/T 2260 provinces, autonomous regions, municipalities and SARs (71 Taiwan,
 * 81 Hong Kong, 82 Macao); 83 is used by residence permits for Taiwan
 * residents; 91 ("abroad") is kept for numbers issued under older lists. */
static const int province_codes[] = {
    11, 12, 13, 14, 15,         /* north */
    21, 22, 23,                 /* north-east */
    31, 32, 33, 34, 35, 36, 37, /* east */
    41, 42, 43, 44, 45, 46,     /* south-central */
    50, 51, 52, 53, 54,         /* south-west */
    61, 62, 63, 64, 65,         /* north-west */
    71, 81, 82, 83, 91,         /* Taiwan, Hong Kong, Macao, permits, abroad */
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whether s[0..n-1] are all ASCII digits (stops early at a NUL). */
static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

static int parse_int(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last;

    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    last = mdays[m - 1] + (m == 2 && is_leap(y));
    return d <= last;
}

static int valid_region(const char *id)
{
    int code = parse_int(id, 2);
    for (size_t i = 0; i < sizeof(province_codes) / sizeof(province_codes[0]); i++)
        if (province_codes[i] == code)
            return 1;
    return 0;
}

char idcard_check_digit(const char *first17)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int sum = 0;

    if (!first17 || !all_digits(first17, 17))
        return '\0';
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * weights[i];
    return map[sum % 11];
}

/* Map the UTF-8 character at `p` (of `n` bytes) to the ASCII character it
 * stands for in an ID number, or 0 if it is not one we convert. */
static char fold_char(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0] == 'x' ? 'X' : (char)p[0];
    /* U+FF10..U+FF19 full-width digits: EF BC 90..99. */
    if (n == 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99)
        return (char)('0' + (p[2] - 0x90));
    /* U+FF38 'Ｘ' (EF BC B8) and U+FF58 'ｘ' (EF BD 98). */
    if (n == 3 && p[0] == 0xEF &&
        ((p[1] == 0xBC && p[2] == 0xB8) || (p[1] == 0xBD && p[2] == 0x98)))
        return 'X';
    return 0;
}

/* Whether the character at `p` (of `n` bytes) is one trimmed from the ends:
 * ASCII whitespace or U+3000 IDEOGRAPHIC SPACE (E3 80 80). */
static int is_space_char(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r');
    return n == 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80;
}

int idcard_normalize(const char *in, char out[IDCARD_LEN + 1])
{
    const char *p, *end, *last_end;
    size_t len = 0;
    int overflow = 0;
    int rc = -1;

    out[0] = '\0';
    if (!in)
        goto out;

    /* Skip leading spaces, then find the end of the last non-space char. */
    p = in;
    while (*p) {
        const char *next = utf8_next(p);
        if (!is_space_char((const unsigned char *)p, (size_t)(next - p)))
            break;
        p = next;
    }
    last_end = p;
    for (const char *q = p; *q;) {
        const char *next = utf8_next(q);
        if (!is_space_char((const unsigned char *)q, (size_t)(next - q)))
            last_end = next;
        q = next;
    }
    end = last_end;

    while (p < end) {
        const char *next = utf8_next(p);
        size_t n = (size_t)(next - p);
        char c = fold_char((const unsigned char *)p, n);

        if (c) {
            if (len + 1 > IDCARD_LEN) {
                overflow = 1;
                break;
            }
            out[len++] = c;
        } else {
            /* Keep other characters whole, or not at all. */
            if (len + n > IDCARD_LEN) {
                overflow = 1;
                break;
            }
            memcpy(out + len, p, n);
            len += n;
        }
        p = next;
    }
    out[len] = '\0';

    if (!overflow && len == IDCARD_LEN && all_digits(out, 17) &&
        (is_digit(out[17]) || out[17] == 'X'))
        rc = 0;
out:
    return rc;
}

int idcard_birth(const char *id, int *y, int *m, int *d)
{
    int yy, mm, dd;

    if (!id || strnlen(id, 14) < 14 || !all_digits(id + 6, 8))
        return -1;
    yy = parse_int(id + 6, 4);
    mm = parse_int(id + 10, 2);
    dd = parse_int(id + 12, 2);
    if (!valid_date(yy, mm, dd))
        return -1;
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
    return 0;
}

int idcard_sex(const char *id)
{
    if (!id || strnlen(id, 17) < 17 || !is_digit(id[16]))
        return 0;
    return (id[16] - '0') % 2 ? 1 : 2;
}

lx_status idcard_check(const char *id, int today_ymd, const char **reason)
{
    const char *why = NULL;
    int y, m, d, ymd;

    if (!id || strnlen(id, IDCARD_LEN + 1) != IDCARD_LEN) {
        why = "length";
        goto out;
    }
    if (!all_digits(id, 17) || !(is_digit(id[17]) || id[17] == 'X')) {
        why = "format";
        goto out;
    }
    if (!valid_region(id)) {
        why = "region";
        goto out;
    }
    if (idcard_birth(id, &y, &m, &d) != 0) {
        why = "birth_date";
        goto out;
    }
    ymd = y * 10000 + m * 100 + d;
    if (ymd < 19000101 || ymd > today_ymd) {
        why = "birth_date";
        goto out;
    }
    if (idcard_check_digit(id) != id[17]) {
        why = "check_digit";
        goto out;
    }
out:
    if (why && reason)
        *reason = why;
    return why ? LX_EINVAL : LX_OK;
}
