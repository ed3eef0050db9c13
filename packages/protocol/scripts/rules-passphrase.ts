import { concatBytes, utf8 } from '../src/bytes.ts';
import { encodeFixedHeader } from '../src/envelope/prepare.ts';
import { ARGON2ID_FLOOR } from '../src/primitives/argon2id.ts';
import { type GoldenCase, invalidCase } from './golden-case.ts';
import { type Fixture, seal } from './golden-fixtures.ts';
import type { RuleEnvelopeCase } from './rules-case.ts';

// PASSPHRASE stanza args in a one-stanza envelope: salt(33..48) memoryKiB(49..52) t(53) p(54).
const MEMORY = 49;
const ITERATIONS = 53;
const PARALLELISM = 54;

/**
 * Typed decomposed, with U+212B ANGSTROM SIGN and the ligature U+FB01; its NFC
 * is " \uFB01 Café Ångström " (NFC keeps the ligature, NFKC would not). Spaces are kept.
 */
export const NFD_PASSPHRASE = ' \uFB01 Cafe\u0301 \u212Bngstro\u0308m ';

function withParams(
  bytes: Uint8Array,
  params: { memoryKiB?: number; iterations?: number; parallelism?: number },
) {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  if (params.memoryKiB !== undefined) view.setUint32(MEMORY, params.memoryKiB);
  if (params.iterations !== undefined) copy[ITERATIONS] = params.iterations;
  if (params.parallelism !== undefined) copy[PARALLELISM] = params.parallelism;
  return copy;
}

/**
 * Argon2id bounds (SPEC.md 5, 7.1 step 5) and NFC passphrases (5, 14.4): one
 * valid envelope at exactly the floor, sealed under the NFC form and opened
 * with the NFD form; out-of-range copies that must fail at parse time (so a
 * reader that derives first hangs or runs out of memory instead); in-range
 * ceilings held without a passphrase (KeyNotFoundError, not a bounds error);
 * bounds checked before "PASSPHRASE not alone" (7.1 steps 5, 6).
 */
export async function passphraseCases(f: Fixture): Promise<RuleEnvelopeCase[]> {
  const nfc = NFD_PASSPHRASE.normalize('NFC');
  if (nfc === NFD_PASSPHRASE) throw new Error('the typed passphrase must not be NFC already');
  // The appContext of standalone files (`coffer encrypt`, SPEC.md 9).
  const context = concatBytes(utf8('coffer/v1/file'), new Uint8Array([0]));
  const floor = await seal(
    f,
    'PASSPHRASE stanza at exactly the floor (65536 KiB, t=3, p=1); sealed under the NFC passphrase, opened with it typed decomposed (e + U+0301, o + U+0308, U+212B ANGSTROM SIGN); the ligature U+FB01 stays (NFC, not NFKC); leading and trailing spaces kept',
    f.random(48),
    {
      contentType: 'blob',
      context,
      recipients: [{ type: 'passphrase', passphrase: nfc, params: ARGON2ID_FLOOR }],
    },
    { passphrase: NFD_PASSPHRASE },
  );
  const out: RuleEnvelopeCase[] = [{ ...floor.case, group: 'passphrase-nfc' }];

  const bounds = (
    name: string,
    params: Parameters<typeof withParams>[1],
    holds: boolean,
    error: NonNullable<GoldenCase['error']>,
    code?: string,
  ): RuleEnvelopeCase => ({
    ...invalidCase(
      name,
      floor.base,
      holds ? floor.credentials : { context },
      withParams(floor.bytes, params),
      error,
      code,
    ),
    group: 'kdf-bounds',
  });
  const out_ = 'kdf_params_out_of_range';
  out.push(
    bounds(
      'memoryKiB 65535 (one below the floor)',
      { memoryKiB: 65_535 },
      true,
      'EnvelopeFormatError',
      out_,
    ),
    bounds('memoryKiB 0', { memoryKiB: 0 }, true, 'EnvelopeFormatError', out_),
    bounds(
      'memoryKiB 1048577 (one above the ceiling)',
      { memoryKiB: 1_048_577 },
      true,
      'EnvelopeFormatError',
      out_,
    ),
    bounds(
      'memoryKiB 0xffffffff (4 TiB)',
      { memoryKiB: 0xffff_ffff },
      true,
      'EnvelopeFormatError',
      out_,
    ),
    bounds(
      'iterations 2 (one below the floor)',
      { iterations: 2 },
      true,
      'EnvelopeFormatError',
      out_,
    ),
    bounds('iterations 0', { iterations: 0 }, true, 'EnvelopeFormatError', out_),
    bounds('iterations 255', { iterations: 255 }, true, 'EnvelopeFormatError', out_),
    bounds('parallelism 0', { parallelism: 0 }, true, 'EnvelopeFormatError', out_),
    bounds(
      'parallelism 5 (one above the ceiling)',
      { parallelism: 5 },
      true,
      'EnvelopeFormatError',
      out_,
    ),
    bounds('parallelism 255', { parallelism: 255 }, true, 'EnvelopeFormatError', out_),
    bounds(
      'memoryKiB 65535, reader holds no passphrase (checked at parse time, before any credential)',
      { memoryKiB: 65_535 },
      false,
      'EnvelopeFormatError',
      out_,
    ),
    bounds(
      'memoryKiB 1048576 (the ceiling is allowed), reader holds no passphrase',
      { memoryKiB: 1_048_576 },
      false,
      'KeyNotFoundError',
    ),
    bounds(
      'iterations 10 (the ceiling is allowed), reader holds no passphrase',
      { iterations: 10 },
      false,
      'KeyNotFoundError',
    ),
    bounds(
      'parallelism 4 (the ceiling is allowed), reader holds no passphrase',
      { parallelism: 4 },
      false,
      'KeyNotFoundError',
    ),
    bounds(
      'all three at the ceiling (1048576 KiB, t=10, p=4), reader holds no passphrase',
      { memoryKiB: 1_048_576, iterations: 10, parallelism: 4 },
      false,
      'KeyNotFoundError',
    ),
  );
  const stanza = floor.bytes.subarray(30, 30 + 5 + 22 + 104);
  const notAlone = concatBytes(
    encodeFixedHeader(0x01, false, 0x02, 0, new Uint8Array(16), 2),
    withParams(concatBytes(new Uint8Array(30), stanza), { memoryKiB: 65_535 }).subarray(30),
    stanza,
    f.random(72),
  );
  out.push({
    ...invalidCase(
      'memoryKiB 65535 in a PASSPHRASE stanza that is not alone: the bounds are checked first',
      floor.base,
      floor.credentials,
      notAlone,
      'EnvelopeFormatError',
      out_,
    ),
    group: 'kdf-bounds',
  });
  return out;
}
