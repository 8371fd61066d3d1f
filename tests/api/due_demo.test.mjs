// due_demo.test.mjs -- on the demo county with a generated history, a member's due list is in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, lianxin } from './lib.mjs';

let srv; let county;
const rows = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })
  .trim().split('\n').filter(Boolean).map((l) => l.split('|'));

before(async () => {
  srv = await startServer({ households: 200 });
  lianxin(srv.dir, 'assign', '--layer', 'liaison');
  lianxin(srv.dir, 'history', '--years', '1', '--seed', '3');
  county = await new Client(srv.base).loginReady('county');
});
after(async () => { await srv.stop(); });

test('a member\'s households come in order of days since the last visit, as the contacts say', async () => {
  // The member with the most households that the household rules apply to.
  const [[member]] = rows(`SELECT p.member_id FROM pairings p JOIN households h ON h.id = p.household_id
    WHERE p.ended_at IS NULL AND p.layer = 'liaison' GROUP BY p.member_id
    ORDER BY sum((h.tags & 24) <> 0) DESC, count(*) DESC LIMIT 1`);
  const r = await county.get(`/api/v1/members/${member}/due`);
  assert.equal(r.status, 200, r.text);
  const hh = r.body.households;
  const mine = rows(`SELECT household_id FROM pairings WHERE member_id = ${member} AND ended_at IS NULL`).map((x) => +x[0]);
  assert.deepEqual(hh.map((h) => h.household_id).sort((a, b) => a - b), [...new Set(mine)].sort((a, b) => a - b));
  // Days since the last visit, counted here from the raw rows in Beijing dates.
  const today = Math.floor((Date.now() / 1000 + 8 * 3600) / 86400);
  for (const h of hh) {
    const [[last]] = rows(`SELECT coalesce(max(happened_at), '') FROM contact_households
      WHERE household_id = ${h.household_id} AND kind = 'visit' AND active = 1 AND happened_at <= ${Math.floor(Date.now() / 1000)}`);
    if (last === '') assert.equal(h.days_since_visit, null);
    else assert.equal(h.days_since_visit, today - Math.floor((+last + 8 * 3600) / 86400), `household ${h.household_id}`);
  }
  const key = (h) => (h.days_since_visit === null ? Infinity : h.days_since_visit);
  for (let i = 1; i < hh.length; i++) assert.ok(key(hh[i - 1]) >= key(hh[i]), 'longest unvisited first');
  // The items: most overdue first, then what is due this week by its date.
  const items = r.body.items;
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1]; const b = items[i];
    assert.ok(a.days_overdue > b.days_overdue || (a.days_overdue === b.days_overdue && a.due <= b.due),
      `${JSON.stringify(a)} before ${JSON.stringify(b)}`);
  }
  for (const it of items) {
    if (it.state === 'open') assert.ok(it.due <= r.body.week_end);
    else assert.equal(it.state, 'missed');
  }
});

test('a node\'s compliance over the generated year adds up, per member and in total', async () => {
  const towns = (await county.get('/api/v1/nodes?level=2&limit=10')).body.items;
  const to = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  const from = new Date(Date.now() - 300 * 86400000).toISOString().slice(0, 10);
  const r = await county.get(`/api/v1/nodes/${towns[0].id}/compliance?from=${from}&to=${to}`);
  assert.equal(r.status, 200, r.text);
  const t = r.body.total;
  assert.ok(t.due > 0 && t.made > 0, JSON.stringify(t));
  assert.equal(t.due, t.on_time + t.late + t.missed);
  assert.equal(t.made, t.on_time + t.late);
  const sum = (f) => r.body.members.reduce((s, m) => s + m[f], 0) + r.body.groups[f];
  for (const f of ['due', 'on_time', 'late', 'missed', 'open']) assert.equal(sum(f), t[f], f);
  const byRule = (f) => r.body.rules.reduce((s, x) => s + x[f], 0);
  for (const f of ['due', 'on_time', 'late', 'missed', 'open']) assert.equal(byRule(f), t[f], f);
});
