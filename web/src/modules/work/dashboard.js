// dashboard.js -- the figures of the home dashboard and the rates page, shaped from the
// API's answers (docs/api.md: coverage, compliance, behind, rates). No Vue, no requests:
// what is here is tested in web/tests/work/.

// A rate (0..1, or null when there is nothing to divide by) as a percentage with one decimal.
export function pct(rate) {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

// part ÷ whole as a rate, null when the whole is 0.
export function ratio(part, whole) {
  return whole > 0 ? part / whole : null;
}

// "YYYY-MM" of a "YYYY-MM-DD" county date.
export const monthOf = (date) => date.slice(0, 7);

// The first and last day of a month "YYYY-MM": {from, to} for ?from=&to=.
export function monthRange(month) {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

// The `n` months ending with `month`, oldest first: monthsBack('2026-02', 3) ->
// ['2025-12', '2026-01', '2026-02'].
export function monthsBack(month, n) {
  const [y, m] = month.split('-').map(Number);
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    const k = y * 12 + (m - 1) - i;
    out.push(`${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

// The dashboard of a place, as a router location.
export function drillTo(nodeId, base = '/dashboard') {
  return { path: base, query: { node_id: String(nodeId) } };
}

// The places from the user's own (the top they may see) down to `nodeId`, for the
// breadcrumb: follows parent_id through `getNode(id)` (GET /nodes/{id}) and stops at the
// user's place, at the root, or after 8 steps (the tree is never that deep).
export async function ancestry(nodeId, topId, getNode) {
  const chain = [];
  let id = nodeId;
  for (let i = 0; i < 8 && id; i++) {
    const n = await getNode(id);
    chain.unshift({ id: n.id, name: n.name, kind: n.kind });
    if (n.id === topId || !n.parent_id) break;
    id = n.parent_id;
  }
  return chain;
}

// Coverage of a place (one row of GET /coverage): share of households with a liaison member,
// share of households in difficulty with an assistance cadre, hardest with a leader.
export function coverageFigures(c) {
  if (!c) return null;
  return {
    households: c.households,
    members: c.members,
    liaison: ratio(c.households - c.households_without_liaison, c.households),
    assistance: ratio(c.households_in_difficulty - c.in_difficulty_without_assistance, c.households_in_difficulty),
    hardest: ratio(c.hardest - c.hardest_without_leader, c.hardest),
    withoutLiaison: c.households_without_liaison,
  };
}

// Members falling behind (GET /nodes/{id}/behind), worst first: most missed, then the largest
// shortfall against what the part of the month gone expects; `limit` of them.
export function behindRows(behind, limit = 10) {
  const rows = (behind?.members ?? []).map((m) => ({
    ...m, shortfall: Math.max(0, (m.expected_by_now ?? 0) - (m.made ?? 0)),
  }));
  rows.sort((a, b) => b.missed - a.missed || b.shortfall - a.shortfall || a.member_id - b.member_id);
  return rows.slice(0, limit);
}

// One row per child place for the dashboard's table, from the answers keyed by node id:
// coverage's children, each child's compliance totals, and rates' children.
export function childRows(coverage, complianceById = {}, rates = null) {
  const rateById = new Map((rates?.children ?? []).map((r) => [r.node_id, r]));
  return (coverage?.children ?? []).map((c) => {
    const comp = complianceById[c.id]?.total ?? null;
    const r = rateById.get(c.id) ?? null;
    return {
      id: c.id,
      name: c.name,
      kind: c.kind,
      households: c.households,
      liaison: ratio(c.households - c.households_without_liaison, c.households),
      made: comp?.made ?? null,
      due: comp?.due ?? null,
      contacts: comp ? ratio(comp.made, comp.due) : null,
      received: r?.received ?? 0,
      response: r?.response_rate ?? null,
      resolution: r?.resolution_rate ?? null,
      satisfaction: r?.satisfaction_rate ?? null,
    };
  });
}

// Rates of several months (GET /rates per month, oldest first) as chart series in percent,
// a month without cases a gap (null).
export function rateSeries(months, answers) {
  const p = (x) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10);
  return {
    months,
    received: answers.map((a) => a?.totals?.received ?? 0),
    response: answers.map((a) => p(a?.totals?.response_rate)),
    resolution: answers.map((a) => p(a?.totals?.resolution_rate)),
    satisfaction: answers.map((a) => p(a?.totals?.satisfaction_rate)),
  };
}

// Contacts of several months (GET /nodes/{id}/compliance per month, oldest first): made,
// due and missed per month.
export function contactSeries(months, answers) {
  return {
    months,
    made: answers.map((a) => a?.total?.made ?? 0),
    due: answers.map((a) => a?.total?.due ?? 0),
    missed: answers.map((a) => a?.total?.missed ?? 0),
  };
}

// The rates table of one month: the place itself (its total) first, then each child place.
export function rateRows(rates) {
  if (!rates) return [];
  const row = (r, extra) => ({
    received: r.received, respondedInTime: r.responded_in_time, resolved: r.resolved, rated: r.rated,
    satisfied: r.satisfied, response: r.response_rate, resolution: r.resolution_rate,
    satisfaction: r.satisfaction_rate, ...extra,
  });
  return [row(rates.totals, { id: rates.node_id, total: true }),
    ...rates.children.map((c) => row(c, { id: c.node_id, name: c.name }))];
}

// The ECharts option of the rates trend: one line per rate, in percent, gaps where a month
// had no cases. `names` are the three series' names in the user's language.
export function rateChartOption(series, names) {
  const line = (name, data) => ({ name, type: 'line', data, connectNulls: false, symbolSize: 8 });
  return {
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}%`) },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: series.months },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    color: ['#a8201a', '#1a5fb4', '#1e6b34'],
    series: [line(names.response, series.response), line(names.resolution, series.resolution),
      line(names.satisfaction, series.satisfaction)],
  };
}

// The ECharts option of the contacts trend: made and due per month as bars, missed as a line.
export function contactChartOption(series, names) {
  return {
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 56, right: 16, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: series.months },
    yAxis: { type: 'value', minInterval: 1 },
    color: ['#1a5fb4', '#8a8f99', '#a8201a'],
    series: [
      { name: names.made, type: 'bar', data: series.made },
      { name: names.due, type: 'bar', data: series.due },
      { name: names.missed, type: 'line', data: series.missed, symbolSize: 8 },
    ],
  };
}
