#!/usr/bin/env bash
# bench/assign/county.sh -- the demo county's pairing problem: the optimiser beside a
# greedy pass (quality), and the same county as ONE DIMACS network solved whole by
# LEMON's network simplex (lemon_whole), whose optimum must equal the optimiser's.
#
#   bench/assign/county.sh [BUILD_DIR] [DB]
#
# DB defaults to bench/out/demo/county.db; it is made with
# `lianxin demo --households 300000 --seed 1` if missing. Nothing is written to it
# (`lianxin assign --compare` plans no run). Results: bench/out/assign-county/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-build}
DB=${2:-$ROOT/bench/out/demo/county.db}
OUT=$ROOT/bench/out/assign-county
mkdir -p "$OUT" "$(dirname "$DB")"
cmake --build "$BUILD" --target lianxin lemon_whole -j2 >/dev/null
if [ ! -f "$DB" ]; then
    "$BUILD/lianxin" --db "$DB" demo --households 300000 --seed 1 --password 'Bench-2026!' >/dev/null
fi

status=0
: >"$OUT/report.txt"
for layer in liaison assistance; do
    /usr/bin/time -f '%e s wall, %M KB peak' -o "$OUT/$layer.time" \
        "$BUILD/lianxin" --db "$DB" assign --layer "$layer" --compare \
        --dimacs "$OUT/$layer.dimacs" >"$OUT/$layer.json"
    "$BUILD/lemon_whole" "$OUT/$layer.dimacs" >"$OUT/$layer.lemon" 2>&1
    parts=$(jq .optimiser.flow_cost "$OUT/$layer.json")
    whole=$(awk '/optimal cost/ {print $NF}' "$OUT/$layer.lemon")
    jq -r --arg l "$layer" '
      def row(n; s): [$l, n, s.households, s.covered,
        (100 * s.covered / s.households * 100 | round / 100),
        s.hardest, s.hardest_with_leader,
        (if s.hardest > 0 then (100 * s.hardest_with_leader / s.hardest * 10 | round / 10) else 0 end),
        s.outside_own_group, s.objective, s.flow_cost, (s.seconds * 1000 | round)] | @tsv;
      row("optimiser"; .optimiser), row("greedy"; .greedy)' "$OUT/$layer.json"
    echo "$layer: compare run $(cat "$OUT/$layer.time"); $(grep -h 'nodes' "$OUT/$layer.lemon" | sed 's/^file [^:]*: //'); LEMON whole: $(grep -h 'solve' "$OUT/$layer.lemon")"
    if [ "$parts" = "$whole" ]; then
        echo "$layer: optimiser (parts) $parts = LEMON whole $whole: ok"
    else
        echo "$layer: optimiser (parts) $parts != LEMON whole $whole"
        status=1
    fi
done >>"$OUT/report.txt"
cat "$OUT/report.txt"
echo "(columns: layer, solver, households, covered, cover%, hardest, hardest with a leader, share%, pairs outside the member's group, objective, flow cost, solve ms)"
exit $status
