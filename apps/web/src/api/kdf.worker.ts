/**
 * The key-derivation worker, bundled by Vite as its own file (CSP:
 * worker-src 'self'). It mirrors `@coffer/client/kdf-worker`, whose message
 * format `deriveKeysInWorker` expects; importing that module for its side
 * effect does not work because the SDK's package declares `sideEffects:
 * false`, so the bundler drops it and the worker would be empty.
 */
import type { KdfInput } from '@coffer/client';
import { deriveAccountKeys } from '@coffer/protocol';

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
