// web_registry.test.mjs -- the registries in the web application (web/src/modules/registry) in
// a real browser against the real server: a village secretary registers a household in their
// village and finds it by its name in Traditional characters; a resident with a bad ID number
// is refused beside the field and not created; full values are shown only after a reason
// (audited); deactivating asks first and the row leaves the list; the export is an XLSX file
// (with full values only after a reason); the county admin changes a member's phone and edits
// the tree; a township admin sees nothing of another township, and the administrators get no
// registry at all.
// Screenshots go to build/screenshots/web-registry-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, WEB_DIST, idno, listAll } from '../api/lib.mjs';
import { SHOTS, launch, openAs } from './lib.mjs';

const NAME = '聂卫东'; // registered in the test; searched for as 聶衛東
const shot = (page, name, fullPage = false) => page.screenshot({ path: join(SHOTS, `web-registry-${name}.png`), fullPage });

let srv; let browser; let county; let village; let villageMe; let household; let secretary;

before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is built (make builds it)');
  srv = await startServer({ households: 300, web: true });
  county = await new Client(srv.base).loginReady('county');
  village = await new Client(srv.base).loginReady('village');
  villageMe = (await village.get('/api/v1/auth/me')).body;
  browser = await launch();
});

after(async () => {
  await secretary?.ctx.close();
  await browser?.close();
  await srv?.stop();
});


// A page of `path` with `username` logged in.
const open = (username, path) => openAs(browser, srv.base, username, path, { net: 6 });

// The village secretary's page, opened once for the tests that follow one another.
async function secretaryPage() {
  secretary ??= await open('village', '/households');
  return secretary.page;
}

