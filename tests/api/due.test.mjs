// due.test.mjs -- due lists, members falling behind, compliance: the rules of contact over the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, unzip, sheetRows } from './lib.mjs';

let srv; let county; let town; let me; let other;
const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' }).trim();
const rows = (q) => sql(q).split('\n').filter(Boolean).map((l) => l.split('|'));
const rows2name = (node) => sql(`SELECT name FROM nodes WHERE id = ${node}`);
// Unix seconds of a Beijing wall-clock time.
const bj = (ymd, hh = 10, mm = 0) => Date.UTC(+ymd.slice(0, 4), +ymd.slice(5, 7) - 1, +ymd.slice(8, 10), hh, mm) / 1000 - 8 * 3600;
const TAG = { lonely_elderly: 1 << 3, left_behind_child: 1 << 4 };
let H; let A; let B; let groups; let leaders; let contactId = 900000;

function pair(member, household, from) {
  sql(`INSERT INTO pairings (county_id, layer, member_id, household_id, started_at) VALUES (1, 'liaison', ${member}, ${household}, ${bj(from, 0, 0)})`);
}
function contact(member, kind, at, household, node) {
  const id = ++contactId;
  const found = rows(`SELECT node_id FROM households WHERE id = ${household}`);
  if (!node && !found.length) throw new Error(`no household ${household} (${H})`);
  const n = node ?? found[0][0];
  sql(`INSERT INTO contacts (id, county_id, node_id, path, member_id, kind, happened_at, recorded_at, updated_at)
       SELECT ${id}, 1, id, path, ${member}, '${kind}', ${at}, ${at}, ${at} FROM nodes WHERE id = ${n}`);
  if (household) {
    sql(`INSERT INTO contact_households (contact_id, county_id, household_id, member_id, kind, happened_at, paired)
         VALUES (${id}, 1, ${household}, ${member}, '${kind}', ${at}, 1)`);
  }
  return id;
}

before(async () => {
  srv = await startServer({ households: 120 });
  county = await new Client(srv.base).loginReady('county');
  town = await new Client(srv.base).loginReady('township');
  me = (await town.get('/api/v1/auth/me')).body;
  const path = rows(`SELECT path FROM nodes WHERE id = ${me.node_id}`)[0][0];
  other = rows(`SELECT id FROM nodes WHERE level = 2 AND id <> ${me.node_id} LIMIT 1`)[0][0];
  // No pairings from the demo in the way: this test owns who owes what.
  sql('DELETE FROM pairings');
  sql(`UPDATE households SET tags = tags & ~${TAG.lonely_elderly | TAG.left_behind_child}`);
  H = rows(`SELECT id FROM households WHERE path LIKE '${path}%' AND active = 1 ORDER BY id LIMIT 4`).map((r) => +r[0]);
  const ms = rows(`SELECT id FROM members WHERE path LIKE '${path}%' AND active = 1 AND rank NOT IN ('city_leader','county_leader') ORDER BY id LIMIT 2`);
  [A, B] = ms.map((r) => +r[0]);
  groups = rows(`SELECT id FROM nodes WHERE path LIKE '${path}%' AND kind IN ('group', 'grid') AND active = 1 ORDER BY id`).map((r) => +r[0]);
  leaders = rows(`SELECT id FROM members WHERE path LIKE '${path}%' AND active = 1 AND rank IN ('city_leader','county_leader')`).length;
  sql(`UPDATE households SET tags = tags | ${TAG.lonely_elderly} WHERE id IN (${H[0]}, ${H[2]})`);
  sql(`UPDATE households SET tags = tags | ${TAG.left_behind_child} WHERE id = ${H[1]}`);
  sql(`UPDATE households SET tags = tags | ${TAG.lonely_elderly | TAG.left_behind_child} WHERE id = ${H[3]}`);
  // Birthdays of the elderly's residents must not fall due in March for the counts below.
  sql(`UPDATE residents SET birth_date = '1950-07-01' WHERE household_id IN (${H.join(',')})`);
  pair(A, H[0], '2026-03-01'); pair(A, H[1], '2026-03-01');
  pair(B, H[2], '2026-03-01'); pair(B, H[3], '2026-03-01');
  contact(A, 'call', bj('2026-03-03'), H[0]);            // week 2-8 March
  contact(A, 'visit', bj('2026-03-14'), H[1]);           // a Saturday
  contact(B, 'call', bj('2026-03-10'), H[3]);            // week 9-15 March
  contact(B, 'courtyard', bj('2026-03-20', 19), null, groups[0]);
});
after(async () => { await srv.stop(); });

