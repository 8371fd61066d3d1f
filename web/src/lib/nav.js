// nav.js -- the navigation's entries for a role, grouped: the place's dashboard first, then the
// ledgers, pairing, contacts, requests and the system's screens, each group in its entries'
// order. An entry: {path, label, group, staff|member, roles, order}; without `roles`, every
// staff role sees it.
export const GROUP_ORDER = ['home', 'ledger', 'pairing', 'contacts', 'cases', 'system'];

export function navGroups(entries, role) {
  const mine = entries.filter((e) => !e.member && (!e.roles || e.roles.includes(role)));
  const byGroup = new Map();
  for (const e of mine) {
    const g = GROUP_ORDER.includes(e.group) ? e.group : 'system';
    if (!byGroup.has(g)) byGroup.set(g, []);
    byGroup.get(g).push(e);
  }
  return GROUP_ORDER.filter((g) => byGroup.has(g))
    .map((g) => ({ key: g, items: byGroup.get(g).slice().sort((a, b) => (a.order ?? 50) - (b.order ?? 50)) }));
}
