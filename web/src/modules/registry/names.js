// names.js -- the names of records that rows refer to by id (a household's place, a member's
// unit, a resident's household), read once each (GET /{kind}/{id}) and kept for the session.
import { reactive } from 'vue';
import { get } from '../../lib/api.js';
import { KINDS, titleOf } from './kinds.js';

const cache = reactive({});

// The name of record `id` of `kind`, once known ('' until then; '#id' if it is out of reach).
export function refName(kind, id) {
  if (id === null || id === undefined) return '';
  return cache[`${kind}/${id}`] ?? '';
}

// Read the names not known yet of the records `ids` of `kind`.
export async function ensureNames(kind, ids) {
  if (!KINDS[kind]) return;
  const missing = [...new Set(ids.filter((id) => id !== null && id !== undefined))]
    .filter((id) => !(`${kind}/${id}` in cache));
  await Promise.all(missing.map(async (id) => {
    const key = `${kind}/${id}`;
    cache[key] = '…';
    try { cache[key] = titleOf(kind, await get(`/${kind}/${id}`)); } catch { cache[key] = `#${id}`; }
  }));
}

// The names the rows' reference fields point to.
export function ensureRowNames(kind, rows) {
  const refs = KINDS[kind].fields.filter((f) => f.type === 'ref');
  return Promise.all(refs.map((f) => ensureNames(f.ref, rows.map((r) => r[f.name]))));
}

// A record was saved: its name as it is now.
export function rememberName(kind, rec) {
  if (rec?.id) cache[`${kind}/${rec.id}`] = titleOf(kind, rec);
}