test('a member\'s due list: most overdue first; a phone call does not clear a visit', async () => {
  const r = await town.get(`/api/v1/members/${B}/due?date=2026-03-16`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.week_start, '2026-03-16');
  assert.equal(r.body.week_end, '2026-03-22');
  const items = r.body.items;
  const hw = items.find((i) => i.rule === 'child.homework' && i.household_id === H[3]);
  assert.ok(hw, 'the homework visit the call did not clear is listed');
  assert.equal(hw.state, 'missed');
  assert.equal(hw.missed, 3);                  // weeks ending 1, 8 and 15 March (paired on the 1st)
  assert.equal(hw.days_overdue, 15);           // since 1 March
  // The weekly call for the same household was made in the week of 9-15 March.
  assert.ok(!items.some((i) => i.rule === 'elderly.call' && i.household_id === H[3] && i.state === 'missed'));
  // H[2] got nothing: its weekly call is overdue since 1 March too.
  assert.ok(items.some((i) => i.rule === 'elderly.call' && i.household_id === H[2] && i.days_overdue === 15));
  for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].days_overdue >= items[i].days_overdue);
  // This week's obligations are there, open.
  assert.ok(items.some((i) => i.state === 'open' && i.due === '2026-03-22'));
  // Households by days since the last visit: never visited first.
  assert.deepEqual(r.body.households.map((h) => h.household_id).sort(), [H[2], H[3]].sort());
  assert.ok(r.body.households.every((h) => h.last_visit === null));
});

test('one visit clears every obligation of the household a visit satisfies', async () => {
  const r = await town.get(`/api/v1/members/${A}/compliance?from=2026-03-09&to=2026-03-31&date=2026-04-10`);
  assert.equal(r.status, 200, r.text);
  const rule = (k) => r.body.rules.find((x) => x.rule === k);
  assert.equal(rule('child.homework').on_time, 1);   // the week of 9-15 March
  assert.equal(rule('child.talk').on_time, 1);
  assert.equal(rule('child.school').on_time, 1);
  assert.equal(rule('child.homework').missed, 2);    // 22 and 29 March
  const due = await town.get(`/api/v1/members/${A}/due?date=2026-03-16`);
  const hh = due.body.households.find((h) => h.household_id === H[1]);
  assert.equal(hh.days_since_visit, 2);
});

