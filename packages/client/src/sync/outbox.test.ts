import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../store/types.ts';
import {
  coalesceTarget,
  nextDueAt,
  rebaseFollowers,
  rescheduleAfterFailure,
  selectPushBatch,
} from './outbox.ts';

let order = 0;
const entry = (
  mutationId: string,
  recordId: string,
  over: Partial<OutboxEntry> = {},
): OutboxEntry => ({
  mutationId,
  vaultId: 'v',
  recordId,
  baseRevision: null,
  envelope: new Uint8Array([1]),
  epoch: 1,
  createdAt: 0,
  attempts: 0,
  nextAttemptAt: 0,
  order: ++order,
  ...over,
});

describe('selectPushBatch', () => {
  it('takes due entries in order, one per record, up to max', () => {
    const a1 = entry('a1', 'a');
    const b1 = entry('b1', 'b');
    const a2 = entry('a2', 'a');
    const c1 = entry('c1', 'c');
    const d1 = entry('d1', 'd');
    expect(selectPushBatch([c1, a2, a1, b1, d1], 0, 10).map((e) => e.mutationId)).toEqual([
      'a1',
      'b1',
      'c1',
      'd1',
    ]);
    expect(selectPushBatch([a1, b1, c1], 0, 2).map((e) => e.mutationId)).toEqual(['a1', 'b1']);
  });

  it('holds back entries waiting for backoff, and the later writes of their record', () => {
    const a1 = entry('a1', 'a', { nextAttemptAt: 500, attempts: 1 });
    const a2 = entry('a2', 'a');
    const b1 = entry('b1', 'b');
    expect(selectPushBatch([a1, a2, b1], 100, 10).map((e) => e.mutationId)).toEqual(['b1']);
    expect(selectPushBatch([a1, a2, b1], 500, 10).map((e) => e.mutationId)).toEqual(['a1', 'b1']);
    expect(nextDueAt([a1, a2, b1], 100)).toBe(500);
    expect(nextDueAt([a2, b1], 100)).toBeUndefined();
  });
});

describe('rescheduleAfterFailure', () => {
  it('counts the attempt and waits a jittered exponential delay (or Retry-After)', () => {
    const e = entry('m', 'r', { attempts: 2 });
    const policy = { baseMs: 100, maxMs: 10_000 };
    const next = rescheduleAfterFailure(e, 1_000, policy, () => 0.5);
    expect(next.attempts).toBe(3);
    expect(next.nextAttemptAt).toBe(1_000 + 200);
    expect(next.mutationId).toBe('m');
    expect(rescheduleAfterFailure(e, 1_000, policy, () => 0, 7_000).nextAttemptAt).toBe(8_000);
  });
});

describe('rebaseFollowers and coalesceTarget', () => {
  it('rebases later writes of the same record onto the applied revision', () => {
    const a1 = entry('a1', 'a', { baseRevision: 3 });
    const a2 = entry('a2', 'a', { baseRevision: 3 });
    const b1 = entry('b1', 'b', { baseRevision: 3 });
    const rebased = rebaseFollowers([a1, a2, b1], a1, 4);
    expect(rebased).toHaveLength(1);
    expect(rebased[0]).toMatchObject({ mutationId: 'a2', baseRevision: 4 });
  });

  it('only coalesces into the last, never-sent write of a record', () => {
    const sent = entry('a1', 'a', { attempts: 1 });
    const fresh = entry('a2', 'a');
    expect(coalesceTarget([sent, fresh], 'v', 'a')?.mutationId).toBe('a2');
    expect(coalesceTarget([sent], 'v', 'a')).toBeUndefined();
    expect(coalesceTarget([fresh, sent], 'v', 'b')).toBeUndefined();
  });
});
