/**
 * A client that answers from the local replica alone: its fetch refuses
 * every request, so the SDK takes its offline paths (vault ids this profile
 * has seen, vault keys it verified and sealed in the replica before). `get`
 * on a warm replica uses it first: no socket, no TLS, no HTTP stack loaded.
 */
import { createClient } from '@coffer/client';
import { SqliteStore } from '@coffer/client/sqlite';
import { profilePaths } from '../profile/home.ts';
import { CLI_VERSION } from '../version.ts';
import type { AccountState } from './account-state.ts';
import type { OpenedClient } from './open-client.ts';
import type { ServerProfile } from './profile.ts';
import { sessionOf } from './unlock.ts';

/** Refuses like an unreachable server (the SDK sees a NetworkError, which is transient). */
const offlineFetch: typeof fetch = () =>
  Promise.reject(new Error('answering from the local replica (no request sent)'));

/** The account's client over the replica, never touching the network. */
export async function openLocalClient(
  profile: ServerProfile,
  state: AccountState,
): Promise<OpenedClient & { state: AccountState }> {
  const store = SqliteStore.open(profilePaths(profile.home).replica);
  const client = createClient({
    serverUrl: profile.server.origin,
    store,
    clientName: 'coffer-cli',
    clientVersion: CLI_VERSION,
    fetch: offlineFetch,
  });
  client.accounts.resume(await sessionOf(state), state.token);
  return {
    client,
    store,
    profile,
    state,
    // Nothing comes from a server here, so nothing is refused.
    takeRefusals: () => [],
    // It never pushes (nothing can be sent), so it never takes the profile's lock.
    releaseProfile() {},
    async close() {
      await client.close();
      await store.close();
    },
  };
}
