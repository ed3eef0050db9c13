// A server that answers every push with a newer version (malicious, or the
// mock's `conflict: true`) must not hold a sync for ever nor fill the store
// with conflict copies: after a few rounds the record waits for a backoff.
import { describe, expect, it } from 'vitest';
import { CONFLICT_ROUNDS } from '../../src/sync/conflict-streaks.ts';
import { devices, useCoffer } from './harness.ts';

const coffer = useCoffer();

describe('scenario: every push conflicts', () => {
  it('a sync settles after a few rounds; the edit stays queued and goes once the server lets it', async () => {
    const { clients, vaultId, clock } = await devices(coffer, 1);
    const a = clients[0]!;
    await a.records.put(vaultId, 'doc', 'base');
    await a.engine.idle();
    const before = coffer.mock.requestsOf('push').length;
    coffer.mock.setScenario({ conflict: true });
    await a.records.put(vaultId, 'doc', 'mine');
    await a.engine.idle();
    await a.engine.sync(vaultId);
    // It went round for ever (one copy per round) before.
    expect(coffer.mock.requestsOf('push').length - before).toBe(CONFLICT_ROUNDS);
    expect(await a.conflicts.list(vaultId)).toHaveLength(CONFLICT_ROUNDS);
    expect(a.state.getSnapshot().pending).toBe(1);
    expect((await a.records.get(vaultId, 'doc'))?.value).toBe('mine');
    // The server behaves again: after the backoff the edit is pushed.
    coffer.mock.clearScenario();
    clock.advance(10 * 60_000);
    await a.engine.sync(vaultId);
    expect(a.state.getSnapshot().pending).toBe(0);
  });
});
