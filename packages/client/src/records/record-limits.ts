/**
 * What `records.put` refuses before queueing: a value that JSON cannot carry,
 * and a record the server would never take. Queued anyway, such a write stayed
 * pending for ever (retried, refused again) while reads showed it as written.
 */
import { WIRE_LIMITS } from '@coffer/protocol';
import { CofferClientError } from '../transport/errors.ts';

/**
 * The JSON text of a record value; `bad_argument` for what JSON cannot carry
 * (`undefined`, a function or symbol alone, a BigInt, a circular structure).
 *
 * @example
 * const text = recordJson({ theme: 'dark' }); // '{"theme":"dark"}'
 */
export function recordJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // The engine's message may quote property names; the cause keeps it.
    throw new CofferClientError(
      'bad_argument',
      'a record value must be JSON (this one holds a BigInt or a circular reference)',
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new CofferClientError(
      'bad_argument',
      'a record value must be JSON (undefined, a function or a symbol is not); use null for no value',
    );
  }
  return text;
}

/** Characters of the text armor (`cfr1.` + unpadded base64url) of `bytes` envelope bytes. */
const armoredChars = (bytes: number) => 5 + Math.ceil((bytes * 4) / 3);

/**
 * Refuse a sealed record envelope larger than the protocol lets a server
 * accept (`WIRE_LIMITS.maxRecordEnvelopeChars`, about 256 KiB).
 *
 * @example
 * checkRecordSize(envelope); // throws bad_argument when too large
 */
export function checkRecordSize(envelope: Uint8Array): void {
  const chars = armoredChars(envelope.byteLength);
  if (chars > WIRE_LIMITS.maxRecordEnvelopeChars) {
    throw new CofferClientError(
      'bad_argument',
      `the record is too large: sealed it takes ${chars} characters, a Coffer server accepts at most ${WIRE_LIMITS.maxRecordEnvelopeChars} (about 256 KiB of content); store large content as a blob (client.blobs.put)`,
    );
  }
}
