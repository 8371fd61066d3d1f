// strings.test.js -- every string the work module asks for exists in all three languages,
// and its routes and header entries are what the application picks up.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createI18n } from 'vue-i18n';
import { nav, routes, landingFor } from '../../src/modules/work/routes.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../src/modules/work');
const locales = Object.fromEntries(['zh-CN', 'zh-TW', 'en'].map((l) => [l, JSON.parse(readFileSync(join(dir, 'locales', `${l}.json`), 'utf8'))]));
const source = readdirSync(dir).filter((f) => /\.(vue|js)$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
const used = [...new Set([...source.matchAll(/['`]work\.([a-zA-Z.]+)['`]/g)].map((m) => m[1]))];
const lookup = (obj, key) => key.split('.').reduce((o, k) => o?.[k], obj);

describe('the work module\'s strings', () => {
  it('finds the keys the views use', () => { expect(used.length).toBeGreaterThan(40); });
  for (const [lang, strings] of Object.entries(locales)) {
    it(`has every key in ${lang}, each compiling as a message`, () => {
      const missing = used.filter((k) => typeof lookup(strings, k) !== 'string');
      expect(missing).toEqual([]);
      const i18n = createI18n({ legacy: false, locale: lang, messages: { [lang]: { work: strings } } });
      expect(i18n.global.t('work.rates.total', { place: 'X' })).toContain('X');
      expect(i18n.global.t('work.rates.def.response')).not.toBe('work.rates.def.response');
    });
  }
  it('leads staff with figures to the dashboard and leaves the others where they were', () => {
    expect(landingFor({ role: 'county_admin' })).toBe('/dashboard');
    expect(landingFor({ role: 'inspector' })).toBe('/dashboard');
    expect(landingFor({ role: 'member' })).toBe('/m');
    expect(landingFor({ role: 'auditadmin' })).toBe('/admin/audit');
    expect(landingFor({ role: 'sysadmin' })).toBe('/admin/users');
    expect(landingFor(null)).toBe('/login');
    expect(nav.find((n) => n.member).path).toBe('/m/cases');
    expect(routes.find((r) => r.path === '/m/cases').meta.phone).toBe(true);
  });
});
