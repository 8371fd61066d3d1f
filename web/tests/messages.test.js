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
  it('counts dates in county time', () => {
    expect(countyDate(new Date('2026-11-23T17:13:36Z'))).toBe('2026-11-24');
    expect(countyTime('2026-11-23T17:13:36Z')).toBe('2026-11-24 01:13');
  });
});
