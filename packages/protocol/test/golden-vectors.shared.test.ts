import { describe, expect, it } from 'vitest';
import type { GoldenCase } from '../scripts/golden-case.ts';
import { fromHex, toHex } from '../src/bytes.ts';
import { decodeArmor } from '../src/envelope/armor.ts';
import { openEnvelope } from '../src/envelope/open.ts';
import type { EnvelopeFormatError } from '../src/errors.ts';
import { unpadRecordPlaintext } from '../src/record/padding.ts';
import { decodeRecordPlaintext } from '../src/record/record-codec.ts';
import { openRecord } from '../src/record/seal-record.ts';
import vectors from '../vectors/envelope-v1.json' with { type: 'json' };
import { ERRORS, expectOpensAsStated, optionsOf } from './rules-vector-helpers.ts';

/** The fields of a golden case are documented in SPEC.md, "Golden vectors". */
const cases = vectors as GoldenCase[];

describe('golden envelopes v1 (frozen)', () => {
  it('cover every mode, stanza type, content type, the SIGNED flag and each error class', () => {
    const valid = cases.filter((c) => c.result === 'valid');
    expect(new Set(valid.map((c) => c.mode))).toEqual(new Set(['direct', 'wrapped']));
    expect(new Set(cases.map((c) => c.contentType)).size).toBe(5);
    expect(valid.some((c) => c.signed)).toBe(true);
    expect(valid.some((c) => c.keks)).toBe(true);
    expect(valid.some((c) => c.x25519Keys)).toBe(true);
    expect(valid.some((c) => c.passphrase)).toBe(true);
    expect(new Set(cases.map((c) => c.error))).toEqual(
      new Set([undefined, 'EnvelopeFormatError', 'KeyNotFoundError', 'DecryptionError']),
    );
  });

  for (const c of cases) {
    it(`${c.result}: ${c.name}`, async () => {
      const options = optionsOf(c);
      if (c.result === 'valid') {
        const envelope = decodeArmor(c.envelope);
        const opened = await expectOpensAsStated(c, envelope, options);
        if (c.record) {
          const record = decodeRecordPlaintext(unpadRecordPlaintext(opened.plaintext));
          expect({
            ...record,
            content: toHex(record.content),
            authorKid: toHex(record.authorKid),
          }).toEqual({
            name: c.record.name,
            type: c.record.type,
            content: c.record.content,
            createdAt: c.record.createdAt,
            updatedAt: c.record.updatedAt,
            authorKid: c.record.authorKid,
          });
          const viaRecord = await openRecord(envelope, {
            vaultId: fromHex(c.record.vaultId),
            recordId: fromHex(c.record.recordId),
            keys: options.keys ?? [],
          });
          expect(viaRecord.record.name).toBe(c.record.name);
        }
        return;
      }
      const expected = ERRORS[c.error!];
      const outcome = await (async () => openEnvelope(decodeArmor(c.envelope), options))().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(expected);
      if (c.code) expect((outcome as EnvelopeFormatError).code).toBe(c.code);
    });
  }
});
