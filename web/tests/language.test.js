// language.test.js -- every request asks the server to answer in the application's language
// (Accept-Language), Simplified Chinese unless the user chose another.
import { describe, it, expect, vi } from 'vitest';
import { fakeStorage } from './fakeStorage.js';

globalThis.sessionStorage = fakeStorage();
globalThis.localStorage = fakeStorage();
const { api, get, post, setLanguage, getLanguage } = await import('../src/lib/api.js');
const { i18n, setLocale } = await import('../src/i18n.js');
const { uploadLedger } = await import('../src/modules/admin/lib.js');
// setLocale marks the page's language; Vue must not see this stand-in while it loads.
globalThis.document = { documentElement: {} };

function answer(status, body) {
  return vi.fn(async () => ({ status, ok: status < 400, text: async () => JSON.stringify(body) }));
}
const sent = (f, n = 0) => f.mock.calls[n][1].headers['Accept-Language'];

describe('Accept-Language', () => {
  it('is Simplified Chinese at first, the application\'s default locale', async () => {
    expect(i18n.global.locale.value).toBe('zh-CN');
    expect(getLanguage()).toBe('zh-CN');
    const f = answer(200, {});
    await api('GET', '/vocab', undefined, { fetchImpl: f });
    expect(sent(f)).toBe('zh-CN');
  });

  it('follows the locale the user picks, on reads, writes and ledger uploads alike', async () => {
    for (const l of ['zh-TW', 'en', 'zh-CN']) {
      await setLocale(l);
      expect(i18n.global.locale.value).toBe(l);
      expect(document.documentElement.lang).toBe(l);
      const f = answer(200, {});
      await api('GET', '/households', undefined, { fetchImpl: f });
      await api('POST', '/contacts', { kind: 'visit' }, { fetchImpl: f });
      await uploadLedger('households', 'dry_run', { name: 'a.csv' }, { fetchImpl: f });
      expect([sent(f, 0), sent(f, 1), sent(f, 2)]).toEqual([l, l, l]);
      expect(f.mock.calls[2][1].headers.Accept).toBe('application/json');
    }
  });

  it('keeps to the three languages the server speaks', async () => {
    setLanguage('fr');
    expect(getLanguage()).toBe('zh-CN');
    await setLocale('de'); // not a locale: nothing changes
    expect(getLanguage()).toBe('zh-CN');
    setLanguage('en');
    expect(getLanguage()).toBe('en');
    setLanguage('zh-CN');
  });

  it('get and post go through the same headers', async () => {
    const real = globalThis.fetch;
    const f = answer(200, { ok: 1 });
    globalThis.fetch = f;
    try {
      setLanguage('zh-TW');
      await get('/auth/me');
      await post('/auth/logout');
      expect([sent(f, 0), sent(f, 1)]).toEqual(['zh-TW', 'zh-TW']);
    } finally { globalThis.fetch = real; setLanguage('zh-CN'); }
  });
});

describe('the languages\' strings', () => {
  it('loads Traditional Chinese and English when chosen, with every module\'s strings', async () => {
    await setLocale('zh-TW');
    expect(i18n.global.t('app.name')).toBe('連心');
    expect(i18n.global.te('work.nav.dashboard')).toBe(true);
    await setLocale('en');
    expect(i18n.global.t('nav.logout')).toBe('Log out');
    await setLocale('zh-CN');
    expect(i18n.global.t('app.name')).toBe('连心');
  });
});
