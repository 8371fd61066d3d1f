// lib.test.js -- the links screens' plain logic: who is offered what, the list's parameters,
// one pairing found by id through the list, the server's refusals placed by field.
import { describe, it, expect } from 'vitest';
import { createI18n } from 'vue-i18n';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../../src/lib/api.js';
import { can, kindsFor, pairingQuery, findPairing, refusal, formErrors, memberLabel, householdLabel, isBranch } from '../../src/modules/links/lib.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../src/modules/links/locales');
const zh = JSON.parse(readFileSync(join(dir, 'zh-CN.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(dir, 'en.json'), 'utf8'));
const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { links: zh, common: { notFound: '未找到', error: '出错了', networkError: '网络错误' } }, en: { links: en } } });
const t = i18n.global.t;
const refused = (status, field, message) => new ApiError(status, { error: { code: 'x', field, message } });

describe('who is offered what (src/core/rbac.c)', () => {
  it('lets the staff with pairing.read read, the writers pair, the county and township run', () => {
    for (const r of ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector']) expect(can(r, 'read')).toBe(true);
    for (const r of ['member', 'resident', 'sysadmin', 'secadmin', 'auditadmin', undefined]) expect(can(r, 'read')).toBe(false);
    expect(can('village_secretary', 'write')).toBe(true);
    expect(can('group_leader', 'write')).toBe(false);
    expect(can('inspector', 'write')).toBe(false);
    expect(can('village_secretary', 'run')).toBe(false);
    expect(can('township_admin', 'run')).toBe(true);
    expect(can('county_admin', 'nonsense')).toBe(false);
  });
  it('offers a county leader every kind of contact point, a township leader a weak branch, others none', () => {
    expect(kindsFor('county_leader')).toEqual(['weak_branch', 'non_public', 'social_org']);
    expect(kindsFor('city_leader')).toHaveLength(3);
    expect(kindsFor('middle')).toEqual(['weak_branch']);
    expect(kindsFor('ordinary')).toEqual([]);
    expect(kindsFor(undefined)).toEqual([]);
  });
});

describe('the pairings list', () => {
  it('asks for the place, the layer, the member, the household and the status', () => {
    expect(pairingQuery({ layer: 'assistance', member_id: 7, household_id: null, status: 'ended' }, { id: 3 }))
      .toEqual({ node_id: 3, layer: 'assistance', member_id: 7, household_id: undefined, active: '0' });
    expect(pairingQuery({ layer: '', status: 'all' }, null)).toEqual({ node_id: undefined, layer: undefined, member_id: undefined, household_id: undefined, active: 'all' });
    expect(pairingQuery({ layer: 'bogus', status: '?' }, null).active).toBe('1');
  });
  it('finds one pairing by id, or nothing when it is out of reach; other failures are not hidden', async () => {
    const asked = [];
    const getImpl = async (path) => {
      asked.push(path);
      if (path === '/pairings/5') return { id: 5 };
      throw Object.assign(new Error('no such pairing'), { status: path === '/pairings/7' ? 500 : 404 });
    };
    expect(await findPairing('5', { getImpl })).toEqual({ id: 5 });
    expect(asked).toEqual(['/pairings/5']);
    expect(await findPairing(6, { getImpl })).toBeNull();
    await expect(findPairing(7, { getImpl })).rejects.toThrow('no such pairing');
    for (const bad of ['x', 0, -3, 2.5]) expect(await findPairing(bad, { getImpl })).toBeNull();
    expect(asked).toEqual(['/pairings/5', '/pairings/6', '/pairings/7']); // nothing asked for a bad id
  });
});

describe('the server\'s refusals beside the field it names, in its own words', () => {
  // The server writes its sentences in the application's language (src/util/msgcat.def).
  const cases = [
    [409, 'member_id', '这名党员已联系 15 户（上限 15 户）', 'member_id'],
    [409, 'household_id', '这一户已有联户党员，请先解除那个结对', 'household_id'],
    [404, 'household_id', '没有找到这一户，或不在您的管辖范围内', 'household_id'],
    [409, 'id', '还有 2 项帮扶任务没有完成，请先完成', 'id'],
    [409, 'node_id', '这个单位已经与这个村结对了', 'node_id'],
    [400, 'body', '请只填写结对类型、户、党员和原因（layer、household_id、member_id、reason）', '_'],
  ];
  for (const [status, field, message, where] of cases) {
    it(`${status} ${field}: ${message.slice(0, 30)}`, () => {
      expect(refusal(t, refused(status, field, message))).toEqual({ field: where, text: message });
    });
  }
  it('says it in the application\'s words when the server said nothing', () => {
    expect(refusal(t, new ApiError(404, { error: { code: 'not_found' } })).text).toBe('未找到');
    expect(refusal(t, new ApiError(500, { error: { code: 'internal' } }))).toEqual({ field: '_', text: 'HTTP 500' });
    expect(refusal(t, new ApiError(0, { error: { code: 'network', message: 'TypeError: failed to fetch' } })).text).toBe('网络错误');
  });
  it('puts a refusal of a field the form lacks above the form', () => {
    expect(formErrors(t, refused(409, 'id', '还有 1 项帮扶任务没有完成，请先完成'), ['reason'])).toEqual({ _: '还有 1 项帮扶任务没有完成，请先完成' });
    expect(formErrors(t, refused(400, 'reason', '请说明原因'), ['reason'])).toEqual({ reason: '请说明原因' });
  });
});

describe('options', () => {
  it('labels members, households and keeps branches only', () => {
    expect(memberLabel({ name: '曹俊杰', rank: 'county_leader' }, (r) => (r === 'county_leader' ? '县管领导干部' : r))).toBe('曹俊杰 · 县管领导干部');
    expect(memberLabel({ name: '郭学文' })).toBe('郭学文');
    expect(householdLabel({ head_name: '林红霞', address: '城关街道民主****' })).toBe('林红霞 · 城关街道民主****');
    expect(householdLabel({ head_name: '林红霞', address: null })).toBe('林红霞');
    expect(['branch', 'general_branch', 'party_group', 'committee'].map((kind) => isBranch({ kind }))).toEqual([true, true, false, false]);
  });
});
