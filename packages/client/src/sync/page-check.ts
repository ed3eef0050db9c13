/**
 * One pull page, checked before any of it is stored. The page is handled as
 * a batch: every envelope opened under its own (vault, record) context by
 * the context's opener (possibly on worker threads, started as soon as the
 * page arrives: the AEAD check is the distrust check, so nothing is stored
 * unverified), one read of the replica rows it touches, then the decisions
 * in sequence order. Nothing per record waits on the store.
 */
import { KeyNotFoundError } from '@coffer/protocol';
import type { StoredRecord } from '../store/types.ts';
import type { PulledChange } from '../transport/transport.ts';
import type { SyncContext } from './context.ts';
import { checkIncomingEdit, checkIncomingRevision } from './distrust.ts';
import type { OpenJob, OpenOutcome } from './open-records.ts';
import { inThreadOpener, openKeysOf } from './record-opener.ts';
import { replicaFreshness } from './replica-freshness.ts';
import type { WithheldRecord } from './withheld.ts';

/** A page's envelopes opened: index i belongs to `changes[i]`. */
export interface OpenedPage {
  /** Decoded envelope bytes (null: a tombstone; undefined: the armor did not decode). */
  envelopes: Array<Uint8Array | null | undefined>;
  /** Outcome of each envelope's open (undefined: a tombstone). */
  outcomes: Array<OpenOutcome | undefined>;
}

const retryable = (o: OpenOutcome | undefined) =>
  o !== undefined && !o.ok && (o.reason === 'key_missing' || o.reason === 'signer_untrusted');

async function openSome(
  ctx: SyncContext,
  vaultId: string,
  changes: ReadonlyArray<PulledChange>,
  into: OpenedPage,
  which: (i: number) => boolean,
  refresh: boolean,
): Promise<void> {
  const ring = await ctx.keyring(vaultId, refresh ? { refresh: true } : {});
  const jobs: OpenJob[] = [];
  const at: number[] = [];
  changes.forEach((c, i) => {
    if (c.envelope !== null && which(i)) {
      jobs.push({ recordId: c.recordId, envelope: c.envelope });
      at.push(i);
    }
  });
  if (jobs.length === 0) return;
  const { outcomes, envelopes } = await (ctx.opener ?? inThreadOpener).open(openKeysOf(ring), jobs);
  at.forEach((i, k) => {
    into.outcomes[i] = outcomes[k];
    into.envelopes[i] = envelopes[k];
  });
}

/**
 * Open every envelope of a page (a tombstone needs nothing). Envelopes that
 * need a key or a member this device does not know yet are opened once more
 * with a refreshed keyring (a rotation, a new member).
 *
 * @example
 * const opened = openPage(ctx, vaultId, page.changes); // starts right away
 * await checkPage(ctx, vaultId, cursor, page.changes, pending, opened);
 */
export async function openPage(
  ctx: SyncContext,
  vaultId: string,
  changes: ReadonlyArray<PulledChange>,
): Promise<OpenedPage> {
  const page: OpenedPage = {
    envelopes: changes.map((c) => (c.envelope === null ? null : undefined)),
    outcomes: changes.map(() => undefined),
  };
  await openSome(ctx, vaultId, changes, page, () => true, false);
  if (page.outcomes.some(retryable)) {
    await openSome(ctx, vaultId, changes, page, (i) => retryable(page.outcomes[i]), true);
    if (page.outcomes.some((o) => o && !o.ok && o.reason === 'key_missing')) {
      throw new KeyNotFoundError('no key of this vault opens a pulled envelope');
    }
  }
  return page;
}

interface Accepted {
  row: StoredRecord;
  /** Authenticated freshness of the row's envelope (undefined: a tombstone). */
  freshness: number | undefined;
}

/**
 * Rows accepted from one or more pages and not yet stored, at most one per
 * record: later pages are checked against them before the replica.
 */
