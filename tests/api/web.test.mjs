// web.test.mjs -- `serve --web DIR`: the web application's files at the same origin as the
// API, and index.html for the application's own routes (/cases/12 reloaded in the browser).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib.mjs';

let srv; let dir;
const INDEX = '<!doctype html><title>app</title><div id="app"></div>';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lianxin-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'index-abc.css'), 'body{}');
  srv = await startServer({ households: 100, web: dir });
});

after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the files of the web application, with their types', async () => {
  let r = await fetch(`${srv.base}/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.equal(await r.text(), INDEX);
  r = await fetch(`${srv.base}/assets/index-abc.js`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /javascript/);
  r = await fetch(`${srv.base}/assets/index-abc.css`);
  assert.match(r.headers.get('content-type'), /text\/css/);
});

test('client-side routes get index.html; missing files and the API do not', async () => {
  for (const path of ['/households', '/cases/12', '/m/visit?h=3', '/login?next=%2Fcases']) {
    const r = await fetch(srv.base + path);
    assert.equal(r.status, 200, path);
    assert.equal(await r.text(), INDEX, path);
  }
  let r = await fetch(`${srv.base}/assets/missing-123.js`);
  assert.equal(r.status, 404, 'a missing file is not the page');
  r = await fetch(`${srv.base}/api/v1/nothing-here`);
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error.code, 'not_found');
  r = await fetch(`${srv.base}/assets/../../etc/passwd.txt`);
  assert.notEqual(await r.text(), INDEX);
  // A state change is not a file request: POST to a client route is the API's 404.
  r = await fetch(`${srv.base}/cases/12`, { method: 'POST' });
  assert.notEqual(r.status, 200);
});
