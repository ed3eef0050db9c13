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
  /**
   * Signing keys of the vault's current members, pinned by this device:
   * pulled records must be signed by one of them. Unset: not checked (a
   * keyring of tests or tools without an account).
   */
  signers?: ReadonlyArray<{ kid: Uint8Array; ed25519PublicKey: Uint8Array }> | undefined;
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
  signers?: VaultKeyring['signers'],
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
    ...(signers ? { signers } : {}),
  };
}
