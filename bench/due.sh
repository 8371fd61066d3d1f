#!/usr/bin/env bash
# bench/due.sh -- due lists and compliance on a county with CONTACTS contacts over three years.
#
#   bench/due.sh build/lianxin                        # 300,000 households, 10,000,000 contacts
#   HOUSEHOLDS=20000 CONTACTS=500000 DURATION=5s bench/due.sh build/lianxin   # quick check
#   REUSE=1 CONNS=8 bench/due.sh build/lianxin        # measure again on the county made before
#   GEN=history bench/due.sh build/lianxin            # history by `lianxin history --years 3`
#   REUSE=1 SERVE_THREADS=4 WRK_THREADS=1 bench/due.sh build/lianxin   # other thread counts
#
# 1. `lianxin demo --households $HOUSEHOLDS --seed $SEED`, then `lianxin assign --layer liaison`;
#    every pairing is back-dated three years.
# 2. History (GEN=history: `lianxin history --years 3`, the contacts helper's generator, whose
#    volume follows the county's size and rules instead of CONTACTS), by default written with SQL straight into the tables (the indexes dropped and rebuilt
#    around it): CONTACTS contacts spread evenly over the three years up to now, round-robin
#    over the pairings (contact k goes to pairing k mod n), kinds visit 40 %, call 35 %,
#    talk 15 %, online 10 %; every contact but a talk has its contact_households row. On top,
#    one courtyard meeting per group (or grid) per month. Deterministic (no random()).
# 3. The server on it: wrk (-t$WRK_THREADS -c$CONNS -d$DURATION) on one member's due list
#    (the member with the most tagged households); then, on an idle server, the median of
#    $SOLO_RUNS sequential requests for a township's and the county's compliance for the last
#    full year (curl time_total).
# Writes bench/out/due/result.tsv and the raw outputs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BIN=$(abspath "${1:?usage: bench/due.sh path/to/lianxin}")
CONTACTS=${CONTACTS:-10000000}
SOLO_RUNS=${SOLO_RUNS:-5}
need wrk curl jq sqlite3
D=$OUT/due
mkdir -p "$D"
db=$D/county.db key=$D/county.key
trap 'stop_server' EXIT

if [ "${REUSE:-0}" = 1 ] && [ -f "$db" ]; then
    log "due: REUSE=1, measuring the county already in $db"
    gen_s=-
else
rm -f "$db" "$db-wal" "$db-shm" "$key"
log "due: demo county of $HOUSEHOLDS households"
"$BIN" --db "$db" --key "$key" demo --households "$HOUSEHOLDS" --seed "$SEED" \
    --password "$PASSWORD" >"$D/demo.txt"
log "due: liaison assignment"
"$BIN" --db "$db" --key "$key" assign --layer liaison >"$D/assign.txt"
[ "${GEN:-sql}" = history ] && "$BIN" --db "$db" --key "$key" assign --layer assistance >>"$D/assign.txt"

