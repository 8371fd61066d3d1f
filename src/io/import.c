/* import.c -- a ledger from bytes to records: read, check against the tree and the
 * database, and write in one transaction (or only report). */
#include "io/import.h"
#include "io/xlsx_out.h"
#include "store/audit.h"
#include "store/registry.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/strmap.h"
#include "util/xalloc.h"

#include <string.h>

#define REPORT_MAX_ISSUES 1000

/* Everything one import works with. */
typedef struct imp {
    const principal *who;     /* the actor */
    const char *addr;         /* their address, for the audit record */
    lx_error *e;              /* where a failing record's problem goes */
    ledger lg;
    int good_only;            /* import only the rows (households) without issues */
    int64_t root;             /* the county's root node */
    int64_t created_main;     /* households or members created */
    int64_t created_res;      /* residents created */
    int64_t skipped;          /* rows left out (good_only) */
    char file_hash[65];       /* SHA-256 of the file, for the audit record */
} imp;

/* The county root is the first node of the caller's scope path ("/1/5/" -> 1). */
static int64_t root_of(const principal *p)
{
    return p->node_path ? strtoll(p->node_path + 1, NULL, 10) : 0;
}

/* Resolve each row's place names to a node in the caller's scope. */
static lx_status resolve_places(imp *m, db *d)
{
    ledger *lg = &m->lg;
    scope s = scope_for(m->who, RES_NODES);
    strmap cache = STRMAP_INIT;
    static const char *const labels[3] = {"乡镇(街道)", "村(社区)", "组(网格)"};
    lx_status rc = LX_OK;
    /* The root itself is out of a township admin's scope, so townships are
     * looked up by parent id without a scope filter, then checked below. */
    scope any = s;
    any.kind = SCOPE_SUBTREE;
    any.path = "/";
    for (size_t i = 0; i < lg->nrows && !rc; i++) {
        ledger_row *row = &lg->rows[i];
        int64_t node = m->root, found = 0;
        char key[512];
        size_t klen = 0;
        for (int p = 0; p < 3 && !rc; p++) {
            if (!*row->place[p])
                break;
            klen += (size_t)snprintf(key + klen, sizeof key - klen, "%s\x1f", row->place[p]);
            if (klen >= sizeof key)
                break;
            if (strmap_get(&cache, key, &found)) {
                node = found;
            } else {
                int64_t child = 0;
                rc = registry_child_node(d, p == 0 ? &any : &s, node, row->place[p], &child);
                if (rc)
                    break;
                strmap_add(&cache, key, child, NULL);
                node = child;
            }
            if (!node) {
                ledger_issue_add(lg, row, labels[p], row->place[p], "unknown_place",
                                 "no such place under the one before it, in your scope");
                break;
            }
        }
        if (!node || node == m->root)
            continue;
        /* The place itself must be in the caller's scope. */
        record *rec = NULL;
        lx_status g = registry_get(d, lg->a, record_resource(RES_NODES), &s, node, &rec);
        if (g == LX_ENOTFOUND) {
            ledger_issue_add(lg, row, labels[0], row->place[0], "unknown_place",
                             "this place is outside your scope");
            continue;
        }
        if (g) {
            rc = g;
            break;
        }
        record *target = row->main;
        int fn = record_field(record_resource(lg->kind == LEDGER_HOUSEHOLDS ? RES_HOUSEHOLDS
                                                                              : RES_MEMBERS),
                              "node_id");
        target->v[fn] = (rval){1, 0, node, NULL};
    }
    strmap_release(&cache);
    return rc;
}

/* Units by name (members), duplicates against the database. */
static lx_status check_against_db(imp *m, db *d)
{
    ledger *lg = &m->lg;
    lx_status rc = LX_OK;
    const resource *rr = record_resource(RES_RESIDENTS), *mr = record_resource(RES_MEMBERS);
    int fid = record_field(rr, "idno"), funit = record_field(mr, "unit_id");
    for (size_t i = 0; i < lg->nrows && !rc; i++) {
        ledger_row *row = &lg->rows[i];
        if (lg->kind == LEDGER_HOUSEHOLDS) {
            const rval *v = &row->resident->v[fid];
            int64_t id = 0;
            if (!v->set || v->null)
                continue;
            rc = registry_resident_by_idno(d, v->s, &id);
            if (!rc && id)
                ledger_issue_add(lg, row, "身份证号", v->s, "duplicate_in_db",
                                 "this ID number is already registered");
        } else if (*row->unit) {
            int64_t id = 0;
            rc = registry_unit_by_name(d, m->who->county_id, row->unit, &id);
            if (!rc && !id)
                ledger_issue_add(lg, row, "工作单位", row->unit, "unknown_unit",
                                 "no unit of this name in the county");
            else if (!rc)
                row->main->v[funit] = (rval){1, 0, id, NULL};
        }
    }
    return rc;
}

