// The web session over the REAL SDK (IndexedDB replica) against the msw mock
// server in a Service Worker: after a login on a new device, each vault's
// sealed record index is built in the background, so the first open of a
// vault lists from it instead of opening every envelope.
import { createClient } from '@coffer/client';
import { IndexedDbStore } from '@coffer/client/indexeddb';
import { type BrowserMockServer, setupCofferWorker } from '@coffer/mocks/browser';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { SdkSession } from '../src/api/sdk-session.ts';

const BASE = 'https://coffer.test';
const PASSPHRASE = 'correct horse battery staple';
let coffer: BrowserMockServer;

beforeAll(async () => {
  coffer = setupCofferWorker({ baseUrl: BASE });
  await coffer.start({ serviceWorkerUrl: '/mockServiceWorker.js' });
}, 60_000);

afterAll(() => {
  coffer?.stop();
});

async function device(name: string) {
  const store = await IndexedDbStore.open(`coffer-session-test-${name}-${crypto.randomUUID()}`);
  const client = createClient({
    serverUrl: BASE,
    store,
    clientName: 'web-test',
    clientVersion: '0.0.0',
  });
  return { store, client };
}

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
