// web_casework.test.mjs -- requests from the people in the browser (web/src/modules/casework,
// views/CaseView.vue, views/CasesView.vue, the header's bell) against the real server: a photo
// added to a case and shown, a fake image refused with the server's reason, the requester's
// phone after a reason; a reply template added by the county and filling a reply; a resolved
// case published with its text redacted, the public page showing only the redacted text, and
// taken down after a confirmation; a holiday edited and saved; an assignment notifying the
// member on the phone, and reading it lowering the count; a member opening a case at 375 px;
// another township's admin finding nothing by URL. Screenshots: build/screenshots/web-casework-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { startServer, Client, NEW_PASSWORD, WEB_DIST } from '../api/lib.mjs';
import { SHOTS, launch, context as newContext, login, PHONE, DESK, pairCounty } from './lib.mjs';

const PHONE_NO = '13912345678';
const ORIGINAL = `村东头自来水管爆裂，张三家${PHONE_NO}，三天没水了`;
const REDACTED = '村东头自来水管爆裂，一户反映三天没水';

let srv; let browser; let county; let village; let member; let sysadmin;
let villageMe; let townMe; let memberMe; let memberName; let households; let caseA;
const pages = {};

// A PNG of one pixel (CRCs by zlib).
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png() {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const idat = zlib.deflateSync(Buffer.from([0, 200, 30, 30]));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is built (make builds it)');
  srv = await startServer({ households: 300, web: true });
  // Every account the pages use has its password changed already, so a page logs in once.
  county = await new Client(srv.base).loginReady('county');
  village = await new Client(srv.base).loginReady('village');
  member = await new Client(srv.base).loginReady('member');
  sysadmin = await new Client(srv.base).loginReady('sysadmin');
  await new Client(srv.base).loginReady('township');
  await pairCounty(county);
  villageMe = (await village.get('/api/v1/auth/me')).body;
  townMe = (await county.get(`/api/v1/nodes/${villageMe.node_id}`)).body.parent_id; // the township's id
  memberMe = (await member.get('/api/v1/auth/me')).body;
  memberName = (await county.get(`/api/v1/members/${memberMe.member_id}`)).body.name;
  households = (await county.get(`/api/v1/households?under=${villageMe.node_id}&limit=5`)).body.items;
  const c = await village.post('/api/v1/cases', { channel: 'phone', category: 'water', text: ORIGINAL, household_id: households[0].id, phone: PHONE_NO });
  assert.equal(c.status, 201, c.text);
  caseA = c.body;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// One logged-in page per user, kept across the tests (each from its own address).
async function pageOf(username, opts = DESK, password = NEW_PASSWORD) {
  if (pages[username]) return pages[username];
  const ctx = await newContext(browser, opts, 9);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/login');
  await login(page, username, { password });
  pages[username] = { ctx, page, errors };
  return pages[username];
}
async function go(page, path) {
  await page.goto(srv.base + path);
  await page.waitForURL((u) => u.pathname === path.split('?')[0]);
}
const pick = (page, text) => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
const bellCount = async (page) => {
  const b = page.locator('[data-test=bell-count]');
  return (await b.count()) ? Number(await b.innerText()) : 0;
};
// The bell asks the server when a screen opens: wait (up to 10 s) for it to show `n`, then
// assert it does.
async function bellShows(page, n) {
  for (let i = 0; i < 50 && (await bellCount(page)) !== n; i++) await page.waitForTimeout(200);
  assert.equal(await bellCount(page), n);
}

test('a photo added to a case shows on it; a fake image is refused with the server\'s reason; the phone after a reason', async () => {
  const { page, errors } = await pageOf('village');
  // The village's secretary may publish but not edit the county's templates or calendar.
  await page.getByRole('link', { name: '公示栏', exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: '节假日历' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: '诉求设置' }).count(), 0);
  await page.goto(srv.base + '/admin/calendar');
  await page.waitForURL((u) => u.pathname !== '/admin/calendar');

  // The queues: every one of the API, with the channel and age filters kept in the address.
  await page.getByRole('link', { name: '诉求办理' }).click();
  await page.waitForURL(/\/cases$/);
  assert.deepEqual(await page.locator('[data-test=queues] [data-queue]').evaluateAll((e) => e.map((x) => x.dataset.queue)),
    ['all', 'mine', 'node', 'escalated', 'overdue', 'supervised', 'follow_up']);
  await page.locator('[data-queue=node]').click();
  await page.waitForURL(/queue=node/);
  const rowA = page.getByRole('link', { name: new RegExp(caseA.code) });
  await rowA.waitFor();
  await page.click('[data-test=channel]');
  await pick(page, '走访');
  await page.getByRole('button', { name: '查询' }).click();
  await page.waitForURL(/channel=visit/);
  await page.getByText('暂无数据').waitFor();
  await page.click('[data-test=channel]');
  await pick(page, '来电');
  await page.locator('[data-test=max-age] input').fill('1');
  await page.getByRole('button', { name: '查询' }).click();
  await page.waitForURL(/channel=phone&max_age_days=1/);
  await rowA.waitFor();
  await page.locator('[data-test=min-age] input').fill('2');
  await page.getByRole('button', { name: '查询' }).click();
  await page.waitForURL(/min_age_days=2/);
  await page.getByText('暂无数据').waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-casework-queue.png') });

  await go(page, `/cases/${caseA.id}`);
  await page.locator('[data-test=photos]').getByText('暂无照片').waitFor();
  await page.setInputFiles('[data-test=photo-file]', { name: '水管.png', mimeType: 'image/png', buffer: png() });
  const img = page.locator('[data-test=photos] img');
  await img.first().waitFor();
  await page.waitForFunction(() => document.querySelector('[data-test=photos] img')?.naturalWidth > 0);
  let c = (await county.get(`/api/v1/cases/${caseA.id}`)).body;
  assert.equal(c.photos.length, 1);
  assert.equal(await img.getAttribute('src'), `/api/v1/cases/${caseA.id}/photos/${c.photos[0].hash}`);

  // A text file named .jpg: the server looks at the content and says no.
  await page.setInputFiles('[data-test=photo-file]', { name: '假照片.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('这不是照片，只是改了扩展名的文字') });
  const refusal = page.locator('[data-test=photo-error]');
  await refusal.waitFor();
  // In the page's language (the upload asks for it like every request): src/util/msgcat.def.
  assert.equal((await refusal.innerText()).trim(), '照片未能添加：只能上传 JPEG 或 PNG 格式的照片');
  c = (await county.get(`/api/v1/cases/${caseA.id}`)).body;
  assert.equal(c.photos.length, 1, 'nothing added');
  assert.equal(await img.count(), 1);

  // The phone, masked; the full number after saying why.
  assert.equal(await page.locator('[data-test=phone]').innerText(), '139****5678');
  await page.click('[data-test=phone-reveal]');
  await page.click('[data-test=phone-send]');
  await page.getByRole('dialog').getByText('请说明查看原因').waitFor();
  await page.fill('#lx-phone-reason', '电话核实停水情况');
  await page.click('[data-test=phone-send]');
  await page.locator('[data-test=phone]').getByText(PHONE_NO).waitFor();
  await page.screenshot({ path: join(SHOTS, 'web-casework-photos.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('a reply template added by the county is offered on the case and fills the reply; retiring it asks first', async () => {
  const TEXT = '您好，您反映的用水问题已转乡供水站，将于两个工作日内上门检修。';
  const { page } = await pageOf('county');
  await page.getByRole('link', { name: '诉求设置' }).click();
  await page.waitForURL(/\/admin\/reply-templates$/);
  await page.click('[data-test=tpl-add]');
  await page.getByText('此项必填').first().waitFor();
  assert.equal(await page.getByText('此项必填').count(), 2, 'category and text, beside their fields');
  await page.click('[data-test=tpl-category]');
  await pick(page, '饮水灌溉');
  await page.fill('#lx-tpl-text', TEXT);
  await page.click('[data-test=tpl-add]');
  const row = page.locator('[data-test=templates] .el-table__body tr', { hasText: TEXT });
  await row.waitFor();
  const listed = (await county.get('/api/v1/reply-templates?category=water')).body.items;
  assert.deepEqual(listed.map((x) => x.text), [TEXT]);

  // On the water case, the interim reply starts from it.
  const v = (await pageOf('village')).page;
  await go(v, `/cases/${caseA.id}`);
  await v.click('[data-action=reply]');
  await v.click('[data-test=template]');
  await pick(v, '您好，您反映的用水问题');
  assert.equal(await v.locator('#lx-action-text').inputValue(), TEXT);
  await v.screenshot({ path: join(SHOTS, 'web-casework-template.png') });
  await v.click('[data-test=action-send]');
  await v.getByRole('dialog').waitFor({ state: 'hidden' });
  const steps = (await county.get(`/api/v1/cases/${caseA.id}`)).body.timeline;
  assert.equal(steps.at(-1).event, 'reply');
  assert.equal(steps.at(-1).text, TEXT);

  // Retiring: asked first; cancelled, it stays; confirmed, it goes.
  await page.screenshot({ path: join(SHOTS, 'web-casework-templates.png'), fullPage: true });
  await row.locator('[data-test=tpl-retire]').click();
  const box = page.locator('.el-message-box');
  await box.getByText('确定停用模板').waitFor();
  await box.getByRole('button', { name: '取消' }).click();
  await box.waitFor({ state: 'hidden' });
  assert.equal((await county.get('/api/v1/reply-templates?category=water')).body.items.length, 1);
  await row.locator('[data-test=tpl-retire]').click();
  await box.getByRole('button', { name: '停用' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await county.get('/api/v1/reply-templates?category=water')).body.items.length, 0);
});

test('a resolved case goes on the board redacted: the public page shows the redacted text only; taking it down asks first', async () => {
  for (const [a, b] of [['assign', { member_id: memberMe.member_id }], ['start', {}], ['resolve', { text: '更换了进村主管道阀门，已恢复供水' }]]) {
    const r = await village.post(`/api/v1/cases/${caseA.id}/${a}`, b);
    assert.equal(r.status, 200, `${a}: ${r.text}`);
  }
  const { page } = await pageOf('village');
  await go(page, `/cases/${caseA.id}`);
  await page.locator('[data-test=state]').getByText('已办结').waitFor();
  // The follow-up call is offered exactly when the case is in the follow-up sample.
  const sampled = (await village.get('/api/v1/cases?queue=follow_up')).body.items.some((x) => x.id === caseA.id);
  await page.locator('[data-action=close]').waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('[data-action=follow-up]').count(), sampled ? 1 : 0, `in the sample: ${sampled}`);
  await page.click('[data-test=publish-open]');
  const text = page.locator('#lx-pub-text');
  assert.equal(await text.inputValue(), ORIGINAL, 'the dialog starts from the request as written');
  await page.locator('[data-test=pub-text-leak]').waitFor();
  // Sent as it is, the server refuses it beside the text.
  await page.click('[data-test=pub-send]');
  const textError = page.getByRole('dialog').locator('.el-form-item', { has: text }).locator('.el-form-item__error');
  await textError.waitFor();
  assert.equal(await textError.innerText(), '内容中还有电话、身份证号或门牌号，请先删去');
  // The numbers blotted out by the button, then the name taken out by hand.
  await page.click('[data-test=pub-text-blot]');
  assert.ok(!(await text.inputValue()).includes(PHONE_NO));
  await text.fill(REDACTED);
  assert.equal(await page.locator('[data-test=pub-text-leak]').count(), 0);
  await page.locator('[data-test=pub-photo]').first().click();
  await page.screenshot({ path: join(SHOTS, 'web-casework-publish.png') });
  await page.click('[data-test=pub-send]');
  const link = page.locator('[data-test=public-page]');
  await link.waitFor();

  const item = (await village.get('/api/v1/board')).body.items.find((x) => x.case_id === caseA.id);
  assert.equal(item.text, REDACTED);
  assert.equal(item.photos.length, 1, 'the chosen photo');
  const href = await link.getAttribute('href');
  assert.match(href, new RegExp(`^/p/${villageMe.node_id}\\?month=\\d{4}-\\d{2}$`));
  const pub = await (await fetch(srv.base + href)).text();
  assert.ok(pub.includes(REDACTED), 'the public page shows the redacted text');
  assert.ok(!pub.includes(ORIGINAL) && !pub.includes(PHONE_NO) && !pub.includes('张三'), 'and nothing of the original');

  // The board screen lists it; taking it down asks for a confirmation and a reason.
  await page.getByRole('link', { name: '公示栏', exact: true }).click();
  await page.waitForURL(/\/board$/);
  const row = page.locator('[data-test=board] .el-table__body tr', { hasText: REDACTED });
  await row.waitFor();
  assert.equal(await row.locator('[data-test=public-link]').getAttribute('href'), href);
  await page.screenshot({ path: join(SHOTS, 'web-casework-board.png'), fullPage: true });
  await row.locator('[data-test=withdraw]').click();
  const box = page.locator('.el-message-box');
  await box.getByText('确定把诉求').waitFor();
  await box.getByRole('button', { name: '取消' }).click();
  await box.waitFor({ state: 'hidden' });
  assert.equal((await village.get('/api/v1/board')).body.items.find((x) => x.id === item.id).withdrawn, false);
  await row.locator('[data-test=withdraw]').click();
  await box.locator('input').fill('居民要求撤下');
  await box.getByRole('button', { name: '撤下' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await village.get('/api/v1/board')).body.items.find((x) => x.id === item.id).withdrawn, true);
  assert.ok(!(await (await fetch(srv.base + href)).text()).includes(REDACTED), 'gone from the public page');
});

test('the county edits a holiday and a make-up working day; saved, the API reads them back', async () => {
  const { page, errors } = await pageOf('county');
  await go(page, '/admin/reply-templates');
  await page.getByRole('link', { name: '节假日历' }).click();
  await page.waitForURL(/\/admin\/calendar/);
  await page.locator('[data-test=year] input').fill('2027');
  await page.locator('[data-test=year] input').press('Enter');
  await page.waitForURL(/year=2027/);
  await page.locator('[data-test=source]').getByText('尚无该年安排').waitFor();
  const mon = page.locator('[data-date="2027-03-15"]');
  await mon.click();
  assert.match(await mon.getAttribute('aria-label'), /法定节假日/);
  const sat = page.locator('[data-date="2027-03-13"]');
  await sat.click();
  await sat.click();
  assert.match(await sat.getAttribute('aria-label'), /调休上班日/);
  await page.screenshot({ path: join(SHOTS, 'web-casework-calendar.png'), fullPage: true });
  await page.click('[data-test=save]');
  await page.locator('[data-test=source]').getByText('本县自定').waitFor();
  const y = (await county.get('/api/v1/calendar/2027')).body;
  assert.deepEqual([y.source, y.off, y.work], ['county', ['2027-03-15'], ['2027-03-13']]);
  // Read again from the server, the page shows the same days.
  await page.reload();
  await page.locator('[data-test=source]').getByText('本县自定').waitFor();
  assert.equal(await page.locator('[data-test=off-list]').innerText(), '2027-03-15');
  assert.deepEqual(errors, []);
});

test('an assignment made in the browser notifies the member on the phone; reading it lowers the count', async () => {
  const c = await village.post('/api/v1/cases', { channel: 'visit', category: 'roads', text: '组里便道塌了一段', household_id: households[1].id });
  assert.equal(c.status, 201, c.text);
  const m = await pageOf('member', PHONE);
  await go(m.page, '/m');
  await m.page.locator('[data-test=bell]').waitFor();
  const before0 = (await member.get('/api/v1/notifications?unread=1')).body.unread;
  await bellShows(m.page, before0);

  const v = (await pageOf('village')).page;
  await go(v, `/cases/${c.body.id}`);
  await v.click('[data-action=assign]');
  await v.click('[data-test=member]');
  await v.keyboard.type(memberName);
  await pick(v, memberName);
  await v.click('[data-test=action-send]');
  await v.getByRole('dialog').waitFor({ state: 'hidden' });
  await v.locator('[data-test=state]').getByText('已交办').waitFor();

  // The member's bell counts it on the next screen; the list says what and which case.
  await m.page.click('[data-test=bell]');
  await m.page.waitForURL(/\/m\/notifications$/);
  const note = m.page.locator(`[data-test=notes] li[data-case="${c.body.id}"]`);
  await note.waitFor();
  assert.match(await note.innerText(), /新交办/);
  assert.match(await note.innerText(), new RegExp(c.body.code));
  await bellShows(m.page, before0 + 1);
  await m.page.screenshot({ path: join(SHOTS, 'web-casework-notifications.png'), fullPage: true });
  await note.locator('[data-test=mark-read]').click();
  await m.page.locator('[data-test=notes-unread]').getByText(`${before0} 条未读`).waitFor();
  await bellShows(m.page, before0);
  assert.equal((await member.get('/api/v1/notifications?unread=1')).body.unread, before0);
  // It leads to the case's page on the phone.
  await note.locator('a').click();
  await m.page.waitForURL(new RegExp(`/m/cases/${c.body.id}$`));
  await m.page.locator('[data-test=text]').getByText('组里便道塌了一段').waitFor();
  assert.deepEqual(m.errors, []);
});

test('a member opens a case for one of their households on a 375 px screen and finds it', async () => {
  const mine = (await member.get('/api/v1/households?limit=500')).body.items;
  assert.ok(mine.length > 0, 'the member has households');
  const { page, errors } = await pageOf('member', PHONE);
  await go(page, '/m');
  await page.getByRole('link', { name: '代办诉求' }).click();
  await page.waitForURL(/\/m\/cases\/new$/);
  await page.locator(`[data-household="${mine[0].id}"]`).waitFor();
  // Nothing chosen: each field says so.
  await page.click('[data-test=send]');
  await page.getByText('请选择一户').waitFor();
  assert.equal(await page.getByText('此项必填').count(), 2);
  await page.locator(`[data-household="${mine[0].id}"]`).click();
  await page.click('[data-test=category]');
  await pick(page, '医疗');
  await page.fill('#lx-mn-text', '老人想办慢病卡，腿脚不便去不了镇上');
  await page.locator('[data-test=priority] label', { hasText: '紧急' }).click();
  const m1 = await page.evaluate(() => {
    const h = (sel) => Math.min(...[...document.querySelectorAll(sel)].map((e) => e.getBoundingClientRect().height));
    return { sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
      radio: h('[data-test=households] .el-radio'), send: h('[data-test=send]'), select: h('[data-test=category] .el-select__wrapper'),
      font: parseFloat(getComputedStyle(document.querySelector('#lx-mn-text')).fontSize) };
  });
  assert.ok(m1.sw <= m1.cw, `no sideways scrolling (${m1.sw} > ${m1.cw})`);
  for (const k of ['radio', 'send', 'select']) assert.ok(m1[k] >= 44, `${k} is a large touch target (${m1[k]}px)`);
  assert.ok(m1.font >= 16, `text at least 16 px (${m1.font})`);
  await page.screenshot({ path: join(SHOTS, 'web-casework-phone-new.png'), fullPage: true });
  await page.click('[data-test=send]');
  await page.waitForURL(/\/m\/cases\/\d+$/);
  const id = Number(/\/m\/cases\/(\d+)$/.exec(page.url())[1]);
  await page.locator('[data-test=text]').getByText('老人想办慢病卡').waitFor();
  const c = (await county.get(`/api/v1/cases/${id}`)).body;
  assert.deepEqual([c.channel, c.category, c.priority, c.household_id, c.state], ['member', 'medical', 'emergency', mine[0].id, 'received']);
  assert.equal(c.node_id, villageMe.node_id, 'received at the household\'s village');
  assert.ok((await member.get('/api/v1/cases')).body.items.some((x) => x.id === id), 'among the member\'s cases');
  await page.screenshot({ path: join(SHOTS, 'web-casework-phone-opened.png'), fullPage: true });
  // and on the phone among "my cases", though nobody has assigned it to them yet
  await go(page, '/m/cases');
  await page.locator(`[data-test=my-cases] [data-case="${id}"]`).waitFor();
  assert.deepEqual(errors, []);
});

test('a township admin of another township cannot open the case page by URL', async () => {
  const level = (await county.get(`/api/v1/nodes/${townMe}`)).body.level;
  const other = (await county.get(`/api/v1/nodes?level=${level}&limit=50`)).body.items.find((n) => n.id !== townMe);
  assert.ok(other, 'a second township');
  const made = await sysadmin.post('/api/v1/users', { username: 'othertown', role: 'township_admin', node_id: other.id });
  assert.equal(made.status, 201, made.text);
  const { page } = await pageOf('othertown', DESK, made.body.initial_password);
  await go(page, `/cases/${caseA.id}`);
  await page.locator('[data-test=case-error]').getByText('未找到，或不在您的管辖范围内').waitFor();
  assert.equal(await page.locator('[data-test=actions]').count(), 0);
  assert.equal(await page.getByText(ORIGINAL).count(), 0);
  const c = new Client(srv.base);
  await c.login('othertown', NEW_PASSWORD);
  assert.equal((await c.get(`/api/v1/cases/${caseA.id}`)).status, 404);
  assert.equal((await c.get(`/api/v1/cases/${caseA.id}/photos/${(await county.get(`/api/v1/cases/${caseA.id}`)).body.photos[0].hash}`)).status, 404);
  await page.screenshot({ path: join(SHOTS, 'web-casework-other-township.png') });
});
