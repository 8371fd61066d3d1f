// web_links.test.mjs -- the manual side of pairing in the web application
// (web/src/modules/links) in a real browser against the real server: a township admin pairs a
// member with a household by hand and sees it in the list and in the API; beyond the member's
// quota, or for a household already paired, the server's reason shows beside the field and
// nothing is written; ending asks for a confirmation with the reason and the pairing leaves
// the active list; an assistance pairing's task is added (and locks the pairing) and closed;
// a unit is linked with a village and the link ended; a leader's contact point is added and
// ended; the place's contact saved is printed on the village's cards; a village secretary of
// another township sees none of it, not even by the pairing's address; a member gets no
// entry. Screenshots go to build/screenshots/web-links-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, WEB_DIST } from '../api/lib.mjs';
import { SHOTS, launch, openAs } from './lib.mjs';

let srv; let county; let browser;
let town;        // the township admin's township
let village;     // a village (community) of it
let otherVillage; // a village of another township
let hh;          // three households of the village whose head's name is unique: [paired, refused, assisted]
let m1; let m2;  // two members living in the village (m1 with a quota of 1)
let cadre;       // a cadre of a unit linked with the village
let secretary;   // {username, password} of a village secretary of the other township

before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is built (make builds it)');
  srv = await startServer({ households: 300, web: true });
  county = await new Client(srv.base).loginReady('county');
  const me = (await new Client(srv.base).loginReady('township').then((c) => c.get('/api/v1/auth/me'))).body;
  town = (await county.get(`/api/v1/nodes/${me.node_id}`)).body;
  village = (await county.get(`/api/v1/nodes?level=3&under=${town.id}&limit=1`)).body.items[0];
  const other = (await county.get('/api/v1/nodes?level=2')).body.items.find((n) => n.id !== town.id);
  otherVillage = (await county.get(`/api/v1/nodes?level=3&under=${other.id}&limit=1`)).body.items[0];
  const all = (await county.get(`/api/v1/households?under=${village.id}&limit=60`)).body.items;
  const names = (await county.get('/api/v1/households?limit=500')).body.items.map((h) => h.head_name);
  hh = all.filter((h) => names.filter((n) => n === h.head_name).length === 1).slice(0, 3);
  assert.equal(hh.length, 3, 'three households with unique heads');
  const members = (await county.get(`/api/v1/members?under=${village.id}&limit=50`)).body.items.filter((m) => !m.unit_id);
  [m1, m2] = members;
  assert.ok(m1 && m2, 'two members live in the village');
  assert.equal((await county.patch(`/api/v1/members/${m1.id}`, { liaison_quota: 1 })).status, 200);
  const link = (await county.get(`/api/v1/unit-villages?node_id=${village.id}`)).body.items[0];
  assert.ok(link, 'the demo links a unit with the village');
  cadre = (await county.get(`/api/v1/members?unit_id=${link.unit_id}&limit=50`)).body.items.find((m) => m.rank !== 'member');
  const sys = await new Client(srv.base).loginReady('sysadmin');
  const made = await sys.post('/api/v1/users', { username: 'liu.shuji', display_name: '刘书记', role: 'village_secretary', node_id: otherVillage.id });
  assert.equal(made.status, 201, made.text);
  secretary = { username: 'liu.shuji', password: made.body.initial_password };
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});


const open = (username, path, as) => openAs(browser, srv.base, username, path, { net: 9, as });

// The township admin's pages, one browser context for the whole file.
let tp;
async function townPage(path) {
  if (!tp) tp = await open('township', path);
  else await tp.page.goto(srv.base + path);
  return tp.page;
}

// Choose the village in the tree (the township is the root, open).
async function chooseVillage(page) {
  await page.locator(`[data-test=tree] [data-key="${village.id}"] > .el-tree-node__content`).click();
}

