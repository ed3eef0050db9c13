/**
 * Known answers of the key hierarchy from the frozen rule vectors
 * (vectors/rules-v1.json): key bundles (SPEC.md 14.8), key grants (14.9) and
 * derived record ids (10.4). Runs in Node and in Chromium.
 */
import { describe, expect, it } from 'vitest';
import type { KeyGrantCase, RulesVectors } from '../scripts/rules-case.ts';
import { fromHex, toHex, utf8 } from '../src/bytes.ts';
import { keyBundleAppContext } from '../src/envelope/app-contexts.ts';
import { decodeArmor } from '../src/envelope/armor.ts';
import type { RandomSource } from '../src/envelope/random-source.ts';
import { sealEnvelopeWith } from '../src/envelope/seal.ts';
import type { EnvelopeFormatError } from '../src/errors.ts';
import { fingerprint, fingerprintsEqual } from '../src/keys/fingerprint.ts';
import { openKeyBundle, sealKeyBundle } from '../src/keys/key-bundle.ts';
import { openKeyGrant, sealKeyGrant } from '../src/keys/key-grant.ts';
import { kidForPublicKey, kidForSymmetricKey } from '../src/keys/kid.ts';
import { deriveRecordId, deriveVaultNameKey } from '../src/record/record-id.ts';
import vectors from '../vectors/rules-v1.json' with { type: 'json' };
import { ERRORS, failure, rebuildGrant } from './rules-vector-helpers.ts';

const v = vectors as RulesVectors;

function expectError(outcome: unknown, c: { error?: keyof typeof ERRORS; code?: string }) {
  expect(outcome).toBeInstanceOf(ERRORS[c.error!]);
  if (c.code) expect((outcome as EnvelopeFormatError).code).toBe(c.code);
}

/** A random source that hands out exactly these bytes (a writer reproducing a vector). */
function replay(...parts: Uint8Array[]): RandomSource {
  const queue = [...parts];
  return (n: number) => {
    const next = queue.shift();
    if (!next || next.length !== n) throw new Error(`unexpected draw of ${n} bytes`);
    return next;
  };
}

describe('rule vectors v1 (frozen): key bundle known answers', () => {
  for (const c of v.keyBundles) {
    it(`${c.result}: ${c.name}`, async () => {
      const envelope = decodeArmor(c.envelope);
      const masterKey = fromHex(c.masterKey);
      expect(toHex(await kidForSymmetricKey(masterKey))).toBe(c.kid);
      const opened = await failure(async () => {
        throw await openKeyBundle(envelope, masterKey, { accountId: c.username });
      });
      if (c.result === 'invalid') {
        expectError(opened, c);
        return;
      }
      const bundle = opened as Awaited<ReturnType<typeof openKeyBundle>>;
      expect({
        x25519PrivateKey: toHex(bundle.x25519.privateKey),
        x25519PublicKey: toHex(bundle.x25519.publicKey),
        ed25519Seed: toHex(bundle.ed25519.seed),
        ed25519PublicKey: toHex(bundle.ed25519.publicKey),
      }).toEqual({
        x25519PrivateKey: c.x25519PrivateKey,
        x25519PublicKey: c.x25519PublicKey,
        ed25519Seed: c.ed25519Seed,
        ed25519PublicKey: c.ed25519PublicKey,
      });
      // The writer: the SPEC's DIRECT envelope with the body salt gives these bytes ...
      const kid = fromHex(c.kid);
      const again = await sealEnvelopeWith(
        fromHex(c.plaintext!),
        {
          contentType: 'key-bundle',
          context: keyBundleAppContext(utf8(c.username)),
          key: { kid, epoch: 0, key: masterKey },
        },
        replay(fromHex(c.bodySalt!)),
      );
      expect(toHex(again)).toBe(toHex(envelope));
      // ... and sealKeyBundle writes the same header and length (its salt is random).
      const shipped = await sealKeyBundle(bundle, masterKey, { accountId: c.username });
      expect(toHex(shipped.subarray(0, 30))).toBe(toHex(envelope.subarray(0, 30)));
      expect(shipped.length).toBe(envelope.length);
    });
  }
});

