import { DecryptionError } from '../errors.ts';
import { hkdfExpandSha512 } from '../primitives/hkdf-expand.ts';
import type { CobblestoneBackend } from './backend.ts';
import { TAG_SIZE } from './constants.ts';
import { chunkNonces } from './nonce.ts';

/**
 * `bytes` as a WebCrypto BufferSource. WebCrypto copies its input when called
 * (so later reuse of the caller's or our staging buffer is harmless) but
 * refuses views of a SharedArrayBuffer: only those are copied here. A copy per
 * 16 KiB chunk was a fifth of the main thread's time in Chromium.
 */
function source(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

/**
 * WebCrypto (browsers, and Node when forced). Each call costs tens of
 * microseconds of scheduling, so callers keep several chunks in flight.
 */
export const webCryptoBackend: CobblestoneBackend = {
  name: 'webcrypto',
  concurrency: 8,
  hkdfExpandSha512,
  async chunkAead(aeadKey, baseNonce) {
    const key = await crypto.subtle.importKey('raw', new Uint8Array(aeadKey), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    // One nonce buffer for every chunk: encrypt and decrypt copy it when called.
    const nonceFor = chunkNonces(baseNonce);
    return {
      async seal(counter, plaintext) {
        const params = { name: 'AES-GCM', iv: nonceFor(counter), tagLength: 128 };
        return new Uint8Array(await crypto.subtle.encrypt(params, key, source(plaintext)));
      },
      async open(counter, sealed) {
        if (sealed.length < TAG_SIZE) throw new DecryptionError();
        const params = { name: 'AES-GCM', iv: nonceFor(counter), tagLength: 128 };
        try {
          return new Uint8Array(await crypto.subtle.decrypt(params, key, source(sealed)));
        } catch {
          throw new DecryptionError();
        }
      },
    };
  },
};
