// records.put refuses, before queueing, what could never be read back as
// written or never be pushed: a non-JSON value, a record over the wire limit.
import { WIRE_LIMITS } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { CofferClientError } from '../src/transport/errors.ts';
import { setup } from './sync-harness.ts';

describe('records.put limits', () => {
  it('refuses values JSON cannot carry, as bad_argument, and queues nothing', async () => {
    const { vaultId, clients } = await setup(1);
    const a = clients[0]!;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const value of [undefined, () => 1, Symbol('s'), { n: 1n }, circular]) {
      const error = await a.records.put(vaultId, 'v', value).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CofferClientError);
      expect(error).toMatchObject({ code: 'bad_argument' });
      expect((error as Error).message).toMatch(/must be JSON/);
    }
    expect(await a.store.listOutbox()).toEqual([]);
    expect(await a.records.get(vaultId, 'v')).toBeUndefined();
    // null is the JSON way to say "no value".
    await a.records.put(vaultId, 'v', null);
    expect((await a.records.get(vaultId, 'v'))?.value).toBeNull();
  });

  it('refuses a record larger than a server accepts, naming the limit and blobs', async () => {
    const { vaultId, clients } = await setup(1);
    const a = clients[0]!;
    const error = await a.records
      .put(vaultId, 'big', 'x'.repeat(WIRE_LIMITS.maxRecordEnvelopeChars))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad_argument' });
    expect((error as Error).message).toContain(String(WIRE_LIMITS.maxRecordEnvelopeChars));
    expect((error as Error).message).toContain('blobs.put');
    expect(await a.store.listOutbox()).toEqual([]);
    // Just under the limit still goes through and is pushed.
    await a.records.put(vaultId, 'fits', 'x'.repeat(200_000));
    await a.engine.idle();
    await a.engine.sync(vaultId);
    expect(a.state.getSnapshot().pending).toBe(0);
  });

  it('names no record in an error message (names are plaintext)', async () => {
    const { vaultId, clients } = await setup(1);
    const a = clients[0]!;
    await a.records.put(vaultId, 'prod-db-root-password', { v: 1 });
    const error = await a.blobs.get(vaultId, 'prod-db-root-password').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'record_not_found' });
    expect((error as Error).message).not.toContain('prod-db');
  });
});
