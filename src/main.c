/* main.c -- the command line: one binary for every subcommand. */
#include "core/rbac.h"
#include "http/http.h"
#include "store/audit.h"
#include "store/bulk.h"
#include "store/cases.h"
#include "store/county.h"
#include "store/history.h"
#include "io/export.h"
#include "io/import.h"
#include "store/policies.h"
#include "store/pairing.h"
#include "util/fileio.h"
#include "store/record.h"
#include "store/registry.h"
#include "store/store.h"
#include "store/users.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/msgcat.h"
#include "util/ticker.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "util/zh.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_DB "var/lianxin.db"

/* Options every subcommand shares. */
typedef struct opts {
    const char *db;       /* database file */
    const char *key;      /* key file (default: beside the database) */
    char keybuf[1024];    /* storage for the derived key path */
} opts;

static const principal cli_actor = {0, "cli", ROLE_NONE, 0, 0, NULL, 0, 0, 0};

static void usage(FILE *f)
{
    fputs("usage: lianxin [--db FILE] [--key FILE] COMMAND [ARGS]\n"
          "\n"
          "Lianxin (连心): party members' direct contact with the people, for a county.\n"
          "\n"
          "commands:\n"
          "  init      create the database, the key file, the county and its system administrator\n"
          "  serve     run the HTTP server (loopback by default)\n"
          "  demo      fill a new database with a generated demo county\n"
          "  user      add, reset, lock, unlock or list accounts\n"
          "  backup    copy the live database to a file (online)\n"
          "  restore   replace the database with a backup (server stopped)\n"
          "  import    check and import a ledger (CSV/XLSX); --template writes the template\n"
          "  assign    pair members with households by the optimiser (--dry-run to look first)\n"
          "  history   fill a demo county with generated contact history (after assign)\n"
          "  cases     sweep: notify of cases that passed a deadline (the server does it too)\n"
          "  export    export a registry to XLSX or CSV\n"
          "  audit     verify the audit log's hash chain\n"
          "  routes    print the API route table as JSON\n"
          "  policies  print the named policies and their defaults as JSON\n"
          "  messages  print the message catalog (English, Simplified, Traditional) as JSON\n"
          "\n"
          "options:\n"
          "  --db FILE   the SQLite database (default " DEFAULT_DB ")\n"
          "  --key FILE  the key file (default: lianxin.key beside the database)\n"
          "\n"
          "Run `lianxin COMMAND --help` for a command's own options.\n",
          f);
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

static void key_path(opts *o)
{
    if (o->key)
        return;
    const char *slash = strrchr(o->db, '/');
    if (slash)
        snprintf(o->keybuf, sizeof o->keybuf, "%.*s/lianxin.key", (int)(slash - o->db), o->db);
    else
        snprintf(o->keybuf, sizeof o->keybuf, "lianxin.key");
    o->key = o->keybuf;
}

static void ensure_dir(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return;
    char dir[1024];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - file), file);
    mkdir(dir, 0700);
}

static int open_store(opts *o, int create)
{
    key_path(o);
    if (create)
        ensure_dir(o->db);
    if (!create && access(o->db, F_OK) != 0) {
        fprintf(stderr, "lianxin: no database at %s (run `lianxin init` or `lianxin demo`)\n", o->db);
        return 1;
    }
    if (zh_init() != LX_OK || store_open(o->db, o->key, create) != LX_OK) {
        fprintf(stderr, "lianxin: cannot open the database %s\n", o->db);
        return 1;
    }
    return 0;
}

/* A one-time password that meets the default policy. */
static void one_time_password(char out[24])
{
    char t[TOKEN_LEN + 1];
    crypto_token(t);
    snprintf(out, 24, "Lx-%.14s9a", t);
}

/* Create an account; print its one-time password. */
static int add_user(int64_t county, const char *username, const char *role_s, int64_t node,
                    int64_t member, int64_t household, const char *password, int must_change)
{
    user u;
    char pw[24];
    int64_t id = 0;
    memset(&u, 0, sizeof u);
    if (role_parse(role_s) == ROLE_NONE) {
        fprintf(stderr, "lianxin: unknown role %s\n", role_s);
        return 1;
    }
    u.county_id = county;
    lx_strlcpy(u.username, username, sizeof u.username);
    lx_strlcpy(u.display_name, username, sizeof u.display_name);
    lx_strlcpy(u.role, role_s, sizeof u.role);
    u.node_id = node;
    u.member_id = member;
    u.household_id = household;
    u.must_change = must_change && policy_get(store_db(), county, "password.change_at_first_login");
    if (!password) {
        one_time_password(pw);
        password = pw;
    }
    if (crypto_password_hash(password, u.pw_hash) != 0)
        return 1;
    db *d = store_db();
    if (db_begin(d) || users_create(d, &u, &id)) {
        db_rollback(d);
        fprintf(stderr, "lianxin: cannot create user %s (taken?)\n", username);
        return 1;
    }
    audit_rec ar = {&cli_actor, "cli", "users.create", username, "ok", NULL};
    if (audit_append(d, &ar) || db_commit(d)) {
        db_rollback(d);
        return 1;
    }
    printf("  %-20s %-18s password: %s\n", username, role_s, password);
    return 0;
}

