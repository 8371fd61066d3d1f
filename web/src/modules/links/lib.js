// lib.js -- the links screens' logic that is not layout: who may do what, the list filters
// as query parameters, one pairing found by id, and the server's refusals put into words.
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

// One pairing by id, as the list shows it, or null when there is none in the caller's scope.
// There is no GET /pairings/{id}: the list in id order from just before it (its cursor is the
// last id given) answers with it first when the caller may see it.
export async function findPairing(id, { getImpl = get } = {}) {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) return null;
  const page = await getImpl('/pairings', { active: 'all', after: n > 1 ? n - 1 : undefined, limit: 1 });
  const p = page?.items?.[0];
  return p && p.id === n ? p : null;
}

// The server's refusals that the screens explain in the user's language: [code, pattern]
// over the English sentence of src/store/pairing.c and links.c; the numbers it gives are
// passed on. Anything else keeps the server's own words (errorText).
const REFUSALS = [
  ['quotaFull', /already has (\d+) households \(quota (\d+)\)/, (m) => ({ n: m[1], quota: m[2] })],
  ['householdTaken', /household already has an? (liaison|assistance) member/],
  ['pairedMeanwhile', /household was paired meanwhile/],
  ['sameVillage', /liaison member must live in the household's village/],
  ['notCadre', /assistance is given by a unit's cadres/],
  ['unitNotLinked', /unit is not paired with the household's village/],
  ['noMember', /no such active member/],
  ['noHousehold', /no such household in your scope/],
  ['openTasks', /(\d+) assistance tasks are still open/, (m) => ({ n: m[1] })],
  ['ended', /has ended already/],
  ['endedNoTasks', /has ended; it takes no new tasks/],
  ['taskClosed', /task is closed already|task was closed meanwhile/],
  ['liaisonNoTasks', /liaison pairing has no assistance tasks/],
  ['unitTaken', /unit is paired with this village already|unit was paired with this village meanwhile/],
  ['notVillage', /a unit is paired with a village or community/],
  ['noUnit', /no such active unit/],
  ['noPlace', /no such place in your scope/],
  ['placeInactive', /village has been deactivated/],
  ['notLeader', /adopted by a county or township leader/],
  ['weakOnly', /township leader adopts a weak branch only/],
  ['notBranch', /contact point is a branch or general branch/],
  ['noOrg', /no such organisation in your scope/],
  ['orgInactive', /organisation has been deactivated/],
  ['kindTaken', /leader (has|took) an? \w+ contact point/],
  ['sayWhy', /^say why$|^give the reason/],
  ['giveTitle', /^give a title$/],
];

// The refusal of err in words: {field, text} with the field the server named (or '_').
export function refusal(t, err) {
  const msg = err?.message ?? '';
  const field = err?.field && err.field !== 'body' ? err.field : '_';
  for (const [code, re, args] of REFUSALS) {
    const m = re.exec(msg);
    if (m) return { field, text: t(`links.why.${code}`, args ? args(m) : {}) };
  }
  return { field, text: errorText(t, err) };
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
