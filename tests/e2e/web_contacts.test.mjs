// web_contacts.test.mjs -- the contacts screens of the web application
// (web/src/modules/contacts) in a real browser against the real server: a village secretary
// records a courtyard meeting (a date too far ahead is refused beside the date, nothing saved),
// finds it in the list and turns its request into a case; an old contact's change asks for a
// reason that the audit log keeps; a member's due list in overdue order; compliance figures
// equal to the API's, drilled into a child place; the county adds a question to the visit form
// and the member's phone visit form asks it; a township admin cannot open another township's
// contact by its URL. Each effect is checked against the API. Screenshots go to
// build/screenshots/web-contacts-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, listAll, WEB_DIST } from '../api/lib.mjs';
import { SHOTS, launch, PHONE, DESK, openAs, pairCounty } from './lib.mjs';

const DAY = 86400 * 1000;
const LONELY_ELDERLY = 1 << 3;

let srv; let browser; let county; let auditor; let villageMe; let townshipMe; let memberMe;
// H1 paired with the member 40 days ago, H2 20 days ago (both lonely elderly), H3 an ordinary household
// of theirs; the village secretary's page, kept from test to test.
let H1; let H2; let H3; let village;

const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' }).trim();
// "YYYY-MM-DDTHH:mm" in county time (UTC+8), `ms` from now.
const countyInput = (ms = 0) => new Date(Date.now() + ms + 8 * 3600 * 1000).toISOString().slice(0, 16);
const countyToday = () => countyInput().slice(0, 10);
function monthRange(ymd) {
  const [y, m] = ymd.split('-').map(Number);
  return { from: `${ymd.slice(0, 7)}-01`, to: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is built (make builds it)');
  srv = await startServer({ households: 300, web: true });
  county = await new Client(srv.base).loginReady('county');
  await pairCounty(county);
  auditor = await new Client(srv.base).loginReady('auditadmin');
  villageMe = (await (await new Client(srv.base).loginReady('village')).get('/api/v1/auth/me')).body;
  townshipMe = (await (await new Client(srv.base).loginReady('township')).get('/api/v1/auth/me')).body;
  memberMe = (await (await new Client(srv.base).loginReady('member')).get('/api/v1/auth/me')).body;
  // Two of the member's households are lonely elderly, paired 40 and 20 days ago: their weekly
  // calls are overdue by different numbers of days.
  const pairs = (await county.get(`/api/v1/pairings?member_id=${memberMe.member_id}&layer=liaison&limit=10`)).body.items;
  assert.ok(pairs.length >= 3, 'the member has three households');
  [H1, H2, H3] = pairs.slice(0, 3).map((p) => ({ id: p.household_id, name: p.head_name }));
  sql(`UPDATE households SET tags = tags | ${LONELY_ELDERLY} WHERE id IN (${H1.id}, ${H2.id})`);
  sql(`UPDATE pairings SET started_at = CAST(strftime('%s','now') AS INTEGER) - 40*86400 WHERE household_id = ${H1.id} AND member_id = ${memberMe.member_id}`);
  sql(`UPDATE pairings SET started_at = CAST(strftime('%s','now') AS INTEGER) - 20*86400 WHERE household_id = ${H2.id} AND member_id = ${memberMe.member_id}`);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});


// A page logged in as `username` at `path`.
const open = (username, path, view = DESK) => openAs(browser, srv.base, username, path, { view, net: 9 });

// Until no select's list is open (nor fading out: the next one's options look the same).
const settled = (page) => page.waitForFunction(() => ![...document.querySelectorAll('.el-select__popper')]
  .some((e) => getComputedStyle(e).display !== 'none'));

// Choose `text` in the select `sel` (a data-test name or a selector), typing it first to search.
async function choose(page, sel, text, { type = true } = {}) {
  await settled(page);
  await page.click(sel.includes('[') ? sel : `[data-test=${sel}]`);
  if (type) await page.keyboard.type(text);
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
  await settled(page);
}

const figures = (page, scope) => page.locator(`${scope} [data-fig]`).evaluateAll((els) =>
  Object.fromEntries(els.map((e) => [e.dataset.fig, e.textContent.trim()])));

