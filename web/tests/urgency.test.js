import { describe, it, expect } from 'vitest';
import { householdRows } from '../src/lib/urgency.js';

const hh = (id) => ({ id, head_name: `H${id}` });

describe('householdRows', () => {
  it('orders overdue (most days first), due this week (soonest first), never visited, then longest since a visit', () => {
    const due = {
      items: [
        { rule: 'child.homework', household_id: 5, due: '2026-11-29', days_overdue: 0, state: 'open' },
        { rule: 'elderly.call', household_id: 6, due: '2026-11-27', days_overdue: 0, state: 'open' },
        { rule: 'elderly.call', household_id: 3, due: '2026-11-15', days_overdue: 9, state: 'missed' },
        { rule: 'child.talk', household_id: 4, due: '2026-10-31', days_overdue: 24, state: 'missed' },
        { rule: 'member.talks', due: '2025-12-31', days_overdue: 328, state: 'missed' },
      ],
      households: [1, 2, 3, 4, 5, 6, 7].map((id) => ({ household_id: id, last_visit: null, days_since_visit: null }))
        .map((h) => (h.household_id === 1 ? { ...h, last_visit: '2026-11-01', days_since_visit: 23 }
          : h.household_id === 2 ? { ...h, last_visit: '2026-11-20', days_since_visit: 4 } : h)),
    };
    const rows = householdRows(due, [1, 2, 3, 4, 5, 6, 7].map(hh));
    expect(rows.map((r) => r.id)).toEqual([4, 3, 6, 5, 7, 1, 2]);
    expect(rows.map((r) => r.badge)).toEqual(['overdue', 'overdue', 'due', 'due', 'never', 'ok', 'ok']);
    expect(rows[0].maxOverdue).toBe(24);
    expect(rows[0].household.head_name).toBe('H4');
    expect(rows.some((r) => r.id === undefined)).toBe(false); // the member's own rule is not a household
  });

  it('a visit today turns a never-visited household into ok and moves it down', () => {
    const before = { items: [], households: [{ household_id: 1, last_visit: null, days_since_visit: null },
      { household_id: 2, last_visit: '2026-11-10', days_since_visit: 14 }] };
    const after = { items: [], households: [{ household_id: 2, last_visit: '2026-11-10', days_since_visit: 14 },
      { household_id: 1, last_visit: '2026-11-24', days_since_visit: 0 }] };
    expect(householdRows(before, [hh(1), hh(2)]).map((r) => [r.id, r.badge])).toEqual([[1, 'never'], [2, 'ok']]);
    expect(householdRows(after, [hh(1), hh(2)]).map((r) => [r.id, r.badge])).toEqual([[2, 'ok'], [1, 'ok']]);
  });
});
