/**
 * Pull: changes after the vault's cursor, page by page, each page checked
 * (sequence, revision, envelope opens under its slot) and applied with its
 * cursor in one store transaction. `resync_required` restarts from zero and
 * drops local rows the server no longer has; the outbox is never touched.
 */
import { type Change, KeyNotFoundError } from '@coffer/protocol';
import { openRecordData } from '../records/record-crypto.ts';
import type { StoredRecord } from '../store/types.ts';
import { ServerProblemError } from '../transport/errors.ts';
import { decodeEnvelopeArmor } from '../util/armor.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import type { SyncContext } from './context.ts';
import { checkIncomingRevision } from './distrust.ts';

/** What one change became: a row to store, or nothing (refused or unchanged). */
async function checkChange(
  ctx: SyncContext,
  ring: VaultKeyring,
  vaultId: string,
  cursor: number,
  change: Change,
): Promise<StoredRecord | undefined> {
  const where = { vaultId, recordId: change.recordId };
  if (change.seq <= cursor) {
    ctx.report('sequence_rollback', 'server replayed a change at or below the cursor', where);
    return undefined;
  }
  const envelope = change.envelope === null ? null : decodeEnvelopeArmor(change.envelope);
  const existing = await ctx.store.getRecord(vaultId, change.recordId);
  const check = checkIncomingRevision(existing, { revision: change.revision, envelope });
  if (!check.ok) {
    ctx.report(
      check.code,
      'server sent a revision older than or different from one already seen',
      where,
    );
    return undefined;
  }
  if (check.unchanged) return undefined;
  if (envelope !== null) {
    try {
      await openRecordData(ring, change.recordId, envelope);
    } catch (error) {
      if (error instanceof KeyNotFoundError) throw error;
      ctx.report('envelope_rejected', 'an envelope does not open under its record', where);
      return undefined;
    }
  }
  return {
    vaultId,
    recordId: change.recordId,
    revision: change.revision,
    seq: change.seq,
    envelope,
  };
}

async function checkPage(
  ctx: SyncContext,
  vaultId: string,
  cursor: number,
  changes: ReadonlyArray<Change>,
): Promise<StoredRecord[]> {
  let ring = await ctx.keyring(vaultId);
  for (let attempt = 0; ; attempt++) {
    try {
      const rows = await Promise.all(
        changes.map((c) => checkChange(ctx, ring, vaultId, cursor, c)),
      );
      return rows.filter((r): r is StoredRecord => r !== undefined);
    } catch (error) {
      // A newer epoch than we hold: fetch grants once, then give up on this page.
      if (!(error instanceof KeyNotFoundError) || attempt > 0) throw error;
      ring = await ctx.keyring(vaultId, { refresh: true });
    }
  }
}

/**
 * Pull every change after the cursor. Returns the number of rows stored.
 *
 * @example
 * await pullVault(ctx, vaultId);
 */
export async function pullVault(ctx: SyncContext, vaultId: string): Promise<number> {
  try {
    return await pullFrom(ctx, vaultId, await ctx.store.getCursor(vaultId), undefined);
  } catch (error) {
    if (error instanceof ServerProblemError && error.code === 'resync_required') {
      return fullResync(ctx, vaultId);
    }
    throw error;
  }
}

async function pullFrom(
  ctx: SyncContext,
  vaultId: string,
  start: number,
  seen: Set<string> | undefined,
): Promise<number> {
  let cursor = start;
  let stored = 0;
  const options = seen ? { resync: true } : {};
  const fetchPage = (from: number) => {
    const page = ctx.transport.pull(vaultId, from, ctx.pullPage, options);
    page.catch(() => {}); // awaited below, unless an earlier page failed
    return page;
  };
  let next = fetchPage(cursor);
  for (;;) {
    const page = await next;
    if (page.nextCursor < cursor) {
      ctx.report('sequence_rollback', 'server moved the cursor backwards', { vaultId });
      return stored;
    }
    // The server prepares the next page while this one is checked and stored.
    if (page.hasMore && page.nextCursor !== cursor) next = fetchPage(page.nextCursor);
    const rows = await checkPage(ctx, vaultId, cursor, page.changes);
    if (seen) for (const c of page.changes) seen.add(c.recordId);
    await ctx.store.applyPull(vaultId, rows, page.nextCursor);
    stored += rows.length;
    if (!page.hasMore || page.nextCursor === cursor) break;
    cursor = page.nextCursor;
  }
  ctx.state.update({ lastSyncAt: ctx.clock.now(), connection: 'online' });
  return stored;
}

/**
 * Start over from sequence 0 (the cursor is older than the server's purge
 * horizon, or ahead of the vault). Pages carry `resync=1`, so the server
 * skips its horizon check for the scan's own cursors. Rows the server no
 * longer lists were purged there and are dropped here, so deleted data never
 * comes back; unpushed writes stay in the outbox.
 */
export async function fullResync(ctx: SyncContext, vaultId: string): Promise<number> {
  const seen = new Set<string>();
  const stored = await pullFrom(ctx, vaultId, 0, seen);
  const gone = (await ctx.store.listRecords(vaultId))
    .map((r) => r.recordId)
    .filter((id) => !seen.has(id));
  if (gone.length > 0) await ctx.store.deleteRecords(vaultId, gone);
  return stored;
}
