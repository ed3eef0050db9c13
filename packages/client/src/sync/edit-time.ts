/**
 * The authenticated edit time (`updatedAt`, inside the envelope) of the
 * replica's version of a record: what a higher revision from the server must
 * not predate (see `checkIncomingEdit`).
 */
import { openRecordData } from '../records/record-crypto.ts';
import type { StoredRecord } from '../store/types.ts';
import type { VaultKeyring } from '../vault/keyring.ts';

/**
 * `updatedAt` of a stored row, or undefined (a tombstone, or it no longer opens).
 *
 * @example
 * const before = await replicaEditTime(ring, await store.getRecord(vaultId, recordId));
 */
export async function replicaEditTime(
  ring: VaultKeyring,
  row: StoredRecord | undefined,
): Promise<number | undefined> {
  if (!row?.envelope) return undefined;
  try {
    return (await openRecordData(ring, row.recordId, row.envelope)).data.updatedAt;
  } catch {
    return undefined;
  }
}
