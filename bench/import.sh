#!/usr/bin/env bash
# bench/import.sh -- import time of a 300,000-row household ledger (CSV) into
# the 300k county, through the API: the dry run alone, then mode=commit.
#
#   bench/import.sh build/lianxin        # after bench/demo.sh
#   IMPORT_ROWS=20000 bench/import.sh build/lianxin   # quick check
#
# 1. A fresh copy of bench/out/demo/county.db (the import adds ~100k households),
#    synced to disk.
# 2. The real township/village/group names of the county are read from that
#    copy with sqlite3; bench/gen_ledger.py writes $IMPORT_ROWS rows (one per
#    resident, grouped by household number) with valid GB 11643 ID numbers of
#    region 330106, which the demo never uses (so none is already registered).
# 3. `serve --threads 2` on 127.0.0.1, log in as `county`, then
#    POST /api/v1/import/households?mode=dry_run  and  ?mode=commit
#    with the CSV as the body (Content-Type text/csv, cookie + X-CSRF-Token),
#    timed by curl (upload included; it is loopback), the server's RSS sampled
#    and its CPU time (user + system) for the request read from /proc.
# Writes bench/out/import/{ledger.csv,dry_run.json,commit.json,result.tsv}.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BIN=$(abspath "${1:?usage: bench/import.sh path/to/lianxin}")
IMPORT_ROWS=${IMPORT_ROWS:-300000}
IMPORT_TIMEOUT=${IMPORT_TIMEOUT:-1800}  # seconds, for each request
need curl jq sqlite3 python3
[ -f "$DEMO_DB" ] || die "no $DEMO_DB: run bench/demo.sh first"
I=$OUT/import
mkdir -p "$I"
trap 'stop_rss_sampler 2>/dev/null; stop_server' EXIT

log "import: fresh copy of the demo database"
copy_db "$DEMO_DB" "$DEMO_KEY" "$I/county.db" "$I/county.key"
# The copy's 400 MB are still being written back to disk: without this, that
# writeback lands in the import's time (a server's database is not new).
sync

sqlite3 -separator $'\t' "$I/county.db" "
    SELECT t.name, v.name, g.name FROM nodes g
    JOIN nodes v ON v.id = g.parent_id JOIN nodes t ON t.id = v.parent_id
    WHERE g.level = 4 AND g.active = 1 AND v.active = 1 AND t.active = 1 ORDER BY g.id" \
    >"$I/places.tsv"
log "import: $(wc -l <"$I/places.tsv") groups; generating $IMPORT_ROWS rows"
python3 "$BENCH_DIR/gen_ledger.py" "$I/places.tsv" "$IMPORT_ROWS" "$I/ledger.csv" "$SEED" >"$I/gen.txt"
households=$(awk '{print $3}' "$I/gen.txt")
bytes=$(stat -c %s "$I/ledger.csv")
log "import: ledger.csv: $(cat "$I/gen.txt"), $((bytes / 1048576)) MiB"

port=$(free_port)
start_server "$BIN" "$I/county.db" "$I/county.key" "$port" 2 "$I/serve.log"
login county

printf 'mode\trows\thouseholds\tseconds\trows_per_s\thttp\tcreated\tcreated_residents\tissues\tmax_rss_kb\tserver_cpu_s\tload1\n' \
    >"$I/result.tsv"
hz=$(getconf CLK_TCK)
for mode in dry_run commit; do
    log "import: POST /import/households?mode=$mode"
    start_rss_sampler "$SERVER_PID" "$I/rss-$mode"
    load1=$(cut -d' ' -f1 /proc/loadavg)
    ticks0=$(cpu_ticks "$SERVER_PID")
    read -r code secs < <(curl -s --max-time "$IMPORT_TIMEOUT" -o "$I/$mode.json" \
        -w '%{http_code} %{time_total}\n' -X POST \
        -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: text/csv' \
        --data-binary "@$I/ledger.csv" "$BASE/import/households?mode=$mode" || echo "000 0")
    ticks1=$(cpu_ticks "$SERVER_PID")
    stop_rss_sampler
    rss=$(cat "$I/rss-$mode")
    # The server's own CPU time (user + system) for the request: less
    # sensitive than the wall time to other work on a shared machine.
    cpu=$(awk -v a="$ticks0" -v b="$ticks1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
    issues=$(jq -r '.issues_total // .report.issues_total // "?"' "$I/$mode.json" 2>/dev/null || echo '?')
    created=$(jq -r '.created // 0' "$I/$mode.json" 2>/dev/null || echo 0)
    created_res=$(jq -r '.created_residents // 0' "$I/$mode.json" 2>/dev/null || echo 0)
    rate=$(awk -v r="$IMPORT_ROWS" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$IMPORT_ROWS" "$households" \
        "$secs" "$rate" "$code" "$created" "$created_res" "$issues" "$rss" "$cpu" "$load1" \
        >>"$I/result.tsv"
    log "import: $mode: HTTP $code in ${secs}s = $rate rows/s, issues $issues, max RSS $rss KiB, server CPU ${cpu}s, load $load1"
    if [ "$code" != 200 ] || [ "$issues" != 0 ]; then
        jq -c '.error // empty, (.issues // .report.issues // [])[:5]' "$I/$mode.json" >&2 || true
        die "the $mode import did not succeed cleanly"
    fi
done
# The rows are there: one of the imported ID numbers is found by search.
idno=$(awk -F, 'NR == 2 {print $12}' "$I/ledger.csv")
n=$(api_get "/residents?q=$idno" | jq '.items | length')
[ "$n" = 1 ] || die "an imported ID number is not found after the commit"
stop_server
column -t -s $'\t' "$I/result.tsv"
