/**
 * The few DER (X.690) encoders a self-signed X.509 certificate needs. Small on
 * purpose: a certificate is built from these and checked by parsing it back
 * with Node's own X509Certificate.
 */

function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with the given tag byte. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Buffer.concat([Uint8Array.of(tag), lengthBytes(body.length), body]);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, ...items);
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
export const utf8String = (text: string): Uint8Array => tlv(0x0c, Buffer.from(text, 'utf8'));
export const booleanTrue = (): Uint8Array => tlv(0x01, Uint8Array.of(0xff));
/** BIT STRING with no unused bits. */
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0), bytes);
/** Context-specific constructed [n] (EXPLICIT tagging). */
export const explicit = (n: number, content: Uint8Array): Uint8Array => tlv(0xa0 | n, content);
/** Context-specific primitive [n] (IMPLICIT tagging of a primitive). */
export const implicitPrimitive = (n: number, bytes: Uint8Array): Uint8Array => tlv(0x80 | n, bytes);

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  // A leading 1 bit would make it negative: prefix a zero byte.
  const body = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Uint8Array.of(0), trimmed]) : trimmed;
  return tlv(0x02, body);
}

/** OBJECT IDENTIFIER from dotted text. */
export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = parts;
  const out = [first * 40 + second];
  for (const part of rest) {
    const chunk: number[] = [];
    let n = part;
    do {
      chunk.unshift(n & 0x7f);
      n = Math.floor(n / 128);
    } while (n > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** UTCTime before 2050, GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5). */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  if (date.getUTCFullYear() < 2050) return tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'));
  return tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}
