// badinput.test.mjs -- every route that takes a JSON body refuses bad bodies with a 4xx JSON
// error and changes nothing; unknown ids are 404; lists refuse parameters they do not know;
// each registry names the required field a new record lacks. Every route is aimed at a live
// target (a planned run, a pairing, a task, a unit-village pair, a contact point, a card
// link), so that the control at the end shows each valid body accepted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, lianxin, NEW_PASSWORD } from './lib.mjs';

const REGISTRIES = ['nodes', 'units', 'orgs', 'members', 'households', 'residents'];
// The text field that names a record of each registry.
const NAME_FIELD = { nodes: 'name', units: 'name', orgs: 'name', members: 'name', households: 'head_name', residents: 'name' };
const MISSING = 999999999;

let srv; let routes;
let county; let sysadmin; let secadmin; let auditadmin; let self; let anon;
let village; let group; let household;
const ids = {};          // segment -> a real id of that resource
const routeIds = {};     // route path -> the live id that route acts on, where the segment's is not it
const live = {};         // the other ids the valid bodies name
let snapshot = {};       // what the records, the account and the policies looked like before

before(async () => {
  srv = await startServer({ households: 100 });
  routes = JSON.parse(lianxin(srv.dir, 'routes'));
  county = await new Client(srv.base).loginReady('county');
  sysadmin = await new Client(srv.base).loginReady('sysadmin');
  secadmin = await new Client(srv.base).loginReady('secadmin');
  auditadmin = await new Client(srv.base).loginReady('auditadmin');
  // the self routes (logout, password) run on an account of their own
  self = await new Client(srv.base).loginReady('inspector');
  anon = new Client(srv.base);
  village = (await county.get('/api/v1/nodes?level=3&limit=1')).body.items[0];
  group = (await county.get(`/api/v1/nodes?parent_id=${village.id}&limit=1`)).body.items[0];
  assert.ok(village && group, 'the demo has a village with a group');
  ids.nodes = group.id;
  for (const seg of REGISTRIES.slice(1)) {
    const r = await county.get(`/api/v1/${seg}?limit=1`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length, `the demo has ${seg}`);
    ids[seg] = r.body.items[0].id;
  }
  household = (await county.get(`/api/v1/households/${ids.households}`)).body;
  const u = await sysadmin.post('/api/v1/users', { username: 'badinput.target', role: 'inspector', node_id: group.id });
  assert.equal(u.status, 201, u.text);
  ids.users = u.body.id;
  await liveTargets();
  snapshot = await takeSnapshot();
});
after(async () => { await srv.stop(); });

// ---- live targets for the pairing routes ----

