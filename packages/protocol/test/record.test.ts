import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../src/bytes.ts';
import { sealEnvelope } from '../src/envelope/seal.ts';
import { DecryptionError, EnvelopeFormatError } from '../src/errors.ts';
import { padme, padRecordPlaintext, unpadRecordPlaintext } from '../src/record/padding.ts';
import {
  decodeRecordPlaintext,
  encodeRecordPlaintext,
  type RecordData,
  recordFreshness,
} from '../src/record/record-codec.ts';
import { deriveRecordId, deriveVaultNameKey } from '../src/record/record-id.ts';
import { openRecord, sealRecord } from '../src/record/seal-record.ts';
import { bytes, signerFixture, vaultKey } from './envelope-helpers.ts';

const vaultId = bytes(16, 40);
const recordId = bytes(16, 41);
const record: RecordData = {
  name: 'Grocery list ✓',
  type: 'note',
  content: new TextEncoder().encode('milk, eggs'),
  createdAt: 1_764_000_000_000,
  updatedAt: 1_764_000_100_000,
  authorKid: bytes(16, 10),
};

describe('PADMÉ', () => {
  it('matches the formula on known values', () => {
    expect([0, 1, 2, 5, 9, 100, 1000, 1024, 1025, 65_537].map(padme)).toEqual([
      0, 1, 2, 5, 10, 104, 1024, 1024, 1088, 67_584,
    ]);
  });

  it('never shrinks, overhead at most 12%, and unpads exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1 << 30 }), (length) => {
        const padded = padme(length);
        expect(padded).toBeGreaterThanOrEqual(length);
        expect(padded - length).toBeLessThanOrEqual(Math.ceil(length * 0.12));
        expect(padme(padded)).toBe(padded);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (encoded) => {
        const padded = padRecordPlaintext(encoded);
        expect(padded.length).toBe(padme(4 + encoded.length));
        expect(unpadRecordPlaintext(padded)).toEqual(encoded);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects non-canonical padding', () => {
    const padded = padRecordPlaintext(bytes(60, 1));
    expect(padded.length).toBe(64);
    const nonZero = padded.slice();
    nonZero[63] = 1;
    expect(() => unpadRecordPlaintext(padRecordPlaintext(bytes(61, 1)))).not.toThrow();
    const tooLong = new Uint8Array(128);
    tooLong.set(padded);
    expect(() => unpadRecordPlaintext(tooLong)).toThrow(EnvelopeFormatError);
    const wrongLength = padded.slice();
    wrongLength[3] = 70;
    expect(() => unpadRecordPlaintext(wrongLength)).toThrow(EnvelopeFormatError);
  });
});

