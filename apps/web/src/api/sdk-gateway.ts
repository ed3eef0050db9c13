/**
 * The {@link CofferGateway} over `@coffer/client`: one IndexedDB replica per
 * username on this device, key derivation in a Web Worker, and the server at
 * the page's own origin (the CSP allows no other).
 */
import { type CofferClient, createClient, deriveKeysInWorker } from '@coffer/client';
import { IndexedDbStore } from '@coffer/client/indexeddb';
import kdfWorkerUrl from './kdf.worker.ts?worker&url';
import { SdkSession } from './sdk-session.ts';
import type { CofferGateway, CofferSession, ProgressListener } from './types.ts';

declare const __COFFER_VERSION__: string | undefined;
const VERSION = typeof __COFFER_VERSION__ === 'string' ? __COFFER_VERSION__ : '0.0.0-dev';

export interface SdkGatewayOptions {
  serverUrl: string;
}

/** The IndexedDB database of an account's replica on this browser. */
export function replicaName(username: string): string {
  return `coffer:${username}`;
}

/**
 * Whether this browser already holds a replica of that name. Unknown (an
 * old browser without `indexedDB.databases()`) counts as yes: the answer
 * only decides whether a failed login may delete it.
 */
async function replicaExists(name: string): Promise<boolean> {
  if (typeof indexedDB.databases !== 'function') return true;
  try {
    return (await indexedDB.databases()).some((db) => db.name === name);
  } catch {
    return true;
  }
}

function deleteReplica(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

async function openClient(serverUrl: string, username: string, onProgress: ProgressListener) {
  // One replica per account: a second account on this browser never reads the first's outbox.
  const store = await IndexedDbStore.open(replicaName(username));
  const client = createClient({
    serverUrl,
    store,
    clientName: 'coffer-web',
    clientVersion: VERSION,
    deriveKeys: async (input) => {
      onProgress({ step: 'Deriving your key from the passphrase (Argon2id)…' });
      const keys = await deriveKeysInWorker(kdfWorkerUrl, input);
      onProgress({ step: 'Signing in…' });
      return keys;
    },
  });
  return { client, store };
}

/**
 * How this browser appears in the account's session list: enough to tell a
 * laptop from a phone when ending a lost device's session. The platform
 * string is the browser's own (no control characters: the server refuses those).
 */
export function deviceName(): string {
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } };
  const platform = (nav.userAgentData?.platform || nav.platform || '').replace(/[^\w .()-]/g, '');
  return platform ? `Web browser (${platform.slice(0, 40)})` : 'Web browser';
}

async function start(
  serverUrl: string,
  username: string,
  passphrase: string,
  onProgress: ProgressListener,
  before?: (client: CofferClient) => Promise<void>,
): Promise<CofferSession> {
  onProgress({ step: 'Contacting the server…' });
  // A failed first login leaves no database named after what was typed (a
  // mistyped name, or a passphrase typed into the username field).
  const existed = await replicaExists(replicaName(username));
  const { client, store } = await openClient(serverUrl, username, onProgress);
  try {
    await client.handshake();
    if (before) await before(client);
    const account = await client.accounts.login(username, passphrase, deviceName());
    onProgress({ step: 'Opening your vaults…' });
    return await SdkSession.start(client, store, account);
  } catch (error) {
    await client.close().catch(() => {});
    await store.close().catch(() => {});
    if (!existed) await deleteReplica(replicaName(username));
    throw error;
  }
}

export function createSdkGateway({ serverUrl }: SdkGatewayOptions): CofferGateway {
  return {
    login: (username, passphrase, onProgress) => start(serverUrl, username, passphrase, onProgress),
    signup: (username, passphrase, onProgress) =>
      start(serverUrl, username, passphrase, onProgress, async (client) => {
        await client.accounts.signup(username, passphrase);
      }),
  };
}
