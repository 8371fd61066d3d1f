#!/usr/bin/env bash
# bench/run.sh -- the whole benchmark of issue "Foundation", in order, then a
# summary table against its targets.
#
#   bench/run.sh build/lianxin      (what `make bench` runs)
#
#   1. demo.sh    generate the 300,000-household county (hyperfine, peak RSS)
#   2. http.sh    wrk on list / search / detail, logged in; server RSS under load
#   3. nginx.sh   the same JSON bodies as static files from nginx: the ceiling
#   4. import.sh  a 300,000-row household ledger CSV: dry run and commit
#
# Results go to bench/out/ (git-ignored): one directory per script, and
# bench/out/summary.txt (also printed). Takes 10-15 minutes on 2 cores.
# The binary is copied to bench/out/bin/ first, so that one binary is measured
# throughout even if build/ is rebuilt meanwhile.
# Settings (environment, see bench/lib.sh): HOUSEHOLDS, RUNS, CONNS, DURATION,
# WRK_THREADS, WRK_TIMEOUT, SERVER_THREADS, IMPORT_ROWS. Set SKIP_DEMO=1 to
# reuse an existing bench/out/demo/county.db.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SRC_BIN=$(abspath "${1:?usage: bench/run.sh path/to/lianxin}")
[ -x "$SRC_BIN" ] || die "$SRC_BIN is not an executable"
need wrk hyperfine nginx curl jq sqlite3 python3 bc
mkdir -p "$OUT/bin"
# One binary for the whole run, even if the build directory is rebuilt meanwhile.
cp "$SRC_BIN" "$OUT/bin/lianxin"
BIN=$OUT/bin/lianxin

{
    echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "binary:   $SRC_BIN ($(stat -c %y "$SRC_BIN" | cut -d. -f1)," \
        "sha256 $(sha256sum "$BIN" | cut -c1-12)), copied to $BIN"
    echo "commit:   $(git -C "$BENCH_DIR/.." rev-parse --short HEAD 2>/dev/null || echo '?')" \
        "(+ $(git -C "$BENCH_DIR/.." status --short -- src 2>/dev/null | wc -l) changed files" \
        "under src/ in the working tree; the binary may have been built from them)"
    echo "machine:  $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
        "$(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr)"
    echo "tools:    $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(hyperfine --version)," \
        "$(nginx -v 2>&1 | cut -d' ' -f3), sqlite $(sqlite3 --version | cut -d' ' -f1)"
    echo "settings: households=$HOUSEHOLDS wrk -t$WRK_THREADS -c$CONNS -d$DURATION" \
        "--timeout $WRK_TIMEOUT, serve --threads {$SERVER_THREADS}"
} | tee "$OUT/env.txt"

phase() {
    echo "load before $1: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/env.txt"
    log "=== $1"
}

if [ "${SKIP_DEMO:-0}" != 1 ] || [ ! -f "$DEMO_DB" ]; then
    phase demo.sh
    "$BENCH_DIR/demo.sh" "$BIN"
fi
phase http.sh
"$BENCH_DIR/http.sh" "$BIN"
phase nginx.sh
"$BENCH_DIR/nginx.sh"
phase import.sh
"$BENCH_DIR/import.sh" "$BIN"

# ---- summary -------------------------------------------------------------
# Each line: what, measured, target, verdict.
summarise() {
    local demo=$OUT/demo/result.tsv http=$OUT/http/result.tsv ng=$OUT/nginx/result.tsv
    local imp=$OUT/import/result.tsv
    printf 'metric\tmeasured\ttarget\tverdict\n'
    if [ -f "$demo" ]; then
        awk -F'\t' 'NR == 2 {
            printf "demo generation (%s households)\t%.1f s (%.0f households/s)\t-\t-\n", $1, $3, $7
            printf "demo generation peak RSS\t%.1f MiB\t-\t-\n", $8 / 1024 }' "$demo"
    fi
    # For each endpoint and server thread count: req/s, p99, ratio to nginx.
    awk -F'\t' '
        FILENAME == ARGV[1] { if (FNR > 1) ng[$1] = $2; next }
        FNR == 1 { next }
        {
            t = $1; e = $2; rps = $3; p99 = $5; errs = $6; n = $7; solo = $8; rss = $9
            ratio_target = (e == "list" || e == "list_all" || e == "detail")
            r = ng[e] > 0 ? rps / ng[e] : 0
            printf "%s, serve --threads %s: req/s\t%.1f (nginx %.0f; ratio %.4f)%s\t%s\t%s\n",
                e, t, rps, ng[e], r, (errs > 0 ? ", " errs " errors" : ""),
                (ratio_target ? ">= 0.5 of nginx" : "-"),
                (ratio_target ? (r >= 0.5 ? "MET" : sprintf("MISSED (x%.0f short)", 0.5 / (r > 0 ? r : 1e-9))) : "-")
            if (n < 100)
                p = sprintf("%.0f ms, only %d requests completed (solo %.1f ms)", p99, n, solo)
            else
                p = sprintf("%.2f ms (p50 %.2f; solo %.2f ms)", p99, $4, solo)
            printf "%s, serve --threads %s: p99\t%s\t< 20 ms\t%s\n", e, t, p,
                (p99 < 20 && n > 0 && errs == 0 ? "MET" : sprintf("MISSED (x%.0f over)", (n > 0 ? p99 : 1e9) / 20))
            if (rss > maxrss) maxrss = rss
        }
        END {
            printf "server RSS under load (max of 1 s samples)\t%.1f MiB\t< 100 MiB\t%s\n",
                maxrss / 1024, (maxrss < 102400 ? "MET" : "MISSED")
        }' "$ng" "$http"
    if [ -f "$imp" ]; then
        awk -F'\t' 'NR > 1 {
            printf "import %s (%s rows, %s households)\t%.1f s = %.0f rows/s (HTTP %s, server RSS %.0f MiB)\t%s\t%s\n",
                $1, $2, $3, $4, $5, $6, $10 / 1024,
                ($1 == "commit" ? ">= 50,000 rows/s" : "-"),
                ($1 == "commit" ? ($5 >= 50000 ? "MET" : sprintf("MISSED (x%.1f short)", 50000 / ($5 > 0 ? $5 : 1))) : "-")
        }' "$imp"
    fi
}
summarise >"$OUT/summary.tsv"
{
    echo
    cat "$OUT/env.txt"
    echo
    column -t -s $'\t' "$OUT/summary.tsv"
} | tee "$OUT/summary.txt"
