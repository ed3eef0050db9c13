// A create that waited in the outbox is sealed again before its first send
// (sync/late-create.ts); a recent one is sent as sealed; an attempt that
// certainly never reached the server leaves an entry unsent (outbox.ts).
import { decodeArmor } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { openRecordData } from '../src/records/record-crypto.ts';
import type { OutboxEntry } from '../src/store/types.ts';
import { DEFAULT_BACKOFF } from '../src/sync/backoff.ts';
import { LATE_CREATE_MS } from '../src/sync/late-create.ts';
import { rescheduleUnsent } from '../src/sync/outbox.ts';
import { setup } from './sync-harness.ts';

/** The vault's only record on the server: its id and envelope bytes. */
function stored(server: Awaited<ReturnType<typeof setup>>['server'], vaultId: string) {
  const rows = [...server.vault(vaultId).rows.entries()];
  expect(rows).toHaveLength(1);
  const [recordId, row] = rows[0]!;
  return { recordId, envelope: decodeArmor(row.envelope!) };
}

describe('a create queued offline', () => {
  it('is sealed again with sealedAt when it waited longer than LATE_CREATE_MS, its edit time kept', async () => {
    const { server, vaultId, clients, clock, ring } = await setup(1);
    const [a] = clients as [NonNullable<(typeof clients)[0]>];
    a.transport.online = false;
    await a.records.put(vaultId, 'doc', 'offline');
    await a.engine.idle();
    const [queued] = await a.store.listOutbox();
    const written = clock.now();
    clock.advance(LATE_CREATE_MS + 1);
    a.transport.online = true;
    await a.engine.sync(vaultId);
    const row = stored(server, vaultId);
    expect(row.envelope).not.toEqual(queued!.envelope);
    const { data } = await openRecordData(ring, row.recordId, row.envelope);
    expect(data.updatedAt).toBe(written);
    expect(data.sealedAt).toBe(clock.now());
    expect((await a.records.get(vaultId, 'doc'))?.value).toBe('offline');
    // The replica holds what the server holds.
    expect((await a.store.getRecord(vaultId, row.recordId))?.envelope).toEqual(row.envelope);
  });

  it('is sent as sealed when it waited less (no second seal on the usual path)', async () => {
    const { server, vaultId, clients, clock } = await setup(1);
    const [a] = clients as [NonNullable<(typeof clients)[0]>];
    a.transport.online = false;
    await a.records.put(vaultId, 'doc', 'offline');
    await a.engine.idle();
    const [queued] = await a.store.listOutbox();
    clock.advance(LATE_CREATE_MS - 1_000);
    a.transport.online = true;
    await a.engine.sync(vaultId);
    expect(stored(server, vaultId).envelope).toEqual(queued!.envelope);
  });

  it('is sent with its first envelope when an earlier send may have been applied', async () => {
    const { server, vaultId, clients, clock } = await setup(1);
    const [a] = clients as [NonNullable<(typeof clients)[0]>];
    a.transport.loseResponses = 1; // applied, answer lost: attempts 1
    await a.records.put(vaultId, 'doc', 'once');
    await a.engine.idle();
    const [queued] = await a.store.listOutbox();
    expect(queued?.attempts).toBe(1);
    clock.advance(LATE_CREATE_MS + 1);
    await a.engine.sync(vaultId);
    expect(await a.store.countOutbox()).toBe(0);
    const row = stored(server, vaultId);
    expect(row.envelope).toEqual(queued!.envelope);
  });
});

describe('rescheduleUnsent', () => {
  const entry = (createdAt: number): OutboxEntry => ({
    mutationId: 'm',
    vaultId: 'v',
    recordId: 'r',
    baseRevision: null,
    envelope: new Uint8Array(1),
    epoch: 1,
    createdAt,
    attempts: 0,
    nextAttemptAt: 0,
    order: 1,
  });
  const longest = () => 0.999_999;

  it('keeps the entry unsent and backs off by its age, up to the cap', () => {
    const now = 10_000_000;
    const young = rescheduleUnsent(entry(now - 100), now, DEFAULT_BACKOFF, longest);
    const older = rescheduleUnsent(entry(now - 8_000), now, DEFAULT_BACKOFF, longest);
    const old = rescheduleUnsent(entry(0), now, DEFAULT_BACKOFF, longest);
    expect([young.attempts, older.attempts, old.attempts]).toEqual([0, 0, 0]);
    expect(young.nextAttemptAt - now).toBeLessThan(older.nextAttemptAt - now);
    expect(old.nextAttemptAt - now).toBe(Math.floor(0.999_999 * DEFAULT_BACKOFF.maxMs));
  });
});
