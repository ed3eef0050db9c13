// HPKE: RFC 9180 A.1.1 known answers, Coffer's AES-256-GCM suite predicted by an
// independent key schedule, round trips, and every rejection path.
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, utf8 } from '../src/bytes.ts';
import { DecryptionError } from '../src/errors.ts';
import { aes256GcmEncrypt } from '../src/primitives/aes-gcm.ts';
import {
  HPKE_SUITE_IDS,
  hpkeOpen,
  hpkeSeal,
  hpkeSealWithEphemeralIkm,
} from '../src/primitives/hpke.ts';
import { generateX25519KeyPair, x25519, x25519PublicKey } from '../src/primitives/x25519.ts';
import {
  baseKeySchedule,
  deriveX25519PrivateKey,
  kemSharedSecret,
  suiteId,
} from './hpke-reference.ts';
import a11 from './vectors/rfc/rfc9180_a1_1.json' with { type: 'json' };

const info = fromHex(a11.info);
const first = a11.encryptions[0]!;

async function aes128Gcm(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array) {
  const k = await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-GCM', false, [
    'encrypt',
  ]);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: new Uint8Array(nonce), additionalData: new Uint8Array(aad) },
    k,
    new Uint8Array(pt),
  );
  return new Uint8Array(ct);
}

describe('RFC 9180 A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM)', () => {
  it('the reference key schedule reproduces every published value', async () => {
    const skE = await deriveX25519PrivateKey(fromHex(a11.ikmE));
    const skR = await deriveX25519PrivateKey(fromHex(a11.ikmR));
    expect(toHex(skE)).toBe(a11.skEm);
    expect(toHex(skR)).toBe(a11.skRm);
    expect(toHex(await x25519PublicKey(skE))).toBe(a11.pkEm);
    expect(toHex(await x25519PublicKey(skR))).toBe(a11.pkRm);

    const dh = await x25519(skE, fromHex(a11.pkRm));
    const shared = await kemSharedSecret(dh, concatBytes(fromHex(a11.enc), fromHex(a11.pkRm)));
    expect(toHex(shared)).toBe(a11.shared_secret);

    const ks = await baseKeySchedule(suiteId(0x20, 1, 1), shared, info, 16);
    expect(toHex(ks.context)).toBe(a11.key_schedule_context);
    expect(toHex(ks.secret)).toBe(a11.secret);
    expect(toHex(ks.key)).toBe(a11.key);
    expect(toHex(ks.baseNonce)).toBe(a11.base_nonce);
    expect(toHex(ks.exporterSecret)).toBe(a11.exporter_secret);
    for (const e of a11.encryptions) {
      const nonce = ks.baseNonce.slice();
      nonce[11]! ^= e.sequence_number;
      expect(toHex(nonce)).toBe(e.nonce);
      const ct = await aes128Gcm(ks.key, nonce, fromHex(e.aad), fromHex(e.pt));
      expect(toHex(ct)).toBe(e.ct);
    }
  });

  it('@hpke/core encapsulates deterministically to the published enc and ciphertext', async () => {
    const suite = new CipherSuite({
      kem: new DhkemX25519HkdfSha256(),
      kdf: new HkdfSha256(),
      aead: new Aes128Gcm(),
    });
    const recipient = await suite.kem.deserializePublicKey(fromHex(a11.pkRm));
    const sender = await suite.createSenderContext({
      recipientPublicKey: recipient,
      info,
      ekm: fromHex(a11.ikmE),
    });
    expect(toHex(new Uint8Array(sender.enc))).toBe(a11.enc);
    const ct = await sender.seal(fromHex(first.pt), fromHex(first.aad));
    expect(toHex(new Uint8Array(ct))).toBe(first.ct);
  });
});

