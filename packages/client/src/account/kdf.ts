/**
 * Account key derivation (Argon2id, 64 MiB+) off the UI thread: in browsers
 * it runs in a Web Worker (`@coffer/client/kdf-worker`); in Node it runs
 * inline (the CLI has no UI thread to keep responsive).
 */
import { type AccountKeys, deriveAccountKeys } from '@coffer/protocol';

/** Argon2id parameters as the wire carries them. */
export interface KdfInput {
  passphrase: string;
  salt: Uint8Array;
  params: { memoryKiB: number; iterations: number; parallelism: number };
}

/** A function that derives account keys (inline, or in a worker). */
export type DeriveKeys = (input: KdfInput) => Promise<AccountKeys>;

/** Derive on the current thread. */
export const deriveKeysInline: DeriveKeys = (input) =>
  deriveAccountKeys(input.passphrase, input.salt, input.params);

/**
 * Derive in a dedicated Web Worker started from `workerUrl` (the built
 * `@coffer/client/kdf-worker` module); one worker per derivation, terminated
 * afterwards so no key material stays in it.
 *
 * @example
 * import workerUrl from '@coffer/client/kdf-worker?worker&url'; // Vite: bundled as a worker
 * const derive = (input) => deriveKeysInWorker(workerUrl, input);
 */
export function deriveKeysInWorker(workerUrl: URL | string, input: KdfInput): Promise<AccountKeys> {
  const worker = new Worker(workerUrl, { type: 'module' });
  return new Promise<AccountKeys>((resolve, reject) => {
    worker.onmessage = (
      event: MessageEvent<{ ok: true; keys: AccountKeys } | { ok: false; message: string }>,
    ) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data.keys);
      else reject(new Error(event.data.message));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'key derivation worker failed'));
    };
    worker.postMessage(input);
  });
}
