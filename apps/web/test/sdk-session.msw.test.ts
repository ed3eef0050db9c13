import { expect, test, vi } from 'vitest';
import { SdkSession } from '../src/api/sdk-session.ts';
import { mockDevice, useMockWorker } from './mock-worker.ts';

const PASSPHRASE = 'correct horse battery staple';
useMockWorker();

const device = (name: string) => mockDevice(name);

test('a login on a new device builds each vault index in the background, sealed', async () => {
  const first = await device('first');
  await first.client.accounts.signup('dora', PASSPHRASE);
  await first.client.accounts.login('dora', PASSPHRASE);
  const { vaultId } = await first.client.vaults.create();
  await first.client.records.put(vaultId, '.coffer/vault', { name: 'Team' });
  for (const name of ['alpha-plaintext-name', 'beta-plaintext-name']) {
    await first.client.records.put(vaultId, name, `value of ${name}`);
  }
  await first.client.sync(vaultId);
  await first.client.close();

  const second = await device('second');
  const account = await second.client.accounts.login('dora', PASSPHRASE, 'web');
  const session = await SdkSession.start(second.client, second.store, account);
  try {
    expect(session.vaults.getSnapshot()?.map((v) => v.name)).toEqual(['Team']);
    // Nothing opened the vault: only the background warm-up writes its index.
    const sealed = await vi.waitFor(
      async () => {
        const value = await second.store.getMeta(`record-index:${vaultId}`);
        if (value === undefined) throw new Error('no record index yet');
        return value;
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(sealed).not.toContain('plaintext-name');
    const rows = await second.client.records.summaries(vaultId);
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['alpha-plaintext-name', 'beta-plaintext-name']),
    );
  } finally {
    await second.client.close();
  }
}, 60_000);

test('a vault opened again after an admin changed the role has the new role (it stays open in between)', async () => {
  const owner = await device('owner');
  const member = await device('member');
  await owner.client.accounts.signup('fern', PASSPHRASE);
  await owner.client.accounts.login('fern', PASSPHRASE);
  await member.client.accounts.signup('gus', PASSPHRASE);
  const gus = await member.client.accounts.login('gus', PASSPHRASE, 'web');
  const { vaultId } = await owner.client.vaults.create();
  await owner.client.records.put(vaultId, '.coffer/vault', { name: 'Shared' });
  await owner.client.sync(vaultId);
  await owner.client.vaults.share(vaultId, 'gus', 'reader');

  const session = await SdkSession.start(member.client, member.store, gus);
  try {
    expect((await session.openVault(vaultId)).info.role).toBe('reader');
    await owner.client.vaults.changeRole(vaultId, gus.accountId, 'writer');
    // The list is asked for again (focus, online, every 30 s), not within 2 s of the last time.
    vi.setSystemTime(Date.now() + 5_000);
    await session.refreshVaults();
    vi.useRealTimers();
    expect(session.vaults.getSnapshot()?.find((v) => v.vaultId === vaultId)?.role).toBe('writer');
    expect((await session.openVault(vaultId)).info.role).toBe('writer');
  } finally {
    vi.useRealTimers();
    await session.lock();
    await owner.client.close();
  }
}, 60_000);

test('a newer version opening the replica in another tab shows in session.replicaReplaced', async () => {
  const tab = await device('replaced');
  await tab.client.accounts.signup('hana', PASSPHRASE);
  const account = await tab.client.accounts.login('hana', PASSPHRASE, 'web');
  const session = await SdkSession.start(tab.client, tab.store, account);
  try {
    let told = 0;
    const stop = session.replicaReplaced.subscribe(() => told++);
    expect(session.replicaReplaced.getSnapshot()).toBe(false);
    // The other tab: the same database name at a higher schema version.
    const name = (await indexedDB.databases()).find((d) =>
      d.name?.startsWith('coffer-test-replaced-'),
    )?.name;
    expect(name).toBeDefined();
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name!, 1000);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('blocked by the older tab'));
    });
    expect(session.replicaReplaced.getSnapshot()).toBe(true);
    expect(told).toBe(1);
    stop();
    newer.close();
  } finally {
    await tab.client.close();
  }
}, 60_000);