// Make something for each pairing route to act on, through the API. The run is planned
// last: every change of pairings before it would make it stale.
async function liveTargets() {
  const ok = (r, label) => { assert.ok(r.status === 200 || r.status === 201, `${label}: ${r.status} ${r.text}`); return r.body; };
  const hh = (await county.get(`/api/v1/households?under=${village.id}&limit=500`)).body.items
    .map((h) => h.id).filter((id) => id !== ids.households);
  assert.ok(hh.length >= 4, 'the village has households to pair');
  const [endHousehold, freeHousehold, assistHousehold, cardHousehold] = hh;
  const inVillage = (await county.get(`/api/v1/members?under=${village.id}&limit=500`)).body.items;
  assert.ok(inVillage.length, 'the village has members');
  live.liaisonMember = inVillage[0].id;
  live.freeHousehold = freeHousehold;
  // a liaison pairing to end
  routeIds['/api/v1/pairings/{id}/end'] = ok(await county.post('/api/v1/pairings',
    { layer: 'liaison', household_id: endHousehold, member_id: live.liaisonMember, reason: '坏输入测试准备' }), 'liaison pairing').id;
  // an assistance pairing by a cadre of the unit paired with the village, with an open task
  const uv = (await county.get(`/api/v1/unit-villages?node_id=${village.id}`)).body.items;
  assert.ok(uv.length, 'the demo pairs a unit with the village');
  const cadres = (await county.get(`/api/v1/members?unit_id=${uv[0].unit_id}&limit=500`)).body.items;
  const cadre = cadres.find((m) => ['city_leader', 'county_leader', 'middle', 'ordinary', 'village_official'].includes(m.rank));
  assert.ok(cadre, 'the unit has a cadre');
  const assistId = ok(await county.post('/api/v1/pairings',
    { layer: 'assistance', household_id: assistHousehold, member_id: cadre.id, reason: '坏输入测试准备' }), 'assistance pairing').id;
  routeIds['/api/v1/pairings/{id}/tasks'] = assistId;
  routeIds['/api/v1/tasks/{id}/close'] = ok(await county.post(`/api/v1/pairings/${assistId}/tasks`, { title: '坏输入测试准备' }), 'task').id;
  // two units not yet paired with the village: one pair to end, one to make
  const paired = uv.map((p) => p.unit_id);
  const free = (await county.get('/api/v1/units?limit=500')).body.items.filter((x) => !paired.includes(x.id));
  assert.ok(free.length >= 2, 'two units are free');
  routeIds['/api/v1/unit-villages/{id}/end'] = ok(await county.post('/api/v1/unit-villages',
    { unit_id: free[0].id, node_id: village.id, reason: '坏输入测试准备' }), 'unit-village pair').id;
  live.freeUnit = free[1].id;
  // a county leader's contact point to end, and a kind left for the valid body
  live.leader = (await county.get('/api/v1/members?rank=county_leader&limit=1')).body.items[0].id;
  live.branch = (await county.get(`/api/v1/orgs?kind=branch&under=${village.id}&limit=1`)).body.items[0].id;
  routeIds['/api/v1/contact-points/{id}/end'] = ok(await county.post('/api/v1/contact-points',
    { member_id: live.leader, org_id: live.branch, kind: 'non_public', reason: '坏输入测试准备' }), 'contact point').id;
  // a household whose card has been printed, so that it has a link to revoke
  ok(await county.req('GET', `/api/v1/cards?household_id=${cardHousehold}`, undefined, { raw: true }), 'card');
  routeIds['/api/v1/households/{id}/card-link/revoke'] = cardHousehold;
  // contacts to change and to deactivate
  live.contact = { kind: 'visit', happened_at: new Date().toISOString(), household_ids: [freeHousehold], member_id: live.liaisonMember };
  routeIds['/api/v1/contacts/{id}'] = ok(await county.post('/api/v1/contacts', { ...live.contact, notes: '坏输入测试准备' }), 'contact').id;
  routeIds['/api/v1/contacts/{id}/deactivate'] = ok(await county.post('/api/v1/contacts', live.contact), 'contact').id;
  // cases, each in the state its action needs (SPEC C5)
  const caseIn = async (steps, body = {}) => {
    const c = ok(await county.post('/api/v1/cases', { channel: 'reception', category: 'roads', text: '坏输入测试准备', node_id: village.id, ...body }), 'case');
    const all = { assign: { member_id: live.liaisonMember }, start: {}, wait: { text: '请补充' }, resolve: { text: '已办结' }, rate: { rating: 'satisfied' } };
    for (const s of steps) ok(await county.post(`/api/v1/cases/${c.id}/${s}`, all[s]), `case ${s}`);
    return c.id;
  };
  for (const [action, steps] of [['assign', []], ['start', ['assign']], ['reply', []], ['wait', ['assign', 'start']],
    ['resume', ['assign', 'start', 'wait']], ['escalate', []], ['resolve', ['assign', 'start']],
    ['rate', ['assign', 'start', 'resolve']], ['follow-up', ['assign', 'start', 'resolve']],
    ['close', ['assign', 'start', 'resolve', 'rate']], ['publish', ['assign', 'start', 'resolve']]]) {
    routeIds[`/api/v1/cases/{id}/${action}`] = await caseIn(steps);
  }
  routeIds['/api/v1/cases/{id}/phone'] = await caseIn([], { phone: '13900001111' });
  // an escalation into the county's queue notifies the county's accounts: a notification to read
  const townCase = ok(await county.post('/api/v1/cases', { channel: 'phone', category: 'roads', text: '坏输入测试准备', node_id: village.parent_id }), 'township case');
  ok(await county.post(`/api/v1/cases/${townCase.id}/escalate`, { text: '坏输入测试准备' }), 'escalation');
  routeIds['/api/v1/notifications/{id}/read'] = (await county.get('/api/v1/notifications')).body.items[0].id;
  routeIds['/api/v1/board/{id}/withdraw'] = ok(await county.post(`/api/v1/cases/${await caseIn(['assign', 'start', 'resolve'])}/publish`,
    { text: '坏输入测试准备', resolution: '已办结' }), 'board item').id;
  routeIds['/api/v1/reply-templates/{id}/deactivate'] = ok(await county.post('/api/v1/reply-templates',
    { category: 'roads', text: '坏输入测试准备' }), 'template').id;
  routeIds['/api/v1/contacts/{id}/cases'] = ok(await county.post('/api/v1/contacts',
    { ...live.contact, requests: [{ text: '坏输入测试准备', category: 'roads', household_id: freeHousehold }] }), 'contact with a request').id;
  // and a planned run, last
  routeIds['/api/v1/assignments/{id}/apply'] = ok(await county.post('/api/v1/assignments',
    { layer: 'assistance', node_id: village.id }), 'planned run').id;
}

