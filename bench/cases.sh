#!/usr/bin/env bash
# bench/cases.sh BIN -- issue 5's figures on a county with CASES cases (default 1,000,000)
# over three years:
#  1. the county: `lianxin demo --households $HOUSEHOLDS`, then CASES cases written with SQL
#     straight into the table (a household's request at its village, round robin over the
#     households; opened evenly over three years; older than 30 days: closed and rated, 70 %
#     satisfied, 20 % basically satisfied, 10 % unsatisfied; younger: spread over the open
#     states, a 7-day deadline, so some are overdue) -- deterministic;
#  2. opening cases through the API with every write durable (synchronous=FULL, WAL): wrk
#     POSTing reception cases as the county admin for DURATION, on a copy of the county;
#  3. a node's queue under wrk (-c $CONNS): the county's, the busiest township's and a village's
#     (queue=node: its own open cases and the overdue ones below it);
#  4. the three rates of the whole county for last month: median of SOLO_RUNS requests on an
#     idle server;
#  5. the resident page's first load: the bytes of /r/<token> for a household with cases.
# Settings: HOUSEHOLDS (300000), CASES (1000000), DURATION (20s), CONNS (64),
# SERVER_THREADS ("2 4"), SOLO_RUNS (5), REUSE=1 (measure again on $OUT/cases/county.db),
# SKIP_OPEN=1 (only the reads).
# Writes bench/out/cases/result.tsv.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
BIN=$(abspath "${1:?usage: bench/cases.sh BIN}")
CASES=${CASES:-1000000}
SOLO_RUNS=${SOLO_RUNS:-5}
need wrk jq sqlite3 curl
D=$OUT/cases
mkdir -p "$D"
db=$D/county.db key=$D/county.key
trap 'stop_server' EXIT

if [ "${REUSE:-0}" = 1 ] && [ -f "$db" ]; then
  log "cases: REUSE=1, measuring the county already in $db"
  gen_s=-
else
  rm -f "$db" "$db-wal" "$db-shm" "$key"
  log "cases: demo county of $HOUSEHOLDS households"
  "$BIN" --db "$db" --key "$key" demo --households "$HOUSEHOLDS" --seed "$SEED" \
    --password "$PASSWORD" >"$D/demo.txt"
  now=$(date +%s)
  t0=$((now - 3 * 365 * 86400))
  start=$(date +%s)
  log "cases: writing $CASES cases over three years"
  sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -512000;
CREATE TEMP TABLE hh AS
  SELECT row_number() OVER (ORDER BY h.id) - 1 AS i, h.id AS hid, h.county_id,
         CASE WHEN g.kind IN ('group', 'grid') THEN v.id ELSE g.id END AS vid,
         CASE WHEN g.kind IN ('group', 'grid') THEN v.path ELSE g.path END AS vpath
  FROM households h JOIN nodes g ON g.id = h.node_id LEFT JOIN nodes v ON v.id = g.parent_id;