static json_t *report(imp *m, const char *mode)
{
    ledger *lg = &m->lg;
    json_t *issues = json_array(), *ignored = json_array();
    size_t bad = 0;
    static const char *const formats[] = {"csv-utf8", "csv-gb18030", "xlsx"};
    for (size_t i = 0; i < lg->nissues && i < REPORT_MAX_ISSUES; i++) {
        const ledger_issue *is = &lg->issues[i];
        json_array_append_new(issues, json_pack("{s:I,s:s,s:s,s:s,s:s}", "line",
                                                (json_int_t)is->line, "column", is->column,
                                                "value", is->value, "code", is->code, "message",
                                                is->message));
    }
    for (size_t i = 0; i < lg->nrows; i++)
        bad += lg->rows[i].bad != 0;
    for (int i = 0; i < lg->nignored; i++)
        json_array_append_new(ignored, json_string(lg->ignored[i]));
    return json_pack("{s:s,s:s,s:I,s:I,s:I,s:o,s:I,s:o,s:I,s:I,s:I}", "mode", mode, "format",
                     formats[lg->format], "rows", (json_int_t)lg->nrows, "good_rows",
                     (json_int_t)(lg->nrows - bad), "bad_rows", (json_int_t)bad, "issues", issues,
                     "issues_total", (json_int_t)lg->nissues, "ignored_columns", ignored,
                     "created", (json_int_t)m->created_main, "created_residents",
                     (json_int_t)m->created_res, "skipped_rows", (json_int_t)m->skipped);
}

/* Stop at the first failing record and name its line. */
static lx_status row_failed(imp *m, ledger_row *row, lx_status rc)
{
    if (rc == LX_EIO || rc == LX_EBUSY)
        return rc;
    char msg[sizeof m->e->message];
    lx_strlcpy(msg, m->e->message, sizeof msg);
    snprintf(m->e->message, sizeof m->e->message, "line %zu: %.200s", row->line, msg);
    return rc;
}

static lx_status import_households(imp *m, db *d)
{
    ledger *lg = &m->lg;
    const resource *hr = record_resource(RES_HOUSEHOLDS), *rr = record_resource(RES_RESIDENTS);
    int fhead = record_field(hr, "head_name"), fname = record_field(rr, "name"),
        frel = record_field(rr, "relation"), fhh = record_field(rr, "household_id");
    strmap groups = STRMAP_INIT;
    size_t ngroups = 0;
    int64_t *group_of = xcalloc(lg->nrows + 1, sizeof *group_of);
    size_t *first_row = xcalloc(lg->nrows + 1, sizeof *first_row);
    char *group_bad = xcalloc(lg->nrows + 1, 1);
    int64_t *group_id = xcalloc(lg->nrows + 1, sizeof *group_id);
    lx_status rc = LX_OK;

    for (size_t i = 0; i < lg->nrows; i++) {
        int64_t g = (int64_t)ngroups;
        if (strmap_add(&groups, lg->rows[i].hkey, g, &g))
            first_row[ngroups++] = i;
        group_of[i] = g;
        if (lg->rows[i].bad)
            group_bad[g] = 1;
    }
    /* Households first (head's name from the head row), then residents. */
    for (size_t i = 0; i < lg->nrows && !rc; i++) {
        ledger_row *row = &lg->rows[i];
        int64_t g = group_of[i];
        if (group_bad[g])
            continue;
        const rval *rel = &row->resident->v[frel];
        if (rel->set && !rel->null && rel->i == 0) {
            record *h = lg->rows[first_row[g]].main;
            h->v[fhead] = (rval){1, 0, 0, row->resident->v[fname].s};
        }
    }
    for (size_t g = 0; g < ngroups && !rc; g++) {
        if (group_bad[g])
            continue;
        ledger_row *row = &lg->rows[first_row[g]];
        rc = registry_create(d, lg->a, hr, m->who, m->addr, row->main, REG_BATCH, m->e);
        if (rc)
            rc = row_failed(m, row, rc);
        group_id[g] = row->main->id;
        m->created_main++;
    }
    for (size_t i = 0; i < lg->nrows && !rc; i++) {
        ledger_row *row = &lg->rows[i];
        if (group_bad[group_of[i]]) {
            m->skipped++;
            continue;
        }
        row->resident->v[fhh] = (rval){1, 0, group_id[group_of[i]], NULL};
        rc = registry_create(d, lg->a, rr, m->who, m->addr, row->resident, REG_BATCH, m->e);
        if (rc)
            rc = row_failed(m, row, rc);
        m->created_res++;
    }
    strmap_release(&groups);
    free(group_of);
    free(first_row);
    free(group_bad);
    free(group_id);
    return rc;
}

