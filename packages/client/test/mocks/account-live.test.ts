// client.followVaults over the mocks: the account live stream refreshes the
// vault list when the account is shared into, re-roled in or removed from a
// vault; a new vault is synced and followed, a removed one stops; an older
// server (without the stream) leaves everything as before; a dropped stream
// reconnects and lists again; a logout ends it.
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
  it('an older server (no account stream): resolves false and never asks for it', async () => {
    const { client: bob } = await loggedIn('bob');
    coffer.mock.setScenario({ noAccountEvents: true });
    expect(await bob.followVaults()).toBe(false);
    expect(coffer.mock.requestsOf('accountEvents')).toHaveLength(0);
    expect(bob.vaultList.getSnapshot()).toBeNull();
    // Everything else works as before.
    expect(await bob.vaults.list()).toEqual([]);
  });

  it('a vault shared with this account appears, syncs and is followed live; removal stops it', async () => {
    const { client: alice } = await loggedIn('alice');
    const { client: bob, accountId } = await loggedIn('bob');
    const first = nextChange(bob);
    expect(await bob.followVaults({ live: true })).toBe(true);
    // The first list (on connect): nothing yet.
    expect((await first).vaults).toEqual([]);

    const { vaultId } = await alice.vaults.create();
    await alice.records.put(vaultId, 'note', 'hello bob');
    await alice.sync(vaultId);
    const shared = nextChange(bob);
    await alice.vaults.share(vaultId, 'bob', 'reader');
    expect(await shared).toMatchObject({ added: [vaultId], removed: [] });
    expect(bob.vaultList.getSnapshot()?.map((v) => [v.vaultId, v.role])).toEqual([
      [vaultId, 'reader'],
    ]);
    // Synced and followed live with no call of the app's: the record is here.
    await vi.waitFor(async () =>
      expect((await bob.records.get(vaultId, 'note'))?.value).toBe('hello bob'),
    );
    await vi.waitFor(() => expect(coffer.mock.db.live.countAccount(accountId)).toBe(2));

    const promoted = nextChange(bob);
    await alice.vaults.changeRole(vaultId, accountId, 'writer');
    expect(await promoted).toMatchObject({ roleChanged: [vaultId], added: [], removed: [] });

    const removed = nextChange(bob);
    await alice.vaults.removeMember(vaultId, accountId);
    expect(await removed).toMatchObject({ removed: [vaultId], vaults: [] });
    // Its live stream ended and is not reopened: only the account stream is left.
    const opened = coffer.mock.requestsOf('liveEvents').length;
    await vi.waitFor(() => expect(coffer.mock.db.live.countAccount(accountId)).toBe(1));
    expect(coffer.mock.requestsOf('liveEvents')).toHaveLength(opened);
  });

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
