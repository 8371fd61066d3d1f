// main.js -- the web application of Lianxin.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router.js';
import { i18n, restoreLocale } from './i18n.js';
import './base.css';

// A browser where Traditional Chinese or English was chosen gets those strings first.
restoreLocale().catch(() => {}).finally(() => {
  createApp(App).use(createPinia()).use(i18n).use(router).mount('#app');
});
