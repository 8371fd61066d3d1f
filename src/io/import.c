/* import.c -- a ledger from bytes to records: read, check against the tree and the
 * database, and write in one transaction (or only report). */
#include "io/import.h"
#include "io/xlsx_out.h"
#include "store/audit.h"
#include "store/registry.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/handoff.h"
#include "util/log.h"
#include "util/msgcat.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

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
    arena *helper_a;          /* what the helper thread filled records in with */
} imp;

/* The county root is the first node of the caller's scope path ("/1/5/" -> 1). */
static int64_t root_of(const principal *p)
{
    return p->node_path ? strtoll(p->node_path + 1, NULL, 10) : 0;
}

/* Where a row's place names lead; the same for every row that names them. */
typedef struct place_hit {
    int64_t node;     /* the node; 0 if none; the root when no place is named */
    const char *path; /* its path (ledger arena), once checked against the scope */
    int bad;          /* -1 none; 0..2 the first place not found under the one before;
                         3 the place is outside the caller's scope */
} place_hit;

static const char *const place_labels[3] = {"乡镇(街道)", "村(社区)", "组(网格)"};

/* Walk the names of one row down from the root, each level looked up once
 * per import (cache: the names so far -> node), then check the place itself
 * against the caller's scope. */
static lx_status find_place(imp *m, db *d, const ledger_row *row, strmap *levels,
                            place_hit *hit)
{
    ledger *lg = &m->lg;
    scope s = scope_for(m->who, RES_NODES);
    /* The root itself is out of a township admin's scope, so townships are
     * looked up by parent id without a scope filter, then checked below. */
    scope any = s;
    any.kind = SCOPE_SUBTREE;
    any.path = "/";
    strbuf key = STRBUF_INIT;
    lx_status rc = LX_OK;
    int64_t node = m->root, found = 0;
    hit->node = 0;
    hit->path = NULL;
    hit->bad = -1;
    for (int p = 0; p < 3 && *row->place[p]; p++) {
        strbuf_adds(&key, row->place[p]);
        strbuf_addch(&key, '\x1f');
        if (strmap_get(levels, strbuf_str(&key), &found)) {
            node = found;
        } else {
            rc = registry_child_node(d, p == 0 ? &any : &s, node, row->place[p], &node);
            if (rc)
                goto out;
            strmap_add(levels, strbuf_str(&key), node, NULL);
        }
        if (!node) {
            hit->bad = p;
            goto out;
        }
    }
    hit->node = node;
    if (node == m->root)
        goto out;
    /* The place itself must be in the caller's scope. */
    record *rec = NULL;
    rc = registry_get(d, lg->a, record_resource(RES_NODES), &s, node, &rec);
    if (rc == LX_ENOTFOUND) {
        hit->bad = 3;
        rc = LX_OK;
    } else if (!rc) {
        hit->path = rec->path;
    }
out:
    strbuf_release(&key);
    return rc;
}

/* Resolve each row's place names to a node in the caller's scope: the
 * record's node_id and the row's path. A ledger names a few thousand places
 * on hundreds of thousands of rows, so each distinct one is looked up once. */
