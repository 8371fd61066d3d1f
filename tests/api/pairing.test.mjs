// pairing.test.mjs -- automatic assignment (plan, look, apply) and manual pairing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, listAll as all } from './lib.mjs';

let srv; let county; let town; let root;
before(async () => {
  srv = await startServer({ households: 1200 });
  county = await new Client(srv.base).loginReady('county');
  town = await new Client(srv.base).loginReady('township');
  root = (await county.get('/api/v1/auth/me')).body.node_id;
});
after(async () => { await srv.stop(); });


test('a liaison run is planned first, pairs nothing until applied, then covers what the quotas allow', async () => {
  const plan = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: root });
  assert.equal(plan.status, 201, plan.text);
  const s = plan.body.stats;
  assert.equal(plan.body.status, 'planned');
  assert.ok(s.added > 0);
  assert.equal(s.households, s.covered + s.uncovered);
  assert.ok(plan.body.changes.length > 0 && plan.body.changes.every((c) => ['added', 'uncovered'].includes(c.change)));
  assert.equal((await all(county, '/api/v1/pairings?layer=liaison')).length, 0, 'a plan pairs nothing');

  const applied = await county.post(`/api/v1/assignments/${plan.body.id}/apply`);
  assert.equal(applied.status, 200, applied.text);
  const pairs = await all(county, '/api/v1/pairings?layer=liaison');
  assert.equal(pairs.length, s.added);
  // no member over the quota, and every household at most once
  const perMember = {};
  for (const p of pairs) perMember[p.member_id] = (perMember[p.member_id] || 0) + 1;
  assert.ok(Object.values(perMember).every((n) => n <= 15));
  assert.equal(new Set(pairs.map((p) => p.household_id)).size, pairs.length);
  // every household the quotas allow is covered: uncovered only when every eligible member is full
  if (s.uncovered > 0) assert.ok(Object.values(perMember).every((n) => n === 15));
  // liaison stays inside the member's own village
  const members = await all(county, '/api/v1/members');
  const households = await all(county, '/api/v1/households');
  const nodeOf = Object.fromEntries(households.map((h) => [h.id, h.node_id]));
  const memberNode = Object.fromEntries(members.map((m) => [m.id, m.node_id]));
  const nodes = await all(county, '/api/v1/nodes');
  const parent = Object.fromEntries(nodes.map((n) => [n.id, n]));
  const villageOf = (nodeId) => { let n = parent[nodeId]; while (n && n.level > 3) n = parent[n.parent_id]; return n && n.level === 3 ? n.id : null; };
  for (const p of pairs) assert.equal(villageOf(memberNode[p.member_id]), villageOf(nodeOf[p.household_id]), 'same village');

  assert.equal((await county.post(`/api/v1/assignments/${plan.body.id}/apply`)).status, 409, 'applied once only');
  const again = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: root });
  assert.equal(again.body.stats.added, 0);
  assert.equal(again.body.stats.moved, 0);
  assert.equal(again.body.stats.kept, s.added, 'a re-run without changes changes nothing');
  const rebalance = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: root, rebalance: true });
  assert.equal(rebalance.body.stats.moved, 0, 'rebalancing an optimal assignment keeps it');
});

test('a plan does not apply onto pairings that changed after it was made', async () => {
  const plan = await county.post('/api/v1/assignments', { layer: 'assistance', node_id: root });
  assert.equal(plan.status, 201);
  assert.ok(plan.body.stats.added > 0, JSON.stringify(plan.body.stats));
  const p = (await county.get('/api/v1/pairings?layer=liaison&limit=1')).body.items[0];
  assert.equal((await county.post(`/api/v1/pairings/${p.id}/end`, { reason: '户迁出' })).status, 200);
  const stale = await county.post(`/api/v1/assignments/${plan.body.id}/apply`);
  assert.equal(stale.status, 409);
  assert.match(stale.body.error.message, /plan it again/);
  const fresh = await county.post('/api/v1/assignments', { layer: 'assistance', node_id: root });
  assert.equal((await county.post(`/api/v1/assignments/${fresh.body.id}/apply`)).status, 200);
  const run = (await county.get(`/api/v1/assignments/${fresh.body.id}`)).body;
  assert.equal(run.status, 'applied');
  // the hardest households go to the highest ranks first
  assert.ok(run.stats.hardest_with_leader > 0);
  const added = (await county.get(`/api/v1/assignments/${fresh.body.id}/changes?change=added&limit=5`)).body.items;
  assert.equal(added.length, 5);
  assert.ok(added.every((c) => c.to && c.to.name && c.from === null));
});

