import { describe, it, expect } from 'vitest';
import { useDraft, clearAllDrafts } from '../src/composables/useDraft.js';
import { fakeStorage } from './fakeStorage.js';

describe('useDraft', () => {
  it('saves every change at once and gives it back to the next form of the same key', () => {
    const storage = fakeStorage();
    const a = useDraft('visit:9', { notes: '', household_ids: [] }, { storage });
    expect(a.hasDraft).toBe(false);
    a.form.notes = '王大爷家屋顶漏雨';
    a.form.household_ids.push(4);
    // No tick awaited: a 401 right after a keystroke must not lose it.
    const b = useDraft('visit:9', { notes: '', household_ids: [] }, { storage });
    expect(b.hasDraft).toBe(true);
    expect(b.form.notes).toBe('王大爷家屋顶漏雨');
    expect(b.form.household_ids).toEqual([4]);
  });

  it('forgets the draft once sent, and keeps drafts of other keys', () => {
    const storage = fakeStorage();
    const a = useDraft('visit:9', { notes: '' }, { storage });
    const other = useDraft('case:9:1', { text: '' }, { storage });
    a.form.notes = 'sent';
    other.form.text = 'still typing';
    a.clear();
    expect(a.form.notes).toBe('');
    expect(useDraft('visit:9', { notes: '' }, { storage }).hasDraft).toBe(false);
    expect(useDraft('case:9:1', { text: '' }, { storage }).form.text).toBe('still typing');
  });

  it('takes only the fields the form has, of the same type, and survives a corrupt draft', () => {
    const storage = fakeStorage();
    storage.setItem('lx_draft:x', JSON.stringify({ notes: 5, extra: 'no', date: '2026-11-20' }));
    const d = useDraft('x', { notes: '', date: '' }, { storage });
    expect(d.form).toEqual({ notes: '', date: '2026-11-20' });
    expect('extra' in d.form).toBe(false);
    storage.setItem('lx_draft:y', '{not json');
    const y = useDraft('y', { notes: 'init' }, { storage });
    expect(y.form.notes).toBe('init');
    expect(storage.getItem('lx_draft:y')).toBe(null);
  });

  it('clearAllDrafts removes drafts only', () => {
    const storage = fakeStorage();
    storage.setItem('lx_locale', 'en');
    useDraft('a', { t: '' }, { storage }).form.t = '1';
    useDraft('b', { t: '' }, { storage }).form.t = '2';
    clearAllDrafts(storage);
    expect(storage.length).toBe(1);
    expect(storage.getItem('lx_locale')).toBe('en');
  });
});
