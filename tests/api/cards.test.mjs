// cards.test.mjs -- contact cards and door plates (print view), card links, the resident page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startServer, Client } from './lib.mjs';

// 2,100 households: villages of about 300, and a county too big for one print.
let srv; let county; let town; let villageSec; let groupLeader; let auditor;
let me;              // the county admin's account (county_id)
let otherTown;       // a township that is not the township admin's
let village;         // the first village of that township: the one printed below
let households;      // its active households, in tree order
let liaison; let cadre; // two members of that township, with their full phones
let commitment;      // the county's service commitment

const LINK = /<div class="link">([^<]*)<\/div>/g;
const links = (html) => [...html.matchAll(LINK)].map((m) => m[1]);
const count = (html, s) => html.split(s).length - 1;
const pathOf = (link) => new URL(link).pathname;

// Pairings are written straight into the database: this stands in for the
// automatic assignment run (C2) until it exists.
function sql(q) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' });
}
function pair(layer, memberId, householdId) {
  sql(`INSERT INTO pairings (county_id, layer, member_id, household_id, started_at, source)
       VALUES (${me.county_id}, '${layer}', ${memberId}, ${householdId}, strftime('%s','now'), 'manual')`);
}

// Every audit record the audit administrator sees, oldest first.
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

async function fullPhone(memberId) {
  const r = await county.post(`/api/v1/members/${memberId}/unmask`, { reason: '核对连心卡' });
  assert.equal(r.status, 200, r.text);
  return r.body.phone;
}

before(async () => {
  srv = await startServer({ households: 2100 });
  county = await new Client(srv.base).loginReady('county');
  town = await new Client(srv.base).loginReady('township');
  villageSec = await new Client(srv.base).loginReady('village');
  groupLeader = await new Client(srv.base).loginReady('group');
  auditor = await new Client(srv.base).loginReady('auditadmin');
  me = (await county.get('/api/v1/auth/me')).body;
  const townMe = (await town.get('/api/v1/auth/me')).body;
  otherTown = (await county.get('/api/v1/nodes?level=2&limit=50')).body.items.find((t) => t.id !== townMe.node_id);
  assert.ok(otherTown, 'the demo has a second township');
  village = (await county.get(`/api/v1/nodes?under=${otherTown.id}&level=3&limit=1`)).body.items[0];
  assert.ok(village);
  households = (await county.get(`/api/v1/households?under=${village.id}&limit=500`)).body.items;
  assert.ok(households.length >= 250 && households.length < 500, `${households.length} households`);
  const members = (await county.get(`/api/v1/members?under=${otherTown.id}&limit=50`)).body.items
    .filter((m) => m.phone);
  assert.ok(members.length >= 2, 'the township has members with phones');
  liaison = { ...members[0], phone: await fullPhone(members[0].id) };
  cadre = { ...members[1], phone: await fullPhone(members[1].id) };
  // The first ten households get a liaison member, the first also an assistance cadre.
  for (const h of households.slice(0, 10)) pair('liaison', liaison.id, h.id);
  pair('assistance', cadre.id, households[0].id);
  // Who to call at the village and the township.
  let r = await county.patch(`/api/v1/nodes/${village.id}`, { contact_name: '村支书甲', contact_phone: '13700001111' });
  assert.equal(r.status, 200, r.text);
  r = await county.patch(`/api/v1/nodes/${otherTown.id}`, { contact_name: '镇党委办', contact_phone: '13600002222' });
  assert.equal(r.status, 200, r.text);
  commitment = (await county.get('/api/v1/policies')).body.items.find((p) => p.key === 'card.commitment').value;
  assert.ok(commitment.length > 10);
});
after(async () => { await srv.stop(); });

let firstLinks; // the village's links as first printed, in tree order

