import type * as NodeBuffer from 'node:buffer';
import type * as NodeCrypto from 'node:crypto';
import { DecryptionError } from '../errors.ts';
import type { CobblestoneBackend, SyncChunkAead, SyncCobblestoneBackend } from './backend.ts';
import { SEALED_CHUNK_SIZE, TAG_SIZE } from './constants.ts';
import { type NativeGcm, nativeGcm } from './native-gcm.ts';
import { makeNodeHkdfExpandSha512 } from './node-hkdf.ts';
import { chunkNonces } from './nonce.ts';

// Looked up at run time, never imported statically, so that the package still
// bundles for browsers (where this is undefined and WebCrypto is used).
// process.getBuiltinModule exists from Node 22.3.
const runtime = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
const nodeCrypto = runtime.process?.getBuiltinModule?.('node:crypto') as
  | typeof NodeCrypto
  | undefined;
const nodeBuffer = runtime.process?.getBuiltinModule?.('node:buffer') as
  | typeof NodeBuffer
  | undefined;

const GCM = { authTagLength: TAG_SIZE } as const;

// Node Buffers become plain Uint8Array views (same memory) so callers see one type.
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** HKDF-Expand on createHmac: the fallback when `crypto.hash` is missing. */
function hmacHkdfExpand(nc: typeof NodeCrypto) {
  return (prk: Uint8Array, info: Uint8Array, length: number): Uint8Array => {
    if (length > 255 * 64) throw new RangeError('HKDF-Expand output too long');
    const out = new Uint8Array(Math.ceil(length / 64) * 64);
    // T(i) = HMAC(prk, T(i-1) ‖ info ‖ i), one update call per block.
    const input = new Uint8Array(64 + info.length + 1);
    input.set(info, 64);
    for (let i = 1; (i - 1) * 64 < length; i++) {
      input[input.length - 1] = i;
      const block = i === 1 ? input.subarray(64) : input;
      const t = nc.createHmac('sha512', prk).update(block).digest();
      out.set(t, (i - 1) * 64);
      input.set(t, 0);
    }
    return out.slice(0, length);
  };
}

function makeChunkAead(
  nc: typeof NodeCrypto,
  aeadKey: Uint8Array,
  baseNonce: Uint8Array,
): SyncChunkAead {
  // Most messages are one chunk (records): a raw key then costs less than a
  // KeyObject. From the second chunk on, one KeyObject is reused.
  let key: Uint8Array | NodeCrypto.KeyObject = aeadKey;
  let calls = 0;
  const keyFor = (): Uint8Array | NodeCrypto.KeyObject => {
    if (++calls === 2) key = nc.createSecretKey(aeadKey);
    return key;
  };
  // One nonce buffer, rewritten per chunk: createCipheriv copies it.
  const nonceFor = chunkNonces(baseNonce);
  return {
    sealInto(counter, plaintext, out, offset) {
      const cipher = nc.createCipheriv('aes-256-gcm', keyFor(), nonceFor(counter), GCM);
      const body = cipher.update(plaintext);
      cipher.final();
      out.set(body, offset);
      const end = offset + body.length;
      out.set(cipher.getAuthTag(), end);
      return end + TAG_SIZE;
    },
    sealTo(counter, plaintext, emit) {
      const cipher = nc.createCipheriv('aes-256-gcm', keyFor(), nonceFor(counter), GCM);
      const body = cipher.update(plaintext);
      cipher.final();
      emit(plain(body));
      emit(plain(cipher.getAuthTag()));
    },
    open(counter, sealed) {
      if (sealed.length < TAG_SIZE) throw new DecryptionError();
      const bodyLength = sealed.length - TAG_SIZE;
      const decipher = nc.createDecipheriv('aes-256-gcm', keyFor(), nonceFor(counter), GCM);
      decipher.setAuthTag(sealed.subarray(bodyLength));
      const plaintext = decipher.update(sealed.subarray(0, bodyLength));
      try {
        decipher.final();
      } catch {
        // Unauthenticated plaintext never leaves this function.
        plaintext.fill(0);
        throw new DecryptionError();
      }
      return plain(plaintext);
    },
  };
}

