// cli.test.mjs -- the command line: help, init, durability across kill -9, audit tampering,
// backup and restore, import and export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, statSync, existsSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startServer, Client, lianxin } from './lib.mjs';

const run = (args, opts = {}) => spawnSync(BIN, args, { encoding: 'utf8', ...opts });

test('every command answers --help with its usage and exit code 0', () => {
  for (const cmd of ['init', 'serve', 'demo', 'user', 'backup', 'restore', 'import', 'export', 'audit', 'cases']) {
    const r = run([cmd, '--help']);
    assert.equal(r.status, 0, cmd);
    assert.match(r.stdout, /usage: lianxin/, cmd);
  }
  assert.equal(run(['--help']).status, 0);
  const bad = run(['frobnicate']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown command/);
  for (const [opt, value] of [['--threads', '0'], ['--list-cache', 'lots'], ['--list-cache', '-1'], ['--list-cache', '4096']]) {
    const r = run(['serve', opt, value]);
    assert.equal(r.status, 2, `${opt} ${value}`);
    assert.match(r.stderr, new RegExp(`${opt} must be`), `${opt} ${value}`);
  }
});

test('init creates the database, a private key file and three administrators who must change their passwords', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lianxin-init-'));
  const db = join(dir, 'x.db');
  try {
    const r = run(['--db', db, 'init', '--county', '测试县']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(join(dir, 'lianxin.key')).mode & 0o777, 0o600);
    const pw = Object.fromEntries([...r.stdout.matchAll(/^\s+(\w+)\s+\w+\s+password: (\S+)$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(Object.keys(pw).sort(), ['auditadmin', 'secadmin', 'sysadmin']);
    assert.equal(run(['--db', db, 'init']).status, 1, 'init never overwrites');
    // the printed password works once, and must be changed first
    const port = 20000 + Math.floor(Math.random() * 20000);
    const proc = spawn(BIN, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) { try { if ((await fetch(`${base}/api/v1/health`)).ok) break; } catch { /* wait */ } await new Promise((s) => setTimeout(s, 50)); }
    const c = new Client(base);
    const login = await c.login('sysadmin', pw.sysadmin);
    assert.equal(login.status, 200);
    assert.equal(login.body.must_change_password, true);
    proc.kill('SIGTERM');
    await new Promise((s) => proc.on('exit', s));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('an acknowledged write survives kill -9 of the server', async () => {
  const srv = await startServer();
  const c = await new Client(srv.base).loginReady('county');
  const group = (await c.get('/api/v1/nodes?level=4&limit=1')).body.items[0];
  const h = await c.post('/api/v1/households', { node_id: group.id, head_name: '持久户' });
  assert.equal(h.status, 201);
  process.kill(srv.pid, 'SIGKILL');
  const exported = join(srv.dir, 'after.xlsx');
  const r = run(['--db', srv.db, 'export', '--kind', 'households', exported]);
  assert.equal(r.status, 0, r.stderr);
  const check = execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, `SELECT head_name FROM households WHERE id = ${h.body.id}`], { encoding: 'utf8' });
  assert.equal(check.trim(), '持久户');
  await srv.stop({ expectClean: false }); // killed with SIGKILL on purpose
});

test('audit verify names the first record someone tampered with', async () => {
  const srv = await startServer();
  try {
    const c = await new Client(srv.base).loginReady('county');
    const h = (await c.get('/api/v1/households?limit=1')).body.items[0];
    await c.patch(`/api/v1/households/${h.id}`, { head_name: '改过' });
    assert.match(lianxin(srv.dir, 'audit', 'verify'), /intact/);
    // the table refuses changes outright ...
    const refused = spawnSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, "UPDATE audit SET outcome = 'x' WHERE id = 2"], { encoding: 'utf8' });
    assert.match(refused.stderr, /append-only/);
    // ... and someone who removes the guard is still found out
    execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, "DROP TRIGGER audit_no_update; UPDATE audit SET outcome = 'denied' WHERE id = 3"]);
    const r = run(['--db', srv.db, 'audit', 'verify']);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /BROKEN at record 3/);
  } finally { await srv.stop(); }
});

