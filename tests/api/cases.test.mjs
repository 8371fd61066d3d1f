// cases.test.mjs -- requests from the people (SPEC C5, C9): from the resident's phone to the
// village queue, up to the township, answered, resolved, rated unsatisfied, supervised,
// resolved again and rated satisfied; the three rates and the public board; the resident's
// pages, photos, bad input and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { startServer, Client, lianxin } from './lib.mjs';

let srv; let county; let town; let village; let member; let inspector;
let townMe; let villageMe; let memberMe; let otherTown;
let household; let token; let otherToken; let otherTownHousehold;

function sql(q) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' }).trim();
}
const sqlJson = (q) => {
  const t = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' }).trim();
  return t ? JSON.parse(t) : [];
};

// A PNG of one pixel with the chunks given after IHDR (built here, CRCs by zlib).
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(extra = []) {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]); // 1x1, 8-bit RGB
  const idat = zlib.deflateSync(Buffer.from([0, 200, 30, 30]));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    ...extra, chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}
const GPS_PNG = () => png([chunk('tEXt', Buffer.from('Comment\0GPS 39.9042N 116.4074E', 'latin1')),
  chunk('eXIf', Buffer.from('MM\0*GPSLatitude 39.9042', 'latin1'))]);

// The resident's request form as a phone's browser sends it (multipart/form-data).
function multipart(fields, files = []) {
  const b = '----lxform' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="photo"; filename="${f.name}"\r\n` +
      `Content-Type: ${f.type}\r\n\r\n`), f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${b}` };
}

// A resident without an account: plain fetches, redirects not followed.
async function residentPost(path, body, type) {
  const r = await fetch(srv.base + path, { method: 'POST', headers: { 'Content-Type': type }, body, redirect: 'manual' });
  return { status: r.status, location: r.headers.get('location'), text: await r.text() };
}
const form = (o) => new URLSearchParams(o).toString();
const FORM = 'application/x-www-form-urlencoded';
async function page(path) {
  const r = await fetch(srv.base + path);
  return { status: r.status, text: await r.text(), headers: r.headers };
}

async function cardLink(h) {
  const r = await county.get(`/api/v1/cards?household_id=${h}`);
  assert.equal(r.status, 200, r.text.slice(0, 200));
  const m = /\/r\/([A-Za-z0-9_-]{32})/.exec(r.text);
  assert.ok(m, 'the card carries a link');
  return m[1];
}

before(async () => {
  srv = await startServer({ households: 300 });
  county = await new Client(srv.base).loginReady('county');
  town = await new Client(srv.base).loginReady('township');
  village = await new Client(srv.base).loginReady('village');
  member = await new Client(srv.base).loginReady('member');
  inspector = await new Client(srv.base).loginReady('inspector');
  townMe = (await town.get('/api/v1/auth/me')).body;
  villageMe = (await village.get('/api/v1/auth/me')).body;
  memberMe = (await member.get('/api/v1/auth/me')).body;
  const hs = (await county.get(`/api/v1/households?under=${villageMe.node_id}&limit=5`)).body.items;
  household = hs[0].id;
  token = await cardLink(household);
  otherToken = await cardLink(hs[1].id);
  const towns = (await county.get('/api/v1/nodes?level=2&limit=10')).body.items;
  otherTown = towns.find((t) => t.id !== townMe.node_id);
  otherTownHousehold = (await county.get(`/api/v1/households?under=${otherTown.id}&limit=1`)).body.items[0].id;
});
after(async () => { await srv.stop(); });

let caseId; let code;

test('a resident sends a request with a photo from the card\'s page: it lands in the village queue', async () => {
  const home = await page(`/r/${token}`);
  assert.equal(home.status, 200);
  assert.ok(home.text.includes(`action="/r/${token}/cases"`), 'the page carries the request form');
  assert.ok(home.text.includes('enctype="multipart/form-data"'));
  assert.ok(!/<script/i.test(home.text), 'no script');
  assert.ok(Buffer.byteLength(home.text) < 100 * 1024, 'first load under 100 KB');

  const f = multipart({ category: 'water', text: '自来水<script>alert(1)</script>停了三天', phone: '13912345678' },
    [{ name: 'gps.png', type: 'image/png', data: GPS_PNG() }]);
  const r = await residentPost(`/r/${token}/cases`, f.body, f.type);
  assert.equal(r.status, 303, r.text);
  const m = new RegExp(`^/r/${token}/cases/([A-Z0-9]{8})\\?ok=sent$`).exec(r.location);
  assert.ok(m, r.location);
  code = m[1];

  // the case page: the tracking code, the text escaped, the photo without its location
  const p = await page(r.location);
  assert.equal(p.status, 200);
  assert.ok(p.text.includes(code));
  assert.ok(p.text.includes('自来水&lt;script&gt;alert(1)&lt;/script&gt;停了三天'));
  assert.ok(!p.text.includes('<script>alert'));
  const img = /src="(\/r\/[^"]+\/photos\/([0-9a-f]{64}))"/.exec(p.text);
  assert.ok(img, 'the photo is shown');
  const ph = await fetch(srv.base + img[1]);
  assert.equal(ph.status, 200);
  assert.equal(ph.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await ph.arrayBuffer());
  assert.ok(!bytes.includes('GPS'), 'location metadata is stripped');
  assert.deepEqual(bytes.subarray(0, 8), GPS_PNG().subarray(0, 8));
  // not stored in the database, not reachable with another household's link
  assert.equal(sql(`SELECT count(*) FROM cases WHERE phone_enc LIKE '%13912345678%'`), '0');
  assert.equal((await fetch(`${srv.base}/r/${otherToken}/photos/${img[2]}`)).status, 404);

  // the village's queue holds it, with the phone masked
  const q = await village.get('/api/v1/cases?queue=node');
  assert.equal(q.status, 200, q.text);
  const item = q.body.items.find((c) => c.code === code);
  assert.ok(item, 'the case is in the village queue');
  assert.equal(item.state, 'received');
  assert.equal(item.channel, 'resident');
  assert.equal(item.node_id, villageMe.node_id);
  assert.equal(item.phone, '139****5678');
  caseId = item.id;
});