describe("Coffer's suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM", () => {
  it('has the RFC 9180 identifiers 0x0020 / 0x0001 / 0x0002', () => {
    expect(HPKE_SUITE_IDS).toEqual({ kem: 0x0020, kdf: 0x0001, aead: 0x0002 });
  });

  it('hpkeSeal with the RFC ephemeral key matches the reference byte for byte', async () => {
    const pt = fromHex(first.pt);
    const aad = fromHex(first.aad);
    const sealed = await hpkeSealWithEphemeralIkm(
      fromHex(a11.ikmE),
      fromHex(a11.pkRm),
      info,
      aad,
      pt,
    );
    expect(toHex(sealed.enc)).toBe(a11.enc);

    // Same KEM output as A.1.1; only the suite id (aead 0x0002) and Nk=32 change.
    const ks = await baseKeySchedule(suiteId(0x20, 1, 2), fromHex(a11.shared_secret), info, 32);
    expect(toHex(sealed.ciphertext)).toBe(
      toHex(await aes256GcmEncrypt(ks.key, ks.baseNonce, pt, aad)),
    );
    expect(toHex(sealed.ciphertext)).not.toBe(first.ct);

    expect(toHex(await hpkeOpen(fromHex(a11.skRm), sealed.enc, info, aad, sealed.ciphertext))).toBe(
      first.pt,
    );
  });

  it('round trips a 32-byte key: enc 32 bytes, ciphertext 48 bytes', async () => {
    const recipient = await generateX25519KeyPair();
    const dek = crypto.getRandomValues(new Uint8Array(32));
    const hpkeInfo = utf8('coffer/v1/hpke');
    const aad = utf8('wrap context');
    const { enc, ciphertext } = await hpkeSeal(recipient.publicKey, hpkeInfo, aad, dek);
    expect(enc.length).toBe(32);
    expect(ciphertext.length).toBe(48);
    expect(await hpkeOpen(recipient.privateKey, enc, hpkeInfo, aad, ciphertext)).toEqual(dek);
    // A fresh ephemeral key every time.
    const again = await hpkeSeal(recipient.publicKey, hpkeInfo, aad, dek);
    expect(toHex(again.enc)).not.toBe(toHex(enc));
  });

  it('every tampering or mismatch is the same DecryptionError', async () => {
    const recipient = await generateX25519KeyPair();
    const other = await generateX25519KeyPair();
    const hpkeInfo = utf8('coffer/v1/hpke');
    const aad = utf8('aad');
    const { enc, ciphertext } = await hpkeSeal(recipient.publicKey, hpkeInfo, aad, utf8('dek'));
    const flip = (bytes: Uint8Array, i: number) => {
      const copy = bytes.slice();
      copy[i]! ^= 0x01;
      return copy;
    };
    const attempts: Array<() => Promise<Uint8Array>> = [
      () => hpkeOpen(other.privateKey, enc, hpkeInfo, aad, ciphertext),
      () => hpkeOpen(recipient.privateKey, enc, utf8('coffer/v1/hpkf'), aad, ciphertext),
      () => hpkeOpen(recipient.privateKey, enc, hpkeInfo, utf8('aae'), ciphertext),
      () => hpkeOpen(recipient.privateKey, flip(enc, 0), hpkeInfo, aad, ciphertext),
      () => hpkeOpen(recipient.privateKey, enc, hpkeInfo, aad, flip(ciphertext, 0)),
      () =>
        hpkeOpen(recipient.privateKey, enc, hpkeInfo, aad, flip(ciphertext, ciphertext.length - 1)),
      () => hpkeOpen(recipient.privateKey, enc.slice(0, 31), hpkeInfo, aad, ciphertext),
      () => hpkeOpen(recipient.privateKey, enc, hpkeInfo, aad, ciphertext.slice(0, -1)),
      () => hpkeOpen(recipient.privateKey, enc, hpkeInfo, aad, new Uint8Array(0)),
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toBeInstanceOf(DecryptionError);
    }
  });

  // libsodium's low-order list, each also with the ignored top bit set.
  const lowOrder = [
    '00'.repeat(32),
    `01${'00'.repeat(31)}`,
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
    `ec${'ff'.repeat(30)}7f`,
    `ed${'ff'.repeat(30)}7f`,
    `ee${'ff'.repeat(30)}7f`,
  ].flatMap((hex) => {
    const key = fromHex(hex);
    const high = key.slice();
    high[31]! |= 0x80;
    return [key, high];
  });

  it('refuses to seal to a low-order recipient public key', async () => {
    for (const key of lowOrder) {
      await expect(hpkeSeal(key, utf8('i'), utf8('a'), utf8('p'))).rejects.toThrow(RangeError);
    }
    await expect(hpkeSeal(new Uint8Array(31), utf8('i'), utf8('a'), utf8('p'))).rejects.toThrow(
      RangeError,
    );
  });

  it('refuses a low-order ephemeral key (enc) with DecryptionError', async () => {
    const recipient = await generateX25519KeyPair();
    for (const enc of lowOrder) {
      await expect(
        hpkeOpen(recipient.privateKey, enc, utf8('i'), utf8('a'), new Uint8Array(48)),
      ).rejects.toBeInstanceOf(DecryptionError);
    }
  });
});
