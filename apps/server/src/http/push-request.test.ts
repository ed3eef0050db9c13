import { describe, expect, it } from 'vitest';
import { PushRequest } from '../protocol.ts';
import { dearmor } from './armor.ts';
import { PushRequestOnTheEdge } from './push-request.ts';

const id = '0123456789abcdef0123456789abcdef';
const body = (envelope: string, extra: Record<string, unknown> = {}) => ({
  mutations: [
    { op: 'put', mutationId: id, recordId: id, baseRevision: null, epoch: 1, envelope, ...extra },
  ],
});

function dearmors(text: string): boolean {
  try {
    dearmor(text, 'e');
    return true;
  } catch {
    return false;
  }
}

describe('PushRequestOnTheEdge', () => {
  it('with dearmor, accepts exactly the envelopes the protocol schema and dearmor accept', () => {
    const envelopes = [
      'cfr1.Q0ZS',
      'cfr1.Q0ZSAQ',
      'cfr1.Q0ZSAR', // non-canonical trailing bits
      'cfr1.Q0ZSAQ==', // padding
      'cfr1.Q0+S', // base64, not base64url
      'cfr1.Q0/S',
      'cfr1.Q0_S',
      'cfr1.Q0-S',
      'cfr1.Q0 S',
      'cfr1.Q0ZS\n',
      'cfr1.',
      'cfr1.A', // impossible length
      'cfr2.Q0ZS',
      'Q0ZS',
      '',
      'cfr1.Q0ZSé',
    ];
    for (const e of envelopes) {
      const before = PushRequest.safeParse(body(e)).success && dearmors(e);
      const now = PushRequestOnTheEdge.safeParse(body(e)).success && dearmors(e);
      expect(now, e).toBe(before);
    }
  });

  it('keeps every other rule of the protocol schema', () => {
    const good = body('cfr1.Q0ZS');
    expect(PushRequestOnTheEdge.parse(good)).toEqual(PushRequest.parse(good));
    const bad: unknown[] = [
      body('cfr1.Q0ZS', { author: 'x' }),
      { ...good, force: true },
      { mutations: [] },
      body('cfr1.Q0ZS', { op: 'upsert' }),
      body('cfr1.Q0ZS', { epoch: 0 }),
      body('cfr1.Q0ZS', { recordId: id.toUpperCase() }),
      body(`cfr1.${'A'.repeat(400_000)}`),
      { mutations: Array.from({ length: 501 }, () => good.mutations[0]) },
      {
        mutations: [
          { op: 'delete', mutationId: id, recordId: id, baseRevision: 1, envelope: 'cfr1.Q0ZS' },
        ],
      },
    ];
    for (const b of bad) {
      expect(PushRequest.safeParse(b).success).toBe(false);
      expect(PushRequestOnTheEdge.safeParse(b).success).toBe(false);
    }
  });
});
