/** Versions every part of Coffer agrees on. */

/** The protocol versions (the `Coffer-Protocol` header) this build speaks. */
export const PROTOCOL_VERSION = 1;
/** Oldest protocol version this build still accepts (current and previous are served). */
export const MIN_PROTOCOL_VERSION = 1;

/** Envelope format versions this reader opens. */
export const ENVELOPE_FORMAT_VERSIONS = [1] as const;
/** Cipher suites this reader opens; writers write exactly the first. */
export const ENVELOPE_SUITES = [{ id: 0x0001, name: 'COFFER-A256' }] as const;
