/**
 * How the web app's record kinds map onto record types and JSON values, shared
 * with the CLI so that a value written by one reads back byte-identical in the
 * other: text is a JSON string of type `text/plain; charset=utf-8` (the CLI's
 * TEXT_TYPE), JSON is the parsed value of type `application/json`, a secret
 * is a JSON string of its own type, and a file is a record with a blob.
 */
import type { InlineContent, RecordContent, RecordKind } from './types.ts';

export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const JSON_TYPE = 'application/json';
export const SECRET_TYPE = 'text/plain; charset=utf-8; coffer=secret';
export const BINARY_TYPE = 'application/octet-stream';

/** Records whose names start with this are the apps' own (the vault's name). */
export const RESERVED_PREFIX = '.coffer/';
export const VAULT_NAME_RECORD = '.coffer/vault';

/** What an SDK record entry looks like to this module. */
export interface EntryShape {
  type: string;
  value: unknown;
  blob?: { blobId: string; size: number };
}

export function kindOf(entry: Pick<EntryShape, 'type' | 'blob'>): RecordKind {
  if (entry.blob) return 'file';
  if (entry.type === SECRET_TYPE) return 'secret';
  if (entry.type === JSON_TYPE) return 'json';
  return 'text';
}

/** The content the UI shows for an entry. */
export function contentOf(entry: EntryShape): RecordContent {
  const kind = kindOf(entry);
  if (kind === 'file') return { kind, size: entry.blob?.size ?? 0 };
  if (kind === 'json') return { kind, text: JSON.stringify(entry.value, null, 2) };
  return {
    kind,
    text: typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value),
  };
}

/** The SDK value and type to write for UI content (JSON was validated by the editor). */
export function toSdkValue(content: InlineContent): { value: unknown; type: string } {
  if (content.kind === 'json') return { value: JSON.parse(content.text), type: JSON_TYPE };
  if (content.kind === 'secret') return { value: content.text, type: SECRET_TYPE };
  return { value: content.text, type: TEXT_TYPE };
}
