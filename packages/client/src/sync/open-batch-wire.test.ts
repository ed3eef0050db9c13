import { describe, expect, it } from 'vitest';
import { packJobs, packOutcomes, unpackJobs, unpackOutcomes } from './open-batch-wire.ts';
import type { OpenOutcome } from './open-records.ts';

describe('open batch wire format', () => {
  it('round-trips jobs', () => {
    const jobs = [
      { recordId: 'ab'.repeat(16), armor: 'cfr1.AAAA' },
      { recordId: '', armor: '' },
      { recordId: 'x', armor: 'cfr1.,"\n\u00e9' },
    ];
    const packed = packJobs(jobs);
    expect(unpackJobs(structuredClone(packed))).toEqual(jobs);
  });

  it('round-trips every outcome and reads an unwritten slot as a refusal', () => {
    const outcomes: OpenOutcome[] = [
      { ok: true, updatedAt: 1_700_000_000_123 },
      { ok: false, reason: 'key_missing' },
      { ok: false, reason: 'rejected' },
      { ok: false, reason: 'signer_untrusted' },
      { ok: false, reason: 'malformed' },
      { ok: true, updatedAt: 0 },
    ];
    expect(unpackOutcomes(packOutcomes(outcomes))).toEqual(outcomes);
    const blank = { codes: new Uint8Array(2), times: new Float64Array(2) };
    expect(unpackOutcomes(blank)).toEqual([
      { ok: false, reason: 'rejected' },
      { ok: false, reason: 'rejected' },
    ]);
  });
});
