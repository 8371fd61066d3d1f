// strings.test.js -- every string the links module asks for exists in all three languages,
// the Traditional file is in Traditional characters, and its routes and header entries are
// for the roles that may read pairings.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createI18n } from 'vue-i18n';
import { nav, routes } from '../../src/modules/links/routes.js';
import { ROLES } from '../../src/modules/links/lib.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../src/modules/links');
const locales = Object.fromEntries(['zh-CN', 'zh-TW', 'en'].map((l) => [l, JSON.parse(readFileSync(join(dir, 'locales', `${l}.json`), 'utf8'))]));
const source = readdirSync(dir).filter((f) => /\.(vue|js)$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
// Whole keys ('links.a.b') and the fixed part of keys built at run time ('links.layers.' + x).
const used = [...new Set([...source.matchAll(/['`]links\.([a-zA-Z.]+[a-zA-Z])['`]/g)].map((m) => m[1]))];
const prefixes = [...new Set([...source.matchAll(/['`]links\.([a-zA-Z.]+)\.['`]\s*\+/g)].map((m) => m[1]))];
const lookup = (obj, key) => key.split('.').reduce((o, k) => o?.[k], obj);
const leaves = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? leaves(v, `${p}${k}.`) : [`${p}${k}`]));

describe('the links module\'s strings', () => {
  it('finds the keys the views use', () => {
    expect(used.length).toBeGreaterThan(80);
    expect(prefixes).toEqual(expect.arrayContaining(['layers', 'statuses', 'sources', 'points.kinds', 'tasks.status']));
  });
  for (const [lang, strings] of Object.entries(locales)) {
    it(`has every key in ${lang}, each compiling as a message`, () => {
      expect(used.filter((k) => typeof lookup(strings, k) !== 'string')).toEqual([]);
      expect(prefixes.filter((k) => typeof lookup(strings, k) !== 'object')).toEqual([]);
      expect(leaves(strings).sort()).toEqual(leaves(locales['zh-CN']).sort());
      const i18n = createI18n({ legacy: false, locale: lang, messages: { [lang]: { links: strings } } });
      expect(i18n.global.t('links.pairings.held', { layer: 'L', n: 3 })).toMatch(/(L.*3|3.*L)/);
      expect(i18n.global.t('links.pairings.confirmEnd', { household: 'H', member: 'M', layer: 'L' })).toMatch(/H/);
    });
  }
  it('writes Traditional Chinese in Traditional characters', () => {
    const tw = JSON.stringify(locales['zh-TW']);
    expect(tw).not.toMatch(/[党联户结对帮务单区乡县级领导组织选择显详细请说时间]/);
    expect(tw).toMatch(/黨員聯戶/);
  });
  it('routes and header entries only for the roles that may read pairings', () => {
    expect(nav.map((n) => n.path)).toEqual(['/links/pairings', '/links/places']);
    for (const n of nav) { expect(n.staff).toBe(true); expect(n.roles).toEqual(ROLES.read); }
    for (const r of routes) { expect(r.meta.roles).toEqual(ROLES.read); expect(typeof r.beforeEnter).toBe('function'); }
    expect(routes.find((r) => r.name === 'links-pairing').path).toBe('/links/pairings/:id(\\d+)');
  });
});