static lx_status resolve_places(imp *m, db *d)
{
    ledger *lg = &m->lg;
    strmap levels = STRMAP_INIT, tuples = STRMAP_INIT;
    place_hit *hits = NULL;
    size_t nhits = 0, caphits = 0;
    strbuf key = STRBUF_INIT;
    lx_status rc = LX_OK;
    int fn = record_field(record_resource(lg->kind == LEDGER_HOUSEHOLDS ? RES_HOUSEHOLDS
                                                                          : RES_MEMBERS),
                          "node_id");
    for (size_t i = 0; i < lg->nrows && !rc; i++) {
        ledger_row *row = &lg->rows[i];
        int64_t k = 0;
        strbuf_reset(&key);
        for (int p = 0; p < 3 && *row->place[p]; p++) {
            strbuf_adds(&key, row->place[p]);
            strbuf_addch(&key, '\x1f');
        }
        if (!strmap_get(&tuples, strbuf_str(&key), &k)) {
            if (nhits == caphits) {
                caphits = caphits ? caphits * 2 : 256;
                hits = xrealloc(hits, caphits * sizeof *hits);
            }
            rc = find_place(m, d, row, &levels, &hits[nhits]);
            if (rc)
                break;
            k = (int64_t)nhits++;
            strmap_add(&tuples, strbuf_str(&key), k, NULL);
        }
        const place_hit *h = &hits[k];
        if (h->bad >= 0 && h->bad < 3)
            ledger_issue_add(lg, row, place_labels[h->bad], row->place[h->bad], "unknown_place",
                             lx_msg("no such place under the one before it, in your scope"));
        else if (h->bad == 3)
            ledger_issue_add(lg, row, place_labels[0], row->place[0], "unknown_place",
                             lx_msg("this place is outside your scope"));
        if (!h->path)
            continue;
        /* The rows of a household share its record: its first row places it
         * (a later row naming another place is an issue already). */
        if (!row->main->v[fn].set)
            row->main->v[fn] = (rval){1, 0, h->node, NULL};
        row->path = h->path;
    }
    strbuf_release(&key);
    strmap_release(&levels);
    strmap_release(&tuples);
    free(hits);
    return rc;
}

