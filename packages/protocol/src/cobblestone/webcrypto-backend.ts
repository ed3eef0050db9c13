import { DecryptionError } from '../errors.ts';
import { hkdfExpandSha512 } from '../primitives/hkdf-expand.ts';
import type { CobblestoneBackend } from './backend.ts';
import { TAG_SIZE } from './constants.ts';
import { chunkNonce } from './nonce.ts';

// WebCrypto needs views over a whole, non-shared ArrayBuffer; copying also
// makes later reuse of the caller's (or our staging) buffer harmless.
function owned(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
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
    const key = await crypto.subtle.importKey('raw', owned(aeadKey), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    return {
      async seal(counter, plaintext) {
        const params = { name: 'AES-GCM', iv: chunkNonce(baseNonce, counter), tagLength: 128 };
        return new Uint8Array(await crypto.subtle.encrypt(params, key, owned(plaintext)));
      },
      async open(counter, sealed) {
        if (sealed.length < TAG_SIZE) throw new DecryptionError();
        const params = { name: 'AES-GCM', iv: chunkNonce(baseNonce, counter), tagLength: 128 };
        try {
          return new Uint8Array(await crypto.subtle.decrypt(params, key, owned(sealed)));
        } catch {
          throw new DecryptionError();
        }
      },
    };
  },
};
