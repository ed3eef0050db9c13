// Regression tests found by the fault model (sync-model-faults.test.ts):
// the server purging tombstones, which restarts a re-created record at
// revision 1, and retried pushes whose original outcome a pull has passed.
import { describe, expect, it } from 'vitest';
import { pushVault } from '../src/sync/push.ts';
import { setup, type TestClient } from './sync-harness.ts';

const values = async (c: TestClient, vaultId: string) =>
  Object.fromEntries((await c.records.list(vaultId)).map((r) => [r.name, r.value]));

async function settle(clients: ReadonlyArray<TestClient>, vaultId: string) {
  for (const c of clients) await c.engine.idle();
  for (let round = 0; round < 2; round++) for (const c of clients) await c.engine.sync(vaultId);
}

async function three() {
  const s = await setup(3);
  const [a, b, c] = s.clients as [TestClient, TestClient, TestClient];
  return { ...s, a, b, c };
}

describe('tombstone purges and stale push answers', () => {
  it('a record re-created after its tombstone was purged reaches a replica that holds the tombstone', async () => {
    // Shrunk: put c@2, delete c@2, sync@0, purge, put c@0. The server restarts
    // the record at revision 1; a replica holding the tombstone at revision 2
    // refused it as a rollback (and a's own write vanished from a's view).
    const { vaultId, server, clock, a, b, c } = await three();
    await c.records.put(vaultId, 'doc', 'first');
    await c.engine.idle();
    await c.records.delete(vaultId, 'doc');
    await c.engine.idle();
    await a.engine.sync(vaultId);
    server.purgeTombstones(vaultId);
    clock.advance(1_000);
    await a.records.put(vaultId, 'doc', 'again');
    await settle([a, b, c], vaultId);
    expect([...server.vault(vaultId).rows.values()].map((r) => r.revision)).toEqual([1]);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({ doc: 'again' });
      expect(x.errors).toEqual([]);
    }
  });

  it('a full resync takes a re-created record at or below the revision held of its earlier life', async () => {
    // Shrunk: put b@0, sync@1, delete b@0, put b@0, purge, sync@0. b holds the
    // first life at revision 1 and resyncs; the second life is also at
    // revision 1, which b refused as a fork.
    const { vaultId, server, clock, a, b, c } = await three();
    await a.records.put(vaultId, 'doc', 'first life');
    await a.engine.idle();
    await b.engine.sync(vaultId);
    await a.records.delete(vaultId, 'doc');
    await a.engine.idle();
    server.purgeTombstones(vaultId);
    clock.advance(1_000);
    await a.records.put(vaultId, 'doc', 'second life');
    await a.engine.idle();
    await settle([a, b, c], vaultId);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({ doc: 'second life' });
      expect(x.errors).toEqual([]);
    }
  });

  it('an offline edit of a record deleted and purged meanwhile is acknowledged over the row of its earlier life', async () => {
    const { vaultId, server, clock, a, b, c } = await three();
    await a.records.put(vaultId, 'doc', 'first');
    await a.engine.idle();
    await b.engine.sync(vaultId);
    b.transport.online = false;
    clock.advance(1_000);
    await b.records.put(vaultId, 'doc', 'offline edit');
    await b.engine.idle();
    await a.records.delete(vaultId, 'doc');
    await a.engine.idle();
    server.purgeTombstones(vaultId);
    b.transport.online = true;
    clock.advance(1_000);
    await settle([a, b, c], vaultId);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({ doc: 'offline edit' });
      expect(x.errors).toEqual([]);
    }
  });

  it("a retried push's original answer does not roll back a newer version pulled meanwhile", async () => {
    const { vaultId, clock, a, b, c } = await three();
    a.transport.loseResponses = 1;
    await a.records.put(vaultId, 'doc', 'from a');
    await a.engine.idle(); // applied at revision 1, the answer lost: waits for its retry
    await b.engine.sync(vaultId);
    await b.records.put(vaultId, 'doc', 'from b');
    await b.engine.idle();
    await a.engine.sync(vaultId); // pulls b's revision 2; a's retry is not due yet
    expect(await a.store.countOutbox()).toBe(1);
    clock.advance(1_000);
    await a.engine.sync(vaultId); // the retry answers revision 1
    await settle([a, b, c], vaultId);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({ doc: 'from b' });
      expect(x.errors).toEqual([]);
    }
  });

  it("a retried push's original answer does not bring back a record deleted and purged meanwhile", async () => {
    const { vaultId, server, clock, a, b, c } = await three();
    a.transport.loseResponses = 1;
    await a.records.put(vaultId, 'doc', 'from a');
    await a.engine.idle();
    await b.engine.sync(vaultId);
    await b.records.delete(vaultId, 'doc');
    await b.engine.idle();
    server.purgeTombstones(vaultId);
    await a.engine.sync(vaultId); // a's cursor is behind the horizon: resync, the record is gone
    clock.advance(1_000);
    // The retry alone (a full sync would resync again and hide a resurrection).
    await pushVault(a.ctx, vaultId);
    expect(await a.store.countOutbox()).toBe(0);
    expect(await values(a, vaultId)).toEqual({});
    await settle([a, b, c], vaultId);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({});
      expect(x.errors).toEqual([]);
    }
  });

  it('a device that never pulled drops its own acknowledged write once it was deleted and purged', async () => {
    // Shrunk (fault model, yielding stores): put b@2, go offline before the
    // pull, b deleted elsewhere, purge. From cursor 0 the server skips its
    // horizon check, so the device kept its row of b for good.
    const { vaultId, server, clock, a, b, c } = await three();
    a.transport.online = false;
    await a.records.put(vaultId, 'doc', 'from a');
    await a.engine.idle();
    a.transport.online = true;
    clock.advance(1_000);
    await pushVault(a.ctx, vaultId); // acknowledged, never pulled: cursor 0
    expect(await a.store.getCursor(vaultId)).toBe(0);
    await b.engine.sync(vaultId);
    await b.records.delete(vaultId, 'doc');
    await b.engine.idle();
    server.purgeTombstones(vaultId);
    await settle([a, b, c], vaultId);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({});
      expect(x.errors).toEqual([]);
    }
  });
});
