// lib.test.js -- the contacts screens' logic: bodies sent, errors placed, the visit form,
// due lists and compliance rows.
import { describe, it, expect } from 'vitest';
import {
  allowed, localInput, nowInput, addDays, periodRange, answerValue, answersBody, answerText, answerRows, newKey,
  editorRow, formBody, moveItem, formErrors, emptyForm, emptyRequest, contactBody, formOf, editBody, contactErrors,
  reasonNeeded, sentRequestIndex, dueRows, visitRows, tallyRow, memberRows, ruleRows,
  behindMembers, ruleKey, isMeeting,
} from '../../src/modules/contacts/lib.js';

const t = (k) => ({ 'contacts.yes': '是', 'contacts.no': '否' }[k] ?? k);
const err = (status, field, message) => ({ status, field, message });

describe('who may use which screen', () => {
  it('follows the permission table', () => {
    expect(allowed('village_secretary', 'write')).toBe(true);
    expect(allowed('inspector', 'read')).toBe(true);
    expect(allowed('inspector', 'write')).toBe(false);
    expect(allowed('township_admin', 'form')).toBe(false);
    expect(allowed('county_admin', 'form')).toBe(true);
    expect(allowed('member', 'read')).toBe(false);
    expect(allowed('auditadmin', 'read')).toBe(false);
    expect(allowed(undefined, 'read')).toBe(false);
  });
});

