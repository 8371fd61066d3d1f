import { describe, it, expect } from 'vitest';
import { caseActions, actionBody } from '../src/lib/caseActions.js';

describe('caseActions', () => {
  it('offers what the state allows', () => {
    expect(caseActions({ state: 'received', level: 'village' })).toEqual(['assign', 'reply', 'escalate']);
    expect(caseActions({ state: 'in_progress', level: 'village' })).toContain('resolve');
    expect(caseActions({ state: 'waiting', level: 'village' })).toEqual(['resume', 'reply']);
    expect(caseActions({ state: 'resolved', level: 'village' })).toEqual(['rate', 'follow-up', 'close']);
    expect(caseActions(null)).toEqual([]);
  });
  it('never escalates above the county, never rates twice, leaves a household\'s rating to the resident', () => {
    expect(caseActions({ state: 'resolved', level: 'village', household_id: 3 })).toEqual(['follow-up', 'close']);
    expect(caseActions({ state: 'received', level: 'county' })).not.toContain('escalate');
    expect(caseActions({ state: 'resolved', level: 'village', rating: 'basic' })).not.toContain('rate');
  });
  it('sends only the fields an action takes', () => {
    const f = { text: 'done', member_id: 7, internal: true, rating: 'basic', result: 'fixed' };
    expect(actionBody('assign', f)).toEqual({ text: 'done', member_id: 7 });
    expect(actionBody('reply', f)).toEqual({ text: 'done', internal: true });
    expect(actionBody('close', f)).toEqual({});
    expect(actionBody('rate', { ...f, text: '' })).toEqual({ rating: 'basic' });
  });
});
