import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../../src/sync/backoff.ts';
import { isTransient, ServerProblemError } from '../../src/transport/errors.ts';
import { BACKOFF, devices, useCoffer, values } from './harness.ts';

const coffer = useCoffer();
afterEach(() => {
  vi.useRealTimers();
});

const delayOf = (attempt: number) => backoffDelay(attempt, BACKOFF, () => 0.5);

describe('scenario: 5xx', () => {
  it('surface as typed, transient ServerProblemErrors with the server code', async () => {
    const { clients, vaultId } = await devices(coffer, 1);
    coffer.mock.setScenario({ serverError: { status: 500 } });
    const internal = await clients[0]!.transport.pull(vaultId, 0, 10).catch((e: unknown) => e);
    expect(internal).toBeInstanceOf(ServerProblemError);
    expect(internal).toMatchObject({ code: 'internal', status: 500 });
    coffer.mock.setScenario({ serverError: { status: 502 } });
    const proxy = await clients[0]!.transport.pull(vaultId, 0, 10).catch((e: unknown) => e);
    expect(proxy).toMatchObject({ code: 'unavailable', status: 502 });
    expect(isTransient(internal) && isTransient(proxy)).toBe(true);
  });

  it('a flaky server (3 failures): the engine retries on its own with exponential backoff, same mutation id, applied once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { clients, vaultId, clock } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    coffer.mock.setScenario({ serverError: { times: 3, operations: ['push'] } });
    await a.records.put(vaultId, 'doc', 'survives a flaky server');
    await a.engine.idle();
    for (let attempt = 1; attempt <= 3; attempt++) {
      const wait = delayOf(attempt);
      expect((await a.store.listOutbox())[0]).toMatchObject({ attempts: attempt });
      // One millisecond early: the retry timer has not fired.
      clock.advance(wait - 1);
      await vi.advanceTimersByTimeAsync(wait - 1);
      await a.engine.idle();
      expect(coffer.mock.requestsOf('push')).toHaveLength(attempt);
      clock.advance(1);
      await vi.advanceTimersByTimeAsync(1);
      await a.engine.idle();
      expect(coffer.mock.requestsOf('push')).toHaveLength(attempt + 1);
    }
    const pushes = coffer.mock.requestsOf('push');
    expect(pushes.map((p) => p.status)).toEqual([503, 503, 503, 200]);
    expect(new Set(pushes.map((p) => p.mutationIds?.join()))).toHaveProperty('size', 1);
    expect(a.state.getSnapshot().pending).toBe(0);
    expect(a.errors).toEqual([]);
    expect(coffer.mock.vault(vaultId).headSeq).toBe(1);
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ doc: 'survives a flaky server' });
  });

  it('a failing pull is an error event and leaves the replica and the outbox alone', async () => {
    const { clients, vaultId } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    await a.records.put(vaultId, 'x', 1);
    await a.engine.idle();
    await b.engine.sync(vaultId);
    await b.records.put(vaultId, 'mine', 'local');
    await b.engine.idle();
    await a.records.put(vaultId, 'x', 2);
    await a.engine.idle();
    coffer.mock.setScenario({ serverError: { status: 500, operations: ['pull'] } });
    await b.records.put(vaultId, 'later', 'queued');
    await b.engine.idle();
    expect(b.errors.map((e) => e.code)).toContain('internal');
    expect(await values(b, vaultId)).toEqual({ x: 1, mine: 'local', later: 'queued' });
    coffer.mock.clearScenario();
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ x: 2, mine: 'local', later: 'queued' });
  });
});