static int cmd_init(opts *o, int argc, char **argv)
{
    const char *county = "示范县";
    static const struct option lo[] = {{"county", required_argument, 0, 'c'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
        if (c == 'c') {
            county = optarg;
        } else {
            printf("usage: lianxin init [--county NAME]\n"
                   "Create the database and key file, the county with its root node, and the\n"
                   "system, security and audit administrators; their one-time passwords are\n"
                   "printed once and must be changed at first login.\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (access(o->db, F_OK) == 0) {
        fprintf(stderr, "lianxin: %s already exists; init never overwrites a database\n", o->db);
        return 1;
    }
    if (open_store(o, 1))
        return 1;
    int64_t root = 0, cid = 0;
    if (county_create(store_db(), county, &cid, &root) != LX_OK)
        return 1;
    printf("created %s (county %lld) in %s, key in %s\naccounts (change at first login):\n",
           county, (long long)cid, o->db, o->key);
    int rc = add_user(cid, "sysadmin", "sysadmin", root, 0, 0, NULL, 1) ||
             add_user(cid, "secadmin", "secadmin", 0, 0, 0, NULL, 1) ||
             add_user(cid, "auditadmin", "auditadmin", 0, 0, 0, NULL, 1);
    store_close();
    return rc;
}

static int cmd_demo(opts *o, int argc, char **argv)
{
    long long households = 2000;
    unsigned long long seed = 1;
    const char *password = NULL;
    static const struct option lo[] = {{"households", required_argument, 0, 'n'},
                                       {"seed", required_argument, 0, 's'},
                                       {"password", required_argument, 0, 'p'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "n:s:p:h", lo, NULL)) != -1) {
        if (c == 'n') {
            households = strtoll(optarg, NULL, 10);
        } else if (c == 's') {
            seed = strtoull(optarg, NULL, 10);
        } else if (c == 'p') {
            password = optarg;
        } else {
            printf("usage: lianxin demo [--households N] [--seed S] [--password P]\n"
                   "Create a new database holding a generated county (deterministic for N and S,\n"
                   "100 to 1,000,000 households) and one demo account per role. Without\n"
                   "--password each account gets a printed one-time password.\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (households < 100 || households > 1000000) {
        fprintf(stderr, "lianxin: --households must be 100 to 1000000\n");
        return 2;
    }
    if (access(o->db, F_OK) == 0) {
        fprintf(stderr, "lianxin: %s already exists; demo only fills a new database\n", o->db);
        return 1;
    }
    if (open_store(o, 1))
        return 1;
    bulk_stats bs;
    memset(&bs, 0, sizeof bs);
    if (bulk_demo(store_db(), households, seed, &bs) != LX_OK) {
        fprintf(stderr, "lianxin: demo generation failed\n");
        return 1;
    }
    printf("demo county %lld: %lld nodes, %lld units, %lld organisations, %lld members,"
           " %lld households, %lld residents\n",
           (long long)bs.county_id, (long long)bs.nodes, (long long)bs.units, (long long)bs.orgs,
           (long long)bs.members, (long long)bs.households, (long long)bs.residents);
    /* One account per role, on the first township / village / group. */
    demo_places pl;
    if (county_demo_places(store_db(), &pl) != LX_OK)
        return 1;
    int64_t town = pl.township, village = pl.village, group = pl.group, member = pl.member,
            household = pl.household;
    printf("accounts (each must change its password at first login):\n");
    int rc = add_user(bs.county_id, "sysadmin", "sysadmin", bs.root_node_id, 0, 0, password, 1) ||
             add_user(bs.county_id, "secadmin", "secadmin", 0, 0, 0, password, 1) ||
             add_user(bs.county_id, "auditadmin", "auditadmin", 0, 0, 0, password, 1) ||
             add_user(bs.county_id, "county", "county_admin", bs.root_node_id, 0, 0, password, 1) ||
             add_user(bs.county_id, "township", "township_admin", town, 0, 0, password, 1) ||
             add_user(bs.county_id, "village", "village_secretary", village, 0, 0, password, 1) ||
             add_user(bs.county_id, "group", "group_leader", group, 0, 0, password, 1) ||
             add_user(bs.county_id, "inspector", "inspector", bs.root_node_id, 0, 0, password, 1) ||
             add_user(bs.county_id, "member", "member", village, member, 0, password, 1) ||
             add_user(bs.county_id, "resident", "resident", 0, 0, household, password, 1);
    store_close();
    return rc;
}

/* The command line acts as a county administrator of the first county (cli_as_county). */
typedef struct cli_identity {
    principal who; /* the actor */
    char path[64]; /* its scope path */
} cli_identity;
static int cli_as_county(cli_identity *id);

/* ---- the overdue sweep: notifies of cases that passed a deadline ---- */

#define SWEEP_SECONDS 60

typedef struct sweep_ctx {
    int64_t at;
    int n;
} sweep_ctx;

static lx_status sweep_txn(void *arg, db *d)
{
    sweep_ctx *c = arg;
    return cases_sweep(d, c->at, &c->n);
}

static void sweep(void *arg)
{
    (void)arg;
    sweep_ctx c = {lx_now(), 0};
    if (store_txn(sweep_txn, &c))
        log_warn("sweep: could not notify of overdue cases; trying again in %d s",
                 SWEEP_SECONDS);
    else if (c.n)
        log_info("sweep: %d cases newly overdue", c.n);
}

typedef struct cases_demo_ctx {
    cli_identity *id;
    int count, made;
} cases_demo_ctx;

static lx_status cases_demo_txn(void *arg, db *d)
{
    cases_demo_ctx *c = arg;
    return cases_demo(d, &c->id->who, c->count, &c->made);
}

static int cmd_cases(opts *o, int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "demo") && !wants_help(argc, argv)) {
        cli_identity id;
        cases_demo_ctx c = {&id, 80, 0};
        if (argc == 4 && !strcmp(argv[2], "--count"))
            c.count = atoi(argv[3]);
        else if (argc != 2)
            c.count = -1;
        if (c.count < 1 || c.count > 100000) {
            fprintf(stderr, "lianxin: usage: lianxin cases demo [--count N] (1 to 100000)\n");
            return 2;
        }
        if (open_store(o, 0) || cli_as_county(&id)) {
            store_close();
            return 1;
        }
        lx_status rc = store_txn(cases_demo_txn, &c);
        store_close();
        if (rc)
            return 1;
        printf("%d demo cases opened\n", c.made);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "sweep") || wants_help(argc, argv)) {
        printf("usage: lianxin cases sweep [--at YYYY-MM-DDTHH:MM]\n"
               "       lianxin cases demo [--count N]\n"
               "sweep: notify the assignee and the place above of every open case that passed\n"
               "a deadline (the server does this every %d seconds); --at sweeps as of that\n"
               "county-local time.\n"
               "demo: open N (80) demo requests in a demo county and move them along.\n",
               SWEEP_SECONDS);
        return wants_help(argc, argv) ? 0 : 2;
    }
    sweep_ctx c = {lx_now(), 0};
    if (argc == 4 && !strcmp(argv[2], "--at")) {
        if (lx_parse_time(argv[3], 8 * 3600, &c.at)) {
            fprintf(stderr, "lianxin: --at is a time, YYYY-MM-DDTHH:MM\n");
            return 2;
        }
    } else if (argc != 2) {
        fprintf(stderr, "lianxin: usage: lianxin cases sweep [--at TIME]\n");
        return 2;
    }
    if (open_store(o, 0))
        return 1;
    lx_status rc = store_txn(sweep_txn, &c);
    store_close();
    if (rc)
        return 1;
    printf("%d cases newly overdue\n", c.n);
    return 0;
}

static int cmd_serve(opts *o, int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *web = NULL;
    int threads = 4, cache_mb = 16;
    static const struct option lo[] = {{"listen", required_argument, 0, 'l'},
                                       {"threads", required_argument, 0, 't'},
                                       {"web", required_argument, 0, 'w'},
                                       {"list-cache", required_argument, 0, 'c'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "l:t:w:c:h", lo, NULL)) != -1) {
        if (c == 'l') {
            listen = optarg;
        } else if (c == 't') {
            threads = atoi(optarg);
        } else if (c == 'w') {
            web = optarg;
        } else if (c == 'c') {
            char *end = NULL;
            long v = strtol(optarg, &end, 10);
            cache_mb = *optarg && !*end && v >= 0 && v <= 1024 ? (int)v : -1;
        } else {
            printf("usage: lianxin serve [--listen ADDR:PORT] [--threads N] [--web DIR]"
                   " [--list-cache MB]\n"
                   "Serve the API under /api/v1 (and the web application's files from DIR).\n"
                   "Listens on 127.0.0.1:8080 by default: put nginx with TLS in front.\n"
                   "--list-cache: memory for recent list pages, served again until a write\n"
                   "  (at most 1 s); 16 by default, 0 for none.\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "lianxin: --threads must be 1 to 64\n");
        return 2;
    }
    if (cache_mb < 0) {
        fprintf(stderr, "lianxin: --list-cache must be 0 to 1024 (MB)\n");
        return 2;
    }
    if (open_store(o, 0))
        return 1;
    store_checkpointer_start();
    ticker *sweeper = ticker_start(SWEEP_SECONDS * 1000, sweep, NULL, store_thread_done);
    if (!sweeper)
        log_warn("sweep thread not started: overdue cases are not notified");
    lx_status rc = http_serve(listen, threads, web, (size_t)cache_mb << 20);
    ticker_stop(sweeper);
    store_checkpointer_stop();
    store_close();
    return rc ? 1 : 0;
}


static int cli_as_county(cli_identity *id)
{
    int64_t root = 0;
    memset(id, 0, sizeof *id);
    if (county_first(store_db(), &id->who.county_id, &root, id->path, sizeof id->path) != LX_OK) {
        fprintf(stderr, "lianxin: the database holds no county\n");
        return 1;
    }
    id->who.username = "cli";
    id->who.role = ROLE_COUNTY_ADMIN;
    id->who.node_id = root;
    id->who.node_path = id->path;
    return 0;
}

static void print_user(void *ctx, const user *u)
{
    (void)ctx;
    printf("%-24s %-18s%s%s%s\n", u->username, u->role, u->locked ? " locked" : "",
           u->active ? "" : " inactive", u->must_change ? " must-change-password" : "");
}

static int cmd_user(opts *o, int argc, char **argv)
{
    if (argc < 2 || wants_help(argc, argv)) {
        printf("usage: lianxin user add NAME ROLE [NODE_ID]   create (one-time password printed)\n"
               "       lianxin user reset NAME                new one-time password\n"
               "       lianxin user lock NAME | unlock NAME\n"
               "       lianxin user list\n"
               "roles: sysadmin secadmin auditadmin county_admin township_admin\n"
               "       village_secretary group_leader member inspector resident\n");
        return argc < 2 ? 2 : 0;
    }
    if (open_store(o, 0))
        return 1;
    const char *verb = argv[1];
    db *d = store_db();
    user u;
    int rc = 0;
    cli_identity id;
    if (cli_as_county(&id))
        return 1;
    if (!strcmp(verb, "add") && argc >= 4) {
        rc = add_user(id.who.county_id, argv[2], argv[3],
                      argc > 4 ? strtoll(argv[4], NULL, 10) : 0, 0, 0, NULL, 1);
    } else if (!strcmp(verb, "list")) {
        rc = users_each(d, id.who.county_id, NULL, print_user, NULL) != LX_OK;
    } else if ((!strcmp(verb, "reset") || !strcmp(verb, "lock") || !strcmp(verb, "unlock")) &&
               argc >= 3) {
        if (users_by_name(d, argv[2], &u) != LX_OK) {
            fprintf(stderr, "lianxin: no user %s\n", argv[2]);
            rc = 1;
        } else {
            char pw[24], hash[128], key[96];
            audit_rec ar = {&cli_actor, "cli", verb, argv[2], "ok", NULL};
            db_begin(d);
            if (!strcmp(verb, "reset")) {
                one_time_password(pw);
                crypto_password_hash(pw, hash);
                rc = users_set_password(d, u.id, hash, 1) != LX_OK;
            } else {
                rc = users_set_flag(d, u.id, "locked", !strcmp(verb, "lock")) != LX_OK;
                snprintf(key, sizeof key, "u:%s", u.username);
                if (!rc && !strcmp(verb, "unlock"))
                    rc = login_failures_clear(d, key) != LX_OK;
            }
            rc = rc || session_end_user(d, u.id) || audit_append(d, &ar) || db_commit(d);
            if (rc)
                db_rollback(d);
            else if (!strcmp(verb, "reset"))
                printf("%s: one-time password %s\n", u.username, pw);
            else
                printf("%s: %sed\n", u.username, verb);
        }
    } else {
        fprintf(stderr, "lianxin: user: bad arguments (see lianxin user --help)\n");
        rc = 2;
    }
    store_close();
    return rc;
}

static int cmd_backup(opts *o, int argc, char **argv)
{
    if (argc != 2 || wants_help(argc, argv)) {
        printf("usage: lianxin backup FILE\nCopy the live database to FILE while the server runs.\n"
               "The key file is not in the backup: keep a copy of it apart.\n");
        return argc == 2 ? 0 : 2;
    }
    if (access(argv[1], F_OK) == 0) {
        fprintf(stderr, "lianxin: %s exists; choose a new file\n", argv[1]);
        return 1;
    }
    if (open_store(o, 0))
        return 1;
    lx_status rc = db_backup(store_db(), argv[1]);
    audit_rec ar = {&cli_actor, "cli", "backup", argv[1], rc ? "failed" : "ok", NULL};
    audit_log(&ar);
    store_close();
    if (rc)
        return 1;
    printf("backup written to %s\n", argv[1]);
    return 0;
}

static int cmd_restore(opts *o, int argc, char **argv)
{
    if (argc != 2 || wants_help(argc, argv)) {
        printf("usage: lianxin restore FILE\nReplace the database with the backup FILE. Stop the\n"
               "server first; the current database is kept as DB.before-restore.\n");
        return argc == 2 ? 0 : 2;
    }
    key_path(o);
    db *b = NULL;
    if (zh_init() || crypto_load_key(o->key, 0) || db_open(argv[1], 0, &b) ||
        db_check_integrity(b)) {
        db_close(b);
        fprintf(stderr, "lianxin: %s is not a readable, intact database\n", argv[1]);
        return 1;
    }
    char before[1100];
    snprintf(before, sizeof before, "%s.before-restore", o->db);
    if (access(o->db, F_OK) == 0) {
        db *cur = NULL;
        if (db_open(o->db, 0, &cur) || db_backup(cur, before)) {
            db_close(cur);
            db_close(b);
            fprintf(stderr, "lianxin: cannot keep a copy of the current database\n");
            return 1;
        }
        db_close(cur);
    }
    char wal[1100], shm[1100];
    snprintf(wal, sizeof wal, "%s-wal", o->db);
    snprintf(shm, sizeof shm, "%s-shm", o->db);
    unlink(o->db);
    unlink(wal);
    unlink(shm);
    lx_status rc = db_backup(b, o->db);
    db_close(b);
    if (rc) {
        fprintf(stderr, "lianxin: restore failed; the previous database is in %s\n", before);
        return 1;
    }
    if (open_store(o, 0))
        return 1;
    audit_rec ar = {&cli_actor, "cli", "restore", argv[1], "ok", NULL};
    audit_log(&ar);
    store_close();
    printf("restored %s from %s\n", o->db, argv[1]);
    return 0;
}

static int cmd_audit(opts *o, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "verify") || wants_help(argc, argv)) {
        printf("usage: lianxin audit verify\nCheck the audit log's hash chain; name the first"
               " broken record.\n");
        return wants_help(argc, argv) ? 0 : 2;
    }
    if (open_store(o, 0))
        return 1;
    int64_t n = 0, bad = 0;
    lx_status rc = audit_verify(store_db(), &n, &bad);
    store_close();
    if (rc)
        return 1;
    if (bad) {
        printf("audit log BROKEN at record %lld (%lld records checked)\n", (long long)bad,
               (long long)n);
        return 3;
    }
    printf("audit log intact: %lld records\n", (long long)n);
    return 0;
}

