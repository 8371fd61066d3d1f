/* ledger.c -- map ledger columns to registry fields and check every cell. */
#include "io/ledger.h"
#include "io/table.h"
#include "util/handoff.h"
#include "util/msgcat.h"
#include "util/strmap.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <string.h>

/* What a column feeds. */
enum col_role { C_FIELD, C_HKEY, C_TOWN, C_VILLAGE, C_GROUP, C_UNIT };

typedef struct col {
    const char *label;      /* header in the template */
    const char *alts[4];    /* other headers accepted */
    enum col_role role;     /* what it feeds */
    resource_kind res;      /* C_FIELD: which record */
    const char *field;      /* C_FIELD: which field */
    int required;           /* the column must be present */
} col;

#define PLACE_COLS                                                                            \
    {"乡镇(街道)", {"乡镇（街道）", "乡镇", "街道", "鄉鎮(街道)"}, C_TOWN, 0, NULL, 1},         \
    {"村(社区)", {"村（社区）", "村", "社区", "村(社區)"}, C_VILLAGE, 0, NULL, 1},             \
    {"组(网格)", {"组（网格）", "组", "村民小组", "网格"}, C_GROUP, 0, NULL, 0}

static const col household_cols[] = {
    {"户编号", {"户号", "戶編號", NULL, NULL}, C_HKEY, 0, NULL, 1},
    PLACE_COLS,
    {"住址", {"地址", "家庭住址", NULL, NULL}, C_FIELD, RES_HOUSEHOLDS, "address", 0},
    {"富裕难度", {"难度", NULL, NULL, NULL}, C_FIELD, RES_HOUSEHOLDS, "difficulty", 0},
    {"户类别", {"户类型", "标签", NULL, NULL}, C_FIELD, RES_HOUSEHOLDS, "tags", 0},
    {"需求", {"帮扶需求", NULL, NULL, NULL}, C_FIELD, RES_HOUSEHOLDS, "needs", 0},
    {"姓名", {"成员姓名", NULL, NULL, NULL}, C_FIELD, RES_RESIDENTS, "name", 1},
    {"性别", {NULL, NULL, NULL, NULL}, C_FIELD, RES_RESIDENTS, "gender", 1},
    {"出生日期", {"出生年月日", NULL, NULL, NULL}, C_FIELD, RES_RESIDENTS, "birth_date", 0},
    {"身份证号", {"身份证号码", "公民身份号码", "身份證號", NULL}, C_FIELD, RES_RESIDENTS, "idno", 0},
    {"联系电话", {"电话", "手机", "手机号", "聯繫電話"}, C_FIELD, RES_RESIDENTS, "phone", 0},
    {"与户主关系", {"与户主关系", "關係", "关系", NULL}, C_FIELD, RES_RESIDENTS, "relation", 1},
};

static const col member_cols[] = {
    {"姓名", {NULL, NULL, NULL, NULL}, C_FIELD, RES_MEMBERS, "name", 1},
    {"性别", {NULL, NULL, NULL, NULL}, C_FIELD, RES_MEMBERS, "gender", 1},
    {"联系电话", {"电话", "手机", "手机号", "聯繫電話"}, C_FIELD, RES_MEMBERS, "phone", 0},
    PLACE_COLS,
    {"工作单位", {"单位", NULL, NULL, NULL}, C_UNIT, 0, NULL, 0},
    {"职级", {"职务职级", NULL, NULL, NULL}, C_FIELD, RES_MEMBERS, "rank", 1},
    {"党员类别", {"类别", NULL, NULL, NULL}, C_FIELD, RES_MEMBERS, "category", 1},
    {"特长", {"专长", NULL, NULL, NULL}, C_FIELD, RES_MEMBERS, "skills", 0},
};

static const struct {
    const char *name;   /* URL name */
    const col *cols;    /* its columns */
    size_t ncols;       /* their number */
} kinds[LEDGER__COUNT] = {
    [LEDGER_HOUSEHOLDS] = {"households", household_cols,
                           sizeof household_cols / sizeof household_cols[0]},
    [LEDGER_MEMBERS] = {"members", member_cols, sizeof member_cols / sizeof member_cols[0]},
};

