// dashboard.test.js -- the figures of the dashboard and the rates page, shaped from the API's answers.
import { describe, it, expect } from 'vitest';
import {
  pct, ratio, monthRange, monthsBack, drillTo, ancestry, coverageFigures, behindRows, childRows,
  rateSeries, contactSeries, rateRows, rateChartOption, contactChartOption,
} from '../../src/modules/work/dashboard.js';

describe('rates as percentages', () => {
  it('shows one decimal, rounded, and a dash when there is nothing to divide by', () => {
    expect(pct(0.625)).toBe('62.5%');
    expect(pct(0.23999999999999999)).toBe('24.0%');
    expect(pct(2 / 3)).toBe('66.7%');
    expect(pct(1)).toBe('100.0%');
    expect(pct(0)).toBe('0.0%');
    expect(pct(null)).toBe('—');
    expect(pct(undefined)).toBe('—');
  });
  it('divides only by something', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(0, 0)).toBeNull();
  });
});

describe('months', () => {
  it('gives the first and last day, leap years and December included', () => {
    expect(monthRange('2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthRange('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
  it('counts back across the new year, oldest first', () => {
    expect(monthsBack('2026-02', 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBack('2026-11', 1)).toEqual(['2026-11']);
  });
});

describe('drilling down', () => {
  const tree = { 1: { id: 1, name: '县', kind: 'county', parent_id: null }, 2: { id: 2, name: '镇', kind: 'township', parent_id: 1 },
    3: { id: 3, name: '村', kind: 'village', parent_id: 2 }, 4: { id: 4, name: '组', kind: 'group', parent_id: 3 } };
  const getNode = async (id) => tree[id];
  it('links a child place to its own dashboard', () => {
    expect(drillTo(26)).toEqual({ path: '/dashboard', query: { node_id: '26' } });
    expect(drillTo(26, '/rates')).toEqual({ path: '/rates', query: { node_id: '26' } });
  });
  it('builds the path from the user\'s own place down, never above it', async () => {
    expect((await ancestry(4, 1, getNode)).map((n) => n.name)).toEqual(['县', '镇', '村', '组']);
    expect((await ancestry(4, 2, getNode)).map((n) => n.id)).toEqual([2, 3, 4]);
    expect((await ancestry(2, 2, getNode)).map((n) => n.id)).toEqual([2]);
  });
});

describe('coverage and who is behind', () => {
  it('turns coverage counts into shares', () => {
    const f = coverageFigures({ households: 200, households_without_liaison: 50, households_in_difficulty: 40,
      in_difficulty_without_assistance: 40, hardest: 0, hardest_without_leader: 0, members: 9 });
    expect(f.liaison).toBe(0.75);
    expect(f.assistance).toBe(0);
    expect(f.hardest).toBeNull();
    expect(f.withoutLiaison).toBe(50);
  });
  it('puts the most missed first, then the largest shortfall, and keeps the first ten', () => {
    const members = [
      { member_id: 1, made: 5, missed: 1, expected_by_now: 6 },
      { member_id: 2, made: 1, missed: 3, expected_by_now: 9 },
      { member_id: 3, made: 2, missed: 1, expected_by_now: 9 },
      ...Array.from({ length: 20 }, (_, i) => ({ member_id: 10 + i, made: 0, missed: 0, expected_by_now: 1 })),
    ];
    const rows = behindRows({ members }, 10);
    expect(rows.map((r) => r.member_id).slice(0, 3)).toEqual([2, 3, 1]);
    expect(rows[1].shortfall).toBe(7);
    expect(rows).toHaveLength(10);
    expect(behindRows(null)).toEqual([]);
  });
});

describe('child places', () => {
  it('joins coverage, contacts and rates by place, blanks where an answer is missing', () => {
    const coverage = { children: [
      { id: 2, name: '城关街道', kind: 'street', households: 100, households_without_liaison: 20 },
      { id: 26, name: '黄桥镇', kind: 'township', households: 0, households_without_liaison: 0 }] };
    const rates = { children: [{ node_id: 26, received: 4, response_rate: 0.5, resolution_rate: 0.25, satisfaction_rate: null }] };
    const rows = childRows(coverage, { 2: { total: { made: 3, due: 4 } } }, rates);
    expect(rows[0]).toMatchObject({ id: 2, liaison: 0.8, made: 3, due: 4, contacts: 0.75, received: 0, response: null });
    expect(rows[1]).toMatchObject({ id: 26, liaison: null, made: null, due: null, received: 4, response: 0.5, satisfaction: null });
  });
  it('lists the place itself first on the rates page', () => {
    const r = { received: 2, responded_in_time: 1, resolved: 1, rated: 1, satisfied: 1, response_rate: 0.5, resolution_rate: 0.5, satisfaction_rate: 1 };
    const rows = rateRows({ node_id: 1, totals: r, children: [{ ...r, node_id: 5, name: '甲村' }] });
    expect(rows.map((x) => [x.id, !!x.total, x.name])).toEqual([[1, true, undefined], [5, false, '甲村']]);
    expect(rows[0]).toMatchObject({ received: 2, respondedInTime: 1, response: 0.5, satisfaction: 1 });
    expect(rateRows(null)).toEqual([]);
  });
});

describe('chart data', () => {
  const months = ['2026-10', '2026-11'];
  it('gives rates in percent per month, a month without cases as a gap', () => {
    const s = rateSeries(months, [{ totals: { received: 0, response_rate: null, resolution_rate: null, satisfaction_rate: null } },
      { totals: { received: 80, response_rate: 0.625, resolution_rate: 0.25, satisfaction_rate: 0.4615384 } }]);
    expect(s).toEqual({ months, received: [0, 80], response: [null, 62.5], resolution: [null, 25], satisfaction: [null, 46.2] });
    const o = rateChartOption(s, { response: 'R1', resolution: 'R2', satisfaction: 'R3' });
    expect(o.xAxis.data).toEqual(months);
    expect(o.yAxis).toMatchObject({ min: 0, max: 100 });
    expect(o.series.map((x) => [x.name, x.type, x.data])).toEqual([['R1', 'line', [null, 62.5]], ['R2', 'line', [null, 25]], ['R3', 'line', [null, 46.2]]]);
    expect(o.tooltip.valueFormatter(null)).toBe('—');
    expect(o.tooltip.valueFormatter(62.5)).toBe('62.5%');
  });
  it('gives contacts made, due and missed per month', () => {
    const s = contactSeries(months, [{ total: { made: 3, due: 5, missed: 2 } }, null]);
    expect(s).toEqual({ months, made: [3, 0], due: [5, 0], missed: [2, 0] });
    const o = contactChartOption(s, { made: 'M', due: 'D', missed: 'X' });
    expect(o.series.map((x) => x.type)).toEqual(['bar', 'bar', 'line']);
    expect(o.series[2].data).toEqual([2, 0]);
  });
});
