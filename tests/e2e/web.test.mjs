// web.test.mjs -- the web application (web/dist, built by make) in a real browser against
// the real server: log in and change the password, a lockout explained, the households
// list filtered and exported, a member recording a visit on a 375 px screen (through an
// expired session, without losing the diary) and the due list changing, and a case handled
// from the queue page to its closing. Screenshots of each screen go to build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startServer, Client, DEMO_PASSWORD, NEW_PASSWORD, WEB_DIST } from '../api/lib.mjs';
import { SHOTS, launch, context as newContext, login, pairCounty } from './lib.mjs';

const PHONE = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let srv; let county; let browser;

before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is built (make builds it)');
  srv = await startServer({ households: 300, web: true });
  county = await new Client(srv.base).loginReady('county');
  // Pair the county's households with members, so that the member has households to visit.
  await pairCounty(county);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Each browser context comes from its own address (lib.mjs).
const context = (opts = {}) => newContext(browser, opts, 9);

test('log in, the password rules explained, the forced change; a lockout explained', async () => {
  const ctx = await context({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/households');
  await page.waitForURL(/\/login\?next=(%2F|\/)households/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.screenshot({ path: join(SHOTS, 'web-login.png') });
  await page.fill('#lx-username', 'township');
  await page.fill('#lx-password', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/password/);
  await page.getByText('首次登录').waitFor();
  // A password that breaks the rules is explained beside the field, in Chinese.
  await page.fill('#lx-old', DEMO_PASSWORD);
  await page.fill('#lx-new', 'abcdefgh');
  await page.fill('#lx-again', 'abcdefgh');
  await page.click('button[type=submit]');
  await page.getByText('密码须包含大写字母、小写字母、数字、符号中的至少 3 类。').waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-password.png') });
  await page.fill('#lx-new', NEW_PASSWORD);
  await page.fill('#lx-again', NEW_PASSWORD);
  await page.click('button[type=submit]');
  // Back where the user was going.
  await page.waitForURL(/\/households$/);
  // The language switch is remembered.
  await page.selectOption('[data-test=lang]', 'en');
  await page.getByRole('heading', { name: 'Households' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Households' }).waitFor();
  await page.selectOption('[data-test=lang]', 'zh-TW');
  await page.getByRole('heading', { name: '戶籍臺帳' }).waitFor();
  await page.selectOption('[data-test=lang]', 'zh-CN');
  await ctx.close();

  // Five wrong passwords: the sixth attempt says the account is locked, and for how long.
  const c2 = await context();
  const p2 = await c2.newPage();
  await p2.goto(srv.base + '/login');
  for (let i = 0; i < 6; i++) {
    await p2.fill('#lx-username', 'inspector');
    await p2.fill('#lx-password', `Wrong-${i}!x`);
    await p2.click('button[type=submit]');
    await p2.locator('[data-test=login-error]').waitFor();
  }
  const text = await p2.locator('[data-test=login-error]').innerText();
  assert.match(text, /已锁定，请 \d+ 分钟后再试/, text);
  await c2.close();
});

test('the households list: the tree, filters, paging, the detail drawer and the XLSX export', async () => {
  const ctx = await context({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  await login(page, 'county');
  await page.waitForURL(/\/dashboard$/); // staff land on their place's dashboard
  await page.goto(srv.base + '/households');
  const rows = page.locator('[data-test=households] .el-table__body tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 50, 'the first page has 50 households');
  await page.click('[data-test=more]');
  await page.waitForFunction(() => document.querySelectorAll('[data-test=households] .el-table__body tr').length > 50);

  // Filter by difficulty: every row shown is "最大", as many as the API gives.
  const want = (await county.get('/api/v1/households?difficulty=hardest&limit=500')).body.items;
  assert.ok(want.length > 0 && want.length < 50, `${want.length} hardest households`);
  await page.click('[data-test=difficulty]');
  await page.locator('.el-select-dropdown__item:visible', { hasText: '最大' }).click();
  await page.click('[data-test=filter]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=households] .el-table__body tr').length === n, want.length);
  const cells = await rows.locator('td:nth-child(4)').allInnerTexts();
  assert.deepEqual([...new Set(cells.map((s) => s.trim()))], ['最大']);
  assert.equal(await page.locator('[data-test=more]').count(), 0, 'one page only');

  // A place in the tree narrows the list to the households under it.
  const township = (await county.get('/api/v1/nodes?parent_id=1')).body.items[0];
  const under = (await county.get(`/api/v1/households?difficulty=hardest&under=${township.id}&limit=500`)).body.items;
  const item = page.locator(`[data-test=tree] [data-key="${township.id}"] > .el-tree-node__content`);
  assert.match(await item.innerText(), new RegExp(township.name));
  await item.click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=households] .el-table__body tr').length === n
    || (n === 0 && document.querySelector('[data-test=households] .el-table__empty-text')), under.length);
  await page.screenshot({ path: join(SHOTS, 'web-households.png') });

  // The export link carries the same filters and gives an XLSX file.
  const href = await page.locator('[data-test=export]').getAttribute('href');
  assert.match(href, /difficulty=hardest/);
  assert.match(href, new RegExp(`under=${township.id}`));
  const res = await page.request.get(srv.base + href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /spreadsheetml/);

  // The detail drawer shows the household's residents (masked phones).
  await page.click('[data-test=filter]'); // same filters
  const first = want.find((h) => under.some((u) => u.id === h.id)) ?? under[0];
  if (first) {
    await page.getByRole('button', { name: new RegExp(first.head_name) }).first().click();
    await page.locator('[data-test=residents] .el-table__body tr').first().waitFor();
    await page.getByRole('dialog').getByText(first.head_name).first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'web-household-drawer.png') });
  }
  await ctx.close();
});

test('a member records a visit on a phone; an expired session loses nothing; the due list changes', async () => {
  const ctx = await context(PHONE);
  const page = await ctx.newPage();
  const loaded = new Set();
  page.on('response', (r) => { const u = new URL(r.url()); if (/\.(js|css)$/.test(u.pathname)) loaded.add(u.pathname); });
  await page.goto(srv.base + '/');
  await login(page, 'member');
  await page.waitForURL(/\/m$/);
  const list = page.locator('[data-test=my-households] > li');
  await list.first().waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-phone-my.png'), fullPage: false });

  // The JS and CSS the member's first screen loaded, gzipped.
  let gz = 0; let raw = 0;
  for (const p of loaded) {
    const body = readFileSync(join(WEB_DIST, p));
    raw += body.length;
    gz += gzipSync(body, { level: 9 }).length;
  }
  const kb = (n) => Math.round(n / 1024);
  writeFileSync(join(SHOTS, 'web-phone-bytes.txt'), `files ${loaded.size} raw ${kb(raw)} KB gzipped ${kb(gz)} KB\n`);
  console.log(`member's first phone screen: ${loaded.size} JS/CSS files, ${kb(raw)} KB, ${kb(gz)} KB gzipped`);
  assert.ok(gz < 250 * 1024, `gzipped JS+CSS ${kb(gz)} KB < 250 KB`);

  // Touch targets and type large enough.
  const btn = await list.first().locator('button').boundingBox();
  assert.ok(btn.height >= 44, `visit button ${btn.height}px high`);
  const font = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.lx-addr')).fontSize));
  assert.ok(font >= 16, `font ${font}px`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no sideways scrolling (${width}px)`);

  // A household never visited, not the first, so that the order can change.
  const badges = await list.evaluateAll((els) => els.map((e) => [Number(e.dataset.household), e.dataset.badge]));
  const never = badges.filter(([, b]) => b === 'never');
  assert.ok(never.length >= 2, `households never visited: ${JSON.stringify(badges)}`);
  const [hid] = never[0];
  const posBefore = badges.findIndex(([id]) => id === hid);
  await page.locator(`[data-household="${hid}"] button`).click();
  await page.waitForURL(/\/m\/visit\?h=/);
  await page.locator('#lx-notes').fill('屋顶漏雨，已联系村里维修。老人身体尚好。');
  await page.screenshot({ path: join(SHOTS, 'web-phone-visit.png') });

  // The session ends (cookie gone) while the diary is being typed: sending it leads to
  // the login page, and after logging in the same form comes back with the diary.
  await ctx.clearCookies();
  await page.click('[data-test=send]');
  await page.waitForURL(/\/login\?next=/);
  await page.locator('[data-test=expired]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-phone-expired.png') });
  await login(page, 'member', { password: NEW_PASSWORD });
  await page.waitForURL(/\/m\/visit\?h=/);
  await page.locator('[data-test=draft]').waitFor();
  assert.equal(await page.locator('#lx-notes').inputValue(), '屋顶漏雨，已联系村里维修。老人身体尚好。');
  await page.click('[data-test=send]');
  await page.waitForURL(/\/m$/);

  // The household is now visited today and has moved down the list.
  const row = page.locator(`[data-household="${hid}"]`);
  await row.and(page.locator('[data-badge=ok]')).waitFor();
  assert.match(await row.locator('[data-test=badge]').innerText(), /今天已走访/);
  const after = await list.evaluateAll((els) => els.map((e) => Number(e.dataset.household)));
  assert.ok(after.indexOf(hid) > posBefore, `moved from ${posBefore} to ${after.indexOf(hid)}`);
  await page.screenshot({ path: join(SHOTS, 'web-phone-after.png') });
  // The server agrees, and the draft is gone.
  const me = (await (await page.request.get(srv.base + '/api/v1/auth/me')).json());
  const contacts = await (await page.request.get(`${srv.base}/api/v1/contacts?member_id=${me.member_id}`)).json();
  assert.equal(contacts.items.filter((c) => c.notes?.startsWith('屋顶漏雨')).length, 1, 'recorded once');
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('lx_draft:')).length), 0);
  await ctx.close();
});

test('a case handled from the queue page: assign, start, resolve, rating by phone, close', async () => {
  const village = (await county.get('/api/v1/nodes?level=3&limit=1')).body.items[0];
  // A call without a household: staff take its rating by phone (a household's case is rated
  // by the resident through the card link).
  const opened = await county.post('/api/v1/cases', { channel: 'phone', category: 'water', text: '村口自来水管破裂，漏水严重', node_id: village.id });
  assert.equal(opened.status, 201, opened.text);
  const member = (await county.get(`/api/v1/members?under=${village.id}&limit=1`)).body.items[0];
  assert.ok(member, 'a member in the village');

  const ctx = await context({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/cases');
  await login(page, 'county');
  await page.waitForURL(/\/cases/);
  await page.getByRole('link', { name: new RegExp(opened.body.code) }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-cases.png') });
  // The state filter narrows the queue.
  await page.click('[data-test=state]');
  await page.locator('.el-select-dropdown__item:visible', { hasText: '已受理' }).click();
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByRole('link', { name: new RegExp(opened.body.code) }).click();
  await page.waitForURL(new RegExp(`/cases/${opened.body.id}$`));
  const state = page.locator('[data-test=state]');
  assert.equal((await state.innerText()).trim(), '已受理');

  async function act(action, fill) {
    await page.click(`[data-action="${action}"]`);
    if (fill) await fill();
    await page.click('[data-test=action-send]');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  }
  await act('assign', async () => {
    await page.click('[data-test=member]');
    await page.keyboard.type(member.name);
    await page.locator('.el-select-dropdown__item:visible', { hasText: member.name }).first().click();
  });
  await state.getByText('已交办').waitFor();
  await act('start');
  await state.getByText('办理中').waitFor();
  // A resolution without text is refused beside the field, before any request.
  await page.click('[data-action="resolve"]');
  await page.click('[data-test=action-send]');
  await page.getByRole('dialog').getByText('此项必填').waitFor();
  await page.locator('#lx-action-text').fill('已更换破损管段，恢复供水。');
  await page.click('[data-test=action-send]');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  await state.getByText('已办结').waitFor();
  await act('rate', () => page.getByRole('dialog').getByText('基本满意').click());
  await state.getByText('已评价').waitFor();
  await act('close');
  await state.getByText('已关闭').waitFor();
  const steps = await page.locator('[data-test=timeline] .el-timeline-item').count();
  assert.ok(steps >= 6, `${steps} steps in the timeline`);
  await page.getByText('已更换破损管段，恢复供水。').first().waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-case.png'), fullPage: true });
  const c = (await county.get(`/api/v1/cases/${opened.body.id}`)).body;
  assert.equal(c.state, 'closed');
  assert.equal(c.rating, 'basic');
  assert.equal(c.assignee_member_id, member.id);
  await ctx.close();
});