int ledger_kind_parse(const char *name)
{
    for (int k = 0; k < LEDGER__COUNT; k++)
        if (name && !strcmp(kinds[k].name, name))
            return k;
    return -1;
}

const char *const *ledger_template(ledger_kind kind, size_t *n)
{
    static const char *labels[LEDGER__COUNT][32];
    *n = kinds[kind].ncols;
    for (size_t i = 0; i < *n; i++)
        labels[kind][i] = kinds[kind].cols[i].label;
    return labels[kind];
}

/* State while reading. */
typedef struct rd {
    ledger *lg;
    const col *cols;         /* the kind's columns */
    size_t ncols;
    int map[64];             /* file column -> index in cols, or -1 */
    int fidx[32];            /* cols[k]'s field in its record (C_FIELD), else -1 */
    size_t nmap;             /* file columns */
    int have_header;         /* the header row was seen */
    int today;               /* for date checks */
    size_t max_rows;         /* limit */
    lx_status rc;            /* a file-level failure */
    char *err;               /* its message */
    size_t errlen;
    strmap dup;              /* ID numbers or phones seen -> line */
    strmap households;       /* household number -> index of its first row */
    strmap names;            /* place names, each kept once: name -> its copy */
    int hkey_col;            /* file column of the household number, or -1 */
    record *scratch;         /* a later row's household cells, to compare */
} rd;

static const char *trim_copy(arena *a, const char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    return arena_strndup(a, s, n);
}

/* A place name, trimmed, kept once per ledger: a county's ledger names a few
 * thousand places on hundreds of thousands of rows. */
static const char *place_copy(rd *s, const char *cell)
{
    char buf[256];
    int64_t k = 0;
    while (*cell == ' ')
        cell++;
    size_t n = strlen(cell);
    while (n && cell[n - 1] == ' ')
        n--;
    if (n >= sizeof buf)
        return arena_strndup(s->lg->a, cell, n);
    memcpy(buf, cell, n);
    buf[n] = '\0';
    if (strmap_get(&s->names, buf, &k))
        return (const char *)(intptr_t)k;
    const char *copy = arena_strndup(s->lg->a, buf, n);
    strmap_add(&s->names, buf, (int64_t)(intptr_t)copy, NULL);
    return copy;
}

static int header_matches(const col *c, const char *h)
{
    if (!strcmp(c->label, h))
        return 1;
    for (int i = 0; i < 4 && c->alts[i]; i++)
        if (!strcmp(c->alts[i], h))
            return 1;
    return 0;
}

static int read_header(rd *s, const char *const *cells, size_t n)
{
    ledger *lg = s->lg;
    int seen[32] = {0};
    s->nmap = n < 64 ? n : 64;
    s->hkey_col = -1;
    for (size_t i = 0; i < s->nmap; i++) {
        s->map[i] = -1;
        for (size_t k = 0; k < s->ncols; k++)
            if (header_matches(&s->cols[k], cells[i]) && !seen[k]) {
                s->map[i] = (int)k;
                seen[k] = 1;
                if (s->cols[k].role == C_HKEY)
                    s->hkey_col = (int)i;
                break;
            }
        if (s->map[i] < 0 && cells[i][0] && lg->nignored < 16)
            lg->ignored[lg->nignored++] = arena_strdup(lg->a, cells[i]);
    }
    for (size_t k = 0; k < s->ncols; k++)
        if (s->cols[k].required && !seen[k]) {
            lx_msgf(s->err, s->errlen, "the column %s is missing (see the template)",
                    s->cols[k].label);
            s->rc = LX_EINVAL;
            return 1;
        }
    s->have_header = 1;
    return 0;
}

