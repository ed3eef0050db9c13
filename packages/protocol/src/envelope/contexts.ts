import { concatBytes, utf8 } from '../bytes.ts';
import { FIXED_HEADER_SIZE, LABEL_BODY, LABEL_SIG, LABEL_WRAP } from './constants.ts';

const ZERO = new Uint8Array([0]);
const BODY = utf8(LABEL_BODY);
const WRAP = utf8(LABEL_WRAP);
const SIG = utf8(LABEL_SIG);

/**
 * Cobblestone context of the body:
 * `"coffer/v1/body" ‖ 0x00 ‖ u32(len(header)) ‖ header ‖ u32(len(appContext)) ‖ appContext`.
 * The whole header is inside, so any header change breaks the commitment.
 */
export function bodyContext(header: Uint8Array, appContext: Uint8Array): Uint8Array {
  // Written in place: built once per record, where every allocation shows.
  const out = new Uint8Array(BODY.length + 1 + 4 + header.length + 4 + appContext.length);
  const view = new DataView(out.buffer);
  out.set(BODY);
  let at = BODY.length + 1; // the 0x00 separator is already zero
  view.setUint32(at, header.length);
  out.set(header, at + 4);
  at += 4 + header.length;
  view.setUint32(at, appContext.length);
  out.set(appContext, at + 4);
  return out;
}

/**
 * Context (Cobblestone) or AAD (HPKE) of a stanza:
 * `"coffer/v1/wrap" ‖ 0x00 ‖ fixedHeader(30 bytes, offsets 0..29) ‖ type ‖ args`.
 */
export function wrapContext(
  fixedHeader: Uint8Array,
  typeByte: number,
  args: Uint8Array,
): Uint8Array {
  if (fixedHeader.length < FIXED_HEADER_SIZE) throw new RangeError('fixed header is 30 bytes');
  return concatBytes(
    WRAP,
    ZERO,
    fixedHeader.subarray(0, FIXED_HEADER_SIZE),
    new Uint8Array([typeByte]),
    args,
  );
}

/** The message an Ed25519 footer signs: `"coffer/v1/sig" ‖ 0x00 ‖ SHA-512(header ‖ body)`. */
export function signatureMessage(digest: Uint8Array): Uint8Array {
  return concatBytes(SIG, ZERO, digest);
}
