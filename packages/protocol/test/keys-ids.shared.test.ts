// Key ids, fingerprints and vault keys: layouts per SPEC.md section 14, recomputed here
// from raw WebCrypto, plus frozen values.
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, u16be, utf8 } from '../src/bytes.ts';
import { fingerprint, fingerprintsEqual } from '../src/keys/fingerprint.ts';
import { kidForPublicKey, kidForSymmetricKey } from '../src/keys/kid.ts';
import { generateVaultKey } from '../src/keys/vault-key.ts';

const pk = fromHex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
const edPk = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
const key = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

async function digest(hash: 'SHA-256' | 'SHA-512', data: Uint8Array) {
  return new Uint8Array(await crypto.subtle.digest(hash, new Uint8Array(data)));
}

describe('kidForPublicKey', () => {
  it('is SHA-256(label ‖ 0x00 ‖ key)[0..16], with the kind in the label', async () => {
    for (const kind of ['x25519', 'ed25519'] as const) {
      const expected = await digest(
        'SHA-256',
        concatBytes(utf8(`coffer/v1/kid/${kind}`), new Uint8Array([0]), pk),
      );
      expect(toHex(await kidForPublicKey(kind, pk))).toBe(toHex(expected.slice(0, 16)));
    }
    expect(toHex(await kidForPublicKey('x25519', pk))).not.toBe(
      toHex(await kidForPublicKey('ed25519', pk)),
    );
  });

  it('refuses a key that is not 32 bytes', async () => {
    await expect(kidForPublicKey('x25519', pk.slice(1))).rejects.toMatchObject({
      code: 'bad_argument',
    });
  });
});

describe('kidForSymmetricKey', () => {
  it('is HKDF-SHA-256(key, "", "coffer/v1/kid/symmetric", 16) and does not contain the key', async () => {
    const ikm = await crypto.subtle.importKey('raw', new Uint8Array(key), 'HKDF', false, [
      'deriveBits',
    ]);
    const bits = await crypto.subtle.deriveBits(
      {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: new Uint8Array(0),
        info: new Uint8Array(utf8('coffer/v1/kid/symmetric')),
      },
      ikm,
      128,
    );
    const kid = await kidForSymmetricKey(key);
    expect(toHex(kid)).toBe(toHex(new Uint8Array(bits)));
    expect(toHex(key)).not.toContain(toHex(kid).slice(0, 8));
    await expect(kidForSymmetricKey(key.slice(1))).rejects.toMatchObject({ code: 'bad_argument' });
  });
});

describe('fingerprint', () => {
  const input = { accountId: 'alice', x25519PublicKey: pk, ed25519PublicKey: edPk };

  it('is 12 groups of 5 digits from SHA-512, recomputed with BigInt', async () => {
    const id = utf8('alice');
    const h = await digest(
      'SHA-512',
      concatBytes(
        utf8('coffer/v1/fingerprint'),
        new Uint8Array([0]),
        u16be(id.length),
        id,
        pk,
        edPk,
      ),
    );
    const groups = Array.from({ length: 12 }, (_, g) =>
      (BigInt(`0x${toHex(h.slice(g * 5, g * 5 + 5))}`) % 100000n).toString().padStart(5, '0'),
    );
    const text = await fingerprint(input);
    expect(text).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(text).toBe(groups.join(' '));
  });

  it('changes with every input (keys and the account they belong to)', async () => {
    const base = await fingerprint(input);
    const flipped = pk.slice();
    flipped[0]! ^= 1;
    const variants = await Promise.all([
      fingerprint({ ...input, accountId: 'alicf' }),
      fingerprint({ ...input, x25519PublicKey: flipped }),
      fingerprint({ ...input, ed25519PublicKey: pk }),
      fingerprint({ ...input, x25519PublicKey: edPk, ed25519PublicKey: pk }),
    ]);
    for (const v of variants) expect(fingerprintsEqual(v, base)).toBe(false);
  });

  it('compares ignoring whitespace; malformed strings never match', async () => {
    const text = await fingerprint(input);
    expect(fingerprintsEqual(text, text.replace(/ /g, ''))).toBe(true);
    expect(fingerprintsEqual(text, text.replace(/ /g, '\n'))).toBe(true);
    expect(fingerprintsEqual(text, text.slice(0, -1))).toBe(false);
    expect(fingerprintsEqual(`${text.slice(0, -1)}x`, `${text.slice(0, -1)}x`)).toBe(false);
    expect(fingerprintsEqual('', '')).toBe(false);
    const last = text.at(-1) === '0' ? '1' : '0';
    expect(fingerprintsEqual(text, text.slice(0, -1) + last)).toBe(false);
  });

  it('refuses an empty accountId and short keys', async () => {
    await expect(fingerprint({ ...input, accountId: '' })).rejects.toMatchObject({
      code: 'bad_argument',
    });
    await expect(fingerprint({ ...input, x25519PublicKey: pk.slice(1) })).rejects.toMatchObject({
      code: 'bad_argument',
    });
  });
});

describe('frozen values (SPEC.md section 14, worked example)', () => {
  it('kids and fingerprint of the RFC 7748 / RFC 8032 example keys', async () => {
    expect(toHex(await kidForPublicKey('x25519', pk))).toBe('575b335a79355693f8dfe4d8d48ca5bb');
    expect(toHex(await kidForPublicKey('ed25519', edPk))).toBe('6fca2e279f3526dfcd012ae16773e5fb');
    expect(toHex(await kidForSymmetricKey(key))).toBe('96cae35a977d8d838bfd221be6a1edda');
    expect(
      await fingerprint({ accountId: 'alice', x25519PublicKey: pk, ed25519PublicKey: edPk }),
    ).toBe('49368 63186 02318 00607 87778 33986 41544 15393 11032 66059 35399 55084');
  });
});

describe('generateVaultKey', () => {
  it('is 32 random bytes named by kidForSymmetricKey, for the given epoch', async () => {
    const a = await generateVaultKey(7);
    const b = await generateVaultKey(7);
    expect(a.epoch).toBe(7);
    expect(a.key.length).toBe(32);
    expect(toHex(a.kid)).toBe(toHex(await kidForSymmetricKey(a.key)));
    expect(toHex(a.key)).not.toBe(toHex(b.key));
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN])('refuses epoch %s', async (epoch) => {
    await expect(generateVaultKey(epoch)).rejects.toMatchObject({ code: 'bad_argument' });
  });
});