void ledger_issue_add(ledger *lg, ledger_row *row, const char *column, const char *value,
                      const char *code, const char *message)
{
    char masked[256];
    if (lg->nissues == lg->capissues) {
        lg->capissues = lg->capissues ? lg->capissues * 2 : 64;
        lg->issues = xrealloc(lg->issues, lg->capissues * sizeof *lg->issues);
    }
    /* Personal columns are shown masked in the report. */
    const col *cols = kinds[lg->kind].cols;
    for (size_t k = 0; value && k < kinds[lg->kind].ncols; k++) {
        if (cols[k].role != C_FIELD || strcmp(cols[k].label, column))
            continue;
        const resource *r = record_resource(cols[k].res);
        const field *f = &r->fields[record_field(r, cols[k].field)];
        if (f->type == FT_PHONE || f->type == FT_IDNO || f->type == FT_ADDRESS) {
            record_mask(f->type, value, masked, sizeof masked);
            value = masked;
        }
    }
    ledger_issue *is = &lg->issues[lg->nissues++];
    is->line = row ? row->line : 0;
    is->column = arena_strdup(lg->a, column ? column : "");
    is->value = arena_strdup(lg->a, value ? value : "");
    is->code = code;
    is->message = arena_strdup(lg->a, message);
    if (row)
        row->bad = 1;
}

/* Compare the places of row against the household's first row. */
static int check_same_places(ledger *lg, ledger_row *first, ledger_row *row)
{
    for (int p = 0; p < 3; p++)
        if (strcmp(first->place[p], row->place[p])) {
            ledger_issue_add(lg, row, kinds[lg->kind].cols[1 + p].label, row->place[p],
                             "inconsistent_household",
                             lx_msg("rows of one household name different places"));
            return 1;
        }
    return 0;
}

/* Compare the household cells of a later row (parsed into `cells`) against
 * the household as its first row gives it. */
static void check_same_values(ledger *lg, const record *first, const record *cells,
                              ledger_row *row)
{
    const resource *hr = record_resource(RES_HOUSEHOLDS);
    for (int i = 0; i < hr->nfields; i++) {
        const rval *a = &first->v[i], *b = &cells->v[i];
        if (!b->set || b->null)
            continue; /* later rows may leave household cells empty */
        int same = a->set && !a->null &&
                   (hr->fields[i].type == FT_ADDRESS ? !strcmp(a->s, b->s) : a->i == b->i);
        if (!same) {
            for (size_t k = 0; k < kinds[lg->kind].ncols; k++)
                if (kinds[lg->kind].cols[k].field &&
                    !strcmp(kinds[lg->kind].cols[k].field, hr->fields[i].name) &&
                    kinds[lg->kind].cols[k].res == RES_HOUSEHOLDS)
                    ledger_issue_add(lg, row, kinds[lg->kind].cols[k].label, NULL,
                                     "inconsistent_household",
                                     lx_msg("this differs from the household's first row"));
            return;
        }
    }
}

