/**
 * Store-level micro benchmark (no HTTP): batches of 100 x 1 KiB mutations
 * back to back, and N concurrent 1-record pushers, against SQLite.
 * `node bench/store-micro.ts [concurrency]`
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.ts';
import { createOwnedVault, randomId } from '../test/support/store-owner.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'coffer-micro-'));
const store = await openSqliteStore({ dataDir });
const { ownerId, vaultId } = await createOwnedVault(store, 'micro');
const envelope = new Uint8Array(randomBytes(1024));
const batch = (n: number) =>
  Array.from({ length: n }, () => ({
    mutationId: randomId(),
    recordId: randomId(),
    baseRevision: null,
    envelope,
    epoch: 1,
  }));

let t0 = performance.now();
let records = 0;
while (performance.now() - t0 < 3000) {
  await store.pushMutations(vaultId, ownerId, batch(100), { atomic: false, now: Date.now() });
  records += 100;
}
console.log(
  `sequential batches of 100: ${(records / ((performance.now() - t0) / 1000)).toFixed(0)} records/s`,
);

for (const writers of [4, Number(process.argv[2] ?? 50)]) {
  const size = writers === 4 ? 100 : 1;
  t0 = performance.now();
  const lat: number[] = [];
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() - t0 < 3000) {
        const s = performance.now();
        await store.pushMutations(vaultId, ownerId, batch(size), {
          atomic: false,
          now: Date.now(),
        });
        lat.push(performance.now() - s);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `${writers} concurrent pushers of ${size}: ${((lat.length * size) / secs).toFixed(0)} records/s, p50 ${lat[Math.floor(lat.length / 2)]?.toFixed(1)} ms, p99 ${lat[Math.floor(lat.length * 0.99)]?.toFixed(1)} ms`,
  );
}
const stats = (store as unknown as { groupCommitStats?: { groups: number; writes: number } })
  .groupCommitStats;
if (stats) console.log(`groups ${stats.groups}, writes ${stats.writes}`);
await store.close();
rmSync(dataDir, { recursive: true, force: true });