test('a village secretary records a courtyard meeting: a date too far ahead is refused beside the date; the meeting is listed and its request becomes a case', async () => {
  village = await open('village', '/contacts');
  const { page } = village;
  const group = (await county.get(`/api/v1/nodes?under=${villageMe.node_id}&level=4&limit=1`)).body.items[0];
  const leader = (await county.get(`/api/v1/members/${memberMe.member_id}`)).body;
  // The header offers contacts and compliance, not the county's form editor.
  const navText = await page.locator('.lx-nav').innerText();
  assert.ok(navText.includes('联系记录') && navText.includes('联系考核'));
  assert.ok(!navText.includes('进门一张表'));

  await page.click('[data-test=new-meeting]');
  await page.waitForURL(/\/contacts\/new\?kind=courtyard/);
  await page.fill('#lx-c-when', countyInput(3 * DAY));
  await choose(page, 'node', group.name, { type: false });
  await choose(page, 'leader', leader.name);
  await page.fill('#lx-c-att', '23');
  await page.getByText('公开（可上公示栏）').click();
  await page.fill('#lx-c-minutes', '议定：村道坑洼由村里组织修补，饮水管道请乡里协调');
  await page.click('[data-test=add-request]');
  await page.fill('#lx-c-rq-0', '村道坑洼，雨天出行困难');
  await choose(page, 'rq-category', '道路交通', { type: false });
  await page.click('[data-test=save]');
  const dateError = page.locator('[data-test=when-item] .el-form-item__error');
  await dateError.waitFor();
  // The server's own sentence (src/util/msgcat.def), in the page's language.
  assert.equal(await dateError.innerText(), '联系时间不能比现在晚一天以上');
  assert.match(page.url(), /\/contacts\/new/);
  const courtyards = () => listAll(county, `/api/v1/contacts?kind=courtyard&node_id=${villageMe.node_id}`);
  assert.equal((await courtyards()).length, 0, 'nothing was saved');
  await page.screenshot({ path: join(SHOTS, 'web-contacts-date-refused.png'), fullPage: true });

  // A minute ago, and it is saved.
  await page.fill('#lx-c-when', countyInput(-60 * 1000));
  await page.click('[data-test=save]');
  await page.waitForURL(/\/contacts\/\d+$/);
  const id = Number(/\/contacts\/(\d+)$/.exec(page.url())[1]);
  assert.equal(await page.locator('[data-test=attendance]').innerText(), '23');
  const saved = await courtyards();
  assert.deepEqual(saved.map((c) => c.id), [id]);
  const c = (await county.get(`/api/v1/contacts/${id}`)).body;
  assert.equal(c.kind, 'courtyard');
  assert.equal(c.node_id, group.id);
  assert.equal(c.leader_member_id, leader.id);
  assert.equal(c.member_id, leader.id, 'credited to the member who led it');
  assert.equal(c.recorded_by, villageMe.id);
  assert.equal(c.attendance, 23);
  assert.equal(c.public, true);
  assert.deepEqual(c.requests.map((r) => [r.text, r.category, r.case_id]), [['村道坑洼，雨天出行困难', 'roads', null]]);

  // It is in the list.
  await page.click('text=← 返回联系记录');
  await page.waitForURL(/\/contacts$/);
  const row = page.locator(`[data-test=contacts] [data-contact="${id}"]`);
  await row.waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-contacts-list.png'), fullPage: true });

  // Its request becomes a case, linked from the contact.
  await row.click();
  await page.waitForURL(new RegExp(`/contacts/${id}$`));
  await page.click('[data-test=raise]');
  const link = page.locator('[data-test=requests] [data-case]');
  await link.waitFor();
  const caseId = Number(await link.getAttribute('data-case'));
  const after1 = (await county.get(`/api/v1/contacts/${id}`)).body;
  assert.equal(after1.requests[0].case_id, caseId);
  const kase = await county.get(`/api/v1/cases/${caseId}`);
  assert.equal(kase.status, 200, kase.text);
  assert.equal(kase.body.category, 'roads');
  assert.equal(await page.locator('[data-test=raise]').count(), 0, 'nothing left to raise');
  await page.screenshot({ path: join(SHOTS, 'web-contacts-meeting.png'), fullPage: true });
  await link.click();
  await page.waitForURL(new RegExp(`/cases/${caseId}$`));
});

