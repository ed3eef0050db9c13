import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PushResponse } from '../protocol.ts';
import type { MutationOutcome } from '../storage/contract.ts';
import { encodeAllApplied } from './push-body.ts';

const hex = (): string => randomBytes(16).toString('hex');
const applied = (seq: number): MutationOutcome => ({
  status: 'applied',
  mutationId: hex(),
  recordId: hex(),
  revision: 1 + (seq % 7),
  seq,
});

describe('encodeAllApplied', () => {
  it('writes exactly JSON.stringify of the PushResponse, for 1 to 500 applied mutations', () => {
    for (const n of [1, 2, 100, 500]) {
      const outcomes = Array.from({ length: n }, (_, i) =>
        applied(Number.MAX_SAFE_INTEGER - n + i),
      );
      const text = encodeAllApplied(outcomes);
      const expected: PushResponse = {
        results: outcomes.map((o) => ({
          mutationId: o.mutationId,
          status: 'applied',
          revision: (o as { revision: number }).revision,
          seq: (o as { seq: number }).seq,
        })),
        applied: true,
      };
      expect(text).toBe(JSON.stringify(expected));
      expect(PushResponse.parse(JSON.parse(text as string))).toEqual(expected);
    }
  });

  it('leaves any answer with a conflict or an abort to the objects', () => {
    const conflict: MutationOutcome = {
      status: 'conflict',
      mutationId: hex(),
      recordId: hex(),
      currentRevision: 3,
      currentEnvelope: null,
      currentEpoch: 1,
      currentSeq: 9,
    };
    const aborted = { status: 'aborted', mutationId: hex(), recordId: hex() } as MutationOutcome;
    expect(encodeAllApplied([applied(1), conflict])).toBeUndefined();
    expect(encodeAllApplied([aborted, applied(2)])).toBeUndefined();
  });
});
