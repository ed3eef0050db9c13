import { nativeGcm, nativeGcmStatus, setNativeGcmEnabled } from './native-gcm.ts';
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

/** AES-256-GCM for one message, synchronous, writing sealed chunks into caller buffers. */
export interface SyncChunkAead {
  /** Write ciphertext ‖ tag(16) of one chunk at `out[offset]`; returns the offset after it. */
  sealInto(counter: number, plaintext: Uint8Array, out: Uint8Array, offset: number): number;
  /**
   * Emit one chunk as two pieces, its ciphertext then its tag(16), with no
   * copy: streams use it so that each chunk allocates only what node:crypto
   * itself allocates (fewer, smaller garbage buffers: lower peak RSS).
   */
  sealTo(counter: number, plaintext: Uint8Array, emit: (bytes: Uint8Array) => void): void;
  /** Plaintext of an authentic chunk; throws DecryptionError otherwise. */
  open(counter: number, sealed: Uint8Array): Uint8Array;
}

/**
 * The same operations without promises, for runtimes whose crypto is
 * synchronous (node:crypto): whole messages and streams then skip every
 * async hop and per-chunk allocation they can.
 */
export interface SyncCobblestoneBackend {
  hkdfExpandSha512(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  chunkAead(aeadKey: Uint8Array, baseNonce: Uint8Array): SyncChunkAead;
  /** Uninitialised bytes; every caller overwrites all of them before use. */
  allocate(length: number): Uint8Array;
}

/** The crypto operations Cobblestone-256 needs, implemented once per platform. */
export interface CobblestoneBackend {
  readonly name: BackendName;
  /** Chunk operations worth keeping in flight at once (1 for synchronous backends). */
  readonly concurrency: number;
  hkdfExpandSha512(prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;
  chunkAead(aeadKey: Uint8Array, baseNonce: Uint8Array): Promise<ChunkAead>;
  /** Present when the platform's crypto is synchronous (node:crypto). */
  readonly sync?: SyncCobblestoneBackend;
}

/**
 * `node` is node:crypto for every chunk; `node-native` adds the native chunk
 * AEAD (native-gcm.ts), which the automatic choice uses wherever it loaded.
 */
export type BackendName = 'node' | 'node-native' | 'webcrypto';

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
  if (name !== 'webcrypto' && name !== undefined && !nodeBackend) {
    throw new Error('node:crypto is not available here');
  }
  setNativeGcmEnabled(name !== 'node');
  if (name === 'node-native' && !nativeGcm()) {
    throw new Error(`the native chunk AEAD is not loaded (${nativeReason()})`);
  }
  forced = name;
}

function nativeReason(): string {
  const status = nativeGcmStatus();
  return status.loaded ? 'turned off' : status.reason;
}
