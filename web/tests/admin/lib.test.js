// lib.test.js -- the admin screens' logic: the ledger upload, the dry-run rows, a pairing
// run's figures and changes, policy values and refusals, account bodies, the locales.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  uploadLedger, contentType, issueRows, reportSummary, importChoices, runFigures, coverageShare,
  changeRow, changeCounts, canEditPolicy, policyValue, policyRange, policyRefusal, policyGroups,
  userBody, roleNeeds, auditDetail, localTime, coverageRows, ISSUE_CODES,
} from '../../src/modules/admin/lib.js';
import { setCsrf, ApiError } from '../../src/lib/api.js';
import { nav, routes, allowed } from '../../src/modules/admin/routes.js';

const t = (key, args) => (args ? `${key}${JSON.stringify(args)}` : key);

function fakeFetch(status, body) {
  const calls = [];
  const fn = async (url, init) => { calls.push({ url, init }); return { ok: status < 400, status, text: async () => JSON.stringify(body) }; };
  return { fn, calls };
}

describe('uploadLedger', () => {
  it('posts the file itself with the CSRF token, the mode in the query', async () => {
    setCsrf('tok');
    const f = fakeFetch(200, { mode: 'dry_run', rows: 2 });
    const file = { name: 'ledger.csv' };
    const r = await uploadLedger('households', 'dry_run', file, { fetchImpl: f.fn });
    expect(r.rows).toBe(2);
    expect(f.calls[0].url).toBe('/api/v1/import/households?mode=dry_run');
    expect(f.calls[0].init.method).toBe('POST');
    expect(f.calls[0].init.body).toBe(file);
    expect(f.calls[0].init.headers['X-CSRF-Token']).toBe('tok');
    expect(f.calls[0].init.headers['Content-Type']).toBe('text/csv');
  });
  it('a commit with bad rows is an ApiError carrying the report', async () => {
    const f = fakeFetch(422, { error: { code: 'invalid', message: 'some rows', field: 'file' }, report: { bad_rows: 1 } });
    const err = await uploadLedger('members', 'commit', { name: 'm.xlsx' }, { fetchImpl: f.fn }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.body.report.bad_rows).toBe(1);
    expect(f.calls[0].init.headers['Content-Type']).toMatch(/spreadsheetml/);
  });
  it('refuses an unknown ledger or mode before sending anything', async () => {
    const f = fakeFetch(200, {});
    await expect(uploadLedger('cats', 'dry_run', {}, { fetchImpl: f.fn })).rejects.toThrow();
    await expect(uploadLedger('households', 'now', {}, { fetchImpl: f.fn })).rejects.toThrow();
    expect(f.calls.length).toBe(0);
  });
  it('names XLSX by its extension, anything else as CSV', () => {
    expect(contentType({ name: 'A.XLSX' })).toMatch(/spreadsheetml/);
    expect(contentType({ name: 'a.csv' })).toBe('text/csv');
    expect(contentType(null)).toBe('text/csv');
  });
});