describe('dates in county time', () => {
  it('turns a UTC time into the county\'s wall clock for a datetime input', () => {
    expect(localInput('2026-11-22T11:00:00Z')).toBe('2026-11-22T19:00');
    expect(localInput('2026-11-23T17:30:00Z')).toBe('2026-11-24T01:30');
    expect(localInput(null)).toBe('');
    expect(localInput('nonsense')).toBe('');
    expect(nowInput(new Date('2026-02-28T16:05:00Z'))).toBe('2026-03-01T00:05');
  });
  it('moves dates across months and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
  it('gives the report periods', () => {
    expect(periodRange('month', '2026-02-14')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodRange('lastMonth', '2026-01-14')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(periodRange('quarter', '2026-11-24')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodRange('quarter', '2028-02-10')).toEqual({ from: '2028-01-01', to: '2028-03-31' });
    expect(periodRange('year', '2026-11-24')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(periodRange('lastYear', '2026-11-24')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });
});

const Q = [
  { key: 'water', label: '饮水是否安全', type: 'yes_no', required: true },
  { key: 'income', label: '人均年收入', type: 'number', required: false },
  { key: 'health', label: '健康状况', type: 'choice', options: ['良好', '一般', '较差'], required: false },
  { key: 'other', label: '其他', type: 'text', required: false },
];

describe('the visit form', () => {
  it('sends only what was answered, each in its type', () => {
    expect(answersBody(Q, { water: false, income: ' 12000 ', health: '', other: '  ' })).toEqual({ water: false, income: 12000 });
    expect(answersBody(Q, { income: '12k', health: '一般', other: '院墙裂缝', gone: 'x' })).toEqual({ income: '12k', health: '一般', other: '院墙裂缝' });
    expect(answersBody([], { water: true })).toEqual({});
    expect(answerValue({ type: 'number' }, '-3.5')).toBe(-3.5);
    expect(answerValue({ type: 'yes_no' }, 'yes')).toBe(true);
  });
  it('shows answers with the questions of their version', () => {
    expect(answerText(t, Q[0], true)).toBe('是');
    expect(answerText(t, Q[0], false)).toBe('否');
    expect(answerText(t, Q[1], null)).toBe('—');
    const rows = answerRows(t, { version: 2, questions: Q }, { water: true, income: 8000, dropped: 'x' });
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['饮水是否安全', '是'], ['人均年收入', '8000'], ['健康状况', '—'], ['其他', '—'], ['dropped', 'x']]);
    expect(answerRows(t, null, {})).toEqual([]);
  });
  it('edits questions: new keys, options one per line, order', () => {
    expect(newKey([])).toBe('q1');
    expect(newKey([{ key: 'q2' }, { key: 'x' }])).toBe('q3');
    expect(newKey([{ key: 'q1' }, { key: 'q2' }])).toBe('q3');
    const rows = Q.map(editorRow);
    expect(rows[2].options).toBe('良好\n一般\n较差');
    rows[2].options = ' 好 \n\n差\n';
    rows[1].options = 'ignored';
    const body = formBody(rows);
    expect(body.questions[2]).toEqual({ key: 'health', label: '健康状况', type: 'choice', required: false, options: ['好', '差'] });
    expect(body.questions[1]).toEqual({ key: 'income', label: '人均年收入', type: 'number', required: false });
    expect(moveItem([1, 2, 3], 0, 1)).toEqual([2, 1, 3]);
    expect(moveItem([1, 2, 3], 2, -1)).toEqual([1, 3, 2]);
    const l = [1, 2];
    expect(moveItem(l, 0, -1)).toBe(l);
    expect(moveItem(l, 1, 1)).toBe(l);
  });
  it('places the server\'s refusal beside the question', () => {
    expect(formErrors(err(400, 'questions[2].options', 'a choice has 2 to 50 options'))).toEqual({ '2.options': 'a choice has 2 to 50 options' });
    expect(formErrors(err(400, 'questions[0]', 'each question is an object'))).toEqual({ '0.key': 'each question is an object' });
    expect(formErrors(err(400, 'questions', 'at most 50'))).toEqual({ questions: 'at most 50' });
    expect(formErrors(err(403, null, 'forbidden'))).toEqual({ _: 'forbidden' });
  });
});

describe('recording a contact', () => {
  it('sends a courtyard meeting with what a meeting takes', () => {
    const f = emptyForm('courtyard', '2026-11-20T19:00');
    Object.assign(f, { node_id: 4, leader_member_id: 12, attendance: ' 23 ', minutes: '修路', public: true,
      household_ids: [9], talk_situation: 'hardship', notes: '', requests: [{ ...emptyRequest(), text: ' 村道坑洼 ', category: 'roads' }] });
    expect(contactBody(f, [])).toEqual({ kind: 'courtyard', happened_at: '2026-11-20T19:00', node_id: 4, leader_member_id: 12,
      attendance: 23, minutes: '修路', public: true, requests: [{ text: '村道坑洼', category: 'roads' }] });
    f.leader = 'name';
    f.leader_name = '乡党委王书记';
    f.attendee_households = [7];
    f.attendance = 'many';
    const b = contactBody(f, []);
    expect(b.leader_name).toBe('乡党委王书记');
    expect(b.leader_member_id).toBeUndefined();
    expect(b.attendance).toBe('many');
    expect(b.attendees).toEqual({ member_ids: [], household_ids: [7] });
  });
  it('sends a talk with its situation and who it was with; a visit with its households', () => {
    const f = emptyForm('talk', '2026-11-20T10:00');
    Object.assign(f, { member_id: 12, attendee_members: [14], talk_situation: 'early_sign', attendance: '5', minutes: 'x', public: true });
    expect(contactBody(f, Q)).toEqual({ kind: 'talk', happened_at: '2026-11-20T10:00', member_id: 12,
      talk_situation: 'early_sign', attendees: { member_ids: [14], household_ids: [] } });
    const v = emptyForm('visit', '2026-11-20');
    Object.assign(v, { member_id: 12, household_ids: [1, 4], notes: '老人身体尚好', answers: { water: true }, attendee_members: [3] });
    expect(contactBody(v, Q)).toEqual({ kind: 'visit', happened_at: '2026-11-20', member_id: 12, household_ids: [1, 4],
      notes: '老人身体尚好', answers: { water: true } });
    expect(isMeeting('visit')).toBe(false);
    expect(isMeeting('tea_party')).toBe(true);
  });
  it('sends only what changed when a contact is edited; requests with a case stay as they are', () => {
    const c = {
      id: 5, kind: 'courtyard', happened_at: '2026-11-01T11:00:00Z', member_id: 12, member_name: 'x', node_id: 4,
      notes: null, talk_situation: null, answers: { water: true }, leader_member_id: 12, leader_name: null, attendance: 23,
      minutes: '修路', public: false, households: [], attendees: { member_ids: [], household_ids: [] },
      requests: [{ id: 1, text: '修路', category: 'roads', household_id: null, case_id: 9 }, { id: 2, text: '路灯', category: 'roads', household_id: null, case_id: null }],
    };
    const before = formOf(c);
    expect(before.happened_at).toBe('2026-11-01T19:00');
    expect(editBody(before, formOf(c), Q)).toEqual({});
    const f = formOf(c);
    f.notes = '补记';
    f.attendance = '30';
    f.public = true;
    f.answers.water = false;
    f.requests[0].text = 'changed but has a case';
    f.requests.push({ ...emptyRequest(), text: '饮水', category: 'water' });
    expect(editBody(before, f, Q)).toEqual({ notes: '补记', attendance: 30, public: true, answers: { water: false },
      requests: [{ text: '路灯', category: 'roads' }, { text: '饮水', category: 'water' }] });
    const g = formOf(c);
    g.leader = 'name';
    g.leader_name = '王书记';
    g.minutes = '';
    expect(editBody(before, g, Q)).toEqual({ leader_member_id: null, leader_name: '王书记', minutes: null });
    expect(sentRequestIndex(f.requests, 0)).toBe(1);
    expect(sentRequestIndex(f.requests, 1)).toBe(2);
  });
  it('places the server\'s field errors beside the field', () => {
    expect(contactErrors(err(400, 'happened_at', 'a contact cannot be more than a day ahead'))).toEqual({ happened_at: 'a contact cannot be more than a day ahead' });
    expect(contactErrors(err(400, 'answers.water', 'water must be answered'))).toEqual({ 'answers.water': 'water must be answered' });
    expect(contactErrors(err(400, 'requests[1].text', 'too long'))).toEqual({ 'requests.1': 'too long' });
    expect(contactErrors(err(400, 'attendees.member_ids', 'name who'))).toEqual({ attendees: 'name who' });
    expect(contactErrors(err(404, 'node_id', 'no such place'))).toEqual({ node_id: 'no such place' });
    expect(contactErrors(err(400, 'body', 'nothing to change'))).toEqual({ _: 'nothing to change' });
    expect(contactErrors(err(403, 'member_id', 'not yours'))).toEqual({ _: 'not yours' });
    expect(contactErrors(new Error('boom'))).toEqual({ _: 'boom' });
  });
  it('knows when the server wants a reason', () => {
    expect(reasonNeeded(err(400, 'reason', '这次联系已超过 7 天，请说明修改的原因'))).toEqual({ message: '这次联系已超过 7 天，请说明修改的原因' });
    expect(reasonNeeded(err(400, 'reason', '原因须为 2 到 500 字'))).toEqual({ message: '原因须为 2 到 500 字' });
    expect(reasonNeeded(err(404, 'reason', 'x'))).toBeNull();
    expect(reasonNeeded(err(400, 'notes', 'x'))).toBeNull();
    expect(reasonNeeded(null)).toBeNull();
  });
});

describe('due lists and compliance', () => {
  const due = {
    items: [
      { rule: 'member.talks', window_start: '2026-01-01', due: '2026-12-31', state: 'missed', made: 0, need: 10, days_overdue: 40, missed: 1 },
      { rule: 'elderly.call', household_id: 7, window_start: '2026-11-09', due: '2026-11-15', state: 'missed', made: 0, need: 1, days_overdue: 9, missed: 2 },
      { rule: 'elderly.call', household_id: 8, window_start: '2026-11-23', due: '2026-11-29', state: 'open', made: 0, need: 1, days_overdue: 0 },
    ],
    households: [{ household_id: 7, last_visit: '2026-10-01T02:00:00Z', days_since_visit: 54 },
      { household_id: 8, last_visit: null, days_since_visit: null }, { household_id: 9, last_visit: '2026-11-20T02:00:00Z', days_since_visit: 4 }],
  };
  it('keeps the server\'s order and names the households', () => {
    const rows = dueRows(due, { 7: '王大爷' });
    expect(rows.map((r) => [r.rule, r.household, r.overdue, r.missed])).toEqual([
      ['member.talks', '', 40, 1], ['elderly.call', '王大爷', 9, 2], ['elderly.call', '#8', 0, 0]]);
    expect(dueRows(null)).toEqual([]);
  });
  it('puts the households never visited first, then the longest since a visit', () => {
    expect(visitRows(due, { 9: '李' }).map((r) => [r.id, r.days])).toEqual([[8, null], [7, 54], [9, 4]]);
  });
  it('makes rows of tallies, worst first', () => {
    expect(tallyRow({ due: 4, made: 3, on_time: 2, late: 1, missed: 1, open: 2 })).toEqual({ due: 4, made: 3, onTime: 2, late: 1, missed: 1, open: 2, rate: 0.75 });
    expect(tallyRow(null).rate).toBeNull();
    const comp = { members: [
      { member_id: 1, due: 2, made: 2, on_time: 2, late: 0, missed: 0, open: 0 },
      { member_id: 2, due: 4, made: 1, on_time: 1, late: 0, missed: 3, open: 0 },
      { member_id: 3, due: 0, made: 0, on_time: 0, late: 0, missed: 0, open: 1 },
      { member_id: 4, due: 2, made: 1, on_time: 0, late: 1, missed: 1, open: 0 }],
    rules: [{ rule: 'a.b', due: 0, open: 0 }, { rule: 'c.d', due: 1, made: 1, on_time: 1, late: 0, missed: 0, open: 0 }] };
    expect(memberRows(comp, { 1: '甲', 2: '乙' }).map((r) => r.id)).toEqual([2, 4, 1, 3]);
    expect(ruleRows(comp).map((r) => r.rule)).toEqual(['c.d']);
    const behind = { members: [{ member_id: 1, made: 1, due: 0, open: 4, missed: 0, expected_by_now: 3 },
      { member_id: 2, made: 0, due: 1, open: 1, missed: 1, expected_by_now: 1 }, { member_id: 3, made: 0, due: 0, open: 4, missed: 0, expected_by_now: 1 }] };
    expect(behindMembers(behind, { 2: '乙' }).map((m) => [m.id, m.name, m.shortfall])).toEqual([[2, '乙', 1], [1, '#1', 2], [3, '#3', 1]]);
    expect(ruleKey('elderly.call')).toBe('rule.elderly_call');
  });
});
