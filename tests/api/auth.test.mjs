// auth.test.mjs -- logging in, lockout, the forced password change, sessions, CSRF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD, NEW_PASSWORD } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('a wrong password is refused with 401 and no session', async () => {
  const c = new Client(srv.base);
  const r = await c.login('county', 'wrong-Password1');
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'unauthenticated');
  assert.equal(c.cookie, '');
});

test('the first login must change the password before anything else', async () => {
  const c = new Client(srv.base);
  const r = await c.login('township', DEMO_PASSWORD);
  assert.equal(r.status, 200);
  assert.equal(r.body.must_change_password, true);
  assert.match(r.headers.get('set-cookie'), /HttpOnly/);
  assert.match(r.headers.get('set-cookie'), /SameSite=Strict/);
  const blocked = await c.get('/api/v1/households');
  assert.equal(blocked.status, 403);
  assert.equal(blocked.body.error.field, 'password_change_required');
  const weak = await c.post('/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: 'short' });
  assert.equal(weak.status, 400);
  assert.equal(weak.body.error.field, 'new_password');
  const ok = await c.post('/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: NEW_PASSWORD });
  assert.equal(ok.status, 200);
  c.csrf = ok.body.csrf_token;
  const list = await c.get('/api/v1/households');
  assert.equal(list.status, 200);
});

test('five failed logins lock the account for 30 minutes, even with the right password', async () => {
  const c = new Client(srv.base, '10.1.1.1');
  for (let i = 0; i < 4; i++) assert.equal((await c.login('group', 'Nope-wrong-1')).status, 401);
  const fifth = await c.login('group', 'Nope-wrong-1');
  assert.equal(fifth.status, 423);
  assert.match(fifth.body.error.message, /locked for (30|29) more minutes/);
  const right = await c.login('group', DEMO_PASSWORD);
  assert.equal(right.status, 423);
  // from another address too: the account itself is locked
  const elsewhere = await new Client(srv.base, '10.1.1.2').login('group', DEMO_PASSWORD);
  assert.equal(elsewhere.status, 423);
});

test('five failed logins from one address lock that address for every account', async () => {
  const c = new Client(srv.base, '10.2.2.2');
  const names = ['nobody1', 'nobody2', 'nobody3', 'nobody4', 'nobody5'];
  for (const n of names.slice(0, 4)) assert.equal((await c.login(n, 'Guess-pass-1')).status, 401);
  assert.equal((await c.login(names[4], 'Guess-pass-1')).status, 423);
  assert.equal((await c.login('member', DEMO_PASSWORD)).status, 423);
  // the same account from a clean address is not affected
  assert.equal((await new Client(srv.base, '10.2.2.3').login('member', DEMO_PASSWORD)).status, 200);
});

test('a state-changing request without the CSRF token is refused', async () => {
  const c = await new Client(srv.base).loginReady('county');
  const token = c.csrf;
  c.csrf = '';
  const r = await c.post('/api/v1/nodes', { parent_id: 1, kind: 'township', name: '无令牌镇' });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.field, 'X-CSRF-Token');
  c.csrf = token;
});

test('logout ends the session on the server', async () => {
  const c = await new Client(srv.base).loginReady('inspector');
  const cookie = c.cookie;
  assert.equal((await c.post('/api/v1/auth/logout')).status, 200);
  c.cookie = cookie; // replaying the old cookie must not work
  const r = await c.get('/api/v1/auth/me');
  assert.equal(r.status, 401);
});

test('a password change ends the other sessions of the account', async () => {
  const a = await new Client(srv.base).loginReady('village');
  const b = await new Client(srv.base).loginReady('village');
  const r = await a.post('/api/v1/auth/password', { old_password: NEW_PASSWORD, new_password: 'Another-2026$x' });
  assert.equal(r.status, 200);
  a.csrf = r.body.csrf_token;
  assert.equal((await b.get('/api/v1/auth/me')).status, 401);
  assert.equal((await a.get('/api/v1/auth/me')).status, 200);
});

test('login rejects malformed bodies with a 4xx naming the problem', async () => {
  const c = new Client(srv.base);
  const bad = [
    ['{"username":', 'application/json', 400],
    ['{"username":"a","password":"b","extra":1}', 'application/json', 400],
    ['{"username":5,"password":"b"}', 'application/json', 400],
    ['username=a&password=b', 'application/x-www-form-urlencoded', 415],
  ];
  for (const [body, type, status] of bad) {
    const r = await c.req('POST', '/api/v1/auth/login', body, { headers: { 'Content-Type': type } });
    assert.equal(r.status, status, body);
    assert.ok(r.body.error.message.length > 0);
  }
  const big = 'x'.repeat(1100 * 1024);
  const r = await c.req('POST', '/api/v1/auth/login', `{"username":"${big}"}`, { headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 413);
});
