// Account key derivation: composition per SPEC.md section 14, NFC, parameter bounds.
// Argon2id at the floor costs ~0.6 s, so this file derives only three times.
import { argon2id as referenceArgon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.ts';
import { EnvelopeFormatError } from '../src/errors.ts';
import {
  DEFAULT_KDF_PARAMS,
  deriveAccountKeys,
  generateAccountSalt,
  normalizePassphrase,
} from '../src/keys/account.ts';
import { ed25519PublicKey } from '../src/primitives/ed25519.ts';

const salt = fromHex('000102030405060708090a0b0c0d0e0f');
const composed = 'Caf\u00e9 correct horse';
const decomposed = 'Cafe\u0301 correct horse';

// Frozen output of deriveAccountKeys(composed, salt, DEFAULT_KDF_PARAMS). If
// this changes, every existing account is locked out: it needs a new version.
const GOLDEN = {
  loginSeed: '6830ea4d43dcac0ab565ef96e18fec2c31808d16d8b722c369a785a63b7b285b',
  loginPublicKey: 'e9fd4a88f2c5d5bd9a0a7a747e31db88672147779d310e3c46a18b249f36e3ed',
  masterKey: 'a49fb32c1d9a93823a7a14f6bac87d134e95484953ec5da15b12099e0708edac',
};

async function webCryptoHkdf(ikm: Uint8Array, label: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(ikm), 'HKDF', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(0),
      info: new TextEncoder().encode(label),
    },
    key,
    256,
  );
  return toHex(new Uint8Array(bits));
}

describe('deriveAccountKeys', () => {
  it('defaults to the floor: 64 MiB, t=3, p=1', () => {
    expect(DEFAULT_KDF_PARAMS).toEqual({ memoryKiB: 65_536, iterations: 3, parallelism: 1 });
  });

  it('is Argon2id then HKDF-SHA-256 with the two labels, and matches the frozen value', async () => {
    const keys = await deriveAccountKeys(composed, salt, DEFAULT_KDF_PARAMS);
    const ikm = await referenceArgon2id({
      password: new TextEncoder().encode(composed.normalize('NFC')),
      salt,
      iterations: 3,
      parallelism: 1,
      memorySize: 65_536,
      hashLength: 32,
      outputType: 'binary',
    });
    expect(toHex(keys.loginSeed)).toBe(await webCryptoHkdf(ikm, 'coffer/v1/login-seed'));
    expect(toHex(keys.masterKey)).toBe(await webCryptoHkdf(ikm, 'coffer/v1/master-key'));
    expect(toHex(keys.loginPublicKey)).toBe(toHex(await ed25519PublicKey(keys.loginSeed)));
    expect(toHex(keys.loginSeed)).not.toBe(toHex(keys.masterKey));
    expect({
      loginSeed: toHex(keys.loginSeed),
      loginPublicKey: toHex(keys.loginPublicKey),
      masterKey: toHex(keys.masterKey),
    }).toEqual(GOLDEN);
  });

  it('normalises the passphrase to NFC: decomposed accents give the same keys', async () => {
    expect(toHex(normalizePassphrase(decomposed))).toBe(toHex(normalizePassphrase(composed)));
    const keys = await deriveAccountKeys(decomposed, salt, DEFAULT_KDF_PARAMS);
    expect(toHex(keys.masterKey)).toBe(GOLDEN.masterKey);
  });

  it.each([
    { memoryKiB: 32_768, iterations: 3, parallelism: 1 },
    { memoryKiB: 65_536, iterations: 2, parallelism: 1 },
    { memoryKiB: 2_097_152, iterations: 3, parallelism: 1 },
    { memoryKiB: 65_536, iterations: 3, parallelism: 8 },
  ])('refuses %o before deriving', async (params) => {
    await expect(deriveAccountKeys(composed, salt, params)).rejects.toMatchObject({
      code: 'kdf_params_out_of_range',
    });
  });

  it('refuses a salt that is not 16 bytes and an empty passphrase', async () => {
    await expect(
      deriveAccountKeys(composed, new Uint8Array(15), DEFAULT_KDF_PARAMS),
    ).rejects.toBeInstanceOf(EnvelopeFormatError);
    await expect(deriveAccountKeys('', salt, DEFAULT_KDF_PARAMS)).rejects.toMatchObject({
      code: 'bad_argument',
    });
  });
});

describe('generateAccountSalt', () => {
  it('returns 16 fresh random bytes', () => {
    const a = generateAccountSalt();
    const b = generateAccountSalt();
    expect(a.length).toBe(16);
    expect(toHex(a)).not.toBe(toHex(b));
  });
});
