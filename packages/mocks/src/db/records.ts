/**
 * Push and pull on an in-memory vault, with the storage contract's rules:
 * optimistic concurrency per record, idempotent mutation ids, atomic batches,
 * a gapless per-vault sequence, only each record's newest state kept (so a
 * pull returns a record once), tombstones, and a purge horizon.
 */
import type { Change, MutationResult } from '@coffer/protocol';
import type { RecordRow, VaultRow } from './types.ts';

/** A validated mutation (delete: `envelope` null, epoch = the vault's current one). */
export interface StoredMutation {
  mutationId: string;
  recordId: string;
  baseRevision: number | null;
  envelope: string | null;
  epoch: number;
}

/** A null base means "no live record": absent, purged or a tombstone. */
function baseMatches(m: StoredMutation, current: RecordRow | undefined): boolean {
  if (m.baseRevision === null) return current === undefined || current.envelope === null;
  return current !== undefined && current.revision === m.baseRevision;
}

function conflict(m: StoredMutation, current: RecordRow | undefined): MutationResult {
  return {
    mutationId: m.mutationId,
    status: 'conflict',
    current: current
      ? {
          revision: current.revision,
          seq: current.seq,
          epoch: current.epoch,
          envelope: current.envelope,
          deleted: current.envelope === null,
        }
      : null,
  };
}

/** Store a new state of a record under the next sequence (also used by tampering). */
/** A retry is the same mutation id for the same record, as on the real server. */
function appliedKey(m: { mutationId: string; recordId: string }): string {
  return `${m.mutationId}/${m.recordId}`;
}

export function writeRecord(vault: VaultRow, row: Omit<RecordRow, 'seq'>): RecordRow {
  vault.headSeq += 1;
  const stored: RecordRow = { ...row, seq: vault.headSeq };
  vault.records.set(row.recordId, stored);
  const history = vault.history.get(row.recordId) ?? [];
  history.push(stored);
  vault.history.set(row.recordId, history);
  return stored;
}

/**
 * Apply a batch. With `atomic`, any conflict rolls every fresh write back
 * (they become `aborted`; replays of earlier pushes stay `applied`).
 *
 * @example
 * const results = pushMutations(vault, authorId, mutations, { atomic: false });
 */
export function pushMutations(
  vault: VaultRow,
  authorId: string,
  mutations: ReadonlyArray<StoredMutation>,
  options: { atomic: boolean },
): MutationResult[] {
  const before = {
    headSeq: vault.headSeq,
    records: new Map(vault.records),
    history: new Map([...vault.history].map(([k, v]) => [k, [...v]])),
  };
  const results: MutationResult[] = [];
  const fresh = new Set<number>();
  let conflicted = false;
  for (const [i, m] of mutations.entries()) {
    const prior = vault.applied.get(appliedKey(m));
    if (prior) {
      results.push({
        mutationId: m.mutationId,
        status: 'applied',
        revision: prior.revision,
        seq: prior.seq,
      });
      continue;
    }
    const current = vault.records.get(m.recordId);
    if (!baseMatches(m, current)) {
      results.push(conflict(m, current));
      conflicted = true;
      continue;
    }
    const row = writeRecord(vault, {
      recordId: m.recordId,
      revision: nextRevision(vault, current),
      envelope: m.envelope,
      epoch: m.epoch,
      authorId,
    });
    results.push({
      mutationId: m.mutationId,
      status: 'applied',
      revision: row.revision,
      seq: row.seq,
    });
    fresh.add(i);
  }
  if (options.atomic && conflicted) {
    vault.headSeq = before.headSeq;
    vault.records.clear();
    for (const [k, v] of before.records) vault.records.set(k, v);
    vault.history.clear();
    for (const [k, v] of before.history) vault.history.set(k, v);
    // Conflicts were judged against the batch's own writes: report the committed state.
    return results.map((r, i) => {
      const m = mutations[i];
      if (fresh.has(i)) return { mutationId: r.mutationId, status: 'aborted' };
      if (r.status === 'conflict' && m) return conflict(m, vault.records.get(m.recordId));
      return r;
    });
  }
  for (const [i, r] of results.entries()) {
    if (fresh.has(i) && r.status === 'applied') {
      const m = mutations[i];
      if (m)
        vault.applied.set(appliedKey(m), {
          recordId: m.recordId,
          revision: r.revision,
          seq: r.seq,
        });
    }
  }
  return results;
}

/**
 * As the server: a record with a row continues its revisions; one with no
 * row (never written, or purged) starts above the purge horizon, so no
 * revision of a purged earlier life comes back.
 */
export function nextRevision(vault: VaultRow, current: RecordRow | undefined): number {
  return current ? current.revision + 1 : vault.purgeHorizon + 1;
}

/** A pull page, or the reason the client must start over. */
export type PullPage =
  | { resyncRequired: false; changes: Change[]; nextCursor: number; hasMore: boolean }
  | { resyncRequired: true; reason: 'purged' | 'ahead' };

/**
 * Changes after `cursor` in sequence order, at most `limit`. `resync`: the
 * client is paging a full resync from 0, so the purge horizon does not apply.
 */
export function pullChanges(
  vault: VaultRow,
  cursor: number,
  limit: number,
  options: { resync?: boolean } = {},
): PullPage {
  if (cursor > vault.headSeq) return { resyncRequired: true, reason: 'ahead' };
  if (cursor > 0 && cursor < vault.purgeHorizon && !options.resync)
    return { resyncRequired: true, reason: 'purged' };
  const rows = [...vault.records.values()]
    .filter((r) => r.seq > cursor)
    .sort((a, b) => a.seq - b.seq);
  const page = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const lastSeq = page.at(-1)?.seq ?? cursor;
  return {
    resyncRequired: false,
    changes: page.map(toChange),
    // As the server: the last page ends at the head, past purged deletions.
    nextCursor: hasMore ? lastSeq : Math.max(lastSeq, vault.headSeq),
    hasMore,
  };
}

export function toChange(r: RecordRow): Change {
  return {
    seq: r.seq,
    recordId: r.recordId,
    revision: r.revision,
    epoch: r.epoch,
    envelope: r.envelope,
    deleted: r.envelope === null,
    authorId: r.authorId,
  };
}

/**
 * Delete tombstones with seq < olderThanSeq and raise the purge horizon
 * (clients with an older cursor then get `resync_required`).
 */
export function purgeTombstones(vault: VaultRow, olderThanSeq = vault.headSeq + 1): number {
  let purged = 0;
  for (const [id, r] of vault.records) {
    if (r.envelope === null && r.seq < olderThanSeq) {
      vault.records.delete(id);
      purged++;
    }
  }
  vault.purgeHorizon = Math.max(vault.purgeHorizon, Math.min(olderThanSeq - 1, vault.headSeq));
  return purged;
}
