/**
 * One account and one vault it owns, created directly in a store (no HTTP):
 * the starting point of the store micro benchmarks and the crash-writer
 * child. Runs under Node's type stripping, so erasable TypeScript only.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/storage/contract.ts';

/** A random 16-byte id as hex, the form the store takes ids in. */
export const randomId = (): string => randomBytes(16).toString('hex');

/** Create an account named `username` and a vault it owns; their ids. */
export async function createOwnedVault(
  store: Store,
  username: string,
): Promise<{ ownerId: string; vaultId: string }> {
  const ownerId = randomId();
  const vaultId = randomId();
  await store.createAccount({
    accountId: ownerId,
    username,
    loginPublicKey: randomBytes(32),
    kdfSalt: randomBytes(16),
    kdfParams: { memoryKiB: 65536, iterations: 3, parallelism: 1 },
    keyBundle: randomBytes(64),
    x25519PublicKey: randomBytes(32),
    ed25519PublicKey: randomBytes(32),
    createdAt: Date.now(),
  });
  await store.createVault({ vaultId, ownerId, createdAt: Date.now(), grants: [] });
  return { ownerId, vaultId };
}
