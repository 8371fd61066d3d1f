#!/usr/bin/env bash
# bench/web_dashboard.sh BIN -- issue 6's closing figure: the time until the county's home
# dashboard (web/src/modules/work/DashboardView.vue) is usable in headless Chromium on a
# county of HOUSEHOLDS (300,000) households: `lianxin demo`, `assign --layer liaison`,
# `cases demo --count CASES` (2,000). Usable = every panel has its data and both charts are
# drawn: the page sets the performance mark "lx-dashboard-ready", whose startTime is counted
# from the navigation's start. Each of RUNS (5) runs is a fresh browser context (empty cache,
# a new login through the API), the web app served by `lianxin serve --web web/dist` over
# loopback; the median is reported.
# Settings: HOUSEHOLDS, CASES, RUNS, SERVER_THREADS (2), REUSE=1 (measure again on the county
# already in $OUT/web/county.db). Needs web/dist (cd web && npm ci && npm run build) and
# tests/e2e's playwright-core (cd tests/e2e && npm ci), Debian's chromium.
# Writes bench/out/web/dashboard.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
BIN=$(abspath "${1:?usage: bench/web_dashboard.sh BIN}")
CASES=${CASES:-2000}
RUNS=${RUNS:-5}
THREADS=${SERVER_THREADS%% *}
ROOT=$(cd "$BENCH_DIR/.." && pwd)
need jq curl node
[ -f "$ROOT/web/dist/index.html" ] || die "web/dist is not built (cd web && npm ci && npm run build)"
[ -d "$ROOT/tests/e2e/node_modules/playwright-core" ] || die "playwright-core is missing (cd tests/e2e && npm ci)"
D=$OUT/web
mkdir -p "$D"
db=$D/county.db key=$D/county.key
trap 'stop_server' EXIT

if [ "${REUSE:-0}" = 1 ] && [ -f "$db" ]; then
  log "web: REUSE=1, measuring the county already in $db"
else
  rm -f "$db" "$db-wal" "$db-shm" "$key"
  log "web: demo county of $HOUSEHOLDS households, liaison pairing, $CASES cases (a few minutes)"
  "$BIN" --db "$db" --key "$key" demo --households "$HOUSEHOLDS" --seed "$SEED" --password "$PASSWORD" >"$D/demo.txt"
  "$BIN" --db "$db" --key "$key" assign --layer liaison >"$D/assign.txt"
  "$BIN" --db "$db" --key "$key" cases demo --count "$CASES" >"$D/cases.txt" 2>&1
fi

port=$(free_port)
"$BIN" --db "$db" --key "$key" serve --listen "127.0.0.1:$port" --threads "$THREADS" --web "$ROOT/web/dist" >"$D/server.log" 2>&1 &
SERVER_PID=$!
BASE=http://127.0.0.1:$port/api/v1
for i in $(seq 1 120); do
  curl -sf -o /dev/null "$BASE/health" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$D/server.log" >&2; die "the server exited"; }
  sleep 0.5
done
login county   # makes the first password change; the browser logs in with NEW_PASSWORD

log "web: $RUNS runs of the county dashboard in headless Chromium"
SITE=http://127.0.0.1:$port RUNS=$RUNS PW=$NEW_PASSWORD NODE_PATH=$ROOT/tests/e2e/node_modules \
node --input-type=module >"$D/dashboard.txt" <<'JS'
import { createRequire } from 'node:module';
const require = createRequire(process.env.NODE_PATH + '/');
const { chromium } = require('playwright-core');
const site = process.env.SITE;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'] });
const times = [];
for (let i = 0; i < Number(process.env.RUNS); i++) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const r = await ctx.request.post(site + '/api/v1/auth/login', { data: { username: 'county', password: process.env.PW } });
  if (!r.ok()) throw new Error(`login: ${r.status()} ${await r.text()}`);
  const page = await ctx.newPage();
  const api = [];
  page.on('requestfinished', (q) => { if (q.url().includes('/api/v1/')) api.push(q); });
  await page.goto(site + '/dashboard');
  await page.locator('[data-test=dashboard][data-ready=true]').waitFor({ timeout: 300000 });
  const ms = await page.evaluate(() => performance.getEntriesByName('lx-dashboard-ready')[0].startTime);
  const figs = await page.evaluate(() => ['households', 'made', 'received', 'rate-response', 'overdue-count']
    .map((k) => `${k}=${document.querySelector(`[data-test=${k}]`)?.textContent.trim()}`).join(' '));
  // Where the time went: the API requests (their count, bytes, and the slowest by path).
  const t0 = await page.evaluate(() => performance.timeOrigin);
  const rows = await Promise.all(api.map(async (q) => {
    const t = q.timing(); const s = await q.sizes().catch(() => ({ responseBodySize: 0 }));
    return { path: new URL(q.url()).pathname.replace(/\/\d+(?=\/|$)/g, '/{id}'), start: t.startTime - t0,
      took: t.responseEnd, bytes: s.responseBodySize };
  }));
  const byPath = {};
  for (const r of rows) { const b = (byPath[r.path] ??= { n: 0, ms: 0, kb: 0 }); b.n++; b.ms = Math.max(b.ms, r.took); b.kb += r.bytes / 1024; }
  const last = Math.max(...rows.map((r) => r.start + r.took));
  console.log(`run ${i + 1}: ${Math.round(ms)} ms  (${figs}); ${rows.length} API requests, the last answered at ${Math.round(last)} ms`);
  if (i === 0) for (const [p, b] of Object.entries(byPath).sort((a, b) => b[1].ms - a[1].ms))
    console.log(`  ${p}: ${b.n} requests, slowest ${Math.round(b.ms)} ms, ${Math.round(b.kb)} KB in all`);
  times.push(ms);
  await ctx.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(`median ${Math.round(times[Math.floor(times.length / 2)])} ms over ${times.length} runs (min ${Math.round(times[0])}, max ${Math.round(times.at(-1))})`);
JS
cat "$D/dashboard.txt"
