import {
  type Change,
  encodeArmor,
  generateVaultKey,
  type PullResponse,
  toHex,
} from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { recordIdForName, sealRecordData } from '../records/record-crypto.ts';
import { MemoryStore } from '../store/memory-store.ts';
import type { StoredRecord } from '../store/types.ts';
import { NetworkError } from '../transport/errors.ts';
import { buildKeyring } from '../vault/keyring.ts';
import type { SyncContext } from './context.ts';
import { pullVault } from './pull.ts';
import { inThreadOpener } from './record-opener.ts';

const vaultId = toHex(new Uint8Array(16).fill(5));
const PAGE = 2;

/** Six genuine changes (seq 1..6), served two per page; the page at `failAt` fails once. */
async function setup(options: { failPageAt?: number; failApplies?: number } = {}) {
  const ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
  const changes: Change[] = [];
  for (let seq = 1; seq <= 6; seq++) {
    const name = `r${seq}`;
    const recordId = await recordIdForName(ring, name);
    const data = {
      name,
      type: 't',
      content: new Uint8Array([seq]),
      createdAt: 1,
      updatedAt: 10 + seq,
      authorKid: new Uint8Array(16),
    };
    const envelope = await sealRecordData(ring, recordId, data, undefined);
    changes.push({
      seq,
      recordId,
      revision: 1,
      epoch: 1,
      envelope: encodeArmor(envelope),
      deleted: false,
      authorId: 'a'.repeat(32),
    });
  }
  const requested: number[] = [];
  let pageFailures = options.failPageAt === undefined ? 0 : 1;
  const transport = {
    async pull(_: string, cursor: number, limit: number): Promise<PullResponse> {
      requested.push(cursor);
      if (cursor === options.failPageAt && pageFailures-- > 0) {
        throw new NetworkError('connection reset');
      }
      const page = changes.filter((c) => c.seq > cursor).slice(0, limit);
      const nextCursor = page.at(-1)?.seq ?? cursor;
      return { changes: page, nextCursor, hasMore: nextCursor < 6 };
    },
  };
  const store = new MemoryStore();
  const applied: Array<{ ids: string[]; cursor: number }> = [];
  const applyPull = store.applyPull.bind(store);
  let applyFailures = options.failApplies ?? 0;
  store.applyPull = async (v: string, rows: ReadonlyArray<StoredRecord>, cursor: number) => {
    if (applyFailures-- > 0) throw new Error('disk full');
    await applyPull(v, rows, cursor);
    applied.push({ ids: rows.map((r) => r.recordId), cursor });
  };
  const errors: string[] = [];
  const ctx = {
    store,
    transport,
    keyring: async () => ring,
    opener: inThreadOpener,
    pullPage: PAGE,
    clock: { now: () => 0 },
    state: { update() {} },
    report: (code: string) => errors.push(code),
  } as unknown as SyncContext;
  return { ctx, store, changes, requested, applied, errors };
}

describe('pull (pages fetched one ahead of the one being checked)', () => {
  it('a failure on a later page keeps the pages before it, once, with their cursor', async () => {
    const { ctx, store, changes, requested, applied, errors } = await setup({ failPageAt: 4 });
    await expect(pullVault(ctx, vaultId)).rejects.toThrow(NetworkError);
    // Pages 1 and 2 are stored with the cursor of page 2; page 3 is not.
    expect(await store.getCursor(vaultId)).toBe(4);
    expect((await store.listRecordIds(vaultId)).sort()).toEqual(
      changes
        .slice(0, 4)
        .map((c) => c.recordId)
        .sort(),
    );
    // The retry goes on from there: nothing fetched twice, nothing stored twice.
    expect(await pullVault(ctx, vaultId)).toBe(2);
    expect(requested).toEqual([0, 2, 4, 4]);
    const ids = applied.flatMap((a) => a.ids);
    expect(ids.sort()).toEqual(changes.map((c) => c.recordId).sort());
    expect(await store.getCursor(vaultId)).toBe(6);
    expect(errors).toEqual([]);
  });

  it('the cursor moves only with the rows it covers: a failed write leaves it where it was', async () => {
    // Both the write and the one retried on the way out fail.
    const { ctx, store, changes, applied } = await setup({ failApplies: 2 });
    await expect(pullVault(ctx, vaultId)).rejects.toThrow('disk full');
    expect(await store.getCursor(vaultId)).toBe(0);
    expect(await store.listRecordIds(vaultId)).toEqual([]);
    expect(await pullVault(ctx, vaultId)).toBe(6);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.cursor).toBe(6);
    expect(applied[0]!.ids.sort()).toEqual(changes.map((c) => c.recordId).sort());
  });
});
