// lib.test.js -- the links screens' plain logic: who is offered what, the list's parameters,
// one pairing found by id through the list, the server's refusals put into words.
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
const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { links: zh, common: { notFound: '未找到', error: '出错了' } }, en: { links: en } } });
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
  it('finds one pairing by id through the list, or nothing when it is out of reach', async () => {
    const asked = [];
    const rows = [{ id: 5 }, { id: 9 }];
    const getImpl = async (path, q) => { asked.push([path, q]); return { items: rows.filter((r) => r.id > (q.after ?? 0)).slice(0, q.limit) }; };
    expect(await findPairing('5', { getImpl })).toEqual({ id: 5 });
    expect(asked[0]).toEqual(['/pairings', { active: 'all', after: 4, limit: 1 }]);
    expect(await findPairing(6, { getImpl })).toBeNull(); // the next one in scope is another
    expect(await findPairing(10, { getImpl })).toBeNull();
    expect(await findPairing('x', { getImpl })).toBeNull();
    expect(await findPairing(0, { getImpl })).toBeNull();
    const first = [];
    await findPairing(1, { getImpl: async (p, q) => { first.push(q); return { items: [] }; } });
    expect(first[0].after).toBeUndefined();
  });
});

describe('the server\'s refusals in words, beside the field it names', () => {
  // The sentences of src/store/pairing.c and links.c as the server writes them.
  const cases = [
    [409, 'member_id', 'the member already has 15 households (quota 15)', 'member_id', '该党员已联系 15 户，已达上限（15 户），不能再结对。'],
    [409, 'household_id', 'the household already has a liaison member; end that pairing first', 'household_id', '该户已有此类结对，请先解除原结对。'],
    [409, 'household_id', 'the household already has a assistance member; end that pairing first', 'household_id', '该户已有此类结对，请先解除原结对。'],
    [400, 'member_id', 'a liaison member must live in the household\'s village', 'member_id', '党员联户须由本村（社区）的党员联系：该党员不住在此户所在的村。'],
    [400, 'member_id', 'the member\'s unit is not paired with the household\'s village', 'member_id', '该干部所在单位没有联系此户所在的村，请先在“联村与联系点”中联村。'],
    [404, 'household_id', 'no such household in your scope', 'household_id', '该户不存在，或不在您的管辖范围内。'],
    [409, 'id', '2 assistance tasks are still open; finish them first', 'id', '还有 2 项帮扶任务未完成，完成后才能解除。'],
    [409, 'node_id', 'this unit is paired with this village already', 'node_id', '该单位已联系此村。'],
    [400, 'node_id', 'a unit is paired with a village or community', 'node_id', '单位只能联系村（社区）。'],
    [400, 'kind', 'a township leader adopts a weak branch only', 'kind', '乡镇领导只联系软弱涣散党组织。'],
    [409, 'kind', 'this leader has a weak_branch contact point already; end it first', 'kind', '该领导已有此类联系点，请先解除原联系点。'],
    [400, 'org_id', 'a contact point is a branch or general branch', 'org_id', '联系点须是党支部或党总支。'],
    [400, 'reason', 'say why', 'reason', '请说明理由（至少 2 个字）。'],
    [400, 'title', 'give a title', 'title', '请填写任务内容。'],
    [400, 'body', 'give layer, household_id, member_id and reason, and nothing else', '_', 'give layer, household_id, member_id and reason, and nothing else'],
  ];
  for (const [status, field, message, where, text] of cases) {
    it(`${status} ${message.slice(0, 50)}`, () => {
      expect(refusal(t, refused(status, field, message))).toEqual({ field: where, text });
    });
  }
  it('keeps a known sentence in English for English readers, and an unknown 404 as not found', () => {
    i18n.global.locale.value = 'en';
    expect(refusal(t, refused(409, 'member_id', 'the member already has 2 households (quota 2)')).text).toBe('This member already has 2 households, the quota (2); no more can be paired.');
    i18n.global.locale.value = 'zh-CN';
    expect(refusal(t, refused(404, 'id', 'no such thing')).text).toBe('未找到');
  });
  it('puts a refusal of a field the form lacks above the form', () => {
    expect(formErrors(t, refused(409, 'id', '1 assistance tasks are still open; finish them first'), ['reason'])).toEqual({ _: '还有 1 项帮扶任务未完成，完成后才能解除。' });
    expect(formErrors(t, refused(400, 'reason', 'say why'), ['reason'])).toEqual({ reason: '请说明理由（至少 2 个字）。' });
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
