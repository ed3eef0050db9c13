import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { ownedCopy } from '../bytes.ts';
import { importX25519PrivateKey } from './x25519.ts';

// RFC 9180 base mode: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

/** Single-shot HPKE seal to a recipient's raw X25519 public key: returns enc(32) and ct. */
export async function hpkeSeal(
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<{ enc: Uint8Array; ciphertext: Uint8Array }> {
  const recipientKey = await suite.kem.deserializePublicKey(ownedCopy(recipientPublicKey).buffer);
  const sender = await suite.createSenderContext({
    recipientPublicKey: recipientKey,
    info: ownedCopy(info).buffer,
  });
  const ciphertext = new Uint8Array(
    await sender.seal(ownedCopy(plaintext).buffer, ownedCopy(aad).buffer),
  );
  return { enc: new Uint8Array(sender.enc), ciphertext };
}

/** Single-shot HPKE open with a raw X25519 private key. Throws on any failure. */
export async function hpkeOpen(
  recipientPrivateKey: Uint8Array,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const privateKey = await importX25519PrivateKey(recipientPrivateKey);
  const publicKey = await suite.kem.deserializePublicKey(
    ownedCopy(await derivePublic(recipientPrivateKey)).buffer,
  );
  const recipient = await suite.createRecipientContext({
    recipientKey: { privateKey, publicKey },
    enc: ownedCopy(enc).buffer,
    info: ownedCopy(info).buffer,
  });
  return new Uint8Array(await recipient.open(ownedCopy(ciphertext).buffer, ownedCopy(aad).buffer));
}

async function derivePublic(privateKey: Uint8Array): Promise<Uint8Array> {
  const { x25519PublicKey } = await import('./x25519.ts');
  return x25519PublicKey(privateKey);
}
