// useDraft.js -- a form's fields kept in localStorage until the form is sent, so
// that an expired session (back to the login page and back again), a reload or a
// closed tab does not lose what was being typed.
import { reactive, watch } from 'vue';

const PREFIX = 'lx_draft:';

function defaultStorage() {
  try { return globalThis.localStorage ?? null; } catch { return null; }
}

// A reactive copy of `initial`, filled from the saved draft under `key` (only the
// fields `initial` has, of the same type), saved on every change.
// Returns {form, clear, hasDraft}: clear() after the server accepted the form
// forgets the draft and puts the initial values back.
export function useDraft(key, initial, { storage = defaultStorage() } = {}) {
  const name = PREFIX + key;
  const fresh = () => JSON.parse(JSON.stringify(initial));
  const form = reactive(fresh());
  let hasDraft = false;
  if (storage) {
    try {
      const saved = JSON.parse(storage.getItem(name) ?? 'null');
      if (saved && typeof saved === 'object') {
        for (const k of Object.keys(form)) {
          const same = Array.isArray(form[k]) ? Array.isArray(saved[k])
            : saved[k] !== null && typeof saved[k] === typeof form[k];
          if (k in saved && same) { form[k] = saved[k]; hasDraft = true; }
        }
      }
    } catch { storage.removeItem(name); }
  }
  let clearing = false;
  // Synchronous: a keystroke is on disk before any request can fail with 401.
  watch(form, (v) => {
    if (!storage || clearing) return;
    try { storage.setItem(name, JSON.stringify(v)); } catch { /* full: keep going */ }
  }, { deep: true, flush: 'sync' });
  function clear() {
    clearing = true;
    Object.assign(form, fresh());
    clearing = false;
    storage?.removeItem(name);
  }
  return { form, clear, hasDraft };
}

// Forget every draft (another person logs in on this browser).
export function clearAllDrafts(storage = defaultStorage()) {
  if (!storage) return;
  const keys = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k && k.startsWith(PREFIX)) keys.push(k);
  }
  keys.forEach((k) => storage.removeItem(k));
}
