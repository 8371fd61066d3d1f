// scope.test.mjs -- every route has a policy; every role is allowed or denied as the table says;
// a township account cannot see or change another township's records by any route.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, lianxin } from './lib.mjs';

// The expectation, written independently of the server's own table:
// which roles hold each permission (public and self are everyone's).
const HOLDERS = {
  public: 'all', self: 'all',
  'tree.read': ['sysadmin', 'county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member', 'inspector'],
  'tree.write': ['county_admin', 'township_admin', 'village_secretary'],
  'registry.read': ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member', 'inspector', 'resident'],
  'registry.write': ['county_admin', 'township_admin', 'village_secretary', 'group_leader'],
  import: ['county_admin', 'township_admin', 'village_secretary'],
  export: ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector'],
  unmask: ['county_admin', 'township_admin', 'village_secretary'],
  'users.admin': ['sysadmin'],
  'users.read': ['sysadmin', 'secadmin'],
  security: ['secadmin'],
  'policy.read': ['secadmin', 'county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector'],
  'policy.write': ['secadmin', 'county_admin'],
  'audit.read': ['auditadmin'],
  cards: ['county_admin', 'township_admin', 'village_secretary'],
  'pairing.read': ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member', 'inspector'],
  'pairing.write': ['county_admin', 'township_admin', 'village_secretary'],
  'pairing.run': ['county_admin', 'township_admin'],
  'policy.work': ['county_admin'],
  'contact.read': ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member', 'inspector'],
  'contact.write': ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member'],
  'case.read': ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member', 'inspector'],
  'case.write': ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member'],
  'case.publish': ['county_admin', 'township_admin', 'village_secretary'],
};
const ACCOUNTS = { sysadmin: 'sysadmin', secadmin: 'secadmin', auditadmin: 'auditadmin', county: 'county_admin',
  township: 'township_admin', village: 'village_secretary', group: 'group_leader', inspector: 'inspector', member: 'member', resident: 'resident' };

let srv; let routes; const clients = {};
before(async () => {
  srv = await startServer();
  routes = JSON.parse(lianxin(srv.dir, 'routes'));
  for (const name of Object.keys(ACCOUNTS)) clients[name] = await new Client(srv.base).loginReady(name);
});
after(async () => { await srv.stop(); });

test('every route names a permission that this test knows', () => {
  assert.ok(routes.length > 40);
  for (const r of routes) assert.ok(r.perm in HOLDERS, `${r.method} ${r.path} has perm ${r.perm}`);
  const pub = routes.filter((r) => r.perm === 'public').map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(pub.sort(), ['GET /api/v1/health', 'GET /p/{id}', 'GET /p/{id}/photos/{hash}',
    'GET /r/{token}', 'GET /r/{token}/cases/{code}', 'GET /r/{token}/photos/{hash}',
    'POST /api/v1/auth/login', 'POST /r/{token}/cases', 'POST /r/{token}/cases/{code}/rate',
    'POST /r/{token}/cases/{code}/reopen', 'POST /r/{token}/cases/{code}/reply']);
});

test('each role is allowed exactly the routes its permissions give, and denied the rest', async () => {
  for (const [name, role] of Object.entries(ACCOUNTS)) {
    for (const r of routes) {
      if (r.perm === 'public' || r.perm === 'self') continue;
      const key = role === 'secadmin' ? 'password.min_length' : 'liaison.quota';
      const path = r.path.replace('{id}', '999999999').replace('{key}', key).replace('{kind}', 'households').replace('{token}', 'x')
        .replace('{year}', '2026').replace('{hash}', 'a'.repeat(64)).replace('{code}', 'ABCDEFGH');
      const res = await clients[name].req(r.method, path, r.method === 'GET' ? undefined : {});
      const allowed = HOLDERS[r.perm] === 'all' || HOLDERS[r.perm].includes(role);
      if (allowed) assert.notEqual(res.status, 403, `${role} should reach ${r.method} ${r.path}: ${res.text}`);
      else assert.equal(res.status, 403, `${role} must be denied ${r.method} ${r.path}: got ${res.status}`);
    }
  }
});