static int on_row(void *ctx, size_t line, const char *const *cells, size_t ncells)
{
    rd *s = ctx;
    ledger *lg = s->lg;
    lx_error e;
    if (!s->have_header)
        return read_header(s, cells, ncells);
    if (lg->nrows >= s->max_rows) {
        lx_msgf(s->err, s->errlen, "the file has more than %zu rows", s->max_rows);
        s->rc = LX_ETOOBIG;
        return 1;
    }
    if (lg->nrows == lg->caprows) {
        lg->caprows = lg->caprows ? lg->caprows * 2 : 256;
        lg->rows = xrealloc(lg->rows, lg->caprows * sizeof *lg->rows);
    }
    ledger_row *row = &lg->rows[lg->nrows++];
    record *hcells = NULL; /* where this row's household cells go */
    memset(row, 0, sizeof *row);
    row->line = line;
    row->place[0] = row->place[1] = row->place[2] = "";
    row->hkey = row->unit = "";
    if (lg->kind == LEDGER_HOUSEHOLDS) {
        /* One household record, from its first row; a later row's household
         * cells are only compared with it. */
        const char *hk = s->hkey_col >= 0 && (size_t)s->hkey_col < ncells ? cells[s->hkey_col] : "";
        int64_t first = -1;
        row->hkey = trim_copy(lg->a, hk);
        if (!*row->hkey)
            ledger_issue_add(lg, row, "户编号", hk, "required",
                             lx_msg("the household number is empty"));
        if (*row->hkey && !strmap_add(&s->households, row->hkey, (int64_t)(lg->nrows - 1), &first)) {
            ledger_row *fr = &lg->rows[first];
            row->hkey = fr->hkey;
            row->main = fr->main;
            if (!s->scratch)
                s->scratch = record_new(lg->a, record_resource(RES_HOUSEHOLDS));
            memset(s->scratch->v, 0, sizeof(rval) * (size_t)record_resource(RES_HOUSEHOLDS)->nfields);
            hcells = s->scratch;
        } else {
            row->main = hcells = record_new(lg->a, record_resource(RES_HOUSEHOLDS));
        }
        row->resident = record_new(lg->a, record_resource(RES_RESIDENTS));
    } else {
        row->main = record_new(lg->a, record_resource(RES_MEMBERS));
    }
    for (size_t i = 0; i < s->nmap; i++) {
        if (s->map[i] < 0)
            continue;
        const col *c = &s->cols[s->map[i]];
        const char *cell = i < ncells ? cells[i] : "";
        switch (c->role) {
        case C_HKEY:
            break; /* read above */
        case C_TOWN:
        case C_VILLAGE:
        case C_GROUP:
            row->place[c->role - C_TOWN] = place_copy(s, cell);
            /* Households are checked as a whole (check_households): their
             * later rows may leave the place blank, as merged cells do. */
            if (c->required && !*row->place[c->role - C_TOWN] && lg->kind != LEDGER_HOUSEHOLDS)
                ledger_issue_add(lg, row, c->label, cell, "required", lx_msg("the place is empty"));
            break;
        case C_UNIT:
            row->unit = trim_copy(lg->a, cell);
            break;
        case C_FIELD: {
            const resource *r = record_resource(c->res);
            int fi = s->fidx[s->map[i]];
            record *rec = c->res == RES_RESIDENTS ? row->resident
                          : c->res == RES_HOUSEHOLDS ? hcells : row->main;
            const field *f = &r->fields[fi];
            /* A household's own cells may be left empty on its later rows: an
             * empty cell there is not a value (and on the first row it takes
             * the default). */
            field relaxed = *f;
            if (c->res == RES_HOUSEHOLDS) {
                const char *t = cell;
                while (*t == ' ')
                    t++;
                if (!*t)
                    break;
                relaxed.flags &= ~(unsigned)FF_REQUIRED;
            }
            memset(&e, 0, sizeof e);
            if (record_parse_text(&relaxed, cell, s->today, lg->a, &rec->v[fi], &e)) {
                ledger_issue_add(lg, row, c->label, cell, *cell ? "invalid" : "required", e.message);
                rec->v[fi].set = 0;
            }
            break;
        }
        }
    }
    if (row->resident) {
        memset(&e, 0, sizeof e);
        if (record_resident_agrees(record_resource(RES_RESIDENTS), row->resident, lg->a, &e)) {
            int birth = !strcmp(e.field, "birth_date");
            const rval *v = &row->resident->v[record_field(record_resource(RES_RESIDENTS),
                                                           birth ? "birth_date" : "gender")];
            ledger_issue_add(lg, row, birth ? "出生日期" : "性别",
                             birth ? v->s : (v->i == 0 ? "男" : "女"), "invalid", e.message);
        }
    }
    if (hcells && hcells != row->main)
        check_same_values(lg, row->main, hcells, row);
    /* Duplicates within the file. */
    const char *dupfield = lg->kind == LEDGER_HOUSEHOLDS ? "idno" : "phone";
    record *drec = lg->kind == LEDGER_HOUSEHOLDS ? row->resident : row->main;
    const resource *dres = record_resource(lg->kind == LEDGER_HOUSEHOLDS ? RES_RESIDENTS : RES_MEMBERS);
    const rval *dv = &drec->v[record_field(dres, dupfield)];
    if (dv->set && !dv->null) {
        int64_t first = 0;
        if (!strmap_add(&s->dup, dv->s, (int64_t)line, &first)) {
            char msg[160];
            if (lg->kind == LEDGER_HOUSEHOLDS)
                lx_msgf(msg, sizeof msg, "the same ID number is on line %lld", (long long)first);
            else
                lx_msgf(msg, sizeof msg, "the same phone is on line %lld", (long long)first);
            ledger_issue_add(lg, row, lg->kind == LEDGER_HOUSEHOLDS ? "身份证号" : "联系电话",
                             dv->s, "duplicate_in_file", msg);
        }
    }
    return 0;
}