// The same rules, counted here from the rows this test wrote (docs/policies.md):
// weekly obligations end on Sundays, monthly on the last day; a contact in the window
// is on time, one within a period after it late.
test('a township\'s compliance matches a count made from the raw contacts and pairings', async () => {
  const from = '2026-03-02'; const to = '2026-03-31';
  const r = await town.get(`/api/v1/nodes/${me.node_id}/compliance?from=${from}&to=${to}&date=2026-04-10`);
  assert.equal(r.status, 200, r.text);
  const day = (s) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)) / 86400000;
  const cs = rows('SELECT household_id, member_id, kind, happened_at FROM contact_households')
    .map(([h, m, k, at]) => ({ h: +h, m: +m, k, d: Math.floor((+at + 8 * 3600) / 86400) }));
  const inPerson = ['visit', 'talk', 'courtyard', 'reception', 'symposium', 'tea_party', 'dialogue', 'survey'];
  const rules = {
    'elderly.call': { tag: 'e', kinds: ['call', 'online', ...inPerson], period: 'week', or: inPerson },
    'child.homework': { tag: 'c', kinds: ['visit'], period: 'week' },
    'child.talk': { tag: 'c', kinds: ['call', 'online', ...inPerson], period: 'month' },
    'child.school': { tag: 'c', kinds: ['visit', 'call'], period: 'month' },
  };
  const tags = { [H[0]]: 'e', [H[1]]: 'c', [H[2]]: 'e', [H[3]]: 'ec' };
  const owner = { [H[0]]: A, [H[1]]: A, [H[2]]: B, [H[3]]: B };
  const want = {};
  for (const [key, rl] of Object.entries(rules)) {
    const t = { due: 0, on_time: 0, late: 0, missed: 0 };
    const windows = rl.period === 'week'
      ? [8, 15, 22, 29].map((d) => [day(`2026-03-0${d}`.replace(/0(\d\d)$/, '$1')) - 6, day(`2026-03-0${d}`.replace(/0(\d\d)$/, '$1'))])
      : [[day('2026-03-01'), day('2026-03-31')]];
    const grace = rl.period === 'week' ? 7 : 31;
    for (const h of H) {
      if (!tags[h].includes(rl.tag)) continue;
      for (const [s, e] of windows) {
        const mine = cs.filter((c) => c.h === h && c.m === owner[h]);
        t.due++;
        const monthOfDue = [day('2026-03-01'), day('2026-03-31')];
        if (mine.some((c) => rl.kinds.includes(c.k) && c.d >= s && c.d <= e)) t.on_time++;
        else if (rl.or && mine.some((c) => rl.or.includes(c.k) && c.d >= monthOfDue[0] && c.d <= monthOfDue[1])) t.on_time++;
        else if (mine.some((c) => rl.kinds.includes(c.k) && c.d > e && c.d <= e + grace)) t.late++;
        else t.missed++;
      }
    }
    want[key] = t;
  }
  for (const [key, t] of Object.entries(want)) {
    const got = r.body.rules.find((x) => x.rule === key);
    assert.deepEqual({ due: got.due, on_time: got.on_time, late: got.late, missed: got.missed }, t, key);
  }
  // Groups: one courtyard meeting each in March, and only the first group had one.
  assert.equal(r.body.groups.due, groups.length);
  assert.equal(r.body.groups.on_time, 1);
  assert.equal(r.body.rules.find((x) => x.rule === 'leader.talks').missed, leaders);
  // Nothing else fell due in the range (festivals, birthdays, terms, years).
  for (const k of ['elderly.festival', 'elderly.birthday', 'child.supplies', 'child.skill', 'member.talks'])
    assert.equal(r.body.rules.find((x) => x.rule === k).due, 0, k);
  const sum = Object.values(want).reduce((s, t) => s + t.due, 0) + groups.length + leaders;
  assert.equal(r.body.total.due, sum);
});

test('members falling behind show before the month ends', async () => {
  const r = await town.get(`/api/v1/nodes/${me.node_id}/behind?date=2026-03-20`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.month_end, '2026-03-31');
  const ids = r.body.members.map((m) => m.member_id);
  assert.ok(ids.includes(B), 'B missed the homework visits of early March');
  for (const m of r.body.members) assert.ok(m.missed > 0 || m.made < m.expected_by_now);
});

test('bad input is a 400 naming the field; nothing outside the scope is found', async () => {
  let r = await town.get(`/api/v1/nodes/${me.node_id}/compliance?from=2026-03-31&to=2026-03-01`);
  assert.equal(r.status, 400); assert.equal(r.body.error.field, 'to');
  r = await town.get(`/api/v1/nodes/${me.node_id}/compliance?from=2026-02-30&to=2026-03-01`);
  assert.equal(r.status, 400); assert.equal(r.body.error.field, 'from');
  r = await town.get(`/api/v1/nodes/${me.node_id}/compliance?from=2020-01-01&to=2026-03-01`);
  assert.equal(r.status, 400); assert.equal(r.body.error.field, 'to');
  r = await town.get(`/api/v1/members/${A}/due?date=tomorrow`);
  assert.equal(r.status, 400); assert.equal(r.body.error.field, 'date');
  r = await town.get(`/api/v1/members/${A}/due?date=2099-01-01`);
  assert.equal(r.status, 400); assert.equal(r.body.error.field, 'date');
  r = await town.get(`/api/v1/members/${A}/due?colour=red`);
  assert.equal(r.status, 400);
  // Another township: not found, whichever route.
  const theirs = rows(`SELECT id FROM members WHERE path LIKE (SELECT path FROM nodes WHERE id = ${other}) || '%' LIMIT 1`)[0][0];
  assert.equal((await town.get(`/api/v1/members/${theirs}/due`)).status, 404);
  assert.equal((await town.get(`/api/v1/members/${theirs}/compliance?from=2026-03-01&to=2026-03-31`)).status, 404);
  assert.equal((await town.get(`/api/v1/nodes/${other}/behind`)).status, 404);
  assert.equal((await town.get(`/api/v1/nodes/${other}/compliance?from=2026-03-01&to=2026-03-31`)).status, 404);
  // The county sees both.
  assert.equal((await county.get(`/api/v1/nodes/${other}/behind`)).status, 200);
});

