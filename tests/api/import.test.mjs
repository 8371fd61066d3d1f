// import.test.mjs -- a GBK ledger saved by Excel: dry run lists every bad row, nothing is
// written until the file is clean or only the good rows are asked for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, idno } from './lib.mjs';

let srv; let c; let town; let village; let group;
before(async () => {
  srv = await startServer();
  c = await new Client(srv.base).loginReady('county');
  town = (await c.get('/api/v1/nodes?level=2&limit=1')).body.items[0];
  village = (await c.get(`/api/v1/nodes?parent_id=${town.id}&limit=1`)).body.items[0];
  group = (await c.get(`/api/v1/nodes?parent_id=${village.id}&limit=1`)).body.items[0];
});
after(async () => { await srv.stop(); });

const gbk = (text) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text });

const HEAD = '户编号,乡镇(街道),村(社区),组(网格),住址,富裕难度,户类别,需求,姓名,性别,出生日期,身份证号,联系电话,与户主关系\r\n';
function ledger(rows) { return HEAD + rows.map((r) => r.join(',')).join('\r\n') + '\r\n'; }

async function upload(body, mode) {
  return c.req('POST', `/api/v1/import/households?mode=${mode}`, body, { headers: { 'Content-Type': 'text/csv' } });
}

test('a GBK ledger with bad rows: the dry run explains each, commit writes nothing', async () => {
  const p = [town.name, village.name, group.name];
  const good1 = idno('51030219700101001'); const good2 = idno('51030219720202002');
  const badId = idno('51030219800303003').slice(0, 17) + (idno('51030219800303003').endsWith('0') ? '1' : '0');
  const rows = [
    ['A1', ...p, '一组1号', '较大', '低保户、孤寡老人', '', '张三', '男', '', good1, '13800138001', '户主'],
    ['A1', ...p, '', '', '', '', '李四', '女', '', good2, '', '配偶'],
    ['A2', ...p, '一组2号', '', '', '', '王五', '男', '', badId, '12345', '户主'],
    ['A3', ...p, '一组3号', '', '', '', '赵六', '男', '', good1, '', '户主'],
    ['A4', p[0], '没有这个村', '', '一组4号', '', '', '', '钱七', '男', '', '', '', '户主'],
  ];
  const before = (await c.get(`/api/v1/households?under=${group.id}&limit=500`)).body.items.length;
  const dry = await upload(gbk(ledger(rows)), 'dry_run');
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.format, 'csv-gb18030');
  assert.equal(dry.body.rows, 5);
  assert.equal(dry.body.bad_rows, 3, JSON.stringify(dry.body.issues));
  const byLine = (l, col) => dry.body.issues.find((i) => i.line === l && i.column === col);
  assert.ok(byLine(4, '身份证号'), 'line 4 bad ID number');
  assert.equal(byLine(4, '身份证号').value, badId.slice(0, 6) + '********' + badId.slice(14));
  assert.ok(byLine(4, '联系电话'), 'line 4 bad phone');
  assert.equal(byLine(5, '身份证号').code, 'duplicate_in_file');
  assert.equal(byLine(6, '村(社区)').code, 'unknown_place');
  const commit = await upload(gbk(ledger(rows)), 'commit');
  assert.equal(commit.status, 422);
  assert.equal(commit.body.report.bad_rows, 3);
  const mid = (await c.get(`/api/v1/households?under=${group.id}&limit=500`)).body.items.length;
  assert.equal(mid, before, 'nothing was written');

  // fix the file: drop the duplicate, correct the ID and the village
  const fixed = [rows[0], rows[1],
    ['A2', ...p, '一组2号', '', '', '', '王五', '男', '', idno('51030219800303003'), '13800138002', '户主'],
    ['A4', ...p, '一组4号', '', '', '', '钱七', '男', '', '', '', '户主']];
  const ok = await upload(gbk(ledger(fixed)), 'commit');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.created, 3);
  assert.equal(ok.body.created_residents, 4);
  const found = (await c.get(`/api/v1/households?q=${encodeURIComponent('張三')}`)).body.items;
  assert.ok(found.some((h) => h.head_name === '张三' && h.difficulty === 'harder' && h.tags.includes('lonely_elderly')));
});

