// Node only: the native chunk AEAD (native/cobblestone-gcm.c). It must be the
// one in use wherever it was built (the fast path is what the benchmarks
// measure), produce exactly node:crypto's bytes, emit only verified plaintext,
// reject misuse without crashing, and never be used when it disagrees with
// node:crypto.
import { execFileSync } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
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
import { makeNativeChunkAead } from '../src/cobblestone/node-backend.ts';
import { chunkNonces } from '../src/cobblestone/nonce.ts';
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
    const aeadKey = nodeCrypto.randomBytes(32);
    const baseNonce = nodeCrypto.randomBytes(12);
    const plaintext = nodeCrypto.randomBytes(5 * CHUNK_SIZE);
    const sealed = new Uint8Array(5 * SEALED_CHUNK_SIZE);
    gcm.seal(aeadKey, baseNonce, 9, plaintext, sealed, 0);
    sealed[2 * SEALED_CHUNK_SIZE + 5]! ^= 0x80;
    // The addon itself: chunks 0 and 1 verify, chunk 2 is wiped, 3 and 4 are never written.
    const out = new Uint8Array(5 * CHUNK_SIZE + 7).fill(0xaa);
    expect(gcm.open(aeadKey, baseNonce, 9, sealed, out, 7)).toBe(2);
    const verified = out.subarray(7, 7 + 2 * CHUNK_SIZE);
    expect(sameBytes(verified, plaintext.subarray(0, 2 * CHUNK_SIZE))).toBe(true);
    expect(out.subarray(7 + 2 * CHUNK_SIZE, 7 + 3 * CHUNK_SIZE).every((b) => b === 0)).toBe(true);
    expect(out.subarray(7 + 3 * CHUNK_SIZE).every((b) => b === 0xaa)).toBe(true);
    // Through the chunk AEAD, one chunk at a time: a forged chunk throws and hands nothing out.
    const aead = makeNativeChunkAead(gcm, (n) => new Uint8Array(n).fill(0xee), aeadKey, baseNonce);
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

  it('keeps messages apart when their chunks interleave on one thread', () => {
    const gcm = loaded();
    const [keyA, keyB] = [nodeCrypto.randomBytes(32), nodeCrypto.randomBytes(32)];
    const nonce = nodeCrypto.randomBytes(12);
    const plaintext = nodeCrypto.randomBytes(300);
    const reference = (key: Uint8Array, counter: number) => {
      const cipher = nodeCrypto.createCipheriv('aes-256-gcm', key, chunkNonces(nonce)(counter));
      return concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    };
    const out = new Uint8Array(316);
    for (const [key, counter] of [
      [keyA, 0],
      [keyB, 0],
      [keyA, 1],
      [keyA, 1],
      [keyB, 7],
    ] as const) {
      gcm.seal(key, nonce, counter, plaintext, out, 0);
      expect(sameBytes(out, reference(key, counter))).toBe(true);
      // Opening under the other key fails even right after this key was loaded.
      const other = key === keyA ? keyB : keyA;
      expect(gcm.open(other, nonce, counter, out, new Uint8Array(300), 0)).toBe(0);
      expect(gcm.open(key, nonce, counter, out, new Uint8Array(300), 0)).toBe(1);
    }
  });

  it('derives HKDF-Expand-SHA-512 as RFC 5869 does, for every length and any key size', () => {
    const gcm = loaded();
    const info = nodeCrypto.randomBytes(61);
    for (const prkLength of [0, 16, 64, 128, 129, 300]) {
      const prk = nodeCrypto.randomBytes(prkLength);
      for (const length of [0, 1, 63, 64, 65, 76, 200, 255 * 64]) {
        const ours = new Uint8Array(length);
        gcm.hkdfExpandSha512(prk, info, ours);
        const reference = new Uint8Array(length);
        let previous = new Uint8Array(0);
        for (let i = 1, at = 0; at < length; i++, at += 64) {
          const hmac = nodeCrypto.createHmac('sha512', prk);
          previous = new Uint8Array(
            hmac.update(previous).update(info).update(Uint8Array.of(i)).digest(),
          );
          reference.set(previous.subarray(0, Math.min(64, length - at)), at);
        }
        expect(sameBytes(ours, reference)).toBe(true);
      }
    }
    expect(() =>
      gcm.hkdfExpandSha512(nodeCrypto.randomBytes(64), info, new Uint8Array(255 * 64 + 1)),
    ).toThrow(RangeError);
  });

  it('rejects misuse with typed errors instead of touching memory it was not given', () => {
    const gcm = loaded();
    const key = nodeCrypto.randomBytes(32);
    const nonce = nodeCrypto.randomBytes(12);
    const plaintext = nodeCrypto.randomBytes(CHUNK_SIZE + 1);
    const big = () => new Uint8Array(40_000);
    const misuse: Array<() => unknown> = [
      () => gcm.seal(nodeCrypto.randomBytes(31), nonce, 0, plaintext, big(), 0),
      () => gcm.seal(key, nodeCrypto.randomBytes(16), 0, plaintext, big(), 0),
      () => gcm.seal('key' as never, nonce, 0, plaintext, big(), 0),
      () => gcm.seal(key, nonce, -1, plaintext, big(), 0),
      () => gcm.seal(key, nonce, 0.5, plaintext, big(), 0),
      () => gcm.seal(key, nonce, 2 ** 53, plaintext, big(), 0),
      () => gcm.seal(key, nonce, 0, plaintext, big(), 1.5),
      () => gcm.seal(key, nonce, 0, new Uint16Array(8) as never, new Uint8Array(100), 0),
      () => (gcm.seal as (...args: unknown[]) => number)(key, nonce, 0, plaintext, big()),
      () => gcm.open(key, nonce, 0, plaintext, {} as never, 0),
      () => gcm.hkdfExpandSha512(key, 'info' as never, new Uint8Array(10)),
    ];
    for (const call of misuse) expect(call).toThrow(TypeError);
    // Sealed input shorter than one tag.
    expect(() => gcm.open(key, nonce, 0, new Uint8Array(10), new Uint8Array(100), 0)).toThrow(
      RangeError,
    );
    expect(() => gcm.open(key, nonce, 0, new Uint8Array(0), new Uint8Array(100), 0)).toThrow(
      RangeError,
    );
    // Too little room: a sealed chunk needs 16 bytes more than its plaintext.
    const room = new Uint8Array(CHUNK_SIZE + 1 + 2 * 16 - 1);
    expect(() => gcm.seal(key, nonce, 0, plaintext, room, 0)).toThrow(RangeError);
    expect(room.every((byte) => byte === 0)).toBe(true);
    expect(() =>
      gcm.seal(key, nonce, 0, nodeCrypto.randomBytes(10), new Uint8Array(30), 5),
    ).toThrow(RangeError);
    expect(() =>
      gcm.open(key, nonce, 0, nodeCrypto.randomBytes(SEALED_CHUNK_SIZE), new Uint8Array(10), 0),
    ).toThrow(RangeError);
    // A final sealed chunk shorter than a tag after a full one.
    const short = nodeCrypto.randomBytes(SEALED_CHUNK_SIZE + 15);
    expect(() => gcm.open(key, nonce, 0, short, new Uint8Array(CHUNK_SIZE * 2), 0)).toThrow(
      RangeError,
    );
  });

  it('is never used when it disagrees with node:crypto', () => {
    const real = loaded();
    expect(agreesWithNodeCrypto(real, nodeCrypto)).toBe(true);
    const wrongBytes: NativeGcm = {
      ...real,
      seal(key, nonce, counter, plaintext, out, offset) {
        const end = real.seal(key, nonce, counter, plaintext, out, offset);
        out[offset + 3]! ^= 1;
        return end;
      },
    };
    const acceptsForgery: NativeGcm = {
      ...real,
      open: (key, nonce, counter, sealed, out, offset) => {
        const verified = real.open(key, nonce, counter, sealed, out, offset);
        return verified === 1 ? 3 : verified;
      },
    };
    const leavesPlaintext: NativeGcm = {
      ...real,
      open(key, nonce, counter, sealed, out, offset) {
        const verified = real.open(key, nonce, counter, sealed, out, offset);
        if (verified < 3) out.fill(7, offset + CHUNK_SIZE, offset + 2 * CHUNK_SIZE);
        return verified;
      },
    };
    const wrongHkdf: NativeGcm = {
      ...real,
      hkdfExpandSha512(prk, info, out) {
        real.hkdfExpandSha512(prk, info, out);
        out[70]! ^= 1;
      },
    };
    const throws: NativeGcm = {
      ...real,
      seal: () => {
        throw new Error('boom');
      },
    };
    for (const broken of [wrongBytes, acceptsForgery, leavesPlaintext, wrongHkdf, throws]) {
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
