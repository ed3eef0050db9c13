/**
 * The frozen rule vectors (vectors/rules-v1.json, SPEC.md 13 "Rule vectors"):
 * armor, Argon2id bounds, NFC passphrases, low-order X25519 `enc` and the
 * record layer. Key bundles, key grants and record ids:
 * rules-keys-vectors.shared.test.ts. Runs in Node and in Chromium.
 */
import { describe, expect, it } from 'vitest';
import type { RecordCase, RulesVectors } from '../scripts/rules-case.ts';
import { fromHex, toHex } from '../src/bytes.ts';
import { recordAppContext } from '../src/envelope/app-contexts.ts';
import { decodeArmor, encodeArmor } from '../src/envelope/armor.ts';
import { openEnvelope } from '../src/envelope/open.ts';
import type { EnvelopeFormatError } from '../src/errors.ts';
import { unpadRecordPlaintext } from '../src/record/padding.ts';
import { decodeRecordPlaintext } from '../src/record/record-codec.ts';
import { openRecord } from '../src/record/seal-record.ts';
import vectors from '../vectors/rules-v1.json' with { type: 'json' };
import {
  ERRORS,
  expectOpensAsStated,
  failure,
  openAsNaiveReader,
  optionsOf,
} from './rules-vector-helpers.ts';

const v = vectors as RulesVectors;

function expectError(outcome: unknown, c: { error?: keyof typeof ERRORS; code?: string }) {
  expect(outcome).toBeInstanceOf(ERRORS[c.error!]);
  if (c.code) expect((outcome as EnvelopeFormatError).code).toBe(c.code);
}

describe('rule vectors v1 (frozen): armor', () => {
  for (const c of v.armor) {
    it(`${c.result}: ${c.name}`, async () => {
      if (c.result === 'valid') {
        expect(toHex(decodeArmor(c.armor))).toBe(c.bytes);
        expect(encodeArmor(fromHex(c.bytes!))).toBe(c.armor);
      } else {
        expectError(await failure(() => decodeArmor(c.armor)), c);
      }
    });
  }
});

describe('rule vectors v1 (frozen): Argon2id bounds, NFC passphrases, low-order enc', () => {
  it('cover each group, both outcomes, the floor and each bound', () => {
    const groups = new Set(v.envelopes.map((c) => c.group));
    expect(groups).toEqual(
      new Set(['kdf-bounds', 'passphrase-nfc', 'low-order-enc', 'reading-order']),
    );
    const nfc = v.envelopes.find((c) => c.group === 'passphrase-nfc' && c.result === 'valid')!;
    expect(nfc.passphrase).not.toBe(nfc.passphrase!.normalize('NFC'));
    expect(
      v.envelopes.filter((c) => c.group === 'low-order-enc' && c.result === 'invalid'),
    ).toHaveLength(14);
  });

  for (const c of v.envelopes) {
    it(`${c.group} ${c.result}: ${c.name}`, async () => {
      const envelope = decodeArmor(c.envelope);
      const options = optionsOf(c);
      if (c.result === 'valid') {
        await expectOpensAsStated(c, envelope, options);
        return;
      }
      expectError(await failure(() => openEnvelope(envelope, options)), c);
      if (c.group === 'low-order-enc') {
        // The vector is a real forgery: without the 14.3 checks it would open.
        const recipient = c.x25519Keys![0]!;
        const naive = await openAsNaiveReader(
          envelope,
          fromHex(recipient.publicKey),
          fromHex(c.context),
        );
        expect(naive).toBeInstanceOf(Uint8Array);
      }
    });
  }
});

function recordOptions(c: RecordCase) {
  return {
    vaultId: fromHex(c.vaultId),
    recordId: fromHex(c.recordId),
    keys: [{ kid: fromHex(c.key.kid), epoch: c.key.epoch, key: fromHex(c.key.key) }],
    ...(c.trustedSigners
      ? {
          trustedSigners: c.trustedSigners.map((s) => ({
            kid: fromHex(s.kid),
            publicKey: fromHex(s.publicKey),
          })),
        }
      : {}),
  };
}

describe('rule vectors v1 (frozen): record layer', () => {
  for (const c of v.records) {
    it(`${c.result}: ${c.name}`, async () => {
      const envelope = decodeArmor(c.envelope);
      const options = recordOptions(c);
      // The envelope itself is sound: only what it holds is (or is not) a record.
      const sound = await openEnvelope(envelope, {
        context: recordAppContext(options.vaultId, options.recordId),
        keys: options.keys,
        contentType: 'record',
      });
      expect(toHex(sound.plaintext)).toBe(c.plaintext);
      const opened = await openRecord(envelope, options).catch((error: unknown) => error);
      if (c.result === 'valid') {
        const { record, signerKid } = opened as Awaited<ReturnType<typeof openRecord>>;
        const expected = c.record!;
        expect({
          ...record,
          content: toHex(record.content),
          authorKid: toHex(record.authorKid),
          ...(record.blob
            ? { blob: { blobId: toHex(record.blob.blobId), size: record.blob.size } }
            : {}),
        }).toEqual(expected);
        expect(signerKid && toHex(signerKid)).toBe(c.signerKid);
        return;
      }
      expectError(opened, c);
      if (!c.trustedSigners) {
        // Unpad and decode alone reject the plaintext the same way.
        const direct = await failure(() =>
          decodeRecordPlaintext(unpadRecordPlaintext(fromHex(c.plaintext))),
        );
        expectError(direct, c);
      }
    });
  }
});
