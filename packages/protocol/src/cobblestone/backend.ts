import { nodeBackend } from './node-backend.ts';
import { webCryptoBackend } from './webcrypto-backend.ts';

/**
 * AES-256-GCM for one message: seals and opens chunks by counter. Results are
 * synchronous on the Node backend and promises on WebCrypto.
 */
export interface ChunkAead {
  /** ciphertext ‖ tag(16) of one chunk. */
  seal(counter: number, plaintext: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Plaintext of an authentic chunk; throws (or rejects with) DecryptionError otherwise. */
  open(counter: number, sealed: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** The crypto operations Cobblestone-256 needs, implemented once per platform. */
export interface CobblestoneBackend {
  readonly name: BackendName;
  /** Chunk operations worth keeping in flight at once (1 for synchronous backends). */
  readonly concurrency: number;
  hkdfExpandSha512(prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;
  chunkAead(aeadKey: Uint8Array, baseNonce: Uint8Array): Promise<ChunkAead>;
}

export type BackendName = 'node' | 'webcrypto';

let forced: BackendName | undefined;

/** The backend in use: node:crypto when the runtime has it, WebCrypto otherwise. */
export function cobblestoneBackend(): CobblestoneBackend {
  if (forced === 'webcrypto' || !nodeBackend) return webCryptoBackend;
  return nodeBackend;
}

/**
 * Tests only: force a backend (`undefined` restores automatic selection), so
 * both implementations run against the same vectors in Node.
 */
export function forceCobblestoneBackend(name: BackendName | undefined): void {
  if (name === 'node' && !nodeBackend) throw new Error('node:crypto is not available here');
  forced = name;
}
