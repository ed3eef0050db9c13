import { EnvelopeFormatError } from '../errors.ts';
import { ENVELOPE_FORMAT_VERSIONS, ENVELOPE_SUITES } from '../version.ts';
import { bodyPlaintextLength } from './body-size.ts';
import {
  contentTypeOf,
  FIXED_HEADER_SIZE,
  FLAG_SIGNED,
  FOOTER_SIZE,
  KID_SIZE,
  MAGIC_PREFIX,
  MAX_HEADER_SIZE,
  MAX_STANZAS,
  MIN_BODY_SIZE,
  MODE_DIRECT,
  MODE_WRAPPED,
  PASSPHRASE_SALT_SIZE,
  PASSPHRASE_STANZA_ARGS_SIZE,
  STANZA_PASSPHRASE,
  STANZA_SYMMETRIC,
  STANZA_X25519,
  SYMMETRIC_STANZA_BODY_SIZE,
  X25519_STANZA_BODY_SIZE,
} from './constants.ts';
import type { AcceptPolicy, EnvelopeHeader, EnvelopeInfo, Stanza } from './header-types.ts';
import { checkArgon2idParams } from './passphrase.ts';

const KNOWN_SUITES: ReadonlyArray<number> = ENVELOPE_SUITES.map((s) => s.id);

function fail(code: ConstructorParameters<typeof EnvelopeFormatError>[0], message: string): never {
  throw new EnvelopeFormatError(code, message);
}

/**
 * Parse the header at the start of `bytes` (which may hold more than the
 * header). Hard limits are checked before anything is copied; fields are views
 * into `bytes`. Throws EnvelopeFormatError with code `truncated` when `bytes`
 * ends before the header does (a streaming reader then waits for more).
 */
