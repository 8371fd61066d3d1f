/* table.h -- read a county ledger (CSV in UTF-8 or GB18030, or XLSX) as rows of UTF-8 cells. */
#ifndef LX_IO_TABLE_H
#define LX_IO_TABLE_H
#include <stddef.h>

#include "util/status.h"

/* Called once per non-empty row (a row with at least one non-empty cell).
 *   ctx    the pointer given to table_read, passed through untouched.
 *   line   the 1-based line of the row in the file: for CSV the physical line
 *          where the record starts (lines end at LF or CRLF, so a quoted field
 *          spanning lines does not shift the rows after it); for XLSX the row
 *          number r="N".
 *   cells  ncells NUL-terminated UTF-8 strings, never NULL, trimmed of
 *          surrounding ASCII whitespace (so also of a trailing '\r'). For XLSX,
 *          cells[i] is column i (A = 0); columns the file skips are "".
 *          Borrowed: the strings and the array are reused once the callback
 *          returns, so copy what you keep.
 *   ncells at least 1.
 * Return 0 to go on, non-zero to stop reading (table_read then returns LX_OK). */
typedef int (*table_row_fn)(void *ctx, size_t line, const char *const *cells, size_t ncells);

/* The form a file was found in. */
typedef enum {
    TABLE_CSV_UTF8,    /* CSV in UTF-8, with or without a byte order mark */
    TABLE_CSV_GB18030, /* CSV in GB18030 / GBK, Excel's "CSV (逗号分隔)" on a Chinese Windows */
    TABLE_XLSX,        /* an Office Open XML workbook */
} table_format;

/* Parse `len` bytes at `data` (borrowed; not modified, need not be
 * NUL-terminated) and call `fn(ctx, ...)` for each non-empty row in order.
 *
 * Format detection: bytes starting "PK\x03\x04" are XLSX: the first worksheet
 * in workbook order (xl/workbook.xml + xl/_rels/workbook.xml.rels), with
 * shared strings (rich text runs concatenated, phonetic runs dropped), inline
 * strings, formula string results, booleans as TRUE/FALSE and numbers as
 * their stored text (dates stay serial numbers). Anything else is CSV
 * (RFC 4180 through libcsv, not strict: quoted fields may hold commas, doubled
 * quotes and newlines): a UTF-8 byte order mark is skipped; bytes that are
 * valid UTF-8 are read as UTF-8, otherwise they are decoded as GB18030 (a
 * superset of GBK). A file with a UTF-8 byte order mark must be valid UTF-8.
 *
 * fmt     if non-NULL, receives the detected format (also on most errors).
 * err     if non-NULL, receives a short message on failure in the thread's
 *         language (util/msgcat.h; truncated to errlen, always NUL-terminated);
 *         untouched on success.
 *
 * Returns LX_OK when every row was delivered or fn asked to stop;
 * LX_EINVAL when the file is not readable CSV or XLSX: binary data, a byte
 * sequence neither UTF-8 nor GB18030 ("bad GB18030 byte sequence at line 12"),
 * a damaged zip, missing workbook parts ("xlsx: no worksheet"), bad XML or a
 * CSV row of more than 16,384 cells;
 * LX_ETOOBIG when the XLSX parts would inflate past 256 MiB of XML or the
 * sheet has more than 1,048,576 rows. Never crashes on garbage input. */
lx_status table_read(const void *data, size_t len, table_row_fn fn, void *ctx, table_format *fmt,
                     char *err, size_t errlen);

#endif
