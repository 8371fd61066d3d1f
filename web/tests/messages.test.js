import { describe, it, expect } from 'vitest';
import { lockMinutes, passwordReason } from '../src/lib/messages.js';
import { countyDate, countyTime } from '../src/lib/dates.js';

describe('messages', () => {
  it('reads the minutes of a lockout and the reason a password was refused', () => {
    expect(lockMinutes('too many failed logins: locked for 27 more minutes')).toBe(27);
    expect(passwordReason({ field: 'new_password', message: 'the new password does not meet the policy (too_few_classes): at least 8' })).toBe('too_few_classes');
    expect(passwordReason({ field: 'old_password', message: 'the old password is wrong' })).toBe('wrong_old');
    expect(passwordReason({ field: 'new_password', message: 'the new password must differ from the old' })).toBe('same');
  });
  it('reads them in Chinese too: the server answers in the application\'s language', () => {
    expect(lockMinutes('登录失败次数过多，账户已锁定，请 29 分钟后再试')).toBe(29);
    expect(lockMinutes('登入失敗次數過多，賬戶已鎖定，請 3 分鐘後再試')).toBe(3);
    expect(passwordReason({ field: 'new_password', message: '新密码不符合要求（too_short）：至少 8 位' })).toBe('too_short');
    expect(passwordReason({ field: 'new_password', message: '新密碼不符合要求（contains_username）：至少 8 位' })).toBe('contains_username');
    expect(passwordReason({ field: 'new_password', message: '新密码不能与当前密码相同' })).toBe('same');
    expect(passwordReason({ field: 'new_password', message: '新密碼不能與當前密碼相同' })).toBe('same');
    expect(passwordReason({ field: 'new_password', message: '提交的内容太大' })).toBe(null);
  });
  it('counts dates in county time', () => {
    expect(countyDate(new Date('2026-11-23T17:13:36Z'))).toBe('2026-11-24');
    expect(countyTime('2026-11-23T17:13:36Z')).toBe('2026-11-24 01:13');
  });
});
