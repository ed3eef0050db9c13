// The ONE contract suite every LocalStore must pass (memory, SQLite, IndexedDB).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStore, OutboxEntry, StoredRecord } from '../src/store/types.ts';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

const record = (recordId: string, revision: number, seq: number, vaultId = 'v1'): StoredRecord => ({
  vaultId,
  recordId,
  revision,
  seq,
  envelope: bytes(revision, seq, 0xff),
});

const mutation = (
  mutationId: string,
  over: Partial<Omit<OutboxEntry, 'order'>> = {},
): Omit<OutboxEntry, 'order'> => ({
  mutationId,
  vaultId: 'v1',
  recordId: 'r1',
  baseRevision: null,
  envelope: bytes(1, 2, 3),
  epoch: 1,
  createdAt: 1000,
  attempts: 0,
  nextAttemptAt: 0,
  ...over,
});

/** Run the store contract against a factory of fresh, empty stores. */
export function runStoreContract(name: string, open: () => Promise<LocalStore>): void {
  describe(`LocalStore contract: ${name}`, () => {
    let store: LocalStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores records and tombstones per vault, ordered by id, bytes intact', async () => {
      await store.putRecords([record('b', 1, 2), record('a', 3, 1), record('a', 1, 1, 'v2')]);
      await store.putRecords([{ ...record('c', 2, 3), envelope: null }]);
      expect(await store.getRecord('v1', 'a')).toEqual(record('a', 3, 1));
      expect(await store.getRecord('v1', 'zz')).toBeUndefined();
      const rows = await store.listRecords('v1');
      expect(rows.map((r) => r.recordId)).toEqual(['a', 'b', 'c']);
      expect(rows[2]?.envelope).toBeNull();
      expect(rows[0]?.envelope).toBeInstanceOf(Uint8Array);
      expect(await store.listRecords('v2')).toEqual([record('a', 1, 1, 'v2')]);
    });

    it('reads several records of a vault in one call, leaving out unknown ids', async () => {
      await store.putRecords([record('a', 3, 1), { ...record('c', 2, 3), envelope: null }]);
      await store.putRecords([record('b', 1, 2, 'v2')]);
      const found = await store.getRecords('v1', ['c', 'zz', 'a', 'b']);
      expect([...found.keys()].sort()).toEqual(['a', 'c']);
      expect(found.get('a')).toEqual(record('a', 3, 1));
      expect(found.get('c')?.envelope).toBeNull();
      expect((await store.getRecords('v2', ['a', 'b'])).get('b')).toEqual(record('b', 1, 2, 'v2'));
      expect((await store.getRecords('v1', [])).size).toBe(0);
      // A page's worth of ids (beyond SQLite's default bound-parameter limit of 999).
      const many = Array.from({ length: 1500 }, (_, i) => `id-${i}`);
      await store.putRecords(many.map((id, i) => record(id, 1, 10 + i)));
      const page = await store.getRecords('v1', many);
      expect(page.size).toBe(1500);
      expect(page.get('id-1499')?.seq).toBe(1509);
    });

    it('lists the record ids of a vault, tombstones included', async () => {
      await store.putRecords([record('b', 1, 2), record('a', 3, 1), record('c', 1, 1, 'v2')]);
      await store.putRecords([{ ...record('d', 2, 3), envelope: null }]);
      expect((await store.listRecordIds('v1')).sort()).toEqual(['a', 'b', 'd']);
      expect(await store.listRecordIds('v2')).toEqual(['c']);
      expect(await store.listRecordIds('v3')).toEqual([]);
    });

    it('lists (recordId, revision) of a vault without envelopes, tombstones included', async () => {
      expect(await store.listRecordRevisions('v1')).toEqual([]);
      await store.putRecords([record('b', 4, 2), record('a', 3, 1), record('c', 1, 1, 'v2')]);
      await store.putRecords([{ ...record('d', 2, 3), envelope: null }]);
      expect(await store.listRecordRevisions('v1')).toEqual([
        { recordId: 'a', revision: 3 },
        { recordId: 'b', revision: 4 },
        { recordId: 'd', revision: 2 },
      ]);
      // A pull moves a revision, a resync purge removes a row: the view follows both.
      await store.applyPull('v1', [record('a', 9, 5)], 5);
      await store.deleteRecords('v1', ['b']);
      expect(await store.listRecordRevisions('v1')).toEqual([
        { recordId: 'a', revision: 9 },
        { recordId: 'd', revision: 2 },
      ]);
      expect(await store.listRecordRevisions('v2')).toEqual([{ recordId: 'c', revision: 1 }]);
      // Ordered by recordId whatever the revision order (beyond one cursor prefetch batch).
      const many = Array.from({ length: 300 }, (_, i) =>
        record(`m-${String(i).padStart(3, '0')}`, 300 - i, i),
      );
      await store.putRecords(many);
      const listed = await store.listRecordRevisions('v1');
      expect(listed).toHaveLength(302);
      expect(listed.map((r) => r.recordId)).toEqual([...listed.map((r) => r.recordId)].sort());
      expect(listed.find((r) => r.recordId === 'm-299')?.revision).toBe(1);
    });

    it('replaces a record on put and deletes records by id', async () => {
      await store.putRecords([record('a', 1, 1), record('b', 1, 2)]);
      await store.putRecords([record('a', 2, 3)]);
      expect((await store.getRecord('v1', 'a'))?.revision).toBe(2);
      await store.deleteRecords('v1', ['a']);
      expect((await store.listRecords('v1')).map((r) => r.recordId)).toEqual(['b']);
    });

    it('applies a pulled page and its cursor together', async () => {
      expect(await store.getCursor('v1')).toBe(0);
      await store.applyPull('v1', [record('a', 1, 1), record('b', 1, 2)], 2);
      expect(await store.getCursor('v1')).toBe(2);
      expect(await store.getCursor('v2')).toBe(0);
      expect(await store.listRecords('v1')).toHaveLength(2);
      await store.setCursor('v1', 7);
      expect(await store.getCursor('v1')).toBe(7);
    });

    it('keeps the outbox in enqueue order with increasing order numbers', async () => {
      const first = await store.enqueue(mutation('m1'));
      const second = await store.enqueue(mutation('m2', { vaultId: 'v2', envelope: null }));
      const third = await store.enqueue(mutation('m3', { baseRevision: 4 }));
      expect(second.order).toBeGreaterThan(first.order);
      expect(third.order).toBeGreaterThan(second.order);
      expect((await store.listOutbox()).map((e) => e.mutationId)).toEqual(['m1', 'm2', 'm3']);
      expect((await store.listOutbox({ limit: 2 })).map((e) => e.mutationId)).toEqual(['m1', 'm2']);
      const v1 = await store.listOutbox({ vaultId: 'v1' });
      expect(v1.map((e) => e.mutationId)).toEqual(['m1', 'm3']);
      expect(v1[1]?.baseRevision).toBe(4);
      expect((await store.listOutbox({ vaultId: 'v2' }))[0]?.envelope).toBeNull();
      expect(await store.countOutbox()).toBe(3);
    });

    it('updates an outbox entry in place and removes entries by mutation id', async () => {
      await store.enqueue(mutation('m1'));
      const m2 = await store.enqueue(mutation('m2'));
      await store.updateOutbox({
        ...m2,
        attempts: 3,
        nextAttemptAt: 5000,
        baseRevision: 9,
        epoch: 3,
      });
      const [a, b] = await store.listOutbox();
      expect(a?.mutationId).toBe('m1');
      expect(b).toMatchObject({
        mutationId: 'm2',
        attempts: 3,
        nextAttemptAt: 5000,
        baseRevision: 9,
        epoch: 3,
      });
      expect(b?.order).toBe(m2.order);
      await store.removeOutbox(['m1', 'missing']);
      expect((await store.listOutbox()).map((e) => e.mutationId)).toEqual(['m2']);
      expect(await store.countOutbox()).toBe(1);
    });

    it('rejects a duplicate mutation id', async () => {
      await store.enqueue(mutation('m1'));
      await expect(store.enqueue(mutation('m1'))).rejects.toThrow();
      expect(await store.countOutbox()).toBe(1);
    });

    it('keeps conflict copies until resolved', async () => {
      await store.putConflict({
        conflictId: 'c2',
        vaultId: 'v1',
        recordId: 'r1',
        envelope: bytes(9),
        revision: 3,
        reason: 'local_lost',
        detectedAt: 20,
      });
      await store.putConflict({
        conflictId: 'c1',
        vaultId: 'v2',
        recordId: 'r1',
        envelope: null,
        revision: null,
        reason: 'remote_lost',
        detectedAt: 10,
      });
      expect((await store.listConflicts()).map((c) => c.conflictId)).toEqual(['c1', 'c2']);
      const [c2] = await store.listConflicts('v1');
      expect(c2).toMatchObject({ conflictId: 'c2', revision: 3, reason: 'local_lost' });
      expect(c2?.envelope).toEqual(bytes(9));
      await store.deleteConflict('c2');
      expect(await store.listConflicts('v1')).toEqual([]);
      expect((await store.listConflicts())[0]?.envelope).toBeNull();
    });

    it('pins server certificates and user keys', async () => {
      expect(await store.getPinnedServer('https://a')).toBeUndefined();
      await store.putPinnedServer({
        origin: 'https://a',
        certSha256: 'ab'.repeat(32),
        pinnedAt: 1,
      });
      expect((await store.getPinnedServer('https://a'))?.certSha256).toBe('ab'.repeat(32));
      const pin = {
        username: 'alice',
        fingerprint: 'F1',
        x25519PublicKey: bytes(1, 2),
        ed25519PublicKey: bytes(3, 4),
        pinnedAt: 5,
      };
      await store.putPinnedUser(pin);
      expect(await store.getPinnedUser('alice')).toEqual(pin);
      await store.putPinnedUser({ ...pin, fingerprint: 'F2' });
      expect((await store.getPinnedUser('alice'))?.fingerprint).toBe('F2');
      expect(await store.getPinnedUser('bob')).toBeUndefined();
    });

    it('caches sealed vault keys per epoch', async () => {
      await store.putSealedVaultKey({ vaultId: 'v1', epoch: 2, sealed: bytes(2) });
      await store.putSealedVaultKey({ vaultId: 'v1', epoch: 1, sealed: bytes(1) });
      await store.putSealedVaultKey({ vaultId: 'v2', epoch: 1, sealed: bytes(7) });
      const keys = await store.listSealedVaultKeys('v1');
      expect(keys.map((k) => k.epoch)).toEqual([1, 2]);
      expect(keys[1]?.sealed).toEqual(bytes(2));
    });

    it('stores, replaces and deletes metadata', async () => {
      expect(await store.getMeta('session')).toBeUndefined();
      await store.setMeta('session', '{"a":1}');
      await store.setMeta('session', '{"a":2}');
      expect(await store.getMeta('session')).toBe('{"a":2}');
      await store.setMeta('session', undefined);
      expect(await store.getMeta('session')).toBeUndefined();
    });

    it('lists meta keys by prefix, literally and sorted', async () => {
      for (const key of ['withheld:v2', 'withheld:v1', 'withheldX', 'with_held:v3', 'session'])
        await store.setMeta(key, '1');
      expect(await store.listMetaKeys('withheld:')).toEqual(['withheld:v1', 'withheld:v2']);
      expect(await store.listMetaKeys('with_')).toEqual(['with_held:v3']);
      expect(await store.listMetaKeys('nothing:')).toEqual([]);
    });

    it('keeps only the bytes of a view, not the buffer behind it', async () => {
      const slab = new Uint8Array(64 * 1024).fill(9);
      slab.set([1, 2, 3], 100);
      await store.putRecords([{ ...record('a', 1, 1), envelope: slab.subarray(100, 103) }]);
      const read = await store.getRecord('v1', 'a');
      expect(read?.envelope).toEqual(bytes(1, 2, 3));
      expect(read?.envelope?.buffer.byteLength).toBe(3);
    });

    it('never lets a caller alias stored bytes', async () => {
      const row = record('a', 1, 1);
      await store.putRecords([row]);
      row.envelope?.fill(0);
      const read = await store.getRecord('v1', 'a');
      expect(read?.envelope).toEqual(bytes(1, 1, 0xff));
    });
  });
}
