// docs.test.mjs -- docs/api.md names every route the server has, and none it lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN } from './lib.mjs';

test('the API reference lists exactly the routes of the server', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/api.md', import.meta.url)), 'utf8');
  const routes = JSON.parse(execFileSync(BIN, ['routes'], { encoding: 'utf8' }));
  const documented = [...doc.matchAll(/^\| (GET|POST|PATCH|PUT|DELETE) \| `([^`]+)` \|/gm)].map((m) => `${m[1]} ${m[2]}`);
  const served = routes.map((r) => `${r.method} ${r.path}`);
  for (const r of served) assert.ok(documented.includes(r), `docs/api.md lacks ${r}`);
  for (const d of documented) assert.ok(served.includes(d), `docs/api.md names ${d}, which the server does not have`);
});

test('docs/policies.md lists every policy the server has', async () => {
  const { startServer, Client } = await import('./lib.mjs');
  const srv = await startServer({ households: 100 });
  try {
    const c = await new Client(srv.base).loginReady('county');
    const items = (await c.get('/api/v1/policies')).body.items;
    const doc = readFileSync(fileURLToPath(new URL('../../docs/policies.md', import.meta.url)), 'utf8');
    assert.ok(items.length > 15);
    for (const p of items) assert.ok(doc.includes('`' + p.key + '`'), `docs/policies.md lacks ${p.key}`);
  } finally { await srv.stop(); }
});
