// A local write racing a push that is marking the same record's entry as
// sent. Store calls yield (IndexedDB and SQLite round trips take real time),
// so without one outbox change per vault at a time the write coalesced into
// the entry just marked sent, and the push's answer (for the old envelope)
// then removed it: the newer write was gone, locally and on the server.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.ts';
import type { OutboxEntry } from '../src/store/types.ts';
import { pushVault } from '../src/sync/push.ts';
import { openClient, setup, type TestClient } from './sync-harness.ts';

/** Holds the first "mark as sent" (an update to attempts 1) until released. */
class GatedStore extends MemoryStore {
  hold: { reached: () => void; release: Promise<void> } | undefined;
  override async updateOutbox(entry: OutboxEntry): Promise<void> {
    const hold = this.hold;
    if (hold && entry.attempts === 1) {
      this.hold = undefined;
      hold.reached();
      await hold.release;
    }
    return super.updateOutbox(entry);
  }
}

describe('outbox changes of one vault run one at a time', () => {
  it('a write made while a push marks the same record as sent is pushed after it', async () => {
    const s = await setup(1);
    const store = new GatedStore();
    const a = openClient(s, store, s.server.connect());
    let reached!: () => void;
    let release!: () => void;
    const marking = new Promise<void>((r) => {
      reached = r;
    });
    store.hold = { reached, release: new Promise<void>((r) => (release = r)) };
    await a.records.put(s.vaultId, 'doc', 'first');
    await marking; // the background push is marking the entry as sent
    const write = a.engine.write.bind(a.engine);
    a.engine.write = (...args) => {
      const queued = write(...args);
      release(); // the push goes on once this write has started
      return queued;
    };
    s.clock.advance(1);
    await a.records.put(s.vaultId, 'doc', 'second');
    await a.engine.idle();
    s.clock.advance(10_000);
    await a.engine.sync(s.vaultId);
    expect(await a.store.countOutbox()).toBe(0);
    expect((await a.records.get(s.vaultId, 'doc'))?.value).toBe('second');
    const other = openClient(s, new MemoryStore(), s.server.connect());
    await other.engine.sync(s.vaultId);
    expect((await other.records.get(s.vaultId, 'doc'))?.value).toBe('second');
    expect([...s.server.vault(s.vaultId).rows.values()].map((r) => r.revision)).toEqual([2]);
    expect(a.errors).toEqual([]);
    a.engine.close();
    other.engine.close();
  });

  it('two pushes of one store (a restart while a push was in flight) settle a conflict once', async () => {
    const s = await setup(2);
    const [a, b] = s.clients as [TestClient, TestClient];
    a.transport.online = false;
    await a.records.put(s.vaultId, 'doc', 'older from a');
    await a.engine.idle();
    s.clock.advance(1_000);
    await b.records.put(s.vaultId, 'doc', 'newer from b');
    await b.engine.idle();
    a.transport.online = true;
    s.clock.advance(1_000);
    const again = openClient(s, a.store, s.server.connect());
    await Promise.all([pushVault(a.ctx, s.vaultId), pushVault(again.ctx, s.vaultId)]);
    await again.engine.sync(s.vaultId);
    expect((await again.records.get(s.vaultId, 'doc'))?.value).toBe('newer from b');
    expect((await again.conflicts.list(s.vaultId)).map((c) => c.value)).toEqual(['older from a']);
    expect(await a.store.countOutbox()).toBe(0);
    for (const c of [a, b, again]) c.engine.close();
  });
});