test('bad input from the resident page: fake or oversize images, too many photos, no text, another household', async () => {
  const fake = multipart({ category: 'water', text: '图片是假的' }, [{ name: 'x.jpg', type: 'image/jpeg', data: Buffer.from('hello, not an image') }]);
  const r1 = await residentPost(`/r/${token}/cases`, fake.body, fake.type);
  assert.equal(r1.status, 415);
  assert.ok(r1.text.includes('JPEG 或 PNG'));
  const big = multipart({ category: 'water', text: '图片太大' },
    [{ name: 'big.png', type: 'image/png', data: Buffer.concat([png(), Buffer.alloc(5 * 1024 * 1024)]) }]);
  assert.equal((await residentPost(`/r/${token}/cases`, big.body, big.type)).status, 413);
  const four = multipart({ category: 'water', text: '四张照片' },
    [1, 2, 3, 4].map((i) => ({ name: `${i}.png`, type: 'image/png', data: png() })));
  assert.equal((await residentPost(`/r/${token}/cases`, four.body, four.type)).status, 400);
  const empty = multipart({ category: 'water', text: '   ' });
  assert.equal((await residentPost(`/r/${token}/cases`, empty.body, empty.type)).status, 400);
  const badCat = multipart({ category: 'weather', text: '下雨' });
  assert.equal((await residentPost(`/r/${token}/cases`, badCat.body, badCat.type)).status, 400);
  const badPhone = multipart({ category: 'water', text: '回电', phone: '12345' });
  assert.equal((await residentPost(`/r/${token}/cases`, badPhone.body, badPhone.type)).status, 400);
  assert.equal((await residentPost(`/r/${token}/cases`, '{"text":"x"}', 'application/json')).status, 415);
  // nothing of these was written
  assert.equal(sql(`SELECT count(*) FROM cases WHERE household_id = ${household}`), '1');
  // another household's link sees and rates nothing of this case; a wrong link is not found
  assert.equal((await page(`/r/${otherToken}/cases/${code}`)).status, 404);
  assert.equal((await residentPost(`/r/${otherToken}/cases/${code}/rate`, form({ rating: 'satisfied' }), FORM)).status, 404);
  assert.equal((await page(`/r/${'x'.repeat(32)}/cases/${code}`)).status, 404);
  // a rating before the resolution is refused, and changes nothing
  const early = await residentPost(`/r/${token}/cases/${code}/rate`, form({ rating: 'satisfied' }), FORM);
  assert.equal(early.status, 409);
  assert.equal(sql(`SELECT state FROM cases WHERE id = ${caseId}`), 'received');
});

