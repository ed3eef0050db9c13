/**
 * Who must hear "your vault memberships changed" after a write: the stores
 * announce these accounts on the notifier once the write has committed, so
 * every device on the account live stream lists its vaults again.
 */
import type { Id, Store } from './contract.ts';

type Reads = Pick<Store, 'listMembers' | 'listVaultsForAccount'>;

/** Every member of the vault (read before it is deleted). */
export async function membersOf(store: Reads, vaultId: Id): Promise<Id[]> {
  return (await store.listMembers(vaultId)).map((m) => m.accountId);
}

/**
 * Accounts that share a vault with `accountId` (read before the account is
 * deleted: vaults it alone owns go with it, and the others lose a member).
 */
export async function coMembersOf(store: Reads, accountId: Id): Promise<Id[]> {
  const ids = new Set<Id>();
  for (const vault of await store.listVaultsForAccount(accountId)) {
    for (const id of await membersOf(store, vault.vaultId)) if (id !== accountId) ids.add(id);
  }
  return [...ids];
}
