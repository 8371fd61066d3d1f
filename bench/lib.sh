# bench/lib.sh -- helpers shared by the benchmark scripts (sourced, not run).
#
# Defines the settings every script uses (overridable from the environment),
# and functions to start/stop a server, log in, run wrk and sample RSS.
# Everything listens on and talks to 127.0.0.1 only.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$BENCH_DIR/out}

HOUSEHOLDS=${HOUSEHOLDS:-300000}   # size of the generated county
SEED=${SEED:-1}
PASSWORD=${PASSWORD:-'Bench-2026!'}          # demo accounts' one-time password
NEW_PASSWORD=${NEW_PASSWORD:-'Bench-2026!changed'} # chosen at first login
CONNS=${CONNS:-64}                 # wrk connections
WRK_THREADS=${WRK_THREADS:-2}      # wrk threads
DURATION=${DURATION:-20s}          # wrk duration of each run
# wrk only puts a request into its latency distribution if it completed within
# --timeout (slower ones are counted as "timeout" errors and dropped), so the
# timeout is set well above anything we expect, to keep p99 honest.
WRK_TIMEOUT=${WRK_TIMEOUT:-30s}
SERVER_THREADS=${SERVER_THREADS:-"2 4"}  # lianxin serve --threads, one pass each

DEMO_DB=$OUT/demo/county.db        # the 300k county made by demo.sh
DEMO_KEY=$OUT/demo/county.key

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

need() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "$c is not installed (scripts/deps.sh --bench)"
    done
}

abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }

# A free TCP port on 127.0.0.1 (the kernel picks it).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# copy_db SRC_DB SRC_KEY DST_DB DST_KEY -- a consistent copy (SQLite online backup).
copy_db() {
    rm -f "$3" "$3-wal" "$3-shm" "$4"
    sqlite3 "$1" ".backup '$3'" || die "cannot copy $1"
    cp "$2" "$4" && chmod 600 "$4"
}

# start_server BIN DB KEY PORT THREADS LOGFILE -- sets SERVER_PID; waits for /health.
# (The server checks the database's integrity at start: a few seconds at 300k.)
start_server() {
    local bin=$1 db=$2 key=$3 port=$4 threads=$5 logf=$6
    # SERVE_ARGS: more serve options, e.g. SERVE_ARGS="--list-cache 0" (no kept list pages)
    # shellcheck disable=SC2086
    "$bin" --db "$db" --key "$key" serve --listen "127.0.0.1:$port" --threads "$threads" \
        ${SERVE_ARGS:-} >"$logf" 2>&1 &
    SERVER_PID=$!
    BASE=http://127.0.0.1:$port/api/v1
    local i
    for i in $(seq 1 120); do
        if curl -sf -o /dev/null "$BASE/health"; then
            log "server pid $SERVER_PID up on 127.0.0.1:$port (--threads $threads ${SERVE_ARGS:-}) after ${i}x0.5 s"
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$logf" >&2; die "the server exited"; }
        sleep 0.5
    done
    die "the server did not answer /health within 60 s"
}

