// routes.js -- the manual side of pairing (SPEC C2/C3): the pairings of a place, paired and
// ended by hand, an assistance pairing's tasks; units linked with villages (单位联村), leaders'
// contact points (联系点) and a place's contact on the cards. Each screen and header entry only
// for the roles the server lets read pairings (src/core/rbac.c: pairing.read); what a role
// may change is decided per button (lib.js ROLES) and, in the end, by the server.
import { useSession } from '../../stores/session.js';
import { ROLES, can } from './roles.js';

// A screen the user's role may not read sends them home.
function guard() {
  return () => (can(useSession().user?.role, 'read') ? true : '/');
}

export const routes = [
  { path: '/links/pairings', name: 'links-pairings', component: () => import('./PairingsView.vue'), meta: { roles: ROLES.read }, beforeEnter: guard() },
  { path: '/links/pairings/:id(\\d+)', name: 'links-pairing', component: () => import('./PairingView.vue'), props: true, meta: { roles: ROLES.read }, beforeEnter: guard() },
  { path: '/links/places', name: 'links-places', component: () => import('./PlacesView.vue'), meta: { roles: ROLES.read }, beforeEnter: guard() },
];

export const nav = [
  { path: '/links/pairings', label: 'links.nav.pairings', group: 'pairing', staff: true, roles: ROLES.read, order: 40 },
  { path: '/links/places', label: 'links.nav.places', group: 'pairing', staff: true, roles: ROLES.read, order: 41 },
];
