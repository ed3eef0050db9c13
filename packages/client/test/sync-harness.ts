// Shared setup for engine tests: one vault key, N clients on a FakeServer.
import { generateVaultKey, toHex } from '@coffer/protocol';
import { MemoryStore } from '../src/store/memory-store.ts';
import type { MergeFunction } from '../src/sync/conflict.ts';
import { createSyncCore, type SyncCore } from '../src/sync/core.ts';
import type { Transport } from '../src/transport/transport.ts';
import type { Clock } from '../src/util/env.ts';
import { buildKeyring, type VaultKeyring } from '../src/vault/keyring.ts';
import { FakeServer, type FakeServerOptions, type FakeTransport } from './fake-server.ts';
import { untilState } from './until-state.ts';

export interface TestClient extends SyncCore {
  transport: FakeTransport;
  store: MemoryStore;
  errors: Array<{ code: string }>;
}

export class ManualClock {
  t = 1_000_000;
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export async function setup(
  n: number,
  merge?: MergeFunction<unknown>,
  makeStore: () => MemoryStore = () => new MemoryStore(),
  serverOptions: FakeServerOptions = {},
) {
  const server = new FakeServer(serverOptions);
  const vaultId = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const ring: VaultKeyring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
  const clock = new ManualClock();
  const clients: TestClient[] = [];
  for (let i = 0; i < n; i++) {
    clients.push(openClient({ ring, clock, merge }, makeStore(), server.connect()));
  }
  return { server, vaultId, ring, clock, clients };
}

/**
 * A sync core over an existing store and transport: a new client, or the same
 * device started again (a restart keeps only what the store holds).
 */
export function openClient(
  shared: { ring: VaultKeyring; clock: Clock; merge?: MergeFunction<unknown> | undefined },
  store: MemoryStore,
  transport: FakeTransport,
): TestClient {
  const errors: Array<{ code: string }> = [];
  const core = createSyncCore({
    store,
    transport: transport as unknown as Transport,
    keyring: async () => shared.ring,
    clock: shared.clock,
    random: () => 0.5,
    backoff: { baseMs: 10, maxMs: 100 },
    pullPage: 3,
    pushBatch: 2,
    onError: (e) => errors.push(e),
    ...(shared.merge ? { merge: shared.merge } : {}),
  });
  return { ...core, transport, store, errors };
}

/** Resolve once the state satisfies `predicate` (event-driven, no polling; see untilState). */
export function waitForState(
  client: SyncCore,
  predicate: () => boolean | Promise<boolean>,
): Promise<void> {
  return untilState(client, predicate);
}

/**
 * A memory store whose record and outbox calls each take a turn of the event
 * loop first, as IndexedDB's and SQLite's round trips do: concurrent syncs
 * and writes then interleave between store calls, not only between requests.
 */
export class YieldingStore extends MemoryStore {
  static #turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  override async getRecord(vaultId: string, recordId: string) {
    await YieldingStore.#turn();
    return super.getRecord(vaultId, recordId);
  }
  override async putRecords(rows: Parameters<MemoryStore['putRecords']>[0]) {
    await YieldingStore.#turn();
    return super.putRecords(rows);
  }
  override async listOutbox(options?: Parameters<MemoryStore['listOutbox']>[0]) {
    await YieldingStore.#turn();
    return super.listOutbox(options);
  }
  override async updateOutbox(entry: Parameters<MemoryStore['updateOutbox']>[0]) {
    await YieldingStore.#turn();
    return super.updateOutbox(entry);
  }
  override async enqueue(entry: Parameters<MemoryStore['enqueue']>[0]) {
    await YieldingStore.#turn();
    return super.enqueue(entry);
  }
  override async removeOutbox(ids: Parameters<MemoryStore['removeOutbox']>[0]) {
    await YieldingStore.#turn();
    return super.removeOutbox(ids);
  }
}
