// lib.js -- the casework screens' logic that is not layout (docs/api.md, cases): who may do
// what, photos sent as the request body, the text checks of the public board, reply templates,
// the queue's filters, the holiday calendar's days, notifications.
import { api } from '../../lib/api.js';

// Roles by permission (src/core/rbac.c): case.publish puts cases on the board and takes them
// down; policy.work edits reply templates and the holiday calendar; staff who handle cases
// (case.write, not a member: members handle theirs on the phone).
export const ROLES = {
  publish: ['county_admin', 'township_admin', 'village_secretary'],
  work: ['county_admin'],
  handle: ['county_admin', 'township_admin', 'village_secretary', 'group_leader'],
};
export function allowed(role, key) { return !!ROLES[key]?.includes(role); }

// The three administrators (三权分立) get no notifications: they handle no case.
export const getsNotified = (role) =>
  !!role && !['sysadmin', 'secadmin', 'auditadmin'].includes(role);

const DONE = ['resolved', 'rated', 'closed'];
export const isDone = (c) => !!c && DONE.includes(c.state);

// A case goes on the board once resolved, unless the resident was not satisfied.
export function mayPublish(role, c) {
  return allowed(role, 'publish') && isDone(c) && c.rating !== 'unsatisfied';
}

// ---- photos ----

export const photoUrl = (caseId, hash) => `/api/v1/cases/${caseId}/photos/${hash}`;

// POST the image itself as the body of /cases/{id}/photos (the server checks its type by its
// content, refuses above case.photo_max_bytes, strips location data). The answer is the case
// with its photos; a refusal is an ApiError with the server's sentence, asked for in the
// application's language like every other request (api.js baseHeaders). A 401 is passed on to
// the application's handler.
export function uploadPhoto(caseId, file, { fetchImpl = globalThis.fetch } = {}) {
  return api('POST', `/cases/${caseId}/photos`, undefined,
    { raw: { body: file, type: file?.type || 'application/octet-stream' }, fetchImpl });
}

// ---- the public board ----

// Whether the board would refuse `text` (store/casework.c board_text_leaks, mirrored): a run of
// five digits (spaces, dashes and an X of an ID number do not break it), or a digit followed by
// 号, 號, 室, 栋, 单元 or 單元 (a house number). The server stays the judge.
export function boardLeaks(text) {
  let run = 0;
  const s = String(text ?? '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const digit = ch >= '0' && ch <= '9';
    if (digit || ch === 'X' || ch === 'x') {
      if (digit) run++;
      if (run >= 5) return true;
      if (digit && /^(号|號|室|栋|单元|單元)/.test(s.slice(i + 1))) return true;
    } else if (ch !== ' ' && ch !== '-') {
      run = 0;
    }
  }
  return false;
}

// The text with what the board refuses blotted out: runs of five or more digits become ***,
// a house number's digits become *. What else identifies someone (a name) is for the person
// to take out; this only helps with the numbers.
export function redactNumbers(text) {
  return String(text ?? '')
    .replace(/[0-9](?:[0-9xX \-]*[0-9xX])?/g, (m) => ((m.match(/[0-9]/g) ?? []).length >= 5 ? '***' : m))
    .replace(/[0-9]+(?=号|號|室|栋|棟|单元|單元)/g, '*');
}

// The body of POST /cases/{id}/publish from the dialog: the texts as re-typed, trimmed, and the
// hashes of the photos chosen, in the case's own order.
export function publishBody(f, photos = []) {
  const chosen = new Set(f.photos ?? []);
  return {
    text: String(f.text ?? '').trim(),
    resolution: String(f.resolution ?? '').trim(),
    photos: photos.map((p) => p.hash).filter((h) => chosen.has(h)),
  };
}

// The public page of a board item's village for its month (202611 -> ?month=2026-11).
export function boardPage(item) {
  const m = Number(item?.month);
  const q = m ? `?month=${Math.floor(m / 100)}-${String(m % 100).padStart(2, '0')}` : '';
  return `/p/${item.node_id}${q}`;
}

// ---- reply templates ----

// The text with a template put in: the template alone when nothing is written yet, else
// after what is written, on a new line.
export function applyTemplate(current, template) {
  const cur = String(current ?? '').replace(/\s+$/, '');
  return cur ? `${cur}\n${template}` : String(template);
}

// ---- the case queue ----

export const QUEUES = ['all', 'mine', 'node', 'escalated', 'overdue', 'supervised', 'follow_up'];
export const QUEUE_FILTERS = ['node_id', 'state', 'category', 'channel', 'priority', 'min_age_days', 'max_age_days'];