static lx_status import_members(imp *m, db *d)
{
    ledger *lg = &m->lg;
    lx_status rc = LX_OK;
    for (size_t i = 0; i < lg->nrows && !rc; i++) {
        ledger_row *row = &lg->rows[i];
        if (row->bad) {
            m->skipped++;
            continue;
        }
        rc = registry_create(d, lg->a, record_resource(RES_MEMBERS), m->who, m->addr, row->main,
                             REG_BATCH, m->e);
        if (rc)
            rc = row_failed(m, row, rc);
        m->created_main++;
    }
    return rc;
}

static lx_status import_txn(void *arg, db *d)
{
    imp *m = arg;
    lx_status rc = m->lg.kind == LEDGER_HOUSEHOLDS ? import_households(m, d) : import_members(m, d);
    if (rc)
        return rc;
    json_t *dj = json_pack("{s:I,s:I,s:I,s:I,s:s}", "rows", (json_int_t)m->lg.nrows, "created",
                           (json_int_t)m->created_main, "created_residents",
                           (json_int_t)m->created_res, "skipped_rows", (json_int_t)m->skipped,
                           "file_sha256", m->file_hash);
    char *detail = json_dumps(dj, JSON_COMPACT);
    audit_rec ar = {m->who, m->addr,
                    m->lg.kind == LEDGER_HOUSEHOLDS ? "households.import" : "members.import", NULL,
                    "ok", detail};
    rc = audit_append(d, &ar);
    free(detail);
    json_decref(dj);
    return rc;
}


static const char *const mode_names[] = {"dry_run", "commit", "good_rows"};

int import_mode_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s && !strcmp(s, mode_names[i]))
            return i;
    return -1;
}

lx_status import_ledger(const principal *p, const char *addr, ledger_kind kind, const void *data,
                        size_t len, import_mode mode, int today_ymd, size_t max_rows,
                        json_t **out, int *refused, lx_error *e)
{
    imp m;
    char err[256] = "";
    unsigned char h[32];
    db *d = store_db();
    lx_status rc;
    *out = NULL;
    *refused = 0;
    if (!d)
        return LX_EIO;
    if (len == 0)
        return lx_fail(e, LX_EINVAL, "file", "the file is empty");
    memset(&m, 0, sizeof m);
    m.who = p;
    m.addr = addr;
    m.e = e;
    m.good_only = mode == IMPORT_GOOD_ROWS;
    m.root = root_of(p);
    crypto_sha256(data, len, h);
    crypto_hex(h, 32, m.file_hash);
    rc = ledger_read(&m.lg, kind, data, len, today_ymd, max_rows, err, sizeof err);
    if (rc) {
        ledger_release(&m.lg);
        return lx_fail(e, rc == LX_ETOOBIG ? LX_ETOOBIG : LX_EINVAL, "file", "%s", err);
    }
    rc = resolve_places(&m, d);
    if (!rc)
        rc = check_against_db(&m, d);
    if (rc)
        goto out;
    if (mode == IMPORT_COMMIT && m.lg.nissues) {
        *refused = 1;
    } else if (mode != IMPORT_DRY_RUN) {
        rc = store_txn(import_txn, &m);
        if (rc)
            goto out;
        if (m.created_main + m.created_res > 10000)
            db_analyze(d); /* a large import changes the planner's picture */
    }
    *out = report(&m, mode_names[mode]);
out:
    ledger_release(&m.lg);
    return rc;
}

lx_status import_template(ledger_kind kind, const char *path)
{
    size_t n = 0;
    const char *const *labels = ledger_template(kind, &n);
    xlsx_out *x = xlsx_out_open(path, kind == LEDGER_HOUSEHOLDS ? "农户台账" : "党员台账");
    if (!x)
        return LX_EIO;
    xlsx_out_header(x, labels, n);
    return xlsx_out_close(x);
}
