/**
 * How a batch travels between the Node open pool and its workers: the
 * page's record ids and armors as two long strings with end offsets, and the
 * outcomes as two typed arrays. Structured clone then copies two strings and
 * moves three buffers, instead of serialising 1 000 small objects each way
 * (which cost the main thread several microseconds per record).
 */
import type { OpenJob, OpenOutcome } from './open-records.ts';

/** A batch as sent to a worker. */
export interface PackedJobs {
  ids: string;
  armors: string;
  /** End of job i's id in `ids` and of its armor in `armors` (2 per job). */
  ends: Int32Array;
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
 * worker.postMessage(packJobs(jobs), [packed.ends.buffer]);
 */
export function packJobs(jobs: ReadonlyArray<OpenJob>): PackedJobs {
  const ends = new Int32Array(jobs.length * 2);
  let id = 0;
  let armor = 0;
  jobs.forEach((job, i) => {
    id += job.recordId.length;
    armor += job.armor.length;
    ends[2 * i] = id;
    ends[2 * i + 1] = armor;
  });
  return {
    ids: jobs.map((j) => j.recordId).join(''),
    armors: jobs.map((j) => j.armor).join(''),
    ends,
  };
}

/**
 * The jobs of a packed batch (the worker's side).
 *
 * @example
 * const jobs = unpackJobs(request);
 */
export function unpackJobs(packed: PackedJobs): OpenJob[] {
  const jobs: OpenJob[] = [];
  let id = 0;
  let armor = 0;
  for (let i = 0; i < packed.ends.length; i += 2) {
    const idEnd = packed.ends[i]!;
    const armorEnd = packed.ends[i + 1]!;
    jobs.push({
      recordId: packed.ids.slice(id, idEnd),
      armor: packed.armors.slice(armor, armorEnd),
    });
    id = idEnd;
    armor = armorEnd;
  }
  return jobs;
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