// Type into a searchable select and pick the option showing `text`.
async function pick(page, sel, typed, text = typed) {
  await page.locator(`${sel} input`).fill(typed);
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

const rows = (page, table) => page.locator(`[data-test=${table}] .el-table__body tr`);
const fieldError = (page, scope, label) => page.locator(`${scope} .el-form-item.is-error`, { has: page.locator('.el-form-item__label', { hasText: label }) }).locator('.el-form-item__error');

test('a township admin pairs by hand: the pair is listed and in force; over the quota or already paired, the reason shows beside the field and nothing is written', async () => {
  const page = await townPage('/links/pairings');
  await page.getByRole('link', { name: '结对名单' }).waitFor();
  await chooseVillage(page);
  await page.locator('[data-test=place]').getByText(village.name).waitFor();
  await page.click('[data-test=pair-new]');
  const dlg = '[data-test=pair-dialog]';
  await pick(page, '[data-test=p-household]', hh[0].head_name);
  await pick(page, '[data-test=p-member]', m1.name);
  await page.locator('[data-test=p-held]').getByText('当前已有党员联户结对 0 户').waitFor();
  await page.fill('#lx-p-reason', '新迁入户，就近联系');
  await page.click('[data-test=p-send]');
  await page.locator(`${dlg}`).waitFor({ state: 'hidden' });
  const row = rows(page, 'pairings').filter({ hasText: hh[0].head_name });
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(`党员联户[\\s\\S]*${m1.name}[\\s\\S]*手工[\\s\\S]*新迁入户，就近联系[\\s\\S]*有效`));
  const inForce = (await county.get(`/api/v1/pairings?household_id=${hh[0].id}`)).body.items;
  assert.equal(inForce.length, 1);
  assert.equal(inForce[0].member_id, m1.id);
  assert.equal(inForce[0].layer, 'liaison');
  assert.equal(inForce[0].source, 'manual');
  assert.equal(inForce[0].reason, '新迁入户，就近联系');

  // m1's quota is one household: the second is refused beside the member, nothing written.
  await page.click('[data-test=pair-new]');
  await pick(page, '[data-test=p-household]', hh[1].head_name);
  await pick(page, '[data-test=p-member]', m1.name);
  await page.locator('[data-test=p-held]').getByText('当前已有党员联户结对 1 户').waitFor();
  await page.fill('#lx-p-reason', '再联系一户');
  await page.click('[data-test=p-send]');
  await fieldError(page, dlg, '党员或干部').getByText('这名党员已联系 1 户（上限 1 户）').waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-links-quota.png') });
  assert.deepEqual((await county.get(`/api/v1/pairings?household_id=${hh[1].id}&active=all`)).body.items, []);
  // The first household with another member: it has its liaison member already.
  await pick(page, '[data-test=p-household]', hh[0].head_name);
  await pick(page, '[data-test=p-member]', m2.name);
  await page.click('[data-test=p-send]');
  await fieldError(page, dlg, '户').getByText('这一户已有联户党员，请先解除那个结对').waitFor();
  assert.equal(await fieldError(page, dlg, '党员或干部').count(), 0, 'the member\'s refusal is gone');
  assert.deepEqual((await county.get(`/api/v1/pairings?member_id=${m2.id}&active=all`)).body.items, []);
  await page.locator(dlg).getByRole('button', { name: '取消' }).click();
  await page.screenshot({ path: join(SHOTS, 'web-links-pairings.png'), fullPage: true });
});

test('ending a pairing asks for a confirmation with the reason; the pairing leaves the active list', async () => {
  const page = await townPage('/links/pairings');
  const row = rows(page, 'pairings').filter({ hasText: hh[0].head_name });
  await row.waitFor();
  const before = await rows(page, 'pairings').count();
  await row.getByRole('button', { name: '解除' }).click();
  const dlg = page.locator('[data-test=end-dialog]');
  await dlg.getByText(`确定解除 ${m1.name} 与 ${hh[0].head_name} 户的党员联户结对吗？`).waitFor();
  await page.click('[data-test=end-confirm]');
  await fieldError(page, '[data-test=end-dialog]', '理由').getByText('请说明理由（至少 2 个字）').waitFor();
  assert.equal((await county.get(`/api/v1/pairings?household_id=${hh[0].id}`)).body.items.length, 1, 'nothing ended before the confirmation');
  await page.fill('#lx-end-reason', '户已迁出');
  await page.click('[data-test=end-confirm]');
  await dlg.waitFor({ state: 'hidden' });
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=pairings] .el-table__body tr').length === n, before - 1);
  assert.equal(await rows(page, 'pairings').filter({ hasText: hh[0].head_name }).count(), 0);
  const ended = (await county.get(`/api/v1/pairings?household_id=${hh[0].id}&active=0`)).body.items;
  assert.equal(ended.length, 1);
  assert.equal(ended[0].end_reason, '户已迁出');
  // the ended ones are one filter away
  await page.locator('[data-test=f-status]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '已解除' }).click();
  await page.click('[data-test=filter]');
  await rows(page, 'pairings').filter({ hasText: '户已迁出' }).waitFor();
});

