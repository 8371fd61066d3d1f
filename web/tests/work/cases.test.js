// cases.test.js -- opening a case from the form, and a member's cases on the phone.
import { describe, it, expect } from 'vitest';
import { caseBody, phoneActions, myCaseOrder } from '../../src/modules/work/cases.js';

const form = { channel: 'phone', category: 'water', priority: '', text: '  水管破了 ', phone: '139 1234-5678',
  target: 'household', household_id: 17, node_id: 5 };

describe('caseBody', () => {
  it('sends the household, not the place, and a phone without spaces', () => {
    expect(caseBody(form)).toEqual({ channel: 'phone', category: 'water', priority: 'ordinary', text: '水管破了',
      phone: '13912345678', household_id: 17 });
  });
  it('sends the place when the case concerns a place, and no empty phone', () => {
    expect(caseBody({ ...form, target: 'node', phone: ' ', priority: 'emergency' })).toEqual({
      channel: 'phone', category: 'water', priority: 'emergency', text: '水管破了', node_id: 5 });
  });
});

describe('phoneActions', () => {
  it('offers the assignee\'s own steps only', () => {
    expect(phoneActions({ state: 'assigned', level: 'village' })).toEqual(['start', 'reply']);
    expect(phoneActions({ state: 'in_progress', level: 'village' })).toEqual(['reply', 'resolve']);
    expect(phoneActions({ state: 'closed' })).toEqual([]);
    expect(phoneActions(null)).toEqual([]);
  });
});

describe('myCaseOrder', () => {
  it('puts overdue cases first, then open ones by deadline, finished ones last', () => {
    const items = [
      { id: 1, state: 'resolved', overdue: false, due_at: '2026-11-01T00:00:00Z' },
      { id: 2, state: 'in_progress', overdue: false, due_at: '2026-11-30T00:00:00Z' },
      { id: 3, state: 'assigned', overdue: false, due_at: '2026-11-25T00:00:00Z' },
      { id: 4, state: 'in_progress', overdue: true, due_at: '2026-11-20T00:00:00Z' },
      { id: 5, state: 'closed', overdue: false, due_at: '2026-10-01T00:00:00Z' },
    ];
    expect(myCaseOrder(items).map((c) => c.id)).toEqual([4, 3, 2, 1, 5]);
  });
});
