// lib.test.js -- the casework screens' logic: photos sent as the body, the board's text check
// and redaction, templates, the queue's filters, the holiday calendar, notifications.
import { describe, it, expect } from 'vitest';
import {
  uploadPhoto, photoUrl, boardLeaks, redactNumbers, publishBody, boardPage, applyTemplate, queueFromQuery,
  queueQuery, QUEUES, weekday, isWeekend, monthDays, dayKind, isRestDay, cycleDay, setDay, sameDays, badgeText,
  noteLink, markedRead, mayPublish, allowed, getsNotified, resolveTime, sampleQuery,
} from '../../src/modules/casework/lib.js';
import { setCsrf, setLanguage, ApiError } from '../../src/lib/api.js';

function fakeFetch(status, body) {
  const calls = [];
  const fn = async (url, init) => { calls.push({ url, init }); return { ok: status < 400, status, text: async () => JSON.stringify(body) }; };
  return { fn, calls };
}

describe('uploadPhoto', () => {
  it('posts the image itself, typed, with the CSRF token, in the application\'s language; the answer is the case', async () => {
    setCsrf('tok');
    setLanguage('zh-TW');
    const f = fakeFetch(201, { id: 7, photos: [{ hash: 'ab' }] });
    const file = { name: 'a.png', type: 'image/png' };
    const c = await uploadPhoto(7, file, { fetchImpl: f.fn });
    expect(c.photos).toHaveLength(1);
    expect(f.calls[0].url).toBe('/api/v1/cases/7/photos');
    expect(f.calls[0].init.method).toBe('POST');
    expect(f.calls[0].init.body).toBe(file);
    expect(f.calls[0].init.headers['Content-Type']).toBe('image/png');
    expect(f.calls[0].init.headers['X-CSRF-Token']).toBe('tok');
    expect(f.calls[0].init.headers['Accept-Language']).toBe('zh-TW');
    setLanguage('zh-CN');
  });
  it('a refused image is an ApiError with the server\'s sentence', async () => {
    const f = fakeFetch(415, { error: { code: 'unsupported_media_type', message: '只能上传 JPEG 或 PNG 格式的照片', field: 'body' } });
    const err = await uploadPhoto(7, { name: 'x.jpg', type: '' }, { fetchImpl: f.fn }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(415);
    expect(err.message).toBe('只能上传 JPEG 或 PNG 格式的照片');
    expect(f.calls[0].init.headers['Content-Type']).toBe('application/octet-stream');
  });
  it('a network failure is an ApiError too', async () => {
    const err = await uploadPhoto(7, {}, { fetchImpl: async () => { throw new Error('down'); } }).catch((e) => e);
    expect(err.code).toBe('network');
  });
  it('reads a photo from its case', () => { expect(photoUrl(3, 'ff00')).toBe('/api/v1/cases/3/photos/ff00'); });
});

describe('boardLeaks', () => {
  it('finds what the server refuses: five digits in a run, a house number', () => {
    expect(boardLeaks('张三家13912345678自来水停了')).toBe(true);
    expect(boardLeaks('电话 139 1234 5678')).toBe(true);
    expect(boardLeaks('身份证 11010519491231002X')).toBe(true);
    expect(boardLeaks('1-2-3-4-5')).toBe(true);
    expect(boardLeaks('5号院自来水停了')).toBe(true);
    expect(boardLeaks('3單元')).toBe(true);
    expect(boardLeaks('12室')).toBe(true);
  });
  it('lets the rest through', () => {
    expect(boardLeaks('某户反映自来水停水三天')).toBe(false);
    expect(boardLeaks('2026年修好，用时3天')).toBe(false);
    expect(boardLeaks('1234 户')).toBe(false);
    expect(boardLeaks('12.345')).toBe(false);
    expect(boardLeaks('')).toBe(false);
    expect(boardLeaks(null)).toBe(false);
  });
});

describe('redactNumbers', () => {
  it('blots out phones, ID numbers and house numbers and leaves the rest', () => {
    expect(redactNumbers('张三家13912345678自来水停了')).toBe('张三家***自来水停了');
    expect(redactNumbers('打 139 1234 5678 找他')).toBe('打 *** 找他');
    expect(redactNumbers('证件 11010519491231002X。')).toBe('证件 ***。');
    expect(redactNumbers('5号院和12单元')).toBe('*号院和*单元');
    expect(redactNumbers('停水3天，2026年')).toBe('停水3天，2026年');
  });
  it('leaves nothing the board would refuse', () => {
    for (const s of ['张三13912345678', '5号院', '110105194912310021', '1 2 3 4 5 6', '3棟12室'])
      expect(boardLeaks(redactNumbers(s))).toBe(false);
  });
});

describe('publishing', () => {
  it('sends the texts trimmed and the chosen photos in the case\'s order', () => {
    const photos = [{ hash: 'a' }, { hash: 'b' }, { hash: 'c' }];
    expect(publishBody({ text: ' 某户停水 ', resolution: '已修好\n', photos: ['c', 'a', 'zz'] }, photos))
      .toEqual({ text: '某户停水', resolution: '已修好', photos: ['a', 'c'] });
    expect(publishBody({ text: 'x', resolution: 'y' })).toEqual({ text: 'x', resolution: 'y', photos: [] });
  });
  it('links an item to its village\'s public page for its month', () => {
    expect(boardPage({ node_id: 3, month: 202611 })).toBe('/p/3?month=2026-11');
    expect(boardPage({ node_id: 3, month: 202701 })).toBe('/p/3?month=2027-01');
    expect(boardPage({ node_id: 9 })).toBe('/p/9');
  });
  it('offers publishing to the board\'s roles for a resolved case the resident was not unhappy with', () => {
    expect(mayPublish('village_secretary', { state: 'resolved' })).toBe(true);
    expect(mayPublish('county_admin', { state: 'rated', rating: 'satisfied' })).toBe(true);
    expect(mayPublish('county_admin', { state: 'rated', rating: 'unsatisfied' })).toBe(false);
    expect(mayPublish('county_admin', { state: 'in_progress' })).toBe(false);
    expect(mayPublish('group_leader', { state: 'closed' })).toBe(false);
    expect(mayPublish('member', { state: 'closed' })).toBe(false);
    expect(mayPublish('county_admin', null)).toBe(false);
  });
  it('says how long it took', () => {
    expect(resolveTime(5)).toEqual({ unit: 'hours', n: 5 });
    expect(resolveTime(47)).toEqual({ unit: 'hours', n: 47 });
    expect(resolveTime(49)).toEqual({ unit: 'days', n: 3 });
    expect(resolveTime(null)).toEqual({ unit: 'hours', n: 0 });
  });
});

describe('roles', () => {
  it('follows the server\'s permission table', () => {
    expect(allowed('township_admin', 'publish')).toBe(true);
    expect(allowed('inspector', 'publish')).toBe(false);
    expect(allowed('county_admin', 'work')).toBe(true);
    expect(allowed('township_admin', 'work')).toBe(false);
    expect(allowed('member', 'handle')).toBe(false);
    expect(allowed('x', 'nothing')).toBe(false);
    expect(getsNotified('member')).toBe(true);
    expect(getsNotified('auditadmin')).toBe(false);
    expect(getsNotified(undefined)).toBe(false);
  });
});

describe('applyTemplate', () => {
  it('fills an empty reply, and adds below what is written', () => {
    expect(applyTemplate('', '您好，已转供水站。')).toBe('您好，已转供水站。');
    expect(applyTemplate('  \n', '模板')).toBe('模板');
    expect(applyTemplate('已上门查看。\n', '模板')).toBe('已上门查看。\n模板');
  });
});

describe('the queue\'s filters', () => {
  it('knows every queue of the API', () => {
    expect(QUEUES).toEqual(['all', 'mine', 'node', 'escalated', 'overdue', 'supervised', 'follow_up']);
  });
  it('reads the address bar, dropping what is not a filter', () => {
    expect(queueFromQuery({ queue: 'overdue', node_id: '5', channel: 'phone', min_age_days: '3', max_age_days: 'x', after: 'z' }))
      .toEqual({ queue: 'overdue', node_id: 5, channel: 'phone', min_age_days: 3 });
    expect(queueFromQuery({ queue: 'nope' })).toEqual({ queue: 'all' });
  });
  it('asks the server with the page\'s cursor, and "mine" without a place', () => {
    expect(queueQuery({ queue: 'node', node_id: 5, state: '', category: 'water', min_age_days: undefined, max_age_days: 7 }, '12.3'))
      .toEqual({ queue: 'node', node_id: 5, category: 'water', max_age_days: 7, cursor: '12.3' });
    expect(queueQuery({ queue: 'mine', node_id: 5, channel: 'visit' })).toEqual({ queue: 'mine', channel: 'visit' });
    expect(queueQuery({})).toEqual({ queue: 'all' });
  });
});

describe('the holiday calendar', () => {
  const cal = { off: ['2026-10-01', '2026-10-02'], work: ['2026-10-10'] };
  it('counts the week from Monday', () => {
    expect(weekday('2026-10-01')).toBe(3); // a Thursday
    expect(weekday('2026-10-05')).toBe(0);
    expect(isWeekend('2026-10-10')).toBe(true);
    expect(isWeekend('2026-10-09')).toBe(false);
  });
  it('lays a month out from its first weekday', () => {
    const m = monthDays(2026, 2);
    expect(m.lead).toBe(6); // 1 February 2026 is a Sunday
    expect(m.days).toHaveLength(28);
    expect(monthDays(2028, 2).days.at(-1)).toBe('2028-02-29');
    expect(monthDays(2027, 12).days[0]).toBe('2027-12-01');
  });
  it('says what a day is and whether the clocks rest', () => {
    expect(dayKind(cal, '2026-10-01')).toBe('off');
    expect(dayKind(cal, '2026-10-10')).toBe('work');
    expect(dayKind(cal, '2026-10-12')).toBe('');
    expect(isRestDay(cal, '2026-10-01')).toBe(true);
    expect(isRestDay(cal, '2026-10-10')).toBe(false); // a Saturday worked
    expect(isRestDay(cal, '2026-10-11')).toBe(true); // a Sunday
    expect(isRestDay(cal, '2026-10-12')).toBe(false);
  });
  it('turns a day into a holiday, a working day, and back, keeping the lists sorted', () => {
    const a = cycleDay(cal, '2026-09-30');
    expect(a).toEqual({ off: ['2026-09-30', '2026-10-01', '2026-10-02'], work: ['2026-10-10'] });
    const b = cycleDay(a, '2026-09-30');
    expect(b).toEqual({ off: ['2026-10-01', '2026-10-02'], work: ['2026-09-30', '2026-10-10'] });
    const c = cycleDay(b, '2026-09-30');
    expect(sameDays(c, cal)).toBe(true);
    expect(cal.off).toHaveLength(2); // the copy given is left alone
    expect(setDay({}, '2027-01-01', 'off')).toEqual({ off: ['2027-01-01'], work: [] });
  });
  it('compares two copies whatever their order', () => {
    expect(sameDays({ off: ['b', 'a'], work: [] }, { off: ['a', 'b'], work: [] })).toBe(true);
    expect(sameDays({ off: ['a'], work: [] }, { off: [], work: ['a'] })).toBe(false);
  });
});

describe('notifications', () => {
  it('shows the count on the bell', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(3)).toBe('3');
    expect(badgeText(100)).toBe('99+');
    expect(badgeText(undefined)).toBe('');
  });
  it('leads to the case, on the phone for a member', () => {
    expect(noteLink({ case_id: 4 }, false)).toBe('/cases/4');
    expect(noteLink({ case_id: 4 }, true)).toBe('/m/cases/4');
  });
  it('marks one read and lowers the count once', () => {
    const s = { unread: 2, items: [{ id: 1, read: false }, { id: 2, read: false }, { id: 3, read: true }] };
    const a = markedRead(s, 2);
    expect(a.unread).toBe(1);
    expect(a.items.map((n) => n.read)).toEqual([false, true, true]);
    expect(markedRead(a, 2).unread).toBe(1);
    expect(markedRead(a, 3).unread).toBe(1);
    expect(s.items[1].read).toBe(false);
  });
});

describe('sampleQuery', () => {
  const day = 86400000;
  const now = Date.parse('2026-11-20T12:00:00Z');
  it('narrows the follow-up sample to the case\'s category, channel, household and days', () => {
    expect(sampleQuery({ category: 'water', channel: 'phone', household_id: 4, opened_at: new Date(now - 10.5 * day).toISOString() }, now))
      .toEqual({ queue: 'follow_up', category: 'water', channel: 'phone', household_id: 4, min_age_days: 9, max_age_days: 12, limit: 200 });
  });
  it('asks no lower bound for a case opened in the last two days, and no household when there is none', () => {
    expect(sampleQuery({ category: 'roads', channel: 'visit', household_id: null, opened_at: new Date(now - 3600000).toISOString() }, now))
      .toEqual({ queue: 'follow_up', category: 'roads', channel: 'visit', max_age_days: 2, limit: 200 });
    expect(sampleQuery({ category: 'roads', channel: 'visit', opened_at: new Date(now - 1.5 * day).toISOString() }, now).min_age_days).toBeUndefined();
  });
});