// The filters of the page from the address bar's query (unknown or malformed values dropped).
export function queueFromQuery(query = {}) {
  const f = { queue: QUEUES.includes(query.queue) ? query.queue : 'all' };
  for (const k of QUEUE_FILTERS) {
    const v = query[k];
    if (v === undefined || v === null || v === '') continue;
    if (k === 'node_id' || k.endsWith('_days')) {
      const n = Number(v);
      if (Number.isInteger(n) && n > 0) f[k] = n;
    } else {
      f[k] = String(v);
    }
  }
  return f;
}

// The query of GET /cases (and of the address bar) from the filters: "mine" is the user's own,
// whatever the place; empty filters left out; the page's cursor as `cursor`.
export function queueQuery(f, cursor) {
  const q = { queue: f.queue || 'all' };
  for (const k of QUEUE_FILTERS) {
    if (k === 'node_id' && q.queue === 'mine') continue;
    const v = f[k];
    if (v !== undefined && v !== null && v !== '' && v !== 0) q[k] = v;
  }
  if (cursor) q.cursor = cursor;
  return q;
}

// ---- the holiday calendar ----

const pad = (n) => String(n).padStart(2, '0');
export const ymd = (y, m, d) => `${y}-${pad(m)}-${pad(d)}`;

// Monday 0 .. Sunday 6 of a date "YYYY-MM-DD" (the date itself, no time zone involved).
export function weekday(date) {
  const [y, m, d] = date.split('-').map(Number);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}
export const isWeekend = (date) => weekday(date) >= 5;

// The days of a month (1..12) as a grid's cells: `lead` blank cells before the first (a week
// starts on Monday), then each day's date.
export function monthDays(year, month) {
  const n = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const days = [];
  for (let d = 1; d <= n; d++) days.push(ymd(year, month, d));
  return { lead: weekday(days[0]), days };
}

// What the county's copy says of a day: 'off' (a public holiday), 'work' (a make-up working
// day), or '' (as the week has it).
export function dayKind(cal, date) {
  if (cal?.off?.includes(date)) return 'off';
  if (cal?.work?.includes(date)) return 'work';
  return '';
}

// Whether the clocks stop on that day: a holiday, or a weekend day not made up.
export function isRestDay(cal, date) {
  const k = dayKind(cal, date);
  return k === 'off' || (k === '' && isWeekend(date));
}

// A click on a day: as the week has it -> holiday -> make-up working day -> as the week has it.
// Returns a new {off, work}, each sorted.
const NEXT = { '': 'off', off: 'work', work: '' };
export function cycleDay(cal, date) {
  return setDay(cal, date, NEXT[dayKind(cal, date)]);
}
export function setDay(cal, date, kind) {
  const off = (cal?.off ?? []).filter((d) => d !== date);
  const work = (cal?.work ?? []).filter((d) => d !== date);
  if (kind === 'off') off.push(date);
  if (kind === 'work') work.push(date);
  return { off: off.sort(), work: work.sort() };
}

// Whether two copies of a year hold the same days.
export function sameDays(a, b) {
  const k = (c) => JSON.stringify([[...(c?.off ?? [])].sort(), [...(c?.work ?? [])].sort()]);
  return k(a) === k(b);
}

// ---- notifications ----

export const NOTE_KINDS = ['assigned', 'escalated', 'overdue', 'unsatisfied', 'reopened'];

// The count on the bell: nothing at 0, "99+" above 99.
export function badgeText(n) {
  const v = Number(n) || 0;
  if (v <= 0) return '';
  return v > 99 ? '99+' : String(v);
}

// Where a notification leads: its case, on the phone's page for a member.
export function noteLink(note, phone) {
  return phone ? `/m/cases/${note.case_id}` : `/cases/${note.case_id}`;
}

// The notifications after one was read: that one marked, the unread count one lower.
export function markedRead(state, id) {
  let unread = state.unread;
  const items = state.items.map((n) => {
    if (n.id !== id || n.read) return n;
    unread = Math.max(0, unread - 1);
    return { ...n, read: true };
  });
  return { items, unread };
}

// How long a board item took to resolve, for a sentence: hours under two days, else days
// (rounded up, as the resident counts them).
export function resolveTime(hours) {
  const h = Math.max(0, Number(hours) || 0);
  return h < 48 ? { unit: 'hours', n: h } : { unit: 'days', n: Math.ceil(h / 24) };
}

// ---- the follow-up sample ----

// The query of GET /cases that finds case `c` in the follow-up sample if it is there: the
// sample of the user's own place narrowed by the case's category, channel, household and a
// window of days around its opening (a day's slack either side for the clocks), so that one
// page holds it.
export function sampleQuery(c, now = Date.now()) {
  const age = Math.floor((now - Date.parse(c.opened_at)) / 86400000);
  const q = { queue: 'follow_up', category: c.category, channel: c.channel, limit: 200 };
  if (c.household_id) q.household_id = c.household_id;
  if (Number.isFinite(age)) {
    q.max_age_days = Math.max(age, 0) + 2;
    if (age - 1 >= 1) q.min_age_days = age - 1;
  }
  return q;
}
