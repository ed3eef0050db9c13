// Client unit tests against @coffer/mocks: the real HttpTransport and sync
// core talk HTTP to the msw mock server, whose scenario switches play an
// unreliable, outdated or malicious server. Time is a manual clock; retry
// timers are far in the future (or faked), so nothing fires behind a test.
import { type NodeMockServer, setupCofferServer } from '@coffer/mocks/node';
import { generateVaultKey } from '@coffer/protocol';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type CofferClient, createClient } from '../../src/client.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import type { BackoffPolicy } from '../../src/sync/backoff.ts';
import { createSyncCore, type SyncCore } from '../../src/sync/core.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { buildKeyring, type VaultKeyring } from '../../src/vault/keyring.ts';

export const BASE = 'https://coffer.test';

/** Slow enough that no retry timer fires while a test runs; tests move the clock instead. */
export const BACKOFF: BackoffPolicy = { baseMs: 60_000, maxMs: 600_000 };

export class ManualClock {
  t = 1_700_000_000_000;
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A client as an application makes one (createClient, in-memory replica), talking to the mocks. */
export function appClient(options: { clock?: ManualClock } = {}): CofferClient {
  return createClient({
    serverUrl: BASE,
    store: new MemoryStore(),
    clientName: 'notes',
    clientVersion: '1.0.0',
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

export interface MockClient extends SyncCore {
  transport: HttpTransport;
  store: MemoryStore;
  errors: Array<{ code: string; recordId?: string }>;
}

const open: MockClient[] = [];

/** One mock server per test file; data, scenario and clients reset after each test. */
export function useCoffer(): NodeMockServer {
  const coffer = setupCofferServer({ baseUrl: BASE });
  beforeAll(() => coffer.listen());
  afterEach(async () => {
    for (const c of open.splice(0)) {
      c.engine.close();
      await c.engine.idle();
    }
    coffer.mock.reset();
  });
  afterAll(() => coffer.close());
  return coffer;
}

/** A transport with a live session of `accountId` (one session per device). */
export function transportFor(coffer: NodeMockServer, accountId: string, protocolVersion?: number) {
  const transport = new HttpTransport({
    serverUrl: BASE,
    clientName: 'mock-tests',
    clientVersion: '1.0.0',
    ...(protocolVersion ? { protocolVersion } : {}),
  });
  transport.setToken(coffer.mock.db.createSession(accountId, 'device').token);
  return transport;
}

/** `n` devices of one account sharing a vault key, on a fresh vault of the mock. */
export async function devices(coffer: NodeMockServer, n: number) {
  const account = await coffer.mock.createAccount('owner');
  const vaultId = await coffer.mock.createVault(account.accountId);
  const ring: VaultKeyring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
  const clock = new ManualClock();
  const clients: MockClient[] = [];
  for (let i = 0; i < n; i++) {
    const transport = transportFor(coffer, account.accountId);
    const store = new MemoryStore();
    const errors: MockClient['errors'] = [];
    const core = createSyncCore({
      store,
      transport,
      keyring: async () => ring,
      clock,
      random: () => 0.5,
      backoff: BACKOFF,
      pullPage: 2,
      onError: (e) => errors.push(e),
    });
    const client = { ...core, transport, store, errors };
    open.push(client);
    clients.push(client);
  }
  return { vaultId, ring, clock, clients, accountId: account.accountId };
}

/** Every live record of a device as name → value. */
export async function values(client: SyncCore, vaultId: string): Promise<Record<string, unknown>> {
  return Object.fromEntries((await client.records.list(vaultId)).map((r) => [r.name, r.value]));
}
