// contacts.test.mjs -- recording contacts (visits, calls, talks, meetings), the county's
// versioned visit form, the edit rule, and the scope of every contact route.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, listAll as all } from './lib.mjs';

let srv; let county; let town; let village; let member; let inspector; let auditor;
let me; let townMe; let mine; let notMine; let otherTownHousehold; let otherTownGroup; let myGroup;

function sql(q) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' }).trim();
}
const DAY = 86400 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

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

before(async () => {
  srv = await startServer({ households: 300 });
  county = await new Client(srv.base).loginReady('county');
  town = await new Client(srv.base).loginReady('township');
  village = await new Client(srv.base).loginReady('village');
  member = await new Client(srv.base).loginReady('member');
  inspector = await new Client(srv.base).loginReady('inspector');
  auditor = await new Client(srv.base).loginReady('auditadmin');
  me = (await member.get('/api/v1/auth/me')).body;
  townMe = (await town.get('/api/v1/auth/me')).body;
  assert.ok(me.member_id > 0, 'the demo member account is linked to a member');
  // The member's households: two of their village, paired a year ago (so that
  // contacts of the past months find the pairing); a third of the village is not theirs.
  const villageHouseholds = (await county.get(`/api/v1/households?under=${me.node_id}&limit=10`)).body.items;
  assert.ok(villageHouseholds.length >= 3);
  mine = villageHouseholds.slice(0, 2).map((h) => h.id);
  notMine = villageHouseholds[2].id;
  for (const h of mine) {
    sql(`INSERT INTO pairings (county_id, layer, member_id, household_id, started_at, source)
         VALUES (${me.county_id}, 'liaison', ${me.member_id}, ${h}, strftime('%s','now') - 400*86400, 'manual')`);
  }
  const towns = (await county.get('/api/v1/nodes?level=2&limit=10')).body.items;
  const other = towns.find((t) => t.id !== townMe.node_id);
  otherTownHousehold = (await county.get(`/api/v1/households?under=${other.id}&limit=1`)).body.items[0].id;
  otherTownGroup = (await county.get(`/api/v1/nodes?under=${other.id}&level=4&limit=1`)).body.items[0].id;
  myGroup = (await county.get(`/api/v1/nodes?under=${me.node_id}&level=4&limit=1`)).body.items[0].id;
});
after(async () => { await srv.stop(); });

const count = () => Number(sql('SELECT count(*) FROM contacts'));

test('a member records a visit to their own household, credited to them, and reads it back', async () => {
  const when = iso(Date.now() - 2 * 3600 * 1000);
  const r = await member.post('/api/v1/contacts', {
    kind: 'visit', happened_at: when, household_ids: [mine[0]], notes: '老人身体尚好，反映自来水压力小',
    requests: [{ text: '自来水水压太低', category: 'water', household_id: mine[0] }],
  });
  assert.equal(r.status, 201, r.text);
  const c = r.body;
  assert.equal(c.kind, 'visit');
  assert.equal(c.member_id, me.member_id);
  assert.equal(c.recorded_by, me.id);
  assert.equal(c.happened_at, when);
  assert.deepEqual(c.households.map((h) => [h.household_id, h.paired]), [[mine[0], true]]);
  assert.equal(c.unpaired, 0);
  assert.equal(c.requests.length, 1);
  assert.equal(c.requests[0].category, 'water');
  assert.equal(c.requests[0].case_id, null);
  // the read, the lists by member, by household and by place find it
  assert.equal((await member.get(`/api/v1/contacts/${c.id}`)).body.notes, '老人身体尚好，反映自来水压力小');
  for (const q of [`member_id=${me.member_id}`, `household_id=${mine[0]}`, `node_id=${me.node_id}`, 'kind=visit']) {
    const items = await all(village, `/api/v1/contacts?${q}`);
    assert.ok(items.some((x) => x.id === c.id), q);
  }
  assert.ok(!(await all(village, `/api/v1/contacts?household_id=${mine[1]}`)).some((x) => x.id === c.id));
  assert.ok(!(await all(village, '/api/v1/contacts?kind=call')).some((x) => x.id === c.id));
  // the rules read contact_households: one row, the member's, paired
  assert.equal(sql(`SELECT member_id || '|' || kind || '|' || paired FROM contact_households WHERE contact_id = ${c.id}`),
    `${me.member_id}|visit|1`);
  // and it was audited in the same transaction
  const a = (await auditAll()).filter((x) => x.action === 'contacts.create' && x.object === `contacts/${c.id}`);
  assert.equal(a.length, 1);
});

