import { deriveVaultNameKey, fromHex, type VaultKey } from '@coffer/protocol';
import { CofferClientError } from '../transport/errors.ts';

/**
 * The vault keys this device holds for one vault, in memory only. New
 * writes use the newest epoch; older epochs stay for reading (and
 * background re-encryption).
 */
export interface VaultKeyring {
  vaultId: string;
  vaultIdBytes: Uint8Array;
  /** Every epoch held, oldest first. */
  keys: VaultKey[];
  /** The newest epoch's key. */
  current: VaultKey;
  /** Key of name-derived record ids (from the FIRST epoch, stable across rotation). */
  nameKey: Uint8Array;
}

/**
 * Build a keyring from the vault keys of its epochs.
 *
 * @example
 * const ring = await buildKeyring(vaultId, [epoch1Key, epoch2Key]);
 */
export async function buildKeyring(
  vaultId: string,
  keys: ReadonlyArray<VaultKey>,
): Promise<VaultKeyring> {
  const sorted = [...keys].sort((a, b) => a.epoch - b.epoch);
  const first = sorted[0];
  const current = sorted[sorted.length - 1];
  if (!first || !current) {
    throw new CofferClientError(
      'vault_key_missing',
      'no key of this vault is available to this device',
    );
  }
  return {
    vaultId,
    vaultIdBytes: fromHex(vaultId),
    keys: sorted,
    current,
    nameKey: await deriveVaultNameKey(first.key),
  };
}
