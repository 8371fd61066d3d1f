// lib.mjs -- start the real lianxin binary on a free port over a fresh demo database.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';

export const BIN = process.env.LIANXIN_BIN;
if (!BIN) throw new Error('LIANXIN_BIN is not set');
export const DEMO_PASSWORD = 'Demo-2026!';
export const NEW_PASSWORD = 'Changed-2026#ok';
// The built web application (make builds it; tests/e2e/web.test.mjs drives it).
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

export function lianxin(dir, ...args) {
  return execFileSync(BIN, ['--db', join(dir, 'lx.db'), ...args], { encoding: 'utf8' });
}

// A server over a new demo county. Call stop() when done.
// `web: true` serves the built web application (WEB_DIST) beside the API; a string serves
// that directory instead.
export async function startServer({ households = 300, env = {}, web = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lianxin-test-'));
  lianxin(dir, 'demo', '--households', String(households), '--seed', '7', '--password', DEMO_PASSWORD);
  const port = await freePort();
  const args = ['--db', join(dir, 'lx.db'), 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '2'];
  if (web) args.push('--web', web === true ? WEB_DIST : web);
  const proc = spawn(BIN, args,
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { const r = await fetch(`${base}/api/v1/health`); if (r.ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base, dir, db: join(dir, 'lx.db'), pid: proc.pid,
    log: () => log,
    // Stop the server; it must exit cleanly (status 0: under ASan, a leak or
    // an error at shutdown makes it non-zero), unless a test killed it on purpose.
    async stop({ expectClean = true } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const { code, signal } = await exited;
      const tail = log.split('\n').slice(-15).join('\n');
      rmSync(dir, { recursive: true, force: true });
      if (expectClean && code !== 0) throw new Error(`the server exited with ${code ?? signal}:\n${tail}`);
    },
    exitCode: () => proc.exitCode,
  };
}

// A logged-in client: keeps the cookie and CSRF token.
// `addr` makes the client appear to come from that address (through the
// loopback proxy header the server trusts), as different people would.
// `lang` is its Accept-Language: English by default, so that tests can match the server's
// English messages (a request without the header gets Simplified Chinese); null sends none.
export class Client {
  constructor(base, addr, { lang = 'en' } = {}) {
    this.base = base; this.cookie = ''; this.csrf = ''; this.addr = addr; this.lang = lang;
  }

  async req(method, path, body, { headers = {}, raw = false } = {}) {
    const h = { ...headers };
    if (this.lang && !Object.keys(h).some((k) => k.toLowerCase() === 'accept-language')) h['Accept-Language'] = this.lang;
    if (this.addr) h['X-Real-IP'] = this.addr;
    if (this.cookie) h.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Uint8Array || Buffer.isBuffer(body)) payload = body;
      else { payload = JSON.stringify(body); h['Content-Type'] = h['Content-Type'] || 'application/json'; }
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const set = res.headers.get('set-cookie');
    if (set) {
      const m = /lx_session=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `lx_session=${m[1]}` : '';
    }
    if (raw) return res;
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: json, text, headers: res.headers };
  }

  get(p) { return this.req('GET', p); }
  post(p, b) { return this.req('POST', p, b ?? {}); }
  patch(p, b) { return this.req('PATCH', p, b); }
  put(p, b) { return this.req('PUT', p, b); }

  async login(username, password) {
    const r = await this.post('/api/v1/auth/login', { username, password });
    if (r.status === 200) this.csrf = r.body.csrf_token;
    return r;
  }

  // Log in with the demo password and make the forced first change.
  async loginReady(username) {
    let r = await this.login(username, DEMO_PASSWORD);
    if (r.status !== 200) r = await this.login(username, NEW_PASSWORD);
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    if (r.body.must_change_password) {
      const c = await this.post('/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: NEW_PASSWORD });
      if (c.status !== 200) throw new Error(`password change ${username}: ${c.status} ${c.text}`);
      this.csrf = c.body.csrf_token;
    }
    return this;
  }
}

// Every record a list route gives, following its cursor (500 a page). A page
// that is not 200 fails the calling test.
export async function listAll(client, path) {
  const items = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let after = null; ;) {
    const r = await client.get(`${path}${sep}limit=500${after ? `&after=${after}` : ''}`);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    items.push(...r.body.items);
    if (!r.body.next) return items;
    after = r.body.next;
  }
}

// A valid ID number: the 17 digits given plus their GB 11643 check digit.
export function idno(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s = [...first17].reduce((a, d, i) => a + Number(d) * w[i], 0);
  return first17 + '10X98765432'[s % 11];
}

// The files of a ZIP archive (stored or deflated), by name.
export function unzip(buf) {
  const files = new Map();
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a ZIP archive');
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50);
    const method = buf.readUInt16LE(at + 10); const size = buf.readUInt32LE(at + 20);
    const nlen = buf.readUInt16LE(at + 28); const xlen = buf.readUInt16LE(at + 30); const clen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nlen).toString();
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + nlen + xlen + clen;
  }
  return files;
}

// The first sheet as rows of cell texts.
export function sheetRows(files) {
  const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const shared = [...(files.get('xl/sharedStrings.xml')?.toString() ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)]
    .map((m) => unxml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  const xml = files.get('xl/worksheets/sheet1.xml').toString();
  // A cell's column from its reference (r="C5": 2); an empty cell is not written, so
  // the cells after it go where their references put them, and the gap is ''.
  const column = (ref) => [...ref.replace(/\d+$/, '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return [...xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((row) => {
    const cells = [];
    for (const c of row[1].matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const body = c[2] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      const t = /<t[^>]*>([\s\S]*?)<\/t>/.exec(body)?.[1];
      const ref = /\br="([A-Z]+\d+)"/.exec(c[1])?.[1];
      const at = ref ? column(ref) : cells.length;
      while (cells.length < at) cells.push('');
      cells[at] = /t="s"/.test(c[1]) ? shared[Number(v)] : unxml(t ?? v ?? '');
    }
    return cells;
  });
}
