/**
 * Node entry (`@coffer/client/node`): `createClient` with TLS pinning through
 * an undici dispatcher, and the SQLite store.
 */
import {
  type ClientOptions,
  type CofferClient,
  createClient as createCoreClient,
} from './client.ts';
import { createNodeOpenPool } from './sync/node-open-pool.ts';
import { createTlsHttp } from './transport/node-tls.ts';

export { fileSink } from './blobs/file-sink.ts';
export {
  SqliteFileLock,
  type SqliteFileLockOptions,
  SqliteStore,
  type SqliteStoreOptions,
} from './store/sqlite-store.ts';
export {
  createNodeOpenPool,
  type NodeOpenPool,
  type NodeOpenPoolOptions,
} from './sync/node-open-pool.ts';
export {
  createTlsFetch,
  createTlsHttp,
  normalizeFingerprint,
  type TlsHttp,
  type TlsOptions,
  TlsPinMismatchError,
} from './transport/node-tls.ts';

/**
 * Like the core `createClient`, but `tls: { pinSha256 | caPem }` pins the
 * server certificate, and pulled envelopes are opened on a worker pool.
 *
 * @example
 * const client = createClient({ serverUrl, store: SqliteStore.open(file), clientName: 'coffer-cli', clientVersion, tls: { pinSha256 } });
 */
export function createClient(options: ClientOptions): CofferClient {
  const opener = options.opener ?? createNodeOpenPool();
  if (options.tls && !options.fetch) {
    // Pull pages go through `request`, over the fetch's own pinned dispatcher.
    const { fetch, request } = createTlsHttp(options.tls);
    return createCoreClient({ ...options, opener, fetch, request });
  }
  return createCoreClient({ ...options, opener });
}
