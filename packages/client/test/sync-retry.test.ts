// How a failing sync is retried: on its own backoff, not at a fixed interval.
import { generateVaultKey, toHex } from '@coffer/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.ts';
import { createSyncCore } from '../src/sync/core.ts';
import { ServerProblemError } from '../src/transport/errors.ts';
import type { Transport } from '../src/transport/transport.ts';
import { buildKeyring } from '../src/vault/keyring.ts';
import { FakeServer } from './fake-server.ts';
import { ManualClock } from './sync-harness.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('retrying a sync that fails with nothing queued', () => {
  it('backs off exponentially instead of asking again every baseMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const vaultId = toHex(crypto.getRandomValues(new Uint8Array(16)));
    const ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
    const transport = new FakeServer().connect();
    let pulls = 0;
    // A revoked session: every pull is refused, and waiting does not heal it.
    transport.pull = async () => {
      pulls++;
      throw new ServerProblemError('unauthorized', 401, 'Unauthorized');
    };
    const errors: string[] = [];
    const core = createSyncCore({
      store: new MemoryStore(),
      transport: transport as unknown as Transport,
      keyring: async () => ring,
      clock: new ManualClock(),
      random: () => 0.5,
      backoff: { baseMs: 10, maxMs: 10_000 },
      onError: (e) => errors.push(e.code),
    });
    await core.engine.sync(vaultId);
    expect(pulls).toBe(1);
    // Retries at 10, 10, 20, 40, 80, 160, 320, 640, 1280 ms: 9 more in 2 s
    // (at a fixed 10 ms it was 200).
    await vi.advanceTimersByTimeAsync(2_000);
    expect(pulls).toBeGreaterThan(2);
    expect(pulls).toBeLessThanOrEqual(11);
    expect(errors.every((code) => code === 'unauthorized')).toBe(true);
    core.engine.close();
    await core.engine.idle();
  });
});
