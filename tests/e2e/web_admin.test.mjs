// web_admin.test.mjs -- the admin screens of the web application (web/src/modules/admin) in a
// real browser against the real server: a households ledger with a bad row explained, fixed
// and imported; a liaison run planned for a village, its diff read and applied; the card
// print view; the audit log and its verified chain; a work policy changed by the county admin,
// a bad value refused beside the field; an account created with its one-time password.
// Screenshots go to build/screenshots/web-admin-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, WEB_DIST, idno } from '../api/lib.mjs';
import { SHOTS, launch, context as newContext, login, DESK, openAs } from './lib.mjs';

let srv; let county; let browser; let town; let village; let group;

before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is built (make builds it)');
  srv = await startServer({ households: 300, web: true });
  county = await new Client(srv.base).loginReady('county');
  town = (await county.get('/api/v1/nodes?level=2&limit=1')).body.items[0];
  village = (await county.get(`/api/v1/nodes?parent_id=${town.id}&limit=1`)).body.items[0];
  group = (await county.get(`/api/v1/nodes?parent_id=${village.id}&limit=1`)).body.items[0];
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Each browser context comes from its own address (lib.mjs).
const context = (opts = DESK) => newContext(browser, opts, 8);

// A page of `path` with `username` logged in.
const open = (username, path) => openAs(browser, srv.base, username, path, { net: 8 });

// Choose the village in the tree: open its township, then click the village.
async function chooseVillage(page) {
  const tree = page.locator('[data-test=tree]');
  await tree.locator(`[data-key="${town.id}"] > .el-tree-node__content .el-tree-node__expand-icon`).click();
  const item = tree.locator(`[data-key="${village.id}"] > .el-tree-node__content`);
  await item.click();
}

const HEAD = '户编号,乡镇(街道),村(社区),组(网格),住址,富裕难度,户类别,需求,姓名,性别,出生日期,身份证号,联系电话,与户主关系\r\n';
const ledger = (rows) => Buffer.from(HEAD + rows.map((r) => r.join(',')).join('\r\n') + '\r\n');

test('a households ledger: the bad row explained, fixed, imported after a confirmation', async () => {
  const p = [town.name, village.name, group.name];
  // The 17th digit says the gender (odd: male), which the commit checks.
  const good = idno('51030219630707071');
  const right = idno('51030219880808082');
  const wrong = right.slice(0, 17) + (right.endsWith('0') ? '1' : '0');
  const rows = [
    ['W1', ...p, '五组1号', '较大', '低保户', '', '欧阳建华', '男', '', good, '13800138071', '户主'],
    ['W2', ...p, '五组2号', '', '', '', '司马秀英', '女', '', wrong, '', '户主'],
  ];
  const { ctx, page } = await open('county', '/admin/import');
  // The county admin's header has the import entry and not the audit log.
  await page.getByRole('link', { name: '台账导入' }).waitFor();
  assert.equal(await page.getByRole('link', { name: '审计日志' }).count(), 0);
  await page.setInputFiles('#lx-import-file', { name: '台账.csv', mimeType: 'text/csv', buffer: ledger(rows) });
  await page.click('[data-test=dry-run]');
  const bad = page.locator('[data-test=issues] .el-table__body tr');
  await bad.first().waitFor();
  assert.equal(await bad.count(), 1, 'one problem');
  const cells = (await bad.first().locator('td').allInnerTexts()).map((s) => s.trim());
  assert.equal(cells[0], '3', 'line 3 of the file (the header is line 1)');
  assert.equal(cells[1], '身份证号');
  assert.equal(cells[2], wrong.slice(0, 6) + '********' + wrong.slice(14), 'the value masked');
  assert.match(cells[3], /格式或取值不正确/);
  // Beneath it the server's own reason, in the page's language (Accept-Language).
  assert.match(cells[3], /身份证号有误：校验位不正确/, cells[3]);
  assert.match(await page.locator('[data-test=summary]').innerText(), /共 2 行：1 行无误，1 行有问题/);
  assert.equal(await page.locator('[data-test=commit]').count(), 0, 'no commit while a row is bad');
  await page.locator('[data-test=good-rows]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-admin-import-report.png'), fullPage: true });

  // The file fixed: checked clean, then imported after the confirmation.
  rows[1][11] = right;
  await page.setInputFiles('#lx-import-file', { name: '台账.csv', mimeType: 'text/csv', buffer: ledger(rows) });
  await page.click('[data-test=dry-run]');
  await page.locator('[data-test=clean]').waitFor();
  await page.click('[data-test=commit]');
  const box = page.locator('.el-message-box');
  await box.getByText('将导入全部 2 行').waitFor();
  await box.getByRole('button', { name: '导入' }).click();
  await page.locator('[data-test=import-done]').getByText('新增 2 户、2 名家庭成员。').waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-admin-import-done.png') });
  const found = (await county.get(`/api/v1/households?q=${encodeURIComponent('司马秀英')}`)).body.items;
  assert.equal(found.length, 1);
  assert.equal(found[0].node_id, group.id);
  await ctx.close();
});

