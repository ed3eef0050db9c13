// The Wycheproof Cobblestone-256 vectors through every reader and writer:
// whole message, streams fed in odd-sized pieces, and range reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, forceCobblestoneBackend } from '../src/cobblestone/backend.ts';
import { CHUNK_SIZE } from '../src/cobblestone/constants.ts';
import { createCobblestoneOpenStream } from '../src/cobblestone/open-stream.ts';
import { createCobblestoneRangeReader } from '../src/cobblestone/range-reader.ts';
import { createCobblestoneSealStream } from '../src/cobblestone/seal-stream.ts';
import { cobblestoneOpen, cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { DecryptionError } from '../src/errors.ts';
import { memorySource, pieces, pump, sameBytes } from './cobblestone-helpers.ts';
import vectors from './vectors/wycheproof/c2sp_chunked_encryption_aes_256_gcm_test.json' with {
  type: 'json',
};
import { fromHex, inflateZlib, type CobblestoneVector as Listed, sha512Hex } from './wycheproof.ts';

/** Invalid cases carry msgLength/msgSha512 only when they have a valid prefix. */
type CobblestoneVector = Omit<Listed, 'msgLength' | 'msgSha512'> & {
  msgLength?: number;
  msgSha512?: string;
};

export const cobblestoneCases = vectors.testGroups.flatMap(
  (group) => group.tests,
) as CobblestoneVector[];

const inflated = new Map<number, Promise<Uint8Array>>();
function ciphertextOf(vector: CobblestoneVector): Promise<Uint8Array> {
  const cached = inflated.get(vector.tcId);
  if (cached) return cached;
  const ct = inflateZlib(fromHex(vector.ct));
  inflated.set(vector.tcId, ct);
  return ct;
}

/** Feeding plans: whole, 7 KiB pieces, and 1-byte pieces for the small vectors. */
function feeds(bytes: Uint8Array): Array<[string, Uint8Array[]]> {
  const plans: Array<[string, Uint8Array[]]> = [
    ['whole', [bytes]],
    ['7 KiB pieces', pieces(bytes, 7 * 1024)],
  ];
  if (bytes.length <= 40_000) plans.push(['1-byte pieces', pieces(bytes, 1)]);
  return plans;
}

async function expectStaysFailed(result: Awaited<ReturnType<typeof pump>>): Promise<void> {
  expect(result.error).toBeInstanceOf(DecryptionError);
  await expect(result.writer.write(new Uint8Array(16))).rejects.toBeInstanceOf(DecryptionError);
  await expect(result.reader.read()).rejects.toBeInstanceOf(DecryptionError);
}

async function checkValid(vector: CobblestoneVector): Promise<void> {
  const key = fromHex(vector.key);
  const context = fromHex(vector.ctx);
  const ct = await ciphertextOf(vector);
  const plaintext = await cobblestoneOpen(key, context, ct);
  expect(plaintext.length).toBe(vector.msgLength);
  expect(vector.msgSha512).toBeDefined();
  expect(await sha512Hex(plaintext)).toBe(vector.msgSha512);
  const salt = ct.slice(0, 24);
  expect(sameBytes(await cobblestoneSeal(key, context, plaintext, { salt }), ct)).toBe(true);

  for (const [plan, input] of feeds(ct)) {
    const opened = await pump(createCobblestoneOpenStream(key, context), input);
    expect(opened.error, plan).toBeUndefined();
    expect(sameBytes(opened.output, plaintext), plan).toBe(true);
  }
  for (const [plan, input] of feeds(plaintext)) {
    const sealed = await pump(createCobblestoneSealStream(key, context, { salt }), input);
    expect(sealed.error, plan).toBeUndefined();
    expect(sameBytes(sealed.output, ct), plan).toBe(true);
  }

  const source = memorySource(ct);
  const reader = await createCobblestoneRangeReader(key, context, source);
  expect(reader.plaintextLength).toBe(vector.msgLength);
  await reader.verifyLength();
  expect(sameBytes(await reader.read(0, plaintext.length), plaintext)).toBe(true);
  const n = plaintext.length;
  // Ranges at both ends, across the first chunk boundary and through the middle.
  const ranges = [
    [0, 1],
    [n - 5, 5],
    [CHUNK_SIZE - 3, 6],
    [Math.floor(n / 2), 70_000],
  ].map(([start, length]) => {
    const from = Math.min(n, Math.max(0, start!));
    return [from, Math.min(length!, n - from)] as const;
  });
  for (const [start, length] of ranges) {
    const got = await reader.read(start, length);
    expect(sameBytes(got, plaintext.subarray(start, start + length)), `${start}+${length}`).toBe(
      true,
    );
  }
  // Only the chunks covering a small range are fetched, not the whole message.
  if (n > 2 * CHUNK_SIZE) {
    const before = source.bytesRead;
    await reader.read(CHUNK_SIZE + 10, 10);
    expect(source.bytesRead - before).toBe(CHUNK_SIZE + 16);
  }
}

async function checkInvalid(vector: CobblestoneVector): Promise<void> {
  const key = fromHex(vector.key);
  const context = fromHex(vector.ctx);
  const ct = await ciphertextOf(vector);
  await expect(cobblestoneOpen(key, context, ct)).rejects.toBeInstanceOf(DecryptionError);

  // A streaming reader may release at most the longest valid prefix, then must fail for good.
  const validPrefix = vector.msgLength ?? 0;
  for (const [plan, input] of feeds(ct)) {
    const opened = await pump(createCobblestoneOpenStream(key, context), input);
    await expectStaysFailed(opened);
    expect(opened.output.length, plan).toBeLessThanOrEqual(validPrefix);
    if (opened.output.length > 0 && opened.output.length === validPrefix) {
      expect(await sha512Hex(opened.output), plan).toBe(vector.msgSha512);
    }
  }

  // Reading everything (and the length) through the range reader must fail too.
  const rangeRead = async () => {
    const reader = await createCobblestoneRangeReader(key, context, memorySource(ct));
    await reader.read(0, reader.plaintextLength);
    await reader.verifyLength();
  };
  await expect(rangeRead()).rejects.toBeInstanceOf(DecryptionError);
  // A range inside the valid prefix may succeed, but then it is the authentic prefix.
  if (vector.msgLength) {
    const prefix = await createCobblestoneRangeReader(key, context, memorySource(ct))
      .then((reader) => reader.read(0, vector.msgLength!))
      .catch((error: unknown) => {
        expect(error).toBeInstanceOf(DecryptionError);
        return undefined;
      });
    if (prefix) expect(await sha512Hex(prefix)).toBe(vector.msgSha512);
  }
}

/** Register the vector suite, optionally with a forced backend. */
export function describeCobblestoneVectors(label: string, backend?: BackendName): void {
  describe(`Cobblestone-256 Wycheproof vectors (${label})`, () => {
    if (backend) {
      beforeAll(() => forceCobblestoneBackend(backend));
      afterAll(() => forceCobblestoneBackend(undefined));
    }

    it('has all 35 cases', () => {
      expect(cobblestoneCases).toHaveLength(35);
    });

    for (const vector of cobblestoneCases) {
      it(`tc${vector.tcId} ${vector.comment} -> ${vector.result}`, () =>
        vector.result === 'valid' ? checkValid(vector) : checkInvalid(vector));
    }
  });
}
