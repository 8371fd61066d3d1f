/* export.h -- any registry list, filtered and in scope, to an XLSX or CSV file. */
#ifndef LX_EXPORT_H
#define LX_EXPORT_H
#include "store/registry.h"

/* Write every record of `res` that `lq` selects within scope `s` (all pages;
 * lq->after and lq->limit are used as cursors) to an XLSX file at path, one
 * sheet named after the registry, Chinese headers, personal values masked
 * unless unmask, formulas neutralised. *rows receives the count. LX_EIO if
 * the file cannot be written. */
lx_status export_xlsx(db *d, const resource *res, const scope *s, list_query *lq, int unmask,
                      const char *path, int64_t *rows);

/* The same rows to a CSV file: UTF-8 with a BOM (Excel opens it as UTF-8), CRLF line
 * ends, every field quoted (RFC 4180, through libcsv), formulas neutralised as in XLSX. */
lx_status export_csv(db *d, const resource *res, const scope *s, list_query *lq, int unmask,
                     const char *path, int64_t *rows);

#endif
