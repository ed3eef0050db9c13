import type * as NodeBuffer from 'node:buffer';
import type * as NodeCrypto from 'node:crypto';
import { DecryptionError } from '../errors.ts';
import type { CobblestoneBackend } from './backend.ts';
import { SEALED_CHUNK_SIZE, TAG_SIZE } from './constants.ts';
import { chunkNonce } from './nonce.ts';

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

const SLAB_CHUNKS = 4;

// Node Buffers become plain Uint8Array views (same memory) so callers see one type.
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function makeNodeBackend(
  nc: typeof NodeCrypto,
  allocUnsafe: (size: number) => Uint8Array,
): CobblestoneBackend {
  return {
    name: 'node',
    // Synchronous calls: nothing to overlap.
    concurrency: 1,
    async hkdfExpandSha512(prk, info, length) {
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
    },
    async chunkAead(aeadKey, baseNonce) {
      const key = nc.createSecretKey(aeadKey);
      // Full sealed chunks are carved out of shared slabs: one allocation per
      // SLAB_CHUNKS chunks instead of one each (allocation dominates the copy).
      let slab: Uint8Array = new Uint8Array(0);
      let used = 0;
      const output = (length: number): Uint8Array => {
        if (length < SEALED_CHUNK_SIZE) return new Uint8Array(length);
        if (slab.length - used < length) {
          // Not zeroed: every carved chunk is fully overwritten (body ‖ tag) before use.
          slab = plain(allocUnsafe(SLAB_CHUNKS * SEALED_CHUNK_SIZE));
          used = 0;
        }
        used += length;
        return slab.subarray(used - length, used);
      };
      return {
        seal(counter, plaintext) {
          const cipher = nc.createCipheriv('aes-256-gcm', key, chunkNonce(baseNonce, counter), {
            authTagLength: TAG_SIZE,
          });
          const body = cipher.update(plaintext);
          cipher.final();
          const sealed = output(body.length + TAG_SIZE);
          sealed.set(body);
          sealed.set(cipher.getAuthTag(), body.length);
          return sealed;
        },
        open(counter, sealed) {
          if (sealed.length < TAG_SIZE) throw new DecryptionError();
          const bodyLength = sealed.length - TAG_SIZE;
          const decipher = nc.createDecipheriv('aes-256-gcm', key, chunkNonce(baseNonce, counter), {
            authTagLength: TAG_SIZE,
          });
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
    },
  };
}

/** The node:crypto backend, or undefined outside Node (>= 22.3). */
export const nodeBackend: CobblestoneBackend | undefined =
  nodeCrypto && nodeBuffer
    ? makeNodeBackend(nodeCrypto, (size) => nodeBuffer.Buffer.allocUnsafeSlow(size))
    : undefined;
