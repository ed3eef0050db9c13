import { describe, expect, it } from 'vitest';
import { devices, useCoffer, values } from './harness.ts';

const coffer = useCoffer();

/** Device a writes `names` (twice if `rewrite`), device b has synced them. */
async function synced(names: string[], rewrite = false) {
  const setup = await devices(coffer, 2);
  const [a, b] = setup.clients as [
    NonNullable<(typeof setup.clients)[0]>,
    NonNullable<(typeof setup.clients)[1]>,
  ];
  for (const n of names) await a.records.put(setup.vaultId, n, `${n}-v1`);
  await a.engine.idle();
  if (rewrite) {
    setup.clock.advance(10);
    for (const n of names) await a.records.put(setup.vaultId, n, `${n}-v2`);
    await a.engine.idle();
  }
  await b.engine.sync(setup.vaultId);
  return { ...setup, a, b };
}

const codes = (errors: Array<{ code: string }>) => errors.map((e) => e.code);

describe('scenario: a malicious server', () => {
  it('swapped envelopes between records: error events, local data untouched', async () => {
    const { a, b, vaultId, clock } = await synced(['one', 'two']);
    clock.advance(10);
    await a.records.put(vaultId, 'one', 'one-v2');
    await a.records.put(vaultId, 'two', 'two-v2');
    await a.engine.idle();
    coffer.mock.setScenario({ malicious: { swapEnvelopes: true } });
    await b.engine.sync(vaultId);
    expect(codes(b.errors)).toContain('envelope_rejected');
    expect(await values(b, vaultId)).toEqual({ one: 'one-v1', two: 'two-v1' });
    expect(b.errors.every((e) => e.code === 'envelope_rejected')).toBe(true);
  });

  it('stored envelopes swapped by the server (tamper): refused, local data untouched', async () => {
    const { b, vaultId } = await synced(['one', 'two']);
    const [idOne, idTwo] = (await b.store.listRecords(vaultId)).map((r) => r.recordId) as [
      string,
      string,
    ];
    expect(coffer.mock.tamper.swap(vaultId, idOne, idTwo)).toBe(true);
    await b.engine.sync(vaultId);
    expect(codes(b.errors).filter((c) => c === 'envelope_rejected')).toHaveLength(2);
    expect(await values(b, vaultId)).toEqual({ one: 'one-v1', two: 'two-v1' });
    // Still listed at the next sync, which meets no change and reports nothing.
    await b.engine.sync(vaultId);
    expect(codes(b.errors)).toHaveLength(2);
    const { records, more } = await b.records.withheld(vaultId);
    expect(more).toBe(0);
    expect(records.map((r) => [r.name, r.code]).sort()).toEqual([
      ['one', 'envelope_rejected'],
      ['two', 'envelope_rejected'],
    ]);
  });

  it('a withheld record the server no longer lists leaves the list at the full resync', async () => {
    const { a, b, vaultId } = await synced(['one', 'two']);
    const ids = new Map((await b.records.list(vaultId)).map((r) => [r.name, r.recordId] as const));
    expect(coffer.mock.tamper.swap(vaultId, ids.get('one')!, ids.get('two')!)).toBe(true);
    await b.engine.sync(vaultId);
    expect((await b.records.withheld(vaultId)).records).toHaveLength(2);
    // 'one' is deleted and its tombstone purged before b sees it: b's cursor
    // is behind the purge horizon, and it resyncs from 0.
    await a.records.delete(vaultId, 'one');
    await a.engine.idle();
    expect(coffer.mock.purgeTombstones(vaultId)).toBe(1);
    await b.engine.sync(vaultId);
    const { records } = await b.records.withheld(vaultId);
    expect(records.map((r) => r.recordId)).toEqual([ids.get('two')]);
  });

  it('rolled-back revisions: revision_rollback, the newer local version stays', async () => {
    const { b, vaultId } = await synced(['doc'], true);
    expect(await values(b, vaultId)).toEqual({ doc: 'doc-v2' });
    coffer.mock.setScenario({ malicious: { rollbackRevisions: true } });
    await b.engine.sync(vaultId);
    expect(codes(b.errors)).toEqual(['revision_rollback']);
    expect(await values(b, vaultId)).toEqual({ doc: 'doc-v2' });
  });

  it('a genuine older envelope replayed at a higher revision: revision_rollback, the newer local version stays', async () => {
    const { b, vaultId } = await synced(['doc', 'note'], true);
    const before = await b.store.listRecords(vaultId);
    coffer.mock.setScenario({ malicious: { replayEnvelopes: true } });
    await b.engine.sync(vaultId);
    // Each record came back as its v1 envelope (it opens: the AEAD cannot tell) at revision 3.
    expect(codes(b.errors)).toEqual(['revision_rollback', 'revision_rollback']);
    expect(new Set(b.errors.map((e) => e.recordId))).toEqual(
      new Set(before.map((r) => r.recordId)),
    );
    expect(await values(b, vaultId)).toEqual({ doc: 'doc-v2', note: 'note-v2' });
    expect(await b.store.listRecords(vaultId)).toEqual(before);
  });

  it('a replay through the tamper shortcut is refused, and a later genuine edit still arrives', async () => {
    const { a, b, vaultId, clock } = await synced(['doc'], true);
    const [row] = await b.store.listRecords(vaultId);
    expect(coffer.mock.tamper.replayOldEnvelope(vaultId, row!.recordId)).toBe(true);
    await b.engine.sync(vaultId);
    expect(codes(b.errors)).toEqual(['revision_rollback']);
    expect(await values(b, vaultId)).toEqual({ doc: 'doc-v2' });
    const withheld = (await b.records.withheld(vaultId)).records;
    expect(withheld).toMatchObject([
      { name: 'doc', recordId: row!.recordId, code: 'revision_rollback', revision: 3 },
    ]);
    // A read says its value is the last verified one, not the server's latest.
    expect((await b.records.get(vaultId, 'doc'))?.withheld).toEqual({
      code: 'revision_rollback',
      at: withheld[0]!.at,
    });
    // Device a writes on top of the tampered record: its push meets the replay
    // as a conflict, refuses to store it, and its newer edit wins.
    clock.advance(10);
    await a.records.put(vaultId, 'doc', 'doc-v3');
    await a.engine.idle();
    expect(codes(a.errors)).toEqual(['revision_rollback']);
    expect(await a.conflicts.list(vaultId)).toHaveLength(0);
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ doc: 'doc-v3' });
    expect(await values(a, vaultId)).toEqual({ doc: 'doc-v3' });
    expect(codes(b.errors)).toEqual(['revision_rollback']);
    // A verified change of the record ends its listing.
    expect(await b.records.withheld(vaultId)).toEqual({ records: [], more: 0 });
    expect(await b.records.get(vaultId, 'doc')).not.toHaveProperty('withheld');
  });

  it('a replayed old change (at or below the cursor): sequence_rollback, nothing overwritten', async () => {
    const { a, b, vaultId, clock } = await synced(['k1', 'k2', 'k3']);
    clock.advance(10);
    await a.records.put(vaultId, 'k4', 'k4-v1');
    await a.engine.idle();
    coffer.mock.setScenario({ malicious: { replayChanges: true } });
    await b.engine.sync(vaultId);
    expect(codes(b.errors)).toContain('sequence_rollback');
    expect(await values(b, vaultId)).toEqual({
      k1: 'k1-v1',
      k2: 'k2-v1',
      k3: 'k3-v1',
      k4: 'k4-v1',
    });
  });

  it('dropped changes cannot roll anything back: local data and the outbox stay intact', async () => {
    const { a, b, vaultId, clock } = await synced(['k1', 'k2']);
    coffer.mock.setScenario({ offline: { times: 1, operations: ['push'] } });
    await b.records.put(vaultId, 'mine', 'unpushed');
    await b.engine.idle();
    clock.advance(10);
    for (const n of ['k1', 'k2', 'k3', 'k4']) await a.records.put(vaultId, n, `${n}-v2`);
    await a.engine.idle();
    coffer.mock.setScenario({ malicious: { dropChanges: true } });
    await b.engine.sync(vaultId);
    const seen = await values(b, vaultId);
    // Whatever arrived is genuine; what was dropped is simply not there yet.
    for (const n of ['k1', 'k2']) expect([`${n}-v1`, `${n}-v2`]).toContain(seen[n]);
    expect(seen.mine).toBe('unpushed');
    expect(b.state.getSnapshot().pending).toBe(1);
  });
});