test('runs: bad input and places outside the caller\'s scope', async () => {
  const cases = [
    [{ layer: 'friends', node_id: root }, 'layer'],
    [{ layer: 'liaison' }, 'layer'],
    [{ layer: 'liaison', node_id: 99999999 }, 'node_id'],
    [{ layer: 'liaison', node_id: root, rebalance: 'yes' }, 'layer'],
  ];
  for (const [body, field] of cases) {
    const r = await county.post('/api/v1/assignments', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.field, field);
  }
  const me = (await town.get('/api/v1/auth/me')).body;
  const other = (await county.get('/api/v1/nodes?level=2')).body.items.find((n) => n.id !== me.node_id);
  assert.equal((await town.post('/api/v1/assignments', { layer: 'liaison', node_id: other.id })).body.error.field, 'node_id');
  assert.equal((await town.post('/api/v1/assignments', { layer: 'liaison', node_id: root })).status, 400, 'the county is above a township');
  const mine = await town.post('/api/v1/assignments', { layer: 'liaison', node_id: me.node_id });
  assert.equal(mine.status, 201);
  const countyRun = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: other.id });
  assert.equal((await town.get(`/api/v1/assignments/${countyRun.body.id}`)).status, 404);
  assert.equal((await town.post(`/api/v1/assignments/${countyRun.body.id}/apply`)).status, 404);
  assert.equal((await county.get(`/api/v1/assignments/${mine.body.id}/changes?change=bogus`)).status, 400);
  const village = await new Client(srv.base).loginReady('village');
  assert.equal((await village.post('/api/v1/assignments', { layer: 'liaison', node_id: me.node_id })).status, 403);
});

test('pairing by hand: the reason is kept, the rules of each layer hold', async () => {
  const liaison = await all(county, '/api/v1/pairings?layer=liaison');
  const paired = liaison[0];
  // a household already paired
  const dup = await county.post('/api/v1/pairings', { layer: 'liaison', household_id: paired.household_id, member_id: paired.member_id, reason: '重复' });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.field, 'household_id');
  // end it (reason required), then pair again by hand with a member of another village: refused
  assert.equal((await county.post(`/api/v1/pairings/${paired.id}/end`, {})).status, 400);
  assert.equal((await county.post(`/api/v1/pairings/${paired.id}/end`, { reason: '调整' })).status, 200);
  assert.equal((await county.post(`/api/v1/pairings/${paired.id}/end`, { reason: '调整' })).status, 409);
  const households = await all(county, '/api/v1/households');
  const node = Object.fromEntries(households.map((h) => [h.id, h.node_id]));
  const nodes = await all(county, '/api/v1/nodes');
  const parent = Object.fromEntries(nodes.map((n) => [n.id, n]));
  const villageOf = (id) => { let n = parent[id]; while (n && n.level > 3) n = parent[n.parent_id]; return n?.id; };
  const far = liaison.find((p) => villageOf(node[p.household_id]) !== villageOf(node[paired.household_id]));
  const wrongVillage = await county.post('/api/v1/pairings', { layer: 'liaison', household_id: paired.household_id, member_id: far.member_id, reason: '试试' });
  assert.equal(wrongVillage.status, 400);
  assert.equal(wrongVillage.body.error.field, 'member_id');
  const back = await county.post('/api/v1/pairings', { layer: 'liaison', household_id: paired.household_id, member_id: paired.member_id, reason: '恢复' });
  assert.equal(back.status, 201, back.text);
  const list = (await county.get(`/api/v1/pairings?household_id=${paired.household_id}&active=all`)).body.items;
  assert.deepEqual(list.map((p) => [p.source, p.reason, p.end_reason]).sort(), [['auto', 'assignment run 1', '调整'], ['manual', '恢复', null]].sort());
  // a member full to the quota takes no more, and the quota cannot drop below the load
  const farLoad = liaison.filter((p) => p.member_id === far.member_id).length;
  const lower = await county.patch(`/api/v1/members/${far.member_id}`, { liaison_quota: farLoad - 1 });
  assert.equal(lower.status, 400);
  assert.equal(lower.body.error.field, 'liaison_quota');
  assert.equal((await county.patch(`/api/v1/members/${far.member_id}`, { liaison_quota: farLoad })).status, 200);
  // a member full to the quota takes no one more: find one, and a household of their village
  // that nobody looks after (the demo has more households than its members' quotas)
  const load = {};
  for (const p of liaison) load[p.member_id] = (load[p.member_id] || 0) + 1;
  const paired2 = new Set(liaison.map((p) => p.household_id));
  const full = liaison.find((p) => load[p.member_id] === 15 &&
    households.some((h) => !paired2.has(h.id) && villageOf(h.node_id) === villageOf(node[p.household_id])));
  assert.ok(full, 'a full member with an unpaired household in the same village');
  const open = households.find((h) => !paired2.has(h.id) && villageOf(h.node_id) === villageOf(node[full.household_id]));
  const refused = await county.post('/api/v1/pairings', { layer: 'liaison', household_id: open.id, member_id: full.member_id, reason: '满额' });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.field, 'member_id');
});

