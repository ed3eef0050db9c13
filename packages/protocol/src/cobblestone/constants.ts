/** Cobblestone-256 (c2sp.org/chunked-encryption with AES-256-GCM) sizes. */
export const CHUNK_SIZE = 16_384;
export const TAG_SIZE = 16;
export const SALT_SIZE = 24;
export const COMMITMENT_SIZE = 32;
export const KEY_SIZE = 32;
export const NONCE_SIZE = 12;
/** Bytes before the first chunk: salt ‖ commitment. */
export const PREFIX_SIZE = SALT_SIZE + COMMITMENT_SIZE;
/** A full chunk on the wire. */
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
export const INFO_LABEL = 'c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM';
