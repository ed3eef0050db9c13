/**
 * Pull: changes after the vault's cursor, page by page, each page checked
 * (sequence, revision, envelope opens under its slot) and applied with its
 * cursor in one store transaction. `resync_required` restarts from zero and
 * drops local rows the server no longer has; the outbox is never touched.
 */
import { ServerProblemError } from '../transport/errors.ts';
import type { SyncContext } from './context.ts';
import { withOutboxLock } from './outbox-lock.ts';
import { checkPage, type OpenedPage, openPage, PendingRows } from './page-check.ts';
import { readWithheld, updateWithheld } from './withheld.ts';

/**
 * Pull every change after the cursor. Returns the number of rows stored.
 *
 * @example
 * await pullVault(ctx, vaultId);
 */
export async function pullVault(ctx: SyncContext, vaultId: string): Promise<number> {
  const cursor = await ctx.store.getCursor(vaultId);
  // A replica that never pulled can still hold rows: its own acknowledged
  // writes. The server lists a vault from 0 without its horizon check, so a
  // row purged there since (deleted by another device) would stay here for
  // good: from 0, the pull is a full resync.
  if (cursor === 0 && (await ctx.store.listRecordIds(vaultId)).length > 0) {
    return fullResync(ctx, vaultId);
  }
  try {
    return await pullFrom(ctx, vaultId, cursor, undefined);
  } catch (error) {
    if (error instanceof ServerProblemError && error.code === 'resync_required') {
      return fullResync(ctx, vaultId);
    }
    throw error;
  }
}

/**
 * Rows checked but not yet stored are written in transactions of about this
 * many rows (or bytes), so an initial sync commits a few times per ten pages:
 * every commit rewrites the record-index pages it touched, and the index of
 * a large vault is touched nearly everywhere by any page of random ids.
 */
const APPLY_ROWS = 4000;
const APPLY_BYTES = 8 * 2 ** 20;

async function pullFrom(
  ctx: SyncContext,
  vaultId: string,
  start: number,
  seen: Set<string> | undefined,
): Promise<number> {
  let cursor = start;
  let stored = 0;
  const pending = new PendingRows();
  // Cursor of the last page whose rows are all in `pending` (written with them).
  let checkedCursor = start;
  // Read once per pull; rewritten at a flush only when it changes.
  let withheld = await readWithheld(ctx.store, vaultId);
  const flush = async () => {
    if (pending.size === 0 && checkedCursor === start) return;
    // Before the cursor moves past a refused change, so no refusal is lost.
    if (pending.refused.size > 0 || withheld.records.some((r) => pending.get(r.recordId))) {
      withheld = await updateWithheld(ctx.store, vaultId, [...pending.refused.values()], (id) =>
        Boolean(pending.get(id)),
      );
    }
    await ctx.store.applyPull(vaultId, pending.rows(), checkedCursor);
    if (pending.restarted.size > 0) await forgetBases(ctx, vaultId, pending.restarted);
    stored += pending.size;
    pending.clear();
  };
  const options = seen ? { resync: true } : {};
  // Each page's envelopes start opening the moment it arrives (on Node's
  // worker pool: beside the checks and the store writes of the page before).
  const fetchPage = (from: number) => {
    const page = ctx.transport.pull(vaultId, from, ctx.pullPage, options).then((p) => {
      const opening: Promise<OpenedPage> = openPage(ctx, vaultId, p.changes);
      opening.catch(() => {}); // awaited by checkPage
      return { ...p, opening };
    });
    page.catch(() => {}); // awaited below, unless an earlier page failed
    return page;
  };
  let next = fetchPage(cursor);
  try {
    for (;;) {
      const page = await next;
      if (page.nextCursor < cursor) {
        ctx.report('sequence_rollback', 'server moved the cursor backwards', { vaultId });
        await flush();
        return stored;
      }
      // The server prepares the next page while this one is checked and stored.
      if (page.hasMore && page.nextCursor !== cursor) next = fetchPage(page.nextCursor);
      await checkPage(ctx, vaultId, cursor, page.changes, pending, page.opening, options);
      if (seen) for (const c of page.changes) seen.add(c.recordId);
      checkedCursor = page.nextCursor;
      const done = !page.hasMore || page.nextCursor === cursor;
      if (done || pending.size >= APPLY_ROWS || pending.bytes >= APPLY_BYTES) await flush();
      if (done) break;
      cursor = page.nextCursor;
    }
  } catch (error) {
    // What was checked before the failure is kept (with its cursor), so a retry goes on from there.
    await flush();
    throw error;
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
  // Every record is read again: refusals beyond the listed ones are recounted.
  await updateWithheld(ctx.store, vaultId, [], new Set(), { recount: true });
  const stored = await pullFrom(ctx, vaultId, 0, seen);
  // Ids only: a large vault's envelopes are never all in memory at once.
  const gone = (await ctx.store.listRecordIds(vaultId)).filter((id) => !seen.has(id));
  // A record the server no longer lists is not withheld any more: it is gone.
  await updateWithheld(ctx.store, vaultId, [], (id) => !seen.has(id));
  if (gone.length > 0) {
    await ctx.store.deleteRecords(vaultId, gone);
    await forgetBases(ctx, vaultId, new Set(gone));
  }
  return stored;
}

/**
 * Queued writes of records whose earlier life the server purged are based on
 * nothing that exists any more: they are sent as based on no record (null),
 * so the server answers a conflict if the record was created again, instead
 * of applying them on top of a new life that reached the same revision
 * number (which silently overwrote or deleted it).
 */
async function forgetBases(ctx: SyncContext, vaultId: string, recordIds: ReadonlySet<string>) {
  await withOutboxLock(ctx.store, vaultId, async () => {
    for (const entry of await ctx.store.listOutbox({ vaultId })) {
      if (entry.baseRevision !== null && recordIds.has(entry.recordId)) {
        await ctx.store.updateOutbox({ ...entry, baseRevision: null });
      }
    }
  });
}
