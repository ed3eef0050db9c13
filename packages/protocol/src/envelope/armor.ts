import { EnvelopeFormatError } from '../errors.ts';

const PREFIX = 'cfr1.';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/**
 * Text armor of an envelope: `"cfr1." ‖ base64url(bytes)` without padding.
 *
 * @example
 * const text = encodeArmor(envelope); // "cfr1.Q0ZSAQAB..."
 */
export function encodeArmor(bytes: Uint8Array): string {
  let out = PREFIX;
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[(n >>> 18) & 63]! +
      ALPHABET[(n >>> 12) & 63]! +
      ALPHABET[(n >>> 6) & 63]! +
      ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[(n >>> 18) & 63]! + ALPHABET[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[(n >>> 18) & 63]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
  }
  return out;
}

function badArmor(message: string): never {
  throw new EnvelopeFormatError('bad_armor', message);
}

/**
 * Decode armor strictly: the `cfr1.` prefix, then base64url with no padding,
 * no whitespace, no other characters, and zero trailing bits (one canonical
 * text per byte string).
 *
 * @example
 * const envelope = decodeArmor(text);
 */
export function decodeArmor(text: string): Uint8Array {
  if (!text.startsWith(PREFIX)) badArmor('armor must start with "cfr1."');
  const length = text.length - PREFIX.length;
  if (length % 4 === 1) badArmor('armor has an impossible length');
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let o = 0;
  for (let i = PREFIX.length; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? DECODE[code]! : -1;
    if (value < 0) badArmor('armor contains a character outside base64url');
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) badArmor('armor has non-canonical trailing bits');
  return out;
}
