// routes.js -- the casework module: the public board as staff keep it, reply templates and the
// holiday calendar (county), notifications (desktop and phone), and a member opening a case on
// a resident's behalf on the phone. The case page's photos, templates, follow-up call, phone
// and publishing live in views/CaseView.vue with this module's components.
// case.publish: county, township, village (src/core/rbac.c); policy.work: the county admin.
import { useSession } from '../../stores/session.js';
import { ROLES, allowed } from './lib.js';

export { ROLES };

// A screen the user's role may not use sends them home (the router's beforeEach has loaded
// the session by then).
function guard(key) {
  return () => (allowed(useSession().user?.role, key) ? true : '/');
}
const memberOnly = () => (useSession().user?.role === 'member' ? true : '/');
const staffOnly = () => (useSession().user?.role === 'member' ? '/m/notifications' : true);

export const routes = [
  { path: '/board', name: 'casework-board', component: () => import('./BoardView.vue'), meta: { roles: ROLES.publish }, beforeEnter: guard('publish') },
  { path: '/admin/reply-templates', name: 'casework-templates', component: () => import('./TemplatesView.vue'), meta: { roles: ROLES.work }, beforeEnter: guard('work') },
  { path: '/admin/calendar', name: 'casework-calendar', component: () => import('./CalendarView.vue'), meta: { roles: ROLES.work }, beforeEnter: guard('work') },
  { path: '/notifications', name: 'casework-notes', component: () => import('./NotificationsView.vue'), beforeEnter: staffOnly },
  { path: '/m/notifications', name: 'casework-my-notes', component: () => import('./NotificationsView.vue'), meta: { phone: true } },
  { path: '/m/cases/new', name: 'casework-my-case-new', component: () => import('./PhoneNewCaseView.vue'), meta: { phone: true }, beforeEnter: memberOnly },
];

export const nav = [
  { path: '/board', label: 'casework.nav.board', group: 'cases', staff: true, roles: ROLES.publish, order: 4 },
  // One entry for both county settings pages (each links to the other).
  { path: '/admin/reply-templates', label: 'casework.nav.settings', group: 'cases', staff: true, roles: ROLES.work, order: 63 },
  { path: '/m/cases/new', label: 'casework.nav.newCase', member: true, order: 2 },
];
