// messages.test.mjs -- every message the server can say is in the message catalog
// (src/util/msgcat.def) in Simplified and Traditional Chinese, and the JSON error speaks the
// request's language: Accept-Language picks it, no header means Simplified Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BIN, startServer, Client } from './lib.mjs';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

// printf-like functions in src/ whose text is not for the user (logs, JSON, SQL, paths).
// Any other function declared with __attribute__((format(printf, N, M))) makes messages,
// and the literal formats given to it must be in the catalog.
const NOT_MESSAGES = new Set(['strbuf_addf', 'log_msg', 'arena_printf']);
// Functions that take a fixed sentence or mark one (LX_MSG: handed on through "%s").
const SENTENCES = { lx_msg: 0, LX_MSG: 0 };

function sources(dir = SRC) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(c|cc|h)$/.test(e.name)) out.push(p);
  }
  return out;
}

// C text as tokens: string literals (decoded), identifiers, punctuation; comments dropped.
function tokens(text) {
  const out = [];
  let line = 1;
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (text.startsWith('/*', i)) { const j = text.indexOf('*/', i + 2); line += (text.slice(i, j).match(/\n/g) ?? []).length; i = j + 2; continue; }
    if (text.startsWith('//', i)) { i = text.indexOf('\n', i); continue; }
    if (c === '#') { // preprocessor line (with continuations): skipped, but not its strings' lines
      let j = i;
      while (j < text.length && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      line += (text.slice(i, j).match(/\n/g) ?? []).length;
      i = j; continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1, s = '';
      while (text[j] !== c) {
        if (text[j] === '\\') {
          const n = text[j + 1];
          s += { n: '\n', t: '\t', '"': '"', "'": "'", '\\': '\\', r: '\r', '0': '\0' }[n] ?? ('\\' + n);
          j += 2;
        } else s += text[j++];
      }
      out.push({ kind: c === '"' ? 'str' : 'chr', value: s, line });
      i = j + 1; continue;
    }
    const m = /^[A-Za-z_]\w*|^\d[\w.]*|^->|^[^\sA-Za-z_\d]/.exec(text.slice(i, i + 64));
    out.push({ kind: /^[A-Za-z_]/.test(m[0]) ? 'id' : 'punct', value: m[0], line });
    i += m[0].length;
  }
  return out;
}

// The calls of `name` in a token list: for each, its arguments as token lists.
function* calls(toks, names) {
  for (let i = 0; i < toks.length - 1; i++) {
    if (toks[i].kind !== 'id' || !(toks[i].value in names) || toks[i + 1].value !== '(') continue;
    if (i > 0 && (toks[i - 1].value === '.' || toks[i - 1].value === '->')) continue;
    const args = [[]];
    let depth = 0, j = i + 1;
    for (; j < toks.length; j++) {
      const t = toks[j];
      if ('([{'.includes(t.value) && t.kind === 'punct') { if (depth++ > 0) args.at(-1).push(t); continue; }
      if (')]}'.includes(t.value) && t.kind === 'punct') { if (--depth === 0) break; args.at(-1).push(t); continue; }
      if (t.value === ',' && t.kind === 'punct' && depth === 1) { args.push([]); continue; }
      args.at(-1).push(t);
    }
    yield { name: toks[i].value, line: toks[i].line, args };
  }
}

// The literal strings an argument can be: adjacent literals joined; `a ? "x" : "y"` gives both.
function literals(arg) {
  const out = [];
  let cur = null;
  for (const t of arg) {
    if (t.kind === 'str') { cur = (cur ?? '') + t.value; continue; }
    if (cur !== null) out.push(cur);
    cur = null;
  }
  if (cur !== null) out.push(cur);
  return out;
}

