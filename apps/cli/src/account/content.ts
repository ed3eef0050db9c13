/**
 * How `put` stores bytes in a record and `get` gives them back exactly: the
 * SDK's shared encoding (UTF-8 text as text, anything else base64, see
 * @coffer/client record-kinds), within the CLI's RECORD_LIMIT.
 */
import { bytesRecord, RECORD_TYPES, recordBytes } from '@coffer/client';
import { CliError } from '../cli/exit-codes.ts';

export const TEXT_TYPE = RECORD_TYPES.text;
export const BINARY_TYPE = RECORD_TYPES.binary;
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
  return bytesRecord(bytes);
}

export function decodeValue(type: string, value: unknown): Uint8Array {
  return recordBytes({ type, value });
}