static int cmd_import(opts *o, int argc, char **argv)
{
    const char *kind_s = "households", *mode_s = "dry_run", *template_path = NULL;
    static const struct option lo[] = {{"kind", required_argument, 0, 'k'},
                                       {"commit", no_argument, 0, 'c'},
                                       {"good-rows", no_argument, 0, 'g'},
                                       {"template", required_argument, 0, 't'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "k:cgt:h", lo, NULL)) != -1) {
        if (c == 'k') {
            kind_s = optarg;
        } else if (c == 'c') {
            mode_s = "commit";
        } else if (c == 'g') {
            mode_s = "good_rows";
        } else if (c == 't') {
            template_path = optarg;
        } else {
            printf("usage: lianxin import [--kind households|members] [--commit|--good-rows] FILE\n"
                   "       lianxin import [--kind households|members] --template OUT.xlsx\n"
                   "Check a ledger (CSV in UTF-8 or GBK, or XLSX) and list every bad row; with\n"
                   "--commit import it if it is clean (nothing otherwise), with --good-rows\n"
                   "import the households/members without problems. Without either: a dry run.\n");
            return c == 'h' ? 0 : 2;
        }
    }
    int kind = ledger_kind_parse(kind_s);
    if (kind < 0) {
        fprintf(stderr, "lianxin: --kind is households or members\n");
        return 2;
    }
    if (template_path) {
        if (import_template((ledger_kind)kind, template_path) != LX_OK) {
            fprintf(stderr, "lianxin: cannot write %s\n", template_path);
            return 1;
        }
        printf("template written to %s\n", template_path);
        return 0;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "lianxin: import takes one FILE (see lianxin import --help)\n");
        return 2;
    }
    char *data = NULL;
    size_t len = 0;
    if (file_read_all(argv[optind], (size_t)1 << 31, &data, &len) != LX_OK) {
        fprintf(stderr, "lianxin: cannot read %s\n", argv[optind]);
        return 1;
    }
    cli_identity id;
    json_t *report = NULL;
    int refused = 0, rc = 1;
    lx_error e = {0};
    if (open_store(o, 0) || cli_as_county(&id))
        goto out;
    size_t max_rows = (size_t)policy_get(store_db(), id.who.county_id, "import.max_rows");
    if (import_ledger(&id.who, "cli", (ledger_kind)kind, data, len,
                      (import_mode)import_mode_parse(mode_s), lx_today_ymd(lx_now(), 8 * 3600),
                      max_rows, &report, &refused, &e) != LX_OK) {
        fprintf(stderr, "lianxin: %s%s%s\n", e.field, *e.field ? ": " : "", e.message);
        goto out;
    }
    char *text = json_dumps(report, JSON_INDENT(1));
    puts(text);
    free(text);
    if (refused)
        fprintf(stderr, "lianxin: some rows have problems; nothing was imported\n");
    rc = refused ? 3 : 0;
