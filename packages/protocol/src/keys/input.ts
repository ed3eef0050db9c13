import { EnvelopeFormatError } from '../errors.ts';

/** Refuse a byte string of the wrong length with a typed `bad_argument` error. */
export function requireLength(value: Uint8Array, length: number, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new EnvelopeFormatError('bad_argument', `${what} must be ${length} bytes`);
  }
  return value;
}

/** Refuse anything but a u32 key epoch. */
export function requireEpoch(epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff) {
    throw new EnvelopeFormatError('bad_argument', 'epoch must be a u32');
  }
  return epoch;
}

/**
 * UTF-8 of an account id: the stable identifier the server assigned to the
 * account, 1..255 bytes, used as is (no normalisation: it is an identifier,
 * not something a person types).
 */
export function accountIdBytes(accountId: string): Uint8Array {
  const bytes = new TextEncoder().encode(accountId);
  if (bytes.length < 1 || bytes.length > 255) {
    throw new EnvelopeFormatError('bad_argument', 'accountId must be 1..255 UTF-8 bytes');
  }
  return bytes;
}
