// search.test.mjs -- a search finds exactly what an independent count over the plain lists
// finds, page by page, whichever plan the server picks (name index, place index, id order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, listAll as all } from './lib.mjs';


async function walk(c, path, size) {
  const ids = []; let after = null;
  for (let i = 0; i < 1000; i++) {
    const page = (await c.get(`${path}&limit=${size}${after ? `&after=${after}` : ''}`)).body;
    ids.push(...page.items.map((x) => x.id));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error('too many pages');
}

// cap 1: every name and scope counts as large, so the id-order and place-driven plans run
for (const cap of ['5000', '1', '40']) {
  test(`household search matches an independent count (driver cap ${cap})`, async () => {
    const srv = await startServer({ households: 400, env: { LIANXIN_SEARCH_DRIVER_CAP: cap } });
    try {
      const c = await new Client(srv.base).loginReady('county');
      const households = await all(c, '/api/v1/households');
      const residents = await all(c, '/api/v1/residents');
      const nodes = await all(c, '/api/v1/nodes');
      const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
      const ancestors = (id) => { const out = []; for (let n = byId[id]; n; n = byId[n.parent_id]) out.push(n); return out; };
      const counts = {};
      for (const h of households) counts[h.head_name[0]] = (counts[h.head_name[0]] || 0) + 1;
      const common = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
      const town = nodes.find((n) => n.level === 2);
      const village = nodes.find((n) => n.level === 3);
      const inside = (h, node) => ancestors(h.node_id).some((a) => a.id === node.id);
      const expect = (q, under) => households
        .filter((h) => !under || inside(h, under))
        .filter((h) => h.head_name.startsWith(q) ||
          residents.some((r) => r.household_id === h.id && r.name.startsWith(q)) ||
          ancestors(h.node_id).some((a) => a.name.startsWith(q)))
        .map((h) => h.id).sort((a, b) => a - b);
      const cases = [[common, null], [common, town], [common, village], [village.name.slice(0, 2), null],
        [households[7].head_name, null], ['无此人', null]];
      for (const [q, under] of cases) {
        const path = `/api/v1/households?q=${encodeURIComponent(q)}${under ? `&under=${under.id}` : ''}`;
        const want = expect(q, under);
        assert.deepEqual(await walk(c, path, 7), want, `${q} under ${under?.name ?? 'the county'}`);
        assert.deepEqual(await walk(c, path, 500), want);
      }
      // the residents registry's own search, and a township's scope
      const rq = residents[3].name.slice(0, 1);
      const rwant = residents.filter((r) => r.name.startsWith(rq)).map((r) => r.id).sort((a, b) => a - b);
      assert.deepEqual(await walk(c, `/api/v1/residents?q=${encodeURIComponent(rq)}`, 9), rwant);
      const t = await new Client(srv.base).loginReady('township');
      const me = (await t.get('/api/v1/auth/me')).body;
      const mine = households.filter((h) => inside(h, byId[me.node_id]));
      const twant = expect(common, byId[me.node_id]);
      assert.deepEqual(await walk(t, `/api/v1/households?q=${encodeURIComponent(common)}`, 5), twant);
      assert.ok(twant.every((id) => mine.some((h) => h.id === id)));
    } finally { await srv.stop(); }
  });
}