out:
    json_decref(report);
    free(data);
    store_close();
    return rc;
}

static int cmd_export(opts *o, int argc, char **argv)
{
    const char *res_s = "households";
    static const struct option lo[] = {{"kind", required_argument, 0, 'k'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "k:h", lo, NULL)) != -1) {
        if (c == 'k') {
            res_s = optarg;
        } else {
            printf("usage: lianxin export [--kind nodes|units|orgs|members|households|residents]"
                   " OUT.xlsx|OUT.csv\nExport a whole registry of the county, personal values"
                   " masked; the file's extension chooses the format (CSV: UTF-8 with BOM).\n");
            return c == 'h' ? 0 : 2;
        }
    }
    const resource *res = record_resource_by_name(res_s);
    if (!res || optind != argc - 1) {
        fprintf(stderr, "lianxin: export --kind REGISTRY OUT.xlsx|OUT.csv (see lianxin export --help)\n");
        return 2;
    }
    const char *out = argv[optind], *ext = strrchr(out, '.');
    int csv = ext && !strcasecmp(ext, ".csv");
    if (!csv && !(ext && !strcasecmp(ext, ".xlsx"))) {
        fprintf(stderr, "lianxin: export: name the file .xlsx or .csv\n");
        return 2;
    }
    cli_identity id;
    int64_t rows = 0;
    if (open_store(o, 0) || cli_as_county(&id))
        return 1;
    scope s = scope_for(&id.who, res->kind);
    list_query lq;
    memset(&lq, 0, sizeof lq);
    lq.active = -1;
    lx_status rc = (csv ? export_csv : export_xlsx)(store_db(), res, &s, &lq, 0, out, &rows);
    audit_rec ar = {&id.who, "cli", "export", res->name, rc ? "failed" : "ok", NULL};
    audit_log(&ar);
    store_close();
    if (rc) {
        fprintf(stderr, "lianxin: cannot write %s\n", argv[optind]);
        return 1;
    }
    printf("%lld %s written to %s\n", (long long)rows, res->name, argv[optind]);
    return 0;
}

