// vocab.js -- the codes of GET /api/v1/vocab with their labels in the three languages.
import { defineStore } from 'pinia';
import { get } from '../lib/api.js';
import { i18n } from '../i18n.js';

const FIELD = { 'zh-CN': 'zh', 'zh-TW': 'zh_tw', en: 'en' };

export const useVocab = defineStore('vocab', {
  state: () => ({ lists: null, loading: null }),
  actions: {
    async ensure() {
      if (this.lists) return this.lists;
      this.loading ??= get('/vocab').then((v) => { this.lists = v; return v; })
        .finally(() => { this.loading = null; });
      return this.loading;
    },
    // The label of `code` in vocabulary `kind`, in the current language (the code if unknown).
    label(kind, code) {
      const item = this.lists?.[kind]?.find((x) => x.code === code);
      return item ? item[FIELD[i18n.global.locale.value] ?? 'zh'] : code;
    },
    options(kind) {
      return (this.lists?.[kind] ?? []).map((x) => ({ value: x.code, label: this.label(kind, x.code) }));
    },
  },
});
