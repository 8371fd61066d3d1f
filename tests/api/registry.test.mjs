// registry.test.mjs -- households and residents: bad input, masking, search, unmasking, export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer, Client, lianxin, idno } from './lib.mjs';

let srv; let c; let group;
before(async () => {
  srv = await startServer();
  c = await new Client(srv.base).loginReady('county');
  group = (await c.get('/api/v1/nodes?level=4&limit=1')).body.items[0];
});
after(async () => { await srv.stop(); });

// A valid ID number built with the GB 11643 check digit.

test('bad input gets a 4xx naming the field, and writes nothing', async () => {
  const before = (await c.get(`/api/v1/households?under=${group.id}&limit=500`)).body.items.length;
  const cases = [
    [{ node_id: group.id }, 'head_name'],
    [{ node_id: group.id, head_name: '张三', colour: 'red' }, 'colour'],
    [{ node_id: 'x', head_name: '张三' }, 'node_id'],
    [{ node_id: 999999, head_name: '张三' }, 'node_id'],
    [{ node_id: group.id, head_name: '张三', tags: ['no_such_tag'] }, 'tags'],
    [{ node_id: group.id, head_name: '张三', difficulty: 'extreme' }, 'difficulty'],
    [{ node_id: group.id, head_name: 'x'.repeat(40) }, 'head_name'],
  ];
  for (const [body, field] of cases) {
    const r = await c.post('/api/v1/households', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  }
  const badUtf8 = Buffer.concat([Buffer.from('{"node_id":1,"head_name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  const r = await c.req('POST', '/api/v1/households', badUtf8, { headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  const after = (await c.get(`/api/v1/households?under=${group.id}&limit=500`)).body.items.length;
  assert.equal(after, before);
  assert.equal((await c.get('/api/v1/households/123456789')).status, 404);
  assert.equal((await c.get('/api/v1/households?bogus=1')).status, 400);
  assert.equal((await c.get('/api/v1/households?limit=0')).status, 400);
});

test('a resident is created with a checked ID number, shown masked, stored encrypted', async () => {
  const h = await c.post('/api/v1/households', { node_id: group.id, head_name: '聶衛東', address: '幸福路88号', tags: ['low_income'] });
  assert.equal(h.status, 201, h.text);
  const id = idno('11010519800101123');
  const bad = await c.post('/api/v1/residents', { household_id: h.body.id, name: '聂卫东', gender: 'M', relation: 'head', idno: '110105198001011230' === id ? '110105198001011231' : '110105198001011230' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'idno');
  const r = await c.post('/api/v1/residents', { household_id: h.body.id, name: '聂卫东', gender: 'M', relation: 'head', idno: id, phone: '13912345678' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.idno, id.slice(0, 6) + '********' + id.slice(14));
  assert.equal(r.body.phone, '139****5678');
  assert.equal(r.body.birth_date, '1980-01-01');
  const dup = await c.post('/api/v1/residents', { household_id: h.body.id, name: '另一人', gender: 'M', relation: 'child', idno: id });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.field, 'idno');
  // exact search by phone and by ID number
  const byPhone = (await c.get('/api/v1/households?q=13912345678')).body.items;
  assert.deepEqual(byPhone.map((x) => x.id), [h.body.id]);
  const byId = (await c.get(`/api/v1/residents?q=${id}`)).body.items;
  assert.deepEqual(byId.map((x) => x.id), [r.body.id]);
  // Traditional characters find the Simplified name, and the reverse
  const trad = (await c.get(`/api/v1/residents?q=${encodeURIComponent('聶衛東')}`)).body.items;
  assert.ok(trad.some((x) => x.id === r.body.id));
  const simp = (await c.get(`/api/v1/households?q=${encodeURIComponent('聂卫')}`)).body.items;
  assert.ok(simp.some((x) => x.id === h.body.id));
  // the whole address finds the household, though it is stored encrypted
  const byAddr = (await c.get(`/api/v1/households?q=${encodeURIComponent('幸福路88号')}`)).body.items;
  assert.deepEqual(byAddr.map((x) => x.id), [h.body.id]);
  assert.equal(h.body.address, '幸福路****'); // a short address keeps only its first half
  // and the place name finds the households under it
  const byPlace = (await c.get(`/api/v1/households?q=${encodeURIComponent(group.name)}&limit=500`)).body.items;
  assert.ok(byPlace.some((x) => x.id === h.body.id));
  // unmasking needs a reason, and is audited
  assert.equal((await c.post(`/api/v1/residents/${r.body.id}/unmask`, {})).status, 400);
  const full = await c.post(`/api/v1/residents/${r.body.id}/unmask`, { reason: '核实身份' });
  assert.equal(full.status, 200);
  assert.equal(full.body.idno, id);
  // nothing in the database file or its WAL holds the phone or the ID number in clear
  for (const f of [srv.db, srv.db + '-wal']) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    assert.equal(bytes.indexOf('13912345678'), -1, f);
    assert.equal(bytes.indexOf(id), -1, f);
  }
});

test('a change is audited with masked before and after, and the chain verifies', async () => {
  const h = (await c.get('/api/v1/households?limit=1')).body.items[0];
  const r = await c.patch(`/api/v1/households/${h.id}`, { difficulty: 'hardest' });
  assert.equal(r.status, 200);
  assert.equal(r.body.difficulty, 'hardest');
  const audit = await new Client(srv.base).loginReady('auditadmin');
  let items = []; let after = 0;
  for (;;) {
    const page = (await audit.get(`/api/v1/audit${after ? `?after=${after}` : ''}`)).body;
    items = items.concat(page.items);
    if (!page.next) break;
    after = page.next;
  }
  const rec = items.filter((a) => a.action === 'households.update' && a.object === `households/${h.id}`).pop();
  assert.ok(rec);
  assert.equal(rec.detail.after.difficulty, 'hardest');
  assert.ok(items.some((a) => a.action === 'residents.unmask' && a.detail.reason === '核实身份'));
  assert.ok(!JSON.stringify(items).includes('13912345678'));
  const v = await audit.get('/api/v1/audit/verify');
  assert.equal(v.body.intact, true);
  assert.match(lianxin(srv.dir, 'audit', 'verify'), /intact/);
});

test('every one of many reads at once is audited once, in a chain that verifies', async () => {
  const h = (await c.get('/api/v1/households?limit=2')).body.items[1];
  const n = 150; // more than one statement's worth of rows in the writer's batch
  const rs = await Promise.all(Array.from({ length: n }, () => c.get(`/api/v1/households/${h.id}`)));
  assert.ok(rs.every((r) => r.status === 200 && r.body.id === h.id));
  await new Promise((res) => setTimeout(res, 700)); // the writer flushes every 200 ms
  const audit = await new Client(srv.base).loginReady('auditadmin');
  let reads = 0; let after = 0;
  for (;;) {
    const page = (await audit.get(`/api/v1/audit?limit=500${after ? `&after=${after}` : ''}`)).body;
    reads += page.items.filter((a) => a.action === 'households.read' && a.object === `households/${h.id}`).length;
    if (!page.next) break;
    after = page.next;
  }
  assert.equal(reads, n);
  assert.equal((await audit.get('/api/v1/audit/verify')).body.intact, true);
  assert.match(lianxin(srv.dir, 'audit', 'verify'), /intact/);
});

test('deactivating needs a reason; a place with households under it is not deactivated', async () => {
  const h = (await c.get('/api/v1/households?limit=1')).body.items[0];
  assert.equal((await c.post(`/api/v1/households/${h.id}/deactivate`, {})).status, 400);
  assert.equal((await c.post(`/api/v1/households/${h.id}/deactivate`, { reason: '户已迁出' })).status, 200);
  assert.equal((await c.get(`/api/v1/households/${h.id}`)).body.active, false);
  const list = (await c.get('/api/v1/households?limit=500')).body.items;
  assert.ok(!list.some((x) => x.id === h.id));
  const r = await c.post(`/api/v1/nodes/${group.id}/deactivate`, { reason: '合并' });
  assert.equal(r.status, 409);
});

test('the household list exports to XLSX', async () => {
  const r = await c.req('GET', '/api/v1/households/export.xlsx', undefined, { raw: true });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  assert.equal((await c.req('GET', '/api/v1/households/export.xlsx?unmask=1', undefined, { raw: true })).status, 400);
});

test('an online backup holds no clear personal data and restores', async () => {
  const out = srv.dir + '/backup.db';
  lianxin(srv.dir, 'backup', out);
  const bytes = readFileSync(out);
  assert.equal(bytes.indexOf('13912345678'), -1);
  const check = execFileSync('sqlite3', ['-cmd', '.timeout 10000', out, 'PRAGMA integrity_check; SELECT count(*) > 0 FROM households;'], { encoding: 'utf8' });
  assert.equal(check.trim(), 'ok\n1');
});

test('walking a list page by page gives every record once, in tree order, searches too', async () => {
  const walk = async (base) => {
    const ids = []; let after = null;
    for (let i = 0; i < 500; i++) {
      const page = (await c.get(`${base}&limit=7${after ? `&after=${after}` : ''}`)).body;
      ids.push(...page.items.map((h) => h.id));
      if (!page.next) break;
      after = page.next;
    }
    return ids;
  };
  const town = (await c.get('/api/v1/nodes?level=2&limit=1')).body.items[0];
  const whole = (await c.get(`/api/v1/households?under=${town.id}&limit=500`)).body;
  assert.equal(whole.next, null);
  const paged = await walk(`/api/v1/households?under=${town.id}`);
  assert.deepEqual(paged, whole.items.map((h) => h.id));
  assert.equal(new Set(paged).size, paged.length);
  // tree order: a village's households come together, groups in order
  const groups = whole.items.map((h) => h.node_id);
  const seen = new Set(); let last = null;
  for (const g of groups) { if (g !== last) { assert.ok(!seen.has(g), 'a group comes back later'); seen.add(g); last = g; } }
  const counts = {};
  for (const h of whole.items) counts[h.head_name[0]] = (counts[h.head_name[0]] || 0) + 1;
  const surname = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
  const found = (await c.get(`/api/v1/households?q=${encodeURIComponent(surname)}&limit=500`)).body.items.map((h) => h.id);
  const foundPaged = await walk(`/api/v1/households?q=${encodeURIComponent(surname)}`);
  assert.deepEqual(foundPaged, found);
  assert.ok(found.length > 7);
});

test('ids= gives just those records in scope, in id order, audited once; bad lists are refused', async () => {
  const town = await new Client(srv.base).loginReady('township');
  const me = (await town.get('/api/v1/auth/me')).body;
  const mine = (await c.get(`/api/v1/households?under=${me.node_id}&limit=3`)).body.items.map((h) => h.id);
  const other = (await c.get('/api/v1/nodes?level=2&limit=50')).body.items.find((n) => n.id !== me.node_id);
  const theirs = (await c.get(`/api/v1/households?under=${other.id}&limit=1`)).body.items[0].id;
  const ask = [mine[2], theirs, mine[0], 999999999, mine[1]];
  const r = await town.get(`/api/v1/households?ids=${ask.join(',')}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((h) => h.id), [...mine].sort((a, b) => a - b)); // not theirs, not the missing one
  assert.match(r.body.items[0].address, /\*{4}$/); // masked as in any list
  // an inactive one only with active=all; with other filters the conditions add up
  const gone = (await c.post(`/api/v1/households/${mine[0]}/deactivate`, { reason: '测试编号查询' })).status;
  assert.equal(gone, 200);
  assert.deepEqual((await town.get(`/api/v1/households?ids=${mine.join(',')}`)).body.items.map((h) => h.id).includes(mine[0]), false);
  assert.ok((await town.get(`/api/v1/households?ids=${mine.join(',')}&active=all`)).body.items.some((h) => h.id === mine[0]));
  assert.equal((await c.post(`/api/v1/households/${mine[0]}/activate`, {})).status, 200);
  const first = (await c.get(`/api/v1/households?ids=${mine.join(',')}&limit=1`)).body;
  assert.deepEqual([first.items.length, first.next], [1, String(Math.min(...mine))]);
  // one audit record for the request, with the count
  const audit = await new Client(srv.base).loginReady('auditadmin');
  const records = [];
  for (let after = 0; ;) {
    const page = (await audit.get(`/api/v1/audit?limit=1000${after ? `&after=${after}` : ''}`)).body;
    records.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  const lists = records.filter((a) => a.username === 'township' && a.action === 'households.list');
  assert.ok(lists.some((a) => a.detail?.count === 3));
  // bad lists name the field
  const many = Array.from({ length: 51 }, (_, i) => i + 1).join(',');
  for (const bad of ['', 'x', '1,,2', '1,-2', '0', '1;2', '2.5', '99999999999999999999', many, '1,2,']) {
    const res = await town.get(`/api/v1/households?ids=${encodeURIComponent(bad)}`);
    assert.equal(res.status, 400, `ids=${bad}: ${res.text}`);
    assert.equal(res.body.error.field, 'ids', bad);
  }
});

// The server keeps recent list pages (serve --list-cache). A page asked for again must
// still follow every write at once, give each caller their own scope, and be audited
// each time; a write by another process shows within the cache's second.
test('a list page asked for again follows every write, each caller\'s scope, and is audited each time', async () => {
  const url = `/api/v1/households?under=${group.id}&limit=500`;
  const first = await c.get(url);
  assert.equal((await c.get(url)).text, first.text);
  const h = first.body.items[0];
  assert.equal((await c.patch(`/api/v1/households/${h.id}`, { head_name: '缓存甲' })).status, 200);
  const renamed = await c.get(url);
  assert.equal(renamed.body.items.find((x) => x.id === h.id).head_name, '缓存甲');
  assert.equal((await c.post(`/api/v1/households/${h.id}/deactivate`, { reason: '户已迁出' })).status, 200);
  const gone = await c.get(url);
  assert.ok(!gone.body.items.some((x) => x.id === h.id));
  assert.equal(gone.body.items.length, first.body.items.length - 1);

  // Same address, another caller: the township sees its own households only.
  const town = await new Client(srv.base).loginReady('township');
  const me = (await town.get('/api/v1/auth/me')).body;
  const everything = (await c.get('/api/v1/households?limit=500')).body.items.map((x) => x.id);
  const theirs = (await town.get('/api/v1/households?limit=500')).body.items.map((x) => x.id);
  const under = (await c.get(`/api/v1/households?under=${me.node_id}&limit=500`)).body.items.map((x) => x.id);
  assert.deepEqual(theirs, under);
  assert.ok(theirs.length > 0 && theirs.length < everything.length);

  // Three identical asks by one account: three audit records.
  const vil = await new Client(srv.base).loginReady('village');
  const vurl = '/api/v1/residents?limit=4';
  const pages = [];
  for (let i = 0; i < 3; i++) pages.push((await vil.get(vurl)).text);
  assert.equal(new Set(pages).size, 1);
  await new Promise((res) => setTimeout(res, 700)); // the writer flushes every 200 ms
  const audit = await new Client(srv.base).loginReady('auditadmin');
  let lists = 0; let after = 0;
  for (;;) {
    const page = (await audit.get(`/api/v1/audit?limit=1000${after ? `&after=${after}` : ''}`)).body;
    lists += page.items.filter((a) => a.username === 'village' && a.action === 'residents.list' && a.detail?.count === 4).length;
    if (!page.next) break;
    after = page.next;
  }
  assert.equal(lists, 3);

  // A write by another process (here the sqlite3 shell) shows within a second.
  const before = (await c.get(url)).body.items.map((x) => x.id);
  execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db,
    `UPDATE households SET active = 0 WHERE id = ${before[0]}`]);
  await new Promise((res) => setTimeout(res, 1100));
  const after2 = (await c.get(url)).body.items.map((x) => x.id);
  assert.deepEqual(after2, before.slice(1));
});

// The server copies the write-ahead log into the database on a thread of its own, so that
// no request's commit waits for that copy. Soon after a write every frame of the log is in
// the database: the log's index (the -shm file, SQLite's documented layout) says so, with
// the frames in the log at byte 16 and the frames copied back at byte 96.
test('soon after a write, the server\'s own thread has copied the log into the database', async () => {
  const h = (await c.get('/api/v1/households?limit=1')).body.items[0];
  assert.equal((await c.patch(`/api/v1/households/${h.id}`, { difficulty: 'harder' })).status, 200);
  let log = null;
  for (let i = 0; i < 50; i++) {
    await new Promise((res) => setTimeout(res, 100));
    const shm = readFileSync(`${srv.db}-shm`);
    log = { frames: shm.readUInt32LE(16), copied: shm.readUInt32LE(96) };
    if (log.frames > 0 && log.copied === log.frames) break;
  }
  assert.ok(log.frames > 0, JSON.stringify(log));
  assert.equal(log.copied, log.frames, JSON.stringify(log));
});
