/* import.h -- importing a county's ledger, for the API and the command line alike. */
#ifndef LX_IMPORT_H
#define LX_IMPORT_H
#include <jansson.h>
#include "core/rbac.h"
#include "io/ledger.h"

typedef enum import_mode {
    IMPORT_DRY_RUN,   /* check and report; write nothing */
    IMPORT_COMMIT,    /* write all, or nothing if any row has a problem */
    IMPORT_GOOD_ROWS, /* write the rows without problems (whole households only) */
} import_mode;

/* "dry_run", "commit", "good_rows" -> the mode; -1 if none of them. */
int import_mode_parse(const char *s);

/* Import `len` bytes of CSV or XLSX as actor p (from addr): places are
 * resolved by name inside p's scope, ID numbers checked against the
 * database, and the records written in one transaction audited as one
 * record. *report receives the report (a new reference; the caller decrefs)
 * whenever the file could be read. A commit refused because of bad rows
 * sets *refused, writes nothing and returns LX_OK. Errors: LX_EINVAL /
 * LX_ETOOBIG when the file cannot be read (e filled, field "file"); a
 * record that fails to write aborts the whole import (e names its line). */
lx_status import_ledger(const principal *p, const char *addr, ledger_kind kind, const void *data,
                        size_t len, import_mode mode, int today_ymd, size_t max_rows,
                        json_t **report, int *refused, lx_error *e);

/* Write the empty template (the header row) of a ledger to an XLSX file. */
lx_status import_template(ledger_kind kind, const char *path);

#endif