test('good rows only: households with a bad row are left out whole', async () => {
  const p = [town.name, village.name, group.name];
  const rows = [
    ['B1', ...p, '二组1号', '', '', '', '孙八', '男', '', idno('51030219650505005'), '', '户主'],
    ['B2', ...p, '二组2号', '', '', '', '周九', '男', '', '', '', '户主'],
    ['B2', ...p, '', '', '', '', '吴十', '女', '1990-13-01', '', '', '子女'],
  ];
  const r = await upload(ledger(rows), 'good_rows');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.format, 'csv-utf8');
  assert.equal(r.body.created, 1);
  assert.equal(r.body.skipped_rows, 2);
});

test('an unreadable or incomplete file is a 400 naming the file', async () => {
  const missing = await upload('姓名,性别\r\n张三,男\r\n', 'dry_run');
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.field, 'file');
  assert.match(missing.body.error.message, /户编号/);
  const binary = await upload(Buffer.from([0x81, 0x30, 0xff, 0xff, 0x00, 0x01]), 'dry_run');
  assert.equal(binary.status, 400);
  assert.equal((await upload('x', 'bogus')).status, 400);
  assert.equal((await c.req('POST', '/api/v1/import/cats', 'x')).status, 404);
});

test('the template downloads as XLSX and a township cannot import into another township', async () => {
  const t = await c.req('GET', '/api/v1/import/households/template.xlsx', undefined, { raw: true });
  assert.equal(t.status, 200);
  assert.equal(Buffer.from(await t.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  const tw = await new Client(srv.base).loginReady('township');
  const me = (await tw.get('/api/v1/auth/me')).body;
  const other = (await c.get('/api/v1/nodes?level=2&limit=10')).body.items.find((n) => n.id !== me.node_id);
  const ov = (await c.get(`/api/v1/nodes?parent_id=${other.id}&limit=1`)).body.items[0];
  const r = await tw.req('POST', '/api/v1/import/households?mode=dry_run',
    ledger([['C1', other.name, ov.name, '', '', '', '', '', '郑一', '男', '', '', '', '户主']]), { headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.bad_rows, 1);
  assert.equal(r.body.issues[0].code, 'unknown_place');
});

test('a members ledger: units are found by name, unknown units and repeated phones explained', async () => {
  const unit = (await c.get('/api/v1/units?limit=1')).body.items[0];
  const head = '姓名,性别,联系电话,乡镇(街道),村(社区),组(网格),工作单位,职级,党员类别,特长\r\n';
  const rows = [
    ['刘一', '男', '13700137001', town.name, village.name, group.name, unit.name, '一般干部', '在职党员', '法律、农业技术'],
    ['刘二', '女', '13700137001', town.name, village.name, '', '', '普通党员', '社区党员', ''],
    ['刘三', '男', '', town.name, village.name, '', '不存在的单位', '一般干部', '在职党员', ''],
    ['刘四', '男', '', town.name, village.name, '', '', '县长', '在职党员', ''],
  ];
  const body = head + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
  const send = (mode) => c.req('POST', `/api/v1/import/members?mode=${mode}`, body, { headers: { 'Content-Type': 'text/csv' } });
  const dry = await send('dry_run');
  assert.equal(dry.status, 200, dry.text);
  const codes = dry.body.issues.map((i) => `${i.line}:${i.code}:${i.column}`).sort();
  assert.deepEqual(codes, ['3:duplicate_in_file:联系电话', '4:unknown_unit:工作单位', '5:invalid:职级']);
  const ok = await send('good_rows');
  assert.equal(ok.status, 200);
  assert.equal(ok.body.created, 1);
  const m = (await c.get(`/api/v1/members?q=${encodeURIComponent('刘一')}`)).body.items[0];
  assert.equal(m.unit_id, unit.id);
  assert.deepEqual(m.skills.sort(), ['agriculture', 'law']);
  assert.equal(m.node_id, group.id);
  assert.equal(m.phone, '137****7001');
});

test('a committed ledger: households under their place with their residents, found again as duplicates', async () => {
  const p = [town.name, village.name, group.name];
  const head = idno('51030219551111011'); const wife = idno('51030219580808022');
  const rows = [
    ['D1', ...p, '四组1号', '较大', '', '', '冯一', '男', '', head, '13900139001', '户主'],
    ['D1', ...p, '', '', '', '', '陈二', '女', '', wife, '', '配偶'],
    ['D2', ...p, '四组2号', '', '', '', '褚三', '男', '', '', '', '户主'],
  ];
  const ok = await upload(ledger(rows), 'commit');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.created, 2);
  assert.equal(ok.body.created_residents, 3);
  const h = (await c.get(`/api/v1/households?under=${group.id}&q=${encodeURIComponent('冯一')}`)).body.items;
  assert.equal(h.length, 1);
  assert.equal(h[0].node_id, group.id);
  assert.equal(h[0].head_name, '冯一');
  const res = (await c.get(`/api/v1/residents?household_id=${h[0].id}`)).body.items;
  assert.deepEqual(res.map((r) => r.name), ['冯一', '陈二']);
  assert.equal(res[1].birth_date, '1958-08-08', 'taken from the ID number');
  // the township's own account sees the new household through its scope
  const tw = await new Client(srv.base).loginReady('township');
  const me = (await tw.get('/api/v1/auth/me')).body;
  const seen = await tw.get(`/api/v1/households/${h[0].id}`);
  assert.equal(seen.status, me.node_id === town.id ? 200 : 404);

  // the same people again: each ID number is already registered
  const again = await upload(ledger(rows), 'dry_run');
  assert.equal(again.status, 200);
  const dups = again.body.issues.filter((i) => i.code === 'duplicate_in_db');
  assert.deepEqual(dups.map((i) => i.line).sort(), [2, 3]);
  assert.equal(dups.find((i) => i.line === 3).value, wife.slice(0, 6) + '********' + wife.slice(14));
  assert.equal((await upload(ledger(rows), 'commit')).status, 422);
});

test('a row that fails while writing aborts the whole import: nothing is written', async () => {
  // Every check the commit makes, the dry run makes first (the next test); a failure only
  // the database can give is made here with a trigger that refuses one resident.
  const p = [town.name, village.name, group.name];
  const first = idno('51030219660606031');
  const rows = [
    ['E1', ...p, '五组1号', '', '', '', '卫一', '男', '', first, '', '户主'],
    ['E2', ...p, '五组2号', '', '', '', '蒋二', '男', '', '', '', '户主'],
    ['E2', ...p, '', '', '', '', '沈三', '女', '', '', '', '配偶'],
  ];
  const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' });
  sql("CREATE TRIGGER lx_test_refuse BEFORE INSERT ON residents WHEN NEW.name = '沈三' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  try {
    const before = (await c.get(`/api/v1/households?under=${group.id}&limit=500`)).body.items.length;
    const r = await upload(ledger(rows), 'commit');
    assert.ok(r.status >= 400, `${r.status} ${r.text}`);
    assert.match(r.body.error.message, /^line 4: /, r.text);
    assert.equal((await c.get(`/api/v1/households?under=${group.id}&limit=500`)).body.items.length, before);
    assert.equal((await c.get(`/api/v1/residents?q=${first}`)).body.items.length, 0, 'the first household was rolled back');
  } finally {
    sql('DROP TRIGGER lx_test_refuse');
  }
});

test('a dry run finds what the commit would refuse: a sex or a birth date that the ID number contradicts', async () => {
  const p = [town.name, village.name, group.name];
  const man = idno('51030219880808081');   // 17th digit odd: a man, born 1988-08-08
  const rows = [
    ['D1', ...p, '四组1号', '', '', '', '郑一', '女', '', man, '', '户主'],
    ['D2', ...p, '四组2号', '', '', '', '郑二', '男', '1988-08-09', idno('51030219880808091'), '', '户主'],
    ['D3', ...p, '四组3号', '', '', '', '郑三', '男', '1988-08-08', idno('51030219880808071'), '', '户主'],
  ];
  const dry = await upload(ledger(rows), 'dry_run');
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.bad_rows, 2, JSON.stringify(dry.body.issues));
  const sex = dry.body.issues.find((i) => i.line === 2);
  assert.equal(sex.column, '性别');
  assert.match(sex.message, /gender does not match/);
  const birth = dry.body.issues.find((i) => i.line === 3);
  assert.equal(birth.column, '出生日期');
  // what the dry run passes, the commit takes: only the good row is left, and it goes in
  const good = await upload(ledger([rows[2]]), 'dry_run');
  assert.equal(good.body.bad_rows, 0, JSON.stringify(good.body.issues));
  const ok = await upload(ledger([rows[2]]), 'commit');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.created, 1);
});

