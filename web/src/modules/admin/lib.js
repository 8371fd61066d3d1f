// lib.js -- the admin screens' logic that is not layout: sending a ledger file, the dry-run
// report as table rows, a pairing run's figures and changes, policy values and refusals.
import { api } from '../../lib/api.js';

export const LEDGERS = ['households', 'members'];
export const IMPORT_MODES = ['dry_run', 'commit', 'good_rows'];
// The problem codes of an import report (docs/api.md, Import), each with a sentence in the locales.
export const ISSUE_CODES = ['required', 'invalid', 'duplicate_in_file', 'duplicate_in_db', 'unknown_place',
  'unknown_unit', 'inconsistent_household', 'head'];

// POST the ledger file itself as the body of /import/{kind}?mode=. The answer is the report;
// a refusal is an ApiError (a commit with bad rows: status 422, the report in err.body.report).
// A 401 is passed on to the application's handler.
export async function uploadLedger(kind, mode, file, { fetchImpl = globalThis.fetch } = {}) {
  if (!LEDGERS.includes(kind)) throw new Error(`unknown ledger ${kind}`);
  if (!IMPORT_MODES.includes(mode)) throw new Error(`unknown mode ${mode}`);
  return api('POST', `/import/${kind}`, undefined, { query: { mode }, raw: { body: file, type: contentType(file) }, fetchImpl });
}

