import { ed25519PublicKey } from '../src/primitives/ed25519.ts';
import { generateX25519KeyPair } from '../src/primitives/x25519.ts';

/** Deterministic-looking test bytes (not secret, not random). */
export function bytes(length: number, fill: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (fill + i * 7) & 0xff);
}

export const vaultKey = { kid: bytes(16, 1), epoch: 3, key: bytes(32, 2) };
export const context = new TextEncoder().encode('test/app-context');

export async function signerFixture() {
  const seed = bytes(32, 9);
  return { kid: bytes(16, 10), seed, publicKey: await ed25519PublicKey(seed) };
}

export async function x25519Fixture() {
  const pair = await generateX25519KeyPair();
  return { kid: bytes(16, 20), ...pair };
}
