// Parameter bounds of the primitives: refused before any work is done.
import { describe, expect, it } from 'vitest';
import { EnvelopeFormatError } from '../src/errors.ts';
import { aes256GcmEncrypt } from '../src/primitives/aes-gcm.ts';
import {
  ARGON2ID_CEILING,
  ARGON2ID_FLOOR,
  assertArgon2idParams,
} from '../src/primitives/argon2id.ts';
import { ed25519Verify } from '../src/primitives/ed25519.ts';
import { hkdfSha256 } from '../src/primitives/hkdf-sha256.ts';
import { sha256, sha512 } from '../src/primitives/sha.ts';
import { x25519 } from '../src/primitives/x25519.ts';
import { isLowOrderX25519PublicKey } from '../src/primitives/x25519-low-order.ts';

describe('assertArgon2idParams', () => {
  it('accepts the floor, the ceiling and values between', () => {
    expect(() => assertArgon2idParams(ARGON2ID_FLOOR)).not.toThrow();
    expect(() => assertArgon2idParams(ARGON2ID_CEILING)).not.toThrow();
    expect(() =>
      assertArgon2idParams({ memoryKiB: 262_144, iterations: 4, parallelism: 2 }),
    ).not.toThrow();
  });

  it.each([
    { memoryKiB: 65_535, iterations: 3, parallelism: 1 },
    { memoryKiB: 1_048_577, iterations: 3, parallelism: 1 },
    { memoryKiB: 65_536, iterations: 2, parallelism: 1 },
    { memoryKiB: 65_536, iterations: 11, parallelism: 1 },
    { memoryKiB: 65_536, iterations: 3, parallelism: 0 },
    { memoryKiB: 65_536, iterations: 3, parallelism: 5 },
    { memoryKiB: 65_536.5, iterations: 3, parallelism: 1 },
    { memoryKiB: Number.NaN, iterations: 3, parallelism: 1 },
  ])('refuses %o with kdf_params_out_of_range', (params) => {
    try {
      assertArgon2idParams(params);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvelopeFormatError);
      expect((error as EnvelopeFormatError).code).toBe('kdf_params_out_of_range');
    }
  });
});

describe('primitive input checks', () => {
  it('HKDF-SHA-256 refuses lengths outside 1..8160', async () => {
    const none = new Uint8Array(0);
    await expect(hkdfSha256(none, none, none, 0)).rejects.toThrow(RangeError);
    await expect(hkdfSha256(none, none, none, 8161)).rejects.toThrow(RangeError);
    expect((await hkdfSha256(none, none, none, 8160)).length).toBe(8160);
  });

  it('AES-256-GCM refuses 16-byte keys', async () => {
    const none = new Uint8Array(0);
    await expect(
      aes256GcmEncrypt(new Uint8Array(16), new Uint8Array(12), none, none),
    ).rejects.toThrow(RangeError);
  });

  it('X25519 refuses wrong lengths; the low-order check is false for them', async () => {
    await expect(x25519(new Uint8Array(32), new Uint8Array(31))).rejects.toThrow(RangeError);
    await expect(x25519(new Uint8Array(31), new Uint8Array(32).fill(9))).rejects.toThrow(
      RangeError,
    );
    expect(isLowOrderX25519PublicKey(new Uint8Array(31))).toBe(false);
  });

  it('Ed25519 verify is false, never a throw, on malformed input', async () => {
    expect(await ed25519Verify(new Uint8Array(31), new Uint8Array(0), new Uint8Array(64))).toBe(
      false,
    );
    expect(await ed25519Verify(new Uint8Array(32), new Uint8Array(0), new Uint8Array(63))).toBe(
      false,
    );
  });

  it('SHA-256 and SHA-512 of "abc" (FIPS 180-2 examples)', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(Buffer.from(await sha256(abc)).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(
      Buffer.from(await sha512(abc))
        .toString('hex')
        .slice(0, 32),
    ).toBe('ddaf35a193617abacc417349ae204131');
  });
});
