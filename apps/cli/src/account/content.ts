/**
 * How `put` stores bytes in a record and `get` gives them back exactly:
 * UTF-8 text as a JSON string (type text/plain), anything else base64
 * (type application/octet-stream). Records hold up to RECORD_LIMIT bytes.
 */
import { CliError } from '../cli/exit-codes.ts';

export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const BINARY_TYPE = 'application/octet-stream';
/** Records are at most ~256 KiB sealed; base64 grows binary by 4/3. */
export const RECORD_LIMIT = 180 * 1024;

export interface EncodedValue {
  type: string;
  value: string;
}

export function encodeValue(bytes: Uint8Array): EncodedValue {
  if (bytes.length > RECORD_LIMIT) {
    throw new CliError(
      'usage',
      'value_too_large',
      `value is ${bytes.length} bytes; inline values and stdin hold at most ${RECORD_LIMIT} bytes`,
      'store large content with --file PATH (streamed as a blob)',
    );
  }
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return { type: TEXT_TYPE, value: text.decode(bytes) };
  } catch {
    return { type: BINARY_TYPE, value: Buffer.from(bytes).toString('base64') };
  }
}

export function decodeValue(type: string, value: unknown): Uint8Array {
  if (typeof value !== 'string') return new TextEncoder().encode(JSON.stringify(value));
  if (type === BINARY_TYPE) return new Uint8Array(Buffer.from(value, 'base64'));
  return new TextEncoder().encode(value);
}