test('a rule with a zero or negative period or count is refused and nothing changes', async () => {
  for (const v of ['subject=member kinds=talk period=year count=0', 'subject=member kinds=talk period=month every=-1',
    'subject=member kinds=letter period=year']) {
    const r = await county.put('/api/v1/policies/contact_rule.member.talks', { value: v });
    assert.equal(r.status, 400, v);
    assert.equal(r.body.error.field, 'value');
  }
  const list = (await county.get('/api/v1/policies')).body.items;
  const p = list.find((x) => x.key === 'contact_rule.member.talks');
  assert.equal(p.value, p.default);
  // A valid change applies: 3 talks a year instead of 10.
  const ok = await county.put('/api/v1/policies/contact_rule.member.talks', { value: 'subject=member kinds=talk period=year count=3' });
  assert.equal(ok.status, 200, ok.text);
  const r = await town.get(`/api/v1/members/${A}/compliance?from=2025-12-31&to=2025-12-31&date=2026-01-05`);
  assert.equal(r.body.rules.find((x) => x.rule === 'member.talks').due, 1);
  const audit = sql("SELECT count(*) FROM audit WHERE action = 'policies.set' AND object = 'contact_rule.member.talks'");
  assert.equal(audit, '1');
});

test('a due list\'s households: never visited first, then the longest ago; only visits up to the date count', async () => {
  // A's households: H[0] had a call (not a visit) on 3 March, H[1] a visit on 14 March.
  const r = await town.get(`/api/v1/members/${A}/due?date=2026-03-16`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.households.map((h) => h.household_id), [H[0], H[1]]);
  assert.equal(r.body.households[0].last_visit, null);
  assert.equal(r.body.households[1].last_visit, new Date(bj('2026-03-14') * 1000).toISOString().replace('.000Z', 'Z'));
  // Seen from 13 March, the visit of the 14th has not happened yet: both never, by id.
  const before = await town.get(`/api/v1/members/${A}/due?date=2026-03-13`);
  assert.equal(before.status, 200, before.text);
  assert.deepEqual(before.body.households.map((h) => h.household_id), [H[0], H[1]].sort((x, y) => x - y));
  assert.ok(before.body.households.every((h) => h.last_visit === null && h.days_since_visit === null));
  // A visit to H[0] on the 15th: now H[1] (the 14th) was visited longest ago and comes
  // first, against the order of the ids.
  assert.ok(H[0] < H[1]);
  contact(A, 'visit', bj('2026-03-15'), H[0]);
  const after = await town.get(`/api/v1/members/${A}/due?date=2026-03-16`);
  assert.equal(after.status, 200, after.text);
  assert.deepEqual(after.body.households.map((h) => h.household_id), [H[1], H[0]]);
  assert.deepEqual(after.body.households.map((h) => h.days_since_visit), [2, 1]);
});

test('today is the county\'s date, not the server\'s UTC date', async () => {
  // An offset that puts the county's date on another day than UTC's right now.
  const hour = new Date().getUTCHours();
  const off = hour >= 10 ? 14 * 3600 : -12 * 3600;
  const local = new Date(Date.now() + off * 1000).toISOString().slice(0, 10);
  assert.notEqual(local, new Date().toISOString().slice(0, 10));
  sql(`UPDATE counties SET utc_offset = ${off}`);
  try {
    const r = await county.get(`/api/v1/members/${A}/due`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.today, local);
  } finally {
    sql('UPDATE counties SET utc_offset = 28800');
  }
  const bjToday = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  assert.equal((await county.get(`/api/v1/members/${A}/due`)).body.today, bjToday);
});

