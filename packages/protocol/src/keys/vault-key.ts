import { randomBytes } from '../primitives/random.ts';
import { requireEpoch } from './input.ts';
import { kidForSymmetricKey } from './kid.ts';

/** A vault key of one epoch; the shape of a DIRECT envelope keyring entry. */
export interface VaultKey {
  /** `kidForSymmetricKey(key)`. */
  kid: Uint8Array;
  /** u32 rotation counter; a new epoch on every member removal. */
  epoch: number;
  /** 32 random bytes. */
  key: Uint8Array;
}

/**
 * A fresh vault key for an epoch: 32 random bytes and their kid.
 *
 * @example
 * const first = await generateVaultKey(0);
 * const rotated = await generateVaultKey(first.epoch + 1);
 */
export async function generateVaultKey(epoch: number): Promise<VaultKey> {
  requireEpoch(epoch);
  const key = randomBytes(32);
  return { kid: await kidForSymmetricKey(key), epoch, key };
}
