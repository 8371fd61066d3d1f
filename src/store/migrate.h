/* migrate.h -- versioned schema migrations. */
#ifndef LX_MIGRATE_H
#define LX_MIGRATE_H
#include "store/db.h"

/* Bring the schema to the newest version, each step in its own transaction.
 * Records the version in schema_version. LX_EIO if a step fails (the
 * database stays at the last good version). *from / *to may be NULL. */
lx_status migrate_up(db *d, int *from, int *to);

/* The newest schema version this program knows. */
int migrate_latest(void);

#endif
