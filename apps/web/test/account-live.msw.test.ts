import { expect, test, vi } from 'vitest';
import { SdkSession } from '../src/api/sdk-session.ts';
import type { VaultInfo } from '../src/api/types.ts';
import { mockDevice, useMockWorker } from './mock-worker.ts';

const PASSPHRASE = 'correct horse battery staple';
const coffer = useMockWorker();

const device = (name: string) => mockDevice(name);

/** Resolves with the list once `match` holds for it (checked on every change). */
function listWhere(
  session: SdkSession,
  match: (vaults: ReadonlyArray<VaultInfo>) => boolean,
): Promise<ReadonlyArray<VaultInfo>> {
  return new Promise((resolve) => {
    const check = () => {
      const vaults = session.vaults.getSnapshot();
      if (!vaults || !match(vaults)) return;
      stop();
      resolve(vaults);
    };
    const stop = session.vaults.subscribe(check);
    check();
  });
}

test('a vault shared by another user appears in the list by itself, with its name; a role change too', async () => {
  const owner = await device('owner');
  const member = await device('member');
  await owner.client.accounts.signup('hana', PASSPHRASE);
  await owner.client.accounts.login('hana', PASSPHRASE);
  await member.client.accounts.signup('ivo', PASSPHRASE);
  const ivo = await member.client.accounts.login('ivo', PASSPHRASE, 'web');
  const session = await SdkSession.start(member.client, member.store, ivo);
  try {
    expect(session.vaults.getSnapshot()).toEqual([]);
    const { vaultId } = await owner.client.vaults.create();
    await owner.client.records.put(vaultId, '.coffer/vault', { name: 'Family' });
    await owner.client.sync(vaultId);
    const refreshes = coffer.mock.requestsOf('listVaults').length;
    await owner.client.vaults.share(vaultId, 'ivo', 'reader');
    const listed = await listWhere(session, (v) => v.some((x) => x.vaultId === vaultId));
    expect(listed.map((v) => [v.name, v.role])).toEqual([['Family', 'reader']]);
    // Listed once, by the SDK on the stream's news (the session did not ask again).
    expect(coffer.mock.requestsOf('listVaults').length).toBe(refreshes + 1);

    await owner.client.vaults.changeRole(vaultId, ivo.accountId, 'writer');
    await listWhere(session, (v) => v[0]?.role === 'writer');
  } finally {
    await session.lock();
    await owner.client.close();
  }
}, 60_000);

test('against an older server (no account stream) the list changes on a refresh, as before', async () => {
  coffer.mock.setScenario({ noAccountEvents: true });
  const streams = coffer.mock.requestsOf('accountEvents').length;
  const owner = await device('old-owner');
  const member = await device('old-member');
  try {
    await owner.client.accounts.signup('jon', PASSPHRASE);
    await owner.client.accounts.login('jon', PASSPHRASE);
    await member.client.accounts.signup('kai', PASSPHRASE);
    const kai = await member.client.accounts.login('kai', PASSPHRASE, 'web');
    const session = await SdkSession.start(member.client, member.store, kai);
    const { vaultId } = await owner.client.vaults.create();
    await owner.client.vaults.share(vaultId, 'kai', 'reader');
    expect(coffer.mock.requestsOf('accountEvents')).toHaveLength(streams);
    expect(session.vaults.getSnapshot()).toEqual([]);
    // The fallback: the app's focus / 30 s refresh (past its 2 s throttle).
    vi.setSystemTime(Date.now() + 5_000);
    await session.refreshVaults();
    vi.useRealTimers();
    expect(session.vaults.getSnapshot()?.map((v) => v.vaultId)).toEqual([vaultId]);
    await session.lock();
  } finally {
    vi.useRealTimers();
    coffer.mock.clearScenario();
    await owner.client.close();
  }
}, 60_000);

test('a vault created in this session is listed once, though the account stream also announces it', async () => {
  const own = await device('creator');
  await own.client.accounts.signup('lea', PASSPHRASE);
  const lea = await own.client.accounts.login('lea', PASSPHRASE, 'web');
  const session = await SdkSession.start(own.client, own.store, lea);
  try {
    await listWhere(session, () => true);
    const announced = coffer.mock.requestsOf('listVaults').length;
    const info = await session.createVault('Ops');
    // The stream's news of the creation is applied too (the SDK lists again).
    await vi.waitFor(() =>
      expect(coffer.mock.requestsOf('listVaults').length).toBeGreaterThan(announced),
    );
    await session.refreshVaults();
    expect(session.vaults.getSnapshot()).toEqual([info]);
  } finally {
    await session.lock();
  }
}, 60_000);
