// kinds.test.js -- the registries as the browser sees them: who may do what (mirroring
// src/core/rbac.c), the list's query, the form <-> body conversions, the server's refusals
// beside their fields, and the module's strings in all three languages.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  KINDS, can, tabsFor, listPath, recordPath, titleOf, emptyFilters, listQuery, exportQuery, formFromRecord,
  recordBody, bodyValue, childKind, formErrors, display, withFull, localTime, field,
} from '../../src/modules/registry/kinds.js';
import { routes, nav, ORG_READERS } from '../../src/modules/registry/routes.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../src/modules/registry');
const locales = Object.fromEntries(['zh-CN', 'zh-TW', 'en'].map((l) => [l, JSON.parse(readFileSync(join(dir, 'locales', `${l}.json`), 'utf8'))]));
const lookup = (obj, key) => key.split('.').reduce((o, k) => o?.[k], obj);

describe('who may do what', () => {
  it('lets the county, township and village change the tree and the registries, the group leader only the registries', () => {
    for (const role of ['county_admin', 'township_admin', 'village_secretary']) {
      for (const k of Object.keys(KINDS)) expect(can(role, k, 'write'), `${role} ${k}`).toBe(true);
    }
    expect(can('group_leader', 'households', 'write')).toBe(true);
    expect(can('group_leader', 'nodes', 'write')).toBe(false);
    expect(can('inspector', 'households', 'write')).toBe(false);
    expect(can('inspector', 'households', 'read')).toBe(true);
  });
  it('unmasks only the personal registries, for the county, township and village', () => {
    expect(can('village_secretary', 'residents', 'unmask')).toBe(true);
    expect(can('village_secretary', 'nodes', 'unmask')).toBe(false);
    expect(can('group_leader', 'residents', 'unmask')).toBe(false);
    expect(can('inspector', 'members', 'export')).toBe(true);
    expect(can('member', 'members', 'export')).toBe(false);
  });
  it('shows the administrators no registry, and a resident only the households', () => {
    for (const role of ['sysadmin', 'secadmin', 'auditadmin']) {
      expect(tabsFor(role, 'people')).toEqual([]);
      expect(tabsFor(role, 'org')).toEqual([]);
    }
    expect(tabsFor('resident', 'people')).toEqual(['households', 'residents']);
    expect(tabsFor('resident', 'org')).toEqual([]);
    expect(tabsFor('county_admin', 'org')).toEqual(['members', 'orgs', 'units', 'nodes']);
  });
  it('routes each kind to its screen and record page, guarded', () => {
    expect(listPath('households')).toBe('/households');
    expect(recordPath('households', 7)).toBe('/households/7');
    expect(recordPath('members', 3)).toBe('/registry/members/3');
    expect(routes.find((r) => r.path === '/households').name).toBe('households');
    expect(routes.filter((r) => r.component).every((r) => r.beforeEnter)).toBe(true);
    expect(nav).toEqual([expect.objectContaining({ path: '/registry/members', staff: true, roles: ORG_READERS })]);
    expect(ORG_READERS).not.toContain('sysadmin');
  });
});

describe('lists', () => {
  it('asks for the filters given and the place chosen; active by default', () => {
    const f = { ...emptyFilters('households'), q: ' 聶衛東 ', tags: ['low_income'], difficulty: '' };
    expect(listQuery('households', f, 12)).toEqual({ q: '聶衛東', under: 12, tags: ['low_income'], difficulty: '', needs: [] });
    expect(listQuery('members', { ...emptyFilters('members'), active: 'all' }, null))
      .toMatchObject({ q: undefined, under: undefined, active: 'all' });
    expect(exportQuery('residents', emptyFilters('residents'), 3, '核对')).toMatchObject({ under: 3, unmask: 1, reason: '核对' });
  });
  it('names a record by its title field', () => {
    expect(titleOf('households', { id: 1, head_name: '林红霞' })).toBe('林红霞');
    expect(titleOf('nodes', { id: 4, name: '第一网格' })).toBe('第一网格');
  });
  it('shows codes by their labels and keeps unmasked personal values only', () => {
    const label = (v, c) => `${v}:${c}`;
    expect(display(field('members', 'skills'), ['law', 'medicine'], label)).toBe('skill:law、skill:medicine');
    expect(display(field('members', 'rank'), 'middle', label)).toBe('rank:middle');
    expect(display(field('members', 'phone'), null, label)).toBe('');
    const rec = { id: 1, name: '甲', idno: '510525********0025', phone: '151****4992' };
    expect(withFull('residents', rec, { id: 1, name: 'X', idno: '510525199401100025', phone: '15100004992' }))
      .toEqual({ id: 1, name: '甲', idno: '510525199401100025', phone: '15100004992' });
  });
  it('gives county time', () => { expect(localTime('2026-11-23T19:21:51Z')).toBe('2026-11-24 03:21'); });
});

