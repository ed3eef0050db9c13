// Node only: the streams' worker-thread path, forced onto small inputs
// (batches of one or two chunks) so that the Wycheproof vectors, the property
// suite, golden blob envelopes and exact failure points all run through it;
// and the single-thread path with the pool turned off (vectors, golden blobs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoldenCase } from '../scripts/golden-case.ts';
import { fromHex, toHex } from '../src/bytes.ts';
import { createChunkOpener } from '../src/cobblestone/chunk-opener.ts';
import {
  chunkWorkerBatchCount,
  chunkWorkersOnline,
  configureChunkWorkers,
} from '../src/cobblestone/chunk-workers.ts';
import { CHUNK_SIZE, PREFIX_SIZE, SEALED_CHUNK_SIZE } from '../src/cobblestone/constants.ts';
import { createCobblestoneOpenStream } from '../src/cobblestone/open-stream.ts';
import { createCobblestoneSealStream } from '../src/cobblestone/seal-stream.ts';
import { cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { decodeArmor } from '../src/envelope/armor.ts';
import { createOpenEnvelopeStream } from '../src/envelope/open-stream.ts';
import type { RandomSource } from '../src/envelope/random-source.ts';
import { sealEnvelopeWith } from '../src/envelope/seal.ts';
import { createSealEnvelopeStreamWith } from '../src/envelope/seal-stream.ts';
import { DecryptionError } from '../src/errors.ts';
import vectors from '../vectors/envelope-v1.json' with { type: 'json' };
import { concat, patternBytes, pieces, pump, sameBytes } from './cobblestone-helpers.ts';
import { describeCobblestoneProperties } from './cobblestone-property-suite.ts';
import { describeCobblestoneVectors } from './cobblestone-vector-suite.ts';
import { context as appContext, signerFixture, vaultKey } from './envelope-helpers.ts';

async function useWorkers(batchChunks: number): Promise<void> {
  configureChunkWorkers({ threads: 1, batchChunks });
  expect(await chunkWorkersOnline()).toBe(1);
}

const key = patternBytes(32, 11);
const context = patternBytes(7, 12);
// Ten chunks: nine full ones and a short final one; five batches of two.
const plaintext = patternBytes(9 * CHUNK_SIZE + 100, 13);
const salt = patternBytes(24, 14);

function chunkStart(k: number): number {
  return PREFIX_SIZE + k * SEALED_CHUNK_SIZE;
}

/**
 * Open `ct` fed in `size`-byte pieces: the reader behind the stream must emit
 * exactly the first `chunks` chunks (all verified) and then fail for good. A
 * stream that errors drops what its reader has not read yet, so the stream
 * itself may show fewer, but only an authentic prefix.
 */
async function expectFailsAfter(ct: Uint8Array, chunks: number, size: number): Promise<void> {
  const emitted: Uint8Array[] = [];
  const opener = createChunkOpener(key, context, (bytes) => emitted.push(bytes.slice()));
  let error: unknown;
  try {
    for (const piece of pieces(ct, size)) await opener.push(piece);
    await opener.finish();
  } catch (caught) {
    error = caught;
  }
  const label = `piece size ${size}`;
  expect(error, label).toBeInstanceOf(DecryptionError);
  const output = concat(emitted);
  expect(output.length, label).toBe(chunks * CHUNK_SIZE);
  expect(sameBytes(output, plaintext.subarray(0, chunks * CHUNK_SIZE)), label).toBe(true);
  expect(() => opener.push(new Uint8Array(16))).toThrow(DecryptionError);

  const opened = await pump(createCobblestoneOpenStream(key, context), pieces(ct, size));
  expect(opened.error, label).toBeInstanceOf(DecryptionError);
  expect(opened.output.length, label).toBeLessThanOrEqual(chunks * CHUNK_SIZE);
  expect(sameBytes(opened.output, plaintext.subarray(0, opened.output.length)), label).toBe(true);
  await expect(opened.writer.write(new Uint8Array(16))).rejects.toBeInstanceOf(DecryptionError);
}

describe('Cobblestone streams on worker threads, batches of 2 chunks', () => {
  let ct: Uint8Array;
  beforeAll(async () => {
    await useWorkers(2);
    ct = await cobblestoneSeal(key, context, plaintext, { salt });
  });

  it('seal and open streams match the whole-message bytes, for any piece size', async () => {
    for (const size of [1000, 7 * 1024, 40_000, plaintext.length]) {
      const sealed = await pump(createCobblestoneSealStream(key, context, { salt }), [
        ...pieces(plaintext, size),
      ]);
      expect(sealed.error).toBeUndefined();
      expect(sameBytes(sealed.output, ct), `seal, pieces of ${size}`).toBe(true);
      const opened = await pump(createCobblestoneOpenStream(key, context), pieces(ct, size));
      expect(opened.error).toBeUndefined();
      expect(sameBytes(opened.output, plaintext), `open, pieces of ${size}`).toBe(true);
    }
    expect(chunkWorkerBatchCount()).toBeGreaterThan(0);
  });

  it('a flipped bit in chunk k releases exactly chunks 0..k-1, then fails for good', async () => {
    for (let k = 0; k < 10; k++) {
      for (const at of [5, SEALED_CHUNK_SIZE - 1]) {
        const bad = ct.slice();
        const index = Math.min(chunkStart(k) + at, bad.length - 1);
        bad[index]! ^= 0x10;
        for (const size of [7 * 1024, bad.length]) await expectFailsAfter(bad, k, size);
      }
    }
  });

  it('truncation at a batch boundary, reordering and extension fail at the right chunk', async () => {
    await expectFailsAfter(ct.subarray(0, chunkStart(4)), 4, 7 * 1024);
    await expectFailsAfter(ct.subarray(0, chunkStart(9)), 9, 40_000);
    const swapped = ct.slice();
    swapped.set(ct.subarray(chunkStart(4), chunkStart(5)), chunkStart(3));
    swapped.set(ct.subarray(chunkStart(3), chunkStart(4)), chunkStart(4));
    await expectFailsAfter(swapped, 3, 7 * 1024);
    await expectFailsAfter(concat([ct, new Uint8Array(1)]), 9, 7 * 1024);
  });

  it('envelope streams: stream-sealed bytes equal the whole message, and open (SIGNED too)', async () => {
    const signer = await signerFixture();
    const counter = (): RandomSource => {
      let next = 0;
      return (length) => Uint8Array.from({ length }, () => next++ & 0xff);
    };
    for (const extra of [{}, { signer }]) {
      const options = {
        contentType: 'blob' as const,
        context: appContext,
        key: vaultKey,
        ...extra,
      };
      const whole = await sealEnvelopeWith(plaintext, options, counter());
      const streamed = await pump(
        createSealEnvelopeStreamWith(options, counter()),
        pieces(plaintext, 40_000),
      );
      expect(sameBytes(streamed.output, whole)).toBe(true);
      const opener = createOpenEnvelopeStream({
        context: appContext,
        keys: [vaultKey],
        trustedSigners: [{ kid: signer.kid, publicKey: signer.publicKey }],
      });
      const opened = await pump(opener, pieces(whole, 7 * 1024));
      expect(opened.error).toBeUndefined();
      expect(sameBytes(opened.output, plaintext)).toBe(true);
      await opener.result;
    }
  });

  describeCobblestoneVectors('worker batches of 2 chunks', 'node');

  afterAll(() => configureChunkWorkers(undefined));
});

for (const pool of ['worker batches of 1 chunk', 'the worker pool off'] as const) {
  describe(`golden blob envelopes as streams, ${pool}`, () => {
    beforeAll(async () => {
      if (pool === 'the worker pool off') configureChunkWorkers({ threads: 0 });
      else await useWorkers(1);
    });
    afterAll(() => configureChunkWorkers(undefined));

    const blobs = (vectors as GoldenCase[]).filter(
      (c) => c.contentType === 'blob' && c.result === 'valid',
    );
    it('opens every valid golden blob envelope as a stream', async () => {
      expect(blobs.length).toBeGreaterThan(0);
      for (const c of blobs) {
        const opener = createOpenEnvelopeStream({
          context: fromHex(c.context),
          ...(c.key && {
            keys: [{ kid: fromHex(c.key.kid), epoch: c.key.epoch, key: fromHex(c.key.key) }],
          }),
          ...(c.keks && {
            keks: c.keks.map((k) => ({ kid: fromHex(k.kid), key: fromHex(k.key) })),
          }),
        });
        const opened = await pump(opener, pieces(decodeArmor(c.envelope), 5000));
        expect(opened.error, c.name).toBeUndefined();
        expect(toHex(opened.output), c.name).toBe(c.plaintext);
      }
      if (pool === 'the worker pool off') expect(chunkWorkerBatchCount()).toBe(0);
      else expect(chunkWorkerBatchCount()).toBeGreaterThan(0);
    });
  });
}

describeCobblestoneProperties('worker batches of 1 chunk', () => useWorkers(1));

describe('Cobblestone streams with the worker pool turned off', () => {
  beforeAll(() => configureChunkWorkers({ threads: 0 }));
  afterAll(() => configureChunkWorkers(undefined));

  it('has no workers', async () => {
    expect(await chunkWorkersOnline()).toBe(0);
  });

  describeCobblestoneVectors('single thread', 'node');
});
