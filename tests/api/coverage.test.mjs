// coverage.test.mjs -- the coverage report (SPEC C2): its figures agree with a count made here
// from the list APIs, before and after the liaison and assistance runs; children add up to
// their parent; drilling down works; a township admin sees only its own township; the XLSX
// export is a real workbook holding the same table, and it is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, listAll as all, unzip, sheetRows } from './lib.mjs';

const FIGURES = ['households', 'households_without_liaison', 'households_in_difficulty',
  'in_difficulty_without_assistance', 'hardest', 'hardest_without_leader', 'members',
  'members_without_households', 'members_over_liaison_quota', 'cadres_over_assistance_quota'];

let srv; let county; let town; let auditor; let root; let myTown; let otherTown;

before(async () => {
  srv = await startServer({ households: 1000 });
  county = await new Client(srv.base).loginReady('county');
  town = await new Client(srv.base).loginReady('township');
  auditor = await new Client(srv.base).loginReady('auditadmin');
  root = (await county.get('/api/v1/auth/me')).body.node_id;
  const townId = (await town.get('/api/v1/auth/me')).body.node_id;
  const towns = (await county.get('/api/v1/nodes?level=2&limit=50')).body.items;
  myTown = towns.find((t) => t.id === townId);
  otherTown = towns.find((t) => t.id !== townId);
  assert.ok(myTown && otherTown, 'the demo has two townships');
});
after(async () => { await srv.stop(); });

// ---- the independent count ----

// Every page of a list.

// Everything the count needs, read through the ordinary list APIs.
async function world() {
  const nodes = new Map((await all(county, '/api/v1/nodes?active=all')).map((n) => [n.id, n]));
  const policies = Object.fromEntries((await county.get('/api/v1/policies')).body.items.map((p) => [p.key, p.value]));
  const tagCodes = (await county.get('/api/v1/vocab')).body.tag.map((t) => t.code);
  const helpTags = new Set(tagCodes.filter((_, i) => (policies['assistance.tags'] >> i) & 1));
  const members = await all(county, '/api/v1/members');
  const rank = new Map(members.map((m) => [m.id, m.rank]));
  const liaison = await all(county, '/api/v1/pairings?layer=liaison');
  const assistance = await all(county, '/api/v1/pairings?layer=assistance');
  return {
    nodes, policies, helpTags, members, rank, liaison, assistance,
    households: await all(county, '/api/v1/households'),
  };
}

// Is node n the place N or under it?
function isUnder(w, n, N) {
  for (let x = w.nodes.get(n); x; x = w.nodes.get(x.parent_id)) if (x.id === N) return true;
  return false;
}

function expected(w, N) {
  const hh = w.households.filter((h) => isUnder(w, h.node_id, N));
  const hasLiaison = new Set(w.liaison.map((p) => p.household_id));
  const helpers = new Map();
  for (const p of w.assistance) helpers.set(p.household_id, [...(helpers.get(p.household_id) ?? []), p.member_id]);
  const leader = (m) => ['city_leader', 'county_leader'].includes(w.rank.get(m));
  const inDifficulty = (h) => h.difficulty !== 'none' || h.tags.some((t) => w.helpTags.has(t));
  const mm = w.members.filter((m) => isUnder(w, m.node_id, N));
  const count = (layer, m) => layer.filter((p) => p.member_id === m.id).length;
  const rankQuota = (m) => w.policies[`assistance.quota.${m.rank}`] ?? 0;
  const hard = hh.filter((h) => h.difficulty === 'hardest');
  return {
    households: hh.length,
    households_without_liaison: hh.filter((h) => !hasLiaison.has(h.id)).length,
    households_in_difficulty: hh.filter(inDifficulty).length,
    in_difficulty_without_assistance: hh.filter((h) => inDifficulty(h) && !helpers.has(h.id)).length,
    hardest: hard.length,
    hardest_without_leader: hard.filter((h) => !(helpers.get(h.id) ?? []).some(leader)).length,
    members: mm.length,
    members_without_households: mm.filter((m) => w.nodes.get(m.node_id).level >= 3 && count(w.liaison, m) === 0).length,
    members_over_liaison_quota: mm.filter((m) => count(w.liaison, m) > (m.liaison_quota ?? w.policies['liaison.quota'])).length,
    cadres_over_assistance_quota: mm.filter((m) => count(w.assistance, m) > (m.assist_quota ?? rankQuota(m))).length,
  };
}

const figures = (row) => Object.fromEntries(FIGURES.map((f) => [f, row[f]]));

