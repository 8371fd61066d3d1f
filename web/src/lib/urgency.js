// urgency.js -- a member's households in order of urgency, from the due list
// (GET /api/v1/members/{id}/due) and the households themselves (GET /households).

// One row per household: its overdue and due-this-week obligations, its last
// visit, and a badge: 'overdue' (something is past due), 'due' (falls due this
// week), 'never' (never visited), 'ok'.
export function householdRows(due, households) {
  const byId = new Map(households.map((h) => [h.id, h]));
  const rows = new Map();
  const row = (id) => {
    if (!rows.has(id)) {
      rows.set(id, { id, household: byId.get(id) ?? null, overdue: [], due: [],
        lastVisit: null, daysSinceVisit: null, maxOverdue: 0, nextDue: null });
    }
    return rows.get(id);
  };
  for (const h of due?.households ?? []) {
    const r = row(h.household_id);
    r.lastVisit = h.last_visit;
    r.daysSinceVisit = h.days_since_visit;
  }
  for (const it of due?.items ?? []) {
    if (!it.household_id) continue;
    const r = row(it.household_id);
    if (it.days_overdue > 0) {
      r.overdue.push(it);
      r.maxOverdue = Math.max(r.maxOverdue, it.days_overdue);
    } else {
      r.due.push(it);
      if (!r.nextDue || it.due < r.nextDue) r.nextDue = it.due;
    }
  }
  for (const r of rows.values()) {
    r.badge = r.overdue.length ? 'overdue' : r.due.length ? 'due' : r.lastVisit ? 'ok' : 'never';
  }
  return [...rows.values()].sort(byUrgency);
}

const RANK = { overdue: 0, due: 1, never: 2, ok: 3 };

// Most overdue first; then what falls due soonest; then never visited; then the
// longest since a visit; ties by id so the order does not jump between loads.
export function byUrgency(a, b) {
  if (RANK[a.badge] !== RANK[b.badge]) return RANK[a.badge] - RANK[b.badge];
  if (a.badge === 'overdue' && a.maxOverdue !== b.maxOverdue) return b.maxOverdue - a.maxOverdue;
  if (a.badge === 'due' && a.nextDue !== b.nextDue) return a.nextDue < b.nextDue ? -1 : 1;
  if (a.badge === 'ok' && a.daysSinceVisit !== b.daysSinceVisit) return b.daysSinceVisit - a.daysSinceVisit;
  return a.id - b.id;
}

// The member's own obligations (talks, meetings): items of the due list without a household.
export function ownItems(due) {
  return (due?.items ?? []).filter((it) => !it.household_id);
}