/**
 * The same operations on the native addon: the thread's context keeps the
 * key schedule between chunks of a message, so a chunk costs no cipher
 * object, no key setup and no separate tag buffer: one allocation.
 *
 * Sealed chunks go out as ciphertext then tag (two views of that buffer), as
 * the node:crypto path emits them. Measured on a 1 GiB seal->open stream:
 * V8 runs its young-generation GC on JavaScript allocation and dead
 * ArrayBuffers pile up in between, so fewer, larger pieces raise the peak
 * RSS: one 64 KiB piece per four chunks 160 MB, one piece per chunk 103 MB,
 * two views per chunk 97 MB (node:crypto alone: 91 MB, at half the speed).
 */
export function makeNativeChunkAead(
  gcm: NativeGcm,
  allocate: (length: number) => Uint8Array,
  aeadKey: Uint8Array,
  baseNonce: Uint8Array,
): SyncChunkAead {
  return {
    sealInto: (counter, plaintext, out, offset) =>
      gcm.seal(aeadKey, baseNonce, counter, plaintext, out, offset),
    sealTo(counter, plaintext, emit) {
      const sealed = allocate(plaintext.length + TAG_SIZE);
      gcm.seal(aeadKey, baseNonce, counter, plaintext, sealed, 0);
      emit(sealed.subarray(0, plaintext.length));
      emit(sealed.subarray(plaintext.length));
    },
    open(counter, sealed) {
      if (sealed.length < TAG_SIZE || sealed.length > SEALED_CHUNK_SIZE) {
        throw new DecryptionError();
      }
      const plaintext = allocate(sealed.length - TAG_SIZE);
      // The addon wipes a chunk that fails; it is never returned.
      if (gcm.open(aeadKey, baseNonce, counter, sealed, plaintext, 0) !== 1) {
        throw new DecryptionError();
      }
      return plaintext;
    },
  };
}

function makeNodeBackend(
  nc: typeof NodeCrypto,
  allocUnsafe: (size: number) => Uint8Array,
): CobblestoneBackend {
  const hkdfExpand = makeNodeHkdfExpandSha512(nc) ?? hmacHkdfExpand(nc);
  const sync: SyncCobblestoneBackend = {
    hkdfExpandSha512(prk, info, length) {
      const gcm = nativeGcm();
      if (!gcm) return hkdfExpand(prk, info, length);
      const okm = new Uint8Array(length);
      gcm.hkdfExpandSha512(prk, info, okm);
      return okm;
    },
    chunkAead(aeadKey, baseNonce) {
      const gcm = nativeGcm();
      return gcm
        ? makeNativeChunkAead(gcm, sync.allocate, aeadKey, baseNonce)
        : makeChunkAead(nc, aeadKey, baseNonce);
    },
    allocate: (length) => plain(allocUnsafe(length)),
  };
  return {
    name: 'node',
    // Synchronous calls: nothing to overlap.
    concurrency: 1,
    sync,
    async hkdfExpandSha512(prk, info, length) {
      return sync.hkdfExpandSha512(prk, info, length);
    },
    async chunkAead(aeadKey, baseNonce) {
      const aead = sync.chunkAead(aeadKey, baseNonce);
      return {
        seal(counter, plaintext) {
          const sealed = sync.allocate(plaintext.length + TAG_SIZE);
          aead.sealInto(counter, plaintext, sealed, 0);
          return sealed;
        },
        open: (counter, sealed) => aead.open(counter, sealed),
      };
    },
  };
}

/** The node:crypto backend, or undefined outside Node (>= 22.3). */
export const nodeBackend: CobblestoneBackend | undefined =
  nodeCrypto && nodeBuffer
    ? makeNodeBackend(nodeCrypto, (size) => nodeBuffer.Buffer.allocUnsafeSlow(size))
    : undefined;