// ---- helpers ----

async function takeSnapshot() {
  const s = { records: {}, user: null, policies: null };
  for (const seg of REGISTRIES) {
    const r = await county.get(`/api/v1/${seg}/${ids[seg]}`);
    assert.equal(r.status, 200, r.text);
    s.records[seg] = r.body;
  }
  s.users = (await sysadmin.get('/api/v1/users')).body.items;
  s.user = s.users.find((x) => x.id === ids.users);
  s.policies = (await county.get('/api/v1/policies')).body.items.map((p) => [p.key, p.value]);
  s.pairings = (await county.get('/api/v1/pairings?active=all&limit=500')).body.items;
  s.unitVillages = (await county.get('/api/v1/unit-villages?active=all&limit=500')).body.items;
  s.contactPoints = (await county.get('/api/v1/contact-points?active=all&limit=500')).body.items;
  s.tasks = (await county.get(`/api/v1/pairings/${routeIds['/api/v1/pairings/{id}/tasks']}/tasks`)).body.items;
  s.contacts = (await county.get('/api/v1/contacts?active=all&limit=500')).body.items;
  s.visitForm = (await county.get('/api/v1/visit-form')).body;
  s.run = (await county.get(`/api/v1/assignments/${routeIds['/api/v1/assignments/{id}/apply']}`)).body;
  s.cases = (await county.get('/api/v1/cases?limit=200')).body.items;
  s.board = (await county.get('/api/v1/board')).body.items;
  s.templates = (await county.get('/api/v1/reply-templates')).body.items;
  s.calendar = (await county.get('/api/v1/calendar/2031')).body;
  return s;
}

// Routes that take a JSON body: every POST, PATCH and PUT except the ledger upload.
// A {key} route is walked once per policy owner.
function jsonRoutes() {
  const out = [];
  for (const r of routes) {
    if (!['POST', 'PATCH', 'PUT'].includes(r.method)) continue;
    if (r.path === '/api/v1/import/{kind}' || r.path === '/api/v1/cases/{id}/photos') continue; // files
    if (r.path.startsWith('/r/')) continue; // the resident's forms (tests/api/cases.test.mjs)
    if (r.path.includes('{key}')) {
      for (const key of ['liaison.quota', 'password.min_length']) out.push({ ...r, key });
    } else {
      out.push(r);
    }
  }
  assert.ok(out.length >= 30, `only ${out.length} JSON routes`);
  return out;
}

const segmentOf = (r) => r.path.split('/')[3];   // /api/v1/<segment>/...

function pathOf(r, id) {
  const seg = segmentOf(r);
  return r.path.replace('{id}', String(id ?? routeIds[r.path] ?? ids[seg])).replace('{key}', r.key ?? '')
    .replace('{name}', 'seed001').replace('{year}', '2031').replace('{hash}', 'a'.repeat(64));
}

function clientFor(r) {
  if (r.path.startsWith('/api/v1/notifications/')) return county; // the county's own notification
  if (r.perm === 'public') return anon;
  if (r.perm === 'self') return self;
  if (r.perm === 'users.admin') return sysadmin;
  if (r.perm === 'security') return secadmin;
  if (r.perm === 'policy.write') return r.key === 'password.min_length' ? secadmin : county;
  return county;
}

// A new record of each registry, complete.
function newRecord(seg, name) {
  switch (seg) {
    case 'nodes': return { parent_id: village.id, kind: 'group', name };
    case 'units': return { node_id: group.id, name, kind: 'school' };
    case 'orgs': return { node_id: group.id, kind: 'branch', name };
    case 'members': return { node_id: group.id, name, gender: 'F', rank: 'ordinary', category: 'retired', skills: ['law', 'education'] };
    case 'households': return { node_id: group.id, head_name: name, tags: ['low_income'], difficulty: 'harder' };
    case 'residents': return { household_id: household.id, name, gender: 'M', relation: 'child', birth_date: '1990-05-06' };
    default: throw new Error(seg);
  }
}

