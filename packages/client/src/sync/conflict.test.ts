import { describe, expect, it } from 'vitest';
import { type ConflictVersion, resolveConflict } from './conflict.ts';

const v = (value: string, updatedAt: number, tiebreak = 'x'): ConflictVersion<string> => ({
  deleted: false,
  value,
  updatedAt,
  tiebreak,
});
const gone: ConflictVersion<string> = {
  deleted: true,
  value: undefined,
  updatedAt: 0,
  tiebreak: '',
};
const ctx = { vaultId: 'v', name: 'n' };

describe('resolveConflict', () => {
  it('newest edit wins and the loser is kept as a copy', async () => {
    expect(await resolveConflict(v('l', 20), v('r', 10), ctx)).toEqual({
      kind: 'keep-local',
      keepCopyOf: 'remote',
    });
    expect(await resolveConflict(v('l', 10), v('r', 20), ctx)).toEqual({
      kind: 'take-remote',
      keepCopyOf: 'local',
    });
  });

  it('breaks equal timestamps the same way from both sides', async () => {
    const a = v('a', 5, 'aaa');
    const b = v('b', 5, 'bbb');
    expect((await resolveConflict(a, b, ctx)).kind).toBe('take-remote');
    expect((await resolveConflict(b, a, ctx)).kind).toBe('keep-local');
  });

  it('an edit beats a deletion; two deletions need nothing', async () => {
    expect(await resolveConflict(v('l', 1), gone, ctx)).toEqual({
      kind: 'keep-local',
      keepCopyOf: null,
    });
    expect(await resolveConflict(gone, v('r', 1), ctx)).toEqual({
      kind: 'take-remote',
      keepCopyOf: 'local',
    });
    expect(await resolveConflict(gone, gone, ctx)).toEqual({
      kind: 'take-remote',
      keepCopyOf: null,
    });
  });

  it('uses the application merge function when given', async () => {
    const r = await resolveConflict(v('l', 1), v('r', 2), ctx, (local, remote, c) => ({
      value: `${local.value}+${remote.value}@${c.name}`,
    }));
    expect(r).toEqual({ kind: 'merged', result: { value: 'l+r@n' } });
  });
});