test('changing a contact that happened weeks ago asks for the reason, and the audit log keeps it', async () => {
  const made = await county.post('/api/v1/contacts', { kind: 'visit', member_id: memberMe.member_id, household_ids: [H3.id],
    happened_at: countyInput(-20 * DAY), notes: '老人腿脚不便，需要轮椅' });
  assert.equal(made.status, 201, made.text);
  const { id } = made.body;
  const { page } = village;
  await page.goto(`${srv.base}/contacts/${id}`);
  await page.click('[data-test=edit]');
  await page.waitForURL(new RegExp(`/contacts/${id}/edit$`));
  await page.fill('#lx-c-notes', '老人腿脚不便，需要轮椅；已联系民政办');
  await page.click('[data-test=save]');
  // The dialog says why, in the server's words with the county's grace period.
  const grace = (await county.get('/api/v1/policies')).body.items.find((p) => p.key === 'contact.edit_grace_days').value;
  const dialog = page.locator('.el-dialog', { hasText: '修改原因' });
  await dialog.locator('[data-test=reason-why]').waitFor();
  assert.equal(await dialog.locator('[data-test=reason-why]').innerText(), `这次联系已超过 ${grace} 天，请说明修改的原因`);
  assert.equal((await county.get(`/api/v1/contacts/${id}`)).body.notes, '老人腿脚不便，需要轮椅', 'not changed without a reason');
  // Too short a reason: the server's words beside the reason.
  await page.fill('#lx-c-reason', '补');
  await page.click('[data-test=reason-send]');
  const reasonError = dialog.locator('.el-form-item', { has: page.locator('#lx-c-reason') }).locator('.el-form-item__error');
  await reasonError.waitFor();
  assert.equal(await reasonError.innerText(), '原因须为 2 到 500 字');
  await page.screenshot({ path: join(SHOTS, 'web-contacts-reason.png'), fullPage: true });
  await page.fill('#lx-c-reason', '补记民政办的答复');
  await page.click('[data-test=reason-send]');
  await page.waitForURL(new RegExp(`/contacts/${id}$`));
  await page.locator('[data-test=notes]', { hasText: '已联系民政办' }).waitFor();
  assert.equal((await county.get(`/api/v1/contacts/${id}`)).body.notes, '老人腿脚不便，需要轮椅；已联系民政办');
  const audit = [];
  for (let next = 0; ;) {
    const r = await auditor.get(`/api/v1/audit?limit=1000${next ? `&after=${next}` : ''}`);
    assert.equal(r.status, 200, r.text);
    audit.push(...r.body.items);
    if (!r.body.next) break;
    next = r.body.next;
  }
  const rec = audit.filter((x) => x.action === 'contacts.update' && x.object === `contacts/${id}`);
  assert.equal(rec.length, 1);
  const detail = typeof rec[0].detail === 'string' ? JSON.parse(rec[0].detail) : rec[0].detail;
  assert.equal(detail.reason, '补记民政办的答复');
  assert.equal(detail.after.notes, '老人腿脚不便，需要轮椅；已联系民政办');
});

