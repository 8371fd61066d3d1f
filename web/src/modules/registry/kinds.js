// kinds.js -- the six registries as the browser sees them (docs/api.md, "Registries and
// their fields"; src/store/record.c declares them on the server): each kind's fields, its
// filters and columns, who may read, write, export and unmask it (src/core/rbac.c), and the
// form <-> body conversions. No Vue here, so that Vitest can check it.

// The permission table of src/core/rbac.c, for the registries only. The three administrators
// (三权分立) see no registries in the browser (sysadmin's tree.read serves account scopes).
export const PERMS = {
  'tree.read': ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member', 'inspector'],
  'tree.write': ['county_admin', 'township_admin', 'village_secretary'],
  'registry.read': ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'member', 'inspector', 'resident'],
  'registry.write': ['county_admin', 'township_admin', 'village_secretary', 'group_leader'],
  export: ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector'],
  unmask: ['county_admin', 'township_admin', 'village_secretary'],
};

export function allows(role, perm) { return !!PERMS[perm]?.includes(role); }

// Field types: text, int, date, enum (one code of `vocab`), set (codes of `vocab`), ref (id of
// a record of `ref`), and the personal ones, always masked by the server: phone, idno, address.
export const PERSONAL = new Set(['phone', 'idno', 'address']);

const NODE = { name: 'node_id', type: 'ref', ref: 'nodes', required: true, place: true };

export const KINDS = {
  nodes: {
    read: 'tree.read', write: 'tree.write', title: 'name', unmask: false,
    fields: [
      { name: 'parent_id', type: 'ref', ref: 'nodes', immutable: true, place: true },
      { name: 'level', type: 'int', readonly: true },
      { name: 'kind', type: 'enum', vocab: 'node_kind', required: true },
      { name: 'name', type: 'text', required: true, max: 64 },
      { name: 'code', type: 'text', max: 32 },
      { name: 'contact_name', type: 'text', max: 32 },
      { name: 'contact_phone', type: 'phone' },
    ],
    filters: ['kind'],
    columns: ['name', 'kind', 'parent_id', 'code', 'contact_name', 'contact_phone'],
  },
  units: {
    read: 'tree.read', write: 'tree.write', title: 'name', unmask: false,
    fields: [NODE, { name: 'name', type: 'text', required: true, max: 64 }, { name: 'kind', type: 'enum', vocab: 'unit_kind', required: true }],
    filters: ['kind'],
    columns: ['name', 'kind', 'node_id'],
  },
  orgs: {
    read: 'tree.read', write: 'tree.write', title: 'name', unmask: false,
    fields: [
      NODE,
      { name: 'parent_org_id', type: 'ref', ref: 'orgs' },
      { name: 'kind', type: 'enum', vocab: 'org_kind', required: true },
      { name: 'basis', type: 'enum', vocab: 'org_basis' },
      { name: 'name', type: 'text', required: true, max: 64 },
      { name: 'leader_member_id', type: 'ref', ref: 'members' },
    ],
    filters: ['kind'],
    columns: ['name', 'kind', 'basis', 'node_id', 'leader_member_id'],
  },
  members: {
    read: 'registry.read', write: 'registry.write', title: 'name', unmask: true,
    fields: [
      NODE,
      { name: 'unit_id', type: 'ref', ref: 'units' },
      { name: 'org_id', type: 'ref', ref: 'orgs' },
      { name: 'name', type: 'text', required: true, max: 32 },
      { name: 'gender', type: 'enum', vocab: 'gender', required: true },
      { name: 'phone', type: 'phone' },
      { name: 'rank', type: 'enum', vocab: 'rank', required: true },
      { name: 'category', type: 'enum', vocab: 'category', required: true },
      { name: 'skills', type: 'set', vocab: 'skill' },
      { name: 'liaison_quota', type: 'int' },
      { name: 'assist_quota', type: 'int' },
    ],
    filters: ['rank', 'category', 'skills'],
    columns: ['name', 'gender', 'node_id', 'phone', 'rank', 'category', 'skills'],
  },
  households: {
    read: 'registry.read', write: 'registry.write', title: 'head_name', unmask: true,
    fields: [
      NODE,
      { name: 'address', type: 'address' },
      { name: 'head_name', type: 'text', required: true, max: 32 },
      { name: 'difficulty', type: 'enum', vocab: 'difficulty', default: 'none' },
      { name: 'tags', type: 'set', vocab: 'tag' },
      { name: 'needs', type: 'set', vocab: 'skill' },
    ],
    filters: ['tags', 'difficulty', 'needs'],
    // The order of the first five is what tests/e2e/web.test.mjs reads (difficulty 4th).
    columns: ['head_name', 'node_id', 'address', 'difficulty', 'tags'],
  },
  residents: {
    read: 'registry.read', write: 'registry.write', title: 'name', unmask: true,
    fields: [
      { name: 'household_id', type: 'ref', ref: 'households', required: true, immutable: true },
      { name: 'name', type: 'text', required: true, max: 32 },
      { name: 'gender', type: 'enum', vocab: 'gender', required: true },
      { name: 'birth_date', type: 'date' },
      { name: 'idno', type: 'idno' },
      { name: 'phone', type: 'phone' },
      { name: 'relation', type: 'enum', vocab: 'relation', required: true },
    ],
    filters: ['relation', 'gender'],
    columns: ['name', 'household_id', 'relation', 'gender', 'birth_date', 'idno', 'phone'],
  },
};

