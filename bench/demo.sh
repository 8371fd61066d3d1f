#!/usr/bin/env bash
# bench/demo.sh -- how long `lianxin demo` takes to generate a county of
# 300,000 households (into a fresh database each time), and its peak RSS.
#
#   bench/demo.sh build/lianxin            # HOUSEHOLDS=300000 RUNS=3 by default
#   HOUSEHOLDS=5000 RUNS=1 bench/demo.sh build/lianxin   # quick check
#
# Measures: wall time with hyperfine (--runs $RUNS, the old db/key/wal deleted
# by --prepare before each run), then one more run under /usr/bin/time -v for
# the peak resident set size. The database of that last run is kept as
# bench/out/demo/county.db (+ county.key) for http.sh, nginx.sh and import.sh.
# Writes bench/out/demo/{hyperfine.json,hyperfine.txt,time-v.txt,result.tsv}.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BIN=$(abspath "${1:?usage: bench/demo.sh path/to/lianxin}")
RUNS=${RUNS:-3}
need hyperfine /usr/bin/time jq
D=$OUT/demo
mkdir -p "$D"

db=$D/county.db key=$D/county.key
clean="rm -f '$db' '$db-wal' '$db-shm' '$key'"
cmd="'$BIN' --db '$db' --key '$key' demo --households $HOUSEHOLDS --seed $SEED --password '$PASSWORD' >/dev/null"

log "demo: hyperfine --runs $RUNS of a $HOUSEHOLDS-household county"
hyperfine --runs "$RUNS" --prepare "$clean" --export-json "$D/hyperfine.json" \
    --command-name "demo --households $HOUSEHOLDS" "$cmd" | tee "$D/hyperfine.txt"

log "demo: one more run under /usr/bin/time -v (peak RSS); its database is kept"
eval "$clean"
/usr/bin/time -v -o "$D/time-v.txt" "$BIN" --db "$db" --key "$key" demo \
    --households "$HOUSEHOLDS" --seed "$SEED" --password "$PASSWORD" >"$D/demo-output.txt"
head -1 "$D/demo-output.txt"

mean=$(jq '.results[0].mean' "$D/hyperfine.json")
sd=$(jq '.results[0].stddev // 0' "$D/hyperfine.json")
min=$(jq '.results[0].min' "$D/hyperfine.json")
max=$(jq '.results[0].max' "$D/hyperfine.json")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$D/time-v.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$D/time-v.txt")
size=$(stat -c %s "$db")
{
    printf 'households\truns\tmean_s\tstddev_s\tmin_s\tmax_s\thouseholds_per_s\tpeak_rss_kb\tdb_bytes\n'
    printf '%s\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%s\t%s\n' "$HOUSEHOLDS" "$RUNS" "$mean" "$sd" \
        "$min" "$max" "$(echo "$HOUSEHOLDS / $mean" | bc -l)" "$rss" "$size"
} >"$D/result.tsv"
log "demo: mean ${mean}s, peak RSS ${rss} KiB (time -v run: $wall), db $((size / 1048576)) MiB"
column -t "$D/result.tsv"
