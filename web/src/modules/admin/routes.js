// routes.js -- the admin screens: import, pairing runs, printing and coverage, accounts,
// policies, the audit log. Each header entry only for the roles the server lets use it
// (the permission table in src/core/rbac.c).
// import: county, township, village; pairing.run: county, township; cards: county, township,
// village; users.admin: sysadmin (lock/unlock: secadmin, security); policy.read: the staff
// below, policy.write: secadmin and county; audit.read: the audit administrator.
import { useSession } from '../../stores/session.js';

export const ROLES = {
  import: ['county_admin', 'township_admin', 'village_secretary'],
  pairing: ['county_admin', 'township_admin'],
  print: ['county_admin', 'township_admin', 'village_secretary'],
  users: ['sysadmin', 'secadmin'],
  policies: ['secadmin', 'county_admin', 'township_admin', 'village_secretary'],
  audit: ['auditadmin'],
};

// Whether `role` may open the screen `key` of ROLES.
export function allowed(role, key) { return !!ROLES[key]?.includes(role); }

// A screen the user's role may not use sends them home (the router's beforeEach has loaded
// the session by then; without one it has gone to the login page already).
function guard(key) {
  return () => (allowed(useSession().user?.role, key) ? true : '/');
}

export const routes = [
  { path: '/admin/import', name: 'admin-import', component: () => import('./ImportView.vue'), meta: { roles: ROLES.import }, beforeEnter: guard('import') },
  { path: '/admin/pairing', name: 'admin-pairing', component: () => import('./PairingView.vue'), meta: { roles: ROLES.pairing }, beforeEnter: guard('pairing') },
  { path: '/admin/print', name: 'admin-print', component: () => import('./PrintView.vue'), meta: { roles: ROLES.print }, beforeEnter: guard('print') },
  { path: '/admin/users', name: 'admin-users', component: () => import('./UsersView.vue'), meta: { roles: ROLES.users }, beforeEnter: guard('users') },
  { path: '/admin/policies', name: 'admin-policies', component: () => import('./PoliciesView.vue'), meta: { roles: ROLES.policies }, beforeEnter: guard('policies') },
  { path: '/admin/audit', name: 'admin-audit', component: () => import('./AuditView.vue'), meta: { roles: ROLES.audit }, beforeEnter: guard('audit') },
];

export const nav = [
  { path: '/admin/import', label: 'admin.nav.import', group: 'ledger', staff: true, roles: ROLES.import, order: 60 },
  { path: '/admin/pairing', label: 'admin.nav.pairing', group: 'pairing', staff: true, roles: ROLES.pairing, order: 61 },
  { path: '/admin/print', label: 'admin.nav.print', group: 'pairing', staff: true, roles: ROLES.print, order: 62 },
  { path: '/admin/users', label: 'admin.nav.users', group: 'system', staff: true, roles: ROLES.users, order: 70 },
  { path: '/admin/policies', label: 'admin.nav.policies', group: 'system', staff: true, roles: ROLES.policies, order: 71 },
  { path: '/admin/audit', label: 'admin.nav.audit', group: 'system', staff: true, roles: ROLES.audit, order: 72 },
];
