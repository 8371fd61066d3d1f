/* xlsx_out.h -- write a list (header and rows of UTF-8 text) to an .xlsx file. */
#ifndef LX_IO_XLSX_OUT_H
#define LX_IO_XLSX_OUT_H
#include <stddef.h>

#include "util/status.h"

struct strbuf;

/* An export in progress; owned by the caller from xlsx_out_open until
 * xlsx_out_close. Opaque: use the functions below. */
typedef struct xlsx_out xlsx_out;

/* Start a workbook at `path` (a temporary file the caller chose; it is created
 * now and rewritten at close, and libxlsxwriter keeps its row data in
 * temporary files in the same folder, so memory stays small however many rows
 * are written) with one sheet named `sheet` (UTF-8; truncated at a character
 * boundary to Excel's 31 characters, characters Excel forbids in sheet names
 * ([ ] : * ? / \ and controls) become '_', NULL or "" gives "Sheet1").
 * Both strings are borrowed for the call only.
 * Returns NULL when `path` cannot be created or libxlsxwriter fails;
 * otherwise the caller owns the result and must pass it to xlsx_out_close. */
xlsx_out *xlsx_out_open(const char *path, const char *sheet);

/* Append a header row in bold (xlsx_out_header; when it is the first row it is
 * also frozen so it stays visible when scrolling) or a data row
 * (xlsx_out_row) of n UTF-8 strings; cells may be NULL when n is 0, and
 * cells[i] may be NULL or "" for an empty cell. Both are borrowed for the call.
 * Every cell is written as a string, after:
 *   - xlsx_neutralise (a leading = + - @ tab or CR gets a ' in front),
 *   - invalid UTF-8 bytes replaced by U+FFFD, so the file stays valid XML,
 *   - truncation to Excel's 32,767 characters per cell.
 * Column widths grow to fit the widest cell (a CJK character counts as 2).
 * Errors are sticky and reported by xlsx_out_close: a write failure is
 * LX_EIO; a row past Excel's 1,048,576 rows or a cell past its 16,384 columns
 * is LX_ETOOBIG (and is not written). x NULL is a no-op. */
void xlsx_out_header(xlsx_out *x, const char *const *cells, size_t n);
void xlsx_out_row(xlsx_out *x, const char *const *cells, size_t n);

/* Write out the file and free x (whatever the result). Returns LX_OK,
 * LX_EIO if the file could not be written, or the sticky error of an earlier
 * row (the file is then incomplete and should be discarded).
 * Accepts NULL (LX_OK). */
lx_status xlsx_out_close(xlsx_out *x);

/* Append to sb the neutralised form of `cell`: the text unchanged, except that
 * a cell starting with = + - @ tab or CR gets a single quote ' in front, so no
 * spreadsheet evaluates it as a formula (OWASP "CSV injection"). For the XLSX
 * writer and for CSV exports. cell NULL appends nothing; sb is not reset. */
void xlsx_neutralise(const char *cell, struct strbuf *sb);

#endif
