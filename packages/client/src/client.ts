/**
 * `createClient`: the SDK's entry point. Holds the transport, the local
 * store, accounts, vaults, records and the sync engine of one device.
 */

import { type MetaResponse, PROTOCOL_VERSION, type VaultSummary } from '@coffer/protocol';
import { type AccountSession, AccountsApi } from './account/accounts-api.ts';
import { type DeriveKeys, deriveKeysInline } from './account/kdf.ts';
import type { LocalStore } from './store/types.ts';
import type { MergeFunction } from './sync/conflict.ts';
import { createSyncCore, type SyncCore } from './sync/core.ts';
import { orphanedRecords } from './sync/orphaned-records.ts';
import type { RecordOpener } from './sync/record-opener.ts';
import { type ReencryptOptions, type ReencryptResult, reencryptVault } from './sync/reencrypt.ts';
import { CofferClientError, isTransient, VersionNotSupportedError } from './transport/errors.ts';
import { HttpTransport } from './transport/http-transport.ts';
import type { TextRequest } from './transport/text-request.ts';
import type { Clock } from './util/env.ts';
import { reencryptPending } from './vault/reencrypt-progress.ts';
import {
  type FollowVaultsOptions,
  VaultFollower,
  type VaultListChange,
} from './vault/vault-follower.ts';
import { VaultsApi } from './vault/vaults-api.ts';

/** Options of {@link createClient}. */
export interface ClientOptions {
  serverUrl: string;
  store: LocalStore;
  clientName: string;
  clientVersion: string;
  fetch?: typeof fetch;
  /**
   * Node: a text request over the same pinned connections as `fetch`, for
   * pull pages (`createClient` from `@coffer/client/node` sets it with `tls`).
   */
  request?: TextRequest;
  /** Node only: use `createClient` from `@coffer/client/node`, which turns this into a pinned fetch. */
  tls?: { caPem?: string; pinSha256?: string };
  /** Key derivation (default inline; browsers pass a worker-backed one). */
  deriveKeys?: DeriveKeys;
  merge?: MergeFunction<unknown>;
  /** Changes per pull page (default 1000, the protocol maximum). */
  pullPage?: number;
  /** Mutations per push (default 200). */
  pushBatch?: number;
  /** Wall clock for record timestamps and retry times (tests). */
  clock?: Clock;
  /** Where pulled envelopes are opened (Node's `createClient` uses a worker pool). */
  opener?: RecordOpener;
}

/** One device's client. */
export interface CofferClient extends Pick<SyncCore, 'records' | 'conflicts' | 'blobs' | 'state'> {
  accounts: AccountsApi;
  vaults: VaultsApi;
  /** Check the server speaks our protocol; throws {@link VersionNotSupportedError}. */
  handshake(): Promise<MetaResponse>;
  /**
   * Sync a vault now (push then pull), including writes that wait for their
   * retry backoff; then finish a re-encryption this device's
   * `vaults.removeMember` left pending (see {@link reencrypt}). A failing
   * sync does not reject: being offline sets `state.connection` to
   * `'offline'`, anything else is an error event in `state.errors` (for
   * example `unauthorized` for a revoked session, `not_found` for a vault
   * this account cannot see), and the sync is retried with backoff.
   */
  sync(vaultId: string): Promise<void>;
  /**
   * Re-seal a vault's older-epoch records under its newest key (after a
   * rotation); resumes from the progress kept in the store.
   */
  reencrypt(vaultId: string, options?: ReencryptOptions): Promise<ReencryptResult>;
  /** Follow a vault's live stream. */
  live(vaultId: string): void;
  /**
   * Follow the account's live stream, if the server has it (`account-events`
   * in `/v1/meta?features=1`): when this account is given access to a vault,
   * removed from one or gets a new role, the vault list is fetched again, a
   * new vault is synced (`live: true`: and followed live), a removed one
   * stops, and {@link vaultList} subscribers hear of it. Resolves false
   * against an older server: keep refreshing `vaults.list()` on a timer.
   * Reconnects with backoff; a logout stops it (call it again after login).
   */
  followVaults(options?: FollowVaultsOptions): Promise<boolean>;
  /** The vault list as {@link followVaults} keeps it, and its changes. */
  vaultList: {
    getSnapshot(): ReadonlyArray<VaultSummary> | null;
    subscribe(listener: (change: VaultListChange) => void): () => void;
  };
  close(): Promise<void>;
}

/**
 * Create a client.
 *
 * @example
 * const client = createClient({ serverUrl, store: new MemoryStore(), clientName: 'notes', clientVersion: '1.0.0' });
 * await client.handshake();
 * await client.accounts.login('alice', passphrase);
 */
