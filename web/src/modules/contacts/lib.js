// lib.js -- the contacts screens' logic that is not layout (docs/api.md, Contacts, the visit
// form, due lists and compliance): who may use which screen, the bodies sent when recording
// and editing a contact, the server's field errors placed beside the right field, the visit
// form's questions and answers, pages of the list with a filter the server does not have,
// and the rows of the due list and compliance tables. No Vue, no requests of its own: what
// is here is tested in web/tests/contacts/.

// Roles (src/core/rbac.c): contact.read, contact.write, case.write and policy.work, as far
// as desktop staff are concerned (members use the phone screens).
export const ROLES = {
  read: ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector'],
  write: ['county_admin', 'township_admin', 'village_secretary', 'group_leader'],
  cases: ['county_admin', 'township_admin', 'village_secretary', 'group_leader'],
  form: ['county_admin'],
  export: ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector'], // export
};
export function allowed(role, key) { return !!ROLES[key]?.includes(role); }

// The kinds of contact (vocab contact_kind) and what each takes.
export const MEETING_KINDS = ['courtyard', 'symposium', 'tea_party', 'dialogue', 'survey'];
export const HOUSEHOLD_KINDS = ['visit', 'call', 'reception', 'online'];
export const KINDS = ['visit', 'call', 'talk', 'reception', 'online', ...MEETING_KINDS];
export const TALK_SITUATIONS = ['outstanding', 'mistake', 'hardship', 'conflict', 'early_sign'];
export const isMeeting = (kind) => MEETING_KINDS.includes(kind);
export const QUESTION_TYPES = ['text', 'choice', 'number', 'yes_no'];

const ZONE_MS = 8 * 3600 * 1000; // Asia/Shanghai, UTC+8 all year

// "YYYY-MM-DDTHH:mm" in county time of a UTC ISO string (for a datetime-local input).
export function localInput(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() + ZONE_MS).toISOString().slice(0, 16);
}

// "YYYY-MM-DDTHH:mm" of now in county time.
export function nowInput(now = new Date()) { return localInput(now.toISOString()); }

