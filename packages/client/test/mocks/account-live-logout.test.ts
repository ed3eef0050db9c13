// client.followVaults over the mocks: a logout ends the account stream.
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
  it('a logout ends the account stream; nothing reconnects for the old session', async () => {
    const { client: bob, accountId } = await loggedIn('bob');
    const first = nextChange(bob);
    await bob.followVaults();
    await first;
    expect(coffer.mock.db.live.countAccount(accountId)).toBe(1);
    await bob.accounts.logout();
    await vi.waitFor(() => expect(coffer.mock.db.live.size).toBe(0));
    const opened = coffer.mock.requestsOf('accountEvents').length;
    await bob.accounts.login('bob', 'correct horse battery');
    expect(coffer.mock.requestsOf('accountEvents')).toHaveLength(opened);
  });
});