// A body the route would accept (so that a single fault added to it is the only fault).
function validBody(r) {
  const seg = segmentOf(r);
  if (r.path === '/api/v1/auth/login') return { username: 'county', password: NEW_PASSWORD };
  if (r.path === '/api/v1/auth/logout') return {};
  if (r.path === '/api/v1/auth/password') return { old_password: NEW_PASSWORD, new_password: 'Another-2026#ok' };
  if (r.path === '/api/v1/users') return { username: 'badinput.new', role: 'inspector', node_id: group.id };
  if (r.path.startsWith('/api/v1/users/')) return {};
  // pairing: each body names the live targets made before the sweeps
  if (r.path === '/api/v1/assignments') return { layer: 'assistance', node_id: village.id };
  if (r.path === '/api/v1/pairings') return { layer: 'liaison', household_id: live.freeHousehold, member_id: live.liaisonMember, reason: '坏输入测试' };
  if (r.path === '/api/v1/pairings/{id}/tasks') return { title: '坏输入测试任务' };
  if (r.path === '/api/v1/unit-villages') return { unit_id: live.freeUnit, node_id: village.id, reason: '坏输入测试' };
  if (r.path === '/api/v1/contact-points') return { member_id: live.leader, org_id: live.branch, kind: 'weak_branch', reason: '坏输入测试' };
  if (r.path.endsWith('/end') || r.path.endsWith('/card-link/revoke')) return { reason: '坏输入测试' };
  // actions that take no body
  if (r.path.endsWith('/apply') || r.path.endsWith('/close') || r.path.startsWith('/api/v1/policies/presets/')) return {};
  if (r.path.startsWith('/api/v1/policies/')) return { value: r.key === 'liaison.quota' ? 20 : 10 };
  if (r.path === '/api/v1/contacts') return { ...live.contact, notes: '坏输入测试' };
  if (r.path === '/api/v1/contacts/{id}') return { notes: '坏输入测试' };
  // cases (SPEC C5)
  if (r.path === '/api/v1/cases') return { channel: 'phone', category: 'roads', text: '坏输入测试', node_id: village.id };
  const act = { assign: { member_id: live.liaisonMember }, start: {}, reply: { text: '坏输入测试' }, wait: { text: '坏输入测试' },
    resume: {}, escalate: { text: '坏输入测试' }, resolve: { text: '坏输入测试' }, rate: { rating: 'basic' },
    'follow-up': { result: 'fixed' }, phone: { reason: '坏输入测试' }, publish: { text: '坏输入测试', resolution: '坏输入测试' } };
  const m = /^\/api\/v1\/cases\/\{id\}\/([a-z-]+)$/.exec(r.path);
  if (m && act[m[1]]) return act[m[1]];
  if (r.path === '/api/v1/contacts/{id}/cases' || r.path === '/api/v1/reply-templates/{id}/deactivate') return {};
  if (r.path === '/api/v1/notifications/{id}/read') return {};
  if (r.path === '/api/v1/cases/{id}/photos') return {}; // (only the 404 sweeps: the case is looked up first)
  if (r.path === '/api/v1/board/{id}/withdraw') return { reason: '坏输入测试' };
  if (r.path === '/api/v1/reply-templates') return { category: 'roads', text: '坏输入测试' };
  if (r.path === '/api/v1/calendar/{year}') return { off: ['2031-10-01'], work: ['2031-10-11'] };
  if (r.path === '/api/v1/visit-form') return { questions: [{ key: 'ok', label: '坏输入测试', type: 'yes_no' }] };
  if (r.path.endsWith('/deactivate') || r.path.endsWith('/activate') || r.path.endsWith('/unmask')) return { reason: '坏输入测试' };
  if (REGISTRIES.includes(seg) && r.method === 'POST') return newRecord(seg, '坏输入新建');
  if (REGISTRIES.includes(seg) && r.method === 'PATCH') return { [NAME_FIELD[seg]]: '坏输入改名' };
  throw new Error(`no valid body known for ${r.method} ${r.path}`);
}

