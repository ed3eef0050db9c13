// The fault model's operations and one run of it: three devices on a fake
// server play the operations (puts, deletions, going offline, syncs, purges,
// lost push answers, restarts with a non-empty outbox, live streams, conflict
// resolutions), then everyone syncs and the invariants are checked: replicas
// are equal, nothing is left unpushed, no distrust rule fired, and the last
// put of every name survives. The properties are in sync-model-faults.test.ts,
// shrunk failures in sync-model-faults-known.test.ts.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { MemoryStore } from '../src/store/memory-store.ts';
import type { MergeFunction } from '../src/sync/conflict.ts';
import type { FakeServerOptions } from './fake-server.ts';
import { expectLastPutsKept, type LastOp, settledViews } from './model-oracle.ts';
import { openClient, setup, type TestClient } from './sync-harness.ts';

export type FaultOp =
  | { kind: 'put'; client: number; name: string; value: number }
  | { kind: 'delete'; client: number; name: string }
  | { kind: 'online'; client: number; online: boolean }
  | { kind: 'sync'; client: number }
  | { kind: 'purge' }
  | { kind: 'lose'; client: number }
  | { kind: 'restart'; client: number }
  | { kind: 'live'; client: number; on: boolean }
  | { kind: 'resolve'; client: number; restore: boolean };

const client = fc.integer({ min: 0, max: 2 });
const name = fc.constantFrom('a', 'b', 'c');
const k = <K extends FaultOp['kind']>(kind: K) => fc.constant(kind);
export const faultOp: fc.Arbitrary<FaultOp> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: k('put'), client, name, value: fc.nat(99) }) },
  { weight: 3, arbitrary: fc.record({ kind: k('delete'), client, name }) },
  { weight: 2, arbitrary: fc.record({ kind: k('online'), client, online: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: k('sync'), client }) },
  { weight: 1, arbitrary: fc.record({ kind: k('purge') }) },
  { weight: 1, arbitrary: fc.record({ kind: k('lose'), client }) },
  { weight: 1, arbitrary: fc.record({ kind: k('restart'), client }) },
  { weight: 1, arbitrary: fc.record({ kind: k('live'), client, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: k('resolve'), client, restore: fc.boolean() }) },
);

/** The shortest tombstone retention a server can be given (`--tombstone-retention 1`). */
const PURGE_RETENTION_MS = 24 * 3600 * 1000;

/** Values are `<counter>:<n>`; the counter grows with time. */
const counter = (v: unknown) => Number.parseInt(String(v), 10);

/** A merge that keeps the later-written value; an edit beats a deletion. */
export const keepLaterWrite: MergeFunction<unknown> = (local, remote) => {
  if (local.deleted) return { value: remote.value };
  if (remote.deleted) return { value: local.value };
  return { value: counter(local.value) > counter(remote.value) ? local.value : remote.value };
};

/**
 * The known old-server gap (client README, "Against old servers"): the run
 * failed after the old server applied a write on a base revision that an
 * earlier, purged life of the record also had. Such a server cannot tell
 * which life the writer meant; the current server never reuses revisions.
 */
export class OldServerRevisionReuse extends Error {
  override readonly name = 'OldServerRevisionReuse';
}

export interface FaultModelOptions {
  merge?: MergeFunction<unknown> | undefined;
  makeStore?: (() => MemoryStore) | undefined;
  skews?: readonly [number, number, number] | undefined;
  server?: FakeServerOptions | undefined;
}

/**
 * Play `ops` on three devices, bring everyone online, sync, and check the
 * invariants. On an old server, a failing run that applied a write on a
 * reused base revision throws {@link OldServerRevisionReuse} instead.
 */
