// messages.js -- the server's answers put into words the user reads, in their language.

// The server writes its messages in the application's language (api.js sends
// Accept-Language), so what is read from them here holds in all three.

// Minutes left of a lockout: the one number in the 423 message ("locked for N more
// minutes", "请 N 分钟后再试", "請 N 分鐘後再試").
export function lockMinutes(message) {
  const m = /(\d+)/.exec(message ?? '');
  return m ? Number(m[1]) : 30;
}

// Why a new password was refused: the reason code the server puts in parentheses
// ("does not meet the policy (too_short): ...", "不符合要求（too_short）"), 'same' for one
// equal to the old, or 'wrong_old' for the old password.
const SAME = /must differ|不能与当前密码相同|不能與當前密碼相同/;
export function passwordReason(err) {
  if (err?.field === 'old_password') return 'wrong_old';
  if (SAME.test(err?.message ?? '')) return 'same';
  const m = /[(（]([a-z_]+)[)）]/.exec(err?.message ?? '');
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
