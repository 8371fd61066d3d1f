// session.js -- who is logged in (GET /auth/me), login, logout, password change.
import { defineStore } from 'pinia';
import { get, post, setCsrf } from '../lib/api.js';
import { clearAllDrafts } from '../composables/useDraft.js';

const LAST_USER = 'lx_last_user';

// Staff who use the desktop land on their place's dashboard (the work module's), the
// administrators without one on the households; members use the phone screens.
export const DASHBOARD_ROLES = ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector'];
// The three administrators (三权分立) see no registries: each lands on their own screen.
export const TRIAD_HOME = { sysadmin: '/admin/users', secadmin: '/admin/users', auditadmin: '/admin/audit' };
export function homeFor(user) {
  if (!user) return '/login';
  if (user.role === 'member') return '/m';
  if (TRIAD_HOME[user.role]) return TRIAD_HOME[user.role];
  return DASHBOARD_ROLES.includes(user.role) ? '/dashboard' : '/households';
}

export const useSession = defineStore('session', {
  state: () => ({ user: null, loaded: false, expired: false }),
  getters: {
    mustChange: (s) => !!s.user?.must_change_password,
    isMember: (s) => s.user?.role === 'member',
    isTriad: (s) => !!TRIAD_HOME[s.user?.role],
  },
  actions: {
    async load() {
      try { this.user = await get('/auth/me'); } catch { this.user = null; }
      this.loaded = true;
      return this.user;
    },
    // Drafts on this browser belong to the last person who logged in on it.
    adopt(user) {
      setCsrf(user.csrf_token);
      this.user = user;
      this.loaded = true;
      this.expired = false;
      try {
        if (localStorage.getItem(LAST_USER) !== String(user.id)) clearAllDrafts();
        localStorage.setItem(LAST_USER, String(user.id));
      } catch { /* no storage */ }
    },
    async login(username, password) {
      this.adopt(await post('/auth/login', { username, password }));
      return this.user;
    },
    async changePassword(oldPassword, newPassword) {
      this.adopt(await post('/auth/password', { old_password: oldPassword, new_password: newPassword }));
      return this.user;
    },
    async logout() {
      try { await post('/auth/logout'); } catch { /* already gone */ }
      setCsrf('');
      this.user = null;
    },
    // The server said 401: the session is over, the drafts stay.
    ended() {
      setCsrf('');
      this.user = null;
      this.expired = true;
    },
  },
});