test('restore brings back a backup and keeps the replaced database aside', async () => {
  const srv = await startServer();
  const backup = join(srv.dir, 'b.db');
  const c = await new Client(srv.base).loginReady('county');
  const group = (await c.get('/api/v1/nodes?level=4&limit=1')).body.items[0];
  assert.equal(run(['--db', srv.db, 'backup', backup]).status, 0);
  assert.equal(run(['--db', srv.db, 'backup', backup]).status, 1, 'backup never overwrites');
  const later = await c.post('/api/v1/households', { node_id: group.id, head_name: '备份后' });
  assert.equal(later.status, 201);
  process.kill(srv.pid, 'SIGTERM');
  for (let i = 0; i < 100 && spawnSync('kill', ['-0', String(srv.pid)]).status === 0; i++) await new Promise((s) => setTimeout(s, 50));
  const r = run(['--db', srv.db, 'restore', backup]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(`${srv.db}.before-restore`));
  const count = (f) => execFileSync('sqlite3', ['-cmd', '.timeout 10000', f, `SELECT count(*) FROM households WHERE id = ${later.body.id}`], { encoding: 'utf8' }).trim();
  assert.equal(count(srv.db), '0', 'the restored database is as it was at the backup');
  assert.equal(count(`${srv.db}.before-restore`), '1');
  assert.match(lianxin(srv.dir, 'audit', 'verify'), /intact/);
  assert.equal(run(['--db', srv.db, 'restore', join(srv.dir, 'nonexistent.db')]).status, 1);
  await srv.stop();
});

