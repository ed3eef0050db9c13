import { toHex } from '../src/bytes.ts';
import { decodeArmor, encodeArmor } from '../src/envelope/armor.ts';
import type { RandomSource } from '../src/envelope/random-source.ts';
import type { ArmorCase } from './rules-case.ts';

/**
 * Armor edge cases of SPEC.md 6: canonical texts of 0..4-byte inputs and of
 * bytes that use `-` and `_`, and one text per rejection rule. The expected
 * outcome is what decodeArmor does (checked here before writing).
 */
export function armorCases(random: RandomSource): ArmorCase[] {
  const valid = (name: string, bytes: Uint8Array): ArmorCase => ({
    name,
    armor: encodeArmor(bytes),
    bytes: toHex(bytes),
    result: 'valid',
  });
  const three = random(3);
  const forty = random(40);
  const a40 = encodeArmor(forty); // 54 characters: the last one carries 2 spare bits
  const a1 = encodeArmor(new Uint8Array([0xff])); // "cfr1./w": 4 spare bits
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const flipLast = (text: string, mask: number) =>
    text.slice(0, -1) + alphabet[alphabet.indexOf(text.at(-1)!) ^ mask]!;
  const invalid = (name: string, armor: string): ArmorCase => ({
    name,
    armor,
    result: 'invalid',
    error: 'EnvelopeFormatError',
    code: 'bad_armor',
  });
  const cases: ArmorCase[] = [
    valid('empty byte string: the prefix alone', new Uint8Array(0)),
    valid('1 byte (2 characters, 4 zero trailing bits)', new Uint8Array([0xff])),
    valid('2 bytes (3 characters, 2 zero trailing bits)', new Uint8Array([0xfb, 0xff])),
    valid('3 bytes (4 characters, no trailing bits)', three),
    valid("bytes that encode as '-' and '_' only", new Uint8Array([0xfb, 0xef, 0xbe, 0xff, 0xff])),
    valid('40 bytes', forty),
    invalid('no prefix (bare base64url)', a40.slice(5)),
    invalid('prefix in upper case', `CFR1.${a40.slice(5)}`),
    invalid('prefix cfr2.', `cfr2.${a40.slice(5)}`),
    invalid('prefix without the dot', `cfr1${a40.slice(5)}`),
    invalid('space before the prefix', ` ${a40}`),
    invalid("'=' padding after a 2-character group", `${a1}==`),
    invalid("'=' padding after a 3-character group", `${a40}=`),
    invalid('line break inside', `${a40.slice(0, 20)}\n${a40.slice(20)}`),
    invalid('CRLF at the end', `${a40}\r\n`),
    invalid('trailing LF', `${a40}\n`),
    invalid('tab inside', `${a40.slice(0, 9)}\t${a40.slice(9)}`),
    invalid("standard alphabet '+'", `cfr1.+${a40.slice(6)}`),
    invalid("standard alphabet '/'", `${a40.slice(0, 12)}/${a40.slice(13)}`),
    invalid("'.' after the prefix", `cfr1..${a40.slice(5)}`),
    invalid('non-ASCII letter (U+00E9)', `${a40.slice(0, 10)}é${a40.slice(11)}`),
    invalid('fullwidth A (U+FF21)', `${a40.slice(0, 10)}\uff21${a40.slice(11)}`),
    invalid('NUL character', `${a40.slice(0, 10)}\u0000${a40.slice(11)}`),
    invalid('length 1 mod 4 (one character)', 'cfr1.A'),
    invalid('length 1 mod 4 (five characters)', 'cfr1.AAAAA'),
    invalid('non-zero trailing bits, 1-byte tail', flipLast(a1, 1)),
    invalid('non-zero trailing bits, 2-byte tail', flipLast(a40, 1)),
  ];
  for (const c of cases) {
    const outcome = (() => {
      try {
        return toHex(decodeArmor(c.armor));
      } catch (error) {
        return (error as { code?: string }).code;
      }
    })();
    if (outcome !== (c.result === 'valid' ? c.bytes : c.code)) {
      throw new Error(`armor case "${c.name}" gives ${outcome}`);
    }
  }
  return cases;
}