test('an assistance pairing\'s task is added, holds the pairing, and is closed after a confirmation', async () => {
  const made = await county.post('/api/v1/pairings', { layer: 'assistance', household_id: hh[2].id, member_id: cadre.id, reason: '双包双联' });
  assert.equal(made.status, 201, made.text);
  const page = await townPage(`/links/pairings/${made.body.id}`);
  await page.locator('[data-test=facts] [data-fact=household]').getByText(hh[2].head_name).waitFor();
  await page.locator('[data-test=tasks]').getByText('还没有帮扶任务').waitFor();
  await page.click('[data-test=task-add]');
  await fieldError(page, '.lx-addform', '任务内容').getByText('此项必填').waitFor();
  await page.fill('#lx-task-title', '帮助发展种养业，增加收入');
  await page.click('[data-test=task-add]');
  const task = rows(page, 'tasks').filter({ hasText: '帮助发展种养业' });
  await task.getByText('进行中').waitFor();
  const listed = (await county.get(`/api/v1/pairings/${made.body.id}/tasks`)).body.items;
  assert.deepEqual(listed.map((k) => [k.title, k.status]), [['帮助发展种养业，增加收入', 'open']]);
  // the open task holds the pairing: the server's reason is shown
  await page.locator('[data-test=open-tasks]').waitFor();
  await page.click('[data-test=end]');
  await page.fill('#lx-end-reason', '帮扶结束');
  await page.click('[data-test=end-confirm]');
  await page.locator('[data-test=end-error]').getByText('还有 1 项帮扶任务没有完成，请先完成').waitFor();
  await page.locator('[data-test=end-dialog]').getByRole('button', { name: '取消' }).click();
  await page.screenshot({ path: join(SHOTS, 'web-links-tasks.png'), fullPage: true });
  // closing asks first
  await task.locator('[data-test=task-close]').click();
  const box = page.locator('.el-message-box');
  await box.getByText('确定将任务“帮助发展种养业，增加收入”标记为完成吗？').waitFor();
  await box.getByRole('button', { name: '完成任务' }).click();
  await task.getByText('已完成').waitFor();
  assert.equal((await county.get(`/api/v1/pairings/${made.body.id}/tasks`)).body.items[0].status, 'closed');
});

test('a unit is linked with a village, refused when linked already, and the link ended after a confirmation', async () => {
  const page = await townPage('/links/places');
  await page.getByRole('link', { name: '联村与联系点' }).waitFor();
  await chooseVillage(page);
  // A unit of the township (a county unit is outside a township admin's reach: units are
  // scoped by their place like every registry).
  const unit = (await county.post('/api/v1/units', { node_id: town.id, name: '街道中心小学', kind: 'school' })).body;
  await rows(page, 'unit-villages').first().getByText(village.name).waitFor();
  const before = await rows(page, 'unit-villages').count();
  await pick(page, '[data-test=uv-unit]', unit.name);
  assert.match(await page.locator('[data-test=uv-village]').innerText(), new RegExp(village.name), 'the village chosen in the tree');
  await page.fill('#lx-uv-reason', '双包双联安排');
  await page.click('[data-test=uv-send]');
  const row = rows(page, 'unit-villages').filter({ hasText: unit.name });
  await row.waitFor();
  assert.equal(await rows(page, 'unit-villages').count(), before + 1);
  const made = (await county.get(`/api/v1/unit-villages?unit_id=${unit.id}`)).body.items;
  assert.deepEqual(made.map((u) => [u.node_id, u.reason, u.active]), [[village.id, '双包双联安排', true]]);
  // the same link again: the server's reason beside the village
  await pick(page, '[data-test=uv-unit]', unit.name);
  await page.fill('#lx-uv-reason', '再联一次');
  await page.click('[data-test=uv-send]');
  await fieldError(page, '[data-test=uv-form]', '村（社区）').getByText('这个单位已经与这个村结对了').waitFor();
  await row.getByRole('button', { name: '解除' }).click();
  await page.locator('[data-test=end-dialog]').getByText(`确定解除 ${unit.name} 与 ${village.name} 的联村关系吗？`).waitFor();
  await page.fill('#lx-end-reason', '调整帮扶力量');
  await page.click('[data-test=end-confirm]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=unit-villages] .el-table__body tr').length === n, before);
  assert.deepEqual((await county.get(`/api/v1/unit-villages?unit_id=${unit.id}&active=0`)).body.items.map((u) => u.id), [made[0].id]);
});

