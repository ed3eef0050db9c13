import { encodeArmor } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { ServerProblemError } from '../src/transport/errors.ts';
import { setup, waitForState } from './sync-harness.ts';

const values = async (
  c: { records: { list: (v: string) => Promise<Array<{ name: string; value: unknown }>> } },
  v: string,
) => Object.fromEntries((await c.records.list(v)).map((r) => [r.name, r.value]));

describe('sync engine against a fake server', () => {
  it('two clients converge; writes are local first, then pushed', async () => {
    const { vaultId, clients, server } = await setup(2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    await a.records.put(vaultId, 'alpha', { n: 1 });
    await b.records.put(vaultId, 'beta', [1, 2, 3]);
    expect((await a.records.get(vaultId, 'alpha'))?.value).toEqual({ n: 1 });
    await a.engine.idle();
    await b.engine.idle();
    await a.engine.sync(vaultId);
    expect(await values(a, vaultId)).toEqual({ alpha: { n: 1 }, beta: [1, 2, 3] });
    expect(await values(b, vaultId)).toEqual({ alpha: { n: 1 }, beta: [1, 2, 3] });
    expect(a.state.getSnapshot().pending).toBe(0);
    // The server only ever saw ciphertext.
    const stored = [...server.vault(vaultId).rows.values()].map((r) => r.envelope ?? '');
    expect(stored.join('')).not.toContain('alpha');
  });

  it('keeps writes made offline and pushes them with backoff once online', async () => {
    const { vaultId, clients, clock } = await setup(2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    a.transport.online = false;
    await a.records.put(vaultId, 'note', 'offline edit');
    await a.engine.idle();
    expect(a.state.getSnapshot()).toMatchObject({ pending: 1, connection: 'offline' });
    const [entry] = await a.store.listOutbox();
    // The attempt never reached the server: still unsent (a later edit may
    // replace it), retried after a backoff.
    expect(entry?.attempts).toBe(0);
    expect(entry?.nextAttemptAt).toBeGreaterThan(clock.now());
    await a.records.put(vaultId, 'note', 'offline edit');
    expect(await a.store.countOutbox()).toBe(1);
    a.transport.online = true;
    clock.advance(1_000);
    await a.engine.sync(vaultId);
    expect(a.state.getSnapshot()).toMatchObject({ pending: 0, connection: 'online' });
    await b.engine.sync(vaultId);
    expect((await b.records.get(vaultId, 'note'))?.value).toBe('offline edit');
  });

  it('a retried mutation id is applied once', async () => {
    const { vaultId, clients, server, clock } = await setup(1);
    const [a] = clients as [NonNullable<(typeof clients)[0]>];
    const realPush = a.transport.push.bind(a.transport);
    let drop = true;
    a.transport.push = async (v, body) => {
      const answer = await realPush(v, body);
      if (drop) {
        drop = false;
        throw new (await import('../src/transport/errors.ts')).NetworkError('response lost');
      }
      return answer;
    };
    await a.records.put(vaultId, 'once', 1);
    await a.engine.idle();
    clock.advance(1_000);
    await a.engine.sync(vaultId);
    expect(server.pushes).toBe(2);
    const rows = [...server.vault(vaultId).rows.values()];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.revision).toBe(1);
    expect(a.state.getSnapshot().pending).toBe(0);
  });

  it('newest edit wins; the loser is kept as a conflict copy that can be restored', async () => {
    const { vaultId, clients, clock } = await setup(2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    b.transport.online = false;
    await b.records.put(vaultId, 'doc', 'old from b');
    clock.advance(10);
    await a.records.put(vaultId, 'doc', 'new from a');
    await a.engine.idle();
    await b.engine.idle();
    b.transport.online = true;
    clock.advance(1_000);
    await b.engine.sync(vaultId);
    expect((await b.records.get(vaultId, 'doc'))?.value).toBe('new from a');
    const copies = await b.conflicts.list(vaultId);
    expect(copies).toMatchObject([{ name: 'doc', value: 'old from b', reason: 'local_lost' }]);
    expect(b.state.getSnapshot().conflicts).toBe(1);
    await b.conflicts.resolve(copies[0]!.conflictId, 'restore');
    await b.engine.idle();
    await a.engine.sync(vaultId);
    expect((await a.records.get(vaultId, 'doc'))?.value).toBe('old from b');
    expect(b.state.getSnapshot().conflicts).toBe(0);
  });

  it('a newer local edit beats an older remote one, keeping the remote as a copy', async () => {
    const { vaultId, clients, clock } = await setup(2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    await a.records.put(vaultId, 'doc', 'a first');
    await a.engine.idle();
    b.transport.online = false;
    clock.advance(10);
    await b.records.put(vaultId, 'doc', 'b later');
    await b.engine.idle();
    b.transport.online = true;
    clock.advance(1_000);
    await b.engine.sync(vaultId);
    await a.engine.sync(vaultId);
    expect((await a.records.get(vaultId, 'doc'))?.value).toBe('b later');
    expect(await b.conflicts.list(vaultId)).toMatchObject([
      { value: 'a first', reason: 'remote_lost' },
    ]);
  });

  it('an offline edit restored over a deletion reaches a replica that saw a newer version before it', async () => {
    // Found by the model test: c's offline edit predates b's version, which a
    // deleted. Re-pushed as it was, c's edit carried an earlier edit time than
    // b's replica held, so b refused it as a replay and kept showing its own
    // version while a and c showed c's: the replicas never converged.
    const { vaultId, clients, clock } = await setup(3);
    const [a, b, c] = clients as [
      NonNullable<(typeof clients)[0]>,
      NonNullable<(typeof clients)[1]>,
      NonNullable<(typeof clients)[2]>,
    ];
    c.transport.online = false;
    clock.advance(1_000);
    await c.records.put(vaultId, 'doc', 'offline from c');
    clock.advance(1_000);
    await b.records.put(vaultId, 'doc', 'newer from b');
    await b.engine.idle();
    clock.advance(1_000);
    await a.engine.sync(vaultId);
    await a.records.delete(vaultId, 'doc');
    await a.engine.idle();
    c.transport.online = true;
    clock.advance(1_000);
    await c.engine.sync(vaultId);
    for (const x of [a, b, c]) await x.engine.sync(vaultId);
    for (const x of [a, b, c]) {
      expect(await values(x, vaultId)).toEqual({ doc: 'offline from c' });
      expect(x.errors).toEqual([]);
    }
  });

  it('uses the application merge function instead', async () => {
    const { vaultId, clients, clock } = await setup(2, (local, remote) => ({
      value: [...(remote.value as string[]), ...(local.value as string[])].sort(),
    }));
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    b.transport.online = false;
    await a.records.put(vaultId, 'set', ['x']);
    await b.records.put(vaultId, 'set', ['y']);
    await a.engine.idle();
    await b.engine.idle();
    b.transport.online = true;
    clock.advance(1_000);
    await b.engine.sync(vaultId);
    await a.engine.sync(vaultId);
    expect((await a.records.get(vaultId, 'set'))?.value).toEqual(['x', 'y']);
    expect(await b.conflicts.list()).toEqual([]);
  });

  it('refuses a swapped envelope and a rolled-back revision, keeping local data', async () => {
    const { vaultId, clients, server } = await setup(2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    const idOne = await a.records.put(vaultId, 'one', 'first');
    const idTwo = await a.records.put(vaultId, 'two', 'second');
    await a.engine.idle();
    await b.engine.sync(vaultId);
    const rows = server.vault(vaultId).rows;
    // Move record two's ciphertext into record one's slot, at a higher revision.
    server.tamper(vaultId, idOne, { revision: 5, envelope: rows.get(idTwo)!.envelope });
    await b.engine.sync(vaultId);
    expect(b.errors.map((e) => e.code)).toContain('envelope_rejected');
    expect((await b.records.get(vaultId, 'one'))?.value).toBe('first');
    // Now roll a record back below what b has seen.
    server.tamper(vaultId, idTwo, { revision: 0 });
    await b.engine.sync(vaultId);
    expect(b.errors.map((e) => e.code)).toContain('revision_rollback');
    expect((await b.records.get(vaultId, 'two'))?.value).toBe('second');
    // A random garbage envelope at a new revision is refused too.
    server.tamper(vaultId, idTwo, { revision: 9, envelope: encodeArmor(new Uint8Array(200)) });
    await b.engine.sync(vaultId);
    expect((await b.records.get(vaultId, 'two'))?.value).toBe('second');
  });

  it('resync_required: full resync drops purged records and loses no unpushed write', async () => {
    const { vaultId, clients, server, clock } = await setup(2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    for (const n of ['k1', 'k2', 'k3', 'k4']) await a.records.put(vaultId, n, n);
    await a.engine.idle();
    await b.engine.sync(vaultId);
    b.transport.online = false;
    await b.records.put(vaultId, 'mine', 'unpushed');
    await b.engine.idle();
    await a.records.delete(vaultId, 'k2');
    await a.records.put(vaultId, 'k5', 'k5');
    await a.engine.idle();
    server.purgeTombstones(vaultId);
    b.transport.online = true;
    clock.advance(1_000);
    await b.engine.sync(vaultId);
    expect(b.errors).toEqual([]);
    const names = (await b.records.list(vaultId)).map((r) => r.name);
    expect(names).toEqual(['k1', 'k3', 'k4', 'k5', 'mine']);
    expect((await b.store.listRecords(vaultId)).map((r) => r.recordId)).not.toContain(
      (await a.store.listRecords(vaultId)).find((r) => r.envelope === null)?.recordId,
    );
    await a.engine.sync(vaultId);
    expect((await a.records.get(vaultId, 'mine'))?.value).toBe('unpushed');
  });

  it('live updates reach a connected client without a manual sync', async () => {
    const { vaultId, clients } = await setup(2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    b.engine.startLive(vaultId);
    await a.records.put(vaultId, 'live', 42);
    await waitForState(b, async () => (await b.records.get(vaultId, 'live'))?.value === 42);
    b.engine.close();
    expect((await b.records.get(vaultId, 'live'))?.pending).toBe(false);
  });

  it('a live stream refused with Retry-After (429) reconnects no sooner than the server asked', async () => {
    const { vaultId, clients } = await setup(1);
    const [b] = clients as [NonNullable<(typeof clients)[0]>];
    const calls: number[] = [];
    const events = b.transport.events.bind(b.transport);
    b.transport.events = (id: string, signal: AbortSignal) => {
      calls.push(performance.now());
      if (calls.length === 1) {
        // Our own backoff here is 5 ms: only Retry-After can make the wait this long.
        throw new ServerProblemError('rate_limited', 429, 'slow down', 400);
      }
      return events(id, signal);
    };
    b.engine.startLive(vaultId);
    await waitForState(b, async () => calls.length === 2);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(390);
    b.engine.close();
  });

  it('publishes state snapshots to subscribers', async () => {
    const { vaultId, clients } = await setup(1);
    const [a] = clients as [NonNullable<(typeof clients)[0]>];
    const seen: boolean[] = [];
    const unsubscribe = a.state.subscribe(() => seen.push(a.state.getSnapshot().syncing));
    const before = a.state.getSnapshot();
    await a.records.put(vaultId, 'x', 1);
    await a.engine.idle();
    unsubscribe();
    expect(seen).toContain(true);
    expect(a.state.getSnapshot()).not.toBe(before);
    expect(a.state.getSnapshot()).toMatchObject({
      syncing: false,
      pending: 0,
      connection: 'online',
    });
    expect(a.state.getSnapshot().lastSyncAt).not.toBeNull();
  });
});
