import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeArmor } from '../envelope/armor.ts';
import { SchemaError } from '../errors.ts';
import {
  type BinaryChange,
  decodeBinaryPullPage,
  encodeBinaryPullPage,
  MAX_RECORD_ENVELOPE_BYTES,
} from './pull-page-binary.ts';
import { PullResponse } from './records.ts';

const hexId = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => Buffer.from(b).toString('hex'));
const change: fc.Arbitrary<BinaryChange> = fc
  .record({
    seq: fc.maxSafeNat(),
    recordId: hexId,
    revision: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    epoch: fc.integer({ min: 0, max: 0xffff_ffff }),
    envelope: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }), { nil: null }),
    authorId: hexId,
  })
  .map((c) => ({ ...c, deleted: c.envelope === null }));
const page = fc.record({
  changes: fc.array(change, { maxLength: 8 }),
  nextCursor: fc.maxSafeNat(),
  hasMore: fc.boolean(),
});

/** The JSON answer of the same page (what the schema is the authority on). */
const asJson = (p: { changes: BinaryChange[]; nextCursor: number; hasMore: boolean }) => ({
  ...p,
  changes: p.changes.map((c) => ({ ...c, envelope: c.envelope && encodeArmor(c.envelope) })),
});

const one = (overrides: Partial<BinaryChange> = {}): BinaryChange => ({
  seq: 7,
  recordId: 'ab'.repeat(16),
  revision: 2,
  epoch: 1,
  envelope: new Uint8Array([1, 2, 3]),
  deleted: false,
  authorId: 'cd'.repeat(16),
  ...overrides,
});

const refused = (bytes: Uint8Array, message: RegExp) => {
  expect(() => decodeBinaryPullPage(bytes)).toThrow(SchemaError);
  expect(() => decodeBinaryPullPage(bytes)).toThrow(message);
};

describe('binary pull page', () => {
  it('round-trips any page, and says what its JSON twin says', () => {
    fc.assert(
      fc.property(page, (p) => {
        const decoded = decodeBinaryPullPage(
          encodeBinaryPullPage(p.changes, p.nextCursor, p.hasMore),
        );
        expect(decoded).toEqual(p);
        expect(PullResponse.parse(asJson(decoded))).toEqual(asJson(p));
      }),
    );
  });

  it('anything truncated, extended or with a byte changed is refused or still a valid page', () => {
    const mutated = fc.tuple(page, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat({ max: 2 }));
    fc.assert(
      fc.property(mutated, ([p, where, value, how]) => {
        const bytes = encodeBinaryPullPage(p.changes, p.nextCursor, p.hasMore);
        const at = where % bytes.length;
        const bad =
          how === 0
            ? bytes.subarray(0, at)
            : how === 1
              ? Uint8Array.of(...bytes, value)
              : Uint8Array.from(bytes, (b, i) => (i === at ? value : b));
        try {
          const decoded = decodeBinaryPullPage(bad);
          // A changed id or counter byte can make another valid page: it must
          // still be one the JSON schema accepts. Truncated or extended: never.
          expect(how).toBe(2);
          expect(PullResponse.safeParse(asJson(decoded)).success).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(SchemaError);
        }
      }),
    );
  });

  it('refuses each way a page can break, with a typed error', () => {
    const good = encodeBinaryPullPage([one()], 9, true);
    const at = (i: number, v: number) => Uint8Array.from(good, (b, j) => (j === i ? v : b));
    refused(good.subarray(0, 10), /truncated/);
    refused(at(0, 0x58), /bad magic/);
    refused(at(4, 2), /unknown flags/);
    refused(at(5, 0x01), /out of range/); // nextCursor above 2^53 - 1
    refused(at(17 + 20, 4), /unknown flags/);
    refused(Uint8Array.of(...good, 0), /trailing bytes/);
    refused(good.subarray(0, good.length - 1), /truncated/);
    const count = new Uint8Array(good);
    new DataView(count.buffer).setUint32(13, 1001);
    refused(count, /too many changes/);
    const zeroRevision = encodeBinaryPullPage([one({ revision: 1 })], 9, false);
    zeroRevision[17 + 15] = 0;
    refused(zeroRevision, /revision is below 1/);
    const empty = new Uint8Array(good);
    new DataView(empty.buffer).setUint32(17 + 53, 0);
    refused(empty, /bad length/);
    const huge = new Uint8Array(good);
    new DataView(huge.buffer).setUint32(17 + 53, MAX_RECORD_ENVELOPE_BYTES + 1);
    refused(huge, /bad length/);
  });

  it('admits exactly the envelopes the JSON schema admits', () => {
    const largest = new Uint8Array(MAX_RECORD_ENVELOPE_BYTES);
    const ok = encodeBinaryPullPage([one({ envelope: largest })], 1, false);
    const [decoded] = decodeBinaryPullPage(ok).changes;
    expect(
      PullResponse.safeParse(asJson({ changes: [decoded!], nextCursor: 1, hasMore: false }))
        .success,
    ).toBe(true);
    const over = one({ envelope: new Uint8Array(MAX_RECORD_ENVELOPE_BYTES + 1) });
    expect(
      PullResponse.safeParse(asJson({ changes: [over], nextCursor: 1, hasMore: false })).success,
    ).toBe(false);
  });

  it('an encoder refuses what no page may carry', () => {
    expect(() => encodeBinaryPullPage([one({ recordId: 'AB'.repeat(16) })], 1, false)).toThrow(
      RangeError,
    );
    expect(() => encodeBinaryPullPage([one({ seq: -1 })], 1, false)).toThrow(RangeError);
    expect(() => encodeBinaryPullPage([], 2 ** 53, false)).toThrow(RangeError);
  });
});