// The same body with its main value of the wrong JSON type.
function wrongTyped(r) {
  const seg = segmentOf(r);
  const b = validBody(r);
  if (r.path === '/api/v1/auth/login') return { ...b, username: 5 };
  if (r.path === '/api/v1/auth/password') return { ...b, old_password: 5 };
  if (r.path === '/api/v1/users') return { ...b, username: 5 };
  if (r.path.startsWith('/api/v1/policies/') && 'value' in b) return { value: String(b.value) };
  if (r.path === '/api/v1/assignments') return { ...b, node_id: String(b.node_id) };
  if (r.path === '/api/v1/pairings') return { ...b, household_id: String(b.household_id) };
  if (r.path === '/api/v1/pairings/{id}/tasks') return { title: 5 };
  if (r.path === '/api/v1/unit-villages') return { ...b, unit_id: String(b.unit_id) };
  if (r.path === '/api/v1/contact-points') return { ...b, org_id: String(b.org_id) };
  if (r.path === '/api/v1/contacts') return { ...b, kind: 5 };
  if (r.path === '/api/v1/contacts/{id}') return { notes: 5 };
  if (r.path === '/api/v1/visit-form') return { questions: 'ok' };
  if ('reason' in b) return { reason: 5 };
  if (REGISTRIES.includes(seg)) return { ...b, [NAME_FIELD[seg]]: 5 };
  return { name: 5 }; // routes that take no fields at all
}

// The valid body as bytes with 0xFF 0xFE inside a string (or a key, if it has no string).
function invalidUtf8(r) {
  const b = validBody(r);
  const key = Object.keys(b).find((k) => typeof b[k] === 'string');
  const MARK = 'MARK-7f3a';
  const text = key ? JSON.stringify({ ...b, [key]: MARK }) : JSON.stringify({ ...b, [MARK]: 1 });
  const [left, right] = text.split(MARK);
  return Buffer.concat([Buffer.from(left + '坏'), Buffer.from([0xff, 0xfe]), Buffer.from(right)]);
}

const JSON_CT = { 'Content-Type': 'application/json' };

// The cases, each with the status it must get.
const CASES = {
  malformed: { status: 400, send: () => ['{"reason": "坏输入", "value": ', JSON_CT] },
  array: { status: 400, send: (r) => [JSON.stringify([validBody(r)]), JSON_CT] },
  unknown: { status: 400, send: (r) => [JSON.stringify({ ...validBody(r), zzz: 1 }), JSON_CT] },
  wrongType: { status: 400, send: (r) => [JSON.stringify(wrongTyped(r)), JSON_CT] },
  textPlain: { status: 415, send: (r) => [JSON.stringify(validBody(r)), { 'Content-Type': 'text/plain' }] },
  oversize: {
    status: 413,
    send: (r) => {
      const b = validBody(r);
      const key = Object.keys(b).find((k) => typeof b[k] === 'string') ?? 'pad';
      return [JSON.stringify({ ...b, [key]: 'x'.repeat((1 << 20) + 16) }), JSON_CT];
    },
  },
  invalidUtf8: { status: 400, send: (r) => [invalidUtf8(r), JSON_CT] },
};

// What is wrong with an error answer, or null.
function errorProblem(label, res, want) {
  if (res.status !== want) return `${label}: got ${res.status}, want ${want}: ${res.text.slice(0, 160)}`;
  const e = res.body && res.body.error;
  if (!e || typeof e !== 'object') return `${label}: not a JSON error: ${res.text.slice(0, 160)}`;
  if (typeof e.code !== 'string' || !e.code) return `${label}: error without a code: ${res.text.slice(0, 160)}`;
  if (typeof e.message !== 'string' || !e.message) return `${label}: error without a message: ${res.text.slice(0, 160)}`;
  if (typeof e.field !== 'string') return `${label}: error without a field: ${res.text.slice(0, 160)}`;
  if (!/^application\/json/.test(res.headers.get('content-type') || '')) return `${label}: content type ${res.headers.get('content-type')}`;
  return null;
}

// The self client must still be logged in after a refused request; if a bad
// request ended its session, log in again and say so.
async function selfStillLoggedIn(label) {
  const me = await self.get('/api/v1/auth/me');
  if (me.status === 200) return null;
  const again = await self.login('inspector', NEW_PASSWORD);
  assert.equal(again.status, 200, `re-login: ${again.text}`);
  return `${label}: the refused request ended the session`;
}