test('the village escalates to the township with a reason; it keeps sight of it but cannot handle it', async () => {
  assert.equal((await village.post(`/api/v1/cases/${caseId}/escalate`, {})).status, 400, 'a reason is needed');
  const r = await village.post(`/api/v1/cases/${caseId}/escalate`, { text: '管网改造要乡镇协调' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.node_id, townMe.node_id);
  assert.equal(r.body.state, 'received');
  assert.equal(r.body.escalated, true);
  assert.equal(r.body.level, 'township');
  const esc = await town.get(`/api/v1/cases?queue=escalated&node_id=${townMe.node_id}`);
  assert.ok(esc.body.items.some((c) => c.id === caseId), 'in the township\'s escalated queue');
  assert.equal((await village.get(`/api/v1/cases/${caseId}`)).status, 200, 'the village keeps sight');
  assert.equal((await village.post(`/api/v1/cases/${caseId}/reply`, { text: '我们来答复' })).status, 403);
  // the township's users were told
  const note = await town.get('/api/v1/notifications?unread=1');
  assert.ok(note.body.items.some((n) => n.case_id === caseId && n.kind === 'escalated'), note.text);
});

test('another township sees and handles nothing of it', async () => {
  const sysadmin = await new Client(srv.base).loginReady('sysadmin');
  const other = await sysadmin.post('/api/v1/users', { username: 'othertown', role: 'township_admin', node_id: otherTown.id });
  assert.equal(other.status, 201, other.text);
  const c = new Client(srv.base);
  const lg = await c.login('othertown', other.body.initial_password);
  assert.equal(lg.status, 200, lg.text);
  const pw = await c.post('/api/v1/auth/password', { old_password: other.body.initial_password, new_password: 'Other-2026#town' });
  assert.equal(pw.status, 200, pw.text);
  c.csrf = pw.body.csrf_token;
  assert.equal((await c.get(`/api/v1/cases/${caseId}`)).status, 404);
  assert.equal((await c.post(`/api/v1/cases/${caseId}/reply`, { text: '越权' })).status, 404);
  const all = await c.get('/api/v1/cases');
  assert.ok(all.body.items.every((x) => x.id !== caseId));
  assert.equal((await c.get(`/api/v1/rates?node_id=${townMe.node_id}`)).status, 404);
  // opening a case for a household of another township is not found either
  assert.equal((await town.post('/api/v1/cases', { channel: 'phone', category: 'roads', text: '越界', household_id: otherTownHousehold })).status, 404);
});

test('the township answers, assigns, resolves; the resident rates unsatisfied and it reopens under supervision', async () => {
  const reply = await town.post(`/api/v1/cases/${caseId}/reply`, { text: '已联系水厂，明天上门检修' });
  assert.equal(reply.status, 200, reply.text);
  assert.ok(reply.body.responded_at, 'the first response is recorded');
  // assignment: never sideways (a member of another township), a member under the township is fine
  const theirs = (await county.get(`/api/v1/members?under=${otherTown.id}&limit=1`)).body.items[0];
  const side = await town.post(`/api/v1/cases/${caseId}/assign`, { member_id: theirs.id });
  assert.equal(side.status, 400);
  assert.equal(side.body.error.field, 'member_id');
  assert.equal((await town.post(`/api/v1/cases/${caseId}/assign`, { member_id: memberMe.member_id, user_id: townMe.id })).status, 400);
  const asg = await town.post(`/api/v1/cases/${caseId}/assign`, { member_id: memberMe.member_id });
  assert.equal(asg.status, 200, asg.text);
  assert.equal(asg.body.state, 'assigned');
  // the member sees it in their queue and was told
  const mine = await member.get('/api/v1/cases?queue=mine');
  assert.ok(mine.body.items.some((c) => c.id === caseId));
  assert.ok((await member.get('/api/v1/notifications')).body.items.some((n) => n.case_id === caseId && n.kind === 'assigned'));
  assert.equal((await member.post(`/api/v1/cases/${caseId}/resolve`, { text: '修好了' })).status, 409, 'resolve before start');
  assert.equal((await member.post(`/api/v1/cases/${caseId}/start`, {})).status, 200);
  const res = await member.post(`/api/v1/cases/${caseId}/resolve`, { text: '更换了阀门，水压恢复' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.state, 'resolved');
  // the resident reads the interim reply and the resolution, and rates unsatisfied
  let p = await page(`/r/${token}/cases/${code}`);
  assert.ok(p.text.includes('已联系水厂，明天上门检修'));
  assert.ok(p.text.includes('更换了阀门，水压恢复'));
  assert.ok(p.text.includes('name="rating"'), 'the rating form is offered');
  const un = await residentPost(`/r/${token}/cases/${code}/rate`, form({ rating: 'unsatisfied', text: '还是没水' }), FORM);
  assert.equal(un.status, 303, un.text);
  const c = (await town.get(`/api/v1/cases/${caseId}`)).body;
  assert.equal(c.state, 'in_progress');
  assert.equal(c.supervised, true);
  const countyRoot = (await county.get('/api/v1/auth/me')).body.node_id;
  assert.equal(c.supervisor_node_id, countyRoot, 'supervised by the level above the township');
  const sup = await county.get(`/api/v1/cases?queue=supervised&node_id=${countyRoot}`);
  assert.ok(sup.body.items.some((x) => x.id === caseId));
  assert.ok((await county.get('/api/v1/notifications')).body.items.some((n) => n.case_id === caseId && n.kind === 'unsatisfied'));
  p = await page(`/r/${token}/cases/${code}`);
  assert.ok(p.text.includes('不满意'));
});

test('resolved again and rated satisfied; a second rating is refused', async () => {
  const res = await member.post(`/api/v1/cases/${caseId}/resolve`, { text: '管网已改造，连续三天水压正常' });
  assert.equal(res.status, 200, res.text);
  // staff may not rate a case that has a card: the resident does
  assert.equal((await town.post(`/api/v1/cases/${caseId}/rate`, { rating: 'satisfied' })).status, 403);
  const ok = await residentPost(`/r/${token}/cases/${code}/rate`, form({ rating: 'satisfied', text: '谢谢' }), FORM);
  assert.equal(ok.status, 303);
  const again = await residentPost(`/r/${token}/cases/${code}/rate`, form({ rating: 'unsatisfied' }), FORM);
  assert.equal(again.status, 409);
  const c = (await town.get(`/api/v1/cases/${caseId}`)).body;
  assert.equal(c.state, 'rated');
  assert.equal(c.rating, 'satisfied');
  assert.deepEqual(c.timeline.map((e) => e.event),
    ['open', 'escalate', 'reply', 'assign', 'start', 'resolve', 'rate', 'resolve', 'rate']);
  // the resident may reopen it from the page
  const p = await page(`/r/${token}/cases/${code}`);
  assert.ok(p.text.includes(`/r/${token}/cases/${code}/reopen`), 'a reopen form is offered');
});

test('a member opens a case on a resident\'s behalf; the resident follows it from the card and may reopen what they rated', async () => {
  const hs = (await county.get(`/api/v1/households?under=${villageMe.node_id}&limit=10`)).body.items;
  const h = hs[7].id;
  sql(`INSERT INTO pairings (county_id, layer, member_id, household_id, started_at, source)
       VALUES (${memberMe.county_id}, 'liaison', ${memberMe.member_id}, ${h}, strftime('%s','now') - 30*86400, 'manual')`);
  // not for a household that is not theirs
  const notTheirs = await member.post('/api/v1/cases', { channel: 'member', category: 'medical', text: '代办', household_id: hs[8].id });
  assert.equal(notTheirs.status, 404);
  const r = await member.post('/api/v1/cases', { channel: 'member', category: 'medical', text: '老人想办慢病卡', household_id: h });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.node_id, villageMe.node_id, 'it lands at the household\'s village');
  const tok = await cardLink(h);
  const home = await page(`/r/${tok}`);
  assert.ok(home.text.includes(`/r/${tok}/cases/${r.body.code}`), 'the household sees it on its card page');
  for (const [a, b] of [['assign', { member_id: memberMe.member_id }], ['start', {}], ['resolve', { text: '已陪同办理' }]]) {
    assert.equal((await village.post(`/api/v1/cases/${r.body.id}/${a}`, b)).status, 200, a);
  }
  assert.equal((await residentPost(`/r/${tok}/cases/${r.body.code}/rate`, form({ rating: 'basic' }), FORM)).status, 303);
  // the village may not reopen it; the resident may, with a reason, and it comes back supervised
  assert.equal((await village.post(`/api/v1/cases/${r.body.id}/reopen`, { text: '重开' })).status, 404, 'no staff route');
  assert.equal((await residentPost(`/r/${tok}/cases/${r.body.code}/reopen`, form({ text: '' }), FORM)).status, 400);
  const re = await residentPost(`/r/${tok}/cases/${r.body.code}/reopen`, form({ text: '卡还没拿到' }), FORM);
  assert.equal(re.status, 303, re.text);
  const c = (await village.get(`/api/v1/cases/${r.body.id}`)).body;
  assert.equal(c.state, 'in_progress');
  assert.equal(c.supervised, true);
  assert.equal(c.supervisor_node_id, townMe.node_id);
  assert.equal(c.reopened, 1);
  assert.ok((await town.get(`/api/v1/cases?queue=supervised&node_id=${townMe.node_id}`)).body.items.some((x) => x.id === c.id));
  // resolved again, the follow-up sample may call it; a call records what it found
  assert.equal((await member.post(`/api/v1/cases/${c.id}/resolve`, { text: '慢病卡已送到家' })).status, 200);
  const pct = sql(`SELECT (${c.id} * 7919) % 100`);
  const sample = (await village.get(`/api/v1/cases?queue=follow_up&node_id=${villageMe.node_id}`)).body.items;
  assert.equal(sample.some((x) => x.id === c.id), Number(pct) < 20, `case ${c.id} at ${pct} %`);
  const fu = await village.post(`/api/v1/cases/${c.id}/follow-up`, { result: 'partly', text: '电话回访：卡已收到，药店还不能刷' });
  assert.equal(fu.status, 200, fu.text);
  assert.equal(fu.body.follow_up, 'partly');
  assert.equal(fu.body.state, 'resolved', 'a follow-up call changes no state');
  assert.ok(!(await village.get(`/api/v1/cases?queue=follow_up&node_id=${villageMe.node_id}`)).body.items.some((x) => x.id === c.id));
  assert.equal((await member.post(`/api/v1/cases/${c.id}/follow-up`, { result: 'fixed' })).status, 403, 'the village\'s staff call');
});

test('the month\'s three rates show it, and match an independent count from the rows', async () => {
  // more cases, in different states, so that the rates are not all 1
  const hs = (await county.get(`/api/v1/households?under=${townMe.node_id}&limit=12`)).body.items;
  const opened = [];
  for (let i = 0; i < 6; i++) {
    const r = await town.post('/api/v1/cases', { channel: i % 2 ? 'phone' : 'reception', category: 'roads', text: `路灯坏了 ${i}`, household_id: hs[i + 2].id });
    assert.equal(r.status, 201, r.text);
    opened.push(r.body);
  }
  // two answered in time, one late (back-dated deadline), one resolved and rated by phone
  for (const c of opened.slice(0, 3)) assert.equal((await town.post(`/api/v1/cases/${c.id}/reply`, { text: '已登记' })).status, 200);
  sql(`UPDATE cases SET response_due = responded_at - 60 WHERE id = ${opened[2].id}`);
  const noCard = await town.post('/api/v1/cases', { channel: 'phone', category: 'other', text: '来电咨询低保政策', node_id: townMe.node_id });
  assert.equal(noCard.status, 201, noCard.text);
  for (const step of [['assign', { user_id: townMe.id }], ['start', {}], ['resolve', { text: '已电话解答' }], ['rate', { rating: 'basic' }]]) {
    const r = await town.post(`/api/v1/cases/${noCard.body.id}/${step[0]}`, step[1]);
    assert.equal(r.status, 200, `${step[0]}: ${r.text}`);
  }
  const month = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
  const r = await town.get(`/api/v1/rates?node_id=${townMe.node_id}&month=${month}`);
  assert.equal(r.status, 200, r.text);
  // the independent count: the documented definitions over the raw rows
  const rows = sqlJson(`SELECT c.id, c.path, c.state, c.rating, c.follow_up, c.responded_at, c.response_due
    FROM cases c WHERE c.path LIKE (SELECT path FROM nodes WHERE id = ${townMe.node_id}) || '%'`);
  const expect = (list) => {
    const received = list.length;
    const inTime = list.filter((c) => c.responded_at !== null && c.responded_at <= c.response_due).length;
    const resolved = list.filter((c) => ['resolved', 'rated', 'closed'].includes(c.state) && c.rating !== 'unsatisfied' && c.follow_up !== 'not_fixed').length;
    const rated = list.filter((c) => c.rating !== null).length;
    const satisfied = list.filter((c) => ['satisfied', 'basic'].includes(c.rating)).length;
    return { received, inTime, resolved, rated, satisfied };
  };
  const e = expect(rows);
  assert.ok(e.received >= 8, `${e.received} cases under the township`);
  const t = r.body.totals;
  assert.deepEqual([t.received, t.responded_in_time, t.resolved, t.rated, t.satisfied],
    [e.received, e.inTime, e.resolved, e.rated, e.satisfied]);
  assert.equal(t.response_rate, e.inTime / e.received);
  assert.equal(t.resolution_rate, e.resolved / e.received);
  assert.equal(t.satisfaction_rate, e.satisfied / e.rated);
  assert.ok(t.response_rate > 0 && t.response_rate < 1);
  // per child place (the village is one of them)
  const v = r.body.children.find((x) => x.node_id === villageMe.node_id);
  const vp = sql(`SELECT path FROM nodes WHERE id = ${villageMe.node_id}`);
  const ve = expect(rows.filter((c) => c.path.startsWith(vp)));
  assert.deepEqual([v.received, v.responded_in_time, v.resolved, v.rated, v.satisfied],
    [ve.received, ve.inTime, ve.resolved, ve.rated, ve.satisfied]);
  assert.equal(r.body.own.received, 1, 'the case opened at the township itself');
  assert.equal((await town.get('/api/v1/rates?month=2026-13')).status, 400);
});

test('the village\'s public board shows the case once a person has redacted it', async () => {
  const leak = await village.post(`/api/v1/cases/${caseId}/publish`, { text: '张三家13912345678自来水停了', resolution: '已修好' });
  assert.equal(leak.status, 400);
  assert.equal(leak.body.error.field, 'text');
  const house = await village.post(`/api/v1/cases/${caseId}/publish`, { text: '5号院自来水停了', resolution: '已修好' });
  assert.equal(house.status, 400);
  const photo = (await town.get(`/api/v1/cases/${caseId}`)).body.photos[0].hash;
  const ok = await village.post(`/api/v1/cases/${caseId}/publish`, { text: '某户反映自来水停水三天', resolution: '更换阀门并改造管网，水压恢复', photos: [photo] });
  assert.equal(ok.status, 201, ok.text);
  assert.equal((await village.post(`/api/v1/cases/${caseId}/publish`, { text: '再发一次', resolution: '同上' })).status, 409);
  const month = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
  const b = await page(`/p/${villageMe.node_id}?month=${month}`);
  assert.equal(b.status, 200);
  assert.ok(b.text.includes('某户反映自来水停水三天'));
  assert.ok(b.text.includes('更换阀门并改造管网，水压恢复'));
  assert.ok(!b.text.includes('13912345678') && !b.text.includes('139****5678'), 'no phone on the board');
  assert.ok(!b.text.includes('<script>alert'));
  assert.equal((await fetch(`${srv.base}/p/${villageMe.node_id}/photos/${photo}`)).status, 200);
  assert.equal((await fetch(`${srv.base}/p/${otherTown.id}/photos/${photo}`)).status, 404);
  // an unresolved case cannot go up; a member may not publish
  const open = sqlJson(`SELECT id FROM cases WHERE state = 'received' AND path LIKE (SELECT path FROM nodes WHERE id = ${townMe.node_id}) || '%' LIMIT 1`)[0];
  assert.equal((await town.post(`/api/v1/cases/${open.id}/publish`, { text: '未办结', resolution: '无' })).status, 409);
  assert.equal((await member.post(`/api/v1/cases/${caseId}/publish`, { text: 'x', resolution: 'y' })).status, 403);
  // taken down, it leaves the board
  const items = (await village.get('/api/v1/board')).body.items;
  const item = items.find((x) => x.case_id === caseId);
  assert.equal((await village.post(`/api/v1/board/${item.id}/withdraw`, { reason: '居民要求撤下' })).status, 200);
  assert.ok(!(await page(`/p/${villageMe.node_id}?month=${month}`)).text.includes('某户反映自来水停水三天'));
  assert.equal((await page(`/p/999999999`)).status, 404);
});

test('overdue cases rise into the queue above and notify the assignee and the place above', async () => {
  const hs = (await county.get(`/api/v1/households?under=${villageMe.node_id}&limit=8`)).body.items;
  const r = await village.post('/api/v1/cases', { channel: 'visit', category: 'housing', text: '房屋漏雨', household_id: hs[4].id });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.node_id, villageMe.node_id);
  const id = r.body.id;
  assert.equal((await village.post(`/api/v1/cases/${id}/assign`, { member_id: memberMe.member_id })).status, 200);
  // its deadline passed two days ago (the deadline is kept twice: on the case, and for each
  // place above it in case_rises, which the queues read)
  const pastDue = (caseId, days) => sql(`UPDATE cases SET due_at = strftime('%s','now') - ${days}*86400
    WHERE id = ${caseId}; UPDATE case_rises SET due_at = strftime('%s','now') - ${days}*86400 WHERE case_id = ${caseId}`);
  pastDue(id, 2);
  const out = lianxin(srv.dir, 'cases', 'sweep');
  assert.match(out, /[1-9]\d* cases newly overdue/);
  const q = await town.get(`/api/v1/cases?queue=node&node_id=${townMe.node_id}`);
  assert.equal(q.status, 200);
  assert.equal(q.body.items[0].id, id, 'the overdue case comes first in the township\'s queue');
  assert.equal(q.body.items[0].overdue, true);
  const od = await county.get(`/api/v1/cases?queue=overdue&node_id=${(await county.get('/api/v1/auth/me')).body.node_id}`);
  assert.ok(od.body.items.some((c) => c.id === id));
  assert.ok((await member.get('/api/v1/notifications')).body.items.some((n) => n.case_id === id && n.kind === 'overdue'));
  assert.ok((await town.get('/api/v1/notifications')).body.items.some((n) => n.case_id === id && n.kind === 'overdue'));
  // a second sweep does not notify again
  assert.match(lianxin(srv.dir, 'cases', 'sweep'), /^0 cases newly overdue/);
  // page by page the queue gives the same cases in the same order as in one page (three more
  // open cases under the township made overdue, by one to three days)
  const more = sqlJson(`SELECT id FROM cases WHERE open = 1 AND id <> ${id} AND due_at IS NOT NULL AND path LIKE
    (SELECT path FROM nodes WHERE id = ${townMe.node_id}) || '%' ORDER BY id LIMIT 3`);
  more.forEach((c, i) => pastDue(c.id, i + 1));
  const whole = (await town.get(`/api/v1/cases?queue=node&node_id=${townMe.node_id}&limit=200`)).body.items.map((c) => c.id);
  const paged = [];
  for (let cursor = null, i = 0; i < 50; i++) {
    const pg = await town.get(`/api/v1/cases?queue=node&node_id=${townMe.node_id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(pg.status, 200, pg.text);
    paged.push(...pg.body.items.map((c) => c.id));
    if (!pg.body.next) break;
    cursor = pg.body.next;
  }
  assert.deepEqual(paged, whole);
  assert.ok(whole.length >= 4, `${whole.length} in the township's queue`);
  // a filter applies to the overdue ones beneath as well
  const housing = (await town.get(`/api/v1/cases?queue=node&node_id=${townMe.node_id}&category=housing`)).body.items;
  assert.ok(housing.length >= 1 && housing.every((c) => c.category === 'housing'));
});

test('waiting on the requester pauses the clock; the resident adds what was asked and it runs again', async () => {
  const f = multipart({ category: 'social_security', text: '低保怎么申请' });
  const r = await residentPost(`/r/${otherToken}/cases`, f.body, f.type);
  assert.equal(r.status, 303);
  const c2 = /cases\/([A-Z0-9]{8})/.exec(r.location)[1];
  const id = Number(sql(`SELECT id FROM cases WHERE code = '${c2}'`));
  for (const [a, b] of [['assign', { user_id: villageMe.id }], ['start', {}]]) assert.equal((await village.post(`/api/v1/cases/${id}/${a}`, b)).status, 200);
  const due0 = Number(sql(`SELECT due_at FROM cases WHERE id = ${id}`));
  const w = await village.post(`/api/v1/cases/${id}/wait`, { text: '请补充户口本照片' });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.body.due_at, null, 'no deadline while waiting');
  // the pause began three days ago
  sql(`UPDATE case_pauses SET paused_at = paused_at - 3*86400 WHERE case_id = ${id}`);
  sql(`UPDATE cases SET clock_started = clock_started - 3*86400 WHERE id = ${id}`);
  const p = await page(`/r/${otherToken}/cases/${c2}`);
  assert.ok(p.text.includes('请补充户口本照片') && p.text.includes('/reply"'));
  const add = await residentPost(`/r/${otherToken}/cases/${c2}/reply`, form({ text: '户口本在村委会复印了' }), FORM);
  assert.equal(add.status, 303);
  const row = sqlJson(`SELECT state, due_at FROM cases WHERE id = ${id}`)[0];
  assert.equal(row.state, 'in_progress');
  // the deadline moved by the three days it waited (less the three days the clock was back-dated)
  assert.ok(Math.abs(row.due_at - due0) < 120, `${row.due_at} vs ${due0}`);
  assert.equal((await village.post(`/api/v1/cases/${id}/resume`, {})).status, 409, 'not waiting any more');
});

test('staff input: unknown fields, bad codes, long texts, escalation above the county, out of order', async () => {
  const bad = [
    [{ channel: 'phone', category: 'roads', text: 'x', colour: 'red' }, 'colour'],
    [{ channel: 'fax', category: 'roads', text: 'x' }, 'channel'],
    [{ channel: 'phone', category: 'weather', text: 'x' }, 'category'],
    [{ channel: 'phone', category: 'roads', text: '' }, 'text'],
    [{ channel: 'phone', category: 'roads', text: '长'.repeat(2001) }, 'text'],
    [{ channel: 'phone', category: 'roads', text: 'x', priority: 'urgent' }, 'priority'],
    [{ channel: 'phone', category: 'roads', text: 'x', phone: '12' }, 'phone'],
    [{ channel: 'resident', category: 'roads', text: 'x' }, 'channel'],
    [{ channel: 'phone', category: 'roads', text: 'x', household_id: -3 }, 'household_id'],
  ];
  const before = sql('SELECT count(*) FROM cases');
  for (const [b, field] of bad) {
    const r = await town.post('/api/v1/cases', b);
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.body.error.field, field);
  }
  assert.equal(sql('SELECT count(*) FROM cases'), before, 'nothing partial');
  // the county escalates a county-level case: there is no level above
  const root = (await county.get('/api/v1/auth/me')).body.node_id;
  const top = await county.post('/api/v1/cases', { channel: 'reception', category: 'legal_aid', text: '法律援助', node_id: root });
  assert.equal(top.status, 201, top.text);
  const up = await county.post(`/api/v1/cases/${top.body.id}/escalate`, { text: '再往上' });
  assert.equal(up.status, 409);
  assert.equal((await county.post(`/api/v1/cases/${top.body.id}/close`, {})).status, 409);
  assert.equal((await county.post(`/api/v1/cases/${top.body.id}/follow-up`, { result: 'fixed' })).status, 409);
  assert.equal((await county.post(`/api/v1/cases/${top.body.id}/follow-up`, { result: 'maybe' })).status, 400);
  assert.equal((await county.post(`/api/v1/cases/${top.body.id}/reply`, { text: 'x', internal: 'yes' })).status, 400);
  assert.equal((await county.get('/api/v1/cases?queue=everything')).status, 400);
  assert.equal((await county.get('/api/v1/cases?limit=500')).status, 400);
  assert.equal((await county.get('/api/v1/cases?cursor=zzz')).status, 400);
  assert.equal((await county.get('/api/v1/cases/999999999')).status, 404);
  // an inspector reads but does not handle
  assert.equal((await inspector.get(`/api/v1/cases/${top.body.id}`)).status, 200);
  assert.equal((await inspector.post(`/api/v1/cases/${top.body.id}/reply`, { text: 'x' })).status, 403);
});

