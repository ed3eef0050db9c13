/**
 * The record-kind and vault-name conventions are a stored format: records the
 * web app and the CLI wrote before this module existed must read back the
 * same. The literal cases below are those apps' encodings, frozen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesRecord,
  inlineRecord,
  isReservedRecordName,
  isValidVaultName,
  RECORD_TYPES,
  recordBytes,
  recordKind,
  recordText,
  VAULT_NAME_RECORD,
  vaultNameOf,
  vaultNameValue,
} from '../src/index.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('record kinds (frozen encoding)', () => {
  it('keeps the type strings the apps have always written', () => {
    expect(RECORD_TYPES).toEqual({
      text: 'text/plain; charset=utf-8',
      json: 'application/json',
      secret: 'text/plain; charset=utf-8; coffer=secret',
      binary: 'application/octet-stream',
    });
  });

  it.each([
    [{ type: 'text/plain; charset=utf-8' }, 'text'],
    [{ type: 'application/json' }, 'json'],
    [{ type: 'text/plain; charset=utf-8; coffer=secret' }, 'secret'],
    [{ type: 'application/octet-stream', blob: { blobId: 'b', size: 3 } }, 'file'],
    [{ type: 'image/png', blob: { blobId: 'b', size: 3 } }, 'file'],
    // A blob makes a file even when the type says JSON or secret.
    [{ type: 'application/json', blob: { blobId: 'b', size: 3 } }, 'file'],
    // Types no app of ours writes inline read as text (older and foreign writers).
    [{ type: 'text/plain' }, 'text'],
    [{ type: 'application/octet-stream' }, 'text'],
    [{ type: 'text/plain; charset=utf-8; coffer=secret ' }, 'text'],
  ] as const)('%o is a %s record', (entry, kind) => {
    expect(recordKind(entry)).toBe(kind);
  });

  it('writes what a user typed as the web app did', () => {
    expect(inlineRecord('text', 'hello')).toEqual({
      type: 'text/plain; charset=utf-8',
      value: 'hello',
    });
    expect(inlineRecord('secret', 's3cret')).toEqual({
      type: 'text/plain; charset=utf-8; coffer=secret',
      value: 's3cret',
    });
    expect(inlineRecord('json', '{"a":[1,true,null]}')).toEqual({
      type: 'application/json',
      value: { a: [1, true, null] },
    });
    expect(() => inlineRecord('json', '{nope')).toThrow(SyntaxError);
  });

  it('shows stored values as the web app did', () => {
    expect(recordText({ type: 'application/json', value: { a: 1 } })).toBe('{\n  "a": 1\n}');
    expect(recordText({ type: 'application/json', value: 'x' })).toBe('"x"');
    expect(recordText({ type: 'text/plain; charset=utf-8', value: 'héllo' })).toBe('héllo');
    expect(recordText({ type: 'text/plain; charset=utf-8; coffer=secret', value: 'k' })).toBe('k');
    expect(recordText({ type: 'text/plain', value: { n: 1 } })).toBe('{"n":1}');
  });

  it('keeps bytes as the CLI did: UTF-8 as text, anything else padded base64', () => {
    expect(bytesRecord(utf8('héllo\n'))).toEqual({
      type: 'text/plain; charset=utf-8',
      value: 'héllo\n',
    });
    // A BOM stays part of the value.
    expect(bytesRecord(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))).toEqual({
      type: 'text/plain; charset=utf-8',
      value: '\ufeffA',
    });
    expect(bytesRecord(Uint8Array.of(0xff, 0x00, 0xfe))).toEqual({
      type: 'application/octet-stream',
      value: '/wD+',
    });
    expect(bytesRecord(Uint8Array.of(0xff))).toEqual({
      type: 'application/octet-stream',
      value: '/w==',
    });
  });

  it('reads back the bytes the CLI stored', () => {
    expect(recordBytes({ type: 'application/octet-stream', value: '/wD+' })).toEqual(
      Uint8Array.of(0xff, 0x00, 0xfe),
    );
    expect(recordBytes({ type: 'application/octet-stream', value: '/w==' })).toEqual(
      Uint8Array.of(0xff),
    );
    // Node's Buffer, which decoded these before, also took URL-safe and unpadded base64.
    expect(recordBytes({ type: 'application/octet-stream', value: '_wD-' })).toEqual(
      Uint8Array.of(0xff, 0x00, 0xfe),
    );
    expect(recordBytes({ type: 'application/octet-stream', value: '/w' })).toEqual(
      Uint8Array.of(0xff),
    );
    expect(recordBytes({ type: 'text/plain; charset=utf-8', value: 'héllo' })).toEqual(
      utf8('héllo'),
    );
    // A JSON record (written by the web app) reads as its compact JSON.
    expect(recordBytes({ type: 'application/json', value: { a: [1, 'x'] } })).toEqual(
      utf8('{"a":[1,"x"]}'),
    );
  });

  it('round-trips any bytes, with the base64 Node wrote before', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const record = bytesRecord(bytes);
        expect(recordBytes(record)).toEqual(bytes);
        if (record.type === RECORD_TYPES.binary) {
          expect(record.value).toBe(Buffer.from(bytes).toString('base64'));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('encodes a record larger than one base64 chunk', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7 + 0x80) & 0xff);
    const record = bytesRecord(bytes);
    expect(record.value).toBe(Buffer.from(bytes).toString('base64'));
    expect(recordBytes(record)).toEqual(bytes);
  });
});

describe('vault names (frozen encoding)', () => {
  it('lives in the reserved record .coffer/vault as { name }', () => {
    expect(VAULT_NAME_RECORD).toBe('.coffer/vault');
    expect(vaultNameValue('Family')).toEqual({ name: 'Family' });
    expect(vaultNameOf({ name: 'Family' })).toBe('Family');
    expect(vaultNameOf({ name: 7 })).toBeUndefined();
    expect(vaultNameOf('Family')).toBeUndefined();
    expect(vaultNameOf(null)).toBeUndefined();
    expect(vaultNameOf(undefined)).toBeUndefined();
  });

  it('reserves every name under .coffer/ and nothing else', () => {
    expect(isReservedRecordName('.coffer/vault')).toBe(true);
    expect(isReservedRecordName('.coffer/anything')).toBe(true);
    expect(isReservedRecordName('.coffer')).toBe(false);
    expect(isReservedRecordName('coffer/vault')).toBe(false);
    expect(isReservedRecordName('.Coffer/vault')).toBe(false);
  });

  it('accepts 1 to 200 characters without control characters', () => {
    expect(isValidVaultName('Family photos')).toBe(true);
    expect(isValidVaultName('x'.repeat(200))).toBe(true);
    expect(isValidVaultName('')).toBe(false);
    expect(isValidVaultName('x'.repeat(201))).toBe(false);
    expect(isValidVaultName('tab\there')).toBe(false);
    expect(isValidVaultName('line\n')).toBe(false);
  });
});
