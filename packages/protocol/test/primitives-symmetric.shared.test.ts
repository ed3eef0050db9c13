// Wycheproof vectors for the symmetric primitives, looped through one test per
// file: valid cases must work both ways, every invalid case must be refused.
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, fromHex, toHex } from '../src/bytes.ts';
import { DecryptionError } from '../src/errors.ts';
import { aes256GcmDecrypt, aes256GcmEncrypt } from '../src/primitives/aes-gcm.ts';
import { HKDF_SHA256_MAX_LENGTH, hkdfSha256 } from '../src/primitives/hkdf-sha256.ts';
import { hmacSha512, hmacSha512Verify } from '../src/primitives/hmac.ts';
import aesGcm from './vectors/wycheproof/aes_gcm_test.json' with { type: 'json' };
import hkdf from './vectors/wycheproof/hkdf_sha256_test.json' with { type: 'json' };
import hmac from './vectors/wycheproof/hmac_sha512_test.json' with { type: 'json' };

interface AeadCase {
  tcId: number;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: string;
}

describe('AES-256-GCM (Wycheproof, WebCrypto)', () => {
  const groups = aesGcm.testGroups.filter((g) => g.keySize === 256 && g.tagSize === 128);
  const cases = groups.filter((g) => g.ivSize === 96).flatMap((g) => g.tests as AeadCase[]);

  it('checks every 96-bit-nonce case both ways', async () => {
    expect(cases.length).toBe(66);
    const failures: number[] = [];
    let valid = 0;
    let invalid = 0;
    for (const t of cases) {
      const [key, iv, aad, msg] = [fromHex(t.key), fromHex(t.iv), fromHex(t.aad), fromHex(t.msg)];
      const sealed = fromHex(t.ct + t.tag);
      if (t.result === 'valid') {
        valid++;
        const encrypted = await aes256GcmEncrypt(key, iv, msg, aad);
        const decrypted = await aes256GcmDecrypt(key, iv, sealed, aad);
        if (toHex(encrypted) !== toHex(sealed) || toHex(decrypted) !== t.msg) failures.push(t.tcId);
      } else {
        invalid++;
        const error = await aes256GcmDecrypt(key, iv, sealed, aad).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (!(error instanceof DecryptionError)) failures.push(t.tcId);
      }
    }
    expect(failures).toEqual([]);
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });

  it('refuses every nonce length other than 96 bits', async () => {
    const others = groups.filter((g) => g.ivSize !== 96).flatMap((g) => g.tests as AeadCase[]);
    expect(others.length).toBeGreaterThan(10);
    for (const t of others) {
      await expect(
        aes256GcmDecrypt(fromHex(t.key), fromHex(t.iv), fromHex(t.ct + t.tag), fromHex(t.aad)),
      ).rejects.toThrow(RangeError);
    }
  });
});

describe('HMAC-SHA-512 (Wycheproof, WebCrypto)', () => {
  it('computes every valid tag and rejects every invalid one', async () => {
    const failures: number[] = [];
    let count = 0;
    for (const group of hmac.testGroups) {
      const tagBytes = group.tagSize / 8;
      for (const t of group.tests) {
        count++;
        const [key, msg, tag] = [fromHex(t.key), fromHex(t.msg), fromHex(t.tag)];
        const full = await hmacSha512(key, msg);
        const matches = constantTimeEqual(full.slice(0, tagBytes), tag);
        // Full-length tags also go through WebCrypto's own verify.
        const verified = tagBytes === 64 ? await hmacSha512Verify(key, msg, tag) : matches;
        const expected = t.result === 'valid';
        if (matches !== expected || verified !== expected) failures.push(t.tcId);
      }
    }
    expect(count).toBe(hmac.numberOfTests);
    expect(failures).toEqual([]);
  });
});

describe('HKDF-SHA-256 (Wycheproof, WebCrypto HKDF)', () => {
  it('derives every valid output and refuses every invalid size', async () => {
    const failures: number[] = [];
    let count = 0;
    for (const group of hkdf.testGroups) {
      for (const t of group.tests) {
        count++;
        const args = [fromHex(t.ikm), fromHex(t.salt), fromHex(t.info), t.size] as const;
        if (t.result === 'valid') {
          if (toHex(await hkdfSha256(...args)) !== t.okm) failures.push(t.tcId);
        } else {
          expect(t.size).toBeGreaterThan(HKDF_SHA256_MAX_LENGTH);
          const threw = await hkdfSha256(...args).then(
            () => false,
            () => true,
          );
          if (!threw) failures.push(t.tcId);
        }
      }
    }
    expect(count).toBe(hkdf.numberOfTests);
    expect(failures).toEqual([]);
  });
});