test('a visit\'s raised requests become cases with one action, once', async () => {
  const hs = (await county.get(`/api/v1/households?under=${villageMe.node_id}&limit=10`)).body.items;
  const h = hs[6].id;
  sql(`INSERT INTO pairings (county_id, layer, member_id, household_id, started_at, source)
       VALUES (${memberMe.county_id}, 'liaison', ${memberMe.member_id}, ${h}, strftime('%s','now') - 30*86400, 'manual')`);
  const c = await member.post('/api/v1/contacts', {
    kind: 'visit', happened_at: new Date(Date.now() - 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'), household_ids: [h],
    requests: [{ text: '孩子上学路远', category: 'schooling', household_id: h }, { text: '想学种植技术', category: 'farming', household_id: h }],
  });
  assert.equal(c.status, 201, c.text);
  const r = await member.post(`/api/v1/contacts/${c.body.id}/cases`, {});
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.cases.length, 2);
  const one = (await member.get(`/api/v1/cases/${r.body.cases[0].case_id}`)).body;
  assert.equal(one.channel, 'visit');
  assert.equal(one.household_id, h);
  assert.equal((await member.post(`/api/v1/contacts/${c.body.id}/cases`, {})).body.cases.length, 0, 'once');
  const again = (await member.get(`/api/v1/contacts/${c.body.id}`)).body;
  assert.ok(again.requests.every((q) => q.case_id > 0));
  assert.equal((await member.post('/api/v1/contacts/999999999/cases', {})).status, 404);
});

