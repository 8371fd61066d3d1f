#!/usr/bin/env bash
# bench/assign/run.sh -- the pairing optimiser on a county-scale synthetic instance.
#
#   bench/assign/run.sh [BUILD_DIR] [THREADS]     (defaults: build, 2)
#
# Builds the two benchmark programs (targets excluded from `all`) in BUILD_DIR,
# runs assign_bench (both layers by assign_solve and assign_greedy; writes each
# layer's whole network as DIMACS), then solves each DIMACS file whole with
# lemon_whole and checks that its optimum equals the optimiser's flow_cost
# (the sum of the part optima, uncovered penalties included).
# Results go to bench/out/assign/ (git-ignored): report.txt and the .dimacs files.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-build}
THREADS=${2:-2}
OUT=$ROOT/bench/out/assign
mkdir -p "$OUT"

cmake --build "$BUILD" --target assign_bench lemon_whole -j"$(nproc)" >/dev/null

{
    echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo
    "$BUILD/assign_bench" "$OUT" "$THREADS"
    echo
    for layer in liaison assistance; do
        "$BUILD/lemon_whole" "$OUT/$layer.dimacs"
    done
} 2>&1 | tee "$OUT/report.txt"

# The whole network's optimum must equal the sum of the parts' optima.
status=0
for layer in liaison assistance; do
    parts=$(awk -v l="$layer" '$1 == l && $2 == "optimiser" {print $NF}' "$OUT/report.txt")
    whole=$(awk -v f="$OUT/$layer.dimacs:" '$1 == "file" && $2 == f {getline; print $NF}' \
        "$OUT/report.txt")
    if [ -n "$parts" ] && [ "$parts" = "$whole" ]; then
        echo "$layer: parts $parts = whole $whole: ok" | tee -a "$OUT/report.txt"
    else
        echo "$layer: parts '$parts' != whole '$whole'" | tee -a "$OUT/report.txt"
        status=1
    fi
done
exit $status