test('a liaison run for a village: planned, its diff read, applied after a confirmation', async () => {
  const { ctx, page } = await open('county', '/admin/pairing');
  await chooseVillage(page);
  assert.equal((await page.locator('[data-test=place]').innerText()).trim(), village.name);
  await page.click('[data-test=plan]');
  const figures = page.locator('[data-test=figures]');
  await figures.waitFor();
  const added = Number(await figures.locator('[data-figure=added] dd').innerText());
  assert.ok(added > 0, `${added} pairs to add`);
  const rows = page.locator('[data-test=changes-added] .el-table__body tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), Math.min(added, 50), 'the first page of the added pairs');
  // Nothing is paired before the plan is applied.
  assert.equal((await county.get(`/api/v1/pairings?layer=liaison&limit=5`)).body.items.length, 0);
  // The uncovered tab pages through its own list.
  const uncovered = Number(await figures.locator('[data-figure=uncovered] dd').innerText());
  if (uncovered > 0) {
    await page.getByRole('tab', { name: new RegExp(`无人联系 \\(${uncovered}\\)`) }).click();
    await page.locator('[data-test=changes-uncovered] .el-table__body tr').first().waitFor();
  }
  await page.screenshot({ path: join(SHOTS, 'web-admin-pairing-plan.png'), fullPage: true });
  await page.click('[data-test=apply]');
  await page.locator('.el-message-box').getByText(`将在 ${village.name} 新增 ${added} 对`).waitFor();
  await page.locator('.el-message-box').getByRole('button', { name: '执行方案' }).click();
  await page.locator('[data-test=applied]').waitFor();
  await page.locator('.el-message-box').waitFor({ state: 'hidden' });
  assert.equal((await page.locator('[data-test=run-status]').innerText()).trim(), '已执行');
  const pairs = (await county.get(`/api/v1/pairings?layer=liaison&limit=500`)).body.items;
  assert.equal(pairs.length, added, 'every planned pair is in force');
  await page.screenshot({ path: join(SHOTS, 'web-admin-pairing-applied.png') });

  // A plan made stale by a change by hand is refused, and the page says why.
  await page.click('[data-test=plan]');
  await page.locator('[data-test=apply]').waitFor();
  assert.equal((await county.post(`/api/v1/pairings/${pairs[0].id}/end`, { reason: '户迁出' })).status, 200);
  await page.click('[data-test=apply]');
  await page.locator('.el-message-box').getByRole('button', { name: '执行方案' }).click();
  await page.locator('[data-test=stale]').getByText('此方案不能再执行').waitFor();
  await ctx.close();
});

test('the card print view of a village opens in a new window; its coverage report', async () => {
  const { ctx, page } = await open('county', '/admin/print');
  await chooseVillage(page);
  await page.locator('[data-test=print-place]').getByText(village.name).waitFor();
  const cov = page.locator('[data-test=coverage] .el-table__body-wrapper tr');
  const children = (await county.get(`/api/v1/coverage?node_id=${village.id}`)).body.children.length;
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=coverage] .el-table__body-wrapper tr').length === n, children + 1);
  assert.match(await cov.first().innerText(), new RegExp(village.name));
  const href = await page.locator('[data-test=coverage-export]').getAttribute('href');
  const x = await page.request.get(srv.base + href);
  assert.equal(x.status(), 200);
  assert.match(x.headers()['content-type'], /spreadsheetml/);
  await page.screenshot({ path: join(SHOTS, 'web-admin-print.png'), fullPage: true });

  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('[data-test=print]')]);
  await popup.waitForLoadState();
  assert.match(popup.url(), new RegExp(`/api/v1/cards\\?node_id=${village.id}&kind=card`));
  assert.equal(await popup.title(), `党群连心卡 · ${village.name}`);
  const households = (await county.get(`/api/v1/coverage?node_id=${village.id}`)).body.node.households;
  assert.equal(await popup.locator('.lx-card').count(), households, 'a card for each household of the village');
  await popup.screenshot({ path: join(SHOTS, 'web-admin-cards.png') });
  await popup.close();

  // One household: found by its head's name, its door plate, its link revoked with a reason.
  const h = (await county.get(`/api/v1/households?under=${village.id}&limit=1`)).body.items[0];
  await page.locator('[data-test=print-kind]').getByText('门牌').click();
  await page.locator('[data-test=print-scope]').getByText('一户').click();
  await page.locator('[data-test=print-household] input').fill(h.head_name);
  await page.locator('.el-select-dropdown__item:visible', { hasText: h.head_name }).first().click();
  assert.match(await page.locator('[data-test=print]').getAttribute('href'), new RegExp(`household_id=${h.id}&kind=plate$`));
  await page.click('[data-test=reissue]');
  assert.match(await page.locator('[data-test=print]').getAttribute('href'), /reissue=1/);
  await page.click('[data-test=reissue]');
  await page.click('[data-test=revoke]');
  await page.click('[data-test=revoke-send]');
  await page.getByRole('dialog').locator('.el-form-item__error').getByText('此项必填').waitFor();
  await page.fill('#lx-revoke-reason', '卡片遗失');
  await page.click('[data-test=revoke-send]');
  await page.getByText('此户二维码已作废。').waitFor();
  await ctx.close();
});