test('reply templates, the holiday calendar and notifications', async () => {
  const t = await county.post('/api/v1/reply-templates', { category: 'water', text: '您好，您反映的用水问题已转供水站处理。' });
  assert.equal(t.status, 201, t.text);
  assert.equal((await village.post('/api/v1/reply-templates', { category: 'water', text: 'x' })).status, 403);
  assert.equal((await county.post('/api/v1/reply-templates', { category: 'weather', text: 'x' })).status, 400);
  const list = await village.get('/api/v1/reply-templates?category=water');
  assert.deepEqual(list.body.items.map((x) => x.id), [t.body.id]);
  assert.equal((await county.post(`/api/v1/reply-templates/${t.body.id}/deactivate`, {})).status, 200);
  assert.equal((await village.get('/api/v1/reply-templates?category=water')).body.items.length, 0);

  const y = await village.get('/api/v1/calendar/2026');
  assert.equal(y.status, 200);
  assert.equal(y.body.source, 'builtin');
  assert.ok(y.body.off.includes('2026-10-01') && y.body.work.includes('2026-10-10'));
  assert.equal((await county.put('/api/v1/calendar/2027', { off: ['2027-02-30'], work: [] })).status, 400);
  assert.equal((await county.put('/api/v1/calendar/2027', { off: ['2026-10-01'], work: [] })).status, 400);
  assert.equal((await county.put('/api/v1/calendar/2027', { off: ['2027-10-01'], work: ['2027-10-01'] })).status, 400);
  assert.equal((await village.put('/api/v1/calendar/2027', { off: [], work: [] })).status, 403);
  const set = await county.put('/api/v1/calendar/2027', { off: ['2027-10-01', '2027-10-04'], work: ['2027-10-09'] });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.source, 'county');
  assert.deepEqual(set.body.work, ['2027-10-09']);
  assert.equal((await village.get('/api/v1/calendar/1999')).status, 400);

  const n = (await member.get('/api/v1/notifications')).body;
  assert.ok(n.items.length > 0);
  assert.equal((await member.post(`/api/v1/notifications/${n.items[0].id}/read`, {})).status, 200);
  assert.equal((await town.post(`/api/v1/notifications/${n.items[0].id}/read`, {})).status, 404, 'not theirs');
  assert.equal((await member.get('/api/v1/notifications?unread=1')).body.unread, n.unread - (n.items[0].read ? 0 : 1));
});