export function createClient(options: ClientOptions): CofferClient {
  if (options.tls && !options.fetch) {
    throw new CofferClientError(
      'tls_config',
      "TLS pinning needs createClient from '@coffer/client/node'",
    );
  }
  const transport = new HttpTransport({
    serverUrl: options.serverUrl,
    clientName: options.clientName,
    clientVersion: options.clientVersion,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.fetch && options.request ? { request: options.request } : {}),
  });
  let session: AccountSession | undefined;
  const requireSession = () => {
    if (!session) throw new CofferClientError('not_logged_in', 'log in first');
    return session;
  };
  let vaults: VaultsApi;
  const core = createSyncCore({
    store: options.store,
    transport,
    keyring: (vaultId, o) => vaults.keyring(vaultId, o),
    author: () =>
      session
        ? { signer: { kid: session.signingKid, seed: session.bundle.ed25519.seed } }
        : undefined,
    ...(options.merge ? { merge: options.merge } : {}),
    ...(options.pullPage ? { pullPage: options.pullPage } : {}),
    ...(options.pushBatch ? { pushBatch: options.pushBatch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.opener ? { opener: options.opener } : {}),
  });
  vaults = new VaultsApi(
    transport,
    options.store,
    core.ctx.clock,
    requireSession,
    (code, message, vaultId) => core.ctx.report(code, message, { vaultId }),
  );
  const follower = new VaultFollower(
    transport,
    core.engine,
    () => vaults.list(),
    (code, message) => core.ctx.report(code, message),
  );
  const accounts = new AccountsApi(transport, options.deriveKeys ?? deriveKeysInline, (s) => {
    // Keys of the previous account never serve the next one.
    if (session?.accountId !== s?.accountId) vaults.forgetKeys();
    // Logged out: no live stream or retry keeps calling the server (with no
    // token, each answered 401) until the app closes the client.
    if (s === undefined) core.engine.stopBackground();
    session = s;
  });
  // One re-encryption per vault at a time: a sync finishing a pending run and
  // an app's own call (the web app's, after removeMember) would otherwise
  // re-seal the same records twice, the second push of each refused.
  const reencrypting = new Map<string, Promise<unknown>>();
  const reencrypt = (vaultId: string, o?: ReencryptOptions): Promise<ReencryptResult> => {
    const before = reencrypting.get(vaultId) ?? Promise.resolve();
    const run = before
      .catch(() => {})
      .then(() => reencryptVault(core.ctx, core.engine, vaultId, o));
    const settled = run.catch(() => {});
    reencrypting.set(vaultId, settled);
    void settled.then(() => {
      if (reencrypting.get(vaultId) === settled) reencrypting.delete(vaultId);
    });
    return run;
  };
  return {
    accounts,
    vaults,
    records: core.records,
    conflicts: core.conflicts,
    blobs: core.blobs,
    state: core.state,
    async handshake() {
      const meta = await transport.getMeta();
      if (!meta.protocol.accepted.includes(PROTOCOL_VERSION)) {
        throw new VersionNotSupportedError(
          PROTOCOL_VERSION,
          { min: meta.protocol.min, max: meta.protocol.current },
          options.clientName,
        );
      }
      return meta;
    },
    async sync(vaultId) {
      await core.engine.sync(vaultId, { retryNow: true });
      // A rotation this device made whose re-encryption did not finish
      // (interrupted, or the app never started it) finishes with the sync.
      // A removal by a client that does not re-encrypt leaves the removed
      // member's past writes to whoever holds them (orphaned-records.ts).
      const pending = await reencryptPending(core.ctx.store, vaultId);
      const orphans = pending ? [] : await orphanedRecords(core.ctx, vaultId);
      if (!pending && orphans.length === 0) return;
      try {
        await reencrypt(vaultId, pending ? {} : { only: new Set(orphans) });
      } catch (error) {
        if (isTransient(error)) throw error;
        // E.g. this account lost the right to write since it removed the
        // member: the sync itself succeeded. Said, and tried again next sync
        // (progress is kept, so a retry costs one batch).
        core.ctx.report(
          'reencrypt_failed',
          `re-encrypting older records under the new key failed: ${error instanceof CofferClientError ? error.code : 'error'}`,
          { vaultId },
        );
      }
    },
    live: (vaultId) => core.engine.startLive(vaultId),
    followVaults: (o) => follower.start(o),
    vaultList: {
      getSnapshot: () => follower.getSnapshot(),
      subscribe: (listener) => follower.subscribe(listener),
    },
    reencrypt,
    async close() {
      core.engine.close();
      await core.engine.idle();
    },
  };
}
