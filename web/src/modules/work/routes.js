// routes.js -- the work module: the home dashboard of a place, the three rates, opening a
// case, and a member's own cases on the phone.
import { useSession, homeFor, DASHBOARD_ROLES } from '../../stores/session.js';

// Staff who see a place's figures (coverage, contacts, cases) land on the dashboard
// (stores/session.js decides); the others keep theirs.
export { DASHBOARD_ROLES };
// Staff who may open a case (case.write, not a member: members open theirs from a visit).
export const CASE_OPENERS = ['county_admin', 'township_admin', 'village_secretary', 'group_leader'];

export const landingFor = homeFor;

export const routes = [
  // Listed before the application's own "/" (routes of equal rank match in the order given):
  // "/" leads staff to their dashboard. A guard rather than a redirect, so that it runs after
  // the router's own guard has asked the server who is logged in (on a fresh page load).
  { path: '/', component: { render: () => null }, beforeEnter: () => landingFor(useSession().user) },
  { path: '/dashboard', name: 'work-dashboard', component: () => import('./DashboardView.vue') },
  { path: '/rates', name: 'work-rates', component: () => import('./RatesView.vue') },
  { path: '/cases/new', name: 'work-case-new', component: () => import('./NewCaseView.vue') },
  { path: '/m/cases', name: 'work-my-cases', component: () => import('./MyCasesView.vue'), meta: { phone: true } },
  { path: '/m/cases/:id(\\d+)', name: 'work-my-case', component: () => import('./MyCaseView.vue'), props: true, meta: { phone: true } },
];

export const nav = [
  { path: '/dashboard', label: 'work.nav.dashboard', group: 'home', staff: true, roles: DASHBOARD_ROLES, order: 1 },
  { path: '/rates', label: 'work.nav.rates', group: 'cases', staff: true, roles: DASHBOARD_ROLES, order: 2 },
  { path: '/cases/new', label: 'work.nav.newCase', group: 'cases', staff: true, roles: CASE_OPENERS, order: 3 },
  { path: '/m/cases', label: 'work.nav.myCases', member: true, order: 1 },
];
