import { describe, expect, it } from 'vitest';
import { RECORD_TYPES } from '../../src/index.ts';
import { devices, useCoffer, values } from './harness.ts';

const coffer = useCoffer();

describe('scenario: conflicts', () => {
  it('a forced conflict on the next push: newest edit wins, the other version is kept as a copy', async () => {
    const { clients, vaultId, clock } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    await a.records.put(vaultId, 'doc', 'v1');
    await a.engine.idle();
    clock.advance(10);
    coffer.mock.setScenario({ conflict: { times: 1 } });
    await a.records.put(vaultId, 'doc', 'v2');
    await a.engine.idle();
    expect(coffer.mock.requestsOf('push')).toHaveLength(3);
    expect(a.state.getSnapshot()).toMatchObject({ pending: 0, conflicts: 1 });
    expect(await a.conflicts.list(vaultId)).toMatchObject([
      { name: 'doc', value: 'v1', reason: 'remote_lost' },
    ]);
    expect((await a.records.get(vaultId, 'doc'))?.value).toBe('v2');
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ doc: 'v2' });
  });

  it('a real concurrent edit from another device: the loser is a conflict copy, nothing lost', async () => {
    const { clients, vaultId, clock } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    await a.records.put(vaultId, 'doc', 'base');
    await a.engine.idle();
    await b.engine.sync(vaultId);
    coffer.mock.setScenario({ offline: { operations: ['push'] } });
    await b.records.put(vaultId, 'doc', 'older edit from b');
    await b.engine.idle();
    coffer.mock.clearScenario();
    clock.advance(10);
    await a.records.put(vaultId, 'doc', 'newer edit from a');
    await a.engine.idle();
    clock.advance(10 * 60_000);
    await b.engine.sync(vaultId);
    expect((await b.records.get(vaultId, 'doc'))?.value).toBe('newer edit from a');
    expect(await b.conflicts.list(vaultId)).toMatchObject([
      { value: 'older edit from b', reason: 'local_lost' },
    ]);
  });

  it("a copy carries the losing version's own type, edit times and blob, not the winner's", async () => {
    const { clients, vaultId, clock } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    await a.records.put(vaultId, 'key', 'base', { type: RECORD_TYPES.text });
    await a.engine.idle();
    await b.engine.sync(vaultId);
    coffer.mock.setScenario({ offline: { operations: ['push'] } });
    clock.advance(1_000);
    const lostAt = clock.now();
    const blob = { blobId: 'ab'.repeat(16), size: 7 };
    await b.records.put(vaultId, 'key', 'hunter2', { type: RECORD_TYPES.secret, blob });
    await b.engine.idle();
    coffer.mock.clearScenario();
    clock.advance(1_000);
    await a.records.put(vaultId, 'key', 'plain text wins', { type: RECORD_TYPES.text });
    await a.engine.idle();
    clock.advance(10 * 60_000);
    await b.engine.sync(vaultId);
    const [copy, ...more] = await b.conflicts.list(vaultId);
    expect(more).toEqual([]);
    expect(copy).toMatchObject({
      name: 'key',
      value: 'hunter2',
      type: RECORD_TYPES.secret,
      updatedAt: lostAt,
      blob,
      deleted: false,
      reason: 'local_lost',
    });
    expect(copy?.createdAt).toBeLessThan(lostAt);
    expect((await b.records.get(vaultId, 'key'))?.type).toBe(RECORD_TYPES.text);
  });

  it('restoring a copy on a device whose clock runs behind: other devices accept it (not a rollback)', async () => {
    const { clients, vaultId, clock } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    await a.records.put(vaultId, 'doc', 'base');
    await a.engine.idle();
    await b.engine.sync(vaultId);
    coffer.mock.setScenario({ offline: { operations: ['push'] } });
    await b.records.put(vaultId, 'doc', 'from b');
    await b.engine.idle();
    coffer.mock.clearScenario();
    clock.advance(1_000);
    await a.records.put(vaultId, 'doc', 'from a');
    await a.engine.idle();
    clock.advance(10 * 60_000);
    await b.engine.sync(vaultId);
    const [copy] = await b.conflicts.list(vaultId);
    expect(copy).toMatchObject({ value: 'from b', reason: 'local_lost' });
    // b's clock now reads earlier than a's edit: the restored version must still be stamped later.
    clock.t -= 10 * 60_000 + 500;
    await b.conflicts.resolve(copy!.conflictId, 'restore');
    await b.engine.idle();
    await a.engine.sync(vaultId);
    expect(a.errors).toEqual([]);
    expect((await a.records.get(vaultId, 'doc'))?.value).toBe('from b');
    expect(await values(b, vaultId)).toEqual({ doc: 'from b' });
  });
});