describe('record plaintext encoding', () => {
  it('round-trips with and without a blob reference', () => {
    expect(decodeRecordPlaintext(encodeRecordPlaintext(record))).toEqual(record);
    const withBlob = { ...record, blob: { blobId: bytes(16, 3), size: 5_000_000_000 } };
    expect(decodeRecordPlaintext(encodeRecordPlaintext(withBlob))).toEqual(withBlob);
  });

  it('round-trips any record', () => {
    fc.assert(
      fc.property(
        fc.record({
          name: fc.string({ unit: 'grapheme', maxLength: 40 }),
          type: fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
          content: fc.uint8Array({ maxLength: 200 }),
          createdAt: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
          updatedAt: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
          authorKid: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        }),
        (value) => {
          const padded = padRecordPlaintext(encodeRecordPlaintext(value));
          expect(decodeRecordPlaintext(unpadRecordPlaintext(padded))).toEqual(value);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('has a fixed byte layout', () => {
    const encoded = encodeRecordPlaintext({
      ...record,
      name: 'a',
      type: 'b',
      content: bytes(2, 0),
    });
    expect(toHex(encoded.subarray(0, 13))).toBe(`01${'01'}00000001${'61'}${'02'}00000001${'62'}`);
  });

  it('skips unknown tags but rejects reordering, truncation and bad UTF-8', () => {
    const encoded = encodeRecordPlaintext(record);
    const extended = new Uint8Array([...encoded, 0x20, 0, 0, 0, 1, 0xff]);
    expect(decodeRecordPlaintext(extended)).toEqual(record);
    expect(() => decodeRecordPlaintext(encoded.subarray(0, encoded.length - 1))).toThrow(
      EnvelopeFormatError,
    );
    const badUtf8 = encodeRecordPlaintext({ ...record, name: 'a' });
    badUtf8[6] = 0xff;
    expect(() => decodeRecordPlaintext(badUtf8)).toThrow(/UTF-8/);
    const reordered = new Uint8Array([...encoded, 0x01, 0, 0, 0, 0]);
    expect(() => decodeRecordPlaintext(reordered)).toThrow(/order/);
  });

  it('carries sealedAt (tag 0x10) after the other fields, strictly as a u64', () => {
    const resealed = { ...record, sealedAt: record.updatedAt + 86_400_000 };
    const encoded = encodeRecordPlaintext(resealed);
    expect(decodeRecordPlaintext(encoded)).toEqual(resealed);
    // The last field: tag 0x10, length 8, the time.
    expect(toHex(encoded.subarray(encoded.length - 13, encoded.length - 8))).toBe('1000000008');
    expect(decodeRecordPlaintext(encodeRecordPlaintext(record))).not.toHaveProperty('sealedAt');
    const short = new Uint8Array([...encodeRecordPlaintext(record), 0x10, 0, 0, 0, 4, 0, 0, 0, 1]);
    expect(() => decodeRecordPlaintext(short)).toThrow(/bad length/);
    // A reader of the fields before it (0x08 here, an older writer's unknown field) is unaffected.
    const withUnknown = new Uint8Array([...encodeRecordPlaintext(record), 0x08, 0, 0, 0, 1, 7]);
    expect(decodeRecordPlaintext(withUnknown)).toEqual(record);
  });

  it('orders versions for the replay check by the later of updatedAt and sealedAt', () => {
    expect(recordFreshness({ updatedAt: 5 })).toBe(5);
    expect(recordFreshness({ updatedAt: 5, sealedAt: 9 })).toBe(9);
    expect(recordFreshness({ updatedAt: 9, sealedAt: 5 })).toBe(9);
  });

  it('reads timestamps up to 2^53 - 1 and refuses larger ones', () => {
    // name 'a' and type 'b' put createdAt's value at byte 18 (1 + 6 + 6 + 5).
    const encoded = encodeRecordPlaintext({ ...record, name: 'a', type: 'b' });
    const view = new DataView(encoded.buffer, encoded.byteOffset);
    view.setUint32(18, 0x1f_ffff);
    view.setUint32(22, 0xffff_ffff);
    expect(decodeRecordPlaintext(encoded).createdAt).toBe(Number.MAX_SAFE_INTEGER);
    view.setUint32(18, 0x20_0000);
    view.setUint32(22, 0);
    expect(() => decodeRecordPlaintext(encoded)).toThrow(/integer too large/);
  });
});

describe('record ids', () => {
  it('are stable per vault and name, NFC-normalised, and differ across vaults', async () => {
    const nameKey = await deriveVaultNameKey(vaultKey.key);
    const a = await deriveRecordId(nameKey, 'caf\u00e9');
    expect(a).toHaveLength(16);
    expect(await deriveRecordId(nameKey, 'cafe\u0301')).toEqual(a);
    expect(await deriveRecordId(nameKey, 'cafe')).not.toEqual(a);
    const otherVault = await deriveVaultNameKey(bytes(32, 77));
    expect(await deriveRecordId(otherVault, 'caf\u00e9')).not.toEqual(a);
  });
});

describe('sealRecord / openRecord', () => {
  it('round-trips and binds the envelope to its slot', async () => {
    const envelope = await sealRecord(record, { vaultId, recordId, key: vaultKey });
    const opened = await openRecord(envelope, { vaultId, recordId, keys: [vaultKey] });
    expect(opened.record).toEqual(record);
    expect(opened.epoch).toBe(vaultKey.epoch);
    await expect(
      openRecord(envelope, { vaultId, recordId: bytes(16, 42), keys: [vaultKey] }),
    ).rejects.toThrow(DecryptionError);
    await expect(
      openRecord(envelope, { vaultId: bytes(16, 43), recordId, keys: [vaultKey] }),
    ).rejects.toThrow(DecryptionError);
  });

  it('pads the plaintext to the PADMÉ size', async () => {
    const envelope = await sealRecord(
      { ...record, content: bytes(1000, 1) },
      {
        vaultId,
        recordId,
        key: vaultKey,
      },
    );
    const encodedLength = encodeRecordPlaintext({ ...record, content: bytes(1000, 1) }).length;
    expect(envelope.length).toBe(30 + 56 + padme(4 + encodedLength) + 16);
  });

  it('checks the author against a verified signer', async () => {
    const signer = await signerFixture();
    const trustedSigners = [{ kid: signer.kid, publicKey: signer.publicKey }];
    const envelope = await sealRecord(record, { vaultId, recordId, key: vaultKey, signer });
    const opened = await openRecord(envelope, {
      vaultId,
      recordId,
      keys: [vaultKey],
      trustedSigners,
      requireSignature: true,
    });
    expect(opened.signerKid).toEqual(signer.kid);
    const impostor = await sealRecord(
      { ...record, authorKid: bytes(16, 11) },
      { vaultId, recordId, key: vaultKey, signer },
    );
    await expect(
      openRecord(impostor, { vaultId, recordId, keys: [vaultKey], trustedSigners }),
    ).rejects.toMatchObject({ code: 'bad_record' });
  });

  it('rejects a non-record envelope in a record slot', async () => {
    const blob = await sealEnvelope(bytes(10, 1), {
      contentType: 'blob',
      context: new Uint8Array(0),
      key: vaultKey,
    });
    await expect(openRecord(blob, { vaultId, recordId, keys: [vaultKey] })).rejects.toMatchObject({
      code: 'unexpected_content_type',
    });
  });
});
