// Range reader and length rules beyond the vectors: what is and is not detected.
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, PREFIX_SIZE, SEALED_CHUNK_SIZE } from '../src/cobblestone/constants.ts';
import {
  cobblestoneCiphertextLength,
  cobblestonePlaintextLength,
} from '../src/cobblestone/layout.ts';
import { createCobblestoneRangeReader } from '../src/cobblestone/range-reader.ts';
import { cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { DecryptionError, EnvelopeFormatError } from '../src/errors.ts';
import { memorySource, patternBytes, sameBytes } from './cobblestone-helpers.ts';

const key = patternBytes(32, 7);
const context = patternBytes(5, 8);

describe('cobblestonePlaintextLength', () => {
  it('maps valid lengths back and forth', () => {
    for (const n of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 5 * CHUNK_SIZE]) {
      expect(cobblestonePlaintextLength(cobblestoneCiphertextLength(n))).toBe(n);
    }
  });

  it('rejects lengths no ciphertext can have', () => {
    const impossible = [
      0,
      PREFIX_SIZE - 1,
      PREFIX_SIZE + 15, // no room for the final tag
      PREFIX_SIZE + SEALED_CHUNK_SIZE, // full chunk, final chunk missing
      PREFIX_SIZE + SEALED_CHUNK_SIZE + 15,
      1.5,
      -1,
    ];
    for (const length of impossible) {
      expect(() => cobblestonePlaintextLength(length), String(length)).toThrow(EnvelopeFormatError);
    }
  });
});

describe('Cobblestone range reader', () => {
  const plaintext = patternBytes(3 * CHUNK_SIZE + 100, 9);

  it('rejects ranges outside the plaintext as a caller error', async () => {
    const ct = await cobblestoneSeal(key, context, plaintext);
    const reader = await createCobblestoneRangeReader(key, context, memorySource(ct));
    await expect(reader.read(plaintext.length - 1, 2)).rejects.toBeInstanceOf(RangeError);
    await expect(reader.read(-1, 1)).rejects.toBeInstanceOf(RangeError);
    expect((await reader.read(plaintext.length, 0)).length).toBe(0);
  });

  it('fails when the source returns fewer bytes than asked', async () => {
    const ct = await cobblestoneSeal(key, context, plaintext);
    const source = memorySource(ct);
    const short = {
      size: source.size,
      read: async (o: number, n: number) => ct.slice(o, o + n - 1),
    };
    await expect(createCobblestoneRangeReader(key, context, short)).rejects.toBeInstanceOf(
      DecryptionError,
    );
  });

  it('documents the limit: a well-shaped truncation is caught only where the end is read', async () => {
    const ct = await cobblestoneSeal(key, context, plaintext);
    // Keep chunk 0 and 100 bytes of chunk 1: a valid shape (1 full chunk + short final chunk).
    const truncated = ct.subarray(0, PREFIX_SIZE + SEALED_CHUNK_SIZE + 100);
    const reader = await createCobblestoneRangeReader(key, context, memorySource(truncated));
    expect(reader.plaintextLength).toBe(CHUNK_SIZE + 84);
    // Chunk 0 is authentic, so reading it succeeds and returns the right bytes...
    expect(sameBytes(await reader.read(0, 1000), plaintext.subarray(0, 1000))).toBe(true);
    // ...but the claimed end is not: reading it, or verifying the length, fails.
    await expect(reader.read(CHUNK_SIZE, 10)).rejects.toBeInstanceOf(DecryptionError);
    await expect(reader.verifyLength()).rejects.toBeInstanceOf(DecryptionError);
  });

  it('rejects a chunk swapped in from another message with the same key and context', async () => {
    const ct = await cobblestoneSeal(key, context, plaintext);
    const other = await cobblestoneSeal(key, context, plaintext);
    const mixed = new Uint8Array(ct);
    const at = PREFIX_SIZE + SEALED_CHUNK_SIZE;
    mixed.set(other.subarray(at, at + SEALED_CHUNK_SIZE), at);
    const reader = await createCobblestoneRangeReader(key, context, memorySource(mixed));
    expect((await reader.read(0, 10)).length).toBe(10);
    await expect(reader.read(CHUNK_SIZE, 10)).rejects.toBeInstanceOf(DecryptionError);
  });
});
