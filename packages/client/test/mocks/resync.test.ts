import { describe, expect, it } from 'vitest';
import { devices, useCoffer, values } from './harness.ts';

const coffer = useCoffer();

describe('scenario: resync_required', () => {
  it('a cursor below the purge horizon: a full resync pages past it (resync=1), drops purged records, keeps unpushed writes', async () => {
    const { clients, vaultId, clock } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    for (const n of ['k1', 'k2', 'k3', 'k4', 'k5']) await a.records.put(vaultId, n, `${n}-v1`);
    await a.engine.idle();
    await b.engine.sync(vaultId);
    expect(await b.store.getCursor(vaultId)).toBe(5);
    clock.advance(10);
    await a.records.delete(vaultId, 'k1');
    await a.records.delete(vaultId, 'k2');
    await a.records.put(vaultId, 'k6', 'k6-v1');
    await a.engine.idle();
    coffer.mock.purgeTombstones(vaultId);
    coffer.mock.setScenario({ offline: { times: 1, operations: ['push'] } });
    await b.records.put(vaultId, 'mine', 'unpushed');
    await b.engine.idle();
    coffer.mock.clearScenario();
    clock.advance(10 * 60_000); // the failed push is due again

    await b.engine.sync(vaultId);
    expect(b.errors).toEqual([]);
    // One 410 for the old cursor, then pages of 2 from 0; the later pages' cursors are below
    // the horizon too, and pass only because they carry resync=1.
    const statuses = coffer.mock.requestsOf('pull').map((r) => r.status);
    expect(statuses.filter((s) => s === 410)).toHaveLength(1);
    expect(statuses.slice(statuses.indexOf(410) + 1).length).toBeGreaterThanOrEqual(3);
    expect(await values(b, vaultId)).toEqual({
      k3: 'k3-v1',
      k4: 'k4-v1',
      k5: 'k5-v1',
      k6: 'k6-v1',
      mine: 'unpushed',
    });
    expect((await b.store.listRecords(vaultId)).map((r) => r.envelope)).not.toContain(null);
    await a.engine.sync(vaultId);
    expect(await values(a, vaultId)).toMatchObject({ mine: 'unpushed' });
  });
});
