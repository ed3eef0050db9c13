import { concatBytes, u32be, utf8 } from '../bytes.ts';
import { EnvelopeFormatError } from '../errors.ts';

/** Version byte of the record plaintext encoding. */
export const RECORD_ENCODING_VERSION = 1;

/** Reference from a record to a blob envelope (see SPEC.md "Blob envelopes"). */
export interface BlobRef {
  /** Random 16-byte id of the blob; never reused for other content. */
  blobId: Uint8Array;
  /** Plaintext size of the blob in bytes. */
  size: number;
}

/** Everything meaningful about a record; all of it travels inside the envelope. */
export interface RecordData {
  /** The record's name, as the user sees it. */
  name: string;
  /** Application-defined type, e.g. "note" or "application/json". */
  type: string;
  /** Inline content (may be empty, e.g. when `blob` holds the data). */
  content: Uint8Array;
  /** Client timestamps, milliseconds since the Unix epoch. */
  createdAt: number;
  updatedAt: number;
  /** kid of the author's signing key. */
  authorKid: Uint8Array;
  blob?: BlobRef;
  /**
   * When a write that waited (offline) was sealed again for sending, if it
   * was (SPEC.md 10.1, tag 0x10). Not an edit time: conflicts still order by
   * `updatedAt`. A replica's replay check takes the later of the two (see
   * {@link recordFreshness}), so a late create is not taken for a replay.
   */
  sealedAt?: number;
}

// 0x08 stays unassigned: the rules vectors use it as a later writer's unknown field.
const TAG = {
  name: 1,
  type: 2,
  createdAt: 3,
  updatedAt: 4,
  authorKid: 5,
  content: 6,
  blob: 7,
  sealedAt: 0x10,
};

/**
 * The time a version may not be predated by the version that replaces it:
 * the later of its edit time and the time it was sealed again for sending.
 *
 * @example
 * if (recordFreshness(incoming) < recordFreshness(held)) refuse('revision_rollback');
 */
export function recordFreshness(record: Pick<RecordData, 'updatedAt' | 'sealedAt'>): number {
  return Math.max(record.updatedAt, record.sealedAt ?? 0);
}

function field(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([tag]), u32be(value.length), value);
}

function u64(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('timestamp must be a u53');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

function bad(message: string): never {
  throw new EnvelopeFormatError('bad_record', message);
}

/**
 * Encode a record: `0x01 ‖ field*`, field = `tag u8 ‖ u32 length ‖ value`,
 * tags strictly increasing (SPEC.md "Record plaintext").
 *
 * @example
 * const bytes = encodeRecordPlaintext({ name: 'todo', type: 'note', content, createdAt, updatedAt, authorKid });
 */
export function encodeRecordPlaintext(record: RecordData): Uint8Array {
  if (record.authorKid.length !== 16) throw new RangeError('authorKid must be 16 bytes');
  const parts = [
    new Uint8Array([RECORD_ENCODING_VERSION]),
    field(TAG.name, utf8(record.name)),
    field(TAG.type, utf8(record.type)),
    field(TAG.createdAt, u64(record.createdAt)),
    field(TAG.updatedAt, u64(record.updatedAt)),
    field(TAG.authorKid, record.authorKid),
    field(TAG.content, record.content),
  ];
  if (record.blob) {
    if (record.blob.blobId.length !== 16) throw new RangeError('blobId must be 16 bytes');
    parts.push(field(TAG.blob, concatBytes(record.blob.blobId, u64(record.blob.size))));
  }
  if (record.sealedAt !== undefined) parts.push(field(TAG.sealedAt, u64(record.sealedAt)));
  return concatBytes(...parts);
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readU64(value: Uint8Array): number {
  const view = new DataView(value.buffer, value.byteOffset, 8);
  const high = view.getUint32(0);
  // At most 2^53 - 1: the high word has at most 21 bits.
  if (high > 0x1f_ffff) bad('integer too large');
  return high * 2 ** 32 + view.getUint32(4);
}

/**
 * Decode a record plaintext. Unknown tags (a later writer's optional fields)
 * are skipped; missing required fields, bad lengths, unordered tags or invalid
 * UTF-8 are `bad_record` format errors.
 *
 * @example
 * const record = decodeRecordPlaintext(bytes);
 */
export function decodeRecordPlaintext(bytes: Uint8Array): RecordData {
  if (bytes[0] !== RECORD_ENCODING_VERSION) bad('unsupported record encoding version');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // By tag (a byte): an array, not a Map, as this runs once per record opened.
  const fields: Array<Uint8Array | undefined> = [];
  let offset = 1;
  let lastTag = 0;
  while (offset < bytes.length) {
    if (offset + 5 > bytes.length) bad('record field header truncated');
    const tag = bytes[offset]!;
    const length = view.getUint32(offset + 1);
    if (tag <= lastTag) bad('record fields out of order');
    if (offset + 5 + length > bytes.length) bad('record field truncated');
    fields[tag] = bytes.subarray(offset + 5, offset + 5 + length);
    lastTag = tag;
    offset += 5 + length;
  }
  const get = (tag: number, length?: number): Uint8Array => {
    const value = fields[tag];
    if (!value) bad(`record field ${tag} missing`);
    if (length !== undefined && value.length !== length)
      bad(`record field ${tag} has a bad length`);
    return value;
  };
  const text = (tag: number): string => {
    const value = get(tag);
    try {
      return decoder.decode(value);
    } catch {
      return bad('record text is not valid UTF-8');
    }
  };
  const record: RecordData = {
    name: text(TAG.name),
    type: text(TAG.type),
    createdAt: readU64(get(TAG.createdAt, 8)),
    updatedAt: readU64(get(TAG.updatedAt, 8)),
    authorKid: get(TAG.authorKid, 16).slice(),
    content: get(TAG.content).slice(),
  };
  const blob = fields[TAG.blob];
  if (blob) {
    if (blob.length !== 24) bad('blob reference has a bad length');
    record.blob = { blobId: blob.slice(0, 16), size: readU64(blob.subarray(16)) };
  }
  if (fields[TAG.sealedAt]) record.sealedAt = readU64(get(TAG.sealedAt, 8));
  return record;
}