function grantOptions(c: KeyGrantCase) {
  return {
    vaultId: fromHex(c.vaultId),
    epoch: c.epoch,
    recipient: {
      kid: fromHex(c.recipient.kid),
      x25519PrivateKey: fromHex(c.recipient.x25519PrivateKey),
    },
    trustedGranters: c.trustedGranters.map((g) => ({
      kid: fromHex(g.kid),
      ed25519PublicKey: fromHex(g.ed25519PublicKey),
    })),
  };
}

describe('rule vectors v1 (frozen): key grant known answers', () => {
  for (const c of v.keyGrants) {
    it(`${c.result}: ${c.name}`, async () => {
      const envelope = decodeArmor(c.envelope);
      expect(toHex(await kidForPublicKey('x25519', fromHex(c.recipient.x25519PublicKey)))).toBe(
        c.recipient.kid,
      );
      const opened = await failure(async () => {
        throw await openKeyGrant(envelope, grantOptions(c));
      });
      if (c.result === 'invalid') {
        expectError(opened, c);
        return;
      }
      const key = opened as Awaited<ReturnType<typeof openKeyGrant>>;
      expect({ kid: toHex(key.kid), epoch: key.epoch, key: toHex(key.key) }).toEqual(c.vaultKey);
      if (!c.writer) return;
      const w = c.writer;
      expect(toHex(await kidForPublicKey('ed25519', fromHex(w.granter.ed25519PublicKey)))).toBe(
        w.granter.kid,
      );
      // The SPEC's construction from the writer inputs gives these exact bytes ...
      expect(toHex(await rebuildGrant(c))).toBe(toHex(envelope));
      // ... and sealKeyGrant writes the same fixed header, stanza kids, length and signer.
      const shipped = await sealKeyGrant({
        vaultId: fromHex(c.vaultId),
        vaultKey: { kid: fromHex(c.vaultKey!.kid), epoch: c.epoch, key: fromHex(c.vaultKey!.key) },
        recipients: w.recipients.map((r) => ({
          kid: fromHex(r.kid),
          x25519PublicKey: fromHex(r.x25519PublicKey),
        })),
        granter: { kid: fromHex(w.granter.kid), ed25519Seed: fromHex(w.granter.ed25519Seed) },
      });
      expect(shipped.length).toBe(envelope.length);
      expect(toHex(shipped.subarray(0, 30))).toBe(toHex(envelope.subarray(0, 30)));
      for (const offset of [30, 131]) {
        expect(toHex(shipped.subarray(offset, offset + 21))).toBe(
          toHex(envelope.subarray(offset, offset + 21)),
        );
      }
      expect(toHex(shipped.subarray(-80, -64))).toBe(w.granter.kid);
    });
  }
});

describe('rule vectors v1 (frozen): derived record ids', () => {
  for (const c of v.recordIds) {
    it(c.name, async () => {
      const nameKey = await deriveVaultNameKey(fromHex(c.vaultKey));
      expect(toHex(nameKey)).toBe(c.vaultNameKey);
      for (const { name, recordId } of c.ids) {
        expect(toHex(await deriveRecordId(nameKey, name)), name).toBe(recordId);
      }
      const id = (name: string) => c.ids.find((x) => x.name === name)!.recordId;
      expect(id('Caf\u00e9')).toBe(id('Cafe\u0301'));
      expect(id('\u00c5ngstr\u00f6m')).toBe(id('\u212Bngstro\u0308m'));
      expect(id('\uFB01le')).not.toBe(id('file'));
      expect(id('Groceries')).not.toBe(id('groceries'));
    });
  }
});

describe('rule vectors v1 (frozen): fingerprints', () => {
  for (const c of v.fingerprints) {
    it(c.name, async () => {
      const shown = await fingerprint({
        accountId: c.accountId,
        x25519PublicKey: fromHex(c.x25519PublicKey),
        ed25519PublicKey: fromHex(c.ed25519PublicKey),
      });
      expect(shown).toBe(c.fingerprint);
      for (const x of c.comparisons) expect(fingerprintsEqual(x.a, x.b), x.name).toBe(x.equal);
    });
  }
});
