import { afterEach, describe, expect, it, vi } from 'vitest';
import { devices, useCoffer, values } from './harness.ts';

const coffer = useCoffer();
afterEach(() => {
  vi.useRealTimers();
});

describe('scenario: slow responses', () => {
  it('a slow push keeps the UI state honest and local reads instant; nothing is lost', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { clients, vaultId } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    coffer.mock.setScenario({ delayMs: { ms: 10_000, operations: ['push'] } });
    await a.records.put(vaultId, 'doc', 'first');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.state.getSnapshot()).toMatchObject({ syncing: true, pending: 1 });
    expect(await a.records.get(vaultId, 'doc')).toMatchObject({ value: 'first', pending: true });
    // Another write while the first is on the wire.
    await a.records.put(vaultId, 'other', 'second');
    await vi.advanceTimersByTimeAsync(30_000);
    await a.engine.idle();
    expect(a.state.getSnapshot()).toMatchObject({ syncing: false, pending: 0 });
    expect(await a.records.get(vaultId, 'doc')).toMatchObject({ value: 'first', pending: false });
    coffer.mock.clearScenario();
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ doc: 'first', other: 'second' });
  });
});