// Every format, sentence and word the sources give to the message functions.
function scan() {
  const files = sources().map((p) => ({ p, toks: tokens(readFileSync(p, 'utf8')) }));
  // The printf-like functions and the index of their format argument.
  const formats = {};
  for (const { toks } of files)
    for (let i = 0; i < toks.length; i++) {
      if (toks[i].value !== 'format' || toks[i + 1]?.value !== '(' || toks[i + 2]?.value !== 'printf') continue;
      // `name(params) __attribute__((format(printf, N, M)))`: back over the parameter list
      let k = i - 4, depth = 0;
      if (toks[k + 1]?.value !== '__attribute__' || toks[k]?.value !== ')') continue;
      for (; k > 0; k--) {
        if (toks[k].value === ')') depth++;
        else if (toks[k].value === '(' && --depth === 0) break;
      }
      const name = toks[k - 1].value;
      if (!NOT_MESSAGES.has(name)) formats[name] = Number(toks[i + 4].value) - 1;
    }
  const found = { sentences: new Map(), words: new Map(), unchecked: [] };
  const add = (map, s, where) => { if (!map.has(s)) map.set(s, where); };
  for (const { p, toks } of files) {
    const rel = p.slice(SRC.length + 1);
    for (const c of calls(toks, { ...formats, ...SENTENCES, lx_word: 0 })) {
      const where = `src/${rel}:${c.line}`;
      const idx = c.name === 'lx_word' ? 0 : (SENTENCES[c.name] ?? formats[c.name]);
      const arg = c.args[idx] ?? [];
      // a definition or declaration (`const char *fmt`), or a wrapper handing fmt on
      if (arg.some((t) => t.value === 'char') || (arg.length === 1 && arg[0].value === 'fmt')) continue;
      const lits = literals(arg);
      if (c.name === 'lx_word') { for (const s of lits) add(found.words, s, where); continue; }
      if (!lits.length) { found.unchecked.push(`${where}: ${c.name}(… ${arg.map((t) => t.value).join(' ')} …)`); continue; }
      for (const s of lits) if (s !== '%s') add(found.sentences, s, where);
    }
  }
  return { formats, ...found };
}

const catalog = JSON.parse(execFileSync(BIN, ['messages'], { encoding: 'utf8' }));

test('the scan finds the message functions and the messages', () => {
  const { formats, sentences } = scan();
  for (const f of ['lx_fail', 'req_fail', 'lx_msgf']) assert.ok(f in formats, `${f} not found as a printf-like function`);
  assert.equal(formats.lx_fail, 3);
  assert.ok(sentences.size > 300, `only ${sentences.size} messages found`);
  assert.ok(sentences.has('the body is too large'));
  assert.ok(sentences.has('this case was rated already'), 'an LX_MSG sentence');
  assert.ok(sentences.has('this ID number is already registered'), 'an import issue');
});

test('every message in src/ has an entry in the catalog, and every entry is used', () => {
  const { sentences, words, unchecked } = scan();
  assert.deepEqual(unchecked, [], 'a message format that is not a literal cannot be checked against the catalog');
  const have = new Map(catalog.messages.map((m) => [m.en, m]));
  const missing = [...sentences].filter(([s]) => !have.has(s)).map(([s, where]) => `${where}: ${JSON.stringify(s)}`);
  assert.deepEqual(missing, [], 'messages without a catalog entry (src/util/msgcat.def)');
  const stale = [...have.keys()].filter((s) => !sentences.has(s));
  assert.deepEqual(stale, [], 'catalog entries no source uses');
  const haveWords = new Set(catalog.words.map((w) => w.en));
  const missingWords = [...words].filter(([w]) => !haveWords.has(w)).map(([w, where]) => `${where}: ${w}`);
  assert.deepEqual(missingWords, [], 'words without a catalog entry');
});

test('every catalog entry has both Chinese forms, and no entry is there twice', () => {
  for (const kind of ['messages', 'words', 'spellings']) {
    const seen = new Set();
    for (const m of catalog[kind]) {
      const key = m.en ?? m['zh-Hans'];
      assert.ok(!seen.has(key), `${kind}: ${key} twice`);
      seen.add(key);
      assert.ok(m['zh-Hans'] && m['zh-Hant'], `${kind}: ${key} lacks a translation`);
      assert.ok(/[\u4e00-\u9fff]/.test(m['zh-Hans']) || !/[a-z]{4,} [a-z]{4,}/.test(m['zh-Hans']), `${kind}: ${key} looks untranslated: ${m['zh-Hans']}`);
    }
  }
});

