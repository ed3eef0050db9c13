/**
 * Store + body micro benchmark of pull (no HTTP): pages of 1000 x 1 KiB
 * records read and encoded back to back, CPU µs per record.
 * `node --conditions=@coffer/source bench/pull-micro.ts [seconds]`
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePullPage } from '../src/http/pull-body.ts';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.ts';
import { createOwnedVault, randomId } from '../test/support/store-owner.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'coffer-pull-micro-'));
const store = await openSqliteStore({ dataDir });
const { ownerId, vaultId } = await createOwnedVault(store, 'micro');
const envelope = new Uint8Array(randomBytes(1024));
for (let b = 0; b < 50; b++) {
  const batch = Array.from({ length: 100 }, () => ({
    mutationId: randomId(),
    recordId: randomId(),
    baseRevision: null,
    envelope,
    epoch: 1,
  }));
  await store.pushMutations(vaultId, ownerId, batch, { atomic: false, now: Date.now() });
}
const ms = Number(process.argv[2] ?? 3) * 1000;
for (const mode of ['store', 'store+body', 'store', 'store+body']) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let records = 0;
  while (performance.now() - t0 < ms) {
    let cursor = 0;
    for (;;) {
      const page = await store.pullChanges(vaultId, cursor, 1000);
      if (page.resyncRequired) throw new Error('resync');
      if (mode === 'store+body') encodePullPage(page.changes, page.nextCursor, page.hasMore);
      records += page.changes.length;
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${mode}: ${((cpu.user + cpu.system) / records).toFixed(2)} µs CPU per record (${records} records)`,
  );
}
await store.close();
rmSync(dataDir, { recursive: true, force: true });
