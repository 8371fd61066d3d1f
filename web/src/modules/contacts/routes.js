// routes.js -- the contacts module: contacts (visits, calls, talks, meetings) beside the tree,
// one contact's page, recording and changing one on the desktop, a member's due list and
// compliance, a place's compliance with its children and who is falling behind, and the
// county's visit form. Each header entry only for the roles the server lets use it
// (src/core/rbac.c: contact.read, contact.write, policy.work); members use the phone screens.
import { useSession } from '../../stores/session.js';
import { ROLES, allowed } from './lib.js';

export { ROLES };

// A screen the user's role may not use sends them home (the router's beforeEach has loaded
// the session by then).
function guard(key) {
  return () => (allowed(useSession().user?.role, key) ? true : '/');
}

export const routes = [
  { path: '/contacts', name: 'contacts', component: () => import('./ContactsView.vue'), beforeEnter: guard('read') },
  { path: '/contacts/new', name: 'contacts-new', component: () => import('./ContactFormView.vue'), beforeEnter: guard('write') },
  { path: '/contacts/:id(\\d+)', name: 'contact', component: () => import('./ContactView.vue'), props: true, beforeEnter: guard('read') },
  { path: '/contacts/:id(\\d+)/edit', name: 'contact-edit', component: () => import('./ContactFormView.vue'), props: true, beforeEnter: guard('write') },
  { path: '/contacts/members/:id(\\d+)', name: 'contacts-member', component: () => import('./MemberDueView.vue'), props: true, beforeEnter: guard('read') },
  { path: '/contacts/compliance', name: 'contacts-compliance', component: () => import('./ComplianceView.vue'), beforeEnter: guard('read') },
  { path: '/contacts/visit-form', name: 'contacts-visit-form', component: () => import('./VisitFormView.vue'), beforeEnter: guard('read') },
];

export const nav = [
  { path: '/contacts', label: 'contacts.nav.list', group: 'contacts', staff: true, roles: ROLES.read, order: 10 },
  { path: '/contacts/compliance', label: 'contacts.nav.compliance', group: 'contacts', staff: true, roles: ROLES.read, order: 11 },
  { path: '/contacts/visit-form', label: 'contacts.nav.visitForm', group: 'contacts', staff: true, roles: ROLES.form, order: 12 },
];