static lx_status assign_apply_txn(void *ctx, db *d)
{
    void **a = ctx;
    return pairing_apply(d, a[0], "cli", *(int64_t *)a[1], a[2], a[3]);
}

static json_t *stats_json(const assign_stats *st, double seconds)
{
    return json_pack("{s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "seconds", seconds, "households",
                     (json_int_t)st->households, "covered", (json_int_t)st->covered,
                     "uncovered", (json_int_t)st->uncovered, "hardest", (json_int_t)st->hardest,
                     "hardest_with_leader", (json_int_t)st->hardest_leader, "outside_own_group",
                     (json_int_t)st->distance_sum, "objective", (json_int_t)st->objective,
                     "flow_cost", (json_int_t)st->flow_cost);
}

static void dimacs_to_file(void *ctx, const char *text, size_t n)
{
    fwrite(text, 1, n, ctx);
}

/* lianxin assign --compare: the run's problem solved by the optimiser and by a plain
 * greedy pass, side by side, nothing written to the database; with --dimacs FILE
 * also the whole problem as one DIMACS min-cost-flow network (bench/assign/county.sh). */
static int assign_compare(const principal *who, assign_layer layer, const char *path,
                          int rebalance, int threads, const char *dimacs)
{
    db *d = store_db();
    pairing_problem p;
    memset(&p, 0, sizeof p);
    assign_weights w = pairing_weights(d, who->county_id);
    lx_status rc = db_begin_read(d);
    if (!rc)
        rc = pairing_load(d, who->county_id, path, layer, rebalance, &p);
    db_rollback(d);
    assign_result *res = xcalloc(p.nh + 1, sizeof *res);
    assign_stats opt, greedy;
    double t0 = lx_mono(), t1 = 0, t2 = 0;
    if (!rc)
        rc = assign_solve(layer, p.hh, p.nh, p.mm, p.nm, &w, rebalance, threads, res, &opt);
    t1 = lx_mono();
    if (!rc)
        rc = assign_greedy(layer, p.hh, p.nh, p.mm, p.nm, &w, rebalance, res, &greedy);
    t2 = lx_mono();
    if (!rc && dimacs) {
        FILE *f = fopen(dimacs, "w");
        rc = f ? assign_write_dimacs(layer, p.hh, p.nh, p.mm, p.nm, &w, rebalance,
                                     dimacs_to_file, f)
               : LX_EIO;
        if (f && fclose(f))
            rc = rc ? rc : LX_EIO;
    }
    if (!rc) {
        json_t *out = json_pack("{s:s,s:s,s:I,s:o,s:o}", "layer", pairing_layer_name(layer),
                                "place", path, "members", (json_int_t)p.nm, "optimiser",
                                stats_json(&opt, t1 - t0), "greedy",
                                stats_json(&greedy, t2 - t1));
        char *text = json_dumps(out, JSON_INDENT(1));
        puts(text);
        free(text);
        json_decref(out);
    } else {
        fprintf(stderr, "lianxin: the comparison failed (%s)\n", lx_status_name(rc));
    }
    free(res);
    pairing_problem_release(&p);
    return rc ? 1 : 0;
}

