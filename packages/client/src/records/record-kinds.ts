/**
 * The conventions every Coffer app follows inside a vault, so that a record
 * written by one app (the web app, the CLI, another team's) reads back the
 * same in every other: how a record's kind (text, JSON, secret, file) is told
 * by its type and value, how raw bytes are kept in an inline record, and
 * which names are reserved (the vault's own name lives in one). These are
 * stored encodings: they gain new cases, never new meanings.
 */

/** The record types the apps write. */
export const RECORD_TYPES = {
  /** A JSON string of UTF-8 text. */
  text: 'text/plain; charset=utf-8',
  /** The parsed JSON value itself. */
  json: 'application/json',
  /** A JSON string the apps hide until asked. */
  secret: 'text/plain; charset=utf-8; coffer=secret',
  /** Bytes that are not UTF-8: a padded base64 string inline, or a blob's type. */
  binary: 'application/octet-stream',
} as const;

/** What an app shows a record as. */
export type RecordKind = 'text' | 'json' | 'secret' | 'file';
/** The kinds whose content is the record's own value (a file's is a blob). */
export type InlineRecordKind = Exclude<RecordKind, 'file'>;

/** Record names starting with this belong to the apps, not the user (hidden from lists). */
export const RESERVED_NAME_PREFIX = '.coffer/';
/** The record holding the vault's name as `{ name }`: the server knows vaults only by id. */
export const VAULT_NAME_RECORD = '.coffer/vault';

/**
 * The kind of a record: a blob makes it a file whatever its type; any type
 * the apps do not know (older or foreign writers) shows as text.
 *
 * @example
 * recordKind({ type: RECORD_TYPES.json }); // 'json'
 */
export function recordKind(entry: { type: string; blob?: unknown }): RecordKind {
  if (entry.blob !== undefined && entry.blob !== null) return 'file';
  if (entry.type === RECORD_TYPES.secret) return 'secret';
  if (entry.type === RECORD_TYPES.json) return 'json';
  return 'text';
}

/**
 * The text an app shows for an inline record: JSON pretty-printed (two
 * spaces), a string value as it is, any other value as compact JSON.
 *
 * @example
 * recordText({ type: RECORD_TYPES.json, value: { a: 1 } }); // '{\n  "a": 1\n}'
 */
export function recordText(entry: { type: string; value: unknown }): string {
  if (entry.type === RECORD_TYPES.json) return JSON.stringify(entry.value, null, 2);
  return typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value);
}

/**
 * The type and value to write for text a user typed as `kind`. JSON is
 * parsed (a SyntaxError for text that is not JSON: validate before).
 *
 * @example
 * const { type, value } = inlineRecord('json', '{"a":1}'); // value { a: 1 }
 * await client.records.put(vaultId, 'config', value, { type });
 */
export function inlineRecord(
  kind: InlineRecordKind,
  text: string,
): { type: string; value: unknown } {
  if (kind === 'json') return { type: RECORD_TYPES.json, value: JSON.parse(text) as unknown };
  return { type: kind === 'secret' ? RECORD_TYPES.secret : RECORD_TYPES.text, value: text };
}

/**
 * Raw bytes as an inline record, so they read back exactly: valid UTF-8 as
 * text, anything else as padded base64 of type binary.
 *
 * @example
 * bytesRecord(new Uint8Array([0xff])); // { type: 'application/octet-stream', value: '/w==' }
 */
export function bytesRecord(bytes: Uint8Array): { type: string; value: string } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { type: RECORD_TYPES.text, value: text };
  } catch {
    return { type: RECORD_TYPES.binary, value: toBase64(bytes) };
  }
}

/**
 * The bytes of an inline record, the inverse of {@link bytesRecord}; a
 * record holding a JSON value other than a string gives its compact JSON.
 *
 * @example
 * recordBytes({ type: 'application/octet-stream', value: '/w==' }); // Uint8Array [0xff]
 */
export function recordBytes(entry: { type: string; value: unknown }): Uint8Array {
  if (typeof entry.value !== 'string') return new TextEncoder().encode(JSON.stringify(entry.value));
  if (entry.type === RECORD_TYPES.binary) return fromBase64(entry.value);
  return new TextEncoder().encode(entry.value);
}

/**
 * Is `name` one of the apps' own records (never listed, never written by a user)?
 *
 * @example
 * isReservedRecordName(VAULT_NAME_RECORD); // true
 */
export function isReservedRecordName(name: string): boolean {
  return name.startsWith(RESERVED_NAME_PREFIX);
}

/**
 * A vault name the apps accept: 1 to 200 UTF-16 code units, no control characters.
 *
 * @example
 * isValidVaultName('Family'); // true
 */
export function isValidVaultName(name: string): boolean {
  return name !== '' && name.length <= 200 && ![...name].some((c) => c.charCodeAt(0) < 0x20);
}

/**
 * The value of {@link VAULT_NAME_RECORD} for `name`.
 *
 * @example
 * await client.records.put(vaultId, VAULT_NAME_RECORD, vaultNameValue('Family'));
 */
export function vaultNameValue(name: string): { name: string } {
  return { name };
}

/**
 * The vault name in a {@link VAULT_NAME_RECORD} value, or undefined when it has none.
 *
 * @example
 * vaultNameOf((await client.records.get(vaultId, VAULT_NAME_RECORD))?.value); // 'Family'
 */
export function vaultNameOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const name = (value as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  // As lenient as Node's Buffer, which decoded these values before: URL-safe
  // letters are accepted, other characters and missing padding ignored.
  const clean = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/[^A-Za-z0-9+/]/g, '');
  const binary = atob(clean.length % 4 === 1 ? clean.slice(0, -1) : clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
