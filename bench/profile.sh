#!/usr/bin/env bash
# bench/profile.sh -- where the server's CPU time goes: a flat perf profile of
# `lianxin serve` under load on each measured endpoint, and during a ledger
# import (dry run, then commit). Not part of run.sh; run it after run.sh.
#
#   bench/profile.sh bench/out/bin/lianxin     # the binary run.sh measured
#   PROFILE_SECONDS=5 bench/profile.sh build/lianxin
#
# On a fresh copy of bench/out/demo/county.db, `serve --threads 2` on
# 127.0.0.1; for each endpoint of http.sh, wrk at $PROFILE_CONNS connections
# (default 4: the point is the cost of a request, not queueing; the detail,
# which is fast, at $CONNS = 64 like http.sh) while
# `perf record -e cpu-clock -F 999 -p <server>` samples for $PROFILE_SECONDS.
# Then the import of bench/out/import/ledger.csv (made by import.sh) into
# another fresh copy, sampled from the request to the reply.
# Writes bench/out/profile/<name>.txt (perf report by library, then by symbol)
# and wrk-<endpoint>.txt.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BIN=$(abspath "${1:?usage: bench/profile.sh path/to/lianxin}")
PROFILE_SECONDS=${PROFILE_SECONDS:-10}
PROFILE_CONNS=${PROFILE_CONNS:-4}
need perf wrk curl jq sqlite3
[ -f "$DEMO_DB" ] || die "no $DEMO_DB: run bench/demo.sh first"
P=$OUT/profile
mkdir -p "$P"
trap 'stop_server' EXIT

report() {  # report PERF_DATA OUT_TXT: share of each library, then of each symbol
    {
        echo "## by library"
        perf report -i "$1" --stdio --no-children --sort dso --percent-limit 0.5 2>/dev/null |
            grep '%'
        echo "## by symbol (>= 0.5%)"
        perf report -i "$1" --stdio --no-children --sort dso,symbol --percent-limit 0.5 \
            2>/dev/null | grep '%' | sed 's/ *- *- *$//'
    } >"$2"
    rm -f "$1"
}

copy_db "$DEMO_DB" "$DEMO_KEY" "$P/county.db" "$P/county.key"
start_server "$BIN" "$P/county.db" "$P/county.key" "$(free_port)" 2 "$P/serve.log"
login county
find_bench_paths
for ep in $ENDPOINTS; do
    wait_idle "$SERVER_PID"
    # The detail is fast: load it like http.sh does; the others take ~0.5 s each.
    conns=$PROFILE_CONNS
    [ "$ep" = detail ] && conns=$CONNS
    log "profile: $ep (wrk -c$conns, perf ${PROFILE_SECONDS}s)"
    LX_COOKIE=$COOKIE wrk -t "$WRK_THREADS" -c "$conns" -d "$((PROFILE_SECONDS + 2))s" --timeout 30s \
        -s "$BENCH_DIR/cookie.lua" "$BASE${PATHS[$ep]}" >"$P/wrk-$ep.txt" 2>&1 &
    wrk_pid=$!
    sleep 1
    perf record -q -e cpu-clock -F 999 -p "$SERVER_PID" -o "$P/$ep.data" \
        -- sleep "$PROFILE_SECONDS" 2>/dev/null
    wait "$wrk_pid" || true
    report "$P/$ep.data" "$P/$ep.txt"
    sed -n '2,6p' "$P/$ep.txt" >&2 || true
done
stop_server

if [ -f "$OUT/import/ledger.csv" ]; then
    copy_db "$DEMO_DB" "$DEMO_KEY" "$P/import.db" "$P/import.key"
    start_server "$BIN" "$P/import.db" "$P/import.key" "$(free_port)" 2 "$P/serve-import.log"
    login county
    for mode in dry_run commit; do
        log "profile: import $mode"
        perf record -q -e cpu-clock -F 999 -p "$SERVER_PID" -o "$P/import-$mode.data" &
        perf_pid=$!
        sleep 1
        curl -s --max-time 1800 -o "$P/import-$mode.json" -w "import $mode: %{http_code} %{time_total}s\n" \
            -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: text/csv' \
            --data-binary "@$OUT/import/ledger.csv" "$BASE/import/households?mode=$mode" >&2
        kill -INT "$perf_pid"
        wait "$perf_pid" || true
        report "$P/import-$mode.data" "$P/import-$mode.txt"
        sed -n '2,6p' "$P/import-$mode.txt" >&2 || true
    done
    stop_server
    rm -f "$P/import.db" "$P/import.db-wal" "$P/import.db-shm" "$P/import.key"
fi
rm -f "$P/county.db" "$P/county.db-wal" "$P/county.db-shm" "$P/county.key"
log "profile: reports in $P/"
