// lib.mjs -- what the browser tests share: Debian's Chromium with the flags this machine's
// closed network needs, desktop and phone screens, a browser context per person (each from
// its own address: the server locks an address after five failed logins), and logging in
// through the page with the forced first password change.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { DEMO_PASSWORD, NEW_PASSWORD } from '../api/lib.mjs';

export const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'screenshots');
export const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const DESK = { viewport: { width: 1366, height: 900 } };
export const PHONE = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
}

let nextAddr = 10;
// A browser context (a person's browser) coming from an address of its own.
export function context(browser, opts = DESK, net = 7) {
  return browser.newContext({ ...opts, extraHTTPHeaders: { 'X-Real-IP': `10.${net}.${nextAddr >> 8}.${nextAddr++ & 255}` } });
}

// Log in through the page; when the server asks for the first password change, make it
// (calling `onPassword(page)` first, if given, on the change screen).
export async function login(page, username, { password = DEMO_PASSWORD, onPassword } = {}) {
  await page.fill('#lx-username', username);
  await page.fill('#lx-password', password);
  await page.click('button[type=submit]');
  const out = await Promise.race([
    page.waitForURL((u) => !u.pathname.startsWith('/login')).then(() => 'in'),
    page.locator('[data-test=login-error]').waitFor().then(() => 'wrong'),
  ]);
  if (out === 'wrong' && password === DEMO_PASSWORD) return login(page, username, { password: NEW_PASSWORD, onPassword });
  if (new URL(page.url()).pathname === '/password') {
    if (onPassword) await onPassword(page);
    await page.fill('#lx-old', password);
    await page.fill('#lx-new', NEW_PASSWORD);
    await page.fill('#lx-again', NEW_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname !== '/password');
  }
  return undefined;
}

// A new person's page (a context from its own address, `net` as in context) logged in as
// `username` at `path` (`as`: login's options); `errors` collects the page's uncaught errors.
export async function openAs(browser, base, username, path, { view = DESK, net = 7, as = {} } = {}) {
  const ctx = await context(browser, view, net);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + path);
  await login(page, username, as);
  await page.waitForURL((u) => u.pathname === path.split('?')[0]);
  return { ctx, page, errors };
}

// Pair the demo county (which has no pairings): a liaison run over it, planned and applied.
export async function pairCounty(county) {
  const plan = await county.post('/api/v1/assignments', { layer: 'liaison', node_id: 1 });
  assert.equal(plan.status, 201, plan.text);
  const applied = await county.post(`/api/v1/assignments/${plan.body.id}/apply`);
  assert.equal(applied.status, 200, applied.text);
  return applied;
}