now=$(date +%s)
t0=$((now - 3 * 365 * 86400))
start=$(date +%s)
if [ "${GEN:-sql}" = history ]; then
log "due: lianxin history --years 3 (the contacts helper's generator)"
"$BIN" --db "$db" --key "$key" history --years 3 --seed "$SEED" >"$D/history.txt"
sqlite3 "$db" 'ANALYZE'
else
log "due: writing $CONTACTS contacts over three years"
# The indexes are dropped for the bulk insert and rebuilt afterwards exactly as the schema
# (src/store/migrate.c) made them.
indexes=$(sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
  AND tbl_name IN ('contacts', 'contact_households')")
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -512000;
UPDATE pairings SET started_at = $t0;
$(sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index'
  AND sql IS NOT NULL AND tbl_name IN ('contacts', 'contact_households')")
CREATE TEMP TABLE pp AS
  SELECT row_number() OVER (ORDER BY p.id) - 1 AS i, p.household_id, p.member_id,
         h.node_id, h.path, h.county_id
  FROM pairings p JOIN households h ON h.id = p.household_id WHERE p.ended_at IS NULL;
CREATE TEMP TABLE np AS SELECT count(*) AS n FROM pp;
BEGIN;
INSERT INTO contacts (id, county_id, node_id, path, member_id, kind, happened_at, recorded_at,
                      updated_at)
  WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < $CONTACTS)
  SELECT k, pp.county_id, pp.node_id, pp.path, pp.member_id,
         CASE WHEN (k * 7919) % 20 < 8 THEN 'visit' WHEN (k * 7919) % 20 < 15 THEN 'call'
              WHEN (k * 7919) % 20 < 18 THEN 'talk' ELSE 'online' END,
         $t0 + (k * 94906265) % ($now - $t0), $now, $now
  FROM k JOIN pp ON pp.i = k % (SELECT n FROM np);
INSERT INTO contact_households (contact_id, county_id, household_id, member_id, kind,
                                happened_at, active, paired)
  SELECT c.id, c.county_id, pp.household_id, c.member_id, c.kind, c.happened_at, 1, 1
  FROM contacts c JOIN pp ON pp.i = c.id % (SELECT n FROM np) WHERE c.kind <> 'talk';
-- One courtyard meeting a month in every group, led by some member of its township.
INSERT INTO contacts (id, county_id, node_id, path, member_id, kind, happened_at, recorded_at,
                      updated_at)
  WITH RECURSIVE m(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM m WHERE m < 35)
  SELECT $CONTACTS + row_number() OVER (), n.county_id, n.id, n.path,
         (SELECT min(id) FROM members), 'courtyard', $t0 + m * 30 * 86400 + 20 * 86400, $now, $now
  FROM nodes n JOIN m WHERE n.kind IN ('group', 'grid');
COMMIT;
$indexes
ANALYZE;
SQL
fi
gen_s=$(( $(date +%s) - start ))
fi
ncontacts=$(sqlite3 "$db" 'SELECT count(*) FROM contacts')
nch=$(sqlite3 "$db" 'SELECT count(*) FROM contact_households')
log "due: $ncontacts contacts, $nch household rows in ${gen_s} s; $(du -h "$db" | cut -f1)"

port=$(free_port)
"$BIN" --db "$db" --key "$key" serve --listen "127.0.0.1:$port" --threads "${SERVE_THREADS:-2}" \
    >"$D/serve.log" 2>&1 &
SERVER_PID=$!
BASE=http://127.0.0.1:$port/api/v1
for i in $(seq 1 600); do
    curl -sf -o /dev/null "$BASE/health" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$D/serve.log" >&2; die "the server exited"; }
    sleep 0.5
done
login county

# The member with the most households that the household rules apply to (lonely elderly,
# left-behind children: tag bits 3 and 4), then the most households.
member=$(sqlite3 "$db" "SELECT p.member_id FROM pairings p JOIN households h ON h.id = p.household_id
  WHERE p.ended_at IS NULL GROUP BY p.member_id
  ORDER BY sum((h.tags & 24) <> 0) DESC, count(*) DESC, p.member_id LIMIT 1")
township=$(sqlite3 "$db" "SELECT n.id FROM nodes n WHERE n.level = 2 ORDER BY
  (SELECT count(*) FROM households h WHERE h.path LIKE n.path || '%') DESC LIMIT 1")
county=$(sqlite3 "$db" "SELECT id FROM nodes WHERE level = 1 LIMIT 1")
year=$(( $(date +%Y) - 1 ))
range="from=$year-01-01&to=$year-12-31"
api_get "/members/$member/due" "$D/due.json"
log "due: member $member: $(jq '.items | length' "$D/due.json") items, $(jq '.households | length' "$D/due.json") households"

printf 'what\tfigure\n' >"$D/result.tsv"
printf 'contacts\t%s\ncontact_households\t%s\ngenerate_s\t%s\n' "$ncontacts" "$nch" "$gen_s" >>"$D/result.tsv"

wait_idle "$SERVER_PID"
solo=$(solo_ms "$BASE/members/$member/due" "$COOKIE")
load=$(cut -d' ' -f1-3 /proc/loadavg)
c0=$(cpu_ticks "$SERVER_PID")
read -r rps p50 p99 errs completed < <(run_wrk due "$BASE/members/$member/due" "$D/wrk-due.txt" "$COOKIE")
# The server's CPU per request (user + system, all threads): what the machine's load
# moves least.
cpu=$(awk -v t=$(( $(cpu_ticks "$SERVER_PID") - c0 )) -v hz="$(getconf CLK_TCK)" -v n="$completed" \
    'BEGIN { printf "%.3f", n ? t * 1000 / hz / n : 0 }')
log "due list: solo ${solo} ms; wrk $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errs, $completed done; server CPU $cpu ms/request; load average before $load"
printf 'due_list_solo_ms\t%s\ndue_list_rps\t%s\ndue_list_p50_ms\t%s\ndue_list_p99_ms\t%s\ndue_list_errors\t%s\ndue_list_cpu_ms_per_request\t%s\nload_average_before\t%s\n' \
    "$solo" "$rps" "$p50" "$p99" "$errs" "$cpu" "$load" >>"$D/result.tsv"

for what in township county; do
    node=${!what}
    wait_idle "$SERVER_PID"
    api_get "/nodes/$node/compliance?$range" "$D/compliance-$what.json"
    ms=$(solo_ms "$BASE/nodes/$node/compliance?$range" "$COOKIE" "$SOLO_RUNS")
    log "compliance $what ($node), $year: median ${ms} ms of $SOLO_RUNS; total $(jq -c .total "$D/compliance-$what.json")"
    printf 'compliance_%s_year_ms\t%s\n' "$what" "$ms" >>"$D/result.tsv"
done
cat "$D/result.tsv"
