// client.followVaults over the mocks: a dropped account stream reconnects
// and lists the vaults again.
// (Split across files when a stale OpenSSL error failed signups after a closed
// live stream; fixed by the protocol's importOwnKey, see signup-after-live.test.ts.)
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CofferClient } from '../../src/client.ts';
import type { VaultListChange } from '../../src/vault/vault-follower.ts';
import { appClient, useCoffer } from './harness.ts';

const coffer = useCoffer();
const closing: CofferClient[] = [];
afterEach(async () => {
  for (const c of closing.splice(0)) await c.close();
});

async function loggedIn(username: string) {
  const client = appClient();
  closing.push(client);
  await client.accounts.signup(username, 'correct horse battery');
  const session = await client.accounts.login(username, 'correct horse battery');
  return { client, accountId: session.accountId };
}

/** The next change the vault list reports. */
function nextChange(client: CofferClient): Promise<VaultListChange> {
  return new Promise((resolve) => {
    const stop = client.vaultList.subscribe((change) => {
      stop();
      resolve(change);
    });
  });
}

describe('client.followVaults', () => {
  it('reconnects after a dropped stream and lists again (news missed while away)', async () => {
    const { client: alice } = await loggedIn('alice');
    const { client: bob } = await loggedIn('bob');
    const first = nextChange(bob);
    expect(await bob.followVaults()).toBe(true);
    await first;
    // Offline: the stream drops, reconnecting fails, and a share happens meanwhile.
    coffer.mock.setScenario({ offline: { operations: ['accountEvents'] } });
    coffer.mock.db.live.dropAll();
    const { vaultId } = await alice.vaults.create();
    await alice.vaults.share(vaultId, 'bob', 'reader');
    await vi.waitFor(() =>
      expect(coffer.mock.requestsOf('accountEvents').map((r) => r.status)).toContain(
        'network-error',
      ),
    );
    const back = nextChange(bob);
    coffer.mock.clearScenario();
    // Reconnected (after its backoff): the `connected` event lists again.
    expect(await back).toMatchObject({ added: [vaultId] });
    expect(coffer.mock.requestsOf('accountEvents').at(-1)?.status).toBe(200);
  });
});