test('the audit administrator reads the log and sees the chain verified', async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  await login(page, 'auditadmin');
  // the audit administrator lands on the log, and is offered nothing of the registries
  await page.waitForURL(/\/admin\/audit$/);
  assert.equal(await page.getByRole('link', { name: '台账导入' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: '户籍台账' }).count(), 0);
  await page.getByRole('link', { name: '审计日志' }).click();
  await page.waitForURL(/\/admin\/audit$/);
  const rows = page.locator('[data-test=audit] .el-table__body tr');
  await rows.first().waitFor();
  assert.ok(await rows.count() > 5, `${await rows.count()} records`);
  // The import and the card printing above are on record.
  await page.locator('[data-test=audit]').getByText('households.import').first().waitFor();
  await page.locator('[data-test=audit]').getByText('cards.print').first().waitFor();
  await page.click('[data-test=verify]');
  await page.locator('[data-test=verify-ok]').getByText(/校验通过：\d+ 条记录的哈希链完整/).waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-admin-audit.png'), fullPage: true });
  // In Traditional Chinese and English too.
  await page.selectOption('[data-test=lang]', 'zh-TW');
  await page.getByRole('heading', { name: '稽核日誌' }).waitFor();
  await page.selectOption('[data-test=lang]', 'en');
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  await page.getByRole('button', { name: 'Verify the chain' }).waitFor();
  // A screen of another role sends the audit administrator away.
  await page.goto(srv.base + '/admin/import');
  await page.waitForURL((u) => u.pathname !== '/admin/import');
  await ctx.close();
});

