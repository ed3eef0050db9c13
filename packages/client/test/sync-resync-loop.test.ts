// A vault whose newest changes are deletions the server purged: the current
// server ends the last pull page at its head, so one full resync brings the
// cursor past the horizon and later pulls are incremental. An old server
// ends it at the last row listed, below the horizon, so every later pull is
// a full resync again until someone writes (client README, old servers).
import { describe, expect, it } from 'vitest';
import type { FakeServerOptions } from './fake-server.ts';
import { setup, type TestClient } from './sync-harness.ts';

async function resyncsAfterPurge(serverOptions: FakeServerOptions) {
  const { vaultId, server, clients } = await setup(2, undefined, undefined, serverOptions);
  const [a, b] = clients as [TestClient, TestClient];
  for (const n of ['keep', 'gone-1', 'gone-2']) await a.records.put(vaultId, n, n);
  await a.engine.idle();
  await b.engine.sync(vaultId);
  await a.records.delete(vaultId, 'gone-1');
  await a.records.delete(vaultId, 'gone-2');
  await a.engine.idle();
  server.purgeTombstones(vaultId);
  const resyncs: boolean[] = [];
  const pull = b.transport.pull.bind(b.transport);
  b.transport.pull = (id, cursor, limit, options = {}) => {
    if (cursor === 0 || options.resync) resyncs.push(true);
    return pull(id, cursor, limit, options);
  };
  for (let i = 0; i < 3; i++) await b.engine.sync(vaultId);
  expect(b.errors).toEqual([]);
  expect((await b.records.list(vaultId)).map((r) => r.name)).toEqual(['keep']);
  return { cursor: await b.store.getCursor(vaultId), head: server.vault(vaultId).seq, resyncs };
}

describe('pulls after the newest changes were purged deletions', () => {
  it('current server: one full resync, then the cursor is at the head', async () => {
    const { cursor, head, resyncs } = await resyncsAfterPurge({});
    expect(cursor).toBe(head);
    expect(resyncs).toEqual([true]);
  });

  it('old server: every pull is a full resync again (its last page ends below the horizon)', async () => {
    const { cursor, head, resyncs } = await resyncsAfterPurge({ oldServer: true });
    expect(cursor).toBeLessThan(head);
    expect(resyncs).toEqual([true, true, true]);
  });
});
