/* ledger.h -- a county's Excel/CSV ledger read into checked records, with every bad cell listed. */
#ifndef LX_LEDGER_H
#define LX_LEDGER_H
#include <stddef.h>
#include "store/record.h"
#include "util/arena.h"

/* The ledgers counties keep: households (one row per resident, grouped by a
 * household number) and members. */
typedef enum ledger_kind { LEDGER_HOUSEHOLDS, LEDGER_MEMBERS, LEDGER__COUNT } ledger_kind;

/* One problem with one cell (or row). */
typedef struct ledger_issue {
    size_t line;          /* 1-based line in the file */
    const char *column;   /* the column's header as the template names it */
    const char *value;    /* the value, masked if personal */
    const char *code;     /* "required", "invalid", "duplicate_in_file", "duplicate_in_db",
                             "unknown_place", "unknown_unit", "inconsistent_household",
                             "head" */
    const char *message;  /* a sentence in the language of the thread that read the file
                             (util/msgcat.h); never personal data */
} ledger_issue;

/* One data row, checked. */
typedef struct ledger_row {
    size_t line;          /* its line */
    const char *place[3]; /* township, village, group names ("" when not given) */
    const char *hkey;     /* households: the household number in the file */
    const char *unit;     /* members: the unit's name ("" when none) */
    record *main;         /* households: the household (one record shared by its rows,
                             with the values of its first row); members: the member */
    record *resident;     /* households: the resident on this row */
    const char *path;     /* the path of its place once the importer resolved it, else NULL */
    int bad;              /* some cell of this row has an issue */
} ledger_row;

/* A read ledger. Everything lives in its arena. */
typedef struct ledger {
    ledger_kind kind;         /* which ledger */
    arena *a;                 /* owns rows, issues and their strings */
    ledger_row *rows;         /* data rows in file order */
    size_t nrows, caprows;    /* used / allocated */
    ledger_issue *issues;     /* problems in line order (as found) */
    size_t nissues, capissues;/* used / allocated */
    const char *ignored[16];  /* headers that match no column (kept, not imported) */
    int nignored;             /* their number */
    int format;               /* table_format of the file */
} ledger;

/* Read and check a whole file (bytes of CSV or XLSX). Cell values are checked
 * by the registry's own field rules (ID numbers against today_ymd); within
 * the file, duplicate ID numbers (households) or phones (members) and
 * households whose rows disagree are issues. Places, units and duplicates
 * against the database are the caller's to check (ledger_issue_add).
 * LX_EINVAL with a message in err (in the thread's language) when the file
 * itself is unreadable or lacks a required column; LX_ETOOBIG past max_rows.
 * Free with ledger_release. */
lx_status ledger_read(ledger *lg, ledger_kind kind, const void *data, size_t len, int today_ymd,
                      size_t max_rows, char *err, size_t errlen);
void ledger_release(ledger *lg);

/* Record a problem; `value` is masked here when the column is personal; `message`
 * (copied) is already in the thread's language: lx_msg("...") or an lx_error's. */
void ledger_issue_add(ledger *lg, ledger_row *row, const char *column, const char *value,
                      const char *code, const char *message);

/* The template's column headers for a kind; *n receives their number. */
const char *const *ledger_template(ledger_kind kind, size_t *n);
/* The kind named "households" or "members"; -1 if neither. */
int ledger_kind_parse(const char *name);

#endif
