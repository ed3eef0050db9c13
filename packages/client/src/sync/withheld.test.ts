import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory-store.ts';
import {
  countWithheld,
  readWithheld,
  updateWithheld,
  WITHHELD_LIMIT,
  type WithheldRecord,
} from './withheld.ts';

const VAULT = 'a'.repeat(32);
const refusal = (n: number, code = 'envelope_rejected'): WithheldRecord => ({
  recordId: n.toString(16).padStart(32, '0'),
  code,
  revision: n + 1,
  seq: n + 1,
  at: 1_000 + n,
});

describe('withheld records', () => {
  it('lists refusals per vault until the record verifies; the latest refusal of a record wins', async () => {
    const store = new MemoryStore();
    await updateWithheld(store, VAULT, [refusal(1), refusal(2)], new Set());
    await updateWithheld(store, VAULT, [refusal(2, 'signer_untrusted')], new Set());
    expect(await readWithheld(store, VAULT)).toEqual({
      records: [refusal(1), refusal(2, 'signer_untrusted')],
      more: 0,
    });
    expect(await readWithheld(store, 'b'.repeat(32))).toEqual({ records: [], more: 0 });
    await updateWithheld(store, VAULT, [], new Set([refusal(1).recordId]));
    await updateWithheld(store, VAULT, [], (id) => id === refusal(2).recordId);
    expect(await readWithheld(store, VAULT)).toEqual({ records: [], more: 0 });
    // Nothing left: the entry itself is removed.
    expect(await store.getMeta(`withheld:${VAULT}`)).toBeUndefined();
  });

  it('lists at most WITHHELD_LIMIT records and counts the rest', async () => {
    const store = new MemoryStore();
    const many = Array.from({ length: WITHHELD_LIMIT + 5 }, (_, i) => refusal(i));
    const after = await updateWithheld(store, VAULT, many, new Set());
    expect(after.records).toHaveLength(WITHHELD_LIMIT);
    expect(after.more).toBe(5);
    expect(await readWithheld(store, VAULT)).toEqual(after);
    // A full resync meets every record again: what was only counted is recounted.
    const recounted = await updateWithheld(store, VAULT, [], new Set(), { recount: true });
    expect(recounted).toEqual({ records: after.records, more: 0 });
  });

  it('counts records and vaults over the whole replica, without keys', async () => {
    const store = new MemoryStore();
    expect(await countWithheld(store)).toEqual({ records: 0, vaults: 0 });
    await updateWithheld(store, VAULT, [refusal(1), refusal(2)], new Set());
    await updateWithheld(store, 'b'.repeat(32), [refusal(3)], new Set());
    await store.setMeta('record-index:x', 'not a withheld list');
    expect(await countWithheld(store)).toEqual({ records: 3, vaults: 2 });
  });

  it('a damaged entry reads as none and the next refusal replaces it', async () => {
    const store = new MemoryStore();
    await store.setMeta(`withheld:${VAULT}`, '{"records":[{"recordId":7}]');
    expect(await readWithheld(store, VAULT)).toEqual({ records: [], more: 0 });
    await updateWithheld(store, VAULT, [refusal(3)], new Set());
    expect(await readWithheld(store, VAULT)).toEqual({ records: [refusal(3)], more: 0 });
  });
});
