// `client.sync` as an application calls it (createClient over the mocks).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appClient, ManualClock, useCoffer } from './harness.ts';

const coffer = useCoffer();
const closing: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const c of closing.splice(0)) await c.close();
  vi.restoreAllMocks();
});

async function loggedIn(clock: ManualClock) {
  const client = appClient({ clock });
  closing.push(client);
  await client.accounts.signup('alice', 'correct horse battery');
  await client.accounts.login('alice', 'correct horse battery');
  return client;
}

describe('client.sync', () => {
  it('pushes writes that wait for their retry backoff (back online, the user syncs)', async () => {
    // The clock stands still, so the backoff of a failed push never runs out by itself.
    const clock = new ManualClock();
    const client = await loggedIn(clock);
    const { vaultId } = await client.vaults.create();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    coffer.mock.setScenario({ offline: true });
    await client.records.put(vaultId, 'db', { host: 'db1' });
    await client.sync(vaultId);
    expect(client.state.getSnapshot()).toMatchObject({ connection: 'offline', pending: 1 });
    coffer.mock.clearScenario();
    await client.sync(vaultId);
    expect(client.state.getSnapshot()).toMatchObject({ connection: 'online', pending: 0 });
    expect((await client.records.get(vaultId, 'db'))?.pending).toBe(false);
    expect(coffer.mock.vault(vaultId).headSeq).toBe(1);
  });

  it('does not reject when the session was revoked: an unauthorized error event says it', async () => {
    const client = await loggedIn(new ManualClock());
    const { vaultId } = await client.vaults.create();
    const { sessions } = await client.accounts.listSessions();
    await client.accounts.revokeSession(sessions[0]!.sessionId);
    await expect(client.sync(vaultId)).resolves.toBeUndefined();
    expect(client.state.getSnapshot().errors.map((e) => e.code)).toContain('unauthorized');
  });

  it('a logout ends the live streams (nothing calls the server for the old session)', async () => {
    const client = await loggedIn(new ManualClock());
    const { vaultId } = await client.vaults.create();
    client.live(vaultId);
    await vi.waitFor(() => expect(coffer.mock.db.live.size).toBe(1));
    await client.accounts.logout();
    await vi.waitFor(() => expect(coffer.mock.db.live.size).toBe(0));
    const opened = coffer.mock.requestsOf('liveEvents').length;
    await client.accounts.login('alice', 'correct horse battery');
    expect(coffer.mock.requestsOf('liveEvents')).toHaveLength(opened);
  });
});
