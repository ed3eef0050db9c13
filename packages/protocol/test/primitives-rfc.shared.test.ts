// RFC 7748, RFC 8032 and Argon2 reference known answers (test/vectors/rfc/README.md).
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../src/bytes.ts';
import { argon2id, argon2idHashWasm } from '../src/primitives/argon2id.ts';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../src/primitives/ed25519.ts';
import { x25519, x25519PublicKey } from '../src/primitives/x25519.ts';
import argon2 from './vectors/rfc/argon2.json' with { type: 'json' };
import rfc7748 from './vectors/rfc/rfc7748.json' with { type: 'json' };
import rfc8032 from './vectors/rfc/rfc8032.json' with { type: 'json' };

describe('X25519 (RFC 7748)', () => {
  for (const [i, v] of rfc7748.scalarmult.entries()) {
    it(`section 5.2 vector ${i + 1}`, async () => {
      expect(toHex(await x25519(fromHex(v.scalar), fromHex(v.u)))).toBe(v.output);
    });
  }

  it('section 6.1 Diffie-Hellman: public keys and the shared secret', async () => {
    const { dh } = rfc7748;
    expect(toHex(await x25519PublicKey(fromHex(dh.alicePrivate)))).toBe(dh.alicePublic);
    expect(toHex(await x25519PublicKey(fromHex(dh.bobPrivate)))).toBe(dh.bobPublic);
    expect(toHex(await x25519(fromHex(dh.alicePrivate), fromHex(dh.bobPublic)))).toBe(dh.shared);
    expect(toHex(await x25519(fromHex(dh.bobPrivate), fromHex(dh.alicePublic)))).toBe(dh.shared);
  });
});

describe('Ed25519 (RFC 8032 section 7.1)', () => {
  for (const v of rfc8032.tests) {
    it(`${v.name}: public key, deterministic signature, verification`, async () => {
      const seed = fromHex(v.secretKey);
      const message = fromHex(v.message);
      expect(toHex(await ed25519PublicKey(seed))).toBe(v.publicKey);
      expect(toHex(await ed25519Sign(seed, message))).toBe(v.signature);
      expect(await ed25519Verify(fromHex(v.publicKey), message, fromHex(v.signature))).toBe(true);
      const altered = Uint8Array.from([...message, 0x00]);
      expect(await ed25519Verify(fromHex(v.publicKey), altered, fromHex(v.signature))).toBe(false);
    });
  }
});

describe('Argon2id (reference implementation value)', () => {
  const params = {
    memoryKiB: argon2.memoryKiB,
    iterations: argon2.iterations,
    parallelism: argon2.parallelism,
  };

  // In Node this is the runtime's built-in Argon2; in Chromium, hash-wasm.
  it('Argon2id("password", "somesalt", t=2, m=64 MiB, p=1, 32 bytes)', async () => {
    const out = await argon2id(utf8(argon2.password), utf8(argon2.salt), params, argon2.hashLength);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out.length).toBe(argon2.hashLength);
    expect(toHex(out)).toBe(argon2.hash);
  });

  it('the hash-wasm fallback gives the same bytes', async () => {
    const out = await argon2idHashWasm(
      utf8(argon2.password),
      utf8(argon2.salt),
      params,
      argon2.hashLength,
    );
    expect(toHex(out)).toBe(argon2.hash);
  });
});
