import { concatBytes, toHex, u32be, utf8 } from '../src/bytes.ts';
import { recordAppContext } from '../src/envelope/app-contexts.ts';
import { encodeArmor } from '../src/envelope/armor.ts';
import { sealEnvelopeWith } from '../src/envelope/seal.ts';
import { kidForPublicKey, kidForSymmetricKey } from '../src/keys/kid.ts';
import { ed25519PublicKey } from '../src/primitives/ed25519.ts';
import { padme } from '../src/record/padding.ts';
import type { RecordFields } from './golden-case.ts';
import type { Fixture } from './golden-fixtures.ts';
import type { RecordCase } from './rules-case.ts';

const field = (tag: number, value: Uint8Array) =>
  concatBytes(new Uint8Array([tag]), u32be(value.length), value);

function u64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value);
  return out;
}

/** PADMÉ padding of arbitrary bytes (SPEC.md 10.2), so decoding is what fails. */
function pad(encoded: Uint8Array): Uint8Array {
  const out = new Uint8Array(padme(4 + encoded.length));
  out.set(u32be(encoded.length));
  out.set(encoded, 4);
  return out;
}

const SAFE_MAX = 2n ** 53n - 1n;

/** A padded record with at least one padding byte, the last one set to 1. */
function nonZeroPadding(encoded: Uint8Array): Uint8Array {
  for (let extra = 0; ; extra++) {
    const withUnknown =
      extra === 0 ? encoded : concatBytes(encoded, field(8, new Uint8Array(extra - 1)));
    const padded = pad(withUnknown);
    if (padded.length > 4 + withUnknown.length) {
      padded[padded.length - 1] = 1;
      return padded;
    }
  }
}

/**
 * The record layer (SPEC.md 10): valid records that pin the lenient rules
 * (unknown tags skipped, the blob field, 2^53 − 1, a leading U+FEFF kept, a
 * verified author) and one `bad_record` case per rejection of 10.1 to 10.3,
 * each a correctly sealed DIRECT record envelope whose plaintext is malformed.
 */
