import { describe, it, expect } from 'vitest';
import { navGroups } from '../src/lib/nav.js';

const entries = [
  { path: '/admin/audit', label: 'a', group: 'system', staff: true, roles: ['auditadmin'], order: 72 },
  { path: '/contacts', label: 'c', group: 'contacts', staff: true, roles: ['county_admin'], order: 10 },
  { path: '/households', label: 'h', group: 'ledger', order: 0 },
  { path: '/admin/import', label: 'i', group: 'ledger', staff: true, roles: ['county_admin'], order: 60 },
  { path: '/registry/members', label: 'r', group: 'ledger', staff: true, roles: ['county_admin'], order: 10 },
  { path: '/dashboard', label: 'd', group: 'home', staff: true, roles: ['county_admin'], order: 1 },
  { path: '/m/cases', label: 'm', member: true, order: 1 },
];

describe('navGroups', () => {
  it('groups a role\'s entries, the dashboard first, each group in its order', () => {
    const g = navGroups(entries, 'county_admin');
    expect(g.map((x) => x.key)).toEqual(['home', 'ledger', 'contacts']);
    expect(g[1].items.map((x) => x.path)).toEqual(['/households', '/registry/members', '/admin/import']);
  });
  it('leaves out what the role may not use and the members\' phone entries', () => {
    expect(navGroups(entries, 'auditadmin').map((x) => x.items.map((i) => i.path))).toEqual([['/households'], ['/admin/audit']]);
    expect(navGroups(entries, 'county_admin').flatMap((x) => x.items).some((i) => i.path === '/m/cases')).toBe(false);
  });
});
