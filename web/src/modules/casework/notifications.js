// notifications.js -- the user's notifications (GET /notifications): the unread count on the
// header's bell, the newest ones for the list, marking one read.
import { defineStore } from 'pinia';
import { get, post } from '../../lib/api.js';
import { markedRead } from './lib.js';

export const useNotifications = defineStore('notifications', {
  state: () => ({ items: [], unread: 0, loaded: false }),
  actions: {
    // Only the count (the bell, on every screen).
    async count() {
      const r = await get('/notifications', { unread: 1, limit: 1 });
      this.unread = r.unread;
      return this.unread;
    },
    // The newest notifications and the count (the list).
    async load(limit = 50) {
      const r = await get('/notifications', { limit });
      this.items = r.items;
      this.unread = r.unread;
      this.loaded = true;
      return this.items;
    },
    async markRead(id) {
      await post(`/notifications/${id}/read`);
      Object.assign(this, markedRead(this, id));
    },
    forget() {
      this.items = [];
      this.unread = 0;
      this.loaded = false;
    },
  },
});