CREATE UNIQUE INDEX temp.hh_i ON hh(i);
CREATE TEMP TABLE nh AS SELECT count(*) AS n FROM hh;
BEGIN;
INSERT INTO cases (id, county_id, code, origin_node_id, path, node_id, node_path, level,
                   household_id, channel, category, priority, text, state, open, opened_at,
                   response_due, responded_at, clock_started, due_at, resolution, resolved_at,
                   first_resolved_at, rating, rated_at, closed_at, updated_at)
  WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < $CASES),
  c AS (SELECT k, $t0 + (k * ($now - $t0)) / $CASES AS at, (k * 7919) % 10 AS r FROM k)
  SELECT k, hh.county_id, printf('B%07d', k), hh.vid, hh.vpath, hh.vid, hh.vpath, 'village',
         hh.hid, CASE r % 3 WHEN 0 THEN 'resident' WHEN 1 THEN 'visit' ELSE 'reception' END,
         CASE r WHEN 0 THEN 'water' WHEN 1 THEN 'roads' WHEN 2 THEN 'medical'
                WHEN 3 THEN 'employment' WHEN 4 THEN 'elderly_care' WHEN 5 THEN 'housing'
                WHEN 6 THEN 'social_security' WHEN 7 THEN 'dispute' ELSE 'other' END,
         'ordinary', '压测：群众反映的问题', s.state, s.state IN ('received', 'assigned', 'in_progress', 'waiting'),
         at, at + 86400, CASE WHEN s.state = 'received' THEN NULL ELSE at + 3600 END, at,
         CASE WHEN s.state IN ('received', 'assigned', 'in_progress') THEN at + 7 * 86400 END,
         CASE WHEN s.resolved THEN '已办结' END, CASE WHEN s.resolved THEN at + 3 * 86400 END,
         CASE WHEN s.resolved THEN at + 3 * 86400 END, s.rating,
         CASE WHEN s.rating IS NOT NULL THEN at + 4 * 86400 END,
         CASE WHEN s.state = 'closed' THEN at + 5 * 86400 END, at
  FROM c JOIN hh ON hh.i = (c.k * 7919) % (SELECT n FROM nh)
  JOIN (SELECT c2.k AS kk,
          CASE WHEN c2.at < $now - 30 * 86400 THEN 'closed'
               WHEN c2.r < 3 THEN 'received' WHEN c2.r < 5 THEN 'assigned'
               WHEN c2.r < 7 THEN 'in_progress' WHEN c2.r = 7 THEN 'waiting'
               WHEN c2.r = 8 THEN 'resolved' ELSE 'rated' END AS state,
          (c2.at < $now - 30 * 86400 OR c2.r >= 8) AS resolved,
          CASE WHEN c2.at < $now - 30 * 86400 OR c2.r = 9 THEN
            CASE WHEN (c2.k * 31) % 10 < 7 THEN 'satisfied' WHEN (c2.k * 31) % 10 < 9 THEN 'basic'
                 ELSE 'unsatisfied' END END AS rating
        FROM c AS c2) s ON s.kk = c.k;
-- what the queues read: the open cases' deadlines per place on their path (migration 6)
INSERT INTO case_rises (county_id, node_id, due_at, case_id)
  SELECT c.county_id, n.id, c.due_at, c.id FROM nodes n JOIN cases c
  ON c.county_id = n.county_id AND c.open = 1 AND c.path >= n.path
  AND c.path < n.path || '~' WHERE c.due_at IS NOT NULL;
COMMIT;
ANALYZE;
SQL
  gen_s=$(( $(date +%s) - start ))
fi
ncases=$(sqlite3 "$db" 'SELECT count(*) FROM cases')
nopen=$(sqlite3 "$db" 'SELECT count(*) FROM cases WHERE open = 1')
log "cases: $ncases cases ($nopen open) in ${gen_s} s; $(du -h "$db" | cut -f1)"
printf 'what\tfigure\n' >"$D/result.tsv"
printf 'cases\t%s\nopen\t%s\ngenerate_s\t%s\n' "$ncases" "$nopen" "$gen_s" >>"$D/result.tsv"

township=$(sqlite3 "$db" "SELECT n.id FROM nodes n WHERE n.level = 2 ORDER BY (SELECT count(*) FROM cases c WHERE c.open = 1 AND c.path >= n.path AND c.path < n.path || x'f48fbfbf') DESC LIMIT 1")
village=$(sqlite3 "$db" "SELECT node_id FROM cases WHERE open = 1 GROUP BY node_id ORDER BY count(*) DESC LIMIT 1")
root=$(sqlite3 "$db" "SELECT id FROM nodes WHERE parent_id IS NULL LIMIT 1")
villages=$(sqlite3 "$db" "SELECT group_concat(id) FROM (SELECT id FROM nodes WHERE kind IN ('village', 'community') LIMIT 200)")
month=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 day" +%Y-%m)