export function parseHeaderPrefix(bytes: Uint8Array, accept: AcceptPolicy = {}): EnvelopeHeader {
  if (bytes.length < 4) fail('truncated', 'envelope shorter than its magic');
  for (let i = 0; i < MAGIC_PREFIX.length; i++) {
    if (bytes[i] !== MAGIC_PREFIX[i]) fail('bad_magic', 'not a Coffer envelope');
  }
  const version = bytes[3]!;
  const versions = accept.versions ?? ENVELOPE_FORMAT_VERSIONS;
  if (
    !(ENVELOPE_FORMAT_VERSIONS as ReadonlyArray<number>).includes(version) ||
    !versions.includes(version)
  ) {
    fail('unsupported_version', `envelope format version ${version} is not supported`);
  }
  if (bytes.length < FIXED_HEADER_SIZE) fail('truncated', 'envelope shorter than its fixed header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const suite = view.getUint16(4);
  const suites = accept.suites ?? KNOWN_SUITES;
  if (!KNOWN_SUITES.includes(suite) || !suites.includes(suite)) {
    fail('unsupported_suite', `cipher suite ${suite} is not supported`);
  }
  const modeByte = bytes[6]!;
  if (modeByte !== MODE_DIRECT && modeByte !== MODE_WRAPPED) fail('bad_mode', 'unknown mode');
  const flags = bytes[7]!;
  if ((flags & ~FLAG_SIGNED) !== 0) fail('bad_flags', 'unknown flag bits set');
  const contentType = contentTypeOf(bytes[8]!);
  if (contentType === undefined) fail('bad_content_type', 'unknown content type');
  const epoch = view.getUint32(9);
  const kid = bytes.subarray(13, 13 + KID_SIZE);
  const stanzaCount = bytes[29]!;
  if (modeByte === MODE_DIRECT) {
    if (stanzaCount !== 0) fail('bad_stanza', 'a DIRECT envelope has no stanzas');
  } else {
    if (kid.some((b) => b !== 0)) fail('bad_kid', 'a WRAPPED envelope has an all-zero kid');
    if (stanzaCount === 0) fail('bad_stanza', 'a WRAPPED envelope needs at least one stanza');
    if (stanzaCount > MAX_STANZAS) fail('too_many_stanzas', 'more than 32 stanzas');
  }
  const stanzas: Stanza[] = [];
  let offset = FIXED_HEADER_SIZE;
  for (let i = 0; i < stanzaCount; i++) {
    const typeByte = need(bytes, offset, 3);
    const argsLength = view.getUint16(offset + 1);
    const args = take(bytes, offset + 3, argsLength);
    const bodyLengthOffset = offset + 3 + argsLength;
    need(bytes, bodyLengthOffset, 2);
    const bodyLength = view.getUint16(bodyLengthOffset);
    const body = take(bytes, bodyLengthOffset + 2, bodyLength);
    offset = bodyLengthOffset + 2 + bodyLength;
    stanzas.push(parseStanza(typeByte, args, body));
  }
  if (stanzas.some((s) => s.kind === 'passphrase') && stanzas.length !== 1) {
    fail('bad_stanza', 'a PASSPHRASE stanza must be the only stanza');
  }
  return {
    version,
    suite,
    mode: modeByte === MODE_DIRECT ? 'direct' : 'wrapped',
    signed: (flags & FLAG_SIGNED) !== 0,
    contentType,
    epoch,
    kid,
    stanzas,
    headerLength: offset,
    headerBytes: bytes.subarray(0, offset),
  };
}

/** Check that `length` bytes from `offset` lie within the header limit and the input. */
function need(bytes: Uint8Array, offset: number, length: number): number {
  if (offset + length > MAX_HEADER_SIZE) fail('header_too_large', 'header exceeds 16 KiB');
  if (offset + length > bytes.length) fail('truncated', 'envelope ends inside its header');
  return bytes[offset]!;
}

function take(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  need(bytes, offset, length);
  return bytes.subarray(offset, offset + length);
}

function parseStanza(typeByte: number, args: Uint8Array, body: Uint8Array): Stanza {
  switch (typeByte) {
    case STANZA_SYMMETRIC:
    case STANZA_X25519: {
      const bodySize =
        typeByte === STANZA_SYMMETRIC ? SYMMETRIC_STANZA_BODY_SIZE : X25519_STANZA_BODY_SIZE;
      if (args.length !== KID_SIZE || body.length !== bodySize) {
        fail('bad_stanza', 'stanza args or body has the wrong length');
      }
      return typeByte === STANZA_SYMMETRIC
        ? { kind: 'symmetric', typeByte, args, body, kid: args }
        : { kind: 'x25519', typeByte, args, body, kid: args };
    }
    case STANZA_PASSPHRASE: {
      if (
        args.length !== PASSPHRASE_STANZA_ARGS_SIZE ||
        body.length !== SYMMETRIC_STANZA_BODY_SIZE
      ) {
        fail('bad_stanza', 'stanza args or body has the wrong length');
      }
      const view = new DataView(args.buffer, args.byteOffset, args.byteLength);
      const params = {
        memoryKiB: view.getUint32(PASSPHRASE_SALT_SIZE),
        iterations: args[PASSPHRASE_SALT_SIZE + 4]!,
        parallelism: args[PASSPHRASE_SALT_SIZE + 5]!,
      };
      checkArgon2idParams(params);
      return {
        kind: 'passphrase',
        typeByte,
        args,
        body,
        salt: args.subarray(0, PASSPHRASE_SALT_SIZE),
        params,
      };
    }
    default:
      // Forward compatibility: a later version may add stanza types; old readers skip them.
      return { kind: 'unknown', typeByte, args, body };
  }
}

/**
 * Parse and size-check a complete envelope without any key: header fields,
 * body length, footer and the plaintext length the body implies. Servers use
 * it to check structure, content type, epoch and kid before storing.
 *
 * @example
 * const info = parseEnvelopeHeader(envelope);
 * if (info.contentType !== 'record' || info.epoch < currentEpoch) reject();
 */
export function parseEnvelopeHeader(envelope: Uint8Array, accept: AcceptPolicy = {}): EnvelopeInfo {
  const header = parseHeaderPrefix(envelope, accept);
  const footerLength = header.signed ? FOOTER_SIZE : 0;
  const bodyLength = envelope.length - header.headerLength - footerLength;
  if (bodyLength < MIN_BODY_SIZE) fail('truncated', 'envelope body is too short');
  const sizes = bodyPlaintextLength(bodyLength);
  if (sizes === undefined) fail('bad_length', 'body length is not a valid chunk sequence');
  const info: EnvelopeInfo = { ...header, bodyLength, footerLength, ...sizes };
  if (header.signed) {
    const footerStart = header.headerLength + bodyLength;
    info.signerKid = envelope.subarray(footerStart, footerStart + 16);
  }
  return info;
}
