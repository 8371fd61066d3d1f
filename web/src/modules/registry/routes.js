// routes.js -- the registries (SPEC C1): a list screen per kind with the tree beside it, a
// page per record, forms to create and change, and the tree's places for those who may edit
// them. Households (and their residents) stay at /households; the organisation's registries
// (members, party organisations, units, places) are under /registry. Each screen only for
// the roles the server lets read the kind (src/core/rbac.c; see kinds.js), which still decides.
import { useSession } from '../../stores/session.js';
import { can } from './kinds.js';

// The desktop roles that read members, organisations and units (tree.read and registry.read,
// without the member, who works on the phone, and the resident).
export const ORG_READERS = ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector'];
const ORG_KINDS = 'nodes|units|orgs|members|residents';

function guard(to) {
  const kind = to.params.kind ?? to.meta.kind;
  return can(useSession().user?.role, kind, 'read') ? true : '/';
}
const id = (r) => Number(r.params.id);

export const routes = [
  { path: '/households', name: 'households', component: () => import('./RegistryView.vue'), props: { kind: 'households' }, meta: { kind: 'households' }, beforeEnter: guard },
  { path: '/households/:id(\\d+)', name: 'household', component: () => import('./RecordView.vue'), props: (r) => ({ kind: 'households', id: id(r) }), meta: { kind: 'households' }, beforeEnter: guard },
  { path: '/registry', redirect: '/registry/members' },
  { path: '/registry/households', redirect: '/households' },
  { path: `/registry/:kind(${ORG_KINDS})`, name: 'registry-list', component: () => import('./RegistryView.vue'), props: true, beforeEnter: guard },
  { path: `/registry/:kind(${ORG_KINDS})/:id(\\d+)`, name: 'registry-record', component: () => import('./RecordView.vue'), props: (r) => ({ kind: r.params.kind, id: id(r) }), beforeEnter: guard },
];

// The households keep their entry in the header (components/AppHeader.vue); this is the other.
export const nav = [
  { path: '/registry/members', label: 'registry.nav.org', group: 'ledger', staff: true, roles: ORG_READERS, order: 10 },
];
