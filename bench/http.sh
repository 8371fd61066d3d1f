#!/usr/bin/env bash
# bench/http.sh -- requests/s and latency of the household API on the 300k county,
# logged in as the county administrator, with wrk at 64 connections; and the
# server's peak RSS under that load.
#
#   bench/http.sh build/lianxin          # after bench/demo.sh made bench/out/demo/county.db
#   SERVER_THREADS=2 DURATION=5s bench/http.sh build/lianxin   # quick check
#
# For each `serve --threads N` in $SERVER_THREADS ("2 4"), on a fresh copy of
# the demo database: start the server on 127.0.0.1:<free port>, log in as
# `county` (changing the one-time password), look up a real village, household
# and phone number, then run wrk (-t2 -c64 -d20s --latency, cookie set by
# bench/cookie.lua) against:
#   list         GET /households?under=<village>&tags=low_income&limit=50
#   list_all     GET /households?limit=50                (first page, unfiltered)
#   search_name  GET /households?q=王                    (a common surname)
#   search_phone GET /households?q=<a resident's phone>  (exact match)
#   detail       GET /households/<id>
# while sampling the server's RSS (ps -o rss=) every second. Before each wrk
# run: wait until the server is idle, and time 11 sequential requests (median:
# the service time of one request without queueing, "solo_ms").
# Writes bench/out/http/result.tsv, the raw wrk outputs, and the exact response
# bodies (bench/out/http/bodies/*.json, used by nginx.sh as its static files).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BIN=$(abspath "${1:?usage: bench/http.sh path/to/lianxin}")
need wrk curl jq sqlite3 python3
[ -f "$DEMO_DB" ] || die "no $DEMO_DB: run bench/demo.sh first"
H=$OUT/http
mkdir -p "$H/wrk" "$H/bodies"
trap 'stop_rss_sampler 2>/dev/null; stop_server' EXIT

log "http: copying the demo database"
copy_db "$DEMO_DB" "$DEMO_KEY" "$H/county.db" "$H/county.key"

printf 'server_threads\tendpoint\trps\tp50_ms\tp99_ms\terrors\tcompleted\tsolo_ms\tmax_rss_kb\tbody_bytes\tpath\n' \
    >"$H/result.tsv"

for threads in $SERVER_THREADS; do
    port=$(free_port)
    start_server "$BIN" "$H/county.db" "$H/county.key" "$port" "$threads" "$H/serve-t$threads.log"
    login county

    find_bench_paths   # sets PATHS[list|list_all|search_name|search_phone|detail]
    for ep in $ENDPOINTS; do
        api_get "${PATHS[$ep]}" "$H/bodies/$ep.json"
        [ "$(jq -r 'if .items then (.items|length) else 1 end' "$H/bodies/$ep.json")" -gt 0 ] ||
            die "$ep returned no items"
    done
    idle_rss=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
    log "http: server RSS before load: ${idle_rss} KiB"

    for ep in $ENDPOINTS; do
        path=${PATHS[$ep]}
        # wrk closes its connections at the end of a run, but the server still
        # answers the requests that were queued on them: wait until it is idle,
        # so that one run's backlog does not count against the next.
        wait_idle "$SERVER_PID"
        solo=$(solo_ms "$BASE$path" "$COOKIE")
        log "http: $ep: one request at a time: median $solo ms"
        log "http: wrk -t$WRK_THREADS -c$CONNS -d$DURATION $ep ($path), serve --threads $threads"
        start_rss_sampler "$SERVER_PID" "$H/rss-t$threads-$ep"
        read -r rps p50 p99 errs completed < <(run_wrk "$ep" "$BASE$path" "$H/wrk/t$threads-$ep.txt" "$COOKIE")
        stop_rss_sampler
        rss=$(cat "$H/rss-t$threads-$ep")
        bytes=$(stat -c %s "$H/bodies/$ep.json")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$threads" "$ep" "$rps" "$p50" "$p99" \
            "$errs" "$completed" "$solo" "$rss" "$bytes" "$path" >>"$H/result.tsv"
        log "http: $ep: $rps req/s ($completed requests), p50 ${p50} ms, p99 ${p99} ms, errors $errs, max RSS $rss KiB"
    done
    wait_idle "$SERVER_PID"
    # Still logged in after the load? (a 401 here would mean the numbers are of errors)
    api_get /auth/me >/dev/null
    stop_server
done
column -t -s $'\t' "$H/result.tsv"
