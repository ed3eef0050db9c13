/**
 * How a batch travels between the Node open pool and its workers: the record
 * ids as an array of strings and the envelopes already decoded into one
 * buffer that is moved, not copied (and moved back with the outcomes); the
 * outcomes as two typed arrays, also moved. Decoding on the sending side
 * costs about what cloning the armor strings did, and the worker is spared
 * reading 1 000 strings of ~1.4 KB per page into its heap (its garbage) and
 * decoding them.
 */
import type { OpenJob, OpenOutcome } from './open-records.ts';
import { decodePackedArmor, type PackedEnvelopes } from './packed-armor.ts';

/** A batch as sent to a worker: `ids[i]` is the slot of envelope i of the page. */
export interface PackedJobs extends PackedEnvelopes {
  ids: string[];
}

/** Outcomes as sent back. */
export interface PackedOutcomes {
  /**
   * 1: opened; 2 + index in {@link REASONS}: refused. 0 (a slot never
   * written) reads as a refusal: fail closed.
   */
  codes: Uint8Array;
  /** Freshness (`recordFreshness`) of each opened record. */
  times: Float64Array;
}

const REASONS = ['key_missing', 'rejected', 'signer_untrusted', 'malformed'] as const;

/**
 * Pack jobs for a worker (decodes every armor; one that is not canonical is
 * marked in `offsets` and refused as `malformed` on the other side).
 *
 * @example
 * const batch = packJobs(jobs);
 * worker.postMessage({ id, keys, ...batch }, [batch.packed.buffer, batch.offsets.buffer]);
 */
export function packJobs(jobs: ReadonlyArray<OpenJob>): PackedJobs {
  const { packed, offsets } = decodePackedArmor(jobs.map((j) => j.envelope));
  return { ids: jobs.map((j) => j.recordId), packed, offsets };
}

/**
 * Pack outcomes for the way back.
 *
 * @example
 * const { codes, times } = packOutcomes(outcomes);
 */
export function packOutcomes(outcomes: ReadonlyArray<OpenOutcome>): PackedOutcomes {
  const codes = new Uint8Array(outcomes.length);
  const times = new Float64Array(outcomes.length);
  outcomes.forEach((o, i) => {
    if (o.ok) {
      codes[i] = 1;
      times[i] = o.freshness;
    } else codes[i] = 2 + REASONS.indexOf(o.reason);
  });
  return { codes, times };
}

/**
 * Outcomes from their packed form (a code outside the table is a refusal).
 *
 * @example
 * const outcomes = unpackOutcomes(reply);
 */
export function unpackOutcomes(packed: PackedOutcomes): OpenOutcome[] {
  return Array.from(packed.codes, (code, i): OpenOutcome => {
    if (code === 1) return { ok: true, freshness: packed.times[i]! };
    return { ok: false, reason: REASONS[code - 2] ?? 'rejected' };
  });
}
