// i18n.js -- Simplified Chinese by default; Traditional Chinese and English a
// click away, the choice remembered in localStorage.
import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.json';
import zhTW from './locales/zh-TW.json';
import en from './locales/en.json';
import { setLanguage } from './lib/api.js';

export const LOCALES = ['zh-CN', 'zh-TW', 'en'];
const KEY = 'lx_locale';

function saved() {
  try { const l = localStorage.getItem(KEY); return LOCALES.includes(l) ? l : null; } catch { return null; }
}

// Each screen module (src/modules/<name>/) brings its own strings in
// locales/<lang>.json; they are merged under the module's name: t('<name>.key').
const moduleFiles = import.meta.glob('./modules/*/locales/*.json', { eager: true, import: 'default' });
export function mergeModules(base, files) {
  const out = { 'zh-CN': { ...base['zh-CN'] }, 'zh-TW': { ...base['zh-TW'] }, en: { ...base.en } };
  for (const [path, strings] of Object.entries(files)) {
    const m = /modules\/([^/]+)\/locales\/([^/]+)\.json$/.exec(path);
    if (m && out[m[2]]) out[m[2]][m[1]] = strings;
  }
  return out;
}

export const i18n = createI18n({
  legacy: false,
  locale: saved() ?? 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: mergeModules({ 'zh-CN': zhCN, 'zh-TW': zhTW, en }, moduleFiles),
});
// The server answers in the same language (Accept-Language on every request).
setLanguage(i18n.global.locale.value);

export function setLocale(l) {
  if (!LOCALES.includes(l)) return;
  i18n.global.locale.value = l;
  setLanguage(l);
  document.documentElement.lang = l;
  try { localStorage.setItem(KEY, l); } catch { /* private mode */ }
}