/* Units by name (members), duplicates against the database. */
static lx_status check_against_db(imp *m, db *d)
{
    ledger *lg = &m->lg;
    lx_status rc = LX_OK;
    const resource *rr = record_resource(RES_RESIDENTS), *mr = record_resource(RES_MEMBERS);
    int fid = record_field(rr, "idno"), funit = record_field(mr, "unit_id");
    if (lg->kind == LEDGER_HOUSEHOLDS) {
        const char **idnos = xcalloc(lg->nrows + 1, sizeof *idnos);
        int *found = xcalloc(lg->nrows + 1, sizeof *found);
        for (size_t i = 0; i < lg->nrows; i++) {
            const rval *v = &lg->rows[i].resident->v[fid];
            idnos[i] = v->set && !v->null ? v->s : NULL;
        }
        rc = registry_residents_by_idno(d, idnos, lg->nrows, found);
        for (size_t i = 0; i < lg->nrows && !rc; i++)
            if (found[i])
                ledger_issue_add(lg, &lg->rows[i], "身份证号", idnos[i], "duplicate_in_db",
                                 lx_msg("this ID number is already registered"));
        free(idnos);
        free(found);
        return rc;
    }
    for (size_t i = 0; i < lg->nrows && !rc; i++) {
        ledger_row *row = &lg->rows[i];
        if (*row->unit) {
            int64_t id = 0;
            rc = registry_unit_by_name(d, m->who->county_id, row->unit, &id);
            if (!rc && !id)
                ledger_issue_add(lg, row, "工作单位", row->unit, "unknown_unit",
                                 lx_msg("no unit of this name in the county"));
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
    lx_msgf(m->e->message, sizeof m->e->message, "line %zu: %.400s", row->line, msg);
    return rc;
}

/* A record is only written at a place resolved in the caller's scope. */
static lx_status no_place(imp *m, ledger_row *row)
{
    return row_failed(m, row, lx_fail(m->e, LX_EINVAL, "", "the record has no place in the tree"));
}

/* ---- writing, with the values computed a step ahead ----
 *
 * A record's values -- its sealed ID number, phone and address, their lookup
 * hashes, its search keys, a resident's checks -- take about a sixth of an
 * import (a perf profile) and need no database. A helper thread computes them
 * (registry_batch_prepare) up to AHEAD records ahead, while this thread
 * inserts them in order. */

typedef struct job {
    const resource *r; /* the registry */
    record *rec;       /* the record, its id reserved */
    const char *path;  /* its place */
    ledger_row *row;   /* the row it came from, to name in an error */
} job;

#define AHEAD 256
/* The helper, when AHEAD ahead, waits until half the ring is free; the writer,
 * when it has caught up, until LAG records are ready (util/handoff.h). */
#define LAG 64

typedef struct ahead {
    const reg_batch *b;
    const job *jobs;
    size_t n;
    reg_insert ins[AHEAD]; /* job i's values in ins[i % AHEAD] */
    lx_status rc[AHEAD];
    lx_error err[AHEAD];
    arena *a;              /* the helper's own (a record may point into it) */
    zh_cache keys;         /* the helper's own */
    handoff ring;          /* made: jobs prepared by the helper; used: taken by the writer */
} ahead;

static void prepare_one(ahead *h, size_t i)
{
    const job *j = &h->jobs[i];
    size_t k = i % AHEAD;
    memset(&h->err[k], 0, sizeof h->err[k]);
    h->rc[k] = registry_batch_prepare(h->b, h->a, &h->keys, j->r, j->rec, j->path, &h->ins[k],
                                      &h->err[k]);
}

static void *helper_main(void *arg)
{
    ahead *h = arg;
    for (size_t i = 0; i < h->n && handoff_wait_room(&h->ring, AHEAD / 2); i++) {
        prepare_one(h, i);
        handoff_put(&h->ring);
    }
    handoff_finish(&h->ring);
    return NULL;
}

/* Insert jobs in order; the first failure stops everything and names its row. */
static lx_status write_jobs(imp *m, reg_batch *b, const job *jobs, size_t n)
{
    ahead *h = xcalloc(1, sizeof *h);
    pthread_t helper;
    lx_status rc = LX_OK;
    h->b = b;
    h->jobs = jobs;
    h->n = n;
    if (!m->helper_a)
        m->helper_a = arena_new();
    h->a = m->helper_a;
    handoff_init(&h->ring, AHEAD);
    int threaded = n > 1 && pthread_create(&helper, NULL, helper_main, h) == 0;
    size_t i = 0;
    for (; i < n && !rc; i++) {
        size_t k = i % AHEAD;
        if (threaded)
            handoff_wait_ready(&h->ring, LAG); /* the helper makes all n unless stopped */
        else
            prepare_one(h, i);
        if (h->rc[k]) {
            *m->e = h->err[k];
            rc = h->rc[k];
        } else {
            rc = registry_batch_insert(b, &h->ins[k], m->e);
        }
        if (rc)
            rc = row_failed(m, jobs[i].row, rc);
        else if (jobs[i].r->kind == RES_RESIDENTS)
            m->created_res++;
        else
            m->created_main++;
        if (threaded)
            handoff_take(&h->ring);
    }
    if (threaded) {
        handoff_stop(&h->ring);
        pthread_join(helper, NULL);
    }
    /* Values made but never inserted (after a failure). */
    for (size_t made = threaded ? h->ring.made : i; i < made; i++)
        if (!h->rc[i % AHEAD])
            qb_release(&h->ins[i % AHEAD].q);
    zh_cache_release(&h->keys);
    handoff_destroy(&h->ring);
    free(h);
    return rc;
}

/* Households in the order of their place (path), then file order: the
 * records of one place land next to each other in the path indexes. */
static const ledger_row *sort_rows;
static int by_place(const void *x, const void *y)
{
    const ledger_row *a = &sort_rows[*(const size_t *)x], *b = &sort_rows[*(const size_t *)y];
    int c = strcmp(a->path, b->path);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

static lx_status import_households(imp *m, reg_batch *b)
{
    ledger *lg = &m->lg;
    const resource *hr = record_resource(RES_HOUSEHOLDS), *rr = record_resource(RES_RESIDENTS);
    int fhead = record_field(hr, "head_name"), fname = record_field(rr, "name"),
        frel = record_field(rr, "relation"), fhh = record_field(rr, "household_id");
    strmap groups = STRMAP_INIT;
    size_t ngroups = 0, ngood = 0;
    size_t *group_of = xcalloc(lg->nrows + 1, sizeof *group_of);
    size_t *first_row = xcalloc(lg->nrows + 1, sizeof *first_row);
    size_t *last_row = xcalloc(lg->nrows + 1, sizeof *last_row);
    size_t *next_row = xcalloc(lg->nrows + 1, sizeof *next_row); /* in its household; 0 ends */
    char *group_bad = xcalloc(lg->nrows + 1, 1);
    size_t *order = xcalloc(lg->nrows + 1, sizeof *order);       /* good households' first rows */
    lx_status rc = LX_OK;

    for (size_t i = 0; i < lg->nrows; i++) {
        int64_t g = (int64_t)ngroups;
        if (strmap_add(&groups, lg->rows[i].hkey, g, &g))
            first_row[ngroups++] = i;
        else
            next_row[last_row[g]] = i;
        last_row[g] = i;
        group_of[i] = (size_t)g;
        if (lg->rows[i].bad)
            group_bad[g] = 1;
    }
    /* The head's name from the head row. */
    for (size_t i = 0; i < lg->nrows; i++) {
        ledger_row *row = &lg->rows[i];
        size_t g = group_of[i];
        if (group_bad[g]) {
            m->skipped++;
            continue;
        }
        const rval *rel = &row->resident->v[frel];
        if (rel->set && !rel->null && rel->i == 0) {
            record *h = lg->rows[first_row[g]].main;
            h->v[fhead] = (rval){1, 0, 0, row->resident->v[fname].s};
        }
    }
    for (size_t g = 0; g < ngroups && !rc; g++)
        if (!group_bad[g] && lg->rows[first_row[g]].path)
            order[ngood++] = first_row[g];
        else if (!group_bad[g])
            rc = no_place(m, &lg->rows[first_row[g]]);
    sort_rows = lg->rows;
    qsort(order, ngood, sizeof *order, by_place);
    /* Households first, then their residents under them (their path and id,
     * no lookup): every id reserved before the first is written. Every row
     * not skipped is a resident of a good household. */
    size_t nres = lg->nrows - (size_t)m->skipped, nj = 0;
    int64_t hid = 0, rid = 0;
    if (!rc)
        rc = registry_batch_reserve(b, hr, (int64_t)ngood, &hid);
    if (!rc)
        rc = registry_batch_reserve(b, rr, (int64_t)nres, &rid);
    job *jobs = xcalloc(ngood + lg->nrows + 1, sizeof *jobs);
    for (size_t k = 0; k < ngood && !rc; k++) {
        ledger_row *row = &lg->rows[order[k]];
        row->main->id = hid++;
        jobs[nj++] = (job){hr, row->main, row->path, row};
    }
    for (size_t k = 0; k < ngood && !rc; k++) {
        const ledger_row *head = &lg->rows[order[k]];
        for (size_t i = order[k];; i = next_row[i]) {
            ledger_row *row = &lg->rows[i];
            row->resident->v[fhh] = (rval){1, 0, head->main->id, NULL};
            row->resident->id = rid++;
            jobs[nj++] = (job){rr, row->resident, head->path, row};
            if (!next_row[i])
                break;
        }
    }
    if (!rc)
        rc = write_jobs(m, b, jobs, nj);
    free(jobs);
    strmap_release(&groups);
    free(group_of);
    free(first_row);
    free(last_row);
    free(next_row);
    free(group_bad);
    free(order);
    return rc;
}

static lx_status import_members(imp *m, reg_batch *b)
{
    ledger *lg = &m->lg;
    const resource *mr = record_resource(RES_MEMBERS);
    job *jobs = xcalloc(lg->nrows + 1, sizeof *jobs);
    size_t n = 0;
    int64_t id = 0;
    lx_status rc = LX_OK;
    for (size_t i = 0; i < lg->nrows && !rc; i++) {
        ledger_row *row = &lg->rows[i];
        if (row->bad)
            m->skipped++;
        else if (!row->path)
            rc = no_place(m, row);
        else
            jobs[n++] = (job){mr, row->main, row->path, row};
    }
    if (!rc)
        rc = registry_batch_reserve(b, mr, (int64_t)n, &id);
    for (size_t k = 0; k < n && !rc; k++)
        jobs[k].rec->id = id++;
    if (!rc)
        rc = write_jobs(m, b, jobs, n);
    free(jobs);
    return rc;
}

/* Write the good records and the one audit record of the import. */
static lx_status import_write(imp *m, db *d)
{
    reg_batch *b = registry_batch_new(d, m->who);
    lx_status rc = m->lg.kind == LEDGER_HOUSEHOLDS ? import_households(m, b) : import_members(m, b);
    registry_batch_free(b);
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

/* The file's SHA-256 (for the audit record), computed beside the reading. */
typedef struct file_digest {
    const void *data;
    size_t len;
    unsigned char h[32];
} file_digest;

static void *digest_main(void *arg)
{
    file_digest *fd = arg;
    crypto_sha256(fd->data, fd->len, fd->h);
    return NULL;
}

lx_status import_ledger(const principal *p, const char *addr, ledger_kind kind, const void *data,
                        size_t len, import_mode mode, int today_ymd, size_t max_rows,
                        json_t **out, int *refused, lx_error *e)
{
    imp m;
    char err[256] = "";
    file_digest fd = {.data = data, .len = len};
    pthread_t digester;
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
    double t0 = lx_mono(), t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    int digesting = pthread_create(&digester, NULL, digest_main, &fd) == 0;
    rc = ledger_read(&m.lg, kind, data, len, today_ymd, max_rows, err, sizeof err);
    if (digesting)
        pthread_join(digester, NULL);
    else
        digest_main(&fd);
    crypto_hex(fd.h, 32, m.file_hash);
    if (rc) {
        ledger_release(&m.lg);
        return lx_fail(e, rc == LX_ETOOBIG ? LX_ETOOBIG : LX_EINVAL, "file", "%s", err);
    }
    /* One transaction: the checks and the writes see the same database (a
     * dry run reads in one snapshot; anything else holds the write lock
     * from the first check, so no duplicate can slip in between). */
    int writing = mode != IMPORT_DRY_RUN;
    rc = writing ? db_begin(d) : db_begin_read(d);
    if (rc)
        goto out;
    if (writing)
        db_large_txn(d, 1);
    t1 = lx_mono();
    rc = resolve_places(&m, d);
    /* A clean households file to commit is written without looking its ID
     * numbers up first (a tenth of the import): the unique index refuses one
     * already registered, and only then are they all looked up, after a
     * rollback, to name every such row. */
    int hopeful = !rc && mode == IMPORT_COMMIT && kind == LEDGER_HOUSEHOLDS && !m.lg.nissues;
    if (!rc && !hopeful)
        rc = check_against_db(&m, d);
    t2 = lx_mono();
    if (!rc && mode == IMPORT_COMMIT && m.lg.nissues)
        *refused = 1; /* nothing is written */
    else if (!rc && writing)
        rc = import_write(&m, d);
    if (rc == LX_ECONFLICT && hopeful) {
        lx_error first = *e; /* the row the database refused */
        db_rollback(d);
        m.created_main = m.created_res = 0;
        rc = db_begin(d);
        if (!rc)
            rc = check_against_db(&m, d);
        if (!rc && m.lg.nissues) {
            *refused = 1;
        } else if (!rc) {
            *e = first; /* not a registered ID number: the refusal as it came */
            rc = LX_ECONFLICT;
        }
    }
    t3 = lx_mono();
    if (!rc && writing && !*refused)
        rc = db_commit(d); /* rolls back itself if it fails */
    else
        db_rollback(d);
    t4 = lx_mono();
    if (!rc && m.created_main + m.created_res > 10000)
        db_analyze(d); /* a large import changes the planner's picture */
    if (writing)
        db_large_txn(d, 0); /* after ANALYZE: its commit would checkpoint */
    if (rc)
        goto out;
    log_info("import %s of %zu rows: read %.2f s, checks %.2f s, writes %.2f s, commit %.2f s,"
             " analyze %.2f s", mode_names[mode], m.lg.nrows, t1 - t0, t2 - t1, t3 - t2,
             t4 - t3, lx_mono() - t4);
    *out = report(&m, mode_names[mode]);
out:
    ledger_release(&m.lg);
    arena_free(m.helper_a);
#ifdef __GLIBC__
    /* A ledger is hundreds of MB parsed, freed in this thread's malloc arena;
     * the next import may run on another thread (another arena). Give it
     * back to the system rather than keep it per thread. */
    malloc_trim(0);
#endif
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