export async function runFaultModel(ops: ReadonlyArray<FaultOp>, options: FaultModelOptions = {}) {
  const { merge, makeStore } = options;
  const { vaultId, clients, clock, server, ring } = await setup(
    3,
    merge,
    makeStore,
    options.server,
  );
  try {
    await play(ops, options, { vaultId, clients, clock, server, ring });
  } catch (e) {
    if (!server.oldServer || server.reusedBaseApplies === 0) throw e;
    throw new OldServerRevisionReuse(
      `${server.reusedBaseApplies} write(s) applied on a reused base revision`,
      { cause: e },
    );
  }
}

async function play(
  ops: ReadonlyArray<FaultOp>,
  { merge, skews }: FaultModelOptions,
  { vaultId, clients, clock, server, ring }: Awaited<ReturnType<typeof setup>>,
) {
  // Each device's own clock: the shared one plus its skew.
  const clockOf = (i: number) => (skews ? { now: () => clock.now() + skews[i]! } : clock);
  if (skews) {
    for (const [i, c] of clients.entries()) {
      c.engine.close();
      clients[i] = openClient({ ring, clock: clockOf(i), merge }, c.store, c.transport);
    }
  }
  const errors: Array<{ code: string }> = [];
  const live = new Set<TestClient>();
  let unique = 0;
  const last = new Map<string, LastOp>();
  const written = new Set<string>();
  try {
    for (const o of ops) {
      clock.advance(1_000);
      if (o.kind === 'purge') {
        // A server purges only deletions older than its retention (a day at
        // least): a purge means that much time passed.
        clock.advance(PURGE_RETENTION_MS);
        server.purgeTombstones(vaultId);
        continue;
      }
      const c = clients[o.client]!;
      if (o.kind === 'put') {
        const value = `${unique++}:${o.value}`;
        await c.records.put(vaultId, o.name, value);
        last.set(o.name, { kind: 'put', value });
        written.add(value);
      } else if (o.kind === 'delete') {
        // Only what this device shows can be deleted (a live pull may bring
        // the record in at any time, so the check decides, not the call).
        if (await c.records.get(vaultId, o.name)) {
          last.set(o.name, { kind: 'delete' });
          await c.records.delete(vaultId, o.name);
        }
      } else if (o.kind === 'online') {
        c.transport.online = o.online;
      } else if (o.kind === 'sync') {
        await c.engine.sync(vaultId);
      } else if (o.kind === 'resolve') {
        // The oldest conflict copy: restoring an edit is a new put of its value.
        const copy = (await c.conflicts.list<string>(vaultId))[0];
        const restore = o.restore && copy !== undefined && !copy.deleted;
        if (copy) await c.conflicts.resolve(copy.conflictId, restore ? 'restore' : 'discard');
        if (restore) last.set(copy.name!, { kind: 'put', value: copy.value! });
      } else if (o.kind === 'lose') {
        c.transport.loseResponses = 1;
      } else if (o.kind === 'live') {
        if (o.on) c.engine.startLive(vaultId);
        else c.engine.stopLive(vaultId);
        if (o.on) live.add(c);
        else live.delete(c);
      } else {
        // A restart: in-flight work ends, only the store survives.
        c.engine.close();
        await c.engine.idle();
        errors.push(...c.errors);
        live.delete(c);
        clients[o.client] = openClient(
          { ring, clock: clockOf(o.client), merge },
          c.store,
          c.transport,
        );
      }
    }
    for (const c of clients) {
      c.transport.online = true;
      c.transport.loseResponses = 0;
      c.engine.stopLive(vaultId);
    }
    for (const c of clients) await c.engine.idle();
    const settled = await settledViews(clients, vaultId, clock, written);
    errors.push(...settled.errors);
    expect(errors).toEqual([]);
    const { final, copies } = settled;
    if (merge) {
      // The merge keeps no copies, and keeps the later write: the last put is final.
      expect(copies).toEqual([]);
      for (const [n, op] of last) if (op.kind === 'put') expect(final[n]).toBe(op.value);
    } else {
      expectLastPutsKept(last, final, copies);
    }
  } finally {
    for (const c of clients) c.engine.close();
    for (const c of clients) await c.engine.idle();
  }
}
