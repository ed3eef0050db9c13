/**
 * Rules for data from a server we do not trust: anything that would roll back
 * or fork what this replica already saw is refused (an error event), and the
 * local data stays as it is.
 */
import type { StoredRecord } from '../store/types.ts';

/** Why an incoming change was refused. */
export type DistrustCode =
  /** The envelope does not open under this record's context (swapped, forged or corrupt). */
  | 'envelope_rejected'
  /**
   * A revision lower than one this replica already saw for the record (a
   * record it holds as deleted excepted: see checkIncomingRevision), or a
   * higher revision whose authenticated content is older than the replica's
   * (a genuine old envelope replayed at a new revision).
   */
  | 'revision_rollback'
  /** The same revision as already seen, but different content. */
  | 'revision_fork'
  /** A key grant not signed by a member of the vault. */
  | 'grant_untrusted'
  /** A record envelope not signed by a current member of the vault. */
  | 'signer_untrusted'
  /** A sequence not above the cursor (the server replays old changes). */
  | 'sequence_rollback';

/** Every {@link DistrustCode}, for apps that tell a refusal from other error events. */
export const DISTRUST_CODES: readonly DistrustCode[] = Object.keys({
  envelope_rejected: true,
  revision_rollback: true,
  revision_fork: true,
  grant_untrusted: true,
  signer_untrusted: true,
  sequence_rollback: true,
} satisfies Record<DistrustCode, true>) as DistrustCode[];

/** An incoming change compared with what the replica holds. */
export type RevisionCheck = { ok: true; unchanged: boolean } | { ok: false; code: DistrustCode };

const sameBytes = (a: Uint8Array | null, b: Uint8Array | null): boolean => {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Check an incoming revision of a record against the replica's copy.
 *
 * @example
 * const check = checkIncomingRevision(await store.getRecord(v, r), incoming);
 * if (!check.ok) emitError(check.code);
 */
export function checkIncomingRevision(
  existing: StoredRecord | undefined,
  incoming: Pick<StoredRecord, 'revision' | 'envelope'>,
): RevisionCheck {
  if (!existing) return { ok: true, unchanged: false };
  if (existing.envelope === null) {
    // A tombstone does not bind the next revision: once the server purged it,
    // a record created again under the same id starts over at revision 1
    // (a replica that pulled the tombstone before the purge never resyncs),
    // so refusing a lower or equal revision here diverged forever. Nothing is
    // lost by accepting it: a replay over a deletion was never detectable
    // (the tombstone carries no edit time to compare with).
    const unchanged = incoming.envelope === null && incoming.revision === existing.revision;
    return { ok: true, unchanged };
  }
  if (incoming.revision < existing.revision) return { ok: false, code: 'revision_rollback' };
  if (incoming.revision === existing.revision) {
    return sameBytes(existing.envelope, incoming.envelope)
      ? { ok: true, unchanged: true }
      : { ok: false, code: 'revision_fork' };
  }
  return { ok: true, unchanged: false };
}

/**
 * Check the authenticated edit time inside an incoming version (already
 * opened) against the replica's version it would replace. Every writer of
 * this SDK stamps a version strictly later than the one it was based on, so a
 * higher revision with an EARLIER `updatedAt` is a replay of a superseded
 * envelope. Equal times pass: a re-encryption keeps the content and its time.
 *
 * @example
 * const check = checkIncomingEdit(replicaUpdatedAt, opened.data.updatedAt);
 * if (!check.ok) emitError(check.code);
 */
export function checkIncomingEdit(
  existingUpdatedAt: number | undefined,
  incomingUpdatedAt: number,
): RevisionCheck {
  if (existingUpdatedAt !== undefined && incomingUpdatedAt < existingUpdatedAt) {
    return { ok: false, code: 'revision_rollback' };
  }
  return { ok: true, unchanged: false };
}
