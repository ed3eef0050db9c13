/**
 * Child process of the bench: log in (not timed), then pull a whole vault
 * into a FRESH SQLite replica and report the time and this process's peak
 * RSS (VmHWM), so the figure is the sync's and not the seeding's.
 * Argument: JSON { url, pinSha256, username, vaultId, file }.
 */
import { readFileSync } from 'node:fs';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { newClient, PASSPHRASE } from './setup.ts';

const kib = (field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

const args = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  pinSha256: string;
  username: string;
  vaultId: string;
  file: string;
};
const store = SqliteStore.open(args.file);
const client = newClient(args, store);
await client.accounts.login(args.username, PASSPHRASE);
await client.vaults.keyring(args.vaultId);
const rssBeforeKiB = kib('VmRSS');
const t0 = performance.now();
await client.sync(args.vaultId);
const seconds = (performance.now() - t0) / 1000;
const records = (await store.listRecords(args.vaultId)).length;
const errors = client.state.getSnapshot().errors.map((e) => e.code);
process.stdout.write(
  `${JSON.stringify({ seconds, records, errors, rssBeforeKiB, peakRssKiB: kib('VmHWM') })}\n`,
);
await client.close();
await store.close();
