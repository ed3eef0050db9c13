/**
 * Engine-independent rules of a push: input checks, the optimistic
 * concurrency test, and the shape of outcomes. The engines run these inside
 * their write transaction, after locking the vault's sequence counter.
 */

import type { Mutation, MutationOutcome } from './contract.ts';
import { StorageError } from './errors.ts';
import { assertCount, idBytes } from './ids.ts';

/** The stored state of a record, as a push sees it. */
export interface CurrentRecord {
  revision: number;
  envelope: Uint8Array | null;
  epoch: number;
  seq: number;
}

/** Throws `invalid_argument` for a malformed batch before anything is written. */
export function checkMutations(mutations: ReadonlyArray<Mutation>, currentEpoch: number): void {
  for (const m of mutations) {
    idBytes(m.mutationId, 'mutationId');
    idBytes(m.recordId, 'recordId');
    if (m.baseRevision !== null) assertCount(m.baseRevision, 'baseRevision');
    if (!Number.isSafeInteger(m.epoch) || m.epoch < 1 || m.epoch > currentEpoch) {
      // A future epoch has no key any member could hold: refuse, don't store.
      throw new StorageError('invalid_argument', 'mutation epoch is not a key epoch of the vault');
    }
  }
}

/**
 * The revision a write gives a record. A record with a row (live or a
 * tombstone) continues its revisions. A record with no row starts above the
 * vault's purge horizon, never at 1 again: every purged tombstone had a
 * revision at most its sequence, and its sequence at most the horizon, so a
 * record deleted, purged and created again can never meet a revision of its
 * earlier life. A device that queued a write on that earlier life (base
 * revision r) then gets a conflict, instead of its write landing silently
 * on the new record that happened to reach r again. (Every write's revision
 * stays at most its sequence: revisions grow by one per write, sequences by
 * at least one.)
 *
 * @example
 * nextRevision(null, 0); // 1: a new record in a vault never purged
 * nextRevision(null, 41); // 42
 * nextRevision({ revision: 3 }, 41); // 4
 */
export function nextRevision(
  current: { revision: number } | null | undefined,
  purgeHorizon: number,
): number {
  return current ? current.revision + 1 : purgeHorizon + 1;
}

/**
 * True when the mutation's base matches the current state. A null base means
 * "no live record": absent, purged, or a tombstone (re-creating a deleted
 * name continues the record's revisions rather than conflicting).
 */
export function baseMatches(m: Mutation, current: CurrentRecord | null): boolean {
  if (m.baseRevision === null) return current === null || current.envelope === null;
  return current !== null && current.revision === m.baseRevision;
}

export function conflictOutcome(m: Mutation, current: CurrentRecord | null): MutationOutcome {
  return {
    status: 'conflict',
    mutationId: m.mutationId,
    recordId: m.recordId,
    currentRevision: current?.revision ?? null,
    currentEnvelope: current?.envelope ?? null,
    currentEpoch: current?.epoch ?? null,
    currentSeq: current?.seq ?? null,
  };
}

/**
 * After an atomic batch is rolled back, fresh applies become `aborted`;
 * replays of earlier pushes stay `applied` (they are committed from before).
 */
export function abortOutcomes(
  outcomes: ReadonlyArray<MutationOutcome>,
  fresh: ReadonlySet<number>,
): MutationOutcome[] {
  return outcomes.map((o, i) =>
    fresh.has(i) ? { status: 'aborted', mutationId: o.mutationId, recordId: o.recordId } : o,
  );
}
