import { describe, expect, it } from 'vitest';
import { packJobs, packOutcomes, unpackOutcomes } from './open-batch-wire.ts';
import type { OpenOutcome } from './open-records.ts';
import { packedEnvelope } from './packed-armor.ts';

describe('open batch wire format', () => {
  it('moves jobs decoded: ids as sent, envelope bytes in one buffer, bad armor marked', () => {
    const jobs = [
      { recordId: 'ab'.repeat(16), envelope: 'cfr1.AAEC' },
      { recordId: '', envelope: '' },
      { recordId: 'x', envelope: 'cfr1.,"\n\u00e9' },
      // Not canonical: the last character carries bits past the end.
      { recordId: 'y', envelope: 'cfr1.AAF' },
      { recordId: 'z', envelope: 'cfr1._-8' },
    ];
    const batch = packJobs(jobs);
    // What the worker receives when the buffers are moved to it.
    const received = structuredClone(batch, {
      transfer: [batch.packed.buffer, batch.offsets.buffer] as ArrayBuffer[],
    });
    expect(batch.packed.byteLength).toBe(0); // moved, not copied
    expect(received.ids).toEqual(jobs.map((j) => j.recordId));
    const bytes = jobs.map((_, i) => {
      const e = packedEnvelope(received, i);
      return e && Array.from(e);
    });
    expect(bytes).toEqual([[0, 1, 2], undefined, undefined, undefined, [255, 239]]);
  });

  it('round-trips every outcome and reads an unwritten slot as a refusal', () => {
    const outcomes: OpenOutcome[] = [
      { ok: true, freshness: 1_700_000_000_123 },
      { ok: false, reason: 'key_missing' },
      { ok: false, reason: 'rejected' },
      { ok: false, reason: 'signer_untrusted' },
      { ok: false, reason: 'malformed' },
      { ok: true, freshness: 0 },
    ];
    expect(unpackOutcomes(packOutcomes(outcomes))).toEqual(outcomes);
    const blank = { codes: new Uint8Array(2), times: new Float64Array(2) };
    expect(unpackOutcomes(blank)).toEqual([
      { ok: false, reason: 'rejected' },
      { ok: false, reason: 'rejected' },
    ]);
  });
});
