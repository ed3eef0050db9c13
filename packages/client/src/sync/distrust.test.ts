import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../store/types.ts';
import { checkIncomingEdit, checkIncomingRevision } from './distrust.ts';

const seen: StoredRecord = {
  vaultId: 'v',
  recordId: 'r',
  revision: 5,
  seq: 9,
  envelope: new Uint8Array([1, 2]),
};

describe('checkIncomingRevision', () => {
  it('accepts new records and newer revisions', () => {
    expect(checkIncomingRevision(undefined, { revision: 1, envelope: null })).toEqual({
      ok: true,
      unchanged: false,
    });
    expect(checkIncomingRevision(seen, { revision: 6, envelope: null })).toEqual({
      ok: true,
      unchanged: false,
    });
  });

  it('treats the same revision with the same bytes as a no-op', () => {
    expect(checkIncomingRevision(seen, { revision: 5, envelope: new Uint8Array([1, 2]) })).toEqual({
      ok: true,
      unchanged: true,
    });
  });

  it('refuses a rollback and a fork', () => {
    expect(checkIncomingRevision(seen, { revision: 4, envelope: new Uint8Array([1, 2]) })).toEqual({
      ok: false,
      code: 'revision_rollback',
    });
    expect(checkIncomingRevision(seen, { revision: 5, envelope: new Uint8Array([1, 3]) })).toEqual({
      ok: false,
      code: 'revision_fork',
    });
    expect(checkIncomingRevision(seen, { revision: 5, envelope: null })).toEqual({
      ok: false,
      code: 'revision_fork',
    });
  });
  it('lets a record held as deleted start over (the server purged its tombstone)', () => {
    const tombstone: StoredRecord = { ...seen, envelope: null };
    const again = { ok: true, unchanged: false };
    expect(
      checkIncomingRevision(tombstone, { revision: 1, envelope: new Uint8Array([7]) }),
    ).toEqual(again);
    expect(
      checkIncomingRevision(tombstone, { revision: 5, envelope: new Uint8Array([7]) }),
    ).toEqual(again);
    expect(checkIncomingRevision(tombstone, { revision: 2, envelope: null })).toEqual(again);
    expect(checkIncomingRevision(tombstone, { revision: 5, envelope: null })).toEqual({
      ok: true,
      unchanged: true,
    });
  });
});

describe('checkIncomingEdit', () => {
  it('accepts a later or equal edit time, and anything when the replica has none', () => {
    expect(checkIncomingEdit(100, 101)).toEqual({ ok: true, unchanged: false });
    expect(checkIncomingEdit(100, 100)).toEqual({ ok: true, unchanged: false });
    expect(checkIncomingEdit(undefined, 1)).toEqual({ ok: true, unchanged: false });
  });

  it('refuses an earlier edit time as a rollback', () => {
    expect(checkIncomingEdit(100, 99)).toEqual({ ok: false, code: 'revision_rollback' });
  });
});
