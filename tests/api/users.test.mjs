// users.test.mjs -- accounts: created with a one-time password, reset, locked and unlocked by
// the right administrator; the three administrators are never made over the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, NEW_PASSWORD } from './lib.mjs';

let srv; let sys; let sec; let county;
before(async () => {
  srv = await startServer();
  sys = await new Client(srv.base).loginReady('sysadmin');
  sec = await new Client(srv.base).loginReady('secadmin');
  county = await new Client(srv.base).loginReady('county');
});
after(async () => { await srv.stop(); });

test('a new account gets a one-time password that must be changed at first login', async () => {
  const village = (await county.get('/api/v1/nodes?level=3&limit=1')).body.items[0];
  const r = await sys.post('/api/v1/users', { username: 'wang.li', display_name: '王丽', role: 'village_secretary', node_id: village.id });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.initial_password, /^Lx-/);
  const u = new Client(srv.base);
  const login = await u.login('wang.li', r.body.initial_password);
  assert.equal(login.status, 200);
  assert.equal(login.body.must_change_password, true);
  const list = (await sys.get('/api/v1/users')).body.items;
  assert.ok(list.some((x) => x.username === 'wang.li' && x.role === 'village_secretary'));
  assert.ok(!JSON.stringify(list).includes('pw_hash'));
  assert.ok(!JSON.stringify(list).includes(r.body.initial_password));
});

test('bad account requests are refused with the field named', async () => {
  const node = (await county.get('/api/v1/nodes?level=2&limit=1')).body.items[0];
  const cases = [
    [{ username: 'ab', role: 'inspector', node_id: node.id }, 400, 'username'],
    [{ username: 'Has Space', role: 'inspector', node_id: node.id }, 400, 'username'],
    [{ username: 'ok.name', role: 'emperor', node_id: node.id }, 400, 'role'],
    [{ username: 'ok.name', role: 'inspector' }, 400, 'node_id'],
    [{ username: 'ok.name', role: 'inspector', node_id: 99999999 }, 400, 'node_id'],
    [{ username: 'ok.name', role: 'member' }, 400, 'member_id'],
    [{ username: 'ok.name2', role: 'auditadmin', node_id: node.id }, 403, 'role'],
    [{ username: 'ok.name3', role: 'sysadmin', node_id: node.id }, 403, 'role'],
    [{ username: 'county', role: 'inspector', node_id: node.id }, 409, 'username'],
  ];
  for (const [body, status, field] of cases) {
    const r = await sys.post('/api/v1/users', body);
    assert.equal(r.status, status, JSON.stringify(body) + r.text);
    assert.equal(r.body.error.field, field, JSON.stringify(body));
  }
});

test('a reset password ends the account\'s sessions; nobody resets or locks themselves', async () => {
  const node = (await county.get('/api/v1/nodes?level=2&limit=1')).body.items[0];
  const made = await sys.post('/api/v1/users', { username: 'zhao.gang', role: 'inspector', node_id: node.id });
  const u = new Client(srv.base);
  await u.login('zhao.gang', made.body.initial_password);
  assert.equal((await u.get('/api/v1/auth/me')).status, 200);
  const reset = await sys.post(`/api/v1/users/${made.body.id}/reset-password`);
  assert.equal(reset.status, 200);
  assert.notEqual(reset.body.initial_password, made.body.initial_password);
  assert.equal((await u.get('/api/v1/auth/me')).status, 401);
  const me = (await sys.get('/api/v1/auth/me')).body;
  assert.equal((await sys.post(`/api/v1/users/${me.id}/reset-password`)).status, 403);
  const secMe = (await sec.get('/api/v1/auth/me')).body;
  assert.equal((await sec.post(`/api/v1/users/${secMe.id}/lock`)).status, 403);
  assert.equal((await sys.post('/api/v1/users/99999999/reset-password')).status, 404);
});

test('the security administrator locks an account and unlocking clears its failed logins', async () => {
  const list = (await sys.get('/api/v1/users')).body.items;
  const insp = list.find((x) => x.username === 'inspector');
  const c = new Client(srv.base, '10.3.3.3');
  for (let i = 0; i < 5; i++) await c.login('inspector', 'Wrong-pass-1');
  assert.equal((await new Client(srv.base, '10.3.3.4').login('inspector', NEW_PASSWORD)).status, 423);
  assert.equal((await sec.post(`/api/v1/users/${insp.id}/unlock`)).status, 200);
  const back = await new Client(srv.base, '10.3.3.5').loginReady('inspector');
  assert.equal((await back.get('/api/v1/auth/me')).status, 200);
  assert.equal((await sec.post(`/api/v1/users/${insp.id}/lock`)).status, 200);
  assert.equal((await back.get('/api/v1/auth/me')).status, 401, 'locking ends the sessions');
  assert.equal((await new Client(srv.base, '10.3.3.6').login('inspector', NEW_PASSWORD)).status, 401);
  assert.equal((await sec.post(`/api/v1/users/${insp.id}/unlock`)).status, 200);
});

test('with the first-login policy off, a new account may work at once', async () => {
  assert.equal((await sec.put('/api/v1/policies/password.change_at_first_login', { value: 0 })).status, 200);
  const node = (await county.get('/api/v1/nodes?level=2&limit=1')).body.items[0];
  const made = await sys.post('/api/v1/users', { username: 'no.change', role: 'inspector', node_id: node.id });
  const login = await new Client(srv.base).login('no.change', made.body.initial_password);
  assert.equal(login.body.must_change_password, false);
  assert.equal((await sec.put('/api/v1/policies/password.change_at_first_login', { value: 1 })).status, 200);
});

test('the security administrator lists the accounts it may lock, and nothing else', async () => {
  const list = await sec.get('/api/v1/users');
  assert.equal(list.status, 200, list.text);
  const names = list.body.items.map((u) => u.username);
  assert.ok(names.includes('village') && names.includes('member'), names.join(' '));
  const village = list.body.items.find((u) => u.username === 'village');
  assert.equal((await sec.post(`/api/v1/users/${village.id}/lock`)).status, 200);
  assert.equal((await sec.get('/api/v1/users')).body.items.find((u) => u.id === village.id).locked, true);
  assert.equal((await sec.post(`/api/v1/users/${village.id}/unlock`)).status, 200);
  // still no records, no creating or resetting accounts
  for (const p of ['/api/v1/nodes', '/api/v1/households', '/api/v1/cases']) assert.equal((await sec.get(p)).status, 403, p);
  assert.equal((await sec.post('/api/v1/users', { username: 'x1', display_name: 'x', role: 'inspector', node_id: 1 })).status, 403);
  assert.equal((await sec.post(`/api/v1/users/${village.id}/reset-password`)).status, 403);
  // the others of the triad and the staff do not list accounts
  for (const who of ['auditadmin', 'county']) {
    const c = who === 'county' ? county : await new Client(srv.base).loginReady(who);
    assert.equal((await c.get('/api/v1/users')).status, 403, who);
  }
});
