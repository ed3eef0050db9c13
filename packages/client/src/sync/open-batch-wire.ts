/**
 * How a batch travels between the Node open pool and its workers: record ids
 * and armors as two arrays of strings (no object per job to serialise), and
 * the outcomes as two typed arrays that are moved, not copied. The armors
 * stay separate small strings on purpose: joined into one string per page
 * (large objects, which only a full GC collects) the bench's 100 000-record
 * sync peaked at 594 MiB RSS instead of 413 in the same run.
 */
import type { OpenJob, OpenOutcome } from './open-records.ts';

/** A batch as sent to a worker. */
export interface PackedJobs {
  ids: string[];
  armors: string[];
}

/** Outcomes as sent back. */
export interface PackedOutcomes {
  /**
   * 1: opened; 2 + index in {@link REASONS}: refused. 0 (a slot never
   * written) reads as a refusal: fail closed.
   */
  codes: Uint8Array;
  /** `updatedAt` of each opened record. */
  times: Float64Array;
}

const REASONS = ['key_missing', 'rejected', 'signer_untrusted', 'malformed'] as const;

/**
 * Pack jobs for a worker.
 *
 * @example
 * worker.postMessage({ id, keys, ...packJobs(jobs) });
 */
export function packJobs(jobs: ReadonlyArray<OpenJob>): PackedJobs {
  return { ids: jobs.map((j) => j.recordId), armors: jobs.map((j) => j.armor) };
}

/**
 * The jobs of a packed batch (the worker's side; a missing armor reads as empty, which never opens).
 *
 * @example
 * const jobs = unpackJobs(request);
 */
export function unpackJobs(packed: PackedJobs): OpenJob[] {
  return packed.ids.map((recordId, i) => ({ recordId, armor: packed.armors[i] ?? '' }));
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
      times[i] = o.updatedAt;
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
    if (code === 1) return { ok: true, updatedAt: packed.times[i]! };
    return { ok: false, reason: REASONS[code - 2] ?? 'rejected' };
  });
}