/* Households: rows of one number agree, and each household has one head. */
static void check_households(rd *s)
{
    ledger *lg = s->lg;
    size_t *firsts = xcalloc(lg->nrows + 1, sizeof *firsts);
    size_t *heads = xcalloc(lg->nrows + 1, sizeof *heads);
    size_t nh = 0;
    const resource *rr = record_resource(RES_RESIDENTS);
    int frel = record_field(rr, "relation");
    for (size_t i = 0; i < lg->nrows; i++) {
        ledger_row *row = &lg->rows[i];
        if (!*row->hkey)
            continue;
        int64_t first = 0;
        strmap_get(&s->households, row->hkey, &first); /* on_row put every number there */
        size_t fi = (size_t)first;
        int added = fi == i;
        int blank = !*row->place[0] && !*row->place[1] && !*row->place[2];
        if (added) {
            firsts[nh++] = i;
            for (int p = 0; p < 2; p++)
                if (!*row->place[p])
                    ledger_issue_add(lg, row, kinds[lg->kind].cols[1 + p].label, "", "required",
                                     lx_msg("the place is empty"));
        } else if (blank) {
            /* A later row with no place (merged cells) is in the first row's place. */
            for (int p = 0; p < 3; p++)
                row->place[p] = lg->rows[fi].place[p];
        } else {
            check_same_places(lg, &lg->rows[fi], row);
        }
        const rval *rel = &row->resident->v[frel];
        if (rel->set && !rel->null && rel->i == 0) {
            if (heads[fi]) {
                ledger_issue_add(lg, row, "与户主关系", "户主", "head",
                                 lx_msg("the household already has a head on another line"));
            }
            heads[fi]++;
        }
    }
    for (size_t k = 0; k < nh; k++)
        if (!heads[firsts[k]])
            ledger_issue_add(lg, &lg->rows[firsts[k]], "与户主关系", NULL, "head",
                             lx_msg("no row of this household is its head (户主)"));
    free(firsts);
    free(heads);
}

/* ---- Reading on a second thread ----
 *
 * table_read (decoding and CSV or XLSX parsing, a fifth of a read) runs on a
 * reader thread that copies each row's cells into batches; the caller's
 * thread takes the batches in order and checks their rows (on_row) as before,
 * so the two overlap, handing batches over through a util/handoff ring. */

#define BATCH_ROWS 1024
#define NBATCH 4

typedef struct batch {
    size_t n;                  /* rows in it */
    size_t line[BATCH_ROWS];   /* each row's line */
    size_t first[BATCH_ROWS];  /* its first cell in off */
    size_t ncells[BATCH_ROWS]; /* its cells */
    size_t *off;               /* each cell's text in text */
    size_t noff, capoff;
    char *text;                /* cell texts, NUL-terminated */
    size_t len, cap;
} batch;

typedef struct relay {
    batch b[NBATCH];        /* the reader fills b[ring.made % NBATCH] */
    handoff ring;           /* made: batches handed over; used: given back by the checker */
    int filling;            /* the reader has begun its batch (the reader's own) */
    const void *data;       /* the file */
    size_t len;
    lx_lang lang;           /* the caller's, for the reader's messages */
    table_format fmt;       /* what the reader found */
    lx_status rc;           /* table_read's answer */
    char err[256];          /* and its message */
} relay;

static void batch_add(batch *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 1 << 17;
        while (b->cap < b->len + n)
            b->cap *= 2;
        b->text = xrealloc(b->text, b->cap);
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
}

static int relay_row(void *ctx, size_t line, const char *const *cells, size_t ncells)
{
    relay *r = ctx;
    batch *b = &r->b[r->ring.made % NBATCH];
    if (!r->filling) { /* a new batch: once the checker has given it back */
        if (!handoff_wait_room(&r->ring, 1))
            return 1;
        r->filling = 1;
    }
    if (b->noff + ncells > b->capoff) {
        b->capoff = b->capoff ? b->capoff * 2 : 16 * BATCH_ROWS;
        while (b->capoff < b->noff + ncells)
            b->capoff *= 2;
        b->off = xrealloc(b->off, b->capoff * sizeof *b->off);
    }
    b->line[b->n] = line;
    b->first[b->n] = b->noff;
    b->ncells[b->n] = ncells;
    for (size_t i = 0; i < ncells; i++) {
        b->off[b->noff++] = b->len;
        batch_add(b, cells[i], strlen(cells[i]) + 1);
    }
    if (++b->n == BATCH_ROWS) {
        r->filling = 0;
        handoff_put(&r->ring);
    }
    return 0;
}

