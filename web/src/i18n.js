// i18n.js -- Simplified Chinese by default; Traditional Chinese and English a
// click away, the choice remembered in localStorage. Only Simplified Chinese is in the first
// download: the other two languages' strings are fetched when chosen (the member's first
// phone screen is counted in KB).
import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.json';
import { setLanguage } from './lib/api.js';

export const LOCALES = ['zh-CN', 'zh-TW', 'en'];
const KEY = 'lx_locale';

function saved() {
  try { const l = localStorage.getItem(KEY); return LOCALES.includes(l) ? l : null; } catch { return null; }
}

// Each screen module (src/modules/<name>/) brings its own strings in
// locales/<lang>.json; they are merged under the module's name: t('<name>.key').
export function mergeModules(base, files) {
  const out = {};
  for (const l of Object.keys(base)) out[l] = { ...base[l] };
  for (const [path, strings] of Object.entries(files)) {
    const m = /modules\/([^/]+)\/locales\/([^/]+)\.json$/.exec(path);
    if (m && out[m[2]]) out[m[2]][m[1]] = strings;
  }
  return out;
}

const firstModules = import.meta.glob('./modules/*/locales/zh-CN.json', { eager: true, import: 'default' });
const laterModules = import.meta.glob(['./modules/*/locales/zh-TW.json', './modules/*/locales/en.json'], { import: 'default' });
const laterBase = { 'zh-TW': () => import('./locales/zh-TW.json'), en: () => import('./locales/en.json') };

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: mergeModules({ 'zh-CN': zhCN }, firstModules),
});
setLanguage('zh-CN');

// The strings of locale `l`, fetched once (its base file and every module's).
const loading = {};
export function loadLocale(l) {
  if (l === 'zh-CN' || i18n.global.availableLocales.includes(l)) return Promise.resolve();
  loading[l] ??= (async () => {
    const files = {};
    await Promise.all(Object.entries(laterModules)
      .filter(([path]) => path.endsWith(`/${l}.json`))
      .map(async ([path, load]) => { files[path] = await load(); }));
    const base = (await laterBase[l]()).default;
    i18n.global.setLocaleMessage(l, mergeModules({ [l]: base }, files)[l]);
  })();
  return loading[l];
}

// Switch the application (and the server's answers: Accept-Language) to locale `l`.
export async function setLocale(l) {
  if (!LOCALES.includes(l)) return;
  await loadLocale(l);
  i18n.global.locale.value = l;
  setLanguage(l);
  document.documentElement.lang = l;
  try { localStorage.setItem(KEY, l); } catch { /* private mode */ }
}

// At start: the language chosen last time on this browser (main.js waits for it).
export function restoreLocale() {
  const l = saved();
  return l && l !== 'zh-CN' ? setLocale(l) : Promise.resolve();
}
