// Node only: the native chunk AEAD (native/cobblestone-gcm.c). It must be the
// one in use wherever it was built (the fast path is what the benchmarks
// measure), produce exactly node:crypto's bytes, emit only verified plaintext,
// reject misuse without crashing, and never be used when it disagrees with
// node:crypto.
import { execFileSync } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildForTests } from '../../../tooling/build-for-tests.ts';
import { forceCobblestoneBackend } from '../src/cobblestone/backend.ts';
import { createChunkOpener } from '../src/cobblestone/chunk-opener.ts';
import { CHUNK_SIZE, PREFIX_SIZE, SEALED_CHUNK_SIZE } from '../src/cobblestone/constants.ts';
import {
  agreesWithNodeCrypto,
  type NativeGcm,
  nativeGcm,
  nativeGcmStatus,
} from '../src/cobblestone/native-gcm.ts';
import { makeChunkAead, makeNativeChunkAead } from '../src/cobblestone/node-backend.ts';
import { createCobblestoneOpenStream } from '../src/cobblestone/open-stream.ts';
import { createCobblestoneSealStream } from '../src/cobblestone/seal-stream.ts';
import { cobblestoneOpen, cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { DecryptionError } from '../src/errors.ts';
import { concat, patternBytes, pieces, pump, sameBytes } from './cobblestone-helpers.ts';
import { describeCobblestoneVectors } from './cobblestone-vector-suite.ts';

const key = patternBytes(32, 41);
const context = patternBytes(11, 42);

beforeAll(() => buildForTests(['@coffer/protocol']));
afterEach(() => forceCobblestoneBackend(undefined));

function loaded(): NativeGcm {
  const gcm = nativeGcm();
  if (!gcm) throw new Error(`native chunk AEAD not loaded: ${JSON.stringify(nativeGcmStatus())}`);
  return gcm;
}

/** Seal through the stream, fed in pieces of `pieceSize`. */
async function sealStream(plaintext: Uint8Array, salt: Uint8Array, pieceSize: number) {
  const result = await pump(
    createCobblestoneSealStream(key, context, { salt }),
    pieces(plaintext, pieceSize),
  );
  expect(result.error).toBeUndefined();
  return result.output;
}

describe('native chunk AEAD', () => {
  it('is built, passes its known-answer check, and is the default in Node', () => {
    expect(nativeGcmStatus()).toEqual({
      loaded: true,
      path: expect.stringMatching(/dist\/native\/cobblestone-gcm\.node$/),
    });
    expect(nativeGcm()).toBeDefined();
  });

  it('writes byte for byte what node:crypto writes, whole and streamed, at every chunk boundary', async () => {
    const salt = patternBytes(24, 43);
    for (const length of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 17 * CHUNK_SIZE + 5]) {
      const plaintext = patternBytes(length, length % 251);
      forceCobblestoneBackend('node');
      const expected = await cobblestoneSeal(key, context, plaintext, { salt });
      forceCobblestoneBackend('node-native');
      expect(sameBytes(await cobblestoneSeal(key, context, plaintext, { salt }), expected)).toBe(
        true,
      );
      for (const pieceSize of [1000, 64 * 1024, 20 * CHUNK_SIZE + 3]) {
        expect(sameBytes(await sealStream(plaintext, salt, pieceSize), expected)).toBe(true);
      }
      forceCobblestoneBackend('node');
      expect(sameBytes(await cobblestoneOpen(key, context, expected), plaintext)).toBe(true);
      forceCobblestoneBackend('node-native');
      expect(sameBytes(await cobblestoneOpen(key, context, expected), plaintext)).toBe(true);
      const opened = await pump(
        createCobblestoneOpenStream(key, context),
        pieces(expected, 70_000),
      );
      expect(opened.error).toBeUndefined();
      expect(sameBytes(opened.output, plaintext)).toBe(true);
    }
  });

  it('emits only the chunks before a forged one, then stays failed', async () => {
    forceCobblestoneBackend('node-native');
    const plaintext = patternBytes(40 * CHUNK_SIZE + 9, 44);
    const sealed = await cobblestoneSeal(key, context, plaintext);
    sealed[PREFIX_SIZE + 21 * SEALED_CHUNK_SIZE + 100]! ^= 1;
    const emitted: Uint8Array[] = [];
    const opener = createChunkOpener(key, context, (bytes) => emitted.push(bytes));
    expect(() => opener.push(sealed)).toThrow(DecryptionError);
    const out = concat(emitted);
    expect(out.length).toBe(21 * CHUNK_SIZE);
    expect(sameBytes(out, plaintext.subarray(0, 21 * CHUNK_SIZE))).toBe(true);
    expect(() => opener.push(new Uint8Array(1))).toThrow(DecryptionError);
    expect(() => opener.finish()).toThrow(DecryptionError);
  });

  it('wipes a forged chunk and hands out only chunks that verified', () => {
    const gcm = loaded();
    const aeadKey = randomBytes(32);
    const baseNonce = randomBytes(12);
    const plaintext = randomBytes(5 * CHUNK_SIZE);
    const message = gcm.create(aeadKey, baseNonce);
    const sealed = new Uint8Array(5 * SEALED_CHUNK_SIZE);
    gcm.seal(message, 9, plaintext, sealed, 0);
    sealed[2 * SEALED_CHUNK_SIZE + 5]! ^= 0x80;
    // The addon itself: chunks 0 and 1 verify, chunk 2 is wiped, 3 and 4 are never written.
    const out = new Uint8Array(5 * CHUNK_SIZE + 7).fill(0xaa);
    expect(gcm.open(message, 9, sealed, out, 7)).toBe(2);
    expect(
      sameBytes(out.subarray(7, 7 + 2 * CHUNK_SIZE), plaintext.subarray(0, 2 * CHUNK_SIZE)),
    ).toBe(true);
    expect(out.subarray(7 + 2 * CHUNK_SIZE, 7 + 3 * CHUNK_SIZE).every((b) => b === 0)).toBe(true);
    expect(out.subarray(7 + 3 * CHUNK_SIZE).every((b) => b === 0xaa)).toBe(true);
    // Through the chunk AEAD: the first chunk goes through node:crypto, the
    // rest natively; a forged chunk throws and hands nothing out.
    const first = makeChunkAead(nodeCrypto, aeadKey, baseNonce);
    const aead = makeNativeChunkAead(
      gcm,
      (n) => new Uint8Array(n).fill(0xee),
      first,
      aeadKey,
      baseNonce,
    );
    expect(
      sameBytes(
        aead.open(9, sealed.subarray(0, SEALED_CHUNK_SIZE)),
        plaintext.subarray(0, CHUNK_SIZE),
      ),
    ).toBe(true);
    const second = sealed.subarray(SEALED_CHUNK_SIZE, 2 * SEALED_CHUNK_SIZE);
    expect(sameBytes(aead.open(10, second), plaintext.subarray(CHUNK_SIZE, 2 * CHUNK_SIZE))).toBe(
      true,
    );
    const forged = sealed.subarray(2 * SEALED_CHUNK_SIZE, 3 * SEALED_CHUNK_SIZE);
    expect(() => aead.open(11, forged)).toThrow(DecryptionError);
    // A sealed chunk goes out as ciphertext then tag, from one buffer.
    const pieces: Uint8Array[] = [];
    aead.sealTo(12, plaintext.subarray(0, 100), (bytes) => pieces.push(bytes));
    expect(pieces.map((piece) => piece.length)).toEqual([100, 16]);
    expect(pieces[0]!.buffer).toBe(pieces[1]!.buffer);
  });

  it('rejects misuse with typed errors instead of touching memory it was not given', () => {
    const gcm = loaded();
    const message = gcm.create(randomBytes(32), randomBytes(12));
    const plaintext = randomBytes(CHUNK_SIZE + 1);
    const misuse: Array<() => unknown> = [
      () => gcm.create(randomBytes(31), randomBytes(12)),
      () => gcm.create(randomBytes(32), randomBytes(16)),
      () => gcm.create('key' as never, randomBytes(12)),
      () => gcm.seal({} as never, 0, plaintext, new Uint8Array(40_000), 0),
      () => gcm.seal(message, -1, plaintext, new Uint8Array(40_000), 0),
      () => gcm.seal(message, 0.5, plaintext, new Uint8Array(40_000), 0),
      () => gcm.seal(message, 2 ** 53, plaintext, new Uint8Array(40_000), 0),
      () => gcm.seal(message, 0, plaintext, new Uint8Array(40_000), 1.5),
      () => gcm.seal(message, 0, new Uint16Array(8) as never, new Uint8Array(100), 0),
    ];
    for (const call of misuse) expect(call).toThrow(TypeError);
    // Sealed input shorter than one tag.
    expect(() => gcm.open(message, 0, new Uint8Array(10), new Uint8Array(100), 0)).toThrow(
      RangeError,
    );
    expect(() => gcm.open(message, 0, new Uint8Array(0), new Uint8Array(100), 0)).toThrow(
      RangeError,
    );
    // Too little room: a sealed chunk needs 16 bytes more than its plaintext.
    const room = new Uint8Array(CHUNK_SIZE + 1 + 2 * 16 - 1);
    expect(() => gcm.seal(message, 0, plaintext, room, 0)).toThrow(RangeError);
    expect(room.every((byte) => byte === 0)).toBe(true);
    expect(() => gcm.seal(message, 0, randomBytes(10), new Uint8Array(30), 5)).toThrow(RangeError);
    expect(() =>
      gcm.open(message, 0, randomBytes(SEALED_CHUNK_SIZE), new Uint8Array(10), 0),
    ).toThrow(RangeError);
    // A sealed chunk of the wrong final size (shorter than a tag) after a full one.
    expect(() =>
      gcm.open(message, 0, randomBytes(SEALED_CHUNK_SIZE + 15), new Uint8Array(CHUNK_SIZE * 2), 0),
    ).toThrow(RangeError);
  });

  it('is never used when it disagrees with node:crypto', () => {
    const real = loaded();
    expect(agreesWithNodeCrypto(real, nodeCrypto)).toBe(true);
    const wrongBytes: NativeGcm = {
      ...real,
      seal(message, counter, plaintext, out, offset) {
        const end = real.seal(message, counter, plaintext, out, offset);
        out[offset + 3]! ^= 1;
        return end;
      },
    };
    const acceptsForgery: NativeGcm = {
      ...real,
      open: (message, counter, sealed, out, offset) => {
        const verified = real.open(message, counter, sealed, out, offset);
        return verified === 1 ? 3 : verified;
      },
    };
    const leavesPlaintext: NativeGcm = {
      ...real,
      open(message, counter, sealed, out, offset) {
        const verified = real.open(message, counter, sealed, out, offset);
        if (verified < 3) out.fill(7, offset + CHUNK_SIZE, offset + 2 * CHUNK_SIZE);
        return verified;
      },
    };
    const throws: NativeGcm = {
      ...real,
      create: () => {
        throw new Error('boom');
      },
    };
    for (const broken of [wrongBytes, acceptsForgery, leavesPlaintext, throws]) {
      expect(agreesWithNodeCrypto(broken, nodeCrypto)).toBe(false);
    }
  });

  it('is off with COFFER_NATIVE_CRYPTO=0, and then node:crypto seals the same bytes', () => {
    const script = `
      const { nativeGcmStatus } = await import('./src/cobblestone/native-gcm.ts');
      const { cobblestoneSeal } = await import('./src/cobblestone/whole-message.ts');
      const sealed = await cobblestoneSeal(new Uint8Array(32).fill(1), new Uint8Array(3), new Uint8Array(50000).fill(2), { salt: new Uint8Array(24) });
      const digest = (await import('node:crypto')).createHash('sha256').update(sealed).digest('hex');
      console.log(JSON.stringify({ status: nativeGcmStatus(), digest }));`;
    const run = (env: NodeJS.ProcessEnv) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ['--conditions=@coffer/source', '--input-type=module', '-e', script],
          {
            cwd: new URL('..', import.meta.url),
            env: { ...process.env, ...env },
            encoding: 'utf8',
          },
        ),
      ) as { status: { loaded: boolean; reason?: string }; digest: string };
    const off = run({ COFFER_NATIVE_CRYPTO: '0' });
    const on = run({ COFFER_NATIVE_CRYPTO: undefined });
    expect(off.status).toEqual({ loaded: false, reason: 'disabled' });
    expect(on.status.loaded).toBe(true);
    expect(off.digest).toBe(on.digest);
  });
});

describeCobblestoneVectors('native chunk AEAD forced', 'node-native');
