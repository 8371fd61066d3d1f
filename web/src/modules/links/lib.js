// lib.js -- the links screens' logic that is not layout: who may do what, the list filters
// as query parameters, one pairing found by id, and the server's refusals placed by field.
import { get } from '../../lib/api.js';
import { errorText } from '../../lib/messages.js';

export { ROLES, can } from './roles.js';

export const LAYERS = ['liaison', 'assistance'];
// Contact point kinds (src/store/links.c links_cp_kinds): a county leader adopts one of
// each, a township leader (rank "middle") a weak branch only.
export const CP_KINDS = ['weak_branch', 'non_public', 'social_org'];
const LEADER_RANKS = { city_leader: CP_KINDS, county_leader: CP_KINDS, middle: ['weak_branch'] };
export function kindsFor(rank) { return LEADER_RANKS[rank] ?? []; }
// The list filter `status` as the API's `active`.
export const STATUSES = { active: '1', ended: '0', all: 'all' };

// GET /pairings parameters from the filters and the place chosen in the tree.
export function pairingQuery(filters, place) {
  return {
    node_id: place?.id,
    layer: LAYERS.includes(filters.layer) ? filters.layer : undefined,
    member_id: filters.member_id || undefined,
    household_id: filters.household_id || undefined,
    active: STATUSES[filters.status] ?? '1',
  };
}

// One pairing by id, as the list shows it, or null when there is none in the caller's scope
// (404); other failures are thrown.
export async function findPairing(id, { getImpl = get } = {}) {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) return null;
  try {
    return await getImpl(`/pairings/${n}`);
  } catch (err) {
    if (err?.status === 404) return null;
    throw err;
  }
}

// A refusal of err: {field, text} with the field the server named (or '_') and the server's
// own sentence, which it writes in the application's language (api.js sends Accept-Language;
// src/util/msgcat.def). A failure without one (the network, a bare 403) in the application's
// words (errorText).
export function refusal(t, err) {
  const field = err?.field && err.field !== 'body' ? err.field : '_';
  const said = err?.code !== 'network' ? err?.body?.error?.message : '';
  return { field, text: said || errorText(t, err) };
}

// {field: text} for el-form-item `error`, the fields a form has; anything else under '_'.
export function formErrors(t, err, fields) {
  const r = refusal(t, err);
  return { [fields.includes(r.field) ? r.field : '_']: r.text };
}

// A member as an option of a select: name, then rank (labelled by the caller's vocabulary).
export function memberLabel(m, rankLabel = (x) => x) {
  return m.rank ? `${m.name} · ${rankLabel(m.rank)}` : m.name;
}

// A household as an option: the head's name and the (masked) address.
export function householdLabel(h) {
  return h.address ? `${h.head_name} · ${h.address}` : h.head_name;
}

// The branches a contact point may take (of an organisations list page).
export function isBranch(o) { return o.kind === 'branch' || o.kind === 'general_branch'; }