static void *reader_main(void *arg)
{
    relay *r = arg;
    lx_lang_set(r->lang);
    r->rc = table_read(r->data, r->len, relay_row, r, &r->fmt, r->err, sizeof r->err);
    if (r->filling)
        handoff_put(&r->ring); /* the last, part-filled batch */
    handoff_finish(&r->ring);
    return NULL;
}

/* Check every row the reader hands over, in order; *fmt and the reader's
 * failure (rc, message in err) as table_read would give them. */
static lx_status read_relayed(rd *s, const void *data, size_t len, table_format *fmt,
                              char *err, size_t errlen)
{
    relay *r = xcalloc(1, sizeof *r);
    pthread_t reader;
    const char **cells = NULL;
    size_t ccap = 0;
    int stop = 0;
    r->data = data;
    r->len = len;
    r->lang = lx_lang_get();
    r->fmt = TABLE_CSV_UTF8;
    handoff_init(&r->ring, NBATCH);
    lx_status rc;
    if (pthread_create(&reader, NULL, reader_main, r) != 0) {
        rc = table_read(data, len, on_row, s, fmt, err, errlen);
        goto out;
    }
    while (handoff_wait_ready(&r->ring, 1)) {
        batch *b = &r->b[r->ring.used % NBATCH];
        for (size_t k = 0; k < b->n && !stop; k++) {
            if (b->ncells[k] > ccap) {
                ccap = b->ncells[k] > 64 ? b->ncells[k] : 64;
                cells = xrealloc(cells, ccap * sizeof *cells);
            }
            for (size_t i = 0; i < b->ncells[k]; i++)
                cells[i] = b->text + b->off[b->first[k] + i];
            stop = on_row(s, b->line[k], cells, b->ncells[k]);
        }
        b->n = b->noff = b->len = 0;
        handoff_take(&r->ring);
        if (stop)
            handoff_stop(&r->ring);
    }
    pthread_join(reader, NULL);
    *fmt = r->fmt;
    /* A file the checker stopped reading (s->rc) is judged by that, as when
     * table_read stops at the callback's word; the reader may have read on. */
    rc = stop ? LX_OK : r->rc;
    if (rc && err && errlen)
        snprintf(err, errlen, "%s", r->err);
out:
    for (int i = 0; i < NBATCH; i++) {
        free(r->b[i].off);
        free(r->b[i].text);
    }
    free(cells);
    handoff_destroy(&r->ring);
    free(r);
    return rc;
}

lx_status ledger_read(ledger *lg, ledger_kind kind, const void *data, size_t len, int today_ymd,
                      size_t max_rows, char *err, size_t errlen)
{
    rd s;
    table_format fmt = TABLE_CSV_UTF8;
    memset(lg, 0, sizeof *lg);
    memset(&s, 0, sizeof s);
    lg->kind = kind;
    lg->a = arena_new();
    s.lg = lg;
    s.cols = kinds[kind].cols;
    s.ncols = kinds[kind].ncols;
    for (size_t k = 0; k < s.ncols; k++)
        s.fidx[k] = s.cols[k].role == C_FIELD
                        ? record_field(record_resource(s.cols[k].res), s.cols[k].field)
                        : -1;
    s.today = today_ymd;
    s.max_rows = max_rows;
    s.err = err;
    s.errlen = errlen;
    lx_status rc = read_relayed(&s, data, len, &fmt, err, errlen);
    lg->format = (int)fmt;
    if (!rc)
        rc = s.rc;
    if (!rc && !s.have_header) {
        lx_msgf(err, errlen, "the file is empty: it needs a header row and data rows");
        rc = LX_EINVAL;
    }
    if (!rc && kind == LEDGER_HOUSEHOLDS)
        check_households(&s);
    strmap_release(&s.dup);
    strmap_release(&s.households);
    strmap_release(&s.names);
    return rc;
}

void ledger_release(ledger *lg)
{
    if (!lg)
        return;
    free(lg->rows);
    free(lg->issues);
    arena_free(lg->a);
    memset(lg, 0, sizeof *lg);
}