test('a village prints one card per active household, with its commitment, QR code and link', async (t) => {
  const t0 = performance.now();
  const r = await county.get(`/api/v1/cards?node_id=${village.id}`);
  const ms = performance.now() - t0;
  t.diagnostic(`${households.length} households printed in ${ms.toFixed(0)} ms, ${(r.text.length / 1024).toFixed(0)} KiB`);
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  const html = r.text;
  assert.equal(count(html, '<section class="lx-card">'), households.length);
  assert.equal(count(html, '<svg '), households.length);
  assert.equal(count(html, commitment), households.length);
  assert.match(html, /@media print/);
  firstLinks = links(html);
  assert.equal(firstLinks.length, households.length);
  assert.equal(new Set(firstLinks).size, households.length, 'a link per household');
  for (const l of firstLinks) assert.match(l, /^http:\/\/127\.0\.0\.1:8080\/r\/[A-Za-z0-9_-]{32}$/);
  // the members' phones in full (the point of the card), the heads' names masked
  assert.equal(count(html, `<b>${liaison.name}</b> <span class="tel">${liaison.phone}</span>`), 10);
  assert.equal(count(html, `帮扶干部：<b>${cadre.name}</b> <span class="tel">${cadre.phone}</span>`), 1);
  assert.equal(count(html, '联系党员：待安排'), households.length - 10);
  assert.equal(count(html, '村（社区）联系人：<b>村支书甲</b> <span class="tel">13700001111</span>'), households.length);
  assert.equal(count(html, '乡镇（街道）联系人：<b>镇党委办</b> <span class="tel">13600002222</span>'), households.length);
  assert.ok(html.includes(`${otherTown.name} · ${village.name} · `));
  for (const h of households.slice(0, 20)) assert.ok(!html.includes(h.head_name), 'a head name in full');
  assert.ok(ms < 1000, `the village took ${ms} ms`);
});

test('door plates: the same households, two to a sheet', async () => {
  const r = await county.get(`/api/v1/cards?node_id=${village.id}&kind=plate`);
  assert.equal(r.status, 200);
  assert.equal(count(r.text, '<section class="lx-card lx-plate">'), households.length);
  assert.equal(count(r.text, '<div class="sheet plates">'), Math.ceil(households.length / 2));
  assert.deepEqual(links(r.text), firstLinks, 'plates print the cards\' links');
});

