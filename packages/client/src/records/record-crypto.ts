/**
 * Records as the SDK sees them: JSON values with a name, sealed with the
 * protocol's record layer (encoding, PADMÉ padding, DIRECT envelope bound to
 * (vaultId, recordId)) and opened with the vault keyring.
 */
import {
  deriveRecordId,
  fromHex,
  openRecord,
  type RecordData,
  type Signer,
  sealRecord,
  toHex,
} from '@coffer/protocol';
import type { VaultKeyring } from '../vault/keyring.ts';

/** The signing identity of this device's account (signs every write). */
export interface Author {
  signer: Signer;
}

/** The hex record id of a name in a vault. */
export async function recordIdForName(ring: VaultKeyring, name: string): Promise<string> {
  return toHex(await deriveRecordId(ring.nameKey, name));
}

/**
 * Seal record data under the vault's newest epoch.
 *
 * @example
 * const envelope = await sealRecordData(ring, recordId, data, author);
 */
export function sealRecordData(
  ring: VaultKeyring,
  recordId: string,
  data: RecordData,
  author: Author | undefined,
): Promise<Uint8Array> {
  return sealRecord(data, {
    vaultId: ring.vaultIdBytes,
    recordId: fromHex(recordId),
    key: ring.current,
    ...(author ? { signer: author.signer } : {}),
  });
}

/** Open an envelope for its slot; throws (DecryptionError etc.) if it does not belong there. */
export async function openRecordData(
  ring: VaultKeyring,
  recordId: string,
  envelope: Uint8Array,
): Promise<{ data: RecordData; epoch: number }> {
  const opened = await openRecord(envelope, {
    vaultId: ring.vaultIdBytes,
    recordId: fromHex(recordId),
    keys: ring.keys,
  });
  return { data: opened.record, epoch: opened.epoch };
}