test('the command line imports a ledger and exports a registry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lianxin-cli-'));
  try {
    lianxin(dir, 'demo', '--households', '200', '--seed', '3', '--password', 'Demo-2026!');
    const tpl = join(dir, 't.xlsx');
    assert.equal(run(['--db', join(dir, 'lx.db'), 'import', '--template', tpl]).status, 0);
    assert.ok(statSync(tpl).size > 1000);
    const nodes = execFileSync('sqlite3', ['-cmd', '.timeout 10000', join(dir, 'lx.db'),
      'SELECT t.name, v.name, g.name FROM nodes g JOIN nodes v ON v.id = g.parent_id JOIN nodes t ON t.id = v.parent_id WHERE g.level = 4 LIMIT 1'], { encoding: 'utf8' }).trim().split('|');
    const csv = join(dir, 'l.csv');
    writeFileSync(csv, `户编号,乡镇(街道),村(社区),组(网格),姓名,性别,与户主关系\n1,${nodes.join(',')},甲,男,户主\n2,${nodes[0]},无此村,,乙,女,户主\n`);
    const dry = run(['--db', join(dir, 'lx.db'), 'import', csv]);
    assert.equal(dry.status, 0);
    assert.equal(JSON.parse(dry.stdout).bad_rows, 1);
    const refused = run(['--db', join(dir, 'lx.db'), 'import', '--commit', csv]);
    assert.equal(refused.status, 3);
    const good = run(['--db', join(dir, 'lx.db'), 'import', '--good-rows', csv]);
    assert.equal(good.status, 0);
    assert.equal(JSON.parse(good.stdout).created, 1);
    const out = join(dir, 'h.xlsx');
    const ex = run(['--db', join(dir, 'lx.db'), 'export', '--kind', 'households', out]);
    assert.equal(ex.status, 0);
    assert.match(ex.stdout, /^201 households/);
    assert.ok(existsSync(out));

    // The same registry as CSV, for Excel in China: BOM, CRLF, quoted fields, masked
    // phones, and a cell that starts like a formula kept as text.
    execFileSync('sqlite3', ['-cmd', '.timeout 10000', join(dir, 'lx.db'),
      "UPDATE households SET head_name = '=HYPERLINK(\"x\")' WHERE id = 1"]);
    const ocsv = join(dir, 'h.csv');
    const ec = run(['--db', join(dir, 'lx.db'), 'export', '--kind', 'members', ocsv]);
    assert.equal(ec.status, 0, ec.stderr);
    const mtext = readFileSync(ocsv, 'utf8');
    assert.ok(mtext.startsWith('\uFEFF"编号","'), mtext.slice(0, 40));
    assert.doesNotMatch(mtext, /1[3-9]\d{9}/, 'no full phone number');
    assert.match(mtext, /"1[3-9]\d\*{4}\d{4}"/, 'masked phones');
    const hcsv = join(dir, 'h2.csv');
    assert.equal(run(['--db', join(dir, 'lx.db'), 'export', '--kind', 'households', hcsv]).status, 0);
    const lines = readFileSync(hcsv, 'utf8').split('\r\n');
    assert.equal(lines.pop(), '', 'ends with CRLF');
    assert.equal(lines.length, 1 + 201, 'header and one line per household');
    assert.ok(lines[1].startsWith('"1",'), lines[1]);
    assert.match(lines[1], /"'=HYPERLINK\(""x""\)"/, 'formula neutralised, quotes doubled');
    assert.equal(run(['--db', join(dir, 'lx.db'), 'export', '--kind', 'households', join(dir, 'h.txt')]).status, 2);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('assign --compare: optimiser beside greedy on the county, the network as DIMACS, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lianxin-cli-'));
  try {
    lianxin(dir, 'demo', '--households', '1500', '--seed', '5', '--password', 'Demo-2026!');
    const db = join(dir, 'lx.db');
    const q = (sql) => execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, sql], { encoding: 'utf8' }).trim();
    for (const layer of ['liaison', 'assistance']) {
      const file = join(dir, `${layer}.dimacs`);
      const r = run(['--db', db, 'assign', '--layer', layer, '--compare', '--dimacs', file]);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      const { optimiser: o, greedy: g } = out;
      assert.ok(o.covered > 0 && o.households > o.covered - 1, `${layer}: ${r.stdout}`);
      // Both cover what the quotas allow; the optimum never costs more than greedy.
      assert.equal(o.covered, g.covered);
      assert.ok(o.flow_cost <= g.flow_cost, `${layer}: optimiser ${o.flow_cost} > greedy ${g.flow_cost}`);
      assert.ok(o.hardest_with_leader >= 0 && o.hardest_with_leader <= o.hardest);
      // The DIMACS network: a problem line, one supply at the source for every free household.
      const text = readFileSync(file, 'utf8');
      const p = /^p min (\d+) (\d+)$/m.exec(text);
      assert.ok(p, 'a DIMACS problem line');
      assert.equal(Number(/^n 1 (\d+)$/m.exec(text)[1]), o.households, 'the source supplies every household');
      assert.equal(text.split('\n').filter((l) => l.startsWith('a ')).length, Number(p[2]), 'arc count');
    }
    assert.equal(q('SELECT count(*) FROM pairings'), '0', 'compare pairs nobody');
    assert.equal(q('SELECT count(*) FROM assign_runs'), '0', 'and plans no run');
    assert.equal(run(['--db', db, 'assign', '--layer', 'liaison', '--dimacs', join(dir, 'x')]).status, 2,
      '--dimacs without --compare');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('cases demo opens requests in every state through the store; cases sweep takes only --at', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lianxin-cli-'));
  try {
    const db = join(dir, 'lx.db');
    lianxin(dir, 'demo', '--households', '300', '--seed', '2', '--password', 'Demo-2026!');
    lianxin(dir, 'assign', '--layer', 'liaison');
    assert.match(lianxin(dir, 'cases', 'demo', '--count', '40'), /^40 demo cases opened/);
    const states = execFileSync('sqlite3', [db, "SELECT state || ':' || supervised, count(*) FROM cases GROUP BY 1 ORDER BY 1"], { encoding: 'utf8' });
    for (const s of ['assigned:0', 'in_progress:0', 'in_progress:1', 'rated:0', 'received:0', 'resolved:0', 'waiting:0']) {
      assert.match(states, new RegExp(`^${s}\\|\\d+$`, 'm'), s);
    }
    // each step is audited as the API's would be, and the chain holds
    assert.ok(Number(execFileSync('sqlite3', [db, "SELECT count(*) FROM audit WHERE action LIKE 'cases.%'"], { encoding: 'utf8' })) > 40);
    assert.match(lianxin(dir, 'audit', 'verify'), /intact/);
    assert.equal(run(['--db', db, 'cases', 'demo', '--count', '0']).status, 2);
    assert.equal(run(['--db', db, 'cases', 'sweep', '--at', 'yesterday']).status, 2);
    assert.equal(run(['--db', db, 'cases', 'frobnicate']).status, 2);
    // a sweep a month from now finds every open case overdue, once
    const later = new Date(Date.now() + 40 * 86400e3 + 8 * 3600e3).toISOString().slice(0, 16);
    const open = Number(execFileSync('sqlite3', [db, "SELECT count(*) FROM cases WHERE open = 1 AND due_at IS NOT NULL"], { encoding: 'utf8' }));
    const out = lianxin(dir, 'cases', 'sweep', '--at', later);
    assert.ok(Number(/^(\d+) cases newly overdue/.exec(out)[1]) >= open, out);
    assert.match(lianxin(dir, 'cases', 'sweep', '--at', later), /^0 cases newly overdue/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