test('every change of a case is audited, never with the requester\'s phone', async () => {
  const actions = sql(`SELECT action FROM audit WHERE object = 'cases/${caseId}' ORDER BY id`).split('\n');
  assert.deepEqual(actions, ['cases.open', 'cases.escalate', 'cases.reply', 'cases.assign', 'cases.start',
    'cases.resolve', 'cases.rate', 'cases.resolve', 'cases.rate', 'board.publish']);
  assert.equal(sql(`SELECT count(*) FROM audit WHERE detail LIKE '%13912345678%'`), '0');
  // the full phone: only for one who handles it, with a reason, audited
  assert.equal((await town.post(`/api/v1/cases/${caseId}/phone`, {})).status, 400);
  const ph = await town.post(`/api/v1/cases/${caseId}/phone`, { reason: '回访核实' });
  assert.equal(ph.status, 200, ph.text);
  assert.equal(ph.body.phone, '13912345678');
  assert.equal((await inspector.post(`/api/v1/cases/${caseId}/phone`, { reason: '看看' })).status, 403);
  assert.equal(sql(`SELECT count(*) FROM audit WHERE action = 'cases.unmask' AND object = 'cases/${caseId}'`), '1');
  // the database file holds the phone only sealed
  for (const f of [srv.db, `${srv.db}-wal`]) {
    let hits = '0';
    try { hits = execFileSync('grep', ['-ac', '13912345678', f], { encoding: 'utf8' }).trim(); } catch (e) { hits = String(e.stdout).trim() || '0'; }
    assert.equal(hits, '0', f);
  }
});

test('the deadlines the queues read (case_rises) agree with the cases after every change above', async () => {
  // Every open case with a deadline has one row per place on its origin path (the place and
  // each place above), with its deadline; closed, resolved and paused cases have none. The
  // cases of this file went through every transition (opened on each channel, escalated,
  // assigned, paused, resolved, rated, reopened, closed).
  const expected = `SELECT n.id AS node_id, c.due_at, c.id AS case_id FROM cases c JOIN nodes n
    ON n.county_id = c.county_id AND c.path LIKE n.path || '%' WHERE c.open = 1 AND c.due_at IS NOT NULL`;
  const actual = 'SELECT node_id, due_at, case_id FROM case_rises';
  assert.equal(sql(`SELECT count(*) FROM (${expected} EXCEPT ${actual})`), '0', 'a deadline missing');
  assert.equal(sql(`SELECT count(*) FROM (${actual} EXCEPT ${expected})`), '0', 'a deadline left over');
  assert.ok(Number(sql('SELECT count(*) FROM case_rises')) > 0);
  assert.ok(Number(sql('SELECT count(*) FROM cases WHERE open = 0')) > 0, 'some cases were closed or resolved');
});