// The type the server is told: XLSX by its name, CSV otherwise (the server sniffs the bytes).
export function contentType(file) {
  const name = (file?.name ?? '').toLowerCase();
  if (name.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return 'text/csv';
}

// The report's issues as the rows of the bad-rows table: by line, then column, each with
// the sentence for its code in the user's language (the server's own words for an unknown
// code) and the server's detail kept beside it. `value` is already masked by the server.
export function issueRows(t, issues = []) {
  return [...issues]
    .sort((a, b) => (a.line - b.line) || String(a.column).localeCompare(String(b.column)))
    .map((i, n) => ({
      key: `${i.line}:${i.column}:${n}`,
      line: i.line,
      column: i.column || '—',
      value: i.value ?? '',
      code: i.code,
      reason: ISSUE_CODES.includes(i.code) ? t(`admin.import.code.${i.code}`) : (i.message || i.code),
      detail: i.message ?? '',
    }));
}

// What the report says at the top: rows read, good and bad, how many problems, what was
// written; `issues_total` can exceed the issues listed (the server lists a bounded number).
export function reportSummary(report) {
  if (!report) return null;
  const shown = report.issues?.length ?? 0;
  return {
    rows: report.rows ?? 0,
    good: report.good_rows ?? 0,
    bad: report.bad_rows ?? 0,
    issues: report.issues_total ?? shown,
    truncated: (report.issues_total ?? shown) > shown,
    created: report.created ?? 0,
    createdResidents: report.created_residents ?? 0,
    skipped: report.skipped_rows ?? 0,
    written: report.mode !== 'dry_run' && (report.created ?? 0) > 0,
  };
}

// Which buttons the report allows: commit only a clean file, "good rows only" only when
// some are good and some are bad.
export function importChoices(report) {
  if (!report || report.mode !== 'dry_run') return { commit: false, goodRows: false };
  const bad = report.bad_rows ?? 0; const good = report.good_rows ?? 0;
  return { commit: bad === 0 && good > 0, goodRows: bad > 0 && good > 0 };
}

// A pairing run: its changes' kinds, and the figures shown, in this order.
export const CHANGE_KINDS = ['added', 'moved', 'dropped', 'uncovered'];
export const FIGURES = ['households', 'covered', 'added', 'moved', 'kept', 'dropped', 'uncovered',
  'hardest', 'hardest_with_leader', 'outside_own_group', 'objective'];

// The figures of a run that it has, as [{key, value}], coverage as a share of households.
export function runFigures(stats = {}) {
  return FIGURES.filter((k) => typeof stats[k] === 'number').map((k) => ({ key: k, value: stats[k] }));
}

export function coverageShare(stats = {}) {
  if (!stats.households) return null;
  return Math.round((1000 * (stats.covered ?? 0)) / stats.households) / 10;
}

// One change of a run as a table row: the household, who had it, who will have it.
// `from`/`to` are {member_id, name} or null ('' then; the view says "nobody").
export function changeRow(c) {
  return {
    key: `${c.change}:${c.household_id}`,
    household: c.head_name ?? String(c.household_id),
    householdId: c.household_id,
    change: c.change,
    from: c.from?.name ?? '',
    to: c.to?.name ?? '',
  };
}

// How many changes of each kind the run's figures announce (the tabs' counts).
export function changeCounts(stats = {}) {
  return Object.fromEntries(CHANGE_KINDS.map((k) => [k, stats[k] ?? 0]));
}

// Policies. Who may change which: security ones by the security admin, work ones by the
// county admin (PUT /policies/{key} refuses the others with 403).
export function canEditPolicy(role, p) {
  return (p.domain === 'security' && role === 'secadmin') || (p.domain === 'work' && role === 'county_admin');
}

// The value sent for what was typed: a whole number for integer policies when it is one
// (else the text as typed, for the server to refuse), the text itself for text policies.
export function policyValue(p, typed) {
  const s = String(typed ?? '').trim();
  if (p.type === 'integer' && /^-?\d+$/.test(s)) return Number(s);
  return p.type === 'integer' ? s : String(typed ?? '');
}

// The range or length a policy takes, for the hint beside its field.
export function policyRange(t, p) {
  if (p.type === 'integer') return t('admin.policies.range', { min: p.min, max: p.max });
  return t('admin.policies.length', { max: p.max_length });
}

// Why the server refused a value, in the user's language when it is the range or type
// of a number (the server's words otherwise: a rule's syntax, a limit's format ...).
export function policyRefusal(t, p, err) {
  if (err?.status === 403) return t('admin.policies.notYours');
  if (p.type === 'integer' && err?.field === 'value') return t('admin.policies.badNumber', { min: p.min, max: p.max });
  return err?.message || t('common.error');
}

// Policies grouped by domain, then by the key's first part ("contact_rule", "case" ...).
export function policyGroups(items = []) {
  const out = new Map();
  for (const p of items) {
    const g = `${p.domain}:${p.key.split('.')[0]}`;
    if (!out.has(g)) out.set(g, { key: g, domain: p.domain, prefix: p.key.split('.')[0], items: [] });
    out.get(g).items.push(p);
  }
  return [...out.values()];
}

// Accounts: the roles an administrator may create from the browser (the admin triad is
// made on the server's command line), and what each needs besides the place.
export const CREATABLE_ROLES = ['county_admin', 'township_admin', 'village_secretary', 'group_leader',
  'member', 'inspector', 'resident'];
export function roleNeeds(role) {
  return { member: role === 'member', household: role === 'resident' };
}

// The body of POST /users from the form: only what the role takes, ids as numbers.
export function userBody(form) {
  const body = { username: form.username.trim(), role: form.role, node_id: Number(form.node_id) || 0 };
  if (form.display_name?.trim()) body.display_name = form.display_name.trim();
  const needs = roleNeeds(form.role);
  if (needs.member) body.member_id = Number(form.member_id) || 0;
  if (needs.household) body.household_id = Number(form.household_id) || 0;
  return body;
}

// The audit log's detail as one line for the table (JSON objects flattened "k=v; ...").
export function auditDetail(detail) {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${v !== null && typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join('; ');
}

// A county-local time for a UTC ISO string, "2026-11-23 17:32" (Asia/Shanghai, UTC+8 all year).
export function localTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso ?? '';
  const l = new Date(d.getTime() + 8 * 3600 * 1000);
  return l.toISOString().slice(0, 16).replace('T', ' ');
}

// The coverage report (GET /coverage): the place first, then each place under it. The
// columns, in this order; `warn` marks a figure that should be zero (someone left out).
export const COVERAGE_COLUMNS = ['households', 'households_without_liaison', 'households_in_difficulty',
  'in_difficulty_without_assistance', 'hardest', 'hardest_without_leader', 'members',
  'members_without_households', 'members_over_liaison_quota', 'cadres_over_assistance_quota'];
const SHOULD_BE_ZERO = ['households_without_liaison', 'in_difficulty_without_assistance',
  'hardest_without_leader', 'members_over_liaison_quota', 'cadres_over_assistance_quota'];

export function coverageRows(report) {
  if (!report?.node) return [];
  const row = (n, self) => ({
    ...n, self,
    warn: Object.fromEntries(SHOULD_BE_ZERO.map((k) => [k, (n[k] ?? 0) > 0])),
  });
  return [row(report.node, true), ...(report.children ?? []).map((n) => row(n, false))];
}
