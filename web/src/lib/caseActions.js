// caseActions.js -- the actions staff may take on a case in each state (SPEC C5;
// the server's machine is src/core/casefsm.c, which stays the judge: a refused
// action comes back as 409 with its reason).

const BY_STATE = {
  received: ['assign', 'reply', 'escalate'],
  assigned: ['assign', 'start', 'reply', 'escalate'],
  in_progress: ['reply', 'wait', 'resolve', 'escalate', 'assign'],
  waiting: ['resume', 'reply'],
  resolved: ['rate', 'follow-up', 'close'],
  rated: ['close', 'follow-up'],
  closed: ['follow-up'],
};

// What each action asks for: 'text' required or optional, and its other fields.
export const ACTION_FIELDS = {
  assign: { text: 'optional', member: true },
  start: { text: 'optional' },
  reply: { text: 'required', internal: true },
  wait: { text: 'required' },
  resume: { text: 'optional' },
  escalate: { text: 'required' },
  resolve: { text: 'required' },
  rate: { text: 'optional', rating: true },
  'follow-up': { text: 'optional', result: true },
  close: {},
};

// The actions for a case as GET /cases/{id} gives it. Nothing escalates above the
// county; staff take a rating by phone only for a case without a household (a household's
// case has its card link, and the resident rates it there), and only once.
export function caseActions(c) {
  if (!c) return [];
  let acts = BY_STATE[c.state] ?? [];
  if (c.level === 'county') acts = acts.filter((a) => a !== 'escalate');
  if (c.rating || c.household_id) acts = acts.filter((a) => a !== 'rate');
  return acts;
}

// The body of POST /cases/{id}/<action> from the dialog's fields.
export function actionBody(action, f) {
  const spec = ACTION_FIELDS[action] ?? {};
  const body = {};
  if (spec.text && f.text) body.text = f.text;
  if (spec.member && f.member_id) body.member_id = f.member_id;
  if (spec.internal && f.internal) body.internal = true;
  if (spec.rating) body.rating = f.rating;
  if (spec.result) body.result = f.result;
  return body;
}