# ---- 2. opening cases through the API, durable ----
[ "${SKIP_OPEN:-0}" = 1 ] && SERVER_THREADS_OPEN="" || SERVER_THREADS_OPEN=$SERVER_THREADS
for t in $SERVER_THREADS_OPEN; do
  copy_db "$db" "$key" "$D/open.db" "$D/open.key"
  port=$(free_port)
  start_server "$BIN" "$D/open.db" "$D/open.key" "$port" "$t" "$D/server-open-$t.log"
  login county
  before=$(sqlite3 "$D/open.db" 'SELECT count(*) FROM cases')
  log "wrk -c $CONNS -d $DURATION POST /cases (--threads $t)"
  LX_COOKIE=$COOKIE LX_CSRF=$CSRF LX_NODES=$villages \
    wrk -t "$WRK_THREADS" -c "$CONNS" -d "$DURATION" --timeout "$WRK_TIMEOUT" --latency \
    -s "$BENCH_DIR/cases.lua" "$BASE/cases" >"$D/wrk-open-$t.txt" 2>&1 || true
  wait_idle "$SERVER_PID" 60
  stop_server
  after=$(sqlite3 "$D/open.db" 'SELECT count(*) FROM cases')
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$D/wrk-open-$t.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$D/wrk-open-$t.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$D/wrk-open-$t.txt")
  log "open --threads $t: $rps req/s, p99 $p99, non-2xx ${non2xx:-0}, cases written $((after - before))"
  printf 'open_threads%s_rps\t%s\nopen_threads%s_p99\t%s\nopen_threads%s_non2xx\t%s\nopen_threads%s_written\t%s\n' \
    "$t" "$rps" "$t" "$p99" "$t" "${non2xx:-0}" "$t" "$((after - before))" >>"$D/result.tsv"
  rm -f "$D/open.db" "$D/open.db-wal" "$D/open.db-shm"
done

# ---- 3-5. queues, rates, the resident page ----
port=$(free_port)
start_server "$BIN" "$db" "$key" "$port" 2 "$D/serve.log"
login county
county=$root
for what in county township village; do
  node=${!what}
  url="$BASE/cases?queue=node&node_id=$node"
  api_get "/cases?queue=node&node_id=$node" "$D/queue-$what.json"
  wait_idle "$SERVER_PID"
  solo=$(solo_ms "$url" "$COOKIE")
  read -r rps p50 p99 errs completed < <(run_wrk "queue-$what" "$url" "$D/wrk-queue-$what.txt" "$COOKIE")
  log "queue of the $what $node: $(jq '.items | length' "$D/queue-$what.json") on the first page; solo ${solo} ms; wrk $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errs"
  printf 'queue_%s_solo_ms\t%s\nqueue_%s_rps\t%s\nqueue_%s_p99_ms\t%s\n' "$what" "$solo" "$what" "$rps" "$what" "$p99" >>"$D/result.tsv"
done
wait_idle "$SERVER_PID"
api_get "/rates?node_id=$root&month=$month" "$D/rates.json"
ms=$(solo_ms "$BASE/rates?node_id=$root&month=$month" "$COOKIE" "$SOLO_RUNS")
log "the county's three rates for $month: median ${ms} ms; $(jq -c .totals "$D/rates.json")"
printf 'rates_county_month_ms\t%s\n' "$ms" >>"$D/result.tsv"
# a card link for a household with cases, then its page as a phone first loads it
hh=$(sqlite3 "$db" "SELECT household_id FROM cases GROUP BY household_id ORDER BY count(*) DESC LIMIT 1")
link=$(curl -sf -H "Cookie: $COOKIE" "$BASE/cards?household_id=$hh" | grep -o '/r/[A-Za-z0-9_-]\{32\}' | head -1)
bytes=$(curl -sf "http://127.0.0.1:$port$link" | wc -c)
log "resident page of household $hh ($(sqlite3 "$db" "SELECT count(*) FROM cases WHERE household_id = $hh") cases): $bytes bytes"
printf 'resident_page_bytes\t%s\n' "$bytes" >>"$D/result.tsv"
cat "$D/result.tsv"
