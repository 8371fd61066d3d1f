// modules.test.js -- a screen module's strings are merged under its own name, per language.
import { describe, it, expect } from 'vitest';
import { mergeModules } from '../src/i18n.js';

describe('mergeModules', () => {
  it('puts each module\'s strings under its name in its language, and leaves the base alone', () => {
    const base = { 'zh-CN': { app: { name: '连心' } }, 'zh-TW': { app: { name: '連心' } }, en: { app: { name: 'Lianxin' } } };
    const out = mergeModules(base, {
      './modules/admin/locales/zh-CN.json': { title: '管理' },
      './modules/admin/locales/en.json': { title: 'Admin' },
      './modules/admin/locales/fr.json': { title: 'Admin (fr)' },
    });
    expect(out['zh-CN'].admin.title).toBe('管理');
    expect(out.en.admin.title).toBe('Admin');
    expect(out['zh-TW'].admin).toBeUndefined();
    expect(out.fr).toBeUndefined();
    expect(out['zh-CN'].app.name).toBe('连心');
    expect(base['zh-CN'].admin).toBeUndefined();
  });
});
