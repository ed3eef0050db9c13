import { ownedCopy } from '../bytes.ts';
import { DecryptionError } from '../errors.ts';

/** AES-256-GCM with a 96-bit nonce and a 128-bit tag, the only shape Coffer uses. */
export const AES_256_GCM = { keySize: 32, nonceSize: 12, tagSize: 16 } as const;

function checkShape(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== AES_256_GCM.keySize) throw new RangeError('AES-256-GCM key must be 32 bytes');
  if (nonce.length !== AES_256_GCM.nonceSize) {
    throw new RangeError('AES-256-GCM nonce must be 12 bytes');
  }
}

function importKey(key: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', ownedCopy(key), 'AES-GCM', false, [usage]);
}

/**
 * AES-256-GCM encryption through WebCrypto: returns ciphertext ‖ tag(16).
 *
 * @example
 * const sealed = await aes256GcmEncrypt(key, nonce, plaintext, aad);
 */
export async function aes256GcmEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  checkShape(key, nonce);
  const cryptoKey = await importKey(key, 'encrypt');
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: ownedCopy(nonce), additionalData: ownedCopy(aad), tagLength: 128 },
    cryptoKey,
    ownedCopy(plaintext),
  );
  return new Uint8Array(sealed);
}

/**
 * AES-256-GCM decryption of ciphertext ‖ tag(16) through WebCrypto. Any
 * authentication failure is a {@link DecryptionError}.
 *
 * @example
 * const plaintext = await aes256GcmDecrypt(key, nonce, sealed, aad);
 */
export async function aes256GcmDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  checkShape(key, nonce);
  if (sealed.length < AES_256_GCM.tagSize) throw new DecryptionError();
  const cryptoKey = await importKey(key, 'decrypt');
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: ownedCopy(nonce), additionalData: ownedCopy(aad), tagLength: 128 },
      cryptoKey,
      ownedCopy(sealed),
    );
    return new Uint8Array(plain);
  } catch {
    throw new DecryptionError();
  }
}