test('a township admin cannot pair or unpair another township\'s households', async () => {
  const me = (await town.get('/api/v1/auth/me')).body;
  const other = (await county.get('/api/v1/nodes?level=2')).body.items.find((n) => n.id !== me.node_id);
  const theirs = (await county.get(`/api/v1/households?under=${other.id}&limit=50`)).body.items.map((h) => h.id);
  const pair = (await all(county, '/api/v1/pairings?layer=liaison')).find((p) => theirs.includes(p.household_id));
  assert.ok(pair);
  assert.equal((await town.post(`/api/v1/pairings/${pair.id}/end`, { reason: '越权' })).status, 404);
  const c = await town.post('/api/v1/pairings', { layer: 'liaison', household_id: pair.household_id, member_id: pair.member_id, reason: '越权' });
  assert.equal(c.status, 404);
  assert.equal(c.body.error.field, 'household_id');
  const seen = (await town.get(`/api/v1/pairings?household_id=${pair.household_id}`)).body.items;
  assert.equal(seen.length, 0);
});

test('one pairing by id: as the list shows it, ended ones too; another township\'s is not found', async () => {
  const me = (await town.get('/api/v1/auth/me')).body;
  const mine = new Set((await all(county, `/api/v1/households?under=${me.node_id}`)).map((h) => h.id));
  const pairs = await all(county, '/api/v1/pairings?active=all');
  const own = pairs.find((p) => mine.has(p.household_id));
  const theirs = pairs.find((p) => !mine.has(p.household_id));
  assert.ok(own && theirs);
  const r = await town.get(`/api/v1/pairings/${own.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, own);
  const ended = pairs.find((p) => p.ended_at);
  assert.ok(ended, 'the tests before this one ended pairings');
  assert.deepEqual((await county.get(`/api/v1/pairings/${ended.id}`)).body, ended);
  // out of scope, missing, malformed, unknown parameters
  for (const [path, status, field] of [[`/api/v1/pairings/${theirs.id}`, 404, 'id'], ['/api/v1/pairings/999999999', 404, 'id'],
    [`/api/v1/pairings/${own.id}?x=1`, 400, 'x']]) {
    const res = await town.get(path);
    assert.equal(res.status, status, `${path}: ${res.text}`);
    assert.equal(res.body.error.field, field, path);
  }
  assert.equal((await town.get('/api/v1/pairings/abc')).status, 404);
  // the read is audited with the pairing named (the audit list writes out what is queued first)
  const auditor = await new Client(srv.base).loginReady('auditadmin');
  const audit = await all(auditor, '/api/v1/audit');
  assert.ok(audit.some((a) => a.action === 'pairings.read' && a.object === `pairings/${own.id}`));
});

test('the pairings of a place: node_id takes the households at or under it', async () => {
  const towns = (await county.get('/api/v1/nodes?level=2')).body.items;
  const pairs = await all(county, '/api/v1/pairings?layer=liaison');
  let seen = 0;
  for (const t of towns) {
    const theirs = new Set((await all(county, `/api/v1/households?under=${t.id}`)).map((h) => h.id));
    const under = await all(county, `/api/v1/pairings?layer=liaison&node_id=${t.id}`);
    assert.deepEqual(under.map((p) => p.id).sort(), pairs.filter((p) => theirs.has(p.household_id)).map((p) => p.id).sort());
    seen += under.length;
  }
  assert.equal(seen, pairs.length, 'every pairing is under one township');
  const one = pairs[0];
  const h = (await county.get(`/api/v1/households/${one.household_id}`)).body;
  assert.ok((await county.get(`/api/v1/pairings?node_id=${h.node_id}&limit=500`)).body.items.some((p) => p.id === one.id));
  // a township admin asking for another township's place gets nothing of it
  const me = (await town.get('/api/v1/auth/me')).body;
  const other = towns.find((t) => t.id !== me.node_id);
  assert.deepEqual((await town.get(`/api/v1/pairings?node_id=${other.id}`)).body.items, []);
  assert.deepEqual((await county.get('/api/v1/pairings?node_id=999999999')).body.items, []);
  assert.equal((await county.get('/api/v1/pairings?node_id=x')).status, 400);
  assert.equal((await county.get('/api/v1/pairings?node_id=x')).body.error.field, 'node_id');
});

test('two runs over overlapping places: the one applied second is refused (409) and writes nothing', async () => {
  const me = (await town.get('/api/v1/auth/me')).body;
  const mine = new Set((await all(county, `/api/v1/households?under=${me.node_id}`)).map((h) => h.id));
  const pairs = (await all(county, '/api/v1/pairings?layer=liaison')).filter((p) => mine.has(p.household_id));
  assert.ok(pairs.length >= 3, 'the township has liaison pairs');
  // free two households of the township, so that both runs have something to add
  for (const p of pairs.slice(0, 2)) assert.equal((await county.post(`/api/v1/pairings/${p.id}/end`, { reason: '重新安排' })).status, 200);
  const whole = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: root });
  const part = await town.post('/api/v1/assignments', { layer: 'liaison', node_id: me.node_id });
  assert.equal(whole.status, 201, whole.text);
  assert.equal(part.status, 201, part.text);
  assert.ok(part.body.stats.added >= 2, JSON.stringify(part.body.stats));
  assert.ok(whole.body.stats.added >= part.body.stats.added, JSON.stringify(whole.body.stats));

  const before = await all(county, '/api/v1/pairings?layer=liaison&active=all');
  assert.equal((await town.post(`/api/v1/assignments/${part.body.id}/apply`)).status, 200);
  const stale = await county.post(`/api/v1/assignments/${whole.body.id}/apply`);
  assert.equal(stale.status, 409, stale.text);
  assert.equal(stale.body.error.field, 'id');
  assert.match(stale.body.error.message, /plan it again/);
  const after = await all(county, '/api/v1/pairings?layer=liaison&active=all');
  assert.equal(after.length, before.length + part.body.stats.added, 'only the township run was written');
  assert.equal(after.filter((p) => p.reason === `assignment run ${whole.body.id}`).length, 0);
  assert.deepEqual(after.filter((p) => before.some((b) => b.id === p.id)), before, 'no pairing ended');
  assert.equal((await county.get(`/api/v1/assignments/${whole.body.id}`)).body.status, 'planned');

  // two applies at once over the same place: one is applied, the other refused with nothing written
  assert.equal((await county.post(`/api/v1/pairings/${pairs[2].id}/end`, { reason: '重新安排' })).status, 200);
  const a = await town.post('/api/v1/assignments', { layer: 'liaison', node_id: me.node_id });
  const b = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: root });
  assert.ok(a.body.stats.added >= 1 && b.body.stats.added >= 1);
  const [ra, rb] = await Promise.all([town.post(`/api/v1/assignments/${a.body.id}/apply`),
    county.post(`/api/v1/assignments/${b.body.id}/apply`)]);
  assert.deepEqual([ra.status, rb.status].sort(), [200, 409], `${ra.text} ${rb.text}`);
  const [won, lost] = ra.status === 200 ? [a, b] : [b, a];
  const now = await all(county, '/api/v1/pairings?layer=liaison&active=all');
  assert.equal(now.filter((p) => p.reason === `assignment run ${won.body.id}`).length, won.body.stats.added);
  assert.equal(now.filter((p) => p.reason === `assignment run ${lost.body.id}`).length, 0);
  assert.equal(now.length, after.length + won.body.stats.added);
  assert.equal((await county.get(`/api/v1/assignments/${lost.body.id}`)).body.status, 'planned');
});

test('a cadre\'s own assistance quota cannot drop below what they hold', async () => {
  const load = {};
  for (const p of await all(county, '/api/v1/pairings?layer=assistance')) load[p.member_id] = (load[p.member_id] || 0) + 1;
  const [cadre, n] = Object.entries(load).sort((x, y) => y[1] - x[1])[0];
  assert.ok(n >= 1);
  const before = (await county.get(`/api/v1/members/${cadre}`)).body;
  const low = await county.patch(`/api/v1/members/${cadre}`, { assist_quota: n - 1 });
  assert.equal(low.status, 400, low.text);
  assert.equal(low.body.error.field, 'assist_quota');
  assert.deepEqual((await county.get(`/api/v1/members/${cadre}`)).body, before, 'nothing written');
  // exactly the load is accepted, and a run then gives them no one more
  assert.equal((await county.patch(`/api/v1/members/${cadre}`, { assist_quota: n })).status, 200);
  const run = await county.post('/api/v1/assignments', { layer: 'assistance', node_id: root });
  assert.equal(run.status, 201, run.text);
  const added = await all(county, `/api/v1/assignments/${run.body.id}/changes?change=added`);
  assert.equal(added.filter((c) => c.to.member_id === Number(cadre)).length, 0);
});

test('a member without a home village is no liaison member; one without a unit gives no assistance', async () => {
  const me = (await town.get('/api/v1/auth/me')).body;
  const made = await county.post('/api/v1/members', { node_id: me.node_id, name: '乡镇干部', gender: 'F', rank: 'ordinary', category: 'in_service' });
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  const paired = new Set((await all(county, '/api/v1/pairings?layer=liaison')).map((p) => p.household_id));
  const free = (await all(county, `/api/v1/households?under=${me.node_id}`)).find((h) => !paired.has(h.id));
  assert.ok(free, 'the township has a household without a liaison member');
  const history = async () => (await county.get(`/api/v1/pairings?household_id=${free.id}&active=all`)).body.items;
  const before = await history();
  const liaison = await county.post('/api/v1/pairings', { layer: 'liaison', household_id: free.id, member_id: id, reason: '试试' });
  assert.equal(liaison.status, 400, liaison.text);
  assert.equal(liaison.body.error.field, 'member_id');
  assert.match(liaison.body.error.message, /village/);
  const assistance = await county.post('/api/v1/pairings', { layer: 'assistance', household_id: free.id, member_id: id, reason: '试试' });
  assert.equal(assistance.status, 400, assistance.text);
  assert.equal(assistance.body.error.field, 'member_id');
  assert.deepEqual(await history(), before, 'nothing written');
  // a run passes them over although households are left uncovered
  const run = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: root });
  assert.equal(run.status, 201, run.text);
  assert.ok(run.body.stats.uncovered > 0, JSON.stringify(run.body.stats));
  const changes = await all(county, `/api/v1/assignments/${run.body.id}/changes`);
  assert.equal(changes.filter((c) => c.to && c.to.member_id === id).length, 0);
});
