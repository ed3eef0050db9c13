import { describe, expect, it } from 'vitest';
import { sessionToRevoke } from './devices-revoke.ts';

const sessions = [
  { sessionId: 'aaaa1111bbbb2222cccc3333dddd4444', current: true },
  { sessionId: 'aaaa1111ffff0000ffff0000ffff0000', current: false },
  { sessionId: '0123456789abcdef0123456789abcdef', current: false },
];
const refusal = (typed: string) => {
  try {
    sessionToRevoke(sessions, typed);
  } catch (e) {
    return { exit: (e as { exit?: string }).exit, message: (e as Error).message };
  }
  throw new Error(`${typed} was accepted`);
};

describe('sessionToRevoke', () => {
  it('takes a unique prefix of 8 or more characters in any case', () => {
    expect(sessionToRevoke(sessions, '01234567').sessionId).toBe(sessions[2]!.sessionId);
    expect(sessionToRevoke(sessions, 'AAAA1111FFFF').sessionId).toBe(sessions[1]!.sessionId);
  });

  it('refuses a prefix two sessions share, naming how many', () => {
    expect(refusal('aaaa1111')).toEqual({ exit: 'usage', message: 'aaaa1111 matches 2 sessions' });
  });

  it("refuses this device's own session, an unknown id, and a short or non-hex one", () => {
    expect(refusal('aaaa1111bbbb')).toMatchObject({ exit: 'usage', message: /own session/ });
    expect(refusal('ffffffff')).toMatchObject({ exit: 'notFound' });
    expect(refusal('0123456')).toMatchObject({ exit: 'usage', message: /8 or more hex/ });
    expect(refusal('0123456z')).toMatchObject({ exit: 'usage', message: /8 or more hex/ });
  });
});