describe('the dry-run report', () => {
  const issues = [
    { line: 6, column: '村(社区)', value: '没有这个村', code: 'unknown_place', message: 'no such place' },
    { line: 4, column: '联系电话', value: '12345', code: 'invalid', message: 'not a phone number' },
    { line: 4, column: '身份证号', value: '510302********0031', code: 'invalid', message: 'check digit' },
    { line: 5, column: '', value: '', code: 'brand_new', message: 'something new' },
  ];
  it('lists the bad rows by line then column, each reason in words for its code', () => {
    const rows = issueRows(t, issues);
    expect(rows.map((r) => `${r.line}:${r.column}`)).toEqual(['4:联系电话', '4:身份证号', '5:—', '6:村(社区)']);
    expect(rows[0].reason).toBe('admin.import.code.invalid');
    expect(rows[1].value).toBe('510302********0031');
    expect(rows[1].detail).toBe('check digit');
    expect(rows[3].reason).toBe('admin.import.code.unknown_place');
    expect(rows[2].reason).toBe('something new');
    expect(new Set(rows.map((r) => r.key)).size).toBe(4);
  });
  it('sums up the report and tells when the list is cut short', () => {
    const s = reportSummary({ mode: 'dry_run', rows: 5, good_rows: 2, bad_rows: 3, issues, issues_total: 9 });
    expect(s).toMatchObject({ rows: 5, good: 2, bad: 3, issues: 9, truncated: true, written: false });
    expect(reportSummary(null)).toBeNull();
  });
  it('offers commit only for a clean file, good rows only for a mixed one', () => {
    expect(importChoices({ mode: 'dry_run', good_rows: 5, bad_rows: 0 })).toEqual({ commit: true, goodRows: false });
    expect(importChoices({ mode: 'dry_run', good_rows: 2, bad_rows: 3 })).toEqual({ commit: false, goodRows: true });
    expect(importChoices({ mode: 'dry_run', good_rows: 0, bad_rows: 3 })).toEqual({ commit: false, goodRows: false });
    expect(importChoices({ mode: 'commit', good_rows: 5, bad_rows: 0 })).toEqual({ commit: false, goodRows: false });
  });
});

describe('a pairing run', () => {
  const stats = { households: 121, covered: 75, added: 75, moved: 0, kept: 0, dropped: 0, uncovered: 46, objective: 30, parts: 1 };
  it('shows its figures in order and its coverage as a share', () => {
    const f = runFigures(stats);
    expect(f.map((x) => x.key)).toEqual(['households', 'covered', 'added', 'moved', 'kept', 'dropped', 'uncovered', 'objective']);
    expect(coverageShare(stats)).toBe(62);
    expect(coverageShare({ households: 0 })).toBeNull();
    expect(changeCounts(stats)).toEqual({ added: 75, moved: 0, dropped: 0, uncovered: 46 });
  });
  it('turns a change into who had the household and who will', () => {
    expect(changeRow({ household_id: 1, head_name: '林红霞', from: null, to: { member_id: 12, name: '郭学文' }, change: 'added' }))
      .toEqual({ key: 'added:1', household: '林红霞', householdId: 1, change: 'added', from: '', to: '郭学文' });
    expect(changeRow({ household_id: 2, head_name: '苏淑英', from: { member_id: 3, name: '甲' }, to: { member_id: 4, name: '乙' }, change: 'moved' }))
      .toMatchObject({ from: '甲', to: '乙' });
  });
});

describe('policies', () => {
  const quota = { key: 'liaison.quota', domain: 'work', type: 'integer', min: 1, max: 200, value: 15 };
  const text = { key: 'card.commitment', domain: 'work', type: 'text', max_length: 200, value: '…' };
  const login = { key: 'login.max_failures', domain: 'security', type: 'integer', min: 3, max: 20 };
  it('each belongs to one administrator', () => {
    expect(canEditPolicy('county_admin', quota)).toBe(true);
    expect(canEditPolicy('secadmin', quota)).toBe(false);
    expect(canEditPolicy('secadmin', login)).toBe(true);
    expect(canEditPolicy('county_admin', login)).toBe(false);
    expect(canEditPolicy('township_admin', quota)).toBe(false);
  });
  it('sends a whole number as a number, anything else as typed for the server to judge', () => {
    expect(policyValue(quota, ' 20 ')).toBe(20);
    expect(policyValue(quota, '2x')).toBe('2x');
    expect(policyValue(quota, '1.5')).toBe('1.5');
    expect(policyValue(text, ' 12 ')).toBe(' 12 ');
  });
  it('explains a refusal: the range of a number, the server for a text, the owner on 403', () => {
    expect(policyRefusal(t, quota, { status: 400, field: 'value', message: 'liaison.quota must be between 1 and 200' }))
      .toBe('admin.policies.badNumber{"min":1,"max":200}');
    expect(policyRefusal(t, text, { status: 400, field: 'value', message: 'too long' })).toBe('too long');
    expect(policyRefusal(t, login, { status: 403, field: 'key', message: 'x' })).toBe('admin.policies.notYours');
    expect(policyRange(t, quota)).toBe('admin.policies.range{"min":1,"max":200}');
    expect(policyRange(t, text)).toBe('admin.policies.length{"max":200}');
  });
  it('groups by domain and the key\'s first part, in the server\'s order', () => {
    const g = policyGroups([login, quota, { ...quota, key: 'liaison.other' }, text]);
    expect(g.map((x) => [x.key, x.items.length])).toEqual([['security:login', 1], ['work:liaison', 2], ['work:card', 1]]);
  });
});

