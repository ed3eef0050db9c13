/**
 * Builds the @coffer/client for a command: SQLite replica in the profile, TLS
 * as this profile trusts the server, and (for commands that need keys) the
 * account restored from COFFER_SESSION or from account.sealed + passphrase.
 * All sync, account, vault and record logic stays in the SDK.
 */
import type { AccountSession, CofferClient } from '@coffer/client';
import { createClient, SqliteStore } from '@coffer/client/node';
import { kidForPublicKey } from '@coffer/protocol';
import type { CommandContext } from '../cli/command.ts';
import { readPassphrase } from '../cli/passphrase.ts';
import { profilePaths } from '../profile/home.ts';
import type { ServerTrust } from '../profile/servers.ts';
import { CLI_VERSION } from '../version.ts';
import { type AccountState, decodeAccountState, loadAccountState } from './account-state.ts';
import { requireAccount, type ServerProfile } from './profile.ts';
import { openSession } from './session-file.ts';

export interface OpenedClient {
  client: CofferClient;
  store: SqliteStore;
  profile: ServerProfile;
  close(): Promise<void>;
}

function tlsOptions(trust: ServerTrust): { caPem?: string; pinSha256?: string } | undefined {
  if (trust.kind === 'pin') return { pinSha256: trust.sha256 };
  if (trust.kind === 'ca') return { caPem: trust.caPem };
  return undefined;
}

/** A client for `profile` (no account restored yet). */
export function buildClient(profile: ServerProfile): OpenedClient {
  const store = SqliteStore.open(profilePaths(profile.home).replica);
  const tls = tlsOptions(profile.trust);
  const client = createClient({
    serverUrl: profile.server.origin,
    store,
    clientName: 'coffer-cli',
    clientVersion: CLI_VERSION,
    ...(tls === undefined ? {} : { tls }),
  });
  return {
    client,
    store,
    profile,
    async close() {
      await client.close();
      await store.close();
    },
  };
}

/** The unlocked account: from COFFER_SESSION when set, else the passphrase. */
export async function unlockAccount(
  ctx: CommandContext,
  home: string,
  username: string,
): Promise<AccountState> {
  const token = ctx.env.COFFER_SESSION;
  if (token !== undefined && token !== '') {
    const state = decodeAccountState(await openSession(home, token));
    return state;
  }
  return loadAccountState(home, username, await readPassphrase(ctx));
}

export async function sessionOf(state: AccountState): Promise<AccountSession> {
  return {
    accountId: state.accountId,
    username: state.username,
    sessionId: state.sessionId,
    bundle: state.bundle,
    signingKid: await kidForPublicKey('ed25519', state.bundle.ed25519.publicKey),
    encryptionKid: await kidForPublicKey('x25519', state.bundle.x25519.publicKey),
  };
}

/** A client with the account restored (no network needed to restore it). */
export async function openAccountClient(
  ctx: CommandContext,
): Promise<OpenedClient & { state: AccountState }> {
  const profile = await requireAccount(ctx);
  const state = await unlockAccount(ctx, profile.home, profile.username);
  const opened = buildClient(profile);
  opened.client.accounts.resume(await sessionOf(state), state.token);
  return { ...opened, state };
}
