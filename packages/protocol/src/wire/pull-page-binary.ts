/**
 * The binary encoding of a pull page: the same content as the JSON
 * `PullResponse`, with envelopes as raw bytes instead of base64url armor
 * inside JSON. A page of 1 000 records of 1 KiB is ~1.2 MB instead of
 * ~1.65 MB, and a client reads it without building a 1.65 MB string, 1 000
 * armor strings and their objects (garbage that an initial sync of a large
 * vault otherwise spends a sizeable share of its time collecting).
 *
 * Negotiated, never assumed: a client that can read it asks with
 * `Accept: application/vnd.coffer.pull-page.v1, application/json`; a server
 * that knows it answers with that `Content-Type`, any other server (or any
 * other client) keeps JSON. Problems stay `application/problem+json`.
 *
 * Layout: {@link PULL_PAGE_BINARY_LAYOUT} (normative; the OpenAPI document
 * of the pull route carries the same text for implementers in other languages).
 *
 * The decoder is the edge parser of this answer (as the zod schema is of the
 * JSON one): anything else is a {@link SchemaError}; it never returns a page
 * the JSON schema would refuse (ids are lower-case hex of 16 bytes, integers
 * in the schema's ranges, an envelope no longer than the armor limit allows).
 */
import { SchemaError } from '../errors.ts';
import { WIRE_LIMITS } from './limits.ts';

/** The media type of the binary pull page (request it in `Accept`, find it in `Content-Type`). */
export const PULL_PAGE_BINARY_TYPE = 'application/vnd.coffer.pull-page.v1';

/**
 * Largest envelope the JSON schema admits: `cfr1.` and at most
 * `maxRecordEnvelopeChars - 5` characters of unpadded base64url.
 */
export const MAX_RECORD_ENVELOPE_BYTES = Math.floor(
  ((WIRE_LIMITS.maxRecordEnvelopeChars - 5) * 3) / 4,
);

/**
 * The byte layout of {@link PULL_PAGE_BINARY_TYPE}, normative, as published in
 * the OpenAPI document (Markdown). The decoder below implements exactly this.
 */
export const PULL_PAGE_BINARY_LAYOUT = `Binary pull page \`${PULL_PAGE_BINARY_TYPE}\`: the same content as the JSON answer, envelopes as raw bytes. A client asks for it with \`Accept: ${PULL_PAGE_BINARY_TYPE}, application/json\`; a server that does not know it answers JSON, so a client must read whichever \`Content-Type\` comes back. Problems stay \`application/problem+json\`. Integers are big-endian; ids are 16 raw bytes (the JSON's lower-case hex); an envelope is the bytes its \`cfr1.\` armor encodes.

    magic      4  "CPP1"
    flags      1  bit 0: hasMore; every other bit 0
    nextCursor 8  u64, at most 2^53 - 1
    count      4  u32, at most ${WIRE_LIMITS.maxPullLimit}
    count times:
      seq       8  u64, at most 2^53 - 1
      revision  8  u64, 1 .. 2^53 - 1
      epoch     4  u32
      flags     1  bit 0: deleted; bit 1: an envelope follows; every other bit 0
      recordId 16
      authorId 16
      (bit 1)   length 4  u32, 1 .. ${MAX_RECORD_ENVELOPE_BYTES}; then the envelope
    nothing after the last change

A reader refuses the whole page on any deviation (unknown flag bits, a value out of range, a short or long buffer), as it would refuse JSON that fails the schema.`;

const MAGIC = [0x43, 0x50, 0x50, 0x31]; // "CPP1"
const PAGE_HEAD = 4 + 1 + 8 + 4;
const CHANGE_HEAD = 8 + 8 + 4 + 1 + 16 + 16;
const DELETED = 1;
const HAS_ENVELOPE = 2;

/** One change with its envelope as bytes (null: a tombstone). */
export interface BinaryChange {
  seq: number;
  recordId: string;
  revision: number;
  epoch: number;
  envelope: Uint8Array | null;
  deleted: boolean;
  authorId: string;
}

