import { concatBytes, u32be } from '../src/bytes.ts';
import { encodeArmor } from '../src/envelope/armor.ts';
import { encodeFixedHeader } from '../src/envelope/prepare.ts';
import { type GoldenCase, invalidCase } from './golden-case.ts';
import type { Fixture, Sealed } from './golden-fixtures.ts';
import { flipBit, rawStanza, withByte } from './golden-mutations.ts';

// PASSPHRASE stanza: type(30) argsLen(31..32) salt(33..48) memoryKiB(49..52) iterations(53) parallelism(54).
const PASSPHRASE_MEMORY = 49;

type Valid = Record<'v1' | 'v2' | 'v3' | 'v6' | 'v7' | 'v8' | 'v10', Sealed>;

/** Invalid cases: at least one per EnvelopeFormatError code a reader raises, and per class. */
export async function invalidCases(f: Fixture, v: Valid): Promise<GoldenCase[]> {
  const r = f.random;
  const bad = (
    name: string,
    from: Sealed,
    bytes: Uint8Array | string,
    error: NonNullable<GoldenCase['error']>,
    code?: string,
    credentials = from.credentials,
  ) => invalidCase(name, from.base, credentials, bytes, error, code);
  const wrappedFixed = (count: number) =>
    encodeFixedHeader(0x01, false, 0x01, 0, new Uint8Array(16), count);
  const filler = r(72);
  const { v1, v2, v3, v6, v7, v8, v10 } = v;

  return [
    bad('armor with padding', v1, `${encodeArmor(v1.bytes)}==`, 'EnvelopeFormatError', 'bad_armor'),
    bad(
      'armor with whitespace',
      v1,
      ` ${encodeArmor(v1.bytes)}`,
      'EnvelopeFormatError',
      'bad_armor',
    ),
    bad('bad magic', v1, withByte(v1.bytes, 0, 0x44), 'EnvelopeFormatError', 'bad_magic'),
    bad(
      'format version 2',
      v1,
      withByte(v1.bytes, 3, 0x02),
      'EnvelopeFormatError',
      'unsupported_version',
    ),
    bad(
      'suite 0x0002',
      v1,
      withByte(v1.bytes, 5, 0x02),
      'EnvelopeFormatError',
      'unsupported_suite',
    ),
    bad('mode 0x02', v1, withByte(v1.bytes, 6, 0x02), 'EnvelopeFormatError', 'bad_mode'),
    bad('unknown flag bit 1', v1, withByte(v1.bytes, 7, 0x02), 'EnvelopeFormatError', 'bad_flags'),
    bad(
      'content type 0x06',
      v1,
      withByte(v1.bytes, 8, 0x06),
      'EnvelopeFormatError',
      'bad_content_type',
    ),
    bad('record opened as blob', v1, v1.bytes, 'EnvelopeFormatError', 'unexpected_content_type', {
      ...v1.credentials,
      expectContentType: 'blob',
    }),
    bad(
      'DIRECT with stanzaCount 1',
      v1,
      withByte(v1.bytes, 29, 1),
      'EnvelopeFormatError',
      'bad_stanza',
    ),
    bad(
      'WRAPPED with stanzaCount 0',
      v10,
      withByte(v10.bytes, 29, 0),
      'EnvelopeFormatError',
      'bad_stanza',
    ),
    bad(
      'SYMMETRIC stanza body of 103 bytes',
      v10,
      concatBytes(wrappedFixed(1), rawStanza(0x01, f.kek.kid, r(103)), filler),
      'EnvelopeFormatError',
      'bad_stanza',
    ),
    bad(
      'PASSPHRASE stanza not alone',
      v8,
      concatBytes(
        wrappedFixed(2),
        v8.bytes.subarray(30, 30 + 5 + 22 + 104),
        rawStanza(0x01, f.kek.kid, r(104)),
        filler,
      ),
      'EnvelopeFormatError',
      'bad_stanza',
    ),
    bad(
      'WRAPPED with a non-zero kid',
      v10,
      withByte(v10.bytes, 13, 0x01),
      'EnvelopeFormatError',
      'bad_kid',
    ),
    bad(
      '33 stanzas',
      v10,
      concatBytes(wrappedFixed(33), filler),
      'EnvelopeFormatError',
      'too_many_stanzas',
    ),
    bad(
      'stanza args run past 16 KiB',
      v10,
      concatBytes(wrappedFixed(1), new Uint8Array([0x7f, 0xff, 0xff]), filler),
      'EnvelopeFormatError',
      'header_too_large',
    ),
    bad(
      'cut inside the fixed header',
      v1,
      v1.bytes.subarray(0, 20),
      'EnvelopeFormatError',
      'truncated',
    ),
    bad(
      'body shorter than 72 bytes',
      v1,
      v1.bytes.subarray(0, v1.bytes.length - 1),
      'EnvelopeFormatError',
      'truncated',
    ),
    bad(
      'final empty chunk removed (body ends at a full chunk)',
      v3,
      v3.bytes.subarray(0, v3.bytes.length - 16),
      'EnvelopeFormatError',
      'bad_length',
    ),
    bad(
      'PASSPHRASE memory 32 MiB (below the floor)',
      v8,
      withByte(withByte(v8.bytes, PASSPHRASE_MEMORY + 1, 0x00), PASSPHRASE_MEMORY + 2, 0x80),
      'EnvelopeFormatError',
      'kdf_params_out_of_range',
    ),
    bad(
      'PASSPHRASE iterations 11',
      v8,
      withByte(v8.bytes, PASSPHRASE_MEMORY + 4, 11),
      'EnvelopeFormatError',
      'kdf_params_out_of_range',
    ),
    bad(
      'unsigned envelope with requireSignature',
      v1,
      v1.bytes,
      'EnvelopeFormatError',
      'not_signed',
      {
        ...v1.credentials,
        requireSignature: true,
      },
    ),
    bad('keyring has the kid at another epoch', v1, v1.bytes, 'KeyNotFoundError', undefined, {
      context: v1.credentials.context,
      key: { ...f.vaultKey, epoch: 2 },
    }),
    bad('no stanza for the reader', v7, v7.bytes, 'KeyNotFoundError', undefined, {
      ...v7.credentials,
      x25519Keys: [{ ...f.bob, kid: r(16) }],
    }),
    bad('signer not trusted', v6, v6.bytes, 'KeyNotFoundError', undefined, {
      ...v6.credentials,
      trustedSigners: [{ kid: r(16), publicKey: f.signer.publicKey }],
    }),
    bad('wrong key for kid and epoch', v1, v1.bytes, 'DecryptionError', undefined, {
      ...v1.credentials,
      key: { ...f.vaultKey, key: r(32) },
    }),
    bad(
      'record moved to another recordId (wrong appContext)',
      v2,
      v2.bytes,
      'DecryptionError',
      undefined,
      {
        ...v2.credentials,
        context: concatBytes(v2.credentials.context.subarray(0, 33), r(16)),
      },
    ),
    bad('bit flipped in a chunk', v3, flipBit(v3.bytes, 30 + 56 + 100), 'DecryptionError'),
    bad('bit flipped in the commitment', v3, flipBit(v3.bytes, 30 + 30), 'DecryptionError'),
    bad('signature bit flipped', v6, flipBit(v6.bytes, v6.bytes.length - 1), 'DecryptionError'),
    bad(
      'header epoch changed (keyring holds the key at both epochs)',
      v1,
      concatBytes(v1.bytes.subarray(0, 9), u32be(2), v1.bytes.subarray(13)),
      'DecryptionError',
      undefined,
      {
        context: v1.credentials.context,
        key: { ...f.vaultKey, epoch: 2 },
      },
    ),
    bad(
      'SYMMETRIC stanza body bit flipped',
      v10,
      flipBit(v10.bytes, 30 + 5 + 16 + 2 + 60),
      'DecryptionError',
    ),
    bad(
      'X25519 stanza opened with the wrong private key',
      v7,
      v7.bytes,
      'DecryptionError',
      undefined,
      {
        ...v7.credentials,
        x25519Keys: [{ ...f.alice, kid: f.bob.kid }],
      },
    ),
    bad('one trailing byte', v1, concatBytes(v1.bytes, new Uint8Array([0])), 'DecryptionError'),
    bad(
      'one byte inserted before the footer',
      v6,
      concatBytes(
        v6.bytes.subarray(0, v6.bytes.length - 80),
        r(1),
        v6.bytes.subarray(v6.bytes.length - 80),
      ),
      'DecryptionError',
    ),
  ];
}
