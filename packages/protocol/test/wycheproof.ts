// Loading helpers for the Wycheproof vector files, usable in Node and browsers.
import { fromHex } from '../src/bytes.ts';

/** zlib-inflate (the Cobblestone `ct` fields) with the Compression Streams API. */
export async function inflateZlib(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** SHA-512 hex digest through WebCrypto. */
export async function sha512Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', new Uint8Array(bytes)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface CobblestoneVector {
  tcId: number;
  comment: string;
  key: string;
  ctx: string;
  ct: string;
  aeadKey: string;
  baseNonce: string;
  msgLength: number;
  msgSha512: string;
  result: 'valid' | 'invalid';
  flags: string[];
}

export { fromHex };
