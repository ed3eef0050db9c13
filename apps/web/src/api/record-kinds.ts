/**
 * The web app's view of the record-kind and vault-name conventions, which
 * live in the SDK (@coffer/client record-kinds) so that every app reads the
 * others' records the same: this file only maps them onto the UI's types.
 */
import {
  inlineRecord,
  RECORD_TYPES,
  RESERVED_NAME_PREFIX,
  recordKind,
  recordText,
} from '@coffer/client';
import type { InlineContent, RecordContent, RecordKind } from './types.ts';

/** The type of a file attached without one of its own. */
export const BINARY_TYPE = RECORD_TYPES.binary;

/** Records whose names start with this are the apps' own (the vault's name). */
export const RESERVED_PREFIX = RESERVED_NAME_PREFIX;

/** What an SDK record entry looks like to this module. */
export interface EntryShape {
  type: string;
  value: unknown;
  blob?: { blobId: string; size: number };
}

export function kindOf(entry: Pick<EntryShape, 'type' | 'blob'>): RecordKind {
  return recordKind(entry);
}

/** The content the UI shows for an entry. */
export function contentOf(entry: EntryShape): RecordContent {
  const kind = recordKind(entry);
  if (kind === 'file') return { kind, size: entry.blob?.size ?? 0 };
  return { kind, text: recordText(entry) };
}

/** The SDK value and type to write for UI content (JSON was validated by the editor). */
export function toSdkValue(content: InlineContent): { value: unknown; type: string } {
  return inlineRecord(content.kind, content.text);
}