// Choose `text` in the Element Plus select `within` (or the one under it).
async function pick(page, within, text) {
  await page.locator(`${within}.el-select, ${within} .el-select`).first().click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

const rows = (page, kind) => page.locator(`[data-test=${kind}] .el-table__body tr`);
const errorOf = (page, field) => page.locator(`[data-test=record-form] [data-test=field-${field}] .el-form-item__error`);

async function search(page, q, kind = 'households') {
  const done = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/${kind}` && r.request().method() === 'GET');
  await page.fill('#lx-q', q);
  await page.click('[data-test=filter]');
  await done;
}

test('a village secretary registers a household in their village and finds it by its Traditional name', async () => {
  assert.equal((await village.get(`/api/v1/households?q=${encodeURIComponent(NAME)}`)).body.items.length, 0);
  const page = await secretaryPage();
  await rows(page, 'households').first().waitFor();
  // A grid of the village, chosen in the tree, is where the new household goes.
  const grid = (await village.get(`/api/v1/nodes?parent_id=${villageMe.node_id}`)).body.items[1];
  await page.locator(`[data-test=tree] [data-key="${grid.id}"] > .el-tree-node__content`).click();
  await page.waitForFunction((name) => document.querySelector('h1')?.textContent.includes(name), grid.name);
  await page.click('[data-test=create]');
  const form = page.locator('[data-test=record-form]');
  await form.locator('[data-test=field-node_id]').getByText(grid.name).first().waitFor(); // the place chosen in the tree
  await page.fill('#lx-f-head_name', NAME);
  await page.fill('#lx-f-address', '民主社区二组 8 号');
  await pick(page, '[data-test=field-difficulty]', '较大');
  await page.click('[data-test=save]');
  await form.waitFor({ state: 'hidden' });
  // The new household is at the top of the list, with its address masked.
  const first = rows(page, 'households').first();
  await first.getByText(NAME).first().waitFor();
  assert.match(await first.innerText(), /民主社区二组\*\*\*\*/);
  const made = (await village.get(`/api/v1/households?q=${encodeURIComponent(NAME)}`)).body.items;
  assert.equal(made.length, 1);
  assert.equal(made[0].node_id, grid.id);
  assert.equal(made[0].difficulty, 'harder');
  household = made[0];

  // 聶衛東 (Traditional) finds 聂卫东: the server's search keys.
  await page.click('button:has-text("重置")');
  await search(page, '聶衛東');
  await page.waitForFunction(() => document.querySelectorAll('[data-test=households] .el-table__body tr').length === 1);
  await first.getByText(NAME).first().waitFor();
  await shot(page, 'households');
});

test('a resident with a bad ID number is refused beside the field and not created; full values only with a reason', async () => {
  const page = await secretaryPage();
  await page.goto(`${srv.base}/households/${household.id}`);
  await page.locator('[data-test=record-title]', { hasText: NAME }).waitFor();
  await page.click('[data-test=add-resident]');
  const form = page.locator('[data-test=record-form]');
  await form.waitFor();
  const good = idno('51052519900101123'); // 17th digit odd: a man, born 1990-01-01
  const bad = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
  await page.fill('#lx-f-name', '聂小东');
  await pick(page, '[data-test=field-gender]', '男');
  await pick(page, '[data-test=field-relation]', '子女');
  await page.fill('#lx-f-idno', bad);
  await page.fill('#lx-f-phone', '13700001234');
  await page.click('[data-test=save]');
  await errorOf(page, 'idno').getByText('身份证号有误：校验位不正确').waitFor();
  assert.equal(await errorOf(page, 'name').count(), 0, 'only the ID number is refused');
  await shot(page, 'form-error');
  const none = (await village.get(`/api/v1/residents?household_id=${household.id}&active=all`)).body.items;
  assert.equal(none.length, 0, 'nothing was created');

  await page.fill('#lx-f-idno', good);
  await page.click('[data-test=save]');
  await form.waitFor({ state: 'hidden' });
  const masked = good.slice(0, 6) + '********' + good.slice(14);
  const row = rows(page, 'residents').filter({ hasText: '聂小东' });
  await row.getByText(masked).waitFor();
  await row.getByText('137****1234').waitFor();
  const res = (await village.get(`/api/v1/residents?household_id=${household.id}`)).body.items;
  assert.equal(res.length, 1);
  assert.equal(res[0].birth_date, '1990-01-01', 'the date of birth taken from the ID number');

  // Full values: the reason is asked first (an empty one is not taken), then they are shown.
  await row.locator('[data-test=unmask-resident]').click();
  const box = page.locator('.el-message-box');
  await box.getByText('请填写查看原因').waitFor();
  await box.getByRole('button', { name: '确定' }).click();
  await box.getByText('请填写原因（至少两个字）').waitFor();
  await box.locator('input').fill('核对身份证号');
  await box.getByRole('button', { name: '确定' }).click();
  await row.getByText(good).waitFor();
  await row.getByText('13700001234').waitFor();
  await shot(page, 'unmask');
  const audit = await listAll(await new Client(srv.base).loginReady('auditadmin'), '/api/v1/audit');
  const rec = audit.filter((a) => a.action === 'residents.unmask').at(-1);
  assert.ok(rec, 'the unmask is in the audit log');
  assert.equal(rec.object, `residents/${res[0].id}`);
  assert.match(JSON.stringify(rec.detail), /核对身份证号/);
});

test('deactivating asks first and the row leaves the active list; the export is an XLSX file', async () => {
  const page = await secretaryPage();
  await page.goto(`${srv.base}/households`);
  await search(page, NAME);
  const row = rows(page, 'households').filter({ hasText: NAME });
  await row.waitFor();

  // The export link carries the search and gives a spreadsheet (a ZIP file: "PK").
  assert.match(await page.locator('[data-test=export]').getAttribute('href'), /export\.xlsx\?q=/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export]')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const file = readFileSync(await download.path());
  assert.equal(file.subarray(0, 2).toString(), 'PK');
  // With the full values: only after a reason, which goes to the server (it audits it).
  await page.click('[data-test=export-full]');
  const ask = page.locator('.el-message-box');
  await ask.locator('input').fill('上报民政');
  const [full] = await Promise.all([page.waitForEvent('download'), ask.getByRole('button', { name: '确定' }).click()]);
  assert.match(full.url(), /unmask=1&reason=/);
  assert.equal(readFileSync(await full.path()).subarray(0, 2).toString(), 'PK');
  await ask.waitFor({ state: 'hidden' });

  // Cancelled: nothing changes.
  await row.locator('[data-test=row-toggle]').click();
  const box = page.locator('.el-message-box');
  await box.getByText(`确定停用「${NAME}」吗`).waitFor();
  await box.getByRole('button', { name: '取消' }).click();
  await box.waitFor({ state: 'hidden' });
  assert.equal((await village.get(`/api/v1/households/${household.id}`)).body.active, true);
  assert.equal(await row.count(), 1);

  // Confirmed with a reason: the row leaves the list, the household is inactive.
  await row.locator('[data-test=row-toggle]').click();
  await box.locator('input').fill('全户迁出');
  await page.waitForTimeout(300); // the box faded in, for the picture
  await shot(page, 'deactivate');
  await box.getByRole('button', { name: '确定' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await village.get(`/api/v1/households/${household.id}`)).body.active, false);
  assert.equal((await village.get(`/api/v1/households?q=${encodeURIComponent(NAME)}`)).body.items.length, 0);
  // Among the deactivated ones it can be restored.
  await pick(page, '[data-test=active]', '已停用');
  await search(page, NAME);
  await row.getByText('已停用').waitFor();
});

test('the county admin changes a member\'s phone; a bad one is refused beside the field', async () => {
  const member = (await county.get('/api/v1/members?limit=1')).body.items[0];
  const { ctx, page } = await open('county', '/households');
  await page.getByRole('link', { name: '党员与组织' }).click();
  await page.waitForURL(/\/registry\/members$/);
  await search(page, member.name, 'members');
  const row = rows(page, 'members').filter({ hasText: member.name }).first();
  await row.locator('[data-test=row-edit]').click();
  const form = page.locator('[data-test=record-form]');
  await form.waitFor();
  // Skills, rank and category are in the form.
  await form.locator('[data-test=field-skills]').waitFor();
  await page.fill('#lx-f-phone', '1391234');
  await page.click('[data-test=save]');
  await errorOf(page, 'phone').getByText('联系电话不是有效的手机或固定电话号码').waitFor();
  await page.fill('#lx-f-phone', '13912345678');
  await page.click('[data-test=save]');
  await form.waitFor({ state: 'hidden' });
  await row.getByText('139****5678').waitFor();
  assert.equal((await county.get(`/api/v1/members/${member.id}`)).body.phone, '139****5678');
  const full = await county.post(`/api/v1/members/${member.id}/unmask`, { reason: '测试核对' });
  assert.equal(full.body.phone, '13912345678');

  // The stored phone removed: an empty box keeps it, the tick under it removes it.
  await row.locator('[data-test=row-edit]').click();
  await form.waitFor();
  await page.click('[data-test=save]');
  await form.waitFor({ state: 'hidden' });
  assert.equal((await county.get(`/api/v1/members/${member.id}`)).body.phone, '139****5678');
  await row.locator('[data-test=row-edit]').click();
  await form.waitFor();
  await form.locator('[data-test=clear-phone]').getByText('删除已存的联系电话').click();
  assert.equal(await page.locator('#lx-f-phone').isDisabled(), true);
  await page.click('[data-test=save]');
  await form.waitFor({ state: 'hidden' });
  await row.getByText('139****5678').waitFor({ state: 'detached' });
  assert.equal((await county.get(`/api/v1/members/${member.id}`)).body.phone, null);
  await row.locator('[data-test=row-edit]').click();
  await form.waitFor();
  assert.equal(await form.locator('[data-test=clear-phone]').count(), 0); // nothing stored to remove
  await page.keyboard.press('Escape');
  await form.waitFor({ state: 'hidden' });

  // The member's page: rank, category, skills and the households paired.
  await page.goto(`${srv.base}/registry/members/${member.id}`);
  await page.locator('[data-test=value-rank]').getByText(/\S/).waitFor();
  await page.locator('[data-test=pairings]').waitFor();
  await shot(page, 'member');
  await ctx.close();
});

test('the county admin adds a place under a township, renames it and deactivates it', async () => {
  const town = (await county.get('/api/v1/nodes?level=2')).body.items.at(-1);
  const { ctx, page } = await open('county', '/registry/nodes');
  const tree = page.locator('[data-test=tree]');
  const item = (id) => tree.locator(`[data-key="${id}"] > .el-tree-node__content`);
  await item(town.id).click();
  await page.locator('[data-test=place-tools]').getByText(town.name).waitFor();
  await page.click('[data-test=place-add]');
  const form = page.locator('[data-test=record-form]');
  await form.locator('[data-test=field-parent_id]').getByText(town.name).first().waitFor(); // the place above, filled in
  await page.fill('#lx-f-name', '新建村');
  await page.click('[data-test=save]');
  await form.waitFor({ state: 'hidden' });
  await tree.getByText('新建村').waitFor();
  const made = (await county.get(`/api/v1/nodes?parent_id=${town.id}`)).body.items.find((n) => n.name === '新建村');
  assert.equal(made.kind, 'village', 'a village under a township, by default');

  await item(made.id).click();
  await page.click('[data-test=place-rename]');
  const box = page.locator('.el-message-box');
  await box.locator('input').fill('新华村');
  await box.getByRole('button', { name: '确定' }).click();
  await tree.getByText('新华村').waitFor();
  assert.equal((await county.get(`/api/v1/nodes/${made.id}`)).body.name, '新华村');
  await shot(page, 'places');

  await page.click('[data-test=place-deactivate]');
  await box.getByText('确定停用「新华村」吗').waitFor();
  await box.locator('input').fill('并入邻村');
  await box.getByRole('button', { name: '确定' }).click();
  await item(made.id).waitFor({ state: 'detached' });
  assert.equal((await county.get(`/api/v1/nodes/${made.id}`)).body.active, false);

  // A place with households under it is not deactivated: the server's reason is shown.
  await item(town.id).click();
  await page.click('[data-test=place-deactivate]');
  await box.locator('input').fill('撤并');
  await box.getByRole('button', { name: '确定' }).click();
  await page.locator('.el-message--error').getByText(/这个地方下还有 \d+ 条在用的记录，请先移走或停用/).waitFor();
  assert.equal((await county.get(`/api/v1/nodes/${town.id}`)).body.active, true);
  await ctx.close();
});

test('a township admin sees nothing of another township, by list or by URL; the administrators get no registry', async () => {
  const township = await new Client(srv.base).loginReady('township');
  const me = (await township.get('/api/v1/auth/me')).body;
  const mine = new Set((await listAll(township, '/api/v1/nodes')).map((n) => n.name));
  // A household of the other township whose head's name no household of this one has.
  const other = (await county.get('/api/v1/nodes?level=2')).body.items.find((n) => n.id !== me.node_id);
  const theirs = (await county.get(`/api/v1/households?under=${other.id}&limit=50`)).body.items;
  let foreign = null;
  for (const h of theirs) {
    if (!(await township.get(`/api/v1/households?q=${encodeURIComponent(h.head_name)}`)).body.items.length) { foreign = h; break; }
  }
  assert.ok(foreign, 'a household of the other township with a name of its own');

  const { ctx, page } = await open('township', '/households');
  await rows(page, 'households').first().waitFor();
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-test=households] .el-table__body tr td:nth-child(2)')]
    .some((td) => !td.textContent.trim() || td.textContent.includes('…')));
  const places = await rows(page, 'households').locator('td:nth-child(2)').allInnerTexts();
  assert.ok(places.length > 0 && places.every((p) => mine.has(p.trim())), `only their own places: ${[...new Set(places)]}`);
  await search(page, foreign.head_name);
  await page.locator('[data-test=households] .el-table__empty-text').waitFor();
  await page.goto(`${srv.base}/households/${foreign.id}`);
  await page.locator('[data-test=not-found]').waitFor();
  await shot(page, 'not-found');
  await ctx.close();

  // The audit administrator: no registry in the navigation, and the screen sends them home.
  const a = await open('auditadmin', '/admin/audit');
  assert.equal(await a.page.getByRole('link', { name: '党员与组织' }).count(), 0);
  assert.equal(await a.page.getByRole('link', { name: '户籍台账' }).count(), 0);
  await a.page.goto(`${srv.base}/registry/members`);
  await a.page.waitForURL(/\/admin\/audit$/);
  await a.ctx.close();
});
