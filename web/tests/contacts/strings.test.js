// strings.test.js -- every string the contacts module asks for exists in all three languages
// (each key once: a key given twice in a file would hide the first), and its routes and header
// entries are what the application picks up, for the roles the server lets use them.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createI18n } from 'vue-i18n';
import { nav, routes } from '../../src/modules/contacts/routes.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../src/modules/contacts');
const raw = Object.fromEntries(['zh-CN', 'zh-TW', 'en'].map((l) => [l, readFileSync(join(dir, 'locales', `${l}.json`), 'utf8')]));
const locales = Object.fromEntries(Object.entries(raw).map(([l, s]) => [l, JSON.parse(s)]));
const source = readdirSync(dir).filter((f) => /\.(vue|js)$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n')
  + readFileSync(join(dir, '../../views/PhoneVisit.vue'), 'utf8');
const used = [...new Set([...source.matchAll(/['`]contacts\.([a-zA-Z.]+[a-zA-Z])['`]/g)].map((m) => m[1]))];
const lookup = (obj, key) => key.split('.').reduce((o, k) => o?.[k], obj);
// Keys built from a code: each code must have its string.
const built = {
  'form.title': ['meeting', 'talk', 'other'],
  'comp.periods': ['month', 'lastMonth', 'quarter', 'year', 'lastYear'],
  'vform.types': ['text', 'choice', 'number', 'yes_no'],
  'due.festival': ['spring', 'qingming', 'dragon_boat', 'mid_autumn', 'double_ninth'],
};

// Keys of every object in a JSON text, to find one given twice.
function duplicateKeys(text) {
  const dups = [];
  const stack = [new Set()];
  const re = /"((?:[^"\\]|\\.)*)"\s*(:)?|([{}])/g;
  let m;
  while ((m = re.exec(text))) {
    if (m[3] === '{') stack.push(new Set());
    else if (m[3] === '}') stack.pop();
    else if (m[2]) { const s = stack.at(-1); if (s.has(m[1])) dups.push(m[1]); s.add(m[1]); }
  }
  return dups;
}

describe('the contacts module\'s strings', () => {
  it('finds the keys the views use', () => { expect(used.length).toBeGreaterThan(100); });
  for (const [lang, strings] of Object.entries(locales)) {
    it(`has every key in ${lang} once, each compiling as a message`, () => {
      const missing = used.filter((k) => typeof lookup(strings, k) !== 'string');
      for (const [base, codes] of Object.entries(built)) {
        for (const c of codes) if (typeof lookup(strings, `${base}.${c}`) !== 'string') missing.push(`${base}.${c}`);
      }
      expect(missing).toEqual([]);
      expect(duplicateKeys(raw[lang])).toEqual([]);
      const i18n = createI18n({ legacy: false, locale: lang, messages: { [lang]: { contacts: strings } } });
      expect(i18n.global.t('contacts.due.overdue', { n: 12 })).toContain('12');
      expect(i18n.global.t('contacts.comp.range', { from: '2026-11-01', to: '2026-11-30' })).toContain('2026-11-30');
    });
  }
  it('has the same keys in the three languages', () => {
    const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`])).sort();
    expect(keys(locales['zh-TW'])).toEqual(keys(locales['zh-CN']));
    expect(keys(locales.en)).toEqual(keys(locales['zh-CN']));
  });
  it('offers its screens to the staff the server lets read contacts, the form editor to the county', () => {
    const entry = (p) => nav.find((n) => n.path === p);
    expect(entry('/contacts').roles).toEqual(['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector']);
    expect(entry('/contacts/visit-form').roles).toEqual(['county_admin']);
    expect(nav.every((n) => n.staff && !n.member)).toBe(true);
    for (const p of ['/contacts', '/contacts/new', '/contacts/:id(\\d+)', '/contacts/:id(\\d+)/edit', '/contacts/members/:id(\\d+)',
      '/contacts/compliance', '/contacts/visit-form']) {
      const r = routes.find((x) => x.path === p);
      expect(r, p).toBeTruthy();
      expect(typeof r.component).toBe('function');
      expect(typeof r.beforeEnter).toBe('function');
    }
  });
});
