// names.js -- the names of records that rows refer to by id (a household's place, a member's
// unit, a resident's household), read for a whole page at once (GET /{kind}?ids=..., one
// request and one audit record instead of one each) and kept for the session.
import { reactive } from 'vue';
import { get } from '../../lib/api.js';
import { KINDS, titleOf } from './kinds.js';

export const IDS_PER_REQUEST = 50; // the server's LIST_MAX_IDS

const cache = reactive({});

// The name of record `id` of `kind`, once known ('' until then; '#id' if it is out of reach).
export function refName(kind, id) {
  if (id === null || id === undefined) return '';
  return cache[`${kind}/${id}`] ?? '';
}

// Read the names not known yet of the records `ids` of `kind`: '#id' for one out of reach.
export async function ensureNames(kind, ids, { getImpl = get } = {}) {
  if (!KINDS[kind]) return;
  const missing = [...new Set(ids.map(Number).filter((id) => Number.isInteger(id) && id > 0))]
    .filter((id) => !(`${kind}/${id}` in cache));
  const chunks = [];
  for (let i = 0; i < missing.length; i += IDS_PER_REQUEST) chunks.push(missing.slice(i, i + IDS_PER_REQUEST));
  await Promise.all(chunks.map(async (chunk) => {
    for (const id of chunk) cache[`${kind}/${id}`] = '…';
    let items = [];
    try {
      items = (await getImpl(`/${kind}`, { ids: chunk.join(','), active: 'all', limit: chunk.length })).items ?? [];
    } catch { /* each shown by id */ }
    for (const rec of items) cache[`${kind}/${rec.id}`] = titleOf(kind, rec);
    for (const id of chunk) if (cache[`${kind}/${id}`] === '…') cache[`${kind}/${id}`] = `#${id}`;
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
