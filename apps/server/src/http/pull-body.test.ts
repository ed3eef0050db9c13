import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PullResponse } from '../protocol.ts';
import type { Change } from '../storage/contract.ts';
import { armor } from './armor.ts';
import { encodePullPage } from './pull-body.ts';

const hex = (): string => randomBytes(16).toString('hex');

function change(seq: number, envelopeBytes: number | null): Change {
  return {
    seq,
    recordId: hex(),
    revision: seq * 3 + 1,
    envelope: envelopeBytes === null ? null : new Uint8Array(randomBytes(envelopeBytes)),
    epoch: 1 + (seq % 4),
    authorId: hex(),
    updatedAt: 1_700_000_000_000 + seq,
  };
}

/** The reference encoding: wire objects through JSON.stringify. */
function reference(changes: Change[], nextCursor: number, hasMore: boolean): string {
  return JSON.stringify({
    changes: changes.map((c) => ({
      seq: c.seq,
      recordId: c.recordId,
      revision: c.revision,
      epoch: c.epoch,
      envelope: c.envelope ? armor(c.envelope) : null,
      deleted: c.envelope === null,
      authorId: c.authorId,
    })),
    nextCursor,
    hasMore,
  });
}

describe('encodePullPage', () => {
  it('is byte-identical to JSON.stringify of the wire objects, for every base64 remainder and tombstones', () => {
    const changes = [1, 2, 3, 4, 5, 6, 7, 8].map((seq) =>
      change(seq, seq % 4 === 0 ? null : 1000 + seq),
    );
    const body = encodePullPage(changes, 8, true);
    expect(body.toString('utf8')).toBe(reference(changes, 8, true));
    expect(PullResponse.parse(JSON.parse(body.toString('utf8'))).changes).toHaveLength(8);
  });

  it('encodes an empty page', () => {
    expect(encodePullPage([], 42, false).toString('utf8')).toBe(reference([], 42, false));
  });

  it('handles envelopes that are views into larger buffers', () => {
    const backing = new Uint8Array(randomBytes(64));
    const c = { ...change(1, null), envelope: backing.subarray(5, 38) };
    expect(encodePullPage([c], 1, false).toString('utf8')).toBe(reference([c], 1, false));
  });
});

describe('encodePullPage buffer sizing', () => {
  it('stays exact when a change needs more room than its estimate (long ids, big numbers)', () => {
    const long = 'f'.repeat(400);
    const changes = [1, 2, 3].map((seq) => ({
      ...change(Number.MAX_SAFE_INTEGER - seq, seq === 2 ? null : 5),
      recordId: long,
      authorId: long,
    }));
    const body = encodePullPage(changes, Number.MAX_SAFE_INTEGER, true);
    expect(body.toString('utf8')).toBe(reference(changes, Number.MAX_SAFE_INTEGER, true));
  });

  it('encodes a full page of tombstones and envelopes of every size up to 1 KiB', () => {
    const changes = Array.from({ length: 1000 }, (_, i) =>
      change(i + 1, i % 9 === 0 ? null : i + 1),
    );
    const body = encodePullPage(changes, 1000, false);
    expect(body.toString('utf8')).toBe(reference(changes, 1000, false));
  });
});
