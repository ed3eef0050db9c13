/**
 * The authenticated freshness (`recordFreshness`: the later of `updatedAt`
 * and `sealedAt`, inside the envelope) of the replica's version of a record:
 * what a higher revision from the server must not predate (see
 * `checkIncomingEdit`).
 */
import { type RecordData, recordFreshness } from '@coffer/protocol';
import { openRecordData } from '../records/record-crypto.ts';
import type { StoredRecord } from '../store/types.ts';
import type { VaultKeyring } from '../vault/keyring.ts';

/**
 * Freshness of a stored row, or undefined (a tombstone, or it no longer opens).
 *
 * @example
 * const before = await replicaFreshness(ring, await store.getRecord(vaultId, recordId));
 */
export async function replicaFreshness(
  ring: VaultKeyring,
  row: StoredRecord | undefined,
): Promise<number | undefined> {
  if (!row?.envelope) return undefined;
  try {
    return recordFreshness((await openRecordData(ring, row.recordId, row.envelope)).data);
  } catch {
    return undefined;
  }
}

/** Freshness of a version, 0 when there is none (a deletion). */
export function freshnessOf(data: RecordData | undefined): number {
  return data ? recordFreshness(data) : 0;
}

/**
 * A version's fields without `sealedAt`: what a new edit based on it starts
 * from (the edit is sealed now, with an `updatedAt` above the base's freshness).
 *
 * @example
 * const data = { ...editableFields(base), updatedAt: Math.max(now, recordFreshness(base) + 1) };
 */
export function editableFields(data: RecordData): RecordData {
  const { sealedAt: _sealedAt, ...fields } = data;
  return fields;
}
