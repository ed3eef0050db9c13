// A record whose newer server version did not verify, through the REAL SDK
// (two devices of one account, IndexedDB replicas) against the msw mock
// server: the list and the record say the shown version is the last verified
// one, and a reload (a new SdkVault over the same replica, with none of the
// SDK's error events) still says so.
import { type CofferClient, createClient } from '@coffer/client';
import type { IndexedDbStore } from '@coffer/client/indexeddb';
import { afterAll, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { SdkVault } from '../src/api/sdk-vault.ts';
import { RecordDetail } from '../src/components/record-detail.tsx';
import { MOCK_BASE, mockDevice, useMockWorker } from './mock-worker.ts';
import { cleanup, render } from './render.tsx';

const PASSPHRASE = 'correct horse battery staple';
const coffer = useMockWorker();
const opened: Array<{ client: CofferClient; store: IndexedDbStore }> = [];

afterAll(async () => {
  cleanup();
  for (const { client } of opened) await client.close().catch(() => {});
  for (const store of new Set(opened.map((o) => o.store))) await store.close();
});

async function device(name: string, now: () => number) {
  const made = await mockDevice(name, now);
  opened.push(made);
  return made;
}

test('a newer version that does not verify: the last verified one is shown as such, also after a reload', async () => {
  let time = Date.now();
  const writer = await device('writer', () => time);
  await writer.client.accounts.signup('wes', PASSPHRASE);
  await writer.client.accounts.login('wes', PASSPHRASE);
  const { vaultId } = await writer.client.vaults.create();
  await writer.client.records.put(vaultId, 'doc', 'first');
  await writer.client.sync(vaultId);
  time += 1_000;
  await writer.client.records.put(vaultId, 'doc', 'second');
  await writer.client.sync(vaultId);

  const reader = await device('reader', () => Date.now());
  await reader.client.accounts.login('wes', PASSPHRASE);
  await reader.client.sync(vaultId);
  const recordId = (await reader.client.records.get(vaultId, 'doc'))!.recordId;
  // The server hands out the first version again, at a higher revision.
  expect(coffer.mock.tamper.replayOldEnvelope(vaultId, recordId)).toBe(true);
  await reader.client.sync(vaultId);

  const info = { vaultId, name: 'Notes', role: 'owner' as const };
  const first = await SdkVault.open(reader.client, reader.store, info);
  const row = first.records.getSnapshot().records.find((r) => r.name === 'doc');
  expect(row?.notLatest).toMatch(/did not verify/);
  first.close();

  // A reload: a new client over the same replica (no error events in memory).
  await reader.client.close();
  const again = createClient({
    serverUrl: MOCK_BASE,
    store: reader.store,
    clientName: 'web-test',
    clientVersion: '0.0.0',
  });
  opened.push({ client: again, store: reader.store });
  await again.accounts.login('wes', PASSPHRASE);
  expect(again.state.getSnapshot().errors).toEqual([]);
  const vault = await SdkVault.open(again, reader.store, info);
  const shown = vault.records.getSnapshot().records.find((r) => r.name === 'doc')!;
  expect(shown.notLatest).toMatch(/did not verify/);
  render(
    <RecordDetail vault={vault} record={shown} canWrite onEdit={() => {}} onDeleted={() => {}} />,
  );
  await expect.element(page.getByText(/so this is the last verified version/)).toBeVisible();
  await expect.element(page.getByText('"second"')).toBeVisible();
  vault.close();
}, 60_000);
