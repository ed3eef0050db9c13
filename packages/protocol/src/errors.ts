/**
 * Typed errors of the protocol package. Every error has a stable `code` that
 * callers switch on; messages are for people and never contain key material.
 *
 * Every authentication failure (commitment, chunk tag, stanza unwrap, signature)
 * is the same {@link DecryptionError} with the same message, so that the error
 * is no oracle for an attacker.
 */

/** Codes of structural problems in an envelope or armor string. */
export type EnvelopeFormatCode =
  | 'unsupported_version'
  | 'unsupported_suite'
  | 'bad_magic'
  | 'bad_mode'
  | 'bad_flags'
  | 'bad_content_type'
  | 'unexpected_content_type'
  | 'bad_stanza'
  | 'bad_kid'
  | 'bad_record'
  | 'too_many_stanzas'
  | 'header_too_large'
  | 'truncated'
  | 'trailing_data'
  | 'bad_armor'
  | 'kdf_params_out_of_range'
  | 'bad_length'
  | 'not_signed'
  | 'bad_argument';

/** Every error code the protocol package can raise. */
export type ProtocolErrorCode =
  | EnvelopeFormatCode
  | 'key_not_found'
  | 'decryption_failed'
  | 'schema_invalid';

/** Base class: all protocol errors carry a stable machine-readable `code`. */
export abstract class CofferProtocolError extends Error {
  abstract readonly code: ProtocolErrorCode;
}

/**
 * The bytes are not a well-formed envelope (or armor), or use a version or
 * suite this reader does not accept.
 *
 * @example
 * try { await openEnvelope(bytes, opts) } catch (e) {
 *   if (e instanceof EnvelopeFormatError && e.code === 'unsupported_version') askToUpgrade()
 * }
 */
export class EnvelopeFormatError extends CofferProtocolError {
  override readonly name = 'EnvelopeFormatError';
  readonly code: EnvelopeFormatCode;
  constructor(code: EnvelopeFormatCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** No key in the caller's keyring (or no usable stanza) can open the envelope. */
export class KeyNotFoundError extends CofferProtocolError {
  override readonly name = 'KeyNotFoundError';
  readonly code = 'key_not_found' as const;
  constructor(message = 'no matching key for this envelope') {
    super(message);
  }
}

const DECRYPTION_FAILED_MESSAGE = 'decryption failed';

/**
 * Authentication failed. Deliberately uniform: same class, code and message
 * for a wrong key, a forged chunk, a bad commitment, a failed unwrap or a bad
 * signature.
 */
export class DecryptionError extends CofferProtocolError {
  override readonly name = 'DecryptionError';
  readonly code = 'decryption_failed' as const;
  constructor() {
    super(DECRYPTION_FAILED_MESSAGE);
  }
}

/** Untrusted wire data did not match its zod schema. */
export class SchemaError extends CofferProtocolError {
  override readonly name = 'SchemaError';
  readonly code = 'schema_invalid' as const;
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  constructor(message: string, issues: ReadonlyArray<{ path: string; message: string }>) {
    super(message);
    this.issues = issues;
  }
}
