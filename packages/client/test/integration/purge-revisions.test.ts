// Over the real server: a write a device queued offline on a record's earlier
// life, after the record was deleted, purged and created again. The server
// starts the new life above the purge horizon (53d9d1d), never at a revision
// the earlier life had, so the queued write meets the new life as a conflict
// and nothing is lost. (An old server restarted it at revision 1: the queued
// deletion, based on revision 1, deleted the new record without a conflict.)
// Shrunk from the fault model: put a@0, sync@1, offline@1, delete a@0,
// delete a@1, purge, put a@0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountOnThreeDevices, values } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

/** A clock the test moves, so the later write is unambiguous across devices. */
const clock = { t: Date.now(), now: () => clock.t };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

describe('a write queued on a purged earlier life of a record', () => {
  it('an offline deletion of the first life meets the re-created record as a conflict copy', async () => {
    const ds = await accountOnThreeDevices(server, { prefix: 'purge', clock });
    const [a, b, c] = ds;
    const tick = () => {
      clock.t += 1_000;
    };
    const { vaultId } = await a.client.vaults.create();
    try {
      tick();
      await a.client.records.put(vaultId, 'doc', 'first life');
      await a.client.sync(vaultId);
      await b.client.sync(vaultId);
      const recordId = (await b.client.records.get(vaultId, 'doc'))!.recordId;
      const firstLife = (await b.store.getRecord(vaultId, recordId))!.revision;
      b.net.online = false;
      tick();
      await a.client.records.delete(vaultId, 'doc');
      await a.client.sync(vaultId);
      tick();
      await b.client.records.delete(vaultId, 'doc'); // queued, based on the first life
      await server.stop();
      server.purgeTombstones(vaultId);
      await server.start();
      tick();
      await a.client.records.put(vaultId, 'doc', 'second life');
      await a.client.sync(vaultId);
      // The new life starts above the purge horizon: no revision of the first
      // life (the queued deletion's base) comes back.
      const secondLife = (await a.store.getRecord(vaultId, recordId))!.revision;
      expect(secondLife).toBeGreaterThan(firstLife + 1);
      expect((await b.store.listOutbox({ vaultId })).map((e) => e.baseRevision)).toEqual([
        firstLife,
      ]);

      b.net.online = true;
      clock.t += 1_000_000; // past the failed push's backoff
      for (let round = 0; round < 2; round++) for (const d of ds) await d.client.sync(vaultId);
      for (const d of ds) {
        expect(await values(d, vaultId)).toEqual({ doc: 'second life' });
        expect(d.errors).toEqual([]);
        expect(await d.store.listOutbox({ vaultId })).toEqual([]);
      }
      // b's deletion predates the re-creation: it lost, and is kept as a copy.
      const copies = await b.client.conflicts.list(vaultId);
      expect(copies.map((k) => [k.recordId, k.deleted])).toEqual([[recordId, true]]);
      expect(await c.client.conflicts.list(vaultId)).toEqual([]);
    } finally {
      for (const d of ds) await d.client.close();
    }
  });
});
