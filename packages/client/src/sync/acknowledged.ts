/**
 * Storing rows the server acknowledged for this device's own writes (a push,
 * a re-encryption). The envelopes are this device's; what can be stale is
 * the answer: a retried mutation id returns its ORIGINAL outcome, and a pull
 * (or a conflict, or a concurrent sync) may have stored something newer
 * since. Stored then, the row would roll the replica back (and the cursor,
 * already past the newer change, would never bring it again), or bring back
 * a record deleted and purged meanwhile. A sequence above both the cursor
 * and the row held is the newest news of the record, whatever its revision
 * (a record the server purged starts over at revision 1).
 */
import type { LocalStore, StoredRecord } from '../store/types.ts';

/**
 * Store the acknowledged rows that are not stale; returns those stored.
 *
 * @example
 * await storeAcknowledged(store, vaultId, [{ vaultId, recordId, revision, seq, envelope }]);
 */
export async function storeAcknowledged(
  store: LocalStore,
  vaultId: string,
  rows: ReadonlyArray<StoredRecord>,
): Promise<StoredRecord[]> {
  if (rows.length === 0) return [];
  const cursor = await store.getCursor(vaultId);
  const held = await store.getRecords(
    vaultId,
    rows.map((r) => r.recordId),
  );
  const fresh = rows.filter((r) => {
    const before = held.get(r.recordId);
    return r.seq > cursor && (before === undefined || r.seq > before.seq);
  });
  if (fresh.length > 0) await store.putRecords(fresh);
  return fresh;
}
