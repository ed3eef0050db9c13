/**
 * Cheap listings of a vault: names, types and sizes without values, served
 * from the sealed record index and brought up to date incrementally. A call
 * reads the replica's (recordId, revision) pairs (no envelopes), opens only
 * the records whose revision differs from the index, overlays the outbox's
 * pending writes, and re-seals the index when it moved.
 */
import { toHex } from '@coffer/protocol';
import type { StoredRecord } from '../store/types.ts';
import type { SyncContext } from '../sync/context.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { openRecordData } from './record-crypto.ts';
import {
  type IndexedRecord,
  openRecordIndex,
  type RecordIndex,
  recordIndexMetaKey,
  sealRecordIndex,
} from './record-index.ts';

/** A record as a listing shows it: everything but its value. */
export interface RecordSummary extends IndexedRecord {
  recordId: string;
  /** The replica's server revision (`null`: written here, never acknowledged). */
  revision: number | null;
  /** Written locally, not yet acknowledged by the server. */
  pending: boolean;
}

/** Rows read per store call while (re)building: bounds memory on a cold build. */
const READ_BATCH = 512;
/** Above this many stale rows (and a quarter of the vault), read the vault in one bulk call. */
const BULK_MIN = 256;
/** Envelopes opened at once (WebCrypto work overlaps instead of queueing one by one). */
const OPEN_PARALLEL = 32;

async function openSummary(
  ring: VaultKeyring,
  recordId: string,
  envelope: Uint8Array,
): Promise<IndexedRecord> {
  const { data } = await openRecordData(ring, recordId, envelope);
  return {
    name: data.name,
    type: data.type,
    size: data.content.length,
    createdAt: data.createdAt,
    updatedAt: data.updatedAt,
    ...(data.blob ? { blob: { blobId: toHex(data.blob.blobId), size: data.blob.size } } : {}),
  };
}

/** Run `fn` over `items` with at most `limit` in flight. */
async function eachLimited<T>(
  items: ReadonlyArray<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Bring a vault's index up to date with the replica and return it with
 * whether it changed. Rows that do not open are reported and left out of the
 * index, so the next listing tries (and reports) them again.
 */
async function refreshIndex(
  ctx: SyncContext,
  ring: VaultKeyring,
  vaultId: string,
): Promise<{ index: RecordIndex; changed: boolean }> {
  const [revisions, stored] = await Promise.all([
    ctx.store.listRecordRevisions(vaultId),
    ctx.store.getMeta(recordIndexMetaKey(vaultId)),
  ]);
  const opened = await openRecordIndex(ring, stored);
  if ('rejected' in opened && opened.rejected === 'rejected') {
    ctx.report('record_index_rejected', 'the local record index did not open; rebuilding it', {
      vaultId,
    });
  }
  const previous: RecordIndex = 'index' in opened ? opened.index : new Map();
  const index: RecordIndex = new Map();
  const stale: string[] = [];
  for (const { recordId, revision } of revisions) {
    const known = previous.get(recordId);
    if (known && known.revision === revision) index.set(recordId, known);
    else stale.push(recordId);
  }
  // Rows the replica no longer holds (purged in a resync) drop out too.
  let changed = stale.length > 0 || index.size !== previous.size || !('index' in opened);
  const open = async (row: StoredRecord) => {
    if (row.envelope === null) {
      index.set(row.recordId, { revision: row.revision, record: null });
      return;
    }
    try {
      const record = await openSummary(ring, row.recordId, row.envelope);
      index.set(row.recordId, { revision: row.revision, record });
    } catch {
      changed = true;
      ctx.report('envelope_rejected', 'a stored record does not open', {
        vaultId,
        recordId: row.recordId,
      });
    }
  };
  if (stale.length > BULK_MIN && stale.length > revisions.length / 4) {
    // A (re)build: one bulk read of the vault is far cheaper than thousands of point reads.
    const wanted = new Set(stale);
    const rows = (await ctx.store.listRecords(vaultId)).filter((r) => wanted.has(r.recordId));
    await eachLimited(rows, OPEN_PARALLEL, open);
  } else {
    for (let i = 0; i < stale.length; i += READ_BATCH) {
      const rows = await ctx.store.getRecords(vaultId, stale.slice(i, i + READ_BATCH));
      await eachLimited([...rows.values()], OPEN_PARALLEL, open);
    }
  }
  return { index, changed };
}

/**
 * Every live record of a vault without its value, sorted by name. See
 * {@link RecordsApi.summaries}.
 */
export async function listSummaries(ctx: SyncContext, vaultId: string): Promise<RecordSummary[]> {
  const ring = await ctx.keyring(vaultId);
  const [{ index, changed }, outbox] = await Promise.all([
    refreshIndex(ctx, ring, vaultId),
    ctx.store.listOutbox({ vaultId }),
  ]);
  if (changed)
    await ctx.store.setMeta(recordIndexMetaKey(vaultId), await sealRecordIndex(ring, index));

  const out = new Map<string, RecordSummary>();
  for (const [recordId, { revision, record }] of index) {
    if (record) out.set(recordId, { ...record, recordId, revision, pending: false });
  }
  // Pending writes win over the replica, as in `list` (the newest queued one per record).
  const pending = new Map<string, Uint8Array | null>();
  for (const entry of outbox) pending.set(entry.recordId, entry.envelope);
  await eachLimited([...pending], OPEN_PARALLEL, async ([recordId, envelope]) => {
    const revision = index.get(recordId)?.revision ?? null;
    if (envelope === null) {
      out.delete(recordId);
      return;
    }
    try {
      const record = await openSummary(ring, recordId, envelope);
      out.set(recordId, { ...record, recordId, revision, pending: true });
    } catch {
      out.delete(recordId);
      ctx.report('envelope_rejected', 'a stored record does not open', { vaultId, recordId });
    }
  });
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
