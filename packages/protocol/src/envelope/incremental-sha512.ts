import { createSHA512 } from 'hash-wasm';

/** An incremental SHA-512 (WebCrypto has none). */
export interface IncrementalSha512 {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

interface NodeHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}
interface NodeCrypto {
  createHash(algorithm: 'sha512'): NodeHash;
}

// node:crypto when the runtime has it (fast, native); reached through
// process.getBuiltinModule so browser bundles never see a static node import.
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

/**
 * A fresh incremental SHA-512: node:crypto in Node, hash-wasm elsewhere.
 *
 * @example
 * const hash = await createIncrementalSha512();
 * hash.update(header); hash.update(body);
 * const digest = hash.digest();
 */
export async function createIncrementalSha512(): Promise<IncrementalSha512> {
  if (nodeCrypto) {
    const hash = nodeCrypto.createHash('sha512');
    return {
      update: (bytes) => void hash.update(bytes),
      digest: () => new Uint8Array(hash.digest()),
    };
  }
  const hasher = await createSHA512();
  hasher.init();
  return {
    update: (bytes) => void hasher.update(bytes),
    digest: () => hasher.digest('binary'),
  };
}
