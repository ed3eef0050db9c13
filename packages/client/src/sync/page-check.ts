/**
 * One pull page, checked before any of it is stored. The page is handled as
 * a batch: one read of the replica rows it touches, every envelope opened
 * under its own (vault, record) context (the AEAD check is the distrust
 * check, so nothing is stored unverified), then the decisions in sequence
 * order. Nothing per record waits on the store.
 */
import { type Change, KeyNotFoundError } from '@coffer/protocol';
import { openRecordData } from '../records/record-crypto.ts';
import type { StoredRecord } from '../store/types.ts';
import { decodeEnvelopeArmor } from '../util/armor.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import type { SyncContext } from './context.ts';
import { checkIncomingEdit, checkIncomingRevision } from './distrust.ts';
import { replicaEditTime } from './edit-time.ts';

interface Candidate {
  change: Change;
  envelope: Uint8Array | null;
}

/** An opened envelope keeps only its authenticated edit time (the content is not needed here). */
type Opened = { updatedAt: number } | { error: unknown } | undefined;

const sameBytes = (a: Uint8Array | null, b: Uint8Array | null): boolean =>
  a !== null && b !== null && a.length === b.length && a.every((x, i) => x === b[i]);

async function openOne(ring: VaultKeyring, recordId: string, envelope: Uint8Array) {
  try {
    return { updatedAt: (await openRecordData(ring, recordId, envelope)).data.updatedAt };
  } catch (error) {
    return { error };
  }
}

const keyMissing = (o: Opened) =>
  o !== undefined && 'error' in o && o.error instanceof KeyNotFoundError;

/** Open every envelope that could be stored; a row the replica already holds byte for byte needs nothing. */
function openCandidates(
  ring: VaultKeyring,
  candidates: ReadonlyArray<Candidate>,
  existing: ReadonlyMap<string, StoredRecord>,
  only?: ReadonlyArray<Opened>,
): Promise<Opened[]> {
  return Promise.all(
    candidates.map(({ change, envelope }, i) => {
      // A second round reopens only what failed for want of a key.
      if (only && !keyMissing(only[i])) return only[i];
      if (envelope === null) return undefined;
      const held = existing.get(change.recordId);
      if (held && held.revision === change.revision && sameBytes(held.envelope, envelope)) {
        return undefined;
      }
      return openOne(ring, change.recordId, envelope);
    }),
  );
}

interface Accepted {
  row: StoredRecord;
  /** Authenticated edit time of the row's envelope (undefined: a tombstone). */
  updatedAt: number | undefined;
}

/**
 * Rows accepted from one or more pages and not yet stored, at most one per
 * record: later pages are checked against them before the replica.
 */
export class PendingRows {
  readonly #byRecord = new Map<string, Accepted>();
  bytes = 0;

  get size(): number {
    return this.#byRecord.size;
  }
  get(recordId: string): Accepted | undefined {
    return this.#byRecord.get(recordId);
  }
  set(accepted: Accepted): void {
    const before = this.#byRecord.get(accepted.row.recordId);
    this.bytes += (accepted.row.envelope?.length ?? 0) - (before?.row.envelope?.length ?? 0);
    this.#byRecord.set(accepted.row.recordId, accepted);
  }
  rows(): StoredRecord[] {
    return Array.from(this.#byRecord.values(), (a) => a.row);
  }
  clear(): void {
    this.#byRecord.clear();
    this.bytes = 0;
  }
}

/**
 * Check a page of changes against the rows still pending and the replica,
 * and add the accepted ones to `pending`. Refused changes become error events.
 *
 * @example
 * const pending = new PendingRows();
 * await checkPage(ctx, vaultId, cursor, page.changes, pending);
 * await ctx.store.applyPull(vaultId, pending.rows(), page.nextCursor);
 */
export async function checkPage(
  ctx: SyncContext,
  vaultId: string,
  cursor: number,
  changes: ReadonlyArray<Change>,
  pending: PendingRows,
): Promise<void> {
  const candidates: Candidate[] = [];
  let last = cursor;
  for (const change of changes) {
    if (change.seq <= last) {
      ctx.report('sequence_rollback', 'server replayed a change at or below the cursor', {
        vaultId,
        recordId: change.recordId,
      });
      continue;
    }
    last = change.seq;
    const envelope = change.envelope === null ? null : decodeEnvelopeArmor(change.envelope);
    candidates.push({ change, envelope });
  }
  const existing = await ctx.store.getRecords(
    vaultId,
    candidates.filter((c) => !pending.get(c.change.recordId)).map((c) => c.change.recordId),
  );
  for (const c of candidates) {
    const held = pending.get(c.change.recordId);
    if (held) existing.set(c.change.recordId, held.row);
  }
  let ring = await ctx.keyring(vaultId);
  let opened = await openCandidates(ring, candidates, existing);
  if (opened.some(keyMissing)) {
    // A newer epoch than we hold: fetch grants once, then give up on this page.
    ring = await ctx.keyring(vaultId, { refresh: true });
    opened = await openCandidates(ring, candidates, existing, opened);
    const missing = opened.find(keyMissing);
    if (missing && 'error' in missing) throw missing.error;
  }

  // Decisions in sequence order; a record met twice before it is stored is
  // checked against its earlier change, so pages cannot roll back each other.
  for (const [i, { change, envelope }] of candidates.entries()) {
    const where = { vaultId, recordId: change.recordId };
    const prior = pending.get(change.recordId);
    const current = prior?.row ?? existing.get(change.recordId);
    const check = checkIncomingRevision(current, { revision: change.revision, envelope });
    if (!check.ok) {
      ctx.report(
        check.code,
        'server sent a revision older than or different from one already seen',
        where,
      );
      continue;
    }
    if (check.unchanged) continue;
    let updatedAt: number | undefined;
    if (envelope !== null) {
      const result = opened[i];
      if (!result || 'error' in result) {
        ctx.report('envelope_rejected', 'an envelope does not open under its record', where);
        continue;
      }
      updatedAt = result.updatedAt;
      if (current?.envelope) {
        const before = prior ? prior.updatedAt : await replicaEditTime(ring, current);
        const edit = checkIncomingEdit(before, updatedAt);
        if (!edit.ok) {
          ctx.report(
            edit.code,
            'server sent an older version of a record again, at a higher revision',
            where,
          );
          continue;
        }
      }
    }
    const row: StoredRecord = {
      vaultId,
      recordId: change.recordId,
      revision: change.revision,
      seq: change.seq,
      envelope,
    };
    pending.set({ row, updatedAt });
  }
}