test('a township admin cannot see or change another township\'s households by any route', async () => {
  const county = clients.county; const town = clients.township;
  const me = (await town.get('/api/v1/auth/me')).body;
  const towns = (await county.get('/api/v1/nodes?level=2&limit=10')).body.items;
  const other = towns.find((t) => t.id !== me.node_id);
  assert.ok(other, 'the demo has a second township');
  const theirs = (await county.get(`/api/v1/households?under=${other.id}&limit=5`)).body.items;
  assert.ok(theirs.length > 0);
  const h = theirs[0];
  assert.equal((await town.get(`/api/v1/households/${h.id}`)).status, 404);
  assert.equal((await town.patch(`/api/v1/households/${h.id}`, { head_name: '改名' })).status, 404);
  assert.equal((await town.post(`/api/v1/households/${h.id}/deactivate`, { reason: 'test' })).status, 404);
  assert.equal((await town.post(`/api/v1/households/${h.id}/unmask`, { reason: 'test' })).status, 404);
  const mine = (await town.get('/api/v1/households?limit=500')).body.items;
  assert.ok(mine.length > 0);
  assert.ok(mine.every((x) => x.id !== h.id));
  const under = await town.get(`/api/v1/households?under=${other.id}`);
  assert.equal(under.body.items.length, 0);
  // creating a household in the other township is refused
  const otherGroups = (await county.get(`/api/v1/nodes?under=${other.id}&level=4&limit=5`)).body.items;
  const c = await town.post('/api/v1/households', { node_id: otherGroups[0].id, head_name: '越权户' });
  assert.equal(c.status, 400);
  assert.equal(c.body.error.field, 'node_id');
  // the export holds only its own township's households
  const x = await town.req('GET', '/api/v1/households/export.xlsx', undefined, { raw: true });
  assert.equal(x.status, 200);
  const mineTotal = (await county.get(`/api/v1/households?under=${me.node_id}&limit=500`)).body;
  assert.ok(mineTotal.items.length > 0);
  // residents of the other township are not visible either
  const res = (await county.get(`/api/v1/residents?household_id=${h.id}`)).body.items;
  assert.ok(res.length > 0);
  assert.equal((await town.get(`/api/v1/residents/${res[0].id}`)).status, 404);
  // nor its due lists, members falling behind or compliance
  const theirMembers = (await county.get(`/api/v1/members?under=${other.id}&limit=5`)).body.items;
  assert.ok(theirMembers.length > 0);
  assert.equal((await town.get(`/api/v1/members/${theirMembers[0].id}/due`)).status, 404);
  assert.equal((await town.get(`/api/v1/members/${theirMembers[0].id}/compliance?from=2026-01-01&to=2026-01-31`)).status, 404);
  assert.equal((await town.get(`/api/v1/nodes/${other.id}/behind`)).status, 404);
  assert.equal((await town.get(`/api/v1/nodes/${other.id}/compliance?from=2026-01-01&to=2026-01-31`)).status, 404);
  assert.equal((await county.get(`/api/v1/nodes/${other.id}/behind`)).status, 200);
});

test('each administrator changes only the policies of their own domain', async () => {
  assert.equal((await clients.secadmin.put('/api/v1/policies/liaison.quota', { value: 20 })).status, 403);
  assert.equal((await clients.county.put('/api/v1/policies/password.min_length', { value: 12 })).status, 403);
  assert.equal((await clients.county.put('/api/v1/policies/liaison.quota', { value: 0 })).status, 400);
  const ok = await clients.county.put('/api/v1/policies/liaison.quota', { value: 20 });
  assert.equal(ok.status, 200);
  const list = (await clients.county.get('/api/v1/policies')).body.items;
  const q = list.find((p) => p.key === 'liaison.quota');
  assert.equal(q.value, 20);
  assert.equal(q.default, 15);
  assert.equal((await clients.secadmin.put('/api/v1/policies/password.min_length', { value: 10 })).status, 200);
});

test('a resident sees only their own household', async () => {
  const list = (await clients.resident.get('/api/v1/households')).body.items;
  assert.equal(list.length, 1);
  const other = (await clients.county.get('/api/v1/households?limit=3')).body.items.find((h) => h.id !== list[0].id);
  assert.equal((await clients.resident.get(`/api/v1/households/${other.id}`)).status, 404);
});

test('the three administrators see no personal data', async () => {
  for (const n of ['sysadmin', 'secadmin', 'auditadmin']) {
    assert.equal((await clients[n].get('/api/v1/households')).status, 403, n);
    assert.equal((await clients[n].get('/api/v1/residents')).status, 403, n);
  }
});
