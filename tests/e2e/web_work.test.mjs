// web_work.test.mjs -- the work screens of the web application (web/src/modules/work) in a
// real browser against the real server: a resident's request from the card page handled in the
// web app (the village escalates it; the township replies, assigns, starts, resolves), rated
// on the card page, and the dashboard's three rates changing with it; the dashboard drilled
// down and the rates page; a case opened by staff in the form; a member's cases on a 375 px
// screen. Screenshots go to build/screenshots/web-work-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, WEB_DIST } from '../api/lib.mjs';
import { SHOTS, launch, context as newContext, login, PHONE, DESK, openAs, pairCounty } from './lib.mjs';

let srv; let county; let browser; let villageMe; let townshipMe; let token; let household;

before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is built (make builds it)');
  srv = await startServer({ households: 300, web: true });
  county = await new Client(srv.base).loginReady('county');
  await pairCounty(county);
  villageMe = (await (await new Client(srv.base).loginReady('village')).get('/api/v1/auth/me')).body;
  townshipMe = (await (await new Client(srv.base).loginReady('township')).get('/api/v1/auth/me')).body;
  assert.equal((await county.get(`/api/v1/nodes/${villageMe.node_id}`)).body.parent_id, townshipMe.node_id,
    'the village secretary\'s village is in the township admin\'s township');
  household = (await county.get(`/api/v1/households?under=${villageMe.node_id}&limit=1`)).body.items[0];
  const cards = await county.get(`/api/v1/cards?household_id=${household.id}`);
  token = /\/r\/([A-Za-z0-9_-]{32})/.exec(cards.text)[1];
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Each browser context comes from its own address (lib.mjs).
const context = (opts = {}) => newContext(browser, opts, 8);

// A page logged in as `username` at `path`.
const open = (username, path, view = DESK) => openAs(browser, srv.base, username, path, { view, net: 8 });

// The dashboard's figures once every panel has its data and the charts are drawn.
async function dashboard(page) {
  await page.locator('[data-test=dashboard][data-ready=true]').waitFor({ timeout: 30000 });
  const text = (sel) => page.locator(`[data-test=${sel}]`).first().innerText().then((s) => s.trim());
  return { received: await text('received'), response: await text('rate-response'),
    resolution: await text('rate-resolution'), satisfaction: await text('rate-satisfaction') };
}

// On a case page: take an action through its dialog.
async function act(page, action, fill) {
  await page.click(`[data-action="${action}"]`);
  if (fill) await fill();
  await page.click('[data-test=action-send]');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
}