static int cmd_assign(opts *o, int argc, char **argv)
{
    const char *layer_s = "liaison";
    long long node = 0;
    int dry = 0, rebalance = 0, threads = 2, compare = 0;
    const char *dimacs = NULL;
    static const struct option lo[] = {{"layer", required_argument, 0, 'l'},
                                       {"compare", no_argument, 0, 'c'},
                                       {"dimacs", required_argument, 0, 'D'},
                                       {"node", required_argument, 0, 'n'},
                                       {"dry-run", no_argument, 0, 'd'},
                                       {"rebalance", no_argument, 0, 'r'},
                                       {"threads", required_argument, 0, 't'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "l:n:drt:h", lo, NULL)) != -1) {
        if (c == 'l') {
            layer_s = optarg;
        } else if (c == 'c') {
            compare = 1;
        } else if (c == 'D') {
            dimacs = optarg;
        } else if (c == 'n') {
            node = strtoll(optarg, NULL, 10);
        } else if (c == 'd') {
            dry = 1;
        } else if (c == 'r') {
            rebalance = 1;
        } else if (c == 't') {
            threads = atoi(optarg);
        } else {
            printf("usage: lianxin assign --layer liaison|assistance [--node ID] [--dry-run]"
                   " [--rebalance] [--threads N]\n"
                   "       lianxin assign --layer L [--node ID] --compare [--dimacs FILE]\n"
                   "Pair members with households under a place (the county by default) with the\n"
                   "optimiser. Prints what the run changes; applies it unless --dry-run. Current\n"
                   "pairs are kept unless --rebalance.\n"
                   "--compare solves the run's problem by the optimiser and by a plain greedy\n"
                   "pass and prints both (coverage, hardest households with a leader, pairs\n"
                   "outside the member's group, objective), writing nothing; --dimacs FILE also\n"
                   "writes the whole problem as one DIMACS min-cost-flow network.\n");
            return c == 'h' ? 0 : 2;
        }
    }
    int layer = pairing_layer_parse(layer_s);
    if (layer < 0 || threads < 1 || threads > 8 || (dimacs && !compare)) {
        fprintf(stderr, "lianxin: --layer is liaison or assistance; --threads 1 to 8;"
                        " --dimacs goes with --compare\n");
        return 2;
    }
    cli_identity id;
    int rc = 1;
    json_t *run = NULL;
    if (open_store(o, 0) || cli_as_county(&id))
        goto out;
    db *d = store_db();
    record *n = NULL;
    scope s = scope_for(&id.who, RES_NODES);
    arena *a = arena_new();
    if (registry_get(d, a, record_resource(RES_NODES), &s, node ? node : id.who.node_id, &n)) {
        fprintf(stderr, "lianxin: no such place %lld\n", node);
        arena_free(a);
        goto out;
    }
    if (compare) {
        rc = assign_compare(&id.who, (assign_layer)layer, n->path, rebalance, threads, dimacs);
        arena_free(a);
        goto out;
    }
    int64_t run_id = 0, applied = 0;
    lx_error e = {0};
    if (pairing_plan(d, &id.who, (assign_layer)layer, n->id, n->path, rebalance, threads,
                     &run_id, &e) != LX_OK ||
        pairing_run_get(d, &id.who, run_id, &run) != LX_OK) {
        fprintf(stderr, "lianxin: %s\n", e.message[0] ? e.message : "the run failed");
        arena_free(a);
        goto out;
    }
    arena_free(a);
    if (!dry) {
        void *args[] = {&id.who, &run_id, &applied, &e};
        if (store_txn(assign_apply_txn, args) != LX_OK) {
            fprintf(stderr, "lianxin: %s\n", e.message[0] ? e.message : "applying failed");
            goto out;
        }
        json_object_set_new(run, "status", json_string("applied"));
        json_object_set_new(run, "changes_applied", json_integer(applied));
    }
    char *text = json_dumps(run, JSON_INDENT(1));
    puts(text);
    free(text);
    rc = 0;
