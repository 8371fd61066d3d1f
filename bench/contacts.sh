#!/usr/bin/env bash
# contacts.sh BIN -- issue 4's contact figures:
#  1. generating the 300,000-household county's history: demo, assign (both layers),
#     `lianxin history --years 3` (timed, peak RSS);
#  2. recording contacts through the API with every write durable (synchronous=FULL, WAL):
#     wrk POSTing visits as the demo member for DURATION, on a copy of that county;
#  3. beside it, the raw SQLite insert rate on another copy with the same settings, one
#     transaction per contact (the contacts row + its contact_households row), from the
#     sqlite3 shell.
# Settings: HOUSEHOLDS (300000), YEARS (3), DURATION (20s), CONNS (64), SERVER_THREADS ("2 4"),
# RAW_N (20000), SKIP_GEN=1 (reuse $OUT/contacts/county.db).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
BIN=$(abspath "${1:?usage: bench/contacts.sh BIN}")
YEARS=${YEARS:-3}
RAW_N=${RAW_N:-20000}
need wrk jq sqlite3 curl /usr/bin/time
dir=$OUT/contacts
mkdir -p "$dir"
cp "$BIN" "$dir/lianxin" && BIN=$dir/lianxin
db=$dir/county.db key=$dir/county.key

if [ "${SKIP_GEN:-}" != 1 ]; then
  rm -f "$db" "$db-wal" "$db-shm" "$key"
  for step in "demo --households $HOUSEHOLDS --seed $SEED --password $PASSWORD" \
              "assign --layer liaison" "assign --layer assistance" \
              "history --years $YEARS --seed $SEED"; do
    log "lianxin $step"
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e s, peak RSS %M KiB" -o "$dir/time.txt" \
      "$BIN" --db "$db" --key "$key" $step >"$dir/step.out" 2>"$dir/step.err" || { cat "$dir/step.err"; die "$step failed"; }
    printf '%-45s %s\n' "${step%% --password*}" "$(cat "$dir/time.txt")" | tee -a "$dir/gen.txt"
    grep -h '^history of' "$dir/step.out" | tee -a "$dir/gen.txt" || true
  done
fi
sqlite3 "$db" "SELECT 'contacts', count(*) FROM contacts; SELECT 'contact_households', count(*) FROM contact_households;" | tee "$dir/counts.txt"

# ---- 2. through the API ----
when=$(TZ=Asia/Shanghai date +%F)
for t in $SERVER_THREADS; do
  copy_db "$db" "$key" "$dir/rec.db" "$dir/rec.key"
  port=$(free_port)
  start_server "$BIN" "$dir/rec.db" "$dir/rec.key" "$port" "$t" "$dir/server-$t.log"
  login member
  me=$(api_get /auth/me | jq -r .member_id)
  hh=$(api_get "/pairings?member_id=$me&limit=500" | jq -r '[.items[].household_id] | join(",")')
  [ -n "$hh" ] || die "the member has no households"
  before=$(sqlite3 "$dir/rec.db" 'SELECT count(*) FROM contacts')
  log "wrk -c $CONNS -d $DURATION POST /contacts (member $me, households $hh, --threads $t)"
  LX_COOKIE=$COOKIE LX_CSRF=$CSRF LX_HOUSEHOLDS=$hh LX_WHEN=$when \
    wrk -t "$WRK_THREADS" -c "$CONNS" -d "$DURATION" --timeout "$WRK_TIMEOUT" --latency \
    -s "$BENCH_DIR/contacts.lua" "$BASE/contacts" >"$dir/wrk-$t.txt" 2>&1 || true
  wait_idle "$SERVER_PID" 60
  stop_server
  after=$(sqlite3 "$dir/rec.db" 'SELECT count(*) FROM contacts')
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$dir/wrk-$t.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk-$t.txt"); p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk-$t.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$dir/wrk-$t.txt")
  printf 'api --threads %s: %s req/s, p50 %s, p99 %s, non-2xx %s, contacts written %s\n' \
    "$t" "$rps" "$p50" "$p99" "${non2xx:-0}" "$((after - before))" | tee -a "$dir/summary.txt"
done

# ---- 3. raw SQLite, same settings (WAL, synchronous=FULL), one transaction per contact ----
copy_db "$db" "$key" "$dir/raw.db" "$dir/raw.key"
read -r county node path member house < <(sqlite3 -separator ' ' "$dir/raw.db" \
  "SELECT h.county_id, h.node_id, h.path, p.member_id, h.id FROM pairings p JOIN households h
   ON h.id = p.household_id WHERE p.ended_at IS NULL LIMIT 1")
python3 - "$RAW_N" "$county" "$node" "$path" "$member" "$house" >"$dir/raw.sql" <<'PY'
import sys, time
n, county, node, path, member, house = sys.argv[1:]
now = int(time.time())
print("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
for i in range(int(n)):
    print("BEGIN; INSERT INTO contacts (county_id, node_id, path, member_id, kind, happened_at,"
          " recorded_at, notes, updated_at) VALUES (%s, %s, '%s', %s, 'visit', %d, %d,"
          " '压测：入户走访，了解家庭近况，宣传惠民政策', %d);"
          " INSERT INTO contact_households (contact_id, county_id, household_id, member_id, kind,"
          " happened_at, active, paired) VALUES (last_insert_rowid(), %s, %s, %s, 'visit', %d, 1, 1);"
          " COMMIT;" % (county, node, path, member, now - i, now, now, county, house, member, now - i))
PY
t0=$(date +%s.%N)
sqlite3 "$dir/raw.db" <"$dir/raw.sql" >/dev/null
t1=$(date +%s.%N)
awk -v n="$RAW_N" -v a="$t0" -v b="$t1" 'BEGIN { printf "raw sqlite3 (WAL, synchronous=FULL, 1 txn per contact + household row): %d in %.2f s = %.0f/s\n", n, b - a, n / (b - a) }' | tee -a "$dir/summary.txt"
rm -f "$dir/rec.db"* "$dir/raw.db"*
