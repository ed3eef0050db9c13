import { concatBytes, u16be } from '../src/bytes.ts';

/** A copy of `bytes` with byte `offset` replaced (or XORed with `xor`). */
export function withByte(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] = value;
  return copy;
}

export function flipBit(bytes: Uint8Array, offset: number, mask = 1): Uint8Array {
  const copy = bytes.slice();
  copy[offset]! ^= mask;
  return copy;
}

/** A 30-byte fixed header followed by raw stanza bytes and filler. */
export function rawEnvelope(fixed: Uint8Array, ...rest: Uint8Array[]): Uint8Array {
  return concatBytes(fixed, ...rest);
}

/** Stanza bytes with arbitrary lengths (for malformed cases). */
export function rawStanza(type: number, args: Uint8Array, body: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([type]), u16be(args.length), args, u16be(body.length), body);
}
