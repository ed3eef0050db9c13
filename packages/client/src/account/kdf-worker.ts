/**
 * Web Worker entry (`@coffer/client/kdf-worker`): derives account keys from a
 * passphrase off the main thread and posts them back once.
 */
import { deriveAccountKeys } from '@coffer/protocol';
import type { KdfInput } from './kdf.ts';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<KdfInput>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = async (event) => {
  try {
    const { passphrase, salt, params } = event.data;
    scope.postMessage({ ok: true, keys: await deriveAccountKeys(passphrase, salt, params) });
  } catch (error) {
    // Only the error class travels back: never the passphrase.
    scope.postMessage({ ok: false, message: error instanceof Error ? error.name : 'error' });
  }
};
