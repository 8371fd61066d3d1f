// main.js -- the web application of Lianxin.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './i18n.js';
import './base.css';

createApp(App).use(createPinia()).use(i18n).use(router).mount('#app');
