// Property tests: round trips through every API, and tampering never yields a
// wrong plaintext (at most an authentic prefix from a stream, then an error).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_SIZE, PREFIX_SIZE, SEALED_CHUNK_SIZE } from '../src/cobblestone/constants.ts';
import {
  cobblestoneCiphertextLength,
  cobblestonePlaintextLength,
} from '../src/cobblestone/layout.ts';
import { createCobblestoneOpenStream } from '../src/cobblestone/open-stream.ts';
import { cobblestoneOpenRange } from '../src/cobblestone/range-reader.ts';
import { createCobblestoneSealStream } from '../src/cobblestone/seal-stream.ts';
import { cobblestoneOpen, cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { DecryptionError } from '../src/errors.ts';
import { memorySource, patternBytes, pieces, pump, sameBytes } from './cobblestone-helpers.ts';

// Small runs keep the suite fast; sizes cluster around chunk boundaries.
const RUNS = { numRuns: 25 };
const size = fc.oneof(
  fc.nat(2_000),
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: -2, max: 2 }))
    .map(([chunks, delta]) => chunks * CHUNK_SIZE + delta),
);
const message = fc.record({
  key: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  context: fc.uint8Array({ maxLength: 40 }),
  // Length and seed rather than bytes keep counterexamples readable.
  length: size,
  seed: fc.nat(255),
  pieceSize: fc.integer({ min: 1, max: 40_000 }),
});
type Message = { key: Uint8Array; context: Uint8Array; length: number; seed: number };

async function sealed(m: Message): Promise<{ ct: Uint8Array; plaintext: Uint8Array }> {
  const plaintext = patternBytes(m.length, m.seed);
  return { ct: await cobblestoneSeal(m.key, m.context, plaintext), plaintext };
}

function isPrefixOf(prefix: Uint8Array, whole: Uint8Array): boolean {
  return prefix.length <= whole.length && sameBytes(prefix, whole.subarray(0, prefix.length));
}

/** Every reader must reject `ct`; a stream may have released only an authentic prefix. */
async function expectRejected(
  key: Uint8Array,
  context: Uint8Array,
  ct: Uint8Array,
  plaintext: Uint8Array,
  pieceSize: number,
): Promise<void> {
  await expect(cobblestoneOpen(key, context, ct)).rejects.toBeInstanceOf(DecryptionError);
  const opened = await pump(createCobblestoneOpenStream(key, context), pieces(ct, pieceSize));
  expect(opened.error).toBeInstanceOf(DecryptionError);
  expect(isPrefixOf(opened.output, plaintext)).toBe(true);
}

/** Register the property suite; `setup` runs first (e.g. to force the worker path). */
export function describeCobblestoneProperties(label: string, setup?: () => Promise<void>): void {
  describe(`Cobblestone-256 properties (${label})`, () => {
    if (setup) beforeAll(setup);

    it('round-trips through whole-message, streams and range reads', async () => {
      await fc.assert(
        fc.asyncProperty(message, fc.nat(), fc.nat(), async (m, a, b) => {
          const { key, context, pieceSize } = m;
          const { ct, plaintext } = await sealed(m);
          expect(ct.length).toBe(cobblestoneCiphertextLength(plaintext.length));
          expect(cobblestonePlaintextLength(ct.length)).toBe(plaintext.length);
          expect(sameBytes(await cobblestoneOpen(key, context, ct), plaintext)).toBe(true);

          const salt = ct.subarray(0, 24);
          const sealStream = createCobblestoneSealStream(key, context, { salt });
          const streamed = await pump(sealStream, pieces(plaintext, pieceSize));
          expect(sameBytes(streamed.output, ct)).toBe(true);
          const opened = await pump(
            createCobblestoneOpenStream(key, context),
            pieces(ct, pieceSize),
          );
          expect(opened.error).toBeUndefined();
          expect(sameBytes(opened.output, plaintext)).toBe(true);

          const start = a % (plaintext.length + 1);
          const length = b % (plaintext.length - start + 1);
          const range = await cobblestoneOpenRange(key, context, memorySource(ct), start, length);
          expect(sameBytes(range, plaintext.subarray(start, start + length))).toBe(true);
        }),
        RUNS,
      );
    });

    it('rejects any single bit flip', async () => {
      await fc.assert(
        fc.asyncProperty(message, fc.nat(), fc.nat(7), async (m, at, bit) => {
          const { ct, plaintext } = await sealed(m);
          ct[at % ct.length]! ^= 1 << bit;
          await expectRejected(m.key, m.context, ct, plaintext, m.pieceSize);
        }),
        RUNS,
      );
    });

    it('rejects truncation anywhere', async () => {
      // Cuts anywhere, and on or next to chunk boundaries (where a lax reader would stop).
      const cut = fc.oneof(
        fc.nat(),
        fc
          .tuple(fc.nat(3), fc.integer({ min: -1, max: 1 }))
          .map(([chunk, delta]) => PREFIX_SIZE + chunk * SEALED_CHUNK_SIZE + delta),
      );
      await fc.assert(
        fc.asyncProperty(message, cut, async (m, at) => {
          const { ct, plaintext } = await sealed(m);
          const truncated = ct.subarray(0, at % ct.length);
          await expectRejected(m.key, m.context, truncated, plaintext, m.pieceSize);
        }),
        RUNS,
      );
    });

    it('rejects extension by any bytes', async () => {
      const extra = fc.uint8Array({ minLength: 1, maxLength: 20_000 });
      await fc.assert(
        fc.asyncProperty(message, extra, async (m, tail) => {
          const { ct, plaintext } = await sealed(m);
          const extended = new Uint8Array(ct.length + tail.length);
          extended.set(ct);
          extended.set(tail, ct.length);
          await expectRejected(m.key, m.context, extended, plaintext, m.pieceSize);
        }),
        RUNS,
      );
    });

    it('rejects a wrong key or context before releasing anything', async () => {
      const change = fc.record({
        keyBit: fc.nat(255),
        extraContext: fc.uint8Array({ maxLength: 3 }),
      });
      await fc.assert(
        fc.asyncProperty(message, change, fc.boolean(), async (m, c, changeKey) => {
          const { ct } = await sealed(m);
          const key = new Uint8Array(m.key);
          let context = m.context;
          if (changeKey) key[c.keyBit >> 3]! ^= 1 << (c.keyBit & 7);
          else context = new Uint8Array([...m.context, ...c.extraContext, 0]);
          await expectRejected(key, context, ct, new Uint8Array(0), m.pieceSize);
        }),
        RUNS,
      );
    });
  });
}