test('a place\'s compliance without its members: the same totals and rules, no member list', async () => {
  const full = await town.get(`/api/v1/nodes/${me.node_id}/compliance?from=2026-03-01&to=2026-03-31`);
  assert.equal(full.status, 200, full.text);
  assert.ok(full.body.members.length > 0);
  const lean = await town.get(`/api/v1/nodes/${me.node_id}/compliance?from=2026-03-01&to=2026-03-31&members=0`);
  assert.equal(lean.status, 200, lean.text);
  assert.deepEqual(lean.body.members, []);
  assert.deepEqual(lean.body.total, full.body.total);
  assert.deepEqual(lean.body.rules, full.body.rules);
  assert.equal((await town.get(`/api/v1/nodes/${me.node_id}/compliance?from=2026-03-01&to=2026-03-31&members=no`)).status, 400);
});

test('a place\'s compliance as XLSX: the same figures, the place and members by name; bad input and other places refused', async () => {
  const q = 'from=2026-03-01&to=2026-03-31&date=2026-04-10';
  const json = (await town.get(`/api/v1/nodes/${me.node_id}/compliance?${q}`)).body;
  const x = await town.req('GET', `/api/v1/nodes/${me.node_id}/compliance.xlsx?${q}`, undefined, { raw: true });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.match(x.headers.get('content-disposition') ?? '', /compliance-\d+\.xlsx/);
  const rows = sheetRows(unzip(Buffer.from(await x.arrayBuffer())));
  assert.deepEqual(rows[0], ['期间', '2026-03-01 至 2026-03-31']);
  const head = rows[1];
  const col = (label) => { const i = head.indexOf(label); assert.ok(i >= 0, `header ${label}: ${head}`); return i; };
  const figures = (cells) => ({ due: +cells[col('应完成')], made: +cells[col('已完成')], on_time: +cells[col('按时')],
    late: +cells[col('逾期完成')], missed: +cells[col('未完成')], open: +cells[col('未到期')] });
  const of = (what) => rows.slice(2).filter((r) => r[col('类别')] === what);
  const [total] = of('合计');
  assert.equal(total[col('名称')], rows2name(me.node_id));
  assert.deepEqual(figures(total), json.total);
  const t = json.total;
  assert.equal(total[col('完成率')], t.due ? `${(100 * t.made / t.due).toFixed(1)}%` : '');
  assert.deepEqual(of('规则').map((r) => ({ rule: r[col('编号')], ...figures(r) })), json.rules);
  assert.deepEqual(figures(of('院坝会')[0]), json.groups);
  const members = of('党员');
  assert.deepEqual(members.map((r) => ({ ...figures(r), member_id: +r[col('编号')] })), json.members);
  const a = members.find((r) => +r[col('编号')] === A);
  assert.equal(a[col('名称')], sql(`SELECT name FROM members WHERE id = ${A}`));
  assert.ok(json.total.due > 0 && json.members.some((m) => m.made > 0), 'the month has something due and made');
  // audited as an export
  assert.equal(sql(`SELECT count(*) FROM audit WHERE action = 'compliance.export' AND object = 'nodes/${me.node_id}'`), '1');
  // bad input names the field; another township and a member are refused
  for (const [qs, field] of [['from=2026-03-31&to=2026-03-01', 'to'], ['from=x&to=2026-03-01', 'from'], ['members=0&from=2026-03-01&to=2026-03-31', 'members']]) {
    const r = await town.get(`/api/v1/nodes/${me.node_id}/compliance.xlsx?${qs}`);
    assert.equal(r.status, 400, `${qs}: ${r.text}`);
    assert.equal(r.body.error.field, field, qs);
  }
  assert.equal((await town.get(`/api/v1/nodes/${other}/compliance.xlsx?${q}`)).status, 404);
  assert.equal((await town.get(`/api/v1/nodes/999999999/compliance.xlsx?${q}`)).status, 404);
  assert.equal(sql("SELECT count(*) FROM audit WHERE action = 'compliance.export'"), '1');
});

test('days are Beijing days: a visit at half past midnight is on that day, not on the UTC day before', async () => {
  // 00:30 on 15 March in Beijing is 16:30 on 14 March UTC.
  contact(B, 'visit', bj('2026-03-15', 0, 30), H[2]);
  const r = await town.get(`/api/v1/members/${B}/due?date=2026-03-16`);
  assert.equal(r.status, 200, r.text);
  const h = r.body.households.find((x) => x.household_id === H[2]);
  assert.equal(h.last_visit, '2026-03-14T16:30:00Z');
  assert.equal(h.days_since_visit, 1);
});
