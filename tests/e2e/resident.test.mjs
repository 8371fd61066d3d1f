// resident.test.mjs -- in a real browser on a phone-sized screen: a resident opens the page
// behind their card, sends a request with a photo through the plain HTML form, follows it,
// reads the answer, rates it; the village's public board shows it. (SPEC C5, C9.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { startServer, Client } from '../api/lib.mjs';
import { SHOTS, launch, PHONE } from './lib.mjs';

let srv; let county; let village; let browser; let work; let token; let villageMe;

// A small PNG (4x4, red) with a text chunk that names a place: the server must drop it.
function png() {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0]);
  const raw = Buffer.concat(Array.from({ length: 4 }, () => Buffer.from([0, 220, 0, 0, 220, 0, 0, 220, 0, 0, 220, 0, 0])));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Location\0GPS 30.65N 104.06E', 'latin1')),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  srv = await startServer({ households: 200 });
  county = await new Client(srv.base).loginReady('county');
  village = await new Client(srv.base).loginReady('village');
  villageMe = (await village.get('/api/v1/auth/me')).body;
  const h = (await county.get(`/api/v1/households?under=${villageMe.node_id}&limit=1`)).body.items[0].id;
  const cards = await county.get(`/api/v1/cards?household_id=${h}`);
  token = /\/r\/([A-Za-z0-9_-]{32})/.exec(cards.text)[1];
  browser = await launch();
  work = mkdtempSync(join(tmpdir(), 'lianxin-e2e-'));
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  await srv?.stop();
});

// No sideways scrolling, body text at least 16 px, every control at least 44 px high.
async function phoneChecks(page, what) {
  const m = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
    font: parseFloat(getComputedStyle(document.body).fontSize),
    small: [...document.querySelectorAll('button, select, textarea, input[type=tel], input[type=file]')]
      .filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.outerHTML.slice(0, 60)),
    unlabelled: [...document.querySelectorAll('select, textarea, input')]
      .filter((e) => e.type !== 'radio' && !(e.id && document.querySelector(`label[for="${e.id}"]`)))
      .map((e) => e.outerHTML.slice(0, 60)),
  }));
  assert.ok(m.sw <= m.cw, `${what}: scrolls sideways (${m.sw} > ${m.cw})`);
  assert.ok(m.font >= 16, `${what}: body font ${m.font}px`);
  assert.deepEqual(m.small, [], `${what}: controls under 44 px`);
  assert.deepEqual(m.unlabelled, [], `${what}: controls without a label`);
}

test('a resident sends a request with a photo from the card page, follows it and rates it', async () => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  let res = await page.goto(`${srv.base}/r/${token}`);
  assert.equal(res.status(), 200);
  await phoneChecks(page, 'the card page');
  const photo = join(work, 'photo.png');
  writeFileSync(photo, png());
  await page.selectOption('#category', 'roads');
  await page.fill('#text', '村口路灯坏了一个月，晚上<b>看不见</b>路');
  await page.fill('#phone', '139 1234 5678');
  await page.setInputFiles('#photo', photo);
  await page.screenshot({ path: join(SHOTS, 'resident-request-form.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.match(page.url(), new RegExp(`/r/${token}/cases/[A-Z0-9]{8}\\?ok=sent$`));
  const code = /cases\/([A-Z0-9]{8})/.exec(page.url())[1];
  assert.equal(await page.locator('.code').innerText(), code);
  assert.ok((await page.content()).includes('村口路灯坏了一个月，晚上&lt;b&gt;看不见&lt;/b&gt;路'), 'text kept as text');
  // the photo shows, decoded by the browser, without its location text
  const img = page.locator('img.photo');
  assert.equal(await img.count(), 1);
  assert.ok(await img.evaluate((e) => e.complete && e.naturalWidth === 4), 'the photo decodes');
  const src = await img.getAttribute('src');
  const bytes = Buffer.from(await (await fetch(srv.base + src)).arrayBuffer());
  assert.ok(!bytes.includes('GPS'), 'location metadata stripped');
  await phoneChecks(page, 'the case page');
  await page.screenshot({ path: join(SHOTS, 'resident-case-received.png'), fullPage: true });

  // the village answers and resolves it
  const id = (await village.get('/api/v1/cases?queue=node')).body.items.find((c) => c.code === code).id;
  for (const [a, b] of [['reply', { text: '已报乡镇电管站，三天内修好' }], ['assign', { user_id: villageMe.id }], ['start', {}],
    ['resolve', { text: '路灯已更换为太阳能灯' }]]) {
    const r = await village.post(`/api/v1/cases/${id}/${a}`, b);
    assert.equal(r.status, 200, `${a}: ${r.text}`);
  }
  res = await page.goto(`${srv.base}/r/${token}/cases/${code}`);
  assert.equal(res.status(), 200);
  const body = await page.locator('body').innerText();
  assert.ok(body.includes('已报乡镇电管站，三天内修好') && body.includes('路灯已更换为太阳能灯'));
  await phoneChecks(page, 'the rating page');
  await page.check('input[name=rating][value=satisfied]');
  await page.fill('#comment', '修得很快');
  await page.screenshot({ path: join(SHOTS, 'resident-rate.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.match(page.url(), /\?ok=rated$/);
  assert.ok((await page.locator('body').innerText()).includes('您的评价：满意'));
  assert.equal(await page.locator('input[name=rating]').count(), 0, 'no second rating offered');
  assert.ok((await page.locator('form[action$="/reopen"]').count()) === 1, 'a reopen form instead');
  assert.deepEqual(errors, []);
  const c = (await village.get(`/api/v1/cases/${id}`)).body;
  assert.equal(c.state, 'rated');
  assert.equal(c.rating, 'satisfied');
  assert.equal(c.phone, '139****5678');

  // published after redaction, the board shows it on a phone
  const pub = await village.post(`/api/v1/cases/${id}/publish`, { text: '村口路灯损坏', resolution: '已更换为太阳能路灯', photos: [c.photos[0].hash] });
  assert.equal(pub.status, 201, pub.text);
  res = await page.goto(`${srv.base}/p/${villageMe.node_id}`);
  assert.equal(res.status(), 200);
  const board = await page.locator('body').innerText();
  assert.ok(board.includes('村口路灯损坏') && board.includes('已更换为太阳能路灯'));
  assert.ok(!board.includes('5678'));
  assert.ok(await page.locator('img.photo').evaluate((e) => e.complete && e.naturalWidth === 4));
  await phoneChecks(page, 'the public board');
  await page.screenshot({ path: join(SHOTS, 'village-board.png'), fullPage: true });
  await ctx.close();
});
