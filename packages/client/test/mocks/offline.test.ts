import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/sync/backoff.ts';
import { NetworkError } from '../../src/transport/errors.ts';
import { BACKOFF, devices, useCoffer, values } from './harness.ts';

const coffer = useCoffer();

describe('scenario: offline', () => {
  it('requests fail with a typed NetworkError', async () => {
    const { clients, vaultId } = await devices(coffer, 1);
    coffer.mock.setScenario({ offline: true });
    const error = await clients[0]!.transport.pull(vaultId, 0, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('network');
  });

  it('writes stay local and queued with backoff; nothing is lost; they push once online', async () => {
    const { clients, vaultId, clock } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    coffer.mock.setScenario({ offline: true });
    await a.records.put(vaultId, 'note', { text: 'written offline' });
    await a.engine.idle();
    expect(a.state.getSnapshot()).toMatchObject({ connection: 'offline', pending: 1 });
    expect((await a.records.get(vaultId, 'note'))?.value).toEqual({ text: 'written offline' });
    const [entry] = await a.store.listOutbox();
    expect(entry).toMatchObject({
      attempts: 1,
      nextAttemptAt: clock.now() + backoffDelay(1, BACKOFF, () => 0.5),
    });
    expect(a.errors).toEqual([]);
    // Not due yet: a sync does not push.
    const pushesBefore = coffer.mock.requestsOf('push').length;
    coffer.mock.clearScenario();
    await a.engine.sync(vaultId);
    expect(coffer.mock.requestsOf('push').length).toBe(pushesBefore);
    // Due: the same mutation id goes out and is applied once.
    clock.advance(backoffDelay(1, BACKOFF, () => 0.5));
    await a.engine.sync(vaultId);
    expect(a.state.getSnapshot()).toMatchObject({ connection: 'online', pending: 0 });
    const pushes = coffer.mock.requestsOf('push');
    expect(pushes.map((p) => p.status)).toEqual(['network-error', 200]);
    expect(pushes[1]?.mutationIds).toEqual([entry!.mutationId]);
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ note: { text: 'written offline' } });
  });

  it('an outage in the middle of a pull keeps what was stored and resumes from the cursor', async () => {
    const { clients, vaultId } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    for (const n of ['k1', 'k2', 'k3', 'k4', 'k5']) await a.records.put(vaultId, n, n);
    await a.engine.idle();
    // Page size 2: the second page request fails; the first page is kept.
    coffer.mock.setScenario({ offline: { after: 1, times: 1, operations: ['pull'] } });
    await b.engine.sync(vaultId);
    expect(b.state.getSnapshot().connection).toBe('offline');
    expect(Object.keys(await values(b, vaultId))).toHaveLength(2);
    expect(await b.store.getCursor(vaultId)).toBe(2);
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ k1: 'k1', k2: 'k2', k3: 'k3', k4: 'k4', k5: 'k5' });
    const pulls = coffer.mock.requestsOf('pull').slice(-4);
    expect(pulls.map((r) => r.status)).toEqual([200, 'network-error', 200, 200]);
  });
});