async function sweep(caseName) {
  const c = CASES[caseName];
  const problems = [];
  let n = 0;
  for (const r of jsonRoutes()) {
    const label = `${caseName} ${r.method} ${pathOf(r)}`;
    const [body, headers] = c.send(r);
    const res = await clientFor(r).req(r.method, pathOf(r), body, { headers });
    n++;
    const p = errorProblem(label, res, c.status);
    if (p) problems.push(p);
    const seg = segmentOf(r);
    if (caseName === 'unknown' && !p && REGISTRIES.includes(seg) && !r.path.includes('/{id}/') &&
        res.body.error.field !== 'zzz') {
      problems.push(`${label}: the error names "${res.body.error.field}", not zzz`);
    }
    if (r.perm === 'self') {
      const s = await selfStillLoggedIn(label);
      if (s) problems.push(s);
    }
  }
  assert.ok(n >= 30);
  assert.deepEqual(problems, [], problems.join('\n'));
}

// ---- bad bodies on every JSON route ----

test('malformed JSON is refused with a 400 JSON error on every route that takes JSON', async () => {
  await sweep('malformed');
});

test('a JSON array instead of an object is refused with 400 on every route', async () => {
  await sweep('array');
});

test('an unknown field zzz beside otherwise valid fields is refused with 400 on every route', async () => {
  await sweep('unknown');
});

test('a value of the wrong JSON type is refused with 400 on every route', async () => {
  await sweep('wrongType');
});

test('a JSON body sent as text/plain is refused with 415 on every route', async () => {
  await sweep('textPlain');
});

test('a body over 1 MiB is refused with 413 on every route', async () => {
  await sweep('oversize');
});

test('invalid UTF-8 bytes in a body are refused with 400 on every route', async () => {
  await sweep('invalidUtf8');
});

test('after all that bad input no record, account or policy has changed', async () => {
  const now = await takeSnapshot();
  for (const seg of REGISTRIES) assert.deepEqual(now.records[seg], snapshot.records[seg], `${seg}/${ids[seg]} changed`);
  assert.deepEqual(now.user, snapshot.user, 'the target account changed');
  assert.deepEqual(now.users.map((u) => u.username).sort(), snapshot.users.map((u) => u.username).sort(), 'an account was created');
  assert.deepEqual(now.policies, snapshot.policies, 'a policy changed');
  assert.deepEqual(now.pairings, snapshot.pairings, 'a pairing was made or ended');
  assert.deepEqual(now.unitVillages, snapshot.unitVillages, 'a unit-village pair was made or ended');
  assert.deepEqual(now.contactPoints, snapshot.contactPoints, 'a contact point was made or ended');
  assert.deepEqual(now.tasks, snapshot.tasks, 'a task was added or closed');
  assert.deepEqual(now.run, snapshot.run, 'the planned run was applied');
  assert.deepEqual(now.contacts, snapshot.contacts, 'a contact was recorded, changed or deactivated');
  assert.deepEqual(now.visitForm, snapshot.visitForm, 'the visit form changed');
  assert.deepEqual(now.cases, snapshot.cases, 'a case was opened or changed');
  assert.deepEqual(now.board, snapshot.board, 'the public board changed');
  assert.deepEqual(now.templates, snapshot.templates, 'a reply template was added or retired');
  assert.deepEqual(now.calendar, snapshot.calendar, 'the calendar changed');
  // nothing named by the bad bodies was created
  for (const seg of REGISTRIES) {
    const found = (await county.get(`/api/v1/${seg}?q=${encodeURIComponent('坏输入')}&active=all`)).body.items;
    assert.deepEqual(found.filter((x) => String(x[NAME_FIELD[seg]]).startsWith('坏输入')), [], `a ${seg} record was created`);
  }
  // and the self account still has its password
  const fresh = await new Client(srv.base).login('inspector', NEW_PASSWORD);
  assert.equal(fresh.status, 200, 'the inspector\'s password changed');
});

// ---- ids ----

// (the public board's pages answer in HTML: tests/api/cases.test.mjs)
const idRoutes = () => routes.filter((r) => r.path.includes('{id}') && !r.path.startsWith('/p/'));

