import { EnvelopeFormatError } from '../errors.ts';

/**
 * PADMÉ (Nikitin et al., PETS 2019): round `length` up so that only the top
 * ~log2(log2(length)) + 1 bits may be set; overhead at most ~12%, and the
 * padded size leaks O(log log L) bits instead of O(log L).
 *
 * padme(L) for L >= 2: E = floor(log2 L), S = floor(log2 E) + 1,
 * z = E - S, result = ceil(L / 2^z) * 2^z. padme(0) = 0, padme(1) = 1.
 *
 * @example
 * padme(1000); // 1024
 */
export function padme(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('bad length');
  if (length < 2) return length;
  const e = Math.floor(Math.log2(length));
  const s = Math.floor(Math.log2(e)) + 1;
  const unit = 2 ** (e - s);
  return Math.ceil(length / unit) * unit;
}

/**
 * Pad an encoded record: `u32(len(encoded)) ‖ encoded ‖ zero bytes`, total
 * length padme(4 + len(encoded)).
 */
export function padRecordPlaintext(encoded: Uint8Array): Uint8Array {
  if (encoded.length > 0xffff_ffff - 4) throw new RangeError('record too large');
  const out = new Uint8Array(padme(4 + encoded.length));
  new DataView(out.buffer).setUint32(0, encoded.length);
  out.set(encoded, 4);
  return out;
}

/**
 * Recover the encoded record from a padded plaintext. The padding must be
 * canonical (exact PADMÉ length, all zeros): one padded form per record.
 */
export function unpadRecordPlaintext(padded: Uint8Array): Uint8Array {
  if (padded.length < 4) throw new EnvelopeFormatError('bad_record', 'padded record too short');
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (4 + length > padded.length || padme(4 + length) !== padded.length) {
    throw new EnvelopeFormatError('bad_record', 'record padding is not canonical');
  }
  for (let i = 4 + length; i < padded.length; i++) {
    if (padded[i] !== 0) throw new EnvelopeFormatError('bad_record', 'record padding is not zero');
  }
  return padded.subarray(4, 4 + length);
}