test('a member\'s due list shows what is overdue, most overdue first, as the server orders it', async () => {
  const { page } = village;
  await page.goto(`${srv.base}/contacts/${(await listAll(county, `/api/v1/contacts?member_id=${memberMe.member_id}`))[0].id}`);
  await page.click('[data-test=member-link]');
  await page.waitForURL(new RegExp(`/contacts/members/${memberMe.member_id}$`));
  const table = page.locator('[data-test=due-table]');
  await table.locator('[data-test=overdue]').first().waitFor();
  const shown = await table.locator('.el-table__body tr').evaluateAll((trs) => trs.map((tr) => ({
    household: tr.children[1].textContent.trim(), days: Number(tr.querySelector('[data-test=overdue]')?.dataset.days ?? 0),
  })));
  const api = (await county.get(`/api/v1/members/${memberMe.member_id}/due`)).body;
  assert.deepEqual(shown.map((r) => r.days), api.items.map((i) => i.days_overdue));
  for (let i = 1; i < shown.length; i++) assert.ok(shown[i - 1].days >= shown[i].days, 'most overdue first');
  const first = (h) => shown.findIndex((r) => r.household === h.name && r.days > 0);
  assert.ok(first(H1) >= 0 && first(H2) >= 0, 'both households are overdue');
  assert.ok(first(H1) < first(H2), 'the household paired longer ago is more overdue');
  assert.ok(shown[first(H1)].days > shown[first(H2)].days);
  // Days since the last visit: never visited first; H3 (visited in the test before) last.
  const visits = await page.locator('[data-test=visits-table] .el-table__body tr td:first-child').allInnerTexts();
  assert.equal(visits.at(-1).trim(), H3.name);
  await page.screenshot({ path: join(SHOTS, 'web-contacts-due.png'), fullPage: true });
});

test('compliance figures equal the API\'s, for a township and the village drilled into', async () => {
  const tw = await open('township', '/contacts/compliance');
  const { page } = tw;
  const range = monthRange(countyToday());
  const want = async (node) => {
    const t = (await county.get(`/api/v1/nodes/${node}/compliance?from=${range.from}&to=${range.to}`)).body.total;
    return { due: String(t.due), made: String(t.made), on_time: String(t.on_time), late: String(t.late), missed: String(t.missed), open: String(t.open) };
  };
  const shown = async () => {
    const f = await figures(page, '[data-test=total]');
    delete f.rate;
    return f;
  };
  await page.locator('[data-test=total] [data-fig=due]').waitFor();
  assert.deepEqual(await shown(), await want(townshipMe.node_id));
  // The same month as a sheet.
  const href = await page.locator('[data-test=comp-export]').getAttribute('href');
  assert.equal(href, `/api/v1/nodes/${townshipMe.node_id}/compliance.xlsx?from=${range.from}&to=${range.to}`);
  const x = await page.request.get(srv.base + href);
  assert.equal(x.status(), 200);
  assert.match(x.headers()['content-type'], /spreadsheetml/);
  // The village's row among the children, then the village itself.
  const vrow = page.locator('[data-test=children] .el-table__body tr', { has: page.locator(`[data-node="${villageMe.node_id}"]`) });
  await vrow.locator('[data-fig=due]', { hasText: /\d/ }).waitFor();
  const vwant = await want(villageMe.node_id);
  assert.deepEqual([await vrow.locator('[data-fig=due]').innerText(), await vrow.locator('[data-fig=made]').innerText()], [vwant.due, vwant.made]);
  assert.ok(Number(vwant.made) >= 1, 'the courtyard meeting counts');
  await page.screenshot({ path: join(SHOTS, 'web-contacts-compliance.png'), fullPage: true });
  await vrow.locator(`[data-node="${villageMe.node_id}"]`).click();
  await page.waitForURL(new RegExp(`node_id=${villageMe.node_id}`));
  await page.locator('[data-test=crumbs]', { hasText: '›' }).waitFor();
  await page.locator('[data-test=total] [data-fig=due]').waitFor();
  assert.deepEqual(await shown(), vwant);
  assert.deepEqual(tw.errors, []);
  await tw.ctx.close();
});