stop_server() {
    if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

# login USER -- sets COOKIE ("lx_session=...") and CSRF. Changes the password
# at the first login (the demo accounts must), then uses the new one.
login() {
    local user=$1 hdr body pw
    hdr=$(mktemp) body=$(mktemp)
    for pw in "$PASSWORD" "$NEW_PASSWORD"; do
        local code
        code=$(curl -s -o "$body" -D "$hdr" -w '%{http_code}' -X POST \
            -H 'Content-Type: application/json' \
            -d "$(jq -nc --arg u "$user" --arg p "$pw" '{username:$u,password:$p}')" \
            "$BASE/auth/login")
        [ "$code" = 200 ] && break
    done
    [ "$code" = 200 ] || die "login as $user failed: $(cat "$body")"
    COOKIE=$(grep -i '^set-cookie: lx_session=' "$hdr" | sed 's/^[^:]*: *//; s/;.*//' | tr -d '\r')
    CSRF=$(jq -r .csrf_token "$body")
    if [ "$(jq -r .must_change_password "$body")" = true ]; then
        code=$(curl -s -o "$body" -D "$hdr" -w '%{http_code}' -X POST \
            -H 'Content-Type: application/json' -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
            -d "$(jq -nc --arg o "$pw" --arg n "$NEW_PASSWORD" '{old_password:$o,new_password:$n}')" \
            "$BASE/auth/password")
        [ "$code" = 200 ] || die "password change failed: $(cat "$body")"
        COOKIE=$(grep -i '^set-cookie: lx_session=' "$hdr" | sed 's/^[^:]*: *//; s/;.*//' | tr -d '\r')
        CSRF=$(jq -r .csrf_token "$body")
    fi
    rm -f "$hdr" "$body"
    [ -n "$COOKIE" ] && [ -n "$CSRF" ] || die "no session cookie or CSRF token after login"
}

# api_get PATH [OUTFILE] -- GET with the session; fails on non-200.
api_get() {
    local out=${2:-/dev/stdout}
    curl -sf -H "Cookie: $COOKIE" -o "$out" "$BASE$1" || die "GET $1 failed"
}

# api_post PATH JSON
api_post() {
    curl -sf -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
        -H 'Content-Type: application/json' -d "$2" "$BASE$1" || die "POST $1 failed"
}

# find_bench_paths -- after login: the URL paths (under $BASE) of the measured
# requests, with real ids from the data, in the global array PATHS:
#   list         /households?under=<first village>&tags=low_income&limit=50
#   list_all     /households?limit=50
#   search_name  /households?q=王 (URL-encoded; the commonest surname)
#   search_phone /households?q=<phone of a resident of that household, unmasked>
#   detail       /households/<first household of the list>
ENDPOINTS="list list_all search_name search_phone detail"
find_bench_paths() {
    local village household resident phone list_path
    village=$(api_get '/nodes?level=3&limit=1' | jq -r '.items[0].id')
    list_path="/households?under=$village&tags=low_income&limit=50"
    household=$(api_get "$list_path" | jq -r '.items[0].id')
    [ "$household" != null ] || die "no low-income household under village $village"
    resident=$(api_get "/residents?household_id=$household&limit=50" |
        jq -r '[.items[] | select(.phone != null)][0].id')
    [ "$resident" != null ] || die "no resident with a phone in household $household"
    phone=$(api_post "/residents/$resident/unmask" '{"reason":"bench"}' | jq -r .phone)
    log "village $village, household $household, resident $resident (phone ${phone:0:3}****)"
    declare -gA PATHS=(
        [list]=$list_path
        [list_all]="/households?limit=50"
        [search_name]="/households?q=$(jq -rn --arg s 王 '$s|@uri')"
        [search_phone]="/households?q=$phone"
        [detail]="/households/$household"
    )
}

# RSS sampler: max of `ps -o rss=` (KiB) once a second, written to FILE when stopped.
start_rss_sampler() {
    local pid=$1 file=$2
    (
        max=0
        trap 'echo "$max" >"$file"; exit 0' TERM
        while kill -0 "$pid" 2>/dev/null; do
            r=$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ')
            [ -n "$r" ] && [ "$r" -gt "$max" ] && max=$r
            sleep 1 & wait $!
        done
        echo "$max" >"$file"
    ) &
    SAMPLER_PID=$!
}
stop_rss_sampler() {
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
}

# cpu_ticks PID -- user+system CPU time of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# wait_idle PID [MAX_S] -- wait until the process uses < 5% of a CPU over one
# second (e.g. it finished the requests left queued by the previous wrk run,
# whose connections wrk closed), at most MAX_S seconds (default 120).
wait_idle() {
    local pid=$1 max=${2:-120} i a b
    for ((i = 0; i < max; i++)); do
        a=$(cpu_ticks "$pid"); sleep 1; b=$(cpu_ticks "$pid")
        [ $((b - a)) -lt 5 ] && return 0
    done
    log "warning: process $pid still busy after ${max}s"
}

# solo_ms URL COOKIE [N] -- median time of N (default 11) sequential requests
# on an idle server: the service time of one request, without queueing.
solo_ms() {
    local url=$1 cookie=$2 n=${3:-11} i
    for ((i = 0; i < n; i++)); do
        curl -s -o /dev/null -H "Cookie: $cookie" -w '%{time_total}\n' "$url"
    done | sort -n | awk '{ t[NR] = $1 } END { printf "%.2f", t[int((NR + 1) / 2)] * 1000 }'
}

# Convert a wrk latency ("1.23ms", "870.00us", "2.01s", "1.5m") to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n }'
}

# run_wrk NAME URL OUTFILE [COOKIE] -- bounded wrk run;
# prints "rps p50_ms p99_ms errors completed_requests".
run_wrk() {
    local name=$1 url=$2 out=$3
    LX_COOKIE=${4:-} wrk -t "$WRK_THREADS" -c "$CONNS" -d "$DURATION" --timeout "$WRK_TIMEOUT" \
        --latency -s "$BENCH_DIR/cookie.lua" "$url" >"$out" 2>&1 || true
    local rps p50 p99 errs non2xx completed
    completed=$(awk '/requests in/ {print $1}' "$out")
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    errs=$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out")
    printf '%s %s %s %s %s\n' "${rps:-0}" "$(to_ms "${p50:-0}")" "$(to_ms "${p99:-0}")" \
        "$(( ${errs:-0} + ${non2xx:-0} ))" "${completed:-0}"
}
