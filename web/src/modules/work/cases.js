// cases.js -- opening a case and a member's own cases on the phone (docs/api.md, cases).
import { caseActions } from '../../lib/caseActions.js';

// The body of POST /cases from the form: the household or else the place (never both),
// the phone only when one was typed (spaces and dashes dropped).
export function caseBody(f) {
  const body = { channel: f.channel, category: f.category, priority: f.priority || 'ordinary', text: f.text.trim() };
  const phone = (f.phone ?? '').replace(/[\s-]/g, '');
  if (phone) body.phone = phone;
  if (f.target === 'node') { if (f.node_id) body.node_id = f.node_id; } else if (f.household_id) body.household_id = f.household_id;
  return body;
}

// What a member does with a case on the phone: the assignee's steps (start, an interim reply,
// the resolution); the rest stays with the secretaries and admins on the desktop.
const PHONE_ACTIONS = ['start', 'reply', 'resolve'];
export function phoneActions(c) {
  return caseActions(c).filter((a) => PHONE_ACTIONS.includes(a));
}

// A member's cases, most pressing first: open ones before finished ones (resolved, rated,
// closed), overdue first, then by deadline; the server's order within each.
const DONE = new Set(['resolved', 'rated', 'closed']);
export function myCaseOrder(items) {
  const rank = (c) => (DONE.has(c.state) ? 2 : c.overdue ? 0 : 1);
  return items.map((c, i) => [c, i])
    .sort(([a, i], [b, j]) => rank(a) - rank(b) || (rank(a) < 2 ? String(a.due_at).localeCompare(String(b.due_at)) : 0) || i - j)
    .map(([c]) => c);
}
