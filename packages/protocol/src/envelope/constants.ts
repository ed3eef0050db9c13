/** Byte-level constants of the Coffer envelope, format version 1 (SPEC.md "Header"). */

/** "CFR": the first three magic bytes; the fourth is the format version. */
export const MAGIC_PREFIX = new Uint8Array([0x43, 0x46, 0x52]);
export const FORMAT_VERSION = 1;
/** COFFER-A256: Cobblestone-256 body, HPKE X25519/AES-256-GCM stanzas, Ed25519 footer. */
export const SUITE_COFFER_A256 = 0x0001;

export const MODE_DIRECT = 0x00;
export const MODE_WRAPPED = 0x01;
/** Flag bit 0: a footer signature follows the body. */
export const FLAG_SIGNED = 0x01;

/** Size of the fixed header (bytes 0..29, up to and including stanzaCount). */
export const FIXED_HEADER_SIZE = 30;
/** Offset of the stanzaCount byte. `fixedHeader` (wrapContext) is bytes 0..29 inclusive: 30 bytes. */
export const STANZA_COUNT_OFFSET = 29;
export const MAX_HEADER_SIZE = 16_384;
export const MAX_STANZAS = 32;
export const KID_SIZE = 16;
export const DEK_SIZE = 32;

export const STANZA_SYMMETRIC = 0x01;
export const STANZA_X25519 = 0x02;
export const STANZA_PASSPHRASE = 0x03;
/** Cobblestone ciphertext of a 32-byte DEK: salt 24 + commitment 32 + 32 + tag 16. */
export const SYMMETRIC_STANZA_BODY_SIZE = 104;
/** HPKE enc 32 + ct 48 (32-byte DEK + 16-byte tag). */
export const X25519_STANZA_BODY_SIZE = 80;
/** salt 16 + u32 memoryKiB + u8 iterations + u8 parallelism. */
export const PASSPHRASE_STANZA_ARGS_SIZE = 22;
export const PASSPHRASE_SALT_SIZE = 16;

/** Argon2id bounds a reader enforces before deriving (a server must not weaken or DoS them). */
export const ARGON2ID_BOUNDS = {
  minMemoryKiB: 65_536,
  maxMemoryKiB: 1_048_576,
  minIterations: 3,
  maxIterations: 10,
  minParallelism: 1,
  maxParallelism: 4,
} as const;

/** Footer: signerKid(16) ‖ Ed25519 signature(64). */
export const FOOTER_SIZE = 80;
export const SIGNATURE_SIZE = 64;

/** Smallest valid body: salt ‖ commitment ‖ one empty chunk (tag only). */
export const MIN_BODY_SIZE = 24 + 32 + 16;

/** Content types and their header byte. */
export const CONTENT_TYPES = {
  record: 0x01,
  blob: 0x02,
  'key-grant': 0x03,
  'key-bundle': 0x04,
  'vault-head': 0x05,
} as const;

/** The name of a content type ("record", "blob", ...). */
export type ContentType = keyof typeof CONTENT_TYPES;

// Looked up on every parse: a map instead of Object.entries each time.
const CONTENT_TYPE_BY_BYTE = new Map<number, ContentType>(
  Object.entries(CONTENT_TYPES).map(([name, value]) => [value, name as ContentType]),
);

/** The content type of a header byte, or undefined for an unknown byte. */
export function contentTypeOf(byte: number): ContentType | undefined {
  return CONTENT_TYPE_BY_BYTE.get(byte);
}

export const LABEL_BODY = 'coffer/v1/body';
export const LABEL_WRAP = 'coffer/v1/wrap';
export const LABEL_SIG = 'coffer/v1/sig';
export const LABEL_HPKE_INFO = 'coffer/v1/hpke';