async function coverage(client, nodeId) {
  const r = await client.get(`/api/v1/coverage${nodeId ? `?node_id=${nodeId}` : ''}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

// The report of the county, of each township and of one village agrees with the count.
async function checkAgainstCount(label) {
  const w = await world();
  const rep = await coverage(county, root);
  assert.deepEqual(figures(rep.node), expected(w, root), `${label}: the county`);
  assert.ok(rep.children.length >= 2);
  for (const c of rep.children) assert.deepEqual(figures(c), expected(w, c.id), `${label}: ${c.name}`);
  const townRep = await coverage(county, rep.children[0].id);
  const village = townRep.children[0];
  assert.deepEqual(figures(village), expected(w, village.id), `${label}: ${village.name}`);
  const villageRep = await coverage(county, village.id);
  for (const g of villageRep.children) assert.deepEqual(figures(g), expected(w, g.id), `${label}: ${g.name}`);
  return { w, rep, village };
}

// ---- the tests ----

test('before any run no household has a liaison member, and the report agrees with a count from the lists', async () => {
  const { rep } = await checkAgainstCount('before');
  assert.equal(rep.node.households, 1000);
  assert.equal(rep.node.households_without_liaison, 1000);
  assert.equal(rep.node.in_difficulty_without_assistance, rep.node.households_in_difficulty);
  assert.ok(rep.node.households_in_difficulty > 0 && rep.node.hardest > 0);
  assert.equal(rep.node.hardest_without_leader, rep.node.hardest);
  assert.ok(rep.node.members_without_households > 0);
  assert.equal(rep.node.id, root);
  assert.equal(rep.node.level, 1);
  assert.ok(rep.node.name);
});

async function assign(layer) {
  const plan = await county.post('/api/v1/assignments', { layer, node_id: root });
  assert.equal(plan.status, 201, plan.text);
  const applied = await county.post(`/api/v1/assignments/${plan.body.id}/apply`, {});
  assert.equal(applied.status, 200, applied.text);
}

test('after a liaison run the report follows the pairings, household by household', async () => {
  await assign('liaison');
  const { w, rep, village } = await checkAgainstCount('after liaison');
  assert.ok(rep.node.households_without_liaison < rep.node.households);
  // spot checks, one household at a time, through the pairing list of each household
  const hh = w.households.filter((h) => isUnder(w, h.node_id, village.id)).slice(0, 8);
  let without = 0;
  for (const h of hh) {
    const p = (await county.get(`/api/v1/pairings?household_id=${h.id}&layer=liaison`)).body.items;
    assert.ok(p.length <= 1);
    assert.equal(p.length === 1, w.liaison.some((x) => x.household_id === h.id));
    without += p.length === 0;
  }
  assert.ok(without <= village.households_without_liaison);
});

test('after an assistance run, the seed 003 quotas and a lower liaison quota, the over-quota figures count them', async () => {
  await assign('assistance');
  let w = await world();
  const quota0 = w.policies['liaison.quota'];
  // the county lowers the liaison quota below what the run gave the busiest members
  const most = Math.max(...w.members.map((m) => w.liaison.filter((p) => p.member_id === m.id).length));
  assert.ok(most >= 2, 'a member with two liaison households');
  const lowered = await county.put('/api/v1/policies/liaison.quota', { value: most - 1 });
  assert.equal(lowered.status, 200, lowered.text);
  const preset = await county.post('/api/v1/policies/presets/seed003');
  assert.equal(preset.status, 200, preset.text);
  const { rep } = await checkAgainstCount('after assistance');
  w = await world();
  assert.ok(rep.node.members_over_liaison_quota >= 1);
  assert.ok(rep.node.in_difficulty_without_assistance < rep.node.households_in_difficulty);
  assert.equal(rep.node.cadres_over_assistance_quota, expected(w, root).cadres_over_assistance_quota);
  assert.ok(rep.node.cadres_over_assistance_quota >= 1, 'seed 003 lowers the quotas below what cadres hold');
  // back to seed 001 and the old liaison quota: nobody is over the quotas the runs respected
  assert.equal((await county.post('/api/v1/policies/presets/seed001')).status, 200);
  assert.equal((await county.put('/api/v1/policies/liaison.quota', { value: quota0 })).status, 200);
  const back = (await coverage(county, root)).node;
  assert.equal(back.cadres_over_assistance_quota, 0);
  assert.equal(back.members_over_liaison_quota, 0);
  await checkAgainstCount('after seed001');
});

test('the children add up to their parent, and drilling into a child shows the same figures', async () => {
  const rep = await coverage(county);
  assert.equal(rep.node.id, root, 'without node_id the report starts at the caller\'s scope root');
  for (const level of [rep, await coverage(county, rep.children[0].id)]) {
    for (const f of FIGURES) {
      const sum = level.children.reduce((s, c) => s + c[f], 0);
      // cadres of units live at the county seat or a township: at the place itself
      if (f.startsWith('members') || f.startsWith('cadres')) assert.ok(sum <= level.node[f], `${f}: members may live at the place itself`);
      else assert.equal(sum, level.node[f], `${level.node.name}: the children's ${f}`);
    }
  }
  // drill down to a group, which has no children
  let row = rep.node;
  for (let depth = 0; depth < 3; depth++) {
    const here = await coverage(county, row.id);
    assert.deepEqual(figures(here.node), figures(row));
    assert.equal(here.node.name, row.name);
    assert.equal(here.node.level, row.level);
    if (depth < 3) {
      assert.ok(here.children.length > 0, `${here.node.name} has places under it`);
      for (const c of here.children) assert.equal(c.level, row.level + 1);
      row = here.children[0];
    }
  }
  const group = await coverage(county, row.id);
  assert.equal(group.node.level, 4);
  assert.deepEqual(group.children, []);
  assert.deepEqual(figures(group.node), figures(row));
});