export class PendingRows {
  readonly #byRecord = new Map<string, Accepted>();
  /**
   * Records accepted at a revision not above the one held: the server purged
   * the record's deletion and it started over, so queued writes based on the
   * earlier life must not be sent with that life's revision as their base.
   */
  readonly restarted = new Set<string>();
  /** Records whose change was refused (the replica keeps what it had), by id. */
  readonly refused = new Map<string, WithheldRecord>();
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
    this.refused.delete(accepted.row.recordId);
  }
  /** A refused change: listed as withheld when the rows are stored. */
  refuse(refusal: WithheldRecord): void {
    this.refused.set(refusal.recordId, refusal);
  }
  rows(): StoredRecord[] {
    return Array.from(this.#byRecord.values(), (a) => a.row);
  }
  clear(): void {
    this.#byRecord.clear();
    this.restarted.clear();
    this.refused.clear();
    this.bytes = 0;
  }
}

/**
 * Check a page of changes against the rows still pending and the replica,
 * and add the accepted ones to `pending`. Refused changes become error events.
 * In a full resync (`options.resync`) revisions are not compared with the
 * replica's (see below), only edit times.
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
  changes: ReadonlyArray<PulledChange>,
  pending: PendingRows,
  opening?: Promise<OpenedPage>,
  options: { resync?: boolean } = {},
): Promise<void> {
  const opened = await (opening ?? openPage(ctx, vaultId, changes));
  const candidates: number[] = [];
  let last = cursor;
  for (const [i, change] of changes.entries()) {
    if (change.seq <= last) {
      ctx.report('sequence_rollback', 'server replayed a change at or below the cursor', {
        vaultId,
        recordId: change.recordId,
      });
      continue;
    }
    last = change.seq;
    candidates.push(i);
  }
  const existing = await ctx.store.getRecords(
    vaultId,
    candidates.map((i) => changes[i]!.recordId).filter((id) => !pending.get(id)),
  );

  // A refused change is an event, and the record is listed as withheld.
  const refuse = (change: PulledChange, code: string, message: string) => {
    const { recordId, revision, seq } = change;
    ctx.report(code, message, { vaultId, recordId });
    pending.refuse({ recordId, code, revision, seq, at: ctx.clock.now() });
  };
  // Decisions in sequence order; a record met twice before it is stored is
  // checked against its earlier change, so pages cannot roll back each other.
  for (const i of candidates) {
    const change = changes[i]!;
    const envelope = opened.envelopes[i];
    const outcome = opened.outcomes[i];
    if (envelope === undefined) {
      refuse(change, 'envelope_rejected', 'an envelope is not valid armor');
      continue;
    }
    const prior = pending.get(change.recordId);
    const current = prior?.row ?? existing.get(change.recordId);
    let check = checkIncomingRevision(current, { revision: change.revision, envelope });
    // A full resync runs because the server purged deletions this replica
    // never pulled: a record deleted, purged and created again starts over
    // at revision 1, below the revision held here, so revisions do not
    // compare. The listing decides (as it does for rows it no longer has);
    // an envelope still must not predate the replica's (the edit check below).
    if (!check.ok && options.resync && !prior) check = { ok: true, unchanged: false };
    if (!check.ok) {
      refuse(
        change,
        check.code,
        'server sent a revision older than or different from one already seen',
      );
      continue;
    }
    if (check.unchanged) continue;
    let freshness: number | undefined;
    if (envelope !== null) {
      if (!outcome?.ok) {
        if (outcome?.reason === 'signer_untrusted') {
          refuse(change, 'signer_untrusted', 'a record is not signed by a member of the vault');
        } else {
          refuse(change, 'envelope_rejected', 'an envelope does not open under its record');
        }
        continue;
      }
      freshness = outcome.freshness;
      if (current?.envelope) {
        const before = prior
          ? prior.freshness
          : await replicaFreshness(await ctx.keyring(vaultId), current);
        const edit = checkIncomingEdit(before, freshness);
        if (!edit.ok) {
          refuse(
            change,
            edit.code,
            'server sent an older version of a record again, at a higher revision',
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
    pending.set({ row, freshness });
    if (current && change.revision <= current.revision) pending.restarted.add(change.recordId);
  }
}
