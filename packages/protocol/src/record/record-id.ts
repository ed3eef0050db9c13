import { ownedCopy, utf8 } from '../bytes.ts';
import { hkdfExpandSha512 } from '../primitives/hkdf-expand.ts';
import { randomBytes } from '../primitives/random.ts';

const RECORD_ID_LABEL = utf8('coffer/v1/record-id');

/**
 * The vault-scoped key for name-derived record ids:
 * `HKDF-Expand(SHA-512, prk = vault key of the vault's FIRST epoch, info = "coffer/v1/record-id", 32)`.
 * The first epoch's key keeps ids stable across key rotation.
 *
 * @example
 * const nameKey = await deriveVaultNameKey(firstEpochVaultKey);
 */
export function deriveVaultNameKey(vaultKey: Uint8Array): Promise<Uint8Array> {
  if (vaultKey.length !== 32) throw new RangeError('vault key must be 32 bytes');
  return hkdfExpandSha512(vaultKey, RECORD_ID_LABEL, 32);
}

/**
 * A recordId derived from a name: the first 16 bytes of
 * `HMAC-SHA-256(vaultNameKey, UTF-8(NFC(name)))`. Two devices creating the
 * same name in one vault get the same id (a conflict, not a duplicate).
 *
 * @example
 * const recordId = await deriveRecordId(nameKey, 'settings');
 */
export async function deriveRecordId(vaultNameKey: Uint8Array, name: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    ownedCopy(vaultNameKey),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, ownedCopy(utf8(name.normalize('NFC'))));
  return new Uint8Array(mac, 0, 16).slice();
}

/**
 * A fresh random 16-byte recordId.
 *
 * @example
 * const recordId = randomRecordId();
 */
export function randomRecordId(): Uint8Array {
  return randomBytes(16);
}
