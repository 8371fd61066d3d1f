import { describe, it, expect, vi, beforeEach } from 'vitest';
import { fakeStorage } from './fakeStorage.js';

globalThis.sessionStorage = fakeStorage();
const { api, setCsrf, withQuery, fieldErrors, ApiError, setUnauthenticatedHandler } = await import('../src/lib/api.js');

function answer(status, body) {
  return vi.fn(async () => ({ status, ok: status < 400, text: async () => (body === undefined ? '' : JSON.stringify(body)) }));
}

describe('api', () => {
  beforeEach(() => setUnauthenticatedHandler(null));

  it('sends the CSRF token on changes only, and keeps it for the tab', async () => {
    setCsrf('tok-1');
    expect(sessionStorage.getItem('lx_csrf')).toBe('tok-1');
    const f = answer(200, { ok: 1 });
    await api('POST', '/contacts', { kind: 'visit' }, { fetchImpl: f });
    await api('GET', '/vocab', undefined, { fetchImpl: f });
    const [[url, post], [, getReq]] = f.mock.calls;
    expect(url).toBe('/api/v1/contacts');
    expect(post.headers['X-CSRF-Token']).toBe('tok-1');
    expect(post.credentials).toBe('same-origin');
    expect(JSON.parse(post.body)).toEqual({ kind: 'visit' });
    expect(getReq.headers['X-CSRF-Token']).toBeUndefined();
  });

  it('turns an error answer into ApiError with the field, and tells the handler about a 401', async () => {
    const ended = vi.fn();
    setUnauthenticatedHandler(ended);
    const bad = answer(400, { error: { code: 'invalid', message: 'notes is too long', field: 'notes' } });
    const e = await api('POST', '/contacts', {}, { fetchImpl: bad }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(fieldErrors(e)).toEqual({ notes: 'notes is too long' });
    expect(ended).not.toHaveBeenCalled();
    await api('GET', '/auth/me', undefined, { fetchImpl: answer(401, { error: { code: 'unauthenticated', message: 'x' } }) }).catch(() => {});
    expect(ended).toHaveBeenCalledTimes(1);
    // A wrong password at login is not an ended session.
    await api('POST', '/auth/login', {}, { fetchImpl: answer(401, { error: { code: 'unauthenticated', message: 'x' } }) }).catch(() => {});
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('builds query strings without empty filters', () => {
    expect(withQuery('/households', { q: '王 五', tags: ['a', 'b'], difficulty: '', under: undefined, limit: 50 }))
      .toBe('/households?q=%E7%8E%8B%20%E4%BA%94&tags=a%2Cb&limit=50');
    expect(withQuery('/x', {})).toBe('/x');
    expect(fieldErrors(new ApiError(400, { error: { message: 'bad', field: 'answers.age' } }))).toEqual({ answers: 'bad' });
  });
});
