// i18n.js -- Simplified Chinese by default; Traditional Chinese and English a
// click away, the choice remembered in localStorage.
import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.json';
import zhTW from './locales/zh-TW.json';
import en from './locales/en.json';

export const LOCALES = ['zh-CN', 'zh-TW', 'en'];
const KEY = 'lx_locale';

function saved() {
  try { const l = localStorage.getItem(KEY); return LOCALES.includes(l) ? l : null; } catch { return null; }
}

export const i18n = createI18n({
  legacy: false,
  locale: saved() ?? 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'zh-TW': zhTW, en },
});

export function setLocale(l) {
  if (!LOCALES.includes(l)) return;
  i18n.global.locale.value = l;
  document.documentElement.lang = l;
  try { localStorage.setItem(KEY, l); } catch { /* private mode */ }
}