// The two screens and the kinds each shows as tabs: people (households and their residents)
// and organisation (members, party organisations, units, the places of the tree).
export const GROUPS = { people: ['households', 'residents'], org: ['members', 'orgs', 'units', 'nodes'] };
export const groupOf = (kind) => (GROUPS.people.includes(kind) ? 'people' : 'org');

export function field(kind, name) { return KINDS[kind]?.fields.find((f) => f.name === name) ?? null; }

// What `role` may do with `kind`: read, write (create, change, (de)activate), export, unmask.
// A resident's scope is their own household (scope_for in src/core/rbac.c): nothing else.
const RESIDENT_KINDS = ['households', 'residents'];

export function can(role, kind, what) {
  const k = KINDS[kind];
  if (!k || (role === 'resident' && !RESIDENT_KINDS.includes(kind))) return false;
  switch (what) {
    case 'read': return allows(role, k.read);
    case 'write': return allows(role, k.write);
    case 'export': return allows(role, 'export') && allows(role, k.read);
    case 'unmask': return k.unmask && allows(role, 'unmask');
    default: return false;
  }
}

// The kinds of a group that the role may read (the tabs it sees).
export function tabsFor(role, group) { return (GROUPS[group] ?? []).filter((k) => can(role, k, 'read')); }

// Where each kind lives in the application.
export function listPath(kind) { return kind === 'households' ? '/households' : `/registry/${kind}`; }
export function recordPath(kind, id) { return `${listPath(kind)}/${id}`; }

// A record's name as shown (a household by its head).
export function titleOf(kind, rec) { return rec ? String(rec[KINDS[kind]?.title ?? 'name'] ?? rec.id) : ''; }

// The filters of a list screen, empty.
export function emptyFilters(kind) {
  const out = { q: '', active: '1' };
  for (const name of KINDS[kind]?.filters ?? []) out[name] = field(kind, name).type === 'set' ? [] : '';
  return out;
}

// The query of GET /{kind} (and of its export.xlsx) for the filters and the place chosen in
// the tree; empty values are left out by withQuery. `active` is 1 unless asked otherwise.
export function listQuery(kind, filters, placeId) {
  const q = { q: (filters.q ?? '').trim() || undefined, under: placeId ?? undefined };
  for (const name of KINDS[kind]?.filters ?? []) q[name] = filters[name];
  if (filters.active && filters.active !== '1') q.active = filters.active;
  return q;
}

// The export link: the same filters, as a file. With a reason, the full values (unmask=1);
// the server audits it and refuses the roles that may not.
export function exportQuery(kind, filters, placeId, reason) {
  const q = listQuery(kind, filters, placeId);
  if (reason) Object.assign(q, { unmask: 1, reason });
  return q;
}