describe('forms', () => {
  const member = { id: 2, node_id: 2, unit_id: 1, org_id: 13, name: '王海波', gender: 'M', phone: '185****7111', rank: 'ordinary',
    category: 'in_service', skills: ['law'], liaison_quota: null, assist_quota: 3, active: true };
  it('fills the form without the masked values', () => {
    const f = formFromRecord('members', member);
    expect(f).toMatchObject({ node_id: 2, name: '王海波', phone: '', skills: ['law'], liaison_quota: '', assist_quota: '3' });
    expect('active' in f).toBe(false);
    expect(formFromRecord('households', {}, { node_id: 4 })).toMatchObject({ node_id: 4, head_name: '', difficulty: 'none', tags: [] });
  });
  it('sends only what changed, a typed phone, null for a cleared field', () => {
    const f = formFromRecord('members', member);
    expect(recordBody('members', f, member)).toEqual({});
    f.phone = ' 13800001234 ';
    f.unit_id = null;
    f.skills = ['law', 'medicine'];
    f.assist_quota = '5';
    expect(recordBody('members', f, member)).toEqual({ phone: '13800001234', unit_id: null, skills: ['law', 'medicine'], assist_quota: 5 });
    f.liaison_quota = 'x';
    expect(recordBody('members', f, member).liaison_quota).toBe('x'); // the server names it
  });
  it('removes a stored personal value only when asked', () => {
    const f = formFromRecord('members', member);
    expect(recordBody('members', f, member, [])).toEqual({});
    expect(recordBody('members', f, member, ['phone'])).toEqual({ phone: null });
    f.phone = '13800001234'; // asked to remove: what was typed is not sent
    expect(recordBody('members', f, member, ['phone'])).toEqual({ phone: null });
    expect(recordBody('members', f, { ...member, phone: null }, ['phone'])).toEqual({}); // nothing stored
    expect(recordBody('members', f, member, ['name'])).toEqual({ phone: '13800001234' }); // only personal ones
  });
  it('leaves a fixed field alone when changing and empty fields out when creating', () => {
    const res = { id: 5, household_id: 1, name: '甲', gender: 'F', birth_date: '1994-01-10', idno: '510525********0025', phone: null, relation: 'head' };
    const f = formFromRecord('residents', res);
    f.household_id = 9;
    expect(recordBody('residents', f, res)).toEqual({});
    const n = formFromRecord('residents', {}, { household_id: 1 });
    Object.assign(n, { name: '乙', gender: 'M', relation: 'child', idno: '510525199001011235' });
    expect(recordBody('residents', n)).toEqual({ household_id: 1, name: '乙', gender: 'M', relation: 'child', idno: '510525199001011235' });
  });
  it('takes ids as numbers', () => {
    expect(bodyValue(field('orgs', 'leader_member_id'), '7')).toBe(7);
    expect(bodyValue(field('orgs', 'leader_member_id'), '')).toBe(null);
  });
  it('suggests the kind of a new place under a place', () => {
    expect(childKind('county')).toBe('township');
    expect(childKind('street')).toBe('community');
    expect(childKind('village')).toBe('group');
  });
});

describe('refusals beside the field, in the server\'s words', () => {
  // The server writes its sentences in the application's language (src/util/msgcat.def).
  const err = (status, field, message) => ({ status, field, message });
  it('puts the server\'s refusal beside the field it names', () => {
    expect(formErrors('residents', err(400, 'idno', '身份证号有误：校验位不正确'))).toEqual({ idno: '身份证号有误：校验位不正确' });
    expect(formErrors('members', err(400, 'phone', '联系电话不是有效的手机或固定电话号码'))).toEqual({ phone: '联系电话不是有效的手机或固定电话号码' });
    expect(formErrors('nodes', err(409, 'name', '这里已有同名的地方'))).toEqual({ name: '这里已有同名的地方' });
  });
  it('puts the others on the form\'s own line: a refusal in the server\'s words, any other failure in the application\'s', () => {
    expect(formErrors('households', err(400, 'body', '没有要修改的内容'))).toEqual({ _: '没有要修改的内容' });
    expect(formErrors('households', err(409, 'id', '这个地方下还有 134 条在用的记录，请先移走或停用'), '出错了'))
      .toEqual({ _: '这个地方下还有 134 条在用的记录，请先移走或停用' });
    expect(formErrors('residents', err(400, 'birth_date', '出生日期与身份证号不符'))).toEqual({ birth_date: '出生日期与身份证号不符' });
    expect(formErrors('households', err(500, null, ''), '出错了')).toEqual({ _: '出错了' });
    expect(formErrors('households', err(404, 'id', '没有找到这一户，或不在您的管辖范围内'), '未找到')).toEqual({ _: '未找到' });
  });
});

describe('the registry module\'s strings', () => {
  const source = readdirSync(dir).filter((f) => /\.vue$|^actions\.js$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const used = [...new Set([...source.matchAll(/['`]registry\.([a-zA-Z_.]+)['`]/g)].map((m) => m[1]))];
  // Keys built from a kind or a field's name.
  for (const k of Object.keys(KINDS)) {
    for (const part of ['one', 'many', 'title', 'q']) used.push(`kinds.${k}.${part}`);
    for (const f of KINDS[k].fields) used.push(`fields.${k}.${f.name}`);
  }
  it('finds the keys the views use', () => { expect(used.length).toBeGreaterThan(80); });
  for (const [lang, strings] of Object.entries(locales)) {
    it(`has every key in ${lang}`, () => {
      expect(used.filter((k) => typeof lookup(strings, k) !== 'string')).toEqual([]);
    });
  }
  it('is written in Traditional characters in zh-TW', () => {
    const tw = JSON.stringify(locales['zh-TW']);
    expect(tw).not.toMatch(/[户党员组织单区划证号码录]/);
    expect(locales['zh-TW'].kinds.households.title).toBe('戶籍臺帳');
  });
});