test('the county adds a question to the visit form; the member\'s phone visit form asks it', async () => {
  const cp = await open('county', '/contacts/visit-form');
  const { page } = cp;
  await page.locator('[data-test=version]', { hasText: '还没有' }).waitFor();
  await page.click('[data-test=q-add]');
  await page.fill('#lx-vf-label-0', '家中是否有人外出务工');
  await choose(page, '[data-question="0"] [data-test=q-type]', '是/否', { type: false });
  await page.click('[data-test=q-add]');
  await page.fill('#lx-vf-label-1', '住房情况');
  await choose(page, '[data-question="1"] [data-test=q-type]', '单选', { type: false });
  await page.fill('#lx-vf-opts-1', '安全');
  await page.click('[data-test=q-save]');
  // One option is not a choice: the server's words beside the options, nothing saved.
  const optsError = page.locator('[data-question="1"] .el-form-item', { has: page.locator('#lx-vf-opts-1') }).locator('.el-form-item__error');
  await optsError.waitFor();
  assert.equal(await optsError.innerText(), '选择题须有 2 到 50 个选项');
  assert.equal((await county.get('/api/v1/visit-form')).body.version, 0);
  await page.fill('#lx-vf-opts-1', '安全\n危房');
  await page.click('[data-test=q-save]');
  await page.locator('[data-test=version]', { hasText: '第 1 版' }).waitFor();
  const form = (await county.get('/api/v1/visit-form')).body;
  assert.equal(form.version, 1);
  assert.deepEqual(form.questions.map((q) => [q.key, q.label, q.type]), [['q1', '家中是否有人外出务工', 'yes_no'], ['q2', '住房情况', 'choice']]);
  await page.screenshot({ path: join(SHOTS, 'web-contacts-visit-form.png'), fullPage: true });

  // The member, on a phone: the visit form asks the new questions.
  const m = await open('member', `/m/visit?h=${H2.id}`, PHONE);
  const q = m.page.locator('[data-question=q1]');
  await q.getByText('家中是否有人外出务工').waitFor();
  await q.getByText('是', { exact: true }).click();
  await m.page.locator('[data-question=q2]').getByText('危房').click();
  await m.page.screenshot({ path: join(SHOTS, 'web-contacts-phone-form.png'), fullPage: true });
  await m.page.click('[data-test=send]');
  await m.page.waitForURL((u) => u.pathname === '/m');
  const mine = await listAll(county, `/api/v1/contacts?member_id=${memberMe.member_id}&household_id=${H2.id}`);
  const visit = (await county.get(`/api/v1/contacts/${mine.at(-1).id}`)).body;
  assert.deepEqual(visit.answers, { q1: true, q2: '危房' });
  assert.equal(visit.form_version, 1);
  assert.deepEqual(m.errors, []);
  await m.ctx.close();

  // The county reads the answers with the questions they answered.
  await page.goto(`${srv.base}/contacts/${visit.id}`);
  const answers = page.locator('[data-test=answers]');
  await answers.getByText('家中是否有人外出务工').waitFor();
  assert.deepEqual((await answers.locator('.el-table__body tr').allInnerTexts()).map((s) => s.split(/\s+/).join(' ')),
    ['家中是否有人外出务工 是', '住房情况 危房']);
  assert.deepEqual(cp.errors, []);
  await cp.ctx.close();
});

test('a township admin cannot open another township\'s contact by its URL', async () => {
  const towns = (await county.get('/api/v1/nodes?level=2&limit=10')).body.items;
  const other = towns.find((t) => t.id !== townshipMe.node_id);
  const group = (await county.get(`/api/v1/nodes?under=${other.id}&level=4&limit=1`)).body.items[0];
  const leader = (await county.get(`/api/v1/members?under=${other.id}&limit=1`)).body.items[0];
  const made = await county.post('/api/v1/contacts', { kind: 'courtyard', node_id: group.id, leader_member_id: leader.id,
    happened_at: countyInput(-2 * 3600 * 1000), attendance: 30, minutes: '别乡的院坝会记录' });
  assert.equal(made.status, 201, made.text);
  const tw = await new Client(srv.base).loginReady('township');
  assert.equal((await tw.get(`/api/v1/contacts/${made.body.id}`)).status, 404);
  const t = await open('township', `/contacts/${made.body.id}`);
  await t.page.locator('[data-test=not-found]').waitFor();
  assert.equal(await t.page.locator('[data-test=minutes]').count(), 0);
  assert.ok(!(await t.page.locator('body').innerText()).includes('别乡的院坝会记录'));
  await t.page.screenshot({ path: join(SHOTS, 'web-contacts-out-of-scope.png'), fullPage: true });
  await t.ctx.close();
  assert.deepEqual(village.errors, []);
  await village.ctx.close();
});
