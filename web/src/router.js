// router.js -- the screens, split per route, and who may see them.
import { createRouter, createWebHistory } from 'vue-router';
import { useSession, homeFor } from './stores/session.js';
import { setUnauthenticatedHandler } from './lib/api.js';

// Each screen module (src/modules/<name>/routes.js) adds its routes and, through `nav`, its
// entries in the header (see components/AppHeader.vue).
const modules = Object.values(import.meta.glob('./modules/*/routes.js', { eager: true }));
export const moduleNav = modules.flatMap((m) => m.nav ?? []).sort((a, b) => (a.order ?? 50) - (b.order ?? 50));

const routes = [
  ...modules.flatMap((m) => m.routes ?? []),
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, bare: true } },
  { path: '/password', name: 'password', component: () => import('./views/PasswordView.vue'), meta: { bare: true } },
  { path: '/cases', name: 'cases', component: () => import('./views/CasesView.vue') },
  { path: '/cases/:id(\\d+)', name: 'case', component: () => import('./views/CaseView.vue'), props: true },
  { path: '/m', name: 'my', component: () => import('./views/PhoneHome.vue'), meta: { phone: true } },
  { path: '/m/visit', name: 'visit', component: () => import('./views/PhoneVisit.vue'), meta: { phone: true } },
  { path: '/', name: 'home', redirect: () => homeFor(useSession().user) },
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  const session = useSession();
  if (!session.loaded) await session.load();
  if (to.meta.public) return true;
  if (!session.user) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (session.mustChange && to.name !== 'password') return { name: 'password', query: to.query.next ? { next: to.query.next } : {} };
  return true;
});

// A 401 anywhere: back to the login page, which brings the user back here.
setUnauthenticatedHandler(() => {
  const session = useSession();
  if (!session.user) return;
  session.ended();
  const here = router.currentRoute.value;
  if (here.name !== 'login') router.push({ name: 'login', query: { next: here.fullPath } });
});