test('ids that do not exist give 404 on every route that takes one', async () => {
  const problems = [];
  assert.ok(idRoutes().length >= 30);
  for (const r of idRoutes()) {
    const path = pathOf(r, MISSING);
    const res = r.method === 'GET'
      ? await clientFor(r).get(path)
      : await clientFor(r).req(r.method, path, validBody(r));
    const p = errorProblem(`${r.method} ${path}`, res, 404);
    if (p) problems.push(p);
    else if (res.body.error.code !== 'not_found') problems.push(`${r.method} ${path}: code ${res.body.error.code}`);
  }
  // a policy that does not exist
  const pol = await county.put('/api/v1/policies/no.such.policy', { value: 1 });
  const p = errorProblem('PUT /api/v1/policies/no.such.policy', pol, 404);
  if (p) problems.push(p);
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('an id segment that is not a positive number gives 404', async () => {
  const problems = [];
  const bad = ['abc', '12abc', '-1', '1.5', '0x1F', '0', '99999999999999999999', '%E5%9D%8F'];
  for (const r of idRoutes()) {
    for (const id of bad) {
      const path = pathOf(r, id);
      const res = r.method === 'GET'
        ? await clientFor(r).get(path)
        : await clientFor(r).req(r.method, path, validBody(r));
      const p = errorProblem(`${r.method} ${path}`, res, 404);
      if (p) problems.push(p);
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'));
  // and nothing was deactivated or changed on the way
  for (const seg of REGISTRIES) {
    const r = await county.get(`/api/v1/${seg}/${ids[seg]}`);
    assert.deepEqual(r.body, snapshot.records[seg]);
  }
});

// ---- list parameters ----

test('an unknown query parameter on a registry list or export gives 400 naming it', async () => {
  const problems = [];
  const check = async (path, name) => {
    const r = await county.get(path);
    const p = errorProblem(`GET ${path}`, r, 400);
    if (p) problems.push(p);
    else if (r.body.error.field !== name) problems.push(`GET ${path}: names "${r.body.error.field}", not ${name}`);
  };
  for (const seg of REGISTRIES) {
    await check(`/api/v1/${seg}?zzz=1`, 'zzz');
    await check(`/api/v1/${seg}?limit=5&zzz=1`, 'zzz');
    await check(`/api/v1/${seg}/export.xlsx?zzz=1`, 'zzz');
  }
  // fields that are not filters are unknown parameters too: no search by a personal value in clear
  await check('/api/v1/households?head_name=x', 'head_name');
  await check('/api/v1/households?address=x', 'address');
  await check('/api/v1/residents?idno=110105194912310021', 'idno');
  await check('/api/v1/members?phone=13800138000', 'phone');
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('a list limit of 0, 10000, negative or not a number gives 400; 500 is fine', async () => {
  const problems = [];
  for (const seg of REGISTRIES) {
    for (const limit of ['0', '10000', '-5', 'ten', '']) {
      const path = `/api/v1/${seg}?limit=${limit}`;
      const r = await county.get(path);
      const p = errorProblem(`GET ${path}`, r, 400);
      if (p) problems.push(p);
      else if (r.body.error.field !== 'limit') problems.push(`GET ${path}: names "${r.body.error.field}"`);
    }
    const ok = await county.get(`/api/v1/${seg}?limit=500`);
    if (ok.status !== 200) problems.push(`GET /api/v1/${seg}?limit=500: ${ok.status}`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('lists outside the registries (accounts, audit, policies) refuse unknown parameters too', async () => {
  const problems = [];
  for (const [c, path] of [[sysadmin, '/api/v1/users?zzz=1'], [auditadmin, '/api/v1/audit?zzz=1'],
    [county, '/api/v1/policies?zzz=1']]) {
    const r = await c.get(path);
    const p = errorProblem(`GET ${path}`, r, 400);
    if (p) problems.push(p);
    else if (r.body.error.field !== 'zzz') problems.push(`GET ${path}: names "${r.body.error.field}"`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});

// ---- each registry: a valid record, and each required field missing ----

const REQUIRED = {
  nodes: ['parent_id', 'kind', 'name'],
  units: ['node_id', 'name', 'kind'],
  orgs: ['node_id', 'kind', 'name'],
  members: ['node_id', 'name', 'gender', 'rank', 'category'],
  households: ['node_id', 'head_name'],
  residents: ['household_id', 'name', 'gender', 'relation'],
};

for (const seg of REGISTRIES) {
  test(`a new ${seg} record is created when complete, and refused naming each missing required field`, async () => {
    const nameField = NAME_FIELD[seg];
    const body = newRecord(seg, `缺项测试${seg}`);
    const made = await county.post(`/api/v1/${seg}`, body);
    assert.equal(made.status, 201, made.text);
    for (const [k, v] of Object.entries(body)) assert.deepEqual(made.body[k], v, `${seg}.${k}`);
    const got = await county.get(`/api/v1/${seg}/${made.body.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, made.body);

    for (const field of REQUIRED[seg]) {
      const partial = { ...newRecord(seg, `缺项缺${field}`) };
      delete partial[field];
      const r = await county.post(`/api/v1/${seg}`, partial);
      assert.equal(errorProblem(`${seg} without ${field}`, r, 400), null);
      assert.equal(r.body.error.field, field, `${seg} without ${field}: ${r.text}`);
      // sent as null it is missing too
      const asNull = { ...newRecord(seg, `缺项空${field}`), [field]: null };
      const n = await county.post(`/api/v1/${seg}`, asNull);
      assert.equal(errorProblem(`${seg} with ${field} null`, n, 400), null);
      assert.equal(n.body.error.field, field, `${seg} with ${field} null: ${n.text}`);
    }
    // none of the refused bodies left a record behind
    const found = (await county.get(`/api/v1/${seg}?q=${encodeURIComponent('缺项')}&active=all&limit=500`)).body.items;
    const names = found.map((x) => x[nameField]).filter((x) => String(x).startsWith('缺项'));
    assert.deepEqual(names, [`缺项测试${seg}`]);
  });
}

test('a record created with only its required fields reads back exactly as the 201 answer showed it', async () => {
  const problems = [];
  for (const seg of REGISTRIES) {
    const full = newRecord(seg, `最少字段${seg}`);
    const body = Object.fromEntries(Object.entries(full).filter(([k]) => REQUIRED[seg].includes(k)));
    const made = await county.post(`/api/v1/${seg}`, body);
    assert.equal(made.status, 201, made.text);
    const got = await county.get(`/api/v1/${seg}/${made.body.id}`);
    assert.equal(got.status, 200);
    for (const k of Object.keys(got.body)) {
      if (JSON.stringify(got.body[k]) !== JSON.stringify(made.body[k])) {
        problems.push(`${seg}.${k}: the 201 answer said ${JSON.stringify(made.body[k])}, GET says ${JSON.stringify(got.body[k])}`);
      }
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});

// ---- the control: each body above was refused for its one fault ----

test('the valid bodies the sweeps started from are accepted, so each refusal was for its one fault', async () => {
  // fresh targets, so that accepting them harms nothing above
  for (const seg of REGISTRIES) {
    const r = await county.post(`/api/v1/${seg}`, newRecord(seg, `对照${seg}`));
    assert.equal(r.status, 201, r.text);
    ids[seg] = r.body.id;
  }
  const u = await sysadmin.post('/api/v1/users', { username: 'badinput.control', role: 'inspector', node_id: group.id });
  assert.equal(u.status, 201, u.text);
  ids.users = u.body.id;
  const problems = [];
  const order = (r) => (r.path.endsWith('/activate') ? 1 : 0); // reactivate after deactivating
  const rest = jsonRoutes().filter((r) => r.perm !== 'self').sort((a, b) => order(a) - order(b));
  for (const r of rest) {
    const res = await clientFor(r).req(r.method, pathOf(r), validBody(r));
    // a POST that makes a record answers 201: a collection, or a pairing's tasks
    const want = r.method === 'POST' && (!r.path.includes('{') || r.path.endsWith('/{id}/tasks') ||
      r.path.endsWith('/publish') || r.path.endsWith('/{id}/cases')) ? 201 : 200;
    const isLogin = r.path === '/api/v1/auth/login';
    if (res.status !== (isLogin ? 200 : want)) problems.push(`${r.method} ${pathOf(r)}: ${res.status} ${res.text.slice(0, 160)}`);
  }
  // the self routes last: change the password, then log out
  const pw = jsonRoutes().find((r) => r.path === '/api/v1/auth/password');
  const res = await self.req('POST', pw.path, validBody(pw));
  if (res.status !== 200) problems.push(`POST ${pw.path}: ${res.status} ${res.text}`);
  else self.csrf = res.body.csrf_token;
  const out = await self.post('/api/v1/auth/logout', {});
  if (out.status !== 200) problems.push(`POST /api/v1/auth/logout: ${out.status} ${out.text}`);
  assert.deepEqual(problems, [], problems.join('\n'));
});