test('printing is audited with the count and kind, never a phone number', async () => {
  const items = await auditAll();
  const prints = items.filter((a) => a.action === 'cards.print');
  assert.ok(prints.length >= 2);
  const first = prints.find((a) => a.object === `nodes/${village.id}`);
  assert.ok(first, JSON.stringify(prints[0]));
  assert.deepEqual(first.detail, { households: households.length, kind: 'card', reissue: false });
  for (const a of prints) {
    assert.ok(!/1[3-9]\d{9}/.test(JSON.stringify(a)), 'a phone number in the audit');
    assert.ok(!/\/r\//.test(JSON.stringify(a)), 'a link in the audit');
  }
});

test('a card\'s link opens a light resident page with the member and a tel: link', async () => {
  const anon = new Client(srv.base, '198.51.100.20');
  const r = await anon.get(pathOf(firstLinks[0]));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  const html = r.text;
  assert.ok(Buffer.byteLength(html) < 100 * 1024);
  assert.ok(!/<script/i.test(html), 'no script');
  assert.ok(!/<link /i.test(html), 'no external style');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'">/);
  assert.match(html, /<meta name="viewport" content="width=device-width,initial-scale=1">/);
  assert.ok(html.includes(`<div class="name">${liaison.name}</div>`));
  assert.ok(html.includes(`href="tel:${liaison.phone}"`));
  assert.ok(html.includes(`href="tel:${cadre.phone}"`));
  assert.ok(html.includes('href="tel:13700001111"'));
  assert.ok(html.includes('href="tel:13600002222"'));
  assert.ok(html.includes(commitment));
  assert.ok(!html.includes(households[0].head_name), 'the head\'s name in full');
  // a household with no member yet
  const none = await anon.get(pathOf(firstLinks[households.length - 1]));
  assert.equal(none.status, 200);
  assert.ok(none.text.includes('联系党员：待安排'));
  // WeChat adds its own query parameters to a shared link
  const shared = await anon.get(`${pathOf(firstLinks[0])}?from=singlemessage&isappinstalled=0`);
  assert.equal(shared.status, 200);
  // the view is audited as a read, with no personal data
  const all = await auditAll();
  const views = all.filter((a) => a.action === 'resident.page' && a.object === `households/${households[0].id}`);
  assert.ok(views.length >= 1);
  assert.ok(!/1[3-9]\d{9}/.test(JSON.stringify(views)));
});

test('printing again gives the same links; reissue gives new ones and the old ones stop working', async () => {
  const again = await county.get(`/api/v1/cards?node_id=${village.id}`);
  assert.deepEqual(links(again.text), firstLinks);
  const anon = new Client(srv.base, '198.51.100.30');
  const h = households[1];
  const one = await county.get(`/api/v1/cards?household_id=${h.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(links(one.text), [firstLinks[1]]);
  const re = await county.get(`/api/v1/cards?household_id=${h.id}&reissue=1`);
  assert.equal(re.status, 200);
  const [fresh] = links(re.text);
  assert.notEqual(fresh, firstLinks[1]);
  const old = await anon.get(pathOf(firstLinks[1]));
  assert.equal(old.status, 404);
  assert.equal(old.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.ok(old.text.includes('没有找到'));
  const page = await anon.get(pathOf(fresh));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cache-control'), 'no-store', 'a resident page is never cached');
  assert.match(page.headers.get('content-security-policy'), /default-src 'none'/);
  // the rest of the village keeps its links
  const after = links((await county.get(`/api/v1/cards?node_id=${village.id}`)).text);
  assert.deepEqual(after.filter((l, i) => i !== 1), firstLinks.filter((l, i) => i !== 1));
  assert.equal(after[1], fresh);
  firstLinks = after;
});

test('revoking a link needs a reason, answers 404 afterwards, and 409 the second time', async () => {
  const h = households[2];
  const anon = new Client(srv.base, '198.51.100.40');
  const url = `/api/v1/households/${h.id}/card-link/revoke`;
  let r = await county.post(url, {});
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'reason');
  r = await county.post(url, { reason: 'x' });
  assert.equal(r.status, 400);
  r = await county.post(url, { reason: '卡片丢失', note: 1 });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'note');
  r = await county.post(url, { reason: '卡片丢失' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { household_id: h.id, revoked: true });
  const gone = await anon.get(pathOf(firstLinks[2]));
  assert.equal(gone.status, 404);
  // a wrong token and a revoked one get exactly the same answer
  const wrong = await anon.get(`/r/${randomBytes(24).toString('base64url')}`);
  assert.equal(wrong.status, 404);
  assert.equal(wrong.text, gone.text);
  for (const page of [gone, wrong]) {
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(page.headers.get('content-security-policy'), /default-src 'none'/);
  }
  r = await county.post(url, { reason: '卡片丢失' });
  assert.equal(r.status, 409);
  // the next print issues a new link
  const [fresh] = links((await county.get(`/api/v1/cards?household_id=${h.id}`)).text);
  assert.notEqual(fresh, firstLinks[2]);
  assert.equal((await anon.get(pathOf(fresh))).status, 200);
  // the revocation is audited with its reason
  const all = await auditAll();
  const rev = all.find((a) => a.action === 'cards.revoke' && a.object === `households/${h.id}`);
  assert.ok(rev);
  assert.deepEqual(rev.detail, { reason: '卡片丢失' });
});

test('bad print parameters are refused with 400 naming them', async () => {
  const cases = [
    ['', 'household_id'],
    [`?node_id=${village.id}&household_id=${households[0].id}`, 'node_id'],
    ['?node_id=abc', 'node_id'],
    ['?node_id=-3', 'node_id'],
    [`?node_id=${village.id}&kind=poster`, 'kind'],
    [`?node_id=${village.id}&reissue=yes`, 'reissue'],
    [`?node_id=${village.id}&zzz=1`, 'zzz'],
    ['?node_id=999999999', 'node_id'],
  ];
  for (const [q, field] of cases) {
    const r = await county.get(`/api/v1/cards${q}`);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assert.equal(r.body.error.field, field, q);
  }
  assert.equal((await county.get('/api/v1/cards?household_id=999999999')).status, 404);
  // the whole county is more than one print may hold
  const root = (await county.get('/api/v1/nodes?level=1&limit=1')).body.items[0];
  const big = await county.get(`/api/v1/cards?node_id=${root.id}`);
  assert.equal(big.status, 400);
  assert.equal(big.body.error.field, 'node_id');
  assert.match(big.body.error.message, /2100 households.*smaller place/);
});

test('a township admin cannot print or revoke another township\'s households; a group leader may not print', async () => {
  const h = households[3];
  let r = await town.get(`/api/v1/cards?node_id=${village.id}`);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'node_id');
  r = await town.get(`/api/v1/cards?node_id=${otherTown.id}`);
  assert.equal(r.status, 400);
  r = await town.get(`/api/v1/cards?household_id=${h.id}`);
  assert.equal(r.status, 404);
  r = await town.post(`/api/v1/households/${h.id}/card-link/revoke`, { reason: '越权测试' });
  assert.equal(r.status, 404);
  // the link still works: nothing was revoked
  assert.equal((await new Client(srv.base, '198.51.100.50').get(pathOf(firstLinks[3]))).status, 200);
  // their own township is fine (the village secretary prints their own village)
  const mine = (await villageSec.get('/api/v1/auth/me')).body;
  r = await villageSec.get(`/api/v1/cards?node_id=${mine.node_id}`);
  assert.equal(r.status, 200);
  assert.ok(count(r.text, '<section class="lx-card">') > 0);
  assert.equal((await villageSec.get(`/api/v1/cards?node_id=${village.id}`)).status, 400);
  // a group leader has no cards permission
  assert.equal((await groupLeader.get(`/api/v1/cards?node_id=${village.id}`)).status, 403);
  assert.equal((await groupLeader.post(`/api/v1/households/${h.id}/card-link/revoke`, { reason: '越权测试' })).status, 403);
});

test('guessing links is limited per address: after 20 wrong ones even a good link gets 429', async () => {
  const guesser = new Client(srv.base, '203.0.113.7');
  const neighbour = new Client(srv.base, '203.0.113.8');
  const statuses = [];
  for (let i = 0; i < 25; i++) statuses.push((await guesser.get(`/r/${randomBytes(24).toString('base64url')}`)).status);
  assert.deepEqual(statuses, [...Array(20).fill(404), ...Array(5).fill(429)]);
  const good = pathOf(firstLinks[0]);
  const refused = await guesser.get(good);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.ok(!refused.text.includes(liaison.name), 'a refused page shows no data');
  // a malformed token is a guess too, and is refused the same way
  assert.equal((await guesser.get('/r/short')).status, 429);
  // another address still gets the page
  const ok = await neighbour.get(good);
  assert.equal(ok.status, 200);
  assert.ok(ok.text.includes(liaison.name));
});

test('a head or member name with markup shows up escaped on the card and the page', async () => {
  const group = (await county.get(`/api/v1/nodes?under=${village.id}&level=4&limit=1`)).body.items[0];
  const h = await county.post('/api/v1/households', { node_id: group.id, head_name: '<script>alert(1)</script>' });
  assert.equal(h.status, 201, h.text);
  const m = await county.post('/api/v1/members', {
    node_id: group.id, name: '<img src=x onerror=alert(2)>', gender: 'F', rank: 'ordinary', category: 'community', phone: '13811112222',
  });
  assert.equal(m.status, 201, m.text);
  pair('liaison', m.body.id, h.body.id);
  const card = await county.get(`/api/v1/cards?household_id=${h.body.id}`);
  assert.equal(card.status, 200);
  assert.ok(!card.text.includes('<script>alert'), 'raw script on the card');
  assert.ok(!card.text.includes('<img'), 'raw img on the card');
  assert.ok(card.text.includes('户主：&lt;'), 'the head, masked and escaped');
  assert.ok(card.text.includes('&lt;img src=x onerror=alert(2)&gt;'), 'the member, escaped');
  assert.ok(card.text.includes('13811112222'));
  const [link] = links(card.text);
  const page = await new Client(srv.base, '198.51.100.60').get(pathOf(link));
  assert.equal(page.status, 200);
  assert.ok(!page.text.includes('<script>alert') && !page.text.includes('<img'));
  assert.ok(page.text.includes('&lt;img src=x onerror=alert(2)&gt;'));
  assert.ok(page.text.includes('href="tel:13811112222"'));
});

test('a deactivated household has no card and its link stops working', async () => {
  const h = households[4];
  const anon = new Client(srv.base, '198.51.100.70');
  assert.equal((await anon.get(pathOf(firstLinks[4]))).status, 200);
  const d = await county.post(`/api/v1/households/${h.id}/deactivate`, { reason: '户已迁出' });
  assert.equal(d.status, 200, d.text);
  assert.equal((await anon.get(pathOf(firstLinks[4]))).status, 404);
  const r = await county.get(`/api/v1/cards?household_id=${h.id}`);
  assert.equal(r.status, 409);
  const v = await county.get(`/api/v1/cards?node_id=${village.id}`);
  assert.equal(count(v.text, '<section class="lx-card">'), households.length); // the test's new household came in, this one left
  assert.ok(!links(v.text).includes(firstLinks[4]));
});