out:
    json_decref(run);
    store_close();
    return rc;
}

static int cmd_history(opts *o, int argc, char **argv)
{
    int years = 1;
    unsigned long long seed = 1;
    const char *end = NULL;
    static const struct option lo[] = {{"years", required_argument, 0, 'y'},
                                       {"seed", required_argument, 0, 's'},
                                       {"end", required_argument, 0, 'e'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "y:s:e:h", lo, NULL)) != -1) {
        if (c == 'y') {
            years = atoi(optarg);
        } else if (c == 's') {
            seed = strtoull(optarg, NULL, 10);
        } else if (c == 'e') {
            end = optarg;
        } else {
            printf("usage: lianxin history [--years N] [--seed S] [--end YYYY-MM-DD]\n"
                   "Fill a demo county that has pairings (`lianxin assign`) but no contacts with\n"
                   "N years (1-10, default 1) of generated contacts ending at the start of END\n"
                   "(county date; default tomorrow, so today is included): visits and calls by\n"
                   "each pairing, talks by each member, a courtyard meeting a month per group.\n"
                   "The same database, seed and END give the same history.\n");
            return c == 'h' ? 0 : 2;
        }
    }
    const int offset = 8 * 3600;
    int ymd = end ? lx_parse_date(end) : lx_today_ymd(lx_now() + 86400, offset);
    if (years < 1 || years > 10 || ymd < 0) {
        fprintf(stderr, "lianxin: --years is 1 to 10; --end is a date YYYY-MM-DD\n");
        return 2;
    }
    cli_identity id;
    history_stats hs;
    int rc = 1;
    if (open_store(o, 0) || cli_as_county(&id))
        goto out;
    if (history_load(store_db(), id.who.county_id, years, seed, lx_ymd_to_time(ymd, offset),
                     offset, &hs) != LX_OK) {
        fprintf(stderr, "lianxin: history generation failed (see the log above)\n");
        goto out;
    }
    printf("history of %d year(s) for %lld pairings: %lld contacts, %lld household rows,"
           " %lld requests raised\n",
           years, (long long)hs.pairs, (long long)hs.contacts, (long long)hs.households,
           (long long)hs.requests);
    rc = 0;
