// Wycheproof vectors for X25519 and Ed25519 through WebCrypto, in Node and Chromium.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.ts';
import { ed25519Verify } from '../src/primitives/ed25519.ts';
import { importX25519PrivateKey, x25519 } from '../src/primitives/x25519.ts';
import { isLowOrderX25519PublicKey } from '../src/primitives/x25519-low-order.ts';
import ed25519 from './vectors/wycheproof/ed25519_test.json' with { type: 'json' };
import x25519Vectors from './vectors/wycheproof/x25519_test.json' with { type: 'json' };

const ZERO_SECRET = '00'.repeat(32);
const x25519Cases = x25519Vectors.testGroups.flatMap((g) => g.tests);

describe('X25519 (Wycheproof)', () => {
  it('computes every non-zero shared secret, valid and "acceptable" alike', async () => {
    const failures: number[] = [];
    let count = 0;
    for (const t of x25519Cases) {
      if (t.shared === ZERO_SECRET) continue;
      count++;
      const shared = await x25519(fromHex(t.private), fromHex(t.public)).catch(() => undefined);
      if (!shared || toHex(shared) !== t.shared) failures.push(t.tcId);
    }
    expect(count).toBe(487);
    expect(failures).toEqual([]);
  });

  it('rejects every low-order public key (all-zero shared secret)', async () => {
    const lowOrder = x25519Cases.filter((t) => t.shared === ZERO_SECRET);
    expect(lowOrder.length).toBe(31);
    const accepted: number[] = [];
    for (const t of lowOrder) {
      const ok = await x25519(fromHex(t.private), fromHex(t.public)).then(
        () => true,
        () => false,
      );
      if (ok) accepted.push(t.tcId);
    }
    expect(accepted).toEqual([]);
  });

  it('the low-order blocklist matches exactly the zero-secret cases', () => {
    const mismatches = x25519Cases
      .filter((t) => isLowOrderX25519PublicKey(fromHex(t.public)) !== (t.shared === ZERO_SECRET))
      .map((t) => t.tcId);
    expect(mismatches).toEqual([]);
  });

  it("the engine's own X25519 also refuses them (what @hpke/core relies on)", async () => {
    const lowOrder = x25519Cases.filter((t) => t.shared === ZERO_SECRET);
    const accepted: number[] = [];
    for (const t of lowOrder) {
      const priv = await importX25519PrivateKey(fromHex(t.private));
      const pub = await crypto.subtle.importKey(
        'raw',
        new Uint8Array(fromHex(t.public)),
        { name: 'X25519' },
        false,
        [],
      );
      const ok = await crypto.subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256).then(
        () => true,
        () => false,
      );
      if (ok) accepted.push(t.tcId);
    }
    expect(accepted).toEqual([]);
  });
});

describe('Ed25519 strict verification (Wycheproof)', () => {
  it('accepts every valid signature and rejects every invalid one', async () => {
    const failures: number[] = [];
    let valid = 0;
    let count = 0;
    for (const group of ed25519.testGroups) {
      const publicKey = fromHex(group.publicKey.pk);
      for (const t of group.tests) {
        count++;
        const ok = await ed25519Verify(publicKey, fromHex(t.msg), fromHex(t.sig));
        if (t.result === 'valid') valid++;
        if (ok !== (t.result === 'valid')) failures.push(t.tcId);
      }
    }
    expect(count).toBe(ed25519.numberOfTests);
    expect(valid).toBe(88);
    expect(failures).toEqual([]);
  });
});