test('the same bad request is answered in the language the request asks for', async () => {
  const srv = await startServer({ households: 100 });
  try {
    const c = await new Client(srv.base).loginReady('county');
    const resident = (await c.get('/api/v1/residents?limit=1')).body.items[0];
    // An ID number whose check digit is wrong (the right one is 3).
    const idno = '110101199003070000';
    const answers = {};
    for (const lang of ['en', 'zh-CN', 'zh-TW', null, 'zh', 'zh-Hant-HK', 'fr, zh;q=0.8', 'zh-HK, en;q=0.5', 'en;q=0.2, zh-TW', 'de']) {
      c.lang = lang;
      const r = await c.patch(`/api/v1/residents/${resident.id}`, { idno });
      assert.equal(r.status, 400, `${lang}: ${r.text}`);
      assert.equal(r.body.error.code, 'invalid', 'the code stays');
      assert.equal(r.body.error.field, 'idno', 'the field stays the JSON key');
      assert.ok(!r.body.error.message.includes(idno), 'no personal data in a message');
      answers[lang] = r.body.error.message;
    }
    assert.equal(answers.en, 'idno is not a valid ID number (check_digit)');
    assert.equal(answers['zh-CN'], '身份证号有误：校验位不正确');
    assert.equal(answers['zh-TW'], '身份證號有誤：校驗位不正確');
    assert.equal(answers[null], answers['zh-CN'], 'no Accept-Language: Simplified Chinese, the default');
    assert.equal(answers.zh, answers['zh-CN']);
    assert.equal(answers['zh-Hant-HK'], answers['zh-TW']);
    assert.equal(answers['fr, zh;q=0.8'], answers['zh-CN'], 'the first language it speaks');
    assert.equal(answers['zh-HK, en;q=0.5'], answers['zh-TW']);
    assert.equal(answers['en;q=0.2, zh-TW'], answers['zh-TW'], 'the highest q wins');
    assert.equal(answers.de, answers['zh-CN'], 'a language it does not speak: the default');

    // A message with a number in it.
    for (const [lang, want] of [['en', 'limit must be 1 to 500'], ['zh-CN', '每页条数（limit）须在 1 到 500 之间'],
      ['zh-TW', '每頁條數（limit）須在 1 到 500 之間']]) {
      c.lang = lang;
      const r = await c.get('/api/v1/households?limit=9999');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.message, want);
    }
    // One made before any handler runs (no session).
    const anon = new Client(srv.base, undefined, { lang: 'zh-TW' });
    const me = await anon.get('/api/v1/auth/me');
    assert.equal(me.status, 401);
    assert.equal(me.body.error.code, 'unauthenticated');
    assert.equal(me.body.error.message, '請登入');
    anon.lang = null;
    assert.equal((await anon.get('/api/v1/auth/me')).body.error.message, '请登录');
    anon.lang = 'en';
    assert.equal((await anon.get('/api/v1/auth/me')).body.error.message, 'please log in');
  } finally { await srv.stop(); }
});

test("an import's dry-run report and its refusal give their reasons in the request's language", async () => {
  const srv = await startServer({ households: 100 });
  try {
    const c = await new Client(srv.base).loginReady('county');
    const town = (await c.get('/api/v1/nodes?level=2&limit=1')).body.items[0];
    const village = (await c.get(`/api/v1/nodes?parent_id=${town.id}&limit=1`)).body.items[0];
    const head = '户编号,乡镇(街道),村(社区),组(网格),住址,富裕难度,户类别,需求,姓名,性别,出生日期,身份证号,联系电话,与户主关系\r\n';
    const csv = head + [
      ['B1', town.name, village.name, '', '一组1号', '', '', '', '张三', '男', '', '110101199003070000', '', '户主'],
      ['B2', town.name, '没有这个村', '', '一组2号', '', '', '', '李四', '女', '', '', '', '户主'],
    ].map((r) => r.join(',')).join('\r\n') + '\r\n';
    const upload = async (lang, mode) => {
      c.lang = lang;
      return c.req('POST', `/api/v1/import/households?mode=${mode}`, csv, { headers: { 'Content-Type': 'text/csv' } });
    };
    const reasons = {};
    for (const lang of ['en', 'zh-CN', 'zh-TW', null]) {
      const dry = await upload(lang, 'dry_run');
      assert.equal(dry.status, 200, dry.text);
      const id = dry.body.issues.find((i) => i.column === '身份证号');
      const place = dry.body.issues.find((i) => i.code === 'unknown_place');
      assert.equal(id.code, 'invalid', 'codes stay');
      assert.equal(place.column, '村(社区)', 'columns are the template headers in every language');
      reasons[lang] = [id.message, place.message];
      const refused = await upload(lang, 'commit');
      assert.equal(refused.status, 422);
      reasons[lang].push(refused.body.error.message, refused.body.report.issues[0].message);
    }
    assert.deepEqual(reasons.en, ['idno is not a valid ID number (check_digit)',
      'no such place under the one before it, in your scope',
      'some rows have problems; nothing was imported (fix them, or import only the good rows)',
      'idno is not a valid ID number (check_digit)']);
    assert.deepEqual(reasons['zh-CN'], ['身份证号有误：校验位不正确', '上一级地方下没有这个地名，或不在您的管辖范围内',
      '有些行有问题，没有导入任何数据（请修改后重新导入，或只导入无误的行）', '身份证号有误：校验位不正确']);
    assert.deepEqual(reasons['zh-TW'], ['身份證號有誤：校驗位不正確', '上一級地方下沒有這個地名，或不在您的管轄範圍內',
      '有些行有問題，沒有匯入任何資料（請修改後重新匯入，或只匯入無誤的行）', '身份證號有誤：校驗位不正確']);
    assert.deepEqual(reasons[null], reasons['zh-CN']);
  } finally { await srv.stop(); }
});
