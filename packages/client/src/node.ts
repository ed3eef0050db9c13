/**
 * Node entry (`@coffer/client/node`): `createClient` with TLS pinning through
 * an undici dispatcher, and the SQLite store.
 */
import {
  type ClientOptions,
  type CofferClient,
  createClient as createCoreClient,
} from './client.ts';
import { createTlsFetch } from './transport/node-tls.ts';

export { fileSink } from './blobs/file-sink.ts';
export { SqliteStore } from './store/sqlite-store.ts';
export {
  createTlsFetch,
  normalizeFingerprint,
  type TlsOptions,
  TlsPinMismatchError,
} from './transport/node-tls.ts';

/**
 * Like the core `createClient`, but `tls: { pinSha256 | caPem }` pins the server certificate.
 *
 * @example
 * const client = createClient({ serverUrl, store: SqliteStore.open(file), clientName: 'coffer-cli', clientVersion, tls: { pinSha256 } });
 */
export function createClient(options: ClientOptions): CofferClient {
  if (options.tls && !options.fetch) {
    return createCoreClient({ ...options, fetch: createTlsFetch(options.tls) });
  }
  return createCoreClient(options);
}
