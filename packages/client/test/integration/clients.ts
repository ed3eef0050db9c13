/**
 * Clients of the integration suite: `createClient` from the Node entry, with
 * the server certificate pinned and a SQLite replica in a temporary file.
 * A device lives as long as the test that made it (made in beforeAll: the
 * file): then its client and replica are closed and the temp dir removed.
 */
import { join } from 'node:path';
import { tempDirSync, whenDone } from '../../../../tooling/test-temp.ts';
import type { ClientOptions, CofferClient } from '../../src/client.ts';
import { createClient, createTlsFetch } from '../../src/node.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { untilState } from '../until-state.ts';
import type { TestServer } from './server.ts';

export interface TestDevice {
  client: CofferClient;
  store: SqliteStore;
  file: string;
  errors: Array<{ code: string; message: string }>;
}

let counter = 0;

/** A fresh device (its own SQLite replica) talking to `server`. */
export function device(
  server: TestServer,
  options: Partial<ClientOptions> & { file?: string } = {},
): TestDevice {
  const file = options.file ?? join(tempDirSync('coffer-replica-'), 'replica.sqlite3');
  const store = SqliteStore.open(file);
  const client = createClient({
    serverUrl: server.url,
    store,
    clientName: 'client-it',
    clientVersion: '0.0.0',
    tls: { pinSha256: server.pinSha256 },
    ...options,
  });
  // Runs before the temp dir's removal, registered earlier (last in, first out).
  whenDone(async () => {
    await client.close();
    await store.close();
  });
  const errors: TestDevice['errors'] = [];
  client.state.subscribe(() => {
    const all = client.state.getSnapshot().errors;
    errors.splice(0, errors.length, ...all);
  });
  return { client, store, file, errors };
}

/** A unique username per call (the server is shared by a whole test file). */
export function username(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

/** Sign up and log in a new account on a new device. */
export async function signedUp(
  server: TestServer,
  prefix: string,
  passphrase = 'correct horse battery staple',
): Promise<TestDevice & { username: string; passphrase: string }> {
  const d = device(server);
  const name = username(prefix);
  await d.client.accounts.signup(name, passphrase);
  await d.client.accounts.login(name, passphrase);
  return { ...d, username: name, passphrase };
}

/** A device with a network switch: while `net.online` is false its requests go to `offline`. */
export type SwitchableDevice = TestDevice & { net: { online: boolean } };

/**
 * One account on three devices (the first signs up), each with a network
 * switch. Offline requests are answered by `offline` (default: a rejected
 * fetch, as a browser without network gives).
 */
export async function accountOnThreeDevices(
  server: TestServer,
  options: {
    prefix: string;
    clock: { now(): number };
    offline?: (
      pinned: typeof fetch,
      input: RequestInfo | URL,
      init?: RequestInit,
    ) => Promise<Response>;
  },
): Promise<[SwitchableDevice, SwitchableDevice, SwitchableDevice]> {
  const user = username(options.prefix);
  const passphrase = 'correct horse battery staple';
  const offline = options.offline ?? (() => Promise.reject(new TypeError('offline')));
  const out: SwitchableDevice[] = [];
  for (let i = 0; i < 3; i++) {
    const pinned = createTlsFetch({ pinSha256: server.pinSha256 });
    const net = { online: true };
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      net.online ? pinned(input, init) : offline(pinned, input, init)) as typeof globalThis.fetch;
    const d = device(server, { fetch, clock: options.clock });
    if (i === 0) await d.client.accounts.signup(user, passphrase);
    await d.client.accounts.login(user, passphrase);
    out.push(Object.assign(d, { net }));
  }
  return out as [SwitchableDevice, SwitchableDevice, SwitchableDevice];
}

/** Names and values of a vault's records on a device. */
export async function values(d: TestDevice, vaultId: string): Promise<Record<string, unknown>> {
  return Object.fromEntries((await d.client.records.list(vaultId)).map((r) => [r.name, r.value]));
}

/** Resolve once `predicate` holds on `d` (see untilState). */
export function until(d: TestDevice, predicate: () => boolean | Promise<boolean>): Promise<void> {
  return untilState(d.client, predicate);
}