test('a resident\'s request handled in the web app through escalation to rating; the dashboard\'s rates change', async () => {
  // The township's dashboard before: no case this month, the rates have nothing to divide by.
  const tw = await open('township', '/dashboard');
  const before0 = await dashboard(tw.page);
  assert.deepEqual(before0, { received: '0', response: '—', resolution: '—', satisfaction: '—' });
  await tw.page.locator('[data-test=trend-rates] canvas').first().waitFor();
  await tw.page.screenshot({ path: join(SHOTS, 'web-work-dashboard-before.png'), fullPage: true });

  // The resident sends a request from the card page at 375 px.
  const rc = await context(PHONE);
  const rp = await rc.newPage();
  assert.equal((await rp.goto(`${srv.base}/r/${token}`)).status(), 200);
  await rp.selectOption('#category', 'water');
  await rp.fill('#text', '自来水三天没来了，家里老人用水困难');
  await Promise.all([rp.waitForNavigation(), rp.click('button[type=submit]')]);
  const code = /cases\/([A-Z0-9]{8})/.exec(rp.url())[1];
  await rp.screenshot({ path: join(SHOTS, 'web-work-resident-sent.png'), fullPage: true });

  // The village secretary finds it in the village's queue and escalates it.
  const vg = await open('village', '/cases?queue=node');
  await vg.page.getByRole('link', { name: new RegExp(code) }).click();
  await vg.page.waitForURL(/\/cases\/\d+$/);
  const id = Number(/\/cases\/(\d+)$/.exec(vg.page.url())[1]);
  await act(vg.page, 'escalate', () => vg.page.locator('#lx-action-text').fill('需协调乡镇供水站，村里无法单独解决'));
  let c = (await county.get(`/api/v1/cases/${id}`)).body;
  assert.equal(c.level, 'township', 'escalated to the township');
  await vg.page.screenshot({ path: join(SHOTS, 'web-work-escalated.png'), fullPage: true });
  await vg.ctx.close();

  // The township admin finds it in the township's queue, replies, assigns, starts and resolves it.
  const member = (await county.get(`/api/v1/members?under=${townshipMe.node_id}&limit=1`)).body.items[0];
  const page = tw.page;
  await page.goto(srv.base + '/cases?queue=node');
  await page.getByRole('link', { name: new RegExp(code) }).click();
  await page.waitForURL(new RegExp(`/cases/${id}$`));
  await act(page, 'reply', () => page.locator('#lx-action-text').fill('已联系乡供水站，明天上午派人检修'));
  await act(page, 'assign', async () => {
    await page.click('[data-test=member]');
    await page.keyboard.type(member.name);
    await page.locator('.el-select-dropdown__item:visible', { hasText: member.name }).first().click();
  });
  const state = page.locator('[data-test=state]');
  await state.getByText('已交办').waitFor();
  await act(page, 'start');
  await state.getByText('办理中').waitFor();
  await act(page, 'resolve', () => page.locator('#lx-action-text').fill('更换了进村主管道阀门，已恢复供水'));
  await state.getByText('已办结').waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-work-resolved.png'), fullPage: true });

  // The resident rates it on the card page.
  await rp.goto(`${srv.base}/r/${token}/cases/${code}`);
  assert.ok((await rp.locator('body').innerText()).includes('更换了进村主管道阀门，已恢复供水'));
  await rp.check('input[name=rating][value=satisfied]');
  await Promise.all([rp.waitForNavigation(), rp.click('button[type=submit]')]);
  assert.match(rp.url(), /\?ok=rated$/);
  await rc.close();
  c = (await county.get(`/api/v1/cases/${id}`)).body;
  assert.equal(c.state, 'rated');

  // The dashboard now counts it: one case, answered in time, resolved, satisfied.
  await page.goto(srv.base + '/dashboard');
  const after1 = await dashboard(page);
  assert.deepEqual(after1, { received: '1', response: '100.0%', resolution: '100.0%', satisfaction: '100.0%' });
  const api = (await county.get(`/api/v1/rates?node_id=${townshipMe.node_id}&month=${c.opened_at.slice(0, 7)}`)).body.totals;
  assert.equal(api.received, 1);
  await page.screenshot({ path: join(SHOTS, 'web-work-dashboard-after.png'), fullPage: true });

  // The rates page: the month, the village's row, and how each rate is counted.
  await page.click('[data-test=rates] a');
  await page.waitForURL(/\/rates\?/);
  const row = page.locator('[data-test=rates-table] .el-table__body tr', { has: page.locator(`[data-node="${villageMe.node_id}"]`) });
  await row.waitFor();
  assert.deepEqual(await row.locator('[data-test=response], [data-test=resolution], [data-test=satisfaction]').allInnerTexts(),
    ['100.0%', '100.0%', '100.0%']);
  await page.getByText('响应时限内首次答复').waitFor();
  // An earlier month has none of it.
  const prev = new Date(Date.UTC(Number(c.opened_at.slice(0, 4)), Number(c.opened_at.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
  await page.goto(`${srv.base}/rates?node_id=${townshipMe.node_id}&month=${prev}`);
  await row.waitFor();
  assert.equal((await row.locator('[data-test=response]').innerText()).trim(), '—');
  await page.screenshot({ path: join(SHOTS, 'web-work-rates.png'), fullPage: true });
  assert.deepEqual(tw.errors, []);
  await tw.ctx.close();
});

test('the county\'s dashboard is the landing page, drills down to a child place, and shows every panel', async () => {
  const ctx = await context(DESK);
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  await login(page, 'county');
  await page.goto(srv.base + '/');
  await page.waitForURL(/\/dashboard$/);
  const top = await dashboard(page);
  assert.equal(top.received, '1');
  const coverage = (await county.get('/api/v1/coverage?node_id=1')).body;
  assert.equal(await page.locator('[data-test=households]').innerText(), String(coverage.node.households));
  for (const panel of ['coverage', 'contacts', 'rates', 'overdue', 'trend-rates', 'trend-contacts', 'children', 'behind'])
    assert.equal(await page.locator(`[data-test=${panel}]`).count(), 1, panel);
  await page.screenshot({ path: join(SHOTS, 'web-work-dashboard-county.png'), fullPage: true });
  // Down to the township, and back up through the breadcrumb.
  await page.locator(`[data-test=children-table] [data-node="${townshipMe.node_id}"]`).click();
  await page.waitForURL(new RegExp(`node_id=${townshipMe.node_id}`));
  const down = await dashboard(page);
  assert.equal(down.received, '1');
  const tw = (await county.get(`/api/v1/nodes/${townshipMe.node_id}`)).body;
  await page.getByRole('heading', { name: new RegExp(tw.name) }).waitFor();
  await page.locator(`[data-test=children-table] [data-node="${villageMe.node_id}"]`).waitFor();
  await page.locator('[data-test=crumbs] a').first().click();
  await page.waitForURL(/node_id=1$/);
  await page.locator(`[data-test=children-table] [data-node="${townshipMe.node_id}"]`).waitFor();
  // In English too.
  await page.selectOption('[data-test=lang]', 'en');
  await page.getByRole('heading', { name: 'The three rates this month' }).waitFor();
  await page.selectOption('[data-test=lang]', 'zh-CN');
  await ctx.close();
});

test('staff open a case in the form; the member sees it in "my cases" on a phone and starts it', async () => {
  const memberMe = (await (await new Client(srv.base).loginReady('member')).get('/api/v1/auth/me')).body;
  const pair = (await county.get(`/api/v1/pairings?member_id=${memberMe.member_id}&layer=liaison`)).body.items[0];
  assert.ok(pair, 'the member has a household');
  const h = (await county.get(`/api/v1/households/${pair.household_id}`)).body;

  const { ctx, page, errors } = await open('county', '/cases/new');
  // Without a category, text and household, the form says so beside each field.
  await page.click('[data-test=open]');
  await page.getByText('此项必填').first().waitFor();
  assert.equal(await page.getByText('此项必填').count(), 3);
  await page.locator('[data-test=channel] label', { hasText: '来电' }).click();
  await page.click('[data-test=category]');
  await page.locator('.el-select-dropdown__item:visible', { hasText: '道路' }).first().click();
  await page.locator('#lx-nc-text').fill('组上的便道塌了一段，电瓶车过不去');
  await page.locator('#lx-nc-phone').fill('139 1234 5678');
  await page.click('[data-test=household]');
  await page.keyboard.type(h.head_name);
  await page.locator('.el-select-dropdown__item:visible', { hasText: h.head_name }).first().click();
  await page.screenshot({ path: join(SHOTS, 'web-work-new-case.png'), fullPage: true });
  await page.click('[data-test=open]');
  await page.waitForURL(/\/cases\/\d+$/);
  const id = Number(/\/cases\/(\d+)$/.exec(page.url())[1]);
  const c = (await county.get(`/api/v1/cases/${id}`)).body;
  assert.equal(c.channel, 'phone');
  assert.equal(c.category, 'roads');
  assert.equal(c.household_id, h.id);
  assert.equal(c.phone, '139****5678');
  assert.deepEqual(errors, []);
  await ctx.close();
  const assigned = await county.post(`/api/v1/cases/${id}/assign`, { member_id: memberMe.member_id });
  assert.equal(assigned.status, 200, assigned.text);

  // The member, on a phone: "my cases" from the header, the case, and its first step.
  const m = await context(PHONE);
  const mp = await m.newPage();
  const perrors = [];
  mp.on('pageerror', (e) => perrors.push(String(e)));
  const loaded = [];
  mp.on('response', (r) => loaded.push(new URL(r.url()).pathname));
  await mp.goto(srv.base + '/');
  await login(mp, 'member');
  await mp.waitForURL(/\/m$/);
  await mp.getByRole('link', { name: '我的诉求' }).click();
  await mp.waitForURL(/\/m\/cases$/);
  const item = mp.locator(`[data-test=my-cases] [data-case="${id}"]`);
  await item.waitFor();
  assert.match(await item.innerText(), /组上的便道塌了一段/);
  assert.match(await item.locator('[data-test=state]').innerText(), /已交办/);
  const m1 = await mp.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
    h: document.querySelector('[data-test=my-cases] a').getBoundingClientRect().height }));
  assert.ok(m1.sw <= m1.cw, `no sideways scrolling (${m1.sw} > ${m1.cw})`);
  assert.ok(m1.h >= 44, `a case is a large touch target (${m1.h}px)`);
  assert.ok(!loaded.some((p) => /DashboardView/.test(p)), 'the phone does not load the dashboard (nor ECharts)');
  await mp.screenshot({ path: join(SHOTS, 'web-work-my-cases.png') });
  await item.locator('a').click();
  await mp.waitForURL(new RegExp(`/m/cases/${id}$`));
  await mp.locator('[data-test=text]').getByText('组上的便道塌了一段').waitFor();
  await mp.click('[data-action=start]');
  await mp.locator('[data-test=state]').getByText('办理中').waitFor();
  // A resolution without a word is refused before any request.
  await mp.click('[data-action=resolve]');
  await mp.getByRole('alert').getByText('请先填写办理说明').waitFor();
  await mp.locator('#lx-my-text').fill('已请村里修好便道');
  await mp.click('[data-action=resolve]');
  await mp.locator('[data-test=state]').getByText('已办结').waitFor();
  const m2 = await mp.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  assert.ok(m2, 'the case page does not scroll sideways');
  await mp.screenshot({ path: join(SHOTS, 'web-work-my-case.png'), fullPage: true });
  assert.equal((await county.get(`/api/v1/cases/${id}`)).body.state, 'resolved');
  assert.deepEqual(perrors, []);
  await m.close();
});