test('a township admin sees its own township and not another one, nor the county', async () => {
  const mine = await coverage(town);
  assert.equal(mine.node.id, myTown.id);
  const fromCounty = (await coverage(county)).children.find((c) => c.id === myTown.id);
  assert.deepEqual(figures(mine.node), figures(fromCounty));
  for (const id of [otherTown.id, root]) {
    const r = await town.get(`/api/v1/coverage?node_id=${id}`);
    assert.equal(r.status, 404, r.text);
    assert.equal(r.body.error.field, 'node_id');
    const x = await town.get(`/api/v1/coverage/export.xlsx?node_id=${id}`);
    assert.equal(x.status, 404, x.text);
  }
  const theirVillage = (await county.get(`/api/v1/nodes?level=3&under=${otherTown.id}&limit=1`)).body.items[0];
  assert.equal((await town.get(`/api/v1/coverage?node_id=${theirVillage.id}`)).status, 404);
  // drilling inside its own township works
  const v = await coverage(town, mine.children[0].id);
  assert.equal(v.node.id, mine.children[0].id);
});

test('the report refuses bad parameters, naming them', async () => {
  for (const [q, field, status] of [['node_id=abc', 'node_id', 400], ['node_id=0', 'node_id', 400],
    ['node_id=-2', 'node_id', 400], ['node_id=', 'node_id', 400], ['zzz=1', 'zzz', 400], ['node_id=999999999', 'node_id', 404]]) {
    for (const path of ['/api/v1/coverage', '/api/v1/coverage/export.xlsx']) {
      const r = await county.get(`${path}?${q}`);
      assert.equal(r.status, status, `${path}?${q}: ${r.text}`);
      assert.equal(r.body.error.field, field, `${path}?${q}`);
    }
  }
  // the three administrators see no coverage
  const secadmin = await new Client(srv.base).loginReady('secadmin');
  assert.equal((await secadmin.get('/api/v1/coverage')).status, 403);
});

test('the XLSX export holds the same table with Chinese headers, and is audited', async () => {
  const town1 = (await coverage(county)).children[0];
  const rep = await coverage(county, town1.id);
  const x = await county.req('GET', `/api/v1/coverage/export.xlsx?node_id=${town1.id}`, undefined, { raw: true });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.match(x.headers.get('content-disposition') ?? '', /\.xlsx/);
  const buf = Buffer.from(await x.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  const rows = sheetRows(unzip(buf));
  assert.equal(rows.length, 1 + 1 + rep.children.length, 'a header, the place, a row per child');
  const head = rows[0];
  for (const label of ['编号', '名称', '户数', '无联系党员户数', '困难户无帮扶干部数', '难度最大户无领导包联数', '联户超额党员数', '帮扶超额干部数']) {
    assert.ok(head.includes(label), `header ${label}: ${head.join(',')}`);
  }
  const col = (label) => head.indexOf(label);
  const check = (cells, row) => {
    assert.equal(cells[col('编号')], String(row.id));
    assert.equal(cells[col('名称')], row.name);
    assert.equal(cells[col('户数')], String(row.households));
    assert.equal(cells[col('无联系党员户数')], String(row.households_without_liaison));
    assert.equal(cells[col('帮扶超额干部数')], String(row.cadres_over_assistance_quota));
  };
  check(rows[1], rep.node);
  rep.children.forEach((c, i) => check(rows[2 + i], c));

  // a township admin exports its own township
  const own = await town.req('GET', '/api/v1/coverage/export.xlsx', undefined, { raw: true });
  assert.equal(own.status, 200);
  assert.equal(Buffer.from(await own.arrayBuffer()).subarray(0, 2).toString(), 'PK');

  const items = [];
  for (let after = 0; ;) {
    const r = await auditor.get(`/api/v1/audit?limit=1000${after ? `&after=${after}` : ''}`);
    items.push(...r.body.items);
    if (!r.body.next) break;
    after = r.body.next;
  }
  const recs = items.filter((a) => a.action === 'coverage.export');
  assert.equal(recs.length, 2, 'each export is audited once, refusals not at all');
  assert.equal(recs[0].object, `nodes/${town1.id}`);
  assert.equal(recs[0].username, 'county');
  assert.equal(recs[0].detail.rows, 1 + rep.children.length);
  assert.equal(recs[1].object, `nodes/${myTown.id}`);
  assert.equal(recs[1].username, 'township');
});
