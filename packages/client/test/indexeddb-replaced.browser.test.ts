// A newer version of the app, opened in another tab, upgrades the replica's
// IndexedDB schema. This tab's store must let it (never block it forever),
// tell this tab's app so it can ask for a reload, and fail every later call
// with a typed error instead of a DOMException.
import { expect, test } from 'vitest';
import { IndexedDbStore } from '../src/store/indexeddb-store.ts';

/** What a newer app in another tab does: open the same database at a higher version. */
function openNewer(name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('blocked by the older tab'));
  });
}

test('a newer schema opened elsewhere takes the replica over; this store says so and fails typed', async () => {
  const name = `coffer-replaced-${crypto.randomUUID()}`;
  const store = await IndexedDbStore.open(name);
  expect(await store.listRecords('v1')).toEqual([]);
  let told = 0;
  store.onReplaced(() => told++);
  expect(store.replaced).toBe(false);

  const newer = await openNewer(name, 1000);
  expect(told).toBe(1);
  expect(store.replaced).toBe(true);
  await expect(store.listRecords('v1')).rejects.toMatchObject({
    name: 'CofferClientError',
    code: 'store_replaced',
  });
  newer.close();
  indexedDB.deleteDatabase(name);
});
