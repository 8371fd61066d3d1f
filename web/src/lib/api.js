// api.js -- the one way the application talks to the server (docs/api.md).
// Same-origin fetch with the session cookie; the CSRF token from the login or
// password-change answer is kept in memory and in sessionStorage (it dies with
// the tab, like the session it belongs to) and sent on every state change.
// Failures become ApiError with the server's {code, message, field}; the server writes the
// message in the language of the Accept-Language header, the application's locale.

const CSRF_KEY = 'lx_csrf';
const LANGUAGES = ['zh-CN', 'zh-TW', 'en'];
let csrf = null;
let onUnauthenticated = null;
let language = 'zh-CN';

function storage() {
  try { return globalThis.sessionStorage ?? null; } catch { return null; }
}

export function setCsrf(token) {
  csrf = token || '';
  const s = storage();
  if (s) { if (csrf) s.setItem(CSRF_KEY, csrf); else s.removeItem(CSRF_KEY); }
}

export function getCsrf() {
  if (csrf === null) csrf = storage()?.getItem(CSRF_KEY) ?? '';
  return csrf;
}

// The locale the server's messages are asked for (i18n.js keeps it the application's own);
// anything but zh-CN, zh-TW or en is Simplified Chinese, the default.
export function setLanguage(l) { language = LANGUAGES.includes(l) ? l : 'zh-CN'; }
export function getLanguage() { return language; }

// The headers every request sends: JSON answers, in the application's language.
export function baseHeaders() { return { Accept: 'application/json', 'Accept-Language': language }; }

// Called with the ApiError when a request other than the login answers 401:
// the session ended (idle, absolute limit, logout elsewhere, password change).
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

export class ApiError extends Error {
  constructor(status, body) {
    const e = body?.error ?? {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'network';
    this.field = e.field || null;
    this.body = body;
  }
}

// "/api/v1/households" + {q: 'x', tags: ['a','b'], empty: ''} -> query string;
// empty values are left out, arrays are joined with commas.
export function withQuery(path, query = {}) {
  const parts = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    const val = Array.isArray(v) ? v.join(',') : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(val)}`);
  }
  return parts.length ? `${path}${path.includes('?') ? '&' : '?'}${parts.join('&')}` : path;
}

// `body` goes as JSON; `raw: {body, type}` sends a file itself as the body (a photo, a ledger).
export async function api(method, path, body, { query, raw, fetchImpl = globalThis.fetch } = {}) {
  const headers = baseHeaders();
  if (method !== 'GET' && method !== 'HEAD') {
    const t = getCsrf();
    if (t) headers['X-CSRF-Token'] = t;
  }
  let payload;
  if (raw) { headers['Content-Type'] = raw.type; payload = raw.body; }
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  let res;
  try {
    res = await fetchImpl('/api/v1' + withQuery(path, query),
      { method, headers, body: payload, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, { error: { code: 'network', message: String(err) } });
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const err = new ApiError(res.status, json);
    if (res.status === 401 && path !== '/auth/login' && onUnauthenticated) onUnauthenticated(err);
    throw err;
  }
  return json;
}

export const get = (path, query) => api('GET', path, undefined, { query });
export const post = (path, body = {}) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);

// The errors of a failed request as {field: message}, for el-form-item's `error`:
// the field the server named (its first part for "answers.key"), or '_' for the form.
export function fieldErrors(err) {
  if (!(err instanceof ApiError)) return { _: String(err?.message ?? err) };
  const f = err.field ? err.field.split('.')[0] : '_';
  return { [f]: err.message };
}