test('a leader\'s contact point is added and ended; the village\'s contact saved is printed on its cards', async () => {
  const page = await townPage('/links/places');
  await chooseVillage(page);
  await page.getByRole('tab', { name: '领导联系点' }).click();
  const lead = (await county.get('/api/v1/members?rank=county_leader&limit=5')).body.items[0];
  const branch = (await county.get(`/api/v1/orgs?kind=branch&under=${village.id}&limit=1`)).body.items[0];
  await pick(page, '[data-test=cp-leader]', lead.name);
  await pick(page, '[data-test=cp-org]', branch.name);
  assert.match(await page.locator('[data-test=cp-kind]').innerText(), /软弱涣散党组织/, 'the kind preset for the leader');
  await page.fill('#lx-cp-reason', '该社区支部软弱涣散，县领导包联');
  await page.click('[data-test=cp-send]');
  const row = rows(page, 'contact-points').filter({ hasText: lead.name });
  await row.getByText(branch.name).waitFor();
  const cps = (await county.get(`/api/v1/contact-points?node_id=${village.id}`)).body.items;
  assert.deepEqual(cps.map((c) => [c.member_id, c.org_id, c.kind]), [[lead.id, branch.id, 'weak_branch']]);
  await page.screenshot({ path: join(SHOTS, 'web-links-points.png'), fullPage: true });
  await row.getByRole('button', { name: '解除' }).click();
  await page.locator('[data-test=end-dialog]').getByText(`确定解除 ${lead.name} 对 ${branch.name} 的联系吗？`).waitFor();
  await page.fill('#lx-end-reason', '支部已晋位升级');
  await page.click('[data-test=end-confirm]');
  await row.waitFor({ state: 'detached' });
  assert.equal((await county.get(`/api/v1/contact-points?node_id=${village.id}&active=0`)).body.items[0].id, cps[0].id);

  // the contact the village's cards print
  await page.getByRole('tab', { name: '连心卡联系人' }).click();
  await page.fill('#lx-ct-name', '社区书记王红');
  await page.fill('#lx-ct-phone', '13700001111');
  await page.click('[data-test=ct-send]');
  await page.locator('[data-test=contact-now] [data-fact=name]').getByText('社区书记王红').waitFor();
  await page.locator('[data-test=contact-now] [data-fact=phone]').getByText('137****1111').waitFor();
  const cards = await county.get(`/api/v1/cards?household_id=${hh[2].id}`);
  assert.equal(cards.status, 200);
  assert.match(cards.text, /社区书记王红/);
  assert.match(cards.text, /村（社区）联系人：<b>社区书记王红<\/b> <span class="tel">13700001111<\/span>/);
});

test('a village secretary of another township sees none of these pairings, not even by address; a member gets no entry', async () => {
  const pair = (await county.get(`/api/v1/pairings?household_id=${hh[2].id}`)).body.items[0];
  const { ctx, page } = await open(secretary.username, '/links/pairings', { password: secretary.password });
  await page.locator('[data-test=pairings]').getByText('暂无数据').waitFor();
  assert.equal(await rows(page, 'pairings').count(), 0);
  assert.equal(await page.locator('[data-test=pair-new]').count(), 1, 'a village secretary may pair in their own village');
  await page.goto(`${srv.base}/links/pairings/${pair.id}`);
  await page.locator('[data-test=not-found]').getByText('未找到，或不在您的管辖范围内').waitFor();
  assert.equal(await page.locator('[data-test=facts]').count(), 0);
  assert.equal(await page.getByText(hh[2].head_name).count(), 0);
  await page.screenshot({ path: join(SHOTS, 'web-links-other-township.png') });
  // what the page asked for, asked directly
  const r = await page.request.get(`${srv.base}/api/v1/pairings/${pair.id}/tasks`);
  assert.equal(r.status(), 404);
  // no form for unit links for the secretary's changes: the list is read-only
  await page.goto(`${srv.base}/links/places`);
  await page.locator('[data-test=unit-villages]').waitFor();
  assert.equal(await page.locator('[data-test=uv-form]').count(), 0, 'pairing.run is not the secretary\'s');
  await ctx.close();

  const m = await open('member', '/m');
  assert.equal(await m.page.getByRole('link', { name: '结对名单' }).count(), 0);
  await m.page.goto(`${srv.base}/links/pairings`);
  await m.page.waitForURL((u) => u.pathname !== '/links/pairings');
  await m.ctx.close();
  await tp?.ctx.close();
});