// The form of a record: personal values start empty (the server sends them masked; an empty
// box leaves them as they are), the others as they are.
export function formFromRecord(kind, rec = {}, defaults = {}) {
  const form = {};
  for (const f of KINDS[kind].fields) {
    if (f.readonly) continue;
    const v = rec[f.name] ?? defaults[f.name] ?? f.default;
    if (PERSONAL.has(f.type)) form[f.name] = rec.id ? '' : (v ?? '');
    else if (f.type === 'set') form[f.name] = Array.isArray(v) ? [...v] : [];
    else if (f.type === 'ref') form[f.name] = v ?? null;
    else if (f.type === 'int') form[f.name] = v === null || v === undefined ? '' : String(v);
    else form[f.name] = v ?? '';
  }
  return form;
}

// One value of the form as the API takes it; null for an empty box.
export function bodyValue(f, v) {
  if (f.type === 'set') return Array.isArray(v) ? v : [];
  if (f.type === 'ref') return v === '' || v === null || v === undefined ? null : Number(v);
  const s = typeof v === 'string' ? v.trim() : v;
  if (s === '' || s === null || s === undefined) return null;
  // A whole number as a number; anything else as typed, for the server to refuse by name.
  if (f.type === 'int') return /^\d+$/.test(s) ? Number(s) : s;
  return s;
}

function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = [...(a ?? [])].sort(); const y = [...(b ?? [])].sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return (a ?? null) === (b ?? null);
}

// The body of POST /{kind} (no `original`) or PATCH /{kind}/{id} (only what changed). A new
// record leaves empty fields out (the server names a missing required one); a change sends
// null for a cleared optional field, never a fixed (immutable) field, and a personal value
// only when one was typed, or null when the stored one is to be removed (named in `clear`:
// an empty box keeps it, since the form never shows the stored value).
export function recordBody(kind, form, original = null, clear = []) {
  const body = {};
  for (const f of KINDS[kind].fields) {
    if (f.readonly || !(f.name in form)) continue;
    const v = bodyValue(f, form[f.name]);
    if (!original) {
      if (v === null || (f.type === 'set' && !v.length)) continue;
      body[f.name] = v;
    } else {
      if (f.immutable) continue;
      if (PERSONAL.has(f.type)) {
        if (clear.includes(f.name) && !f.required) { if (original[f.name] != null) body[f.name] = null; }
        else if (v !== null) body[f.name] = v;
        continue;
      }
      if (!same(v, original[f.name])) body[f.name] = v;
    }
  }
  return body;
}

// The kind a new place under `parentKind` usually is (the form's first choice).
const CHILD = { county: 'township', district: 'township', township: 'village', street: 'community', village: 'group', community: 'grid' };
export function childKind(parentKind) { return CHILD[parentKind] ?? 'group'; }
// Places that have no places under them.
export const LEAF_PLACES = new Set(['group', 'grid']);

// The errors of a failed save as {field: sentence} for the form's items: the server's own
// sentence (it writes it in the application's language, src/util/msgcat.def) beside the field
// it named when the form has it, on the form's own line ('_') otherwise (`fallback`: the
// application's sentence for statuses other than a refused value).
export function formErrors(kind, err, fallback) {
  const f = err?.field;
  const said = err?.message ?? '';
  if (f && KINDS[kind]?.fields.some((x) => x.name === f && !x.readonly)) return { [f]: said };
  const refused = err?.status === 400 || err?.status === 409;
  return { _: refused ? said : (fallback ?? err?.message ?? String(err)) };
}

// A value as text: an enum or a set by its labels (`label(vocab, code)`, the vocab store's),
// '' for nothing. References are named by the view (names.js).
export function display(f, v, label) {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return '';
  if (f.type === 'enum') return label(f.vocab, v);
  if (f.type === 'set') return v.map((c) => label(f.vocab, c)).join('、');
  return String(v);
}

// The personal values of a record as the server sent them after an unmask, over the masked
// ones of `rec` (only the personal fields: nothing else is taken from the answer).
export function withFull(kind, rec, full) {
  if (!full) return rec;
  const out = { ...rec };
  for (const f of KINDS[kind].fields) if (PERSONAL.has(f.type) && f.name in full) out[f.name] = full[f.name];
  return out;
}

// A county-local time for a UTC ISO string, "2026-11-23 17:32" (Asia/Shanghai, UTC+8 all year).
export function localTime(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return iso ?? '';
  return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
}
