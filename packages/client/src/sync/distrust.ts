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
  /** A revision lower than one this replica already saw for the record. */
  | 'revision_rollback'
  /** The same revision as already seen, but different content. */
  | 'revision_fork'
  /** A key grant not signed by a member of the vault. */
  | 'grant_untrusted'
  /** A sequence not above the cursor (the server replays old changes). */
  | 'sequence_rollback';

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
  if (incoming.revision < existing.revision) return { ok: false, code: 'revision_rollback' };
  if (incoming.revision === existing.revision) {
    return sameBytes(existing.envelope, incoming.envelope)
      ? { ok: true, unchanged: true }
      : { ok: false, code: 'revision_fork' };
  }
  return { ok: true, unchanged: false };
}