describe('accounts and the audit log', () => {
  it('a new account\'s body carries only what its role takes', () => {
    const form = { username: ' wang.wei ', display_name: '', role: 'member', node_id: 3, member_id: '12', household_id: '9' };
    expect(userBody(form)).toEqual({ username: 'wang.wei', role: 'member', node_id: 3, member_id: 12 });
    expect(userBody({ ...form, role: 'resident', display_name: '王伟' })).toEqual({ username: 'wang.wei', role: 'resident', node_id: 3, household_id: 9, display_name: '王伟' });
    expect(userBody({ ...form, role: 'inspector', node_id: null })).toEqual({ username: 'wang.wei', role: 'inspector', node_id: 0 });
    expect(roleNeeds('county_admin')).toEqual({ member: false, household: false });
  });
  it('an audit record\'s detail reads as one line; times are county time', () => {
    expect(auditDetail(null)).toBe('');
    expect(auditDetail({ username: 'x', role: 'member', ids: [1, 2] })).toBe('username=x; role=member; ids=[1,2]');
    expect(localTime('2026-11-23T17:32:21Z')).toBe('2026-11-24 01:32');
    expect(localTime('nonsense')).toBe('nonsense');
  });
  it('the coverage report puts the place first and marks the gaps', () => {
    const rows = coverageRows({ node: { id: 3, name: '村', households: 10, households_without_liaison: 2 }, children: [{ id: 4, name: '组', households_without_liaison: 0 }] });
    expect(rows.map((r) => [r.id, r.self])).toEqual([[3, true], [4, false]]);
    expect(rows[0].warn.households_without_liaison).toBe(true);
    expect(rows[1].warn.households_without_liaison).toBe(false);
    expect(coverageRows(null)).toEqual([]);
  });
});

describe('the module', () => {
  it('has every string in the three languages, a sentence for every import problem', () => {
    const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
    const load = (l) => JSON.parse(readFileSync(new URL(`../../src/modules/admin/locales/${l}.json`, import.meta.url)));
    const cn = keys(load('zh-CN')).sort();
    expect(keys(load('zh-TW')).sort()).toEqual(cn);
    expect(keys(load('en')).sort()).toEqual(cn);
    for (const c of ISSUE_CODES) expect(cn).toContain(`import.code.${c}`);
    for (const n of nav) expect(cn).toContain(n.label.replace(/^admin\./, ''));
  });
  it('shows each header entry only to roles that may use it, and every entry has its route', () => {
    const byPath = Object.fromEntries(nav.map((n) => [n.path, n.roles]));
    expect(byPath['/admin/audit']).toEqual(['auditadmin']);
    expect(byPath['/admin/import']).not.toContain('member');
    expect(byPath['/admin/pairing']).not.toContain('village_secretary');
    for (const n of nav) expect(routes.some((r) => r.path === n.path)).toBe(true);
  });
  it('lets a role open only the screens the server lets it use', () => {
    expect(allowed('county_admin', 'import')).toBe(true);
    expect(allowed('member', 'import')).toBe(false);
    expect(allowed('village_secretary', 'pairing')).toBe(false);
    expect(allowed('auditadmin', 'audit')).toBe(true);
    expect(allowed('county_admin', 'audit')).toBe(false);
    expect(allowed(undefined, 'users')).toBe(false);
    expect(allowed('sysadmin', 'nonsense')).toBe(false);
    expect(routes.every((r) => typeof r.beforeEnter === 'function')).toBe(true);
  });
});
