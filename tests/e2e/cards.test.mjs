// cards.test.mjs -- in a real browser: a liaison run for a village, its cards
// printed on A4, each card's QR code read back from a screenshot, and the
// resident page it opens on a phone-sized screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client } from '../api/lib.mjs';
import { SHOTS, launch } from './lib.mjs';

const MM = 96 / 25.4; // CSS pixels per millimetre

let srv; let county; let browser; let village; let work;

before(async () => {
  srv = await startServer({ households: 400 });
  county = await new Client(srv.base).loginReady('county');
  // The cards link to where phones reach the server: here, the test server.
  const r = await county.put('/api/v1/policies/site.public_url', { value: srv.base });
  assert.equal(r.status, 200, r.text);
  village = (await county.get('/api/v1/nodes?level=3&limit=1')).body.items[0];
  assert.ok(village, 'the demo county has a village');
  browser = await launch();
  work = mkdtempSync(join(tmpdir(), 'lianxin-e2e-'));
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  await srv?.stop();
});

// The text of a QR code in a PNG file, read by zbarimg (one code expected).
function readQr(file) {
  return execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim();
}

test('a village liaison run, its printed cards, and the resident page each QR code opens on a phone', async () => {
  // One liaison run over the village, applied as a county admin would.
  const plan = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: village.id });
  assert.equal(plan.status, 201, plan.text);
  const applied = await county.post(`/api/v1/assignments/${plan.body.id}/apply`);
  assert.equal(applied.status, 200, applied.text);
  const households = (await county.get(`/api/v1/households?under=${village.id}&limit=500`)).body.items;
  assert.ok(households.length > 20, `${households.length} households in the village`);

  // The print view, logged in as the county admin, laid out for paper.
  const desk = await browser.newContext();
  const [name, value] = county.cookie.split('=');
  await desk.addCookies([{ name, value, url: srv.base }]);
  const page = await desk.newPage();
  const res = await page.goto(`${srv.base}/api/v1/cards?node_id=${village.id}`);
  assert.equal(res.status(), 200);
  await page.emulateMedia({ media: 'print' });
  const cards = page.locator('section.lx-card');
  assert.equal(await cards.count(), households.length, 'one card per household');
  // A6 cards: 105 mm x 148 mm on the printed page.
  const box = await cards.first().boundingBox();
  assert.ok(Math.abs(box.width - 105 * MM) < 3, `card width ${box.width / MM} mm`);
  assert.ok(Math.abs(box.height - 148 * MM) < 3, `card height ${box.height / MM} mm`);
  await page.screenshot({ path: join(SHOTS, 'cards-print.png') });
  // Four to an A4 sheet: printed to PDF, the village takes ceil(n / 4) pages.
  const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
  const pages = pdf.match(/\/Type\s*\/Page[^s]/g).length;
  assert.equal(pages, Math.ceil(households.length / 4), 'A4 pages for the village');
  const size = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf);
  assert.ok(size && Math.abs(size[1] - 595.3) < 2 && Math.abs(size[2] - 841.9) < 2, `page size ${size}`);

  // The first, a middle and the last card: read the QR code as a phone camera would.
  const phone = await browser.newContext({
    viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  // Households beyond what the village's member quotas allow keep "待安排" (to be arranged).
  const named = await cards.evaluateAll((els) => els.map((e) => !e.querySelector('p.r.none')));
  const covered = named.flatMap((ok, i) => (ok ? [i] : []));
  assert.ok(covered.length >= 15, `${covered.length} cards with a liaison member`);
  const picks = [covered[0], covered[Math.floor(covered.length / 2)], covered[covered.length - 1]];
  for (const i of picks) {
    const card = cards.nth(i);
    const file = join(work, `qr-${i}.png`);
    await card.locator('svg.qr').screenshot({ path: file, scale: 'device' });
    const link = readQr(file);
    assert.equal(link, (await card.locator('.link').innerText()).trim(), 'the code holds the printed link');
    assert.ok(link.startsWith(`${srv.base}/r/`), link);
    const liaison = (await card.locator('p.r').first().innerText()).replace(/^联系党员：/, '').trim();

    // The resident page, on a 375 px phone, without logging in.
    const p = await phone.newPage();
    const r = await p.goto(link);
    assert.equal(r.status(), 200);
    assert.equal(await p.locator('h1').innerText(), '党群连心 · 我的联系党员');
    // The same place and the same member as on the card.
    const place = (await card.locator('.place').innerText()).trim();
    assert.ok((await p.locator('p.place').innerText()).startsWith(place), 'same household place');
    const who = p.locator('section.who').first();
    const [memberName, memberPhone] = liaison.split(/\s+/);
    assert.equal(await who.locator('.name').innerText(), memberName);
    assert.equal(await who.locator('a.call').getAttribute('href'), `tel:${memberPhone}`);
    // The demo village's secretary is who to call at the village, on the card and the page.
    const vil = p.locator('section.who', { hasText: '村（社区）联系人' });
    const secretary = (await card.locator('p.r', { hasText: '村（社区）联系人' }).innerText())
      .replace(/^村（社区）联系人：/, '').trim().split(/\s+/);
    assert.equal(secretary.length, 2, `village contact on the card: ${secretary}`);
    assert.equal(await vil.locator('.name').innerText(), secretary[0]);
    assert.equal(await vil.locator('a.call').getAttribute('href'), `tel:${secretary[1]}`);
    // Fits the phone: no sideways scrolling, readable text, buttons a thumb can hit.
    const fit = await p.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      font: parseFloat(getComputedStyle(document.body).fontSize),
      call: document.querySelector('a.call').getBoundingClientRect().height,
    }));
    assert.ok(fit.scroll <= 375, `page is ${fit.scroll} px wide`);
    assert.ok(fit.font >= 16, `body text ${fit.font} px`);
    assert.ok(fit.call >= 44, `call button ${fit.call} px high`);
    if (i === 0) await p.screenshot({ path: join(SHOTS, 'resident-page.png'), fullPage: true });
    await p.close();
  }
  await phone.close();
  await desk.close();
});

test('a reprinted card with a new code: the old QR code opens "not found" on the phone, the new one the household', async () => {
  const hid = (await county.get(`/api/v1/households?under=${village.id}&limit=1`)).body.items[0].id;
  const desk = await browser.newContext();
  const [name, value] = county.cookie.split('=');
  await desk.addCookies([{ name, value, url: srv.base }]);
  const page = await desk.newPage();
  const linkOf = async (q) => {
    assert.equal((await page.goto(`${srv.base}/api/v1/cards?household_id=${hid}${q}`)).status(), 200);
    return (await page.locator('section.lx-card .link').innerText()).trim();
  };
  const oldLink = await linkOf('');
  const newLink = await linkOf('&reissue=1');
  assert.notEqual(newLink, oldLink);

  const phone = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true });
  const p = await phone.newPage();
  const gone = await p.goto(oldLink);
  assert.equal(gone.status(), 404);
  assert.doesNotMatch(await p.content(), /拨打|tel:|联系党员：/, 'nothing of the household on the old link');
  const ok = await p.goto(newLink);
  assert.equal(ok.status(), 200);
  assert.equal(await p.locator('h1').innerText(), '党群连心 · 我的联系党员');
  await phone.close();
  await desk.close();
});
