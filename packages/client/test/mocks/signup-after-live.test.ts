// A signup in a process where a live event stream was just closed. On Node
// 24.22 the next Ed25519 key import then failed once with a stale OpenSSL
// error ("Invalid keyData", asn1 "too long") left on the thread's error
// queue; the protocol's importOwnKey retries such an import once. Two tests in
// this order in one file reproduce it (every run, before the fix).
import { describe, expect, it } from 'vitest';
import type { CofferClient } from '../../src/client.ts';
import { appClient, useCoffer } from './harness.ts';

const coffer = useCoffer();

/** Resolve once `predicate` holds, checked on each macrotask (the mock's stream state has no event). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

async function signedUp(username: string): Promise<CofferClient> {
  const client = appClient();
  await client.accounts.signup(username, 'correct horse battery');
  await client.accounts.login(username, 'correct horse battery');
  return client;
}

describe('a signup after a live stream was closed', () => {
  it('alice follows a vault live, then closes her client', async () => {
    const alice = await signedUp('alice');
    const vault = await alice.vaults.create();
    alice.live(vault.vaultId);
    // The stream is open and idle (the vault's head came first) when the client closes.
    await until(() => coffer.mock.db.live.size === 1);
    await alice.close();
    await until(() => coffer.mock.db.live.size === 0);
  });

  it('bob signs up and logs in in the same process', async () => {
    const bob = await signedUp('bob');
    expect((await bob.vaults.list()).length).toBeGreaterThanOrEqual(0);
    await bob.close();
  });
});
