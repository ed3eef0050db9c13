import { concatBytes, u16be } from '../src/bytes.ts';
import { encodeFixedHeader } from '../src/envelope/prepare.ts';
import { invalidCase } from './golden-case.ts';
import { type Fixture, seal } from './golden-fixtures.ts';
import type { RuleEnvelopeCase } from './rules-case.ts';

/**
 * Orderings of SPEC.md 7 that decide WHICH error a reader reports: a known
 * stanza type's lengths are checked only once the whole stanza has been read
 * (7.1 step 5), and the caller's expectations come before the key lookup
 * (7.2 before 7.3), so a reader without the key still reports them. And a
 * SIGNED envelope opened without a signature policy opens with no verified
 * signer (7, last paragraph).
 */
export async function readingOrderCases(f: Fixture): Promise<RuleEnvelopeCase[]> {
  const r = f.random;
  const base = await seal(f, 'DIRECT record', r(10), {
    contentType: 'record',
    key: f.vaultKey,
    context: r(20),
  });
  const fixed = encodeFixedHeader(0x01, false, 0x02, 0, new Uint8Array(16), 1);
  const wrapped = { mode: 'wrapped' as const, contentType: 'blob' as const, signed: false };
  const kek = { context: base.credentials.context, keks: [f.kek] };
  const group = 'reading-order' as const;
  const signed = await seal(f, 'SIGNED', r(10), {
    contentType: 'vault-head',
    key: f.vaultKey,
    context: r(20),
    signer: f.signer,
  });
  const { trustedSigners: _t, requireSignature: _r, signerKid: _s, ...noPolicy } = signed.case;
  return [
    {
      ...noPolicy,
      name: 'SIGNED envelope opened without a signature policy: opens, and no signer is reported as verified',
      group,
    },
    {
      ...invalidCase(
        'SYMMETRIC stanza with argsLen 17 whose body runs past the end: truncated, not bad_stanza',
        wrapped,
        kek,
        concatBytes(fixed, new Uint8Array([0x01]), u16be(17), r(17), u16be(104), r(50)),
        'EnvelopeFormatError',
        'truncated',
      ),
      group,
    },
    {
      ...invalidCase(
        'SYMMETRIC stanza with argsLen 17 whose body runs past 16 KiB: header_too_large, not bad_stanza',
        wrapped,
        kek,
        concatBytes(fixed, new Uint8Array([0x01]), u16be(17), r(17), u16be(0xffff), r(72)),
        'EnvelopeFormatError',
        'header_too_large',
      ),
      group,
    },
    {
      ...invalidCase(
        'unsigned, signature required, reader holds no key: not_signed comes before the key lookup',
        base.base,
        { context: base.credentials.context, requireSignature: true },
        base.bytes,
        'EnvelopeFormatError',
        'not_signed',
      ),
      group,
    },
    {
      ...invalidCase(
        'record opened as blob, reader holds no key: unexpected_content_type comes before the key lookup',
        base.base,
        { context: base.credentials.context, expectContentType: 'blob' },
        base.bytes,
        'EnvelopeFormatError',
        'unexpected_content_type',
      ),
      group,
    },
  ];
}
