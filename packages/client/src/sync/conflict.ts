/**
 * Conflict resolution on the client. The server only detects conflicts
 * (optimistic concurrency on baseRevision); the client decides, with the
 * decrypted versions in hand.
 */

/** One side of a conflict, decrypted. `deleted` versions have no value. */
export interface ConflictVersion<T> {
  deleted: boolean;
  value: T | undefined;
  /** Client timestamp of the edit, from inside the envelope (0 if unknown, e.g. a tombstone). */
  updatedAt: number;
  /** Stable tie-breaker when timestamps are equal (e.g. the edit's id). */
  tiebreak: string;
}

/** What an application's merge function returns: a merged value, or delete the record. */
export type MergeResult<T> = { value: T } | { delete: true };

/**
 * An application-supplied merge. Called with the local (unpushed) and the
 * remote (server) version; its result is written on top of the remote one and
 * no conflict copy is kept. It runs while the vault's outbox is locked (see
 * outbox-lock.ts), so it must not itself write records of that vault and
 * wait for them (the write would wait for the merge): return the result.
 */
export type MergeFunction<T> = (
  local: ConflictVersion<T>,
  remote: ConflictVersion<T>,
  context: { vaultId: string; name: string },
) => MergeResult<T> | Promise<MergeResult<T>>;

/** The decision for one conflict. */
export type Resolution<T> =
  /** Re-push the local version on top of the remote one; keep the remote as a conflict copy. */
  | { kind: 'keep-local'; keepCopyOf: 'remote' | null }
  /** Accept the remote version; keep the local one as a conflict copy. */
  | { kind: 'take-remote'; keepCopyOf: 'local' | null }
  /** Push the merge result on top of the remote one. */
  | { kind: 'merged'; result: MergeResult<T> };

/**
 * Newest edit wins (by client timestamp inside the record), ties broken by
 * `tiebreak`; an edit always beats a deletion, because a deletion carries no
 * timestamp the server could not forge and losing data is the worse failure.
 * With a merge function, the application decides instead.
 *
 * @example
 * const r = await resolveConflict(local, remote);
 * if (r.kind === 'take-remote') keepConflictCopy(local);
 */
export async function resolveConflict<T>(
  local: ConflictVersion<T>,
  remote: ConflictVersion<T>,
  context: { vaultId: string; name: string },
  merge?: MergeFunction<T>,
): Promise<Resolution<T>> {
  if (local.deleted && remote.deleted) return { kind: 'take-remote', keepCopyOf: null };
  if (merge) return { kind: 'merged', result: await merge(local, remote, context) };
  if (remote.deleted) return { kind: 'keep-local', keepCopyOf: null };
  if (local.deleted) return { kind: 'take-remote', keepCopyOf: 'local' };
  const localWins =
    local.updatedAt > remote.updatedAt ||
    (local.updatedAt === remote.updatedAt && local.tiebreak > remote.tiebreak);
  return localWins
    ? { kind: 'keep-local', keepCopyOf: 'remote' }
    : { kind: 'take-remote', keepCopyOf: 'local' };
}