// A helper thread computes each record's values (sealing, hashes, search keys) a few hundred
// records ahead of the writer: a ledger longer than that, written whole, and one refused
// near its end, rolled back whole.
test('a long ledger is written whole with every resident under its household; a late failure writes nothing', async () => {
  const p = [town.name, village.name, group.name];
  const n = 700; // households, two residents each: 2,100 records written
  const rows = [];
  for (let i = 0; i < n; i++) {
    const id = (k) => idno(`510302${1940 + Math.floor(k / 500)}0101${String(k % 500 * 2 + 1).padStart(3, '0')}`);
    rows.push([`L${i}`, ...p, `长组${i}号`, '', '', '', `长户主${i}`, '男', '', id(2 * i), '', '户主']);
    rows.push([`L${i}`, ...p, '', '', '', '', `长家人${i}`, '男', '', id(2 * i + 1), '', '子女']);
  }
  const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' });
  const count = () => Number(sql("SELECT count(*) FROM households WHERE head_name LIKE '长户主%'").trim());
  sql("CREATE TRIGGER lx_test_late BEFORE INSERT ON residents WHEN NEW.name = '长家人650' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  try {
    const r = await upload(ledger(rows), 'commit');
    assert.ok(r.status >= 400, `${r.status} ${r.text}`);
    assert.match(r.body.error.message, /^line 1303: /, r.text); // header, then 2 rows a household
    assert.equal(count(), 0);
  } finally {
    sql('DROP TRIGGER lx_test_late');
  }
  const ok = await upload(ledger(rows), 'commit');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.created, n);
  assert.equal(ok.body.created_residents, 2 * n);
  assert.equal(count(), n);
  // every resident sits in its own household, at the household's place
  const wrong = sql(`SELECT count(*) FROM residents r JOIN households h ON h.id = r.household_id
    WHERE r.name LIKE '长%' AND (substr(r.name, 4) <> substr(h.head_name, 4) OR r.path <> h.path)`).trim();
  assert.equal(wrong, '0');
  const last = (await c.get(`/api/v1/residents?q=${encodeURIComponent('长家人699')}`)).body.items;
  assert.equal(last.length, 1);
  assert.equal(last[0].birth_date, '1942-01-01');
  // The same file again: the commit writes before it looks ID numbers up; the first one
  // already registered undoes that, and every such row is named.
  const again = await upload(ledger(rows), 'commit');
  assert.equal(again.status, 422, again.text);
  const { report } = again.body;
  assert.equal(report.issues_total, 2 * n);
  assert.ok(report.issues.every((i) => i.code === 'duplicate_in_db'));
  assert.deepEqual(report.issues.slice(0, 2).map((i) => i.line), [2, 3]);
  assert.equal(report.created, 0);
  assert.equal(report.created_residents, 0);
  assert.equal(count(), n);
});