test('the county admin changes a work policy; a bad value is refused beside the field', async () => {
  const { ctx, page } = await open('county', '/admin/policies');
  const form = page.locator('[data-policy="liaison.quota"]');
  await form.waitFor();
  assert.match(await form.innerText(), /范围 1–200/);
  // A security policy is shown but not editable by the county admin.
  await page.locator('[data-test=policy-domain]').getByText('安全参数').click();
  assert.equal(await page.locator('[data-policy="login.max_failures"] input').isDisabled(), true);
  await page.locator('[data-test=policy-domain]').getByText('工作参数').click();
  const input = form.locator('input');
  await input.fill('500');
  await input.press('Enter');
  await form.locator('.el-form-item__error').getByText('请输入 1 到 200 之间的整数。').waitFor();
  await form.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'web-admin-policy-refused.png') });
  assert.equal((await county.get('/api/v1/policies')).body.items.find((x) => x.key === 'liaison.quota').value, 15);
  await input.fill('20');
  await form.getByRole('button', { name: '保存' }).click();
  await form.getByText('已保存').waitFor();
  await form.locator('.el-form-item__error').waitFor({ state: 'detached' });
  assert.equal((await county.get('/api/v1/policies')).body.items.find((x) => x.key === 'liaison.quota').value, 20);

  // The assistance quotas set to seed 003's preset at once.
  await page.locator('[data-test=presets]').getByRole('button', { name: 'seed 003' }).click();
  await page.locator('.el-message-box').getByRole('button', { name: '采用' }).click();
  await page.getByText(/已更新 \d+ 项帮扶名额/).waitFor();
  assert.equal(await page.locator('[data-policy="assistance.quota.city_leader"] input').inputValue(), '2');
  assert.equal((await county.get('/api/v1/policies')).body.items.find((x) => x.key === 'assistance.quota.city_leader').value, 2);
  await ctx.close();
});

test('the system administrator creates an account; its one-time password is shown once', async () => {
  const { ctx, page } = await open('sysadmin', '/admin/users');
  await page.locator('[data-test=users] .el-table__body tr').first().waitFor();
  await page.click('[data-test=user-new]');
  // A username against the rules is refused beside the field.
  await page.fill('#lx-u-name', 'X');
  await page.click('[data-test=u-role]');
  await page.locator('.el-select-dropdown__item:visible', { hasText: '督查人员' }).click();
  await page.locator('[data-test=u-node] input').fill(village.name);
  await page.locator('.el-select-dropdown__item:visible', { hasText: village.name }).first().click();
  await page.click('[data-test=u-send]');
  await page.getByRole('dialog').locator('.el-form-item__error')
    .getByText('用户名为 3 到 60 个字符，只能用小写字母、数字和 . _ -').waitFor();
  await page.fill('#lx-u-name', 'inspector.wang');
  await page.click('[data-test=u-send]');
  const secret = page.locator('[data-test=secret]');
  await secret.waitFor();
  const pw = (await secret.innerText()).trim();
  await page.locator('#lx-u-name').waitFor({ state: 'hidden' });
  await page.screenshot({ path: join(SHOTS, 'web-admin-users.png') });
  await page.click('[data-test=secret-done]');
  await page.locator('[data-test=users]').getByText('inspector.wang').first().waitFor();
  const fresh = new Client(srv.base, '10.8.1.1');
  const r = await fresh.login('inspector.wang', pw);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.must_change_password, true);
  await ctx.close();

  // The security administrator finds the account in the list and locks it (after a
  // confirmation; its login is refused), then unlocks it. It creates and resets nothing.
  const sec = await open('secadmin', '/admin/users');
  await sec.page.fill('[data-test=users-q]', 'inspector.wang');
  const row = sec.page.locator('[data-test=users] tbody tr', { hasText: 'inspector.wang' });
  await row.locator('[data-test=lock]').click();
  await sec.page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
  assert.equal((await new Client(srv.base, '10.8.1.1').login('inspector.wang', pw)).status, 200, 'cancelled: not locked');
  await row.locator('[data-test=lock]').click();
  await sec.page.getByRole('dialog').getByRole('button', { name: '锁定' }).click();
  await sec.page.getByText('账户 inspector.wang 已锁定').waitFor();
  await row.getByText('已锁定').waitFor();
  assert.notEqual((await new Client(srv.base, '10.8.1.2').login('inspector.wang', pw)).status, 200);
  await row.locator('[data-test=unlock]').click();
  await sec.page.getByText('账户 inspector.wang 已解锁').waitFor();
  assert.equal((await new Client(srv.base, '10.8.1.3').login('inspector.wang', pw)).status, 200);
  assert.equal(await sec.page.locator('[data-test=user-new]').count(), 0);
  assert.equal(await sec.page.getByRole('button', { name: /^重置密码/ }).count(), 0);
  await sec.page.screenshot({ path: join(SHOTS, 'web-admin-lock.png') });
  await sec.ctx.close();
});
