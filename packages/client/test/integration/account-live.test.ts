// The account live stream against the real server over HTTPS: a vault
// shared from alice's device appears on bob's live device, synced, without
// bob's app calling vaults.list() or sync(); a removal drops it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CofferClient } from '../../src/client.ts';
import type { VaultListChange } from '../../src/vault/vault-follower.ts';
import { signedUp } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

/** The next change of the vault list that satisfies `match`. */
function changeWhere(
  client: CofferClient,
  match: (change: VaultListChange) => boolean,
): Promise<VaultListChange> {
  return new Promise((resolve) => {
    const stop = client.vaultList.subscribe((change) => {
      if (!match(change)) return;
      stop();
      resolve(change);
    });
  });
}

describe('account live stream over HTTPS', () => {
  it("bob's live device sees a vault alice shares, synced, and loses it on removal", async () => {
    const alice = await signedUp(server, 'alice');
    const bob = await signedUp(server, 'bob');
    const connected = changeWhere(bob.client, () => true);
    expect(await bob.client.followVaults({ live: true })).toBe(true);
    expect((await connected).vaults).toEqual([]);

    const { vaultId } = await alice.client.vaults.create();
    await alice.client.records.put(vaultId, 'greeting', 'hello bob');
    await alice.client.sync(vaultId);
    const shared = changeWhere(bob.client, (c) => c.added.includes(vaultId));
    await alice.client.vaults.share(vaultId, bob.username, 'writer');
    const change = await shared;
    expect(change.vaults.map((v) => [v.vaultId, v.role])).toEqual([[vaultId, 'writer']]);
    // Synced by the SDK itself: bob's app never called sync().
    await vi.waitFor(async () =>
      expect((await bob.client.records.get(vaultId, 'greeting'))?.value).toBe('hello bob'),
    );
    // Followed live too: alice's next write reaches bob with no call either.
    await alice.client.records.put(vaultId, 'second', 'still there?');
    await alice.client.sync(vaultId);
    await vi.waitFor(async () =>
      expect((await bob.client.records.get(vaultId, 'second'))?.value).toBe('still there?'),
    );

    const gone = changeWhere(bob.client, (c) => c.removed.includes(vaultId));
    const members = await alice.client.vaults.members(vaultId);
    const bobMember = members.find((m) => m.username === bob.username);
    await alice.client.vaults.removeMember(vaultId, bobMember?.accountId ?? '');
    expect((await gone).vaults).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
