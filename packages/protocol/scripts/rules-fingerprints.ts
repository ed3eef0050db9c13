import { fromHex, toHex } from '../src/bytes.ts';
import type { RandomSource } from '../src/envelope/random-source.ts';
import { fingerprint, fingerprintsEqual } from '../src/keys/fingerprint.ts';
import type { FingerprintCase } from './rules-case.ts';

// Public keys of RFC 7748 6.1 (Alice) and RFC 8032 TEST 1, as in SPEC.md 14.5.
const X25519_PK = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
const ED25519_PK = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

/**
 * Fingerprints (SPEC.md 14.6): a known answer under a server-assigned
 * account id (32 hex digits), and comparisons that pin the whitespace list
 * (exactly ECMAScript's `\s`: U+FEFF counts, U+0085 and U+001C do not) and
 * "exactly 60 ASCII digits on each side".
 */
export async function fingerprintCases(random: RandomSource): Promise<FingerprintCase[]> {
  const accountId = toHex(random(16));
  const fp = await fingerprint({
    accountId,
    x25519PublicKey: fromHex(X25519_PK),
    ed25519PublicKey: fromHex(ED25519_PK),
  });
  const groups = fp.split(' ');
  const joined = (sep: string) => groups.join(sep);
  const digit = fp.at(-1)!;
  const other = String((Number(digit) + 1) % 10);
  const comparisons: FingerprintCase['comparisons'] = [
    ['as shown', fp, true],
    ['no spaces', joined(''), true],
    ['tab, LF, VT, FF and CR', `\t${joined('\n')}\u000b\f\r`, true],
    ['U+00A0 NO-BREAK SPACE', joined('\u00a0'), true],
    [
      'U+1680, U+2000..U+200A',
      groups.map((g, i) => g + (i % 2 ? '\u1680' : '\u2005')).join(''),
      true,
    ],
    ['U+2028, U+2029, U+202F, U+205F', `${joined('\u2028')}\u2029\u202f\u205f`, true],
    ['U+3000 IDEOGRAPHIC SPACE', joined('\u3000'), true],
    ['U+FEFF (ECMAScript whitespace)', `\ufeff${joined('\ufeff')}`, true],
    ['U+0085 NEXT LINE (not ECMAScript whitespace)', joined('\u0085'), false],
    ['U+001C FILE SEPARATOR (not ECMAScript whitespace)', joined('\u001c'), false],
    ['U+180E MONGOLIAN VOWEL SEPARATOR (not whitespace)', joined('\u180e'), false],
    ['U+200B ZERO WIDTH SPACE (not whitespace)', joined('\u200b'), false],
    ['last digit changed', fp.slice(0, -1) + other, false],
    ['59 digits', fp.slice(0, -1), false],
    ['61 digits', fp + digit, false],
    [
      'fullwidth digits',
      fp.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))),
      false,
    ],
    [
      'Arabic-Indic digits',
      fp.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d))),
      false,
    ],
    ['a hyphen between groups', joined('-'), false],
  ].map(([name, b, equal]) => ({
    name: name as string,
    a: fp,
    b: b as string,
    equal: equal as boolean,
  }));
  comparisons.push(
    { name: 'both sides the same 5 digits (not 60)', a: '12345', b: '12345', equal: false },
    { name: 'both sides empty', a: '', b: '', equal: false },
  );
  for (const c of comparisons) {
    if (fingerprintsEqual(c.a, c.b) !== c.equal)
      throw new Error(`fingerprint comparison "${c.name}"`);
  }
  return [
    {
      name: 'RFC 7748 / RFC 8032 public keys under a server-assigned account id',
      accountId,
      x25519PublicKey: X25519_PK,
      ed25519PublicKey: ED25519_PK,
      fingerprint: fp,
      comparisons,
    },
  ];
}
