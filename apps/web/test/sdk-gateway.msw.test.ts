// The web gateway over the REAL SDK against the msw mock server: a login
// that fails leaves no IndexedDB database behind unless one was already
// there (a mistyped name, or a passphrase typed into the username field,
// must not be kept in the browser's storage as a database name).
import { IndexedDbStore } from '@coffer/client/indexeddb';
import { expect, test } from 'vitest';
import { createSdkGateway, replicaName } from '../src/api/sdk-gateway.ts';
import { MOCK_BASE, useMockWorker } from './mock-worker.ts';

useMockWorker();

async function databaseNames(): Promise<Array<string | undefined>> {
  return (await indexedDB.databases()).map((db) => db.name);
}

const unique = () => `u${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;

test('a failed login under a name never used here leaves no database named after it', async () => {
  const username = unique();
  const gateway = createSdkGateway({ serverUrl: MOCK_BASE });
  await expect(gateway.login(username, 'not the passphrase', () => {})).rejects.toBeDefined();
  expect(await databaseNames()).not.toContain(replicaName(username));
}, 60_000);

test('a failed login keeps the replica that was already on this device (it may hold unsent changes)', async () => {
  const username = unique();
  const existing = await IndexedDbStore.open(replicaName(username));
  await existing.setMeta('marker', 'kept');
  await existing.close();
  const gateway = createSdkGateway({ serverUrl: MOCK_BASE });
  await expect(gateway.login(username, 'not the passphrase', () => {})).rejects.toBeDefined();
  expect(await databaseNames()).toContain(replicaName(username));
  const reopened = await IndexedDbStore.open(replicaName(username));
  expect(await reopened.getMeta('marker')).toBe('kept');
  await reopened.close();
}, 60_000);
