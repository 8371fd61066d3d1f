// messages.js -- the server's answers put into words the user reads, in their language.

// Minutes left of a lockout, from the 423 message "locked for N more minutes".
export function lockMinutes(message) {
  const m = /(\d+) more minute/.exec(message ?? '');
  return m ? Number(m[1]) : 30;
}

// Why a new password was refused: the reason code the server puts in parentheses
// ("does not meet the policy (too_short): ..."), or 'wrong_old' for the old password.
export function passwordReason(err) {
  if (err?.field === 'old_password') return 'wrong_old';
  if (/must differ/.test(err?.message ?? '')) return 'same';
  const m = /\(([a-z_]+)\)/.exec(err?.message ?? '');
  return m ? m[1] : null;
}

// A sentence for a failed request: known statuses in the user's language, else the server's.
export function errorText(t, err) {
  if (!err) return '';
  if (err.code === 'network') return t('common.networkError');
  if (err.status === 403 && !err.message) return t('common.forbidden');
  if (err.status === 404) return t('common.notFound');
  return err.message || t('common.error');
}