/** A decoded page; each envelope is a view into the decoded buffer (not a copy). */
export interface BinaryPullPage {
  changes: BinaryChange[];
  nextCursor: number;
  hasMore: boolean;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexOf(bytes: Uint8Array, at: number): string {
  let out = '';
  for (let i = at; i < at + 16; i++) out += HEX[bytes[i]!];
  return out;
}

/** Value of a lower-case hex digit's char code, or -1. */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

function writeHexId(out: Uint8Array, at: number, hex: string): void {
  let ok = hex.length === 32;
  for (let i = 0; ok && i < 16; i++) {
    const high = hexValue(hex.charCodeAt(2 * i));
    const low = hexValue(hex.charCodeAt(2 * i + 1));
    ok = high >= 0 && low >= 0;
    out[at + i] = (high << 4) | low;
  }
  if (!ok) throw new RangeError('an id must be 32 lower-case hex digits');
}

function writeU64(view: DataView, at: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('an integer is out of range');
  view.setUint32(at, Math.floor(value / 2 ** 32));
  view.setUint32(at + 4, value % 2 ** 32);
}

function invalid(what: string): never {
  throw new SchemaError(`pull page: ${what}`, [{ path: '', message: what }]);
}

function readU64(view: DataView, at: number): number {
  const high = view.getUint32(at);
  // 2^53 - 1 is the largest value: the high word has at most 21 bits.
  if (high > 0x1f_ffff) invalid('an integer is out of range');
  return high * 2 ** 32 + view.getUint32(at + 4);
}

/**
 * Encode a page of changes (the server side; a change outside the schema's
 * ranges is a programming error there: RangeError).
 *
 * @example
 * const body = encodeBinaryPullPage(changes, nextCursor, hasMore);
 * reply.type(PULL_PAGE_BINARY_TYPE).send(body);
 */
export function encodeBinaryPullPage(
  changes: ReadonlyArray<BinaryChange>,
  nextCursor: number,
  hasMore: boolean,
): Uint8Array {
  let size = PAGE_HEAD;
  for (const c of changes) size += CHANGE_HEAD + (c.envelope ? 4 + c.envelope.length : 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  out[4] = hasMore ? 1 : 0;
  writeU64(view, 5, nextCursor);
  view.setUint32(13, changes.length);
  let at = PAGE_HEAD;
  for (const c of changes) {
    writeU64(view, at, c.seq);
    writeU64(view, at + 8, c.revision);
    view.setUint32(at + 16, c.epoch);
    out[at + 20] = (c.deleted ? DELETED : 0) | (c.envelope ? HAS_ENVELOPE : 0);
    writeHexId(out, at + 21, c.recordId);
    writeHexId(out, at + 37, c.authorId);
    at += CHANGE_HEAD;
    if (c.envelope) {
      view.setUint32(at, c.envelope.length);
      out.set(c.envelope, at + 4);
      at += 4 + c.envelope.length;
    }
  }
  return out;
}

/**
 * Decode a binary pull page, or throw {@link SchemaError}. Envelopes are
 * views into `bytes`, which the caller must not change afterwards.
 *
 * @example
 * const page = decodeBinaryPullPage(new Uint8Array(await response.arrayBuffer()));
 */
export function decodeBinaryPullPage(bytes: Uint8Array): BinaryPullPage {
  const fail = invalid;
  if (bytes.length < PAGE_HEAD) fail('truncated');
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) fail('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pageFlags = bytes[4]!;
  if (pageFlags > 1) fail('unknown flags');
  const nextCursor = readU64(view, 5);
  const count = view.getUint32(13);
  if (count > WIRE_LIMITS.maxPullLimit) fail('too many changes');
  const changes: BinaryChange[] = [];
  let at = PAGE_HEAD;
  for (let i = 0; i < count; i++) {
    if (at + CHANGE_HEAD > bytes.length) fail('truncated');
    const flags = bytes[at + 20]!;
    if (flags > (DELETED | HAS_ENVELOPE)) fail('unknown flags');
    const revision = readU64(view, at + 8);
    if (revision < 1) fail('a revision is below 1');
    const change: BinaryChange = {
      seq: readU64(view, at),
      recordId: hexOf(bytes, at + 21),
      revision,
      epoch: view.getUint32(at + 16),
      envelope: null,
      deleted: (flags & DELETED) !== 0,
      authorId: hexOf(bytes, at + 37),
    };
    at += CHANGE_HEAD;
    if (flags & HAS_ENVELOPE) {
      if (at + 4 > bytes.length) fail('truncated');
      const length = view.getUint32(at);
      if (length < 1 || length > MAX_RECORD_ENVELOPE_BYTES) fail('an envelope has a bad length');
      if (at + 4 + length > bytes.length) fail('truncated');
      change.envelope = bytes.subarray(at + 4, at + 4 + length);
      at += 4 + length;
    }
    changes.push(change);
  }
  if (at !== bytes.length) fail('trailing bytes');
  return { changes, nextCursor, hasMore: pageFlags === 1 };
}