// A county date "YYYY-MM-DD" moved by n days.
export function addDays(ymd, n) {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

// The report periods a user picks from, as {from, to} (inclusive county dates) for `today`.
export const PERIODS = ['month', 'lastMonth', 'quarter', 'year', 'lastYear'];
export function periodRange(period, today) {
  const [y, m] = today.split('-').map(Number);
  const last = (yy, mm) => new Date(Date.UTC(yy, mm, 0)).toISOString().slice(0, 10); // mm 1-based
  const first = (yy, mm) => `${yy}-${String(mm).padStart(2, '0')}-01`;
  switch (period) {
    case 'lastMonth': { const py = m === 1 ? y - 1 : y; const pm = m === 1 ? 12 : m - 1; return { from: first(py, pm), to: last(py, pm) }; }
    case 'quarter': { const q0 = Math.floor((m - 1) / 3) * 3 + 1; return { from: first(y, q0), to: last(y, q0 + 2) }; }
    case 'year': return { from: `${y}-01-01`, to: `${y}-12-31` };
    case 'lastYear': return { from: `${y - 1}-01-01`, to: `${y - 1}-12-31` };
    default: return { from: first(y, m), to: last(y, m) };
  }
}

// ---- the visit form (进门一张表) ----

// The value sent for what was typed into question q: a number for a number question (the
// text as typed when it is not one, for the server to refuse), true/false for yes/no, the
// text or option otherwise; undefined when nothing was given.
export function answerValue(q, v) {
  if (v === undefined || v === null || v === '') return undefined;
  if (q.type === 'number') {
    const s = String(v).trim();
    if (s === '') return undefined;
    return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
  }
  if (q.type === 'yes_no') return v === true || v === 'yes' ? true : v === false || v === 'no' ? false : v;
  if (q.type === 'text') return String(v).trim() === '' ? undefined : String(v);
  return v;
}

// The answers object of a contact: only the questions of `questions` given an answer.
export function answersBody(questions, answers = {}) {
  const out = {};
  for (const q of questions ?? []) {
    const v = answerValue(q, answers[q.key]);
    if (v !== undefined) out[q.key] = v;
  }
  return out;
}

// An answer as the user reads it (yes/no in words, through `t`).
export function answerText(t, q, v) {
  if (v === undefined || v === null || v === '') return '—';
  if (q?.type === 'yes_no' || typeof v === 'boolean') return v ? t('contacts.yes') : t('contacts.no');
  return String(v);
}

// The visit form's answers as rows: each question of the contact's version with its answer,
// then any answer whose question that version does not have (it should not happen).
export function answerRows(t, form, answers = {}) {
  const qs = form?.questions ?? [];
  const rows = qs.map((q) => ({ key: q.key, label: q.label, type: q.type, value: answerText(t, q, answers[q.key]) }));
  for (const [k, v] of Object.entries(answers ?? {})) {
    if (!qs.some((q) => q.key === k)) rows.push({ key: k, label: k, type: '', value: answerText(t, null, v) });
  }
  return rows;
}

// A key for a new question that the form does not use yet: q1, q2, ...
export function newKey(questions) {
  const used = new Set(questions.map((q) => q.key));
  for (let i = questions.length + 1; ; i++) if (!used.has(`q${i}`)) return `q${i}`;
}

// The editor's row of a question of the API ({key, label, type, options, required}), the
// options as one per line.
export function editorRow(q) {
  return { key: q.key, label: q.label, type: q.type, options: (q.options ?? []).join('\n'), required: !!q.required };
}

// The body of PUT /visit-form from the editor's rows.
export function formBody(rows) {
  return {
    questions: rows.map((r) => {
      const q = { key: r.key.trim(), label: r.label.trim(), type: r.type, required: !!r.required };
      if (r.type === 'choice') q.options = r.options.split('\n').map((s) => s.trim()).filter(Boolean);
      return q;
    }),
  };
}

// A copy of `list` with item i moved by delta (−1 up, +1 down); the list itself when it
// cannot move.
export function moveItem(list, i, delta) {
  const j = i + delta;
  if (i < 0 || i >= list.length || j < 0 || j >= list.length) return list;
  const out = list.slice();
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

// The server's refusal of a form ("questions[2].label") as {"2.label": message}, or
// {questions: message} for the whole list, {_: message} otherwise.
export function formErrors(err) {
  const f = err?.field ?? '';
  const m = /^questions\[(\d+)\](?:\.(\w+))?$/.exec(f);
  if (m) return { [`${m[1]}.${m[2] ?? 'key'}`]: err.message };
  if (f === 'questions') return { questions: err.message };
  return { _: err?.message ?? String(err) };
}

// ---- recording and editing a contact ----

// The record form's fields. `kind` decides which of them are sent.
export function emptyForm(kind = 'courtyard', today = nowInput()) {
  return {
    kind, happened_at: today, member_id: null, household_ids: [], notes: '', talk_situation: '',
    node_id: null, leader: 'member', leader_member_id: null, leader_name: '', attendance: '',
    attendee_members: [], attendee_households: [], minutes: '', public: false,
    answers: {}, requests: [],
  };
}

// A request raised, as the form keeps it.
export const emptyRequest = () => ({ id: null, text: '', category: '', household_id: null, case_id: null });

function requestsBody(list) {
  return list.filter((r) => !r.case_id)
    .map((r) => {
      const o = { text: r.text.trim(), category: r.category };
      if (r.household_id) o.household_id = r.household_id;
      return o;
    });
}

function attendance(v) {
  const s = String(v ?? '').trim();
  if (s === '') return null;
  return /^\d+$/.test(s) ? Number(s) : s;
}

// The body of POST /contacts from the form: only what the kind takes (the server refuses
// the rest), empty fields left out, the answers only when the county has a form.
export function contactBody(f, questions = []) {
  const body = { kind: f.kind, happened_at: f.happened_at };
  if (f.member_id) body.member_id = f.member_id;
  if (f.notes?.trim()) body.notes = f.notes;
  if (isMeeting(f.kind)) {
    if (f.node_id) body.node_id = f.node_id;
    if (f.leader === 'name') { if (f.leader_name?.trim()) body.leader_name = f.leader_name.trim(); }
    else if (f.leader_member_id) body.leader_member_id = f.leader_member_id;
    const a = attendance(f.attendance);
    if (a !== null) body.attendance = a;
    if (f.attendee_members.length || f.attendee_households.length) {
      body.attendees = { member_ids: f.attendee_members, household_ids: f.attendee_households };
    }
    if (f.minutes?.trim()) body.minutes = f.minutes;
    body.public = !!f.public;
  } else {
    if (f.household_ids.length) body.household_ids = f.household_ids;
    if (f.kind === 'talk') {
      if (f.talk_situation) body.talk_situation = f.talk_situation;
      if (f.attendee_members.length) body.attendees = { member_ids: f.attendee_members, household_ids: [] };
    }
  }
  const answers = answersBody(questions, f.answers);
  if (questions.length && Object.keys(answers).length) body.answers = answers;
  const reqs = requestsBody(f.requests);
  if (reqs.length) body.requests = reqs;
  return body;
}

// The form of an existing contact (GET /contacts/{id}), for editing.
export function formOf(c) {
  const f = emptyForm(c.kind, localInput(c.happened_at));
  Object.assign(f, {
    member_id: c.member_id, household_ids: (c.households ?? []).map((h) => h.household_id),
    notes: c.notes ?? '', talk_situation: c.talk_situation ?? '', node_id: c.node_id,
    leader: c.leader_name && !c.leader_member_id ? 'name' : 'member',
    leader_member_id: c.leader_member_id ?? null, leader_name: c.leader_name ?? '',
    attendance: c.attendance ?? '', attendee_members: [...(c.attendees?.member_ids ?? [])],
    attendee_households: [...(c.attendees?.household_ids ?? [])], minutes: c.minutes ?? '',
    public: !!c.public, answers: { ...(c.answers ?? {}) },
    requests: (c.requests ?? []).map((r) => ({ id: r.id, text: r.text, category: r.category, household_id: r.household_id ?? null, case_id: r.case_id ?? null })),
  });
  return f;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The body of PATCH /contacts/{id}: only what changed between the contact's form (`before`)
// and the edited one (kind, member, households and place cannot change). Empty when nothing did.
export function editBody(before, f, questions = []) {
  const body = {};
  if (f.happened_at !== before.happened_at) body.happened_at = f.happened_at;
  if ((f.notes ?? '') !== (before.notes ?? '')) body.notes = f.notes.trim() ? f.notes : null;
  if (f.kind === 'talk' && f.talk_situation !== before.talk_situation) body.talk_situation = f.talk_situation || null;
  if (isMeeting(f.kind)) {
    const leader = (x) => (x.leader === 'name' ? { leader_member_id: null, leader_name: x.leader_name.trim() || null }
      : { leader_member_id: x.leader_member_id || null, leader_name: null });
    if (!same(leader(f), leader(before))) Object.assign(body, leader(f));
    if (String(f.attendance ?? '') !== String(before.attendance ?? '')) body.attendance = attendance(f.attendance);
    if ((f.minutes ?? '') !== (before.minutes ?? '')) body.minutes = f.minutes.trim() ? f.minutes : null;
    if (!!f.public !== !!before.public) body.public = !!f.public;
  }
  if ((isMeeting(f.kind) || f.kind === 'talk') &&
      (!same(f.attendee_members, before.attendee_members) || !same(f.attendee_households, before.attendee_households))) {
    body.attendees = { member_ids: f.attendee_members, household_ids: isMeeting(f.kind) ? f.attendee_households : [] };
  }
  const a0 = answersBody(questions, before.answers); const a1 = answersBody(questions, f.answers);
  if (!same(a0, a1)) body.answers = a1;
  if (!same(requestsBody(before.requests), requestsBody(f.requests))) body.requests = requestsBody(f.requests);
  return body;
}

// The server's refusal of a contact as {field: message} for the form: a form field by its
// name ("happened_at"), an answer by "answers.<key>", a request by "requests.<i>", a list of
// people by its list ("attendees.member_ids" → "attendees"); "_" for the form as a whole.
const FORM_FIELDS = ['kind', 'happened_at', 'member_id', 'household_ids', 'notes', 'talk_situation', 'node_id',
  'leader_member_id', 'leader_name', 'attendance', 'attendees', 'minutes', 'public', 'answers', 'requests', 'reason'];
export function contactErrors(err) {
  const f = err?.field ?? '';
  const msg = err?.message ?? String(err);
  if (!f || (err?.status && ![400, 404].includes(err.status))) return { _: msg };
  let m = /^answers\.(.+)$/.exec(f);
  if (m) return { [`answers.${m[1]}`]: msg };
  m = /^requests\[(\d+)\]/.exec(f);
  if (m) return { [`requests.${m[1]}`]: msg };
  const top = f.split('.')[0];
  return FORM_FIELDS.includes(top) ? { [top]: msg } : { _: msg };
}

// Whether the server asks for a reason to change a contact (it happened more than
// contact.edit_grace_days ago, or the reason given was refused): {message}, the server's
// sentence in the user's language, or null.
export function reasonNeeded(err) {
  if (err?.status !== 400 || err?.field !== 'reason') return null;
  return { message: err.message ?? '' };
}

// The index in the form's request list of the n-th request sent (requests with a case are
// not sent), so that "requests[n]" lands beside the right row.
export function sentRequestIndex(list, n) {
  let k = -1;
  for (let i = 0; i < list.length; i++) if (!list[i].case_id && ++k === n) return i;
  return n;
}

// ---- due lists and compliance ----

// The rows of a member's due list (GET /members/{id}/due), in the server's order (most
// overdue first, then the soonest due), with the household's name from `names` (id → name).
export function dueRows(due, names = {}) {
  return (due?.items ?? []).map((it, i) => ({
    key: `${it.rule}:${it.household_id ?? it.node_id ?? ''}:${it.due}:${i}`,
    rule: it.rule,
    householdId: it.household_id ?? null,
    household: it.household_id ? names[it.household_id] ?? `#${it.household_id}` : '',
    nodeId: it.node_id ?? null,
    due: it.due,
    windowStart: it.window_start,
    state: it.state,
    overdue: it.days_overdue ?? 0,
    missed: it.missed ?? 0,
    made: it.made, need: it.need,
    festival: it.festival ?? null,
  }));
}

// The member's households by days since the last visit: never visited first, then the
// longest since; ties by id.
export function visitRows(due, names = {}) {
  const rows = (due?.households ?? []).map((h) => ({
    id: h.household_id, name: names[h.household_id] ?? `#${h.household_id}`,
    lastVisit: h.last_visit, days: h.days_since_visit,
  }));
  const rank = (r) => (r.days === null || r.days === undefined ? Infinity : r.days);
  return rows.sort((a, b) => rank(b) - rank(a) || a.id - b.id);
}

// A tally of compliance ({due, made, on_time, late, missed, open}) with its rate made/due.
export function tallyRow(t, extra = {}) {
  const x = t ?? {};
  return {
    due: x.due ?? 0, made: x.made ?? 0, onTime: x.on_time ?? 0, late: x.late ?? 0, missed: x.missed ?? 0,
    open: x.open ?? 0, rate: x.due > 0 ? x.made / x.due : null, ...extra,
  };
}

// The members of a compliance answer as rows, with names (id → name), most missed first,
// then the lowest rate, then by name.
export function memberRows(compliance, names = {}) {
  return (compliance?.members ?? [])
    .map((m) => tallyRow(m, { id: m.member_id, name: names[m.member_id] ?? `#${m.member_id}` }))
    .sort((a, b) => b.missed - a.missed || (a.rate ?? 2) - (b.rate ?? 2) || a.name.localeCompare(b.name) || a.id - b.id);
}

// Per rule, leaving out the rules that had nothing due or open in the period.
export function ruleRows(compliance) {
  return (compliance?.rules ?? []).filter((r) => r.due + r.open > 0).map((r) => tallyRow(r, { rule: r.rule }));
}

// The falling-behind members (GET /nodes/{id}/behind) with names, worst first: most missed,
// then the largest shortfall against what the part of the month gone expects.
export function behindMembers(behind, names = {}) {
  return (behind?.members ?? []).map((m) => ({
    id: m.member_id, name: names[m.member_id] ?? `#${m.member_id}`, made: m.made, due: m.due, open: m.open,
    missed: m.missed, expected: m.expected_by_now, shortfall: Math.max(0, (m.expected_by_now ?? 0) - (m.made ?? 0)),
  })).sort((a, b) => b.missed - a.missed || b.shortfall - a.shortfall || a.id - b.id);
}

// The rule's message key: "elderly.call" → "rule.elderly_call" (the application's strings).
export const ruleKey = (code) => `rule.${String(code).replace('.', '_')}`;
