// strings.test.js -- every string the casework module asks for exists in all three languages,
// and its routes and header entries are the ones the server's permissions allow.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createI18n } from 'vue-i18n';
import { nav, routes } from '../../src/modules/casework/routes.js';
import { NOTE_KINDS } from '../../src/modules/casework/lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, '../../src/modules/casework');
const locales = Object.fromEntries(['zh-CN', 'zh-TW', 'en'].map((l) => [l, JSON.parse(readFileSync(join(dir, 'locales', `${l}.json`), 'utf8'))]));
// The module's own files and the screens outside it that use its strings.
const files = [...readdirSync(dir).filter((f) => /\.(vue|js)$/.test(f)).map((f) => join(dir, f)),
  ...['views/CaseView.vue', 'views/CasesView.vue', 'components/AppHeader.vue'].map((f) => join(here, '../../src', f))];
const source = files.map((f) => readFileSync(f, 'utf8')).join('\n');
const used = [...new Set([...source.matchAll(/['`]casework\.([a-zA-Z.]+)['`]/g)].map((m) => m[1]))];
// Keys built from a code.
const built = [
  ...NOTE_KINDS.map((k) => `notes.kind.${k}`),
  ...['off', 'work', 'weekend', 'weekday'].map((k) => `calendar.kind.${k}`),
  ...['county', 'builtin', 'none'].map((k) => `calendar.source.${k}`),
  ...[0, 1, 2, 3, 4, 5, 6].map((k) => `calendar.wd.${k}`),
  'board.took.hours', 'board.took.days', 'photos.by.resident', 'photos.by.staff',
];
const lookup = (obj, key) => key.split('.').reduce((o, k) => o?.[k], obj);
const flat = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? flat(v, `${p}${k}.`) : [`${p}${k}`]));

describe('the casework module\'s strings', () => {
  it('finds the keys the screens use', () => { expect(used.length).toBeGreaterThan(80); });
  for (const [lang, strings] of Object.entries(locales)) {
    it(`has every key in ${lang}, each compiling as a message`, () => {
      const missing = [...used, ...built].filter((k) => typeof lookup(strings, k) !== 'string');
      expect(missing).toEqual([]);
      const i18n = createI18n({ legacy: false, locale: lang, messages: { [lang]: { casework: strings } } });
      for (const k of flat(strings)) expect(i18n.global.t(`casework.${k}`, { n: 1, code: 'X', place: 'P', text: 'T', what: 'W', year: 2027, m: 1, kind: 'K', reason: 'R', by: 'B' })).not.toBe(`casework.${k}`);
    });
  }
  it('has the same keys in the three languages', () => {
    expect(flat(locales['zh-TW']).sort()).toEqual(flat(locales['zh-CN']).sort());
    expect(flat(locales.en).sort()).toEqual(flat(locales['zh-CN']).sort());
  });
  it('writes Traditional Chinese in Traditional characters', () => {
    const tw = JSON.stringify(locales['zh-TW']);
    for (const simplified of ['诉', '办', '节', '历', '栏', '对', '时', '请', '号', '群众']) expect(tw).not.toContain(simplified);
  });
});

describe('the casework module\'s screens', () => {
  const route = (p) => routes.find((r) => r.path === p);
  it('puts the board before the roles that may publish, the templates and calendar before the county', () => {
    expect(route('/board').meta.roles).toEqual(['county_admin', 'township_admin', 'village_secretary']);
    expect(route('/admin/reply-templates').meta.roles).toEqual(['county_admin']);
    expect(route('/admin/calendar').meta.roles).toEqual(['county_admin']);
    for (const n of nav.filter((x) => x.staff)) expect(n.roles).toEqual(route(n.path).meta.roles);
  });
  it('gives members their form and their notifications on the phone', () => {
    expect(nav.find((n) => n.member).path).toBe('/m/cases/new');
    expect(route('/m/cases/new').meta.phone).toBe(true);
    expect(route('/m/notifications').meta.phone).toBe(true);
    expect(route('/notifications').meta?.phone).toBeFalsy();
  });
});
