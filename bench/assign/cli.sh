#!/usr/bin/env bash
# bench/assign/cli.sh -- the whole assignment as the program runs it, on the demo county.
#
#   bench/assign/cli.sh [BIN] [DB]     (defaults: build/lianxin, bench/out/demo/county.db)
#
# If DB is missing it is generated first (`lianxin demo --households 300000 --seed 1`,
# ~30-50 s). Then, RUNS times (default 3) per layer, on a fresh copy of DB each time:
#   /usr/bin/time -v BIN --db COPY assign --layer liaison|assistance
# (plan, save the plan, apply it: the command-line default), printing wall-clock time,
# user and system CPU, peak RSS, the pairs written and the load average seen just before.
# Output also goes to bench/out/assign/cli.txt (git-ignored).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-$ROOT/build/lianxin}
DB=${2:-$ROOT/bench/out/demo/county.db}
RUNS=${RUNS:-3}
OUT=$ROOT/bench/out/assign
WORK=$OUT/cli
mkdir -p "$WORK"
command -v jq >/dev/null || { echo "cli.sh: jq is needed (scripts/deps.sh --bench)" >&2; exit 1; }

if [ ! -f "$DB" ]; then
    mkdir -p "$(dirname "$DB")"
    "$BIN" --db "$DB" demo --households 300000 --seed 1 --password 'Bench-2026!' >/dev/null
fi
KEY=$(dirname "$DB")/lianxin.key

{
    echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "binary:  $BIN (sha256 $(sha256sum "$BIN" | cut -c1-12))"
    echo "db:      $DB"
    echo
    printf '%-10s %3s %8s %6s %6s %8s %8s %s\n' layer run wall_s user_s sys_s rss_MB pairs loadavg_1m
    for layer in liaison assistance; do
        for run in $(seq 1 "$RUNS"); do
            cp "$DB" "$WORK/run.db"
            cp "$KEY" "$WORK/lianxin.key"
            rm -f "$WORK/run.db-wal" "$WORK/run.db-shm"
            sync
            load=$(cut -d' ' -f1 /proc/loadavg)
            /usr/bin/time -v -o "$WORK/time.txt" "$BIN" --db "$WORK/run.db" assign --layer "$layer" \
                >"$WORK/run.json"
            wall=$(awk -F': ' '/Elapsed/ {print $2}' "$WORK/time.txt" |
                awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
            user=$(awk -F': ' '/User time/ {print $2}' "$WORK/time.txt")
            sys=$(awk -F': ' '/System time/ {print $2}' "$WORK/time.txt")
            rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$WORK/time.txt")
            pairs=$(jq .changes_applied "$WORK/run.json")
            printf '%-10s %3s %8s %6s %6s %8s %8s %s\n' "$layer" "$run" "$wall" "$user" "$sys" \
                "$rss" "$pairs" "$load"
        done
    done
} 2>&1 | tee "$OUT/cli.txt"
rm -f "$WORK/run.db" "$WORK/run.db-wal" "$WORK/run.db-shm"