export async function recordCases(f: Fixture): Promise<RecordCase[]> {
  const r = f.random;
  const vaultId = r(16);
  const recordId = r(16);
  // Kids derived as the key hierarchy does (14.5, 14.7, 10.5); the record layer only compares them.
  const vaultKeyBytes = r(32);
  const key = { kid: await kidForSymmetricKey(vaultKeyBytes), epoch: 1, key: vaultKeyBytes };
  const authorSeed = r(32);
  const authorPk = await ed25519PublicKey(authorSeed);
  const author = {
    kid: await kidForPublicKey('ed25519', authorPk),
    seed: authorSeed,
    publicKey: authorPk,
  };
  const blobId = r(16);
  const content = utf8('"milk, eggs"');

  const fields = (
    o: {
      name?: Uint8Array;
      type?: Uint8Array;
      createdAt?: Uint8Array;
      authorKid?: Uint8Array;
    } = {},
  ) => [
    field(1, o.name ?? utf8('Groceries')),
    field(2, o.type ?? utf8('text/plain; charset=utf-8')),
    field(3, o.createdAt ?? u64(1_764_000_000_000n)),
    field(4, u64(1_764_000_123_456n)),
    field(5, o.authorKid ?? author.kid),
    field(6, content),
  ];
  const encoded = (...parts: Uint8Array[]) => concatBytes(new Uint8Array([1]), ...parts);
  const base: RecordFields = {
    name: 'Groceries',
    type: 'text/plain; charset=utf-8',
    content: toHex(content),
    createdAt: 1_764_000_000_000,
    updatedAt: 1_764_000_123_456,
    authorKid: toHex(author.kid),
  };

  const make = async (
    name: string,
    plaintext: Uint8Array,
    outcome: { record: RecordFields } | { code: 'bad_record' },
    signed = false,
  ): Promise<RecordCase> => {
    const bytes = await sealEnvelopeWith(
      plaintext,
      {
        contentType: 'record',
        context: recordAppContext(vaultId, recordId),
        key,
        ...(signed ? { signer: { kid: author.kid, seed: author.seed } } : {}),
      },
      r,
    );
    const common = {
      name,
      vaultId: toHex(vaultId),
      recordId: toHex(recordId),
      key: { kid: toHex(key.kid), epoch: key.epoch, key: toHex(key.key) },
      ...(signed
        ? { trustedSigners: [{ kid: toHex(author.kid), publicKey: toHex(author.publicKey) }] }
        : {}),
      plaintext: toHex(plaintext),
      envelope: encodeArmor(bytes),
    };
    if ('record' in outcome) {
      return {
        ...common,
        record: outcome.record,
        ...(signed ? { signerKid: toHex(author.kid) } : {}),
        result: 'valid',
      };
    }
    return { ...common, result: 'invalid', error: 'EnvelopeFormatError', code: 'bad_record' };
  };
  const bad = (name: string, plaintext: Uint8Array, signed = false) =>
    make(name, plaintext, { code: 'bad_record' }, signed);

  const good = pad(encoded(...fields()));
  const noContent = fields().slice(0, 5);
  const nameWith = (bytes: number[]) => pad(encoded(...fields({ name: new Uint8Array(bytes) })));
  const [name, type, created, updated, authorKid, contentField] = fields();

  return [
    await make(
      'unknown tag 0x08 after the required fields is skipped',
      pad(encoded(...fields(), field(8, r(5)))),
      {
        record: base,
      },
    ),
    await make(
      'blob field (tag 0x07), createdAt = updatedAt = 2^53 − 1',
      pad(
        encoded(
          name!,
          type!,
          field(3, u64(SAFE_MAX)),
          field(4, u64(SAFE_MAX)),
          authorKid!,
          contentField!,
          field(7, concatBytes(blobId, u64(SAFE_MAX))),
        ),
      ),
      {
        record: {
          ...base,
          createdAt: Number(SAFE_MAX),
          updatedAt: Number(SAFE_MAX),
          blob: { blobId: toHex(blobId), size: Number(SAFE_MAX) },
        },
      },
    ),
    await make(
      'name starting with U+FEFF and holding U+FFFF: both kept (no BOM stripping)',
      pad(encoded(...fields({ name: utf8('\uFEFFGroceries \uFFFF') }))),
      { record: { ...base, name: '\uFEFFGroceries \uFFFF' } },
    ),
    await make('SIGNED by its author, footer verified', good, { record: base }, true),
    await bad('padded plaintext of 3 bytes', new Uint8Array(3)),
    await bad(
      'length prefix runs past the plaintext',
      concatBytes(u32be(good.length - 3), good.subarray(4)),
    ),
    await bad(
      'one zero byte too many (length is not padme(4 + n))',
      concatBytes(good, new Uint8Array(1)),
    ),
    await bad('non-zero last padding byte', nonZeroPadding(encoded(...fields()))),
    await bad('empty encoded record (n = 0)', u32be(0)),
    await bad('encoding version 0x02', pad(concatBytes(new Uint8Array([2]), ...fields()))),
    await bad('encoding version 0x00', pad(concatBytes(new Uint8Array([0]), ...fields()))),
    await bad(
      'field header cut after 3 of its 5 bytes',
      pad(encoded(...fields(), new Uint8Array([8, 0, 0]))),
    ),
    await bad(
      'last field value runs past the end',
      pad(encoded(...fields(), new Uint8Array([8, 0, 0, 0, 9, 1, 2]))),
    ),
    await bad('tag 0x00 first', pad(encoded(field(0, r(2)), ...fields()))),
    await bad('tag repeated (name twice)', pad(encoded(name!, ...fields()))),
    await bad(
      'tags out of order (type before name)',
      pad(encoded(type!, name!, created!, updated!, authorKid!, contentField!)),
    ),
    await bad('required field missing (content)', pad(encoded(...noContent))),
    await bad(
      'required field missing (authorKid)',
      pad(encoded(name!, type!, created!, updated!, contentField!)),
    ),
    await bad('createdAt of 7 bytes', pad(encoded(...fields({ createdAt: r(7) })))),
    await bad('authorKid of 15 bytes', pad(encoded(...fields({ authorKid: r(15) })))),
    await bad('blob field of 23 bytes', pad(encoded(...fields(), field(7, r(23))))),
    await bad('createdAt = 2^53', pad(encoded(...fields({ createdAt: u64(SAFE_MAX + 1n) })))),
    await bad(
      'updatedAt = 2^64 − 1',
      pad(
        encoded(name!, type!, created!, field(4, u64(2n ** 64n - 1n)), authorKid!, contentField!),
      ),
    ),
    await bad(
      'blob size = 2^53',
      pad(encoded(...fields(), field(7, concatBytes(blobId, u64(SAFE_MAX + 1n))))),
    ),
    await bad('name: lone continuation byte 0x80', nameWith([0x61, 0x80])),
    await bad('name: overlong encoding c0 af', nameWith([0xc0, 0xaf])),
    await bad('name: UTF-16 surrogate ed a0 80', nameWith([0xed, 0xa0, 0x80])),
    await bad('name: code point above U+10FFFF (f4 90 80 80)', nameWith([0xf4, 0x90, 0x80, 0x80])),
    await bad('name: sequence cut at the end of the value (e2 82)', nameWith([0x61, 0xe2, 0x82])),
    await bad(
      'type: invalid UTF-8 (ff)',
      pad(encoded(...fields({ type: new Uint8Array([0xff]) }))),
    ),
    await bad(
      'SIGNED, footer verified, authorKid is not the signer',
      pad(encoded(...fields({ authorKid: r(16) }))),
      true,
    ),
  ];
}
