/**
 * Builds the @coffer/client for a command: SQLite replica in the profile, TLS
 * as this profile trusts the server, and (for commands that need keys) the
 * account restored from COFFER_SESSION or from account.sealed + passphrase.
 * All sync, account, vault and record logic stays in the SDK.
 */
import type { CofferClient } from '@coffer/client';
import { createClient, SqliteStore } from '@coffer/client/node';
import type { CommandContext } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import { profilePaths } from '../profile/home.ts';
import { lockProfile } from '../profile/profile-lock.ts';
import type { ServerTrust } from '../profile/servers.ts';
import { CLI_VERSION } from '../version.ts';
import type { AccountState } from './account-state.ts';
import { requireAccount, type ServerProfile } from './profile.ts';
import { collectRefusals, type Refusal, refusalWarning } from './refusals.ts';
import { sessionOf, unlockAccount } from './unlock.ts';

export { sessionOf, unlockAccount } from './unlock.ts';

export interface OpenedClient {
  client: CofferClient;
  store: SqliteStore;
  profile: ServerProfile;
  /**
   * What the client refused from the server since the last call (or since
   * opening). Whatever no command took is a warning when the client closes.
   */
  takeRefusals(): Refusal[];
  /**
   * Let other `coffer` processes at the profile before this client closes:
   * only once nothing more is written or pushed (a blob download, a watch).
   * A watch still pulls; each change it makes to the outbox holds the SDK's
   * own OS lock beside the replica, so a `put` of another process is never
   * merged into, or lost to, one of the watch's.
   */
  releaseProfile(): void;
  close(): Promise<void>;
}

function tlsOptions(trust: ServerTrust): { caPem?: string; pinSha256?: string } | undefined {
  if (trust.kind === 'pin') return { pinSha256: trust.sha256 };
  if (trust.kind === 'ca') return { caPem: trust.caPem };
  return undefined;
}

/** A client for `profile` (no account restored yet); `out` gets the refusals no command took. */
export function buildClient(profile: ServerProfile, out?: Output): OpenedClient {
  const store = SqliteStore.open(profilePaths(profile.home).replica);
  const tls = tlsOptions(profile.trust);
  const client = createClient({
    serverUrl: profile.server.origin,
    store,
    clientName: 'coffer-cli',
    clientVersion: CLI_VERSION,
    ...(tls === undefined ? {} : { tls }),
  });
  let refusals = collectRefusals(client);
  const takeRefusals = () => {
    const taken = refusals.stop();
    refusals = collectRefusals(client);
    return taken;
  };
  return {
    client,
    store,
    profile,
    takeRefusals,
    releaseProfile() {},
    async close() {
      for (const r of refusals.stop()) out?.warn(refusalWarning(r));
      await client.close();
      await store.close();
    },
  };
}

/**
 * A client with the account restored (no network needed to restore it),
 * holding the profile's lock (profile-lock.ts) until it closes: the
 * passphrase is asked and derived first, so parallel commands derive in
 * parallel and only take turns at the replica and the server.
 * `unlocked`: the profile and account a caller already unlocked (no second
 * passphrase prompt or key derivation).
 */
export async function openAccountClient(
  ctx: CommandContext,
  unlocked?: { profile: ServerProfile; state: AccountState },
): Promise<OpenedClient & { state: AccountState }> {
  let profile: ServerProfile;
  let state: AccountState;
  if (unlocked !== undefined) ({ profile, state } = unlocked);
  else {
    const account = await requireAccount(ctx);
    profile = account;
    state = await unlockAccount(ctx, account.home, account.username);
  }
  const release = await lockProfile(profile.home, {
    onWait: () => ctx.out.info('waiting for another coffer command using this profile…'),
  });
  try {
    const opened = buildClient(profile, ctx.out);
    opened.client.accounts.resume(await sessionOf(state), state.token);
    return {
      ...opened,
      state,
      releaseProfile: release,
      async close() {
        try {
          await opened.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
