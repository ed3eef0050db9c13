// Regression tests found by the fault model (sync-model-faults.test.ts):
// the server purging tombstones, and retried pushes whose original outcome a
// pull has passed. Each runs against the current server (a re-created record
// starts above the purge horizon) and an old one (it restarts at revision 1,
// reusing its earlier life's revisions), which production clients still meet.
import { describe, expect, it } from 'vitest';
import { pushVault } from '../src/sync/push.ts';
import type { FakeServerOptions } from './fake-server.ts';
import { setup, type TestClient } from './sync-harness.ts';

const values = async (c: TestClient, vaultId: string) =>
  Object.fromEntries((await c.records.list(vaultId)).map((r) => [r.name, r.value]));

async function settle(clients: ReadonlyArray<TestClient>, vaultId: string) {
  for (const c of clients) await c.engine.idle();
  for (let round = 0; round < 2; round++) for (const c of clients) await c.engine.sync(vaultId);
}

async function threeOn(serverOptions: FakeServerOptions) {
  const s = await setup(3, undefined, undefined, serverOptions);
  const [a, b, c] = s.clients as [TestClient, TestClient, TestClient];
  return { ...s, a, b, c };
}

const servers: Array<[string, FakeServerOptions]> = [
  ['current server', {}],
  ['old server (revisions restart at 1 after a purge)', { oldServer: true }],
];

describe.each(servers)('tombstone purges and stale push answers, %s', (_, serverOptions) => {
  const old = serverOptions.oldServer === true;
  const three = () => threeOn(serverOptions);

  it('a record re-created after its tombstone was purged reaches a replica that holds the tombstone', async () => {
    // Shrunk: put c@2, delete c@2, sync@0, purge, put c@0. An old server
    // restarts the record at revision 1; a replica holding the tombstone at
    // revision 2 refused it as a rollback (and a's own write vanished from
    // a's view). The current server starts it above the horizon (seq 2).
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
    expect([...server.vault(vaultId).rows.values()].map((r) => r.revision)).toEqual([old ? 1 : 3]);
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

  it('a push conflict with a record re-created after a purge, below the revision held here, is no rollback', async () => {
    const { vaultId, server, clock, a, b, c } = await three();
    for (const v of ['one', 'two', 'three']) {
      clock.advance(1_000);
      await a.records.put(vaultId, 'doc', v);
      await a.engine.idle();
    }
    await b.engine.sync(vaultId); // b holds revision 3
    b.transport.online = false;
    clock.advance(1_000);
    await b.records.put(vaultId, 'doc', 'offline from b');
    await b.engine.idle();
    await a.records.delete(vaultId, 'doc');
    await a.engine.idle();
    server.purgeTombstones(vaultId);
    clock.advance(1_000);
    await a.records.put(vaultId, 'doc', 'second life'); // revision 1 again on an old server
    await a.engine.idle();
    b.transport.online = true;
    clock.advance(1_000);
    await settle([a, b, c], vaultId);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({ doc: 'second life' });
      expect(x.errors).toEqual([]);
    }
    // b's offline edit lost to the later one and is kept as a copy.
    expect((await b.conflicts.list(vaultId)).map((k) => k.value)).toEqual(['offline from b']);
  });

  it('a queued write based on the earlier life of a re-created record is sent as based on nothing', async () => {
    // An old server reuses revision numbers after a purge: b's write, based
    // on its tombstone at revision 2, applied on top of the new life's
    // revision 2 without a conflict (c's edit overwritten, no copy kept).
    // Pulled before the push, the new life resets the write's base, so it
    // meets a conflict. The current server's new life (revisions 3 and 4)
    // never matches the base: the write keeps it and meets a conflict anyway.
    const { vaultId, server, clock, a, b, c } = await three();
    await a.records.put(vaultId, 'doc', 'first life');
    await a.engine.idle();
    await a.records.delete(vaultId, 'doc');
    await a.engine.idle();
    await b.engine.sync(vaultId); // b holds the tombstone (revision 2)
    server.purgeTombstones(vaultId);
    for (const v of ['second life', 'second life, edited']) {
      clock.advance(1_000);
      await c.records.put(vaultId, 'doc', v); // revisions 1 and 2 again on an old server
      await c.engine.idle();
    }
    b.transport.online = false;
    clock.advance(1_000);
    await b.records.put(vaultId, 'doc', 'from b'); // based on revision 2 (the tombstone)
    await b.engine.idle();
    b.transport.online = true;
    await b.engine.sync(vaultId); // b's write waits for its retry: the pull comes first
    expect((await b.store.listOutbox())[0]?.baseRevision).toBe(old ? null : 2);
    clock.advance(1_000);
    await settle([a, b, c], vaultId);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({ doc: 'from b' });
      expect(x.errors).toEqual([]);
    }
    expect((await b.conflicts.list(vaultId)).map((k) => k.value)).toEqual(['second life, edited']);
  });
});

describe('a server replaying an old envelope below the revision held is still refused', () => {
  async function history() {
    const t = await threeOn({});
    const { vaultId, server, clock, a, b } = t;
    let first: string | null = null;
    for (const v of ['one', 'two', 'three']) {
      clock.advance(1_000);
      await a.records.put(vaultId, 'doc', v);
      await a.engine.idle();
      first ??= [...server.vault(vaultId).rows.values()][0]!.envelope;
    }
    await b.engine.sync(vaultId); // b holds revision 3
    const recordId = (await b.store.listRecordIds(vaultId))[0]!;
    return { ...t, first: first!, recordId };
  }

  it('in a push conflict (newer sequence, lower revision, older edit time)', async () => {
    const { vaultId, server, clock, b, first, recordId } = await history();
    server.tamper(vaultId, recordId, { revision: 1, envelope: first });
    clock.advance(1_000);
    await b.records.put(vaultId, 'doc', 'from b');
    await b.engine.idle();
    expect(b.errors.map((e) => e.code)).toEqual(['revision_rollback']);
    expect((await b.records.get(vaultId, 'doc'))?.value).toBe('from b');
    expect(await b.conflicts.list(vaultId)).toEqual([]);
  });

  it('in a full resync', async () => {
    const { vaultId, server, b, first, recordId } = await history();
    server.tamper(vaultId, recordId, { revision: 1, envelope: first });
    server.purgeTombstones(vaultId); // raises the horizon above b's cursor
    await b.engine.sync(vaultId);
    expect(b.errors.map((e) => e.code)).toEqual(['revision_rollback']);
    expect((await b.records.get(vaultId, 'doc'))?.value).toBe('three');
  });
});
