// names.test.js -- the names rows refer to: read a page at a time through ?ids=, kept after.
import { describe, it, expect } from 'vitest';
import { ensureNames, refName, IDS_PER_REQUEST } from '../../src/modules/registry/names.js';

function fakeServer(known) {
  const asked = [];
  const getImpl = async (path, q) => {
    asked.push([path, q]);
    const ids = q.ids.split(',').map(Number);
    return { items: ids.filter((id) => known[id]).map((id) => ({ id, name: known[id], head_name: known[id] })), next: null };
  };
  return { asked, getImpl };
}

describe('names of referenced records', () => {
  it('asks once for a page of ids, and says #id for one out of reach', async () => {
    const { asked, getImpl } = fakeServer({ 3: '张三', 4: '李四' });
    await ensureNames('members', [3, 4, 3, 9, null, undefined, '4'], { getImpl });
    expect(asked).toEqual([['/members', { ids: '3,4,9', active: 'all', limit: 3 }]]);
    expect([refName('members', 3), refName('members', 4), refName('members', 9)]).toEqual(['张三', '李四', '#9']);
    await ensureNames('members', [3, 9], { getImpl });
    expect(asked.length).toBe(1); // known, out of reach included: not asked again
  });
  it('splits more ids than one request takes', async () => {
    const known = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [1000 + i, `户${i}`]));
    const { asked, getImpl } = fakeServer(known);
    await ensureNames('households', Object.keys(known).map(Number), { getImpl });
    expect(asked.map(([, q]) => q.ids.split(',').length)).toEqual([IDS_PER_REQUEST, IDS_PER_REQUEST, 120 - 2 * IDS_PER_REQUEST]);
    expect(refName('households', 1119)).toBe('户119');
  });
  it('shows ids when the request fails, and asks for no kind it does not know', async () => {
    const asked = [];
    await ensureNames('units', [7], { getImpl: async (p) => { asked.push(p); throw new Error('offline'); } });
    expect(refName('units', 7)).toBe('#7');
    await ensureNames('nonsense', [1], { getImpl: async (p) => { asked.push(p); return { items: [] }; } });
    expect(asked).toEqual(['/units']);
  });
});
