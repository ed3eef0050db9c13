import type * as NodeCrypto from 'node:crypto';
import type * as NodeModule from 'node:module';
import { concatBytes } from '../bytes.ts';
import { CHUNK_SIZE, KEY_SIZE, NONCE_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE } from './constants.ts';
import { chunkNonces } from './nonce.ts';

/**
 * The optional native chunk AEAD (`native/cobblestone-gcm.c`, built into
 * `dist/native/` by `scripts/build-native.ts`): AES-256-GCM over Cobblestone
 * chunks and HKDF-Expand on the OpenSSL inside Node, one keyed context per
 * thread, output written into caller buffers. node:crypto stays the
 * fallback; nothing about bytes, errors or APIs depends on which one runs.
 */

/**
 * The addon's functions. Each Node thread keeps one sealing and one opening
 * context: consecutive chunks under the same key only change the nonce.
 */
export interface NativeGcm {
  /**
   * Seal `plaintext` as chunks from `counter` (the last may be short; empty
   * is one empty chunk) into `out` at `offset`; returns the end offset.
   */
  seal(
    key: Uint8Array,
    baseNonce: Uint8Array,
    counter: number,
    plaintext: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): number;
  /**
   * Open consecutive sealed chunks into `out` at `offset`; returns how many
   * leading chunks verified (the one that failed is wiped).
   */
  open(
    key: Uint8Array,
    baseNonce: Uint8Array,
    counter: number,
    sealed: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): number;
  /** Fill `out` with HKDF-Expand(HMAC-SHA-512, prk, info). */
  hkdfExpandSha512(prk: Uint8Array, info: Uint8Array, out: Uint8Array): void;
}

export type NativeGcmStatus =
  | { readonly loaded: true; readonly path: string }
  | {
      readonly loaded: false;
      readonly reason: 'not-node' | 'disabled' | 'not-built' | 'self-test-failed';
      readonly path?: string;
    };

/** The file the build writes, relative to the package root. */
export const NATIVE_GCM_FILE = 'dist/native/cobblestone-gcm.node';

const runtime = globalThis as {
  process?: {
    env?: Record<string, string | undefined>;
    getBuiltinModule?: (id: string) => unknown;
  };
};

let status: NativeGcmStatus | undefined;
let loadedGcm: NativeGcm | undefined;
let enabled = true;

/**
 * The native chunk AEAD, loaded on first use, or undefined (see
 * {@link nativeGcmStatus} for why). `COFFER_NATIVE_CRYPTO=0` turns it off.
 */
export function nativeGcm(): NativeGcm | undefined {
  if (!status) status = load();
  return enabled ? loadedGcm : undefined;
}

/**
 * Tests and benchmarks only: turn the native chunk AEAD off (node:crypto for
 * every chunk) or back on, to compare the two in one process. Messages
 * already started keep what they had.
 */
export function setNativeGcmEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the native chunk AEAD loaded, and if not, why (benchmarks and tests report it). */
export function nativeGcmStatus(): NativeGcmStatus {
  nativeGcm();
  return status!;
}

function load(): NativeGcmStatus {
  const getBuiltin = runtime.process?.getBuiltinModule;
  const nodeModule = getBuiltin?.('node:module') as typeof NodeModule | undefined;
  const nodeCrypto = getBuiltin?.('node:crypto') as typeof NodeCrypto | undefined;
  if (!nodeModule || !nodeCrypto) return { loaded: false, reason: 'not-node' };
  if (runtime.process?.env?.COFFER_NATIVE_CRYPTO === '0')
    return { loaded: false, reason: 'disabled' };
  const require = nodeModule.createRequire(import.meta.url);
  let path: string;
  let candidate: NativeGcm;
  try {
    // Through the package's own name, so that it resolves from this source
    // file, from dist/, and from an app bundle that inlined this module.
    const manifest = require.resolve('@coffer/protocol/package.json');
    path = manifest.slice(0, manifest.length - 'package.json'.length) + NATIVE_GCM_FILE;
    candidate = require(path) as NativeGcm;
  } catch {
    // Not built here (no C compiler, no Node headers) or built for another platform.
    return { loaded: false, reason: 'not-built' };
  }
  // Fail closed: a build that disagrees with node:crypto on one known answer is never used.
  if (!agreesWithNodeCrypto(candidate, nodeCrypto)) {
    return { loaded: false, reason: 'self-test-failed', path };
  }
  loadedGcm = candidate;
  return { loaded: true, path };
}

/**
 * Seal three chunks (full, full, short) with both implementations, open
 * them back, check that a flipped bit fails and is wiped, and compare one
 * HKDF-Expand with node:crypto's HMAC.
 */
export function agreesWithNodeCrypto(gcm: NativeGcm, nc: typeof NodeCrypto): boolean {
  // Compared in C: this runs at the start of every process that seals or
  // opens (a CLI command's cold start), before the JIT has warmed up, and a
  // byte loop over the 32 KiB here took milliseconds.
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && nc.timingSafeEqual(a, b);
  try {
    const key = nc.randomBytes(KEY_SIZE);
    const baseNonce = nc.randomBytes(NONCE_SIZE);
    const plaintext = nc.randomBytes(2 * CHUNK_SIZE + 100);
    const counter = 0x1_0000_0001; // exercises both halves of the counter
    const nonceFor = chunkNonces(baseNonce);
    const expected: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) {
      const cipher = nc.createCipheriv('aes-256-gcm', key, nonceFor(counter + i), {
        authTagLength: TAG_SIZE,
      });
      const end = Math.min(plaintext.length, (i + 1) * CHUNK_SIZE);
      expected.push(cipher.update(plaintext.subarray(i * CHUNK_SIZE, end)), cipher.final());
      expected.push(cipher.getAuthTag());
    }
    const want = concatBytes(...expected);
    const sealed = new Uint8Array(want.length);
    if (gcm.seal(key, baseNonce, counter, plaintext, sealed, 0) !== want.length) return false;
    if (!same(want, sealed)) return false;
    const opened = new Uint8Array(plaintext.length);
    if (gcm.open(key, baseNonce, counter, sealed, opened, 0) !== 3) return false;
    if (!same(plaintext, opened)) return false;
    sealed[SEALED_CHUNK_SIZE + 7]! ^= 1;
    opened.fill(0xff);
    if (gcm.open(key, baseNonce, counter, sealed, opened, 0) !== 1) return false;
    if (!same(opened.subarray(CHUNK_SIZE, 2 * CHUNK_SIZE), new Uint8Array(CHUNK_SIZE)))
      return false;
    // HKDF-Expand, two blocks: T(1) = HMAC(prk, info ‖ 1), T(2) = HMAC(prk, T(1) ‖ info ‖ 2).
    const info = nc.randomBytes(40);
    const t1 = nc
      .createHmac('sha512', key)
      .update(info)
      .update(new Uint8Array([1]))
      .digest();
    const t2 = nc
      .createHmac('sha512', key)
      .update(t1)
      .update(info)
      .update(new Uint8Array([2]));
    const okm = new Uint8Array(100);
    gcm.hkdfExpandSha512(key, info, okm);
    return same(okm, concatBytes(t1, t2.digest()).subarray(0, 100));
  } catch {
    return false;
  }
}
