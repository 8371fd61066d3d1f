// links.test.mjs -- units paired with villages (单位联村), leaders' contact points (联系点),
// assistance tasks and the rule that an assistance pairing with open tasks cannot be ended,
// and the seeds' assistance quota presets: happy paths, bad input naming the field, another
// township's records out of reach, the 409s, and an audit record for every change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from './lib.mjs';

let srv; let county; let town; let secadmin; let auditor; let member;
let root;            // the county's node
let myTown;          // the township admin's township
let otherTown;       // another township
let myVillage;       // a village of myTown
let otherVillage;    // a village of otherTown

before(async () => {
  srv = await startServer();
  county = await new Client(srv.base).loginReady('county');
  town = await new Client(srv.base).loginReady('township');
  secadmin = await new Client(srv.base).loginReady('secadmin');
  auditor = await new Client(srv.base).loginReady('auditadmin');
  member = await new Client(srv.base).loginReady('member');
  root = (await county.get('/api/v1/auth/me')).body.node_id;
  const townId = (await town.get('/api/v1/auth/me')).body.node_id;
  const towns = (await county.get('/api/v1/nodes?level=2&limit=50')).body.items;
  myTown = towns.find((t) => t.id === townId);
  otherTown = towns.find((t) => t.id !== townId);
  assert.ok(myTown && otherTown, 'the demo has two townships');
  myVillage = (await county.get(`/api/v1/nodes?level=3&under=${myTown.id}&limit=1`)).body.items[0];
  otherVillage = (await county.get(`/api/v1/nodes?level=3&under=${otherTown.id}&limit=1`)).body.items[0];
  assert.ok(myVillage && otherVillage, 'each township has a village');
});
after(async () => { await srv.stop(); });

// ---- helpers ----