test('a household that is not the member\'s is accepted but flagged', async () => {
  const r = await member.post('/api/v1/contacts', { kind: 'call', happened_at: iso(Date.now() - 3600e3), household_ids: [mine[1], notMine] });
  assert.equal(r.status, 201, r.text);
  const byId = Object.fromEntries(r.body.households.map((h) => [h.household_id, h.paired]));
  assert.equal(byId[mine[1]], true);
  assert.equal(byId[notMine], false);
  assert.equal(r.body.unpaired, 1);
  // a pairing that started after the contact happened does not count for it
  const old = await member.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now() - 500 * DAY), household_ids: [mine[0]] });
  assert.equal(old.status, 201, old.text);
  assert.equal(old.body.households[0].paired, false);
  // the list of only the flagged ones holds both, and none that is not flagged
  const flagged = await member.get('/api/v1/contacts?unpaired=1&limit=500');
  assert.equal(flagged.status, 200, flagged.text);
  const ids = flagged.body.items.map((c) => c.id);
  assert.ok(ids.includes(r.body.id) && ids.includes(old.body.id), ids.join(' '));
  assert.ok(flagged.body.items.every((c) => c.unpaired > 0));
  const all = (await member.get('/api/v1/contacts?limit=500')).body.items;
  assert.ok(all.some((c) => c.unpaired === 0), 'the member has contacts that are not flagged');
  assert.equal((await member.get('/api/v1/contacts?unpaired=yes')).status, 400);
});

