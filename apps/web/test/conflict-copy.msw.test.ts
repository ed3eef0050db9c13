// A conflict copy through the REAL SDK (two devices of one account, IndexedDB
// replicas, the msw mock server): the web app shows the losing version with
// its own kind and edit time, not the winner's (a secret that lost to a text
// value is still a secret; the time is when it was written).
import { type CofferClient, RECORD_TYPES } from '@coffer/client';
import type { IndexedDbStore } from '@coffer/client/indexeddb';
import { afterAll, expect, test } from 'vitest';
import { SdkVault } from '../src/api/sdk-vault.ts';
import { mockDevice, useMockWorker } from './mock-worker.ts';

const PASSPHRASE = 'correct horse battery staple';
useMockWorker();
const opened: Array<{ client: CofferClient; store: IndexedDbStore }> = [];

afterAll(async () => {
  for (const { client } of opened) await client.close().catch(() => {});
  for (const { store } of opened) await store.close();
});

async function device(name: string, now: () => number) {
  const made = await mockDevice(name, now);
  opened.push(made);
  return made;
}

test("the losing version keeps its own kind and edit time (a secret's copy is a secret)", async () => {
  const start = Date.UTC(2026, 10, 1, 12, 0);
  // Device b's clock runs two minutes behind a's: b's later push is the older edit.
  let time = start;
  const a = await device('a', () => time);
  const b = await device('b', () => time - 120_000);
  await a.client.accounts.signup('cora', PASSPHRASE);
  await a.client.accounts.login('cora', PASSPHRASE);
  const { vaultId } = await a.client.vaults.create();
  await a.client.records.put(vaultId, 'api-key', 'placeholder', { type: RECORD_TYPES.text });
  await a.client.sync(vaultId);
  await b.client.accounts.login('cora', PASSPHRASE);
  await b.client.sync(vaultId);

  time += 180_000;
  await a.client.records.put(vaultId, 'api-key', 'rotated elsewhere', { type: RECORD_TYPES.text });
  await a.client.sync(vaultId);
  // b has not pulled a's edit: its push meets it, and the newer edit (a's) wins.
  const secretAt = time - 120_000;
  await b.client.records.put(vaultId, 'api-key', 'sk-live-123', { type: RECORD_TYPES.secret });
  await b.client.sync(vaultId);

  const vault = await SdkVault.open(b.client, b.store, { vaultId, name: 'Keys', role: 'owner' });
  const [conflict, ...more] = vault.conflicts.getSnapshot();
  expect(more).toEqual([]);
  expect(conflict?.mine).toEqual({
    deleted: false,
    content: { kind: 'secret', text: 'sk-live-123' },
    updatedAt: secretAt,
  });
  expect(conflict?.theirs).toMatchObject({
    deleted: false,
    content: { kind: 'text', text: 'rotated elsewhere' },
  });
  vault.close();
}, 60_000);
