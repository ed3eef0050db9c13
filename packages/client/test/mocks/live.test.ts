import { describe, expect, it } from 'vitest';
import { untilState } from '../until-state.ts';
import { devices, useCoffer } from './harness.ts';

const coffer = useCoffer();

describe('live updates through the mock event stream', () => {
  it('a change pushed by one device reaches a live-connected one without a manual sync', async () => {
    const { clients, vaultId } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    b.engine.startLive(vaultId);
    await untilState(b, async () => coffer.mock.db.live.size === 1);
    await a.records.put(vaultId, 'live', 42);
    await untilState(b, async () => (await b.records.get(vaultId, 'live'))?.value === 42);
    expect(coffer.mock.requestsOf('liveEvents').map((r) => r.status)).toEqual([200]);
    b.engine.stopLive(vaultId);
  });

  it('a revoked session ends the live streams with one error event each, instead of retrying for ever', async () => {
    const { clients, vaultId, accountId } = await devices(coffer, 1);
    const b = clients[0]!;
    coffer.mock.db.revokeAccountSessions(accountId);
    const ended = () =>
      b.state
        .getSnapshot()
        .errors.filter((e) => e.code === 'unauthorized')
        .map((e) => e.vaultId ?? 'account');
    b.engine.startLive(vaultId);
    b.engine.startAccountLive(() => {});
    await untilState(b, () => ended().length === 2);
    expect(ended().sort()).toEqual(['account', vaultId].sort());
    // Both loops ended: starting them again asks once more (a loop backing off would ignore it).
    b.engine.startLive(vaultId);
    b.engine.startAccountLive(() => {});
    await untilState(b, () => ended().length === 4);
    expect(coffer.mock.requestsOf('liveEvents').map((r) => r.status)).toEqual([401, 401]);
    expect(coffer.mock.requestsOf('accountEvents').map((r) => r.status)).toEqual([401, 401]);
    b.engine.stopBackground();
  });

  it('a malformed seq event is refused; the replica is untouched', async () => {
    const { clients, vaultId } = await devices(coffer, 1);
    const b = clients[0]!;
    coffer.mock.setScenario({ malformed: { times: 1, operations: ['liveEvents'] } });
    const controller = new AbortController();
    const events: unknown[] = [];
    const error = await (async () => {
      for await (const e of b.transport.events(vaultId, controller.signal)) events.push(e);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(events).toEqual([{ vaultId, seq: -1 }]);
    expect(await b.store.listRecords(vaultId)).toEqual([]);
  });
});
