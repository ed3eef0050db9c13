import { concatBytes, u16be, utf8 } from '../bytes.ts';
import { sha512 } from '../primitives/sha.ts';
import { accountIdBytes, requireLength } from './input.ts';
import { LABEL_FINGERPRINT } from './labels.ts';

/** The public keys a person compares out of band, with the account they belong to. */
export interface FingerprintInput {
  /** The account id the keys are published under (binds keys to the account). */
  accountId: string;
  x25519PublicKey: Uint8Array;
  ed25519PublicKey: Uint8Array;
}

const GROUPS = 12;
const DIGITS = GROUPS * 5;

/**
 * A 60-digit fingerprint of an account's public keys, in 12 groups of 5
 * (about 199 bits), for reading aloud or comparing side by side:
 * `h = SHA-512("coffer/v1/fingerprint" ‖ 0x00 ‖ u16(len(accountId)) ‖ accountId ‖ x25519(32) ‖ ed25519(32))`;
 * group i = big-endian u40 of `h[5i .. 5i+5]` mod 100000, zero-padded to 5 digits.
 *
 * @example
 * const text = await fingerprint({ accountId, x25519PublicKey, ed25519PublicKey });
 * // "04217 93350 11806 ..." (12 groups)
 */
export async function fingerprint(keys: FingerprintInput): Promise<string> {
  const id = accountIdBytes(keys.accountId);
  const digest = await sha512(
    concatBytes(
      utf8(LABEL_FINGERPRINT),
      new Uint8Array([0]),
      u16be(id.length),
      id,
      requireLength(keys.x25519PublicKey, 32, 'X25519 public key'),
      requireLength(keys.ed25519PublicKey, 32, 'Ed25519 public key'),
    ),
  );
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let value = 0;
    // 5 bytes = 40 bits: exact in a double (< 2^53).
    for (let i = 0; i < 5; i++) value = value * 256 + digest[g * 5 + i]!;
    groups.push(String(value % 100_000).padStart(5, '0'));
  }
  return groups.join(' ');
}

function digitsOnly(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  return /^[0-9]+$/.test(compact) && compact.length === DIGITS ? compact : undefined;
}

/**
 * Compare two fingerprints in constant time, ignoring whitespace (people
 * type them with or without spaces and line breaks). Anything that is not
 * exactly 60 digits compares unequal.
 *
 * @example
 * if (!fingerprintsEqual(shown, typedByUser)) warnKeyChanged();
 */
export function fingerprintsEqual(a: string, b: string): boolean {
  const left = digitsOnly(a);
  const right = digitsOnly(b);
  if (left === undefined || right === undefined) return false;
  let diff = 0;
  for (let i = 0; i < DIGITS; i++) diff |= left.charCodeAt(i) ^ right.charCodeAt(i);
  return diff === 0;
}