out:
    store_close();
    return rc;
}

/* The policy table with its defaults, as JSON (for docs and administrators). */
static int cmd_policies(void)
{
    size_t n;
    const policy_def *t = policy_table(&n);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "key", t[i].key, "domain",
                              t[i].domain == POLICY_SECURITY ? "security" : "work", "source",
                              t[i].source, "doc", t[i].doc);
        if (t[i].def_text) {
            json_object_set_new(o, "default", json_string(t[i].def_text));
            json_object_set_new(o, "max_length", json_integer(t[i].max));
        } else {
            json_object_set_new(o, "default", json_integer(t[i].def));
            json_object_set_new(o, "min", json_integer(t[i].min));
            json_object_set_new(o, "max", json_integer(t[i].max));
        }
        json_array_append_new(arr, o);
    }
    char *s = json_dumps(arr, JSON_INDENT(1));
    puts(s);
    free(s);
    json_decref(arr);
    return 0;
}

static int cmd_routes(void)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < nroutes; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "method", routes[i].method,
                                             "path", routes[i].pattern, "perm",
                                             perm_name(routes[i].perm), "doc", routes[i].doc));
    char *s = json_dumps(arr, JSON_INDENT(1));
    puts(s);
    free(s);
    json_decref(arr);
    return http_routes_check();
}

/* The message catalog (util/msgcat.def) as JSON, for its test and for translators. */
static int cmd_messages(void)
{
    static const char *const names[] = {"messages", "words", "spellings"};
    json_t *all = json_object();
    for (int k = 0; k < 3; k++) {
        size_t n = 0;
        const msgcat_entry *t = msgcat_table(k, &n);
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_pack("{s:s,s:s}", "zh-Hans", t[i].hans, "zh-Hant", t[i].hant);
            if (t[i].en)
                json_object_set_new(o, "en", json_string(t[i].en));
            json_array_append_new(arr, o);
        }
        json_object_set_new(all, names[k], arr);
    }
    char *s = json_dumps(all, JSON_INDENT(1));
    puts(s);
    free(s);
    json_decref(all);
    return 0;
}

int main(int argc, char **argv)
{
    opts o = {DEFAULT_DB, NULL, {0}};
    /* The database, its WAL, backups and exports are the county's data: not
     * readable by other users of the machine. */
    umask(077);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            o.db = argv[++i];
        } else if (!strcmp(argv[i], "--key") && i + 1 < argc) {
            o.key = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[i];
    int sub_argc = argc - i;
    char **sub_argv = argv + i;
    optind = 1;
    if (!strcmp(cmd, "init")) return cmd_init(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "demo")) return cmd_demo(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "serve")) return cmd_serve(&o, sub_argc, sub_argv);
    /* One-shot commands: the quick check (the server runs the full one). */
    store_quick_check_only();
    if (!strcmp(cmd, "user")) return cmd_user(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "backup")) return cmd_backup(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "restore")) return cmd_restore(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "audit")) return cmd_audit(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "import")) return cmd_import(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "assign")) return cmd_assign(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "history")) return cmd_history(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "cases")) return cmd_cases(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "export")) return cmd_export(&o, sub_argc, sub_argv);
    if (!strcmp(cmd, "routes")) return cmd_routes();
    if (!strcmp(cmd, "policies")) return cmd_policies();
    if (!strcmp(cmd, "messages")) return cmd_messages();
    fprintf(stderr, "lianxin: unknown command %s\n\n", cmd);
    usage(stderr);
    return 2;
}
