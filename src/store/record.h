/* record.h -- the registries' records: declared fields, validation, masked JSON. */
#ifndef LX_RECORD_H
#define LX_RECORD_H
#include <jansson.h>
#include <stdint.h>
#include "core/rbac.h"
#include "core/vocab.h"
#include "util/arena.h"
#include "util/status.h"
#include "util/strbuf.h"

/* Every registry (nodes, units, orgs, members, households, residents) is
 * declared as a table of fields. Input is validated against it before any
 * handler logic runs, undeclared fields are rejected, the store builds its
 * SQL from it, and personal data is sealed, hashed and masked by field type
 * in one place each. */

typedef enum ftype {
    FT_TEXT,    /* UTF-8 text up to max_chars characters */
    FT_INT,     /* integer (read-only computed values) */
    FT_DATE,    /* "YYYY-MM-DD" */
    FT_ENUM,    /* one code of `vocab` */
    FT_MASK,    /* a set of codes of `vocab` (stored as a bit mask) */
    FT_REF,     /* id of a record of resource `ref` */
    FT_PHONE,   /* personal: a phone number (sealed, hashed, masked) */
    FT_IDNO,    /* personal: a resident ID number (sealed, hashed, masked) */
    FT_ADDRESS, /* personal: a street address (sealed, hashed, masked) */
} ftype;

#define FF_REQUIRED 0x01  /* must be given at creation */
#define FF_READONLY 0x02  /* computed by the store; never accepted from input */
#define FF_IMMUTABLE 0x04 /* given at creation only */
#define FF_FILTER 0x08    /* lists accept ?name=value */
#define FF_NODE 0x10      /* the record's node: its path is the node's path */
#define FF_PARENT 0x20    /* the record's household: its path is the household's */
#define FF_EMPTY0 0x40    /* empty input means the first term / the empty set, not NULL */

typedef struct field {
    const char *name;    /* JSON key; the column (personal data: <name>_enc, <name>_h) */
    ftype type;          /* kind of value */
    unsigned flags;      /* FF_* */
    const vocab *vocab;  /* FT_ENUM and FT_MASK */
    int max_chars;       /* FT_TEXT: the longest value, in characters */
    resource_kind ref;   /* FT_REF: the resource it points to */
    const char *key_col; /* FT_TEXT: column that keeps its search key, or NULL */
    const char *label;   /* Chinese column header for import and export */
} field;

typedef struct resource {
    resource_kind kind;   /* which one */
    const char *name;     /* URL segment and audit object prefix: "households" */
    const char *table;    /* its table */
    const field *fields;  /* declared fields, in display order */
    int nfields;          /* number of fields */
    const char *label;    /* Chinese name (sheet names) */
} resource;

/* One value of a record. */
typedef struct rval {
    int set;       /* given (input) or loaded (output) */
    int null;      /* explicitly empty */
    int64_t i;     /* FT_INT, FT_ENUM (term index), FT_MASK, FT_REF */
    const char *s; /* FT_TEXT, FT_DATE and the personal types (plain text; arena) */
} rval;

typedef struct record {
    int64_t id;          /* 0 before creation */
    int active;          /* 1 unless deactivated */
    const char *path;    /* materialised path of its node */
    int64_t created_at;  /* UTC seconds */
    int64_t updated_at;  /* UTC seconds */
    rval *v;             /* one per declared field */
} record;

/* The declared registries, also by name for the route table. */
extern const resource reg_nodes, reg_units, reg_orgs, reg_members, reg_households,
    reg_residents;
const resource *record_resource(resource_kind k);
/* By URL segment; NULL if unknown. */
const resource *record_resource_by_name(const char *name);
/* Index of a declared field, or -1. */
int record_field(const resource *r, const char *name);
/* A record with every value unset, allocated in a. */
record *record_new(arena *a, const resource *r);

/* A field's name as the user reads it in a message, in the thread's language
 * (util/msgcat.h): its JSON key in English, its label in Chinese. Static. */
const char *record_field_word(const field *f);

/* Validate one input value given as text (an import cell, a query filter)
 * into v; personal values are normalised (phone digits, ID number checked
 * against today_ymd). LX_EINVAL with e->field = field name on failure. */
lx_status record_parse_text(const field *f, const char *text, int today_ymd, arena *a, rval *v,
                            lx_error *e);

/* Validate a JSON object body into rec: unknown fields, read-only fields,
 * wrong types and bad values are errors naming the field; with `creating`
 * the required fields must be present, without it immutable ones must not. */
lx_status record_from_json(const resource *r, json_t *obj, int creating, int today_ymd,
                           arena *a, record *rec, lx_error *e);

/* The JSON of a record: personal values masked unless `unmask`. This is the
 * one place where personal data becomes JSON: record_json_write appends the
 * compact text (an object, keys in declaration order) to sb; record_to_json
 * gives the same as a jansson tree (new reference; caller decrefs). */
void record_json_write(strbuf *sb, const resource *r, const record *rec, int unmask);
json_t *record_to_json(const resource *r, const record *rec, int unmask);

/* The display text of a value for exports (masked unless unmask): enum and
 * mask values as their Chinese labels. Returns arena memory. */
const char *record_cell(const field *f, const rval *v, int unmask, arena *a);

/* Mask a personal value of type t into out. */
void record_mask(ftype t, const char *plain, char *out, size_t outlen);

/* A resident (r is the residents resource): the birth date and sex agree with the ID
 * number, and the date is taken from it when not given (in a). LX_EINVAL naming
 * birth_date or gender otherwise. The registry's writes and the import's dry run both
 * check it, so that a dry run that finds no bad row promises a commit that takes them all. */
lx_status record_resident_agrees(const resource *r, record *rec, arena *a, lx_error *e);

#endif