// Every audit record, oldest first.
async function auditAll() {
  const items = [];
  for (let after = 0; ;) {
    const r = await auditor.get(`/api/v1/audit?limit=1000${after ? `&after=${after}` : ''}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.body.items);
    if (!r.body.next) return items;
    after = r.body.next;
  }
}

// A refusal with this status that names this field.
function refused(res, status, field, label = '') {
  assert.equal(res.status, status, `${label} ${res.text}`);
  assert.equal(res.body.error.field, field, `${label} ${res.text}`);
}

async function firstOf(client, path) {
  const r = await client.get(path);
  assert.equal(r.status, 200, r.text);
  return r.body.items[0];
}

// Plan and apply a run of the optimiser over the whole county.
async function assign(layer) {
  const plan = await county.post('/api/v1/assignments', { layer, node_id: root });
  assert.equal(plan.status, 201, plan.text);
  const applied = await county.post(`/api/v1/assignments/${plan.body.id}/apply`, {});
  assert.equal(applied.status, 200, applied.text);
  return plan.body;
}

// ---- units paired with villages ----

test('the demo\'s units paired with villages are listed, filtered, and a township sees only its own', async () => {
  const all = await county.get('/api/v1/unit-villages');
  assert.equal(all.status, 200, all.text);
  assert.ok(all.body.items.length >= 2, 'the demo pairs units with villages');
  for (const p of all.body.items) {
    assert.equal(p.active, true);
    assert.equal(p.ended_at, null);
    assert.ok(p.unit_name && p.node_name && p.reason, JSON.stringify(p));
  }
  const first = all.body.items[0];
  const byUnit = (await county.get(`/api/v1/unit-villages?unit_id=${first.unit_id}`)).body.items;
  assert.ok(byUnit.length >= 1 && byUnit.every((p) => p.unit_id === first.unit_id));
  // node_id takes the pairs of villages at or under that place
  const villagesOfMyTown = (await county.get(`/api/v1/nodes?level=3&under=${myTown.id}&limit=500`)).body.items.map((v) => v.id);
  const underMine = (await county.get(`/api/v1/unit-villages?node_id=${myTown.id}`)).body.items;
  assert.deepEqual(underMine.map((p) => p.id).sort(),
    all.body.items.filter((p) => villagesOfMyTown.includes(p.node_id)).map((p) => p.id).sort());
  const byVillage = (await county.get(`/api/v1/unit-villages?node_id=${first.node_id}`)).body.items;
  assert.ok(byVillage.every((p) => p.node_id === first.node_id) && byVillage.length >= 1);
  assert.deepEqual((await county.get('/api/v1/unit-villages?active=0')).body.items, []);
  // a page at a time
  const page = await county.get('/api/v1/unit-villages?limit=1');
  assert.equal(page.body.items.length, 1);
  assert.ok(page.body.next);
  const rest = await county.get(`/api/v1/unit-villages?limit=500&after=${page.body.next}`);
  assert.equal(rest.body.items.length, all.body.items.length - 1);
  // the township admin sees the pairs of its own villages only
  const mine = (await town.get('/api/v1/unit-villages')).body.items;
  assert.deepEqual(mine.map((p) => p.id).sort(), underMine.map((p) => p.id).sort());
  assert.deepEqual((await town.get(`/api/v1/unit-villages?node_id=${otherTown.id}`)).body.items, []);
  // a member may read them too (pairing.read), within their own place
  assert.equal((await member.get('/api/v1/unit-villages')).status, 200);
});

test('the unit-village list refuses bad parameters, naming each', async () => {
  refused(await county.get('/api/v1/unit-villages?unit_id=abc'), 400, 'unit_id');
  refused(await county.get('/api/v1/unit-villages?node_id=-3'), 400, 'node_id');
  refused(await county.get('/api/v1/unit-villages?active=maybe'), 400, 'active');
  refused(await county.get('/api/v1/unit-villages?limit=0'), 400, 'limit');
  refused(await county.get('/api/v1/unit-villages?limit=501'), 400, 'limit');
  refused(await county.get('/api/v1/unit-villages?after=x'), 400, 'after');
  refused(await county.get('/api/v1/unit-villages?zzz=1'), 400, 'zzz');
});

test('a county admin pairs a unit with a village and ends the pair; a run planned before is refused; both are audited', async () => {
  const units = (await county.get('/api/v1/units?limit=500')).body.items;
  const paired = (await county.get(`/api/v1/unit-villages?node_id=${myVillage.id}`)).body.items.map((p) => p.unit_id);
  const unit = units.find((u) => !paired.includes(u.id));
  assert.ok(unit, 'a unit not yet paired with the village');
  // a run planned now must not apply onto the changed pairs
  const plan = await county.post('/api/v1/assignments', { layer: 'assistance', node_id: root });
  assert.equal(plan.status, 201, plan.text);

  const made = await county.post('/api/v1/unit-villages', { unit_id: unit.id, node_id: myVillage.id, reason: '双包双联新增' });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.body.unit_id, unit.id);
  assert.equal(made.body.node_id, myVillage.id);
  assert.equal(made.body.unit_name, unit.name);
  assert.equal(made.body.node_name, myVillage.name);
  assert.equal(made.body.reason, '双包双联新增');
  assert.equal(made.body.active, true);
  const listed = (await county.get(`/api/v1/unit-villages?unit_id=${unit.id}`)).body.items;
  assert.ok(listed.some((p) => p.id === made.body.id));

  const stale = await county.post(`/api/v1/assignments/${plan.body.id}/apply`, {});
  assert.equal(stale.status, 409, stale.text);

  refused(await county.post('/api/v1/unit-villages', { unit_id: unit.id, node_id: myVillage.id, reason: '再来一次' }), 409, 'node_id');

  const ended = await county.post(`/api/v1/unit-villages/${made.body.id}/end`, { reason: '调整帮扶力量' });
  assert.equal(ended.status, 200, ended.text);
  assert.equal(ended.body.active, false);
  assert.ok(ended.body.ended_at);
  refused(await county.post(`/api/v1/unit-villages/${made.body.id}/end`, { reason: '又结束' }), 409, 'id');
  assert.ok((await county.get(`/api/v1/unit-villages?unit_id=${unit.id}&active=0`)).body.items.some((p) => p.id === made.body.id));
  assert.ok(!(await county.get(`/api/v1/unit-villages?unit_id=${unit.id}`)).body.items.some((p) => p.id === made.body.id));
  // once ended, the pair may be made again
  const again = await county.post('/api/v1/unit-villages', { unit_id: unit.id, node_id: myVillage.id, reason: '恢复联村' });
  assert.equal(again.status, 201, again.text);

  const audit = await auditAll();
  const create = audit.find((a) => a.action === 'unit_villages.create' && a.object === `unit_villages/${made.body.id}`);
  assert.ok(create, 'the pairing is audited');
  assert.equal(create.detail.reason, '双包双联新增');
  assert.equal(create.detail.unit_id, unit.id);
  const end = audit.find((a) => a.action === 'unit_villages.end' && a.object === `unit_villages/${made.body.id}`);
  assert.ok(end, 'the end is audited');
  assert.equal(end.detail.reason, '调整帮扶力量');
});

test('pairing a unit with a village refuses bad input, naming the field', async () => {
  const unit = (await county.get('/api/v1/units?limit=1')).body.items[0];
  const group = await firstOf(county, `/api/v1/nodes?level=4&under=${myVillage.id}&limit=1`);
  const ok = { unit_id: unit.id, node_id: myVillage.id, reason: '坏输入' };
  const cases = [
    [{ node_id: myVillage.id, reason: '缺单位' }, 'unit_id'],
    [{ ...ok, unit_id: 'x' }, 'unit_id'],
    [{ ...ok, unit_id: null }, 'unit_id'],
    [{ ...ok, unit_id: 0 }, 'unit_id'],
    [{ ...ok, unit_id: 999999999 }, 'unit_id'],
    [{ unit_id: unit.id, reason: '缺村' }, 'node_id'],
    [{ ...ok, node_id: group.id }, 'node_id'],        // a group, not a village
    [{ ...ok, node_id: myTown.id }, 'node_id'],       // a township
    [{ ...ok, node_id: root }, 'node_id'],            // the county
    [{ ...ok, node_id: 999999999 }, 'node_id'],
    [{ unit_id: unit.id, node_id: myVillage.id }, 'reason'],
    [{ ...ok, reason: ' ' }, 'reason'],
    [{ ...ok, reason: 5 }, 'reason'],
    [{ ...ok, reason: '理'.repeat(501) }, 'reason'],
    [{ ...ok, extra: 1 }, 'extra'],
  ];
  for (const [body, field] of cases) {
    refused(await county.post('/api/v1/unit-villages', body), 400, field, JSON.stringify(body).slice(0, 80));
  }
  // a deactivated unit
  const u = await county.post('/api/v1/units', { node_id: root, name: '已撤销单位', kind: 'school' });
  assert.equal(u.status, 201, u.text);
  assert.equal((await county.post(`/api/v1/units/${u.body.id}/deactivate`, { reason: '撤销' })).status, 200);
  refused(await county.post('/api/v1/unit-villages', { ...ok, unit_id: u.body.id }), 400, 'unit_id');
  refused(await county.post('/api/v1/unit-villages/1/end', {}), 400, 'reason');
  refused(await county.post('/api/v1/unit-villages/1/end', { reason: '结束', zzz: 1 }), 400, 'zzz');
  refused(await county.post('/api/v1/unit-villages/999999999/end', { reason: '不存在' }), 404, 'id');
  // nothing was written by the refusals
  assert.deepEqual((await county.get('/api/v1/unit-villages?active=all&limit=500')).body.items.filter((p) => p.reason === '坏输入'), []);
});

test('a township admin cannot pair a unit with another township\'s village, nor end its pairs', async () => {
  const unit = (await county.get('/api/v1/units?limit=1')).body.items[0];
  refused(await town.post('/api/v1/unit-villages', { unit_id: unit.id, node_id: otherVillage.id, reason: '越权' }), 400, 'node_id');
  const theirs = await firstOf(county, `/api/v1/unit-villages?node_id=${otherTown.id}`);
  assert.ok(theirs, 'the other township has a unit-village pair');
  refused(await town.post(`/api/v1/unit-villages/${theirs.id}/end`, { reason: '越权结束' }), 404, 'id');
  assert.equal((await county.get(`/api/v1/unit-villages?node_id=${theirs.node_id}`)).body.items.find((p) => p.id === theirs.id).active, true);
  // within its own township it may
  const units = (await county.get('/api/v1/units?limit=500')).body.items;
  const paired = (await county.get(`/api/v1/unit-villages?node_id=${myVillage.id}&active=1`)).body.items.map((p) => p.unit_id);
  const free = units.find((u) => u.active && !paired.includes(u.id));
  const mine = await town.post('/api/v1/unit-villages', { unit_id: free.id, node_id: myVillage.id, reason: '乡镇安排' });
  assert.equal(mine.status, 201, mine.text);
  assert.equal((await town.post(`/api/v1/unit-villages/${mine.body.id}/end`, { reason: '乡镇调整' })).status, 200);
  // a village secretary may not (pairing.run)
  const secretary = await new Client(srv.base).loginReady('village');
  assert.equal((await secretary.post('/api/v1/unit-villages', { unit_id: free.id, node_id: myVillage.id, reason: '无权' })).status, 403);
});

// ---- contact points ----

async function leaders() {
  const get = async (rank) => (await county.get(`/api/v1/members?rank=${rank}&limit=500`)).body.items;
  return { countyLeaders: [...await get('county_leader'), ...await get('city_leader')], middle: await get('middle'),
    ordinary: await get('ordinary'), plain: await get('member') };
}

test('leaders adopt branches as contact points: county leaders one of each kind, township leaders a weak branch', async () => {
  const { countyLeaders, middle } = await leaders();
  assert.ok(countyLeaders.length >= 1 && middle.length >= 1, 'the demo has county and township leaders');
  const lead = countyLeaders[0];
  const branches = (await county.get('/api/v1/orgs?kind=branch&limit=500')).body.items;
  assert.ok(branches.length >= 3, 'the demo has branches');
  const made = [];
  for (const [i, kind] of ['weak_branch', 'non_public', 'social_org'].entries()) {
    const r = await county.post('/api/v1/contact-points', { member_id: lead.id, org_id: branches[i].id, kind, reason: `包联${kind}` });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.member_id, lead.id);
    assert.equal(r.body.member_name, lead.name);
    assert.equal(r.body.member_rank, lead.rank);
    assert.equal(r.body.org_id, branches[i].id);
    assert.equal(r.body.org_name, branches[i].name);
    assert.equal(r.body.kind, kind);
    assert.equal(r.body.active, true);
    made.push(r.body);
  }
  // one active contact point per leader and kind
  refused(await county.post('/api/v1/contact-points', { member_id: lead.id, org_id: branches[3 % branches.length].id, kind: 'weak_branch', reason: '第二个' }), 409, 'kind');
  // a township leader adopts a weak branch only
  const tl = middle[0];
  refused(await county.post('/api/v1/contact-points', { member_id: tl.id, org_id: branches[1].id, kind: 'non_public', reason: '乡镇领导' }), 400, 'kind');
  refused(await county.post('/api/v1/contact-points', { member_id: tl.id, org_id: branches[1].id, kind: 'social_org', reason: '乡镇领导' }), 400, 'kind');
  const weak = await county.post('/api/v1/contact-points', { member_id: tl.id, org_id: branches[1].id, kind: 'weak_branch', reason: '软弱涣散村' });
  assert.equal(weak.status, 201, weak.text);

  // the list, filtered
  const byLead = (await county.get(`/api/v1/contact-points?member_id=${lead.id}`)).body.items;
  assert.deepEqual(byLead.map((c) => c.kind).sort(), ['non_public', 'social_org', 'weak_branch']);
  const byOrg = (await county.get(`/api/v1/contact-points?org_id=${branches[1].id}`)).body.items;
  assert.deepEqual(byOrg.map((c) => c.member_id).sort(), [lead.id, tl.id].sort());

  // ending one frees its kind for another branch
  const end = await county.post(`/api/v1/contact-points/${made[0].id}/end`, { reason: '该支部已晋位升级' });
  assert.equal(end.status, 200, end.text);
  assert.equal(end.body.active, false);
  refused(await county.post(`/api/v1/contact-points/${made[0].id}/end`, { reason: '再结束' }), 409, 'id');
  assert.equal((await county.get(`/api/v1/contact-points?member_id=${lead.id}`)).body.items.length, 2);
  assert.equal((await county.get(`/api/v1/contact-points?member_id=${lead.id}&active=all`)).body.items.length, 3);
  assert.equal((await county.get(`/api/v1/contact-points?member_id=${lead.id}&active=0`)).body.items[0].id, made[0].id);
  const next = await county.post('/api/v1/contact-points', { member_id: lead.id, org_id: branches[2].id, kind: 'weak_branch', reason: '新联系点' });
  assert.equal(next.status, 201, next.text);

  const audit = await auditAll();
  const rec = audit.find((a) => a.action === 'contact_points.create' && a.object === `contact_points/${made[0].id}`);
  assert.ok(rec, 'the contact point is audited');
  assert.equal(rec.detail.reason, '包联weak_branch');
  assert.equal(rec.detail.kind, 'weak_branch');
  const endRec = audit.find((a) => a.action === 'contact_points.end' && a.object === `contact_points/${made[0].id}`);
  assert.ok(endRec, 'the end is audited');
  assert.equal(endRec.detail.reason, '该支部已晋位升级');
});

test('the contact points of a place: node_id takes the branches at or under it', async () => {
  const { countyLeaders } = await leaders();
  const lead = countyLeaders[0];
  const myBranch = await firstOf(county, `/api/v1/orgs?kind=branch&under=${myVillage.id}`);
  for (const cp of (await county.get(`/api/v1/contact-points?member_id=${lead.id}`)).body.items) {
    if (cp.kind === 'social_org') await county.post(`/api/v1/contact-points/${cp.id}/end`, { reason: '腾出类别' });
  }
  const made = await county.post('/api/v1/contact-points', { member_id: lead.id, org_id: myBranch.id, kind: 'social_org', reason: '按地方查看' });
  assert.equal(made.status, 201, made.text);
  const ids = async (c, q) => (await c.get(`/api/v1/contact-points?limit=500&${q}`)).body.items.map((x) => x.id);
  assert.ok((await ids(county, `node_id=${myVillage.id}`)).includes(made.body.id));
  assert.ok((await ids(county, `node_id=${myTown.id}`)).includes(made.body.id));
  assert.ok(!(await ids(county, `node_id=${otherTown.id}`)).includes(made.body.id));
  const branchesThere = new Set((await county.get(`/api/v1/orgs?under=${otherTown.id}&limit=500`)).body.items.map((o) => o.id));
  assert.ok((await county.get(`/api/v1/contact-points?node_id=${otherTown.id}&active=all&limit=500`)).body.items.every((c) => branchesThere.has(c.org_id)));
  assert.deepEqual(await ids(county, 'node_id=999999999'), []);
  refused(await county.get('/api/v1/contact-points?node_id=0'), 400, 'node_id');
  assert.equal((await county.post(`/api/v1/contact-points/${made.body.id}/end`, { reason: '测试结束' })).status, 200);
});

test('a contact point refuses members who are not leaders and organisations that are not branches, naming the field', async () => {
  const { countyLeaders, ordinary, plain } = await leaders();
  const lead = countyLeaders[countyLeaders.length - 1];
  const branch = (await county.get('/api/v1/orgs?kind=branch&limit=1')).body.items[0];
  const group = (await county.get('/api/v1/orgs?kind=party_group&limit=1')).body.items[0];
  const committee = (await county.get('/api/v1/orgs?kind=committee&limit=1')).body.items[0];
  const ok = { member_id: lead.id, org_id: branch.id, kind: 'social_org', reason: '坏输入' };
  const cases = [
    [{ ...ok, member_id: ordinary[0].id }, 'member_id'],
    [{ ...ok, member_id: plain[0].id }, 'member_id'],
    [{ ...ok, member_id: 999999999 }, 'member_id'],
    [{ ...ok, member_id: 'x' }, 'member_id'],
    [{ org_id: branch.id, kind: 'social_org', reason: '缺人' }, 'member_id'],
    [{ ...ok, org_id: group.id }, 'org_id'],
    [{ ...ok, org_id: committee.id }, 'org_id'],
    [{ ...ok, org_id: 999999999 }, 'org_id'],
    [{ ...ok, org_id: -1 }, 'org_id'],
    [{ ...ok, kind: 'other' }, 'kind'],
    [{ ...ok, kind: 3 }, 'kind'],
    [{ member_id: lead.id, org_id: branch.id, reason: '缺类' }, 'kind'],
    [{ ...ok, reason: '' }, 'reason'],
    [{ ...ok, zzz: true }, 'zzz'],
  ];
  for (const [body, field] of cases) {
    refused(await county.post('/api/v1/contact-points', body), 400, field, JSON.stringify(body));
  }
  // a leader no longer active
  const gone = await county.post('/api/v1/members', { node_id: root, name: '离任领导', gender: 'M', rank: 'county_leader', category: 'in_service' });
  assert.equal(gone.status, 201, gone.text);
  assert.equal((await county.post(`/api/v1/members/${gone.body.id}/deactivate`, { reason: '离任' })).status, 200);
  refused(await county.post('/api/v1/contact-points', { ...ok, member_id: gone.body.id }), 400, 'member_id');
  // a deactivated branch
  const old = await county.post('/api/v1/orgs', { node_id: myVillage.id, kind: 'branch', name: '撤并支部' });
  assert.equal(old.status, 201, old.text);
  assert.equal((await county.post(`/api/v1/orgs/${old.body.id}/deactivate`, { reason: '撤并' })).status, 200);
  refused(await county.post('/api/v1/contact-points', { ...ok, org_id: old.body.id }), 400, 'org_id');
  // the list's parameters
  refused(await county.get('/api/v1/contact-points?member_id=x'), 400, 'member_id');
  refused(await county.get('/api/v1/contact-points?org_id=0'), 400, 'org_id');
  refused(await county.get('/api/v1/contact-points?kind=weak_branch'), 400, 'kind');
  assert.deepEqual((await county.get('/api/v1/contact-points?active=all&limit=500')).body.items.filter((c) => c.reason === '坏输入'), []);
});

test('a township admin cannot give a leader another township\'s branch, nor see or end its contact points', async () => {
  const { countyLeaders } = await leaders();
  const lead = countyLeaders[0];
  const theirBranch = await firstOf(county, `/api/v1/orgs?kind=branch&under=${otherTown.id}`);
  const myBranch = await firstOf(county, `/api/v1/orgs?kind=branch&under=${myTown.id}`);
  assert.ok(theirBranch && myBranch);
  refused(await town.post('/api/v1/contact-points', { member_id: lead.id, org_id: theirBranch.id, kind: 'non_public', reason: '越权' }), 400, 'org_id');
  // the county sets one there; the township does not see it and cannot end it
  const lead2 = countyLeaders[countyLeaders.length - 1];
  const existing = (await county.get(`/api/v1/contact-points?member_id=${lead2.id}`)).body.items;
  for (const cp of existing) await county.post(`/api/v1/contact-points/${cp.id}/end`, { reason: '清理' });
  const there = await county.post('/api/v1/contact-points', { member_id: lead2.id, org_id: theirBranch.id, kind: 'non_public', reason: '县里安排' });
  assert.equal(there.status, 201, there.text);
  const seen = (await town.get('/api/v1/contact-points?active=all&limit=500')).body.items;
  assert.ok(!seen.some((c) => c.id === there.body.id));
  assert.ok(seen.every((c) => c.org_id !== theirBranch.id));
  refused(await town.post(`/api/v1/contact-points/${there.body.id}/end`, { reason: '越权结束' }), 404, 'id');
  // in its own township it may
  const here = await town.post('/api/v1/contact-points', { member_id: lead2.id, org_id: myBranch.id, kind: 'social_org', reason: '乡镇安排' });
  assert.equal(here.status, 201, here.text);
  assert.ok((await town.get('/api/v1/contact-points')).body.items.some((c) => c.id === here.body.id));
});

// ---- assistance tasks, and ending a pairing with open tasks ----

test('an assistance pairing with an open task cannot be ended until the task is closed (seed 003)', async () => {
  await assign('liaison');
  await assign('assistance');
  const assist = (await county.get('/api/v1/pairings?layer=assistance&limit=500')).body.items;
  const liaison = (await county.get('/api/v1/pairings?layer=liaison&limit=1')).body.items[0];
  assert.ok(assist.length >= 2 && liaison, 'the runs made pairings of both layers');
  const p = assist[0];

  refused(await county.post(`/api/v1/pairings/${liaison.id}/tasks`, { title: '联户不设任务' }), 400, 'id');
  refused(await county.get(`/api/v1/pairings/${liaison.id}/tasks`), 400, 'id');
  assert.deepEqual((await county.get(`/api/v1/pairings/${p.id}/tasks`)).body.items, []);

  const task = await county.post(`/api/v1/pairings/${p.id}/tasks`, { title: '帮助发展种养业，增加收入' });
  assert.equal(task.status, 201, task.text);
  assert.equal(task.body.status, 'open');
  assert.equal(task.body.pairing_id, p.id);
  assert.equal(task.body.household_id, p.household_id);
  assert.equal(task.body.closed_at, null);
  const listed = (await county.get(`/api/v1/pairings/${p.id}/tasks`)).body.items;
  assert.deepEqual(listed, [task.body]);

  // a run planned before the task must be planned again: the task locks the pair
  const refusedEnd = await county.post(`/api/v1/pairings/${p.id}/end`, { reason: '帮扶结束' });
  assert.equal(refusedEnd.status, 409, refusedEnd.text);
  assert.equal((await county.get(`/api/v1/pairings?household_id=${p.household_id}&layer=assistance`)).body.items[0].id, p.id);

  refused(await county.post(`/api/v1/tasks/${task.body.id}/close`, { status: 'closed' }), 400, 'body');
  const closed = await county.post(`/api/v1/tasks/${task.body.id}/close`);
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.body.status, 'closed');
  assert.ok(closed.body.closed_at);
  refused(await county.post(`/api/v1/tasks/${task.body.id}/close`), 409, 'id');

  const ended = await county.post(`/api/v1/pairings/${p.id}/end`, { reason: '帮扶任务完成' });
  assert.equal(ended.status, 200, ended.text);
  refused(await county.post(`/api/v1/pairings/${p.id}/tasks`, { title: '已结束的结对' }), 409, 'id');
  // the history stays readable
  assert.equal((await county.get(`/api/v1/pairings/${p.id}/tasks`)).body.items[0].status, 'closed');

  const audit = await auditAll();
  assert.ok(audit.some((a) => a.action === 'tasks.create' && a.object === `assistance_tasks/${task.body.id}` && a.detail.title === '帮助发展种养业，增加收入'));
  assert.ok(audit.some((a) => a.action === 'tasks.close' && a.object === `assistance_tasks/${task.body.id}`));
});

test('a task added after a run was planned makes that run stale', async () => {
  const p = (await county.get('/api/v1/pairings?layer=assistance&limit=500')).body.items.at(-1);
  const plan = await county.post('/api/v1/assignments', { layer: 'assistance', node_id: root, rebalance: true });
  assert.equal(plan.status, 201, plan.text);
  const t = await county.post(`/api/v1/pairings/${p.id}/tasks`, { title: '介绍就业' });
  assert.equal(t.status, 201, t.text);
  assert.equal((await county.post(`/api/v1/assignments/${plan.body.id}/apply`, {})).status, 409);
  assert.equal((await county.post(`/api/v1/tasks/${t.body.id}/close`)).status, 200);
});

test('assistance tasks refuse bad input, naming the field, and another township\'s pairings are out of reach', async () => {
  const assist = (await county.get('/api/v1/pairings?layer=assistance&limit=500')).body.items;
  const p = assist.find((x) => !x.ended_at);
  for (const [body, field] of [[{}, 'title'], [{ title: '' }, 'title'], [{ title: '  ' }, 'title'],
    [{ title: 5 }, 'title'], [{ title: null }, 'title'], [{ title: '长'.repeat(201) }, 'title'], [{ title: '好', zzz: 1 }, 'zzz']]) {
    refused(await county.post(`/api/v1/pairings/${p.id}/tasks`, body), 400, field, JSON.stringify(body).slice(0, 40));
  }
  assert.equal((await county.get(`/api/v1/pairings/${p.id}/tasks`)).body.items.filter((t) => t.status === 'open').length, 0);
  refused(await county.get(`/api/v1/pairings/${p.id}/tasks?zzz=1`), 400, 'zzz');
  refused(await county.post('/api/v1/pairings/999999999/tasks', { title: '不存在' }), 404, 'id');
  refused(await county.post('/api/v1/tasks/999999999/close'), 404, 'id');

  // a pairing of each township, with an open task on the other township's
  const households = async (t) => (await county.get(`/api/v1/households?under=${t.id}&limit=500`)).body.items.map((h) => h.id);
  const theirs = await households(otherTown); const mine = await households(myTown);
  const theirP = assist.find((x) => !x.ended_at && theirs.includes(x.household_id));
  const myP = assist.find((x) => !x.ended_at && mine.includes(x.household_id));
  assert.ok(theirP && myP, 'both townships have assistance pairings');
  const theirTask = await county.post(`/api/v1/pairings/${theirP.id}/tasks`, { title: '县里布置' });
  assert.equal(theirTask.status, 201);
  refused(await town.post(`/api/v1/pairings/${theirP.id}/tasks`, { title: '越权' }), 404, 'id');
  refused(await town.get(`/api/v1/pairings/${theirP.id}/tasks`), 404, 'id');
  refused(await town.post(`/api/v1/tasks/${theirTask.body.id}/close`), 404, 'id');
  assert.equal((await county.get(`/api/v1/pairings/${theirP.id}/tasks`)).body.items[0].status, 'open');
  // its own township's pairing it may
  const myTask = await town.post(`/api/v1/pairings/${myP.id}/tasks`, { title: '乡镇布置' });
  assert.equal(myTask.status, 201, myTask.text);
  assert.equal((await town.post(`/api/v1/tasks/${myTask.body.id}/close`)).status, 200);
  assert.equal((await county.post(`/api/v1/tasks/${theirTask.body.id}/close`)).status, 200);
  // a member reads pairings but may not add tasks
  assert.equal((await member.post(`/api/v1/pairings/${myP.id}/tasks`, { title: '无权' })).status, 403);
});

// ---- quota presets ----

test('the seeds\' assistance quota presets are set in one audited step by the county admin only', async () => {
  const quotas = async () => Object.fromEntries((await county.get('/api/v1/policies')).body.items
    .filter((p) => p.key.startsWith('assistance.quota.')).map((p) => [p.key.slice(17), p.value]));
  assert.deepEqual(await quotas(), { city_leader: 5, county_leader: 4, middle: 3, ordinary: 2, village_official: 1 });

  const s3 = await county.post('/api/v1/policies/presets/seed003');
  assert.equal(s3.status, 200, s3.text);
  assert.equal(s3.body.name, 'seed003');
  assert.deepEqual(await quotas(), { city_leader: 2, county_leader: 2, middle: 2, ordinary: 1, village_official: 1 });
  const s1 = await county.post('/api/v1/policies/presets/seed001', {});
  assert.equal(s1.status, 200, s1.text);
  assert.deepEqual(await quotas(), { city_leader: 5, county_leader: 4, middle: 3, ordinary: 2, village_official: 1 });

  // the security admin holds policy.write but not the work rules
  refused(await secadmin.post('/api/v1/policies/presets/seed003'), 403, 'name');
  assert.equal((await town.post('/api/v1/policies/presets/seed003')).status, 403);
  refused(await county.post('/api/v1/policies/presets/seed002'), 404, 'name');
  refused(await county.post('/api/v1/policies/presets/seed003', { value: 2 }), 400, 'body');
  assert.deepEqual(await quotas(), { city_leader: 5, county_leader: 4, middle: 3, ordinary: 2, village_official: 1 });

  const recs = (await auditAll()).filter((a) => a.action === 'policies.preset');
  assert.deepEqual(recs.map((a) => a.object), ['seed003', 'seed001'], 'one record per preset applied');
  assert.equal(recs[0].detail.after['assistance.quota.county_leader'], 2);
  assert.equal(recs[0].detail.before['assistance.quota.county_leader'], 4);
  // and no record per policy
  assert.ok(!(await auditAll()).some((a) => a.action === 'policies.set' && a.object?.startsWith('assistance.quota.')));
});

test('after all those changes the audit chain still verifies', async () => {
  const v = await auditor.get('/api/v1/audit/verify');
  assert.equal(v.status, 200);
  assert.equal(v.body.intact, true);
});