test('bad input is refused with the field named, and nothing is written', async () => {
  const before = count();
  const now = Date.now();
  const cases = [
    [{ kind: 'visit', happened_at: iso(now + 2 * DAY), household_ids: [mine[0]] }, 'happened_at'],
    [{ kind: 'visit', happened_at: '2026-02-30', household_ids: [mine[0]] }, 'happened_at'],
    [{ kind: 'visit', household_ids: [mine[0]] }, 'happened_at'],
    [{ kind: 'drop_in', happened_at: iso(now), household_ids: [mine[0]] }, 'kind'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], colour: 'red' }, 'colour'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [] }, 'household_ids'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0], mine[0]] }, 'household_ids'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: ['x'] }, 'household_ids'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], talk_situation: 'hardship' }, 'talk_situation'],
    [{ kind: 'talk', happened_at: iso(now), household_ids: [mine[0]], talk_situation: 'bored' }, 'talk_situation'],
    [{ kind: 'talk', happened_at: iso(now) }, 'attendees.member_ids'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], minutes: 'x' }, 'kind'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], node_id: myGroup }, 'node_id'],
    [{ kind: 'courtyard', happened_at: iso(now) }, 'node_id'],
    [{ kind: 'courtyard', happened_at: iso(now), node_id: myGroup, household_ids: [mine[0]] }, 'household_ids'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], requests: [{ text: '修路', category: 'potholes' }] }, 'requests[0].category'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], requests: [{ text: '', category: 'roads' }] }, 'requests[0].text'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], requests: [{ text: '修路', category: 'roads', household_id: notMine }] }, 'requests[0].household_id'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], answers: { anything: 1 } }, 'answers'],
    [{ kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], notes: 'x'.repeat(5001) }, 'notes'],
  ];
  for (const [body, field] of cases) {
    const r = await member.post('/api/v1/contacts', body);
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 120)}: ${r.text}`);
    assert.equal(r.body.error.field, field, JSON.stringify(body).slice(0, 120));
  }
  // a member records only their own contacts (seed 003: not a deputy's)
  const other = (await county.get(`/api/v1/members?under=${me.node_id}&limit=5`)).body.items.find((m) => m.id !== me.member_id);
  const d = await member.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(now), household_ids: [mine[0]], member_id: other.id });
  assert.equal(d.status, 403);
  assert.equal(d.body.error.field, 'member_id');
  // a household of another township is not in the member's reach
  const o = await member.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(now), household_ids: [otherTownHousehold] });
  assert.equal(o.status, 404);
  assert.equal(o.body.error.field, 'household_ids');
  assert.equal(count(), before, 'nothing was written');
});

test('a talk records its must-talk situation; a meeting its place, leader, attendance, minutes and requests', async () => {
  const colleagues = (await county.get(`/api/v1/members?under=${me.node_id}&limit=5`)).body.items.filter((m) => m.id !== me.member_id);
  const t = await member.post('/api/v1/contacts', { kind: 'talk', happened_at: iso(Date.now()), talk_situation: 'hardship',
    attendees: { member_ids: [colleagues[0].id] }, notes: '家中老人住院，谈心了解困难' });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.body.talk_situation, 'hardship');
  assert.deepEqual(t.body.attendees.member_ids, [colleagues[0].id]);
  assert.deepEqual(t.body.households, []);

  const m = await village.post('/api/v1/contacts', {
    kind: 'courtyard', happened_at: iso(Date.now() - DAY), node_id: myGroup, member_id: colleagues[0].id,
    leader_name: '镇党委副书记 李明', attendance: 37, attendees: { household_ids: [mine[0], notMine] },
    minutes: '通报惠民政策；群众提出修路', public: true,
    requests: [{ text: '村道需硬化', category: 'roads' }, { text: '灌溉渠漏水', category: 'water', household_id: notMine }],
  });
  assert.equal(m.status, 201, m.text);
  assert.equal(m.body.node_id, myGroup, 'credited to the group through its node');
  assert.equal(m.body.member_id, colleagues[0].id);
  assert.equal(m.body.leader_name, '镇党委副书记 李明');
  assert.equal(m.body.attendance, 37);
  assert.equal(m.body.public, true);
  assert.equal(m.body.minutes, '通报惠民政策；群众提出修路');
  assert.deepEqual(m.body.attendees.household_ids, [mine[0], notMine]);
  assert.deepEqual(m.body.requests.map((q) => [q.category, q.household_id]), [['roads', null], ['water', notMine]]);
  assert.equal(sql(`SELECT count(*) FROM contact_households WHERE contact_id = ${m.body.id}`), '0',
    'a meeting is not a household visit');
  // a meeting led by a member: the leader is credited when no member is named
  const led = await village.post('/api/v1/contacts', { kind: 'symposium', happened_at: iso(Date.now()), node_id: me.node_id, leader_member_id: colleagues[0].id, attendance: 12 });
  assert.equal(led.status, 201, led.text);
  assert.equal(led.body.member_id, colleagues[0].id);
  // another township's place is out of the village secretary's scope
  const out = await village.post('/api/v1/contacts', { kind: 'courtyard', happened_at: iso(Date.now()), node_id: otherTownGroup, leader_member_id: colleagues[0].id });
  assert.equal(out.status, 404);
  assert.equal(out.body.error.field, 'node_id');
});

test('the county\'s visit form is versioned: answers are checked against it and keep their version', async () => {
  const v0 = await member.get('/api/v1/visit-form');
  assert.equal(v0.status, 200);
  assert.equal(v0.body.version, 0);
  const q1 = [
    { key: 'health', label: '家庭成员身体状况', type: 'choice', options: ['良好', '一般', '较差'], required: true },
    { key: 'income', label: '家庭年收入（元）', type: 'number' },
    { key: 'water_ok', label: '饮水是否安全', type: 'yes_no' },
    { key: 'wish', label: '最盼望解决的事', type: 'text' },
  ];
  for (const [bad, field] of [
    [[{ key: 'Bad Key', label: 'x', type: 'text' }], 'questions[0].key'],
    [[{ key: 'a', label: 'x', type: 'date' }], 'questions[0].type'],
    [[{ key: 'a', label: 'x', type: 'choice', options: ['only'] }], 'questions[0].options'],
    [[{ key: 'a', label: 'x', type: 'text', options: ['a', 'b'] }], 'questions[0].options'],
    [[{ key: 'a', label: 'x', type: 'text' }, { key: 'a', label: 'y', type: 'text' }], 'questions[1].key'],
    [[{ key: 'a', label: '', type: 'text' }], 'questions[0].label'],
    [[{ key: 'a', label: 'x', type: 'text', hint: 'h' }], 'questions[0].hint'],
  ]) {
    const r = await county.put('/api/v1/visit-form', { questions: bad });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.field, field);
  }
  assert.equal((await county.get('/api/v1/visit-form')).body.version, 0, 'a bad form saves nothing');
  assert.equal((await member.put('/api/v1/visit-form', { questions: q1 })).status, 403);
  assert.equal((await town.put('/api/v1/visit-form', { questions: q1 })).status, 403);
  const s1 = await county.put('/api/v1/visit-form', { questions: q1 });
  assert.equal(s1.status, 200, s1.text);
  assert.equal(s1.body.version, 1);

  const base = { kind: 'visit', happened_at: iso(Date.now()), household_ids: [mine[0]] };
  for (const [answers, field] of [
    [{ health: '很好' }, 'answers.health'],
    [{ health: '良好', income: '三万' }, 'answers.income'],
    [{ health: '良好', water_ok: 'yes' }, 'answers.water_ok'],
    [{ health: '良好', pets: 2 }, 'answers.pets'],
    [{ income: 30000 }, 'answers.health'],
    [{ health: '良好', wish: 5 }, 'answers.wish'],
  ]) {
    const r = await member.post('/api/v1/contacts', { ...base, answers });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.field, field);
  }
  const a1 = await member.post('/api/v1/contacts', { ...base, answers: { health: '一般', income: 28000.5, water_ok: true, wish: '修通村道' } });
  assert.equal(a1.status, 201, a1.text);
  assert.equal(a1.body.form_version, 1);
  assert.equal(a1.body.form.questions.length, 4);

  // the county changes the form: a new version; the old contact keeps its questions
  const q2 = [{ key: 'health', label: '身体状况', type: 'choice', options: ['好', '差'] }, { key: 'needs_help', label: '是否需要帮扶', type: 'yes_no' }];
  const s2 = await county.put('/api/v1/visit-form', { questions: q2 });
  assert.equal(s2.body.version, 2);
  const old = (await member.get(`/api/v1/contacts/${a1.body.id}`)).body;
  assert.equal(old.form.version, 1);
  assert.deepEqual(old.form.questions.map((q) => q.key), ['health', 'income', 'water_ok', 'wish']);
  assert.equal(old.answers.health, '一般');
  assert.equal((await member.get('/api/v1/visit-form?version=1')).body.questions[0].options.length, 3);
  assert.equal((await member.get('/api/v1/visit-form?version=9')).status, 404);
  // editing the old contact's answers is checked against its own version
  const e1 = await member.patch(`/api/v1/contacts/${a1.body.id}`, { answers: { health: '较差', income: 1 } });
  assert.equal(e1.status, 200, e1.text);
  assert.equal(e1.body.form_version, 1);
  // a new contact answers version 2, where 一般 is no longer an option
  assert.equal((await member.post('/api/v1/contacts', { ...base, answers: { health: '一般' } })).body.error.field, 'answers.health');
  const a2 = await member.post('/api/v1/contacts', { ...base, answers: { health: '好', needs_help: false } });
  assert.equal(a2.status, 201, a2.text);
  assert.equal(a2.body.form_version, 2);
});

test('an edit after the grace period needs a reason; every edit is audited with before and after', async () => {
  const fresh = (await member.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now() - DAY), household_ids: [mine[0]], notes: '初稿' })).body;
  const e1 = await member.patch(`/api/v1/contacts/${fresh.id}`, { notes: '补记：孩子上学问题' });
  assert.equal(e1.status, 200, e1.text);
  assert.equal(e1.body.notes, '补记：孩子上学问题');
  const late = (await member.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now() - 10 * DAY), household_ids: [mine[0]], notes: '原记录' })).body;
  const refused = await member.patch(`/api/v1/contacts/${late.id}`, { notes: '改写' });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.field, 'reason');
  assert.equal((await member.get(`/api/v1/contacts/${late.id}`)).body.notes, '原记录', 'nothing changed');
  // moving a recent contact back past the grace period needs a reason too
  const back = await member.patch(`/api/v1/contacts/${fresh.id}`, { happened_at: iso(Date.now() - 30 * DAY) });
  assert.equal(back.status, 400);
  assert.equal(back.body.error.field, 'reason');
  const ok = await member.patch(`/api/v1/contacts/${late.id}`, { notes: '改写', reason: '当天漏记了群众反映的问题' });
  assert.equal(ok.status, 200, ok.text);
  const rec = (await auditAll()).filter((x) => x.action === 'contacts.update' && x.object === `contacts/${late.id}`);
  assert.equal(rec.length, 1);
  const detail = typeof rec[0].detail === "string" ? JSON.parse(rec[0].detail) : rec[0].detail;
  assert.equal(detail.before.notes, '原记录');
  assert.equal(detail.after.notes, '改写');
  assert.equal(detail.reason, '当天漏记了群众反映的问题');
  // the grace period is the county's policy
  assert.equal((await county.put('/api/v1/policies/contact.edit_grace_days', { value: 30 })).status, 200);
  assert.equal((await member.patch(`/api/v1/contacts/${late.id}`, { notes: '再改' })).status, 200);
  assert.equal((await county.put('/api/v1/policies/contact.edit_grace_days', { value: 7 })).status, 200);
  // fields that cannot change, and unknown ones
  for (const [body, field] of [[{ kind: 'call' }, 'kind'], [{ member_id: 1 }, 'member_id'], [{ household_ids: [mine[1]] }, 'household_ids'], [{ mood: 1 }, 'mood'], [{}, 'body'],
    [{ minutes: 'x' }, 'kind'], [{ talk_situation: 'hardship' }, 'talk_situation'], [{ happened_at: iso(Date.now() + 3 * DAY) }, 'happened_at']]) {
    const r = await member.patch(`/api/v1/contacts/${fresh.id}`, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.body.error.field, field);
  }
});

test('moving a contact in time moves the copy the rules read, and re-checks the pairing', async () => {
  const c = (await member.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now() - DAY), household_ids: [mine[0]] })).body;
  const when = iso(Date.now() - 2 * DAY);
  const r = await member.patch(`/api/v1/contacts/${c.id}`, { happened_at: when });
  assert.equal(r.status, 200, r.text);
  assert.equal(sql(`SELECT happened_at FROM contact_households WHERE contact_id = ${c.id}`), String(Date.parse(when) / 1000));
  const r2 = await member.patch(`/api/v1/contacts/${c.id}`, { happened_at: iso(Date.now() - 600 * DAY), reason: '日期记错了' });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.body.households[0].paired, false, 'not yet the member\'s household then');
});

test('deactivating a contact takes a reason, is audited, and it then counts for nothing', async () => {
  const c = (await member.post('/api/v1/contacts', { kind: 'call', happened_at: iso(Date.now()), household_ids: [mine[1]] })).body;
  assert.equal((await member.post(`/api/v1/contacts/${c.id}/deactivate`, {})).status, 400);
  const r = await member.post(`/api/v1/contacts/${c.id}/deactivate`, { reason: '重复录入' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.active, false);
  assert.equal(sql(`SELECT active FROM contact_households WHERE contact_id = ${c.id}`), '0');
  assert.equal((await member.post(`/api/v1/contacts/${c.id}/deactivate`, { reason: '重复录入' })).status, 409);
  assert.equal((await member.patch(`/api/v1/contacts/${c.id}`, { notes: 'x' })).status, 409);
  assert.ok(!(await all(member, '/api/v1/contacts')).some((x) => x.id === c.id), 'lists show active contacts');
  assert.ok((await all(member, '/api/v1/contacts?active=0')).some((x) => x.id === c.id));
  assert.ok((await auditAll()).some((x) => x.action === 'contacts.deactivate' && x.object === `contacts/${c.id}`));
});

test('out of scope: another township\'s contacts, another member\'s, and places outside are not found by any route', async () => {
  // the county records a visit in another township, credited to a member there
  const theirs = (await county.get(`/api/v1/households/${otherTownHousehold}`)).body;
  const theirMember = (await county.get(`/api/v1/members?under=${theirs.node_id}&limit=1`)).body.items[0]
    ?? (await county.get(`/api/v1/members?limit=500`)).body.items.find((m) => !m.path?.startsWith(townMe.path));
  const c = await county.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now()), household_ids: [otherTownHousehold], member_id: theirMember.id });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  for (const who of [town, village, member]) {
    assert.equal((await who.get(`/api/v1/contacts/${id}`)).status, 404);
    assert.equal((await who.patch(`/api/v1/contacts/${id}`, { notes: '越权修改' })).status, 404);
    assert.equal((await who.post(`/api/v1/contacts/${id}/deactivate`, { reason: '越权' })).status, 404);
    assert.ok(!(await all(who, '/api/v1/contacts')).some((x) => x.id === id));
    assert.ok(!(await all(who, `/api/v1/contacts?household_id=${otherTownHousehold}`)).some((x) => x.id === id));
  }
  assert.equal((await town.get(`/api/v1/contacts?node_id=${theirs.node_id}`)).status, 404);
  assert.equal((await county.get(`/api/v1/contacts/${id}`)).body.notes, null, 'unchanged');
  // the inspector reads the county's contacts but records none
  assert.equal((await inspector.get(`/api/v1/contacts/${id}`)).status, 200);
  assert.equal((await inspector.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now()), household_ids: [otherTownHousehold] })).status, 403);
  // a township admin cannot credit a member or name a household of another township
  const x = await town.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now()), household_ids: [otherTownHousehold], member_id: theirMember.id });
  assert.equal(x.status, 404);
  assert.equal(x.body.error.field, 'member_id');
  const y = await town.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now()), household_ids: [otherTownHousehold], member_id: me.member_id });
  assert.equal(y.status, 404);
  assert.equal(y.body.error.field, 'household_ids');
  // a member sees only the contacts credited to them
  const colleague = (await county.get(`/api/v1/members?under=${me.node_id}&limit=5`)).body.items.find((m) => m.id !== me.member_id);
  const v = await village.post('/api/v1/contacts', { kind: 'visit', happened_at: iso(Date.now()), household_ids: [notMine], member_id: colleague.id });
  assert.equal(v.status, 201, v.text);
  assert.equal((await member.get(`/api/v1/contacts/${v.body.id}`)).status, 404);
  assert.ok((await all(member, '/api/v1/contacts')).every((x) => x.member_id === me.member_id));
  assert.equal((await town.get(`/api/v1/contacts/${v.body.id}`)).status, 200, 'the township sees its village\'s contacts');
});

test('list parameters are checked and pages follow the cursor', async () => {
  for (const q of ['from=2026-13-01', 'to=yesterday', 'kind=party', 'limit=501', 'member_id=x', 'colour=red']) {
    const r = await village.get(`/api/v1/contacts?${q}`);
    assert.equal(r.status, 400, q);
  }
  const everything = await all(village, '/api/v1/contacts');
  const page = await village.get('/api/v1/contacts?limit=2');
  assert.equal(page.body.items.length, 2);
  const rest = await all(village, `/api/v1/contacts?after=${page.body.next}`);
  assert.deepEqual([...page.body.items, ...rest].map((x) => x.id), everything.map((x) => x.id));
  // a period, in county dates: the contact of 500 days ago is outside the last year
  const d = new Date(Date.now() + 8 * 3600e3 - 365 * DAY).toISOString().slice(0, 10);
  const year = await all(village, `/api/v1/contacts?from=${d}`);
  assert.ok(year.length > 0 && year.length < everything.length);
  assert.ok(year.every((x) => Date.parse(x.happened_at) >= Date.now() - 366 * DAY));
});

test('`lianxin history` fills a paired demo county with the same history for the same seed', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { lianxin, BIN } = await import('./lib.mjs');
  const dirs = [mkdtempSync(join(tmpdir(), 'lx-hist-')), mkdtempSync(join(tmpdir(), 'lx-hist-'))];
  try {
    const digests = [];
    for (const d of dirs) {
      lianxin(d, 'demo', '--households', '300', '--seed', '3', '--password', 'Demo-2026!');
      // no pairings yet: refused, nothing written
      assert.throws(() => execFileSync(BIN, ['--db', join(d, 'lx.db'), 'history', '--years', '1'], { stdio: 'pipe' }));
      lianxin(d, 'assign', '--layer', 'liaison');
      const out = lianxin(d, 'history', '--years', '2', '--seed', '5', '--end', '2026-07-01');
      assert.match(out, /history of 2 year\(s\)/);
      const q = (s) => execFileSync('sqlite3', [join(d, 'lx.db'), s], { encoding: 'utf8' }).trim();
      digests.push(q(`SELECT count(*), sum(happened_at % 1000003), sum(member_id * 7 + length(kind)) FROM contacts`));
      // in the period, in daytime Beijing, every kind the seeds call for
      const [lo, hi] = q('SELECT min(happened_at), max(happened_at) FROM contacts').split('|').map(Number);
      assert.ok(lo >= Date.parse('2024-07-01T00:00:00+08:00') / 1000 && hi < Date.parse('2026-07-01T00:00:00+08:00') / 1000);
      assert.equal(q("SELECT count(*) FROM contacts WHERE (happened_at + 28800) % 86400 NOT BETWEEN 28800 AND 68400"), '0');
      assert.deepEqual(q('SELECT DISTINCT kind FROM contacts ORDER BY 1').split('\n'), ['call', 'courtyard', 'talk', 'visit']);
      // every household contact is of a current pairing, which held over the whole history
      assert.equal(q(`SELECT count(*) FROM contact_households ch WHERE NOT EXISTS (SELECT 1 FROM pairings p
        WHERE p.member_id = ch.member_id AND p.household_id = ch.household_id AND p.started_at <= ch.happened_at)`), '0');
      // a second run is refused: history only fills a county without contacts
      assert.throws(() => execFileSync(BIN, ['--db', join(d, 'lx.db'), 'history'], { stdio: 'pipe' }));
    }
    assert.equal(digests[0], digests[1]);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test('a large place\'s list walks the table in id order and gives the same pages as a small one', async () => {
  // a threshold of 1 makes every place "large" (the walk); the default sorts a small place
  const big = await startServer({ households: 300, env: { LIANXIN_SEARCH_DRIVER_CAP: '1' } });
  try {
    const c = await new Client(big.base).loginReady('county');
    const t = await new Client(big.base).loginReady('township');
    const tme = (await t.get('/api/v1/auth/me')).body;
    const members = await all(c, '/api/v1/members');
    const towns = (await c.get('/api/v1/nodes?level=2&limit=10')).body.items;
    const households = [];
    for (const town of towns.slice(0, 2)) households.push(...(await c.get(`/api/v1/households?under=${town.id}&limit=25`)).body.items);
    const recorded = [];
    for (const h of households) {
      const m = members.find((x) => x.node_id === h.node_id) ?? members.find((x) => h.path?.startsWith(x.path));
      const r = await c.post('/api/v1/contacts', { kind: 'call', happened_at: iso(Date.now() - 3600e3), household_ids: [h.id], member_id: (m ?? members[0]).id });
      assert.equal(r.status, 201, r.text);
      recorded.push(r.body);
    }
    const byCounty = await all(c, '/api/v1/contacts');
    assert.deepEqual(byCounty.map((x) => x.id), recorded.map((x) => x.id));
    const paged = []; let next = null;
    do {
      const r = await c.get(`/api/v1/contacts?limit=7${next ? `&after=${next}` : ''}`);
      paged.push(...r.body.items); next = r.body.next;
    } while (next);
    assert.deepEqual(paged.map((x) => x.id), recorded.map((x) => x.id));
    const townNodes = new Set((await all(c, `/api/v1/nodes?under=${tme.node_id}`)).map((n) => n.id));
    const expectTown = recorded.filter((x) => townNodes.has(x.node_id)).map((x) => x.id);
    assert.ok(expectTown.length > 0 && expectTown.length < recorded.length);
    assert.deepEqual((await all(t, '/api/v1/contacts')).map((x) => x.id), expectTown);
    const g = [...townNodes].find((id) => recorded.some((x) => x.node_id === id));
    assert.deepEqual((await all(c, `/api/v1/contacts?node_id=${g}`)).map((x) => x.id),
      recorded.filter((x) => x.node_id === g).map((x) => x.id));
  } finally {
    await big.stop();
  }
});
